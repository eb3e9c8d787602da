package org.fijigan.core.train.autodiff;

import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.NodeProto;

/** Gradients of element-wise operators, with numpy broadcasting undone by {@link GraphEmitter#sumToShape}. */
final class ElementwiseRules {
	private ElementwiseRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("Identity", ElementwiseRules::passThrough);
		m.put("Add", (n, g, need, e) -> new String[] { need[0] ? e.sumToShape(g[0], e.shape(n.getInput(0)))
			: null, need[1] ? e.sumToShape(g[0], e.shape(n.getInput(1))) : null });
		m.put("Sub", (n, g, need, e) -> new String[] { need[0] ? e.sumToShape(g[0], e.shape(n.getInput(0)))
			: null, need[1] ? e.sumToShape(e.neg(g[0]), e.shape(n.getInput(1))) : null });
		m.put("Mul", (n, g, need, e) -> new String[] { need[0] ? e.sumToShape(e.mul(g[0], n.getInput(1)), e
			.shape(n.getInput(0))) : null, need[1] ? e.sumToShape(e.mul(g[0], n.getInput(0)), e.shape(n
				.getInput(1))) : null });
		m.put("Relu", (n, g, need, e) -> {
			// dy/dx = 1 where x > 0
			String mask = e.op("Cast", e.shape(n.getInput(0)), List.of(e.op("Greater", e.shape(n.getInput(0)),
				List.of(n.getInput(0), e.scalar(0f)))), GraphEmitter.attr("to", 1L));
			return new String[] { e.mul(g[0], mask) };
		});
	}

	/** y = x: the gradient passes through unchanged. */
	static String[] passThrough(NodeProto n, String[] g, boolean[] need, GraphEmitter e) {
		return new String[] { g[0] };
	}
}
