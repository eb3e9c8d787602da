
package org.fijigan.core.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Numbers;

/**
 * A point source of a rendered image, as ground truth for measuring what a
 * restoration does to it. Coordinates are in pixels of the image it was
 * rendered into, pixel {@code (0, 0)} centred at {@code (0, 0)}; the amplitude
 * is in the image's raw units.
 *
 * @param x horizontal position of the centre
 * @param y vertical position of the centre
 * @param sigma the spot's width: the Gaussian's standard deviation, or for an
 *          Airy pattern the standard deviation of the Gaussian that best
 *          approximates its central disc (0.3443 times the radius of the first
 *          dark ring), in pixels
 * @param amplitude the spot's own peak above whatever lies beneath it, raw
 *          units
 * @param airy whether the spot is an Airy pattern rather than a Gaussian
 */
public record PointSource(double x, double y, double sigma, double amplitude,
		boolean airy) {

	/**
	 * The image property that carries an image's point sources ({@link #format}).
	 */
	public static final String PROPERTY = "fiji-gan.point-sources";

	public PointSource {
		if (!(Double.isFinite(x) && Double.isFinite(y) && sigma > 0 && Double
			.isFinite(sigma) && amplitude >= 0 && Double.isFinite(amplitude)))
			throw new GanException("a point source at " + x + ", " + y +
				" needs a positive width and a finite amplitude >= 0");
	}

	/**
	 * The sources as one line of text: {@code x y sigma amplitude g|a} per
	 * source, sources separated by {@code ;}, numbers in plain notation with a
	 * dot.
	 */
	public static String format(List<PointSource> sources) {
		StringBuilder sb = new StringBuilder();
		for (PointSource s : sources) {
			if (sb.length() > 0) sb.append(';');
			sb.append(Numbers.rounded(s.x, 6)).append(' ').append(Numbers.rounded(s.y,
				6)).append(' ').append(Numbers.rounded(s.sigma, 5)).append(' ').append(
					Numbers.rounded(s.amplitude, 6)).append(' ').append(s.airy ? 'a'
						: 'g');
		}
		return sb.toString();
	}

	/**
	 * Reads what {@link #format} wrote.
	 *
	 * @throws GanException naming the first source that does not read, or whose
	 *           numbers are not a source's (NaN, a width of 0, a negative
	 *           amplitude)
	 */
	public static List<PointSource> parse(String text) {
		List<PointSource> out = new ArrayList<>();
		if (text == null || text.isBlank()) return out;
		for (String entry : text.split(";")) {
			String[] f = entry.trim().split("\\s+");
			try {
				if (f.length != 5 || !f[4].matches("[ag]"))
					throw new NumberFormatException();
				out.add(new PointSource(Double.parseDouble(f[0]), Double.parseDouble(
					f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), f[4]
						.equals("a")));
			}
			catch (NumberFormatException | GanException e) {
				throw new GanException("point source " + (out.size() + 1) + " '" + entry
					.trim() + "' is not " +
					"'x y sigma amplitude g|a' (finite numbers, " +
					"sigma > 0, amplitude >= 0)");
			}
		}
		return out;
	}

	/**
	 * The same source moved by {@code (-dx, -dy)}: its position in a crop
	 * starting at (dx, dy).
	 */
	public PointSource shifted(double dx, double dy) {
		return new PointSource(x - dx, y - dy, sigma, amplitude, airy);
	}

	/** The same source with its amplitude times {@code factor}. */
	public PointSource scaled(double factor) {
		return new PointSource(x, y, sigma, amplitude * factor, airy);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT,
			"%s spot at (%.2f, %.2f), sigma %.2f, amplitude %.4g", airy ? "Airy"
				: "Gaussian", x, y, sigma, amplitude);
	}
}
