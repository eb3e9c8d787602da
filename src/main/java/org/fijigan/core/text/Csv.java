
package org.fijigan.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CSV as RFC 4180 writes it, for every CSV file fiji-gan writes and reads
 * (manifests, evaluation and demo metrics, generation provenance):
 * comma-separated fields, {@code \n} line ends, a field double-quoted only when
 * it holds a comma, a double quote, {@code \n} or {@code \r}, a double quote
 * inside doubled. A text field that a spreadsheet would take for a formula is
 * written behind a single quote ({@link #field}).
 */
public final class Csv {

	private Csv() {}

	/**
	 * The first characters with which a spreadsheet takes a cell for a formula
	 * (OWASP's list for CSV injection).
	 */
	public static final String FORMULA_START = "=+-@\t\r";

	/** A number as fiji-gan writes one, signed: no formula, left as it is. */
	private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern
		.compile(
			"[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|[-+]?(inf|Infinity|NaN)");

	/**
	 * {@code text} as one field: as it is, or quoted when it holds a comma, quote
	 * or line break; a text that starts as a formula would ({@code =cmd|...}, a
	 * file named so) behind a single quote, so that a spreadsheet opening the
	 * file shows it rather than runs it. Numbers, negative ones too, stay as they
	 * are.
	 */
	public static String field(String text) {
		if (text.length() > 1 && FORMULA_START.indexOf(text.charAt(0)) >= 0 &&
			!NUMBER.matcher(text).matches()) text = "'" + text;
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
		for (Record r : records(text, false))
			records.add(r.fields());
		return records;
	}

	/**
	 * One record of {@link #records}: the line it starts on (from 1), and its
	 * fields.
	 */
	public record Record(int line, List<String> fields) {
	}

	/**
	 * Text that is no CSV as RFC 4180 writes it: the line and what is wrong
	 * there.
	 */
	public static final class MalformedException extends
		IllegalArgumentException
	{

		private final int line;

		MalformedException(int line, String reason) {
			super("line " + line + ": " + reason);
			this.line = line;
		}

		public int line() {
			return line;
		}
	}

	/**
	 * As {@link #parse}, with each record's line, but refusing what no writer of
	 * RFC 4180 writes: a quote inside an unquoted field, text after a closing
	 * quote, and a quote still open at the end of the text after a line end (a
	 * stray quote that would swallow the rows after it). Text after the last line
	 * end that is not such a quote is left out: a record being written, or cut
	 * off.
	 *
	 * @throws MalformedException naming the line
	 */
	public static List<Record> records(String text) {
		return records(text, true);
	}

	/**
	 * The records of {@code text}; {@code strict} refuses what {@link #records}
	 * refuses, else a quote inside a field opens quoting there, text after a
	 * closing quote is kept, and a quote left open is left out.
	 */
	private static List<Record> records(String text, boolean strict) {
		List<Record> records = new ArrayList<>();
		List<String> fields = new ArrayList<>();
		StringBuilder field = new StringBuilder();
		boolean quoted = false, closed = false;
		int line = 1, recordLine = 1, quoteLine = 1;
		for (int i = 0; i < text.length(); i++) {
			char ch = text.charAt(i);
			if (quoted) {
				if (ch == '\n') line++;
				if (ch != '"') field.append(ch);
				else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
					field.append('"');
					i++;
				}
				else {
					quoted = false;
					closed = true;
				}
			}
			else if (ch == ',' || ch == '\n') {
				fields.add(field.toString());
				field.setLength(0);
				closed = false;
				if (ch == '\n') {
					if (!(fields.size() == 1 && fields.get(0).isEmpty())) records.add(
						new Record(recordLine, fields));
					fields = new ArrayList<>();
					recordLine = ++line;
				}
			}
			else if (ch == '\r') continue;
			else if (closed && strict) throw new MalformedException(line,
				"text after a closing quote (a stray quote?)");
			else if (ch == '"') {
				if (field.length() > 0 && strict) throw new MalformedException(line,
					"a quote inside a field that does not start with one (a stray quote?)");
				quoted = true;
				quoteLine = line;
			}
			else field.append(ch);
		}
		if (strict && quoted && line > quoteLine) throw new MalformedException(
			quoteLine, "a quote opened here is never closed (a stray quote?)");
		return records;
	}
}
