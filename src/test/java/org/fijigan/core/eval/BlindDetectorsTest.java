
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;

import org.fijigan.core.dataset.PointSource;
import org.junit.jupiter.api.Test;

/** The pieces of the faint-reach benchmark's detector family. */
class BlindDetectorsTest {

	@Test
	void poissonGaussianNoiseHasEvaluatesMeanAndVariance() {
		float[] clean = new float[200_000];
		java.util.Arrays.fill(clean, 0.5f);
		float[] noisy = BlindDetectors.noisy(clean, "pg", new Random(3));
		double mean = 0, var = 0;
		for (float v : noisy)
			mean += v;
		mean /= noisy.length;
		for (float v : noisy)
			var += (v - mean) * (v - mean);
		var /= noisy.length - 1;
		assertEquals(0.5, mean, 0.001);
		// Poisson(15) / 30: variance 15 / 900; read noise 1e-4
		assertEquals(15.0 / 900 + 1e-4, var, 0.0004);
	}

	@Test
	void gaussianNoiseIsInEightBitUnitsAndClipped() {
		float[] clean = new float[100_000];
		float[] noisy = BlindDetectors.noisy(clean, "25", new Random(5));
		int zeros = 0;
		double sum = 0;
		for (float v : noisy) {
			if (v == 0) zeros++;
			sum += v;
		}
		// half the draws fall below 0 and are clipped; the others average
		// sigma * sqrt(2 / pi)
		assertEquals(0.5, zeros / (double) noisy.length, 0.01);
		assertEquals(0.5 * 25 / 255.0 * Math.sqrt(2 / Math.PI), sum / noisy.length,
			0.001);
	}

	@Test
	void boxMeanMirrorsTheBorderAsTheBlurDoes() {
		float[] p = { 1, 2, 3, 4, 5, 6 }; // 2 rows of 3
		float[] m = BlindDetectors.boxMean(p, 2, 3, 1);
		// corner (0,0): rows {0,0,1} x columns {0,0,1}: 1,1,2,1,1,2,4,4,5
		assertEquals(21 / 9f, m[0], 1e-6);
		// centre of the top row: rows {0,0,1} x columns {0,1,2}
		assertEquals((2 * (1 + 2 + 3) + 4 + 5 + 6) / 9f, m[1], 1e-6);
	}

	@Test
	void evaluatesDetectorIsTheFirstOfTheFamily() {
		int h = 32, w = 32;
		float[] plane = new float[h * w];
		Random random = new Random(9);
		for (int i = 0; i < plane.length; i++)
			plane[i] = (float) (0.1 * random.nextGaussian() + Math.exp(-(Math.pow(i %
				w - 10, 2) + Math.pow(i / w - 12, 2)) / (2 * 1.2 * 1.2)));
		List<PointSource> sources = List.of(new PointSource(10, 12, 1.2, 0.1,
			false), new PointSource(20, 20, 1.5, 0.05, false));
		BlindDetectors.Detector evaluate = BlindDetectors.family().get(
			BlindDetectors.EVALUATE);
		boolean[] found = PointSourceFidelity.detect(plane, h, w, sources);
		assertEquals(true, found[0]);
		assertArrayEquals(found, PointSourceFidelity.detectInResponse(evaluate
			.response(plane, h, w), h, w, sources));
		assertEquals(BlindDetectors.EVALUATE, BlindDetectors.family().keySet()
			.iterator().next());
	}
}
