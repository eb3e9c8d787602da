
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
}
