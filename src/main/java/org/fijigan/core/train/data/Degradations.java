
package org.fijigan.core.train.data;

/**
 * The image operations behind each {@link Degradation}, on planes of normalised
 * values. Each returns new planes or changes its argument in place, as
 * documented.
 */
final class Degradations {

	private Degradations() {}

	/**
	 * Area averaging: output pixel (y, x) is the mean of input pixels
	 * {@code [y*s, y*s+s) x [x*s, x*s+s)}. Rows and columns past the last whole
	 * block are dropped.
	 */
	static Planes areaDownscale(Planes in, int s) {
		int oh = in.height() / s, ow = in.width() / s, w = in.width();
		if (oh < 1 || ow < 1) throw new IllegalArgumentException("a " + in
			.height() + "x" + in.width() + " patch is smaller than the scale " + s);
		Planes out = Planes.zeros(in.channels(), oh, ow);
		float[] src = in.values(), dst = out.values();
		double inv = 1.0 / ((double) s * s);
		for (int c = 0; c < in.channels(); c++) {
			int base = c * in.planeSize();
			for (int y = 0; y < oh; y++)
				for (int x = 0; x < ow; x++) {
					double sum = 0;
					for (int dy = 0; dy < s; dy++) {
						int row = base + (y * s + dy) * w + x * s;
						for (int dx = 0; dx < s; dx++)
							sum += src[row + dx];
					}
					dst[(c * oh + y) * ow + x] = (float) (sum * inv);
				}
		}
		return out;
	}

	/**
	 * Separable Gaussian blur in place, truncated at 4 sigma, borders mirrored
	 * with the edge pixel repeated ({@code d c b a | a b c d}, scipy.ndimage's
	 * {@code reflect}). Does nothing for {@code sigma <= 0}.
	 */
	static void gaussianBlur(Planes p, double sigma) {
		if (!(sigma > 0)) return;
		double[] k = gaussianKernel(sigma, (int) (4 * sigma + 0.5));
		int r = k.length / 2, h = p.height(), w = p.width();
		float[] v = p.values();
		double[] line = new double[Math.max(h, w)];
		for (int c = 0; c < p.channels(); c++) {
			int base = c * p.planeSize();
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++)
					line[x] = v[base + y * w + x];
				for (int x = 0; x < w; x++) {
					double s = 0;
					for (int i = -r; i <= r; i++)
						s += k[i + r] * line[reflect(x + i, w)];
					v[base + y * w + x] = (float) s;
				}
			}
			for (int x = 0; x < w; x++) {
				for (int y = 0; y < h; y++)
					line[y] = v[base + y * w + x];
				for (int y = 0; y < h; y++) {
					double s = 0;
					for (int i = -r; i <= r; i++)
						s += k[i + r] * line[reflect(y + i, h)];
					v[base + y * w + x] = (float) s;
				}
			}
		}
	}

	/**
	 * Normalised weights {@code exp(-i^2 / (2 sigma^2))} for
	 * {@code i = -radius..radius}.
	 */
	static double[] gaussianKernel(double sigma, int radius) {
		double[] k = new double[2 * radius + 1];
		double sum = 0;
		for (int i = -radius; i <= radius; i++)
			sum += k[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
		for (int i = 0; i < k.length; i++)
			k[i] /= sum;
		return k;
	}

	/** Index {@code i} mirrored into {@code [0, n)}, edge repeated. */
	static int reflect(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * n;
		int m = Math.floorMod(i, period);
		return m < n ? m : period - 1 - m;
	}

	/** Adds {@code sigma} times standard normal noise in place. */
	static void addGaussianNoise(Planes p, double sigma, RandomValues random) {
		if (!(sigma > 0)) return;
		float[] v = p.values();
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (v[i] + sigma * random.gaussian());
	}

	/**
	 * Replaces each value {@code x} by
	 * {@code Poisson(max(x, 0) * photons) / photons} plus {@code readSigma} times
	 * standard normal noise, in place.
	 */
	static void addPoissonGaussianNoise(Planes p, double photons,
		double readSigma, RandomValues random)
	{
		float[] v = p.values();
		for (int i = 0; i < v.length; i++) {
			double counts = random.poisson(Math.max(0, v[i]) * photons);
			double n = readSigma > 0 ? readSigma * random.gaussian() : 0;
			v[i] = (float) (counts / photons + n);
		}
	}
}
