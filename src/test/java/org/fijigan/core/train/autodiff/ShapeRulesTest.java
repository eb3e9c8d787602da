
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrInts;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShapeRulesTest {

	private static final long MAX = Long.MAX_VALUE, MIN = Long.MIN_VALUE;

	@Test
	void reduceSumAndReduceMeanAcrossTheirForms() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(11).input("x", "2,3,4").node(
			"ReduceSum", "x", "s", attrInts("axes", 1), attrInt("keepdims", 0)).node(
				"ReduceMean", "x", "m", attrInts("axes", -2)).node("Mul", "s,m", "y")
			.output("y", "2,2,4")).input("x", 1, 2, 3, 4).check("x");
		GradientCheck.of(OnnxModels.builder().opset(18).input("x", "2,3,4")
			.initializer("ax", new long[] { 0, 2 }, 2).node("ReduceSum", "x,ax", "s")
			.node("ReduceMean", "x,ax", "m").node("Mul", "s,m", "y").output("y",
				"1,3,1")).input("x", 2, 2, 3, 4).check("x");
	}

	@ParameterizedTest
	@CsvSource({ "9,'2,1,3','4,3,6'", "13,'1,1,1','2,3,2'",
		"17,'3,2,1','6,6,2'" })
	void tileAddsUpTheGradientOfEveryCopy(long opset, String repeats, String out)
		throws Exception
	{
		long[] r = java.util.Arrays.stream(repeats.split(",")).mapToLong(
			Long::parseLong).toArray();
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", "2,3,2")
			.constant("repeats", r, 3).node("Tile", "x,repeats", "y").output("y",
				out)).input("x", 31, 2, 3, 2).check("x");
	}

	@Test
	void reshapeWithZeroAndMinusOne() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "2,3,4").constant("shape",
			new long[] { 0, -1 }, 2).node("Reshape", "x,shape", "r").node("Mul",
				"r,r", "y").output("y", "2,12")).input("x", 3, 2, 3, 4).check("x");
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 1, 2, -1 })
	void flattenAtEachAxis(long axis) throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(axis < 0 ? 11 : 9).input("x",
			"2,3,4").node("Flatten", "x", "f", attrInt("axis", axis)).node("Mul",
				"f,f", "y").output("y", "?,?")).input("x", 4, 2, 3, 4).check("x");
	}

	@Test
	void transposeWithAPermutationAndByDefault() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "2,3,4").input("w",
			"3,4,2").node("Transpose", "x", "t", attrInts("perm", 1, 2, 0)).node(
				"Transpose", "x", "r").node("Mul", "t,w", "p").node("Transpose", "r",
					"q", attrInts("perm", 1, 0, 2)).node("Mul", "p,q", "y").output("y",
						"3,4,2")).input("x", 5, 2, 3, 4).input("w", 555, 3, 4, 2).check(
							"x");
	}

	@ParameterizedTest
	@ValueSource(longs = { 11, 17 })
	void squeezeAndUnsqueezeWithAxesAsAttributeOrInput(long opset)
		throws Exception
	{
		OnnxModels.Builder b = OnnxModels.builder().opset(opset).input("x",
			"2,1,3,1");
		if (opset < 13) b.node("Squeeze", "x", "s", attrInts("axes", 1, -1)).node(
			"Unsqueeze", "s", "u", attrInts("axes", 0, -1));
		else b.initializer("sq", new long[] { 1, -1 }, 2).initializer("uq",
			new long[] { 0, -1 }, 2).node("Squeeze", "x,sq", "s").node("Unsqueeze",
				"s,uq", "u");
		// and Squeeze without axes: every axis of size 1
		GradientCheck.of(b.node("Squeeze", "x", "all").node("Mul", "all,all", "sq2")
			.constant("shape", new long[] { 1, 2, 3, 1 }, 4).node("Reshape",
				"sq2,shape", "r").node("Mul", "u,r", "y").output("y", "1,2,3,1")).input(
					"x", 6, 2, 1, 3, 1).check("x");
	}

	@Test
	void expandBroadcastsAndItsGradientSumsBack() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(9).input("x", "3,1").constant(
			"shape", new long[] { 2, 1, 4 }, 3).node("Expand", "x,shape", "y").output(
				"y", "2,3,4")).input("x", 7, 3, 1).check("x");
	}

	@ParameterizedTest
	@ValueSource(longs = { 9, 17 })
	void concatOfThreeAlongPositiveAndNegativeAxes(long opset) throws Exception {
		long axis = opset < 11 ? 1 : -2;
		GradientCheck.of(OnnxModels.builder().opset(opset).input("a", "2,1,3")
			.input("b", "2,4,3").input("c", "2,2,3").node("Concat", "a,b,c", "y",
				attrInt("axis", axis)).output("y", "2,7,3")).input("a", 8, 2, 1, 3)
			.input("b", 888, 2, 4, 3).input("c", 8888, 2, 2, 3).check("a", "b", "c");
	}

	@Test
	void splitWithASplitAttributeAndAnOutputWithoutGradient() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(11).input("x", "2,6,3").node(
			"Split", "x", "s0,s1,s2", attrInt("axis", 1), attrInts("split", 1, 2, 3))
			.node("Concat", "s2,s0", "y", attrInt("axis", 1)).output("y", "2,4,3"))
			.input("x", 9, 2, 6, 3).elements(36).check("x");
		// equal pieces by default, along a negative axis
		GradientCheck.of(OnnxModels.builder().opset(11).input("x", "2,6").node(
			"Split", "x", "s0,s1,s2", attrInt("axis", -1)).node("Mul", "s0,s2", "y")
			.output("y", "2,2")).input("x", 10, 2, 6).check("x");
	}

	@Test
	void splitWithASplitInputFromOpset13() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(13).input("x", "5,2")
			.initializer("sizes", new long[] { 3, 2 }, 2).node("Split", "x,sizes",
				"s0,s1").node("Mul", "s1,s1", "y").output("y", "2,2")).input("x", 11, 5,
					2).check("x");
	}

	@Test
	void splitWithNumOutputsFromOpset18() throws Exception {
		// 7 into 3 pieces: 3, 3, 1
		GradientCheck.of(OnnxModels.builder().opset(18).input("x", "2,7").node(
			"Split", "x", "s0,s1,s2", attrInt("axis", 1), attrInt("num_outputs", 3))
			.node("Concat", "s0,s2", "y", attrInt("axis", 1)).output("y", "2,4"))
			.input("x", 12, 2, 7).check("x");
	}

	@Test
	void sliceWithAttributesBeforeOpset10() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(9).input("x", "3,4,5").node(
			"Slice", "x", "y", attrInts("starts", 1, -4), attrInts("ends", 100, -1),
			attrInts("axes", 0, 2)).output("y", "2,4,3")).input("x", 13, 3, 4, 5)
			.elements(60).check("x");
		// axes left out: the first ones
		GradientCheck.of(OnnxModels.builder().opset(9).input("x", "3,4").node(
			"Slice", "x", "y", attrInts("starts", 0, 1), attrInts("ends", 2, 3)))
			.input("x", 14, 3, 4).elements(12).check("x");
	}

	/**
	 * x [6,7,8]: starts, ends, axes, steps as constant inputs; clamped, negative
	 * and stepped.
	 */
	@ParameterizedTest
	@CsvSource({
		// step 1, negative start, end past the end, axes left out
		"10, '1,-3', '100,-1', '', ''",
		// steps > 1 on two axes, one of which runs to the end
		"11, '0,1', '6,8', '0,2', '2,3'",
		// negative steps: reversal and a stride through the whole axis, INT64
		// bounds
		"11, '-1,5', 'MIN,0', '-1,1', '-1,-2'",
		"17, '4,MAX', '0,MIN', '0,2', '-3,-3'",
		// steps > 1 ending exactly at the end, and an axis that keeps everything
		"17, '1,0', 'MAX,MAX', '2,1', '2,1'" })
	void sliceWithConstantInputs(long opset, String starts, String ends,
		String axes, String steps) throws Exception
	{
		OnnxModels.Builder b = OnnxModels.builder().opset(opset).input("x", "6,7,8")
			.initializer("st", longs(starts), count(starts)).initializer("en", longs(
				ends), count(ends));
		String inputs = "x,st,en";
		if (!axes.isEmpty()) {
			b.constant("ax", longs(axes), count(axes));
			inputs += ",ax";
		}
		if (!steps.isEmpty()) {
			b.initializer("sp", longs(steps), count(steps));
			inputs += (axes.isEmpty() ? ",," : ",") + "sp";
		}
		GradientCheck.of(b.node("Slice", inputs, "s").node("Mul", "s,s", "y")
			.output("y", "?,?,?")).input("x", 15, 6, 7, 8).elements(336).check("x");
	}

	@Test
	void sliceWithNonConstantBoundsIsRefused() {
		GanException e = assertThrows(GanException.class, () -> GradientCheck.of(
			OnnxModels.builder().input("x", "4,5").input("st", OnnxModels.INT64, "1")
				.initializer("en", new long[] { 3 }, 1).node("Slice", "x,st,en", "y")
				.output("y", "?,5")).input("x", 16, 4, 5).longInput("st", new long[] {
					1 }, 1).check("x"));
		assertTrue(e.getMessage().contains("Slice (node 'Slice_0')") && e
			.getMessage().contains("constant"), e.getMessage());
	}

	@ParameterizedTest
	@ValueSource(longs = { 9, 13 })
	void gatherOfEmbeddingsWithRepeatedIndices(long opset) throws Exception {
		long[] indices = opset < 11 ? new long[] { 0, 4, 2, 4, 1, 4 } : new long[] {
			0, -1, 2, 4, 1, -1 };
		GradientCheck.of(OnnxModels.builder().opset(opset).input("table", "5,3")
			.input("idx", OnnxModels.INT64, "2,3").node("Gather", "table,idx", "y")
			.output("y", "2,3,3")).input("table", 17, 5, 3).longInput("idx", indices,
				2, 3).check("table");
	}

	@Test
	void gatherAlongAMiddleAxisAndWithAScalarIndex() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "2,5,3").input("idx",
			OnnxModels.INT64, "4").node("Gather", "x,idx", "y", attrInt("axis", 1))
			.output("y", "2,4,3")).input("x", 18, 2, 5, 3).longInput("idx",
				new long[] { 3, 0, 3, -5 }, 4).elements(30).check("x");
		GradientCheck.of(OnnxModels.builder().input("x", "2,5,3").initializer("idx",
			new long[] { 2 }).node("Gather", "x,idx", "y", attrInt("axis", -1))
			.output("y", "2,5")).input("x", 19, 2, 5, 3).elements(30).check("x");
	}

	@Test
	void aChainOfInputFormsAtOpset21() throws Exception {
		OnnxModels.Builder b = OnnxModels.builder().opset(21).input("x", "2,6,4");
		b.initializer("st", new long[] { 3 }, 1).initializer("en", new long[] {
			MIN }, 1);
		b.initializer("ax", new long[] { 2 }, 1).initializer("sp", new long[] {
			-2 }, 1);
		b.initializer("zero", new long[] { 0 }, 1);
		b.initializer("lo", new float[] { -0.5f }).initializer("hi", new float[] {
			0.5f });
		b.node("Split", "x", "a,b", attrInt("axis", 1), attrInt("num_outputs", 2));
		b.node("Slice", "a,st,en,ax,sp", "s").node("Unsqueeze", "s,zero", "u").node(
			"Squeeze", "u,zero", "q");
		b.node("Clip", "b,lo,hi", "c").node("ReduceSum", "c,ax", "r").node("Mul",
			"q,r", "y");
		GradientCheck.of(b.output("y", "2,3,2")).inputAvoiding("x", 20, -1, 1,
			new float[] { -0.5f, 0.5f }, 2, 6, 4).elements(48).check("x");
	}

	private static long[] longs(String csv) {
		return java.util.Arrays.stream(csv.split(",")).mapToLong(s -> s.equals(
			"MAX") ? MAX : s.equals("MIN") ? MIN : Long.parseLong(s)).toArray();
	}

	private static long count(String csv) {
		return csv.split(",").length;
	}
}
