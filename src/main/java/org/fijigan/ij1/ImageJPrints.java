
package org.fijigan.ij1;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.fijigan.core.GanException;

/**
 * ImageJ's readers, run headless, print their errors on standard output
 * ("Unable to decode DICOM header.", a stack trace, an "Out of memory" box) and
 * go on with what they have, or with nothing. While one reads, what the reading
 * thread prints is kept instead of reaching the output; anything printed makes
 * the file refused with those words, for an image read around an error is not
 * the file's image. Other threads print as before.
 */
final class ImageJPrints {

	private ImageJPrints() {}

	/**
	 * {@code read}'s result, when it printed nothing.
	 *
	 * @throws GanException naming the file and what the reader printed
	 */
	static <T> T refused(Path file, String role, Supplier<T> read) {
		synchronized (ImageFileCodec.class) { // ImageJ's readers keep static state
			PrintStream original = System.out;
			Thread reader = Thread.currentThread();
			ByteArrayOutputStream printed = new ByteArrayOutputStream();
			System.setOut(new PrintStream(new OutputStream() {

				@Override
				public void write(int b) {
					if (Thread.currentThread() == reader) printed.write(b);
					else original.write(b);
				}

				@Override
				public void write(byte[] b, int off, int len) {
					if (Thread.currentThread() == reader) printed.write(b, off, len);
					else original.write(b, off, len);
				}

				@Override
				public void flush() {
					original.flush();
				}
			}, true));
			T result;
			try {
				result = read.get();
			}
			finally {
				System.setOut(original);
			}
			String said = printed.toString(Charset.defaultCharset()).replaceAll(
				"[<>|]", " ").replaceAll("\\s+", " ").trim();
			if (!said.isEmpty()) throw new GanException("cannot open " + role + " " +
				file + ": ImageJ's reader says \"" + (said.length() > 200 ? said
					.substring(0, 200) + "..." : said) + "\"");
			return result;
		}
	}
}
