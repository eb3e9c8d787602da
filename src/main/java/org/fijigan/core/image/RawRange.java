
package org.fijigan.core.image;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The raw values of one channel that a {@link Normalization} maps to 0 and 1:
 * the one place the percentile, fixed-range and bit-depth rules become numbers,
 * for inference, fine-tuning and evaluation alike.
 * <ul>
 * <li>{@link Normalization.Percentile}: the channel's percentiles.</li>
 * <li>{@link Normalization.FixedRange}: its min and max.</li>
 * <li>{@link Normalization.BitDepthRange}: the pixel type's full range (0-255,
 * 0-65535) for the types {@link FullRangeTypes} names, else the channel's own
 * minimum and maximum.</li>
 * <li>{@link Normalization.None}: 0 and 1, so the map is the identity.</li>
 * </ul>
 * A flat channel ({@code high <= low}, or NaN) gets {@code high = low + 1}, so
 * the span is never 0 ({@link #asFound} leaves it flat).
 */
public record RawRange(double low, double high) {

	/**
	 * Which pixel types {@link Normalization.BitDepthRange} maps by their full
	 * range; the others by the channel's minimum and maximum. The callers differ
	 * here on purpose.
	 */
	public enum FullRangeTypes {

			/** Every integer type (8-bit, 16-bit, RGB): inference and fine-tuning. */
			INTEGER,
			/**
			 * 8-bit and RGB only: the evaluation's default normalisation, under which
			 * a 16-bit image (whose values rarely fill 0-65535) is measured over its
			 * own minimum to maximum.
			 */
			EIGHT_BIT;

		boolean covers(PixelType type) {
			return this == INTEGER ? type.isInteger() : type == PixelType.UINT8 ||
				type == PixelType.RGB;
		}
	}

	/** {@code high - low}: the raw span that maps to 1. */
	public double span() {
		return high - low;
	}

	/**
	 * Whether the rule found no span ({@code high <= low}, or NaN): a range from
	 * {@link #of} never is flat, one from {@link #asFound} may be.
	 */
	public boolean flat() {
		return !(high > low);
	}

	/**
	 * The range {@code rule} gives a channel of pixel type {@code type}; a flat
	 * channel gets {@code high = low + 1}.
	 *
	 * @param statistics the channel's statistics, asked for only when the rule
	 *          needs them
	 */
	public static RawRange of(Normalization rule, PixelType type,
		Supplier<ChannelStatistics> statistics, FullRangeTypes fullRange)
	{
		RawRange r = asFound(rule, type, statistics, fullRange);
		// a flat channel: avoid dividing by zero
		return r.flat() ? new RawRange(r.low, r.low + 1) : r;
	}

	/**
	 * As {@link #of}, a flat channel's range left as the rule found it
	 * ({@link #flat()}), for a caller that treats such a channel apart.
	 */
	public static RawRange asFound(Normalization rule, PixelType type,
		Supplier<ChannelStatistics> statistics, FullRangeTypes fullRange)
	{
		Objects.requireNonNull(rule, "a normalisation rule");
		double lo, hi;
		if (rule instanceof Normalization.None) {
			lo = 0;
			hi = 1;
		}
		else if (rule instanceof Normalization.Percentile p) {
			ChannelStatistics s = statistics.get();
			lo = s.percentile(p.lowPercent());
			hi = s.percentile(p.highPercent());
		}
		else if (rule instanceof Normalization.FixedRange r) {
			lo = r.min();
			hi = r.max();
		}
		else if (fullRange.covers(type)) {
			lo = type.min();
			hi = type.max();
		}
		else {
			ChannelStatistics s = statistics.get();
			lo = s.min();
			hi = s.max();
		}
		return new RawRange(lo, hi);
	}
}
