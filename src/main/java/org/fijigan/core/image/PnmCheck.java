
package org.fijigan.core.image;

import org.fijigan.core.io.FileChannels;
import static org.fijigan.core.image.ImageFileCheck.count;
import static org.fijigan.core.image.TiffCheck.times;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import org.fijigan.core.GanException;

/**
 * The PBM/PGM/PPM part of {@link ImageFileCheck}: a whole header (magic, width,
 * height and, but for a bitmap, the largest value, with comments), a positive
 * size, and pixels enough for it after the header: exactly counted for the
 * binary kinds (P4, P5, P6), at least one digit and a separator per value for
 * the text kinds (P1, P2, P3). ImageJ's reader fills what a cut file lacks with
 * zeros.
 */
final class PnmCheck {

	private final FileChannel ch;
	private final long size;
	private final String what;
	private final ByteBuffer head;
	private int at = 2;

	private PnmCheck(FileChannel ch, long size, String what) throws IOException {
		this.ch = ch;
		this.size = size;
		this.what = what;
		head = ByteBuffer.allocate((int) Math.min(size, 4096));
		FileChannels.readAt(ch, head, 0);
		head.flip();
	}

	static boolean isPnm(byte[] head) {
		return head[0] == 'P' && head[1] >= '1' && head[1] <= '6' && Character
			.isWhitespace(head[2]);
	}

	/**
	 * @return what its pixels take in memory once read: grey a byte or a short a
	 *         pixel, colour an int (three shorts when 16-bit)
	 */
	static long check(FileChannel ch, long size, String what) throws IOException {
		return new PnmCheck(ch, size, what).walk();
	}

	private long walk() {
		int kind = head.get(1) - '0';
		long w = number("width"), h = number("height");
		long max = kind == 1 || kind == 4 ? 1 : number("largest value");
		if (w <= 0 || h <= 0 || max <= 0 || max > 65535) throw damaged(
			"its header declares " + w + "x" + h + " pixels of values up to " + max);
		long values = times(times(w, h), kind == 3 || kind == 6 ? 3 : 1);
		long data = size - (at + 1L); // one whitespace after the header
		long need = kind == 4 ? times((w + 7) / 8, h) : kind >= 5 ? times(values,
			max < 256 ? 1 : 2) : times(values, 2) - 1; // a digit and a separator per
																									// value at least
		String unit = kind >= 4 ? "bytes of pixels"
			: "bytes of text (a digit and a space per value at least)";
		if (need > data) throw ImageFileCheck.truncated(what, "its header " +
			"declares " + w + "x" + h + " pixels, which need " +
			(need == Long.MAX_VALUE ? "more" : count(need)) + " " + unit +
			", but the file holds " + count(Math.max(0, data)) + " after its header");
		ImageFileCheck.requirePlaneFits(what, w, h);
		boolean colour = kind == 3 || kind == 6;
		return times(times(w, h), colour ? max < 256 ? 4 : 6 : max < 256 ? 1 : 2);
	}

	/** The next number of the header, past whitespace and comments. */
	private long number(String name) {
		while (true) {
			if (at >= head.limit()) throw truncated(name);
			byte b = head.get(at);
			if (b == '#') {
				while (at < head.limit() && head.get(at) != '\n' && head.get(
					at) != '\r')
					at++;
			}
			else if (Character.isWhitespace(b)) at++;
			else break;
		}
		long n = 0;
		int digits = 0;
		while (at < head.limit() && head.get(at) >= '0' && head.get(at) <= '9') {
			if (++digits > 12) throw damaged("its " + name +
				" has more than 12 digits");
			n = n * 10 + head.get(at++) - '0';
		}
		if (digits == 0) throw damaged("its header has no number for its " + name);
		if (at >= head.limit()) throw truncated(name);
		return n;
	}

	private GanException truncated(String name) {
		return ImageFileCheck.truncated(what, "it ends at byte " + count(size) +
			", inside its header (at its " + name + ")");
	}

	private GanException damaged(String why) {
		return ImageFileCheck.damaged(what, "PBM/PGM/PPM", why);
	}
}
