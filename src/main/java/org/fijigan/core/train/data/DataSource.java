
package org.fijigan.core.train.data;

import java.util.Objects;

/** Where training images come from. */
public sealed interface DataSource {

	/**
	 * One set of images: clean images that a {@link Degradation} turns into
	 * inputs, or real images (with classes from sub-folder names) for a
	 * generator.
	 */
	record Images(ImageSource images) implements DataSource {

		public Images {
			Objects.requireNonNull(images);
		}
	}

	/**
	 * Inputs and targets matched by name (see {@link PairedImages#match}); a
	 * target is larger than its input by the model's scale.
	 */
	record Pairs(ImageSource inputs, ImageSource targets) implements DataSource {

		public Pairs {
			Objects.requireNonNull(inputs);
			Objects.requireNonNull(targets);
		}
	}
}
