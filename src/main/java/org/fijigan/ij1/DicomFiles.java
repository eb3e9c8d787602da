
package org.fijigan.ij1;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
	 * the header as ImageJ's DICOM reader does.
	 *
	 * @return the header's elements by tag ("0028,0010"), for {@link #read}; null
	 *         for a file that is not DICOM or whose header lacks the numbers
	 *         (ImageJ's own reading then decides)
	 */
	static Map<String, String> check(Path file, String role) {
		synchronized (ImageFileCodec.class) { // ImageJ's readers keep static state
			String path = file.toAbsolutePath().toString();
			if (new Opener().getFileType(path) != Opener.DICOM) return null;
			Map<String, String> tags = new java.util.HashMap<>();
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
				if (line.length() > 11 && colon > 11) tags.put(line.substring(0, 9),
					line.substring(colon + 1).trim());
			}
			String syntax = tags.getOrDefault("0002,0010", "1.2.840.10008.1.2")
				.replace("\0", "").trim();
			if (!UNCOMPRESSED_DICOM.contains(syntax)) throw new GanException(role +
				" " + file + " is a compressed DICOM file (transfer syntax " + syntax +
				DICOM_COMPRESSIONS.entrySet().stream().filter(c -> syntax.startsWith(c
					.getKey())).map(c -> ", " + c.getValue()).findFirst().orElse("") +
				"), which ImageJ's reader cannot decode: convert it to uncompressed " +
				"DICOM (e.g. dcmdjpeg, or gdcmconv --raw) or to TIFF");
			try {
				long rows = Long.parseLong(tags.get("0028,0010"));
				long columns = Long.parseLong(tags.get("0028,0011"));
				long bits = Long.parseLong(tags.getOrDefault("0028,0100", "16"));
				long samples = Long.parseLong(tags.getOrDefault("0028,0002", "1"));
				long frames = Long.parseLong(tags.getOrDefault("0028,0008", "1").split(
					java.util.regex.Pattern.quote("\\"))[0].trim());
				long offset = Long.parseLong(tags.get("7FE0,0010"));
				long need = Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(
					rows, columns), Math.multiplyExact(samples, Math.max(1, frames))),
					bits) / 8;
				long holds = Files.size(file) - offset;
				if (need > holds) throw new GanException(role + " " + file +
					" is truncated or damaged: its DICOM header declares " + rows + "x" +
					columns + (frames > 1 ? "x" + frames : "") + " pixels of " + bits +
					" bits (" + String.format(Locale.ROOT, "%,d", need) +
					" bytes), but the file holds " + String.format(Locale.ROOT, "%,d",
						Math.max(0, holds)) + " bytes of pixel data");
			}
			catch (NumberFormatException | NullPointerException | ArithmeticException
					| IOException e)
			{
				return null; // a header without these numbers: ImageJ's reading decides
			}
			return tags;
		}
	}

	/**
	 * An uncompressed DICOM image read from its header's numbers by ImageJ's raw
	 * reader, then taken through its modality LUT ({@code RescaleSlope},
	 * {@code RescaleIntercept}: Hounsfield units of CT) into 32-bit float when
	 * that is not the identity; the pixel spacing and slice spacing in mm.
	 * ImageJ's DICOM reading left the slope and intercept of 16- and 32-bit
	 * images out of the pixel values, failed on 8-bit ones without menus (its API
	 * printed "Unrecognized command") and read 32-bit signed pixels wrongly.
	 * Frames become slices. A palette-colour image is left to ImageJ, which
	 * applies the palette.
	 */
	static ImagePlus read(Path file, String role, Map<String, String> tags) {
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
			fi.nImages = Math.max(1, Integer.parseInt(tags.getOrDefault("0028,0008",
				"1").split(java.util.regex.Pattern.quote("\\"))[0].trim()));
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
			double slope = Numbers.parseOr(tags.get("0028,1053"), 1), intercept =
				Numbers.parseOr(tags.get("0028,1052"), 0);
			boolean signed16 = raw.getCalibration().isSigned16Bit();
			if (samples == 1 && bits <= 16) keepStoredBits(raw, bits, (int) Numbers
				.parseOr(tags.get("0028,0101"), bits), (int) Numbers.parseOr(tags.get(
					"0028,0102"), -1), signed);
			ImagePlus imp = raw;
			if (samples == 1 && (slope != 1 || intercept != 0)) {
				ImageStack in = raw.getStack(), out = new ImageStack(fi.width,
					fi.height);
				for (int i = 1; i <= in.getSize(); i++) {
					ij.process.ImageProcessor p = in.getProcessor(i);
					float[] v = new float[fi.width * fi.height];
					for (int k = 0; k < v.length; k++)
						v[k] = (float) (slope * (p.getf(k) - (signed16 ? 32768 : 0)) +
							intercept);
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
	 * 16-bit image keeps ImageJ's storage (value + 32768).
	 */
	private static void keepStoredBits(ImagePlus raw, int allocated, int stored,
		int highBit, boolean signed)
	{
		if (highBit < 0) highBit = stored - 1;
		int shift = highBit + 1 - stored;
		if (stored <= 0 || stored > allocated || shift < 0 ||
			highBit >= allocated || stored == allocated && shift == 0 || signed &&
				allocated == 8) return;
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
