
package org.fijigan.core.model;

import java.util.Objects;

/**
 * What a model takes, which decides how the engine feeds it: an image, an image
 * and a mask, or a latent vector (and a class label).
 * {@link ModelDescriptor#kind()} holds one; code that handles more than one
 * kind tests which it has ({@code d.kind() instanceof ModelKind.Generator g})
 * instead of checking fields for null.
 */
public sealed interface ModelKind {

	/**
	 * An image in, an image out: super-resolution, denoising and any other
	 * image-to-image model.
	 */
	record ImageToImage(ImageInput image) implements ModelKind {

		public ImageToImage {
			Objects.requireNonNull(image, "image");
		}
	}

	/** An image and the mask of its holes in, the filled image out. */
	record Inpainting(ImageInput image, MaskSpec mask) implements ModelKind {

		public Inpainting {
			Objects.requireNonNull(image, "image");
			Objects.requireNonNull(mask, "mask");
		}
	}

	/**
	 * A latent vector (and, for a conditional model, a class label) in, an image
	 * out.
	 */
	record Generator(GeneratorSpec spec) implements ModelKind {

		public Generator {
			Objects.requireNonNull(spec, "spec");
		}
	}
}
