
package org.fijigan.core.engine;

import java.nio.file.Path;

import org.fijigan.core.CancellationToken;

/**
 * A child process for {@link ShutdownRaceTest}, which prints how the first
 * failure to open the model given, once the JVM is shutting down, was
 * classified: {@code cancelled} or {@code failed: ...}. With {@code loaded},
 * ONNX Runtime is loaded before, and the model is opened again and again until
 * ONNX Runtime's own shutdown hook has released its environment; with
 * {@code fresh}, fiji-gan's session cache and ONNX Runtime are first used after
 * the shutdown began (a signal while a command starts).
 */
public final class ShutdownRaceMain {

	private ShutdownRaceMain() {}

	public static void main(String[] args) {
		Path model = Path.of(args[0]);
		boolean loaded = args[1].equals("loaded");
		if (loaded) ModelSession.open(model, DeviceSpec.CPU, 1).close();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			long end = System.nanoTime() + 30_000_000_000L;
			while (System.nanoTime() < end) {
				try {
					if (loaded) ModelSession.open(model, DeviceSpec.CPU, 1).close();
					else SessionCache.shared().acquire(model, DeviceSpec.CPU, 1).close();
				}
				catch (CancellationToken.CancelledException e) {
					say("cancelled");
				}
				catch (Throwable e) {
					say("failed: " + e);
				}
			}
			say("ONNX Runtime's environment was not released within 30 s");
		}, "race"));
		System.exit(0);
	}

	private static void say(String line) {
		System.out.println(line);
		System.out.flush();
		Runtime.getRuntime().halt(0);
	}
}
