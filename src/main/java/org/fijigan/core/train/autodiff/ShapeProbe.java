
package org.fijigan.core.train.autodiff;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.engine.OnnxRuntimeSetup;
import org.fijigan.core.engine.OrtTensors;
import org.fijigan.core.engine.Tensor;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * Finds the static shape of every value of a graph for one input shape, the
 * robust way: runs the graph once on ONNX Runtime's CPU with every intermediate
 * value as an extra output. Also records the element type of every value (so
 * that a gradient flows in its value's type through a float16 or float64 part
 * of a model) and the values of small integer tensors (Shape outputs and the
 * like), which rules need as constants.
 */
public final class ShapeProbe {

	/**
	 * Shapes and element types ({@code TensorProto.DataType} numbers) of every
	 * value of a graph, and the values of its small (at most 64 elements, rank 0
	 * or 1) integer and float tensors: Shape outputs, Resize scales assembled by
	 * Concat, and the like.
	 */
	public record Result(Map<String, long[]> shapes, Map<String, Integer> types,
			Map<String, long[]> smallLongs, Map<String, float[]> smallFloats) {

		/**
		 * Tells {@code e} the element type of every value and every small value
		 * found, so rules can read them as constants.
		 */
		public void recordIn(GraphEmitter e) {
			types.forEach(e::setType);
			smallLongs.forEach(e::setKnownLongs);
			smallFloats.forEach(e::setKnownFloats);
		}
	}

	private ShapeProbe() {}

	public static Result probe(ModelProto model, Map<String, Tensor> feeds) {
		ModelProto.Builder b = model.toBuilder();
		Set<String> have = new LinkedHashSet<>();
		b.getGraph().getOutputList().forEach(v -> have.add(v.getName()));
		Set<String> all = new LinkedHashSet<>();
		for (NodeProto n : model.getGraph().getNodeList())
			for (String o : n.getOutputList())
				if (!o.isEmpty()) all.add(o);
		for (String o : all)
			if (!have.contains(o)) b.getGraphBuilder().addOutput(ValueInfoProto
				.newBuilder().setName(o));
		Map<String, long[]> shapes = new HashMap<>();
		Map<String, Integer> types = new HashMap<>();
		Map<String, long[]> longs = new HashMap<>();
		Map<String, float[]> floats = new HashMap<>();
		for (TensorProto t : model.getGraph().getInitializerList())
			shapes.put(t.getName(), t.getDimsList().stream().mapToLong(
				Long::longValue).toArray());
		OrtEnvironment env = OnnxRuntimeSetup.environment();
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			o.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime()
				.availableProcessors()));
			o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
			try (OrtSession s = env.createSession(b.build().toByteArray(), o)) {
				Map<String, OnnxTensor> in = new HashMap<>();
				try {
					for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
						Tensor t = e.getValue();
						shapes.put(e.getKey(), t.shape());
						in.put(e.getKey(), t.isFloat() ? OnnxTensor.createTensor(env,
							java.nio.FloatBuffer.wrap(t.floats()), t.shape()) : OrtTensors
								.integers(env, s, e.getKey(), t));
					}
					try (OrtSession.Result r = s.run(in)) {
						for (Map.Entry<String, OnnxValue> e : r) {
							if (!(e.getValue() instanceof OnnxTensor t)) continue;
							shapes.put(e.getKey(), t.getInfo().getShape());
							int type = elementType(t.getInfo().onnxType);
							if (type != TensorProto.DataType.UNDEFINED_VALUE) types.put(e
								.getKey(), type);
							if (t.getInfo().getShape().length <= 1 && t.getInfo()
								.getNumElements() <= 64)
							{
								switch (t.getInfo().type) {
									case INT64 -> {
										java.nio.LongBuffer lb = t.getLongBuffer();
										long[] v = new long[lb.remaining()];
										lb.get(v);
										longs.put(e.getKey(), v);
									}
									case INT32 -> {
										java.nio.IntBuffer ib = t.getIntBuffer();
										long[] v = new long[ib.remaining()];
										for (int i = 0; i < v.length; i++)
											v[i] = ib.get(i);
										longs.put(e.getKey(), v);
									}
									case FLOAT -> {
										java.nio.FloatBuffer fb = t.getFloatBuffer();
										float[] v = new float[fb.remaining()];
										fb.get(v);
										floats.put(e.getKey(), v);
									}
									default -> {}
								}
							}
						}
					}
				}
				finally {
					for (OnnxTensor t : in.values())
						t.close();
				}
			}
		}
		catch (OrtException e) {
			CancellationToken.throwIfShuttingDown();
			throw new GanException(
				"cannot run the model to find its tensor shapes: " + e.getMessage()
					.strip().split("\n")[0], e);
		}
		return new Result(shapes, types, longs, floats);
	}

	/**
	 * The {@code TensorProto.DataType} number of an ONNX Runtime element type
	 * (whose own numbers differ), by name; 0 (undefined) for one ONNX lacks.
	 */
	static int elementType(TensorInfo.OnnxTensorType t) {
		String name = t.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
		try {
			return TensorProto.DataType.valueOf(name).getNumber();
		}
		catch (IllegalArgumentException unknown) {
			return TensorProto.DataType.UNDEFINED_VALUE;
		}
	}

}
