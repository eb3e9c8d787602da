
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
 * shortest codes need (any other Huffman-coded image, progressive ones
 * included, at least the one bit of its DC code), so a header claiming far more
 * pixels than the data encode is refused before a decoder allocates them. A
 * decoder fills what a cut-off file lacks with grey. A JPEG of other than one
 * or three colour components (CMYK or YCCK, made for print) is refused too:
 * ImageIO reads its four as planes of a stack, ImageJ not at all. The Exif
 * orientation, which only says how a viewer should turn the stored pixels, is
 * read for the reader to mention.
 */
final class JpegCheck {

	/**
	 * @return the Exif orientation (1-8, 0 when the file has none) and what the
	 *         pixels take in memory (grey a byte a pixel, colour an int; see
	 *         {@link ImageFileCheck#decodedThenCopied})
	 */
	static ImageFileCheck.Findings.Jpeg check(FileChannel ch, long size,
		String what) throws IOException
	{
		JpegCheck check = new JpegCheck(new BufferedInputStream(Channels
			.newInputStream(ch.position(2)), 1 << 16), size, what);
		check.walk();
		return new ImageFileCheck.Findings.Jpeg(check.orientation, ImageFileCheck
			.decodedThenCopied(TiffCheck.times(TiffCheck.times(check.width,
				check.height), check.components == 1 ? 1 : 4)));
	}

	private final InputStream in;
	private final long size;
	private final String what;
	private long at = 2; // bytes read so far, the start-of-image marker included
	private int pending = -1; // a marker already read at the end of the image
														// data
	private long scanBytes;
	private long blocks = -1;
	private boolean baseline, huffman;
	private long width, height; // of the last frame header
	private int orientation, components;

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
					huffman = marker <= 0xc7; // 0xc9-0xcf are arithmetic-coded
					blocks = h == 0 ? -1 : ((w + 7) / 8) * ((h + 7) / 8);
					components = segment.length > 5 ? segment[5] & 0xff : 0;
					if (components == 4) throw new GanException(what +
						" is a JPEG of 4 colour components (CMYK or YCCK, made for print), " +
						"which fiji-gan does not read, nor does ImageJ: save it as RGB or grey first");
					if (components != 1 && components != 3) throw damaged(
						"its frame header declares " + components +
							" colour components (1 for grey or 3 for colour)");
				}
				if (marker == 0xe1 && orientation == 0) orientation = exifOrientation(
					segment);
				if (marker == 0xda) pending = scan();
			}
		}
		catch (EOFException e) {
			throw truncated("it ends at byte " + count(size) +
				" before its end-of-image marker");
		}
		int blocksPerByte = baseline ? 4 : 8;
		if (huffman && blocks > 0 && scanBytes * blocksPerByte < blocks)
			throw damaged("its header declares " + count(blocks) +
				" blocks of 8x8 pixels, which need at least " + count((blocks +
					blocksPerByte - 1) / blocksPerByte) +
				" bytes of image data, but it holds " + count(scanBytes));
		ImageFileCheck.requirePlaneFits(what, width, height);
	}

	/**
	 * The orientation tag (274) of the first image file directory of an Exif
	 * segment (APP1 starting "Exif\0\0", then a TIFF header), when it is one of
	 * the eight that the Exif standard defines; else 0. A damaged Exif segment is
	 * ignored, as decoders ignore it.
	 */
	static int exifOrientation(byte[] app1) {
		if (app1.length < 14 || app1[0] != 'E' || app1[1] != 'x' ||
			app1[2] != 'i' || app1[3] != 'f' || app1[4] != 0 || app1[5] != 0)
			return 0;
		java.nio.ByteBuffer tiff = java.nio.ByteBuffer.wrap(app1, 6, app1.length -
			6).slice();
		if (tiff.get(0) == 'I' && tiff.get(1) == 'I') tiff.order(
			java.nio.ByteOrder.LITTLE_ENDIAN);
		else if (tiff.get(0) != 'M' || tiff.get(1) != 'M') return 0;
		if (tiff.getShort(2) != 42) return 0;
		long ifd = tiff.getInt(4) & 0xffffffffL;
		if (ifd < 8 || ifd + 2 > tiff.limit()) return 0;
		int entries = tiff.getShort((int) ifd) & 0xffff;
		for (int i = 0; i < entries; i++) {
			long at = ifd + 2 + 12L * i;
			if (at + 12 > tiff.limit()) return 0;
			int tag = tiff.getShort((int) at) & 0xffff, type = tiff.getShort(
				(int) at + 2) & 0xffff;
			if (tag != 274) continue;
			int value = type == 3 ? tiff.getShort((int) at + 8) & 0xffff : type == 4
				? tiff.getInt((int) at + 8) : 0;
			return value >= 1 && value <= 8 ? value : 0;
		}
		return 0;
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
