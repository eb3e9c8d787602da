
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.GanException;
import org.fijigan.core.dataset.PointSource;
import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.image.RawRange;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.SetRange;

/**
 * Images as the evaluation compares them: one plane per image (the middle slice
 * of the first frame, all channels), normalised to the evaluation's units and
 * clipped to [0, 1].
 */
final class EvaluationImages {

	private EvaluationImages() {}

	/**
	 * One evaluated image: {@code channels x height x width} values in [0, 1]
	 * (CHW).
	 *
	 * @param name the image's name in its source
	 * @param sources the point sources the image was rendered with
	 *          ({@link PointSource#PROPERTY}), in this sample's pixel
	 *          coordinates; empty when it has none
	 */
	record Sample(String name, int channels, int height, int width,
			float[] values, List<PointSource> sources) {

		Sample {
			if (values.length != channels * height * width)
				throw new IllegalArgumentException(
					"sample values do not match its shape");
			sources = List.copyOf(sources);
		}

		Sample(String name, int channels, int height, int width, float[] values) {
			this(name, channels, height, width, values, List.of());
		}

		/** The values as planes (not a copy). */
		Planes planes() {
			return new Planes(channels, height, width, values);
		}

		/** Planes of this sample's shape holding {@code result} (not a copy). */
		Planes planesOf(float[] result) {
			return new Planes(channels, height, width, result);
		}

		/** {@code planes} under this sample's name (not a copy). */
		Sample named(Planes planes) {
			return new Sample(name, planes.channels(), planes.height(), planes
				.width(), planes.values(), sources);
		}

		/** The channels' mean, as one channel. */
		Sample grey() {
			if (channels == 1) return this;
			int n = height * width;
			float[] out = new float[n];
			for (int i = 0; i < n; i++) {
				double s = 0;
				for (int c = 0; c < channels; c++)
					s += values[c * n + i];
				out[i] = (float) (s / channels);
			}
			return new Sample(name, 1, height, width, out, sources);
		}
	}

	/**
	 * A loaded sample, and whether the image was larger than the crop.
	 *
	 * @param width the centre crop's width, before it is cut to a multiple
	 * @param height its height
	 * @param flat null, or why the image has no scale: the range the rule takes
	 *          from its measured pixels is empty in a channel (a constant 16-bit
	 *          image under its own minimum to maximum), which the sample then
	 *          maps with {@code high = low + 1}, as {@link RawRange#of} does
	 */
	record Loaded(Sample sample, boolean cropped, int width, int height,
			String flat) {
	}

	/**
	 * At most {@code max} of {@code names}: all, or a seeded choice kept in the
	 * names' order.
	 */
	static List<String> choose(List<String> names, int max, long seed) {
		if (names.size() <= max) return List.copyOf(names);
		int[] pick = GenerativeMetrics.sample(names.size(), max,
			new SplittableRandom(seed));
		Arrays.sort(pick);
		List<String> out = new ArrayList<>();
		for (int i : pick)
			out.add(names.get(i));
		return out;
	}

	/**
	 * Opens {@code name} and takes its centre {@code cropHeight x cropWidth}
	 * pixels (or the whole plane along an axis where it is smaller) of the middle
	 * slice of the first frame, normalised by {@code rule}. The rule's range is
	 * taken from these pixels alone, the ones measured: an image scores as this
	 * crop saved alone would, whatever lies outside it (other slices and frames,
	 * a bright corner the crop leaves out).
	 *
	 * @param rule null for the restoration default (0-255 for 8-bit and RGB
	 *          images, the measured pixels' own minimum to maximum otherwise)
	 */
	static Loaded load(ImageSource source, String name, Normalization rule,
		int cropHeight, int cropWidth)
	{
		return load(source, name, rule, cropHeight, cropWidth, 1);
	}

	/**
	 * As above, the crop then cut to its top-left corner whose sides are a
	 * multiple of {@code multiple} (a super-resolution scale): the pixels
	 * measured, which the range is taken from.
	 */
	static Loaded load(ImageSource source, String name, Normalization rule,
		int cropHeight, int cropWidth, int multiple)
	{
		return load(source.open(name), name, rule, null, cropHeight, cropWidth,
			multiple);
	}

	/**
	 * As above, of an opened image, mapped by {@code given} (one raw range per
	 * channel, already resolved: a set's, {@link SetRange}) where it is not null
	 * instead of the range {@code rule} takes from the measured pixels.
	 */
	static Loaded load(RasterImage image, String name, Normalization rule,
		RawRange[] given, int cropHeight, int cropWidth, int multiple)
	{
		int channels = image.logicalChannels();
		int ch = Math.min(cropHeight, image.height()), cw = Math.min(cropWidth,
			image.width());
		int y0 = (image.height() - ch) / 2, x0 = (image.width() - cw) / 2;
		int h = ch - ch % multiple, w = cw - cw % multiple;
		int z = image.slices() / 2, n = h * w;
		float[] values = new float[channels * n];
		List<PointSource> sources = new ArrayList<>();
		for (PointSource p : pointSources(image, name))
			sources.add(p.shifted(x0, y0));
		for (int c = 0; c < channels; c++) {
			image.readRegion(c, z, 0, x0, y0, w, h, values, c * n);
			int bad = 0;
			for (int i = c * n; i < (c + 1) * n; i++)
				if (!Float.isFinite(values[i])) bad++;
			if (bad > 0) throw new GanException("image " + name + " holds " + bad +
				" NaN/infinite pixel" + (bad == 1 ? "" : "s") + (channels > 1
					? " in channel " + (c + 1) : "") +
				" where it is measured: the images evaluate compares with must be " +
				"finite (fill or leave out those pixels first)");
		}
		RawRange[] ranges = given != null ? given : ranges(image.type(), channels,
			h, w, values, rule);
		String flat = null;
		for (int c = 0; c < channels; c++) {
			double lo = ranges[c].low(), span = ranges[c].span();
			if (ranges[c].flat()) {
				if (flat == null) flat = (channels > 1 ? "channel " + (c + 1) + " is "
					: "") + "flat where it is measured (" + (rule == null
						? "its minimum and maximum are both " + Numbers.compact(lo) : rule
							.describe() + " gives it the range " + Numbers.compact(lo) +
							" to " + Numbers.compact(ranges[c].high())) +
					"), so its values have no [0,1] scale";
				span = 1; // as RawRange.of maps a flat channel
			}
			for (int i = c * n; i < (c + 1) * n; i++) {
				double u = (values[i] - lo) / span;
				values[i] = !(u > 0) ? 0 : u >= 1 ? 1 : (float) u;
			}
		}
		return new Loaded(new Sample(name, channels, h, w, values, sources),
			ch < image.height() || cw < image.width(), cw, ch, flat);
	}

	/**
	 * The raw values that map to 0 and 1 for each channel of measured pixels
	 * ({@code channels x h x w} raw values of an image of pixel type
	 * {@code type}, CHW): {@link RawRange} of {@code rule}, or for the default
	 * ({@code null}) the 8-bit range for 8-bit and RGB images and the channel's
	 * own minimum to maximum otherwise
	 * ({@link RawRange.FullRangeTypes#EIGHT_BIT}), as found: a flat channel's
	 * range is {@link RawRange#flat()}. Statistics are those of these values
	 * alone.
	 */
	static RawRange[] ranges(PixelType type, int channels, int h, int w,
		float[] values, Normalization rule)
	{
		requireRange(rule);
		// the measured pixels as an image of their own, of a type that keeps their
		// statistics exact (the 8- and 16-bit histograms)
		PixelType as = type == PixelType.RGB ? PixelType.UINT8 : type;
		RasterImage measured = RasterImage.allocate(w, h, channels, 1, 1, as);
		int n = h * w;
		for (int c = 0; c < channels; c++) {
			Object plane = measured.plane(c, 0, 0);
			for (int i = 0; i < n; i++) {
				float v = values[c * n + i];
				switch (as) {
					case UINT8 -> ((byte[]) plane)[i] = (byte) (int) v;
					case UINT16 -> ((short[]) plane)[i] = (short) (int) v;
					default -> ((float[]) plane)[i] = v;
				}
			}
		}
		RawRange[] out = new RawRange[channels];
		for (int c = 0; c < channels; c++) {
			int channel = c;
			out[c] = rule == null ? RawRange.asFound(
				new Normalization.BitDepthRange(), type, () -> ChannelStatistics.of(
					measured, channel), RawRange.FullRangeTypes.EIGHT_BIT) : RawRange
						.asFound(rule, type, () -> ChannelStatistics.of(measured, channel),
							RawRange.FullRangeTypes.INTEGER);
		}
		return out;
	}

	/**
	 * Refuses normalisation {@code none}: evaluation compares values in [0, 1].
	 */
	static void requireRange(Normalization rule) {
		if (rule instanceof Normalization.None) throw new GanException(
			"evaluation needs a value range: use range, range:MIN,MAX or percentile, not none");
	}

	/**
	 * The property under which an image's Info text arrives from the image
	 * readers: ImageJ's <i>Image &gt; Show Info</i>, a TIFF's {@code Info}.
	 */
	static final String INFO = "Info";

	/**
	 * The point sources {@code image} lists under {@link PointSource#PROPERTY}:
	 * as an image property (a TIFF's ImageJ {@code Properties}), or as a line
	 * {@code fiji-gan.point-sources = ...} (or {@code :}) of its Info text, or in
	 * both when they list the same sources; empty when it lists none.
	 *
	 * @throws GanException naming the image when a list does not read, when the
	 *           two places list different sources, or when two sources lie at one
	 *           position (a detection can find only one of them)
	 */
	static List<PointSource> pointSources(RasterImage image, String name) {
		String key = PointSource.PROPERTY, property = image.properties().get(key);
		List<String> lines = new ArrayList<>();
		String info = image.properties().get(INFO);
		if (info != null) for (String line : info.split("\\r?\\n|\\r")) {
			String l = line.strip();
			if (!l.startsWith(key)) continue;
			String rest = l.substring(key.length()).strip();
			if (rest.startsWith("=") || rest.startsWith(":")) lines.add(rest
				.substring(1).strip());
		}
		List<PointSource> fromProperty = property == null ? null : parse(property,
			name, "its properties");
		List<PointSource> fromInfo = null;
		for (String line : lines) {
			List<PointSource> p = parse(line, name, "its Info text");
			if (fromInfo != null && !fromInfo.equals(p)) throw new GanException(
				"image " + name + " has two different " + key + " lines in its Info " +
					"text: keep one");
			fromInfo = p;
		}
		if (fromProperty != null && fromInfo != null && !fromProperty.equals(
			fromInfo)) throw new GanException("image " + name + " lists different " +
				"point sources in its Info text (" + fromInfo.size() + ") and in its " +
				"properties (" + fromProperty.size() + ") under " + key +
				": keep one list, or make the two the same");
		List<PointSource> sources = fromProperty != null ? fromProperty
			: fromInfo != null ? fromInfo : List.of();
		java.util.Map<List<Double>, Integer> at = new java.util.HashMap<>();
		for (int j = 0; j < sources.size(); j++) {
			PointSource b = sources.get(j);
			Integer i = at.putIfAbsent(List.of(b.x(), b.y()), j);
			if (i != null) throw new GanException("image " + name + " lists two " +
				"point sources at one position, " + key + " entries " + (i + 1) + " '" +
				PointSource.format(List.of(sources.get(i))) + "' and " + (j + 1) +
				" '" + PointSource.format(List.of(b)) + "': a detection finds only " +
				"one of them; remove the repeated one");
		}
		return sources;
	}

	private static List<PointSource> parse(String text, String name,
		String where)
	{
		try {
			return PointSource.parse(text);
		}
		catch (GanException e) {
			throw new GanException("image " + name + ", " + PointSource.PROPERTY +
				" in " + where + ": " + e.getMessage(), e);
		}
	}

	/** A float image of one plane holding {@code s}'s channels. */
	static RasterImage toImage(Sample s) {
		RasterImage image = RasterImage.allocate(s.width(), s.height(), s
			.channels(), 1, 1, PixelType.FLOAT32);
		int n = s.height() * s.width();
		for (int c = 0; c < s.channels(); c++)
			System.arraycopy(s.values(), c * n, (float[]) image.plane(c, 0, 0), 0, n);
		return image.setTitle(s.name());
	}

	/** Plane {@code (z, 0)} of {@code image}, all logical channels, CHW. */
	static float[] read(RasterImage image, int z) {
		int n = image.width() * image.height(), channels = image.logicalChannels();
		float[] v = new float[channels * n];
		for (int c = 0; c < channels; c++)
			image.readRegion(c, z, 0, 0, 0, image.width(), image.height(), v, c * n);
		return v;
	}
}
