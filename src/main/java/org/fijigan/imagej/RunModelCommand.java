
package org.fijigan.imagej;

import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Runs any image-to-image ONNX model, with what the model does not declare
 * given by hand.
 */
@Plugin(type = Command.class, headless = true, label = "Run ONNX Model")
public class RunModelCommand extends ImageCommand {

	@Parameter(label = "Task", choices = { "auto", "image-to-image",
		"super-resolution", "denoise" },
		description = "auto uses what the model declares or what probing finds")
	String task = "auto";

	@Parameter(label = "Scale",
		description = "auto, or output pixels per input pixel")
	String scale = "auto";

	@Parameter(label = "Range",
		description = "auto, or the model's value range as MIN,MAX (e.g. -1,1)")
	String range = "auto";

	@Override
	protected ModelOverrides overrides(Integer haloPixels) {
		return ModelOverrides.NONE.withTask(task.equals("auto") ? null : TaskKind
			.parse(task)).withScale(autoOrNumber("scale", scale)).withHaloPixels(
				haloPixels).withRange(range.isBlank() || range.trim().equalsIgnoreCase(
					"auto") ? null : ValueRange.parse(range));
	}
}
