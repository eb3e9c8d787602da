
package org.fijigan.core.trust;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;

/**
 * What a denoising (or any same-size image-to-image) model removed:
 * {@code input - output}, pixel for pixel, as a 32-bit image. Noise shows as
 * texture without structure; cell edges or spots in the residual are structure
 * the model took away. Reads both images only.
 */
public final class Residual {

	private Residual() {}

	/**
	 * @return a new 32-bit image of the input's size, one channel per logical
	 *         channel of the result (3 for RGB), with the input's calibration and
	 *         title {@code "Residual of " + input title}; channel k is result
	 *         channel k taken from the input channel it was made from where the
	 *         result records one ({@code fiji-gan.channels}: a model fed the
	 *         channels in another order), else from input channel k
	 * @throws GanException when the two images differ in size, slices or frames,
	 *           or in channels where the result records no input channel for each
	 *           of its own
	 */
	public static RasterImage of(RasterImage input, RasterImage output) {
		if (input.width() != output.width() || input.height() != output.height())
			throw new GanException("the result is " + output.width() + "x" + output
				.height() + " but the input is " + input.width() + "x" + input
					.height() +
				": a residual needs a result of the input's size (for super-resolution use the consistency map)");
		int[] sources = Planes.sourceChannels(input, output);
		RasterImage residual = Planes.float32Like(output, input.width(), input
			.height(), "Residual of " + input.title());
		residual.setCalibration(input.calibration());
		for (int t = 0; t < input.frames(); t++)
			for (int z = 0; z < input.slices(); z++)
				for (int c = 0; c < output.logicalChannels(); c++) {
					float[] a = Planes.read(input, sources[c], z, t), b = Planes.read(
						output, c, z, t);
					for (int i = 0; i < a.length; i++)
						a[i] -= b[i];
					residual.writeRegion(c, z, t, 0, 0, input.width(), input.height(), a,
						0);
				}
		residual.properties().put("fiji-gan.trust", "residual = input - result");
		return residual;
	}
}
