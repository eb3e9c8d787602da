
package org.fijigan.core.train.data;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;

/**
 * Noise2Void's blind spots in one training patch
 * ({@link Degradation.BlindSpot}). With every draw from the given random
 * stream, in this order:
 * <ol>
 * <li>The patch ({@code H x W}) is cut into cells of {@code g x g} pixels from
 * its top-left corner ({@code g = }{@link Degradation.BlindSpot#cell()}; the
 * last row and column of cells may reach beyond the patch). For each cell, in
 * row-major order, one pixel {@code (y, x)} is drawn uniformly in the whole
 * {@code g x g} cell ({@code y} first, then {@code x}, both always drawn); one
 * outside the patch is dropped, and one inside is hidden, as follows, before
 * the next cell is drawn. So every pixel of the patch is hidden with the same
 * chance, {@code 1/g^2}, as Noise2Void's own sampler gives: a cell the patch
 * cuts is hidden in proportion to its part inside (drawing in that part only
 * hid its pixels up to {@code g} times more often, and more than the fraction
 * in all). A patch that no cell lies wholly in can have every draw fall outside
 * it; as the loss needs one hidden pixel, the cells are then drawn again, in
 * the same way, until one is hidden.</li>
 * <li>Its replacement: the valid offsets {@code (dy, dx)} of the {@code n x n}
 * neighbourhood ({@code |dy|, |dx| <= n / 2}) are listed in row-major order
 * (valid: not {@code (0, 0)}, inside the patch, and not on the pixel's
 * structN2V line); one of them is drawn uniformly, and every channel of
 * {@code (y, x)} takes the value of {@code (y + dy, x + dx)}.</li>
 * <li>With a structN2V line: each other pixel of the line centred on
 * {@code (y, x)}, in order along the axis and inside the patch, takes in every
 * channel the value of a pixel drawn uniformly among the patch's pixels off
 * that line (one draw: its index among them in row-major order), so never the
 * hidden pixel's own value nor another line pixel's.</li>
 * </ol>
 * Replacement values always come from the patch as it was before any pixel was
 * hidden; a later cell's line may cover an earlier cell's hidden pixel, which
 * then takes that line's value (and stays hidden and counted). The loss mask is
 * 1 at the drawn pixels (in every channel) and 0 elsewhere: the line's other
 * pixels are hidden but do not count.
 */
final class BlindSpotMask {

	/**
	 * Passes over the cells before a patch in which no draw falls is refused: one
	 * of at least 1/fraction pixels, as the fraction's check asks, expects about
	 * one hidden pixel or more a pass, and so fails a pass with a chance below
	 * one half.
	 */
	static final int MAX_PASSES = 1000;

	private BlindSpotMask() {}

	/**
	 * Hides pixels of {@code input} in place, reading replacement values from
	 * {@code original} (the same patch, unchanged).
	 *
	 * @return the loss mask: planes of {@code input}'s shape, 1 at the hidden
	 *         pixels
	 * @throws GanException when a pixel has no neighbour to take a value from (a
	 *           patch too small for the neighbourhood and line), or when no draw
	 *           falls in a patch far smaller than a cell
	 */
	static Planes hide(Planes original, Planes input, Degradation.BlindSpot spec,
		RandomValues random)
	{
		if (!original.hasShapeOf(input)) throw new IllegalArgumentException("a " +
			input.shape() + " input for a " + original.shape() + " patch");
		int h = input.height(), w = input.width(), channels = input.channels(), n =
			h * w;
		int g = spec.cell(), r = spec.neighbourhood() / 2;
		Degradation.BlindSpot.Line line = spec.line();
		int half = line == null ? 0 : line.length() / 2;
		float[] from = original.values(), to = input.values();
		Planes mask = Planes.zeros(channels, h, w);
		float[] m = mask.values();
		List<int[]> valid = new ArrayList<>();
		int hidden = 0;
		for (int pass = 0; hidden == 0; pass++) {
			if (pass == MAX_PASSES) throw new GanException("a " + w + "x" + h +
				" patch is too small for blind spots in cells of " + g + "x" + g +
				": none of " + MAX_PASSES + " draws fell in it; use a larger " +
				"--n2v-fraction or --patch");
			for (int cy = 0; cy < h; cy += g)
				for (int cx = 0; cx < w; cx += g) {
					int y = cy + random.nextInt(g);
					int x = cx + random.nextInt(g);
					if (y >= h || x >= w) continue; // beyond the patch: this cell hides
																					// none
					valid.clear();
					for (int dy = Math.max(-r, -y); dy <= Math.min(r, h - 1 - y); dy++)
						for (int dx = Math.max(-r, -x); dx <= Math.min(r, w - 1 -
							x); dx++)
						{
							boolean onLine = line != null && (line.horizontal() ? dy == 0 &&
								Math.abs(dx) <= half : dx == 0 && Math.abs(dy) <= half);
							if ((dy != 0 || dx != 0) && !onLine && y + dy >= 0 && y +
								dy < h && x + dx >= 0 && x + dx < w) valid.add(new int[] { dy,
									dx });
						}
					if (valid.isEmpty()) throw new GanException("a " + w + "x" + h +
						" patch is too small " + "for blind spots with a " + spec
							.neighbourhood() + "x" + spec.neighbourhood() + " neighbourhood" +
						(line == null ? "" : " and a line of " + line.length()) +
						": use a larger --patch");
					int[] d = valid.get(random.nextInt(valid.size()));
					int at = y * w + x, source = (y + d[0]) * w + x + d[1];
					for (int c = 0; c < channels; c++) {
						to[c * n + at] = from[c * n + source];
						m[c * n + at] = 1;
					}
					hidden++;
					if (line == null) continue;
					int[] lineAt = linePixels(line, y, x, h, w);
					for (int p : lineAt) {
						if (p == at) continue;
						int drawn = random.nextInt(n - lineAt.length);
						for (int q : lineAt)
							if (drawn >= q) drawn++; // skips the line, in ascending order
						for (int c = 0; c < channels; c++)
							to[c * n + p] = from[c * n + drawn];
					}
				}
		}
		return mask;
	}

	/**
	 * The row-major indices, ascending, of the pixels of the line centred on
	 * {@code (y, x)} that lie inside an {@code h x w} patch (the centre
	 * included).
	 */
	private static int[] linePixels(Degradation.BlindSpot.Line line, int y, int x,
		int h, int w)
	{
		int half = line.length() / 2;
		int along = line.horizontal() ? x : y, size = line.horizontal() ? w : h;
		int lo = Math.max(0, along - half), hi = Math.min(size - 1, along + half);
		int[] out = new int[hi - lo + 1];
		for (int k = lo; k <= hi; k++)
			out[k - lo] = line.horizontal() ? y * w + k : k * w + x;
		return out;
	}
}
