
package org.fijigan.core.train.data;

import java.util.Objects;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;

/**
 * How training samples are cut, augmented, normalised and split.
 *
 * @param patchSize side of the square patch cut from each target-sized image
 *          (the high-resolution image for super-resolution, whose input patch
 *          is {@code patchSize / scale}); 0 for whole images, which must then
 *          share one size
 * @param augmentation random flips and 90-degree rotations, or none
 * @param normalization raw values to the normalised range, per image and
 *          channel (percentiles over all of an image's planes, never per
 *          patch); {@link Normalization.None} feeds raw values
 * @param validationFraction the share of images (planes, for stacks) held out
 *          for validation, in {@code [0, 1)}; 0 for none
 * @param seed the one seed of all sampling: the same seed gives the same
 *          batches and validation set
 * @param degradation how inputs are made from clean images; null for the model
 *          task's default ({@link Degradation#defaultFor}); ignored for pairs
 *          and generators
 */
public record DataOptions(int patchSize, Augmentation augmentation,
		Normalization normalization, double validationFraction, long seed,
		Degradation degradation) {

	public static final int WHOLE_IMAGES = 0;

	public DataOptions {
		if (patchSize < 0) throw new GanException(
			"patch size must be positive, or 0 for whole images");
		Objects.requireNonNull(augmentation);
		Objects.requireNonNull(normalization);
		if (!(validationFraction >= 0 && validationFraction < 1))
			throw new GanException(
				"the validation fraction must be at least 0 and below 1, got " +
					validationFraction);
	}

	/**
	 * 64-pixel patches, flips, percentile normalisation, 10% validation, the
	 * task's degradation.
	 */
	public static DataOptions defaults(long seed) {
		return new DataOptions(64, Augmentation.FLIPS, Normalization.DEFAULT, 0.1,
			seed, null);
	}

	public DataOptions withPatchSize(int p) {
		return new DataOptions(p, augmentation, normalization, validationFraction,
			seed, degradation);
	}

	public DataOptions withAugmentation(Augmentation a) {
		return new DataOptions(patchSize, a, normalization, validationFraction,
			seed, degradation);
	}

	public DataOptions withNormalization(Normalization n) {
		return new DataOptions(patchSize, augmentation, n, validationFraction, seed,
			degradation);
	}

	public DataOptions withValidationFraction(double f) {
		return new DataOptions(patchSize, augmentation, normalization, f, seed,
			degradation);
	}

	public DataOptions withSeed(long s) {
		return new DataOptions(patchSize, augmentation, normalization,
			validationFraction, s, degradation);
	}

	public DataOptions withDegradation(Degradation d) {
		return new DataOptions(patchSize, augmentation, normalization,
			validationFraction, seed, d);
	}
}
