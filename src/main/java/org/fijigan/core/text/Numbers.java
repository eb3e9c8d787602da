
package org.fijigan.core.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How fiji-gan writes numbers in messages, notes, reports and files: a few
 * named styles, always with a dot ({@link Locale#ROOT}) whatever the user's
 * locale. Whole numbers (below 10^15 in magnitude) come out as integers in
 * every style but {@link #general} and {@link #fixed}.
 * <ul>
 * <li>{@link #exact}: the shortest text that reads back as the same double:
 * {@code 3}, {@code 0.5}, {@code 99.8}, {@code 1.0E-6}. For values a user typed
 * or a file holds.</li>
 * <li>{@link #significant}: {@code digits} significant digits as printf's
 * {@code %g} writes them: {@code 2}, {@code 0.5000}, {@code 1.235e+05}. For
 * measured values in messages.</li>
 * <li>{@link #rounded}: {@code digits} significant digits in plain notation,
 * trailing zeros dropped: {@code 0.5}, {@code 0.0001235}. For settings drawn at
 * random.</li>
 * <li>{@link #compact}: six significant digits, trailing zeros dropped,
 * {@code inf} for infinity and nothing for NaN: the tables and CSV files of the
 * evaluation.</li>
 * <li>{@link #fixed}: a fixed number of decimals, {@code inf} for infinity and
 * nothing for NaN: PSNR and SSIM on the demo's sheet and in its CSV.</li>
 * <li>{@link #general}: printf's {@code %g} as it is, wholes included
 * ({@code 2.00}): axis labels.</li>
 * <li>{@link #bytes}: a size in B, KiB, MiB, GiB or TiB with one decimal:
 * memory and disk in messages.</li>
 * </ul>
 */
public final class Numbers {

	/** Whole numbers below this magnitude are written as integers. */
	private static final double LARGEST_WHOLE = 1e15;

	private Numbers() {}

	private static boolean isWhole(double v) {
		return v == Math.rint(v) && Math.abs(v) < LARGEST_WHOLE;
	}

	/**
	 * {@code v} as an integer when whole, else as {@link Double#toString}: it
	 * reads back exactly.
	 */
	public static String exact(double v) {
		return isWhole(v) ? Long.toString((long) v) : Double.toString(v);
	}

	/**
	 * {@code v} as an integer when whole, else with {@code digits} significant
	 * digits ({@code %g}).
	 */
	public static String significant(double v, int digits) {
		return isWhole(v) ? Long.toString((long) v) : general(v, digits);
	}

	/**
	 * {@code v} as an integer when whole, else rounded to {@code digits}
	 * significant digits in plain notation without trailing zeros; NaN and
	 * infinities as {@link Double#toString}.
	 */
	public static String rounded(double v, int digits) {
		if (isWhole(v)) return Long.toString((long) v);
		if (!Double.isFinite(v)) return Double.toString(v);
		return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros()
			.toPlainString();
	}

	/**
	 * {@code v} with up to six significant digits, trailing zeros dropped
	 * (exponent form kept as {@code %g} gives it); {@code inf} or {@code -inf}
	 * for infinities, the empty string for NaN.
	 */
	public static String compact(double v) {
		if (Double.isNaN(v)) return "";
		if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
		if (v == 0) return "0";
		String s = String.format(Locale.ROOT, "%.6g", v);
		if (s.contains("e")) return s;
		if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
		return s;
	}

	/**
	 * {@code v} with {@code decimals} decimals; {@code inf} or {@code -inf}, the
	 * empty string for NaN.
	 */
	public static String fixed(double v, int decimals) {
		if (Double.isNaN(v)) return "";
		if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
		return String.format(Locale.ROOT, "%." + decimals + "f", v);
	}

	/** printf's {@code %.<digits>g} of {@code v}, in {@link Locale#ROOT}. */
	public static String general(double v, int digits) {
		return String.format(Locale.ROOT, "%." + digits + "g", v);
	}

	/**
	 * {@code bytes} in B, KiB, MiB, GiB or TiB, one decimal: {@code 512 B},
	 * {@code 1.5 GiB}.
	 */
	public static String bytes(long bytes) {
		if (bytes < 1024) return bytes + " B";
		String[] units = { "KiB", "MiB", "GiB", "TiB" };
		double v = bytes;
		int u = -1;
		while (v >= 1024 && u < units.length - 1) {
			v /= 1024;
			u++;
		}
		return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
	}

	/**
	 * A plain decimal number: sign, digits, point, exponent; or
	 * {@code [+-]Infinity} and {@code NaN}, which the caller's own checks judge.
	 */
	private static final Pattern DECIMAL = Pattern.compile(
		"[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?Infinity|NaN");

	/**
	 * {@code text} as a plain decimal number ({@link #DECIMAL}), as Python's
	 * {@code float} and bioimage.io read one: not Java's other forms, which
	 * {@link Double#parseDouble} also takes ({@code 2d}, {@code 1f},
	 * {@code 0x1p4}).
	 *
	 * @throws NumberFormatException for anything else
	 */
	public static double parseDecimal(String text) {
		if (!DECIMAL.matcher(text).matches()) throw new NumberFormatException(
			"not a decimal number: " + text);
		return Double.parseDouble(text);
	}

	/**
	 * {@code text} (blanks and NUL padding around it ignored) as a finite number,
	 * or {@code otherwise} when it is null, not a number or not finite: for
	 * numbers in file headers, where a missing or odd value means the default.
	 */
	public static double parseOr(String text, double otherwise) {
		if (text == null) return otherwise;
		try {
			double v = Double.parseDouble(text.replace("\0", "").trim());
			return Double.isFinite(v) ? v : otherwise;
		}
		catch (NumberFormatException e) {
			return otherwise;
		}
	}
}
