
package org.fijigan.core.engine;

import org.fijigan.core.GanException;

/**
 * The number of intra-op threads a run may ask ONNX Runtime for: 0 for one per
 * core, else 1 to {@value #PER_CORE} per core. More threads than that only
 * contend for the cores (2,000 of them put a machine at a load of 1,800 for
 * minutes, and a run busy in a native kernel may then take a minute to stop),
 * and each costs its stack.
 */
public final class ThreadCount {

	/** Threads allowed per available core. */
	public static final int PER_CORE = 4;

	private ThreadCount() {}

	/** The most threads a run may ask for on this machine. */
	public static int max() {
		return Runtime.getRuntime().availableProcessors() * PER_CORE;
	}

	/**
	 * @return {@code threads}, when it is 0 (one per core) or 1 to {@link #max()}
	 * @throws GanException naming the bound otherwise
	 */
	public static int check(int threads) {
		if (threads >= 0 && threads <= max()) return threads;
		int cores = Runtime.getRuntime().availableProcessors();
		throw new GanException("threads must be 0 (one per core) or 1 to " + max() +
			" (" + PER_CORE + " per core; this machine has " + cores + " core" +
			(cores == 1 ? "" : "s") + "), not " + threads);
	}

	/** Parses a thread count as {@link #check} allows it. */
	public static int parse(String text) {
		try {
			return check(Integer.parseInt(text.trim()));
		}
		catch (NumberFormatException e) {
			throw new GanException(
				"threads must be a whole number, 0 for one per core, not '" + text +
					"'");
		}
	}
}
