
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

	/**
	 * As {@link #of}, but for text of several lines: its line breaks ({@code \n},
	 * and {@code \r\n}) are kept, every other control character (an escape
	 * sequence's ESC, a bell, a lone carriage return that would overwrite the
	 * line) is written as {@code \xNN}.
	 */
	public static String keepingLines(String text) {
		if (text.chars().noneMatch(c -> c != '\n' && control(c))) return text;
		StringBuilder sb = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean lineBreak = c == '\n' || c == '\r' && i + 1 < text.length() &&
				text.charAt(i + 1) == '\n';
			if (control(c) && !lineBreak) sb.append(String.format(
				java.util.Locale.ROOT, "\\x%02x", (int) c));
			else sb.append(c);
		}
		return sb.toString();
	}

	private static boolean control(int c) {
		return c < 0x20 || c >= 0x7f && c < 0xa0;
	}
}
