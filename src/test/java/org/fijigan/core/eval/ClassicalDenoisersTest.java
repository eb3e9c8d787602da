
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Non-local means, total variation and wavelet shrinkage against their
 * definitions.
 */
class ClassicalDenoisersTest {

	static float[] noise(int n, double sigma, long seed) {
		Random r = new Random(seed);
		float[] v = new float[n];
		for (int i = 0; i < n; i++)
			v[i] = (float) (sigma * r.nextGaussian());
		return v;
	}

	/** A smooth test pattern plus seeded Gaussian noise. */
	static float[][] cleanAndNoisy(int h, int w, double sigma, long seed) {
		float[] clean = new float[h * w], noisy = noise(h * w, sigma, seed);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				clean[y * w + x] = (float) (0.5 + 0.3 * Math.sin(x / 5.0) * Math.cos(y /
					7.0) + (x > w / 2 ? 0.1 : 0));
				noisy[y * w + x] += clean[y * w + x];
			}
		return new float[][] { clean, noisy };
	}

	static double mse(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++)
			s += (a[i] - b[i]) * (double) (a[i] - b[i]);
		return s / a.length;
	}

	@Test
	void theNoiseEstimateRecoversTheSigmaOfGaussianNoiseUnderSmoothStructure() {
		float[][] cn = cleanAndNoisy(256, 256, 0.07, 1);
		assertEquals(0.07, ClassicalDenoisers.noiseSigma(cn[1], 256, 256), 0.07 *
			0.04);
		assertEquals(0, ClassicalDenoisers.noiseSigma(new float[] { 1, 2, 3 }, 1,
			3));
	}

	/**
	 * Non-local means written out per pixel, for a tiny image: the definition, on
	 * the plane mirrored beyond its border.
	 */
	static float[] naiveNonLocalMeans(float[] v, int h, int w, double hParam,
		double sigma)
	{
		int f = ClassicalDenoisers.NLM_PATCH_RADIUS, r =
			ClassicalDenoisers.NLM_SEARCH_RADIUS;
		float[] out = new float[v.length];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double num = 0, den = 0;
				for (int dy = -r; dy <= r; dy++)
					for (int dx = -r; dx <= r; dx++) {
						double d2 = 0;
						for (int py = -f; py <= f; py++)
							for (int px = -f; px <= f; px++) {
								double a = v[Baselines.reflect(y + py, h) * w + Baselines
									.reflect(x + px, w)];
								double b = v[Baselines.reflect(y + dy + py, h) * w + Baselines
									.reflect(x + dx + px, w)];
								d2 += (a - b) * (a - b);
							}
						d2 /= (2 * f + 1) * (2 * f + 1);
						double weight = Math.exp(-Math.max(d2 - 2 * sigma * sigma, 0) /
							(hParam * hParam));
						num += weight * v[Baselines.reflect(y + dy, h) * w + Baselines
							.reflect(x + dx, w)];
						den += weight;
					}
				out[y * w + x] = (float) (num / den);
			}
		return out;
	}

	@Test
	void nonLocalMeansIsItsDefinitionPixelForPixel() {
		float[][] cn = cleanAndNoisy(14, 17, 0.05, 2);
		double sigma = ClassicalDenoisers.noiseSigma(cn[1], 14, 17);
		for (double h : new double[] { 0.02, 0.1 }) {
			float[] fast = ClassicalDenoisers.nonLocalMeans(cn[1], 14, 17, h);
			float[] naive = naiveNonLocalMeans(cn[1], 14, 17, h, sigma);
			assertArrayEquals(naive, fast, 1e-5f, "h " + h);
		}
		float[][] big = cleanAndNoisy(64, 64, 0.08, 3);
		float[] out = ClassicalDenoisers.nonLocalMeans(big[1], 64, 64, 0.04);
		assertTrue(mse(big[0], out) < 0.4 * mse(big[0], big[1]),
			"it removes most of the noise");
	}

	/** The total variation of a plane, isotropic, forward differences. */
	static double tv(float[] v, int h, int w) {
		double s = 0;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double gx = x < w - 1 ? v[y * w + x + 1] - v[y * w + x] : 0;
				double gy = y < h - 1 ? v[(y + 1) * w + x] - v[y * w + x] : 0;
				s += Math.hypot(gx, gy);
			}
		return s;
	}

	@Test
	void totalVariationLowersTheRofEnergyKeepsTheMeanAndConstants() {
		float[][] cn = cleanAndNoisy(48, 40, 0.1, 4);
		double lambda = 0.1;
		float[] u = ClassicalDenoisers.totalVariation(cn[1], 48, 40, lambda);
		double meanIn = 0, meanOut = 0;
		for (int i = 0; i < u.length; i++) {
			meanIn += cn[1][i];
			meanOut += u[i];
		}
		assertEquals(meanIn / u.length, meanOut / u.length, 1e-6,
			"the dual step keeps the mean");
		double energyIn = lambda * tv(cn[1], 48, 40);
		double energyOut = 0.5 * mse(u, cn[1]) * u.length + lambda * tv(u, 48, 40);
		assertTrue(energyOut < 0.5 * energyIn, "ROF energy " + energyIn + " -> " +
			energyOut);
		assertTrue(mse(cn[0], u) < 0.5 * mse(cn[0], cn[1]));
		float[] flat = new float[30];
		java.util.Arrays.fill(flat, 0.3f);
		assertArrayEquals(flat, ClassicalDenoisers.totalVariation(flat, 5, 6, 0.2),
			1e-7f);
		assertArrayEquals(cn[1], ClassicalDenoisers.totalVariation(cn[1], 48, 40,
			0));
	}

	@Test
	void theDb4FilterIsOrthonormalAndTheTransformInvertsExactly() {
		double[] h = ClassicalDenoisers.DB4;
		double sum = 0, norm = 0;
		for (double v : h) {
			sum += v;
			norm += v * v;
		}
		assertEquals(Math.sqrt(2), sum, 1e-12);
		assertEquals(1, norm, 1e-12);
		for (int shift = 2; shift < h.length; shift += 2) {
			double dot = 0;
			for (int k = 0; k + shift < h.length; k++)
				dot += h[k] * h[k + shift];
			assertEquals(0, dot, 1e-12, "orthogonal to its shift by " + shift);
		}
		int rows = 32, cols = 48;
		double[] c = new double[rows * cols];
		Random r = new Random(5);
		for (int i = 0; i < c.length; i++)
			c[i] = r.nextDouble();
		double[] original = c.clone();
		double energy = 0;
		for (double v : c)
			energy += v * v;
		ClassicalDenoisers.forward(c, rows, cols, 3);
		double after = 0;
		for (double v : c)
			after += v * v;
		assertEquals(energy, after, 1e-9, "orthonormal: energy is kept");
		ClassicalDenoisers.inverse(c, rows, cols, 3);
		assertArrayEquals(original, c, 1e-12);
	}

	@Test
	void
		waveletShrinkageWithoutAThresholdIsTheIdentityAndWithBayesShrinkRemovesNoise()
	{
		float[][] cn = cleanAndNoisy(50, 70, 0.1, 6); // not a multiple of 16:
																									// mirrored out and back
		assertArrayEquals(cn[1], ClassicalDenoisers.waveletShrink(cn[1], 50, 70, 0),
			1e-5f);
		float[] out = ClassicalDenoisers.waveletShrink(cn[1], 50, 70, 1);
		assertTrue(mse(cn[0], out) < 0.35 * mse(cn[0], cn[1]), mse(cn[0], out) +
			" vs " + mse(cn[0], cn[1]));
	}
}
