
package org.fijigan.testing;

/**
 * Functions the JDK lacks, in double, for tests that compute expected values in
 * closed form.
 */
public final class SpecialFunctions {

	private SpecialFunctions() {}

	/**
	 * The error function, to about 1e-15: its Taylor series below 2 and a
	 * continued fraction of erfc from 2 on.
	 */
	public static double erf(double x) {
		double a = Math.abs(x);
		if (a >= 2) {
			double f = a;
			for (int k = 80; k > 0; k--)
				f = a + k / 2.0 / f;
			return Math.signum(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f);
		}
		double sum = 0, term = x;
		for (int n = 0; n < 60; n++) {
			sum += term / (2 * n + 1);
			term *= -x * x / (n + 1);
		}
		return 2 / Math.sqrt(Math.PI) * sum;
	}
}
