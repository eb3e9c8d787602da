
package org.fijigan.core.demo;

import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ThreadCount;

/**
 * How to run the demo.
 *
 * @param seed seeds the noise of the denoising row and the latent vectors of
 *          the generated images (image i of the generator uses seed + i)
 * @param device execution provider to ask for
 * @param threads intra-op threads: 0 for one per core, else at most
 *          {@link ThreadCount#max()}
 */
public record DemoOptions(long seed, DeviceSpec device, int threads) {

	public static final long DEFAULT_SEED = 1;

	public DemoOptions {
		if (device == null) device = DeviceSpec.AUTO;
		ThreadCount.check(threads);
	}

	public static DemoOptions defaults() {
		return new DemoOptions(DEFAULT_SEED, DeviceSpec.AUTO, 0);
	}
}
