
package org.fijigan.core.model;

import static org.fijigan.core.model.ImageAxes.axis;
import static org.fijigan.core.model.ImageAxes.isOne;
import static org.fijigan.core.model.NodeAttributes.attr;
import static org.fijigan.core.model.NodeAttributes.attrInt;
import static org.fijigan.core.model.NodeAttributes.attrInts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fijigan.core.model.ImageAxes.Axis;
import org.fijigan.core.model.ImageAxes.Pixels;
import org.fijigan.core.model.ImageAxes.Role;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * The rules of {@link LocalityWalker} for operators that join, cut, repeat or
 * pick along an axis (Concat, Split, Slice, Expand, Tile, Gather) and for Shape
 * and Size, whose outputs become known lengths: exact as long as they do not
 * act along y, x or the batch.
 */
final class IndexingRules extends OperatorRules {

	IndexingRules(LocalityWalker walk, Map<String, Pixels> pixels,
		KnownValues known)
	{
		super(walk, pixels, known);
	}

	Pixels concat(NodeProto n) {
		Pixels first = null;
		for (String i : n.getInputList())
			if (pixels.containsKey(i) && (first == null || first.axes() == null))
				first = pixels.get(i);
		if (first.axes() == null) return null;
		int a = axis(attrInt(n, "axis", 0), first.rank());
		if (a < 0) {
			notUnderstood(n, "joins along an axis the tensor does not have");
			return null;
		}
		if (first.axes().get(a).role().isSpatial()) {
			breaks(n, "joins tensors along the image's " + (first.axes().get(a)
				.role() == Role.Y ? "y" : "x") +
				" axis, so where each lies depends on the tile's size");
			return null;
		}
		Extent total = Extent.of(0);
		double halo = 0;
		for (String name : n.getInputList()) {
			Pixels p = pixels.get(name);
			if (p != null) {
				halo = Math.max(halo, p.halo());
				if (p.axes() == null || p.rank() != first.rank()) {
					notUnderstood(n, "joins tensors whose axes are not known");
					return null;
				}
				for (int k = 0; k < p.rank(); k++)
					if (k != a && p.axes().get(k).role() != first.axes().get(k).role()) {
						breaks(n, "joins tensors whose image axes do not line up");
						return null;
					}
				total = total.plus(p.axes().get(a).size());
			}
			else if (known.isSize(name)) {
				breaks(n,
					"joins values computed from the image size (Shape or Size) to image data");
				return null;
			}
			else {
				long[] shape = known.shape(name);
				if (shape != null && shape.length == first.rank()) {
					for (int k = 0; k < shape.length; k++)
						if (k != a && shape[k] > 1 && first.axes().get(k).role()
							.isSpatial())
						{
							breaks(n, "joins a constant that varies along the image's " +
								(first.axes().get(k).role() == Role.Y ? "y" : "x") +
								" axis, so the result depends on where a pixel lies");
							return null;
						}
					total = total.plus(Extent.of(shape[a]));
				}
				else total = Extent.UNKNOWN;
			}
		}
		List<Axis> out = new ArrayList<>(first.axes());
		out.set(a, out.get(a).withSize(total));
		return first.with(out, halo);
	}

	List<Pixels> split(NodeProto n, Pixels in) {
		if (in.axes() == null) {
			notUnderstood(n, "splits a tensor whose axes are not known");
			return null;
		}
		int a = axis(attrInt(n, "axis", 0), in.rank());
		if (a < 0 || in.axes().get(a).role().isSpatial()) {
			breaks(n,
				"splits the image along a spatial axis, at places that depend on the tile's size");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes());
		out.set(a, out.get(a).withSize(Extent.UNKNOWN));
		return List.of(in.with(out));
	}

	Pixels slice(NodeProto n, Pixels in) {
		boolean inputs = opset() >= 10;
		double[] starts = inputs ? n.getInputCount() > 1 ? known.numbers(n.getInput(
			1)) : null : attrInts(n, "starts");
		double[] ends = inputs ? n.getInputCount() > 2 ? known.numbers(n.getInput(
			2)) : null : attrInts(n, "ends");
		double[] axes = inputs ? n.getInputCount() > 3 && !n.getInput(3).isEmpty()
			? known.numbers(n.getInput(3)) : null : attrInts(n, "axes");
		double[] steps = inputs && n.getInputCount() > 4 && !n.getInput(4).isEmpty()
			? known.numbers(n.getInput(4)) : null;
		boolean axesGiven = inputs ? n.getInputCount() > 3 && !n.getInput(3)
			.isEmpty() : attr(n, "axes") != null;
		for (int i = 1; i < n.getInputCount(); i++)
			if (known.isSize(n.getInput(i))) {
				breaks(n, "crops by amounts computed from the image size");
				return null;
			}
		if (starts == null || ends == null || axesGiven && axes == null || in
			.axes() == null || starts.length != ends.length)
		{
			notUnderstood(n, "its crop is not given by constants");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes());
		for (int i = 0; i < starts.length; i++) {
			int a = axis(axes == null ? i : axes[i], in.rank());
			double step = steps == null ? 1 : steps[i];
			if (a < 0) {
				notUnderstood(n, "crops an axis the tensor does not have");
				return null;
			}
			Axis x = in.axes().get(a);
			boolean whole = step == 1 && starts[i] == 0 &&
				ends[i] >= Integer.MAX_VALUE;
			if (whole) continue;
			if (x.role().isSpatial()) {
				breaks(n, "crops or flips the image's " + (x.role() == Role.Y ? "y"
					: "x") + " axis, which a tile's borders change");
				return null;
			}
			if (x.role() == Role.BATCH) {
				breaks(n, "picks from the batch axis, mixing tiles");
				return null;
			}
			Extent size = Extent.UNKNOWN;
			if (x.size().isInteger() && step != 0) {
				long len = x.size().num();
				long s = (long) Math.max(0, Math.min(len, starts[i] < 0 ? starts[i] +
					len : starts[i]));
				long e = (long) Math.max(0, Math.min(len, ends[i] < 0 ? ends[i] + len
					: ends[i]));
				if (step > 0) size = Extent.of(Math.max(0, -Math.floorDiv(s - e,
					(long) step)));
			}
			out.set(a, x.withSize(size));
		}
		return in.with(out);
	}

	Pixels expand(NodeProto n, Pixels in) {
		if (n.getInputCount() > 1 && pixels.containsKey(n.getInput(1)) && !pixels
			.get(n.getInput(1)).tainted())
		{
			breaks(n, "takes its shape from image values");
			return null;
		}
		if (!pixels.containsKey(n.getInput(0))) return new Pixels(null, in.halo(),
			in.jump(), true);
		List<Extent> shape = n.getInputCount() > 1 ? known.values(n.getInput(1))
			: null;
		if (in.axes() == null || shape == null) {
			notUnderstood(n, "expands to a shape that is not known");
			return null;
		}
		int rank = Math.max(in.rank(), shape.size());
		List<Axis> out = new ArrayList<>();
		for (int i = 0; i < rank; i++) {
			int k = i - (rank - in.rank()), s = i - (rank - shape.size());
			Axis a = k >= 0 ? in.axes().get(k) : new Axis(Role.OTHER, Extent.ONE, 1);
			Extent to = s >= 0 ? shape.get(s) : Extent.ONE;
			if (isOne(a.size()) && !isOne(to)) {
				if (a.role().isSpatial()) {
					breaks(n, "repeats one value across the image's " + (a
						.role() == Role.Y ? "y" : "x") + " axis");
					return null;
				}
				a = new Axis(Role.OTHER, to, 1);
			}
			out.add(a);
		}
		return in.with(out);
	}

	Pixels tile(NodeProto n, Pixels in) {
		double[] repeats = n.getInputCount() > 1 ? known.numbers(n.getInput(1))
			: null;
		if (repeats == null || in.axes() == null || repeats.length != in.rank()) {
			notUnderstood(n, "its repeats are not constants");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes());
		for (int i = 0; i < repeats.length; i++) {
			if (repeats[i] == 1) continue;
			Axis a = in.axes().get(i);
			if (a.role().isSpatial() || a.role() == Role.BATCH) {
				breaks(n, "repeats the image along its " + (a.role() == Role.Y ? "y" : a
					.role() == Role.X ? "x" : "batch") + " axis");
				return null;
			}
			out.set(i, a.withSize(a.size().times(Extent.of((long) repeats[i]))));
		}
		return in.with(out);
	}

	Pixels gather(NodeProto n, Pixels in) {
		if (!pixels.containsKey(n.getInput(0)) || in.axes() == null) {
			breaks(n, "looks values up at positions computed from the image");
			return null;
		}
		int a = axis(attrInt(n, "axis", 0), in.rank());
		if (a < 0 || in.axes().get(a).role().isSpatial() || in.axes().get(a)
			.role() == Role.BATCH)
		{
			breaks(n,
				"picks fixed positions of the image, which a tile's borders change");
			return null;
		}
		long[] indices = n.getInputCount() > 1 ? known.shape(n.getInput(1)) : null;
		if (indices == null) {
			notUnderstood(n, "its indices are not constants");
			return null;
		}
		List<Axis> out = new ArrayList<>(in.axes().subList(0, a));
		for (long d : indices)
			out.add(new Axis(Role.OTHER, Extent.of(d), 1));
		out.addAll(in.axes().subList(a + 1, in.rank()));
		return in.with(out);
	}

	void shape(NodeProto n, Pixels in, boolean size) {
		List<Extent> values = null;
		if (in.axes() != null) {
			List<Extent> all = in.axes().stream().map(Axis::size).toList();
			if (size) {
				Extent total = Extent.ONE;
				for (Extent e : all)
					total = total.times(e);
				values = List.of(total);
			}
			else {
				int start = axis(attrInt(n, "start", 0), all.size() + 1);
				long endAttr = attrInt(n, "end", all.size());
				int end = (int) Math.max(0, Math.min(all.size(), endAttr < 0 ? endAttr +
					all.size() : endAttr));
				values = start >= 0 && start <= end ? all.subList(start, end) : null;
			}
		}
		for (String o : n.getOutputList())
			if (!o.isEmpty()) known.putSize(o, values);
	}
}
