
package org.fijigan.core.image;

import org.fijigan.core.io.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * How many bytes a compressed TIFF strip or tile decodes to, counted without
 * keeping them: a reader fills what a strip lacks with zeros, so a strip that
 * decodes to fewer bytes than its rows need, or not at all, must be refused
 * before it is read. Streams the strip in 64 KiB pieces and stops as soon as
 * the bytes needed are there (Deflate: at the stream's end, which ImageJ's
 * reader waits for, or once the stream gives more than its strip may hold), so
 * the cost is bounded by the strip's size. Deflate (TIFF compression 8 and
 * 32946), PackBits (32773) and LZW (5, as TIFF 6.0 writes it) are counted;
 * others are not known here.
 */
final class StripDecoding {

	private static final int CHUNK = 1 << 16;

	/**
	 * A Deflate stream whose data stop before its final block: ImageJ's reader
	 * inflates until the stream says it is finished, and on such a strip it never
	 * stops (found by a fuzz: a mutated strip kept it busy for 15 minutes until
	 * killed).
	 */
	static final long UNENDED = -3;

	/**
	 * A Deflate stream that goes on past the bytes its strip may hold: ImageJ's
	 * reader inflates a strip to its end and keeps every byte, so a few megabytes
	 * of such data (a "decompression bomb") would take gigabytes.
	 */
	static final long TOO_LONG = -4;

	/**
	 * What a Deflate strip may decode to beyond the bytes its rows need: a last
	 * strip written with all of RowsPerStrip's rows, and 64 KiB of padding.
	 */
	static long mostBytes(long need, long fullPiece) {
		return Math.max(need, fullPiece) + CHUNK;
	}

	private StripDecoding() {}

	/** Whether {@link #decodedBytes} can count this compression. */
	static boolean counts(long compression) {
		return compression == 8 || compression == 32946 || compression == 32773 ||
			compression == 5;
	}

	/**
	 * The bytes the strip at {@code at} ({@code bytes} long) decodes to, or
	 * {@code need} as soon as it reaches that many.
	 *
	 * @return the count, or -1 when the data cannot be decoded at all (not the
	 *         compression it claims), or -2 for LZW data of the old, pre-TIFF-6
	 *         kind, which this count does not read, or {@link #UNENDED} for a
	 *         Deflate stream that gives the bytes needed but stops before its
	 *         final block, or {@link #TOO_LONG} for a Deflate stream that gives
	 *         more than {@code most} bytes (counting stops there)
	 */
	static long decodedBytes(FileChannel ch, long at, long bytes,
		long compression, long need, long most) throws IOException
	{
		Source in = new Source(ch, at, bytes);
		return switch ((int) compression) {
			case 8, 32946 -> inflate(in, need, most);
			case 32773 -> unpackBits(in, need);
			case 5 -> lzw(in, need);
			default -> throw new IllegalArgumentException("compression " +
				compression);
		};
	}

	/** The strip's bytes, read a chunk at a time. */
	private static final class Source {

		private final FileChannel ch;
		private final long end;
		private long next;
		private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);

		Source(FileChannel ch, long at, long bytes) {
			this.ch = ch;
			this.next = at;
			this.end = at + bytes;
			buf.limit(0);
		}

		/** The next chunk, or null at the end. */
		ByteBuffer chunk() throws IOException {
			if (buf.hasRemaining()) return buf;
			if (next >= end) return null;
			buf.clear();
			buf.limit((int) Math.min(CHUNK, end - next));
			FileChannels.readAt(ch, buf, next);
			buf.flip();
			next += buf.limit();
			return buf.hasRemaining() ? buf : null;
		}

		/** The next byte (0-255), or -1 at the end. */
		int read() throws IOException {
			ByteBuffer b = chunk();
			return b == null ? -1 : b.get() & 0xff;
		}
	}

	private static long inflate(Source in, long need, long most)
		throws IOException
	{
		Inflater inflater = new Inflater();
		try {
			byte[] out = new byte[CHUNK];
			long count = 0;
			while (!inflater.finished()) {
				if (inflater.needsInput()) {
					ByteBuffer b = in.chunk();
					if (b == null) return count < need ? count : UNENDED;
					inflater.setInput(b.array(), b.position(), b.remaining());
					b.position(b.limit());
				}
				int n = inflater.inflate(out);
				count += n;
				if (count > most) return TOO_LONG;
				if (n == 0 && inflater.needsDictionary()) return -1;
			}
			return Math.min(count, need);
		}
		catch (DataFormatException e) {
			return -1;
		}
		finally {
			inflater.end();
		}
	}

	private static long unpackBits(Source in, long need) throws IOException {
		long count = 0;
		while (count < need) {
			int header = in.read();
			if (header < 0) break;
			byte n = (byte) header;
			if (n >= 0) { // n + 1 literal bytes
				for (int i = 0; i <= n; i++)
					if (in.read() < 0) return count;
				count += n + 1;
			}
			else if (n != -128) { // one byte repeated 1 - n times
				if (in.read() < 0) return count;
				count += 1 - n;
			}
		}
		return Math.min(count, need);
	}

	/**
	 * TIFF 6.0 LZW: codes of 9 to 12 bits, most significant bit first, 256 clears
	 * the table, 257 ends, and the code width grows one code early. Counts the
	 * length of each code's string only.
	 */
	private static long lzw(Source in, long need) throws IOException {
		int first = in.read(), second = in.read();
		if (first < 0) return 0;
		if (first == 0 && second >= 0 && (second & 1) == 1) return -2; // old kind
		int[] length = new int[4096];
		for (int i = 0; i < 256; i++)
			length[i] = 1;
		long count = 0;
		int width = 9, next = 258, previous = -1;
		long bits = (long) first << 8 | Math.max(0, second);
		int held = second < 0 ? 8 : 16;
		while (count < need) {
			while (held < width) {
				int b = in.read();
				if (b < 0) return Math.min(count, need);
				bits = bits << 8 | b;
				held += 8;
			}
			int code = (int) (bits >>> held - width) & (1 << width) - 1;
			held -= width;
			bits &= (1L << held) - 1;
			if (code == 257) break;
			if (code == 256) {
				width = 9;
				next = 258;
				previous = -1;
				continue;
			}
			int len;
			if (code < next && (code < 256 || code >= 258)) len = length[code];
			else if (code == next && previous >= 0) len = length[previous] + 1;
			else return -1; // a code not yet defined: not LZW data
			count += len;
			if (previous >= 0 && next < 4096) length[next++] = length[previous] + 1;
			previous = code;
			if (next + 1 >= 1 << width && width < 12) width++;
		}
		return Math.min(count, need);
	}
}
