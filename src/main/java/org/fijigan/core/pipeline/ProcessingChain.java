
package org.fijigan.core.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.ProcessingStep.Binarize;
import org.fijigan.core.model.bioimage.ProcessingStep.Clip;
import org.fijigan.core.model.bioimage.ProcessingStep.EnsureDtype;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleLinear;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleMeanVariance;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleRange;
import org.fijigan.core.model.bioimage.ProcessingStep.Sigmoid;
import org.fijigan.core.model.bioimage.ProcessingStep.Softmax;
import org.fijigan.core.model.bioimage.ProcessingStep.ZeroMeanUnitVariance;

/**
 * bioimage.io pre- or postprocessing steps resolved for one sample (one image
 * plane through one channel group): element-wise operations with their
 * statistics filled in, applied in the order the descriptor lists them.
 * Immutable; resolved once per sample and applied to every tile of it, so tiles
 * agree.
 * <p>
 * Statistics are those of the tensor as it enters the chain (the raw image for
 * preprocessing, the model's output for postprocessing), not after the steps
 * before them: bioimageio.core, the reference implementation, computes every
 * measure a chain needs up front, and test outputs are made by it. A step's
 * {@code axes} must cover whole planes ({@code y} and {@code x}, with or
 * without {@code channel}); value lists vary along the channel axis only.
 */
final class ProcessingChain {

	/** Where a chain's statistics come from. */
	interface Statistics {

		/**
		 * @param ofImageInput the image input as given; false: the tensor the chain
		 *          processes
		 * @param perDataset over all planes of the image, else over this sample's
		 *          plane
		 * @param channel the channel of the tensor the chain processes, or -1 for
		 *          all channels together
		 */
		ChannelStatistics of(boolean ofImageInput, boolean perDataset, int channel);
	}

	/** One element-wise operation on {@code n} values of each channel. */
	sealed interface Op {

		void apply(float[][] channels, int n);
	}

	/** {@code x * scale[c] + offset[c]}. */
	record Affine(double[] scale, double[] offset) implements Op {

		@Override
		public void apply(float[][] channels, int n) {
			for (int c = 0; c < channels.length; c++) {
				float s = (float) scale[c], o = (float) offset[c];
				float[] v = channels[c];
				for (int i = 0; i < n; i++)
					v[i] = v[i] * s + o;
			}
		}
	}

	/** Limits channel {@code c} to {@code [low[c], high[c]]}; NaN stays NaN. */
	record Clamp(double[] low, double[] high) implements Op {

		@Override
		public void apply(float[][] channels, int n) {
			for (int c = 0; c < channels.length; c++) {
				float lo = (float) low[c], hi = (float) high[c];
				float[] v = channels[c];
				for (int i = 0; i < n; i++)
					v[i] = v[i] < lo ? lo : v[i] > hi ? hi : v[i];
			}
		}
	}

	/** The logistic function. */
	record Logistic() implements Op {

		@Override
		public void apply(float[][] channels, int n) {
			for (float[] v : channels)
				for (int i = 0; i < n; i++)
					v[i] = (float) (1 / (1 + Math.exp(-v[i])));
		}
	}

	/** 1 where {@code x > threshold[c]}, else 0. */
	record Threshold(double[] threshold) implements Op {

		@Override
		public void apply(float[][] channels, int n) {
			for (int c = 0; c < channels.length; c++) {
				double t = threshold[c];
				float[] v = channels[c];
				for (int i = 0; i < n; i++)
					v[i] = v[i] > t ? 1 : 0;
			}
		}
	}

	/**
	 * A cast to a bioimage.io data type, value by value: float32 as is (the
	 * values are float32), integers truncated toward zero and held to the type's
	 * range (NumPy leaves a value outside it undefined), NaN to 0, bool
	 * {@code x != 0}.
	 */
	record Cast(String dataType) implements Op {

		@Override
		public void apply(float[][] channels, int n) {
			if (dataType.equals("float32") || dataType.equals("float64")) return;
			double lo, hi;
			switch (dataType) {
				case "bool" -> {
					for (float[] v : channels)
						for (int i = 0; i < n; i++)
							v[i] = v[i] != 0 && !Float.isNaN(v[i]) ? 1 : 0;
					return;
				}
				case "uint8" -> {
					lo = 0;
					hi = 255;
				}
				case "int8" -> {
					lo = -128;
					hi = 127;
				}
				case "uint16" -> {
					lo = 0;
					hi = 65535;
				}
				case "int16" -> {
					lo = -32768;
					hi = 32767;
				}
				case "uint32" -> {
					lo = 0;
					hi = 4294967295.0;
				}
				case "int32" -> {
					lo = Integer.MIN_VALUE;
					hi = Integer.MAX_VALUE;
				}
				case "uint64" -> {
					lo = 0;
					hi = 18446744073709551615.0;
				}
				default -> {
					lo = Long.MIN_VALUE;
					hi = Long.MAX_VALUE;
				}
			}
			for (float[] v : channels)
				for (int i = 0; i < n; i++) {
					double x = v[i];
					v[i] = Double.isNaN(x) ? 0 : (float) Math.max(lo, Math.min(hi, x < 0
						? Math.ceil(x) : Math.floor(x)));
				}
		}
	}

	/**
	 * {@code exp(x_c) / sum_k exp(x_k)} across the channels of each pixel
	 * (shifted by the maximum, as SciPy does).
	 */
	record ChannelSoftmax() implements Op {

		@Override
		public void apply(float[][] channels, int n) {
			for (int i = 0; i < n; i++) {
				double max = Double.NEGATIVE_INFINITY;
				for (float[] v : channels)
					max = Math.max(max, v[i]);
				double sum = 0;
				for (float[] v : channels)
					sum += Math.exp(v[i] - max);
				for (float[] v : channels)
					v[i] = (float) (Math.exp(v[i] - max) / sum);
			}
		}
	}

	private final List<Op> ops;
	private final int channels;

	private ProcessingChain(List<Op> ops, int channels) {
		this.ops = List.copyOf(ops);
		this.channels = channels;
	}

	/** The chain that leaves every value as it is. */
	static ProcessingChain identity(int channels) {
		return new ProcessingChain(List.of(), channels);
	}

	/** One affine map per channel. */
	static ProcessingChain affine(double[] scale, double[] offset) {
		return new ProcessingChain(List.of(new Affine(scale.clone(), offset
			.clone())), scale.length);
	}

	List<Op> ops() {
		return ops;
	}

	/** Whether the chain changes nothing. */
	boolean isIdentity() {
		return ops.stream().allMatch(o -> o instanceof Cast c && c.dataType()
			.startsWith("float"));
	}

	/**
	 * Applies the chain in place to {@code n} values of each channel;
	 * {@code values[c]} holds channel {@code c} of the tensor the chain was
	 * resolved for.
	 */
	void apply(float[][] values, int n) {
		if (values.length != channels) throw new IllegalArgumentException(
			values.length + " channels given, chain for " + channels);
		for (Op op : ops)
			op.apply(values, n);
	}

	/**
	 * Resolves {@code steps} for one sample of a tensor with {@code channels}
	 * channels.
	 *
	 * @param what "preprocessing" or "postprocessing", for messages
	 * @throws GanException for a step fiji-gan cannot apply, naming it
	 */
	static ProcessingChain resolve(List<ProcessingStep> steps, int channels,
		Statistics stats, String what)
	{
		List<Op> ops = new ArrayList<>();
		for (ProcessingStep step : steps) {
			String id = what + " step " + step.id();
			if (step instanceof ScaleRange r) {
				boolean input = ProcessingStep.IMAGE_INPUT.equals(r.referenceTensor());
				double[] s = new double[channels], o = new double[channels];
				for (int c = 0; c < channels; c++) {
					ChannelStatistics st = stats.of(input, perDataset(r.mode()),
						jointChannel(r.axes(), c, id));
					double lo = st.percentile(r.minPercentile()), hi = st.percentile(r
						.maxPercentile());
					s[c] = 1 / (hi - lo + r.eps());
					o[c] = -lo * s[c];
				}
				ops.add(new Affine(s, o));
			}
			else if (step instanceof ZeroMeanUnitVariance z) {
				double[] s = new double[channels], o = new double[channels];
				double[] mean = z.mean() == null ? null : values(z.mean(), z.axes(),
					channels, id, "mean");
				double[] std = z.std() == null ? null : values(z.std(), z.axes(),
					channels, id, "std");
				for (int c = 0; c < channels; c++) {
					double m, sd;
					if (mean != null) {
						m = mean[c];
						sd = std[c];
					}
					else {
						ChannelStatistics st = stats.of(false, perDataset(z.mode()),
							jointChannel(z.axes(), c, id));
						m = st.mean();
						sd = st.std();
					}
					s[c] = 1 / (sd + z.eps());
					o[c] = -m * s[c];
				}
				ops.add(new Affine(s, o));
			}
			else if (step instanceof ScaleLinear l) {
				double[] gain = values(l.gain(), l.axes(), channels, id, "gain");
				double[] offset = values(l.offset(), l.axes(), channels, id, "offset");
				ops.add(new Affine(gain, offset));
			}
			else if (step instanceof ScaleMeanVariance m) {
				boolean ofInput = ProcessingStep.IMAGE_INPUT.equals(m
					.referenceTensor());
				if (!ofInput && m.referenceTensor() != null) throw new GanException(id +
					" refers to tensor '" + m.referenceTensor() +
					"'; fiji-gan takes statistics of the image input and of the output only");
				double[] s = new double[channels], o = new double[channels];
				for (int c = 0; c < channels; c++) {
					int channel = jointChannel(m.axes(), c, id);
					ChannelStatistics self = stats.of(false, perDataset(m.mode()),
						channel);
					ChannelStatistics ref = stats.of(ofInput, perDataset(m.mode()),
						channel);
					s[c] = (ref.std() + m.eps()) / (self.std() + m.eps());
					o[c] = ref.mean() - self.mean() * s[c];
				}
				ops.add(new Affine(s, o));
			}
			else if (step instanceof Clip k) {
				double[] lo = new double[channels], hi = new double[channels];
				for (int c = 0; c < channels; c++) {
					ChannelStatistics st = k.usesPercentiles() ? stats.of(false,
						perDataset(k.mode()), jointChannel(k.axes(), c, id)) : null;
					lo[c] = Double.isNaN(k.minPercentile()) ? k.min() : st
						.percentileInvertedCdf(k.minPercentile());
					hi[c] = Double.isNaN(k.maxPercentile()) ? k.max() : st
						.percentileInvertedCdf(k.maxPercentile());
				}
				ops.add(new Clamp(lo, hi));
			}
			else if (step instanceof Sigmoid) ops.add(new Logistic());
			else if (step instanceof Softmax x) {
				if (!x.axis().equals(ProcessingStep.CHANNEL)) throw new GanException(
					id + " along axis '" + x.axis() +
						"' is not supported: fiji-gan applies softmax across channels only");
				ops.add(new ChannelSoftmax());
			}
			else if (step instanceof Binarize b) {
				double[] t = b.thresholds().stream().mapToDouble(Double::doubleValue)
					.toArray();
				if (t.length > 1 && !ProcessingStep.CHANNEL.equals(b.axis()))
					throw new GanException(id +
						" with one threshold per entry of axis '" + b.axis() +
						"' is not supported: only per channel");
				ops.add(new Threshold(values(t, b.axis() == null ? List.of(
					ProcessingStep.CHANNEL) : List.of(), channels, id, "threshold")));
			}
			else if (step instanceof EnsureDtype e) ops.add(new Cast(e.dataType()));
			else throw new GanException(what + " step '" + step.id() +
				"' is not a bioimage.io processing step " +
				"fiji-gan knows (it applies binarize, clip, ensure_dtype, fixed_zero_mean_unit_variance, scale_linear, " +
				"scale_mean_variance, scale_range, sigmoid, softmax and zero_mean_unit_variance); pass --normalize " +
				"to choose a normalisation instead");
		}
		return new ProcessingChain(ops, channels);
	}

	/**
	 * This chain's affine part inverted, for output channel {@code c} from the
	 * chain's channel {@code channelOf[c]}: clips and casts are dropped, except
	 * that a chain that ends in a cast to an integer type, which truncates, is
	 * taken as its affine part less 0.5 (the truncation's mean bias), so that a
	 * package that adds 0.5 before its cast to round maps back exactly and one
	 * that only truncates maps back without bias.
	 *
	 * @throws GanException when the chain has a step without an inverse (sigmoid,
	 *           binarize, softmax)
	 */
	ProcessingChain inverse(int[] channelOf) {
		int n = channelOf.length;
		double[] s = new double[channels], o = new double[channels];
		Arrays.fill(s, 1);
		for (Op op : ops) {
			if (op instanceof Affine a) for (int c = 0; c < channels; c++) {
				o[c] = a.scale()[c] * o[c] + a.offset()[c];
				s[c] = a.scale()[c] * s[c];
			}
			else if (!(op instanceof Clamp || op instanceof Cast))
				throw new GanException("the preprocessing has a " + op.getClass()
					.getSimpleName().toLowerCase(java.util.Locale.ROOT) +
					" step, which cannot be inverted to give the output in the input's units; " +
					"add postprocessing to the descriptor or pass --normalize");
		}
		if (!ops.isEmpty() && ops.get(ops.size() - 1) instanceof Cast cast && !cast
			.dataType().startsWith("float") && !cast.dataType().equals("bool"))
			for (int c = 0; c < channels; c++)
			o[c] -= 0.5;
		double[] is = new double[n], io = new double[n];
		for (int c = 0; c < n; c++) {
			is[c] = 1 / s[channelOf[c]];
			io[c] = -o[channelOf[c]] / s[channelOf[c]];
		}
		return affine(is, io);
	}

	/** Whether any step takes statistics of the tensor the chain processes. */
	static boolean takesOwnStatistics(List<ProcessingStep> steps) {
		for (ProcessingStep s : steps)
			if (s instanceof ScaleRange r && !ProcessingStep.IMAGE_INPUT.equals(r
				.referenceTensor()) || s instanceof ZeroMeanUnitVariance z && !z.mode()
					.equals(ProcessingStep.FIXED) || s instanceof ScaleMeanVariance ||
				s instanceof Clip k && k.usesPercentiles()) return true;
		return false;
	}

	private static boolean perDataset(String mode) {
		return mode.equals(ProcessingStep.PER_DATASET);
	}

	/**
	 * The channel whose statistics a step takes for channel {@code c}: {@code c},
	 * or -1 when its axes include the channel axis (all channels together).
	 */
	private static int jointChannel(List<String> axes, int c, String id) {
		if (!axes.contains("y") || !axes.contains("x") || axes.stream().anyMatch(
			a -> !a.equals("y") && !a.equals("x") && !a.equals(
				ProcessingStep.CHANNEL))) throw new GanException(id +
					" takes statistics over axes " + axes +
					"; fiji-gan takes them over whole planes: axes y and x, with or without channel");
		return axes.contains(ProcessingStep.CHANNEL) ? -1 : c;
	}

	/**
	 * One value per channel from a value or a list along the channel axis (the
	 * axis not in {@code axes}).
	 */
	private static double[] values(double[] given, List<String> axes,
		int channels, String id, String name)
	{
		double[] v = new double[channels];
		if (given.length == 1) {
			Arrays.fill(v, given[0]);
			return v;
		}
		if (axes.contains(ProcessingStep.CHANNEL) || given.length != channels)
			throw new GanException(id + " gives " + given.length + " " + name +
				" values, but fiji-gan takes one, or one per channel of the " +
				channels + " channel" + (channels == 1 ? "" : "s") +
				" (along the channel axis)");
		return given.clone();
	}
}
