
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

	/**
	 * The fewest distinct 32-bit floats a range must span: an image is mapped
	 * into it and back in 32-bit floats, and the model computes in them too, so a
	 * range of fewer steps returns a few levels, or none (a range of width 1e23
	 * at 1e30 spans about one float, and its result came back as values from
	 * -571904 to 1048894). 4096 leave the 256 levels of an 8-bit result 16 steps
	 * each for the model's rounding.
	 */
	public static final int MIN_FLOAT_STEPS = 4096;

	public ValueRange {
		if (!(max > min) || !Double.isFinite(max - min)) throw new GanException(
			"value range needs finite numbers with max > min (and max - min " +
				"finite), got [" + min + ", " + max + "]");
		String why = whyNotMappable(min, max);
		if (why == null) why = whyTooCoarse(min, max);
		if (why != null) throw new GanException("value range [" + min + ", " + max +
			"] " + why);
	}

	/**
	 * Why the values from {@code min} to {@code max} (finite, {@code max > min})
	 * cannot be mapped to and from in 32-bit floats, as fiji-gan maps an image
	 * into a model's range and its output back, or null when they can. The one
	 * rule for a model's value range (stated with {@code --range}, in its
	 * metadata or descriptor) and for a fixed normalisation range
	 * ({@code --normalize range:MIN,MAX}); a model's range must also pass
	 * {@link #whyTooCoarse}.
	 *
	 * @return a phrase that follows the range in a message, e.g. "is too narrow
	 *         to map in 32-bit floats (...)"
	 */
	public static String whyNotMappable(double min, double max) {
		double width = max - min;
		if (!Float.isFinite((float) width)) return "is too wide to map in 32-bit " +
			"floats (its width " + width + " is beyond " + Float.MAX_VALUE + ")";
		// a span whose inverse is no float turns every value into 0 or infinity
		if (!Float.isFinite((float) (1 / width)) || (float) width == 0)
			return "is too narrow to map in 32-bit floats (its width " + width +
				" has no finite 32-bit inverse)";
		return null;
	}

	/**
	 * Why a model's value range from {@code min} to {@code max} (mappable, see
	 * {@link #whyNotMappable}) spans too few 32-bit floats for a model to compute
	 * in, or null when it spans {@link #MIN_FLOAT_STEPS} or more. Not asked of a
	 * fixed normalisation range: that one is in the image's own units, which hold
	 * no more levels there than the floats do.
	 */
	static String whyTooCoarse(double min, double max) {
		double width = max - min;
		double step = Math.ulp((float) Math.max(Math.abs(min), Math.abs(max)));
		long steps = (long) (width / step);
		if (steps < MIN_FLOAT_STEPS) return "is too narrow for its size to map " +
			"in 32-bit floats (its width " + width + " spans " + steps + " step" +
			(steps == 1 ? "" : "s") + " of a 32-bit float there, fewer than " +
			MIN_FLOAT_STEPS + ")";
		return null;
	}

	/** Parses {@code 0,1}, {@code -1,1}, {@code [-1, 1]} or {@code 0..1}. */
	public static ValueRange parse(String text) {
		String s = text.trim().replace("[", "").replace("]", "").replace("..", ",");
		String[] v = s.split(",");
		try {
			if (v.length == 2) return new ValueRange(Numbers.parseDecimal(v[0]
				.trim()), Numbers.parseDecimal(v[1].trim()));
		}
		catch (NumberFormatException e) {
			// fall through
		}
		throw new GanException("value range '" + text +
			"' is not of the form MIN,MAX (e.g. -1,1)");
	}

	/**
	 * As {@link #parse(String)}, for a range a model states: a refusal names
	 * where, with {@code stated} ("model m.onnx: ONNX metadata
	 * fiji-gan.value_range 0,1e-40") before it and {@code remedy} after it.
	 */
	public static ValueRange parse(String text, String stated, String remedy) {
		try {
			return parse(text);
		}
		catch (GanException e) {
			throw new GanException(stated + ": " + e.getMessage() + remedy, e);
		}
	}

	public double width() {
		return max - min;
	}

	@Override
	public String toString() {
		return "[" + Numbers.exact(min) + ", " + Numbers.exact(max) + "]";
	}
}
