
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrInts;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;

/**
 * Finite-difference checks of the fast Conv gradient paths: the weight gradient
 * by kernel-offset slices and the input gradient as a flipped Conv, with their
 * fallbacks.
 */
class ConvRulesFastPathTest {

	private static void checkConv(long opset, long[] x, long[] w, String y,
		AttributeProto... a) throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", ConvRulesTest
			.dims(x)).input("w", ConvRulesTest.dims(w)).input("b", String.valueOf(
				w[0])).node("Conv", "x,w,b", "y", a).output("y", y)).input("x", 21, x)
			.input("w", 22, w).input("b", 23, w[0]).check("x", "w", "b");
	}

	@Test
	void flippedPad1() throws Exception {
		checkConv(17, new long[] { 2, 4, 7, 6 }, new long[] { 3, 4, 3, 3 },
			"2,3,7,6", attrInts("pads", 1, 1, 1, 1));
	}

	@Test
	void flippedDilationAsymmetric() throws Exception {
		checkConv(17, new long[] { 2, 4, 11, 9 }, new long[] { 3, 4, 3, 3 },
			"2,3,10,6", attrInts("dilations", 2, 2), attrInts("pads", 1, 0, 2, 1));
	}

	@Test
	void stride2Dilation2() throws Exception {
		checkConv(17, new long[] { 2, 3, 11, 9 }, new long[] { 4, 3, 3, 3 },
			"2,4,5,3", attrInts("strides", 2, 2), attrInts("dilations", 2, 2),
			attrInts("pads", 1, 0, 2, 1));
	}

	@Test
	void stride3x2Unread() throws Exception {
		checkConv(13, new long[] { 1, 2, 8, 7 }, new long[] { 2, 2, 3, 2 },
			"1,2,2,3", attrInts("strides", 3, 2));
	}

	@Test
	void threeD() throws Exception {
		checkConv(13, new long[] { 1, 3, 5, 4, 4 }, new long[] { 2, 3, 3, 3, 3 },
			"1,2,5,4,4", attrInts("pads", 1, 1, 1, 1, 1, 1));
	}

	@Test
	void oneDHeadPad() throws Exception {
		checkConv(11, new long[] { 2, 4, 10 }, new long[] { 2, 4, 3 }, "2,2,10",
			attrInts("pads", 2, 0));
	}

	@Test
	void padLargerThanKernel() throws Exception {
		checkConv(17, new long[] { 1, 3, 5, 5 }, new long[] { 2, 3, 3, 3 },
			"1,2,9,9", attrInts("pads", 3, 3, 3, 3));
	}

	@Test
	void opset9() throws Exception {
		checkConv(9, new long[] { 2, 4, 6, 5 }, new long[] { 3, 4, 3, 3 },
			"2,3,6,5", attrInts("pads", 1, 1, 1, 1));
	}

	@Test
	void opset9Stride2() throws Exception {
		checkConv(9, new long[] { 2, 4, 6, 5 }, new long[] { 3, 4, 3, 3 },
			"2,3,3,3", attrInts("pads", 1, 1, 1, 1), attrInts("strides", 2, 2));
	}

	@Test
	void convTransposeStrideDilation() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(17).input("x", "1,3,4,5").input(
			"w", "3,2,3,3").input("b", "2").node("ConvTranspose", "x,w,b", "y",
				attrInts("strides", 2, 2), attrInts("dilations", 2, 2), attrInts("pads",
					1, 0, 0, 2), attrInt("group", 1)).output("y", "1,2,10,11")).input("x",
						24, 1, 3, 4, 5).input("w", 25, 3, 2, 3, 3).input("b", 26, 2).check(
							"x", "w", "b");
	}

	@Test
	void computedWeightsFlipped() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "1,3,5,5").input("v",
			"2,3,3,3").node("Mul", "v,v", "w").node("Conv", "x,w", "y", attrInts(
				"pads", 1, 1, 1, 1)).output("y", "1,2,5,5")).input("x", 27, 1, 3, 5, 5)
			.input("v", 28, 2, 3, 3, 3).check("x", "v");
	}
}
