
package org.fijigan.ij1;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.train.FineTuneOutput;
import org.fijigan.core.train.Trainer;

/**
 * The loss curve written beside a fine-tuned model, by the command line and the
 * Fiji command alike: the history as CSV ({@code OUT-loss.csv}) and drawn by
 * {@link LossPlot} as a PNG ({@code OUT-loss.png}).
 */
public final class LossCurve {

	private LossCurve() {}

	/**
	 * The contents of the companions of {@link FineTuneOutput#withLossCurve}, in
	 * their order, for {@link FineTuneOutput#write}.
	 */
	public static List<AtomicFile.Content> contents(List<float[]> history) {
		return List.of(o -> writeCsv(o, Trainer.HISTORY_COLUMNS, history),
			o -> LossPlot.writePng(o, history));
	}

	static void writeCsv(OutputStream out, String[] columns, List<float[]> rows) {
		PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out,
			StandardCharsets.UTF_8));
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
}
