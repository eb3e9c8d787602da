
package org.fijigan.core.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.image.RawRange;

/**
 * An image opened for training with its per-channel normalisation
 * ({@link RawRange}), resolved once over the whole image: normalised = (raw -
 * low) / span. Under normalisation {@code none} the range is [0, 1] and goes
 * unused: raw values pass unchanged.
 */
record OpenedImage(String name, RasterImage image, double[] low,
		double[] span) {

	/**
	 * Opens {@code name} and resolves the raw range of each channel by
	 * {@code norm}.
	 */
	static OpenedImage open(ImageSource source, String name, Normalization norm) {
		RasterImage image = source.open(name);
		int c = image.logicalChannels();
		double[] low = new double[c], span = new double[c];
		for (int ch = 0; ch < c; ch++) {
			int channel = ch;
			RawRange range = RawRange.of(norm, image.type(), () -> ChannelStatistics
				.of(image, channel), RawRange.FullRangeTypes.INTEGER);
			low[ch] = range.low();
			span[ch] = range.span();
		}
		return new OpenedImage(name, image, low, span);
	}

	/**
	 * Opens every image and resolves one raw range per channel for all of them
	 * together: a generator learns a whole distribution, so every training image
	 * goes through the same fixed map, never one stretched to its own range.
	 * Percentiles are those of all the images' values pooled; the bit-depth rule
	 * takes the pixel type's range (float data: the set's minimum and maximum).
	 *
	 * @throws GanException when the rule needs statistics or a type's range and
	 *           the images mix pixel types
	 */
	static List<OpenedImage> openWithOneRange(ImageSource source,
		List<String> names, Normalization norm)
	{
		List<RasterImage> images = new ArrayList<>();
		int channels = 0;
		for (String name : names) {
			RasterImage image = source.open(name);
			images.add(image);
			channels = Math.max(channels, image.logicalChannels());
		}
		double[] low = new double[channels], span = new double[channels];
		for (int ch = 0; ch < channels; ch++) {
			int channel = ch;
			List<RasterImage> with = images.stream().filter(i -> i
				.logicalChannels() > channel).toList();
			Set<PixelType> types = new LinkedHashSet<>();
			with.forEach(i -> types.add(i.type()));
			boolean fixed = norm instanceof Normalization.FixedRange ||
				norm instanceof Normalization.None;
			boolean sameRange = types.stream().allMatch(t -> t.isInteger() && t
				.max() == types.iterator().next().max());
			if (types.size() > 1 && !fixed &&
				!(norm instanceof Normalization.BitDepthRange && sameRange))
				throw new GanException(
					"a generator's training images share one value range, so they must " +
						"share one pixel type, but they mix " + types +
						": convert them to one type, or give " +
						"--normalize range:MIN,MAX");
			RawRange range;
			try {
				range = RawRange.of(norm, with.get(0).type(), () -> ChannelStatistics
					.pooled(with.stream().map(i -> ChannelStatistics.of(i, channel))
						.toList()), RawRange.FullRangeTypes.INTEGER);
			}
			catch (IllegalArgumentException e) {
				throw new GanException(
					"a generator's training images must share one pixel type: " + e
						.getMessage());
			}
			low[ch] = range.low();
			span[ch] = range.span();
		}
		List<OpenedImage> opened = new ArrayList<>();
		for (int i = 0; i < images.size(); i++) {
			int c = images.get(i).logicalChannels();
			opened.add(new OpenedImage(names.get(i), images.get(i), java.util.Arrays
				.copyOf(low, c), java.util.Arrays.copyOf(span, c)));
		}
		return opened;
	}

	int channels() {
		return low.length;
	}

	/**
	 * This image with, if it is an RGB image, one raw range for its three colour
	 * channels, taken over them together: what inference does where a model takes
	 * them together, so that training sees the colours it will be given.
	 */
	OpenedImage withJointColour(Normalization norm) {
		if (image.type() != PixelType.RGB) return this;
		RawRange range = RawRange.of(norm, image.type(), () -> ChannelStatistics.of(
			image, new int[] { 0, 1, 2 }, -1), RawRange.FullRangeTypes.INTEGER);
		double[] l = new double[low.length], s = new double[span.length];
		Arrays.fill(l, range.low());
		Arrays.fill(s, range.span());
		return new OpenedImage(name, image, l, s);
	}
}
