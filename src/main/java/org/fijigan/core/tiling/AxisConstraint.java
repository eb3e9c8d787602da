
package org.fijigan.core.tiling;

/**
 * Which input sizes a model accepts along one spatial axis: exactly
 * {@code fixed}, or {@code min + k * step} for k >= 0.
 */
public record AxisConstraint(int fixed, int min, int step) {

	public static final AxisConstraint ANY = new AxisConstraint(-1, 1, 1);

	public AxisConstraint {
		if (fixed <= 0) fixed = -1;
		if (min < 1) min = 1;
		if (step < 1) step = 1;
	}

	public static AxisConstraint fixed(int size) {
		return new AxisConstraint(size, size, 1);
	}

	public static AxisConstraint minStep(int min, int step) {
		return new AxisConstraint(-1, min, step);
	}

	public boolean isFixed() {
		return fixed > 0;
	}

	/**
	 * The smallest accepted size that is at least {@code n}, or -1 when none is
	 * (fixed too small).
	 */
	public int validSizeAtLeast(int n) {
		if (isFixed()) return n <= fixed ? fixed : -1;
		if (n <= min) return min;
		return min + (int) (((long) n - min + step - 1) / step) * step;
	}

	/**
	 * The largest accepted size that is at most {@code n}, or -1 when none is.
	 */
	public int validSizeAtMost(int n) {
		if (isFixed()) return n >= fixed ? fixed : -1;
		if (n < min) return -1;
		return min + (n - min) / step * step;
	}

	public boolean accepts(int n) {
		return isFixed() ? n == fixed : n >= min && (n - min) % step == 0;
	}

	@Override
	public String toString() {
		return isFixed() ? "fixed " + fixed : step == 1 && min == 1 ? "any"
			: "min " + min + ", step " + step;
	}
}
