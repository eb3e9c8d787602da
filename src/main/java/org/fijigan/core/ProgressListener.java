
package org.fijigan.core;

/**
 * Receives typed progress events from the engine. Adapters turn them into a
 * status bar, a progress bar or log lines. Called on the engine's thread; an
 * exception thrown by a listener is swallowed so that a broken display never
 * aborts a run (see {@link #safe}).
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

	/** What a {@link ProgressEvent} counts. */
	enum Stage {

			/** Bytes of a model being downloaded. */
			DOWNLOAD("download"),
			/** Tiles of an image-to-image or inpainting run, over all planes. */
			TILE("tile"),
			/** Images: of a folder batch, a generator's draw, or an evaluation. */
			IMAGE("image"),
			/** The evaluation's generator starting to draw its images (done 0). */
			GENERATE("generate"),
			/**
			 * Training steps of a fine-tuning run; the event's value is the step's
			 * loss.
			 */
			STEP("step"),
			/** Rows of the demo, one per bundled model. */
			DEMO_ROW("row");

		private final String id;

		Stage(String id) {
			this.id = id;
		}

		/** The stage's word for a status line, e.g. {@code tile}. */
		public String id() {
			return id;
		}

		/**
		 * The stage whose {@link #id} is {@code id}.
		 *
		 * @throws IllegalArgumentException for a word that names no stage
		 */
		public static Stage of(String id) {
			for (Stage s : values())
				if (s.id.equals(id)) return s;
			throw new IllegalArgumentException("no progress stage '" + id + "'");
		}
	}

	/**
	 * @param stage what is running
	 * @param done units finished so far
	 * @param total units in all (0 when unknown)
	 * @param message a short line for a status bar, or null
	 * @param value a number the stage reports (the loss of a training step), or
	 *          NaN
	 */
	record ProgressEvent(Stage stage, long done, long total, String message,
			double value) {

		public ProgressEvent {
			java.util.Objects.requireNonNull(stage, "stage");
		}

		public ProgressEvent(Stage stage, long done, long total, String message) {
			this(stage, done, total, message, Double.NaN);
		}

		public double fraction() {
			return total <= 0 ? 0 : Math.min(1, (double) done / total);
		}
	}
}
