
package org.fijigan.core.eval;

import java.util.Arrays;

import Jama.EigenvalueDecomposition;
import Jama.Matrix;

/**
 * Eigendecomposition of a real symmetric matrix,
 * {@code A = V diag(values) V^T}, by JAMA's {@link EigenvalueDecomposition}
 * (Householder reduction to tridiagonal form, then the implicit QL algorithm:
 * EISPACK's {@code tred2} and {@code tql2}). O(n^3) time, in double precision,
 * deterministic. Eigenvalues come in descending order; each eigenvector's sign
 * is fixed so that its entry of largest magnitude (the first, on a tie) is
 * positive, so the same matrix always gives the same vectors.
 */
public final class SymmetricEigen {

	private final double[] values;
	/** Row {@code k} is eigenvector {@code k}. */
	private final double[][] vectors;

	private SymmetricEigen(double[] values, double[][] vectors) {
		this.values = values;
		this.vectors = vectors;
	}

	/**
	 * Decomposes {@code a}, which must be square and symmetric (only symmetry to
	 * rounding is checked: the lower triangle is used). {@code a} is not changed.
	 */
	public static SymmetricEigen of(double[][] a) {
		int n = a.length;
		for (double[] row : a)
			if (row.length != n) throw new IllegalArgumentException(
				"the matrix is not square");
		double scale = 0;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				scale = Math.max(scale, Math.abs(a[i][j]));
		for (int i = 0; i < n; i++)
			for (int j = 0; j < i; j++)
				if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * Math.max(scale,
					Double.MIN_NORMAL)) throw new IllegalArgumentException(
						"the matrix is not symmetric at " + i + "," + j);
		if (n == 0) return new SymmetricEigen(new double[0], new double[0][]);
		// exactly symmetric from the lower triangle, so JAMA takes its symmetric
		// path
		double[][] lower = new double[n][n];
		for (int i = 0; i < n; i++)
			for (int j = 0; j <= i; j++)
				lower[i][j] = lower[j][i] = a[i][j];
		EigenvalueDecomposition e = new EigenvalueDecomposition(new Matrix(lower, n,
			n));
		double[] d = e.getRealEigenvalues();
		double[][] v = e.getV().getArray(); // column k is eigenvector k
		Integer[] order = new Integer[n];
		for (int i = 0; i < n; i++)
			order[i] = i;
		Arrays.sort(order, (p, q) -> Double.compare(d[q], d[p]));
		double[] values = new double[n];
		double[][] vectors = new double[n][n];
		for (int k = 0; k < n; k++) {
			values[k] = d[order[k]];
			double[] vec = vectors[k];
			for (int i = 0; i < n; i++)
				vec[i] = v[i][order[k]];
			int big = 0;
			for (int i = 1; i < n; i++)
				if (Math.abs(vec[i]) > Math.abs(vec[big])) big = i;
			if (vec[big] < 0) for (int i = 0; i < n; i++)
				vec[i] = -vec[i];
		}
		return new SymmetricEigen(values, vectors);
	}

	/** The eigenvalues, largest first (a copy). */
	public double[] values() {
		return values.clone();
	}

	/** Eigenvalue {@code k} (0 is the largest). */
	public double value(int k) {
		return values[k];
	}

	/**
	 * Unit eigenvector {@code k}, of eigenvalue {@link #value(int) value(k)} (a
	 * copy).
	 */
	public double[] vector(int k) {
		return vectors[k].clone();
	}

	public int size() {
		return values.length;
	}

	/**
	 * {@code V diag(f(values)) V^T} with {@code f(x) = sqrt(max(x, 0))}: the
	 * symmetric square root of a positive semi-definite matrix, tiny negative
	 * eigenvalues from rounding counted as 0.
	 */
	public double[][] sqrtMatrix() {
		int n = values.length;
		double[][] out = new double[n][n];
		for (int k = 0; k < n; k++) {
			double s = Math.sqrt(Math.max(0, values[k]));
			if (s == 0) continue;
			double[] v = vectors[k];
			for (int i = 0; i < n; i++) {
				double vi = s * v[i];
				if (vi == 0) continue;
				double[] row = out[i];
				for (int j = 0; j < n; j++)
					row[j] += vi * v[j];
			}
		}
		return out;
	}
}
