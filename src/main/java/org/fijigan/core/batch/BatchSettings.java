
package org.fijigan.core.batch;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.fijigan.core.io.FileHashes;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.text.Canonical;

/**
 * Fingerprints that tell one batch's results from another's, recorded in its
 * manifests and its claim on the output folder.
 * <ul>
 * <li>{@code settings}: everything besides the input and the model's weights
 * that decides a result's pixels (how the model is read, with any overrides;
 * normalisation, bit depth, channels, non-finite values; the file format). A
 * rerun reuses an earlier result only when it was made with the same settings,
 * and does not replace one made with other settings unless told to.
 * <li>{@code batch}: the settings plus the whole plan (every input's relative
 * name and size, or the samples to draw). Only the shards of one batch share an
 * output folder at once or merge into one manifest.
 * </ul>
 * Device and threads are not part of either, nor the tile size where tiling is
 * exact: they change how fast a result is made, not what it is. A halo given in
 * place of the model's, and a tile size given for a model whose tiles are not
 * exact, are part of the settings.
 */
public final class BatchSettings {

	private BatchSettings() {}

	/** The settings of a folder run. */
	public static String folder(ModelDescriptor model, InferenceOptions options,
		String format)
	{
		List<String> parts = new ArrayList<>(List.of("folder", "task=" + model
			.task().id(), "kind=" + Canonical.text(model.kind()), "scale=" + model
				.scale(), "input_range=" + Canonical.text(model.inputRange()),
			"output_range=" + Canonical.text(model.outputRange()),
			"output_transform=" + model.outputTransform(), "output_channels=" + model
				.outputChannels(), "output_in_input_units=" + model
					.outputInInputUnits(), "preprocessing=" + Canonical.text(model
						.preprocessing()), "postprocessing=" + Canonical.text(model
							.postprocessing()), "normalization=" + Canonical.text(options
								.normalization()), "float=" + options.floatOutput(),
			"channel_map=" + Canonical.text(options.channelMap()), "composite=" +
				options.compositeInpaint(), "nonfinite=" + options.nonFinite(),
			"format=" + (format == null ? "own" : format)));
		// what else changes the pixels, named only when it is not the default, so
		// that the settings of earlier default runs stay the same
		if ("override".equals(model.origins().get("halo"))) parts.add("halo=" +
			model.haloPixels());
		if (options.tileSize() != InferenceOptions.AUTO_TILE && !model
			.tilesExactly()) parts.add("tile=" + options.tileSize());
		return fingerprint(parts.toArray(String[]::new));
	}

	/**
	 * The settings of a generation run: bit depth, non-finite values, format, how
	 * the model's output is read, and the latent vectors when they are given.
	 */
	public static String generation(ModelDescriptor model, boolean floatOutput,
		Object nonFinite, String format, float[][] latents)
	{
		return fingerprint("generate", "output_range=" + Canonical.text(model
			.outputRange()), "output_transform=" + model.outputTransform(),
			"output_channels=" + model.outputChannels(), "postprocessing=" + Canonical
				.text(model.postprocessing()), "float=" + floatOutput, "nonfinite=" +
					nonFinite, "format=" + format, "latents=" + (latents == null ? "drawn"
						: digest(latents)));
	}

	/** The SHA-256 of the vectors' values, hex. */
	private static String digest(float[][] vectors) {
		MessageDigest md = FileHashes.newSha256();
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4);
		for (float[] v : vectors) {
			b.clear();
			md.update(b.putInt(v.length).array());
			for (float f : v) {
				b.clear();
				md.update(b.putFloat(f).array());
			}
		}
		return HexFormat.of().formatHex(md.digest());
	}

	/** The batch: {@code settings} and the plan it carries out. */
	public static String batch(String settings, String plan) {
		return fingerprint("batch", settings, plan);
	}

	/**
	 * The first 16 hex digits of the SHA-256 of the lines, one per part: short
	 * enough for a manifest column, long enough that two different batches never
	 * share one by chance.
	 */
	static String fingerprint(String... parts) {
		return Canonical.fingerprint(String.join("\n", parts));
	}
}
