
package org.fijigan.core.model;

import static org.fijigan.core.model.ImageAxes.axis;
import static org.fijigan.core.model.ImageAxes.isOne;
import static org.fijigan.core.model.NodeAttributes.attrInt;
import static org.fijigan.core.model.NodeAttributes.attrInts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.model.ImageAxes.Axis;
import org.fijigan.core.model.ImageAxes.Pixels;
import org.fijigan.core.model.ImageAxes.Role;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * The rules of {@link LocalityWalker} for operators that move axes (Reshape,
 * Flatten, Transpose, Squeeze, Unsqueeze): y and x must stay apart, apart from
 * the batch, and on axes of their own.
 */
final class ReshapeRules extends OperatorRules {

	ReshapeRules(LocalityWalker walk, Map<String, Pixels> pixels,
		KnownValues known)
	{
		super(walk, pixels, known);
	}

	List<Extent> targetShape(NodeProto n) {
		if (n.getInputCount() > 1) return known.values(n.getInput(1));
		double[] s = attrInts(n, "shape");
		if (s == null) return null;
		List<Extent> r = new ArrayList<>();
		for (double d : s)
			r.add(Extent.of((long) d));
		return r;
	}

	/**
	 * A Reshape keeps every pixel local when it only splits a spatial axis into
	 * it and smaller steps after it, or merges such steps back (pixel shuffles,
	 * space-to-depth), and leaves y and x apart and apart from the batch. The
	 * axes are lined up in groups of equal total length.
	 */
	Pixels reshape(NodeProto n, Pixels in, List<Extent> target) {
		boolean literal = n.getInputCount() < 2 || !known.isSize(n.getInput(1));
		if (n.getInputCount() > 1 && pixels.containsKey(n.getInput(1))) {
			breaks(n, "takes its shape from image values");
			return null;
		}
		if (in.axes() == null || target == null) {
			notUnderstood(n, "reshapes image data to a shape that is not known");
			return null;
		}
		List<Axis> a = in.axes();
		boolean allowZero = attrInt(n, "allowzero", 0) != 0;
		List<Extent> t = new ArrayList<>(target);
		int inferred = -1;
		for (int i = 0; i < t.size(); i++) {
			Extent e = t.get(i);
			if (e.isInteger() && e.num() == 0 && !allowZero) t.set(i, i < a.size() ? a
				.get(i).size() : Extent.UNKNOWN);
			else if (e.isInteger() && e.num() == -1) {
				if (inferred >= 0) return shapeNotUnderstood(n);
				inferred = i;
			}
		}
		if (inferred >= 0) {
			Extent total = Extent.ONE, known = Extent.ONE;
			for (Axis x : a)
				total = total.times(x.size());
			for (int i = 0; i < t.size(); i++)
				if (i != inferred) known = known.times(t.get(i));
			t.set(inferred, total.dividedBy(known));
		}
		for (Extent e : t)
			if (!e.isKnown()) return shapeNotUnderstood(n);
		for (Axis x : a)
			if (!x.size().isKnown()) return shapeNotUnderstood(n);
		Axis[] out = new Axis[t.size()];
		double halo = in.halo();
		int i = 0, j = 0;
		while (i < a.size() || j < t.size()) {
			if (i < a.size() && isOne(a.get(i).size())) {
				i++;
				continue;
			}
			if (j < t.size() && isOne(t.get(j))) {
				out[j++] = new Axis(Role.OTHER, Extent.ONE, 1);
				continue;
			}
			if (i >= a.size() || j >= t.size()) return shapeNotUnderstood(n);
			int i0 = i, j0 = j;
			Extent pin = a.get(i++).size(), pout = t.get(j++);
			while (!pin.equals(pout)) {
				if (pin.isSmallerThan(pout)) {
					if (i >= a.size()) return shapeNotUnderstood(n);
					pin = pin.times(a.get(i++).size());
				}
				else {
					if (j >= t.size()) return shapeNotUnderstood(n);
					pout = pout.times(t.get(j++));
				}
			}
			// the group in[i0, i) <-> out[j0, j), unit axes inside it included
			List<Axis> group = new ArrayList<>();
			for (int k = i0; k < i; k++)
				if (!isOne(a.get(k).size())) group.add(a.get(k));
			long spatial = group.stream().filter(x -> x.role().isSpatial()).count();
			boolean batch = group.stream().anyMatch(x -> x.role() == Role.BATCH);
			int firstOut = j0;
			while (firstOut < j && isOne(t.get(firstOut)))
				firstOut++;
			for (int k = j0; k < j; k++)
				out[k] = new Axis(Role.OTHER, t.get(k), 1);
			if (spatial == 0) {
				if (batch && group.size() > 1) {
					breaks(n, "merges the batch axis with other axes, mixing tiles");
					return null;
				}
				if (batch) out[firstOut] = new Axis(Role.BATCH, t.get(firstOut), 1);
				continue;
			}
			if (spatial > 1) {
				breaks(n, "merges the image's y and x axes into one");
				return null;
			}
			if (batch) {
				breaks(n, "merges image positions into the batch axis");
				return null;
			}
			Axis s = group.get(0);
			if (!s.role().isSpatial()) {
				breaks(n,
					"moves image positions into other axes (a spatial axis is not the outer one of those " +
						"it merges or splits)");
				return null;
			}
			Extent innerIn = Extent.ONE, innerOut = Extent.ONE;
			for (int k = 1; k < group.size(); k++)
				innerIn = innerIn.times(group.get(k).size());
			for (int k = firstOut + 1; k < j; k++)
				innerOut = innerOut.times(t.get(k));
			if (!innerIn.isConstant() || !innerOut.isConstant()) {
				breaks(n, "moves image positions into other axes");
				return null;
			}
			double step = innerOut.value() / innerIn.value();
			out[firstOut] = new Axis(s.role(), t.get(firstOut), s.jump() * step);
			if (step > 1) halo = Math.max(halo, in.halo() + s.jump() * (step - 1));
			if (literal && target.get(firstOut).isInteger() && target.get(firstOut)
				.num() > 0) fixedSpatialReshape();
		}
		return in.with(Arrays.asList(out), halo);
	}

	Pixels shapeNotUnderstood(NodeProto n) {
		notUnderstood(n,
			"reshapes image data in a way fiji-gan cannot line up with the image's axes");
		return null;
	}

	Pixels flatten(NodeProto n, Pixels in) {
		if (in.axes() == null) {
			notUnderstood(n, "flattens a tensor whose axes are not known");
			return null;
		}
		int a = axis(attrInt(n, "axis", 1), in.rank() + 1);
		Extent outer = Extent.ONE, inner = Extent.ONE;
		for (int i = 0; i < in.rank(); i++)
			if (i < a) outer = outer.times(in.axes().get(i).size());
			else inner = inner.times(in.axes().get(i).size());
		return reshape(n, in, List.of(outer, inner));
	}

	Pixels transpose(NodeProto n, Pixels in) {
		if (in.axes() == null) return in;
		double[] perm = attrInts(n, "perm");
		List<Axis> out = new ArrayList<>();
		for (int i = 0; i < in.rank(); i++) {
			int from = perm == null ? in.rank() - 1 - i : axis(perm[i], in.rank());
			if (from < 0) {
				notUnderstood(n, "its permutation does not fit the tensor");
				return null;
			}
			out.add(in.axes().get(from));
		}
		return in.with(out);
	}

	Pixels squeeze(NodeProto n, Pixels in, boolean unsqueeze) {
		double[] axes = n.getInputCount() > 1 ? known.numbers(n.getInput(1))
			: attrInts(n, "axes");
		if (in.axes() == null) return new Pixels(null, in.halo(), in.jump(), in
			.tainted());
		List<Axis> out = new ArrayList<>(in.axes());
		if (unsqueeze) {
			if (axes == null) {
				notUnderstood(n, "the axes it inserts are not constants");
				return null;
			}
			int rank = in.rank() + axes.length;
			int[] at = Arrays.stream(axes).mapToInt(d -> axis(d, rank)).sorted()
				.toArray();
			for (int k : at)
				if (k < 0 || k > out.size()) {
					notUnderstood(n, "inserts an axis the tensor cannot have");
					return null;
				}
				else out.add(k, new Axis(Role.OTHER, Extent.ONE, 1));
			return in.with(out);
		}
		Set<Integer> gone = new HashSet<>();
		if (axes == null) {
			for (int i = 0; i < out.size(); i++) {
				Extent s = out.get(i).size();
				if (!s.isKnown()) {
					notUnderstood(n, "the axes it removes are not known");
					return null;
				}
				if (isOne(s)) gone.add(i);
			}
		}
		else for (double d : axes)
			gone.add(axis(d, in.rank()));
		List<Axis> kept = new ArrayList<>();
		for (int i = 0; i < out.size(); i++) {
			if (!gone.contains(i)) kept.add(out.get(i));
			else if (out.get(i).role().isSpatial()) {
				breaks(n, "removes the image's " + (out.get(i).role() == Role.Y ? "y"
					: "x") + " axis");
				return null;
			}
		}
		return in.with(kept);
	}
}
