
package org.fijigan.core.train.data;

import java.util.Locale;

import org.fijigan.core.GanException;

/**
 * Random geometric augmentation of each training sample: none, or one of the
 * eight flips and 90-degree rotations (the dihedral group of the square), drawn
 * uniformly. Input, target and mask of a sample get the same transform. A
 * non-square sample (whole images with {@code --patch 0}) only gets the four
 * transforms that keep its shape (identity, the two mirrors, rotation by 180).
 */
public enum Augmentation {

		NONE("none"), FLIPS("flips");

	/** Number of transforms {@link #transform} knows. */
	public static final int TRANSFORMS = 8;

	private final String id;

	Augmentation(String id) {
		this.id = id;
	}

	public String id() {
		return id;
	}

	/** Parses {@code flips} or {@code none}. */
	public static Augmentation parse(String text) {
		String s = text.trim().toLowerCase(Locale.ROOT);
		for (Augmentation a : values())
			if (a.id.equals(s)) return a;
		throw new GanException("unknown augmentation '" + text +
			"': use flips or none");
	}

	/**
	 * Applies transform {@code k} (0-7) to every plane: first a mirror left-right
	 * when {@code k >= 4}, then {@code k % 4} rotations by 90 degrees
	 * counter-clockwise, as NumPy's
	 * {@code np.rot90(np.fliplr(a) if k >= 4 else a, k % 4)}. For
	 * {@code [[1,2],[3,4]]}, k = 0..7 give {@code [[1,2],[3,4]]},
	 * {@code [[2,4],[1,3]]}, {@code [[4,3],[2,1]]}, {@code [[3,1],[4,2]]},
	 * {@code [[2,1],[4,3]]}, {@code [[1,3],[2,4]]}, {@code [[3,4],[1,2]]},
	 * {@code [[4,2],[3,1]]}.
	 *
	 * @return new planes (height and width swapped for odd rotations); {@code in}
	 *         itself for k = 0
	 */
	public static Planes transform(Planes in, int k) {
		if (k < 0 || k >= TRANSFORMS) throw new IllegalArgumentException(
			"transform " + k);
		if (k == 0) return in;
		int h = in.height(), w = in.width(), rot = k & 3;
		boolean mirror = k >= 4;
		int oh = (rot & 1) == 0 ? h : w, ow = (rot & 1) == 0 ? w : h;
		float[] src = in.values(), dst = new float[src.length];
		int plane = h * w;
		for (int c = 0; c < in.channels(); c++) {
			int base = c * plane, o = base;
			for (int i = 0; i < oh; i++)
				for (int j = 0; j < ow; j++) {
					int y, x;
					switch (rot) {
						case 0 -> {
							y = i;
							x = j;
						}
						case 1 -> {
							y = j;
							x = w - 1 - i;
						}
						case 2 -> {
							y = h - 1 - i;
							x = w - 1 - j;
						}
						default -> {
							y = h - 1 - j;
							x = i;
						}
					}
					if (mirror) x = w - 1 - x;
					dst[o++] = src[base + y * w + x];
				}
		}
		return new Planes(in.channels(), oh, ow, dst);
	}

	/** Whether transform {@code k} keeps a non-square sample's shape. */
	public static boolean keepsShape(int k) {
		return (k & 1) == 0;
	}
}
