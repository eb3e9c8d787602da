
package org.fijigan.imagej;

import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.StageTimings;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.pipeline.RunReport;
import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import ij.IJ;

/**
 * A command that runs a model: the model parameter and how it is loaded, on top
 * of what every command shares ({@link CancellableCommand}).
 */
public abstract class GanCommand extends CancellableCommand {

	@Parameter(label = "Model", style = FileWidget.OPEN_STYLE,
		description = "an .onnx file, a bioimage.io rdf.yaml or .zip, or the name of a bundled model")
	String model = "";

	/**
	 * Where this run's time goes: model loading here, the engine's stages from
	 * its report.
	 */
	protected final StageTimings stages = new StageTimings();

	protected ModelDescriptor loadModel(ModelOverrides overrides) {
		if (model == null || model.isBlank()) throw new GanException(
			"no model given: choose an .onnx file, a bioimage.io rdf.yaml or .zip, or a bundled model name");
		IJ.showStatus("fiji-gan: loading " + model);
		FijiModels.useForNames(); // model=NAME finds what Manage Models installed
		InputFile.refuseSpecial(java.nio.file.Path.of(model.trim()), "model");
		return ModelLoader.load(model.trim(), overrides, stages);
	}

	/** Logs which provider ran, how, and every note the user should see. */
	protected static void logReport(String what, RunReport report) {
		IJ.log(String.format(Locale.ROOT,
			"fiji-gan: %s on %s, %d tile(s) per plane, %.1f s", what, report
				.provider(), report.tilesPerPlane(), report.seconds()));
		logNotes(report.notes());
	}

	/**
	 * With {@code timings} (the commands' Timings option): adds the engine's
	 * stages to {@link #stages} and writes the breakdown to the Log, as
	 * {@code --timings} prints it on the command line.
	 */
	protected void logTimings(boolean timings, StageTimings engine) {
		stages.addAll(engine);
		if (!timings) return;
		IJ.log("fiji-gan: timings");
		for (String line : stages.lines())
			IJ.log("  " + line);
	}

	/** {@code null} for "auto" (or blank), else the number. */
	protected static Double autoOrNumber(String name, String text) {
		if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("auto"))
			return null;
		try {
			return Double.valueOf(text.trim());
		}
		catch (NumberFormatException e) {
			throw new GanException(name + " '" + text + "' must be auto or a number");
		}
	}
}
