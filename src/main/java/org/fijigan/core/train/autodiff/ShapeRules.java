
package org.fijigan.core.train.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Gradients of reductions and of operators that move, select or reshape data
 * without computing: their backward passes scatter the gradient back with
 * Reshape, Transpose, Split, Concat, Pad and a one-hot MatMul (Gather), all
 * standard operators in every opset from 9 on.
 */
final class ShapeRules {

	private ShapeRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("ReduceSum", (n, g, need, e) -> new String[] { expandReduced(n, g[0],
			e, 1) });
		m.put("ReduceMean", (n, g, need, e) -> {
			long[] in = e.shape(n.getInput(0)), axes = reduceAxes(n, e);
			long count = 1;
			for (long a : axes)
				count *= in[(int) a];
			return new String[] { expandReduced(n, g[0], e, 1f / count) };
		});
		// operators that only rearrange elements: the gradient takes the input's
		// shape back
		for (String op : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze"))
			m.put(op, (n, g, need, e) -> new String[] { e.reshape(g[0], e.shape(n
				.getInput(0))) });
		m.put("Expand", (n, g, need, e) -> new String[] { e.sumToShape(g[0], e
			.shape(n.getInput(0))) });
		m.put("Transpose", ShapeRules::transpose);
		m.put("Concat", ShapeRules::concat);
		m.put("Split", ShapeRules::split);
		m.put("Slice", ShapeRules::slice);
		m.put("Gather", ShapeRules::gather);
		m.put("Tile", ShapeRules::tile);
	}

	/** The inverse permutation (default: reversed axes, its own inverse). */
	private static String[] transpose(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		int rank = e.rank(n.getInput(0));
		long[] perm = Nodes.attrInts(n, "perm", null);
		long[] inverse = new long[rank];
		for (int i = 0; i < rank; i++)
			inverse[perm == null ? rank - 1 - i : (int) perm[i]] = i;
		return new String[] { e.transpose(g[0], inverse) };
	}

	/**
	 * The upstream gradient split back into the pieces that were concatenated.
	 */
	private static String[] concat(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		if (Nodes.attribute(n, "axis") == null) throw ElementwiseRules.unsupported(
			n, "it has no axis attribute");
		int axis = Nodes.axis(Nodes.attrInt(n, "axis", 0), e.rank(n.getOutput(0)));
		long[] sizes = new long[n.getInputCount()];
		for (int i = 0; i < sizes.length; i++)
			sizes[i] = e.shape(n.getInput(i))[axis];
		List<String> parts = e.split(g[0], axis, sizes);
		String[] r = new String[sizes.length];
		for (int i = 0; i < sizes.length; i++)
			if (need[i]) r[i] = parts.get(i);
		return r;
	}

	/**
	 * The output gradients concatenated back, zeros for outputs that get none.
	 * The pieces' sizes are their shapes, so the split attribute, input or
	 * num_outputs need not be read.
	 */
	private static String[] split(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0);
		int axis = Nodes.axis(Nodes.attrInt(n, "axis", 0), e.rank(x));
		if (g.length == 1) return new String[] { g[0] };
		List<String> parts = new ArrayList<>();
		for (int k = 0; k < g.length; k++) {
			if (n.getOutput(k).isEmpty()) throw ElementwiseRules.unsupported(n,
				"output " + k + " is omitted, so its size is unknown");
			parts.add(g[k] != null ? g[k] : e.zeros(e.shape(n.getOutput(k))));
		}
		String[] r = new String[need.length];
		r[0] = e.op("Concat", e.shape(x), parts, GraphEmitter.attr("axis", axis));
		return r;
	}

	/**
	 * Scatters the gradient of the sliced elements back into zeros of the input's
	 * shape, with Pad, Reshape and (for negative steps) a reversing Slice only,
	 * so that every execution provider runs it. Per sliced axis with step s and
	 * |s| > 1, each gradient element is followed by |s| - 1 zeros (Reshape to
	 * [.., L, 1, ..], Pad to [.., L, |s|, ..], Reshape to [.., L |s|, ..]); one
	 * Pad then places every axis at its first selected index. Starts, ends, axes
	 * and steps are attributes before opset 10 and constant inputs from 10 on.
	 */
	private static String[] slice(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0);
		long[] in = e.shape(x);
		int rank = in.length;
		long[] starts, ends, axes, steps;
		if (e.opset() < 10) {
			starts = Nodes.attrInts(n, "starts", null);
			ends = Nodes.attrInts(n, "ends", null);
			axes = Nodes.attrInts(n, "axes", null);
			steps = null;
		}
		else {
			starts = e.constantLongs(Nodes.input(n, 1));
			ends = e.constantLongs(Nodes.input(n, 2));
			axes = Nodes.input(n, 3) == null ? null : e.constantLongs(n.getInput(3));
			steps = Nodes.input(n, 4) == null ? null : e.constantLongs(n.getInput(4));
			if (starts == null || ends == null || Nodes.input(n, 3) != null &&
				axes == null || Nodes.input(n, 4) != null && steps == null)
				throw ElementwiseRules.unsupported(n,
					"its starts, ends, axes and steps must be constants");
		}
		if (starts == null || ends == null || starts.length != ends.length ||
			axes != null && axes.length != starts.length || steps != null &&
				steps.length != starts.length) throw ElementwiseRules.unsupported(n,
					"its starts, ends, axes and steps do not match");
		long[] begin = new long[rank], end = new long[rank];
		String grad = g[0];
		for (int i = 0; i < starts.length; i++) {
			int a = Nodes.axis(axes == null ? i : axes[i], rank);
			long dim = in[a], step = steps == null ? 1 : steps[i];
			if (step == 0) throw ElementwiseRules.unsupported(n, "a step is 0");
			long start = starts[i] < 0 ? starts[i] + dim : starts[i];
			long stop = ends[i] < 0 ? ends[i] + dim : ends[i];
			long first, count;
			if (step > 0) {
				start = Math.max(0, Math.min(dim, start));
				stop = Math.max(0, Math.min(dim, stop));
				count = Math.max(0, ceilDiv(stop - start, step));
				first = start;
			}
			else {
				start = Math.max(0, Math.min(dim - 1, start));
				stop = Math.max(-1, Math.min(dim - 1, stop));
				count = Math.max(0, ceilDiv(start - stop, -step));
				first = start + (count - 1) * step;
				// reverse, so that the gradient runs along increasing input positions
				grad = e.op("Slice", e.shape(grad), List.of(grad, e.longs(-1), e.longs(
					Long.MIN_VALUE), e.longs(a), e.longs(-1)));
			}
			if (count != e.shape(grad)[a]) throw new IllegalStateException(Nodes
				.describe(n) + " selects " + count + " elements along axis " + a +
				" but its output has " + e.shape(grad)[a]);
			if (count == 0) return new String[] { e.zeros(in) };
			long stride = Math.abs(step), span = count;
			if (stride > 1) {
				long[] s = e.shape(grad);
				long[] split = new long[s.length + 1], widePads = new long[2 *
					(s.length + 1)];
				for (int k = 0, j = 0; k < s.length; k++) {
					split[j++] = s[k];
					if (k == a) split[j++] = 1;
				}
				widePads[s.length + 1 + a + 1] = stride - 1;
				String spread = e.pad(e.reshape(grad, split), widePads);
				long[] merged = s.clone();
				merged[a] = count * stride;
				grad = e.reshape(spread, merged);
				span = count * stride;
				if (first + span > dim) {
					// drop the zeros that would run past the input's end
					span = (count - 1) * stride + 1;
					grad = e.slice(grad, new long[] { 0 }, new long[] { span },
						new long[] { a });
				}
			}
			begin[a] = first;
			end[a] = dim - first - span;
		}
		long[] pads = new long[2 * rank];
		System.arraycopy(begin, 0, pads, 0, rank);
		System.arraycopy(end, 0, pads, rank, rank);
		boolean any = false;
		for (long p : pads)
			any |= p != 0;
		String[] r = new String[need.length];
		r[0] = any ? e.pad(grad, pads) : grad;
		return r;
	}

	private static long ceilDiv(long a, long b) {
		return -Math.floorDiv(-a, b);
	}

	/**
	 * Gather along an axis (embeddings on axis 0): the gradient of the table is a
	 * one-hot matrix [V, n] of the n indices times the upstream gradient viewed
	 * as [P, n, Q], which adds up repeated indices; negative indices (allowed
	 * from opset 11) match through a second comparison.
	 */
	private static String[] gather(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String data = n.getInput(0), indices = n.getInput(1);
		long[] ds = e.shape(data);
		int axis = Nodes.axis(Nodes.attrInt(n, "axis", 0), ds.length);
		long rows = ds[axis], outer = 1, inner = 1, count = 1;
		for (int i = 0; i < axis; i++)
			outer *= ds[i];
		for (int i = axis + 1; i < ds.length; i++)
			inner *= ds[i];
		for (long d : e.shape(indices))
			count *= d;
		String[] r = new String[need.length];
		if (!need[0]) return r;
		String flat = e.reshape(e.cast(indices, TensorProto.DataType.INT64_VALUE),
			new long[] { 1, count });
		long[] positions = new long[(int) rows], fromEnd = new long[(int) rows];
		for (int i = 0; i < rows; i++) {
			positions[i] = i;
			fromEnd[i] = i - rows;
		}
		String hit = e.compare("Equal", e.longs(positions, rows, 1), flat);
		if (e.opset() >= 11) hit = e.compare("Or", hit, e.compare("Equal", e.longs(
			fromEnd, rows, 1), flat));
		String oneHot = e.cast(hit, e.type(g[0]));
		String dy = e.reshape(g[0], outer == 1 ? new long[] { count, inner }
			: new long[] { outer, count, inner });
		r[0] = e.reshape(e.matMul(oneHot, dy), ds);
		return r;
	}

	/**
	 * Tile repeats the whole input {@code r} times along each axis, so output
	 * axis a of size {@code r s} is {@code r} blocks of the input's {@code s}:
	 * one Reshape splits each repeated axis into (r, s) and one ReduceSum adds
	 * the blocks. The repeats input must be a constant.
	 */
	private static String[] tile(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		long[] in = e.shape(n.getInput(0));
		long[] repeats = e.constantLongs(Nodes.input(n, 1));
		if (repeats == null || repeats.length != in.length) throw ElementwiseRules
			.unsupported(n, repeats == null ? "its repeats must be a constant"
				: "it has " + repeats.length + " repeats for " + in.length + " axes");
		String[] r = new String[need.length];
		List<Long> split = new ArrayList<>(), blocks = new ArrayList<>();
		for (int a = 0; a < in.length; a++) {
			if (repeats[a] == 0) {
				// an empty output: no element depends on the input
				r[0] = e.zeros(in);
				return r;
			}
			if (repeats[a] > 1) {
				blocks.add((long) split.size());
				split.add(repeats[a]);
			}
			split.add(in[a]);
		}
		r[0] = e.reduceSum(e.reshape(g[0], split.stream().mapToLong(Long::longValue)
			.toArray()), blocks.stream().mapToLong(Long::longValue).toArray(), false);
		return r;
	}

	/**
	 * Non-negative reduction axes of a Reduce* node (attribute or, from opset
	 * 13/18, input).
	 */
	static long[] reduceAxes(NodeProto n, GraphEmitter e) {
		int rank = e.rank(n.getInput(0));
		long[] axes = Nodes.attrInts(n, "axes", null);
		if (axes == null && Nodes.input(n, 1) != null) {
			axes = e.constantLongs(n.getInput(1));
			if (axes == null) throw new org.fijigan.core.GanException(
				"fine-tuning needs constant axes for " + Nodes.describe(n));
		}
		if (axes == null || axes.length == 0) {
			if (Nodes.attrInt(n, "noop_with_empty_axes", 0) == 1) return new long[0];
			axes = new long[rank];
			for (int i = 0; i < rank; i++)
				axes[i] = i;
		}
		long[] r = new long[axes.length];
		for (int i = 0; i < axes.length; i++)
			r[i] = Nodes.axis(axes[i], rank);
		return r;
	}

	/**
	 * The upstream gradient of a reduction, scaled and broadcast back to the
	 * input's shape.
	 */
	private static String expandReduced(NodeProto n, String g, GraphEmitter e,
		float scale)
	{
		long[] in = e.shape(n.getInput(0));
		long[] kept = GraphEmitter.reducedShape(in, reduceAxes(n, e), true);
		String r = e.reshape(g, kept);
		if (scale != 1) r = e.mul(r, e.scalar(scale));
		return e.op("Expand", in, List.of(r, e.longs(in)));
	}
}
