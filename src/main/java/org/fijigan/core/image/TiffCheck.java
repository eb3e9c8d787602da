
package org.fijigan.core.image;

import org.fijigan.core.io.FileChannels;
import static org.fijigan.core.image.ImageFileCheck.count;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fijigan.core.GanException;

/**
 * The TIFF part of {@link ImageFileCheck}: walks every image file directory
 * (IFD) of a classic or BigTIFF file and checks, for each image, that the
 * directory and the values it points to lie in the file, that it lists a strip
 * (or tile) for every row (or tile) its width and height need, and that the
 * strips hold the pixels:
 * <ul>
 * <li>uncompressed: every strip's rows, {@code ceil(width * bits / 8)} bytes
 * each, lie in the file and in the strip's declared byte count;</li>
 * <li>compressed: every strip's declared bytes lie in the file, and for LZW,
 * Deflate and PackBits the declared pixels are no more than those bytes can
 * decode to (PackBits at most 64 bytes per byte, Deflate 1,032, LZW 4,096), and
 * each strip does decode to the bytes its rows need ({@link StripDecoding}: a
 * reader would fill the rest with zeros);</li>
 * <li>an ImageJ stack ({@code ImageJ=... images=N} in the first description,
 * read by ImageJ as N planes one after the other from the first strip) has room
 * for all N planes.</li>
 * </ul>
 */
final class TiffCheck {

	/** More directories than any stack has: a loop or a hostile file. */
	static final int MAX_DIRECTORIES = 1 << 20;
	private static final int RATIONAL = 5;
	private static final int WIDTH = 256, LENGTH = 257, BITS = 258, COMPRESSION =
		259, DESCRIPTION = 270, STRIP_OFFSETS = 273, SAMPLES = 277, ROWS_PER_STRIP =
			278, STRIP_BYTES = 279, PLANAR = 284, TILE_WIDTH = 322, TILE_LENGTH = 323,
			TILE_OFFSETS = 324, TILE_BYTES = 325, SAMPLE_FORMAT = 339,
			NEW_SUBFILE_TYPE = 254, PHOTOMETRIC = 262, EXTRA_SAMPLES = 338,
			PREDICTOR = 317, X_RESOLUTION = 282, Y_RESOLUTION = 283, RESOLUTION_UNIT =
				296, JPEG_TABLES = 347, FILL_ORDER = 266, COLOR_MAP = 320;
	/**
	 * The most bytes of JPEG tables (quantisation and Huffman) a page may share.
	 */
	private static final int MAX_JPEG_TABLES = 1 << 20;
	/**
	 * The compressions ImageJ's TIFF reader decodes: none, LZW, JPEG, Deflate
	 * (both codes) and PackBits.
	 */
	private static final Set<Long> READABLE_COMPRESSIONS = Set.of(1L, 5L, 7L, 8L,
		32773L, 32946L);
	private static final Set<Integer> READ = Set.of(WIDTH, LENGTH, BITS,
		COMPRESSION, DESCRIPTION, STRIP_OFFSETS, SAMPLES, ROWS_PER_STRIP,
		STRIP_BYTES, PLANAR, TILE_WIDTH, TILE_LENGTH, TILE_OFFSETS, TILE_BYTES,
		SAMPLE_FORMAT, NEW_SUBFILE_TYPE, PHOTOMETRIC, EXTRA_SAMPLES, PREDICTOR,
		X_RESOLUTION, Y_RESOLUTION, RESOLUTION_UNIT, JPEG_TABLES, FILL_ORDER,
		COLOR_MAP);
	private static final Pattern IMAGEJ_IMAGES = Pattern.compile(
		"\\bimages=(\\d{1,9})\\b");

	private final FileChannel ch;
	private final long size;
	private final String what;
	/** The first page's size and samples, which every full page must share. */
	private String firstPage;
	private ByteOrder order;
	private boolean big;
	/** Whether an image holds unsigned 32-bit integers. */
	private boolean unsigned32;
	private final String fileName;
	/** Full pages (not reduced-resolution images or masks) seen so far. */
	private int fullPages;
	/**
	 * What the full pages take in memory (see {@link #pixelBytes}), and what an
	 * ImageJ stack's planes take ({@code images=N} in its description).
	 */
	private long fullPageBytes, imageJStackBytes;
	/** The first page's OME-XML, when it has one. */
	private String omeXml;
	private OmeTiff.Layout omeLayout;
	/**
	 * The full pages, for a BigTIFF or a tiled TIFF, which ImageJ's reader cannot
	 * open; no longer kept ({@code pagesDropped}) once a classic stripped TIFF
	 * has more strips than are kept.
	 */
	private final List<TiffPage> pages = new ArrayList<>();
	private boolean pagesDropped;
	/** Whether a page is tiled. */
	private boolean tiledPages;
	private boolean jpegPages;
	/** The strips or tiles of the pages kept, and the most kept. */
	private long keptPieces;
	static final long MAX_KEPT_PIECES = 1 << 22;
	/**
	 * The first page's resolution tag that is no size (0/1 or 1/0), as "tag N/D",
	 * or null.
	 */
	private String noResolution;
	/** Whether an image has 3 or 4 samples per pixel of 16 bits. */
	private boolean rgb16;
	/** Whether an image is 16-bit RGB with a fourth sample that is alpha. */
	private boolean alpha16;

	/** One directory entry: its type, count and where its values start. */
	private record Entry(int type, long count, long valuesAt) {
	}

	TiffCheck(FileChannel ch, long size, String what, String fileName) {
		this.ch = ch;
		this.size = size;
		this.what = what;
		this.fileName = fileName;
	}

	/**
	 * Where the OME-XML of an OME-TIFF puts its pages (channels, slices and
	 * frames), or null for any other TIFF.
	 */
	OmeTiff.Layout omeLayout() {
		return omeLayout;
	}

	/**
	 * The full pages of a BigTIFF, of a tiled TIFF or of a TIFF compressed with
	 * JPEG, where their pixels are, for a reader to open one by one (ImageJ's
	 * reader reads neither of the first two, and decodes JPEG strips wrongly);
	 * null for any other TIFF.
	 */
	List<TiffPage> ownPages() {
		return big || tiledPages || jpegPages ? List.copyOf(pages) : null;
	}

	/**
	 * The first page's resolution tag whose value is no size (a numerator or
	 * denominator of 0), as "XResolution 1/0", which ImageJ's reader takes as a
	 * pixel of 1 in the resolution unit (1 cm); null when both are sizes or
	 * absent.
	 */
	String noResolution() {
		return noResolution;
	}

	/**
	 * Whether an image of the file checked holds unsigned 32-bit integers, which
	 * ImageJ's reader takes as signed (values from 2^31 up as negative).
	 */
	boolean unsigned32() {
		return unsigned32;
	}

	/**
	 * Whether an image of the file checked is 16-bit RGB with a fourth sample
	 * that is alpha (ExtraSamples 1 or 2, or none said), which ImageJ's reader
	 * keeps as a fourth channel, where it drops the alpha of 8-bit RGB.
	 */
	boolean alpha16() {
		return alpha16;
	}

	/**
	 * How many bytes the full pages take in memory as ImageJ holds them (8-bit
	 * colour as one int a pixel, 16-bit colour as a short a sample, any other
	 * sample as a byte, short or float): what reading the file allocates.
	 */
	long pixelBytes() {
		return Math.max(fullPageBytes, imageJStackBytes);
	}

	/**
	 * Whether an image of the file checked has 3 or 4 samples per pixel of 16
	 * bits, which ImageJ's reader reads as channels from one page but as a stack
	 * of planes from several (and with a fourth sample, wrongly).
	 */
	boolean rgb16() {
		return rgb16;
	}

	static boolean isTiff(byte[] head) {
		boolean ii = head[0] == 'I' && head[1] == 'I', mm = head[0] == 'M' &&
			head[1] == 'M';
		if (!ii && !mm) return false;
		int magic = ii ? (head[2] & 0xff) | (head[3] & 0xff) << 8 : (head[2] &
			0xff) << 8 | head[3] & 0xff;
		return magic == 42 || magic == 43;
	}

	void check() throws IOException {
		ByteBuffer h = read(0, (int) Math.min(16, size));
		order = h.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
		h.order(order);
		big = (h.getShort(2) & 0xffff) == 43;
		if (h.limit() < (big ? 16 : 8)) throw truncated(
			"it ends inside its TIFF header");
		long ifd = big ? h.getLong(8) : h.getInt(4) & 0xffffffffL;
		if (big && (h.getShort(4) != 8 || h.getShort(6) != 0)) throw damaged(
			"its BigTIFF header is invalid");
		Set<Long> seen = new HashSet<>();
		int index = 0;
		while (ifd != 0) {
			if (!seen.add(ifd)) throw damaged("its image directories form a loop");
			if (++index > MAX_DIRECTORIES) throw damaged("it has more than " + count(
				MAX_DIRECTORIES) + " image directories");
			ifd = directory(ifd, index);
		}
		if (index == 0) throw damaged("it has no image directory");
		if (omeXml != null) omeLayout = OmeTiff.parse(omeXml, fileName, fullPages,
			what);
	}

	/**
	 * Checks directory {@code index} (1-based) at {@code at}; returns the next
	 * one's offset.
	 */
	private long directory(long at, int index) throws IOException {
		int countBytes = big ? 8 : 2, entryBytes = big ? 20 : 12, nextBytes = big
			? 8 : 4;
		if (at < 0 || at + countBytes > size) throw truncated("image directory " +
			index + " is said to start at byte " + count(at) + ", beyond its end");
		long n = big ? read(at, 8).getLong(0) : read(at, 2).getShort(0) & 0xffff;
		long end = at + countBytes + n * entryBytes + nextBytes;
		if (n < 0 || n > (size - at) / entryBytes || end > size) throw truncated(
			"image directory " + index + " (" + n + " entries from byte " + count(
				at) + ") runs past its end");
		ByteBuffer b = read(at + countBytes, (int) (n * entryBytes + nextBytes));
		Map<Integer, Entry> entries = new HashMap<>();
		for (int i = 0; i < n; i++) {
			int p = i * entryBytes;
			int tag = b.getShort(p) & 0xffff, type = b.getShort(p + 2) & 0xffff;
			long count = big ? b.getLong(p + 4) : b.getInt(p + 4) & 0xffffffffL;
			int typeBytes = typeBytes(type);
			if (!READ.contains(tag)) continue;
			boolean metadata = tag == X_RESOLUTION || tag == Y_RESOLUTION ||
				tag == RESOLUTION_UNIT;
			// ImageJ's reader takes a type TIFF does not define as 4-byte values,
			// as many as the count says: a count of 2^30 made it allocate 4 GB
			if (typeBytes == 0 && !metadata && (type == 0 || type > 18 ||
				type == 14 || type == 15)) throw damaged("tag " + tag + " of image " +
					index + " has field type " + type + ", which TIFF does not define");
			if (typeBytes == 0) { // FLOAT or DOUBLE: not read here, but counted
				if (!metadata && (count < 0 || count > size)) throw damaged("tag " +
					tag + " of image " + index + " claims " + count +
					" values, more than the file holds");
				continue;
			}
			if (metadata && (count < 0 || count > size / typeBytes)) continue;
			if (count < 0 || count > size / typeBytes + 8) throw damaged("tag " +
				tag + " of image " + index + " claims " + count +
				" values, more than the file holds");
			long bytes = count * typeBytes;
			long valuesAt = bytes <= (big ? 8 : 4) ? at + countBytes + p + (big ? 12
				: 8) : big ? b.getLong(p + 12) : b.getInt(p + 8) & 0xffffffffL;
			// a pixel size that lies outside the file is left out, not refused
			if (metadata && (valuesAt < 0 || valuesAt + bytes > size)) continue;
			if (valuesAt < 0 || valuesAt + bytes > size) throw truncated(
				"the values of tag " + tag + " of image " + index + " (" + count(
					bytes) + " bytes from byte " + count(valuesAt) +
					") lie beyond its end");
			entries.put(tag, new Entry(type, count, valuesAt));
		}
		image(entries, index);
		return big ? b.getLong((int) (n * entryBytes)) : b.getInt((int) (n *
			entryBytes)) & 0xffffffffL;
	}

	/** Checks that the strips or tiles of one image hold its pixels. */
	private void image(Map<Integer, Entry> e, int index) throws IOException {
		long w = scalar(e, WIDTH, -1), h = scalar(e, LENGTH, -1);
		if (w < 1 || h < 1) throw damaged("image " + index + " has " + (w < 0 ||
			h < 0 ? "no width or height" : "a size of " + w + "x" + h + " pixels"));
		long samples = Math.max(1, scalar(e, SAMPLES, 1));
		long compression = scalar(e, COMPRESSION, 1);
		boolean planar = scalar(e, PLANAR, 1) == 2 && samples > 1;
		Entry bitsEntry = e.get(BITS);
		long firstBits = bitsEntry == null ? 1 : value(bitsEntry, 0);
		long pixelBits = 0;
		for (int s = 0; s < samples; s++)
			pixelBits += bitsEntry == null ? 1 : value(bitsEntry, Math.min(s,
				bitsEntry.count() - 1));
		long sampleFormat = scalar(e, SAMPLE_FORMAT, 1);
		// a complex sample holds two numbers: 128 bits for complex doubles
		long mostBits = sampleFormat == 5 || sampleFormat == 6 ? 128 : 64;
		if (firstBits < 1 || firstBits > mostBits || pixelBits > mostBits * samples)
			throw damaged("image " + index + " has " + firstBits +
				" bits per sample");
		long pieceBits = planar ? firstBits : pixelBits;
		boolean tiled = e.containsKey(TILE_WIDTH) || e.containsKey(TILE_OFFSETS);
		String pieceName = tiled ? "tile" : "strip";
		long across, down, pieceRowBytes, rowsPerPiece;
		if (tiled) {
			long tw = scalar(e, TILE_WIDTH, -1), th = scalar(e, TILE_LENGTH, -1);
			if (tw < 1 || th < 1) throw damaged("image " + index +
				" is tiled but has no tile size");
			across = (w + tw - 1) / tw;
			down = (h + th - 1) / th;
			pieceRowBytes = (tw * pieceBits + 7) / 8;
			rowsPerPiece = th;
		}
		else {
			long rps = Math.min(h, Math.max(1, scalar(e, ROWS_PER_STRIP, h)));
			across = 1;
			down = (h + rps - 1) / rps;
			pieceRowBytes = (w * pieceBits + 7) / 8;
			rowsPerPiece = rps;
		}
		long perPlane = times(across, down);
		long pieces = times(perPlane, planar ? samples : 1);
		Entry offsets = e.get(tiled ? TILE_OFFSETS : STRIP_OFFSETS);
		Entry counts = e.get(tiled ? TILE_BYTES : STRIP_BYTES);
		String image = "image " + index + " (" + w + "x" + h + ", " + pixelBits +
			" bits per pixel)";
		if (offsets == null) throw damaged(image + " lists no " + pieceName +
			" offsets");
		if (offsets.count() < pieces) throw truncated(image + " needs " + count(
			pieces) + " " + pieceName + "s but lists " + count(offsets.count()));
		if (counts != null && counts.count() < pieces) throw damaged(image +
			" needs " + count(pieces) + " " + pieceName + "s but gives the size of " +
			count(counts.count()));
		// ImageJ's reader reads every offset listed, with the size listed beside
		// each (more offsets than sizes: an ArrayIndexOutOfBoundsException)
		if (counts != null && counts.count() != offsets.count()) throw damaged(
			image + " lists " + count(offsets.count()) + " " + pieceName +
				" offsets but " + count(counts.count()) + " sizes");
		Values offsetValues = new Values(offsets), countValues = counts == null
			? null : new Values(counts);
		// where a full page's strips are, kept while the loop below reads them
		boolean full = (scalar(e, NEW_SUBFILE_TYPE, 0) & 5) == 0;
		boolean keep = full && !pagesDropped && plus(keptPieces,
			pieces) <= MAX_KEPT_PIECES;
		long[] keptAt = keep ? new long[(int) pieces] : null, keptBytes = keep
			? new long[(int) pieces] : null;
		long declared = 0, stored = 0;
		for (long i = 0; i < pieces; i++) {
			long rows = tiled ? rowsPerPiece : Math.min(rowsPerPiece, h - i %
				perPlane * rowsPerPiece);
			long need = times(pieceRowBytes, rows);
			declared = plus(declared, need);
			long at = offsetValues.get(i);
			long bytes = countValues == null ? -1 : countValues.get(i);
			if (keep) {
				keptAt[(int) i] = at;
				keptBytes[(int) i] = bytes >= 0 ? bytes : need;
			}
			if (compression == 1) {
				if (at < 0 || plus(at, need) > size) throw truncated(image + " needs " +
					count(need) + " bytes of pixels " + "in " + pieceName + " " + (i +
						1) + " from byte " + count(at) + ", but the file ends at " +
					"byte " + count(size));
				if (bytes >= 0 && bytes < need) throw damaged(image + ": its " +
					pieceName + " " + (i + 1) + " holds " + count(bytes) +
					" bytes where its pixels need " + count(need));
			}
			else {
				if (bytes < 0) throw damaged(image + " is compressed but gives no " +
					pieceName + " sizes");
				if (at < 0 || at + bytes > size) throw truncated(image + ": its " +
					pieceName + " " + (i + 1) + " (" + count(bytes) +
					" bytes from byte " + count(at) + ") runs past the file's end " +
					"at byte " + count(size));
				stored = plus(stored, bytes);
			}
		}
		long ratio = maxExpansion(compression);
		long most = plus(times(stored, ratio), times(pieces, 8));
		if (ratio > 0 && declared > most) throw damaged(image + " declares " +
			count(declared) + " bytes of pixels, more than its " + count(stored) +
			" bytes of " + compressionName(compression) + " data can hold (at most " +
			count(times(stored, ratio)) + ")");
		if (StripDecoding.counts(compression)) for (long i = 0; i < pieces; i++) {
			long rows = tiled ? rowsPerPiece : Math.min(rowsPerPiece, h - i %
				perPlane * rowsPerPiece);
			long need = times(pieceRowBytes, rows);
			long limit = StripDecoding.mostBytes(need, times(pieceRowBytes,
				rowsPerPiece));
			long got = StripDecoding.decodedBytes(ch, offsetValues.get(i), countValues
				.get(i), compression, need, limit);
			if (got == StripDecoding.TOO_LONG) throw damaged(image + ": its " +
				pieceName + " " + (i + 1) + " decodes to more than " + count(limit) +
				" bytes where its pixels need " + count(need) +
				" (a decompression bomb: ImageJ's reader would keep them all)");
			if (got == -1) throw damaged(image + ": its " + pieceName + " " + (i +
				1) + " is not valid " + compressionName(compression) + " data");
			if (got == StripDecoding.UNENDED) throw damaged(image + ": its " +
				pieceName + " " + (i + 1) + " is a Deflate stream that stops before " +
				"its final block (ImageJ's reader would wait for the rest forever)");
			if (got >= 0 && got < need) throw damaged(image + ": its " + pieceName +
				" " + (i + 1) + " decodes to " + count(got) +
				" bytes where its pixels need " + count(need));
		}
		// a valid file of a kind ImageJ does not read: said once its structure is
		// known to be sound
		refuseUnreadable(index, e, compression, firstBits, sampleFormat, samples);
		if (sampleFormat == 1 && firstBits == 32) unsigned32 = true;
		tiledPages |= tiled;
		jpegPages |= compression == 7;
		if (full && !pagesDropped) {
			keptPieces = plus(keptPieces, pieces);
			if (keptPieces > MAX_KEPT_PIECES) {
				pagesDropped = true; // ImageJ reads a classic TIFF of strips itself
				pages.clear();
			}
		}
		if (pagesDropped && (big || tiledPages || jpegPages)) throw unsupported(
			"a " + (big ? "BigTIFF" : tiledPages ? "tiled TIFF"
				: "TIFF compressed with JPEG") + " of more than " + count(
					MAX_KEPT_PIECES) +
				" strips or tiles, more than fiji-gan reads: save it with larger " +
				"strips or tiles");
		if (keep) pages.add(new TiffPage((int) w, (int) h, (int) firstBits,
			(int) samples, (int) sampleFormat, (int) compression, (int) scalar(e,
				PREDICTOR, 1), planar, (int) scalar(e, PHOTOMETRIC, 1),
			order == ByteOrder.LITTLE_ENDIAN, (int) rowsPerPiece, keptAt, keptBytes,
			rational(e, X_RESOLUTION), rational(e, Y_RESOLUTION), (int) scalar(e,
				RESOLUTION_UNIT, 0), tiled ? (int) scalar(e, TILE_WIDTH, 0) : 0, tiled
					? (int) rowsPerPiece : 0, compression == 7 ? jpegTables(e) : null));
		if (samples >= 3 && firstBits == 16) rgb16 = true;
		if (samples == 4 && firstBits == 16 && scalar(e, PHOTOMETRIC, 2) == 2 &&
			scalar(e, EXTRA_SAMPLES, -1) != 0) alpha16 = true;
		refuseUnequalPage(index, scalar(e, NEW_SUBFILE_TYPE, 0), w + "x" + h +
			", " + samples + " x " + firstBits + "-bit" + (sampleFormat == 3
				? " float" : "") + " samples");
		long pageBytes = times(times(w, h), firstBits <= 8 ? samples == 1 ? 1 : 4
			: firstBits <= 16 ? 2 * samples : 4 * samples);
		if (full) fullPageBytes = plus(fullPageBytes, pageBytes);
		if (index == 1 && compression == 1) imageJStack(e, image, offsetValues.get(
			0), declared, pageBytes);
		if (index == 1) omeXml(e);
		if (index == 1) for (int tag : new int[] { X_RESOLUTION, Y_RESOLUTION }) {
			Entry x = e.get(tag);
			if (noResolution != null || x == null || x.count() < 1 || x
				.type() != RATIONAL) continue;
			ByteBuffer b = read(x.valuesAt(), 8);
			long numerator = b.getInt(0) & 0xffffffffL, denominator = b.getInt(4) &
				0xffffffffL;
			if (numerator == 0 || denominator == 0) noResolution =
				(tag == X_RESOLUTION ? "XResolution " : "YResolution ") + numerator +
					"/" + denominator;
		}
		ImageFileCheck.requirePlaneFits(what, w, h);
	}

	/**
	 * Refuses, with what it is, a valid TIFF that ImageJ's reader cannot read
	 * (which it would say on stdout, as "Unsupported format", or read wrongly).
	 */
	private void refuseUnreadable(int index, Map<Integer, Entry> e,
		long compression, long bits, long sampleFormat, long samples)
		throws IOException
	{
		String image = index == 1 ? "" : " (image " + index + ")";
		String fix =
			": save it from another program as an uncompressed, stripped " +
				"TIFF of 8-bit, 16-bit or 32-bit float samples";
		if (!READABLE_COMPRESSIONS.contains(compression)) throw unsupported(
			"compressed with TIFF compression " + compression + image +
				", which ImageJ's TIFF reader does not decode" + fix);
		// ImageJ's reader takes every byte's bits highest first: one that stores
		// them lowest first (FillOrder 2) came out as wrong pixels without a word
		if (scalar(e, FILL_ORDER, 1) == 2) throw unsupported("a TIFF whose " +
			"bytes hold their bits lowest first (FillOrder 2)" + image +
			", which ImageJ's TIFF reader reads as wrong pixels" + fix);
		// measured against Pillow's arrays: 1-bit strips compressed with PackBits
		// or
		// Deflate came out as wrong bits, LZW ones not at all; JPEG strips (with
		// their shared tables) as wrong values
		if (bits == 1 && compression != 1) throw unsupported("a 1-bit TIFF " +
			"compressed with " + compressionName(compression) + image +
			", which ImageJ's TIFF reader reads wrongly: save it uncompressed or " +
			"as 8-bit");
		if (compression == 7) {
			// fiji-gan decodes JPEG strips and tiles itself: 8-bit grey or colour,
			// one JPEG stream a piece
			long photometric = scalar(e, PHOTOMETRIC, samples == 1 ? 1 : 2);
			boolean grey = samples == 1 && photometric <= 1;
			boolean colour = samples == 3 && (photometric == 2 || photometric == 6 &&
				scalar(e, PLANAR, 1) != 2);
			if (bits != 8 || sampleFormat != 1 || !grey && !colour) throw unsupported(
				"a TIFF compressed with JPEG of " + (samples == 1 ? bits +
					"-bit samples" : samples + " x " + bits + "-bit samples per pixel") +
					(scalar(e, PLANAR, 1) == 2 && samples > 1
						? " stored as separate planes" : "") +
					" (photometric interpretation " + photometric + ")" + image +
					", which fiji-gan does not read; it reads JPEG-compressed 8-bit " +
					"grey, RGB and YCbCr (YCbCr not as planes)" + fix);
			return;
		}
		refuseColourSpace(index, e, bits, samples, image);
		// ImageJ undoes horizontal differencing (predictor 2) of LZW and Deflate
		// data for 8- and 16-bit grey and 8-bit RGB only: 32-bit samples came out
		// wrong by up to 6e10 without a word, and the floating-point predictor
		// (3, as GDAL writes floats) as values near 0
		long predictor = scalar(e, PREDICTOR, 1);
		boolean predicted = compression == 5 || compression == 8 ||
			compression == 32946;
		if (predicted && predictor != 1 && (predictor != 2 || bits > 16 ||
			samples > 1 && bits != 8)) throw unsupported("a TIFF of " + (samples == 1
				? bits + "-bit samples" : samples + " x " + bits +
					"-bit samples per pixel") + " compressed with " + (predictor == 3
						? "the floating-point predictor" : predictor == 2
							? "horizontal differencing" : "predictor " + predictor) + image +
				", which ImageJ's TIFF reader does not undo (it would read wrong " +
				"values)" + fix);
		// measured against tifffile's arrays: compressed planes of 16-bit RGB came
		// out as copies of the first channel, compressed 16-bit RGBA and planes
		// of 8-bit RGBA as wrong values
		boolean separate = scalar(e, PLANAR, 1) == 2;
		String misread = null;
		if (samples > 1 && bits == 16 && compression != 1 && (separate ||
			samples == 4)) misread = separate
				? "stored as separate planes and compressed" : "compressed";
		else if (samples == 4 && bits == 8 && separate) misread =
			"stored as separate planes";
		if (misread != null) throw unsupported("a TIFF of " + samples + " x " +
			bits + "-bit samples per pixel " + misread + image +
			", which ImageJ's TIFF reader reads wrongly" + fix);
		// measured with ImageJ 1.54p: complex samples of 32 bits (two 16-bit
		// halves) were read as one 32-bit integer each without a word, 64 and
		// 128 bits refused as "Unsupported format"
		if (sampleFormat == 5 || sampleFormat == 6) throw unsupported(
			"a TIFF of complex numbers (" + bits + "-bit complex " +
				(sampleFormat == 5 ? "integers" : "floats") + ")" + image +
				", which ImageJ's TIFF reader does not read: save the magnitude or " +
				"the real part as 32-bit float");
		if (sampleFormat == 3 && bits != 32) throw unsupported("a TIFF of " + bits +
			"-bit floats" + image + ", which ImageJ's TIFF reader does not read" +
			fix);
		if (sampleFormat == 2 && bits == 8) throw unsupported(
			"a TIFF of signed 8-bit integers" + image +
				", which ImageJ's reader takes as unsigned (-1 as 255)" + fix);
		// ImageJ's TIFF reader takes one sample of 1, 8, 10, 12, 16 or 32 bits;
		// others it refuses as "Unsupported format or file not found"
		if (samples == 1 && bits != 1 && bits != 8 && bits != 10 && bits != 12 &&
			bits != 16 && bits != 32) throw unsupported("a TIFF of " + (bits == 64
				? (sampleFormat == 2 ? "signed" : "unsigned") + " 64-bit integers"
				: bits + "-bit " + (sampleFormat == 2 ? "signed integers"
					: "greyscale samples")) + image +
				", which ImageJ's TIFF reader does not read: convert it to " + (bits < 8
					? "8-bit" : bits < 16 ? "16-bit" : "32-bit float"));
		String pages =
			": save it from another program with one sample per pixel (a page " +
				"per channel), or as 8-bit or 16-bit RGB";
		if (samples != 1 && !(samples <= 4 && samples >= 3 && (bits == 8 ||
			bits == 16))) throw unsupported("a TIFF of " + samples +
				" samples per pixel of " + bits + " bits" + image +
				", which ImageJ's TIFF reader does not read" + pages);
		if (samples != 1 && sampleFormat == 2) throw unsupported("a TIFF of " +
			samples + " signed " + bits + "-bit samples per pixel" + image +
			", which ImageJ's reader takes as unsigned (-5 as 65531)" + pages);
		// ImageJ reads four 8-bit samples as RGB and drops the fourth: right for
		// alpha (RGB with ExtraSamples 1 or 2, or none said), a lost channel when
		// the image is not RGB or says the fourth is data (ExtraSamples 0)
		long photometric = scalar(e, PHOTOMETRIC, 2);
		if (samples == 4 && bits == 8 && photometric != 5 && (photometric != 2 ||
			scalar(e, EXTRA_SAMPLES, -1) == 0)) throw unsupported("a TIFF of 4 " +
				"samples per pixel of 8 bits whose fourth is not alpha" + image +
				", which ImageJ's reader takes as RGB, dropping the fourth: save it " +
				"from another program with one sample per pixel (a page per channel)");
	}

	/**
	 * Refuses, naming it, a full page (not a reduced-resolution image or a mask)
	 * in a colour space ImageJ's reader would take as grey or RGB samples (YCbCr
	 * not compressed with JPEG, CIELab, ...), and a palette image whose colours
	 * it would leave aside: ImageJ applies a colour map only to 8-bit indices,
	 * and only when it holds all 768 values of one.
	 */
	private void refuseColourSpace(int index, Map<Integer, Entry> e, long bits,
		long samples, String image) throws IOException
	{
		long photometric = scalar(e, PHOTOMETRIC, -1);
		if ((scalar(e, NEW_SUBFILE_TYPE, 0) & 5) != 0 || photometric <= 2 ||
			photometric == 5 && samples == 4 && bits == 8) return;
		String rgb = ": save it from another program as RGB";
		if (photometric == 3) {
			Entry map = e.get(COLOR_MAP);
			if (samples != 1 || bits != 8) throw unsupported("a palette TIFF of " +
				(samples == 1 ? bits + "-bit indices" : samples + " x " + bits +
					"-bit samples per pixel") + image + ", whose colours ImageJ's TIFF " +
				"reader does not read (only those of 8-bit indices)" + rgb +
				" or with 8-bit indices");
			if (map == null || map.count() != 768) throw unsupported(
				"a palette TIFF " + (map == null ? "without its colour map (no " +
					"ColorMap tag)" : "whose colour map holds " + count(map.count()) +
						" values where 8-bit indices need 768") + image +
					", which ImageJ's TIFF reader would read as grey indices" + rgb);
			return;
		}
		String name = switch ((int) photometric) {
			case 4 -> "a transparency mask";
			case 5 -> "CMYK";
			case 6 -> "YCbCr colour not compressed with JPEG";
			case 8 -> "CIELab colour";
			case 9 -> "ICCLab colour";
			case 10 -> "ITULab colour";
			case 32803 -> "a colour filter array (a camera's raw mosaic)";
			case 32844 -> "LogL";
			case 32845 -> "LogLuv colour";
			case 34892 -> "linear raw";
			default -> "an unknown colour space";
		};
		throw unsupported("a TIFF of " + name + " (photometric interpretation " +
			photometric + ", " + (samples == 1 ? bits + "-bit samples" : samples +
				" x " + bits + "-bit samples per pixel") + ")" + image +
			", whose samples ImageJ's TIFF reader would take as " + (samples == 1
				? "grey" : "RGB") + rgb + " or grey");
	}

	/**
	 * ImageJ reads a multi-page TIFF as a stack when its pages are alike, and
	 * only the first page otherwise: a page that differs is refused rather than
	 * dropped unsaid. Reduced-resolution pages and masks (a pyramid's or a
	 * thumbnail's, {@code NewSubfileType} bits 0 and 2) are not pages of the
	 * image and pass.
	 */
	private void refuseUnequalPage(int index, long subfileType, String page) {
		if ((subfileType & 5) != 0) return;
		fullPages++;
		if (firstPage == null) {
			firstPage = page;
			return;
		}
		if (!page.equals(firstPage)) throw unsupported("a TIFF whose page " +
			index + " (" + page + ") differs from page 1 (" + firstPage +
			"): ImageJ would read page 1 alone; fiji-gan reads stacks of equal " +
			"pages: save the pages as separate files");
	}

	private GanException unsupported(String why) {
		return new GanException(what + " is " + why);
	}

	/** The most bytes of OME-XML read: larger metadata is refused. */
	static final int MAX_OME_XML = 16 << 20;

	/** Keeps the first page's description when it is OME-XML. */
	private void omeXml(Map<Integer, Entry> e) throws IOException {
		Entry d = e.get(DESCRIPTION);
		if (d == null) return;
		// OME-XML opens with its OME element, after the XML declaration and, as
		// Bio-Formats writes it, a comment of some 250 characters
		String head = new String(read(d.valuesAt(), (int) Math.min(d.count(), 4096))
			.array(), StandardCharsets.ISO_8859_1);
		if (!OmeTiff.isOmeXml(head)) return;
		if (d.count() > MAX_OME_XML) throw unsupported(
			"an OME-TIFF whose OME-XML " + "is " + count(d.count()) +
				" bytes, more than fiji-gan reads (" + count(MAX_OME_XML) + ")");
		ByteBuffer b = read(d.valuesAt(), (int) d.count());
		String xml = new String(b.array(), 0, b.limit(), StandardCharsets.UTF_8);
		int nul = xml.indexOf('\0');
		if (nul >= 0) xml = xml.substring(0, nul);
		if (OmeTiff.isOmeXml(xml)) omeXml = xml;
	}

	/**
	 * The JPEGTables of a page compressed with JPEG (an abbreviated JPEG stream
	 * of the quantisation and Huffman tables its strips or tiles share), or null
	 * when it has none.
	 */
	private byte[] jpegTables(Map<Integer, Entry> e) throws IOException {
		Entry t = e.get(JPEG_TABLES);
		if (t == null || t.count() == 0) return null;
		if (t.count() > MAX_JPEG_TABLES) throw damaged("its JPEG tables are " +
			count(t.count()) + " bytes, more than " + count(MAX_JPEG_TABLES));
		if (t.valuesAt() < 0 || plus(t.valuesAt(), t.count()) > size)
			throw truncated("its JPEG tables run past the file's end at byte " +
				count(size));
		ByteBuffer b = read(t.valuesAt(), (int) t.count());
		return java.util.Arrays.copyOf(b.array(), b.limit());
	}

	/**
	 * ImageJ reads the planes of a stack it wrote ({@code images=N} in the
	 * description) one after the other from the first strip, without their
	 * directories: they must all be in the file.
	 */
	private void imageJStack(Map<Integer, Entry> e, String image, long first,
		long planeBytes, long pageBytes) throws IOException
	{
		Entry d = e.get(DESCRIPTION);
		if (d == null) return;
		ByteBuffer b = read(d.valuesAt(), (int) Math.min(d.count(), 1 << 16));
		String text = new String(b.array(), 0, b.limit(),
			StandardCharsets.ISO_8859_1);
		if (!text.startsWith("ImageJ")) return;
		Matcher m = IMAGEJ_IMAGES.matcher(text);
		if (!m.find()) return;
		long images = Long.parseLong(m.group(1));
		imageJStackBytes = times(images, pageBytes);
		if (images > 1 && plus(first, times(images, planeBytes)) > size)
			throw truncated("it is an ImageJ stack " + "of " + images +
				" planes like " + image + ", " + count(times(images, planeBytes)) +
				" bytes " + "from byte " + count(first) +
				", but the file ends at byte " + count(size));
	}

	/**
	 * {@code a * b} for non-negative numbers, {@link Long#MAX_VALUE} where it
	 * would overflow.
	 */
	static long times(long a, long b) {
		return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
	}

	/**
	 * {@code a + b} for non-negative numbers, {@link Long#MAX_VALUE} where it
	 * would overflow.
	 */
	static long plus(long a, long b) {
		long s = a + b;
		return s < 0 ? Long.MAX_VALUE : s;
	}

	/**
	 * The most bytes one byte of the given compression can decode to; 0 when
	 * unknown.
	 */
	static long maxExpansion(long compression) {
		return switch ((int) compression) {
			case 7 -> 1024; // JPEG: a block of 8x8 samples takes at least one bit
											// (two samples in four subsampled away: 128
											// bytes)
			case 32773 -> 64; // PackBits: 2 bytes repeat one byte at most 128 times
			case 8, 32946 -> 1032; // Deflate's limit: 258 bytes per 2 bits
			case 5 -> 4096; // LZW: one code of at least 9 bits stands for at most
											// 4,096 bytes
			default -> 0;
		};
	}

	private static String compressionName(long compression) {
		return switch ((int) compression) {
			case 32773 -> "PackBits";
			case 8, 32946 -> "Deflate";
			case 5 -> "LZW";
			case 7 -> "JPEG";
			default -> "compressed";
		};
	}

	private long scalar(Map<Integer, Entry> e, int tag, long absent)
		throws IOException
	{
		Entry x = e.get(tag);
		return x == null || x.count() < 1 ? absent : value(x, 0);
	}

	/**
	 * The first value of a RATIONAL entry; 0 when absent, of another type, or
	 * with a zero denominator.
	 */
	private double rational(Map<Integer, Entry> e, int tag) throws IOException {
		Entry x = e.get(tag);
		if (x == null || x.count() < 1 || x.type() != RATIONAL) return 0;
		ByteBuffer b = read(x.valuesAt(), 8);
		long numerator = b.getInt(0) & 0xffffffffL, denominator = b.getInt(4) &
			0xffffffffL;
		return denominator == 0 ? 0 : (double) numerator / denominator;
	}

	private long value(Entry x, long i) throws IOException {
		return new Values(x).get(i);
	}

	/**
	 * Bytes per value of a TIFF field type; 0 for a type this check does not
	 * read.
	 */
	static int typeBytes(int type) {
		return switch (type) {
			case 1, 2, 6, 7 -> 1; // BYTE, ASCII, SBYTE, UNDEFINED
			case 3, 8 -> 2; // SHORT, SSHORT
			case 4, 9, 13 -> 4; // LONG, SLONG, IFD
			case 16, 17, 18 -> 8; // LONG8, SLONG8, IFD8
			case RATIONAL -> 8; // two LONGs, read by rational() alone
			default -> 0;
		};
	}

	/**
	 * The values of one entry as unsigned numbers, read through a window of the
	 * file.
	 */
	private final class Values {

		private final Entry entry;
		private final int bytes;
		private ByteBuffer window;
		private long windowStart = -1;

		Values(Entry entry) {
			this.entry = entry;
			this.bytes = typeBytes(entry.type());
		}

		long get(long i) throws IOException {
			if (bytes == 0 || i < 0 || i >= entry.count()) throw damaged(
				"a directory entry of type " + entry.type() + " holds " + count(entry
					.count()) + " values where value " + (i + 1) + " is read");
			long at = entry.valuesAt() + i * bytes;
			if (window == null || at < windowStart || at + bytes > windowStart +
				window.limit())
			{
				windowStart = at;
				window = read(at, (int) Math.min(1 << 16, entry.valuesAt() + entry
					.count() * bytes - at));
			}
			int p = (int) (at - windowStart);
			return switch (bytes) {
				case 1 -> window.get(p) & 0xff;
				case 2 -> window.getShort(p) & 0xffff;
				case 4 -> window.getInt(p) & 0xffffffffL;
				default -> window.getLong(p);
			};
		}
	}

	private ByteBuffer read(long at, int length) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(length);
		FileChannels.readAt(ch, b, at);
		b.flip();
		b.order(order == null ? ByteOrder.BIG_ENDIAN : order);
		if (b.limit() < length) throw truncated("it ends at byte " + count(size) +
			", inside its " + "structure");
		return b;
	}

	private GanException truncated(String why) {
		return new GanException(what + " is truncated or damaged: " + why);
	}

	private GanException damaged(String why) {
		return new GanException(what + " is damaged or not a valid TIFF: " + why);
	}
}
