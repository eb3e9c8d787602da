
package org.fijigan.core.eval;

import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.model.TaskKind;
import org.fijigan.core.train.data.FreeFormMask;
import org.fijigan.core.train.data.Planes;

/**
 * Inpainting: the pixels under a hole mask are set to 0 in every channel (the
 * model never sees what it has to invent); the model and the {@code baselines}
 * fill them; PSNR and SSIM are measured inside the holes only
 * ({@link Metrics#maskedPsnr}, {@link Metrics#maskedSsim}). The evaluation
 * draws seeded free-form holes (fine-tuning's brush strokes and boxes) covering
 * {@value #MIN_HOLE_COVERAGE} to {@value #MAX_HOLE_COVERAGE} of each image; the
 * demo takes its holes from the bundled mask.
 *
 * @param baselines the classical fillings the model is compared with, in row
 *          order
 */
public record InpaintingProtocol(List<Fill> baselines) implements TaskProtocol {

	/** Least fraction of an image the evaluation's holes cover. */
	public static final double MIN_HOLE_COVERAGE = 0.10;
	/** Largest fraction of an image the evaluation's holes cover. */
	public static final double MAX_HOLE_COVERAGE = 0.30;

	/** A classical filling of holes from the known pixels. */
	public enum Fill {

			/**
			 * {@link Baselines#harmonicFill}: Laplace's equation with the known
			 * pixels as boundary.
			 */
			HARMONIC("harmonic fill"),
			/**
			 * {@link Baselines#biharmonicFill}: the biharmonic equation with the
			 * known pixels as boundary (scikit-image's {@code inpaint_biharmonic}).
			 */
			BIHARMONIC("biharmonic fill"),
			/** {@link Baselines#meanFill}: the mean of the known pixels. */
			MEAN("mean fill");

		private final String method;

		Fill(String method) {
			this.method = method;
		}

		/** The name its rows carry. */
		public String method() {
			return method;
		}
	}

	public InpaintingProtocol {
		baselines = List.copyOf(baselines);
	}

	/** The evaluation's protocol: harmonic, biharmonic and mean filling. */
	public static InpaintingProtocol evaluation() {
		return new InpaintingProtocol(List.of(Fill.HARMONIC, Fill.BIHARMONIC,
			Fill.MEAN));
	}

	/**
	 * The demo's protocol: harmonic and biharmonic filling (it shows the better).
	 */
	public static InpaintingProtocol demo() {
		return new InpaintingProtocol(List.of(Fill.HARMONIC, Fill.BIHARMONIC));
	}

	@Override
	public TaskKind task() {
		return TaskKind.INPAINT;
	}

	/** The condition of the evaluation's rows: {@code free-form holes 10-30%}. */
	public static String condition() {
		return "free-form holes " + Math.round(MIN_HOLE_COVERAGE * 100) + "-" + Math
			.round(MAX_HOLE_COVERAGE * 100) + "%";
	}

	/**
	 * Seeded free-form holes for a {@code width x height} image, covering 10-30%
	 * of it.
	 */
	public static boolean[] drawHoles(int width, int height,
		SplittableRandom random)
	{
		return FreeFormMask.generate(width, height, MIN_HOLE_COVERAGE,
			MAX_HOLE_COVERAGE, random);
	}

	/**
	 * The model's input: a copy of {@code clean} with the holes set to 0 in every
	 * channel.
	 */
	public Planes degrade(Planes clean, boolean[] holes) {
		checkHoles(clean, holes);
		float[] known = clean.values().clone();
		int n = clean.planeSize();
		for (int c = 0; c < clean.channels(); c++)
			for (int j = 0; j < n; j++)
				if (holes[j]) known[c * n + j] = 0;
		return new Planes(clean.channels(), clean.height(), clean.width(), known);
	}

	/**
	 * The holes of {@code known} filled by {@code method}, per channel, clipped.
	 */
	public static Planes fill(Fill method, Planes known, boolean[] holes) {
		checkHoles(known, holes);
		int h = known.height(), w = known.width();
		return TaskProtocol.perChannel(known, p -> switch (method) {
			case HARMONIC -> Baselines.harmonicFill(p, holes, h, w);
			case BIHARMONIC -> Baselines.biharmonicFill(p, holes, h, w);
			case MEAN -> Baselines.meanFill(p, holes, h, w);
		});
	}

	/** PSNR and SSIM of {@code result} against {@code clean} inside the holes. */
	public Quality measure(Planes clean, Planes result, boolean[] holes) {
		checkHoles(clean, holes);
		return TaskProtocol.insideHoles(clean, result, holes);
	}

	private static void checkHoles(Planes image, boolean[] holes) {
		if (holes.length != image.planeSize()) throw new IllegalArgumentException(
			"the mask has " + holes.length + " pixels, the image " + image
				.planeSize());
	}
}
