
package org.fijigan.core.onnx;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * The external data files an ONNX model names: what the model reading
 * ({@code OnnxGraphInfo}) and the sessions ({@code ModelSession}, which opens a
 * model without external data from its bytes where ONNX Runtime cannot be given
 * its path) both ask.
 */
public final class ExternalData {

	private ExternalData() {}

	/**
	 * Every external-data location ONNX Runtime would open for this model, each
	 * once, in the order first named: initializers, sparse initializers, and
	 * tensors in node attributes (Constant values), in subgraphs (If, Loop, Scan)
	 * too, and the same in the nodes of its model-local functions. A tensor is
	 * counted when it is marked EXTERNAL or simply carries external_data entries;
	 * one without a location is counted as "".
	 *
	 * @throws GanException for subgraphs nested more than 64 deep
	 */
	public static List<String> locations(ModelProto model) {
		List<String> found = new ArrayList<>();
		collect(model.getGraph(), 0, found);
		for (FunctionProto f : model.getFunctionsList())
			collect(f.getNodeList(), 0, found);
		return found;
	}

	private static void collect(GraphProto graph, int depth, List<String> found) {
		if (depth > 64) throw new GanException(
			"subgraphs nested more than 64 deep");
		for (TensorProto t : graph.getInitializerList())
			collect(t, found);
		for (var s : graph.getSparseInitializerList()) {
			collect(s.getValues(), found);
			collect(s.getIndices(), found);
		}
		collect(graph.getNodeList(), depth, found);
	}

	/** The tensors in the attributes of {@code nodes}, and their subgraphs. */
	private static void collect(List<NodeProto> nodes, int depth,
		List<String> found)
	{
		for (NodeProto n : nodes)
			for (AttributeProto a : n.getAttributeList()) {
				if (a.hasT()) collect(a.getT(), found);
				for (TensorProto t : a.getTensorsList())
					collect(t, found);
				if (a.hasSparseTensor()) {
					collect(a.getSparseTensor().getValues(), found);
					collect(a.getSparseTensor().getIndices(), found);
				}
				for (var sparse : a.getSparseTensorsList()) {
					collect(sparse.getValues(), found);
					collect(sparse.getIndices(), found);
				}
				if (a.hasG()) collect(a.getG(), depth + 1, found);
				for (GraphProto g : a.getGraphsList())
					collect(g, depth + 1, found);
			}
	}

	private static void collect(TensorProto t, List<String> found) {
		if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL && t
			.getExternalDataCount() == 0) return;
		String location = "";
		for (StringStringEntryProto e : t.getExternalDataList())
			if (e.getKey().equals("location")) location = e.getValue();
		if (!found.contains(location)) found.add(location);
	}
}
