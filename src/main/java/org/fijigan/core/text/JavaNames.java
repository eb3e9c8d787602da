
package org.fijigan.core.text;

import java.util.regex.Pattern;

/**
 * An exception's text made fit for a user: the Java class names that
 * {@code Throwable.toString()} puts before a message ("java.io.EOFException:
 * Unexpected end of ZLIB input stream", as ImageJ's readers print them and as a
 * wrapped cause's message carries them) taken out, the message kept. A user
 * acts on what went wrong, not on which class said so.
 */
public final class JavaNames {

	/** A qualified class name of an exception or error, and its colon. */
	private static final Pattern THROWABLE = Pattern.compile(
		"\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)(?:\\$[\\w$]+)*:\\s*");

	private JavaNames() {}

	/**
	 * {@code text} without the qualified exception names that open its messages;
	 * a name that stands alone (no message after it) is kept, so that the text
	 * never becomes empty.
	 */
	public static String stripped(String text) {
		String s = THROWABLE.matcher(text).replaceAll("").trim();
		return s.isEmpty() ? text : s;
	}
}
