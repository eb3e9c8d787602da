
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class GenerativeMetricsTest {

	private static double[][] gaussian(int n, double[] mean, double[] std,
		long seed)
	{
		Random r = new Random(seed);
		double[][] x = new double[n][mean.length];
		for (int i = 0; i < n; i++)
			for (int j = 0; j < mean.length; j++)
				x[i][j] = mean[j] + std[j] * r.nextGaussian();
		return x;
	}

	private static double[][] shifted(double[][] x, double by) {
		double[][] y = new double[x.length][];
		for (int i = 0; i < x.length; i++) {
			y[i] = x[i].clone();
			for (int j = 0; j < y[i].length; j++)
				y[i][j] += by;
		}
		return y;
	}

	@Test
	void eigendecompositionOfAKnownMatrix() {
		SymmetricEigen e = SymmetricEigen.of(new double[][] { { 2, 1 }, { 1, 2 } });
		assertArrayEquals(new double[] { 3, 1 }, e.values(), 1e-14);
		double r = Math.sqrt(0.5);
		assertArrayEquals(new double[] { r, r }, e.vector(0), 1e-14);
		assertArrayEquals(new double[] { r, -r }, e.vector(1), 1e-14); // tie: the
																																		// first
																																		// entry is
																																		// positive
	}

	@Test
	void eigendecompositionOfARandomSymmetricMatrix() {
		int n = 9;
		Random random = new Random(3);
		double[][] a = new double[n][n];
		for (int i = 0; i < n; i++)
			for (int j = 0; j <= i; j++)
				a[i][j] = a[j][i] = random.nextGaussian();
		a[2][5] = a[5][2] = 0; // and a zero off the diagonal
		SymmetricEigen e = SymmetricEigen.of(a);
		double trace = 0, sum = 0;
		for (int k = 0; k < n; k++) {
			trace += a[k][k];
			sum += e.value(k);
			if (k > 0) assertTrue(e.value(k) <= e.value(k - 1), "descending");
			double[] v = e.vector(k);
			for (int i = 0; i < n; i++) {
				double av = 0;
				for (int j = 0; j < n; j++)
					av += a[i][j] * v[j];
				assertEquals(e.value(k) * v[i], av, 1e-12, "A v = lambda v");
			}
			for (int l = 0; l < n; l++) {
				double dot = 0;
				double[] u = e.vector(l);
				for (int i = 0; i < n; i++)
					dot += v[i] * u[i];
				assertEquals(k == l ? 1 : 0, dot, 1e-12, "orthonormal");
			}
		}
		assertEquals(trace, sum, 1e-12);
		assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(
			new double[][] { { 1, 2 }, { 0, 1 } }));
	}

	@Test
	void squareRootOfAPositiveDefiniteMatrix() {
		double[][] a = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
		double[][] r = SymmetricEigen.of(a).sqrtMatrix();
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++) {
				double s = 0;
				for (int k = 0; k < 3; k++)
					s += r[i][k] * r[k][j];
				assertEquals(a[i][j], s, 1e-12);
			}
	}

	@Test
	void covarianceIsNormalisedByNMinusOne() {
		double[][] x = { { 0, 0 }, { 2, 0 }, { 0, 2 }, { 2, 2 } };
		assertArrayEquals(new double[] { 1, 1 }, GenerativeMetrics.mean(x), 0);
		double[][] c = GenerativeMetrics.covariance(x);
		assertArrayEquals(new double[] { 4 / 3.0, 0 }, c[0], 1e-15);
		assertArrayEquals(new double[] { 0, 4 / 3.0 }, c[1], 1e-15);
	}

	@Test
	void frechetDistanceOfIdenticalAndShiftedSets() {
		double[][] a = gaussian(300, new double[] { 0, 1, 2, 3, 4 }, new double[] {
			1, 2, 0.5, 1, 3 }, 7);
		assertEquals(0, GenerativeMetrics.frechetDistance(a, a), 1e-9);
		// same covariance, means apart by (3, 4): only the mean term is left
		double[][] x = { { 0, 0 }, { 2, 0 }, { 0, 2 }, { 2, 2 } }, y =
			new double[4][];
		for (int i = 0; i < 4; i++)
			y[i] = new double[] { x[i][0] + 3, x[i][1] + 4 };
		assertEquals(25, GenerativeMetrics.frechetDistance(x, y), 1e-9);
	}

	@Test
	void frechetDistanceOfGaussiansMatchesTheClosedForm() {
		// diagonal: |mu1 - mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2 = 5 + (1 + 1 + 4)
		double[][] s1 = { { 1, 0, 0 }, { 0, 4, 0 }, { 0, 0, 9 } }, s2 = { { 4, 0,
			0 }, { 0, 1, 0 }, { 0, 0, 1 } };
		assertEquals(11, GenerativeMetrics.frechetDistance(new double[3], s1,
			new double[] { 1, 2, 0 }, s2), 1e-12);
		// 2x2, not commuting: Tr sqrt(S1 S2) = sqrt(tr(S1 S2) + 2 sqrt(det S1 det
		// S2))
		double[][] p = { { 2, 1 }, { 1, 2 } }, q = { { 1, 0.5 }, { 0.5, 3 } };
		double trSqrt = Math.sqrt(9 + 2 * Math.sqrt(3 * 2.75));
		assertEquals(4 + 4 - 2 * trSqrt, GenerativeMetrics.frechetDistance(
			new double[2], p, new double[2], q), 1e-12);
		// and from samples of those diagonal Gaussians: close to 11
		double[][] a = gaussian(40000, new double[] { 0, 0, 0 }, new double[] { 1,
			2, 3 }, 1);
		double[][] b = gaussian(40000, new double[] { 1, 2, 0 }, new double[] { 2,
			1, 1 }, 2);
		assertEquals(11, GenerativeMetrics.frechetDistance(a, b), 0.15);
	}

	@Test
	void kernelDistanceOfAKnownPair() {
		// k = (x.y / 2 + 1)^3: off-diagonal k(a0,a1) = k(b0,b1) = 1; k(a_i, b_j)
		// sums to 2 * 3.375 + 2
		double[][] a = { { 1, 0 }, { 0, 1 } }, b = { { 1, 1 }, { 0, 0 } };
		GenerativeMetrics.Kid kid = GenerativeMetrics.kernelDistance(a, b, 100, 3,
			5);
		assertEquals(1 + 1 - 2 * 8.75 / 4, kid.mean(), 1e-12);
		assertEquals(0, kid.std(), 0);
		assertEquals(2, kid.subsetSize());
		assertEquals(1, kid.subsets(), "both sets whole: one subset pair");
	}

	@Test
	void kernelDistanceIsAboutZeroForOneDistributionAndGrowsWithAShift() {
		double[] zero = new double[8], one = { 1, 1, 1, 1, 1, 1, 1, 1 };
		double[][] a = gaussian(300, zero, one, 11), b = gaussian(300, zero, one,
			12);
		GenerativeMetrics.Kid same = GenerativeMetrics.kernelDistance(a, b, 9);
		GenerativeMetrics.Kid self = GenerativeMetrics.kernelDistance(a, a, 9);
		GenerativeMetrics.Kid small = GenerativeMetrics.kernelDistance(a, shifted(b,
			0.5), 9);
		GenerativeMetrics.Kid large = GenerativeMetrics.kernelDistance(a, shifted(b,
			1.0), 9);
		assertEquals(100, self.subsetSize());
		// two samples of one distribution: about zero (-0.018 here, against 1.32
		// for the shift)
		assertTrue(Math.abs(same.mean()) < 0.05 * small.mean(), same + " vs " +
			small);
		// subsets of one finite set share images, so the cross term holds some k(x,
		// x): a set against
		// itself comes out slightly below zero (-0.053 here), by about 2 (mean
		// k(x,x) - mean k(x,y)) / N
		assertTrue(self.mean() < 0 && -self.mean() < 0.1 * small.mean(), self +
			" vs " + small);
		assertTrue(large.mean() > 2 * small.mean(), large + " vs " + small);
		assertEquals(self, GenerativeMetrics.kernelDistance(a, a, 9), "seeded");
	}

	@Test
	void precisionAndRecallOfIdenticalDisjointAndPartlyCoveredSets() {
		double[][] a = gaussian(50, new double[4], new double[] { 1, 1, 1, 1 }, 4);
		GenerativeMetrics.PrecisionRecall same = GenerativeMetrics.precisionRecall(
			a, a, 3);
		assertEquals(1, same.precision(), 0);
		assertEquals(1, same.recall(), 0);
		GenerativeMetrics.PrecisionRecall far = GenerativeMetrics.precisionRecall(a,
			shifted(a, 100), 3);
		assertEquals(0, far.precision(), 0);
		assertEquals(0, far.recall(), 0);
		// reals 0..9 on a line: radius 3 at the ends, 2 inside; generated 0.5, 1.5,
		// 2.5 inside, 100 and
		// 200 outside; the ball of 0.5 (third neighbour 100, radius 99.5) holds
		// every real
		double[][] real = new double[10][];
		for (int i = 0; i < 10; i++)
			real[i] = new double[] { i };
		double[][] gen = { { 0.5 }, { 1.5 }, { 2.5 }, { 100 }, { 200 } };
		GenerativeMetrics.PrecisionRecall pr = GenerativeMetrics.precisionRecall(
			real, gen, 3);
		assertEquals(0.6, pr.precision(), 1e-15);
		assertEquals(1.0, pr.recall(), 1e-15);
		assertTrue(Double.isNaN(GenerativeMetrics.precisionRecall(real,
			new double[][] { { 1 }, { 2 } }, 3).precision()),
			"no more samples than k");
	}
}
