
package org.fijigan.core.eval;

/**
 * Full-reference image quality on float planes, computed in double precision.
 * <p>
 * SSIM follows Wang et al. (2004) as scikit-image's
 * {@code structural_similarity} does with
 * {@code gaussian_weights=True, sigma=1.5, use_sample_covariance=False}: local
 * means, variances and covariance from an 11x11 Gaussian window (sigma 1.5,
 * weights normalised to sum 1), {@code C1 = (0.01 L)^2},
 * {@code C2 = (0.03 L)^2} for data range {@code L}, and the mean of the SSIM
 * map over the pixels whose window lies inside the image (5 pixels are cropped
 * at each border). Planes must be at least 11x11.
 */
public final class Metrics {

	/** Side of the SSIM window. */
	public static final int SSIM_WINDOW = 11;
	public static final double SSIM_SIGMA = 1.5;
	public static final double SSIM_K1 = 0.01;
	public static final double SSIM_K2 = 0.03;

	private Metrics() {}

	/** Mean squared difference over all elements. */
	public static double meanSquaredError(float[] reference, float[] test) {
		checkLengths(reference, test);
		double sum = 0;
		for (int i = 0; i < reference.length; i++) {
			double d = (double) test[i] - reference[i];
			sum += d * d;
		}
		return sum / reference.length;
	}

	/**
	 * Peak signal-to-noise ratio in decibels, {@code 10 log10(L^2 / MSE)} over
	 * all elements, for data range {@code L} (e.g. 1 for [0,1], 2 for [-1,1], 255
	 * for 8-bit). Identical arrays give positive infinity.
	 */
	public static double psnr(float[] reference, float[] test, double dataRange) {
		if (!(dataRange > 0)) throw new IllegalArgumentException(
			"data range must be positive");
		double mse = meanSquaredError(reference, test);
		return 10 * Math.log10(dataRange * dataRange / mse);
	}

	/**
	 * Mean structural similarity of {@code channels} planes of
	 * {@code height x width} values stored one after the other (CHW; NCHW works
	 * with {@code channels = N * C}): the mean of the planes' SSIMs, as
	 * scikit-image's {@code channel_axis} does. 1 for identical planes.
	 */
	public static double ssim(float[] reference, float[] test, int channels,
		int height, int width, double dataRange)
	{
		checkLengths(reference, test);
		checkPlane(reference.length, channels, height, width, dataRange);
		double sum = 0;
		for (int c = 0; c < channels; c++)
			sum += ssimPlane(reference, test, c * height * width, height, width,
				dataRange);
		return sum / channels;
	}

	/**
	 * The SSIM map of one {@code height x width} plane (scikit-image's
	 * {@code full=True} map, cropped to where the window lies inside the image):
	 * {@code (height - 10) x (width - 10)} values, entry {@code (y, x)} for the
	 * window centred on pixel {@code (y + 5, x + 5)}, row-major.
	 */
	public static double[] ssimMap(float[] reference, float[] test, int height,
		int width, double dataRange)
	{
		checkLengths(reference, test);
		checkPlane(reference.length, 1, height, width, dataRange);
		return ssimMap(reference, test, 0, height, width, dataRange);
	}

	/**
	 * PSNR over the pixels a mask marks: the mean squared difference over every
	 * channel of the marked pixels. {@code mask} has {@code height * width} flags
	 * shared by the {@code channels} planes (CHW). Positive infinity when they
	 * agree there; NaN when nothing is marked.
	 */
	public static double maskedPsnr(float[] reference, float[] test,
		boolean[] mask, int channels, int height, int width, double dataRange)
	{
		checkLengths(reference, test);
		checkShape(reference.length, channels, height, width);
		if (mask.length != height * width) throw new IllegalArgumentException(
			"mask has " + mask.length + " flags for " + width + "x" + height +
				" pixels");
		if (!(dataRange > 0)) throw new IllegalArgumentException(
			"data range must be positive");
		int plane = height * width;
		double sum = 0;
		long n = 0;
		for (int c = 0; c < channels; c++)
			for (int i = 0; i < plane; i++)
				if (mask[i]) {
					double d = (double) test[c * plane + i] - reference[c * plane + i];
					sum += d * d;
					n++;
				}
		if (n == 0) return Double.NaN;
		return 10 * Math.log10(dataRange * dataRange / (sum / n));
	}

	/**
	 * Mean SSIM over the pixels a mask marks: the SSIM map ({@link #ssimMap})
	 * averaged over the marked pixels whose window lies inside the image (5
	 * pixels from each border), then over the channels. NaN when no marked pixel
	 * lies that far inside.
	 */
	public static double maskedSsim(float[] reference, float[] test,
		boolean[] mask, int channels, int height, int width, double dataRange)
	{
		checkLengths(reference, test);
		checkPlane(reference.length, channels, height, width, dataRange);
		if (mask.length != height * width) throw new IllegalArgumentException(
			"mask has " + mask.length + " flags for " + width + "x" + height +
				" pixels");
		int r = SSIM_WINDOW / 2, vh = height - 2 * r, vw = width - 2 * r;
		double total = 0;
		for (int c = 0; c < channels; c++) {
			double[] map = ssimMap(reference, test, c * height * width, height, width,
				dataRange);
			double sum = 0;
			long n = 0;
			for (int y = 0; y < vh; y++)
				for (int x = 0; x < vw; x++)
					if (mask[(y + r) * width + x + r]) {
						sum += map[y * vw + x];
						n++;
					}
			if (n == 0) return Double.NaN;
			total += sum / n;
		}
		return total / channels;
	}

	private static void checkShape(int length, int channels, int height,
		int width)
	{
		if ((long) channels * height * width != length)
			throw new IllegalArgumentException(length + " values are not " +
				channels + "x" + height + "x" + width);
	}

	private static void checkPlane(int length, int channels, int height,
		int width, double range)
	{
		checkShape(length, channels, height, width);
		if (height < SSIM_WINDOW || width < SSIM_WINDOW)
			throw new IllegalArgumentException("SSIM " + "needs planes of at least " +
				SSIM_WINDOW + "x" + SSIM_WINDOW + ", got " + width + "x" + height);
		if (!(range > 0)) throw new IllegalArgumentException(
			"data range must be positive");
	}

	private static double ssimPlane(float[] a, float[] b, int offset, int h,
		int w, double range)
	{
		double[] map = ssimMap(a, b, offset, h, w, range);
		double total = 0;
		for (double v : map)
			total += v;
		return total / map.length;
	}

	private static double[] ssimMap(float[] a, float[] b, int offset, int h,
		int w, double range)
	{
		int r = SSIM_WINDOW / 2;
		double[] k = new double[SSIM_WINDOW];
		double ksum = 0;
		for (int i = -r; i <= r; i++)
			ksum += k[i + r] = Math.exp(-0.5 * i * i / (SSIM_SIGMA * SSIM_SIGMA));
		for (int i = 0; i < k.length; i++)
			k[i] /= ksum;
		// 'valid' filtering: rows first over full height, then columns over the
		// cropped width
		int vh = h - 2 * r, vw = w - 2 * r, n = h * vw;
		double[] mx = new double[n], my = new double[n], xx = new double[n], yy =
			new double[n], xy = new double[n];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < vw; x++) {
				double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
				int base = offset + y * w + x;
				for (int i = 0; i < SSIM_WINDOW; i++) {
					double u = a[base + i], v = b[base + i], g = k[i];
					sx += g * u;
					sy += g * v;
					sxx += g * u * u;
					syy += g * v * v;
					sxy += g * u * v;
				}
				int j = y * vw + x;
				mx[j] = sx;
				my[j] = sy;
				xx[j] = sxx;
				yy[j] = syy;
				xy[j] = sxy;
			}
		double c1 = SSIM_K1 * range * SSIM_K1 * range, c2 = SSIM_K2 * range *
			SSIM_K2 * range;
		double[] map = new double[vh * vw];
		for (int y = 0; y < vh; y++)
			for (int x = 0; x < vw; x++) {
				double ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
				for (int i = 0; i < SSIM_WINDOW; i++) {
					int j = (y + i) * vw + x;
					double g = k[i];
					ux += g * mx[j];
					uy += g * my[j];
					uxx += g * xx[j];
					uyy += g * yy[j];
					uxy += g * xy[j];
				}
				double vx = uxx - ux * ux, vy = uyy - uy * uy, cov = uxy - ux * uy;
				map[y * vw + x] = (2 * ux * uy + c1) * (2 * cov + c2) / ((ux * ux + uy *
					uy + c1) * (vx + vy + c2));
			}
		return map;
	}

	private static void checkLengths(float[] a, float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException(
			"arrays differ in length: " + a.length + " and " + b.length);
		if (a.length == 0) throw new IllegalArgumentException("no values");
	}
}
