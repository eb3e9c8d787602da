
package org.fijigan.cli;

import java.lang.management.ManagementFactory;

import org.fijigan.core.StageTimings;

/**
 * The start-up part of {@code --timings}: the launcher script's time before
 * {@code java} (the script puts its own start, in nanoseconds since the epoch,
 * in {@link #LAUNCHER_START_ENV}) and the JVM's time from its start (as the JVM
 * records it) to the command. Read only when timings are asked for, since the
 * management classes take a few milliseconds to load.
 */
final class StartTimes {

	/**
	 * Set by the {@code fiji-gan} launcher script: {@code date +%s%N} when it
	 * started.
	 */
	static final String LAUNCHER_START_ENV = "FIJI_GAN_LAUNCHER_START_NS";

	private StartTimes() {}

	/**
	 * Adds the launcher's and the JVM's start-up to {@code stages}, measured up
	 * to now; the launcher only when the script said when it started (not when
	 * the CLI runs inside another program).
	 */
	static void addTo(StageTimings stages) {
		long nowMillis = System.currentTimeMillis();
		long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
		Long launcherNanos = epochNanos(System.getenv(LAUNCHER_START_ENV));
		if (launcherNanos != null) {
			long launcher = jvmStartMillis * 1_000_000L - launcherNanos;
			if (launcher >= 0 && launcher < 600_000_000_000L) stages.add(
				StageTimings.Stage.LAUNCHER, launcher);
		}
		// only when this JVM is a command-line process of its own, not a test or a
		// host program
		Long mainMillis = epochNanos(System.getProperty(Main.STARTED_PROPERTY));
		if (mainMillis == null) return;
		stages.add(StageTimings.Stage.JVM_START, (mainMillis - jvmStartMillis) *
			1_000_000L);
		stages.add(StageTimings.Stage.SETUP, (nowMillis - mainMillis) * 1_000_000L);
	}

	/**
	 * {@code text} as nanoseconds since the epoch, or null when it is missing or
	 * not a number.
	 */
	static Long epochNanos(String text) {
		if (text == null || !text.matches("\\d{1,19}")) return null;
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException e) {
			return null;
		}
	}
}
