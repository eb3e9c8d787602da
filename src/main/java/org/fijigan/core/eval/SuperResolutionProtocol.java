
package org.fijigan.core.eval;

import java.util.List;

import org.fijigan.core.model.TaskKind;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;

/**
 * Super-resolution by a whole {@code scale}: the clean image, cropped at the
 * right and bottom to a multiple of the scale, is area-averaged down by it
 * (fine-tuning's degradation); the model and the {@code baselines} enlarge it
 * again; PSNR and SSIM compare them with the clean image after
 * {@code shavePixels} are shaved off each border.
 *
 * @param baselines the interpolations the model is compared with, in row order
 * @param shavePixels border left out of the metrics (the evaluation shaves the
 *          scale, as super-resolution papers do; the demo measures the whole
 *          image)
 */
public record SuperResolutionProtocol(int scale, List<Upscaling> baselines,
		int shavePixels) implements TaskProtocol {

	/** A classical enlargement by a whole factor. */
	public enum Upscaling {

			/**
			 * {@link Baselines#bicubicUpscale}: Keys' a=-0.5, half-pixel centres,
			 * clamped edges.
			 */
			BICUBIC("bicubic"),
			/**
			 * {@link Baselines#nearestUpscale}: every pixel a scale x scale block.
			 */
			NEAREST("nearest");

		private final String method;

		Upscaling(String method) {
			this.method = method;
		}

		/** The name its rows and files carry. */
		public String method() {
			return method;
		}

		float[] apply(float[] plane, int height, int width, int scale) {
			return this == BICUBIC ? Baselines.bicubicUpscale(plane, height, width,
				scale) : Baselines.nearestUpscale(plane, height, width, scale);
		}
	}

	public SuperResolutionProtocol {
		if (scale < 2) throw new IllegalArgumentException(
			"super-resolution needs a scale of at least 2, " + "got " + scale);
		baselines = List.copyOf(baselines);
		if (shavePixels < 0) throw new IllegalArgumentException(
			"the shaved border must be >= 0");
	}

	/**
	 * The evaluation's protocol: bicubic and nearest-neighbour baselines,
	 * {@code scale} px shaved.
	 */
	public static SuperResolutionProtocol evaluation(int scale) {
		return new SuperResolutionProtocol(scale, List.of(Upscaling.BICUBIC,
			Upscaling.NEAREST), scale);
	}

	/** The demo's protocol: the bicubic baseline, every pixel measured. */
	public static SuperResolutionProtocol demo(int scale) {
		return new SuperResolutionProtocol(scale, List.of(Upscaling.BICUBIC), 0);
	}

	/** {@code scale} as a whole number, or -1 when it is not one (to 1e-9). */
	public static int wholeScale(double scale) {
		long s = Math.round(scale);
		return Math.abs(scale - s) > 1e-9 ? -1 : (int) s;
	}

	@Override
	public TaskKind task() {
		return TaskKind.SUPER_RESOLUTION;
	}

	/**
	 * The condition its rows are measured under, e.g. {@code area-averaged x4}.
	 */
	public String condition() {
		return "area-averaged x" + scale;
	}

	/** {@code length} cropped down to a multiple of the scale. */
	public int cropped(int length) {
		return length - length % scale;
	}

	/**
	 * The model's input: {@code clean} (whole blocks of the scale) area-averaged
	 * down by the scale.
	 */
	public Planes degrade(Planes clean) {
		return TrainingDegradations.areaDownscale(clean, scale);
	}

	/** {@code low} enlarged by {@code method}, per channel, clipped. */
	public Planes enlarge(Upscaling method, Planes low) {
		int lh = low.height(), lw = low.width(), n = lh * lw, h = lh * scale, w =
			lw * scale;
		float[] out = new float[low.channels() * h * w];
		for (int c = 0; c < low.channels(); c++) {
			float[] plane = new float[n];
			System.arraycopy(low.values(), c * n, plane, 0, n);
			System.arraycopy(method.apply(plane, lh, lw, scale), 0, out, c * h * w,
				h * w);
		}
		return new Planes(low.channels(), h, w, TaskProtocol.clip(out));
	}

	/**
	 * PSNR and SSIM of {@code result} against {@code truth}, both shaved by
	 * {@link #shavePixels}.
	 */
	public Quality measure(Planes truth, Planes result) {
		return TaskProtocol.fullImage(shave(truth), shave(result));
	}

	private Planes shave(Planes p) {
		int b = shavePixels, h = p.height() - 2 * b, w = p.width() - 2 * b;
		if (b == 0) return p;
		float[] out = new float[p.channels() * h * w];
		for (int c = 0; c < p.channels(); c++)
			for (int y = 0; y < h; y++)
				System.arraycopy(p.values(), (c * p.height() + b + y) * p.width() + b,
					out, (c * h + y) * w, w);
		return new Planes(p.channels(), h, w, out);
	}
}
