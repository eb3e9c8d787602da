
package org.fijigan.core.eval;

import java.util.ArrayDeque;
import java.util.Arrays;

import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;

/**
 * The classical methods a model is measured against, as pure functions on one
 * plane of {@code height x width} floats in row-major order. Each returns a new
 * array and leaves its arguments alone; arithmetic is in double precision.
 */
public final class Baselines {

	/**
	 * Keys' cubic convolution parameter, as in MATLAB's and OpenCV's bicubic
	 * resize.
	 */
	public static final double KEYS_A = -0.5;
	/**
	 * Default harmonic-fill tolerance: the largest pixel update of a sweep, in
	 * the values' units.
	 */
	public static final double HARMONIC_TOLERANCE = 1e-7;
	/**
	 * Default bound on the relaxation sweeps per pyramid level of the harmonic
	 * fill.
	 */
	public static final int HARMONIC_MAX_SWEEPS = 20_000;
	/**
	 * Default biharmonic-fill tolerance: the largest residual of the normal
	 * equations over their diagonal, in the values' units.
	 */
	public static final double BIHARMONIC_TOLERANCE = 1e-9;
	/**
	 * Default bound on the conjugate-gradient iterations of the biharmonic fill.
	 */
	public static final int BIHARMONIC_MAX_ITERATIONS = 20_000;

	private Baselines() {}

	/**
	 * Bicubic enlargement by an integer {@code scale}: Keys' cubic convolution
	 * kernel with {@code a = -0.5}, separable, half-pixel centres (output pixel
	 * {@code x} samples the input at {@code (x + 0.5) / scale - 0.5}, as OpenCV's
	 * and PyTorch's {@code align_corners=False}), and the input's edge pixels
	 * repeated beyond its border (clamped indices). The kernel reproduces
	 * polynomials up to degree two, so a linear ramp comes out exact wherever no
	 * sample needs a clamped index.
	 *
	 * @return {@code (height * scale) x (width * scale)} values
	 */
	public static float[] bicubicUpscale(float[] plane, int height, int width,
		int scale)
	{
		checkPlane(plane, height, width);
		if (scale < 1) throw new IllegalArgumentException(
			"scale must be at least 1, got " + scale);
		int oh = height * scale, ow = width * scale;
		int[][] xi = new int[ow][4], yi = new int[oh][4];
		double[][] xw = new double[ow][4], yw = new double[oh][4];
		taps(width, scale, xi, xw);
		taps(height, scale, yi, yw);
		double[] rows = new double[height * ow]; // horizontal pass
		for (int y = 0; y < height; y++)
			for (int x = 0; x < ow; x++) {
				double s = 0;
				for (int k = 0; k < 4; k++)
					s += xw[x][k] * plane[y * width + xi[x][k]];
				rows[y * ow + x] = s;
			}
		float[] out = new float[oh * ow];
		for (int y = 0; y < oh; y++)
			for (int x = 0; x < ow; x++) {
				double s = 0;
				for (int k = 0; k < 4; k++)
					s += yw[y][k] * rows[yi[y][k] * ow + x];
				out[y * ow + x] = (float) s;
			}
		return out;
	}

	/**
	 * The four input indices (clamped) and weights of each output coordinate
	 * along one axis.
	 */
	private static void taps(int n, int scale, int[][] index, double[][] weight) {
		for (int o = 0; o < index.length; o++) {
			double p = (o + 0.5) / scale - 0.5;
			int i0 = (int) Math.floor(p);
			double t = p - i0;
			double[] w = { keys(1 + t), keys(t), keys(1 - t), keys(2 - t) };
			for (int k = 0; k < 4; k++) {
				index[o][k] = Math.max(0, Math.min(n - 1, i0 - 1 + k));
				weight[o][k] = w[k];
			}
		}
	}

	/** Keys' cubic convolution kernel at distance {@code t}. */
	static double keys(double t) {
		double a = KEYS_A, x = Math.abs(t);
		if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
		if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
		return 0;
	}

	/**
	 * Nearest-neighbour enlargement by an integer {@code scale}: every input
	 * pixel becomes a {@code scale x scale} block.
	 */
	public static float[] nearestUpscale(float[] plane, int height, int width,
		int scale)
	{
		checkPlane(plane, height, width);
		if (scale < 1) throw new IllegalArgumentException(
			"scale must be at least 1, got " + scale);
		int ow = width * scale;
		float[] out = new float[height * scale * ow];
		for (int y = 0; y < height * scale; y++)
			for (int x = 0; x < ow; x++)
				out[y * ow + x] = plane[(y / scale) * width + x / scale];
		return out;
	}

	/**
	 * Gaussian blur as fine-tuning's degradation does it: separable, truncated at
	 * 4 sigma, borders mirrored with the edge pixel repeated
	 * ({@code d c b a | a b c d}). A copy for {@code sigma <= 0}.
	 */
	public static float[] gaussianBlur(float[] plane, int height, int width,
		double sigma)
	{
		checkPlane(plane, height, width);
		Planes p = new Planes(1, height, width, plane.clone());
		TrainingDegradations.gaussianBlur(p, sigma);
		return p.values();
	}

	/**
	 * Median of each {@code size x size} neighbourhood ({@code size} odd),
	 * borders mirrored with the edge pixel repeated, as the Gaussian blur.
	 */
	public static float[] medianFilter(float[] plane, int height, int width,
		int size)
	{
		checkPlane(plane, height, width);
		if (size < 1 || size % 2 == 0) throw new IllegalArgumentException(
			"median size must be odd, got " + size);
		int r = size / 2;
		float[] out = new float[plane.length], window = new float[size * size];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				int n = 0;
				for (int dy = -r; dy <= r; dy++) {
					int row = reflect(y + dy, height) * width;
					for (int dx = -r; dx <= r; dx++)
						window[n++] = plane[row + reflect(x + dx, width)];
				}
				Arrays.sort(window);
				out[y * width + x] = window[n / 2];
			}
		return out;
	}

	/** Index {@code i} mirrored into {@code [0, n)}, edge repeated. */
	static int reflect(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * n, m = Math.floorMod(i, period);
		return m < n ? m : period - 1 - m;
	}

	/** Holes filled with the mean of the known pixels; known pixels are kept. */
	public static float[] meanFill(float[] plane, boolean[] holes, int height,
		int width)
	{
		checkPlane(plane, height, width);
		checkHoles(holes, plane);
		double sum = 0;
		long n = 0;
		for (int i = 0; i < plane.length; i++)
			if (!holes[i]) {
				sum += plane[i];
				n++;
			}
		if (n == 0) throw new IllegalArgumentException(
			"every pixel is a hole: nothing to fill from");
		float mean = (float) (sum / n);
		float[] out = plane.clone();
		for (int i = 0; i < out.length; i++)
			if (holes[i]) out[i] = mean;
		return out;
	}

	/**
	 * {@link #harmonicFill(float[], boolean[], int, int, double, int)} with the
	 * default tolerance.
	 */
	public static float[] harmonicFill(float[] plane, boolean[] holes, int height,
		int width)
	{
		return harmonicFill(plane, holes, height, width, HARMONIC_TOLERANCE,
			HARMONIC_MAX_SWEEPS);
	}

	/**
	 * Harmonic (Laplace, membrane) inpainting: the holes take the solution of
	 * Laplace's equation with the known pixels as Dirichlet boundary, on the
	 * 4-neighbour grid; where a hole touches the image border the border is a
	 * mirror (zero normal derivative: only neighbours inside the image count).
	 * Solved by successive over-relaxation (Gauss-Seidel order, relaxation factor
	 * from the holes' thickness) started from the solution on a pyramid of
	 * half-size grids, coarsest first, so large holes converge in a few hundred
	 * sweeps. Each level stops when no pixel changes by more than
	 * {@code tolerance} in a sweep (after the relaxation factor is divided out),
	 * or after {@code maxSweeps} sweeps. Known pixels are kept exactly.
	 *
	 * @throws IllegalArgumentException when every pixel is a hole
	 */
	public static float[] harmonicFill(float[] plane, boolean[] holes, int height,
		int width, double tolerance, int maxSweeps)
	{
		checkPlane(plane, height, width);
		checkHoles(holes, plane);
		if (!(tolerance > 0) || maxSweeps < 1) throw new IllegalArgumentException(
			"tolerance and sweeps must be positive");
		double[] u = new double[plane.length];
		boolean any = false;
		for (int i = 0; i < u.length; i++) {
			u[i] = plane[i];
			any |= !holes[i];
		}
		if (!any) throw new IllegalArgumentException(
			"every pixel is a hole: nothing to fill from");
		solve(u, holes.clone(), height, width, tolerance, maxSweeps);
		float[] out = plane.clone();
		for (int i = 0; i < out.length; i++)
			if (holes[i]) out[i] = (float) u[i];
		return out;
	}

	/**
	 * {@link #biharmonicFill(float[], boolean[], int, int, double, int)} with the
	 * default tolerance and iteration bound.
	 */
	public static float[] biharmonicFill(float[] plane, boolean[] holes,
		int height, int width)
	{
		return biharmonicFill(plane, holes, height, width, BIHARMONIC_TOLERANCE,
			BIHARMONIC_MAX_ITERATIONS);
	}

	/**
	 * Biharmonic (thin-plate) inpainting, the classical method of scikit-image's
	 * {@code inpaint_biharmonic} (Damelin and Hoang 2018), our own
	 * implementation: the holes take the values that minimise the sum over every
	 * pixel of the squared discrete Laplacian (the harmonic fill's 4-neighbour
	 * Laplacian, mirror border), with the known pixels fixed. Where no pixel
	 * within two steps of a hole pixel touches the image border this is the
	 * 13-point biharmonic equation {@code Δ²u = 0}, so polynomials of degree
	 * three or less come back exactly; unlike the harmonic fill it continues
	 * gradients into the hole instead of flattening them. The normal equations
	 * are solved by multigrid-preconditioned conjugate gradients over the hole
	 * pixels ({@link BiharmonicSolver}), started from the mean of the known
	 * pixels; they stop when no hole pixel's residual, divided by its diagonal
	 * entry (20 inside the image), exceeds {@code tolerance}, or after
	 * {@code maxIterations} iterations. Known pixels are kept exactly; the fill
	 * may overshoot the known range (the protocols clip it).
	 *
	 * @throws IllegalArgumentException when every pixel is a hole
	 */
	public static float[] biharmonicFill(float[] plane, boolean[] holes,
		int height, int width, double tolerance, int maxIterations)
	{
		checkPlane(plane, height, width);
		checkHoles(holes, plane);
		if (!(tolerance > 0) || maxIterations < 1)
			throw new IllegalArgumentException(
				"tolerance and iterations must be positive");
		if (count(holes) == holes.length) throw new IllegalArgumentException(
			"every pixel is a hole: nothing to fill from");
		double[] u = new double[plane.length];
		for (int i = 0; i < u.length; i++)
			u[i] = plane[i];
		BiharmonicSolver.solve(u, holes.clone(), height, width, tolerance,
			maxIterations);
		float[] out = plane.clone();
		for (int i = 0; i < out.length; i++)
			if (holes[i]) out[i] = (float) u[i];
		return out;
	}

	/**
	 * Fills the holes of {@code u} in place: coarse solution first, then
	 * relaxation here.
	 */
	private static void solve(double[] u, boolean[] holes, int h, int w,
		double tol, int maxSweeps)
	{
		int holeCount = count(holes);
		if (holeCount == 0) return;
		Coarse coarse = Coarse.of(u, holes, h, w);
		if (coarse != null) {
			solve(coarse.values(), coarse.holes(), coarse.height(), coarse.width(),
				tol, maxSweeps);
			coarse.prolong(u, holes, w);
		}
		else fillWithKnownMean(u, holes);
		relax(u, holes, h, w, holeCount, tol, maxSweeps);
	}

	/**
	 * The half-size grid of a coarse-to-fine solver: each coarse pixel is the
	 * mean of the known pixels of its 2x2 block, and a hole where the block has
	 * none.
	 */
	record Coarse(double[] values, boolean[] holes, int height, int width) {

		/**
		 * The coarse grid of {@code u}, or null when the plane is too small or no
		 * pixel is known.
		 */
		static Coarse of(double[] u, boolean[] holes, int h, int w) {
			if (h < 8 || w < 8) return null;
			int ch = (h + 1) / 2, cw = (w + 1) / 2;
			double[] cu = new double[ch * cw];
			boolean[] choles = new boolean[ch * cw];
			boolean anyKnown = false;
			for (int y = 0; y < ch; y++)
				for (int x = 0; x < cw; x++) {
					double sum = 0;
					int n = 0;
					for (int dy = 0; dy < 2; dy++)
						for (int dx = 0; dx < 2; dx++) {
							int fy = 2 * y + dy, fx = 2 * x + dx;
							if (fy < h && fx < w && !holes[fy * w + fx]) {
								sum += u[fy * w + fx];
								n++;
							}
						}
					choles[y * cw + x] = n == 0;
					cu[y * cw + x] = n == 0 ? 0 : sum / n;
					anyKnown |= n > 0;
				}
			return anyKnown ? new Coarse(cu, choles, ch, cw) : null;
		}

		/**
		 * The holes of the fine grid {@code u} (width {@code w}) take their coarse
		 * pixel's value.
		 */
		void prolong(double[] u, boolean[] fineHoles, int w) {
			for (int i = 0; i < u.length; i++)
				if (fineHoles[i]) u[i] = values[(i / w / 2) * width + (i % w) / 2];
		}
	}

	/**
	 * The holes of {@code u} set to the mean of its known pixels (at least one).
	 */
	static void fillWithKnownMean(double[] u, boolean[] holes) {
		double sum = 0;
		int n = 0;
		for (int i = 0; i < u.length; i++)
			if (!holes[i]) {
				sum += u[i];
				n++;
			}
		double mean = sum / n;
		for (int i = 0; i < u.length; i++)
			if (holes[i]) u[i] = mean;
	}

	static int count(boolean[] flags) {
		int n = 0;
		for (boolean b : flags)
			if (b) n++;
		return n;
	}

	/**
	 * SOR sweeps over the hole pixels until the largest correction is below
	 * {@code tol}.
	 */
	private static void relax(double[] u, boolean[] holes, int h, int w,
		int holeCount, double tol, int maxSweeps)
	{
		int[] order = new int[holeCount];
		int k = 0;
		for (int i = 0; i < holes.length; i++)
			if (holes[i]) order[k++] = i;
		int thickness = 2 * maxDistanceToKnown(holes, h, w) + 1;
		double omega = 2 / (1 + Math.sin(Math.PI / Math.max(2, thickness)));
		for (int sweep = 0; sweep < maxSweeps; sweep++) {
			double largest = 0;
			for (int i : order) {
				int y = i / w, x = i - y * w;
				double sum = 0;
				int n = 0;
				if (x > 0) {
					sum += u[i - 1];
					n++;
				}
				if (x < w - 1) {
					sum += u[i + 1];
					n++;
				}
				if (y > 0) {
					sum += u[i - w];
					n++;
				}
				if (y < h - 1) {
					sum += u[i + w];
					n++;
				}
				if (n == 0) continue; // a 1x1 image
				double residual = sum / n - u[i];
				u[i] += omega * residual;
				largest = Math.max(largest, Math.abs(residual));
			}
			if (largest <= tol) return;
		}
	}

	/**
	 * The largest 4-neighbour step count from a hole pixel to the nearest known
	 * pixel.
	 */
	private static int maxDistanceToKnown(boolean[] holes, int h, int w) {
		int[] dist = new int[holes.length];
		ArrayDeque<Integer> queue = new ArrayDeque<>();
		for (int i = 0; i < holes.length; i++) {
			dist[i] = holes[i] ? -1 : 0;
			if (!holes[i]) queue.add(i);
		}
		int max = 0;
		while (!queue.isEmpty()) {
			int i = queue.poll(), y = i / w, x = i - y * w;
			int[] next = { x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w
				: -1, y < h - 1 ? i + w : -1 };
			for (int j : next)
				if (j >= 0 && dist[j] < 0) {
					dist[j] = dist[i] + 1;
					max = Math.max(max, dist[j]);
					queue.add(j);
				}
		}
		return max;
	}

	private static void checkPlane(float[] plane, int height, int width) {
		if (height < 1 || width < 1 || (long) height * width != plane.length)
			throw new IllegalArgumentException(plane.length + " values are not a " +
				width + "x" + height + " plane");
	}

	private static void checkHoles(boolean[] holes, float[] plane) {
		if (holes.length != plane.length) throw new IllegalArgumentException(
			"the mask has " + holes.length + " flags for " + plane.length +
				" pixels");
	}
}
