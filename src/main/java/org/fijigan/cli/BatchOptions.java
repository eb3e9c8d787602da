
package org.fijigan.cli;

import org.fijigan.core.batch.Shard;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Options of folder mode: {@code --input DIR --output DIR}, and
 * {@code generate --output DIR}.
 */
final class BatchOptions {

	@Option(names = "--shard", paramLabel = "I/N", converter = ShardText.class,
		description = "Do part I of N (0 <= I < N): of a folder, the inputs sorted by path, every " +
			"N-th from the I-th; of generate, the I-th of N contiguous seed ranges. Each part writes " +
			"manifest.part-I-of-N.csv; join them with merge-manifests.")
	Shard shard;

	@Option(names = "--fail-fast",
		description = "Stop at the first image that fails (default: record it in the manifest and go on).")
	boolean failFast;

	@Option(names = "--format", paramLabel = "EXT",
		description = "Folder mode: write tif, png, jpg, npy or nii.gz (default: each input's own " +
			"format where it can be written, else tif; tif for generate).")
	String format;

	/** Refuses the folder options when the command writes one file. */
	void refuseInFileMode(CommandSpec spec, String why) {
		String given = shard != null ? "--shard" : failFast ? "--fail-fast"
			: format != null ? "--format" : null;
		if (given != null) throw new ParameterException(spec.commandLine(), given +
			" is for folder mode: " + why);
	}

	Shard shardOrAll() {
		return shard == null ? Shard.ALL : shard;
	}

	static final class ShardText implements ITypeConverter<Shard> {

		@Override
		public Shard convert(String text) throws Exception {
			return Main.converter(Shard::parse).convert(text);
		}
	}
}
