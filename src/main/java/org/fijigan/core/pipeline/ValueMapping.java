
package org.fijigan.core.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.fijigan.core.GanException;
import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.image.RawRange;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.pipeline.PlaneRunner.ChannelGroup;
import org.fijigan.core.text.Numbers;

/**
 * The value maps of one run: raw image values to model input, and model output
 * to the result's values, resolved once per sample (one plane through one
 * channel group, never per tile, so tiles agree). Three ways:
 * <ul>
 * <li>the user's normalisation ({@code --normalize}), or fiji-gan's default for
 * a bare ONNX model: per channel over all planes (the colour channels of an RGB
 * image fed together to the model: jointly, one map for all), inverted for the
 * output;</li>
 * <li>a fiji-gan package ({@link ModelDescriptor#outputInInputUnits()}): its
 * bioimage.io preprocessing, inverted for the output;</li>
 * <li>any other bioimage.io package: its preprocessing and postprocessing as
 * the specification says ({@link ProcessingChain}); the result is the
 * postprocessed output, in float.</li>
 * </ul>
 * For inpainting, the statistics of the first two leave out the pixels under
 * the holes, which the model never sees. Statistics are cached: per-dataset
 * ones for the run, per-sample ones for the current plane. Not thread-safe; one
 * instance per run.
 */
final class ValueMapping {

	/**
	 * How one sample is mapped: into the model, and out of it (null when
	 * postprocessing waits for the whole output).
	 */
	record SampleMaps(ProcessingChain toModel, ProcessingChain fromModel) {
	}

	private final ModelDescriptor model;
	private final RasterImage image;
	/**
	 * An inpainting mask, whose holes the image's statistics leave out; null
	 * otherwise.
	 */
	private final RasterImage holes;
	private final boolean specification;
	private final boolean rawOutput;
	private final String description;
	private final long nonFiniteInputs;
	/**
	 * User normalisation: per image channel, raw to model and model to raw; null
	 * otherwise.
	 */
	private final double[] si, oi, so, oo;
	private final List<String> notes;
	private final Map<String, ChannelStatistics> cache = new HashMap<>();

	private ValueMapping(ModelDescriptor model, RasterImage image,
		RasterImage holes, boolean specification, boolean rawOutput,
		String description, long nonFiniteInputs, double[][] userMaps)
	{
		this(model, image, holes, specification, rawOutput, description,
			nonFiniteInputs, userMaps, List.of());
	}

	private ValueMapping(ModelDescriptor model, RasterImage image,
		RasterImage holes, boolean specification, boolean rawOutput,
		String description, long nonFiniteInputs, double[][] userMaps,
		List<String> notes)
	{
		this.notes = List.copyOf(notes);
		this.model = model;
		this.image = image;
		this.holes = holes;
		this.specification = specification;
		this.rawOutput = rawOutput;
		this.description = description;
		this.nonFiniteInputs = nonFiniteInputs;
		this.si = userMaps == null ? null : userMaps[0];
		this.oi = userMaps == null ? null : userMaps[1];
		this.so = userMaps == null ? null : userMaps[2];
		this.oo = userMaps == null ? null : userMaps[3];
	}

	/**
	 * Whether the result takes the model's output values as they are, so that it
	 * is 32-bit float whatever the input: with no normalisation, or a model whose
	 * own output processing does not give input units. The two branches of
	 * {@link #resolve} that map values raw.
	 */
	static boolean givesRawOutput(ModelDescriptor d, Normalization user) {
		user = Normalization.orRecorded(d, user);
		return user instanceof Normalization.None || user == null && !d
			.outputInInputUnits();
	}

	/**
	 * @param groups the image channels fed together to each model run: an RGB
	 *          image's colour channels in one group share one value map
	 *          ({@link #statisticsChannels})
	 * @param user the user's explicit choice, or null for the model's descriptor
	 *          / the default
	 * @param holes an inpainting mask (one channel; one plane for all, or one per
	 *          slice and frame), or null: the image's statistics leave out the
	 *          pixels under its holes (non-zero, NaN aside), which the model
	 *          never sees, so that the fill depends on the known pixels only;
	 *          except for a bioimage.io package read as its specification says,
	 *          whose statistics are of the whole tensor, as bioimage.io tools
	 *          take them
	 * @param nonFinite the image's NaN and infinite pixels, for the notes
	 */
	static ValueMapping resolve(ModelDescriptor d, RasterImage image,
		RasterImage holes, List<ChannelGroup> groups, Normalization user,
		long nonFinite)
	{
		int channels = image.logicalChannels();
		user = Normalization.orRecorded(d, user);
		if (user instanceof Normalization.None) {
			double[] one = new double[channels], zero = new double[channels];
			Arrays.fill(one, 1);
			return new ValueMapping(d, image, holes, false, true,
				"none (raw values in and out)", nonFinite, new double[][] { one, zero,
					one, zero });
		}
		if (user == null && !d.outputInInputUnits()) {
			String desc = "the model's bioimage.io processing: " + describe(
				"preprocessing", d.preprocessing()) + "; " + describe("postprocessing",
					d.postprocessing());
			return new ValueMapping(d, image, holes, true, true, desc, nonFinite,
				null);
		}
		if (user == null && !d.preprocessing().isEmpty()) return new ValueMapping(d,
			image, holes, false, false,
			"the model's bioimage.io preprocessing, inverted for the output: " +
				describe("preprocessing", d.preprocessing()), nonFinite, null);
		// integer samples: a uint8 input is fed rounded, so percentiles would
		// stretch an 8-bit image between its levels and lose some; a uint8 or
		// uint16 output wraps what percentiles put outside its range around; the
		// image type's range keeps 8-bit (and 16-bit) samples exact
		Normalization n = user != null ? user : d.integerSamples()
			? new Normalization.BitDepthRange() : Normalization.DEFAULT;
		int[][] statisticsOf = statisticsChannels(image, groups);
		double[] lo = new double[channels], hi = new double[channels];
		Map<String, RawRange> ranges = new HashMap<>();
		for (int c = 0; c < channels; c++) {
			int[] over = statisticsOf[c];
			RawRange range = ranges.computeIfAbsent(Arrays.toString(over),
				k -> RawRange.of(n, image.type(), () -> ChannelStatistics.of(image,
					over, -1, holes), RawRange.FullRangeTypes.INTEGER));
			lo[c] = range.low();
			hi[c] = range.high();
		}
		ValueRange inR = d.inputRange();
		ValueRange outR = d.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT
			? inR : d.outputRange();
		double[] si = new double[channels], oi = new double[channels], so =
			new double[channels], oo = new double[channels];
		for (int c = 0; c < channels; c++) {
			double span = hi[c] - lo[c];
			// a result is 32-bit: a wider span would map the model's output range
			// to infinities
			if (span > Float.MAX_VALUE) throw new GanException("the image's values" +
				(channels > 1 ? " in channel " + (c + 1) : "") + " span " + Numbers
					.significant(lo[c], 4) + ".." + Numbers.significant(hi[c], 4) + " (" +
				n.describe() + "), wider than 32-bit floats hold (" + Numbers
					.significant(Float.MAX_VALUE, 4) +
				"): give a narrower one with --normalize range:MIN,MAX");
			si[c] = inR.width() / span;
			oi[c] = inR.min() - lo[c] * si[c];
			so[c] = span / outR.width();
			oo[c] = lo[c] - outR.min() * so[c];
			// the maps are applied in 32 bits: a span so narrow (values of the
			// order of 1e-40, below the smallest normal float) that the scale
			// overflows a float, or its inverse underflows, made every pixel one
			// value. A flat image whose widened span was lost to rounding (a
			// constant of 1e16, where lo + 1 == lo) comes back as that constant, as
			// before
			if (span > 0 && (Float.isInfinite((float) si[c]) || (float) so[c] == 0))
				throw new GanException("the image's values" + (channels > 1
					? " in channel " + (c + 1) : "") + " span " + Numbers.significant(
						lo[c], 4) + ".." + Numbers.significant(hi[c], 4) + " (" + n
							.describe() + "), narrower than 32-bit floats map to the " +
					"model's input range (a scale of " + Numbers.significant(si[c], 4) +
					", beyond " + Numbers.significant(Float.MAX_VALUE, 4) +
					"): multiply the image by a power of ten first, or give a " +
					"wider span with --normalize range:MIN,MAX");
		}
		StringBuilder desc = new StringBuilder(n.describe()).append(" -> ").append(
			inR);
		if (channels <= 4) {
			desc.append(" (");
			boolean first = true;
			for (int c = 0; c < channels; c++) {
				int[] over = statisticsOf[c];
				if (over[0] != c) continue; // described with its first channel
				desc.append(first ? "" : "; ");
				first = false;
				if (channels > 1) desc.append(Arrays.stream(over).mapToObj(k -> "c" +
					(k + 1)).collect(Collectors.joining(","))).append(over.length > 1
						? " jointly" : "").append(": ");
				desc.append(Numbers.significant(lo[c], 4)).append("..").append(Numbers
					.significant(hi[c], 4));
			}
			desc.append(")");
		}
		List<String> notes = new ArrayList<>();
		for (ChannelGroup g : groups) {
			int[] fed = Arrays.stream(g.source()).distinct().toArray();
			if (fed.length < 2 || statisticsOf[fed[0]].length > 1) continue;
			boolean differ = false;
			for (int c : fed)
				differ |= lo[c] != lo[fed[0]] || hi[c] != hi[fed[0]];
			if (differ) notes.add("image " + channelNames(fed) +
				", fed together to the model, were normalised each by its own " +
				"statistics (" + n.describe() + "), as for fluorescence channels, " +
				"and each output channel mapped back by those of the input " +
				"channel in its position: a model that mixes channels sees their " +
				"brightness ratios changed. A colour image kept as separate channels " +
				"(a 16-bit RGB TIFF) keeps its colours with --normalize range or " +
				"range:MIN,MAX (one map for all channels)");
		}
		return new ValueMapping(d, image, holes, false, false, desc.toString(),
			nonFinite, new double[][] { si, oi, so, oo }, notes);
	}

	/**
	 * For each image channel, the image channels whose values together give its
	 * statistics: the colour channels of an RGB image fed together to one model
	 * run share them, so that one value map keeps the colours (a joint map); any
	 * other channel has its own, as CSBDeep normalises fluorescence channels,
	 * whose brightness differs by orders of magnitude.
	 */
	static int[][] statisticsChannels(RasterImage image,
		List<ChannelGroup> groups)
	{
		int[][] over = new int[image.logicalChannels()][];
		if (image.type() == PixelType.RGB) for (ChannelGroup g : groups) {
			int[] fed = Arrays.stream(g.source()).distinct().sorted().toArray();
			if (fed.length > 1) for (int c : fed)
				over[c] = fed;
		}
		for (int c = 0; c < over.length; c++)
			if (over[c] == null) over[c] = new int[] { c };
		return over;
	}

	/** "channel 2" or "channels 1, 2 and 3", counted from 1. */
	private static String channelNames(int[] channels) {
		StringBuilder s = new StringBuilder(channels.length == 1 ? "channel "
			: "channels ");
		for (int i = 0; i < channels.length; i++)
			s.append(i == 0 ? "" : i == channels.length - 1 ? " and " : ", ").append(
				channels[i] + 1);
		return s.toString();
	}

	private static String describe(String what, List<ProcessingStep> steps) {
		return steps.isEmpty() ? "no " + what : what + " " + steps.stream().map(
			ProcessingStep::describe).collect(Collectors.joining(", "));
	}

	/**
	 * Whether the output keeps the model's own values (so only float output makes
	 * sense).
	 */
	boolean rawOutput() {
		return rawOutput;
	}

	/** How values were mapped, for the report. */
	String description() {
		return description;
	}

	/** What the result's notes should say about the value maps. */
	List<String> notes() {
		return notes;
	}

	/** NaN and infinite input pixels (fed to the model as 0). */
	long nonFiniteInputs() {
		return nonFiniteInputs;
	}

	/**
	 * Whether the postprocessing takes statistics of the output, so that it can
	 * only run once the whole output is there: {@link #postprocess} then maps the
	 * result in place.
	 */
	/**
	 * The largest magnitude the user normalisation's maps carry values through:
	 * over the channels, the larger of the raw range a map takes to the model's
	 * input range and that range's ends. The 32-bit rounding of the trip there
	 * and back follows it. 0 where values are mapped per sample or by the model's
	 * own processing (not known before the run).
	 */
	double roundingScale() {
		if (si == null) return 0;
		ValueRange inR = model.inputRange();
		double scale = 0;
		for (int c = 0; c < si.length; c++) {
			double lo = (inR.min() - oi[c]) / si[c], hi = (inR.max() - oi[c]) / si[c];
			scale = Math.max(scale, Math.max(Math.abs(hi - lo), Math.max(Math.abs(lo),
				Math.abs(hi))));
		}
		return scale;
	}

	boolean defersPostprocessing() {
		return specification && ProcessingChain.takesOwnStatistics(model
			.postprocessing());
	}

	/**
	 * The maps of one sample: plane {@code (z, t)} of the image, fed to the
	 * model's channels from the image channels {@code source}; the output has
	 * {@code outChannels} channels.
	 */
	SampleMaps forSample(int z, int t, int[] source, int outChannels) {
		int plane = z + t * image.slices();
		int cm = source.length;
		int[] inputChannelOf = new int[outChannels];
		for (int c = 0; c < outChannels; c++)
			inputChannelOf[c] = outChannels == cm ? c : 0;
		if (si != null) {
			double[] s = new double[cm], o = new double[cm], bs =
				new double[outChannels], bo = new double[outChannels];
			for (int c = 0; c < cm; c++) {
				s[c] = si[source[c]];
				o[c] = oi[source[c]];
			}
			for (int c = 0; c < outChannels; c++) {
				bs[c] = so[source[inputChannelOf[c]]];
				bo[c] = oo[source[inputChannelOf[c]]];
			}
			return new SampleMaps(ProcessingChain.affine(s, o), ProcessingChain
				.affine(bs, bo));
		}
		ProcessingChain.Statistics inputStats = (ofInput, perDataset,
			channel) -> inputStatistics(source, perDataset ? -1 : plane, channel);
		ProcessingChain toModel = ProcessingChain.resolve(model.preprocessing(), cm,
			inputStats, "preprocessing");
		if (!specification) return new SampleMaps(toModel, toModel.inverse(
			inputChannelOf));
		if (defersPostprocessing()) return new SampleMaps(toModel, null);
		ProcessingChain fromModel = ProcessingChain.resolve(model.postprocessing(),
			outChannels, (ofInput, perDataset, channel) -> {
				if (!ofInput) throw new IllegalStateException(
					"output statistics are deferred");
				return inputStatistics(source, perDataset ? -1 : plane, channel);
			}, "postprocessing");
		return new SampleMaps(toModel, fromModel);
	}

	/**
	 * Applies a deferred postprocessing to the output of one sample in
	 * {@code result}: channels {@code firstTarget ..} of plane {@code (z, t)},
	 * the raw model output until now.
	 */
	void postprocess(RasterImage result, int z, int t, int[] source,
		int firstTarget, int outChannels)
	{
		int plane = z + t * image.slices();
		int[] targets = new int[outChannels];
		for (int c = 0; c < outChannels; c++)
			targets[c] = firstTarget + c;
		ProcessingChain chain = ProcessingChain.resolve(model.postprocessing(),
			outChannels, (ofInput, perDataset, channel) -> ofInput ? inputStatistics(
				source, perDataset ? -1 : plane, channel) : statistics(result, "output",
					channel < 0 ? targets : new int[] { targets[channel] }, perDataset
						? -1 : plane), "postprocessing");
		int w = result.width();
		float[][] rows = new float[outChannels][w];
		for (int y = 0; y < result.height(); y++) {
			for (int c = 0; c < outChannels; c++)
				result.readRegion(targets[c], z, t, 0, y, w, 1, rows[c], 0);
			chain.apply(rows, w);
			for (int c = 0; c < outChannels; c++)
				result.writeRegion(targets[c], z, t, 0, y, w, 1, rows[c], 0);
		}
	}

	/**
	 * Statistics of the image input: model channel {@code channel} (image channel
	 * {@code source[channel]}), or all.
	 */
	private ChannelStatistics inputStatistics(int[] source, int plane,
		int channel)
	{
		if (channel >= source.length) throw new GanException(
			"the postprocessing takes statistics of input channel " + (channel + 1) +
				" for output channel " + (channel + 1) + ", but the model takes " +
				source.length + " input channel" + (source.length == 1 ? "" : "s"));
		return statistics(image, "input", channel < 0 ? Arrays.stream(source)
			.distinct().toArray() : new int[] { source[channel] }, plane);
	}

	private ChannelStatistics statistics(RasterImage of, String tensor,
		int[] channels, int plane)
	{
		String key = tensor + Arrays.toString(channels) + "@" + plane;
		ChannelStatistics s = cache.get(key);
		if (s == null) {
			if (plane >= 0) cache.keySet().removeIf(k -> k.startsWith(tensor) && !k
				.endsWith("@-1") && !k.endsWith("@" + plane)); // per-sample statistics
																												// of other planes are
																												// done with
			// the input's statistics leave out the holes of an inpainting mask, but
			// a package read as its specification says takes them over the whole
			// tensor, as bioimage.io tools do (its test tensors were made so); the
			// output's are of the whole result
			s = ChannelStatistics.of(of, channels, plane, of == image &&
				!specification ? holes : null);
			cache.put(key, s);
		}
		return s;
	}
}
