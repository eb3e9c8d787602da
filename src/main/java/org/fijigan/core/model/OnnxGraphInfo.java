package org.fijigan.core.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.fijigan.core.GanException;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * A read-only analysis of one ONNX model file: what it declares (opsets, inputs, outputs,
 * metadata, operator counts) and what a tiler needs to know (receptive field, scale, operations
 * that make tiling change the result). Everything is computed once when the file is read; the
 * object holds no file handle and no protobuf, and is safe to share between threads.
 * <p>
 * The receptive field is estimated by walking the nodes in file order (topological in a valid
 * ONNX graph) and tracking for every tensor computed from an image input its <em>jump</em>
 * (input pixels per tensor pixel) and <em>halo</em> (input pixels of context on each side).
 * Graph inputs of rank 3 or more (or of unknown rank) count as images. Windowed operators (Conv,
 * pooling, ConvTranspose), resizing (Resize, Upsample, DepthToSpace, SpaceToDepth, the
 * Reshape-Transpose-Reshape pixel shuffle that older PyTorch exports write), Pad and a list of
 * known pointwise operators are understood; anything else is passed through unchanged, noted, and
 * makes the estimate inexact. A window of span {@code d(k-1)} with leading pad {@code p} reaches
 * {@code max(p, d(k-1)-p)} tensor pixels to one side; ConvTranspose reaches that divided by its
 * stride, rounded up, on its input map; nearest resizing needs no context, linear one input-map
 * pixel, cubic two. Where a rule is a guess it errs towards a larger halo.
 * <p>
 * Whole-image operations are those whose result for one pixel depends on pixels arbitrarily far
 * away, so a tiled run would differ: instance/group/layer/mean-variance normalisation, global
 * pooling, Reduce* over a spatial axis (axis 2 or later, missing axes meaning all), Softmax over
 * anything but channels, and Flatten, Gemm or a Reshape to rank 2 or less applied to image data.
 * LayerNormalization is always flagged, even where it happens to normalise channels only.
 */
public final class OnnxGraphInfo {

	private static final Set<String> POINTWISE = Set.of("Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid",
		"HardSwish", "Tanh", "Add", "Sub", "Mul", "Div", "Clip", "Identity", "Cast", "CastLike", "BatchNormalization",
		"Concat", "Elu", "Selu", "Celu", "Gelu", "Mish", "Softplus", "Softsign", "ThresholdedRelu", "Exp", "Log",
		"Abs", "Neg", "Sqrt", "Reciprocal", "Pow", "Dropout", "Constant", "Gather", "Unsqueeze", "Squeeze", "Min",
		"Max", "Mean", "Sum", "Where", "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Not", "And",
		"Or", "Xor", "Floor", "Ceil", "Round", "Sign", "Erf", "Sin", "Cos", "IsNaN", "IsInf", "QuantizeLinear",
		"DequantizeLinear", "Expand");
	private static final Set<String> WHOLE_IMAGE = Set.of("InstanceNormalization", "GroupNormalization",
		"LayerNormalization", "MeanVarianceNormalization", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool",
		"Flatten", "Gemm");
	private static final Set<String> WINDOWED = Set.of("Conv", "ConvInteger", "MaxPool", "AveragePool", "LpPool");
	/** float, double, float16, bfloat16 */
	private static final Set<Integer> FLOAT_TYPES = Set.of(1, 10, 11, 16);

	private final String displayName;
	private final long irVersion;
	private final String producer;
	private final Map<String, Long> opsetImports = new LinkedHashMap<>();
	private final List<ValueInfo> inputs = new ArrayList<>();
	private final List<ValueInfo> outputs = new ArrayList<>();
	private final SortedMap<String, Integer> opCounts = new TreeMap<>();
	private final Map<String, String> metadata = new LinkedHashMap<>();
	private final long parameterCount;
	private final List<String> externalDataLocations = new ArrayList<>();
	private final List<String> nonStandardDomains = new ArrayList<>();
	private final ReceptiveField receptiveField;
	private final List<String> wholeImageOps;
	private final boolean fixedSpatialReshape;
	private final Map<String, String> outputProducers = new LinkedHashMap<>();
	private final int maxFeatureChannels;
	private final Map<String, Integer> embeddingRows = new LinkedHashMap<>();

	/**
	 * Reads and analyses a model file.
	 *
	 * @throws GanException if the file is missing, unreadable, over 2 GB, or not an ONNX model; the
	 *             message names the file
	 */
	public static OnnxGraphInfo read(Path onnxFile) {
		if (!Files.exists(onnxFile)) throw new GanException("Model file not found: " + onnxFile);
		if (Files.isDirectory(onnxFile)) throw new GanException("Model path is a folder, not an .onnx file: " + onnxFile);
		byte[] bytes;
		try {
			if (Files.size(onnxFile) > Integer.MAX_VALUE - 16) throw new GanException(onnxFile
				+ " is larger than 2 GB; such models must keep their weights in external data files");
			bytes = Files.readAllBytes(onnxFile);
		} catch (IOException e) {
			throw new GanException("Cannot read model file " + onnxFile + ": " + e.getMessage(), e);
		}
		return parse(bytes, onnxFile.toString());
	}

	/**
	 * Analyses a model held in memory.
	 *
	 * @param displayName how messages name the model, usually its file path
	 * @throws GanException if the bytes are not an ONNX model (corrupt, truncated, no graph)
	 */
	public static OnnxGraphInfo parse(byte[] bytes, String displayName) {
		ModelProto model;
		try {
			model = ModelProto.parseFrom(bytes);
		} catch (Exception | StackOverflowError e) {
			throw invalid(displayName, String.valueOf(e.getMessage()), e);
		}
		if (!model.hasGraph()) throw invalid(displayName, "it contains no graph", null);
		if (model.getOpsetImportCount() == 0 && model.getIrVersion() == 0)
			throw invalid(displayName, "it declares neither an IR version nor an opset", null);
		if (model.getGraph().getOutputCount() == 0) throw invalid(displayName, "its graph has no outputs", null);
		try {
			return new OnnxGraphInfo(model, displayName);
		} catch (RuntimeException | StackOverflowError e) {
			throw invalid(displayName, e.toString(), e);
		}
	}

	private static GanException invalid(String name, String why, Throwable cause) {
		return new GanException(name + " is not a valid ONNX model: " + why.replaceAll("\\s+", " ").trim(), cause);
	}

	private OnnxGraphInfo(ModelProto model, String displayName) {
		this.displayName = displayName;
		this.irVersion = model.getIrVersion();
		this.producer = (model.getProducerName() + " " + model.getProducerVersion()).trim();
		model.getOpsetImportList().forEach(o -> opsetImports.put(o.getDomain(), o.getVersion()));
		GraphProto graph = model.getGraph();
		for (StringStringEntryProto e : model.getMetadataPropsList()) metadata.put(e.getKey(), e.getValue());

		Set<String> initializerNames = new LinkedHashSet<>();
		long parameters = 0;
		for (TensorProto t : graph.getInitializerList()) {
			initializerNames.add(t.getName());
			if (FLOAT_TYPES.contains(t.getDataType()))
				parameters += t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
		}
		collectExternalData(graph, 0, externalDataLocations);
		this.parameterCount = parameters;
		for (ValueInfoProto v : graph.getInputList())
			if (!initializerNames.contains(v.getName())) inputs.add(valueInfo(v));
		for (ValueInfoProto v : graph.getOutputList()) outputs.add(valueInfo(v));
		Map<String, TensorProto> initializers = new HashMap<>();
		for (TensorProto t : graph.getInitializerList())
			initializers.put(t.getName(), t);
		Set<String> outputNames = new LinkedHashSet<>();
		for (ValueInfo v : outputs)
			outputNames.add(v.name());
		int features = 0;
		for (NodeProto n : graph.getNodeList()) {
			for (String o : n.getOutputList())
				if (outputNames.contains(o)) outputProducers.put(o, n.getOpType());
			if ((n.getOpType().equals("Conv") || n.getOpType().equals("ConvTranspose")) && n.getInputCount() > 1) {
				TensorProto w = initializers.get(n.getInput(1));
				if (w != null && w.getDimsCount() >= 2) features = (int) Math.max(features, Math.max(w.getDims(0), w
					.getDims(1)));
			}
			if (n.getOpType().equals("Gather") && n.getInputCount() == 2 && initializers.containsKey(n.getInput(0))
				&& initializers.get(n.getInput(0)).getDimsCount() >= 1)
				embeddingRows.putIfAbsent(n.getInput(1), (int) initializers.get(n.getInput(0)).getDims(0));
			boolean standard = isStandardDomain(n.getDomain());
			opCounts.merge(standard ? n.getOpType() : n.getDomain() + "::" + n.getOpType(), 1, Integer::sum);
			if (!standard && !nonStandardDomains.contains(n.getDomain())) nonStandardDomains.add(n.getDomain());
		}
		this.maxFeatureChannels = features;
		FieldWalker walker = new FieldWalker(graph, initializerNames, defaultOpset());
		this.receptiveField = walker.result;
		this.wholeImageOps = List.copyOf(walker.wholeImage);
		this.fixedSpatialReshape = walker.fixedReshape;
	}

	/**
	 * Every external-data location ONNX Runtime would open for this graph: initializers, sparse
	 * initializers, and tensors in node attributes (Constant values), in subgraphs (If, Loop, Scan)
	 * too. A tensor is counted when it is marked EXTERNAL or simply carries external_data entries.
	 */
	private static void collectExternalData(GraphProto graph, int depth, List<String> found) {
		if (depth > 64) throw new GanException("subgraphs nested more than 64 deep");
		for (TensorProto t : graph.getInitializerList()) collectExternalData(t, found);
		for (var s : graph.getSparseInitializerList()) {
			collectExternalData(s.getValues(), found);
			collectExternalData(s.getIndices(), found);
		}
		for (NodeProto n : graph.getNodeList())
			for (AttributeProto a : n.getAttributeList()) {
				if (a.hasT()) collectExternalData(a.getT(), found);
				for (TensorProto t : a.getTensorsList()) collectExternalData(t, found);
				if (a.hasSparseTensor()) {
					collectExternalData(a.getSparseTensor().getValues(), found);
					collectExternalData(a.getSparseTensor().getIndices(), found);
				}
				for (var sparse : a.getSparseTensorsList()) {
					collectExternalData(sparse.getValues(), found);
					collectExternalData(sparse.getIndices(), found);
				}
				if (a.hasG()) collectExternalData(a.getG(), depth + 1, found);
				for (GraphProto g : a.getGraphsList()) collectExternalData(g, depth + 1, found);
			}
	}

	private static void collectExternalData(TensorProto t, List<String> found) {
		if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL && t.getExternalDataCount() == 0) return;
		String location = "";
		for (StringStringEntryProto e : t.getExternalDataList())
			if (e.getKey().equals("location")) location = e.getValue();
		if (!found.contains(location)) found.add(location);
	}

	/**
	 * The external-data locations a graph names anywhere (see {@link #externalDataLocations()}), for
	 * callers that hold a parsed model, such as fine-tuning, which runs graphs from memory.
	 */
	public static List<String> externalDataLocations(GraphProto graph) {
		List<String> found = new ArrayList<>();
		collectExternalData(graph, 0, found);
		return found;
	}

	private static boolean isStandardDomain(String domain) {
		return domain.isEmpty() || domain.equals("ai.onnx");
	}

	private static ValueInfo valueInfo(ValueInfoProto v) {
		if (!v.getType().hasTensorType()) return new ValueInfo(v.getName(), 0, new long[0], List.of());
		TensorShapeProto shape = v.getType().getTensorType().getShape();
		long[] dims = new long[shape.getDimCount()];
		List<String> names = new ArrayList<>();
		for (int i = 0; i < dims.length; i++) {
			TensorShapeProto.Dimension d = shape.getDim(i);
			dims[i] = d.hasDimValue() ? d.getDimValue() : -1;
			names.add(d.hasDimValue() ? "" : d.getDimParam());
		}
		return new ValueInfo(v.getName(), v.getType().getTensorType().getElemType(), dims, names);
	}

	/** The name messages use for this model, usually its file path. */
	public String displayName() { return displayName; }

	public long irVersion() { return irVersion; }

	/** Producer name and version, e.g. "pytorch 1.13.0"; "" when the file does not say. */
	public String producer() { return producer; }

	/** Opset version per operator domain, in file order; "" is the default ai.onnx domain. */
	public Map<String, Long> opsetImports() { return Collections.unmodifiableMap(opsetImports); }

	/** The opset of the default (ai.onnx) domain; 0 when the file does not import it. */
	public long defaultOpset() {
		return opsetImports.getOrDefault("", opsetImports.getOrDefault("ai.onnx", 0L));
	}

	/** Graph inputs that are not initializers, in file order: what a caller must feed. */
	public List<ValueInfo> inputs() { return Collections.unmodifiableList(inputs); }

	public List<ValueInfo> outputs() { return Collections.unmodifiableList(outputs); }

	/** Operator type to node count in the main graph; custom-domain ops read "domain::Op". */
	public SortedMap<String, Integer> opCounts() { return Collections.unmodifiableSortedMap(opCounts); }

	/** The model's metadata_props, in file order. */
	public Map<String, String> metadata() { return Collections.unmodifiableMap(metadata); }

	/** Number of elements in floating-point initializers (float, double, float16, bfloat16). */
	public long parameterCount() { return parameterCount; }

	/**
	 * Distinct "location" entries of externally stored tensors (initializers, Constant values,
	 * subgraphs), relative to the model file; "" when an external tensor names no location.
	 */
	public List<String> externalDataLocations() { return Collections.unmodifiableList(externalDataLocations); }

	/** Operator domains other than "" and "ai.onnx" (custom operators ONNX Runtime may lack). */
	public List<String> nonStandardDomains() { return Collections.unmodifiableList(nonStandardDomains); }

	/** The estimate for the first graph output; see the class documentation for the rules. */
	public ReceptiveField receptiveField() { return receptiveField; }

	/** Operations that make a tiled run differ from a whole-image one, as "Op (node 'name')"; empty when tiling is safe. */
	public List<String> wholeImageOps() { return wholeImageOps; }

	/**
	 * Whether a Reshape applied to image data hard-codes the spatial extents (its constant target
	 * shape fixes the last two axes), as SRGAN's exported pixel shuffle does: such a model runs on
	 * one input size only, whatever its input declares.
	 */
	public boolean hasFixedSpatialReshape() { return fixedSpatialReshape; }

	/** The operator type of the node that writes graph output {@code name}, or null (e.g. an input passed through). */
	public String producerOf(String name) { return outputProducers.get(name); }

	/** The largest channel count of any Conv or ConvTranspose weight initializer (0 when none): a hint of working memory. */
	public int maxFeatureChannels() { return maxFeatureChannels; }

	/**
	 * Rows of the constant table that graph value {@code indices} is looked up in by a Gather (an
	 * embedding: the number of classes of a class-label input), or 0 when it is not.
	 */
	public int embeddingRows(String indices) { return embeddingRows.getOrDefault(indices, 0); }

	/** Walks the graph once, tracking jump and halo per image tensor. */
	private static final class FieldWalker {
		private record Field(double jump, double halo, int rank) {}

		private final Map<String, TensorProto> tensors = new HashMap<>();
		private final Map<String, NodeProto> producers = new HashMap<>();
		private final Map<String, List<NodeProto>> consumers = new HashMap<>();
		private final Map<String, Field> fields = new HashMap<>();
		private final Map<String, Double> pendingShuffle = new HashMap<>();
		private final Set<String> shuffled = new LinkedHashSet<>();
		private final Set<String> notes = new LinkedHashSet<>();
		private final Set<String> unknownOps = new LinkedHashSet<>();
		private final List<String> wholeImage = new ArrayList<>();
		private final long opset;
		private boolean exact = true;
		private boolean fixedReshape;
		private long staticWidth = -1;
		private int index;
		private final ReceptiveField result;

		FieldWalker(GraphProto graph, Set<String> initializerNames, long opset) {
			this.opset = opset;
			graph.getInitializerList().forEach(t -> tensors.put(t.getName(), t));
			for (NodeProto n : graph.getNodeList()) {
				n.getOutputList().forEach(o -> producers.put(o, n));
				n.getInputList().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
				if (n.getOpType().equals("Constant") && n.getAttributeCount() > 0 && n.getAttribute(0).hasT())
					tensors.put(n.getOutput(0), n.getAttribute(0).getT());
			}
			for (ValueInfoProto v : graph.getInputList()) {
				if (initializerNames.contains(v.getName()) || !v.getType().hasTensorType()) continue;
				ValueInfo in = valueInfo(v);
				boolean shaped = v.getType().getTensorType().hasShape();
				if (shaped && in.rank() < 3) continue;
				fields.put(in.name(), new Field(1, 0, shaped ? in.rank() : -1));
				if (staticWidth < 0 && shaped && in.isFixed(in.rank() - 1)) staticWidth = in.dims()[in.rank() - 1];
			}
			for (NodeProto n : graph.getNodeList()) {
				visit(n);
				index++;
			}
			Field out = fields.get(graph.getOutput(0).getName());
			if (out == null) {
				notes.add("the first output is not computed from an image input; tiling does not apply");
				result = new ReceptiveField(0, 1.0, false, List.copyOf(notes));
			} else {
				double scale = 1 / out.jump;
				if (Math.abs(scale - Math.rint(scale)) < 1e-9) scale = Math.rint(scale);
				result = new ReceptiveField((int) Math.ceil(out.halo - 1e-9), scale, exact, List.copyOf(notes));
			}
		}

		private String label(NodeProto n) {
			return n.getOpType() + (n.getName().isEmpty() ? " (node #" + index + ")" : " (node '" + n.getName() + "')");
		}

		private void guess(NodeProto n, String why) {
			exact = false;
			notes.add(label(n) + ": " + why);
		}

		private void visit(NodeProto n) {
			Field in = null;
			for (String name : n.getInputList()) {
				Field f = fields.get(name);
				if (f != null) in = in == null ? f
					: new Field(Math.min(in.jump, f.jump), Math.max(in.halo, f.halo), Math.max(in.rank, f.rank));
			}
			if (in == null) return;
			String op = isStandardDomain(n.getDomain()) ? n.getOpType() : n.getDomain() + "::" + n.getOpType();
			Field out = in;
			if (!isStandardDomain(n.getDomain())) guess(n, "custom operator on image data, assumed to need no extra context");
			else if (WINDOWED.contains(op) || op.equals("ConvTranspose")) out = windowed(n, in, op.equals("ConvTranspose"));
			else if (op.equals("Resize") || op.equals("Upsample")) out = resize(n, in);
			else if (op.equals("DepthToSpace")) out = new Field(in.jump / attrInt(n, "blocksize", 1), in.halo, in.rank);
			else if (op.equals("SpaceToDepth")) {
				long b = attrInt(n, "blocksize", 1);
				out = new Field(in.jump * b, in.halo + in.jump * (b - 1), in.rank);
			} else if (op.equals("Pad")) out = pad(n, in);
			else if (op.equals("Reshape")) out = reshape(n, in);
			else if (op.equals("Transpose")) out = transpose(n, in);
			else if (op.equals("Shape") || op.equals("Size")) return;
			else if (WHOLE_IMAGE.contains(op)) {
				wholeImage.add(label(n));
				if (op.equals("Flatten") || op.equals("Gemm")) out = new Field(in.jump, in.halo, 2);
			} else if (op.startsWith("Reduce")) reduce(n, in);
			else if (op.equals("Softmax") || op.equals("LogSoftmax") || op.equals("Hardmax")) {
				if (opset < 13 || axis(attrInt(n, "axis", -1), in.rank) != 1) wholeImage.add(label(n));
			} else if (op.equals("Slice") || op.equals("Split")) {
				double[] axes = op.equals("Split") ? new double[] { attrInt(n, "axis", 0) }
					: n.getInputCount() > 3 ? numbers(n.getInput(3)) : attrInts(n, "axes");
				boolean channelsOnly = axes != null;
				for (int i = 0; axes != null && i < axes.length; i++) channelsOnly &= axis((long) axes[i], in.rank) < 2;
				if (!channelsOnly) guess(n, "may slice spatial axes; not understood");
			} else if (!POINTWISE.contains(op) && unknownOps.add(op))
				guess(n, "not understood on image data, assumed to need no extra context");
			if (op.equals("Unsqueeze") || op.equals("Squeeze")) out = new Field(out.jump, out.halo, -1);
			for (String o : n.getOutputList()) if (!o.isEmpty()) fields.put(o, out);
		}

		private static int axis(long axis, int rank) {
			return (int) (axis < 0 ? axis + (rank < 0 ? 4 : rank) : axis);
		}

		private Field windowed(NodeProto n, Field in, boolean transposed) {
			double[] kernel = attrInts(n, "kernel_shape");
			if (kernel == null && n.getInputCount() > 1 && tensors.containsKey(n.getInput(1))) {
				List<Long> w = tensors.get(n.getInput(1)).getDimsList();
				kernel = w.subList(2, w.size()).stream().mapToDouble(Long::doubleValue).toArray();
			}
			if (kernel == null) {
				guess(n, "kernel size unknown, assumed 1");
				kernel = new double[] { 1 };
			}
			int dims = kernel.length;
			double[] strides = orDefault(attrInts(n, "strides"), dims, 1);
			double[] dilations = orDefault(attrInts(n, "dilations"), dims, 1);
			double[] pads = orDefault(attrInts(n, "pads"), 2 * dims, 0);
			String autoPad = attrString(n, "auto_pad", "NOTSET");
			double reach = 0;
			for (int i = 0; i < dims; i++) {
				double span = dilations[i] * (kernel[i] - 1);
				double begin = autoPad.startsWith("SAME") ? Math.floor(span / 2) : autoPad.equals("VALID") ? 0 : pads[i];
				reach = Math.max(reach, transposed ? Math.ceil(Math.max(begin, span - begin) / strides[i])
					: Math.max(begin, span - begin));
			}
			double stride = strides[dims - 1];
			for (double s : strides) if (s != stride) guess(n, "different strides along y and x; x used");
			double halo = in.halo + in.jump * reach;
			return new Field(transposed ? in.jump / stride : in.jump * stride, halo, in.rank);
		}

		private Field resize(NodeProto n, Field in) {
			double factor = Double.NaN;
			double[] scales = n.getOpType().equals("Upsample") && opset < 9 ? attrFloats(n, "scales")
				: n.getInputCount() == 2 ? numbers(n.getInput(1)) : n.getInputCount() > 2 ? numbers(n.getInput(2)) : null;
			if (scales != null && scales.length >= 3) factor = scales[scales.length - 1];
			double[] sizes = n.getInputCount() > 3 ? numbers(n.getInput(3)) : null;
			if (Double.isNaN(factor) && sizes != null && sizes.length >= 3 && staticWidth > 0)
				factor = sizes[sizes.length - 1] * in.jump / staticWidth;
			if (Double.isNaN(factor) || factor <= 0) {
				guess(n, "scale factor not a constant, assumed 1");
				factor = 1;
			}
			String mode = attrString(n, "mode", "nearest");
			double neighbours = mode.equals("cubic") ? 2 : mode.equals("nearest") ? 0 : 1;
			return new Field(in.jump / factor, in.halo + in.jump * neighbours, in.rank);
		}

		private Field pad(NodeProto n, Field in) {
			double[] pads = n.getInputCount() > 1 ? numbers(n.getInput(1)) : attrInts(n, "pads");
			if (pads == null) {
				guess(n, "pad amounts not constant, ignored");
				return in;
			}
			int rank = pads.length / 2;
			boolean someAxes = n.getInputCount() > 3 && !n.getInput(3).isEmpty();
			double max = 0;
			for (int i = someAxes ? 0 : Math.min(2, rank - 1); i < rank; i++) max = Math.max(max, Math.max(pads[i], pads[i + rank]));
			return new Field(in.jump, in.halo + in.jump * max, in.rank);
		}

		private Field reshape(NodeProto n, Field in) {
			double[] shape = n.getInputCount() > 1 ? numbers(n.getInput(1)) : attrInts(n, "shape");
			int rank = shape == null ? -1 : shape.length;
			if (shape != null && rank >= 4 && shape[rank - 1] > 0 && shape[rank - 2] > 0 && in.rank != 2)
				fixedReshape = true;
			if (shuffled.remove(n.getInput(0))) return new Field(in.jump, in.halo, rank);
			List<NodeProto> next = consumers.getOrDefault(n.getOutput(0), List.of());
			if (rank == 6 && next.size() == 1 && next.get(0).getOpType().equals("Transpose")) {
				int mode = shuffleMode(next.get(0));
				double block = mode == 1 ? shape[2] : mode == 2 ? shape[1] : -1;
				if (block > 0 && block == shape[mode == 1 ? 3 : 2]) {
					pendingShuffle.put(n.getOutput(0), block);
					return new Field(in.jump, in.halo, rank);
				}
			}
			if (rank >= 0 && rank <= 2 && in.rank != 2) wholeImage.add(label(n) + " flattens image data");
			else guess(n, "reshape of image data not understood");
			return new Field(in.jump, in.halo, rank);
		}

		/** 1 for PyTorch pixel-shuffle order [N,C,r,r,H,W], 2 for [N,r,r,C,H,W], 0 otherwise. */
		private int shuffleMode(NodeProto transpose) {
			double[] perm = attrInts(transpose, "perm");
			if (Arrays.equals(perm, new double[] { 0, 1, 4, 2, 5, 3 })) return 1;
			return Arrays.equals(perm, new double[] { 0, 3, 4, 1, 5, 2 }) ? 2 : 0;
		}

		private Field transpose(NodeProto n, Field in) {
			Double block = pendingShuffle.remove(n.getInput(0));
			List<NodeProto> next = consumers.getOrDefault(n.getOutput(0), List.of());
			if (block != null && next.size() == 1 && next.get(0).getOpType().equals("Reshape")) {
				shuffled.add(n.getOutput(0));
				return new Field(in.jump / block, in.halo, in.rank);
			}
			guess(n, "transpose of image data not understood");
			return in;
		}

		private void reduce(NodeProto n, Field in) {
			double[] axes = attrInts(n, "axes");
			boolean dynamic = false;
			if (axes == null && n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
				axes = numbers(n.getInput(1));
				dynamic = axes == null;
			}
			boolean spatial = dynamic || axes == null && attrInt(n, "noop_with_empty_axes", 0) == 0;
			for (int i = 0; axes != null && i < axes.length; i++) spatial |= axis((long) axes[i], in.rank) >= 2;
			if (spatial) wholeImage.add(label(n));
		}

		/** The values of a constant tensor: initializer, Constant, or Concat/Unsqueeze/Cast of those. */
		private double[] numbers(String name) {
			if (tensors.containsKey(name)) return decode(tensors.get(name));
			NodeProto p = producers.get(name);
			if (p == null) return null;
			switch (p.getOpType()) {
				case "Constant":
					for (AttributeProto a : p.getAttributeList())
						if (a.getName().equals("value_ints") || a.getName().equals("value_int")) return attrInts(p, a.getName());
					return null;
				case "Identity", "Cast", "Unsqueeze", "Squeeze":
					return numbers(p.getInput(0));
				case "Concat":
					List<double[]> parts = new ArrayList<>();
					for (String i : p.getInputList()) {
						double[] part = numbers(i);
						if (part == null) return null;
						parts.add(part);
					}
					return parts.stream().flatMapToDouble(Arrays::stream).toArray();
				default:
					return null;
			}
		}

		/** float, int32, int64 and double tensors, from raw_data or the typed fields; null for others. */
		private static double[] decode(TensorProto t) {
			int type = t.getDataType();
			int size = type == 1 || type == 6 ? 4 : type == 7 || type == 11 ? 8 : 0;
			if (size == 0) return null;
			if (!t.hasRawData()) return switch (type) {
				case 1 -> t.getFloatDataList().stream().mapToDouble(Float::doubleValue).toArray();
				case 6 -> t.getInt32DataList().stream().mapToDouble(Integer::doubleValue).toArray();
				case 7 -> t.getInt64DataList().stream().mapToDouble(Long::doubleValue).toArray();
				default -> t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray();
			};
			ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
			double[] v = new double[raw.remaining() / size];
			for (int i = 0; i < v.length; i++) v[i] = switch (type) {
				case 1 -> raw.getFloat(4 * i);
				case 6 -> raw.getInt(4 * i);
				case 7 -> raw.getLong(8 * i);
				default -> raw.getDouble(8 * i);
			};
			return v;
		}

		private static double[] orDefault(double[] values, int n, double fallback) {
			if (values != null && values.length == n) return values;
			double[] v = new double[n];
			Arrays.fill(v, fallback);
			return v;
		}

		private static AttributeProto attr(NodeProto n, String name) {
			for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a;
			return null;
		}

		private static double[] attrInts(NodeProto n, String name) {
			AttributeProto a = attr(n, name);
			if (a == null) return null;
			if (a.getType() == AttributeProto.AttributeType.INT) return new double[] { a.getI() };
			return a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray();
		}

		private static double[] attrFloats(NodeProto n, String name) {
			AttributeProto a = attr(n, name);
			return a == null ? null : a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
		}

		private static long attrInt(NodeProto n, String name, long fallback) {
			AttributeProto a = attr(n, name);
			return a == null ? fallback : a.getI();
		}

		private static String attrString(NodeProto n, String name, String fallback) {
			AttributeProto a = attr(n, name);
			return a == null ? fallback : a.getS().toStringUtf8();
		}
	}
}
