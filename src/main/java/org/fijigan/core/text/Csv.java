
package org.fijigan.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CSV as RFC 4180 writes it, for every CSV file fiji-gan writes and reads
 * (manifests, evaluation and demo metrics, generation provenance):
 * comma-separated fields, {@code \n} line ends, a field double-quoted only when
 * it holds a comma, a double quote, {@code \n} or {@code \r}, a double quote
 * inside doubled.
 */
public final class Csv {

	private Csv() {}

	/**
	 * {@code text} as one field: as it is, or quoted when it holds a comma, quote
	 * or line break.
	 */
	public static String field(String text) {
		boolean plain = true;
		for (int i = 0; i < text.length() && plain; i++) {
			char c = text.charAt(i);
			plain = c != ',' && c != '"' && c != '\n' && c != '\r';
		}
		return plain ? text : '"' + text.replace("\"", "\"\"") + '"';
	}

	/**
	 * One record: each of {@code fields} as a {@link #field}, joined by commas,
	 * ended by {@code \n}.
	 */
	public static String line(List<String> fields) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < fields.size(); i++) {
			if (i > 0) sb.append(',');
			sb.append(field(fields.get(i)));
		}
		return sb.append('\n').toString();
	}

	/** {@link #line(List)} of {@code fields}. */
	public static String line(String... fields) {
		return line(Arrays.asList(fields));
	}

	/**
	 * The complete records of {@code text}, each a list of its fields unquoted. A
	 * record ends at a {@code \n} outside quotes; text after the last one (a
	 * record still being written, or cut off) is left out, as are empty lines. A
	 * {@code \r} outside quotes is dropped, so {@code \r\n} line ends read as
	 * well; inside quotes it is kept.
	 */
	public static List<List<String>> parse(String text) {
		List<List<String>> records = new ArrayList<>();
		List<String> fields = new ArrayList<>();
		StringBuilder field = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < text.length(); i++) {
			char ch = text.charAt(i);
			if (quoted) {
				if (ch != '"') field.append(ch);
				else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
					field.append('"');
					i++;
				}
				else quoted = false;
			}
			else if (ch == '"') quoted = true;
			else if (ch == ',') {
				fields.add(field.toString());
				field.setLength(0);
			}
			else if (ch == '\n') {
				fields.add(field.toString());
				field.setLength(0);
				if (!(fields.size() == 1 && fields.get(0).isEmpty())) records.add(
					fields);
				fields = new ArrayList<>();
			}
			else if (ch != '\r') field.append(ch);
		}
		return records;
	}
}
