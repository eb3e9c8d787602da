
package org.fijigan.core.model.bioimage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.io.FileHashes;

/**
 * Reads bioimage.io model descriptors (rdf.yaml, format 0.4 and 0.5) and model
 * packages (.zip). The YAML is read with plain maps and lists only, never
 * arbitrary types, and bounded in size, nesting and aliases ({@link YamlNode});
 * {@link RdfTensors} reads the tensors and their processing steps,
 * {@link PackageArchive} unpacks a package. Stateless and safe to call from any
 * thread.
 */
public final class BioImageRdf {

	/** Most bytes a package may unpack to. */
	public static final long MAX_PACKAGE_BYTES = 2L << 30;
	/** Most entries (files and folders) a package may hold. */
	public static final int MAX_PACKAGE_ENTRIES = 10_000;
	/**
	 * Largest descriptor read. Real ones are a few kilobytes; SnakeYAML needs
	 * about a minute for a 9 MB scalar, so anything far larger than a descriptor
	 * is refused unread.
	 */
	public static final long MAX_DESCRIPTOR_BYTES = 1 << 20;

	private BioImageRdf() {}

	/**
	 * Reads a descriptor; relative paths in it resolve against its folder, which
	 * they may not leave.
	 */
	public static BioImageModel read(Path rdfYaml) {
		Path file = rdfYaml.toAbsolutePath().normalize();
		return parse(file, YamlNode.load(file));
	}

	/**
	 * Unpacks a bioimage.io model package into {@code extractDir} (created if
	 * absent, and required to be empty) and reads the descriptor found at its top
	 * level or in its single top folder. Entries with absolute paths or
	 * {@code ..} are rejected; so are packages over {@link #MAX_PACKAGE_BYTES} or
	 * {@link #MAX_PACKAGE_ENTRIES}. After a failure {@code extractDir} may hold
	 * part of the package; the caller owns and deletes it.
	 */
	public static BioImageModel readPackage(Path zip, Path extractDir) {
		return readPackage(zip, extractDir, MAX_PACKAGE_BYTES, MAX_PACKAGE_ENTRIES);
	}

	/**
	 * Unpacks a package as {@link #readPackage(Path, Path)} does and returns its
	 * descriptor's path, unread.
	 */
	public static Path unpackPackage(Path zip, Path extractDir) {
		return PackageArchive.unpack(zip, extractDir.toAbsolutePath().normalize(),
			MAX_PACKAGE_BYTES, MAX_PACKAGE_ENTRIES);
	}

	static BioImageModel readPackage(Path zip, Path extractDir, long maxBytes,
		int maxEntries)
	{
		return read(PackageArchive.unpack(zip, extractDir.toAbsolutePath()
			.normalize(), maxBytes, maxEntries));
	}

	private static BioImageModel parse(Path file, YamlNode doc) {
		if (!(doc.value() instanceof Map)) throw doc.error(
			"is not a bioimage.io descriptor (no YAML mapping at the top)");
		String type = doc.get("type").string();
		if (type != null && !type.equals("model")) throw doc.error("describes a " +
			type + ", not a model");
		String version = doc.get("format_version").requireString();
		boolean v05 = version.startsWith("0.5");
		if (!v05 && !version.startsWith("0.4")) throw doc.error("format_version " +
			version + " is not supported (0.4 and 0.5 are)");
		String name = doc.get("name").requireString();
		Path folder = file.getParent();

		YamlNode weights = doc.get("weights");
		YamlNode onnx = weights.get("onnx");
		if (onnx.isMissing()) throw new GanException("model " + name +
			" has no ONNX weights (has: " + String.join(", ", weights.keys()) +
			"); convert its weights to ONNX first");
		YamlNode source = onnx.get("source");
		Path onnxFile = resolveInside(folder, source);
		try {
			if (!onnxFile.toRealPath().startsWith(folder.toRealPath())) throw source
				.error("links outside the model folder");
		}
		catch (IOException e) {
			throw source.error("names ONNX weights " + onnxFile +
				" that do not exist");
		}

		Map<String, Double> axisScales = v05 ? RdfTensors.axisScales(doc) : Map
			.of();
		Map<String, TensorDescription> inputs = new LinkedHashMap<>();
		List<TensorDescription> outputs = new ArrayList<>();
		List<Path> testInputs = new ArrayList<>(), testOutputs = new ArrayList<>();
		for (YamlNode t : doc.get("inputs").list()) {
			TensorDescription input = RdfTensors.tensor(t, v05, false, inputs,
				axisScales);
			if (inputs.put(input.id(), input) != null) throw t.error(
				"repeats input " + input.id());
			if (v05) testInputs.add(testTensor(folder, t.get("test_tensor")));
		}
		for (YamlNode t : doc.get("outputs").list()) {
			outputs.add(RdfTensors.tensor(t, v05, true, inputs, axisScales));
			if (v05) testOutputs.add(testTensor(folder, t.get("test_tensor")));
		}
		if (!v05) {
			for (YamlNode n : doc.get("test_inputs").list())
				testInputs.add(resolveInside(folder, n));
			for (YamlNode n : doc.get("test_outputs").list())
				testOutputs.add(resolveInside(folder, n));
		}
		testInputs.removeIf(p -> p == null);
		testOutputs.removeIf(p -> p == null);

		List<String> authors = doc.get("authors").list().stream().map(a -> a
			.value() instanceof Map ? a.get("name").requireString() : a
				.requireString()).toList();
		YamlNode config = doc.get("config");
		if (!config.isMissing() && !(config.value() instanceof Map)) throw config
			.error("should be a mapping");
		@SuppressWarnings("unchecked")
		Map<String, Object> frozenConfig = (Map<String, Object>) YamlNode.freeze(
			config.value());
		YamlNode docs = doc.get("documentation");
		Path documentation = docs.isMissing() || docs.requireString().contains(
			"://") ? null : resolveInside(folder, docs);
		return doc.build(() -> new BioImageModel(name, doc.get("description")
			.string(), version, folder, onnxFile, onnx.get("sha256").string(), onnx
				.get("opset_version").integer(), List.copyOf(inputs.values()), outputs,
			doc.get("covers").strings(), testInputs, testOutputs, frozenConfig, doc
				.get("license").string(), authors, documentation));
	}

	private static Path testTensor(Path folder, YamlNode node) {
		if (node.isMissing()) return null;
		return resolveInside(folder, node.value() instanceof Map ? node.get(
			"source") : node);
	}

	/**
	 * Resolves a descriptor's relative path, refusing URLs, absolute paths and
	 * anything that leaves {@code folder}.
	 */
	/**
	 * Checks every file the descriptor gives with a {@code sha256} (weights, test
	 * and sample tensors, ...) against it: each must be in the package and have
	 * that checksum. Files given by URL are not checked, nor {@code checked}.
	 *
	 * @param checked a file whose checksum was checked already (the weights,
	 *          {@link BioImageModel#verifySha256}), or null
	 * @throws GanException naming the first file that is missing or differs
	 */
	public static void verifyChecksums(Path rdfYaml, Path checked) {
		Path file = rdfYaml.toAbsolutePath().normalize();
		verifyChecksums(YamlNode.load(file), file.getParent(), checked == null
			? null : checked.toAbsolutePath().normalize());
	}

	private static void verifyChecksums(YamlNode n, Path folder, Path skip) {
		if (n.value() instanceof Map) {
			YamlNode source = n.get("source"), sha = n.get("sha256");
			if (!source.isMissing() && !sha.isMissing() && source
				.value() instanceof String s && !s.contains("://"))
			{
				Path p = resolveInside(folder, source);
				if (!Files.isRegularFile(p)) throw source.error("names " + s +
					", which the package does not hold");
				String actual = p.equals(skip) ? null : FileHashes.sha256(p, "");
				if (actual != null && !actual.equalsIgnoreCase(sha.requireString()))
					throw new GanException(s + " in " + folder +
						" is damaged or not the published file: its sha256 is " + actual +
						" but the descriptor says " + sha.requireString());
			}
			for (String k : n.keys())
				verifyChecksums(n.get(k), folder, skip);
		}
		else if (n.value() instanceof List) for (YamlNode c : n.list())
			verifyChecksums(c, folder, skip);
	}

	/**
	 * The package's own files a descriptor names: every local {@code source}
	 * (weights, test and sample tensors), its {@code covers} and its
	 * {@code documentation}, as paths inside its folder; names that leave the
	 * folder or are URLs are left out.
	 *
	 * @throws GanException when the descriptor cannot be read
	 */
	public static List<Path> namedFiles(Path rdfYaml) {
		Path file = rdfYaml.toAbsolutePath().normalize();
		YamlNode doc = YamlNode.load(file);
		List<YamlNode> names = new ArrayList<>();
		collectSources(doc, names, java.util.Collections.newSetFromMap(
			new java.util.IdentityHashMap<>()));
		if (doc.get("documentation").value() instanceof String) names.add(doc.get(
			"documentation"));
		if (doc.get("covers").value() instanceof List) names.addAll(doc.get(
			"covers").list());
		List<Path> files = new ArrayList<>();
		for (YamlNode n : names)
			try {
				if (n.value() instanceof String) files.add(resolveInside(file
					.getParent(), n));
			}
			catch (GanException outsideOrUrl) {
				// not one of the package's own files
			}
		return files;
	}

	/**
	 * The {@code source} entries of {@code n} and below, each map or list once:
	 * YAML aliases can name one node many times over, which walked as a tree
	 * grows exponentially.
	 */
	private static void collectSources(YamlNode n, List<YamlNode> found,
		java.util.Set<Object> seen)
	{
		if (!(n.value() instanceof Map || n.value() instanceof List) || !seen.add(n
			.value())) return;
		if (n.value() instanceof Map) {
			if (n.get("source").value() instanceof String) found.add(n.get("source"));
			for (String k : n.keys())
				collectSources(n.get(k), found, seen);
		}
		else for (YamlNode c : n.list())
			collectSources(c, found, seen);
	}

	private static Path resolveInside(Path folder, YamlNode node) {
		String relative = node.requireString();
		if (relative.contains("://")) throw node.error("'" + relative +
			"' is a URL; download the model package and open the local copy");
		String refusal = "'" + relative +
			"' must be a relative path that stays inside the model folder";
		if (relative.startsWith("/") || relative.startsWith("\\") || relative
			.matches("[A-Za-z]:.*") || Arrays.asList(relative.split("[/\\\\]"))
				.contains("..")) throw node.error(refusal);
		try {
			Path resolved = folder.resolve(relative).normalize();
			if (!resolved.startsWith(folder)) throw node.error(refusal);
			return resolved;
		}
		catch (InvalidPathException e) {
			throw node.error(refusal);
		}
	}
}
