
package org.fijigan.core.image;

/**
 * Physical pixel size. {@code pixelWidth} and {@code pixelHeight} are in
 * {@code unit} per pixel; the engine scales them when an image is
 * super-resolved.
 */
public record Calibration(double pixelWidth, double pixelHeight,
		double pixelDepth, String unit) {

	public static final Calibration NONE = new Calibration(1, 1, 1, "pixel");

	public Calibration {
		if (!(pixelWidth > 0) || !(pixelHeight > 0) || !(pixelDepth > 0))
			throw new IllegalArgumentException("pixel sizes must be positive");
		if (unit == null || unit.isBlank()) unit = "pixel";
	}

	/**
	 * The calibration of an image magnified by {@code scale} in x and y (z
	 * unchanged).
	 */
	public Calibration magnified(double scale) {
		return new Calibration(pixelWidth / scale, pixelHeight / scale, pixelDepth,
			unit);
	}
}
