
package org.fijigan.core.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.fijigan.cli.Main;

/**
 * A command line that starts when told: it prints {@code ready}, waits for a
 * byte on standard input, then prepares ONNX Runtime (printing
 * {@code native SOURCE}) and runs {@code fiji-gan ARGS}.
 * {@link NativeLibrariesForkTest} starts two and releases them at the same
 * moment with {@link #release}; {@code PackageCacheRaceTest} up to eight.
 */
public final class StartTogether {

	private StartTogether() {}

	/**
	 * The barrier: waits until each JVM, read through {@code out}, has printed
	 * {@code ready} (all are up, none has started its work), then lets all of
	 * them go at once.
	 *
	 * @throws java.util.concurrent.TimeoutException when one is not ready within
	 *           {@code seconds}
	 */
	public static void release(Process[] processes, BufferedReader[] out,
		long seconds) throws Exception
	{
		for (BufferedReader r : out) {
			String line = CompletableFuture.supplyAsync(() -> {
				try {
					return r.readLine();
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			}).get(seconds, TimeUnit.SECONDS);
			if (!"ready".equals(line)) throw new AssertionError(
				"a JVM started with '" + line + "', not 'ready'");
		}
		for (Process p : processes) {
			OutputStream go = p.getOutputStream();
			go.write('\n');
			go.flush();
		}
	}

	public static void main(String[] args) throws IOException {
		System.out.println("ready");
		System.out.flush();
		if (System.in.read() < 0) System.exit(3);
		System.out.println("native " + OnnxRuntimeSetup.prepare().source());
		System.out.flush();
		System.exit(Main.commandLine().execute(args));
	}
}
