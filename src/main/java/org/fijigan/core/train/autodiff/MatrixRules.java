
package org.fijigan.core.train.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.NodeProto;

/** Gradients of the matrix products Gemm and MatMul. */
final class MatrixRules {

	private MatrixRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("Gemm", MatrixRules::gemm);
		m.put("MatMul", MatrixRules::matMul);
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
}
