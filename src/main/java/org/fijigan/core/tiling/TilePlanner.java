
package org.fijigan.core.tiling;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;

/**
 * Plans tiles for one plane: a pure function of the image size, the model's
 * size constraints, the halo and the requested window size. Tiles are cropped,
 * not blended: when the halo covers the model's receptive field, every kept
 * output pixel saw exactly the input it would have seen untiled, so tiled and
 * untiled results agree to rounding.
 * <p>
 * A window is never padded where it could instead take more real image: windows
 * are shifted inside the image so all share one size. Only an axis shorter than
 * the smallest window the model accepts is padded, by mirroring, at its end.
 */
public final class TilePlanner {

	private TilePlanner() {}

	/**
	 * @param width image width in pixels
	 * @param height image height in pixels
	 * @param xc model constraint along x
	 * @param yc model constraint along y
	 * @param haloPixels context needed on each side of a kept pixel (input
	 *          pixels)
	 * @param windowWidth requested window (model input) width; {@code <= 0} for
	 *          one tile along x
	 * @param windowHeight requested window height; {@code <= 0} for one tile
	 *          along y
	 */
	public static TilePlan plan(int width, int height, AxisConstraint xc,
		AxisConstraint yc, int haloPixels, int windowWidth, int windowHeight)
	{
		if (haloPixels < 0) throw new IllegalArgumentException("halo must be >= 0");
		List<String> notes = new ArrayList<>();
		int halo = haloPixels;
		// A fixed-size model caps the halo: keep at least half of each window for
		// output.
		for (AxisConstraint c : new AxisConstraint[] { xc, yc }) {
			if (c.isFixed() && 2 * halo > c.fixed() / 2) {
				int reduced = c.fixed() / 4;
				notes.add("halo reduced from " + halo + " to " + reduced +
					" px to fit the model's fixed " + c.fixed() +
					" px input; tile seams may show");
				halo = reduced;
			}
		}
		List<AxisTile> xs = planAxis(width, xc, halo, windowWidth, "width");
		List<AxisTile> ys = planAxis(height, yc, halo, windowHeight, "height");
		return new TilePlan(xs, ys, halo, notes);
	}

	/** Plans one axis of length {@code length}. */
	static List<AxisTile> planAxis(int length, AxisConstraint c, int halo,
		int requestedWindow, String axisName)
	{
		int window;
		if (c.isFixed()) window = c.fixed();
		else if (requestedWindow <= 0 || requestedWindow >= length) window = c
			.validSizeAtLeast(length);
		else {
			window = c.validSizeAtMost(requestedWindow);
			if (window < 0) window = c.validSizeAtLeast(1);
		}
		if (window >= length) // one tile, padded at the end if the model needs more
													// pixels
			return List.of(new AxisTile(0, length, window - length, 0, length));
		int inner = window - 2 * halo;
		if (inner < 1) throw new GanException("a tile " + axisName + " of " +
			window + " px leaves no room inside a halo of " + halo +
			" px on each side: use a larger --tile or a smaller --halo");
		// Kept parts are spread evenly (lengths differ by at most one pixel). Edge
		// tiles need no halo
		// against the image border, so fewer than ceil(length / inner) tiles may
		// do: take the smallest
		// count whose windows hold every kept part with its halo. With n =
		// ceil(length / inner) every
		// kept part is at most inner long, so the search always ends.
		int most = ceilDiv(length, inner);
		for (int n = 1; n <= most; n++) {
			List<AxisTile> attempt = spread(length, window, halo, n);
			if (attempt != null) return attempt;
		}
		throw new IllegalStateException("no tiling of " + length +
			" px with window " + window + " and halo " + halo);
	}

	/**
	 * Cuts [0, length) into n kept parts and places a window around each, or null
	 * if one does not fit.
	 */
	private static List<AxisTile> spread(int length, int window, int halo,
		int n)
	{
		List<AxisTile> tiles = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			int keepStart = (int) ((long) length * i / n);
			int keepEnd = (int) ((long) length * (i + 1) / n);
			int needStart = Math.max(0, keepStart - halo);
			int needEnd = Math.min(length, keepEnd + halo);
			if (needEnd - needStart > window) return null;
			int start = Math.max(0, Math.min(needStart, length - window));
			// keep context centred where there is room on both sides
			int slack = window - (needEnd - needStart);
			if (needStart > 0 && needEnd < length) start = Math.max(0, Math.min(
				needStart - slack / 2, length - window));
			if (start > needStart || start + window < needEnd) return null;
			tiles.add(new AxisTile(start, window, 0, keepStart, keepEnd));
		}
		return tiles;
	}

	private static int ceilDiv(int a, int b) {
		return (a + b - 1) / b;
	}
}
