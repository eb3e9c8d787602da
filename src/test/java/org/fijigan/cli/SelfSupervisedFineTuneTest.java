
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.fijigan.core.eval.Metrics;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * {@code fine-tune --self-supervised n2v}: a fresh small denoiser learns from
 * one noisy image alone and then removes much of its noise, measured against
 * the clean image training never saw.
 */
class SelfSupervisedFineTuneTest {

	@TempDir
	Path dir;

	static final int SIZE = 96;
	static final double NOISE = 0.1;

	/**
	 * A seeded smooth image in [0.15, 0.85]: two crossing waves and three soft
	 * blobs.
	 */
	static float[] clean() {
		float[] v = new float[SIZE * SIZE];
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++) {
				double s = 0.5 + 0.15 * Math.sin(x / 7.0) * Math.cos(y / 9.0);
				for (int[] b : new int[][] { { 20, 30 }, { 60, 70 }, { 75, 20 } })
					s += 0.2 * Math.exp(-((x - b[0]) * (x - b[0]) + (y - b[1]) * (y -
						b[1])) / 60.0);
				v[y * SIZE + x] = (float) Math.min(0.85, Math.max(0.15, s));
			}
		return v;
	}

	static float[] noisy(float[] clean, long seed) {
		Random r = new Random(seed);
		float[] v = clean.clone();
		for (int i = 0; i < v.length; i++)
			v[i] += (float) (NOISE * r.nextGaussian());
		return v;
	}

	static void saveFloat(float[] v, Path file) {
		assertTrue(new FileSaver(new ImagePlus("img", new FloatProcessor(SIZE, SIZE,
			v))).saveAsTiff(file.toString()));
	}

	static float[] readFloat(Path file) {
		return (float[]) new ImagePlus(file.toString()).getProcessor()
			.convertToFloat().getPixels();
	}

	@Test
	void aFreshDenoiserTrainedOnOneNoisyImageAloneRaisesItsPsnrWellAboveTheInput()
		throws IOException
	{
		float[] truth = clean(), noisy = noisy(truth, 3);
		Path data = Files.createDirectories(dir.resolve("noisy"));
		saveFloat(noisy, data.resolve("cells.tif"));
		Path fresh = dir.resolve("fresh.onnx"), tuned = dir.resolve("tuned.onnx");
		MainTest.Result created = MainTest.cli("create-model", "--arch",
			"residual-denoiser", "--width", 8, "--blocks", 3, "--seed", 1, "--output",
			fresh);
		assertEquals(0, created.exitCode(), created.err());
		MainTest.Result trained = MainTest.cli("fine-tune", "--model", fresh,
			"--output", tuned, "--data", data, "--self-supervised", "n2v", "--steps",
			120, "--batch", 4, "--patch", 32, "--lr", 0.01, "--seed", 2,
			"--validation", 0, "--normalize", "none", "--device", "cpu", "--threads",
			1);
		assertEquals(0, trained.exitCode(), trained.err());
		assertTrue(trained.out().contains("Noise2Void blind spots"), trained.out());
		assertFalse(trained.out().contains("NaN"),
			"no PSNR against a noisy target: " + trained.out());
		MainTest.Result denoised = MainTest.cli("denoise", "--model", tuned,
			"--input", data.resolve("cells.tif"), "--output", dir.resolve(
				"denoised.tif"), "--normalize", "none", "--float", "--threads", 1);
		assertEquals(0, denoised.exitCode(), denoised.err());

		double before = Metrics.psnr(truth, noisy, 1), after = Metrics.psnr(truth,
			readFloat(dir.resolve("denoised.tif")), 1);
		assertEquals(20.0, before, 0.2, "sigma 0.1 on a range of 1");
		assertTrue(after > before + 6, "PSNR " + before + " dB -> " + after +
			" dB");
		List<String> csv = Files.readAllLines(dir.resolve("tuned-loss.csv"));
		assertEquals(121, csv.size());
		assertTrue(TrainerLoss.mean(csv, 101, 120) < TrainerLoss.mean(csv, 1, 20),
			"the masked loss falls");
	}

	@Test
	void selfSupervisedOptionsAreCheckedBeforeAnythingRuns() throws IOException {
		Path data = Files.createDirectories(dir.resolve("noisy"));
		saveFloat(noisy(clean(), 1), data.resolve("a.tif"));
		Path fresh = dir.resolve("never-loaded.onnx"); // refused before the model
																										// is read
		Object[][] bad = { { "--self-supervised", "n3v" }, { "--n2v-fraction",
			0.02 }, { "--self-supervised", "n2v", "--degradation", "gaussian:0.1" }, {
				"--self-supervised", "n2v", "--n2v-struct", "diagonal:3" }, {
					"--self-supervised", "n2v", "--n2v-neighbourhood", 4 }, {
						"--self-supervised", "n2v", "--adversarial-weight", 0.1 }, {
							"--self-supervised", "n2v", "--task", "super-resolution" } };
		String[] says = { "unknown self-supervised method",
			"go with --self-supervised", "one or the other", "horizontal:LEN",
			"odd number",
			"--adversarial-weight trains a discriminator with the noisy images as real ones, which undoes Noise2Void's blind spots: leave it out with --self-supervised n2v",
			"--self-supervised n2v trains denoisers: it cannot train with --task super-resolution" };
		for (int k = 0; k < bad.length; k++) {
			Object[] args = new Object[6 + bad[k].length];
			Object[] head = { "fine-tune", "--model", fresh, "--output", dir.resolve(
				"x.onnx"), "--data" };
			System.arraycopy(head, 0, args, 0, 6);
			Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
			all[6] = data;
			System.arraycopy(bad[k], 0, all, 7, bad[k].length);
			MainTest.Result r = MainTest.cli(all);
			assertEquals(1, r.exitCode(), r.err());
			assertEquals(1, r.err().lines().count(), r.err());
			assertTrue(r.err().contains(says[k]), r.err());
			assertFalse(Files.exists(dir.resolve("x.onnx")));
		}
	}

	@Test
	void aFileGivenAsTheDataFolderIsNamedAsAFile() throws IOException {
		Path file = dir.resolve("a.tif");
		saveFloat(noisy(clean(), 1), file);
		MainTest.Result r = MainTest.cli("fine-tune", "--model", dir.resolve(
			"never-loaded.onnx"), "--output", dir.resolve("x.onnx"), "--data", file,
			"--self-supervised", "n2v");
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: data folder " + file +
			" is a file, not a folder: give the folder that holds the images", r.err()
				.strip());
	}

	@Test
	void aResumedSelfSupervisedRunEndsWithTheWeightsOfAnUninterruptedOne()
		throws IOException
	{
		Path data = Files.createDirectories(dir.resolve("noisy"));
		saveFloat(noisy(clean(), 4), data.resolve("a.tif"));
		Path fresh = dir.resolve("fresh.onnx");
		assertEquals(0, MainTest.cli("create-model", "--arch", "residual-denoiser",
			"--width", 4, "--blocks", 3, "--seed", 3, "--output", fresh).exitCode());
		Object[] common = { "--model", fresh, "--data", data, "--self-supervised",
			"n2v", "--n2v-struct", "vertical:3", "--batch", 2, "--patch", 24,
			"--seed", 6, "--validation", 0, "--device", "cpu", "--threads", 1,
			"--checkpoint-every", 2 };
		MainTest.Result straight = MainTest.cli(concat(new Object[] { "fine-tune",
			"--output", dir.resolve("straight.onnx"), "--steps", 4,
			"--checkpoint-dir", dir.resolve("ck1") }, common));
		assertEquals(0, straight.exitCode(), straight.err());
		assertEquals(0, MainTest.cli(concat(new Object[] { "fine-tune", "--output",
			dir.resolve("half.onnx"), "--steps", 2, "--checkpoint-dir", dir.resolve(
				"ck2") }, common)).exitCode());
		MainTest.Result resumed = MainTest.cli(concat(new Object[] { "fine-tune",
			"--output", dir.resolve("resumed.onnx"), "--steps", 4, "--checkpoint-dir",
			dir.resolve("ck2"), "--resume" }, common));
		assertEquals(0, resumed.exitCode(), resumed.err());
		assertTrue(resumed.out().contains("resumed from step 2"), resumed.out());
		var a = FineTuneTasksTest.floatInitializers(dir.resolve("straight.onnx"));
		var b = FineTuneTasksTest.floatInitializers(dir.resolve("resumed.onnx"));
		assertEquals(a.keySet(), b.keySet());
		for (String k : a.keySet())
			assertTrue(java.util.Arrays.equals(a.get(k), b.get(k)), k +
				" differs after resume");
		assertEquals(Files.readAllLines(dir.resolve("straight-loss.csv")), Files
			.readAllLines(dir.resolve("resumed-loss.csv")));
	}

	@Test
	void aResumeWithOtherSettingsOrABusyCheckpointFolderIsRefused()
		throws IOException
	{
		Path data = Files.createDirectories(dir.resolve("noisy"));
		saveFloat(noisy(clean(), 4), data.resolve("a.tif"));
		Path more = Files.createDirectories(dir.resolve("more"));
		saveFloat(noisy(clean(), 4), more.resolve("a.tif"));
		saveFloat(noisy(clean(), 5), more.resolve("b.tif"));
		Path fresh = dir.resolve("fresh.onnx"), ck = dir.resolve("ck");
		assertEquals(0, MainTest.cli("create-model", "--arch", "residual-denoiser",
			"--width", 4, "--blocks", 3, "--seed", 3, "--output", fresh).exitCode());
		Object[] common = { "--model", fresh, "--self-supervised", "n2v", "--batch",
			2, "--patch", 24, "--validation", 0, "--device", "cpu", "--threads", 1,
			"--checkpoint-every", 2, "--checkpoint-dir", ck };
		assertEquals(0, MainTest.cli(concat(new Object[] { "fine-tune", "--output",
			dir.resolve("half.onnx"), "--steps", 2, "--seed", 6, "--data", data },
			common)).exitCode());
		assertTrue(Checkpoint.read(ck).settings().contains("seed=6\n"), Checkpoint
			.read(ck).settings());

		MainTest.Result seed = MainTest.cli(concat(new Object[] { "fine-tune",
			"--output", dir.resolve("r.onnx"), "--steps", 4, "--seed", 9, "--data",
			data, "--resume" }, common));
		assertEquals(1, seed.exitCode());
		assertTrue(seed.err().startsWith("fiji-gan: the checkpoint in " + ck +
			" was written by a run with other settings: "), seed.err());
		assertTrue(seed.err().contains("seed 6 (now 9)"), seed.err());
		assertFalse(Files.exists(dir.resolve("r.onnx")));

		MainTest.Result other = MainTest.cli(concat(new Object[] { "fine-tune",
			"--output", dir.resolve("r.onnx"), "--steps", 4, "--seed", 6, "--data",
			more, "--resume" }, common));
		assertEquals(1, other.exitCode());
		assertTrue(other.err().contains("data 1 image: ") && other.err().contains(
			"(now 2 images: "), other.err());
		assertTrue(other.err().contains("training items 1 (sha256 "), other.err());
		assertFalse(Files.exists(dir.resolve("r.onnx")));

		// blind-spot options are named as options, once each, without the data's
		// description
		MainTest.Result struct = MainTest.cli(concat(new Object[] { "fine-tune",
			"--output", dir.resolve("r.onnx"), "--steps", 4, "--seed", 6, "--data",
			data, "--resume", "--n2v-struct", "vertical:3" }, common));
		assertEquals(1, struct.exitCode());
		assertEquals("fiji-gan: the checkpoint in " + ck +
			" was written by a run with other settings: --n2v-struct none (now " +
			"vertical:3). Resume with the same settings, or give another " +
			"--checkpoint-dir to start afresh", struct.err().strip());
		Object[] plain = java.util.Arrays.stream(common).filter(o -> !"n2v".equals(
			o) && !"--self-supervised".equals(o)).toArray();
		MainTest.Result none = MainTest.cli(concat(new Object[] { "fine-tune",
			"--output", dir.resolve("r.onnx"), "--steps", 4, "--seed", 6, "--data",
			data, "--resume", "--loss", "l2" }, plain));
		assertEquals(1, none.exitCode());
		assertEquals("fiji-gan: the checkpoint in " + ck +
			" was written by a run with other settings: --self-supervised n2v " +
			"(now none). Resume with the same settings, or give another " +
			"--checkpoint-dir to start afresh", none.err().strip());

		// another run holds the folder (here, this JVM)
		try (var ch = java.nio.channels.FileChannel.open(ck.resolve(
			".fiji-gan.training.lock"), java.nio.file.StandardOpenOption.WRITE);
				var lock = ch.lock())
		{
			MainTest.Result busy = MainTest.cli(concat(new Object[] { "fine-tune",
				"--output", dir.resolve("r.onnx"), "--steps", 4, "--seed", 6, "--data",
				data, "--resume" }, common));
			assertEquals(1, busy.exitCode());
			assertEquals("fiji-gan: the checkpoint folder " + ck +
				" is in use by another fine-tune run: wait for it to end, or give " +
				"this one another --checkpoint-dir", busy.err().strip());
		}
		// the same settings, more steps: it goes on
		MainTest.Result same = MainTest.cli(concat(new Object[] { "fine-tune",
			"--output", dir.resolve("r.onnx"), "--steps", 4, "--seed", 6, "--data",
			data, "--resume" }, common));
		assertEquals(0, same.exitCode(), same.err());
		assertTrue(same.out().contains("resumed from step 2"), same.out());
		// the model says that it went on from step 2, its settings checked
		assertEquals("2", ModelLoader.load(dir.resolve("r.onnx").toString(),
			ModelOverrides.NONE).graph().metadata().get(
				"fiji-gan.fine_tune.resumed_from_step"));
	}

	/**
	 * A run that named the task's default degradation resumes one that gave none:
	 * both train alike.
	 */
	@Test
	void theTasksDefaultDegradationNamedOrNotResumesTheSameRun()
		throws IOException
	{
		Path data = Files.createDirectories(dir.resolve("clean"));
		saveFloat(clean(), data.resolve("a.tif"));
		Path fresh = dir.resolve("fresh.onnx"), ck = dir.resolve("ck");
		assertEquals(0, MainTest.cli("create-model", "--arch", "residual-denoiser",
			"--width", 4, "--blocks", 3, "--seed", 3, "--output", fresh).exitCode());
		Object[] common = { "fine-tune", "--model", fresh, "--data", data,
			"--batch", 1, "--patch", 16, "--validation", 0, "--device", "cpu",
			"--threads", 1, "--checkpoint-every", 1, "--checkpoint-dir", ck };
		assertEquals(0, MainTest.cli(concat(common, new Object[] { "--output", dir
			.resolve("half.onnx"), "--steps", 1 })).exitCode());
		MainTest.Result named = MainTest.cli(concat(common, new Object[] {
			"--output", dir.resolve("r.onnx"), "--steps", 2, "--resume",
			"--degradation", "gaussian:0.02..0.2" }));
		assertEquals(0, named.exitCode(), named.err());
		assertTrue(named.out().contains("resumed from step 1"), named.out());
	}

	@Test
	void aPatchMustHoldTheNeighbourhoodAndTheLine() throws IOException {
		Path data = Files.createDirectories(dir.resolve("noisy"));
		saveFloat(noisy(clean(), 1), data.resolve("a.tif"));
		Path fresh = dir.resolve("fresh.onnx"), out = dir.resolve("x.onnx");
		assertEquals(0, MainTest.cli("create-model", "--arch", "residual-denoiser",
			"--width", 4, "--blocks", 3, "--output", fresh).exitCode());
		Object[][] bad = { { "--patch", 1 }, { "--patch", 2, "--n2v-neighbourhood",
			255 }, { "--patch", 5, "--n2v-struct", "horizontal:7" } };
		String[] says = {
			"the 1x1 patch cannot hold the 5x5 neighbourhood a hidden pixel's replacement comes from: use --patch 5 or more, or a smaller --n2v-neighbourhood",
			"the 2x2 patch cannot hold the 255x255 neighbourhood a hidden pixel's replacement comes from: the smallest image, 'a.tif', is 96x96, so no patch is larger than 96x96: use --n2v-neighbourhood 95 or less",
			"the 5x5 patch cannot hold the structN2V line of 7 pixels: use --patch 7 or more, or a shorter --n2v-struct line" };
		for (int k = 0; k < bad.length; k++) {
			MainTest.Result r = MainTest.cli(concat(new Object[] { "fine-tune",
				"--model", fresh, "--output", out, "--data", data, "--steps", 1,
				"--self-supervised", "n2v", "--validation", 0, "--device", "cpu" },
				bad[k]));
			assertEquals(1, r.exitCode(), r.err());
			assertEquals("fiji-gan: " + says[k], r.err().strip());
			assertFalse(Files.exists(out));
		}
	}

	static Object[] concat(Object[] a, Object[] b) {
		Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	/** Reads the loss column of a fine-tune loss CSV. */
	static final class TrainerLoss {

		static double mean(List<String> csv, int fromStep, int toStep) {
			double s = 0;
			for (int i = fromStep; i <= toStep; i++)
				s += Double.parseDouble(csv.get(i).split(",")[1]);
			return s / (toStep - fromStep + 1);
		}
	}
}
