
package org.fijigan.ij1;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.io.DiskSpace;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.io.JavaHeap;
import org.fijigan.core.io.Streams;
import org.fijigan.core.text.JavaNames;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.image.ImageFileCheck;
import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.Nifti;
import org.fijigan.core.image.Units;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.io.FileOpener;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;

/**
 * Image files as fiji-gan reads and writes them, for the command line and the
 * batch commands: anything ImageJ 1 opens, NumPy {@code .npy} tensors and
 * NIfTI-1 ({@code .nii}, {@code .nii.gz}). Written: TIFF (provenance in the
 * TIFF info), PNG and JPEG (one 8-bit or RGB plane; a PNG carries the
 * provenance in {@code tEXt} chunks and the pixel size in {@code pHYs}, which
 * is also read), {@code .npy} (float32) and {@code .nii.gz}/{@code .nii} (the
 * {@code descrip} field says SYNTHETIC for generated images; the provenance
 * goes into a comment extension).
 * <p>
 * A tensor is {@code [H,W]}, {@code [C,H,W]}, {@code [N,C,H,W]} (N slices) or
 * {@code [T,Z,C,H,W]} (frames, slices), leading axes of size 1 aside, and
 * becomes a 32-bit image; an image is written back in the same layout:
 * {@code [C,H,W]} when it has one slice and frame, {@code [T,Z,C,H,W]} when it
 * has several of both, else {@code [N,C,H,W]} with its slices or frames as N.
 * Thread-safe.
 */
public final class ImageFileCodec implements ImageCodec {

	public static final ImageFileCodec INSTANCE = new ImageFileCodec();

	/**
	 * What a folder run takes as an image: the formats ImageJ 1 opens, by
	 * extension, and ours.
	 */
	private static final Set<String> READS = Set.of(".tif", ".tiff", ".png",
		".jpg", ".jpeg", ".gif", ".bmp", ".dcm", ".dicom", ".fits", ".fit", ".fts",
		".pgm", ".ppm", ".pnm", ".pbm", ".zip", ".npy", ".nii", ".nii.gz");
	private static final Set<String> WRITES = Set.of(".tif", ".tiff", ".png",
		".jpg", ".jpeg", ".npy", ".nii", ".nii.gz");

	private ImageFileCodec() {}

	@Override
	public boolean isImage(Path file) {
		return READS.contains(ImageCodec.extensionOf(file.getFileName()
			.toString()));
	}

	@Override
	public boolean canWrite(String extension) {
		return WRITES.contains(extension);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * A file that is not a regular file (a named pipe, a device) is refused
	 * before it is opened, and a TIFF, PNG or JPEG that does not hold the pixels
	 * its header declares before any is allocated ({@link ImageFileCheck}). JPEG
	 * is decoded here, with ImageIO, so that a damaged one is refused with the
	 * decoder's reason instead of being filled with grey.
	 */
	@Override
	public RasterImage read(Path file, String role) {
		return read(file, role, note -> {});
	}

	@Override
	public RasterImage read(Path file, String role,
		java.util.function.Consumer<String> notes)
	{
		InputFile.requireRegular(file, role);
		String ext = ImageCodec.extensionOf(file.getFileName().toString());
		if (ext.equals(".npy")) {
			NpyArray array = Npy.read(file);
			noteRounded(file, array.largestFloatRounding(), notes);
			return fromNpy(array, file);
		}
		if (ext.equals(".nii") || ext.equals(".nii.gz")) {
			Nifti.Volume v = Nifti.read(file);
			v.notes().forEach(notes);
			short dt = v.header().datatype();
			if (dt == Nifti.DT_INT32 || dt == Nifti.DT_UINT32 ||
				dt == Nifti.DT_INT64 || dt == Nifti.DT_UINT64) noteRounded(file, v
					.image(), notes);
			return withInfoText(v.image(), v.comment());
		}
		if (ext.equals(".zip")) return readZip(file, role, notes);
		ImageFileCheck.Findings found = ImageFileCheck.check(file, role);
		requireHeap(file, role, found.pixelBytes());
		if (found instanceof ImageFileCheck.Findings.Jpeg jpeg) {
			if (jpeg.orientation() > 1) notes.accept(file.getFileName() +
				": its Exif orientation (" + jpeg.orientation() + ": " +
				ORIENTATIONS[jpeg.orientation()] +
				") is not applied: fiji-gan reads the pixels as stored, and " +
				"its results carry no orientation, so a viewer that applies it shows " +
				"this file and its result differently");
			ImagePlus jpegImage = readJpeg(file, role);
			RasterImage read = ImagePlusConverter.toRaster(jpegImage, notes);
			if ("mask".equals(role)) noteLossyMask(file, read, notes);
			return read;
		}
		ImageFileCheck.Findings.Tiff tiff =
			found instanceof ImageFileCheck.Findings.Tiff t ? t : null;
		ImagePlus imp = ImageJPrints.refused(file, role, () -> {
			DicomFiles.Header dicom = DicomFiles.check(file, role);
			return tiff != null && tiff.ownPages() != null ? TiffPages.readPages(file,
				role, tiff.ownPages(), tiff.alpha16()) : tiff != null && tiff.rgb16()
					? TiffPages.readRgb16(file, role, tiff.alpha16()) : dicom != null
						? DicomFiles.read(file, role, dicom) : open(file);
		});
		if (imp == null) throw new GanException("cannot open " + role + " " + file +
			": not an image format ImageJ reads (TIFF, PNG, JPEG, DICOM, ...) nor .npy, or a damaged file");
		if (tiff != null && tiff.unsigned32() && tiff.ownPages() == null)
			readUnsigned(file, role, imp);
		if (tiff != null && tiff.noResolution() != null) {
			// ImageJ took it as a pixel of 1 in the resolution unit (1 cm)
			ij.measure.Calibration cal = imp.getCalibration();
			cal.pixelWidth = cal.pixelHeight = 1;
			cal.setUnit("pixel");
			notes.accept(file.getFileName() + ": its " + tiff.noResolution() +
				" is no resolution: its pixel size is left out");
		}
		if (tiff != null && tiff.omeLayout() != null) {
			imp = TiffPages.arrange(imp, tiff.omeLayout(), file, role);
			tiff.omeLayout().notes().forEach(notes);
		}
		if (found instanceof ImageFileCheck.Findings.Png png) {
			if (png.alpha()) imp = readPngSamples(file, role, imp, png
				.alphaBitDepth(), notes);
			setPixelSize(imp, png.xPerMetre(), png.yPerMetre());
			if (png.frames() > 1) notes.accept(file.getFileName() +
				" is an animated PNG of " + png.frames() + " frames: fiji-gan reads " +
				"its still image alone, as ImageJ does; save the frames as a TIFF " +
				"stack to process them all");
		}
		if (found instanceof ImageFileCheck.Findings.Fits fits && fits
			.scaling() != null) scaleFits(imp, fits.scaling());
		RasterImage image = ImagePlusConverter.toRaster(imp, notes);
		FileInfo opened = imp.getOriginalFileInfo();
		if (opened != null && (opened.fileType == FileInfo.GRAY32_INT ||
			opened.fileType == FileInfo.GRAY32_UNSIGNED)) noteRounded(file, image,
				notes);
		return found instanceof ImageFileCheck.Findings.Png png ? withInfoText(
			image, png.description()) : image;
	}

	/**
	 * A note where a JPEG mask holds more than 0 and one other value: JPEG's
	 * lossy compression rings around the holes' edges, and every non-zero pixel
	 * is a hole, so the mask marks more holes than were painted (141 where 84
	 * were, without a word). A colour pixel counts by its brightest component, as
	 * a colour mask is read.
	 */
	static void noteLossyMask(Path file, RasterImage mask,
		java.util.function.Consumer<String> notes)
	{
		boolean[] seen = new boolean[256];
		int values = 0;
		for (int i = 0; i < mask.planeCount(); i++) {
			Object plane = mask.plane(i);
			if (!(plane instanceof byte[]) && !(plane instanceof int[])) return;
			int n = java.lang.reflect.Array.getLength(plane);
			for (int k = 0; k < n; k++) {
				int v = plane instanceof byte[] b ? b[k] & 0xff : Math.max(
					((int[]) plane)[k] >> 16 & 0xff, Math.max(((int[]) plane)[k] >> 8 &
						0xff, ((int[]) plane)[k] & 0xff));
				if (!seen[v]) {
					seen[v] = true;
					values++;
				}
			}
		}
		if (values > 2 || values == 2 && !seen[0]) notes.accept(file.getFileName() +
			" is a JPEG mask of " + values + " values: JPEG's " +
			"lossy compression changes pixels around the holes' edges, and every " +
			"non-zero pixel is a hole, so it may mark holes that were not painted; " +
			"save masks as PNG or TIFF");
	}

	/** 2^24: integers beyond it in magnitude are not all 32-bit floats. */
	private static final double EXACT_IN_FLOAT = 16_777_216;

	/**
	 * A note that the integers of {@code file}, read as 32-bit float, were
	 * rounded, by up to {@code change}; none for 0.
	 */
	private static void noteRounded(Path file, long change,
		java.util.function.Consumer<String> notes)
	{
		if (change > 0) notes.accept(String.format(java.util.Locale.ROOT,
			"%s: its integer values beyond +-16,777,216 (2^24) are rounded to the " +
				"nearest 32-bit float, which fiji-gan reads them as: changed by up to %,d",
			file.getFileName(), change));
	}

	/**
	 * As above for {@code image}, integers already read as 32-bit float: the
	 * change is at most half the float spacing at its largest magnitude.
	 */
	private static void noteRounded(Path file, RasterImage image,
		java.util.function.Consumer<String> notes)
	{
		double largest = 0;
		for (int i = 0; i < image.planeCount(); i++)
			if (image.plane(i) instanceof float[] v) for (float x : v)
				if (Math.abs(x) > largest) largest = Math.abs(x);
		if (largest > EXACT_IN_FLOAT) noteRounded(file, (long) (Math.ulp(
			(float) largest) / 2), notes);
	}

	/**
	 * {@code image} with {@code text} as its {@code Info} property where it has
	 * none: the provenance fiji-gan writes into a PNG's {@code Description} chunk
	 * or a NIfTI comment extension, read back as a TIFF's info text is (so that
	 * {@code trust provenance} and later runs see a generated image's record).
	 */
	private static RasterImage withInfoText(RasterImage image, String text) {
		if (text != null && !text.isBlank()) image.properties().putIfAbsent(
			ImagePlusConverter.INFO, text);
		return image;
	}

	/**
	 * Refuses a file whose pixels, read, take more than the Java heap that is
	 * free ({@code bytes}), before a reader starts: ImageJ's readers print "Out
	 * of memory" on standard output and keep what they have read.
	 */
	static void requireHeap(Path file, String role, long bytes) {
		long free = JavaHeap.free(bytes);
		if (bytes > free) throw new GanException(role + " " + file + " takes " +
			Numbers.bytes(bytes) + " of memory once read, more than fits: " + JavaHeap
				.shortOf(bytes, free) + ", or split it into smaller files");
	}

	/** What each Exif orientation (1-8) asks a viewer to do. */
	private static final String[] ORIENTATIONS = { null, "as stored",
		"mirror left to right", "turn 180 degrees", "mirror top to bottom",
		"mirror along the main diagonal", "turn 90 degrees clockwise",
		"mirror along the other diagonal", "turn 90 degrees anticlockwise" };

	/**
	 * A FITS image's values made {@code BZERO + BSCALE x stored}, as the FITS
	 * standard defines them; ImageJ's reader left both out (an unsigned 16-bit
	 * image, stored signed with BZERO 32768, came out signed unless a BSCALE 1
	 * card came with it). An 8- or 16-bit image gets a linear calibration, which
	 * {@link ImagePlusConverter} reads as float with a note; a 32-bit one is
	 * scaled in place.
	 */
	static void scaleFits(ImagePlus imp, double[] scaling) {
		double scale = scaling[0], zero = scaling[1];
		ij.measure.Calibration cal = imp.getCalibration();
		int depth = imp.getBitDepth();
		if (depth == 8 || depth == 16) {
			// ImageJ keeps a 16-bit FITS as stored + 32768: with a line taking it
			// off,
			// or, for BSCALE 1 and BZERO 32768 (unsigned 16-bit), as the values
			double offset = depth == 16 ? -32768 : 0;
			cal.setFunction(ij.measure.Calibration.STRAIGHT_LINE, new double[] {
				zero + scale * offset, scale }, "value");
		}
		else if (depth == 32) {
			ImageStack stack = imp.getStack();
			for (int i = 1; i <= stack.getSize(); i++) {
				float[] v = (float[]) stack.getPixels(i);
				for (int k = 0; k < v.length; k++)
					v[k] = (float) (zero + scale * v[k]);
			}
		}
	}

	/**
	 * {@code imp} with the calibration, properties and info of {@code opened},
	 * the image it was read in place of.
	 */
	static ImagePlus withMetadataOf(ImagePlus opened, ImagePlus imp) {
		imp.setCalibration(opened.getCalibration());
		String[] pairs = opened.getPropertiesAsArray();
		if (pairs != null) imp.setProperties(pairs);
		if (opened.getInfoProperty() != null) imp.setProperty("Info", opened
			.getInfoProperty());
		return imp;
	}

	/**
	 * A ZIP archive of one TIFF or DICOM image, as ImageJ saves and opens them:
	 * the image is unzipped into a temporary file, checked and read like any
	 * other, and the file deleted. ImageJ's own reading skipped the checks (a cut
	 * TIFF inside came out with its missing rows as zeros) and took the first of
	 * several images without a word.
	 */
	private RasterImage readZip(Path file, String role,
		java.util.function.Consumer<String> notes)
	{
		Path unzipped = null;
		String entryName;
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
			List<? extends java.util.zip.ZipEntry> images = zip.stream().filter(
				e -> !e.isDirectory() && zipImageExtension(e.getName()) != null)
				.toList();
			if (images.size() != 1) {
				List<String> names = zip.stream().map(java.util.zip.ZipEntry::getName)
					.limit(5).toList();
				throw new GanException(role + " " + file + " is a ZIP archive of " +
					(images.isEmpty() ? "no TIFF or DICOM image (it holds " + (names
						.isEmpty() ? "nothing" : String.join(", ", names)) + ")" : images
							.size() + " images; ImageJ would read the first alone: " +
							"unzip it and give the images one by one, or their folder"));
			}
			java.util.zip.ZipEntry entry = images.get(0);
			entryName = entry.getName();
			long declared = entry.getSize(), heap = JavaHeap.max();
			// an image file larger than the heap cannot be read into it: refused
			// before a byte is unzipped (the temporary folder may be small)
			if (declared > heap) throw new GanException(role + " " + file +
				": its entry " + entryName + " unzips to " + Numbers.bytes(declared) +
				", more than Java's whole heap (" + Numbers.bytes(heap) +
				"): give Java more (JAVA_OPTS=-Xmx...) or unzip it yourself");
			unzipped = Files.createTempFile("fiji-gan-unzipped-", zipImageExtension(
				entryName));
			if (declared > 0) {
				java.io.IOException full = DiskSpace.fullUnlessRoomFor(unzipped,
					declared);
				if (full != null) throw new GanException("cannot unzip " + role + " " +
					file + ": " + full.getMessage(), full);
			}
			try (InputStream in = zip.getInputStream(entry);
					java.io.OutputStream out = Files.newOutputStream(unzipped))
			{
				// Java's ZipFile does not hold an entry to the size its header
				// declares: a header that says 1,000 bytes unzipped 4 MB
				long limit = declared >= 0 ? declared : heap;
				if (Streams.copyAtMost(in, out, limit) > limit) throw new GanException(
					role + " " + file + ": its entry " + entryName +
						" unzips to more than the " + (declared >= 0 ? String.format(
							Locale.ROOT, "%,d", declared) +
							" bytes its header declares (a damaged or forged archive)"
							: "Java heap's " + Numbers.bytes(heap)));
			}
		}
		catch (IOException e) {
			deleteQuietly(unzipped);
			throw new GanException(role + " " + file +
				" cannot be read as a ZIP archive: " + reasons(e), e);
		}
		catch (RuntimeException e) {
			deleteQuietly(unzipped);
			throw e;
		}
		try {
			return read(unzipped, role, notes).setTitle(file.getFileName()
				.toString());
		}
		catch (GanException e) {
			throw new GanException(e.getMessage().replace(unzipped.toString(), file +
				" (its entry " + entryName + ")"), e);
		}
		finally {
			deleteQuietly(unzipped);
		}
	}

	/**
	 * ".tif" or ".dcm" for an entry ImageJ opens from a ZIP archive, else null.
	 */
	private static String zipImageExtension(String entryName) {
		String lower = entryName.toLowerCase(Locale.ROOT);
		if (lower.endsWith(".tif") || lower.endsWith(".tiff")) return ".tif";
		if (lower.endsWith(".dcm")) return ".dcm";
		return null;
	}

	private static void deleteQuietly(Path file) {
		if (file == null) return;
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException e) {
			// a temporary file left behind; the OS's temporary folder is cleaned
		}
	}

	/**
	 * Replaces the pixels of {@code imp}, a TIFF of unsigned 32-bit integers that
	 * ImageJ opened as signed (4,000,000,000 as -294,967,296), by the same file
	 * read as unsigned: ImageJ's own reader, told the samples' type, so that each
	 * value is converted to float once, as ImageJ converts other integers. The
	 * first opening keeps what ImageJ makes of the rest (stack layout,
	 * calibration, properties).
	 */
	private static synchronized void readUnsigned(Path file, String role,
		ImagePlus imp)
	{
		ImagePlus unsigned;
		try {
			FileInfo[] info = Opener.getTiffFileInfo(file.toAbsolutePath()
				.toString());
			if (info == null) throw new IOException("no image directory");
			for (FileInfo fi : info)
				if (fi.fileType == FileInfo.GRAY32_INT) fi.fileType =
					FileInfo.GRAY32_UNSIGNED;
			unsigned = info.length > 1 ? new Opener().openTiffStack(info)
				: new FileOpener(info[0]).openImage();
		}
		catch (IOException | RuntimeException e) {
			throw new GanException("cannot read " + role + " " + file +
				" as unsigned 32-bit integers: " + e.getMessage(), e);
		}
		ImageStack to = imp.getStack(), from = unsigned == null ? null : unsigned
			.getStack();
		if (from == null || from.getSize() != to.getSize() || from.getWidth() != to
			.getWidth() || from.getHeight() != to.getHeight() || !(from.getPixels(
				1) instanceof float[])) throw new GanException("cannot read " + role +
					" " + file + " as unsigned 32-bit integers: ImageJ reads it as " + to
						.getWidth() + "x" + to.getHeight() + "x" + to.getSize() +
					" but as unsigned as " + (from == null ? "nothing" : from.getWidth() +
						"x" + from.getHeight() + "x" + from.getSize()));
		for (int i = 1; i <= to.getSize(); i++)
			System.arraycopy(from.getPixels(i), 0, to.getPixels(i), 0, to.getWidth() *
				to.getHeight());
		imp.resetDisplayRange();
	}

	/**
	 * Opens a file as ImageJ does, or returns null. A file of no format ImageJ
	 * knows is refused before ImageJ sees it, since ImageJ would print
	 * "Unsupported format" on stdout, which belongs to the summary; unless a
	 * handler of further formats is installed (Fiji's, for Bio-Formats), which
	 * then gets its turn. System.out is never swapped: that is process-wide, and
	 * other threads (shards in one JVM, other plugins in Fiji) print meanwhile.
	 * One open at a time, since ImageJ's opener keeps static state.
	 */
	static synchronized ImagePlus open(Path file) {
		String path = file.toAbsolutePath().toString();
		try {
			if (new Opener().getFileType(path) == Opener.UNKNOWN &&
				!hasExtraFileTypes()) return null;
			return IJ.openImage(path);
		}
		catch (RuntimeException e) {
			return null; // a damaged file
		}
	}

	/**
	 * Decodes a JPEG as ImageJ does (the same pixels: 8-bit when grey, else RGB),
	 * but with ImageIO's reader, whose errors and warnings reach us instead of
	 * being printed: a truncated or corrupt file is refused with the decoder's
	 * own words.
	 */
	static ImagePlus readJpeg(Path file, String role) {
		List<String> warnings = new ArrayList<>();
		BufferedImage image = decode(file, role, "JPEG", warnings);
		for (String w : warnings) {
			String lower = w.toLowerCase(Locale.ROOT);
			if (lower.contains("truncated") || lower.contains("premature end"))
				throw new GanException(role + " " + file +
					" is truncated: the JPEG decoder says \"" + w + "\"");
		}
		ImagePlus imp = new ImagePlus(file.getFileName().toString(), image);
		if (imp.getType() == ImagePlus.COLOR_RGB) Opener.convertGrayJpegTo8Bits(
			imp);
		return imp;
	}

	/**
	 * Decodes the first image of a file with ImageIO's reader for it; its
	 * warnings go to {@code warnings}, its errors into the exception's message.
	 */
	private static BufferedImage decode(Path file, String role, String format,
		List<String> warnings)
	{
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) throw new GanException("cannot open " + role +
				" " + file + ": no " + format + " decoder in this Java");
			ImageReader reader = readers.next();
			try {
				reader.addIIOReadWarningListener((source, warning) -> warnings.add(
					warning));
				reader.setInput(in, true, true);
				return reader.read(0);
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException e) {
			if (e instanceof GanException g) throw g;
			throw new GanException(role + " " + file + " cannot be decoded as " +
				format + ": " + reasons(e), e);
		}
	}

	/**
	 * A PNG with alpha (an alpha channel, or a tRNS chunk's transparent colour or
	 * palette entries) read from its samples, the alpha left out: grey as 8- or
	 * 16-bit grey, colour as RGB (16-bit: three 16-bit channels, as ImageJ reads
	 * a 16-bit RGB PNG), a palette as 8-bit indices with the palette as LUT
	 * (which {@link ImagePlusConverter} turns into RGB colours). ImageJ's own
	 * reading blends the colours with the alpha and passes grey through a linear
	 * colour space, so that even an opaque grey 130 came out as 189.
	 * {@code opened}, ImageJ's reading, lends its calibration and properties;
	 * {@code depth} is the PNG's bit depth. For an inpainting mask (role
	 * {@code mask}) the alpha is not left out: a transparent pixel is no hole
	 * (black), whatever colour it stores, as a mask painted on a transparent
	 * layer means; {@code notes} says how many there were.
	 */
	static ImagePlus readPngSamples(Path file, String role, ImagePlus opened,
		int depth, java.util.function.Consumer<String> notes)
	{
		BufferedImage image = decode(file, role, "PNG", new ArrayList<>());
		WritableRaster raster = image.getRaster();
		ColorModel model = image.getColorModel();
		int w = raster.getWidth(), h = raster.getHeight();
		int colours = raster.getNumBands() - (model.hasAlpha() &&
			!(model instanceof IndexColorModel) ? 1 : 0);
		if ("mask".equals(role)) {
			long clear = transparentToBlack(raster, model, colours);
			if (clear > 0) notes.accept(file.getFileName() + ": " + clear +
				" transparent pixel" + (clear == 1 ? "" : "s") + " not black " +
				(clear == 1 ? "was" : "were") +
				" read as no hole (black), as the mask's alpha says");
		}
		boolean sixteen = raster.getTransferType() == DataBuffer.TYPE_USHORT;
		String title = opened.getTitle();
		ImagePlus imp;
		if (model instanceof IndexColorModel palette) {
			byte[] r = new byte[256], g = new byte[256], b = new byte[256];
			palette.getReds(r);
			palette.getGreens(g);
			palette.getBlues(b);
			if ("mask".equals(role)) for (int i = 0; i < palette.getMapSize(); i++)
				if (palette.getAlpha(i) == 0) r[i] = g[i] = b[i] = 0;
			imp = new ImagePlus(title, new ByteProcessor(w, h, (byte[]) band(raster,
				0), new IndexColorModel(8, 256, r, g, b)));
		}
		else if (colours == 1) {
			Object grey = band(raster, 0);
			if (grey instanceof byte[] b && depth < 8) // ImageIO scaled them to
				// 0-255; ImageJ reads such a PNG without alpha as its samples
				for (int i = 0; i < b.length; i++)
				b[i] = (byte) ((b[i] & 0xff) / (255 / ((1 << depth) - 1)));
			imp = new ImagePlus(title, grey instanceof short[] s ? new ShortProcessor(
				w, h, s, null) : new ByteProcessor(w, h, (byte[]) grey));
		}
		else if (colours == 3 && !sixteen) {
			ColorProcessor rgb = new ColorProcessor(w, h);
			rgb.setRGB((byte[]) band(raster, 0), (byte[]) band(raster, 1),
				(byte[]) band(raster, 2));
			imp = new ImagePlus(title, rgb);
		}
		else if (colours == 3) {
			ImageStack stack = new ImageStack(w, h);
			for (int band = 0; band < 3; band++)
				stack.addSlice(new ShortProcessor(w, h, (short[]) band(raster, band),
					null));
			imp = new ImagePlus(title, stack);
			imp.setDimensions(3, 1, 1);
			imp = new CompositeImage(imp, IJ.COMPOSITE);
		}
		else throw new GanException("cannot read " + role + " " + file +
			": its PNG decodes to " + raster.getNumBands() + " samples per pixel");
		return withMetadataOf(opened, imp);
	}

	/**
	 * One band of a raster's samples: short[] for 16-bit samples, else byte[].
	 */
	/**
	 * Sets the colour samples of every fully transparent pixel to 0, by its alpha
	 * band; for a palette, counts the pixels whose entry is transparent (the
	 * palette's colours of those entries are made black where it is read);
	 * returns how many transparent pixels were not black already (those the alpha
	 * turns from holes into none).
	 */
	private static long transparentToBlack(WritableRaster raster,
		ColorModel model, int colours)
	{
		int w = raster.getWidth(), h = raster.getHeight();
		int[] row = new int[w];
		long n = 0;
		if (model instanceof IndexColorModel palette) {
			for (int y = 0; y < h; y++) {
				raster.getSamples(0, y, w, 1, 0, row);
				for (int x = 0; x < w; x++)
					if (row[x] < palette.getMapSize() && palette.getAlpha(row[x]) == 0 &&
						(palette.getRGB(row[x]) & 0xffffff) != 0) n++;
			}
			return n;
		}
		if (!model.hasAlpha()) return 0;
		int alpha = raster.getNumBands() - 1;
		for (int y = 0; y < h; y++) {
			raster.getSamples(0, y, w, 1, alpha, row);
			for (int x = 0; x < w; x++) {
				if (row[x] != 0) continue;
				boolean black = true;
				for (int b = 0; b < colours; b++) {
					black &= raster.getSample(x, y, b) == 0;
					raster.setSample(x, y, b, 0);
				}
				if (!black) n++;
			}
		}
		return n;
	}

	private static Object band(WritableRaster raster, int band) {
		int w = raster.getWidth(), h = raster.getHeight();
		boolean sixteen = raster.getTransferType() == DataBuffer.TYPE_USHORT;
		byte[] bytes = sixteen ? null : new byte[w * h];
		short[] shorts = sixteen ? new short[w * h] : null;
		int[] row = new int[w]; // a row at a time: the whole band as ints would
														// take 4 bytes a pixel more
		for (int y = 0; y < h; y++) {
			raster.getSamples(0, y, w, 1, band, row);
			for (int x = 0; x < w; x++)
				if (sixteen) shorts[y * w + x] = (short) row[x];
				else bytes[y * w + x] = (byte) row[x];
		}
		return sixteen ? shorts : bytes;
	}

	/**
	 * An exception's message and those of its causes, joined: the decoder's real
	 * reason.
	 */
	static String reasons(Throwable e) {
		StringBuilder sb = new StringBuilder();
		for (Throwable c = e; c != null; c = c.getCause() == c ? null : c
			.getCause())
		{
			String m = c.getMessage() == null ? c.getClass().getSimpleName() : c
				.getMessage();
			if (sb.indexOf(m) < 0) sb.append(sb.length() == 0 ? "" : ": ").append(m);
		}
		return sb.toString().lines().findFirst().orElse("");
	}

	private static boolean hasExtraFileTypes() {
		try {
			Class.forName("HandleExtraFileTypes", false, IJ.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError e) {
			return false;
		}
	}

	@Override
	public String cannotWrite(String extension, RasterImage image) {
		if (!canWrite(extension)) return "cannot write " + extension +
			" files: use .tif, .png, .jpg, .npy or .nii.gz";
		if (!extension.equals(".png") && !extension.equals(".jpg") && !extension
			.equals(".jpeg")) return null;
		boolean onePlane = image.channels() == 1 && image.slices() * image
			.frames() == 1;
		boolean png = extension.equals(".png");
		boolean fits = image.type() == PixelType.UINT8 || image
			.type() == PixelType.RGB || png && image.type() == PixelType.UINT16;
		if (onePlane && fits || png && isRgb16(image)) return null;
		return (png ? "PNG holds one 8-bit, 16-bit or RGB plane (8- or 16-bit)"
			: "JPEG holds one 8-bit or RGB plane") + ", but the result is " + image
				.describe() + ": write .tif (or .npy) instead";
	}

	/** Three 16-bit channels of one plane: a 16-bit RGB PNG holds them. */
	private static boolean isRgb16(RasterImage image) {
		return image.type() == PixelType.UINT16 && image.channels() == 3 && image
			.slices() * image.frames() == 1;
	}

	@Override
	public void write(RasterImage image, String extension, Path file) {
		String problem = cannotWrite(extension, image);
		if (problem != null) throw new GanException(problem);
		switch (extension) {
			case ".npy" -> Npy.write(file, toNpy(image));
			case ".nii", ".nii.gz" -> Nifti.write(file, extension.equals(".nii.gz"),
				image, description(image.properties()), provenance(image.properties()));
			default -> writeWithImageJ(image, extension, file);
		}
	}

	/**
	 * The pixel size of a PNG's {@code pHYs} chunk (pixels per metre), in µm, mm
	 * or m, whichever is the largest unit under it. As ImageJ leaves aside a
	 * TIFF's 72 dots per inch, a screen's resolution (72 or 96 dots per inch,
	 * 2835 or 3780 pixels per metre, which image editors write by default) is
	 * left aside.
	 */
	private static void setPixelSize(ImagePlus imp, long x, long y) {
		if (x <= 0 || y <= 0 || x == y && (x == 2835 || x == 3780)) return;
		double metres = 1.0 / Math.max(x, y);
		String unit = metres < 1e-3 ? "µm" : metres < 1 ? "mm" : "m";
		ij.measure.Calibration cal = imp.getCalibration().copy();
		cal.pixelWidth = Units.length(1.0 / x, "m", unit);
		cal.pixelHeight = Units.length(1.0 / y, "m", unit);
		cal.setUnit(unit);
		imp.setCalibration(cal);
	}

	@Override
	public List<String> writeNotes(String extension, RasterImage image) {
		Calibration c = image.calibration();
		boolean calibrated = !Units.isPixel(c.unit()) || c.pixelWidth() != 1 || c
			.pixelHeight() != 1;
		String size = Numbers.rounded(c.pixelWidth(), 6) + " x " + Numbers.rounded(c
			.pixelHeight(), 6) + " " + c.unit() + (c.yUnit().equals(c.unit()) ? ""
				: " x " + c.yUnit());
		List<String> notes = new ArrayList<>(switch (extension) {
			case ".nii", ".nii.gz" -> Nifti.unwritten(image);
			case ".png" -> !calibrated ? List.of() : pngNotes(c, size);
			case ".jpg", ".jpeg", ".npy" -> !calibrated ? List.of() : List.of(
				formatName(extension) + " holds no pixel size: the pixel size (" +
					size + ") is not written; write .tif to keep it");
			default -> List.of();
		});
		boolean flat = List.of(".png", ".jpg", ".jpeg", ".npy").contains(extension);
		if (flat) notes.addAll(depthAndTimeNotes(formatName(extension), image));
		if (c.originPlace() != null && flat) notes.add(formatName(extension) +
			" holds no origin: the origin (" + c.originPlace() +
			") is not written; write .tif to keep it");
		if (c.orientation() != null && !extension.startsWith(".nii")) notes.add(
			formatName(extension) + " holds no place in the world like NIfTI's: " +
				"the input volume's qform and sform (its rotation and world origin) " +
				"are not written; write .nii.gz to keep them");
		return notes;
	}

	/**
	 * The note for a format that holds neither a slice spacing nor a frame
	 * interval ({@code format}, as notes name it), naming those of {@code image}
	 * that say something: a spacing of several slices other than 1 pixel, an
	 * interval of several frames; none when neither does.
	 */
	private static List<String> depthAndTimeNotes(String format,
		RasterImage image)
	{
		Calibration c = image.calibration();
		List<String> kinds = new ArrayList<>(), values = new ArrayList<>();
		if (image.slices() > 1 && (c.pixelDepth() != 1 || !Units.isPixel(c
			.zUnit())))
		{
			kinds.add("slice spacing");
			values.add("the slice spacing (" + Numbers.rounded(c.pixelDepth(), 6) +
				" " + c.zUnit() + ")");
		}
		if (image.frames() > 1 && c.frameInterval() > 0) {
			kinds.add("frame interval");
			values.add("the frame interval (" + Numbers.rounded(c.frameInterval(),
				6) + " " + c.timeUnit() + ")");
		}
		if (kinds.isEmpty()) return List.of();
		boolean both = kinds.size() == 2;
		return List.of(format + " holds no " + String.join(" or ", kinds) + ": " +
			String.join(" and ", values) + (both ? " are" : " is") +
			" not written; write .tif to keep " + (both ? "them" : "it"));
	}

	/** How notes name the file format of {@code extension}. */
	private static String formatName(String extension) {
		return switch (extension) {
			case ".npy" -> ".npy";
			case ".jpg", ".jpeg" -> "JPEG";
			default -> extension.substring(1).toUpperCase(Locale.ROOT);
		};
	}

	/**
	 * What a PNG's {@code pHYs} chunk cannot hold of calibration {@code c}
	 * (described as {@code size}): a size that is no length, or one that whole
	 * pixels per metre round by more than one part in 10,000.
	 */
	private static List<String> pngNotes(Calibration c, String size) {
		long[] perMetre = pixelsPerMetre(c);
		if (perMetre == null) return List.of(
			"PNG holds a pixel size in metres only: the pixel size (" + size +
				") is not written; write .tif to keep it");
		double x = Units.length(1.0 / perMetre[0], "m", c.unit()), y = Units.length(
			1.0 / perMetre[1], "m", c.yUnit());
		if (Math.abs(x / c.pixelWidth() - 1) <= 1e-4 && Math.abs(y / c
			.pixelHeight() - 1) <= 1e-4) return List.of();
		return List.of("PNG holds whole pixels per metre: the pixel size (" + size +
			") is written as " + Numbers.rounded(x, 6) + " x " + Numbers.rounded(y,
				6) + " " + c.unit() + (c.yUnit().equals(c.unit()) ? "" : " x " + c
					.yUnit()) + "; write .tif to keep it exactly");
	}

	/**
	 * The pixels per metre in x and y of a PNG's {@code pHYs} chunk for
	 * {@code c}, to the nearest whole pixel; null when a size is not a length or
	 * is beyond what the chunk holds.
	 */
	static long[] pixelsPerMetre(Calibration c) {
		long x = perMetre(c.pixelWidth(), c.unit()), y = perMetre(c.pixelHeight(), c
			.yUnit());
		return x > 0 && y > 0 ? new long[] { x, y } : null;
	}

	private static long perMetre(double size, String unit) {
		double m = Units.length(size, unit, "m");
		if (!(m > 0)) return 0;
		double n = Math.rint(1 / m);
		return n >= 1 && n <= Integer.MAX_VALUE ? (long) n : 0;
	}

	/**
	 * A 16-bit RGB PNG, written by ImageIO (ImageJ's writer would flatten the
	 * channels to 8-bit RGB), with the properties as text.
	 */
	private static void writeRgb16Png(RasterImage image, Path file) {
		int w = image.width(), h = image.height();
		ColorModel model = new java.awt.image.ComponentColorModel(
			java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB),
			false, false, java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
		WritableRaster raster = model.createCompatibleWritableRaster(w, h);
		for (int c = 0; c < 3; c++) {
			short[] plane = (short[]) image.plane(c, 0, 0);
			int[] samples = new int[plane.length];
			for (int i = 0; i < plane.length; i++)
				samples[i] = plane[i] & 0xffff;
			raster.setSamples(0, 0, w, h, c, samples);
		}
		try {
			if (!ImageIO.write(new BufferedImage(model, raster, false, null), "png",
				file.toFile())) throw new IOException("no PNG writer");
		}
		catch (IOException e) {
			java.io.IOException full = DiskSpace.fullUnlessRoomFor(file, (long) w *
				h * 6 + 65536);
			if (full != null) throw new GanException(DiskSpace.FULL, full);
			throw new GanException("cannot write " + file + ": " + e.getMessage(), e);
		}
		addPngText(file, image);
	}

	private static void writeWithImageJ(RasterImage image, String extension,
		Path file)
	{
		if (extension.equals(".png") && isRgb16(image)) {
			writeRgb16Png(image, file);
			return;
		}
		ImagePlus imp = ImagePlusConverter.toImagePlus(image);
		if (!extension.equals(".tif") && !extension.equals(".tiff") && imp
			.getType() == ImagePlus.GRAY8)
		{
			// ImageJ's PNG and JPEG writers write an 8-bit image as shown: the
			// display range and LUT kept from the input would change its values
			imp.getProcessor().setLut(ij.process.LUT.createLutFromColor(
				java.awt.Color.WHITE));
			imp.getProcessor().setMinAndMax(0, 255);
		}
		FileSaver saver = new FileSaver(imp);
		String path = file.toString();
		String failure = ImageJPrints.failure(() -> switch (extension) {
			case ".png" -> saver.saveAsPng(path);
			case ".jpg", ".jpeg" -> saver.saveAsJpeg(path);
			default -> imp.getStackSize() > 1 ? saver.saveAsTiffStack(path) : saver
				.saveAsTiff(path);
		});
		if (failure != null) {
			// ImageJ prints why, and returns false (TIFF) or true (PNG, JPEG): on a
			// full disk, say so
			long bytes = (long) image.width() * image.height() * image.channels() *
				image.slices() * image.frames() * (image.type() == PixelType.FLOAT32 ? 4
					: image.type() == PixelType.UINT16 ? 2 : image.type() == PixelType.RGB
						? 3 : 1);
			java.io.IOException full = DiskSpace.fullUnlessRoomFor(file, bytes +
				65536);
			if (full != null) throw new GanException(DiskSpace.FULL, full);
			throw new GanException("cannot write " + file + (failure.isEmpty() ? ""
				: ": " + writerSays(failure, path)));
		}
		if (extension.equals(".png")) addPngText(file, image);
	}

	/**
	 * What ImageJ's writer printed, for a message: the system's reason alone when
	 * it is the one Java gives for a file it cannot open ("{@code path}
	 * (Read-only file system)"), as the other writers say it; else its words,
	 * without Java's class names.
	 */
	static String writerSays(String failure, String path) {
		java.util.regex.Matcher m = java.util.regex.Pattern.compile(
			java.util.regex.Pattern.quote(path) + " \\(([^()]+)\\)").matcher(failure);
		if (m.find()) return m.group(1);
		return "ImageJ's writer says \"" + JavaNames.stripped(failure) + "\"";
	}

	/**
	 * The NIfTI {@code descrip}: the SYNTHETIC label of a generated image, else
	 * what made it.
	 */
	static String description(Map<String, String> p) {
		String label = p.get("fiji-gan.slice.1.label");
		if (p.containsKey("fiji-gan.synthetic")) return label != null && label
			.startsWith("SYNTHETIC") ? label : "SYNTHETIC image generated by " + p
				.getOrDefault("fiji-gan.model", "a GAN");
		if (p.containsKey("fiji-gan.task")) return "fiji-gan " + p.get(
			"fiji-gan.task") + " model=" + p.getOrDefault("fiji-gan.model", "?");
		return "fiji-gan";
	}

	/**
	 * The {@code fiji-gan.*} properties, one {@code key = value} line each, as in
	 * the TIFF info.
	 */
	static String provenance(Map<String, String> properties) {
		StringBuilder sb = new StringBuilder();
		properties.forEach((k, v) -> {
			if (k.startsWith("fiji-gan.") && v != null) sb.append(k).append(" = ")
				.append(v.replace('\n', ' ')).append('\n');
		});
		return sb.length() == 0 ? null : sb.toString();
	}

	/**
	 * Puts the provenance into the PNG as {@code tEXt} chunks after the header
	 * chunk: {@code Description} (the {@code fiji-gan.*} lines), {@code Warning}
	 * (the SYNTHETIC label of a generated image) and {@code Software}, and the
	 * pixel size as a {@code pHYs} chunk where it is a length
	 * ({@link #pixelsPerMetre}). ImageJ's PNG writer writes none.
	 */
	static void addPngText(Path file, RasterImage image) {
		Map<String, String> properties = image.properties();
		try {
			byte[] png = Files.readAllBytes(file);
			int afterHeader = 8 + 8 + 13 + 4; // signature, IHDR length+type, IHDR
																				// data, CRC
			if (png.length < afterHeader || png[12] != 'I' || png[13] != 'H') return;
			ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 1024);
			out.write(png, 0, afterHeader);
			long[] phys = pixelsPerMetre(image.calibration());
			if (phys != null) out.write(physChunk(phys[0], phys[1]));
			out.write(textChunk("Software", "fiji-gan"));
			String info = provenance(properties);
			if (properties.containsKey("fiji-gan.synthetic")) out.write(textChunk(
				"Warning", description(properties)));
			if (info != null) out.write(textChunk("Description", info));
			out.write(png, afterHeader, png.length - afterHeader);
			Files.write(file, out.toByteArray());
		}
		catch (IOException e) {
			throw new GanException("cannot write " + file + ": " + e.getMessage(), e);
		}
	}

	/** A {@code pHYs} chunk: pixels per metre in x and y. */
	private static byte[] physChunk(long x, long y) {
		ByteBuffer b = ByteBuffer.allocate(12 + 9);
		b.putInt(9).put("pHYs".getBytes(StandardCharsets.US_ASCII)).putInt((int) x)
			.putInt((int) y).put((byte) 1);
		CRC32 crc = new CRC32();
		crc.update(b.array(), 4, 4 + 9);
		b.putInt((int) crc.getValue());
		return b.array();
	}

	private static byte[] textChunk(String keyword, String text) {
		byte[] k = keyword.getBytes(StandardCharsets.ISO_8859_1);
		byte[] t = text.replaceAll("[^\\x0a\\x20-\\x7e\\xa1-\\xff]", "?").getBytes(
			StandardCharsets.ISO_8859_1);
		ByteBuffer b = ByteBuffer.allocate(12 + k.length + 1 + t.length);
		b.putInt(k.length + 1 + t.length).put("tEXt".getBytes(
			StandardCharsets.US_ASCII)).put(k).put((byte) 0).put(t);
		CRC32 crc = new CRC32();
		crc.update(b.array(), 4, 4 + k.length + 1 + t.length);
		b.putInt((int) crc.getValue());
		return b.array();
	}

	/** An image of a tensor; see the class comment for the layouts. */
	public static RasterImage fromNpy(NpyArray array, Path file) {
		long[] shape = array.shape();
		int first = 0;
		while (shape.length - first > 2 && shape[first] == 1)
			first++;
		long[] s = Arrays.copyOfRange(shape, first, shape.length);
		if (s.length < 2 || s.length > 5) throw new GanException(file +
			" has shape " + Arrays.toString(shape) +
			"; an image tensor is [H,W], [C,H,W], [N,C,H,W] or [T,Z,C,H,W], " +
			"after any leading axes of size 1, which are dropped");
		int w = (int) s[s.length - 1], h = (int) s[s.length - 2];
		int c = s.length >= 3 ? (int) s[s.length - 3] : 1;
		int n = s.length >= 4 ? (int) s[s.length - 4] : 1; // slices
		int t = s.length == 5 ? (int) s[0] : 1; // frames
		if (w < 1 || h < 1 || c < 1 || n < 1 || t < 1) throw new GanException(file +
			" has an empty shape " + Arrays.toString(shape));
		float[] data = array.toFloatArray();
		int plane = w * h;
		Object[] planes = new Object[c * n * t];
		for (int i = 0; i < planes.length; i++)
			planes[i] = Arrays.copyOfRange(data, i * plane, (i + 1) * plane);
		String title = file.getFileName().toString();
		return new RasterImage(w, h, c, n, t, PixelType.FLOAT32, planes).setTitle(
			title);
	}

	/** The tensor of an image; see the class comment for the layouts. */
	public static NpyArray toNpy(RasterImage image) {
		int w = image.width(), h = image.height(), c = image.logicalChannels();
		int n = image.slices() * image.frames();
		float[] data = new float[n * c * w * h];
		int offset = 0;
		for (int t = 0; t < image.frames(); t++)
			for (int z = 0; z < image.slices(); z++)
				for (int ch = 0; ch < c; ch++, offset += w * h)
					image.readRegion(ch, z, t, 0, 0, w, h, data, offset);
		if (n == 1) return NpyArray.ofFloats(data, c, h, w);
		return image.slices() > 1 && image.frames() > 1 ? NpyArray.ofFloats(data,
			image.frames(), image.slices(), c, h, w) : NpyArray.ofFloats(data, n, c,
				h, w);
	}
}
