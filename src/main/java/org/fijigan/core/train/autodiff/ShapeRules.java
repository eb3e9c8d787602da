package org.fijigan.core.train.autodiff;

import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.NodeProto;

/** Gradients of reductions and of operators that move or reshape data without computing. */
final class ShapeRules {
	private ShapeRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("ReduceSum", (n, g, need, e) -> new String[] { expandReduced(n, g[0], e, 1) });
		m.put("ReduceMean", (n, g, need, e) -> {
			long[] in = e.shape(n.getInput(0)), axes = reduceAxes(n, e);
			long count = 1;
			for (long a : axes)
				count *= in[(int) a];
			return new String[] { expandReduced(n, g[0], e, 1f / count) };
		});
	}

	/** Non-negative reduction axes of a Reduce* node (attribute or, from opset 13/18, input). */
	static long[] reduceAxes(NodeProto n, GraphEmitter e) {
		int rank = e.rank(n.getInput(0));
		long[] axes = Nodes.attrInts(n, "axes", null);
		if (axes == null && Nodes.input(n, 1) != null) {
			axes = e.constantLongs(n.getInput(1));
			if (axes == null) throw new org.fijigan.core.GanException("fine-tuning needs constant axes for " +
				Nodes.describe(n));
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

	/** The upstream gradient of a reduction, scaled and broadcast back to the input's shape. */
	private static String expandReduced(NodeProto n, String g, GraphEmitter e, float scale) {
		long[] in = e.shape(n.getInput(0));
		long[] kept = GraphEmitter.reducedShape(in, reduceAxes(n, e), true);
		String r = e.reshape(g, kept);
		if (scale != 1) r = e.mul(r, e.scalar(scale));
		return e.op("Expand", in, List.of(r, e.longs(in)));
	}
}
