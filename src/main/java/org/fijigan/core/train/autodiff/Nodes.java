
package org.fijigan.core.train.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
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
