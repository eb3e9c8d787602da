
package org.fijigan.core.image;

import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.text.Numbers;

/**
 * How raw pixel values are mapped to the model's value range, chosen by the
 * user. Each choice resolves, per channel and once per image (never per tile),
 * to an affine map that is reversed on the output. The statistics a channel's
 * map is taken from are the caller's choice: inference takes those of the
 * colour channels of an RGB image fed together to a model jointly, so that all
 * three share one map.
 */
public sealed interface Normalization {

	/**
	 * Percentiles of each channel's values (or of several channels' values
	 * together), over all their slices and frames, map to 0 and 1.
	 */
	record Percentile(double lowPercent, double highPercent)
			implements
				Normalization {

		public Percentile {
			if (!(lowPercent >= 0 && highPercent <= 100 && lowPercent < highPercent))
				throw new GanException(
					"percentiles must satisfy 0 <= low < high <= 100, got " + lowPercent +
						", " + highPercent);
		}
	}

	/**
	 * The pixel type's full range (0-255, 0-65535) maps to 0 and 1; float images
	 * use their min and max.
	 */
	record BitDepthRange() implements Normalization {
	}

	/** A fixed raw range maps to 0 and 1. */
	record FixedRange(double min, double max) implements Normalization {

		public FixedRange {
			if (!(max > min) || !Double.isFinite(max - min)) throw new GanException(
				"fixed range needs finite numbers with max > min (and max - min " +
					"finite), got " + min + ", " + max);
			String why = ValueRange.whyNotMappable(min, max);
			if (why != null) throw new GanException("fixed range " + min + ", " +
				max + " " + why + ": give a range of the image's units");
		}
	}

	/**
	 * Raw values go to the model unchanged, and the model's output comes back
	 * unchanged.
	 */
	record None() implements Normalization {
	}

	Percentile DEFAULT = new Percentile(1, 99.8);

	/**
	 * The user's normalisation, or where there is none the one a bare ONNX model
	 * records ({@link ModelLoader#META_NORMALIZATION}: what fine-tune trained it
	 * with); null when neither says.
	 */
	static Normalization orRecorded(ModelDescriptor d, Normalization user) {
		if (user != null) return user;
		return recorded(d);
	}

	/**
	 * Why the normalisation model {@code d} records
	 * ({@link ModelLoader#META_NORMALIZATION}) is none, so that every run without
	 * {@code --normalize} refuses it, or null (none recorded, or one that is):
	 * for {@code info}, which says so as it does of the other keys.
	 */
	static String recordedProblem(ModelDescriptor d) {
		try {
			recorded(d);
			return null;
		}
		catch (GanException e) {
			return e.getMessage();
		}
	}

	/**
	 * The normalisation model {@code d} records where it uses one (a bare ONNX
	 * model), or null.
	 */
	private static Normalization recorded(ModelDescriptor d) {
		if (!d.outputInInputUnits() || !d.preprocessing().isEmpty() || d
			.graph() == null) return null;
		String v = d.graph().metadata().get(ModelLoader.META_NORMALIZATION);
		if (v == null) return null;
		try {
			return Normalization.parse(v);
		}
		catch (GanException e) {
			throw new GanException("model " + d.name() + " records " +
				ModelLoader.META_NORMALIZATION + " '" + v + "', which is not a " +
				"normalisation (percentile, percentile:LOW,HIGH, range, " +
				"range:MIN,MAX or none): give --normalize", e);
		}
	}

	/**
	 * Parses {@code percentile}, {@code percentile:LOW,HIGH}, {@code range},
	 * {@code range:MIN,MAX} or {@code none}.
	 */
	static Normalization parse(String text) {
		String s = text.trim().toLowerCase(Locale.ROOT);
		String[] parts = s.split(":", 2);
		try {
			switch (parts[0]) {
				case "percentile":
					if (parts.length == 1) return DEFAULT;
					double[] p = pair(parts[1]);
					return new Percentile(p[0], p[1]);
				case "range":
					if (parts.length == 1) return new BitDepthRange();
					double[] r = pair(parts[1]);
					return new FixedRange(r[0], r[1]);
				case "none":
					return new None();
				default:
			}
		}
		catch (NumberFormatException e) {
			// fall through to the message below
		}
		throw new GanException("unknown normalization '" + text +
			"': use percentile, percentile:LOW,HIGH, range, range:MIN,MAX or none");
	}

	private static double[] pair(String s) {
		String[] v = s.split(",");
		if (v.length != 2) throw new NumberFormatException(s);
		return new double[] { Numbers.parseDecimal(v[0].trim()), Numbers
			.parseDecimal(v[1].trim()) };
	}

	/** The text {@link #parse} reads back. */
	default String describe() {
		if (this instanceof Percentile p) return "percentile:" + Numbers.exact(p
			.lowPercent()) + "," + Numbers.exact(p.highPercent());
		if (this instanceof FixedRange r) return "range:" + Numbers.exact(r.min()) +
			"," + Numbers.exact(r.max());
		if (this instanceof BitDepthRange) return "range";
		return "none";
	}
}
