
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

	/**
	 * The input channel each result channel of {@code result} was made from, as
	 * the result records it ({@link ResidualCheck#CHANNELS_PROPERTY}, written
	 * where a model was fed the image's channels in another order), else channel
	 * k for channel k.
	 *
	 * @throws GanException where the two differ in slices or frames, where the
	 *           channels differ in number and the result records no sources, and
	 *           where it records that its channels do not each come from one
	 *           input channel, or names channels the input does not have
	 */
	static int[] sourceChannels(RasterImage input, RasterImage result) {
		String recorded = result.properties().get(ResidualCheck.CHANNELS_PROPERTY);
		if (recorded == null) return sameChannels(input, result);
		int[] sources;
		try {
			sources = java.util.Arrays.stream(recorded.split(",")).map(String::trim)
				.mapToInt(Integer::parseInt).toArray();
		}
		catch (NumberFormatException e) {
			throw new GanException("the result records that its channels are not " +
				"each made from one input channel (" + ResidualCheck.CHANNELS_PROPERTY +
				": " + recorded + "): there is no input channel to compare each " +
				"with");
		}
		requireSources(input, result, sources);
		return sources;
	}

	/**
	 * Channel k for channel k of two images of the same channels, slices and
	 * frames.
	 *
	 * @throws GanException where they differ
	 */
	static int[] sameChannels(RasterImage input, RasterImage result) {
		requireSamePlanes(input, "input", result, "result");
		int[] sources = new int[result.logicalChannels()];
		for (int c = 0; c < sources.length; c++)
			sources[c] = c;
		return sources;
	}

	/**
	 * @throws GanException unless {@code sources} names an input channel for each
	 *           result channel and the two have the same slices and frames
	 */
	static void requireSources(RasterImage input, RasterImage result,
		int[] sources)
	{
		if (input.slices() != result.slices() || input.frames() != result.frames())
			throw new GanException("the result (" + result.describe() +
				") does not have the input's slices and frames (" + input.describe() +
				")");
		if (sources.length != result.logicalChannels()) throw new GanException(
			"the result has " + result.logicalChannels() + " channels but records " +
				"the input channels of " + sources.length + " (" +
				ResidualCheck.CHANNELS_PROPERTY + ")");
		for (int s : sources)
			if (s < 0 || s >= input.logicalChannels()) throw new GanException(
				"the result records that it was made from input channel " + (s + 1) +
					" (" + ResidualCheck.CHANNELS_PROPERTY + "), but the input has " +
					input.logicalChannels() + " channel" + (input.logicalChannels() == 1
						? "" : "s"));
	}

	/** Whether {@code sources} names channel k for every k. */
	static boolean isIdentity(int[] sources) {
		for (int c = 0; c < sources.length; c++)
			if (sources[c] != c) return false;
		return true;
	}
}
