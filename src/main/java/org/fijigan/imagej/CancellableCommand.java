
package org.fijigan.imagej;

import java.awt.GraphicsEnvironment;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.OnnxRuntimeSetup;
import org.scijava.Cancelable;
import org.scijava.command.Command;

import ij.IJ;
import ij.measure.ResultsTable;
import ij.plugin.filter.Analyzer;

/**
 * What every fiji-gan command shares: one cancellation token, the progress
 * adapter, and the error path ({@link GanException} becomes one message to the
 * user and no output; so does a class whose jar is missing, naming the jar).
 * Subclasses declare their own parameters and implement {@link #execute()};
 * menus come from {@code plugins.config} (see {@link GanPlugIn}), so no command
 * declares a menu path.
 * <p>
 * A command runs on the caller's thread. Once cancelled, an instance stays
 * cancelled.
 */
public abstract class CancellableCommand implements Command, Cancelable {

	private final CancellationToken cancellation = new CancellationToken();
	private volatile String cancelReason;
	private String errorMessage;

	/**
	 * Does the work; a {@link GanException} thrown here is reported by
	 * {@link #run()}.
	 */
	protected abstract void execute();

	@Override
	public final void run() {
		OnnxRuntimeSetup.prepare(); // ONNX Runtime's libraries from the cache,
																// before anything loads them
		errorMessage = null;
		try {
			execute();
		}
		catch (CancellationToken.CancelledException e) {
			IJ.showStatus("fiji-gan: cancelled");
		}
		catch (GanException e) {
			errorMessage = FieldNames.inFiji(e.getMessage());
			report(errorMessage);
		}
		catch (LinkageError e) { // a jar missing from Fiji's jars/ (or ImageJ's
															// plugins/jars/)
			errorMessage = RequiredJars.describe(e);
			RequiredJars.report(errorMessage);
		}
		finally {
			IJ.showProgress(1.0);
		}
	}

	/**
	 * Shows an error message: a dialog, or a log line when headless or run by
	 * ImageJ -batch; command-line flags named in it are put as the dialog fields
	 * that set them.
	 */
	static void report(String message) {
		String inFiji = FieldNames.inFiji(message);
		ErrorReport.show("fiji-gan error: " + inFiji, inFiji, false);
	}

	/**
	 * Writes the engine's notes to the Log, indented under the run's line, with
	 * the command-line flags named in them put as the dialog fields that set them
	 * ({@code --float} as 'Float output').
	 */
	static void logNotes(Iterable<String> notes) {
		for (String note : notes)
			IJ.log("  " + FieldNames.inFiji(note));
	}

	/** The message of the error that stopped the last run, or null. */
	public String errorMessage() {
		return errorMessage;
	}

	@Override
	public boolean isCanceled() {
		return cancelReason != null;
	}

	/**
	 * Stops the run in flight (between tiles, and the ONNX Runtime call itself).
	 */
	@Override
	public void cancel(String reason) {
		cancelReason = reason == null ? "cancelled" : reason;
		cancellation.cancel();
	}

	@Override
	public String getCancelReason() {
		return cancelReason;
	}

	protected CancellationToken cancellation() {
		return cancellation;
	}

	/** Progress to ImageJ's progress bar and status line; Esc cancels the run. */
	protected ProgressListener progress() {
		return ProgressListener.safe(e -> {
			if (IJ.escapePressed()) {
				IJ.resetEscape();
				cancel("Esc pressed");
			}
			IJ.showProgress(e.fraction());
			if (e.message() != null) IJ.showStatus(e.message());
		});
	}

	/**
	 * Shows {@code table} in a window of its own, titled {@code title}. Headless
	 * (Fiji --headless on a cluster), where no window can show, it becomes the
	 * Results table instead, so a macro reads it with {@code nResults},
	 * {@code getResult}, {@code getResultString} and {@code Table.*}; its rows
	 * also go to the Log, which headless ImageJ prints.
	 */
	protected static void showTable(ResultsTable table, String title) {
		if (!GraphicsEnvironment.isHeadless()) {
			table.show(title);
			return;
		}
		Analyzer.setResultsTable((ResultsTable) table.clone());
		IJ.log(table.getColumnHeadings());
		for (int i = 0; i < table.size(); i++)
			IJ.log(table.getRowAsString(i));
	}
}
