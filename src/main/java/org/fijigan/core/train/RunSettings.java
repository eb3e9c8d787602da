
package org.fijigan.core.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Canonical;

/**
 * The settings that decide a training run's trajectory, as {@code key=value}
 * lines: what a checkpoint records and a resume must match, so that a resumed
 * run never continues another run's weights under its own description. Not
 * among them: the device and threads, the checkpoint folder and interval, the
 * validation interval, and the number of steps (a resume is how a finished run
 * is taken further), unless the learning-rate schedule follows it.
 */
public final class RunSettings {

	private final Map<String, String> values = new TreeMap<>();

	/** Adds a setting; its value as {@link Canonical#text}. */
	public RunSettings put(String key, Object value) {
		values.put(key, Canonical.text(value).replace('\n', ' '));
		return this;
	}

	/**
	 * Adds a long setting (e.g. the names of thousands of training images) by the
	 * first 16 hex digits of its text's SHA-256, with its size.
	 */
	public RunSettings putDigest(String key, List<?> value) {
		values.put(key, value.size() + " (sha256 " + Canonical.fingerprint(Canonical
			.text(value)) + ")");
		return this;
	}

	/**
	 * Says that a checkpoint recording {@code was} within setting {@code key}
	 * records what this run writes as {@code now}: how earlier versions wrote a
	 * value this one writes otherwise (a default given by name). Recorded as a
	 * line of its own, which is never compared.
	 */
	public RunSettings recordedAlso(String key, String was, String now) {
		values.put(ALIAS + key, was + "\t" + now);
		return this;
	}

	/** The key prefix of {@link #recordedAlso}'s lines. */
	private static final String ALIAS = "~";

	/**
	 * Says that setting {@code key}, which a checkpoint of an earlier version may
	 * record, is none of this run's (a generator's pixel loss, which it never
	 * used): a checkpoint's value of it is not compared. Recorded as a line of
	 * its own, which is never compared.
	 */
	public RunSettings notCompared(String key) {
		values.put(NOT_COMPARED + key, "");
		return this;
	}

	/** The key prefix of {@link #notCompared}'s lines. */
	private static final String NOT_COMPARED = "-";

	/** Adds the trajectory's settings of a run's configuration. */
	public RunSettings putAll(FineTuneConfig c) {
		// a generator has no pixel loss; earlier versions recorded the unused one
		if (c.loss() != null) put("loss", c.loss());
		else notCompared("loss");
		put("optimizer", c.optimizer()).put("adversarial weight", c
			.adversarialWeight()).put("adversarial", c.adversarial()).put("seed", c
				.seed()).put("freeze", c.freeze()).put("ema", c.emaDecay()).put(
					"penalties", c.penalties()).put("stabilisers", c.stabilisers());
		if (c.optimizer().schedule() != OptimizerConfig.Schedule.CONSTANT) put(
			"steps (the learning-rate schedule follows them)", c.steps());
		return this;
	}

	/** The {@code key=value} lines, sorted by key. */
	public String text() {
		return text(values);
	}

	private static String text(Map<String, String> values) {
		StringBuilder sb = new StringBuilder();
		values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
		return sb.toString();
	}

	/**
	 * Settings {@code text} with the model a run started from (the SHA-256 that
	 * {@code model} records) set to {@code sha256}; null stays null.
	 */
	public static String withModel(String text, String sha256) {
		if (text == null) return null;
		Map<String, String> m = parse(text);
		if (m.containsKey("model")) m.put("model", sha256);
		return text(m);
	}

	private static Map<String, String> parse(String text) {
		Map<String, String> m = new TreeMap<>();
		for (String line : text.split("\n")) {
			int eq = line.indexOf('=');
			if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
		}
		return m;
	}

	/**
	 * Refuses to resume from a checkpoint whose run had other settings, naming
	 * each one that differs with both values.
	 *
	 * @param recorded the checkpoint's settings; empty for a checkpoint of an
	 *          earlier version, which is not checked
	 * @param now this run's settings, or null when the caller has none to check
	 * @return whether the settings were checked
	 */
	public static boolean refuseOther(Path checkpointDir, String recorded,
		String now)
	{
		if (now == null || recorded == null || recorded.isEmpty()) return false;
		Map<String, String> was = parse(recorded), is = parse(now);
		is.forEach((key, alias) -> {
			String[] wasNow = alias.split("\t", 2);
			String v = key.startsWith(ALIAS) ? was.get(key.substring(ALIAS.length()))
				: null;
			if (v != null && wasNow.length == 2) was.put(key.substring(ALIAS
				.length()), v.replace(wasNow[0], wasNow[1]));
		});
		for (String key : is.keySet())
			if (key.startsWith(NOT_COMPARED)) was.remove(key.substring(NOT_COMPARED
				.length()));
		was.keySet().removeIf(k -> k.startsWith(ALIAS) || k.startsWith(
			NOT_COMPARED));
		is.keySet().removeIf(k -> k.startsWith(ALIAS) || k.startsWith(
			NOT_COMPARED));
		Map<String, String[]> changed = new TreeMap<>();
		for (String key : union(was, is)) {
			String a = was.getOrDefault(key, "(not set)"), b = is.getOrDefault(key,
				"(not set)");
			if (!a.equals(b)) changed.put(key, new String[] { a, b });
		}
		// the data's description repeats its options: when they differ, they
		// say how, and the description is left out
		if (changed.containsKey("data options")) changed.remove("data");
		// a field of a record that is also a setting of its own (the seed of the
		// data options) is named once, as the setting
		java.util.Set<String> said = new java.util.HashSet<>();
		changed.forEach((key, ab) -> said.add(change(key, ab[0], ab[1])));
		List<String> differ = new ArrayList<>();
		changed.forEach((key, ab) -> differ.addAll(changes(key, null, ab[0], ab[1],
			said)));
		if (differ.isEmpty()) return true;
		// a generator's default augmentation became none: its earlier runs
		// resume with the flag that gives theirs
		differ.replaceAll(d -> d.matches(".*augmentation (NONE|FLIPS) \\(now " +
			"(NONE|FLIPS)\\)") ? d + " (--augment " + d.replaceAll(
				".*augmentation (\\w+) .*", "$1").toLowerCase(java.util.Locale.ROOT) +
				" gives it)" : d);
		// versions before validation held out whole images held out planes: no
		// setting of this one gives their split
		if (was.getOrDefault("data", "").contains(" for validation (planes)"))
			throw new GanException("the checkpoint in " + checkpointDir +
				" was written by an earlier version of fiji-gan, which held out " +
				"single planes of an image for validation where this one holds out " +
				"whole images, so its run cannot go on here (" + String.join("; ",
					differ) + "): give another --checkpoint-dir to start afresh");
		throw new GanException("the checkpoint in " + checkpointDir +
			" was written by a run with other settings: " + String.join("; ",
				differ) + ". Resume with the same settings, or give another " +
			"--checkpoint-dir to start afresh");
	}

	/**
	 * How one setting differs, in words: for two values of one record type
	 * ({@code Name(field=value,...)}), only the fields that differ, by name.
	 */
	static String difference(String key, String was, String now) {
		return String.join("; ", changes(key, null, was, now, java.util.Set.of()));
	}

	/**
	 * The changes of one setting, as {@link #difference}; a field whose change
	 * {@code said} holds already (as {@code field was (now is)}) is left out.
	 *
	 * @param field the innermost field name, or null for a setting itself
	 */
	private static List<String> changes(String key, String field, String was,
		String now, java.util.Set<String> said)
	{
		if (key.equals("data options degradation")) {
			List<String> options = blindSpotChanges(was, now);
			if (options != null) return options;
			String a = degradationOption(was), b = degradationOption(now);
			if (a != null && b != null) return List.of("--degradation " + a +
				" (now " + b + ")");
		}
		Map<String, String> a = fields(was), b = fields(now);
		if (key.equals("optimizer") && a != null && b != null) {
			String x = optimizerOption(a), y = optimizerOption(b);
			if (x != null && y != null && !x.equals(y)) {
				// the choice of --optimizer sets the kind and the weight decay, and
				// SGD has no betas: what else differs is named as before
				boolean sgd = x.equals("sgd") || y.equals("sgd");
				List<String> out = new ArrayList<>(List.of("--optimizer " + x +
					" (now " + y + ")"));
				for (String f : a.keySet())
					if (!List.of("kind", "weightDecay").contains(f) && !(sgd && List.of(
						"beta1", "beta2", "epsilon").contains(f)) && !a.get(f).equals(b.get(
							f))) out.addAll(changes(key + " " + f, f, a.get(f), b.get(f),
								said));
				return out;
			}
		}
		if (a == null || b == null || !a.keySet().equals(b.keySet()) || !was
			.substring(0, was.indexOf('(')).equals(now.substring(0, now.indexOf(
				'('))))
		{
			if (field != null && said.contains(change(field, was, now))) return List
				.of();
			return List.of(change(key, was, now));
		}
		List<String> out = new ArrayList<>();
		for (String f : a.keySet())
			if (!a.get(f).equals(b.get(f))) out.addAll(changes(key + " " + f, f, a
				.get(f), b.get(f), said));
		return out;
	}

	/**
	 * The {@code --optimizer} that gives a recorded optimizer's kind and weight
	 * decay ({@code adamw} for Adam with decay); null for a value of another
	 * form.
	 */
	private static String optimizerOption(Map<String, String> f) {
		String kind = f.get("kind");
		if ("SGD".equals(kind)) return "sgd";
		if (!"ADAM".equals(kind)) return null;
		try {
			return Double.parseDouble(f.getOrDefault("weightDecay", "0")) > 0
				? "adamw" : "adam";
		}
		catch (NumberFormatException e) {
			return null;
		}
	}

	/**
	 * A change of Noise2Void's blind spots as the options that set them
	 * ({@code --self-supervised}, {@code --n2v-fraction},
	 * {@code --n2v-neighbourhood}, {@code --n2v-struct}); null when neither value
	 * is blind spots.
	 */
	private static List<String> blindSpotChanges(String was, String now) {
		boolean a = was.startsWith("BlindSpot("), b = now.startsWith("BlindSpot(");
		if (!a && !b) return null;
		if (a != b) {
			List<String> out = new ArrayList<>(List.of("--self-supervised " + (a
				? "n2v" : "none") + " (now " + (b ? "n2v" : "none") + ")"));
			String other = a ? now : was;
			if (!other.equals("null")) out.add(change("--degradation", a ? "null"
				: was, a ? now : "null"));
			return out;
		}
		Map<String, String> f = fields(was), g = fields(now);
		if (f == null || g == null) return null;
		List<String> out = new ArrayList<>();
		String[][] options = { { "fraction", "--n2v-fraction" }, { "neighbourhood",
			"--n2v-neighbourhood" }, { "line", "--n2v-struct" } };
		for (String[] o : options) {
			String x = f.getOrDefault(o[0], "?"), y = g.getOrDefault(o[0], "?");
			if (!x.equals(y)) out.add(o[1] + " " + line(x) + " (now " + line(y) +
				")");
		}
		return out;
	}

	/**
	 * A recorded degradation as {@code --degradation} takes it
	 * ({@code gaussian:0.02..0.2} for
	 * {@code GaussianNoise(sigma=Range(min=0.02,max=0.2))}; a mix as its options
	 * joined by {@code --degradation}), "the task's default" for none; null for a
	 * value of another form.
	 */
	public static String degradationOption(String v) {
		if (v.equals("null")) return "the task's default";
		String mix = "NoiseMix(models=[";
		if (v.startsWith(mix) && v.endsWith("])")) {
			List<String> out = new ArrayList<>();
			for (String model : splitTopLevel(v.substring(mix.length(), v.length() -
				2)))
			{
				String o = degradationOption(model);
				if (o == null || o.equals("the task's default")) return null;
				out.add(o);
			}
			return String.join(" --degradation ", out);
		}
		Map<String, String> f = fields(v);
		if (f == null) return null;
		String kind = v.substring(0, v.indexOf('('));
		return switch (kind) {
			case "GaussianNoise" -> range(f.get("sigma")) == null ? null
				: "gaussian:" + range(f.get("sigma"));
			case "PoissonGaussianNoise" -> range(f.get("photons")) == null || range(f
				.get("readSigma")) == null ? null : "poisson-gaussian:photons=" + range(
					f.get("photons")) + ",read=" + range(f.get("readSigma"));
			case "Downscale" -> range(f.get("blurSigma")) == null || range(f.get(
				"noiseSigma")) == null ? null : "downscale:blur=" + range(f.get(
					"blurSigma")) + ",noise=" + range(f.get("noiseSigma"));
			case "FreeFormHoles" -> number(f.get("minCoverage")) == null || number(f
				.get("maxCoverage")) == null ? null : ("true".equals(f.get(
					"variedSizes")) ? "varied-holes:" : "holes:") + number(f.get(
						"minCoverage")) + ".." + number(f.get("maxCoverage"));
			default -> null;
		};
	}

	/** {@code Range(min=a,max=b)} as {@code a..b}, or {@code a} when equal. */
	private static String range(String v) {
		Map<String, String> f = v == null || !v.startsWith("Range(") ? null
			: fields(v);
		if (f == null || number(f.get("min")) == null || number(f.get(
			"max")) == null) return null;
		String min = number(f.get("min")), max = number(f.get("max"));
		return min.equals(max) ? min : min + ".." + max;
	}

	/** A recorded number without trailing zeros or exponent: 30.0 as 30. */
	private static String number(String v) {
		try {
			return new java.math.BigDecimal(v).stripTrailingZeros().toPlainString();
		}
		catch (NumberFormatException | NullPointerException e) {
			return null;
		}
	}

	/** {@code A(..),B(..)} split at its commas outside brackets. */
	private static List<String> splitTopLevel(String v) {
		List<String> out = new ArrayList<>();
		int depth = 0, from = 0;
		for (int i = 0; i < v.length(); i++) {
			char ch = v.charAt(i);
			if (ch == '(' || ch == '[') depth++;
			else if (ch == ')' || ch == ']') depth--;
			else if (ch == ',' && depth == 0) {
				out.add(v.substring(from, i));
				from = i + 1;
			}
		}
		out.add(v.substring(from));
		return out;
	}

	/**
	 * A structN2V line as {@code --n2v-struct} writes it: {@code vertical:3} for
	 * {@code Line(horizontal=false,length=3)}; other values as they are.
	 */
	private static String line(String v) {
		Map<String, String> f = v.startsWith("Line(") ? fields(v) : null;
		if (f == null || !f.containsKey("horizontal") || !f.containsKey("length"))
			return plain(v);
		return (f.get("horizontal").equals("true") ? "horizontal:" : "vertical:") +
			f.get("length");
	}

	private static String change(String key, String was, String now) {
		// no degradation recorded is the task's default one
		if (key.endsWith("degradation")) return key + " " + (was.equals("null")
			? "the task's default" : was) + " (now " + (now.equals("null")
				? "the task's default" : now) + ")";
		return key + " " + plain(was) + " (now " + plain(now) + ")";
	}

	/** A value as a user reads it: {@code null} as "none". */
	private static String plain(String v) {
		return v.equals("null") ? "none" : v;
	}

	/**
	 * The fields of {@code Name(f=v,g=w)} by name, nested parentheses kept in
	 * their values; null for a value of another form.
	 */
	private static Map<String, String> fields(String v) {
		int open = v.indexOf('(');
		if (open <= 0 || !v.endsWith(")") || !v.substring(0, open).matches(
			"[A-Za-z][A-Za-z0-9]*")) return null;
		Map<String, String> out = new java.util.LinkedHashMap<>();
		int depth = 0, from = open + 1;
		for (int i = open + 1; i < v.length(); i++) {
			char ch = v.charAt(i);
			if (ch == '(' || ch == '[' || ch == '{') depth++;
			else if ((ch == ')' || ch == ']' || ch == '}') && depth > 0) depth--;
			else if (depth == 0 && (ch == ',' || i == v.length() - 1)) {
				String part = v.substring(from, i);
				int eq = part.indexOf('=');
				if (eq <= 0) return part.isEmpty() && out.isEmpty() ? out : null;
				out.put(part.substring(0, eq), part.substring(eq + 1));
				from = i + 1;
			}
		}
		return out;
	}

	private static java.util.Set<String> union(Map<String, String> a,
		Map<String, String> b)
	{
		java.util.Set<String> keys = new java.util.HashSet<>(a.keySet());
		keys.addAll(b.keySet());
		return keys;
	}
}
