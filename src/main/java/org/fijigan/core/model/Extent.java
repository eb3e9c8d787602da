
package org.fijigan.core.model;

/**
 * The length of one tensor axis as {@link LocalityWalker} knows it:
 * {@code (num / den) * N^n * H^h *
 * W^w}, where N, H and W are the batch size and the image height and width
 * wherever the model's input leaves them open (a fixed input size is a plain
 * number), or unknown ({@code den == 0}). A length that follows an image axis
 * keeps only its leading term: padding by two and a 3x3 convolution without
 * padding both leave {@code H}, since what matters is how axes line up and
 * scale, not their last pixels; plain numbers stay exact. Immutable.
 */
record Extent(long num, long den, int n, int h, int w) {

	static final Extent UNKNOWN = new Extent(0, 0, 0, 0, 0);
	static final Extent ONE = of(1);

	Extent {
		if (den < 0) {
			num = -num;
			den = -den;
		}
		if (den != 0) {
			long g = gcd(Math.abs(num), den);
			if (g > 1) {
				num /= g;
				den /= g;
			}
		}
		else num = n = h = w = 0;
	}

	static Extent of(long value) {
		return new Extent(value, 1, 0, 0, 0);
	}

	/** {@code N}, {@code H} or {@code W}. */
	static Extent symbol(char s) {
		return new Extent(1, 1, s == 'N' ? 1 : 0, s == 'H' ? 1 : 0, s == 'W' ? 1
			: 0);
	}

	/**
	 * A positive ratio such as a resize factor, when it is a fraction with a
	 * denominator up to 1000.
	 */
	static Extent ratio(double value) {
		if (!(value > 0) || Double.isInfinite(value)) return UNKNOWN;
		for (long den = 1; den <= 1000; den++) {
			double num = value * den;
			if (Math.abs(num - Math.rint(num)) < 1e-6 * den) return new Extent(Math
				.round(num), den, 0, 0, 0);
		}
		return UNKNOWN;
	}

	boolean isKnown() {
		return den != 0;
	}

	/** Whether it is a plain number (no N, H or W in it). */
	boolean isConstant() {
		return isKnown() && n == 0 && h == 0 && w == 0;
	}

	/** Whether it is a plain whole number. */
	boolean isInteger() {
		return isConstant() && den == 1;
	}

	/** The plain number; NaN unless {@link #isConstant()}. */
	double value() {
		return isConstant() ? (double) num / den : Double.NaN;
	}

	Extent times(Extent o) {
		if (!isKnown() || !o.isKnown()) return UNKNOWN;
		try {
			return new Extent(Math.multiplyExact(num, o.num), Math.multiplyExact(den,
				o.den), n + o.n, h + o.h, w + o.w);
		}
		catch (ArithmeticException e) {
			return UNKNOWN;
		}
	}

	/** The exact quotient (a fraction where it does not divide). */
	Extent dividedBy(Extent o) {
		if (!isKnown() || !o.isKnown() || o.num == 0) return UNKNOWN;
		return times(new Extent(o.den, o.num, -o.n, -o.h, -o.w));
	}

	/**
	 * This plus {@code o}: exact for numbers, the leading term where one side
	 * follows an image axis.
	 */
	Extent plus(Extent o) {
		if (!isKnown() || !o.isKnown()) return UNKNOWN;
		boolean same = n == o.n && h == o.h && w == o.w;
		if (same) {
			try {
				return new Extent(Math.addExact(Math.multiplyExact(num, o.den), Math
					.multiplyExact(o.num, den)), Math.multiplyExact(den, o.den), n, h, w);
			}
			catch (ArithmeticException e) {
				return UNKNOWN;
			}
		}
		if (o.isConstant() && degree() > 0) return this;
		if (isConstant() && o.degree() > 0) return o;
		return UNKNOWN;
	}

	Extent plus(long c) {
		return plus(of(c));
	}

	/**
	 * The length of a windowed operation's output: {@code floor} (or
	 * {@code ceil}) of {@code (this +
	 * pads - span - 1) / stride + 1} for a number, {@code this / stride} for a
	 * length that follows an image axis.
	 */
	Extent window(long pads, long span, long stride, boolean ceil) {
		if (!isKnown() || stride <= 0) return UNKNOWN;
		if (!isInteger()) return dividedBy(of(stride));
		long inner = num + pads - span - 1;
		return of((ceil ? -Math.floorDiv(-inner, stride) : Math.floorDiv(inner,
			stride)) + 1);
	}

	/** Total power of N, H and W: 0 for a plain number. */
	int degree() {
		return n + h + w;
	}

	/**
	 * Whether this is smaller than {@code o}, for lining up the axes of a
	 * reshape: by degree, then by coefficient.
	 */
	boolean isSmallerThan(Extent o) {
		if (degree() != o.degree()) return degree() < o.degree();
		return (double) num / den < (double) o.num / o.den;
	}

	private static long gcd(long a, long b) {
		while (b != 0) {
			long t = a % b;
			a = b;
			b = t;
		}
		return a == 0 ? 1 : a;
	}

	@Override
	public String toString() {
		if (!isKnown()) return "?";
		StringBuilder sb = new StringBuilder();
		sb.append(den == 1 ? Long.toString(num) : num + "/" + den);
		for (int i = 0; i < n; i++)
			sb.append("*N");
		for (int i = 0; i < h; i++)
			sb.append("*H");
		for (int i = 0; i < w; i++)
			sb.append("*W");
		return sb.toString();
	}
}
