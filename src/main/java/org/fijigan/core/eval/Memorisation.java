
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a generator copies its training images: for each generated image, the
 * nearest training image in pixel space, by root-mean-square difference of the
 * normalised pixels (all images of one size and channel count, values in the
 * same units). As a reference, the same distance from each held-out real image
 * to its nearest training image: a new real image is never closer to the
 * training set than about the smallest of these. A generated image closer to a
 * training image than the 1st percentile of the held-out distances (linear
 * interpolation, NumPy's default; the minimum for fewer than two held-out
 * images) is flagged as a near-copy.
 */
public final class Memorisation {

	/**
	 * Percentile of the held-out-to-training distances below which a generated
	 * image is a near-copy.
	 */
	public static final double THRESHOLD_PERCENTILE = 1;

	private Memorisation() {}

	/**
	 * The nearest training image of one generated image.
	 *
	 * @param generated index of the generated image
	 * @param training index of its nearest training image
	 * @param trainingName that image's name
	 * @param distance their RMS pixel difference
	 * @param nearCopy whether the distance lies below the threshold
	 */
	public record Nearest(int generated, int training, String trainingName,
			double distance, boolean nearCopy) {
	}

	/**
	 * @param nearest one entry per generated image, in order
	 * @param heldOutDistances each held-out image's distance to its nearest
	 *          training image, in order
	 * @param threshold the near-copy threshold (NaN without held-out images:
	 *          nothing is flagged)
	 */
	public record Report(List<Nearest> nearest, double[] heldOutDistances,
			double threshold) {

		public Report {
			nearest = List.copyOf(nearest);
			heldOutDistances = heldOutDistances.clone();
		}

		/** The generated images flagged as near-copies. */
		public List<Nearest> nearCopies() {
			return nearest.stream().filter(Nearest::nearCopy).toList();
		}

		/** Smallest nearest-training distance of the generated images. */
		public double minGenerated() {
			return percentile(generatedDistances(), 0);
		}

		public double medianGenerated() {
			return percentile(generatedDistances(), 50);
		}

		/**
		 * Smallest nearest-training distance of the held-out images (NaN without
		 * any).
		 */
		public double minHeldOut() {
			return percentile(heldOutDistances, 0);
		}

		public double medianHeldOut() {
			return percentile(heldOutDistances, 50);
		}

		private double[] generatedDistances() {
			return nearest.stream().mapToDouble(Nearest::distance).toArray();
		}
	}

	/**
	 * @param generated generated images, each a flat array of normalised pixels
	 * @param training training images of the same length, named by
	 *          {@code trainingNames}
	 * @param heldOut held-out real images of the same length (may be empty)
	 */
	public static Report check(List<float[]> generated, List<float[]> training,
		List<String> trainingNames, List<float[]> heldOut)
	{
		if (training.isEmpty()) throw new IllegalArgumentException(
			"no training images to compare with");
		if (trainingNames.size() != training.size())
			throw new IllegalArgumentException("one name per training image");
		int length = training.get(0).length;
		for (List<float[]> set : List.of(generated, training, heldOut))
			for (float[] image : set)
				if (image.length != length) throw new IllegalArgumentException(
					"images differ in size: " + image.length + " and " + length +
						" values");
		double[] reference = new double[heldOut.size()];
		for (int i = 0; i < reference.length; i++)
			reference[i] = nearest(heldOut.get(i), training)[1];
		double threshold = reference.length == 0 ? Double.NaN : percentile(
			reference, THRESHOLD_PERCENTILE);
		List<Nearest> out = new ArrayList<>();
		for (int g = 0; g < generated.size(); g++) {
			double[] n = nearest(generated.get(g), training);
			int t = (int) n[0];
			out.add(new Nearest(g, t, trainingNames.get(t), n[1], n[1] < threshold));
		}
		return new Report(out, reference, threshold);
	}

	/**
	 * {index, RMS distance} of the training image nearest to {@code image}; the
	 * first on a tie.
	 */
	private static double[] nearest(float[] image, List<float[]> training) {
		double best = Double.POSITIVE_INFINITY;
		int bestIndex = -1;
		for (int t = 0; t < training.size(); t++) {
			float[] other = training.get(t);
			double sum = 0;
			for (int i = 0; i < image.length && sum < best; i++) { // abandon once
																															// worse
				double d = (double) image[i] - other[i];
				sum += d * d;
			}
			if (sum < best) {
				best = sum;
				bestIndex = t;
			}
		}
		return new double[] { bestIndex, Math.sqrt(best / image.length) };
	}

	/**
	 * The {@code p}-th percentile (0-100) with linear interpolation between
	 * closest ranks, NumPy's default. NaN for no values.
	 */
	public static double percentile(double[] values, double p) {
		if (values.length == 0) return Double.NaN;
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		double pos = p / 100 * (sorted.length - 1);
		int lo = (int) Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
		return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
	}
}
