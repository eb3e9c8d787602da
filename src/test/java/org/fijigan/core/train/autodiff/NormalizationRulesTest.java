
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrFloat;
import static org.fijigan.testing.OnnxModels.attrInt;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;

/**
 * BatchNormalization (inference form) and InstanceNormalization against finite
 * differences.
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
}
