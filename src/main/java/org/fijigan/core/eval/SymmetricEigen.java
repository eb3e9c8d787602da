package org.fijigan.core.eval;

/**
 * Eigendecomposition of a real symmetric matrix, {@code A = V diag(values) V^T}: Householder
 * reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson-like shifts (the
 * EISPACK routines {@code tred2} and {@code tql2}, as JAMA carries them). O(n^3) time, in double
 * precision, deterministic. Eigenvalues come in descending order; each eigenvector's sign is fixed
 * so that its entry of largest magnitude (the first, on a tie) is positive, so the same matrix
 * always gives the same vectors.
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
	 * Decomposes {@code a}, which must be square and symmetric (only symmetry to rounding is
	 * checked: the lower triangle is used). {@code a} is not changed.
	 */
	public static SymmetricEigen of(double[][] a) {
		int n = a.length;
		for (double[] row : a)
			if (row.length != n) throw new IllegalArgumentException("the matrix is not square");
		double scale = 0;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				scale = Math.max(scale, Math.abs(a[i][j]));
		for (int i = 0; i < n; i++)
			for (int j = 0; j < i; j++)
				if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * Math.max(scale, Double.MIN_NORMAL))
					throw new IllegalArgumentException("the matrix is not symmetric at " + i + "," + j);
		if (n == 0) return new SymmetricEigen(new double[0], new double[0][]);
		double[][] v = new double[n][];
		for (int i = 0; i < n; i++)
			v[i] = a[i].clone();
		double[] d = new double[n], e = new double[n];
		tred2(v, d, e);
		double[][] vt = transpose(v); // tql2 rotates columns of V: rows of V^T are contiguous
		tql2(vt, d, e);
		Integer[] order = new Integer[n];
		for (int i = 0; i < n; i++)
			order[i] = i;
		java.util.Arrays.sort(order, (p, q) -> Double.compare(d[q], d[p]));
		double[] values = new double[n];
		double[][] vectors = new double[n][];
		for (int k = 0; k < n; k++) {
			values[k] = d[order[k]];
			double[] vec = vt[order[k]];
			int big = 0;
			for (int i = 1; i < n; i++)
				if (Math.abs(vec[i]) > Math.abs(vec[big])) big = i;
			if (vec[big] < 0) for (int i = 0; i < n; i++)
				vec[i] = -vec[i];
			vectors[k] = vec;
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

	/** Unit eigenvector {@code k}, of eigenvalue {@link #value(int) value(k)} (a copy). */
	public double[] vector(int k) {
		return vectors[k].clone();
	}

	public int size() {
		return values.length;
	}

	/**
	 * {@code V diag(f(values)) V^T} with {@code f(x) = sqrt(max(x, 0))}: the symmetric square root
	 * of a positive semi-definite matrix, tiny negative eigenvalues from rounding counted as 0.
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

	private static double[][] transpose(double[][] m) {
		int n = m.length;
		double[][] t = new double[n][n];
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				t[j][i] = m[i][j];
		return t;
	}

	/**
	 * Householder reduction of the symmetric matrix in {@code v} to tridiagonal form: on return
	 * {@code d} holds the diagonal, {@code e} the subdiagonal (in {@code e[1..n-1]}), and {@code v}
	 * the orthogonal transformation.
	 */
	private static void tred2(double[][] v, double[] d, double[] e) {
		int n = d.length;
		for (int j = 0; j < n; j++)
			d[j] = v[n - 1][j];
		for (int i = n - 1; i > 0; i--) {
			double scale = 0, h = 0;
			for (int k = 0; k < i; k++)
				scale += Math.abs(d[k]);
			if (scale == 0) {
				e[i] = d[i - 1];
				for (int j = 0; j < i; j++) {
					d[j] = v[i - 1][j];
					v[i][j] = 0;
					v[j][i] = 0;
				}
			}
			else {
				for (int k = 0; k < i; k++) {
					d[k] /= scale;
					h += d[k] * d[k];
				}
				double f = d[i - 1];
				double g = Math.sqrt(h);
				if (f > 0) g = -g;
				e[i] = scale * g;
				h -= f * g;
				d[i - 1] = f - g;
				for (int j = 0; j < i; j++)
					e[j] = 0;
				for (int j = 0; j < i; j++) {
					f = d[j];
					v[j][i] = f;
					g = e[j] + v[j][j] * f;
					for (int k = j + 1; k <= i - 1; k++) {
						g += v[k][j] * d[k];
						e[k] += v[k][j] * f;
					}
					e[j] = g;
				}
				f = 0;
				for (int j = 0; j < i; j++) {
					e[j] /= h;
					f += e[j] * d[j];
				}
				double hh = f / (h + h);
				for (int j = 0; j < i; j++)
					e[j] -= hh * d[j];
				for (int j = 0; j < i; j++) {
					f = d[j];
					g = e[j];
					for (int k = j; k <= i - 1; k++)
						v[k][j] -= f * e[k] + g * d[k];
					d[j] = v[i - 1][j];
					v[i][j] = 0;
				}
			}
			d[i] = h;
		}
		for (int i = 0; i < n - 1; i++) {
			v[n - 1][i] = v[i][i];
			v[i][i] = 1;
			double h = d[i + 1];
			if (h != 0) {
				for (int k = 0; k <= i; k++)
					d[k] = v[k][i + 1] / h;
				for (int j = 0; j <= i; j++) {
					double g = 0;
					for (int k = 0; k <= i; k++)
						g += v[k][i + 1] * v[k][j];
					for (int k = 0; k <= i; k++)
						v[k][j] -= g * d[k];
				}
			}
			for (int k = 0; k <= i; k++)
				v[k][i + 1] = 0;
		}
		for (int j = 0; j < n; j++) {
			d[j] = v[n - 1][j];
			v[n - 1][j] = 0;
		}
		v[n - 1][n - 1] = 1;
		e[0] = 0;
	}

	/**
	 * Implicit QL iterations on the tridiagonal matrix ({@code d}, {@code e}), accumulating the
	 * rotations into {@code vt}, which holds the transformation transposed (row {@code k} = column
	 * {@code k}). On return {@code d} holds the eigenvalues and row {@code k} of {@code vt} the
	 * eigenvector of {@code d[k]}.
	 */
	private static void tql2(double[][] vt, double[] d, double[] e) {
		int n = d.length;
		for (int i = 1; i < n; i++)
			e[i - 1] = e[i];
		e[n - 1] = 0;
		double f = 0, tst1 = 0, eps = Math.ulp(1.0);
		for (int l = 0; l < n; l++) {
			tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
			int m = l;
			while (m < n - 1 && Math.abs(e[m]) > eps * tst1)
				m++;
			if (m > l) {
				int iterations = 0;
				do {
					if (++iterations > 100) throw new ArithmeticException(
						"the eigenvalue iteration did not converge");
					double g = d[l];
					double p = (d[l + 1] - g) / (2 * e[l]);
					double r = Math.hypot(p, 1);
					if (p < 0) r = -r;
					d[l] = e[l] / (p + r);
					d[l + 1] = e[l] * (p + r);
					double dl1 = d[l + 1];
					double h = g - d[l];
					for (int i = l + 2; i < n; i++)
						d[i] -= h;
					f += h;
					p = d[m];
					double c = 1, c2 = c, c3 = c;
					double el1 = e[l + 1];
					double s = 0, s2 = 0;
					for (int i = m - 1; i >= l; i--) {
						c3 = c2;
						c2 = c;
						s2 = s;
						g = c * e[i];
						h = c * p;
						r = Math.hypot(p, e[i]);
						e[i + 1] = s * r;
						s = e[i] / r;
						c = p / r;
						p = c * d[i] - s * g;
						d[i + 1] = h + s * (c * g + s * d[i]);
						double[] a = vt[i], b = vt[i + 1];
						for (int k = 0; k < n; k++) {
							h = b[k];
							b[k] = s * a[k] + c * h;
							a[k] = c * a[k] - s * h;
						}
					}
					p = -s * s2 * c3 * el1 * e[l] / dl1;
					e[l] = s * p;
					d[l] = c * p;
				}
				while (Math.abs(e[l]) > eps * tst1);
			}
			d[l] += f;
			e[l] = 0;
		}
	}
}
