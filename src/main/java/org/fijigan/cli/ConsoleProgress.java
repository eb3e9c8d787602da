
package org.fijigan.cli;

import java.io.PrintWriter;

import org.fijigan.core.ProgressListener;

/**
 * One self-overwriting progress line on stderr, shown only when stderr is a
 * terminal (the launcher says so with {@code -Dfijigan.progress=true}); silent
 * otherwise, so logs and pipes stay clean. Redraws at most ten times a second.
 * Called on the engine's thread.
 */
final class ConsoleProgress implements ProgressListener, AutoCloseable {

	private static final long REDRAW_NANOS = 100_000_000L;

	private final PrintWriter err;
	private final boolean shown;
	private long lastDraw;
	private int width;

	ConsoleProgress(PrintWriter err, boolean shown) {
		this.err = err;
		this.shown = shown;
	}

	static ConsoleProgress toTerminal(PrintWriter err) {
		return new ConsoleProgress(err, Boolean.getBoolean("fijigan.progress"));
	}

	@Override
	public synchronized void onProgress(ProgressEvent e) {
		if (!shown) return;
		long now = System.nanoTime();
		boolean last = e.total() > 0 && e.done() >= e.total();
		if (!last && width > 0 && now - lastDraw < REDRAW_NANOS) return;
		lastDraw = now;
		String what = e.message() != null ? e.message() : e.total() > 0 ? e.stage()
			.id() + " " + e.done() + "/" + e.total() : e.stage().id() + " " + e
				.done();
		String line = e.total() > 0 ? String.format("%s (%.0f%%)", what, 100 * e
			.fraction()) : what;
		if (line.length() > 100) line = line.substring(0, 100);
		err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
		err.flush();
		width = line.length();
	}

	/** Clears the line, so the summary and errors start on a clean one. */
	@Override
	public synchronized void close() {
		if (width == 0) return;
		err.print("\r" + " ".repeat(width) + "\r");
		err.flush();
		width = 0;
	}
}
