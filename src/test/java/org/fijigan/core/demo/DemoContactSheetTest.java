
package org.fijigan.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.fijigan.core.demo.ContactSheet.Style;
import org.fijigan.core.demo.ContactSheet.Text;
import org.fijigan.core.demo.DemoReport.Group;
import org.fijigan.core.demo.DemoReport.Metric;
import org.fijigan.core.demo.DemoReport.Panel;
import org.fijigan.core.demo.DemoReport.Row;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

/**
 * The contact sheet's geometry, worked out by hand for a small report, and its
 * pixels.
 */
class DemoContactSheetTest {

	/** An 8-bit w x h image whose pixel (x, y) is {@code (x + 10 y) % 256}. */
	static RasterImage ramp(int w, int h) {
		RasterImage image = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		byte[] p = (byte[]) image.plane(0);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = (byte) (x + 10 * y);
		return image;
	}

	static DemoReport report() {
		Row restoration = new Row("denoising", List.of("denoising", "model d"), List
			.of(new Group("", List.of(new Panel("in", ramp(20, 10), 1, List.of("a",
				"b"), false))), new Group("", List.of(new Panel("base", ramp(20, 10), 1,
					List.of("c"), false))), new Group("", List.of(new Panel("gan", ramp(
						20, 10), 1, List.of(), false)))));
		Row generation = new Row("generation", List.of("generation"), List.of(
			new Group("real", List.of(new Panel("r1", ramp(10, 10), 2, List.of(),
				false), new Panel("r2", ramp(10, 10), 2, List.of(), false))), new Group(
					"generated", List.of(new Panel("g1", ramp(10, 10), 2, List.of(
						"SYNTHETIC", "seed 1"), true), new Panel("g2", ramp(10, 10), 2, List
							.of("SYNTHETIC", "seed 2"), true)))));
		return new DemoReport(1, List.of(restoration, generation), List.of(
			new Metric("denoising", "x", 1, 1, "")), List.of(), List.of(), List.of(
				"short note.",
				"This note is long enough that it has to wrap onto a second line"), 0);
	}

	@Test
	void layoutFollowsFromThePanels() {
		ContactSheet s = ContactSheet.layout(report());
		// content: restoration 3 x 20 + 2 gaps = 92; generation 2 x (2 x 20 + 6) +
		// 16 = 108
		assertEquals(16 + 168 + 108 + 16, s.width());
		// title 16..40, headers 40..56 + 18; restoration row 74: titles 74, panels
		// 90..100, captions to
		// 134 (+18); generation row 152: group headers 152, titles 168, panels
		// 184..204, captions to
		// 238 (+18); notes 256, 272, 288; margin
		assertEquals(304 + 16, s.height());

		assertEquals(List.of(184, 220, 256, 184, 210, 246, 272), s.panels().stream()
			.map(ContactSheet.Placed::x).toList());
		assertEquals(List.of(90, 90, 90, 184, 184, 184, 184), s.panels().stream()
			.map(ContactSheet.Placed::y).toList());

		List<Text> t = s.texts();
		assertEquals(new Text(ContactSheet.TITLE, 16, 16, 276, Style.TITLE, false),
			t.get(0));
		assertEquals(List.of(new Text("input", 184, 40, 20, Style.HEADER, true),
			new Text("classical baseline", 220, 40, 20, Style.HEADER, true), new Text(
				"GAN", 256, 40, 20, Style.HEADER, true)), t.subList(1, 4));
		assertEquals(List.of(new Text("denoising", 16, 90, 160, Style.TASK, false),
			new Text("model d", 16, 106, 160, Style.PLAIN, false), new Text("in", 184,
				74, 20, Style.PLAIN, true), new Text("a", 184, 102, 20, Style.CAPTION,
					true), new Text("b", 184, 118, 20, Style.CAPTION, true)), t.subList(4,
						9));
		assertEquals(new Text("real", 184, 152, 46, Style.HEADER, true), find(t,
			"real"));
		assertEquals(new Text("generated", 246, 152, 46, Style.HEADER, true), find(
			t, "generated"));
		assertEquals(new Text("g2", 272, 168, 20, Style.PLAIN, true), find(t,
			"g2"));
		List<Text> marks = t.stream().filter(x -> x.style() == Style.MARK).toList();
		assertEquals(List.of(new Text("SYNTHETIC", 248, 186, 16, Style.MARK, false),
			new Text("SYNTHETIC", 274, 186, 16, Style.MARK, false)), marks);
		assertEquals(new Text("seed 2", 272, 222, 20, Style.CAPTION, true), find(t,
			"seed 2"));
		assertEquals(List.of(new Text("short note.", 16, 256, 276, Style.NOTE,
			false), new Text("This note is long enough that it has to", 16, 272, 276,
				Style.NOTE, false), new Text("wrap onto a second line", 16, 288, 276,
					Style.NOTE, false)), t.subList(t.size() - 3, t.size()));
	}

	@Test
	void pixelsAreThePanelsEnlargedOnWhite() {
		ContactSheet s = ContactSheet.layout(report());
		byte[] p = s.pixels();
		assertEquals(s.width() * s.height(), p.length);
		assertEquals(255, p[0] & 0xff);
		assertEquals(255, p[89 * s.width() + 184] & 0xff); // just above the first
																												// panel
		assertEquals(3 + 10 * 4, p[(90 + 4) * s.width() + 184 + 3] & 0xff);
		assertEquals(255, p[90 * s.width() + 204] & 0xff); // the gap after it
		// the second generated panel, zoom 2: source (3, 4) covers (6..7, 8..9)
		for (int dy = 8; dy <= 9; dy++)
			for (int dx = 6; dx <= 7; dx++)
				assertEquals(3 + 10 * 4, p[(184 + dy) * s.width() + 272 + dx] & 0xff);
		assertEquals(4 + 10 * 4, p[(184 + 8) * s.width() + 272 + 8] & 0xff);
	}

	@Test
	void notesWrapAtSpaces() {
		assertEquals(List.of("ab cd", "efghijk", "l"), ContactSheet.wrap(
			"ab cd efghijk l", 5));
		assertEquals(List.of("one"), ContactSheet.wrap("one", 10));
	}

	@Test
	void csvQuotesWhatNeedsIt() {
		DemoReport r = new DemoReport(1, List.of(), List.of(new Metric("a", "b, c",
			31.234, 0.87654, ""), new Metric("g", "m", Double.NaN, Double.NaN,
				"say \"no\"")), List.of(), List.of(), List.of(), 0);
		assertEquals(
			"task,method,psnr_db,ssim,note\na,\"b, c\",31.23,0.8765,\ng,m,,,\"say \"\"no\"\"\"\n",
			r.toCsv());
		assertThrows(IllegalArgumentException.class,
			() -> new DemoReport.OutputImage("../x.png", ramp(1, 1)));
	}

	private static Text find(List<Text> texts, String text) {
		return texts.stream().filter(x -> x.text().equals(text)).findFirst()
			.orElseThrow();
	}
}
