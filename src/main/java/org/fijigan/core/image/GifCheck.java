
package org.fijigan.core.image;

import static org.fijigan.core.image.ImageFileCheck.count;
import static org.fijigan.core.image.ImageFileCheck.damaged;
import static org.fijigan.core.image.ImageFileCheck.truncated;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

import org.fijigan.core.GanException;

/**
 * The GIF part of {@link ImageFileCheck}: the header, colour tables and every
 * block (extensions and images, each a chain of sub-blocks) lie in the file.
 * ImageJ reads a GIF cut inside its third image as a stack of two, without a
 * word. A file that ends between two blocks, after at least one image, is read
 * whole; only its trailer byte is missing. Each image's LZW data are decoded,
 * counting pixels without keeping them, and must give the pixels its descriptor
 * declares: a reader fills what they lack with zeros (a 20000x20000 image of
 * four bytes of data was read as 400 million zeros in 15 s).
 */
final class GifCheck {

	private GifCheck() {}

	static boolean isGif(byte[] head) {
		return head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8';
	}

	/**
	 * @return what its images take in memory once read, at most: each a plane of
	 *         the logical screen, an int a pixel (ImageJ read a one-image GIF as
	 *         RGB, an animated one as 8-bit planes; see
	 *         {@link ImageFileCheck#decodedThenCopied})
	 */
	static long check(FileChannel ch, long size, String what) throws IOException {
		Reader in = new Reader(Channels.newInputStream(ch.position(0)), size, what);
		in.skip(6, "its header");
		byte[] screen = in.bytes(7, "its header");
		int flags = screen[4] & 0xff;
		if ((flags & 0x80) != 0) in.skip(3L << (flags & 7) + 1,
			"its global colour table");
		int images = 0;
		while (true) {
			long at = in.at;
			int block = in.in.read();
			if (block < 0) {
				if (images > 0) // only the trailer is missing
					return requirePlaneFits(what, screen, images);
				throw truncated(what, "it ends at byte " + count(size) +
					" before its first image");
			}
			in.at++;
			switch (block) {
				case 0x21 -> {
					in.skip(1, "an extension at byte " + count(at));
					in.subBlocks("the extension at byte " + count(at));
				}
				case 0x2c -> {
					images++;
					String image = "image " + images + " (at byte " + count(at) + ")";
					byte[] d = in.bytes(9, image);
					long w = (d[4] & 0xff) | (d[5] & 0xff) << 8, h = (d[6] & 0xff) |
						(d[7] & 0xff) << 8;
					int local = d[8] & 0xff;
					if ((local & 0x80) != 0) in.skip(3L << (local & 7) + 1, image);
					int codeSize = in.bytes(1, image)[0] & 0xff;
					// a code size outside GIF's 2-8 is left to the reader
					if (codeSize < 2 || codeSize > 8) in.subBlocks(image);
					else {
						long got = in.lzwPixels(image, codeSize, w * h);
						if (got < w * h) throw damaged(what, "GIF", image + " declares " +
							w + "x" + h + " pixels, but its LZW data give " + count(got) +
							" (a reader would fill the rest with zeros)");
					}
				}
				case 0x3b -> {
					return requirePlaneFits(what, screen, images);
				}
				default -> throw damaged(what, "GIF", "byte " + count(at) + " is 0x" +
					Integer.toHexString(block) +
					", which starts no GIF block (0x21, 0x2c or the trailer 0x3b)");
			}
		}
	}

	/**
	 * The logical screen's size, from its descriptor, checked; returns what
	 * {@code images} planes of it take as ints.
	 */
	private static long requirePlaneFits(String what, byte[] screen, int images) {
		long w = (screen[0] & 0xff) | (screen[1] & 0xff) << 8, h = (screen[2] &
			0xff) | (screen[3] & 0xff) << 8;
		ImageFileCheck.requirePlaneFits(what, w, h);
		return ImageFileCheck.decodedThenCopied(TiffCheck.times(TiffCheck.times(w *
			h, 4), images));
	}

	/** Reads forward, counting bytes; the end of the file is an error. */
	private static final class Reader {

		final InputStream in;
		final long size;
		final String what;
		long at;

		Reader(InputStream raw, long size, String what) {
			this.in = new BufferedInputStream(raw, 1 << 16);
			this.size = size;
			this.what = what;
		}

		byte[] bytes(int n, String where) throws IOException {
			byte[] b = in.readNBytes(n);
			at += b.length;
			if (b.length < n) throw cut(where);
			return b;
		}

		void skip(long n, String where) throws IOException {
			for (long left = n; left > 0;) {
				long k = in.skip(left);
				if (k <= 0) {
					if (in.read() < 0) throw cut(where);
					k = 1;
				}
				left -= k;
				at += k;
			}
		}

		void subBlocks(String where) throws IOException {
			while (true) {
				int n = in.read();
				if (n < 0) throw cut(where);
				at++;
				if (n == 0) return;
				skip(n, where);
			}
		}

		/**
		 * Reads an image's chain of sub-blocks and decodes its LZW codes (variable
		 * width, least significant bit first, a clear code restarting the
		 * dictionary) as a decoder does, keeping only each dictionary entry's
		 * length: the pixels the data give, up to {@code need}, where a decoder
		 * stops. A code not yet defined ends the count, as it ends decoding.
		 */
		long lzwPixels(String where, int minSize, long need) throws IOException {
			int clear = 1 << minSize, end = clear + 1;
			int[] length = new int[4096];
			java.util.Arrays.fill(length, 0, clear, 1);
			int next = clear + 2, size = minSize + 1, prev = -1;
			long pixels = 0;
			int bits = 0, acc = 0;
			boolean done = need == 0;
			while (true) {
				int n = in.read();
				if (n < 0) throw cut(where);
				at++;
				if (n == 0) return pixels;
				byte[] block = bytes(n, where);
				for (int k = 0; k < n && !done; k++) {
					acc |= (block[k] & 0xff) << bits;
					bits += 8;
					while (bits >= size && !done) {
						int code = acc & (1 << size) - 1;
						acc >>>= size;
						bits -= size;
						if (code == clear) {
							next = clear + 2;
							size = minSize + 1;
							prev = -1;
							continue;
						}
						int l;
						if (code == end) {
							done = true;
							break;
						}
						else if (code < clear || code > end && code < next) l =
							length[code];
						else if (code == next && prev >= 0 && next < 4096) l =
							length[prev] + 1;
						else {
							done = true; // a code not yet defined
							break;
						}
						if (prev >= 0 && next < 4096) length[next++] = length[prev] + 1;
						prev = code;
						pixels += l;
						if (next == 1 << size && size < 12) size++;
						if (pixels >= need) done = true;
					}
				}
			}
		}

		private GanException cut(String where) {
			return truncated(what, "it ends at byte " + count(size) + ", inside " +
				where);
		}
	}
}
