
package org.fijigan.core.image;

import java.util.Arrays;

/**
 * Statistics of one logical channel (or several together) over one plane or all
 * slices and frames of an image, computed in one streaming pass without a float
 * copy of the image: exact histograms for 8- and 16-bit data, and a
 * deterministic subsample (at most {@link #MAX_FLOAT_SAMPLES} values) for float
 * data. NaN and infinite values are skipped and counted.
 */
public final class ChannelStatistics {

	/**
	 * Float channels with more finite values than this are subsampled at a fixed
	 * stride.
	 */
	public static final int MAX_FLOAT_SAMPLES = 1 << 22;

	private final long[] histogram; // integer types
	private final float[] sorted; // float type
	private final long count;
	private final long nonFinite;
	private final double mean;
	private final double std;
	private final double min;
	private final double max;

	private ChannelStatistics(long[] histogram, float[] sorted, long count,
		long nonFinite, double mean, double std, double min, double max)
	{
		this.histogram = histogram;
		this.sorted = sorted;
		this.count = count;
		this.nonFinite = nonFinite;
		this.mean = mean;
		this.std = std;
		this.min = min;
		this.max = max;
	}

	/**
	 * Statistics of logical channel {@code channel} of {@code image}, over all
	 * its planes.
	 */
	public static ChannelStatistics of(RasterImage image, int channel) {
		return of(image, new int[] { channel }, -1);
	}

	/**
	 * Statistics of the values of {@code channels} (logical channels, taken
	 * together) in one plane of {@code image}, or in all its planes.
	 *
	 * @param plane {@code z + t * slices}, or -1 for all planes
	 */
	public static ChannelStatistics of(RasterImage image, int[] channels,
		int plane)
	{
		return of(image, channels, plane, null);
	}

	/**
	 * As {@link #of(RasterImage, int[], int)}, leaving out the pixels that
	 * {@code leaveOut} marks: the holes of an inpainting mask, which the model
	 * never sees, so that the values under them do not change the statistics of
	 * the known pixels (as NaN pixels do not, but neither counted as non-finite).
	 *
	 * @param leaveOut null, or one channel of {@code image}'s width and height,
	 *          one plane for all planes or one per slice and frame; a pixel is
	 *          left out where it is non-zero and not NaN
	 */
	public static ChannelStatistics of(RasterImage image, int[] channels,
		int plane, RasterImage leaveOut)
	{
		int w = image.width(), h = image.height();
		float[] row = new float[w];
		float[] out = leaveOut == null ? null : new float[w];
		boolean integer = image.type().isInteger();
		long[] hist = integer ? new long[image.type() == PixelType.UINT16 ? 65536
			: 256] : null;
		int planes = plane < 0 ? image.slices() * image.frames() : 1;
		long total = (long) w * h * planes * channels.length;
		int stride = integer ? 1 : (int) Math.max(1, (total + MAX_FLOAT_SAMPLES -
			1) / MAX_FLOAT_SAMPLES);
		float[] samples = integer ? null : new float[(int) Math.min(total,
			MAX_FLOAT_SAMPLES)];
		int nSamples = 0;
		long seen = 0, count = 0, nonFinite = 0;
		// sums of (v - shift), the first finite value, so that the variance keeps
		// its digits when the
		// mean is far from 0
		double shift = Double.NaN, sum = 0, sumSq = 0, min =
			Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (int p = plane < 0 ? 0 : plane; p < (plane < 0 ? planes : plane +
			1); p++)
			for (int channel : channels)
				for (int y = 0; y < h; y++) {
					image.readRegion(channel, p % image.slices(), p / image.slices(), 0,
						y, w, 1, row, 0);
					if (out != null) leaveOut.readRegion(0, leaveOut.planeCount() == 1 ? 0
						: p % image.slices(), leaveOut.planeCount() == 1 ? 0 : p / image
							.slices(), 0, y, w, 1, out, 0);
					for (int x = 0; x < w; x++) {
						if (out != null && out[x] != 0 && !Float.isNaN(out[x])) continue;
						float v = row[x];
						if (!Float.isFinite(v)) {
							nonFinite++;
							continue;
						}
						count++;
						if (count == 1) shift = v;
						double d = v - shift;
						sum += d;
						sumSq += d * d;
						if (v < min) min = v;
						if (v > max) max = v;
						if (integer) hist[(int) v]++;
						else if (seen++ % stride == 0 && nSamples < samples.length)
							samples[nSamples++] = v;
					}
				}
		float[] sorted = null;
		if (!integer) {
			sorted = Arrays.copyOf(samples, nSamples);
			Arrays.sort(sorted);
		}
		double meanShifted = count == 0 ? 0 : sum / count;
		double var = count == 0 ? 0 : Math.max(0, sumSq / count - meanShifted *
			meanShifted);
		double mean = count == 0 ? 0 : shift + meanShifted;
		if (count == 0) {
			min = 0;
			max = 0;
		}
		return new ChannelStatistics(hist, sorted, count, nonFinite, mean, Math
			.sqrt(var), min, max);
	}

	/**
	 * The statistics of several images' channels taken together, as if they were
	 * one image: exact for 8- and 16-bit data (the histograms add up); for float
	 * data the merged samples, thinned at a fixed stride to at most
	 * {@link #MAX_FLOAT_SAMPLES}.
	 *
	 * @throws IllegalArgumentException when the parts mix integer types, or
	 *           integer and float data
	 */
	public static ChannelStatistics pooled(
		java.util.List<ChannelStatistics> parts)
	{
		if (parts.isEmpty()) throw new IllegalArgumentException(
			"no statistics to pool");
		boolean integer = parts.get(0).histogram != null;
		long[] hist = integer ? new long[parts.get(0).histogram.length] : null;
		long count = 0, nonFinite = 0, samples = 0;
		double sum = 0, sumSq = 0, min = Double.POSITIVE_INFINITY, max =
			Double.NEGATIVE_INFINITY;
		for (ChannelStatistics s : parts) {
			if ((s.histogram != null) != integer || integer &&
				s.histogram.length != hist.length) throw new IllegalArgumentException(
					"the images mix pixel types");
			count += s.count;
			nonFinite += s.nonFinite;
			sum += s.mean * s.count;
			sumSq += (s.std * s.std + s.mean * s.mean) * s.count;
			if (s.count > 0) {
				min = Math.min(min, s.min);
				max = Math.max(max, s.max);
			}
			if (integer) for (int v = 0; v < hist.length; v++)
				hist[v] += s.histogram[v];
			else samples += s.sorted.length;
		}
		float[] sorted = null;
		if (!integer) {
			int stride = (int) Math.max(1, (samples + MAX_FLOAT_SAMPLES - 1) /
				MAX_FLOAT_SAMPLES);
			float[] all = new float[(int) Math.min(samples, MAX_FLOAT_SAMPLES)];
			int n = 0;
			long seen = 0;
			for (ChannelStatistics s : parts)
				for (float v : s.sorted)
					if (seen++ % stride == 0 && n < all.length) all[n++] = v;
			sorted = Arrays.copyOf(all, n);
			Arrays.sort(sorted);
		}
		double mean = count == 0 ? 0 : sum / count;
		double var = count == 0 ? 0 : Math.max(0, sumSq / count - mean * mean);
		if (count == 0) {
			min = 0;
			max = 0;
		}
		return new ChannelStatistics(hist, sorted, count, nonFinite, mean, Math
			.sqrt(var), min, max);
	}

	/**
	 * The {@code p}-th percentile (0-100) with linear interpolation between
	 * closest ranks, as NumPy's default: position {@code p/100 * (n-1)} in the
	 * sorted values.
	 */
	public double percentile(double p) {
		if (count == 0) return 0;
		if (sorted != null) {
			if (sorted.length == 0) return 0;
			double pos = p / 100 * (sorted.length - 1);
			int lo = (int) Math.floor(pos);
			int hi = Math.min(lo + 1, sorted.length - 1);
			return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
		}
		double pos = p / 100 * (count - 1);
		long lo = (long) Math.floor(pos);
		double frac = pos - lo;
		double vLo = valueAtRank(lo);
		double vHi = frac == 0 ? vLo : valueAtRank(Math.min(lo + 1, count - 1));
		return vLo + frac * (vHi - vLo);
	}

	/**
	 * The {@code p}-th percentile (0-100) as NumPy's {@code inverted_cdf} method:
	 * the smallest value whose share of values at or below it reaches
	 * {@code p/100}, without interpolation.
	 */
	public double percentileInvertedCdf(double p) {
		if (count == 0) return 0;
		long n = sorted != null ? sorted.length : count;
		if (n == 0) return 0;
		long rank = Math.max(0, Math.min(n - 1, (long) Math.ceil(p / 100 * n) - 1));
		return sorted != null ? sorted[(int) rank] : valueAtRank(rank);
	}

	private double valueAtRank(long rank) {
		long cumulative = 0;
		for (int v = 0; v < histogram.length; v++) {
			cumulative += histogram[v];
			if (cumulative > rank) return v;
		}
		return histogram.length - 1;
	}

	/** Number of finite values. */
	public long count() {
		return count;
	}

	/** Number of NaN and infinite values skipped. */
	public long nonFiniteCount() {
		return nonFinite;
	}

	public double mean() {
		return mean;
	}

	/** Population standard deviation. */
	public double std() {
		return std;
	}

	public double min() {
		return min;
	}

	public double max() {
		return max;
	}
}
