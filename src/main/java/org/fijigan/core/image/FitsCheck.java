
package org.fijigan.core.image;

import org.fijigan.core.io.FileChannels;
import static org.fijigan.core.image.ImageFileCheck.count;
import static org.fijigan.core.image.ImageFileCheck.damaged;
import static org.fijigan.core.image.ImageFileCheck.truncated;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Numbers;

/**
 * The FITS part of {@link ImageFileCheck}: the primary header (80-character
 * cards in blocks of 2,880 bytes, up to {@code END}) and the data array its
 * {@code BITPIX} and {@code NAXISn} declare lie in the file. ImageJ's reader
 * filled a cut file's missing rows with zeros, and took a 4 KB file that
 * declares 50,000 x 40,000 pixels as a request for 4 GB.
 */
final class FitsCheck {

	private static final int BLOCK = 2880, CARD = 80;
	/** Headers longer than this many blocks are not read to their end. */
	private static final int MAX_BLOCKS = 10_000;

	private FitsCheck() {}

	static boolean isFits(byte[] head) {
		return new String(head, 0, 8, StandardCharsets.ISO_8859_1).equals(
			"SIMPLE  ");
	}

	/**
	 * @return {@code BSCALE} and {@code BZERO} when they are not 1 and 0 (the
	 *         data are {@code BZERO + BSCALE x stored}: unsigned 16-bit is stored
	 *         signed with BZERO 32768), else null; and what the primary array
	 *         takes in memory once read (at most 4 bytes a value: ImageJ reads
	 *         64-bit values as float)
	 */
	static ImageFileCheck.Findings.Fits check(FileChannel ch, long size,
		String what) throws IOException
	{
		Map<String, String> cards = new HashMap<>();
		ByteBuffer block = ByteBuffer.allocate(BLOCK);
		long at = 0;
		for (int b = 0;; b++) {
			// not read to its end: ImageJ decides
			if (b == MAX_BLOCKS) return new ImageFileCheck.Findings.Fits(null, 0);
			block.clear();
			if (FileChannels.readAt(ch, block, at) < BLOCK) throw truncated(what,
				"it ends at byte " + count(size) + ", inside its header (no END card)");
			at += BLOCK;
			String text = new String(block.array(), StandardCharsets.ISO_8859_1);
			for (int c = 0; c < BLOCK; c += CARD) {
				String key = text.substring(c, c + 8).trim();
				if (key.equals("END")) {
					long values = data(cards, at, size, what);
					double scale = fitsNumber(cards.get("BSCALE"), 1), zero = fitsNumber(
						cards.get("BZERO"), 0);
					return new ImageFileCheck.Findings.Fits(scale == 1 && zero == 0 ? null
						: new double[] { scale, zero }, TiffCheck.times(values, Math.min(4,
							Math.abs(Long.parseLong(cards.get("BITPIX"))) / 8)));
				}
				if (text.startsWith("= ", c + 8)) cards.putIfAbsent(key, value(text
					.substring(c + 10, c + CARD)));
			}
		}
	}

	/** A card's number (FITS may write 1.5D3 for 1.5E3), or {@code otherwise}. */
	private static double fitsNumber(String value, double otherwise) {
		return Numbers.parseOr(value == null ? null : value.replace('D', 'E'),
			otherwise);
	}

	/** A card's value: the text before a comment, unquoted. */
	private static String value(String field) {
		String v = field.strip();
		int slash = v.indexOf('/');
		if (!v.startsWith("'") && slash >= 0) v = v.substring(0, slash).strip();
		return v;
	}

	/**
	 * Checks the primary array lies in the file; returns its number of values.
	 */
	private static long data(Map<String, String> cards, long start, long size,
		String what)
	{
		long bitpix, axes, bytes;
		try {
			bitpix = Long.parseLong(cards.getOrDefault("BITPIX", ""));
			axes = Long.parseLong(cards.getOrDefault("NAXIS", ""));
		}
		catch (NumberFormatException e) {
			throw damaged(what, "FITS", "its header has no BITPIX or NAXIS number");
		}
		if (bitpix != 8 && bitpix != 16 && bitpix != 32 && bitpix != 64 &&
			bitpix != -32 && bitpix != -64) throw damaged(what, "FITS",
				"its header declares BITPIX " + bitpix +
					"; FITS has 8, 16, 32, 64, -32 and -64");
		if (axes < 0 || axes > 999) throw damaged(what, "FITS",
			"its header declares NAXIS " + axes + "; FITS has 0 to 999");
		if (axes == 0) throw new GanException(what +
			" is a FITS file without a primary image (NAXIS 0; its data are in " +
			"extensions), and ImageJ's reader reads the primary image only: save the " +
			"extension's image as a FITS or TIFF file of its own");
		bytes = Math.abs(bitpix) / 8;
		StringBuilder shape = new StringBuilder();
		for (int i = 1; i <= axes; i++) {
			long n;
			try {
				n = Long.parseLong(cards.getOrDefault("NAXIS" + i, ""));
			}
			catch (NumberFormatException e) {
				throw damaged(what, "FITS", "its header has no NAXIS" + i + " number");
			}
			if (n < 0) throw damaged(what, "FITS", "its header declares NAXIS" + i +
				" " + n);
			bytes = TiffCheck.times(bytes, n);
			shape.append(i > 1 ? "x" : "").append(n);
		}
		if (bytes > size - start) throw truncated(what, "its header declares " +
			shape + " pixels of " + Math.abs(bitpix) + " bits (" + count(bytes) +
			" bytes from byte " + count(start) + "), but the file ends at byte " +
			count(size));
		ImageFileCheck.requirePlaneFits(what, Long.parseLong(cards.get("NAXIS1")),
			axes > 1 ? Long.parseLong(cards.get("NAXIS2")) : 1);
		return bytes / (Math.abs(bitpix) / 8);
	}
}
