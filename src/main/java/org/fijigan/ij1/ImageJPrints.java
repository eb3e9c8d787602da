
package org.fijigan.ij1;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.fijigan.core.GanException;
import org.fijigan.core.text.JavaNames;

/**
 * ImageJ's readers and writers, run headless, print their errors ("Unable to
 * decode DICOM header.", a stack trace, an "Out of memory" box) and go on with
 * what they have, or with nothing; its PNG and JPEG writers then even report
 * success (a JPEG cut short by a full disk was kept as the result). While one
 * runs, what its thread prints is kept instead of reaching the output, and
 * anything printed refuses the file with those words: an image read around an
 * error is not the file's image, and a file written around one is not whole.
 * Other threads print as before.
 */
final class ImageJPrints {

	/** One line of a printed stack trace that is a frame, not a message. */
	private static final java.util.regex.Pattern STACK_FRAME =
		java.util.regex.Pattern.compile(
			"(?m)^[ \\t]*(?:at [^\\s(]+\\(.*\\)|\\.\\.\\. \\d+ (?:more|common frames omitted))[ \\t]*\\r?$");

	private ImageJPrints() {}

	/**
	 * {@code read}'s result, when it printed nothing on standard output.
	 *
	 * @throws GanException naming the file and what the reader printed, without
	 *           the Java class names of the exceptions it printed
	 */
	static <T> T refused(Path file, String role, Supplier<T> read) {
		Kept<T> kept = run(read, false);
		if (!kept.said.isEmpty()) throw new GanException("cannot open " + role +
			" " + file + ": ImageJ's reader says \"" + JavaNames.stripped(kept.said) +
			"\"");
		return kept.result;
	}

	/**
	 * Runs {@code write}, which returns whether ImageJ says it wrote the file.
	 *
	 * @return null when it wrote the file and printed nothing (on standard output
	 *         or error); else what it printed, or "" when it printed nothing but
	 *         reported a failure
	 */
	static String failure(Supplier<Boolean> write) {
		Kept<Boolean> kept = run(write, true);
		return kept.said.isEmpty() && kept.result ? null : kept.said;
	}

	private record Kept<T>(T result, String said) {
	}

	private static <T> Kept<T> run(Supplier<T> work, boolean alsoErrors) {
		synchronized (ImageFileCodec.class) { // ImageJ's readers keep static state
			PrintStream out = System.out, err = System.err;
			ByteArrayOutputStream printed = new ByteArrayOutputStream();
			Thread worker = Thread.currentThread();
			System.setOut(keeping(out, printed, worker));
			if (alsoErrors) System.setErr(keeping(err, printed, worker));
			T result;
			try {
				result = work.get();
			}
			finally {
				System.setOut(out);
				if (alsoErrors) System.setErr(err); // else never replaced
			}
			// a stack trace's frames ("at java.base/...", "... 3 more") say where in
			// Java it failed, which no user acts on: its first line says what
			String said = STACK_FRAME.matcher(printed.toString(Charset
				.defaultCharset())).replaceAll("").replaceAll("[<>|]", " ").replaceAll(
					"\\s+", " ").trim();
			return new Kept<>(result, said.length() > 200 ? said.substring(0, 200) +
				"..." : said);
		}
	}

	/** {@code original}, but what {@code worker} prints goes to {@code kept}. */
	private static PrintStream keeping(PrintStream original,
		ByteArrayOutputStream kept, Thread worker)
	{
		return new PrintStream(new OutputStream() {

			@Override
			public void write(int b) {
				if (Thread.currentThread() == worker) kept.write(b);
				else original.write(b);
			}

			@Override
			public void write(byte[] b, int off, int len) {
				if (Thread.currentThread() == worker) kept.write(b, off, len);
				else original.write(b, off, len);
			}

			@Override
			public void flush() {
				original.flush();
			}
		}, true);
	}
}
