
package org.fijigan.core.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.Axis;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.TensorDescription;
import org.fijigan.core.onnx.ElementTypes;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.tiling.AxisConstraint;

/**
 * Describes one model: each choice (task, inputs, layout, scale, halo, value
 * range, output transform) comes from the first source that states it: the
 * user's overrides, the bioimage.io descriptor (and its {@code config.fiji-gan}
 * section), the ONNX {@code metadata_props} (keys {@link ModelLoader#META_TASK}
 * etc.), the graph itself, and finally a {@link ScaleProbe} run.
 * {@link ModelDescriptor#origins()} records which. One instance describes one
 * model once.
 */
final class DescriptorInference {

	private final Path onnx;
	private final OnnxGraphInfo g;
	private final BioImageModel rdf;
	private final ModelOverrides o;
	private final Map<String, String> meta;
	/** The keys of {@link #meta} that the descriptor's config states. */
	private final java.util.Set<String> fromRdf = new java.util.HashSet<>();
	private final Map<String, String> origins = new HashMap<>();
	/**
	 * The graph's tiling analysis for the image input's layout, once that is
	 * known.
	 */
	private OnnxGraphInfo.Tiling tiling;

	/**
	 * The descriptor of {@code onnx} (read as {@code g}), with {@code o} applied.
	 *
	 * @param rdf the model's bioimage.io descriptor, or null for a bare ONNX file
	 * @throws GanException when the model cannot be described, naming what to
	 *           state by hand
	 */
	static ModelDescriptor describe(Path onnx, OnnxGraphInfo g, BioImageModel rdf,
		ModelOverrides o)
	{
		try {
			return new DescriptorInference(onnx, g, rdf, o).infer();
		}
		catch (NumberFormatException e) {
			throw new GanException("model " + onnx.getFileName() +
				" states a number that is not one: " + e.getMessage(), e);
		}
	}

	private DescriptorInference(Path onnx, OnnxGraphInfo g, BioImageModel rdf,
		ModelOverrides o)
	{
		this.onnx = onnx;
		this.g = g;
		this.rdf = rdf;
		this.o = o;
		this.meta = new HashMap<>(g.metadata());
		if (rdf != null && rdf.config().get("fiji-gan") instanceof Map<?, ?> cfg)
			for (Map.Entry<?, ?> e : cfg.entrySet())
			{
				meta.put("fiji-gan." + e.getKey(), String.valueOf(e.getValue()));
				fromRdf.add("fiji-gan." + e.getKey());
			}
	}

	/**
	 * Where {@code key} of {@link #meta} was stated, as {@link #origins} says it:
	 * {@code rdf.yaml} (its {@code config.fiji-gan} section) or {@code metadata}
	 * (the ONNX file's).
	 */
	private String source(String key) {
		return fromRdf.contains(key) ? "rdf.yaml" : "metadata";
	}

	/**
	 * {@code key} of {@link #meta} and its value as the model states them, for a
	 * message that refuses the value: the model, the file and the key as written
	 * there.
	 */
	private String stated(String key) {
		return "model " + onnx.getFileName() + ": " + (fromRdf.contains(key)
			? "rdf.yaml config." + key : "ONNX metadata " + key) + " " + meta.get(key)
				.trim();
	}

	/**
	 * The number {@code key} of {@link #meta} states; one that is none is
	 * refused, naming the key and {@code allowed}.
	 */
	private double number(String key, String allowed) {
		try {
			return Numbers.parseDecimal(meta.get(key).trim());
		}
		catch (NumberFormatException e) {
			throw new GanException(stated(key) + " is not a number: " + allowed, e);
		}
	}

	private ModelDescriptor infer() {
		if (rdf != null) refuseChannelMismatch();
		String name = rdf != null && rdf.name() != null ? rdf.name()
			: stripExtension(onnx.getFileName().toString());
		if (rdf == null && onnx.getFileName().toString().equals(
			ModelStore.ONNX_FILE) && onnx.toAbsolutePath().getParent()
				.getFileName() != null) name = onnx.toAbsolutePath().getParent()
					.getFileName().toString(); // installed by ModelStore: the folder is
																			// the name
		List<ValueInfo> floatImages = new ArrayList<>(), ints = new ArrayList<>(),
				latents = new ArrayList<>();
		for (ValueInfo v : g.inputs()) {
			boolean isFloat = ElementTypes.isFeedableFloat(v.elementType());
			boolean isInt = ElementTypes.isFeedableInteger(v.elementType());
			if (isInt) ints.add(v);
			else if (isFloat && (v.rank() == 2 && (v.isFixed(1) || g.imageOutput()
				.rank() > 2) || v.rank() == 4 && v.isFixed(2) && v.isFixed(3) && v
					.dims()[2] == 1 && v.dims()[3] == 1)) latents.add(v); // [N, d]: a
			// latent; [H, W] with both free and a 2D output: an image
			else if ((isFloat || ElementTypes.isUint8(v.elementType())) && v
				.rank() >= 2) floatImages.add(v);
			else if (v.rank() == 0 && !g.declaresShape(v.name()))
				throw new GanException("input '" + v.name() + "' of " + name +
					" declares no shape, and the graph does not show its rank " +
					"(it feeds no convolution or pool); fiji-gan cannot tell its axes");
			else throw new GanException("input '" + v.name() + "' of " + name +
				" has element type " + v.elementTypeName() + " and shape " + v
					.shapeString() + ", which fiji-gan cannot feed");
		}
		ValueInfo out = g.imageOutput();
		TaskKind task = task(name, floatImages, ints, latents, out);

		if (task == TaskKind.GENERATE) return generator(name, latents, ints, out);
		if (floatImages.isEmpty()) throw new GanException("model " + name +
			" has no image input (inputs: " + shapes(g.inputs()) + ")");
		// Image input: the first image-like input that does not take the mask.
		ValueInfo image = floatImages.get(0);
		ValueInfo maskInput = null;
		if (task == TaskKind.INPAINT && floatImages.size() >= 2) {
			maskInput = maskInput(floatImages);
			image = floatImages.get(floatImages.get(0) == maskInput ? 1 : 0);
		}
		TensorDescription rdfIn = rdf == null ? null : described(rdf.inputs(), g
			.inputs(), image, true);
		TensorDescription rdfOut = rdf == null ? null : described(rdf.outputs(), g
			.outputs(), out, true);
		TensorLayout layout = rdfIn != null ? layoutOf(rdfIn) : g.imageLayout(image
			.name()) != null && g.imageLayout(image.name()).rank() == image.rank() ? g
				.imageLayout(image.name()) : guessLayout(image);
		if (layout.rank() != image.rank()) throw new GanException(
			"descriptor axes '" + layout + "' do not match input '" + image.name() +
				"' of shape " + image.shapeString());
		tiling = g.tiling(image.name(), layout);
		refuseContradictedLayout(name, image, layout, rdfIn != null);
		TensorLayout outLayout = rdfOut != null ? layoutOf(rdfOut) : outputLayout(
			out, layout);
		int channels = dim(image, layout.channelAxis(), 1);
		if (channels < 0) channels = 0;
		MaskSpec mask = null;
		if (task == TaskKind.INPAINT) {
			double hole = o.maskHoleValue() != null ? o.maskHoleValue() : maskHole();
			if (maskInput == null) {
				if (channels < 2) throw new GanException("inpainting model " + name +
					" has one input with " + (channels == 0 ? "a dynamic number of"
						: channels) +
					" channels: it needs a separate mask input or a fixed mask channel");
				channels -= 1;
			}
			mask = new MaskSpec(maskInput == null ? null : maskInput.name(), hole,
				hole == 0 ? 1 : 0, true, maskInput == null ? null : maskLayout(
					maskInput, layout));
		}
		AxisConstraint xc = constraint(image, layout.xAxis(), rdfIn, "x");
		AxisConstraint yc = constraint(image, layout.yAxis(), rdfIn, "y");
		int maxBatch = maxBatch(image, layout);
		if (maskInput != null) maxBatch = Math.min(maxBatch, maxBatch(maskInput,
			mask.layout()));
		ImageInput in = new ImageInput(image.name(), layout, channels, xc, yc,
			maxBatch);
		int outChannels = dim(out, outLayout.channelAxis(), 1);

		double scale = scale(out, in, outLayout, rdfOut);
		if (task == TaskKind.IMAGE_TO_IMAGE && scale > 1 && o.task() == null &&
			!meta.containsKey(ModelLoader.META_TASK)) task =
				TaskKind.SUPER_RESOLUTION;
		if (!(scale > 0) || Double.isInfinite(scale)) throw new GanException(
			"model " + name + ": its scale (" + origins.getOrDefault("scale",
				"override") + ") comes out as " + scale + "; state it with --scale");
		// a generic model (stated or inferred) runs as the command's task, decided
		// here so that what the task decides (a denoiser's output named as the
		// noise) is
		if (task == TaskKind.IMAGE_TO_IMAGE && o.task() == null && o
			.commandTask() != null && o.commandTask().isImageToImage())
		{
			task = o.commandTask();
			ModelOverrides.checkSizeKept(name, task, scale, origins.getOrDefault(
				"scale", "override"));
			origins.put("task", "the command's: the model is a generic " +
				"image-to-image one (" + origins.get("task") + ")");
		}
		in = withOutputStep(in, scale);
		int halo = halo(rdfOut, scale);
		if (halo < 0) throw new GanException("model " + name + ": its halo (" +
			origins.getOrDefault("halo", "override") + ") comes out as " + halo +
			" pixels; state it with --halo");
		ValueRange range = range(out, image);
		OutputTransform transform = transform(out, task, scale);
		List<ProcessingStep> pre = rdfIn == null ? List.of() : references(rdfIn
			.processing(), rdfIn.id(), null);
		List<ProcessingStep> post = rdfOut == null ? List.of() : references(rdfOut
			.processing(), rdfOut.id(), rdfIn.id());
		boolean inInputUnits = inInputUnits(post);
		List<ProcessingStep> fed = impliedCasts(rdfIn, pre, true);
		refuseIntegerFeed(rdfIn, image, fed);
		ModelKind kind = mask == null ? new ModelKind.ImageToImage(in)
			: new ModelKind.Inpainting(in, mask);
		return o.applyTo(ModelDescriptor.builder(name, task, kind, out.name(),
			outLayout).file(onnx, ModelLoader.modelSha256(onnx, g)).outputChannels(
				outChannels).scale(scale).haloPixels(halo).ranges(range, range)
			.outputTransform(transform).processing(fed, impliedCasts(rdfOut, post,
				false)).outputInInputUnits(inInputUnits).wholeImageOps(tiling
					.wholeImageOps()).origins(origins).graph(g).build());
	}

	/**
	 * The descriptor's description of graph tensor {@code v}: the one whose id is
	 * its name, else the one at its position among the graph's tensors
	 * ({@code graph}), as bioimage.io tools pair them; else the first where
	 * {@code orFirst}, else null. The first was taken for the image input, so a
	 * package listing a mask before the image read the mask's description as the
	 * image's.
	 */
	private static TensorDescription described(List<TensorDescription> tensors,
		List<ValueInfo> graph, ValueInfo v, boolean orFirst)
	{
		for (TensorDescription t : tensors)
			if (t.id().equals(v.name())) return t;
		int at = graph.stream().map(ValueInfo::name).toList().indexOf(v.name());
		if (at >= 0 && at < tensors.size()) return tensors.get(at);
		return orFirst ? tensors.get(0) : null;
	}

	/**
	 * Refuses an image input whose layout the graph contradicts (a convolution
	 * summing over what the layout takes for image positions) where the layout
	 * puts an axis fixed at length 1 at y or x: such a reading runs the model on
	 * 1-pixel-wide tiles and gives wrong pixels, where the graph shows the
	 * reading is wrong.
	 */
	private void refuseContradictedLayout(String name, ValueInfo image,
		TensorLayout layout, boolean described)
	{
		String conflict = tiling.layoutConflict();
		if (conflict == null) return;
		long[] d = image.dims();
		boolean oneWide = d[layout.xAxis()] == 1 || d[layout.yAxis()] == 1;
		if (!oneWide) return;
		throw new GanException("model " + name + ": input '" + image.name() +
			"' of shape " + image.shapeString() + " read as axes " + layout +
			(described ? " (as its descriptor states)" : "") +
			" gives an image axis of length 1, and the graph contradicts that " +
			"reading (" + conflict + "); fiji-gan cannot tell this input's axes" +
			(described ? "" : ": state them in a bioimage.io descriptor"));
	}

	/**
	 * The layout of the output {@code out} of a model whose image input has
	 * {@code layout}, where no descriptor states it: as the graph gives it (from
	 * the roles of its axes), which need not be the input's (channels-first in,
	 * channels-last out, as tf2onnx's {@code --inputs-as-nchw} exports, or the
	 * reverse); where the graph does not tell, the input's for an output of its
	 * rank, else as {@link #guessLayout} reads it. An output of the input's rank
	 * was taken to have its layout, and the channels-last output of a
	 * channels-first model was read with its width as its channels.
	 */
	private TensorLayout outputLayout(ValueInfo out, TensorLayout layout) {
		TensorLayout graph = tiling.outputLayout();
		if (graph != null && graph.rank() == out.rank()) return graph;
		return out.rank() == layout.rank() ? layout : guessLayout(out);
	}

	/**
	 * The largest batch input {@code v} of layout {@code layout} takes: 1 without
	 * a batch axis, its size where fixed, else {@link Integer#MAX_VALUE}.
	 */
	private static int maxBatch(ValueInfo v, TensorLayout layout) {
		int b = layout.batchAxis();
		return b < 0 ? 1 : v.dims()[b] > 0 ? (int) v.dims()[b] : Integer.MAX_VALUE;
	}

	/**
	 * The layout of an inpainting model's mask input {@code mask}, which need not
	 * be the image's ({@code imageLayout}): as its bioimage.io description states
	 * it; the image's where that puts a fixed 1 on the mask's channel axis; else
	 * as {@link #guessLayout} reads the mask's own shape ({@code [N,1,H,W]}
	 * beside a channels-last image, {@code [N,H,W,1]} beside a channels-first
	 * one, {@code [N,H,W]}). The mask was fed in the image's layout, and ONNX
	 * Runtime refused it. A mask input of more than one channel is refused.
	 */
	private TensorLayout maskLayout(ValueInfo mask, TensorLayout imageLayout) {
		Optional<TensorDescription> described = rdf == null ? Optional.empty()
			: Optional.ofNullable(described(rdf.inputs(), g.inputs(), mask, false));
		int c = imageLayout.channelAxis();
		TensorLayout layout = described.isPresent() ? layoutOf(described.get())
			: mask.rank() == imageLayout.rank() && (c < 0 || mask.dims()[c] == 1)
				? imageLayout : guessLayout(mask);
		if (layout.rank() != mask.rank()) throw new GanException("descriptor " +
			"axes '" + layout + "' do not match mask input '" + mask.name() +
			"' of shape " + mask.shapeString());
		int channels = dim(mask, layout.channelAxis(), 1);
		if (channels > 1) throw new GanException("mask input '" + mask.name() +
			"' has shape " + mask.shapeString() + ", " + channels + " channels " +
			"(axes " + layout + "); fiji-gan feeds a mask of one channel");
		return layout;
	}

	/**
	 * Which of an inpainting model's image-like inputs takes the mask: the one
	 * named {@code mask} (in any case), as the documentation says; else the first
	 * whose name contains "mask" but not "image", "img" or "input"; else the
	 * first whose name contains "mask" with one of those ({@code input_mask},
	 * {@code image_mask}, {@code mask_image}); else, where an input's name
	 * contains "masked" (a {@code masked_image} is the image with its holes
	 * blanked, never the mask), the first other one; else the second input. The
	 * last input whose name contained "mask" was taken, so inputs declared as
	 * {@code [mask, masked_image]} had the image fed as the mask and the mask as
	 * the image; and a "masked_image" beside an input named otherwise
	 * ({@code [masked_image, hole]}) was taken for the mask.
	 */
	static ValueInfo maskInput(List<ValueInfo> inputs) {
		ValueInfo named = null, imageNamed = null, masked = null;
		for (ValueInfo v : inputs) {
			String n = v.name().toLowerCase(Locale.ROOT);
			if (n.equals("mask")) return v;
			if (n.contains("masked")) {
				if (masked == null) masked = v;
				continue;
			}
			if (!n.contains("mask")) continue;
			boolean image = n.contains("image") || n.contains("img") || n.contains(
				"input");
			if (!image && named == null) named = v;
			if (image && imageNamed == null) imageNamed = v;
		}
		if (named != null) return named;
		if (imageNamed != null) return imageNamed;
		for (ValueInfo v : inputs)
			if (masked != null && v != masked) return v;
		return inputs.get(1);
	}

	/**
	 * Refuses a descriptor tensor whose channel axis has a fixed size (its
	 * {@code size} or its {@code channel_names}) other than the one the ONNX
	 * graph declares for the tensor of that name: fiji-gan feeds what the graph
	 * declares, so a descriptor that says 3 channels for a 1-channel graph would
	 * run silently on one. A graph with a dynamic channel axis takes either.
	 */
	private void refuseChannelMismatch() {
		for (List<TensorDescription> tensors : List.of(rdf.inputs(), rdf.outputs()))
			for (TensorDescription t : tensors) {
				boolean input = tensors == rdf.inputs();
				Optional<ValueInfo> graphTensor = (input ? g.inputs() : g.outputs())
					.stream().filter(v -> v.name().equals(t.id())).findFirst();
				if (graphTensor.isEmpty() || graphTensor.get().rank() != t.axes()
					.size()) continue;
				ValueInfo v = graphTensor.get();
				for (int i = 0; i < t.axes().size(); i++) {
					Axis a = t.axes().get(i);
					long declared = v.dims()[i];
					if (a.type() != Axis.Type.CHANNEL || !a.hasFixedSize() ||
						declared <= 0 || declared == a.size()) continue;
					throw new GanException("model " + rdf.name() + ": its rdf.yaml " +
						"gives " + (input ? "input" : "output") + " '" + t.id() + "' " + a
							.size() + " channel" + (a.size() == 1 ? "" : "s") + (a
								.channelNames().isEmpty() ? "" : " (channel_names " + a
									.channelNames() + ")") + ", but its ONNX graph declares " +
						declared + " (shape " + v.shapeString() + ")");
				}
			}
	}

	/**
	 * Refuses an input whose preprocessing ({@code steps}, with the casts format
	 * 0.5 implies) ends in a cast to an integer type or bool other than the
	 * element type the ONNX graph declares for {@code image}: the cast is the
	 * type the descriptor says the weights take (its {@code data.type} unless an
	 * explicit {@code ensure_dtype} ends the steps), so a {@code uint8} input for
	 * a float32 graph cut the normalised values to 0 and 1 before the model and
	 * ran with wrong pixels.
	 */
	private void refuseIntegerFeed(TensorDescription rdfIn, ValueInfo image,
		List<ProcessingStep> steps)
	{
		if (rdfIn == null || steps.isEmpty() || !(steps.get(steps.size() -
			1) instanceof ProcessingStep.EnsureDtype cast)) return;
		String type = cast.dataType(), graph = ElementTypes.widthName(image
			.elementType());
		if (type.startsWith("float") || type.equals(graph)) return;
		throw new GanException("model " + rdf.name() + ": its rdf.yaml feeds " +
			"input '" + rdfIn.id() + "' to the model as " + type + " (" + (rdfIn
				.processing().isEmpty() || !(rdfIn.processing().get(rdfIn.processing()
					.size() - 1) instanceof ProcessingStep.EnsureDtype)
						? "its data.type, which format 0.5 casts to after preprocessing"
						: "its last preprocessing step") + "), but its ONNX graph " +
			"declares " + graph + " (input '" + image.name() + "'): the values " +
			"would be cut to " + type + " before the model. State the type the " +
			"graph takes, or end the preprocessing with ensure_dtype to it");
	}

	/**
	 * Whether the result is given in the input's units (the preprocessing
	 * inverted): for a bare ONNX model, and for a package fiji-gan wrote (it has
	 * {@code config: fiji-gan:}) that states no postprocessing; any other
	 * package's result is its postprocessed output.
	 */
	private boolean inInputUnits(List<ProcessingStep> post) {
		return rdf == null || rdf.config().containsKey("fiji-gan") && post
			.isEmpty();
	}

	/**
	 * The steps of tensor {@code self} with their {@code reference_tensor}s
	 * resolved: null for the tensor itself, {@link ProcessingStep#IMAGE_INPUT}
	 * for the image input {@code imageInput} (a postprocessing step may refer to
	 * it); any other tensor is refused, naming it.
	 */
	private List<ProcessingStep> references(List<ProcessingStep> steps,
		String self, String imageInput)
	{
		List<ProcessingStep> resolved = new ArrayList<>();
		for (ProcessingStep s : steps) {
			String ref = s instanceof ProcessingStep.ScaleRange r ? r
				.referenceTensor() : s instanceof ProcessingStep.ScaleMeanVariance m ? m
					.referenceTensor() : null;
			String to = ref == null || ref.equals(self) ? null : ref.equals(
				imageInput) ? ProcessingStep.IMAGE_INPUT : "";
			if ("".equals(to)) throw new GanException("model " + rdf.name() +
				": the " + s.id() + " step of tensor '" + self +
				"' refers to tensor '" + ref + "'; fiji-gan takes statistics of " +
				(imageInput == null ? "the tensor itself"
					: "the image input and of the output") + " only");
			if (s instanceof ProcessingStep.ScaleRange r) s = r.withReferenceTensor(
				to);
			else if (s instanceof ProcessingStep.ScaleMeanVariance m) s = m
				.withReferenceTensor(to);
			resolved.add(s);
		}
		return resolved;
	}

	private TaskKind task(String name, List<ValueInfo> images,
		List<ValueInfo> ints, List<ValueInfo> latents, ValueInfo out)
	{
		if (o.task() != null) {
			origins.put("task", "override");
			return o.task();
		}
		if (meta.containsKey(ModelLoader.META_TASK)) {
			origins.put("task", source(ModelLoader.META_TASK));
			return TaskKind.parse(meta.get(ModelLoader.META_TASK));
		}
		origins.put("task", "inferred from the inputs");
		if (images.isEmpty() && !latents.isEmpty()) return TaskKind.GENERATE;
		if (images.size() >= 2) return TaskKind.INPAINT;
		String lower = (name + " " + out.name()).toLowerCase(Locale.ROOT);
		if (lower.contains("denois") || lower.contains("noise"))
			return TaskKind.DENOISE;
		if (lower.contains("inpaint")) return TaskKind.INPAINT;
		return TaskKind.IMAGE_TO_IMAGE;
	}

	private ModelDescriptor generator(String name, List<ValueInfo> latents,
		List<ValueInfo> ints, ValueInfo out)
	{
		if (latents.isEmpty()) throw new GanException("generator " + name +
			" has no latent input (a float input of shape [N, d] or [N, d, 1, 1]); inputs: " +
			shapes(g.inputs()));
		ValueInfo oneHot = oneHotClass(name, latents, ints);
		ValueInfo z = latents.get(latents.get(0) == oneHot ? 1 : 0);
		long[] zShape = z.dims().clone();
		zShape[0] = zShape[0] > 0 ? zShape[0] : -1;
		if (z.dims()[1] <= 0) throw new GanException("latent input '" + z.name() +
			"' has a dynamic length; the generator must fix it");
		int dim = (int) z.dims()[1];
		ValueInfo label = oneHot != null ? oneHot : ints.isEmpty() ? null : ints
			.get(0);
		String classInput = label == null ? null : label.name();
		List<String> names = meta.containsKey(ModelLoader.META_CLASS_NAMES) ? List
			.of(meta.get(ModelLoader.META_CLASS_NAMES).split("\\s*,\\s*")) : List
				.of();
		String namesWhere = "the " + ModelLoader.META_CLASS_NAMES +
			" of generator " + name + " (" + meta.get(ModelLoader.META_CLASS_NAMES) +
			")";
		GeneratorSpec.requireDistinctClassNames(names, namesWhere);
		GeneratorSpec.requireVisibleClassNames(names, namesWhere);
		GeneratorSpec.requireLabelClassNames(names, namesWhere);
		// the rows of the table an integer label indexes, or the depth of the
		// OneHot it is given to, where the graph shows them (0 when not)
		int rows = oneHot != null || classInput == null ? 0 : g.embeddingRows(
			classInput);
		int classes = oneHot != null ? (int) oneHot.dims()[1] : !names.isEmpty()
			? names.size() : rows;
		if (oneHot != null && !names.isEmpty() && names.size() != classes)
			throw new GanException("generator " + name + " names " + names.size() +
				" classes, but its one-hot class input '" + oneHot.name() + "' " +
				oneHot.shapeString() + " takes " + classes);
		// more names would feed labels past the table (ONNX Runtime's Gather
		// fails), fewer would leave classes unreachable; a OneHot's depth may
		// hold a slot beyond the named classes (no class), as before it was read
		if (rows > 0 && !names.isEmpty() && names.size() != rows && !(g
			.isOneHotDepth(classInput) && names.size() < rows))
			throw new GanException("generator " + name + " names " + names.size() +
				" classes, but its class input '" + classInput +
				"' indexes a table of " + rows);
		TensorLayout layout = generatorLayout(name, out, z);
		GeneratorSpec spec = new GeneratorSpec(z.name(), dim, zShape, classInput,
			classes, names, label == null ? null : classShape(name, label,
				oneHot != null), oneHot != null);
		ValueRange range = range(out, null);
		TensorDescription rdfOut = rdf == null ? null : described(rdf.outputs(), g
			.outputs(), out, true);
		List<ProcessingStep> post = rdfOut == null ? List.of() : references(rdfOut
			.processing(), rdfOut.id(), null);
		return o.applyTo(ModelDescriptor.builder(name, TaskKind.GENERATE,
			new ModelKind.Generator(spec), out.name(), layout).file(onnx, ModelLoader
				.modelSha256(onnx, g)).outputChannels(layoutLeftOpen(out) ? -1 : dim(
					out, layout.channelAxis(), 1)).ranges(range, range).processing(List
						.of(), impliedCasts(rdfOut, post, false)).outputInInputUnits(
							inInputUnits(post)).origins(origins).graph(g).build());
	}

	/**
	 * The float input among a generator's latent-like ones ({@code [N, d]}) that
	 * takes its class as a one-hot vector: with two such inputs and no integer
	 * class input, the one named for a class ("class", "label", "onehot", or "y"
	 * as a word) whose fixed length K is 2 to 1024. Null with one latent-like
	 * input. Any other set of them is refused, naming the inputs: fed only the
	 * first, ONNX Runtime failed with "Missing Input", and a one-hot input
	 * declared first was fed as the latent.
	 */
	private ValueInfo oneHotClass(String name, List<ValueInfo> latents,
		List<ValueInfo> ints)
	{
		if (latents.size() < 2) return null;
		List<ValueInfo> named = latents.stream().filter(
			DescriptorInference::isOneHotClass).toList();
		if (latents.size() == 2 && named.size() == 1 && ints.isEmpty()) return named
			.get(0);
		throw new GanException("generator " + name + " has " + latents.size() +
			" float inputs that could each be its latent vector (inputs: " + shapes(g
				.inputs()) + "): fiji-gan feeds one latent vector and at most one " +
			"class input, an integer label or a one-hot float vector [N, K] whose " +
			"name says class, label or onehot");
	}

	/**
	 * Whether {@code v} reads as a one-hot class vector: {@code [N, K]} with K
	 * fixed at 2 to 1024, named for a class.
	 */
	private static boolean isOneHotClass(ValueInfo v) {
		if (v.rank() != 2 || !v.isFixed(1) || v.dims()[1] < 2 || v.dims()[1] > 1024)
			return false;
		String n = v.name().toLowerCase(Locale.ROOT);
		return n.contains("class") || n.contains("label") || n.contains("onehot") ||
			n.contains("one_hot") || List.of(n.split("[^a-z0-9]+")).contains("y");
	}

	/**
	 * The shape a generator's class input {@code v} is fed in, batch -1: a
	 * one-hot vector's {@code [N, K]}, an integer label's {@code [N]} or
	 * {@code [N, 1]} as declared (it was fed as {@code [N]} whatever the model
	 * declared, and ONNX Runtime refused a rank-2 input). Other shapes are
	 * refused.
	 */
	private static long[] classShape(String name, ValueInfo v, boolean oneHot) {
		if (oneHot) return new long[] { -1, v.dims()[1] };
		if (v.rank() == 1) return new long[] { -1 };
		if (v.rank() == 2 && (!v.isFixed(1) || v.dims()[1] == 1))
			return new long[] { -1, 1 };
		throw new GanException("generator " + name + ": its class input '" + v
			.name() + "' has shape " + v.shapeString() + "; fiji-gan feeds one " +
			"integer label per sample, as [N] or [N,1]");
	}

	/**
	 * The layout of a generator's image output {@code out}: rank 4 as
	 * {@link #guessLayout} reads an image model's ({@code byxc} for the
	 * {@code [N, H, W, C]} of a Keras or TensorFlow generator, whose last axis is
	 * 1, 3 or 4 after two larger ones), rank 3 {@code byx}. A rank-2 output whose
	 * first axis is the batch ({@code [N, D]}, as an MLP generator gives) is
	 * refused: it holds one flat vector per sample, and read as an image its
	 * samples became the rows of every slice. A rank-4 output whose declared
	 * shape cannot tell its layout ({@link #layoutLeftOpen}) gets its layout from
	 * the shape a run gives ({@link ModelDescriptor#outputLayout(long[])}); the
	 * one returned here stands until then.
	 *
	 * @param z the latent input, whose batch axis the output's is compared with
	 */
	private static TensorLayout generatorLayout(String name, ValueInfo out,
		ValueInfo z)
	{
		if (out.rank() == 3) return new TensorLayout("byx");
		boolean batchFirst = out.rank() == 2 && (!out.isFixed(0) || z.isFixed(0) &&
			out.dims()[0] == z.dims()[0]);
		if (batchFirst) throw new GanException("generator " + name +
			": its output '" + out.name() + "' " + out.shapeString() +
			" is one flat vector per sample, not an image: fiji-gan takes a " +
			"generator's images as [N,C,H,W] or [N,H,W,C]; export the model with " +
			"its output reshaped to one of these");
		return guessLayout(out);
	}

	/**
	 * Whether {@link #guessLayout} cannot tell the layout of {@code v} from its
	 * declared shape: rank 4 with its last axis left open and its second not a
	 * fixed 1 to 4 ({@code [N,?,?,?]}, {@code [N,16,12,?]}), so that the sizes a
	 * run gives decide between {@code bcyx} and {@code byxc}. A fixed small
	 * second axis ({@code [N,1,?,?]}) is {@code bcyx}, and a fixed small last one
	 * after an open second ({@code [N,?,?,3]}) {@code byxc}, whatever the open
	 * sizes are.
	 */
	static boolean layoutLeftOpen(ValueInfo v) {
		if (v.rank() != 4 || v.isFixed(3)) return false;
		long second = v.dims()[1];
		return !(v.isFixed(1) && second > 0 && second <= 4);
	}

	/**
	 * {@code steps} of tensor {@code t} with the casts that format 0.5 implies
	 * (its {@code InputTensorDescr} and {@code OutputTensorDescr} add them): an
	 * input's preprocessing starts with a cast to its {@code data.type} and ends
	 * with one unless it ends in {@code ensure_dtype} or {@code binarize}; an
	 * output's postprocessing ends the same way. Only casts to an integer type or
	 * bool are added: to float32 or float64 a cast leaves fiji-gan's values as
	 * they are. Format 0.4 implies none.
	 */
	private List<ProcessingStep> impliedCasts(TensorDescription t,
		List<ProcessingStep> steps, boolean input)
	{
		if (t == null || !rdf.formatVersion().startsWith("0.5") || t.dataType()
			.startsWith("float") || !ProcessingStep.EnsureDtype.TYPES.contains(t
				.dataType())) return steps;
		ProcessingStep cast = new ProcessingStep.EnsureDtype(t.dataType());
		List<ProcessingStep> all = new ArrayList<>(steps);
		if (input && (all.isEmpty() || !(all.get(
			0) instanceof ProcessingStep.EnsureDtype))) all.add(0, cast);
		ProcessingStep last = all.isEmpty() ? null : all.get(all.size() - 1);
		if (!(last instanceof ProcessingStep.EnsureDtype ||
			last instanceof ProcessingStep.Binarize)) all.add(cast);
		return List.copyOf(all);
	}

	/**
	 * {@code in} with the size step its strided layers ask for measured on the
	 * output's grid: a model that ends at a coarser resolution than its input (a
	 * downscaler) takes any size its output rounds, so only the stride beyond its
	 * own scale is asked for (none for a plain downscaler by its stride), where
	 * the graph alone gave the step.
	 */
	private ImageInput withOutputStep(ImageInput in, double scale) {
		int step = tiling.sizeStep();
		if (step == 1 || !origins.getOrDefault("size", "").startsWith("graph:"))
			return in;
		double onOutput = step * scale;
		long s = Math.round(onOutput);
		if (s >= step || s < 1 || Math.abs(onOutput - s) > 1e-9 || step % s != 0)
			return in;
		AxisConstraint c = s == 1 ? AxisConstraint.ANY : AxisConstraint.minStep(
			(int) s, (int) s);
		if (s == 1) origins.remove("size");
		else origins.put("size", "graph: strided layers, a total stride of " +
			step + " at a scale of " + Numbers.significant(scale, 4));
		AxisConstraint graph = graphConstraint();
		return new ImageInput(in.name(), in.layout(), in.channels(), in.x().equals(
			graph) ? c : in.x(), in.y().equals(graph) ? c : in.y(), in.maxBatch());
	}

	/**
	 * The sizes the graph's strided layers take: a multiple of the size step its
	 * upsamplings by a fixed factor need, and at least the size at which every
	 * level keeps a pixel; any size without strided layers.
	 */
	private AxisConstraint graphConstraint() {
		int step = tiling.sizeStep(), min = tiling.minSize();
		if (step == 1 && min == 1) return AxisConstraint.ANY;
		return AxisConstraint.minStep((Math.max(min, step) + step - 1) / step *
			step, step);
	}

	private AxisConstraint constraint(ValueInfo v, int axis,
		TensorDescription rdfIn, String id)
	{
		if (rdfIn != null) {
			Optional<Axis> a = rdfIn.axis(id);
			if (a.isPresent()) {
				Axis ax = a.get();
				if (ax.hasFixedSize()) return AxisConstraint.fixed(ax.size());
				if (ax.isParameterized()) return AxisConstraint.minStep(ax.min(), ax
					.step());
			}
		}
		long d = v.dims()[axis];
		if (d > 0) return AxisConstraint.fixed((int) d);
		AxisConstraint c = graphConstraint();
		if (c.equals(AxisConstraint.ANY)) return c;
		origins.put("size", tiling.sizeStep() > 1
			? "graph: strided layers, a total stride of " + tiling.sizeStep()
			: "graph: strided layers, a total stride of " + tiling.stride() +
				", upsampled to the shapes they are joined with: any size from " + c
					.min());
		return c;
	}

	/**
	 * The mask value that marks a hole as the model states it, within the bounds
	 * of {@code --mask-hole}; 1 where it states none.
	 */
	private double maskHole() {
		String key = ModelLoader.META_MASK_HOLE;
		if (!meta.containsKey(key)) {
			origins.put("mask", "default (1 = hole)");
			return 1;
		}
		origins.put("mask", source(key));
		String remedy = ", or state it with --mask-hole";
		double hole = number(key, "give " + ModelOverrides.MASK_HOLES + remedy);
		ModelOverrides.checkMaskHole(hole, stated(key), remedy);
		return hole;
	}

	private double scale(ValueInfo out, ImageInput in, TensorLayout outLayout,
		TensorDescription rdfOut)
	{
		if (o.scale() != null) return o.scale(); // origin set by the overrides
		if (meta.containsKey(ModelLoader.META_SCALE)) {
			String key = ModelLoader.META_SCALE;
			origins.put("scale", source(key));
			String remedy = ", or state it with --scale";
			double scale = number(key, "give " + ModelOverrides.SCALES + remedy);
			ModelOverrides.checkScale(scale, stated(key), remedy);
			return scale;
		}
		if (rdfOut != null) {
			Optional<Axis> x = rdfOut.axis("x");
			if (x.isPresent() && x.get().reference() != null) {
				origins.put("scale", "rdf.yaml");
				return x.get().reference().scale();
			}
		}
		long ox = out.rank() == outLayout.rank() ? out.dims()[outLayout.xAxis()]
			: -1;
		if (in.x().isFixed() && ox > 0) {
			origins.put("scale", "fixed input and output shapes");
			return (double) ox / in.x().fixed();
		}
		ReceptiveField rf = tiling.receptiveField();
		if (rf.exact()) {
			origins.put("scale", "graph");
			return rf.scale();
		}
		origins.put("scale", "probed");
		return ScaleProbe.scale(onnx, g, in, outLayout);
	}

	private int halo(TensorDescription rdfOut, double scale) {
		if (o.haloPixels() != null) return o.haloPixels();
		if (meta.containsKey(ModelLoader.META_HALO)) {
			String key = ModelLoader.META_HALO;
			origins.put("halo", source(key));
			long halo;
			try {
				halo = Long.parseLong(meta.get(key).trim());
			}
			catch (NumberFormatException e) {
				throw new GanException(stated(key) + " is not a whole number of " +
					"pixels: give " + ModelOverrides.HALOS + ", or state it with --halo",
					e);
			}
			ModelOverrides.checkHalo(halo, stated(key), ", or state it with --halo");
			return (int) halo;
		}
		if (rdfOut != null) {
			int h = 0;
			for (String id : new String[] { "x", "y" })
				h = Math.max(h, rdfOut.axis(id).map(Axis::halo).orElse(0));
			if (h > 0) {
				origins.put("halo", "rdf.yaml");
				return (int) Math.ceil(h / scale); // bioimage.io halos are in output
																						// pixels
			}
		}
		ReceptiveField rf = tiling.receptiveField();
		origins.put("halo", rf.exact() ? "receptive field"
			: "receptive field (estimate)");
		return rf.exact() ? rf.haloPixels() : Math.max(16, rf.haloPixels());
	}

	/** The model's value range; {@code image} its image input, if any. */
	private ValueRange range(ValueInfo out, ValueInfo image) {
		String v = meta.get(ModelLoader.META_RANGE);
		if (o.range() == null && v != null) {
			origins.put("range", source(ModelLoader.META_RANGE));
			return ValueRange.parse(v, stated(ModelLoader.META_RANGE),
				"; state the model's range with --range");
		}
		boolean uint8In = image != null && ElementTypes.isUint8(image
			.elementType());
		if (uint8In || ElementTypes.isUint8(out.elementType())) {
			origins.put("range", "inferred (" + (uint8In ? "input" : "output") +
				" is uint8)");
			return ValueRange.ZERO_255;
		}
		if (ElementTypes.isUint16(out.elementType())) {
			origins.put("range", "inferred (output is uint16)");
			return new ValueRange(0, 65535);
		}
		if ("Tanh".equals(g.producerOf(out.name()))) {
			origins.put("range", "inferred (output is Tanh)");
			return ValueRange.MINUS_ONE_ONE;
		}
		origins.put("range", "default");
		return ValueRange.ZERO_ONE;
	}

	private OutputTransform transform(ValueInfo out, TaskKind task,
		double scale)
	{
		String key = ModelLoader.META_RESIDUAL;
		String v = meta.get(key);
		// --residual decides it, as the flags that override the other keys do
		if (o.outputTransform() == null && v != null) {
			origins.put("output", source(key));
			// package-model writes none for a model whose output is the result
			if (v.trim().equalsIgnoreCase("subtract"))
				return OutputTransform.SUBTRACT_FROM_INPUT;
			// earlier fiji-gan read every other value as none: the plain ways of
			// saying no still mean it
			if (Set.of("none", "false", "no", "direct").contains(v.trim().toLowerCase(
				Locale.ROOT))) return OutputTransform.DIRECT;
			// the hint names a flag only where the command loading it has one
			throw new GanException(stated(key) + " is not one of its values: give " +
				"subtract (the output is the noise: result = input - output) or none " +
				"(also false, no or direct: the output is the result)" + (o
					.residualOption() == null ? "" : ", or state which with " + o
						.residualOption()));
		}
		if (rdf != null && !rdf.config().containsKey("fiji-gan")) {
			origins.put("output",
				"bioimage.io: the output as the model and its postprocessing give it");
			return OutputTransform.DIRECT;
		}
		if (scale == 1 && task == TaskKind.DENOISE && namesTheNoise(out.name())) {
			origins.put("output", ModelDescriptor.NAMED_NOISE + " '" + out.name() +
				"': if it is the denoised image, " + (o.residualOption() == null ? ""
					: "say which with " + o.residualOption() + ", or ") + "set " + key +
				" to none in the model's metadata");
			return OutputTransform.SUBTRACT_FROM_INPUT;
		}
		origins.put("output", "default");
		return OutputTransform.DIRECT;
	}

	/**
	 * Words of an output name that, beside a word naming the noise, make it the
	 * image without the noise: {@code noise_free}, {@code noise_removed},
	 * {@code residual_added}, {@code input_minus_noise}.
	 */
	private static final Set<String> CLEAN_WORDS = Set.of("free", "less",
		"removed", "remove", "reduced", "suppressed", "added", "add", "restored",
		"filtered", "corrected", "clean", "cleaned", "without", "minus", "sub",
		"subtracted", "no", "result");

	/**
	 * Whether an output's name says that the output is the noise (or residual) a
	 * denoiser predicts, so that the result is the input minus it. The name is
	 * split into words at every character that is not an ASCII letter or digit,
	 * at a change from lower to upper case ({@code predictedNoise}), before the
	 * last capital of a run of them ({@code NOISEMap}) and between letters and
	 * digits; case is ignored. It says so when a word holds {@code noise} or
	 * starts with {@code resid} ({@code noise}, {@code noisemap},
	 * {@code learned_noise}, {@code dncnn_noise}, {@code NoiseEstimation},
	 * {@code residual_out}), unless a word holds {@code denois}, {@code clean},
	 * {@code noiseless} or {@code noisefree}, or is one of {@link #CLEAN_WORDS}:
	 * {@code denoised}, {@code noise_free}, {@code noise_removed},
	 * {@code residual_added} and their like name the image without the noise, and
	 * are the result as any other name is. {@code --residual} or
	 * {@code --no-residual} (or the metadata key
	 * {@link ModelLoader#META_RESIDUAL}) says otherwise, and a run whose
	 * subtraction comes from the name alone says so in a note.
	 */
	static boolean namesTheNoise(String name) {
		boolean noise = false;
		for (String w : name.split("[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])" +
			"|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])"))
		{
			String word = w.toLowerCase(Locale.ROOT);
			if (word.contains("denois") || word.contains("clean") || word.contains(
				"noiseless") || word.contains("noisefree") || CLEAN_WORDS.contains(
					word)) return false;
			noise |= word.contains("noise") || word.startsWith("resid");
		}
		return noise;
	}

	private String shapes(List<ValueInfo> list) {
		List<String> s = new ArrayList<>();
		for (ValueInfo v : list)
			s.add(v.name() + " " + v.elementTypeName() + v.shapeString());
		return String.join(", ", s);
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
				default -> throw new GanException("tensor '" + t.id() + "' has a " + a
					.type().name().toLowerCase(Locale.ROOT) +
					" axis; fiji-gan runs 2D models with axes b, c, y, x");
			});
		return new TensorLayout(sb.toString());
	}

	/**
	 * The layout of a tensor without a descriptor: rank 4 is {@code bcyx}, unless
	 * the last axis is a small fixed channel count and the second is not
	 * ({@code byxc}); rank 3 {@code cyx} when the first axis is 1, 3 or 4, else
	 * {@code byx}; rank 2 {@code yx}.
	 */
	static TensorLayout guessLayout(ValueInfo v) {
		long[] d = v.dims();
		return switch (v.rank()) {
			case 4 -> {
				boolean lastSmall = d[3] == 1 || d[3] == 3 || d[3] == 4;
				boolean secondSmall = d[1] > 0 && d[1] <= 4;
				yield lastSmall && !secondSmall ? TensorLayout.BYXC : TensorLayout.BCYX;
			}
			case 3 -> new TensorLayout(d[0] == 1 || d[0] == 3 || d[0] == 4 ? "cyx"
				: "byx");
			case 2 -> new TensorLayout("yx");
			default -> throw new GanException("tensor '" + v.name() + "' has shape " +
				v.shapeString() + "; fiji-gan runs 2D image models (rank 2 to 4)");
		};
	}

	private static String stripExtension(String file) {
		int dot = file.lastIndexOf('.');
		return dot > 0 ? file.substring(0, dot) : file;
	}
}
