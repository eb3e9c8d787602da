
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.model.TaskKind;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;

/**
 * Denoising: noise of each of {@code conditions} is added to the clean image
 * (drawn from a random stream the caller seeds), and the model is compared with
 * Gaussian blurs of {@code blurSigmas}, median filters of {@code medianSizes}
 * and the {@code classical} denoisers applied to the same noisy image; PSNR and
 * SSIM over the whole image.
 *
 * @param clipsInput whether the noisy image is clipped to [0, 1] before the
 *          model and the baselines see it (the demo's input is an 8-bit image;
 *          the evaluation's is not clipped)
 * @param blurSigmas Gaussian blur sigmas in pixels (the evaluation keeps the
 *          best by mean PSNR)
 * @param medianSizes median filter sides
 * @param classical classical denoisers with one parameter each, which the
 *          evaluation tunes
 */
public record DenoisingProtocol(List<Noise> conditions, boolean clipsInput,
		List<Double> blurSigmas, List<Integer> medianSizes,
		List<Classical> classical) implements TaskProtocol {

	/** Gaussian noise levels of the evaluation, in 8-bit units. */
	public static final double[] NOISE_SIGMAS_8BIT = { 15, 25, 50 };
	/**
	 * Photons at the top of the range in the evaluation's Poisson-Gaussian
	 * condition.
	 */
	public static final double POISSON_PEAK_PHOTONS = 30;
	/**
	 * Gaussian read noise of the Poisson-Gaussian condition, as a fraction of the
	 * range.
	 */
	public static final double POISSON_READ_NOISE = 0.01;
	/**
	 * Blur sigmas (pixels) the evaluation's Gaussian-blur baseline chooses from.
	 */
	public static final double[] BLUR_SIGMAS = { 0.5, 0.75, 1, 1.5, 2, 3 };
	/** Median filter sizes of the evaluation's baselines. */
	public static final int[] MEDIAN_SIZES = { 3, 5 };
	/** Noise of the demo, in 8-bit units. */
	public static final double DEMO_NOISE_SIGMA_8BIT = 25;
	/** Sigma (pixels) of the demo's Gaussian-blur baseline. */
	public static final double DEMO_BLUR_SIGMA = 1;
	/** Side of the demo's median-filter baseline. */
	public static final int DEMO_MEDIAN_SIZE = 3;

	/**
	 * A classical denoiser of {@link ClassicalDenoisers} with the one parameter
	 * the evaluation tunes (by mean PSNR on tuning images), its grid, and the
	 * value used untuned. The strengths of non-local means and total variation
	 * are multiples of the noise level estimated in each noisy plane
	 * ({@link ClassicalDenoisers#noiseSigma}).
	 */
	public enum Classical {

			/**
			 * Non-local means; the parameter is h in units of the estimated noise
			 * sigma.
			 */
			NON_LOCAL_MEANS(new double[] { 0.25, 0.35, 0.45, 0.6, 0.8, 1.0, 1.3,
				1.7 }, 0.45),
			/**
			 * Total variation (Chambolle); the parameter is lambda in units of the
			 * estimated noise sigma.
			 */
			TOTAL_VARIATION(new double[] { 0.3, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 4.0 },
				1.0),
			/**
			 * Wavelet shrinkage (db4, BayesShrink); the parameter multiplies
			 * BayesShrink's thresholds.
			 */
			WAVELET(new double[] { 0.5, 0.75, 1.0, 1.5, 2.0, 3.0 }, 1.0);

		private final double[] grid;
		private final double untuned;

		Classical(double[] grid, double untuned) {
			this.grid = grid;
			this.untuned = untuned;
		}

		/** The values tuning chooses from. */
		public List<Double> grid() {
			return Arrays.stream(grid).boxed().toList();
		}

		/** The value used when nothing is tuned. */
		public double untuned() {
			return untuned;
		}

		/**
		 * The method's name in the rows, e.g. {@code non-local means h=0.45 sigma}.
		 */
		public String method(double value) {
			String v = Numbers.compact(value);
			return switch (this) {
				case NON_LOCAL_MEANS -> "non-local means h=" + v + " sigma";
				case TOTAL_VARIATION -> "total variation lambda=" + v + " sigma";
				case WAVELET -> "wavelet BayesShrink db4 x" + v;
			};
		}

		/**
		 * This denoiser with parameter {@code value} on each channel of
		 * {@code noisy}, clipped.
		 */
		public Planes apply(Planes noisy, double value) {
			int h = noisy.height(), w = noisy.width();
			return TaskProtocol.perChannel(noisy, p -> switch (this) {
				case NON_LOCAL_MEANS -> ClassicalDenoisers.nonLocalMeans(p, h, w, Math
					.max(1e-6, value * ClassicalDenoisers.noiseSigma(p, h, w)));
				case TOTAL_VARIATION -> ClassicalDenoisers.totalVariation(p, h, w,
					value * ClassicalDenoisers.noiseSigma(p, h, w));
				case WAVELET -> ClassicalDenoisers.waveletShrink(p, h, w, value);
			});
		}
	}

	/** A noise model: one condition of the protocol. */
	public sealed interface Noise {

		/** The condition's name in the rows, e.g. {@code gaussian sigma=25/255}. */
		String condition();

		/**
		 * Adds this noise to {@code planes} in place, drawn from {@code random}.
		 */
		void addTo(Planes planes, SplittableRandom random);
	}

	/** Gaussian noise of {@code sigma8bit}/255 of the range. */
	public record GaussianNoise(double sigma8bit) implements Noise {

		@Override
		public String condition() {
			return "gaussian sigma=" + Numbers.compact(sigma8bit) + "/255";
		}

		@Override
		public void addTo(Planes planes, SplittableRandom random) {
			TrainingDegradations.addGaussianNoise(planes, sigma8bit / 255, random);
		}
	}

	/**
	 * Poisson noise of {@code peakPhotons} photons at the top of the range, plus
	 * Gaussian read noise of {@code readNoise} of the range.
	 */
	public record PoissonGaussianNoise(double peakPhotons, double readNoise)
			implements
				Noise {

		@Override
		public String condition() {
			return "poisson-gaussian peak=" + Numbers.compact(peakPhotons) +
				" read=" + Numbers.compact(readNoise);
		}

		@Override
		public void addTo(Planes planes, SplittableRandom random) {
			TrainingDegradations.addPoissonGaussianNoise(planes, peakPhotons,
				readNoise, random);
		}
	}

	public DenoisingProtocol {
		conditions = List.copyOf(conditions);
		blurSigmas = List.copyOf(blurSigmas);
		medianSizes = List.copyOf(medianSizes);
		classical = List.copyOf(classical);
		if (conditions.isEmpty()) throw new IllegalArgumentException(
			"denoising needs a noise condition");
	}

	/**
	 * The evaluation's protocol: Gaussian noise of {@link #NOISE_SIGMAS_8BIT} and
	 * Poisson-Gaussian noise, not clipped; blurs of {@link #BLUR_SIGMAS}, medians
	 * of {@link #MEDIAN_SIZES}, and every {@link Classical} denoiser.
	 */
	public static DenoisingProtocol evaluation() {
		List<Noise> noise = new ArrayList<>();
		for (double sigma : NOISE_SIGMAS_8BIT)
			noise.add(new GaussianNoise(sigma));
		noise.add(new PoissonGaussianNoise(POISSON_PEAK_PHOTONS,
			POISSON_READ_NOISE));
		return new DenoisingProtocol(noise, false, Arrays.stream(BLUR_SIGMAS)
			.boxed().toList(), Arrays.stream(MEDIAN_SIZES).boxed().toList(), List.of(
				Classical.values()));
	}

	/**
	 * The demo's protocol: Gaussian noise of 25/255, clipped; one blur and one
	 * median baseline.
	 */
	public static DenoisingProtocol demo() {
		return new DenoisingProtocol(List.of(new GaussianNoise(
			DEMO_NOISE_SIGMA_8BIT)), true, List.of(DEMO_BLUR_SIGMA), List.of(
				DEMO_MEDIAN_SIZE), List.of());
	}

	@Override
	public TaskKind task() {
		return TaskKind.DENOISE;
	}

	/**
	 * The noisy copy of {@code clean} under {@code noise}, clipped when
	 * {@link #clipsInput}.
	 */
	public Planes degrade(Planes clean, Noise noise, SplittableRandom random) {
		Planes noisy = new Planes(clean.channels(), clean.height(), clean.width(),
			clean.values().clone());
		noise.addTo(noisy, random);
		if (clipsInput) TaskProtocol.clip(noisy.values());
		return noisy;
	}

	/**
	 * {@code noisy} clipped to [0, 1], as the noisy input is measured (a copy).
	 */
	public static Planes clipped(Planes noisy) {
		return new Planes(noisy.channels(), noisy.height(), noisy.width(),
			TaskProtocol.clip(noisy.values().clone()));
	}

	/**
	 * The Gaussian-blur baseline of {@code sigma} pixels on {@code noisy},
	 * clipped.
	 */
	public static Planes blur(Planes noisy, double sigma) {
		return TaskProtocol.perChannel(noisy, p -> Baselines.gaussianBlur(p, noisy
			.height(), noisy.width(), sigma));
	}

	/** The {@code size x size} median baseline on {@code noisy}, clipped. */
	public static Planes median(Planes noisy, int size) {
		return TaskProtocol.perChannel(noisy, p -> Baselines.medianFilter(p, noisy
			.height(), noisy.width(), size));
	}

	/**
	 * The blur baseline's name in the rows, e.g. {@code gaussian blur sigma=1}.
	 */
	public static String blurName(double sigma) {
		return "gaussian blur sigma=" + Numbers.compact(sigma);
	}

	/** The median baseline's name in the rows, e.g. {@code median 3x3}. */
	public static String medianName(int size) {
		return "median " + size + "x" + size;
	}

	/** PSNR and SSIM of {@code result} against {@code clean} over every pixel. */
	public Quality measure(Planes clean, Planes result) {
		return TaskProtocol.fullImage(clean, result);
	}
}
