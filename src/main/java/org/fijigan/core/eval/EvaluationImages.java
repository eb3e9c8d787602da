
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
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.core.train.data.Planes;

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

		/** The top-left {@code h x w} corner. */
		Sample cropTopLeft(int h, int w) {
			return crop(0, 0, h, w);
		}

		Sample crop(int y0, int x0, int h, int w) {
			float[] out = new float[channels * h * w];
			for (int c = 0; c < channels; c++)
				for (int y = 0; y < h; y++)
					System.arraycopy(values, (c * height + y0 + y) * width + x0, out, (c *
						h + y) * w, w);
			return new Sample(name, channels, h, w, out, sources.stream().map(p -> p
				.shifted(x0, y0)).toList());
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

	/** A loaded sample, and whether the image was larger than the crop. */
	record Loaded(Sample sample, boolean cropped) {
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
	 * pixels (or the whole plane along an axis where it is smaller), normalised
	 * by {@code rule}.
	 *
	 * @param rule null for the restoration default (0-255 for 8-bit and RGB
	 *          images, the image's own minimum to maximum otherwise)
	 */
	static Loaded load(ImageSource source, String name, Normalization rule,
		int cropHeight, int cropWidth)
	{
		RasterImage image = source.open(name);
		int channels = image.logicalChannels();
		int h = Math.min(cropHeight, image.height()), w = Math.min(cropWidth, image
			.width());
		int y0 = (image.height() - h) / 2, x0 = (image.width() - w) / 2;
		int z = image.slices() / 2, n = h * w;
		float[] values = new float[channels * n];
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
			RawRange range = range(image, c, rule);
			double lo = range.low(), span = range.span();
			for (int i = c * n; i < (c + 1) * n; i++) {
				double u = (values[i] - lo) / span;
				values[i] = !(u > 0) ? 0 : u >= 1 ? 1 : (float) u; // NaN -> 0
			}
		}
		List<PointSource> sources = new ArrayList<>();
		for (PointSource p : PointSource.parse(image.properties().get(
			PointSource.PROPERTY)))
			sources.add(p.shifted(x0, y0));
		return new Loaded(new Sample(name, channels, h, w, values, sources),
			h < image.height() || w < image.width());
	}

	/**
	 * The raw values that map to 0 and 1 for channel {@code c}: {@link RawRange}
	 * of {@code rule}, or for the default ({@code null}) the 8-bit range for
	 * 8-bit and RGB images and the channel's own minimum to maximum otherwise
	 * ({@link RawRange.FullRangeTypes#EIGHT_BIT}).
	 */
	static RawRange range(RasterImage image, int c, Normalization rule) {
		if (rule instanceof Normalization.None) throw new GanException(
			"evaluation needs a value range: use range, range:MIN,MAX or percentile, not none");
		return rule == null ? RawRange.of(new Normalization.BitDepthRange(), image
			.type(), () -> ChannelStatistics.of(image, c),
			RawRange.FullRangeTypes.EIGHT_BIT) : RawRange.of(rule, image.type(),
				() -> ChannelStatistics.of(image, c), RawRange.FullRangeTypes.INTEGER);
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
