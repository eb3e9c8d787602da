
package org.fijigan.core.demo;

import java.util.List;
import java.util.Objects;

import org.fijigan.core.image.RasterImage;
import org.fijigan.core.text.Csv;
import org.fijigan.core.text.Numbers;

/**
 * What one demo run made: the contact sheet's rows, the metrics, the files to
 * write and the notes. The lists are immutable; the images are new and belong
 * to the report (nobody changes them).
 *
 * @param seed the seed the run used
 * @param rows one per task that ran, in sheet order
 * @param metrics one per measured method, in row order (a skipped task has one
 *          row saying so)
 * @param files every image to write, by file name
 * @param notes lines for the reader: how the numbers were made, which rows were
 *          skipped and why
 * @param sheetNotes the short form of the notes printed under the contact sheet
 * @param seconds wall time of the run
 */
public record DemoReport(long seed, List<Row> rows, List<Metric> metrics,
		List<OutputImage> files, List<String> notes, List<String> sheetNotes,
		double seconds) {

	public DemoReport {
		rows = List.copyOf(rows);
		metrics = List.copyOf(metrics);
		files = List.copyOf(files);
		notes = List.copyOf(notes);
		sheetNotes = List.copyOf(sheetNotes);
	}

	/**
	 * One task on the sheet.
	 *
	 * @param task the task as the metrics name it, e.g.
	 *          {@code super-resolution x2}
	 * @param label lines shown left of the row, the first one the task
	 * @param groups the row's panels, left to right; a restoration row has three
	 *          groups of one panel (input, classical baseline, GAN)
	 */
	public record Row(String task, List<String> label, List<Group> groups) {

		public Row {
			label = List.copyOf(label);
			groups = List.copyOf(groups);
		}
	}

	/** Panels shown side by side under one header ("" for none). */
	public record Group(String header, List<Panel> panels) {

		public Group {
			Objects.requireNonNull(header);
			panels = List.copyOf(panels);
			if (panels.isEmpty()) throw new IllegalArgumentException(
				"a group needs a panel");
		}
	}

	/**
	 * One image on the sheet.
	 *
	 * @param title the line above it
	 * @param image one 8-bit grey plane
	 * @param zoom whole-number enlargement on the sheet (nearest neighbour)
	 * @param captions lines under it (the metrics)
	 * @param synthetic whether it was generated: the sheet marks it SYNTHETIC
	 */
	public record Panel(String title, RasterImage image, int zoom,
			List<String> captions, boolean synthetic) {

		public Panel {
			Objects.requireNonNull(title);
			captions = List.copyOf(captions);
			if (zoom < 1) throw new IllegalArgumentException(
				"zoom must be at least 1");
			if (image.type() != org.fijigan.core.image.PixelType.UINT8 || image
				.channels() != 1 || image.planeCount() != 1)
				throw new IllegalArgumentException("a panel is one 8-bit grey plane");
		}

		public int displayWidth() {
			return image.width() * zoom;
		}

		public int displayHeight() {
			return image.height() * zoom;
		}
	}

	/**
	 * Quality of one method in one task, against the ground truth, on [0,1]
	 * values (8-bit / 255) with data range 1: the PSNR is the usual 8-bit PSNR.
	 *
	 * @param method e.g. {@code bicubic}, {@code input (noisy)} or
	 *          {@code GAN (sr-x2)}
	 * @param psnr dB; NaN when not measured
	 * @param ssim NaN when not measured
	 * @param note what the reader needs to know about the row, or ""
	 */
	public record Metric(String task, String method, double psnr, double ssim,
			String note) {

		public Metric {
			Objects.requireNonNull(note);
		}
	}

	/**
	 * An image the demo writes.
	 *
	 * @param fileName a plain file name ending in {@code .png}
	 * @param image 8-bit (or RGB), one plane; its {@code fiji-gan.*} properties
	 *          go into the PNG
	 */
	public record OutputImage(String fileName, RasterImage image) {

		public OutputImage {
			if (!fileName.matches("[A-Za-z0-9._-]+\\.png"))
				throw new IllegalArgumentException("not a plain PNG file name: " +
					fileName);
		}
	}

	/** The CSV header of {@link #toCsv()}. */
	public static final String CSV_HEADER = "task,method,psnr_db,ssim,note";

	/**
	 * The metrics as CSV: {@link #CSV_HEADER}, then one line per metric. Numbers
	 * with a dot, PSNR to 2 and SSIM to 4 decimals (as on the sheet); empty where
	 * not measured, {@code inf} for identical images.
	 */
	public String toCsv() {
		StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
		for (Metric m : metrics)
			sb.append(Csv.line(m.task(), m.method(), Numbers.fixed(m.psnr(), 2),
				Numbers.fixed(m.ssim(), 4), m.note()));
		return sb.toString();
	}
}
