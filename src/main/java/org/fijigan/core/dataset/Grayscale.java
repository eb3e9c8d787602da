
package org.fijigan.core.dataset;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

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
	 * The grey plane of a single-plane image: 8-bit grey as it is, 16-bit divided
	 * by 257 (so 65535 is 255), RGB (packed, or three 8- or 16-bit channels) as
	 * luma.
	 *
	 * @param name the image for the error message
	 * @throws GanException for a stack, a 32-bit image, or a channel count other
	 *           than 1 or 3
	 */
	public static GrayImage of(RasterImage image, String name) {
		if (image.slices() * image.frames() > 1) throw new GanException(name +
			" is a stack of " + image.slices() * image.frames() +
			" planes; a photo has one");
		if (image.type() == PixelType.FLOAT32) throw new GanException(name +
			" is a 32-bit image; " + "photos are 8-bit, 16-bit or RGB");
		int c = image.logicalChannels();
		if (c != 1 && c != 3) throw new GanException(name + " has " + c +
			" channels; a photo has 1 " + "(grey) or 3 (RGB)");
		int w = image.width(), h = image.height(), n = w * h;
		double scale = image.type() == PixelType.UINT16 ? 1 / 257.0 : 1;
		float[] out = new float[n];
		if (c == 1) {
			image.readRegion(0, 0, 0, 0, 0, w, h, out, 0);
			if (scale != 1) for (int i = 0; i < n; i++)
				out[i] = (float) (out[i] * scale);
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
			out[i] = (float) (luma(r[i], g[i], b[i]) * scale);
		return new GrayImage(w, h, out);
	}
}
