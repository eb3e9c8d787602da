
package org.fijigan.core.train.autodiff;

import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.Tensor;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Gradients of BatchNormalization (inference form: the running statistics are
 * inputs, used as they are), InstanceNormalization (statistics over the spatial
 * axes of each sample and channel), LayerNormalization (over the trailing axes
 * from {@code axis} on) and GroupNormalization (over each group of channels and
 * the spatial axes), the last three differentiated through their decomposition
 * with operators that have rules themselves, so that second derivatives can be
 * taken through them.
 * <p>
 * The backward passes compute in float32, the precision the training graph runs
 * at; LayerNormalization's and GroupNormalization's {@code stash_type} (the
 * precision of the statistics, float32 by default and in PyTorch's exports) is
 * therefore not read.
 */
final class NormalizationRules {

	private NormalizationRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("BatchNormalization", NormalizationRules::batchNormalization);
		m.put("InstanceNormalization", NormalizationRules::instanceNormalization);
		m.put("LayerNormalization", NormalizationRules::layerNormalization);
		m.put("GroupNormalization", NormalizationRules::groupNormalization);
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
		Statistics s = statistics(e, x, spatial, Nodes.attrFloat(n, "epsilon",
			1e-5f));
		String xhat = s.xhat();
		String[] out = new String[n.getInputCount()];
		if (need[0]) out[0] = normalizedBackward(e, e.mul(dy, e.reshape(scale,
			perChannelShape(xs))), xhat, s.inv(), spatial);
		long[] axes = ConvRules.batchAndSpatialAxes(xs.length);
		if (need[1]) out[1] = e.reduceSum(e.mul(dy, xhat), axes, false);
		if (need[2]) out[2] = e.reduceSum(dy, axes, false);
		return out;
	}

	/**
	 * {@code y = scale * xhat + bias} with {@code xhat} normalised over the axes
	 * from {@code axis} (default -1) to the last; scale and bias broadcast to
	 * those axes (they may have fewer). The optional Mean and InvStdDev outputs
	 * may be computed but must not reach the loss.
	 */
	private static String[] layerNormalization(NodeProto n, String[] g,
		boolean[] need, GraphEmitter e)
	{
		for (int k = 1; k < g.length; k++)
			if (g[k] != null) throw ElementwiseRules.unsupported(n, "its " + (k == 1
				? "Mean" : "InvStdDev") +
				" output reaches the loss; only the normalised output Y can be differentiated");
		String x = n.getInput(0), scale = n.getInput(1), dy = g[0];
		long[] xs = e.shape(x);
		int axis = Nodes.axis(Nodes.attrInt(n, "axis", -1), xs.length);
		if (axis < 0 || axis >= xs.length) throw ElementwiseRules.unsupported(n,
			"axis " + Nodes.attrInt(n, "axis", -1) + " is outside the input's " +
				xs.length + " axes");
		long[] axes = ConvRules.range(axis, xs.length);
		Statistics s = statistics(e, x, axes, Nodes.attrFloat(n, "epsilon", 1e-5f));
		String[] out = new String[n.getInputCount()];
		if (need[0]) out[0] = normalizedBackward(e, e.mul(dy, scale), s.xhat(), s
			.inv(), axes);
		if (need[1]) out[1] = e.sumToShape(e.mul(dy, s.xhat()), e.shape(scale));
		if (need.length > 2 && need[2]) out[2] = e.sumToShape(dy, e.shape(n
			.getInput(2)));
		return out;
	}

	/**
	 * {@code x} [N, C, spatial...] viewed as [N, G, C / G, S] and normalised over
	 * its last two axes; then scaled and shifted per group (opset 18: scale and
	 * bias have G elements) or per channel (opset 21 on: C elements).
	 */
	private static String[] groupNormalization(NodeProto n, String[] g,
		boolean[] need, GraphEmitter e)
	{
		String x = n.getInput(0), scale = n.getInput(1), bias = n.getInput(2), dy =
			g[0];
		long[] xs = e.shape(x);
		long groups = Nodes.attrInt(n, "num_groups", 0);
		if (xs.length < 2 || groups <= 0 || xs[1] % groups != 0)
			throw ElementwiseRules.unsupported(n, "num_groups " + groups +
				" does not divide its " + (xs.length < 2 ? "input's" : xs[1]) +
				" channels");
		boolean perChannel = e.opset() >= 21;
		long[] view = { xs[0], groups, xs[1] / groups, AxisMaps.product(xs, 2,
			xs.length) };
		long[] affine = { groups, perChannel ? xs[1] / groups : 1, 1 };
		long expected = perChannel ? xs[1] : groups;
		if (Tensor.elementCount(e.shape(scale)) != expected || Tensor.elementCount(e
			.shape(bias)) != expected) throw ElementwiseRules.unsupported(n,
				"scale and bias must have " + expected + " elements at opset " + e
					.opset() + " (per " + (perChannel ? "channel" : "group") + ")");
		long[] axes = { 2, 3 };
		String grouped = e.reshape(x, view), dyGrouped = e.reshape(dy, view);
		Statistics s = statistics(e, grouped, axes, Nodes.attrFloat(n, "epsilon",
			1e-5f));
		String[] out = new String[n.getInputCount()];
		if (need[0]) out[0] = e.reshape(normalizedBackward(e, e.mul(dyGrouped, e
			.reshape(scale, affine)), s.xhat(), s.inv(), axes), xs);
		if (need[1]) out[1] = e.reshape(e.sumToShape(e.mul(dyGrouped, s.xhat()),
			affine), e.shape(scale));
		if (need[2]) out[2] = e.reshape(e.sumToShape(dyGrouped, affine), e.shape(
			bias));
		return out;
	}

	/** The normalised input and the reciprocal standard deviation. */
	private record Statistics(String xhat, String inv) {
	}

	/**
	 * {@code xhat = (x - mu) / sqrt(v + eps)}, mu and v the mean and (biased)
	 * variance over {@code axes}, kept as axes of size 1.
	 */
	private static Statistics statistics(GraphEmitter e, String x, long[] axes,
		float epsilon)
	{
		String centred = e.sub(x, e.reduceMean(x, axes, true));
		String variance = e.reduceMean(e.mul(centred, centred), axes, true);
		String inv = e.unary("Reciprocal", e.unary("Sqrt", e.add(variance, e.scalar(
			epsilon))));
		return new Statistics(e.mul(centred, inv), inv);
	}

	/**
	 * The gradient of x from the gradient of {@code xhat}, normalised over
	 * {@code axes}:
	 * {@code (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(v + eps)}.
	 */
	private static String normalizedBackward(GraphEmitter e, String dxhat,
		String xhat, String inv, long[] axes)
	{
		String m1 = e.reduceMean(dxhat, axes, true);
		String m2 = e.reduceMean(e.mul(dxhat, xhat), axes, true);
		return e.mul(inv, e.sub(e.sub(dxhat, m1), e.mul(xhat, m2)));
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
