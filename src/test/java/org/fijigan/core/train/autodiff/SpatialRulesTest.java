
package org.fijigan.core.train.autodiff;

import static org.fijigan.core.train.autodiff.ConvRulesTest.dims;
import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrInts;
import static org.fijigan.testing.OnnxModels.attrString;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;

/**
 * Resize, Upsample, Pad, DepthToSpace, SpaceToDepth and pooling gradients
 * against finite differences.
 */
class SpatialRulesTest {
	// ---- Resize / Upsample ----

	/**
	 * Resize at opset >= 11 with constant scales (roi empty) and the given
	 * attributes.
	 */
	private static void resizeScales(long opset, long[] x, float[] scales,
		String y, AttributeProto... a) throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", dims(x))
			.initializer("roi", new float[0], 0).initializer("scales", scales,
				scales.length).node("Resize", "x,roi,scales", "y", a).output("y", y))
			.input("x", 11, x).elements(120).check("x");
	}

	/** Resize at opset >= 11 with constant sizes. */
	private static void resizeSizes(long opset, long[] x, long[] sizes,
		AttributeProto... a) throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", dims(x))
			.initializer("roi", new float[0], 0).initializer("scales", new float[0],
				0).initializer("sizes", sizes, sizes.length).node("Resize",
					"x,roi,scales,sizes", "y", a).output("y", dims(sizes))).input("x", 12,
						x).elements(120).check("x");
	}

	@Test
	void nearestAsymmetricFloorScale2And3() throws Exception {
		for (long opset : new long[] { 11, 13 }) {
			resizeScales(opset, new long[] { 2, 2, 3, 4 }, new float[] { 1, 1, 2, 2 },
				"2,2,6,8", attrString("mode", "nearest"), attrString(
					"coordinate_transformation_mode", "asymmetric"), attrString(
						"nearest_mode", "floor"));
			resizeScales(opset, new long[] { 1, 2, 3, 4 }, new float[] { 1, 1, 3, 3 },
				"1,2,9,12", attrString("mode", "nearest"), attrString(
					"coordinate_transformation_mode", "asymmetric"), attrString(
						"nearest_mode", "floor"));
		}
	}

	@Test
	void nearestOtherModesOddSizesAndDownscaling() throws Exception {
		// half_pixel + round_prefer_floor (the defaults), scale 3
		resizeScales(13, new long[] { 1, 1, 4, 3 }, new float[] { 1, 1, 3, 3 },
			"1,1,12,9");
		resizeSizes(13, new long[] { 1, 2, 5, 7 }, new long[] { 1, 2, 9, 11 },
			attrString("coordinate_transformation_mode", "align_corners"), attrString(
				"nearest_mode", "round_prefer_ceil"));
		resizeSizes(13, new long[] { 1, 1, 5, 7 }, new long[] { 1, 1, 8, 12 },
			attrString("coordinate_transformation_mode", "pytorch_half_pixel"),
			attrString("nearest_mode", "ceil"));
		resizeSizes(11, new long[] { 1, 1, 9, 7 }, new long[] { 1, 1, 4, 3 },
			attrString("coordinate_transformation_mode", "tf_half_pixel_for_nn"));
	}

	@Test
	void linearEveryCoordinateMode() throws Exception {
		for (String mode : new String[] { "half_pixel", "align_corners",
			"asymmetric", "pytorch_half_pixel" })
		{
			resizeScales(13, new long[] { 2, 2, 3, 4 }, new float[] { 1, 1, 2, 2 },
				"2,2,6,8", attrString("mode", "linear"), attrString(
					"coordinate_transformation_mode", mode));
			resizeScales(11, new long[] { 1, 2, 4, 3 }, new float[] { 1, 1, 3, 3 },
				"1,2,12,9", attrString("mode", "linear"), attrString(
					"coordinate_transformation_mode", mode));
			resizeSizes(13, new long[] { 1, 1, 5, 7 }, new long[] { 1, 1, 9, 4 },
				attrString("mode", "linear"), attrString(
					"coordinate_transformation_mode", mode));
		}
	}

	@Test
	void sizesComputedFromTheInputShape() throws Exception {
		// as PyTorch exports interpolate(size=...): sizes = Concat(Shape(x)[0:2],
		// [9, 11])
		GradientCheck.of(OnnxModels.builder().opset(13).input("x", "1,2,5,7")
			.initializer("starts", new long[] { 0 }, 1).initializer("ends",
				new long[] { 2 }, 1).initializer("hw", new long[] { 9, 11 }, 2).node(
					"Shape", "x", "shape").node("Slice", "shape,starts,ends", "nc").node(
						"Concat", "nc,hw", "sizes", attrInt("axis", 0)).node("Resize",
							"x,,,sizes", "y", attrString("mode", "linear"), attrString(
								"coordinate_transformation_mode", "pytorch_half_pixel")).output(
									"y", "1,2,9,11")).input("x", 18, 1, 2, 5, 7).check("x");
	}

	@Test
	void scalesFoldedFromConstantsAsPyTorchExportsThem() throws Exception {
		// scales = Concat(Constant [1, 1], Constant [2, 3]) (opset 11 adds an empty
		// roi Constant)
		for (long opset : new long[] { 11, 17 })
			GradientCheck.of(OnnxModels.builder().opset(opset).input("x", "1,2,3,4")
				.initializer("one", new float[] { 1, 1 }, 2).initializer("factor",
					new float[] { 2, 3 }, 2).initializer("roi", new float[0], 0).node(
						"Concat", "one,factor", "scales", attrInt("axis", 0)).node("Resize",
							(opset < 13 ? "x,roi" : "x,") + ",scales", "y", attrString("mode",
								"linear")).output("y", "1,2,6,12")).input("x", 19, 1, 2, 3, 4)
				.check("x");
		// scales = Cast(sizes) / Cast(Shape(x)), the recompute_scale_factor form
		GradientCheck.of(OnnxModels.builder().opset(13).input("x", "1,1,5,4")
			.initializer("sizes", new long[] { 1, 1, 8, 10 }, 4).node("Shape", "x",
				"shape").node("Cast", "shape", "fs", attrInt("to", 1)).node("Cast",
					"sizes", "ft", attrInt("to", 1)).node("Div", "ft,fs", "scales").node(
						"Resize", "x,,scales", "y", attrString("mode", "linear")).output(
							"y", "1,1,8,10")).input("x", 20, 1, 1, 5, 4).check("x");
	}

	@Test
	void cubic() throws Exception {
		resizeScales(13, new long[] { 1, 2, 4, 5 }, new float[] { 1, 1, 2, 2 },
			"1,2,8,10", attrString("mode", "cubic"));
		resizeSizes(13, new long[] { 1, 1, 5, 6 }, new long[] { 1, 1, 7, 4 },
			attrString("mode", "cubic"), attrInt("exclude_outside", 1), attrString(
				"coordinate_transformation_mode", "align_corners"));
	}

	@Test
	void resizeOpset10AndUpsampleOpset9() throws Exception {
		for (String mode : new String[] { "nearest", "linear" }) {
			GradientCheck.of(OnnxModels.builder().opset(10).input("x", "1,2,3,4")
				.initializer("scales", new float[] { 1, 1, 2, 3 }, 4).node("Resize",
					"x,scales", "y", attrString("mode", mode)).output("y", "1,2,6,12"))
				.input("x", 13, 1, 2, 3, 4).check("x");
			GradientCheck.of(OnnxModels.builder().opset(9).input("x", "2,2,3,3")
				.initializer("scales", new float[] { 1, 1, 3, 2 }, 4).node("Upsample",
					"x,scales", "y", attrString("mode", mode)).output("y", "2,2,9,6"))
				.input("x", 14, 2, 2, 3, 3).check("x");
		}
		// Resize-10 nearest when downscaling rounds up
		GradientCheck.of(OnnxModels.builder().opset(10).input("x", "1,1,7,6")
			.initializer("scales", new float[] { 1, 1, 0.5f, 0.5f }, 4).node("Resize",
				"x,scales", "y").output("y", "1,1,3,3")).input("x", 15, 1, 1, 7, 6)
			.check("x");
	}

	@Test
	void resizeOpset18And19Forms() throws Exception {
		// axes with scales for the spatial axes only
		GradientCheck.of(OnnxModels.builder().opset(18).input("x", "1,2,3,4")
			.initializer("scales", new float[] { 2, 3 }, 2).node("Resize",
				"x,,scales", "y", attrString("mode", "linear"), attrInts("axes", 2, 3))
			.output("y", "1,2,6,12")).input("x", 16, 1, 2, 3, 4).check("x");
		// keep_aspect_ratio_policy not_larger with sizes on two axes: scale
		// min(9/5, 9/4) = 1.8
		GradientCheck.of(OnnxModels.builder().opset(18).input("x", "1,1,5,4")
			.initializer("sizes", new long[] { 9, 9 }, 2).node("Resize", "x,,,sizes",
				"y", attrString("mode", "linear"), attrInts("axes", 2, 3), attrString(
					"keep_aspect_ratio_policy", "not_larger")).output("y", "1,1,9,7"))
			.input("x", 17, 1, 1, 5, 4).check("x");
		// half_pixel_symmetric (opset 19) with a scale whose output size is rounded
		// down
		resizeScales(19, new long[] { 1, 1, 5, 4 }, new float[] { 1, 1, 1.7f,
			2.5f }, "1,1,8,10", attrString("mode", "linear"), attrString(
				"coordinate_transformation_mode", "half_pixel_symmetric"));
		resizeScales(19, new long[] { 1, 1, 5, 4 }, new float[] { 1, 1, 1.7f,
			2.5f }, "1,1,8,10", attrString("mode", "nearest"), attrString(
				"coordinate_transformation_mode", "half_pixel_symmetric"));
	}

	@Test
	void unsupportedResizeNamesOpAndNode() {
		GanException e = assertThrows(GanException.class, () -> GradientCheck.of(
			OnnxModels.builder().opset(13).input("x", "1,1,4,4").initializer("roi",
				new float[] { 0, 0, 0, 0, 1, 1, 1, 1 }, 8).initializer("scales",
					new float[] { 1, 1, 2, 2 }, 4).node("Resize", "x,roi,scales", "y",
						attrString("coordinate_transformation_mode", "tf_crop_and_resize"))
				.output("y", "1,1,8,8")).input("x", 1, 1, 1, 4, 4).check("x"));
		assertTrue(e.getMessage().contains("Resize (node 'Resize_0')") && e
			.getMessage().contains("tf_crop_and_resize"), e.getMessage());
		GanException a = assertThrows(GanException.class, () -> GradientCheck.of(
			OnnxModels.builder().opset(18).input("x", "1,1,8,8").initializer("scales",
				new float[] { 1, 1, 0.5f, 0.5f }, 4).node("Resize", "x,,scales", "y",
					attrString("mode", "linear"), attrInt("antialias", 1)).output("y",
						"1,1,4,4")).input("x", 1, 1, 1, 8, 8).check("x"));
		assertTrue(a.getMessage().contains("antialias"), a.getMessage());
	}

	// ---- Pad ----

	@Test
	void padConstantWithNegativePadsAtOpset9And11() throws Exception {
		// rows: 1 before, 2 after; columns: 1 cropped before, 1 added after
		long[] pads = { 0, 0, 1, -1, 0, 0, 2, 1 };
		GradientCheck.of(OnnxModels.builder().opset(9).input("x", "2,2,4,5").node(
			"Pad", "x", "y", attrInts("pads", pads), OnnxModels.attrFloat("value",
				0.5f)).output("y", "2,2,7,5")).input("x", 21, 2, 2, 4, 5).check("x");
		GradientCheck.of(OnnxModels.builder().opset(11).input("x", "2,2,4,5")
			.initializer("pads", pads, 8).node("Pad", "x,pads", "y").output("y",
				"2,2,7,5")).input("x", 21, 2, 2, 4, 5).check("x");
	}

	@Test
	void padReflectAndEdge() throws Exception {
		for (String mode : new String[] { "reflect", "edge" }) {
			GradientCheck.of(OnnxModels.builder().opset(9).input("x", "1,2,4,5").node(
				"Pad", "x", "y", attrInts("pads", 0, 0, 2, 1, 0, 0, 1, 3), attrString(
					"mode", mode)).output("y", "1,2,7,9")).input("x", 22, 1, 2, 4, 5)
				.check("x");
			GradientCheck.of(OnnxModels.builder().opset(13).input("x", "1,2,4,5")
				.initializer("pads", new long[] { 0, 0, 3, -1, 0, 0, 1, 2 }, 8).node(
					"Pad", "x,pads", "y", attrString("mode", mode)).output("y",
						"1,2,8,6")).input("x", 23, 1, 2, 4, 5).elements(40).check("x");
		}
	}

	@Test
	void padWithAxesAtOpset18AndWrapAtOpset19() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(18).input("x", "1,2,4,5")
			.initializer("pads", new long[] { 1, 2, 2, 1 }, 4).initializer("axes",
				new long[] { -1, 2 }, 2).node("Pad", "x,pads,,axes", "y", attrString(
					"mode", "reflect")).output("y", "1,2,7,8")).input("x", 24, 1, 2, 4, 5)
			.check("x");
		GradientCheck.of(OnnxModels.builder().opset(19).input("x", "1,2,4,5")
			.initializer("pads", new long[] { 0, 0, 2, 3, 0, 0, 1, 4 }, 8).node("Pad",
				"x,pads", "y", attrString("mode", "wrap")).output("y", "1,2,7,12"))
			.input("x", 25, 1, 2, 4, 5).elements(40).check("x");
	}

	// ---- DepthToSpace / SpaceToDepth ----

	@Test
	void depthToSpaceBothModesAndSpaceToDepth() throws Exception {
		for (String mode : new String[] { "DCR", "CRD" })
			for (long opset : new long[] { 11, 13 })
				GradientCheck.of(OnnxModels.builder().opset(opset).input("x", "2,8,3,2")
					.node("DepthToSpace", "x", "y", attrInt("blocksize", 2), attrString(
						"mode", mode)).output("y", "2,2,6,4")).input("x", 31, 2, 8, 3, 2)
					.elements(48).check("x");
		GradientCheck.of(OnnxModels.builder().opset(9).input("x", "2,2,4,6").node(
			"SpaceToDepth", "x", "y", attrInt("blocksize", 2)).output("y", "2,8,2,3"))
			.input("x", 32, 2, 2, 4, 6).elements(48).check("x");
	}

	// ---- pooling ----

	/**
	 * Distinct values spaced 2/n apart, shuffled: no two within a
	 * finite-difference step.
	 */
	static float[] distinct(long seed, long... shape) {
		int n = 1;
		for (long d : shape)
			n *= d;
		List<Float> v = new ArrayList<>();
		for (int i = 0; i < n; i++)
			v.add(-1 + 2f * i / n);
		Collections.shuffle(v, new Random(seed));
		float[] f = new float[n];
		for (int i = 0; i < n; i++)
			f[i] = v.get(i);
		return f;
	}

	private static void pool(long opset, String op, long[] x, String y,
		AttributeProto... a) throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(opset).input("x", dims(x)).node(
			op, "x", "y", a).output("y", y)).input("x", distinct(41, x), x).step(2e-3)
			.elements(40).check("x");
	}

	@Test
	void maxPool() throws Exception {
		pool(9, "MaxPool", new long[] { 2, 2, 6, 6 }, "2,2,3,3", attrInts(
			"kernel_shape", 2, 2), attrInts("strides", 2, 2));
		// overlapping windows with pads
		pool(11, "MaxPool", new long[] { 1, 2, 7, 6 }, "1,2,4,3", attrInts(
			"kernel_shape", 3, 3), attrInts("strides", 2, 2), attrInts("pads", 1, 1,
				1, 0));
		// dilation, ceil_mode, column-major indices, 1-D
		pool(12, "MaxPool", new long[] { 1, 2, 8, 7 }, "1,2,3,3", attrInts(
			"kernel_shape", 2, 3), attrInts("strides", 3, 2), attrInts("dilations", 2,
				1), attrInt("ceil_mode", 1), attrInt("storage_order", 1));
		pool(17, "MaxPool", new long[] { 2, 3, 9 }, "2,3,5", attrInts(
			"kernel_shape", 3), attrInts("strides", 2), attrString("auto_pad",
				"SAME_UPPER"));
	}

	@Test
	void averagePool() throws Exception {
		for (long include = 0; include <= 1; include++) {
			pool(9, "AveragePool", new long[] { 2, 2, 6, 5 }, "2,2,3,3", attrInts(
				"kernel_shape", 3, 3), attrInts("strides", 2, 2), attrInts("pads", 1, 1,
					0, 1), attrInt("count_include_pad", include));
			pool(19, "AveragePool", new long[] { 1, 2, 10, 8 }, "1,2,3,4", attrInts(
				"kernel_shape", 2, 3), attrInts("strides", 3, 2), attrInts("dilations",
					2, 1), attrInts("pads", 0, 1, 0, 0), attrInt("count_include_pad",
						include));
			pool(11, "AveragePool", new long[] { 1, 2, 7, 6 }, "1,2,4,3", attrInts(
				"kernel_shape", 2, 2), attrInts("strides", 2, 2), attrInt("ceil_mode",
					1), attrInt("count_include_pad", include));
		}
		pool(17, "AveragePool", new long[] { 2, 3, 9 }, "2,3,5", attrInts(
			"kernel_shape", 3), attrInts("strides", 2), attrString("auto_pad",
				"SAME_LOWER"));
	}

	@Test
	void globalPools() throws Exception {
		pool(9, "GlobalAveragePool", new long[] { 2, 3, 4, 5 }, "2,3,1,1");
		pool(9, "GlobalMaxPool", new long[] { 2, 3, 4, 5 }, "2,3,1,1");
		pool(17, "GlobalMaxPool", new long[] { 1, 2, 9 }, "1,2,1");
	}
}
