
package org.fijigan.core.train.data;

import java.util.SplittableRandom;

/**
 * The image operations fine-tuning degrades its training images with, for code
 * outside training that must degrade images the same way (evaluation measures a
 * model on the degradation it was trained for). Values are normalised units;
 * each method says whether it changes its argument.
 */
public final class TrainingDegradations {

	private TrainingDegradations() {}

	/**
	 * Area averaging by {@code scale}: output pixel (y, x) is the mean of input
	 * pixels {@code [y*s, y*s+s) x [x*s, x*s+s)}; rows and columns past the last
	 * whole block are dropped.
	 *
	 * @return new planes
	 */
	public static Planes areaDownscale(Planes planes, int scale) {
		if (scale < 1) throw new IllegalArgumentException(
			"scale must be at least 1, got " + scale);
		return Degradations.areaDownscale(planes, scale);
	}

	/**
	 * Separable Gaussian blur in place, truncated at 4 sigma, borders mirrored
	 * with the edge pixel repeated (scipy.ndimage's {@code reflect}). Nothing
	 * happens for {@code sigma <= 0}.
	 */
	public static void gaussianBlur(Planes planes, double sigma) {
		Degradations.gaussianBlur(planes, sigma);
	}

	/**
	 * Adds {@code sigma} times standard normal noise in place, drawn from
	 * {@code random}.
	 */
	public static void addGaussianNoise(Planes planes, double sigma,
		SplittableRandom random)
	{
		Degradations.addGaussianNoise(planes, sigma, new RandomValues(random));
	}

	/**
	 * Replaces each value {@code x} in place by
	 * {@code Poisson(max(x, 0) * photons) / photons} plus {@code readSigma} times
	 * standard normal noise, drawn from {@code random}.
	 */
	public static void addPoissonGaussianNoise(Planes planes, double photons,
		double readSigma, SplittableRandom random)
	{
		if (!(photons > 0)) throw new IllegalArgumentException(
			"the photon count must be positive");
		Degradations.addPoissonGaussianNoise(planes, photons, readSigma,
			new RandomValues(random));
	}
}
