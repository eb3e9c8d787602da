
package org.fijigan.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

import org.fijigan.core.text.Printable;

/**
 * The writer every command's standard output goes through: control characters
 * other than line breaks are escaped ({@link Printable#keepingLines}), so that
 * text from a file (a model's metadata, a descriptor's name, a file name)
 * cannot send escape sequences to the terminal, whatever print path it takes.
 * The places that print a file's text on one line escape its line breaks as
 * well ({@link Printable#of}).
 */
final class PrintableOut extends PrintWriter {

	/** The writer this one escapes into. */
	private final PrintWriter target;

	private PrintableOut(PrintWriter out) {
		super(new Escaping(out), true);
		target = out;
	}

	/**
	 * Also true when the writer this one escapes into failed: it keeps its errors
	 * to itself, as every {@link PrintWriter} does.
	 */
	@Override
	public boolean checkError() {
		return super.checkError() | target.checkError();
	}

	/** {@code out}, escaping; {@code out} itself if it escapes already. */
	static PrintWriter of(PrintWriter out) {
		return out instanceof PrintableOut ? out : new PrintableOut(out);
	}

	private static final class Escaping extends FilterWriter {

		Escaping(Writer out) {
			super(out);
		}

		@Override
		public void write(int c) throws IOException {
			write(String.valueOf((char) c));
		}

		@Override
		public void write(char[] buf, int off, int len) throws IOException {
			write(new String(buf, off, len));
		}

		@Override
		public void write(String s, int off, int len) throws IOException {
			String text = Printable.keepingLines(s.substring(off, off + len));
			out.write(text, 0, text.length());
		}
	}
}
