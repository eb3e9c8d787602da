
package org.fijigan.core.train;

import static org.fijigan.testing.OnnxModels.attrFloat;
import static org.fijigan.testing.OnnxModels.attrInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Constants of a model's computation stored as initializers (an epsilon,
 * GroupNorm's fixed scale and bias, a tensor named as PyTorch names a Constant
 * node, a tensor shared with BatchNorm's running statistics) are held fixed,
 * with a note, while the weights beside them train; real parameters that look
 * alike (a PReLU slope of one element, a ReZero scalar, an
 * InstanceNormalization's own affine weights at their initial ones and zeros, a
 * scalar added to a reduction that is no epsilon) still train. Each model takes
 * {@link TrainerTest}'s 2-channel data; one SGD step on the L2 loss.
 */
class ConstantTensorsTest {

	private static final String SHAPE = "N," + TrainerTest.C + "," +
		TrainerTest.H + "," + TrainerTest.W;
	private static final long C = TrainerTest.C;

	/** One SGD step of {@code m}: the trained model and the run's notes. */
	private static Trainer.Result step(ModelProto m) {
		return Trainer.train(m, "y", null, "sha", new TrainerTest.Toy(2),
			TrainerTest.config(1, OptimizerConfig.sgd(0.1), LossKind.L2),
			ProgressListener.NONE, CancellationToken.none());
	}

	/** The names of the float initializers whose values a step changed. */
	private static List<String> changed(ModelProto before, ModelProto after) {
		List<String> names = new ArrayList<>();
		for (TensorProto t : before.getGraph().getInitializerList())
			if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE && !Arrays.equals(
				TrainerTest.weight(before, t.getName()), TrainerTest.weight(after, t
					.getName()))) names.add(t.getName());
		return names;
	}

	/**
	 * LayerNorm over the channels written out, as PyTorch exports it before opset
	 * 17 and onnx-simplifier leaves it: (h - mean) / sqrt(var + eps) * lw + lb,
	 * with eps an initializer.
	 */
	@Test
	void anEpsilonAddedToAVarianceIsHeldFixed() {
		ModelProto m = OnnxModels.builder().opset(13).input("x", SHAPE).initializer(
			"w", new float[] { 0.5f, 1.5f }, 1, C, 1, 1).initializer("two",
				new float[] { 2f }).initializer("eps", new float[] { 1e-5f })
			.initializer("lw", new float[] { 1f, 1f }, 1, C, 1, 1).initializer("lb",
				new float[] { 0f, 0f }, 1, C, 1, 1).node("Mul", "x,w", "h").node(
					"ReduceMean", "h", "mean", attrInts("axes", 1)).node("Sub", "h,mean",
						"d").node("Pow", "d,two", "d2").node("ReduceMean", "d2", "var",
							attrInts("axes", 1)).node("Add", "var,eps", "ve").node("Sqrt",
								"ve", "sd").node("Div", "d,sd", "n").node("Mul", "n,lw", "nw")
			.node("Add", "nw,lb", "y").output("y", SHAPE).build();
		Trainer.Result r = step(m);
		assertEquals(List.of("w", "lw", "lb"), changed(m, r.model()));
		assertArrayEquals(new float[] { 1e-5f }, TrainerTest.weight(r.model(),
			"eps"));
		assertEquals(List.of("1 tensor is held fixed as a constant of the " +
			"computation, not trained as weights: eps (an epsilon added to a " +
			"reduction before a square root or division). --freeze REGEX holds " +
			"other tensors fixed"), r.notes());
	}

	/**
	 * GroupNorm as PyTorch exports it before opset 18 (one group here): the
	 * channels reshaped into groups, InstanceNormalization with a scale of ones
	 * and a bias of zeros, reshaped back, then its affine weights gw and gb.
	 */
	@Test
	void groupNormsFixedInstanceNormScaleAndBiasAreHeldFixed() {
		ModelProto m = OnnxModels.builder().opset(13).input("x", SHAPE).initializer(
			"w", new float[] { 0.5f, 1.5f }, 1, C, 1, 1).initializer("groups",
				new long[] { 0, 1, -1 }, 3).initializer("one", new float[] { 1f }, 1)
			.initializer("zero", new float[] { 0f }, 1).initializer("gw",
				new float[] { 1f, 1f }, 1, C, 1, 1).initializer("gb", new float[] { 0f,
					0f }, 1, C, 1, 1).node("Mul", "x,w", "h").node("Reshape", "h,groups",
						"g1").node("InstanceNormalization", "g1,one,zero", "g2", attrFloat(
							"epsilon", 1e-5f)).node("Shape", "h", "hs").node("Reshape",
								"g2,hs", "g3").node("Mul", "g3,gw", "g4").node("Add", "g4,gb",
									"y").output("y", SHAPE).build();
		Trainer.Result r = step(m);
		assertEquals(List.of("w", "gw", "gb"), changed(m, r.model()));
		assertEquals(List.of("2 tensors are held fixed as constants of the " +
			"computation, not trained as weights: one, zero (GroupNorm's fixed " +
			"InstanceNormalization scale and bias, ahead of its affine weights, " +
			"which train). --freeze REGEX holds other tensors fixed"), r.notes());
	}

	/**
	 * Parameters that look like constants train: an InstanceNormalization's own
	 * scale and bias at ones and zeros (InstanceNorm2d(affine=True) as
	 * initialised, no GroupNorm after it), a one-element PReLU slope with the
	 * name PyTorch's constant folding gives it, a one-element shift added to a
	 * reduction that goes on into a Mul (no epsilon), and a ReZero scalar. A
	 * tensor named as PyTorch names a Constant node's output is held fixed.
	 */
	@Test
	void parametersThatLookLikeConstantsStillTrain() {
		ModelProto m = OnnxModels.builder().opset(13).input("x", SHAPE).initializer(
			"inorm.weight", new float[] { 1f, 1f }, C).initializer("inorm.bias",
				new float[] { 0f, 0f }, C).initializer("onnx::PRelu_61", new float[] {
					0.25f }, 1, 1, 1).initializer("shift", new float[] { 0.1f })
			.initializer("rz.alpha", new float[] { 0.1f }).initializer(
				"/out/Constant_output_0", new float[] { 1f }).node(
					"InstanceNormalization", "x,inorm.weight,inorm.bias", "h").node(
						"PRelu", "h,onnx::PRelu_61", "p").node("ReduceMean", "p", "m",
							attrInts("axes", 1)).node("Add", "m,shift", "q").node("Mul",
								"q,rz.alpha", "r").node("Add", "p,r", "y0").node("Mul",
									"y0,/out/Constant_output_0", "y").output("y", SHAPE).build();
		Trainer.Result r = step(m);
		assertEquals(List.of("inorm.weight", "inorm.bias", "onnx::PRelu_61",
			"shift", "rz.alpha"), changed(m, r.model()));
		assertEquals(List.of("1 tensor is held fixed as a constant of the " +
			"computation, not trained as weights: /out/Constant_output_0 (named " +
			"as PyTorch names a Constant node's output). --freeze REGEX holds " +
			"other tensors fixed"), r.notes());
	}

	/**
	 * A --freeze pattern that names only a tensor held fixed anyway is no typo; a
	 * model whose every candidate is a constant is refused, saying why.
	 */
	@Test
	void freezingAHeldConstantIsNoTypoAndAModelOfConstantsIsRefused() {
		ModelProto m = OnnxModels.builder().opset(13).input("x", SHAPE).initializer(
			"eps", new float[] { 1e-5f }).node("ReduceMean", "x", "v", attrInts(
				"axes", 1)).node("Add", "v,eps", "ve").node("Sqrt", "ve", "s").node(
					"Div", "x,s", "y").output("y", SHAPE).build();
		String refusal = assertThrows(GanException.class, () -> Parameters
			.trainable(m, List.of("eps"))).getMessage();
		assertEquals("the model has no trainable float parameters (after " +
			"freezing [eps]); 1 tensor is held fixed as a constant of the " +
			"computation, not trained as weights: eps (an epsilon added to a " +
			"reduction before a square root or division). --freeze REGEX holds " +
			"other tensors fixed", refusal);
		assertFalse(refusal.contains("matches no parameter"));
	}

	/**
	 * An initializer that one node takes as data and another as configuration
	 * (PyTorch's export stores equal tensors once: an InstanceNorm scale of ones
	 * becomes an Identity of BatchNorm's running variance of ones) is held fixed:
	 * training it would change the running variance too.
	 */
	@Test
	void aTensorSharedWithBatchNormsRunningStatisticsIsHeldFixed() {
		ModelProto m = OnnxModels.builder().opset(13).input("x", SHAPE).initializer(
			"bn.weight", new float[] { 1.5f, 0.5f }, C).initializer("bn.bias",
				new float[] { 0.1f, 0.2f }, C).initializer("bn.running_mean",
					new float[] { 0f, 0f }, C).initializer("bn.running_var", new float[] {
						1f, 1f }, C).node("BatchNormalization",
							"x,bn.weight,bn.bias,bn.running_mean,bn.running_var", "h").node(
								"Identity", "bn.running_var", "inorm.weight").node("Identity",
									"bn.running_mean", "inorm.bias").node("InstanceNormalization",
										"h,inorm.weight,inorm.bias", "y").output("y", SHAPE)
			.build();
		Trainer.Result r = step(m);
		assertEquals(List.of("bn.weight", "bn.bias"), changed(m, r.model()));
		assertEquals(List.of("2 tensors are held fixed as constants of the " +
			"computation, not trained as weights: bn.running_mean, bn.running_var " +
			"(also a BatchNormalization running statistic or another operator's " +
			"setting, which training would change: an exporter stored equal " +
			"tensors once). --freeze REGEX holds other tensors fixed"), r.notes());
	}

	/**
	 * A float Constant node that reaches the loss through data inputs of
	 * differentiable operators, as a weight would, is named in a note (it is not
	 * trained); one that only feeds a comparison, one of a single element, and
	 * one named as PyTorch names a Constant are not.
	 */
	@Test
	void weightsInConstantNodesAreNamedAsNotTrained() {
		ModelProto m = OnnxModels.builder().opset(13).input("x", SHAPE).initializer(
			"b", new float[] { 0f, 0f }, 1, C, 1, 1).node("Constant", "", "cw",
				floatValue(new float[] { 2f, 3f }, 1, C, 1, 1)).node("Constant", "",
					"threshold", floatValue(new float[] { 0.1f, 0.2f }, 1, C, 1, 1)).node(
						"Constant", "", "zero", floatValue(new float[] { 0f })).node(
							"Constant", "", "/m/Constant_output_0", floatValue(new float[] {
								1f, 1f }, 1, C, 1, 1)).node("Mul", "x,cw", "h").node("Greater",
									"h,threshold", "above").node("Where", "above,h,zero", "r")
			.node("Mul", "r,/m/Constant_output_0", "s").node("Add", "s,b", "y")
			.output("y", SHAPE).build();
		Trainer.Result r = step(m);
		assertEquals(List.of("b"), changed(m, r.model()));
		assertEquals(List.of("Constant nodes are not trained, and these hold " +
			"float tensors that reach the loss as weights do: cw [1, 2, 1, 1] " +
			"(fine-tuning trains initializers only; to train them, move them into " +
			"initializers, as onnx-simplifier does)"), r.notes());
		assertTrue(Parameters.select(m, "y", List.of()).notes().get(0).contains(
			"cw [1, 2, 1, 1]"));
	}

	/**
	 * A model with its weights in initializers and a small fixed filter in a
	 * Constant node (under a tenth of the trained values, as the bundled
	 * inpainting models' four-neighbour mean) gets no note; a model with all its
	 * weights in Constant nodes is refused, saying where they are.
	 */
	@Test
	void aSmallFixedFilterIsNoWeightAndAModelOfConstantWeightsIsRefused() {
		float[] weights = new float[2 * 2 * 3 * 3];
		Arrays.fill(weights, 0.1f);
		ModelProto filtered = OnnxModels.builder().opset(13).input("x", SHAPE)
			.initializer("w", weights, C, C, 3, 3).node("Constant", "", "mean",
				floatValue(new float[] { 0.5f, 0.5f }, 1, C, 1, 1)).node("Conv", "x,w",
					"h", attrInts("pads", 1, 1, 1, 1)).node("Mul", "h,mean", "y").output(
						"y", SHAPE).build();
		assertEquals(List.of(), Parameters.select(filtered, "y", List.of())
			.notes());
		ModelProto constants = OnnxModels.builder().opset(13).input("x", SHAPE)
			.node("Constant", "", "cw", floatValue(new float[] { 2f, 3f }, 1, C, 1,
				1)).node("Mul", "x,cw", "y").output("y", SHAPE).build();
		assertEquals("the model has no trainable float parameters; Constant " +
			"nodes are not trained, and these hold float tensors that reach the " +
			"loss as weights do: cw [1, 2, 1, 1] (fine-tuning trains initializers " +
			"only; to train them, move them into initializers, as onnx-simplifier " +
			"does)", assertThrows(GanException.class, () -> Parameters.select(
				constants, "y", List.of())).getMessage());
	}

	private static AttributeProto floatValue(float[] values, long... dims) {
		return AttributeProto.newBuilder().setName("value").setType(
			AttributeProto.AttributeType.TENSOR).setT(OnnxModels.tensor("value",
				values, dims)).build();
	}

	/**
	 * On PyTorch 1.13's exports
	 * (src/test/fixtures/make_torch_constants_fixtures.py) the parameters are
	 * exactly PyTorch's: GroupNorm's affine weights and the PReLU slopes renamed
	 * by constant folding, a ReZero scalar, an InstanceNorm2d's weight and bias
	 * at ones and zeros; not its epsilons and fixed scales, which are Constant
	 * nodes (and no note takes them for weights). With those moved into
	 * initializers, as onnx-simplifier does, they are held fixed and the
	 * parameters stay the same.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 11, 13, 16, 17 })
	void pyTorchExportsTrainPyTorchsParameters(int opset) throws IOException {
		ModelProto m;
		List<String> expected;
		try (InputStream in = resource("net-opset" + opset + ".onnx")) {
			m = ModelProto.parseFrom(in);
		}
		try (InputStream in = resource("parameters-opset" + opset + ".txt")) {
			expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.toList();
		}
		Parameters.Selection exported = Parameters.select(m, null, List.of());
		assertEquals(expected, sorted(exported));
		// its Constant nodes are all PyTorch's constants: no note on them
		assertEquals(List.of(), exported.notes());
		Parameters.Selection simplified = Parameters.select(constantsAsInitializers(
			m), null, List.of());
		assertEquals(expected, sorted(simplified));
		String held = simplified.notes().get(0);
		for (String constant : opset < 17 ? List.of("/gn/Constant_1_output_0",
			"/gn/Constant_2_output_0", "/ln/Constant_1_output_0",
			"/inorm0/Constant_output_0", "/inorm0/Constant_1_output_0") : List.of(
				"/gn/Constant_1_output_0", "/gn/Constant_2_output_0",
				"/inorm0/Constant_output_0", "/inorm0/Constant_1_output_0"))
			assertTrue(held.contains(constant), held);
	}

	private static InputStream resource(String name) {
		InputStream in = ConstantTensorsTest.class.getResourceAsStream(
			"/torch-constants/" + name);
		if (in == null) throw new AssertionError("no fixture " + name);
		return in;
	}

	private static List<String> sorted(Parameters.Selection s) {
		return s.parameters().stream().map(Parameter::name).sorted().toList();
	}

	/**
	 * {@code m} with every Constant node's tensor moved into an initializer of
	 * the same name, as onnx-simplifier leaves a model.
	 */
	private static ModelProto constantsAsInitializers(ModelProto m) {
		ModelProto.Builder b = m.toBuilder();
		var g = b.getGraphBuilder().clearNode();
		for (NodeProto n : m.getGraph().getNodeList())
			if (n.getOpType().equals("Constant") && n.getAttribute(0).getName()
				.equals("value")) g.addInitializer(n.getAttribute(0).getT().toBuilder()
					.setName(n.getOutput(0)));
			else g.addNode(n);
		return b.build();
	}
}
