
package org.fijigan.core.image;

import static org.fijigan.core.image.ImageFileCheck.count;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

import org.fijigan.core.GanException;

/**
 * The JPEG part of {@link ImageFileCheck}: every marker segment lies in the
 * file, the image data run up to an end-of-image marker, and a baseline
 * (sequential Huffman) image has at least the two bits per 8x8 block that the
 * shortest codes need, so a header claiming far more pixels than the data
 * encode is refused. A decoder fills what a cut-off file lacks with grey.
 */
final class JpegCheck {

	static void check(FileChannel ch, long size, String what) throws IOException {
		new JpegCheck(new BufferedInputStream(Channels.newInputStream(ch.position(
			2)), 1 << 16), size, what).walk();
	}

	private final InputStream in;
	private final long size;
	private final String what;
	private long at = 2; // bytes read so far, the start-of-image marker included
	private int pending = -1; // a marker already read at the end of the image
														// data
	private long scanBytes;
	private long blocks = -1;
	private boolean baseline;
	private long width, height; // of the last frame header

	private JpegCheck(InputStream in, long size, String what) {
		this.in = in;
		this.size = size;
		this.what = what;
	}

	private void walk() throws IOException {
		try {
			while (true) {
				int marker = nextMarker();
				if (marker == 0xd9) break; // end of image
				if (marker >= 0xd0 && marker <= 0xd7 || marker == 0x01) continue; // no
																																					// length
				long start = at - 2;
				int length = read() << 8 | read();
				if (length < 2) throw damaged("the marker segment at byte " + count(
					start) + " has length " + length);
				if (start + 2 + length > size) throw truncated(
					"the marker segment at byte " + count(start) + " needs " + count(
						length + 2) + " bytes, but the file ends at byte " + count(size));
				byte[] segment = in.readNBytes(length - 2);
				if (segment.length < length - 2) throw new EOFException();
				at += length - 2;
				boolean frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 &&
					marker != 0xc8 && marker != 0xcc;
				if (frame && segment.length >= 5) {
					long h = (segment[1] & 0xff) << 8 | segment[2] & 0xff;
					long w = (segment[3] & 0xff) << 8 | segment[4] & 0xff;
					width = w;
					height = h;
					baseline = marker == 0xc0 || marker == 0xc1;
					blocks = h == 0 ? -1 : ((w + 7) / 8) * ((h + 7) / 8);
				}
				if (marker == 0xda) pending = scan();
			}
		}
		catch (EOFException e) {
			throw truncated("it ends at byte " + count(size) +
				" before its end-of-image marker");
		}
		if (baseline && blocks > 0 && scanBytes * 4 < blocks) throw damaged(
			"its header declares " + count(blocks) +
				" blocks of 8x8 pixels, which need at least " + count((blocks + 3) /
					4) + " bytes of image data, but it holds " + count(scanBytes));
		ImageFileCheck.requirePlaneFits(what, width, height);
	}

	/**
	 * The next marker's code, after its 0xFF and any fill bytes. Stray bytes
	 * before it are skipped, as decoders do (they warn of "extraneous bytes
	 * before marker" and read on).
	 */
	private int nextMarker() throws IOException {
		if (pending >= 0) {
			int m = pending;
			pending = -1;
			return m;
		}
		int m;
		do {
			while (read() != 0xff) {
				// a stray byte
			}
			do
				m = read();
			while (m == 0xff);
		}
		while (m == 0x00); // a stuffed zero is no marker
		return m;
	}

	/**
	 * Reads entropy-coded data up to the next marker that is neither a stuffed
	 * zero nor a restart, counting its bytes; returns that marker's code.
	 */
	private int scan() throws IOException {
		while (true) {
			int c = read();
			if (c != 0xff) {
				scanBytes++;
				continue;
			}
			int d;
			do
				d = read();
			while (d == 0xff);
			if (d == 0x00 || d >= 0xd0 && d <= 0xd7) scanBytes += 2;
			else return d;
		}
	}

	private int read() throws IOException {
		int b = in.read();
		if (b < 0) throw new EOFException();
		at++;
		return b;
	}

	private GanException truncated(String why) {
		return ImageFileCheck.truncated(what, why);
	}

	private GanException damaged(String why) {
		return ImageFileCheck.damaged(what, "JPEG", why);
	}
}
