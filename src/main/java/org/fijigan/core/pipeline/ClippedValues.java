
package org.fijigan.core.pipeline;

import org.fijigan.core.image.PixelType;
import org.fijigan.core.text.Numbers;

/**
 * Result values an integer image (8 or 16 bits, RGB) cannot hold: counted where
 * they are written, and stated in one note per result, by the image-to-image
 * runs and by generate alike.
 */
final class ClippedValues {

	private ClippedValues() {}

	/**
	 * The finite values among {@code n} of {@code values} that an image of
	 * {@code type} cannot hold by more than 1% of its range: clipping a model's
	 * slight overshoot at black or white is what any conversion to 8 or 16 bits
	 * does, clipping more changes values. None for a float image.
	 */
	static long count(float[] values, int n, PixelType type) {
		int max = switch (type) {
			case UINT8, RGB -> 255;
			case UINT16 -> 65535;
			case FLOAT32 -> -1;
		};
		if (max < 0) return 0;
		long clipped = 0;
		for (int k = 0; k < n; k++) {
			float v = values[k];
			if (Float.isFinite(v) && (v < -0.01f * max || v > 1.01f * max)) clipped++;
		}
		return clipped;
	}

	/**
	 * The note on {@code clipped} values of a result of {@code type} that holds
	 * {@code values} in all; null when none were clipped.
	 */
	static String note(long clipped, PixelType type, double values) {
		if (clipped == 0) return null;
		return clipped + " result value" + (clipped == 1 ? "" : "s") +
			" lay more than 1% beyond the " + (type == PixelType.UINT16 ? "16-bit"
				: "8-bit") + " range and " + (clipped == 1 ? "was" : "were") +
			" clipped to it (" + Numbers.significant(100.0 * clipped / values, 3) +
			"% of the result); --float keeps the model's values";
	}
}
