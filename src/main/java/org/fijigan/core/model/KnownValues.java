
package org.fijigan.core.model;

import static org.fijigan.core.model.NodeAttributes.attr;
import static org.fijigan.core.model.NodeAttributes.attrInt;
import static org.fijigan.core.model.NodeAttributes.attrInts;
import static org.fijigan.core.model.NodeAttributes.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * What {@link LocalityWalker} knows of the tensors that are not image data:
 * constants (initializers, Constant nodes, and what Identity, Cast, Unsqueeze,
 * Squeeze, Reshape, Concat, ConstantOfShape, Slice and Transpose make of them),
 * with their values and shapes; and tensors computed from the shapes of image
 * tensors alone (Shape, Size and arithmetic on them), with their values as
 * {@link Extent lengths} where the arithmetic is simple. One instance serves
 * one walk.
 */
final class KnownValues {

	/**
	 * Shape arithmetic: what a tensor computed from image shapes alone may pass
	 * through and stay one.
	 */
	private static final Set<String> SIZE_ARITHMETIC = Set.of("Gather", "Cast",
		"Concat", "Unsqueeze", "Squeeze", "Slice", "Mul", "Div", "Add", "Sub",
		"Identity", "Floor", "Ceil", "Max", "Min", "Reshape", "Neg", "Abs", "Equal",
		"Where", "Mod", "Range", "Expand", "Sqrt", "Round", "ReduceProd",
		"ReduceSum", "ReduceMax", "ReduceMin", "Not", "Less", "Greater",
		"LessOrEqual", "GreaterOrEqual", "And", "Or");
	/**
	 * The most elements a folded constant may have: pad amounts, shapes and
	 * scales are small, and folding stays cheap.
	 */
	private static final int MAX_FOLDED = 4096;
	/** A tensor computed from image shapes whose values are not known. */
	private static final List<Extent> UNKNOWN = Collections.unmodifiableList(
		new ArrayList<>());

	private final Map<String, TensorProto> constants = new HashMap<>();
	private final Map<String, List<Extent>> sizes = new HashMap<>();

	void addConstant(TensorProto t) {
		constants.put(t.getName(), t);
	}

	boolean isConstant(String name) {
		return constants.containsKey(name);
	}

	/**
	 * Whether {@code name} is computed from the shapes of image tensors alone.
	 */
	boolean isSize(String name) {
		return sizes.containsKey(name);
	}

	/**
	 * Records {@code name} as computed from image shapes, with its values, or
	 * null when they are not known.
	 */
	void putSize(String name, List<Extent> values) {
		sizes.put(name, values == null ? UNKNOWN : List.copyOf(values));
	}

	/**
	 * Follows a node that reads no image data; {@code readsShapes}: it reads a
	 * tensor computed from image shapes.
	 */
	void visit(NodeProto n, boolean readsShapes) {
		boolean standard = OnnxGraphInfo.isStandardDomain(n.getDomain());
		if (standard && n.getOpType().equals("Constant")) constant(n);
		else if (readsShapes) sizeArithmetic(n);
		else if (standard) fold(n);
	}

	private void constant(NodeProto n) {
		if (n.getOutputCount() == 0) return;
		AttributeProto value = attr(n, "value");
		if (value != null && value.hasT()) {
			constants.put(n.getOutput(0), value.getT());
			return;
		}
		TensorProto.Builder t = TensorProto.newBuilder().setName(n.getOutput(0));
		AttributeProto ints = attr(n, "value_ints"), one = attr(n, "value_int"),
				floats = attr(n, "value_floats"), f = attr(n, "value_float");
		if (ints != null) constants.put(n.getOutput(0), t.setDataType(
			TensorProto.DataType.INT64_VALUE).addDims(ints.getIntsCount())
			.addAllInt64Data(ints.getIntsList()).build());
		else if (one != null) constants.put(n.getOutput(0), t.setDataType(
			TensorProto.DataType.INT64_VALUE).addInt64Data(one.getI()).build());
		else if (floats != null) constants.put(n.getOutput(0), t.setDataType(
			TensorProto.DataType.FLOAT_VALUE).addDims(floats.getFloatsCount())
			.addAllFloatData(floats.getFloatsList()).build());
		else if (f != null) constants.put(n.getOutput(0), t.setDataType(
			TensorProto.DataType.FLOAT_VALUE).addFloatData(f.getF()).build());
	}

	/**
	 * Folds the constant-only nodes that shapes, axes, scales and pad amounts are
	 * built with (Identity, Cast, Unsqueeze, Squeeze, Reshape, Concat,
	 * ConstantOfShape, Slice, Transpose; PyTorch builds the pad amounts of its
	 * reflect and replicate padding with the last three), keeping values and
	 * shape; others are not tracked, nor results over {@link #MAX_FOLDED}
	 * elements.
	 */
	private void fold(NodeProto n) {
		if (n.getOutputCount() == 0 || n.getInputCount() == 0) return;
		String op = n.getOpType();
		TensorProto in = constants.get(n.getInput(0));
		if (in == null) return;
		double[] v = decode(in);
		if (v == null) return;
		List<Long> dims = new ArrayList<>(in.getDimsList());
		switch (op) {
			case "Identity", "Cast":
				break;
			case "Unsqueeze", "Squeeze": {
				double[] axes = n.getInputCount() > 1 ? numbers(n.getInput(1))
					: attrInts(n, "axes");
				if (op.equals("Unsqueeze")) {
					if (axes == null) return;
					int rank = dims.size() + axes.length;
					for (int a : Arrays.stream(axes).mapToInt(d -> ImageAxes.axis(d,
						rank)).sorted().toArray())
						if (a < 0 || a > dims.size()) return;
						else dims.add(a, 1L);
				}
				else if (axes == null) dims.removeIf(d -> d == 1);
				else {
					int rank = dims.size();
					Set<Integer> gone = new HashSet<>();
					for (double d : axes)
						gone.add(ImageAxes.axis(d, rank));
					List<Long> kept = new ArrayList<>();
					for (int i = 0; i < rank; i++)
						if (!gone.contains(i)) kept.add(dims.get(i));
					dims = kept;
				}
				break;
			}
			case "Reshape": {
				double[] shape = n.getInputCount() > 1 ? numbers(n.getInput(1)) : null;
				if (shape == null) return;
				dims = new ArrayList<>();
				long known = 1;
				int inferred = -1;
				for (int i = 0; i < shape.length; i++) {
					long d = (long) shape[i];
					if (d == 0 && i < in.getDimsCount()) d = in.getDims(i);
					if (d == -1) inferred = i;
					else known *= Math.max(d, 1);
					dims.add(d);
				}
				if (inferred >= 0) dims.set(inferred, known == 0 ? 0 : v.length /
					known);
				break;
			}
			case "ConstantOfShape": {
				dims = new ArrayList<>();
				long count = 1;
				for (double d : v) {
					if (d < 0 || d != Math.rint(d) || (count *= (long) d) > MAX_FOLDED)
						return;
					dims.add((long) d);
				}
				AttributeProto value = attr(n, "value");
				double fill = 0;
				if (value != null && value.hasT()) {
					double[] f = decode(value.getT());
					if (f == null || f.length != 1) return;
					fill = f[0];
				}
				v = new double[(int) count];
				Arrays.fill(v, fill);
				break;
			}
			case "Transpose": {
				if (count(dims) != v.length) return;
				int rank = dims.size();
				double[] perm = attrInts(n, "perm");
				int[] p = new int[rank];
				for (int i = 0; i < rank; i++)
					p[i] = perm == null ? rank - 1 - i : (int) perm[i];
				if (perm != null && perm.length != rank || Arrays.stream(p).distinct()
					.count() != rank || Arrays.stream(p).anyMatch(a -> a < 0 ||
						a >= rank)) return;
				int[][] picks = new int[rank][];
				List<Long> outDims = new ArrayList<>();
				for (int i = 0; i < rank; i++)
					outDims.add(dims.get(p[i]));
				for (int i = 0; i < rank; i++)
					picks[i] = java.util.stream.IntStream.range(0, (int) (long) dims.get(
						i)).toArray();
				v = gather(v, dims, picks, p);
				dims = outDims;
				break;
			}
			case "Slice": {
				if (count(dims) != v.length) return;
				int[][] picks = slice(n, dims);
				if (picks == null) return;
				int[] same = java.util.stream.IntStream.range(0, dims.size()).toArray();
				v = gather(v, dims, picks, same);
				dims = new ArrayList<>();
				for (int[] p : picks)
					dims.add((long) p.length);
				break;
			}
			case "Concat": {
				List<Double> all = new ArrayList<>();
				for (String i : n.getInputList()) {
					double[] part = numbers(i);
					TensorProto t = constants.get(i);
					if (part == null || t.getDimsCount() > 1) return;
					for (double d : part)
						all.add(d);
				}
				v = all.stream().mapToDouble(Double::doubleValue).toArray();
				dims = List.of((long) v.length);
				break;
			}
			default:
				return;
		}
		TensorProto.Builder t = TensorProto.newBuilder().setName(n.getOutput(0))
			.setDataType(TensorProto.DataType.DOUBLE_VALUE).addAllDims(dims);
		for (double d : v)
			t.addDoubleData(d);
		constants.put(n.getOutput(0), t.build());
	}

	private static long count(List<Long> dims) {
		long c = 1;
		for (long d : dims)
			c *= d;
		return c;
	}

	/**
	 * Which indices a Slice keeps along each axis of a tensor of {@code dims}, in
	 * order (a negative step walks backwards); its starts, ends, axes and steps
	 * are attributes before opset 10, inputs since. Null where they are not
	 * constants or do not fit the tensor.
	 */
	private int[][] slice(NodeProto n, List<Long> dims) {
		int rank = dims.size();
		double[] starts, ends, axes = null, steps = null;
		if (n.getInputCount() > 1) {
			starts = numbers(n.getInput(1));
			ends = n.getInputCount() > 2 ? numbers(n.getInput(2)) : null;
			if (n.getInputCount() > 3 && !n.getInput(3).isEmpty() && (axes = numbers(n
				.getInput(3))) == null) return null;
			if (n.getInputCount() > 4 && !n.getInput(4).isEmpty() && (steps = numbers(
				n.getInput(4))) == null) return null;
		}
		else {
			starts = attrInts(n, "starts");
			ends = attrInts(n, "ends");
			axes = attrInts(n, "axes");
		}
		if (starts == null || ends == null || starts.length != ends.length ||
			axes != null && axes.length != starts.length || steps != null &&
				steps.length != starts.length) return null;
		int[][] picks = new int[rank][];
		for (int i = 0; i < starts.length; i++) {
			int a = axes == null ? i : ImageAxes.axis(axes[i], rank);
			if (a < 0 || picks[a] != null) return null;
			double len = dims.get(a), step = steps == null ? 1 : steps[i];
			if (step == 0) return null;
			double s = starts[i] < 0 ? starts[i] + len : starts[i];
			double e = ends[i] < 0 ? ends[i] + len : ends[i];
			s = step > 0 ? Math.max(0, Math.min(len, s)) : Math.max(0, Math.min(len -
				1, s));
			e = step > 0 ? Math.max(0, Math.min(len, e)) : Math.max(-1, Math.min(len -
				1, e));
			List<Integer> kept = new ArrayList<>();
			for (double k = s; step > 0 ? k < e : k > e; k += step)
				kept.add((int) k);
			picks[a] = kept.stream().mapToInt(Integer::intValue).toArray();
		}
		for (int a = 0; a < rank; a++)
			if (picks[a] == null) picks[a] = java.util.stream.IntStream.range(0,
				(int) (long) dims.get(a)).toArray();
		return picks;
	}

	/**
	 * The elements of {@code v} (row-major, of {@code dims}) at the indices
	 * {@code picks} gives per axis, with the axes put in the order {@code order}
	 * (output axis i is input axis order[i]).
	 */
	private static double[] gather(double[] v, List<Long> dims, int[][] picks,
		int[] order)
	{
		int rank = dims.size();
		long[] strides = new long[rank];
		for (int i = rank - 1, s = 1; i >= 0; s *= dims.get(i), i--)
			strides[i] = s;
		int total = 1;
		for (int[] p : picks)
			total *= p.length;
		double[] out = new double[total];
		int[] at = new int[rank];
		for (int k = 0; k < total; k++) {
			long src = 0;
			for (int i = 0; i < rank; i++)
				src += strides[order[i]] * picks[order[i]][at[i]];
			out[k] = v[(int) src];
			for (int i = rank - 1; i >= 0; i--)
				if (++at[i] < picks[order[i]].length) break;
				else at[i] = 0;
		}
		return out;
	}

	/**
	 * A node that reads image shapes but no image data: its outputs are shapes
	 * too (their values computed where this is simple shape arithmetic), except a
	 * constant-valued tensor made to a shape, which is no image data at all.
	 */
	private void sizeArithmetic(NodeProto n) {
		String op = OnnxGraphInfo.isStandardDomain(n.getDomain()) ? n.getOpType()
			: "";
		if (op.equals("ConstantOfShape") || op.equals("Shape") || op.equals("Size"))
			return;
		List<Extent> values = SIZE_ARITHMETIC.contains(op) ? sizeValues(n, op)
			: null;
		for (String o : n.getOutputList())
			if (!o.isEmpty()) putSize(o, values);
	}

	private List<Extent> sizeValues(NodeProto n, String op) {
		switch (op) {
			case "Identity", "Cast", "Reshape", "Floor", "Ceil", "Round":
				return values(n.getInput(0));
			case "Unsqueeze", "Squeeze": // a scalar and a one-element vector hold the
																		// same value
				return values(n.getInput(0));
			case "Concat": {
				List<Extent> all = new ArrayList<>();
				for (String i : n.getInputList()) {
					List<Extent> v = values(i);
					if (v == null) return null;
					all.addAll(v);
				}
				return all;
			}
			case "Gather": {
				List<Extent> v = values(n.getInput(0));
				double[] idx = numbers(n.getInput(1));
				if (v == null || idx == null || attrInt(n, "axis", 0) != 0) return null;
				List<Extent> picked = new ArrayList<>();
				for (double d : idx) {
					int k = (int) (d < 0 ? d + v.size() : d);
					if (k < 0 || k >= v.size()) return null;
					picked.add(v.get(k));
				}
				return picked;
			}
			case "Slice": {
				List<Extent> v = values(n.getInput(0));
				double[] starts = n.getInputCount() > 1 ? numbers(n.getInput(1))
					: attrInts(n, "starts");
				double[] ends = n.getInputCount() > 2 ? numbers(n.getInput(2))
					: attrInts(n, "ends");
				double[] steps = n.getInputCount() > 4 && !n.getInput(4).isEmpty()
					? numbers(n.getInput(4)) : null;
				if (v == null || starts == null || ends == null || starts.length != 1 ||
					steps != null && steps[0] != 1) return null;
				int len = v.size();
				int s = (int) Math.max(0, Math.min(len, starts[0] < 0 ? starts[0] + len
					: starts[0]));
				int e = (int) Math.max(0, Math.min(len, ends[0] < 0 ? ends[0] + len
					: ends[0]));
				return s <= e ? v.subList(s, e) : null;
			}
			case "Mul", "Div", "Add", "Sub": {
				List<Extent> a = values(n.getInput(0)), b = values(n.getInput(1));
				if (a == null || b == null) return null;
				int len = Math.max(a.size(), b.size());
				if (a.size() != len && a.size() != 1 || b.size() != len && b
					.size() != 1) return null;
				List<Extent> r = new ArrayList<>();
				for (int i = 0; i < len; i++) {
					Extent x = a.get(a.size() == 1 ? 0 : i), y = b.get(b.size() == 1 ? 0
						: i);
					r.add(switch (op) {
						case "Mul" -> x.times(y);
						case "Div" -> x.isInteger() && y.isInteger() && y.num() != 0
							? Extent.of(Math.floorDiv(x.num(), y.num())) : x.dividedBy(y);
						case "Add" -> x.plus(y);
						default -> x.plus(y.times(Extent.of(-1)));
					});
				}
				return r;
			}
			default:
				return null;
		}
	}

	/** The values of a shape or constant tensor as lengths, or null. */
	List<Extent> values(String name) {
		List<Extent> s = sizes.get(name);
		if (s != null) return s == UNKNOWN ? null : s;
		double[] v = numbers(name);
		if (v == null) return null;
		List<Extent> r = new ArrayList<>();
		for (double d : v)
			r.add(d == Math.rint(d) ? Extent.of((long) d) : Extent.UNKNOWN);
		return r;
	}

	/** The values of a constant tensor, or null. */
	double[] numbers(String name) {
		TensorProto t = constants.get(name);
		return t == null ? null : decode(t);
	}

	/** The shape of a constant tensor, or null. */
	long[] shape(String name) {
		TensorProto t = constants.get(name);
		return t == null ? null : t.getDimsList().stream().mapToLong(
			Long::longValue).toArray();
	}
}
