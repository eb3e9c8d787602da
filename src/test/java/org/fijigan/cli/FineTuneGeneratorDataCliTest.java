
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
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
		assertNull(ModelLoader.load(zero.toString(), ModelOverrides.NONE).graph()
			.metadata().get(ModelLoader.META_NORMALIZATION));
		// the real images' map is recorded, as evaluate maps real images by it
		Path ranged = dir.resolve("ranged.onnx");
		r = FineTuneTasksTest.fineTune(model, ranged, data, "--steps", 1, "--patch",
			0, "--discriminator-width", 4, "--normalize", "range");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals("range", ModelLoader.load(ranged.toString(),
			ModelOverrides.NONE).graph().metadata().get(
				ModelLoader.META_NORMALIZATION));

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

	/**
	 * A generator's discriminator alone trains it, on the real images as they
	 * are: the pixel loss, a degradation and a validation interval, which it
	 * would ignore, are refused, and its metadata records no pixel loss.
	 */
	@Test
	void aGeneratorRefusesTheOptionsOfImageToImageTraining() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16).write(dir, "gen.onnx");
		Path data = dir.resolve("data");
		FineTuneTasksTest.images(data.resolve("a"), 2, 16, 16, 6);
		FineTuneTasksTest.images(data.resolve("b"), 2, 16, 16, 7);
		Path refused = dir.resolve("refused.onnx");
		Object[][] options = { { "--loss", "charbonnier" }, { "--loss", "l1" }, {
			"--degradation", "gaussian:0..0.5" }, { "--validate-every", 2 } };
		String[] says = { "--loss sets the pixel loss of image-to-image models; " +
			"leave it out", "--loss sets the pixel loss of image-to-image models; " +
				"leave it out", "--degradation makes the inputs of image-to-image " +
					"models from clean images; leave it out",
			"does not validate generators: leave out --validate-every" };
		for (int i = 0; i < options.length; i++) {
			MainTest.Result r = FineTuneTasksTest.fineTune(model, refused, data,
				"--steps", 1, "--batch", 2, "--patch", 0, "--discriminator-width", 4,
				options[i][0], options[i][1]);
			assertEquals(1, r.exitCode(), r.err());
			assertEquals(1, r.err().lines().count(), r.err());
			assertTrue(r.err().contains("model gen is a generator, ") && r.err()
				.contains(says[i]), r.err());
			assertFalse(Files.exists(refused));
		}
		Path out = dir.resolve("gen-tuned.onnx");
		MainTest.Result r = FineTuneTasksTest.fineTune(model, out, data, "--steps",
			1, "--batch", 2, "--patch", 0, "--discriminator-width", 4);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals("1.0 x nonsaturating", FineTuneTasksTest.metadata(out).get(
			"fiji-gan.fine_tune.loss"));
	}

	/**
	 * An unconditional generator of 16x16 images whose ONNX file declares its
	 * output as [N,1,H,W], as a PyTorch export with Upsample does.
	 */
	static Path openSizeGenerator(Path dir) throws IOException {
		return openSizeGenerator(dir, 16, "open.onnx");
	}

	/** As {@link #openSizeGenerator(Path)}, reshaping to 16 x {@code w}. */
	static Path openSizeGenerator(Path dir, int w, String file)
		throws IOException
	{
		Random random = new Random(11);
		return OnnxModels.builder().input("z", "N,8").initializer("W", OnnxModels
			.randomFloats(random, 8 * 256, 1f), 8, 256).initializer("B", OnnxModels
				.randomFloats(random, 256, 0.1f), 256).node("Gemm", "z,W,B", "dense")
			.constant("shape", new long[] { -1, 1, 16, w }, 4).node("Reshape",
				"dense,shape", "reshaped").node("Tanh", "reshaped", "image").output(
					"image", "N,1,H,W").write(dir, file);
	}

	@Test
	void aGeneratorWhoseFileLeavesItsSizeOpenIsRunToFindIt() throws IOException {
		Path model = openSizeGenerator(dir);
		// real images of the size it makes: no longer taken for smaller than the
		// default patch of 64
		Path small = dir.resolve("small");
		FineTuneTasksTest.images(small, 4, 16, 16, 6);
		Path out = dir.resolve("small.onnx");
		MainTest.Result r = FineTuneTasksTest.fineTune(model, out, small, "--steps",
			1, "--discriminator-width", 4);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: patch 64 px set to 16 px, the size " +
			"of the images model 'open' generates (its ONNX file does not fix it: " +
			"found by running it once)"), r.out());
		assertTrue(r.out().contains("; 16x16 patches,"), r.out());
		// larger real images train as 16x16 patches, which the discriminator
		// compares with the generated ones
		Path large = dir.resolve("large");
		FineTuneTasksTest.images(large, 4, 64, 64, 7);
		out = dir.resolve("large.onnx");
		r = FineTuneTasksTest.fineTune(model, out, large, "--steps", 1,
			"--discriminator-width", 4);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("; 16x16 patches,"), r.out());
		FineTuneTasksTest.assertTrained(model, out, "W", "B");
		// one that cannot run (256 values into rows of 15) is refused, in one line
		Path broken = openSizeGenerator(dir, 15, "broken.onnx");
		out = dir.resolve("broken-tuned.onnx");
		r = FineTuneTasksTest.fineTune(broken, out, small, "--steps", 1,
			"--discriminator-width", 4);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals(1, r.err().lines().count(), r.err());
		assertTrue(r.err().contains("model broken does not fix the size of the " +
			"images it generates (its output is [N,1,H,W]), and running it once on " +
			"a zero latent to find it failed: "), r.err());
		assertFalse(Files.exists(out));
	}
}
