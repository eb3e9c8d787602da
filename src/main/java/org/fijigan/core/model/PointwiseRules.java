
package org.fijigan.core.model;

import static org.fijigan.core.model.ImageAxes.isOne;
import static org.fijigan.core.model.ImageAxes.names;
import static org.fijigan.core.model.ImageAxes.touchesSpace;
import static org.fijigan.core.model.NodeAttributes.attrInt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fijigan.core.model.ImageAxes.Axis;
import org.fijigan.core.model.ImageAxes.Pixels;
import org.fijigan.core.model.ImageAxes.Role;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * The rules of {@link LocalityWalker} for operators that read each pixel on its
 * own: numpy broadcasting between image tensors and constants, and operators
 * with parameters per channel.
 */
final class PointwiseRules extends OperatorRules {

	PointwiseRules(LocalityWalker walk, Map<String, Pixels> pixels,
		KnownValues known)
	{
		super(walk, pixels, known);
	}

	/**
	 * Numpy broadcasting over the first {@code count} inputs: axes line up from
	 * the right. Image inputs must agree on which axis is y and which x; a
	 * constant that varies along y or x makes the result depend on where a pixel
	 * lies, and a value computed from image shapes on the image's size.
	 */
	Pixels broadcast(NodeProto n, int count) {
		Pixels widest = null;
		double halo = 0;
		for (int i = 0; i < Math.min(count, n.getInputCount()); i++) {
			Pixels p = pixels.get(n.getInput(i));
			if (p == null) continue;
			halo = Math.max(halo, p.halo());
			if (p.axes() != null && (widest == null || p.rank() > widest.rank()))
				widest = p;
		}
		if (widest == null) {
			notUnderstood(n, "combines tensors whose axes are not known");
			return null;
		}
		int rank = widest.rank();
		List<Axis> out = new ArrayList<>(widest.axes());
		for (int i = 0; i < Math.min(count, n.getInputCount()); i++) {
			String name = n.getInput(i);
			if (name.isEmpty()) continue;
			Pixels p = pixels.get(name);
			if (p != null) {
				if (p.axes() == null) continue; // downstream of a breaker: blamed there
				for (int k = 0; k < p.rank(); k++) {
					int o = rank - p.rank() + k;
					Axis a = p.axes().get(k), b = out.get(o);
					if (a.role() == b.role() || isOne(a.size()) || isOne(b.size())) {
						if (isOne(b.size()) && !isOne(a.size())) out.set(o, a);
						continue;
					}
					breaks(n, "combines tensors whose image axes do not line up");
					return null;
				}
			}
			else if (known.isSize(name)) {
				breaks(n,
					"uses the image size as a value (computed by Shape or Size), so tiles of other sizes " +
						"compute other values");
				return null;
			}
			else {
				long[] shape = known.shape(name);
				if (shape == null) continue;
				for (int k = 0; k < shape.length; k++) {
					int o = rank - shape.length + k;
					if (o >= 0 && shape[k] > 1 && out.get(o).role().isSpatial()) {
						breaks(n, "applies a constant that varies along the image's " + (out
							.get(o).role() == Role.Y ? "y" : "x") +
							" axis, so the result depends on where a pixel lies");
						return null;
					}
				}
			}
		}
		return new Pixels(out, halo, widest.jump(), widest.tainted());
	}

	/**
	 * Operators with parameters per channel (BatchNormalization, per-axis
	 * quantisation) or a window across channels (LRN): pointwise as long as that
	 * axis is not y or x.
	 */
	Pixels perChannel(NodeProto n, String op) {
		Pixels in = pixels.get(n.getInput(0));
		if (in == null) in = firstPixels(n);
		if (op.equals("BatchNormalization") && attrInt(n, "training_mode",
			0) != 0)
		{
			breaks(n,
				"computes batch statistics over the whole tensor (training mode)");
			return null;
		}
		for (int i = 1; i < n.getInputCount(); i++) {
			if (known.isSize(n.getInput(i))) {
				breaks(n, "uses the image size as a value (computed by Shape or Size)");
				return null;
			}
			if (pixels.containsKey(n.getInput(i)) && !pixels.get(n.getInput(i))
				.tainted())
			{
				breaks(n, "takes its parameters from the image");
				return null;
			}
		}
		long axis = op.equals("BatchNormalization") || op.equals("LRN") ? 1
			: attrInt(n, "axis", 1);
		boolean perAxis = op.equals("BatchNormalization") || op.equals("LRN");
		for (int i = 1; !perAxis && i < n.getInputCount(); i++) {
			long[] s = known.shape(n.getInput(i));
			perAxis |= s != null && s.length == 1 && s[0] > 1;
		}
		if (perAxis && touchesSpace(in, new double[] { axis })) {
			breaks(n, "has parameters along the image's " + (in.axes() == null
				? "unknown" : names(in.axes(), new double[] { axis })) +
				" axis, so the result depends on where a pixel lies");
			return null;
		}
		return in;
	}
}
