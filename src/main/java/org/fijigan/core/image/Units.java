
package org.fijigan.core.image;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Units of length and time as ImageJ, OME and NIfTI spell them, and the one
 * conversion between them that every reader and writer of a calibration uses:
 * an axis in another unit than the one a format holds is converted, never
 * relabelled.
 */
public final class Units {

	private Units() {}

	/**
	 * Metres in one {@code unit} of length ({@code µm}, {@code um},
	 * {@code micron}, {@code nm}, {@code mm}, {@code cm}, {@code m}, {@code Å},
	 * {@code inch}...), or NaN for a unit that is not a length fiji-gan knows
	 * ({@code pixel}, a blank one).
	 */
	public static double metres(String unit) {
		String u = unit == null ? "" : unit.trim();
		if (u.equals("Å") || u.equals("\u212b")) return 1e-10;
		return switch (u.toLowerCase(Locale.ROOT)) {
			case "km", "kilometer", "kilometre", "kilometers", "kilometres" -> 1e3;
			case "m", "meter", "metre", "meters", "metres" -> 1;
			case "dm" -> 1e-1;
			case "cm", "centimeter", "centimetre", "centimeters", "centimetres" ->
				1e-2;
			case "mm", "millimeter", "millimetre", "millimeters", "millimetres" ->
				1e-3;
			case "µm", "\u03bcm", "um", "micron", "microns", "micrometer",
					"micrometre", "micrometers", "micrometres" -> 1e-6;
			case "nm", "nanometer", "nanometre", "nanometers", "nanometres" -> 1e-9;
			case "pm", "picometer", "picometre" -> 1e-12;
			case "angstrom", "angstroms", "\u00e5ngstr\u00f6m" -> 1e-10;
			case "inch", "inches", "in" -> 0.0254;
			case "ft", "foot", "feet" -> 0.3048;
			default -> Double.NaN;
		};
	}

	/**
	 * Seconds in one {@code unit} of time ({@code sec}, {@code s}, {@code ms},
	 * {@code µs}, {@code ns}, {@code min}, {@code h}...), or NaN for one fiji-gan
	 * does not know.
	 */
	public static double seconds(String unit) {
		String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
		return switch (u) {
			case "s", "sec", "secs", "second", "seconds" -> 1;
			case "ms", "msec", "millisecond", "milliseconds" -> 1e-3;
			case "µs", "\u03bcs", "us", "usec", "microsecond", "microseconds" -> 1e-6;
			case "ns", "nsec", "nanosecond", "nanoseconds" -> 1e-9;
			case "ps", "picosecond", "picoseconds" -> 1e-12;
			case "min", "mins", "minute", "minutes" -> 60;
			case "h", "hr", "hrs", "hour", "hours" -> 3600;
			case "d", "day", "days" -> 86400;
			default -> Double.NaN;
		};
	}

	/**
	 * {@code length} in {@code from} as a length in {@code to}: the same number
	 * where both name the same unit, NaN where either is not a length fiji-gan
	 * knows.
	 */
	public static double length(double length, String from, String to) {
		if (same(from, to)) return length;
		return scaled(length, metres(from), metres(to));
	}

	/**
	 * {@code time} in {@code from} as a time in {@code to}; NaN where either is
	 * not a unit of time fiji-gan knows.
	 */
	public static double time(double time, String from, String to) {
		if (same(from, to)) return time;
		return scaled(time, seconds(from), seconds(to));
	}

	/**
	 * {@code v * from / to} in decimal, so that 300 nm is 0.3 µm, not
	 * 0.30000000000000004.
	 */
	private static double scaled(double v, double from, double to) {
		if (!Double.isFinite(v) || Double.isNaN(from) || Double.isNaN(to))
			return Double.NaN;
		return new BigDecimal(Double.toString(v)).multiply(new BigDecimal(Double
			.toString(from))).divide(new BigDecimal(Double.toString(to)),
				MathContext.DECIMAL64).doubleValue();
	}

	/** Whether two units are spelled the same, ignoring case and blanks. */
	private static boolean same(String a, String b) {
		return a != null && b != null && a.trim().equalsIgnoreCase(b.trim());
	}

	/**
	 * Whether {@code unit} says a pixel has no physical size: ImageJ's
	 * {@code pixel}, {@code pixels} or none.
	 */
	public static boolean isPixel(String unit) {
		String u = unit == null ? "" : unit.trim();
		return u.isEmpty() || u.equalsIgnoreCase("pixel") || u.equalsIgnoreCase(
			"pixels");
	}
}
