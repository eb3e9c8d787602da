
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrInts;
import static org.fijigan.testing.OnnxModels.attrString;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;

/**
 * Conv and ConvTranspose gradients against finite differences; weights are
 * graph inputs.
 */
class ConvRulesTest {

	/** y = Conv(x, w, b) with the given attributes, checked for x, w and b. */
	private static void checkConv(long opset, long[] x, long[] w, String y,
		AttributeProto... a) throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", dims(x))
			.input("w", dims(w)).input("b", String.valueOf(w[0])).node("Conv",
				"x,w,b", "y", a).output("y", y)).input("x", 1, x).input("w", 2, w)
			.input("b", 3, w[0]).check("x", "w", "b");
	}

	@Test
	void stride1Pad1() throws Exception {
		checkConv(17, new long[] { 2, 3, 7, 6 }, new long[] { 4, 3, 3, 3 },
			"2,4,7,6", attrInts("pads", 1, 1, 1, 1));
	}

	@Test
	void stride2Dilation2AsymmetricPadsAtOpset9() throws Exception {
		// (11 + 1 + 2 - 5) / 2 + 1 = 5 rows; (9 + 0 + 1 - 5) / 2 + 1 = 3 columns;
		// the last input row
		// and column are read by no window
		checkConv(9, new long[] { 2, 3, 11, 9 }, new long[] { 4, 3, 3, 3 },
			"2,4,5,3", attrInts("strides", 2, 2), attrInts("dilations", 2, 2),
			attrInts("pads", 1, 0, 2, 1));
	}

	@Test
	void stride2LeavesUnreadRowsAtOpset9And13() throws Exception {
		// dX needs output_padding; dW's batch-as-channel Conv yields 4 rows, sliced
		// to 3 (Slice takes
		// attributes at opset 9, inputs from 10)
		for (long opset : new long[] { 9, 13 })
			checkConv(opset, new long[] { 1, 2, 8, 7 }, new long[] { 3, 2, 3, 2 },
				"1,3,3,2", attrInts("strides", 2, 3));
	}

	@Test
	void twoGroupsStride2() throws Exception {
		checkConv(17, new long[] { 2, 4, 7, 7 }, new long[] { 6, 2, 3, 3 },
			"2,6,4,4", attrInts("strides", 2, 2), attrInts("pads", 1, 1, 1, 1),
			attrInt("group", 2));
	}

	@Test
	void depthwiseWithChannelMultiplier() throws Exception {
		checkConv(11, new long[] { 2, 3, 6, 6 }, new long[] { 6, 1, 3, 3 },
			"2,6,6,6", attrInts("pads", 1, 1, 1, 1), attrInt("group", 3));
	}

	@Test
	void autoPadSameUpperSameLowerValid() throws Exception {
		for (String mode : new String[] { "SAME_UPPER", "SAME_LOWER" })
			checkConv(17, new long[] { 1, 2, 7, 6 }, new long[] { 3, 2, 4, 3 },
				"1,3,4,3", attrString("auto_pad", mode), attrInts("strides", 2, 2));
		checkConv(17, new long[] { 1, 2, 7, 6 }, new long[] { 3, 2, 3, 3 },
			"1,3,5,4", attrString("auto_pad", "VALID"));
	}

	@Test
	void oneDimensional() throws Exception {
		checkConv(17, new long[] { 2, 3, 10 }, new long[] { 4, 3, 3 }, "2,4,5",
			attrInts("strides", 2), attrInts("pads", 1, 0));
	}

	@Test
	void computedWeights() throws Exception {
		// w = v * v, so dL/dv = 2 v dL/dw: the weight is a graph value, not an
		// initializer
		GradientCheck.of(OnnxModels.builder().input("x", "1,2,5,5").input("v",
			"3,2,3,3").node("Mul", "v,v", "w").node("Conv", "x,w", "y", attrInts(
				"pads", 1, 1, 1, 1)).output("y", "1,3,5,5")).input("x", 4, 1, 2, 5, 5)
			.input("v", 5, 3, 2, 3, 3).check("x", "v");
	}

	/** y = ConvTranspose(x, w, b), checked for x, w and b. */
	private static void checkConvTranspose(long opset, long[] x, long[] w,
		long group, String y, AttributeProto... a) throws Exception
	{
		long cout = w[1] * group;
		AttributeProto[] all = java.util.Arrays.copyOf(a, a.length + 1);
		all[a.length] = attrInt("group", group);
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", dims(x))
			.input("w", dims(w)).input("b", String.valueOf(cout)).node(
				"ConvTranspose", "x,w,b", "y", all).output("y", y)).input("x", 6, x)
			.input("w", 7, w).input("b", 8, cout).check("x", "w", "b");
	}

	@Test
	void convTransposeStride2OutputPadding() throws Exception {
		// (5 - 1) * 2 - 2 + 3 + 1 = 10, (4 - 1) * 2 - 2 + 3 + 1 = 8
		checkConvTranspose(17, new long[] { 2, 4, 5, 4 }, new long[] { 4, 3, 3, 3 },
			1, "2,3,10,8", attrInts("strides", 2, 2), attrInts("pads", 1, 1, 1, 1),
			attrInts("output_padding", 1, 1));
	}

	@Test
	void convTransposeGroupsDilationAsymmetricPadsAtOpset9() throws Exception {
		// (4 - 1) * 2 + 2 * 2 + 1 - 1 - 0 = 10; (5 - 1) * 1 + 2 * 2 + 1 - 0 - 2 = 7
		checkConvTranspose(9, new long[] { 1, 4, 4, 5 }, new long[] { 4, 2, 3, 3 },
			2, "1,4,10,7", attrInts("strides", 2, 1), attrInts("dilations", 2, 2),
			attrInts("pads", 1, 0, 0, 2));
	}

	@Test
	void convTransposeOutputShapeAndAutoPad() throws Exception {
		checkConvTranspose(17, new long[] { 1, 2, 3, 4 }, new long[] { 2, 2, 3, 3 },
			1, "1,2,6,8", attrInts("strides", 2, 2), attrInts("output_shape", 6, 8));
		for (String mode : new String[] { "SAME_UPPER", "SAME_LOWER" })
			checkConvTranspose(11, new long[] { 1, 2, 3, 4 }, new long[] { 2, 2, 4,
				3 }, 1, "1,2,6,8", attrInts("strides", 2, 2), attrString("auto_pad",
					mode));
	}

	@Test
	void convTransposeOneDimensionalDepthwise() throws Exception {
		checkConvTranspose(13, new long[] { 2, 3, 6 }, new long[] { 3, 1, 4 }, 3,
			"2,3,12", attrInts("strides", 2), attrInts("pads", 1, 1));
	}

	@Test
	void generatorBlockComposes() throws Exception {
		// reflect Pad -> Conv -> InstanceNorm -> ConvTranspose (x2) -> linear
		// Resize (x2) -> Conv ->
		// DepthToSpace: every rule of this package in one chain, weights as graph
		// inputs
		GradientCheck.of(OnnxModels.builder().opset(17).input("x", "1,2,5,4").input(
			"w1", "4,2,3,3").input("s", "4").input("b", "4").input("w2", "4,3,2,2")
			.input("w3", "8,3,3,3").initializer("pads", new long[] { 0, 0, 1, 1, 0, 0,
				1, 1 }, 8).initializer("scales", new float[] { 1, 1, 2, 2 }, 4).node(
					"Pad", "x,pads", "p", attrString("mode", "reflect")).node("Conv",
						"p,w1", "c1").node("InstanceNormalization", "c1,s,b", "n1").node(
							"ConvTranspose", "n1,w2", "t1", attrInts("strides", 2, 2)).node(
								"Resize", "t1,,scales", "r1", attrString("mode", "linear"))
			.node("Conv", "r1,w3", "c2", attrInts("pads", 1, 1, 1, 1)).node(
				"DepthToSpace", "c2", "y", attrInt("blocksize", 2)).output("y",
					"1,2,40,32")).input("x", 9, 1, 2, 5, 4).input("w1", 10, 4, 2, 3, 3)
			.input("s", 11, 4).input("b", 12, 4).input("w2", 13, 4, 3, 2, 2).input(
				"w3", 14, 8, 3, 3, 3).check("x", "w1", "s", "b", "w2", "w3");
	}

	static String dims(long[] shape) {
		StringBuilder b = new StringBuilder();
		for (long d : shape)
			b.append(b.length() == 0 ? "" : ",").append(d);
		return b.toString();
	}
}
