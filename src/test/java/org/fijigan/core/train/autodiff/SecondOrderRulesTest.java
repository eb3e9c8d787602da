
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrFloat;
import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrInts;
import static org.fijigan.testing.OnnxModels.attrString;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Second derivatives: each graph's backward pass (with respect to its input
 * {@code x}) is differentiated again and checked against finite differences of
 * that backward pass ({@link GradientCheck#secondOrder}). The graphs are the
 * operators a discriminator's backward pass is made of - Conv's dX as a
 * ConvTranspose (stride 2) or a Conv with the flipped kernel (stride 1),
 * grouped, LeakyRelu and Relu as a Where on a comparison mask, the mean and
 * class projection of a DCGAN head (ReduceMean, Gather, Mul, ReduceSum, Expand)
 * - and those of typical generator exports (ConvTranspose,
 * InstanceNormalization with its Reciprocal, reflect Pad with its Gather,
 * MaxPool). A smooth activation (Tanh) follows a linear operator so that its
 * backward pass depends on the input and on the weights, and the second
 * derivative is not trivially zero.
 */
class SecondOrderRulesTest {

	private static final float[] ZERO = { 0f };

	@Test
	void strideTwoConvBackwardIsAConvTranspose() throws Exception {
		GradientCheck.secondOrder(OnnxModels.builder().input("x", "2,2,8,8").input(
			"w", "3,2,4,4").input("b", "3").node("Conv", "x,w,b", "c", attrInts(
				"kernel_shape", 4, 4), attrInts("strides", 2, 2), attrInts("pads", 1, 1,
					1, 1)).node("Tanh", "c", "y").output("y", "2,3,4,4"), "x").input("x",
						1, 2, 2, 8, 8).input("w", 2, -0.5f, 0.5f, 3, 2, 4, 4).input("b", 3,
							3).check("x", "w", "b");
	}

	@Test
	void strideOneConvBackwardIsAConvWithTheFlippedKernel() throws Exception {
		// Cout <= Cin and stride 1: dX = Conv(dY, transposed kernel flipped by a
		// negative-step Slice)
		GradientCheck.secondOrder(OnnxModels.builder().input("x", "2,3,6,6").input(
			"w", "2,3,3,3").node("Conv", "x,w", "c", attrInts("kernel_shape", 3, 3),
				attrInts("pads", 1, 1, 1, 1)).node("Tanh", "c", "y").output("y",
					"2,2,6,6"), "x").input("x", 4, 2, 3, 6, 6).input("w", 5, -0.5f, 0.5f,
						2, 3, 3, 3).check("x", "w");
	}

	@Test
	void groupedStridedConv() throws Exception {
		GradientCheck.secondOrder(OnnxModels.builder().input("x", "2,4,7,7").input(
			"w", "4,2,3,3").node("Conv", "x,w", "c", attrInts("kernel_shape", 3, 3),
				attrInts("strides", 2, 2), attrInts("pads", 1, 1, 1, 1), attrInt(
					"group", 2)).node("Tanh", "c", "y").output("y", "2,4,4,4"), "x")
			.input("x", 6, 2, 4, 7, 7).input("w", 7, -0.6f, 0.6f, 4, 2, 3, 3).check(
				"x", "w");
	}

	@Test
	void convTransposeBackwardIsAConv() throws Exception {
		GradientCheck.secondOrder(OnnxModels.builder().input("x", "2,3,4,4").input(
			"w", "3,2,4,4").node("ConvTranspose", "x,w", "c", attrInts("kernel_shape",
				4, 4), attrInts("strides", 2, 2), attrInts("pads", 1, 1, 1, 1)).node(
					"Tanh", "c", "y").output("y", "2,2,8,8"), "x").input("x", 8, 2, 3, 4,
						4).input("w", 9, -0.5f, 0.5f, 3, 2, 4, 4).check("x", "w");
	}

	@Test
	void leakyReluAndReluMasksAreConstants() throws Exception {
		// y = tanh(act(x w)): the backward pass is Where(x w > 0, g, alpha g) w
		// with g = R (1 - y^2),
		// so the Where's data inputs depend on x and w and its rule is needed
		// again; the mask is a
		// constant. |x| and |w| >= 0.05 keep x w away from the kink.
		float[] kink = ZERO;
		for (String op : new String[] { "LeakyRelu", "Relu" })
			GradientCheck.secondOrder(OnnxModels.builder().input("x", "2,3,4").input(
				"w", "3,1").node("Mul", "x,w", "u").node(op, "u", "a", op.equals("Relu")
					? new ai.onnx.proto.OnnxMl.AttributeProto[0]
					: new ai.onnx.proto.OnnxMl.AttributeProto[] { attrFloat("alpha",
						0.2f) }).node("Tanh", "a", "y").output("y", "2,3,4"), "x")
				.inputAvoiding("x", 10, -1, 1, kink, 2, 3, 4).inputAvoiding("w", 11, -1,
					1, kink, 3, 1).step(1e-3).check("x", "w");
	}

	@Test
	void whereWithBroadcastingSecondOrder() throws Exception {
		GradientCheck.secondOrder(OnnxModels.builder().input("c", "2,1,4").input(
			"a", "2,3,4").input("b", "4").node("Greater", "c,b", "mask").node("Mul",
				"a,a", "a2").node("Mul", "b,a", "ab").node("Where", "mask,a2,ab", "t")
			.node("Tanh", "t", "y").output("y", "2,3,4"), "a").inputAvoiding("c", 12,
				-1, 1, ZERO, 2, 1, 4).input("a", 13, 2, 3, 4).inputAvoiding("b", 14,
					-0.5f, 0.5f, ZERO, 4).check("a", "b");
	}

	@Test
	void dcganHeadWithClassProjection() throws Exception {
		// logit = mean(h) + <E[label], mean_hw(h)>, h = tanh(x)
		GradientCheck.secondOrder(OnnxModels.builder().input("x", "2,3,4,4").input(
			"E", "5,3").input("label", OnnxModels.INT64, "2").node("Tanh", "x", "h")
			.node("ReduceMean", "h", "mean", attrInts("axes", 1, 2, 3), attrInt(
				"keepdims", 0)).node("ReduceMean", "h", "features", attrInts("axes", 2,
					3), attrInt("keepdims", 0)).node("Gather", "E,label", "embedded",
						attrInt("axis", 0)).node("Mul", "embedded,features", "p").constant(
							"one", new long[] { 1 }, 1).node("ReduceSum", "p,one", "dot",
								attrInt("keepdims", 0)).node("Add", "mean,dot", "y").output("y",
									"2"), "x").input("x", 15, 2, 3, 4, 4).input("E", 16, 5, 3)
			.longInput("label", new long[] { 4, 1 }, 2).check("x", "E");
	}

	@Test
	void instanceNormalizationAndReciprocal() throws Exception {
		GradientCheck.secondOrder(OnnxModels.builder().input("x", "2,3,4,4").input(
			"s", "3").input("b", "3").node("InstanceNormalization", "x,s,b", "n")
			.node("Tanh", "n", "y").output("y", "2,3,4,4"), "x").input("x", 17, 2, 3,
				4, 4).input("s", 18, 0.5f, 1.5f, 3).input("b", 19, 3).tolerance(5e-3,
					3e-2).check("x", "s", "b");
		GradientCheck.secondOrder(OnnxModels.builder().input("x", "2,3").node(
			"Reciprocal", "x", "y").output("y", "2,3"), "x").input("x", 20, 0.5f, 2,
				2, 3).check("x");
	}

	@Test
	void reflectPadAndMaxPool() throws Exception {
		GradientCheck.secondOrder(OnnxModels.builder().input("x", "1,2,5,5").input(
			"w", "2,1,1,1").node("Mul", "x,w", "u").constant("pads", new long[] { 0,
				0, 1, 2, 0, 0, 2, 1 }, 8).node("Pad", "u,pads", "p", attrString("mode",
					"reflect")).node("Tanh", "p", "t").node("MaxPool", "t", "m", attrInts(
						"kernel_shape", 2, 2), attrInts("strides", 2, 2)).node("Tanh", "m",
							"y").output("y", "1,2,4,4"), "x").input("x", 21, 1, 2, 5, 5)
			.input("w", 22, 0.5f, 1.5f, 2, 1, 1, 1).step(1e-3).check("x", "w");
	}

	/**
	 * The activations PyTorch exports besides Relu and Tanh, kept 0.05 from their
	 * kinks: their backward passes are made of operators with rules (Erf's of
	 * Exp, Gelu's of Erf or Tanh, Mish's of Softplus, Tanh and Sigmoid).
	 */
	@ParameterizedTest
	@CsvSource({ "Erf,17,''", "Gelu,20,none", "Gelu,20,tanh", "Mish,18,''",
		"Softsign,17,''", "Selu,17,''", "HardSwish,17,''", "HardSigmoid,17,''" })
	void activations(String op, long opset, String approximate) throws Exception {
		OnnxModels.Builder b = OnnxModels.builder().opset(opset).input("x", "3,4");
		if (approximate.isEmpty()) b.node(op, "x", "y");
		else b.node(op, "x", "y", attrString("approximate", approximate));
		GradientCheck.secondOrder(b.output("y", "3,4"), "x").inputAvoiding("x", 23,
			-4, 4, new float[] { -3, -2.5f, 0, 2.5f, 3 }, 3, 4).check("x");
	}

	@Test
	void layerAndGroupNormalization() throws Exception {
		GradientCheck.secondOrder(OnnxModels.builder().opset(17).input("x", "2,3,4")
			.input("s", "4").input("b", "4").node("LayerNormalization", "x,s,b", "n")
			.node("Tanh", "n", "y").output("y", "2,3,4"), "x").input("x", 24, 2, 3, 4)
			.input("s", 25, 0.5f, 1.5f, 4).input("b", 26, 4).tolerance(5e-3, 3e-2)
			.check("x", "s", "b");
		GradientCheck.secondOrder(OnnxModels.builder().opset(21).input("x", "2,4,3")
			.input("s", "4").input("b", "4").node("GroupNormalization", "x,s,b", "n",
				attrInt("num_groups", 2)).node("Tanh", "n", "y").output("y", "2,4,3"),
			"x").input("x", 27, 2, 4, 3).input("s", 28, 0.5f, 1.5f, 4).input("b", 29,
				4).tolerance(5e-3, 3e-2).check("x", "s", "b");
	}

	@Test
	void attentionWithEinsumAndSoftmax() throws Exception {
		// softmax(q k^T) v with the products as Einsum, as attention exports
		GradientCheck.secondOrder(OnnxModels.builder().opset(13).input("x", "2,3,4")
			.input("wq", "4,4").input("v", "2,3,4").node("Einsum", "x,wq", "q",
				attrString("equation", "bid,de->bie")).node("Einsum", "q,x", "s",
					attrString("equation", "bie,bje->bij")).node("Softmax", "s", "p")
			.node("Einsum", "p,v", "y", attrString("equation", "bij,bjd->bid"))
			.output("y", "2,3,4"), "x").input("x", 30, 2, 3, 4).input("wq", 31, 4, 4)
			.input("v", 32, 2, 3, 4).check("x", "wq", "v");
	}

	@Test
	void logSoftmaxReduceL2ReduceMaxAndTile() throws Exception {
		GradientCheck.secondOrder(OnnxModels.builder().opset(13).input("x", "2,3")
			.node("LogSoftmax", "x", "l").node("Tanh", "l", "y").output("y", "2,3"),
			"x").input("x", 33, 2, 3).check("x");
		// weight normalisation: w / ||w|| over the input axes
		GradientCheck.secondOrder(OnnxModels.builder().opset(13).input("x", "3,4")
			.node("ReduceL2", "x", "norm", attrInts("axes", 1)).node("Div", "x,norm",
				"y").output("y", "3,4"), "x").input("x", 34, 0.2f, 1f, 3, 4).check("x");
		float[] distinct = { 0.1f, 0.9f, 0.5f, -0.3f, 0.7f, -0.8f };
		GradientCheck.secondOrder(OnnxModels.builder().opset(13).input("x", "2,3")
			.node("Mul", "x,x", "sq").node("ReduceMax", "sq", "m", attrInts("axes",
				1)).constant("repeats", new long[] { 1, 2 }, 2).node("Tile",
					"m,repeats", "t").node("Tanh", "t", "y").output("y", "2,2"), "x")
			.input("x", distinct, 2, 3).check("x");
	}
}
