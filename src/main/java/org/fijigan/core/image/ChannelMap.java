
package org.fijigan.core.image;

/**
 * A per-channel affine map {@code y = scale[c] * x + offset[c]}, optionally
 * clipped to {@code [clipMin, clipMax]} afterwards. The engine resolves every
 * normalisation to one of these per direction (raw to model, model to raw),
 * once per image.
 */
public record ChannelMap(double[] scale, double[] offset, double clipMin,
		double clipMax) {

	public ChannelMap {
		if (scale.length != offset.length) throw new IllegalArgumentException(
			"scale/offset length");
		scale = scale.clone();
		offset = offset.clone();
	}

	public static ChannelMap identity(int channels) {
		double[] one = new double[channels];
		java.util.Arrays.fill(one, 1);
		return new ChannelMap(one, new double[channels], Double.NEGATIVE_INFINITY,
			Double.POSITIVE_INFINITY);
	}

	public int channels() {
		return scale.length;
	}

	public boolean isIdentity() {
		for (int c = 0; c < scale.length; c++)
			if (scale[c] != 1 || offset[c] != 0) return false;
		return clipMin == Double.NEGATIVE_INFINITY &&
			clipMax == Double.POSITIVE_INFINITY;
	}

	/**
	 * This map followed by {@code next}; the clip of this map is dropped,
	 * {@code next}'s kept.
	 */
	public ChannelMap then(ChannelMap next) {
		double[] s = new double[scale.length], o = new double[scale.length];
		for (int c = 0; c < s.length; c++) {
			int n = next.scale.length == 1 ? 0 : c;
			s[c] = next.scale[n] * scale[c];
			o[c] = next.scale[n] * offset[c] + next.offset[n];
		}
		return new ChannelMap(s, o, next.clipMin, next.clipMax);
	}

	/** This map with a clip to {@code [min, max]}. */
	public ChannelMap clipped(double min, double max) {
		return new ChannelMap(scale, offset, min, max);
	}

	/** Applies the map for channel {@code c} to {@code n} values in place. */
	public void apply(int c, float[] values, int from, int n) {
		float s = (float) scale[c], o = (float) offset[c];
		boolean clip = clipMin != Double.NEGATIVE_INFINITY ||
			clipMax != Double.POSITIVE_INFINITY;
		float lo = (float) clipMin, hi = (float) clipMax;
		if (s == 1 && o == 0 && !clip) return;
		for (int i = from; i < from + n; i++) {
			float v = values[i] * s + o;
			if (clip) v = v < lo ? lo : v > hi ? hi : v;
			values[i] = v;
		}
	}
}
