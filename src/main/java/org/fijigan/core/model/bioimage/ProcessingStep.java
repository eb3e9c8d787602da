
package org.fijigan.core.model.bioimage;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Numbers;

/**
 * One pre- or postprocessing step of a tensor, normalised from the 0.4
 * ({@code name} + kwargs) and 0.5 ({@code id} + kwargs) spellings.
 * <p>
 * Axes are named by role, whichever spelling the descriptor used:
 * {@value #BATCH}, {@value #CHANNEL}, and the space axes by their ids
 * ({@code "y"}, {@code "x"}). Wherever a step has {@code axes}, they are the
 * axes processed jointly: statistics are reduced over them, and a fixed value
 * is shared across them; a value list ({@code mean}, {@code std}, {@code gain},
 * {@code offset}, {@code threshold}) varies along the tensor's one remaining
 * non-batch axis (in practice the channel axis). The batch axis never appears
 * in {@code axes}: {@code mode} says whether statistics are taken per sample
 * ({@code per_sample}) or over the whole data set ({@code per_dataset}, the 0.4
 * mode, or 0.5 {@code axes} that include the batch axis or are left out).
 * Percentiles are in 0..100.
 */
public sealed interface ProcessingStep {

	/** The role id of a batch axis. */
	String BATCH = "batch";
	/** The role id of a channel axis. */
	String CHANNEL = "channel";
	/** Statistics of each sample (one image plane) on its own. */
	String PER_SAMPLE = "per_sample";
	/**
	 * Statistics of the whole data set (fiji-gan: all planes of the image being
	 * processed).
	 */
	String PER_DATASET = "per_dataset";
	/** Values given in the descriptor. */
	String FIXED = "fixed";
	/**
	 * The {@code reference_tensor} of a postprocessing step that refers to the
	 * image input, once the model loader has resolved the descriptor's tensor ids
	 * (never a valid tensor id: it has a space).
	 */
	String IMAGE_INPUT = "image input";

	/**
	 * {@code out = (x - p_min) / (p_max - p_min + eps)} with the percentiles
	 * (linear interpolation, as NumPy's default) of {@code referenceTensor}
	 * (null: this tensor).
	 */
	record ScaleRange(String mode, List<String> axes, double minPercentile,
			double maxPercentile, double eps, String referenceTensor)
			implements
				ProcessingStep {

		public ScaleRange {
			requireMode(mode, Set.of(PER_SAMPLE, PER_DATASET), "scale_range");
			axes = List.copyOf(axes);
			if (!(0 <= minPercentile && minPercentile < maxPercentile &&
				maxPercentile <= 100)) throw new GanException(
					"scale_range: percentiles must satisfy 0 <= min < max <= 100, are " +
						minPercentile + " and " + maxPercentile);
			requireEps(eps, "scale_range");
		}

		public ScaleRange withReferenceTensor(String tensor) {
			return new ScaleRange(mode, axes, minPercentile, maxPercentile, eps,
				tensor);
		}
	}

	/**
	 * {@code out = (x - mean) / (std + eps)}, std the population standard
	 * deviation. For {@code per_sample} and {@code per_dataset} the statistics
	 * come from the tensor and {@code mean}, {@code std} are null; for
	 * {@code fixed} ({@code fixed_zero_mean_unit_variance}) they are given, one
	 * value or one per entry of the varying axis.
	 */
	record ZeroMeanUnitVariance(String mode, List<String> axes, double[] mean,
			double[] std, double eps) implements ProcessingStep {

		public ZeroMeanUnitVariance {
			requireMode(mode, Set.of(PER_SAMPLE, PER_DATASET, FIXED),
				"zero_mean_unit_variance");
			axes = List.copyOf(axes);
			if (mode.equals(FIXED) && (mean == null || std == null ||
				mean.length == 0 || std.length == 0 || mean.length > 1 &&
					std.length > 1 && mean.length != std.length)) throw new GanException(
						"zero_mean_unit_variance: fixed mode needs matching mean and std values");
			if (mean != null && !Arrays.stream(mean).allMatch(Double::isFinite) ||
				std != null && !Arrays.stream(std).allMatch(Double::isFinite))
				throw new GanException(
					"zero_mean_unit_variance: mean and std must be finite numbers");
			mean = mean == null ? null : mean.clone();
			std = std == null ? null : std.clone();
			requireEps(eps, "zero_mean_unit_variance");
		}
	}

	/**
	 * {@code out = x * gain + offset}; one value, or one per entry of the varying
	 * axis.
	 */
	record ScaleLinear(double[] gain, double[] offset, List<String> axes)
			implements
				ProcessingStep {

		public ScaleLinear {
			if (gain.length == 0 || offset.length == 0 || gain.length > 1 &&
				offset.length > 1 && gain.length != offset.length)
				throw new GanException("scale_linear: gain (" + gain.length +
					" values) and offset (" + offset.length + " values) do not match");
			if (!Arrays.stream(gain).allMatch(Double::isFinite) || !Arrays.stream(
				offset).allMatch(Double::isFinite)) throw new GanException(
					"scale_linear: gain and offset must be finite numbers, are " + Arrays
						.toString(gain) + " and " + Arrays.toString(offset));
			gain = gain.clone();
			offset = offset.clone();
			axes = List.copyOf(axes);
		}
	}

	/**
	 * Limits values to {@code [min, max]}. Each side is a fixed value, a
	 * percentile of the tensor ({@code minPercentile}, {@code maxPercentile}: the
	 * 0.5.7 kwargs, taken as NumPy's {@code inverted_cdf}, over {@code axes} per
	 * {@code mode}), or open. A side not given is NaN, an open side infinite.
	 */
	record Clip(double min, double max, double minPercentile,
			double maxPercentile, String mode, List<String> axes)
			implements
				ProcessingStep {

		public Clip {
			if (!Double.isNaN(min) && !Double.isNaN(minPercentile) || !Double.isNaN(
				max) && !Double.isNaN(maxPercentile)) throw new GanException(
					"clip: give min or min_percentile, and max or max_percentile, not both");
			if (!Double.isNaN(min) && !Double.isNaN(max) && !(min <= max))
				throw new GanException("clip: min " + min + " is above max " + max);
			if (!Double.isNaN(minPercentile) && !(minPercentile >= 0 &&
				minPercentile < 100) || !Double.isNaN(maxPercentile) &&
					!(maxPercentile > 0 && maxPercentile <= 100) || !Double.isNaN(
						minPercentile) && !Double.isNaN(maxPercentile) &&
						minPercentile >= maxPercentile) throw new GanException(
							"clip: percentiles must satisfy 0 <= min < max <= 100, are " +
								minPercentile + " and " + maxPercentile);
			requireMode(mode, Set.of(PER_SAMPLE, PER_DATASET), "clip");
			axes = List.copyOf(axes);
		}

		/** A clip to fixed bounds (infinite for an open side). */
		public Clip(double min, double max) {
			this(min, max, Double.NaN, Double.NaN, PER_SAMPLE, List.of());
		}

		public boolean usesPercentiles() {
			return !Double.isNaN(minPercentile) || !Double.isNaN(maxPercentile);
		}
	}

	/** {@code 1 / (1 + exp(-x))}. */
	record Sigmoid() implements ProcessingStep {
	}

	/**
	 * {@code exp(x) / sum(exp(x))} along {@code axis} (default the channel axis).
	 */
	record Softmax(String axis) implements ProcessingStep {

		public Softmax {
			if (axis == null || axis.isBlank()) throw new GanException(
				"softmax needs an axis");
		}
	}

	/**
	 * {@code out = x > threshold ? 1 : 0}: one threshold ({@code axis} null), or
	 * one per entry of {@code axis}.
	 */
	record Binarize(List<Double> thresholds, String axis)
			implements
				ProcessingStep {

		public Binarize {
			thresholds = List.copyOf(thresholds);
			if (thresholds.isEmpty() || thresholds.stream().anyMatch(t -> !Double
				.isFinite(t))) throw new GanException(
					"binarize: thresholds must be finite numbers, are " + thresholds);
			if (thresholds.size() > 1 && axis == null) throw new GanException(
				"binarize: several thresholds need an axis");
		}

		public Binarize(double threshold) {
			this(List.of(threshold), null);
		}
	}

	/**
	 * Matches this tensor's mean and std to those of {@code referenceTensor}
	 * (which the descriptor must name; null once resolved to this tensor itself):
	 * {@code out = (x - mean) / (std + eps) * (ref_std + eps) + ref_mean}.
	 */
	record ScaleMeanVariance(String mode, String referenceTensor,
			List<String> axes, double eps) implements ProcessingStep {

		public ScaleMeanVariance {
			requireMode(mode, Set.of(PER_SAMPLE, PER_DATASET), "scale_mean_variance");
			axes = List.copyOf(axes);
			requireEps(eps, "scale_mean_variance");
		}

		public ScaleMeanVariance withReferenceTensor(String tensor) {
			return new ScaleMeanVariance(mode, tensor, axes, eps);
		}
	}

	/**
	 * The 0.5 cast to {@code dataType} ("float32", "uint8", ...): integer types
	 * truncate toward zero, and {@code bool} is {@code x != 0}.
	 */
	record EnsureDtype(String dataType) implements ProcessingStep {

		/** The data types bioimage.io 0.5 names. */
		public static final Set<String> TYPES = Set.of("float32", "float64",
			"uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64",
			"bool");

		public EnsureDtype {
			if (dataType == null) throw new GanException(
				"ensure_dtype needs a dtype");
			if (!TYPES.contains(dataType)) throw new GanException("ensure_dtype: '" +
				dataType + "' is not one of " + new java.util.TreeSet<>(TYPES));
		}
	}

	/**
	 * A step this reader does not know (or a variant it does not support), kept
	 * so a caller can name it.
	 */
	record Unsupported(String name) implements ProcessingStep {
	}

	/** The step's id as bioimage.io 0.5 spells it. */
	default String id() {
		if (this instanceof ScaleRange) return "scale_range";
		if (this instanceof ZeroMeanUnitVariance z) return z.mode().equals(FIXED)
			? "fixed_zero_mean_unit_variance" : "zero_mean_unit_variance";
		if (this instanceof ScaleLinear) return "scale_linear";
		if (this instanceof Clip) return "clip";
		if (this instanceof Sigmoid) return "sigmoid";
		if (this instanceof Softmax) return "softmax";
		if (this instanceof Binarize) return "binarize";
		if (this instanceof ScaleMeanVariance) return "scale_mean_variance";
		if (this instanceof EnsureDtype) return "ensure_dtype";
		return ((Unsupported) this).name();
	}

	/**
	 * The step in one line, e.g.
	 * {@code scale_range(per_sample [y, x] 1..99.8 eps 1e-6)}.
	 */
	default String describe() {
		String args;
		if (this instanceof ScaleRange r) args = r.mode() + " " + r.axes() + " " +
			n(r.minPercentile()) + ".." + n(r.maxPercentile()) + " eps " + n(r
				.eps()) + (r.referenceTensor() == null ? "" : " of " + r
					.referenceTensor());
		else if (this instanceof ZeroMeanUnitVariance z) args = (z.mean() == null
			? z.mode() : "mean " + n(z.mean()) + " std " + n(z.std())) + " " + z
				.axes() + " eps " + n(z.eps());
		else if (this instanceof ScaleLinear l) args = "gain " + n(l.gain()) +
			" offset " + n(l.offset());
		else if (this instanceof Clip k) args = (Double.isNaN(k.minPercentile())
			? n(k.min()) : "p" + n(k.minPercentile())) + ".." + (Double.isNaN(k
				.maxPercentile()) ? n(k.max()) : "p" + n(k.maxPercentile())) + (k
					.usesPercentiles() ? " " + k.mode() + " " + k.axes() : "");
		else if (this instanceof Softmax x) args = x.axis();
		else if (this instanceof Binarize b) args = "> " + n(b.thresholds().stream()
			.mapToDouble(Double::doubleValue).toArray());
		else if (this instanceof ScaleMeanVariance m) args = m.mode() + " " + m
			.axes() + " like " + (m.referenceTensor() == null ? "itself" : m
				.referenceTensor()) + " eps " + n(m.eps());
		else if (this instanceof EnsureDtype e) args = e.dataType();
		else args = "";
		return id() + (args.isEmpty() ? "" : "(" + args + ")");
	}

	private static String n(double v) {
		return Numbers.exact(v);
	}

	private static String n(double[] v) {
		if (v.length == 1) return n(v[0]);
		StringBuilder sb = new StringBuilder("[");
		for (double d : v)
			sb.append(sb.length() > 1 ? ", " : "").append(n(d));
		return sb.append(']').toString();
	}

	private static void requireMode(String mode, Set<String> modes, String step) {
		if (!modes.contains(mode)) throw new GanException(step + ": mode '" + mode +
			"' is not one of " + modes);
	}

	private static void requireEps(double eps, String step) {
		if (!(eps >= 0) || Double.isInfinite(eps)) throw new GanException(step +
			": eps must be a small non-negative number, is " + eps);
	}
}
