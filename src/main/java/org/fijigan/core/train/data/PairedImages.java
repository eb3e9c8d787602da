
package org.fijigan.core.train.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fijigan.core.GanException;

/** Matches input images to target images by name. */
public final class PairedImages {

	/** How many unmatched names an error lists before it says "and N more". */
	static final int LISTED = 10;

	/** An input and its target, by their names in the two sources. */
	public record Pair(String input, String target) {
	}

	private PairedImages() {}

	/**
	 * Pairs every input with the target of the same relative path, ignoring the
	 * file extension (so {@code sub/a.png} pairs with {@code sub/a.tif}).
	 *
	 * @return the pairs, sorted by input name
	 * @throws GanException when a name has no partner (the message lists the
	 *           unmatched names of both sides), or two names of one side differ
	 *           only in their extension
	 */
	public static List<Pair> match(ImageSource inputs, ImageSource targets) {
		Map<String, String> in = byKey(inputs, "input"), out = byKey(targets,
			"target");
		List<String> noTarget = new ArrayList<>(), noInput = new ArrayList<>();
		List<Pair> pairs = new ArrayList<>();
		for (Map.Entry<String, String> e : in.entrySet()) {
			String t = out.get(e.getKey());
			if (t == null) noTarget.add(e.getValue());
			else pairs.add(new Pair(e.getValue(), t));
		}
		for (Map.Entry<String, String> e : out.entrySet())
			if (!in.containsKey(e.getKey())) noInput.add(e.getValue());
		if (!noTarget.isEmpty() || !noInput.isEmpty()) {
			StringBuilder sb = new StringBuilder(
				"input and target images must pair up by relative path " +
					"(extension ignored), but ");
			if (!noTarget.isEmpty()) sb.append(count(noTarget.size(), "input"))
				.append(noTarget.size() == 1 ? " has" : " have").append(
					" no target in ").append(targets.describe()).append(": ").append(list(
						noTarget));
			if (!noTarget.isEmpty() && !noInput.isEmpty()) sb.append("; and ");
			if (!noInput.isEmpty()) sb.append(count(noInput.size(), "target")).append(
				noInput.size() == 1 ? " has" : " have").append(" no input in ").append(
					inputs.describe()).append(": ").append(list(noInput));
			throw new GanException(sb.toString());
		}
		if (pairs.isEmpty()) throw new GanException("no images in " + inputs
			.describe() + " and " + targets.describe());
		return List.copyOf(pairs);
	}

	private static Map<String, String> byKey(ImageSource source, String role) {
		Map<String, String> map = new TreeMap<>();
		for (String name : source.names()) {
			String previous = map.put(stripExtension(name), name);
			if (previous != null) throw new GanException("the " + role + " images '" +
				previous + "' and '" + name +
				"' differ only in their extension, so neither can be paired: remove one");
		}
		return map;
	}

	/**
	 * {@code sub/a.b.tif -> sub/a.b}; a name without an extension is returned as
	 * is.
	 */
	static String stripExtension(String name) {
		int slash = name.lastIndexOf('/'), dot = name.lastIndexOf('.');
		return dot > slash + 1 ? name.substring(0, dot) : name;
	}

	private static String count(int n, String what) {
		return n + " " + what + (n == 1 ? "" : "s");
	}

	private static String list(List<String> names) {
		List<String> shown = names.subList(0, Math.min(LISTED, names.size()));
		String s = String.join(", ", shown);
		return names.size() > LISTED ? s + " and " + (names.size() - LISTED) +
			" more" : s;
	}
}
