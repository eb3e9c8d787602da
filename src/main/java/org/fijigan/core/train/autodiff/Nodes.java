
package org.fijigan.core.train.autodiff;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** Attribute and input access for {@link NodeProto}s. */
public final class Nodes {

	private Nodes() {}

	public static AttributeProto attribute(NodeProto n, String name) {
		for (AttributeProto a : n.getAttributeList())
			if (a.getName().equals(name)) return a;
		return null;
	}

	public static long attrInt(NodeProto n, String name, long otherwise) {
		AttributeProto a = attribute(n, name);
		return a == null ? otherwise : a.getI();
	}

	public static float attrFloat(NodeProto n, String name, float otherwise) {
		AttributeProto a = attribute(n, name);
		return a == null ? otherwise : a.getF();
	}

	public static String attrString(NodeProto n, String name, String otherwise) {
		AttributeProto a = attribute(n, name);
		return a == null ? otherwise : a.getS().toStringUtf8();
	}

	/** An INTS attribute, or {@code otherwise} when absent. */
	public static long[] attrInts(NodeProto n, String name, long[] otherwise) {
		AttributeProto a = attribute(n, name);
		return a == null ? otherwise : a.getIntsList().stream().mapToLong(
			Long::longValue).toArray();
	}

	/**
	 * Input {@code i}, or null when absent or empty (an omitted optional input).
	 */
	public static String input(NodeProto n, int i) {
		return i < n.getInputCount() && !n.getInput(i).isEmpty() ? n.getInput(i)
			: null;
	}

	/**
	 * The values of the enclosing graph that {@code n} reads: its listed inputs
	 * (empty optional ones left out) and, for a node holding subgraphs (If, Loop,
	 * Scan), the names those subgraphs, or subgraphs within them, read from
	 * outside themselves, which ONNX lets them use without listing them.
	 */
	public static List<String> inputsWithOuterScope(NodeProto n) {
		Set<String> names = new LinkedHashSet<>();
		for (String in : n.getInputList())
			if (!in.isEmpty()) names.add(in);
		names.addAll(outerNames(n, 0));
		return List.copyOf(names);
	}

	/**
	 * The names {@code n}'s subgraphs read from the enclosing graph that are not
	 * among its listed inputs (see {@link #inputsWithOuterScope}).
	 */
	public static List<String> outerScopeInputs(NodeProto n) {
		Set<String> names = outerNames(n, 0);
		names.removeAll(n.getInputList());
		return List.copyOf(names);
	}

	/** Names {@code n}'s subgraphs read from outside themselves. */
	private static Set<String> outerNames(NodeProto n, int depth) {
		Set<String> read = new LinkedHashSet<>();
		if (depth > 64) return read;
		for (AttributeProto a : n.getAttributeList()) {
			List<GraphProto> graphs = new ArrayList<>(a.getGraphsList());
			if (a.hasG()) graphs.add(a.getG());
			for (GraphProto g : graphs) {
				Set<String> defined = new HashSet<>();
				g.getInputList().forEach(v -> defined.add(v.getName()));
				g.getInitializerList().forEach(t -> defined.add(t.getName()));
				g.getSparseInitializerList().forEach(t -> defined.add(t.getValues()
					.getName()));
				for (NodeProto inner : g.getNodeList())
					defined.addAll(inner.getOutputList());
				for (NodeProto inner : g.getNodeList()) {
					for (String in : inner.getInputList())
						if (!in.isEmpty() && !defined.contains(in)) read.add(in);
					for (String in : outerNames(inner, depth + 1))
						if (!defined.contains(in)) read.add(in);
				}
			}
		}
		return read;
	}

	/** How messages name a node: {@code Conv (node 'conv1')}. */
	public static String describe(NodeProto n) {
		return n.getOpType() + " (node '" + (n.getName().isEmpty() ? n.getOutput(0)
			: n.getName()) + "')";
	}

	/** Non-negative axis for a possibly negative one. */
	public static int axis(long a, int rank) {
		return (int) (a < 0 ? a + rank : a);
	}
}
