
package org.fijigan.core.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Distances between two sets of feature vectors ({@code double[N][D]}, one row
 * per image): how far a generator's images lie from real ones. Pure functions,
 * double precision; everything random is drawn from a seed.
 * <p>
 * The numbers depend on the features. The published values of FID and KID use
 * Inception-v3 features; values computed on other features (such as
 * {@link PcaFeatures}) are comparable only with each other.
 */
public final class GenerativeMetrics {

	/**
	 * Neighbours that define a sample's manifold ball in precision and recall
	 * (Kynkäänniemi et al.).
	 */
	public static final int DEFAULT_NEIGHBOURS = 3;
	/**
	 * Largest KID subset (Binkowski et al. use 1000 with Inception features; we
	 * use 100).
	 */
	public static final int KID_SUBSET_SIZE = 100;
	/** Number of KID subsets averaged. */
	public static final int KID_SUBSETS = 100;

	private GenerativeMetrics() {}

	/**
	 * KID's mean and standard deviation over subsets (population standard
	 * deviation).
	 */
	public record Kid(double mean, double std, int subsetSize, int subsets) {
	}

	/**
	 * Improved precision and recall (fractions in [0, 1]), with the neighbour
	 * count used.
	 */
	public record PrecisionRecall(double precision, double recall,
			int neighbours) {
	}

	/** Column means. */
	public static double[] mean(double[][] x) {
		int d = dimension(x);
		double[] mu = new double[d];
		for (double[] row : x)
			for (int j = 0; j < d; j++)
				mu[j] += row[j];
		for (int j = 0; j < d; j++)
			mu[j] /= x.length;
		return mu;
	}

	/**
	 * Sample covariance, normalised by {@code N - 1} (NumPy's
	 * {@code cov(rowvar=False)}, as the reference FID code uses). Needs at least
	 * two rows.
	 */
	public static double[][] covariance(double[][] x) {
		int n = x.length, d = dimension(x);
		if (n < 2) throw new IllegalArgumentException(
			"a covariance needs at least two samples, got " + n);
		double[] mu = mean(x);
		double[][] c = new double[d][d];
		double[] centred = new double[d];
		for (double[] row : x) {
			for (int j = 0; j < d; j++)
				centred[j] = row[j] - mu[j];
			for (int i = 0; i < d; i++) {
				double ci = centred[i];
				double[] ri = c[i];
				for (int j = 0; j <= i; j++)
					ri[j] += ci * centred[j];
			}
		}
		for (int i = 0; i < d; i++)
			for (int j = 0; j <= i; j++)
				c[j][i] = c[i][j] /= n - 1;
		return c;
	}

	/**
	 * Fréchet distance between Gaussians fitted to the two sets (FID on these
	 * features): {@code |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))}. Each set
	 * needs at least two rows.
	 */
	public static double frechetDistance(double[][] a, double[][] b) {
		checkSameDimension(a, b);
		return frechetDistance(mean(a), covariance(a), mean(b), covariance(b));
	}

	/**
	 * Fréchet distance between two Gaussians given by their means and
	 * covariances. The trace of {@code (S1 S2)^(1/2)} is taken in the symmetric
	 * form {@code Tr (S1^(1/2) S2 S1^(1/2))^(1/2)} (same eigenvalues), from two
	 * symmetric eigendecompositions; eigenvalues below zero from rounding count
	 * as zero, and a result below zero from rounding is returned as zero.
	 */
	public static double frechetDistance(double[] mu1, double[][] s1,
		double[] mu2, double[][] s2)
	{
		int d = mu1.length;
		if (mu2.length != d || s1.length != d || s2.length != d)
			throw new IllegalArgumentException(
				"means and covariances differ in dimension");
		double meanTerm = 0;
		for (int i = 0; i < d; i++)
			meanTerm += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]);
		double[][] r = SymmetricEigen.of(s1).sqrtMatrix();
		double[][] m = multiply(multiply(r, s2), r);
		for (int i = 0; i < d; i++) // symmetric to rounding: make it exactly so
			for (int j = 0; j < i; j++)
				m[i][j] = m[j][i] = 0.5 * (m[i][j] + m[j][i]);
		double traceSqrt = 0;
		for (double v : SymmetricEigen.of(m).values())
			traceSqrt += Math.sqrt(Math.max(0, v));
		double trace = 0;
		for (int i = 0; i < d; i++)
			trace += s1[i][i] + s2[i][i];
		return Math.max(0, meanTerm + trace - 2 * traceSqrt);
	}

	/**
	 * Kernel inception distance on these features (Binkowski et al. 2018): the
	 * unbiased estimate of the squared maximum mean discrepancy with the kernel
	 * {@code k(x, y) = (x.y / D + 1)^3}, averaged over {@code subsets} pairs of
	 * subsets of size {@code min(|a|, |b|, subsetSize)}, each drawn without
	 * replacement from each set (one pair, the whole sets, when both are that
	 * small).
	 *
	 * @return mean and population standard deviation over the subsets; NaN when a
	 *         set has fewer than two rows
	 */
	public static Kid kernelDistance(double[][] a, double[][] b, int subsetSize,
		int subsets, long seed)
	{
		checkSameDimension(a, b);
		if (subsets < 1 || subsetSize < 2) throw new IllegalArgumentException(
			"KID needs at least one subset of at least two");
		int m = Math.min(subsetSize, Math.min(a.length, b.length));
		if (m < 2) return new Kid(Double.NaN, Double.NaN, m, 0);
		if (m == a.length && m == b.length) subsets = 1; // every subset would be
																											// both whole sets
		int d = a[0].length;
		SplittableRandom random = new SplittableRandom(seed);
		double[] mmd = new double[subsets];
		for (int s = 0; s < subsets; s++) {
			int[] ia = sample(a.length, m, random), ib = sample(b.length, m, random);
			double kxx = 0, kyy = 0, kxy = 0;
			for (int i = 0; i < m; i++)
				for (int j = 0; j < m; j++) {
					if (i != j) {
						kxx += kernel(a[ia[i]], a[ia[j]], d);
						kyy += kernel(b[ib[i]], b[ib[j]], d);
					}
					kxy += kernel(a[ia[i]], b[ib[j]], d);
				}
			mmd[s] = (kxx + kyy) / ((double) m * (m - 1)) - 2 * kxy / ((double) m *
				m);
		}
		double mean = 0;
		for (double v : mmd)
			mean += v;
		mean /= subsets;
		double var = 0;
		for (double v : mmd)
			var += (v - mean) * (v - mean);
		return new Kid(mean, Math.sqrt(var / subsets), m, subsets);
	}

	/**
	 * {@link #kernelDistance(double[][], double[][], int, int, long)} with 100
	 * subsets of 100.
	 */
	public static Kid kernelDistance(double[][] a, double[][] b, long seed) {
		return kernelDistance(a, b, KID_SUBSET_SIZE, KID_SUBSETS, seed);
	}

	private static double kernel(double[] x, double[] y, int d) {
		double dot = 0;
		for (int i = 0; i < d; i++)
			dot += x[i] * y[i];
		double k = dot / d + 1;
		return k * k * k;
	}

	/**
	 * {@code m} distinct indices below {@code n}: the head of a partial
	 * Fisher-Yates shuffle.
	 */
	static int[] sample(int n, int m, SplittableRandom random) {
		int[] all = new int[n];
		for (int i = 0; i < n; i++)
			all[i] = i;
		for (int i = 0; i < m; i++) {
			int j = i + random.nextInt(n - i);
			int t = all[i];
			all[i] = all[j];
			all[j] = t;
		}
		return Arrays.copyOf(all, m);
	}

	/**
	 * Improved precision and recall (Kynkäänniemi et al. 2019): each sample's
	 * manifold ball has the radius of the Euclidean distance to its {@code k}-th
	 * nearest neighbour in its own set (itself left out). Precision is the
	 * fraction of generated samples inside some real sample's ball; recall the
	 * fraction of real samples inside some generated sample's ball. NaN when a
	 * set has no more than {@code k} samples.
	 */
	public static PrecisionRecall precisionRecall(double[][] real,
		double[][] generated, int k)
	{
		checkSameDimension(real, generated);
		if (k < 1) throw new IllegalArgumentException("k must be at least 1");
		if (real.length <= k || generated.length <= k) return new PrecisionRecall(
			Double.NaN, Double.NaN, k);
		double[] realRadius = kthNeighbourDistances(real, k);
		double[] generatedRadius = kthNeighbourDistances(generated, k);
		return new PrecisionRecall(coveredFraction(generated, real, realRadius),
			coveredFraction(real, generated, generatedRadius), k);
	}

	/** Squared distance to each row's {@code k}-th nearest other row. */
	private static double[] kthNeighbourDistances(double[][] x, int k) {
		double[] radius = new double[x.length], d = new double[x.length - 1];
		for (int i = 0; i < x.length; i++) {
			int n = 0;
			for (int j = 0; j < x.length; j++)
				if (j != i) d[n++] = squaredDistance(x[i], x[j]);
			Arrays.sort(d);
			radius[i] = d[k - 1];
		}
		return radius;
	}

	/**
	 * Fraction of {@code queries} within the ball of some row of {@code centres}.
	 */
	private static double coveredFraction(double[][] queries, double[][] centres,
		double[] radius)
	{
		int inside = 0;
		for (double[] q : queries)
			for (int j = 0; j < centres.length; j++)
				if (squaredDistance(q, centres[j]) <= radius[j]) {
					inside++;
					break;
				}
		return (double) inside / queries.length;
	}

	static double squaredDistance(double[] x, double[] y) {
		double s = 0;
		for (int i = 0; i < x.length; i++) {
			double t = x[i] - y[i];
			s += t * t;
		}
		return s;
	}

	private static double[][] multiply(double[][] a, double[][] b) {
		int n = a.length, k = b.length, m = b[0].length;
		double[][] c = new double[n][m];
		for (int i = 0; i < n; i++) {
			double[] ci = c[i];
			for (int p = 0; p < k; p++) {
				double aip = a[i][p];
				if (aip == 0) continue;
				double[] bp = b[p];
				for (int j = 0; j < m; j++)
					ci[j] += aip * bp[j];
			}
		}
		return c;
	}

	private static int dimension(double[][] x) {
		if (x.length == 0) throw new IllegalArgumentException("no feature vectors");
		int d = x[0].length;
		for (double[] row : x)
			if (row.length != d) throw new IllegalArgumentException(
				"feature vectors differ in length");
		return d;
	}

	private static void checkSameDimension(double[][] a, double[][] b) {
		if (dimension(a) != dimension(b)) throw new IllegalArgumentException(
			"the two sets have " + "features of length " + a[0].length + " and " +
				b[0].length);
	}
}
