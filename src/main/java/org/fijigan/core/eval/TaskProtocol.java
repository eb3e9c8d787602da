
package org.fijigan.core.eval;

import java.util.function.UnaryOperator;

import org.fijigan.core.Seeds;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.train.data.Planes;

/**
 * How a model of one task is measured: how a clean image is degraded into the
 * model's input, which classical methods it is compared with, and which metrics
 * compare them. {@link Evaluation} (on folders of images) and the demo (on the
 * bundled samples) use the same protocol objects, each configured for its
 * purpose ({@code evaluation()} or {@code demo()}), so the two degrade and
 * measure alike.
 * <p>
 * Values are normalised to [0, 1]; every result (model or baseline) is
 * {@linkplain #clip clipped} to [0, 1] before it is measured, with data range 1
 * for PSNR and SSIM. Planes are CHW, any number of channels; nothing here
 * changes its arguments.
 */
public sealed interface TaskProtocol permits SuperResolutionProtocol,
		DenoisingProtocol, InpaintingProtocol, GenerationProtocol
{

	/** The task whose models this protocol measures. */
	TaskKind task();

	/**
	 * PSNR (dB, data range 1) and SSIM of a result against the clean original;
	 * NaN where a metric had nothing to measure.
	 */
	record Quality(double psnr, double ssim) {
	}

	/**
	 * A seed for random stream {@code (a, b)} of {@code seed}: each condition and
	 * image of a protocol draws from a stream of its own, so one image's noise
	 * does not depend on the others.
	 */
	static long streamSeed(long seed, long a, long b) {
		return Seeds.splitMix(seed * Seeds.GOLDEN + a * 0xC2B2AE3D27D4EB4FL + b *
			0x165667B19E3779F9L);
	}

	/** {@code v} clipped to [0, 1] in place (NaN to 0); returns it. */
	static float[] clip(float[] v) {
		for (int i = 0; i < v.length; i++)
			v[i] = !(v[i] > 0) ? 0 : v[i] >= 1 ? 1 : v[i];
		return v;
	}

	/**
	 * New planes: {@code f} applied to a copy of each channel of {@code in}, then
	 * clipped.
	 */
	static Planes perChannel(Planes in, UnaryOperator<float[]> f) {
		int n = in.planeSize();
		float[] out = new float[in.values().length];
		for (int c = 0; c < in.channels(); c++) {
			float[] plane = new float[n];
			System.arraycopy(in.values(), c * n, plane, 0, n);
			System.arraycopy(f.apply(plane), 0, out, c * n, n);
		}
		return new Planes(in.channels(), in.height(), in.width(), clip(out));
	}

	/** PSNR and SSIM of {@code result} against {@code truth} over every pixel. */
	static Quality fullImage(Planes truth, Planes result) {
		checkShapes(truth, result);
		return new Quality(Metrics.psnr(truth.values(), result.values(), 1), Metrics
			.ssim(truth.values(), result.values(), truth.channels(), truth.height(),
				truth.width(), 1));
	}

	/**
	 * PSNR and SSIM of {@code result} against {@code truth} inside {@code holes}
	 * only.
	 */
	static Quality insideHoles(Planes truth, Planes result, boolean[] holes) {
		checkShapes(truth, result);
		int c = truth.channels(), h = truth.height(), w = truth.width();
		return new Quality(Metrics.maskedPsnr(truth.values(), result.values(),
			holes, c, h, w, 1), Metrics.maskedSsim(truth.values(), result.values(),
				holes, c, h, w, 1));
	}

	private static void checkShapes(Planes truth, Planes result) {
		if (!truth.hasShapeOf(result)) throw new IllegalArgumentException("a " +
			result.shape() + " result cannot be measured against a " + truth.shape() +
			" original");
	}
}
