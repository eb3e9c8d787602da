
package org.fijigan.core.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fijigan.core.demo.DemoReport.Group;
import org.fijigan.core.demo.DemoReport.Panel;
import org.fijigan.core.demo.DemoReport.Row;

/**
 * The demo's contact sheet as geometry: where each panel goes and where each
 * line of text goes, on a white 8-bit canvas. A pure function of the report;
 * {@link #pixels()} paints the panels, and an adapter draws the text (core has
 * no fonts).
 * <p>
 * Layout, top to bottom: a title line, the column headers
 * ({@link #COLUMN_HEADERS}, centred over the groups of the first row that has
 * one group per header), then the rows, then the notes. A row is a label column
 * on the left ({@link #LABEL_WIDTH} wide) and its groups left to right
 * ({@link #GROUP_GAP} apart; the panels of a group {@link #TILE_GAP} apart): a
 * line of group headers when any group has one, a line of panel titles, the
 * panels (each enlarged by its zoom), and under each panel its captions, one
 * {@link #LINE} each. A synthetic panel gets a SYNTHETIC mark in its top-left
 * corner, drawn on the image.
 *
 * @param width canvas width, pixels
 * @param height canvas height, pixels
 * @param panels where each panel's top-left corner goes
 * @param texts every line of text, in drawing order
 */
public record ContactSheet(int width, int height, List<Placed> panels,
		List<Text> texts) {

	public static final int MARGIN = 16;
	public static final int LABEL_WIDTH = 168;
	public static final int GROUP_GAP = 16;
	public static final int TILE_GAP = 6;
	/** Height of a line of text (header, title, caption, label, note). */
	public static final int LINE = 16;
	/** Height of the sheet's title line. */
	public static final int TITLE_LINE = 24;
	/** Space below the column headers and between rows. */
	public static final int ROW_GAP = 18;
	/** Space between a panel and its first caption. */
	public static final int CAPTION_GAP = 2;
	/**
	 * Pixels per character assumed when the notes are wrapped (12 px sans serif
	 * is narrower).
	 */
	public static final int NOTE_CHAR_WIDTH = 7;
	public static final List<String> COLUMN_HEADERS = List.of("input",
		"classical baseline", "GAN");
	public static final String TITLE =
		"fiji-gan demo: bundled models beside classical baselines";
	public static final String SYNTHETIC_MARK = "SYNTHETIC";

	/** How a line of text is drawn. */
	public enum Style {
			/** The sheet's title: large, bold. */
			TITLE,
			/** Column and group headers: bold. */
			HEADER,
			/** The first line of a row label (the task): bold. */
			TASK,
			/** Other label lines, panel titles. */
			PLAIN,
			/** Lines under a panel: the metrics. */
			CAPTION,
			/** The SYNTHETIC mark on a generated image: bold, light on a dark box. */
			MARK,
			/** The notes at the bottom: small. */
			NOTE
	}

	/** A panel and the canvas position of its top-left corner. */
	public record Placed(Panel panel, int x, int y) {
	}

	/**
	 * One line of text in a box {@code width} pixels wide whose top-left corner
	 * is {@code (x, y)} and whose height is {@link #LINE} ({@link #TITLE_LINE}
	 * for the title).
	 *
	 * @param centred centred in the box, else flush left
	 */
	public record Text(String text, int x, int y, int width, Style style,
			boolean centred) {
	}

	public ContactSheet {
		panels = List.copyOf(panels);
		texts = List.copyOf(texts);
	}

	/** The sheet of {@code report}. */
	public static ContactSheet layout(DemoReport report) {
		int contentLeft = MARGIN + LABEL_WIDTH, contentWidth = 0;
		for (Row r : report.rows())
			contentWidth = Math.max(contentWidth, rowWidth(r));
		int width = contentLeft + contentWidth + MARGIN;
		List<Placed> placed = new ArrayList<>();
		List<Text> texts = new ArrayList<>();
		int y = MARGIN;
		texts.add(new Text(TITLE, MARGIN, y, width - 2 * MARGIN, Style.TITLE,
			false));
		y += TITLE_LINE;
		for (Row r : report.rows())
			if (r.groups().size() == COLUMN_HEADERS.size()) {
				int x = contentLeft;
				for (int g = 0; g < COLUMN_HEADERS.size(); g++) {
					int gw = groupWidth(r.groups().get(g));
					texts.add(new Text(COLUMN_HEADERS.get(g), x, y, gw, Style.HEADER,
						true));
					x += gw + GROUP_GAP;
				}
				break;
			}
		y += LINE + ROW_GAP;
		for (Row r : report.rows()) {
			boolean headers = r.groups().stream().anyMatch(g -> !g.header()
				.isEmpty());
			int top = y + (headers ? LINE : 0), tilesTop = top + LINE;
			for (int i = 0; i < r.label().size(); i++)
				texts.add(new Text(r.label().get(i), MARGIN, tilesTop + i * LINE,
					LABEL_WIDTH - 8, i == 0 ? Style.TASK : Style.PLAIN, false));
			int x = contentLeft, bottom = tilesTop + r.label().size() * LINE;
			for (Group g : r.groups()) {
				int gw = groupWidth(g);
				if (!g.header().isEmpty()) texts.add(new Text(g.header(), x, y, gw,
					Style.HEADER, true));
				for (Panel p : g.panels()) {
					int pw = p.displayWidth(), ph = p.displayHeight();
					texts.add(new Text(p.title(), x, top, pw, Style.PLAIN, true));
					placed.add(new Placed(p, x, tilesTop));
					if (p.synthetic()) texts.add(new Text(SYNTHETIC_MARK, x + 2,
						tilesTop + 2, pw - 4, Style.MARK, false));
					int captionTop = tilesTop + ph + CAPTION_GAP;
					for (int c = 0; c < p.captions().size(); c++)
						texts.add(new Text(p.captions().get(c), x, captionTop + c * LINE,
							pw, Style.CAPTION, true));
					bottom = Math.max(bottom, captionTop + p.captions().size() * LINE);
					x += pw + TILE_GAP;
				}
				x += GROUP_GAP - TILE_GAP;
			}
			y = bottom + ROW_GAP;
		}
		for (String note : report.sheetNotes())
			for (String line : wrap(note, (width - 2 * MARGIN) / NOTE_CHAR_WIDTH)) {
				texts.add(new Text(line, MARGIN, y, width - 2 * MARGIN, Style.NOTE,
					false));
				y += LINE;
			}
		return new ContactSheet(width, y + MARGIN, placed, texts);
	}

	/** The groups of a row side by side. */
	static int rowWidth(Row r) {
		int w = 0;
		for (Group g : r.groups())
			w += groupWidth(g);
		return w + GROUP_GAP * (r.groups().size() - 1);
	}

	/** The panels of a group side by side. */
	static int groupWidth(Group g) {
		int w = 0;
		for (Panel p : g.panels())
			w += p.displayWidth();
		return w + TILE_GAP * (g.panels().size() - 1);
	}

	/**
	 * {@code text} broken at spaces into lines of at most {@code max} characters
	 * (longer words alone).
	 */
	static List<String> wrap(String text, int max) {
		List<String> lines = new ArrayList<>();
		StringBuilder line = new StringBuilder();
		for (String word : text.split(" ")) {
			if (line.length() > 0 && line.length() + 1 + word.length() > max) {
				lines.add(line.toString());
				line.setLength(0);
			}
			if (line.length() > 0) line.append(' ');
			line.append(word);
		}
		if (line.length() > 0) lines.add(line.toString());
		return lines;
	}

	/**
	 * The canvas without text: white ({@code 255}), each panel's pixels enlarged
	 * by its zoom (nearest neighbour). Row-major, {@code width * height} unsigned
	 * bytes.
	 */
	public byte[] pixels() {
		byte[] canvas = new byte[width * height];
		Arrays.fill(canvas, (byte) 255);
		for (Placed p : panels) {
			byte[] src = (byte[]) p.panel().image().plane(0);
			int z = p.panel().zoom(), sw = p.panel().image().width();
			for (int y = 0; y < p.panel().displayHeight(); y++) {
				int row = (p.y() + y) * width + p.x(), srcRow = (y / z) * sw;
				for (int x = 0; x < p.panel().displayWidth(); x++)
					canvas[row + x] = src[srcRow + x / z];
			}
		}
		return canvas;
	}
}
