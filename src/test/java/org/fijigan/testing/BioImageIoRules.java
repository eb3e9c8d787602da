
package org.fijigan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import ij.IJ;
import ij.ImagePlus;

/**
 * What the bioimage.io Python library (bioimageio.spec 0.5.7) checks in a model
 * descriptor beyond its JSON schema, written out here from the library's
 * validators (model/v0_5.py, generic/v0_3.py), plus the re-run of the test
 * tensors that its test makes. Each rule is a method; {@link #check} returns
 * every complaint, one line each. Rules that need the network (that a GitHub
 * user exists) check the form only.
 */
public final class BioImageIoRules {

	/**
	 * The library's characters of a model name ({@code RestrictCharacters}), 5 to
	 * 128 of them.
	 */
	static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+\\- ()]{5,128}");
	/**
	 * A resource id ({@code ResourceId}): lower-case letters, digits,
	 * {@code _-/.}, no slash at either end.
	 */
	static final Pattern ID = Pattern.compile(
		"[a-z0-9_.\\-](?:[a-z0-9_./\\-]*[a-z0-9_.\\-])?");
	/** GitHub's user and organisation names. */
	static final Pattern GITHUB_USER = Pattern.compile(
		"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}");
	/** What the documentation must contain ({@code _validate_documentation}). */
	static final Pattern VALIDATION_SECTION = Pattern.compile("#.*[vV]alidation");
	static final long MAX_COVER_BYTES = 500_000;
	/** Test outputs must be reproduced to this fraction of their range. */
	public static final double MAX_RELATIVE_ERROR = 1e-4;
	/**
	 * A test input that the preprocessing changes by less than this (relative)
	 * was stored preprocessed.
	 */
	static final double MIN_PREPROCESSING_CHANGE = 1e-3;

	private final Path folder;
	private final Map<String, Object> rdf;
	private final List<String> problems = new ArrayList<>();

	private BioImageIoRules(Path rdfYaml) {
		folder = rdfYaml.toAbsolutePath().getParent();
		try (InputStream in = Files.newInputStream(rdfYaml)) {
			rdf = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Every complaint about the package whose descriptor is {@code rdfYaml};
	 * empty when it passes.
	 */
	public static List<String> check(Path rdfYaml) {
		BioImageIoRules r = new BioImageIoRules(rdfYaml);
		r.identity();
		r.people();
		r.documentationHasValidation();
		r.covers();
		r.axesAndHalos();
		r.files();
		r.processingSteps();
		r.testTensorsReproduce(rdfYaml);
		return r.problems;
	}

	/**
	 * {@code id} (needed by deepImageJ), and a name of the library's characters.
	 */
	private void identity() {
		Object id = rdf.get("id");
		if (!(id instanceof String s) || !ID.matcher(s).matches()) problems.add(
			"id '" + id +
				"' is missing or not a resource id (lower-case letters, digits, _-/.)");
		Object name = rdf.get("name");
		if (!(name instanceof String s) || !NAME.matcher(s).matches()) problems.add(
			"name '" + name + "' must be 5-128 letters, digits, spaces and _+-()");
	}

	/**
	 * Maintainers with a GitHub user, or else an author with one
	 * ({@code _check_maintainers_exist}); names without '/'.
	 */
	private void people() {
		List<Map<String, Object>> authors = maps(rdf.get("authors")), maintainers =
			maps(rdf.get("maintainers"));
		if (authors.isEmpty()) problems.add("no authors");
		boolean github = authors.stream().anyMatch(a -> a.get(
			"github_user") != null);
		if (maintainers.isEmpty() && !github) problems.add(
			"no maintainers and no author with a github_user");
		for (Map<String, Object> p : authors)
			if (!(p.get("name") instanceof String n) || n.contains("/")) problems.add(
				"author name '" + p.get("name") + "' is missing or has a '/'");
		for (Map<String, Object> p : maintainers)
			if (!(p.get("github_user") instanceof String)) problems.add(
				"maintainer " + p + " has no github_user");
		for (Map<String, Object> p : concat(authors, maintainers))
			if (p.get("github_user") instanceof String u && !GITHUB_USER.matcher(u)
				.matches()) problems.add("github_user '" + u +
					"' is not a GitHub user name");
	}

	private void documentationHasValidation() {
		if (!(rdf.get("documentation") instanceof String doc)) {
			problems.add("no documentation");
			return;
		}
		Path file = folder.resolve(doc);
		if (!doc.toLowerCase(Locale.ROOT).endsWith(".md") || !Files.isRegularFile(
			file))
		{
			problems.add("documentation " + doc +
				" is not a Markdown file in the package");
			return;
		}
		try {
			if (!VALIDATION_SECTION.matcher(Files.readString(file)).find()) problems
				.add("documentation " + doc + " has no '# Validation' (sub)section");
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * At least one cover, each under 500 KB with a width:height between 1:1 and
	 * 2:1.
	 */
	private void covers() {
		List<String> covers = strings(rdf.get("covers"));
		if (covers.isEmpty()) problems.add("no covers");
		for (String c : covers) {
			Path f = folder.resolve(c);
			ImagePlus imp = Files.isRegularFile(f) ? IJ.openImage(f.toString())
				: null;
			if (imp == null) {
				problems.add("cover " + c + " is missing or unreadable");
				continue;
			}
			double aspect = (double) imp.getWidth() / imp.getHeight();
			if (aspect < 1 || aspect > 2) problems.add("cover " + c + " is " + imp
				.getWidth() + "x" + imp.getHeight() + ": its aspect ratio " + aspect +
				" is not between 1:1 and 2:1");
			try {
				if (Files.size(f) > MAX_COVER_BYTES) problems.add("cover " + c +
					" is " + Files.size(f) + " bytes");
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
	}

	/**
	 * Size references ({@code _validate_axis}): to an existing non-batch axis of
	 * fixed or parameterised size, not the axis itself; an output axis's smallest
	 * size minus twice its halo at least 1; its halo in the referenced axis's
	 * pixels ({@code halo * scale / ref_scale}) whole. Tensor ids unique, axis
	 * ids unique per tensor.
	 */
	private void axesAndHalos() {
		Map<String, Map<String, Object>> independent = new HashMap<>();
		Set<String> tensorIds = new HashSet<>();
		for (String side : List.of("inputs", "outputs"))
			for (Map<String, Object> t : maps(rdf.get(side))) {
				if (!tensorIds.add(String.valueOf(t.get("id")))) problems.add(
					"tensor id " + t.get("id") + " is not unique");
				Set<String> axisIds = new HashSet<>();
				for (Map<String, Object> a : maps(t.get("axes"))) {
					if (!axisIds.add(axisId(a))) problems.add(t.get("id") + ": axis id " +
						axisId(a) + " is not unique");
					if ("batch".equals(a.get("type"))) continue;
					Object size = a.get("size");
					if (size instanceof Integer || size instanceof Map<?, ?> m && m
						.containsKey("step")) independent.put(t.get("id") + "." + axisId(a),
							a);
				}
			}
		for (String side : List.of("inputs", "outputs"))
			for (Map<String, Object> t : maps(rdf.get(side)))
				for (Map<String, Object> a : maps(t.get("axes"))) {
					if (!(a.get("size") instanceof Map<?, ?> size) || !size.containsKey(
						"tensor_id"))
					{
						if (a.get("halo") != null) problems.add(t.get("id") + "." + axisId(
							a) + ": a halo needs a size that refers to another axis");
						continue;
					}
					String where = t.get("id") + "." + axisId(a);
					String ref = size.get("tensor_id") + "." + size.get("axis_id");
					Map<String, Object> refAxis = independent.get(ref);
					if (refAxis == null) {
						problems.add(where + ": size refers to " + ref +
							", which is not an axis of fixed or parameterised size");
						continue;
					}
					if (ref.equals(where)) problems.add(where +
						": size refers to itself");
					double scale = number(a.get("scale"), 1), refScale = number(refAxis
						.get("scale"), 1);
					int offset = (int) number(size.get("offset"), 0);
					int refMin = refAxis.get("size") instanceof Integer i ? i
						: (int) number(((Map<?, ?>) refAxis.get("size")).get("min"), 1);
					long minSize = (long) Math.floor(refMin * refScale / scale) + offset;
					int halo = (int) number(a.get("halo"), 0);
					if (halo > 0 && minSize - 2L * halo < 1) problems.add(where +
						": smallest size " + minSize + " is too small for halo " + halo);
					double refHalo = halo * scale / refScale;
					if (refHalo != Math.rint(refHalo)) problems.add(where + ": halo " +
						halo + " is " + refHalo + " pixels of " + ref +
						", not a whole number");
				}
	}

	/**
	 * Every file the descriptor names exists, and its sha256 is right; sample
	 * tensors are images of the tensor's rank.
	 */
	private void files() {
		Map<String, Object> weights = map(rdf.get("weights"));
		for (Object entry : weights.values())
			checksum(map(entry), "weights");
		for (String side : List.of("inputs", "outputs"))
			for (Map<String, Object> t : maps(rdf.get(side))) {
				Map<String, Object> test = map(t.get("test_tensor"));
				if (test.isEmpty()) problems.add(t.get("id") + ": no test_tensor");
				else checksum(test, t.get("id") + ".test_tensor");
				Map<String, Object> sample = map(t.get("sample_tensor"));
				if (sample.isEmpty()) {
					problems.add(t.get("id") + ": no sample_tensor");
					continue;
				}
				checksum(sample, t.get("id") + ".sample_tensor");
				sampleDimensions(t, String.valueOf(sample.get("source")));
			}
	}

	/**
	 * {@code _validate_sample_tensor}: the image, squeezed, has at most as many
	 * dimensions as the tensor has axes, and at least as many as its axes that
	 * cannot be 1.
	 */
	private void sampleDimensions(Map<String, Object> t, String source) {
		String lower = source.toLowerCase(Locale.ROOT);
		if (!(lower.endsWith(".tif") || lower.endsWith(".tiff") || lower.endsWith(
			".png")))
		{
			problems.add(t.get("id") + ": sample_tensor " + source +
				" is not a TIFF or PNG");
			return;
		}
		ImagePlus imp = IJ.openImage(folder.resolve(source).toString());
		if (imp == null) {
			problems.add(t.get("id") + ": sample_tensor " + source +
				" cannot be read");
			return;
		}
		int[] dims = imp.getDimensions();
		int squeezed = 0;
		for (int d : dims)
			if (d > 1) squeezed++;
		if (imp.getType() == ImagePlus.COLOR_RGB) squeezed++;
		List<Map<String, Object>> axes = maps(t.get("axes"));
		int max = axes.size(), min = max;
		for (Map<String, Object> a : axes) {
			Object size = a.get("size");
			if ("batch".equals(a.get("type")) || Integer.valueOf(1).equals(size) ||
				size instanceof Map<?, ?> m && (Integer.valueOf(1).equals(m.get(
					"min")) || m.containsKey("tensor_id") && number(m.get("offset"),
						0) < 2) || "channel".equals(a.get("type")) && strings(a.get(
							"channel_names")).size() == 1) min--;
		}
		if (squeezed < min || squeezed > max) problems.add(t.get("id") +
			": sample_tensor " + source + " has " + squeezed +
			" dimensions; the tensor takes " + min + " to " + max);
	}

	/**
	 * Processing kwargs as the library reads them: {@code axes} name axes of the
	 * tensor, no redundant {@code scale_linear}, percentiles and eps in range.
	 */
	private void processingSteps() {
		for (String side : List.of("inputs", "outputs"))
			for (Map<String, Object> t : maps(rdf.get(side))) {
				Set<String> ids = new HashSet<>();
				for (Map<String, Object> a : maps(t.get("axes")))
					ids.add(axisId(a));
				for (Map<String, Object> step : maps(t.get(side.equals("inputs")
					? "preprocessing" : "postprocessing")))
				{
					Map<String, Object> kw = map(step.get("kwargs"));
					String where = t.get("id") + " " + step.get("id");
					for (String axis : strings(kw.get("axes")))
						if (!ids.contains(axis)) problems.add(where + ": axes name '" +
							axis + "', not an axis of the tensor");
					if ("scale_linear".equals(step.get("id")) && number(kw.get("gain"),
						1) == 1 && number(kw.get("offset"), 0) == 0 && !(kw.get(
							"gain") instanceof List) && !(kw.get("offset") instanceof List))
						problems.add(where + ": redundant (gain 1, offset 0)");
					if ("scale_range".equals(step.get("id"))) {
						double lo = number(kw.get("min_percentile"), 0), hi = number(kw.get(
							"max_percentile"), 100);
						if (!(lo >= 0 && lo < 100 && hi > 1 && hi <= 100 && lo < hi))
							problems.add(where + ": percentiles " + lo + ", " + hi);
					}
					if (kw.containsKey("eps") && !(number(kw.get("eps"), 0) > 0 && number(
						kw.get("eps"), 0) <= 0.1)) problems.add(where + ": eps " + kw.get(
							"eps") + " is not in (0, 0.1]");
				}
			}
	}

	/**
	 * The test: the test inputs, preprocessed, through the model and
	 * postprocessed, give the test outputs; and the test image input is raw (the
	 * preprocessing changes it).
	 */
	private void testTensorsReproduce(Path rdfYaml) {
		PackageTensors.Check c;
		try {
			c = PackageTensors.run(rdfYaml);
		}
		catch (RuntimeException | AssertionError e) {
			problems.add("the test tensors do not run: " + e.getMessage());
			return;
		}
		if (!(c.relativeError() <= MAX_RELATIVE_ERROR)) problems.add(
			"the test output is reproduced only to " + c.maxAbsDiff() +
				" over a range of " + c.outputRange());
		// casts, clips and the half level added before a cast to round it change
		// no integer test input
		boolean preprocessed = maps(rdf.get("inputs")).stream().flatMap(t -> maps(t
			.get("preprocessing")).stream()).anyMatch(s -> !"ensure_dtype".equals(s
				.get("id")) && !"clip".equals(s.get("id")) && !isRounding(s));
		if (preprocessed && !(c.preprocessingChange() > MIN_PREPROCESSING_CHANGE))
			problems.add(
				"the test input is stored preprocessed (the preprocessing changes it by " +
					c.preprocessingChange() + " of its range); bioimage.io wants it raw");
		Object config = map(rdf.get("config")).get("fiji-gan");
		if (config instanceof Map<?, ?> m && m.containsKey("test_tensors")) problems
			.add(
				"config: fiji-gan: test_tensors says the tensors are not what bioimage.io expects");
	}

	private void checksum(Map<String, Object> file, String what) {
		Object source = file.get("source");
		if (!(source instanceof String s) || !Files.isRegularFile(folder.resolve(
			s)))
		{
			problems.add(what + ": file " + source + " is missing");
			return;
		}
		if (!(file.get("sha256") instanceof String sha)) {
			problems.add(what + ": no sha256");
			return;
		}
		if (!sha.equalsIgnoreCase(sha256(folder.resolve(s)))) problems.add(what +
			": sha256 of " + s + " is wrong");
		if (s.endsWith(".npy") && what.endsWith("test_tensor")) try {
			NpyArray a = Npy.read(folder.resolve(s));
			if (a.shape().length == 0) problems.add(what + ": " + s + " is a scalar");
		}
		catch (RuntimeException e) {
			problems.add(what + ": " + s + " is not a NumPy array: " + e
				.getMessage());
		}
	}

	static String sha256(Path file) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
				.digest(Files.readAllBytes(file)));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/**
	 * An axis's id as the specification defaults it (batch, channel, index, time;
	 * x for space).
	 */
	static String axisId(Map<String, Object> a) {
		if (a.get("id") instanceof String id) return id;
		Object type = a.get("type");
		return "space".equals(type) ? "x" : String.valueOf(type);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object o) {
		return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
	}

	static List<Map<String, Object>> maps(Object o) {
		List<Map<String, Object>> l = new ArrayList<>();
		if (o instanceof List<?> list) for (Object x : list)
			l.add(map(x));
		return l;
	}

	static List<String> strings(Object o) {
		List<String> l = new ArrayList<>();
		if (o instanceof List<?> list) for (Object x : list)
			l.add(String.valueOf(x));
		return l;
	}

	static double number(Object o, double fallback) {
		if (o instanceof Number n) return n.doubleValue();
		if (o instanceof String s) try {
			return Double.parseDouble(s);
		}
		catch (NumberFormatException e) {
			return Double.NaN;
		}
		return fallback;
	}

	private static List<Map<String, Object>> concat(List<Map<String, Object>> a,
		List<Map<String, Object>> b)
	{
		List<Map<String, Object>> l = new ArrayList<>(a);
		l.addAll(b);
		return l;
	}

	/**
	 * A {@code scale_linear} that only adds half a level (gain 1, offset 0.5).
	 */
	private static boolean isRounding(Map<?, ?> step) {
		if (!"scale_linear".equals(step.get("id")) || !(step.get(
			"kwargs") instanceof Map<?, ?> k)) return false;
		return k.get("gain") instanceof Number g && g.doubleValue() == 1 && k.get(
			"offset") instanceof Number o && o.doubleValue() == 0.5;
	}
}
