
package org.fijigan.core.dataset;

import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Nifti;
import org.fijigan.core.image.NiftiOrientation;

/**
 * Where the voxels of a volume lie in the body: the affine map from voxel
 * indices {@code (i, j, k)} to world coordinates in millimetres, in NIfTI's
 * RAS+ world (x toward the subject's right, y anterior, z superior).
 * {@code world = affine[0..2][0..2] * (i, j, k) + affine[0..2][3]}; the columns
 * of the 3x3 part are the voxel axes, their lengths the voxel sizes.
 *
 * @param affine 3 rows of 4 values; copied
 * @param source {@code sform}, {@code qform}, or a note that the file states no
 *          orientation (the voxel sizes of its {@code pixdim} along R, A and S
 *          are then assumed)
 */
public record VoxelGrid(double[][] affine, String source) {

	/** The source of a grid read from a file that states no orientation. */
	public static final String ASSUMED =
		"assumed: the file states no orientation";

	public VoxelGrid {
		if (affine.length != 3) throw new IllegalArgumentException("3 rows");
		double[][] copy = new double[3][];
		for (int r = 0; r < 3; r++) {
			if (affine[r].length != 4) throw new IllegalArgumentException(
				"4 columns");
			copy[r] = affine[r].clone();
		}
		affine = copy;
		if (!(Math.abs(determinant(affine)) > 0)) throw new GanException(
			"the voxel-to-world matrix " +
				"is singular (or not finite): the volume's voxel axes do not span 3D space");
	}

	/**
	 * Voxel axes along R, A and S with the given sizes (mm), voxel (0, 0, 0) at
	 * the origin.
	 */
	public static VoxelGrid aligned(double sizeI, double sizeJ, double sizeK,
		String source)
	{
		return new VoxelGrid(new double[][] { { sizeI, 0, 0, 0 }, { 0, sizeJ, 0,
			0 }, { 0, 0, sizeK, 0 } }, source);
	}

	/** The size of a voxel along voxel axis {@code axis} (0, 1, 2), mm. */
	public double voxelSize(int axis) {
		double s = 0;
		for (int r = 0; r < 3; r++)
			s += affine[r][axis] * affine[r][axis];
		return Math.sqrt(s);
	}

	/**
	 * The world point (mm) of voxel coordinates {@code (i, j, k)} (fractions
	 * allowed).
	 */
	public double[] world(double i, double j, double k) {
		double[] w = new double[3];
		for (int r = 0; r < 3; r++)
			w[r] = affine[r][0] * i + affine[r][1] * j + affine[r][2] * k +
				affine[r][3];
		return w;
	}

	/**
	 * The map from world points to voxel coordinates, as 3 rows of 4 values:
	 * {@code voxel =
	 * m[0..2][0..2] * world + m[0..2][3]}.
	 */
	public double[][] inverse() {
		double[][] a = affine;
		double det = determinant(a);
		double[][] m = new double[3][4];
		for (int r = 0; r < 3; r++)
			for (int c = 0; c < 3; c++) {
// adjugate: cofactor of (c, r)
				int r1 = (c + 1) % 3, r2 = (c + 2) % 3, c1 = (r + 1) % 3, c2 = (r + 2) %
					3;
				m[r][c] = (a[r1][c1] * a[r2][c2] - a[r1][c2] * a[r2][c1]) / det;
			}
		for (int r = 0; r < 3; r++)
			m[r][3] = -(m[r][0] * a[0][3] + m[r][1] * a[1][3] + m[r][2] * a[2][3]);
		return m;
	}

	/** Which way the voxel axes point ({@link AnatomicalAxes#ofMatrix}). */
	public AnatomicalAxes axes() {
		double[][] m = new double[3][3];
		for (int r = 0; r < 3; r++)
			System.arraycopy(affine[r], 0, m[r], 0, 3);
		return AnatomicalAxes.ofMatrix(m, source);
	}

	/**
	 * The grid a NIfTI file (NIfTI-1 or -2) states: its {@code sform} when
	 * {@code sform_code > 0} (and usable), else its {@code qform} when
	 * {@code qform_code > 0}, else voxel axes along R, A, S with the sizes of
	 * {@code pixdim} (a size that is not a positive number counts as 1 mm). Reads
	 * only the header ({@code .nii} or gzipped, either byte order).
	 */
	public static VoxelGrid ofNifti(Path file) {
		return ofHeader(Nifti.readHeader(file));
	}

	/** The grid stated by a NIfTI header. */
	static VoxelGrid ofHeader(Nifti.Header h) {
		float[] pixdim = h.pixdim();
		double[] size = new double[3];
		for (int i = 0; i < 3; i++) {
			double p = Math.abs(pixdim[i + 1]);
			size[i] = p > 0 && Double.isFinite(p) ? p : 1;
		}
		NiftiOrientation o = h.orientation();
		if (h.sformCode() > 0) {
			double[][] m = new double[3][4];
			for (int w = 0; w < 3; w++)
				for (int i = 0; i < 4; i++)
					m[w][i] = o.srow()[w][i];
			if (isUsable(m)) return new VoxelGrid(m, "sform");
		}
		if (h.qformCode() > 0) {
			double qfac = pixdim[0] < 0 ? -1 : 1;
			double[][] r = o.rotation();
			double[][] m = new double[3][4];
			for (int w = 0; w < 3; w++) {
				for (int i = 0; i < 3; i++)
					m[w][i] = r[w][i] * size[i] * (i == 2 ? qfac : 1);
				m[w][3] = o.qoffset()[w];
			}
			return new VoxelGrid(m, "qform");
		}
		return aligned(size[0], size[1], size[2], ASSUMED);
	}

	private static boolean isUsable(double[][] m) {
		for (double[] row : m)
			for (double v : row)
				if (!Double.isFinite(v)) return false;
		return Math.abs(determinant(m)) > 0;
	}

	private static double determinant(double[][] a) {
		return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] *
			(a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] -
				a[1][1] * a[2][0]);
	}

	@Override
	public double[][] affine() {
		double[][] copy = new double[3][];
		for (int r = 0; r < 3; r++)
			copy[r] = affine[r].clone();
		return copy;
	}
}
