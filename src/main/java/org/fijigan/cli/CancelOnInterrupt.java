
package org.fijigan.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.fijigan.core.CancellationToken;

/**
 * Ctrl-C (SIGINT/SIGTERM) cancels a command's token, so a run in flight stops
 * at the next tile, image or step and writes nothing half-done. The hook then
 * waits (at most {@link #GRACE_SECONDS}) for the command to end and say so
 * ({@link #commandEnded}), so that what it finished before the signal is
 * recorded (a folder run's manifest row for the file it just wrote) and its
 * last line is printed before the JVM exits. The hook is removed on close;
 * closing while the JVM is already shutting down (the hook is running) is fine.
 */
final class CancelOnInterrupt implements AutoCloseable {

	/**
	 * How long a signal waits for the command to stop at its next tile, image or
	 * step.
	 */
	static final long GRACE_SECONDS = 10;

	private final CancellationToken token = new CancellationToken();
	private final Thread hook = new Thread(this::stop, "fiji-gan cancel");

	CancelOnInterrupt() {
		Runtime.getRuntime().addShutdownHook(hook);
	}

	CancellationToken token() {
		return token;
	}

	/** Counted down once the command has ended and printed its last line. */
	private static final CountDownLatch ended = new CountDownLatch(1);

	/**
	 * The command has ended and printed what it had to say (its error line,
	 * "cancelled"): a signal's shutdown may go on.
	 */
	static void commandEnded() {
		ended.countDown();
	}

	/** Whether a signal has started the JVM's shutdown (a hook ran). */
	private static volatile boolean signalled;

	static boolean signalled() {
		return signalled;
	}

	/**
	 * Waits for the shutdown a signal started to end the JVM, with the signal's
	 * status (130 for SIGINT, 143 for SIGTERM). The command's own status must not
	 * be given to {@code System.exit} then: once the hooks are done, a nonzero
	 * one halts the JVM at once, and which status the process ends with depends
	 * on which thread gets there first.
	 */
	static void awaitHalt() {
		while (true) {
			try {
				Thread.sleep(Long.MAX_VALUE);
			}
			catch (InterruptedException e) {
				// the JVM halts meanwhile
			}
		}
	}

	private void stop() {
		signalled = true;
		token.cancel();
		try {
			ended.await(GRACE_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException shuttingDown) {
			// Ctrl-C: the hook is running
		}
	}
}
