package org.fijigan.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/** Writes a training history as CSV and as a PNG plot (loss and validation loss against step). */
final class LossCurve {
	private LossCurve() {}

	static void writeCsv(OutputStream out, String[] columns, List<float[]> rows) {
		PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
		w.println(String.join(",", columns));
		for (float[] r : rows) {
			StringBuilder sb = new StringBuilder();
			for (int i = 0; i < r.length; i++) {
				if (i > 0) sb.append(',');
				if (i == 0) sb.append((long) r[i]);
				else if (!Float.isNaN(r[i])) sb.append(r[i]);
			}
			w.println(sb);
		}
		w.flush();
	}

	/**
	 * A 640x400 plot: training loss (column 1) as a grey line, validation loss (column 4, where
	 * present) as blue points; y axis logarithmic when the losses span more than a factor of 20.
	 */
	static void writePng(OutputStream out, List<float[]> rows) throws IOException {
		int w = 640, h = 400, left = 70, right = 20, top = 30, bottom = 45;
		BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = img.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, w, h);
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, steps = 1;
		for (float[] r : rows) {
			steps = Math.max(steps, r[0]);
			for (int c : new int[] { 1, 4 })
				if (r.length > c && r[c] > 0 && Float.isFinite(r[c])) {
					min = Math.min(min, r[c]);
					max = Math.max(max, r[c]);
				}
		}
		if (!(max > 0)) {
			min = 1e-3;
			max = 1;
		}
		if (max <= min) max = min * 2;
		boolean log = max / min > 20;
		double lo = log ? Math.log10(min) : 0, hi = log ? Math.log10(max) : max * 1.05;
		g.setColor(Color.BLACK);
		g.drawRect(left, top, w - left - right, h - top - bottom);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		g.drawString("step", w / 2 - 10, h - 10);
		g.drawString("loss" + (log ? " (log)" : ""), 5, top - 10);
		g.drawString("1", left - 4, h - bottom + 15);
		g.drawString(Long.toString((long) steps), w - right - 30, h - bottom + 15);
		g.drawString(fmt(log ? Math.pow(10, hi) : hi), 5, top + 10);
		g.drawString(fmt(log ? Math.pow(10, lo) : lo), 5, h - bottom);
		g.setStroke(new BasicStroke(1.2f));
		int px = -1, py = -1;
		for (float[] r : rows) {
			if (!(r[1] > 0) || !Float.isFinite(r[1])) continue;
			int x = left + (int) Math.round((r[0] - 1) / Math.max(1, steps - 1) * (w - left - right));
			int y = yOf(r[1], log, lo, hi, top, h - bottom);
			g.setColor(Color.GRAY);
			if (px >= 0) g.drawLine(px, py, x, y);
			px = x;
			py = y;
		}
		g.setColor(new Color(30, 90, 200));
		for (float[] r : rows)
			if (r.length > 4 && r[4] > 0 && Float.isFinite(r[4])) {
				int x = left + (int) Math.round((r[0] - 1) / Math.max(1, steps - 1) * (w - left - right));
				int y = yOf(r[4], log, lo, hi, top, h - bottom);
				g.fillOval(x - 3, y - 3, 7, 7);
			}
		g.drawString("validation", w - right - 150, top + 16);
		g.setColor(Color.GRAY);
		g.drawString("training", w - right - 70, top + 16);
		g.dispose();
		ImageIO.write(img, "png", out);
	}

	private static int yOf(double v, boolean log, double lo, double hi, int top, int bottom) {
		double t = ((log ? Math.log10(v) : v) - lo) / (hi - lo);
		return (int) Math.round(bottom - Math.max(0, Math.min(1, t)) * (bottom - top));
	}

	private static String fmt(double v) {
		return String.format(Locale.ROOT, "%.3g", v);
	}
}
