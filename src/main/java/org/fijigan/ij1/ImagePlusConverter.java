
package org.fijigan.ij1;

import java.awt.geom.Rectangle2D;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import org.fijigan.core.GanException;
import org.fijigan.core.io.JavaHeap;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.image.ViewerProperties;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.gui.OvalRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.io.FileInfo;
import ij.io.RoiDecoder;
import ij.io.Opener;
import ij.io.RoiEncoder;
import ij.plugin.RoiScaler;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;

/**
 * Moves images between ImageJ and the engine without copying pixels: a
 * {@link RasterImage} made by {@link #toRaster} wraps the ImagePlus's own plane
 * arrays, and an ImagePlus made by {@link #toImagePlus} wraps the raster's.
 * Neither method changes its argument. Planes of a virtual stack are read once
 * each (that read is the only copy).
 * <p>
 * Properties cross as strings; the {@code fiji-gan.*} ones are also written
 * into the {@code Info} property of the ImagePlus, so they end up in a saved
 * TIFF. Property keys {@code fiji-gan.slice.N.label} carry slice labels: N
 * numbers the slices and frames from 1 ({@code z + slices * t + 1}, as
 * {@code GenerationProvenance} reads them), and the label goes on every
 * channel's plane of that slice; where a channel's plane has a label of its own
 * (not channel 1's), {@code fiji-gan.slice.N.channel.C.label} carries it. How
 * the image is shown (display mode, channel LUTs and display ranges, overlay,
 * selection, the unit of the values) crosses as {@link ViewerProperties}, which
 * are never written into the Info.
 */
public final class ImagePlusConverter {

	/** The raster property that carries the ImagePlus {@code Info} text. */
	public static final String INFO = "Info";
	private static final String PREFIX = "fiji-gan.";
	private static final String SLICE_LABEL = PREFIX + "slice.";

	private ImagePlusConverter() {}

	/** As {@link #toRaster(ImagePlus, Consumer)}, dropping notes. */
	public static RasterImage toRaster(ImagePlus imp) {
		return toRaster(imp, note -> {});
	}

	/**
	 * Refuses a virtual stack whose planes, all read, would not fit in the Java
	 * heap that is free, before any is read (a virtual stack holds one plane in
	 * memory; the engine needs them all).
	 */
	static void refuseBeyondMemory(ImagePlus imp, int planes) {
		long bytes = (long) imp.getWidth() * imp.getHeight() * planes * Math.max(1,
			imp.getBitDepth() == 24 ? 4 : imp.getBitDepth() / 8);
		long free = JavaHeap.free(bytes);
		if (bytes <= free) return;
		throw new GanException(imp.getTitle() + " is a virtual stack of " + planes +
			" planes (" + Numbers.bytes(bytes) + "), more than fits: " + JavaHeap
				.shortOf(bytes, free) + ", or process a range of it at a time " +
			"(Image>Duplicate... with a range)");
	}

	/**
	 * Plane {@code n} (1-based) of {@code imp}'s stack. Where a virtual stack
	 * that ImageJ reads from a folder (File>Import>Image Sequence, virtual)
	 * cannot open a plane's file, deleted or unreadable since, ImageJ's
	 * {@link VirtualStack#getProcessor} gives a white 8-bit stand-in labelled
	 * "File not found" or "Error opening" in its place, converted to the stack's
	 * type, and says nothing else: processed, it was a result plane of 255s. Such
	 * a plane is refused, naming its file: one whose file is gone or unreadable
	 * before it is read; one that comes back white in its first pixel (the
	 * stand-in's) where ImageJ's opener, asked again as the stack asks it, opens
	 * nothing from the file.
	 */
	private static Object plane(ImagePlus imp, ImageStack stack, int n) {
		if (!stack.isVirtual()) return stack.getPixels(n);
		Path file = folderFile(stack, n);
		String which = "plane " + n + " of the virtual stack " + imp.getTitle() +
			" cannot be read: ";
		if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file)))
			throw new GanException(which + file + (Files.exists(file)
				? " cannot be read" : " is missing") +
				" (ImageJ shows a blank stand-in plane for it); put the file back, or " +
				"open the folder again without it");
		ImageProcessor ip = stack.getProcessor(n);
		Object pixels = ip == null ? null : ip.getPixels();
		if (pixels == null) throw new GanException(which +
			"ImageJ gave no pixels for it");
		if (file != null && startsWhite(ip) && !opens(file)) throw new GanException(
			which + "ImageJ cannot open " + file +
				" (it shows a blank stand-in plane for it); replace the file, or open " +
				"the folder again without it");
		return pixels;
	}

	/**
	 * The file plane {@code n} of {@code stack} is read from, when it is ImageJ's
	 * own folder-backed {@link VirtualStack} (whose missing files it replaces by
	 * a stand-in); null for any other stack.
	 */
	private static Path folderFile(ImageStack stack, int n) {
		if (stack.getClass() != VirtualStack.class) return null;
		VirtualStack virtual = (VirtualStack) stack;
		String dir = virtual.getDirectory();
		String name = virtual.getFileName(virtual.translate(n));
		if (dir == null || name == null) return null;
		try {
			return Path.of(dir, name);
		}
		catch (java.nio.file.InvalidPathException e) {
			return null;
		}
	}

	/**
	 * Whether the first pixel of {@code ip} is white: ImageJ's stand-in plane is
	 * white but for its label's text, which starts away from the corner, and
	 * white is its largest value whatever type it was converted to.
	 */
	private static boolean startsWhite(ImageProcessor ip) {
		if (ip instanceof ColorProcessor) return (ip.get(0) & 0xffffff) == 0xffffff;
		float corner = ip.getf(0);
		for (int p = 0; p < ip.getPixelCount(); p++)
			if (!(ip.getf(p) <= corner)) return false;
		return true;
	}

	/** Whether ImageJ's opener opens {@code file}, as a virtual stack asks it. */
	private static boolean opens(Path file) {
		Opener opener = new Opener();
		opener.setSilentMode(true);
		IJ.redirectErrorMessages(true);
		try {
			ImagePlus opened = opener.openTempImage(file.getParent().toString() +
				java.io.File.separator, file.getFileName().toString());
			return opened != null;
		}
		finally {
			IJ.redirectErrorMessages(false);
		}
	}

	/**
	 * Wraps {@code imp}'s pixels. An 8-bit indexed-colour image (COLOR_256 with a
	 * colour LUT) is copied to RGB, and {@code notes} is told so; one whose LUT
	 * is a palette of greys other than a ramp is copied to its grey values.
	 *
	 * @throws GanException for an image without pixels or of a type the engine
	 *           cannot take
	 */
	public static RasterImage toRaster(ImagePlus imp, Consumer<String> notes) {
		if (imp == null || imp.getProcessor() == null) throw new GanException(
			"no image to process");
		int w = imp.getWidth(), h = imp.getHeight(), n = imp.getStackSize();
		int c = imp.getNChannels(), z = imp.getNSlices(), t = imp.getNFrames();
		if (c * z * t != n) throw new GanException(imp.getTitle() + " has " + n +
			" planes but " + c + " channels x " + z + " slices x " + t +
			" frames; fix it with Image>Properties");
		Object[] planes = new Object[n];
		ImageStack stack = n > 1 ? imp.getStack() : null;
		if (stack != null && stack.isVirtual()) refuseBeyondMemory(imp, n);
		for (int i = 0; i < n; i++)
			planes[i] = stack == null ? imp.getProcessor().getPixels() : plane(imp,
				stack, i + 1);
		PixelType type = switch (imp.getType()) {
			case ImagePlus.GRAY8 -> isPalette(imp) ? null : PixelType.UINT8;
			case ImagePlus.GRAY16 -> PixelType.UINT16;
			case ImagePlus.GRAY32 -> PixelType.FLOAT32;
			case ImagePlus.COLOR_RGB -> PixelType.RGB;
			case ImagePlus.COLOR_256 -> imp.getProcessor().isColorLut() ? null
				: PixelType.UINT8;
			default -> throw new GanException(imp.getTitle() +
				" has an image type (" + imp.getType() +
				") the models cannot take; convert it to 8-bit, 16-bit, 32-bit or RGB");
		};
		if (type == null) {
			if (c > 1) throw new GanException(imp.getTitle() +
				" is an indexed-colour image with several channels; convert it to RGB first");
			type = PixelType.RGB;
			indexedToRgb(planes, imp.getProcessor().getLut());
			// no depth named: ImageJ holds a 1-, 2- or 4-bit palette as 8 bits
			notes.accept(imp.getTitle() +
				" is indexed colour: the model sees an RGB copy");
		}
		else if (type == PixelType.RGB && c > 1) throw new GanException(imp
			.getTitle() + " is RGB with " + c +
			" channels; split the channels or make it a composite first");
		boolean greyPalette = type == PixelType.UINT8 && isGreyPalette(imp, planes);
		if (greyPalette) {
			int bits = lowBitGrey(imp.getProcessor().getLut(), planes);
			indexedToGrey(planes, imp.getProcessor().getLut());
			int top = (1 << bits) - 1;
			notes.accept(bits > 0 ? imp.getTitle() + " is " + bits +
				"-bit greyscale: its values 0-" + top + " are read scaled to 0-255 " +
				"(each times " + 255 / top + "), as libpng reads them" : imp
					.getTitle() +
					" is an 8-bit palette of greys: read as its grey values, not its indices");
		}
		ij.measure.Calibration calibration = imp.getCalibration();
		double[] line = calibration
			.getFunction() == ij.measure.Calibration.STRAIGHT_LINE ? calibration
				.getCoefficients() : null;
		if ((type == PixelType.UINT8 || type == PixelType.UINT16) && line != null &&
			line.length >= 2 && (line[0] != 0 || line[1] != 1) && Double.isFinite(
				line[0]) && Double.isFinite(line[1]))
		{
			// a linear calibration: ImageJ stores signed 16-bit values plus 32768
			// with one that takes it off, and DICOM's rescale slope and intercept
			// (Hounsfield units) as one; what ImageJ measures are the calibrated
			// values, so the image becomes 32-bit float in them
			boolean sixteen = type == PixelType.UINT16;
			type = PixelType.FLOAT32;
			for (int i = 0; i < n; i++) {
				Object stored = planes[i];
				int size = sixteen ? ((short[]) stored).length
					: ((byte[]) stored).length;
				float[] values = new float[size];
				for (int k = 0; k < size; k++)
					values[k] = (float) (line[0] + line[1] * (sixteen
						? ((short[]) stored)[k] & 0xffff : ((byte[]) stored)[k] & 0xff));
				planes[i] = values;
			}
			notes.accept(calibration.isSigned16Bit() ? imp.getTitle() +
				" is signed 16-bit: read as 32-bit float in its own values " +
				"(-32768 to 32767)" : imp.getTitle() + " has a linear calibration (" +
					calibration.getValueUnit() + " = " + line[0] + " + " + line[1] +
					" x pixel): read as 32-bit float in calibrated values");
		}

		boolean inCalibratedValues = type == PixelType.FLOAT32 && imp
			.getType() != ImagePlus.GRAY32;
		RasterImage raster;
		try {
			raster = new RasterImage(w, h, c, z, t, type, planes);
		}
		catch (IllegalArgumentException e) {
			throw new GanException(imp.getTitle() + " cannot be read: " + e
				.getMessage(), e);
		}
		raster.setTitle(imp.getTitle()).setCalibration(calibration(imp
			.getCalibration()));
		copyProperties(imp, stack, raster.properties());
		if (type != PixelType.RGB && !greyPalette) recordView(imp,
			inCalibratedValues ? line : null, raster.properties());
		recordShapes(imp, raster.properties());
		return raster;
	}

	/**
	 * Keeps how {@code imp} is shown ({@link ViewerProperties}): its display
	 * mode, each channel's LUT and display range (in calibrated values when
	 * {@code line} converted the pixels to them), and the unit of its values.
	 */
	private static void recordView(ImagePlus imp, double[] line,
		Map<String, String> props)
	{
		int channels = imp.getNChannels();
		if (imp instanceof CompositeImage composite && imp.isComposite()) {
			props.put(ViewerProperties.MODE, switch (composite.getMode()) {
				case CompositeImage.COLOR -> "color";
				case CompositeImage.GRAYSCALE -> "grayscale";
				default -> "composite";
			});
			for (int c = 1; c <= channels; c++)
				recordChannel(composite.getChannelLut(c), c, line, props);
		}
		else {
			// one LUT and display range shown for every channel (several channels
			// in a hyperstack that is not a CompositeImage): each channel in colour
			// mode with them, as ImageJ reopens such an image once saved
			if (channels > 1) props.put(ViewerProperties.MODE, "color");
			LUT lut = imp.getProcessor().getLut();
			lut.min = imp.getDisplayRangeMin();
			lut.max = imp.getDisplayRangeMax();
			for (int c = 1; c <= channels; c++)
				recordChannel(lut, c, line, props);
		}
		String unit = imp.getCalibration().getValueUnit();
		if (unit != null && !unit.isBlank() && !unit.equals("Gray Value")) props
			.put(ViewerProperties.VALUE_UNIT, unit);
	}

	private static void recordChannel(LUT lut, int c, double[] line,
		Map<String, String> props)
	{
		byte[] rgb = new byte[3 * 256];
		byte[] part = new byte[256];
		if (lut.getMapSize() == 256) {
			lut.getReds(part);
			System.arraycopy(part, 0, rgb, 0, 256);
			lut.getGreens(part);
			System.arraycopy(part, 0, rgb, 256, 256);
			lut.getBlues(part);
			System.arraycopy(part, 0, rgb, 512, 256);
			props.put(ViewerProperties.LUT + c, java.util.Base64.getEncoder()
				.encodeToString(rgb));
		}
		double min = lut.min, max = lut.max;
		if (line != null) {
			min = line[0] + line[1] * min;
			max = line[0] + line[1] * max;
		}
		if (min < max && Double.isFinite(min) && Double.isFinite(max)) props.put(
			ViewerProperties.RANGE + c, Double.toString(min) + "," + Double.toString(
				max));
	}

	/**
	 * Keeps {@code imp}'s overlay and selection, encoded as ImageJ saves them.
	 */
	private static void recordShapes(ImagePlus imp, Map<String, String> props) {
		Overlay overlay = imp.getOverlay();
		if (overlay != null && overlay.size() > 0) {
			StringBuilder sb = new StringBuilder();
			for (Roi roi : overlay.toArray()) {
				byte[] bytes = RoiEncoder.saveAsByteArray(roi);
				if (bytes == null) continue;
				if (sb.length() > 0) sb.append(' ');
				sb.append(java.util.Base64.getEncoder().encodeToString(bytes));
			}
			if (sb.length() > 0) props.put(ViewerProperties.OVERLAY, sb.toString());
		}
		Roi roi = imp.getRoi();
		byte[] bytes = roi == null ? null : RoiEncoder.saveAsByteArray(roi);
		if (bytes != null) props.put(ViewerProperties.ROI, java.util.Base64
			.getEncoder().encodeToString(bytes));
	}

	/** Shows {@code imp} as its {@link ViewerProperties} say. */
	private static void applyView(ImagePlus imp, Map<String, String> props) {
		int channels = imp.getNChannels();
		if (imp instanceof CompositeImage composite) {
			for (int c = 1; c <= channels; c++) {
				LUT lut = lut(props.get(ViewerProperties.LUT + c));
				double[] range = range(props.get(ViewerProperties.RANGE + c));
				if (lut == null && range == null) continue;
				if (lut == null) lut = composite.getChannelLut(c);
				else {
					LUT reset = composite.getChannelLut(c);
					lut.min = reset.min;
					lut.max = reset.max;
				}
				if (range != null) {
					lut.min = range[0];
					lut.max = range[1];
				}
				composite.setChannelLut(lut, c);
			}
			String mode = props.get(ViewerProperties.MODE);
			if (mode != null) composite.setMode(switch (mode) {
				case "color" -> CompositeImage.COLOR;
				case "grayscale" -> CompositeImage.GRAYSCALE;
				default -> CompositeImage.COMPOSITE;
			});
			composite.setC(1);
			LUT first = composite.getChannelLut(1);
			composite.getProcessor().setMinAndMax(first.min, first.max);
		}
		else if (channels == 1) {
			LUT lut = lut(props.get(ViewerProperties.LUT + 1));
			if (lut != null) imp.setLut(lut);
			double[] range = range(props.get(ViewerProperties.RANGE + 1));
			if (range != null) imp.setDisplayRange(range[0], range[1]);
			else imp.resetDisplayRange();
		}
		String unit = props.get(ViewerProperties.VALUE_UNIT);
		if (unit != null) imp.getCalibration().setValueUnit(unit);
	}

	private static LUT lut(String encoded) {
		if (encoded == null) return null;
		byte[] rgb;
		try {
			rgb = java.util.Base64.getDecoder().decode(encoded);
		}
		catch (IllegalArgumentException e) {
			return null;
		}
		if (rgb.length != 3 * 256) return null;
		return new LUT(java.util.Arrays.copyOfRange(rgb, 0, 256), java.util.Arrays
			.copyOfRange(rgb, 256, 512), java.util.Arrays.copyOfRange(rgb, 512, 768));
	}

	private static double[] range(String text) {
		if (text == null) return null;
		String[] parts = text.split(",");
		try {
			double min = Double.parseDouble(parts[0]), max = Double.parseDouble(
				parts[1]);
			return min < max ? new double[] { min, max } : null;
		}
		catch (RuntimeException e) {
			return null;
		}
	}

	/**
	 * Puts the overlay and selection of {@link ViewerProperties} on {@code imp},
	 * magnified by {@link ViewerProperties#SHAPES_SCALE}.
	 */
	private static void applyShapes(ImagePlus imp, Map<String, String> props) {
		double scale = 1;
		try {
			String s = props.get(ViewerProperties.SHAPES_SCALE);
			if (s != null) scale = Double.parseDouble(s);
		}
		catch (NumberFormatException e) {
			return;
		}
		String overlay = props.get(ViewerProperties.OVERLAY);
		if (overlay != null) {
			Overlay o = new Overlay();
			for (String one : overlay.split(" ")) {
				Roi roi = shape(one, scale);
				if (roi != null) o.add(roi);
			}
			if (o.size() > 0) imp.setOverlay(o);
		}
		Roi roi = shape(props.get(ViewerProperties.ROI), scale);
		if (roi != null) imp.setRoi(roi);
	}

	private static Roi shape(String encoded, double scale) {
		if (encoded == null || encoded.isEmpty()) return null;
		Roi roi;
		try {
			roi = RoiDecoder.openFromByteArray(java.util.Base64.getDecoder().decode(
				encoded));
		}
		catch (RuntimeException e) {
			return null;
		}
		if (roi == null || scale == 1) return roi;
		if (scale == Math.rint(scale) && (roi.getClass() == Roi.class || roi
			.getClass() == OvalRoi.class)) return scaleBox(roi, scale);
		// RoiScaler keeps the shape but not the plane it is drawn on
		return withPosition(RoiScaler.scale(roi, scale, scale, false), roi);
	}

	/**
	 * {@code scaled} on the plane {@code roi} is on: its channel, slice and
	 * frame, or its stack position.
	 */
	private static Roi withPosition(Roi scaled, Roi roi) {
		if (roi.hasHyperStackPosition()) scaled.setPosition(roi.getCPosition(), roi
			.getZPosition(), roi.getTPosition());
		else scaled.setPosition(roi.getPosition());
		return scaled;
	}

	/**
	 * A rectangle or oval magnified by a whole-number {@code scale} as the pixels
	 * are: its bounds multiplied by the scale (pixel x's left edge goes to
	 * {@code scale * x}, as the origin does), still a rectangle or oval, where
	 * ImageJ's RoiScaler turns an oval into a polygon a pixel off on each side.
	 */
	private static Roi scaleBox(Roi roi, double scale) {
		Rectangle2D.Double b = roi.getFloatBounds();
		double x = b.x * scale, y = b.y * scale, w = b.width * scale, h = b.height *
			scale;
		Roi scaled = roi instanceof OvalRoi ? new OvalRoi(x, y, w, h) : new Roi(x,
			y, w, h, (int) Math.round(roi.getCornerDiameter() * scale));
		scaled.copyAttributes(roi);
		if (roi.getStrokeWidth() != 0) scaled.setStrokeWidth(roi.getStrokeWidth() *
			scale); // as RoiScaler does
		withPosition(scaled, roi);
		String properties = roi.getProperties();
		if (properties != null) scaled.setProperties(properties);
		return scaled;
	}

	/**
	 * An ImagePlus (a CompositeImage when it has several channels) sharing the
	 * raster's planes.
	 */
	public static ImagePlus toImagePlus(RasterImage raster) {
		ImagePlus imp = wrapPlanes(raster);
		imp.setCalibration(calibration(raster.calibration(), imp));

		Map<String, String> props = raster.properties();
		StringBuilder info = new StringBuilder();
		String oldInfo = props.get(INFO);
		if (oldInfo != null) for (String line : oldInfo.split("\n"))
			if (!line.startsWith(PREFIX) && !line.isBlank()) info.append(line).append(
				'\n');
		props.forEach((key, value) -> {
			if (key.equals(INFO) || key.startsWith(SLICE_LABEL) || key.startsWith(
				ViewerProperties.PREFIX) || value == null) return;
			imp.setProp(key, value);
			if (key.startsWith(PREFIX)) info.append(key).append(" = ").append(value
				.replace('\n', ' ')).append('\n');
		});
		if (info.length() > 0) imp.setProperty(INFO, info.toString());
		if (raster.type() != PixelType.RGB) applyView(imp, props);
		applyShapes(imp, props);
		return imp;
	}

	private static ImagePlus wrapPlanes(RasterImage raster) {
		int w = raster.width(), h = raster.height();
		ImageStack stack = new ImageStack(w, h);
		for (int i = 0; i < raster.planeCount(); i++) {
			Object p = raster.plane(i);
			ImageProcessor ip = switch (raster.type()) {
				case UINT8 -> new ByteProcessor(w, h, (byte[]) p);
				case UINT16 -> new ShortProcessor(w, h, (short[]) p, null);
				case FLOAT32 -> new FloatProcessor(w, h, (float[]) p);
				case RGB -> new ColorProcessor(w, h, (int[]) p);
			};
			stack.addSlice(planeLabel(raster.properties(), i, raster.channels()), ip);
		}
		ImagePlus imp = new ImagePlus(raster.title(), stack);
		imp.setDimensions(raster.channels(), raster.slices(), raster.frames());
		if (raster.channels() > 1 || raster.frames() > 1) imp.setOpenAsHyperStack(
			true);
		if (stack.size() == 1 && stack.getSliceLabel(1) != null) imp.setProperty(
			"Label", stack.getSliceLabel(1));
		if (raster.channels() == 1) {
			imp.resetDisplayRange();
			return imp;
		}
		CompositeImage composite = new CompositeImage(imp,
			CompositeImage.COMPOSITE);
		composite.resetDisplayRanges();
		return composite;
	}

	/**
	 * The label of plane {@code plane} (0-based, channels fastest): its channel's
	 * own label in its slice, else the slice's.
	 */
	private static String planeLabel(Map<String, String> props, int plane,
		int channels)
	{
		int slice = plane / channels + 1, channel = plane % channels + 1;
		String own = props.get(SLICE_LABEL + slice + ".channel." + channel +
			".label");
		return own != null ? own : props.get(SLICE_LABEL + slice + ".label");
	}

	private static void copyProperties(ImagePlus imp, ImageStack stack,
		Map<String, String> props)
	{
		String[] pairs = imp.getPropertiesAsArray();
		if (pairs != null) for (int i = 0; i + 1 < pairs.length; i += 2)
			props.put(pairs[i], pairs[i + 1]);
		if (imp.getInfoProperty() != null) props.put(INFO, imp.getInfoProperty());
		if (stack == null) {
			// ImageJ keeps the label of a single image as its Slice_Label (read
			// from a file) or Label
			Object label = imp.getProp("Slice_Label");
			if (label == null) label = imp.getProperty("Label");
			// a TIFF with a Properties block: ImageJ's reader drops the
			// Slice_Label it set when it sets the properties
			FileInfo fi = imp.getOriginalFileInfo();
			if (label == null && fi != null && fi.sliceLabels != null &&
				fi.sliceLabels.length == 1) label = fi.sliceLabels[0];
			if (label instanceof String s && !s.isEmpty()) props.put(SLICE_LABEL +
				"1.label", s.split("\n", 2)[0]);
			return;
		}
		// slice N's label is its first channel's; another channel's plane that
		// has another label keeps it under its channel
		int channels = imp.getNChannels();
		String first = null;
		for (int i = 1; i <= stack.size(); i++) {
			int slice = (i - 1) / channels + 1, channel = (i - 1) % channels + 1;
			String label = stack.getSliceLabel(i);
			// the rest is a per-slice header (DICOM)
			if (label != null) label = label.split("\n", 2)[0];
			if (label != null && label.isEmpty()) label = null;
			if (channel == 1) {
				first = label;
				if (label != null) props.put(SLICE_LABEL + slice + ".label", label);
			}
			else if (label != null && !label.equals(first)) props.put(SLICE_LABEL +
				slice + ".channel." + channel + ".label", label);
		}
	}

	/**
	 * Whether an 8-bit image ImageJ opened as grey is a palette of colours (a
	 * PNG, GIF or TIFF with a colour map of arbitrary colours), whose pixel
	 * values are indices, not intensities: a single-channel image with a colour
	 * LUT that jumps between neighbouring entries (by more than
	 * {@value #PALETTE_JUMP} of 255 in a colour) somewhere in the range of values
	 * the image uses. A display LUT (Fiji's Green, Fire, ...) on a fluorescence
	 * image is a ramp without such jumps, and its values are intensities.
	 * (ImageJ's own {@code isPseudoColorLut} calls an 8-colour palette padded to
	 * 256 entries with black a ramp.)
	 */
	static boolean isPalette(ImagePlus imp) {
		ij.process.ImageProcessor ip = imp.getProcessor();
		if (imp.getNChannels() != 1 || imp.isComposite() || !ip.isColorLut())
			return false;
		int lo = 255, hi = 0;
		ImageStack stack = imp.getStack();
		for (int i = 1; i <= stack.getSize(); i++)
			for (byte b : (byte[]) stack.getPixels(i)) {
				lo = Math.min(lo, b & 0xff);
				hi = Math.max(hi, b & 0xff);
			}
		LUT lut = ip.getLut();
		int n = lut.getMapSize();
		byte[] r = new byte[n], g = new byte[n], bl = new byte[n];
		lut.getReds(r);
		lut.getGreens(g);
		lut.getBlues(bl);
		for (int i = lo; i < Math.min(hi, n - 1); i++)
			if (jump(r, i) > PALETTE_JUMP || jump(g, i) > PALETTE_JUMP || jump(bl,
				i) > PALETTE_JUMP) return true;
		return false;
	}

	/**
	 * Whether an 8-bit single-channel image's LUT is a palette of greys whose
	 * pixel values are indices, not intensities (as a palette PNG, GIF or TIFF of
	 * greys in any order): every entry grey, but over the values the image uses
	 * neither ImageJ's grey ramp (entry v is grey v) nor its inverted ramp (entry
	 * v is grey 255 - v, an inverting LUT, whose values ImageJ measures as they
	 * are).
	 */
	static boolean isGreyPalette(ImagePlus imp, Object[] planes) {
		ij.process.ImageProcessor ip = imp.getProcessor();
		if (imp.getNChannels() != 1 || imp.isComposite() || ip.isColorLut())
			return false;
		LUT lut = ip.getLut();
		boolean ramp = true, inverted = true;
		boolean[] used = new boolean[256];
		for (Object plane : planes)
			for (byte b : (byte[]) plane)
				used[b & 0xff] = true;
		for (int v = 0; v < 256; v++)
			if (used[v]) {
				int grey = lut.getRGB(v) & 0xff;
				ramp &= grey == v;
				inverted &= grey == 255 - v;
			}
		return !ramp && !inverted;
	}

	/**
	 * The bit depth, 1, 2 or 4, of a grey image that Java's PNG reader (or one
	 * like it) gives as indices into a LUT of its greys scaled to 0-255: the
	 * smallest {@code d} whose {@code 2^d} first entries are the greys
	 * {@code v * 255 / (2^d - 1)} and above whose entries no value lies; 0 when
	 * there is none (a palette of greys).
	 */
	static int lowBitGrey(LUT lut, Object[] planes) {
		int used = 0;
		for (Object plane : planes)
			for (byte b : (byte[]) plane)
				used = Math.max(used, b & 0xff);
		for (int d : new int[] { 1, 2, 4 }) {
			int top = (1 << d) - 1;
			if (used > top) continue;
			boolean ramp = true;
			for (int v = 0; v <= top && ramp; v++) {
				int rgb = lut.getRGB(v) & 0xffffff, grey = v * 255 / top;
				ramp = rgb == (grey << 16 | grey << 8 | grey);
			}
			if (ramp) return d;
		}
		return 0;
	}

	/** A colour step of a LUT that no display ramp takes. */
	static final int PALETTE_JUMP = 64;

	private static int jump(byte[] channel, int i) {
		return Math.abs((channel[i + 1] & 0xff) - (channel[i] & 0xff));
	}

	private static void indexedToGrey(Object[] planes, LUT lut) {
		byte[] grey = new byte[256];
		for (int v = 0; v < 256; v++)
			grey[v] = (byte) lut.getRGB(v);
		for (int i = 0; i < planes.length; i++) {
			byte[] indices = (byte[]) planes[i];
			byte[] values = new byte[indices.length];
			for (int j = 0; j < values.length; j++)
				values[j] = grey[indices[j] & 0xff];
			planes[i] = values;
		}
	}

	private static void indexedToRgb(Object[] planes, LUT lut) {
		int[] argb = new int[256];
		for (int v = 0; v < 256; v++)
			argb[v] = 0xff000000 | lut.getRGB(v);
		for (int i = 0; i < planes.length; i++) {
			byte[] indices = (byte[]) planes[i];
			int[] rgb = new int[indices.length];
			for (int j = 0; j < rgb.length; j++)
				rgb[j] = argb[indices[j] & 0xff];
			planes[i] = rgb;
		}
	}

	/**
	 * ImageJ's calibration as the engine's: the pixel size and its units per
	 * axis, the origin (in pixels), the frame interval and its unit.
	 */
	static Calibration calibration(ij.measure.Calibration cal) {
		return new Calibration(positive(cal.pixelWidth), positive(cal.pixelHeight),
			positive(cal.pixelDepth), cal.getUnit()).withUnits(cal.getYUnit(), cal
				.getZUnit()).withOrigin(cal.xOrigin, cal.yOrigin, cal.zOrigin)
			.withFrameInterval(cal.frameInterval, cal.getTimeUnit());
	}

	/** The engine's calibration as ImageJ's, for {@code imp}. */
	static ij.measure.Calibration calibration(Calibration c, ImagePlus imp) {
		ij.measure.Calibration cal = new ij.measure.Calibration(imp);
		cal.pixelWidth = c.pixelWidth();
		cal.pixelHeight = c.pixelHeight();
		cal.pixelDepth = c.pixelDepth();
		cal.setUnit(c.unit());
		// ImageJ keeps a y or z unit only where it differs from x's
		if (!c.yUnit().equals(c.unit())) cal.setYUnit(c.yUnit());
		if (!c.zUnit().equals(c.unit())) cal.setZUnit(c.zUnit());
		cal.xOrigin = c.xOrigin();
		cal.yOrigin = c.yOrigin();
		cal.zOrigin = c.zOrigin();
		cal.frameInterval = c.frameInterval();
		cal.setTimeUnit(c.timeUnit());
		return cal;
	}

	private static double positive(double size) {
		return size > 0 && Double.isFinite(size) ? size : 1;
	}
}
