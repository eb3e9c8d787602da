
package org.fijigan.core.batch;

import org.fijigan.core.GanException;

/**
 * Part {@code index} of {@code count} disjoint parts of a batch, numbered from
 * 0 as job arrays number their tasks ({@code $SLURM_ARRAY_TASK_ID},
 * {@code $JOB_COMPLETION_INDEX}, {@code $SGE_TASK_ID - 1}). The split depends
 * only on the work list, so {@code count} processes that are each given a
 * different index cover the list exactly once, with no coordination.
 */
public record Shard(int index, int count) {

	/** The whole batch. */
	public static final Shard ALL = new Shard(0, 1);

	/**
	 * The most shards a batch may have. Each shard leaves a part file in the
	 * output folder and a merge needs every one of them, so a count beyond a
	 * million (a million files in one folder, more than any job array hands out:
	 * Slurm's default limit is 1,001 tasks) is a typing error, not a plan. A
	 * count above the number of inputs is fine: the extra shards have nothing to
	 * do.
	 */
	public static final int MAX_COUNT = 1_000_000;

	public Shard {
		if (count < 1) throw new GanException(
			"a shard count must be at least 1, got " + count);
		if (count > MAX_COUNT) throw new GanException("a shard count of " + count +
			" is more than the " + MAX_COUNT + " shards a batch may have (each " +
			"shard writes a manifest part, and a merge needs them all)");
		if (index < 0 || index >= count) throw new GanException("shard " + index +
			"/" + count + " does not exist: shards of " + count +
			" are numbered 0 to " + (count - 1));
	}

	/** Parses {@code I/N}, e.g. {@code 0/4} ... {@code 3/4}. */
	public static Shard parse(String text) {
		String[] parts = text.trim().split("/", -1);
		// ASCII digits only: parseInt alone takes "+3" and other scripts' digits
		if (parts.length == 2 && parts[0].trim().matches("[0-9]+") && parts[1]
			.trim().matches("[0-9]+"))
		{
			try {
				return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(
					parts[1].trim()));
			}
			catch (NumberFormatException e) {
				// below
			}
		}
		throw new GanException("shard '" + text +
			"' must be I/N with 0 <= I < N, e.g. 0/4");
	}

	public boolean isAll() {
		return count == 1;
	}

	/**
	 * Whether the item at {@code position} of the sorted work list is this
	 * shard's: position modulo count. Neighbouring items go to different shards,
	 * so sub-folders spread evenly.
	 */
	public boolean takes(long position) {
		return position % count == index;
	}

	/**
	 * This shard's contiguous part {@code [from, to)} of {@code blocks} blocks:
	 * the first {@code blocks % count} shards get one block more. Used to hand
	 * out disjoint seed ranges.
	 */
	public long[] blockRange(long blocks) {
		long base = blocks / count, extra = blocks % count;
		long from = index * base + Math.min(index, extra);
		return new long[] { from, from + base + (index < extra ? 1 : 0) };
	}

	/**
	 * This shard's manifest: {@code manifest.csv}, or
	 * {@code manifest.part-I-of-N.csv}.
	 */
	public String manifestName() {
		return isAll() ? Manifest.MERGED : "manifest.part-" + index + "-of-" +
			count + ".csv";
	}

	@Override
	public String toString() {
		return index + "/" + count;
	}
}
