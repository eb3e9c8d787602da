
package org.fijigan.core.packaging;

import java.util.Arrays;
import java.util.List;

import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

/**
 * A model package's cover: panels (input | output, or generated samples) with a
 * white line between them, each shown at the size of the largest,
 * nearest-neighbour resampled, and each scaled to 8 bits by its own 1st and
 * 99.8th percentiles (over all its channels together, so colours keep their
 * balance). A panel lower than {@value #MIN_HEIGHT} px is enlarged by the
 * smallest whole factor that reaches it.
 */
final class CoverImage {

	static final int MIN_HEIGHT = 256;
	/** White pixels between panels. */
	static final int GAP = 4;
	static final double LOW_PERCENT = 1, HIGH_PERCENT = 99.8;

	/**
	 * One panel.
	 *
	 * @param channels one plane (grey) or three (red, green, blue) of
	 *          {@code width * height} values
	 */
	record Panel(int width, int height, float[][] channels) {

		Panel {
			if (channels.length != 1 && channels.length != 3)
				throw new IllegalArgumentException("a panel is grey or RGB");
			for (float[] c : channels)
				if (c.length != width * height) throw new IllegalArgumentException(
					"plane size");
		}
	}

	private CoverImage() {}

	/**
	 * The panels in a grid (side by side up to two, else as square a grid as
	 * fits), on white, the canvas widened or heightened to a width:height between
	 * 1:1 and 2:1 as bioimage.io asks of covers: an 8-bit image, or RGB when any
	 * panel has colour.
	 */
	static RasterImage compose(List<Panel> panels) {
		int w = 0, h = 0;
		boolean rgb = false;
		for (Panel p : panels) {
			w = Math.max(w, p.width());
			h = Math.max(h, p.height());
			rgb |= p.channels().length == 3;
		}
		int k = Math.max(1, (MIN_HEIGHT + h - 1) / h);
		int pw = w * k, ph = h * k;
		int cols = panels.size() <= 2 ? panels.size() : (int) Math.ceil(Math.sqrt(
			panels.size()));
		int rows = (panels.size() + cols - 1) / cols;
		int gridW = cols * pw + (cols - 1) * GAP, gridH = rows * ph + (rows - 1) *
			GAP;
		int width = Math.max(gridW, gridH), height = Math.max(gridH, (gridW + 1) /
			2);
		int left0 = (width - gridW) / 2, top0 = (height - gridH) / 2;
		int bands = rgb ? 3 : 1;
		RasterImage cover = RasterImage.allocate(width, height, 1, 1, 1, rgb
			? PixelType.RGB : PixelType.UINT8);
		float[] white = new float[width];
		Arrays.fill(white, 255);
		for (int c = 0; c < bands; c++)
			for (int y = 0; y < height; y++)
				cover.writeRegion(c, 0, 0, 0, y, width, 1, white, 0);
		float[] row = new float[pw];
		for (int i = 0; i < panels.size(); i++) {
			int left = left0 + (i % cols) * (pw + GAP), top = top0 + (i / cols) *
				(ph + GAP);
			Panel p = panels.get(i);
			float[][] scaled = toBytes(p);
			for (int c = 0; c < bands; c++) {
				float[] plane = scaled[Math.min(c, scaled.length - 1)];
				for (int y = 0; y < ph; y++) {
					int sy = (int) ((long) y * p.height() / ph);
					for (int x = 0; x < pw; x++)
						row[x] = plane[sy * p.width() + (int) ((long) x * p.width() / pw)];
					cover.writeRegion(c, 0, 0, left, top + y, pw, 1, row, 0);
				}
			}
		}
		return cover;
	}

	/**
	 * {@code cover} made smaller by {@code factor} (below 1), each pixel the mean
	 * of the pixels it covers, its width:height kept between 1:1 and 2:1; its
	 * title and properties kept.
	 */
	static RasterImage shrunk(RasterImage cover, double factor) {
		int w = cover.width(), h = cover.height();
		int nh = Math.max(1, (int) Math.round(h * factor));
		int nw = Math.min(2 * nh, Math.max(nh, (int) Math.round(w * factor)));
		RasterImage small = RasterImage.allocate(nw, nh, 1, 1, 1, cover.type());
		int bands = cover.type() == PixelType.RGB ? 3 : 1;
		float[] plane = new float[w * h], row = new float[nw];
		for (int c = 0; c < bands; c++) {
			cover.readRegion(c, 0, 0, 0, 0, w, h, plane, 0);
			for (int y = 0; y < nh; y++) {
				int y0 = (int) ((long) y * h / nh), y1 = Math.max(y0 + 1,
					(int) ((long) (y + 1) * h / nh));
				for (int x = 0; x < nw; x++) {
					int x0 = (int) ((long) x * w / nw), x1 = Math.max(x0 + 1,
						(int) ((long) (x + 1) * w / nw));
					double sum = 0;
					for (int sy = y0; sy < y1; sy++)
						for (int sx = x0; sx < x1; sx++)
							sum += plane[sy * w + sx];
					row[x] = (float) Math.round(sum / ((y1 - y0) * (x1 - x0)));
				}
				small.writeRegion(c, 0, 0, 0, y, nw, 1, row, 0);
			}
		}
		small.setTitle(cover.title());
		small.properties().putAll(cover.properties());
		return small;
	}

	/** The panel's values mapped to 0..255 by its percentiles; NaN shows as 0. */
	static float[][] toBytes(Panel p) {
		int n = p.width() * p.height();
		float[] all = new float[n * p.channels().length];
		int count = 0;
		for (float[] c : p.channels())
			for (float v : c)
				if (Float.isFinite(v)) all[count++] = v;
		Arrays.sort(all, 0, count);
		double lo = percentile(all, count, LOW_PERCENT), hi = percentile(all, count,
			HIGH_PERCENT);
		double scale = hi > lo ? 255 / (hi - lo) : 0;
		float[][] out = new float[p.channels().length][n];
		for (int c = 0; c < out.length; c++)
			for (int i = 0; i < n; i++) {
				float v = p.channels()[c][i];
				out[c][i] = !Float.isFinite(v) ? 0 : scale == 0 ? 128 : (float) Math
					.max(0, Math.min(255, (v - lo) * scale));
			}
		return out;
	}

	private static double percentile(float[] sorted, int count, double p) {
		if (count == 0) return 0;
		double pos = p / 100 * (count - 1);
		int lo = (int) Math.floor(pos), hi = Math.min(lo + 1, count - 1);
		return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
	}
}
