
package org.fijigan.core.engine;

import java.nio.file.Path;

import org.fijigan.core.CancellationToken;

/**
 * A child process for {@link ShutdownRaceTest}: once the JVM is shutting down,
 * it keeps opening the model given until ONNX Runtime's own shutdown hook has
 * released its environment, and prints how that first failure was classified:
 * {@code cancelled} or {@code failed: MESSAGE}.
 */
public final class ShutdownRaceMain {

	private ShutdownRaceMain() {}

	public static void main(String[] args) {
		Path model = Path.of(args[0]);
		ModelSession.open(model, DeviceSpec.CPU, 1).close();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			long end = System.nanoTime() + 30_000_000_000L;
			while (System.nanoTime() < end) {
				try {
					ModelSession.open(model, DeviceSpec.CPU, 1).close();
				}
				catch (CancellationToken.CancelledException e) {
					say("cancelled");
				}
				catch (RuntimeException e) {
					say("failed: " + e.getMessage());
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
