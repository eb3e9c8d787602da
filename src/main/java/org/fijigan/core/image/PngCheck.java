
package org.fijigan.core.image;

import static org.fijigan.core.image.ImageFileCheck.count;
import static org.fijigan.core.image.ImageFileCheck.damaged;
import static org.fijigan.core.image.ImageFileCheck.truncated;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.fijigan.core.GanException;

/**
 * The PNG part of {@link ImageFileCheck}: a valid header chunk, every chunk
 * whole and passing its CRC, an end chunk, and a pixel stream that inflates to
 * exactly the bytes the header declares (rows of
 * {@code 1 + ceil(width * channels * depth / 8)} bytes, per pass when
 * interlaced), each row starting with one of the five filter types, and a
 * palette before the pixels of a palette image, whose every pixel is an index
 * into it (the PNG specification makes an index beyond the palette an error;
 * decoders made up a colour for it). A file that passes decodes without error.
 */
final class PngCheck {

	private static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r',
		'\n', 0x1a, '\n' };
	/** Adam7 passes: x start, y start, x step, y step. */
	private static final int[][] ADAM7 = { { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4,
		4, 8 }, { 2, 0, 4, 4 }, { 0, 2, 2, 4 }, { 1, 0, 2, 2 }, { 0, 1, 1, 2 } };

	private PngCheck() {}

	/** The longest tEXt chunk whose text is kept. */
	private static final int MAX_TEXT = 1 << 20;

	/**
	 * The text of a {@code Description} tEXt chunk's bytes (keyword, NUL, Latin-1
	 * text), or null for another keyword.
	 */
	private static String description(byte[] chunk) {
		String keyword = "Description";
		if (chunk.length <= keyword.length() || chunk[keyword.length()] != 0)
			return null;
		String k = new String(chunk, 0, keyword.length(),
			StandardCharsets.ISO_8859_1);
		return k.equals(keyword) ? new String(chunk, keyword.length() + 1,
			chunk.length - keyword.length() - 1, StandardCharsets.ISO_8859_1) : null;
	}

	static boolean isPng(byte[] head) {
		return java.util.Arrays.equals(head, 0, 8, SIGNATURE, 0, 8);
	}

	/**
	 * @return the PNG's bit depth when it has alpha (an alpha channel, colour
	 *         types 4 and 6, or a tRNS chunk's transparent colour or palette
	 *         entries), else 0; and the frames of an animated PNG (its acTL
	 *         chunk), else 0
	 */
	static ImageFileCheck.Findings.Png check(FileChannel ch, long size,
		String what) throws IOException
	{
		DataInputStream in = new DataInputStream(new BufferedInputStream(Channels
			.newInputStream(ch.position(8)), 1 << 16));
		long at = 8;
		Rows rows = null;
		boolean transparency = false, palette = false;
		int frames = 0;
		long xPerMetre = 0, yPerMetre = 0;
		String description = null;
		Inflater inflater = new Inflater();
		byte[] data = new byte[1 << 16], out = new byte[1 << 16];
		CRC32 crc = new CRC32();
		DataFormatException zlibError = null;
		try {
			while (true) {
				if (at + 8 > size) throw truncated(what, "it ends at byte " + count(
					size) + " without an IEND chunk");
				long length = in.readInt() & 0xffffffffL;
				byte[] typeBytes = in.readNBytes(4);
				String type = new String(typeBytes, StandardCharsets.ISO_8859_1);
				if (length > Integer.MAX_VALUE) throw damaged(what, "PNG", "chunk '" +
					type + "' at byte " + count(at) + " claims " + count(length) +
					" bytes");
				if (at + 12 + length > size) throw truncated(what, "chunk '" + type +
					"' at byte " + count(at) + " needs " + count(length + 12) +
					" bytes, but the file ends at byte " + count(size));
				if (rows == null && !type.equals("IHDR")) throw damaged(what, "PNG",
					"it does not start with " + "an IHDR chunk");
				// ImageJ's reader (Java's ImageIO) failed with "Error reading PNG
				// metadata"
				if (type.equals("IDAT") && rows.palette && !palette) throw damaged(what,
					"PNG", "it is a palette image without its palette (a PLTE chunk " +
						"before its pixel data)");
				palette |= type.equals("PLTE");
				crc.reset();
				crc.update(typeBytes);
				long left = length;
				byte[] header = type.equals("IHDR") ? new byte[(int) Math.min(length,
					13)] : null;
				int headerFill = 0;
				java.io.ByteArrayOutputStream text = type.equals("tEXt") &&
					description == null && length <= MAX_TEXT
						? new java.io.ByteArrayOutputStream((int) length) : null;
				while (left > 0) {
					int n = in.read(data, 0, (int) Math.min(data.length, left));
					if (n < 0) throw new EOFException();
					crc.update(data, 0, n);
					if (type.equals("acTL") && left == length && n >= 4) frames = Math
						.max(1, (data[0] & 0xff) << 24 | (data[1] & 0xff) << 16 | (data[2] &
							0xff) << 8 | data[3] & 0xff);
					if (type.equals("pHYs") && left == length && n >= 9 && data[8] == 1) {
						ByteBuffer b = ByteBuffer.wrap(data, 0, 8);
						xPerMetre = b.getInt(0) & 0xffffffffL;
						yPerMetre = b.getInt(4) & 0xffffffffL;
					}
					if (header != null && headerFill < header.length) {
						int k = Math.min(n, header.length - headerFill);
						System.arraycopy(data, 0, header, headerFill, k);
						headerFill += k;
					}
					if (text != null) text.write(data, 0, n);
					if (type.equals("IDAT") && rows != null && zlibError == null) {
						inflater.setInput(data, 0, n);
						try {
							inflate(inflater, out, rows, what);
						}
						catch (DataFormatException e) {
							zlibError = e; // reported after the CRC: a damaged chunk says
															// more
						}
					}
					left -= n;
				}
				if ((in.readInt() & 0xffffffffL) != crc.getValue()) throw damaged(what,
					"PNG", "chunk '" + type + "' at byte " + count(at) +
						" fails its CRC check");
				if (zlibError != null) throw damaged(what, "PNG",
					"its pixel data are not a valid zlib stream (" + zlibError
						.getMessage() + ")");
				if (text != null) description = description(text.toByteArray());
				if (type.equals("IHDR")) {
					if (rows != null) throw damaged(what, "PNG",
						"it has two IHDR chunks");
					rows = Rows.of(header, what);
				}
				if (type.equals("PLTE")) rows.paletteEntries((int) (length / 3));
				transparency |= type.equals("tRNS");
				at += 12 + length;
				if (type.equals("IEND")) break;
			}
			if (rows.remaining() > 0) throw truncated(what, "its pixel data hold " +
				count(rows.consumed()) + " of the " + count(rows.expected()) +
				" bytes its " + rows.describe() + " header declares");
			ImageFileCheck.requirePlaneFits(what, rows.width, rows.height);
			// grey as a byte or short a pixel; colour (and a palette, made RGB) as an
			// int, or three shorts when 16-bit
			boolean colour = rows.channels >= 3 || rows.palette;
			long perPixel = colour ? rows.depth == 16 ? 6 : 4 : rows.depth == 16 ? 2
				: 1;
			boolean alpha = transparency || rows.channels == 2 || rows.channels == 4;
			long once = TiffCheck.times(TiffCheck.times(rows.width, rows.height),
				perPixel);
			// with alpha, fiji-gan decodes the samples again beside ImageJ's image
			return new ImageFileCheck.Findings.Png(alpha ? rows.depth : 0, frames,
				alpha ? TiffCheck.times(once, 3) : ImageFileCheck.decodedThenCopied(
					once), xPerMetre, yPerMetre, description);
		}
		catch (EOFException e) {
			throw truncated(what, "it ends at byte " + count(size) +
				" inside a chunk");
		}
		finally {
			inflater.end();
		}
	}

	private static void inflate(Inflater inflater, byte[] out, Rows rows,
		String what) throws DataFormatException
	{
		while (!inflater.needsInput() && !inflater.finished()) {
			int n = inflater.inflate(out);
			if (n == 0 && (inflater.needsDictionary() || !inflater.needsInput()))
				break;
			rows.consume(out, n, what);
		}
	}

	/**
	 * The rows the pixel stream must hold, and where the stream is among them.
	 */
	private static final class Rows {

		private final long width, height;
		private final int channels, depth;
		private final boolean interlaced, palette;
		private final long[] rowBytes; // per pass: bytes of one row, filter byte
																		// included
		private final long[] rowsOfPass;
		private final long expected;
		private long consumed;
		private int pass;
		private long inRow; // bytes of the current row already seen
		private long rowsDone; // rows of the current pass finished
		private final long[] widthOfPass; // pixels of one row, per pass
		/** A palette image's palette entries, once its PLTE is read; else -1. */
		private int entries = -1;
		/**
		 * A palette image's current and previous rows, unfiltered, filter byte left
		 * out: its indices are checked against the palette one row at a time.
		 */
		private byte[] row = new byte[0], previous = new byte[0];
		private int filter;

		private Rows(long width, long height, int channels, int depth,
			boolean interlaced, boolean palette)
		{
			this.palette = palette;
			this.width = width;
			this.height = height;
			this.channels = channels;
			this.depth = depth;
			this.interlaced = interlaced;
			int passes = interlaced ? 7 : 1;
			rowBytes = new long[passes];
			rowsOfPass = new long[passes];
			widthOfPass = new long[passes];
			long total = 0;
			for (int p = 0; p < passes; p++) {
				long w = interlaced ? (width - ADAM7[p][0] + ADAM7[p][2] - 1) /
					ADAM7[p][2] : width;
				long h = interlaced ? (height - ADAM7[p][1] + ADAM7[p][3] - 1) /
					ADAM7[p][3] : height;
				if (w <= 0 || h <= 0) continue;
				rowBytes[p] = 1 + (w * channels * depth + 7) / 8;
				rowsOfPass[p] = h;
				widthOfPass[p] = w;
				total = TiffCheck.plus(total, TiffCheck.times(rowBytes[p], h));
			}
			expected = total;
			skipEmptyPasses();
		}

		static Rows of(byte[] h, String what) {
			if (h.length < 13) throw damaged(what, "PNG",
				"its IHDR chunk is too short");
			long w = readUnsigned(h, 0), ht = readUnsigned(h, 4);
			int depth = h[8] & 0xff, colour = h[9] & 0xff;
			if (w < 1 || ht < 1 || w > Integer.MAX_VALUE || ht > Integer.MAX_VALUE)
				throw damaged(what, "PNG", "its header declares " + w + "x" + ht +
					" pixels");
			int channels = switch (colour) {
				case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 ||
					depth == 16 ? 1 : 0;
				case 2 -> depth == 8 || depth == 16 ? 3 : 0;
				case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 ? 1 : 0;
				case 4 -> depth == 8 || depth == 16 ? 2 : 0;
				case 6 -> depth == 8 || depth == 16 ? 4 : 0;
				default -> 0;
			};
			if (channels == 0) throw damaged(what, "PNG",
				"its header declares colour type " + colour + " with " + depth +
					" bits, which PNG does not have");
			if (h[10] != 0 || h[11] != 0 || (h[12] & 0xff) > 1) throw damaged(what,
				"PNG", "its header declares " +
					"an unknown compression, filter or interlace method");
			return new Rows(w, ht, channels, depth, h[12] == 1, colour == 3);
		}

		private static long readUnsigned(byte[] b, int i) {
			return (b[i] & 0xffL) << 24 | (b[i + 1] & 0xffL) << 16 | (b[i + 2] &
				0xffL) << 8 | b[i + 3] & 0xffL;
		}

		void consume(byte[] buf, int n, String what) {
			for (int i = 0; i < n;) {
				if (pass >= rowBytes.length) {
					consumed += n - i; // trailing bytes after the last row: harmless
					return;
				}
				if (inRow == 0 && (buf[i] & 0xff) > 4) throw damaged(what, "PNG",
					"row " + (rowsDone + 1) + (interlaced ? " of pass " + (pass + 1)
						: "") + " has filter type " + (buf[i] & 0xff) + "; PNG has 0 to 4");
				long take = Math.min(n - i, rowBytes[pass] - inRow);
				boolean indices = checksIndices();
				if (indices) unfilter(buf, i, (int) take);
				inRow += take;
				i += take;
				consumed += take;
				if (inRow == rowBytes[pass]) {
					if (indices) checkIndices(what);
					inRow = 0;
					if (++rowsDone == rowsOfPass[pass]) {
						rowsDone = 0;
						pass++;
						skipEmptyPasses();
					}
				}
			}
		}

		/** Records the palette's size, from its PLTE chunk. */
		void paletteEntries(int n) {
			entries = n;
		}

		/**
		 * Whether the pixels must be looked at: a palette image whose palette holds
		 * fewer entries than its bit depth can index.
		 */
		private boolean checksIndices() {
			return palette && entries >= 0 && entries < 1 << depth;
		}

		/**
		 * Undoes the row's filter on {@code take} bytes of it from
		 * {@code buf[from]}, the first being byte {@link #inRow} of the row (0: the
		 * filter type). A palette pixel is at most one byte: each byte is predicted
		 * from the one before it.
		 */
		private void unfilter(byte[] buf, int from, int take) {
			long at = inRow;
			for (int k = 0; k < take; k++, at++) {
				int v = buf[from + k] & 0xff;
				if (at == 0) {
					filter = v;
					continue;
				}
				int x = (int) (at - 1);
				if (x >= row.length) row = java.util.Arrays.copyOf(row, (int) Math.min(
					rowBytes[pass] - 1, Math.max(64, 2L * row.length)));
				boolean above = rowsDone > 0; // the pass's first row has none
				int a = x > 0 ? row[x - 1] & 0xff : 0, b = above ? previous[x] & 0xff
					: 0, c = above && x > 0 ? previous[x - 1] & 0xff : 0;
				int predicted = switch (filter) {
					case 1 -> a;
					case 2 -> b;
					case 3 -> (a + b) / 2;
					case 4 -> paeth(a, b, c);
					default -> 0;
				};
				row[x] = (byte) (v + predicted);
			}
		}

		private static int paeth(int a, int b, int c) {
			int p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math
				.abs(p - c);
			return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
		}

		/**
		 * Refuses the row just unfiltered if a pixel's index is beyond the palette;
		 * then keeps it as the previous row.
		 */
		private void checkIndices(String what) {
			int mask = (1 << depth) - 1;
			for (long px = 0; px < widthOfPass[pass]; px++) {
				long bit = px * depth;
				int index = row[(int) (bit >>> 3)] >> 8 - depth - (int) (bit & 7) &
					mask;
				if (index >= entries) {
					long x = interlaced ? ADAM7[pass][0] + px * ADAM7[pass][2] : px;
					long y = interlaced ? ADAM7[pass][1] + rowsDone * ADAM7[pass][3]
						: rowsDone;
					throw damaged(what, "PNG", "pixel (" + x + ", " + y +
						") is palette index " + index + ", but its palette holds " +
						entries + (entries == 1 ? " entry" : " entries"));
				}
			}
			byte[] t = previous;
			previous = row;
			row = t;
		}

		private void skipEmptyPasses() {
			while (pass < rowBytes.length && rowsOfPass[pass] == 0)
				pass++;
		}

		long remaining() {
			return Math.max(0, expected - consumed);
		}

		long consumed() {
			return Math.min(consumed, expected);
		}

		long expected() {
			return expected;
		}

		String describe() {
			return width + "x" + height + ", " + channels * depth + "-bit" +
				(interlaced ? " interlaced" : "");
		}
	}
}
