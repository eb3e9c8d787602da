
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
