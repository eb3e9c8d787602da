
package org.fijigan.core.trust;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;

/**
 * Where an inpainting model filled in: the holes of one mask plane and their
 * boundary, so that an adapter can draw the outline over the result (pixels
 * inside it were invented, not measured).
 *
 * @param holes row-major, {@code width * height}: true where the mask marks a
 *          hole
 * @param boundary true for each hole pixel that has a 4-neighbour outside the
 *          holes or outside the image: the one-pixel inner rim of every hole
 */
public record HoleOutline(int width, int height, boolean[] holes,
		boolean[] boundary) {

	/**
	 * @param mask its first logical channel of plane {@code (z, t)} is read; the
	 *          mask's own channels beyond the first are ignored
	 * @param holeIsNonZero true when non-zero pixels are holes (fiji-gan's
	 *          default), false when zero pixels are; a NaN pixel is neither, as
	 *          inpainting reads it
	 */
	public static HoleOutline of(RasterImage mask, int z, int t,
		boolean holeIsNonZero)
	{
		if (z >= mask.slices() || t >= mask.frames()) throw new GanException(
			"the mask has " + mask.slices() + " slice(s) and " + mask.frames() +
				" frame(s); it has no plane z=" + (z + 1) + " t=" + (t + 1));
		int w = mask.width(), h = mask.height();
		float[] values = Planes.read(mask, 0, z, t);
		boolean[] holes = new boolean[w * h];
		for (int i = 0; i < holes.length; i++)
			holes[i] = !Float.isNaN(values[i]) && (values[i] != 0) == holeIsNonZero;
		boolean[] boundary = new boolean[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int i = y * w + x;
				boundary[i] = holes[i] && (x == 0 || !holes[i - 1] || x == w - 1 ||
					!holes[i + 1] || y == 0 || !holes[i - w] || y == h - 1 || !holes[i +
						w]);
			}
		return new HoleOutline(w, h, holes, boundary);
	}

	public int holePixels() {
		return count(holes);
	}

	/** The boundary pixels as {@code {x, y}} pairs, row by row. */
	public List<int[]> boundaryPixels() {
		List<int[]> points = new ArrayList<>();
		for (int i = 0; i < boundary.length; i++)
			if (boundary[i]) points.add(new int[] { i % width, i / width });
		return points;
	}

	private static int count(boolean[] a) {
		int n = 0;
		for (boolean b : a)
			if (b) n++;
		return n;
	}
}
