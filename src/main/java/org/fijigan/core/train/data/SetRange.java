
package org.fijigan.core.train.data;

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
 * One raw range per channel for a whole set of images, as fine-tune normalises
 * a generator's training images: a generator learns a whole distribution, so
 * every image goes through the same fixed map, never one stretched to its own
 * range. Percentiles are those of all the images' values pooled (over each
 * whole image); the bit-depth rule takes the pixel type's range (float data:
 * the set's minimum and maximum). Fine-tuning and the generation evaluation
 * both take their range here, so that the evaluation measures images in the
 * units the generator learned.
 */
public final class SetRange {

	private SetRange() {}

	/**
	 * The raw range of each channel (as many as the image with the most) for
	 * {@code images} together; a channel is pooled over the images that have it.
	 *
	 * @param what the images, for messages ("a generator's training images")
	 * @throws GanException when the rule needs statistics or a type's range and
	 *           the images mix pixel types
	 */
	public static RawRange[] of(List<RasterImage> images, Normalization norm,
		String what)
	{
		if (images.isEmpty()) throw new IllegalArgumentException("no images");
		int channels = 0;
		for (RasterImage image : images)
			channels = Math.max(channels, image.logicalChannels());
		RawRange[] ranges = new RawRange[channels];
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
				throw new GanException(what + " share one value range, so they must " +
					"share one pixel type, but they mix " + types +
					": convert them to one type, or give " + "--normalize range:MIN,MAX");
			try {
				ranges[ch] = RawRange.of(norm, with.get(0).type(),
					() -> ChannelStatistics.pooled(with.stream().map(
						i -> ChannelStatistics.of(i, channel)).toList()),
					RawRange.FullRangeTypes.INTEGER);
			}
			catch (IllegalArgumentException e) {
				throw new GanException(what + " must share one pixel type: " + e
					.getMessage());
			}
		}
		return ranges;
	}
}
