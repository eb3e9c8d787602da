
package org.fijigan.core.train.data;

import java.util.SplittableRandom;

/**
 * Random free-form inpainting holes, in the spirit of DeepFill v2's training
 * masks, added until they cover a fraction of the image drawn uniformly in
 * {@code [minCoverage, maxCoverage]}. Two kinds
 * ({@link Degradation.FreeFormHoles#variedSizes()}):
 * <ul>
 * <li><b>classic</b> ({@code holes:A..B}, what the bundled {@code inpaint}
 * model was trained and evaluated on): thick brush strokes (random walks of
 * 4-11 segments with round ends) and boxes, sized in proportion to the image's
 * shorter side;</li>
 * <li><b>varied</b> ({@code varied-holes:A..B}): brush strokes (2-9 segments),
 * blobs (overlapping discs) and boxes, each shape of its own size drawn
 * log-uniformly from {@value #SMALLEST_SHAPE} pixels (dust, dead pixels,
 * one-pixel scratches) to half the shorter side (labels, large defects).</li>
 * </ul>
 * A shape that would push the coverage above {@code maxCoverage} is rejected
 * and the next ones are drawn smaller; if the coverage still falls short, holes
 * are grown box-wise to the drawn fraction. So the coverage always lies in the
 * range (to the pixel: {@code ceil(min * n) <= holes <=
 * floor(max * n)} for {@code n} pixels, when such a count exists).
 */
public final class FreeFormMask {

	/** The smallest shape size of varied holes, in pixels. */
	static final double SMALLEST_SHAPE = 3;
	/**
	 * The largest shape size of varied holes, as a fraction of the shorter side.
	 */
	static final double LARGEST_SHAPE = 0.5;

	/**
	 * The proportions of one kind of holes, as fractions of a shape's size: a
	 * stroke's segments ({@code minVertices} to {@code minVertices + 7}), its
	 * brush radius and segment length; a box's sides. Each range is
	 * {@code min + span * uniform}.
	 */
	record Proportions(int maxShapes, int minVertices, double radius,
			double radiusSpan, double length, double lengthSpan, double box,
			double boxSpan) {
	}

	static final Proportions CLASSIC = new Proportions(60, 4, 0.02, 0.06, 0.05,
		0.2, 0.1, 0.3);
	static final Proportions VARIED = new Proportions(200, 2, 0.03, 0.07, 0.2,
		0.4, 0.2, 0.6);

	private FreeFormMask() {}

	/**
	 * @return {@code width * height} flags in row-major order, true for a hole
	 */
	public static boolean[] generate(int width, int height, double minCoverage,
		double maxCoverage, SplittableRandom random)
	{
		return generate(width, height, new Degradation.FreeFormHoles(minCoverage,
			maxCoverage), new RandomValues(random));
	}

	static boolean[] generate(int width, int height,
		Degradation.FreeFormHoles spec, RandomValues random)
	{
		int n = width * height;
		int minPixels = (int) Math.ceil(spec.minCoverage() * n - 1e-9);
		int maxPixels = Math.max(minPixels, (int) Math.floor(spec.maxCoverage() *
			n + 1e-9));
		double target = spec.minCoverage() + random.uniform() * (spec
			.maxCoverage() - spec.minCoverage());
		int needed = Math.min(maxPixels, Math.max(minPixels, (int) Math.ceil(
			target * n - 1e-9)));
		boolean[] holes = new boolean[n];
		int count = 0, rejected = 0;
		int side = Math.min(width, height);
		boolean varied = spec.variedSizes();
		Proportions p = varied ? VARIED : CLASSIC;
		double largest = Math.max(1, LARGEST_SHAPE * side);
		for (int shape = 0; shape < p.maxShapes() && count < needed; shape++) {
			double size;
			if (varied) {
				double cap = Math.max(1, largest * Math.pow(0.5, rejected / 4.0));
				size = random.logUniform(new Degradation.Range(Math.min(SMALLEST_SHAPE,
					cap), cap));
			}
			else size = side * Math.pow(0.5, rejected / 4.0);
			boolean[] trial = holes.clone();
			double kind = random.uniform();
			int added = kind < (varied ? 0.5 : 0.7) ? stroke(trial, width, height,
				size, p, random) : varied && kind < 0.75 ? blob(trial, width, height,
					size, random) : box(trial, width, height, size, p, random);
			if (count + added <= maxPixels) {
				holes = trial;
				count += added;
			}
			else rejected++;
		}
		if (count < needed) count = grow(holes, width, height, count, needed,
			random);
		return holes;
	}

	/**
	 * A brush stroke of about {@code size} pixels: a random walk of segments with
	 * a round brush (at least half a pixel in radius: a one-pixel line), in
	 * proportions {@code p}. Returns the pixels it added.
	 */
	static int stroke(boolean[] m, int w, int h, double size, Proportions p,
		RandomValues r)
	{
		int vertices = p.minVertices() + r.nextInt(8);
		double radius = Math.max(0.5, size * (p.radius() + p.radiusSpan() * r
			.uniform()));
		double x = r.uniform() * w, y = r.uniform() * h;
		int added = disc(m, w, h, x, y, radius);
		for (int i = 0; i < vertices; i++) {
			double angle = 2 * Math.PI * r.uniform();
			double length = size * (p.length() + p.lengthSpan() * r.uniform());
			double nx = clamp(x + length * StrictMath.cos(angle), 0, w - 1);
			double ny = clamp(y + length * StrictMath.sin(angle), 0, h - 1);
			int steps = (int) Math.ceil(Math.max(Math.abs(nx - x), Math.abs(ny - y)));
			for (int s = 1; s <= steps; s++)
				added += disc(m, w, h, x + (nx - x) * s / steps, y + (ny - y) * s /
					steps, radius);
			x = nx;
			y = ny;
		}
		return added;
	}

	/**
	 * A blob of about {@code size} pixels across: 3-8 discs of radius 10-30% of
	 * the size, their centres within a third of the size of the blob's centre.
	 * Returns the pixels it added.
	 */
	static int blob(boolean[] m, int w, int h, double size, RandomValues r) {
		int discs = 3 + r.nextInt(6);
		double cx = r.uniform() * w, cy = r.uniform() * h;
		int added = 0;
		for (int i = 0; i < discs; i++) {
			double angle = 2 * Math.PI * r.uniform(), distance = size / 3 * r
				.uniform();
			double radius = Math.max(0.5, size * (0.1 + 0.2 * r.uniform()));
			added += disc(m, w, h, cx + distance * StrictMath.cos(angle), cy +
				distance * StrictMath.sin(angle), radius);
		}
		return added;
	}

	/**
	 * A box with sides in proportions {@code p} of {@code size} (at least a
	 * pixel). Returns the pixels it added.
	 */
	static int box(boolean[] m, int w, int h, double size, Proportions p,
		RandomValues r)
	{
		int bw = Math.max(1, (int) Math.round(size * (p.box() + p.boxSpan() * r
			.uniform())));
		int bh = Math.max(1, (int) Math.round(size * (p.box() + p.boxSpan() * r
			.uniform())));
		bw = Math.min(bw, w);
		bh = Math.min(bh, h);
		int x0 = r.nextInt(w - bw + 1), y0 = r.nextInt(h - bh + 1);
		int added = 0;
		for (int y = y0; y < y0 + bh; y++)
			for (int x = x0; x < x0 + bw; x++)
				if (!m[y * w + x]) {
					m[y * w + x] = true;
					added++;
				}
		return added;
	}

	/** Sets the pixels whose centres lie within {@code radius} of (cx, cy). */
	private static int disc(boolean[] m, int w, int h, double cx, double cy,
		double radius)
	{
		int added = 0;
		int x0 = Math.max(0, (int) Math.floor(cx - radius)), x1 = Math.min(w - 1,
			(int) Math.ceil(cx + radius));
		int y0 = Math.max(0, (int) Math.floor(cy - radius)), y1 = Math.min(h - 1,
			(int) Math.ceil(cy + radius));
		double r2 = radius * radius;
		for (int y = y0; y <= y1; y++)
			for (int x = x0; x <= x1; x++) {
				double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
				if (dx * dx + dy * dy <= r2 && !m[y * w + x]) {
					m[y * w + x] = true;
					added++;
				}
			}
		return added;
	}

	/** Fills random boxes row by row until {@code needed} pixels are holes. */
	private static int grow(boolean[] m, int w, int h, int count, int needed,
		RandomValues r)
	{
		for (int attempt = 0; attempt < 20 && count < needed; attempt++) {
			int s = (int) Math.ceil(Math.sqrt(needed - count)) + 1;
			int bw = Math.min(w, s), bh = Math.min(h, s);
			int x0 = r.nextInt(w - bw + 1), y0 = r.nextInt(h - bh + 1);
			for (int y = y0; y < y0 + bh && count < needed; y++)
				for (int x = x0; x < x0 + bw && count < needed; x++)
					if (!m[y * w + x]) {
						m[y * w + x] = true;
						count++;
					}
		}
		int start = r.nextInt(m.length);
		for (int i = 0; i < m.length && count < needed; i++) {
			int j = (start + i) % m.length;
			if (!m[j]) {
				m[j] = true;
				count++;
			}
		}
		return count;
	}

	private static double clamp(double v, double lo, double hi) {
		return v < lo ? lo : v > hi ? hi : v;
	}

	/** Fraction of true flags. */
	public static double coverage(boolean[] holes) {
		int n = 0;
		for (boolean b : holes)
			if (b) n++;
		return (double) n / holes.length;
	}
}
