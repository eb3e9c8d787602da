
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.fijigan.core.GanException;
import org.fijigan.core.image.ImageFileCheckTest.Tiff;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TIFFs compressed with JPEG, whose strips or tiles fiji-gan decodes itself
 * (ImageJ's reader decoded them wrongly, and fiji-gan refused them): built here
 * from JPEG streams that ImageIO writes, and compared with what ImageIO reads
 * of those streams alone.
 */
class TiffJpegTest {

	@TempDir
	Path dir;

	/** A seeded image of smooth ramps and some texture. */
	private static BufferedImage image(int w, int h, int type, int seed) {
		BufferedImage b = new BufferedImage(w, h, type);
		java.util.Random random = new java.util.Random(seed);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int r = (7 * x + 3 * y + random.nextInt(20)) % 256, g = (5 * y + 200 -
					x) & 0xff, bl = (x * y + random.nextInt(9)) % 256;
				b.setRGB(x, y, 0xff000000 | r << 16 | g << 8 | bl);
			}
		return b;
	}

	private static byte[] jpeg(BufferedImage image) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertTrue(ImageIO.write(image, "jpeg", out));
		return out.toByteArray();
	}

	/**
	 * A full JPEG stream split as a TIFF writer shares tables: its quantisation
	 * and Huffman tables (between a start and an end marker), and the rest.
	 */
	private static byte[][] abbreviate(byte[] full) {
		ByteArrayOutputStream tables = new ByteArrayOutputStream(), rest =
			new ByteArrayOutputStream();
		tables.write(0xff);
		tables.write(0xd8);
		rest.write(0xff);
		rest.write(0xd8);
		int i = 2;
		while (true) {
			int marker = full[i + 1] & 0xff;
			if (marker == 0xda) {
				rest.write(full, i, full.length - i);
				break;
			}
			int length = (full[i + 2] & 0xff) << 8 | full[i + 3] & 0xff;
			(marker == 0xdb || marker == 0xc4 ? tables : rest).write(full, i, 2 +
				length);
			i += 2 + length;
		}
		tables.write(0xff);
		tables.write(0xd9);
		return new byte[][] { tables.toByteArray(), rest.toByteArray() };
	}

	private static long[] bytesOf(byte[] b) {
		long[] v = new long[b.length];
		for (int i = 0; i < b.length; i++)
			v[i] = b[i] & 0xff;
		return v;
	}

	@Test
	void aGreyTiffOfJpegStripsReadsAsEachStripDecodes() throws IOException {
		int w = 24, h = 16, rows = 10;
		BufferedImage top = image(w, rows, BufferedImage.TYPE_BYTE_GRAY, 1),
				bottom = image(w, h - rows, BufferedImage.TYPE_BYTE_GRAY, 2);
		byte[] a = jpeg(top), b = jpeg(bottom);
		byte[] data = new byte[a.length + b.length];
		System.arraycopy(a, 0, data, 0, a.length);
		System.arraycopy(b, 0, data, a.length, b.length);
		for (ByteOrder order : new ByteOrder[] { ByteOrder.BIG_ENDIAN,
			ByteOrder.LITTLE_ENDIAN })
		{
			Tiff tiff = new Tiff(false, order).tag(256, 3, w).tag(257, 3, h).tag(258,
				3, 8).tag(259, 3, 7).tag(262, 3, 1).tag(273, 4, 0, a.length).tag(277, 3,
					1).tag(278, 3, rows).tag(279, 4, a.length, b.length).data(data);
			Path file = Files.write(dir.resolve("strips.tif"), tiff.bytes());

			RasterImage r = ImageFileCodec.INSTANCE.read(file, "input");

			assertEquals(List.of(w, h, 1), List.of(r.width(), r.height(), r
				.planeCount()));
			assertEquals(PixelType.UINT8, r.type());
			byte[] expected = new byte[w * h];
			ImageIO.read(new ByteArrayInputStream(a)).getRaster().getDataElements(0,
				0, w, rows, expected);
			byte[] lower = new byte[w * (h - rows)];
			ImageIO.read(new ByteArrayInputStream(b)).getRaster().getDataElements(0,
				0, w, h - rows, lower);
			System.arraycopy(lower, 0, expected, w * rows, lower.length);
			assertArrayEquals(expected, (byte[]) r.plane(0), order.toString());
		}
	}

	/**
	 * Colour tiles with shared tables: 40x24 pixels in tiles of 16x16, the edge
	 * tiles' parts beyond the image left out. Each stream is JFIF YCbCr, so it is
	 * converted whether the TIFF says YCbCr (6) or RGB (2), as libjpeg decides by
	 * the stream.
	 */
	@Test
	void aColourTiffOfJpegTilesWithSharedTablesReadsAsEachTileDecodes()
		throws IOException
	{
		int w = 40, h = 24, tile = 16, across = 3, down = 2;
		byte[] tables = null;
		ByteArrayOutputStream data = new ByteArrayOutputStream();
		long[] offsets = new long[across * down], counts = new long[across * down];
		int[] expected = new int[w * h];
		for (int t = 0; t < across * down; t++) {
			byte[][] split = abbreviate(jpeg(image(tile, tile,
				BufferedImage.TYPE_INT_RGB, 10 + t)));
			if (tables == null) tables = split[0];
			assertArrayEquals(tables, split[0]); // ImageIO's default tables
			offsets[t] = data.size();
			counts[t] = split[1].length;
			data.write(split[1]);
			BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(TiffJpeg
				.stream(tables, split[1])));
			for (int y = 0; y < tile; y++)
				for (int x = 0; x < tile; x++) {
					int gx = t % across * tile + x, gy = t / across * tile + y;
					if (gx < w && gy < h) expected[gy * w + gx] = decoded.getRGB(x, y) &
						0xffffff;
				}
		}
		for (int photometric : new int[] { 6, 2 }) {
			Tiff tiff = new Tiff(false, ByteOrder.LITTLE_ENDIAN).tag(256, 3, w).tag(
				257, 3, h).tag(258, 3, 8, 8, 8).tag(259, 3, 7).tag(262, 3, photometric)
				.tag(277, 3, 3).tag(322, 3, tile).tag(323, 3, tile).tag(324, 4, offsets)
				.tag(325, 4, counts).tag(347, 7, bytesOf(tables)).data(data
					.toByteArray());
			Path file = Files.write(dir.resolve("tiles.tif"), tiff.bytes());

			RasterImage r = ImageFileCodec.INSTANCE.read(file, "input");

			assertEquals(List.of(w, h, 1), List.of(r.width(), r.height(), r
				.planeCount()));
			assertEquals(PixelType.RGB, r.type());
			int[] got = ((int[]) r.plane(0)).clone();
			for (int i = 0; i < got.length; i++)
				got[i] &= 0xffffff;
			assertArrayEquals(expected, got, "photometric " + photometric);
		}
	}

	/** RGB stored as three planes: one grey JPEG stream a plane. */
	@Test
	void anRgbTiffOfJpegPlanesReadsEachPlaneAsItsChannel() throws IOException {
		int w = 20, h = 12;
		ByteArrayOutputStream data = new ByteArrayOutputStream();
		long[] offsets = new long[3], counts = new long[3];
		int[] expected = new int[w * h];
		for (int c = 0; c < 3; c++) {
			byte[] plane = jpeg(image(w, h, BufferedImage.TYPE_BYTE_GRAY, 20 + c));
			offsets[c] = data.size();
			counts[c] = plane.length;
			data.write(plane);
			byte[] grey = new byte[w * h];
			ImageIO.read(new ByteArrayInputStream(plane)).getRaster().getDataElements(
				0, 0, w, h, grey);
			for (int i = 0; i < grey.length; i++)
				expected[i] |= (grey[i] & 0xff) << 8 * (2 - c);
		}
		Tiff tiff = new Tiff(true, ByteOrder.BIG_ENDIAN).tag(256, 3, w).tag(257, 3,
			h).tag(258, 3, 8, 8, 8).tag(259, 3, 7).tag(262, 3, 2).tag(273, 16,
				offsets).tag(277, 3, 3).tag(278, 3, h).tag(279, 16, counts).tag(284, 3,
					2).data(data.toByteArray());
		Path file = Files.write(dir.resolve("planes.tif"), tiff.bytes());

		RasterImage r = ImageFileCodec.INSTANCE.read(file, "input");

		assertEquals(PixelType.RGB, r.type());
		int[] got = ((int[]) r.plane(0)).clone();
		for (int i = 0; i < got.length; i++)
			got[i] &= 0xffffff;
		assertArrayEquals(expected, got);
	}

	/** libjpeg's rule: Adobe's transform, else JFIF, else the component ids. */
	@Test
	void theStreamSaysWhetherItsColoursAreYCbCr() {
		byte[] adobe0 = { (byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xee, 0, 14,
			'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0 };
		byte[] adobe1 = adobe0.clone();
		adobe1[17] = 1;
		byte[] jfif = { (byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16,
			'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
		byte[] rgbIds = frame('R', 'G', 'B'), numbered = frame(1, 2, 3);
		assertFalse(TiffJpeg.isYCbCr(null, adobe0));
		assertTrue(TiffJpeg.isYCbCr(null, adobe1));
		assertTrue(TiffJpeg.isYCbCr(null, jfif));
		assertFalse(TiffJpeg.isYCbCr(null, rgbIds));
		assertTrue(TiffJpeg.isYCbCr(null, numbered));
		assertFalse(TiffJpeg.isYCbCr(adobe0, numbered)); // the tables' marker
																											// counts
		assertTrue(TiffJpeg.isYCbCr(null, new byte[] { (byte) 0xff, (byte) 0xd8 }));
	}

	/** SOI and a baseline frame header of 3 components with these ids. */
	private static byte[] frame(int... ids) {
		byte[] b = { (byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xc0, 0, 17, 8,
			0, 16, 0, 16, 3, (byte) ids[0], 0x22, 0, (byte) ids[1], 0x11, 1,
			(byte) ids[2], 0x11, 1 };
		return b;
	}

	@Test
	void jfifsYCbCrBecomesRgbAsLibjpegComputesIt() {
		int[][] cases = { { 128, 128, 128, 128, 128, 128 }, { 0, 128, 128, 0, 0,
			0 }, { 255, 128, 128, 255, 255, 255 }, { 76, 85, 255, 254, 0, 0 }, { 150,
				44, 21, 0, 255, 1 }, { 29, 255, 107, 0, 0, 254 }, { 100, 200, 50, 0,
					131, 228 } };
		for (int[] c : cases) {
			int[] v = { c[0], c[1], c[2] };
			TiffJpeg.toRgb(v, 0);
			// R = Y + 1.402 (Cr - 128), G = Y - 0.34414 (Cb - 128) - 0.71414 (Cr -
			// 128), B = Y + 1.772 (Cb - 128), rounded and clamped
			int[] want = { c[3], c[4], c[5] };
			assertArrayEquals(want, v, Arrays.toString(c));
		}
	}

	/**
	 * A strip whose JPEG frame is larger than the strip is refused before it is
	 * decoded: a 16x16 page's strip declaring 30000x30000.
	 */
	@Test
	void aJpegStripLargerThanItsStripIsRefusedBeforeDecoding()
		throws IOException
	{
		byte[] a = jpeg(image(16, 16, BufferedImage.TYPE_BYTE_GRAY, 4));
		int sof = 2;
		while ((a[sof + 1] & 0xff) != 0xc0)
			sof += 2 + ((a[sof + 2] & 0xff) << 8 | a[sof + 3] & 0xff);
		a[sof + 5] = a[sof + 7] = (byte) (30000 >> 8);
		a[sof + 6] = a[sof + 8] = (byte) (30000 & 0xff);
		assertArrayEquals(new int[] { 30000, 30000 }, TiffJpeg.frameSize(a));
		Tiff tiff = new Tiff(false, ByteOrder.LITTLE_ENDIAN).tag(256, 3, 16).tag(
			257, 3, 16).tag(258, 3, 8).tag(259, 3, 7).tag(262, 3, 1).tag(273, 4, 0)
			.tag(277, 3, 1).tag(278, 3, 16).tag(279, 4, a.length).data(a);
		Path file = Files.write(dir.resolve("big-frame.tif"), tiff.bytes());
		GanException e = assertThrows(GanException.class,
			() -> ImageFileCodec.INSTANCE.read(file, "input"));
		assertEquals("input " + file + " is damaged: its strip 1 is a JPEG of " +
			"30000x30000 pixels, larger than its 16x16", e.getMessage());
	}

	@Test
	void aJpegStripThatIsNotJpegIsRefusedInOneLine() throws IOException {
		byte[] junk = new byte[400];
		new java.util.Random(3).nextBytes(junk);
		Tiff tiff = new Tiff(false, ByteOrder.BIG_ENDIAN).tag(256, 3, 16).tag(257,
			3, 16).tag(258, 3, 8).tag(259, 3, 7).tag(262, 3, 1).tag(273, 4, 0).tag(
				277, 3, 1).tag(278, 3, 16).tag(279, 4, junk.length).data(junk);
		Path file = Files.write(dir.resolve("junk.tif"), tiff.bytes());
		GanException e = assertThrows(GanException.class,
			() -> ImageFileCodec.INSTANCE.read(file, "input"));
		assertEquals(1, e.getMessage().lines().count(), e.getMessage());
		assertTrue(e.getMessage().startsWith("input " + file +
			" is damaged: its strip 1 cannot be decoded as JPEG: "), e.getMessage());
	}
}
