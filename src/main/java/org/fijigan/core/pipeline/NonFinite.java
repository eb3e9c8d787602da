
package org.fijigan.core.pipeline;

import java.util.Locale;

import org.fijigan.core.GanException;

/**
 * What happens to NaN and infinite values a model gives when the result has
 * integer pixels (8 or 16 bits, RGB), which cannot hold them; a 32-bit float
 * result keeps them as they are, whatever this says. The count is reported in
 * every case. The same choice applies to NaN pixels of an inpainting mask,
 * which is neither a hole nor not one.
 */
public enum NonFinite {

		/**
		 * Refuse: the run stops with one line naming the problem and the ways out
		 * (the default).
		 */
		FAIL,
		/**
		 * Write 0 for NaN, +infinity and -infinity; read a NaN mask pixel as 0 (not
		 * a hole).
		 */
		ZERO,
		/**
		 * Clip as any other value out of range: +infinity to the type's maximum,
		 * -infinity to its minimum, NaN to 0; read a NaN mask pixel as 0 (not a
		 * hole).
		 */
		CLIP;

	/**
	 * The word the command line and the Fiji dialogs use: {@code fail},
	 * {@code zero}, {@code clip}.
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static NonFinite parse(String text) {
		for (NonFinite n : values())
			if (n.id().equals(text.trim().toLowerCase(Locale.ROOT))) return n;
		throw new GanException("'" + text +
			"' is not a way to treat NaN and infinite values: use " +
			"fail, zero or clip");
	}

	/**
	 * How {@code count} values were written into an integer result, for a note.
	 */
	String describeMapping(long count, String what) {
		return count + " NaN/infinite " + what + " " + switch (this) {
			case ZERO -> "were written as 0 (nonfinite: zero)";
			case CLIP ->
				"were clipped: +inf to the maximum, -inf to the minimum, NaN to 0 " +
					"(nonfinite: clip)";
			case FAIL -> "were refused";
		};
	}
}
