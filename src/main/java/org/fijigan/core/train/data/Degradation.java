
package org.fijigan.core.train.data;

import java.util.List;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.text.Numbers;

/**
 * How a training input is made from a clean image when there is no target
 * folder (self-supervised training). Every amount is in normalised units: the
 * clean image's values after the user's normalisation and before the map to the
 * model's range, so {@code 0.1} is a tenth of the range between the 1st and
 * 99.8th percentile by default (raw values with normalisation {@code none}).
 * Amounts given as a {@link Range} are drawn once per sample.
 */
public sealed interface Degradation {

	/**
	 * A closed interval of values drawn uniformly (a single value when
	 * {@code min == max}).
	 */
	record Range(double min, double max) {

		public Range {
			if (!(min >= 0 && max >= min && Double.isFinite(max)))
				throw new GanException("range " + min + ".." + max +
					" must satisfy 0 <= min <= max");
		}

		public static Range of(double value) {
			return new Range(value, value);
		}

		@Override
		public String toString() {
			return min == max ? Numbers.rounded(min, 4) : Numbers.rounded(min, 4) +
				".." + Numbers.rounded(max, 4);
		}
	}

	/**
	 * Super-resolution: an optional Gaussian blur (sigma in high-resolution
	 * pixels), then area-averaging down by the model's scale (each input pixel is
	 * the mean of a {@code scale x scale} block), then optional Gaussian noise.
	 */
	record Downscale(Range blurSigma, Range noiseSigma) implements Degradation {

		public static final Downscale PLAIN = new Downscale(Range.of(0), Range.of(
			0));
	}

	/**
	 * Denoising: additive Gaussian noise of a standard deviation drawn per
	 * sample.
	 */
	record GaussianNoise(Range sigma) implements Degradation {
	}

	/**
	 * Denoising with a camera's noise: the clean value (negative values count as
	 * 0) times a photon count drawn per sample, log-uniformly in {@code photons},
	 * is replaced by a Poisson draw and divided by that count again; then
	 * Gaussian read noise of a standard deviation drawn in {@code readSigma} is
	 * added.
	 */
	record PoissonGaussianNoise(Range photons, Range readSigma)
			implements
				Degradation {

		public PoissonGaussianNoise {
			if (!(photons.min() > 0)) throw new GanException(
				"the photon count must be positive");
		}
	}

	/**
	 * Inpainting: random free-form holes ({@link FreeFormMask}) covering a
	 * fraction of each sample drawn uniformly in
	 * {@code [minCoverage, maxCoverage]}: brush strokes and boxes in proportion
	 * to the sample's side, or with {@code variedSizes} strokes, blobs and boxes
	 * each from one-pixel scratches to half the sample's side.
	 */
	record FreeFormHoles(double minCoverage, double maxCoverage,
			boolean variedSizes) implements Degradation {

		public static final FreeFormHoles DEFAULT = new FreeFormHoles(0.05, 0.40);

		public FreeFormHoles {
			if (!(minCoverage > 0 && minCoverage <= maxCoverage && maxCoverage < 1))
				throw new GanException(
					"hole coverage must satisfy 0 < min <= max < 1, got " + minCoverage +
						", " + maxCoverage);
		}

		/** Classic holes: strokes and boxes in proportion to the sample's side. */
		public FreeFormHoles(double minCoverage, double maxCoverage) {
			this(minCoverage, maxCoverage, false);
		}
	}

	/**
	 * Denoising with several noise models (each {@link GaussianNoise} or
	 * {@link PoissonGaussianNoise}): each sample gets one of them, drawn
	 * uniformly, so that a model learns to remove all of them without being told
	 * which.
	 */
	record NoiseMix(List<Degradation> models) implements Degradation {

		public NoiseMix {
			models = List.copyOf(models);
			if (models.isEmpty()) throw new GanException(
				"a noise mix needs at least one noise model");
			for (Degradation d : models)
				if (!(d instanceof GaussianNoise || d instanceof PoissonGaussianNoise))
					throw new GanException(
						"only noise models mix (gaussian, poisson-gaussian), not " + d
							.describe());
		}
	}

	/**
	 * Self-supervised denoising from noisy images alone, with Noise2Void's blind
	 * spots (Krull et al. 2019, "Noise2Void - learning denoising from single
	 * noisy images"): the training image is the target as it is, and the model's
	 * input is a copy in which a few pixels are hidden, each replaced by another
	 * pixel of its neighbourhood; the loss counts only at those pixels. A model
	 * that cannot see a pixel can only predict it from its neighbours, and the
	 * best such prediction of a noisy value, for noise independent from pixel to
	 * pixel with zero mean, is the clean value. What exactly is hidden and how:
	 * {@link BlindSpotMask}.
	 *
	 * @param fraction the share of pixels hidden per patch: one in every
	 *          {@code g x g} cell with {@code g = round(1 / sqrt(fraction))}
	 * @param neighbourhood side (odd, at least 3) of the square a replacement
	 *          comes from
	 * @param line structN2V's line mask (Broaddus et al. 2020), for noise
	 *          correlated along an axis, or null
	 */
	record BlindSpot(double fraction, int neighbourhood, Line line)
			implements
				Degradation {

		/**
		 * One pixel in every 8x8 cell (N2V's implementations mask 0.2-2% of a
		 * patch).
		 */
		public static final double DEFAULT_FRACTION = 0.016;
		/** A replacement comes from the 5x5 neighbourhood, as in Noise2Void. */
		public static final int DEFAULT_NEIGHBOURHOOD = 5;
		/**
		 * The largest neighbourhood side and line length: far beyond Noise2Void's 5
		 * and structN2V's lines of a few pixels, and a bound on the work per hidden
		 * pixel.
		 */
		public static final int MAX_SIDE = 255;

		/**
		 * A line of {@code length} pixels (odd, at least 3) centred on each hidden
		 * pixel, along the rows ({@code horizontal}) or the columns, whose other
		 * pixels are hidden too, so that noise correlated along that axis cannot
		 * give the hidden pixel away.
		 */
		public record Line(boolean horizontal, int length) {

			public Line {
				if (length < 3 || length % 2 == 0 || length > MAX_SIDE)
					throw new GanException("the structN2V line is an odd " +
						"number of pixels, at least 3 and at most " + MAX_SIDE + ", not " +
						length);
			}

			/**
			 * {@code horizontal:LEN} or {@code vertical:LEN}; null for {@code none},
			 * null or blank.
			 */
			public static Line parse(String text) {
				if (text == null || text.isBlank() || text.trim().equalsIgnoreCase(
					"none")) return null;
				String[] f = text.trim().toLowerCase(Locale.ROOT).split(":", 2);
				if (f.length == 2 && (f[0].equals("horizontal") || f[0].equals(
					"vertical"))) try
				{
					return new Line(f[0].equals("horizontal"), Integer.parseInt(f[1]
						.trim()));
				}
				catch (NumberFormatException e) {
					// reported below
				}
				throw new GanException("structN2V mask '" + text +
					"': write horizontal:LEN or " +
					"vertical:LEN with LEN an odd number of pixels, e.g. horizontal:5");
			}

			@Override
			public String toString() {
				return (horizontal ? "horizontal:" : "vertical:") + length;
			}
		}

		public BlindSpot {
			if (!(fraction > 0 && fraction <= 0.25)) throw new GanException(
				"the share of hidden pixels " +
					"is above 0 and at most 0.25 (one in every 2x2 cell), not " +
					fraction);
			if (neighbourhood < 3 || neighbourhood % 2 == 0 ||
				neighbourhood > MAX_SIDE) throw new GanException("the neighbourhood " +
					"a hidden pixel's replacement comes from is an odd number of pixels, at least 3 and at most " +
					MAX_SIDE + ", not " + neighbourhood);
		}

		/**
		 * The defaults: {@value #DEFAULT_FRACTION} of the pixels, 5x5
		 * neighbourhood, no line.
		 */
		public static BlindSpot defaults() {
			return new BlindSpot(DEFAULT_FRACTION, DEFAULT_NEIGHBOURHOOD, null);
		}

		/** The side of the cells of which one pixel each is hidden. */
		public int cell() {
			// a long, as a tiny fraction's side passes the largest int
			return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(1 / Math
				.sqrt(fraction))));
		}
	}

	/**
	 * Reads one degradation from text:
	 * {@code downscale[:blur=A..B][,noise=A..B]}, {@code gaussian:A..B},
	 * {@code poisson-gaussian:photons=A..B[,read=A..B]} or {@code holes:A..B} or
	 * {@code varied-holes:A..B} (coverage fractions); a single value {@code A}
	 * stands for {@code A..A}. Several noise models given together
	 * ({@link #parseAll}) make a {@link NoiseMix}. A key the kind does not take,
	 * a key given twice, a second plain value or an empty item is refused rather
	 * than ignored: a typo would otherwise train with another amount than the one
	 * written.
	 */
	static Degradation parse(String text) {
		String t = text.trim().toLowerCase(Locale.ROOT);
		int colon = t.indexOf(':');
		String kind = colon < 0 ? t : t.substring(0, colon), args = colon < 0 ? ""
			: t.substring(colon + 1);
		String takes = switch (kind) {
			case "downscale" -> "downscale takes blur=A..B and noise=A..B";
			case "gaussian" -> "gaussian takes only its sigma, as gaussian:A..B";
			case "poisson-gaussian" ->
				"poisson-gaussian takes photons=A..B and read=A..B";
			case "holes", "varied-holes" -> kind + " takes only its coverage, as " +
				kind + ":A..B";
			default -> throw new GanException("unknown degradation '" + text +
				"'; known: downscale, gaussian, poisson-gaussian, holes, varied-holes");
		};
		List<String> keys = switch (kind) {
			case "downscale" -> List.of("blur", "noise");
			case "poisson-gaussian" -> List.of("photons", "read");
			default -> List.of();
		};
		boolean takesPlain = keys.isEmpty();
		java.util.Map<String, Range> named = new java.util.HashMap<>();
		Range plain = null;
		for (String part : args.isBlank() ? new String[0] : args.split(",", -1)) {
			if (part.isBlank()) throw new GanException("'" + text +
				"': an empty item between commas; " + takes);
			int eq = part.indexOf('=');
			if (eq < 0) {
				if (!takesPlain) throw new GanException("'" + text + "': '" + part
					.trim() + "' has no key; " + takes);
				if (plain != null) throw new GanException("'" + text + "': '" + part
					.trim() + "' follows the " + (kind.equals("gaussian") ? "sigma"
						: "coverage") + "; " + takes);
				plain = range(part, text);
				continue;
			}
			String key = part.substring(0, eq).trim();
			if (!keys.contains(key)) throw new GanException("'" + text +
				"': unknown key '" + key + "'; " + takes);
			if (named.put(key, range(part.substring(eq + 1), text)) != null)
				throw new GanException("'" + text + "': " + key + " is given twice; " +
					takes);
		}
		switch (kind) {
			case "downscale":
				return new Downscale(named.getOrDefault("blur", Range.of(0)), named
					.getOrDefault("noise", Range.of(0)));
			case "gaussian":
				if (plain == null) throw new GanException("'" + text +
					"': give the noise sigma, e.g. gaussian:0.02..0.2");
				return new GaussianNoise(plain);
			case "poisson-gaussian":
				if (!named.containsKey("photons")) throw new GanException("'" + text +
					"': give the photon counts, e.g. poisson-gaussian:photons=5..200,read=0..0.02");
				return new PoissonGaussianNoise(named.get("photons"), named
					.getOrDefault("read", Range.of(0)));
			default:
				Range r = plain != null ? plain : new Range(FreeFormHoles.DEFAULT
					.minCoverage(), FreeFormHoles.DEFAULT.maxCoverage());
				return new FreeFormHoles(r.min(), r.max(), kind.equals("varied-holes"));
		}
	}

	/**
	 * The inputs a fine-tuning run asks for: Noise2Void's {@code blindSpots}, the
	 * degradations of {@code specs} ({@link #parseAll}), or null (none of them)
	 * for the task's own; both together are refused, the same way for the command
	 * line and the Fiji command.
	 */
	static Degradation chosen(BlindSpot blindSpots, List<String> specs) {
		boolean given = specs != null && !specs.isEmpty();
		if (blindSpots != null && given) throw new GanException(
			"--degradation makes inputs from clean images; --self-supervised n2v learns from noisy " +
				"images as they are: give one or the other");
		return blindSpots != null ? blindSpots : given ? parseAll(specs) : null;
	}

	/** One degradation, or a {@link NoiseMix} of several noise models. */
	static Degradation parseAll(List<String> texts) {
		if (texts.size() == 1) return parse(texts.get(0));
		return new NoiseMix(texts.stream().map(Degradation::parse).toList());
	}

	private static Range range(String text, String whole) {
		String[] ends = text.trim().split("\\.\\.", -1);
		try {
			if (ends.length == 1) return Range.of(Double.parseDouble(ends[0].trim()));
			if (ends.length == 2) return new Range(Double.parseDouble(ends[0].trim()),
				Double.parseDouble(ends[1].trim()));
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new GanException("'" + whole + "': '" + text +
			"' is not a number or a range A..B");
	}

	/**
	 * The default for self-supervised training of a model of task {@code task},
	 * or null if none.
	 */
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
		if (this instanceof Downscale d) return "area downscale" + (d.blurSigma()
			.max() > 0 ? ", blur sigma " + d.blurSigma() : "") + (d.noiseSigma()
				.max() > 0 ? ", noise sigma " + d.noiseSigma() : "");
		if (this instanceof GaussianNoise g) return "Gaussian noise sigma " + g
			.sigma();
		if (this instanceof NoiseMix m) return m.models().stream().map(
			Degradation::describe).collect(java.util.stream.Collectors.joining(
				" or "));
		if (this instanceof PoissonGaussianNoise p) return "Poisson noise at " + p
			.photons() + " photons, Gaussian read noise sigma " + p.readSigma();
		if (this instanceof BlindSpot b)
			return "Noise2Void blind spots: one pixel in every " + b.cell() + "x" + b
				.cell() + ", replaced from its " + b.neighbourhood() + "x" + b
					.neighbourhood() + " neighbourhood" + (b.line() == null ? ""
						: ", structN2V line " + b.line()) +
				"; loss at those pixels only, against the noisy image";
		FreeFormHoles f = (FreeFormHoles) this;
		return "free-form holes" + (f.variedSizes() ? " of varied size" : "") +
			" covering " + Numbers.rounded(100 * f.minCoverage(), 4) + "-" + Numbers
				.rounded(100 * f.maxCoverage(), 4) + "%";
	}
}
