
package org.fijigan.core.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Nifti;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The array work of data preparation: luma, area resizing, percentiles, the
 * split, orientation.
 */
class DatasetArraysTest {

	@TempDir
	Path dir;

	static int[] bytes(RasterImage image) {
		byte[] b = (byte[]) image.plane(0);
		int[] out = new int[b.length];
		for (int i = 0; i < b.length; i++)
			out[i] = b[i] & 0xff;
		return out;
	}

	@Test
	void lumaIsBt601RoundedHalfUp() {
		// 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2; pure red 76.245; white
		// 255
		RasterImage rgb = new RasterImage(4, 1, 1, 1, 1, PixelType.RGB,
			new Object[] { new int[] { 0xffc86432, 0xffff0000, 0xffffffff,
				0x00000000 } });
		assertArrayEquals(new int[] { 124, 76, 255, 0 }, bytes(Photos.prepare(rgb,
			"rgb", 1024, note -> {})));
		assertEquals(124.2, Grayscale.luma(0xffc86432), 1e-9);
		// rounding matches integer arithmetic, (299 R + 587 G + 114 B + 500) /
		// 1000, on 20000 seeded colours
		Random random = new Random(7);
		int[] colours = new int[20000];
		for (int i = 0; i < colours.length; i++)
			colours[i] = random.nextInt() | 0xff000000;
		colours[0] = 0xff000032; // B 50: 5.7 exactly in decimals, so halves and
															// near-halves are covered
		colours[1] = 0xff320000 | 0x0a00; // R 50, G 10: 14.95 + 5.87 = 20.82
		int[] out = bytes(Photos.prepare(new RasterImage(colours.length, 1, 1, 1, 1,
			PixelType.RGB, new Object[] { colours }), "many", colours.length,
			note -> {}));
		for (int i = 0; i < colours.length; i++) {
			int c = colours[i], r = c >> 16 & 0xff, g = c >> 8 & 0xff, b = c & 0xff;
			assertEquals((299 * r + 587 * g + 114 * b + 500) / 1000, out[i],
				"colour " + Integer.toHexString(c));
		}
	}

	@Test
	void sixteenBitAndThreeChannelImagesBecomeGreyToo() {
		RasterImage sixteen = new RasterImage(2, 1, 1, 1, 1, PixelType.UINT16,
			new Object[] { new short[] { (short) 65535, 257 * 100 } });
		assertArrayEquals(new int[] { 255, 100 }, bytes(Photos.prepare(sixteen, "s",
			8, note -> {})));
		RasterImage planes = new RasterImage(1, 1, 3, 1, 1, PixelType.UINT8,
			new Object[] { new byte[] { (byte) 200 }, new byte[] { 100 }, new byte[] {
				50 } });
		assertArrayEquals(new int[] { 124 }, bytes(Photos.prepare(planes, "p", 8,
			note -> {})));
		assertEquals("f.tif is a 32-bit image; photos are 8-bit, 16-bit or RGB",
			assertThrows(GanException.class, () -> Photos.prepare(RasterImage
				.allocate(2, 2, 1, 1, 1, PixelType.FLOAT32), "f.tif", 8, note -> {}))
				.getMessage());
		assertEquals("s.tif is a stack of 3 planes; a photo has one", assertThrows(
			GanException.class, () -> Photos.prepare(RasterImage.allocate(2, 2, 1, 3,
				1, PixelType.UINT8), "s.tif", 8, note -> {})).getMessage());
	}

	@Test
	void twelveBitDataInASixteenBitImageIsScaledFromItsOwnRangeWithANote() {
		List<String> notes = new ArrayList<>();
		RasterImage twelve = new RasterImage(3, 1, 1, 1, 1, PixelType.UINT16,
			new Object[] { new short[] { 1, 4090, 1000 } });
		// (1000 - 1) * 255 / 4089 = 62.3; divided by 257 they would be 0, 16, 4
		assertArrayEquals(new int[] { 0, 255, 62 }, bytes(Photos.prepare(twelve,
			"cam.tif", 8, notes::add)));
		assertEquals(List.of("cam.tif: 16-bit values 1..4090, under a quarter of " +
			"0..65535 (divided by 257 they would be 17 grey levels): 1..4090 " +
			"scaled to 0..255"), notes);
		// from a quarter of the range up, and a constant image: divided by 257
		notes.clear();
		assertArrayEquals(new int[] { 64, 0 }, bytes(Photos.prepare(new RasterImage(
			2, 1, 1, 1, 1, PixelType.UINT16, new Object[] { new short[] { 16384,
				0 } }), "q", 8, notes::add)));
		assertArrayEquals(new int[] { 16, 16 }, bytes(Photos.prepare(
			new RasterImage(2, 1, 1, 1, 1, PixelType.UINT16, new Object[] {
				new short[] { 4090, 4090 } }), "c", 8, notes::add)));
		assertEquals(List.of(), notes);
		// three 16-bit channels: the luma's range
		RasterImage rgb = new RasterImage(2, 1, 3, 1, 1, PixelType.UINT16,
			new Object[] { new short[] { 0, 1000 }, new short[] { 0, 1000 },
				new short[] { 0, 1000 } });
		assertArrayEquals(new int[] { 0, 255 }, bytes(Photos.prepare(rgb, "rgb", 8,
			notes::add)));
		assertEquals(1, notes.size());
	}

	@Test
	void areaAveragingWeighsEachSourcePixelByTheAreaItCovers() {
		// 3 -> 2: output 0 covers pixel 0 and half of pixel 1: (10 * 1 + 40 * 0.5)
		// / 1.5 = 20
		GrayImage row = new GrayImage(3, 1, new float[] { 10, 40, 70 });
		assertArrayEquals(new float[] { 20, 60 }, AreaResize.resize(row, 2, 1)
			.pixels(), 1e-5f);
		// 4x4 -> 2x2: the means of the 2x2 blocks
		float[] p = new float[16];
		for (int i = 0; i < 16; i++)
			p[i] = i;
		assertArrayEquals(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, AreaResize
			.resize(new GrayImage(4, 4, p), 2, 2).pixels(), 1e-5f);
		// a constant stays constant at any ratio
		float[] seven = new float[37 * 23];
		java.util.Arrays.fill(seven, 7);
		for (float v : AreaResize.resize(new GrayImage(37, 23, seven), 10, 9)
			.pixels())
			assertEquals(7, v, 1e-4);
	}

	@Test
	void photosShrinkToTheLongestSideAndNeverGrow() {
		assertArrayEquals(new int[] { 1024, 640 }, AreaResize.fitWithin(2560, 1600,
			1024));
		assertArrayEquals(new int[] { 887, 1024 }, AreaResize.fitWithin(1110, 1282,
			1024));
		assertArrayEquals(new int[] { 1000, 872 }, AreaResize.fitWithin(1000, 872,
			1024));
		assertArrayEquals(new int[] { 1, 1 }, AreaResize.fitWithin(1, 1, 1024));
		// 4x2 RGB grey 0, 100, 200, 50 / 10, 110, 210, 60 to max side 2: 2x1, means
		// of 2x2 blocks
		int[] rgb = new int[8];
		int[] grey = { 0, 100, 200, 50, 10, 110, 210, 60 };
		for (int i = 0; i < 8; i++)
			rgb[i] = 0xff000000 | grey[i] * 0x010101;
		RasterImage out = Photos.prepare(new RasterImage(4, 2, 1, 1, 1,
			PixelType.RGB, new Object[] { rgb }), "x", 2, note -> {});
		assertEquals(2, out.width());
		assertEquals(1, out.height());
		assertArrayEquals(new int[] { 55, 130 }, bytes(out));
	}

	@Test
	void percentilesInterpolateLikeNumpy() {
		float[] v = { 5, 1, 4, 2, 3, Float.NaN };
		// rank p/100 * 4 of 1, 2, 3, 4, 5 (NaN left out)
		assertArrayEquals(new double[] { 1, 1.02, 3, 4.98, 5 }, Percentiles.of(v, 0,
			0.5, 50, 99.5, 100), 1e-9);
		assertArrayEquals(new float[] { 5, 1, 4, 2, 3, Float.NaN }, v); // not
																																		// sorted in
																																		// place
	}

	@Test
	void theSplitIsDeterministicDisjointAndSizedByTheFraction() {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < 45; i++)
			names.add("photo-" + i);
		Set<String> test = HashSplit.testNames(names, 0.15, 0);
		assertEquals(7, test.size()); // round(6.75)
		assertTrue(names.containsAll(test));
		List<String> reversed = new ArrayList<>(names);
		java.util.Collections.reverse(reversed);
		assertEquals(test, HashSplit.testNames(reversed, 0.15, 0));
		Set<String> other = HashSplit.testNames(names, 0.15, 1);
		assertEquals(7, other.size());
		assertTrue(!other.equals(test), "another seed, another split");
		// the 7 lowest first 8 bytes of SHA-256("0/photo-N") (as Python's hashlib
		// gives them)
		assertEquals(Set.of("photo-12", "photo-19", "photo-21", "photo-28",
			"photo-40", "photo-8", "photo-9"), test);
		// growing the fraction only adds: the ranking is fixed by the hash
		assertTrue(HashSplit.testNames(names, 0.3, 0).containsAll(test));
		assertEquals(1, HashSplit.testNames(List.of("a", "b"), 0.01, 0).size());
		assertEquals(1, HashSplit.testNames(List.of("a", "b"), 0.99, 0).size());
		assertEquals(2, HashSplit.testNames(List.of("a", "b"), 1, 0).size());
		assertEquals(0, HashSplit.testNames(List.of("a"), 0.15, 0).size());
		Set<String> train = new HashSet<>(names);
		train.removeAll(test);
		assertEquals(38, train.size());
	}

	@Test
	void copiesGoWhereTheImageTheyCopyGoes() {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < 45; i++)
			names.add("photo-" + i);
		Set<String> test = HashSplit.testNames(names, 0.15, 0);
		List<String> withCopies = new ArrayList<>(names);
		withCopies.addAll(List.of("copy-of-12", "copy-of-13", "copy-of-12b"));
		java.util.Map<String, String> copyOf = java.util.Map.of("copy-of-12",
			"photo-12", "copy-of-13", "photo-13", "copy-of-12b", "photo-12");
		// the others go where the split of all the names puts them, as a set
		// made before copies were known put them; each copy beside its image
		Set<String> expected = new java.util.TreeSet<>(HashSplit.testNames(
			withCopies, 0.15, 0));
		expected.removeAll(copyOf.keySet());
		if (expected.contains("photo-12")) expected.addAll(List.of("copy-of-12",
			"copy-of-12b"));
		if (expected.contains("photo-13")) expected.add("copy-of-13");
		assertEquals(expected, HashSplit.testNames(withCopies, copyOf, 0.15, 0));
		assertTrue(expected.contains("photo-12") && !expected.contains("photo-13"),
			"both sides are exercised: " + expected);
		assertEquals(test, HashSplit.testNames(names, java.util.Map.of(), 0.15, 0));
	}

	/**
	 * Writes {@link VolumeSlicerTest#ras()} as {@code .nii}, then sets its
	 * orientation fields.
	 */
	Path niftiWith(int qformCode, int sformCode, float[] quaternion, float qfac,
		float[][] srow) throws IOException
	{
		Path file = dir.resolve("v" + qformCode + sformCode + ".nii");
		Nifti.write(file, false, VolumeSlicerTest.ras(), "test", null);
		byte[] b = Files.readAllBytes(file);
		ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
		h.putShort(252, (short) qformCode).putShort(254, (short) sformCode);
		h.putFloat(76, qfac);
		for (int i = 0; i < 3; i++)
			h.putFloat(256 + 4 * i, quaternion[i]);
		for (int w = 0; w < 3; w++)
			for (int i = 0; i < 4; i++)
				h.putFloat(280 + 16 * w + 4 * i, srow[w][i]);
		Files.write(file, b);
		return file;
	}

	@Test
	void orientationComesFromTheSformThenTheQform() throws IOException {
		float[][] lps = { { -1, 0, 0, 10 }, { 0, -1, 0, 10 }, { 0, 0, 1, 0 } };
		// i toward -y (P), j toward +x (R), k toward -z (I), a little oblique
		float[][] pri = { { 0, 0.9f, 0.1f, 0 }, { -1, 0, 0, 0 }, { 0, 0.1f, -0.9f,
			0 } };
		float[] none = { 0, 0, 0 }, aboutZ = { 0, 0, 1 }; // 180 degrees about z: x
																											// and y reversed
		assertEquals("LPS", AnatomicalAxes.ofNifti(niftiWith(0, 2, none, 1, lps))
			.code());
		assertEquals("PRI", AnatomicalAxes.ofNifti(niftiWith(0, 1, none, 1, pri))
			.code());
		AnatomicalAxes q = AnatomicalAxes.ofNifti(niftiWith(1, 0, aboutZ, 1, lps));
		assertEquals("LPS", q.code());
		assertEquals("qform", q.source());
		assertEquals("LPI", AnatomicalAxes.ofNifti(niftiWith(1, 0, aboutZ, -1, lps))
			.code());
		assertEquals("RAS", AnatomicalAxes.ofNifti(niftiWith(1, 0, none, 1, lps))
			.code());
		AnatomicalAxes unstated = AnatomicalAxes.ofNifti(niftiWith(0, 0, aboutZ, 1,
			lps));
		assertEquals("RAS", unstated.code());
		assertTrue(unstated.source().startsWith("assumed"));
		Path text = Files.writeString(dir.resolve("x.nii"), "not a volume at all "
			.repeat(30));
		assertEquals("x.nii is not a NIfTI-1 or NIfTI-2 file", assertThrows(
			GanException.class, () -> AnatomicalAxes.ofNifti(text)).getMessage());
	}

	/**
	 * A NIfTI-2 header states the grid with doubles at other offsets: the same
	 * sform and qform give the same grid and axes, and the volume the same
	 * voxels.
	 */
	@Test
	void aNiftiTwoFileGivesTheGridAndVoxelsOfItsNiftiOneTwin()
		throws IOException
	{
		float[][] srow = { { 0, 0, -3, 7 }, { 2, 0, 0, -1 }, { 0, 0.5f, 0, 4 } };
		float[] aboutZ = { 0, 0, 1 };
		for (int[] codes : new int[][] { { 1, 1 }, { 1, 0 }, { 0, 0 } }) {
			Path one = niftiWith(codes[0], codes[1], aboutZ, -1, srow);
			Path two = asNiftiTwo(one);
			VoxelGrid a = VoxelGrid.ofNifti(one), b = VoxelGrid.ofNifti(two);
			assertEquals(a.source(), b.source());
			assertEquals(a.axes().code(), b.axes().code());
			assertArrayEquals(a.world(1, 2, 3), b.world(1, 2, 3), 1e-6);
			assertArrayEquals((byte[]) Nifti.read(one).image().plane(2),
				(byte[]) Nifti.read(two).image().plane(2));
		}
	}

	/** The NIfTI-2 twin of a little-endian NIfTI-1 file, field by field. */
	private Path asNiftiTwo(Path one) throws IOException {
		ByteBuffer a = ByteBuffer.wrap(Files.readAllBytes(one)).order(
			ByteOrder.LITTLE_ENDIAN);
		int offset = (int) a.getFloat(108);
		byte[] voxels = Arrays.copyOfRange(a.array(), offset, a.capacity());
		ByteBuffer b = ByteBuffer.allocate(544 + voxels.length).order(
			ByteOrder.LITTLE_ENDIAN);
		b.putInt(0, 540).put(4, (byte) 'n').put(5, (byte) '+').put(6, (byte) '2');
		b.putShort(12, a.getShort(70)).putShort(14, a.getShort(72));
		for (int i = 0; i < 8; i++) {
			b.putLong(16 + 8 * i, a.getShort(40 + 2 * i));
			b.putDouble(104 + 8 * i, a.getFloat(76 + 4 * i));
		}
		b.putLong(168, 544).putDouble(176, a.getFloat(112)).putDouble(184, a
			.getFloat(116));
		b.putInt(344, a.getShort(252)).putInt(348, a.getShort(254));
		for (int k = 0; k < 6; k++)
			b.putDouble(352 + 8 * k, a.getFloat(256 + 4 * k));
		for (int k = 0; k < 12; k++)
			b.putDouble(400 + 8 * k, a.getFloat(280 + 4 * k));
		b.putInt(500, a.get(123));
		b.position(544);
		b.put(voxels);
		return Files.write(dir.resolve("two-" + one.getFileName()), b.array());
	}

	@Test
	void theGridPlacesVoxelsInMillimetresFromTheSformOrTheQform()
		throws IOException
	{
		float[][] srow = { { 0, 0, -3, 7 }, { 2, 0, 0, -1 }, { 0, 0.5f, 0, 4 } };
		float[] aboutZ = { 0, 0, 1 }; // 180 degrees about z
		Path file = niftiWith(1, 1, aboutZ, 1, srow);
		VoxelGrid s = VoxelGrid.ofNifti(file);
		assertEquals("sform", s.source());
		assertArrayEquals(new double[] { 7 - 3 * 3, -1 + 2 * 1, 4 + 0.5 * 2 }, s
			.world(1, 2, 3), 1e-6);
		assertArrayEquals(new double[] { 2, 0.5, 3 }, new double[] { s.voxelSize(0),
			s.voxelSize(1), s.voxelSize(2) }, 1e-6);
		assertEquals("ASL", s.axes().code());
		assertEquals("ASL", AnatomicalAxes.ofNifti(file).code());
		double[][] inv = s.inverse();
		double[] w = s.world(1.5, -2, 4);
		for (int r = 0; r < 3; r++)
			assertEquals(new double[] { 1.5, -2, 4 }[r], inv[r][0] * w[0] +
				inv[r][1] * w[1] + inv[r][2] * w[2] + inv[r][3], 1e-9);

		// qform: rotation times pixdim (2, 3, 4), the k column times qfac, plus the
		// offsets
		byte[] b = Files.readAllBytes(niftiWith(1, 0, aboutZ, 1, srow));
		ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
		h.putFloat(80, 2).putFloat(84, 3).putFloat(88, 4).putFloat(268, 10)
			.putFloat(272, 20).putFloat(276, 30);
		Path q = Files.write(dir.resolve("q.nii"), b);
		assertArrayEquals(new double[] { 10 - 2, 20 - 3, 30 + 4 }, VoxelGrid
			.ofNifti(q).world(1, 1, 1), 1e-6);
		h.putFloat(76, -1);
		Files.write(q, b);
		assertArrayEquals(new double[] { 10 - 2, 20 - 3, 30 - 4 }, VoxelGrid
			.ofNifti(q).world(1, 1, 1), 1e-6);
		// neither: the pixdim sizes along R, A, S; a size that is not a positive
		// number counts as 1
		h.putShort(252, (short) 0).putFloat(84, Float.NaN);
		Files.write(q, b);
		VoxelGrid none = VoxelGrid.ofNifti(q);
		assertEquals(VoxelGrid.ASSUMED, none.source());
		assertArrayEquals(new double[] { 2, 1, 4 }, none.world(1, 1, 1), 1e-6);
		// a singular sform falls back to the qform; a singular grid is refused
		float[][] flat = { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, 0 } };
		assertEquals("qform", VoxelGrid.ofNifti(niftiWith(1, 2, aboutZ, 1, flat))
			.source());
		assertThrows(GanException.class, () -> VoxelGrid.aligned(1, 0, 1, "t"));
	}
}
