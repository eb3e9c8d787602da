
package org.fijigan.core.eval;

import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.eval.EvaluationReport.Score;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.train.data.ImageSource;

/**
 * Measures a model against classical baselines on a set of clean images, by the
 * protocol of its task ({@link TaskProtocol}: how the clean image is degraded,
 * which baselines, which metrics):
 * <ul>
 * <li><b>super-resolution</b> ({@link SuperResolutionProtocol#evaluation}):
 * each image is cropped at the right and bottom to a multiple of the model's
 * (whole) scale {@code s}, area-averaged down by {@code s} (the training
 * degradation), and enlarged again by the model, bicubic and nearest-neighbour
 * interpolation; PSNR and SSIM against the original with {@code s} pixels
 * shaved off each border.</li>
 * <li><b>denoising</b> ({@link DenoisingProtocol#evaluation}): Gaussian noise
 * of sigma 15, 25 and 50 (in 8-bit units: sigma/255 of the range) and
 * Poisson-Gaussian noise (30 photons at the top of the range, Gaussian read
 * noise 0.01 of the range); against the noisy input, a Gaussian blur whose
 * sigma is the best of {@link DenoisingProtocol#BLUR_SIGMAS} by mean PSNR
 * <em>on the same images</em> (which favours the baseline), and 3x3 and 5x5
 * median filters.</li>
 * <li><b>inpainting</b> ({@link InpaintingProtocol#evaluation}): seeded
 * free-form holes (training's brush strokes and boxes) covering 10-30% of each
 * image; PSNR and SSIM inside the holes only (the SSIM map averaged over hole
 * pixels at least 5 pixels from the border), against harmonic (Laplace) and
 * biharmonic filling and filling with the mean of the known pixels. The model
 * sees the image with its holes set to 0.</li>
 * <li><b>generation</b>: see {@link GenerationEvaluation}.</li>
 * </ul>
 * Values: each image is normalised by {@link EvaluationOptions#normalization()}
 * to [0, 1] (data range 1 for PSNR and SSIM; with the default, PSNR is the
 * usual 8-bit PSNR for 8-bit images), and every result is clipped to [0, 1]
 * before it is measured; a restoration image that is flat where it is measured
 * under a range taken from its own pixels (a constant 16-bit image) is left out
 * with a note. The model is given the degraded image in exactly these units,
 * mapped to its input range ({@code range:0,1} normalisation) with float
 * output, through the same pipeline the commands use. The degraded input itself
 * is not clipped. Each image contributes its middle slice (first frame); images
 * larger than {@link EvaluationOptions#maxSide()} are centre-cropped to it.
 * Scores are means of per-image values. Everything random comes from
 * {@link EvaluationOptions#seed()}.
 * <p>
 * This class dispatches; {@link RestorationEvaluation} and
 * {@link GenerationEvaluation} run the protocols.
 */
public final class Evaluation {

	private Evaluation() {}

	/**
	 * Runs the protocol of {@code model}'s task.
	 *
	 * @param dataset a name for {@code images} in the rows, e.g. the folder's
	 *          name
	 * @param training generation only: the training images (PCA fit,
	 *          memorisation), or null
	 * @param features generation only: features to use instead of fitting them,
	 *          or null
	 * @throws GanException for a generic image-to-image model (no protocol: give
	 *           its task), when no image is usable, or when tuning or training
	 *           images hold an evaluated image (its folder, its file, a copy of
	 *           its bytes or of its pixels)
	 */
	public static EvaluationReport evaluate(ModelDescriptor model, String dataset,
		ImageSource images, ImageSource training, PcaFeatures features,
		EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		if (options.utilityRepeats() > 0 && model.task() != TaskKind.GENERATE)
			throw new GanException(
				"the utility measure is for class-conditional generators; " + model
					.name() + " is a " + model.task().id() + " model");
		if (training != null) refuseHeldOutInTraining(images.folder(), training
			.folder());
		refusePixelCopies(images, training, options, cancel);
		return switch (model.task()) {
			case SUPER_RESOLUTION -> RestorationEvaluation.superResolution(model,
				dataset, images, options, progress, cancel);
			case DENOISE -> RestorationEvaluation.denoising(model, dataset, images,
				options, progress, cancel);
			case INPAINT -> RestorationEvaluation.inpainting(model, dataset, images,
				options, progress, cancel);
			case GENERATE -> GenerationEvaluation.evaluate(model, dataset, images,
				training, features, options, progress, cancel);
			case IMAGE_TO_IMAGE -> throw new GanException(
				"there is no evaluation protocol for a " +
					"generic image-to-image model: say what it does with --task super-resolution or denoise");
		};
	}

	/**
	 * Refuses training images that hold the evaluated ones, as a folder, as the
	 * same files under other names (links to them or to their folders) or as
	 * byte-for-byte copies: the real images a generator is compared with must be
	 * held out from its training. Images in memory (no folder) are not checked
	 * here; {@link #refusePixelCopies} compares every image's pixels.
	 */
	static void refuseHeldOutInTraining(Path data, Path training) {
		if (data == null || training == null) return;
		String why = ": the real images to compare with must be held out from " +
			"training";
		if (FileIdentity.isInside(training, data) || FileIdentity.isInside(data,
			training)) throw new GanException("--train-data " + training +
				" holds the evaluated images (" + data + ")" + why);
		Path[] copy = FileHashes.firstCopy(List.of(training), List.of(data));
		if (copy != null) throw new GanException("--train-data holds " + (FileHashes
			.oneFile(copy) ? "an evaluated image ("
				: "a copy of an evaluated image (") + FileHashes.describe(copy) + ")" +
			why);
	}

	/**
	 * Refuses tuning or training images that are evaluated images saved again
	 * (another file format or pixel type, the same pixels), which the checks of
	 * files' bytes miss: tuning images among the chosen ones, every training
	 * image, against the chosen evaluated images.
	 */
	static void refusePixelCopies(ImageSource images, ImageSource training,
		EvaluationOptions options, CancellationToken cancel)
	{
		if (options.tuning() == null && training == null) return;
		List<String> evaluated = EvaluationImages.choose(images.names(), options
			.maxImages(), options.seed());
		if (options.tuning() != null) {
			ImageSource tuning = options.tuning().images();
			String[] copy = PixelCopies.first(tuning, EvaluationImages.choose(tuning
				.names(), options.maxImages(), options.seed()), images, evaluated,
				cancel);
			if (copy != null) throw new GanException("--tune-data holds a copy of " +
				"an evaluated image (" + PixelCopies.describe(copy, tuning, images) +
				"): tune the baselines on other images");
		}
		if (training != null) {
			String[] copy = PixelCopies.first(training, training.names(), images,
				evaluated, cancel);
			if (copy != null) throw new GanException("--train-data holds a copy of " +
				"an evaluated image (" + PixelCopies.describe(copy, training, images) +
				"): the real images to compare with must be held out from training");
		}
	}

	/** Refuses a model of another task. */
	static void requireTask(ModelDescriptor model, TaskKind task) {
		if (model.task() != task) throw new GanException(model.name() + " is a " +
			model.task().id() + " model, not " + task.id());
	}

	/** The report of a restoration evaluation; the seed is its last note. */
	static EvaluationReport report(ModelDescriptor model, TaskKind task,
		List<Score> rows, List<String> notes, EvaluationOptions options)
	{
		notes.add("seed " + options.seed());
		return new EvaluationReport(model.name(), model.sha256(), task, rows, List
			.of(), List.of(), null, notes);
	}
}
