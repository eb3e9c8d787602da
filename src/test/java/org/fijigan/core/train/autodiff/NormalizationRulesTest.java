
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrFloat;
import static org.fijigan.testing.OnnxModels.attrInt;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * BatchNormalization (inference form), InstanceNormalization,
 * LayerNormalization and GroupNormalization against finite differences.
 */
class NormalizationRulesTest {

	private static void batchNorm(long opset, String x, long[] xs,
		AttributeProto... a) throws Exception
	{
		long c = xs[1];
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", x).input(
			"scale", String.valueOf(c)).input("bias", String.valueOf(c)).input("mean",
				String.valueOf(c)).input("var", String.valueOf(c)).node(
					"BatchNormalization", "x,scale,bias,mean,var", "y", a).output("y", x))
			.input("x", 1, xs).input("scale", 2, c).input("bias", 3, c).input("mean",
				4, c).input("var", 5, 0.5f, 1.5f, c).check("x", "scale", "bias", "mean",
					"var");
	}

	@Test
	void batchNormalizationAtOpset9And15() throws Exception {
		batchNorm(9, "2,3,4,5", new long[] { 2, 3, 4, 5 }, attrFloat("epsilon",
			1e-3f));
		batchNorm(15, "2,3,4,5", new long[] { 2, 3, 4, 5 }, attrInt("training_mode",
			0));
		batchNorm(14, "4,3", new long[] { 4, 3 });
		batchNorm(11, "2,3,7", new long[] { 2, 3, 7 });
	}

	@Test
	void batchNormalizationInTrainingModeIsRefused() {
		GanException e = assertThrows(GanException.class, () -> GradientCheck.of(
			OnnxModels.builder().opset(15).input("x", "2,3,4,5").input("scale", "3")
				.initializer("bias", new float[3], 3).initializer("mean", new float[3],
					3).initializer("var", new float[] { 1, 1, 1 }, 3).node(
						"BatchNormalization", "x,scale,bias,mean,var", "y,rm,rv", attrInt(
							"training_mode", 1)).output("y", "2,3,4,5")).input("x", 1, 2, 3,
								4, 5).input("scale", 2, 3).check("scale"));
		assertTrue(e.getMessage().contains(
			"BatchNormalization (node 'BatchNormalization_0')") && e.getMessage()
				.contains("training_mode"), e.getMessage());
	}

	private static void instanceNorm(long opset, String x, long... xs)
		throws Exception
	{
		long c = xs[1];
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", x).input(
			"scale", String.valueOf(c)).input("bias", String.valueOf(c)).node(
				"InstanceNormalization", "x,scale,bias", "y", attrFloat("epsilon",
					1e-4f)).output("y", x)).input("x", 6, xs).input("scale", 7, c).input(
						"bias", 8, c).elements(40).check("x", "scale", "bias");
	}

	@Test
	void instanceNormalizationAtOpset9And18() throws Exception {
		// ReduceMean takes its axes as an attribute before opset 18 and as an input
		// from 18 on
		instanceNorm(9, "2,3,4,5", 2, 3, 4, 5);
		instanceNorm(18, "2,3,4,5", 2, 3, 4, 5);
		instanceNorm(17, "2,2,9", 2, 2, 9);
	}

	private static void layerNorm(String x, long[] xs, String scale, long[] ss,
		String bias, long[] bs, AttributeProto... a) throws Exception
	{
		OnnxModels.Builder b = OnnxModels.builder().opset(17).input("x", x).input(
			"scale", scale);
		if (bias != null) b.input("bias", bias);
		GradientCheck check = GradientCheck.of(b.node("LayerNormalization",
			bias != null ? "x,scale,bias" : "x,scale", "y", a).output("y", x)).input(
				"x", 9, xs).input("scale", 10, 0.5f, 1.5f, ss).elements(40);
		if (bias != null) check.input("bias", 11, bs).check("x", "scale", "bias");
		else check.check("x", "scale");
	}

	@Test
	void layerNormalizationOverTheLastAxisAndFromAGivenAxis() throws Exception {
		// nn.LayerNorm(4) on [2,3,4] at opset 17: axis -1, epsilon 1e-5
		layerNorm("2,3,4", new long[] { 2, 3, 4 }, "4", new long[] { 4 }, "4",
			new long[] { 4 });
		// over the last two axes, a scale of rank 1 broadcast over them, no bias
		layerNorm("2,3,5", new long[] { 2, 3, 5 }, "5", new long[] { 5 }, null,
			null, attrInt("axis", 1), attrFloat("epsilon", 1e-3f));
		// a scale and bias over the normalised axes, a negative axis
		layerNorm("2,2,3,4", new long[] { 2, 2, 3, 4 }, "3,4", new long[] { 3, 4 },
			"1,4", new long[] { 1, 4 }, attrInt("axis", -2));
	}

	@Test
	void layerNormalizationStatisticsOutputsCannotReachTheLoss() {
		GanException e = assertThrows(GanException.class, () -> GradientCheck.of(
			OnnxModels.builder().opset(17).input("x", "2,4").input("scale", "4").node(
				"LayerNormalization", "x,scale", "n,mean", attrInt("axis", 1)).node(
					"Add", "n,mean", "y").output("y", "2,4")).input("x", 12, 2, 4).input(
						"scale", 13, 4).check("x"));
		assertTrue(e.getMessage().contains(
			"LayerNormalization (node 'LayerNormalization_0')") && e.getMessage()
				.contains("Mean output"), e.getMessage());
	}

	private static void groupNorm(long opset, long groups, long affine,
		long... xs) throws Exception
	{
		String x = String.join(",", java.util.Arrays.stream(xs).mapToObj(
			String::valueOf).toList());
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", x).input(
			"scale", String.valueOf(affine)).input("bias", String.valueOf(affine))
			.node("GroupNormalization", "x,scale,bias", "y", attrInt("num_groups",
				groups), attrFloat("epsilon", 1e-4f)).output("y", x)).input("x", 14, xs)
			.input("scale", 15, 0.5f, 1.5f, affine).input("bias", 16, affine)
			.elements(40).check("x", "scale", "bias");
	}

	@Test
	void groupNormalizationScalesPerGroupAtOpset18AndPerChannelFrom21()
		throws Exception
	{
		groupNorm(18, 2, 2, 2, 6, 3, 3);
		groupNorm(21, 2, 6, 2, 6, 3, 3);
		groupNorm(21, 3, 6, 1, 6, 5);
	}

	@Test
	void groupNormalizationWithScaleOfTheOtherOpsetIsRefused() {
		// per channel at opset 18, where the specification scales per group; ONNX
		// Runtime does not run such a node, so the rule is called directly
		NodeProto node = NodeProto.newBuilder().setOpType("GroupNormalization")
			.setName("gn").addAllInput(List.of("x", "scale", "bias")).addOutput("y")
			.addAttribute(attrInt("num_groups", 2)).build();
		GraphEmitter e = new GraphEmitter(GraphProto.newBuilder(), new HashMap<>(Map
			.of("x", new long[] { 2, 6, 3 }, "scale", new long[] { 6 }, "bias",
				new long[] { 6 }, "g", new long[] { 2, 6, 3 })), 18);
		GanException refused = assertThrows(GanException.class, () -> GradientRules
			.forOp("GroupNormalization").backward(node, new String[] { "g" },
				new boolean[] { true, true, true }, e));
		assertTrue(refused.getMessage().contains("2 elements at opset 18"), refused
			.getMessage());
	}
}
