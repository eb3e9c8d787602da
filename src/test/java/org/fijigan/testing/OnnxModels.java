
package org.fijigan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
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
 * Tiny ONNX models built in code, for tests. Every factory model loads and runs
 * in ONNX Runtime; every random weight comes from a fixed seed, so two calls
 * give byte-identical models.
 *
 * <pre>
 *
 * byte[] model = OnnxModels.builder().input("x", "N,3,H,W").initializer("w",
 * 	weights, 8, 3, 3, 3).node("Conv", "x,w", "y", OnnxModels.attrInts("pads",
 * 		1, 1, 1, 1)).output("y", "N,8,H,W").toBytes();
 * </pre>
 *
 * Shapes are written as strings: numbers are fixed sizes, names are symbolic
 * dims, "?" is an unknown unnamed dim, "" is a scalar and {@code null} means no
 * shape at all.
 */
public final class OnnxModels {

	public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
	public static final int INT64 = TensorProto.DataType.INT64_VALUE;
	public static final int INT32 = TensorProto.DataType.INT32_VALUE;

	private OnnxModels() {}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Collects a graph; the default opset is 17 and the IR version follows the
	 * opset unless set.
	 */
	public static final class Builder {

		private final GraphProto.Builder graph = GraphProto.newBuilder().setName(
			"test");
		private final ModelProto.Builder model = ModelProto.newBuilder()
			.setProducerName("fiji-gan-tests").setProducerVersion("1");
		private final Map<String, Long> opsets = new LinkedHashMap<>(Map.of("",
			17L));
		private long irVersion = -1;

		public Builder opset(long version) {
			return opset("", version);
		}

		public Builder opset(String domain, long version) {
			opsets.put(domain, version);
			return this;
		}

		public Builder irVersion(long version) {
			irVersion = version;
			return this;
		}

		public Builder producer(String name, String version) {
			model.setProducerName(name).setProducerVersion(version);
			return this;
		}

		public Builder metadata(String key, String value) {
			model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key)
				.setValue(value));
			return this;
		}

		public Builder input(String name, String shape) {
			return input(name, FLOAT, shape);
		}

		public Builder input(String name, int elementType, String shape) {
			graph.addInput(valueInfo(name, elementType, shape));
			return this;
		}

		public Builder output(String name, String shape) {
			return output(name, FLOAT, shape);
		}

		public Builder output(String name, int elementType, String shape) {
			graph.addOutput(valueInfo(name, elementType, shape));
			return this;
		}

		public Builder initializer(String name, float[] values, long... dims) {
			return initializer(tensor(name, values, dims));
		}

		public Builder initializer(String name, long[] values, long... dims) {
			return initializer(tensor(name, values, dims));
		}

		/** Adds any tensor as an initializer, e.g. one with external data. */
		public Builder initializer(TensorProto tensor) {
			graph.addInitializer(tensor);
			return this;
		}

		/**
		 * A Constant node producing an int64 tensor (e.g. a Reshape target shape).
		 */
		public Builder constant(String output, long[] values, long... dims) {
			return node("Constant", "", output, AttributeProto.newBuilder().setName(
				"value").setType(AttributeProto.AttributeType.TENSOR).setT(tensor(
					output, values, dims)).build());
		}

		/**
		 * Adds a node named "{op}_{index}". {@code op} is "Conv" or "domain::Op"
		 * for a custom domain; inputs and outputs are comma-separated names,
		 * "x,,scales" leaving one out.
		 */
		public Builder node(String op, String inputs, String outputs,
			AttributeProto... attributes)
		{
			return namedNode(op.replace("::", "_") + "_" + graph.getNodeCount(), op,
				inputs, outputs, attributes);
		}

		public Builder namedNode(String name, String op, String inputs,
			String outputs, AttributeProto... attributes)
		{
			NodeProto.Builder n = NodeProto.newBuilder().setName(name);
			int split = op.lastIndexOf("::");
			n.setOpType(op.substring(split < 0 ? 0 : split + 2)).setDomain(split < 0
				? "" : op.substring(0, split));
			if (!inputs.isEmpty()) n.addAllInput(Arrays.asList(inputs.split(",",
				-1)));
			n.addAllOutput(Arrays.asList(outputs.split(",", -1)));
			graph.addNode(n.addAllAttribute(Arrays.asList(attributes)));
			return this;
		}

		/**
		 * Adds a model-local function (its domain must also be imported with
		 * {@link #opset(String, long)}); nodes call it as "domain::Name".
		 */
		public Builder function(FunctionProto f) {
			model.addFunctions(f);
			return this;
		}

		/** Puts graph output {@code name} first, as some exporters order them. */
		public Builder moveOutputFirst(String name) {
			List<ValueInfoProto> outputs = new ArrayList<>(graph.getOutputList());
			outputs.sort(java.util.Comparator.comparing(v -> !v.getName().equals(
				name)));
			graph.clearOutput().addAllOutput(outputs);
			return this;
		}

		/** Puts graph input {@code name} first, as some exporters order them. */
		public Builder moveInputFirst(String name) {
			List<ValueInfoProto> inputs = new ArrayList<>(graph.getInputList());
			inputs.sort(java.util.Comparator.comparing(v -> !v.getName().equals(
				name)));
			graph.clearInput().addAllInput(inputs);
			return this;
		}

		/**
		 * Fixes the batch axis, as an export without a dynamic batch does: every
		 * input and output dimension named "N" becomes {@code n}.
		 */
		public Builder fixBatch(long n) {
			for (var values : List.of(graph.getInputBuilderList(), graph
				.getOutputBuilderList()))
				for (ValueInfoProto.Builder v : values)
					for (TensorShapeProto.Dimension.Builder d : v.getTypeBuilder()
						.getTensorTypeBuilder().getShapeBuilder().getDimBuilderList())
						if (d.getDimParam().equals("N")) d.setDimValue(n);
			return this;
		}

		public ModelProto build() {
			long opset = opsets.getOrDefault("", 17L);
			ModelProto.Builder m = model.clone().setGraph(graph.clone()).setIrVersion(
				irVersion >= 0 ? irVersion : opset <= 12 ? 7 : opset <= 18 ? 8
					: opset <= 20 ? 9 : 10);
			opsets.forEach((d, v) -> m.addOpsetImport(OperatorSetIdProto.newBuilder()
				.setDomain(d).setVersion(v)));
			return m.build();
		}

		public byte[] toBytes() {
			return build().toByteArray();
		}

		/** Writes the model to {@code dir/fileName} and returns that path. */
		public Path write(Path dir, String fileName) {
			try {
				return Files.write(dir.resolve(fileName), toBytes());
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
	}

	public static ValueInfoProto valueInfo(String name, int elementType,
		String shape)
	{
		TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(
			elementType);
		if (shape != null) {
			TensorShapeProto.Builder s = t.getShapeBuilder();
			for (String d : shape.isEmpty() ? new String[0] : shape.split(",")) {
				d = d.trim();
				if (d.matches("\\d+")) s.addDimBuilder().setDimValue(Long.parseLong(d));
				else if (d.equals("?")) s.addDimBuilder();
				else s.addDimBuilder().setDimParam(d);
			}
		}
		return ValueInfoProto.newBuilder().setName(name).setType(TypeProto
			.newBuilder().setTensorType(t)).build();
	}

	public static TensorProto tensor(String name, float[] values, long... dims) {
		checkSize(name, values.length, dims);
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(
			FLOAT);
		for (long d : dims)
			t.addDims(d);
		for (float v : values)
			t.addFloatData(v);
		return t.build();
	}

	public static TensorProto tensor(String name, long[] values, long... dims) {
		checkSize(name, values.length, dims);
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(
			INT64);
		for (long d : dims)
			t.addDims(d);
		for (long v : values)
			t.addInt64Data(v);
		return t.build();
	}

	private static void checkSize(String name, int count, long[] dims) {
		if (Arrays.stream(dims).reduce(1, Math::multiplyExact) != count)
			throw new IllegalArgumentException(name + ": " + count +
				" values for dims " + Arrays.toString(dims));
	}

	public static AttributeProto attrInt(String name, long value) {
		return AttributeProto.newBuilder().setName(name).setType(
			AttributeProto.AttributeType.INT).setI(value).build();
	}

	public static AttributeProto attrFloat(String name, float value) {
		return AttributeProto.newBuilder().setName(name).setType(
			AttributeProto.AttributeType.FLOAT).setF(value).build();
	}

	public static AttributeProto attrString(String name, String value) {
		return AttributeProto.newBuilder().setName(name).setType(
			AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString
				.copyFromUtf8(value)).build();
	}

	public static AttributeProto attrInts(String name, long... values) {
		AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
			.setType(AttributeProto.AttributeType.INTS);
		for (long v : values)
			a.addInts(v);
		return a.build();
	}

	public static AttributeProto attrFloats(String name, float... values) {
		AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
			.setType(AttributeProto.AttributeType.FLOATS);
		for (float v : values)
			a.addFloats(v);
		return a.build();
	}

	/**
	 * {@code count} values uniform in [-amplitude, amplitude), drawn from
	 * {@code random}.
	 */
	public static float[] randomFloats(Random random, int count,
		float amplitude)
	{
		float[] v = new float[count];
		for (int i = 0; i < count; i++)
			v[i] = (2 * random.nextFloat() - 1) * amplitude;
		return v;
	}

	/** Input "x" [N,C,H,W] to output "y", unchanged. */
	public static Builder identity(int channels) {
		String shape = "N," + channels + ",H,W";
		return builder().input("x", shape).node("Identity", "x", "y").output("y",
			shape);
	}

	/** y = x + c. */
	public static Builder addConstant(int channels, float c) {
		String shape = "N," + channels + ",H,W";
		return builder().input("x", shape).initializer("c", new float[] { c }).node(
			"Add", "x,c", "y").output("y", shape);
	}

	/**
	 * {@code layers} 3x3 convolutions (pad 1, seeded weights and biases) with
	 * Relu between: halo = layers.
	 */
	public static Builder conv3x3(int cin, int cout, long seed, int layers) {
		Random random = new Random(seed);
		Builder b = builder().input("x", "N," + cin + ",H,W");
		String in = "x";
		for (int l = 0; l < layers; l++) {
			int c = l == 0 ? cin : cout;
			b.initializer("w" + l, randomFloats(random, cout * c * 9, (float) (1 /
				Math.sqrt(9.0 * c))), cout, c, 3, 3);
			b.initializer("b" + l, randomFloats(random, cout, 0.1f), cout);
			String out = l == layers - 1 ? "y" : "conv" + l;
			b.node("Conv", in + ",w" + l + ",b" + l, out, attrInts("kernel_shape", 3,
				3), attrInts("pads", 1, 1, 1, 1));
			if (l < layers - 1) {
				in = "relu" + l;
				b.node("Relu", out, in);
			}
		}
		return b.output("y", "N," + cout + ",H,W");
	}

	/**
	 * 1 -> 32 -> 32 -> 1 channels of 3x3 convolutions with seeded weights: slow
	 * enough (seconds per megapixel on one thread) for a test to stop a run
	 * midway.
	 */
	public static Builder wideConvolutions() {
		Random r = new Random(9);
		Builder b = builder().input("x", "N,1,H,W");
		int[] widths = { 1, 32, 32, 1 };
		String in = "x";
		for (int l = 0; l < 3; l++) {
			int ci = widths[l], co = widths[l + 1];
			b.initializer("w" + l, randomFloats(r, co * ci * 9, (float) (1 / Math
				.sqrt(9.0 * ci))), co, ci, 3, 3);
			String out = l == 2 ? "y" : "c" + l;
			b.node("Conv", in + ",w" + l, out, attrInts("kernel_shape", 3, 3),
				attrInts("pads", 1, 1, 1, 1));
			in = out;
		}
		return b.output("y", "N,1,H,W");
	}

	/**
	 * A x{@code scale} super-resolution model: 3x3 Conv to C*s*s channels, then
	 * DepthToSpace in CRD mode.
	 */
	/**
	 * An image-to-image model that never ends: a {@code Loop} with a trip count
	 * of 2^63 - 1 whose body adds 0 to the image.
	 */
	public static Builder loopForever() {
		int bool = TensorProto.DataType.BOOL_VALUE;
		GraphProto body = GraphProto.newBuilder().setName("body").addNode(NodeProto
			.newBuilder().setOpType("Identity").addInput("c_in").addOutput("c_out"))
			.addNode(NodeProto.newBuilder().setOpType("Add").addInput("v_in")
				.addInput("zero").addOutput("v_out")).addInput(valueInfo("i", INT64,
					"")).addInput(valueInfo("c_in", bool, "")).addInput(valueInfo("v_in",
						FLOAT, null)).addOutput(valueInfo("c_out", bool, "")).addOutput(
							valueInfo("v_out", FLOAT, null)).build();
		return builder().input("x", "1,1,H,W").output("y", "1,1,H,W").initializer(
			"trips", new long[] { Long.MAX_VALUE }).initializer(TensorProto
				.newBuilder().setName("go").setDataType(bool).addInt32Data(1).build())
			.initializer("zero", new float[] { 0 }).node("Loop", "trips,go,x", "y",
				AttributeProto.newBuilder().setName("body").setType(
					AttributeProto.AttributeType.GRAPH).setG(body).build());
	}

	public static Builder pixelShuffle(int channels, int scale) {
		return pixelShuffle(channels, scale, "CRD");
	}

	/**
	 * As {@link #pixelShuffle(int, int)} with DepthToSpace mode "CRD" or "DCR".
	 */
	public static Builder pixelShuffle(int channels, int scale, String mode) {
		int wide = channels * scale * scale;
		Random random = new Random(7);
		return builder().input("x", "N," + channels + ",H,W").initializer("w",
			randomFloats(random, wide * channels * 9, 0.2f), wide, channels, 3, 3)
			.node("Conv", "x,w", "features", attrInts("kernel_shape", 3, 3), attrInts(
				"pads", 1, 1, 1, 1)).node("DepthToSpace", "features", "y", attrInt(
					"blocksize", scale), attrString("mode", mode)).output("y", "N," +
						channels + ",?,?");
	}

	/**
	 * InstanceNormalization with unit scale and zero bias: a whole-image
	 * operation.
	 */
	public static Builder instanceNorm(int channels) {
		float[] ones = new float[channels];
		Arrays.fill(ones, 1f);
		String shape = "N," + channels + ",H,W";
		return builder().input("x", shape).initializer("scale", ones, channels)
			.initializer("bias", new float[channels], channels).node(
				"InstanceNormalization", "x,scale,bias", "y").output("y", shape);
	}

	/**
	 * A 1x1 convolution with identity weights whose input is fixed at [1,C,h,w].
	 */
	public static Builder fixedShape(int channels, int h, int w) {
		float[] eye = new float[channels * channels];
		for (int c = 0; c < channels; c++)
			eye[c * channels + c] = 1;
		String shape = "1," + channels + "," + h + "," + w;
		return builder().input("x", shape).initializer("w", eye, channels, channels,
			1, 1).node("Conv", "x,w", "y", attrInts("kernel_shape", 1, 1)).output("y",
				shape);
	}

	/**
	 * Inputs "image" [N,C,H,W] and "mask" [N,1,H,W] (1 = hole); "output" =
	 * image*(1-mask) + 0.5*mask.
	 */
	public static Builder inpaint(int channels) {
		String shape = "N," + channels + ",H,W";
		return builder().input("image", shape).input("mask", "N,1,H,W").initializer(
			"one", new float[] { 1 }).initializer("half", new float[] { 0.5f }).node(
				"Sub", "one,mask", "keep").node("Mul", "image,keep", "kept").node("Mul",
					"mask,half", "fill").node("Add", "kept,fill", "output").output(
						"output", shape);
	}

	/**
	 * A generator whose class input is declared as Keras declares
	 * {@code Input(shape=(1,))}: "z" [N,8] float and "label" [N,1] int64 to
	 * "image" [N,1,2,4] = reshape(z + {@code table}[label]), {@code table} one
	 * row of 8 values per class.
	 */
	public static Builder labelColumnGenerator(float[] table) {
		return builder().input("z", "N,8").input("label", INT64, "N,1").initializer(
			"table", table, table.length / 8, 8).node("Gather", "table,label", "rows",
				attrInt("axis", 0)).constant("flat", new long[] { -1, 8 }, 2).node(
					"Reshape", "rows,flat", "embedded").node("Add", "z,embedded", "sum")
			.constant("shape", new long[] { -1, 1, 2, 4 }, 4).node("Reshape",
				"sum,shape", "image").output("image", "N,1,2,4");
	}

	/**
	 * Input "z" [N,latentDim] float (and, when {@code classes > 0}, "label" [N]
	 * int64) to "image" [N,1,h,w] = tanh(reshape(z·W + b + E[label])) with seeded
	 * W, b, E.
	 */
	public static Builder generator(int latentDim, int classes, int h, int w) {
		return generator(latentDim, classes, h, w, 1f);
	}

	/**
	 * {@link #generator(int, int, int, int)} whose latent weights have
	 * {@code latentAmplitude}.
	 */
	public static Builder generator(int latentDim, int classes, int h, int w,
		float latentAmplitude)
	{
		return generator(latentDim, classes, h, w, latentAmplitude, "N");
	}

	/**
	 * {@link #generator(int, int, int, int)} whose class input takes
	 * {@code classForm}: "N" integer labels, "N,1" integer labels as Keras
	 * declares them (E gathered and flattened) or "one-hot" float vectors
	 * [N,classes] (times E), "one-hot op" integer labels [N,1] made one-hot in
	 * the graph (as PyTorch's {@code F.one_hot} exports: Squeeze, a OneHot of
	 * constant depth {@code classes}, Cast, times E); "N int32" and "N,1 int32"
	 * take int32 labels: the same image for the same class, from the same
	 * weights.
	 */
	public static Builder generator(int latentDim, int classes, int h, int w,
		String classForm)
	{
		return generator(latentDim, classes, h, w, 1f, classForm);
	}

	private static Builder generator(int latentDim, int classes, int h, int w,
		float latentAmplitude, String classForm)
	{
		Random random = new Random(11);
		int pixels = h * w;
		Builder b = builder().input("z", "N," + latentDim).initializer("W",
			randomFloats(random, latentDim * pixels, latentAmplitude), latentDim,
			pixels).initializer("B", randomFloats(random, pixels, 0.1f), pixels).node(
				"Gemm", "z,W,B", "dense");
		String flat = "dense";
		if (classes > 0) {
			b.initializer("E", randomFloats(random, classes * pixels, 1f), classes,
				pixels);
			int labelType = classForm.endsWith(" int32") ? INT32 : INT64;
			switch (classForm.replace(" int32", "")) {
				case "N" -> b.input("label", labelType, "N").node("Gather", "E,label",
					"embedded", attrInt("axis", 0));
				case "N,1" -> b.input("label", labelType, "N,1").node("Gather",
					"E,label", "gathered", attrInt("axis", 0)).constant("rows",
						new long[] { -1, pixels }, 2).node("Reshape", "gathered,rows",
							"embedded");
				case "one-hot" -> b.input("label", "N," + classes).node("MatMul",
					"label,E", "embedded");
				case "one-hot op" -> b.input("label", labelType, "N,1").constant("axes",
					new long[] { 1 }, 1).node("Squeeze", "label,axes", "squeezed")
					.constant("depth", new long[] { classes }).constant("offOn",
						new long[] { 0, 1 }, 2).node("OneHot", "squeezed,depth,offOn",
							"hot", attrInt("axis", -1)).node("Cast", "hot", "hotFloat",
								attrInt("to", FLOAT)).node("MatMul", "hotFloat,E", "embedded");
				default -> throw new IllegalArgumentException(classForm);
			}
			b.node("Add", "dense,embedded", flat = "conditioned");
		}
		return b.constant("shape", new long[] { -1, 1, h, w }, 4).node("Reshape",
			flat + ",shape", "reshaped").node("Tanh", "reshaped", "image").output(
				"image", "N,1," + h + "," + w);
	}
}
