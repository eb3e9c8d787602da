
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrFloat;
import static org.fijigan.testing.OnnxModels.attrInt;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.TensorProto;

class ElementwiseRulesTest {

	private static final float[] ZERO = { 0f };

	@Test
	void addWithBroadcasting() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("a", "2,3,4").input("b", "3,1")
			.node("Add", "a,b", "y").output("y", "2,3,4")).input("a", 1, 2, 3, 4)
			.input("b", 2, 3, 1).check("a", "b");
	}

	@Test
	void subAndMulWithBroadcasting() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("a", "2,3").input("b", "3")
			.node("Sub", "a,b", "d").node("Mul", "d,b", "y").output("y", "2,3"))
			.input("a", 3, 2, 3).input("b", 4, 3).check("a", "b");
	}

	@Test
	void whereSendsTheGradientToTheChosenSideAndSumsBroadcasting()
		throws Exception
	{
		// a [2,3] and b [3] broadcast to the condition's [2,3]; c kept away from
		// the comparison's kink
		GradientCheck.of(OnnxModels.builder().input("c", "2,3").input("a", "2,3")
			.input("b", "3").node("Greater", "c,b", "mask").node("Where", "mask,a,b",
				"y").output("y", "2,3")).inputAvoiding("c", 1, -1, 1, ZERO, 2, 3).input(
					"a", 2, 2, 3).inputAvoiding("b", 3, -0.5f, 0.5f, new float[] { -0.3f,
						0.3f }, 3).check("a", "b");
	}

	@Test
	void reciprocal() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "2,3").node("Reciprocal",
			"x", "y").output("y", "2,3")).input("x", 4, 0.5f, 2, 2, 3).check("x");
	}

	@Test
	void reluAwayFromTheKink() throws Exception {
		// values kept away from 0 so that +-eps does not cross the kink
		float[] x = { -0.9f, -0.5f, 0.4f, 0.8f, -0.3f, 0.6f };
		GradientCheck.of(OnnxModels.builder().input("x", "2,3").node("Relu", "x",
			"y").output("y", "2,3")).input("x", x, 2, 3).check("x");
	}

	@Test
	void aValueUsedTwiceSumsItsGradients() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "4").node("Mul", "x,x",
			"s").node("Add", "s,x", "y").output("y", "4")).input("x", 5, 4).check(
				"x");
	}

	@ParameterizedTest
	@ValueSource(longs = { 9, 17 })
	void divWithBroadcastingBothWays(long opset) throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(opset).input("a", "2,3,4")
			.input("b", "3,1").node("Div", "a,b", "y").output("y", "2,3,4")).input(
				"a", 1, 2, 3, 4).input("b", 2, 0.5f, 1.5f, 3, 1).check("a", "b");
		GradientCheck.of(OnnxModels.builder().opset(opset).input("a", "").input("b",
			"2,3").node("Div", "a,b", "y").output("y", "2,3")).input("a", 3, 0.5f,
				1.5f).input("b", 4, -1.5f, -0.5f, 2, 3).check("a", "b");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Neg", "Exp", "Sigmoid", "Tanh", "Softplus",
		"Identity" })
	void smoothUnaryOperators(String op) throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "2,3,4").node(op, "x", "y")
			.output("y", "2,3,4")).input("x", 6, -1.5f, 1.5f, 2, 3, 4).check("x");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Log", "Sqrt" })
	void unaryOperatorsOfPositiveValues(String op) throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "3,5").node(op, "x", "y")
			.output("y", "3,5")).input("x", 7, 0.5f, 2f, 3, 5).check("x");
	}

	@Test
	void absAwayFromZero() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "3,5").node("Abs", "x",
			"y").output("y", "3,5")).inputAvoiding("x", 8, -1, 1, ZERO, 3, 5).check(
				"x");
	}

	@Test
	void leakyReluAndEluWithDefaultAndGivenAlpha() throws Exception {
		for (String op : new String[] { "LeakyRelu", "Elu" }) {
			GradientCheck.of(OnnxModels.builder().input("x", "4,5").node(op, "x", "y")
				.output("y", "4,5")).inputAvoiding("x", 9, -2, 2, ZERO, 4, 5).check(
					"x");
			GradientCheck.of(OnnxModels.builder().input("x", "4,5").node(op, "x", "y",
				attrFloat("alpha", 0.3f)).output("y", "4,5")).inputAvoiding("x", 10, -2,
					2, ZERO, 4, 5).check("x");
		}
	}

	@Test
	void preluWithAPerChannelSlopeBroadcastOverTheImage() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "2,3,4,4").input("slope",
			"3,1,1").node("PRelu", "x,slope", "y").output("y", "2,3,4,4"))
			.inputAvoiding("x", 11, -1, 1, ZERO, 2, 3, 4, 4).input("slope", 12, 0.1f,
				0.4f, 3, 1, 1).elements(40).check("x", "slope");
	}

	@Test
	void preluWithOneSharedSlope() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(9).input("x", "2,5").input(
			"slope", "1").node("PRelu", "x,slope", "y").output("y", "2,5"))
			.inputAvoiding("x", 13, -1, 1, ZERO, 2, 5).input("slope", 14, 0.1f, 0.4f,
				1).check("x", "slope");
	}

	@Test
	void powOfBothBaseAndExponentWithBroadcasting() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("a", "2,3").input("b", "3")
			.node("Pow", "a,b", "y").output("y", "2,3")).input("a", 15, 0.5f, 1.5f, 2,
				3).input("b", 16, -1f, 2f, 3).check("a", "b");
	}

	@Test
	void powWithAConstantExponentFloatOrInteger() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(9).input("x", "3,4")
			.initializer("p", new float[] { 2f }).node("Pow", "x,p", "y").output("y",
				"3,4")).input("x", 17, 3, 4).check("x");
		// from opset 12 the exponent may be an integer tensor
		GradientCheck.of(OnnxModels.builder().input("x", "3,4").initializer("p",
			new long[] { 3 }).node("Pow", "x,p", "y").output("y", "3,4")).input("x",
				18, 3, 4).check("x");
	}

	@Test
	void clipWithAttributesBeforeOpset11() throws Exception {
		float[] bounds = { -0.5f, 0.5f };
		GradientCheck.of(OnnxModels.builder().opset(9).input("x", "4,5").node(
			"Clip", "x", "y", attrFloat("min", -0.5f), attrFloat("max", 0.5f)).output(
				"y", "4,5")).inputAvoiding("x", 19, -1, 1, bounds, 4, 5).check("x");
		GradientCheck.of(OnnxModels.builder().opset(10).input("x", "4,5").node(
			"Clip", "x", "y", attrFloat("max", 0.5f)).output("y", "4,5"))
			.inputAvoiding("x", 20, -1, 1, bounds, 4, 5).check("x");
	}

	@ParameterizedTest
	@ValueSource(longs = { 11, 17 })
	void clipWithBoundsAsInputsThatMayBeLearned(long opset) throws Exception {
		float[] bounds = { -0.5f, 0.5f };
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", "4,5").input(
			"lo", "").input("hi", "").node("Clip", "x,lo,hi", "y").output("y", "4,5"))
			.inputAvoiding("x", 21, -1, 1, bounds, 4, 5).input("lo", new float[] {
				-0.5f }).input("hi", new float[] { 0.5f }).check("x", "lo", "hi");
		// only a maximum, the minimum left out
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", "4,5")
			.initializer("hi", new float[] { 0.5f }).node("Clip", "x,,hi", "y")
			.output("y", "4,5")).inputAvoiding("x", 22, -1, 1, bounds, 4, 5).check(
				"x");
		// only a minimum; no bounds at all
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", "4,5")
			.initializer("lo", new float[] { -0.5f }).node("Clip", "x,lo", "c").node(
				"Clip", "c", "y").output("y", "4,5")).inputAvoiding("x", 23, -1, 1,
					bounds, 4, 5).check("x");
	}

	@Test
	void dropoutInInferenceIsTheIdentityAndItsMaskGetsNoGradient()
		throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(11).input("x", "3,4").node(
			"Dropout", "x", "d,mask", attrFloat("ratio", 0.3f)).node("Mul", "d,d",
				"y").output("y", "3,4")).input("x", 24, 3, 4).check("x");
		GradientCheck.of(OnnxModels.builder().input("x", "3,4").initializer("ratio",
			new float[] { 0.3f }).initializer(bool("training", false)).node("Dropout",
				"x,ratio,training", "d,mask").node("Mul", "d,d", "y").output("y",
					"3,4")).input("x", 25, 3, 4).check("x");
	}

	@Test
	void dropoutInTrainingModeIsRefused() {
		GanException e = assertThrows(GanException.class, () -> GradientCheck.of(
			OnnxModels.builder().input("x", "3,4").initializer("ratio", new float[] {
				0f }).initializer(bool("training", true)).node("Dropout",
					"x,ratio,training", "y").output("y", "3,4")).input("x", 26, 3, 4)
			.check("x"));
		assertTrue(e.getMessage().contains("Dropout (node 'Dropout_0')") && e
			.getMessage().contains("training_mode"), e.getMessage());
	}

	@Test
	void castBetweenFloatsPassesTheGradientAndCastToIntegerStopsIt()
		throws Exception
	{
		// y = x * float(int(x)): int(x) = 1 throughout, and contributes no gradient
		GradientCheck.of(OnnxModels.builder().input("x", "3,4").node("Cast", "x",
			"f", attrInt("to", 1)).node("Cast", "x", "i", attrInt("to", 7)).node(
				"Cast", "i", "k", attrInt("to", 1)).node("Mul", "f,k", "y").output("y",
					"3,4")).input("x", 27, 1.1f, 1.9f, 3, 4).check("x");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Sum", "Mean" })
	void narySumAndMeanWithBroadcasting(String op) throws Exception {
		GradientCheck.of(OnnxModels.builder().input("a", "2,3,4").input("b", "3,1")
			.input("c", "4").node(op, "a,b,c", "y").output("y", "2,3,4")).input("a",
				28, 2, 3, 4).input("b", 29, 3, 1).input("c", 30, 4).check("a", "b",
					"c");
		GradientCheck.of(OnnxModels.builder().input("a", "3").node(op, "a", "y")
			.output("y", "3")).input("a", 31, 3).check("a");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Max", "Min" })
	void naryMaxAndMinWithBroadcasting(String op) throws Exception {
		// a small step, and seeds far apart (java.util.Random's first values from
		// nearby seeds are
		// close), so that competing inputs differ by more than the step
		GradientCheck.of(OnnxModels.builder().opset(9).input("a", "2,3,4").input(
			"b", "3,1").input("c", "4").node(op, "a,b,c", "y").output("y", "2,3,4"))
			.input("a", 40, 2, 3, 4).input("b", 7001, 3, 1).input("c", 123456, 4)
			.step(1e-3).tolerance(3e-3, 2e-2).check("a", "b", "c");
		GradientCheck.of(OnnxModels.builder().input("a", "3,4").input("b", "3,4")
			.node(op, "a,b", "y").output("y", "3,4")).input("a", 35, 3, 4).input("b",
				98765, 3, 4).step(1e-3).tolerance(3e-3, 2e-2).check("a", "b");
	}

	@Test
	void anOperatorWithoutARuleNamesTheOperatorAndTheNode() {
		GanException e = assertThrows(GanException.class, () -> GradientCheck.of(
			OnnxModels.builder().input("x", "2,6").initializer("k", new long[] { 3 },
				1).node("TopK", "x,k", "y,idx").output("y", "2,3")).input("x", 37, 2, 6)
			.check("x"));
		assertTrue(e.getMessage().contains("TopK (node 'TopK_0')"), e.getMessage());
	}

	private static TensorProto bool(String name, boolean value) {
		return TensorProto.newBuilder().setName(name).setDataType(
			TensorProto.DataType.BOOL_VALUE).addInt32Data(value ? 1 : 0).build();
	}
}
