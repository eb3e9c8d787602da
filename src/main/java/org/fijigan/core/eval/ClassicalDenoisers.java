
package org.fijigan.core.eval;

import java.util.Arrays;

/**
 * Classical denoisers a denoising model is measured against, written here from
 * their papers, as pure functions on one plane of {@code height x width} floats
 * in row-major order. Each returns a new array and leaves its arguments alone;
 * arithmetic is in double precision. Their strength is a multiple of the noise
 * level {@link #noiseSigma} estimates, so one tuned multiple suits images of
 * any contrast.
 */
public final class ClassicalDenoisers {

	/** Half side of the patches non-local means compares: 7x7 patches. */
	public static final int NLM_PATCH_RADIUS = 3;
	/** Half side of the window non-local means searches: 15x15 pixels. */
	public static final int NLM_SEARCH_RADIUS = 7;
	/** Iterations of Chambolle's projection algorithm. */
	public static final int TV_ITERATIONS = 100;
	/**
	 * Chambolle's step: 1/8 guarantees convergence (Chambolle 2004, theorem 3.1).
	 */
	public static final double TV_STEP = 0.125;
	/**
	 * Decomposition levels of the wavelet shrinkage, fewer when the image is
	 * small.
	 */
	public static final int WAVELET_LEVELS = 4;
	/**
	 * Daubechies' orthonormal scaling filter with four vanishing moments (8 taps,
	 * "db4"), from Daubechies, Ten Lectures on Wavelets (1992), table 6.1.
	 */
	static final double[] DB4 = { 0.2303778133088964, 0.7148465705529154,
		0.6308807679298587, -0.0279837694168599, -0.1870348117190931,
		0.0308413818355607, 0.0328830116668852, -0.0105974017850690 };
	/** The median of |N(0, 1)|: a MAD over it estimates a standard deviation. */
	static final double MAD_TO_SIGMA = 0.6744897501960817;

	private ClassicalDenoisers() {}

	/**
	 * The noise's standard deviation, estimated as Donoho and Johnstone do
	 * (1994): the median absolute value of the finest diagonal Haar wavelet
	 * coefficients {@code (a - b - c + d) / 2} of the 2x2 blocks, divided by
	 * 0.6745. Smooth structure hardly reaches those coefficients, so it is the
	 * noise's level; 0 for a plane smaller than 2x2.
	 */
	public static double noiseSigma(float[] plane, int height, int width) {
		int bh = height / 2, bw = width / 2;
		if (bh == 0 || bw == 0) return 0;
		double[] d = new double[bh * bw];
		for (int y = 0; y < bh; y++)
			for (int x = 0; x < bw; x++) {
				int i = 2 * y * width + 2 * x;
				d[y * bw + x] = Math.abs(plane[i] - plane[i + 1] - plane[i + width] +
					plane[i + width + 1]) / 2;
			}
		return median(d) / MAD_TO_SIGMA;
	}

	/**
	 * Non-local means (Buades, Coll and Morel 2005), with the weights of Buades
	 * et al., "Non-local means denoising", IPOL 2011: pixel {@code i} becomes the
	 * mean of the pixels {@code j} of its 15x15 search window weighted by
	 * {@code exp(-max(d^2 - 2 sigma^2, 0) / h^2)}, where {@code d^2} is the mean
	 * squared difference of the 7x7 patches around {@code i} and {@code j} and
	 * {@code sigma} the {@linkplain #noiseSigma estimated} noise level; windows
	 * and patches reach into the plane mirrored beyond its border
	 * ({@code d c b a | a b c d}).
	 *
	 * @param h the filtering parameter, in the values' units ({@code h > 0})
	 */
	public static float[] nonLocalMeans(float[] plane, int height, int width,
		double h)
	{
		if (!(h > 0)) throw new IllegalArgumentException(
			"h must be positive, got " + h);
		double sigma = noiseSigma(plane, height, width), twoSigma2 = 2 * sigma *
			sigma, invH2 = 1 / (h * h);
		int f = NLM_PATCH_RADIUS, r = NLM_SEARCH_RADIUS, n = height * width;
		int ph = height + 2 * f, pw = width + 2 * f; // the plane grown by f on each
																									// side, mirrored
		double[] num = new double[n], den = new double[n], diff = new double[ph *
			pw];
		double[] boxed = new double[n], rows = new double[height * pw];
		double patchArea = (2 * f + 1) * (2 * f + 1);
		for (int dy = -r; dy <= r; dy++)
			for (int dx = -r; dx <= r; dx++) {
				for (int y = 0; y < ph; y++) {
					int ay = Baselines.reflect(y - f, height) * width;
					int by = Baselines.reflect(y - f + dy, height) * width;
					for (int x = 0; x < pw; x++) {
						double d = plane[ay + Baselines.reflect(x - f, width)] - plane[by +
							Baselines.reflect(x - f + dx, width)];
						diff[y * pw + x] = d * d;
					}
				}
				boxMean(diff, rows, boxed, height, width, f, patchArea);
				for (int y = 0; y < height; y++) {
					int sy = Baselines.reflect(y + dy, height);
					for (int x = 0; x < width; x++) {
						int i = y * width + x;
						double w = Math.exp(-Math.max(boxed[i] - twoSigma2, 0) * invH2);
						num[i] += w * plane[sy * width + Baselines.reflect(x + dx, width)];
						den[i] += w;
					}
				}
			}
		float[] out = new float[n];
		for (int i = 0; i < n; i++)
			out[i] = (float) (num[i] / den[i]);
		return out;
	}

	/**
	 * Mean of each (2f+1)^2 box of {@code v}, a {@code (h + 2f) x (w + 2f)} grid,
	 * centred on its inner {@code h x w} pixels, into {@code out}; {@code rows}
	 * ({@code h x (w + 2f)}) is scratch. Running sums: each box costs the same
	 * whatever f.
	 */
	private static void boxMean(double[] v, double[] rows, double[] out, int h,
		int w, int f, double area)
	{
		int pw = w + 2 * f, side = 2 * f + 1;
		for (int x = 0; x < pw; x++) {
			double s = 0;
			for (int k = 0; k < side; k++)
				s += v[k * pw + x];
			rows[x] = s;
			for (int y = 1; y < h; y++) {
				s += v[(y + side - 1) * pw + x] - v[(y - 1) * pw + x];
				rows[y * pw + x] = s;
			}
		}
		for (int y = 0; y < h; y++) {
			double s = 0;
			for (int k = 0; k < side; k++)
				s += rows[y * pw + k];
			out[y * w] = s / area;
			for (int x = 1; x < w; x++) {
				s += rows[y * pw + x + side - 1] - rows[y * pw + x - 1];
				out[y * w + x] = s / area;
			}
		}
	}

	/**
	 * Total-variation denoising (Rudin, Osher and Fatemi 1992): the {@code u}
	 * that minimises {@code ||u - f||^2 / 2 + lambda TV(u)}, by Chambolle's
	 * projection algorithm ("An algorithm for total variation minimization and
	 * applications", 2004): {@code p <- (p + tau grad(div p -
	 * f / lambda)) / (1 + tau |grad(div p - f / lambda)|)} for
	 * {@value #TV_ITERATIONS} steps of {@code tau = 1/8}, then
	 * {@code u = f - lambda div p}; forward differences with zero gradient across
	 * the border, {@code div = -grad*}.
	 *
	 * @param lambda the weight of the total variation, in the values' units
	 *          ({@code >= 0}; 0 returns a copy)
	 */
	public static float[] totalVariation(float[] plane, int height, int width,
		double lambda)
	{
		if (!(lambda >= 0)) throw new IllegalArgumentException(
			"lambda must be >= 0, got " + lambda);
		int n = height * width;
		float[] out = new float[n];
		if (lambda == 0) return plane.clone();
		double[] px = new double[n], py = new double[n], div = new double[n], g =
			new double[n];
		for (int it = 0; it < TV_ITERATIONS; it++) {
			divergence(px, py, div, height, width);
			for (int i = 0; i < n; i++)
				g[i] = div[i] - plane[i] / lambda;
			for (int y = 0; y < height; y++)
				for (int x = 0; x < width; x++) {
					int i = y * width + x;
					double gx = x < width - 1 ? g[i + 1] - g[i] : 0, gy = y < height - 1
						? g[i + width] - g[i] : 0;
					double norm = 1 + TV_STEP * Math.sqrt(gx * gx + gy * gy);
					px[i] = (px[i] + TV_STEP * gx) / norm;
					py[i] = (py[i] + TV_STEP * gy) / norm;
				}
		}
		divergence(px, py, div, height, width);
		for (int i = 0; i < n; i++)
			out[i] = (float) (plane[i] - lambda * div[i]);
		return out;
	}

	/**
	 * The discrete divergence, minus the adjoint of the forward-difference
	 * gradient.
	 */
	private static void divergence(double[] px, double[] py, double[] div, int h,
		int w)
	{
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int i = y * w + x;
				double dx = (x < w - 1 ? px[i] : 0) - (x > 0 ? px[i - 1] : 0);
				double dy = (y < h - 1 ? py[i] : 0) - (y > 0 ? py[i - w] : 0);
				div[i] = dx + dy;
			}
	}

	/**
	 * Wavelet shrinkage with BayesShrink's thresholds (Chang, Yu and Vetterli,
	 * "Adaptive wavelet thresholding for image denoising and compression", 2000):
	 * an orthonormal Daubechies db4 transform of up to {@value #WAVELET_LEVELS}
	 * levels (periodic, of the plane mirrored out to a multiple of
	 * {@code 2^levels}); in each detail sub-band {@code Y}, the coefficients are
	 * soft-thresholded at {@code factor * sigma^2 / sigma_X} with
	 * {@code sigma_X = sqrt(max(mean(Y^2)
	 * - sigma^2, 0))} (all of them when {@code sigma_X} is 0) and {@code sigma}
	 * from the finest diagonal sub-band ({@code median(|HH1|) / 0.6745}); the
	 * approximation is kept. Factor 1 is BayesShrink itself; 0 thresholds
	 * nothing.
	 */
	public static float[] waveletShrink(float[] plane, int height, int width,
		double factor)
	{
		if (!(factor >= 0)) throw new IllegalArgumentException(
			"factor must be >= 0, got " + factor);
		int levels = WAVELET_LEVELS;
		while (levels > 1 && (Math.min(height, width) >> levels) < 4)
			levels--;
		int block = 1 << levels;
		int ph = (height + block - 1) / block * block, pw = (width + block - 1) /
			block * block;
		double[] c = new double[ph * pw];
		for (int y = 0; y < ph; y++)
			for (int x = 0; x < pw; x++)
				c[y * pw + x] = plane[Baselines.reflect(y, height) * width + Baselines
					.reflect(x, width)];
		forward(c, ph, pw, levels);
		// the finest diagonal band: rows ph/2.., columns pw/2..
		double[] hh = new double[(ph / 2) * (pw / 2)];
		for (int y = 0; y < ph / 2; y++)
			for (int x = 0; x < pw / 2; x++)
				hh[y * (pw / 2) + x] = Math.abs(c[(ph / 2 + y) * pw + pw / 2 + x]);
		double sigma = median(hh) / MAD_TO_SIGMA;
		for (int level = 0; level < levels; level++) {
			int bh = ph >> (level + 1), bw = pw >> (level + 1);
			int[][] bands = { { 0, bw }, { bh, 0 }, { bh, bw } }; // top-right,
																														// bottom-left,
																														// bottom-right
			for (int[] b : bands) {
				double sq = 0;
				for (int y = 0; y < bh; y++)
					for (int x = 0; x < bw; x++) {
						double v = c[(b[0] + y) * pw + b[1] + x];
						sq += v * v;
					}
				double sx = Math.sqrt(Math.max(sq / (bh * bw) - sigma * sigma, 0));
				double t = factor == 0 ? 0 : sx == 0 ? Double.POSITIVE_INFINITY
					: factor * sigma * sigma / sx;
				for (int y = 0; y < bh; y++)
					for (int x = 0; x < bw; x++) {
						int i = (b[0] + y) * pw + b[1] + x;
						c[i] = Math.signum(c[i]) * Math.max(Math.abs(c[i]) - t, 0);
					}
			}
		}
		inverse(c, ph, pw, levels);
		float[] out = new float[height * width];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++)
				out[y * width + x] = (float) c[y * pw + x];
		return out;
	}

	/**
	 * The 2D orthonormal db4 transform in place, Mallat's layout: after level
	 * {@code l} the approximation is the top-left {@code (h >> l) x (w >> l)}
	 * block. Sizes are multiples of {@code 2^levels}.
	 */
	static void forward(double[] c, int h, int w, int levels) {
		for (int l = 0; l < levels; l++) {
			int bh = h >> l, bw = w >> l;
			transformRows(c, w, bh, bw, true);
			transformColumns(c, w, bh, bw, true);
		}
	}

	/** Undoes {@link #forward}. */
	static void inverse(double[] c, int h, int w, int levels) {
		for (int l = levels - 1; l >= 0; l--) {
			int bh = h >> l, bw = w >> l;
			transformColumns(c, w, bh, bw, false);
			transformRows(c, w, bh, bw, false);
		}
	}

	private static void transformRows(double[] c, int stride, int bh, int bw,
		boolean analysis)
	{
		double[] line = new double[bw], out = new double[bw];
		for (int y = 0; y < bh; y++) {
			System.arraycopy(c, y * stride, line, 0, bw);
			step(line, out, bw, analysis);
			System.arraycopy(out, 0, c, y * stride, bw);
		}
	}

	private static void transformColumns(double[] c, int stride, int bh, int bw,
		boolean analysis)
	{
		double[] line = new double[bh], out = new double[bh];
		for (int x = 0; x < bw; x++) {
			for (int y = 0; y < bh; y++)
				line[y] = c[y * stride + x];
			step(line, out, bh, analysis);
			for (int y = 0; y < bh; y++)
				c[y * stride + x] = out[y];
		}
	}

	/**
	 * One periodic filter-bank step on {@code n} values: analysis puts the
	 * approximation {@code a[k] = sum_j h[j] x[2k + j]} in the first half and the
	 * detail {@code d[k] = sum_j g[j]
	 * x[2k + j]}, {@code g[j] = (-1)^j h[L - 1 - j]}, in the second; synthesis is
	 * its transpose (the filter bank is orthonormal).
	 */
	static void step(double[] x, double[] out, int n, boolean analysis) {
		double[] h = DB4;
		int taps = h.length, half = n / 2;
		Arrays.fill(out, 0, n, 0);
		for (int k = 0; k < half; k++)
			for (int j = 0; j < taps; j++) {
				int at = Math.floorMod(2 * k + j, n);
				double g = ((j & 1) == 0 ? 1 : -1) * h[taps - 1 - j];
				if (analysis) {
					out[k] += h[j] * x[at];
					out[half + k] += g * x[at];
				}
				else out[at] += h[j] * x[k] + g * x[half + k];
			}
	}

	private static double median(double[] v) {
		double[] s = v.clone();
		Arrays.sort(s);
		int m = s.length / 2;
		return s.length == 0 ? 0 : s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
	}
}
