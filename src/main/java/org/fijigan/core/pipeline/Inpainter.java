package org.fijigan.core.pipeline;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;

/** Runs an inpainting model: fills the holes that a mask marks. */
public final class Inpainter {
	private Inpainter() {}

	/**
	 * @param mask one channel, same width and height as {@code image}; one plane for all planes of
	 *          the image or one per slice/frame; a non-zero pixel marks a hole to fill
	 */
	public static RunResult run(ModelDescriptor model, RasterImage image, RasterImage mask,
		InferenceOptions options, ProgressListener progress, CancellationToken cancel)
	{
		throw new UnsupportedOperationException("in progress");
	}
}
