
package org.fijigan.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line run as separate processes, for tests that kill them or run
 * two at once. Each process's stdout and stderr go to {@code TAG.out} and
 * {@code TAG.err} in the folder given; {@link #close()} kills whatever still
 * runs.
 */
public final class CliProcesses implements AutoCloseable {

	private final Path dir;
	private final String heap;
	private final List<Process> started = new ArrayList<>();

	/** @param heap the child JVMs' maximum heap, e.g. {@code 512m} */
	public CliProcesses(Path dir, String heap) {
		this.dir = dir;
		this.heap = heap;
	}

	/**
	 * Starts {@code fiji-gan ARGS...}; {@code extraJvm} go before the main class.
	 */
	public Process start(String tag, List<String> extraJvm, Object... args)
		throws IOException
	{
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty(
			"java.home"), "bin", "java").toString(), "-Xmx" + heap,
			"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
			"-Djava.awt.headless=true"));
		cmd.addAll(extraJvm);
		cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
			"org.fijigan.cli.Main"));
		for (Object a : args)
			cmd.add(String.valueOf(a));
		Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve(tag + ".out")
			.toFile()).redirectError(dir.resolve(tag + ".err").toFile()).start();
		started.add(p);
		return p;
	}

	public Process start(String tag, Object... args) throws IOException {
		return start(tag, List.of(), args);
	}

	@Override
	public void close() throws InterruptedException {
		for (Process p : started)
			if (p.isAlive()) p.destroyForcibly().waitFor();
	}
}
