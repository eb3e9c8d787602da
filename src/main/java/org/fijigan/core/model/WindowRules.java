
package org.fijigan.core.model;

import static org.fijigan.core.model.ImageAxes.axis;
import static org.fijigan.core.model.NodeAttributes.attrFloats;
import static org.fijigan.core.model.NodeAttributes.attrInt;
import static org.fijigan.core.model.NodeAttributes.attrInts;
import static org.fijigan.core.model.NodeAttributes.attrString;
import static org.fijigan.core.model.NodeAttributes.orDefault;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.fijigan.core.model.ImageAxes.Axis;
import org.fijigan.core.model.ImageAxes.Pixels;
import org.fijigan.core.model.ImageAxes.Role;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * The rules of {@link LocalityWalker} for operators that read a window around
 * each pixel or move pixels by a fixed factor (convolutions and pools,
 * resizing, depth-to-space, padding): they add to the halo and change the jump.
 */
final class WindowRules extends OperatorRules {

	WindowRules(LocalityWalker walk, Map<String, Pixels> pixels,
		KnownValues known)
	{
		super(walk, pixels, known);
	}

	List<Pixels> windowed(NodeProto n) {
		String op = n.getOpType();
		Pixels in = pixels.get(n.getInput(0));
		if (in == null) {
			breaks(n, "its weights are computed from the image");
			return null;
		}
		for (int i = 1; i < n.getInputCount(); i++) {
			String name = n.getInput(i);
			if (known.isSize(name)) {
				breaks(n, "uses the image size as a value (computed by Shape or Size)");
				return null;
			}
			if (pixels.containsKey(name) && !pixels.get(name).tainted()) {
				breaks(n, "its weights are computed from the image");
				return null;
			}
		}
		if (op.equals("MaxPool") && n.getOutputCount() > 1 && !n.getOutput(1)
			.isEmpty()) breaks(n,
				"its second output gives the positions of the maxima in the whole tensor");
		if (in.axes() == null) {
			notUnderstood(n, "runs on a tensor whose axes are not known");
			return null;
		}
		int rank = in.rank();
		if (rank < 3 || in.axes().get(0).role().isSpatial() || in.axes().get(1)
			.role().isSpatial())
		{
			breaks(n, "sums over an axis that holds image positions");
			contradictsLayout(n, rank < 3 ? "it runs on a tensor of " + rank + " axes"
				: "its " + (in.axes().get(1).role().isSpatial() ? "channel" : "batch") +
					" axis holds what was taken for the image's " + (in.axes().stream()
						.limit(2).anyMatch(a -> a.role() == Role.X) ? "x" : "y"));
			return null;
		}
		String weight = op.equals("QLinearConv") ? n.getInputCount() > 3 ? n
			.getInput(3) : "" : n.getInputCount() > 1 ? n.getInput(1) : "";
		double[] kernel = attrInts(n, "kernel_shape");
		if (kernel == null && !weight.isEmpty() && known.shape(weight) != null) {
			long[] w = known.shape(weight);
			kernel = Arrays.stream(w, 2, w.length).mapToDouble(d -> d).toArray();
		}
		int dims = rank - 2;
		if (kernel == null || kernel.length != dims) {
			notUnderstood(n, "its kernel size is not known");
			return null;
		}
		boolean transposed = op.equals("ConvTranspose");
		double[] strides = orDefault(attrInts(n, "strides"), dims, 1);
		double[] dilations = orDefault(attrInts(n, "dilations"), dims, 1);
		double[] pads = orDefault(attrInts(n, "pads"), 2 * dims, 0);
		double[] outputPadding = orDefault(attrInts(n, "output_padding"), dims, 0);
		String autoPad = attrString(n, "auto_pad", "NOTSET");
		boolean ceil = attrInt(n, "ceil_mode", 0) != 0;
		List<Axis> out = new ArrayList<>(in.axes());
		if (transposed || op.equals("Conv") || op.equals("ConvInteger") || op
			.equals("QLinearConv"))
		{
			long[] w = weight.isEmpty() ? null : known.shape(weight);
			long group = attrInt(n, "group", 1);
			out.set(1, new Axis(Role.OTHER, w == null || w.length < 2 ? Extent.UNKNOWN
				: Extent.of(transposed ? w[1] * group : w[0]), 1));
		}
		double reachJump = 0;
		for (int i = 0; i < dims; i++) {
			Axis a = in.axes().get(i + 2);
			long span = (long) (dilations[i] * (kernel[i] - 1));
			double begin = autoPad.startsWith("SAME") ? Math.floor(span / 2.0)
				: autoPad.equals("VALID") ? 0 : pads[i];
			double end = autoPad.startsWith("SAME") ? span - begin : autoPad.equals(
				"VALID") ? 0 : pads[i + dims];
			long s = (long) strides[i];
			Extent size;
			if (transposed) size = !a.size().isInteger() || autoPad.startsWith("SAME")
				? a.size().times(Extent.of(s)) : Extent.of((a.size().num() - 1) * s +
					span + 1 + (long) (outputPadding[i] - begin - end));
			else if (autoPad.startsWith("SAME")) size = a.size().isInteger() ? Extent
				.of(-Math.floorDiv(-a.size().num(), s)) : a.size().dividedBy(Extent.of(
					s));
			else size = a.size().window((long) (begin + end), span, s, ceil);
			double reach = transposed ? Math.ceil(Math.max(begin, span - begin) / s)
				: Math.max(begin, span - begin);
			reachJump = Math.max(reachJump, a.jump() * reach);
			out.set(i + 2, new Axis(a.role(), size, transposed ? a.jump() / s : a
				.jump() * s));
		}
		double[] shapeOut = attrInts(n, "output_shape");
		if (transposed && shapeOut != null && shapeOut.length == dims) for (int i =
			0; i < dims; i++)
			out.set(i + 2, out.get(i + 2).withSize(Extent.of((long) shapeOut[i])));
		Pixels p = in.with(out, in.halo() + reachJump);
		return op.equals("MaxPool") ? List.of(p, new Pixels(out, p.halo(), p.jump(),
			true)) : List.of(p);
	}

	Pixels resize(NodeProto n, Pixels in) {
		String mode = attrString(n, "mode", "nearest");
		String coordinates = attrString(n, "coordinate_transformation_mode",
			"half_pixel");
		if (n.getOpType().equals("Upsample") || opset() < 11) coordinates =
			"asymmetric";
		// the output still has its size (and the model its scale): the input's
		// size times the factor, whatever the coordinates
		if (coordinates.equals("align_corners")) breaks(n,
			"aligns corners, which maps each output pixel by the whole image's size");
		if (coordinates.equals("tf_crop_and_resize")) {
			breaks(n, "crops a region given in coordinates of the whole image");
			return null;
		}
		if (in.axes() == null) {
			notUnderstood(n, "resizes a tensor whose axes are not known");
			return null;
		}
		int rank = in.rank();
		double[] scales = null;
		List<Extent> targets = null;
		if (n.getOpType().equals("Upsample") && opset() < 9) scales = attrFloats(n,
			"scales");
		else if (n.getOpType().equals("Upsample") || n.getInputCount() == 2)
			scales = n.getInputCount() > 1 ? known.numbers(n.getInput(1)) : null;
		else {
			if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) scales = known
				.numbers(n.getInput(2));
			if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) targets = known
				.values(n.getInput(3));
		}
		for (int i = 1; i < n.getInputCount(); i++)
			if (pixels.containsKey(n.getInput(i)) && !pixels.get(n.getInput(i))
				.tainted())
			{
				breaks(n, "its scale is computed from image values");
				return null;
			}
		double[] axesAttr = attrInts(n, "axes");
		int[] axes = new int[axesAttr == null ? rank : axesAttr.length];
		for (int i = 0; i < axes.length; i++)
			axes[i] = axesAttr == null ? i : axis(axesAttr[i], rank);
		if (scales != null && scales.length == 0) scales = null;
		if (scales == null && targets == null || scales != null &&
			scales.length != axes.length || targets != null && targets
				.size() != axes.length)
		{
			notUnderstood(n, "its scale factor is not a constant");
			return null;
		}
		boolean antialias = attrInt(n, "antialias", 0) != 0;
		double neighbours = mode.equals("cubic") ? 2 : mode.equals("nearest") ? 0
			: 1;
		List<Axis> out = new ArrayList<>(in.axes());
		double haloAdd = 0;
		for (int i = 0; i < axes.length; i++) {
			if (axes[i] < 0) {
				notUnderstood(n, "resizes an axis the tensor does not have");
				return null;
			}
			Axis a = in.axes().get(axes[i]);
			Extent factor;
			Extent size;
			if (targets != null) {
				size = targets.get(i);
				factor = size.dividedBy(a.size());
			}
			else {
				factor = Extent.ratio(scales[i]);
				size = a.size().isInteger() ? Extent.of((long) Math.floor(a.size()
					.num() * scales[i] + 1e-9)) : a.size().times(factor);
			}
			if (!a.role().isSpatial() && (!factor.isConstant() || factor
				.value() == 1))
			{
				if (a.role() == Role.BATCH && factor.isConstant()) continue;
				if (a.role() == Role.OTHER) out.set(axes[i], a.withSize(size));
				continue;
			}
			if (!factor.isConstant() || !(factor.value() > 0)) {
				notUnderstood(n, "its scale factor along the image's " + (a
					.role() == Role.Y ? "y" : a.role() == Role.X ? "x" : "batch") +
					" axis is not a constant");
				return null;
			}
			double f = factor.value();
			if (a.role() == Role.BATCH) {
				breaks(n, "resizes the batch axis, mixing tiles");
				return null;
			}
			if (a.role().isSpatial()) haloAdd = Math.max(haloAdd, a.jump() *
				neighbours * (antialias && f < 1 ? 1 / f : 1));
			out.set(axes[i], new Axis(a.role(), size, a.role().isSpatial() ? a
				.jump() / f : 1));
		}
		return in.with(out, in.halo() + haloAdd);
	}

	Pixels depthToSpace(NodeProto n, Pixels in, boolean toSpace) {
		long b = attrInt(n, "blocksize", 1);
		if (in.rank() != 4 || in.axes().get(1).role().isSpatial() || in.axes().get(
			2).role() != Role.Y || in.axes().get(3).role() != Role.X)
		{
			notUnderstood(n,
				"moves blocks between axes that are not channels, y and x");
			return null;
		}
		List<Axis> a = in.axes(), out = new ArrayList<>(a);
		Extent bb = Extent.of(b * b);
		out.set(1, a.get(1).withSize(toSpace ? a.get(1).size().dividedBy(bb) : a
			.get(1).size().times(bb)));
		for (int i = 2; i < 4; i++) {
			Axis s = a.get(i);
			out.set(i, toSpace ? new Axis(s.role(), s.size().times(Extent.of(b)), s
				.jump() / b) : new Axis(s.role(), s.size().dividedBy(Extent.of(b)), s
					.jump() * b));
		}
		double halo = toSpace ? in.halo() : in.halo() + in.jump() * (b - 1);
		return in.with(out, halo);
	}

	Pixels pad(NodeProto n, Pixels in) {
		double[] pads = n.getInputCount() > 1 ? known.numbers(n.getInput(1))
			: attrInts(n, "pads");
		if (n.getInputCount() > 1 && known.isSize(n.getInput(1))) {
			breaks(n, "pads by amounts computed from the image size");
			return null;
		}
		if (pads == null || in.axes() == null) {
			notUnderstood(n, "its pad amounts are not constants");
			return null;
		}
		String mode = attrString(n, "mode", "constant");
		int rank = in.rank();
		int[] axes;
		if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
			double[] listed = known.numbers(n.getInput(3));
			if (listed == null) {
				notUnderstood(n, "the axes it pads are not constants");
				return null;
			}
			axes = Arrays.stream(listed).mapToInt(d -> axis(d, rank)).toArray();
		}
		else axes = java.util.stream.IntStream.range(0, rank).toArray();
		if (pads.length != 2 * axes.length) {
			notUnderstood(n, "its pad amounts do not match its axes");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes());
		double reach = 0;
		for (int i = 0; i < axes.length; i++) {
			double begin = pads[i], end = pads[i + axes.length];
			if (begin == 0 && end == 0) continue;
			if (axes[i] < 0) {
				notUnderstood(n, "pads an axis the tensor does not have");
				return null;
			}
			Axis a = in.axes().get(axes[i]);
			if (a.role().isSpatial()) {
				if (mode.equals("wrap")) {
					breaks(n,
						"wraps the image around, putting one border next to the other");
					return null;
				}
				reach = Math.max(reach, a.jump() * Math.max(Math.abs(begin), Math.abs(
					end)));
			}
			else if (a.role() == Role.BATCH) {
				breaks(n, "pads the batch axis");
				return null;
			}
			out.set(axes[i], a.withSize(a.size().plus((long) (begin + end))));
		}
		return in.with(out, in.halo() + reach);
	}
}
