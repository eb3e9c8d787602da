
package org.fijigan.core.batch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fijigan.core.StageTimings;

/**
 * The counts of a folder or generation run, kept as its manifest rows are
 * written: items done, items failed (with why), and items done whose output
 * holds NaN or infinite values. One per run, on the run's thread.
 */
final class BatchTally {

	private int done, failed, withNonFinite;
	private final List<BatchSummary.Failure> failures = new ArrayList<>();

	/**
	 * Counts one written manifest row.
	 *
	 * @param item the row's input (or output, for generation), named in a failure
	 * @return whether the row is a failure
	 */
	boolean count(Map<String, String> row, String item) {
		if (Manifest.DONE.equals(row.get("status"))) {
			done++;
			if (!row.get("nonfinite").equals("0")) withNonFinite++;
			return false;
		}
		failed++;
		failures.add(new BatchSummary.Failure(item, row.get("message")));
		return true;
	}

	int failed() {
		return failed;
	}

	int done() {
		return done;
	}

	/**
	 * The summary of the run, with a note on the outputs that hold non-finite
	 * values added to {@code notes}.
	 */
	BatchSummary summary(int items, int skipped, Path manifest, String provider,
		List<String> notes, double seconds, boolean stoppedEarly,
		StageTimings timings)
	{
		if (withNonFinite > 0) notes.add(withNonFinite + " image" +
			(withNonFinite == 1 ? " has" : "s have") +
			" NaN or infinite values in the model's output (see the manifest's nonfinite column)");
		return new BatchSummary(items, done, skipped, failed, failures, manifest,
			provider, notes, seconds, stoppedEarly, timings);
	}
}
