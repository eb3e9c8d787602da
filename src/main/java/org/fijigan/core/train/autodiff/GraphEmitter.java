
package org.fijigan.core.train.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.onnx.ElementTypes;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Appends nodes and constants to an ONNX graph under construction, with unique
 * value names, the static shape of every value, and helpers that emit the form
 * an operator takes at the graph's opset (e.g. {@code ReduceSum} axes as an
 * attribute before opset 13 and as an input from 13 on). Used by the gradient
 * rules and by the training-graph assembly. Not thread-safe.
 * <p>
 * It also keeps the element type of every value (float32 where not known), so
 * that rules work in the type of the values they are given: where an operator
 * whose inputs share one type takes a float16 or float64 value and a float32
 * constant this emitter wrote ({@link #scalar}, {@link #constant},
 * {@link #zeros}), the constant is written again in that type. Rules therefore
 * write their constants in float32 and need not know the type they work in; an
 * operator that would still mix two float types is refused with
 * {@link MixedTypes}.
 * <p>
 * Over 400 lines on purpose: it is one vocabulary of small node helpers (the
 * longest about twenty lines) that all keep the same name counters and shape
 * table; split by operator family, every part would need that state and the
 * rules would have to know which part emits which operator.
 */
public final class GraphEmitter {

	private final GraphProto.Builder graph;
	private final Map<String, long[]> shapes;
	private final long opset;
	private final Set<String> names = new HashSet<>();
	private final Map<String, Integer> counters = new HashMap<>();
	private final Map<String, long[]> knownLongs = new HashMap<>();
	private final Map<String, float[]> knownFloats = new HashMap<>();
	private final Map<String, Integer> types = new HashMap<>();
	/** The float32 constants this emitter wrote, by name, with their values. */
	private final Map<String, float[]> ownConstants = new HashMap<>();
	/** The zero tensors {@link #zeros} expanded from a scalar. */
	private final Set<String> ownZeros = new HashSet<>();
	/** Copies of own constants in other types, by name and type. */
	private final Map<String, String> retyped = new HashMap<>();

	/**
	 * Operators whose inputs must all have one element type (Where: its second
	 * and third; Pow: both, before opset 12).
	 */
	private static final Set<String> ONE_TYPE = Set.of("Add", "Sub", "Mul", "Div",
		"Sum", "Mean", "Max", "Min", "Equal", "Greater", "Less", "GreaterOrEqual",
		"LessOrEqual", "MatMul", "Gemm", "Concat", "Conv", "ConvTranspose", "PRelu",
		"Clip", "Where", "Pow");

	/** Operators whose output is bool. */
	private static final Set<String> BOOL_RESULT = Set.of("Equal", "Greater",
		"Less", "GreaterOrEqual", "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN",
		"IsInf");

	/** Operators whose output is int64. */
	private static final Set<String> INT64_RESULT = Set.of("Shape", "Size",
		"ArgMax", "ArgMin", "NonZero");

	/**
	 * Thrown when an operator being emitted would take two different float types
	 * at inputs that must share one: a rule that cannot work in the type of the
	 * values it is given. {@link GradientBuilder} names the node being
	 * differentiated when it passes this on.
	 */
	public static final class MixedTypes extends GanException {

		private static final long serialVersionUID = 1L;

		private final String operator;
		private final int first, second;

		MixedTypes(String operator, int first, int second) {
			super("cannot combine a " + ElementTypes.widthName(first) +
				" value with a " + ElementTypes.widthName(second) + " one in " +
				operator);
			this.operator = operator;
			this.first = first;
			this.second = second;
		}

		/** The operator that would have mixed them. */
		public String operator() {
			return operator;
		}

		/** The two element types, as {@code TensorProto.DataType} numbers. */
		public int[] types() {
			return new int[] { first, second };
		}
	}

	/**
	 * @param graph the graph to append to
	 * @param shapes static shapes of the values already in the graph; new values
	 *          are added as they are emitted (the map is written to)
	 * @param opset version of the default ONNX domain the graph imports
	 */
	public GraphEmitter(GraphProto.Builder graph, Map<String, long[]> shapes,
		long opset)
	{
		this.graph = graph;
		this.shapes = shapes;
		this.opset = opset;
		for (NodeProto n : graph.getNodeList()) {
			names.addAll(n.getOutputList());
			names.add(n.getName());
		}
		graph.getInputList().forEach(v -> names.add(v.getName()));
		graph.getInitializerList().forEach(t -> names.add(t.getName()));
		for (var v : graph.getInputList())
			if (v.getType().hasTensorType()) types.put(v.getName(), v.getType()
				.getTensorType().getElemType());
		for (TensorProto t : graph.getInitializerList())
			types.put(t.getName(), t.getDataType());
		for (NodeProto n : graph.getNodeList())
			if (n.getOpType().equals("Constant") && n.getOutputCount() == 1)
				for (AttributeProto a : n.getAttributeList())
				if (a.getName().equals("value")) types.put(n.getOutput(0), a.getT()
					.getDataType());
	}

	public long opset() {
		return opset;
	}

	/**
	 * Records the value of a small int64 tensor computed by the forward graph (a
	 * Shape output feeding a Reshape, say), so that rules can read it with
	 * {@link #constantLongs}.
	 */
	public void setKnownLongs(String value, long[] v) {
		knownLongs.put(value, v.clone());
	}

	/**
	 * The value of an int64 (or int32) constant input: an initializer, a Constant
	 * node's output, or a value recorded by {@link #setKnownLongs}; null when not
	 * constant.
	 */
	public long[] constantLongs(String value) {
		if (value == null || value.isEmpty()) return null;
		if (knownLongs.containsKey(value)) return knownLongs.get(value).clone();
		for (TensorProto t : graph.getInitializerList())
			if (t.getName().equals(value)) return Tensors.longs(t);
		for (NodeProto n : graph.getNodeList())
			if (n.getOpType().equals("Constant") && n.getOutput(0).equals(value))
				for (AttributeProto a : n.getAttributeList())
				if (a.getName().equals("value")) return Tensors.longs(a.getT());
				else if (a.getName().equals("value_ints")) return a.getIntsList()
					.stream().mapToLong(Long::longValue).toArray();
				else if (a.getName().equals("value_int")) return new long[] { a
					.getI() };
		return null;
	}

	/**
	 * Records the value of a small float tensor computed by the forward graph
	 * (Resize scales built by a Concat, say), for {@link #constantFloats}. Valid
	 * because a training graph runs at one fixed input shape.
	 */
	public void setKnownFloats(String value, float[] v) {
		knownFloats.put(value, v.clone());
	}

	/**
	 * The value of a float constant input: an initializer, a Constant node's
	 * output, or a value recorded by {@link #setKnownFloats}; null when not
	 * constant.
	 */
	public float[] constantFloats(String value) {
		if (value == null || value.isEmpty()) return null;
		if (knownFloats.containsKey(value)) return knownFloats.get(value).clone();
		for (TensorProto t : graph.getInitializerList())
			if (t.getName().equals(value)) return Tensors.floats(t);
		for (NodeProto n : graph.getNodeList())
			if (n.getOpType().equals("Constant") && n.getOutput(0).equals(value))
				for (AttributeProto a : n.getAttributeList())
				if (a.getName().equals("value")) return Tensors.floats(a.getT());
				else if (a.getName().equals("value_float")) return new float[] { a
					.getF() };
				else if (a.getName().equals("value_floats")) {
					float[] f = new float[a.getFloatsCount()];
					for (int i = 0; i < f.length; i++)
						f[i] = a.getFloats(i);
					return f;
				}
		return null;
	}

	public GraphProto.Builder graph() {
		return graph;
	}

	/** The static shape of {@code value}. */
	public long[] shape(String value) {
		long[] s = shapes.get(value);
		if (s == null) throw new IllegalStateException(
			"no shape known for value '" + value + "'");
		return s;
	}

	public boolean hasShape(String value) {
		return shapes.containsKey(value);
	}

	public void setShape(String value, long[] shape) {
		shapes.put(value, shape.clone());
	}

	public int rank(String value) {
		return shape(value).length;
	}

	/**
	 * The element type of {@code value}, a {@code TensorProto.DataType} number;
	 * float32 when not known.
	 */
	public int type(String value) {
		return types.getOrDefault(value, TensorProto.DataType.FLOAT_VALUE);
	}

	public void setType(String value, int type) {
		types.put(value, type);
	}

	/** A value name not used in the graph yet, derived from {@code hint}. */
	public String fresh(String hint) {
		String base = hint.replaceAll("[^A-Za-z0-9_./:-]", "_");
		String name = base;
		while (names.contains(name))
			name = base + "_" + counters.merge(base, 1, Integer::sum);
		names.add(name);
		return name;
	}

	/**
	 * Emits a node with one output of the given shape; returns the output name.
	 */
	public String op(String type, long[] outShape, List<String> inputs,
		AttributeProto... attributes)
	{
		inputs = oneType(type, inputs);
		String out = fresh("g/" + type);
		NodeProto.Builder n = NodeProto.newBuilder().setOpType(type).setName(fresh(
			"n/" + type)).addAllInput(inputs).addOutput(out);
		for (AttributeProto a : attributes)
			n.addAttribute(a);
		graph.addNode(n);
		if (outShape != null) shapes.put(out, outShape.clone());
		types.put(out, resultType(type, inputs, attributes));
		return out;
	}

	/**
	 * {@code inputs} with this emitter's own float32 constants written again in
	 * the float type of the other inputs, where {@code type} takes one type at
	 * all of them.
	 *
	 * @throws MixedTypes where two of them, not own constants, differ
	 */
	private List<String> oneType(String type, List<String> inputs) {
		if (!ONE_TYPE.contains(type) || type.equals("Pow") && opset >= 12)
			return inputs;
		int from = type.equals("Where") ? 1 : 0;
		Integer common = null;
		for (int i = from; i < inputs.size(); i++) {
			String in = inputs.get(i);
			if (in.isEmpty() || ownConstant(in)) continue;
			int t = type(in);
			if (!ElementTypes.isFloatingPoint(t)) return inputs;
			if (common == null) common = t;
			else if (common != t) throw new MixedTypes(type, common, t);
		}
		if (common == null || common == TensorProto.DataType.FLOAT_VALUE)
			return inputs;
		List<String> r = new ArrayList<>(inputs);
		for (int i = from; i < r.size(); i++)
			if (!r.get(i).isEmpty() && ownConstant(r.get(i))) r.set(i, retype(r.get(
				i), common));
		return r;
	}

	private boolean ownConstant(String value) {
		return ownConstants.containsKey(value) || ownZeros.contains(value);
	}

	/** An own float32 constant written again in float type {@code type}. */
	private String retype(String value, int type) {
		String key = value + "@" + type; // fresh() never writes an @
		String done = retyped.get(key);
		if (done != null) return done;
		long[] s = shape(value);
		String r = ownZeros.contains(value) ? op("Expand", s, List.of(constant(
			new float[1], type), longs(s))) : constant(ownConstants.get(value), type,
				s);
		retyped.put(key, r);
		return r;
	}

	/** The element type of the output of an operator {@link #op} emits. */
	private int resultType(String type, List<String> inputs,
		AttributeProto... attributes)
	{
		if (type.equals("Cast")) for (AttributeProto a : attributes)
			if (a.getName().equals("to")) return (int) a.getI();
		if (BOOL_RESULT.contains(type)) return TensorProto.DataType.BOOL_VALUE;
		if (INT64_RESULT.contains(type)) return TensorProto.DataType.INT64_VALUE;
		if (type.equals("Where")) return type(inputs.get(1));
		return inputs.isEmpty() ? TensorProto.DataType.FLOAT_VALUE : type(inputs
			.get(0));
	}

	/** Name prefix of the Identity nodes {@link #stopGradient} emits. */
	public static final String STOP_GRADIENT = "n/StopGradient";

	/**
	 * {@code x} as a value that {@link GradientBuilder} treats as a constant: an
	 * Identity node (so the forward value is {@code x} itself) whose name marks
	 * it, as PyTorch's {@code detach()}.
	 */
	public String stopGradient(String x) {
		String out = fresh("g/StopGradient");
		graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(fresh(
			STOP_GRADIENT)).addInput(x).addOutput(out));
		shapes.put(out, shape(x).clone());
		types.put(out, type(x));
		return out;
	}

	/** Emits a node with several outputs; returns their names. */
	public List<String> ops(String type, List<long[]> outShapes,
		List<String> inputs, AttributeProto... attributes)
	{
		List<String> outs = new ArrayList<>();
		NodeProto.Builder n = NodeProto.newBuilder().setOpType(type).setName(fresh(
			"n/" + type)).addAllInput(inputs);
		for (long[] s : outShapes) {
			String o = fresh("g/" + type);
			outs.add(o);
			n.addOutput(o);
			shapes.put(o, s.clone());
			types.put(o, type(inputs.get(0)));
		}
		for (AttributeProto a : attributes)
			n.addAttribute(a);
		graph.addNode(n);
		return outs;
	}

	/**
	 * A float32 constant (as an initializer); written again in the type of the
	 * values it meets where that is float16 or float64 (see the class comment).
	 */
	public String constant(float[] values, long... dims) {
		String name = fresh("c/float");
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(
			TensorProto.DataType.FLOAT_VALUE);
		for (long d : dims)
			t.addDims(d);
		for (float v : values)
			t.addFloatData(v);
		graph.addInitializer(t);
		shapes.put(name, dims.clone());
		types.put(name, TensorProto.DataType.FLOAT_VALUE);
		ownConstants.put(name, values.clone());
		return name;
	}

	/**
	 * Removes the float32 constants this emitter wrote that no node takes, as
	 * those written again in another type can end up. Call it once the graph is
	 * complete: ONNX Runtime refuses an initializer that no node takes in a model
	 * of IR version 3 (as older exporters write), where every initializer must
	 * then be a graph input.
	 */
	public void dropUnusedConstants() {
		Set<String> used = new HashSet<>();
		for (NodeProto n : graph.getNodeList())
			used.addAll(n.getInputList());
		graph.getOutputList().forEach(v -> used.add(v.getName()));
		for (int i = graph.getInitializerCount() - 1; i >= 0; i--) {
			String name = graph.getInitializer(i).getName();
			if (ownConstants.containsKey(name) && !used.contains(name)) graph
				.removeInitializer(i);
		}
	}

	/**
	 * A constant of float element type {@code type} (float32, float64, float16 or
	 * bfloat16), as an initializer; the values are rounded to the type.
	 */
	public String constant(float[] values, int type, long... dims) {
		if (type == TensorProto.DataType.FLOAT_VALUE) return constant(values, dims);
		String name = fresh("c/" + ElementTypes.widthName(type));
		graph.addInitializer(Tensors.floatTensor(name, values, type, dims));
		shapes.put(name, dims.clone());
		types.put(name, type);
		return name;
	}

	/** A scalar float32 constant. */
	public String scalar(float value) {
		return constant(new float[] { value });
	}

	/** An int64 constant (as an initializer). */
	public String longs(long[] values, long... dims) {
		String name = fresh("c/int64");
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(
			TensorProto.DataType.INT64_VALUE);
		for (long d : dims)
			t.addDims(d);
		for (long v : values)
			t.addInt64Data(v);
		graph.addInitializer(t);
		shapes.put(name, dims.clone());
		types.put(name, TensorProto.DataType.INT64_VALUE);
		return name;
	}

	/** A 1-D int64 constant. */
	public String longs(long... values) {
		return longs(values, values.length);
	}

	// ---- attributes ----

	public static AttributeProto attr(String name, long v) {
		return AttributeProto.newBuilder().setName(name).setType(
			AttributeProto.AttributeType.INT).setI(v).build();
	}

	public static AttributeProto attr(String name, float v) {
		return AttributeProto.newBuilder().setName(name).setType(
			AttributeProto.AttributeType.FLOAT).setF(v).build();
	}

	public static AttributeProto attr(String name, String v) {
		return AttributeProto.newBuilder().setName(name).setType(
			AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString
				.copyFromUtf8(v)).build();
	}

	public static AttributeProto attrs(String name, long... v) {
		AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
			.setType(AttributeProto.AttributeType.INTS);
		for (long x : v)
			b.addInts(x);
		return b.build();
	}

	public static AttributeProto attrs(String name, float... v) {
		AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
			.setType(AttributeProto.AttributeType.FLOATS);
		for (float x : v)
			b.addFloats(x);
		return b.build();
	}

	// ---- element-wise helpers (shape = broadcast of the inputs) ----

	public String add(String a, String b) {
		return op("Add", broadcast(shape(a), shape(b)), List.of(a, b));
	}

	public String sub(String a, String b) {
		return op("Sub", broadcast(shape(a), shape(b)), List.of(a, b));
	}

	public String mul(String a, String b) {
		return op("Mul", broadcast(shape(a), shape(b)), List.of(a, b));
	}

	public String div(String a, String b) {
		return op("Div", broadcast(shape(a), shape(b)), List.of(a, b));
	}

	public String neg(String a) {
		return op("Neg", shape(a), List.of(a));
	}

	public String unary(String type, String a) {
		return op(type, shape(a), List.of(a));
	}

	/** The numpy broadcast of two shapes. */
	public static long[] broadcast(long[] a, long[] b) {
		int n = Math.max(a.length, b.length);
		long[] r = new long[n];
		for (int i = 0; i < n; i++) {
			long x = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
			long y = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
			if (x != y && x != 1 && y != 1) throw new IllegalArgumentException(
				"cannot broadcast " + Arrays.toString(a) + " and " + Arrays.toString(
					b));
			r[i] = Math.max(x, y);
		}
		return r;
	}

	// ---- shape helpers, in the form the opset takes ----

	/** ReduceSum over {@code axes} (non-negative), keeping or dropping them. */
	public String reduceSum(String x, long[] axes, boolean keepDims) {
		long[] s = reducedShape(shape(x), axes, keepDims);
		if (axes.length == 0) return x;
		if (opset >= 13) return op("ReduceSum", s, List.of(x, longs(axes)), attr(
			"keepdims", keepDims ? 1 : 0));
		return op("ReduceSum", s, List.of(x), attrs("axes", axes), attr("keepdims",
			keepDims ? 1 : 0));
	}

	/** ReduceMean over {@code axes} (non-negative). */
	public String reduceMean(String x, long[] axes, boolean keepDims) {
		long[] s = reducedShape(shape(x), axes, keepDims);
		if (opset >= 18) return op("ReduceMean", s, List.of(x, longs(axes)), attr(
			"keepdims", keepDims ? 1 : 0));
		return op("ReduceMean", s, List.of(x), attrs("axes", axes), attr("keepdims",
			keepDims ? 1 : 0));
	}

	static long[] reducedShape(long[] s, long[] axes, boolean keep) {
		Set<Long> set = new HashSet<>();
		for (long a : axes)
			set.add(a);
		List<Long> out = new ArrayList<>();
		for (int i = 0; i < s.length; i++)
			if (!set.contains((long) i)) out.add(s[i]);
			else if (keep) out.add(1L);
		return out.stream().mapToLong(Long::longValue).toArray();
	}

	public String reshape(String x, long[] shape) {
		if (Arrays.equals(shape(x), shape)) return x;
		return op("Reshape", shape, List.of(x, longs(shape)));
	}

	public String transpose(String x, long[] perm) {
		long[] s = shape(x), r = new long[s.length];
		for (int i = 0; i < s.length; i++)
			r[i] = s[(int) perm[i]];
		return op("Transpose", r, List.of(x), attrs("perm", perm));
	}

	/** Slice along {@code axes} (non-negative) with steps 1. */
	public String slice(String x, long[] starts, long[] ends, long[] axes) {
		long[] s = shape(x).clone();
		for (int i = 0; i < axes.length; i++) {
			int a = (int) axes[i];
			long st = Math.max(0, Math.min(s[a], starts[i])), en = Math.max(st, Math
				.min(s[a], ends[i]));
			s[a] = en - st;
		}
		if (opset >= 10) return op("Slice", s, List.of(x, longs(starts), longs(
			ends), longs(axes)));
		return op("Slice", s, List.of(x), attrs("starts", starts), attrs("ends",
			ends), attrs("axes", axes));
	}

	/**
	 * Constant zero padding: {@code pads} = [begin_0..begin_n, end_0..end_n], may
	 * be negative.
	 */
	public String pad(String x, long[] pads) {
		long[] s = shape(x).clone();
		for (int i = 0; i < s.length; i++)
			s[i] += pads[i] + pads[i + s.length];
		if (opset >= 11) return op("Pad", s, List.of(x, longs(pads)));
		return op("Pad", s, List.of(x), attrs("pads", pads));
	}

	/**
	 * Sums a gradient that was broadcast from {@code target} back down to it
	 * (numpy rules: leading axes and axes where the target has 1).
	 */
	public String sumToShape(String grad, long[] target) {
		long[] g = shape(grad);
		if (Arrays.equals(g, target)) return grad;
		int lead = g.length - target.length;
		List<Long> axes = new ArrayList<>();
		for (int i = 0; i < g.length; i++)
			if (i < lead || target[i - lead] == 1 && g[i] != 1) axes.add((long) i);
		String r = reduceSum(grad, axes.stream().mapToLong(Long::longValue)
			.toArray(), true);
		return reshape(r, target);
	}

	/**
	 * A float32 zero tensor of the given shape; written again in the type of the
	 * values it meets, as {@link #constant}.
	 */
	public String zeros(long[] shape) {
		long n = 1;
		for (long d : shape)
			n *= d;
		if (n <= 4096) return constant(new float[(int) n], shape);
		String z = op("Expand", shape, List.of(scalar(0f), longs(shape)));
		ownZeros.add(z);
		return z;
	}

	// ---- helpers for the element-wise, matrix and shape rules ----

	/**
	 * A comparison ({@code Greater}, {@code Less}, {@code Equal}, ...) with numpy
	 * broadcasting.
	 */
	public String compare(String type, String a, String b) {
		return op(type, broadcast(shape(a), shape(b)), List.of(a, b));
	}

	/** {@code Where(condition, a, b)}, all three broadcast together. */
	public String where(String condition, String a, String b) {
		return op("Where", broadcast(broadcast(shape(condition), shape(a)), shape(
			b)), List.of(condition, a, b));
	}

	/** Cast to an element type ({@code TensorProto.DataType} number). */
	public String cast(String x, int to) {
		return op("Cast", shape(x), List.of(x), attr("to", (long) to));
	}

	/**
	 * MatMul of operands of rank 2 or more, with numpy broadcasting of the batch
	 * axes.
	 */
	public String matMul(String a, String b) {
		long[] sa = shape(a), sb = shape(b);
		long[] batch = broadcast(Arrays.copyOf(sa, sa.length - 2), Arrays.copyOf(sb,
			sb.length - 2));
		long[] out = Arrays.copyOf(batch, batch.length + 2);
		out[batch.length] = sa[sa.length - 2];
		out[batch.length + 1] = sb[sb.length - 1];
		return op("MatMul", out, List.of(a, b));
	}

	/**
	 * Splits along {@code axis} (non-negative) into pieces of the given sizes:
	 * {@code split} as an attribute before opset 13, as an input from 13 on.
	 */
	public List<String> split(String x, int axis, long[] sizes) {
		if (sizes.length == 1) return List.of(x);
		List<long[]> shapesOut = new ArrayList<>();
		for (long size : sizes) {
			long[] s = shape(x).clone();
			s[axis] = size;
			shapesOut.add(s);
		}
		if (opset >= 13) return ops("Split", shapesOut, List.of(x, longs(sizes)),
			attr("axis", axis));
		return ops("Split", shapesOut, List.of(x), attr("axis", axis), attrs(
			"split", sizes));
	}
}
