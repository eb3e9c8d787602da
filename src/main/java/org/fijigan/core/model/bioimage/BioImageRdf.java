package org.fijigan.core.model.bioimage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.Axis.SizeReference;
import org.fijigan.core.model.bioimage.ProcessingStep.*;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads bioimage.io model descriptors (rdf.yaml, format 0.4 and 0.5) and model packages (.zip). The
 * YAML is read with plain maps and lists only, never arbitrary types, and bounded in size, nesting
 * and aliases. Stateless and safe to call from any thread.
 */
public final class BioImageRdf {
	/** Most bytes a package may unpack to. */
	public static final long MAX_PACKAGE_BYTES = 2L << 30;
	/** Most entries (files and folders) a package may hold. */
	public static final int MAX_PACKAGE_ENTRIES = 10_000;
	/**
	 * Largest descriptor read. Real ones are a few kilobytes; SnakeYAML needs about a minute for a
	 * 9 MB scalar, so anything far larger than a descriptor is refused unread.
	 */
	public static final long MAX_DESCRIPTOR_BYTES = 1 << 20;

	private BioImageRdf() {}

	/** Reads a descriptor; relative paths in it resolve against its folder, which they may not leave. */
	public static BioImageModel read(Path rdfYaml) {
		Path file = rdfYaml.toAbsolutePath().normalize();
		return parse(file, new Node(loadYaml(file), "", file.toString()));
	}

	/**
	 * Unpacks a bioimage.io model package into {@code extractDir} (created if absent, and required to
	 * be empty) and reads the descriptor found at its top level or in its single top folder. Entries
	 * with absolute paths or {@code ..} are rejected; so are packages over {@link #MAX_PACKAGE_BYTES}
	 * or {@link #MAX_PACKAGE_ENTRIES}. After a failure {@code extractDir} may hold part of the package;
	 * the caller owns and deletes it.
	 */
	public static BioImageModel readPackage(Path zip, Path extractDir) {
		return readPackage(zip, extractDir, MAX_PACKAGE_BYTES, MAX_PACKAGE_ENTRIES);
	}

	static BioImageModel readPackage(Path zip, Path extractDir, long maxBytes, int maxEntries) {
		Path root = extractDir.toAbsolutePath().normalize();
		unzip(zip, root, maxBytes, maxEntries);
		Path descriptor = descriptorIn(root, zip);
		if (descriptor == null) {
			List<Path> top = list(root).stream().filter(p -> !p.getFileName().toString().equals("__MACOSX")).toList();
			if (top.size() == 1 && Files.isDirectory(top.get(0))) descriptor = descriptorIn(top.get(0), zip);
		}
		if (descriptor == null) throw new GanException(zip +
			" holds no rdf.yaml or bioimageio.yaml at its top level; is it a bioimage.io model package?");
		return read(descriptor);
	}

	private static BioImageModel parse(Path file, Node doc) {
		if (!(doc.value() instanceof Map)) throw doc.error("is not a bioimage.io descriptor (no YAML mapping at the top)");
		String type = doc.get("type").string();
		if (type != null && !type.equals("model")) throw doc.error("describes a " + type + ", not a model");
		String version = doc.get("format_version").requireString();
		boolean v05 = version.startsWith("0.5");
		if (!v05 && !version.startsWith("0.4"))
			throw doc.error("format_version " + version + " is not supported (0.4 and 0.5 are)");
		String name = doc.get("name").requireString();
		Path folder = file.getParent();

		Node weights = doc.get("weights");
		Node onnx = weights.get("onnx");
		if (onnx.isMissing()) throw new GanException("model " + name + " has no ONNX weights (has: " +
			String.join(", ", weights.keys()) + "); convert its weights to ONNX first");
		Node source = onnx.get("source");
		Path onnxFile = resolveInside(folder, source);
		try {
			if (!onnxFile.toRealPath().startsWith(folder.toRealPath())) throw source.error("links outside the model folder");
		}
		catch (IOException e) {
			throw source.error("names ONNX weights " + onnxFile + " that do not exist");
		}

		Map<String, Double> axisScales = v05 ? axisScales(doc) : Map.of();
		Map<String, TensorDescription> inputs = new LinkedHashMap<>();
		List<TensorDescription> outputs = new ArrayList<>();
		List<Path> testInputs = new ArrayList<>(), testOutputs = new ArrayList<>();
		for (Node t : doc.get("inputs").list()) {
			TensorDescription input = tensor(t, v05, false, inputs, axisScales);
			if (inputs.put(input.id(), input) != null) throw t.error("repeats input " + input.id());
			if (v05) testInputs.add(testTensor(folder, t.get("test_tensor")));
		}
		for (Node t : doc.get("outputs").list()) {
			outputs.add(tensor(t, v05, true, inputs, axisScales));
			if (v05) testOutputs.add(testTensor(folder, t.get("test_tensor")));
		}
		if (!v05) {
			for (Node n : doc.get("test_inputs").list()) testInputs.add(resolveInside(folder, n));
			for (Node n : doc.get("test_outputs").list()) testOutputs.add(resolveInside(folder, n));
		}
		testInputs.removeIf(p -> p == null);
		testOutputs.removeIf(p -> p == null);

		List<String> authors = doc.get("authors").list().stream()
			.map(a -> a.value() instanceof Map ? a.get("name").requireString() : a.requireString()).toList();
		Node config = doc.get("config");
		if (!config.isMissing() && !(config.value() instanceof Map)) throw config.error("should be a mapping");
		@SuppressWarnings("unchecked")
		Map<String, Object> frozenConfig = (Map<String, Object>) freeze(config.value());
		Node docs = doc.get("documentation");
		Path documentation = docs.isMissing() || docs.requireString().contains("://") ? null : resolveInside(folder, docs);
		return build(doc, () -> new BioImageModel(name, doc.get("description").string(), version, folder, onnxFile,
			onnx.get("sha256").string(), onnx.get("opset_version").integer(), List.copyOf(inputs.values()), outputs,
			doc.get("covers").strings(), testInputs, testOutputs, frozenConfig, doc.get("license").string(), authors,
			documentation));
	}

	private static TensorDescription tensor(Node t, boolean v05, boolean output, Map<String, TensorDescription> inputs,
		Map<String, Double> axisScales)
	{
		String id = t.get(v05 ? "id" : "name").requireString();
		List<Axis> axes = v05 ? axes05(t, axisScales) : axes04(t, inputs);
		String dataType;
		if (v05) {
			Node data = t.get("data");
			dataType = (data.value() instanceof List<?> l && !l.isEmpty() ? data.list().get(0) : data).get("type").string("float32");
		}
		else dataType = t.get("data_type").string("float32");
		List<ProcessingStep> steps = new ArrayList<>();
		for (Node s : t.get(output ? "postprocessing" : "preprocessing").list())
			steps.add(build(s, () -> step(s, v05, axes)));
		return build(t, () -> new TensorDescription(id, dataType, axes, steps));
	}

	private static List<Axis> axes04(Node t, Map<String, TensorDescription> inputs) {
		Node axesNode = t.get("axes");
		String letters = axesNode.requireString();
		int n = letters.length();
		Node shape = t.get("shape");
		Node haloNode = t.get("halo");
		int[] halo = haloNode.isMissing() ? new int[n] : haloNode.ints(n, letters);
		String refTensor = shape.value() instanceof Map ? shape.get("reference_tensor").string() : null;
		TensorDescription ref = refTensor == null ? null : inputs.get(refTensor);
		if (refTensor != null && ref == null) throw shape.error("refers to " + refTensor + ", which is not an input");
		int[] fixed = shape.value() instanceof List ? shape.ints(n, letters) : null;
		int[] min = fixed == null && ref == null ? shape.get("min").ints(n, letters) : null;
		int[] step = min == null ? null : shape.get("step").ints(n, letters);
		List<Node> scale = ref == null ? null : shape.get("scale").list();
		double[] offset = ref == null ? null : shape.get("offset").isMissing() ? new double[n] : shape.get("offset").numbers(0);
		if (ref != null && (scale.size() != n || offset.length != n))
			throw shape.error("should give one scale and one offset per axis of '" + letters + "'");
		List<Axis> axes = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			String id = String.valueOf(letters.charAt(i));
			Axis.Type type = switch (letters.charAt(i)) {
				case 'b' -> Axis.Type.BATCH;
				case 'c' -> Axis.Type.CHANNEL;
				case 'x', 'y', 'z' -> Axis.Type.SPACE;
				case 't' -> Axis.Type.TIME;
				case 'i' -> Axis.Type.INDEX;
				default -> throw axesNode.error("has unknown axis '" + id + "' (known: b, c, x, y, z, t, i)");
			};
			Integer size = fixed == null ? null : fixed[i], mn = null, st = null;
			SizeReference reference = null;
			if (min != null && step[i] == 0) size = min[i];
			else if (min != null) { mn = min[i]; st = step[i]; }
			if (ref != null) {
				double doubledOffset = 2 * offset[i];
				if (doubledOffset != Math.rint(doubledOffset)) throw shape.error("offset " + offset[i] + " is not a multiple of 0.5");
				Double factor = scale.get(i).number();
				if (factor == null) size = doubledOffset > 0 ? (int) doubledOffset : null;
				else reference = new SizeReference(ref.id(), i < ref.axes().size() ? ref.axes().get(i).id() : id, factor,
					(int) doubledOffset);
			}
			Integer fixedSize = size, minSize = mn, stepSize = st;
			SizeReference sizeReference = reference;
			int haloPixels = halo[i];
			axes.add(build(t, () -> new Axis(type, id, fixedSize, minSize, stepSize, sizeReference, 1.0, haloPixels, List.of())));
		}
		return axes;
	}

	private static List<Axis> axes05(Node t, Map<String, Double> axisScales) {
		List<Axis> axes = new ArrayList<>();
		for (Node a : t.get("axes").list()) {
			Axis.Type type = type05(a);
			String id = a.get("id").string(defaultId(type));
			List<String> channelNames = a.get("channel_names").strings();
			double scale = type == Axis.Type.SPACE || type == Axis.Type.TIME ? a.get("scale").number(1.0) : 1.0;
			Node s = a.get("size");
			Integer size = null, min = null, step = null;
			SizeReference reference = null;
			if (s.value() instanceof Map && !s.get("tensor_id").isMissing()) {
				String tensorId = s.get("tensor_id").requireString(), axisId = s.get("axis_id").requireString();
				Double refScale = axisScales.get(tensorId + "/" + axisId);
				if (refScale == null) throw s.error("refers to axis " + axisId + " of " + tensorId + ", which does not exist");
				reference = new SizeReference(tensorId, axisId, refScale / scale, s.get("offset").integer(0));
			}
			else if (s.value() instanceof Map && !s.get("step").isMissing()) {
				min = s.get("min").requireInteger();
				step = s.get("step").requireInteger();
				if (step == 0) { size = min; min = step = null; }
			}
			else if (!(s.value() instanceof Map)) size = s.integer();
			if (size == null && type == Axis.Type.CHANNEL && !channelNames.isEmpty()) size = channelNames.size();
			Integer fixedSize = size, minSize = min, stepSize = step;
			SizeReference sizeReference = reference;
			int halo = a.get("halo").integer(0);
			axes.add(build(a, () -> new Axis(type, id, fixedSize, minSize, stepSize, sizeReference, scale, halo, channelNames)));
		}
		return axes;
	}

	/** The 0.5 scale of every axis of every tensor, keyed "tensor/axis", so size references can turn scales into a size factor. */
	private static Map<String, Double> axisScales(Node doc) {
		Map<String, Double> scales = new HashMap<>();
		for (String side : List.of("inputs", "outputs"))
			for (Node t : doc.get(side).list())
				for (Node a : t.get("axes").list()) {
					Axis.Type type = type05(a);
					double scale = type == Axis.Type.SPACE || type == Axis.Type.TIME ? a.get("scale").number(1.0) : 1.0;
					scales.put(t.get("id").requireString() + "/" + a.get("id").string(defaultId(type)), scale);
				}
		return scales;
	}

	private static Axis.Type type05(Node a) {
		String type = a.get("type").requireString();
		try {
			return Axis.Type.valueOf(type.toUpperCase(java.util.Locale.ROOT));
		}
		catch (IllegalArgumentException e) {
			throw a.get("type").error("'" + type + "' is not one of batch, channel, space, time, index");
		}
	}

	private static String defaultId(Axis.Type type) {
		return type == Axis.Type.SPACE ? "x" : type.name().toLowerCase(java.util.Locale.ROOT);
	}

	private static ProcessingStep step(Node s, boolean v05, List<Axis> tensorAxes) {
		String name = s.get(v05 ? "id" : "name").requireString();
		Node kw = s.get("kwargs");
		String along = kw.get("axis").string();
		if (along != null && tensorAxes.stream().noneMatch(a -> a.id().equals(along)))
			throw kw.get("axis").error("'" + along + "' is not an axis of this tensor");
		List<String> axes = along != null ? tensorAxes.stream()
			.filter(a -> a.type() != Axis.Type.BATCH && !a.id().equals(along)).map(Axis::id).toList() : axesArgument(kw, tensorAxes);
		return switch (name) {
			case "scale_range" -> new ScaleRange(kw.get("mode").string("per_sample"), axes, kw.get("min_percentile").number(0),
				kw.get("max_percentile").number(100), kw.get("eps").number(1e-6), kw.get("reference_tensor").string());
			case "zero_mean_unit_variance", "fixed_zero_mean_unit_variance" -> {
				boolean fixed = name.startsWith("fixed") || !kw.get("mean").isMissing();
				yield new ZeroMeanUnitVariance(kw.get("mode").string(fixed ? "fixed" : "per_sample"), axes,
					kw.get("mean").isMissing() ? null : kw.get("mean").numbers(0), kw.get("std").isMissing() ? null : kw.get("std").numbers(1),
					kw.get("eps").number(name.startsWith("fixed") ? 0 : 1e-6));
			}
			case "scale_linear" -> new ScaleLinear(kw.get("gain").numbers(1), kw.get("offset").numbers(0), axes);
			case "clip" -> new Clip(kw.get("min").number(Double.NEGATIVE_INFINITY), kw.get("max").number(Double.POSITIVE_INFINITY));
			case "sigmoid" -> new Sigmoid();
			case "binarize" -> kw.get("threshold").value() instanceof List ? new Unsupported("binarize with one threshold per " + along)
				: new Binarize(kw.get("threshold").requireNumber());
			case "scale_mean_variance" -> new ScaleMeanVariance(kw.get("mode").string("per_sample"),
				kw.get("reference_tensor").requireString(), axes, kw.get("eps").number(1e-6));
			case "ensure_dtype" -> new EnsureDtype(kw.get("dtype").requireString());
			default -> new Unsupported(name);
		};
	}

	/** The axes a step processes jointly: a 0.4 letter string ("xy"), a 0.5 list, or all axes of the tensor. */
	private static List<String> axesArgument(Node kw, List<Axis> tensorAxes) {
		Node node = kw.get("axes");
		List<String> ids = tensorAxes.stream().map(Axis::id).toList();
		if (node.isMissing()) return ids;
		List<String> axes = node.value() instanceof String letters ? letters.chars().mapToObj(c -> String.valueOf((char) c)).toList()
			: node.strings();
		for (String axis : axes)
			if (!ids.contains(axis)) throw node.error("names '" + axis + "', which is not one of this tensor's axes " + ids);
		return axes;
	}

	private static Path testTensor(Path folder, Node node) {
		if (node.isMissing()) return null;
		return resolveInside(folder, node.value() instanceof Map ? node.get("source") : node);
	}

	/** Resolves a descriptor's relative path, refusing URLs, absolute paths and anything that leaves {@code folder}. */
	private static Path resolveInside(Path folder, Node node) {
		String relative = node.requireString();
		if (relative.contains("://"))
			throw node.error("'" + relative + "' is a URL; download the model package and open the local copy");
		String refusal = "'" + relative + "' must be a relative path that stays inside the model folder";
		if (relative.startsWith("/") || relative.startsWith("\\") || relative.matches("[A-Za-z]:.*")
			|| Arrays.asList(relative.split("[/\\\\]")).contains("..")) throw node.error(refusal);
		try {
			Path resolved = folder.resolve(relative).normalize();
			if (!resolved.startsWith(folder)) throw node.error(refusal);
			return resolved;
		}
		catch (InvalidPathException e) {
			throw node.error(refusal);
		}
	}

	private static Object loadYaml(Path file) {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setMaxAliasesForCollections(50);
		options.setNestingDepthLimit(64);
		options.setCodePointLimit((int) MAX_DESCRIPTOR_BYTES);
		Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(), options);
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			if (Files.size(file) > MAX_DESCRIPTOR_BYTES) throw new GanException(file + ": not valid YAML: " +
				Files.size(file) + " bytes is far too large for a model descriptor (at most " + MAX_DESCRIPTOR_BYTES +
				")");
			return yaml.load(reader);
		}
		catch (MarkedYAMLException e) {
			Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
			throw new GanException(file + (mark == null ? "" : " line " + (mark.getLine() + 1)) + ": not valid YAML: " +
				e.getProblem(), e);
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

	/** A read-only deep copy of YAML maps and lists. */
	private static Object freeze(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
			return Collections.unmodifiableMap(copy);
		}
		if (value instanceof List<?> list) return Collections.unmodifiableList(new ArrayList<>(list.stream().map(BioImageRdf::freeze).toList()));
		return value;
	}

	private static void unzip(Path zip, Path root, long maxBytes, int maxEntries) {
		try {
			Files.createDirectories(root);
			if (!list(root).isEmpty()) throw new GanException("cannot unpack " + zip + " into " + root + ": the folder is not empty");
			long total = 0;
			int entries = 0;
			try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files.newInputStream(zip)))) {
				byte[] buffer = new byte[1 << 16];
				for (ZipEntry entry; (entry = in.getNextEntry()) != null;) {
					if (++entries > maxEntries) throw new GanException(zip + " has more than " + maxEntries + " entries; refusing to unpack it");
					Path target = entryTarget(root, entry.getName(), zip);
					if (entry.isDirectory()) {
						Files.createDirectories(target);
						continue;
					}
					Files.createDirectories(target.getParent());
					try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
						for (int n; (n = in.read(buffer)) > 0;) {
							total += n;
							if (total > maxBytes) throw new GanException(zip + " unpacks to more than " + maxBytes + " bytes; refusing to unpack it");
							out.write(buffer, 0, n);
						}
					}
				}
			}
			if (entries == 0) throw new GanException(zip + " is empty or not a zip file");
		}
		catch (FileAlreadyExistsException e) {
			throw new GanException(zip + " holds " + root.relativize(Path.of(e.getFile())) + " twice", e);
		}
		catch (ZipException e) {
			throw new GanException(zip + " is not a valid zip file: " + e.getMessage(), e);
		}
		catch (IllegalArgumentException e) { // ZipInputStream's answer to an entry name that is not UTF-8
			throw new GanException(zip + " is not a valid zip file: an entry name is not valid UTF-8", e);
		}
		catch (IOException e) {
			throw new GanException("cannot unpack " + zip + ": " + e, e);
		}
	}

	private static Path entryTarget(Path root, String name, Path zip) {
		GanException refusal = new GanException(zip + " has an entry '" + name + "' that would land outside the folder it unpacks to; refusing to unpack it");
		if (name.startsWith("/") || name.startsWith("\\") || name.matches("[A-Za-z]:.*")
			|| Arrays.asList(name.split("[/\\\\]")).contains("..")) throw refusal;
		try {
			Path target = root.resolve(name.replace('\\', '/')).normalize();
			if (!target.startsWith(root) || target.equals(root)) throw refusal;
			return target;
		}
		catch (InvalidPathException e) {
			throw refusal;
		}
	}

	/** The descriptor directly in {@code dir}: bioimageio.yaml, rdf.yaml, or the one *.rdf.yaml / *.bioimageio.yaml. */
	private static Path descriptorIn(Path dir, Path zip) {
		List<String> names = list(dir).stream().filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
		for (String preferred : List.of("bioimageio.yaml", "rdf.yaml"))
			if (names.contains(preferred)) return dir.resolve(preferred);
		List<String> others = names.stream().filter(n -> n.endsWith(".rdf.yaml") || n.endsWith(".bioimageio.yaml")).toList();
		if (others.size() > 1) throw new GanException(zip + " holds several descriptors " + others + "; which one is the model?");
		return others.isEmpty() ? null : dir.resolve(others.get(0));
	}

	private static List<Path> list(Path dir) {
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.toList();
		}
		catch (IOException e) {
			throw new GanException("cannot list " + dir + ": " + e, e);
		}
	}

	/** Runs a record constructor and gives its complaint the file and place it came from. */
	private static <T> T build(Node where, Supplier<T> constructor) {
		try {
			return constructor.get();
		}
		catch (GanException e) {
			if (e.getMessage().startsWith(where.file() + ":")) throw e;
			throw where.error(e.getMessage());
		}
	}

	/** A YAML value and where it sits ("inputs[0].axes[2].size"), so every complaint can name its place. */
	private record Node(Object value, String where, String file) {
		Node get(String key) {
			if (value != null && !(value instanceof Map)) throw error("should be a mapping");
			return new Node(value == null ? null : ((Map<?, ?>) value).get(key), where.isEmpty() ? key : where + "." + key, file);
		}

		boolean isMissing() {
			return value == null;
		}

		List<String> keys() {
			return value instanceof Map<?, ?> map ? map.keySet().stream().map(String::valueOf).toList() : List.of();
		}

		List<Node> list() {
			if (value == null) return List.of();
			if (!(value instanceof List<?> items)) throw error("should be a list");
			List<Node> nodes = new ArrayList<>();
			for (int i = 0; i < items.size(); i++)
				nodes.add(new Node(items.get(i), where + "[" + i + "]", file));
			return nodes;
		}

		String string() {
			if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean)
				return value == null ? null : value.toString();
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
			return list().stream().map(Node::requireString).toList();
		}

		/** YAML 1.1 reads {@code 1e-6} (no dot) as text, so numeric text counts as a number. */
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
			if (value instanceof List) return list().stream().mapToDouble(Node::requireNumber).toArray();
			return new double[] { number(fallback) };
		}

		Integer integer() {
			Double d = number();
			if (d == null) return null;
			if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw error("should be a whole number, is " + value);
			return d.intValue();
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

		int[] ints(int count, String axes) {
			List<Node> items = list();
			if (items.size() != count) throw error("should have " + count + " entries, one per axis of '" + axes + "', has " + items.size());
			return items.stream().mapToInt(Node::requireInteger).toArray();
		}

		GanException error(String message) {
			return new GanException(file + ": " + (where.isEmpty() ? "" : where + " ") + message);
		}
	}
}
