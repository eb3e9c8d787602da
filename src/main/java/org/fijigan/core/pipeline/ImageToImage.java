package org.fijigan.core.pipeline;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;

/** Runs an image-to-image model (super-resolution, denoising, generic) over a whole image. */
public final class ImageToImage {
	private ImageToImage() {}

	/**
	 * Runs {@code model} on every plane of {@code image}; {@code image} is only read.
	 *
	 * @return a new image: larger by the model's scale, same bit depth unless float output was asked
	 */
	public static RunResult run(ModelDescriptor model, RasterImage image, InferenceOptions options,
		ProgressListener progress, CancellationToken cancel)
	{
		throw new UnsupportedOperationException("in progress");
	}
}
