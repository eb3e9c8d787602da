
package org.fijigan.core.train.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.NodeProto;

/** Gradients of the matrix products Gemm, MatMul and Einsum. */
final class MatrixRules {

	private MatrixRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("Gemm", MatrixRules::gemm);
		m.put("MatMul", MatrixRules::matMul);
		m.put("Einsum", MatrixRules::einsum);
	}

	/**
	 * Y = alpha A' B' + beta C with A' = A or A^T, B' = B or B^T: dA' = alpha g
	 * B'^T, dB' = alpha A'^T g, each written as one Gemm whose transpose flags
	 * absorb the transposes; dC = beta g summed back to C's shape.
	 */
	private static String[] gemm(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		float alpha = Nodes.attrFloat(n, "alpha", 1f), beta = Nodes.attrFloat(n,
			"beta", 1f);
		boolean ta = Nodes.attrInt(n, "transA", 0) != 0, tb = Nodes.attrInt(n,
			"transB", 0) != 0;
		String a = n.getInput(0), b = n.getInput(1), dy = g[0];
		String[] r = new String[need.length];
		if (need[0]) r[0] = ta ? product(e, b, tb, dy, true, alpha) : product(e, dy,
			false, b, !tb, alpha);
		if (need[1]) r[1] = tb ? product(e, dy, true, a, ta, alpha) : product(e, a,
			!ta, dy, false, alpha);
		if (need.length > 2 && need[2]) {
			String c = n.getInput(2);
			r[2] = e.sumToShape(beta == 1 ? dy : e.mul(dy, e.scalar(beta)), e.shape(
				c));
		}
		return r;
	}

	/**
	 * alpha op(x) op(y) as a Gemm; C is omitted from opset 11 on and a scalar
	 * zero before.
	 */
	private static String product(GraphEmitter e, String x, boolean tx, String y,
		boolean ty, float alpha)
	{
		long[] sx = e.shape(x), sy = e.shape(y);
		long[] out = { tx ? sx[1] : sx[0], ty ? sy[0] : sy[1] };
		List<String> inputs = new ArrayList<>(List.of(x, y));
		if (e.opset() < 11) inputs.add(e.scalar(0f));
		return e.op("Gemm", out, inputs, GraphEmitter.attr("alpha", alpha),
			GraphEmitter.attr("transA", tx ? 1L : 0L), GraphEmitter.attr("transB", ty
				? 1L : 0L));
	}

	/**
	 * numpy matmul: a 1-D left operand is a row [1, K], a 1-D right operand a
	 * column [K, 1], and the batch axes broadcast. dA = g B^T and dB = A^T g,
	 * summed back over broadcast batch axes.
	 */
	private static String[] matMul(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String a = n.getInput(0), b = n.getInput(1);
		long[] sa = e.shape(a), sb = e.shape(b);
		long[] sa2 = sa.length == 1 ? new long[] { 1, sa[0] } : sa;
		long[] sb2 = sb.length == 1 ? new long[] { sb[0], 1 } : sb;
		String a2 = e.reshape(a, sa2), b2 = e.reshape(b, sb2);
		long[] batch = GraphEmitter.broadcast(Arrays.copyOf(sa2, sa2.length - 2),
			Arrays.copyOf(sb2, sb2.length - 2));
		long[] out = Arrays.copyOf(batch, batch.length + 2);
		out[batch.length] = sa2[sa2.length - 2];
		out[batch.length + 1] = sb2[sb2.length - 1];
		String dy = e.reshape(g[0], out);
		return new String[] { need[0] ? e.reshape(e.sumToShape(e.matMul(dy,
			lastTwoSwapped(e, b2)), sa2), sa) : null, need[1] ? e.reshape(e
				.sumToShape(e.matMul(lastTwoSwapped(e, a2), dy), sb2), sb) : null };
	}

	private static String lastTwoSwapped(GraphEmitter e, String x) {
		int r = e.rank(x);
		long[] perm = new long[r];
		for (int i = 0; i < r; i++)
			perm[i] = i;
		perm[r - 2] = r - 1;
		perm[r - 1] = r - 2;
		return e.transpose(x, perm);
	}

	/**
	 * An Einsum's gradient with respect to one operand is another Einsum: the
	 * upstream gradient (with the output's indices) times every other operand,
	 * summed to the operand's indices. An index only that operand has (summed
	 * within it, as in {@code ij->i}) comes from a ones tensor of its size, so
	 * any number of operands works, as do ellipses, transposes and sums. Refused,
	 * with the reason: an index repeated within one operand (a diagonal, such as
	 * {@code ii->i}), and sizes that broadcast (an index or ellipsis axis of size
	 * 1 against a larger one).
	 */
	private static String[] einsum(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String equation = Nodes.attrString(n, "equation", "").replace(" ", "");
		int count = n.getInputCount();
		String[] sides = equation.split("->", -1);
		String[] terms = sides[0].split(",", -1);
		if (sides.length > 2 || terms.length != count) throw ElementwiseRules
			.unsupported(n, "its equation '" + equation + "' does not name " + count +
				" operands");
		// each ellipsis becomes letters the equation does not use, right-aligned
		int ellipsis = 0;
		for (int k = 0; k < count; k++)
			ellipsis = Math.max(ellipsis, e.rank(n.getInput(k)) - terms[k].replace(
				"...", "").length());
		StringBuilder spare = new StringBuilder();
		for (char c = 'A'; spare.length() < ellipsis && c <= 'z'; c++)
			if (Character.isLetter(c) && equation.indexOf(c) < 0) spare.append(c);
		String[] indices = new String[count];
		Map<Character, Long> sizes = new java.util.HashMap<>();
		for (int k = 0; k < count; k++) {
			long[] shape = e.shape(n.getInput(k));
			int own = shape.length - terms[k].replace("...", "").length();
			indices[k] = terms[k].replace("...", spare.substring(ellipsis - Math.max(
				0, own)));
			if (indices[k].length() != shape.length || !indices[k].chars().allMatch(
				Character::isLetter)) throw ElementwiseRules.unsupported(n,
					"its equation '" + equation + "' does not match operand " + k +
						"'s " + shape.length + " axes");
			for (int i = 0; i < shape.length; i++) {
				char c = indices[k].charAt(i);
				if (indices[k].indexOf(c) != i) throw ElementwiseRules.unsupported(n,
					"index '" + c + "' appears twice in operand " + k +
						" (a diagonal), which has no gradient rule");
				Long before = sizes.putIfAbsent(c, shape[i]);
				if (before != null && before != shape[i]) throw ElementwiseRules
					.unsupported(n, "operand " + k + " broadcasts an axis of size " + Math
						.min(before, shape[i]) + " against " + Math.max(before, shape[i]) +
						", which has no gradient rule");
			}
		}
		String output = sides.length == 2 ? sides[1].replace("...", spare)
			: implicitOutput(indices, spare.toString());
		String[] r = new String[count];
		for (int k = 0; k < count; k++) {
			if (!need[k]) continue;
			List<String> inputs = new ArrayList<>(List.of(g[0]));
			StringBuilder lhs = new StringBuilder(output);
			String reached = output;
			for (int j = 0; j < count; j++)
				if (j != k) {
					inputs.add(n.getInput(j));
					lhs.append(',').append(indices[j]);
					reached += indices[j];
				}
			StringBuilder alone = new StringBuilder();
			for (char c : indices[k].toCharArray())
				if (reached.indexOf(c) < 0) alone.append(c);
			if (alone.length() > 0) {
				long[] shape = alone.chars().mapToLong(c -> sizes.get((char) c))
					.toArray();
				inputs.add(ones(e, shape, e.type(g[0])));
				lhs.append(',').append(alone);
			}
			r[k] = e.op("Einsum", e.shape(n.getInput(k)), inputs, GraphEmitter.attr(
				"equation", lhs + "->" + indices[k]));
		}
		return r;
	}

	/**
	 * The output indices of an equation without {@code ->}: the ellipsis axes,
	 * then the indices that appear once, in alphabetical order.
	 */
	private static String implicitOutput(String[] indices, String ellipsis) {
		String all = String.join("", indices);
		StringBuilder out = new StringBuilder(ellipsis);
		all.chars().filter(c -> ellipsis.indexOf(c) < 0 && all.indexOf(c) == all
			.lastIndexOf(c)).sorted().forEach(c -> out.append((char) c));
		return out.toString();
	}

	/** A tensor of ones of float element type {@code type}. */
	private static String ones(GraphEmitter e, long[] shape, int type) {
		long count = 1;
		for (long d : shape)
			count *= d;
		if (count > 4096) return e.op("Expand", shape, List.of(e.constant(
			new float[] { 1f }, type), e.longs(shape)));
		float[] v = new float[(int) count];
		Arrays.fill(v, 1f);
		return e.constant(v, type, shape);
	}
}
