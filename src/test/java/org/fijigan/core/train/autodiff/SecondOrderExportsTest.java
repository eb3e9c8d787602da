
package org.fijigan.core.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.train.Discriminator;
import org.fijigan.core.train.Parameter;
import org.fijigan.core.train.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Backward passes of whole networks differentiate again: the PyTorch exports of
 * the one-step fixtures (RRDB with Resize, SRGAN with PRelu, BatchNormalization
 * and DepthToSpace, U-Net with ConvTranspose, InstanceNormalization and Concat,
 * the transformer block with LayerNormalization, Softmax, Einsum and Erf, at
 * opsets 9 to 17) and the project's two discriminators. For each, the backward
 * pass with respect to the input and every parameter is emitted; every operator
 * in it must have a gradient rule (or carry no gradient), and the gradient of
 * the input gradient with respect to the input and every parameter must build
 * and run to finite values, not all zero. The U-Net's second derivatives are
 * also checked against finite differences (its Relu and LeakyRelu kinks cannot
 * be avoided by choosing the input, so elements whose loss has a kink within
 * the step are left out).
 */
class SecondOrderExportsTest {

	/** One export of each architecture, at opsets 9, 11, 12 and 17. */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "rrdb-opset17", "srgan-opset9", "unet-opset11",
		"transformer-opset12", "transformer-opset17" })
	void theBackwardPassOfAnExportDifferentiatesAgain(String name)
		throws Exception
	{
		Export x = export(name);
		assertSecondOrderRuns(name, x.model(), x.feeds(), x.input(), x.output(), x
			.parameters());
	}

	@Test
	void theBackwardPassOfEachDiscriminatorDifferentiatesAgain()
		throws Exception
	{
		for (boolean conditional : new boolean[] { false, true }) {
			Discriminator d = conditional ? Discriminator.dcgan(2, 4, 3, 3, 1)
				: Discriminator.patchGan(2, 4, 3, 1);
			ModelProto m = discriminatorModel(d, new long[] { 2, 2, 16, 16 },
				conditional);
			Map<String, Tensor> feeds = new LinkedHashMap<>();
			feeds.put("image", Tensor.of(uniform(3, 2 * 2 * 16 * 16), 2, 2, 16, 16));
			if (conditional) feeds.put("label", Tensor.ofLongs(new long[] { 2, 0 },
				2));
			List<String> params = new ArrayList<>();
			for (Parameter p : d.parameters()) {
				feeds.put(p.name(), Tensor.of(p.values(), p.shape()));
				params.add(p.name());
			}
			assertSecondOrderRuns(conditional ? "conditional DCGAN" : "PatchGAN", m,
				feeds, "image", "y", params);
		}
	}

	@Test
	void secondDerivativesOfTheUNetMatchFiniteDifferences() throws Exception {
		Export x = export("unet-opset17");
		GradientCheck c = GradientCheck.secondOrder(renamedOutput(x.model(), x
			.output()), x.input()).elements(8).step(1e-3).tolerance(5e-3, 3e-2)
			.skippingKinks(3);
		for (Map.Entry<String, Tensor> f : x.feeds().entrySet())
			c.input(f.getKey(), f.getValue().floats(), f.getValue().shape());
		// the first and the last convolution, and the input itself
		List<String> wrt = new ArrayList<>(List.of(x.input(), x.parameters().get(0),
			x.parameters().get(x.parameters().size() - 2)));
		c.check(wrt.toArray(String[]::new));
	}

	/**
	 * A fixture's model with its trainable initializers as inputs, fed with their
	 * values.
	 */
	record Export(ModelProto model, Map<String, Tensor> feeds, String input,
			String output, List<String> parameters) {
	}

	static Export export(String name) throws Exception {
		String dir = "/torch-step/" + name + "/";
		Map<String, String> meta = TorchStepTest.keyValues(TorchStepTest.lines(dir +
			"step.txt"));
		ModelProto model;
		try (InputStream in = TorchStepTest.resource(dir + "model.onnx")) {
			model = ModelProto.parseFrom(in);
		}
		NpyArray x = TorchStepTest.npy(dir + "x.npy");
		List<Parameter> trainable = Parameters.trainable(model, List.of());
		Set<String> names = new HashSet<>();
		Map<String, Tensor> feeds = new LinkedHashMap<>();
		feeds.put(meta.get("input"), Tensor.of(x.toFloatArray(), x.shape()));
		GraphProto.Builder g = model.getGraph().toBuilder();
		List<String> params = new ArrayList<>();
		for (Parameter p : trainable) {
			names.add(p.name());
			params.add(p.name());
			feeds.put(p.name(), Tensor.of(p.values(), p.shape()));
			g.addInput(TorchStepTest.floatInput(p.name(), p.shape()));
		}
		List<TensorProto> kept = new ArrayList<>();
		for (TensorProto t : g.getInitializerList())
			if (!names.contains(t.getName())) kept.add(t);
		g.clearInitializer().addAllInitializer(kept);
		return new Export(model.toBuilder().setGraph(g).build(), feeds, meta.get(
			"input"), meta.get("output"), params);
	}

	/**
	 * Emits the backward pass of {@code sum(output * R)} with respect to
	 * {@code input} and {@code params}, checks that each operator in it has a
	 * rule or carries no gradient, then differentiates
	 * {@code sum(grad_input * R')} with respect to the same values and runs it.
	 */
	static void assertSecondOrderRuns(String name, ModelProto model,
		Map<String, Tensor> feeds, String input, String output, List<String> params)
		throws Exception
	{
		ShapeProbe.Result probe = ShapeProbe.probe(model, feeds);
		GraphProto.Builder g = model.getGraph().toBuilder();
		GraphEmitter e = new GraphEmitter(g, new HashMap<>(probe.shapes()), opset(
			model));
		probe.recordIn(e);
		Random r = new Random(7);
		String loss = weightedSum(e, output, r);
		List<String> wrt = new ArrayList<>(params);
		wrt.add(0, input);
		int from = g.getNodeCount();
		Map<String, String> first = GradientBuilder.differentiate(e, loss, wrt);
		Set<String> emitted = new TreeSet<>(), without = new TreeSet<>();
		for (int i = from; i < g.getNodeCount(); i++)
			emitted.add(g.getNode(i).getOpType());
		for (String op : emitted)
			if (GradientRules.forOp(op) == null && !GradientRules.NON_DIFFERENTIABLE
				.contains(op)) without.add(op);
		assertTrue(without.isEmpty(), name + ": the backward pass emits " +
			without + ", which have no gradient rule");

		// the gradient of the input gradient, as a gradient penalty needs it
		String total = weightedSum(e, first.get(input), r);
		Map<String, String> second = GradientBuilder.differentiate(e, total, wrt);
		g.clearOutput();
		Set<String> outputs = new HashSet<>();
		for (String w : wrt)
			if (outputs.add(second.get(w))) g.addOutput(ValueInfoProto.newBuilder()
				.setName(second.get(w)));
		ModelProto m = model.toBuilder().setGraph(g).build();
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		Map<String, OnnxTensor> in = new LinkedHashMap<>();
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			o.setIntraOpNumThreads(1);
			try (OrtSession s = env.createSession(m.toByteArray(), o)) {
				for (Map.Entry<String, Tensor> f : feeds.entrySet())
					in.put(f.getKey(), f.getValue().isFloat() ? OnnxTensor.createTensor(
						env, FloatBuffer.wrap(f.getValue().floats()), f.getValue().shape())
						: OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(f.getValue()
							.longs()), f.getValue().shape()));
				try (OrtSession.Result res = s.run(in)) {
					assertEquals(outputs.size(), res.size());
					double sumAbs = 0;
					for (var out : res) {
						FloatBuffer fb = ((OnnxTensor) out.getValue()).getFloatBuffer();
						while (fb.hasRemaining()) {
							float v = fb.get();
							assertTrue(Float.isFinite(v), name + ": " + out.getKey() +
								" has " + v);
							sumAbs += Math.abs(v);
						}
					}
					assertTrue(sumAbs > 0, name + ": every second derivative is zero");
				}
			}
		}
		finally {
			in.values().forEach(OnnxTensor::close);
		}
		assertFalse(emitted.isEmpty());
		System.out.println("SecondOrderExportsTest " + name +
			": backward pass operators " + emitted);
	}

	/**
	 * The discriminator as a model: inputs image (and label) and its parameters,
	 * output y.
	 */
	static ModelProto discriminatorModel(Discriminator d, long[] shape,
		boolean conditional)
	{
		ModelProto.Builder mb = ModelProto.newBuilder().setIrVersion(8)
			.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(
				17));
		GraphProto.Builder g = mb.getGraphBuilder().setName("discriminator");
		Map<String, long[]> shapes = new HashMap<>();
		g.addInput(TorchStepTest.floatInput("image", shape));
		shapes.put("image", shape);
		if (conditional) {
			g.addInput(ValueInfoProto.newBuilder().setName("label").setType(TypeProto
				.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(
					TensorProto.DataType.INT64_VALUE).setShape(TensorShapeProto
						.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder()
							.setDimValue(shape[0]))))));
			shapes.put("label", new long[] { shape[0] });
		}
		for (Parameter p : d.parameters()) {
			g.addInput(TorchStepTest.floatInput(p.name(), p.shape()));
			shapes.put(p.name(), p.shape());
		}
		GraphEmitter e = new GraphEmitter(g, shapes, 17);
		String logits = d.apply(e, "image", conditional ? "label" : null);
		g.addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity")
			.addInput(logits).addOutput("y"));
		g.addOutput(ValueInfoProto.newBuilder().setName("y"));
		return mb.build();
	}

	/** The model with its output value also available as {@code y}. */
	private static ModelProto renamedOutput(ModelProto m, String output) {
		GraphProto.Builder g = m.getGraph().toBuilder();
		g.addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity")
			.addInput(output).addOutput("y"));
		g.clearOutput().addOutput(ValueInfoProto.newBuilder().setName("y"));
		return m.toBuilder().setGraph(g).build();
	}

	private static String weightedSum(GraphEmitter e, String y, Random r) {
		long[] s = e.shape(y);
		float[] w = new float[(int) Tensor.elementCount(s)];
		for (int i = 0; i < w.length; i++)
			w[i] = (float) r.nextGaussian();
		long[] all = new long[s.length];
		for (int i = 0; i < all.length; i++)
			all[i] = i;
		return e.reduceSum(e.mul(y, e.constant(w, s)), all, false);
	}

	private static float[] uniform(long seed, int n) {
		Random r = new Random(seed);
		float[] v = new float[n];
		for (int i = 0; i < n; i++)
			v[i] = 2 * r.nextFloat() - 1;
		return v;
	}

	private static long opset(ModelProto m) {
		return m.getOpsetImportList().stream().filter(o -> o.getDomain()
			.isEmpty() || o.getDomain().equals("ai.onnx")).mapToLong(
				OperatorSetIdProto::getVersion).findFirst().orElse(17);
	}
}
