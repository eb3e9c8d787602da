
package org.fijigan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.fijigan.core.GanException;
import org.fijigan.testing.PngBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image files that lie about their size, built byte by byte: each is refused
 * with one line naming the file and the reason, before a reader allocates what
 * the header declares; the honest versions of the same files pass.
 */
public class ImageFileCheckTest {

	@TempDir
	Path dir;

	/**
	 * A TIFF of one image directory, classic or BigTIFF, in either byte order.
	 */
	public static final class Tiff {

		final boolean big;
		final ByteOrder order;
		final List<long[]> entries = new ArrayList<>(); // tag, type, values...
		byte[] data = new byte[0];

		public Tiff(boolean big, ByteOrder order) {
			this.big = big;
			this.order = order;
		}

		/**
		 * {@code type} 3 SHORT, 4 LONG, 16 LONG8, 2 ASCII (values are the bytes), 5
		 * RATIONAL (values are numerator, denominator, ...).
		 */
		public Tiff tag(int tag, int type, long... values) {
			long[] e = new long[values.length + 2];
			e[0] = tag;
			e[1] = type;
			System.arraycopy(values, 0, e, 2, values.length);
			entries.add(e);
			return this;
		}

		/** The bytes after the directory, where offsets 273 and 324 point. */
		public Tiff data(byte[] bytes) {
			data = bytes;
			return this;
		}

		Tiff text(int tag, String s) {
			byte[] b = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
			long[] v = new long[b.length];
			for (int i = 0; i < b.length; i++)
				v[i] = b[i];
			return tag(tag, 2, v);
		}

		/**
		 * The file; the values of tags 273 and 324 (strip and tile offsets) are
		 * taken relative to the start of {@link #data}, which follows the directory
		 * and its external values.
		 */
		public byte[] bytes() {
			entries.sort((a, b) -> Long.compare(a[0], b[0]));
			int head = big ? 16 : 8, countBytes = big ? 8 : 2, entryBytes = big ? 20
				: 12, next = big ? 8 : 4, inline = big ? 8 : 4;
			int ifdEnd = head + countBytes + entries.size() * entryBytes + next;
			int external = 0;
			for (long[] e : entries) {
				int n = (e.length - 2) * size((int) e[1]);
				if (n > inline) external += n;
			}
			int dataAt = ifdEnd + external;
			ByteBuffer b = ByteBuffer.allocate(dataAt + data.length).order(order);
			b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
			b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
			if (big) b.putShort((short) 43).putShort((short) 8).putShort((short) 0)
				.putLong(head);
			else b.putShort((short) 42).putInt(head);
			if (big) b.putLong(entries.size());
			else b.putShort((short) entries.size());
			int ext = ifdEnd;
			for (long[] e : entries) {
				int type = (int) e[1], n = e.length - 2, bytes = n * size(type);
				b.putShort((short) e[0]).putShort((short) type);
				int count = type == 5 ? n / 2 : n;
				if (big) b.putLong(count);
				else b.putInt(count);
				int valuesAt = bytes > inline ? ext : b.position();
				int keep = b.position();
				for (int i = 0; i < n; i++) {
					long v = e[i + 2] + (e[0] == 273 || e[0] == 324 ? dataAt : 0);
					put(b, valuesAt + i * size(type), type, v);
				}
				if (bytes > inline) {
					if (big) b.putLong(keep, ext);
					else b.putInt(keep, ext);
					ext += bytes;
				}
				b.position(keep + inline);
			}
			if (big) b.putLong(0);
			else b.putInt(0);
			b.position(dataAt);
			b.put(data);
			return b.array();
		}

		static int size(int type) {
			return switch (type) {
				case 3 -> 2;
				case 4, 5 -> 4; // a RATIONAL's halves
				case 16 -> 8;
				default -> 1;
			};
		}

		static void put(ByteBuffer b, int at, int type, long v) {
			switch (type) {
				case 3 -> b.putShort(at, (short) v);
				case 4, 5 -> b.putInt(at, (int) v);
				case 16 -> b.putLong(at, v);
				default -> b.put(at, (byte) v);
			}
		}
	}

	/**
	 * An uncompressed 8-bit grey image of w x h pixels in one strip, with its
	 * pixels.
	 */
	public static Tiff grey(boolean big, ByteOrder order, long w, long h,
		int stripBytes, byte[] pixels)
	{
		int offsetType = big ? 16 : 4;
		Tiff t = new Tiff(big, order).tag(256, 4, w).tag(257, 4, h).tag(258, 3, 8)
			.tag(259, 3, 1).tag(262, 3, 1).tag(273, offsetType, 0).tag(277, 3, 1).tag(
				278, 4, h).tag(279, offsetType, stripBytes);
		t.data = pixels;
		return t;
	}

	/**
	 * An uncompressed BMP with a 40-byte information header: {@code w x h} pixels
	 * of {@code depth} bits, rows padded to four bytes, {@code rows} of them
	 * written.
	 */
	static byte[] bmp(int w, int h, int depth, int rows) {
		int row = (w * depth + 31) / 32 * 4;
		ByteBuffer b = ByteBuffer.allocate(54 + row * rows).order(
			ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'B').put((byte) 'M').putInt(54 + row * h).putInt(0).putInt(54);
		b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) depth)
			.putInt(0).putInt(row * h).putInt(2835).putInt(2835).putInt(0).putInt(0);
		return b.array();
	}

	/** ImageJ's reader filled a cut PGM's missing half with zeros. */
	@Test
	void aPgmOrPpmCutShortOrLyingIsRefusedAndWholeOnesPass() throws IOException {
		byte[] head = "P5\n# a comment\n33 20\n255\n".getBytes(
			StandardCharsets.US_ASCII);
		byte[] whole = Arrays.copyOf(head, head.length + 33 * 20);
		ImageFileCheck.check(write("whole.pgm", whole), "input");
		ImageFileCheck.check(write("text.pgm", "P2 3 2 65535\n1 2 3\n4 5 6\n"
			.getBytes(StandardCharsets.US_ASCII)), "input");
		ImageFileCheck.check(write("bits.pbm", Arrays.copyOf("P4 9 2\n".getBytes(
			StandardCharsets.US_ASCII), 7 + 4)), "input");
		assertEquals("input " + dir.resolve("cut.pgm") + " is truncated: its " +
			"header declares 33x20 pixels, which need 660 bytes of pixels, but the " +
			"file holds 330 after its header", refusal(write("cut.pgm", Arrays.copyOf(
				whole, head.length + 330))));
		assertTrue(refusal(write("huge.ppm", "P6 100000 100000 65535\n0".getBytes(
			StandardCharsets.US_ASCII))).contains("need 60,000,000,000 bytes"));
		assertTrue(refusal(write("short.pgm", "P2 3 2 255\n1 2 3\n".getBytes(
			StandardCharsets.US_ASCII))).contains("bytes of text"));
		assertTrue(refusal(write("header.pgm", "P5 33 ".getBytes(
			StandardCharsets.US_ASCII))).contains("inside its header"));
	}

	@Test
	void aBmpCutShortOrLyingIsRefusedAndAWholeOnePasses() throws IOException {
		ImageFileCheck.check(write("whole.bmp", bmp(33, 20, 24, 20)), "input");
		// 33 pixels of 24 bits: 99 bytes, padded to 100 a row
		assertEquals("input " + dir.resolve("cut.bmp") + " is truncated: its " +
			"header declares 33x20 pixels of 24 bits (2,000 bytes from byte 54), " +
			"but the file ends at byte 1,054", refusal(write("cut.bmp", bmp(33, 20,
				24, 10))));
		assertTrue(refusal(write("huge.bmp", bmp(100000, 100000, 32, 1))).contains(
			"declares 100000x100000 pixels of 32 bits (40,000,000,000 " + "bytes"));
		assertTrue(refusal(write("zero.bmp", bmp(0, 20, 8, 0))).contains(
			"is damaged or not a valid BMP: its header declares 0x20 pixels"));
		assertTrue(refusal(write("depth.bmp", bmp(8, 8, 7, 8))).contains(
			"declares 7 bits per pixel"));
		assertTrue(refusal(write("header.bmp", Arrays.copyOf(bmp(8, 8, 8, 8), 30)))
			.contains("inside its information header"));
	}

	/**
	 * A run-length coded BMP (RLE8, or RLE4 at depth 4) of 8x3 pixels with these
	 * codes after its headers and palette.
	 */
	static byte[] rleBmp(int depth, int... codes) {
		byte[] plain = bmp(8, 3, depth, 0);
		ByteBuffer b = ByteBuffer.allocate(plain.length + (4 << depth) +
			codes.length).order(ByteOrder.LITTLE_ENDIAN);
		b.put(plain);
		b.putInt(10, plain.length + (4 << depth)).putInt(30, depth == 8 ? 1 : 2)
			.putInt(34, codes.length);
		b.position(plain.length + (4 << depth));
		for (int c : codes)
			b.put((byte) c);
		return b.array();
	}

	/** ImageJ filled what a cut run-length coded BMP lacks with zeros. */
	@Test
	void aRunLengthCodedBmpCutBeforeItsEndIsRefused() throws IOException {
		// RLE8: a run of 8, an end of line; 3 literal pixels padded, a run of 5;
		// a move of (2, 0), a run of 6; the end of the bitmap
		int[] rle8 = { 8, 9, 0, 0, 0, 3, 1, 2, 3, 0, 5, 4, 0, 0, 0, 2, 2, 0, 6, 7,
			0, 1 };
		ImageFileCheck.check(write("rle8.bmp", rleBmp(8, rle8)), "input");
		for (int keep : new int[] { 20, 7, 16 }) // before the end, inside the
			// literals, inside the move
			assertTrue(refusal(write("rle8-cut.bmp", rleBmp(8, Arrays.copyOf(rle8,
				keep)))).contains("is truncated: its run-length coded pixels end at " +
					"byte "), "cut after " + keep);
		// RLE4: 5 literal nibbles (3 bytes, padded to 4), a run of 3, the end
		int[] rle4 = { 0, 5, 0x12, 0x34, 0x50, 0, 3, 0x77, 0, 1 };
		ImageFileCheck.check(write("rle4.bmp", rleBmp(4, rle4)), "input");
		assertTrue(refusal(write("rle4-cut.bmp", rleBmp(4, Arrays.copyOf(rle4, 4))))
			.contains("before their end-of-bitmap code"));
		// readers read as many coded bytes as the header says (ImageIO printed
		// an EOFException or a NegativeArraySizeException on standard output)
		byte[] lying = rleBmp(8, rle8);
		ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(34, 1 << 30);
		assertTrue(refusal(write("rle8-size.bmp", lying)).contains(
			"its header declares 1,073,741,824 bytes of run-length coded pixels " +
				"from byte "));
		ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(34, 10);
		assertTrue(refusal(write("rle8-short.bmp", lying)).contains(
			"run-length coded pixels end at byte "));
		byte[] rle8on4 = rleBmp(8, rle8);
		ByteBuffer.wrap(rle8on4).order(ByteOrder.LITTLE_ENDIAN).putShort(28,
			(short) 4);
		assertTrue(refusal(write("rle8-on-4.bmp", rle8on4)).endsWith(
			"its header declares run-length coding for 8-bit pixels (compression " +
				"1) over 4-bit pixels"));
		byte[] v64 = bmp(8, 3, 24, 3);
		ByteBuffer.wrap(v64).order(ByteOrder.LITTLE_ENDIAN).putInt(14, 64);
		assertTrue(refusal(write("header64.bmp", v64)).endsWith(
			"its information header has length 64; ImageIO reads 12, 40, 52, 56, " +
				"108 and 124"));
		byte[] unknown = bmp(8, 3, 24, 3);
		ByteBuffer.wrap(unknown).order(ByteOrder.LITTLE_ENDIAN).putInt(30, 9);
		assertTrue(refusal(write("compression9.bmp", unknown)).endsWith(
			"its header declares compression 9, which BMP does not have (0 to 6)"));
	}

	/**
	 * What each format's pixels take in memory once read, as ImageJ holds them
	 * (twice for what ImageIO decodes and ImageJ copies: PNG, JPEG, GIF; a BMP's
	 * decoding and ImageJ's RGB copy; three times for a PNG with alpha), for the
	 * codec to refuse a file that would not fit before reading it.
	 */
	@Test
	void eachFormatSaysWhatItsPixelsTakeInMemory() throws IOException {
		byte[] grey = new byte[4 * (1 + 5)], rgb16 = new byte[4 * (1 + 5 * 6)];
		assertEquals(40, ImageFileCheck.check(write("g.png", PngBytes.png(5, 4, 0,
			8, new byte[0], PngBytes.deflate(grey))), "input").pixelBytes());
		assertEquals(240, ImageFileCheck.check(write("c16.png", PngBytes.png(5, 4,
			2, 16, new byte[0], PngBytes.deflate(rgb16))), "input").pixelBytes());
		// with alpha, three times: fiji-gan decodes the samples beside ImageJ's
		// image (RGBA as RGB ints)
		byte[] rgba = new byte[4 * (1 + 5 * 4)];
		assertEquals(240, ImageFileCheck.check(write("a.png", PngBytes.png(5, 4, 6,
			8, new byte[0], PngBytes.deflate(rgba))), "input").pixelBytes());
		byte[] palette = PngBytes.chunk("PLTE", new byte[] { 0, 0, 0, 9, 9, 9 });
		assertEquals(160, ImageFileCheck.check(write("p.png", PngBytes.png(5, 4, 3,
			8, palette, PngBytes.deflate(grey))), "input").pixelBytes());
		assertEquals(33 * 20 * 8, ImageFileCheck.check(write("c.bmp", bmp(33, 20,
			24, 20)), "input").pixelBytes());
		byte[] g = bmp(33, 20, 8, 20), withPalette = new byte[g.length + 1024];
		System.arraycopy(g, 0, withPalette, 0, 54);
		System.arraycopy(g, 54, withPalette, 54 + 1024, g.length - 54);
		ByteBuffer.wrap(withPalette).order(ByteOrder.LITTLE_ENDIAN).putInt(10, 54 +
			1024);
		assertEquals(33 * 20 * 5, ImageFileCheck.check(write("g.bmp", withPalette),
			"input").pixelBytes());
		// without its colour table ImageJ printed "Scan line ended prematurely"
		assertTrue(refusal(write("nopalette.bmp", g)).endsWith("its 8-bit pixels " +
			"have no colour table before their data (from byte 54)"));
		// ImageIO reads as many colours as the header declares: 8,388,608 took 48 s
		ByteBuffer.wrap(withPalette).order(ByteOrder.LITTLE_ENDIAN).putInt(46,
			1 << 23);
		assertTrue(refusal(write("colours.bmp", withPalette)).endsWith(
			"its header " +
				"declares a colour table of 8,388,608 colours for 8-bit pixels, which " +
				"can use 256"));
		byte[] rgb = bmp(33, 20, 24, 20);
		ByteBuffer.wrap(rgb).order(ByteOrder.LITTLE_ENDIAN).putInt(46, 2);
		assertTrue(refusal(write("rgbcolours.bmp", rgb)).endsWith("its header " +
			"declares a colour table of 2 colours (8 bytes), more than the 0 bytes " +
			"before its pixel data"));
		byte[] head = "P6 33 20 65535\n".getBytes(StandardCharsets.US_ASCII);
		assertEquals(33 * 20 * 6, ImageFileCheck.check(write("c16.ppm", Arrays
			.copyOf(head, head.length + 33 * 20 * 6)), "input").pixelBytes());
		assertEquals(50 * 40 * 2, ImageFileCheck.check(write("ok.fits", fits(2, 50,
			40)), "input").pixelBytes());
		java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 30,
			java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		java.io.ByteArrayOutputStream gif = new java.io.ByteArrayOutputStream();
		assertTrue(javax.imageio.ImageIO.write(img, "gif", gif));
		assertEquals(40 * 30 * 8, ImageFileCheck.check(write("g.gif", gif
			.toByteArray()), "input").pixelBytes());
		assertEquals(0, ImageFileCheck.check(write("text.txt", "not an image"
			.getBytes(StandardCharsets.US_ASCII)), "input").pixelBytes());
	}

	Path write(String name, byte[] bytes) throws IOException {
		return Files.write(dir.resolve(name), bytes);
	}

	/** What the check found of a TIFF that passed. */
	static ImageFileCheck.Findings.Tiff tiff(Path file) {
		return (ImageFileCheck.Findings.Tiff) ImageFileCheck.check(file, "input");
	}

	String refusal(Path file) {
		GanException e = assertThrows(GanException.class, () -> ImageFileCheck
			.check(file, "input"));
		assertEquals(1, e.getMessage().lines().count(), e.getMessage());
		assertTrue(e.getMessage().startsWith("input " + file + " is "), e
			.getMessage());
		return e.getMessage();
	}

	/**
	 * A plane of more pixels than one Java array holds is refused once the file
	 * is known to be sound. ImageJ's reader failed on it with a negative array
	 * size, and the user read "not an image format". The file's 50,000 strips of
	 * one row all lie on the same 50,000 bytes, as a legitimate file's can.
	 */
	@Test
	void aPlaneLargerThanOneJavaArrayIsRefused() throws IOException {
		int side = 50000;
		for (boolean big : new boolean[] { false, true }) {
			long[] offsets = new long[side], counts = new long[side];
			Arrays.fill(counts, side);
			Tiff t = new Tiff(big, ByteOrder.LITTLE_ENDIAN).tag(256, 4, side).tag(257,
				4, side).tag(258, 3, 8).tag(259, 3, 1).tag(262, 3, 1).tag(273, 4,
					offsets).tag(277, 3, 1).tag(278, 4, 1).tag(279, 4, counts);
			t.data = new byte[side];
			Path f = write(big ? "huge.btf" : "huge.tif", t.bytes());
			assertEquals("input " + f + " is 50000x50000 pixels a plane " +
				"(2,500,000,000), more than fiji-gan holds in one plane " +
				"(2,147,483,639): crop it or cut it into pieces first", refusal(f));
		}
		ImageFileCheck.requirePlaneFits("input", 46340, 46340); // 2,147,395,600
		assertThrows(GanException.class, () -> ImageFileCheck.requirePlaneFits(
			"input", 46341, 46341)); // 2,147,488,281
	}

	/**
	 * A resolution tag whose values lie outside the file leaves the pixel size
	 * out; the image itself is sound and passes, as it did before the check read
	 * resolutions.
	 */
	@Test
	void aPixelSizeOutsideTheFileIsLeftOut() throws IOException {
		byte[] pixels = new byte[6 * 4];
		byte[] tiff = grey(false, ByteOrder.LITTLE_ENDIAN, 6, 4, pixels.length,
			pixels).tag(282, 5, 4, 1).tag(283, 5, 5, 2).bytes();
		// entries sorted by tag: 282 is the tenth; its value offset moved past
		// the end
		ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN).putInt(8 + 2 + 9 * 12 +
			8, 1 << 30);
		ImageFileCheck.check(write("far.tif", tiff), "input"); // no exception
	}

	@Test
	void honestTiffsPassInEveryByteOrderAndBothHeaders() throws IOException {
		byte[] pixels = new byte[64 * 48];
		new Random(1).nextBytes(pixels);
		for (boolean big : new boolean[] { false, true })
			for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN,
				ByteOrder.BIG_ENDIAN })
			{
				Path f = write("ok.tif", grey(big, order, 64, 48, pixels.length, pixels)
					.bytes());
				ImageFileCheck.check(f, "input"); // no exception
			}
	}

	@Test
	void aTiny186ByteTiffClaiming4000x4000IsRefusedInEveryVariant()
		throws IOException
	{
		for (boolean big : new boolean[] { false, true })
			for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN,
				ByteOrder.BIG_ENDIAN })
			{
				byte[] b = grey(big, order, 4000, 4000, 16_000_000, new byte[40])
					.bytes();
				Path f = write("lie.tif", b);
				String m = refusal(f);
				assertTrue(m.contains(
					"is truncated or damaged: image 1 (4000x4000, 8 bits per pixel) " +
						"needs 16,000,000 bytes of pixels in strip 1 from byte "), m);
				assertTrue(m.endsWith("but the file ends at byte " + String.format(
					"%,d", b.length)), m);
			}
	}

	@Test
	void aTiffCutInHalfIsRefused() throws IOException {
		byte[] pixels = new byte[64 * 64];
		byte[] whole = grey(false, ByteOrder.LITTLE_ENDIAN, 64, 64, pixels.length,
			pixels).bytes();
		Path f = write("half.tif", Arrays.copyOf(whole, whole.length / 2));
		assertTrue(refusal(f).contains("needs 4,096 bytes of pixels in strip 1"));
	}

	@Test
	void aStripSmallerThanItsRowsIsRefused() throws IOException {
		byte[] pixels = new byte[64 * 64];
		Path f = write("short-strip.tif", grey(false, ByteOrder.BIG_ENDIAN, 64, 64,
			100, pixels).bytes());
		assertTrue(refusal(f).endsWith(
			"its strip 1 holds 100 bytes where its pixels need 4,096"));
	}

	@Test
	void aStripOrTileListThatIsTooShortIsRefused() throws IOException {
		// 64 rows in strips of 16 rows need four strips; the file lists one
		Tiff t = grey(false, ByteOrder.LITTLE_ENDIAN, 64, 64, 1024, new byte[64 *
			64]);
		t.entries.removeIf(e -> e[0] == 278);
		t.tag(278, 3, 16);
		assertTrue(refusal(write("strips.tif", t.bytes())).contains(
			"needs 4 strips but lists 1"));
	}

	@Test
	void tiledTiffsAreCheckedTileByTile() throws IOException {
		// 40x20 in 16x16 tiles: 3 x 2 tiles of 256 bytes
		long[] offsets = new long[6], counts = new long[6];
		for (int i = 0; i < 6; i++) {
			offsets[i] = 256L * i;
			counts[i] = 256;
		}
		Tiff t = new Tiff(true, ByteOrder.BIG_ENDIAN).tag(256, 3, 40).tag(257, 3,
			20).tag(258, 3, 8).tag(259, 3, 1).tag(277, 3, 1).tag(322, 3, 16).tag(323,
				3, 16).tag(324, 16, offsets).tag(325, 16, counts);
		t.data = new byte[6 * 256];
		// sound: its tiles are handed on, for fiji-gan to read (ImageJ's reader
		// does not read tiles)
		List<TiffPage> pages = tiff(write("tiles.tif", t.bytes())).ownPages();
		assertEquals(1, pages.size());
		assertEquals(List.of(16, 16, 40, 20), List.of(pages.get(0).tileWidth(),
			pages.get(0).tileLength(), pages.get(0).width(), pages.get(0).height()));
		assertArrayEquals(offsets, Arrays.stream(pages.get(0).stripOffsets()).map(
			o -> o - pages.get(0).stripOffsets()[0]).toArray());
		byte[] whole = t.bytes();
		String m = refusal(write("tiles-cut.tif", Arrays.copyOf(whole,
			whole.length - 100)));
		assertTrue(m.contains("needs 256 bytes of pixels in tile 6"), m);
	}

	@Test
	void compressedDataThatCannotHoldTheDeclaredPixelsIsRefused()
		throws IOException
	{
		// 200 bytes of PackBits can decode to at most 12,800 bytes, not 30000 x
		// 30000
		Tiff t = grey(false, ByteOrder.LITTLE_ENDIAN, 30000, 30000, 200,
			new byte[200]);
		t.entries.removeIf(e -> e[0] == 259);
		t.tag(259, 3, 32773);
		String m = refusal(write("bomb.tif", t.bytes()));
		assertTrue(m.endsWith(
			"declares 900,000,000 bytes of pixels, more than its 200 bytes of " +
				"PackBits data can hold (at most 12,800)"), m);
		// ... while an honest 64x64 PackBits image (64 runs of 64 equal bytes: 2
		// bytes each) passes
		byte[] runs = new byte[128];
		for (int i = 0; i < runs.length; i += 2)
			runs[i] = -63; // 64 copies of the next byte
		Tiff ok = grey(false, ByteOrder.LITTLE_ENDIAN, 64, 64, 128, runs);
		ok.entries.removeIf(e -> e[0] == 259);
		ok.tag(259, 3, 32773);
		ImageFileCheck.check(write("packbits.tif", ok.bytes()), "input");
	}

	/** A 32x32 8-bit grey TIFF of one strip of {@code data} compressed so. */
	Path compressed(String name, int compression, byte[] data)
		throws IOException
	{
		Tiff t = grey(false, ByteOrder.LITTLE_ENDIAN, 32, 32, data.length, data);
		t.entries.removeIf(e -> e[0] == 259);
		t.tag(259, 3, compression);
		return write(name, t.bytes());
	}

	/**
	 * TIFF LZW of {@code data} the simplest way: a clear code, then every byte as
	 * its own code (the decoder still adds an entry after each, so the code width
	 * grows as it does), then the end code.
	 */
	static byte[] lzw(byte[] data) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		long bits = 0;
		int held = 0, width = 9, next = 258;
		List<Integer> codes = new ArrayList<>(List.of(256));
		for (byte b : data)
			codes.add(b & 0xff);
		codes.add(257);
		for (int k = 0; k < codes.size(); k++) {
			bits = bits << width | codes.get(k);
			held += width;
			while (held >= 8) {
				out.write((int) (bits >>> held - 8));
				held -= 8;
			}
			if (k >= 2 && k < codes.size() - 1) next++; // an entry per code but the
																									// first
			if (next + 1 >= 1 << width && width < 12) width++;
		}
		if (held > 0) out.write((int) (bits << 8 - held));
		return out.toByteArray();
	}

	/** An 8x8 TIFF of {@code samples} samples per pixel of {@code bits} each. */
	public static Tiff samples(int samples, int bits, int sampleFormat) {
		int bytes = 64 * samples * bits / 8;
		Tiff t = grey(false, ByteOrder.LITTLE_ENDIAN, 8, 8, bytes, new byte[bytes]);
		t.entries.removeIf(e -> e[0] == 258 || e[0] == 277 || e[0] == 262);
		long[] depth = new long[samples];
		Arrays.fill(depth, bits);
		return t.tag(258, 3, depth).tag(277, 3, samples).tag(262, 3, samples >= 3
			? 2 : 1).tag(339, 3, sampleFormat);
	}

	/**
	 * ImageJ's reader prints "Unsupported format" on standard output for these,
	 * or reads signed samples of several per pixel as unsigned.
	 */
	@Test
	void tiffsOfSeveralSamplesImageJCannotReadAreNamed() throws IOException {
		assertTrue(refusal(write("two.tif", samples(2, 8, 1).bytes())).contains(
			"two.tif is a TIFF of 2 samples per pixel of 8 bits, which ImageJ's " +
				"TIFF reader does not read: save it from another program with one " +
				"sample per pixel (a page per channel), or as 8-bit or 16-bit RGB"));
		assertTrue(refusal(write("f3.tif", samples(3, 32, 3).bytes())).contains(
			"a TIFF of 3 samples per pixel of 32 bits"));
		assertTrue(refusal(write("s3.tif", samples(3, 16, 2).bytes())).contains(
			"a TIFF of 3 signed 16-bit samples per pixel, which ImageJ's reader " +
				"takes as unsigned (-5 as 65531)"));
		Tiff fourChannels = samples(4, 8, 1); // grey, then three samples of data
		fourChannels.entries.removeIf(e -> e[0] == 262);
		fourChannels.tag(262, 3, 1).tag(338, 3, 0, 0, 0);
		assertTrue(refusal(write("u8x4.tif", fourChannels.bytes())).contains(
			"a TIFF of 4 samples per pixel of 8 bits whose fourth is not alpha, " +
				"which ImageJ's reader takes as RGB, dropping the fourth"));
		Tiff rgbData = samples(4, 8, 1).tag(338, 3, 0); // RGB and a data sample
		assertTrue(refusal(write("rgbx.tif", rgbData.bytes())).contains(
			"whose fourth is not alpha"));
		assertEquals(new ImageFileCheck.Findings.Tiff(false, false, false, null,
			null, 256, null), ImageFileCheck.check(write("rgba.tif", samples(4, 8, 1)
				.tag(338, 3, 2).bytes()), "input"));
		// 8-bit and 16-bit RGB and a fourth sample pass; a 16-bit fourth that is
		// alpha (or not said) is flagged, for ImageJ keeps it as a channel
		for (int[] ok : new int[][] { { 3, 8 }, { 4, 8 }, { 3, 16 }, { 4, 16 } })
			assertEquals(new ImageFileCheck.Findings.Tiff(false, ok[1] == 16,
				ok[0] == 4 && ok[1] == 16, null, null, 64 * (ok[1] == 8 ? 4 : 2 *
					ok[0]), null), ImageFileCheck.check(write("ok.tif", samples(ok[0],
						ok[1], 1).bytes()), "input"));
		assertEquals(new ImageFileCheck.Findings.Tiff(false, true, true, null, null,
			512, null), ImageFileCheck.check(write("rgba16.tif", samples(4, 16, 1)
				.tag(338, 3, 2).bytes()), "input"));
		assertEquals(new ImageFileCheck.Findings.Tiff(false, true, false, null,
			null, 512, null), ImageFileCheck.check(write("rgbx16.tif", samples(4, 16,
				1).tag(338, 3, 0).bytes()), "input"));
	}

	/**
	 * A directory entry without the values read of it (a fuzzed file: bits per
	 * sample with a count of 0) is named, not an IndexOutOfBoundsException.
	 */
	@Test
	void aTiffEntryWithoutItsValuesIsNamed() throws IOException {
		Tiff t = grey(false, ByteOrder.LITTLE_ENDIAN, 8, 8, 64, new byte[64]);
		t.entries.removeIf(e -> e[0] == 258);
		t.tag(258, 3);
		assertTrue(refusal(write("nobits.tif", t.bytes())).endsWith(
			"is damaged or not a valid TIFF: a directory entry of type 3 holds 0 " +
				"values where value 1 is read"));
	}

	/**
	 * More strip offsets than strip sizes (a fuzzed count): ImageJ's reader
	 * failed with an ArrayIndexOutOfBoundsException printed on standard output.
	 */
	@Test
	void aTiffListingMoreStripOffsetsThanSizesIsRefused() throws IOException {
		Tiff t = grey(false, ByteOrder.LITTLE_ENDIAN, 8, 8, 64, new byte[64]);
		t.entries.removeIf(e -> e[0] == 273);
		t.tag(273, 4, 0, 0, 0, 0);
		assertTrue(refusal(write("offsets.tif", t.bytes())).endsWith(
			"image 1 (8x8, 8 bits per pixel) lists 4 strip offsets but 1 sizes"));
	}

	/**
	 * A field type TIFF does not define, on a tag ImageJ's reader reads (a fuzzed
	 * file: strip sizes of type 36, count 2^30 + 1): ImageJ's reader allocated as
	 * many values as the count said, 4 GB.
	 */
	/** ImageJ's JPEG path printed a stack trace for a 3-byte .jpg. */
	@Test
	void aFileTooShortForAnyFormatIsRefused() throws IOException {
		Path three = write("three.jpg", new byte[] { (byte) 0xff, (byte) 0xd8,
			(byte) 0xff });
		assertEquals("input " + three + " is 3 bytes long, too short for any " +
			"image format", refusal(three));
	}

	@Test
	void aTiffTagOfAnUndefinedFieldTypeIsRefused() throws IOException {
		byte[] b = grey(false, ByteOrder.LITTLE_ENDIAN, 8, 8, 64, new byte[64])
			.bytes();
		ByteBuffer buffer = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
		int entries = buffer.getShort(8);
		for (int i = 0, at = 10; i < entries; i++, at += 12)
			if (buffer.getShort(at) == 279) buffer.putShort(at + 2, (short) 36)
				.putInt(at + 4, (1 << 30) + 1);
		assertTrue(refusal(write("type36.tif", b)).endsWith("is damaged or not a " +
			"valid TIFF: tag 279 of image 1 has field type 36, which TIFF does not " +
			"define"));
	}

	@Test
	void aTiffOfUnsigned32BitIntegersIsFlaggedForTheReader() throws IOException {
		assertEquals(new ImageFileCheck.Findings.Tiff(true, false, false, null,
			null, 256, null), ImageFileCheck.check(write("u32.tif", samples(1, 32, 1)
				.bytes()), "input"));
		Tiff noFormat = samples(1, 32, 1); // unsigned is TIFF's default
		noFormat.entries.removeIf(e -> e[0] == 339);
		assertEquals(new ImageFileCheck.Findings.Tiff(true, false, false, null,
			null, 256, null), ImageFileCheck.check(write("u32-default.tif", noFormat
				.bytes()), "input"));
		assertEquals(new ImageFileCheck.Findings.Tiff(false, false, false, null,
			null, 256, null), ImageFileCheck.check(write("i32.tif", samples(1, 32, 2)
				.bytes()), "input"));
		assertEquals(new ImageFileCheck.Findings.Tiff(false, false, false, null,
			null, 256, null), ImageFileCheck.check(write("f32.tif", samples(1, 32, 3)
				.bytes()), "input"));
	}

	@Test
	void soundTiffsOfKindsImageJDoesNotReadAreNamed() throws IOException {
		Tiff half = grey(false, ByteOrder.LITTLE_ENDIAN, 8, 8, 128, new byte[128]);
		half.entries.removeIf(e -> e[0] == 258);
		half.tag(258, 3, 16).tag(339, 3, 3);
		assertTrue(refusal(write("f16.tif", half.bytes())).contains(
			"f16.tif is a TIFF of 16-bit floats, which ImageJ's TIFF reader does " +
				"not read"));
		Tiff signed = grey(false, ByteOrder.LITTLE_ENDIAN, 8, 8, 64, new byte[64]);
		signed.tag(339, 3, 2);
		assertTrue(refusal(write("i8.tif", signed.bytes())).contains(
			"i8.tif is a TIFF of signed 8-bit integers, which ImageJ's reader " +
				"takes as unsigned (-1 as 255)"));
		Tiff jpeg2000 = grey(false, ByteOrder.LITTLE_ENDIAN, 8, 8, 64,
			new byte[64]);
		jpeg2000.entries.removeIf(e -> e[0] == 259);
		jpeg2000.tag(259, 3, 34712);
		assertTrue(refusal(write("j2k.tif", jpeg2000.bytes())).contains(
			"j2k.tif is compressed with TIFF compression 34712, which ImageJ's " +
				"TIFF reader does not decode"));
	}

	/**
	 * Sound TIFFs of one sample per pixel that ImageJ's reader refuses as
	 * "Unsupported format or file not found" (64-bit integers, 64- and 128-bit
	 * complex floats, 3-, 4- and 24-bit grey) or reads as wrong values (32-bit
	 * complex integers, read as one 32-bit integer each) are named for what they
	 * are.
	 */
	@Test
	void soundTiffsOfSampleTypesImageJDoesNotReadAreNamed() throws IOException {
		Object[][] cases = { { 64, 2, "signed 64-bit integers",
			"convert it to 32-bit float" }, { 64, 1, "unsigned 64-bit integers",
				"convert it to 32-bit float" }, { 3, 1, "3-bit greyscale samples",
					"convert it to 8-bit" }, { 4, 1, "4-bit greyscale samples",
						"convert it to 8-bit" }, { 24, 1, "24-bit greyscale samples",
							"convert it to 32-bit float" }, { 64, 6,
								"complex numbers (64-bit complex floats)",
								"save the magnitude or the real part as 32-bit float" }, { 128,
									6, "complex numbers (128-bit complex floats)",
									"save the magnitude or the real part as 32-bit float" }, { 32,
										5, "complex numbers (32-bit complex integers)",
										"save the magnitude or the real part as 32-bit float" } };
		for (Object[] c : cases) {
			Path file = write("t.tif", samples(1, (int) c[0], (int) c[1]).bytes());
			assertEquals("input " + file + " is a TIFF of " + c[2] +
				", which ImageJ's TIFF reader does not read: " + c[3], refusal(file));
		}
		for (int bits : new int[] { 1, 8, 10, 12, 16, 32 })
			ImageFileCheck.check(write("t.tif", samples(1, bits, 1).bytes()),
				"input");
	}

	/**
	 * A palette PNG without its palette: ImageJ's reader printed
	 * "javax.imageio.IIOException: Error reading PNG metadata", and that became
	 * the user's message.
	 */
	@Test
	void aPalettePngWithoutItsPaletteIsRefused() throws IOException {
		byte[] rows = PngBytes.deflate(new byte[4 * (1 + 5)]);
		Path file = write("x.png", PngBytes.png(5, 4, 3, 8, new byte[0], rows));
		assertEquals("input " + file + " is damaged or not a valid PNG: it is a " +
			"palette image without its palette (a PLTE chunk before its pixel data)",
			refusal(file));
	}

	/**
	 * A palette PNG whose pixel indexes beyond its palette: the PNG specification
	 * makes it an error, and decoders made up a colour for it (ImageJ the last
	 * entry's, or a grey of the index), without a word. The rows are filtered
	 * (Sub, Up, Paeth, Average): the index is what the filter gives, not the byte
	 * stored.
	 */
	@Test
	void aPalettePngWithAnIndexBeyondItsPaletteIsRefused() throws IOException {
		byte[] palette = PngBytes.chunk("PLTE", new byte[] { 0, 0, 0, 9, 9, 9, 50,
			50, 50 });
		// indices 2 1 0 2 / 2 1 0 2 / 2 1 0 T / 1 1 1 1
		java.util.function.IntFunction<byte[]> rows = t -> new byte[] { 1, 2, -1,
			-1, 2, 2, 0, 0, 0, 0, 4, 0, 0, 0, (byte) (t - 2), 3, 0, 0, 1, 0 };
		ImageFileCheck.check(write("ok.png", PngBytes.png(4, 4, 3, 8, palette,
			PngBytes.deflate(rows.apply(2)))), "input");
		Path bad = write("bad.png", PngBytes.png(4, 4, 3, 8, palette, PngBytes
			.deflate(rows.apply(3))));
		assertEquals("input " + bad + " is damaged or not a valid PNG: pixel " +
			"(3, 2) is palette index 3, but its palette holds 3 entries", refusal(
				bad));

		// 2 bits a pixel, five to a row: the padding bits after the fifth are not
		// pixels
		ImageFileCheck.check(write("ok2.png", PngBytes.png(5, 1, 3, 2, palette,
			PngBytes.deflate(new byte[] { 0, 0b00_01_10_10, 0b00_111111 }))),
			"input");
		Path bad2 = write("bad2.png", PngBytes.png(5, 1, 3, 2, palette, PngBytes
			.deflate(new byte[] { 0, 0b00_01_10_11, 0 })));
		assertTrue(refusal(bad2).endsWith(
			": pixel (3, 0) is palette index 3, but its palette holds 3 entries"),
			refusal(bad2));
	}

	/**
	 * The same in an interlaced (Adam7) PNG with the filters Java's writer
	 * chooses: the pixel is found in its pass.
	 */
	@Test
	void anInterlacedPalettePngWithAnIndexBeyondItsPaletteIsRefused()
		throws IOException
	{
		byte[] grey = new byte[16];
		for (int i = 0; i < 16; i++)
			grey[i] = (byte) (i * 16);
		java.awt.image.IndexColorModel sixteen = new java.awt.image.IndexColorModel(
			8, 16, grey, grey, grey);
		Random random = new Random(11);
		java.util.function.IntFunction<Path> png = index -> {
			java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(37,
				29, java.awt.image.BufferedImage.TYPE_BYTE_INDEXED, sixteen);
			for (int y = 0; y < 29; y++)
				for (int x = 0; x < 37; x++)
					image.getRaster().setSample(x, y, 0, random.nextInt(16));
			image.getRaster().setSample(13, 22, 0, index);
			Path f = dir.resolve("adam7-" + index + ".png");
			javax.imageio.ImageWriter w = javax.imageio.ImageIO
				.getImageWritersByFormatName("png").next();
			javax.imageio.ImageWriteParam param = w.getDefaultWriteParam();
			param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
			try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO
				.createImageOutputStream(f.toFile()))
			{
				w.setOutput(out);
				w.write(null, new javax.imageio.IIOImage(image, null, null), param);
			}
			catch (IOException e) {
				throw new java.io.UncheckedIOException(e);
			}
			finally {
				w.dispose();
			}
			return f;
		};
		Path ok = png.apply(15);
		byte[] bytes = Files.readAllBytes(ok);
		assertEquals(1, bytes[28], "interlaced");
		ImageFileCheck.check(ok, "input");
		Path bad = png.apply(200);
		assertTrue(refusal(bad).endsWith(
			": pixel (13, 22) is palette index 200, but its palette holds 16 entries"),
			refusal(bad));
	}

	/** A multi-page TIFF of the given images, by the JDK's TIFF writer. */
	Path pages(String name, java.awt.image.BufferedImage... images)
		throws IOException
	{
		Path f = dir.resolve(name);
		javax.imageio.ImageWriter w = javax.imageio.ImageIO
			.getImageWritersByFormatName("tiff").next();
		try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO
			.createImageOutputStream(f.toFile()))
		{
			w.setOutput(out);
			w.prepareWriteSequence(null);
			for (java.awt.image.BufferedImage i : images)
				w.writeToSequence(new javax.imageio.IIOImage(i, null, null), null);
			w.endWriteSequence();
		}
		finally {
			w.dispose();
		}
		return f;
	}

	@Test
	void aPageUnlikeTheFirstIsRefusedInsteadOfDropped() throws IOException {
		var big = new java.awt.image.BufferedImage(64, 64,
			java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		var small = new java.awt.image.BufferedImage(48, 32,
			java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		var wide = new java.awt.image.BufferedImage(64, 64,
			java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
		ImageFileCheck.check(pages("same.tif", big, big, big), "input");
		assertTrue(refusal(pages("sizes.tif", big, small)).endsWith(
			"sizes.tif is a TIFF whose page 2 (48x32, 1 x 8-bit samples) differs " +
				"from page 1 (64x64, 1 x 8-bit samples): ImageJ would read page 1 " +
				"alone; fiji-gan reads stacks of equal pages: save the pages as " +
				"separate files"));
		assertTrue(refusal(pages("types.tif", big, wide)).contains(
			"page 2 (64x64, 1 x 16-bit samples) differs from page 1 (64x64, 1 x " +
				"8-bit samples)"));
	}

	/**
	 * ImageJ's reader undoes horizontal differencing of LZW and Deflate data for
	 * 8- and 16-bit grey and 8-bit RGB only: it read 32-bit integers with it
	 * wrong by up to 6e10, and floats with the floating-point predictor as values
	 * near 0, without a word. Compressed separate planes of 16-bit RGB it read as
	 * three copies of the first.
	 */
	@Test
	void compressedTiffsImageJReadsWronglyAreNamed() throws IOException {
		String m = refusal(predicted("u32.tif", 1, 32, 1, 8, 2));
		assertTrue(m.endsWith(
			"u32.tif is a TIFF of 32-bit samples compressed with " +
				"horizontal differencing, which ImageJ's TIFF reader does not undo (it " +
				"would read wrong values): save it from another program as an " +
				"uncompressed, stripped TIFF of 8-bit, 16-bit or 32-bit float samples"),
			m);
		assertTrue(refusal(predicted("f32.tif", 1, 32, 3, 5, 3)).contains(
			"a TIFF of 32-bit samples compressed with the floating-point predictor"));
		assertTrue(refusal(predicted("rgb16.tif", 3, 16, 1, 32946, 2)).contains(
			"a TIFF of 3 x 16-bit samples per pixel compressed with horizontal " +
				"differencing"));
		assertTrue(refusal(predicted("grey8.tif", 1, 8, 1, 8, 3)).contains(
			"compressed with the floating-point predictor"));
		byte[] plane = PngBytes.deflate(new byte[16 * 16 * 2]);
		Tiff separate = predicted(3, 16, 1, 8, 1).tag(284, 3, 2);
		separate.entries.removeIf(e -> e[0] == 273 || e[0] == 279);
		separate.tag(273, 4, 0, plane.length, 2 * plane.length).tag(279, 4,
			plane.length, plane.length, plane.length);
		separate.data = new byte[3 * plane.length];
		for (int i = 0; i < 3; i++)
			System.arraycopy(plane, 0, separate.data, i * plane.length, plane.length);
		String planes = refusal(write("planes16.tif", separate.bytes()));
		assertTrue(planes.contains(
			"a TIFF of 3 x 16-bit samples per pixel stored as separate planes and " +
				"compressed, which ImageJ's TIFF reader reads wrongly: save it"),
			planes);
		assertTrue(refusal(predicted("rgba16.tif", 4, 16, 1, 8, 1)).contains(
			"a TIFF of 4 x 16-bit samples per pixel compressed, which ImageJ's " +
				"TIFF reader reads wrongly"));
		Tiff rgbaPlanes = predicted(4, 8, 1, 1, 1).tag(284, 3, 2);
		rgbaPlanes.entries.removeIf(e -> e[0] == 273 || e[0] == 279);
		rgbaPlanes.tag(273, 4, 0, 256, 512, 768).tag(279, 4, 256, 256, 256, 256);
		rgbaPlanes.data = new byte[1024];
		assertTrue(refusal(write("rgba8.tif", rgbaPlanes.bytes())).contains(
			"a TIFF of 4 x 8-bit samples per pixel stored as separate planes, " +
				"which ImageJ's TIFF reader reads wrongly"));
		// compressed 1-bit strips and JPEG strips (measured on files Pillow wrote)
		assertTrue(refusal(predicted("bits1.tif", 1, 1, 1, 8, 1)).contains(
			"a 1-bit TIFF compressed with Deflate, which ImageJ's TIFF reader reads " +
				"wrongly: save it uncompressed or as 8-bit"));
		// JPEG: 8-bit grey and colour go to fiji-gan's own reading of the pages
		// (their decoding is tested in TiffJpegTest), the rest is named
		assertEquals(1, tiff(predicted("jpeg.tif", 1, 8, 1, 7, 1)).ownPages()
			.size());
		assertEquals(1, tiff(predicted("jpeg-rgb.tif", 3, 8, 1, 7, 1)).ownPages()
			.size());
		assertTrue(refusal(predicted("jpeg16.tif", 1, 16, 1, 7, 1)).contains(
			"a TIFF compressed with JPEG of 16-bit samples (photometric " +
				"interpretation 1), which fiji-gan does not read; it reads " +
				"JPEG-compressed 8-bit grey, RGB and YCbCr"));
		assertTrue(refusal(predicted("jpeg-cmyk.tif", 4, 8, 1, 7, 1)).contains(
			"a TIFF compressed with JPEG of 4 x 8-bit samples per pixel " +
				"(photometric interpretation 2)"));
		Tiff planar = predicted(3, 8, 1, 7, 1).tag(284, 3, 2);
		planar.entries.removeIf(e -> e[0] == 273 || e[0] == 279);
		int n = planar.data.length;
		planar.tag(273, 4, 0, 0, 0).tag(279, 4, n, n, n);
		assertEquals(1, tiff(predicted("jpeg-planes.tif", planar)).ownPages()
			.size());
		planar.entries.removeIf(e -> e[0] == 262);
		planar.tag(262, 3, 6);
		String ycbcrPlanes = refusal(predicted("ycbcr-planes.tif", planar));
		assertTrue(ycbcrPlanes.contains(
			"a TIFF compressed with JPEG of 3 x 8-bit " +
				"samples per pixel stored as separate planes (photometric " +
				"interpretation 6)"), ycbcrPlanes);
		// a header claiming far more pixels than its JPEG data can hold
		Tiff lie = predicted(1, 8, 1, 7, 1);
		lie.entries.removeIf(e -> e[0] == 256 || e[0] == 257 || e[0] == 278);
		lie.tag(256, 4, 30000).tag(257, 4, 30000).tag(278, 4, 30000);
		String lying = refusal(write("jpeg-lie.tif", lie.bytes()));
		assertTrue(lying.contains(
			"declares 900,000,000 bytes of pixels, more than its 12 bytes of JPEG " +
				"data can hold (at most 12,288)"), lying);
		assertEquals(false, tiff(predicted("bits1-raw.tif", 1, 1, 1, 1, 1))
			.unsigned32()); // uncompressed 1-bit passes
		// what ImageJ undoes, and a predictor without LZW or Deflate, pass
		for (int[] ok : new int[][] { { 1, 8, 8 }, { 1, 16, 5 }, { 3, 8, 8 }, { 1,
			32, 1 } })
			assertEquals(ok[1] == 32, tiff(predicted("ok.tif", ok[0], ok[1], 1, ok[2],
				2)).unsigned32(), Arrays.toString(ok));
	}

	/**
	 * A 16x16 TIFF of {@code samples} samples of {@code bits} bits, zeros
	 * compressed with {@code compression} (1, 5 or 8) and tagged with
	 * {@code predictor}.
	 */
	private Path predicted(String name, Tiff tiff) throws IOException {
		return write(name, tiff.bytes());
	}

	private Path predicted(String name, int samples, int bits, int sampleFormat,
		int compression, int predictor) throws IOException
	{
		return write(name, predicted(samples, bits, sampleFormat, compression,
			predictor).bytes());
	}

	private static Tiff predicted(int samples, int bits, int sampleFormat,
		int compression, int predictor)
	{
		byte[] pixels = new byte[16 * 16 * samples * bits / 8];
		byte[] data = compression == 1 ? pixels : compression == 5 ? lzw(pixels)
			: PngBytes.deflate(pixels);
		Tiff t = grey(false, ByteOrder.LITTLE_ENDIAN, 16, 16, data.length, data);
		t.entries.removeIf(e -> e[0] == 258 || e[0] == 277 || e[0] == 262 ||
			e[0] == 259);
		long[] depth = new long[samples];
		Arrays.fill(depth, bits);
		return t.tag(258, 3, depth).tag(277, 3, samples).tag(262, 3, samples >= 3
			? 2 : 1).tag(339, 3, sampleFormat).tag(259, 3, compression).tag(317, 3,
				predictor);
	}

	/**
	 * A Deflate strip that gives all its bytes but stops before its final block
	 * (flushed, never finished): ImageJ's reader inflates until the stream says
	 * it is finished, and on a fuzzed file of this kind it never stopped.
	 */
	@Test
	void aDeflateStripWithoutItsFinalBlockIsRefused() throws IOException {
		byte[] pixels = new byte[32 * 32];
		new Random(6).nextBytes(pixels);
		java.util.zip.Deflater d = new java.util.zip.Deflater();
		d.setInput(pixels);
		byte[] buf = new byte[4096];
		int n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
		d.end();
		String m = refusal(compressed("unended.tif", 8, Arrays.copyOf(buf, n)));
		assertTrue(m.endsWith("its strip 1 is a Deflate stream that stops " +
			"before its final block (ImageJ's reader would wait for the rest " +
			"forever)"), m);
		// the same data finished pass
		ImageFileCheck.check(compressed("ended.tif", 8, PngBytes.deflate(pixels)),
			"input");
	}

	/**
	 * A Deflate strip that goes on long past its rows (a "decompression bomb": a
	 * few hundred KB that inflate to 100 MB of zeros) is refused once it passes
	 * what its strip may hold, not inflated to its end: ImageJ's reader would
	 * keep every byte of it.
	 */
	@Test
	void aDeflateStripThatDecodesToFarMoreThanItsRowsIsRefused()
		throws IOException
	{
		java.util.zip.Deflater d = new java.util.zip.Deflater(9);
		ByteArrayOutputStream bomb = new ByteArrayOutputStream();
		byte[] zeros = new byte[1 << 20], buf = new byte[1 << 16];
		for (int i = 0; i < 100; i++) {
			d.setInput(zeros);
			while (!d.needsInput())
				bomb.write(buf, 0, d.deflate(buf));
		}
		d.finish();
		while (!d.finished())
			bomb.write(buf, 0, d.deflate(buf));
		d.end();
		String m = refusal(compressed("bomb.tif", 8, bomb.toByteArray()));
		assertTrue(m.endsWith("is damaged or not a valid TIFF: image 1 (32x32, 8 " +
			"bits per pixel): its strip 1 decodes to more than 66,560 bytes where " +
			"its pixels need 1,024 (a decompression bomb: ImageJ's reader would " +
			"keep them all)"), m);
		// a strip with a little padding past its rows passes
		ImageFileCheck.check(compressed("padded.tif", 8, PngBytes.deflate(
			new byte[32 * 32 + 4096])), "input");
	}

	@Test
	void compressedStripsThatDecodeToTooFewBytesAreRefused() throws IOException {
		byte[] pixels = new byte[32 * 32];
		new Random(3).nextBytes(pixels);
		// honest strips pass: Deflate, PackBits (literal runs of 128), LZW
		ImageFileCheck.check(compressed("deflate.tif", 8, PngBytes.deflate(pixels)),
			"input");
		ByteArrayOutputStream packed = new ByteArrayOutputStream();
		for (int i = 0; i < pixels.length; i += 128) {
			packed.write(127);
			packed.write(pixels, i, 128);
		}
		ImageFileCheck.check(compressed("packbits.tif", 32773, packed
			.toByteArray()), "input");
		ImageFileCheck.check(compressed("lzw.tif", 5, lzw(pixels)), "input");

		String m = refusal(compressed("short.tif", 8, PngBytes.deflate(Arrays
			.copyOf(pixels, 300))));
		assertTrue(m.endsWith("is damaged or not a valid TIFF: image 1 (32x32, 8 " +
			"bits per pixel): its strip 1 decodes to 300 bytes where its pixels " +
			"need 1,024"), m);
		m = refusal(compressed("short-packbits.tif", 32773, Arrays.copyOf(packed
			.toByteArray(), 129)));
		assertTrue(m.endsWith("its strip 1 decodes to 128 bytes where its pixels " +
			"need 1,024"), m);
		byte[] garbage = new byte[300];
		new Random(4).nextBytes(garbage);
		garbage[0] = 0x78;
		garbage[1] = (byte) 0x9c;
		m = refusal(compressed("garbage.tif", 8, garbage));
		assertTrue(m.endsWith("its strip 1 is not valid Deflate data"), m);
		byte[] cut = lzw(Arrays.copyOf(pixels, 500));
		m = refusal(compressed("short-lzw.tif", 5, cut));
		assertTrue(m.endsWith("its strip 1 decodes to 500 bytes where its pixels " +
			"need 1,024"), m);
	}

	@Test
	void anImageJStackMustHoldEveryPlaneItAnnounces() throws IOException {
		Tiff t = grey(false, ByteOrder.BIG_ENDIAN, 8, 8, 64, new byte[3 * 64]);
		t.text(270, "ImageJ=1.54p\nimages=5\nslices=5\n");
		String m = refusal(write("stack.tif", t.bytes()));
		assertTrue(m.contains(
			"it is an ImageJ stack of 5 planes like image 1 (8x8, 8 bits per " +
				"pixel), 320 bytes from byte"), m);
		t.data = new byte[5 * 64];
		ImageFileCheck.check(write("stack-ok.tif", t.bytes()), "input");
	}

	@Test
	void aDirectoryLoopAndADirectoryBeyondTheEndAreRefused() throws IOException {
		byte[] b = grey(false, ByteOrder.LITTLE_ENDIAN, 4, 4, 16, new byte[16])
			.bytes();
		int entries = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(8);
		ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8 + 2 + entries *
			12, 8); // next: itself
		assertTrue(refusal(write("loop.tif", b)).endsWith(
			"its image directories form a loop"));
		byte[] far = grey(false, ByteOrder.LITTLE_ENDIAN, 4, 4, 16, new byte[16])
			.bytes();
		ByteBuffer.wrap(far).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1_000_000);
		assertTrue(refusal(write("far.tif", far)).contains(
			"image directory 1 is said to start at " +
				"byte 1,000,000, beyond its end"));
	}

	/** A PNG: signature, IHDR, the given IDAT chunks, IEND. */
	static byte[] png(int w, int h, int colour, int depth, byte[]... idat) {
		return PngBytes.png(w, h, colour, depth, new byte[0], idat);
	}

	/** Rows of a w x h 8-bit grey image, each with filter byte 0. */
	static byte[] rows(int w, int h) {
		byte[] raw = new byte[h * (w + 1)];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				raw[y * (w + 1) + 1 + x] = (byte) (x * 7 + y);
		return raw;
	}

	@Test
	void honestPngsPassAndTruncatedOrDamagedOnesAreRefused() throws IOException {
		byte[] ok = png(32, 16, 0, 8, PngBytes.deflate(rows(32, 16)));
		ImageFileCheck.check(write("ok.png", ok), "input");

		String cut = refusal(write("cut.png", Arrays.copyOf(ok, ok.length - 30)));
		assertTrue(cut.contains(" is truncated: chunk 'IDAT' at byte 33 needs "),
			cut);

		byte[] flipped = ok.clone();
		flipped[45] ^= 0x10;
		assertTrue(refusal(write("crc.png", flipped)).endsWith(
			"chunk 'IDAT' at byte 33 fails its CRC " + "check"));

		byte[] badFilter = rows(32, 16);
		badFilter[3 * 33] = 9; // row 4
		assertTrue(refusal(write("filter.png", png(32, 16, 0, 8, PngBytes.deflate(
			badFilter)))).endsWith("row 4 has filter type 9; PNG has 0 to 4"));
	}

	@Test
	void aPngClaimingMorePixelsThanItsDataHoldIsRefused() throws IOException {
		// the rows of 32x16 under a header claiming 30000x30000: a valid stream,
		// far too short
		String m = refusal(write("lie.png", png(30000, 30000, 0, 8, PngBytes
			.deflate(rows(32, 16)))));
		assertTrue(m.endsWith(
			"is truncated: its pixel data hold 528 of the 900,030,000 bytes its " +
				"30000x30000, 8-bit header declares"), m);
	}

	/**
	 * A minimal baseline JPEG structure: SOI, SOF0 (w x h, one component), SOS,
	 * data, EOI.
	 */
	static byte[] jpeg(int w, int h, int scanBytes, boolean eoi) {
		ByteBuffer b = ByteBuffer.allocate(2 + 13 + 10 + scanBytes + 2);
		b.put((byte) 0xff).put((byte) 0xd8);
		b.put((byte) 0xff).put((byte) 0xc0).putShort((short) 11).put((byte) 8)
			.putShort((short) h).putShort((short) w).put((byte) 1).put((byte) 1).put(
				(byte) 0x11).put((byte) 0);
		b.put((byte) 0xff).put((byte) 0xda).putShort((short) 8).put((byte) 1).put(
			(byte) 1).put((byte) 0).put((byte) 0).put((byte) 63).put((byte) 0);
		for (int i = 0; i < scanBytes; i++)
			b.put((byte) 0x5a);
		if (eoi) b.put((byte) 0xff).put((byte) 0xd9);
		return Arrays.copyOf(b.array(), b.position());
	}

	@Test
	void aJpegWithoutItsEndOrWithTooLittleDataIsRefused() throws IOException {
		ImageFileCheck.check(write("ok.jpg", jpeg(64, 64, 16, true)), "input"); // 64
																																						// blocks,
																																						// 16
																																						// bytes
		assertTrue(refusal(write("cut.jpg", jpeg(64, 64, 16, false))).endsWith(
			"before its end-of-image marker"));
		String m = refusal(write("lie.jpg", jpeg(60000, 60000, 16, true)));
		assertTrue(m.endsWith(
			"its header declares 56,250,000 blocks of 8x8 pixels, which need at " +
				"least 14,062,500 bytes of image data, but it holds 16"), m);
		// progressive: one bit a block at least (ImageIO took 7 s and 1.2 GB to
		// find a 20000x20000 one of 2,881 bytes cut short)
		byte[] progressive = jpeg(64, 64, 8, true);
		progressive[3] = (byte) 0xc2;
		ImageFileCheck.check(write("progressive.jpg", progressive), "input");
		byte[] lying = jpeg(20000, 20000, 100, true);
		lying[3] = (byte) 0xc2;
		assertTrue(refusal(write("lie-progressive.jpg", lying)).endsWith(
			"its header declares 6,250,000 blocks of 8x8 pixels, which need at " +
				"least 781,250 bytes of image data, but it holds 100"));
		// arithmetic coding can take less than a bit a block: not counted
		lying[3] = (byte) 0xca;
		ImageFileCheck.check(write("arithmetic.jpg", lying), "input");
	}

	/**
	 * {@link #jpeg} with {@code components} colour components and, when not null,
	 * an APP1 segment holding {@code app1} after the start-of-image marker.
	 */
	static byte[] jpeg(int components, byte[] app1) {
		byte[] plain = jpeg(16, 16, 16, true);
		ByteBuffer b = ByteBuffer.allocate(plain.length + 3 * components +
			(app1 == null ? 0 : app1.length + 4));
		b.put(plain, 0, 2);
		if (app1 != null) b.put((byte) 0xff).put((byte) 0xe1).putShort(
			(short) (app1.length + 2)).put(app1);
		b.put((byte) 0xff).put((byte) 0xc0).putShort((short) (8 + 3 * components))
			.put((byte) 8).putShort((short) 16).putShort((short) 16).put(
				(byte) components);
		for (int c = 1; c <= components; c++)
			b.put((byte) c).put((byte) 0x11).put((byte) 0);
		b.put(plain, 15, plain.length - 15); // the scan and the end
		return Arrays.copyOf(b.array(), b.position());
	}

	/**
	 * An Exif segment: "Exif\0\0", a TIFF header in {@code order}, and a first
	 * directory of two entries, the orientation {@code orientation} of TIFF type
	 * {@code type} (3 SHORT, 4 LONG) after a resolution unit.
	 */
	static byte[] exif(ByteOrder order, int type, int orientation) {
		ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 24 + 4).order(order);
		b.put("Exif".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put(
			(byte) 0);
		b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
		b.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
		b.putShort((short) 42).putInt(8).putShort((short) 2);
		b.putShort((short) 296).putShort((short) 3).putInt(1).putShort((short) 2)
			.putShort((short) 0);
		b.putShort((short) 274).putShort((short) type).putInt(1);
		if (type == 3) b.putShort((short) orientation).putShort((short) 0);
		else b.putInt(orientation);
		b.putInt(0);
		return b.array();
	}

	@Test
	void aJpegOfFourColourComponentsIsRefusedAndItsExifOrientationRead()
		throws IOException
	{
		assertEquals(new ImageFileCheck.Findings.Jpeg(0, 512), ImageFileCheck.check(
			write("grey.jpg", jpeg(1, null)), "input"));
		assertEquals(new ImageFileCheck.Findings.Jpeg(0, 2048), ImageFileCheck
			.check(write("colour.jpg", jpeg(3, null)), "input"));
		Path cmyk = write("cmyk.jpg", jpeg(4, null));
		assertEquals("input " + cmyk + " is a JPEG of 4 colour components " +
			"(CMYK or YCCK, made for print), which fiji-gan does not read, nor " +
			"does ImageJ: save it as RGB or grey first", refusal(cmyk));
		assertTrue(refusal(write("two.jpg", jpeg(2, null))).endsWith(
			"is damaged or not a valid JPEG: its frame header declares 2 colour " +
				"components (1 for grey or 3 for colour)"));

		for (ByteOrder order : new ByteOrder[] { ByteOrder.BIG_ENDIAN,
			ByteOrder.LITTLE_ENDIAN })
			for (int o = 1; o <= 8; o++)
				assertEquals(new ImageFileCheck.Findings.Jpeg(o, 2048), ImageFileCheck
					.check(write("o.jpg", jpeg(3, exif(order, 3, o))), "input"), order +
						" " + o);
		assertEquals(new ImageFileCheck.Findings.Jpeg(6, 512), ImageFileCheck.check(
			write("long.jpg", jpeg(1, exif(ByteOrder.BIG_ENDIAN, 4, 6))), "input"));
		// values outside 1-8, and damaged Exif, are ignored as decoders ignore them
		assertEquals(new ImageFileCheck.Findings.Jpeg(0, 512), ImageFileCheck.check(
			write("nine.jpg", jpeg(1, exif(ByteOrder.BIG_ENDIAN, 3, 9))), "input"));
		byte[] cut = Arrays.copyOf(exif(ByteOrder.LITTLE_ENDIAN, 3, 6), 30);
		assertEquals(new ImageFileCheck.Findings.Jpeg(0, 512), ImageFileCheck.check(
			write("cut-exif.jpg", jpeg(1, cut)), "input"));
		byte[] far = exif(ByteOrder.LITTLE_ENDIAN, 3, 6);
		ByteBuffer.wrap(far).order(ByteOrder.LITTLE_ENDIAN).putInt(10, 1 << 30);
		assertEquals(new ImageFileCheck.Findings.Jpeg(0, 512), ImageFileCheck.check(
			write("far-exif.jpg", jpeg(1, far)), "input"));
		byte[] xmp = "http://ns.adobe.com/xap/1.0/\0<x/>".getBytes(
			StandardCharsets.US_ASCII);
		assertEquals(new ImageFileCheck.Findings.Jpeg(0, 512), ImageFileCheck.check(
			write("xmp.jpg", jpeg(1, xmp)), "input"));
	}

	@Test
	void aNiftiHeaderDeclaringMoreVoxelsThanTheFileHoldsIsRefusedBeforeReading()
		throws IOException
	{
		RasterImage image = RasterImage.allocate(16, 8, 1, 4, 1, PixelType.UINT16);
		Path whole = dir.resolve("whole.nii");
		Nifti.write(whole, false, image, "d", null);
		byte[] b = Files.readAllBytes(whole);
		Path cut = write("cut.nii", Arrays.copyOf(b, b.length - 100));
		GanException e = assertThrows(GanException.class, () -> Nifti.read(cut));
		assertEquals(
			"cut.nii is truncated: its header declares 16x8x4x1 voxels of 2 bytes up to " +
				"byte " + String.format("%,d", b.length) + ", but the file has " +
				String.format("%,d", b.length - 100) + " bytes", e.getMessage());

		// a 32767 x 32767 plane of doubles in a file of a few hundred bytes
		ByteBuffer h = ByteBuffer.wrap(b.clone()).order(ByteOrder.LITTLE_ENDIAN);
		h.putShort(40, (short) 2).putShort(42, (short) 32767).putShort(44,
			(short) 32767);
		h.putShort(70, Nifti.DT_FLOAT64).putShort(72, (short) 64);
		Path lie = write("lie.nii", Arrays.copyOf(h.array(), 400));
		GanException big = assertThrows(GanException.class, () -> Nifti.read(lie));
		assertEquals(
			"lie.nii declares planes of 32767x32767 voxels, more than one Java array holds",
			big.getMessage());

		Path gz = dir.resolve("whole.nii.gz");
		Nifti.write(gz, true, image, "d", null);
		byte[] z = Files.readAllBytes(gz);
		Path cutGz = write("cut.nii.gz", Arrays.copyOf(z, z.length / 2));
		GanException g = assertThrows(GanException.class, () -> Nifti.read(cutGz));
		assertEquals("NIfTI file " + cutGz +
			" is truncated: its gzip stream ends before the voxels " +
			"its header declares", g.getMessage());
	}

	/**
	 * ImageJ read a GIF cut inside its third image as a stack of two, without a
	 * word.
	 */
	@Test
	void aGifCutInsideABlockIsRefused() throws IOException {
		java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 30,
			java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		Random r = new Random(4);
		for (int y = 0; y < 30; y++)
			for (int x = 0; x < 40; x++)
				img.getRaster().setSample(x, y, 0, r.nextInt(256));
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		assertTrue(javax.imageio.ImageIO.write(img, "gif", out));
		byte[] gif = out.toByteArray();
		assertEquals(0x3b, gif[gif.length - 1], "ends with the trailer");
		ImageFileCheck.check(write("ok.gif", gif), "input");
		// without its trailer alone, the image is whole
		ImageFileCheck.check(write("notrailer.gif", Arrays.copyOf(gif, gif.length -
			1)), "input");
		String cut = refusal(write("cut.gif", Arrays.copyOf(gif, gif.length - 40)));
		assertTrue(cut.matches(".* is truncated: it ends at byte " + String.format(
			java.util.Locale.ROOT, "%,d", gif.length - 40) +
			", inside image 1 \\(at byte [0-9,]+\\)"), cut);
		byte[] bad = gif.clone();
		bad[bad.length - 1] = 0x42;
		assertTrue(refusal(write("bad.gif", bad)).endsWith(
			"is 0x42, which starts " +
				"no GIF block (0x21, 0x2c or the trailer 0x3b)"));
		assertTrue(refusal(write("header.gif", Arrays.copyOf(gif, 10))).endsWith(
			"it ends at byte 10, inside its header"));
	}

	/**
	 * A GIF whose LZW data give fewer pixels than its image declares: ImageJ
	 * filled the rest with zeros (a 20000x20000 image of four bytes of data took
	 * 15 s and 3.7 GB to read as zeros). Whole GIFs of 2 to 256 colours pass,
	 * their dictionaries filled and cleared.
	 */
	@Test
	void aGifWhoseDataGiveFewerPixelsThanDeclaredIsRefused() throws IOException {
		Random r = new Random(5);
		for (int[] size : new int[][] { { 1, 1 }, { 300, 200 }, { 640, 480 } })
			for (int colours : new int[] { 2, 16, 256 }) {
				java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(
					size[0], size[1], java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
				for (int y = 0; y < size[1]; y++)
					for (int x = 0; x < size[0]; x++)
						img.getRaster().setSample(x, y, 0, r.nextInt(colours) * (255 / Math
							.max(1, colours - 1)));
				java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
				assertTrue(javax.imageio.ImageIO.write(img, "gif", out));
				byte[] gif = out.toByteArray();
				ImageFileCheck.check(write("whole.gif", gif), "input");
				if (size[0] == 1) continue;
				// the same image with its data cut after their first sub-block, the
				// chain of sub-blocks ended there
				int data = imageData(gif);
				int first = gif[data] & 0xff;
				byte[] cut = Arrays.copyOf(gif, data + 1 + first + 2);
				cut[data + 1 + first] = 0;
				cut[data + 1 + first + 1] = 0x3b;
				String m = refusal(write("short.gif", cut));
				assertTrue(m.matches(
					".* is damaged or not a valid GIF: image 1 \\(at " +
						"byte [0-9,]+\\) declares " + size[0] + "x" + size[1] +
						" pixels, but its LZW data give [0-9,]+ \\(a reader would fill " +
						"the rest with zeros\\)"), m);
				long gave = Long.parseLong(m.replaceAll(".* give ([0-9,]+) .*", "$1")
					.replace(",", ""));
				assertTrue(gave > 0 && gave < (long) size[0] * size[1], m);
			}
		// a 20000x20000 image of a clear code and an end code
		java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
		b.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
		b.writeBytes(new byte[] { 0x20, 0x4e, 0x20, 0x4e, (byte) 0x80, 0, 0, 0, 0,
			0, -1, -1, -1 });
		b.writeBytes(new byte[] { 0x2c, 0, 0, 0, 0, 0x20, 0x4e, 0x20, 0x4e, 0 });
		b.writeBytes(new byte[] { 2, 1, 0x2c, 0, 0x3b });
		assertTrue(refusal(write("bomb.gif", b.toByteArray())).endsWith(
			"declares 20000x20000 pixels, but its LZW data give 0 (a reader would " +
				"fill the rest with zeros)"));
	}

	/**
	 * Where the first image's chain of LZW sub-blocks starts in a GIF (after the
	 * descriptor, its colour table and the code size).
	 */
	private static int imageData(byte[] gif) {
		int at = 13, flags = gif[10] & 0xff;
		if ((flags & 0x80) != 0) at += 3 << (flags & 7) + 1;
		while (gif[at] == 0x21) { // extensions: label, then sub-blocks
			at += 2;
			while (gif[at] != 0)
				at += (gif[at] & 0xff) + 1;
			at++;
		}
		int local = gif[at + 9] & 0xff;
		at += 10;
		if ((local & 0x80) != 0) at += 3 << (local & 7) + 1;
		return at + 1;
	}

	/**
	 * A FITS file: header cards in 2,880-byte blocks up to END, then the primary
	 * array of {@code w x h} 16-bit pixels (at most 1 MiB of it), padded to whole
	 * blocks.
	 */
	static byte[] fits(int naxis, int w, int h) {
		StringBuilder header = new StringBuilder();
		for (String card : new String[] { "SIMPLE  =                    T",
			"BITPIX  =                   16", "NAXIS   =                    " + naxis,
			"NAXIS1  = " + String.format("%20d", w) + " / width", "NAXIS2  = " +
				String.format("%20d", h), "END" })
			if (naxis > 0 || !card.startsWith("NAXIS") || card.startsWith("NAXIS "))
				header.append(String.format("%-80s", card));
		while (header.length() % 2880 != 0)
			header.append(' ');
		long data = naxis == 0 ? 0 : Math.min(1 << 20, ((long) w * h * 2 + 2879) /
			2880 * 2880); // a header that lies gets 1 MiB
		return Arrays.copyOf(header.toString().getBytes(StandardCharsets.US_ASCII),
			header.length() + (int) data);
	}

	/**
	 * ImageJ filled a cut FITS file's rows with zeros, and took a small file that
	 * declares 50,000 x 40,000 pixels as a request for 4 GB.
	 */
	@Test
	void aFitsFileShorterThanItsArrayIsRefused() throws IOException {
		ImageFileCheck.check(write("ok.fits", fits(2, 50, 40)), "input");
		assertTrue(refusal(write("cut.fits", Arrays.copyOf(fits(2, 50, 40), 3880)))
			.endsWith("is truncated: its header declares 50x40 pixels of 16 " +
				"bits (4,000 bytes from byte 2,880), but the file ends at byte 3,880"));
		assertTrue(refusal(write("lie.fits", Arrays.copyOf(fits(2, 50000, 40000),
			5760))).contains("declares 50000x40000 pixels of 16 bits " +
				"(4,000,000,000 bytes"));
		assertTrue(refusal(write("header.fits", Arrays.copyOf(fits(2, 5, 4), 2000)))
			.endsWith("inside its header (no END card)"));
		assertTrue(refusal(write("ext.fits", fits(0, 0, 0))).contains(
			"is a FITS file without a primary image (NAXIS 0"));
	}

	/** {@link #samples} with photometric interpretation {@code photometric}. */
	static Tiff photometric(int samples, int bits, int photometric) {
		Tiff t = samples(samples, bits, 1);
		t.entries.removeIf(e -> e[0] == 262);
		return t.tag(262, 3, photometric);
	}

	/**
	 * A TIFF whose bytes hold their bits lowest first (FillOrder 2): ImageJ's
	 * reader takes them highest first, and a 1-bit image came out with half its
	 * pixels wrong, without a word.
	 */
	@Test
	void aTiffOfBitsLowestFirstIsNamed() throws IOException {
		Path reversed = write("lsb.tif", photometric(1, 1, 1).tag(266, 3, 2)
			.bytes());
		assertEquals("input " + reversed + " is a TIFF whose bytes hold their " +
			"bits lowest first (FillOrder 2), which ImageJ's TIFF reader reads as " +
			"wrong pixels: save it from another program as an uncompressed, " +
			"stripped TIFF of 8-bit, 16-bit or 32-bit float samples", refusal(
				reversed));
		ImageFileCheck.check(write("msb.tif", photometric(1, 1, 1).tag(266, 3, 1)
			.bytes()), "input");
		assertTrue(refusal(write("lsb8.tif", photometric(1, 8, 1).tag(266, 3, 2)
			.bytes())).contains("(FillOrder 2)"));
	}

	/**
	 * YCbCr not compressed with JPEG and CIELab samples were read as RGB, and a
	 * colour space ImageJ does not know as grey, without a word; each is named
	 * with its photometric interpretation. CMYK of four 8-bit samples, which
	 * ImageJ turns into RGB, passes.
	 */
	@Test
	void aTiffInAColourSpaceImageJTakesAsRgbIsNamed() throws IOException {
		Path ycbcr = write("ycbcr.tif", photometric(3, 8, 6).bytes());
		assertEquals("input " + ycbcr + " is a TIFF of YCbCr colour not " +
			"compressed with JPEG (photometric interpretation 6, 3 x 8-bit samples " +
			"per pixel), whose samples ImageJ's TIFF reader would take as RGB: " +
			"save it from another program as RGB or grey", refusal(ycbcr));
		assertTrue(refusal(write("lab.tif", photometric(3, 8, 8).bytes())).contains(
			"is a TIFF of CIELab colour (photometric interpretation 8, " +
				"3 x 8-bit samples per pixel)"));
		assertTrue(refusal(write("logl.tif", photometric(1, 16, 32844).bytes()))
			.contains("is a TIFF of LogL (photometric interpretation 32844, " +
				"16-bit samples), whose samples ImageJ's TIFF reader would take as " +
				"grey"));
		assertTrue(refusal(write("cmyk16.tif", photometric(4, 16, 5).bytes()))
			.contains("is a TIFF of CMYK (photometric interpretation 5"));
		for (int[] sound : new int[][] { { 1, 8, 0 }, { 1, 8, 1 }, { 3, 8, 2 }, { 4,
			8, 5 } })
			ImageFileCheck.check(write("sound.tif", photometric(sound[0], sound[1],
				sound[2]).bytes()), "input");
	}

	/**
	 * ImageJ applies a TIFF's colour map to 8-bit indices alone, and only a whole
	 * one: a palette of 16- or 4-bit indices, or without its whole colour map,
	 * was read as grey indices (the 4-bit one refused as greyscale); each is now
	 * named a palette image.
	 */
	@Test
	void aPaletteTiffWhoseColoursImageJLeavesAsideIsNamed() throws IOException {
		long[] map = new long[768];
		ImageFileCheck.check(write("pal8.tif", photometric(1, 8, 3).tag(320, 3, map)
			.bytes()), "input");
		Path none = write("nomap.tif", photometric(1, 8, 3).bytes());
		assertEquals("input " + none + " is a palette TIFF without its colour " +
			"map (no ColorMap tag), which ImageJ's TIFF reader would read as grey " +
			"indices: save it from another program as RGB", refusal(none));
		assertTrue(refusal(write("short.tif", photometric(1, 8, 3).tag(320, 3,
			new long[6]).bytes())).contains("is a palette TIFF whose colour map " +
				"holds 6 values where 8-bit indices need 768"));
		Path deep = write("pal16.tif", photometric(1, 16, 3).tag(320, 3,
			new long[3 * 65536]).bytes());
		assertEquals("input " + deep + " is a palette TIFF of 16-bit indices, " +
			"whose colours ImageJ's TIFF reader does not read (only those of 8-bit " +
			"indices): save it from another program as RGB or with 8-bit indices",
			refusal(deep));
		assertTrue(refusal(write("pal4.tif", photometric(1, 4, 3).tag(320, 3,
			new long[48]).bytes())).contains("is a palette TIFF of 4-bit indices"));
	}

	@Test
	void anEmptyFileIsNamedEmpty() throws IOException {
		Path empty = write("empty.png", new byte[0]);
		assertEquals("input " + empty + " is empty (0 bytes)", refusal(empty));
	}
}
