
package org.fijigan.core.model.bioimage;

import org.fijigan.core.text.Numbers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a descriptor tree (ordered maps, lists, strings, numbers, booleans) as
 * block-style YAML that reads the same in YAML 1.1 (SnakeYAML,
 * {@link BioImageRdf}) and 1.2 (the bioimage.io tools). Text is written plain
 * only where no YAML reader can take it for anything but text; everything else
 * is double-quoted with escapes. Lists of scalars and {@link Flow} maps are
 * written on one line ({@code axes: [y, x]}, {@code size: {min: 16, step: 4}}).
 */
public final class RdfYaml {

	/** A map written on one line. */
	public record Flow(Map<String, Object> map) {
	}

	private static final Pattern PLAIN = Pattern.compile(
		"[A-Za-z_][A-Za-z0-9_.\\-/]*");
	/** Words YAML 1.1 reads as booleans or null. */
	private static final Set<String> RESERVED = Set.of("yes", "no", "true",
		"false", "on", "off", "null", "nan", "inf");

	private RdfYaml() {}

	/** A {@link Flow} map of alternating keys and values. */
	public static Flow flow(Object... keysAndValues) {
		return new Flow(map(keysAndValues));
	}

	/**
	 * An ordered map of alternating keys and values; null values are left out.
	 */
	public static Map<String, Object> map(Object... keysAndValues) {
		Map<String, Object> m = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2)
			if (keysAndValues[i + 1] != null) m.put((String) keysAndValues[i],
				keysAndValues[i + 1]);
		return m;
	}

	public static String write(Map<String, ?> document) {
		StringBuilder sb = new StringBuilder();
		map(sb, document, 0, null);
		return sb.toString();
	}

	private static void map(StringBuilder sb, Map<String, ?> m, int indent,
		String firstPrefix)
	{
		boolean first = true;
		for (Map.Entry<String, ?> e : m.entrySet()) {
			String head = (first && firstPrefix != null ? firstPrefix : " ".repeat(
				indent)) + scalar(e.getKey()) + ":";
			first = false;
			value(sb, head, e.getValue(), indent);
		}
	}

	private static void value(StringBuilder sb, String head, Object v,
		int indent)
	{
		if (v instanceof Map<?, ?> m && !m.isEmpty()) {
			sb.append(head).append('\n');
			map(sb, cast(m), indent + 2, null);
		}
		else if (v instanceof List<?> l && !l.isEmpty() && !isInline(l)) {
			sb.append(head).append('\n');
			for (Object item : l) {
				String dash = " ".repeat(indent + 2) + "- ";
				if (item instanceof Map<?, ?> m && !m.isEmpty()) map(sb, cast(m),
					indent + 4, dash);
				else sb.append(dash).append(inline(item)).append('\n');
			}
		}
		else sb.append(head).append(' ').append(inline(v)).append('\n');
	}

	private static boolean isInline(List<?> l) {
		for (Object o : l)
			if (o instanceof Map || o instanceof List || o instanceof Flow)
				return false;
		return true;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, ?> cast(Map<?, ?> m) {
		return (Map<String, ?>) m;
	}

	private static String inline(Object v) {
		if (v instanceof Flow f) return inline(f.map());
		if (v instanceof Map<?, ?> m) {
			StringBuilder sb = new StringBuilder("{");
			m.forEach((k, x) -> sb.append(sb.length() > 1 ? ", " : "").append(scalar(
				String.valueOf(k))).append(": ").append(inline(x)));
			return sb.append('}').toString();
		}
		if (v instanceof List<?> l) {
			StringBuilder sb = new StringBuilder("[");
			for (Object x : l)
				sb.append(sb.length() > 1 ? ", " : "").append(inline(x));
			return sb.append(']').toString();
		}
		if (v instanceof Boolean b) return b.toString();
		if (v instanceof Integer || v instanceof Long) return v.toString();
		if (v instanceof Number n) return number(n.doubleValue());
		return scalar(String.valueOf(v));
	}

	/**
	 * A number as YAML 1.1 and 1.2 both read it: integers without a point, others
	 * as Java prints them.
	 */
	public static String number(double d) {
		if (!Double.isFinite(d)) throw new IllegalArgumentException(
			"no YAML number for " + d);
		return Numbers.exact(d); // 0.5, 99.8, 1.0E-6: a float in YAML 1.1 and 1.2
															// (and BioImageRdf reads numeric text)
	}

	/**
	 * Text: plain when nothing else could read it as another type, else
	 * double-quoted.
	 */
	public static String scalar(String s) {
		if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(
			Locale.ROOT))) return s;
		StringBuilder sb = new StringBuilder("\"");
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> sb.append("\\\"");
				case '\\' -> sb.append("\\\\");
				case '\n' -> sb.append("\\n");
				case '\t' -> sb.append("\\t");
				case '\r' -> sb.append("\\r");
				default -> {
					if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == '\u2028' ||
						c == '\u2029' || c == '\ufeff') sb.append(String.format(Locale.ROOT,
							"\\u%04x", (int) c));
					else sb.append(c);
				}
			}
		}
		return sb.append('"').toString();
	}
}
