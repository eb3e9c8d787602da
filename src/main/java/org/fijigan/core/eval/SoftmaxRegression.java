
package org.fijigan.core.eval;

import org.fijigan.core.GanException;

/**
 * A linear classifier: multinomial logistic regression on standardised
 * features, fitted by minimising the mean cross-entropy plus {@code lambda / 2}
 * times the squared weights (not the biases). Each feature is standardised by
 * the mean and standard deviation of the training set (a feature that does not
 * vary there is ignored). The objective is strongly convex, so its minimum is
 * unique: it is found by Nesterov's accelerated gradient descent for strongly
 * convex functions, from zero weights, with the step {@code 1 / L} where
 * {@code L = lambda_max(X'X / n) / 2 + lambda} bounds the curvature (Böhning
 * 1992; the largest eigenvalue of the standardised features' second moments,
 * with the bias column), for a fixed number of iterations. Nothing is random:
 * the same data give the same classifier.
 */
public final class SoftmaxRegression {

	/** Default L2 weight on standardised features. */
	public static final double DEFAULT_LAMBDA = 1e-2;
	/** Default number of gradient steps. */
	public static final int DEFAULT_ITERATIONS = 500;

	private final int classes;
	private final double[] mean;
	private final double[] scale;
	/** weights[k][j] for feature j, weights[k][d] the bias. */
	private final double[][] weights;

	private SoftmaxRegression(int classes, double[] mean, double[] scale,
		double[][] weights)
	{
		this.classes = classes;
		this.mean = mean;
		this.scale = scale;
		this.weights = weights;
	}

	/** Fits with the default L2 weight and iterations. */
	public static SoftmaxRegression fit(double[][] x, int[] y, int classes) {
		return fit(x, y, classes, DEFAULT_LAMBDA, DEFAULT_ITERATIONS);
	}

	/**
	 * Fits the classifier; see the class description.
	 *
	 * @param x one feature vector per sample, all of one length
	 * @param y the class of each sample, 0 to {@code classes - 1}
	 * @throws GanException without samples
	 */
	public static SoftmaxRegression fit(double[][] x, int[] y, int classes,
		double lambda, int iterations)
	{
		int n = x.length;
		if (n == 0) throw new GanException("a classifier needs training samples");
		if (y.length != n) throw new IllegalArgumentException(
			"one label per sample");
		if (!(lambda > 0)) throw new IllegalArgumentException(
			"lambda must be above 0");
		int d = x[0].length;
		double[] mean = new double[d], scale = new double[d];
		for (double[] row : x) {
			if (row.length != d) throw new IllegalArgumentException(
				"samples differ in length");
			for (int j = 0; j < d; j++)
				mean[j] += row[j] / n;
		}
		for (double[] row : x)
			for (int j = 0; j < d; j++)
				scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
		for (int j = 0; j < d; j++)
			scale[j] = scale[j] > 1e-24 ? 1 / Math.sqrt(scale[j]) : 0;
		for (int label : y)
			if (label < 0 || label >= classes) throw new IllegalArgumentException(
				"label " + label + " is not one of " + classes + " classes");
		// standardised samples with a bias column
		double[][] z = new double[n][d + 1];
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < d; j++)
				z[i][j] = (x[i][j] - mean[j]) * scale[j];
			z[i][d] = 1;
		}
		double curvature = largestEigenvalue(z) / 2 + lambda;
		double step = 1 / curvature;
		double rootKappa = Math.sqrt(curvature / lambda);
		double momentum = (rootKappa - 1) / (rootKappa + 1);
		double[][] w = new double[classes][d + 1], previous =
			new double[classes][d + 1];
		double[][] look = new double[classes][d + 1], gradient =
			new double[classes][d + 1];
		for (int it = 0; it < iterations; it++) {
			for (int k = 0; k < classes; k++)
				for (int j = 0; j <= d; j++)
					look[k][j] = w[k][j] + momentum * (w[k][j] - previous[k][j]);
			gradient(z, y, look, lambda, gradient);
			for (int k = 0; k < classes; k++) {
				System.arraycopy(w[k], 0, previous[k], 0, d + 1);
				for (int j = 0; j <= d; j++)
					w[k][j] = look[k][j] - step * gradient[k][j];
			}
		}
		return new SoftmaxRegression(classes, mean, scale, w);
	}

	/**
	 * The gradient of the objective at {@code w} (written into {@code out}) for
	 * standardised samples {@code z} with a bias column.
	 */
	static void gradient(double[][] z, int[] y, double[][] w, double lambda,
		double[][] out)
	{
		int n = z.length, k = w.length, d1 = z[0].length;
		for (double[] row : out)
			java.util.Arrays.fill(row, 0);
		double[] p = new double[k];
		for (int i = 0; i < n; i++) {
			softmax(w, z[i], p);
			p[y[i]] -= 1;
			for (int c = 0; c < k; c++) {
				double g = p[c] / n;
				for (int j = 0; j < d1; j++)
					out[c][j] += g * z[i][j];
			}
		}
		for (int c = 0; c < k; c++)
			for (int j = 0; j < d1 - 1; j++)
				out[c][j] += lambda * w[c][j];
	}

	/**
	 * The fitted weight of feature {@code j} (standardised) for class {@code k};
	 * {@code j = d} is the bias.
	 */
	double weight(int k, int j) {
		return weights[k][j];
	}

	/**
	 * The gradient of the objective at the fitted weights, on the training
	 * samples it was fitted on.
	 */
	double[][] gradientAt(double[][] x, int[] y, double lambda) {
		double[][] out = new double[classes][weights[0].length];
		gradient(standardised(x), y, weights, lambda, out);
		return out;
	}

	private double[][] standardised(double[][] x) {
		int d = mean.length;
		double[][] z = new double[x.length][d + 1];
		for (int i = 0; i < x.length; i++) {
			if (x[i].length != d) throw new IllegalArgumentException("a sample of " +
				x[i].length + " features for a classifier of " + d);
			for (int j = 0; j < d; j++)
				z[i][j] = (x[i][j] - mean[j]) * scale[j];
			z[i][d] = 1;
		}
		return z;
	}

	/**
	 * Class probabilities of standardised sample {@code z} (with its bias 1) into
	 * {@code p}.
	 */
	private static void softmax(double[][] w, double[] z, double[] p) {
		double max = Double.NEGATIVE_INFINITY;
		for (int c = 0; c < w.length; c++) {
			double s = 0;
			for (int j = 0; j < z.length; j++)
				s += w[c][j] * z[j];
			p[c] = s;
			max = Math.max(max, s);
		}
		double total = 0;
		for (int c = 0; c < w.length; c++)
			total += p[c] = Math.exp(p[c] - max);
		for (int c = 0; c < w.length; c++)
			p[c] /= total;
	}

	/**
	 * The predicted class of each sample: the largest score (the lowest class on
	 * a tie).
	 */
	public int[] predict(double[][] x) {
		double[][] z = standardised(x);
		int[] out = new int[x.length];
		for (int i = 0; i < x.length; i++) {
			double best = Double.NEGATIVE_INFINITY;
			for (int c = 0; c < classes; c++) {
				double s = 0;
				for (int j = 0; j < z[i].length; j++)
					s += weights[c][j] * z[i][j];
				if (s > best) {
					best = s;
					out[i] = c;
				}
			}
		}
		return out;
	}

	/** The largest eigenvalue of {@code z' z / n}. */
	static double largestEigenvalue(double[][] z) {
		int n = z.length, d = z[0].length;
		double[][] m = new double[d][d];
		for (double[] row : z)
			for (int a = 0; a < d; a++)
				for (int b = 0; b <= a; b++)
					m[a][b] += row[a] * row[b] / n;
		for (int a = 0; a < d; a++)
			for (int b = a + 1; b < d; b++)
				m[a][b] = m[b][a];
		return SymmetricEigen.of(m).value(0);
	}
}
