
package org.fijigan.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.fijigan.core.text.Numbers;

/**
 * Where one command's wall-clock time went, stage by stage: the breakdown that
 * {@code --timings} prints on the command line and the Fiji option writes to
 * the Log. The engine fills the stages it runs (model read, graph analysis,
 * session creation, statistics, conversions, runs); the front ends add their
 * own (start-up, reading the input, writing the output) with {@link #time} and
 * print {@link #lines()}. Times of a stage add up; each stage also counts its
 * entries and keeps the first one, so a cold first run stays visible next to
 * the warm ones.
 * <p>
 * Safe to fill from several threads. Recording costs two
 * {@code System.nanoTime()} calls per entry, so the engine always records,
 * whether or not anyone prints.
 */
public final class StageTimings {

	/** A stage of one command, in the order a command passes through them. */
	public enum Stage {

			LAUNCHER("launcher script, before java"), JVM_START("JVM start, to main"),
			SETUP("options and native libraries"), MODEL_READ(
				"model read and checks"), GRAPH_ANALYSIS("graph analysis"), SESSION(
					"session creation"), INPUT_READ("input read"), STATISTICS(
						"statistics and normalisation"), CONVERSION(
							"conversions, planes and tensors"), RUN("model runs"),
			OUTPUT_WRITE("output write");

		private final String label;

		Stage(String label) {
			this.label = label;
		}

		/** What the stage is, in the user's words. */
		public String label() {
			return label;
		}
	}

	private final long[] nanos = new long[Stage.values().length];
	private final long[] firstNanos = new long[Stage.values().length];
	private final int[] counts = new int[Stage.values().length];

	/**
	 * Adds one entry of {@code nanos} nanoseconds to {@code stage}; negative
	 * durations count as 0.
	 */
	public synchronized void add(Stage stage, long nanos) {
		long n = Math.max(0, nanos);
		int i = stage.ordinal();
		if (counts[i] == 0) firstNanos[i] = n;
		this.nanos[i] += n;
		counts[i]++;
	}

	/**
	 * Runs {@code work} and adds its wall time to {@code stage}, also when it
	 * throws.
	 */
	public <T> T time(Stage stage, Supplier<T> work) {
		long start = System.nanoTime();
		try {
			return work.get();
		}
		finally {
			add(stage, System.nanoTime() - start);
		}
	}

	/**
	 * Adds every entry of {@code other} (a part of the work timed elsewhere) to
	 * this breakdown.
	 */
	public void addAll(StageTimings other) {
		if (other == null || other == this) return;
		long[] n, f;
		int[] c;
		synchronized (other) {
			n = other.nanos.clone();
			f = other.firstNanos.clone();
			c = other.counts.clone();
		}
		synchronized (this) {
			for (int i = 0; i < n.length; i++) {
				if (c[i] == 0) continue;
				if (counts[i] == 0) firstNanos[i] = f[i];
				nanos[i] += n[i];
				counts[i] += c[i];
			}
		}
	}

	/** A copy that later entries to this one do not change. */
	public StageTimings copy() {
		StageTimings t = new StageTimings();
		t.addAll(this);
		return t;
	}

	/** Total seconds of {@code stage}; 0 when it has no entry. */
	public synchronized double seconds(Stage stage) {
		return nanos[stage.ordinal()] / 1e9;
	}

	/**
	 * Seconds of the first entry of {@code stage} (the cold one); 0 when it has
	 * none.
	 */
	public synchronized double firstSeconds(Stage stage) {
		return firstNanos[stage.ordinal()] / 1e9;
	}

	/** Entries of {@code stage}. */
	public synchronized int count(Stage stage) {
		return counts[stage.ordinal()];
	}

	/** Seconds of all stages together. */
	public synchronized double totalSeconds() {
		long sum = 0;
		for (long n : nanos)
			sum += n;
		return sum / 1e9;
	}

	/**
	 * One line per stage that has an entry, in stage order, then the total: e.g.
	 * {@code "model runs                      1.231 s  (3, first 0.502 s)"}.
	 */
	public synchronized List<String> lines() {
		List<String> out = new ArrayList<>();
		for (Stage s : Stage.values()) {
			int i = s.ordinal();
			if (counts[i] == 0) continue;
			String more = counts[i] == 1 ? "" : "  (" + counts[i] + ", first " +
				Numbers.fixed(firstNanos[i] / 1e9, 3) + " s)";
			out.add(String.format(java.util.Locale.ROOT, "%-32s %8s s%s", s.label(),
				Numbers.fixed(nanos[i] / 1e9, 3), more));
		}
		out.add(String.format(java.util.Locale.ROOT, "%-32s %8s s",
			"total of the stages", Numbers.fixed(totalSeconds(), 3)));
		return out;
	}
}
