
package org.fijigan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A super-resolved image's pixel size. */
class CalibrationTest {

	@Test
	void magnifyingDividesThePixelSizeAndKeepsAnUncalibratedImageUncalibrated() {
		assertEquals(new Calibration(0.25, 0.5, 2, "um"), new Calibration(0.5, 1, 2,
			"um").magnified(2));
		// no physical unit: the result has none either, not 0.5 "pixel" pixels
		assertEquals(Calibration.NONE, Calibration.NONE.magnified(2));
		assertEquals(new Calibration(1, 1, 1, "pixels"), new Calibration(1, 1, 1,
			"pixels").magnified(4));
		// a size without a unit (a TIFF whose resolution unit is none, which
		// ImageJ reads as 0.25 per pixel) is divided, as ImageJ's Image>Scale does
		assertEquals(new Calibration(0.125, 0.25, 1, "pixel"), new Calibration(0.25,
			0.5, 1, "pixel").magnified(2));
	}

	@Test
	void magnifyingMultipliesTheOriginAndKeepsTimeAndUnits() {
		Calibration c = new Calibration(0.5, 1, 2, "um").withUnits("nm", "mm")
			.withOrigin(10, 4, 1).withFrameInterval(2.5, "min");
		Calibration m = c.magnified(2);
		assertEquals(new Calibration(0.25, 0.5, 2, "um").withUnits("nm", "mm")
			.withOrigin(20, 8, 1).withFrameInterval(2.5, "min"), m);
		// the origin is a place in the picture, in pixels: it moves with the
		// pixels whether or not they have a physical size
		assertEquals(new Calibration(1, 1, 1, "pixel").withOrigin(30, 12, 0),
			new Calibration(1, 1, 1, "pixel").withOrigin(10, 4, 0).magnified(3));
	}

	@Test
	void unstatedUnitsAreTheXUnitAndSeconds() {
		Calibration c = new Calibration(1, 1, 1, "um").withUnits(null, "")
			.withFrameInterval(Double.NaN, null).withOrigin(Double.NaN, 1, 2);
		assertEquals("um", c.yUnit());
		assertEquals("um", c.zUnit());
		assertEquals("sec", c.timeUnit());
		assertEquals(0, c.frameInterval());
		assertEquals(0, c.xOrigin());
	}
}
