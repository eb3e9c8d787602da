
package org.fijigan.core.image;

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
	private static final java.util.Set<Integer> DEPTHS = java.util.Set.of(1, 2, 4,
		8, 16, 24, 32);

	private BmpCheck() {}

	static boolean isBmp(byte[] head) {
		return head[0] == 'B' && head[1] == 'M';
	}

	/**
	 * @return what its pixels take in memory once read: up to 8 bits a byte a
	 *         pixel, else an int
	 */
	static long check(FileChannel ch, long size, String what) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
		int n = 0;
		while (b.hasRemaining()) {
			int r = ch.read(b, n);
			if (r < 0) break;
			n += r;
		}
		if (n < 18) throw truncated(what, "it ends at byte " + count(size) +
			", inside its file header");
		long offset = b.getInt(10) & 0xffffffffL;
		long header = b.getInt(14) & 0xffffffffL;
		long width, height, compression = 0;
		int depth;
		if (header == 12) { // OS/2 BITMAPCOREHEADER
			if (n < 26) throw truncated(what, "it ends at byte " + count(size) +
				", inside its information header");
			width = b.getShort(18) & 0xffff;
			height = b.getShort(20) & 0xffff;
			depth = b.getShort(24) & 0xffff;
		}
		else if (header >= 40) {
			if (n < 54) throw truncated(what, "it ends at byte " + count(size) +
				", inside its information header");
			width = b.getInt(18);
			height = Math.abs((long) b.getInt(22)); // negative: rows top down
			depth = b.getShort(28) & 0xffff;
			compression = b.getInt(30) & 0xffffffffL;
		}
		else throw damaged(what, "BMP", "its information header has length " +
			header);
		if (width <= 0 || height <= 0) throw damaged(what, "BMP",
			"its header declares " + width + "x" + height + " pixels");
		if (!DEPTHS.contains(depth)) throw damaged(what, "BMP",
			"its header declares " + depth + " bits per pixel");
		if (offset < 14 + header || offset > size) throw damaged(what, "BMP",
			"its pixel data starts at byte " + count(offset) + ", outside the " +
				count(size) + "-byte file after its headers");
		if (UNCOMPRESSED.contains(compression)) { // run-length data: no size known
			long row = (width * depth + 31) / 32 * 4;
			long need = row * height; // at most 2^32 * 32 / 8 * 2^31: fits a long
			if (offset + need > size) throw truncated(what, "its header declares " +
				width + "x" + height + " pixels of " + depth + " bits (" + count(need) +
				" bytes from byte " + count(offset) + "), but the file ends at byte " +
				count(size));
		}
		else if ((compression == 1 && depth == 8 || compression == 2 && depth == 4))
			runLengths(ch, offset, size, compression == 2, what);
		ImageFileCheck.requirePlaneFits(what, width, height);
		return TiffCheck.times(TiffCheck.times(width, height), depth <= 8 ? 1 : 4);
	}

	/**
	 * Walks run-length codes (RLE8, or RLE4 with {@code nibbles}) from
	 * {@code offset} to their end-of-bitmap code: a count and a value, or an
	 * escape (0, then 0 end of line, 1 end of bitmap, 2 a move of two bytes, or a
	 * number of literal pixels, padded to an even number of bytes).
	 */
	private static void runLengths(FileChannel ch, long offset, long size,
		boolean nibbles, String what) throws IOException
	{
		java.io.InputStream in = new java.io.BufferedInputStream(
			java.nio.channels.Channels.newInputStream(ch.position(offset)), 1 << 16);
		try {
			while (true) {
				int count = in.read(), value = in.read();
				if (value < 0) break;
				if (count > 0) continue;
				if (value == 1) return; // end of bitmap
				in.skipNBytes(value == 0 ? 0 : value == 2 ? 2 : nibbles ? ((value + 1) /
					2 + 1) / 2 * 2 : (value + 1) / 2 * 2);
			}
		}
		catch (java.io.EOFException e) {
			// cut inside literal pixels or a move
		}
		throw truncated(what, "its run-length coded pixels end at byte " + count(
			size) + " before their end-of-bitmap code");
	}
}
