
package org.fijigan.ij1;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Numbers;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.io.FileOpener;
import ij.io.Opener;

/**
 * DICOM files as fiji-gan reads them: the header checked against the file
 * (compression, size) before any pixel is read, then the uncompressed pixels
 * read by ImageJ's raw reader from the header's numbers, through their stored
 * bits and modality LUT. Part of {@link ImageFileCodec}; the raw reader runs
 * under the codec's lock.
 */
final class DicomFiles {

	private DicomFiles() {}

	/** The compressions of DICOM transfer syntaxes, by the syntax's start. */
	private static final Map<String, String> DICOM_COMPRESSIONS = Map.of(
		"1.2.840.10008.1.2.4.5", "JPEG", "1.2.840.10008.1.2.4.7", "JPEG lossless",
		"1.2.840.10008.1.2.4.8", "JPEG-LS", "1.2.840.10008.1.2.4.9", "JPEG 2000",
		"1.2.840.10008.1.2.5", "RLE", "1.2.840.10008.1.2.1.99", "deflate");

	/** The DICOM transfer syntaxes whose pixel data is stored uncompressed. */
	private static final Set<String> UNCOMPRESSED_DICOM = Set.of(
		"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2");

	/**
	 * Refuses an uncompressed DICOM file whose header declares more pixels than
	 * the file holds after the pixel data's start (a cut file, or a header that
	 * lies about rows and columns), before ImageJ allocates them and reads the
	 * missing ones as zeros, and a compressed one, naming its compression. Reads
	 * the header as ImageJ's DICOM reader does. Also refuses a modality LUT given
	 * as a table, and per-frame rescales that do not cover every frame.
	 *
	 * @return the header, for {@link #read}; null for a file that is not DICOM or
	 *         whose header lacks the numbers (ImageJ's own reading then decides)
	 */
	static Header check(Path file, String role) {
		synchronized (ImageFileCodec.class) { // ImageJ's readers keep static state
			String path = file.toAbsolutePath().toString();
			int type = new Opener().getFileType(path);
			// TIFF_AND_DICOM: a DICOM file whose preamble is a TIFF header, which
			// ImageJ reads as DICOM
			if (type != Opener.DICOM && type != Opener.TIFF_AND_DICOM) return null;
			String walked = org.fijigan.core.image.DicomCheck.requireLengthsFit(file,
				role + " " + file);
			if (org.fijigan.core.image.DicomCheck.DEFLATED.equals(walked))
				throw compressed(role, file, walked);
			Map<String, String> tags = new java.util.HashMap<>();
			List<String[]> ordered = new ArrayList<>();
			String info;
			try {
				info = new ij.plugin.DICOM().getInfo(path);
			}
			catch (RuntimeException e) {
				return null; // ImageJ's own reading will say what is wrong
			}
			if (info == null) return null;
			for (String line : info.split("\n")) {
				int colon = line.indexOf(':');
				if (line.length() > 11 && colon > 11) {
					String tag = line.substring(0, 9), value = line.substring(colon + 1)
						.trim();
					tags.put(tag, value);
					ordered.add(new String[] { tag, value });
				}
			}
			String syntax = tags.getOrDefault("0002,0010", "1.2.840.10008.1.2")
				.replace("\0", "").trim();
			if (!UNCOMPRESSED_DICOM.contains(syntax)) throw compressed(role, file,
				syntax);
			try {
				long rows = Long.parseLong(tags.get("0028,0010"));
				long columns = Long.parseLong(tags.get("0028,0011"));
				long bits = Long.parseLong(tags.getOrDefault("0028,0100", "16"));
				long samples = Long.parseLong(tags.getOrDefault("0028,0002", "1"));
				long frames = Long.parseLong(tags.getOrDefault("0028,0008", "1").split(
					java.util.regex.Pattern.quote("\\"))[0].trim());
				long offset = Long.parseLong(tags.get("7FE0,0010"));
				// YBR_FULL_422 and YBR_PARTIAL_422: two pixels share their colour
				// samples, so two samples a pixel (refused when read, by name)
				long stored = samples == 3 && tags.getOrDefault("0028,0004", "").trim()
					.endsWith("_422") ? 2 : samples;
				long need = Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(
					rows, columns), Math.multiplyExact(stored, Math.max(1, frames))),
					bits) / 8;
				long holds = Files.size(file) - offset;
				if (need > holds) throw new GanException(role + " " + file +
					" is truncated or damaged: its DICOM header declares " + rows + "x" +
					columns + (frames > 1 ? "x" + frames : "") + " pixels of " + bits +
					" bits (" + String.format(Locale.ROOT, "%,d", need) +
					" bytes), but the file holds " + String.format(Locale.ROOT, "%,d",
						Math.max(0, holds)) + " bytes of pixel data");
				org.fijigan.core.image.ImageFileCheck.requirePlaneFits(role + " " +
					file, columns, rows);
				// as ImageJ holds them: colour as one int a pixel
				ImageFileCodec.requireHeap(file, role, Math.multiplyExact(rows *
					columns * Math.max(1, frames), samples == 3 ? 4 : bits <= 8 ? 1
						: bits <= 16 ? 2 : 4));
			}
			catch (NumberFormatException | NullPointerException | ArithmeticException
					| IOException e)
			{
				return null; // a header without these numbers: ImageJ's reading decides
			}
			if (tags.containsKey(MODALITY_LUT_SEQUENCE)) throw new GanException(role +
				" " + file +
				" maps its pixels to values through a modality LUT table " +
				"(Modality LUT Sequence), which fiji-gan does not apply: export it " +
				"with the LUT applied (e.g. as float TIFF)");
			return new Header(tags, rescales(ordered, frames(tags), role, file));
		}
	}

	private static GanException compressed(String role, Path file,
		String syntax)
	{
		return new GanException(role + " " + file +
			" is a compressed DICOM file (transfer syntax " + syntax +
			DICOM_COMPRESSIONS.entrySet().stream().filter(c -> syntax.startsWith(c
				.getKey())).map(c -> ", " + c.getValue()).findFirst().orElse("") +
			"), which ImageJ's reader cannot decode: convert it to uncompressed " +
			"DICOM (e.g. dcmdjpeg, or gdcmconv --raw) or to TIFF");
	}

	/**
	 * The header's elements by tag ("0028,0010"; an element that occurs more than
	 * once, as inside sequences, keeps its last value), and the modality LUT's
	 * slope and intercept per frame ({@code rescale[0]} slopes,
	 * {@code rescale[1]} intercepts; one value each when all frames share it).
	 */
	record Header(Map<String, String> tags, double[][] rescale) {
	}

	private static final String MODALITY_LUT_SEQUENCE = "0028,3000",
			SHARED_GROUPS = "5200,9229", PER_FRAME_GROUPS = "5200,9230", INTERCEPT =
				"0028,1052", SLOPE = "0028,1053", PIXEL_DATA = "7FE0,0010";

	private static int frames(Map<String, String> tags) {
		return (int) Math.max(1, Numbers.parseOr(tags.getOrDefault("0028,0008", "1")
			.split(java.util.regex.Pattern.quote("\\"))[0], 1));
	}

	/**
	 * The slope and intercept of each frame. An enhanced (multi-frame) file keeps
	 * them in its functional groups: shared by all frames, or one Pixel Value
	 * Transformation per frame in the per-frame groups, which take precedence;
	 * other files at the top level. ImageJ's header listing flattens sequences in
	 * file order, so the groups are told apart by where their sequence starts.
	 */
	private static double[][] rescales(List<String[]> ordered, int frames,
		String role, Path file)
	{
		// [0] top level, [1] shared groups, [2] per-frame groups
		List<List<String>> slopes = List.of(new ArrayList<>(), new ArrayList<>(),
			new ArrayList<>()), intercepts = List.of(new ArrayList<>(),
				new ArrayList<>(), new ArrayList<>());
		int part = 0;
		for (String[] e : ordered) {
			if (e[0].equals(SHARED_GROUPS)) part = 1;
			else if (e[0].equals(PER_FRAME_GROUPS)) part = 2;
			else if (e[0].equals(PIXEL_DATA)) break;
			else if (e[0].equals(SLOPE)) slopes.get(part).add(e[1]);
			else if (e[0].equals(INTERCEPT)) intercepts.get(part).add(e[1]);
		}
		List<String> s = slopes.get(2), i = intercepts.get(2);
		if (!s.isEmpty() || !i.isEmpty()) {
			if (s.size() != frames || i.size() != frames) throw new GanException(
				role + " " + file + " gives a rescale slope and intercept (" + s
					.size() + " and " + i.size() + ") for some of its " + frames +
					" frames only, so its values cannot be known: export it with the " +
					"rescale applied");
			return new double[][] { values(s, 1), values(i, 0) };
		}
		int from = slopes.get(1).isEmpty() && intercepts.get(1).isEmpty() ? 0 : 1;
		s = slopes.get(from);
		i = intercepts.get(from);
		return new double[][] { values(s.subList(Math.max(0, s.size() - 1), s
			.size()), 1), values(i.subList(Math.max(0, i.size() - 1), i.size()), 0) };
	}

	/** The numbers, or one {@code none} for an empty list. */
	private static double[] values(List<String> texts, double none) {
		return texts.isEmpty() ? new double[] { none } : texts.stream().mapToDouble(
			v -> Numbers.parseOr(v, none)).toArray();
	}

	/**
	 * An uncompressed DICOM image read from its header's numbers by ImageJ's raw
	 * reader, then taken through its modality LUT ({@code RescaleSlope},
	 * {@code RescaleIntercept}: Hounsfield units of CT) into 32-bit float when
	 * that is not the identity (each frame through its own, see {@link Header}),
	 * or when the pixels are signed 8-bit; the pixel spacing and slice spacing in
	 * mm. ImageJ's DICOM reading left the slope and intercept of 16- and 32-bit
	 * images out of the pixel values, failed on 8-bit ones without menus (its API
	 * printed "Unrecognized command") and read 32-bit and 8-bit signed pixels
	 * wrongly. Frames become slices. A palette-colour image is left to ImageJ,
	 * which applies the palette.
	 */
	static ImagePlus read(Path file, String role, Header header) {
		Map<String, String> tags = header.tags();
		synchronized (ImageFileCodec.class) { // ImageJ's readers keep static state
			String photometric = tags.getOrDefault("0028,0004", "MONOCHROME2")
				.replace("\0", "").trim();
			if (photometric.startsWith("PALETTE")) return ImageFileCodec.open(file);
			int bits = Integer.parseInt(tags.getOrDefault("0028,0100", "16"));
			int samples = Integer.parseInt(tags.getOrDefault("0028,0002", "1"));
			boolean signed = "1".equals(tags.get("0028,0103"));
			FileInfo fi = new FileInfo();
			fi.fileFormat = FileInfo.RAW;
			fi.fileName = file.getFileName().toString();
			fi.directory = file.toAbsolutePath().getParent().toString() +
				java.io.File.separator;
			fi.width = Integer.parseInt(tags.get("0028,0011"));
			fi.height = Integer.parseInt(tags.get("0028,0010"));
			fi.longOffset = Long.parseLong(tags.get("7FE0,0010"));
			fi.nImages = frames(tags);
			fi.intelByteOrder = !tags.getOrDefault("0002,0010", "").replace("\0", "")
				.trim().equals("1.2.840.10008.1.2.2");
			String what = "a DICOM image of " + samples + " sample" + (samples == 1
				? "" : "s") + " per pixel of " + bits + " bits (" + photometric + ")";
			if (samples == 1 && photometric.startsWith("MONOCHROME")) fi.fileType =
				switch (bits) {
					case 8 -> FileInfo.GRAY8;
					case 16 -> signed ? FileInfo.GRAY16_SIGNED : FileInfo.GRAY16_UNSIGNED;
					case 32 -> signed ? FileInfo.GRAY32_INT : FileInfo.GRAY32_UNSIGNED;
					default -> throw new GanException(role + " " + file + " is " + what +
						", which fiji-gan does not read: convert it to 8- or 16-bit");
				};
			else if (samples == 3 && bits == 8 && photometric.equals("RGB"))
				fi.fileType = "1".equals(tags.get("0028,0006")) ? FileInfo.RGB_PLANAR
					: FileInfo.RGB;
			else throw new GanException(role + " " + file + " is " + what +
				", which fiji-gan does not read: convert it to grey or RGB");
			ImagePlus raw = new FileOpener(fi).openImage();
			if (raw == null) throw new GanException("cannot read " + role + " " +
				file + " as " + what);
			double[] slopes = header.rescale()[0], intercepts = header.rescale()[1];
			boolean identity = java.util.stream.IntStream.range(0, slopes.length)
				.allMatch(i -> slopes[i] == 1 && intercepts[i] == 0);
			boolean signed16 = raw.getCalibration().isSigned16Bit();
			if (samples == 1 && bits <= 16) keepStoredBits(raw, bits, (int) Numbers
				.parseOr(tags.get("0028,0101"), bits), (int) Numbers.parseOr(tags.get(
					"0028,0102"), -1), signed);
			ImagePlus imp = raw;
			// ImageJ has no signed 8-bit type: such pixels become float
			boolean signed8 = samples == 1 && bits == 8 && signed;
			if (samples == 1 && (!identity || signed8)) {
				ImageStack in = raw.getStack(), out = new ImageStack(fi.width,
					fi.height);
				for (int i = 1; i <= in.getSize(); i++) {
					ij.process.ImageProcessor p = in.getProcessor(i);
					double slope = slopes[(i - 1) % slopes.length], intercept =
						intercepts[(i - 1) % intercepts.length];
					float[] v = new float[fi.width * fi.height];
					for (int k = 0; k < v.length; k++)
						v[k] = (float) (slope * (signed8 ? (byte) p.get(k) : p.getf(k) -
							(signed16 ? 32768 : 0)) + intercept);
					out.addSlice(in.getSliceLabel(i), new ij.process.FloatProcessor(
						fi.width, fi.height, v));
				}
				imp = new ImagePlus(raw.getTitle(), out);
			}
			ij.measure.Calibration cal = signed16 && imp == raw ? raw.getCalibration()
				: new ij.measure.Calibration();
			String[] spacing = tags.getOrDefault("0028,0030", "").split(
				java.util.regex.Pattern.quote("\\"));
			if (spacing.length == 2 && Numbers.parseOr(spacing[0], 0) > 0 && Numbers
				.parseOr(spacing[1], 0) > 0)
			{
				cal.pixelHeight = Numbers.parseOr(spacing[0], 1); // rows, then columns
				cal.pixelWidth = Numbers.parseOr(spacing[1], 1);
				double depth = Numbers.parseOr(tags.get("0018,0088"), Numbers.parseOr(
					tags.get("0018,0050"), 0));
				if (depth > 0) cal.pixelDepth = depth;
				cal.setUnit("mm");
			}
			imp.setCalibration(cal);
			imp.setTitle(file.getFileName().toString());
			return imp;
		}
	}

	/**
	 * Keeps the {@code stored} bits of each pixel ending at bit {@code highBit}
	 * (BitsStored, HighBit), sign-extended when {@code signed}, as DICOM readers
	 * such as GDCM and Orthanc do: the other bits of a pixel cell are not its
	 * value (old files keep overlays there), and a 12-bit signed value need not
	 * be sign-extended to 16 bits. ImageJ took the whole cell. In place; a signed
	 * 16-bit image keeps ImageJ's storage (value + 32768), a signed 8-bit one the
	 * value's two's complement.
	 */
	private static void keepStoredBits(ImagePlus raw, int allocated, int stored,
		int highBit, boolean signed)
	{
		if (highBit < 0) highBit = stored - 1;
		int shift = highBit + 1 - stored;
		if (stored <= 0 || stored > allocated || shift < 0 ||
			highBit >= allocated || stored == allocated && shift == 0) return;
		int mask = (1 << stored) - 1, sign = 1 << (stored - 1);
		boolean plus32768 = raw.getCalibration().isSigned16Bit();
		ImageStack stack = raw.getStack();
		for (int i = 1; i <= stack.getSize(); i++) {
			ij.process.ImageProcessor p = stack.getProcessor(i);
			for (int k = 0; k < p.getPixelCount(); k++) {
				int cell = (p.get(k) - (plus32768 ? 32768 : 0)) & (allocated == 8 ? 0xff
					: 0xffff);
				int v = cell >> shift & mask;
				if (signed && (v & sign) != 0) v -= 1 << stored;
				p.set(k, v + (plus32768 ? 32768 : 0));
			}
		}
	}

}
