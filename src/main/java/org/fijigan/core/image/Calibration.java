
package org.fijigan.core.image;

import org.fijigan.core.text.Numbers;

/**
 * Where an image lies in space and time, as ImageJ calibrates one.
 * {@code pixelWidth}, {@code pixelHeight} and {@code pixelDepth} are in
 * {@code unit}, {@code yUnit} and {@code zUnit} per pixel (the last two are
 * {@code unit} unless an image says otherwise); {@code xOrigin},
 * {@code yOrigin} and {@code zOrigin} are in pixels, as ImageJ holds them: the
 * place of the physical origin in the image. {@code frameInterval} is the time
 * between frames in {@code timeUnit} (0: not known). A non-finite origin is
 * taken as 0, a negative or non-finite interval as 0. {@code orientation} is
 * where a NIfTI volume lies in the world, or null: it travels with the image to
 * a NIfTI result. The engine scales the pixel size and the origin when an image
 * is super-resolved ({@link #magnified}).
 */
public record Calibration(double pixelWidth, double pixelHeight,
		double pixelDepth, String unit, String yUnit, String zUnit, double xOrigin,
		double yOrigin, double zOrigin, double frameInterval, String timeUnit,
		NiftiOrientation orientation) {

	public static final Calibration NONE = new Calibration(1, 1, 1, "pixel");

	/** ImageJ's time unit when an image names none. */
	public static final String SECONDS = "sec";

	public Calibration {
		if (!(pixelWidth > 0) || !(pixelHeight > 0) || !(pixelDepth > 0))
			throw new IllegalArgumentException("pixel sizes must be positive");
		if (unit == null || unit.isBlank()) unit = "pixel";
		if (yUnit == null || yUnit.isBlank()) yUnit = unit;
		if (zUnit == null || zUnit.isBlank()) zUnit = unit;
		// a file's NaN or infinite origin says nothing: the origin is then pixel 0
		if (!Double.isFinite(xOrigin)) xOrigin = 0;
		if (!Double.isFinite(yOrigin)) yOrigin = 0;
		if (!Double.isFinite(zOrigin)) zOrigin = 0;
		if (!(frameInterval >= 0) || frameInterval == Double.POSITIVE_INFINITY)
			frameInterval = 0;
		if (timeUnit == null || timeUnit.isBlank()) timeUnit = SECONDS;
	}

	/** A pixel size without a place in the world. */
	public Calibration(double pixelWidth, double pixelHeight, double pixelDepth,
		String unit)
	{
		this(pixelWidth, pixelHeight, pixelDepth, unit, null);
	}

	/** A pixel size in one unit, at {@code orientation} in the world. */
	public Calibration(double pixelWidth, double pixelHeight, double pixelDepth,
		String unit, NiftiOrientation orientation)
	{
		this(pixelWidth, pixelHeight, pixelDepth, unit, unit, unit, 0, 0, 0, 0,
			SECONDS, orientation);
	}

	/** This calibration with the units of y and z given (null: x's unit). */
	public Calibration withUnits(String yUnit, String zUnit) {
		return new Calibration(pixelWidth, pixelHeight, pixelDepth, unit, yUnit,
			zUnit, xOrigin, yOrigin, zOrigin, frameInterval, timeUnit, orientation);
	}

	/**
	 * This calibration with its origin at pixel ({@code x}, {@code y},
	 * {@code z}).
	 */
	public Calibration withOrigin(double x, double y, double z) {
		return new Calibration(pixelWidth, pixelHeight, pixelDepth, unit, yUnit,
			zUnit, x, y, z, frameInterval, timeUnit, orientation);
	}

	/**
	 * The origin as a note names it ("at pixel 10, 4, 1"), or null when it is
	 * pixel 0, which every file format holds.
	 */
	public String originPlace() {
		if (xOrigin == 0 && yOrigin == 0 && zOrigin == 0) return null;
		return "at pixel " + Numbers.rounded(xOrigin, 6) + ", " + Numbers.rounded(
			yOrigin, 6) + ", " + Numbers.rounded(zOrigin, 6);
	}

	/** This calibration with frames {@code interval} {@code timeUnit} apart. */
	public Calibration withFrameInterval(double interval, String timeUnit) {
		return new Calibration(pixelWidth, pixelHeight, pixelDepth, unit, yUnit,
			zUnit, xOrigin, yOrigin, zOrigin, interval, timeUnit, orientation);
	}

	/**
	 * The calibration of an image magnified by {@code scale} in x and y (z and
	 * time unchanged). The origin, in pixels, is multiplied by the scale, as
	 * ImageJ's Image>Scale does, so that it stays at the same place of the
	 * picture. An uncalibrated image (its unit the pixel, its pixels 1 x 1) keeps
	 * its pixel size, rather than getting pixels of 1/scale "pixel"; a pixel size
	 * other than 1 without a unit (a TIFF whose resolution has no unit, which
	 * ImageJ reads as such a size) is divided like any other, as ImageJ's
	 * Image>Scale divides every calibration it calls scaled. A NIfTI volume's
	 * pixels of 1 x 1 without a unit are its voxel size all the same (its qform
	 * is written with them): with an {@code orientation} they are divided and the
	 * orientation moved, so that the result keeps its place in the world.
	 */
	public Calibration magnified(double scale) {
		if (scale == 1) return this;
		boolean calibrated = orientation != null || !Units.isPixel(unit) ||
			pixelWidth != 1 || pixelHeight != 1;
		return new Calibration(calibrated ? pixelWidth / scale : pixelWidth,
			calibrated ? pixelHeight / scale : pixelHeight, pixelDepth, unit, yUnit,
			zUnit, xOrigin * scale, yOrigin * scale, zOrigin, frameInterval, timeUnit,
			orientation == null ? null : orientation.magnified(scale, pixelWidth,
				pixelHeight));
	}
}
