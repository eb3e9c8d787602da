
package org.fijigan.core.demo;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.eval.Baselines;
import org.fijigan.core.eval.DenoisingProtocol;
import org.fijigan.core.eval.GenerationProtocol;
import org.fijigan.core.eval.InpaintingProtocol;
import org.fijigan.core.eval.SuperResolutionProtocol;
import org.fijigan.core.eval.TaskProtocol;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.Inpainter;

/**
 * The demo: every bundled default model on the bundled samples, beside a
 * classical baseline, with PSNR and SSIM against the ground truth, degraded and
 * measured by the demo's configuration of each task's {@link TaskProtocol} (the
 * one {@code fiji-gan evaluate} uses). One row per task, each skipped with a
 * note when its model is absent:
 * <ul>
 * <li><b>super-resolution</b> ({@link #SUPER_RESOLUTION_MODELS}, scale
 * {@code s} from the model; {@link SuperResolutionProtocol#demo}): the photo
 * (cropped at the right and bottom to a multiple of {@code s}) area-averaged
 * down by {@code s} is the input; bicubic ({@link Baselines#bicubicUpscale}) is
 * the baseline; both against the whole photo.</li>
 * <li><b>denoising</b> ({@value #DENOISE_MODEL};
 * {@link DenoisingProtocol#demo}): the cells image plus Gaussian noise of sigma
 * {@value DenoisingProtocol#DEMO_NOISE_SIGMA_8BIT}/255, drawn from
 * {@code new SplittableRandom(seed)}, clipped to [0,1], is the input; the
 * baseline shown is the better by PSNR of a Gaussian blur (sigma
 * {@value DenoisingProtocol#DEMO_BLUR_SIGMA}) and a
 * {@value DenoisingProtocol#DEMO_MEDIAN_SIZE}x{@value DenoisingProtocol#DEMO_MEDIAN_SIZE}
 * median; input, both baselines and the model are measured.</li>
 * <li><b>inpainting</b> ({@value #INPAINT_MODEL};
 * {@link InpaintingProtocol#demo}): the cells image with the hole mask's pixels
 * set to 0; the baseline shown is the better by PSNR of the harmonic and the
 * biharmonic fill (both are measured); PSNR and SSIM inside the holes
 * only.</li>
 * <li><b>generation</b> ({@value #GENERATOR_MODEL};
 * {@link GenerationProtocol#draw}): one image per real slice's class, image
 * {@code i} from seed {@code seed + i}, tagged SYNTHETIC as {@code generate}
 * tags them, beside the real held-out slices; no metric (no ground truth), a
 * note points to the model card.</li>
 * </ul>
 * Values are 8-bit / 255 in [0,1]; metrics use data range 1 (so the PSNR is the
 * usual 8-bit PSNR) and are computed on the float results, clipped to [0,1],
 * before they are rounded to 8 bits for the files. Models are run through the
 * same pipeline as the commands ({@link ImageToImage}, {@link Inpainter},
 * {@link Generator}), seeing the degraded image as values 0-1
 * ({@code range:0,1}), as {@code fiji-gan evaluate} feeds them, so the numbers
 * are measured as the model cards' are.
 */
public final class Demo {

	/** The bundled super-resolution models, one row each. */
	public static final List<String> SUPER_RESOLUTION_MODELS = List.of("sr-x2",
		"sr-x4");
	public static final String DENOISE_MODEL = "denoise";
	public static final String INPAINT_MODEL = "inpaint";
	public static final String GENERATOR_MODEL = "mri-generator";
	/** Rows of a full run, for the progress bar. */
	private static final int STEPS = SUPER_RESOLUTION_MODELS.size() + 3;

	/** Where the demo finds its models. */
	public interface Models {

		/** The model called {@code name}, or null when there is none. */
		ModelDescriptor find(String name);

		/** The place searched, for a note when a model is absent. */
		String where();
	}

	/**
	 * The bundled models: {@link ModelLoader#bundledNames()} in
	 * {@link ModelLoader#modelsDir()}.
	 */
	public static final Models BUNDLED = new Models() {

		@Override
		public ModelDescriptor find(String name) {
			return ModelLoader.bundledNames().contains(name) ? ModelLoader.load(name,
				ModelOverrides.NONE) : null;
		}

		@Override
		public String where() {
			return ModelLoader.modelsDir().toAbsolutePath().normalize().toString();
		}
	};

	private Demo() {}

	/**
	 * Runs every row whose model {@code models} has.
	 *
	 * @throws GanException when no model of the demo is there, or a model fails
	 *           (the message names the row), or, before any row runs, when the
	 *           generated images' seeds would pass the largest seed
	 */
	public static DemoReport run(DemoSamples samples, Models models,
		DemoOptions options, ProgressListener progress, CancellationToken cancel)
	{
		// the generator's row draws one image of each class from seed + i: a seed
		// whose last draw passes the largest seed is refused before any row runs
		GenerateOptions.refuseSeedsPastLast(options.seed(), Math.max(1, samples
			.realSlices().size()));
		long start = System.nanoTime();
		DemoRun run = new DemoRun(samples, models, options, cancel);
		ProgressListener listener = ProgressListener.safe(progress);
		int step = 0;
		for (String name : SUPER_RESOLUTION_MODELS) {
			listener.onProgress(new ProgressEvent(Stage.DEMO_ROW, step++, STEPS,
				"fiji-gan: demo: " + name));
			run.superResolution(name);
		}
		listener.onProgress(new ProgressEvent(Stage.DEMO_ROW, step++, STEPS,
			"fiji-gan: demo: " + DENOISE_MODEL));
		run.denoising();
		listener.onProgress(new ProgressEvent(Stage.DEMO_ROW, step++, STEPS,
			"fiji-gan: demo: " + INPAINT_MODEL));
		run.inpainting();
		listener.onProgress(new ProgressEvent(Stage.DEMO_ROW, step++, STEPS,
			"fiji-gan: demo: " + GENERATOR_MODEL));
		run.generation();
		listener.onProgress(new ProgressEvent(Stage.DEMO_ROW, step, STEPS,
			"fiji-gan: demo done"));
		if (run.rows.isEmpty()) throw new GanException(
			"none of the demo's models (" + String.join(", ", allModels()) +
				") is in " + models.where() + "; the demo has nothing to show");
		return run.report(options.seed(), (System.nanoTime() - start) / 1e9);
	}

	/** Every model name the demo looks for, in row order. */
	public static List<String> allModels() {
		List<String> all = new ArrayList<>(SUPER_RESOLUTION_MODELS);
		all.addAll(List.of(DENOISE_MODEL, INPAINT_MODEL, GENERATOR_MODEL));
		return all;
	}
}
