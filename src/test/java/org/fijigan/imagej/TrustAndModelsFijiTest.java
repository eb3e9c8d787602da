
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.ij1.ImagePlusConverter;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * Show What The GAN Changed and Manage Models, headless, as a macro or a script
 * drives them.
 */
class TrustAndModelsFijiTest {

	@TempDir
	Path dir;

	static ImagePlus input() {
		return new ImagePlus("in", new ByteProcessor(3, 2, new byte[] { 10, 20, 30,
			40, 50, (byte) 250 }));
	}

	static ShowChangesCommand show(ImagePlus result, ImagePlus original,
		String what)
	{
		ShowChangesCommand c = new ShowChangesCommand();
		c.image = result;
		c.originalImage = original;
		c.show = what;
		return c;
	}

	@Test
	void autoShowsTheConsistencyMapOfASuperResolutionResult() {
		float[] sr = new float[24];
		byte[] in = (byte[]) input().getProcessor().getPixels();
		for (int i = 0; i < sr.length; i++)
			sr[i] = in[(i / 6 / 2) * 3 + (i % 6) / 2] & 0xff;
		sr[2] += 8;
		ImagePlus result = new ImagePlus("sr", new FloatProcessor(6, 4, sr));
		result.setProp("fiji-gan.task", "super-resolution");
		ShowChangesCommand c = show(result, input(), "auto");
		c.run();
		assertNull(c.errorMessage());
		assertArrayEquals(new float[] { 0, 2, 0, 0, 0, 0 }, (float[]) c.output
			.getProcessor().getPixels());
		assertTrue(c.score.startsWith("scale 2: PSNR "), c.score);
		assertEquals(28f, result.getProcessor().getf(2)); // the result is untouched
	}

	@Test
	void residualOfADenoisedImage() {
		ImagePlus result = new ImagePlus("dn", new FloatProcessor(3, 2,
			new float[] { 9, 20, 30, 40, 51, 250 }));
		result.setProp("fiji-gan.task", "denoise");
		ShowChangesCommand c = show(result, input(), "auto");
		c.run();
		assertNull(c.errorMessage());
		assertArrayEquals(new float[] { 1, 0, 0, 0, -1, 0 }, (float[]) c.output
			.getProcessor().getPixels());
	}

	@Test
	void theHoleOutlineBecomesAnOverlayOnTheResult() {
		ImagePlus original = new ImagePlus("orig", new ByteProcessor(6, 5));
		original.setRoi(new Roi(1, 1, 4, 3));
		ImagePlus result = new ImagePlus("filled", new ByteProcessor(6, 5));
		result.setProp("fiji-gan.task", "inpaint");
		ShowChangesCommand c = show(result, original, "auto");
		c.run();
		assertNull(c.errorMessage());
		assertNull(c.output);
		Overlay overlay = result.getOverlay();
		assertEquals(1, overlay.size());
		assertEquals(new Rectangle(1, 1, 4, 3), overlay.get(0).getBounds());
		assertEquals("fiji-gan hole outline", overlay.get(0).getName());
		assertEquals(12, overlay.get(0).getContainedPoints().length);
	}

	@Test
	void aMaskImageIsOutlinedAsInpaintReadsIt() {
		// a green-painted RGB hole and a NaN pixel of a 32-bit mask: the mask
		// image is read as Inpaint reads it, the RGB pixel a hole where it is not
		// black, the NaN no hole (Inpaint refuses it, or fills nothing there)
		int[] rgb = new int[6 * 5];
		for (int y = 1; y < 4; y++)
			for (int x = 1; x < 5; x++)
				rgb[y * 6 + x] = 0x00ff00;
		ImagePlus green = new ImagePlus("green mask", new ij.process.ColorProcessor(
			6, 5, rgb));
		FloatProcessor fp = new FloatProcessor(6, 5);
		fp.setf(0, 0, Float.NaN);
		fp.setf(4, 3, 1);
		ImagePlus nan = new ImagePlus("nan mask", fp);
		ij.macro.Interpreter.batchMode = true;
		ij.macro.Interpreter.addBatchModeImage(green);
		ij.macro.Interpreter.addBatchModeImage(nan);
		try {
			ImagePlus result = new ImagePlus("filled", new ByteProcessor(6, 5));
			result.setProp("fiji-gan.task", "inpaint");
			ShowChangesCommand c = show(result, null, "outline");
			c.mask = "green mask";
			c.run();
			assertNull(c.errorMessage());
			assertEquals(new Rectangle(1, 1, 4, 3), result.getOverlay().get(0)
				.getBounds());

			ImagePlus other = new ImagePlus("filled 2", new ByteProcessor(6, 5));
			other.setProp("fiji-gan.task", "inpaint");
			c = show(other, null, "outline");
			c.mask = "nan mask";
			c.run();
			assertNull(c.errorMessage());
			assertEquals(1, other.getOverlay().size());
			assertEquals(new Rectangle(4, 3, 1, 1), other.getOverlay().get(0)
				.getBounds());
		}
		finally {
			ij.macro.Interpreter.removeBatchModeImage(green);
			ij.macro.Interpreter.removeBatchModeImage(nan);
			ij.macro.Interpreter.batchMode = false;
		}
	}

	@Test
	void provenanceBecomesAResultsTable() {
		RasterImage r = RasterImage.allocate(2, 2, 1, 2, 1, PixelType.UINT8);
		var p = r.properties();
		p.put("fiji-gan.synthetic", "SYNTHETIC");
		p.put("fiji-gan.task", "generate");
		p.put("fiji-gan.model", "gan");
		p.put("fiji-gan.model.sha256", "ab".repeat(32));
		p.put("fiji-gan.slice.1.label",
			"SYNTHETIC seed=3 model=gan sha256=abababababab");
		p.put("fiji-gan.slice.2.label",
			"SYNTHETIC seed=4 model=gan sha256=abababababab");
		ShowChangesCommand c = show(ImagePlusConverter.toImagePlus(r), null,
			"auto");
		c.run();
		assertNull(c.errorMessage());
		ResultsTable t = c.table;
		assertEquals(2, t.size());
		assertEquals("gan", t.getStringValue("Model", 1));
		assertEquals("ab".repeat(32), t.getStringValue("SHA-256", 0));
		assertEquals("4", t.getStringValue("Seed", 1));
		assertEquals(2, (int) t.getValue("Slice", 1));
		// headless, the table is the Results table a macro reads (it was only
		// printed to the Log: nResults was 0)
		assertEquals("2 4 gan", ij.IJ.runMacro(
			"return '' + nResults + ' ' + getResultString('Seed', 1) + ' ' + " +
				"getResultString('Model', 0);"));
	}

	@Test
	void macroOptionsAndDialogChoices() {
		ShowChangesCommand c = new ShowChangesCommand();
		ParameterDialog.readOptions(c, ParameterDialog.items(
			ShowChangesCommand.class),
			"original=none show=residual mask=[roi manager]");
		assertEquals("none", c.original);
		assertEquals("residual", c.show);
		assertEquals("roi manager", c.mask);
		List<ParameterDialog.Item> items = DialogChoices.apply(c, ParameterDialog
			.items(ShowChangesCommand.class));
		assertEquals("none", items.get(0).choices()[0]);
		assertEquals(List.of("selection", "roi manager"), Arrays.asList(items.get(2)
			.choices()).subList(0, 2));
		assertEquals(5, items.get(1).choices().length);

		ShowChangesCommand noOriginal = show(new ImagePlus("x", new ByteProcessor(2,
			2)), null, "residual");
		noOriginal.run();
		assertEquals("choose the original image (the one the model was given)",
			noOriginal.errorMessage());
	}

	@Test
	void theOriginalIsTheImageOfTheTitleAsWrittenAndASharedTitleIsRefused() {
		// 'Cells' (all 7) opened before 'cells' (the input): the title was matched
		// ignoring capitals, and the residual taken against 'Cells'
		ImagePlus upper = new ImagePlus("Cells", new FloatProcessor(3, 2,
			new float[] { 7, 7, 7, 7, 7, 7 }));
		ImagePlus lower = new ImagePlus("cells", new FloatProcessor(3, 2,
			new float[] { 10, 20, 30, 40, 50, 250 }));
		ImagePlus again = new ImagePlus("cells", new ByteProcessor(3, 2));
		ImagePlus result = new ImagePlus("dn", new FloatProcessor(3, 2,
			new float[] { 9, 20, 30, 40, 51, 250 }));
		ij.macro.Interpreter.batchMode = true;
		ij.macro.Interpreter.addBatchModeImage(upper);
		ij.macro.Interpreter.addBatchModeImage(lower);
		try {
			ShowChangesCommand c = show(result, null, "residual");
			ParameterDialog.readOptions(c, ParameterDialog.dialogItems(c),
				"original=cells show=residual");
			assertEquals("cells", c.original);
			c.run();
			assertNull(c.errorMessage());
			assertArrayEquals(new float[] { 1, 0, 0, 0, -1, 0 }, (float[]) c.output
				.getProcessor().getPixels());
			// in other capitals it could be either
			GanException either = assertThrows(GanException.class,
				() -> ParameterDialog.readOptions(c, ParameterDialog.dialogItems(c),
					"original=CELLS"));
			assertEquals(
				"'CELLS' is not a choice for original as written, and 'Cells' and " +
					"'cells' differ from it only in capitals: write the one meant as it is",
				either.getMessage());
			// 'cells' as written wins beside two others in other capitals listed
			// before it (it was refused as ambiguous)
			ImagePlus shout = new ImagePlus("CELLS", new ByteProcessor(3, 2));
			ij.macro.Interpreter.addBatchModeImage(shout);
			ij.macro.Interpreter.removeBatchModeImage(lower);
			ij.macro.Interpreter.addBatchModeImage(lower); // listed last
			try {
				ParameterDialog.readOptions(c, ParameterDialog.dialogItems(c),
					"original=cells show=residual");
				assertEquals("cells", c.original);
			}
			finally {
				ij.macro.Interpreter.removeBatchModeImage(shout);
			}

			// two open images called 'cells': neither is taken
			ij.macro.Interpreter.addBatchModeImage(again);
			c.run();
			assertNull(c.output);
			assertEquals("2 open images are called 'cells', so original=[cells] " +
				"does not say which: rename the one meant (Image > Rename...)", c
					.errorMessage());
		}
		finally {
			ij.macro.Interpreter.removeBatchModeImage(upper);
			ij.macro.Interpreter.removeBatchModeImage(lower);
			ij.macro.Interpreter.removeBatchModeImage(again);
			ij.macro.Interpreter.batchMode = false;
		}
	}

	@Test
	void manageModelsInstallsListsAndRemoves() throws Exception {
		Path onnx = OnnxModels.identity(1).write(dir, "ident.onnx");
		ManageModelsCommand c = new ManageModelsCommand();
		ParameterDialog.readOptions(c, ParameterDialog.items(
			ManageModelsCommand.class), "action=install model=[" + onnx +
				"] name=id checksum=" + "0".repeat(64) + " folder=[" + dir.resolve(
					"models") + "]");
		c.run();
		assertTrue(c.errorMessage().endsWith("nothing was installed"), c
			.errorMessage());
		assertFalse(Files.exists(dir.resolve("models/id")));

		c.checksum = ModelLoader.sha256(onnx);
		c.run();
		assertNull(c.errorMessage());
		assertTrue(c.report.startsWith("installed id (onnx) in " + dir.resolve(
			"models/id")), c.report);
		assertTrue(c.report.contains("\nid  (onnx)\n"), c.report);

		c.action = "remove";
		c.model = "id";
		c.run();
		assertNull(c.errorMessage());
		assertEquals("removed id\n\nno models in " + dir.resolve("models"),
			c.report);
	}
}
