
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;
import org.junit.jupiter.api.Test;

/** A value range is two finite numbers a finite distance apart. */
class ValueRangeTest {

	@Test
	void infiniteOrOverflowingRangesAreRefused() {
		assertEquals(new ValueRange(-1, 1), ValueRange.parse("[-1, 1]"));
		for (String text : new String[] { "0,Infinity", "-Infinity,0",
			"-1e308,1e308", "NaN,1", "1,1", "5,2" })
			assertTrue(assertThrows(GanException.class, () -> ValueRange.parse(text))
				.getMessage().startsWith(
					"value range needs finite numbers with max > min (and max - min " +
						"finite), got ["), text);
		assertEquals(
			"value range needs finite numbers with max > min (and max - min finite), got [-1.0E308, 1.0E308]",
			assertThrows(GanException.class, () -> ValueRange.parse("-1e308,1e308"))
				.getMessage());
		assertThrows(GanException.class, () -> Normalization.parse(
			"range:0,Infinity"));
		assertThrows(GanException.class, () -> Normalization.parse(
			"range:-1e308,1e308"));
		assertEquals(new Normalization.FixedRange(0, 65535), Normalization.parse(
			"range:0,65535"));
		assertEquals(
			"fixed range 1.0E-40, 2.0E-40 is too narrow to map in 32-bit " +
				"floats (its width 1.0E-40 has no finite 32-bit inverse): give a range " +
				"of the image's units", assertThrows(GanException.class,
					() -> Normalization.parse("range:1e-40,2e-40")).getMessage());
	}

	/**
	 * A model's range spanning too few 32-bit floats at its size is refused; a
	 * fixed normalisation range, in the image's own units, only when it cannot be
	 * mapped at all (no finite inverse, or too wide); usual ones pass.
	 */
	@Test
	void rangesSpanningTooFewFloatsAreRefusedForModels() {
		for (String ok : new String[] { "0,1", "-1,1", "0,65535", "-1000,3000",
			"1000,1000.5", "1e-30,2e-30" })
		{
			ValueRange.parse(ok);
			Normalization.parse("range:" + ok);
		}
		assertEquals("value range [1.0E30, 1.0000001E30] is too narrow for its " +
			"size to map in 32-bit floats (its width 1.000000000337629E23 spans 1 " +
			"step of a 32-bit float there, fewer than 4096)", assertThrows(
				GanException.class, () -> ValueRange.parse("1e30,1.0000001e30"))
				.getMessage());
		// a 16-bit image's top levels, and a float image's own units
		Normalization.parse("range:60000,60002");
		Normalization.parse("range:1e30,1.0000001e30");
		assertEquals("fixed range 0.0, 1.0E-320 is too narrow to map in 32-bit " +
			"floats (its width 1.0E-320 has no finite 32-bit inverse): give a " +
			"range of the image's units", assertThrows(GanException.class,
				() -> Normalization.parse("range:0,1e-320")).getMessage());
		assertTrue(assertThrows(GanException.class, () -> ValueRange.parse(
			"10000,10001")).getMessage().contains("spans 1024 steps"));
		assertTrue(assertThrows(GanException.class, () -> ValueRange.parse(
			"0,1e-40")).getMessage().contains("has no finite 32-bit inverse"));
		assertTrue(assertThrows(GanException.class, () -> ValueRange.parse(
			"-3e38,3e38")).getMessage().contains("is too wide to map in 32-bit " +
				"floats"));
		assertEquals("model m.onnx: ONNX metadata fiji-gan.value_range 5: value " +
			"range '5' is not of the form MIN,MAX (e.g. -1,1); use --range",
			assertThrows(GanException.class, () -> ValueRange.parse("5",
				"model m.onnx: ONNX metadata fiji-gan.value_range 5", "; use --range"))
				.getMessage());
	}
}
