
package org.fijigan.core.text;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Values as text that is the same in every run for equal values, for
 * fingerprints of settings (a batch's, a training run's).
 */
public final class Canonical {

	private Canonical() {}

	/**
	 * A value as text that is the same in every run for equal values: records by
	 * their components, arrays and collections by their elements, maps sorted by
	 * key (unlike {@code toString}, which prints an array's identity).
	 */
	public static String text(Object o) {
		if (o == null) return "null";
		Class<?> c = o.getClass();
		if (c.isArray()) {
			StringJoiner j = new StringJoiner(",", "[", "]");
			for (int i = 0; i < Array.getLength(o); i++)
				j.add(text(Array.get(o, i)));
			return j.toString();
		}
		if (o instanceof Collection<?> list) {
			StringJoiner j = new StringJoiner(",", "[", "]");
			for (Object e : list)
				j.add(text(e));
			return j.toString();
		}
		if (o instanceof Map<?, ?> map) {
			Map<String, String> sorted = new TreeMap<>();
			map.forEach((k, v) -> sorted.put(text(k), text(v)));
			return sorted.toString();
		}
		if (c.isRecord()) {
			StringJoiner j = new StringJoiner(",", c.getSimpleName() + "(", ")");
			for (RecordComponent rc : c.getRecordComponents()) {
				try {
					rc.getAccessor().setAccessible(true);
					j.add(rc.getName() + "=" + text(rc.getAccessor().invoke(o)));
				}
				catch (ReflectiveOperationException | RuntimeException e) {
					j.add(rc.getName() + "=?");
				}
			}
			return j.toString();
		}
		return String.valueOf(o);
	}

	/**
	 * The first 16 hex digits of the SHA-256 of {@code text} (UTF-8): short
	 * enough for a manifest column or a settings line, long enough that two
	 * different texts never share one by chance.
	 */
	public static String fingerprint(String text) {
		try {
			byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text
				.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return java.util.HexFormat.of().formatHex(d, 0, 8);
		}
		catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
