
package org.fijigan.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.fijigan.core.GanException;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.text.JavaNames;
import org.fijigan.core.text.Printable;
import org.fijigan.core.onnx.ElementTypes;
import org.fijigan.core.onnx.ExternalData;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * A read-only analysis of one ONNX model file: what it declares (opsets,
 * inputs, outputs, metadata, operator counts) and what a tiler needs to know
 * (receptive field, scale, and whether tiles give exactly the whole-image
 * result). Everything is computed when the file is read, the tiling analysis
 * again for another layout of the image input; the object holds no file handle
 * and, of the graph, only its nodes and small constants (no weights). Safe to
 * share between threads.
 * <p>
 * <b>Receptive field.</b> {@link LocalityWalker} walks the nodes in file order
 * (topological in a valid ONNX graph), calls of model-local functions inlined,
 * and tracks for every tensor computed from an image input which of its axes
 * are batch, y, x or other (from the input's layout, then through every
 * Transpose, Reshape, Concat, Slice, ...), each axis's length and <em>jump</em>
 * (input pixels per tensor pixel), and the tensor's <em>halo</em> (input pixels
 * of context on each side). A window of span {@code d(k-1)} with leading pad
 * {@code p} reaches {@code max(p, d(k-1)-p)} tensor pixels to one side;
 * ConvTranspose reaches that divided by its stride, rounded up, on its input
 * map; nearest resizing needs no context, linear one input-map pixel, cubic
 * two.
 * <p>
 * <b>Exact tiling.</b> Tiles cut with that halo give exactly the whole-image
 * result when no node's output at a pixel depends on pixels outside its window.
 * Each node is decided on its own; one that breaks this is named, with the
 * reason, in {@link #wholeImageOps()}:
 * <ul>
 * <li>statistics over y or x: any Reduce*, ArgMax/ArgMin, TopK, CumSum,
 * LpNormalization and Softmax/LogSoftmax/Hardmax along a spatial axis; global
 * pooling; instance, group and mean-variance normalisation, and layer
 * normalisation over a spatial axis; BatchNormalization in training mode;</li>
 * <li>quantisation with a scale computed from the tensor
 * (DynamicQuantizeLinear);</li>
 * <li>the image's size used as a value (Shape or Size feeding arithmetic on
 * image data, a crop or padding computed from it); a shape computed from Shape
 * and used as a shape is fine;</li>
 * <li>reshapes that merge y with x, or image positions into the batch or into
 * other axes; splitting a spatial axis into itself and smaller steps after it,
 * and merging them back, keeps every pixel local (DepthToSpace, SpaceToDepth,
 * the Reshape-Transpose-Reshape pixel shuffle);</li>
 * <li>Flatten, Gemm or MatMul summing over image positions, and a product of
 * two image tensors;</li>
 * <li>position-dependent operations: a constant or per-channel parameter
 * varying along y or x, Concat, Split, Slice, Tile or Gather along y or x,
 * Resize with {@code align_corners} or a crop, Pad with {@code wrap};</li>
 * <li>outputs that depend on where values lie (NonZero, Unique, Compress,
 * MaxPool's indices);</li>
 * <li>and anything not understood: an unknown or custom operator on image data,
 * a subgraph that reads image data, a scale factor or shape that cannot be
 * told. Unknown means not exact.</li>
 * </ul>
 * What follows a breaker is walked on but not named again. Lengths along y and
 * x are tracked by their leading term ({@link Extent}), so that shape
 * arithmetic such as {@code Shape(x)[2] * 2} lines up with the axes it
 * measures. What this does not check: that tiles start on a multiple of a
 * strided model's total stride (a stride-2 layer on a tile shifted by one pixel
 * samples other pixels), which the tile planner arranges ({@link #stride()}).
 * <p>
 * About 400 lines because this Javadoc states the exact-tiling rules in one
 * place (the walk itself is {@link LocalityWalker} and its rule classes); the
 * code reads the file once and answers questions about it, one job.
 */
public final class OnnxGraphInfo {

	/**
	 * The newest ONNX IR version that the ONNX Runtime on the class path (1.29)
	 * loads; a newer model is refused here, in one line, rather than by ONNX
	 * Runtime when it first runs.
	 */
	public static final long MAX_IR_VERSION = 13;

	/**
	 * Operators whose output holds only values of their first input (reshaped,
	 * reordered, picked or repeated), so that they keep its value range.
	 */
	static final Set<String> VALUE_MOVERS = Set.of("Identity", "Reshape",
		"Flatten", "Squeeze", "Unsqueeze", "Transpose", "DepthToSpace",
		"SpaceToDepth", "Expand", "Tile", "Slice");

	/** What a constant's value passes through on its way to a OneHot's depth. */
	private static final Set<String> CONSTANT_MOVERS = Set.of("Identity", "Cast",
		"Reshape", "Squeeze", "Unsqueeze");

	private final String displayName;
	private final long irVersion;
	private final String producer;
	private final Map<String, Long> opsetImports = new LinkedHashMap<>();
	private final List<ValueInfo> inputs = new ArrayList<>();
	/** Inputs and outputs whose file declares no shape at all. */
	private final Set<String> undeclaredShapes = new HashSet<>();
	private final List<ValueInfo> outputs = new ArrayList<>();
	private final SortedMap<String, Integer> opCounts = new TreeMap<>();
	private final Map<String, String> metadata = new LinkedHashMap<>();
	private final long parameterCount;
	private final List<String> externalDataLocations = new ArrayList<>();
	private final List<String> nonStandardDomains = new ArrayList<>();
	private final GraphProto skeleton;
	private final List<FunctionProto> functions;
	private final Map<String, TensorLayout> imageLayouts = new LinkedHashMap<>();
	private final Map<Map<String, TensorLayout>, Tiling> tilings =
		new ConcurrentHashMap<>();
	private final Tiling tiling;
	private final Map<String, String> outputProducers = new LinkedHashMap<>();
	private final int maxFeatureChannels;
	private final Map<String, Integer> embeddingRows = new LinkedHashMap<>();
	/** The values of {@link #embeddingRows} whose count is a OneHot's depth. */
	private final java.util.Set<String> oneHotLabels = new java.util.HashSet<>();

	/**
	 * Reads and analyses a model file.
	 *
	 * @throws GanException if the file is missing, unreadable, over 2 GB, or not
	 *           an ONNX model; the message names the file
	 */
	public static OnnxGraphInfo read(Path onnxFile) {
		if (!Files.exists(onnxFile)) throw new GanException(
			"Model file not found: " + onnxFile);
		if (Files.isDirectory(onnxFile)) throw new GanException(
			"Model path is a folder, not an .onnx file: " + onnxFile);
		InputFile.refuseSpecial(onnxFile, "model");
		byte[] bytes;
		try {
			if (Files.size(onnxFile) > Integer.MAX_VALUE - 16) throw new GanException(
				onnxFile +
					" is larger than 2 GB; such models must keep their weights in external data files");
			bytes = Files.readAllBytes(onnxFile);
		}
		catch (IOException e) {
			throw new GanException("Cannot read model file " + onnxFile + ": " + e
				.getMessage(), e);
		}
		return parse(bytes, onnxFile.toString());
	}

	/**
	 * Analyses a model held in memory.
	 *
	 * @param displayName how messages name the model, usually its file path
	 * @throws GanException if the bytes are not an ONNX model (corrupt,
	 *           truncated, no graph)
	 */
	public static OnnxGraphInfo parse(byte[] bytes, String displayName) {
		ModelProto model;
		try {
			model = ModelProto.parseFrom(bytes);
		}
		catch (Exception | StackOverflowError e) {
			throw invalid(displayName, reason(e), e);
		}
		if (!model.hasGraph()) throw invalid(displayName, "it contains no graph",
			null);
		if (model.getOpsetImportCount() == 0 && model.getIrVersion() == 0)
			throw invalid(displayName,
				"it declares neither an IR version nor an opset", null);
		if (model.getGraph().getOutputCount() == 0) throw invalid(displayName,
			"its graph has no outputs", null);
		String twice = keyGivenTwice(model);
		if (twice != null) throw invalid(displayName, twice, null);
		if (model.getIrVersion() > MAX_IR_VERSION) throw new GanException(
			displayName + " is an ONNX model of IR version " + model.getIrVersion() +
				", newer than ONNX Runtime here reads (at most " + MAX_IR_VERSION +
				"): export it for an older IR version");
		try {
			return new OnnxGraphInfo(model, displayName);
		}
		catch (RuntimeException | StackOverflowError e) {
			throw invalid(displayName, reason(e), e);
		}
	}

	/**
	 * The first metadata key the model states twice with different values, in
	 * words, or null. ONNX Runtime keeps one of them without a word (the onnx
	 * checker refuses the file): which one the model meant is not known.
	 */
	private static String keyGivenTwice(ModelProto model) {
		Map<String, String> seen = new HashMap<>();
		for (StringStringEntryProto e : model.getMetadataPropsList()) {
			String before = seen.putIfAbsent(e.getKey(), e.getValue());
			if (before != null && !before.equals(e.getValue())) return "its " +
				"metadata gives " + Printable.of(e.getKey()) + " twice, as '" +
				shortened(before) + "' and as '" + shortened(e.getValue()) + "'";
		}
		return null;
	}

	private static String shortened(String value) {
		return Printable.of(value.length() <= 80 ? value : value.substring(0, 77) +
			"...");
	}

	/** Why reading a model failed, in words: no exception class names. */
	private static String reason(Throwable e) {
		if (e instanceof StackOverflowError) return "it is nested too deeply to " +
			"be read";
		if (e.getMessage() == null || e.getMessage().isBlank())
			return "it could not be read";
		return JavaNames.stripped(e.getMessage());
	}

	private static GanException invalid(String name, String why,
		Throwable cause)
	{
		return new GanException(name + " is not a valid ONNX model: " + why
			.replaceAll("\\s+", " ").trim(), cause);
	}

	private OnnxGraphInfo(ModelProto model, String displayName) {
		this.displayName = displayName;
		this.irVersion = model.getIrVersion();
		this.producer = (model.getProducerName() + " " + model.getProducerVersion())
			.trim();
		model.getOpsetImportList().forEach(o -> opsetImports.put(o.getDomain(), o
			.getVersion()));
		GraphProto graph = model.getGraph();
		for (StringStringEntryProto e : model.getMetadataPropsList())
			metadata.put(e.getKey(), e.getValue());

		Set<String> initializerNames = new LinkedHashSet<>();
		long parameters = 0;
		for (TensorProto t : graph.getInitializerList()) {
			initializerNames.add(t.getName());
			if (ElementTypes.isFloatingPoint(t.getDataType())) parameters += t
				.getDimsList().stream().mapToLong(Long::longValue).reduce(1,
					Math::multiplyExact);
		}
		externalDataLocations.addAll(ExternalData.locations(model));
		this.parameterCount = parameters;
		Map<String, Integer> ranks = ranksShown(graph);
		for (var values : List.of(graph.getInputList(), graph.getOutputList()))
			for (ValueInfoProto v : values)
				if (v.getType().hasTensorType() && !v.getType().getTensorType()
					.hasShape()) undeclaredShapes.add(v.getName());
		for (ValueInfoProto v : graph.getInputList())
			if (!initializerNames.contains(v.getName())) inputs.add(valueInfo(v,
				ranks));
		for (ValueInfoProto v : graph.getOutputList())
			outputs.add(valueInfo(v, ranks));
		Map<String, TensorProto> initializers = new HashMap<>();
		for (TensorProto t : graph.getInitializerList())
			initializers.put(t.getName(), t);
		Set<String> outputNames = new LinkedHashSet<>();
		for (ValueInfo v : outputs)
			outputNames.add(v.name());
		int features = 0;
		// small constants (a OneHot's depth), folded through the nodes that
		// only cast or reshape them
		KnownValues known = new KnownValues();
		graph.getInitializerList().forEach(known::addConstant);
		this.functions = List.copyOf(model.getFunctionsList());
		Set<String> local = new HashSet<>();
		for (FunctionProto f : functions)
			local.add(f.getDomain() + "::" + f.getName());
		for (FunctionProto f : functions)
			for (NodeProto n : f.getNodeList())
				if (!isStandardDomain(n.getDomain()) && !local.contains(n.getDomain() +
					"::" + n.getOpType()) && !nonStandardDomains.contains(n.getDomain()))
					nonStandardDomains.add(n.getDomain());
		// each value's producing node's type and first input, to look through
		// operators that only move values
		Map<String, String[]> producers = new HashMap<>();
		for (NodeProto n : graph.getNodeList()) {
			for (String o : n.getOutputList())
				producers.put(o, new String[] { isStandardDomain(n.getDomain()) ? n
					.getOpType() : n.getDomain() + "::" + n.getOpType(), n
						.getInputCount() > 0 ? n.getInput(0) : "" });
			if ((n.getOpType().equals("Conv") || n.getOpType().equals(
				"ConvTranspose")) && n.getInputCount() > 1)
			{
				TensorProto w = initializers.get(n.getInput(1));
				if (w != null && w.getDimsCount() >= 2) features = (int) Math.max(
					features, Math.max(w.getDims(0), w.getDims(1)));
			}
			if (n.getOpType().equals("Gather") && n.getInputCount() == 2 &&
				initializers.containsKey(n.getInput(0)) && initializers.get(n.getInput(
					0)).getDimsCount() >= 1) embeddingRows.putIfAbsent(n.getInput(1),
						(int) initializers.get(n.getInput(0)).getDims(0));
			if (isStandardDomain(n.getDomain())) {
				if (n.getOpType().equals("Constant") || CONSTANT_MOVERS.contains(n
					.getOpType()) && n.getInputCount() > 0 && isSmallConstant(known, n
						.getInput(0))) known.visit(n, false);
				// a one-hot of a constant depth takes labels 0..depth-1
				if (n.getOpType().equals("OneHot") && n.getInputCount() >= 2) {
					double[] depth = known.numbers(n.getInput(1));
					if (depth != null && depth.length == 1 && depth[0] >= 1 &&
						depth[0] <= Integer.MAX_VALUE && depth[0] == Math.rint(depth[0]))
						if (embeddingRows.putIfAbsent(n.getInput(0),
							(int) depth[0]) == null) oneHotLabels.add(n.getInput(0));
				}
			}
			boolean standard = isStandardDomain(n.getDomain());
			opCounts.merge(standard ? n.getOpType() : n.getDomain() + "::" + n
				.getOpType(), 1, Integer::sum);
			if (!standard && !local.contains(n.getDomain() + "::" + n.getOpType()) &&
				!nonStandardDomains.contains(n.getDomain())) nonStandardDomains.add(n
					.getDomain());
		}
		// a class label may reach its table through a Cast (int32 labels), a
		// column pick (label[:, 0] of [N, 1] labels) or a reshape: its table
		// rows are those of the value the Gather looks up
		for (var e : List.copyOf(embeddingRows.entrySet())) {
			String[] p = producers.get(e.getKey());
			for (int i = 0; p != null && i < graph.getNodeCount() && (VALUE_MOVERS
				.contains(p[0]) || p[0].equals("Cast") || p[0].equals("Gather") &&
					!initializers.containsKey(p[1])); i++)
			{
				if (embeddingRows.putIfAbsent(p[1], e.getValue()) == null &&
					oneHotLabels.contains(e.getKey())) oneHotLabels.add(p[1]);
				p = producers.get(p[1]);
			}
		}
		for (String o : outputNames) {
			String[] p = producers.get(o);
			// a chain is at most as long as the graph (a malformed one may loop)
			for (int i = 0; p != null && VALUE_MOVERS.contains(p[0]) && i < graph
				.getNodeCount(); i++)
			{
				String[] next = producers.get(p[1]);
				if (next == null) break;
				p = next;
			}
			if (p != null) outputProducers.put(o, p[0]);
		}
		this.maxFeatureChannels = features;
		this.skeleton = withoutWeights(graph);
		for (ValueInfoProto v : graph.getInputList()) {
			if (initializerNames.contains(v.getName()) || !v.getType()
				.hasTensorType()) continue;
			if (!v.getType().getTensorType().hasShape()) imageLayouts.put(v.getName(),
				TensorLayout.BCYX);
			else if (valueInfo(v).rank() >= 3 && valueInfo(v).rank() <= 4)
				imageLayouts.put(v.getName(), DescriptorInference.guessLayout(valueInfo(
					v)));
		}
		for (String input : List.copyOf(imageLayouts.keySet()))
			imageLayouts.put(input, checkedLayout(input));
		this.tiling = tiling(imageLayouts);
	}

	/**
	 * What the tiling analysis needs of a graph: everything but the contents of
	 * tensors over 4,096 elements (weights), whose shapes stay.
	 */
	private static GraphProto withoutWeights(GraphProto graph) {
		GraphProto.Builder g = graph.toBuilder().clearInitializer();
		for (TensorProto t : graph.getInitializerList()) {
			long n = t.getDimsList().stream().reduce(1L, (a, b) -> a * Math.max(b,
				0));
			g.addInitializer(n <= 4096 ? t : t.toBuilder().clearRawData()
				.clearFloatData().clearDoubleData().clearInt32Data().clearInt64Data()
				.clearUint64Data().clearStringData().clearExternalData().build());
		}
		return g.build();
	}

	/**
	 * The receptive field and the operations that make tiles differ from a
	 * whole-image run, for one image layout.
	 *
	 * @param receptiveField the estimate for the output fiji-gan takes
	 *          ({@link #imageOutput()})
	 * @param wholeImageOps why tiles would change the result: "Op (node 'name'):
	 *          reason", in graph order; empty when tiles give exactly the
	 *          whole-image result
	 * @param fixedSpatialReshape whether a Reshape of image data fixes a spatial
	 *          length with a number
	 * @param sizeStep what the input's height and width must be a multiple of for
	 *          the graph to run and give every pixel: where the strided layers'
	 *          levels (Conv, pooling, SpaceToDepth, a downscaling Resize) are
	 *          upsampled by a fixed factor (Resize by scales, ConvTranspose,
	 *          DepthToSpace) and joined with a finer level or given out, the
	 *          least common multiple of the strides undone, 2^depth for such a
	 *          U-Net; 1 where every upsampling takes its size from the shape of
	 *          the tensor it is joined with, and without strided layers
	 * @param stride the grid the strided layers sample on: the least common
	 *          multiple of their total strides (2^depth for a U-Net), which tiles
	 *          start on; 1 without any
	 * @param minSize the smallest height and width at which every strided level
	 *          keeps a pixel: the largest total stride; 1 without any
	 * @param outputLayout the output's layout as the roles of its axes give it
	 *          (it need not be the input's: {@code byxc} for a channels-first
	 *          input transposed to channels-last), or null where the graph does
	 *          not tell
	 * @param layoutConflict the first node that cannot run on the image as the
	 *          layout lays it out ("Op (node 'name'): why": a convolution whose
	 *          channel axis holds the image's x), so that the layout is wrong;
	 *          null where none
	 */
	public record Tiling(ReceptiveField receptiveField,
			List<String> wholeImageOps, boolean fixedSpatialReshape, int sizeStep,
			int stride, int minSize, TensorLayout outputLayout,
			String layoutConflict) {

		public Tiling {
			wholeImageOps = List.copyOf(wholeImageOps);
			if (sizeStep < 1) sizeStep = 1;
			if (stride < 1) stride = 1;
			if (minSize < 1) minSize = 1;
		}
	}

	/**
	 * The layout of image input {@code input}: as its shape suggests
	 * ({@link DescriptorInference#guessLayout}), unless the graph contradicts
	 * that (a convolution would sum over what it takes for the image's x or y, as
	 * for an {@code [H,W,1]} input read as {@code byx}) and another layout of its
	 * rank it does not ({@code yxc}, the graph moving the channels ahead of the
	 * convolution itself). The guess where every layout is contradicted.
	 */
	private TensorLayout checkedLayout(String input) {
		TensorLayout guess = imageLayouts.get(input);
		if (tiling(input, guess).layoutConflict() == null) return guess;
		List<TensorLayout> others = guess.rank() == 4 ? List.of(TensorLayout.BCYX,
			TensorLayout.BYXC) : List.of(new TensorLayout("yxc"), new TensorLayout(
				"cyx"), new TensorLayout("byx"));
		for (TensorLayout other : others)
			if (!other.equals(guess) && tiling(input, other).layoutConflict() == null)
				return other;
		return guess;
	}

	/**
	 * Whether the file declares a shape for input or output {@code name}; one
	 * that declares none reads with the rank the graph shows (a tensor a
	 * convolution reads has its weights' rank), else as rank 0.
	 */
	public boolean declaresShape(String name) {
		return !undeclaredShapes.contains(name);
	}

	/**
	 * The layout fiji-gan takes for image input {@code input} where no descriptor
	 * states it (see {@link #checkedLayout}); null for an input that is no image
	 * of rank 3 or 4.
	 */
	public TensorLayout imageLayout(String input) {
		return imageLayouts.get(input);
	}

	/**
	 * The tiling analysis with {@code layout} as the layout of image input
	 * {@code input}; other inputs of rank 3 or 4 keep their guessed layout.
	 */
	public Tiling tiling(String input, TensorLayout layout) {
		Map<String, TensorLayout> layouts = new LinkedHashMap<>(imageLayouts);
		layouts.put(input, layout);
		return tiling(layouts);
	}

	private Tiling tiling(Map<String, TensorLayout> layouts) {
		return tilings.computeIfAbsent(Map.copyOf(layouts), l -> {
			try {
				LocalityWalker w = new LocalityWalker(skeleton, functions,
					defaultOpset(), l, imageOutput().name());
				return new Tiling(w.result(), w.breakers(), w.hasFixedSpatialReshape(),
					w.sizeStep(), w.stride(), w.minSize(), w.outputLayout(), w
						.layoutConflict());
			}
			catch (RuntimeException | StackOverflowError e) { // not exact, rather
																												// than a refused model
				return new Tiling(new ReceptiveField(0, 1, false, List.of()), List.of(
					"the graph could not be " + "analysed (" + e + ")"), false, 1, 1, 1,
					null, null);
			}
		});
	}

	/**
	 * The external-data locations a model names anywhere, its functions included
	 * (see {@link #externalDataLocations()}), for callers that hold a parsed
	 * model, such as fine-tuning, which runs graphs from memory.
	 */
	public static List<String> externalDataLocations(ModelProto model) {
		return ExternalData.locations(model);
	}

	static boolean isStandardDomain(String domain) {
		return domain.isEmpty() || domain.equals("ai.onnx");
	}

	/** Operators whose output has the rank of their first input. */
	private static final Set<String> RANK_KEEPING = Set.of("Relu", "LeakyRelu",
		"PRelu", "Sigmoid", "Tanh", "Clip", "Identity", "Cast", "Neg", "Abs", "Exp",
		"Log", "Sqrt", "Erf", "Elu", "Selu", "HardSigmoid", "Softplus", "Dropout",
		"BatchNormalization", "InstanceNormalization", "Pad", "Resize", "Upsample",
		"DepthToSpace", "SpaceToDepth", "Add", "Sub", "Mul", "Div", "Pow", "Max",
		"Min");

	/**
	 * The ranks the graph shows for the tensors whose shapes it does not declare:
	 * a tensor that feeds a convolution or a pool as its data has the rank of the
	 * convolution's weights (the pool's kernel and two), and so does what these
	 * compute; elementwise operators pass the rank of their first input on.
	 */
	private static Map<String, Integer> ranksShown(GraphProto graph) {
		Map<String, Integer> ranks = new HashMap<>();
		for (TensorProto t : graph.getInitializerList())
			ranks.put(t.getName(), t.getDimsCount());
		for (ValueInfoProto v : graph.getInputList())
			if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape())
				ranks.putIfAbsent(v.getName(), v.getType().getTensorType().getShape()
					.getDimCount());
		for (NodeProto n : graph.getNodeList()) {
			if (!isStandardDomain(n.getDomain()) || n.getInputCount() == 0 || n
				.getOutputCount() == 0) continue;
			String op = n.getOpType();
			Integer rank = null;
			if ((op.equals("Conv") || op.equals("ConvTranspose")) && n
				.getInputCount() > 1) rank = ranks.get(n.getInput(1));
			else if (op.endsWith("Pool") && !op.startsWith("Global")) {
				double[] kernel = NodeAttributes.attrInts(n, "kernel_shape");
				if (kernel != null) rank = kernel.length + 2;
			}
			if (rank != null) ranks.putIfAbsent(n.getInput(0), rank);
			else if (RANK_KEEPING.contains(op)) rank = ranks.get(n.getInput(0));
			if (rank != null) ranks.putIfAbsent(n.getOutput(0), rank);
		}
		return ranks;
	}

	/**
	 * {@link #valueInfo(ValueInfoProto)}, but a tensor whose shape is not
	 * declared gets the rank the graph shows ({@code ranks}), its lengths
	 * unknown.
	 */
	private static ValueInfo valueInfo(ValueInfoProto v,
		Map<String, Integer> ranks)
	{
		if (!v.getType().hasTensorType() || v.getType().getTensorType()
			.hasShape() || !ranks.containsKey(v.getName())) return valueInfo(v);
		int rank = ranks.get(v.getName());
		long[] dims = new long[rank];
		java.util.Arrays.fill(dims, -1);
		return new ValueInfo(v.getName(), v.getType().getTensorType().getElemType(),
			dims, java.util.Collections.nCopies(rank, ""));
	}

	static ValueInfo valueInfo(ValueInfoProto v) {
		if (!v.getType().hasTensorType()) return new ValueInfo(v.getName(), 0,
			new long[0], List.of());
		TensorShapeProto shape = v.getType().getTensorType().getShape();
		long[] dims = new long[shape.getDimCount()];
		List<String> names = new ArrayList<>();
		for (int i = 0; i < dims.length; i++) {
			TensorShapeProto.Dimension d = shape.getDim(i);
			dims[i] = d.hasDimValue() ? d.getDimValue() : -1;
			names.add(d.hasDimValue() ? "" : d.getDimParam());
		}
		return new ValueInfo(v.getName(), v.getType().getTensorType().getElemType(),
			dims, names);
	}

	/** The name messages use for this model, usually its file path. */
	public String displayName() {
		return displayName;
	}

	public long irVersion() {
		return irVersion;
	}

	/**
	 * Producer name and version, e.g. "pytorch 1.13.0"; "" when the file does not
	 * say.
	 */
	public String producer() {
		return producer;
	}

	/**
	 * Opset version per operator domain, in file order; "" is the default ai.onnx
	 * domain.
	 */
	public Map<String, Long> opsetImports() {
		return Collections.unmodifiableMap(opsetImports);
	}

	/**
	 * The opset of the default (ai.onnx) domain; 0 when the file does not import
	 * it.
	 */
	public long defaultOpset() {
		return opsetImports.getOrDefault("", opsetImports.getOrDefault("ai.onnx",
			0L));
	}

	/**
	 * Graph inputs that are not initializers, in file order: what a caller must
	 * feed.
	 */
	public List<ValueInfo> inputs() {
		return Collections.unmodifiableList(inputs);
	}

	/**
	 * The output fiji-gan takes: the first, unless it is a scalar or a vector (a
	 * score or a loss an export keeps beside the image) and a later one has image
	 * axes. The tiling analysis follows it.
	 */
	public ValueInfo imageOutput() {
		ValueInfo first = outputs.get(0);
		if (first.rank() >= 2) return first;
		for (ValueInfo v : outputs)
			if (v.rank() >= 3) return v;
		return first;
	}

	public List<ValueInfo> outputs() {
		return Collections.unmodifiableList(outputs);
	}

	/**
	 * Operator type to node count in the main graph; custom-domain ops read
	 * "domain::Op".
	 */
	public SortedMap<String, Integer> opCounts() {
		return Collections.unmodifiableSortedMap(opCounts);
	}

	/** The model's metadata_props, in file order. */
	public Map<String, String> metadata() {
		return Collections.unmodifiableMap(metadata);
	}

	/**
	 * Number of elements in floating-point initializers (float, double, float16,
	 * bfloat16).
	 */
	public long parameterCount() {
		return parameterCount;
	}

	/**
	 * Distinct "location" entries of externally stored tensors (initializers,
	 * Constant values, subgraphs), relative to the model file; "" when an
	 * external tensor names no location.
	 */
	public List<String> externalDataLocations() {
		return Collections.unmodifiableList(externalDataLocations);
	}

	/**
	 * Operator domains other than "" and "ai.onnx" (custom operators ONNX Runtime
	 * may lack), in the graph and in its model-local functions; a domain whose
	 * operators are all model-local functions is not one.
	 */
	public List<String> nonStandardDomains() {
		return Collections.unmodifiableList(nonStandardDomains);
	}

	/**
	 * The estimate for the first graph output, with the guessed layouts of the
	 * image inputs; see the class documentation for the rules.
	 */
	public ReceptiveField receptiveField() {
		return tiling.receptiveField();
	}

	/**
	 * Why tiles would change the result, with the guessed layouts of the image
	 * inputs: one entry per operation, "Op (node 'name'): reason"; empty when
	 * tiling is exact.
	 */
	public List<String> wholeImageOps() {
		return tiling.wholeImageOps();
	}

	/**
	 * What the input's height and width must be a multiple of, with the guessed
	 * layouts of the image inputs: see {@link Tiling#sizeStep()}.
	 */
	public int sizeStep() {
		return tiling.sizeStep();
	}

	/**
	 * The grid the strided layers sample on, with the guessed layouts of the
	 * image inputs: see {@link Tiling#stride()}.
	 */
	public int stride() {
		return tiling.stride();
	}

	/**
	 * Whether a Reshape applied to image data hard-codes the spatial extents (its
	 * constant target shape fixes the last two axes), as SRGAN's exported pixel
	 * shuffle does: such a model runs on one input size only, whatever its input
	 * declares.
	 */
	public boolean hasFixedSpatialReshape() {
		return tiling.fixedSpatialReshape();
	}

	/**
	 * The operator type of the node that computes the values of graph output
	 * {@code name}, looking through operators that only move or pick values
	 * ({@link #VALUE_MOVERS}: a Tanh then a Reshape gives Tanh), or null (e.g. an
	 * input passed through).
	 */
	public String producerOf(String name) {
		return outputProducers.get(name);
	}

	/**
	 * The largest channel count of any Conv or ConvTranspose weight initializer
	 * (0 when none): a hint of working memory.
	 */
	public int maxFeatureChannels() {
		return maxFeatureChannels;
	}

	/** Whether {@code name} is a known constant of at most 16 values. */
	private static boolean isSmallConstant(KnownValues known, String name) {
		long[] shape = known.shape(name);
		if (shape == null) return false;
		long n = 1;
		for (long d : shape)
			n *= Math.max(d, 0);
		return n <= 16;
	}

	/**
	 * Rows of the constant table that graph value {@code indices} is looked up in
	 * by a Gather (an embedding), or the depth of the OneHot it is given to where
	 * that depth is a constant: the number of classes of a class-label input; 0
	 * when neither.
	 */
	public int embeddingRows(String indices) {
		return embeddingRows.getOrDefault(indices, 0);
	}

	/**
	 * Whether {@link #embeddingRows} of {@code indices} is the depth of a OneHot
	 * (a label past it gives a vector of zeros, not an error).
	 */
	public boolean isOneHotDepth(String indices) {
		return oneHotLabels.contains(indices);
	}
}
