
package org.fijigan.ij1;

import org.fijigan.core.io.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.OmeTiff;
import org.fijigan.core.image.TiffPage;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.io.FileOpener;
import ij.io.Opener;
import ij.process.ImageProcessor;

/**
 * TIFF pages that ImageJ's reader gets wrong, read page by page by its raw
 * reader: 16-bit RGB(A) pages, BigTIFF, tiled pages, pages compressed with JPEG
 * (decoded by {@link TiffJpeg}), and the pages of an OME-TIFF put where its
 * metadata says. Part of {@link ImageFileCodec}, which decides when each
 * applies from what {@link org.fijigan.core.image.ImageFileCheck} found; the
 * raw reader runs under the codec's lock.
 */
final class TiffPages {

	private TiffPages() {}

	/**
	 * The pages of an OME-TIFF, which ImageJ's reader reads as one z-stack, put
	 * where its metadata says: channels, slices and frames in ImageJ's order,
	 * with the physical pixel size (the frame interval goes no further than the
	 * ImagePlus). A page that ImageJ read as several channels (16-bit RGB) keeps
	 * them.
	 */
	static ImagePlus arrange(ImagePlus opened, OmeTiff.Layout layout, Path file,
		String role)
	{
		int perPage = opened.getStackSize() / layout.pages();
		if (perPage < 1 || perPage * layout.pages() != opened.getStackSize() ||
			perPage > 1 && layout.channels() > 1) throw new GanException(
				"cannot read " + role + " " + file +
					": its OME-TIFF metadata describes " + layout + ", but its " + layout
						.pages() + " pages were read as " + opened.getStackSize() +
					" planes");
		int[] pages = layout.pageOfPlane();
		if (perPage == 1 && pages.length == layout.pages() && layout
			.channels() == opened.getNChannels() && layout.slices() == opened
				.getNSlices() && layout.frames() == opened.getNFrames() && IntStream
					.range(0, pages.length).allMatch(i -> pages[i] == i) && layout
						.calibration() == null && layout.frameInterval() == 0)
			return opened;
		ImageStack in = opened.getStack(), out = new ImageStack(opened.getWidth(),
			opened.getHeight());
		for (int page : pages)
			for (int k = 0; k < perPage; k++) {
				int i = page * perPage + k + 1;
				out.addSlice(in.getSliceLabel(i), in.getProcessor(i));
			}
		ImagePlus imp = new ImagePlus(opened.getTitle(), out);
		int channels = layout.channels() * perPage;
		imp.setDimensions(channels, layout.slices(), layout.frames());
		imp.setOpenAsHyperStack(out.getSize() > channels);
		if (channels > 1) imp = new CompositeImage(imp, IJ.COMPOSITE);
		ij.measure.Calibration cal = opened.getCalibration().copy();
		Calibration physical = layout.calibration();
		if (physical != null) {
			cal.pixelWidth = physical.pixelWidth();
			cal.pixelHeight = physical.pixelHeight();
			cal.pixelDepth = physical.pixelDepth();
			cal.setUnit(physical.unit());
			// ImageJ keeps a y or z unit only where it differs from x's
			if (!physical.yUnit().equals(physical.unit())) cal.setYUnit(physical
				.yUnit());
			if (!physical.zUnit().equals(physical.unit())) cal.setZUnit(physical
				.zUnit());
		}
		if (layout.frameInterval() > 0) {
			cal.frameInterval = layout.frameInterval();
			cal.setTimeUnit("s");
		}
		imp.setCalibration(cal);
		String[] pairs = opened.getPropertiesAsArray();
		if (pairs != null) imp.setProperties(pairs);
		return imp;
	}

	/**
	 * A TIFF of 3 or 4 samples per pixel of 16 bits, read page by page: ImageJ's
	 * reader makes one page channels, but several pages a stack of planes with
	 * each channel a plane (and with a fourth sample, wrong planes after an
	 * EOFException). See {@link #stackOfPages}.
	 */
	static ImagePlus readRgb16(Path file, String role, boolean alpha) {
		synchronized (ImageFileCodec.class) { // ImageJ's readers keep static state
			List<ImagePlus> pages = new ArrayList<>();
			try {
				FileInfo[] info = Opener.getTiffFileInfo(file.toAbsolutePath()
					.toString());
				if (info == null) throw new IOException("no image directory");
				for (FileInfo fi : info)
					if (fi.width == info[0].width && fi.height == info[0].height) pages
						.add(openPage(fi, pages.size()));
			}
			catch (IOException | RuntimeException e) {
				throw new GanException("cannot read " + role + " " + file +
					" as 16-bit colour: " + e.getMessage(), e);
			}
			return stackOfPages(pages, alpha, file, role);
		}
	}

	/**
	 * A BigTIFF or a tiled TIFF, which ImageJ's reader does not open, read page
	 * by page by ImageJ's raw reader from the pages' directories as the check
	 * found them (strips or tiles, compression, differencing, byte order, sample
	 * type); see {@link #stackOfPages}. Its pixel size is read from its
	 * resolution tags as ImageJ reads a classic TIFF's.
	 */
	static ImagePlus readPages(Path file, String role, List<TiffPage> pages,
		boolean alpha)
	{
		synchronized (ImageFileCodec.class) { // ImageJ's readers keep static state
			List<ImagePlus> read = new ArrayList<>();
			try (FileChannel ch = FileChannel.open(file)) {
				for (TiffPage page : pages)
					read.add(page.compression() == 7 ? TiffJpeg.readPage(page, ch, file,
						role, read.size()) : page.tileWidth() == 0 ? readStrips(page, ch,
							file, role, read.size()) : readTiles(page, ch, file, role));
			}
			catch (IOException | RuntimeException e) {
				if (e instanceof GanException g) throw g;
				throw new GanException("cannot read " + role + " " + file + ": " + e
					.getMessage(), e);
			}
			return stackOfPages(read, alpha, file, role);
		}
	}

	/**
	 * A page of strips, read from a copy of its strips in memory when they fit
	 * one array (see {@link #inMemory}), else from the file.
	 */
	private static ImagePlus readStrips(TiffPage p, FileChannel ch, Path file,
		String role, int index) throws IOException
	{
		FileInfo fi = fileInfo(p, file, role);
		if (!inMemory(fi, ch, p.stripOffsets(), p.stripBytes())) inFile(fi, p, file,
			role);
		return openPage(fi, index);
	}

	/**
	 * A tiled page: each tile read by ImageJ's raw reader as a small image of one
	 * strip (one per plane when the samples are stored as planes; differencing
	 * runs along a tile's rows, as TIFF defines it), and put in its place, the
	 * parts of the edge tiles beyond the page left out.
	 */
	private static ImagePlus readTiles(TiffPage p, FileChannel ch, Path file,
		String role) throws IOException
	{
		int tw = p.tileWidth(), th = p.tileLength();
		int across = (p.width() + tw - 1) / tw, down = (p.height() + th - 1) / th;
		int perPlane = across * down, planes = p.planar() ? p.samples() : 1;
		// ImageJ's reader takes the planes of 16-bit colour as one run of bytes:
		// each plane's tile is read on its own, as grey
		boolean byPlane = p.planar() && p.bits() == 16;
		ImageStack page = null;
		ImagePlus first = null;
		for (int t = 0; t < perPlane; t++) {
			List<ImageProcessor> pieces = new ArrayList<>();
			for (int s = 0; s < (byPlane ? planes : 1); s++) {
				int n = byPlane ? 1 : planes;
				long[] at = new long[n], bytes = new long[n];
				for (int k = 0; k < n; k++) {
					at[k] = p.stripOffsets()[(s + k) * perPlane + t];
					bytes[k] = p.stripBytes()[(s + k) * perPlane + t];
				}
				FileInfo fi = fileInfo(new TiffPage(tw, th, p.bits(), byPlane ? 1 : p
					.samples(), p.sampleFormat(), p.compression(), p.predictor(), p
						.planar() && !byPlane, p.photometric(), p.littleEndian(), th, at,
					bytes, p.xResolution(), p.yResolution(), p.resolutionUnit(), 0, 0,
					null), file, role);
				if (!inMemory(fi, ch, at, bytes)) throw new GanException(role + " " +
					file + " has a tile of more than 2 GiB, more than fiji-gan reads");
				ImagePlus tile = openPage(fi, t);
				if (first == null) first = tile;
				for (int c = 1; c <= tile.getStackSize(); c++)
					pieces.add(tile.getStack().getProcessor(c));
			}
			if (page == null) {
				page = new ImageStack(p.width(), p.height());
				for (ImageProcessor piece : pieces)
					page.addSlice(null, piece.createProcessor(p.width(), p.height()));
			}
			for (int c = 0; c < pieces.size(); c++)
				page.getProcessor(c + 1).insert(pieces.get(c), t % across * tw, t /
					across * th);
		}
		ImagePlus whole = new ImagePlus(file.getFileName().toString(), page);
		whole.setCalibration(first.getCalibration());
		return whole;
	}

	/**
	 * Points {@code fi} at a copy of its strips in memory, one after the other.
	 * Read from the file by ImageJ's reader, tile after tile, a page of 1,024
	 * tiles took two minutes, and page after page, a BigTIFF of 200 pages took
	 * 105 s; from memory, a few seconds.
	 *
	 * @return false, {@code fi} left as it was, when the strips hold more bytes
	 *         than one array
	 */
	private static boolean inMemory(FileInfo fi, FileChannel ch, long[] at,
		long[] bytes) throws IOException
	{
		long sum = java.util.Arrays.stream(bytes).sum();
		if (sum > Integer.MAX_VALUE - 8) return false; // more than one array
		int total = (int) sum;
		ByteBuffer buffer = ByteBuffer.allocate(total);
		fi.stripOffsets = new int[at.length];
		fi.stripLengths = new int[at.length];
		for (int i = 0; i < at.length; i++) {
			fi.stripOffsets[i] = buffer.position();
			fi.stripLengths[i] = (int) bytes[i];
			buffer.limit(buffer.position() + (int) bytes[i]);
			if (FileChannels.readAt(ch, buffer, at[i]) < bytes[i])
				throw new java.io.EOFException("a tile runs past the file's end");
		}
		fi.offset = 0;
		fi.longOffset = 0;
		fi.inputStream = new java.io.ByteArrayInputStream(buffer.array());
		return true;
	}

	static ImagePlus openPage(FileInfo fi, int index) throws IOException {
		ImagePlus page = new FileOpener(fi).openImage();
		if (page == null) throw new IOException("page " + (index + 1) +
			" cannot be read");
		return page;
	}

	/**
	 * ImageJ's description of a page (a BigTIFF's, or one tile), for its raw
	 * reader, still to be pointed at its strips ({@link #inMemory},
	 * {@link #inFile}).
	 */
	static FileInfo fileInfo(TiffPage p, Path file, String role) {
		String what = role + " " + file + " is a TIFF of " + p.samples() + " x " + p
			.bits() + "-bit samples per pixel";
		FileInfo fi = new FileInfo();
		fi.fileFormat = FileInfo.TIFF;
		fi.fileName = file.getFileName().toString();
		fi.directory = file.toAbsolutePath().getParent().toString() +
			java.io.File.separator;
		fi.width = p.width();
		fi.height = p.height();
		fi.intelByteOrder = p.littleEndian();
		fi.samplesPerPixel = p.samples();
		fi.rowsPerStrip = p.rowsPerStrip();
		fi.whiteIsZero = p.photometric() == 0;
		fi.nImages = 1;
		// as ImageJ's TIFF decoder sets them; its opener calibrates from them
		if (p.xResolution() > 0) fi.pixelWidth = 1 / p.xResolution();
		if (p.yResolution() > 0) fi.pixelHeight = 1 / p.yResolution();
		fi.unit = switch (p.resolutionUnit()) {
			case 1 -> " ";
			case 2 -> "inch";
			case 3 -> "cm";
			default -> null;
		};
		int bits = p.bits(), format = p.sampleFormat();
		if (p.samples() == 1) fi.fileType = switch (bits) {
			case 1 -> FileInfo.BITMAP;
			case 8 -> FileInfo.GRAY8;
			case 12 -> FileInfo.GRAY12_UNSIGNED;
			case 16 -> format == 2 ? FileInfo.GRAY16_SIGNED
				: FileInfo.GRAY16_UNSIGNED;
			case 32 -> format == 3 ? FileInfo.GRAY32_FLOAT : format == 2
				? FileInfo.GRAY32_INT : FileInfo.GRAY32_UNSIGNED;
			default -> throw new GanException(what +
				", which fiji-gan does not read");
		};
		// ARGB is ImageJ's name for 8-bit RGBA
		else if (bits == 8) fi.fileType = p.planar() ? FileInfo.RGB_PLANAR : p
			.samples() == 4 ? FileInfo.ARGB : FileInfo.RGB;
		else if (bits == 16) fi.fileType = p.planar() ? FileInfo.RGB48_PLANAR
			: FileInfo.RGB48;
		else throw new GanException(what + ", which fiji-gan does not read");
		boolean differencing = p.predictor() == 2;
		fi.compression = switch (p.compression()) {
			case 1 -> FileInfo.COMPRESSION_NONE;
			case 5 -> differencing ? FileInfo.LZW_WITH_DIFFERENCING : FileInfo.LZW;
			case 8, 32946 -> differencing ? FileInfo.ZIP_WITH_DIFFERENCING
				: FileInfo.ZIP;
			case 32773 -> FileInfo.PACK_BITS;
			default -> throw new GanException(what + " compressed with TIFF " +
				"compression " + p.compression() + ", which fiji-gan does not read");
		};
		return fi;
	}

	/**
	 * Points {@code fi} at page {@code p}'s strips in the file: strips whose
	 * offsets pass 2 GiB can be read only uncompressed and one after the other.
	 */
	private static void inFile(FileInfo fi, TiffPage p, Path file, String role) {
		long[] at = p.stripOffsets(), bytes = p.stripBytes();
		int n = at.length;
		if (at[n - 1] + bytes[n - 1] <= Integer.MAX_VALUE) {
			fi.stripOffsets = new int[n];
			fi.stripLengths = new int[n];
			for (int i = 0; i < n; i++) {
				fi.stripOffsets[i] = (int) at[i];
				fi.stripLengths[i] = (int) bytes[i];
			}
			fi.offset = fi.stripOffsets[0];
		}
		else {
			boolean contiguous = fi.compression == FileInfo.COMPRESSION_NONE;
			for (int i = 1; i < n && contiguous; i++)
				contiguous = at[i] == at[i - 1] + bytes[i - 1];
			if (!contiguous) throw new GanException(role + " " + file + " has a " +
				"page of more than 2 GiB whose strips lie apart beyond its first " +
				"2 GiB, which fiji-gan reads only uncompressed and one after the " +
				"other: save it uncompressed");
			fi.longOffset = at[0];
		}
	}

	/**
	 * The pages of a TIFF as one image: each page a slice; a page ImageJ reads as
	 * channels (16-bit colour) gives 3 channels, or 4 when the fourth is data: a
	 * fourth that is alpha is left out, as ImageJ leaves it out of 8-bit RGB and
	 * fiji-gan out of a PNG. The first page lends its calibration and properties.
	 */
	private static ImagePlus stackOfPages(List<ImagePlus> pages, boolean alpha,
		Path file, String role)
	{
		ImagePlus first = pages.get(0);
		int perPage = first.getStackSize();
		int channels = alpha && perPage == 4 ? 3 : perPage;
		ImageStack stack = new ImageStack(first.getWidth(), first.getHeight());
		for (ImagePlus page : pages) {
			if (page.getStackSize() != perPage || page.getBitDepth() != first
				.getBitDepth()) throw new GanException("cannot read " + role + " " +
					file + ": its pages differ in samples per pixel or type");
			for (int c = 1; c <= channels; c++)
				stack.addSlice(page.getStack().getSliceLabel(c), page.getStack()
					.getProcessor(c));
		}
		ImagePlus imp = new ImagePlus(file.getFileName().toString(), stack);
		imp.setDimensions(channels, pages.size(), 1);
		imp.setOpenAsHyperStack(channels > 1 && pages.size() > 1);
		if (channels > 1) imp = new CompositeImage(imp, IJ.COMPOSITE);
		return ImageFileCodec.withMetadataOf(first, imp);
	}
}
