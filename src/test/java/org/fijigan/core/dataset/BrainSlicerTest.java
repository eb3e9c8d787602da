
package org.fijigan.core.dataset;

import static org.fijigan.core.dataset.VolumeSlicerTest.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.dataset.BrainSlicer.Options;
import org.fijigan.core.dataset.BrainSlicer.Result;
import org.fijigan.core.dataset.BrainSlicer.Scan;
import org.fijigan.core.dataset.BrainSlicer.Slice;
import org.fijigan.core.dataset.VolumeSlicer.View;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

/**
 * {@link BrainSlicer}: geometry, blur, masks, kept slices and bins, on small
 * volumes with known values.
 */
public class BrainSlicerTest {

	/** Axis sizes along R, A, S of {@link #ramp}. */
	public static final int NR = 5, NA = 7, NS = 9;

	/**
	 * 1 mm pixels 1 mm apart, 5x5 frames, everything kept, min to max -> 0..255,
	 * no bins.
	 */
	static final Options EXACT = new Options(5, 1, 1, 0, 0.1, 0, 100, 1);

	/**
	 * The value at {@code (r, a, s)}, counted from the left, posterior, inferior
	 * corner: {@code r + 5a +
	 * 35s}, 0 to 314, a different value in every voxel.
	 */
	static int ramp(int r, int a, int s) {
		return r + 5 * a + 35 * s;
	}

	/** {@link #ramp} with voxel axes i, j, k toward R, A, S; 16-bit. */
	public static RasterImage ras() {
		return volume(NR, NA, NS, (i, j, k) -> ramp(i, j, k));
	}

	/**
	 * The same subject stored the DICOM way round: i toward L, j toward P, k
	 * toward S.
	 */
	static RasterImage lps() {
		return volume(NR, NA, NS, (i, j, k) -> ramp(NR - 1 - i, NA - 1 - j, k));
	}

	/**
	 * The grid of {@link #lps()}: world = (4 - i, 6 - j, k) mm, the same world as
	 * {@link #ras()}.
	 */
	static final VoxelGrid LPS = new VoxelGrid(new double[][] { { -1, 0, 0, 4 }, {
		0, -1, 0, 6 }, { 0, 0, 1, 0 } }, "sform");

	public interface Voxel {

		double value(int i, int j, int k);
	}

	public static RasterImage volume(int ni, int nj, int nk, Voxel f) {
		Object[] planes = new Object[nk];
		for (int k = 0; k < nk; k++) {
			short[] p = new short[ni * nj];
			for (int j = 0; j < nj; j++)
				for (int i = 0; i < ni; i++)
					p[i + ni * j] = (short) Math.round(f.value(i, j, k));
			planes[k] = p;
		}
		return new RasterImage(ni, nj, 1, nk, 1, PixelType.UINT16, planes);
	}

	static boolean[] everywhere(int n) {
		boolean[] m = new boolean[n];
		java.util.Arrays.fill(m, true);
		return m;
	}

	static Slice find(List<Slice> slices, View view, int index) {
		return slices.stream().filter(s -> s.view() == view && s.index() == index)
			.findFirst().orElseThrow();
	}

	static Result slice(RasterImage v, VoxelGrid grid, boolean[] mask,
		Options o)
	{
		return BrainSlicer.slice(BrainSlicer.prepare(new Scan("v", v, grid, mask),
			o), o);
	}

	/**
	 * The 8-bit value of {@link #ramp} at a voxel under {@link #EXACT}: 0..314 ->
	 * 0..255.
	 */
	static int expected(int r, int a, int s) {
		return GrayImage.toByte(ramp(r, a, s) * 255.0 / 314);
	}

	@Test
	void eachVoxelLandsWhereTheDisplayConventionSays() {
		// region = the whole volume: centre (2, 3, 4) mm; 1 mm pixels sample voxel
		// centres exactly
		Result r = slice(ras(), VoxelGrid.aligned(1, 1, 1, "test"), everywhere(NR *
			NA * NS), EXACT);
		assertArrayEquals(new int[] { NS, NA, NR }, r.slicesAlong()); // by view:
																																	// along S, A,
																																	// R
		assertEquals(NR + NA + NS, r.slices().size());
		// axial s 4: row y shows a = 3 + (2 - y) (anterior up), column x shows r =
		// 2 + (2 - x) (right on
		// the left); the frame is 5 wide, the volume 7 deep, so a 5 and a 1 are the
		// top and bottom rows
		int[] axial = pixels(find(r.slices(), View.AXIAL, 4).image());
		assertEquals(expected(4, 5, 4), axial[0]);
		assertEquals(expected(0, 5, 4), axial[4]);
		assertEquals(expected(4, 1, 4), axial[20]);
		assertEquals(expected(2, 3, 4), axial[12]);
		// coronal a 3 (index 3 from posterior): rows are s = 4 + (2 - y) (superior
		// up)
		int[] coronal = pixels(find(r.slices(), View.CORONAL, 3).image());
		assertEquals(expected(4, 3, 6), coronal[0]);
		assertEquals(expected(0, 3, 2), coronal[24]);
		// sagittal r 1: columns are a = 3 + (2 - x) (anterior on the left), rows s
		int[] sagittal = pixels(find(r.slices(), View.SAGITTAL, 1).image());
		assertEquals(expected(1, 5, 6), sagittal[0]);
		assertEquals(expected(1, 1, 6), sagittal[4]);
		assertEquals(expected(1, 5, 2), sagittal[20]);
		assertEquals(0.0, find(r.slices(), View.AXIAL, 0).position());
		assertEquals(0.5, find(r.slices(), View.AXIAL, 4).position());
		assertEquals(1.0, find(r.slices(), View.AXIAL, 8).position());
		assertEquals(1.0, find(r.slices(), View.AXIAL, 8).area()); // the 5x5 frame
																																// inside the
																																// 5x7 plane
		assertEquals(PixelType.UINT8, r.slices().get(0).image().type());
		assertEquals(5, r.slices().get(0).image().width());
	}

	@Test
	void aVolumeStoredTheOtherWayRoundGivesTheSameImages() {
		Result ras = slice(ras(), VoxelGrid.aligned(1, 1, 1, "test"), null, EXACT);
		assertEquals("LPS", LPS.axes().code());
		Result lps = slice(lps(), LPS, null, EXACT);
		assertEquals(ras.slices().size(), lps.slices().size());
		for (int i = 0; i < ras.slices().size(); i++) {
			Slice a = ras.slices().get(i), b = lps.slices().get(i);
			assertEquals(a.view() + " " + a.index(), b.view() + " " + b.index());
			assertArrayEquals(pixels(a.image()), pixels(b.image()), a.view() + " " + a
				.index());
		}
	}

	@Test
	void pixelsHaveThePhysicalSizeWhateverTheVoxelSize() {
		// 2 mm voxels along R, values 10 per voxel: 5 per mm. Sampled at 1 mm (no
		// blur: the voxels are
		// coarser than the pixels), the image is a ramp of 5 per pixel, halfway
		// values interpolated
		RasterImage coarse = volume(6, 3, 3, (i, j, k) -> 10 * i);
		Options o = new Options(9, 1, 1, 0, 0.1, 0, 100, 1);
		Result r = slice(coarse, VoxelGrid.aligned(2, 1, 1, "test"), everywhere(6 *
			3 * 3), o);
		// world R 0..10 mm, centre 5: column x shows R = 5 + (4 - x) = 9 .. 1 mm,
		// value 45 .. 5 of 0..50
		int[] axial = pixels(find(r.slices(), View.AXIAL, 1).image());
		for (int x = 0; x < 9; x++)
			assertEquals(GrayImage.toByte(5 * (9 - x) * 255.0 / 50), axial[4 * 9 + x],
				"column " + x);
		assertEquals(11, r.slicesAlong(View.SAGITTAL)); // 10 mm of brain, one slice
																										// per mm
		assertEquals(3, r.slicesAlong(View.AXIAL));
	}

	@Test
	void theBlurWidensToThePixelSize() {
		// 1 mm voxels, 3 mm pixels: sigma = sqrt(3^2 - 1^2) / 2.3548 = 1.2011
		// voxels
		double sigma = Math.sqrt(8) / BrainSlicer.FWHM_PER_SIGMA;
		assertEquals(1.2011, sigma, 1e-4);
		float[] delta = new float[21];
		delta[10] = 1;
		float[] out = BrainSlicer.blur(delta, new int[] { 21, 1, 1 }, 0, sigma);
		double total = 0;
		for (int k = -4; k <= 4; k++)
			total += Math.exp(-0.5 * k * k / (sigma * sigma));
		assertEquals(1 / total, out[10], 1e-7);
		assertEquals(Math.exp(-0.5 / (sigma * sigma)) / total, out[11], 1e-7);
		assertEquals(out[9], out[11]);
		assertEquals(0, out[15]); // truncated at 3 sigma (4 voxels)
		assertTrue(BrainSlicer.blur(delta, new int[] { 21, 1, 1 }, 0,
			0.001) == delta);
	}

	@Test
	void outsideValuesDoNotLeakIntoAMaskedRegion() {
		// 0.5 mm voxels, 32^3; the mask is the box of voxels 4..27 (2..13.5 mm):
		// 100 inside except 200 at
		// voxel 16 (8 mm), 1000 outside. Blurred to 1.5 mm pixels (sigma 1.2
		// voxels, cut at 4 voxels =
		// 2 mm) over the mask only, every pixel of the region farther than 2.5 mm
		// (kernel plus
		// interpolation) from the 200 stays 100 -> 0, also next to the mask's edge,
		// 1 mm from the 1000s
		int n = 32;
		boolean[] mask = new boolean[n * n * n];
		RasterImage v = volume(n, n, n, (i, j, k) -> {
			boolean in = i >= 4 && i <= 27 && j >= 4 && j <= 27 && k >= 4 && k <= 27;
			if (in) mask[i + n * (j + n * k)] = true;
			return !in ? 1000 : i == 16 && j == 16 && k == 16 ? 200 : 100;
		});
		Result r = slice(v, VoxelGrid.aligned(0.5, 0.5, 0.5, "test"), mask,
			new Options(12, 1.5, 0, 0, 0.1, 0, 100, 1));
		assertEquals(100, r.scan().low());
		assertEquals(200, r.scan().high());
		assertEquals(8, r.slicesAlong(View.AXIAL)); // 11.5 mm of region, centred on
																								// 7.75 mm: 2.5 .. 13
		int far = 0, edge = 0;
		double nearestValue = -1, nearest = Double.POSITIVE_INFINITY;
		for (Slice s : r.slices()) {
			if (s.view() != View.AXIAL) continue;
			double z = 2.5 + 1.5 * s.index();
			int[] p = pixels(s.image());
			for (int y = 0; y < 12; y++)
				for (int x = 0; x < 12; x++) {
					double a = 7.75 + (5.5 - y) * 1.5, rr = 7.75 + (5.5 - x) * 1.5;
					boolean inRegion = a >= 2 && a <= 13.5 && rr >= 2 && rr <= 13.5;
					double d = Math.max(Math.abs(a - 8), Math.max(Math.abs(rr - 8), Math
						.abs(z - 8)));
					if (!inRegion) assertEquals(0, p[y * 12 + x]);
					else if (d > 2.5) {
						assertEquals(0, p[y * 12 + x], "slice " + s.index() + " (" + x +
							", " + y + ")");
						far++;
						if (a < 3 || a > 12.5 || rr < 3 || rr > 12.5) edge++;
					}
					if (inRegion && d < nearest) {
						nearest = d;
						nearestValue = p[y * 12 + x];
					}
				}
		}
		assertTrue(edge > 50, "pixels next to the mask's edge: " + edge + " of " +
			far);
		assertTrue(nearestValue > 0, "the 200 shows up, blurred");
	}

	@Test
	void keepsSlicesByAreaAndBinsThemByPosition() {
		// axial mask area by k: 0 at k 0, 1 voxel at k 1, 5x5 at k 2..7, 3x3 at k 8
		// (9/25 = 0.36)
		int n = 9;
		boolean[] mask = new boolean[n * n * n];
		for (int k = 0; k < n; k++)
			for (int j = 0; j < n; j++)
				for (int i = 0; i < n; i++) {
					int half = k == 0 ? -1 : k == 1 ? 0 : k == 8 ? 1 : 2;
					if (Math.abs(i - 4) <= half && Math.abs(j - 4) <= half) mask[i + n *
						(j + n * k)] = true;
				}
		RasterImage v = volume(n, n, n, (i, j, k) -> i + j + k);
		Result r = slice(v, VoxelGrid.aligned(1, 1, 1, "test"), mask, new Options(9,
			1, 1, 0.25, 0.1, 0, 100, 3));
		// the region spans k 1..8: axial slices 0..7 are k 1..8; slice 0 (k 1) has
		// 1 of 25 pixels
		assertEquals(8, r.slicesAlong(View.AXIAL));
		List<Slice> axial = r.slices().stream().filter(s -> s.view() == View.AXIAL)
			.toList();
		assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), axial.stream().map(Slice::index)
			.toList());
		// positions 0, 1/6, ..., 1 over the kept slices; three bins, a boundary
		// goes up
		assertEquals(List.of(0, 0, 1, 1, 2, 2, 2), axial.stream().map(Slice::bin)
			.toList());
		assertEquals("axial-2", axial.get(2).className(3));
		assertEquals("axial", axial.get(2).className(1));
		assertEquals(9 / 81.0, axial.get(6).area(), 1e-12);
		// sagittal bins count from the middle: positions 0, .25, .5, .75, 1 -> |2p
		// - 1| 1, .5, 0, .5, 1
		List<Slice> sagittal = r.slices().stream().filter(s -> s
			.view() == View.SAGITTAL).toList();
		assertEquals(5, sagittal.size());
		assertEquals(List.of(2, 1, 0, 1, 2), sagittal.stream().map(Slice::bin)
			.toList());
	}

	@Test
	void thePixelSizeToFitIsTheLargestExtentOverTheSize() {
		BrainSlicer.Prepared a = BrainSlicer.prepare(new Scan("a", ras(), VoxelGrid
			.aligned(1, 1, 1, "t"), null), EXACT);
		BrainSlicer.Prepared b = BrainSlicer.prepare(new Scan("b", ras(), VoxelGrid
			.aligned(3, 2, 1.5, "t"), null), EXACT);
		// foreground: above 0.1 x 314, all but the 32 voxels below 32 (s 0 except r
		// 2..4 of a 6): a
		// spans 4, 6 and 8 mm, b 12 mm along every axis
		assertEquals(283, a.regionVoxels());
		assertArrayEquals(new double[] { 4, 6, 8 }, new double[] { a.extentMm(0), a
			.extentMm(1), a.extentMm(2) }, 1e-12);
		assertArrayEquals(new double[] { 12, 12, 12 }, new double[] { b.extentMm(0),
			b.extentMm(1), b.extentMm(2) }, 1e-12);
		assertEquals(0.2, BrainSlicer.fittingPixelMm(List.of(a, b), 64), 1e-12); // 12
																																							// /
																																							// 64
																																							// =
																																							// 0.1875
		assertEquals(2.4, BrainSlicer.fittingPixelMm(List.of(a, b), 5), 1e-12);
		assertEquals(283 * 9 / 1000.0, b.regionMl(), 1e-12);
	}

	@Test
	void refusesWhatIsNotOneScalarVolume() {
		VoxelGrid g = VoxelGrid.aligned(1, 1, 1, "t");
		RasterImage flat = new RasterImage(4, 6, 1, 1, 1, PixelType.UINT8,
			new Object[] { new byte[24] });
		assertEquals("flat.nii is 4x6x1 voxels: a 2D image, not a volume",
			assertThrows(GanException.class, () -> BrainSlicer.prepare(new Scan(
				"flat.nii", flat, g, null), EXACT)).getMessage());
		RasterImage constant = RasterImage.allocate(3, 3, 1, 3, 1,
			PixelType.FLOAT32);
		assertTrue(assertThrows(GanException.class, () -> BrainSlicer.prepare(
			new Scan("c", constant, g, null), EXACT)).getMessage().startsWith(
				"c is constant"));
		RasterImage twoFrames = RasterImage.allocate(3, 3, 1, 3, 2,
			PixelType.UINT8);
		assertEquals("t has 2 time points; slicing takes one 3D scalar volume",
			assertThrows(GanException.class, () -> BrainSlicer.prepare(new Scan("t",
				twoFrames, g, null), EXACT)).getMessage());
		assertEquals("the brain mask of m covers no voxel of it that holds a value",
			assertThrows(GanException.class, () -> BrainSlicer.prepare(new Scan("m",
				ras(), g, new boolean[NR * NA * NS]), EXACT)).getMessage());
		assertEquals("the mask of m has 3 voxels, the volume 315", assertThrows(
			GanException.class, () -> BrainSlicer.prepare(new Scan("m", ras(), g,
				new boolean[3]), EXACT)).getMessage());
		assertThrows(GanException.class, () -> new Options(64, 3, 0, 1.5, 0.1, 0.5,
			99.5, 1));
		assertThrows(GanException.class, () -> new Options(64, 3, 0, 0.25, 0.1,
			99.5, 0.5, 1));
		assertThrows(GanException.class, () -> new Options(64, -1, 0, 0.25, 0.1,
			0.5, 99.5, 1));
		assertThrows(GanException.class, () -> new Options(64, 3, 0, 0.25, 0.1, 0.5,
			99.5, 0));
	}
}
