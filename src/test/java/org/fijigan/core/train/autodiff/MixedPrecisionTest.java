
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrFloat;
import static org.fijigan.testing.OnnxModels.attrInt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Gradients through a float64 or float16 part of a float32 model (a Cast in, a
 * Cast out, as autocast exports and models that compute a step in double for
 * stability have): they flow in the part's own type, against finite differences
 * of the model's loss.
 */
class MixedPrecisionTest {

	private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE, DOUBLE =
		TensorProto.DataType.DOUBLE_VALUE, FLOAT16 =
			TensorProto.DataType.FLOAT16_VALUE;

	/**
	 * x -> float64: sigmoid(a) tanh(a) - 0.1 through Relu, divided by sqrt(a^2 +
	 * 1), cubed -> float32; the float64 constants are the model's initializers,
	 * the rules' own ones (Sigmoid's and Tanh's 1, Sqrt's 2) are float32 until
	 * they meet a float64 value.
	 */
	@Test
	void aFloat64PartGetsItsGradientInFloat64() throws Exception {
		ModelProto m = OnnxModels.builder().input("x", "2,3,4").initializer(Tensors
			.floatTensor("tenth", new float[] { 0.1f }, DOUBLE)).initializer(Tensors
				.floatTensor("one", new float[] { 1f }, DOUBLE)).initializer(Tensors
					.floatTensor("three", new float[] { 3f }, DOUBLE)).node("Cast", "x",
						"a", attrInt("to", DOUBLE)).node("Sigmoid", "a", "s").node("Tanh",
							"a", "t").node("Mul", "s,t", "st").node("Sub", "st,tenth", "d")
			.node("Relu", "d", "r").node("Mul", "a,a", "a2").node("Add", "a2,one",
				"a21").node("Sqrt", "a21", "q").node("Div", "r,q", "z").node("Pow",
					"z,three", "z3").node("Cast", "z3", "y", attrInt("to", FLOAT)).output(
						"y", "2,3,4").build();
		GradientCheck.of(m).input("x", 1, -2f, 2f, 2, 3, 4).skippingKinks(3).check(
			"x");
	}

	/**
	 * x -> float16: LeakyRelu(x w + 0.25) with float16 w, then Sigmoid ->
	 * float32. float16 keeps 11 bits, so the differences take a larger step and
	 * tolerance than in float32.
	 */
	@Test
	void aFloat16PartGetsItsGradientInFloat16() throws Exception {
		ModelProto m = OnnxModels.builder().input("x", "2,3,4").input("w", "3,1")
			.initializer(Tensors.floatTensor("quarter", new float[] { 0.25f },
				FLOAT16)).node("Cast", "x", "h", attrInt("to", FLOAT16)).node("Cast",
					"w", "w16", attrInt("to", FLOAT16)).node("Mul", "h,w16", "hw").node(
						"Add", "hw,quarter", "u").node("LeakyRelu", "u", "l", attrFloat(
							"alpha", 0.2f)).node("Sigmoid", "l", "s").node("Cast", "s", "y",
								attrInt("to", FLOAT)).output("y", "2,3,4").build();
		GradientCheck.of(m).input("x", 2, -1f, 1f, 2, 3, 4).input("w", 3, 0.5f,
			1.5f, 3, 1).step(0.05).tolerance(5e-3, 3e-2).skippingKinks(3).check("x",
				"w");
	}

	/**
	 * MaxPool in float64: its gradient scatters through a ConvTranspose, which
	 * ONNX Runtime's CPU provider has only in float32, so that step runs in
	 * float32 and the gradient goes on in float64.
	 */
	@Test
	void aFloat64MaxPoolGetsItsGradient() throws Exception {
		ModelProto m = OnnxModels.builder().input("x", "1,2,6,6").node("Cast", "x",
			"a", attrInt("to", DOUBLE)).node("Mul", "a,a", "a2").node("MaxPool", "a2",
				"p", OnnxModels.attrInts("kernel_shape", 3, 3), OnnxModels.attrInts(
					"strides", 2, 2), OnnxModels.attrInts("pads", 1, 1, 1, 1)).node(
						"Cast", "p", "y", attrInt("to", FLOAT)).output("y", "1,2,3,3")
			.build();
		GradientCheck.of(m).input("x", 4, -1f, 1f, 1, 2, 6, 6).skippingKinks(4)
			.check("x");
	}

	/**
	 * ReduceMax over an axis and an Einsum that sums an axis away (its gradient
	 * takes a tensor of ones) in float64: their rules' own tensors (the mask of
	 * the maxima, the ones) take the part's type.
	 */
	@Test
	void aFloat64ReduceMaxAndEinsumGetTheirGradients() throws Exception {
		ModelProto m = OnnxModels.builder().input("x", "2,3,4").node("Cast", "x",
			"a", attrInt("to", DOUBLE)).node("Mul", "a,a", "a2").node("ReduceMax",
				"a2", "m", OnnxModels.attrInts("axes", 2), attrInt("keepdims", 0)).node(
					"Einsum", "m", "s", OnnxModels.attrString("equation", "ij->i")).node(
						"Mul", "s,s", "s2").node("Cast", "s2", "y", attrInt("to", FLOAT))
			.output("y", "2").build();
		GradientCheck.of(m).input("x", 5, -1f, 1f, 2, 3, 4).skippingKinks(4).check(
			"x");
	}

	@Test
	void theGradientOfACastInputHasTheInputsType() {
		ModelProto m = OnnxModels.builder().input("x", DOUBLE, "3").node("Cast",
			"x", "y", attrInt("to", FLOAT)).output("y", "3").build();
		GraphProto.Builder g = m.getGraph().toBuilder();
		GraphEmitter e = new GraphEmitter(g, new HashMap<>(Map.of("x", new long[] {
			3 }, "y", new long[] { 3 })), 17);
		e.setType("y", FLOAT);
		String loss = e.reduceSum(e.mul("y", e.scalar(2f)), new long[] { 0 },
			false);
		String grad = GradientBuilder.differentiate(e, loss, List.of("x")).get("x");
		assertEquals(DOUBLE, e.type(grad));
	}

	/**
	 * A rule that would mix float types is refused before training, naming the
	 * node and its type. (No rule does on a valid model; here a Mul of a float64
	 * and a float32 value, which ONNX would refuse, stands in for one.)
	 */
	@Test
	void aRuleThatWouldMixTypesIsRefusedNamingTheNode() {
		ModelProto m = OnnxModels.builder().input("a", DOUBLE, "3").input("b", "3")
			.namedNode("scale", "Mul", "a,b", "p").node("Cast", "p", "y", attrInt(
				"to", FLOAT)).output("y", "3").build();
		GraphProto.Builder g = m.getGraph().toBuilder();
		GraphEmitter e = new GraphEmitter(g, new HashMap<>(Map.of("a", new long[] {
			3 }, "b", new long[] { 3 }, "p", new long[] { 3 }, "y", new long[] {
				3 })), 17);
		e.setType("p", DOUBLE);
		String loss = e.reduceSum("y", new long[] { 0 }, false);
		GanException x = assertThrows(GanException.class, () -> GradientBuilder
			.differentiate(e, loss, List.of("a")));
		assertEquals("fine-tuning cannot differentiate Mul (node 'scale') in " +
			"float64: its gradient rule would combine float64 and float32 values " +
			"in Mul; cast this part of the model to float32 (a Cast before and " +
			"after it)", x.getMessage());
	}

	/**
	 * An emitted operator that would take two float types is refused, naming
	 * both; an own float32 constant meeting a float64 value is written again in
	 * float64 instead.
	 */
	@Test
	void theEmitterRetypesItsOwnConstantsAndRefusesOtherMixtures() {
		GraphProto.Builder g = GraphProto.newBuilder();
		GraphEmitter e = new GraphEmitter(g, new HashMap<>(), 17);
		e.setShape("a", new long[] { 2 });
		e.setType("a", DOUBLE);
		e.setShape("b", new long[] { 2 });
		String sum = e.add("a", e.scalar(1f));
		assertEquals(DOUBLE, e.type(sum));
		String retyped = g.getNode(g.getNodeCount() - 1).getInput(1);
		assertTrue(g.getInitializerList().stream().anyMatch(t -> t.getName().equals(
			retyped) && t.getDataType() == DOUBLE));
		GanException x = assertThrows(GanException.class, () -> e.mul("a", "b"));
		assertEquals("cannot combine a float64 value with a float32 one in Mul", x
			.getMessage());
	}
}
