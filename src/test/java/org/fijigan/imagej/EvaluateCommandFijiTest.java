
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.eval.EvaluationReport;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * Plugins > GAN > Evaluate Model..., headless: the core evaluation's rows in a
 * results table.
 */
class EvaluateCommandFijiTest {

	@TempDir
	Path dir;

	@Test
	void anIdentityDenoiserFillsTheTableAndScoresTheNoisyInput()
		throws Exception
	{
		Path data = Files.createDirectories(dir.resolve("clean"));
		for (int k = 0; k < 2; k++) {
			byte[] p = new byte[32 * 30];
			for (int i = 0; i < p.length; i++)
				p[i] = (byte) (100 + 50 * Math.sin(i % 32 / (3.0 + k)) * Math.cos(i /
					32 / 5.0));
			assertTrue(new FileSaver(new ImagePlus("c", new ByteProcessor(32, 30, p)))
				.saveAsTiff(data.resolve("c" + k + ".tif").toString()));
		}
		EvaluateCommand c = new EvaluateCommand();
		c.model = OnnxModels.identity(1).write(dir, "identity.onnx").toString();
		c.data = data.toFile();
		c.task = "denoise";
		c.device = "cpu";
		c.threads = 1;

		c.run();

		assertNull(c.errorMessage());
		ResultsTable t = c.table();
		assertEquals(32, t.size());
		assertEquals("clean", t.getStringValue("Data", 0));
		assertEquals("gaussian sigma=15/255", t.getStringValue("Condition", 0));
		assertEquals("model", t.getStringValue("Kind", 0));
		assertEquals("noisy input", t.getStringValue("Method", 1));
		assertEquals(t.getValue("PSNR (dB)", 1), t.getValue("PSNR (dB)", 0), 1e-9);
		assertEquals(2, t.getValue("n", 0), 0);
		assertEquals(2, t.getValue("n PSNR", 0), 0);
		EvaluationReport r = c.report();
		assertEquals(r.scores().get(2).psnr(), t.getValue("PSNR (dB)", 2), 1e-9);
		// headless, the table is the Results table a macro reads (it was only
		// printed to the Log: nResults was 0)
		assertEquals("32 32 noisy input " + IJ.d2s(t.getValue("PSNR (dB)", 1), 6),
			IJ.runMacro("return '' + nResults + ' ' + Table.size + ' ' + " +
				"getResultString('Method', 1) + ' ' + d2s(Table.get('PSNR (dB)', 1), 6);"));

		c.task = "generate"; // an identity model is no generator: one clear error,
													// no table
		c.run();
		assertTrue(c.errorMessage() != null && c.errorMessage().contains(
			"no latent input"), c.errorMessage());
		assertNull(c.table());
	}

	@Test
	void theUtilityRowsOfAConditionalGeneratorFillTheTable() throws Exception {
		Path model = OnnxModels.generator(8, 2, 16, 16, 0).write(dir, "c.onnx");
		Path train = classFolders(model, dir.resolve("train"), 4, 0), test =
			classFolders(model, dir.resolve("test"), 3, 100);
		EvaluateCommand c = new EvaluateCommand();
		c.model = model.toString();
		c.data = test.toFile();
		c.training = train.toFile();
		c.normalize = "range:-1,1";
		c.utility = 2;
		c.draws = 3;
		c.device = "cpu";
		c.threads = 1;

		c.run();

		assertNull(c.errorMessage());
		ResultsTable t = c.table();
		int row = -1;
		for (int i = 0; i < t.size(); i++)
			if (t.getStringValue("Metric", i).equals(
				"utility: accuracy, trained on synthetic (TSTR)")) row = i;
		assertTrue(row >= 0, "a TSTR row");
		assertEquals(1, t.getValue("Value", row), 0);
		assertEquals(8, t.getValue("n A", row), 0);
		// a value a measure has none of shows as "-", as in the CLI's table, not
		// as NaN
		int std = java.util.Arrays.asList(t.getColumnHeadings().split("\t"))
			.indexOf("Std"), noStd = 0;
		for (int i = 0; i < t.size(); i++)
			if (Double.isNaN(t.getValue("Std", i))) {
				noStd++;
				assertEquals("-", t.getRowAsString(i).split("\t", -1)[std]);
			}
		assertTrue(noStd > 0, "rows without a standard deviation");
		// three draws of 6: the memorisation check sees 18
		int copies = -1;
		for (int i = 0; i < t.size(); i++)
			if (t.getStringValue("Metric", i).equals(
				"near-copies of training images") && t.getStringValue("Condition", i)
					.equals("all classes")) copies = i;
		assertEquals(18, t.getValue("n A", copies), 0);

		// the training folder holds a copy of an evaluated image: refused, in the
		// dialog's words
		Files.copy(test.resolve("0/g0.tif"), train.resolve("0/copy.tif"));
		c.run();
		assertEquals("'Training folder' holds a copy of an evaluated image (" +
			train.resolve("0/copy.tif") + " is " + test.resolve("0/g0.tif") +
			", byte for byte): the real images to compare with must be held out " +
			"from training", c.errorMessage());
	}

	/**
	 * Class folders 0/ and 1/ of {@code perClass} float TIFFs drawn from
	 * generator {@code model}, from seed {@code seed} on.
	 */
	private static Path classFolders(Path model, Path dir, int perClass,
		long seed) throws Exception
	{
		ModelDescriptor d = ModelLoader.load(model.toString(), ModelOverrides.NONE);
		for (int c = 0; c < 2; c++) {
			Path folder = Files.createDirectories(dir.resolve(Integer.toString(c)));
			RasterImage stack = Generator.run(d, new GenerateOptions(perClass, seed +
				10 * c, c, null, null, true, DeviceSpec.CPU, 1), ProgressListener.NONE,
				CancellationToken.none()).image();
			for (int i = 0; i < perClass; i++) {
				// this toy generator draws one image per class: a tiny offset per
				// file keeps the sets apart byte for byte
				float[] v = ((float[]) stack.plane(0, i, 0)).clone();
				for (int j = 0; j < v.length; j++)
					v[j] += 1e-6f * (1 + i + seed / 10);
				assertTrue(new FileSaver(new ImagePlus("g", new FloatProcessor(16, 16,
					v))).saveAsTiff(folder.resolve("g" + i + ".tif").toString()));
			}
		}
		return dir;
	}
}
