
package org.fijigan.core.batch;

import java.nio.file.Path;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ThreadCount;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.NonFinite;

/**
 * What a generation run writes: one file per sample into {@code outputDir}.
 *
 * @param outputDir the folder of generated files and manifest (created when
 *          missing)
 * @param format file extension: {@code .tif}, {@code .png}, {@code .nii.gz},
 *          ...
 * @param plan how many samples, and the class of each
 * @param seed sample {@code i} draws its latent vector from seed
 *          {@code seed + i}
 * @param latents explicit latent vectors, one per sample
 *          ({@code [plan.count()][d]}), or null
 * @param latentSource what the manifest names as the source of {@code latents}
 *          (a file name)
 * @param floatOutput 32-bit files in the model's output range instead of 8-bit
 * @param device execution provider to ask for
 * @param threads intra-op threads: 0 for one per core, else at most
 *          {@link ThreadCount#max()}
 * @param shard the contiguous part of the samples (so of the seeds) this run
 *          draws
 * @param overwrite redo every file, ignoring earlier manifests
 * @param failFast stop at the first failure
 * @param properties added to every file's properties (e.g. the command that
 *          made it)
 * @param nonFinite what NaN and infinite outputs become in 8-bit files (float
 *          files keep them)
 */
public record GenerationJob(Path outputDir, String format, SamplePlan plan,
		long seed, float[][] latents, String latentSource, boolean floatOutput,
		DeviceSpec device, int threads, Shard shard, boolean overwrite,
		boolean failFast, Map<String, String> properties, NonFinite nonFinite) {

	public GenerationJob {
		if (outputDir == null) throw new GanException(
			"generation needs an output folder");
		outputDir = outputDir.toAbsolutePath().normalize();
		format = FolderJob.normalizeFormat(format == null ? ".tif" : format);
		if (plan == null) throw new GanException("nothing to generate");
		if (latents != null && latents.length != plan.count())
			throw new GanException("the latent file has " + latents.length +
				" vectors for " + plan.count() + " images");
		if (device == null) device = DeviceSpec.AUTO;
		ThreadCount.check(threads);
		if (shard == null) shard = Shard.ALL;
		properties = properties == null ? Map.of() : Map.copyOf(properties);
		GenerateOptions.refuseNonFiniteLatents(latents);
		if (latents == null) GenerateOptions.refuseSeedsPastLast(seed, plan
			.count());
		if (nonFinite == null) nonFinite = NonFinite.FAIL;
	}

	/** This job drawing {@code other} instead of its plan. */
	public GenerationJob withPlan(SamplePlan other) {
		return new GenerationJob(outputDir, format, other, seed, latents,
			latentSource, floatOutput, device, threads, shard, overwrite, failFast,
			properties, nonFinite);
	}
}
