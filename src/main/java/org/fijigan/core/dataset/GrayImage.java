
package org.fijigan.core.dataset;

import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

/**
 * One grey plane as floats on the 8-bit scale (0 black, 255 white), row by row,
 * x fastest. Kept in floats between steps so that a value is rounded once, when
 * the plane becomes 8-bit.
 *
 * @param pixels {@code width * height} values; shared, not copied
 */
public record GrayImage(int width, int height, float[] pixels) {

	public GrayImage {
		if (width < 1 || height < 1) throw new IllegalArgumentException(
			"a grey image needs at least " + "one pixel, not " + width + "x" +
				height);
		if (pixels.length != width * height) throw new IllegalArgumentException(
			pixels.length + " pixels for " + width + "x" + height);
	}

	/**
	 * A new 8-bit image: each value rounded to nearest (halves up) and clipped to
	 * 0..255; NaN is 0.
	 */
	public RasterImage toUint8() {
		byte[] out = new byte[pixels.length];
		for (int i = 0; i < out.length; i++)
			out[i] = (byte) toByte(pixels[i]);
		return new RasterImage(width, height, 1, 1, 1, PixelType.UINT8,
			new Object[] { out });
	}

	/**
	 * {@code v} rounded to nearest (halves up) and clipped to 0..255; NaN is 0.
	 */
	static int toByte(double v) {
		if (!(v > 0)) return 0;
		return v >= 255 ? 255 : (int) Math.floor(v + 0.5);
	}
}
