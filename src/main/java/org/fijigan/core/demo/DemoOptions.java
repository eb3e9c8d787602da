package org.fijigan.core.demo;

import org.fijigan.core.engine.DeviceSpec;

/**
 * How to run the demo.
 *
 * @param seed seeds the noise of the denoising row and the latent vectors of the generated images
 *          (image i of the generator uses seed + i)
 * @param device execution provider to ask for
 * @param threads intra-op threads; {@code <= 0} for all cores
 */
public record DemoOptions(long seed, DeviceSpec device, int threads) {
	public static final long DEFAULT_SEED = 1;

	public DemoOptions {
		if (device == null) device = DeviceSpec.AUTO;
	}

	public static DemoOptions defaults() {
		return new DemoOptions(DEFAULT_SEED, DeviceSpec.AUTO, 0);
	}
}
