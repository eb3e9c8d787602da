
package org.fijigan.core.train.autodiff;

import java.util.Map;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Gradients of the reductions whose derivative depends on the values reduced
 * (ReduceMax, ReduceMin, ReduceL2) and of Softmax and LogSoftmax, which
 * normalise along axes. ReduceSum and ReduceMean are in {@link ShapeRules}.
 * <p>
 * The reduction axes are read as {@link ShapeRules#reduceAxes} reads them: an
 * attribute before opset 18 and a constant input from 18 on, all axes when none
 * are given, none with {@code noop_with_empty_axes}; {@code keepdims} only
 * changes the upstream gradient's shape. ReduceMax and ReduceMin split the
 * gradient evenly between tied elements, as PyTorch's {@code amax} and
 * {@code amin} do (and as the Max and Min rules do); PyTorch's
 * {@code max(x, dim)}, exported as ReduceMax beside an ArgMax, gives it all to
 * one of them instead, which makes a difference only where values tie exactly.
 */
final class ReductionRules {

	private ReductionRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("ReduceMax", (n, g, need, e) -> extremum(n, g[0], e, "Less"));
		m.put("ReduceMin", (n, g, need, e) -> extremum(n, g[0], e, "Greater"));
		m.put("ReduceL2", ReductionRules::l2);
		m.put("Softmax", ReductionRules::softmax);
		m.put("LogSoftmax", ReductionRules::logSoftmax);
	}

	/**
	 * The gradient goes to the elements that equal the reduced value, divided by
	 * how many do. An element equals it where it is not below (above) it, which
	 * needs no float Equal (not before opset 11).
	 */
	private static String[] extremum(NodeProto n, String g, GraphEmitter e,
		String beaten)
	{
		String x = n.getInput(0);
		long[] axes = ShapeRules.reduceAxes(n, e);
		if (axes.length == 0) return new String[] { g };
		long[] kept = GraphEmitter.reducedShape(e.shape(x), axes, true);
		String hit = e.cast(e.unary("Not", e.compare(beaten, x, e.reshape(n
			.getOutput(0), kept))), e.type(x));
		String share = e.div(e.reshape(g, kept), e.reduceSum(hit, axes, true));
		return new String[] { e.mul(hit, share) };
	}

	/**
	 * y = sqrt(sum(x^2)): dx = g x / y, and 0 where y = 0 (where x is 0 too, so x
	 * times g over y with y replaced by 1 there, as PyTorch's norm does).
	 * {@code noop_with_empty_axes} with no axes gives |x|, as ONNX Runtime
	 * computes it, and the same formula its gradient.
	 */
	private static String[] l2(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0);
		long[] axes = ShapeRules.reduceAxes(n, e);
		long[] kept = GraphEmitter.reducedShape(e.shape(x), axes, true);
		String norm = e.reshape(n.getOutput(0), kept);
		String safe = e.where(e.compare("Greater", norm, e.scalar(0f)), norm, e
			.scalar(1f));
		return new String[] { e.mul(x, e.div(e.reshape(g[0], kept), safe)) };
	}

	/** y = softmax(x): dx = y (g - sum(g y)), the sum over the softmax axes. */
	private static String[] softmax(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String y = n.getOutput(0);
		String dotted = e.reduceSum(e.mul(g[0], y), softmaxAxes(n, e), true);
		return new String[] { e.mul(y, e.sub(g[0], dotted)) };
	}

	/** y = x - log(sum(exp(x))): dx = g - exp(y) sum(g). */
	private static String[] logSoftmax(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String total = e.reduceSum(g[0], softmaxAxes(n, e), true);
		return new String[] { e.sub(g[0], e.mul(e.unary("Exp", n.getOutput(0)),
			total)) };
	}

	/**
	 * The axes Softmax and LogSoftmax normalise over: before opset 13 the input
	 * is seen as a matrix whose rows are everything from {@code axis} (default 1)
	 * on; from 13 on only {@code axis} (default -1).
	 */
	private static long[] softmaxAxes(NodeProto n, GraphEmitter e) {
		int rank = e.rank(n.getInput(0));
		boolean matrix = e.opset() < 13;
		long given = Nodes.attrInt(n, "axis", matrix ? 1 : -1);
		int axis = Nodes.axis(given, rank);
		if (axis < 0 || axis >= Math.max(rank, 1)) throw ElementwiseRules
			.unsupported(n, "axis " + given + " is outside the input's " + rank +
				" axes");
		return matrix ? ConvRules.range(axis, rank) : new long[] { axis };
	}
}
