package org.fijigan.core.model;

import static org.fijigan.core.model.NodeAttributes.attrFloats;
import static org.fijigan.core.model.NodeAttributes.attrInt;
import static org.fijigan.core.model.NodeAttributes.attrInts;
import static org.fijigan.core.model.NodeAttributes.attrString;
import static org.fijigan.core.model.NodeAttributes.decode;
import static org.fijigan.core.model.NodeAttributes.orDefault;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Walks a graph once in file order, tracking the jump and halo of every tensor computed from an image
 * input, and collects the operations that make a tiled run differ from a whole-image one; the rules
 * are those {@link OnnxGraphInfo} documents. One walker analyses one graph, in its constructor.
 */
final class ReceptiveFieldWalker {
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

	ReceptiveFieldWalker(GraphProto graph, Set<String> initializerNames, long opset) {
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
			ValueInfo in = OnnxGraphInfo.valueInfo(v);
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
		String op = OnnxGraphInfo.isStandardDomain(n.getDomain()) ? n.getOpType() : n.getDomain() + "::" + n.getOpType();
		Field out = in;
		if (!OnnxGraphInfo.isStandardDomain(n.getDomain())) guess(n, "custom operator on image data, assumed to need no extra context");
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


	/** The estimate for the first graph output. */
	ReceptiveField result() {
		return result;
	}

	/** Operations that see the whole image, as "Op (node 'name')", in graph order. */
	List<String> wholeImageOps() {
		return List.copyOf(wholeImage);
	}

	/** Whether a Reshape of image data fixes the spatial extents. */
	boolean hasFixedSpatialReshape() {
		return fixedReshape;
	}
}
