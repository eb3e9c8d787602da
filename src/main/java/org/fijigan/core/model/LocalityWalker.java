package org.fijigan.core.model;

import static org.fijigan.core.model.NodeAttributes.attr;
import static org.fijigan.core.model.NodeAttributes.attrFloats;
import static org.fijigan.core.model.NodeAttributes.attrInt;
import static org.fijigan.core.model.NodeAttributes.attrInts;
import static org.fijigan.core.model.NodeAttributes.attrString;
import static org.fijigan.core.model.NodeAttributes.orDefault;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Decides, node by node, whether a tiled run gives exactly what a whole-image run gives, and
 * estimates the receptive field on the way; the rules are those {@link OnnxGraphInfo} documents.
 * The nodes are walked once in file order (topological in a valid graph), calls of model-local
 * functions inlined. Every tensor computed from an image input carries, per axis, its role (batch,
 * y, x or other), its length ({@link Extent}) and its jump (input pixels per step), and the halo
 * of the whole tensor; a tensor computed from image shapes alone carries its values as lengths. A
 * node whose output at a pixel may depend on input pixels outside its window is a <em>breaker</em>,
 * named with the reason; what follows a breaker is walked on but not blamed again. One walker
 * analyses one graph, in its constructor.
 */
final class LocalityWalker {
	enum Role {
		BATCH, Y, X, OTHER;

		boolean isSpatial() {
			return this == Y || this == X;
		}
	}

	/** One axis of a tensor computed from image inputs; {@code jump} matters for y and x only. */
	record Axis(Role role, Extent size, double jump) {
		Axis withSize(Extent s) {
			return new Axis(role, s, jump);
		}
	}

	/**
	 * A tensor computed from image inputs.
	 *
	 * @param axes null when its axes are not known
	 * @param halo input pixels of context on each side
	 * @param jump input pixels per step along x (y where x is gone), for when the axes are lost
	 * @param tainted whether a breaker lies upstream, so that this tensor blames nothing more
	 */
	record Pixels(List<Axis> axes, double halo, double jump, boolean tainted) {
		Pixels {
			axes = axes == null ? null : List.copyOf(axes);
		}

		int rank() {
			return axes == null ? -1 : axes.size();
		}

		Pixels with(List<Axis> a) {
			return new Pixels(a, halo, jumpOf(a, jump), tainted);
		}

		Pixels with(List<Axis> a, double newHalo) {
			return new Pixels(a, newHalo, jumpOf(a, jump), tainted);
		}

		private static double jumpOf(List<Axis> axes, double fallback) {
			if (axes == null) return fallback;
			double y = Double.NaN;
			for (Axis a : axes) {
				if (a.role() == Role.X) return a.jump();
				if (a.role() == Role.Y) y = a.jump();
			}
			return Double.isNaN(y) ? fallback : y;
		}
	}

	private static final Set<String> UNARY = Set.of("Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish",
		"Tanh", "Identity", "Cast", "Elu", "Selu", "Celu", "Gelu", "Mish", "Softplus", "Softsign",
		"ThresholdedRelu", "Exp", "Log", "Abs", "Neg", "Sqrt", "Reciprocal", "Dropout", "Not", "Floor", "Ceil",
		"Round", "Sign", "Erf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh",
		"Atanh", "IsNaN", "IsInf", "Shrink", "BitwiseNot", "Swish");
	private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mean",
		"Sum", "Where", "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "And", "Or", "Xor", "PRelu",
		"Mod", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Clip", "CastLike");
	private static final Set<String> WINDOWED = Set.of("Conv", "ConvInteger", "QLinearConv", "MaxPool",
		"AveragePool", "LpPool", "ConvTranspose");
	private static final int MAX_FUNCTION_DEPTH = 16;

	private final Map<String, Pixels> pixels = new HashMap<>();
	private final KnownValues known = new KnownValues();
	private final Map<String, FunctionProto> functions = new HashMap<>();
	private final Set<String> notes = new LinkedHashSet<>();
	private final List<String> breakers = new ArrayList<>();
	private long opset;
	private boolean guessed;
	private boolean fixedReshape;
	private String scope = "";
	private int depth;
	private int index;
	private int calls;
	/** Whether the node being visited reads a tensor computed from image inputs with no breaker upstream. */
	private boolean clean;
	/** Whether the node being visited was named a breaker. */
	private boolean broke;
	private final ReceptiveField result;

	/**
	 * @param layouts the layout of each image input (others are not images); a layout's rank must be
	 *          that of the input's shape, when it has one
	 */
	LocalityWalker(GraphProto graph, List<FunctionProto> localFunctions, long opset,
		Map<String, TensorLayout> layouts)
	{
		this.opset = opset;
		for (FunctionProto f : localFunctions)
			functions.put(f.getDomain() + "::" + f.getName(), f);
		graph.getInitializerList().forEach(known::addConstant);
		for (ValueInfoProto v : graph.getInputList()) {
			TensorLayout layout = layouts.get(v.getName());
			if (layout != null && !known.isConstant(v.getName())) pixels.put(v.getName(), seed(v, layout));
		}
		for (NodeProto n : graph.getNodeList()) {
			visit(n);
			index++;
		}
		Pixels out = pixels.get(graph.getOutput(0).getName());
		if (out == null) {
			notes.add("the first output is not computed from an image input; tiling does not apply");
			result = new ReceptiveField(0, 1.0, false, List.copyOf(notes));
		}
		else {
			double jumpX = out.jump(), jumpY = jumpX;
			if (out.axes() != null) for (Axis a : out.axes()) {
				if (a.role() == Role.X) jumpX = a.jump();
				if (a.role() == Role.Y) jumpY = a.jump();
			}
			lineUp(graph.getOutput(0).getName(), out, layouts);
			if (Math.abs(jumpX - jumpY) > 1e-9) notes.add("the output scales y by " + 1 / jumpY + " and x by " + 1 /
				jumpX + "; x is used");
			double scale = 1 / jumpX;
			if (Math.abs(scale - Math.rint(scale)) < 1e-9) scale = Math.rint(scale);
			if (!(scale > 0) || Double.isInfinite(scale)) {
				guessed = true;
				scale = 1;
			}
			result = new ReceptiveField((int) Math.ceil(out.halo() - 1e-9), scale, !guessed, List.copyOf(notes));
		}
	}

	/**
	 * The first output's y and x must lie where the image input's do (when their ranks agree), or the
	 * tiles would be put together wrongly.
	 */
	private void lineUp(String name, Pixels out, Map<String, TensorLayout> layouts) {
		if (out.axes() == null || out.tainted()) return;
		for (TensorLayout l : layouts.values()) {
			if (l.rank() != out.rank()) continue;
			if (out.axes().get(l.yAxis()).role() != Role.Y || out.axes().get(l.xAxis()).role() != Role.X) {
				guessed = true;
				breakers.add("output '" + name + "': its y and x axes are not where the image input has them " +
					"(the image is transposed or its axes moved), so tiles would be put together wrongly");
			}
			return;
		}
	}

	private static Pixels seed(ValueInfoProto v, TensorLayout layout) {
		if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) return new Pixels(axesOf(layout,
			null), 0, 1, false);
		ValueInfo in = OnnxGraphInfo.valueInfo(v);
		return new Pixels(in.rank() == layout.rank() ? axesOf(layout, in.dims()) : null, 0, 1, false);
	}

	private static List<Axis> axesOf(TensorLayout layout, long[] dims) {
		List<Axis> axes = new ArrayList<>();
		for (int i = 0; i < layout.rank(); i++) {
			char c = layout.axes().charAt(i);
			Role role = c == 'b' ? Role.BATCH : c == 'y' ? Role.Y : c == 'x' ? Role.X : Role.OTHER;
			Extent size = dims != null && dims[i] > 0 ? Extent.of(dims[i]) : role == Role.OTHER ? Extent.UNKNOWN
				: Extent.symbol(c == 'b' ? 'N' : c == 'y' ? 'H' : 'W');
			axes.add(new Axis(role, size, 1));
		}
		return axes;
	}

	/** The estimate for the first graph output. */
	ReceptiveField result() {
		return result;
	}

	/** Why tiles would change the result: one entry per breaker, "Op (node 'name'): reason", in graph order. */
	List<String> breakers() {
		return List.copyOf(breakers);
	}

	/** Whether a Reshape of image data fixes a spatial length with a plain number. */
	boolean hasFixedSpatialReshape() {
		return fixedReshape;
	}

	private String label(NodeProto n) {
		String op = OnnxGraphInfo.isStandardDomain(n.getDomain()) ? n.getOpType() : n.getDomain() + "::" + n
			.getOpType();
		return op + (n.getName().isEmpty() ? " (node #" + index + scope + ")" : " (node '" + n.getName() + "'" +
			scope + ")");
	}

	/** Names {@code n} a breaker, unless what it reads is already downstream of one. */
	private void breaks(NodeProto n, String why) {
		broke = true;
		if (clean) breakers.add(label(n) + ": " + why);
	}

	/** Names {@code n} a breaker because it is not understood: the receptive field is a guess too. */
	private void notUnderstood(NodeProto n, String why) {
		if (clean) guessed = true;
		breaks(n, why);
	}

	private void visit(NodeProto n) {
		String key = n.getDomain() + "::" + n.getOpType();
		if (functions.containsKey(key)) {
			inline(n, functions.get(key));
			return;
		}
		boolean anyPixels = false, anySizes = false, tainted = false;
		for (String i : n.getInputList()) {
			Pixels p = pixels.get(i);
			if (p != null) {
				anyPixels = true;
				tainted |= p.tainted();
			}
			anySizes |= known.isSize(i);
		}
		boolean standard = OnnxGraphInfo.isStandardDomain(n.getDomain());
		if (readsOuterPixels(n)) anyPixels = true;
		else if (standard && n.getOpType().equals("CastLike") && n.getInputCount() > 0 && !pixels.containsKey(n
			.getInput(0)))
		{
			anyPixels = false; // a constant cast to the image's type is no image data
			anySizes = known.isSize(n.getInput(0));
		}
		if (!anyPixels) {
			known.visit(n, anySizes);
			return;
		}
		clean = !tainted;
		broke = false;
		List<Pixels> outs;
		try {
			outs = pixelNode(n);
		}
		catch (RuntimeException e) { // a node this walker reads wrongly: not exact, rather than a refused model
			notUnderstood(n, "could not be analysed (" + e + ")");
			outs = null;
		}
		for (int i = 0; i < n.getOutputCount(); i++) {
			String o = n.getOutput(i);
			if (o.isEmpty() || known.isSize(o)) continue;
			Pixels p = outs == null || outs.isEmpty() ? null : outs.get(Math.min(i, outs.size() - 1));
			if (p == null) p = fallback(n);
			pixels.put(o, broke || tainted ? new Pixels(p.axes(), p.halo(), p.jump(), true) : p);
		}
	}

	/** What an output is taken to be where its node gave nothing better: the first input's field, axes unknown. */
	private Pixels fallback(NodeProto n) {
		double halo = 0, jump = Double.POSITIVE_INFINITY;
		for (String i : n.getInputList()) {
			Pixels p = pixels.get(i);
			if (p == null) continue;
			halo = Math.max(halo, p.halo());
			jump = Math.min(jump, p.jump());
		}
		return new Pixels(null, halo, Double.isInfinite(jump) ? 1 : jump, true);
	}

	/** Whether a subgraph of {@code n} (If, Loop, Scan) reads an image tensor of the enclosing graph by name. */
	private boolean readsOuterPixels(NodeProto n) {
		for (AttributeProto a : n.getAttributeList()) {
			if (a.hasG() && readsNames(a.getG(), 0)) return true;
			for (GraphProto g : a.getGraphsList())
				if (readsNames(g, 0)) return true;
		}
		return false;
	}

	private boolean readsNames(GraphProto g, int depth) {
		if (depth > 64) return true;
		for (NodeProto n : g.getNodeList()) {
			for (String i : n.getInputList())
				if (pixels.containsKey(i)) return true;
			for (AttributeProto a : n.getAttributeList()) {
				if (a.hasG() && readsNames(a.getG(), depth + 1)) return true;
				for (GraphProto s : a.getGraphsList())
					if (readsNames(s, depth + 1)) return true;
			}
		}
		return false;
	}

	// ---- model-local functions ----

	/** Walks the body of a model-local function in place of the node that calls it. */
	private void inline(NodeProto call, FunctionProto f) {
		if (depth >= MAX_FUNCTION_DEPTH) {
			clean = call.getInputList().stream().noneMatch(i -> pixels.containsKey(i) && pixels.get(i).tainted());
			broke = false;
			notUnderstood(call, "calls functions nested more than " + MAX_FUNCTION_DEPTH + " deep");
			for (String o : call.getOutputList())
				if (!o.isEmpty()) pixels.put(o, fallback(call));
			return;
		}
		String prefix = "\u0000" + (calls++) + "/";
		Map<String, String> rename = new HashMap<>();
		for (int i = 0; i < f.getInputCount(); i++)
			rename.put(f.getInput(i), i < call.getInputCount() ? call.getInput(i) : "");
		for (int i = 0; i < f.getOutputCount(); i++)
			if (i < call.getOutputCount()) rename.put(f.getOutput(i), call.getOutput(i));
		Map<String, AttributeProto> given = new HashMap<>();
		for (AttributeProto a : f.getAttributeProtoList())
			given.put(a.getName(), a);
		for (AttributeProto a : call.getAttributeList())
			given.put(a.getName(), a);
		long savedOpset = opset;
		String savedScope = scope;
		for (OperatorSetIdProto o : f.getOpsetImportList())
			if (OnnxGraphInfo.isStandardDomain(o.getDomain())) opset = o.getVersion();
		scope = " in function '" + f.getDomain() + "::" + f.getName() + "'" + (call.getName().isEmpty() ? ""
			: " called by node '" + call.getName() + "'") + savedScope;
		depth++;
		try {
			for (NodeProto body : f.getNodeList()) {
				NodeProto.Builder b = body.toBuilder().clearInput().clearOutput().clearAttribute();
				for (String i : body.getInputList())
					b.addInput(i.isEmpty() ? "" : rename.getOrDefault(i, prefix + i));
				for (String o : body.getOutputList())
					b.addOutput(o.isEmpty() ? "" : rename.getOrDefault(o, prefix + o));
				for (AttributeProto a : body.getAttributeList()) {
					if (a.getRefAttrName().isEmpty()) b.addAttribute(a);
					else if (given.containsKey(a.getRefAttrName())) b.addAttribute(given.get(a.getRefAttrName()).toBuilder()
						.setName(a.getName()));
				}
				visit(b.build());
			}
		}
		finally {
			depth--;
			opset = savedOpset;
			scope = savedScope;
		}
	}

	// ---- nodes that read image data ----

	/** The outputs of a node that reads image data (null entries: unknown), naming it a breaker where it is one. */
	private List<Pixels> pixelNode(NodeProto n) {
		if (!OnnxGraphInfo.isStandardDomain(n.getDomain())) {
			notUnderstood(n, "a custom operator fiji-gan does not know, so it may mix distant pixels");
			return null;
		}
		String op = n.getOpType();
		Pixels in = firstPixels(n);
		if (UNARY.contains(op)) return one(in);
		if (BROADCAST.contains(op)) return one(broadcast(n, op.equals("CastLike") ? 1 : n.getInputCount()));
		if (WINDOWED.contains(op)) return windowed(n);
		switch (op) {
			case "BatchNormalization", "QuantizeLinear", "DequantizeLinear", "LRN":
				return one(perChannel(n, op));
			case "Resize", "Upsample":
				return one(resize(n, in));
			case "DepthToSpace", "SpaceToDepth":
				return one(depthToSpace(n, in, op.equals("DepthToSpace")));
			case "Pad":
				return one(pad(n, in));
			case "Reshape":
				return one(reshape(n, in, targetShape(n)));
			case "Flatten":
				return one(flatten(n, in));
			case "Transpose":
				return one(transpose(n, in));
			case "Squeeze", "Unsqueeze":
				return one(squeeze(n, in, op.equals("Unsqueeze")));
			case "Concat":
				return one(concat(n));
			case "Split":
				return split(n, in);
			case "Slice":
				return one(slice(n, in));
			case "Expand":
				return one(expand(n, in));
			case "Tile":
				return one(tile(n, in));
			case "Gather":
				return one(gather(n, in));
			case "Shape", "Size":
				shape(n, in, op.equals("Size"));
				return List.of();
			case "MatMul", "MatMulInteger", "Gemm", "QLinearMatMul":
				return one(matMul(n, op));
			case "Softmax", "LogSoftmax", "Hardmax":
				return one(softmax(n, in));
			case "ArgMax", "ArgMin":
				return one(reduceAxes(n, in, new double[] { attrInt(n, "axis", 0) }, attrInt(n, "keepdims", 1) != 0,
					"finds its " + (op.equals("ArgMax") ? "largest" : "smallest") + " value across"));
			case "TopK":
				return one(reduceAxes(n, in, new double[] { attrInt(n, "axis", -1) }, true, "ranks values across"));
			case "CumSum": {
				double[] axis = n.getInputCount() > 1 ? known.numbers(n.getInput(1)) : null;
				return one(reduceAxes(n, in, axis, true, "sums cumulatively along"));
			}
			case "LpNormalization":
				return one(reduceAxes(n, in, new double[] { attrInt(n, "axis", -1) }, true, "normalises across"));
			case "LayerNormalization":
				return one(reduceAxes(n, in, from(attrInt(n, "axis", -1), in.rank()), true, "normalises across"));
			case "InstanceNormalization", "GroupNormalization":
				return one(reduceAxes(n, in, from(op.equals("GroupNormalization") ? 1 : 2, in.rank()), true,
					"normalises with statistics over"));
			case "MeanVarianceNormalization": {
				double[] axes = attrInts(n, "axes");
				return one(reduceAxes(n, in, axes == null ? new double[] { 0, 2, 3 } : axes, true,
					"normalises with statistics over"));
			}
			case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool":
				return one(reduceAxes(n, in, from(2, in.rank()), true, "pools over"));
			case "DynamicQuantizeLinear": {
				breaks(n, "computes its scale and zero point from the whole tensor, so each tile is quantised " +
					"differently");
				Pixels scalar = new Pixels(List.of(), in.halo(), in.jump(), true);
				return Arrays.asList(in, scalar, scalar);
			}
			case "NonZero", "Unique", "Compress", "NonMaxSuppression":
				breaks(n, "its output depends on where in the image values lie");
				return null;
			default:
				if (op.startsWith("Reduce")) return one(reduce(n, in));
				notUnderstood(n, "not understood on image data, so it may mix distant pixels");
				return null;
		}
	}

	private static List<Pixels> one(Pixels p) {
		return p == null ? null : List.of(p);
	}

	private Pixels firstPixels(NodeProto n) {
		for (String i : n.getInputList())
			if (pixels.containsKey(i)) return pixels.get(i);
		return fallback(n);
	}

	/** {@code from, from + 1, ..., rank - 1} (negative {@code from} counts from the end). */
	private static double[] from(long from, int rank) {
		if (rank < 0) return null;
		int start = (int) (from < 0 ? from + rank : from);
		double[] a = new double[Math.max(0, rank - start)];
		for (int i = 0; i < a.length; i++)
			a[i] = start + i;
		return a;
	}

	/** An axis number made non-negative, or -1 when it cannot be. */
	static int axis(double axis, int rank) {
		if (rank < 0) return axis >= 0 ? (int) axis : -1;
		int a = (int) (axis < 0 ? axis + rank : axis);
		return a >= 0 && a < rank ? a : -1;
	}

	/** "y", "x" or "y and x": which of {@code which} are the image's axes. */
	private static String names(List<Axis> axes, double[] which) {
		boolean y = false, x = false;
		for (double d : which) {
			int a = axis(d, axes.size());
			y |= a >= 0 && axes.get(a).role() == Role.Y;
			x |= a >= 0 && axes.get(a).role() == Role.X;
		}
		return y && x ? "y and x" : y ? "y" : x ? "x" : "";
	}

	/** Whether any of {@code which} is y or x, or cannot be told. */
	private static boolean touchesSpace(Pixels in, double[] which) {
		if (in.axes() == null || which == null) return true;
		for (double d : which) {
			int a = axis(d, in.rank());
			if (a < 0 || in.axes().get(a).role().isSpatial()) return true;
		}
		return false;
	}

	/**
	 * A node that combines values across {@code which} axes: a breaker when one of them is y or x;
	 * otherwise those axes keep length 1 ({@code keep}) or go.
	 */
	private Pixels reduceAxes(NodeProto n, Pixels in, double[] which, boolean keep, String what) {
		if (touchesSpace(in, which)) {
			String axes = in.axes() == null || which == null ? "" : names(in.axes(), which);
			String where = axes.isEmpty() ? "axes that may hold image positions" : "the image's " + axes + (axes
				.contains(" and ") ? " axes" : " axis") + ", which a tile sees only part of";
			breaks(n, what + " " + where);
			return null;
		}
		List<Axis> out = new ArrayList<>();
		Set<Integer> gone = new HashSet<>();
		for (double d : which)
			gone.add(axis(d, in.rank()));
		for (int i = 0; i < in.rank(); i++) {
			if (!gone.contains(i)) out.add(in.axes().get(i));
			else if (keep) out.add(new Axis(Role.OTHER, Extent.ONE, 1));
		}
		return in.with(out);
	}

	private Pixels reduce(NodeProto n, Pixels in) {
		double[] axes = attrInts(n, "axes");
		boolean dynamic = false;
		if (axes == null && n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
			axes = known.numbers(n.getInput(1));
			dynamic = axes == null;
		}
		if (!dynamic && axes == null || axes != null && axes.length == 0) {
			if (attrInt(n, "noop_with_empty_axes", 0) != 0) return in;
			axes = from(0, in.rank());
		}
		return reduceAxes(n, in, axes, attrInt(n, "keepdims", 1) != 0, "reduces over");
	}

	private Pixels softmax(NodeProto n, Pixels in) {
		long axis = attrInt(n, "axis", opset < 13 ? 1 : -1);
		double[] over = opset < 13 ? from(axis, in.rank()) : new double[] { axis };
		return reduceAxes(n, in, over, true, "normalises across");
	}

	/**
	 * Numpy broadcasting over the first {@code count} inputs: axes line up from the right. Image
	 * inputs must agree on which axis is y and which x; a constant that varies along y or x makes
	 * the result depend on where a pixel lies, and a value computed from image shapes on the image's
	 * size.
	 */
	private Pixels broadcast(NodeProto n, int count) {
		Pixels widest = null;
		double halo = 0;
		for (int i = 0; i < Math.min(count, n.getInputCount()); i++) {
			Pixels p = pixels.get(n.getInput(i));
			if (p == null) continue;
			halo = Math.max(halo, p.halo());
			if (p.axes() != null && (widest == null || p.rank() > widest.rank())) widest = p;
		}
		if (widest == null) {
			notUnderstood(n, "combines tensors whose axes are not known");
			return null;
		}
		int rank = widest.rank();
		List<Axis> out = new ArrayList<>(widest.axes());
		for (int i = 0; i < Math.min(count, n.getInputCount()); i++) {
			String name = n.getInput(i);
			if (name.isEmpty()) continue;
			Pixels p = pixels.get(name);
			if (p != null) {
				if (p.axes() == null) continue; // downstream of a breaker: blamed there
				for (int k = 0; k < p.rank(); k++) {
					int o = rank - p.rank() + k;
					Axis a = p.axes().get(k), b = out.get(o);
					if (a.role() == b.role() || isOne(a.size()) || isOne(b.size())) {
						if (isOne(b.size()) && !isOne(a.size())) out.set(o, a);
						continue;
					}
					breaks(n, "combines tensors whose image axes do not line up");
					return null;
				}
			}
			else if (known.isSize(name)) {
				breaks(n, "uses the image size as a value (computed by Shape or Size), so tiles of other sizes " +
					"compute other values");
				return null;
			}
			else {
				long[] shape = known.shape(name);
				if (shape == null) continue;
				for (int k = 0; k < shape.length; k++) {
					int o = rank - shape.length + k;
					if (o >= 0 && shape[k] > 1 && out.get(o).role().isSpatial()) {
						breaks(n, "applies a constant that varies along the image's " + (out.get(o).role() == Role.Y ? "y"
							: "x") + " axis, so the result depends on where a pixel lies");
						return null;
					}
				}
			}
		}
		return new Pixels(out, halo, widest.jump(), widest.tainted());
	}

	private static boolean isOne(Extent e) {
		return e.isConstant() && e.value() == 1;
	}

	/**
	 * Operators with parameters per channel (BatchNormalization, per-axis quantisation) or a window
	 * across channels (LRN): pointwise as long as that axis is not y or x.
	 */
	private Pixels perChannel(NodeProto n, String op) {
		Pixels in = pixels.get(n.getInput(0));
		if (in == null) in = firstPixels(n);
		if (op.equals("BatchNormalization") && attrInt(n, "training_mode", 0) != 0) {
			breaks(n, "computes batch statistics over the whole tensor (training mode)");
			return null;
		}
		for (int i = 1; i < n.getInputCount(); i++) {
			if (known.isSize(n.getInput(i))) {
				breaks(n, "uses the image size as a value (computed by Shape or Size)");
				return null;
			}
			if (pixels.containsKey(n.getInput(i)) && !pixels.get(n.getInput(i)).tainted()) {
				breaks(n, "takes its parameters from the image");
				return null;
			}
		}
		long axis = op.equals("BatchNormalization") || op.equals("LRN") ? 1 : attrInt(n, "axis", 1);
		boolean perAxis = op.equals("BatchNormalization") || op.equals("LRN");
		for (int i = 1; !perAxis && i < n.getInputCount(); i++) {
			long[] s = known.shape(n.getInput(i));
			perAxis |= s != null && s.length == 1 && s[0] > 1;
		}
		if (perAxis && touchesSpace(in, new double[] { axis })) {
			breaks(n, "has parameters along the image's " + (in.axes() == null ? "unknown" : names(in.axes(),
				new double[] { axis })) + " axis, so the result depends on where a pixel lies");
			return null;
		}
		return in;
	}

	// ---- windows, resizing, padding ----

	private List<Pixels> windowed(NodeProto n) {
		String op = n.getOpType();
		Pixels in = pixels.get(n.getInput(0));
		if (in == null) {
			breaks(n, "its weights are computed from the image");
			return null;
		}
		for (int i = 1; i < n.getInputCount(); i++) {
			String name = n.getInput(i);
			if (known.isSize(name)) {
				breaks(n, "uses the image size as a value (computed by Shape or Size)");
				return null;
			}
			if (pixels.containsKey(name) && !pixels.get(name).tainted()) {
				breaks(n, "its weights are computed from the image");
				return null;
			}
		}
		if (op.equals("MaxPool") && n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) breaks(n,
			"its second output gives the positions of the maxima in the whole tensor");
		if (in.axes() == null) {
			notUnderstood(n, "runs on a tensor whose axes are not known");
			return null;
		}
		int rank = in.rank();
		if (rank < 3 || in.axes().get(0).role().isSpatial() || in.axes().get(1).role().isSpatial()) {
			breaks(n, "sums over an axis that holds image positions");
			return null;
		}
		String weight = op.equals("QLinearConv") ? n.getInputCount() > 3 ? n.getInput(3) : "" : n.getInputCount() > 1
			? n.getInput(1) : "";
		double[] kernel = attrInts(n, "kernel_shape");
		if (kernel == null && !weight.isEmpty() && known.shape(weight) != null) {
			long[] w = known.shape(weight);
			kernel = Arrays.stream(w, 2, w.length).mapToDouble(d -> d).toArray();
		}
		int dims = rank - 2;
		if (kernel == null || kernel.length != dims) {
			notUnderstood(n, "its kernel size is not known");
			return null;
		}
		boolean transposed = op.equals("ConvTranspose");
		double[] strides = orDefault(attrInts(n, "strides"), dims, 1);
		double[] dilations = orDefault(attrInts(n, "dilations"), dims, 1);
		double[] pads = orDefault(attrInts(n, "pads"), 2 * dims, 0);
		double[] outputPadding = orDefault(attrInts(n, "output_padding"), dims, 0);
		String autoPad = attrString(n, "auto_pad", "NOTSET");
		boolean ceil = attrInt(n, "ceil_mode", 0) != 0;
		List<Axis> out = new ArrayList<>(in.axes());
		if (transposed || op.equals("Conv") || op.equals("ConvInteger") || op.equals("QLinearConv")) {
			long[] w = weight.isEmpty() ? null : known.shape(weight);
			long group = attrInt(n, "group", 1);
			out.set(1, new Axis(Role.OTHER, w == null || w.length < 2 ? Extent.UNKNOWN : Extent.of(transposed ? w[1]
				* group : w[0]), 1));
		}
		double reachJump = 0;
		for (int i = 0; i < dims; i++) {
			Axis a = in.axes().get(i + 2);
			long span = (long) (dilations[i] * (kernel[i] - 1));
			double begin = autoPad.startsWith("SAME") ? Math.floor(span / 2.0) : autoPad.equals("VALID") ? 0 : pads[i];
			double end = autoPad.startsWith("SAME") ? span - begin : autoPad.equals("VALID") ? 0 : pads[i + dims];
			long s = (long) strides[i];
			Extent size;
			if (transposed) size = !a.size().isInteger() || autoPad.startsWith("SAME") ? a.size().times(Extent.of(s))
				: Extent.of((a.size().num() - 1) * s + span + 1 + (long) (outputPadding[i] - begin - end));
			else if (autoPad.startsWith("SAME")) size = a.size().isInteger() ? Extent.of(-Math.floorDiv(-a.size().num(), s))
				: a.size().dividedBy(Extent.of(s));
			else size = a.size().window((long) (begin + end), span, s, ceil);
			double reach = transposed ? Math.ceil(Math.max(begin, span - begin) / s) : Math.max(begin, span - begin);
			reachJump = Math.max(reachJump, a.jump() * reach);
			out.set(i + 2, new Axis(a.role(), size, transposed ? a.jump() / s : a.jump() * s));
		}
		double[] shapeOut = attrInts(n, "output_shape");
		if (transposed && shapeOut != null && shapeOut.length == dims) for (int i = 0; i < dims; i++)
			out.set(i + 2, out.get(i + 2).withSize(Extent.of((long) shapeOut[i])));
		Pixels p = in.with(out, in.halo() + reachJump);
		return op.equals("MaxPool") ? List.of(p, new Pixels(out, p.halo(), p.jump(), true)) : List.of(p);
	}

	private Pixels resize(NodeProto n, Pixels in) {
		String mode = attrString(n, "mode", "nearest");
		String coordinates = attrString(n, "coordinate_transformation_mode", "half_pixel");
		if (n.getOpType().equals("Upsample") || opset < 11) coordinates = "asymmetric";
		if (coordinates.equals("align_corners")) {
			breaks(n, "aligns corners, which maps each output pixel by the whole image's size");
			return null;
		}
		if (coordinates.equals("tf_crop_and_resize")) {
			breaks(n, "crops a region given in coordinates of the whole image");
			return null;
		}
		if (in.axes() == null) {
			notUnderstood(n, "resizes a tensor whose axes are not known");
			return null;
		}
		int rank = in.rank();
		double[] scales = null;
		List<Extent> targets = null;
		if (n.getOpType().equals("Upsample") && opset < 9) scales = attrFloats(n, "scales");
		else if (n.getOpType().equals("Upsample") || n.getInputCount() == 2) scales = n.getInputCount() > 1 ? known.numbers(n
			.getInput(1)) : null;
		else {
			if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) scales = known.numbers(n.getInput(2));
			if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) targets = known.values(n.getInput(3));
		}
		for (int i = 1; i < n.getInputCount(); i++)
			if (pixels.containsKey(n.getInput(i)) && !pixels.get(n.getInput(i)).tainted()) {
				breaks(n, "its scale is computed from image values");
				return null;
			}
		double[] axesAttr = attrInts(n, "axes");
		int[] axes = new int[axesAttr == null ? rank : axesAttr.length];
		for (int i = 0; i < axes.length; i++)
			axes[i] = axesAttr == null ? i : axis(axesAttr[i], rank);
		if (scales != null && scales.length == 0) scales = null;
		if (scales == null && targets == null || scales != null && scales.length != axes.length || targets != null
			&& targets.size() != axes.length)
		{
			notUnderstood(n, "its scale factor is not a constant");
			return null;
		}
		boolean antialias = attrInt(n, "antialias", 0) != 0;
		double neighbours = mode.equals("cubic") ? 2 : mode.equals("nearest") ? 0 : 1;
		List<Axis> out = new ArrayList<>(in.axes());
		double haloAdd = 0;
		for (int i = 0; i < axes.length; i++) {
			if (axes[i] < 0) {
				notUnderstood(n, "resizes an axis the tensor does not have");
				return null;
			}
			Axis a = in.axes().get(axes[i]);
			Extent factor;
			Extent size;
			if (targets != null) {
				size = targets.get(i);
				factor = size.dividedBy(a.size());
			}
			else {
				factor = Extent.ratio(scales[i]);
				size = a.size().isInteger() ? Extent.of((long) Math.floor(a.size().num() * scales[i] + 1e-9)) : a.size()
					.times(factor);
			}
			if (!a.role().isSpatial() && (!factor.isConstant() || factor.value() == 1)) {
				if (a.role() == Role.BATCH && factor.isConstant()) continue;
				if (a.role() == Role.OTHER) out.set(axes[i], a.withSize(size));
				continue;
			}
			if (!factor.isConstant() || !(factor.value() > 0)) {
				notUnderstood(n, "its scale factor along the image's " + (a.role() == Role.Y ? "y" : a.role() == Role.X
					? "x" : "batch") + " axis is not a constant");
				return null;
			}
			double f = factor.value();
			if (a.role() == Role.BATCH) {
				breaks(n, "resizes the batch axis, mixing tiles");
				return null;
			}
			if (a.role().isSpatial()) haloAdd = Math.max(haloAdd, a.jump() * neighbours * (antialias && f < 1 ? 1 / f
				: 1));
			out.set(axes[i], new Axis(a.role(), size, a.role().isSpatial() ? a.jump() / f : 1));
		}
		return in.with(out, in.halo() + haloAdd);
	}

	private Pixels depthToSpace(NodeProto n, Pixels in, boolean toSpace) {
		long b = attrInt(n, "blocksize", 1);
		if (in.rank() != 4 || in.axes().get(1).role().isSpatial() || in.axes().get(2).role() != Role.Y || in.axes()
			.get(3).role() != Role.X)
		{
			notUnderstood(n, "moves blocks between axes that are not channels, y and x");
			return null;
		}
		List<Axis> a = in.axes(), out = new ArrayList<>(a);
		Extent bb = Extent.of(b * b);
		out.set(1, a.get(1).withSize(toSpace ? a.get(1).size().dividedBy(bb) : a.get(1).size().times(bb)));
		for (int i = 2; i < 4; i++) {
			Axis s = a.get(i);
			out.set(i, toSpace ? new Axis(s.role(), s.size().times(Extent.of(b)), s.jump() / b) : new Axis(s.role(), s
				.size().dividedBy(Extent.of(b)), s.jump() * b));
		}
		double halo = toSpace ? in.halo() : in.halo() + in.jump() * (b - 1);
		return in.with(out, halo);
	}

	private Pixels pad(NodeProto n, Pixels in) {
		double[] pads = n.getInputCount() > 1 ? known.numbers(n.getInput(1)) : attrInts(n, "pads");
		if (n.getInputCount() > 1 && known.isSize(n.getInput(1))) {
			breaks(n, "pads by amounts computed from the image size");
			return null;
		}
		if (pads == null || in.axes() == null) {
			notUnderstood(n, "its pad amounts are not constants");
			return null;
		}
		String mode = attrString(n, "mode", "constant");
		int rank = in.rank();
		int[] axes;
		if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
			double[] listed = known.numbers(n.getInput(3));
			if (listed == null) {
				notUnderstood(n, "the axes it pads are not constants");
				return null;
			}
			axes = Arrays.stream(listed).mapToInt(d -> axis(d, rank)).toArray();
		}
		else axes = java.util.stream.IntStream.range(0, rank).toArray();
		if (pads.length != 2 * axes.length) {
			notUnderstood(n, "its pad amounts do not match its axes");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes());
		double reach = 0;
		for (int i = 0; i < axes.length; i++) {
			double begin = pads[i], end = pads[i + axes.length];
			if (begin == 0 && end == 0) continue;
			if (axes[i] < 0) {
				notUnderstood(n, "pads an axis the tensor does not have");
				return null;
			}
			Axis a = in.axes().get(axes[i]);
			if (a.role().isSpatial()) {
				if (mode.equals("wrap")) {
					breaks(n, "wraps the image around, putting one border next to the other");
					return null;
				}
				reach = Math.max(reach, a.jump() * Math.max(Math.abs(begin), Math.abs(end)));
			}
			else if (a.role() == Role.BATCH) {
				breaks(n, "pads the batch axis");
				return null;
			}
			out.set(axes[i], a.withSize(a.size().plus((long) (begin + end))));
		}
		return in.with(out, in.halo() + reach);
	}

	// ---- moving axes ----

	private List<Extent> targetShape(NodeProto n) {
		if (n.getInputCount() > 1) return known.values(n.getInput(1));
		double[] s = attrInts(n, "shape");
		if (s == null) return null;
		List<Extent> r = new ArrayList<>();
		for (double d : s)
			r.add(Extent.of((long) d));
		return r;
	}

	/**
	 * A Reshape keeps every pixel local when it only splits a spatial axis into it and smaller
	 * steps after it, or merges such steps back (pixel shuffles, space-to-depth), and leaves y and x
	 * apart and apart from the batch. The axes are lined up in groups of equal total length.
	 */
	private Pixels reshape(NodeProto n, Pixels in, List<Extent> target) {
		boolean literal = n.getInputCount() < 2 || !known.isSize(n.getInput(1));
		if (n.getInputCount() > 1 && pixels.containsKey(n.getInput(1))) {
			breaks(n, "takes its shape from image values");
			return null;
		}
		if (in.axes() == null || target == null) {
			notUnderstood(n, "reshapes image data to a shape that is not known");
			return null;
		}
		List<Axis> a = in.axes();
		boolean allowZero = attrInt(n, "allowzero", 0) != 0;
		List<Extent> t = new ArrayList<>(target);
		int inferred = -1;
		for (int i = 0; i < t.size(); i++) {
			Extent e = t.get(i);
			if (e.isInteger() && e.num() == 0 && !allowZero) t.set(i, i < a.size() ? a.get(i).size() : Extent.UNKNOWN);
			else if (e.isInteger() && e.num() == -1) {
				if (inferred >= 0) return shapeNotUnderstood(n);
				inferred = i;
			}
		}
		if (inferred >= 0) {
			Extent total = Extent.ONE, known = Extent.ONE;
			for (Axis x : a)
				total = total.times(x.size());
			for (int i = 0; i < t.size(); i++)
				if (i != inferred) known = known.times(t.get(i));
			t.set(inferred, total.dividedBy(known));
		}
		for (Extent e : t)
			if (!e.isKnown()) return shapeNotUnderstood(n);
		for (Axis x : a)
			if (!x.size().isKnown()) return shapeNotUnderstood(n);
		Axis[] out = new Axis[t.size()];
		double halo = in.halo();
		int i = 0, j = 0;
		while (i < a.size() || j < t.size()) {
			if (i < a.size() && isOne(a.get(i).size())) {
				i++;
				continue;
			}
			if (j < t.size() && isOne(t.get(j))) {
				out[j++] = new Axis(Role.OTHER, Extent.ONE, 1);
				continue;
			}
			if (i >= a.size() || j >= t.size()) return shapeNotUnderstood(n);
			int i0 = i, j0 = j;
			Extent pin = a.get(i++).size(), pout = t.get(j++);
			while (!pin.equals(pout)) {
				if (pin.isSmallerThan(pout)) {
					if (i >= a.size()) return shapeNotUnderstood(n);
					pin = pin.times(a.get(i++).size());
				}
				else {
					if (j >= t.size()) return shapeNotUnderstood(n);
					pout = pout.times(t.get(j++));
				}
			}
			// the group in[i0, i) <-> out[j0, j), unit axes inside it included
			List<Axis> group = new ArrayList<>();
			for (int k = i0; k < i; k++)
				if (!isOne(a.get(k).size())) group.add(a.get(k));
			long spatial = group.stream().filter(x -> x.role().isSpatial()).count();
			boolean batch = group.stream().anyMatch(x -> x.role() == Role.BATCH);
			int firstOut = j0;
			while (firstOut < j && isOne(t.get(firstOut))) firstOut++;
			for (int k = j0; k < j; k++)
				out[k] = new Axis(Role.OTHER, t.get(k), 1);
			if (spatial == 0) {
				if (batch && group.size() > 1) {
					breaks(n, "merges the batch axis with other axes, mixing tiles");
					return null;
				}
				if (batch) out[firstOut] = new Axis(Role.BATCH, t.get(firstOut), 1);
				continue;
			}
			if (spatial > 1) {
				breaks(n, "merges the image's y and x axes into one");
				return null;
			}
			if (batch) {
				breaks(n, "merges image positions into the batch axis");
				return null;
			}
			Axis s = group.get(0);
			if (!s.role().isSpatial()) {
				breaks(n, "moves image positions into other axes (a spatial axis is not the outer one of those " +
					"it merges or splits)");
				return null;
			}
			Extent innerIn = Extent.ONE, innerOut = Extent.ONE;
			for (int k = 1; k < group.size(); k++)
				innerIn = innerIn.times(group.get(k).size());
			for (int k = firstOut + 1; k < j; k++)
				innerOut = innerOut.times(t.get(k));
			if (!innerIn.isConstant() || !innerOut.isConstant()) {
				breaks(n, "moves image positions into other axes");
				return null;
			}
			double step = innerOut.value() / innerIn.value();
			out[firstOut] = new Axis(s.role(), t.get(firstOut), s.jump() * step);
			if (step > 1) halo = Math.max(halo, in.halo() + s.jump() * (step - 1));
			fixedReshape |= literal && target.get(firstOut).isInteger() && target.get(firstOut).num() > 0;
		}
		return in.with(Arrays.asList(out), halo);
	}

	private Pixels shapeNotUnderstood(NodeProto n) {
		notUnderstood(n, "reshapes image data in a way fiji-gan cannot line up with the image's axes");
		return null;
	}

	private Pixels flatten(NodeProto n, Pixels in) {
		if (in.axes() == null) {
			notUnderstood(n, "flattens a tensor whose axes are not known");
			return null;
		}
		int a = axis(attrInt(n, "axis", 1), in.rank() + 1);
		Extent outer = Extent.ONE, inner = Extent.ONE;
		for (int i = 0; i < in.rank(); i++)
			if (i < a) outer = outer.times(in.axes().get(i).size());
			else inner = inner.times(in.axes().get(i).size());
		return reshape(n, in, List.of(outer, inner));
	}

	private Pixels transpose(NodeProto n, Pixels in) {
		if (in.axes() == null) return in;
		double[] perm = attrInts(n, "perm");
		List<Axis> out = new ArrayList<>();
		for (int i = 0; i < in.rank(); i++) {
			int from = perm == null ? in.rank() - 1 - i : axis(perm[i], in.rank());
			if (from < 0) {
				notUnderstood(n, "its permutation does not fit the tensor");
				return null;
			}
			out.add(in.axes().get(from));
		}
		return in.with(out);
	}

	private Pixels squeeze(NodeProto n, Pixels in, boolean unsqueeze) {
		double[] axes = n.getInputCount() > 1 ? known.numbers(n.getInput(1)) : attrInts(n, "axes");
		if (in.axes() == null) return new Pixels(null, in.halo(), in.jump(), in.tainted());
		List<Axis> out = new ArrayList<>(in.axes());
		if (unsqueeze) {
			if (axes == null) {
				notUnderstood(n, "the axes it inserts are not constants");
				return null;
			}
			int rank = in.rank() + axes.length;
			int[] at = Arrays.stream(axes).mapToInt(d -> axis(d, rank)).sorted().toArray();
			for (int k : at)
				if (k < 0 || k > out.size()) {
					notUnderstood(n, "inserts an axis the tensor cannot have");
					return null;
				}
				else out.add(k, new Axis(Role.OTHER, Extent.ONE, 1));
			return in.with(out);
		}
		Set<Integer> gone = new HashSet<>();
		if (axes == null) {
			for (int i = 0; i < out.size(); i++) {
				Extent s = out.get(i).size();
				if (!s.isKnown()) {
					notUnderstood(n, "the axes it removes are not known");
					return null;
				}
				if (isOne(s)) gone.add(i);
			}
		}
		else for (double d : axes)
			gone.add(axis(d, in.rank()));
		List<Axis> kept = new ArrayList<>();
		for (int i = 0; i < out.size(); i++) {
			if (!gone.contains(i)) kept.add(out.get(i));
			else if (out.get(i).role().isSpatial()) {
				breaks(n, "removes the image's " + (out.get(i).role() == Role.Y ? "y" : "x") + " axis");
				return null;
			}
		}
		return in.with(kept);
	}

	private Pixels concat(NodeProto n) {
		Pixels first = null;
		for (String i : n.getInputList())
			if (pixels.containsKey(i) && (first == null || first.axes() == null)) first = pixels.get(i);
		if (first.axes() == null) return null;
		int a = axis(attrInt(n, "axis", 0), first.rank());
		if (a < 0) {
			notUnderstood(n, "joins along an axis the tensor does not have");
			return null;
		}
		if (first.axes().get(a).role().isSpatial()) {
			breaks(n, "joins tensors along the image's " + (first.axes().get(a).role() == Role.Y ? "y" : "x") +
				" axis, so where each lies depends on the tile's size");
			return null;
		}
		Extent total = Extent.of(0);
		double halo = 0;
		for (String name : n.getInputList()) {
			Pixels p = pixels.get(name);
			if (p != null) {
				halo = Math.max(halo, p.halo());
				if (p.axes() == null || p.rank() != first.rank()) {
					notUnderstood(n, "joins tensors whose axes are not known");
					return null;
				}
				for (int k = 0; k < p.rank(); k++)
					if (k != a && p.axes().get(k).role() != first.axes().get(k).role()) {
						breaks(n, "joins tensors whose image axes do not line up");
						return null;
					}
				total = total.plus(p.axes().get(a).size());
			}
			else if (known.isSize(name)) {
				breaks(n, "joins values computed from the image size (Shape or Size) to image data");
				return null;
			}
			else {
				long[] shape = known.shape(name);
				if (shape != null && shape.length == first.rank()) {
					for (int k = 0; k < shape.length; k++)
						if (k != a && shape[k] > 1 && first.axes().get(k).role().isSpatial()) {
							breaks(n, "joins a constant that varies along the image's " + (first.axes().get(k).role() == Role.Y
								? "y" : "x") + " axis, so the result depends on where a pixel lies");
							return null;
						}
					total = total.plus(Extent.of(shape[a]));
				}
				else total = Extent.UNKNOWN;
			}
		}
		List<Axis> out = new ArrayList<>(first.axes());
		out.set(a, out.get(a).withSize(total));
		return first.with(out, halo);
	}

	private List<Pixels> split(NodeProto n, Pixels in) {
		if (in.axes() == null) {
			notUnderstood(n, "splits a tensor whose axes are not known");
			return null;
		}
		int a = axis(attrInt(n, "axis", 0), in.rank());
		if (a < 0 || in.axes().get(a).role().isSpatial()) {
			breaks(n, "splits the image along a spatial axis, at places that depend on the tile's size");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes());
		out.set(a, out.get(a).withSize(Extent.UNKNOWN));
		return List.of(in.with(out));
	}

	private Pixels slice(NodeProto n, Pixels in) {
		boolean inputs = opset >= 10;
		double[] starts = inputs ? n.getInputCount() > 1 ? known.numbers(n.getInput(1)) : null : attrInts(n, "starts");
		double[] ends = inputs ? n.getInputCount() > 2 ? known.numbers(n.getInput(2)) : null : attrInts(n, "ends");
		double[] axes = inputs ? n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? known.numbers(n.getInput(3)) : null
			: attrInts(n, "axes");
		double[] steps = inputs && n.getInputCount() > 4 && !n.getInput(4).isEmpty() ? known.numbers(n.getInput(4)) : null;
		boolean axesGiven = inputs ? n.getInputCount() > 3 && !n.getInput(3).isEmpty() : attr(n, "axes") != null;
		for (int i = 1; i < n.getInputCount(); i++)
			if (known.isSize(n.getInput(i))) {
				breaks(n, "crops by amounts computed from the image size");
				return null;
			}
		if (starts == null || ends == null || axesGiven && axes == null || in.axes() == null || starts.length != ends
			.length)
		{
			notUnderstood(n, "its crop is not given by constants");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes());
		for (int i = 0; i < starts.length; i++) {
			int a = axis(axes == null ? i : axes[i], in.rank());
			double step = steps == null ? 1 : steps[i];
			if (a < 0) {
				notUnderstood(n, "crops an axis the tensor does not have");
				return null;
			}
			Axis x = in.axes().get(a);
			boolean whole = step == 1 && starts[i] == 0 && ends[i] >= Integer.MAX_VALUE;
			if (whole) continue;
			if (x.role().isSpatial()) {
				breaks(n, "crops or flips the image's " + (x.role() == Role.Y ? "y" : "x") +
					" axis, which a tile's borders change");
				return null;
			}
			if (x.role() == Role.BATCH) {
				breaks(n, "picks from the batch axis, mixing tiles");
				return null;
			}
			Extent size = Extent.UNKNOWN;
			if (x.size().isInteger() && step != 0) {
				long len = x.size().num();
				long s = (long) Math.max(0, Math.min(len, starts[i] < 0 ? starts[i] + len : starts[i]));
				long e = (long) Math.max(0, Math.min(len, ends[i] < 0 ? ends[i] + len : ends[i]));
				if (step > 0) size = Extent.of(Math.max(0, -Math.floorDiv(s - e, (long) step)));
			}
			out.set(a, x.withSize(size));
		}
		return in.with(out);
	}

	private Pixels expand(NodeProto n, Pixels in) {
		if (n.getInputCount() > 1 && pixels.containsKey(n.getInput(1)) && !pixels.get(n.getInput(1)).tainted()) {
			breaks(n, "takes its shape from image values");
			return null;
		}
		if (!pixels.containsKey(n.getInput(0))) return new Pixels(null, in.halo(), in.jump(), true);
		List<Extent> shape = n.getInputCount() > 1 ? known.values(n.getInput(1)) : null;
		if (in.axes() == null || shape == null) {
			notUnderstood(n, "expands to a shape that is not known");
			return null;
		}
		int rank = Math.max(in.rank(), shape.size());
		List<Axis> out = new ArrayList<>();
		for (int i = 0; i < rank; i++) {
			int k = i - (rank - in.rank()), s = i - (rank - shape.size());
			Axis a = k >= 0 ? in.axes().get(k) : new Axis(Role.OTHER, Extent.ONE, 1);
			Extent to = s >= 0 ? shape.get(s) : Extent.ONE;
			if (isOne(a.size()) && !isOne(to)) {
				if (a.role().isSpatial()) {
					breaks(n, "repeats one value across the image's " + (a.role() == Role.Y ? "y" : "x") + " axis");
					return null;
				}
				a = new Axis(Role.OTHER, to, 1);
			}
			out.add(a);
		}
		return in.with(out);
	}

	private Pixels tile(NodeProto n, Pixels in) {
		double[] repeats = n.getInputCount() > 1 ? known.numbers(n.getInput(1)) : null;
		if (repeats == null || in.axes() == null || repeats.length != in.rank()) {
			notUnderstood(n, "its repeats are not constants");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes());
		for (int i = 0; i < repeats.length; i++) {
			if (repeats[i] == 1) continue;
			Axis a = in.axes().get(i);
			if (a.role().isSpatial() || a.role() == Role.BATCH) {
				breaks(n, "repeats the image along its " + (a.role() == Role.Y ? "y" : a.role() == Role.X ? "x" : "batch")
					+ " axis");
				return null;
			}
			out.set(i, a.withSize(a.size().times(Extent.of((long) repeats[i]))));
		}
		return in.with(out);
	}

	private Pixels gather(NodeProto n, Pixels in) {
		if (!pixels.containsKey(n.getInput(0)) || in.axes() == null) {
			breaks(n, "looks values up at positions computed from the image");
			return null;
		}
		int a = axis(attrInt(n, "axis", 0), in.rank());
		if (a < 0 || in.axes().get(a).role().isSpatial() || in.axes().get(a).role() == Role.BATCH) {
			breaks(n, "picks fixed positions of the image, which a tile's borders change");
			return null;
		}
		long[] indices = n.getInputCount() > 1 ? known.shape(n.getInput(1)) : null;
		if (indices == null) {
			notUnderstood(n, "its indices are not constants");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes().subList(0, a));
		for (long d : indices)
			out.add(new Axis(Role.OTHER, Extent.of(d), 1));
		out.addAll(in.axes().subList(a + 1, in.rank()));
		return in.with(out);
	}

	private void shape(NodeProto n, Pixels in, boolean size) {
		List<Extent> values = null;
		if (in.axes() != null) {
			List<Extent> all = in.axes().stream().map(Axis::size).toList();
			if (size) {
				Extent total = Extent.ONE;
				for (Extent e : all)
					total = total.times(e);
				values = List.of(total);
			}
			else {
				int start = axis(attrInt(n, "start", 0), all.size() + 1);
				long endAttr = attrInt(n, "end", all.size());
				int end = (int) Math.max(0, Math.min(all.size(), endAttr < 0 ? endAttr + all.size() : endAttr));
				values = start >= 0 && start <= end ? all.subList(start, end) : null;
			}
		}
		for (String o : n.getOutputList())
			if (!o.isEmpty()) known.putSize(o, values);
	}

	/**
	 * Matrix products: the axis summed over (A's last, B's second last) must not be y or x, and two
	 * tensors of image data multiplied together compare every position with every other.
	 */
	private Pixels matMul(NodeProto n, String op) {
		int ia = 0, ib = op.equals("QLinearMatMul") ? 3 : 1;
		Pixels a = pixels.get(n.getInput(ia)), b = n.getInputCount() > ib ? pixels.get(n.getInput(ib)) : null;
		for (int i = 0; i < n.getInputCount(); i++)
			if (known.isSize(n.getInput(i))) {
				breaks(n, "uses the image size as a value (computed by Shape or Size)");
				return null;
			}
		if (a != null && b != null) {
			breaks(n, "multiplies two tensors of image data, relating every position to every other");
			return null;
		}
		Pixels p = a != null ? a : b;
		if (p == null || p.axes() == null) {
			notUnderstood(n, "multiplies a tensor whose axes are not known");
			return null;
		}
		boolean isA = a != null, gemm = op.equals("Gemm");
		int rank = p.rank();
		boolean transposed = gemm && attrInt(n, isA ? "transA" : "transB", 0) != 0;
		int summed = rank == 1 ? 0 : isA == transposed ? rank - 2 : rank - 1;
		Role role = p.axes().get(summed).role();
		if (role != Role.OTHER) {
			breaks(n, "sums over the image's " + (role == Role.Y ? "y" : role == Role.X ? "x" : "batch") +
				" axis (a product over flattened image positions)");
			return null;
		}
		if (rank == 1) return p.with(List.of());
		long[] other = known.shape(n.getInput(isA ? ib : ia));
		Extent free = Extent.UNKNOWN; // the other matrix's axis that is not summed over
		if (other != null && other.length >= 2) {
			boolean otherTransposed = gemm && attrInt(n, isA ? "transB" : "transA", 0) != 0;
			free = Extent.of(other[isA != otherTransposed ? other.length - 1 : other.length - 2]);
			for (int k = 0; k < other.length - 2; k++) {
				int o = rank - other.length + k;
				if (o >= 0 && o < rank - 2 && other[k] > 1 && p.axes().get(o).role().isSpatial()) {
					breaks(n, "multiplies by a constant that varies along image positions");
					return null;
				}
			}
		}
		Axis kept = p.axes().get(summed == rank - 1 ? rank - 2 : rank - 1), made = new Axis(Role.OTHER, free, 1);
		List<Axis> out = new ArrayList<>(p.axes().subList(0, rank - 2));
		out.add(isA ? kept : made);
		out.add(isA ? made : kept);
		return p.with(out);
	}
}
