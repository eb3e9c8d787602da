
package org.fijigan.imagej;

import java.awt.GraphicsEnvironment;

import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

import ij.IJ;
import ij.text.TextWindow;

/**
 * Shows what fiji-gan reads and infers about a model: task, inputs, scale,
 * halo, ranges, origins.
 */
@Plugin(type = Command.class, headless = true, label = "Model Info")
public class ModelInfoCommand extends GanCommand {

	private String info;

	@Override
	protected void execute() {
		ModelDescriptor descriptor = loadModel(ModelOverrides.NONE);
		info = ModelLoader.report(descriptor, Normalization.recordedProblem(
			descriptor)).text();
		if (GraphicsEnvironment.isHeadless()) IJ.log(info);
		else new TextWindow("Model Info: " + descriptor.name(), info, 640, 480);
	}

	/** The description of the last run, or null. */
	public String info() {
		return info;
	}
}
