package org.fijigan.core.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.model.ValueInfo;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.ProcessingStep.EnsureDtype;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleLinear;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleRange;
import org.fijigan.core.model.bioimage.RdfYaml;
import org.fijigan.core.packaging.CoverImage.Panel;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.TensorRecorder;
import org.fijigan.core.tiling.AxisConstraint;

/**
 * Makes a bioimage.io model package (format 0.5) of an ONNX model, as fiji-gan runs it: the folder
 * holds the weights, {@value #RDF}, test tensors, {@value #COVER} and the model card.
 * <p>
 * What the package states is what {@link ModelLoader} inferred (plus the user's overrides): axes
 * and their sizes, the scale (as the output pixel size relative to the input's), the halo (in output
 * pixels, as bioimage.io counts it), and the normalisation fiji-gan applies, as bioimage.io
 * preprocessing ({@code scale_range} for percentiles, then {@code scale_linear} into the model's
 * value range). There is no postprocessing: the output stays in the model's value range, and
 * fiji-gan maps it back by inverting the preprocessing. What the specification has no field for
 * (task, value range, a residual output, the mask's hole value, class names) goes into
 * {@code config: fiji-gan:}, the keys {@link ModelLoader} reads. Before {@value #RDF} is put in
 * place it is loaded back and must describe the same model, or nothing is claimed.
 * <p>
 * The test tensors are what ONNX Runtime was given and returned, recorded from fiji-gan's own
 * pipeline on a centre crop of the sample image (untiled, on the CPU): the preprocessed image (for
 * inpainting: with the holes zeroed, and the mask as the model takes it), or a generator's seeded
 * latent vectors and class labels, and the raw output ({@code config: fiji-gan: test_tensors:
 * preprocessed} says so). For percentile normalisation, applying the preprocessing again to the test
 * input changes it by about {@code 1e-6} relative (the percentiles of a normalised image are its
 * target range), so bioimage.io's test, which preprocesses first, still reproduces the output; for
 * a fixed range it does not, and the result's notes say so.
 * <p>
 * Every file is written atomically ({@link AtomicFile}); {@value #RDF} is written last, after
 * everything it names.
 */
public final class PackageWriter {
	public static final String RDF = "rdf.yaml";
	public static final String TEST_INPUT = "test_input.npy";
	public static final String TEST_MASK = "test_mask.npy";
	public static final String TEST_CLASS = "test_class.npy";
	public static final String TEST_OUTPUT = "test_output.npy";
	public static final String COVER = "cover.png";
	public static final String README = "README.md";
	/** The bioimage.io model format written. */
	public static final String FORMAT_VERSION = "0.5.4";
	/** {@code eps} of the {@code scale_range} step (the specification wants it above 0). */
	public static final double SCALE_RANGE_EPS = 1e-6;
	/** Most output values a chosen test crop may give (2 MiB of float32). */
	static final int MAX_TEST_OUTPUT_VALUES = 1 << 19;
	static final int MAX_TEST_SIDE = 128;
	/** Latent vectors in a generator's test input (unless its batch is fixed). */
	static final int GENERATOR_SAMPLES = 4;

	private static final java.util.regex.Pattern TENSOR_ID = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,31}");

	private PackageWriter() {}

	/**
	 * Writes the package.
	 *
	 * @param codec writes {@value #COVER}
	 * @throws GanException for a model or sample it cannot package, a folder that holds files without
	 *           {@link PackageOptions#overwrite()}, or a file it cannot write
	 */
	public static PackageResult write(PackageOptions o, ImageCodec codec, CancellationToken cancel) {
		Path onnx = o.model();
		String onnxName = onnx.getFileName().toString();
		if (!onnxName.toLowerCase(Locale.ROOT).endsWith(".onnx")) throw new GanException(
			"package-model packages an .onnx file; " + onnx + " is not one");
		if (!Files.isRegularFile(onnx)) throw new GanException("model " + onnx + " does not exist");
		Path folder = o.folder();
		checkFolder(folder, o.overwrite());
		ModelDescriptor d = ModelLoader.load(onnx.toString(), o.overrides());
		if (d.graph() != null && !d.graph().externalDataLocations().isEmpty()) throw new GanException("model " +
			onnxName + " keeps weights in external data files " + d.graph().externalDataLocations() +
			"; package-model copies one .onnx file: save the model with its weights inside");
		List<String> notes = new ArrayList<>();
		TestRun run = d.task() == TaskKind.GENERATE ? generatorRun(d, o, notes, cancel) : imageRun(d, o, notes,
			cancel);
		cancel.throwIfCancelled();

		List<Path> files = new ArrayList<>();
		try {
			Files.createDirectories(folder);
		}
		catch (IOException e) {
			throw new GanException("cannot create " + folder + ": " + AtomicFile.describe(e), e);
		}
		Path weights = folder.resolve(onnxName);
		if (!isSameFile(onnx, weights)) AtomicFile.writeStream(weights, o.overwrite(), out -> Files.copy(onnx, out));
		if (!ModelLoader.sha256(weights).equals(d.sha256())) throw new GanException(onnx +
			" changed while it was being packaged; package it again");
		files.add(weights);
		Map<String, String> sha = new LinkedHashMap<>();
		for (TestTensor t : run.tensors()) {
			Path p = folder.resolve(t.file());
			AtomicFile.writeStream(p, o.overwrite(), out -> Npy.write(out, t.array()));
			sha.put(t.file(), ModelLoader.sha256(p));
			files.add(p);
		}
		RasterImage cover = CoverImage.compose(run.cover());
		cover.setTitle(o.name());
		cover.properties().put("fiji-gan.model", o.name());
		cover.properties().put("fiji-gan.model.sha256", d.sha256());
		cover.properties().put("fiji-gan.cover", run.coverCaption());
		if (d.task() == TaskKind.GENERATE) cover.properties().put("fiji-gan.synthetic",
			"SYNTHETIC: the cover shows images generated by a GAN, not acquired");
		Path coverFile = folder.resolve(COVER);
		AtomicFile.write(coverFile, o.overwrite(), tmp -> codec.write(cover, ".png", tmp));
		files.add(coverFile);
		String documentation = documentation(o, folder, files, notes);

		Map<String, Object> doc = descriptor(d, o, run, onnxName, sha, documentation, notes);
		String text = "# bioimage.io model package written by fiji-gan package-model\n" + RdfYaml.write(doc);
		Path rdf = folder.resolve(RDF);
		AtomicFile.write(rdf, o.overwrite(), tmp -> {
			Files.writeString(tmp, text, StandardCharsets.UTF_8);
			check(d, run.preprocessing(), ModelLoader.load(tmp.toString(), ModelOverrides.NONE));
		});
		files.add(rdf);
		return new PackageResult(folder, rdf, ModelLoader.load(rdf.toString(), ModelOverrides.NONE), files, notes);
	}

	private static void checkFolder(Path folder, boolean overwrite) {
		if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(folder)) throw new GanException(
			folder + " is a file, not a folder");
		if (!Files.isDirectory(folder) || overwrite) return;
		try (Stream<Path> s = Files.list(folder)) {
			if (s.findAny().isPresent()) throw new GanException(folder +
				" is not empty; pass --overwrite to write the package into it (its package files are replaced, " +
				"other files kept)");
		}
		catch (IOException e) {
			throw new GanException("cannot read " + folder + ": " + AtomicFile.describe(e), e);
		}
	}

	private static boolean isSameFile(Path a, Path b) {
		try {
			return Files.exists(b) && Files.isSameFile(a, b);
		}
		catch (IOException e) {
			return false;
		}
	}

	/** Copies the model card, or finds one already in the folder; returns its name in the package, or null. */
	private static String documentation(PackageOptions o, Path folder, List<Path> files, List<String> notes) {
		Path readme = folder.resolve(README);
		Path given = o.documentation();
		if (given != null) {
			if (!given.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".md")) throw new GanException(
				"the documentation must be a Markdown file (.md): " + given);
			if (!Files.isRegularFile(given)) throw new GanException("documentation " + given + " does not exist");
			if (!isSameFile(given, readme)) {
				AtomicFile.writeStream(readme, o.overwrite(), out -> Files.copy(given, out));
				files.add(readme);
			}
			return README;
		}
		if (Files.isRegularFile(readme)) return README;
		notes.add("no model card: bioimage.io requires one; write " + readme +
			" (intended use, training data, recipe, metrics, known failure modes) and package again");
		return null;
	}

	// ---------------------------------------------------------------- test runs

	/** One test tensor: its file, its role, the ONNX input it feeds (null for the output). */
	record TestTensor(String file, String onnxName, String tensorId, NpyArray array) {}

	/**
	 * What the package's test tensors and cover are made of.
	 *
	 * @param tensors inputs in descriptor order, then the output
	 * @param preprocessing of the image input (empty for a generator)
	 */
	record TestRun(List<TestTensor> tensors, Tensor output, List<ProcessingStep> preprocessing,
		List<Panel> cover, String coverCaption, int inputChannels, int outputChannels)
	{}

	private static TestRun imageRun(ModelDescriptor d, PackageOptions o, List<String> notes,
		CancellationToken cancel)
	{
		RasterImage sample = o.sample();
		if (sample == null) throw new GanException("a " + d.task().id() +
			" model needs a sample image (--sample): the test tensors and the cover are made from it");
		if (sample.slices() * sample.frames() > 1) notes.add("the sample has " + sample.slices() * sample
			.frames() + " planes; the first one is used");
		int[] channels = sampleChannels(d, sample, notes);
		int outChannels = d.outputChannels() > 0 ? d.outputChannels() : Math.max(1, channels.length);
		int side = o.testSize() > 0 ? o.testSize() : (int) Math.max(16, Math.min(MAX_TEST_SIDE, Math.floor(Math
			.sqrt(MAX_TEST_OUTPUT_VALUES / (outChannels * d.scale() * d.scale())))));
		int w = cropLength(d.image().x(), sample.width(), side);
		int h = cropLength(d.image().y(), sample.height(), side);
		int x0 = (sample.width() - w) / 2, y0 = (sample.height() - h) / 2;
		RasterImage crop = crop(sample, channels, x0, y0, w, h);
		RasterImage mask = null;
		if (d.task() == TaskKind.INPAINT) mask = maskCrop(o.mask(), sample, x0, y0, w, h, notes);
		else if (o.mask() != null) notes.add("--mask is used for inpainting models only; ignored");

		List<ProcessingStep> pre = preprocessing(o.normalization(), d.inputRange(), sample.type(), d.image()
			.layout(), notes);
		if (maskIsLastChannel(d)) notes.add("the mask is the last channel of the " +
			"image input: fiji-gan normalises the image channels only, but bioimage.io tools would apply the " +
			"preprocessing to the mask channel too");
		ModelDescriptor withPre = d.toBuilder().processing(pre, List.of()).build();
		InferenceOptions options = new InferenceOptions(null, InferenceOptions.NO_TILING,
			InferenceOptions.DEFAULT_MEMORY_BUDGET, false, DeviceSpec.CPU, 0, null, true);
		TensorRecorder.Recording r = TensorRecorder.record(withPre, crop, mask, options, cancel);

		List<TestTensor> tensors = new ArrayList<>();
		Set<String> ids = new LinkedHashSet<>();
		Tensor image = r.inputs().get(d.image().name());
		tensors.add(new TestTensor(TEST_INPUT, d.image().name(), tensorId(d.image().name(), "input", ids),
			NpyArray.ofFloats(image.floats(), image.shape())));
		if (d.kind() instanceof ModelKind.Inpainting k && !k.mask().isExtraChannel()) {
			String maskInput = k.mask().inputName();
			Tensor m = r.inputs().get(maskInput);
			tensors.add(new TestTensor(TEST_MASK, maskInput, tensorId(maskInput, "mask", ids), NpyArray.ofFloats(m
				.floats(), m.shape())));
		}
		Tensor out = r.output();
		tensors.add(new TestTensor(TEST_OUTPUT, null, tensorId(d.outputName(), "output", ids), NpyArray.ofFloats(out
			.floats(), out.shape())));

		TensorLayout inLayout = d.image().layout(), outLayout = d.outputLayout();
		int inC = inLayout.channelAxis() < 0 ? 1 : (int) image.shape()[inLayout.channelAxis()];
		int imageC = maskIsLastChannel(d) ? inC - 1 : inC;
		int outC = outLayout.channelAxis() < 0 ? 1 : (int) out.shape()[outLayout.channelAxis()];
		int shown = imageC >= 3 && outC >= 3 ? 3 : 1;
		Panel in = panel(image, inLayout, 0, shown);
		Panel result = panel(out, outLayout, 0, shown);
		String caption = "left: the model input (" + w + "x" + h + " px from the middle of the sample, " +
			"preprocessed" + (d.task() == TaskKind.INPAINT ? ", holes zeroed" : "") + "); right: ";
		if (d.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT) {
			for (int c = 0; c < shown; c++)
				for (int i = 0; i < result.channels()[c].length; i++)
					result.channels()[c][i] = in.channels()[c][i] - result.channels()[c][i];
			caption += "input - output (the model predicts the noise)";
		}
		else caption += "the model output";
		return new TestRun(tensors, out, pre, List.of(in, result), caption + "; each scaled by its own percentiles",
			inC, outC);
	}

	private static TestRun generatorRun(ModelDescriptor d, PackageOptions o, List<String> notes,
		CancellationToken cancel)
	{
		if (o.sample() != null) notes.add("--sample is not used for a generator: its test input is seeded latent " +
			"vectors");
		if (o.mask() != null) notes.add("--mask is used for inpainting models only; ignored");
		GeneratorSpec g = d.generator();
		long[] zShape = g.latentShape().clone();
		int n = zShape[0] > 0 ? (int) zShape[0] : GENERATOR_SAMPLES;
		zShape[0] = n;
		float[] z = new float[n * g.latentDim()];
		for (int i = 0; i < n; i++)
			System.arraycopy(Generator.latent(o.seed() + i, g.latentDim()), 0, z, i * g.latentDim(), g.latentDim());
		Map<String, Tensor> feeds = new LinkedHashMap<>();
		feeds.put(g.latentInput(), Tensor.of(z, zShape));
		long[] labels = null;
		if (g.isConditional()) {
			labels = new long[n];
			for (int i = 0; i < n; i++)
				labels[i] = i % Math.max(1, g.classCount());
			feeds.put(g.classInput(), Tensor.ofLongs(labels, n));
		}
		Tensor out;
		try (SessionCache.Lease lease = SessionCache.shared().acquire(d.onnxFile(), DeviceSpec.CPU, 0)) {
			out = lease.session().run(feeds, List.of(d.outputName()), cancel).get(d.outputName());
		}
		List<TestTensor> tensors = new ArrayList<>();
		Set<String> ids = new LinkedHashSet<>();
		tensors.add(new TestTensor(TEST_INPUT, g.latentInput(), tensorId(g.latentInput(), "latent", ids), NpyArray
			.ofFloats(z, zShape)));
		if (labels != null) {
			boolean int32 = elementType(d, g.classInput()) == 6;
			NpyArray a = int32 ? new NpyArray(NpyArray.DType.INT32, new long[] { n }, Arrays.stream(labels).mapToInt(
				l -> (int) l).toArray()) : new NpyArray(NpyArray.DType.INT64, new long[] { n }, labels);
			tensors.add(new TestTensor(TEST_CLASS, g.classInput(), tensorId(g.classInput(), "class", ids), a));
		}
		tensors.add(new TestTensor(TEST_OUTPUT, null, tensorId(d.outputName(), "output", ids), NpyArray.ofFloats(out
			.floats(), out.shape())));
		TensorLayout layout = d.outputLayout();
		int outC = layout.channelAxis() < 0 ? 1 : (int) out.shape()[layout.channelAxis()];
		List<Panel> panels = new ArrayList<>();
		for (int i = 0; i < n; i++)
			panels.add(panel(out, layout, i, outC >= 3 ? 3 : 1));
		return new TestRun(tensors, out, List.of(), panels, "SYNTHETIC: " + n + " generated samples, seeds " + o
			.seed() + ".." + (o.seed() + n - 1) + (labels == null ? "" : ", classes " + Arrays.toString(labels)) +
			"; each scaled by its own percentiles", 0, outC);
	}

	/** The logical channels of the sample that feed the model. */
	private static int[] sampleChannels(ModelDescriptor d, RasterImage sample, List<String> notes) {
		int cm = d.image().channels(), ci = sample.logicalChannels();
		int use;
		if (cm == 0 || cm == ci || ci == 1) use = ci;
		else if (cm < ci) {
			use = cm;
			notes.add("the model takes " + cm + " channel" + (cm == 1 ? "" : "s") + "; the sample's first " + (cm == 1
				? "channel is" : cm + " are") + " used");
		}
		else throw new GanException("the model takes " + cm + " channels but the sample has " + ci +
			": give a sample with " + cm + " channels");
		int[] c = new int[use];
		for (int i = 0; i < use; i++)
			c[i] = i;
		return c;
	}

	/** The crop's length along one axis: a size the model takes, at most {@code side} and the image's length. */
	static int cropLength(AxisConstraint c, int length, int side) {
		if (c.isFixed()) return Math.min(c.fixed(), length);
		int n = Math.min(side, length);
		int valid = c.validSizeAtMost(n);
		return valid > 0 ? valid : n; // shorter than the model's smallest input: the pipeline mirrors it up
	}

	/** The first plane's {@code channels} in the rectangle, in the sample's pixel type (one RGB channel stays RGB). */
	private static RasterImage crop(RasterImage sample, int[] channels, int x0, int y0, int w, int h) {
		boolean rgb = sample.type() == PixelType.RGB;
		boolean keepRgb = rgb && channels.length == 3;
		PixelType type = rgb && !keepRgb ? PixelType.UINT8 : sample.type();
		RasterImage crop = RasterImage.allocate(w, h, keepRgb ? 1 : channels.length, 1, 1, type);
		float[] buf = new float[w * h];
		for (int i = 0; i < channels.length; i++) {
			sample.readRegion(channels[i], 0, 0, x0, y0, w, h, buf, 0);
			crop.writeRegion(i, 0, 0, 0, 0, w, h, buf, 0);
		}
		crop.setTitle(sample.title());
		return crop;
	}

	private static RasterImage maskCrop(RasterImage given, RasterImage sample, int x0, int y0, int w, int h,
		List<String> notes)
	{
		RasterImage mask = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		float[] buf = new float[w * h];
		if (given != null) {
			if (given.width() != sample.width() || given.height() != sample.height()) throw new GanException(
				"the mask is " + given.width() + "x" + given.height() + " but the sample is " + sample.width() + "x" +
					sample.height() + ": they must match");
			if (given.logicalChannels() != 1) throw new GanException("the mask must have one channel, it has " + given
				.logicalChannels());
			given.readRegion(0, 0, 0, x0, y0, w, h, buf, 0);
			for (int i = 0; i < buf.length; i++)
				buf[i] = buf[i] != 0 ? 255 : 0;
		}
		else {
			int s = Math.max(1, Math.min(w, h) / 4), hx = (w - s) / 2, hy = (h - s) / 2;
			for (int y = hy; y < hy + s; y++)
				Arrays.fill(buf, y * w + hx, y * w + hx + s, 255);
			notes.add("no --mask: the test input has a square hole of " + s + "x" + s + " px in the middle");
		}
		mask.writeRegion(0, 0, 0, 0, 0, w, h, buf, 0);
		return mask;
	}

	/**
	 * fiji-gan's normalisation as bioimage.io preprocessing, per channel: percentiles by
	 * {@code scale_range} (then {@code scale_linear} into a value range other than [0, 1]), a fixed
	 * range by one {@code scale_linear}, none as a lone {@code ensure_dtype} (an empty list would mean
	 * fiji-gan's default).
	 */
	static List<ProcessingStep> preprocessing(Normalization n, ValueRange range, PixelType sampleType,
		TensorLayout layout, List<String> notes)
	{
		List<String> all = new ArrayList<>();
		for (char c : layout.axes().toCharArray())
			all.add(axisId(c));
		if (n instanceof Normalization.Percentile p) {
			List<ProcessingStep> steps = new ArrayList<>();
			steps.add(new ScaleRange("per_sample", List.of("y", "x"), p.lowPercent(), p.highPercent(), SCALE_RANGE_EPS,
				null));
			if (!range.equals(ValueRange.ZERO_ONE)) steps.add(new ScaleLinear(new double[] { range.width() },
				new double[] { range.min() }, all));
			return steps;
		}
		if (n instanceof Normalization.BitDepthRange) {
			if (!sampleType.isInteger()) throw new GanException("--normalize range takes the pixel type's range, " +
				"which a 32-bit sample does not have: give range:MIN,MAX");
			notes.add("--normalize range: the package states the sample's range, " + RdfYaml.number(sampleType.min()) +
				"-" + RdfYaml.number(sampleType.max()) + " (range:" + RdfYaml.number(sampleType.min()) + "," + RdfYaml
					.number(sampleType.max()) + ")");
			n = new Normalization.FixedRange(sampleType.min(), sampleType.max());
		}
		if (n instanceof Normalization.FixedRange f) {
			double gain = range.width() / (f.max() - f.min()), offset = range.min() - f.min() * gain;
			if (gain != 1 || offset != 0) {
				notes.add("the test input is the image as fed to the model, after the scale_linear preprocessing; " +
					"bioimage.io's own test applies it once more, so only fiji-gan's test reproduces the output");
				return List.of(new ScaleLinear(new double[] { gain }, new double[] { offset }, all));
			}
		}
		return List.of(new EnsureDtype("float32"));
	}

	private static Panel panel(Tensor t, TensorLayout layout, int b, int channels) {
		long[] s = t.shape();
		int w = (int) s[layout.xAxis()], h = (int) s[layout.yAxis()];
		int[] st = new int[s.length];
		long stride = 1;
		for (int i = s.length - 1; i >= 0; i--) {
			st[i] = (int) stride;
			stride *= s[i];
		}
		float[][] planes = new float[channels][w * h];
		for (int c = 0; c < channels; c++) {
			int base = (layout.batchAxis() >= 0 ? b * st[layout.batchAxis()] : 0) + (layout.channelAxis() >= 0 ? c *
				st[layout.channelAxis()] : 0);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					planes[c][y * w + x] = t.floats()[base + y * st[layout.yAxis()] + x * st[layout.xAxis()]];
		}
		return new Panel(w, h, planes);
	}

	private static boolean maskIsLastChannel(ModelDescriptor d) {
		return d.kind() instanceof ModelKind.Inpainting k && k.mask().isExtraChannel();
	}

	private static int elementType(ModelDescriptor d, String input) {
		if (d.graph() == null) return 0;
		for (ValueInfo v : d.graph().inputs())
			if (v.name().equals(input)) return v.elementType();
		return 0;
	}

	/** The ONNX name when it is a valid bioimage.io tensor id, else the role; unique within the package. */
	private static String tensorId(String onnxName, String role, Set<String> used) {
		String id = onnxName != null && TENSOR_ID.matcher(onnxName).matches() ? onnxName : role;
		String unique = id;
		for (int i = 2; used.contains(unique); i++)
			unique = id + i;
		used.add(unique);
		return unique;
	}

	private static String axisId(char c) {
		return switch (c) {
			case 'b' -> "batch";
			case 'c' -> "channel";
			default -> String.valueOf(c);
		};
	}

	// ---------------------------------------------------------------- the descriptor

	private static Map<String, Object> descriptor(ModelDescriptor d, PackageOptions o, TestRun run, String onnxName,
		Map<String, String> sha, String documentation, List<String> notes)
	{
		List<Object> authors = new ArrayList<>();
		for (String a : o.authors())
			authors.add(RdfYaml.map("name", a));
		if (authors.isEmpty()) notes.add("no --author: bioimage.io requires at least one author");
		List<Object> cite = new ArrayList<>();
		for (PackageOptions.Citation c : o.citations())
			cite.add(RdfYaml.map("text", c.text(), "doi", c.doi(), "url", c.url()));
		if (cite.isEmpty()) notes.add("no --cite: bioimage.io requires at least one citation");
		if (o.license() == null) notes.add("no --license: bioimage.io requires an SPDX license identifier");
		Set<String> tags = new LinkedHashSet<>(o.tags());
		tags.add(d.task().id());
		tags.add("fiji-gan");

		Map<String, TestTensor> byFile = new LinkedHashMap<>();
		for (TestTensor t : run.tensors())
			byFile.put(t.file(), t);
		TestTensor outTensor = byFile.get(TEST_OUTPUT);
		List<Object> inputs = new ArrayList<>();
		String inId;
		if (d.task() == TaskKind.GENERATE) {
			GeneratorSpec g = d.generator();
			TestTensor z = byFile.get(TEST_INPUT);
			inId = z.tensorId();
			List<Object> axes = new ArrayList<>();
			axes.add(batchAxis(g.latentShape()[0] == 1));
			axes.add(RdfYaml.flow("type", "index", "id", "latent", "size", g.latentDim()));
			if (g.latentShape().length == 4) {
				axes.add(RdfYaml.flow("type", "space", "id", "y", "size", 1));
				axes.add(RdfYaml.flow("type", "space", "id", "x", "size", 1));
			}
			int n = (int) z.array().shape()[0];
			inputs.add(RdfYaml.map("id", inId, "description", atMost128("latent vectors, standard normal; the test input " +
				"holds seeds " + o.seed() + ".." + (o.seed() + n - 1) + " (fiji-gan: sample i draws with seed S + i)"), "axes",
				axes, "test_tensor", testTensor(z, sha), "data", RdfYaml.flow("type", "float32")));
			TestTensor cls = byFile.get(TEST_CLASS);
			if (cls != null) {
				String type = cls.array().dtype() == NpyArray.DType.INT32 ? "int32" : "int64";
				Map<String, Object> data = g.classCount() > 0 ? RdfYaml.flow("type", type, "range", List.of(0, g
					.classCount() - 1)).map() : RdfYaml.map("type", type);
				inputs.add(RdfYaml.map("id", cls.tensorId(), "description", atMost128("class label of each sample" + (g
					.classNames().isEmpty() ? "" : ": " + String.join(", ", g.classNames()))), "axes", List.of(batchAxis(false)),
					"test_tensor", testTensor(cls, sha), "data", new RdfYaml.Flow(data)));
			}
		}
		else {
			TestTensor image = byFile.get(TEST_INPUT);
			inId = image.tensorId();
			inputs.add(RdfYaml.map("id", inId, "description", atMost128(inputDescription(d, o)), "axes", imageAxes(d, run
				.inputChannels()), "test_tensor", testTensor(image, sha), "data", RdfYaml.flow("type", "float32"),
				"preprocessing", steps(run.preprocessing())));
			TestTensor mask = byFile.get(TEST_MASK);
			if (mask != null) inputs.add(RdfYaml.map("id", mask.tensorId(), "description", atMost128("the holes to fill: " +
				RdfYaml.number(d.mask().holeValue()) + " marks a hole, " + RdfYaml.number(d.mask().keepValue()) +
				" a known pixel"), "axes", maskAxes(d), "test_tensor", testTensor(mask, sha), "data", RdfYaml.flow(
					"type", "float32")));
		}
		Map<String, Object> output = RdfYaml.map("id", outTensor.tensorId(), "description", atMost128(outputDescription(d)),
			"axes", outputAxes(d, inId, run.outputChannels(), run.output()), "test_tensor", testTensor(outTensor, sha),
			"data", RdfYaml.flow("type", "float32"));

		Map<String, Object> onnx = RdfYaml.map("source", onnxName, "sha256", d.sha256());
		long opset = d.graph() == null ? 0 : d.graph().defaultOpset();
		if (opset > 0) onnx.put("opset_version", opset);
		if (opset > 0 && opset < 7) notes.add("opset " + opset + " is below bioimage.io's minimum, 7");

		return RdfYaml.map("type", "model", "format_version", FORMAT_VERSION, "name", o.name(), "description", o
			.description(), "authors", authors.isEmpty() ? null : authors, "cite", cite.isEmpty() ? null : cite,
			"license", o.license(), "tags", List.copyOf(tags), "documentation", documentation, "covers", List.of(COVER),
			"inputs", inputs, "outputs", List.of(output), "weights", RdfYaml.map("onnx", onnx), "config", RdfYaml.map(
				"fiji-gan", config(d)));
	}

	/** A tensor description as bioimage.io allows it: at most 128 characters. */
	private static String atMost128(String text) {
		return text.length() <= 128 ? text : text.substring(0, 125) + "...";
	}

	private static RdfYaml.Flow batchAxis(boolean fixedAtOne) {
		return fixedAtOne ? RdfYaml.flow("type", "batch", "size", 1) : RdfYaml.flow("type", "batch");
	}

	private static RdfYaml.Flow testTensor(TestTensor t, Map<String, String> sha) {
		return RdfYaml.flow("source", t.file(), "sha256", sha.get(t.file()));
	}

	private static List<Object> imageAxes(ModelDescriptor d, int channels) {
		List<Object> axes = new ArrayList<>();
		for (char c : d.image().layout().axes().toCharArray())
			axes.add(switch (c) {
				case 'b' -> batchAxis(d.image().maxBatch() == 1);
				case 'c' -> {
					List<String> names = channelNames(channels);
					if (maskIsLastChannel(d)) names.set(names.size() - 1, "mask");
					yield RdfYaml.flow("type", "channel", "channel_names", names);
				}
				default -> RdfYaml.flow("type", "space", "id", String.valueOf(c), "size", size(c == 'x' ? d.image().x()
					: d.image().y()));
			});
		return axes;
	}

	private static List<Object> maskAxes(ModelDescriptor d) {
		List<Object> axes = new ArrayList<>();
		for (char c : d.image().layout().axes().toCharArray())
			axes.add(switch (c) {
				case 'b' -> batchAxis(d.image().maxBatch() == 1);
				case 'c' -> RdfYaml.flow("type", "channel", "channel_names", List.of("mask"));
				default -> RdfYaml.flow("type", "space", "id", String.valueOf(c), "size", size(c == 'x' ? d.image().x()
					: d.image().y()));
			});
		return axes;
	}

	private static Object size(AxisConstraint c) {
		return c.isFixed() ? (Object) c.fixed() : RdfYaml.flow("min", c.min(), "step", c.step());
	}

	private static List<Object> outputAxes(ModelDescriptor d, String inId, int channels, Tensor out) {
		List<Object> axes = new ArrayList<>();
		TensorLayout layout = d.outputLayout();
		boolean generator = d.task() == TaskKind.GENERATE;
		for (char c : layout.axes().toCharArray())
			axes.add(switch (c) {
				case 'b' -> batchAxis(generator ? d.generator().latentShape()[0] == 1 : d.image().maxBatch() == 1);
				case 'c' -> RdfYaml.flow("type", "channel", "channel_names", channelNames(channels));
				default -> {
					String id = String.valueOf(c);
					if (generator) yield RdfYaml.flow("type", "space", "id", id, "size", (int) out.shape()[layout.axes()
						.indexOf(c)]);
					Map<String, Object> a = RdfYaml.map("type", "space", "id", id, "size", RdfYaml.flow("tensor_id", inId,
						"axis_id", id));
					if (d.scale() != 1) a.put("scale", 1 / d.scale());
					int halo = outputHalo(d);
					if (halo > 0) a.put("halo", halo);
					yield new RdfYaml.Flow(a);
				}
			});
		return axes;
	}

	/** The halo in output pixels, as bioimage.io counts it. */
	private static int outputHalo(ModelDescriptor d) {
		return (int) Math.ceil(d.haloPixels() * d.scale() - 1e-9);
	}

	private static List<String> channelNames(int n) {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < n; i++)
			names.add("channel" + i);
		return names;
	}

	private static List<Object> steps(List<ProcessingStep> steps) {
		List<Object> list = new ArrayList<>();
		for (ProcessingStep s : steps) {
			if (s instanceof ScaleRange r) list.add(RdfYaml.map("id", "scale_range", "kwargs", RdfYaml.flow("axes", r
				.axes(), "min_percentile", r.minPercentile(), "max_percentile", r.maxPercentile(), "eps", r.eps())));
			else if (s instanceof ScaleLinear l) list.add(RdfYaml.map("id", "scale_linear", "kwargs", RdfYaml.flow("gain",
				l.gain()[0], "offset", l.offset()[0])));
			else if (s instanceof EnsureDtype e) list.add(RdfYaml.map("id", "ensure_dtype", "kwargs", RdfYaml.flow(
				"dtype", e.dataType())));
			else throw new IllegalStateException("no YAML for " + s);
		}
		return list;
	}

	private static String inputDescription(ModelDescriptor d, PackageOptions o) {
		String range = d.inputRange().toString();
		Normalization n = o.normalization();
		String how;
		if (n instanceof Normalization.Percentile p) how = "percentiles " + RdfYaml.number(p.lowPercent()) + "-" +
			RdfYaml.number(p.highPercent()) + " per channel to " + range;
		else if (n instanceof Normalization.FixedRange f) how = "values " + RdfYaml.number(f.min()) + "-" + RdfYaml
			.number(f.max()) + " to " + range;
		else if (n instanceof Normalization.BitDepthRange) how = "the pixel type's range to " + range;
		else how = "raw values";
		return "image" + (maskIsLastChannel(d) ? " with the mask as its last channel" : "") +
			"; " + how;
	}

	private static String outputDescription(ModelDescriptor d) {
		if (d.task() == TaskKind.GENERATE) return "SYNTHETIC images in " + d.outputRange();
		if (d.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT) return "the noise in the input's " +
			"normalised values: result = input - output, then the preprocessing inverted";
		return "output in " + d.outputRange() + "; fiji-gan inverts the preprocessing to give input values";
	}

	/** The {@code config: fiji-gan:} keys: what ModelLoader reads and the specification cannot say. */
	private static Map<String, Object> config(ModelDescriptor d) {
		Map<String, Object> c = new LinkedHashMap<>();
		Map<String, String> meta = d.graph() == null ? Map.of() : d.graph().metadata();
		c.put("task", d.task().id());
		c.put("value_range", RdfYaml.number(d.inputRange().min()) + "," + RdfYaml.number(d.inputRange().max()));
		if (d.task() != TaskKind.GENERATE) {
			c.put("test_tensors", "preprocessed"); // the model's input as fed, not the raw image
			// the axes state scale and halo; restated where the ONNX metadata would win over them, or they
			// would not read back exactly
			if (meta.containsKey(ModelLoader.META_SCALE) || 1 / (1 / d.scale()) != d.scale()) c.put("scale", d
				.scale());
			int halo = outputHalo(d); // 0 is no halo on the axes, and the loader would infer one
			if (meta.containsKey(ModelLoader.META_HALO) || halo == 0 || (int) Math.ceil(halo / d.scale()) != d
				.haloPixels()) c.put("halo", d.haloPixels());
			if (d.task() != TaskKind.INPAINT) c.put("residual", d.outputTransform() ==
				OutputTransform.SUBTRACT_FROM_INPUT ? "subtract" : "none");
		}
		if (d.kind() instanceof ModelKind.Inpainting k) c.put("mask_hole_value", k.mask().holeValue());
		if (d.kind() instanceof ModelKind.Generator k && !k.spec().classNames().isEmpty()) c.put("class_names", String
			.join(",", k.spec().classNames()));
		return c;
	}

	// ---------------------------------------------------------------- the check

	/** Throws unless {@code loaded} is the model that was packaged, with {@code steps} as its preprocessing. */
	static void check(ModelDescriptor packaged, List<ProcessingStep> steps, ModelDescriptor loaded) {
		List<String> diff = new ArrayList<>();
		compare(diff, "task", packaged.task(), loaded.task());
		compare(diff, "scale", packaged.scale(), loaded.scale());
		compare(diff, "halo", packaged.haloPixels(), loaded.haloPixels());
		compare(diff, "value range", packaged.inputRange(), loaded.inputRange());
		compare(diff, "output value range", packaged.outputRange(), loaded.outputRange());
		compare(diff, "output", packaged.outputTransform(), loaded.outputTransform());
		compare(diff, "output axes", packaged.outputLayout(), loaded.outputLayout());
		compare(diff, "output channels", packaged.outputChannels(), loaded.outputChannels());
		if (packaged.kind() instanceof ModelKind.Generator ga && loaded.kind() instanceof ModelKind.Generator gb) {
			GeneratorSpec a = ga.spec(), b = gb.spec();
			compare(diff, "latent input", a.latentInput() + Arrays.toString(a.latentShape()), b.latentInput() + Arrays
				.toString(b.latentShape()));
			compare(diff, "class input", a.classInput(), b.classInput());
			compare(diff, "classes", a.classCount() + " " + a.classNames(), b.classCount() + " " + b.classNames());
		}
		else compare(diff, "inputs", packaged.kind(), loaded.kind()); // image input and mask
		compare(diff, "preprocessing", describe(steps), describe(loaded.preprocessing()));
		compare(diff, "postprocessing", "[]", describe(loaded.postprocessing()));
		if (!diff.isEmpty()) throw new GanException("the written " + RDF + " does not read back as the model " +
			"packaged (" + String.join("; ", diff) + "); this is a fiji-gan bug: please report it");
	}

	private static void compare(List<String> diff, String what, Object packaged, Object loaded) {
		if (!Objects.equals(packaged, loaded)) diff.add(what + " " + packaged + " reads back as " + loaded);
	}

	private static String describe(List<ProcessingStep> steps) {
		List<String> s = new ArrayList<>();
		for (ProcessingStep p : steps) {
			if (p instanceof ScaleRange r) s.add("scale_range " + r.minPercentile() + ".." + r.maxPercentile() +
				" eps " + r.eps());
			else if (p instanceof ScaleLinear l) s.add("scale_linear " + Arrays.toString(l.gain()) + " " + Arrays
				.toString(l.offset()));
			else if (p instanceof EnsureDtype e) s.add("ensure_dtype " + e.dataType());
			else s.add(p.toString());
		}
		return s.toString();
	}
}
