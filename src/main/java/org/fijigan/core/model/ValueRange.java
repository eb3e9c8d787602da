
package org.fijigan.core.model;

import org.fijigan.core.text.Numbers;
import org.fijigan.core.GanException;

/**
 * The range of values a model expects or produces for a normalised image, e.g.
 * [0,1] or [-1,1].
 */
public record ValueRange(double min, double max) {

	public static final ValueRange ZERO_ONE = new ValueRange(0, 1);
	public static final ValueRange MINUS_ONE_ONE = new ValueRange(-1, 1);
	/** The samples of an 8-bit image, and a uint8 tensor's values. */
	public static final ValueRange ZERO_255 = new ValueRange(0, 255);

	public ValueRange {
		if (!(max > min) || !Double.isFinite(max - min)) throw new GanException(
			"value range needs finite numbers with max > min (and max - min " +
				"finite), got [" + min + ", " + max + "]");
	}

	/** Parses {@code 0,1}, {@code -1,1}, {@code [-1, 1]} or {@code 0..1}. */
	public static ValueRange parse(String text) {
		String s = text.trim().replace("[", "").replace("]", "").replace("..", ",");
		String[] v = s.split(",");
		try {
			if (v.length == 2) return new ValueRange(Double.parseDouble(v[0].trim()),
				Double.parseDouble(v[1].trim()));
		}
		catch (NumberFormatException e) {
			// fall through
		}
		throw new GanException("value range '" + text +
			"' is not of the form MIN,MAX (e.g. -1,1)");
	}

	public double width() {
		return max - min;
	}

	@Override
	public String toString() {
		return "[" + Numbers.exact(min) + ", " + Numbers.exact(max) + "]";
	}
}
