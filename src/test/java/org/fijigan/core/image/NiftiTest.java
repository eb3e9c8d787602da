
package org.fijigan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Nifti.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NiftiTest {

	@TempDir
	Path dir;

	/**
	 * 3x2 pixels, 2 slices, 16-bit: value 1000 * slice + 10 * y + x, the top
	 * value 65535.
	 */
	static RasterImage sixteenBit() {
		short[][] planes = new short[2][6];
		for (int z = 0; z < 2; z++)
			for (int i = 0; i < 6; i++)
				planes[z][i] = (short) (1000 * z + 10 * (i / 3) + i % 3);
		planes[1][5] = (short) 65535;
		RasterImage image = new RasterImage(3, 2, 1, 2, 1, PixelType.UINT16,
			new Object[] { planes[0], planes[1] });
		return image.setCalibration(new Calibration(0.5, 0.25, 2, "mm"));
	}

	static byte[] gunzip(Path file) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
			return in.readAllBytes();
		}
	}

	@Test
	void theHeaderFieldsAndVoxelsAreWhereNiftiOneSays() throws IOException {
		Path file = dir.resolve("a.nii.gz");
		Nifti.write(file, true, sixteenBit(), "SYNTHETIC seed=7 class=axial", null);

		ByteBuffer b = ByteBuffer.wrap(gunzip(file)).order(ByteOrder.LITTLE_ENDIAN);
		assertEquals(348, b.getInt(0)); // sizeof_hdr
		short[] dim = new short[8];
		for (int i = 0; i < 8; i++)
			dim[i] = b.getShort(40 + 2 * i);
		assertArrayEquals(new short[] { 3, 3, 2, 2, 1, 1, 1, 1 }, dim);
		assertEquals(512, b.getShort(70)); // DT_UINT16
		assertEquals(16, b.getShort(72)); // bitpix
		assertEquals(0.5f, b.getFloat(80));
		assertEquals(0.25f, b.getFloat(84));
		assertEquals(2f, b.getFloat(88));
		assertEquals(352f, b.getFloat(108)); // vox_offset
		assertEquals(1f, b.getFloat(112)); // scl_slope
		assertEquals(2, b.get(123)); // xyzt_units: mm
		assertEquals("SYNTHETIC seed=7 class=axial", new String(b.array(), 148, 28,
			StandardCharsets.US_ASCII));
		assertEquals(0, b.get(148 + 28));
		assertEquals("n+1\0", new String(b.array(), 344, 4,
			StandardCharsets.US_ASCII));
		assertEquals(0, b.get(348)); // no extension
		assertEquals(352 + 2 * 6 * 2, b.capacity());
		int[] expected = { 0, 1, 2, 10, 11, 12, 1000, 1001, 1002, 1010, 1011,
			65535 };
		for (int i = 0; i < expected.length; i++)
			assertEquals(expected[i], b.getShort(352 + 2 * i) & 0xffff, "voxel " + i);
	}

	@Test
	void readingGivesBackTheHeaderTheVoxelsAndTheComment() {
		Path file = dir.resolve("b.nii.gz");
		RasterImage image = sixteenBit();
		Nifti.write(file, true, image, "SYNTHETIC",
			"fiji-gan.seed = 7\nfiji-gan.class = axial\n");

		Nifti.Volume v = Nifti.read(file);

		assertEquals("SYNTHETIC", v.header().description());
		assertEquals("n+1", v.header().magic());
		assertEquals(Nifti.DT_UINT16, v.header().datatype());
		assertEquals(0, v.header().qformCode());
		assertEquals("fiji-gan.seed = 7\nfiji-gan.class = axial\n", v.comment());
		assertEquals(0f, v.header().voxOffset() % 16);
		RasterImage r = v.image();
		assertEquals(PixelType.UINT16, r.type());
		assertEquals(3, r.width());
		assertEquals(2, r.height());
		assertEquals(2, r.slices());
		for (int z = 0; z < 2; z++)
			assertArrayEquals((short[]) image.plane(0, z, 0), (short[]) r.plane(0, z,
				0));
		assertEquals(new Calibration(0.5, 0.25, 2, "mm"), r.calibration());
	}

	@Test
	void rgbFloatAndChannelsRoundTripAndTheBytesAreTheSameEveryTime()
		throws IOException
	{
		RasterImage rgb = new RasterImage(2, 1, 1, 1, 1, PixelType.RGB,
			new Object[] { new int[] { 0xff102030, 0xffa0b0c0 } });
		Path a = dir.resolve("rgb.nii.gz"), b = dir.resolve("rgb2.nii.gz");
		Nifti.write(a, true, rgb, "x", null);
		Nifti.write(b, true, rgb, "x", null);
		assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b),
			"no time stamp in the gzip");
		assertEquals(Nifti.DT_RGB24, Nifti.read(a).header().datatype());
		assertArrayEquals(new int[] { 0xff102030, 0xffa0b0c0 }, (int[]) Nifti.read(
			a).image().plane(0));

		RasterImage channels = new RasterImage(2, 2, 2, 1, 1, PixelType.FLOAT32,
			new Object[] { new float[] { 1, 2, 3, 4 }, new float[] { -1.5f, Float.NaN,
				0, 7 } });
		Path c = dir.resolve("c.nii");
		Nifti.write(c, false, channels, "", null);
		Nifti.Volume v = Nifti.read(c);
		assertEquals(5, v.header().dim()[0]);
		assertEquals(2, v.header().dim()[5]);
		assertEquals(2, v.image().channels());
		assertArrayEquals(new float[] { -1.5f, Float.NaN, 0, 7 }, (float[]) v
			.image().plane(1));
	}

	@Test
	void aSlopeOfZeroOrNotANumberMeansUnscaledValues() throws IOException {
		// nibabel writes NaN into scl_slope and scl_inter for "no scaling"; 2 and 5
		// scale
		Path file = dir.resolve("s.nii");
		Nifti.write(file, false, sixteenBit(), "x", null);
		byte[] bytes = Files.readAllBytes(file);
		ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		float[][] cases = { { Float.NaN, Float.NaN, 1010 }, { 0, 7, 1010 }, { 2,
			Float.NaN, 2020 }, { 2, 5, 2025 } };
		for (float[] c : cases) {
			h.putFloat(112, c[0]).putFloat(116, c[1]);
			Files.write(file, bytes);
			RasterImage image = Nifti.read(file).image();
			float[] v = new float[6];
			image.readRegion(0, 1, 0, 0, 0, 3, 2, v, 0);
			assertEquals(c[2], v[3], "slope " + c[0] + ", intercept " + c[1]); // slice
																																					// 1,
																																					// y
																																					// 1,
																																					// x 0
			assertEquals(Float.isNaN(c[0]) || c[0] == 0 ? PixelType.UINT16
				: PixelType.FLOAT32, image.type());
		}
	}

	@Test
	void aHeaderWithANegativeOrMissingDimensionIsRefused() throws IOException {
		Path file = dir.resolve("d.nii");
		Nifti.write(file, false, sixteenBit(), "x", null);
		byte[] bytes = Files.readAllBytes(file);
		ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		short width = h.getShort(42);
		h.putShort(42, (short) -width);
		Files.write(file, bytes);
		assertEquals(file.getFileName() +
			" is a damaged NIfTI file: its dimension 1 has size -" + width +
			" (dim[1] must be at least 1)", assertThrows(GanException.class,
				() -> Nifti.read(file)).getMessage());
		h.putShort(42, width).putShort(40, (short) 0);
		Files.write(file, bytes);
		assertEquals(file.getFileName() +
			" is a damaged NIfTI file: its header uses 0 dimensions (dim[0] must be " +
			"1 to 7)", assertThrows(GanException.class, () -> Nifti.read(file))
				.getMessage());
	}

	/**
	 * The qform and sform travel from a read volume to a written one, so that a
	 * result overlays its input in a viewer; they were written as 0 ("no
	 * orientation") before. Magnified x2, each output voxel lies where its centre
	 * was in the input.
	 */
	@Test
	void theOrientationOfAVolumeIsKeptAndMovedWithSuperResolution()
		throws IOException
	{
		NiftiOrientation o = new NiftiOrientation((short) 1, new float[] { 0.1f,
			-0.2f, 0.3f }, new float[] { 50, -20, 7 }, -1, (short) 2, new float[][] {
				{ 0, -0.9f, 0.1f, 50 }, { 1.1f, 0, 0, -20 }, { 0, 0.05f, 2.5f, 7 } });
		RasterImage image = sixteenBit();
		image.setCalibration(new Calibration(1.1, 0.9, 2.5, "mm", o));
		Path file = dir.resolve("o.nii.gz");
		Nifti.write(file, true, image, "x", null);
		Volume back = Nifti.read(file);
		assertEquals(o, back.image().calibration().orientation());
		assertEquals(-1, back.header().pixdim()[0]); // qfac
		// a volume without one reads without one
		Path plain = dir.resolve("p.nii");
		Nifti.write(plain, false, sixteenBit(), "x", null);
		assertEquals(null, Nifti.read(plain).image().calibration().orientation());

		assertMoved(back.image().calibration(), 2);
	}

	/**
	 * Asserts that {@code c} magnified by {@code scale} puts each output voxel
	 * where its centre was in the input, by the sform and by the qform (written
	 * with the calibration's voxel size, as {@link Nifti#write} writes it).
	 */
	private static void assertMoved(Calibration c, int scale) {
		NiftiOrientation o = c.orientation();
		Calibration magnified = c.magnified(scale);
		NiftiOrientation m = magnified.orientation();
		double[][] rot = o.rotation();
		double depth = o.qfac() * c.pixelDepth();
		for (int[] v : new int[][] { { 0, 0, 0 }, { 5, 7, 1 }, { 3, 0, 2 } }) {
			double i = (v[0] + 0.5) / scale - 0.5, j = (v[1] + 0.5) / scale - 0.5;
			for (int r = 0; r < 3; r++) {
				float[] before = o.srow()[r], after = m.srow()[r];
				assertEquals(before[0] * i + before[1] * j + before[2] * v[2] +
					before[3], after[0] * v[0] + after[1] * v[1] + after[2] * v[2] +
						after[3], 1e-4, "sform row " + r);
				double qBefore = rot[r][0] * c.pixelWidth() * i + rot[r][1] * c
					.pixelHeight() * j + rot[r][2] * depth * v[2] + o.qoffset()[r];
				double qAfter = rot[r][0] * magnified.pixelWidth() * v[0] + rot[r][1] *
					magnified.pixelHeight() * v[1] + rot[r][2] * depth * v[2] + m
						.qoffset()[r];
				assertEquals(qBefore, qAfter, 1e-4, "qform row " + r);
			}
		}
	}

	/**
	 * A volume whose voxel size has no unit ({@code xyzt_units} 0, pixdim 1), or
	 * whose x and y voxel size is 0 (left out, the image in pixels), keeps its
	 * place in the world when super-resolved; its qform and sform stayed as they
	 * were, the result twice as large in a viewer and shifted.
	 */
	@Test
	void aVolumeWithoutAVoxelUnitOrSizeIsMovedWithSuperResolution()
		throws IOException
	{
		NiftiOrientation o = new NiftiOrientation((short) 1, new float[] { 0, 0,
			0.5f }, new float[] { 5, 6, 7 }, 1, (short) 1, new float[][] { { 0.9f, 0,
				0, 5 }, { 0, 0.9f, 0, 6 }, { 0, 0, 2, 7 } });
		RasterImage image = sixteenBit();
		image.setCalibration(new Calibration(1, 1, 1, "pixel", o));
		Path file = dir.resolve("u.nii");
		Nifti.write(file, false, image, "x", null);
		Calibration noUnit = Nifti.read(file).image().calibration();
		assertEquals(new Calibration(1, 1, 1, "pixel", o), noUnit);
		assertEquals(0.5, noUnit.magnified(2).pixelWidth());
		assertEquals(0.45f, noUnit.magnified(2).orientation().srow()[1][1]);
		assertMoved(noUnit, 2);

		byte[] bytes = Files.readAllBytes(file);
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(80, 0)
			.putFloat(84, 0).putFloat(88, 2).put(123, (byte) Nifti.UNITS_MM);
		Files.write(file, bytes);
		Calibration noSize = Nifti.read(file).image().calibration();
		assertEquals(1, noSize.pixelWidth());
		assertEquals("pixel", noSize.unit());
		assertEquals(0.45f, noSize.magnified(2).orientation().srow()[0][0]);
		assertMoved(noSize, 2);
	}

	/**
	 * Unsigned 32-bit and 64-bit integers become float, as TIFF's unsigned 32-bit
	 * ones do; they were refused as a datatype fiji-gan does not read.
	 */
	@Test
	void unsignedAndSixtyFourBitIntegersAreReadAsFloat() throws IOException {
		ByteBuffer u32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
			.putInt(7).putInt((int) 4_000_000_000L);
		assertArrayEquals(new float[] { 7, 4e9f }, (float[]) Nifti.read(write(
			"u32.nii", 1, Nifti.DT_UINT32, u32.array(), ByteOrder.LITTLE_ENDIAN))
			.image().plane(0));
		ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN)
			.putLong(-5).putLong(1L << 40);
		assertArrayEquals(new float[] { -5, 0x1p40f }, (float[]) Nifti.read(write(
			"i64.nii", 1, Nifti.DT_INT64, i64.array(), ByteOrder.BIG_ENDIAN)).image()
			.plane(0));
		ByteBuffer u64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
			.putLong(3).putLong(-1); // 2^64 - 1
		assertArrayEquals(new float[] { 3, 0x1p64f }, (float[]) Nifti.read(write(
			"u64.nii", 1, Nifti.DT_UINT64, u64.array(), ByteOrder.LITTLE_ENDIAN))
			.image().plane(0));
		GanException e = assertThrows(GanException.class, () -> Nifti.read(write(
			"c.nii", 1, (short) 32, new byte[16], ByteOrder.LITTLE_ENDIAN)));
		assertEquals("c.nii has NIfTI datatype 32 (complex numbers), which " +
			"fiji-gan does not read: save the magnitude or the real part as " +
			"float32", e.getMessage());
	}

	/** A NIfTI-2 file (64-bit sizes, double pixel sizes) reads as NIfTI-1's. */
	@Test
	void aNiftiTwoFileIsRead() throws IOException {
		for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN,
			ByteOrder.BIG_ENDIAN })
		{
			ByteBuffer v = ByteBuffer.allocate(4).order(order).putShort((short) 300)
				.putShort((short) -2);
			Volume volume = Nifti.read(write("two.nii", 2, Nifti.DT_INT16, v.array(),
				order));
			assertArrayEquals(new float[] { 300, -2 }, (float[]) volume.image().plane(
				0));
			assertEquals(new Calibration(0.5, 0.25, 1, "mm"), volume.image()
				.calibration());
			assertEquals("n+2", volume.header().magic());
		}
		byte[] bytes = Files.readAllBytes(write("big.nii", 2, Nifti.DT_UINT8,
			new byte[2], ByteOrder.LITTLE_ENDIAN));
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(16 + 8,
			40_000);
		Path big = Files.write(dir.resolve("big.nii"), bytes);
		assertEquals("big.nii declares 40000 voxels along its dimension 1, more " +
			"than fiji-gan reads (32,767)", assertThrows(GanException.class,
				() -> Nifti.read(big)).getMessage());
	}

	/**
	 * A single file whose {@code vox_offset} does not say where its voxels start
	 * is refused naming the field: a negative or NaN offset was read as 0, and
	 * the voxels taken from byte 348, the extension bytes first, every voxel
	 * shifted by one. The header of a {@code .hdr}/{@code .img} pair (magic
	 * {@code ni1}, {@code vox_offset} 0 in the {@code .img} file) was read the
	 * same way.
	 */
	@Test
	void aVoxOffsetThatIsNotInTheFileIsRefused() throws IOException {
		ByteBuffer v = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
			.putFloat(1).putFloat(2);
		byte[] bytes = Files.readAllBytes(write("v.nii", 1, Nifti.DT_FLOAT32, v
			.array(), ByteOrder.LITTLE_ENDIAN));
		assertArrayEquals(new float[] { 1, 2 }, (float[]) Nifti.read(dir.resolve(
			"v.nii")).image().plane(0));
		ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		String[][] cases = { { "-100", "-100" }, { "NaN", "NaN" }, { "Infinity",
			"Infinity" }, { "348", "348" }, { "351.5", "351.5" } };
		for (String[] c : cases) {
			Path file = Files.write(dir.resolve("v.nii"), h.putFloat(108, Float
				.parseFloat(c[0])).array());
			assertEquals("v.nii is a damaged NIfTI file: its vox_offset is " + c[1] +
				", where a single file's voxels start at byte 352 or later (after " +
				"its 348-byte header and 4 extension bytes)", assertThrows(
					GanException.class, () -> Nifti.read(file)).getMessage());
		}
		Path far = Files.write(dir.resolve("v.nii"), h.putFloat(108, 1e6f).array());
		assertEquals("v.nii is a damaged NIfTI file: its vox_offset is 1000000, " +
			"beyond the file's 360 bytes", assertThrows(GanException.class,
				() -> Nifti.read(far)).getMessage());
		h.putFloat(108, 0).put(345, (byte) 'i');
		Path pair = Files.write(dir.resolve("v.nii"), bytes);
		assertEquals("v.nii is the header of a NIfTI .hdr/.img pair (magic " +
			"'ni1'): its voxels are in the .img file, which fiji-gan does not read; " +
			"save the volume as one .nii or .nii.gz file", assertThrows(
				GanException.class, () -> Nifti.read(pair)).getMessage());
		byte[] two = Files.readAllBytes(write("two.nii", 2, Nifti.DT_UINT8,
			new byte[2], ByteOrder.LITTLE_ENDIAN));
		Path early = Files.write(dir.resolve("two.nii"), ByteBuffer.wrap(two).order(
			ByteOrder.LITTLE_ENDIAN).putLong(168, 540).array());
		assertEquals("two.nii is a damaged NIfTI file: its vox_offset is 540, " +
			"where a single file's voxels start at byte 544 or later (after its " +
			"540-byte header and 4 extension bytes)", assertThrows(GanException.class,
				() -> Nifti.read(early)).getMessage());
	}

	/**
	 * A 2x1 NIfTI file of {@code version} 1 or 2 with the given voxels, pixel
	 * size 0.5 x 0.25 mm, written byte by byte.
	 */
	private Path write(String name, int version, short datatype, byte[] voxels,
		ByteOrder order) throws IOException
	{
		int headerBytes = version == 1 ? Nifti.HEADER_BYTES : Nifti.HEADER2_BYTES;
		ByteBuffer b = ByteBuffer.allocate(headerBytes + 4 + voxels.length).order(
			order);
		b.putInt(0, headerBytes);
		short[] dim = { 2, 2, 1, 1, 1, 1, 1, 1 };
		double[] pixdim = { 1, 0.5, 0.25, 1, 1, 1, 1, 1 };
		if (version == 1) {
			b.putShort(70, datatype);
			for (int i = 0; i < 8; i++) {
				b.putShort(40 + 2 * i, dim[i]);
				b.putFloat(76 + 4 * i, (float) pixdim[i]);
			}
			b.putFloat(108, headerBytes + 4).put(123, (byte) Nifti.UNITS_MM);
			b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
		}
		else {
			b.put(4, (byte) 'n').put(5, (byte) '+').put(6, (byte) '2');
			b.putShort(12, datatype);
			for (int i = 0; i < 8; i++) {
				b.putLong(16 + 8 * i, dim[i]);
				b.putDouble(104 + 8 * i, pixdim[i]);
			}
			b.putLong(168, headerBytes + 4).putInt(500, Nifti.UNITS_MM);
		}
		b.position(headerBytes + 4);
		b.put(voxels);
		return Files.write(dir.resolve(name), b.array());
	}

	/**
	 * A negative voxel size is read as its magnitude, as nibabel reads it; one of
	 * 0 or not a number is left out with a note: before, each became 1 mm, which
	 * super-resolution then halved.
	 */
	@Test
	void aVoxelSizeThatIsNoSizeIsLeftOutNotTakenAsOneMillimetre()
		throws IOException
	{
		Path file = write("v.nii", 1, Nifti.DT_UINT8, new byte[2],
			ByteOrder.LITTLE_ENDIAN);
		// 1x1 pixels, 2 slices; the last case one 2x1 slice, whose pixdim[3] of 0
		// (as 2D files have) is no spacing to read
		float[][] cases = { { -0.5f, 0.5f, -2f }, { 0f, 0.5f, 2f }, { 0.5f, 0.25f,
			Float.NaN }, { 0.5f, 0.25f, 0 } };
		Calibration[] read = { new Calibration(0.5, 0.5, 2, "mm"), new Calibration(
			1, 1, 2, "pixel").withUnits("pixel", "mm"), new Calibration(0.5, 0.25, 1,
				"mm").withUnits("mm", "pixel"), new Calibration(0.5, 0.25, 1, "mm") };
		List<List<String>> notes = List.of(List.of(), List.of("v.nii: its voxel " +
			"size in x (pixdim[1]) is 0.0, which is no size: its pixel size is " +
			"left out"), List.of("v.nii: its voxel size in z (pixdim[3]) is NaN, " +
				"which is no size: its slice spacing is left out"), List.of());
		for (int k = 0; k < cases.length; k++) {
			byte[] bytes = Files.readAllBytes(file);
			ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
			boolean slices = k < 3;
			b.putShort(40, (short) (slices ? 3 : 2)).putShort(42, (short) (slices ? 1
				: 2)).putShort(46, (short) (slices ? 2 : 1));
			for (int i = 0; i < 3; i++)
				b.putFloat(76 + 4 * (i + 1), cases[k][i]);
			Nifti.Volume v = Nifti.read(Files.write(file, bytes));
			Calibration c = v.image().calibration();
			assertEquals(read[k], new Calibration(c.pixelWidth(), c.pixelHeight(), c
				.pixelDepth(), c.unit()).withUnits(c.yUnit(), c.zUnit()), "case " + k);
			assertEquals(notes.get(k), v.notes());
		}
	}

	@Test
	void theFrameIntervalTravelsInPixdimFourWithItsTimeUnit() throws IOException {
		RasterImage frames = new RasterImage(3, 2, 1, 1, 2, PixelType.UINT16,
			new Object[] { new short[6], new short[6] });
		frames.setCalibration(new Calibration(0.5, 0.25, 1, "mm").withFrameInterval(
			2.5, "ms"));
		Path file = dir.resolve("t.nii");
		Nifti.write(file, false, frames, "", null);

		ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(2.5f, b.getFloat(92)); // pixdim[4]
		assertEquals(2 | 16, b.get(123)); // xyzt_units: mm, msec
		assertEquals(new Calibration(0.5, 0.25, 1, "mm").withFrameInterval(2.5,
			"msec"), Nifti.read(file).image().calibration());

		// a time unit NIfTI lacks is converted to one it has: 3 min as 180 s
		frames.setCalibration(new Calibration(0.5, 0.25, 1, "mm").withFrameInterval(
			3, "min"));
		Nifti.write(file, false, frames, "", null);
		b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(180f, b.getFloat(92));
		assertEquals(2 | 8, b.get(123)); // mm, sec
		assertEquals(List.of(), Nifti.unwritten(frames));
		// and one that is not a time is left out, with a note
		frames.setCalibration(new Calibration(0.5, 0.25, 1, "mm").withFrameInterval(
			3, "beats"));
		Nifti.write(file, false, frames, "", null);
		b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(1f, b.getFloat(92));
		assertEquals(2, b.get(123));
		assertEquals(List.of("NIfTI has no time unit like \"beats\": the frame " +
			"interval is not written"), Nifti.unwritten(frames));
	}

	/**
	 * NIfTI has one unit for x, y and z: each axis is converted to it, and a unit
	 * NIfTI has no code for to the one of NIfTI's under it. Before, y and z were
	 * written in x's unit unconverted (0.2 nm as 0.2 micron), and nm or cm as
	 * sizes without a unit.
	 */
	@Test
	void everyAxisIsConvertedToTheUnitWritten() throws IOException {
		RasterImage image = sixteenBit();
		image.setCalibration(new Calibration(0.1, 0.2, 0.01, "µm").withUnits("nm",
			"mm"));
		Path file = dir.resolve("u.nii");
		Nifti.write(file, false, image, "", null);
		ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(0.1f, b.getFloat(80));
		assertEquals(0.0002f, b.getFloat(84));
		assertEquals(10f, b.getFloat(88));
		assertEquals(3, b.get(123)); // micron
		assertEquals(List.of(), Nifti.unwritten(image));

		image.setCalibration(new Calibration(300, 250, 2, "nm").withUnits(null,
			"µm"));
		Nifti.write(file, false, image, "", null);
		b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(0.3f, b.getFloat(80));
		assertEquals(0.25f, b.getFloat(84));
		assertEquals(2f, b.getFloat(88));
		assertEquals(3, b.get(123)); // micron
		Calibration read = Nifti.read(file).image().calibration();
		assertEquals(0.3f, (float) read.pixelWidth());
		assertEquals("micron", read.unit());

		image.setCalibration(new Calibration(0.5, 0.5, 1.5, "cm"));
		Nifti.write(file, false, image, "", null);
		b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(5f, b.getFloat(80));
		assertEquals(15f, b.getFloat(88));
		assertEquals(2, b.get(123)); // mm

		// a unit that is no length: the sizes as they are, without a unit, noted
		image.setCalibration(new Calibration(0.5, 0.5, 2, "mm").withUnits(null,
			"slice"));
		Nifti.write(file, false, image, "", null);
		b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(2f, b.getFloat(88));
		assertEquals(List.of("the slice spacing is in \"slice\", which cannot " +
			"be converted to mm: NIfTI writes it as if it were mm"), Nifti.unwritten(
				image));
		image.setCalibration(new Calibration(3, 3, 1, "furlong"));
		Nifti.write(file, false, image, "", null);
		b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(3f, b.getFloat(80));
		assertEquals(0, b.get(123));
		assertEquals(List.of("NIfTI has no unit like \"furlong\": the pixel size " +
			"is written without a unit"), Nifti.unwritten(image));

		// x and y in pixels (a NIfTI volume whose pixdim[1..2] was 0), z in mm:
		// the spacing is written without its mm, which is named
		image.setCalibration(new Calibration(1, 1, 2, "pixel").withUnits(null,
			"mm"));
		Nifti.write(file, false, image, "", null);
		b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(2f, b.getFloat(88));
		assertEquals(0, b.get(123));
		assertEquals(List.of("NIfTI has one unit for x, y and z, and x and y " +
			"have none: the slice spacing (2 mm) is written without a unit"), Nifti
				.unwritten(image));
	}

	/**
	 * NIfTI has no field for ImageJ's origin: an origin other than pixel 0 is
	 * noted as not written (it was dropped without a word), and the header claims
	 * no place in the world for an image that came with none.
	 */
	@Test
	void anOriginIsNotedAsNotWritten() throws IOException {
		RasterImage image = sixteenBit();
		assertEquals(List.of(), Nifti.unwritten(image));
		image.setCalibration(new Calibration(0.5, 0.25, 2, "mm").withOrigin(10,
			-4.5, 1));
		assertEquals(List.of(
			"NIfTI holds no origin like ImageJ's: the origin (at " +
				"pixel 10, -4.5, 1) is not written; the result claims no place in the " +
				"world"), Nifti.unwritten(image));
		Path file = dir.resolve("o.nii");
		Nifti.write(file, false, image, "", null);
		ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(
			ByteOrder.LITTLE_ENDIAN);
		assertEquals(0, b.getShort(252)); // qform_code
		assertEquals(0, b.getShort(254)); // sform_code
	}
}
