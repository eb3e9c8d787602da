package org.fijigan.core.train.data;

import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.image.RawRange;

/**
 * An image opened for training with its per-channel normalisation ({@link RawRange}), resolved
 * once over the whole image: normalised = (raw - low) / span. Under normalisation {@code none} the
 * range is [0, 1] and goes unused: raw values pass unchanged.
 */
record OpenedImage(String name, RasterImage image, double[] low, double[] span) {
	/** Opens {@code name} and resolves the raw range of each channel by {@code norm}. */
	static OpenedImage open(ImageSource source, String name, Normalization norm) {
		RasterImage image = source.open(name);
		int c = image.logicalChannels();
		double[] low = new double[c], span = new double[c];
		for (int ch = 0; ch < c; ch++) {
			int channel = ch;
			RawRange range = RawRange.of(norm, image.type(), () -> ChannelStatistics.of(image, channel),
				RawRange.FullRangeTypes.INTEGER);
			low[ch] = range.low();
			span[ch] = range.span();
		}
		return new OpenedImage(name, image, low, span);
	}

	int channels() {
		return low.length;
	}
}
