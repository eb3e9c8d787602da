
package org.fijigan.core.model.bioimage;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.fijigan.core.GanException;
import org.fijigan.core.io.InputFile;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * A YAML value and where it sits ("inputs[0].axes[2].size"), so every complaint
 * can name its place. Reading a descriptor walks these nodes; none of them
 * changes what it holds.
 */
record YamlNode(Object value, String where, String file) {

	YamlNode get(String key) {
		if (value != null && !(value instanceof Map)) throw error(
			"should be a mapping");
		return new YamlNode(value == null ? null : ((Map<?, ?>) value).get(key),
			where.isEmpty() ? key : where + "." + key, file);
	}

	boolean isMissing() {
		return value == null;
	}

	List<String> keys() {
		return value instanceof Map<?, ?> map ? map.keySet().stream().map(
			String::valueOf).toList() : List.of();
	}

	List<YamlNode> list() {
		if (value == null) return List.of();
		if (!(value instanceof List<?> items)) throw error("should be a list");
		List<YamlNode> nodes = new ArrayList<>();
		for (int i = 0; i < items.size(); i++)
			nodes.add(new YamlNode(items.get(i), where + "[" + i + "]", file));
		return nodes;
	}

	String string() {
		if (value == null || value instanceof String || value instanceof Number ||
			value instanceof Boolean) return value == null ? null : value.toString();
		throw error("should be text");
	}

	String string(String fallback) {
		String s = string();
		return s == null ? fallback : s;
	}

	String requireString() {
		String s = string();
		if (s == null || s.isBlank()) throw error("is missing");
		return s;
	}

	List<String> strings() {
		return list().stream().map(YamlNode::requireString).toList();
	}

	/**
	 * YAML 1.1 reads {@code 1e-6} (no dot) as text, so numeric text counts as a
	 * number.
	 */
	Double number() {
		if (value == null) return null;
		if (value instanceof Number n) return n.doubleValue();
		try {
			if (value instanceof String s) return Double.parseDouble(s.trim());
		}
		catch (NumberFormatException e) {
			// fall through to the complaint
		}
		throw error("should be a number, is '" + value + "'");
	}

	double number(double fallback) {
		Double d = number();
		return d == null ? fallback : d;
	}

	double requireNumber() {
		Double d = number();
		if (d == null) throw error("is missing");
		return d;
	}

	/** One number, or a list of them. */
	double[] numbers(double fallback) {
		if (value instanceof List) return list().stream().mapToDouble(
			YamlNode::requireNumber).toArray();
		return new double[] { number(fallback) };
	}

	/** One number, or a non-empty list of them. */
	double[] numbersRequired() {
		double[] values = value instanceof List ? list().stream().mapToDouble(
			YamlNode::requireNumber).toArray() : new double[] { requireNumber() };
		if (values.length == 0) throw error("is an empty list");
		return values;
	}

	/**
	 * As {@link #number(double)}, refusing NaN and infinities where a value is
	 * given.
	 */
	double finiteNumber(double fallback) {
		Double d = number();
		if (d == null) return fallback;
		if (!Double.isFinite(d)) throw error("should be a finite number, is " +
			value);
		return d;
	}

	/** As {@link #numbers(double)}, refusing NaN and infinities. */
	double[] finiteNumbers(double fallback) {
		return requireFinite(numbers(fallback));
	}

	/** As {@link #numbersRequired()}, refusing NaN and infinities. */
	double[] finiteNumbersRequired() {
		return requireFinite(numbersRequired());
	}

	/** {@code values}, read from this node, once each is checked finite. */
	private double[] requireFinite(double[] values) {
		if (value instanceof List) for (YamlNode n : list())
			n.finiteNumber(0);
		else finiteNumber(0);
		return values;
	}

	Integer integer() {
		Double d = number();
		if (d == null) return null;
		if (d != Math.rint(d)) throw error("should be a whole number, is " + value);
		if (Math.abs(d) > Integer.MAX_VALUE) throw error("is " + value +
			", beyond the " + Integer.MAX_VALUE + " a whole number here may be");
		return d.intValue();
	}

	/**
	 * A whole number no larger than {@code max}, or {@code fallback} when absent;
	 * a larger one is refused with {@code "is VALUE; " + limit}.
	 */
	int integer(int fallback, int max, String limit) {
		Double d = number();
		if (d != null && d == Math.rint(d) && d > max) throw error("is " + value +
			"; " + limit);
		return integer(fallback);
	}

	int integer(int fallback) {
		Integer i = integer();
		return i == null ? fallback : i;
	}

	int requireInteger() {
		Integer i = integer();
		if (i == null) throw error("is missing");
		return i;
	}

	/** As {@link #integer(int, int, String)}, refusing a missing value. */
	int requireInteger(int max, String limit) {
		integer(0, max, limit);
		return requireInteger();
	}

	int[] ints(int count, String axes) {
		List<YamlNode> items = list();
		if (items.size() != count) throw error("should have " + count +
			" entries, one per axis of '" + axes + "', has " + items.size());
		return items.stream().mapToInt(YamlNode::requireInteger).toArray();
	}

	/**
	 * As {@link #ints(int, String)}, each entry no larger than {@code max}
	 * ({@link #integer(int, int, String)}).
	 */
	int[] ints(int count, String axes, int max, String limit) {
		int[] values = ints(count, axes);
		List<YamlNode> items = list();
		for (int i = 0; i < count; i++)
			items.get(i).integer(0, max, limit);
		return values;
	}

	GanException error(String message) {
		return new GanException(file + ": " + (where.isEmpty() ? "" : where + " ") +
			message);
	}

	/**
	 * Reads a YAML file as plain maps, lists and scalars, never arbitrary types,
	 * bounded in size ({@link BioImageRdf#MAX_DESCRIPTOR_BYTES}), nesting and
	 * aliases; the root node sits at "".
	 */
	static YamlNode load(Path file) {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setMaxAliasesForCollections(50);
		options.setNestingDepthLimit(64);
		options.setCodePointLimit((int) BioImageRdf.MAX_DESCRIPTOR_BYTES);
		Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(
			new DumperOptions()), new DumperOptions(), options);
		InputFile.refuseSpecial(file, "descriptor");
		try (Reader reader = Files.newBufferedReader(file,
			StandardCharsets.UTF_8))
		{
			if (Files.size(file) > BioImageRdf.MAX_DESCRIPTOR_BYTES)
				throw new GanException(file + ": not valid YAML: " + Files.size(file) +
					" bytes is far too large for a model descriptor (at most " +
					BioImageRdf.MAX_DESCRIPTOR_BYTES + ")");
			Object root = yaml.load(reader);
			refuseExpansion(root, file);
			return new YamlNode(root, "", file.toString());
		}
		catch (MarkedYAMLException e) {
			Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e
				.getContextMark();
			throw new GanException(file + (mark == null ? "" : " line " + (mark
				.getLine() + 1)) + ": not valid YAML: " + e.getProblem(), e);
		}
		catch (YAMLException e) {
			throw new GanException(file + ": not valid YAML: " + e.getMessage(), e);
		}
		catch (NoSuchFileException e) {
			throw new GanException(file + " does not exist", e);
		}
		catch (IOException e) {
			throw new GanException("cannot read " + file + ": " + e, e);
		}
	}

	/**
	 * Nodes that aliases may add to a document beyond those it writes out: a
	 * descriptor that reuses a section adds a few hundred; 16 levels of
	 * {@code [*l, *l, *l]} (48 aliases, under the limit on aliases) add 3^16,
	 * which every walk of the document (the deep copy of its config, the check of
	 * its checksums) went through one by one and hung on.
	 */
	static final long MAX_ALIASED_NODES = 100_000;

	/**
	 * Refuses a document whose maps and lists, walked as a tree (each alias
	 * followed), hold more than {@link #MAX_ALIASED_NODES} nodes more than it
	 * writes out, or that holds itself. Each map or list is walked once, so this
	 * takes no longer than the document is long.
	 */
	private static void refuseExpansion(Object root, Path file) {
		Map<Object, Long> sizes = new java.util.IdentityHashMap<>();
		long[] written = { 1 };
		long expanded = expandedSize(root, sizes, written, file);
		if (expanded - written[0] > MAX_ALIASED_NODES) throw new GanException(file +
			": not valid YAML: its aliases expand it from " + written[0] +
			" nodes to " + (expanded == Long.MAX_VALUE ? "more than " : "") +
			expanded + " (a \"billion laughs\" document); aliases may add at " +
			"most " + MAX_ALIASED_NODES + " nodes to a model descriptor");
	}

	/**
	 * The nodes of {@code value} walked as a tree (itself, and for a map or list
	 * those of each entry), at most {@code Long.MAX_VALUE}. Each map or list is
	 * walked once, its size kept in {@code sizes}; {@code written[0]} gains the
	 * nodes the walk meets (an alias to a map or list walked before is one).
	 */
	private static long expandedSize(Object value, Map<Object, Long> sizes,
		long[] written, Path file)
	{
		if (!(value instanceof Map || value instanceof List)) return 1;
		Long known = sizes.get(value);
		if (known != null) {
			if (known < 0) throw new GanException(file + ": not valid YAML: an " +
				"alias names a map or list that holds it, which never ends");
			return known;
		}
		sizes.put(value, -1L);
		long n = 1;
		List<Object> children = new ArrayList<>();
		if (value instanceof Map<?, ?> m) m.forEach((k, v) -> {
			children.add(k);
			children.add(v);
		});
		else children.addAll((List<?>) value);
		for (Object c : children) {
			written[0]++;
			long size = expandedSize(c, sizes, written, file);
			n = n + size < 0 ? Long.MAX_VALUE : n + size;
		}
		sizes.put(value, n);
		return n;
	}

	/** A read-only deep copy of YAML maps and lists. */
	static Object freeze(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
			return Collections.unmodifiableMap(copy);
		}
		if (value instanceof List<?> list) return Collections.unmodifiableList(
			new ArrayList<>(list.stream().map(YamlNode::freeze).toList()));
		return value;
	}

	/**
	 * Runs a record constructor and gives its complaint the file and this place.
	 */
	<T> T build(Supplier<T> constructor) {
		try {
			return constructor.get();
		}
		catch (GanException e) {
			if (e.getMessage().startsWith(file + ":")) throw e;
			throw error(e.getMessage());
		}
	}
}
