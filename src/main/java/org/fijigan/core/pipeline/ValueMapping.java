package org.fijigan.core.pipeline;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.ChannelMap;
import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.image.RawRange;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.text.Numbers;

/**
 * The value maps of one run, resolved once per image (never per tile, so tiles agree): raw image
 * values to model input, and model output back to raw values. Both are per logical channel of the
 * input image.
 *
 * @param toModel raw values to the model's input space
 * @param fromModel model output (after {@link OutputTransform}) to the result's values
 * @param rawOutput whether the output keeps the model's own values (normalisation {@code none}),
 *          so only float output makes sense
 * @param description how values were mapped, for the report
 * @param nonFiniteInputs NaN and infinite input pixels (fed to the model as 0)
 */
record ValueMapping(ChannelMap toModel, ChannelMap fromModel, boolean rawOutput,
	String description, long nonFiniteInputs)
{
	/**
	 * @param user the user's explicit choice, or null for the model's descriptor / the default
	 */
	static ValueMapping resolve(ModelDescriptor d, RasterImage image, Normalization user) {
		int channels = image.logicalChannels();
		ChannelStatistics[] stats = new ChannelStatistics[channels];
		long[] nonFinite = { -1 };
		java.util.function.IntFunction<ChannelStatistics> statsOf = c -> {
			if (stats[c] == null) stats[c] = ChannelStatistics.of(image, c);
			return stats[c];
		};
		if (user instanceof Normalization.None) {
			long nf = image.type() == PixelType.FLOAT32 ? countNonFinite(channels, statsOf) : 0;
			return new ValueMapping(ChannelMap.identity(channels), ChannelMap.identity(channels), true,
				"none (raw values in and out)", nf);
		}
		if (user == null && !d.preprocessing().isEmpty()) {
			ChannelMap in = fromSteps(d.preprocessing(), channels, statsOf, "preprocessing");
			ChannelMap out = d.postprocessing().isEmpty() ? invert(in) : fromSteps(d.postprocessing(),
				channels, statsOf, "postprocessing");
			long nf = image.type() == PixelType.FLOAT32 ? countNonFinite(channels, statsOf) : 0;
			return new ValueMapping(in, out, false, "the model's bioimage.io pre/postprocessing", nf);
		}
		Normalization n = user == null ? Normalization.DEFAULT : user;
		double[] lo = new double[channels], hi = new double[channels];
		for (int c = 0; c < channels; c++) {
			int channel = c;
			RawRange range = RawRange.of(n, image.type(), () -> statsOf.apply(channel),
				RawRange.FullRangeTypes.INTEGER);
			lo[c] = range.low();
			hi[c] = range.high();
		}
		ValueRange inR = d.inputRange();
		ValueRange outR = d.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT ? inR : d
			.outputRange();
		double[] si = new double[channels], oi = new double[channels], so = new double[channels],
			oo = new double[channels];
		for (int c = 0; c < channels; c++) {
			double span = hi[c] - lo[c];
			si[c] = inR.width() / span;
			oi[c] = inR.min() - lo[c] * si[c];
			so[c] = span / outR.width();
			oo[c] = lo[c] - outR.min() * so[c];
		}
		long nf = image.type() == PixelType.FLOAT32 ? countNonFinite(channels, statsOf) : 0;
		StringBuilder desc = new StringBuilder(n.describe()).append(" -> ").append(inR);
		if (channels <= 4) {
			desc.append(" (");
			for (int c = 0; c < channels; c++)
				desc.append(c == 0 ? "" : "; ").append(channels > 1 ? "c" + (c + 1) + ": " : "").append(
					Numbers.significant(lo[c], 4)).append("..").append(Numbers.significant(hi[c], 4));
			desc.append(")");
		}
		return new ValueMapping(new ChannelMap(si, oi, Double.NEGATIVE_INFINITY,
			Double.POSITIVE_INFINITY), new ChannelMap(so, oo, Double.NEGATIVE_INFINITY,
				Double.POSITIVE_INFINITY), false, desc.toString(), nf);
	}

	private static long countNonFinite(int channels,
		java.util.function.IntFunction<ChannelStatistics> statsOf)
	{
		long n = 0;
		for (int c = 0; c < channels; c++)
			n += statsOf.apply(c).nonFiniteCount();
		return n;
	}

	/** The inverse affine map (clip dropped). */
	static ChannelMap invert(ChannelMap m) {
		double[] s = new double[m.channels()], o = new double[m.channels()];
		for (int c = 0; c < s.length; c++) {
			s[c] = 1 / m.scale()[c];
			o[c] = -m.offset()[c] / m.scale()[c];
		}
		return new ChannelMap(s, o, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
	}

	/**
	 * Composes bioimage.io processing steps into one affine map per channel. Statistics are those of
	 * the input image, per channel over all planes, carried through the steps already applied.
	 */
	static ChannelMap fromSteps(List<ProcessingStep> steps, int channels,
		java.util.function.IntFunction<ChannelStatistics> statsOf, String what)
	{
		ChannelMap m = ChannelMap.identity(channels);
		List<ProcessingStep> list = new ArrayList<>(steps);
		for (int i = 0; i < list.size(); i++) {
			ProcessingStep step = list.get(i);
			double[] s = new double[channels], o = new double[channels];
			if (step instanceof ProcessingStep.Clip clip) {
				if (i != list.size() - 1 && !(list.subList(i + 1, list.size()).stream().allMatch(
					x -> x instanceof ProcessingStep.EnsureDtype))) throw new GanException(what +
						": 'clip' followed by other steps is not supported");
				return m.clipped(clip.min(), clip.max());
			}
			if (step instanceof ProcessingStep.EnsureDtype) continue;
			for (int c = 0; c < channels; c++) {
				double a = m.scale()[c], b = m.offset()[c];
				if (step instanceof ProcessingStep.ScaleRange r) {
					if (what.equals("postprocessing") && r.referenceTensor() == null) throw new GanException(
						"postprocessing 'scale_range' of the output's own values is not supported; use --normalize");
					ChannelStatistics st = statsOf.apply(c);
					double lo = a * st.percentile(r.minPercentile()) + b;
					double hi = a * st.percentile(r.maxPercentile()) + b;
					if (a < 0) {
						double t = lo;
						lo = hi;
						hi = t;
					}
					s[c] = 1 / (hi - lo + r.eps());
					o[c] = -lo * s[c];
				}
				else if (step instanceof ProcessingStep.ZeroMeanUnitVariance z) {
					double mean, std;
					if (z.mean() != null) {
						mean = z.mean()[z.mean().length == 1 ? 0 : c];
						std = z.std()[z.std().length == 1 ? 0 : c];
					}
					else {
						ChannelStatistics st = statsOf.apply(c);
						mean = a * st.mean() + b;
						std = Math.abs(a) * st.std();
					}
					s[c] = 1 / (std + z.eps());
					o[c] = -mean * s[c];
				}
				else if (step instanceof ProcessingStep.ScaleLinear l) {
					s[c] = l.gain()[l.gain().length == 1 ? 0 : c];
					o[c] = l.offset()[l.offset().length == 1 ? 0 : c];
				}
				else throw new GanException(what + " step '" + stepName(step) +
					"' is not supported by fiji-gan; use --normalize to choose a normalisation instead");
			}
			m = m.then(new ChannelMap(s, o, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
		}
		return m;
	}

	private static String stepName(ProcessingStep step) {
		if (step instanceof ProcessingStep.Unsupported u) return u.name();
		return step.getClass().getSimpleName();
	}
}
