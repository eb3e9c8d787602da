package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.fijigan.core.eval.EvaluationReport;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;

/** Plugins > GAN > Evaluate Model..., headless: the core evaluation's rows in a results table. */
class EvaluateCommandFijiTest {
	@TempDir
	Path dir;

	@Test
	void anIdentityDenoiserFillsTheTableAndScoresTheNoisyInput() throws Exception {
		Path data = Files.createDirectories(dir.resolve("clean"));
		for (int k = 0; k < 2; k++) {
			byte[] p = new byte[32 * 30];
			for (int i = 0; i < p.length; i++)
				p[i] = (byte) (100 + 50 * Math.sin(i % 32 / (3.0 + k)) * Math.cos(i / 32 / 5.0));
			assertTrue(new FileSaver(new ImagePlus("c", new ByteProcessor(32, 30, p))).saveAsTiff(data
				.resolve("c" + k + ".tif").toString()));
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
		EvaluationReport r = c.report();
		assertEquals(r.scores().get(2).psnr(), t.getValue("PSNR (dB)", 2), 1e-9);

		c.task = "generate"; // an identity model is no generator: one clear error, no table
		c.run();
		assertTrue(c.errorMessage() != null && c.errorMessage().contains("no latent input"), c.errorMessage());
		assertNull(c.table());
	}
}
