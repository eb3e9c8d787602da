
package org.fijigan.core.model;

import org.fijigan.core.tiling.AxisConstraint;

/**
 * The image input of a model.
 *
 * @param name input name, as in the graph
 * @param layout axis meaning
 * @param channels channel count the model takes (1 when the layout has no
 *          channel axis, 0 when the channel axis is dynamic: the model takes
 *          any number); for an inpainting model with the mask as its last
 *          channel, the image channels only
 * @param x sizes accepted along x
 * @param y sizes accepted along y
 * @param maxBatch largest batch the model takes: 1 when the batch axis is fixed
 *          at 1 or absent, its size when fixed at more (the model then takes
 *          exactly that many), {@link Integer#MAX_VALUE} when dynamic
 */
public record ImageInput(String name, TensorLayout layout, int channels,
		AxisConstraint x, AxisConstraint y, int maxBatch) {

	public ImageInput {
		if (channels < 0) throw new IllegalArgumentException(
			"channels must be >= 0");
		if (maxBatch < 1) throw new IllegalArgumentException(
			"maxBatch must be >= 1");
	}

	/**
	 * The number of images the model takes in every run: a fixed batch axis's
	 * size when above 1, else 0 (any number up to {@link #maxBatch}).
	 */
	public int exactBatch() {
		return maxBatch > 1 && maxBatch < Integer.MAX_VALUE ? maxBatch : 0;
	}

	public boolean isFixedSize() {
		return x.isFixed() && y.isFixed();
	}
}
