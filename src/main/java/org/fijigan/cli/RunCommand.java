
package org.fijigan.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.batch.BatchSummary;
import org.fijigan.core.batch.FolderBatch;
import org.fijigan.core.batch.FolderJob;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Any image-to-image model, as the model describes itself. Inputs are named by
 * the model's input names; an inpainting model's mask goes in as
 * {@code --input MASKNAME=FILE} ({@code mask=FILE} when the mask is an extra
 * channel of the image input).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
	description = "Run any image-to-image ONNX model, its task as the model says.")
final class RunCommand extends ImageJobCommand {

	@Mixin
	ModelOptions model;

	@Mixin
	InferenceFlags flags;

	@Option(names = { "-i", "--input" }, required = true,
		paramLabel = "[NAME=]FILE",
		description = "The image, or a model input by name, e.g. --input mask=holes.tif; or a " +
			"folder of images (and --input mask=DIR), written to the folder OUT.")
	List<String> inputs;

	@Override
	Job run(ProgressListener progress, CancellationToken cancel) {
		ModelDescriptor d = model.load(null, null, stages);
		Map<String, Path> files = files(d);
		Path image = files.get(imageName(d));
		String maskName = maskName(d);
		if (d.task() == TaskKind.INPAINT || maskName != null && files.containsKey(
			maskName))
		{
			if (!files.containsKey(maskName)) throw new GanException(d.name() +
				" is an inpainting model: give its mask with --input " + maskName +
				"=FILE");
			return InpaintCommand.inpaint(d, read(image, "input"), read(files.get(
				maskName), "mask"), files.get(maskName), flags.options(), progress,
				cancel);
		}
		return new Job(d, ImageToImage.run(d, read(image, "input"), flags.options(),
			progress, cancel));
	}

	/**
	 * Every file {@code --input} names, by its whole text and by the part after a
	 * '='.
	 */
	@Override
	List<FileIdentity.Input> inputFiles() {
		List<FileIdentity.Input> files = new java.util.ArrayList<>(List.of(model
			.asInput()));
		for (String entry : inputs) {
			files.add(new FileIdentity.Input("input", Path.of(entry)));
			int eq = entry.indexOf('=');
			if (eq > 0) files.add(new FileIdentity.Input("input " + entry.substring(0,
				eq), Path.of(entry.substring(eq + 1))));
		}
		return files;
	}

	/**
	 * Folder mode when an input is a folder:
	 * {@code --input DIR [--input mask=DIR|FILE]}.
	 */
	@Override
	boolean writesFolder() {
		for (String entry : inputs) {
			int eq = entry.indexOf('=');
			if (Files.isDirectory(Path.of(entry)) || eq > 0 && Files.isDirectory(Path
				.of(entry.substring(eq + 1)))) return true;
		}
		return false;
	}

	@Override
	BatchSummary runFolder(ProgressListener progress, CancellationToken cancel) {
		ModelDescriptor d = model.load(null, null, stages);
		Map<String, Path> files = files(d);
		Path image = files.get(imageName(d));
		if (!Files.isDirectory(image)) throw new GanException(
			"with a mask folder, --input " + imageName(d) +
				" must be a folder of images too");
		Path mask = maskName(d) == null ? null : files.get(maskName(d));
		if (d.task() == TaskKind.INPAINT && mask == null) throw new GanException(d
			.name() + " is an inpainting model: give its masks with --input " +
			maskName(d) + "=DIR (or =FILE)");
		FolderJob job = new FolderJob(image, output, mask, batch.format, include,
			batch.shardOrAll(), overwrite, batch.failFast, provenance());
		return FolderBatch.run(job, d, flags.options(), ImageFiles.CODEC, progress,
			cancel);
	}

	private static String imageName(ModelDescriptor d) {
		return d.kind() instanceof ModelKind.Generator ? "image" : d.image().name();
	}

	private static String maskName(ModelDescriptor d) {
		if (!(d.kind() instanceof ModelKind.Inpainting k)) return null;
		return k.mask().isExtraChannel() ? "mask" : k.mask().inputName();
	}

	/** The files of {@code --input}, by the model input they feed. */
	private Map<String, Path> files(ModelDescriptor d) {
		String imageName = imageName(d);
		String maskName = maskName(d);
		Map<String, Path> files = new LinkedHashMap<>();
		for (String entry : inputs) {
			int eq = entry.indexOf('=');
			boolean named = eq > 0 && !Files.exists(Path.of(entry));
			String name = named ? entry.substring(0, eq) : imageName;
			if (!name.equals(imageName) && !name.equals(maskName))
				throw new GanException(d.name() + " has no image input '" + name +
					"'; it takes " + imageName + (maskName == null ? "" : " and " +
						maskName));
			if (files.put(name, Path.of(named ? entry.substring(eq + 1)
				: entry)) != null) throw new GanException("input '" + name +
					"' is given twice");
		}
		if (!files.containsKey(imageName)) throw new GanException(
			"no image given for input '" + imageName + "'");
		return files;
	}
}
