
package org.fijigan.core.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;

/**
 * Synthetic fluorescence images without noise, rendered from a seed, with their
 * point sources as ground truth: what a denoiser for microscopy must keep, made
 * here so that the data is free of any license. Each scene draws, in this
 * order:
 * <ol>
 * <li>a camera offset of 0.02-0.08;</li>
 * <li>a background: flat, smooth (3-8 wide Gaussian blobs, sigma 15-60 px), or
 * cells (soft-edged ellipses, semi-axes 12-40 px, with a nucleus darker or
 * brighter than the cytoplasm);</li>
 * <li>with probability 1/2 a texture: white noise blurred by a Gaussian of
 * sigma 1-4 px, scaled to a standard deviation of 0.005-0.04 and lifted by 2.5
 * of those standard deviations, so that it rarely falls below 0 (fluorescence
 * is never negative; what does is cut at 0);</li>
 * <li>with probability 1/2 filaments: smooth random curves 20-250 px long with
 * a Gaussian cross section of sigma 0.6-1.5 px and a peak of 0.05-0.6
 * (log-uniform);</li>
 * <li>point sources, sparse (5-50 per 256x256 px, probability 0.6) or dense
 * (150-700 per 256x256 px), at uniform sub-pixel positions, with a peak of
 * 0.02-1.2 (log-uniform: about half of them below 0.2), each a Gaussian spot
 * (probability 0.7 per image) of sigma 0.8-2.2 px (log-uniform per image) or an
 * Airy pattern of the same central width, each source up to 1.4 times wider
 * than the image's base width; spots are integrated over 3x3 points per
 * pixel.</li>
 * </ol>
 * Amounts are in signal units; the image is 16-bit, {@link #COUNTS_PER_UNIT}
 * counts per unit, rounded and clipped to 0-65535. Sizes scale with the image:
 * counts per area and blob sizes are those of a 256x256 image. Pure and
 * thread-safe: the same seed and size give the same image.
 */
public final class FluorescenceScene {

	/** Raw 16-bit counts per unit of signal. */
	public static final double COUNTS_PER_UNIT = 12000;
	/**
	 * The first zero of the Bessel function J1: the Airy pattern's first dark
	 * ring.
	 */
	static final double J1_FIRST_ZERO = 3.831705970207512;
	/**
	 * Sigma of the Gaussian closest to the Airy disc, per radius of its first
	 * dark ring.
	 */
	public static final double AIRY_SIGMA_PER_RING_RADIUS = 0.3443;
	/** Sub-pixel samples per axis when a spot is integrated over a pixel. */
	static final int SUBSAMPLES = 3;

	private static final int AIRY_TABLE = 4096;
	private static final double AIRY_TABLE_RINGS = 3.5; // radii of the first ring
																											// covered by the table
	private static final double[] AIRY = airyTable();

	/**
	 * A rendered scene.
	 *
	 * @param image 16-bit, one plane
	 * @param sources every point source, amplitudes in raw counts
	 * @param description what the scene holds, e.g.
	 *          {@code cells, texture, 340 Gaussian spots}
	 */
	public record Rendered(RasterImage image, List<PointSource> sources,
			String description) {
	}

	private FluorescenceScene() {}

	/** The scene of {@code seed} at {@code width x height} pixels. */
	public static Rendered render(int width, int height, long seed) {
		if (width < 8 || height < 8) throw new IllegalArgumentException(
			"a scene needs at least 8x8 " + "pixels, not " + width + "x" + height);
		SplittableRandom r = new SplittableRandom(seed);
		double area = width * (double) height / (256.0 * 256.0), scale = Math.sqrt(
			area);
		double[] signal = new double[width * height];
		List<String> parts = new ArrayList<>();

		double offset = 0.02 + 0.06 * r.nextDouble();
		switch (r.nextInt(3)) {
			case 0 -> parts.add("flat background");
			case 1 -> {
				blobs(signal, width, height, scale, r);
				parts.add("smooth background");
			}
			default -> parts.add(cells(signal, width, height, area, r) + " cells");
		}
		if (r.nextBoolean()) {
			texture(signal, width, height, r);
			parts.add("texture");
		}
		if (r.nextBoolean()) parts.add(filaments(signal, width, height, area, r) +
			" filaments");

		boolean dense = r.nextDouble() >= 0.6;
		int count = Math.max(1, (int) Math.round((dense ? 150 + 550 * r.nextDouble()
			: 5 + 45 * r.nextDouble()) * area));
		boolean airy = r.nextDouble() >= 0.7;
		double baseSigma = logUniform(r, 0.8, 2.2);
		List<PointSource> sources = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			double x = r.nextDouble() * width - 0.5, y = r.nextDouble() * height -
				0.5;
			double amplitude = logUniform(r, 0.02, 1.2);
			double sigma = baseSigma * (1 + 0.4 * r.nextDouble());
			spot(signal, width, height, x, y, sigma, amplitude, airy);
			sources.add(new PointSource(x, y, sigma, amplitude * COUNTS_PER_UNIT,
				airy));
		}
		parts.add(count + (dense ? " dense " : " sparse ") + (airy ? "Airy"
			: "Gaussian") + " spots (base sigma " + String.format(
				java.util.Locale.ROOT, "%.2f", baseSigma) + " px)");

		short[] pixels = new short[signal.length];
		for (int i = 0; i < pixels.length; i++) {
			double counts = Math.rint((offset + Math.max(0, signal[i])) *
				COUNTS_PER_UNIT);
			pixels[i] = (short) (int) Math.min(65535, counts);
		}
		RasterImage image = new RasterImage(width, height, 1, 1, 1,
			PixelType.UINT16, new Object[] { pixels });
		return new Rendered(image, List.copyOf(sources), String.join(", ", parts));
	}

	/**
	 * Adds camera noise to a rendered image, in place: each pixel's signal in
	 * units ({@code counts / COUNTS_PER_UNIT}) becomes
	 * {@code Poisson(signal * photons) / photons} plus Gaussian read noise of
	 * {@code readSigma} units, then counts again (rounded, clipped to 0-65535).
	 */
	public static void addCameraNoise(RasterImage image, double photons,
		double readSigma, SplittableRandom random)
	{
		if (image.type() != PixelType.UINT16 || image.planeCount() != 1)
			throw new IllegalArgumentException(
				"camera noise is added to a rendered 16-bit plane");
		short[] p = (short[]) image.plane(0);
		float[] v = new float[p.length];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) ((p[i] & 0xffff) / COUNTS_PER_UNIT);
		TrainingDegradations.addPoissonGaussianNoise(new Planes(1, image.height(),
			image.width(), v), photons, readSigma, random);
		for (int i = 0; i < v.length; i++)
			p[i] = (short) (int) Math.max(0, Math.min(65535, Math.rint(v[i] *
				COUNTS_PER_UNIT)));
	}

	/** 3-8 wide Gaussian blobs. */
	private static void blobs(double[] s, int w, int h, double scale,
		SplittableRandom r)
	{
		int n = 3 + r.nextInt(6);
		for (int k = 0; k < n; k++) {
			double cx = (r.nextDouble() * 1.4 - 0.2) * w, cy = (r.nextDouble() * 1.4 -
				0.2) * h;
			double sigma = (15 + 45 * r.nextDouble()) * scale, amp = 0.02 + 0.18 * r
				.nextDouble();
			double inv = 1 / (2 * sigma * sigma);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					double dx = x - cx, dy = y - cy;
					s[y * w + x] += amp * StrictMath.exp(-(dx * dx + dy * dy) * inv);
				}
		}
	}

	/** Soft-edged elliptical cells with nuclei; returns how many. */
	private static int cells(double[] s, int w, int h, double area,
		SplittableRandom r)
	{
		int n = Math.max(1, (int) Math.round((2 + 6 * r.nextDouble()) * area));
		for (int k = 0; k < n; k++) {
			double cx = r.nextDouble() * w, cy = r.nextDouble() * h;
			double a = 12 + 28 * r.nextDouble(), b = a * (0.5 + 0.5 * r.nextDouble());
			double angle = Math.PI * r.nextDouble(), cos = StrictMath.cos(angle),
					sin = StrictMath.sin(angle);
			double amp = 0.05 + 0.2 * r.nextDouble(), nucleus = 0.4 + 1.2 * r
				.nextDouble();
			double edge = 1.5; // pixels over which the edge rises
			int reach = (int) Math.ceil(a + 4 * edge);
			for (int y = Math.max(0, (int) cy - reach); y <= Math.min(h - 1,
				(int) cy + reach); y++)
				for (int x = Math.max(0, (int) cx - reach); x <= Math.min(w - 1,
					(int) cx + reach); x++)
				{
					double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y -
						cy) * cos;
					double rho = Math.sqrt(u * u / (a * a) + v * v / (b * b));
					double cell = logistic((1 - rho) * b / edge);
					double inner = logistic((0.4 - rho) * b / edge);
					s[y * w + x] += amp * (cell + (nucleus - 1) * inner);
				}
		}
		return n;
	}

	/**
	 * Additive texture: blurred white noise of a drawn width and strength, lifted
	 * above 0.
	 */
	private static void texture(double[] s, int w, int h, SplittableRandom r) {
		double sigma = 1 + 3 * r.nextDouble(), strength = 0.005 + 0.035 * r
			.nextDouble();
		Planes field = Planes.zeros(1, h, w);
		TrainingDegradations.addGaussianNoise(field, 1, r.split());
		TrainingDegradations.gaussianBlur(field, sigma);
		float[] v = field.values();
		double sum = 0, sq = 0;
		for (float f : v) {
			sum += f;
			sq += f * (double) f;
		}
		double mean = sum / v.length, sd = Math.sqrt(Math.max(1e-12, sq / v.length -
			mean * mean));
		for (int i = 0; i < v.length; i++)
			s[i] += strength * (2.5 + (v[i] - mean) / sd);
	}

	/** Smooth random curves with a Gaussian cross section; returns how many. */
	private static int filaments(double[] s, int w, int h, double area,
		SplittableRandom r)
	{
		int n = Math.max(1, (int) Math.round((2 + 18 * r.nextDouble()) * area));
		double step = 0.5;
		for (int k = 0; k < n; k++) {
			double x = r.nextDouble() * w, y = r.nextDouble() * h, angle = 2 *
				Math.PI * r.nextDouble();
			double length = 20 + 230 * r.nextDouble(), bend = 0.03 + 0.12 * r
				.nextDouble();
			double sigma = 0.6 + 0.9 * r.nextDouble(), amp = logUniform(r, 0.05, 0.6);
			double weight = amp * step / (Math.sqrt(2 * Math.PI) * sigma); // the line
																																			// integral
																																			// peaks
																																			// at amp
			int reach = (int) Math.ceil(3 * sigma);
			double inv = 1 / (2 * sigma * sigma);
			for (double t = 0; t < length; t += step) {
				int x0 = (int) Math.round(x), y0 = (int) Math.round(y);
				for (int yy = Math.max(0, y0 - reach); yy <= Math.min(h - 1, y0 +
					reach); yy++)
					for (int xx = Math.max(0, x0 - reach); xx <= Math.min(w - 1, x0 +
						reach); xx++)
					{
						double dx = xx - x, dy = yy - y;
						s[yy * w + xx] += weight * StrictMath.exp(-(dx * dx + dy * dy) *
							inv);
					}
				angle += bend * step * gaussian(r);
				x += step * StrictMath.cos(angle);
				y += step * StrictMath.sin(angle);
			}
		}
		return n;
	}

	/**
	 * The spot of {@code source} alone on a {@code width} x {@code height} plane
	 * of zeros, in raw units, as {@link #render} draws it.
	 */
	public static double[] spotAlone(PointSource source, int width, int height) {
		double[] plane = new double[width * height];
		spot(plane, width, height, source.x(), source.y(), source.sigma(), source
			.amplitude(), source.airy());
		return plane;
	}

	/** Adds one spot, integrated over {@link #SUBSAMPLES}^2 points per pixel. */
	static void spot(double[] s, int w, int h, double cx, double cy, double sigma,
		double amp, boolean airy)
	{
		double ring = sigma / AIRY_SIGMA_PER_RING_RADIUS;
		int reach = (int) Math.ceil(airy ? AIRY_TABLE_RINGS * ring : 4 * sigma);
		double inv = 1 / (2 * sigma * sigma), sub = 1.0 / SUBSAMPLES, norm = amp /
			(SUBSAMPLES * SUBSAMPLES);
		int x0 = (int) Math.round(cx), y0 = (int) Math.round(cy);
		for (int y = Math.max(0, y0 - reach); y <= Math.min(h - 1, y0 + reach); y++)
			for (int x = Math.max(0, x0 - reach); x <= Math.min(w - 1, x0 +
				reach); x++)
			{
				double sum = 0;
				for (int j = 0; j < SUBSAMPLES; j++)
					for (int i = 0; i < SUBSAMPLES; i++) {
						double dx = x - 0.5 + (i + 0.5) * sub - cx, dy = y - 0.5 + (j +
							0.5) * sub - cy;
						double d2 = dx * dx + dy * dy;
						sum += airy ? airy(Math.sqrt(d2) / ring) : StrictMath.exp(-d2 *
							inv);
					}
				s[y * w + x] += norm * sum;
			}
	}

	/**
	 * The Airy pattern {@code (2 J1(v) / v)^2} at {@code rho} radii of its first
	 * dark ring.
	 */
	static double airy(double rho) {
		double t = rho / AIRY_TABLE_RINGS * (AIRY_TABLE - 1);
		if (t >= AIRY_TABLE - 1) return 0;
		int i = (int) t;
		double f = t - i;
		return AIRY[i] * (1 - f) + AIRY[i + 1] * f;
	}

	private static double[] airyTable() {
		double[] table = new double[AIRY_TABLE];
		for (int i = 0; i < AIRY_TABLE; i++) {
			double v = J1_FIRST_ZERO * AIRY_TABLE_RINGS * i / (AIRY_TABLE - 1);
			double a = v == 0 ? 1 : 2 * besselJ1(v) / v;
			table[i] = a * a;
		}
		return table;
	}

	/**
	 * The Bessel function of the first kind of order one, from Bessel's integral
	 * {@code J1(x) = (1/pi) integral_0^pi cos(t - x sin t) dt}, by the trapezoid
	 * rule on 256 intervals (spectrally accurate for this smooth periodic
	 * integrand: below 1e-12 for x <= 20).
	 */
	static double besselJ1(double x) {
		int n = 256;
		double sum = 0;
		for (int k = 0; k <= n; k++) {
			double t = Math.PI * k / n, f = StrictMath.cos(t - x * StrictMath.sin(t));
			sum += k == 0 || k == n ? f / 2 : f;
		}
		return sum / n;
	}

	private static double logistic(double z) {
		return 1 / (1 + StrictMath.exp(-z));
	}

	private static double logUniform(SplittableRandom r, double min, double max) {
		return StrictMath.exp(StrictMath.log(min) + r.nextDouble() * (StrictMath
			.log(max) - StrictMath.log(min)));
	}

	/**
	 * Standard normal (Box-Muller), written out rather than the JDK's, whose
	 * algorithm may change.
	 */
	private static double gaussian(SplittableRandom r) {
		double u1 = 1 - r.nextDouble(), u2 = r.nextDouble();
		return Math.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI *
			u2);
	}
}
