
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
}
