
package org.fijigan.core.model;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.fijigan.core.model.bioimage.ProcessingStep;

/**
 * Everything the engine needs to run one model, whether it was read from a
 * bioimage.io descriptor, from the ONNX graph and its {@code metadata_props},
 * or inferred by probing. Immutable; build one with {@link #builder}, a changed
 * copy with {@link #toBuilder()} or {@link ModelOverrides#applyTo}.
 *
 * @param name short display name
 * @param onnxFile the ONNX weights
 * @param sha256 SHA-256 of the ONNX file, lower-case hex, its external data
 *          files after it (see {@link ModelLoader#modelSha256})
 * @param task what the model does
 * @param kind what the model takes: an image, an image and a mask, or a latent
 *          vector
 * @param outputName the output that holds the image
 * @param outputLayout axis meaning of that output
 * @param outputChannels channels of the output (-1 when dynamic, e.g. equal to
 *          the input's)
 * @param scale output pixels per input pixel along x and y (1 unless
 *          super-resolution)
 * @param haloPixels context each tile needs on each side, in input pixels
 * @param inputRange the range a normalised image is mapped to before the run
 * @param outputRange the range the model's output is read from
 * @param outputTransform how the output becomes the result
 * @param preprocessing bioimage.io preprocessing of the image input (empty: use
 *          the user's normalisation)
 * @param postprocessing bioimage.io postprocessing of the output
 * @param outputInInputUnits whether the result is given in the input's units,
 *          by inverting the value mapping into the model (fiji-gan's own
 *          normalisation, and the packages fiji-gan writes, which say so under
 *          {@code config: fiji-gan:} and have no postprocessing); false for any
 *          other bioimage.io package, whose result is what its postprocessing
 *          makes of the model's output, as the specification says
 * @param wholeImageOps why tiles would change the result, one entry per
 *          operation ("Op (node 'name'): reason"); empty when tiling is exact
 * @param origins where each choice came from, e.g. {@code scale -> "probed"} or
 *          {@code task -> "rdf.yaml"}; shown by {@code info}
 * @param graph the graph analysis, for {@code info}
 * @param files every file the model was read from: the {@code .onnx} file, or
 *          the package ({@code .zip}), its descriptor and the files the
 *          descriptor names (weights, test and sample tensors, covers,
 *          documentation); outputs never write over them. Empty for a model
 *          built in memory
 */
public record ModelDescriptor(String name, Path onnxFile, String sha256,
		TaskKind task, ModelKind kind, String outputName, TensorLayout outputLayout,
		int outputChannels, double scale, int haloPixels, ValueRange inputRange,
		ValueRange outputRange, OutputTransform outputTransform,
		List<ProcessingStep> preprocessing, List<ProcessingStep> postprocessing,
		boolean outputInInputUnits, List<String> wholeImageOps,
		Map<String, String> origins, OnnxGraphInfo graph, List<Path> files) {

	public ModelDescriptor {
		files = files == null ? List.of() : List.copyOf(files);
		Objects.requireNonNull(kind, "kind");
		preprocessing = List.copyOf(preprocessing);
		postprocessing = List.copyOf(postprocessing);
		wholeImageOps = List.copyOf(wholeImageOps);
		origins = Map.copyOf(origins);
		if (!(scale > 0)) throw new IllegalArgumentException(
			"scale must be positive");
		if (haloPixels < 0) throw new IllegalArgumentException("halo must be >= 0");
	}

	/**
	 * How {@link #origins()} begins for an output that is subtracted from the
	 * input only because its name says it is the noise.
	 */
	static final String NAMED_NOISE = "inferred from the output name";

	/**
	 * The note a run of this model carries when its output is subtracted from the
	 * input only because the output's name says it is the noise (not its
	 * metadata, descriptor or the user), so that the user sees the guess and how
	 * to undo it; null otherwise.
	 */
	public String namedNoiseNote() {
		String o = origins.get("output");
		return outputTransform == OutputTransform.SUBTRACT_FROM_INPUT &&
			o != null && o.startsWith(NAMED_NOISE)
				? "the model's output is taken for the noise " +
					"and subtracted from the input (result = input - output), " + o
				: null;
	}

	/**
	 * The files {@link #sha256()} is over: the ONNX file, then its external data
	 * files, each once; for a session that must be of those bytes
	 * ({@link org.fijigan.core.engine.SessionCache#acquire(Path, List, String, org.fijigan.core.engine.DeviceSpec, int)}).
	 */
	public List<Path> sha256Files() {
		if (onnxFile == null) return List.of();
		return graph == null ? List.of(onnxFile) : ModelLoader.modelFiles(onnxFile,
			graph);
	}

	/**
	 * The image input of an image-to-image or inpainting model, for code that
	 * runs only those.
	 *
	 * @throws IllegalStateException for a generator, which has none; where a
	 *           generator can come, test {@link #kind()} first
	 */
	public ImageInput image() {
		if (kind instanceof ModelKind.ImageToImage k) return k.image();
		if (kind instanceof ModelKind.Inpainting k) return k.image();
		throw new IllegalStateException("generator " + name +
			" has no image input");
	}

	/**
	 * Whether the image input takes uint8 values (0-255 samples), which an image
	 * reaches whole through its pixel type's range rather than percentiles.
	 */
	public boolean uint8Image() {
		if (graph == null || kind instanceof ModelKind.Generator) return false;
		String input = image().name();
		return graph.inputs().stream().anyMatch(v -> v.name().equals(input) &&
			org.fijigan.core.onnx.ElementTypes.isUint8(v.elementType()));
	}

	/**
	 * Whether the model's samples are integers of a fixed range: a uint8 image
	 * input, or a uint8 or uint16 output, which an image reaches through its
	 * pixel type's range (percentiles put outliers outside it, and a cast to
	 * integers inside the graph wraps them around).
	 */
	public boolean integerSamples() {
		if (uint8Image()) return true;
		if (graph == null) return false;
		int out = graph.imageOutput().elementType();
		return org.fijigan.core.onnx.ElementTypes.isUint8(out) ||
			org.fijigan.core.onnx.ElementTypes.isUint16(out);
	}

	/**
	 * How an inpainting model takes its mask, for code that runs only those.
	 *
	 * @throws IllegalStateException for any other kind of model; test
	 *           {@link #kind()} first
	 */
	public MaskSpec mask() {
		if (kind instanceof ModelKind.Inpainting k) return k.mask();
		throw new IllegalStateException("model " + name +
			" is not an inpainting model: it takes no mask");
	}

	/**
	 * The latent and class inputs of a generator, for code that runs only those.
	 *
	 * @throws IllegalStateException for any other kind of model; test
	 *           {@link #kind()} first
	 */
	public GeneratorSpec generator() {
		if (kind instanceof ModelKind.Generator k) return k.spec();
		throw new IllegalStateException("model " + name + " is not a generator");
	}

	/**
	 * Whether this generator's output layout is read from the shape of the
	 * samples it draws, not from its declared shape: a rank-4 output that leaves
	 * its last axis open, its second not a fixed 1 to 4 ({@code [N,?,?,?]}, as an
	 * export with dynamic axes declares), could be {@code bcyx} or {@code byxc},
	 * and the layout rule is told only by the sizes a run gives. False for any
	 * other model, and for one built without its graph.
	 */
	public boolean outputLayoutAtRunTime() {
		ValueInfo v = declaredOutput();
		return kind instanceof ModelKind.Generator && v != null &&
			DescriptorInference.layoutLeftOpen(v);
	}

	/**
	 * The layout of this model's output as a run gives it {@code shape}:
	 * {@link #outputLayout()}, unless it is decided at run time
	 * ({@link #outputLayoutAtRunTime()}): then the rule for a tensor without a
	 * descriptor read from {@code shape} itself ({@code byxc} when the last axis
	 * is 1, 3 or 4 and the second is larger, else {@code bcyx}).
	 */
	public TensorLayout outputLayout(long[] shape) {
		if (!outputLayoutAtRunTime() || shape.length != outputLayout.rank())
			return outputLayout;
		ValueInfo declared = declaredOutput();
		return DescriptorInference.guessLayout(new ValueInfo(outputName, declared
			.elementType(), shape, java.util.Collections.nCopies(shape.length, "")));
	}

	/** The graph's declaration of the output, or null without a graph. */
	public ValueInfo declaredOutput() {
		if (graph == null) return null;
		for (ValueInfo v : graph.outputs())
			if (v.name().equals(outputName)) return v;
		return null;
	}

	/** Whether tiles give the same result as one run on the whole image. */
	public boolean isTileable() {
		return wholeImageOps.isEmpty();
	}

	/**
	 * How far, in input pixels, an output pixel of an image model sees when its
	 * receptive field is known and reaches beyond the halo (a halo capped to fit
	 * the model, or stated smaller): then tiles may differ from an untiled run
	 * near their edges. 0 when the halo covers it, or it is not known.
	 */
	public int reachBeyondHalo() {
		ReceptiveField rf = receptiveField();
		return rf != null && rf.exact() && haloPixels < rf.haloPixels() ? rf
			.haloPixels() : 0;
	}

	/**
	 * Whether tiles of any size give the untiled result: the graph's analysis
	 * finds every operation local and the halo covers its reach. True for a
	 * generator or a model without a graph, which are not tiled.
	 */
	public boolean tilesExactly() {
		if (graph == null || kind instanceof ModelKind.Generator) return true;
		ReceptiveField rf = receptiveField();
		return rf != null && rf.exact() && haloPixels >= rf.haloPixels();
	}

	/** The graph's receptive field at the image input; null when not known. */
	private ReceptiveField receptiveField() {
		if (graph == null || kind instanceof ModelKind.Generator) return null;
		return graph.tiling(image().name(), image().layout()).receptiveField();
	}

	/**
	 * A builder for a model whose output is {@code outputName}, laid out as
	 * {@code outputLayout}. Unless set: no file and an empty checksum, a dynamic
	 * output channel count (-1), scale 1, no halo, value range [0, 1] in and out,
	 * the output taken as it is, no bioimage.io processing (the result in the
	 * input's units), no whole-image operations, no origins and no graph.
	 */
	public static Builder builder(String name, TaskKind task, ModelKind kind,
		String outputName, TensorLayout outputLayout)
	{
		return new Builder(new ModelDescriptor(name, null, "", task, kind,
			outputName, outputLayout, -1, 1, 0, ValueRange.ZERO_ONE,
			ValueRange.ZERO_ONE, OutputTransform.DIRECT, List.of(), List.of(), true,
			List.of(), Map.of(), null, List.of()));
	}

	/** A builder that starts from this descriptor. */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Collects the fields of a new descriptor; {@link #build()} checks them as
	 * the constructor does. Not thread-safe; each setter returns this builder.
	 */
	public static final class Builder {

		private final String name;
		private Path onnxFile;
		private String sha256;
		private TaskKind task;
		private ModelKind kind;
		private final String outputName;
		private final TensorLayout outputLayout;
		private int outputChannels;
		private double scale;
		private int haloPixels;
		private ValueRange inputRange;
		private ValueRange outputRange;
		private OutputTransform outputTransform;
		private List<ProcessingStep> preprocessing;
		private List<ProcessingStep> postprocessing;
		private boolean outputInInputUnits;
		private List<String> wholeImageOps;
		private final Map<String, String> origins;
		private OnnxGraphInfo graph;
		private List<Path> files;

		private Builder(ModelDescriptor d) {
			name = d.name;
			onnxFile = d.onnxFile;
			sha256 = d.sha256;
			task = d.task;
			kind = d.kind;
			outputName = d.outputName;
			outputLayout = d.outputLayout;
			outputChannels = d.outputChannels;
			scale = d.scale;
			haloPixels = d.haloPixels;
			inputRange = d.inputRange;
			outputRange = d.outputRange;
			outputTransform = d.outputTransform;
			preprocessing = d.preprocessing;
			postprocessing = d.postprocessing;
			outputInInputUnits = d.outputInInputUnits;
			wholeImageOps = d.wholeImageOps;
			origins = new HashMap<>(d.origins);
			graph = d.graph;
			files = d.files;
		}

		public Builder file(Path onnxFile, String sha256) {
			this.onnxFile = onnxFile;
			this.sha256 = sha256;
			return this;
		}

		public Builder task(TaskKind task) {
			this.task = task;
			return this;
		}

		public Builder kind(ModelKind kind) {
			this.kind = kind;
			return this;
		}

		public Builder outputChannels(int outputChannels) {
			this.outputChannels = outputChannels;
			return this;
		}

		public Builder scale(double scale) {
			this.scale = scale;
			return this;
		}

		public Builder haloPixels(int haloPixels) {
			this.haloPixels = haloPixels;
			return this;
		}

		public Builder ranges(ValueRange inputRange, ValueRange outputRange) {
			this.inputRange = inputRange;
			this.outputRange = outputRange;
			return this;
		}

		public Builder outputTransform(OutputTransform outputTransform) {
			this.outputTransform = outputTransform;
			return this;
		}

		public Builder processing(List<ProcessingStep> preprocessing,
			List<ProcessingStep> postprocessing)
		{
			this.preprocessing = preprocessing;
			this.postprocessing = postprocessing;
			return this;
		}

		/** See {@link ModelDescriptor#outputInInputUnits()}. */
		public Builder outputInInputUnits(boolean outputInInputUnits) {
			this.outputInInputUnits = outputInInputUnits;
			return this;
		}

		public Builder wholeImageOps(List<String> wholeImageOps) {
			this.wholeImageOps = wholeImageOps;
			return this;
		}

		/**
		 * Records where the choice {@code key} came from, replacing what was
		 * recorded.
		 */
		public Builder origin(String key, String origin) {
			origins.put(key, origin);
			return this;
		}

		/** Replaces every recorded origin. */
		public Builder origins(Map<String, String> origins) {
			this.origins.clear();
			this.origins.putAll(origins);
			return this;
		}

		public Builder graph(OnnxGraphInfo graph) {
			this.graph = graph;
			return this;
		}

		/** See {@link ModelDescriptor#files()}. */
		public Builder files(List<Path> files) {
			this.files = files;
			return this;
		}

		/**
		 * @throws IllegalArgumentException for a scale that is not positive or a
		 *           negative halo
		 */
		public ModelDescriptor build() {
			return new ModelDescriptor(name, onnxFile, sha256, task, kind, outputName,
				outputLayout, outputChannels, scale, haloPixels, inputRange,
				outputRange, outputTransform, preprocessing, postprocessing,
				outputInInputUnits, wholeImageOps, origins, graph, files);
		}
	}
}
