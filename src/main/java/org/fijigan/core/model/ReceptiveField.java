
package org.fijigan.core.model;

import java.util.List;

/**
 * How much input context one output pixel needs, and how the model scales the
 * image: what a tiler needs to cut an image into overlapping tiles whose
 * stitched result matches a whole-image run.
 *
 * @param haloPixels input pixels of context needed on each side of a tile,
 *          rounded up
 * @param scale output pixels per input pixel along x and y (4.0 for a x4
 *          super-resolution model, 1.0 when the output has the input's size)
 * @param exact false when some operation was not understood and the numbers are
 *          a guess; the notes say which
 * @param notes human-readable remarks on the estimate, in graph order
 */
public record ReceptiveField(int haloPixels, double scale, boolean exact,
		List<String> notes) {

	public ReceptiveField {
		if (haloPixels < 0) throw new IllegalArgumentException("haloPixels < 0: " +
			haloPixels);
		if (!(scale > 0) || Double.isInfinite(scale))
			throw new IllegalArgumentException("scale must be positive: " + scale);
		notes = List.copyOf(notes);
	}

	/**
	 * The halo measured in output pixels ({@code haloPixels * scale}, rounded
	 * up).
	 */
	public int haloOutputPixels() {
		return (int) Math.ceil(haloPixels * scale - 1e-9);
	}
}
