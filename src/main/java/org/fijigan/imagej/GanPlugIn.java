package org.fijigan.imagej;

import java.awt.HeadlessException;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.OnnxRuntimeSetup;
import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.plugin.PlugIn;

/**
 * The ImageJ 1 entry point of every fiji-gan menu item: {@code plugins.config} names this class with
 * a command id, e.g. {@code GanPlugIn("denoise")}. It asks for the command's parameters with a
 * {@link ParameterDialog} (macro options work and record as for any ImageJ command), runs the
 * command on the current image on the calling thread, and shows the result. The same menus work in
 * plain ImageJ 1 and in Fiji, where the SciJava commands themselves have no menu entries.
 */
public class GanPlugIn implements PlugIn {
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
		Map.entry("evaluate", EvaluateCommand.class), //
		Map.entry("model-info", ModelInfoCommand.class), //
		Map.entry("manage-models", ManageModelsCommand.class), //
		Map.entry("show-changes", ShowChangesCommand.class));

	@Override
	public void run(String arg) {
		OnnxRuntimeSetup.prepare(); // ONNX Runtime's libraries from the cache, before anything loads them
		Class<? extends Command> type = COMMANDS.get(arg);
		if (type == null) {
			IJ.error("fiji-gan", "plugins.config names an unknown fiji-gan command '" + arg + "'");
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
			throw new IllegalStateException(type + " needs a public no-argument constructor", e);
		}
		try {
			if (!ParameterDialog.ask(command, type.getAnnotation(Plugin.class).label(), "fiji-gan." + arg,
				image)) return;
		}
		catch (GanException e) {
			CancellableCommand.report(e.getMessage());
			return;
		}
		ParameterDialog.setImage(command, image);
		command.run();
		if (command instanceof GanCommand c && c.errorMessage() == null && Macro.getOptions() == null)
			ModelChoices.remember(c.model); // offered as "recent" by the next dialog
		for (ImagePlus output : ParameterDialog.outputImages(command))
			show(output);
	}

	private static void show(ImagePlus output) {
		try {
			output.show();
		}
		catch (HeadlessException e) {
			// plain ImageJ 1 without a display, outside batch mode: keep the result the current image
			WindowManager.setTempCurrentImage(output);
		}
	}
}
