
package org.fijigan.core.dataset;

/**
 * Resampling by area averaging: output pixel {@code (x, y)} covers the source
 * rectangle
 * {@code [x * w / outW, (x + 1) * w / outW) x [y * h / outH, (y + 1) * h / outH)}
 * and is the mean of the source pixels weighted by how much of each it covers
 * (OpenCV's {@code INTER_AREA} and PIL's {@code BOX} filter when shrinking). A
 * factor of 2 averages 2x2 blocks exactly. Separable: rows first, then columns,
 * in double precision.
 */
public final class AreaResize {

	private AreaResize() {}

	/**
	 * The size that fits {@code width x height} within {@code maxSide} pixels on
	 * its longer side, keeping the aspect ratio (the shorter side rounded, at
	 * least 1). Never larger than the input.
	 *
	 * @return {@code {width, height}}
	 */
	public static int[] fitWithin(int width, int height, int maxSide) {
		if (maxSide < 1) throw new IllegalArgumentException(
			"the longer side must be at least 1 pixel");
		int longer = Math.max(width, height);
		if (longer <= maxSide) return new int[] { width, height };
		double s = (double) maxSide / longer;
		if (width >= height) return new int[] { maxSide, Math.max(1, (int) Math
			.round(height * s)) };
		return new int[] { Math.max(1, (int) Math.round(width * s)), maxSide };
	}

	/**
	 * A new image of {@code outWidth x outHeight}; the input itself when the size
	 * is the same.
	 */
	public static GrayImage resize(GrayImage in, int outWidth, int outHeight) {
		if (outWidth < 1 || outHeight < 1) throw new IllegalArgumentException(
			"cannot resize to " + outWidth + "x" + outHeight);
		int w = in.width(), h = in.height();
		if (w == outWidth && h == outHeight) return in;
		Weights across = Weights.of(w, outWidth), down = Weights.of(h, outHeight);
		double[] rows = new double[outWidth * h]; // each source row resampled to
																							// the new width
		float[] p = in.pixels();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < outWidth; x++) {
				double sum = 0;
				for (int k = across.start[x]; k < across.start[x + 1]; k++)
					sum += across.weight[k] * p[y * w + across.index[k]];
				rows[y * outWidth + x] = sum;
			}
		float[] out = new float[outWidth * outHeight];
		for (int y = 0; y < outHeight; y++)
			for (int x = 0; x < outWidth; x++) {
				double sum = 0;
				for (int k = down.start[y]; k < down.start[y + 1]; k++)
					sum += down.weight[k] * rows[down.index[k] * outWidth + x];
				out[y * outWidth + x] = (float) sum;
			}
		return new GrayImage(outWidth, outHeight, out);
	}

	/**
	 * For each output index {@code o}, the source indices
	 * {@code index[start[o] .. start[o+1])} and their weights (the covered
	 * fraction of each source pixel over the output pixel's width; they sum to
	 * 1).
	 */
	private record Weights(int[] start, int[] index, double[] weight) {

		static Weights of(int in, int out) {
			double step = (double) in / out;
			int[] start = new int[out + 1];
			int[] index = new int[in + 2 * out];
			double[] weight = new double[index.length];
			int k = 0;
			for (int o = 0; o < out; o++) {
				start[o] = k;
				double a = (double) o * in / out, b = (double) (o + 1) * in / out;
				int first = (int) Math.floor(a), last = Math.min(in - 1, (int) Math
					.ceil(b) - 1);
				for (int i = first; i <= last; i++) {
					double cover = Math.min(i + 1, b) - Math.max(i, a);
					if (cover <= 0) continue;
					index[k] = i;
					weight[k++] = cover / step;
				}
			}
			start[out] = k;
			return new Weights(start, index, weight);
		}
	}
}
