
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a model whose output has not the size its scale says is told. */
class SizeMismatchTest {

	@Test
	void eachKindOfMismatchIsNamedWithItsFix() {
		// an unpadded network: 2 px cropped off each side
		assertEquals("the model returned 44x44 for a 48x48 input, not 48x48 " +
			"(scale 1): it crops 2 px off each side of its output (an unpadded " +
			"network), which fiji-gan cannot place back; re-export the model with " +
			"padding that keeps the size", PlaneRunner.sizeMismatch(44, 44, 48, 48, 1,
				"override", false));
		// a x1.5 model that rounds up, where Resize rounds down (17 x 1.5 = 25.5),
		// tiled and untiled: --tile none, which the untiled run was told to try,
		// is what failed
		assertEquals("the model returned 26x26 for a 17x17 input, not 25x25 " +
			"(scale 1.500): the model does not map a window of this size at its " +
			"scale; try another --tile, or --tile none", PlaneRunner.sizeMismatch(26,
				26, 17, 17, 1.5, "override", false));
		assertEquals("the model returned 80x105 for a 53x70 input, not 79x105 " +
			"(scale 1.500): the model does not map an image of this size at its " +
			"scale; crop or pad the image to a size it maps (a multiple of 2 px, " +
			"whole pixels at its scale)", PlaneRunner.sizeMismatch(80, 105, 53, 70,
				1.5, "override", true));
		// Resize's own sizes, floor(n * scale), are what a x1.5 model is expected
		// to give, and a downscaler's (Resize, a pooling without padding); a
		// strided layer with padding may give one more, which is left out
		assertEquals(79, PlaneRunner.outputLength(53, 1.5));
		assertEquals(105, PlaneRunner.outputLength(70, 1.5));
		assertEquals(30, PlaneRunner.outputLength(61, 0.5));
		assertEquals(80, PlaneRunner.outputLength(121, 2 / 3.0));
		assertEquals(212, PlaneRunner.outputLength(53, 4));
		assertTrue(PlaneRunner.takes(30, 61, 0.5));
		assertTrue(PlaneRunner.takes(31, 61, 0.5));
		assertFalse(PlaneRunner.takes(32, 61, 0.5));
		assertFalse(PlaneRunner.takes(32, 62, 0.5));
		assertFalse(PlaneRunner.takes(80, 53, 1.5));
		// a scale written in decimals is the fraction it stands for: 99 px at
		// 0.3333 or 0.333 (1/3) give 33, not 32 and a 33rd column left out
		assertEquals(33, PlaneRunner.outputLength(99, 0.3333));
		assertEquals(33, PlaneRunner.outputLength(99, 0.333));
		assertEquals(10, PlaneRunner.outputLength(30, 0.333333));
		assertEquals(133, PlaneRunner.outputLength(100, 1.3333));
		assertTrue(PlaneRunner.takes(33, 99, 0.3333));
		assertFalse(PlaneRunner.takes(34, 99, 0.3333));
		// a scale no simple fraction is near is taken as it is
		assertEquals(34, PlaneRunner.outputLength(100, 0.347));
		// a pooling stride of 2 on an odd window drops the last pixel, and the
		// advice was another --tile or --tile none, which fail the same way
		assertEquals("the model returned 46x40 for a 47x41 input, not 47x41 " +
			"(scale 1): the model takes only sizes that are a multiple of 2 px " +
			"(its strided layers drop the rest); give it such sizes (an image, and " +
			"a --tile, that are multiples of 2), or a bioimage.io descriptor that " +
			"states size {min: 2, step: 2}", PlaneRunner.sizeMismatch(46, 40, 47, 41,
				1, "override", false));
		assertEquals("the model returned 80x96 for a 44x50 input, not 88x100 " +
			"(scale 2): the model takes only sizes that are a multiple of 8 px " +
			"(its strided layers drop the rest); give it such sizes (an image, and " +
			"a --tile, that are multiples of 8), or a bioimage.io descriptor that " +
			"states size {min: 8, step: 8}", PlaneRunner.sizeMismatch(80, 96, 44, 50,
				2, "override", false));
		// a scale stated wrong: a whole-number scale is named as the model's
		assertEquals("the model returned 64x64 for a 16x16 input, not 32x32 " +
			"(scale 2): the model's scale is 4, not 2; pass --scale 4 or leave " +
			"--scale out", PlaneRunner.sizeMismatch(64, 64, 16, 16, 2, "override",
				false));
		assertEquals("the model returned 512x512 for a 256x256 input, not " +
			"768x768 (scale 3): the model's scale is 2, not 3; pass --scale 2 or " +
			"leave --scale out", PlaneRunner.sizeMismatch(512, 512, 256, 256, 3,
				"override", false));
		// a scale read from the model, not passed: only --scale can fix it
		assertEquals("the model returned 82x106 for a 41x53 input, not 41x53 " +
			"(scale 1): the model's scale is 2, not 1 (the scale read from the " +
			"graph); pass --scale 2", PlaneRunner.sizeMismatch(82, 106, 41, 53, 1,
				"graph", true));
		// a x2 model (read from the graph) that crops 1 px returns 2x2 for 2x2, as
		// a x1 model would: the border is the cause, not the scale
		assertEquals("the model returned 2x2 for a 2x2 input, not 4x4 (scale 2): " +
			"it crops 1 px off each side of its output (an unpadded network), " +
			"which fiji-gan cannot place back; re-export the model with padding " +
			"that keeps the size", PlaneRunner.sizeMismatch(2, 2, 2, 2, 2, "graph",
				true));
		// a scale the user stated may be the wrong one
		assertEquals("the model returned 2x2 for a 2x2 input, not 4x4 (scale 2): " +
			"the model's scale is 1, not 2; pass --scale 1 or leave --scale out",
			PlaneRunner.sizeMismatch(2, 2, 2, 2, 2, "override", true));
		assertEquals("the model returned 64x32 for a 16x16 input, not 32x32 " +
			"(scale 2): its output is not the input scaled alike along x and y, " +
			"which fiji-gan does not support", PlaneRunner.sizeMismatch(64, 32, 16,
				16, 2, "override", false));
	}
}
