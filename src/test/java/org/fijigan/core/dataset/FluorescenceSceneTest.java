
package org.fijigan.core.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

/**
 * The synthetic fluorescence scenes: spot shapes against their formulas,
 * determinism, noise.
 */
class FluorescenceSceneTest {

	@Test
	void aGaussianSpotHasItsFluxCentroidAndPeak() {
		int n = 41;
		double[] s = new double[n * n];
		double cx = 20.3, cy = 19.6, sigma = 1.7, amp = 2.5;
		FluorescenceScene.spot(s, n, n, cx, cy, sigma, amp, false);
		double flux = 0, mx = 0, my = 0, peak = 0;
		for (int i = 0; i < s.length; i++) {
			flux += s[i];
			mx += s[i] * (i % n);
			my += s[i] * (i / n);
			peak = Math.max(peak, s[i]);
		}
		assertEquals(amp * 2 * Math.PI * sigma * sigma, flux, 1e-3 * flux,
			"flux amp 2 pi sigma^2");
		assertEquals(cx, mx / flux, 1e-3);
		assertEquals(cy, my / flux, 1e-3);
		assertTrue(peak < amp && peak > 0.85 * amp,
			"a pixel averages the peak a little: " + peak);
	}

	@Test
	void besselJ1AndTheAiryPatternMatchTheirKnownValues() {
		// J1 from tables (Abramowitz & Stegun 9.1): J1(1) = 0.4400505857, J1(2) =
		// 0.5767248078,
		// J1(5) = -0.3275791376; its first zero 3.8317059702
		assertEquals(0.4400505857, FluorescenceScene.besselJ1(1), 1e-9);
		assertEquals(0.5767248078, FluorescenceScene.besselJ1(2), 1e-9);
		assertEquals(-0.3275791376, FluorescenceScene.besselJ1(5), 1e-9);
		assertEquals(0, FluorescenceScene.besselJ1(FluorescenceScene.J1_FIRST_ZERO),
			1e-10);
		assertEquals(1, FluorescenceScene.airy(0), 1e-12);
		assertEquals(0, FluorescenceScene.airy(1), 1e-6, "dark at the first ring");
		// encircled energy of the Airy pattern: 1 - J0(v)^2 - J1(v)^2 (Lord
		// Rayleigh); the rendered
		// spot (cut at 3.5 ring radii) holds E(1 ring) / E(3.5 rings) of its flux
		// inside the first ring
		int n = 121;
		double[] s = new double[n * n];
		double sigma = 3, ring = sigma /
			FluorescenceScene.AIRY_SIGMA_PER_RING_RADIUS;
		FluorescenceScene.spot(s, n, n, 60, 60, sigma, 1, true);
		double inside = 0, all = 0;
		for (int i = 0; i < s.length; i++) {
			double d = Math.hypot(i % n - 60, i / n - 60);
			all += s[i];
			if (d < ring) inside += s[i];
		}
		double v1 = FluorescenceScene.J1_FIRST_ZERO, v35 = 3.5 * v1;
		double expected = encircled(v1) / encircled(v35);
		assertEquals(expected, inside / all, 0.01,
			"energy inside the first dark ring");
	}

	static double encircled(double v) {
		double j0 = 0, m = 512;
		for (int k = 0; k <= m; k++) {
			double f = Math.cos(v * Math.sin(Math.PI * k / m));
			j0 += k == 0 || k == m ? f / 2 : f;
		}
		j0 /= m;
		double j1 = FluorescenceScene.besselJ1(v);
		return 1 - j0 * j0 - j1 * j1;
	}

	@Test
	void aSceneIsAPureFunctionOfItsSeedAndCarriesItsSources() {
		FluorescenceScene.Rendered a = FluorescenceScene.render(64, 48, 42);
		FluorescenceScene.Rendered b = FluorescenceScene.render(64, 48, 42);
		FluorescenceScene.Rendered c = FluorescenceScene.render(64, 48, 43);
		assertEquals(PixelType.UINT16, a.image().type());
		assertArrayEquals((short[]) a.image().plane(0), (short[]) b.image().plane(
			0));
		assertEquals(a.sources(), b.sources());
		assertEquals(a.description(), b.description());
		assertFalse(Arrays.equals((short[]) a.image().plane(0), (short[]) c.image()
			.plane(0)));
		assertTrue(a.description().matches(
			".*\\d+ (sparse|dense) (Gaussian|Airy) spots.*"), a.description());
		assertTrue(a.description().contains(a.sources().size() + " "), a
			.description());
		for (PointSource s : a.sources()) {
			assertTrue(s.x() >= -0.5 && s.x() < 63.5 && s.y() >= -0.5 && s.y() < 47.5,
				s.toString());
			assertTrue(s.amplitude() >= 0.02 * FluorescenceScene.COUNTS_PER_UNIT *
				0.999 && s.amplitude() <= 1.2 * FluorescenceScene.COUNTS_PER_UNIT *
					1.001, s.toString());
		}
		// the table reads back what it wrote
		List<PointSource> back = PointSource.parse(PointSource.format(a.sources()));
		assertEquals(a.sources().size(), back.size());
		for (int i = 0; i < back.size(); i++) {
			assertEquals(a.sources().get(i).x(), back.get(i).x(), 1e-3);
			assertEquals(a.sources().get(i).amplitude(), back.get(i).amplitude(),
				1e-5 * a.sources().get(i).amplitude());
			assertEquals(a.sources().get(i).airy(), back.get(i).airy());
		}
		assertThrows(GanException.class, () -> PointSource.parse("1 2 3"));
	}

	@Test
	void sparseAndDenseScenesOfEveryKindAppearOverSeeds() {
		int sparse = 0, dense = 0, airy = 0, cells = 0, filaments = 0;
		for (long seed = 0; seed < 40; seed++) {
			String d = FluorescenceScene.render(32, 32, seed).description();
			sparse += d.contains("sparse") ? 1 : 0;
			dense += d.contains("dense") ? 1 : 0;
			airy += d.contains("Airy") ? 1 : 0;
			cells += d.contains("cells") ? 1 : 0;
			filaments += d.contains("filaments") ? 1 : 0;
		}
		assertTrue(sparse > 10 && dense > 5 && airy > 3 && cells > 5 &&
			filaments > 10, sparse + " " + dense + " " + airy + " " + cells + " " +
				filaments);
	}

	@Test
	void cameraNoiseHasThePoissonAndReadNoiseVariance() {
		short[] flat = new short[200 * 200];
		Arrays.fill(flat, (short) (0.5 * FluorescenceScene.COUNTS_PER_UNIT));
		RasterImage image = new RasterImage(200, 200, 1, 1, 1, PixelType.UINT16,
			new Object[] { flat });
		FluorescenceScene.addCameraNoise(image, 100, 0.02, new SplittableRandom(3));
		double sum = 0, sq = 0;
		for (short v : flat) {
			double u = (v & 0xffff) / FluorescenceScene.COUNTS_PER_UNIT;
			sum += u;
			sq += u * u;
		}
		double mean = sum / flat.length, var = sq / flat.length - mean * mean;
		assertEquals(0.5, mean, 0.001);
		// Poisson(50) / 100: variance 0.005; read noise 0.0004
		assertEquals(0.0054, var, 0.0054 * 0.03);
	}
}
