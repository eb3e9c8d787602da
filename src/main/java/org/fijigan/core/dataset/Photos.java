
package org.fijigan.core.dataset;

import org.fijigan.core.image.RasterImage;

/**
 * A photograph as a training image: grey ({@link Grayscale}), shrunk by area
 * averaging so that its longer side is at most {@code maxSide} pixels (never
 * enlarged), 8-bit.
 */
public final class Photos {

	private Photos() {}

	/**
	 * A new 8-bit grey image of {@code photo}.
	 *
	 * @param name the photo for error messages and notes
	 * @param notes where a note on how it was made grey goes (a 16-bit photo
	 *          scaled from its own range: {@link Grayscale#of})
	 * @throws org.fijigan.core.GanException when the image is not a photo (see
	 *           {@link Grayscale#of})
	 */
	public static RasterImage prepare(RasterImage photo, String name, int maxSide,
		java.util.function.Consumer<String> notes)
	{
		GrayImage grey = Grayscale.of(photo, name, notes);
		int[] size = AreaResize.fitWithin(grey.width(), grey.height(), maxSide);
		return AreaResize.resize(grey, size[0], size[1]).toUint8();
	}
}
