
package org.fijigan.core.model;

import java.util.List;

/**
 * The axis bookkeeping of {@link LocalityWalker}: what it knows of each tensor
 * computed from image inputs (per axis a role, a length and a jump; for the
 * whole tensor a halo), and the arithmetic on axis numbers its rules share.
 */
final class ImageAxes {

	private ImageAxes() {}

	enum Role {

			BATCH, Y, X, OTHER;

		boolean isSpatial() {
			return this == Y || this == X;
		}
	}

	/**
	 * One axis of a tensor computed from image inputs; {@code jump} matters for y
	 * and x only.
	 */
	record Axis(Role role, Extent size, double jump) {

		Axis withSize(Extent s) {
			return new Axis(role, s, jump);
		}
	}

	/**
	 * A tensor computed from image inputs.
	 *
	 * @param axes null when its axes are not known
	 * @param halo input pixels of context on each side
	 * @param jump input pixels per step along x (y where x is gone), for when the
	 *          axes are lost
	 * @param tainted whether a breaker lies upstream, so that this tensor blames
	 *          nothing more
	 */
	record Pixels(List<Axis> axes, double halo, double jump, boolean tainted) {

		Pixels {
			axes = axes == null ? null : List.copyOf(axes);
		}

		int rank() {
			return axes == null ? -1 : axes.size();
		}

		Pixels with(List<Axis> a) {
			return new Pixels(a, halo, jumpOf(a, jump), tainted);
		}

		Pixels with(List<Axis> a, double newHalo) {
			return new Pixels(a, newHalo, jumpOf(a, jump), tainted);
		}

		private static double jumpOf(List<Axis> axes, double fallback) {
			if (axes == null) return fallback;
			double y = Double.NaN;
			for (Axis a : axes) {
				if (a.role() == Role.X) return a.jump();
				if (a.role() == Role.Y) y = a.jump();
			}
			return Double.isNaN(y) ? fallback : y;
		}
	}

	/**
	 * {@code from, from + 1, ..., rank - 1} (negative {@code from} counts from
	 * the end).
	 */
	static double[] from(long from, int rank) {
		if (rank < 0) return null;
		int start = (int) (from < 0 ? from + rank : from);
		double[] a = new double[Math.max(0, rank - start)];
		for (int i = 0; i < a.length; i++)
			a[i] = start + i;
		return a;
	}

	/** An axis number made non-negative, or -1 when it cannot be. */
	static int axis(double axis, int rank) {
		if (rank < 0) return axis >= 0 ? (int) axis : -1;
		int a = (int) (axis < 0 ? axis + rank : axis);
		return a >= 0 && a < rank ? a : -1;
	}

	/** "y", "x" or "y and x": which of {@code which} are the image's axes. */
	static String names(List<Axis> axes, double[] which) {
		boolean y = false, x = false;
		for (double d : which) {
			int a = axis(d, axes.size());
			y |= a >= 0 && axes.get(a).role() == Role.Y;
			x |= a >= 0 && axes.get(a).role() == Role.X;
		}
		return y && x ? "y and x" : y ? "y" : x ? "x" : "";
	}

	/** Whether any of {@code which} is y or x, or cannot be told. */
	static boolean touchesSpace(Pixels in, double[] which) {
		if (in.axes() == null || which == null) return true;
		for (double d : which) {
			int a = axis(d, in.rank());
			if (a < 0 || in.axes().get(a).role().isSpatial()) return true;
		}
		return false;
	}

	static boolean isOne(Extent e) {
		return e.isConstant() && e.value() == 1;
	}
}
