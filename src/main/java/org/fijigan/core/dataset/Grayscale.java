
package org.fijigan.core.dataset;

import java.util.function.Consumer;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.text.Numbers;

/**
 * Grey values of a photograph: the luma of ITU-R BT.601,
 * {@code 0.299 R + 0.587 G + 0.114 B}, as JPEG, PIL's {@code convert("L")} and
 * OpenCV's {@code COLOR_RGB2GRAY} compute it (they round; here the rounding
 * waits until {@link GrayImage#toUint8}).
 */
public final class Grayscale {

	private Grayscale() {}

	/**
	 * The luma of a packed RGB pixel ({@code 0xAARRGGBB}; alpha ignored), 0..255,
	 * not rounded.
	 */
	public static double luma(int rgb) {
		return luma(rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff);
	}

	/** The luma of one red, green and blue value, not rounded. */
	public static double luma(double r, double g, double b) {
		return 0.299 * r + 0.587 * g + 0.114 * b;
	}

	/**
	 * The 16-bit grey values below which an image is scaled from its own range: a
	 * quarter of the 16-bit range, so 14-bit data or fewer bits (12-bit camera
	 * data), which divided by 257 would keep at most 64 grey levels.
	 */
	public static final int SMALL_16_BIT_RANGE = 16384;

	/**
	 * The grey plane of a single-plane image: 8-bit grey as it is, RGB (packed,
	 * or three 8- or 16-bit channels) as luma, 16-bit divided by 257 (so 65535 is
	 * 255); but a 16-bit image whose grey values all lie below
	 * {@link #SMALL_16_BIT_RANGE} (12-bit data in a 16-bit file) has its own
	 * min..max mapped to 0..255, with a note saying so, rather than becoming a
	 * few dark grey levels.
	 *
	 * @param name the image for the error message and the note
	 * @param notes where the note on a scaled 16-bit image goes
	 * @throws GanException for a stack, a 32-bit image, or a channel count other
	 *           than 1 or 3
	 */
	public static GrayImage of(RasterImage image, String name,
		Consumer<String> notes)
	{
		if (image.slices() * image.frames() > 1) throw new GanException(name +
			" is a stack of " + image.slices() * image.frames() +
			" planes; a photo has one");
		if (image.type() == PixelType.FLOAT32) throw new GanException(name +
			" is a 32-bit image; " + "photos are 8-bit, 16-bit or RGB");
		int c = image.logicalChannels();
		if (c != 1 && c != 3) throw new GanException(name + " has " + c +
			" channels; a photo has 1 " + "(grey) or 3 (RGB)");
		int w = image.width(), h = image.height(), n = w * h;
		boolean sixteen = image.type() == PixelType.UINT16;
		float[] out = new float[n];
		if (c == 1) {
			image.readRegion(0, 0, 0, 0, 0, w, h, out, 0);
			if (sixteen) scale16(out, name, notes);
			return new GrayImage(w, h, out);
		}
		if (image.type() == PixelType.RGB) {
			int[] rgb = (int[]) image.plane(0);
			for (int i = 0; i < n; i++)
				out[i] = (float) luma(rgb[i]);
			return new GrayImage(w, h, out);
		}
		float[] r = new float[n], g = new float[n], b = new float[n];
		image.readRegion(0, 0, 0, 0, 0, w, h, r, 0);
		image.readRegion(1, 0, 0, 0, 0, w, h, g, 0);
		image.readRegion(2, 0, 0, 0, 0, w, h, b, 0);
		for (int i = 0; i < n; i++)
			out[i] = (float) luma(r[i], g[i], b[i]);
		if (sixteen) scale16(out, name, notes);
		return new GrayImage(w, h, out);
	}

	/**
	 * 16-bit grey values to 0..255 in place: divided by 257, or, all below
	 * {@link #SMALL_16_BIT_RANGE} and not constant, min..max to 0..255 with a
	 * note.
	 */
	private static void scale16(float[] grey, String name,
		Consumer<String> notes)
	{
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (float v : grey) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		if (max < SMALL_16_BIT_RANGE && max > min) {
			double scale = 255.0 / (max - min);
			for (int i = 0; i < grey.length; i++)
				grey[i] = (float) ((grey[i] - min) * scale);
			String range = Numbers.compact(min) + ".." + Numbers.compact(max);
			notes.accept(name + ": 16-bit values " + range + ", under a quarter " +
				"of 0..65535 (divided by 257 they would be " + levels(min, max) +
				" grey levels): " + range + " scaled to 0..255");
			return;
		}
		for (int i = 0; i < grey.length; i++)
			grey[i] = (float) (grey[i] / 257.0);
	}

	/** How many 8-bit levels min..max divided by 257 would span. */
	private static long levels(float min, float max) {
		return Math.round(max / 257.0) - Math.round(min / 257.0) + 1;
	}
}
