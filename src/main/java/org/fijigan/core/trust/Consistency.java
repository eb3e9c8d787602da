
package org.fijigan.core.trust;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.text.Numbers;

/**
 * Whether a super-resolution result agrees with the image it came from: the
 * result is averaged back down over {@code scale x scale} blocks (area
 * averaging, the inverse of sampling a pixel into {@code scale x scale} output
 * pixels) and the input is subtracted. Where the model invented detail that the
 * measured pixels do not support, the map is far from zero.
 *
 * @param map {@code downscaled(result) - input}: a new 32-bit image of the
 *          input's size, one channel per logical channel
 * @param scale output pixels per input pixel along x and y
 * @param psnr peak signal-to-noise ratio of the downscaled result against the
 *          input in dB, with the input's value range ({@link #inputRange}) as
 *          peak; infinite when they are equal, NaN when the input is constant
 *          and they are not
 * @param meanAbsoluteDifference mean of {@code |map|} over finite pixels, in
 *          the input's units
 * @param inputRange max - min of the input's finite pixels (1 when the input is
 *          constant)
 */
public record Consistency(RasterImage map, int scale, double psnr,
		double meanAbsoluteDifference, double inputRange) {

	/**
	 * The mean absolute difference as a fraction of the input's value range; NaN
	 * for a constant input.
	 */
	public double relativeMeanAbsoluteDifference() {
		return inputRange > 0 ? meanAbsoluteDifference / inputRange : Double.NaN;
	}

	/**
	 * One line for a log:
	 * {@code scale 4: PSNR 41.2 dB, mean |difference| 0.53 (0.21% of the input's range 255)}.
	 */
	public String summary() {
		if (!(inputRange > 0)) return "scale " + scale + ": mean |difference| " +
			Numbers.rounded(meanAbsoluteDifference, 6) + " (the input is constant: " +
			"it has no range to give a PSNR or a percentage of)";
		return "scale " + scale + ": PSNR " + (Double.isInfinite(psnr) ? "inf"
			: String.format(java.util.Locale.ROOT, "%.2f", psnr)) +
			" dB, mean |difference| " + Numbers.rounded(meanAbsoluteDifference, 6) +
			" (" + Numbers.rounded(100 * relativeMeanAbsoluteDifference(), 6) +
			"% of the input's range " + Numbers.rounded(inputRange, 6) + ")";
	}

	/**
	 * Compares a super-resolution result with its input. Reads both images only.
	 *
	 * @param scale output pixels per input pixel, or 0 to take it from the two
	 *          sizes
	 * @throws GanException when the result is not the input's size times a whole
	 *           scale, or the channels, slices or frames differ
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
		Planes.requireSamePlanes(input, "input", result, "result");
		RasterImage map = Planes.float32Like(input, w, h, "Consistency of " + result
			.title());
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY,
				squares = 0, absolutes = 0;
		long n = 0;
		double blockArea = (double) s * s;
		for (int t = 0; t < input.frames(); t++)
			for (int z = 0; z < input.slices(); z++)
				for (int c = 0; c < input.logicalChannels(); c++) {
					float[] in = Planes.read(input, c, z, t), out = Planes.read(result, c,
						z, t);
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
								min = Math.min(min, v);
								max = Math.max(max, v);
							}
							if (Double.isFinite(d)) {
								squares += d * d;
								absolutes += Math.abs(d);
								n++;
							}
						}
					map.writeRegion(c, z, t, 0, 0, w, h, diff, 0);
				}
		if (n == 0) throw new GanException(
			"the input and the result have no finite pixels to compare");
		double range = max - min, mse = squares / n;
		// a constant input has no range to measure against: no PSNR then
		double psnr = mse == 0 ? Double.POSITIVE_INFINITY : range > 0 ? 10 * Math
			.log10(range * range / mse) : Double.NaN;
		Consistency r = new Consistency(map, s, psnr, absolutes / n, range);
		map.properties().put("fiji-gan.trust",
			"consistency = area-downscaled result - input");
		map.properties().put("fiji-gan.trust.summary", r.summary());
		return r;
	}

	private static int inferScale(RasterImage input, RasterImage result) {
		int w = input.width(), h = input.height();
		if (result.width() % w != 0 || result.height() % h != 0 || result.width() /
			w != result.height() / h) throw new GanException("the result (" + result
				.width() + "x" + result.height() + ") is not the input (" + w + "x" +
				h + ") enlarged by one whole scale along x and y");
		return result.width() / w;
	}
}
