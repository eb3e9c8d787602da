
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.tiling.TilePlanner;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose scale is not a whole number (x1.5): its output has the size the
 * model gives, and tiles give the untiled result.
 */
class RationalScaleTest {

	@TempDir
	Path dir;

	/**
	 * Nearest-neighbour Resize by 1.5 (floor, asymmetric): output pixel o is
	 * input pixel {@code floor(o / 1.5)}, and n input pixels give
	 * {@code floor(1.5 n)}.
	 */
	ModelDescriptor resize15() {
		return ModelLoader.load(OnnxModels.builder().input("x", "N,1,H,W")
			.initializer("scales", new float[] { 1, 1, 1.5f, 1.5f }, 4).node("Resize",
				"x,,scales", "y", OnnxModels.attrString("mode", "nearest"), OnnxModels
					.attrString("nearest_mode", "floor"), OnnxModels.attrString(
						"coordinate_transformation_mode", "asymmetric")).output("y",
							"N,1,?,?").write(dir, "sr15.onnx").toString(),
			ModelOverrides.NONE);
	}

	/**
	 * Tiles started on odd pixels, half an output pixel off: at --tile 20 a 54x70
	 * image differed from the untiled run by up to 0.98 in 945 pixels, and on a
	 * 53-wide image tiles wrote 80 columns where the model gives 79. Untiled, a
	 * 53-wide image was refused ("returned 79x105 ... not 80x105"). Windows and
	 * kept parts now lie on even pixels, and the result has the model's size:
	 * untiled it is the model's output, pixel for pixel, and tiled the same.
	 */
	@Test
	void tilesOfANonWholeScaleGiveTheUntiledResult() {
		ModelDescriptor m = resize15();
		assertEquals(1.5, m.scale());
		assertEquals(List.of(), m.wholeImageOps());
		assertEquals(0, m.haloPixels());
		assertEquals(2, TilePlanner.scaleGrid(m.scale()));
		for (int[] size : new int[][] { { 53, 70 }, { 54, 70 }, { 37, 41 } }) {
			int w = size[0], h = size[1], ow = w * 3 / 2, oh = h * 3 / 2;
			RasterImage img = ImageToImageTest.randomFloat(w, h, 1, 1, 1, w);
			RunResult untiled = ImageToImageTest.run(m, img, ImageToImageTest.RAW
				.withTileSize(InferenceOptions.NO_TILING));
			RasterImage whole = untiled.image();
			assertEquals(ow, whole.width(), w + "x" + h);
			assertEquals(oh, whole.height(), w + "x" + h);
			float[] in = (float[]) img.plane(0), out = (float[]) whole.plane(0);
			for (int y = 0; y < oh; y++)
				for (int x = 0; x < ow; x++)
					assertEquals(in[y * 2 / 3 * w + x * 2 / 3], out[y * ow + x], 0f, w +
						"x" + h + ": " + x + "," + y);
			for (int tile : new int[] { 16, 20, 21, 24 }) {
				RunResult tiled = ImageToImageTest.run(m, img, ImageToImageTest.RAW
					.withTileSize(tile));
				assertTrue(tiled.report().tilesPerPlane() >= 4, "tiles: " + tiled
					.report().tilesPerPlane());
				assertEquals(0f, ImageToImageTest.maxAbsDiff(whole, tiled.image()),
					1e-6f, w + "x" + h + ", --tile " + tile);
				assertTrue(tiled.report().notes().stream().noneMatch(n -> n.contains(
					"mirrored")), tiled.report().notes().toString());
			}
		}
	}

	/**
	 * A bilinear Resize by 1.5 (half-pixel, as PyTorch's interpolate): an odd
	 * --tile was planned as whole 2 px cells (8 for --tile 17) but each window
	 * read 17 px, so the last one read a mirrored pixel past the image end, which
	 * the untiled run never sees: the last output row and column differed by up
	 * to a fifth of the range. Windows are now whole cells (16 px).
	 */
	@Test
	void anOddTileOfANonWholeScaleGivesTheUntiledResult() {
		ModelDescriptor m = ModelLoader.load(OnnxModels.builder().input("x",
			"N,1,H,W").initializer("scales", new float[] { 1, 1, 1.5f, 1.5f }, 4)
			.node("Resize", "x,,scales", "y", OnnxModels.attrString("mode", "linear"),
				OnnxModels.attrString("coordinate_transformation_mode", "half_pixel"))
			.output("y", "N,1,?,?").write(dir, "bilinear15.onnx").toString(),
			ModelOverrides.NONE);
		assertEquals(1.5, m.scale());
		RasterImage img = ImageToImageTest.randomFloat(54, 40, 1, 1, 1, 4);
		RasterImage whole = ImageToImageTest.run(m, img, ImageToImageTest.RAW
			.withTileSize(InferenceOptions.NO_TILING)).image();
		assertEquals(81, whole.width());
		assertEquals(60, whole.height());
		for (int tile : new int[] { 17, 19, 23 }) {
			RunResult tiled = ImageToImageTest.run(m, img, ImageToImageTest.RAW
				.withTileSize(tile));
			assertTrue(tiled.report().tilesPerPlane() >= 4, "tiles: " + tiled.report()
				.tilesPerPlane());
			assertEquals(0f, ImageToImageTest.maxAbsDiff(whole, tiled.image()), 1e-5f,
				"--tile " + tile);
		}
	}

	/**
	 * A downscaler whose output rounds down (a 2x2 average pooling without
	 * padding, a Resize by 0.5 or by 2/3): its result is
	 * {@code floor(n * scale)}, tiled or not. Untiled, 121x87 was refused after
	 * the run ("returned 60x43 ..., not 61x44"); tiled it wrote 61x44, its last
	 * row and column made up from mirrored pixels, and --tile 25 was refused.
	 */
	@Test
	void aDownscalerThatRoundsDownGivesItsOwnSizeTiledOrNot() {
		ModelDescriptor pool = ModelLoader.load(OnnxModels.builder().input("x",
			"N,1,H,W").node("AveragePool", "x", "y", OnnxModels.attrInts(
				"kernel_shape", 2, 2), OnnxModels.attrInts("strides", 2, 2)).output("y",
					"N,1,?,?").write(dir, "pool2.onnx").toString(), ModelOverrides.NONE);
		assertEquals(0.5, pool.scale());
		RasterImage img = ImageToImageTest.randomFloat(121, 87, 1, 1, 1, 9);
		RasterImage whole = ImageToImageTest.run(pool, img, ImageToImageTest.RAW
			.withTileSize(InferenceOptions.NO_TILING)).image();
		assertEquals(60, whole.width());
		assertEquals(43, whole.height());
		float[] in = (float[]) img.plane(0), out = (float[]) whole.plane(0);
		for (int y = 0; y < 43; y++)
			for (int x = 0; x < 60; x++)
				assertEquals((in[2 * y * 121 + 2 * x] + in[2 * y * 121 + 2 * x + 1] +
					in[(2 * y + 1) * 121 + 2 * x] + in[(2 * y + 1) * 121 + 2 * x + 1]) /
					4, out[y * 60 + x], 1e-6f, x + "," + y);
		for (int tile : new int[] { 24, 25 }) {
			RunResult tiled = ImageToImageTest.run(pool, img, ImageToImageTest.RAW
				.withTileSize(tile));
			assertTrue(tiled.report().tilesPerPlane() >= 4);
			assertEquals(60, tiled.image().width());
			assertEquals(43, tiled.image().height());
			assertEquals(0f, ImageToImageTest.maxAbsDiff(whole, tiled.image()), 1e-6f,
				"--tile " + tile);
		}
		// an image with no whole pixel at the scale is refused before the run
		GanException e = assertThrows(GanException.class, () -> ImageToImageTest
			.run(pool, ImageToImageTest.randomFloat(1, 5, 1, 1, 1, 1),
				ImageToImageTest.RAW));
		assertEquals("a 1x5 image has no whole pixel at the model's scale of " +
			"0.5000: give an image of at least 2 px a side", e.getMessage());
		for (float s : new float[] { 0.5f, 2 / 3f }) {
			ModelDescriptor resize = ModelLoader.load(OnnxModels.builder().input("x",
				"N,1,H,W").initializer("scales", new float[] { 1, 1, s, s }, 4).node(
					"Resize", "x,,scales", "y", OnnxModels.attrString("mode", "linear"))
				.output("y", "N,1,?,?").write(dir, "down" + s + ".onnx").toString(),
				ModelOverrides.NONE);
			RasterImage small = ImageToImageTest.randomFloat(64, 47, 1, 1, 1, 5);
			RasterImage untiled = ImageToImageTest.run(resize, small,
				ImageToImageTest.RAW.withTileSize(InferenceOptions.NO_TILING)).image();
			assertEquals((int) Math.floor(64 * s), untiled.width());
			assertEquals((int) Math.floor(47 * s), untiled.height());
			RasterImage tiled = ImageToImageTest.run(resize, small,
				ImageToImageTest.RAW.withTileSize(24)).image();
			assertEquals(untiled.width(), tiled.width());
			assertEquals(untiled.height(), tiled.height());
			assertEquals(0f, ImageToImageTest.maxAbsDiff(untiled, tiled), 1e-5f, "x" +
				s);
		}
	}

	/**
	 * The grid of a scale is its denominator, joined with a stride by their least
	 * common multiple; a scale that is no small fraction adds none.
	 */
	@Test
	void theGridOfAScaleIsItsDenominator() {
		assertEquals(1, TilePlanner.scaleGrid(4));
		assertEquals(2, TilePlanner.scaleGrid(0.5));
		assertEquals(4, TilePlanner.scaleGrid(0.75));
		assertEquals(3, TilePlanner.scaleGrid(4 / 3.0));
		assertEquals(1, TilePlanner.scaleGrid(Math.sqrt(2)));
		assertEquals(2, TilePlanner.gridStep(1, 1.5));
		assertEquals(8, TilePlanner.gridStep(8, 1.5));
		assertEquals(12, TilePlanner.gridStep(4, 4 / 3.0));
		assertEquals(2, TilePlanner.gridStep(2, 0.5));
	}
}
