
package org.fijigan.core.train.autodiff;

import java.util.Map;

import org.fijigan.core.GanException;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Gradients of BatchNormalization (inference form: the running statistics are
 * inputs, used as they are) and InstanceNormalization (statistics over the
 * spatial axes of each sample and channel, differentiated through their
 * decomposition).
 */
final class NormalizationRules {

	private NormalizationRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("BatchNormalization", NormalizationRules::batchNormalization);
		m.put("InstanceNormalization", NormalizationRules::instanceNormalization);
	}

	/**
	 * {@code y = scale * (x - mean) / sqrt(var + eps) + bias} per channel (axis
	 * 1). Gradients for x, scale and bias; also for mean and var when something
	 * trainable computes them (the running statistics of a PyTorch export are
	 * initializers, which training leaves frozen).
	 */
	private static String[] batchNormalization(NodeProto n, String[] g,
		boolean[] need, GraphEmitter e)
	{
		boolean training = Nodes.attrInt(n, "training_mode", 0) != 0;
		for (int i = 1; i < n.getOutputCount(); i++)
			training |= !n.getOutput(i).isEmpty();
		if (training) throw new GanException("fine-tuning cannot differentiate " +
			Nodes.describe(n) +
			": only the inference form (training_mode=0, one output) is supported; export the model in" +
			" eval mode");
		String x = n.getInput(0), scale = n.getInput(1), mean = n.getInput(3), var =
			n.getInput(4), dy = g[0];
		long[] xs = e.shape(x);
		long[] perChannel = perChannelShape(xs);
		long[] axes = ConvRules.batchAndSpatialAxes(xs.length);
		String inv = e.unary("Reciprocal", e.unary("Sqrt", e.add(var, e.scalar(Nodes
			.attrFloat(n, "epsilon", 1e-5f)))));
		String[] out = new String[n.getInputCount()];
		if (need[0]) out[0] = e.mul(dy, e.reshape(e.mul(scale, inv), perChannel));
		String sumDy = need[2] || need[3] ? e.reduceSum(dy, axes, false) : null;
		String sumDyXc = need[1] || need[4] ? e.reduceSum(e.mul(dy, e.sub(x, e
			.reshape(mean, perChannel))), axes, false) : null;
		if (need[1]) out[1] = e.mul(sumDyXc, inv);
		if (need[2]) out[2] = sumDy;
		if (need[3]) out[3] = e.neg(e.mul(sumDy, e.mul(scale, inv)));
		if (need[4]) {
			// d/dvar of (var + eps)^-1/2 is -1/2 (var + eps)^-3/2
			String cube = e.mul(inv, e.mul(inv, inv));
			out[4] = e.mul(sumDyXc, e.mul(scale, e.mul(cube, e.scalar(-0.5f))));
		}
		return out;
	}

	/**
	 * {@code y = scale * xhat + bias}, {@code xhat = (x - mu) / sqrt(v + eps)},
	 * mu and v the mean and (biased) variance over the spatial axes. Through the
	 * decomposition: {@code dx = (dxhat -
	 * mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(v + eps)} with
	 * {@code dxhat = scale * dy}.
	 */
	private static String[] instanceNormalization(NodeProto n, String[] g,
		boolean[] need, GraphEmitter e)
	{
		String x = n.getInput(0), scale = n.getInput(1), dy = g[0];
		long[] xs = e.shape(x);
		long[] spatial = ConvRules.range(2, xs.length);
		String mu = e.reduceMean(x, spatial, true);
		String centred = e.sub(x, mu);
		String variance = e.reduceMean(e.mul(centred, centred), spatial, true);
		String inv = e.unary("Reciprocal", e.unary("Sqrt", e.add(variance, e.scalar(
			Nodes.attrFloat(n, "epsilon", 1e-5f)))));
		String xhat = e.mul(centred, inv);
		String[] out = new String[n.getInputCount()];
		if (need[0]) {
			String dxhat = e.mul(dy, e.reshape(scale, perChannelShape(xs)));
			String m1 = e.reduceMean(dxhat, spatial, true);
			String m2 = e.reduceMean(e.mul(dxhat, xhat), spatial, true);
			out[0] = e.mul(inv, e.sub(e.sub(dxhat, m1), e.mul(xhat, m2)));
		}
		long[] axes = ConvRules.batchAndSpatialAxes(xs.length);
		if (need[1]) out[1] = e.reduceSum(e.mul(dy, xhat), axes, false);
		if (need[2]) out[2] = e.reduceSum(dy, axes, false);
		return out;
	}

	/**
	 * [C, 1, ..., 1]: a per-channel vector broadcast against [N, C, spatial...].
	 */
	private static long[] perChannelShape(long[] xs) {
		long[] s = new long[xs.length - 1];
		java.util.Arrays.fill(s, 1);
		s[0] = xs[1];
		return s;
	}
}
