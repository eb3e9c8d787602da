
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrFloat;
import static org.fijigan.testing.OnnxModels.attrString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.fijigan.testing.SpecialFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Erf, Gelu, HardSigmoid, HardSwish, Mish, Selu and Softsign: against finite
 * differences, and against their derivatives in closed form (in double) to
 * 1e-5, which also pins down the slope the rules take at a kink (PyTorch's).
 */
class ActivationRulesTest {

	/** Inputs for the closed-form checks: seeded, with the kinks themselves. */
	private static final float[] X = { -5f, -3.2f, -3f, -2.5f, -1.7f, -0.9f,
		-0.3f, 0f, 0.2f, 0.7f, 1.1f, 1.9f, 2.6f, 3f, 3.4f, 4.5f };

	private static final double SELU_ALPHA = 1.67326319217681884765625,
			SELU_GAMMA = 1.05070102214813232421875;

	private static OnnxModels.Builder unary(long opset, String op,
		AttributeProto... a)
	{
		return OnnxModels.builder().opset(opset).input("x", "2,3,4").node(op, "x",
			"y", a).output("y", "2,3,4");
	}

	/**
	 * The rule's gradient at {@link #X} equals {@code R f'(x)}, R the loss
	 * weights.
	 */
	private static void closedForm(OnnxModels.Builder b,
		DoubleUnaryOperator derivative) throws Exception
	{
		float[] got = GradientCheck.of(b).input("x", X, 4, 4).gradients("x").get(
			"x");
		float[] r = GradientCheck.lossWeights(4, 4);
		for (int i = 0; i < X.length; i++) {
			double expected = r[i] * derivative.applyAsDouble(X[i]);
			assertEquals(expected, got[i], 1e-5 * (1 + Math.abs(expected)),
				"at x = " + X[i]);
		}
	}

	private static OnnxModels.Builder square(long opset, String op,
		AttributeProto... a)
	{
		return OnnxModels.builder().opset(opset).input("x", "4,4").node(op, "x",
			"y", a).output("y", "4,4");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Erf", "Mish", "Softsign" })
	void smoothActivations(String op) throws Exception {
		GradientCheck.of(unary(18, op)).input("x", 1, -3f, 3f, 2, 3, 4).check("x");
	}

	@Test
	void erfMishAndSoftsignInClosedForm() throws Exception {
		closedForm(square(17, "Erf"), x -> 2 / Math.sqrt(Math.PI) * Math.exp(-x *
			x));
		closedForm(square(18, "Mish"), x -> {
			double t = Math.tanh(Math.log1p(Math.exp(x)));
			return t + x / (1 + Math.exp(-x)) * (1 - t * t);
		});
		closedForm(square(17, "Softsign"), x -> 1 / ((1 + Math.abs(x)) * (1 + Math
			.abs(x))));
	}

	@ParameterizedTest
	@ValueSource(strings = { "none", "tanh" })
	void geluAtOpset20(String approximate) throws Exception {
		GradientCheck.of(unary(20, "Gelu", attrString("approximate", approximate)))
			.input("x", 2, -3f, 3f, 2, 3, 4).check("x");
	}

	@Test
	void geluInClosedForm() throws Exception {
		closedForm(square(20, "Gelu"), x -> 0.5 * (1 + SpecialFunctions.erf(x / Math
			.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI));
		double c = Math.sqrt(2 / Math.PI);
		closedForm(square(20, "Gelu", attrString("approximate", "tanh")), x -> {
			double t = Math.tanh(c * (x + 0.044715 * x * x * x));
			return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x *
				x);
		});
	}

	@Test
	void geluWithAnUnknownApproximationIsRefused() {
		// ONNX Runtime does not run such a node, so the rule is called directly
		NodeProto gelu = NodeProto.newBuilder().setOpType("Gelu").setName("gelu")
			.addInput("x").addOutput("y").addAttribute(attrString("approximate",
				"cubic")).build();
		GraphEmitter e = new GraphEmitter(GraphProto.newBuilder(), new HashMap<>(Map
			.of("x", new long[] { 3 }, "g", new long[] { 3 })), 20);
		GanException refused = assertThrows(GanException.class, () -> GradientRules
			.forOp("Gelu").backward(gelu, new String[] { "g" }, new boolean[] {
				true }, e));
		assertTrue(refused.getMessage().contains("Gelu (node 'gelu')") && refused
			.getMessage().contains("'cubic'"), refused.getMessage());
	}

	@Test
	void hardSigmoidWithDefaultAndGivenAlphaAndBeta() throws Exception {
		GradientCheck.of(unary(17, "HardSigmoid")).inputAvoiding("x", 4, -4, 4,
			new float[] { -2.5f, 2.5f }, 2, 3, 4).check("x");
		GradientCheck.of(unary(17, "HardSigmoid", attrFloat("alpha", 0.5f),
			attrFloat("beta", 0.3f))).inputAvoiding("x", 5, -2, 2, new float[] {
				-0.6f, 1.4f }, 2, 3, 4).check("x");
		closedForm(square(17, "HardSigmoid", attrFloat("alpha", 0.25f), attrFloat(
			"beta", 0.5f)), x -> x > -2 && x < 2 ? 0.25 : 0);
	}

	@Test
	void hardSwishFollowsPyTorchAtItsKinks() throws Exception {
		GradientCheck.of(unary(14, "HardSwish")).inputAvoiding("x", 6, -5, 5,
			new float[] { -3f, 3f }, 2, 3, 4).check("x");
		// PyTorch's hardswish_backward: 0 below -3, x / 3 + 1/2 on [-3, 3], 1 above
		closedForm(square(14, "HardSwish"), x -> x < -3 ? 0 : x <= 3 ? x / 3 + 0.5
			: 1);
	}

	@Test
	void seluWithDefaultAndGivenConstants() throws Exception {
		float[] zero = { 0f };
		GradientCheck.of(unary(9, "Selu")).inputAvoiding("x", 7, -2, 2, zero, 2, 3,
			4).check("x");
		GradientCheck.of(unary(9, "Selu", attrFloat("alpha", 1.2f), attrFloat(
			"gamma", 0.8f))).inputAvoiding("x", 8, -2, 2, zero, 2, 3, 4).check("x");
		// at 0, the negative side's slope (as PyTorch's elu_backward)
		closedForm(square(9, "Selu"), x -> x > 0 ? SELU_GAMMA : SELU_GAMMA *
			SELU_ALPHA * Math.exp(x));
	}
}
