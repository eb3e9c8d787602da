
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrInts;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ai.onnx.proto.OnnxMl.AttributeProto;

/**
 * Softmax, LogSoftmax, ReduceL2, ReduceMax and ReduceMin against finite
 * differences at the opsets where their axes change form, and the even split of
 * ReduceMax's gradient between ties against its closed form.
 */
class ReductionRulesTest {

	private static AttributeProto[] axis(String axis) {
		return axis.isEmpty() ? new AttributeProto[0] : new AttributeProto[] {
			attrInt("axis", Long.parseLong(axis)) };
	}

	/**
	 * Before opset 13 the default axis is 1 and the rows are everything from the
	 * axis on; from 13 the default is -1 and only that axis is normalised.
	 */
	@ParameterizedTest
	@CsvSource({ "Softmax,11,''", "Softmax,11,2", "Softmax,13,''", "Softmax,13,1",
		"Softmax,17,-3", "LogSoftmax,11,''", "LogSoftmax,11,-1", "LogSoftmax,13,''",
		"LogSoftmax,13,1" })
	void softmaxAndLogSoftmaxAlongTheirAxes(String op, long opset, String axis)
		throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", "2,3,4").node(
			op, "x", "y", axis(axis)).output("y", "2,3,4")).input("x", 1, -2f, 2f, 2,
				3, 4).check("x");
	}

	@Test
	void softmaxInAnAttentionBlock() throws Exception {
		// softmax(q k^T / 2) v, as SwinIR and Restormer export it at opset 17
		GradientCheck.of(OnnxModels.builder().input("q", "2,5,4").input("k",
			"2,4,5").input("v", "2,5,3").node("MatMul", "q,k", "s").initializer("h",
				new float[] { 2 }).node("Div", "s,h", "scaled").node("Softmax",
					"scaled", "p", attrInt("axis", -1)).node("MatMul", "p,v", "y").output(
						"y", "2,5,3")).input("q", 2, 2, 5, 4).input("k", 3, 2, 4, 5).input(
							"v", 4, 2, 5, 3).check("q", "k", "v");
	}

	private static void reduce(String op, long opset, String out, long[] axes,
		long keepdims, long seed) throws Exception
	{
		OnnxModels.Builder b = OnnxModels.builder().opset(opset).input("x",
			"2,3,4");
		AttributeProto keep = attrInt("keepdims", keepdims);
		if (axes == null) b.node(op, "x", "y", keep);
		else if (opset < 18) b.node(op, "x", "y", attrInts("axes", axes), keep);
		else b.constant("axes", axes, axes.length).node(op, "x,axes", "y", keep);
		b.output("y", out);
		// all positive, then signs mixed
		GradientCheck.of(b).input("x", spaced(seed, 0.2f), 2, 3, 4).check("x");
		GradientCheck.of(b).input("x", spaced(seed, -0.96f), 2, 3, 4).check("x");
	}

	/**
	 * 24 values from {@code lowest} in steps of 0.08, in seeded order: no two
	 * closer than 0.08, so a step of 0.01 never changes which is the largest.
	 */
	private static float[] spaced(long seed, float lowest) {
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < 24; i++)
			order.add(i);
		Collections.shuffle(order, new Random(seed));
		float[] v = new float[24];
		for (int i = 0; i < 24; i++)
			v[i] = lowest + 0.08f * order.get(i);
		return v;
	}

	@ParameterizedTest
	@CsvSource({ "ReduceL2", "ReduceMax", "ReduceMin" })
	void reductionsWithAxesAsAttributeBefore18AndAsInputFrom18(String op)
		throws Exception
	{
		reduce(op, 13, "2,1,4", new long[] { 1 }, 1, 5);
		reduce(op, 17, "2", new long[] { -1, 1 }, 0, 6);
		reduce(op, 18, "3", new long[] { 0, 2 }, 0, 7);
		reduce(op, 18, "1,1,1", null, 1, 8);
		reduce(op, 11, "", null, 0, 9);
	}

	@Test
	void reduceL2OfZerosHasAZeroGradient() throws Exception {
		float[] x = new float[8];
		x[5] = 0.5f;
		float[] got = GradientCheck.of(OnnxModels.builder().input("x", "2,4").node(
			"ReduceL2", "x", "y", attrInts("axes", 1), attrInt("keepdims", 0)).output(
				"y", "2")).input("x", x, 2, 4).gradients("x").get("x");
		float[] r = GradientCheck.lossWeights(2);
		for (int i = 0; i < 8; i++)
			assertEquals(i == 5 ? r[1] : 0, got[i], 1e-6, "element " + i);
	}

	@Test
	void reduceMaxSplitsTheGradientEvenlyBetweenTies() throws Exception {
		// rows: a tie of two, a tie of three, no tie; as PyTorch's amax
		float[] x = { 1, 3, 3, 2, 2, 2, -1, 0, 4 };
		float[] got = GradientCheck.of(OnnxModels.builder().opset(18).input("x",
			"3,3").constant("axes", new long[] { 1 }, 1).node("ReduceMax", "x,axes",
				"y", attrInt("keepdims", 0)).output("y", "3")).input("x", x, 3, 3)
			.gradients("x").get("x");
		float[] r = GradientCheck.lossWeights(3);
		float[] expected = { 0, r[0] / 2, r[0] / 2, r[1] / 3, r[1] / 3, r[1] / 3, 0,
			0, r[2] };
		for (int i = 0; i < x.length; i++)
			assertEquals(expected[i], got[i], 1e-6, "element " + i);
	}

	/**
	 * With {@code noop_with_empty_axes} and no axes, ONNX Runtime's ReduceMax
	 * returns x and its ReduceL2 |x|.
	 */
	@Test
	void reductionsOverNoAxesWithNoop() throws Exception {
		for (String op : new String[] { "ReduceMax", "ReduceL2" })
			GradientCheck.of(OnnxModels.builder().opset(18).input("x", "2,3").node(op,
				"x", "y", attrInt("noop_with_empty_axes", 1)).output("y", "2,3"))
				.inputAvoiding("x", 10, -1, 1, new float[] { 0 }, 2, 3).check("x");
	}
}
