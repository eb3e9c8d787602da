
package org.fijigan.core.model;

import java.util.Map;

import org.fijigan.core.model.ImageAxes.Pixels;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * A family of {@link LocalityWalker}'s per-operator rules. A rule reads the
 * node being visited, the image tensors computed so far ({@code pixels}, read
 * only) and the values known without image data ({@code known}), returns what
 * the node's output is (null where it is not known), and names the node a
 * breaker through the walker where it is one. Rules hold no state of their own;
 * they run on the walker's thread, during its constructor.
 */
abstract class OperatorRules {

	private final LocalityWalker walk;
	/**
	 * The image tensors computed so far, by name (a read-only view of the
	 * walker's).
	 */
	final Map<String, Pixels> pixels;
	final KnownValues known;

	OperatorRules(LocalityWalker walk, Map<String, Pixels> pixels,
		KnownValues known)
	{
		this.walk = walk;
		this.pixels = pixels;
		this.known = known;
	}

	/**
	 * The opset of the standard domain where the node being visited lies (a
	 * function may import its own).
	 */
	final long opset() {
		return walk.opset();
	}

	/**
	 * Names {@code n} a breaker, unless what it reads is already downstream of
	 * one.
	 */
	final void breaks(NodeProto n, String why) {
		walk.breaks(n, why);
	}

	/**
	 * Names {@code n} a breaker because it is not understood: the receptive field
	 * is a guess too.
	 */
	final void notUnderstood(NodeProto n, String why) {
		walk.notUnderstood(n, why);
	}

	/**
	 * Records that {@code n} reads its input impossibly with the layout given
	 * (see {@link LocalityWalker#contradictsLayout}).
	 */
	final void contradictsLayout(NodeProto n, String why) {
		walk.contradictsLayout(n, why);
	}

	/**
	 * The first input of {@code n} computed from image data, or the walker's
	 * fallback for it.
	 */
	final Pixels firstPixels(NodeProto n) {
		return walk.firstPixels(n);
	}

	/**
	 * Records that a Reshape of image data fixes a spatial length with a plain
	 * number.
	 */
	final void fixedSpatialReshape() {
		walk.fixedSpatialReshape();
	}
}
