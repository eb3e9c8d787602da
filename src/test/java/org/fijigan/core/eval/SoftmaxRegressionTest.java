
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;

class SoftmaxRegressionTest {

	/** 60 samples of 4 features, 3 classes from a noisy linear rule (seeded). */
	private static double[][] x;
	private static int[] y;

	static {
		SplittableRandom random = new SplittableRandom(9);
		x = new double[60][4];
		y = new int[60];
		for (int i = 0; i < 60; i++) {
			for (int j = 0; j < 4; j++)
				x[i][j] = random.nextGaussian() * (j + 1) + (j == 3 ? 5 : 0); // unequal
																																			// scales,
																																			// an
																																			// offset
			double a = x[i][0] + 0.3 * x[i][1] + random.nextGaussian() * 0.5, b =
				x[i][2] / 3;
			y[i] = a > 0.5 ? 0 : b > 0 ? 1 : 2;
		}
	}

	@Test
	void theFitIsTheMinimumOfTheRegularisedCrossEntropy() {
		// at the minimum the gradient vanishes; the default run gets there to 1e-6,
		// a longer one to 1e-10
		SoftmaxRegression fit = SoftmaxRegression.fit(x, y, 3);
		double[][] g = fit.gradientAt(x, y, SoftmaxRegression.DEFAULT_LAMBDA);
		for (double[] row : g)
			for (double v : row)
				assertEquals(0, v, 1e-6);
		SoftmaxRegression longer = SoftmaxRegression.fit(x, y, 3,
			SoftmaxRegression.DEFAULT_LAMBDA, 3000);
		for (double[] row : longer.gradientAt(x, y,
			SoftmaxRegression.DEFAULT_LAMBDA))
			for (double v : row)
				assertEquals(0, v, 1e-10);
		assertArrayEquals(fit.predict(x), longer.predict(x));
	}

	@Test
	void twoSymmetricPointsGiveTheWeightOfTheScalarEquation() {
		// x = -3 (class 0) and x = 3 (class 1), twice each: standardised to -1 and
		// 1. By symmetry the
		// weights are (-a, a) with bias 0, and the gradient in a vanishes where
		// lambda a (1 + e^(2a)) = 1
		double[][] points = { { -3 }, { 3 }, { -3 }, { 3 } };
		int[] labels = { 0, 1, 0, 1 };
		double lambda = 0.01;
		SoftmaxRegression fit = SoftmaxRegression.fit(points, labels, 2, lambda,
			2000);
		double lo = 0, hi = 10;
		for (int i = 0; i < 200; i++) {
			double mid = (lo + hi) / 2;
			if (lambda * mid * (1 + Math.exp(2 * mid)) < 1) lo = mid;
			else hi = mid;
		}
		assertEquals(lo, fit.weight(1, 0), 1e-9);
		assertEquals(-lo, fit.weight(0, 0), 1e-9);
		assertEquals(0, fit.weight(1, 1), 1e-9); // the bias
		assertArrayEquals(new int[] { 0, 1, 1, 0 }, fit.predict(new double[][] { {
			-0.1 }, { 0.1 }, { 100 }, { -100 } }));
	}

	@Test
	void aConstantFeatureIsIgnoredAndNoSamplesAreRefused() {
		double[][] withConstant = new double[60][];
		for (int i = 0; i < 60; i++)
			withConstant[i] = new double[] { x[i][0], x[i][1], x[i][2], x[i][3], 7 };
		assertArrayEquals(SoftmaxRegression.fit(x, y, 3).predict(x),
			SoftmaxRegression.fit(withConstant, y, 3).predict(withConstant));
		assertThrows(GanException.class, () -> SoftmaxRegression.fit(
			new double[0][], new int[0], 2));
	}
}
