
package org.fijigan.core.dataset;

import java.util.Arrays;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

/**
 * Brain extraction of a T1-weighted head scan by thresholds and morphology, for
 * a volume that comes without a brain mask. On T1 the brain (grey and white
 * matter) is brighter than the cerebrospinal fluid and the skull around it,
 * which separate it from the scalp, the eyes and the neck:
 * <ol>
 * <li>tissue: the voxels above Otsu's threshold of the whole volume (256 bins
 * from its minimum to its maximum; the threshold is the upper edge of the dark
 * class's last bin), which separates the head from the background and the dark
 * fluid and bone from tissue;</li>
 * <li>erosion of the tissue by {@code erosionMm} (Euclidean, in millimetres, so
 * anisotropic voxels are handled), which cuts the thin bridges between brain
 * and scalp; the largest 6-connected part is the brain's core;</li>
 * <li>the core dilated by the same distance, kept inside the tissue;</li>
 * <li>a closing by {@code closingMm} (dilation then erosion), which takes in
 * the fluid of the sulci; then every hole filled: in 3D, and in each slice
 * along each of the three axes (the ventricles open to the outside in 3D
 * through the fourth ventricle, but not in most single slices).</li>
 * </ol>
 * Distances are exact Euclidean distances between voxel centres (Felzenszwalb
 * and Huttenlocher 2012); only voxels inside the volume count (its border is
 * not background).
 * <p>
 * With the defaults (6 mm, 4 mm), against the masks shipped with two public T1
 * volumes (read by {@link #fromLabels}, holes filled): Dice 0.965 against the
 * BET mask of the Colin27 template ({@code ch2.nii.gz}, 1 mm, head and neck in
 * view) and 0.918 against the skull-strip label map of ITK's 2x2x3 mm
 * KmeansTest head, which takes in more of the fluid around the brain (17% more
 * voxels than this extraction). It relies on the brain being brighter than its
 * surroundings, so it is not for T2, most EPI or contrast-enhanced scans, nor
 * for a volume whose dark rim around the brain is cut by a lesion or the field
 * of view.
 */
public final class BrainMask {

	/** Erosion that cuts the brain from the scalp, mm. */
	public static final double EROSION_MM = 6;
	/** Closing that takes in the sulcal fluid, mm. */
	public static final double CLOSING_MM = 4;

	/**
	 * The mask and the threshold it was made with.
	 *
	 * @param mask one value per voxel, x fastest, then y, then z
	 * @param threshold tissue is above this value
	 */
	public record Extraction(boolean[] mask, double threshold) {

		/** How many voxels are in the mask. */
		public int count() {
			int c = 0;
			for (boolean b : mask)
				if (b) c++;
			return c;
		}
	}

	private BrainMask() {}

	/**
	 * Extracts the brain with the default distances.
	 *
	 * @param voxels the volume, x fastest (NaN counts as background)
	 * @param size its size along voxel axes 0, 1, 2
	 * @param voxelMm the voxel size along each axis, mm
	 * @param name the volume, for messages
	 * @throws GanException when the volume has no tissue left after the erosion
	 *           (too small, or not a head)
	 */
	public static Extraction extract(float[] voxels, int[] size, double[] voxelMm,
		String name)
	{
		return extract(voxels, size, voxelMm, EROSION_MM, CLOSING_MM, name);
	}

	/**
	 * Extracts the brain of {@code volume}, one 3D scalar volume whose voxels lie
	 * on {@code grid}, with the default distances.
	 *
	 * @throws GanException for an image that is not one 3D scalar volume, or when
	 *           no brain is found
	 */
	public static Extraction extract(RasterImage volume, VoxelGrid grid,
		String name)
	{
		float[] voxels = VolumeSlicer.voxels(volume, name);
		int[] size = { volume.width(), volume.height(), volume.slices() };
		return extract(voxels, size, new double[] { grid.voxelSize(0), grid
			.voxelSize(1), grid.voxelSize(2) }, name);
	}

	/** Extracts the brain; see the class description. */
	public static Extraction extract(float[] voxels, int[] size, double[] voxelMm,
		double erosionMm, double closingMm, String name)
	{
		int n = size[0] * size[1] * size[2];
		if (voxels.length != n) throw new IllegalArgumentException(voxels.length +
			" voxels for " + size[0] + "x" + size[1] + "x" + size[2]);
		double threshold = otsu(voxels);
		boolean[] tissue = new boolean[n];
		for (int i = 0; i < n; i++)
			tissue[i] = voxels[i] > threshold;
		boolean[] core = largestComponent(within(tissue, size, voxelMm, erosionMm,
			false), size);
		if (core == null) throw new GanException(name +
			": no brain found: nothing is left of the " + "tissue above " +
			threshold + " after an erosion by " + erosionMm +
			" mm (is it a T1 head " + "scan with voxels of a few mm at most?)");
		boolean[] brain = within(core, size, voxelMm, erosionMm, true);
		for (int i = 0; i < n; i++)
			brain[i] &= tissue[i];
		boolean[] dilated = within(brain, size, voxelMm, closingMm, true);
		boolean[] closed = within(dilated, size, voxelMm, closingMm, false);
		for (int i = 0; i < n; i++)
			closed[i] |= brain[i];
		fillAllHoles(closed, size);
		return new Extraction(closed, threshold);
	}

	/**
	 * A mask given as a label volume (voxels above 0 are in the mask, as in a
	 * brain-extracted image or a label map), carried onto the voxels of another
	 * grid by world coordinates (nearest voxel), with its holes filled as
	 * {@link #extract} fills them (a brain-extracted image is 0 where the brain
	 * is dark, e.g. in places of the ventricles).
	 *
	 * @param labels the label volume, on {@code labelGrid}
	 * @param size the size of the target volume along voxel axes 0, 1, 2
	 * @param grid the target volume's grid
	 * @param name the mask, for messages
	 * @throws GanException for a label image that is not one 3D scalar volume, or
	 *           that covers nothing of the target
	 */
	public static boolean[] fromLabels(RasterImage labels, VoxelGrid labelGrid,
		int[] size, VoxelGrid grid, String name)
	{
		int[] m = { labels.width(), labels.height(), labels.slices() };
		if (labels.frames() > 1 || labels.logicalChannels() > 1 || labels
			.type() == PixelType.RGB) throw new GanException("the mask " + name +
				" is not one 3D scalar volume");
		float[] values = new float[m[0] * m[1] * m[2]];
		for (int z = 0; z < m[2]; z++)
			labels.readRegion(0, z, 0, 0, 0, m[0], m[1], values, z * m[0] * m[1]);
		double[][] toLabel = labelGrid.inverse();
		boolean[] mask = new boolean[size[0] * size[1] * size[2]];
		int count = 0;
		for (int z = 0; z < size[2]; z++)
			for (int y = 0; y < size[1]; y++)
				for (int x = 0; x < size[0]; x++) {
					double[] w = grid.world(x, y, z);
					int[] v = new int[3];
					boolean inside = true;
					for (int r = 0; r < 3 && inside; r++) {
						v[r] = (int) Math.round(toLabel[r][0] * w[0] + toLabel[r][1] *
							w[1] + toLabel[r][2] * w[2] + toLabel[r][3]);
						inside = v[r] >= 0 && v[r] < m[r];
					}
					if (inside && values[v[0] + m[0] * (v[1] + m[1] * v[2])] > 0) {
						mask[x + size[0] * (y + size[1] * z)] = true;
						count++;
					}
				}
		if (count == 0) throw new GanException("the mask " + name +
			" has no voxel above 0 where the " +
			"volume is (do their sform/qform place them in the same space?)");
		fillAllHoles(mask, size);
		return mask;
	}

	/**
	 * Otsu's threshold (1979) of the values that are numbers: 256 equal bins from
	 * the minimum to the maximum (values at their bins' centres); the upper edge
	 * of the bin that ends the dark class with the largest between-class
	 * variance.
	 */
	static double otsu(float[] values) {
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (float v : values)
			if (!Float.isNaN(v)) {
				min = Math.min(min, v);
				max = Math.max(max, v);
			}
		if (!(max > min)) throw new GanException(
			"a constant volume has no tissue to find");
		int bins = 256;
		double width = (max - min) / bins;
		long[] count = new long[bins];
		for (float v : values)
			if (!Float.isNaN(v)) count[Math.min(bins - 1, (int) ((v - min) /
				width))]++;
		long total = 0;
		double sum = 0;
		for (int b = 0; b < bins; b++) {
			total += count[b];
			sum += count[b] * centre(min, width, b);
		}
		long below = 0;
		double sumBelow = 0, best = -1;
		int bestBin = 0;
		for (int b = 0; b < bins; b++) {
			below += count[b];
			sumBelow += count[b] * centre(min, width, b);
			long above = total - below;
			double meanBelow = sumBelow / Math.max(below, 1), meanAbove = (sum -
				sumBelow) / Math.max(above, 1);
			double between = (double) below * above * (meanBelow - meanAbove) *
				(meanBelow - meanAbove);
			if (between > best) {
				best = between;
				bestBin = b;
			}
		}
		return min + (bestBin + 1) * width;
	}

	private static double centre(double min, double width, int bin) {
		return min + (bin + 0.5) * width;
	}

	/**
	 * With {@code grow}: the voxels within {@code mm} of {@code mask} (a
	 * dilation). Without: the voxels of {@code mask} more than {@code mm} from
	 * any voxel outside it (an erosion).
	 */
	static boolean[] within(boolean[] mask, int[] size, double[] voxelMm,
		double mm, boolean grow)
	{
		float[] d = squaredDistances(mask, size, voxelMm, grow);
		double limit = mm * mm;
		boolean[] out = new boolean[mask.length];
		for (int i = 0; i < out.length; i++)
			out[i] = grow ? d[i] <= limit : d[i] > limit;
		return out;
	}

	/**
	 * The squared Euclidean distance (mm²) from every voxel to the nearest voxel
	 * whose mask value is {@code feature}; infinite when there is none.
	 */
	static float[] squaredDistances(boolean[] mask, int[] size, double[] voxelMm,
		boolean feature)
	{
		float[] d = new float[mask.length];
		for (int i = 0; i < d.length; i++)
			d[i] = mask[i] == feature ? 0 : Float.POSITIVE_INFINITY;
		int[] stride = { 1, size[0], size[0] * size[1] };
		int longest = Math.max(size[0], Math.max(size[1], size[2]));
		float[] line = new float[longest], out = new float[longest];
		int[] vertex = new int[longest];
		double[] bound = new double[longest + 1];
		for (int axis = 0; axis < 3; axis++) {
			int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
			for (int u = 0; u < size[a1]; u++)
				for (int v = 0; v < size[a2]; v++) {
					int origin = u * stride[a1] + v * stride[a2];
					for (int q = 0; q < size[axis]; q++)
						line[q] = d[origin + q * stride[axis]];
					lowerEnvelope(line, size[axis], voxelMm[axis], out, vertex, bound);
					for (int q = 0; q < size[axis]; q++)
						d[origin + q * stride[axis]] = out[q];
				}
		}
		return d;
	}

	/**
	 * One pass of Felzenszwalb and Huttenlocher's distance transform:
	 * {@code out[q] = min over p of
	 * f[p] + ((q - p) * step)^2}, over the points where {@code f} is finite.
	 */
	private static void lowerEnvelope(float[] f, int n, double step, float[] out,
		int[] vertex, double[] bound)
	{
		int k = -1;
		for (int q = 0; q < n; q++) {
			if (f[q] == Float.POSITIVE_INFINITY) continue;
			double s = Double.NEGATIVE_INFINITY;
			while (k >= 0) {
				int p = vertex[k];
				s = ((f[q] + sq(q * step)) - (f[p] + sq(p * step))) / (2 * step * (q -
					p));
				if (s > bound[k]) break;
				k--;
			}
			k++;
			vertex[k] = q;
			bound[k] = k == 0 ? Double.NEGATIVE_INFINITY : s;
			bound[k + 1] = Double.POSITIVE_INFINITY;
		}
		if (k < 0) {
			Arrays.fill(out, 0, n, Float.POSITIVE_INFINITY);
			return;
		}
		int j = 0;
		for (int q = 0; q < n; q++) {
			while (bound[j + 1] < q * step)
				j++;
			int p = vertex[j];
			out[q] = (float) (sq((q - p) * step) + f[p]);
		}
	}

	private static double sq(double x) {
		return x * x;
	}

	/**
	 * The largest 6-connected part of {@code mask} (the first found, in voxel
	 * order, on a tie), or null when the mask is empty.
	 */
	static boolean[] largestComponent(boolean[] mask, int[] size) {
		int[] label = new int[mask.length];
		int[] queue = new int[mask.length];
		int bestLabel = 0, bestCount = 0, next = 0;
		for (int start = 0; start < mask.length; start++) {
			if (!mask[start] || label[start] != 0) continue;
			int count = flood(mask, true, size, start, ++next, label, queue);
			if (count > bestCount) {
				bestCount = count;
				bestLabel = next;
			}
		}
		if (bestCount == 0) return null;
		boolean[] out = new boolean[mask.length];
		for (int i = 0; i < out.length; i++)
			out[i] = label[i] == bestLabel;
		return out;
	}

	/**
	 * Labels with {@code id} the 6-connected voxels whose mask value is
	 * {@code value}, reached from {@code start} without crossing a labelled
	 * voxel; returns how many there are.
	 */
	private static int flood(boolean[] mask, boolean value, int[] size, int start,
		int id, int[] label, int[] queue)
	{
		int nx = size[0], ny = size[1], nz = size[2], plane = nx * ny;
		int head = 0, tail = 0;
		label[start] = id;
		queue[tail++] = start;
		while (head < tail) {
			int i = queue[head++];
			int x = i % nx, y = i / nx % ny, z = i / plane;
			for (int dir = 0; dir < 6; dir++) {
				int j;
				switch (dir) {
					case 0 -> j = x > 0 ? i - 1 : -1;
					case 1 -> j = x < nx - 1 ? i + 1 : -1;
					case 2 -> j = y > 0 ? i - nx : -1;
					case 3 -> j = y < ny - 1 ? i + nx : -1;
					case 4 -> j = z > 0 ? i - plane : -1;
					default -> j = z < nz - 1 ? i + plane : -1;
				}
				if (j >= 0 && label[j] == 0 && mask[j] == value) {
					label[j] = id;
					queue[tail++] = j;
				}
			}
		}
		return tail;
	}

	/** {@link #fillHoles} in 3D, then in the slices across each axis. */
	static void fillAllHoles(boolean[] mask, int[] size) {
		fillHoles(mask, size);
		for (int axis = 0; axis < 3; axis++)
			fillHolesInSlices(mask, size, axis);
	}

	/**
	 * Sets every voxel outside {@code mask} that the volume's border does not
	 * reach (6-connected).
	 */
	static void fillHoles(boolean[] mask, int[] size) {
		int nx = size[0], ny = size[1], nz = size[2];
		int[] label = new int[mask.length], queue = new int[mask.length];
		for (int z = 0; z < nz; z++)
			for (int y = 0; y < ny; y++)
				for (int x = 0; x < nx; x++) {
					// an axis of one voxel (a slice) has no border along it
					boolean border = nx > 1 && (x == 0 || x == nx - 1) || ny > 1 &&
						(y == 0 || y == ny - 1) || nz > 1 && (z == 0 || z == nz - 1);
					int i = x + nx * (y + ny * z);
					if (border && !mask[i] && label[i] == 0) flood(mask, false, size, i,
						1, label, queue);
				}
		for (int i = 0; i < mask.length; i++)
			if (!mask[i] && label[i] == 0) mask[i] = true;
	}

	/**
	 * {@link #fillHoles} in every slice across {@code axis}, each slice on its
	 * own (4-connected).
	 */
	static void fillHolesInSlices(boolean[] mask, int[] size, int axis) {
		int a1 = axis == 0 ? 1 : 0, a2 = axis == 2 ? 1 : 2;
		int[] stride = { 1, size[0], size[0] * size[1] };
		int[] plane = { size[a1], size[a2], 1 };
		boolean[] slice = new boolean[size[a1] * size[a2]];
		for (int s = 0; s < size[axis]; s++) {
			for (int v = 0; v < size[a2]; v++)
				for (int u = 0; u < size[a1]; u++)
					slice[u + size[a1] * v] = mask[s * stride[axis] + u * stride[a1] + v *
						stride[a2]];
			fillHoles(slice, plane);
			for (int v = 0; v < size[a2]; v++)
				for (int u = 0; u < size[a1]; u++)
					mask[s * stride[axis] + u * stride[a1] + v * stride[a2]] = slice[u +
						size[a1] * v];
		}
	}
}
