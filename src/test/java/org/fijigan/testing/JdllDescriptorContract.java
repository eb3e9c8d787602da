
package org.fijigan.testing;

import static org.fijigan.testing.BioImageIoRules.map;
import static org.fijigan.testing.BioImageIoRules.maps;
import static org.fijigan.testing.BioImageIoRules.number;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

/**
 * What JDLL's descriptor parser (io.bioimage:dl-modelrunner, the bioimage.io
 * runner of deepImageJ) dereferences when it reads a format-0.5
 * {@code rdf.yaml}, checked without JDLL (which is not on Maven Central): each
 * rule names the JDLL class that needs it. Read from JDLL's source at commit
 * 98d3be2 (2026, version 0.6.4-SNAPSHOT; the parser's code is unchanged since
 * release dl-modelrunner-0.6.3); docs/bundled-models.md says how. JDLL loads
 * the YAML with a plain {@code new Yaml()}, as here, and casts what it finds: a
 * missing field or one of another type is a NullPointerException or
 * ClassCastException there, a complaint here.
 * <p>
 * Beyond the parser, {@link #scaleReadingsAgree} checks that JDLL's reading of
 * an output axis's {@code scale} (0.4 style: output size = input size x scale,
 * input halo = halo / scale) and the specification's (output size = input size
 * x input scale / output scale, input halo = halo x output scale / input scale)
 * give the same sizes and halos.
 */
public final class JdllDescriptorContract {

	private final Map<String, Object> rdf;
	private final List<String> problems = new ArrayList<>();

	private JdllDescriptorContract(Path rdfYaml) {
		try (InputStream in = Files.newInputStream(rdfYaml)) {
			rdf = map(new Yaml().load(in));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Every field JDLL's parser would trip over in {@code rdfYaml}; empty when it
	 * loads.
	 */
	public static List<String> check(Path rdfYaml) {
		JdllDescriptorContract c = new JdllDescriptorContract(rdfYaml);
		c.topLevel();
		c.people();
		c.tensors();
		c.weights();
		c.haloPropagation();
		return c.problems;
	}

	/**
	 * ModelDescriptorFactory: {@code format_version} a String starting "0.5".
	 * ModelDescriptorV05's constructor: the model id is
	 * {@code config.bioimageio.nickname} or {@code id}, and
	 * {@code modelID.length()} is called on it.
	 * ModelDescriptor.buildModelDescription casts these fields to String,
	 * {@code tags}/{@code covers}/{@code links} to lists of String,
	 * {@code weights} and {@code config} to maps.
	 */
	private void topLevel() {
		if (!(rdf.get("format_version") instanceof String v) || !v.startsWith(
			"0.5")) problems.add(
				"ModelDescriptorFactory: format_version must be a string starting with 0.5, is " +
					rdf.get("format_version"));
		Object nickname = map(map(rdf.get("config")).get("bioimageio")).get(
			"nickname");
		if (!(nickname instanceof String) && !(rdf.get("id") instanceof String))
			problems.add(
				"ModelDescriptorV05: no id (nor config.bioimageio.nickname): modelID.length() throws NullPointerException");
		for (String key : List.of("format_version", "name", "description", "id",
			"license", "documentation", "git_repo", "type"))
			string(rdf, key, "ModelDescriptor");
		for (String key : List.of("tags", "covers", "links"))
			if (rdf.get(key) != null && (!(rdf.get(key) instanceof List<?> l) || l
				.stream().anyMatch(x -> !(x instanceof String)))) problems.add(
					"ModelDescriptor: " + key + " must be a list of strings");
		for (String key : List.of("weights", "config"))
			if (rdf.get(key) != null && !(rdf.get(key) instanceof Map)) problems.add(
				"ModelDescriptor: " + key + " must be a mapping");
		if (rdf.get("weights") == null) problems.add(
			"ModelWeight.build: no weights");
	}

	/** ModelDescriptor.buildAuthors / buildCiteElements: String values only. */
	private void people() {
		for (String key : List.of("authors", "maintainers", "packaged_by"))
			for (Map<String, Object> p : maps(rdf.get(key)))
				for (String field : List.of("affiliation", "email", "github_user",
					"name", "orcid"))
					string(p, field, "Author.build (" + key + ")");
		for (Map<String, Object> c : maps(rdf.get("cite")))
			for (String field : List.of("text", "doi", "url"))
				string(c, field, "Cite.build");
	}

	/**
	 * TensorSpecV05: {@code id} (or {@code name}) and {@code description}
	 * Strings, {@code axes} a list of maps, processing steps maps with an
	 * {@code id}, test and sample tensors maps with a String {@code source},
	 * {@code data} a map with a String {@code type}. AxisV05: every axis has a
	 * {@code type} (its {@code equals} is called), a space axis an {@code id}, a
	 * channel axis {@code channel_names} (its {@code size()} is called);
	 * {@code scale} and {@code halo} Numbers, {@code concatenable} a Boolean.
	 * AxisSize: a fixed {@code size} an Integer (cast with {@code (int)}), a size
	 * map with Number {@code min}, {@code step}, {@code offset} and String
	 * {@code tensor_id}, {@code axis_id}.
	 */
	private void tensors() {
		for (String side : List.of("inputs", "outputs")) {
			if (!(rdf.get(side) instanceof List)) problems.add(
				"ModelDescriptorV05: " + side + " must be a list");
			for (Map<String, Object> t : maps(rdf.get(side))) {
				String where = "TensorSpecV05 " + side + " " + t.get("id");
				if (!(t.get("id") instanceof String) && !(t.get(
					"name") instanceof String)) problems.add(where + ": no id");
				string(t, "description", where);
				if (!(t.get("axes") instanceof List<?> axes) || axes.stream().anyMatch(
					a -> !(a instanceof Map))) problems.add(where +
						": axes must be a list of mappings");
				for (String steps : List.of("preprocessing", "postprocessing"))
					for (Object s : t.get(steps) instanceof List<?> l ? l : List.of())
						if (!(s instanceof Map<?, ?> m) || !(m.get("id") instanceof String))
							problems.add(where + ": " + steps + " step " + s +
								" is not a mapping with an id");
				for (String file : List.of("test_tensor", "sample_tensor"))
					if (t.get(file) instanceof Map<?, ?> m && !(m.get(
						"source") instanceof String)) problems.add(where + ": " + file +
							".source must be a string");
				if (t.get("data") instanceof Map<?, ?> d) string(map(d), "type", where +
					" data");
				for (Map<String, Object> a : maps(t.get("axes")))
					axis(a, where);
			}
		}
	}

	private void axis(Map<String, Object> a, String tensor) {
		String where = "AxisV05 " + tensor + "." + a.get("id");
		if (!(a.get("type") instanceof String type)) {
			problems.add(where +
				": no type (type.equals throws NullPointerException)");
			return;
		}
		string(a, "id", where);
		if (type.equals("space") && a.get("id") == null) problems.add(where +
			": a space axis needs an id");
		if ((type.equals("channel") || "channel".equals(a.get("id"))) && !(a.get(
			"channel_names") instanceof List)) problems.add(where +
				": a channel axis needs channel_names (channelNames.size() throws NullPointerException)");
		for (String key : List.of("scale", "halo"))
			if (a.get(key) != null && !(a.get(key) instanceof Number)) problems.add(
				where + ": " + key + " must be a number");
		if (a.get("concatenable") != null && !(a.get(
			"concatenable") instanceof Boolean)) problems.add(where +
				": concatenable must be a boolean");
		Object size = a.get("size");
		if (size instanceof Number && !(size instanceof Integer)) problems.add(
			where + ": size " + size + " is not an Integer ((int) cast)");
		if (size instanceof Map<?, ?> m) {
			for (String key : List.of("tensor_id", "axis_id"))
				if (m.get(key) != null && !(m.get(key) instanceof String)) problems.add(
					where + ": size." + key + " must be a string");
			for (String key : List.of("min", "step", "offset"))
				if (m.get(key) != null && !(m.get(key) instanceof Number)) problems.add(
					where + ": size." + key + " must be a number");
		}
	}

	/**
	 * ModelWeight.build casts each weights entry to a map; OnnxWeights reads
	 * source, sha256 and opset_version.
	 */
	private void weights() {
		for (Map.Entry<String, Object> w : map(rdf.get("weights")).entrySet()) {
			if (!(w.getValue() instanceof Map)) {
				problems.add("ModelWeight.build: weights." + w.getKey() +
					" must be a mapping");
				continue;
			}
			string(map(w.getValue()), "source", "weights." + w.getKey());
			string(map(w.getValue()), "sha256", "weights." + w.getKey());
		}
		if (map(rdf.get("weights")).get("onnx") instanceof Map<?, ?> onnx && onnx
			.get("opset_version") != null && !(onnx.get(
				"opset_version") instanceof Integer || onnx.get(
					"opset_version") instanceof String)) problems.add(
						"OnnxWeights: opset_version must be an integer or a string");
	}

	/**
	 * ModelDescriptorV05.calculateTotalInputHalo: an output axis with a halo and
	 * a size reference makes JDLL look the reference up with
	 * {@code findInputTensor(...).getAxesInfo().getAxis(...)}: the referenced
	 * tensor must be an input, and its axis found by JDLL's abbreviation (b, c,
	 * or the id).
	 */
	private void haloPropagation() {
		for (Map<String, Object> out : maps(rdf.get("outputs")))
			for (Map<String, Object> a : maps(out.get("axes"))) {
				Map<String, Object> size = map(a.get("size"));
				if (number(a.get("halo"), 0) == 0 || size.get("tensor_id") == null)
					continue;
				Map<String, Object> input = maps(rdf.get("inputs")).stream().filter(
					t -> size.get("tensor_id").equals(t.get("id"))).findFirst().orElse(
						null);
				if (input == null) {
					problems.add("ModelDescriptorV05.calculateTotalInputHalo: " + out.get(
						"id") + "." + a.get("id") + " refers to " + size.get("tensor_id") +
						", which is not an input (NullPointerException)");
					continue;
				}
				boolean found = maps(input.get("axes")).stream().anyMatch(
					x -> abbreviation(x).equals(size.get("axis_id")));
				if (!found) problems.add(
					"ModelDescriptorV05.calculateTotalInputHalo: input " + size.get(
						"tensor_id") + " has no axis JDLL calls " + size.get("axis_id"));
			}
	}

	/**
	 * Whether JDLL's 0.4-style reading of every referenced output axis
	 * (TileMaker: output size = reference size x scale + 2 x offset;
	 * calculateTotalInputHalo: input halo = (halo + offset) / scale) gives what
	 * the specification's reading gives (reference size x reference scale / scale
	 * + offset; halo x scale / reference scale); each disagreement, one line.
	 */
	public static List<String> scaleReadingsAgree(Path rdfYaml) {
		JdllDescriptorContract c = new JdllDescriptorContract(rdfYaml);
		List<String> disagreements = new ArrayList<>();
		for (Map<String, Object> out : maps(c.rdf.get("outputs")))
			for (Map<String, Object> a : maps(out.get("axes"))) {
				Map<String, Object> size = map(a.get("size"));
				if (size.get("tensor_id") == null) continue;
				Map<String, Object> ref = maps(c.rdf.get("inputs")).stream().filter(
					t -> size.get("tensor_id").equals(t.get("id"))).flatMap(t -> maps(t
						.get("axes")).stream()).filter(x -> size.get("axis_id").equals(
							BioImageIoRules.axisId(x))).findFirst().orElse(Map.of());
				double scale = number(a.get("scale"), 1), refScale = number(ref.get(
					"scale"), 1);
				double offset = number(size.get("offset"), 0), halo = number(a.get(
					"halo"), 0);
				double specFactor = refScale / scale, jdllFactor = scale;
				String where = out.get("id") + "." + a.get("id");
				if (specFactor != jdllFactor || offset != 2 * offset) disagreements.add(
					where + ": output size = input x " + specFactor + " + " + offset +
						" (specification) but input x " + jdllFactor + " + " + 2 * offset +
						" (JDLL)");
				double specHalo = halo * scale / refScale, jdllHalo = (halo + offset) /
					scale;
				if (specHalo != jdllHalo) disagreements.add(where + ": input halo " +
					specHalo + " (specification) but " + jdllHalo + " (JDLL)");
			}
		return disagreements;
	}

	/**
	 * AxisV05's abbreviation: "b" for a batch axis, "c" for a channel axis, else
	 * the id.
	 */
	private static String abbreviation(Map<String, Object> a) {
		if ("batch".equals(a.get("type"))) return "b";
		if ("channel".equals(a.get("type")) || "channel".equals(a.get("id")))
			return "c";
		return String.valueOf(a.get("id"));
	}

	private void string(Map<String, Object> m, String key, String where) {
		Object v = m.get(key);
		if (v != null && !(v instanceof String)) problems.add(where + ": " + key +
			" is " + v.getClass().getSimpleName() + " '" + v +
			"', cast to String (ClassCastException)");
	}
}
