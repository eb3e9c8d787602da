
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
	}
}
