
package org.fijigan.core.train;

import java.util.Locale;

import org.fijigan.core.GanException;

/** Pixel losses, averaged over all output elements. */
public enum LossKind {

		L1, L2, CHARBONNIER;

	/** Charbonnier's epsilon: {@code sqrt(d^2 + eps^2)}. */
	public static final float CHARBONNIER_EPS = 1e-3f;

	public static LossKind parse(String s) {
		try {
			return valueOf(s.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException e) {
			throw new GanException("unknown loss '" + s +
				"': use l1, l2 or charbonnier");
		}
	}
}
