
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.tiling.AxisConstraint;
import org.fijigan.core.tiling.TilingPolicy;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auto window is shrunk to the smallest one that needs no more tiles
 * (bench/README.md, figure 1).
 */
class BalancedTilesTest {

	@TempDir
	Path dir;

	@Test
	void autoWindowShrinksToTheSmallestWithTheSameTileCount() {
		AxisConstraint any = AxisConstraint.ANY;
		// 512 px in 341 px windows takes 2 tiles; 256 + 2 x 19 px windows take 2 as
		// well
		assertEquals(294, TilingPolicy.balancedWindow(512, any, any, 19, 341,
			true));
		// 1024 px: 4 tiles of 341 px or of 294 px
		assertEquals(294, TilingPolicy.balancedWindow(1024, any, any, 19, 341,
			false));
		// one tile, or a window already as small as it gets: unchanged
		assertEquals(600, TilingPolicy.balancedWindow(512, any, any, 19, 600,
			true));
		assertEquals(294, TilingPolicy.balancedWindow(512, any, any, 19, 294,
			true));
		// a model that takes multiples of 8 px, and so computes on a grid of 8 px
		// cells: 500 px are 63 cells (mirrored to 504 px), 2 tiles keep 32 cells
		// each and need a halo of 3 px rounded up to a cell on one side: 264 px
		AxisConstraint by8 = AxisConstraint.minStep(8, 8);
		assertEquals(264, TilingPolicy.balancedWindow(500, by8, by8, 3, 400, true));
	}

	@Test
	void balancedAutoTilingGivesTheUntiledPixels() {
		ModelDescriptor m = ModelLoader.load(OnnxModels.conv3x3(1, 1, 7, 3).write(
			dir, "c.onnx").toString(), ModelOverrides.NONE);
		RasterImage img = ImageToImageTest.randomFloat(400, 300, 1, 1, 1, 12);
		RunResult whole = ImageToImageTest.run(m, img, ImageToImageTest.RAW
			.withTileSize(InferenceOptions.NO_TILING));
		RunResult auto = ImageToImageTest.run(m, img, ImageToImageTest.RAW
			.withMemoryBudget(1 << 20));
		assertEquals(1, whole.report().tilesPerPlane());
		long budgetPixels = (1 << 20) / ImageToImage.bytesPerPixel(m);
		int unbalanced = (int) Math.sqrt(budgetPixels);
		assertEquals(true, auto.report().tilesPerPlane() > 1, auto.report()
			.toString());
		assertEquals(true, auto.report().windowWidth() < unbalanced, auto.report()
			.toString());
		assertEquals(0f, ImageToImageTest.maxAbsDiff(whole.image(), auto.image()));
	}
}
