
package org.fijigan.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.batch.BatchSummary;
import org.fijigan.core.batch.FolderBatch;
import org.fijigan.core.batch.FolderJob;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.pipeline.RunResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "inpaint", mixinStandardHelpOptions = true,
	description = "Fill the holes a mask marks (non-zero mask pixels) with an inpainting model.")
final class InpaintCommand extends ImageJobCommand {

	@Mixin
	ModelOptions model;

	@Mixin
	InferenceFlags flags;

	@Option(names = { "-i", "--input" }, required = true, paramLabel = "IN",
		description = "Image ImageJ opens, or .npy tensor; or a folder of them, written to the folder OUT.")
	Path input;

	@Option(names = "--mask", required = true, paramLabel = "MASK",
		description = "One channel, the image's width and height; non-zero marks a hole. One plane " +
			"for all, or one per slice/frame. With --input DIR: a folder of masks with the images' " +
			"relative names (any image extension), or one mask for all.")
	Path mask;

	@Option(names = "--mask-hole", converter = ModelOptions.MaskHole.class,
		paramLabel = "0|1",
		description = "The value the model expects at holes (default: from the model).")
	Double maskHoleValue;

	@Option(names = "--no-composite",
		description = "Keep the model's output everywhere, not only inside the holes.")
	boolean noComposite;

	@Override
	Job run(ProgressListener progress, CancellationToken cancel) {
		ModelDescriptor d = model.load(TaskKind.INPAINT, maskHoleValue, stages);
		return inpaint(d, read(input, "input"), read(mask, "mask"), mask, flags
			.options().withCompositeInpaint(!noComposite), progress, cancel);
	}

	@Override
	List<FileIdentity.Input> inputFiles() {
		return List.of(new FileIdentity.Input("input image", input),
			new FileIdentity.Input("mask", mask), model.asInput());
	}

	@Override
	boolean writesFolder() {
		return Files.isDirectory(input);
	}

	@Override
	BatchSummary runFolder(ProgressListener progress, CancellationToken cancel) {
		ModelDescriptor d = model.load(TaskKind.INPAINT, maskHoleValue, stages);
		FolderJob job = new FolderJob(input, output, mask, batch.format, include,
			batch.shardOrAll(), overwrite, batch.failFast, provenance());
		return FolderBatch.run(job, d, flags.options().withCompositeInpaint(
			!noComposite), ImageFiles.CODEC, progress, cancel);
	}

	/**
	 * Checks that the mask (read from {@code maskFile}) fits the image, and runs;
	 * shared with {@code run}.
	 */
	static Job inpaint(ModelDescriptor d, RasterImage image, RasterImage mask,
		Path maskFile, InferenceOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		if (mask.width() != image.width() || mask.height() != image.height())
			throw new GanException("mask " + maskFile.getFileName() + " is " + mask
				.width() + "x" + mask.height() + " but the image is " + image.width() +
				"x" + image.height() + "; they must be the same size");
		RunResult r = Inpainter.run(d, image, mask, options, progress, cancel);
		r.image().properties().put(Inpainter.MASK_PROPERTY, maskFile.getFileName()
			.toString());
		return new Job(d, r);
	}
}
