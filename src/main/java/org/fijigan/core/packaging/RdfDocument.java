
package org.fijigan.core.packaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ImageInput;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.ProcessingStep.Clip;
import org.fijigan.core.model.bioimage.ProcessingStep.EnsureDtype;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleLinear;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleRange;
import org.fijigan.core.model.bioimage.RdfYaml;
import org.fijigan.core.tiling.AxisConstraint;

/**
 * The {@code rdf.yaml} of a package as a tree of maps and lists for
 * {@link RdfYaml}: what {@link ModelLoader} inferred (plus the user's
 * overrides) in bioimage.io format 0.5 fields, and what the specification has
 * no field for under {@code config: fiji-gan:}.
 */
final class RdfDocument {

	private RdfDocument() {}

	/**
	 * @param sha the package's test and sample tensor files, and their SHA-256
	 */
	static Map<String, Object> of(ModelDescriptor d, PackageOptions o,
		TestRun run, String onnxName, Map<String, String> sha, String documentation,
		List<String> notes)
	{
		List<Object> authors = new ArrayList<>();
		for (PackageOptions.Person a : o.authors())
			authors.add(RdfYaml.map("name", a.name() == null ? a.githubUser() : a
				.name(), "github_user", a.githubUser()));
		if (authors.isEmpty()) notes.add(
			"no --author: bioimage.io requires at least one author");
		List<Object> maintainers = new ArrayList<>();
		for (PackageOptions.Person m : o.maintainers())
			maintainers.add(RdfYaml.map("name", m.name(), "github_user", m
				.githubUser()));
		if (maintainers.isEmpty() && o.authors().stream().allMatch(a -> a
			.githubUser() == null)) notes.add(
				"no --maintainer and no author with a GitHub user: bioimage.io wants one (--maintainer GITHUB_USER)");
		List<Object> cite = new ArrayList<>();
		for (PackageOptions.Citation c : o.citations())
			cite.add(RdfYaml.map("text", c.text(), "doi", c.doi(), "url", c.url()));
		if (cite.isEmpty()) notes.add(
			"no --cite: bioimage.io requires at least one citation");
		if (o.license() == null) notes.add(
			"no --license: bioimage.io requires an SPDX license identifier");
		Set<String> tags = new LinkedHashSet<>(o.tags());
		tags.add(d.task().id());
		tags.add("fiji-gan");

		Map<String, TestRun.TestTensor> byFile = new LinkedHashMap<>();
		for (TestRun.TestTensor t : run.tensors())
			byFile.put(t.file(), t);
		TestRun.TestTensor outTensor = byFile.get(PackageWriter.TEST_OUTPUT);
		// by the ONNX input each feeds
		Map<String, Object> inputs = new LinkedHashMap<>();
		String inId;
		if (d.task() == TaskKind.GENERATE) {
			GeneratorSpec g = d.generator();
			TestRun.TestTensor z = byFile.get(PackageWriter.TEST_INPUT);
			inId = z.tensorId();
			List<Object> axes = new ArrayList<>();
			axes.add(batchAxis(g.latentShape()[0] == 1));
			axes.add(RdfYaml.flow("type", "index", "id", "latent", "size", g
				.latentDim()));
			if (g.latentShape().length == 4) {
				axes.add(RdfYaml.flow("type", "space", "id", "y", "size", 1));
				axes.add(RdfYaml.flow("type", "space", "id", "x", "size", 1));
			}
			int n = (int) z.array().shape()[0];
			inputs.put(z.onnxName(), RdfYaml.map("id", inId, "description", atMost128(
				"latent vectors, standard normal; the test input " + "holds seeds " + o
					.seed() + ".." + (o.seed() + n - 1) +
					" (fiji-gan: sample i draws with seed S + i)"), "axes", axes,
				"test_tensor", testTensor(z, sha), "sample_tensor", sampleTensor(z,
					sha), "data", RdfYaml.flow("type", "float32")));
			TestRun.TestTensor cls = byFile.get(PackageWriter.TEST_CLASS);
			if (cls != null) {
				String type = g.oneHotClass() ? "float32" : cls.array()
					.dtype() == NpyArray.DType.INT32 ? "int32" : "int64";
				Map<String, Object> data = g.oneHotClass() ? RdfYaml.flow("type", type,
					"range", List.of(0, 1)).map() : g.classCount() > 0 ? RdfYaml.flow(
						"type", type, "range", List.of(0, g.classCount() - 1)).map()
						: RdfYaml.map("type", type);
				List<Object> classAxes = new ArrayList<>(List.of(batchAxis(false)));
				// [N,1] labels (Keras) or one-hot vectors [N,classes]
				if (cls.array().shape().length == 2) classAxes.add(RdfYaml.flow("type",
					"index", "id", g.oneHotClass() ? "class" : "label", "size", cls
						.array().shape()[1]));
				inputs.put(cls.onnxName(), RdfYaml.map("id", cls.tensorId(),
					"description", atMost128((g.oneHotClass() ? "one-hot class vector"
						: "class label") + " of each sample" + (g.classNames().isEmpty()
							? "" : ": " + String.join(", ", g.classNames()))), "axes",
					classAxes, "test_tensor", testTensor(cls, sha), "sample_tensor",
					sampleTensor(cls, sha), "data", new RdfYaml.Flow(data)));
			}
		}
		else {
			TestRun.TestTensor image = byFile.get(PackageWriter.TEST_INPUT);
			inId = image.tensorId();
			inputs.put(image.onnxName(), RdfYaml.map("id", inId, "description",
				atMost128(inputDescription(d, o, run)), "axes", imageAxes(d, run
					.inputChannels()), "test_tensor", testTensor(image, sha),
				"sample_tensor", sampleTensor(image, sha), "data", dataType(run, image),
				"preprocessing", steps(run.preprocessing())));
			TestRun.TestTensor mask = byFile.get(PackageWriter.TEST_MASK);
			if (mask != null) inputs.put(mask.onnxName(), RdfYaml.map("id", mask
				.tensorId(), "description", atMost128("the holes to fill: " + RdfYaml
					.number(d.mask().holeValue()) + " marks a hole, " + RdfYaml.number(d
						.mask().keepValue()) + " a known pixel"), "axes", maskAxes(d),
				"test_tensor", testTensor(mask, sha), "sample_tensor", sampleTensor(
					mask, sha), "data", dataType(run, mask)));
		}
		Map<String, Object> output = RdfYaml.map("id", outTensor.tensorId(),
			"description", atMost128(outputDescription(d)), "axes", outputAxes(d,
				inId, run.outputChannels(), run.output()), "test_tensor", testTensor(
					outTensor, sha), "sample_tensor", sampleTensor(outTensor, sha),
			"data", dataType(run, outTensor));

		Map<String, Object> onnx = RdfYaml.map("source", onnxName, "sha256", d
			.sha256());
		long opset = d.graph() == null ? 0 : d.graph().defaultOpset();
		if (opset > 0) onnx.put("opset_version", opset);
		if (opset > 0 && opset < 7) notes.add("opset " + opset +
			" is below bioimage.io's minimum, 7");

		return RdfYaml.map("type", "model", "format_version",
			PackageWriter.FORMAT_VERSION, "id", o.id(), "name", o.name(),
			"description", o.description(), "authors", authors.isEmpty() ? null
				: authors, "maintainers", maintainers.isEmpty() ? null : maintainers,
			"cite", cite.isEmpty() ? null : cite, "license", o.license(), "tags", List
				.copyOf(tags), "documentation", documentation, "covers", List.of(
					PackageWriter.COVER), "inputs", inGraphOrder(d, inputs), "outputs",
			List.of(output), "weights", RdfYaml.map("onnx", onnx), "config", RdfYaml
				.map("fiji-gan", config(d)));
	}

	/**
	 * {@code inputs} (by the ONNX input each feeds) in the order the ONNX graph
	 * declares its inputs: bioimage.io tools feed a package's inputs to the model
	 * by position, so an inpainting model taking {@code (mask, image)} or a
	 * generator taking its class first was fed the image as its mask, or the
	 * labels as its latents.
	 */
	private static List<Object> inGraphOrder(ModelDescriptor d,
		Map<String, Object> inputs)
	{
		List<String> names = new ArrayList<>(inputs.keySet());
		if (d.graph() != null) {
			List<String> graph = d.graph().inputs().stream().map(v -> v.name())
				.toList();
			names.sort(java.util.Comparator.comparingInt(n -> graph.contains(n)
				? graph.indexOf(n) : Integer.MAX_VALUE));
		}
		List<Object> sorted = new ArrayList<>();
		for (String n : names)
			sorted.add(inputs.get(n));
		return sorted;
	}

	/** The tensor's {@code data}: its type, that of the ONNX tensor. */
	private static RdfYaml.Flow dataType(TestRun run, TestRun.TestTensor t) {
		return RdfYaml.flow("type", run.dataTypes().get(t.file()));
	}

	/** A tensor description as bioimage.io allows it: at most 128 characters. */
	private static String atMost128(String text) {
		return text.length() <= 128 ? text : text.substring(0, 125) + "...";
	}

	private static RdfYaml.Flow batchAxis(boolean fixedAtOne) {
		return fixedAtOne ? RdfYaml.flow("type", "batch", "size", 1) : RdfYaml.flow(
			"type", "batch");
	}

	private static RdfYaml.Flow testTensor(TestRun.TestTensor t,
		Map<String, String> sha)
	{
		return RdfYaml.flow("source", t.file(), "sha256", sha.get(t.file()));
	}

	private static RdfYaml.Flow sampleTensor(TestRun.TestTensor t,
		Map<String, String> sha)
	{
		String file = PackageWriter.sampleFile(t);
		return RdfYaml.flow("source", file, "sha256", sha.get(file));
	}

	private static List<Object> imageAxes(ModelDescriptor d, int channels) {
		List<Object> axes = new ArrayList<>();
		for (char c : d.image().layout().axes().toCharArray())
			axes.add(switch (c) {
				case 'b' -> batchAxis(d.image().maxBatch() == 1);
				case 'c' -> {
					List<String> names = channelNames(channels);
					if (TestRun.maskIsLastChannel(d)) names.set(names.size() - 1, "mask");
					yield RdfYaml.flow("type", "channel", "channel_names", names);
				}
				default -> spaceAxis(d, c);
			});
		return axes;
	}

	/**
	 * An input space axis. For a scale f other than 1 its {@code scale} is f^2
	 * and the output's f: the specification's size factor (input scale / output
	 * scale) is then f, and so is JDLL's (deepImageJ's runner), which reads an
	 * output {@code scale} as the size factor, the 0.4 way.
	 */
	private static Object spaceAxis(ModelDescriptor d, char c) {
		Map<String, Object> a = RdfYaml.map("type", "space", "id", String.valueOf(
			c), "size", size(c == 'x' ? d.image().x() : d.image().y()));
		if (d.scale() != 1) a.put("scale", d.scale() * d.scale());
		return new RdfYaml.Flow(a);
	}

	private static List<Object> maskAxes(ModelDescriptor d) {
		List<Object> axes = new ArrayList<>();
		for (char c : d.image().layout().axes().toCharArray())
			axes.add(switch (c) {
				case 'b' -> batchAxis(d.image().maxBatch() == 1);
				case 'c' -> RdfYaml.flow("type", "channel", "channel_names", List.of(
					"mask"));
				default -> spaceAxis(d, c);
			});
		return axes;
	}

	private static Object size(AxisConstraint c) {
		return c.isFixed() ? (Object) c.fixed() : RdfYaml.flow("min", c.min(),
			"step", c.step());
	}

	private static List<Object> outputAxes(ModelDescriptor d, String inId,
		int channels, Tensor out)
	{
		List<Object> axes = new ArrayList<>();
		TensorLayout layout = d.outputLayout();
		boolean generator = d.task() == TaskKind.GENERATE;
		for (char c : layout.axes().toCharArray())
			axes.add(switch (c) {
				case 'b' -> batchAxis(generator ? d.generator().latentShape()[0] == 1
					: d.image().maxBatch() == 1);
				case 'c' -> RdfYaml.flow("type", "channel", "channel_names",
					channelNames(channels));
				default -> {
					String id = String.valueOf(c);
					if (generator) yield RdfYaml.flow("type", "space", "id", id, "size",
						(int) out.shape()[layout.axes().indexOf(c)]);
					Map<String, Object> a = RdfYaml.map("type", "space", "id", id, "size",
						RdfYaml.flow("tensor_id", inId, "axis_id", id));
					if (d.scale() != 1) a.put("scale", d.scale());
					int halo = outputHalo(d);
					if (halo > 0) a.put("halo", halo);
					yield new RdfYaml.Flow(a);
				}
			});
		return axes;
	}

	/**
	 * The halo in output pixels, as bioimage.io counts it: the input halo times
	 * the scale, taken up to the next whole number of input pixels whose output
	 * is whole (bioimage.io wants the halo in the input's pixels whole too); 0
	 * when none is near.
	 */
	static int outputHalo(ModelDescriptor d) {
		for (int m = d.haloPixels(); m <= d.haloPixels() + 64; m++) {
			double out = m * d.scale();
			if (Math.abs(out - Math.rint(out)) < 1e-9) return (int) Math.rint(out);
		}
		return 0;
	}

	/**
	 * {@code d} with its smallest input raised where bioimage.io needs it: an
	 * output axis's smallest size less twice its halo must be at least 1, so the
	 * input takes at least {@code (2 * halo + 1) / scale} pixels (the next size
	 * the model takes). Images smaller than that are mirrored up to it by
	 * fiji-gan, as for any model's smallest input.
	 */
	static ModelDescriptor fitMinimumToHalo(ModelDescriptor d,
		List<String> notes)
	{
		int halo = outputHalo(d);
		if (halo == 0) return d;
		int need = (int) Math.ceil((2.0 * halo + 1) / d.scale() - 1e-9);
		ImageInput in = d.image();
		AxisConstraint x = atLeast(in.x(), need, notes, "x"), y = atLeast(in.y(),
			need, notes, "y");
		if (x.equals(in.x()) && y.equals(in.y())) return d;
		ImageInput fitted = new ImageInput(in.name(), in.layout(), in.channels(), x,
			y, in.maxBatch());
		ModelKind kind = d.kind() instanceof ModelKind.Inpainting k
			? new ModelKind.Inpainting(fitted, k.mask()) : new ModelKind.ImageToImage(
				fitted);
		return d.toBuilder().kind(kind).build();
	}

	private static AxisConstraint atLeast(AxisConstraint c, int need,
		List<String> notes, String axis)
	{
		if (c.isFixed()) {
			if (c.fixed() < need) notes.add("the model's fixed input of " + c
				.fixed() + " px along " + axis +
				" is smaller than twice its halo: bioimage.io tools will complain");
			return c;
		}
		if (c.min() >= need) return c;
		return AxisConstraint.minStep(c.validSizeAtLeast(need), c.step());
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
			if (s instanceof ScaleRange r) list.add(RdfYaml.map("id", "scale_range",
				"kwargs", RdfYaml.flow("axes", r.axes(), "min_percentile", r
					.minPercentile(), "max_percentile", r.maxPercentile(), "eps", r
						.eps())));
			else if (s instanceof ScaleLinear l) list.add(RdfYaml.map("id",
				"scale_linear", "kwargs", RdfYaml.flow("gain", l.gain()[0], "offset", l
					.offset()[0])));
			else if (s instanceof Clip c) list.add(RdfYaml.map("id", "clip", "kwargs",
				RdfYaml.flow("min", c.min(), "max", c.max())));
			else if (s instanceof EnsureDtype e) list.add(RdfYaml.map("id",
				"ensure_dtype", "kwargs", RdfYaml.flow("dtype", e.dataType())));
			else throw new IllegalStateException("no YAML for " + s);
		}
		return list;
	}

	private static String inputDescription(ModelDescriptor d, PackageOptions o,
		TestRun run)
	{
		String range = d.inputRange().toString();
		Normalization n = o.normalization();
		boolean joint = run.preprocessing().stream().anyMatch(
			s -> s instanceof ScaleRange r && r.axes().contains(
				ProcessingStep.CHANNEL));
		String how;
		if (n instanceof Normalization.Percentile p) how = "percentiles " + RdfYaml
			.number(p.lowPercent()) + "-" + RdfYaml.number(p.highPercent()) + (joint
				? " of all channels together" : " per channel") + " to " + range;
		else if (n instanceof Normalization.FixedRange f) how = "values " + RdfYaml
			.number(f.min()) + "-" + RdfYaml.number(f.max()) + " to " + range;
		else if (n instanceof Normalization.BitDepthRange) how =
			"the pixel type's range to " + range;
		else how = "raw values";
		return "image" + (TestRun.maskIsLastChannel(d)
			? " with the mask as its last channel" : "") + "; " + how;
	}

	private static String outputDescription(ModelDescriptor d) {
		if (d.task() == TaskKind.GENERATE) return "SYNTHETIC images in " + d
			.outputRange();
		if (d.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT)
			return "the noise in the input's " +
				"normalised values: result = input - output, then the preprocessing inverted";
		return "output in " + d.outputRange() +
			"; fiji-gan inverts the preprocessing to give input values";
	}

	/**
	 * The {@code config: fiji-gan:} keys: what ModelLoader reads and the
	 * specification cannot say.
	 */
	private static Map<String, Object> config(ModelDescriptor d) {
		Map<String, Object> c = new LinkedHashMap<>();
		Map<String, String> meta = d.graph() == null ? Map.of() : d.graph()
			.metadata();
		c.put("task", d.task().id());
		c.put("value_range", RdfYaml.number(d.inputRange().min()) + "," + RdfYaml
			.number(d.inputRange().max()));
		if (d.task() != TaskKind.GENERATE) {
			// the axes state scale and halo; restated where the ONNX metadata would
			// win over them, or they
			// would not read back exactly
			if (meta.containsKey(ModelLoader.META_SCALE) || d.scale() * d.scale() / d
				.scale() != d.scale()) c.put("scale", d.scale());
			int halo = outputHalo(d); // 0 is no halo on the axes, and the loader
																// would infer one
			if (meta.containsKey(ModelLoader.META_HALO) || halo == 0 || (int) Math
				.ceil(halo / d.scale()) != d.haloPixels()) c.put("halo", d
					.haloPixels());
			if (d.task() != TaskKind.INPAINT) c.put("residual", d
				.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT ? "subtract"
					: "none");
		}
		if (d.kind() instanceof ModelKind.Inpainting k) c.put("mask_hole_value", k
			.mask().holeValue());
		if (d.kind() instanceof ModelKind.Generator k && !k.spec().classNames()
			.isEmpty()) c.put("class_names", String.join(",", k.spec().classNames()));
		return c;
	}
}
