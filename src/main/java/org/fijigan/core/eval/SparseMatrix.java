
package org.fijigan.core.eval;

import java.util.Arrays;

/**
 * A square or rectangular sparse matrix in compressed-row form, for the
 * biharmonic fill's multigrid: products, the transpose, Gauss-Seidel sweeps.
 * Immutable; double precision.
 *
 * @param columns number of columns
 * @param rowStart row {@code i}'s entries are
 *          {@code [rowStart[i], rowStart[i + 1])}
 * @param index column of each entry
 * @param value value of each entry
 */
record SparseMatrix(int columns, int[] rowStart, int[] index, double[] value) {

	int rows() {
		return rowStart.length - 1;
	}

	/** {@code y = this x}. */
	void multiply(double[] x, double[] y) {
		for (int i = 0; i < rows(); i++) {
			double s = 0;
			for (int e = rowStart[i]; e < rowStart[i + 1]; e++)
				s += value[e] * x[index[e]];
			y[i] = s;
		}
	}

	/**
	 * One Gauss-Seidel sweep on {@code this x = b}, rows in increasing order
	 * ({@code forward}) or in decreasing order; the backward sweep undoes the
	 * forward one's asymmetry, so the pair is a symmetric smoother.
	 */
	void gaussSeidel(double[] x, double[] b, boolean forward) {
		int n = rows();
		for (int k = 0; k < n; k++) {
			int i = forward ? k : n - 1 - k;
			double s = b[i], diagonal = 0;
			for (int e = rowStart[i]; e < rowStart[i + 1]; e++)
				if (index[e] == i) diagonal = value[e];
				else s -= value[e] * x[index[e]];
			x[i] = s / diagonal;
		}
	}

	SparseMatrix transpose() {
		int[] start = new int[columns + 1];
		for (int c : index)
			start[c + 1]++;
		for (int c = 0; c < columns; c++)
			start[c + 1] += start[c];
		int[] next = Arrays.copyOf(start, columns), idx = new int[index.length];
		double[] val = new double[index.length];
		for (int i = 0; i < rows(); i++)
			for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
				int at = next[index[e]]++;
				idx[at] = i;
				val[at] = value[e];
			}
		return new SparseMatrix(rows(), start, idx, val);
	}

	/**
	 * {@code this b} (Gustavson's row-by-row product); entries that cancel to 0
	 * are kept.
	 */
	SparseMatrix times(SparseMatrix b) {
		int n = rows(), m = b.columns;
		int[] marker = new int[m];
		Arrays.fill(marker, -1);
		double[] accumulator = new double[m];
		int[] start = new int[n + 1], touched = new int[m];
		int[] idx = new int[Math.max(16, index.length * 4)];
		double[] val = new double[idx.length];
		int nnz = 0;
		for (int i = 0; i < n; i++) {
			int count = 0;
			for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
				int k = index[e];
				for (int f = b.rowStart[k]; f < b.rowStart[k + 1]; f++) {
					int j = b.index[f];
					if (marker[j] != i) {
						marker[j] = i;
						accumulator[j] = 0;
						touched[count++] = j;
					}
					accumulator[j] += value[e] * b.value[f];
				}
			}
			if (nnz + count > idx.length) {
				idx = Arrays.copyOf(idx, Math.max(2 * idx.length, nnz + count));
				val = Arrays.copyOf(val, idx.length);
			}
			Arrays.sort(touched, 0, count);
			for (int t = 0; t < count; t++) {
				idx[nnz] = touched[t];
				val[nnz++] = accumulator[touched[t]];
			}
			start[i + 1] = nnz;
		}
		return new SparseMatrix(m, start, Arrays.copyOf(idx, nnz), Arrays.copyOf(
			val, nnz));
	}

	/** The dense {@code rows x columns} copy, row-major. */
	double[] dense() {
		double[] d = new double[rows() * columns];
		for (int i = 0; i < rows(); i++)
			for (int e = rowStart[i]; e < rowStart[i + 1]; e++)
				d[i * columns + index[e]] += value[e];
		return d;
	}
}
