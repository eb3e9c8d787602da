
package org.fijigan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Supplier;

import org.fijigan.core.image.RawRange.FullRangeTypes;
import org.junit.jupiter.api.Test;

/**
 * The one resolver of normalisation rules to raw ranges, rule by rule and
 * caller by caller.
 */
class RawRangeTest {

	/** A 16-bit channel holding 100, 200, ..., 1000. */
	private static final RasterImage SIXTEEN_BIT;
	static {
		short[] p = new short[10];
		for (int i = 0; i < p.length; i++)
			p[i] = (short) (100 * (i + 1));
		SIXTEEN_BIT = new RasterImage(10, 1, 1, 1, 1, PixelType.UINT16,
			new Object[] { p });
	}

	private static final Supplier<ChannelStatistics> STATS =
		() -> ChannelStatistics.of(SIXTEEN_BIT, 0);
	private static final Supplier<ChannelStatistics> NOT_NEEDED = () -> {
		throw new AssertionError("statistics computed for a rule that needs none");
	};

	@Test
	void eachRuleGivesItsRange() {
		// NumPy's linear percentiles of 100..1000: position 0.09 and 8.91 of 9
		assertEquals(new RawRange(109, 991), RawRange.of(
			new Normalization.Percentile(1, 99), PixelType.UINT16, STATS,
			FullRangeTypes.INTEGER));
		assertEquals(new RawRange(-1, 3), RawRange.of(new Normalization.FixedRange(
			-1, 3), PixelType.UINT16, NOT_NEEDED, FullRangeTypes.INTEGER));
		assertEquals(new RawRange(0, 1), RawRange.of(new Normalization.None(),
			PixelType.FLOAT32, NOT_NEEDED, FullRangeTypes.INTEGER));
		assertEquals(4, RawRange.of(new Normalization.FixedRange(-1, 3),
			PixelType.UINT8, NOT_NEEDED, FullRangeTypes.INTEGER).span());
	}

	@Test
	void theBitDepthRuleUsesTheFullRangeOfTheTypesItIsGivenAndMinMaxOtherwise() {
		Normalization bits = new Normalization.BitDepthRange();
		assertEquals(new RawRange(0, 65535), RawRange.of(bits, PixelType.UINT16,
			NOT_NEEDED, FullRangeTypes.INTEGER));
		assertEquals(new RawRange(100, 1000), RawRange.of(bits, PixelType.UINT16,
			STATS, FullRangeTypes.EIGHT_BIT),
			"the evaluation's default: a 16-bit image by its own range");
		assertEquals(new RawRange(0, 255), RawRange.of(bits, PixelType.UINT8,
			NOT_NEEDED, FullRangeTypes.EIGHT_BIT));
		assertEquals(new RawRange(0, 255), RawRange.of(bits, PixelType.RGB,
			NOT_NEEDED, FullRangeTypes.EIGHT_BIT));
		RasterImage floats = new RasterImage(3, 1, 1, 1, 1, PixelType.FLOAT32,
			new Object[] { new float[] { -0.5f, 2, Float.NaN } });
		assertEquals(new RawRange(-0.5, 2), RawRange.of(bits, PixelType.FLOAT32,
			() -> ChannelStatistics.of(floats, 0), FullRangeTypes.INTEGER));
	}

	@Test
	void aFlatChannelSpansOne() {
		RasterImage flat = new RasterImage(2, 1, 1, 1, 1, PixelType.FLOAT32,
			new Object[] { new float[] { 7, 7 } });
		assertEquals(new RawRange(7, 8), RawRange.of(new Normalization.Percentile(1,
			99.8), PixelType.FLOAT32, () -> ChannelStatistics.of(flat, 0),
			FullRangeTypes.INTEGER));
	}
}
