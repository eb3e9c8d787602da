
package org.fijigan.core.batch;

import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.StageTimings;

/**
 * What a folder or generation run did, for the adapters to print or log.
 * Everything is also in the manifest, row by row.
 *
 * @param items the items of this run's shard
 * @param done items written by this run
 * @param skipped items found complete from an earlier run
 * @param failed items that failed (recorded in the manifest)
 * @param failures the failed items and why, in order
 * @param manifest this run's manifest file
 * @param provider the execution provider that ran
 * @param notes decisions and warnings the user should see (fallbacks, what was
 *          generated)
 * @param seconds wall time of the run
 * @param stoppedEarly whether {@code failFast} stopped the run at its first
 *          failure
 * @param timings where the time went, all images together (reading, runs,
 *          writing...); a copy
 */
public record BatchSummary(int items, int done, int skipped, int failed,
		List<Failure> failures, Path manifest, String provider, List<String> notes,
		double seconds, boolean stoppedEarly, StageTimings timings) {

	public BatchSummary {
		failures = List.copyOf(failures);
		notes = List.copyOf(notes);
		timings = timings == null ? new StageTimings() : timings.copy();
	}

	/** A summary without a breakdown of its time. */
	public BatchSummary(int items, int done, int skipped, int failed,
		List<Failure> failures, Path manifest, String provider, List<String> notes,
		double seconds, boolean stoppedEarly)
	{
		this(items, done, skipped, failed, failures, manifest, provider, notes,
			seconds, stoppedEarly, null);
	}

	/**
	 * One item that failed: its input (or output, for generation) and the reason.
	 */
	public record Failure(String item, String message) {
	}
}
