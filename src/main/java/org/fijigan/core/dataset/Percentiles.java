
package org.fijigan.core.dataset;

import java.util.Arrays;

/**
 * Percentiles as NumPy's default ({@code linear}) computes them: the value at
 * rank {@code p / 100 * (n - 1)} of the sorted values, interpolated between the
 * two nearest ranks.
 */
public final class Percentiles {

	private Percentiles() {}

	/**
	 * The percentiles {@code percents} (0..100) of {@code values}; NaN values are
	 * left out. The array is not changed (a copy is sorted).
	 *
	 * @throws IllegalArgumentException when there is no value that is a number
	 */
	public static double[] of(float[] values, double... percents) {
		float[] sorted = new float[values.length];
		int n = 0;
		for (float v : values)
			if (!Float.isNaN(v)) sorted[n++] = v;
		if (n == 0) throw new IllegalArgumentException(
			"no values to take percentiles of");
		sorted = n == values.length ? sorted : Arrays.copyOf(sorted, n);
		Arrays.sort(sorted);
		double[] out = new double[percents.length];
		for (int i = 0; i < percents.length; i++)
			out[i] = ofSorted(sorted, percents[i]);
		return out;
	}

	/** The {@code percent} percentile of ascending {@code sorted} values. */
	static double ofSorted(float[] sorted, double percent) {
		if (!(percent >= 0 && percent <= 100)) throw new IllegalArgumentException(
			"a percentile is " + "between 0 and 100, not " + percent);
		double rank = percent / 100 * (sorted.length - 1);
		int lo = (int) Math.floor(rank), hi = Math.min(sorted.length - 1, lo + 1);
		double f = rank - lo;
		return sorted[lo] + f * ((double) sorted[hi] - sorted[lo]);
	}
}
