
package org.fijigan.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.batch.BatchSummary;
import org.fijigan.core.batch.FolderBatch;
import org.fijigan.core.batch.FolderJob;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** An image-to-image command of one task: super-resolution or denoise. */
abstract class ImageToImageCommand extends ImageJobCommand {

	@Mixin
	ModelOptions model;

	@Mixin
	InferenceFlags flags;

	@Option(names = { "-i", "--input" }, required = true, paramLabel = "IN",
		description = "Image ImageJ opens (TIFF incl. hyperstacks, PNG, JPEG, DICOM...) or .npy " +
			"tensor; or a folder of them (sub-folders included), written to the folder OUT.")
	Path input;

	abstract TaskKind task();

	@Override
	Job run(ProgressListener progress, CancellationToken cancel) {
		ModelDescriptor d = model.load(task(), null, stages);
		return new Job(d, ImageToImage.run(d, read(input, "input"), flags.options(),
			progress, cancel), List.of());
	}

	@Override
	List<FileIdentity.Input> inputFiles() {
		return List.of(new FileIdentity.Input("input image", input), model
			.asInput());
	}

	@Override
	boolean writesFolder() {
		return Files.isDirectory(input);
	}

	@Override
	BatchSummary runFolder(ProgressListener progress, CancellationToken cancel) {
		ModelDescriptor d = model.load(task(), null, stages);
		FolderJob job = new FolderJob(input, output, null, batch.format, include,
			batch.shardOrAll(), overwrite, batch.failFast, provenance());
		return FolderBatch.run(job, d, flags.options(), ImageFiles.CODEC, progress,
			cancel);
	}
}
