
package org.fijigan.imagej;

import java.awt.GraphicsEnvironment;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.model.InstalledModel;
import org.fijigan.core.model.ModelStore;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.text.TextWindow;

/**
 * Lists, installs and removes the models of a models folder (Fiji's
 * {@code models/} unless another is given); the work is {@link ModelStore}'s.
 * Installing from a URL shows the download in the progress bar; Esc cancels it
 * and leaves nothing behind.
 */
@Plugin(type = Command.class, headless = true, label = "Manage Models")
public class ManageModelsCommand implements Command {

	@Parameter(label = "Action", choices = { "list", "install", "remove" })
	String action = "list";

	@Parameter(label = "Model", required = false,
		description = "install: a folder with an rdf.yaml, an .onnx, a bioimage.io .zip or an http(s) URL; remove: the model's name")
	String model = "";

	@Parameter(label = "Name", required = false,
		description = "install: the name to give it (default: from the file name)")
	String name = "";

	@Parameter(label = "Checksum", required = false,
		description = "install: the file's SHA-256, checked when given")
	String checksum = "";

	@Parameter(label = "Folder", required = false,
		style = FileWidget.DIRECTORY_STYLE,
		description = "the models folder; empty for Fiji's models/ folder")
	String folder = "";

	/** What the last run listed or did, as shown to the user. */
	String report;
	private String errorMessage;

	@Override
	public void run() {
		report = null;
		errorMessage = null;
		try {
			ModelStore store = FijiModels.store(folder);
			switch (action == null ? "list" : action) {
				case "install" -> {
					CancellationToken cancel = new CancellationToken();
					InstalledModel m = store.install(model, blankToNull(name),
						blankToNull(checksum), progress(cancel), cancel);
					IJ.showStatus("fiji-gan: installed " + m.name());
					report = "installed " + m.name() + " (" + m.format() + ") in " + m
						.folder() + "\n\n" + list(store);
				}
				case "remove" -> {
					if (model == null || model.isBlank()) throw new GanException(
						"give the name of the model to remove");
					store.remove(model.trim());
					report = "removed " + model.trim() + "\n\n" + list(store);
				}
				default -> report = list(store);
			}
			if (GraphicsEnvironment.isHeadless()) IJ.log(report);
			else new TextWindow("Models in " + store.root(), report, 640, 420);
		}
		catch (CancellationToken.CancelledException e) {
			IJ.showStatus("fiji-gan: cancelled; nothing was installed");
		}
		catch (GanException e) {
			errorMessage = e.getMessage();
			CancellableCommand.report(errorMessage);
		}
		finally {
			IJ.showProgress(1.0);
		}
	}

	/** The message of the error that stopped the last run, or null. */
	public String errorMessage() {
		return errorMessage;
	}

	/** One paragraph per model: name, format, description or card, folder. */
	static String list(ModelStore store) {
		List<InstalledModel> models = store.list();
		if (models.isEmpty()) return "no models in " + store.root();
		StringBuilder sb = new StringBuilder();
		for (InstalledModel m : models) {
			sb.append(m.name()).append("  (").append(m.format()).append(")\n");
			if (m.problem() != null) sb.append("  cannot be read: ").append(m
				.problem()).append('\n');
			if (!m.title().equals(m.name())) sb.append("  ").append(m.title()).append(
				'\n');
			if (!m.description().isEmpty()) sb.append("  ").append(m.description()
				.lines().findFirst().orElse("")).append('\n');
			for (String line : m.card())
				sb.append("  ").append(line).append('\n');
			sb.append("  ").append(m.folder()).append('\n');
		}
		return sb.toString();
	}

	private static ProgressListener progress(CancellationToken cancel) {
		return ProgressListener.safe(e -> {
			if (IJ.escapePressed()) {
				IJ.resetEscape();
				cancel.cancel();
			}
			IJ.showProgress(e.fraction());
			if (e.message() != null) IJ.showStatus(e.message());
		});
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s.trim();
	}
}
