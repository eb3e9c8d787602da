package org.fijigan.core.train.data;

import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;

/**
 * An image opened for training with its per-channel normalisation, resolved once over the whole
 * image: normalised = (raw - low) / span.
 */
record OpenedImage(String name, RasterImage image, double[] low, double[] span) {
	/** Opens {@code name} and resolves the raw range of each channel by {@code norm}. */
	static OpenedImage open(ImageSource source, String name, Normalization norm) {
		RasterImage image = source.open(name);
		int c = image.logicalChannels();
		double[] low = new double[c], span = new double[c];
		for (int ch = 0; ch < c; ch++) {
			double lo, hi;
			if (norm instanceof Normalization.None) {
				lo = 0;
				hi = 1;
			}
			else if (norm instanceof Normalization.Percentile p) {
				ChannelStatistics s = ChannelStatistics.of(image, ch);
				lo = s.percentile(p.lowPercent());
				hi = s.percentile(p.highPercent());
			}
			else if (norm instanceof Normalization.FixedRange r) {
				lo = r.min();
				hi = r.max();
			}
			else if (image.type().isInteger()) {
				lo = image.type().min();
				hi = image.type().max();
			}
			else {
				ChannelStatistics s = ChannelStatistics.of(image, ch);
				lo = s.min();
				hi = s.max();
			}
			if (!(hi > lo)) hi = lo + 1; // flat channel: avoid dividing by zero
			low[ch] = lo;
			span[ch] = hi - lo;
		}
		return new OpenedImage(name, image, low, span);
	}

	int channels() {
		return low.length;
	}
}
