
package org.fijigan.core.model.arch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.train.autodiff.GraphEmitter;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Writes a network as an ONNX graph (opset 17) with seeded initial weights.
 * Trainable weights are initializers; fixed helper values (kernels, shape
 * constants) are {@code Constant} nodes, so that fine-tuning, which trains the
 * float initializers, leaves them alone. Spatial sizes stay symbolic, so a
 * model runs on any image size its layers allow. Not thread-safe.
 */
final class NetBuilder {

	static final long OPSET = 17;
	private final GraphProto.Builder graph = GraphProto.newBuilder();
	private final ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(
		8).setProducerName("fiji-gan create-model");
	private final Map<String, Integer> counters = new HashMap<>();
	private final Random random;

	NetBuilder(String name, long seed) {
		graph.setName(name);
		random = new Random(seed);
	}

	/**
	 * A float input with dims given as numbers or symbolic names (e.g. "N", 1,
	 * "H", "W").
	 */
	NetBuilder input(String name, Object... dims) {
		graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
		return this;
	}

	NetBuilder intInput(String name, Object... dims) {
		graph.addInput(valueInfo(name, TensorProto.DataType.INT64_VALUE, dims));
		return this;
	}

	NetBuilder output(String value, String name, Object... dims) {
		if (!value.equals(name)) node("Identity", List.of(value), name);
		graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
		return this;
	}

	NetBuilder metadata(String key, String value) {
		model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key)
			.setValue(value));
		return this;
	}

	private static ValueInfoProto valueInfo(String name, int type,
		Object... dims)
	{
		TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
		for (Object d : dims)
			if (d instanceof Number n) shape.addDimBuilder().setDimValue(n
				.longValue());
			else shape.addDimBuilder().setDimParam(d.toString());
		return ValueInfoProto.newBuilder().setName(name).setType(TypeProto
			.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(
				type).setShape(shape))).build();
	}

	/** A fresh value name with the given prefix. */
	String fresh(String prefix) {
		int n = counters.merge(prefix, 1, Integer::sum);
		return n == 1 ? prefix : prefix + "_" + n;
	}

	/**
	 * Adds a node with one output named after {@code prefix}; returns the output
	 * name.
	 */
	String node(String op, List<String> inputs, String prefix,
		AttributeProto... attributes)
	{
		String out = fresh(prefix);
		NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out)
			.addOutput(out);
		inputs.forEach(n::addInput);
		for (AttributeProto a : attributes)
			n.addAttribute(a);
		graph.addNode(n);
		return out;
	}

	/** A trainable float initializer. */
	String weight(String name, float[] values, long... dims) {
		graph.addInitializer(tensor(name, values, dims));
		return name;
	}

	/** A fixed float value (a Constant node, not trained). */
	String constant(String prefix, float[] values, long... dims) {
		String out = fresh(prefix);
		graph.addNode(NodeProto.newBuilder().setOpType("Constant").setName(out)
			.addOutput(out).addAttribute(AttributeProto.newBuilder().setName("value")
				.setType(AttributeProto.AttributeType.TENSOR).setT(tensor(out, values,
					dims))));
		return out;
	}

	/** A fixed int64 value (a Constant node). */
	String constantLongs(String prefix, long... values) {
		String out = fresh(prefix);
		TensorProto.Builder t = TensorProto.newBuilder().setName(out).setDataType(
			TensorProto.DataType.INT64_VALUE).addDims(values.length);
		for (long v : values)
			t.addInt64Data(v);
		graph.addNode(NodeProto.newBuilder().setOpType("Constant").setName(out)
			.addOutput(out).addAttribute(AttributeProto.newBuilder().setName("value")
				.setType(AttributeProto.AttributeType.TENSOR).setT(t)));
		return out;
	}

	private static TensorProto tensor(String name, float[] values, long... dims) {
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(
			TensorProto.DataType.FLOAT_VALUE);
		for (long d : dims)
			t.addDims(d);
		for (float v : values)
			t.addFloatData(v);
		return t.build();
	}

	/**
	 * A 2-D convolution with PyTorch's default initialisation (weights and bias
	 * uniform in {@code +-1/sqrt(fan_in)}), weights multiplied by {@code gain}
	 * (ESRGAN scales the convolutions of its residual blocks by 0.1 so that a
	 * fresh block starts close to the identity).
	 */
	String conv(String name, String x, int cin, int cout, int kernel,
		int dilation, int stride, double gain)
	{
		int fanIn = cin * kernel * kernel;
		double bound = 1 / Math.sqrt(fanIn);
		float[] w = new float[cout * fanIn];
		for (int i = 0; i < w.length; i++)
			w[i] = (float) (gain * bound * (2 * random.nextDouble() - 1));
		float[] b = new float[cout];
		for (int i = 0; i < b.length; i++)
			b[i] = (float) (gain * bound * (2 * random.nextDouble() - 1));
		weight(name + ".weight", w, cout, cin, kernel, kernel);
		weight(name + ".bias", b, cout);
		int pad = dilation * (kernel - 1) / 2;
		return node("Conv", List.of(x, name + ".weight", name + ".bias"), name,
			ints("kernel_shape", kernel, kernel), ints("pads", pad, pad, pad, pad),
			ints("dilations", dilation, dilation), ints("strides", stride, stride));
	}

	String conv(String name, String x, int cin, int cout, int kernel) {
		return conv(name, x, cin, cout, kernel, 1, 1, 1);
	}

	String leakyRelu(String x, float alpha) {
		return node("LeakyRelu", List.of(x), "lrelu", floats("alpha", alpha));
	}

	String relu(String x) {
		return node("Relu", List.of(x), "relu");
	}

	String add(String a, String b) {
		return node("Add", List.of(a, b), "add");
	}

	String sub(String a, String b) {
		return node("Sub", List.of(a, b), "sub");
	}

	String mul(String a, String b) {
		return node("Mul", List.of(a, b), "mul");
	}

	String concat(List<String> values, int axis) {
		return node("Concat", values, "concat", integer("axis", axis));
	}

	/** x times a fixed scalar. */
	String scale(String x, float factor) {
		return mul(x, constant("factor", new float[] { factor }));
	}

	/** PyTorch's PixelShuffle (ONNX DepthToSpace, mode CRD). */
	String pixelShuffle(String x, int factor) {
		return node("DepthToSpace", List.of(x), "shuffle", integer("blocksize",
			factor), string("mode", "CRD"));
	}

	/**
	 * Nearest-neighbour upsampling by an integer factor (PyTorch's
	 * {@code Upsample(mode='nearest')}).
	 */
	String upsampleNearest(String x, int factor) {
		return node("Resize", List.of(x, "", constant("scales", new float[] { 1, 1,
			factor, factor }, 4)), "up", string("mode", "nearest"), string(
				"coordinate_transformation_mode", "asymmetric"), string("nearest_mode",
					"floor"));
	}

	/**
	 * The same-size map of {@code x}'s last two axes as a Resize {@code sizes}
	 * input.
	 */
	String sizesOf(String x) {
		return node("Shape", List.of(x), "shape");
	}

	/**
	 * The shape of {@code like} with its channel count replaced by
	 * {@code channels}, as a Resize {@code sizes} input.
	 */
	String sizesWithChannels(String like, long channels) {
		String shape = sizesOf(like);
		String batch = node("Slice", List.of(shape, constantLongs("from", 0),
			constantLongs("to", 1)), "batch");
		String spatial = node("Slice", List.of(shape, constantLongs("from", 2),
			constantLongs("to", 4)), "spatial");
		return concat(List.of(batch, constantLongs("channels", channels), spatial),
			0);
	}

	/**
	 * Resize {@code x} to the full shape {@code sizes} (bilinear, half-pixel
	 * centres).
	 */
	String resizeLinearTo(String x, String sizes) {
		return node("Resize", List.of(x, "", "", sizes), "resize", string("mode",
			"linear"), string("coordinate_transformation_mode", "half_pixel"));
	}

	static AttributeProto ints(String name, long... values) {
		return GraphEmitter.attrs(name, values);
	}

	static AttributeProto floats(String name, float value) {
		return GraphEmitter.attr(name, value);
	}

	static AttributeProto string(String name, String value) {
		return GraphEmitter.attr(name, value);
	}

	static AttributeProto integer(String name, long value) {
		return GraphEmitter.attr(name, value);
	}

	/**
	 * Standard normal values times {@code std}, from this builder's seeded
	 * generator.
	 */
	float[] normal(int count, double std) {
		float[] v = new float[count];
		for (int i = 0; i < count; i++)
			v[i] = (float) (std * random.nextGaussian());
		return v;
	}

	float[] uniform(int count, double bound) {
		float[] v = new float[count];
		for (int i = 0; i < count; i++)
			v[i] = (float) (bound * (2 * random.nextDouble() - 1));
		return v;
	}

	ModelProto build() {
		List<OperatorSetIdProto> opsets = new ArrayList<>();
		opsets.add(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)
			.build());
		return model.clone().clearOpsetImport().addAllOpsetImport(opsets).setGraph(
			graph).build();
	}
}
