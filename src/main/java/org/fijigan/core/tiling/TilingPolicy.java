
package org.fijigan.core.tiling;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.fijigan.core.GanException;

/**
 * The auto-tiling policy: which windows and how many tiles per run a plane is
 * processed with, and the smaller plan an out-of-memory retry tries. Pure
 * functions of a {@link TilingRequest} (plane shape, the model's constraints
 * and halo, memory budget, bytes per pixel); the geometry itself is
 * {@link TilePlanner}'s.
 * <ul>
 * <li>Auto windows: a plane that fits the budget runs untiled; otherwise square
 * windows of {@code sqrt(budget / bytesPerPixel)} pixels (at least
 * {@code 2 * halo + 32}), each axis then {@link #balancedWindow balanced}. A
 * model with operations that see the whole image runs untiled while the plane
 * is at most four budgets, and says so in the notes.</li>
 * <li>Batch: as many tiles as the budget holds, at most 16, the model's largest
 * batch and the tile count.</li>
 * <li>Out of memory: windows half as wide, down to {@link #smallestWindow}, the
 * batch never larger than before.</li>
 * </ul>
 */
public final class TilingPolicy {

	/** The most tiles one run takes, however much memory the budget leaves. */
	public static final int MAX_BATCH = 16;

	private TilingPolicy() {}

	/**
	 * A plan with its batch size.
	 *
	 * @param batch tiles per model run
	 * @param notes decisions a user should know about, in the order they were
	 *          taken
	 */
	public record Decision(TilePlan plan, int batch, List<String> notes) {

		public Decision {
			notes = List.copyOf(notes);
		}

		/** The window size as {@code WIDTHxHEIGHT}. */
		public String windowSize() {
			return plan.windowWidth() + "x" + plan.windowHeight();
		}
	}

	/**
	 * Estimated runtime working memory per model-input pixel: float32 feature
	 * maps of the widest convolution, two alive at the input resolution (a
	 * layer's input and output) plus one at the output resolution for
	 * super-resolution. For an RRDB x4 generator this is 4 x 48 x (2 + 16) = 3.5
	 * KB, above the 3.3 KB per input pixel measured as the peak RSS of an untiled
	 * 1024x1024 run, JVM included (bench/README.md); counting three maps at the
	 * output resolution overestimated it 2.8-fold and cut the default windows,
	 * and the speed, for nothing.
	 *
	 * @param featureChannels channels of the widest feature map
	 * @param scale output pixels per input pixel along one axis
	 */
	public static long bytesPerInputPixel(int featureChannels, double scale) {
		double s2 = Math.max(1, scale * scale);
		return (long) (4.0 * featureChannels * (2 + s2));
	}

	/** The plan and batch for {@code r}, with notes on what was decided. */
	public static Decision plan(TilingRequest r) {
		List<String> notes = new ArrayList<>();
		String ops = String.join(", ", r.wholeImageOps());
		int window = r.requestedWindow();
		// what one window over the whole plane computes: with the padding a thin
		// plane needs (a 1 x 10000 line is a 39 x 10000 window at a 19 px halo),
		// not the plane's own pixels; several tiles where the model's input is
		// fixed and smaller than the plane
		TilePlan whole = window == TilingRequest.AUTO_WINDOW || !r.isTileable()
			? wholePlane(r) : null;
		boolean forced = whole != null && !r.isTileable() && whole.tileCount() > 1;
		if (forced) notes.add("tiles change the result (" + ops +
			"), but the model takes only " + whole.windowWidth() + "x" + whole
				.windowHeight() + " px inputs, so the image ran in tiles");
		if (window == TilingRequest.AUTO_WINDOW) {
			long budgetPixels = r.memoryBudgetBytes() / r.bytesPerPixel();
			long planePixels = Math.max((long) r.width() * r.height(), (long) whole
				.windowWidth() * whole.windowHeight());
			if (!r.isTileable()) {
				if (forced) {
					if (planePixels <= 4 * budgetPixels) window =
						TilingRequest.WHOLE_PLANE;
				}
				else if (planePixels <= 4 * budgetPixels) {
					window = TilingRequest.WHOLE_PLANE;
					notes.add("ran untiled: tiles would change the result (" + ops + ")");
				}
				else notes.add(
					"image too large to run untiled; tiles may change the result of " +
						ops);
			}
			if (window == TilingRequest.AUTO_WINDOW) {
				if (planePixels <= budgetPixels) window = TilingRequest.WHOLE_PLANE;
				else window = Math.max(2 * r.haloPixels() + 32, (int) Math.sqrt(
					budgetPixels));
			}
		}
		else if (window > 0 && !r.isTileable() && !forced) notes.add(
			"tiling changes the result of " + ops +
				"; use --tile none for an exact result");
		int ww = window == TilingRequest.WHOLE_PLANE ? 0 : window;
		int wh = ww;
		if (r.requestedWindow() == TilingRequest.AUTO_WINDOW && ww > 0) {
			ww = balancedWindow(r.width(), r.x(), r.y(), r.haloPixels(), ww, true, r
				.strideStep());
			wh = balancedWindow(r.height(), r.x(), r.y(), r.haloPixels(), wh, false, r
				.strideStep());
		}
		// a requested window that keeps less than half of itself inside the halo
		// (on the model's grid) is enlarged to the smallest window: --tile 10 and
		// --tile 17 under a halo of 8 both give 32 px windows, and --tile 16 under
		// a halo of 1 stays
		int halo = Math.max(TilePlanner.alignedHalo(r.haloPixels(), TilePlanner
			.grid(r.x(), r.strideStep())), TilePlanner.alignedHalo(r.haloPixels(),
				TilePlanner.grid(r.y(), r.strideStep())));
		int smallest = smallestWindow(halo);
		boolean tooSmall = r.requestedWindow() > 0 && r.requestedWindow() - 2 *
			halo < Math.max(1, (r.requestedWindow() + 1) / 2) && r
				.requestedWindow() < smallest && (r.requestedWindow() < r.width() || r
					.requestedWindow() < r.height());
		if (tooSmall) { // the nearest window that keeps enough pixels inside the
										// halo
			if (!r.x().isFixed()) ww = Math.max(ww, r.x().validSizeAtLeast(smallest));
			if (!r.y().isFixed()) wh = Math.max(wh, r.y().validSizeAtLeast(smallest));
		}
		TilePlan plan = TilePlanner.plan(r.width(), r.height(), r.x(), r.y(), r
			.haloPixels(), ww, wh, r.strideStep());
		if (tooSmall) {
			int inside = r.requestedWindow() - 2 * halo;
			notes.add("a tile of " + r.requestedWindow() + " px leaves " + (inside < 1
				? "no room" : "only " + inside + " px") + " inside a halo of " +
				(halo == r.haloPixels() ? halo + " px" : r.haloPixels() + " px (" +
					halo + " on the model's stride grid)") + " on each side: used " +
				windowsUsed(r, plan, ww, wh, smallest - 2 * halo));
		}
		notes.addAll(plan.notes());
		if (r.haloPixels() > 0) {
			offGrid(r.width(), r.x(), r.strideStep(), plan.xTiles().size(), "column")
				.ifPresent(notes::add);
			offGrid(r.height(), r.y(), r.strideStep(), plan.yTiles().size(), "row")
				.ifPresent(notes::add);
		}
		if (plan.windowWidth() > r.width() || plan.windowHeight() > r.height())
			notes.add(paddingNote(r, plan));
		return new Decision(plan, batchSize(r, plan), notes);
	}

	/**
	 * What windows a too small --tile gave way to: the smallest that keep
	 * {@code inside} px inside the halo, or, along an axis the model fixes, the
	 * model's own size (which may keep less inside, or nothing), or, along an
	 * axis the smallest ({@code asked} wide or high) would not fit, the whole
	 * image.
	 */
	private static String windowsUsed(TilingRequest r, TilePlan plan,
		int askedWidth, int askedHeight, int inside)
	{
		String size = plan.windowWidth() + "x" + plan.windowHeight() + " px";
		boolean fx = r.x().isFixed(), fy = r.y().isFixed();
		if (fx && fy) return "the model's fixed " + size + " windows";
		boolean wx = !fx && askedWidth > r.width(), wy = !fy && askedHeight > r
			.height();
		String smallest = "the smallest that keep " + inside + " px inside it";
		if (wx && wy) return "one " + size +
			" window, the whole image (no tiles: " +
			"the smallest windows that keep " + inside +
			" px inside them are larger)";
		if (wx || wy) return size + " windows (" + (wx ? "width" : "height") +
			": the whole image; " + (wx ? "height" : "width") + ": " + (fx || fy
				? "the model's fixed one" : smallest) + ")";
		if (fx || fy) return size + " windows (the model's fixed " + (fx ? "width"
			: "height") + "; " + (fx ? "height" : "width") + ": " + smallest + ")";
		return size + " windows, " + smallest;
	}

	/**
	 * A note where tiles cannot be exact at the end of an axis: a strided model
	 * that takes any size there (a downscaler, whose output rounds) sees its own
	 * border untiled, but the last tile is mirrored up to the stride's grid. A
	 * model without a halo is not noted: no pixel it keeps sees a mirrored one (a
	 * x1.5 nearest Resize on the grid of its scale's denominator).
	 */
	private static Optional<String> offGrid(int length, AxisConstraint c,
		int stride, int tiles, String line)
	{
		int grid = TilePlanner.grid(c, stride);
		if (tiles < 2 || grid < 2 || c.isFixed() || c.step() > 1 || length %
			grid == 0) return Optional.empty();
		return Optional.of("the last " + line + " of tiles is mirrored up to the " +
			"model's " + grid + " px stride grid, so its pixels can differ from an " +
			"untiled run's (" + length + " px is not a multiple of " + grid +
			"): use --tile none, or a larger --tile, for the model's own border");
	}

	/**
	 * Why a plane smaller than its window was padded: the model's fixed input, or
	 * the smallest size it takes that holds the plane (which is its smallest
	 * input only when the plane is no larger than that), or the window.
	 */
	private static String paddingNote(TilingRequest r, TilePlan plan) {
		String padded = "image padded by mirroring to " + plan.windowWidth() + "x" +
			plan.windowHeight() + " px";
		if (r.x().isFixed() && r.y().isFixed()) return padded +
			", the model's fixed input size";
		if (plan.windowWidth() != r.x().validSizeAtLeast(r.width()) || plan
			.windowHeight() != r.y().validSizeAtLeast(r.height())) return padded +
				" to fill the tile window";
		String sizes = r.x().equals(r.y()) ? sizes(r.x()) : "width " + sizes(r
			.x()) + ", height " + sizes(r.y());
		return padded + ", the smallest size the model takes that holds it (" +
			sizes + ")";
	}

	/** The sizes an axis takes, in words. */
	private static String sizes(AxisConstraint c) {
		if (c.isFixed()) return c.fixed() + " px";
		if (c.step() == 1) return "at least " + c.min() + " px";
		if (c.min() == c.step()) return "a multiple of " + c.step() + " px";
		return c.min() + " px plus a multiple of " + c.step();
	}

	/**
	 * The plan of one window over the whole plane; for an explicit window, null
	 * where the planner cannot make it (its own plan then says why).
	 */
	private static TilePlan wholePlane(TilingRequest r) {
		try {
			return TilePlanner.plan(r.width(), r.height(), r.x(), r.y(), r
				.haloPixels(), 0, 0, r.strideStep());
		}
		catch (GanException e) {
			if (r.requestedWindow() == TilingRequest.AUTO_WINDOW) throw e;
			return null;
		}
	}

	/**
	 * The smallest window along one axis that needs no more tiles than
	 * {@code window} does. The planner gives every tile of an axis the same
	 * window, so a window sized from the memory budget alone can make two tiles
	 * overlap by almost a whole window (two 341 px windows over 512 px: 1.33x the
	 * pixels to compute per axis); the balanced window (294 px) leaves only the
	 * halos. It is never larger than {@code window}, so the memory budget still
	 * holds.
	 *
	 * @param xAxis whether {@code length} runs along x (constraint {@code xc}) or
	 *          y ({@code yc})
	 */
	public static int balancedWindow(int length, AxisConstraint xc,
		AxisConstraint yc, int halo, int window, boolean xAxis)
	{
		return balancedWindow(length, xc, yc, halo, window, xAxis, 1);
	}

	/**
	 * {@link #balancedWindow(int, AxisConstraint, AxisConstraint, int, int, boolean)}
	 * for a model whose strided layers have a total stride of {@code strideStep}.
	 */
	public static int balancedWindow(int length, AxisConstraint xc,
		AxisConstraint yc, int halo, int window, boolean xAxis, int strideStep)
	{
		if (window >= length) return window;
		int tiles = axisTiles(length, xc, yc, halo, window, xAxis, strideStep);
		if (tiles < 2) return window;
		int from = (length + tiles - 1) / tiles + 2 * halo;
		for (int candidate = from; candidate < window; candidate++)
			if (axisTiles(length, xc, yc, halo, candidate, xAxis,
				strideStep) == tiles) return candidate;
		return window;
	}

	private static int axisTiles(int length, AxisConstraint xc, AxisConstraint yc,
		int halo, int window, boolean xAxis, int strideStep)
	{
		try {
			TilePlan p = xAxis ? TilePlanner.plan(length, 1, xc, yc, halo, window, 0,
				strideStep) : TilePlanner.plan(1, length, xc, yc, halo, 0, window,
					strideStep);
			return xAxis ? p.xTiles().size() : p.yTiles().size();
		}
		catch (GanException e) {
			return Integer.MAX_VALUE; // the halo leaves no room in this window
		}
	}

	/**
	 * Tiles per run: what the budget holds, at most {@link #MAX_BATCH}, the
	 * model's and the plan's.
	 */
	static int batchSize(TilingRequest r, TilePlan plan) {
		long tileBytes = (long) plan.windowWidth() * plan.windowHeight() * r
			.bytesPerPixel();
		long fit = Math.max(1, r.memoryBudgetBytes() / Math.max(1, tileBytes));
		return (int) Math.min(Math.min(r.maxBatch(), plan.tileCount()), Math.min(
			fit, MAX_BATCH));
	}

	/**
	 * The smallest window the out-of-memory fallback tries: twice the halo plus
	 * 16, at least 16 px.
	 */
	public static int smallestWindow(int haloPixels) {
		return Math.max(16, 2 * haloPixels + 16);
	}

	/**
	 * What to try after {@code failed} ran out of memory: windows half as wide
	 * (and high), keeping {@code failed}'s halo, and a batch no larger than
	 * {@code failed}'s; empty when the model's input constraints or
	 * {@link #smallestWindow} leave no smaller window.
	 */
	public static Optional<Decision> smaller(TilingRequest r, Decision failed) {
		TilePlan plan = failed.plan();
		int half = Math.max(plan.windowWidth(), plan.windowHeight()) / 2;
		if (half < smallestWindow(plan.haloPixels())) return Optional.empty();
		TilePlan smaller;
		try {
			smaller = TilePlanner.plan(r.width(), r.height(), r.x(), r.y(), plan
				.haloPixels(), half, half, r.strideStep());
		}
		catch (GanException e) {
			return Optional.empty(); // the halo leaves no room
		}
		boolean shrank = (long) smaller.windowWidth() * smaller
			.windowHeight() < (long) plan.windowWidth() * plan.windowHeight();
		if (!shrank) return Optional.empty();
		return Optional.of(new Decision(smaller, Math.min(failed.batch(), batchSize(
			r, smaller)), List.of()));
	}
}
