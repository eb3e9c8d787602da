
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.autodiff.GradientCheck;
import org.fijigan.core.train.autodiff.GraphEmitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * The WGAN-GP and R1 penalties through the project's discriminators (a PatchGAN
 * and a DCGAN-style one with class projection, tiny, seeded): the gradient of
 * each penalty with respect to every parameter - the gradient of a gradient -
 * matches finite differences of the penalty itself. The weights are drawn at
 * the scale of PyTorch's default initialisation, where the input gradient and
 * so the penalty are of order one (at the DCGAN initialisation, std 0.02, R1 is
 * ~1e-9 and its gradient would hide in rounding). Also the options' validation.
 */
class GradientPenaltyTest {

	private static final long[] IMAGE = { 2, 2, 8, 8 };

	@ParameterizedTest(name = "{0} on {1}")
	@CsvSource({ "r1, patchgan", "r1, dcgan", "wgan-gp, patchgan",
		"wgan-gp, dcgan" })
	void theParameterGradientOfThePenaltyMatchesFiniteDifferences(String penalty,
		String arch) throws Exception
	{
		boolean conditional = arch.equals("dcgan");
		Discriminator d = conditional ? Discriminator.dcgan(2, 3, 2, 4, 1)
			: Discriminator.patchGan(2, 3, 2, 1);
		// gamma large enough that R1's parameter gradients are of order one, well
		// above the tolerance
		GradientPenalties p = penalty.equals("r1") ? new GradientPenalties(0, 200,
			1) : new GradientPenalties(10, 0, 1);
		GradientCheck c = GradientCheck.of(penaltyModel(d, IMAGE, conditional, p))
			.input("real", 1, IMAGE).input("fake", 2, IMAGE).input(StepGraph.EPSILON,
				new float[] { 0.3f, 0.8f }, IMAGE[0], 1, 1, 1);
		if (conditional) c.longInput("label", new long[] { 3, 1 }, IMAGE[0]);
		List<String> names = new ArrayList<>();
		long seed = 10;
		for (Parameter w : d.parameters()) {
			long[] s = w.shape();
			float bound = w.name().endsWith(".b") ? 0.1f : w.name().equals("D/embed")
				? 1f : (float) (1 / Math.sqrt(Tensor.elementCount(s) / s[0]));
			c.input(w.name(), seed++, -bound, bound, s);
			names.add(w.name());
		}
		c.step(1e-3).tolerance(1e-3, 2e-2).elements(12).skippingKinks(4).check(names
			.toArray(String[]::new));
	}

	@Test
	void aPlainDiscriminatorStepHasNoPenaltyInputOrOutput() {
		Discriminator d = Discriminator.patchGan(1, 3, 2, 1);
		StepGraph.Built plain = StepGraph.discriminatorStep(d, IMAGE, null,
			AdversarialKind.HINGE, OptimizerConfig.sgd(0.1));
		StepGraph.Built none = StepGraph.discriminatorStep(d, IMAGE, null,
			AdversarialKind.HINGE, GradientPenalties.NONE, OptimizerConfig.sgd(0.1));
		assertEquals(plain.model(), none.model());
		assertFalse(plain.outputs().contains(StepGraph.PENALTY));
		StepGraph.Built gp = StepGraph.discriminatorStep(d, IMAGE, null,
			AdversarialKind.WASSERSTEIN, new GradientPenalties(10, 0, 1),
			OptimizerConfig.sgd(0.1));
		assertTrue(gp.outputs().contains(StepGraph.PENALTY));
		assertTrue(gp.model().getGraph().getInputList().stream().anyMatch(v -> v
			.getName().equals(StepGraph.EPSILON)));
	}

	@Test
	void epsilonIsUniformPerSampleAndAFunctionOfSeedAndStep() {
		Tensor a = Trainer.epsilon(5, 3, 64);
		assertArrayEquals(new long[] { 64, 1, 1, 1 }, a.shape());
		assertArrayEquals(a.floats(), Trainer.epsilon(5, 3, 64).floats());
		double mean = 0;
		for (float v : a.floats()) {
			assertTrue(v >= 0 && v < 1, "epsilon " + v);
			mean += v / 64;
		}
		assertEquals(0.5, mean, 0.15);
		// neighbouring steps and seeds draw unrelated values (java.util.Random's
		// would be nearly equal)
		for (Tensor other : List.of(Trainer.epsilon(5, 4, 64), Trainer.epsilon(6, 3,
			64)))
		{
			double diff = 0;
			for (int i = 0; i < 64; i++)
				diff += Math.abs(a.floats()[i] - other.floats()[i]) / 64;
			assertTrue(diff > 0.2, "mean |difference| " + diff);
		}
	}

	@Test
	void lazyR1IsAppliedAtEveryKthStepWithGammaTimesK() {
		GradientPenalties p = new GradientPenalties(0, 2, 4);
		assertTrue(p.r1At(0));
		assertFalse(p.r1At(1));
		assertFalse(p.r1At(3));
		assertTrue(p.r1At(8));
		assertEquals(new GradientPenalties(0, 8, 1), p.forStep(true));
		assertEquals(new GradientPenalties(0, 0, 1), p.forStep(false));
		assertEquals(new GradientPenalties(10, 0, 1), new GradientPenalties(10, 2,
			4).forStep(false));
		assertEquals("wgan-gp 10.0 + r1 gamma=2.0 every 4", new GradientPenalties(
			10, 2, 4).describe());
	}

	@Test
	void badValuesGetOneMessageEach() {
		assertEquals(10f, GradientPenalties.parseWganGp("wgan-gp:10"));
		assertEquals(10f, GradientPenalties.parseWganGp("wgan-gp"));
		assertEquals(0f, GradientPenalties.parseWganGp("none"));
		Map<String, Runnable> bad = new HashMap<>();
		bad.put("LAMBDA above 0", () -> GradientPenalties.parseWganGp(
			"wgan-gp:-1"));
		bad.put("needs a number", () -> GradientPenalties.parseWganGp(
			"wgan-gp:ten"));
		bad.put("unknown gradient penalty 'r1:3'", () -> GradientPenalties
			.parseWganGp("r1:3"));
		bad.put("--r1 gamma must be a number >= 0", () -> new GradientPenalties(0,
			-1, 1));
		bad.put("--r1-every must be at least 1", () -> new GradientPenalties(0, 1,
			0));
		bad.put("it needs --r1 GAMMA", () -> new GradientPenalties(0, 0, 4));
		bad.put("add --adversarial wasserstein", () -> config(AdversarialKind.HINGE,
			new GradientPenalties(10, 0, 1)));
		bad.put("add --gradient-penalty wgan-gp:10", () -> config(
			AdversarialKind.WASSERSTEIN, GradientPenalties.NONE));
		bad.put("unknown adversarial loss 'wgan-gp'", () -> AdversarialKind.parse(
			"wgan-gp"));
		bad.forEach((message, r) -> {
			GanException e = assertThrows(GanException.class, r::run, message);
			assertTrue(e.getMessage().contains(message), e.getMessage());
		});
		assertEquals(AdversarialKind.WASSERSTEIN, AdversarialKind.parse(
			"wasserstein"));
	}

	private static FineTuneConfig config(AdversarialKind k, GradientPenalties p) {
		return new FineTuneConfig(1, OptimizerConfig.sgd(0.1), LossKind.L1, 1, k, 0,
			null, 1, null, 100, false, List.of(), 0, 0, p);
	}

	/**
	 * The penalty alone as a model with output {@code y}: inputs real, fake, ε
	 * (and labels) and the discriminator's parameters.
	 */
	static ModelProto penaltyModel(Discriminator d, long[] shape,
		boolean conditional, GradientPenalties p)
	{
		ModelProto.Builder mb = ModelProto.newBuilder().setIrVersion(8)
			.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(
				17));
		GraphProto.Builder g = mb.getGraphBuilder().setName("penalty");
		Map<String, long[]> shapes = new HashMap<>();
		long[] perSample = { shape[0], 1, 1, 1 };
		for (String in : List.of("real", "fake")) {
			StepGraph.addInput(g, in, TensorProto.DataType.FLOAT_VALUE, shape);
			shapes.put(in, shape);
		}
		StepGraph.addInput(g, StepGraph.EPSILON, TensorProto.DataType.FLOAT_VALUE,
			perSample);
		shapes.put(StepGraph.EPSILON, perSample);
		if (conditional) {
			StepGraph.addInput(g, "label", TensorProto.DataType.INT64_VALUE,
				new long[] { shape[0] });
			shapes.put("label", new long[] { shape[0] });
		}
		for (Parameter w : d.parameters()) {
			StepGraph.addInput(g, w.name(), TensorProto.DataType.FLOAT_VALUE, w
				.shape());
			shapes.put(w.name(), w.shape());
		}
		GraphEmitter e = new GraphEmitter(g, shapes, 17);
		String y = StepGraph.penalty(e, d, "real", null, "fake", StepGraph.EPSILON,
			conditional ? "label" : null, p);
		g.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(y)
			.addOutput("y"));
		g.addOutput(ValueInfoProto.newBuilder().setName("y"));
		return mb.build();
	}
}
