
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
 * {@code fine-tune} with the discriminator's stabilisers end to end on a
 * conditional generator (the SNGAN discriminator with spectral norm, the
 * minibatch standard deviation, DiffAugment under ADA, its own learning rate
 * and two steps per generator step, Adam betas), and one line for each bad
 * value with nothing written.
 */
class FineTuneStabilisersCliTest {

	@TempDir
	Path dir;

	/**
	 * Each case's flags after {@code base} are refused: exit code 1, one line
	 * holding the case's message, nothing written at {@code out}.
	 */
	private static void refusedEach(Path model, Path data, Path out,
		Map<List<Object>, String> cases, List<Object> base)
	{
		for (Map.Entry<List<Object>, String> c : cases.entrySet()) {
			List<Object> more = new java.util.ArrayList<>(base);
			more.addAll(c.getKey());
			MainTest.Result r = FineTuneTasksTest.fineTune(model, out, data, more
				.toArray());
			assertEquals(1, r.exitCode(), c.getKey() + ": " + r.err());
			assertEquals(1, r.err().lines().count(), c.getKey() + ": " + r.err());
			assertTrue(r.err().contains(c.getValue()), c.getKey() + ": " + r.err());
			assertFalse(Files.exists(out), c.getKey() + " wrote " + out);
		}
	}

	/** Two class folders a/ and b/ of two seeded 16x16 images each. */
	private Path twoClasses() throws IOException {
		Path data = dir.resolve("data");
		FineTuneTasksTest.images(data.resolve("a"), 2, 16, 16, 6);
		FineTuneTasksTest.images(data.resolve("b"), 2, 16, 16, 7);
		return data;
	}

	@Test
	void aGeneratorTrainsWithEveryStabiliser() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16).write(dir, "gen.onnx");
		Path data = twoClasses();
		Path out = dir.resolve("gen-tuned.onnx");
		MainTest.Result r = FineTuneTasksTest.fineTune(model, out, data, "--steps",
			2, "--batch", 4, "--patch", 0, "--lr", 1e-3, "--seed", 3, "--adversarial",
			"hinge", "--discriminator", "sngan", "--discriminator-width", 8,
			"--spectral-norm", "--minibatch-std", "--diff-augment",
			"translation,cutout,color", "--ada-target", 0.6, "--d-lr", 4e-3,
			"--d-steps", 2, "--adam-betas", "0,0.9", "--ema", 0.99);
		assertEquals(0, r.exitCode(), r.err());
		for (String[] row : FineTuneTasksTest.lossRows(dir.resolve(
			"gen-tuned-loss.csv"), 2))
			assertTrue(Float.isFinite(Float.parseFloat(row[3])),
				"discriminator loss " + row[3]);
		FineTuneTasksTest.assertTrained(model, out, "W", "B", "E");
		Map<String, String> meta = FineTuneTasksTest.metadata(out);
		assertEquals("sngan width 8, spectral norm, minibatch std, diff-augment " +
			"color,translation,cutout (ADA target 0.6), d-lr 0.004, d-steps 2", meta
				.get("fiji-gan.fine_tune.discriminator"));
		assertEquals("0.0,0.9", meta.get("fiji-gan.fine_tune.adam_betas"));
		assertEquals("0.99 with warm-up min(decay, (1 + t) / (10 + t))", meta.get(
			"fiji-gan.fine_tune.ema"));
		assertTrue(r.out().contains(
			"note: discriminator: sngan width 8, spectral norm"), r.out());
		assertTrue(r.out().contains("note: ADA: augmentation probability"), r
			.out());
	}

	/**
	 * A fine-tuned model's record of its run is that run's alone: the base
	 * model's discriminator, penalty, Adam betas and EMA, which this run did not
	 * use, are not passed on as its settings (its discriminator is its own); what
	 * describes the model (its class names) is kept.
	 */
	@Test
	void aFineTunedModelRecordsOnlyItsOwnRunsSettings() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16).write(dir, "gen.onnx");
		Path data = twoClasses();
		Path first = dir.resolve("first.onnx"), second = dir.resolve("second.onnx");
		MainTest.Result r = FineTuneTasksTest.fineTune(model, first, data,
			"--steps", 1, "--batch", 4, "--patch", 0, "--seed", 3, "--discriminator",
			"sngan", "--discriminator-width", 8, "--r1", 0.5, "--adam-betas",
			"0.9,0.99", "--ema", 0.9);
		assertEquals(0, r.exitCode(), r.err());
		Map<String, String> base = FineTuneTasksTest.metadata(first);
		for (String k : List.of("discriminator", "gradient_penalties", "adam_betas",
			"ema"))
			assertTrue(base.containsKey("fiji-gan.fine_tune." + k), k + ": " + base);
		r = FineTuneTasksTest.fineTune(first, second, data, "--steps", 1, "--batch",
			4, "--patch", 0, "--seed", 4, "--optimizer", "sgd");
		assertEquals(0, r.exitCode(), r.err());
		Map<String, String> meta = FineTuneTasksTest.metadata(second);
		for (String k : List.of("gradient_penalties", "adam_betas", "ema",
			"resumed_from_step"))
			assertFalse(meta.containsKey("fiji-gan.fine_tune." + k), k + ": " + meta);
		// the discriminator this run trained against, the default, not the base's
		assertEquals("dcgan width 32", meta.get(
			"fiji-gan.fine_tune.discriminator"));
		assertTrue(meta.get("fiji-gan.fine_tune.optimizer").startsWith("sgd lr="),
			meta.toString());
		assertEquals(org.fijigan.core.model.ModelLoader.sha256(first), meta.get(
			"fiji-gan.fine_tune.base_sha256"));
		assertEquals("1", meta.get("fiji-gan.fine_tune.steps"));
		assertEquals("4", meta.get("fiji-gan.fine_tune.seed"));
		assertEquals(base.get("fiji-gan.class_names"), meta.get(
			"fiji-gan.class_names"));
		assertEquals("a,b", meta.get("fiji-gan.class_names"));
	}

	@Test
	void badStabiliserSettingsAreOneLineAndNothingIsWritten() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16).write(dir, "gen.onnx");
		Path data = twoClasses();
		Path out = dir.resolve("out.onnx");
		Map<List<Object>, String> cases = Map.of(List.of("--discriminator",
			"resnet"), "unknown discriminator 'resnet'", List.of("--discriminator",
				"patchgan"), "the PatchGAN discriminator takes no class label", List.of(
					"--diff-augment", "flip"),
			"unknown differentiable augmentation 'flip'", List.of("--ada-target",
				0.6), "add --diff-augment", List.of("--d-steps", 0),
			"--d-steps must be at least 1", List.of("--adversarial-weight", 1,
				"--d-steps", 101),
			"--d-steps must be at least 1 and at most 100 (WGAN-GP uses 5), got 101",
			List.of("--d-lr", -1), "--d-lr must be a positive number", List.of(
				"--adam-betas", "0.5"), "--adam-betas needs two numbers", List.of(
					"--optimizer", "sgd", "--adam-betas", "0,0.9"),
			"--adam-betas applies to adam and adamw", List.of("--discriminator-width",
				0), "--discriminator-width must be at least 1");
		refusedEach(model, data, out, cases, List.of("--patch", 0, "--steps", 1));
		// a stabiliser on an image-to-image model trained without a discriminator
		Path sr = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		MainTest.Result r = MainTest.cli("fine-tune", "--model", sr, "--output",
			out, "--data", data.resolve("a"), "--steps", 1, "--patch", 8, "--device",
			"cpu", "--threads", 1, "--spectral-norm");
		assertEquals(1, r.exitCode(), r.err());
		assertTrue(r.err().contains(
			"need a discriminator: give --adversarial-weight above 0"), r.err());
		assertFalse(Files.exists(out));
	}

	@Test
	void settingsThatWouldDoNothingOrOverflowAreRefused() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16).write(dir, "gen.onnx");
		Path data = twoClasses();
		Path out = dir.resolve("out.onnx");
		Map<List<Object>, String> cases = new java.util.LinkedHashMap<>();
		// groups of one sample: the feature would be sqrt(1e-8) for every sample
		cases.put(List.of("--minibatch-std", "--batch", 5),
			"--minibatch-std takes the standard deviation over groups of the " +
				"largest of 4, 3 or 2 samples that divides the batch, and none " +
				"divides --batch 5 (groups of one sample have none): use --batch 4 or 6");
		cases.put(List.of("--minibatch-std", "--batch", 1),
			"none divides --batch 1 (groups of one sample have none): use --batch 2 or more");
		cases.put(List.of("--no-ema-warmup"),
			"--no-ema-warmup sets how the moving average of the weights starts, " +
				"and there is none: give --ema DECAY");
		cases.put(List.of("--d-lr", 1e39), "--d-lr must be at most " +
			Float.MAX_VALUE + " (the step takes it as a float), got 1.0E39");
		cases.put(List.of("--lr", 1e39), "learning rate must be at most " +
			Float.MAX_VALUE + " (the step takes it as a float), got 1.0E39");
		// 1e-50 is 0 as a float: the weights would not move
		cases.put(List.of("--lr", 1e-50), "learning rate must be at least " +
			Float.MIN_VALUE + " (the step takes it as a float, and a smaller one " +
			"is 0: nothing would train), got 1.0E-50");
		cases.put(List.of("--d-lr", 1e-50), "--d-lr must be at least " +
			Float.MIN_VALUE + " (the step takes it as a float, and a smaller one " +
			"is 0: nothing would train), got 1.0E-50");
		refusedEach(model, data, out, cases, List.of("--patch", 0, "--steps", 1,
			"--discriminator-width", 4));
		// a batch that 2, 3 or 4 divides trains with the feature
		MainTest.Result r = FineTuneTasksTest.fineTune(model, out, data, "--patch",
			0, "--steps", 1, "--discriminator-width", 4, "--minibatch-std", "--batch",
			6);
		assertEquals(0, r.exitCode(), r.err());
	}
}
