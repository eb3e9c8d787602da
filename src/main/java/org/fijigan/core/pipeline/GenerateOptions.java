package org.fijigan.core.pipeline;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;

/**
 * How to draw images from a generator. Sample {@code i} uses seed {@code seed + i}, so any sample
 * can be reproduced alone and disjoint seed ranges give disjoint samples.
 *
 * @param count number of images
 * @param seed seed of the first sample's latent vector
 * @param classLabel one class for all samples, or null
 * @param classLabels one class per sample (length {@code count}), or null
 * @param latents explicit latent vectors {@code [count][d]} instead of random ones, or null
 * @param floatOutput 32-bit output in the model's output range instead of 8-bit
 * @param device execution provider to ask for
 * @param threads intra-op threads; {@code <= 0} for all cores
 */
public record GenerateOptions(int count, long seed, Integer classLabel, long[] classLabels,
	float[][] latents, boolean floatOutput, DeviceSpec device, int threads)
{
	public GenerateOptions {
		if (count < 1) throw new GanException("count must be at least 1, got " + count);
		if (classLabels != null && classLabels.length != count) throw new GanException("the class file has " +
			classLabels.length + " labels for " + count + " images");
		if (latents != null && latents.length != count) throw new GanException("the latent file has " +
			latents.length + " vectors for " + count + " images");
		if (classLabel != null && classLabels != null) throw new GanException(
			"give either one class or a class file, not both");
		if (device == null) device = DeviceSpec.AUTO;
	}
}
