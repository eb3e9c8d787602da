
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The solver of {@link Baselines#biharmonicFill}: minimises
 * {@code E(u) = Σ_i (L u)_i²} over the hole pixels of {@code u}, where
 * {@code (L u)_i = Σ_j (u_j - u_i)} over the 4-neighbours {@code j} of
 * {@code i} inside the image (the graph Laplacian of the pixel grid: symmetric,
 * its kernel the constants, so with one known pixel the minimum is unique).
 * With {@code L_H} the columns of {@code L} at the holes and {@code c = L u_K}
 * the Laplacian of the known values (holes at 0), the minimum solves the normal
 * equations {@code L_Hᵀ L_H x = -L_Hᵀ c}: symmetric positive definite, 13
 * entries a row. Their condition grows with the fourth power of a hole's width,
 * so plain conjugate gradients need tens of thousands of iterations on a
 * 200-pixel hole; here each iteration is preconditioned by one multigrid
 * V-cycle (Galerkin coarse matrices {@code Pᵀ A P}, bilinear prolongation
 * {@code P} from a grid of half the resolution, symmetric Gauss-Seidel
 * smoothing, a dense Cholesky solve on the coarsest grid), which keeps the
 * count to tens. Not thread-safe; fills {@code u} in place.
 */
final class BiharmonicSolver {

	/** Gauss-Seidel sweeps before and after each coarse-grid correction. */
	private static final int SMOOTHING = 2;
	/** Unknowns up to which a grid is solved directly. */
	private static final int DIRECT = 600;
	/**
	 * Symmetric sweep pairs that stand in for the solve on a coarsest grid too
	 * large to factor.
	 */
	private static final int COARSEST_SWEEPS = 20;
	/**
	 * A Cholesky pivot at most this fraction of its diagonal entry is a null
	 * direction.
	 */
	private static final double NULL_PIVOT = 1e-10;

	private final List<SparseMatrix> matrices = new ArrayList<>();
	/**
	 * {@code prolongations.get(l)} maps the unknowns of grid {@code l + 1} to
	 * those of grid {@code l}.
	 */
	private final List<SparseMatrix> prolongations = new ArrayList<>();
	private final List<SparseMatrix> restrictions = new ArrayList<>();
	/**
	 * The Cholesky factor of the coarsest matrix (row-major, lower), or null to
	 * smooth there.
	 */
	private double[] cholesky;

	private BiharmonicSolver() {}

	/** Fills the holes of {@code u} ({@code h x w}, row-major) in place. */
	static void solve(double[] u, boolean[] holes, int h, int w, double tol,
		int maxIterations)
	{
		int n = Baselines.count(holes);
		if (n == 0) return;
		int[] unknown = new int[u.length], pixel = new int[n];
		for (int i = 0, k = 0; i < u.length; i++) {
			unknown[i] = holes[i] ? k : -1;
			if (holes[i]) pixel[k++] = i;
		}
		// L_H: one row per pixel next to or in a hole, one column per hole pixel
		List<Integer> support = new ArrayList<>();
		for (int i = 0; i < u.length; i++)
			if (holes[i] || neighbours(i, h, w).stream().anyMatch(j -> holes[j]))
				support.add(i);
		int[] start = new int[support.size() + 1];
		int[] idx = new int[support.size() * 5];
		double[] val = new double[idx.length];
		double[] known = u.clone(), c = new double[support.size()];
		for (int i : pixel)
			known[i] = 0;
		int nnz = 0;
		for (int r = 0; r < support.size(); r++) {
			int i = support.get(r);
			List<Integer> around = neighbours(i, h, w);
			c[r] = -around.size() * known[i];
			if (holes[i]) {
				idx[nnz] = unknown[i];
				val[nnz++] = -around.size();
			}
			for (int j : around) {
				c[r] += known[j];
				if (holes[j]) {
					idx[nnz] = unknown[j];
					val[nnz++] = 1;
				}
			}
			sortRow(idx, val, start[r], nnz);
			start[r + 1] = nnz;
		}
		SparseMatrix lh = new SparseMatrix(n, start, Arrays.copyOf(idx, nnz), Arrays
			.copyOf(val, nnz));
		SparseMatrix lhT = lh.transpose();
		double[] b = new double[n];
		lhT.multiply(c, b);
		for (int k = 0; k < n; k++)
			b[k] = -b[k];
		int[] ys = new int[n], xs = new int[n];
		for (int k = 0; k < n; k++) {
			ys[k] = pixel[k] / w;
			xs[k] = pixel[k] % w;
		}
		BiharmonicSolver solver = new BiharmonicSolver();
		solver.build(lhT.times(lh), ys, xs, h, w);
		double[] x = new double[n];
		Baselines.fillWithKnownMean(u, holes);
		for (int k = 0; k < n; k++)
			x[k] = u[pixel[k]];
		solver.conjugateGradients(x, b, tol, maxIterations);
		for (int k = 0; k < n; k++)
			u[pixel[k]] = x[k];
	}

	/** The in-image 4-neighbours of pixel {@code i}. */
	private static List<Integer> neighbours(int i, int h, int w) {
		int y = i / w, x = i - y * w;
		List<Integer> out = new ArrayList<>(4);
		if (x > 0) out.add(i - 1);
		if (x < w - 1) out.add(i + 1);
		if (y > 0) out.add(i - w);
		if (y < h - 1) out.add(i + w);
		return out;
	}

	/**
	 * Sorts the entries {@code [from, to)} by column (at most five: insertion
	 * sort).
	 */
	private static void sortRow(int[] idx, double[] val, int from, int to) {
		for (int a = from + 1; a < to; a++)
			for (int b = a; b > from && idx[b - 1] > idx[b]; b--) {
				int t = idx[b];
				idx[b] = idx[b - 1];
				idx[b - 1] = t;
				double v = val[b];
				val[b] = val[b - 1];
				val[b - 1] = v;
			}
	}

	/**
	 * The grid hierarchy below {@code a}, whose unknowns sit at {@code (ys, xs)}
	 * on an {@code h x w} grid: coarse nodes at the even coordinates, every node
	 * next to a fine unknown is a coarse unknown, and each fine unknown is
	 * interpolated bilinearly from the nodes around it. Where a node's only fine
	 * unknowns are shared with other nodes (a one-pixel hole between four nodes),
	 * {@code P}'s columns are dependent and {@code Pᵀ A P} is only semi-definite;
	 * it stays consistent (the restricted residual lies in the range of
	 * {@code Pᵀ}), its diagonal stays positive for the smoother, and the coarsest
	 * solve drops the null directions. Coarsening stops when a grid is small
	 * enough to factor, or stops shrinking (one-pixel strokes do not coarsen;
	 * they are well conditioned and the smoother handles them).
	 */
	private void build(SparseMatrix a, int[] ys, int[] xs, int h, int w) {
		matrices.add(a);
		int n = ys.length;
		if (n <= DIRECT) {
			cholesky = factor(a.dense(), n);
			return;
		}
		int ch = h / 2 + 1, cw = w / 2 + 1;
		boolean[] touched = new boolean[ch * cw];
		for (int k = 0; k < n; k++)
			for (int cy = ys[k] / 2; cy <= (ys[k] + 1) / 2; cy++)
				for (int cx = xs[k] / 2; cx <= (xs[k] + 1) / 2; cx++)
					touched[cy * cw + cx] = true;
		int[] id = new int[ch * cw];
		int m = 0;
		for (int j = 0; j < id.length; j++)
			id[j] = touched[j] ? m++ : -1;
		if (m > 0.8 * n) return; // no longer shrinking: smooth on this grid instead
		int[] cys = new int[m], cxs = new int[m];
		for (int j = 0; j < id.length; j++)
			if (id[j] >= 0) {
				cys[id[j]] = j / cw;
				cxs[id[j]] = j % cw;
			}
		int[] start = new int[n + 1], idx = new int[n * 4];
		double[] val = new double[n * 4];
		int nnz = 0;
		for (int k = 0; k < n; k++) {
			for (int cy = ys[k] / 2; cy <= (ys[k] + 1) / 2; cy++)
				for (int cx = xs[k] / 2; cx <= (xs[k] + 1) / 2; cx++) {
					idx[nnz] = id[cy * cw + cx];
					val[nnz++] = (ys[k] % 2 == 0 ? 1 : 0.5) * (xs[k] % 2 == 0 ? 1 : 0.5);
				}
			start[k + 1] = nnz;
		}
		SparseMatrix p = new SparseMatrix(m, start, Arrays.copyOf(idx, nnz), Arrays
			.copyOf(val, nnz));
		SparseMatrix r = p.transpose();
		prolongations.add(p);
		restrictions.add(r);
		build(r.times(a.times(p)), cys, cxs, ch, cw);
	}

	/**
	 * Preconditioned conjugate gradients on {@code A x = b} from {@code x}, in
	 * place.
	 */
	private void conjugateGradients(double[] x, double[] b, double tol,
		int maxIterations)
	{
		SparseMatrix a = matrices.get(0);
		int n = x.length;
		double[] r = new double[n], ap = new double[n], diagonal = diagonal(a);
		a.multiply(x, ap);
		for (int k = 0; k < n; k++)
			r[k] = b[k] - ap[k];
		if (converged(r, diagonal, tol)) return;
		double[] z = vCycle(0, r), p = z.clone();
		double rz = dot(r, z);
		for (int iteration = 0; iteration < maxIterations; iteration++) {
			a.multiply(p, ap);
			double alpha = rz / dot(p, ap);
			for (int k = 0; k < n; k++) {
				x[k] += alpha * p[k];
				r[k] -= alpha * ap[k];
			}
			if (converged(r, diagonal, tol)) return;
			z = vCycle(0, r);
			double next = dot(r, z), beta = next / rz;
			rz = next;
			for (int k = 0; k < n; k++)
				p[k] = z[k] + beta * p[k];
		}
	}

	/**
	 * One V-cycle on grid {@code level} for {@code A e = r} from {@code e = 0}: a
	 * symmetric operator.
	 */
	private double[] vCycle(int level, double[] r) {
		SparseMatrix a = matrices.get(level);
		int n = r.length;
		double[] e = new double[n];
		if (level == matrices.size() - 1) {
			if (cholesky != null) return choleskySolve(cholesky, n, r);
			for (int s = 0; s < COARSEST_SWEEPS; s++) {
				a.gaussSeidel(e, r, true);
				a.gaussSeidel(e, r, false);
			}
			return e;
		}
		for (int s = 0; s < SMOOTHING; s++)
			a.gaussSeidel(e, r, true);
		double[] ae = new double[n], residual = new double[n];
		a.multiply(e, ae);
		for (int k = 0; k < n; k++)
			residual[k] = r[k] - ae[k];
		SparseMatrix restriction = restrictions.get(level);
		double[] coarse = new double[restriction.rows()], correction =
			new double[n];
		restriction.multiply(residual, coarse);
		prolongations.get(level).multiply(vCycle(level + 1, coarse), correction);
		for (int k = 0; k < n; k++)
			e[k] += correction[k];
		for (int s = 0; s < SMOOTHING; s++)
			a.gaussSeidel(e, r, false);
		return e;
	}

	private static double[] diagonal(SparseMatrix a) {
		double[] d = new double[a.rows()];
		for (int i = 0; i < d.length; i++)
			for (int e = a.rowStart()[i]; e < a.rowStart()[i + 1]; e++)
				if (a.index()[e] == i) d[i] = a.value()[e];
		return d;
	}

	/** No unknown's residual, over its diagonal entry, exceeds {@code tol}. */
	private static boolean converged(double[] r, double[] diagonal, double tol) {
		for (int k = 0; k < r.length; k++)
			if (Math.abs(r[k]) > tol * diagonal[k]) return false;
		return true;
	}

	private static double dot(double[] a, double[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++)
			s += a[i] * b[i];
		return s;
	}

	/**
	 * The lower Cholesky factor of the symmetric positive semi-definite
	 * {@code n x n} matrix {@code m}: a pivot that falls to {@value #NULL_PIVOT}
	 * of its diagonal entry or below marks a null direction, and its column stays
	 * 0.
	 */
	private static double[] factor(double[] m, int n) {
		double[] l = new double[n * n];
		for (int j = 0; j < n; j++) {
			double d = m[j * n + j];
			for (int k = 0; k < j; k++)
				d -= l[j * n + k] * l[j * n + k];
			if (d <= NULL_PIVOT * m[j * n + j]) continue;
			double root = Math.sqrt(d);
			l[j * n + j] = root;
			for (int i = j + 1; i < n; i++) {
				double s = m[i * n + j];
				for (int k = 0; k < j; k++)
					s -= l[i * n + k] * l[j * n + k];
				l[i * n + j] = s / root;
			}
		}
		return l;
	}

	/**
	 * Solves {@code L Lᵀ x = b} with {@link #factor}'s {@code L}; null directions
	 * get 0.
	 */
	private static double[] choleskySolve(double[] l, int n, double[] b) {
		double[] y = new double[n];
		for (int i = 0; i < n; i++) {
			double s = b[i];
			for (int k = 0; k < i; k++)
				s -= l[i * n + k] * y[k];
			y[i] = l[i * n + i] == 0 ? 0 : s / l[i * n + i];
		}
		for (int i = n - 1; i >= 0; i--) {
			double s = y[i];
			for (int k = i + 1; k < n; k++)
				s -= l[k * n + i] * y[k];
			y[i] = l[i * n + i] == 0 ? 0 : s / l[i * n + i];
		}
		return y;
	}
}
