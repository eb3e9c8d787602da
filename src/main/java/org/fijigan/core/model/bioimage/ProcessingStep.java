package org.fijigan.core.model.bioimage;

import java.util.List;
import java.util.Set;

import org.fijigan.core.GanException;

/**
 * One pre- or postprocessing step of a tensor, normalised from the 0.4 ({@code name} + kwargs) and
 * 0.5 ({@code id} + kwargs) spellings. Wherever a step has {@code axes}, they are the axes processed
 * jointly: statistics are reduced over them, and a fixed value is shared across them; a
 * {@code mean}, {@code std}, {@code gain} or {@code offset} array with more than one value varies
 * along the tensor's remaining non-batch axes (in practice the channel axis). Percentiles are in
 * 0..100.
 */
public sealed interface ProcessingStep {
	/** {@code out = (x - p_min) / (p_max - p_min + eps)} with the percentiles of {@code referenceTensor} (null: this tensor). */
	record ScaleRange(String mode, List<String> axes, double minPercentile, double maxPercentile, double eps,
		String referenceTensor) implements ProcessingStep
	{
		public ScaleRange {
			requireMode(mode, Set.of("per_sample", "per_dataset"), "scale_range");
			axes = List.copyOf(axes);
			if (!(0 <= minPercentile && minPercentile < maxPercentile && maxPercentile <= 100))
				throw new GanException("scale_range: percentiles must satisfy 0 <= min < max <= 100, are " + minPercentile +
					" and " + maxPercentile);
			requireEps(eps, "scale_range");
		}
	}

	/**
	 * {@code out = (x - mean) / (std + eps)}; for {@code per_sample} the statistics come from the
	 * tensor and {@code mean}, {@code std} are null, for {@code fixed} they are given.
	 */
	record ZeroMeanUnitVariance(String mode, List<String> axes, double[] mean, double[] std, double eps)
		implements ProcessingStep
	{
		public ZeroMeanUnitVariance {
			requireMode(mode, Set.of("per_sample", "per_dataset", "fixed"), "zero_mean_unit_variance");
			axes = List.copyOf(axes);
			if (mode.equals("fixed") && (mean == null || std == null || mean.length == 0 || mean.length != std.length))
				throw new GanException("zero_mean_unit_variance: fixed mode needs as many mean as std values");
			mean = mean == null ? null : mean.clone();
			std = std == null ? null : std.clone();
			requireEps(eps, "zero_mean_unit_variance");
		}
	}

	/** {@code out = x * gain + offset}; one value, or one per entry of the varying axis. */
	record ScaleLinear(double[] gain, double[] offset, List<String> axes) implements ProcessingStep {
		public ScaleLinear {
			if (gain.length == 0 || offset.length == 0 || gain.length > 1 && offset.length > 1 && gain.length != offset.length)
				throw new GanException("scale_linear: gain (" + gain.length + " values) and offset (" + offset.length +
					" values) do not match");
			gain = gain.clone();
			offset = offset.clone();
			axes = List.copyOf(axes);
		}
	}

	/** Limits values to {@code [min, max]}; an open side is infinite. */
	record Clip(double min, double max) implements ProcessingStep {
		public Clip {
			if (!(min <= max)) throw new GanException("clip: min " + min + " is above max " + max);
		}
	}

	record Sigmoid() implements ProcessingStep {}

	/** {@code out = x > threshold ? 1 : 0}. */
	record Binarize(double threshold) implements ProcessingStep {
		public Binarize {
			if (Double.isNaN(threshold)) throw new GanException("binarize: threshold is not a number");
		}
	}

	/** Matches this tensor's mean and std to those of {@code referenceTensor}. */
	record ScaleMeanVariance(String mode, String referenceTensor, List<String> axes, double eps)
		implements ProcessingStep
	{
		public ScaleMeanVariance {
			requireMode(mode, Set.of("per_sample", "per_dataset"), "scale_mean_variance");
			if (referenceTensor == null) throw new GanException("scale_mean_variance needs a reference_tensor");
			axes = List.copyOf(axes);
			requireEps(eps, "scale_mean_variance");
		}
	}

	/** The 0.5 cast to {@code dataType} ("float32", "uint8", ...). */
	record EnsureDtype(String dataType) implements ProcessingStep {
		public EnsureDtype {
			if (dataType == null) throw new GanException("ensure_dtype needs a dtype");
		}
	}

	/** A step this reader does not know (or a variant it does not support), kept so a caller can name it. */
	record Unsupported(String name) implements ProcessingStep {}

	private static void requireMode(String mode, Set<String> modes, String step) {
		if (!modes.contains(mode)) throw new GanException(step + ": mode '" + mode + "' is not one of " + modes);
	}

	private static void requireEps(double eps, String step) {
		if (!(eps >= 0) || Double.isInfinite(eps)) throw new GanException(step + ": eps must be a small non-negative number, is " + eps);
	}
}
