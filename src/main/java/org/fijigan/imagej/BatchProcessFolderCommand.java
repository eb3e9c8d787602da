
package org.fijigan.imagej;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.batch.BatchSummary;
import org.fijigan.core.batch.FolderBatch;
import org.fijigan.core.batch.FolderJob;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.ij1.ImageFileCodec;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;

/**
 * Runs a model on every image of a folder into another folder, keeping names
 * and sub-folders, with a CSV manifest; resumable and shardable as the command
 * line's folder mode is (the same core {@link FolderBatch}), with the inference
 * options of the one-image commands ({@link InferenceCommand}). In a macro on a
 * cluster node:
 * {@code run("Batch Process Folder...", "model=[m.onnx] input=[in] output=[out] shard=3/8");}
 */
@Plugin(type = Command.class, headless = true, label = "Batch Process Folder")
@BeforeInherited({ "input", "output", "task", "mask", "format" })
public class BatchProcessFolderCommand extends InferenceCommand {

	@Parameter(label = "Input folder", style = FileWidget.DIRECTORY_STYLE,
		description = "the images to process, sub-folders included")
	File input;

	@Parameter(label = "Output folder", style = FileWidget.DIRECTORY_STYLE,
		description = "results with the same relative names, and manifest.csv")
	File output;

	@Parameter(label = "Task", choices = { "auto", "super-resolution", "denoise",
		"inpaint", "image-to-image" },
		description = "what the model does: auto takes what it says")
	String task = "auto";

	@Parameter(label = "Mask", required = false,
		description = "inpainting: a folder of masks with the images' relative names, or one mask file; else none")
	String mask = "none";

	@Parameter(label = "Format", choices = { "keep", "tif", "png", "jpg", "npy",
		"nii.gz" },
		description = "output format; keep writes each input's own where possible, else TIFF")
	String format = "keep";

	@Parameter(label = "Shard",
		description = "I/N: do part I (from 0) of N, for cluster job arrays")
	String shard = "0/1";

	@Parameter(label = "Fail fast",
		description = "stop at the first image that fails")
	boolean failFast;

	@Parameter(label = "Overwrite",
		description = "redo every image, ignoring earlier manifests")
	boolean overwrite;

	/**
	 * The keys left out of each result's {@code fiji-gan.command}: those that
	 * change no pixel of it, as the command line leaves out {@code --output},
	 * {@code --shard}, {@code --fail-fast}, {@code --overwrite},
	 * {@code --threads} and {@code --timings}.
	 */
	static final Set<String> NOT_RECORDED = Set.of("output", "shard", "fail",
		"overwrite", "threads", "timings");

	private BatchSummary summary;

	@Override
	protected void execute() {
		summary = null;
		if (input == null || output == null) throw new GanException(
			"choose an input folder and an output folder");
		Shard part = Shard.parse(shard);
		Integer haloPixels = haloPixels();
		String m = mask == null ? "" : mask.trim();
		Path maskPath = m.isEmpty() || m.equalsIgnoreCase("none") ? null : Path.of(
			m);
		ModelDescriptor d = loadModel(ModelOverrides.NONE.withTask(task.equals(
			"auto") ? null : TaskKind.parse(task)).withHaloPixels(haloPixels == null
				? null : haloPixels.intValue()));
		FolderJob job = new FolderJob(input.toPath(), output.toPath(), maskPath,
			format.equals("keep") ? null : format, null, part, overwrite, failFast,
			Map.of("fiji-gan.command", "Batch Process Folder (" + ParameterDialog
				.macroOptions(this, NOT_RECORDED) + ")"));
		summary = FolderBatch.run(job, d, options(), ImageFileCodec.INSTANCE,
			progress(), cancellation());
		log(summary, d);
		logTimings(timings, summary.timings());
		if (summary.failed() > 0) throw new GanException(summary.failed() + " of " +
			summary.items() + " images failed" + (summary.stoppedEarly()
				? " (stopped at the first)" : "") + "; see " + summary.manifest());
	}

	private static void log(BatchSummary s, ModelDescriptor d) {
		IJ.log(String.format(Locale.ROOT,
			"fiji-gan: %s on %s: %d of %d images written, %d skipped " +
				"(complete before), %d failed, %.1f s", d.name(), s.provider(), s
					.done(), s.items(), s.skipped(), s.failed(), s.seconds()));
		IJ.log("  manifest " + s.manifest());
		for (BatchSummary.Failure f : s.failures())
			IJ.log("  failed: " + f.item() + ": " + FieldNames.inFiji(f.message()));
		logNotes(s.notes());
	}

	/** What the last run did, or null. */
	public BatchSummary summary() {
		return summary;
	}
}
