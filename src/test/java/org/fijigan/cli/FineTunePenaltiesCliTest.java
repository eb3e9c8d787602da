
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fine-tune --adversarial wasserstein --gradient-penalty wgan-gp:LAMBDA --r1 GAMMA
 * --r1-every K} end to end on a conditional generator, and one line for each
 * bad value with nothing written.
 */
class FineTunePenaltiesCliTest {

	@TempDir
	Path dir;

	@Test
	void aGeneratorTrainsWithWganGpAndLazyR1() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16).write(dir, "gen.onnx");
		Path data = dir.resolve("data");
		FineTuneTasksTest.images(data.resolve("a"), 2, 16, 16, 6);
		FineTuneTasksTest.images(data.resolve("b"), 2, 16, 16, 7);
		Path out = dir.resolve("gen-tuned.onnx");
		MainTest.Result r = FineTuneTasksTest.fineTune(model, out, data, "--steps",
			2, "--batch", 2, "--patch", 0, "--lr", 1e-3, "--seed", 3, "--adversarial",
			"wasserstein", "--gradient-penalty", "wgan-gp:10", "--r1", 0.5,
			"--r1-every", 2);
		assertEquals(0, r.exitCode(), r.err());
		for (String[] row : FineTuneTasksTest.lossRows(dir.resolve(
			"gen-tuned-loss.csv"), 2))
			assertTrue(Float.isFinite(Float.parseFloat(row[3])),
				"discriminator loss " + row[3]);
		FineTuneTasksTest.assertTrained(model, out, "W", "B", "E");
		Map<String, String> meta = FineTuneTasksTest.metadata(out);
		assertEquals("wgan-gp 10.0 + r1 gamma=0.5 every 2", meta.get(
			"fiji-gan.fine_tune.gradient_penalties"));
		assertTrue(meta.get("fiji-gan.fine_tune.loss").endsWith("x wasserstein"),
			meta.get("fiji-gan.fine_tune.loss"));
	}

	@Test
	void badPenaltySettingsAreOneLineAndNothingIsWritten() throws IOException {
		Path model = OnnxModels.generator(8, 0, 16, 16).write(dir, "gen.onnx");
		Path data = FineTuneTasksTest.images(dir.resolve("data"), 2, 16, 16, 6);
		Path out = dir.resolve("out.onnx");
		Map<List<Object>, String> cases = Map.of(List.of("--adversarial",
			"wasserstein", "--gradient-penalty", "wgan-gp:-10"),
			"needs LAMBDA above 0", List.of("--adversarial", "wasserstein",
				"--gradient-penalty", "gp:10"), "unknown gradient penalty 'gp:10'", List
					.of("--gradient-penalty", "wgan-gp:10"),
			"add --adversarial wasserstein", List.of("--adversarial", "wasserstein"),
			"add --gradient-penalty wgan-gp:10", List.of("--r1", -1),
			"--r1 gamma must be a number >= 0", List.of("--r1", 1, "--r1-every", 0),
			"--r1-every must be at least 1", List.of("--r1-every", 4),
			"it needs --r1 GAMMA");
		for (Map.Entry<List<Object>, String> c : cases.entrySet()) {
			Object[] more = c.getKey().toArray();
			MainTest.Result r = FineTuneTasksTest.fineTune(model, out, data, more);
			assertEquals(1, r.exitCode(), c.getKey() + ": " + r.err());
			assertEquals(1, r.err().lines().count(), c.getKey() + ": " + r.err());
			assertTrue(r.err().contains(c.getValue()), c.getKey() + ": " + r.err());
			assertFalse(Files.exists(out), c.getKey() + " wrote " + out);
		}
		// a penalty on an image-to-image model trained without a discriminator
		Path sr = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		MainTest.Result r = MainTest.cli("fine-tune", "--model", sr, "--output",
			out, "--data", data, "--steps", 1, "--patch", 8, "--device", "cpu",
			"--threads", 1, "--r1", 1);
		assertEquals(1, r.exitCode(), r.err());
		assertTrue(r.err().contains("give --adversarial-weight above 0"), r.err());
		assertFalse(Files.exists(out));
	}
}
