
package org.fijigan.core.train.autodiff;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.onnx.ElementTypes;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Reverse-mode automatic differentiation of an ONNX graph, written into the
 * same graph as standard ONNX operators (no training ops), so that any
 * execution provider that runs the forward graph can run the backward one.
 * <p>
 * Only nodes on a path from a differentiated value to the loss are
 * differentiated. An operator on such a path without a rule is an error that
 * names the operator and the node.
 * <p>
 * The graph may already hold a backward pass, so gradients of gradients come
 * from calling {@link #differentiate} twice on one emitter: first for the
 * gradient of some output with respect to an input (a value of the graph from
 * then on), then for a loss that uses that gradient, with respect to the
 * parameters. Every operator the rules emit has a rule itself; comparison masks
 * (Relu's, LeakyRelu's, Clip's) are constants, as the second derivative is zero
 * almost everywhere on each side of a kink (as in PyTorch). A value passed
 * through {@link GraphEmitter#stopGradient} is a constant too (spectral
 * normalisation's power-iteration vectors).
 * <p>
 * A gradient has its value's element type: through a float16 or float64 part of
 * a model it flows in that type (the Cast rule casts it back at the part's
 * borders), and a rule's result for an input of another float type is cast to
 * it. A rule that cannot work in the type it is given is refused before
 * training, naming the node and the type.
 */
public final class GradientBuilder {

	private GradientBuilder() {}

	/**
	 * Appends the gradient of {@code loss} with respect to each of {@code wrt}.
	 *
	 * @param e emitter over the forward graph; must know the shape of every
	 *          forward value
	 * @param loss name of a scalar (or one-element) float value of the graph
	 * @param wrt values to differentiate with respect to: graph inputs,
	 *          initializers, or values computed by the graph (whose own inputs
	 *          then get no gradient)
	 * @return for each of {@code wrt}, the name of its gradient value (a zero
	 *         constant when the loss does not depend on it)
	 */
	public static Map<String, String> differentiate(GraphEmitter e, String loss,
		Collection<String> wrt)
	{
		GraphProto.Builder g = e.graph();
		List<NodeProto> forward = new ArrayList<>(g.getNodeList());
		// values that depend on a differentiated value
		Set<String> fromWrt = new HashSet<>(wrt);
		for (NodeProto n : forward)
			for (String in : Nodes.inputsWithOuterScope(n))
				if (fromWrt.contains(in) && differentiable(n)) {
					fromWrt.addAll(n.getOutputList());
					break;
				}
		Set<String> toLoss = valuesFeeding(forward, loss);
		Map<String, List<String>> contributions = new HashMap<>();
		contributions.computeIfAbsent(loss, k -> new ArrayList<>()).add(e.constant(
			onesLike(e.shape(loss)), e.type(loss), e.shape(loss)));
		for (int i = forward.size() - 1; i >= 0; i--) {
			NodeProto n = forward.get(i);
			String[] outGrads = new String[n.getOutputCount()];
			boolean any = false;
			for (int k = 0; k < outGrads.length; k++) {
				outGrads[k] = total(e, contributions, n.getOutput(k));
				any |= outGrads[k] != null;
			}
			if (!any) continue;
			boolean[] needed = new boolean[n.getInputCount()];
			boolean anyNeeded = false;
			for (int k = 0; k < needed.length; k++) {
				String in = n.getInput(k);
				needed[k] = !in.isEmpty() && fromWrt.contains(in) && toLoss.contains(
					in);
				anyNeeded |= needed[k];
			}
			// a value a subgraph reads by name (If, Loop, Scan): no rule covers it
			boolean readInside = Nodes.outerScopeInputs(n).stream().anyMatch(
				in -> fromWrt.contains(in) && toLoss.contains(in));
			if (!anyNeeded && !readInside) continue;
			GradientRule rule = GradientRules.forOp(n.getOpType());
			if (rule == null || readInside || !n.getDomain().isEmpty() && !n
				.getDomain().equals("ai.onnx")) throw new GanException(
					"fine-tuning cannot differentiate " + Nodes.describe(n) +
						": no gradient rule for this operator");
			String[] inGrads;
			try {
				inGrads = rule.backward(n, outGrads, needed, e);
			}
			catch (GraphEmitter.MixedTypes x) {
				throw mixedTypes(n, x, e);
			}
			for (int k = 0; k < needed.length; k++)
				if (needed[k] && k < inGrads.length && inGrads[k] != null) contributions
					.computeIfAbsent(n.getInput(k), x -> new ArrayList<>()).add(inType(e,
						inGrads[k], n.getInput(k)));
		}
		Map<String, String> result = new LinkedHashMap<>();
		for (String w : wrt) {
			String grad = total(e, contributions, w);
			result.put(w, grad != null ? grad : inType(e, e.zeros(e.shape(w)), w));
		}
		return result;
	}

	/**
	 * {@code grad}, cast to the float type of {@code value} where it has another
	 * one.
	 */
	private static String inType(GraphEmitter e, String grad, String value) {
		int want = e.type(value), have = e.type(grad);
		if (want == have || !ElementTypes.isFloatingPoint(want) || !ElementTypes
			.isFloatingPoint(have)) return grad;
		return e.cast(grad, want);
	}

	/**
	 * The refusal of a node whose rule would mix float types: it names the node,
	 * the float type other than float32 that its inputs or outputs have (the part
	 * of the model it belongs to), and the two types mixed.
	 */
	private static GanException mixedTypes(NodeProto n, GraphEmitter.MixedTypes x,
		GraphEmitter e)
	{
		int float32 = ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE, own =
			float32;
		List<String> values = new ArrayList<>(n.getInputList());
		values.addAll(n.getOutputList());
		for (String v : values)
			if (own == float32 && !v.isEmpty() && ElementTypes.isFloatingPoint(e.type(
				v))) own = e.type(v);
		int[] t = x.types();
		return new GanException("fine-tuning cannot differentiate " + Nodes
			.describe(n) + " in " + ElementTypes.widthName(own) +
			": its gradient rule would combine " + ElementTypes.widthName(t[0]) +
			" and " + ElementTypes.widthName(t[1]) + " values in " + x.operator() +
			"; cast this part of the model to float32 (a Cast before and after it)",
			x);
	}

	/**
	 * Refuses, before anything is differentiated, a loss that none of {@code wrt}
	 * reaches by a differentiable path: every path from them to the loss goes
	 * through an operator without a gradient (Round, Floor, a comparison) or a
	 * cast to a type that is not floating point, so training would leave them as
	 * they are. The message names the first such operator on a path, or says that
	 * the loss does not depend on them at all.
	 *
	 * @param what the values in words, e.g. "the model's trainable parameters"
	 * @return those of {@code wrt} that no differentiable path joins to the loss
	 *         (they get a zero gradient), in the order given
	 */
	public static List<String> requireDifferentiablePath(GraphEmitter e,
		String loss, Collection<String> wrt, String what)
	{
		if (wrt.isEmpty()) return List.of();
		List<NodeProto> forward = e.graph().getNodeList();
		Set<String> any = new HashSet<>(wrt), carried = new HashSet<>(wrt);
		for (NodeProto n : forward) {
			boolean fromAny = false, fromCarried = false;
			for (String in : Nodes.inputsWithOuterScope(n)) {
				fromAny |= any.contains(in);
				fromCarried |= carried.contains(in);
			}
			if (fromAny) any.addAll(n.getOutputList());
			if (fromCarried && passesGradient(n)) carried.addAll(n.getOutputList());
		}
		if (carried.contains(loss)) {
			Set<String> reaching = new HashSet<>(Set.of(loss));
			for (int i = forward.size() - 1; i >= 0; i--) {
				NodeProto n = forward.get(i);
				if (passesGradient(n) && n.getOutputList().stream().anyMatch(
					reaching::contains)) reaching.addAll(Nodes.inputsWithOuterScope(n));
			}
			return wrt.stream().filter(w -> !reaching.contains(w)).toList();
		}
		if (!any.contains(loss)) throw new GanException("the loss does not " +
			"depend on " + what + ": fine-tuning would leave them as they are");
		Set<String> toLoss = valuesFeeding(forward, loss);
		for (NodeProto n : forward)
			if (!passesGradient(n) && n.getOutputList().stream().anyMatch(
				toLoss::contains) && Nodes.inputsWithOuterScope(n).stream().anyMatch(
					carried::contains)) throw new GanException(Nodes.describe(n) + (n
						.getOpType().equals("Cast") ? " casts to a type that is not " +
							"floating point, which has no gradient" : " has no gradient") +
						", and every path from " + what + " to the loss goes through " +
						"it (or another such operator): fine-tuning would leave them " +
						"as they are");
		throw new GanException("no path from " + what + " to the loss carries " +
			"a gradient: fine-tuning would leave them as they are");
	}

	/** The values {@code loss} depends on, itself included. */
	private static Set<String> valuesFeeding(List<NodeProto> forward,
		String loss)
	{
		Set<String> toLoss = new HashSet<>(Set.of(loss));
		for (int i = forward.size() - 1; i >= 0; i--) {
			NodeProto n = forward.get(i);
			for (String o : n.getOutputList())
				if (toLoss.contains(o)) {
					toLoss.addAll(Nodes.inputsWithOuterScope(n));
					break;
				}
		}
		return toLoss;
	}

	/**
	 * Whether a gradient flows back through {@code n}: it is differentiable and,
	 * if a cast, casts to a floating-point type.
	 */
	public static boolean passesGradient(NodeProto n) {
		if (!differentiable(n)) return false;
		if (!n.getOpType().equals("Cast")) return true;
		return ElementTypes.isFloatingPoint(Nodes.attrInt(n, "to", 0));
	}

	/**
	 * Sum of the gradient contributions to {@code value}, emitted once; null when
	 * none.
	 */
	private static String total(GraphEmitter e,
		Map<String, List<String>> contributions, String value)
	{
		List<String> parts = contributions.get(value);
		if (parts == null || parts.isEmpty()) return null;
		if (parts.size() == 1) return parts.get(0);
		String sum = e.op("Sum", e.shape(value), List.copyOf(parts));
		parts.clear();
		parts.add(sum);
		return sum;
	}

	/**
	 * False for operators without a gradient and for
	 * {@link GraphEmitter#stopGradient}'s nodes.
	 */
	private static boolean differentiable(NodeProto n) {
		return !GradientRules.NON_DIFFERENTIABLE.contains(n.getOpType()) && !(n
			.getOpType().equals("Identity") && n.getName().startsWith(
				GraphEmitter.STOP_GRADIENT));
	}

	private static float[] onesLike(long[] shape) {
		long n = 1;
		for (long d : shape)
			n *= d;
		float[] f = new float[(int) n];
		java.util.Arrays.fill(f, 1f);
		return f;
	}
}
