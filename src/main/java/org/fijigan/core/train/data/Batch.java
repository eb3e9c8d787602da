
package org.fijigan.core.train.data;

import java.util.Map;

import org.fijigan.core.engine.Tensor;

/**
 * One training batch: the model's inputs by name (image, mask, latent, class
 * label) and the target its output is compared with (for a generator: real
 * images for the discriminator).
 *
 * @param lossMask where the pixel loss counts, a tensor of the target's shape
 *          (1 counts, 0 does not), or null when it counts everywhere
 */
public record Batch(Map<String, Tensor> inputs, Tensor target,
		Tensor lossMask) {

	public Batch {
		inputs = Map.copyOf(inputs);
	}

	/** A batch whose loss counts at every pixel. */
	public Batch(Map<String, Tensor> inputs, Tensor target) {
		this(inputs, target, null);
	}
}
