
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.demo.ContactSheet;
import org.fijigan.core.demo.DemoReport;
import org.fijigan.testing.DemoModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Plugins > GAN > Demo, headless: the contact sheet as an image, the metrics in
 * a results table.
 */
class DemoFijiCommandTest {

	@TempDir
	Path dir;

	@Test
	void showsTheSheetAndTheMetricsAndWritesTheFolderWhenAsked()
		throws Exception
	{
		Path models = DemoModels.write(dir.resolve("models"), "denoise",
			"mri-generator");
		Path out = dir.resolve("out");
		DemoCommand c = new DemoCommand();
		c.seed = 7;
		c.threads = 1;
		c.output = out.toFile();
		DemoModels.withModelsDir(models, () -> {
			c.run();
			return null;
		});

		assertNull(c.errorMessage());
		DemoReport r = c.report();
		assertEquals(List.of("denoising", "generation"), r.rows().stream().map(
			DemoReport.Row::task).toList());
		ImagePlus sheet = c.sheet();
		ContactSheet layout = ContactSheet.layout(r);
		assertEquals(ImagePlus.GRAY8, sheet.getType());
		assertEquals(List.of(layout.width(), layout.height()), List.of(sheet
			.getWidth(), sheet.getHeight()));
		assertEquals(List.of(sheet), ParameterDialog.outputImages(c)); // GanPlugIn
																																		// shows it

		ResultsTable t = c.table();
		assertEquals(r.metrics().size(), t.size());
		assertEquals(List.of("Task", "Method", "PSNR (dB)", "SSIM", "Note"), List
			.of(t.getHeadings()));
		for (int i = 0; i < t.size(); i++) {
			DemoReport.Metric m = r.metrics().get(i);
			assertEquals(m.task(), t.getStringValue("Task", i));
			assertEquals(m.method(), t.getStringValue("Method", i));
			assertEquals(m.psnr(), t.getValue("PSNR (dB)", i), 1e-12);
		}
		assertEquals("super-resolution (sr-x2)", t.getStringValue("Task", 0)); // skipped,
																																						// with
																																						// its
																																						// note
		assertTrue(t.getStringValue("Note", 0).startsWith(
			"skipped: no model named sr-x2"));
		// headless, the metrics are the Results table a macro reads (they were
		// only printed to the Log: nResults was 0)
		int scored = 0;
		while (Double.isNaN(t.getValue("PSNR (dB)", scored)))
			scored++;
		assertEquals(t.size() + " " + t.getStringValue("Method", scored) + " " + IJ
			.d2s(t.getValue("PSNR (dB)", scored), 6), IJ.runMacro("i = " + scored +
				"; return '' + nResults + ' ' + Table.getString('Method', i) + ' ' + " +
				"d2s(getResult('PSNR (dB)', i), 6);"));
		assertTrue(Files.isRegularFile(out.resolve("contact-sheet.png")));
		assertTrue(Files.isRegularFile(out.resolve(
			"mri-generator-sagittal-1-SYNTHETIC.png")));

		c.overwrite = false; // the folder now holds the demo: refused, no sheet
		DemoModels.withModelsDir(models, () -> {
			c.run();
			return null;
		});
		assertTrue(c.errorMessage().endsWith(
			"exists and is not empty; tick Overwrite to write the demo " +
				"into it anyway"), c.errorMessage());
		assertNull(c.sheet());
	}
}
