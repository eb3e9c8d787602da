
package org.fijigan.core.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.NpyArray;
import org.fijigan.testing.FixtureFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * One step of plain SGD on PyTorch-exported generators matches PyTorch's own
 * step: the contract of
 * {@code fine-tune --steps 1 --batch 1 --patch 0 --augment none --optimizer sgd --loss l1
 * --adversarial-weight 0 --normalize none}, i.e. {@code w <- w - lr * dL/dw}
 * with {@code L = mean(|G(x) - y|)} over all output elements.
 * <p>
 * The fixtures under {@code src/test/resources/torch-step/} come from
 * {@code src/test/fixtures/make_torch_step_fixtures.py} (PyTorch, float64 step
 * from the exported float32 weights) and are committed, so this test needs no
 * Python and always runs: an RRDB/ESRGAN x2 with nearest and bilinear Resize,
 * an SRGAN x2 with PRelu, BatchNormalization (running statistics frozen) and
 * DepthToSpace (Reshape/Transpose at opset 9), a pix2pix U-Net with
 * ConvTranspose, InstanceNormalization and Concat, and a SwinIR/Restormer-style
 * transformer block with HardSwish (HardSigmoid and Mul at opset 12),
 * LayerNormalization (decomposed at opset 12), softmax attention with Einsum
 * and MatMul, and GELU exported as Erf, each at several opsets.
 * <p>
 * Here the trainable initializers become graph inputs, the loss is appended
 * with {@link GraphEmitter}, shapes come from {@link ShapeProbe}, the gradient
 * from {@link GradientBuilder}; ONNX Runtime (float32, CPU) runs loss and
 * gradients and the update is applied in Java. Each updated weight must match
 * PyTorch's to 1e-3 of the largest step of its tensor (at least 1% of the
 * model's largest step, so that tensors whose true gradient is 0 - a conv bias
 * before an InstanceNormalization - are held to the model's scale) and to 1e-5
 * absolute; the loss must match to 1e-5 relative. PyTorch's own float32 step is
 * within 5e-7 of the float64 reference on this scale.
 */
class TorchStepTest {

	private static final String SCRIPT = "make_torch_step_fixtures.py";

	private static final String ROOT = "/torch-step/";
	private static final String TARGET = "torch_step_target";
	/** Error allowed, relative to the largest step of the tensor. */
	private static final double STEP_RTOL = 1e-3;
	/**
	 * The step scale of a tensor is at least this fraction of the model's largest
	 * step.
	 */
	private static final double STEP_FLOOR = 1e-2;
	private static final double ABS_TOL = 1e-5;
	private static final double LOSS_RTOL = 1e-5;

	/** The fixture folders, as the generator listed them. */
	static List<String> fixtures() {
		List<String> list = lines(ROOT + "fixtures.txt");
		assertFalse(list.isEmpty(), "no fixtures listed in " + ROOT +
			"fixtures.txt");
		return list;
	}

	@Test
	void everyKindOfModelTheContractNamesHasAFixture() {
		List<String> list = fixtures();
		for (String kind : List.of("rrdb-", "srgan-", "unet-", "transformer-"))
			assertTrue(list.stream().anyMatch(f -> f.startsWith(kind)), "no " + kind +
				"* fixture in " + list);
		assertTrue(list.contains("srgan-opset9"),
			"no opset-9 SRGAN (PixelShuffle as Reshape/Transpose)");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixtures")
	void oneSgdStepMatchesPyTorch(String name) throws Exception {
		String dir = ROOT + name + "/";
		Map<String, String> meta = keyValues(lines(dir + "step.txt"));
		double lr = Double.parseDouble(meta.get("lr"));
		ModelProto model;
		try (InputStream in = resource(dir + "model.onnx")) {
			model = ModelProto.parseFrom(in);
		}
		long opset = model.getOpsetImportList().stream().filter(o -> o.getDomain()
			.isEmpty() || o.getDomain().equals("ai.onnx")).mapToLong(o -> o
				.getVersion()).findFirst().orElseThrow();
		assertEquals(Long.parseLong(meta.get("opset")), opset, "opset in step.txt");
		String input = meta.get("input"), output = meta.get("output");
		NpyArray x = npy(dir + "x.npy"), y = npy(dir + "y.npy");
		double torchLoss = npy(dir + "loss.npy").toDoubleArray()[0];

		// the trainable initializers, their PyTorch values after the step, and
		// their initial values
		Map<String, NpyArray> after = new LinkedHashMap<>();
		for (String line : lines(dir + "index.txt")) {
			String[] p = line.split("\t", 2);
			after.put(p[1], npy(dir + p[0]));
		}
		assertFalse(after.isEmpty(), name + ": no trainable initializers listed");
		GraphProto.Builder g = model.getGraph().toBuilder();
		Map<String, Tensor> feeds = new LinkedHashMap<>();
		feeds.put(input, Tensor.of(x.toFloatArray(), x.shape()));
		Set<String> frozenStats = batchNormStatistics(model.getGraph());
		List<TensorProto> kept = new ArrayList<>();
		for (TensorProto t : g.getInitializerList()) {
			NpyArray a = after.get(t.getName());
			if (a == null) {
				assertTrue(t.getDataType() != TensorProto.DataType.FLOAT_VALUE ||
					frozenStats.contains(t.getName()), name + ": float initializer '" + t
						.getName() +
						"' is neither trainable in the fixture nor a BatchNormalization statistic");
				kept.add(t);
				continue;
			}
			assertEquals(TensorProto.DataType.FLOAT_VALUE, t.getDataType(), t
				.getName());
			long[] dims = t.getDimsList().stream().mapToLong(Long::longValue)
				.toArray();
			assertArrayEquals(dims, a.shape(), "shape of " + t.getName() +
				" after the step");
			feeds.put(t.getName(), Tensor.of(Tensors.floats(t), dims));
			g.addInput(floatInput(t.getName(), dims));
		}
		for (String w : after.keySet())
			assertTrue(feeds.containsKey(w), name + ": '" + w +
				"' is not an initializer of the model");
		g.clearInitializer().addAllInitializer(kept);
		List<String> wrt = new ArrayList<>(after.keySet());

		// shapes of the forward graph, then the loss L = mean(|G(x) - y|)
		ModelProto forward = model.toBuilder().setGraph(g.clone()).build();
		ShapeProbe.Result probe = ShapeProbe.probe(forward, feeds);
		Map<String, long[]> shapes = new HashMap<>(probe.shapes());
		assertArrayEquals(y.shape(), shapes.get(output), name +
			": output shape vs y.npy");
		g.addInput(floatInput(TARGET, y.shape()));
		shapes.put(TARGET, y.shape());
		GraphEmitter e = new GraphEmitter(g, shapes, opset);
		probe.recordIn(e);
		String absDiff = e.unary("Abs", e.sub(output, TARGET));
		long[] all = new long[y.shape().length];
		for (int i = 0; i < all.length; i++)
			all[i] = i;
		String loss = e.reduceMean(absDiff, all, false);

		Map<String, String> grads;
		try {
			grads = new LinkedHashMap<>(GradientBuilder.differentiate(e, loss, wrt));
		}
		catch (GanException ex) {
			throw new AssertionError(name + ": " + ex.getMessage() +
				"; operators on the differentiated " +
				"path without a gradient rule: " + opsWithoutRules(forward.getGraph(),
					wrt, output), ex);
		}
		// a graph output is named once: a gradient that is another's value (or the
		// loss) gets its own
		Set<String> outputs = new HashSet<>(Set.of(loss));
		for (String w : wrt)
			if (!outputs.add(grads.get(w))) {
				grads.put(w, e.unary("Identity", grads.get(w)));
				outputs.add(grads.get(w));
			}
		g.clearOutput();
		g.addOutput(ValueInfoProto.newBuilder().setName(loss));
		for (String w : wrt)
			g.addOutput(ValueInfoProto.newBuilder().setName(grads.get(w)));
		ModelProto step = model.toBuilder().setGraph(g).build();

		feeds.put(TARGET, Tensor.of(y.toFloatArray(), y.shape()));
		float javaLoss;
		Map<String, float[]> gradients = new HashMap<>();
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			o.setIntraOpNumThreads(1);
			Map<String, OnnxTensor> in = new LinkedHashMap<>();
			try (OrtSession s = env.createSession(step.toByteArray(), o)) {
				for (Map.Entry<String, Tensor> f : feeds.entrySet())
					in.put(f.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(f
						.getValue().floats()), f.getValue().shape()));
				try (OrtSession.Result r = s.run(in)) {
					javaLoss = ((OnnxTensor) r.get(loss).orElseThrow()).getFloatBuffer()
						.get(0);
					for (String w : wrt) {
						FloatBuffer fb = ((OnnxTensor) r.get(grads.get(w)).orElseThrow())
							.getFloatBuffer();
						float[] v = new float[fb.remaining()];
						fb.get(v);
						gradients.put(w, v);
					}
				}
			}
			finally {
				in.values().forEach(OnnxTensor::close);
			}
		}

		// w - lr * g against PyTorch's step
		double modelStep = 0;
		Map<String, Double> tensorStep = new HashMap<>();
		for (String w : wrt) {
			float[] w0 = feeds.get(w).floats();
			double[] ref = after.get(w).toDoubleArray();
			double m = 0;
			for (int i = 0; i < w0.length; i++)
				m = Math.max(m, Math.abs(w0[i] - ref[i]));
			tensorStep.put(w, m);
			modelStep = Math.max(modelStep, m);
		}
		assertTrue(modelStep > 0, name + ": the PyTorch step changes no weight");
		double worstAbs = 0, worstRel = 0;
		String worstAbsAt = "", worstRelAt = "";
		List<String> failures = new ArrayList<>();
		for (String w : wrt) {
			float[] w0 = feeds.get(w).floats(), gw = gradients.get(w);
			double[] ref = after.get(w).toDoubleArray();
			assertEquals(w0.length, gw.length, "gradient of " + w +
				" has the wrong size");
			double scale = Math.max(tensorStep.get(w), STEP_FLOOR * modelStep);
			double tensorAbs = 0;
			int at = 0;
			for (int i = 0; i < w0.length; i++) {
				double err = Math.abs(w0[i] - lr * gw[i] - ref[i]);
				if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
				if (err > tensorAbs) {
					tensorAbs = err;
					at = i;
				}
			}
			double tensorRel = tensorAbs / scale;
			if (tensorAbs > worstAbs) {
				worstAbs = tensorAbs;
				worstAbsAt = w;
			}
			if (tensorRel > worstRel) {
				worstRel = tensorRel;
				worstRelAt = w;
			}
			if (tensorAbs > ABS_TOL || tensorRel > STEP_RTOL) failures.add(String
				.format(
					"%s[%d]: after the step %.9g, PyTorch %.9g (error %.2e, %.2e of the tensor's largest step %.2e)",
					w, at, w0[at] - lr * gw[at], ref[at], tensorAbs, tensorRel, tensorStep
						.get(w)));
		}
		System.out.printf(
			"TorchStepTest %s: loss %.7f (PyTorch %.7f); worst weight error %.2e (%s), %.2e of its step scale (%s); largest step %.2e%n",
			name, javaLoss, torchLoss, worstAbs, worstAbsAt, worstRel, worstRelAt,
			modelStep);
		assertEquals(torchLoss, javaLoss, LOSS_RTOL * Math.abs(torchLoss), name +
			": loss");
		if (!failures.isEmpty()) fail(name + ": " + failures.size() + " of " + wrt
			.size() + " weights differ from PyTorch's step:\n  " + String.join("\n  ",
				failures));
	}

	// ---- helpers ----

	/**
	 * Initializers fed to BatchNormalization as mean or variance: frozen, never
	 * trained.
	 */
	private static Set<String> batchNormStatistics(GraphProto g) {
		Set<String> s = new HashSet<>();
		for (NodeProto n : g.getNodeList())
			if (n.getOpType().equals("BatchNormalization")) for (int k = 3; k < Math
				.min(5, n.getInputCount()); k++)
				s.add(n.getInput(k));
		return s;
	}

	/**
	 * Operator types on a path from {@code wrt} to {@code output} that have no
	 * gradient rule (what {@link GradientBuilder} would stop at, all at once).
	 */
	private static Set<String> opsWithoutRules(GraphProto g, List<String> wrt,
		String output)
	{
		Set<String> fromWrt = new HashSet<>(wrt);
		for (NodeProto n : g.getNodeList())
			if (!GradientRules.NON_DIFFERENTIABLE.contains(n.getOpType()) && n
				.getInputList().stream().anyMatch(fromWrt::contains)) fromWrt.addAll(n
					.getOutputList());
		Set<String> toLoss = new HashSet<>(Set.of(output));
		List<NodeProto> nodes = g.getNodeList();
		for (int i = nodes.size() - 1; i >= 0; i--)
			if (nodes.get(i).getOutputList().stream().anyMatch(toLoss::contains))
				toLoss.addAll(nodes.get(i).getInputList());
		Set<String> missing = new TreeSet<>();
		for (NodeProto n : nodes)
			if (n.getInputList().stream().anyMatch(v -> fromWrt.contains(v) && toLoss
				.contains(v)) && n.getOutputList().stream().anyMatch(
					toLoss::contains) && GradientRules.forOp(n.getOpType()) == null)
				missing.add(n.getOpType());
		return missing;
	}

	static ValueInfoProto floatInput(String name, long[] shape) {
		TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
		for (long d : shape)
			s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
		return ValueInfoProto.newBuilder().setName(name).setType(TypeProto
			.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(
				TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
	}

	/** A test resource written by the fixture script. */
	static InputStream resource(String path) {
		return FixtureFiles.open(path, SCRIPT);
	}

	static NpyArray npy(String path) throws IOException {
		return FixtureFiles.npy(path, SCRIPT);
	}

	static List<String> lines(String path) {
		return FixtureFiles.lines(path, SCRIPT);
	}

	static Map<String, String> keyValues(List<String> lines) {
		Map<String, String> m = new HashMap<>();
		for (String l : lines) {
			int eq = l.indexOf('=');
			if (eq > 0) m.put(l.substring(0, eq).strip(), l.substring(eq + 1)
				.strip());
		}
		for (String k : List.of("lr", "opset", "input", "output"))
			assertNotNull(m.get(k), "step.txt has no " + k);
		return m;
	}
}
