package org.fijigan.core.train.data;

import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.model.TaskKind;

/**
 * How a training input is made from a clean image when there is no target folder (self-supervised
 * training). Every amount is in normalised units: the clean image's values after the user's
 * normalisation and before the map to the model's range, so {@code 0.1} is a tenth of the range
 * between the 1st and 99.8th percentile by default (raw values with normalisation {@code none}).
 * Amounts given as a {@link Range} are drawn once per sample.
 */
public sealed interface Degradation {
	/**
	 * A closed interval of values drawn uniformly (a single value when {@code min == max}).
	 */
	record Range(double min, double max) {
		public Range {
			if (!(min >= 0 && max >= min && Double.isFinite(max))) throw new GanException("range " +
				min + ".." + max + " must satisfy 0 <= min <= max");
		}

		public static Range of(double value) {
			return new Range(value, value);
		}

		@Override
		public String toString() {
			return min == max ? fmt(min) : fmt(min) + ".." + fmt(max);
		}
	}

	/**
	 * Super-resolution: an optional Gaussian blur (sigma in high-resolution pixels), then
	 * area-averaging down by the model's scale (each input pixel is the mean of a
	 * {@code scale x scale} block), then optional Gaussian noise.
	 */
	record Downscale(Range blurSigma, Range noiseSigma) implements Degradation {
		public static final Downscale PLAIN = new Downscale(Range.of(0), Range.of(0));
	}

	/** Denoising: additive Gaussian noise of a standard deviation drawn per sample. */
	record GaussianNoise(Range sigma) implements Degradation {}

	/**
	 * Denoising with a camera's noise: the clean value (negative values count as 0) times a photon
	 * count drawn per sample, log-uniformly in {@code photons}, is replaced by a Poisson draw and
	 * divided by that count again; then Gaussian read noise of a standard deviation drawn in
	 * {@code readSigma} is added.
	 */
	record PoissonGaussianNoise(Range photons, Range readSigma) implements Degradation {
		public PoissonGaussianNoise {
			if (!(photons.min() > 0)) throw new GanException("the photon count must be positive");
		}
	}

	/**
	 * Inpainting: random free-form holes (brush strokes and boxes) covering a fraction of each
	 * sample drawn uniformly in {@code [minCoverage, maxCoverage]}.
	 */
	record FreeFormHoles(double minCoverage, double maxCoverage) implements Degradation {
		public static final FreeFormHoles DEFAULT = new FreeFormHoles(0.05, 0.40);

		public FreeFormHoles {
			if (!(minCoverage > 0 && minCoverage <= maxCoverage && maxCoverage < 1))
				throw new GanException("hole coverage must satisfy 0 < min <= max < 1, got " +
					minCoverage + ", " + maxCoverage);
		}
	}

	/** The default for self-supervised training of a model of task {@code task}, or null if none. */
	static Degradation defaultFor(TaskKind task) {
		return switch (task) {
			case SUPER_RESOLUTION -> Downscale.PLAIN;
			case DENOISE -> new GaussianNoise(new Range(0.02, 0.2));
			case INPAINT -> FreeFormHoles.DEFAULT;
			case IMAGE_TO_IMAGE, GENERATE -> null;
		};
	}

	/** One line for logs and provenance. */
	default String describe() {
		if (this instanceof Downscale d) return "area downscale" + (d.blurSigma().max() > 0
			? ", blur sigma " + d.blurSigma() : "") + (d.noiseSigma().max() > 0 ? ", noise sigma " + d
				.noiseSigma() : "");
		if (this instanceof GaussianNoise g) return "Gaussian noise sigma " + g.sigma();
		if (this instanceof PoissonGaussianNoise p) return "Poisson noise at " + p.photons() +
			" photons, Gaussian read noise sigma " + p.readSigma();
		FreeFormHoles f = (FreeFormHoles) this;
		return "free-form holes covering " + fmt(100 * f.minCoverage()) + "-" + fmt(100 * f
			.maxCoverage()) + "%";
	}

	private static String fmt(double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(
			Locale.ROOT, "%.4g", v);
	}
}
