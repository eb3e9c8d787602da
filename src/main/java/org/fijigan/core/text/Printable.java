
package org.fijigan.core.text;

/**
 * Text from a file, made fit for a one-line message: its control characters
 * (line breaks among them) written as {@code \xNN}, so that a damaged file
 * cannot break the message, or the log around it, into lines.
 */
public final class Printable {

	private Printable() {}

	public static String of(String text) {
		if (text.chars().noneMatch(Printable::control)) return text;
		StringBuilder sb = new StringBuilder(text.length() + 16);
		text.chars().forEach(c -> sb.append(control(c) ? String.format(
			java.util.Locale.ROOT, "\\x%02x", c) : String.valueOf((char) c)));
		return sb.toString();
	}

	private static boolean control(int c) {
		return c < 0x20 || c >= 0x7f && c < 0xa0;
	}
}
