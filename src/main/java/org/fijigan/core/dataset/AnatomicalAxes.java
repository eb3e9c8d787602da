
package org.fijigan.core.dataset;

import java.nio.file.Path;

/**
 * Which way the voxel axes of a volume point in the body. World axis 0 runs
 * from the subject's left to right (R), 1 from posterior to anterior (A), 2
 * from inferior to superior (S): NIfTI's RAS+ world. Voxel axis {@code i} runs
 * along world axis {@code worldAxis[i]}, toward R, A or S when
 * {@code positive[i]}. An oblique volume is taken along its nearest world axes.
 *
 * @param source where it came from: {@code sform}, {@code qform}, or a note
 *          that the file says nothing and RAS is assumed
 */
public record AnatomicalAxes(int[] worldAxis, boolean[] positive,
		String source) {

	/**
	 * Voxel axes i, j, k along R, A, S: NIfTI's meaning when a file states no
	 * orientation.
	 */
	public static final AnatomicalAxes RAS = new AnatomicalAxes(new int[] { 0, 1,
		2 }, new boolean[] { true, true, true }, VoxelGrid.ASSUMED);

	public AnatomicalAxes {
		worldAxis = worldAxis.clone();
		positive = positive.clone();
		if (worldAxis.length != 3 || positive.length != 3)
			throw new IllegalArgumentException("three voxel axes");
		boolean[] seen = new boolean[3];
		for (int w : worldAxis) {
			if (w < 0 || w > 2 || seen[w]) throw new IllegalArgumentException(
				"the voxel axes must map to R, A and S once each");
			seen[w] = true;
		}
	}

	/** The voxel axis that runs along world axis {@code world}. */
	public int voxelAxisOf(int world) {
		for (int i = 0; i < 3; i++)
			if (worldAxis[i] == world) return i;
		throw new IllegalArgumentException("world axis " + world);
	}

	/**
	 * Where each voxel axis points, as radiology writes it: {@code RAS} means i
	 * toward the right, j toward anterior, k toward superior; {@code LPS} is
	 * DICOM's order.
	 */
	public String code() {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < 3; i++)
			sb.append((positive[i] ? "RAS" : "LPI").charAt(worldAxis[i]));
		return sb.toString();
	}

	/**
	 * The axes of a voxel-to-world matrix: {@code m[world][voxel]}, the 3x3 part
	 * of an affine. Each voxel axis is assigned the world axis it leans on most
	 * (the permutation with the largest total of |m|), pointing the way of that
	 * entry's sign.
	 */
	public static AnatomicalAxes ofMatrix(double[][] m, String source) {
		int[][] perms = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2,
			0, 1 }, { 2, 1, 0 } };
		int[] best = null;
		double bestSum = -1;
		for (int[] p : perms) { // p[voxel]
														// =
														// world
			double sum = 0;
			for (int i = 0; i < 3; i++)
				sum += Math.abs(m[p[i]][i]);
			if (sum > bestSum) {
				bestSum = sum;
				best = p;
			}
		}
		if (!(bestSum > 0)) throw new IllegalArgumentException(
			"the orientation matrix is zero");
		boolean[] positive = new boolean[3];
		for (int i = 0; i < 3; i++)
			positive[i] = m[best[i]][i] > 0;
		return new AnatomicalAxes(best, positive, source);
	}

	/**
	 * The axes a NIfTI-1 file states: those of its {@link VoxelGrid#ofNifti grid}
	 * (its {@code sform} when {@code sform_code > 0} and usable, else its
	 * {@code qform} when {@code qform_code > 0}, else {@link #RAS}). Reads only
	 * the header ({@code .nii} or gzipped, either byte order).
	 */
	public static AnatomicalAxes ofNifti(Path file) {
		return VoxelGrid.ofNifti(file).axes();
	}

	@Override
	public int[] worldAxis() {
		return worldAxis.clone();
	}

	@Override
	public boolean[] positive() {
		return positive.clone();
	}
}
