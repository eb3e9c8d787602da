
package org.fijigan.core.pipeline;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ThreadCount;

/**
 * How to draw images from a generator. Sample {@code i} uses seed
 * {@code seed + i}, so any sample can be reproduced alone and disjoint seed
 * ranges give disjoint samples.
 *
 * @param count number of images
 * @param seed seed of the first sample's latent vector
 * @param classLabel one class for all samples, or null
 * @param classLabels one class per sample (length {@code count}), or null
 * @param latents explicit latent vectors {@code [count][d]} instead of random
 *          ones, or null
 * @param floatOutput 32-bit output in the model's output range instead of 8-bit
 * @param device execution provider to ask for
 * @param threads intra-op threads: 0 for one per core, else at most
 *          {@link ThreadCount#max()}
 * @param nonFinite what NaN and infinite outputs become in 8-bit images (float
 *          output keeps them)
 */
public record GenerateOptions(int count, long seed, Integer classLabel,
		long[] classLabels, float[][] latents, boolean floatOutput,
		DeviceSpec device, int threads, NonFinite nonFinite) {

	public GenerateOptions {
		if (count < 1) throw new GanException("count must be at least 1, got " +
			count);
		if (classLabels != null && classLabels.length != count)
			throw new GanException("the class file has " + classLabels.length +
				" labels for " + count + " images");
		if (latents != null && latents.length != count) throw new GanException(
			"the latent file has " + latents.length + " vectors for " + count +
				" images");
		if (classLabel != null && classLabels != null) throw new GanException(
			"give either one class or a class file, not both");
		if (device == null) device = DeviceSpec.AUTO;
		ThreadCount.check(threads);
		if (nonFinite == null) nonFinite = NonFinite.FAIL;
		refuseNonFiniteLatents(latents);
		if (latents == null) refuseSeedsPastLast(seed, count);
	}

	/** Options that refuse NaN and infinite outputs in 8-bit images. */
	public GenerateOptions(int count, long seed, Integer classLabel,
		long[] classLabels, float[][] latents, boolean floatOutput,
		DeviceSpec device, int threads)
	{
		this(count, seed, classLabel, classLabels, latents, floatOutput, device,
			threads, NonFinite.FAIL);
	}

	/**
	 * Refuses {@code count} samples from seed {@code seed} whose last seed,
	 * {@code seed + count - 1}, lies past {@link Long#MAX_VALUE}: the seeds
	 * wrapped round to {@link Long#MIN_VALUE}, so the samples were recorded under
	 * seeds that do not follow from {@code seed}.
	 */
	public static void refuseSeedsPastLast(long seed, long count) {
		if (count > 0 && seed > Long.MAX_VALUE - (count - 1))
			throw new GanException("seed " + seed + " with " + count + " image" +
				(count == 1 ? "" : "s") + " goes past the largest seed, " +
				Long.MAX_VALUE + " (sample i takes seed " + "seed + i): give a seed " +
				"of at most " + (Long.MAX_VALUE - (count - 1)));
	}

	/**
	 * Refuses latent vectors with NaN or infinite values: a generator given one
	 * returns NaN everywhere, or a picture of nothing.
	 */
	public static void refuseNonFiniteLatents(float[][] latents) {
		if (latents == null) return;
		long bad = 0;
		int first = -1;
		for (int i = 0; i < latents.length; i++)
			for (float v : latents[i])
				if (!Float.isFinite(v)) {
					bad++;
					if (first < 0) first = i;
				}
		if (bad > 0) throw new GanException("the latent vectors hold " + bad +
			" NaN or infinite " + "value" + (bad == 1 ? "" : "s") +
			" (the first in vector " + first + "): a generator " +
			"draws images from finite numbers only");
	}
}
