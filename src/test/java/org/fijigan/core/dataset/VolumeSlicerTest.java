
package org.fijigan.core.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.dataset.VolumeSlicer.Slice;
import org.fijigan.core.dataset.VolumeSlicer.View;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

public class VolumeSlicerTest {

	/** Axis sizes along R, A, S of {@link #anatomy}. */
	public static final int NR = 4, NA = 6, NS = 25;
	/**
	 * Slicing that {@link #anatomy} gives exact counts for: 3x3 outputs, blocks
	 * of 2, every 3rd.
	 */
	public static final VolumeSlicer.Options OPTIONS = new VolumeSlicer.Options(3,
		0.15, 0.1, 0.5, 99.5, 2, 3);

	/**
	 * The value at {@code (r, a, s)}, counted from the left, posterior, inferior
	 * corner: 100 in the box r 1..3, a 0..5, s 2..21, plus the row (r 1..3, a 0,
	 * s 22); 0 elsewhere; except 50 at (2, 3, 10) and 200 at (1, 5, 21). 363 of
	 * the 600 voxels are above 0: the 0.5th percentile is 0, the 99.5th 100, the
	 * foreground threshold 10.
	 */
	static int anatomy(int r, int a, int s) {
		if (r == 2 && a == 3 && s == 10) return 50;
		if (r == 1 && a == 5 && s == 21) return 200;
		boolean box = r >= 1 && s >= 2 && s <= 21;
		return box || r >= 1 && a == 0 && s == 22 ? 100 : 0;
	}

	/** {@link #anatomy} with voxel axes i, j, k toward R, A, S. */
	public static RasterImage ras() {
		Object[] planes = new Object[NS];
		for (int k = 0; k < NS; k++) {
			byte[] p = new byte[NR * NA];
			for (int j = 0; j < NA; j++)
				for (int i = 0; i < NR; i++)
					p[i + NR * j] = (byte) anatomy(i, j, k);
			planes[k] = p;
		}
		return new RasterImage(NR, NA, 1, NS, 1, PixelType.UINT8, planes);
	}

	/**
	 * The same subject stored the DICOM way round: i toward L, j toward P, k
	 * toward S; 16-bit.
	 */
	static RasterImage lps() {
		Object[] planes = new Object[NS];
		for (int k = 0; k < NS; k++) {
			short[] p = new short[NR * NA];
			for (int j = 0; j < NA; j++)
				for (int i = 0; i < NR; i++)
					p[i + NR * j] = (short) anatomy(NR - 1 - i, NA - 1 - j, k);
			planes[k] = p;
		}
		return new RasterImage(NR, NA, 1, NS, 1, PixelType.UINT16, planes);
	}

	static int[] pixels(RasterImage image) {
		byte[] b = (byte[]) image.plane(0);
		int[] out = new int[b.length];
		for (int i = 0; i < b.length; i++)
			out[i] = b[i] & 0xff;
		return out;
	}

	static Slice find(List<Slice> slices, View view, int index) {
		return slices.stream().filter(s -> s.view() == view && s.index() == index)
			.findFirst().orElseThrow();
	}

	@Test
	void keepsTheSlicesWithEnoughForegroundAndSplitsThemByBlocks() {
		VolumeSlicer.Result r = VolumeSlicer.slice(ras(), AnatomicalAxes.RAS,
			OPTIONS, "ras");
		assertEquals(0, r.low());
		assertEquals(100, r.high());
		assertEquals(10, r.foregroundThreshold(), 1e-12);
		assertArrayEquals(new int[] { NR, NA, NS }, r.extent());
		// axial: s 2..21 have 18 of 24 voxels (s 22 only 3: 0.125 < 0.15); test
		// blocks {4,5}, {10,11}, {16,17}
		assertEquals(List.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
			18, 19, 20, 21), r.slices().stream().filter(s -> s.view() == View.AXIAL)
				.map(Slice::index).toList());
		assertEquals(List.of(4, 5, 10, 11, 16, 17), r.slices().stream().filter(
			s -> s.view() == View.AXIAL && s.test()).map(Slice::index).toList());
		assertEquals(14, r.count(View.AXIAL, false));
		assertEquals(6, r.count(View.AXIAL, true));
		// coronal: all 6 (a 4 and 5 in test); sagittal: r 1..3, none in block
		// {4,5}; r 0 is empty
		assertEquals(4, r.count(View.CORONAL, false));
		assertEquals(2, r.count(View.CORONAL, true));
		assertEquals(3, r.count(View.SAGITTAL, false));
		assertEquals(0, r.count(View.SAGITTAL, true));
		assertEquals(List.of(1, 2, 3), r.slices().stream().filter(s -> s
			.view() == View.SAGITTAL).map(Slice::index).toList());
		assertEquals(0.75, find(r.slices(), View.AXIAL, 2).foreground(), 1e-12);
		assertEquals(3 * 21 / 100.0, find(r.slices(), View.CORONAL, 0).foreground(),
			1e-12);
		assertEquals(NS, r.slicesAlong(View.AXIAL));
		assertEquals(NR, r.slicesAlong(View.SAGITTAL));
	}

	/**
	 * A volume shorter than its first test block (the defaults, every 5th block
	 * of 10, start at slice 40) gave a set with no test image without a word; nor
	 * did one whose test blocks keep no slice. Why, and which flags give test
	 * slices, is said; a split that has test slices, or none asked for, says
	 * nothing.
	 */
	@Test
	void aSplitWithNoTestSliceSaysWhyAndWhichFlagsGiveOne() {
		VolumeSlicer.Options beyond = new VolumeSlicer.Options(3, 0.15, 0.1, 0.5,
			99.5, 5, 6);
		VolumeSlicer.Result r = VolumeSlicer.slice(ras(), AnatomicalAxes.RAS,
			beyond, "ras");
		assertEquals(29, r.slices().size());
		assertEquals("no slice of v.nii is in test: the first test block " +
			"(--test-block 5, --test-every 6) starts at slice 25, and v.nii has 25 " +
			"slices along its longest axis; --test-block 4 or less, or a smaller " +
			"--test-every, puts slices in test/", VolumeSlicer.noTestSlice(r, beyond,
				"v.nii"));
		// 4 blocks of 4 reach slice 12..15: in test, kept
		VolumeSlicer.Options suggested = new VolumeSlicer.Options(3, 0.15, 0.1, 0.5,
			99.5, 4, 6);
		assertEquals(null, VolumeSlicer.noTestSlice(VolumeSlicer.slice(ras(),
			AnatomicalAxes.RAS, suggested, "ras"), suggested, "v.nii"));
		// slices 22 and 23 are the test block: 22 has 0.125 of foreground, 23 none
		VolumeSlicer.Options empty = new VolumeSlicer.Options(3, 0.15, 0.1, 0.5,
			99.5, 2, 12);
		assertEquals(
			"no slice of v.nii is in test: the slices of its test blocks " +
				"(--test-block 2, --test-every 12) have too little foreground to be " +
				"kept (--min-foreground); a smaller --test-block or --test-every puts " +
				"slices in test/", VolumeSlicer.noTestSlice(VolumeSlicer.slice(ras(),
					AnatomicalAxes.RAS, empty, "ras"), empty, "v.nii"));
		assertEquals(null, VolumeSlicer.noTestSlice(VolumeSlicer.slice(ras(),
			AnatomicalAxes.RAS, OPTIONS, "ras"), OPTIONS, "v.nii"));
		VolumeSlicer.Options none = new VolumeSlicer.Options(3, 0.15, 0.1, 0.5,
			99.5, 2, 0);
		assertEquals(null, VolumeSlicer.noTestSlice(VolumeSlicer.slice(ras(),
			AnatomicalAxes.RAS, none, "ras"), none, "v.nii"));
	}

	@Test
	void axialSlicesShowAnteriorUpAndTheSubjectsRightOnTheLeft() {
		VolumeSlicer.Result r = VolumeSlicer.slice(ras(), AnatomicalAxes.RAS,
			OPTIONS, "ras");
		// s 10: 4 (R) x 6 (A), row y = A 5 - y, column x = R 3 - x; padded to 6x6
		// with one zero column
		// each side; each output pixel averages 2x2: (0,0) = (pad, pad, 255, 255) /
		// 4 = 127.5 -> 128;
		// (1,1) holds the 50 at (r 2, a 3): (127.5 + 3 * 255) / 4 = 223.125; column
		// 2 is r 0 and pad
		assertArrayEquals(new int[] { 128, 255, 0, 128, 223, 0, 128, 255, 0 },
			pixels(find(r.slices(), View.AXIAL, 10).image()));
		RasterImage one = find(r.slices(), View.AXIAL, 10).image();
		assertEquals(3, one.width());
		assertEquals(PixelType.UINT8, one.type());
	}

	@Test
	void coronalAndSagittalSlicesShowSuperiorUp() {
		VolumeSlicer.Result r = VolumeSlicer.slice(ras(), AnatomicalAxes.RAS,
			OPTIONS, "ras");
		// coronal a 5: 4 (R) x 25 (S) padded to 25x25 (10 zero columns left, 11
		// right); output pixels
		// cover 25/3 rows: the box (s 2..21) is rows 3..22 from the top, so the top
		// output row holds
		// 5.33 rows of it (59), the bottom one 6.33 (70); upside down these would
		// swap
		assertArrayEquals(new int[] { 0, 59, 0, 0, 92, 0, 0, 70, 0 }, pixels(find(r
			.slices(), View.CORONAL, 5).image()));
		// sagittal r 2 and r 3: the same, except for the 50 at (2, 3, 10) in the
		// middle of r 2
		assertArrayEquals(new int[] { 0, 121, 0, 0, 182, 0, 0, 140, 0 }, pixels(
			find(r.slices(), View.SAGITTAL, 2).image()));
		assertArrayEquals(new int[] { 0, 121, 0, 0, 184, 0, 0, 140, 0 }, pixels(
			find(r.slices(), View.SAGITTAL, 3).image()));
	}

	@Test
	void withoutResizingEachVoxelLandsWhereTheConventionSays() {
		// size 25: coronal and sagittal slices are only padded; the 50 (127.5 ->
		// 128) at r 2, a 3, s 10
		VolumeSlicer.Options big = new VolumeSlicer.Options(25, 0.15, 0.1, 0.5,
			99.5, 2, 3);
		VolumeSlicer.Result r = VolumeSlicer.slice(ras(), AnatomicalAxes.RAS, big,
			"ras");
		// coronal a 3: column 10 + (3 - r) = 11 (right on the left), row 24 - s =
		// 14 (superior up)
		int[] coronal = pixels(find(r.slices(), View.CORONAL, 3).image());
		assertEquals(128, coronal[14 * 25 + 11]);
		assertEquals(255, coronal[14 * 25 + 12]);
		assertEquals(255, coronal[10 * 25 + 11]);
		// sagittal r 2: column 9 + (5 - a) = 11 (anterior on the left), row 14
		int[] sagittal = pixels(find(r.slices(), View.SAGITTAL, 2).image());
		assertEquals(128, sagittal[14 * 25 + 11]);
		assertEquals(255, sagittal[14 * 25 + 12]);
		// the 100s of (r 1..3, a 0, s 22): sagittal row 2, column 9 + 5 = 14 only
		assertEquals(255, sagittal[2 * 25 + 14]);
		assertEquals(0, sagittal[2 * 25 + 13]);
		// axial s 10 at size 6 (4x6 padded to 6x6): column 1 + (3 - 2) = 2, row 5 -
		// 3 = 2 (anterior up)
		VolumeSlicer.Options six = new VolumeSlicer.Options(6, 0.15, 0.1, 0.5, 99.5,
			2, 3);
		int[] axial = pixels(find(VolumeSlicer.slice(ras(), AnatomicalAxes.RAS, six,
			"ras").slices(), View.AXIAL, 10).image());
		assertEquals(128, axial[2 * 6 + 2]);
		assertEquals(0, axial[2 * 6 + 4]); // r 0 is background
		assertEquals(0, axial[2 * 6 + 0]); // padding
	}

	@Test
	void aVolumeStoredTheOtherWayRoundGivesTheSameImages() {
		VolumeSlicer.Result ras = VolumeSlicer.slice(ras(), AnatomicalAxes.RAS,
			OPTIONS, "ras");
		AnatomicalAxes lpsAxes = AnatomicalAxes.ofMatrix(new double[][] { { -0.5, 0,
			0 }, { 0, -0.5, 0 }, { 0, 0, 0.5 } }, "sform");
		assertEquals("LPS", lpsAxes.code());
		VolumeSlicer.Result lps = VolumeSlicer.slice(lps(), lpsAxes, OPTIONS,
			"lps");
		assertEquals(ras.slices().size(), lps.slices().size());
		for (int i = 0; i < ras.slices().size(); i++) {
			Slice a = ras.slices().get(i), b = lps.slices().get(i);
			assertEquals(a.view() + " " + a.index() + " " + a.test(), b.view() + " " +
				b.index() + " " + b.test());
			assertArrayEquals(pixels(a.image()), pixels(b.image()), a.view() + " " + a
				.index());
		}
	}

	@Test
	void refusesWhatIsNotOneScalarVolume() {
		RasterImage flat = new RasterImage(4, 6, 1, 1, 1, PixelType.UINT8,
			new Object[] { new byte[24] });
		assertEquals("flat.nii is 4x6x1 voxels: a 2D image, not a volume",
			assertThrows(GanException.class, () -> VolumeSlicer.slice(flat,
				AnatomicalAxes.RAS, OPTIONS, "flat.nii")).getMessage());
		RasterImage constant = RasterImage.allocate(3, 3, 1, 3, 1,
			PixelType.FLOAT32);
		assertTrue(assertThrows(GanException.class, () -> VolumeSlicer.slice(
			constant, AnatomicalAxes.RAS, OPTIONS, "c")).getMessage().startsWith(
				"c is constant"));
		RasterImage twoFrames = RasterImage.allocate(3, 3, 1, 3, 2,
			PixelType.UINT8);
		assertEquals("t has 2 time points; slicing takes one 3D scalar volume",
			assertThrows(GanException.class, () -> VolumeSlicer.slice(twoFrames,
				AnatomicalAxes.RAS, OPTIONS, "t")).getMessage());
		assertThrows(GanException.class, () -> new VolumeSlicer.Options(64, 1.5,
			0.1, 0.5, 99.5, 10, 5));
		assertThrows(GanException.class, () -> new VolumeSlicer.Options(64, 0.15,
			0.1, 99.5, 0.5, 10, 5));
	}
}
