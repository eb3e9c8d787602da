
package org.fijigan.core.eval;

import java.util.Objects;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.train.data.ImageSource;

/**
 * How {@link Evaluation} measures a model.
 *
 * @param seed seed of everything random: the image subset, noise, holes, latent
 *          vectors, KID subsets, the held-out split
 * @param maxImages most images taken from a folder (a seeded choice when it
 *          holds more)
 * @param maxSide restoration tasks: images larger than this many pixels along
 *          an axis are centre-cropped to it, to keep the evaluation fast
 * @param generatedPerClass generation: images drawn per class; 0 for as many as
 *          the real images of that class
 * @param normalization how raw pixel values become the normalised values the
 *          metrics compare (data range 1): null for the task's default
 *          (restoration: 0-255 for 8-bit and RGB images, the image's own
 *          minimum to maximum per channel otherwise; generation: fine-tuning's
 *          default, the 1st to 99.8th percentile per image and channel). A
 *          model always sees exactly these values, mapped to its input range.
 *          {@code none} is refused: a PSNR needs a range.
 * @param inference device, threads and tile size of the model runs (its
 *          normalisation and output type are set by the evaluation)
 * @param tuning denoising: images the classical baselines' parameters are
 *          chosen on (never the evaluated ones), or null to tune the Gaussian
 *          blur on the evaluated images and leave the others at their untuned
 *          defaults
 * @param utilityRepeats generation: repeats of the augmentation-utility
 *          measurement ({@link UtilityEvaluation}); 0: not measured
 * @param draws generation: independent draws of the generated images (1 to
 *          {@link #MAX_DRAWS}); each measure comparing generated with real
 *          images is the mean over the draws, its spread their standard
 *          deviation (one draw of a hundred images leaves precision and recall
 *          uncertain by several hundredths)
 */
public record EvaluationOptions(long seed, int maxImages, int maxSide,
		int generatedPerClass, Normalization normalization,
		InferenceOptions inference, Tuning tuning, int utilityRepeats, int draws) {

	/**
	 * Images to tune baselines on.
	 *
	 * @param name what the rows call them, e.g. the folder's name
	 */
	public record Tuning(String name, ImageSource images) {

		public Tuning {
			Objects.requireNonNull(name);
			Objects.requireNonNull(images);
		}
	}

	public static final int DEFAULT_MAX_IMAGES = 100;
	public static final int DEFAULT_MAX_SIDE = 512;
	public static final long DEFAULT_SEED = 1;
	/** The most independent draws a generation evaluation takes. */
	public static final int MAX_DRAWS = 100;

	public EvaluationOptions {
		if (maxImages < 1) throw new GanException(
			"the image limit must be at least 1, got " + maxImages);
		if (maxSide < 16) throw new GanException(
			"the largest evaluated side must be at least 16 pixels, got " + maxSide);
		if (generatedPerClass < 0) throw new GanException(
			"the number of generated images must be >= 0");
		if (normalization instanceof Normalization.None) throw new GanException(
			"evaluation compares " +
				"values in a fixed range (PSNR needs one): use range, range:MIN,MAX or percentile, not none");
		Objects.requireNonNull(inference);
		if (utilityRepeats < 0 || utilityRepeats > 1000) throw new GanException(
			"utility repeats: 0 " + "(off) to 1000, not " + utilityRepeats);
		if (draws < 1 || draws > MAX_DRAWS) throw new GanException(
			"the number of draws must be 1 to " + MAX_DRAWS + ", not " + draws);
	}

	public static EvaluationOptions defaults() {
		return new EvaluationOptions(DEFAULT_SEED, DEFAULT_MAX_IMAGES,
			DEFAULT_MAX_SIDE, 0, null, InferenceOptions.defaults(), null, 0, 1);
	}

	public EvaluationOptions withSeed(long s) {
		return new EvaluationOptions(s, maxImages, maxSide, generatedPerClass,
			normalization, inference, tuning, utilityRepeats, draws);
	}

	public EvaluationOptions withMaxImages(int n) {
		return new EvaluationOptions(seed, n, maxSide, generatedPerClass,
			normalization, inference, tuning, utilityRepeats, draws);
	}

	public EvaluationOptions withMaxSide(int side) {
		return new EvaluationOptions(seed, maxImages, side, generatedPerClass,
			normalization, inference, tuning, utilityRepeats, draws);
	}

	public EvaluationOptions withGeneratedPerClass(int n) {
		return new EvaluationOptions(seed, maxImages, maxSide, n, normalization,
			inference, tuning, utilityRepeats, draws);
	}

	public EvaluationOptions withNormalization(Normalization n) {
		return new EvaluationOptions(seed, maxImages, maxSide, generatedPerClass, n,
			inference, tuning, utilityRepeats, draws);
	}

	public EvaluationOptions withTuning(Tuning t) {
		return new EvaluationOptions(seed, maxImages, maxSide, generatedPerClass,
			normalization, inference, t, utilityRepeats, draws);
	}

	public EvaluationOptions withInference(InferenceOptions i) {
		return new EvaluationOptions(seed, maxImages, maxSide, generatedPerClass,
			normalization, i, tuning, utilityRepeats, draws);
	}

	public EvaluationOptions withUtilityRepeats(int repeats) {
		return new EvaluationOptions(seed, maxImages, maxSide, generatedPerClass,
			normalization, inference, tuning, repeats, draws);
	}

	public EvaluationOptions withDraws(int d) {
		return new EvaluationOptions(seed, maxImages, maxSide, generatedPerClass,
			normalization, inference, tuning, utilityRepeats, d);
	}
}
