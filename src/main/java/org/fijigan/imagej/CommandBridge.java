
package org.fijigan.imagej;

import java.awt.HeadlessException;
import java.util.Map;

import org.fijigan.core.GanException;
import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;

/**
 * What {@link GanPlugIn} does once the jars are there: asks for the command's
 * parameters with a {@link ParameterDialog} (macro options work and record as
 * for any ImageJ command), runs the command on the current image on the calling
 * thread, and shows the result.
 */
final class CommandBridge {

	/** The command of each {@code plugins.config} argument. */
	static final Map<String, Class<? extends Command>> COMMANDS = Map.ofEntries( //
		Map.entry("demo", DemoCommand.class), //
		Map.entry("super-resolution", SuperResolutionCommand.class), //
		Map.entry("denoise", DenoiseCommand.class), //
		Map.entry("inpaint", InpaintCommand.class), //
		Map.entry("generate", GenerateCommand.class), //
		Map.entry("run-model", RunModelCommand.class), //
		Map.entry("batch", BatchProcessFolderCommand.class), //
		Map.entry("fine-tune", FineTuneCommand.class), //
		Map.entry("create-model", CreateModelCommand.class), //
		Map.entry("evaluate", EvaluateCommand.class), //
		Map.entry("model-info", ModelInfoCommand.class), //
		Map.entry("manage-models", ManageModelsCommand.class), //
		Map.entry("show-changes", ShowChangesCommand.class));

	private CommandBridge() {}

	/**
	 * Runs the command of a {@code plugins.config} argument, e.g.
	 * {@code denoise}.
	 */
	static void run(String arg) {
		Class<? extends Command> type = COMMANDS.get(arg);
		if (type == null) {
			IJ.error("fiji-gan",
				"plugins.config names an unknown fiji-gan command '" + arg + "'");
			return;
		}
		ImagePlus image = null;
		if (ParameterDialog.takesImage(type)) {
			image = WindowManager.getCurrentImage();
			if (image == null) {
				IJ.noImage();
				return;
			}
		}
		Command command;
		try {
			command = type.getConstructor().newInstance();
		}
		catch (ReflectiveOperationException e) {
			throw new IllegalStateException(type +
				" needs a public no-argument constructor", e);
		}
		try {
			if (!ParameterDialog.ask(command, type.getAnnotation(Plugin.class)
				.label(), "fiji-gan." + arg, image)) return;
		}
		catch (GanException e) {
			CancellableCommand.report(e.getMessage());
			return;
		}
		ParameterDialog.setImage(command, image);
		command.run();
		if (command instanceof GanCommand c && c.errorMessage() == null && Macro
			.getOptions() == null) ModelChoices.remember(c.model); // offered as
																															// "recent" by the
																															// next dialog
		for (ImagePlus output : ParameterDialog.outputImages(command))
			show(output);
	}

	private static void show(ImagePlus output) {
		try {
			output.show();
		}
		catch (HeadlessException e) {
			// plain ImageJ 1 without a display, outside batch mode: keep the result
			// the current image
			WindowManager.setTempCurrentImage(output);
		}
	}
}
