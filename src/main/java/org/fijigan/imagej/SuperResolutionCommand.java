
package org.fijigan.imagej;

import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Enlarges an image with a super-resolution model; the calibration shrinks by
 * the scale.
 */
@Plugin(type = Command.class, headless = true, label = "Super-Resolution")
public class SuperResolutionCommand extends ImageCommand {

	@Parameter(label = "Scale",
		description = "auto (read from the model), or the magnification")
	String scale = "auto";

	@Override
	protected ModelOverrides overrides(Integer haloPixels) {
		return ModelOverrides.NONE.withScale(autoOrNumber("scale", scale))
			.withHaloPixels(haloPixels);
	}

	@Override
	protected TaskKind menuTask() {
		return TaskKind.SUPER_RESOLUTION;
	}
}
