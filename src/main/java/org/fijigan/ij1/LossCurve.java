
package org.fijigan.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a training history as CSV; {@link org.fijigan.ij1.LossPlot} draws it
 * as a PNG.
 */
final class LossCurve {

	private LossCurve() {}

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
