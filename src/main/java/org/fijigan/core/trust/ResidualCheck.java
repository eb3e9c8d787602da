
package org.fijigan.core.trust;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.image.FinitePixels;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.JavaHeap;
import org.fijigan.core.text.Numbers;

/**
 * Whether what a denoiser removed looks like noise. Noise independent from
 * pixel to pixel averages out: the mean of the residual ({@link Residual},
 * input minus result) over a {@code k x k} window has a standard deviation of
 * {@code sigma / k}. A residual that holds removed signal (a dimmed spot, an
 * erased edge) does not: its local mean stands far above that. Per plane:
 * <ol>
 * <li>The noise level as a function of intensity, as a camera's noise is
 * (Poisson-Gaussian: variance {@code a + b v} at value {@code v}): the result's
 * pixels are put into {@value #BINS} bins of equal count by their value; in
 * each, the variance is the mean square of the residual's fine detail (see
 * below) with each value clipped to the bin's median plus or minus the 99.5th
 * percentile of the absolute deviations from it, so that the few pixels that
 * hold signal hardly count while skewed noise (few photons) keeps nearly all of
 * its variance. The fine detail is each pixel's 2x2 block of the residual taken
 * as {@code (r00 - r01 - r10 + r11) / 2}: for noise independent from pixel to
 * pixel its variance is the noise's, while removed signal, smooth over a few
 * pixels (a dimmed spot, an erased edge), cancels in it: a constant, a ramp or
 * an edge along a row or column leaves nothing, a spot of sigma 1.5 about a
 * sixth of its height. Without it, where the removed signal fills a bin (the
 * brightest bin on a dark background holds the spots), the signal would count
 * as that bin's noise variance and the line fitted through it would judge the
 * spots against a noise of their own size. Noise correlated between neighbours
 * (a half-pixel shift, demosaicing) has less fine detail than variance, by
 * about the same factor in every bin, so each bin's fine detail is scaled by
 * the median over the bins of the residual's variance over its fine detail's,
 * at most {@link #MAX_CORRELATION}; {@code a} and {@code b} are the
 * least-squares line through those (b at least 0, a at least 0); where the
 * result has one level alone (a flat result), {@code b} is taken from the
 * residual's third cumulant ({@code b^2 v} for shot noise) and {@code a} is the
 * rest of the variance; each pixel's variance is the line at its result value,
 * at least a hundredth of the whole plane's.</li>
 * <li>For each window side {@code k} of {@link #WINDOWS}, at every window
 * wholly inside the plane, the local mean {@code m} of the residual and its
 * standard deviation for noise,
 * {@code sqrt(mean over the window of the variance) / k}; their ratio
 * {@code z}. Shot noise is skewed (a Poisson count's third cumulant is its
 * mean: {@code b^2 v} here), so a window's {@code z} is compared with the
 * threshold below corrected for the window's skewness {@code g} by the
 * Cornish-Fisher expansion, {@code t + (t^2 - 1) g / 6} for positive and
 * {@code t - (t^2 - 1) g / 6} for negative {@code z} (the correction at most
 * {@code t / 2}, where the expansion no longer holds).</li>
 * <li>The plane's residual has structure when the largest {@code |z|} passes
 * the threshold that the largest of {@code n} independent standard normal
 * values passes with probability {@value #FALSE_ALARM_RATE} (the normal
 * quantile of {@code 1 - rate / (2 n)}), with
 * {@code n = }{@value #EFFECTIVE_WINDOWS_PER_PIXEL}{@code  x pixels}: the
 * number of independent values whose largest behaves like the largest
 * {@code |z|} of pure noise, as measured on white Gaussian noise at 128-1024
 * pixels a side ({@code ResidualCheckBench}).</li>
 * </ol>
 * The rate was measured on pure noise (white Gaussian and Poisson noise on flat
 * and structured images, 128-1024 pixels a side, the result being the
 * noise-free image): see {@code ResidualCheckBench} and docs/trust-tools.md.
 * Residuals of real denoisers are not pure noise (they blur a little), so the
 * note also appears where a model removed a little real signal; it says where
 * to look, not that the result is wrong.
 */
public final class ResidualCheck {

	/** Window sides of the local means: spot-sized and cell-sized. */
	static final int[] WINDOWS = { 5, 15 };
	/**
	 * The most that the residual's variance may exceed its fine detail's and
	 * still be taken for noise: 16, noise averaged over 4x4 pixels (a k x k
	 * average of white noise has k^2 times the variance of its fine detail: a
	 * half-pixel shift's 2x2 average 4). A residual smoother than that throughout
	 * (a model that scaled or offset the whole image) is removed signal, not
	 * noise.
	 */
	static final double MAX_CORRELATION = 16;

	/** Intensity bins of the noise level. */
	static final int BINS = 16;
	/**
	 * The false-alarm rate the threshold is set for, per plane, on pure noise.
	 */
	public static final double FALSE_ALARM_RATE = 0.001;
	/**
	 * Independent normal values per pixel whose largest is distributed as the
	 * largest |z| of pure white noise over both window sizes (measured: the
	 * median of that largest |z| over 100 planes of 256x256 pixels, 4.46, is the
	 * median of the largest of 1.3 values per pixel; 1.5-1.8 at 512 and 1024
	 * pixels; rounded up).
	 */
	static final double EFFECTIVE_WINDOWS_PER_PIXEL = 2;
	/**
	 * Quantile of a bin's absolute deviations at which its residual is clipped
	 * for the variance.
	 */
	static final double CLIP_QUANTILE = 0.995;
	/** Median absolute deviation to standard deviation for normal values. */
	static final double MAD_SCALE = 1.482602218505602;

	/**
	 * What the check found in one plane.
	 *
	 * @param maxZ the largest |local mean / its noise standard deviation| of any
	 *          window size, scaled by the skewness correction of its window so
	 *          that it compares with {@code threshold}
	 * @param threshold the largest |z| pure noise reaches at the false-alarm
	 *          rate, for this plane size
	 * @param window the window side of {@code maxZ}
	 * @param flagged pixels whose |z| passes the threshold at some window size
	 * @param windows windows looked at: 0 when the plane is smaller than the
	 *          smallest window, or has no finite residual
	 */
	public record Finding(double maxZ, double threshold, int window, int flagged,
			long windows) {

		/** Whether the residual has structure noise would not have. */
		public boolean isStructured() {
			return maxZ > threshold;
		}
	}

	private ResidualCheck() {}

	/**
	 * Checks one plane: {@code residual = input - result} and {@code result},
	 * both {@code width x height}. A residual of zeros (nothing removed) is no
	 * structure. Pixels whose residual or result is not finite (NaN, infinite)
	 * are left out: a window's mean and noise are those of its other pixels.
	 */
	public static Finding check(float[] residual, float[] result, int width,
		int height)
	{
		int n = width * height;
		boolean[] finite = new boolean[n];
		int valid = 0;
		for (int i = 0; i < n; i++)
			if (finite[i] = Float.isFinite(residual[i]) && Float.isFinite(result[i]))
				valid++;
		double threshold = threshold(n), bend = (threshold * threshold - 1) / 6;
		if (valid == 0 || WINDOWS[0] > Math.min(width, height)) return new Finding(
			0, threshold, WINDOWS[0], 0, 0);
		float[] keptResidual = new float[valid], keptResult = new float[valid];
		for (int i = 0, j = 0; i < n; i++)
			if (finite[i]) {
				keptResidual[j] = residual[i];
				keptResult[j++] = result[i];
			}
		float[] detail = fineDetail(residual, finite, width, height), keptDetail =
			new float[valid];
		for (int i = 0, j = 0; i < n; i++)
			if (finite[i]) keptDetail[j++] = detail[i];
		detail = null;
		double[][] model = noiseModel(keptResidual, keptDetail, keptResult);
		long windows = 0;
		for (int k : WINDOWS)
			if (k <= Math.min(width, height)) windows += (long) (width - k + 1) *
				(height - k + 1);
		if (model == null) return new Finding(0, threshold, WINDOWS[0], 0, windows);
		// back to the plane, left-out pixels counting 0 in every sum
		double[] removed = new double[n];
		double[][] noise = new double[2][n];
		for (int i = 0, j = 0; i < n; i++)
			if (finite[i]) {
				removed[i] = residual[i];
				noise[0][i] = model[0][j];
				noise[1][i] = model[1][j++];
			}
		double maxZ = 0;
		int window = WINDOWS[0];
		boolean[] flagged = new boolean[n];
		for (int k : WINDOWS) {
			if (k > Math.min(width, height)) continue;
			double[] mean = boxMean(removed, width, height, k);
			double[] var = boxMean(noise[0], width, height, k), third = boxMean(
				noise[1], width, height, k);
			int r = k / 2;
			for (int i = 0; i < n; i++) {
				int x = i % width, y = i / width;
				if (x < r || y < r || x >= width - r || y >= height - r) continue; // mirrored
																																						// pixels
																																						// repeat
				if (!(var[i] > 0)) continue; // no finite pixel in the window
				double signed = mean[i] * k / Math.sqrt(var[i]);
				double skew = third[i] / (k * Math.pow(var[i], 1.5));
				// the distance past the skew-corrected threshold, in units of the plain
				// one
				double shift = Math.min(0.5 * threshold, bend * skew); // the expansion
																																// fails for
																																// large skew
				double z = Math.abs(signed) * threshold / (threshold + Math.signum(
					signed) * shift);
				if (z > maxZ) {
					maxZ = z;
					window = k;
				}
				if (z > threshold) flagged[i] = true;
			}
		}
		int count = 0;
		for (boolean f : flagged)
			count += f ? 1 : 0;
		return new Finding(maxZ, threshold, window, count, windows);
	}

	/**
	 * What the check found in every plane of an image.
	 *
	 * @param note one line for the user when some plane's residual has structure,
	 *          else null
	 * @param property the result's {@code fiji-gan.residual-check}: structure,
	 *          like noise, or not checked and why
	 */
	public record Verdict(String note, String property) {
	}

	/**
	 * Checks every plane of a same-size input and result (raw values, the result
	 * as a denoiser returned it).
	 *
	 * @return one line for the user when some plane's residual has structure,
	 *         else null
	 */
	public static String note(RasterImage input, RasterImage result) {
		return verdict(input, result).note();
	}

	/**
	 * Checks every plane of a same-size input and result (raw values, the result
	 * as a denoiser returned it): the note and the property.
	 */
	public static Verdict verdict(RasterImage input, RasterImage result) {
		return verdict(input, result, 0);
	}

	/**
	 * As {@link #verdict(RasterImage, RasterImage)}, told the normalisation's
	 * scale: the largest magnitude its maps carry values through (its raw range
	 * and ends), which the rounding of the trip there and back follows; 0 where
	 * it is not known, and the input's robust range stands for it.
	 */
	public static Verdict verdict(RasterImage input, RasterImage result,
		double normalisationScale)
	{
		return verdict(input, result, null, normalisationScale);
	}

	/**
	 * As {@link #verdict(RasterImage, RasterImage, double)}, each result channel
	 * {@code k} compared with input channel {@code sources[k]}, the one it was
	 * made from (a model fed its channels in another order, {@code --channels
	 * 2,1,0}); {@code sources} null compares channel k with channel k.
	 */
	public static Verdict verdict(RasterImage input, RasterImage result,
		int[] sources, double normalisationScale)
	{
		long need = bytesPerPlane(input.width(), input.height());
		return verdict(input, result, sources, normalisationScale, need, JavaHeap
			.free(need));
	}

	/**
	 * Java heap one plane's check may hold at once, in bytes per pixel: the
	 * residual, result and input planes (4 each), which pixels are finite (1) and
	 * those pixels' residual and result (8), the residual's fine detail and that
	 * of those pixels (8), the noise model (16 and a 4 byte bin), the residual,
	 * variance and skew as doubles (24), the flags (1), a window's three means
	 * (24) and a box mean's rows (8), rounded up.
	 */
	static final long BYTES_PER_PIXEL = 110;

	/** Java heap the check of one {@code width x height} plane may hold. */
	static long bytesPerPlane(int width, int height) {
		return BYTES_PER_PIXEL * width * height;
	}

	/**
	 * The check, plane by plane, with {@code free} bytes of heap for one plane's
	 * {@code need}: where that is too little, the check is not made and the note
	 * says so, with the numbers and the fix.
	 */
	static Verdict verdict(RasterImage input, RasterImage result, long need,
		long free)
	{
		return verdict(input, result, null, 0, need, free);
	}

	static Verdict verdict(RasterImage input, RasterImage result, int[] sources,
		double normalisationScale, long need, long free)
	{
		int w = input.width(), h = input.height();
		if (need > free) return notChecked(w, h, need, JavaHeap.shortOf(need,
			free));
		try {
			return checkPlanes(input, result, sources, normalisationScale);
		}
		catch (OutOfMemoryError e) {
			return notChecked(w, h, need, "the Java heap ran out: give Java more " +
				"(JAVA_OPTS=-Xmx, or Edit>Options>Memory in Fiji)");
		}
	}

	private static Verdict notChecked(int w, int h, long need, String why) {
		String what = "not checked (one " + w + "x" + h + " plane needs about " +
			Numbers.bytes(need) + " of Java memory for it)";
		return new Verdict("the residual check (whether what the model removed " +
			"is only noise) was skipped: one " + w + "x" + h + " plane needs about " +
			Numbers.bytes(need) + " of Java memory for it, but " + why, what);
	}

	private static Verdict checkPlanes(RasterImage input, RasterImage result,
		int[] sources, double normalisationScale)
	{
		if (input.width() != result.width() || input.height() != result.height())
			throw new GanException("the result is " + result.width() + "x" + result
				.height() + " but the input is " + input.width() + "x" + input
					.height() + ": a residual needs a result of the input's size");
		if (sources == null) sources = Planes.sameChannels(input, result);
		else Planes.requireSources(input, result, sources);
		int w = input.width(), h = input.height(), planes = result
			.logicalChannels() * result.slices() * result.frames();
		boolean reordered = !Planes.isIdentity(sources);
		List<String> where = new ArrayList<>();
		Finding worst = null;
		int unchecked = 0;
		for (int t = 0; t < result.frames(); t++)
			for (int z = 0; z < result.slices(); z++)
				for (int c = 0; c < result.logicalChannels(); c++) {
					float[] in = Planes.read(input, sources[c], z, t), out = Planes.read(
						result, c, z, t), removed = new float[in.length];
					for (int i = 0; i < in.length; i++)
						removed[i] = in[i] - out[i];
					if (negligible(removed, in, normalisationScale)) continue;
					in = null;
					Finding f = check(removed, out, w, h);
					if (f.windows() == 0) unchecked++;
					if (!f.isStructured()) continue;
					// where in the image: channel 2, slice 3 (ImageJ's numbers)
					String place = FinitePixels.placeOf(result, c, z + t * result
						.slices());
					where.add(place.substring(0, Math.max(0, place.length() - " of "
						.length())) + (reordered ? " (from input channel " + (sources[c] +
							1) + ")" : ""));
					if (worst == null || f.maxZ() > worst.maxZ()) worst = f;
				}
		if (worst == null) {
			String like =
				"like noise: no window of the residual (input - result) has a local mean beyond what " +
					"noise allows";
			if (Math.min(w, h) < WINDOWS[0]) return new Verdict(null,
				"not checked (too small: the check looks at windows of " + WINDOWS[0] +
					"x" + WINDOWS[0] + " pixels and more, the image is " + w + "x" + h +
					")");
			if (unchecked == planes) return new Verdict(null,
				"not checked (no finite value in the residual)");
			return new Verdict(null, unchecked == 0 ? like : like + " (" + unchecked +
				" of " + planes + " planes not checked: no finite value in the " +
				"residual)");
		}
		String planesText = planes == 1 ? "" : " in " + (where.size() <= 10 ? String
			.join("; ", where) : String.join("; ", where.subList(0, 10)) + " and " +
				(where.size() - 10) + " more") + " (" + where.size() + " of " + planes +
			" planes)";
		return new Verdict(String.format(Locale.ROOT, NOT_ONLY_NOISE +
			"%s: the residual " +
			"(input - result) has a local mean of %.1f noise standard deviations in a %dx%d window " +
			"(noise passes %.1f once in %d planes), at %d pixel%s; the result may have lost signal " +
			"there (dimmed spots or edges): look at the residual (trust residual / Show What The GAN " +
			"Changed)", planesText, worst.maxZ(), worst.window(), worst.window(),
			worst.threshold(), Math.round(1 / FALSE_ALARM_RATE), worst.flagged(),
			worst.flagged() == 1 ? "" : "s"), "structure: see the note");
	}

	/**
	 * The result's property that records the input channel (from 0, as
	 * {@code --channels} numbers them) each of its channels was made from,
	 * comma-separated, where the model was fed the image's channels in another
	 * order; {@code mixed} where its output channels do not each come from one
	 * input channel. The trust tools compare each result channel with its source.
	 */
	public static final String CHANNELS_PROPERTY = "fiji-gan.channels";

	/** How the note on a residual with structure starts. */
	public static final String NOT_ONLY_NOISE =
		"what the model removed is not only noise";

	/**
	 * How far below a pixel's scale a value removed from it stays that is only
	 * the rounding of 32-bit arithmetic (the normalisation there and back): a
	 * model that changed nothing leaves such a residual, whose structure follows
	 * the values and means nothing. Rounding a 32-bit value moves it by up to
	 * 2^-24 of its magnitude (half a step), and the trip there and back rounds
	 * twice, so it stays within 2^-23 of the larger of the pixel's own magnitude
	 * and the normalisation's range and ends, where the caller tells them (with
	 * the input plane's robust range and ends beside them, which stand for them
	 * where not told; see {@link #negligible}); this allows four times that, 4
	 * steps of that scale, and no more: on data far from zero (1e7, where one
	 * step is 1) a spot of a few tens that the model erased is well above it, and
	 * is judged.
	 */
	static final double ROUNDING = 0x1p-21;

	/**
	 * The share of the input's finite values below the low end, and above the
	 * high end, of the range that rounding is measured against: a tenth of a
	 * percent, inside the default normalisation's percentiles (1 and 99.8) so
	 * that its rounding is allowed, and past a few extreme values (a nodata value
	 * of -3.4e38, a hot pixel), which would otherwise make every real change of
	 * the plane look like rounding.
	 */
	static final double ROBUST_TAIL = 0.001;

	/**
	 * Whether every value removed is within {@link #ROUNDING} of its pixel's
	 * scale: the larger of the input pixel's magnitude and the input plane's
	 * robust range or its ends' magnitudes (from the {@link #ROBUST_TAIL} and
	 * {@code 1 - ROBUST_TAIL} quantiles of its finite values). Judged per pixel,
	 * so that one extreme value cannot make the rest of the plane's changes pass
	 * for rounding (non-finite values left out). A plane with no finite value
	 * removed (a result all NaN) is not negligible: there is no rounding to
	 * judge, and the check then says the plane was not checked.
	 */
	static boolean negligible(float[] removed, float[] input) {
		return negligible(removed, input, 0);
	}

	/**
	 * As {@link #negligible(float[], float[])}, the scale at least
	 * {@code normalisationScale} (the normalisation's range and ends, 0 where not
	 * known): a range far wider than the data, or far from it, rounds the values
	 * on its own scale.
	 */
	static boolean negligible(float[] removed, float[] input,
		double normalisationScale)
	{
		float[] values = finiteOnly(input);
		Arrays.sort(values);
		double scale = normalisationScale;
		if (values.length > 0) {
			int last = values.length - 1;
			double lo = values[(int) Math.floor(ROBUST_TAIL * last)], hi =
				values[(int) Math.ceil((1 - ROBUST_TAIL) * last)];
			scale = Math.max(scale, Math.max(hi - lo, Math.max(Math.abs(lo), Math.abs(
				hi))));
		}
		boolean any = false;
		for (int i = 0; i < removed.length; i++) {
			float r = removed[i];
			if (!Float.isFinite(r)) continue;
			any = true;
			double own = Float.isFinite(input[i]) ? Math.abs(input[i]) : 0;
			if (Math.abs(r) > ROUNDING * Math.max(scale, own)) return false;
		}
		return any;
	}

	/**
	 * Each pixel's fine detail of the residual: {@code (r00 - r01 - r10 + r11) /
	 * 2} over the 2x2 block that starts at it (that ends at it on the last row or
	 * column), whose variance is the noise's for noise independent from pixel to
	 * pixel and in which smooth removed signal cancels; NaN where a pixel of the
	 * block is left out. The plane is at least 2x2.
	 */
	static float[] fineDetail(float[] residual, boolean[] finite, int width,
		int height)
	{
		float[] d = new float[width * height];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				int i = Math.min(y, height - 2) * width + Math.min(x, width - 2);
				d[y * width + x] = finite[i] && finite[i + 1] && finite[i + width] &&
					finite[i + width + 1] ? (float) ((residual[i] - (double) residual[i +
						1] - residual[i + width] + residual[i + width + 1]) / 2)
						: Float.NaN;
			}
		return d;
	}

	/**
	 * Each pixel's noise variance from the noise-level line at its result value,
	 * and its noise's third cumulant ({@code b^2 v}, shot noise's); null when the
	 * residual is all zeros. A bin's variance is that of {@code detail}, the
	 * residual's fine detail ({@link #fineDetail}; NaN values left out), or of
	 * the residual itself where the bin has no finite detail.
	 */
	static double[][] noiseModel(float[] residual, float[] detail,
		float[] result)
	{
		int n = residual.length;
		double whole = MAD_SCALE * medianAbs(residual, null, 0);
		if (!(whole > 0)) {
			boolean any = false;
			for (float r : residual)
				any |= r != 0;
			if (!any) return null;
			whole = Math.sqrt(meanSquare(residual)); // more than half the residual is
																								// exactly 0
		}
		float[] sorted = result.clone();
		Arrays.sort(sorted);
		float[] edges = new float[BINS - 1];
		for (int b = 1; b < BINS; b++)
			edges[b - 1] = sorted[(int) ((long) b * n / BINS)];
		int[] bin = new int[n];
		for (int i = 0; i < n; i++) {
			int b = 0;
			while (b < edges.length && result[i] >= edges[b])
				b++;
			bin[i] = b;
		}
		double[] level = new double[BINS], variance = new double[BINS];
		boolean[] fromDetail = new boolean[BINS];
		float[] ratios = new float[BINS];
		int rated = 0;
		for (int b = 0; b < BINS; b++) {
			level[b] = medianOf(result, bin, b);
			if (Double.isNaN(level[b])) continue;
			float[] fine = finiteOnly(inBin(detail, bin, b));
			double own = clippedMeanSquare(residual, bin, b);
			fromDetail[b] = fine.length > 0;
			variance[b] = fromDetail[b] ? clippedMeanSquare(fine, null, 0) : own;
			if (fromDetail[b] && variance[b] > 0 && own > 0) ratios[rated++] =
				(float) (own / variance[b]);
		}
		// noise correlated between neighbours (interpolated: registered, shifted,
		// demosaiced) has less fine detail than variance, by about the same
		// factor in every bin, while removed signal raises the ratio only in the
		// bins it fills: the median ratio over the bins scales the fine detail
		// back to the noise's variance, up to MAX_CORRELATION
		double correlation = rated == 0 ? 1 : Math.min(MAX_CORRELATION, median(
			Arrays.copyOf(ratios, rated)));
		double sv = 0, sq = 0, svv = 0, svq = 0;
		int used = 0;
		for (int b = 0; b < BINS; b++) {
			if (Double.isNaN(level[b])) continue;
			if (fromDetail[b]) variance[b] *= correlation;
			sv += level[b];
			sq += variance[b];
			svv += level[b] * level[b];
			svq += level[b] * variance[b];
			used++;
		}
		double slope, offset;
		if (used < 2 || svv * used - sv * sv <= 0) {
			// one level (a flat result): no line to fit. A flat line would switch
			// off the skew correction where counts are low, a line through the origin
			// (all shot noise) would skew Gaussian noise: the residual's own third
			// cumulant, b^2 v for shot noise, says how much of the variance is shot
			// noise
			double v = sv / used, spread = sq / used;
			slope = v > 0 ? Math.min(spread / v, Math.sqrt(Math.max(0,
				clippedThirdCumulant(residual)) / v)) : 0;
			offset = spread - slope * Math.max(0, v);
		}
		else {
			slope = (svq * used - sv * sq) / (svv * used - sv * sv);
			offset = (sq - slope * sv) / used;
		}
		if (slope < 0) {
			slope = 0;
			offset = sq / used;
		}
		if (offset < 0) {
			offset = 0;
			slope = svv > 0 ? svq / svv : 0;
		}
		double floor = 0.01 * whole * whole;
		double[] var = new double[n], third = new double[n];
		for (int i = 0; i < n; i++) {
			var[i] = Math.max(floor, offset + slope * result[i]);
			third[i] = slope * slope * Math.max(0, result[i]);
		}
		return new double[][] { var, third };
	}

	/**
	 * The values of {@code v} in bin {@code b} (all of them when {@code bin} is
	 * null), in a new array.
	 */
	private static float[] inBin(float[] v, int[] bin, int b) {
		int count = 0;
		float[] a = new float[v.length];
		for (int i = 0; i < v.length; i++)
			if (bin == null || bin[i] == b) a[count++] = v[i];
		return Arrays.copyOf(a, count);
	}

	/** The finite values of {@code v}, in a new array. */
	private static float[] finiteOnly(float[] v) {
		int count = 0;
		float[] a = new float[v.length];
		for (float x : v)
			if (Float.isFinite(x)) a[count++] = x;
		return Arrays.copyOf(a, count);
	}

	/** The median of {@code v}, sorted in place; NaN when empty. */
	private static double median(float[] v) {
		if (v.length == 0) return Double.NaN;
		Arrays.sort(v);
		int m = v.length / 2;
		return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2.0;
	}

	/**
	 * The median |value| of {@code v} in bin {@code b} (all of it when
	 * {@code bin} is null); 0 when empty.
	 */
	private static double medianAbs(float[] v, int[] bin, int b) {
		float[] a = inBin(v, bin, b);
		for (int i = 0; i < a.length; i++)
			a[i] = Math.abs(a[i]);
		return a.length == 0 ? 0 : median(a);
	}

	/**
	 * The mean square of {@code v} over bin {@code b}, each value clipped as
	 * {@link #clipped} clips it.
	 */
	private static double clippedMeanSquare(float[] v, int[] bin, int b) {
		double[] x = clipped(inBin(v, bin, b));
		double s = 0;
		for (double d : x)
			s += d * d;
		return s / x.length;
	}

	/**
	 * The third central moment of {@code v}, each value clipped as
	 * {@link #clipped} clips it.
	 */
	private static double clippedThirdCumulant(float[] v) {
		double[] x = clipped(v);
		int count = x.length;
		double mean = 0;
		for (double d : x)
			mean += d / count;
		double third = 0;
		for (double d : x)
			third += (d - mean) * (d - mean) * (d - mean) / count;
		return third;
	}

	/**
	 * {@code v}, each value clipped to the median plus or minus the
	 * {@value #CLIP_QUANTILE} quantile of the absolute deviations from it.
	 */
	private static double[] clipped(float[] v) {
		int count = v.length;
		double median = median(v.clone());
		float[] dev = new float[count];
		for (int i = 0; i < count; i++)
			dev[i] = (float) Math.abs(v[i] - median);
		Arrays.sort(dev);
		double reach = dev[Math.min(count - 1, (int) Math.floor(CLIP_QUANTILE *
			count))];
		double[] x = new double[count];
		for (int i = 0; i < count; i++)
			x[i] = reach > 0 ? Math.max(median - reach, Math.min(median + reach,
				v[i])) : v[i];
		return x;
	}

	/**
	 * The median of {@code v} over bin {@code b}, or NaN when the bin is empty.
	 */
	private static double medianOf(float[] v, int[] bin, int b) {
		return median(inBin(v, bin, b));
	}

	private static double meanSquare(float[] v) {
		double s = 0;
		for (float x : v)
			s += x * (double) x;
		return s / v.length;
	}

	/**
	 * The |z| that pure noise passes with probability {@link #FALSE_ALARM_RATE}
	 * in a plane of {@code pixels}.
	 */
	public static double threshold(long pixels) {
		return normalQuantileOfTail(FALSE_ALARM_RATE / (2 *
			EFFECTIVE_WINDOWS_PER_PIXEL * Math.max(1, pixels)));
	}

	/**
	 * The x with P(N(0,1) > x) = p, for 0 < p < 0.5, by bisection on
	 * {@link #normalTail}.
	 */
	static double normalQuantileOfTail(double p) {
		double lo = 0, hi = 40;
		for (int i = 0; i < 100; i++) {
			double mid = (lo + hi) / 2;
			if (normalTail(mid) > p) lo = mid;
			else hi = mid;
		}
		return (lo + hi) / 2;
	}

	/**
	 * P(N(0,1) > x) for x >= 0: by the series of the error function below 3, by
	 * Laplace's continued fraction of the Mills ratio above
	 * ({@code phi(x) / (x + 1/(x + 2/(x + 3/(x + ...))))}).
	 */
	static double normalTail(double x) {
		double phi = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
		if (x < 3) {
			// P(0 < N < x) = phi(x) * sum x^(2k+1) / (1 * 3 * ... * (2k+1))
			double term = x, sum = x;
			for (int k = 1; k < 200 && term > 1e-17 * sum; k++) {
				term *= x * x / (2 * k + 1);
				sum += term;
			}
			return 0.5 - phi * sum;
		}
		double f = x;
		for (int k = 120; k >= 1; k--)
			f = x + k / f;
		return phi / f;
	}

	/**
	 * The mean of each k x k window (centred, k odd), the plane mirrored beyond
	 * its border.
	 */
	public static double[] boxMean(double[] v, int w, int h, int k) {
		int r = k / 2;
		double[] rows = new double[v.length], out = new double[v.length];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double s = 0;
				for (int d = -r; d <= r; d++)
					s += v[y * w + reflect(x + d, w)];
				rows[y * w + x] = s;
			}
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double s = 0;
				for (int d = -r; d <= r; d++)
					s += rows[reflect(y + d, h) * w + x];
				out[y * w + x] = s / (k * k);
			}
		return out;
	}

	private static int reflect(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * n, m = Math.floorMod(i, period);
		return m < n ? m : period - 1 - m;
	}
}
