
package org.fijigan.core.image;

import java.util.Arrays;

/**
 * Where a NIfTI volume's voxels lie in the scanner's world, as its header says
 * it: the qform (a rotation as a quaternion, the voxel sizes of {@code pixdim},
 * the sign {@code qfac} of the slice axis and an offset) and the sform (an
 * affine of three rows), each with its code (0: not given). It travels with an
 * image read from NIfTI so that a result written to NIfTI overlays its input in
 * a viewer; super-resolution moves the voxel centres.
 *
 * @param quatern quatern_b, quatern_c, quatern_d
 * @param qoffset qoffset_x, qoffset_y, qoffset_z
 * @param srow srow_x, srow_y, srow_z: world = srow x (i, j, k, 1)
 */
public record NiftiOrientation(short qformCode, float[] quatern,
		float[] qoffset, float qfac, short sformCode, float[][] srow) {

	/**
	 * The orientation of the volume magnified by {@code scale} in x and y, its
	 * voxels {@code pixelWidth} by {@code pixelHeight} before: voxel (i', j') of
	 * the result is centred where (i' + 0.5) / scale - 0.5 of the input was.
	 */
	public NiftiOrientation magnified(double scale, double pixelWidth,
		double pixelHeight)
	{
		double shift = 0.5 / scale - 0.5;
		float[][] s = new float[3][];
		for (int r = 0; r < 3; r++) {
			s[r] = srow[r].clone();
			s[r][3] = (float) (srow[r][3] + (srow[r][0] + srow[r][1]) * shift);
			s[r][0] = (float) (srow[r][0] / scale);
			s[r][1] = (float) (srow[r][1] / scale);
		}
		double[][] rot = rotation();
		float[] q = qoffset.clone();
		for (int r = 0; r < 3; r++)
			q[r] = (float) (qoffset[r] + (rot[r][0] * pixelWidth + rot[r][1] *
				pixelHeight) * shift);
		return new NiftiOrientation(qformCode, quatern.clone(), q, qfac, sformCode,
			s);
	}

	/** The qform's rotation matrix, from quatern_b, c, d (NIfTI-1's formula). */
	public double[][] rotation() {
		double b = quatern[0], c = quatern[1], d = quatern[2];
		double a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
		return new double[][] { { a * a + b * b - c * c - d * d, 2 * (b * c - a *
			d), 2 * (b * d + a * c) }, { 2 * (b * c + a * d), a * a + c * c - b * b -
				d * d, 2 * (c * d - a * b) }, { 2 * (b * d - a * c), 2 * (c * d + a *
					b), a * a + d * d - b * b - c * c } };
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof NiftiOrientation n && qformCode == n.qformCode &&
			sformCode == n.sformCode && qfac == n.qfac && Arrays.equals(quatern,
				n.quatern) && Arrays.equals(qoffset, n.qoffset) && Arrays.deepEquals(
					srow, n.srow);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(qoffset) + 31 * Arrays.deepHashCode(srow);
	}

	@Override
	public String toString() {
		return "NiftiOrientation[qform " + qformCode + " " + Arrays.toString(
			quatern) + " + " + Arrays.toString(qoffset) + ", qfac " + qfac +
			"; sform " + sformCode + " " + Arrays.deepToString(srow) + "]";
	}
}
