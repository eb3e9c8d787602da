
package org.fijigan.imagej;

import ij.Macro;

/** Runs a menu entry as a macro's {@code run()} call does, headless. */
final class MacroRun {

	private MacroRun() {}

	/**
	 * Runs the {@code plugins.config} entry {@code arg} (e.g. {@code fine-tune})
	 * with the macro options, on a thread named {@code Run$_...}: ImageJ reads
	 * macro options only on threads named so.
	 */
	static void plugIn(String arg, String options) {
		Thread thread = Thread.currentThread();
		String name = thread.getName();
		thread.setName("Run$_" + name);
		Macro.setOptions(options);
		try {
			new GanPlugIn().run(arg);
		}
		finally {
			Macro.setOptions(null);
			thread.setName(name);
		}
	}
}
