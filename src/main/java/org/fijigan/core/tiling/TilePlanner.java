
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
 * A model with strided layers (pooling, a strided convolution) of total stride
 * s computes on a grid of s px cells that starts at its input's first pixel: a
 * window that starts elsewhere pools other pixels together than the untiled run
 * does. So along an axis with a grid of s px (its size step, or the stride of
 * the graph), windows start, and kept parts begin and end, on multiples of s
 * from the image origin, and the halo is rounded up to a multiple of s; the
 * image is mirrored at its end up to a multiple of s, as the untiled run pads
 * it, rather than a last window shifted inward off the grid.
 * <p>
 * A model of a scale that is not whole (x1.5) puts the output of a window that
 * starts on input pixel s at output pixel {@code s * scale}, a whole pixel only
 * where s is a multiple of the scale's denominator ({@link #scaleGrid}): that
 * denominator is part of the grid too ({@link #gridStep}).
 * <p>
 * A window is never padded where it could instead take more real image: windows
 * are shifted inside the (grid-padded) image so all share one size. Only an
 * axis shorter than the smallest window the model accepts, or not a multiple of
 * its grid, is padded, by mirroring, at its end.
 */
public final class TilePlanner {

	private TilePlanner() {}

	/**
	 * {@link #plan(int, int, AxisConstraint, AxisConstraint, int, int, int, int)}
	 * with no stride beyond the constraints' steps.
	 */
	public static TilePlan plan(int width, int height, AxisConstraint xc,
		AxisConstraint yc, int haloPixels, int windowWidth, int windowHeight)
	{
		return plan(width, height, xc, yc, haloPixels, windowWidth, windowHeight,
			1);
	}

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
	 * @param strideStep the total stride of the model's strided layers (1 for
	 *          none), with its scale's denominator ({@link #gridStep}): with the
	 *          step of a size-parameterised axis it sets the grid windows start
	 *          on ({@link #grid})
	 */
	public static TilePlan plan(int width, int height, AxisConstraint xc,
		AxisConstraint yc, int haloPixels, int windowWidth, int windowHeight,
		int strideStep)
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
		List<AxisTile> xs = planAxis(width, xc, halo, windowWidth, "width", grid(xc,
			strideStep));
		List<AxisTile> ys = planAxis(height, yc, halo, windowHeight, "height", grid(
			yc, strideStep));
		// one tile per plane has no seams, and no halo to reduce: nothing to say
		if (xs.size() == 1 && ys.size() == 1) notes.clear();
		return new TilePlan(xs, ys, halo, notes);
	}

	/**
	 * The grid windows start on along an axis, in pixels: the least common
	 * multiple of the model's stride and, for a size-parameterised axis, its step
	 * (a descriptor's {min: 16, step: 16} states a stride of 16 as a graph of
	 * stride 16 does).
	 */
	public static int grid(AxisConstraint c, int strideStep) {
		int s = Math.max(1, strideStep);
		int step = c.isFixed() ? 1 : c.step();
		long lcm = (long) s / gcd(s, step) * step;
		return lcm > 1 << 16 ? s : (int) lcm;
	}

	/**
	 * The grid windows start on for a model of total stride {@code strideStep}
	 * and scale {@code scale}: the least common multiple of the stride and the
	 * scale's {@link #scaleGrid}.
	 */
	public static int gridStep(int strideStep, double scale) {
		int s = Math.max(1, strideStep), q = scaleGrid(scale);
		long lcm = (long) s / gcd(s, q) * q;
		return lcm > 1 << 16 ? s : (int) lcm;
	}

	/**
	 * The input pixels a window must start on a multiple of for its output to
	 * start on a whole output pixel: the denominator of {@code scale} as a
	 * fraction ({@code 2} for x1.5 = 3/2, {@code 4} for x0.75); 1 for a whole
	 * scale, or one that is no fraction of a denominator up to 1,024. A x1.5
	 * model's windows started on odd pixels put their output half a pixel off, so
	 * tiles differed from the untiled run by up to the image's range.
	 */
	public static int scaleGrid(double scale) {
		if (!(scale > 0) || Double.isInfinite(scale)) return 1;
		for (int q = 1; q <= 1024; q++) {
			double p = scale * q;
			if (Math.abs(p - Math.rint(p)) < 1e-9 * Math.max(1, p)) return q;
		}
		return 1;
	}

	/** The halo rounded up to a multiple of {@code grid}. */
	public static int alignedHalo(int halo, int grid) {
		return ceilDiv(halo, grid) * grid;
	}

	/** Plans one axis of length {@code length} with windows on grid 1. */
	static List<AxisTile> planAxis(int length, AxisConstraint c, int halo,
		int requestedWindow, String axisName)
	{
		return planAxis(length, c, halo, requestedWindow, axisName, 1);
	}

	/**
	 * Plans one axis of length {@code length}: windows start, and kept parts
	 * begin and end, on multiples of {@code grid} px.
	 */
	static List<AxisTile> planAxis(int length, AxisConstraint c, int halo,
		int requestedWindow, String axisName, int grid)
	{
		int window;
		if (c.isFixed()) window = c.fixed();
		else if (requestedWindow <= 0 || requestedWindow >= length) window = c
			.validSizeAtLeast(length);
		else {
			window = c.validSizeAtMost(requestedWindow);
			if (window < 0) window = c.validSizeAtLeast(1);
			window = onGrid(window, c, grid);
		}
		if (window >= length) // one tile, padded at the end if the model needs more
													// pixels
			return List.of(new AxisTile(0, length, window - length, 0, length));
		// plan in cells of the grid: the image padded to whole cells, the window's
		// whole cells, the halo rounded up to whole cells
		int cells = ceilDiv(length, grid);
		int windowCells = window / grid;
		int haloCells = ceilDiv(halo, grid);
		int inner = windowCells - 2 * haloCells;
		if (inner < 1) throw new GanException("a tile " + axisName + " of " +
			window + " px leaves no room inside a halo of " + halo +
			" px on each side" + (grid > 1 ? " (" + haloCells * grid +
				" px on the model's " + grid + " px grid)" : "") +
			": use a larger --tile or a smaller --halo");
		// Kept parts are spread evenly (lengths differ by at most one cell). Edge
		// tiles need no halo against the image border, so fewer than
		// ceil(cells / inner) tiles may do: take the smallest count whose windows
		// hold every kept part with its halo. With n = ceil(cells / inner) every
		// kept part is at most inner long, so the search always ends.
		int most = ceilDiv(cells, inner);
		for (int n = 1; n <= most; n++) {
			List<AxisTile> attempt = spread(cells, windowCells, haloCells, n);
			if (attempt != null) {
				List<AxisTile> tiles = new ArrayList<>(n);
				for (AxisTile t : attempt) {
					int start = t.readStart() * grid;
					int read = Math.min(window, length - start);
					tiles.add(new AxisTile(start, read, window - read, t.keepStart() *
						grid, Math.min(length, t.keepEnd() * grid)));
				}
				return tiles;
			}
		}
		throw new IllegalStateException("no tiling of " + length +
			" px with window " + window + " and halo " + halo);
	}

	/**
	 * {@code window} as whole cells of {@code grid} px: rounded down to a
	 * multiple of the grid the model takes (up to the smallest where none is as
	 * large as its smallest input). The plan places windows by whole cells, so a
	 * window of a cell and a bit (17 px on the 2 px grid of a x1.5 model) made
	 * the last one read a mirrored pixel past an image end already on the grid,
	 * where the untiled run reads none: the last output row and column differed.
	 * A window the model cannot take as whole cells (a size-parameterised axis
	 * whose sizes are no multiple of its step) stays as it is.
	 */
	private static int onGrid(int window, AxisConstraint c, int grid) {
		if (grid < 2 || window % grid == 0 || c.min() % c.step() != 0)
			return window;
		int down = window - window % grid;
		int cells = down >= c.min() ? down : ceilDiv(c.min(), grid) * grid;
		return c.accepts(cells) ? cells : window;
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

	private static int gcd(int a, int b) {
		return b == 0 ? a : gcd(b, a % b);
	}
}
