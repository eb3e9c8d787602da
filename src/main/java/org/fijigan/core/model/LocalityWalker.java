
package org.fijigan.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.model.ImageAxes.Axis;
import org.fijigan.core.model.ImageAxes.Pixels;
import org.fijigan.core.model.ImageAxes.Role;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Decides, node by node, whether a tiled run gives exactly what a whole-image
 * run gives, and estimates the receptive field on the way; the rules are those
 * {@link OnnxGraphInfo} documents. The nodes are walked once in file order
 * (topological in a valid graph), calls of model-local functions inlined. Every
 * tensor computed from an image input carries, per axis, its role (batch, y, x
 * or other), its length ({@link Extent}) and its jump (input pixels per step),
 * and the halo of the whole tensor; a tensor computed from image shapes alone
 * carries its values as lengths. A node whose output at a pixel may depend on
 * input pixels outside its window is a <em>breaker</em>, named with the reason;
 * what follows a breaker is walked on but not blamed again. One walker analyses
 * one graph, in its constructor.
 * <p>
 * This class is the walk itself: the order of nodes, inlining of functions,
 * which tensors carry image data, and who is blamed. What a tensor carries is
 * {@link ImageAxes}; what each operator does to it is {@link OperatorTable} and
 * the rule families it dispatches to.
 */
final class LocalityWalker {

	private static final int MAX_FUNCTION_DEPTH = 16;

	private final Map<String, Pixels> pixels = new HashMap<>();
	private final KnownValues known = new KnownValues();
	private final Map<String, FunctionProto> functions = new HashMap<>();
	private final Set<String> notes = new LinkedHashSet<>();
	private final List<String> breakers = new ArrayList<>();
	private long opset;
	private boolean guessed;
	private boolean fixedReshape;
	/**
	 * The first node that reads the input's layout as impossible, with why; null
	 * where none does.
	 */
	private String layoutConflict;
	/**
	 * The least common multiple of the whole-number jumps (above 1) along y and x
	 * of the tensors met: the grid every strided layer samples on.
	 */
	private long stride = 1;
	/** The largest whole-number jump along y and x of the tensors met. */
	private long maxJump = 1;
	/**
	 * Per tensor (image data or sizes read from it), what the input's size must
	 * be a multiple of for its length along y and x to be exactly the input's
	 * over its jump: the strides it was sampled with on the way, unless a Resize
	 * gave it the size of another tensor ({@link #debtOf}). Absent is 1.
	 */
	private final Map<String, Long> debts = new HashMap<>();
	/**
	 * Per tensor (image data or sizes read from it), the tensor whose length
	 * along y and x it has at every input size: the last strided or fixed-factor
	 * layer on its way, or the tensor a Resize took its sizes from. Two tensors
	 * of one origin have the same length whatever the input's size; two of
	 * different origins may differ at sizes that are not a multiple of their
	 * debts, even where the debts are equal (a stride-2 convolution rounds an odd
	 * length up, a 2x2 pooling rounds it down). Absent is the input's.
	 */
	private final Map<String, String> origins = new HashMap<>();
	/** The layers that set an origin, each numbered once ({@link #originOf}). */
	private final Map<String, Integer> signatures = new HashMap<>();
	/**
	 * What the input's size must be a multiple of for the graph to run and keep
	 * every pixel: the debts of the tensors a join puts together where they
	 * differ (their lengths differ at other sizes), and the output's.
	 */
	private long sizeStep = 1;
	private String scope = "";
	private int depth;
	private int index;
	private int calls;
	/**
	 * Whether the node being visited reads a tensor computed from image inputs
	 * with no breaker upstream.
	 */
	private boolean clean;
	/** Whether the node being visited was named a breaker. */
	private boolean broke;
	private final OperatorTable rules = new OperatorTable(this, Collections
		.unmodifiableMap(pixels), known);
	private final ReceptiveField result;
	private final TensorLayout outputLayout;

	/**
	 * @param layouts the layout of each image input (others are not images); a
	 *          layout's rank must be that of the input's shape, when it has one
	 * @param output the graph output whose receptive field is wanted
	 */
	LocalityWalker(GraphProto graph, List<FunctionProto> localFunctions,
		long opset, Map<String, TensorLayout> layouts, String output)
	{
		this.opset = opset;
		for (FunctionProto f : localFunctions)
			functions.put(f.getDomain() + "::" + f.getName(), f);
		graph.getInitializerList().forEach(known::addConstant);
		for (ValueInfoProto v : graph.getInputList()) {
			TensorLayout layout = layouts.get(v.getName());
			if (layout != null && !known.isConstant(v.getName())) pixels.put(v
				.getName(), seed(v, layout));
		}
		boolean[] feeds = feedsOutput(graph, output);
		for (NodeProto n : graph.getNodeList()) {
			if (feeds[index]) visit(n); // a score beside the image breaks nothing
			index++;
		}
		Pixels out = pixels.get(output);
		if (out != null) sizeStep = lcm(sizeStep, debt(output));
		if (out == null) {
			notes.add(
				"the output is not computed from an image input; tiling does not apply");
			result = new ReceptiveField(0, 1.0, false, List.copyOf(notes));
			outputLayout = null;
		}
		else {
			outputLayout = layoutOf(out, layouts);
			double jumpX = out.jump(), jumpY = jumpX;
			if (out.axes() != null) for (Axis a : out.axes()) {
				if (a.role() == Role.X) jumpX = a.jump();
				if (a.role() == Role.Y) jumpY = a.jump();
			}
			lineUp(output, out, layouts);
			if (Math.abs(jumpX - jumpY) > 1e-9) notes.add("the output scales y by " +
				1 / jumpY + " and x by " + 1 / jumpX + "; x is used");
			double scale = 1 / jumpX;
			if (Math.abs(scale - Math.rint(scale)) < 1e-9) scale = Math.rint(scale);
			if (!(scale > 0) || Double.isInfinite(scale)) {
				guessed = true;
				scale = 1;
			}
			result = new ReceptiveField((int) Math.ceil(out.halo() - 1e-9), scale,
				!guessed, List.copyOf(notes));
		}
	}

	/**
	 * Where the output's own axes do not give its layout ({@link #layoutOf}), its
	 * y and x must lie where an image input of its rank has them, or the tiles
	 * would be put together wrongly.
	 */
	private void lineUp(String name, Pixels out,
		Map<String, TensorLayout> layouts)
	{
		if (out.axes() == null || out.tainted() || outputLayout != null) return;
		boolean sameRank = false;
		for (TensorLayout l : layouts.values()) {
			if (l.rank() != out.rank()) continue;
			sameRank = true;
			if (out.axes().get(l.yAxis()).role() == Role.Y && out.axes().get(l
				.xAxis()).role() == Role.X) return;
		}
		if (!sameRank) return;
		guessed = true;
		breakers.add("output '" + name +
			"': its y and x axes are not where the image input has them " +
			"(the image is transposed or its axes moved), so tiles would be put together wrongly");
	}

	/**
	 * The output's layout as the roles of its axes give it: {@code b} for the
	 * batch, {@code y}, {@code x}, and {@code c} for its one other axis; so
	 * {@code byxc} for a channels-first input transposed to a channels-last
	 * output (as tf2onnx's {@code --inputs-as-nchw} exports), whatever the
	 * input's layout. Null where the roles make no layout (no y or x, two other
	 * axes) or put x before y where every image input has y first: the image
	 * itself transposed, not its channels moved.
	 */
	private static TensorLayout layoutOf(Pixels out,
		Map<String, TensorLayout> layouts)
	{
		if (out.axes() == null) return null;
		StringBuilder sb = new StringBuilder();
		for (Axis a : out.axes())
			sb.append(switch (a.role()) {
				case BATCH -> 'b';
				case Y -> 'y';
				case X -> 'x';
				case OTHER -> 'c';
			});
		String axes = sb.toString();
		if (axes.indexOf('y') < 0 || axes.indexOf('x') < 0) return null;
		for (char c : "bcyx".toCharArray())
			if (axes.indexOf(c) != axes.lastIndexOf(c)) return null;
		TensorLayout layout = new TensorLayout(axes);
		for (TensorLayout in : layouts.values())
			if (in.yAxis() < in.xAxis() == layout.yAxis() < layout.xAxis())
				return layout;
		return null;
	}

	/**
	 * The layout of the output as the graph gives it ({@link #layoutOf}), or null
	 * where it cannot tell.
	 */
	TensorLayout outputLayout() {
		return outputLayout;
	}

	private static Pixels seed(ValueInfoProto v, TensorLayout layout) {
		if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape())
			return new Pixels(axesOf(layout, null), 0, 1, false);
		ValueInfo in = OnnxGraphInfo.valueInfo(v);
		return new Pixels(in.rank() == layout.rank() ? axesOf(layout, in.dims())
			: null, 0, 1, false);
	}

	private static List<Axis> axesOf(TensorLayout layout, long[] dims) {
		List<Axis> axes = new ArrayList<>();
		for (int i = 0; i < layout.rank(); i++) {
			char c = layout.axes().charAt(i);
			Role role = c == 'b' ? Role.BATCH : c == 'y' ? Role.Y : c == 'x' ? Role.X
				: Role.OTHER;
			Extent size = dims != null && dims[i] > 0 ? Extent.of(dims[i])
				: role == Role.OTHER ? Extent.UNKNOWN : Extent.symbol(c == 'b' ? 'N'
					: c == 'y' ? 'H' : 'W');
			axes.add(new Axis(role, size, 1));
		}
		return axes;
	}

	/** The estimate for the first graph output. */
	ReceptiveField result() {
		return result;
	}

	/**
	 * Why tiles would change the result: one entry per breaker, "Op (node
	 * 'name'): reason", in graph order.
	 */
	/**
	 * Which nodes (in graph order) {@code output} depends on: walked back from it
	 * through the nodes' inputs, and the names their subgraphs read from outside.
	 */
	static boolean[] feedsOutput(GraphProto graph, String output) {
		Set<String> needed = new java.util.HashSet<>(Set.of(output));
		boolean[] feeds = new boolean[graph.getNodeCount()];
		for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
			NodeProto n = graph.getNode(i);
			if (n.getOutputList().stream().noneMatch(needed::contains)) continue;
			feeds[i] = true;
			needed.addAll(n.getInputList());
			addSubgraphInputs(n, needed, 0);
		}
		return feeds;
	}

	private static void addSubgraphInputs(NodeProto n, Set<String> names,
		int depth)
	{
		if (depth > 64) return;
		for (AttributeProto a : n.getAttributeList()) {
			List<GraphProto> graphs = new ArrayList<>(a.getGraphsList());
			if (a.hasG()) graphs.add(a.getG());
			for (GraphProto g : graphs)
				for (NodeProto inner : g.getNodeList()) {
					names.addAll(inner.getInputList());
					addSubgraphInputs(inner, names, depth + 1);
				}
		}
	}

	List<String> breakers() {
		return List.copyOf(breakers);
	}

	/**
	 * Whether a Reshape of image data fixes a spatial length with a plain number.
	 */
	boolean hasFixedSpatialReshape() {
		return fixedReshape;
	}

	private String label(NodeProto n) {
		String op = OnnxGraphInfo.isStandardDomain(n.getDomain()) ? n.getOpType()
			: n.getDomain() + "::" + n.getOpType();
		return op + (n.getName().isEmpty() ? " (node #" + index + scope + ")"
			: " (node '" + n.getName() + "'" + scope + ")");
	}

	/**
	 * Names {@code n} a breaker, unless what it reads is already downstream of
	 * one.
	 */
	void breaks(NodeProto n, String why) {
		broke = true;
		if (clean) breakers.add(label(n) + ": " + why);
	}

	/**
	 * Names {@code n} a breaker because it is not understood: the receptive field
	 * is a guess too.
	 */
	void notUnderstood(NodeProto n, String why) {
		guessed = true; // also after a breaker: every node visited feeds the
										// output,
										// whose scale and reach are then unknown
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
		else if (standard && n.getOpType().equals("CastLike") && n
			.getInputCount() > 0 && !pixels.containsKey(n.getInput(0)))
		{
			anyPixels = false; // a constant cast to the image's type is no image data
			anySizes = known.isSize(n.getInput(0));
		}
		if (!anyPixels) {
			known.visit(n, anySizes);
			long d = 1;
			Set<String> from = new java.util.HashSet<>();
			for (String i : n.getInputList()) {
				d = lcm(d, debt(i));
				if (origins.containsKey(i)) from.add(origins.get(i));
			}
			for (String o : n.getOutputList())
				if (!o.isEmpty()) {
					if (d > 1) debts.put(o, d);
					// sizes read from tensors of several origins: an origin of their own
					if (!from.isEmpty()) origins.put(o, from.size() == 1 ? from.iterator()
						.next() : o);
				}
			return;
		}
		clean = !tainted;
		broke = false;
		List<Pixels> outs;
		try {
			outs = rules.pixelNode(n);
		}
		catch (RuntimeException e) { // a node this walker reads wrongly: not exact,
																	// rather than a refused model
			notUnderstood(n, "could not be analysed (" + e + ")");
			outs = null;
		}
		noteJoin(n);
		long inherited = debtOf(n);
		String firstPixels = null;
		for (String i : n.getInputList())
			if (pixels.containsKey(i)) {
				firstPixels = i;
				break;
			}
		for (int i = 0; i < n.getOutputCount(); i++) {
			String o = n.getOutput(i);
			if (o.isEmpty()) continue;
			if (known.isSize(o)) {
				if (inherited > 1) debts.put(o, inherited);
				if (firstPixels != null) origins.put(o, origin(firstPixels));
				continue;
			}
			Pixels p = outs == null || outs.isEmpty() ? null : outs.get(Math.min(i,
				outs.size() - 1));
			if (p == null) p = fallback(n);
			pixels.put(o, broke || tainted ? new Pixels(p.axes(), p.halo(), p.jump(),
				true) : p);
			origins.put(o, originOf(n, o, p, firstPixels));
			long d = inherited;
			for (long j : wholeJumps(p)) {
				stride = lcm(stride, j);
				maxJump = Math.max(maxJump, j);
				d = lcm(d, j);
			}
			if (d > 1) debts.put(o, d);
		}
	}

	/**
	 * The debt ({@link #debts}) an output of {@code n} takes from its inputs:
	 * that of the sizes a Resize is given (it restores exactly the length of the
	 * tensor they were read from, whatever its input), else the least common
	 * multiple of its inputs' (an upsampling by a fixed factor keeps the lengths
	 * its input lost).
	 */
	private long debtOf(NodeProto n) {
		boolean resize = OnnxGraphInfo.isStandardDomain(n.getDomain()) && n
			.getOpType().equals("Resize");
		if (resize && n.getInputCount() > 3 && known.isSize(n.getInput(3)))
			return debt(n.getInput(3));
		long d = 1;
		for (String i : n.getInputList())
			d = lcm(d, debt(i));
		return d;
	}

	/**
	 * Where {@code n} puts together image tensors (Add, Concat, Mul, ...) whose
	 * lengths along y and x agree at different input sizes, their lengths agree
	 * only at sizes that are a multiple of both debts: a stride-2 level upsampled
	 * by two has an even length, which an odd skip it is added to has not.
	 * Tensors of one pixel along y and x (broadcast) are left out.
	 */
	private void noteJoin(NodeProto n) {
		Set<Long> met = new java.util.HashSet<>();
		Set<String> from = new java.util.HashSet<>();
		for (String i : n.getInputList()) {
			Pixels p = pixels.get(i);
			if (p == null || p.tainted() || isPoint(p)) continue;
			met.add(debt(i));
			from.add(origin(i));
		}
		if (met.size() < 2 && (from.size() < 2 || met.stream().allMatch(
			d -> d == 1))) return;
		for (long d : met)
			sizeStep = lcm(sizeStep, d);
	}

	/**
	 * The origin ({@link #origins}) of {@code n}'s output {@code o}, image data
	 * {@code p}: that of the sizes a Resize is given; a new one where {@code n}
	 * samples on another grid than its first image input (a strided layer, an
	 * upsampling by a fixed factor); else its first image input's.
	 */
	private String originOf(NodeProto n, String o, Pixels p, String firstPixels) {
		boolean resize = OnnxGraphInfo.isStandardDomain(n.getDomain()) && n
			.getOpType().equals("Resize");
		if (resize && n.getInputCount() > 3 && known.isSize(n.getInput(3)))
			return origin(n.getInput(3));
		List<Double> mine = jumps(p), theirs = firstPixels == null ? null : jumps(
			pixels.get(firstPixels));
		boolean same = theirs != null && mine.size() == theirs.size();
		for (int k = 0; same && k < mine.size(); k++)
			same = Math.abs(mine.get(k) - theirs.get(k)) <= 1e-9;
		if (same) return origin(firstPixels);
		if (firstPixels == null) return o;
		// the same layer (operator, attributes, weights or constants) on tensors of
		// one origin gives one length: two pyramids pooled alike stay joinable
		StringBuilder what = new StringBuilder(n.getDomain()).append("::").append(n
			.getOpType()).append(mine);
		for (AttributeProto a : n.getAttributeList())
			what.append(';').append(a.toString().replace('\n', ' '));
		for (String i : n.getInputList())
			what.append(',').append(pixels.containsKey(i) ? "<" + origin(i) + ">"
				: i);
		return "o" + signatures.computeIfAbsent(what.toString(), k -> signatures
			.size());
	}

	/** The jumps of {@code p} along y and x. */
	private static List<Double> jumps(Pixels p) {
		List<Double> out = new ArrayList<>();
		if (p.axes() == null) out.add(p.jump());
		else for (Axis a : p.axes())
			if (a.role().isSpatial()) out.add(a.jump());
		return out;
	}

	private String origin(String name) {
		return origins.getOrDefault(name, "");
	}

	/** Whether {@code p} has one pixel along each of its y and x axes. */
	private static boolean isPoint(Pixels p) {
		if (p.axes() == null) return false;
		boolean any = false;
		for (Axis a : p.axes())
			if (a.role().isSpatial()) {
				if (!ImageAxes.isOne(a.size())) return false;
				any = true;
			}
		return any;
	}

	private long debt(String name) {
		return debts.getOrDefault(name, 1L);
	}

	/** The whole-number jumps above 1 of {@code p} along y and x. */
	private static List<Long> wholeJumps(Pixels p) {
		List<Long> jumps = new ArrayList<>();
		if (p.axes() == null) addWhole(jumps, p.jump());
		else for (Axis a : p.axes())
			if (a.role().isSpatial()) addWhole(jumps, a.jump());
		return jumps;
	}

	private static void addWhole(List<Long> jumps, double jump) {
		long j = Math.round(jump);
		if (j >= 2 && Math.abs(jump - j) <= 1e-9 && j <= 1 << 16) jumps.add(j);
	}

	/** The least common multiple, or {@code a} where it would pass 2^16. */
	private static long lcm(long a, long b) {
		long m = a / gcd(a, b) * b;
		return m <= 1 << 16 ? m : a;
	}

	private static long gcd(long a, long b) {
		return b == 0 ? a : gcd(b, a % b);
	}

	/**
	 * What the input sizes along y and x must be a multiple of for the graph to
	 * run and give every pixel: where an upsampling by a fixed factor (Resize or
	 * Upsample by scales, ConvTranspose, DepthToSpace) after strided layers is
	 * joined with a finer level, or reaches the output, the least common multiple
	 * of the strides it undoes; 1 where every upsampling takes the size of the
	 * tensor it is joined with from its shape, and without strided layers.
	 */
	int sizeStep() {
		return (int) sizeStep;
	}

	/**
	 * The grid the strided layers sample on: the least common multiple of their
	 * total strides (2^depth for a U-Net); 1 without any.
	 */
	int stride() {
		return (int) stride;
	}

	/**
	 * The smallest input size along y and x at which every strided level keeps a
	 * pixel: the largest total stride; 1 without any.
	 */
	int minSize() {
		return (int) maxJump;
	}

	/**
	 * What an output is taken to be where its node gave nothing better: the first
	 * input's field, axes unknown.
	 */
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

	/**
	 * Whether a subgraph of {@code n} (If, Loop, Scan) reads an image tensor of
	 * the enclosing graph by name.
	 */
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

	/**
	 * Walks the body of a model-local function in place of the node that calls
	 * it.
	 */
	private void inline(NodeProto call, FunctionProto f) {
		if (depth >= MAX_FUNCTION_DEPTH) {
			clean = call.getInputList().stream().noneMatch(i -> pixels.containsKey(
				i) && pixels.get(i).tainted());
			broke = false;
			notUnderstood(call, "calls functions nested more than " +
				MAX_FUNCTION_DEPTH + " deep");
			for (String o : call.getOutputList())
				if (!o.isEmpty()) pixels.put(o, fallback(call));
			return;
		}
		String prefix = "\u0000" + (calls++) + "/";
		Map<String, String> rename = new HashMap<>();
		for (int i = 0; i < f.getInputCount(); i++)
			rename.put(f.getInput(i), i < call.getInputCount() ? call.getInput(i)
				: "");
		for (int i = 0; i < f.getOutputCount(); i++)
			if (i < call.getOutputCount()) rename.put(f.getOutput(i), call.getOutput(
				i));
		Map<String, AttributeProto> given = new HashMap<>();
		for (AttributeProto a : f.getAttributeProtoList())
			given.put(a.getName(), a);
		for (AttributeProto a : call.getAttributeList())
			given.put(a.getName(), a);
		long savedOpset = opset;
		String savedScope = scope;
		for (OperatorSetIdProto o : f.getOpsetImportList())
			if (OnnxGraphInfo.isStandardDomain(o.getDomain())) opset = o.getVersion();
		scope = " in function '" + f.getDomain() + "::" + f.getName() + "'" + (call
			.getName().isEmpty() ? "" : " called by node '" + call.getName() + "'") +
			savedScope;
		depth++;
		try {
			for (NodeProto body : f.getNodeList()) {
				NodeProto.Builder b = body.toBuilder().clearInput().clearOutput()
					.clearAttribute();
				for (String i : body.getInputList())
					b.addInput(i.isEmpty() ? "" : rename.getOrDefault(i, prefix + i));
				for (String o : body.getOutputList())
					b.addOutput(o.isEmpty() ? "" : rename.getOrDefault(o, prefix + o));
				for (AttributeProto a : body.getAttributeList()) {
					if (a.getRefAttrName().isEmpty()) b.addAttribute(a);
					else if (given.containsKey(a.getRefAttrName())) b.addAttribute(given
						.get(a.getRefAttrName()).toBuilder().setName(a.getName()));
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

	/** The opset of the standard domain where the node being visited lies. */
	long opset() {
		return opset;
	}

	/**
	 * Records that {@code n} reads its input impossibly with the layouts given: a
	 * convolution or pool whose batch or channel axis holds what was taken for
	 * image positions. The layout is then wrong, rather than the model
	 * untileable.
	 */
	void contradictsLayout(NodeProto n, String why) {
		if (layoutConflict == null) layoutConflict = label(n) + ": " + why;
	}

	/**
	 * The first node whose reading contradicts the input layouts given ("Op (node
	 * 'name'): reason"), or null.
	 */
	String layoutConflict() {
		return layoutConflict;
	}

	/**
	 * Records that a Reshape of image data fixes a spatial length with a plain
	 * number.
	 */
	void fixedSpatialReshape() {
		fixedReshape = true;
	}

	/**
	 * The first input of {@code n} computed from image data, or {@link #fallback}
	 * for it.
	 */
	Pixels firstPixels(NodeProto n) {
		for (String i : n.getInputList())
			if (pixels.containsKey(i)) return pixels.get(i);
		return fallback(n);
	}
}
