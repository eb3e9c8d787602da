package org.fijigan.core.engine;

import java.io.IOException;

import org.fijigan.cli.Main;

/**
 * A command line that starts when told: it prints {@code ready}, waits for a byte on standard
 * input, then prepares ONNX Runtime (printing {@code native SOURCE}) and runs {@code fiji-gan ARGS}.
 * {@link NativeLibrariesForkTest} starts two and releases them at the same moment.
 */
public final class StartTogether {
	private StartTogether() {}

	public static void main(String[] args) throws IOException {
		System.out.println("ready");
		System.out.flush();
		if (System.in.read() < 0) System.exit(3);
		System.out.println("native " + OnnxRuntimeSetup.prepare().source());
		System.out.flush();
		System.exit(Main.commandLine().execute(args));
	}
}
