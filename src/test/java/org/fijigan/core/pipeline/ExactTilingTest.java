
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.testing.OnnxModels;
import org.fijigan.testing.TilingModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tiling analysis decides, run: a model it finds exact gives the
 * whole-image result from tiles, and one it does not runs untiled where the
 * memory budget would have cut tiles.
 */
class ExactTilingTest {

	@TempDir
	Path dir;

	ModelDescriptor load(OnnxModels.Builder b, String name) {
		return ModelLoader.load(b.write(dir, name).toString(), ModelOverrides.NONE);
	}

	/**
	 * Seeded values in [0, 1) with a bright square in one corner: a tile that
	 * holds part of it ranges wider than one that does not, so tiles quantised on
	 * their own ranges differ.
	 */
	static RasterImage image(int w, int h, long seed) {
		RasterImage img = ImageToImageTest.randomFloat(w, h, 1, 1, 1, seed);
		float[] p = (float[]) img.plane(0);
		for (int y = 0; y < h / 4; y++)
			for (int x = 0; x < w / 4; x++)
				p[y * w + x] = 6 + p[y * w + x];
		return img;
	}

	@Test
	void aDynamicallyQuantisedModelRunsUntiledAndEqualsTheUntiledResult() {
		ModelDescriptor m = load(TilingModels.dynamicallyQuantisedConv(3),
			"dq.onnx");
		assertFalse(m.isTileable());
		assertEquals(1, m.haloPixels());
		RasterImage img = image(96, 80, 5);
		RasterImage whole = ImageToImageTest.run(m, img, ImageToImageTest.RAW
			.withTileSize(InferenceOptions.NO_TILING)).image();
		// a budget of half the plane: a model that tiles exactly would be cut into
		// tiles here
		long budget = 96L * 80 * ImageToImage.bytesPerPixel(m) / 2;
		RunResult auto = ImageToImageTest.run(m, img, ImageToImageTest.RAW
			.withMemoryBudget(budget));
		assertEquals(1, auto.report().tilesPerPlane());
		assertEquals(0f, ImageToImageTest.maxAbsDiff(whole, auto.image()));
		assertTrue(auto.report().notes().stream().anyMatch(n -> n.startsWith(
			"ran untiled: tiles would change the " +
				"result (DynamicQuantizeLinear (node 'DynamicQuantizeLinear_0'): computes its scale")),
			auto.report().notes().toString());
		// what tiles would have given: each tile quantised with its own range
		RunResult tiled = ImageToImageTest.run(m, img, ImageToImageTest.RAW
			.withTileSize(24));
		assertTrue(tiled.report().tilesPerPlane() > 4);
		assertTrue(ImageToImageTest.maxAbsDiff(whole, tiled.image()) > 1e-2f,
			"the test must be able to fail: " + ImageToImageTest.maxAbsDiff(whole,
				tiled.image()));
	}

	@Test
	void modelsFoundExactGiveTheWholeImageResultFromTiles() {
		for (OnnxModels.Builder b : new OnnxModels.Builder[] { TilingModels
			.withFunctions(), TilingModels.dynamicPixelShuffle() })
		{
			ModelDescriptor m = load(b, "exact.onnx");
			assertTrue(m.isTileable(), m.wholeImageOps().toString());
			RasterImage img = image(61, 47, 6);
			RasterImage whole = ImageToImageTest.run(m, img, ImageToImageTest.RAW
				.withTileSize(InferenceOptions.NO_TILING)).image();
			RunResult tiled = ImageToImageTest.run(m, img, ImageToImageTest.RAW
				.withTileSize(20));
			assertTrue(tiled.report().tilesPerPlane() >= 9, "tiles: " + tiled.report()
				.tilesPerPlane());
			assertTrue(ImageToImageTest.maxAbsDiff(whole, tiled.image()) <= 1e-5f);
			assertEquals(PixelType.FLOAT32, tiled.image().type());
		}
	}

	/**
	 * An export that keeps a score beside its image (here the image's mean, as
	 * its first output) runs on the image output, and tiles exactly: the score's
	 * reduction over the image is not on the image's path.
	 */
	@Test
	void aScoreBesideTheImageOutputIsLeftAside() {
		OnnxModels.Builder b = OnnxModels.conv3x3(1, 1, 7, 2);
		b.node("ReduceMean", "x", "score", OnnxModels.attrInt("keepdims", 0))
			.output("score", "");
		ModelDescriptor m = load(b.moveOutputFirst("score"), "scored.onnx");
		assertEquals("y", m.outputName());
		assertTrue(m.isTileable(), m.wholeImageOps().toString());
		assertEquals(2, m.haloPixels());
		RasterImage img = image(61, 47, 8);
		RasterImage whole = ImageToImageTest.run(m, img, ImageToImageTest.RAW
			.withTileSize(InferenceOptions.NO_TILING)).image();
		RunResult tiled = ImageToImageTest.run(m, img, ImageToImageTest.RAW
			.withTileSize(20));
		assertTrue(tiled.report().tilesPerPlane() >= 9);
		assertTrue(ImageToImageTest.maxAbsDiff(whole, tiled.image()) <= 1e-5f);
		assertTrue(ImageToImageTest.maxAbsDiff(whole, img) > 0.1f);
	}

	/**
	 * y = x + nearest x2 upsampling of a 2x2 average pool with stride 2: what a
	 * U-Net's skip connection does at one level.
	 */
	static OnnxModels.Builder poolUpsampleResidual() {
		return OnnxModels.builder().input("x", "N,1,H,W").initializer("scales",
			new float[] { 1, 1, 2, 2 }, 4).node("AveragePool", "x", "p", OnnxModels
				.attrInts("kernel_shape", 2, 2), OnnxModels.attrInts("strides", 2, 2))
			.node("Resize", "p,,scales", "u", OnnxModels.attrString("mode",
				"nearest")).node("Add", "x,u", "y").output("y", "N,1,?,?");
	}

	/**
	 * Tiles of a strided model started off its 2 px grid (the last window of a
	 * row ended at the image edge, at an odd pixel; with --tile 20 the middle
	 * ones too), so they pooled other pixel pairs than the untiled run: a 44x60
	 * image differed by up to 0.40 in a quarter of its pixels. Windows on the
	 * grid give the untiled result, with --tile 16 and 20, under auto tiling too.
	 */
	@Test
	void aStridedModelTilesExactly() {
		ModelDescriptor m = load(poolUpsampleResidual(), "pool-residual.onnx");
		assertTrue(m.isTileable(), m.wholeImageOps().toString());
		assertEquals(0, m.reachBeyondHalo());
		for (int[] size : new int[][] { { 44, 60 }, { 61, 47 } }) {
			RasterImage img = image(size[0], size[1], 9);
			RasterImage whole = ImageToImageTest.run(m, img, ImageToImageTest.RAW
				.withTileSize(InferenceOptions.NO_TILING)).image();
			for (int tile : new int[] { 16, 20, 26 }) {
				RunResult tiled = ImageToImageTest.run(m, img, ImageToImageTest.RAW
					.withTileSize(tile));
				assertTrue(tiled.report().tilesPerPlane() >= 6, "tiles: " + tiled
					.report().tilesPerPlane());
				assertEquals(0f, ImageToImageTest.maxAbsDiff(whole, tiled.image()),
					1e-6f, size[0] + "x" + size[1] + ", --tile " + tile);
			}
		}
		// auto tiling of a plane beyond the memory budget: windows sized from the
		// budget, on the grid
		RasterImage big = image(1001, 999, 10);
		long budget = 1001L * 999 * ImageToImage.bytesPerPixel(m) / 5;
		RunResult auto = ImageToImageTest.run(m, big, ImageToImageTest.RAW
			.withMemoryBudget(budget));
		assertTrue(auto.report().tilesPerPlane() > 4, "tiles: " + auto.report()
			.tilesPerPlane());
		RasterImage whole = ImageToImageTest.run(m, big, ImageToImageTest.RAW
			.withTileSize(InferenceOptions.NO_TILING)).image();
		assertEquals(0f, ImageToImageTest.maxAbsDiff(whole, auto.image()), 1e-6f);
	}

	/**
	 * PyTorch's reflect and replicate padding, whose pad amounts its exporter
	 * builds from ConstantOfShape, Slice (backwards) and Transpose, was called
	 * "its pad amounts are not constants" and never tiled. The amounts are folded
	 * now: the model tiles, and tiles, whole image and a padding and convolution
	 * computed here agree.
	 */
	@Test
	void pyTorchReflectAndReplicatePaddingTileExactly() {
		float[] w = OnnxModels.randomFloats(new java.util.Random(12), 25, 0.3f);
		for (String mode : new String[] { "reflect", "edge" }) {
			ModelDescriptor m = load(TilingModels.torchPadThenConv(mode, 2, 5, w),
				mode + ".onnx");
			assertTrue(m.isTileable(), mode + ": " + m.wholeImageOps());
			assertEquals(1.0, m.scale());
			assertTrue(m.haloPixels() >= 4, "halo " + m.haloPixels());
			RasterImage img = image(37, 29, 13);
			RasterImage whole = ImageToImageTest.run(m, img, ImageToImageTest.RAW
				.withTileSize(InferenceOptions.NO_TILING)).image();
			RunResult tiled = ImageToImageTest.run(m, img, ImageToImageTest.RAW
				.withTileSize(16));
			assertTrue(tiled.report().tilesPerPlane() >= 4, "tiles: " + tiled.report()
				.tilesPerPlane());
			RasterImage expected = padThenConv(img, mode, 2, 5, w, 0.1f);
			assertEquals(0f, ImageToImageTest.maxAbsDiff(expected, whole), 1e-4f,
				mode);
			assertEquals(0f, ImageToImageTest.maxAbsDiff(expected, tiled.image()),
				1e-4f, mode);
		}
	}

	/**
	 * One plane padded by {@code pad} (mirrored without repeating the edge, or
	 * the edge repeated), then convolved with the {@code k}x{@code k} kernel
	 * {@code w} plus {@code bias}, in double precision.
	 */
	static RasterImage padThenConv(RasterImage img, String mode, int pad, int k,
		float[] w, float bias)
	{
		int iw = img.width(), ih = img.height();
		float[] in = (float[]) img.plane(0);
		RasterImage out = RasterImage.allocate(iw, ih, 1, 1, 1, PixelType.FLOAT32);
		float[] o = (float[]) out.plane(0);
		for (int y = 0; y < ih; y++)
			for (int x = 0; x < iw; x++) {
				double sum = bias;
				for (int ky = 0; ky < k; ky++)
					for (int kx = 0; kx < k; kx++) {
						int sy = source(y + ky - pad, ih, mode), sx = source(x + kx - pad,
							iw, mode);
						if (sy >= 0 && sx >= 0) sum += w[ky * k + kx] * in[sy * iw + sx];
					}
				o[y * iw + x] = (float) sum;
			}
		return out;
	}

	/**
	 * The pixel a padded position {@code i} reads: mirrored ("reflect"), the edge
	 * ("edge"), or none (-1, a zero: "constant").
	 */
	private static int source(int i, int n, String mode) {
		if (i >= 0 && i < n) return i;
		if (mode.equals("constant")) return -1;
		if (i < 0) return mode.equals("reflect") ? -i : 0;
		return mode.equals("reflect") ? 2 * (n - 1) - i : n - 1;
	}

	/**
	 * A bilinear x2 Resize that aligns corners (PyTorch's
	 * {@code interpolate(scale_factor=2, mode='bilinear', align_corners=True)})
	 * lost its scale: the model was read as x1, and its run refused ("the model
	 * returned 82x106 ..., not 41x53"). Its scale is read from the graph now:
	 * super-resolution x2, run untiled (aligning corners cannot tile exactly),
	 * with the pixels of a bilinear interpolation computed here.
	 */
	@Test
	void aResizeThatAlignsCornersKeepsItsScale() {
		OnnxModels.Builder b = OnnxModels.builder().opset(13).input("x", "N,1,H,W")
			.initializer("scales", new float[] { 1, 1, 2, 2 }, 4).node("Resize",
				"x,,scales", "y", OnnxModels.attrString("mode", "linear"), OnnxModels
					.attrString("coordinate_transformation_mode", "align_corners"))
			.output("y", "N,1,?,?");
		ModelDescriptor m = load(b, "align-corners.onnx");
		assertEquals(2.0, m.scale());
		assertEquals("graph", m.origins().get("scale"));
		assertEquals(org.fijigan.core.model.TaskKind.SUPER_RESOLUTION, m.task());
		assertFalse(m.isTileable());
		assertTrue(m.wholeImageOps().toString().contains("aligns corners"), m
			.wholeImageOps().toString());
		RasterImage img = image(21, 17, 14);
		RasterImage out = ImageToImageTest.run(m, img, ImageToImageTest.RAW)
			.image();
		assertEquals(42, out.width());
		assertEquals(34, out.height());
		float[] in = (float[]) img.plane(0), o = (float[]) out.plane(0);
		float max = 0;
		for (int y = 0; y < 34; y++)
			for (int x = 0; x < 42; x++) {
				double sy = y * 16.0 / 33, sx = x * 20.0 / 41;
				int y0 = (int) sy, x0 = (int) sx, y1 = Math.min(y0 + 1, 16), x1 = Math
					.min(x0 + 1, 20);
				double fy = sy - y0, fx = sx - x0;
				double v = (1 - fy) * ((1 - fx) * in[y0 * 21 + x0] + fx * in[y0 * 21 +
					x1]) + fy * ((1 - fx) * in[y1 * 21 + x0] + fx * in[y1 * 21 + x1]);
				max = Math.max(max, (float) Math.abs(v - o[y * 42 + x]));
			}
		assertEquals(0f, max, 1e-4f);
	}

	/**
	 * An {@code [H,W,1]} input (no batch, channels last; the graph moves the
	 * channels ahead of its convolution) was read as {@code byx}: H the batch, W
	 * y, the 1 x. The model ran on 1-pixel-wide tiles and 2,169 of 2,173 pixels
	 * were wrong, with exit code 0. The convolution shows that reading wrong; the
	 * input is read as {@code yxc}, and the pixels, tiled or not, are those of
	 * the convolution computed here. Named dimensions ({@code [H,W,c]}) too.
	 */
	@Test
	void aChannelsLastInputWithoutBatchIsReadAsTheGraphUsesIt() {
		float[] w = OnnxModels.randomFloats(new java.util.Random(15), 9, 0.4f);
		for (boolean fixed : new boolean[] { true, false }) {
			ModelDescriptor m = load(TilingModels.channelsLastWithoutBatch(w, fixed),
				"hwc.onnx");
			assertEquals("yxc", m.image().layout().axes());
			assertEquals("yxc", m.outputLayout().axes());
			assertTrue(m.isTileable(), m.wholeImageOps().toString());
			RasterImage img = image(41, 53, 16);
			RasterImage expected = padThenConv(img, "constant", 1, 3, w, 0.1f);
			for (int tile : new int[] { InferenceOptions.NO_TILING, 16 }) {
				RunResult r = ImageToImageTest.run(m, img, ImageToImageTest.RAW
					.withTileSize(tile));
				assertEquals(0f, ImageToImageTest.maxAbsDiff(expected, r.image()),
					1e-4f, "fixed " + fixed + ", tile " + tile);
			}
		}
	}

	/**
	 * A convolution whose input and output declare no shape (it was refused as
	 * taking a scalar) runs, tiled or not, with the pixels computed here.
	 */
	@Test
	void aModelWithoutDeclaredShapesRuns() {
		float[] w = OnnxModels.randomFloats(new java.util.Random(17), 9, 0.4f);
		ModelDescriptor m = load(OnnxModels.builder().input("x", null).initializer(
			"w", w, 1, 1, 3, 3).initializer("b", new float[] { 0.1f }, 1).node("Conv",
				"x,w,b", "y", OnnxModels.attrInts("pads", 1, 1, 1, 1)).output("y",
					null), "nodims.onnx");
		RasterImage img = image(41, 53, 18);
		RasterImage expected = padThenConv(img, "constant", 1, 3, w, 0.1f);
		for (int tile : new int[] { InferenceOptions.NO_TILING, 16 })
			assertEquals(0f, ImageToImageTest.maxAbsDiff(expected, ImageToImageTest
				.run(m, img, ImageToImageTest.RAW.withTileSize(tile)).image()), 1e-4f);
	}
}
