
package org.fijigan.ij1;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.fijigan.core.train.Trainer;

import ij.gui.Plot;

/**
 * The loss curve of a fine-tuning run as an ImageJ {@link Plot}: the training
 * loss as a line, the validation loss (where measured) as blue circles, the y
 * axis logarithmic when the losses span more than a factor of 20. The Fiji
 * command shows it live in a window; the command line writes it as a PNG.
 * Drawing needs no display: {@link Plot#getProcessor()} renders headless.
 */
public final class LossPlot {

	/** The plot's title, also the title of its window in Fiji. */
	public static final String TITLE = "Fine-tune loss";
	/** The size of the PNG, in pixels. */
	public static final int PNG_WIDTH = 640, PNG_HEIGHT = 400;
	/** Columns of a history row (see {@link Trainer#HISTORY_COLUMNS}). */
	private static final int STEP = 0, LOSS = 1, VALIDATION_LOSS = 4;
	/**
	 * Above this ratio of the largest to the smallest loss, the y axis is
	 * logarithmic.
	 */
	private static final double LOG_SPAN = 20;

	private LossPlot() {}

	/**
	 * The plot of {@code history}: one row per step as
	 * {@link Trainer#HISTORY_COLUMNS} (step, loss, ..., validation loss in column
	 * 4); a row of just {step, loss} is a step without validation. Losses that
	 * are not finite are left out, and so are those &le; 0 on a logarithmic axis.
	 */
	public static Plot of(List<float[]> history) {
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (float[] r : history)
			for (int c : new int[] { LOSS, VALIDATION_LOSS })
				if (r.length > c && r[c] > 0 && Float.isFinite(r[c])) {
					min = Math.min(min, r[c]);
					max = Math.max(max, r[c]);
				}
		boolean log = max / min > LOG_SPAN;
		Plot p = new Plot(TITLE, "step", "loss");
		double[][] training = points(history, LOSS, log), validation = points(
			history, VALIDATION_LOSS, log);
		p.setColor(Color.GRAY);
		p.add("line", training[0], training[1]);
		String legend = "training";
		if (validation[0].length > 0) {
			p.setColor(Color.BLUE);
			p.add("circle", validation[0], validation[1]);
			legend += "\nvalidation";
		}
		p.setLegend(legend, Plot.AUTO_POSITION);
		if (log) p.setLogScaleY();
		p.setLimitsToFit(false);
		return p;
	}

	/**
	 * Writes the plot of {@code history} ({@link #of}) as a
	 * {@value #PNG_WIDTH}x{@value #PNG_HEIGHT} PNG.
	 */
	public static void writePng(OutputStream out, List<float[]> history)
		throws IOException
	{
		Plot p = of(history);
		p.setSize(PNG_WIDTH, PNG_HEIGHT);
		if (!ImageIO.write(p.getProcessor().getBufferedImage(), "png", out))
			throw new IOException("no PNG writer");
	}

	/**
	 * Steps and values of column {@code c} where it holds a loss that the axis
	 * can show.
	 */
	private static double[][] points(List<float[]> history, int c, boolean log) {
		int n = 0;
		double[] x = new double[history.size()], y = new double[history.size()];
		for (float[] r : history)
			if (r.length > c && Float.isFinite(r[c]) && (!log || r[c] > 0)) {
				x[n] = r[STEP];
				y[n++] = r[c];
			}
		return new double[][] { Arrays.copyOf(x, n), Arrays.copyOf(y, n) };
	}
}
