
package org.fijigan.core.train.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;

/** The backward pass of one ONNX operator, written as ONNX operators. */
@FunctionalInterface
public interface GradientRule {

	/**
	 * @param node the forward node
	 * @param outputGrads gradient of the loss with respect to each output of the
	 *          node (null where none flows back)
	 * @param needed which inputs need a gradient
	 * @param e where to emit the backward nodes; knows every forward value's
	 *          shape
	 * @return the gradient value for each input (null where not needed or not
	 *         defined); each has the input's shape
	 */
	String[] backward(NodeProto node, String[] outputGrads, boolean[] needed,
		GraphEmitter e);
}
