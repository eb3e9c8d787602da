
package org.fijigan.core.train.autodiff;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.onnx.ElementTypes;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Gradients of element-wise operators, with numpy broadcasting undone by
 * {@link GraphEmitter#sumToShape}. Where a derivative is easier written with
 * the forward output (Exp, Sigmoid, Tanh, Sqrt, Div, Elu), the rule reads that
 * output instead of recomputing it.
 * <p>
 * At a kink the rules follow PyTorch: Abs has gradient 0 at 0; Relu, LeakyRelu,
 * PRelu and Elu use the negative side's slope at 0 (the gradient passes
 * unchanged only where {@code x > 0}); Clip passes the gradient only where
 * {@code min < x < max} (as PyTorch's hardtanh and ReLU6 do; its clamp passes
 * it at the bounds too); Max and Min split the gradient equally between tied
 * inputs.
 */
final class ElementwiseRules {

	private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

	private ElementwiseRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("Identity", ElementwiseRules::passThrough);
		m.put("Add", (n, g, need, e) -> new String[] { need[0] ? e.sumToShape(g[0],
			e.shape(n.getInput(0))) : null, need[1] ? e.sumToShape(g[0], e.shape(n
				.getInput(1))) : null });
		m.put("Sub", (n, g, need, e) -> new String[] { need[0] ? e.sumToShape(g[0],
			e.shape(n.getInput(0))) : null, need[1] ? e.sumToShape(e.neg(g[0]), e
				.shape(n.getInput(1))) : null });
		m.put("Mul", (n, g, need, e) -> new String[] { need[0] ? e.sumToShape(e.mul(
			g[0], n.getInput(1)), e.shape(n.getInput(0))) : null, need[1] ? e
				.sumToShape(e.mul(g[0], n.getInput(0)), e.shape(n.getInput(1)))
				: null });
		m.put("Div", ElementwiseRules::div);
		m.put("Pow", ElementwiseRules::pow);
		m.put("Neg", (n, g, need, e) -> new String[] { e.neg(g[0]) });
		m.put("Abs", (n, g, need, e) -> new String[] { e.mul(g[0], e.unary("Sign", n
			.getInput(0))) });
		// y = sqrt(x): dx = g / (2 y)
		m.put("Sqrt", (n, g, need, e) -> new String[] { e.div(g[0], e.mul(n
			.getOutput(0), e.scalar(2f))) });
		m.put("Exp", (n, g, need, e) -> new String[] { e.mul(g[0], n.getOutput(
			0)) });
		m.put("Log", (n, g, need, e) -> new String[] { e.div(g[0], n.getInput(
			0)) });
		// y = 1 / x: dx = -g y^2
		m.put("Reciprocal", (n, g, need, e) -> new String[] { e.neg(e.mul(g[0], e
			.mul(n.getOutput(0), n.getOutput(0)))) });
		// y = sigmoid(x): dx = g y (1 - y)
		m.put("Sigmoid", (n, g, need, e) -> new String[] { e.mul(g[0], e.mul(n
			.getOutput(0), e.sub(e.scalar(1f), n.getOutput(0)))) });
		// y = tanh(x): dx = g (1 - y^2)
		m.put("Tanh", (n, g, need, e) -> new String[] { e.mul(g[0], e.sub(e.scalar(
			1f), e.mul(n.getOutput(0), n.getOutput(0)))) });
		// y = log(1 + exp(x)): dx = g sigmoid(x)
		m.put("Softplus", (n, g, need, e) -> new String[] { e.mul(g[0], e.unary(
			"Sigmoid", n.getInput(0))) });
		m.put("Relu", (n, g, need, e) -> new String[] { e.where(positive(e, n
			.getInput(0)), g[0], e.scalar(0f)) });
		m.put("LeakyRelu", (n, g, need, e) -> new String[] { e.where(positive(e, n
			.getInput(0)), g[0], e.mul(g[0], e.scalar(Nodes.attrFloat(n, "alpha",
				0.01f)))) });
		// y = alpha (exp(x) - 1) for x <= 0: dx = g (y + alpha) there
		m.put("Elu", (n, g, need, e) -> {
			String alpha = e.scalar(Nodes.attrFloat(n, "alpha", 1f));
			return new String[] { e.where(positive(e, n.getInput(0)), g[0], e.mul(
				g[0], e.add(n.getOutput(0), alpha))) };
		});
		m.put("PRelu", ElementwiseRules::prelu);
		m.put("Where", ElementwiseRules::where);
		m.put("Clip", ElementwiseRules::clip);
		m.put("Dropout", ElementwiseRules::dropout);
		m.put("Cast", ElementwiseRules::cast);
		m.put("Sum", (n, g, need, e) -> spread(n, g[0], need, e));
		m.put("Mean", (n, g, need, e) -> spread(n, e.mul(g[0], e.scalar(1f / n
			.getInputCount())), need, e));
		m.put("Max", (n, g, need, e) -> extremum(n, g[0], need, e, "Less"));
		m.put("Min", (n, g, need, e) -> extremum(n, g[0], need, e, "Greater"));
		MatrixRules.register(m);
	}

	/**
	 * The error for a node whose attributes or inputs a rule does not support.
	 */
	static GanException unsupported(NodeProto n, String why) {
		return new GanException("fine-tuning cannot differentiate " + Nodes
			.describe(n) + ": " + why);
	}

	/** y = x: the gradient passes through unchanged. */
	static String[] passThrough(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		return new String[] { g[0] };
	}

	/** A bool mask, true where {@code x > 0}. */
	private static String positive(GraphEmitter e, String x) {
		return e.compare("Greater", x, e.scalar(0f));
	}

	/** y = a / b: da = g / b, db = -g y / b. */
	private static String[] div(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String a = n.getInput(0), b = n.getInput(1);
		return new String[] { need[0] ? e.sumToShape(e.div(g[0], b), e.shape(a))
			: null, need[1] ? e.sumToShape(e.neg(e.div(e.mul(g[0], n.getOutput(0)),
				b)), e.shape(b)) : null };
	}

	/**
	 * y = a^b: da = g b a^(b-1), db = g y log(a), with db taken as 0 where a = 0
	 * (as PyTorch does). The exponent may be an integer tensor from opset 12 on,
	 * so it is cast to the base's type first.
	 */
	private static String[] pow(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String a = n.getInput(0), b = e.cast(n.getInput(1), e.type(a));
		String da = null, db = null;
		if (need[0]) {
			String bMinus1 = e.sub(b, e.scalar(1f));
			String power = e.op("Pow", GraphEmitter.broadcast(e.shape(a), e.shape(
				bMinus1)), List.of(a, bMinus1));
			da = e.sumToShape(e.mul(g[0], e.mul(b, power)), e.shape(a));
		}
		if (need[1]) {
			String nonZero = e.compare("Greater", e.unary("Abs", a), e.scalar(0f));
			String logA = e.unary("Log", e.where(nonZero, a, e.scalar(1f)));
			db = e.sumToShape(e.mul(g[0], e.mul(n.getOutput(0), logA)), e.shape(n
				.getInput(1)));
		}
		return new String[] { da, db };
	}

	/**
	 * y = x for x > 0, slope x otherwise; the slope broadcasts to x and is summed
	 * back to its shape.
	 */
	private static String[] prelu(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0), slope = n.getInput(1);
		String up = positive(e, x);
		return new String[] { need[0] ? e.where(up, g[0], e.mul(g[0], slope))
			: null, need[1] ? e.sumToShape(e.where(up, e.scalar(0f), e.mul(g[0], x)),
				e.shape(slope)) : null };
	}

	/**
	 * {@code y = condition ? a : b}: a gets the gradient where the condition
	 * holds, b elsewhere, each summed back over broadcasting. The condition is a
	 * bool (a comparison of values, such as the mask the Relu and LeakyRelu rules
	 * emit) and carries no gradient: masks are constants for a second derivative,
	 * as PyTorch treats them.
	 */
	private static String[] where(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String condition = n.getInput(0), zero = e.scalar(0f);
		return new String[] { null, need[1] ? e.sumToShape(e.where(condition, g[0],
			zero), e.shape(n.getInput(1))) : null, need[2] ? e.sumToShape(e.where(
				condition, zero, g[0]), e.shape(n.getInput(2))) : null };
	}

	/**
	 * The gradient passes where {@code min < x < max}; below min it goes to min,
	 * above max to max (when those are inputs that need one). Bounds are
	 * attributes before opset 11 and optional inputs from 11 on.
	 */
	private static String[] clip(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0), lo, hi;
		if (e.opset() < 11) {
			lo = Nodes.attribute(n, "min") != null ? e.scalar(Nodes.attrFloat(n,
				"min", 0f)) : null;
			hi = Nodes.attribute(n, "max") != null ? e.scalar(Nodes.attrFloat(n,
				"max", 0f)) : null;
		}
		else {
			lo = Nodes.input(n, 1);
			hi = Nodes.input(n, 2);
		}
		String inside = null;
		if (lo != null) inside = e.compare("Greater", x, lo);
		if (hi != null) {
			String below = e.compare("Less", x, hi);
			inside = inside == null ? below : e.compare("And", inside, below);
		}
		String[] r = new String[need.length];
		String zero = e.scalar(0f);
		r[0] = !need[0] ? null : inside == null ? g[0] : e.where(inside, g[0],
			zero);
		if (need.length > 1 && need[1]) r[1] = e.sumToShape(e.where(e.compare(
			"Less", x, lo), g[0], zero), e.shape(lo));
		if (need.length > 2 && need[2]) r[2] = e.sumToShape(e.where(e.compare(
			"Greater", x, hi), g[0], zero), e.shape(hi));
		return r;
	}

	/**
	 * Dropout in inference mode is the identity; its optional mask output carries
	 * no gradient. A node whose {@code training_mode} input is not a constant
	 * false is refused: the training graph runs the generator deterministically.
	 */
	private static String[] dropout(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String training = Nodes.input(n, 2);
		if (training != null) {
			Boolean on = constantBool(e, training);
			if (on == null) throw unsupported(n,
				"its training_mode input must be a constant");
			if (on) throw unsupported(n,
				"training_mode is true; export the model in inference mode (model.eval())");
		}
		String[] r = new String[need.length];
		r[0] = g[0];
		return r;
	}

	/**
	 * Float to float: the identity, cast back to the type of the Cast's input (a
	 * float16 or float64 part of a model gets its gradient in its own type); to
	 * any other type: no gradient.
	 */
	private static String[] cast(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		long to = Nodes.attrInt(n, "to", 0);
		if (!ElementTypes.isFloatingPoint(to)) return new String[] { null };
		int from = e.type(n.getInput(0));
		if (!ElementTypes.isFloatingPoint(from)) return new String[] { null };
		return new String[] { e.type(g[0]) == from ? g[0] : e.cast(g[0], from) };
	}

	/** Sum and Mean: each input gets {@code g} summed back to its shape. */
	private static String[] spread(NodeProto n, String g, boolean[] need,
		GraphEmitter e)
	{
		String[] r = new String[need.length];
		for (int i = 0; i < need.length; i++)
			if (need[i]) r[i] = e.sumToShape(g, e.shape(n.getInput(i)));
		return r;
	}

	/**
	 * Max (Min): the gradient goes to the inputs that equal the output, split
	 * equally between ties. An input equals the output where it is not below
	 * (above) it, which needs no float Equal (not before opset 11).
	 */
	private static String[] extremum(NodeProto n, String g, boolean[] need,
		GraphEmitter e, String beaten)
	{
		String y = n.getOutput(0);
		int k = n.getInputCount();
		if (k == 1) return new String[] { g };
		List<String> masks = new ArrayList<>();
		for (int i = 0; i < k; i++)
			masks.add(e.cast(e.unary("Not", e.compare(beaten, n.getInput(i), y)), e
				.type(y)));
		String share = e.div(g, e.op("Sum", e.shape(y), masks));
		String[] r = new String[k];
		for (int i = 0; i < k; i++)
			if (need[i]) r[i] = e.sumToShape(e.mul(share, masks.get(i)), e.shape(n
				.getInput(i)));
		return r;
	}

	/**
	 * The value of a one-element bool (or integer) constant: initializer or
	 * Constant node; else null.
	 */
	private static Boolean constantBool(GraphEmitter e, String value) {
		TensorProto t = null;
		for (TensorProto i : e.graph().getInitializerList())
			if (i.getName().equals(value)) t = i;
		for (NodeProto c : e.graph().getNodeList())
			if (c.getOpType().equals("Constant") && c.getOutput(0).equals(value))
				for (AttributeProto a : c.getAttributeList())
				if (a.getName().equals("value")) t = a.getT();
		if (t == null) {
			long[] known = e.constantLongs(value);
			return known == null || known.length != 1 ? null : known[0] != 0;
		}
		if (Tensors.elementCount(t) != 1) return null;
		if (t.getDataType() == TensorProto.DataType.BOOL_VALUE) {
			ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer();
			return raw.hasRemaining() ? raw.get(0) != 0 : t.getInt32Data(0) != 0;
		}
		try {
			return Tensors.longs(t)[0] != 0;
		}
		catch (IllegalArgumentException notInteger) {
			return null;
		}
	}
}
