package org.fijigan.core;

/**
 * Receives typed progress events from the engine. Adapters turn them into a status bar, a progress
 * bar or log lines. Called on the engine's thread; an exception thrown by a listener is swallowed
 * so that a broken display never aborts a run (see {@link #safe}).
 */
@FunctionalInterface
public interface ProgressListener {
	ProgressListener NONE = e -> {};

	void onProgress(ProgressEvent event);

	/** A listener that ignores the exceptions {@code delegate} throws. */
	static ProgressListener safe(ProgressListener delegate) {
		if (delegate == null) return NONE;
		return e -> {
			try {
				delegate.onProgress(e);
			}
			catch (RuntimeException ignored) {
				// a failing display must not stop the computation
			}
		};
	}

	/**
	 * @param stage what is running, e.g. "tile" or "plane"
	 * @param done units finished so far
	 * @param total units in all (0 when unknown)
	 * @param message a short line for a status bar, or null
	 * @param value a number the stage reports (the loss of a training step), or NaN
	 */
	record ProgressEvent(String stage, long done, long total, String message, double value) {
		public ProgressEvent(String stage, long done, long total, String message) {
			this(stage, done, total, message, Double.NaN);
		}

		public double fraction() {
			return total <= 0 ? 0 : Math.min(1, (double) done / total);
		}
	}
}
