
package org.fijigan.core.train.data;

import java.util.SplittableRandom;

/**
 * Normal and Poisson variates from one {@link SplittableRandom}, written out
 * here (with {@link StrictMath}) rather than taken from the JDK, so the same
 * seed gives the same values on every JVM version and platform: a resumed run
 * must see the batches the interrupted one would have. Not thread-safe; one
 * instance per stream.
 */
final class RandomValues {

	private final SplittableRandom random;
	private double spare;
	private boolean hasSpare;

	/**
	 * The largest Poisson mean drawn: well inside a long, with room for the noise
	 * around it.
	 */
	static final double MAX_POISSON_MEAN = 1e18;

	/**
	 * Above this mean a draw is the normal approximation (its error is far below
	 * one count's rounding there), for the ratio method's arithmetic in doubles
	 * no longer holds whole counts.
	 */
	static final double NORMAL_POISSON_MEAN = 1e15;

	RandomValues(SplittableRandom random) {
		this.random = random;
	}

	SplittableRandom random() {
		return random;
	}

	/** Uniform in [0, 1). */
	double uniform() {
		return random.nextDouble();
	}

	/** Uniform in [min, max]. */
	double uniform(Degradation.Range r) {
		double u = random.nextDouble();
		return r.min() == r.max() ? r.min() : r.min() + u * (r.max() - r.min());
	}

	/** Log-uniform in [min, max] (both positive). */
	double logUniform(Degradation.Range r) {
		double u = random.nextDouble();
		if (r.min() == r.max()) return r.min();
		return StrictMath.exp(StrictMath.log(r.min()) + u * (StrictMath.log(r
			.max()) - StrictMath.log(r.min())));
	}

	int nextInt(int bound) {
		return random.nextInt(bound);
	}

	/** Standard normal (Box-Muller, values used in pairs). */
	double gaussian() {
		if (hasSpare) {
			hasSpare = false;
			return spare;
		}
		double u1 = 1 - random.nextDouble(); // (0, 1]
		double u2 = random.nextDouble();
		double r = Math.sqrt(-2 * StrictMath.log(u1));
		double a = 2 * Math.PI * u2;
		spare = r * StrictMath.sin(a);
		hasSpare = true;
		return r * StrictMath.cos(a);
	}

	/**
	 * A Poisson variate of mean {@code lambda >= 0}: multiplication of uniforms
	 * (Knuth) below 10, else Hörmann's transformed rejection with squeeze (PTRS,
	 * 1993), as NumPy does.
	 */
	long poisson(double lambda) {
		if (!(lambda > 0)) return 0;
		if (!(lambda <= MAX_POISSON_MEAN)) throw new IllegalArgumentException(
			"a Poisson mean of " + lambda +
				" is beyond what a count holds (at most " + MAX_POISSON_MEAN + ")");
		if (lambda > NORMAL_POISSON_MEAN) { // the ratio method loses the integers
			double k = Math.rint(lambda + Math.sqrt(lambda) * gaussian());
			return k <= 0 ? 0 : (long) Math.min(k, Long.MAX_VALUE);
		}
		if (lambda < 10) {
			double limit = StrictMath.exp(-lambda), product = random.nextDouble();
			long k = 0;
			while (product > limit) {
				k++;
				product *= random.nextDouble();
			}
			return k;
		}
		double slam = Math.sqrt(lambda), loglam = StrictMath.log(lambda);
		double b = 0.931 + 2.53 * slam;
		double a = -0.059 + 0.02483 * b;
		double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
		double vr = 0.9277 - 3.6224 / (b - 2);
		while (true) {
			double u = random.nextDouble() - 0.5;
			double v = random.nextDouble();
			double us = 0.5 - Math.abs(u);
			long k = (long) Math.floor((2 * a / us + b) * u + lambda + 0.43);
			if (us >= 0.07 && v <= vr) return k;
			if (k < 0 || (us < 0.013 && v > us)) continue;
			if (StrictMath.log(v) + StrictMath.log(invAlpha) - StrictMath.log(a /
				(us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
		}
	}

	/**
	 * {@code log(k!)}: exact sum below 10, Stirling's series above (error below
	 * 1e-12).
	 */
	static double logFactorial(long k) {
		if (k < 10) {
			double s = 0;
			for (int i = 2; i <= k; i++)
				s += StrictMath.log(i);
			return s;
		}
		double x = k + 1.0, x2 = 1 / (x * x);
		double series = (((-1.0 / 1680 * x2 + 1.0 / 1260) * x2 - 1.0 / 360) * x2 +
			1.0 / 12) / x;
		return (x - 0.5) * StrictMath.log(x) - x + 0.5 * StrictMath.log(2 *
			Math.PI) + series;
	}
}
