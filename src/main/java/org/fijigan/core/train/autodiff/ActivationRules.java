
package org.fijigan.core.train.autodiff;

import java.util.Map;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Gradients of the smooth and piecewise-linear activations that PyTorch exports
 * besides Relu and Sigmoid: Erf (what {@code nn.GELU} becomes below opset 20),
 * Gelu (opset 20, exact or tanh approximation), HardSigmoid, HardSwish, Mish,
 * Selu and Softsign.
 * <p>
 * Every rule is written with operators that have rules themselves (Erf's
 * derivative with Exp, Gelu's with Erf or Tanh, Mish's with Softplus, Tanh and
 * Sigmoid), so that a second derivative can be taken through them. At a kink
 * the rules follow PyTorch: HardSigmoid passes the gradient only where
 * {@code 0 < alpha x + beta < 1}; HardSwish has slope 0 below -3,
 * {@code x / 3 + 1 / 2} from -3 to 3 (both included) and 1 above; Selu uses the
 * negative side's slope at 0.
 */
final class ActivationRules {

	/** 2 / sqrt(pi), the factor of erf's derivative. */
	private static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(
		Math.PI));
	/** 1 / sqrt(2 pi), the factor of the standard normal density. */
	private static final float INV_SQRT_TWO_PI = (float) (1 / Math.sqrt(2 *
		Math.PI));
	/** sqrt(2 / pi), the factor of Gelu's tanh approximation. */
	private static final float SQRT_TWO_OVER_PI = (float) Math.sqrt(2 / Math.PI);
	/** The cubic coefficient of Gelu's tanh approximation. */
	private static final float GELU_CUBIC = 0.044715f;
	/** Selu's default alpha and gamma, as the ONNX specification gives them. */
	private static final float SELU_ALPHA = 1.67326319217681884765625f,
			SELU_GAMMA = 1.05070102214813232421875f;

	private ActivationRules() {}

	static void register(Map<String, GradientRule> m) {
		// y = erf(x): dx = g 2 / sqrt(pi) exp(-x^2)
		m.put("Erf", (n, g, need, e) -> {
			String x = n.getInput(0);
			return new String[] { e.mul(g[0], e.mul(e.scalar(TWO_OVER_SQRT_PI), e
				.unary("Exp", e.neg(e.mul(x, x))))) };
		});
		m.put("Gelu", ActivationRules::gelu);
		m.put("HardSigmoid", ActivationRules::hardSigmoid);
		m.put("HardSwish", ActivationRules::hardSwish);
		m.put("Mish", ActivationRules::mish);
		m.put("Selu", ActivationRules::selu);
		// y = x / (1 + |x|): dx = g / (1 + |x|)^2
		m.put("Softsign", (n, g, need, e) -> {
			String denominator = e.add(e.scalar(1f), e.unary("Abs", n.getInput(0)));
			return new String[] { e.div(g[0], e.mul(denominator, denominator)) };
		});
	}

	/**
	 * {@code approximate="none"}: y = x Phi(x) with Phi the standard normal
	 * distribution function, dx = g (Phi(x) + x phi(x)), Phi written with Erf and
	 * phi the density. {@code approximate="tanh"}: y = x (1 + tanh(u)) / 2 with
	 * {@code u = sqrt(2/pi) (x + 0.044715 x^3)}, dx = g ((1 + t) / 2 + x (1 -
	 * t^2) u' / 2) with {@code t = tanh(u)} and
	 * {@code u' = sqrt(2/pi) (1 + 3 0.044715 x^2)}.
	 */
	private static String[] gelu(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0);
		String approximate = Nodes.attrString(n, "approximate", "none");
		String half = e.scalar(0.5f), one = e.scalar(1f);
		String square = e.mul(x, x);
		String slope;
		if (approximate.equals("none")) {
			String cdf = e.mul(half, e.add(one, e.unary("Erf", e.mul(x, e.scalar(
				(float) (1 / Math.sqrt(2)))))));
			String density = e.mul(e.scalar(INV_SQRT_TWO_PI), e.unary("Exp", e.mul(
				square, e.scalar(-0.5f))));
			slope = e.add(cdf, e.mul(x, density));
		}
		else if (approximate.equals("tanh")) {
			String u = e.mul(e.scalar(SQRT_TWO_OVER_PI), e.add(x, e.mul(e.scalar(
				GELU_CUBIC), e.mul(square, x))));
			String t = e.unary("Tanh", u);
			String du = e.mul(e.scalar(SQRT_TWO_OVER_PI), e.add(one, e.mul(e.scalar(
				3 * GELU_CUBIC), square)));
			slope = e.mul(half, e.add(e.add(one, t), e.mul(x, e.mul(e.sub(one, e.mul(
				t, t)), du))));
		}
		else throw ElementwiseRules.unsupported(n, "approximate is '" +
			approximate + "'; the specification knows 'none' and 'tanh'");
		return new String[] { e.mul(g[0], slope) };
	}

	/**
	 * y = max(0, min(1, alpha x + beta)): dx = alpha g where
	 * {@code 0 < alpha x + beta < 1}, 0 elsewhere.
	 */
	private static String[] hardSigmoid(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		float alpha = Nodes.attrFloat(n, "alpha", 0.2f);
		float beta = Nodes.attrFloat(n, "beta", 0.5f);
		String z = e.add(e.mul(n.getInput(0), e.scalar(alpha)), e.scalar(beta));
		String inside = e.compare("And", e.compare("Greater", z, e.scalar(0f)), e
			.compare("Less", z, e.scalar(1f)));
		return new String[] { e.where(inside, e.mul(g[0], e.scalar(alpha)), e
			.scalar(0f)) };
	}

	/**
	 * y = x max(0, min(1, x / 6 + 1/2)): dx = 0 below -3, {@code g (x / 3 + 1/2)}
	 * from -3 to 3 and g above, as PyTorch's {@code hardswish_backward}.
	 */
	private static String[] hardSwish(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0);
		String middle = e.mul(g[0], e.add(e.mul(x, e.scalar(1f / 3)), e.scalar(
			0.5f)));
		String upper = e.where(e.compare("Greater", x, e.scalar(3f)), g[0], middle);
		return new String[] { e.where(e.compare("Less", x, e.scalar(-3f)), e.scalar(
			0f), upper) };
	}

	/**
	 * y = x tanh(softplus(x)): dx = g (t + x sigmoid(x) (1 - t^2)) with
	 * {@code t = tanh(softplus(x))}, as softplus' derivative is the sigmoid.
	 */
	private static String[] mish(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0);
		String t = e.unary("Tanh", e.unary("Softplus", x));
		String slope = e.add(t, e.mul(e.mul(x, e.unary("Sigmoid", x)), e.sub(e
			.scalar(1f), e.mul(t, t))));
		return new String[] { e.mul(g[0], slope) };
	}

	/**
	 * y = gamma x for x > 0, {@code gamma alpha (exp(x) - 1)} otherwise: dx =
	 * gamma g for x > 0 and {@code g (y + gamma alpha)} otherwise.
	 */
	private static String[] selu(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		float alpha = Nodes.attrFloat(n, "alpha", SELU_ALPHA);
		float gamma = Nodes.attrFloat(n, "gamma", SELU_GAMMA);
		String positive = e.compare("Greater", n.getInput(0), e.scalar(0f));
		return new String[] { e.where(positive, e.mul(g[0], e.scalar(gamma)), e.mul(
			g[0], e.add(n.getOutput(0), e.scalar(gamma * alpha)))) };
	}
}
