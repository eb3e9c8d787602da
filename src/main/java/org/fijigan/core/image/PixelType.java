
package org.fijigan.core.image;

/**
 * How the pixels of one plane are stored; matches ImageJ's four types one to
 * one, so an image crosses the ImageJ boundary without a pixel copy.
 * {@link #RGB} stores three 8-bit components packed in an {@code int} and
 * counts as three logical channels.
 */
public enum PixelType {

		UINT8(0, 255), UINT16(0, 65535), FLOAT32(Double.NEGATIVE_INFINITY,
			Double.POSITIVE_INFINITY), RGB(0, 255);

	private final double min;
	private final double max;

	PixelType(double min, double max) {
		this.min = min;
		this.max = max;
	}

	/** Smallest value a pixel of this type can hold ({@code -inf} for float). */
	public double min() {
		return min;
	}

	/** Largest value a pixel of this type can hold ({@code +inf} for float). */
	public double max() {
		return max;
	}

	public boolean isInteger() {
		return this != FLOAT32;
	}

	/** Number of values per stored pixel: 3 for RGB, else 1. */
	public int componentsPerPixel() {
		return this == RGB ? 3 : 1;
	}

	/**
	 * Allocates an empty plane array of this type: byte[], short[], float[] or
	 * int[].
	 */
	public Object newPlane(int pixels) {
		return switch (this) {
			case UINT8 -> new byte[pixels];
			case UINT16 -> new short[pixels];
			case FLOAT32 -> new float[pixels];
			case RGB -> new int[pixels];
		};
	}

	/** The type whose plane arrays are of the class of {@code plane}. */
	public static PixelType ofPlane(Object plane) {
		if (plane instanceof byte[]) return UINT8;
		if (plane instanceof short[]) return UINT16;
		if (plane instanceof float[]) return FLOAT32;
		if (plane instanceof int[]) return RGB;
		throw new IllegalArgumentException("unsupported plane array: " +
			(plane == null ? "null" : plane.getClass().getSimpleName()));
	}
}
