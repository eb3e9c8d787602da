
package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.fijigan.core.onnx.ElementTypes;
import org.fijigan.core.train.autodiff.Tensors;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Float tensors of a model that are constants of its computation, not weights,
 * though stored as weights are: ONNX does not mark which initializers are
 * parameters, and exporters and simplifiers (onnx-simplifier moves Constant
 * nodes into initializers) store an epsilon or GroupNorm's fixed unit scale as
 * initializers too. The network they were exported from trained none of them,
 * and training them can break the model (an epsilon that drifts below zero
 * makes a square root NaN), so fine-tuning holds them fixed. Three patterns,
 * each checked against PyTorch 1.13's exports:
 * <ul>
 * <li>an <b>epsilon</b>: a one-element tensor added to the output of a
 * reduction (a variance, a mean square, a norm) whose sum then only goes into a
 * square root, a reciprocal, a power's base or a divisor, as in LayerNorm
 * before opset 17, RMSNorm and weight standardisation written out;</li>
 * <li><b>GroupNorm's fixed scale and bias</b>: PyTorch exports GroupNorm before
 * opset 18 as an InstanceNormalization of the channels reshaped into groups,
 * with a scale of ones and a bias of zeros, reshaped back and then multiplied
 * and shifted by its real affine weights (which train);</li>
 * <li>a tensor <b>named as PyTorch names a Constant node's output</b>
 * ({@code /ln/Constant_1_output_0}): PyTorch keeps every parameter in an
 * initializer named after the parameter ({@code conv.weight}) or, when constant
 * folding reshaped it, after the operator that takes it
 * ({@code onnx::PRelu_61}, which is a real PReLU slope, so such names are not a
 * sign of a constant).</li>
 * </ul>
 */
final class ConstantTensors {

	/** The last part of PyTorch's name for a Constant node's output. */
	private static final Pattern TORCH_CONSTANT = Pattern.compile(
		"(^|/)Constant(_\\d+)?_output_\\d+$");

	static final String EPSILON =
		"an epsilon added to a reduction before a square root or division";
	static final String GROUP_NORM =
		"GroupNorm's fixed InstanceNormalization scale and bias, ahead of its " +
			"affine weights, which train";
	static final String TORCH_NAME =
		"named as PyTorch names a Constant node's output";

	private ConstantTensors() {}

	/**
	 * The float tensors of {@code g} (initializers and Constant node outputs)
	 * that are constants of the computation, each with the reason, in the words
	 * of this class's constants; in the graph's order.
	 */
	static Map<String, String> find(GraphProto g) {
		Map<String, TensorProto> tensors = floatTensors(g);
		Map<String, NodeProto> producer = new HashMap<>();
		Map<String, List<NodeProto>> consumers = new HashMap<>();
		for (NodeProto n : g.getNodeList()) {
			for (String o : n.getOutputList())
				producer.put(o, n);
			for (String in : n.getInputList())
				consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
		}
		Map<String, String> found = new HashMap<>();
		for (String name : tensors.keySet())
			if (TORCH_CONSTANT.matcher(name).find()) found.put(name, TORCH_NAME);
		for (NodeProto n : g.getNodeList()) {
			if (n.getOpType().equals("InstanceNormalization") && n
				.getInputCount() == 3 && all(tensors.get(n.getInput(1)), 1f) && all(
					tensors.get(n.getInput(2)), 0f) && scaledAndShiftedAfterReshape(n
						.getOutput(0), consumers, false))
			{
				found.put(n.getInput(1), GROUP_NORM);
				found.put(n.getInput(2), GROUP_NORM);
			}
			if (n.getOpType().equals("Add") && n.getInputCount() == 2) for (int k =
				0; k < 2; k++)
			{
				TensorProto t = tensors.get(n.getInput(k));
				NodeProto other = producer.get(n.getInput(1 - k));
				if (t != null && Tensors.elementCount(t) == 1 && other != null && other
					.getOpType().startsWith("Reduce") && takenAsRoot(n.getOutput(0),
						consumers)) found.put(n.getInput(k), EPSILON);
			}
		}
		Map<String, String> ordered = new LinkedHashMap<>();
		for (String name : tensors.keySet())
			if (found.containsKey(name)) ordered.put(name, found.get(name));
		return ordered;
	}

	/**
	 * Whether {@code value} goes only into square roots, reciprocals, the base of
	 * powers and divisors (and into at least one).
	 */
	private static boolean takenAsRoot(String value,
		Map<String, List<NodeProto>> consumers)
	{
		List<NodeProto> users = consumers.getOrDefault(value, List.of());
		if (users.isEmpty()) return false;
		for (NodeProto u : users) {
			boolean root = switch (u.getOpType()) {
				case "Sqrt", "Reciprocal" -> true;
				case "Pow" -> u.getInput(0).equals(value) && !u.getInput(1).equals(
					value);
				case "Div" -> u.getInput(1).equals(value) && !u.getInput(0).equals(
					value);
				default -> false;
			};
			if (!root) return false;
		}
		return true;
	}

	/**
	 * Whether {@code value}, through at least one Reshape (and any Identity),
	 * goes into a Mul whose output goes into an Add: GroupNorm's affine step.
	 */
	private static boolean scaledAndShiftedAfterReshape(String value,
		Map<String, List<NodeProto>> consumers, boolean reshaped)
	{
		for (NodeProto u : consumers.getOrDefault(value, List.of()))
			switch (u.getOpType()) {
				case "Reshape", "Identity" -> {
					if (u.getInput(0).equals(value) && scaledAndShiftedAfterReshape(u
						.getOutput(0), consumers, reshaped || u.getOpType().equals(
							"Reshape"))) return true;
				}
				case "Mul" -> {
					if (reshaped && consumers.getOrDefault(u.getOutput(0), List.of())
						.stream().anyMatch(a -> a.getOpType().equals("Add"))) return true;
				}
				default -> {}
			}
		return false;
	}

	/**
	 * Whether {@code t} is a non-empty tensor of at most 4096 elements that all
	 * equal {@code x}.
	 */
	private static boolean all(TensorProto t, float x) {
		if (t == null) return false;
		long n = Tensors.elementCount(t);
		if (n == 0 || n > 4096) return false;
		for (float f : Tensors.floats(t))
			if (f != x) return false;
		return true;
	}

	/**
	 * The float initializers and the float tensors of Constant nodes of
	 * {@code g}, by the name of the value they give, in the graph's order
	 * (initializers first).
	 */
	static Map<String, TensorProto> floatTensors(GraphProto g) {
		Map<String, TensorProto> m = new LinkedHashMap<>();
		for (TensorProto t : g.getInitializerList())
			if (ElementTypes.isFloatingPoint(t.getDataType())) m.put(t.getName(), t);
		for (NodeProto n : g.getNodeList())
			if (n.getOpType().equals("Constant") && n.getOutputCount() == 1)
				for (AttributeProto a : n.getAttributeList())
				if (a.getName().equals("value") && ElementTypes.isFloatingPoint(a.getT()
					.getDataType())) m.put(n.getOutput(0), a.getT());
		return m;
	}
}
