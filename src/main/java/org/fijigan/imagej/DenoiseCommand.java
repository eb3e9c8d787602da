
package org.fijigan.imagej;

import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.OutputTransform;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Removes noise with a denoising model. */
@Plugin(type = Command.class, headless = true, label = "Denoise")
public class DenoiseCommand extends ImageCommand {

	@Parameter(label = "Prediction", choices = { "auto", "image", "noise" },
		description = "what the model outputs: auto (as it declares, else as its output's name says), the clean image, or the noise (DnCNN)")
	String prediction = "auto";

	@Override
	protected ModelOverrides overrides(Integer haloPixels) {
		OutputTransform transform = switch (prediction) {
			case "image" -> OutputTransform.DIRECT;
			case "noise" -> OutputTransform.SUBTRACT_FROM_INPUT;
			default -> null;
		};
		return ModelOverrides.NONE.withHaloPixels(haloPixels).withOutputTransform(
			transform).withResidualOption("Prediction (image or noise)");
	}

	@Override
	protected TaskKind menuTask() {
		return TaskKind.DENOISE;
	}
}
