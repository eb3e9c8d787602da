
package org.fijigan.ij1;

import java.util.Map;
import java.util.function.Consumer;

import org.fijigan.core.GanException;
import org.fijigan.core.io.JavaHeap;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
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
 * TIFF. Property keys {@code fiji-gan.slice.N.label} carry slice labels (N is
 * the 1-based stack index).
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
	 * Wraps {@code imp}'s pixels. An 8-bit indexed-colour image (COLOR_256 with a
	 * colour LUT) is copied to RGB, and {@code notes} is told so.
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
			planes[i] = stack == null ? imp.getProcessor().getPixels() : stack
				.getPixels(i + 1);
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
			notes.accept(imp.getTitle() +
				" is 8-bit indexed colour: the model sees an RGB copy");
		}
		else if (type == PixelType.RGB && c > 1) throw new GanException(imp
			.getTitle() + " is RGB with " + c +
			" channels; split the channels or make it a composite first");
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
		return raster;
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
			if (key.equals(INFO) || key.startsWith(SLICE_LABEL) || value == null)
				return;
			imp.setProp(key, value);
			if (key.startsWith(PREFIX)) info.append(key).append(" = ").append(value
				.replace('\n', ' ')).append('\n');
		});
		if (info.length() > 0) imp.setProperty(INFO, info.toString());
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
			stack.addSlice(raster.properties().get(SLICE_LABEL + (i + 1) + ".label"),
				ip);
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

	private static void copyProperties(ImagePlus imp, ImageStack stack,
		Map<String, String> props)
	{
		String[] pairs = imp.getPropertiesAsArray();
		if (pairs != null) for (int i = 0; i + 1 < pairs.length; i += 2)
			props.put(pairs[i], pairs[i + 1]);
		if (imp.getInfoProperty() != null) props.put(INFO, imp.getInfoProperty());
		if (stack == null) return;
		for (int i = 1; i <= stack.size(); i++) {
			String label = stack.getSliceLabel(i);
			if (label == null) continue;
			label = label.split("\n", 2)[0]; // the rest is a per-slice header (DICOM)
			if (!label.isEmpty()) props.put(SLICE_LABEL + i + ".label", label);
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

	/** A colour step of a LUT that no display ramp takes. */
	static final int PALETTE_JUMP = 64;

	private static int jump(byte[] channel, int i) {
		return Math.abs((channel[i + 1] & 0xff) - (channel[i] & 0xff));
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
