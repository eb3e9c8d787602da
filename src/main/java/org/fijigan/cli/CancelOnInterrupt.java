package org.fijigan.cli;

import org.fijigan.core.CancellationToken;

/**
 * Ctrl-C (SIGINT/SIGTERM) cancels a command's token, so a run in flight stops at the next tile or
 * step and writes nothing half-done. The hook is removed on close; closing while the JVM is
 * already shutting down (the hook is running) is fine.
 */
final class CancelOnInterrupt implements AutoCloseable {
	private final CancellationToken token = new CancellationToken();
	private final Thread hook = new Thread(token::cancel, "fiji-gan cancel");

	CancelOnInterrupt() {
		Runtime.getRuntime().addShutdownHook(hook);
	}

	CancellationToken token() {
		return token;
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
