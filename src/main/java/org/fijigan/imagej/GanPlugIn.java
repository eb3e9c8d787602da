
package org.fijigan.imagej;

import java.util.List;

import org.fijigan.core.engine.OnnxRuntimeSetup;

import ij.plugin.PlugIn;

/**
 * The ImageJ 1 entry point of every fiji-gan menu item: {@code plugins.config}
 * names this class with a command id, e.g. {@code GanPlugIn("denoise")}. The
 * same menus work in plain ImageJ 1 and in Fiji, where the SciJava commands
 * themselves have no menu entries.
 * <p>
 * It first checks that every jar the commands need is there
 * ({@link RequiredJars}): this class uses nothing but ImageJ 1, so it loads
 * without them and can say which is missing, in the Log window and as an error,
 * where ImageJ 1 would say nothing. Then {@link CommandBridge} asks for the
 * parameters, runs the command and shows the result.
 */
public class GanPlugIn implements PlugIn {

	@Override
	public void run(String arg) {
		List<RequiredJars.Jar> missing = RequiredJars.missing(GanPlugIn.class
			.getClassLoader());
		if (!missing.isEmpty()) {
			RequiredJars.report(RequiredJars.message(missing));
			return;
		}
		try {
			OnnxRuntimeSetup.prepare(); // ONNX Runtime's libraries from the cache,
																	// before anything loads them
			CommandBridge.run(arg);
		}
		catch (LinkageError e) {
			RequiredJars.report(RequiredJars.describe(e));
		}
	}
}
