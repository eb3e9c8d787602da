
package org.fijigan.core.model;

import static org.fijigan.core.model.ImageAxes.axis;
import static org.fijigan.core.model.ImageAxes.from;
import static org.fijigan.core.model.ImageAxes.names;
import static org.fijigan.core.model.ImageAxes.touchesSpace;
import static org.fijigan.core.model.NodeAttributes.attrInt;
import static org.fijigan.core.model.NodeAttributes.attrInts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.model.ImageAxes.Axis;
import org.fijigan.core.model.ImageAxes.Pixels;
import org.fijigan.core.model.ImageAxes.Role;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * The rules of {@link LocalityWalker} for operators that combine values across
 * axes (reductions, normalisations, softmax, arg-max, matrix products): exact
 * as long as none of those axes is y or x.
 */
final class ReductionRules extends OperatorRules {

	ReductionRules(LocalityWalker walk, Map<String, Pixels> pixels,
		KnownValues known)
	{
		super(walk, pixels, known);
	}

	/**
	 * A node that combines values across {@code which} axes: a breaker when one
	 * of them is y or x; otherwise those axes keep length 1 ({@code keep}) or go.
	 */
	Pixels reduceAxes(NodeProto n, Pixels in, double[] which, boolean keep,
		String what)
	{
		if (touchesSpace(in, which)) {
			String axes = in.axes() == null || which == null ? "" : names(in.axes(),
				which);
			String where = axes.isEmpty() ? "axes that may hold image positions"
				: "the image's " + axes + (axes.contains(" and ") ? " axes" : " axis") +
					", which a tile sees only part of";
			breaks(n, what + " " + where);
			return null;
		}
		List<Axis> out = new ArrayList<>();
		Set<Integer> gone = new HashSet<>();
		for (double d : which)
			gone.add(axis(d, in.rank()));
		for (int i = 0; i < in.rank(); i++) {
			if (!gone.contains(i)) out.add(in.axes().get(i));
			else if (keep) out.add(new Axis(Role.OTHER, Extent.ONE, 1));
		}
		return in.with(out);
	}

	Pixels reduce(NodeProto n, Pixels in) {
		double[] axes = attrInts(n, "axes");
		boolean dynamic = false;
		if (axes == null && n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
			axes = known.numbers(n.getInput(1));
			dynamic = axes == null;
		}
		if (!dynamic && axes == null || axes != null && axes.length == 0) {
			if (attrInt(n, "noop_with_empty_axes", 0) != 0) return in;
			axes = from(0, in.rank());
		}
		return reduceAxes(n, in, axes, attrInt(n, "keepdims", 1) != 0,
			"reduces over");
	}

	Pixels softmax(NodeProto n, Pixels in) {
		long axis = attrInt(n, "axis", opset() < 13 ? 1 : -1);
		double[] over = opset() < 13 ? from(axis, in.rank()) : new double[] {
			axis };
		return reduceAxes(n, in, over, true, "normalises across");
	}

	/**
	 * Matrix products: the axis summed over (A's last, B's second last) must not
	 * be y or x, and two tensors of image data multiplied together compare every
	 * position with every other.
	 */
	Pixels matMul(NodeProto n, String op) {
		int ia = 0, ib = op.equals("QLinearMatMul") ? 3 : 1;
		Pixels a = pixels.get(n.getInput(ia)), b = n.getInputCount() > ib ? pixels
			.get(n.getInput(ib)) : null;
		for (int i = 0; i < n.getInputCount(); i++)
			if (known.isSize(n.getInput(i))) {
				breaks(n, "uses the image size as a value (computed by Shape or Size)");
				return null;
			}
		if (a != null && b != null) {
			breaks(n,
				"multiplies two tensors of image data, relating every position to every other");
			return null;
		}
		Pixels p = a != null ? a : b;
		if (p == null || p.axes() == null) {
			notUnderstood(n, "multiplies a tensor whose axes are not known");
			return null;
		}
		boolean isA = a != null, gemm = op.equals("Gemm");
		int rank = p.rank();
		boolean transposed = gemm && attrInt(n, isA ? "transA" : "transB", 0) != 0;
		int summed = rank == 1 ? 0 : isA == transposed ? rank - 2 : rank - 1;
		Role role = p.axes().get(summed).role();
		if (role != Role.OTHER) {
			breaks(n, "sums over the image's " + (role == Role.Y ? "y"
				: role == Role.X ? "x" : "batch") +
				" axis (a product over flattened image positions)");
			return null;
		}
		if (rank == 1) return p.with(List.of());
		long[] other = known.shape(n.getInput(isA ? ib : ia));
		Extent free = Extent.UNKNOWN; // the other matrix's axis that is not summed
																	// over
		if (other != null && other.length >= 2) {
			boolean otherTransposed = gemm && attrInt(n, isA ? "transB" : "transA",
				0) != 0;
			free = Extent.of(other[isA != otherTransposed ? other.length - 1
				: other.length - 2]);
			for (int k = 0; k < other.length - 2; k++) {
				int o = rank - other.length + k;
				if (o >= 0 && o < rank - 2 && other[k] > 1 && p.axes().get(o).role()
					.isSpatial())
				{
					breaks(n,
						"multiplies by a constant that varies along image positions");
					return null;
				}
			}
		}
		Axis kept = p.axes().get(summed == rank - 1 ? rank - 2 : rank - 1), made =
			new Axis(Role.OTHER, free, 1);
		List<Axis> out = new ArrayList<>(p.axes().subList(0, rank - 2));
		out.add(isA ? kept : made);
		out.add(isA ? made : kept);
		return p.with(out);
	}
}
