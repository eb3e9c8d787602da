
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a generator's fine-tune trains on: every real image (fine-tune does not
 * validate generators, so it holds none out), and the checks that refuse
 * settings it cannot honour, in one line with nothing written.
 */
class FineTuneGeneratorDataCliTest {

	@TempDir
	Path dir;

	@Test
	void aGeneratorTrainsOnEveryImageAndRefusesValidation() throws IOException {
		int pixels = 16 * 16;
		Path model = OnnxModels.generator(8, 3, 16, 16).write(dir, "gen.onnx");
		Path data = dir.resolve("data");
		// sorted, b's only image is the one a 0.1 validation would hold out
		FineTuneTasksTest.images(data.resolve("a"), 5, 16, 16, 6);
		FineTuneTasksTest.images(data.resolve("b"), 1, 16, 16, 7);
		FineTuneTasksTest.images(data.resolve("c"), 4, 16, 16, 8);
		Path out = dir.resolve("gen-tuned.onnx");
		MainTest.Result r = FineTuneTasksTest.fineTune(model, out, data, "--steps",
			2, "--batch", 10, "--patch", 0, "--lr", 1e-2, "--seed", 3,
			"--discriminator-width", 4);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"data: 10 images: 10 for training, 0 for validation"), r.out());
		float[] before = FineTuneTasksTest.floatInitializers(model).get("E"),
				after = FineTuneTasksTest.floatInitializers(out).get("E");
		for (int c = 0; c < 3; c++)
			assertFalse(Arrays.equals(Arrays.copyOfRange(before, c * pixels, (c + 1) *
				pixels), Arrays.copyOfRange(after, c * pixels, (c + 1) * pixels)),
				"class " + c + "'s embedding did not move");

		// as the recipes give it
		Path zero = dir.resolve("zero.onnx");
		r = FineTuneTasksTest.fineTune(model, zero, data, "--steps", 1, "--patch",
			0, "--discriminator-width", 4, "--validation", 0);
		assertEquals(0, r.exitCode(), r.err());

		Path refused = dir.resolve("refused.onnx");
		r = FineTuneTasksTest.fineTune(model, refused, data, "--steps", 1,
			"--patch", 0, "--discriminator-width", 4, "--validation", 0.1);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals(1, r.err().lines().count(), r.err());
		assertTrue(r.err().contains("model gen is a generator, and fine-tune " +
			"does not validate generators: leave out --validation (or give 0)"), r
				.err());
		assertFalse(Files.exists(refused));
	}
}
