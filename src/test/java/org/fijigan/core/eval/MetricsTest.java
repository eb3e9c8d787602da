
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class MetricsTest {

	private static final int H = 16, W = 19;

	/** x = ((7i + 13j) mod 17) / 16 as float32, i the row, j the column. */
	private static float[] x() {
		float[] v = new float[H * W];
		for (int i = 0; i < H; i++)
			for (int j = 0; j < W; j++)
				v[i * W + j] = (float) (((i * 7 + j * 13) % 17) / 16.0);
		return v;
	}

	/** y = float32(x + 0.1 sin(0.5 i + 0.3 j)). */
	private static float[] y(float[] x) {
		float[] v = new float[H * W];
		for (int i = 0; i < H; i++)
			for (int j = 0; j < W; j++)
				v[i * W + j] = (float) (x[i * W + j] + 0.1 * Math.sin(i * 0.5 + j *
					0.3));
		return v;
	}

	/**
	 * y2 = float32(float32(0.6 x + 0.2) + 0.05 cos(0.9 i - 0.4 j)), as NumPy
	 * evaluates it.
	 */
	private static float[] y2(float[] x) {
		float[] v = new float[H * W];
		for (int i = 0; i < H; i++)
			for (int j = 0; j < W; j++)
				v[i * W + j] = (float) ((double) (0.6f * x[i * W + j] + 0.2f) + 0.05 *
					Math.cos(i * 0.9 - j * 0.4));
		return v;
	}

	@Test
	void psnrOfAConstantOffset() {
		float[] a = new float[100], b = new float[100];
		java.util.Arrays.fill(b, 0.5f); // MSE 0.25
		assertEquals(10 * Math.log10(4), Metrics.psnr(a, b, 1), 1e-12); // 6.0206 dB
		java.util.Arrays.fill(b, 1f); // MSE 1 at range 255: 20 log10(255)
		assertEquals(48.13080360867910, Metrics.psnr(a, b, 255), 1e-12);
		assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(b, b.clone(), 1));
		assertEquals(0.25, Metrics.meanSquaredError(new float[] { 0, 1 },
			new float[] { 0.5f, 1.5f }));
	}

	@Test
	void ssimOfAnImageWithItselfIsOne() {
		float[] x = x();
		assertEquals(1.0, Metrics.ssim(x, x.clone(), 1, H, W, 1), 0);
	}

	@Test
	void ssimOfFlatPlanesReducesToTheLuminanceTerm() {
		// x = 0.25 and y = 0.75 everywhere: no variance, so SSIM = (2 a b + C1) /
		// (a^2 + b^2 + C1)
		// with C1 = (0.01 * 1)^2: (0.375 + 0.0001) / (0.625 + 0.0001)
		float[] a = new float[12 * 12], b = new float[12 * 12];
		java.util.Arrays.fill(a, 0.25f);
		java.util.Arrays.fill(b, 0.75f);
		assertEquals(0.3751 / 0.6251, Metrics.ssim(a, b, 1, 12, 12, 1), 1e-12);
	}

	@Test
	void ssimMatchesScikitImage() {
		// Reference values from scikit-image 0.19.3 (Debian python3-skimage):
		// structural_similarity(x, y, gaussian_weights=True, sigma=1.5,
		// use_sample_covariance=False,
		// data_range=1.0) on the float64 values of the float32 planes built above
		float[] x = x(), y = y(x), y2 = y2(x);
		assertEquals(0.9814064492878253, Metrics.ssim(x, y, 1, H, W, 1), 1e-12);
		assertEquals(0.8752943018814124, Metrics.ssim(x, y2, 1, H, W, 1), 1e-12);
		// channel_axis=0 on np.stack([x, y2]) vs np.stack([y, x]): the mean over
		// channels
		float[] xc = concat(x, y2), yc = concat(y, x);
		assertEquals(0.9283503755846189, Metrics.ssim(xc, yc, 2, H, W, 1), 1e-12);
		// SSIM is not shift-invariant: the same pair mapped to [-1, 1] in float32
		// (data_range=2.0);
		// compare in [0, 1] when the model's range is [-1, 1]
		float[] xs = new float[x.length], ys = new float[y.length];
		for (int i = 0; i < x.length; i++) {
			xs[i] = 2 * x[i] - 1;
			ys[i] = 2 * y[i] - 1;
		}
		assertEquals(0.10096387794724414, Metrics.ssim(xs, ys, 1, H, W, 2), 1e-12);
		// peak_signal_noise_ratio(x, y, data_range=1.0)
		assertEquals(22.958700538420878, Metrics.psnr(x, y, 1), 1e-10);
	}

	@Test
	void ssimRejectsPlanesSmallerThanItsWindow() {
		assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(
			new float[100], new float[100], 1, 10, 10, 1));
		assertThrows(IllegalArgumentException.class, () -> Metrics.psnr(
			new float[2], new float[3], 1));
	}

	@Test
	void maskedMetricsLookOnlyAtTheMarkedPixels() {
		float[] x = x(), y = y(x);
		boolean[] all = new boolean[H * W];
		java.util.Arrays.fill(all, true);
		assertEquals(Metrics.ssim(x, y, 1, H, W, 1), Metrics.maskedSsim(x, y, all,
			1, H, W, 1), 1e-15);
		assertEquals(Metrics.psnr(x, y, 1), Metrics.maskedPsnr(x, y, all, 1, H, W,
			1), 1e-12);
		double[] map = Metrics.ssimMap(x, y, H, W, 1);
		assertEquals((H - 10) * (W - 10), map.length);
		// one marked pixel: its own entry of the map (pixel (7, 9) is map entry (2,
		// 4))
		boolean[] one = new boolean[H * W];
		one[7 * W + 9] = true;
		assertEquals(map[2 * (W - 10) + 4], Metrics.maskedSsim(x, y, one, 1, H, W,
			1), 0);
		// marked pixels only within 5 pixels of the border: no SSIM, but a PSNR
		boolean[] edge = new boolean[H * W];
		edge[3] = true;
		assertTrue(Double.isNaN(Metrics.maskedSsim(x, y, edge, 1, H, W, 1)));
		// zeros against 0.5 in the mask and 1 elsewhere: MSE 0.25 inside, whatever
		// is outside
		float[] zeros = new float[2 * H * W], test = new float[2 * H * W];
		boolean[] half = new boolean[H * W];
		for (int i = 0; i < H * W; i++) {
			half[i] = i % 2 == 0;
			test[i] = test[H * W + i] = half[i] ? 0.5f : 1f;
		}
		assertEquals(10 * Math.log10(4), Metrics.maskedPsnr(zeros, test, half, 2, H,
			W, 1), 1e-12);
		assertTrue(Double.isNaN(Metrics.maskedPsnr(zeros, test, new boolean[H * W],
			2, H, W, 1)));
	}

	private static float[] concat(float[] a, float[] b) {
		float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, c, a.length, b.length);
		return c;
	}
}
