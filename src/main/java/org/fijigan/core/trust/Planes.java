
package org.fijigan.core.trust;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

/**
 * Reading logical planes as floats and making 32-bit images of a given shape;
 * for this package.
 */
final class Planes {

	private Planes() {}

	/**
	 * Logical channel {@code c} of plane {@code (z, t)} as a fresh float array.
	 */
	static float[] read(RasterImage image, int c, int z, int t) {
		float[] plane = new float[image.width() * image.height()];
		image.readRegion(c, z, t, 0, 0, image.width(), image.height(), plane, 0);
		return plane;
	}

	/**
	 * A zero 32-bit image with {@code like}'s logical channels, slices, frames
	 * and calibration.
	 */
	static RasterImage float32Like(RasterImage like, int width, int height,
		String title)
	{
		RasterImage out = RasterImage.allocate(width, height, like
			.logicalChannels(), like.slices(), like.frames(), PixelType.FLOAT32);
		out.setCalibration(like.calibration()).setTitle(title);
		return out;
	}

	/**
	 * @throws GanException unless both images have the same logical channels,
	 *           slices and frames
	 */
	static void requireSamePlanes(RasterImage a, String aRole, RasterImage b,
		String bRole)
	{
		if (a.logicalChannels() != b.logicalChannels() || a.slices() != b
			.slices() || a.frames() != b.frames()) throw new GanException("the " +
				bRole + " (" + b.describe() + ") does not have the " + aRole +
				"'s channels, slices and frames (" + a.describe() + ")");
	}
}
