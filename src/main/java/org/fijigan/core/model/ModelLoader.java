package org.fijigan.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.model.bioimage.Axis;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.TensorDescription;
import org.fijigan.core.tiling.AxisConstraint;

/**
 * Turns what a user names as a model into a {@link ModelDescriptor}: an {@code .onnx} file, a
 * bioimage.io {@code rdf.yaml} (format 0.4 or 0.5), a bioimage.io {@code .zip} package, a folder
 * holding an {@code rdf.yaml}, or the name of a bundled model.
 * <p>
 * Each choice comes from the first source that states it: the user's overrides, the bioimage.io
 * descriptor (and its {@code config.fiji-gan} section), the ONNX {@code metadata_props} (keys
 * {@link #META_TASK} etc.), the graph itself, and finally a probe run. {@link ModelDescriptor#origins()}
 * records which.
 */
public final class ModelLoader {
	public static final String META_TASK = "fiji-gan.task";
	public static final String META_SCALE = "fiji-gan.scale";
	public static final String META_HALO = "fiji-gan.halo";
	/** Value range of input and output, e.g. {@code -1,1}. */
	public static final String META_RANGE = "fiji-gan.value_range";
	/** {@code subtract}: the output is what to remove from the input (a noise prediction). */
	public static final String META_RESIDUAL = "fiji-gan.residual";
	/** Mask value that marks a hole: {@code 1} (default) or {@code 0}. */
	public static final String META_MASK_HOLE = "fiji-gan.mask_hole_value";
	/** Comma-separated class names of a conditional generator. */
	public static final String META_CLASS_NAMES = "fiji-gan.class_names";

	/** System property naming the bundled-models folder (the launcher sets it). */
	public static final String MODELS_DIR_PROPERTY = "fijigan.models.dir";

	private static final List<String> KNOWN_DOMAINS = List.of("", "ai.onnx", "ai.onnx.ml",
		"com.microsoft");

	/**
	 * Largest size a model may declare for one axis of an input or output. Real image models stay far
	 * below; a hostile one declaring {@code [1e9, 1e9]} is refused before anything is allocated.
	 */
	public static final long MAX_DECLARED_DIMENSION = 1 << 20;
	/** Most float elements the probe run ({@code probeScale}) may feed the model: 64 MiB. */
	static final long MAX_PROBE_ELEMENTS = 1 << 24;
	/** Longest value of a {@code fiji-gan.*} metadata key that is read. */
	static final int MAX_META_VALUE_CHARS = 64 * 1024;

	private ModelLoader() {}

	/** Loads and describes a model, then applies {@code overrides}. */
	public static ModelDescriptor load(String reference, ModelOverrides overrides) {
		if (reference == null || reference.isBlank()) throw new GanException("no model given");
		Path path = Path.of(reference);
		if (!Files.exists(path)) {
			Optional<Path> bundled = findBundled(reference);
			if (bundled.isEmpty()) throw new GanException("model '" + reference +
				"' not found: it is neither a file nor a bundled model" + bundledHint());
			path = bundled.get();
		}
		if (Files.isDirectory(path)) path = rdfIn(path);
		String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
		ModelOverrides o = overrides == null ? ModelOverrides.NONE : overrides;
		if (file.endsWith(".zip")) {
			Path dir = extractionDir(path);
			BioImageModel rdf;
			if (Files.exists(dir.resolve(".complete"))) {
				rdf = BioImageRdf.read(rdfIn(unpackedFolder(dir)));
				rdf.verifySha256(); // the unpacked copy sits in a shared temp folder: check it again
			}
			else rdf = extract(path, dir);
			return describeModel(rdf.onnxWeights(), rdf, o);
		}
		if (file.endsWith(".yaml") || file.endsWith(".yml")) {
			BioImageModel rdf = BioImageRdf.read(path);
			rdf.verifySha256();
			return describeModel(rdf.onnxWeights(), rdf, o);
		}
		return describeModel(path, null, o);
	}

	/** The folders under the bundled-models folder that hold an rdf.yaml or a model.onnx, by name. */
	public static List<String> bundledNames() {
		List<String> names = new ArrayList<>();
		Path dir = modelsDir();
		if (dir == null || !Files.isDirectory(dir)) return names;
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
			for (Path p : ds)
				if (Files.isRegularFile(p.resolve("rdf.yaml")) || Files.isRegularFile(p.resolve(
					ModelStore.ONNX_FILE))) names.add(p.getFileName().toString());
		}
		catch (IOException e) {
			return names;
		}
		names.sort(null);
		return names;
	}

	/** The bundled-models folder: system property, then {@code FIJI_GAN_MODELS}, then {@code ./models}. */
	public static Path modelsDir() {
		String p = System.getProperty(MODELS_DIR_PROPERTY);
		if (p == null || p.isBlank()) p = System.getenv("FIJI_GAN_MODELS");
		if (p == null || p.isBlank()) p = "models";
		return Path.of(p);
	}

	private static Optional<Path> findBundled(String name) {
		Path dir = modelsDir();
		if (dir == null || name.contains("/") || name.contains("\\") || name.contains("..")) return Optional
			.empty();
		Path rdf = dir.resolve(name).resolve("rdf.yaml"), onnx = dir.resolve(name).resolve(ModelStore.ONNX_FILE);
		if (Files.isRegularFile(rdf)) return Optional.of(rdf);
		return Files.isRegularFile(onnx) ? Optional.of(onnx) : Optional.empty(); // installed by ModelStore
	}

	private static String bundledHint() {
		List<String> names = bundledNames();
		return names.isEmpty() ? "" : " (bundled: " + String.join(", ", names) + ")";
	}

	private static Path rdfIn(Path dir) {
		for (String n : new String[] { "rdf.yaml", "bioimageio.yaml" })
			if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.rdf.yaml")) {
			for (Path p : ds)
				return p;
		}
		catch (IOException e) {
			// below
		}
		if (Files.isRegularFile(dir.resolve(ModelStore.ONNX_FILE))) return dir.resolve(ModelStore.ONNX_FILE);
		throw new GanException("folder " + dir + " holds no rdf.yaml model descriptor");
	}

	/**
	 * Packages are unpacked once per content hash under the temp folder and reused. The folder
	 * holding them must belong to this user and be writable by no one else (it is created so): on a
	 * shared machine another user could otherwise plant a model under a package's hash.
	 */
	private static Path extractionDir(Path zip) {
		Path root = Path.of(System.getProperty("java.io.tmpdir"), "fiji-gan-models");
		try {
			if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
				try {
					if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) Files.createDirectory(root,
						java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions
							.fromString("rwx------")));
					else Files.createDirectory(root);
				}
				catch (java.nio.file.FileAlreadyExistsException e) {
					// made by a concurrent load: checked below like any other
				}
			}
			if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				Path mine = Files.createTempFile("fiji-gan-owner", ".tmp");
				try {
					var attrs = Files.readAttributes(root, java.nio.file.attribute.PosixFileAttributes.class,
						java.nio.file.LinkOption.NOFOLLOW_LINKS);
					var perms = attrs.permissions();
					if (!attrs.isDirectory() || !attrs.owner().equals(Files.getOwner(mine)) || perms.contains(
						java.nio.file.attribute.PosixFilePermission.GROUP_WRITE) || perms.contains(
							java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) throw new GanException("cannot unpack " +
								zip + ": " + root + " is not a private folder of this user; remove it, or point java.io.tmpdir " +
								"at a private folder");
				}
				finally {
					Files.deleteIfExists(mine);
				}
			}
		}
		catch (IOException e) {
			throw new GanException("cannot unpack " + zip + " under " + root + ": " + e.getMessage(), e);
		}
		return root.resolve(sha256(zip).substring(0, 16)).toAbsolutePath().normalize();
	}

	private static synchronized BioImageModel extract(Path zip, Path dir) {
		try {
			if (Files.exists(dir)) deleteTree(dir);
			BioImageModel m = BioImageRdf.readPackage(zip, dir);
			m.verifySha256();
			// The marker names the descriptor's folder inside dir ("" at the top, "pkg" for one top folder).
			Files.writeString(dir.resolve(".complete"), dir.relativize(m.folder().toAbsolutePath().normalize())
				.toString());
			return m;
		}
		catch (IOException e) {
			throw new GanException("cannot unpack " + zip + ": " + e.getMessage(), e);
		}
		catch (GanException e) {
			try {
				deleteTree(dir);
			}
			catch (IOException ignored) {
				// best effort
			}
			throw e;
		}
	}

	/** The folder holding the descriptor of a package unpacked earlier into {@code dir}. */
	private static Path unpackedFolder(Path dir) {
		try {
			String relative = Files.readString(dir.resolve(".complete")).strip();
			Path folder = dir.resolve(relative).normalize();
			if (!folder.startsWith(dir)) throw new GanException(dir + " is damaged; remove it and load the package again");
			return folder;
		}
		catch (IOException | java.nio.file.InvalidPathException e) {
			throw new GanException("cannot read " + dir.resolve(".complete") + ": " + e.getMessage(), e);
		}
	}

	private static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir)) return;
		try (var s = Files.walk(dir)) {
			for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList())
				Files.deleteIfExists(p);
		}
	}

	/** SHA-256 of a file, lower-case hex, streamed. */
	public static String sha256(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			MessageDigest md = MessageDigest.getInstance("SHA-256");
			byte[] buf = new byte[1 << 16];
			for (int n; (n = in.read(buf)) > 0;)
				md.update(buf, 0, n);
			return HexFormat.of().formatHex(md.digest());
		}
		catch (IOException e) {
			throw new GanException("cannot read " + file + ": " + e.getMessage(), e);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static ModelDescriptor describeModel(Path onnx, BioImageModel rdf, ModelOverrides o) {
		OnnxGraphInfo g = OnnxGraphInfo.read(onnx);
		for (String d : g.nonStandardDomains())
			if (!KNOWN_DOMAINS.contains(d)) throw new GanException("model " + onnx.getFileName() +
				" uses custom operators of domain '" + d + "', which fiji-gan does not load");
		checkExternalData(onnx, g.externalDataLocations());
		for (List<ValueInfo> list : List.of(g.inputs(), g.outputs()))
			for (ValueInfo v : list)
				for (long d : v.dims())
					if (d > MAX_DECLARED_DIMENSION) throw new GanException("model " + onnx.getFileName() +
						" declares '" + v.name() + "' with shape " + v.shapeString() + "; fiji-gan refuses axes over " +
						MAX_DECLARED_DIMENSION);
		for (Map.Entry<String, String> e : g.metadata().entrySet())
			if (e.getKey().startsWith("fiji-gan.") && e.getValue().length() > MAX_META_VALUE_CHARS)
				throw new GanException("model " + onnx.getFileName() + ": metadata " + e.getKey() + " is " + e
					.getValue().length() + " characters long; at most " + MAX_META_VALUE_CHARS + " are read");
		try {
			return new Inference(onnx, g, rdf, o).describe();
		}
		catch (NumberFormatException e) {
			throw new GanException("model " + onnx.getFileName() + " states a number that is not one: " + e
				.getMessage(), e);
		}
	}

	/**
	 * Every external-data file must be a relative path that stays inside the model's folder, also
	 * after following symbolic links, and must exist: ONNX Runtime opens these files itself, so a
	 * model that names {@code /etc/shadow} or {@code ../../secret} is refused before it gets there.
	 */
	static void checkExternalData(Path onnx, List<String> locations) {
		if (locations.isEmpty()) return;
		String name = onnx.getFileName().toString();
		Path folder = onnx.toAbsolutePath().normalize().getParent();
		Path realFolder;
		try {
			realFolder = folder.toRealPath();
		}
		catch (IOException e) {
			throw new GanException("cannot resolve the folder of model " + name + ": " + e.getMessage(), e);
		}
		for (String loc : locations) {
			String refusal = "model " + name + " refers to external data outside its folder: '" + loc + "'";
			if (loc.isEmpty()) throw new GanException("model " + name +
				" has a tensor stored as external data without a location");
			if (loc.indexOf('\0') >= 0 || loc.startsWith("/") || loc.startsWith("\\") || loc.matches(
				"[A-Za-z]:.*") || List.of(loc.split("[/\\\\]")).contains("..")) throw new GanException(refusal);
			Path p;
			try {
				p = Path.of(loc);
			}
			catch (java.nio.file.InvalidPathException e) {
				throw new GanException(refusal, e);
			}
			Path resolved = folder.resolve(p).normalize();
			if (p.isAbsolute() || !resolved.startsWith(folder)) throw new GanException(refusal);
			Path real;
			try {
				real = resolved.toRealPath();
			}
			catch (IOException e) {
				throw new GanException("model " + name + " keeps weights in external data file '" + loc +
					"', which is missing from " + folder, e);
			}
			if (!real.startsWith(realFolder)) throw new GanException(refusal + " (a link to " + real + ")");
			if (!Files.isRegularFile(real)) throw new GanException("model " + name + " names external data '" +
				loc + "', which is not a file");
		}
	}

	/** Collects one model's choices and where each came from. */
	private static final class Inference {
		final Path onnx;
		final OnnxGraphInfo g;
		final BioImageModel rdf;
		final ModelOverrides o;
		final Map<String, String> meta;
		final Map<String, String> origins = new HashMap<>();

		Inference(Path onnx, OnnxGraphInfo g, BioImageModel rdf, ModelOverrides o) {
			this.onnx = onnx;
			this.g = g;
			this.rdf = rdf;
			this.o = o;
			this.meta = new HashMap<>(g.metadata());
			if (rdf != null && rdf.config().get("fiji-gan") instanceof Map<?, ?> cfg) for (Map.Entry<?, ?> e : cfg
				.entrySet())
				meta.put("fiji-gan." + e.getKey(), String.valueOf(e.getValue()));
		}

		ModelDescriptor describe() {
			String name = rdf != null && rdf.name() != null ? rdf.name() : stripExtension(onnx.getFileName()
				.toString());
			if (rdf == null && onnx.getFileName().toString().equals(ModelStore.ONNX_FILE) && onnx.toAbsolutePath()
				.getParent().getFileName() != null) name = onnx.toAbsolutePath().getParent().getFileName()
					.toString(); // installed by ModelStore: the folder is the name
			List<ValueInfo> floatImages = new ArrayList<>(), ints = new ArrayList<>(), latents =
				new ArrayList<>();
			for (ValueInfo v : g.inputs()) {
				boolean isFloat = v.elementType() == 1 || v.elementType() == 10 || v.elementType() == 11;
				boolean isInt = v.elementType() == 6 || v.elementType() == 7;
				if (isInt) ints.add(v);
				else if (isFloat && (v.rank() == 2 || v.rank() == 4 && v.isFixed(2) && v.isFixed(3) && v
					.dims()[2] == 1 && v.dims()[3] == 1)) latents.add(v);
				else if (isFloat && v.rank() >= 2) floatImages.add(v);
				else throw new GanException("input '" + v.name() + "' of " + name + " has element type " + v
					.elementTypeName() + " and shape " + v.shapeString() + ", which fiji-gan cannot feed");
			}
			ValueInfo out = g.outputs().get(0);
			TaskKind task = task(name, floatImages, ints, latents, out);

			if (task == TaskKind.GENERATE) return generator(name, latents, ints, out);
			if (floatImages.isEmpty()) throw new GanException("model " + name +
				" has no image input (inputs: " + shapes(g.inputs()) + ")");
			// Image input: the first float input of rank >= 3 not named like a mask.
			ValueInfo image = floatImages.get(0);
			ValueInfo maskInput = null;
			if (task == TaskKind.INPAINT && floatImages.size() >= 2) {
				for (ValueInfo v : floatImages)
					if (v.name().toLowerCase(Locale.ROOT).contains("mask")) maskInput = v;
				if (maskInput == null) maskInput = floatImages.get(1);
				image = floatImages.get(floatImages.get(0) == maskInput ? 1 : 0);
			}
			TensorDescription rdfIn = rdf == null ? null : rdf.inputs().get(0);
			TensorDescription rdfOut = rdf == null ? null : rdf.outputs().get(0);
			TensorLayout layout = rdfIn != null ? layoutOf(rdfIn) : guessLayout(image);
			TensorLayout outLayout = rdfOut != null ? layoutOf(rdfOut) : out.rank() == layout.rank()
				? layout : guessLayout(out);
			if (layout.rank() != image.rank()) throw new GanException("descriptor axes '" + layout +
				"' do not match input '" + image.name() + "' of shape " + image.shapeString());
			int channels = dim(image, layout.channelAxis(), 1);
			if (channels < 0) channels = 0;
			MaskSpec mask = null;
			if (task == TaskKind.INPAINT) {
				double hole = o.maskHoleValue() != null ? o.maskHoleValue() : Double.parseDouble(meta
					.getOrDefault(META_MASK_HOLE, "1"));
				origins.put("mask", o.maskHoleValue() != null ? "override" : meta.containsKey(META_MASK_HOLE)
					? "metadata" : "default (1 = hole)");
				if (maskInput == null) {
					if (channels < 2) throw new GanException("inpainting model " + name +
						" has one input with " + (channels == 0 ? "a dynamic number of" : channels) +
						" channels: it needs a separate mask input or a fixed mask channel");
					channels -= 1;
				}
				mask = new MaskSpec(maskInput == null ? null : maskInput.name(), hole, hole == 0 ? 1 : 0, true);
			}
			AxisConstraint xc = constraint(image, layout.xAxis(), rdfIn, "x");
			AxisConstraint yc = constraint(image, layout.yAxis(), rdfIn, "y");
			int maxBatch = layout.batchAxis() < 0 ? 1 : image.dims()[layout.batchAxis()] > 0 ? (int) image
				.dims()[layout.batchAxis()] : Integer.MAX_VALUE;
			ImageInput in = new ImageInput(image.name(), layout, channels, xc, yc, maxBatch);
			int outChannels = dim(out, outLayout.channelAxis(), 1);

			double scale = scale(out, in, outLayout, rdfOut);
			if (task == TaskKind.IMAGE_TO_IMAGE && scale > 1 && o.task() == null && !meta.containsKey(
				META_TASK)) task = TaskKind.SUPER_RESOLUTION;
			if (!(scale > 0) || Double.isInfinite(scale)) throw new GanException("model " + name + ": its scale (" +
				origins.getOrDefault("scale", "override") + ") comes out as " + scale + "; state it with --scale");
			int halo = halo(rdfOut, scale);
			if (halo < 0) throw new GanException("model " + name + ": its halo (" + origins.getOrDefault("halo",
				"override") + ") comes out as " + halo + " pixels; state it with --halo");
			ValueRange range = range(out);
			OutputTransform transform = transform(out, task, scale);
			List<ProcessingStep> pre = rdfIn == null ? List.of() : rdfIn.processing();
			List<ProcessingStep> post = rdfOut == null ? List.of() : rdfOut.processing();
			ModelDescriptor d = new ModelDescriptor(name, onnx, sha256(onnx), task, in, mask, null, out.name(),
				outLayout, outChannels, scale, halo, range, range, transform, pre, post, g.wholeImageOps(),
				origins, g);
			return o.applyTo(d);
		}

		private TaskKind task(String name, List<ValueInfo> images, List<ValueInfo> ints,
			List<ValueInfo> latents, ValueInfo out)
		{
			if (o.task() != null) {
				origins.put("task", "override");
				return o.task();
			}
			if (meta.containsKey(META_TASK)) {
				origins.put("task", rdf != null && rdf.config().containsKey("fiji-gan") ? "rdf.yaml"
					: "metadata");
				return TaskKind.parse(meta.get(META_TASK));
			}
			origins.put("task", "inferred from the inputs");
			if (images.isEmpty() && !latents.isEmpty()) return TaskKind.GENERATE;
			if (images.size() >= 2) return TaskKind.INPAINT;
			String lower = (name + " " + out.name()).toLowerCase(Locale.ROOT);
			if (lower.contains("denois") || lower.contains("noise")) return TaskKind.DENOISE;
			if (lower.contains("inpaint")) return TaskKind.INPAINT;
			return TaskKind.IMAGE_TO_IMAGE;
		}

		private ModelDescriptor generator(String name, List<ValueInfo> latents, List<ValueInfo> ints,
			ValueInfo out)
		{
			if (latents.isEmpty()) throw new GanException("generator " + name +
				" has no latent input (a float input of shape [N, d] or [N, d, 1, 1]); inputs: " + shapes(g
					.inputs()));
			ValueInfo z = latents.get(0);
			long[] zShape = z.dims().clone();
			zShape[0] = zShape[0] > 0 ? zShape[0] : -1;
			if (z.dims()[1] <= 0) throw new GanException("latent input '" + z.name() +
				"' has a dynamic length; the generator must fix it");
			int dim = (int) z.dims()[1];
			String classInput = ints.isEmpty() ? null : ints.get(0).name();
			List<String> names = meta.containsKey(META_CLASS_NAMES) ? List.of(meta.get(META_CLASS_NAMES)
				.split("\\s*,\\s*")) : List.of();
			int classes = !names.isEmpty() ? names.size() : classInput == null ? 0 : g.embeddingRows(
				classInput);
			TensorLayout layout = out.rank() == 4 ? TensorLayout.BCYX : out.rank() == 3 ? new TensorLayout(
				"byx") : guessLayout(out);
			GeneratorSpec spec = new GeneratorSpec(z.name(), dim, zShape, classInput, classes, names);
			ValueRange range = range(out);
			ModelDescriptor d = new ModelDescriptor(name, onnx, sha256(onnx), TaskKind.GENERATE, null, null,
				spec, out.name(), layout, dim(out, layout.channelAxis(), 1), 1, 0, range, range,
				OutputTransform.DIRECT, List.of(), List.of(), List.of(), origins, g);
			return o.applyTo(d);
		}

		private AxisConstraint constraint(ValueInfo v, int axis, TensorDescription rdfIn, String id) {
			if (rdfIn != null) {
				Optional<Axis> a = rdfIn.axis(id);
				if (a.isPresent()) {
					Axis ax = a.get();
					if (ax.hasFixedSize()) return AxisConstraint.fixed(ax.size());
					if (ax.isParameterized()) return AxisConstraint.minStep(ax.min(), ax.step());
				}
			}
			long d = v.dims()[axis];
			return d > 0 ? AxisConstraint.fixed((int) d) : AxisConstraint.ANY;
		}

		private double scale(ValueInfo out, ImageInput in, TensorLayout outLayout,
			TensorDescription rdfOut)
		{
			if (o.scale() != null) return o.scale(); // origin set by the overrides
			if (meta.containsKey(META_SCALE)) {
				origins.put("scale", "metadata");
				return Double.parseDouble(meta.get(META_SCALE));
			}
			if (rdfOut != null) {
				Optional<Axis> x = rdfOut.axis("x");
				if (x.isPresent() && x.get().reference() != null) {
					origins.put("scale", "rdf.yaml");
					return x.get().reference().scale();
				}
			}
			long ox = out.rank() == outLayout.rank() ? out.dims()[outLayout.xAxis()] : -1;
			if (in.x().isFixed() && ox > 0) {
				origins.put("scale", "fixed input and output shapes");
				return (double) ox / in.x().fixed();
			}
			ReceptiveField rf = g.receptiveField();
			if (rf.exact()) {
				origins.put("scale", "graph");
				return rf.scale();
			}
			origins.put("scale", "probed");
			return probeScale(in);
		}

		/** Runs the model once on a small zero image and compares sizes. */
		private double probeScale(ImageInput in) {
			String stateIt = "; state the model's scale with --scale";
			int wanted = (int) Math.min(4096, Math.max(32, 2L * g.receptiveField().haloPixels() + 8));
			int w = in.x().validSizeAtLeast(wanted);
			int h = in.y().validSizeAtLeast(wanted);
			if (w <= 0 || h <= 0) throw new GanException("could not find the model's scale: no valid probe size" +
				stateIt);
			int c = Math.max(1, in.channels());
			long[] shape = in.layout().shape(1, c, h, w);
			Map<String, long[]> shapes = new HashMap<>();
			shapes.put(in.name(), shape);
			for (ValueInfo v : g.inputs())
				if (!v.name().equals(in.name())) {
					long[] s = v.dims().clone();
					for (int i = 0; i < s.length; i++)
						if (s[i] < 0) s[i] = i == in.layout().yAxis() ? h : i == in.layout().xAxis() ? w : 1;
					shapes.put(v.name(), s);
				}
			long total = 0;
			for (long[] s : shapes.values()) {
				long n = 1;
				for (long d : s)
					n = d <= 0 ? 0 : n > MAX_PROBE_ELEMENTS / d ? MAX_PROBE_ELEMENTS + 1 : n * d;
				total += n;
			}
			if (total > MAX_PROBE_ELEMENTS) throw new GanException("could not find the model's scale: a probe run " +
				"would need more than " + MAX_PROBE_ELEMENTS + " input values" + stateIt);
			Map<String, Tensor> feeds = new HashMap<>();
			shapes.forEach((name, s) -> feeds.put(name, Tensor.of(new float[(int) Tensor.elementCount(s)], s)));
			String outName = g.outputs().get(0).name();
			try (ModelSession s = ModelSession.open(onnx, DeviceSpec.CPU, 0)) {
				Tensor t = s.run(feeds, List.of(outName), CancellationToken.none()).get(outName);
				TensorLayout ol = t.shape().length == in.layout().rank() ? in.layout() : guessLayout(g
					.outputs().get(0));
				return (double) t.shape()[ol.xAxis()] / w;
			}
			catch (GanException e) {
				throw new GanException("could not find the model's scale by a probe run (" + e.getMessage() +
					"); state it with --scale", e);
			}
		}

		private int halo(TensorDescription rdfOut, double scale) {
			if (o.haloPixels() != null) return o.haloPixels();
			if (meta.containsKey(META_HALO)) {
				origins.put("halo", "metadata");
				return Integer.parseInt(meta.get(META_HALO).trim());
			}
			if (rdfOut != null) {
				int h = 0;
				for (String id : new String[] { "x", "y" })
					h = Math.max(h, rdfOut.axis(id).map(Axis::halo).orElse(0));
				if (h > 0) {
					origins.put("halo", "rdf.yaml");
					return (int) Math.ceil(h / scale); // bioimage.io halos are in output pixels
				}
			}
			ReceptiveField rf = g.receptiveField();
			origins.put("halo", rf.exact() ? "receptive field" : "receptive field (estimate)");
			return rf.exact() ? rf.haloPixels() : Math.max(16, rf.haloPixels());
		}

		private ValueRange range(ValueInfo out) {
			String v = meta.get(META_RANGE);
			if (o.range() == null && v != null) {
				origins.put("range", "metadata");
				return ValueRange.parse(v);
			}
			if ("Tanh".equals(g.producerOf(out.name()))) {
				origins.put("range", "inferred (output is Tanh)");
				return ValueRange.MINUS_ONE_ONE;
			}
			origins.put("range", "default");
			return ValueRange.ZERO_ONE;
		}

		private OutputTransform transform(ValueInfo out, TaskKind task, double scale) {
			String v = meta.get(META_RESIDUAL);
			if (v != null) {
				origins.put("output", "metadata");
				return v.trim().equalsIgnoreCase("subtract") ? OutputTransform.SUBTRACT_FROM_INPUT
					: OutputTransform.DIRECT;
			}
			String n = out.name().toLowerCase(Locale.ROOT);
			if (scale == 1 && task == TaskKind.DENOISE && (n.contains("noise") || n.contains("residual"))) {
				origins.put("output", "inferred from the output name '" + out.name() +
					"' (result = input - output)");
				return OutputTransform.SUBTRACT_FROM_INPUT;
			}
			origins.put("output", "default");
			return OutputTransform.DIRECT;
		}

		private String shapes(List<ValueInfo> list) {
			List<String> s = new ArrayList<>();
			for (ValueInfo v : list)
				s.add(v.name() + " " + v.elementTypeName() + v.shapeString());
			return String.join(", ", s);
		}
	}

	private static int dim(ValueInfo v, int axis, int absent) {
		if (axis < 0) return absent;
		if (axis >= v.rank()) return -1;
		long d = v.dims()[axis];
		return d > 0 ? (int) d : -1;
	}

	private static TensorLayout layoutOf(TensorDescription t) {
		StringBuilder sb = new StringBuilder();
		for (Axis a : t.axes())
			sb.append(switch (a.type()) {
				case BATCH -> 'b';
				case CHANNEL -> 'c';
				case SPACE -> a.id().charAt(0);
				default -> throw new GanException("tensor '" + t.id() + "' has a " + a.type().name()
					.toLowerCase(Locale.ROOT) + " axis; fiji-gan runs 2D models with axes b, c, y, x");
			});
		return new TensorLayout(sb.toString());
	}

	/**
	 * The layout of a tensor without a descriptor: rank 4 is {@code bcyx}, unless the last axis is a
	 * small fixed channel count and the second is not ({@code byxc}); rank 3 {@code cyx} when the first
	 * axis is 1, 3 or 4, else {@code byx}; rank 2 {@code yx}.
	 */
	static TensorLayout guessLayout(ValueInfo v) {
		long[] d = v.dims();
		return switch (v.rank()) {
			case 4 -> {
				boolean lastSmall = d[3] == 1 || d[3] == 3 || d[3] == 4;
				boolean secondSmall = d[1] > 0 && d[1] <= 4;
				yield lastSmall && !secondSmall ? TensorLayout.BYXC : TensorLayout.BCYX;
			}
			case 3 -> new TensorLayout(d[0] == 1 || d[0] == 3 || d[0] == 4 ? "cyx" : "byx");
			case 2 -> new TensorLayout("yx");
			default -> throw new GanException("tensor '" + v.name() + "' has shape " + v.shapeString() +
				"; fiji-gan runs 2D image models (rank 2 to 4)");
		};
	}

	private static String stripExtension(String file) {
		int dot = file.lastIndexOf('.');
		return dot > 0 ? file.substring(0, dot) : file;
	}

	/** Multi-line human-readable description for {@code info}. */
	public static String describe(ModelDescriptor d) {
		StringBuilder sb = new StringBuilder();
		OnnxGraphInfo g = d.graph();
		line(sb, "model", d.name());
		line(sb, "file", d.onnxFile().toString());
		line(sb, "sha256", d.sha256());
		line(sb, "task", d.task().id() + origin(d, "task"));
		if (g != null) {
			line(sb, "opset", g.opsetImports().entrySet().stream().map(e -> (e.getKey().isEmpty()
				? "ai.onnx" : e.getKey()) + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("?"));
			line(sb, "producer", g.producer().isEmpty() ? "?" : g.producer());
			line(sb, "parameters", String.format(Locale.ROOT, "%,d", g.parameterCount()));
			for (ValueInfo v : g.inputs())
				line(sb, "input", v.name() + " " + v.elementTypeName() + " " + v.shapeString());
			for (ValueInfo v : g.outputs())
				line(sb, "output", v.name() + " " + v.elementTypeName() + " " + v.shapeString());
		}
		if (d.image() != null) {
			ImageInput in = d.image();
			line(sb, "image input", in.name() + ", axes " + in.layout() + ", " + (in.channels() == 0 ? "any"
				: in.channels()) + " channel(s), width " + in.x() + ", height " + in.y() + ", batch " + (in
					.maxBatch() == Integer.MAX_VALUE ? "dynamic" : in.maxBatch()));
			line(sb, "scale", fmt(d.scale()) + origin(d, "scale"));
			line(sb, "halo", d.haloPixels() + " px" + origin(d, "halo"));
			line(sb, "tiling", d.isTileable() ? "exact (convolutional)" : "changes the result: " + String
				.join(", ", d.wholeImageOps()) + "; runs untiled when memory allows");
		}
		if (d.mask() != null) line(sb, "mask", (d.mask().isExtraChannel() ? "last channel of the image"
			: "input '" + d.mask().inputName() + "'") + ", hole = " + fmt(d.mask()
				.holeValue()) + origin(d, "mask"));
		if (d.generator() != null) {
			GeneratorSpec gs = d.generator();
			line(sb, "latent", gs.latentInput() + ", " + gs.latentDim() + " values, standard normal");
			line(sb, "classes", !gs.isConditional() ? "none (unconditional)" : gs.classInput() + ", " + (gs
				.classCount() > 0 ? gs.classCount() : "unknown number of") + " classes" + (gs.classNames()
					.isEmpty() ? "" : " " + gs.classNames()));
		}
		line(sb, "value range", "in " + d.inputRange() + ", out " + d.outputRange() + origin(d, "range"));
		if (d.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT) line(sb, "output",
			"noise/residual: result = input - output" + origin(d, "output"));
		if (!d.preprocessing().isEmpty()) line(sb, "preprocessing", d.preprocessing().toString());
		if (!d.postprocessing().isEmpty()) line(sb, "postprocessing", d.postprocessing().toString());
		if (g != null) {
			line(sb, "operators", g.opCounts().toString());
			if (!g.receptiveField().notes().isEmpty()) line(sb, "graph notes", String.join("; ", g
				.receptiveField().notes()));
		}
		line(sb, "providers", "this build can run: " + ModelSession.availableProviders().stream().map(
			p -> p.id()).reduce((a, b) -> a + ", " + b).orElse("cpu") +
			" (every provider runs standard ONNX operators)");
		return sb.toString();
	}

	private static String origin(ModelDescriptor d, String key) {
		String o = d.origins().get(key);
		return o == null ? "" : " (" + o + ")";
	}

	private static void line(StringBuilder sb, String key, String value) {
		sb.append(String.format(Locale.ROOT, "%-14s %s%n", key + ":", value));
	}

	/** A number as a message shows it: integers without a decimal point. */
	private static String fmt(double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
	}
}
