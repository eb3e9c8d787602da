
package org.fijigan.core.image;

/**
 * Physical pixel size. {@code pixelWidth} and {@code pixelHeight} are in
 * {@code unit} per pixel; the engine scales them when an image is
 * super-resolved. {@code orientation} is where a NIfTI volume lies in the
 * world, or null: it travels with the image to a NIfTI result.
 */
public record Calibration(double pixelWidth, double pixelHeight,
		double pixelDepth, String unit, NiftiOrientation orientation) {

	public static final Calibration NONE = new Calibration(1, 1, 1, "pixel");

	public Calibration {
		if (!(pixelWidth > 0) || !(pixelHeight > 0) || !(pixelDepth > 0))
			throw new IllegalArgumentException("pixel sizes must be positive");
		if (unit == null || unit.isBlank()) unit = "pixel";
	}

	/** A pixel size without a place in the world. */
	public Calibration(double pixelWidth, double pixelHeight, double pixelDepth,
		String unit)
	{
		this(pixelWidth, pixelHeight, pixelDepth, unit, null);
	}

	/**
	 * The calibration of an image magnified by {@code scale} in x and y (z
	 * unchanged); an uncalibrated image (its unit the pixel) stays uncalibrated,
	 * rather than getting pixels of 1/scale "pixel".
	 */
	public Calibration magnified(double scale) {
		if (unit.equalsIgnoreCase("pixel") || unit.equalsIgnoreCase("pixels"))
			return this;
		return new Calibration(pixelWidth / scale, pixelHeight / scale, pixelDepth,
			unit, orientation == null || scale == 1 ? orientation : orientation
				.magnified(scale, pixelWidth, pixelHeight));
	}
}
