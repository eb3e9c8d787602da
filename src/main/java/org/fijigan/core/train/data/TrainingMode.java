
package org.fijigan.core.train.data;

/** Where a fine-tuning run's inputs come from. */
enum TrainingMode {
		/** Clean images, degraded on the fly into the model's input. */
		SELF_SUPERVISED,
		/** Input and target images from two folders. */
		PAIRED,
		/** Real images for a generator, which takes latent vectors. */
		GENERATION
}
