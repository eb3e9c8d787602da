
package org.fijigan.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one cancellation path of a job: checked between tiles, planes and steps,
 * and forwarded to the ONNX Runtime run in flight (see {@link #onCancel}).
 * Thread-safe; cancelling twice is harmless.
 */
public final class CancellationToken {

	/** A token that is never cancelled. */
	public static CancellationToken none() {
		return new CancellationToken();
	}

	private volatile boolean cancelled;
	private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

	public void cancel() {
		cancelled = true;
		for (Runnable r : hooks)
			r.run();
	}

	public boolean isCancelled() {
		return cancelled;
	}

	/** Throws {@link CancelledException} if {@link #cancel()} was called. */
	public void throwIfCancelled() {
		if (cancelled) throw new CancelledException();
	}

	/**
	 * Throws {@link CancelledException} when the JVM is shutting down (Ctrl-C,
	 * SIGTERM, {@code System.exit}). ONNX Runtime's Java binding releases its
	 * environment in a shutdown hook of its own, which runs beside a command
	 * still finishing its image: a model that fails to load after that failed for
	 * the shutdown, not for the model or the image. Asked of the JVM (no hook can
	 * be added once shutdown has begun), so the answer does not depend on which
	 * hook ran first.
	 */
	public static void throwIfShuttingDown() {
		Thread probe = new Thread(() -> {}, "fiji-gan shutdown probe");
		try {
			Runtime.getRuntime().addShutdownHook(probe);
			Runtime.getRuntime().removeShutdownHook(probe);
		}
		catch (IllegalStateException shuttingDown) {
			throw new CancelledException();
		}
	}

	/**
	 * Runs {@code hook} on cancel (at once if already cancelled) until the
	 * returned handle is closed.
	 */
	public AutoCloseable onCancel(Runnable hook) {
		hooks.add(hook);
		if (cancelled) hook.run();
		return () -> hooks.remove(hook);
	}

	/**
	 * Thrown when a job stops because it was cancelled; no output is produced.
	 */
	public static final class CancelledException extends GanException {

		private static final long serialVersionUID = 1L;

		public CancelledException() {
			super("cancelled");
		}

		/** @param message what was done before, and how to go on */
		public CancelledException(String message) {
			super(message);
		}
	}
}
