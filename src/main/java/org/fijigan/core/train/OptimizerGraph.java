
package org.fijigan.core.train;

import java.util.List;
import java.util.Map;

import org.fijigan.core.train.autodiff.GraphEmitter;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Emits the optimizer update of a step graph: the new value of each parameter,
 * and Adam's new moments, as outputs named by {@link StepGraph#updated}, from
 * the gradients and the per-step scalar inputs {@link StepGraph#LR},
 * {@link StepGraph#BIAS1} and {@link StepGraph#BIAS2}.
 */
final class OptimizerGraph {

	private OptimizerGraph() {}

	/**
	 * SGD: {@code w' = w - lr g}. Adam(W), as PyTorch:
	 * {@code m' = b1 m + (1-b1) g}, {@code v' = b2 v + (1-b2) g^2},
	 * {@code w' = w (1 - lr wd) - lr (m' c1) / (sqrt(v' c2) + eps)} with
	 * {@code c1 = 1/(1-b1^t)}, {@code c2 = 1/(1-b2^t)} fed each step.
	 */
	static void emitUpdates(GraphEmitter e, List<Parameter> parameters,
		Map<String, String> grads, OptimizerConfig opt, List<String> state,
		List<String> outputs)
	{
		GraphProto.Builder g = e.graph();
		StepGraph.addInput(g, StepGraph.LR, TensorProto.DataType.FLOAT_VALUE,
			new long[0]);
		e.setShape(StepGraph.LR, new long[0]);
		if (opt.kind() == OptimizerConfig.Kind.ADAM) {
			StepGraph.addInput(g, StepGraph.BIAS1, TensorProto.DataType.FLOAT_VALUE,
				new long[0]);
			StepGraph.addInput(g, StepGraph.BIAS2, TensorProto.DataType.FLOAT_VALUE,
				new long[0]);
			e.setShape(StepGraph.BIAS1, new long[0]);
			e.setShape(StepGraph.BIAS2, new long[0]);
		}
		for (Parameter p : parameters) {
			String w = p.name(), grad = grads.get(w);
			String next;
			if (opt.kind() == OptimizerConfig.Kind.SGD) next = e.sub(w, e.mul(grad,
				StepGraph.LR));
			else {
				String m = StepGraph.state(w, 0), v = StepGraph.state(w, 1);
				StepGraph.addInput(g, m, TensorProto.DataType.FLOAT_VALUE, p.shape());
				StepGraph.addInput(g, v, TensorProto.DataType.FLOAT_VALUE, p.shape());
				e.setShape(m, p.shape());
				e.setShape(v, p.shape());
				state.add(m);
				state.add(v);
				String m2 = e.add(e.mul(m, e.scalar((float) opt.beta1())), e.mul(grad, e
					.scalar((float) (1 - opt.beta1()))));
				String v2 = e.add(e.mul(v, e.scalar((float) opt.beta2())), e.mul(e.mul(
					grad, grad), e.scalar((float) (1 - opt.beta2()))));
				String denom = e.add(e.unary("Sqrt", e.mul(v2, StepGraph.BIAS2)), e
					.scalar((float) opt.epsilon()));
				String step = e.mul(e.div(e.mul(m2, StepGraph.BIAS1), denom),
					StepGraph.LR);
				String base = w;
				if (opt.weightDecay() > 0) base = e.sub(w, e.mul(e.mul(w, StepGraph.LR),
					e.scalar((float) opt.weightDecay())));
				next = e.sub(base, step);
				outputs.add(StepGraph.rename(e, m2, StepGraph.updated(m)));
				outputs.add(StepGraph.rename(e, v2, StepGraph.updated(v)));
			}
			outputs.add(StepGraph.rename(e, next, StepGraph.updated(w)));
		}
	}
}
