
package org.fijigan.core.tiling;

import java.util.List;
import java.util.Objects;

import org.fijigan.core.GanException;

/**
 * What {@link TilingPolicy} plans for: one plane of one image, one model's size
 * constraints and halo, and the memory a batch of tiles may use.
 *
 * @param width plane width in pixels
 * @param height plane height in pixels
 * @param x the model's constraint along x
 * @param y the model's constraint along y
 * @param haloPixels context the model needs on each side of a kept pixel, in
 *          input pixels
 * @param requestedWindow {@link #AUTO_WINDOW} to size windows from the memory
 *          budget, {@link #WHOLE_PLANE} for one window over the plane, or the
 *          window side in pixels (halo included)
 * @param memoryBudgetBytes working memory one batch of tiles may use inside the
 *          runtime (estimate)
 * @param bytesPerPixel estimated working memory per model-input pixel
 *          ({@link TilingPolicy#bytesPerInputPixel})
 * @param maxBatch the largest batch the model takes
 * @param wholeImageOps the model's operations that see the whole image, so that
 *          tiling changes their result; empty for a model that tiles exactly
 * @param strideStep the total stride of the model's strided layers with its
 *          scale's denominator ({@link TilePlanner#gridStep}), 1 for none:
 *          windows start on its grid ({@link TilePlanner})
 */
public record TilingRequest(int width, int height, AxisConstraint x,
		AxisConstraint y, int haloPixels, int requestedWindow,
		long memoryBudgetBytes, long bytesPerPixel, int maxBatch,
		List<String> wholeImageOps, int strideStep) {

	/** {@link #requestedWindow()}: windows sized from the memory budget. */
	public static final int AUTO_WINDOW = 0;
	/** {@link #requestedWindow()}: one window over the whole plane. */
	public static final int WHOLE_PLANE = -1;
	/** The largest halo: wider than any plane that fits in memory. */
	public static final int MAX_HALO = 1 << 20;

	public TilingRequest {
		if (width < 1 || height < 1) throw new IllegalArgumentException(
			"a plane of " + width + "x" + height + " pixels has nothing to tile");
		Objects.requireNonNull(x);
		Objects.requireNonNull(y);
		if (haloPixels < 0) throw new IllegalArgumentException("halo must be >= 0");
		if (haloPixels > MAX_HALO) throw new GanException("a halo of " +
			haloPixels + " px is wider " + "than any image: at most " + MAX_HALO);
		if (requestedWindow < WHOLE_PLANE) throw new IllegalArgumentException(
			"requested window must be AUTO_WINDOW, WHOLE_PLANE or positive, got " +
				requestedWindow);
		if (memoryBudgetBytes < 1 || bytesPerPixel < 1)
			throw new IllegalArgumentException(
				"memory budget and bytes per pixel must be positive");
		if (maxBatch < 1) throw new IllegalArgumentException(
			"maxBatch must be >= 1");
		wholeImageOps = List.copyOf(wholeImageOps);
		if (strideStep < 1) strideStep = 1;
	}

	/** A request for a model without strided layers. */
	public TilingRequest(int width, int height, AxisConstraint x,
		AxisConstraint y, int haloPixels, int requestedWindow,
		long memoryBudgetBytes, long bytesPerPixel, int maxBatch,
		List<String> wholeImageOps)
	{
		this(width, height, x, y, haloPixels, requestedWindow, memoryBudgetBytes,
			bytesPerPixel, maxBatch, wholeImageOps, 1);
	}

	/**
	 * Whether tiles give exactly the untiled result: no operation sees the whole
	 * image.
	 */
	public boolean isTileable() {
		return wholeImageOps.isEmpty();
	}
}
