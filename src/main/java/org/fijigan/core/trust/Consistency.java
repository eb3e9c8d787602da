
package org.fijigan.core.trust;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.text.Numbers;

/**
 * Whether a super-resolution result agrees with the image it came from: the
 * result is averaged back down over {@code scale x scale} blocks (area
 * averaging, the inverse of sampling a pixel into {@code scale x scale} output
 * pixels) and the input is subtracted. Where the model invented detail that the
 * measured pixels do not support, the map is far from zero. Each channel is
 * scored against its own value range: channels of one image often differ by
 * orders of magnitude, and one range over all of them would hide a dim channel
 * that was invented outright.
 *
 * @param map {@code downscaled(result) - input}: a new 32-bit image of the
 *          input's size, one channel per logical channel
 * @param scale output pixels per input pixel along x and y
 * @param channels the score of each logical channel, in order (one for a
 *          single-channel image)
 * @param sources the input channel each result channel was compared with, where
 *          the result records that it was made from the input's channels in
 *          another order ({@code fiji-gan.channels}); null where channel k was
 *          compared with channel k
 */
public record Consistency(RasterImage map, int scale, List<Score> channels,
		int[] sources) {

	public Consistency {
		channels = List.copyOf(channels);
		sources = sources == null ? null : sources.clone();
	}

	/** A consistency whose result channel k was compared with input channel k. */
	public Consistency(RasterImage map, int scale, List<Score> channels) {
		this(map, scale, channels, null);
	}

	/**
	 * The score of one channel, over all its slices and frames.
	 *
	 * @param psnr peak signal-to-noise ratio of the downscaled result against the
	 *          input in dB, with the channel's value range in the input
	 *          ({@link #inputRange}) as peak; infinite when they are equal, NaN
	 *          when the channel is constant and they are not
	 * @param meanAbsoluteDifference mean of {@code |map|} over finite pixels, in
	 *          the input's units
	 * @param inputRange max - min of the channel's finite pixels in the input (0
	 *          when it is constant)
	 * @param leftOut map pixels left out of the score because they are not finite
	 *          (NaN or infinite in the input or in the result's block); the text
	 *          says how many, never dropping them silently
	 * @param pixels map pixels of the channel over all its slices and frames
	 */
	public record Score(double psnr, double meanAbsoluteDifference,
			double inputRange, long leftOut, long pixels) {

		/**
		 * The mean absolute difference as a fraction of the channel's value range;
		 * NaN for a constant channel.
		 */
		public double relativeMeanAbsoluteDifference() {
			return inputRange > 0 ? meanAbsoluteDifference / inputRange : Double.NaN;
		}

		/** How far it departs: NaN PSNR (a constant channel changed) worst. */
		double badness() {
			return Double.isNaN(psnr) ? Double.POSITIVE_INFINITY : -psnr;
		}

		String text() {
			if (Double.isNaN(meanAbsoluteDifference))
				return "no finite pixels to compare";
			return score() + (leftOut == 0 ? "" : "; over " + (pixels - leftOut) +
				" of " + pixels + " pixels: " + leftOut + " left out, NaN or " +
				"infinite in the input or the result");
		}

		private String score() {
			if (!(inputRange > 0)) return "mean |difference| " + Numbers.rounded(
				meanAbsoluteDifference, 6) + " (the input is constant: " +
				"it has no range to give a PSNR or a percentage of)";
			return "PSNR " + (Double.isInfinite(psnr) ? "inf" : String.format(
				java.util.Locale.ROOT, "%.2f", psnr)) + " dB, mean |difference| " +
				Numbers.rounded(meanAbsoluteDifference, 6) + " (" + Numbers.rounded(
					100 * relativeMeanAbsoluteDifference(), 6) +
				"% of the input's range " + Numbers.rounded(inputRange, 6) + ")";
		}
	}

	/**
	 * The channel that departs most from the input (lowest PSNR; a constant
	 * channel that changed first): the only one for a single-channel image.
	 */
	public Score worst() {
		Score w = channels.get(0);
		for (Score c : channels)
			if (c.badness() > w.badness()) w = c;
		return w;
	}

	/** The PSNR of the {@linkplain #worst() worst channel}. */
	public double psnr() {
		return worst().psnr();
	}

	/**
	 * The mean absolute difference of the {@linkplain #worst() worst channel}.
	 */
	public double meanAbsoluteDifference() {
		return worst().meanAbsoluteDifference();
	}

	/** The input's value range in the {@linkplain #worst() worst channel}. */
	public double inputRange() {
		return worst().inputRange();
	}

	/**
	 * The {@linkplain #worst() worst channel}'s mean absolute difference as a
	 * fraction of its value range; NaN for a constant channel.
	 */
	public double relativeMeanAbsoluteDifference() {
		return worst().relativeMeanAbsoluteDifference();
	}

	/**
	 * One line per channel for a log:
	 * {@code scale 4: PSNR 41.2 dB, mean |difference| 0.53 (0.21% of the input's range 255)}
	 * for a single-channel image, and {@code scale 4, channel 2 of 3: PSNR ...}
	 * on each line of a multi-channel one, the range being that channel's.
	 */
	public List<String> lines() {
		if (channels.size() == 1) return List.of("scale " + scale + ": " + channels
			.get(0).text());
		List<String> lines = new ArrayList<>();
		for (int c = 0; c < channels.size(); c++)
			lines.add("scale " + scale + ", channel " + (c + 1) + " of " + channels
				.size() + (sources == null ? "" : " (against input channel " +
					(sources[c] + 1) + ", which the result records it was made from)") +
				": " + channels.get(c).text());
		return lines;
	}

	/** {@link #lines()} joined by line breaks. */
	public String summary() {
		return String.join(System.lineSeparator(), lines());
	}

	/**
	 * Compares a super-resolution result with its input. Reads both images only.
	 *
	 * @param scale output pixels per input pixel, or 0 to take it from the two
	 *          sizes
	 * @throws GanException when the result is not the input's size times a whole
	 *           scale, or the slices or frames differ, or the channels where the
	 *           result records no input channel for each of its own (each result
	 *           channel is compared with the input channel it records it was made
	 *           from, {@code fiji-gan.channels}, else with the same channel)
	 */
	public static Consistency of(RasterImage input, RasterImage result,
		int scale)
	{
		if (scale < 0) throw new GanException(
			"the scale must be a whole number of output pixels per " +
				"input pixel, at least 1 (or 0 to take it from the sizes), not " +
				scale);
		int w = input.width(), h = input.height();
		int s = scale > 0 ? scale : inferScale(input, result);
		if (result.width() != (long) w * s || result.height() != (long) h * s)
			throw new GanException("the result is " + result.width() + "x" + result
				.height() + ", not the input's " + w + "x" + h + " times " + s);
		int[] sources = Planes.sourceChannels(input, result);
		RasterImage map = Planes.float32Like(result, w, h, "Consistency of " +
			result.title());
		map.setCalibration(input.calibration());
		int channels = result.logicalChannels();
		double[] min = new double[channels], max = new double[channels], squares =
			new double[channels], absolutes = new double[channels];
		long[] n = new long[channels], pixels = new long[channels];
		java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
		java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
		double blockArea = (double) s * s;
		for (int t = 0; t < input.frames(); t++)
			for (int z = 0; z < input.slices(); z++)
				for (int c = 0; c < channels; c++) {
					float[] in = Planes.read(input, sources[c], z, t), out = Planes.read(
						result, c, z, t);
					float[] diff = new float[w * h];
					int rw = w * s;
					for (int y = 0; y < h; y++)
						for (int x = 0; x < w; x++) {
							double sum = 0;
							for (int dy = 0; dy < s; dy++) {
								int row = (y * s + dy) * rw + x * s;
								for (int dx = 0; dx < s; dx++)
									sum += out[row + dx];
							}
							double v = in[y * w + x], d = sum / blockArea - v;
							diff[y * w + x] = (float) d;
							if (Double.isFinite(v)) {
								min[c] = Math.min(min[c], v);
								max[c] = Math.max(max[c], v);
							}
							pixels[c]++;
							if (Double.isFinite(d)) {
								squares[c] += d * d;
								absolutes[c] += Math.abs(d);
								n[c]++;
							}
						}
					map.writeRegion(c, z, t, 0, 0, w, h, diff, 0);
				}
		if (java.util.Arrays.stream(n).sum() == 0) throw new GanException(
			"the input and the result have no finite pixels to compare");
		List<Score> scores = new ArrayList<>();
		for (int c = 0; c < channels; c++) {
			double range = max[c] > min[c] ? max[c] - min[c] : 0, mse = n[c] == 0
				? Double.NaN : squares[c] / n[c];
			// a constant channel has no range to measure against: no PSNR then
			double psnr = mse == 0 ? Double.POSITIVE_INFINITY : range > 0 ? 10 * Math
				.log10(range * range / mse) : Double.NaN;
			scores.add(new Score(psnr, n[c] == 0 ? Double.NaN : absolutes[c] / n[c],
				range, pixels[c] - n[c], pixels[c]));
		}
		Consistency r = new Consistency(map, s, scores, Planes.isIdentity(sources)
			? null : sources);
		map.properties().put("fiji-gan.trust",
			"consistency = area-downscaled result - input");
		map.properties().put("fiji-gan.trust.summary", String.join("; ", r
			.lines()));
		return r;
	}

	private static int inferScale(RasterImage input, RasterImage result) {
		int w = input.width(), h = input.height();
		double sx = result.width() / (double) w, sy = result.height() / (double) h;
		if (result.width() % w != 0 || result.height() % h != 0 || sx != sy ||
			sx < 1) throw new GanException("the result (" + result.width() + "x" +
				result.height() + ") is not the input (" + w + "x" + h +
				") enlarged by one whole scale along x and y (it is x" + Numbers
					.rounded(sx, 4) + " along x and x" + Numbers.rounded(sy, 4) +
				" along y): " +
				"the consistency check averages whole blocks of scale x scale " +
				"pixels, so it does not check " + (sx < 1 || sy < 1
					? "a result smaller than its input" : sx == Math.rint(sx) &&
						sy == Math.rint(sy) ? "a result enlarged differently along x and y"
							: "a result of a scale that is not a whole number"));
		return result.width() / w;
	}
}
