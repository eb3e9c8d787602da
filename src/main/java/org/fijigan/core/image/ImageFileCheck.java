
package org.fijigan.core.image;

import org.fijigan.core.io.FileChannels;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.fijigan.core.GanException;

/**
 * Checks that an image file holds the pixels its header declares, before a
 * reader allocates them: a TIFF (classic and BigTIFF, either byte order) whose
 * strips or tiles lie beyond the file's end or cannot hold the declared size, a
 * PNG cut short or failing a chunk checksum, a JPEG without its end-of-image
 * marker, a BMP or PBM/PGM/PPM whose pixels run past the file's end, a GIF cut
 * inside a block. Readers fill what a file lacks with zeros; this refuses such
 * a file with one line naming it and the reason. The format is recognised by
 * the file's first bytes, not its name; other formats pass unchecked.
 * <p>
 * Only the structure is read (directories, chunk headers, markers); a PNG's
 * pixel stream is also inflated, without keeping it, to count its bytes.
 */
public final class ImageFileCheck {

	private ImageFileCheck() {}

	/**
	 * @param role what the file is for the user ("input", "mask"), for the
	 *          message
	 * @return what a reader must know of the file that passed
	 * @throws GanException when the file is truncated, damaged or declares more
	 *           pixels than it holds
	 */
	public static Findings check(Path file, String role) {
		String what = role + " " + file;
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = ch.size();
			if (size == 0) throw new GanException(what + " is empty (0 bytes)");
			byte[] head = new byte[8];
			int n = FileChannels.readAt(ch, java.nio.ByteBuffer.wrap(head), 0);
			// no image format fits in fewer; ImageJ's JPEG path (on AWT's threads)
			// printed a stack trace for a 3-byte .jpg
			if (n < 4) throw new GanException(what + " is " + n + " byte" + (n == 1
				? "" : "s") + " long, too short for any image format");
			// a DICOM file may begin with a TIFF header in its 128-byte preamble
			// (dual-personality files, as pydicom's CT and MR samples): its
			// "DICM" prefix decides, as for ImageJ's reader
			if (isDicom(ch)) return Findings.NONE;
			if (TiffCheck.isTiff(head)) {
				TiffCheck t = new TiffCheck(ch, size, what, file.getFileName()
					.toString());
				t.check();
				return new Findings.Tiff(t.unsigned32(), t.rgb16(), t.alpha16(), t
					.omeLayout(), t.ownPages(), t.pixelBytes(), t.noResolution());
			}
			else if (n == 8 && PngCheck.isPng(head)) return PngCheck.check(ch, size,
				what);
			else if ((head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8)
				return JpegCheck.check(ch, size, what);
			else if (BmpCheck.isBmp(head)) return new Findings.Other(BmpCheck.check(
				ch, size, what));
			else if (PnmCheck.isPnm(head)) return new Findings.Other(PnmCheck.check(
				ch, size, what));
			else if (GifCheck.isGif(head)) return new Findings.Other(GifCheck.check(
				ch, size, what));
			else if (n == 8 && FitsCheck.isFits(head)) return FitsCheck.check(ch,
				size, what);
			return Findings.NONE;
		}
		catch (IOException e) {
			throw new GanException("cannot read " + what + ": " + e.getMessage(), e);
		}
	}

	/**
	 * What an image that ImageIO decodes takes at the peak of its reading:
	 * ImageIO holds the decoded pixels ({@code bytes}) while ImageJ copies them
	 * into its own, so twice (PNG, JPEG, BMP and GIF).
	 */
	static long decodedThenCopied(long bytes) {
		return TiffCheck.times(bytes, 2);
	}

	/**
	 * What a reader must know of a file that passed: one kind per format whose
	 * reading depends on what the check found.
	 */
	public sealed interface Findings {

		/** A file of a format fiji-gan does not check. */
		Findings NONE = new Other(0);

		/**
		 * What the file's pixels take in memory once read, as ImageJ holds them
		 * (colour as one int a pixel); 0 when not known.
		 */
		long pixelBytes();

		/**
		 * A TIFF or BigTIFF.
		 *
		 * @param unsigned32 of unsigned 32-bit integer samples, which ImageJ's
		 *          reader takes as signed
		 * @param rgb16 of 3 or 4 samples per pixel of 16 bits, which ImageJ's
		 *          reader reads as channels from one page, but from several pages
		 *          as a stack of planes, each channel a plane (and with a fourth
		 *          sample, as wrong planes)
		 * @param alpha16 a 16-bit RGB TIFF whose fourth sample is alpha, which
		 *          ImageJ's reader keeps as a fourth channel (it drops the alpha of
		 *          8-bit RGB, and fiji-gan that of a PNG)
		 * @param omeLayout where an OME-TIFF's metadata puts its pages (channels,
		 *          slices, frames), which ImageJ's reader reads as one z-stack;
		 *          null for any other TIFF
		 * @param ownPages the full pages of a BigTIFF or of a tiled TIFF, which
		 *          ImageJ's reader cannot open, for fiji-gan to read one by one;
		 *          null for any other TIFF
		 * @param pixelBytes what its full pages take in memory once read
		 * @param noResolution its first page's resolution tag that is no size (0/1
		 *          or 1/0), as "XResolution 1/0", which ImageJ's reader takes as a
		 *          pixel of 1 in the resolution unit; null when there is none
		 */
		record Tiff(boolean unsigned32, boolean rgb16, boolean alpha16,
				OmeTiff.Layout omeLayout, java.util.List<TiffPage> ownPages,
				long pixelBytes, String noResolution) implements Findings {
		}

		/**
		 * A PNG.
		 *
		 * @param alphaBitDepth its bit depth when it has an alpha channel or a
		 *          transparent colour, whose colours ImageJ's reader changes (it
		 *          blends them with the alpha, and takes grey through a linear
		 *          colour space: an opaque grey 130 became 189); else 0
		 * @param frames the frames of an animated PNG (APNG), of which ImageJ's
		 *          reader, and so fiji-gan, reads the default image alone; 0 for a
		 *          still PNG
		 * @param xPerMetre pixels per metre in x of its {@code pHYs} chunk, 0 when
		 *          it has none in metres
		 * @param yPerMetre the same in y
		 * @param description the text of its {@code Description} tEXt chunk (where
		 *          fiji-gan writes a result's provenance), or null
		 */
		record Png(int alphaBitDepth, int frames, long pixelBytes, long xPerMetre,
				long yPerMetre, String description) implements Findings {

			/** Whether the PNG has alpha. */
			public boolean alpha() {
				return alphaBitDepth > 0;
			}
		}

		/**
		 * A JPEG of one (grey) or three (colour) components.
		 *
		 * @param orientation the Exif orientation tag (1-8: how a viewer turns or
		 *          mirrors the stored pixels for display), 0 when there is none
		 */
		record Jpeg(int orientation, long pixelBytes) implements Findings {
		}

		/**
		 * A FITS file.
		 *
		 * @param scaling its {@code BSCALE} and {@code BZERO} when they are not 1
		 *          and 0, which ImageJ's reader leaves out of the values (unsigned
		 *          16-bit, stored signed with BZERO 32768, came out signed); else
		 *          null
		 */
		record Fits(double[] scaling, long pixelBytes) implements Findings {
		}

		/** Any other file (BMP, PNM, GIF, DICOM, ...). */
		record Other(long pixelBytes) implements Findings {
		}
	}

	/**
	 * The most pixels one plane of an image may have: what one Java array holds.
	 * ImageJ's readers overflow beyond it (a 50000x50000 TIFF failed with a
	 * negative array size, reported as "not an image format").
	 */
	public static final long MAX_PLANE_PIXELS = Integer.MAX_VALUE - 8;

	/**
	 * Refuses a file whose planes ({@code width x height}) hold more than
	 * {@link #MAX_PLANE_PIXELS}, before anything is allocated.
	 */
	public static void requirePlaneFits(String what, long width, long height) {
		long pixels = TiffCheck.times(width, height);
		if (pixels > MAX_PLANE_PIXELS) throw new GanException(what + " is " +
			width + "x" + height + " pixels a plane (" + count(pixels) +
			"), more than fiji-gan holds in one plane (" + count(MAX_PLANE_PIXELS) +
			"): crop it or cut it into pieces first");
	}

	/** "WHAT is truncated: WHY", the refusal of a file cut short. */
	static GanException truncated(String what, String why) {
		return new GanException(what + " is truncated: " + why);
	}

	/** Whether the file holds "DICM" at byte 128, DICOM's file format prefix. */
	private static boolean isDicom(FileChannel ch) throws IOException {
		java.nio.ByteBuffer prefix = java.nio.ByteBuffer.allocate(4);
		return FileChannels.readAt(ch, prefix, 128) == 4 && new String(prefix
			.array(), java.nio.charset.StandardCharsets.US_ASCII).equals("DICM");
	}

	/** "WHAT is damaged or not a valid FORMAT: WHY". */
	static GanException damaged(String what, String format, String why) {
		return new GanException(what + " is damaged or not a valid " + format +
			": " + why);
	}

	/** {@code n} with thousands separated, for byte counts in messages. */
	static String count(long n) {
		return String.format(java.util.Locale.ROOT, "%,d", n);
	}
}
