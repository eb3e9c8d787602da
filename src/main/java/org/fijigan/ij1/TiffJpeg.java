
package org.fijigan.ij1;

import org.fijigan.core.io.FileChannels;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.image.TiffPage;

import ij.ImagePlus;
import ij.io.FileInfo;

/**
 * A TIFF page compressed with JPEG (compression 7): each strip or tile a JPEG
 * stream of its own, abbreviated when the page's JPEGTables hold the tables
 * they share, and one stream a plane when the samples are stored as planes.
 * ImageJ's TIFF reader decodes such strips wrongly; here each is decoded by
 * ImageIO's JPEG reader without its colour conversion, and the colour transform
 * is undone as the stream itself declares it (an Adobe marker's transform, else
 * a JFIF marker, else component identifiers R, G, B: libjpeg's rule), with
 * libjpeg's fixed-point YCbCr-to-RGB formula. The page's pixels then go through
 * ImageJ's raw reader, uncompressed, so that its calibration is read as for any
 * other page. Part of {@link TiffPages}.
 */
final class TiffJpeg {

	private TiffJpeg() {}

	static ImagePlus readPage(TiffPage p, FileChannel ch, Path file, String role,
		int index) throws IOException
	{
		int w = p.width(), h = p.height(), samples = p.samples();
		boolean tiled = p.tileWidth() > 0;
		int pw = tiled ? p.tileWidth() : w, ph = p.rowsPerStrip();
		int across = (w + pw - 1) / pw;
		long total = (long) w * h * samples;
		if (total > Integer.MAX_VALUE - 8) throw new GanException(role + " " +
			file + " has a JPEG-compressed page of " + w + "x" + h + " x " + samples +
			" samples, more than fiji-gan holds in one array");
		byte[] page = new byte[(int) total];
		long[] at = p.stripOffsets(), bytes = p.stripBytes();
		// samples stored as planes: each plane's strips or tiles one component
		int planes = p.planar() ? samples : 1, components = samples / planes;
		int perPlane = across * ((h + ph - 1) / ph);
		for (int s = 0; s < planes; s++)
			for (int t = 0; t < perPlane; t++) {
				int i = s * perPlane + t, x0 = t % across * pw, y0 = t / across * ph;
				String piece = (tiled ? "tile " : "strip ") + (i + 1);
				byte[] data = read(ch, at[i], bytes[i]);
				int cw = Math.min(pw, w - x0), chh = Math.min(ph, h - y0);
				// a frame larger than its piece would be decoded, all of it, first
				int[] frame = frameSize(data);
				if (frame != null && (frame[0] > pw || frame[1] > ph))
					throw new GanException(role + " " + file + " is damaged: its " +
						piece + " is a JPEG of " + frame[0] + "x" + frame[1] +
						" pixels, larger than its " + pw + "x" + ph);
				Raster r = decode(stream(p.jpegTables(), data), file, role, piece);
				if (r.getNumBands() != components || r.getWidth() < cw || r
					.getHeight() < chh) throw new GanException(role + " " + file +
						" is damaged: its " + piece + " decodes to " + r.getWidth() + "x" +
						r.getHeight() + " pixels of " + r.getNumBands() +
						" components where the page needs " + cw + "x" + chh + " of " +
						components);
				boolean ycc = components == 3 && isYCbCr(p.jpegTables(), data);
				int[] row = new int[cw * components];
				for (int y = 0; y < chh; y++) {
					r.getPixels(r.getMinX(), r.getMinY() + y, cw, 1, row);
					if (ycc) for (int k = 0; k < row.length; k += 3)
						toRgb(row, k);
					int o = ((y0 + y) * w + x0) * samples + s;
					for (int k = 0; k < cw; k++)
						for (int c = 0; c < components; c++)
							page[o + k * samples + c] = (byte) row[k * components + c];
				}
			}
		FileInfo fi = TiffPages.fileInfo(new TiffPage(w, h, 8, samples, 1, 1, 1,
			false, p.photometric() == 0 ? 0 : 1, p.littleEndian(), h, new long[] {
				0 }, new long[] { total }, p.xResolution(), p.yResolution(), p
					.resolutionUnit(), 0, 0, null), file, role);
		fi.stripOffsets = new int[] { 0 };
		fi.stripLengths = new int[] { (int) total };
		fi.offset = 0;
		fi.longOffset = 0;
		fi.inputStream = new ByteArrayInputStream(page);
		return TiffPages.openPage(fi, index);
	}

	private static byte[] read(FileChannel ch, long at, long length)
		throws IOException
	{
		if (length > Integer.MAX_VALUE - 8) throw new IOException(
			"a JPEG strip or tile of more than 2 GiB");
		ByteBuffer b = ByteBuffer.allocate((int) length);
		if (FileChannels.readAt(ch, b, at) < length) throw new java.io.EOFException(
			"a JPEG strip or tile runs past the file's end");
		return b.array();
	}

	/**
	 * One strip's or tile's JPEG stream, the shared tables put in after its
	 * start-of-image marker (what a decoder reading the tables first would know).
	 */
	static byte[] stream(byte[] tables, byte[] piece) {
		if (tables == null || tables.length < 4 || piece.length < 2) return piece;
		int end = tables.length - 2; // the tables' own end-of-image marker
		if ((tables[end] & 0xff) != 0xff || (tables[end + 1] & 0xff) != 0xd9) end =
			tables.length;
		byte[] joined = new byte[piece.length + end - 2];
		System.arraycopy(piece, 0, joined, 0, 2);
		System.arraycopy(tables, 2, joined, 2, end - 2);
		System.arraycopy(piece, 2, joined, end, piece.length - 2);
		return joined;
	}

	/**
	 * The width and height a JPEG stream's frame header declares, or null when
	 * its markers up to the scan hold none.
	 */
	static int[] frameSize(byte[] s) {
		int i = 2;
		while (i + 4 <= s.length && (s[i] & 0xff) == 0xff) {
			int marker = s[i + 1] & 0xff;
			if (marker == 0xda || marker == 0xd9) return null;
			int length = (s[i + 2] & 0xff) << 8 | s[i + 3] & 0xff;
			if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 &&
				marker != 0xc8 && marker != 0xcc && i + 9 <= s.length)
				return new int[] { (s[i + 7] & 0xff) << 8 | s[i + 8] & 0xff, (s[i + 5] &
					0xff) << 8 | s[i + 6] & 0xff };
			i += 2 + length;
		}
		return null;
	}

	/** The stored components of a JPEG stream, without colour conversion. */
	private static Raster decode(byte[] jpeg, Path file, String role,
		String piece)
	{
		List<String> warnings = new ArrayList<>();
		try (ImageInputStream in = ImageIO.createImageInputStream(
			new ByteArrayInputStream(jpeg)))
		{
			Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(
				"jpeg");
			if (!readers.hasNext()) throw new GanException("cannot open " + role +
				" " + file + ": no JPEG decoder in this Java");
			ImageReader reader = readers.next();
			try {
				reader.addIIOReadWarningListener((source, warning) -> warnings.add(
					warning));
				reader.setInput(in, true, true);
				Raster r = reader.readRaster(0, null);
				for (String w : warnings) {
					String lower = w.toLowerCase(Locale.ROOT);
					if (lower.contains("truncated") || lower.contains("premature end"))
						throw new GanException(role + " " + file + " is damaged: its " +
							piece + " is cut short (the JPEG decoder says \"" + w + "\")");
				}
				return r;
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException e) {
			if (e instanceof GanException g) throw g;
			throw new GanException(role + " " + file + " is damaged: its " + piece +
				" cannot be decoded as JPEG: " + ImageFileCodec.reasons(e), e);
		}
	}

	/**
	 * Whether a three-component JPEG stream (its tables, then its own markers up
	 * to the scan) holds YCbCr, as libjpeg decides: an Adobe marker says by its
	 * transform (0: none); else a JFIF marker means YCbCr; else component
	 * identifiers 'R', 'G', 'B' mean RGB, and any others YCbCr.
	 */
	static boolean isYCbCr(byte[] tables, byte[] piece) {
		Boolean adobe = null, jfif = null;
		int[] ids = null;
		for (byte[] s : new byte[][] { tables, piece }) {
			if (s == null) continue;
			int i = 2;
			while (i + 4 <= s.length && (s[i] & 0xff) == 0xff) {
				int marker = s[i + 1] & 0xff;
				if (marker == 0xda || marker == 0xd9) break;
				int length = (s[i + 2] & 0xff) << 8 | s[i + 3] & 0xff;
				int body = i + 4, end = Math.min(s.length, i + 2 + length);
				if (marker == 0xee && end - body >= 12 && s[body] == 'A' && s[body +
					1] == 'd' && s[body + 2] == 'o' && s[body + 3] == 'b' && s[body +
						4] == 'e') adobe = s[body + 11] != 0;
				if (marker == 0xe0 && end - body >= 5 && s[body] == 'J' && s[body +
					1] == 'F' && s[body + 2] == 'I' && s[body + 3] == 'F' && s[body +
						4] == 0) jfif = true;
				if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 &&
					marker != 0xc8 && marker != 0xcc && end - body >= 6 + 9)
				{
					ids = new int[3];
					for (int c = 0; c < 3; c++)
						ids[c] = s[body + 6 + 3 * c] & 0xff;
				}
				i += 2 + length;
			}
		}
		if (adobe != null) return adobe;
		if (jfif != null) return true;
		return ids == null || !(ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B');
	}

	private static final int HALF = 1 << 15;

	private static int fix(double x) {
		return (int) (x * 65536 + 0.5);
	}

	/**
	 * YCbCr (JFIF's full range) to RGB in place at {@code k}, as libjpeg computes
	 * it: 16-bit fixed-point factors, rounded, clamped to 0-255.
	 */
	static void toRgb(int[] v, int k) {
		int y = v[k], cb = v[k + 1] - 128, cr = v[k + 2] - 128;
		int r = y + (fix(1.40200) * cr + HALF >> 16);
		int g = y + (-fix(0.34414) * cb - fix(0.71414) * cr + HALF >> 16);
		int b = y + (fix(1.77200) * cb + HALF >> 16);
		v[k] = Math.max(0, Math.min(255, r));
		v[k + 1] = Math.max(0, Math.min(255, g));
		v[k + 2] = Math.max(0, Math.min(255, b));
	}
}
