
package org.fijigan.imagej;

import java.awt.GraphicsEnvironment;

import ij.IJ;
import ij.macro.Interpreter;

/**
 * How a fiji-gan error reaches the user, in every way ImageJ runs: an error
 * dialog, which also stops a running macro (ImageJ's "Macro Error"); headless,
 * a line in the log; and in a macro that no ImageJ window runs
 * ({@code ImageJ -batch}, also under a virtual display), a line in the log (its
 * standard output) and the macro stopped, since a dialog there would wait
 * forever for a click. Uses only ImageJ 1, so that it works when the plugin's
 * other jars are missing.
 */
final class ErrorReport {

	private ErrorReport() {}

	/**
	 * @param logLine the message as a line of the log
	 * @param message the message as the error dialog shows it
	 * @param alsoLog the line in the Log window even where the dialog shows the
	 *          message
	 */
	static void show(String logLine, String message, boolean alsoLog) {
		if (GraphicsEnvironment.isHeadless() || Interpreter.getInstance() != null &&
			IJ.getInstance() == null)
		{
			IJ.log(logLine);
			// a macro stops here, as after a Macro Error dialog: headless too, where
			// its next line (a saveAs on a cluster node) would write the untouched
			// input as the result
			if (Interpreter.getInstance() != null) Interpreter.abort();
			return;
		}
		if (alsoLog) IJ.log(logLine);
		IJ.error("fiji-gan", message);
	}
}
