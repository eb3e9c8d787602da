
package org.fijigan.core.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
	 * This target of a pair with the raw range of its input: the map inference
	 * reverses on the model's output, which comes back in the input's units
	 * (output channel {@code c} by input channel {@code c}'s range, or by the
	 * first's when their counts differ). A target normalised by its own range
	 * would hide any change of brightness or contrast from the input to it (a
	 * target at half the input's brightness would train as the input itself).
	 */
	OpenedImage inRangeOf(OpenedImage input) {
		int c = low.length, ci = input.channels();
		double[] l = new double[c], s = new double[c];
		for (int ch = 0; ch < c; ch++) {
			int from = c == ci ? ch : 0;
			l[ch] = input.low[from];
			s[ch] = input.span[from];
		}
		return new OpenedImage(name, image, l, s);
	}

	/**
	 * Opens every image and resolves one raw range per channel for all of them
	 * together ({@link SetRange}): a generator learns a whole distribution, so
	 * every training image goes through the same fixed map, never one stretched
	 * to its own range.
	 *
	 * @throws GanException when the rule needs statistics or a type's range and
	 *           the images mix pixel types
	 */
	static List<OpenedImage> openWithOneRange(ImageSource source,
		List<String> names, Normalization norm)
	{
		List<RasterImage> images = new ArrayList<>();
		for (String name : names)
			images.add(source.open(name));
		RawRange[] ranges = SetRange.of(images, norm,
			"a generator's training images");
		List<OpenedImage> opened = new ArrayList<>();
		for (int i = 0; i < images.size(); i++) {
			int c = images.get(i).logicalChannels();
			double[] low = new double[c], span = new double[c];
			for (int ch = 0; ch < c; ch++) {
				low[ch] = ranges[ch].low();
				span[ch] = ranges[ch].span();
			}
			opened.add(new OpenedImage(names.get(i), images.get(i), low, span));
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
