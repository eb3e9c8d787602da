
package org.fijigan.core.train.data;

import java.util.Objects;

/**
 * A block of {@code channels} planes of {@code height x width} floats in
 * channel, row, column order (CHW): one sample's input, target or mask. The
 * array is owned by whoever created the record and is not copied.
 */
public record Planes(int channels, int height, int width, float[] values) {

	public Planes {
		if (channels < 1 || height < 1 || width < 1)
			throw new IllegalArgumentException("planes of " + channels + "x" +
				height + "x" + width);
		Objects.requireNonNull(values);
		if (values.length != (long) channels * height * width)
			throw new IllegalArgumentException("expected " + channels * height *
				width + " values, got " + values.length);
	}

	/** Zero-filled planes. */
	public static Planes zeros(int channels, int height, int width) {
		return new Planes(channels, height, width, new float[channels * height *
			width]);
	}

	/** Pixels per plane. */
	public int planeSize() {
		return height * width;
	}

	public float get(int c, int y, int x) {
		return values[(c * height + y) * width + x];
	}

	public void set(int c, int y, int x, float v) {
		values[(c * height + y) * width + x] = v;
	}

	/** Whether {@code other} has the same channels, height and width. */
	public boolean hasShapeOf(Planes other) {
		return channels == other.channels && height == other.height &&
			width == other.width;
	}

	/** {@code channels x height x width}. */
	public String shape() {
		return channels + "x" + height + "x" + width;
	}
}
