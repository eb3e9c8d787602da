
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.testing.PngBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image types beyond 8-, 16-, 32-bit grey and RGB: each is converted (with a
 * note where the values change meaning) or refused with a message that names
 * the image and the fix.
 */
class UnusualImageTypesTest {

	@TempDir
	Path dir;

	@Test
	void aOneBitTiffIsReadAsEightBitZeroAnd255() throws IOException {
		// 10x2 pixels, 1 bit each, BlackIsZero, rows padded to whole bytes
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 2 + 8 * 12 + 4 + 4)
			.order(java.nio.ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
		int[][] tags = { { 256, 3, 10 }, { 257, 3, 2 }, { 258, 3, 1 }, { 259, 3,
			1 }, { 262, 3, 1 }, { 273, 4, 8 + 2 + 8 * 12 + 4 }, { 278, 3, 2 }, { 279,
				4, 4 } };
		b.putShort((short) tags.length);
		for (int[] t : tags) {
			b.putShort((short) t[0]).putShort((short) t[1]).putInt(1);
			if (t[1] == 3) b.putShort((short) t[2]).putShort((short) 0);
			else b.putInt(t[2]);
		}
		b.putInt(0).put((byte) 0b10110000).put((byte) 0).put((byte) 0b01000000).put(
			(byte) 0b11000000);
		Path file = Files.write(dir.resolve("bits.tif"), b.array());

		RasterImage r = ImageFileCodec.INSTANCE.read(file, "input");

		assertEquals(PixelType.UINT8, r.type());
		assertEquals(10, r.width());
		assertEquals(2, r.height());
		byte[] p = (byte[]) r.plane(0);
		int[] bits = { 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1 };
		for (int i = 0; i < 20; i++)
			assertEquals(bits[i] * 255, p[i] & 0xff, "pixel " + i);
	}

	/**
	 * An animated PNG: ImageJ reads its still image alone, and so does fiji-gan,
	 * saying so. (An acTL chunk of 3 frames before the still image's data.)
	 */
	@Test
	void anAnimatedPngIsReadAsItsStillImageWithANote() throws IOException {
		byte[] raw = new byte[4 * (1 + 5)]; // 5x4 grey, filter byte 0 a row
		for (int y = 0; y < 4; y++)
			for (int x = 0; x < 5; x++)
				raw[y * 6 + 1 + x] = (byte) (10 * y + x);
		byte[] actl = java.nio.ByteBuffer.allocate(8).putInt(3).putInt(0).array();
		Path animated = Files.write(dir.resolve("animated.png"), PngBytes.png(5, 4,
			0, 8, PngBytes.chunk("acTL", actl), PngBytes.deflate(raw)));
		Path still = Files.write(dir.resolve("still.png"), PngBytes.png(5, 4, 0, 8,
			new byte[0], PngBytes.deflate(raw)));

		List<String> notes = new ArrayList<>();
		RasterImage r = ImageFileCodec.INSTANCE.read(animated, "input", notes::add);

		assertArrayEquals((byte[]) ImageFileCodec.INSTANCE.read(still, "input")
			.plane(0), (byte[]) r.plane(0));
		assertEquals(12, ((byte[]) r.plane(0))[7]); // row 1, x 2
		assertEquals(List.of("animated.png is an animated PNG of 3 frames: " +
			"fiji-gan reads its still image alone, as ImageJ does; save the frames " +
			"as a TIFF stack to process them all"), notes);
	}

	@Test
	void aJpegsExifOrientationIsNotAppliedButNamed() throws IOException {
		ByteProcessor grey = new ByteProcessor(24, 16);
		for (int i = 0; i < 24 * 16; i++)
			grey.set(i, (i * 37) % 251);
		Path plain = dir.resolve("plain.jpg");
		assertTrue(new ij.io.FileSaver(new ImagePlus("g", grey)).saveAsJpeg(plain
			.toString()));
		byte[] jpeg = Files.readAllBytes(plain);
		// an APP1 Exif segment, big-endian, one entry: orientation 6 (SHORT)
		java.nio.ByteBuffer exif = java.nio.ByteBuffer.allocate(4 + 6 + 8 + 2 + 12 +
			4);
		exif.put((byte) 0xff).put((byte) 0xe1).putShort((short) (exif.capacity() -
			2));
		exif.put("Exif".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(
			(byte) 0).put((byte) 0);
		exif.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8)
			.putShort((short) 1);
		exif.putShort((short) 274).putShort((short) 3).putInt(1).putShort((short) 6)
			.putShort((short) 0).putInt(0);
		byte[] turned = new byte[jpeg.length + exif.capacity()];
		System.arraycopy(jpeg, 0, turned, 0, 2);
		System.arraycopy(exif.array(), 0, turned, 2, exif.capacity());
		System.arraycopy(jpeg, 2, turned, 2 + exif.capacity(), jpeg.length - 2);
		Path file = Files.write(dir.resolve("turned.jpg"), turned);

		List<String> notes = new ArrayList<>();
		RasterImage r = ImageFileCodec.INSTANCE.read(file, "input", notes::add);

		RasterImage stored = ImageFileCodec.INSTANCE.read(plain, "input");
		assertEquals(24, r.width());
		assertEquals(16, r.height());
		assertArrayEquals((byte[]) stored.plane(0), (byte[]) r.plane(0));
		assertEquals(List.of("turned.jpg: its Exif orientation (6: turn 90 " +
			"degrees clockwise) is not applied: fiji-gan reads the pixels as " +
			"stored, and its results carry no orientation, so a viewer that " +
			"applies it shows this file and its result differently"), notes);
		List<String> none = new ArrayList<>();
		ImageFileCodec.INSTANCE.read(plain, "input", none::add);
		assertEquals(List.of(), none);
	}

	/**
	 * A 3x1 TIFF of 32-bit integers, {@code sampleFormat} 1 (unsigned) or 2
	 * (signed), its pixels as stored.
	 */
	private Path int32Tiff(String name, int sampleFormat, int... pixels)
		throws IOException
	{
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 2 + 9 * 12 + 4 +
			12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
		int[][] tags = { { 256, 3, 3 }, { 257, 3, 1 }, { 258, 3, 32 }, { 259, 3,
			1 }, { 262, 3, 1 }, { 273, 4, 8 + 2 + 9 * 12 + 4 }, { 278, 3, 1 }, { 279,
				4, 12 }, { 339, 3, sampleFormat } };
		b.putShort((short) tags.length);
		for (int[] t : tags) {
			b.putShort((short) t[0]).putShort((short) t[1]).putInt(1);
			if (t[1] == 3) b.putShort((short) t[2]).putShort((short) 0);
			else b.putInt(t[2]);
		}
		b.putInt(0);
		for (int p : pixels)
			b.putInt(p);
		return Files.write(dir.resolve(name), b.array());
	}

	/**
	 * ImageJ's reader takes a TIFF's unsigned 32-bit integers as signed: 4e9 came
	 * out as -294,967,296.
	 */
	@Test
	void unsigned32BitIntegersAreReadAsUnsigned() throws IOException {
		RasterImage u = ImageFileCodec.INSTANCE.read(int32Tiff("u32.tif", 1,
			(int) 4_000_000_000L, 7, (int) 2_147_483_648L), "input");
		assertEquals(PixelType.FLOAT32, u.type());
		assertArrayEquals(new float[] { 4_000_000_000f, 7f, 2_147_483_648f },
			(float[]) u.plane(0));
		RasterImage s = ImageFileCodec.INSTANCE.read(int32Tiff("i32.tif", 2,
			(int) 4_000_000_000L, 7, -1), "input");
		assertArrayEquals(new float[] { -294_967_296f, 7f, -1f }, (float[]) s.plane(
			0));
	}

	/**
	 * Integers beyond 2^24 change when read as 32-bit float: a note says so and
	 * by how much (exactly for a .npy, at most half the float spacing for a
	 * TIFF). It had been silent; integers within 2^24 get none.
	 */
	@Test
	void integersRoundedToFloatAreNoted() throws IOException {
		Path npy = dir.resolve("big.npy");
		org.fijigan.core.image.Npy.write(npy, new org.fijigan.core.image.NpyArray(
			org.fijigan.core.image.NpyArray.DType.INT64, new long[] { 1, 2 },
			new long[] { 1_000_000_000_001L, -1_000_000_000_003L }));
		List<String> notes = new ArrayList<>();
		RasterImage r = ImageFileCodec.INSTANCE.read(npy, "input", notes::add);
		assertArrayEquals(new float[] { 1e12f, -1e12f }, (float[]) r.plane(0));
		// 1e12 as float is 999,999,995,904: -1,000,000,000,003 moves by 4,099
		assertEquals(List.of("big.npy: its integer values beyond +-16,777,216 " +
			"(2^24) are rounded to the nearest 32-bit float, which fiji-gan reads " +
			"them as: changed by up to 4,099"), notes);

		notes.clear();
		ImageFileCodec.INSTANCE.read(int32Tiff("u32.tif", 1, (int) 4_000_000_001L,
			7, 3), "input", notes::add);
		assertEquals(List.of("u32.tif: its integer values beyond +-16,777,216 " +
			"(2^24) are rounded to the nearest 32-bit float, which fiji-gan reads " +
			"them as: changed by up to 128"), notes);

		notes.clear();
		Path small = dir.resolve("small.npy");
		org.fijigan.core.image.Npy.write(small, new org.fijigan.core.image.NpyArray(
			org.fijigan.core.image.NpyArray.DType.INT64, new long[] { 1, 2 },
			new long[] { 16_777_216L, -16_777_216L }));
		ImageFileCodec.INSTANCE.read(small, "input", notes::add);
		ImageFileCodec.INSTANCE.read(int32Tiff("i32.tif", 2, 16_777_216, -7, 3),
			"input", notes::add);
		assertEquals(List.of(), notes);
	}

	@Test
	void anIndexedColourImageWithSeveralChannelsIsRefused() {
		ImageStack stack = new ImageStack(2, 2);
		for (int i = 0; i < 2; i++)
			stack.addSlice(new ByteProcessor(2, 2));
		// ImageJ itself never marks a multi-channel image COLOR_256; another plugin
		// might
		ImagePlus imp = new ImagePlus("palette.tif", stack) {

			@Override
			public int getType() {
				return COLOR_256;
			}
		};
		imp.setDimensions(2, 1, 1);
		imp.getProcessor().setLut(new LUT(ramp(7), ramp(3), ramp(5)));
		GanException e = assertThrows(GanException.class, () -> ImagePlusConverter
			.toRaster(imp));
		assertEquals(
			"palette.tif is an indexed-colour image with several channels; convert it to RGB " +
				"first", e.getMessage());
	}

	@Test
	void anRgbImageWithSeveralChannelsIsRefused() {
		ImageStack stack = new ImageStack(2, 2);
		stack.addSlice(new ColorProcessor(2, 2));
		stack.addSlice(new ColorProcessor(2, 2));
		ImagePlus imp = new ImagePlus("rgb2.tif", stack);
		imp.setDimensions(2, 1, 1);
		GanException e = assertThrows(GanException.class, () -> ImagePlusConverter
			.toRaster(imp));
		assertEquals(
			"rgb2.tif is RGB with 2 channels; split the channels or make it a composite first",
			e.getMessage());
	}

	@Test
	void aTypeTheEngineDoesNotKnowIsRefusedByName() {
		ImagePlus imp = new ImagePlus("odd.tif", new ByteProcessor(2, 2)) {

			@Override
			public int getType() {
				return 9;
			}
		};
		GanException e = assertThrows(GanException.class, () -> ImagePlusConverter
			.toRaster(imp));
		assertEquals(
			"odd.tif has an image type (9) the models cannot take; convert it to 8-bit, 16-bit, " +
				"32-bit or RGB", e.getMessage());
	}

	@Test
	void signedSixteenBitIsReadAsFloatInItsOwnValues() {
		ImagePlus imp = new ImagePlus("signed.tif", new ShortProcessor(3, 1,
			new short[] { 0, (short) 40000, (short) 32768 }, null));
		imp.getCalibration().setSigned16BitCalibration();
		List<String> notes = new ArrayList<>();
		RasterImage r = ImagePlusConverter.toRaster(imp, notes::add);
		assertEquals(List.of(
			"signed.tif is signed 16-bit: read as 32-bit float in " +
				"its own values (-32768 to 32767)"), notes);
		assertEquals(PixelType.FLOAT32, r.type());
		assertArrayEquals(new float[] { -32768, 7232, 0 }, (float[]) r.plane(0));
	}

	/**
	 * A linear calibration (value = c0 + c1 x pixel) is what ImageJ measures: a
	 * CT opened in Fiji keeps its Hounsfield units in one, and the file reader
	 * applies DICOM's rescale. The model sees the calibrated values, in Fiji as
	 * from the command line; the pixels were taken raw before.
	 */
	@Test
	void aLinearCalibrationIsReadAsFloatInCalibratedValues() {
		ImagePlus ct = new ImagePlus("ct.tif", new ShortProcessor(2, 1,
			new short[] { 0, 1500 }, null));
		ct.getCalibration().setFunction(ij.measure.Calibration.STRAIGHT_LINE,
			new double[] { -1024, 1 }, "HU");
		List<String> notes = new ArrayList<>();
		RasterImage r = ImagePlusConverter.toRaster(ct, notes::add);
		assertEquals(PixelType.FLOAT32, r.type());
		assertArrayEquals(new float[] { -1024, 476 }, (float[]) r.plane(0));
		assertEquals(List.of("ct.tif has a linear calibration (HU = -1024.0 + " +
			"1.0 x pixel): read as 32-bit float in calibrated values"), notes);
		ImagePlus eight = new ImagePlus("od.tif", new ByteProcessor(2, 1,
			new byte[] { 10, (byte) 200 }));
		eight.getCalibration().setFunction(ij.measure.Calibration.STRAIGHT_LINE,
			new double[] { 0.5, 0.25 }, "OD");
		assertArrayEquals(new float[] { 3, 50.5f }, (float[]) ImagePlusConverter
			.toRaster(eight).plane(0));
		// an identity line, and other functions, keep the pixels
		ImagePlus same = new ImagePlus("same.tif", new ByteProcessor(2, 1,
			new byte[] { 10, 20 }));
		same.getCalibration().setFunction(ij.measure.Calibration.STRAIGHT_LINE,
			new double[] { 0, 1 }, "Gray Value");
		assertEquals(PixelType.UINT8, ImagePlusConverter.toRaster(same).type());
		ImagePlus curve = new ImagePlus("poly.tif", new ByteProcessor(2, 1,
			new byte[] { 10, 20 }));
		curve.getCalibration().setFunction(ij.measure.Calibration.POLY2,
			new double[] { 0, 1, 2 }, "Gray Value");
		assertEquals(PixelType.UINT8, ImagePlusConverter.toRaster(curve).type());
	}

	/**
	 * A JPEG mask got extra holes from the compression's ringing around its edges
	 * (every non-zero pixel is a hole) without a word: a note says so. A JPEG of
	 * 0 and one other value, and a JPEG read as an input, get none.
	 */
	@Test
	void aJpegMaskOfMoreThanTwoValuesGetsANote() throws IOException {
		java.awt.image.BufferedImage painted = new java.awt.image.BufferedImage(32,
			32, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		for (int y = 9; y < 20; y++)
			for (int x = 7; x < 18; x++)
				painted.getRaster().setSample(x, y, 0, 255);
		Path jpeg = dir.resolve("mask.jpg");
		assertTrue(javax.imageio.ImageIO.write(painted, "jpg", jpeg.toFile()));
		List<String> notes = new ArrayList<>();
		ImageFileCodec.INSTANCE.read(jpeg, "mask", notes::add);
		assertEquals(1, notes.size(), notes.toString());
		assertTrue(notes.get(0).startsWith("mask.jpg is a JPEG mask of "), notes
			.get(0));
		assertTrue(notes.get(0).endsWith(" values: JPEG's lossy compression " +
			"changes pixels around the holes' edges, and every non-zero pixel is a " +
			"hole, so it may mark holes that were not painted; save masks as PNG " +
			"or TIFF"), notes.get(0));
		notes.clear();
		ImageFileCodec.INSTANCE.read(jpeg, "input", notes::add);
		assertEquals(List.of(), notes);

		java.awt.image.BufferedImage black = new java.awt.image.BufferedImage(32,
			32, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		Path plain = dir.resolve("black.jpg");
		assertTrue(javax.imageio.ImageIO.write(black, "jpg", plain.toFile()));
		ImageFileCodec.INSTANCE.read(plain, "mask", notes::add);
		assertEquals(List.of(), notes);
	}

	@Test
	void aPaletteImageIsReadAsItsColoursAndADisplayRampKeepsItsValues()
		throws IOException
	{
		// eight colours far apart, as a palette PNG or GIF holds them, padded to
		// 256 entries with black as ImageJ pads a PNG's palette
		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		for (int i = 0; i < 8; i++) {
			r[i] = (byte) (i * 36);
			g[i] = (byte) (255 - i * 36);
			b[i] = (byte) (i % 2 * 255);
		}
		byte[] indices = { 0, 1, 2, 3, 4, 5, 6, 7 };
		ImagePlus palette = new ImagePlus("palette.png", new ByteProcessor(8, 1,
			indices));
		palette.getProcessor().setLut(new LUT(r, g, b));
		RasterImage rgb = ImagePlusConverter.toRaster(palette);
		assertEquals(PixelType.RGB, rgb.type());
		int[] pixels = (int[]) rgb.plane(0);
		for (int i = 0; i < 8; i++)
			assertEquals((r[i] & 0xff) << 16 | (g[i] & 0xff) << 8 | b[i] & 0xff,
				pixels[i] & 0xffffff, "pixel " + i);

		// a fluorescence image shown with a green ramp: its values are intensities
		ImagePlus green = new ImagePlus("green.tif", new ByteProcessor(8, 1, indices
			.clone()));
		green.getProcessor().setLut(new LUT(new byte[256], ramp(1), new byte[256]));
		RasterImage grey = ImagePlusConverter.toRaster(green);
		assertEquals(PixelType.UINT8, grey.type());
		assertArrayEquals(indices, (byte[]) grey.plane(0));
	}

	/**
	 * A palette of greys in another order than a ramp is read as its greys, with
	 * or without transparent entries; a palette that is ImageJ's grey ramp or its
	 * inverted ramp over the values used keeps its values, as ImageJ measures
	 * them.
	 */
	@Test
	void aGreyPaletteIsReadAsItsGreysAndARampKeepsItsValues() throws IOException {
		byte[] greys = PngBytes.chunk("PLTE", new byte[] { (byte) 200, (byte) 200,
			(byte) 200, 50, 50, 50, 120, 120, 120 });
		RasterImage plain = readPng("greys.png", 3, 1, 3, 8, greys, 0, 0, 1, 2);
		assertEquals(PixelType.UINT8, plain.type());
		assertEquals(1, plain.channels());
		assertArrayEquals(new byte[] { (byte) 200, 50, 120 }, (byte[]) plain.plane(
			0));
		RasterImage transparent = readPng("greys-trns.png", 3, 1, 3, 8, concat(
			greys, PngBytes.chunk("tRNS", new byte[] { 0, (byte) 255 })), 0, 0, 1, 2);
		assertArrayEquals(new byte[] { (byte) 200, 50, 120 }, (byte[]) transparent
			.plane(0));
		// entries 0, 1, 2 are greys 0, 1, 2: the ramp over the values used
		RasterImage ramp = readPng("ramp.png", 3, 1, 3, 8, PngBytes.chunk("PLTE",
			new byte[] { 0, 0, 0, 1, 1, 1, 2, 2, 2 }), 0, 0, 1, 2);
		assertArrayEquals(new byte[] { 0, 1, 2 }, (byte[]) ramp.plane(0));

		// an inverting LUT: ImageJ measures the values, not the greys shown
		byte[] values = { 0, 1, 2, (byte) 200 };
		ImagePlus inverted = new ImagePlus("inverted.tif", new ByteProcessor(4, 1,
			values.clone()));
		inverted.getProcessor().invertLut();
		assertTrue(inverted.isInvertedLut());
		RasterImage kept = ImagePlusConverter.toRaster(inverted);
		assertEquals(PixelType.UINT8, kept.type());
		assertArrayEquals(values, (byte[]) kept.plane(0));
	}

	/**
	 * Leading axes of size 1 of a tensor are dropped, whatever their number, and
	 * the refusal of a tensor of too many axes says so: it listed the four
	 * layouts only, though [1,1,1,2,H,W] was read as two channels.
	 */
	@Test
	void aTensorsLeadingAxesOfSizeOneAreDroppedAndTheRefusalSaysSo()
		throws IOException
	{
		float[] v = new float[2 * 3 * 4];
		for (int i = 0; i < v.length; i++)
			v[i] = i;
		Path six = dir.resolve("six.npy");
		org.fijigan.core.image.Npy.writeFloat(six, v, 1, 1, 1, 2, 3, 4);
		RasterImage two = ImageFileCodec.INSTANCE.read(six, "input");
		assertEquals(List.of(4, 3, 2, 1, 1), List.of(two.width(), two.height(), two
			.channels(), two.slices(), two.frames()));
		assertEquals(12f, ((float[]) two.plane(1))[0]);

		Path seven = dir.resolve("seven.npy");
		org.fijigan.core.image.Npy.writeFloat(seven, new float[96], 2, 1, 1, 2, 1,
			2, 3, 4);
		assertEquals(seven + " has shape [2, 1, 1, 2, 1, 2, 3, 4]; an image " +
			"tensor is [H,W], [C,H,W], [N,C,H,W] or [T,Z,C,H,W], after any " +
			"leading axes of size 1, which are dropped", assertThrows(
				GanException.class, () -> ImageFileCodec.INSTANCE.read(seven, "input"))
				.getMessage());
	}

	/**
	 * A 4-bit palette PNG is read as its colours; the note calls it indexed
	 * colour without a depth (ImageJ holds every palette image as 8 bits): it
	 * said "8-bit indexed colour" of a 4-bit file.
	 */
	@Test
	void aFourBitPalettePngIsNotedAsIndexedColourNotAsEightBit()
		throws IOException
	{
		byte[] palette = PngBytes.chunk("PLTE", new byte[] { (byte) 255, 0, 0, 0,
			(byte) 128, 0, 0, 0, 7, 10, 20, 30 });
		List<String> notes = new ArrayList<>();
		// entries 2, 0, 3, 1 packed two to a byte
		RasterImage rgb = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"pal4.png"), PngBytes.png(4, 1, 3, 4, palette, PngBytes.deflate(
				new byte[] { 0, 0x20, 0x31 }))), "input", notes::add);
		assertEquals(PixelType.RGB, rgb.type());
		assertArrayEquals(new int[] { 0xff000007, 0xffff0000, 0xff0a141e,
			0xff008000 }, (int[]) rgb.plane(0));
		assertEquals(List.of(
			"pal4.png is indexed colour: the model sees an RGB copy"), notes);
	}

	/**
	 * A 2- or 4-bit greyscale PNG is read scaled to 0-255, as libpng reads it;
	 * the note says it is greyscale of its depth, not a palette.
	 */
	@Test
	void aLowBitGreyPngIsNotedAsGreyscaleOfItsDepth() throws IOException {
		List<String> notes = new ArrayList<>();
		// 2-bit grey: 0, 1, 2, 3
		RasterImage two = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"g2.png"), PngBytes.png(4, 1, 0, 2, new byte[0], PngBytes.deflate(
				new byte[] { 0, 0b00_01_10_11 }))), "input", notes::add);
		assertArrayEquals(new byte[] { 0, 85, (byte) 170, (byte) 255 }, (byte[]) two
			.plane(0));
		assertEquals(List.of("g2.png is 2-bit greyscale: its values 0-3 are read " +
			"scaled to 0-255 (each times 85), as libpng reads them"), notes);
		notes.clear();
		// 4-bit grey: 1 and 14
		RasterImage four = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"g4.png"), PngBytes.png(2, 1, 0, 4, new byte[0], PngBytes.deflate(
				new byte[] { 0, 0x1e }))), "input", notes::add);
		assertArrayEquals(new byte[] { 17, (byte) 238 }, (byte[]) four.plane(0));
		assertEquals(List.of(
			"g4.png is 4-bit greyscale: its values 0-15 are read " +
				"scaled to 0-255 (each times 17), as libpng reads them"), notes);
	}

	/**
	 * ImageJ's reader blends a PNG's colours with its alpha and takes grey
	 * through a linear colour space: an opaque grey 130 came out as 189, a 16-bit
	 * grey with alpha as 8-bit. The samples are read as stored; the alpha is left
	 * out.
	 */
	@Test
	void aPngWithAlphaIsReadAsItsSamples() throws IOException {
		byte[] none = new byte[0];
		// grey and alpha, 8 bits: grey 0, 130, 200, 255 under alpha 255, 255, 0,
		// 128
		RasterImage ga = readPng("ga.png", 4, 1, 4, 8, none, 0, 0, 255, 130, 255,
			200, 0, 255, 128);
		assertEquals(PixelType.UINT8, ga.type());
		assertArrayEquals(new byte[] { 0, (byte) 130, (byte) 200, (byte) 255 },
			(byte[]) ga.plane(0));
		// grey and alpha, 16 bits: 1000 and 40000
		RasterImage ga16 = readPng("ga16.png", 2, 1, 4, 16, none, 0, 0x03, 0xe8,
			0xff, 0xff, 0x9c, 0x40, 0, 0);
		assertEquals(PixelType.UINT16, ga16.type());
		assertArrayEquals(new short[] { 1000, (short) 40000 }, (short[]) ga16.plane(
			0));
		// grey with a transparent grey (tRNS): 7 and 130, 130 transparent
		RasterImage trns = readPng("trns.png", 2, 1, 0, 8, PngBytes.chunk("tRNS",
			new byte[] { 0, (byte) 130 }), 0, 7, 130);
		assertArrayEquals(new byte[] { 7, (byte) 130 }, (byte[]) trns.plane(0));
		// 4-bit grey with a transparent grey: 3 and 15, as without one (ImageJ
		// reads such a PNG as its samples, not scaled to 0-255)
		RasterImage four = readPng("grey4.png", 2, 1, 0, 4, PngBytes.chunk("tRNS",
			new byte[] { 0, 3 }), 0, 0x3f);
		assertArrayEquals(new byte[] { 3, 15 }, (byte[]) four.plane(0));
		// RGBA, 8 bits: (10, 20, 30) fully transparent, (200, 100, 50) half
		RasterImage rgba = readPng("rgba.png", 2, 1, 6, 8, none, 0, 10, 20, 30, 0,
			200, 100, 50, 128);
		assertEquals(PixelType.RGB, rgba.type());
		assertArrayEquals(new int[] { 10 << 16 | 20 << 8 | 30, 200 << 16 |
			100 << 8 | 50 }, masked((int[]) rgba.plane(0)));
		// RGBA, 16 bits: three 16-bit channels, as ImageJ reads 16-bit RGB
		RasterImage rgba16 = readPng("rgba16.png", 1, 1, 6, 16, none, 0, 0x01, 0x00,
			0x02, 0x00, 0xff, 0xfe, 0x80, 0x00);
		assertEquals(PixelType.UINT16, rgba16.type());
		assertEquals(3, rgba16.channels());
		for (int c = 0; c < 3; c++)
			assertEquals(new int[] { 256, 512, 65534 }[c], ((short[]) rgba16.plane(
				c))[0] & 0xffff, "channel " + c);
		// a palette with transparent entries: its colours, far apart
		RasterImage palette = readPng("pal.png", 2, 1, 3, 8, concat(PngBytes.chunk(
			"PLTE", new byte[] { (byte) 250, 0, 0, 0, 0, (byte) 250 }), PngBytes
				.chunk("tRNS", new byte[] { 0, 100 })), 0, 1, 0);
		assertEquals(PixelType.RGB, palette.type());
		assertArrayEquals(new int[] { 250, 250 << 16 }, masked((int[]) palette
			.plane(0)));
	}

	/**
	 * For an inpainting mask the alpha counts: a mask painted on a transparent
	 * layer stores colour (white, say) under alpha 0, which read as samples
	 * marked holes where nothing was painted. A transparent pixel is black (no
	 * hole), with a note; an opaque or half-transparent one is read as stored.
	 */
	@Test
	void aMaskPngsTransparentPixelsAreNoHoles() throws IOException {
		byte[] none = new byte[0];
		List<String> notes = new ArrayList<>();
		// RGBA: white transparent, red opaque, white half transparent
		RasterImage rgba = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"m.png"), PngBytes.png(3, 1, 6, 8, none, PngBytes.deflate(bytes(0, 255,
				255, 255, 0, 255, 0, 0, 255, 255, 255, 255, 128)))), "mask",
			notes::add);
		assertArrayEquals(new int[] { 0, 255 << 16, 0xffffff }, masked((int[]) rgba
			.plane(0)));
		assertEquals(List.of(
			"m.png: 1 transparent pixel not black was read as no " +
				"hole (black), as the mask's alpha says"), notes);
		// grey and alpha, and a palette whose second entry (white) is transparent
		RasterImage ga = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"ga.png"), PngBytes.png(2, 1, 4, 8, none, PngBytes.deflate(bytes(0, 200,
				0, 200, 255)))), "mask");
		assertArrayEquals(new byte[] { 0, (byte) 200 }, (byte[]) ga.plane(0));
		RasterImage palette = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"pal.png"), PngBytes.png(2, 1, 3, 8, concat(PngBytes.chunk("PLTE",
				new byte[] { (byte) 250, 0, 0, (byte) 255, (byte) 255, (byte) 255 }),
				PngBytes.chunk("tRNS", new byte[] { (byte) 255, 0 })), PngBytes.deflate(
					bytes(0, 0, 1)))), "mask");
		assertArrayEquals(new int[] { 250 << 16, 0 }, masked((int[]) palette.plane(
			0)));
		// an input keeps its samples, the alpha left out
		RasterImage input = ImageFileCodec.INSTANCE.read(dir.resolve("m.png"),
			"input");
		assertEquals(0xffffff, masked((int[]) input.plane(0))[0]);
	}

	private static byte[] bytes(int... v) {
		byte[] out = new byte[v.length];
		for (int i = 0; i < v.length; i++)
			out[i] = (byte) v[i];
		return out;
	}

	/**
	 * A one-row PNG of the given samples (the row's filter byte first),
	 * {@code before} its pixel data, read as fiji-gan reads an input.
	 */
	/**
	 * ImageJ's reader reads a TIFF of several pages of 16-bit RGB as a stack of
	 * planes, each channel a plane (6 slices for 2 pages), one of 16-bit RGBA as
	 * wrong planes after an EOFException, and one page of 16-bit RGBA with the
	 * alpha as a fourth channel. Each page is a slice of three channels, the
	 * alpha left out as from 8-bit RGBA and from PNG.
	 */
	@Test
	void sixteenBitColourTiffsAreReadAsThreeChannelsPerPage() throws IOException {
		for (int pages : new int[] { 1, 2 })
			for (boolean alpha : new boolean[] { false, true }) {
				Path file = dir.resolve("rgb16-" + pages + "-" + alpha + ".tif");
				writeTiff16(file, 3, 2, pages, alpha);
				RasterImage image = ImageFileCodec.INSTANCE.read(file, "input");
				String what = pages + " pages, alpha " + alpha;
				assertEquals(PixelType.UINT16, image.type(), what);
				assertEquals(3, image.channels(), what);
				assertEquals(pages, image.slices() * image.frames(), what);
				for (int z = 0; z < pages; z++)
					for (int c = 0; c < 3; c++) {
						short[] plane = (short[]) image.plane(c, z, 0);
						for (int i = 0; i < 6; i++)
							assertEquals(sample16(z, c, i), plane[i] & 0xffff, what +
								", page " + z + ", channel " + c + ", pixel " + i);
					}
			}
	}

	/**
	 * ImageJ's reader, without Bio-Formats, reads every page of an OME-TIFF as a
	 * slice: 2 channels of 3 slices stored slice by slice came out as 6 slices,
	 * the channels interleaved. The OME-XML puts them back, with the pixel size.
	 */
	@Test
	void anOmeTiffIsReadAsTheChannelsAndSlicesOfItsMetadata() throws IOException {
		Path file = dir.resolve("cz.ome.tif");
		String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OME xmlns=" +
			"\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"><Image ID=" +
			"\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" Type=" +
			"\"uint8\" SizeX=\"4\" SizeY=\"3\" SizeC=\"2\" SizeZ=\"3\" SizeT=" +
			"\"1\" PhysicalSizeX=\"0.2\" PhysicalSizeY=\"0.2\" PhysicalSizeZ=" +
			"\"1.5\"><Channel SamplesPerPixel=\"1\"/><Channel SamplesPerPixel=" +
			"\"1\"/><TiffData IFD=\"0\" PlaneCount=\"6\"/></Pixels></Image></OME>";
		writeGreyPages(file, 4, 3, 6, xml);
		RasterImage image = ImageFileCodec.INSTANCE.read(file, "input");
		assertEquals(2, image.channels());
		assertEquals(3, image.slices());
		assertEquals(1, image.frames());
		for (int c = 0; c < 2; c++)
			for (int z = 0; z < 3; z++) {
				byte[] plane = (byte[]) image.plane(c, z, 0);
				for (int i = 0; i < 12; i++)
					assertEquals(20 * (z + 3 * c) + i, plane[i] & 0xff, "channel " + c +
						", slice " + z + ", pixel " + i);
			}
		assertEquals(new Calibration(0.2, 0.2, 1.5, "µm"), image.calibration());
		// as Bio-Formats writes it: a long comment before the OME element
		writeGreyPages(file, 4, 3, 6, xml.replace("?><OME", "?><!-- " +
			"Warning: " + "this comment is an OME-XML metadata block. ".repeat(8) +
			"--><OME"));
		assertEquals(2, ImageFileCodec.INSTANCE.read(file, "input").channels());
		// metadata that does not fit the pages is refused, naming the file
		writeGreyPages(file, 4, 3, 5, xml);
		GanException e = assertThrows(GanException.class,
			() -> ImageFileCodec.INSTANCE.read(file, "input"));
		assertEquals("input " + file + " has OME-TIFF metadata that fiji-gan " +
			"cannot follow: it declares 6 planes (2 channels, 3 slices, 1 frame) " +
			"but the file has 5 pages", e.getMessage());
	}

	/**
	 * A TIFF of {@code pages} 8-bit pages written by ImageIO, the first with
	 * {@code description}; pixel i of page p is {@code 20 p + i}.
	 */
	private static void writeGreyPages(Path file, int w, int h, int pages,
		String description) throws IOException
	{
		List<java.awt.image.BufferedImage> images = new ArrayList<>();
		for (int page = 0; page < pages; page++) {
			java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(w,
				h, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
			for (int i = 0; i < w * h; i++)
				image.getRaster().setSample(i % w, i / w, 0, 20 * page + i);
			images.add(image);
		}
		writeTiff(file, images, description);
	}

	/**
	 * An uncompressed TIFF of {@code pages} written by ImageIO, the first with
	 * {@code description} (or none when null).
	 */
	private static void writeTiff(Path file,
		List<java.awt.image.BufferedImage> pages, String description)
		throws IOException
	{
		javax.imageio.ImageWriter writer = javax.imageio.ImageIO
			.getImageWritersByFormatName("tiff").next();
		Files.deleteIfExists(file);
		try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO
			.createImageOutputStream(file.toFile()))
		{
			writer.setOutput(out);
			writer.prepareWriteSequence(null);
			for (java.awt.image.BufferedImage image : pages) {
				javax.imageio.metadata.IIOMetadata meta = null;
				if (description != null && image == pages.get(0)) {
					javax.imageio.plugins.tiff.TIFFDirectory d =
						javax.imageio.plugins.tiff.TIFFDirectory.createFromMetadata(writer
							.getDefaultImageMetadata(new javax.imageio.ImageTypeSpecifier(
								image), writer.getDefaultWriteParam()));
					d.addTIFFField(new javax.imageio.plugins.tiff.TIFFField(
						javax.imageio.plugins.tiff.BaselineTIFFTagSet.getInstance().getTag(
							javax.imageio.plugins.tiff.BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION),
						javax.imageio.plugins.tiff.TIFFTag.TIFF_ASCII, 1, new String[] {
							description }));
					meta = d.getAsMetadata();
				}
				writer.writeToSequence(new javax.imageio.IIOImage(image, null, meta),
					writer.getDefaultWriteParam());
			}
			writer.endWriteSequence();
		}
		finally {
			writer.dispose();
		}
	}

	/**
	 * ImageJ's reader does not open BigTIFF (it said "not an image format"); its
	 * pages are read from their directories, in either byte order.
	 */
	@Test
	void aBigTiffIsRead() throws IOException {
		byte[] pixels = new byte[6 * 4];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (byte) (10 * i + 3);
		for (java.nio.ByteOrder order : new java.nio.ByteOrder[] {
			java.nio.ByteOrder.LITTLE_ENDIAN, java.nio.ByteOrder.BIG_ENDIAN })
		{
			Path file = Files.write(dir.resolve("big.tif"),
				org.fijigan.core.image.ImageFileCheckTest.grey(true, order, 6, 4,
					pixels.length, pixels).bytes());
			RasterImage image = ImageFileCodec.INSTANCE.read(file, "input");
			assertEquals(PixelType.UINT8, image.type());
			assertEquals(6, image.width());
			assertEquals(4, image.height());
			assertArrayEquals(pixels, (byte[]) image.plane(0), order.toString());
		}
	}

	/**
	 * A tiled TIFF is read tile by tile, the edge tiles' parts beyond the image
	 * left out, classic or BigTIFF, 8- or 16-bit. ImageJ's reader does not read
	 * tiles; fiji-gan refused such files.
	 */
	@Test
	void aTiledTiffIsReadTileByTile() throws IOException {
		int w = 40, h = 20, tile = 16, across = 3, down = 2;
		for (int bytesPer : new int[] { 1, 2 })
			for (boolean big : new boolean[] { false, true }) {
				int tileBytes = tile * tile * bytesPer;
				long[] offsets = new long[across * down], counts = new long[across *
					down];
				java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(across * down *
					tileBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
				for (int t = 0; t < across * down; t++) {
					offsets[t] = (long) t * tileBytes;
					counts[t] = tileBytes;
					for (int y = 0; y < tile; y++)
						for (int x = 0; x < tile; x++) {
							int gx = t % across * tile + x, gy = t / across * tile + y;
							int v = gx < w && gy < h ? 7 * gx + 300 * gy : 65535; // beyond:
																																		// never
																																		// read
							if (bytesPer == 1) data.put((byte) (v % 251));
							else data.putShort((short) v);
						}
				}
				var tiff = new org.fijigan.core.image.ImageFileCheckTest.Tiff(big,
					java.nio.ByteOrder.LITTLE_ENDIAN).tag(256, 3, w).tag(257, 3, h).tag(
						258, 3, 8 * bytesPer).tag(259, 3, 1).tag(262, 3, 1).tag(277, 3, 1)
					.tag(322, 3, tile).tag(323, 3, tile).tag(324, 4, offsets).tag(325, 4,
						counts);
				tiff.data(data.array());
				Path file = Files.write(dir.resolve("tiles" + bytesPer + big + ".tif"),
					tiff.bytes());
				RasterImage image = ImageFileCodec.INSTANCE.read(file, "input");
				assertEquals(List.of(w, h, 1), List.of(image.width(), image.height(),
					image.planeCount()));
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++) {
						int v = 7 * x + 300 * y;
						Object plane = image.plane(0);
						assertEquals(bytesPer == 1 ? v % 251 : v, plane instanceof byte[] b
							? b[y * w + x] & 0xff : ((short[]) plane)[y * w + x] & 0xffff,
							file + " at " + x + "," + y);
					}
			}
	}

	/**
	 * A compressed BigTIFF page whose strip lies beyond the first 2 GiB is read
	 * (its strips are copied into memory); before, it was refused as strips
	 * fiji-gan read only uncompressed. The file is sparse: 2 GiB of nothing, then
	 * the strip.
	 */
	@Test
	void aCompressedBigTiffPageBeyondTwoGibIsRead() throws IOException {
		int w = 64, h = 32;
		byte[] pixels = new byte[w * h];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (byte) (i % 250);
		java.util.zip.Deflater deflater = new java.util.zip.Deflater();
		deflater.setInput(pixels);
		deflater.finish();
		byte[] strip = new byte[4096];
		int length = deflater.deflate(strip);
		deflater.end();
		long far = (1L << 31) + 1000;
		long[][] entries = { { 256, 3, w }, { 257, 3, h }, { 258, 3, 8 }, { 259, 3,
			8 }, { 262, 3, 1 }, { 273, 16, far }, { 277, 3, 1 }, { 278, 3, h }, { 279,
				16, length } };
		java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(16 + 8 +
			entries.length * 20 + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		head.put((byte) 'I').put((byte) 'I').putShort((short) 43).putShort(
			(short) 8).putShort((short) 0).putLong(16).putLong(entries.length);
		for (long[] e : entries)
			head.putShort((short) e[0]).putShort((short) e[1]).putLong(1).putLong(
				e[2]);
		head.putLong(0).flip();
		Path file = dir.resolve("far.tif");
		try (var ch = java.nio.channels.FileChannel.open(file,
			java.nio.file.StandardOpenOption.CREATE_NEW,
			java.nio.file.StandardOpenOption.WRITE,
			java.nio.file.StandardOpenOption.SPARSE))
		{
			ch.write(head, 0);
			ch.write(java.nio.ByteBuffer.wrap(strip, 0, length), far);
		}
		assertArrayEquals(pixels, (byte[]) ImageFileCodec.INSTANCE.read(file,
			"input").plane(0));
	}

	/**
	 * A BigTIFF's pixel size comes from its resolution tags, as ImageJ reads a
	 * classic TIFF's; before, a BigTIFF had none.
	 */
	@Test
	void aBigTiffKeepsItsPixelSizeAsItsClassicTwin() throws IOException {
		byte[] pixels = new byte[6 * 4];
		for (int unit : new int[] { 3, 2 })
			for (boolean big : new boolean[] { false, true }) {
				var tiff = org.fijigan.core.image.ImageFileCheckTest.grey(big,
					java.nio.ByteOrder.LITTLE_ENDIAN, 6, 4, pixels.length, pixels);
				tiff.tag(282, 5, 4, 1).tag(283, 5, 5, 2).tag(296, 3, unit);
				Path file = Files.write(dir.resolve((big ? "big" : "classic") + unit +
					".tif"), tiff.bytes());
				assertEquals(new Calibration(0.25, 0.4, 1, unit == 3 ? "cm" : "inch"),
					ImageFileCodec.INSTANCE.read(file, "input").calibration(), file
						.toString());
			}
	}

	/**
	 * A resolution of 1/0 or 0/1 is no size: ImageJ's reader took it as a pixel
	 * of 1 cm (which super-resolution then halved). Its pixel size is left out,
	 * with a note.
	 */
	@Test
	void aTiffResolutionThatIsNoSizeIsLeftOutWithANote() throws IOException {
		byte[] pixels = new byte[6 * 4];
		for (boolean big : new boolean[] { false, true })
			for (long[] x : new long[][] { { 1, 0 }, { 0, 1 } }) {
				var tiff = org.fijigan.core.image.ImageFileCheckTest.grey(big,
					java.nio.ByteOrder.LITTLE_ENDIAN, 6, 4, pixels.length, pixels);
				tiff.tag(282, 5, x).tag(283, 5, 5, 2).tag(296, 3, 3);
				Path file = Files.write(dir.resolve((big ? "big" : "classic") + x[0] +
					".tif"), tiff.bytes());
				List<String> notes = new ArrayList<>();
				Calibration c = ImageFileCodec.INSTANCE.read(file, "input", notes::add)
					.calibration();
				assertEquals(1, c.pixelWidth(), file.toString());
				assertEquals(1, c.pixelHeight(), file.toString());
				assertEquals("pixel", c.unit(), file.toString());
				assertEquals(List.of(file.getFileName() + ": its XResolution " + x[0] +
					"/" + x[1] + " is no resolution: its pixel size is left out"), notes);
			}
	}

	/**
	 * FITS values are BZERO + BSCALE x stored: unsigned 16-bit is stored signed
	 * with BZERO 32768, as astronomical cameras write it. ImageJ's reader left
	 * both out: 0 and 65535 came out as -32768 and 32767.
	 */
	@Test
	void fitsValuesGoThroughBzeroAndBscale() throws IOException {
		java.nio.ByteBuffer u16 = java.nio.ByteBuffer.allocate(4).putShort(
			(short) -32768).putShort((short) 32767); // FITS is big-endian
		RasterImage unsigned = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"u16.fits"), fits(16, "BZERO   =                32768", u16.array())),
			"input");
		assertEquals(PixelType.UINT16, unsigned.type()); // 0 to 65535 fit 16 bits
		assertArrayEquals(new short[] { 0, (short) 65535 }, (short[]) unsigned
			.plane(0));
		// with a BSCALE 1 card ImageJ applies BZERO 32768 itself: not twice
		RasterImage both = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"u16-both.fits"), fits(16, "BSCALE  =                    1\nBZERO   = " +
				"               32768", u16.array())), "input");
		assertArrayEquals(new short[] { 0, (short) 65535 }, (short[]) both.plane(
			0));
		java.nio.ByteBuffer f32 = java.nio.ByteBuffer.allocate(8).putFloat(1.5f)
			.putFloat(-2);
		RasterImage scaled = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"f32.fits"), fits(-32, "BSCALE  =                  2.0\nBZERO   = " +
				"                 1.0", f32.array())), "input");
		assertArrayEquals(new float[] { 4, -3 }, (float[]) scaled.plane(0));
		// without them, the stored values
		RasterImage plain = ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(
			"i16.fits"), fits(16, null, u16.array())), "input");
		assertArrayEquals(new float[] { -32768, 32767 }, (float[]) plain.plane(0));
	}

	/**
	 * A FITS file of one row of pixels ({@code data}, big-endian, of
	 * {@code bitpix}), with more header cards ({@code cards}, lines) or null.
	 */
	private static byte[] fits(int bitpix, String cards, byte[] data) {
		int bytes = Math.abs(bitpix) / 8;
		StringBuilder header = new StringBuilder();
		List<String> all = new ArrayList<>(List.of("SIMPLE  =                    T",
			String.format("BITPIX  = %20d", bitpix), "NAXIS   =                    2",
			String.format("NAXIS1  = %20d", data.length / bytes),
			"NAXIS2  =                    1"));
		if (cards != null) all.addAll(List.of(cards.split("\n")));
		all.add("END");
		for (String card : all)
			header.append(String.format("%-80s", card));
		while (header.length() % 2880 != 0)
			header.append(' ');
		byte[] head = header.toString().getBytes(
			java.nio.charset.StandardCharsets.US_ASCII);
		byte[] file = java.util.Arrays.copyOf(head, head.length + 2880);
		System.arraycopy(data, 0, file, head.length, data.length);
		return file;
	}

	/** Sample {@code i} of band {@code band} on page {@code page}. */
	private static int sample16(int page, int band, int i) {
		return band == 3 ? 65535 - i : 20000 * page + 1000 * band + 7 * i + 300;
	}

	/** An uncompressed TIFF of 16-bit RGB(A) pages written by ImageIO. */
	private static void writeTiff16(Path file, int w, int h, int pages,
		boolean alpha) throws IOException
	{
		java.awt.image.ColorModel model = new java.awt.image.ComponentColorModel(
			java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB),
			alpha, false, alpha ? java.awt.Transparency.TRANSLUCENT
				: java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
		List<java.awt.image.BufferedImage> images = new ArrayList<>();
		for (int page = 0; page < pages; page++) {
			java.awt.image.WritableRaster raster = model
				.createCompatibleWritableRaster(w, h);
			for (int band = 0; band < raster.getNumBands(); band++)
				for (int i = 0; i < w * h; i++)
					raster.setSample(i % w, i / w, band, sample16(page, band, i));
			images.add(new java.awt.image.BufferedImage(model, raster, false, null));
		}
		writeTiff(file, images, null);
	}

	private RasterImage readPng(String name, int w, int h, int colour, int depth,
		byte[] before, int... row) throws IOException
	{
		byte[] raw = new byte[row.length];
		for (int i = 0; i < row.length; i++)
			raw[i] = (byte) row[i];
		return ImageFileCodec.INSTANCE.read(Files.write(dir.resolve(name), PngBytes
			.png(w, h, colour, depth, before, PngBytes.deflate(raw))), "input");
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	private static int[] masked(int[] rgb) {
		return java.util.Arrays.stream(rgb).map(p -> p & 0xffffff).toArray();
	}

	/**
	 * A ZIP archive of one TIFF, as ImageJ saves one, reads like the TIFF; one
	 * whose TIFF is cut short is refused like the TIFF (ImageJ filled the missing
	 * rows with zeros), and one of two images or none is refused by name (ImageJ
	 * took the first of two without a word).
	 */
	@Test
	void aZipArchiveOfOneTiffReadsAsTheTiffAndIsCheckedLikeIt()
		throws IOException
	{
		Path tiff = int32Tiff("inside.tif", 2, 5, -7, 9);
		byte[] bytes = Files.readAllBytes(tiff);
		Path ok = zip("ok.zip", java.util.Map.of("inside.tif", bytes));
		RasterImage r = ImageFileCodec.INSTANCE.read(ok, "input");
		assertArrayEquals(new float[] { 5, -7, 9 }, (float[]) r.plane(0));
		assertEquals("ok.zip", r.title());

		Path cut = zip("cut.zip", java.util.Map.of("inside.tif", java.util.Arrays
			.copyOf(bytes, bytes.length - 8)));
		GanException e = assertThrows(GanException.class,
			() -> ImageFileCodec.INSTANCE.read(cut, "input"));
		assertTrue(e.getMessage().startsWith("input " + cut +
			" (its entry inside.tif) is truncated"), e.getMessage());

		// Java's ZipFile does not hold an entry to the size the archive declares
		Path forged = dir.resolve("forged.zip");
		Files.write(forged, org.fijigan.testing.ZipBytes.declaringUnzippedSize(Files
			.readAllBytes(ok), 100));
		assertEquals("input " + forged + ": its entry inside.tif unzips to more " +
			"than the 100 bytes its header declares (a damaged or forged archive)",
			assertThrows(GanException.class, () -> ImageFileCodec.INSTANCE.read(
				forged, "input")).getMessage());

		Path two = zip("two.zip", java.util.Map.of("a.tif", bytes, "b.tif", bytes));
		assertEquals("input " + two + " is a ZIP archive of 2 images; ImageJ " +
			"would read the first alone: unzip it and give the images one by one, " +
			"or their folder", assertThrows(GanException.class,
				() -> ImageFileCodec.INSTANCE.read(two, "input")).getMessage());
		Path none = zip("none.zip", java.util.Map.of("notes.txt", new byte[3]));
		assertEquals("input " + none + " is a ZIP archive of no TIFF or DICOM " +
			"image (it holds notes.txt)", assertThrows(GanException.class,
				() -> ImageFileCodec.INSTANCE.read(none, "input")).getMessage());
	}

	private Path zip(String name, java.util.Map<String, byte[]> entries)
		throws IOException
	{
		return Files.write(dir.resolve(name), org.fijigan.testing.ZipBytes.zip(
			entries));
	}

	private static byte[] ramp(int step) {
		byte[] b = new byte[256];
		for (int i = 0; i < 256; i++)
			b[i] = (byte) (i * step);
		return b;
	}

	/**
	 * A minimal DICOM file (explicit VR little endian) of a rows x columns 16-bit
	 * image, declaring {@code declaredRows} rows, holding {@code pixelBytes}
	 * bytes of pixel data.
	 */
	static byte[] dicom(int declaredRows, int columns, int pixelBytes) {
		return dicom("1.2.840.10008.1.2.1", declaredRows, columns, pixelBytes);
	}

	/** {@link #dicom(int, int, int)} of the transfer syntax {@code syntax}. */
	static byte[] dicom(String syntaxUid, int declaredRows, int columns,
		int pixelBytes)
	{
		return dicom(syntaxUid, 1, null, 16, declaredRows, columns, pixelBytes);
	}

	/**
	 * A minimal DICOM file (explicit VR little endian elements) of
	 * {@code samples} samples of {@code bits} bits a pixel, its photometric
	 * interpretation given when not null, declaring {@code declaredRows} rows and
	 * holding {@code pixelBytes} bytes of pixel data.
	 */
	static byte[] dicom(String syntaxUid, int samples, String photometric,
		int bits, int declaredRows, int columns, int pixelBytes)
	{
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1024 + pixelBytes)
			.order(java.nio.ByteOrder.LITTLE_ENDIAN);
		b.position(128);
		b.put("DICM".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		byte[] syntax = (syntaxUid + (syntaxUid.length() % 2 == 1 ? "\0" : ""))
			.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		b.putShort((short) 2).putShort((short) 0x10).put((byte) 'U').put((byte) 'I')
			.putShort((short) syntax.length).put(syntax);
		us(b, 0x02, samples);
		if (photometric != null) element(b, 0x28, 0x04, "CS", photometric);
		if (samples > 1) us(b, 0x06, 0);
		int[][] us = { { 0x10, declaredRows }, { 0x11, columns }, { 0x100, bits }, {
			0x101, bits }, { 0x102, bits - 1 }, { 0x103, 0 } };
		for (int[] e : us)
			us(b, e[0], e[1]);
		b.putShort((short) 0x7fe0).putShort((short) 0x10).put((byte) 'O').put(
			(byte) (bits == 8 ? 'B' : 'W')).putShort((short) 0).putInt(pixelBytes);
		for (int i = 0; i < pixelBytes / 2; i++)
			b.putShort((short) (i * 7));
		return java.util.Arrays.copyOf(b.array(), b.position());
	}

	/**
	 * The modality LUT (RescaleSlope, RescaleIntercept) is applied, as every
	 * DICOM viewer does: CT in Hounsfield units. ImageJ's reading, without menus,
	 * refused 8- and 16-bit files with a slope or intercept as "not an image
	 * format", and read 32-bit signed pixels as wrong values.
	 */
	@Test
	void dicomPixelsGoThroughTheirRescaleSlopeAndIntercept() throws IOException {
		java.nio.ByteBuffer u16 = java.nio.ByteBuffer.allocate(4).order(
			java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 7).putShort(
				(short) 60000);
		RasterImage scaled = readDicom("u16.dcm", 16, 0, "2", "-100", u16.array());
		assertEquals(PixelType.FLOAT32, scaled.type());
		assertArrayEquals(new float[] { -86, 119900 }, (float[]) scaled.plane(0));
		assertEquals(new Calibration(0.25, 0.5, 1, "mm"), scaled.calibration());
		java.nio.ByteBuffer s16 = java.nio.ByteBuffer.allocate(4).order(
			java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) -5).putShort(
				(short) 2000);
		assertArrayEquals(new float[] { -1029, 976 }, (float[]) readDicom("ct.dcm",
			16, 1, "1", "-1024", s16.array()).plane(0));
		assertArrayEquals(new float[] { 100, 27.5f }, (float[]) readDicom("u8.dcm",
			8, 0, "0.5", "-10", new byte[] { (byte) 220, 75 }).plane(0));
		java.nio.ByteBuffer s32 = java.nio.ByteBuffer.allocate(8).order(
			java.nio.ByteOrder.LITTLE_ENDIAN).putInt(-70000).putInt(123456);
		assertArrayEquals(new float[] { -70000, 123456 }, (float[]) readDicom(
			"s32.dcm", 32, 1, null, null, s32.array()).plane(0));
		// 12 bits stored in 16: the other 4 are not the value (here an overlay's
		// bits), and a signed value is extended from its 12th bit
		java.nio.ByteBuffer u12 = java.nio.ByteBuffer.allocate(4).order(
			java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 0xF123).putShort(
				(short) 0x0FFF);
		assertArrayEquals(new short[] { 0x123, 0xFFF }, (short[]) readDicom(
			"u12.dcm", 16, 12, 0, null, null, u12.array()).plane(0));
		java.nio.ByteBuffer s12 = java.nio.ByteBuffer.allocate(4).order(
			java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 0x0FFB).putShort(
				(short) 5);
		assertArrayEquals(new float[] { -1029, -1019 }, (float[]) readDicom(
			"s12.dcm", 16, 12, 1, "1", "-1024", s12.array()).plane(0));
		// signed 8-bit, which ImageJ has no type for: float, whole or 7 bits stored
		assertArrayEquals(new float[] { -128, 127 }, (float[]) readDicom("s8.dcm",
			8, 1, null, null, new byte[] { (byte) 0x80, 0x7f }).plane(0));
		assertArrayEquals(new float[] { -3 * 2 + 1, 63 * 2 + 1 },
			(float[]) readDicom("s7.dcm", 8, 7, 1, "2", "1", new byte[] { (byte) 0xfd,
				(byte) 0xbf }).plane(0));
		// no slope or intercept: the type is kept
		RasterImage plain = readDicom("plain.dcm", 16, 0, null, null, u16.array());
		assertEquals(PixelType.UINT16, plain.type());
		assertArrayEquals(new short[] { 7, (short) 60000 }, (short[]) plain.plane(
			0));
	}

	/**
	 * A 1x2 DICOM image (explicit VR little endian) of {@code bits}-bit pixels,
	 * pixel spacing 0.5 (rows) by 0.25 mm (columns), read by the codec.
	 */
	private RasterImage readDicom(String name, int bits, int pixelRepresentation,
		String slope, String intercept, byte[] pixels) throws IOException
	{
		return readDicom(name, bits, bits, pixelRepresentation, slope, intercept,
			pixels);
	}

	/** {@link #readDicom}, of {@code stored} bits in cells of {@code bits}. */
	private RasterImage readDicom(String name, int bits, int stored,
		int pixelRepresentation, String slope, String intercept, byte[] pixels)
		throws IOException
	{
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1024 + pixels.length)
			.order(java.nio.ByteOrder.LITTLE_ENDIAN);
		b.position(128);
		b.put("DICM".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		element(b, 2, 0x10, "UI", "1.2.840.10008.1.2.1\0");
		for (int[] e : new int[][] { { 0x02, 1 }, { 0x10, 1 }, { 0x11, 2 } })
			us(b, e[0], e[1]);
		element(b, 0x28, 0x30, "DS", "0.5\\0.25");
		for (int[] e : new int[][] { { 0x100, bits }, { 0x101, stored }, { 0x102,
			stored - 1 }, { 0x103, pixelRepresentation } })
			us(b, e[0], e[1]);
		if (intercept != null) element(b, 0x28, 0x1052, "DS", intercept);
		if (slope != null) element(b, 0x28, 0x1053, "DS", slope);
		b.putShort((short) 0x7fe0).putShort((short) 0x10).put((byte) 'O').put(
			(byte) 'B').putShort((short) 0).putInt(pixels.length).put(pixels);
		Path file = Files.write(dir.resolve(name), java.util.Arrays.copyOf(b
			.array(), b.position()));
		return ImageFileCodec.INSTANCE.read(file, "input");
	}

	/** An element of group 0x28 with VR US. */
	private static void us(java.nio.ByteBuffer b, int element, int value) {
		b.putShort((short) 0x28).putShort((short) element).put((byte) 'U').put(
			(byte) 'S').putShort((short) 2).putShort((short) value);
	}

	/** A text element, padded to even length with a space. */
	private static void element(java.nio.ByteBuffer b, int group, int element,
		String vr, String text)
	{
		String even = text.length() % 2 == 1 ? text + " " : text;
		b.putShort((short) group).putShort((short) element).put(vr.getBytes(
			java.nio.charset.StandardCharsets.US_ASCII)).putShort((short) even
				.length()).put(even.getBytes(
					java.nio.charset.StandardCharsets.US_ASCII));
	}

	/**
	 * ImageJ cannot decode compressed DICOM: it printed its exception and the
	 * transfer syntax on stdout, and the error said only "not an image format".
	 */
	@Test
	void aCompressedDicomIsRefusedNamingItsCompression() throws IOException {
		Path jpeg = Files.write(dir.resolve("jpeg.dcm"), dicom(
			"1.2.840.10008.1.2.4.70", 6, 5, 60));
		assertEquals("input " + jpeg + " is a compressed DICOM file (transfer " +
			"syntax 1.2.840.10008.1.2.4.70, JPEG lossless), which ImageJ's reader " +
			"cannot decode: convert it to uncompressed DICOM (e.g. dcmdjpeg, or " +
			"gdcmconv --raw) or to TIFF", assertThrows(GanException.class,
				() -> ImageFileCodec.INSTANCE.read(jpeg, "input")).getMessage());
		Path rle = Files.write(dir.resolve("rle.dcm"), dicom("1.2.840.10008.1.2.5",
			6, 5, 60));
		assertTrue(assertThrows(GanException.class, () -> ImageFileCodec.INSTANCE
			.read(rle, "input")).getMessage().contains(
				"(transfer syntax 1.2.840.10008.1.2.5, RLE)"));
	}

	@Test
	void aDicomWhosePixelsAreNotAllThereIsRefused() throws IOException {
		Path honest = Files.write(dir.resolve("ok.dcm"), dicom(6, 5, 60));
		RasterImage ok = ImageFileCodec.INSTANCE.read(honest, "input");
		assertEquals(5, ok.width());
		assertEquals(6, ok.height());
		Path lie = Files.write(dir.resolve("lie.dcm"), dicom(30000, 5, 60));
		assertEquals("input " + lie +
			" is truncated or damaged: its DICOM header " +
			"declares 30000x5 pixels of 16 bits (300,000 bytes), but the file holds " +
			"60 bytes of pixel data", assertThrows(GanException.class,
				() -> ImageFileCodec.INSTANCE.read(lie, "input")).getMessage());
		Path cut = Files.write(dir.resolve("cut.dcm"), java.util.Arrays.copyOf(
			dicom(6, 5, 60), dicom(6, 5, 60).length - 20));
		assertTrue(assertThrows(GanException.class, () -> ImageFileCodec.INSTANCE
			.read(cut, "input")).getMessage().endsWith(
				"declares 6x5 pixels of 16 bits (60 bytes), but the file holds 40 " +
					"bytes of pixel data"));
	}

	/**
	 * ImageJ's DICOM reader allocates what an element's length says before it
	 * reads: a fuzzed length ran a 96 MB heap out of memory. A length past the
	 * file's end is refused, naming the element.
	 */
	@Test
	void aDicomElementLongerThanTheFileIsRefusedBeforeImageJReadsIt()
		throws IOException
	{
		byte[] b = dicom(6, 5, 60);
		// (0002,0010) UI: its 2-byte length at 132 + 6
		java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN)
			.putShort(138, (short) 0xfff0);
		Path lie = Files.write(dir.resolve("long.dcm"), b);
		assertEquals("input " + lie + " is truncated or damaged: its DICOM " +
			"element (0002,0010) declares 65,520 bytes, but the file has " +
			(b.length - 140) + " after it", assertThrows(GanException.class,
				() -> ImageFileCodec.INSTANCE.read(lie, "input")).getMessage());
	}

	/**
	 * YBR_FULL_422 colour stores two samples a pixel (two pixels share their
	 * colour samples): its size is counted so, and the file refused for its
	 * colour model, which fiji-gan does not read. It was called truncated.
	 */
	@Test
	void aDicomOfSubsampledColourIsRefusedForItsColourNotItsSize()
		throws IOException
	{
		Path file = Files.write(dir.resolve("ybr422.dcm"), dicom(
			"1.2.840.10008.1.2.1", 3, "YBR_FULL_422", 8, 6, 4, 6 * 4 * 2));
		assertEquals("input " + file + " is a DICOM image of 3 samples per pixel " +
			"of 8 bits (YBR_FULL_422), which fiji-gan does not read: convert it to " +
			"grey or RGB", assertThrows(GanException.class,
				() -> ImageFileCodec.INSTANCE.read(file, "input")).getMessage());
	}

	/**
	 * A DICOM file whose preamble is a TIFF header (a "dual-personality" file, as
	 * pydicom's CT and MR samples) is read as DICOM, as ImageJ reads it, and
	 * checked as DICOM: it was refused as a TIFF whose directory lies beyond its
	 * end, and ImageJ's own reading filled a cut one's missing pixels with zeros.
	 */
	@Test
	void aDicomFileWhosePreambleIsATiffHeaderIsReadAsDicom() throws IOException {
		byte[] b = dicom(6, 5, 60);
		java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).put(
			(byte) 'I').put((byte) 'I').putShort((short) 42).putInt(500_000);
		Path dual = Files.write(dir.resolve("dual.dcm"), b);
		RasterImage r = ImageFileCodec.INSTANCE.read(dual, "input");
		assertEquals(5, r.width());
		assertEquals(6, r.height());
		assertArrayEquals((short[]) ImageFileCodec.INSTANCE.read(Files.write(dir
			.resolve("plain.dcm"), dicom(6, 5, 60)), "input").plane(0), (short[]) r
				.plane(0));
		assertEquals(7 * 29, ((short[]) r.plane(0))[29]);
		Path cut = Files.write(dir.resolve("dualcut.dcm"), java.util.Arrays.copyOf(
			b, b.length - 20));
		assertTrue(assertThrows(GanException.class, () -> ImageFileCodec.INSTANCE
			.read(cut, "input")).getMessage().endsWith(
				"declares 6x5 pixels of 16 bits (60 bytes), but the file holds 40 " +
					"bytes of pixel data"));
	}

	/**
	 * An enhanced (multi-frame) CT keeps its rescale in functional groups: shared
	 * by all frames, or one per frame. Each frame goes through its own; before,
	 * every frame took the last frame's slope and intercept. A rescale that
	 * covers some frames only, and a modality LUT given as a table, are refused.
	 */
	@Test
	void anEnhancedDicomRescalesEachFrameByItsFunctionalGroup()
		throws IOException
	{
		short[] stored = { 100, 200, 300, 400, 500, 600 }; // 3 frames of 1x2
		assertArrayEquals(new float[][] { { 100 - 1024, 200 - 1024 }, { 300 - 1024,
			400 - 1024 }, { 500 - 1024, 600 - 1024 } }, planes(readEnhanced(
				"shared.dcm", stored, new String[][] { { "1", "-1024" } }, null)));
		assertArrayEquals(new float[][] { { 100 - 1024, 200 - 1024 }, { 2 * 300 -
			1014, 2 * 400 - 1014 }, { 3 * 500 - 1004, 3 * 600 - 1004 } }, planes(
				readEnhanced("per-frame.dcm", stored, null, new String[][] { { "1",
					"-1024" }, { "2", "-1014" }, { "3", "-1004" } })));
		// per-frame groups take precedence over the shared ones
		assertArrayEquals(new float[][] { { 50, 100 }, { 150, 200 }, { 250, 300 } },
			planes(readEnhanced("both.dcm", stored, new String[][] { { "1",
				"-1024" } }, new String[][] { { "0.5", "0" }, { "0.5", "0" }, { "0.5",
					"0" } })));
		String partial = assertThrows(GanException.class, () -> readEnhanced(
			"partial.dcm", stored, null, new String[][] { { "1", "-1024" }, { "2",
				"-1014" }, null })).getMessage();
		assertTrue(partial.endsWith("partial.dcm gives a rescale slope and " +
			"intercept (2 and 2) for some of its 3 frames only, so its values " +
			"cannot be known: export it with the rescale applied"), partial);
		assertTrue(assertThrows(GanException.class, () -> readEnhanced("lut.dcm",
			stored, new String[][] { { "MODALITY_LUT" } }, null)).getMessage()
			.contains("through a modality LUT table (Modality LUT Sequence)"));
	}

	private static float[][] planes(RasterImage image) {
		float[][] p = new float[image.planeCount()][];
		for (int i = 0; i < p.length; i++)
			p[i] = (float[]) image.plane(i);
		return p;
	}

	/**
	 * An enhanced CT of 1x2 16-bit frames (explicit VR little endian, sequences
	 * and items of undefined length): {@code shared} a slope and intercept in the
	 * shared functional groups (or, as {@code {"MODALITY_LUT"}}, a Modality LUT
	 * Sequence at the top level instead), {@code perFrame} one per frame (a null
	 * frame has none), each null for none.
	 */
	private RasterImage readEnhanced(String name, short[] stored,
		String[][] shared, String[][] perFrame) throws IOException
	{
		int frames = stored.length / 2;
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096).order(
			java.nio.ByteOrder.LITTLE_ENDIAN);
		b.position(128);
		b.put("DICM".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		element(b, 2, 0x10, "UI", "1.2.840.10008.1.2.1\0");
		us(b, 0x02, 1);
		element(b, 0x28, 0x08, "IS", Integer.toString(frames));
		for (int[] e : new int[][] { { 0x10, 1 }, { 0x11, 2 }, { 0x100, 16 }, {
			0x101, 16 }, { 0x102, 15 }, { 0x103, 0 } })
			us(b, e[0], e[1]);
		boolean lut = shared != null && shared[0][0].equals("MODALITY_LUT");
		if (lut) {
			sequence(b, 0x28, 0x3000);
			item(b);
			us(b, 0x3002, 0); // a LUT descriptor's first value, enough here
			endItem(b);
			endSequence(b);
		}
		else if (shared != null) {
			sequence(b, 0x5200, 0x9229);
			item(b);
			transformation(b, shared[0]);
			endItem(b);
			endSequence(b);
		}
		if (perFrame != null) {
			sequence(b, 0x5200, 0x9230);
			for (String[] frame : perFrame) {
				item(b);
				if (frame != null) transformation(b, frame);
				endItem(b);
			}
			endSequence(b);
		}
		b.putShort((short) 0x7fe0).putShort((short) 0x10).put((byte) 'O').put(
			(byte) 'W').putShort((short) 0).putInt(2 * stored.length);
		for (short v : stored)
			b.putShort(v);
		Path file = Files.write(dir.resolve(name), java.util.Arrays.copyOf(b
			.array(), b.position()));
		return ImageFileCodec.INSTANCE.read(file, "input");
	}

	/** A Pixel Value Transformation Sequence of one item: slope, intercept. */
	private static void transformation(java.nio.ByteBuffer b, String[] rescale) {
		sequence(b, 0x28, 0x9145);
		item(b);
		element(b, 0x28, 0x1052, "DS", rescale[1]);
		element(b, 0x28, 0x1053, "DS", rescale[0]);
		element(b, 0x28, 0x1054, "LO", "HU");
		endItem(b);
		endSequence(b);
	}

	private static void sequence(java.nio.ByteBuffer b, int group, int element) {
		b.putShort((short) group).putShort((short) element).put((byte) 'S').put(
			(byte) 'Q').putShort((short) 0).putInt(-1);
	}

	private static void item(java.nio.ByteBuffer b) {
		b.putShort((short) 0xfffe).putShort((short) 0xe000).putInt(-1);
	}

	private static void endItem(java.nio.ByteBuffer b) {
		b.putShort((short) 0xfffe).putShort((short) 0xe00d).putInt(0);
	}

	private static void endSequence(java.nio.ByteBuffer b) {
		b.putShort((short) 0xfffe).putShort((short) 0xe0dd).putInt(0);
	}
}
