
package org.fijigan.core.image;

import org.fijigan.core.io.FileChannels;
import static org.fijigan.core.image.ImageFileCheck.count;
import static org.fijigan.core.image.ImageFileCheck.damaged;
import static org.fijigan.core.image.ImageFileCheck.truncated;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

import org.fijigan.core.GanException;

/**
 * The BMP part of {@link ImageFileCheck}: the file and information headers are
 * whole, the size is positive and the bit depth one BMP knows, and an
 * uncompressed image's rows (each padded to four bytes) lie in the file after
 * the pixel data's offset, and a run-length coded one's codes run up to their
 * end-of-bitmap code. ImageJ's reader prints a cut-off file's error on standard
 * output and goes on with what it has (a cut run-length coded file: an
 * EOFException, and no image, which fiji-gan could only call "not an image
 * format ImageJ reads ... or a damaged file").
 */
final class BmpCheck {

	/** BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS: rows of a known size. */
	private static final java.util.Set<Long> UNCOMPRESSED = java.util.Set.of(0L,
		3L, 6L);
	/**
	 * The information header lengths ImageIO's reader knows (others: "New BMP
	 * version not implemented yet", on standard output through ImageJ).
	 */
	private static final java.util.Set<Long> READABLE_HEADERS = java.util.Set.of(
		40L, 52L, 56L, 108L, 124L);
	private static final java.util.Set<Integer> DEPTHS = java.util.Set.of(1, 2, 4,
		8, 16, 24, 32);

	private BmpCheck() {}

	static boolean isBmp(byte[] head) {
		return head[0] == 'B' && head[1] == 'M';
	}

	/**
	 * @return what its pixels take in memory while read: ImageIO's decoding (up
	 *         to 8 bits a byte a pixel, else an int) and ImageJ's copy, an int a
	 *         pixel, for ImageJ makes a colour palette RGB (a 2,097,176 x 16
	 *         palette BMP counted as 2 bytes a pixel ran a 96 MB heap out)
	 */
	static long check(FileChannel ch, long size, String what) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
		int n = FileChannels.readAt(ch, b, 0);
		if (n < 18) throw truncated(what, "it ends at byte " + count(size) +
			", inside its file header");
		long offset = b.getInt(10) & 0xffffffffL;
		long header = b.getInt(14) & 0xffffffffL;
		long width, height, compression = 0, dataBytes = 0;
		int depth;
		if (header == 12) { // OS/2 BITMAPCOREHEADER
			if (n < 26) throw truncated(what, "it ends at byte " + count(size) +
				", inside its information header");
			width = b.getShort(18) & 0xffff;
			height = b.getShort(20) & 0xffff;
			depth = b.getShort(24) & 0xffff;
		}
		else if (READABLE_HEADERS.contains(header)) {
			if (n < 54) throw truncated(what, "it ends at byte " + count(size) +
				", inside its information header");
			width = b.getInt(18);
			height = Math.abs((long) b.getInt(22)); // negative: rows top down
			depth = b.getShort(28) & 0xffff;
			compression = b.getInt(30) & 0xffffffffL;
			dataBytes = b.getInt(34) & 0xffffffffL;
		}
		else throw damaged(what, "BMP", "its information header has length " +
			header + "; ImageIO reads 12, 40, 52, 56, 108 and 124");
		if (width <= 0 || height <= 0) throw damaged(what, "BMP",
			"its header declares " + width + "x" + height + " pixels");
		if (!DEPTHS.contains(depth)) throw damaged(what, "BMP",
			"its header declares " + depth + " bits per pixel");
		if (offset < 14 + header || offset > size) throw damaged(what, "BMP",
			"its pixel data starts at byte " + count(offset) + ", outside the " +
				count(size) + "-byte file after its headers");
		// readers take the colour table from between the headers and the pixels
		if (depth <= 8 && offset - 14 - header < (header == 12 ? 3 : 4))
			throw damaged(what, "BMP", "its " + depth + "-bit pixels have no " +
				"colour table before their data (from byte " + count(offset) + ")");
		// and read as many colours as it declares, one by one: a declared
		// 8,388,608 took ImageIO 48 s
		long colours = header == 12 ? 0 : b.getInt(46) & 0xffffffffL;
		if (depth <= 8 && colours > 1L << depth) throw damaged(what, "BMP",
			"its header declares a colour table of " + count(colours) +
				" colours for " + depth + "-bit pixels, which can use " + (1 << depth));
		if (colours * 4 > offset - 14 - header) throw damaged(what, "BMP",
			"its header declares a colour table of " + count(colours) + " colours (" +
				count(colours * 4) + " bytes), more than the " + count(offset - 14 -
					header) + " bytes before its pixel data");
		if (UNCOMPRESSED.contains(compression)) {
			long row = (width * depth + 31) / 32 * 4;
			long need = row * height; // at most 2^32 * 32 / 8 * 2^31: fits a long
			if (offset + need > size) throw truncated(what, "its header declares " +
				width + "x" + height + " pixels of " + depth + " bits (" + count(need) +
				" bytes from byte " + count(offset) + "), but the file ends at byte " +
				count(size));
		}
		else if (compression == 1 || compression == 2) {
			if (depth != (compression == 1 ? 8 : 4)) throw damaged(what, "BMP",
				"its header declares run-length coding for " + (compression == 1 ? 8
					: 4) + "-bit pixels (compression " + compression + ") over " + depth +
					"-bit pixels");
			// readers take the size of the coded data from the header
			if (dataBytes < 2) throw damaged(what, "BMP", "its header gives " +
				dataBytes + " bytes as the size of its run-length coded pixels");
			if (offset + dataBytes > size) throw truncated(what,
				"its header declares " + count(dataBytes) +
					" bytes of run-length coded pixels from byte " + count(offset) +
					", but the file ends at byte " + count(size));
			runLengths(ch, offset, offset + dataBytes, compression == 2, what);
		}
		else if (compression != 4 && compression != 5) throw damaged(what, "BMP",
			"its header declares compression " + compression +
				", which BMP does not have (0 to 6)");
		ImageFileCheck.requirePlaneFits(what, width, height);
		return TiffCheck.times(TiffCheck.times(width, height), (depth <= 8 ? 1
			: 4) + 4);
	}

	/**
	 * Walks run-length codes (RLE8, or RLE4 with {@code nibbles}) from
	 * {@code offset} to their end-of-bitmap code, which must come before
	 * {@code end}: a count and a value, or an escape (0, then 0 end of line, 1
	 * end of bitmap, 2 a move of two bytes, or a number of literal pixels, padded
	 * to an even number of bytes).
	 */
	private static void runLengths(FileChannel ch, long offset, long end,
		boolean nibbles, String what) throws IOException
	{
		java.io.InputStream in = new java.io.BufferedInputStream(
			new java.io.FilterInputStream(java.nio.channels.Channels.newInputStream(ch
				.position(offset)))
			{

				private long left = end - offset;

				@Override
				public int read() throws IOException {
					if (left <= 0) return -1;
					left--;
					return super.read();
				}

				@Override
				public int read(byte[] b, int off, int len) throws IOException {
					if (left <= 0) return -1;
					int n = super.read(b, off, (int) Math.min(len, left));
					if (n > 0) left -= n;
					return n;
				}
			}, 1 << 16);
		while (true) {
			int count = in.read(), value = in.read();
			if (value < 0) break;
			if (count > 0) continue;
			if (value == 1) return; // end of bitmap
			int skip = value == 0 ? 0 : value == 2 ? 2 : nibbles ? ((value + 1) / 2 +
				1) / 2 * 2 : (value + 1) / 2 * 2;
			// cut inside literal pixels or a move
			if (in.readNBytes(skip).length < skip) break;
		}
		throw truncated(what, "its run-length coded pixels end at byte " + count(
			end) + " before their end-of-bitmap code");
	}
}
