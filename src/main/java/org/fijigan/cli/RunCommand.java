package org.fijigan.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Any image-to-image model, as the model describes itself. Inputs are named by the model's input
 * names; an inpainting model's mask goes in as {@code --input MASKNAME=FILE} ({@code mask=FILE} when
 * the mask is an extra channel of the image input).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
	description = "Run any image-to-image ONNX model, its task as the model says.")
final class RunCommand extends JobCommand {
	@Mixin
	ModelOptions model;

	@Mixin
	InferenceFlags flags;

	@Option(names = { "-i", "--input" }, required = true, paramLabel = "[NAME=]FILE",
		description = "The image, or a model input by name, e.g. --input mask=holes.tif.")
	List<String> inputs;

	@Override
	Job run(ProgressListener progress, CancellationToken cancel) {
		ModelDescriptor d = model.load(null, null);
		String imageName = d.image() == null ? "image" : d.image().name();
		String maskName = d.mask() == null ? null : d.mask().isExtraChannel() ? "mask" : d.mask()
			.inputName();
		Map<String, Path> files = new LinkedHashMap<>();
		for (String entry : inputs) {
			int eq = entry.indexOf('=');
			boolean named = eq > 0 && !Files.exists(Path.of(entry));
			String name = named ? entry.substring(0, eq) : imageName;
			if (!name.equals(imageName) && !name.equals(maskName)) throw new GanException(d.name() +
				" has no image input '" + name + "'; it takes " + imageName + (maskName == null ? ""
					: " and " + maskName));
			if (files.put(name, Path.of(named ? entry.substring(eq + 1) : entry)) != null)
				throw new GanException("input '" + name + "' is given twice");
		}
		Path image = files.get(imageName);
		if (image == null) throw new GanException("no image given for input '" + imageName + "'");
		if (d.task() == TaskKind.INPAINT || maskName != null && files.containsKey(maskName)) {
			if (!files.containsKey(maskName)) throw new GanException(d.name() +
				" is an inpainting model: give its mask with --input " + maskName + "=FILE");
			return InpaintCommand.inpaint(d, ImageFiles.read(image, "input"), files.get(maskName), flags
				.options(), progress, cancel);
		}
		return new Job(d, ImageToImage.run(d, ImageFiles.read(image, "input"), flags.options(),
			progress, cancel));
	}
}
