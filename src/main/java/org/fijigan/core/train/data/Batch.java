package org.fijigan.core.train.data;

import java.util.Map;

import org.fijigan.core.engine.Tensor;

/**
 * One training batch: the model's inputs by name (image, mask, latent, class label) and the target
 * its output is compared with (for a generator: real images for the discriminator).
 */
public record Batch(Map<String, Tensor> inputs, Tensor target) {
	public Batch {
		inputs = Map.copyOf(inputs);
	}
}
