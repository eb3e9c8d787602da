
package org.fijigan.core.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

/**
 * {@link BrainMask}: distances, Otsu, holes, parts, a synthetic head, labels on
 * another grid.
 */
class BrainMaskTest {

	@Test
	void distancesAreExactEuclideanDistancesInMillimetres() {
		int[] size = { 7, 5, 4 };
		double[] mm = { 1, 2, 0.5 };
		SplittableRandom random = new SplittableRandom(3);
		boolean[] mask = new boolean[7 * 5 * 4];
		for (int i = 0; i < mask.length; i++)
			mask[i] = random.nextInt(5) == 0;
		for (boolean feature : new boolean[] { true, false }) {
			float[] d = BrainMask.squaredDistances(mask, size, mm, feature);
			for (int i = 0; i < mask.length; i++) {
				double best = Double.POSITIVE_INFINITY;
				for (int j = 0; j < mask.length; j++) {
					if (mask[j] != feature) continue;
					double dx = (i % 7 - j % 7) * mm[0], dy = (i / 7 % 5 - j / 7 % 5) *
						mm[1], dz = (i / 35 - j / 35) * mm[2];
					best = Math.min(best, dx * dx + dy * dy + dz * dz);
				}
				assertEquals(best, d[i], 1e-4, "voxel " + i + " to " + feature);
			}
		}
		float[] none = BrainMask.squaredDistances(new boolean[4 * 1 * 1],
			new int[] { 4, 1, 1 }, mm, true);
		assertEquals(Float.POSITIVE_INFINITY, none[2]);
	}

	@Test
	void otsuSplitsTwoClustersBetweenThem() {
		float[] v = new float[100];
		for (int i = 50; i < 100; i++)
			v[i] = 10;
		v[7] = Float.NaN;
		// 256 bins over 0..10: every split between the clusters is as good; the
		// first, after bin 0
		assertEquals(10 / 256.0, BrainMask.otsu(v), 1e-12);
		assertThrows(GanException.class, () -> BrainMask.otsu(new float[] { 3,
			3 }));
	}

	@Test
	void holesAreFilledIn3dAndInSlices() {
		// a square tube along z, open at both ends: in 3D its inside reaches the
		// border, in every
		// z-slice it is enclosed; in x-slices the tube is two lines with nothing
		// between
		int[] size = { 5, 5, 4 };
		boolean[] tube = new boolean[100];
		for (int z = 0; z < 4; z++)
			for (int y = 1; y <= 3; y++)
				for (int x = 1; x <= 3; x++)
					tube[x + 5 * (y + 5 * z)] = x != 2 || y != 2;
		boolean[] a = tube.clone();
		BrainMask.fillHoles(a, size);
		assertArrayEquals(tube, a);
		BrainMask.fillHolesInSlices(a, size, 0);
		assertArrayEquals(tube, a);
		BrainMask.fillHolesInSlices(a, size, 2);
		for (int z = 0; z < 4; z++)
			assertTrue(a[2 + 5 * (2 + 5 * z)]);
		assertEquals(36, count(a));
		// closed at z 0 and z 3: a hollow box, filled in 3D
		boolean[] box = tube.clone();
		box[2 + 5 * (2 + 5 * 0)] = box[2 + 5 * (2 + 5 * 3)] = true;
		BrainMask.fillHoles(box, size);
		assertEquals(36, count(box));
	}

	@Test
	void theLargestPartIsSixConnected() {
		int[] size = { 4, 4, 1 };
		boolean[] m = new boolean[16];
		// three voxels in a row (0, 1, 2 of row 0), and five touching them only at
		// a corner
		m[0] = m[1] = m[2] = true;
		m[4 * 1 + 3] = m[4 * 2 + 3] = m[4 * 3 + 3] = m[4 * 3 + 2] = m[4 * 3 + 1] =
			true;
		boolean[] largest = BrainMask.largestComponent(m, size);
		assertEquals(5, count(largest));
		assertFalse(largest[0]);
		assertTrue(largest[4 * 3 + 1]);
		assertEquals(null, BrainMask.largestComponent(new boolean[16], size));
	}

	/**
	 * A head of spheres on a 2 mm grid: brain (100) up to 30 mm from the centre
	 * with a ventricle (20) of 6 mm in it, fluid and bone (10) to 36 mm, scalp
	 * (100) to 42 mm, air (0) outside; and a nerve (100, 2 mm thick) from the
	 * brain through the fluid to the scalp.
	 */
	@Test
	void extractsTheBrainOfASyntheticHead() {
		int n = 48;
		float[] v = new float[n * n * n];
		for (int z = 0; z < n; z++)
			for (int y = 0; y < n; y++)
				for (int x = 0; x < n; x++) {
					double r = radius(x, y, z);
					boolean nerve = x > 24 && Math.abs(y - 24) <= 1 && Math.abs(z -
						24) <= 1 && r <= 42;
					v[x + n * (y + n * z)] = r <= 6 ? 20 : r <= 30 || nerve ? 100
						: r <= 36 ? 10 : r <= 42 ? 100 : 0;
				}
		BrainMask.Extraction e = BrainMask.extract(v, new int[] { n, n, n },
			new double[] { 2, 2, 2 }, "head");
		// the dark class: air, fluid and ventricle; every split up to the 100s is
		// as good, the first wins
		assertEquals(52 * 100 / 256.0, e.threshold(), 1e-9); // the upper edge of
																													// 20's bin
		int missing = 0, extra = 0;
		for (int z = 0; z < n; z++)
			for (int y = 0; y < n; y++)
				for (int x = 0; x < n; x++) {
					double r = radius(x, y, z);
					boolean in = e.mask()[x + n * (y + n * z)];
					if (r <= 28 && !in) missing++;
					if (r >= 32 && in) extra++;
				}
		assertEquals(0, missing, "brain and ventricle voxels left out");
		assertEquals(0, extra, "fluid, bone, nerve or scalp voxels taken in");
		// the same head as a 32-bit volume on a 2 mm grid: the same mask
		Object[] planes = new Object[n];
		for (int z = 0; z < n; z++)
			planes[z] = java.util.Arrays.copyOfRange(v, z * n * n, (z + 1) * n * n);
		RasterImage volume = new RasterImage(n, n, 1, n, 1, PixelType.FLOAT32,
			planes);
		assertArrayEquals(e.mask(), BrainMask.extract(volume, VoxelGrid.aligned(2,
			2, 2, "t"), "head").mask());
		RasterImage flat = new RasterImage(n, n, 1, 1, 1, PixelType.FLOAT32,
			new Object[] { planes[0] });
		assertEquals("flat is 48x48x1 voxels: a 2D image, not a volume",
			assertThrows(GanException.class, () -> BrainMask.extract(flat, VoxelGrid
				.aligned(2, 2, 2, "t"), "flat")).getMessage());
		assertThrows(GanException.class, () -> BrainMask.extract(v, new int[] { n,
			n, n }, new double[] { 2, 2, 2 }, 40, 4, "head"));
	}

	/** Distance from the centre voxel (24, 24, 24), mm. */
	private static double radius(int x, int y, int z) {
		return 2 * Math.sqrt((x - 24) * (x - 24) + (y - 24) * (y - 24) + (z - 24) *
			(z - 24));
	}

	@Test
	void aLabelVolumeIsCarriedOntoAnotherGridByWorldCoordinates() {
		// labels 3x3x3 at 2 mm, only (1, 1, 1) above 0; target 6x6x6 at 1 mm, same
		// origin: target voxel
		// x lies at label coordinate x / 2, rounded: x 1 and 2 reach label 1
		RasterImage labels = BrainSlicerTest.volume(3, 3, 3, (i, j, k) -> i == 1 &&
			j == 1 && k == 1 ? 4 : 0);
		int[] size = { 6, 6, 6 };
		boolean[] m = BrainMask.fromLabels(labels, VoxelGrid.aligned(2, 2, 2, "t"),
			size, VoxelGrid.aligned(1, 1, 1, "t"), "labels");
		assertEquals(8, count(m));
		for (int z = 1; z <= 2; z++)
			for (int y = 1; y <= 2; y++)
				for (int x = 1; x <= 2; x++)
					assertTrue(m[x + 6 * (y + 6 * z)]);
		VoxelGrid elsewhere = new VoxelGrid(new double[][] { { 2, 0, 0, 100 }, { 0,
			2, 0, 0 }, { 0, 0, 2, 0 } }, "t");
		assertEquals(
			"the mask labels has no voxel above 0 where the volume is (do their sform/qform " +
				"place them in the same space?)", assertThrows(GanException.class,
					() -> BrainMask.fromLabels(labels, elsewhere, size, VoxelGrid.aligned(
						1, 1, 1, "t"), "labels")).getMessage());
	}

	private static int count(boolean[] m) {
		int c = 0;
		for (boolean b : m)
			if (b) c++;
		return c;
	}
}
