
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.batch.Manifest;
import org.fijigan.core.engine.ThreadCount;
import org.fijigan.testing.CliProcesses;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every numeric flag out of bounds gets one clear line before any work: threads
 * (0, or 1 to four per core), counts checked against the disk and the heap,
 * steps, batch, patch, learning rate and the other fine-tuning numbers, halo,
 * scale, mask value. And {@code generate} into a folder is a stream: the first
 * file of a count far beyond what could be held appears at once, in a small
 * heap, and SIGTERM stops it promptly with its manifest intact.
 */
class BoundedKnobsTest {

	@TempDir
	Path dir;

	CliProcesses processes;

	@BeforeEach
	void launcher() {
		processes = new CliProcesses(dir, "64m");
	}

	@AfterEach
	void stopEverything() throws InterruptedException {
		processes.close();
	}

	/**
	 * One line on stderr with {@code problem}, exit {@code code}, nothing
	 * written, quickly.
	 */
	void assertRefused(int code, String problem, Object... args) {
		Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> MainTest
			.cli(args));
		assertEquals(code, r.exitCode(), r.err());
		assertEquals(1, r.errLines().size(), r.err());
		assertTrue(r.err().startsWith("fiji-gan: ") && r.err().contains(problem), r
			.err());
		assertFalse(r.err().contains("unexpected"), r.err());
		assertEquals("", r.out());
	}

	Path image(Path file, int side) throws IOException {
		Files.createDirectories(file.getParent());
		byte[] px = new byte[side * side];
		new Random(5).nextBytes(px);
		assertTrue(new FileSaver(new ImagePlus("x", new ByteProcessor(side, side,
			px))).saveAsTiff(file.toString()));
		return file;
	}

	@Test
	void threadsAreZeroOrOneToFourPerCore() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx"), in = image(dir
			.resolve("a.tif"), 8);
		int max = ThreadCount.max();
		for (Object t : new Object[] { -1, max + 1, 100000, "two" })
			assertRefused(2, "Invalid value for option '--threads': threads must be ",
				"run", "-m", model, "-i", in, "-o", dir.resolve("o.tif"), "--threads",
				t);
		assertRefused(2, "1 to " + max + " (4 per core", "fine-tune", "-m", model,
			"-o", dir.resolve("t.onnx"), "--data", dir, "--threads", -1);
		assertRefused(2, "--threads", "generate", "-m", OnnxModels.generator(8, 0,
			5, 4).write(dir, "g.onnx"), "-o", dir.resolve("g.tif"), "--threads",
			100000);
		Result ok = MainTest.cli("run", "-m", model, "-i", in, "-o", dir.resolve(
			"o.tif"), "--threads", max, "--device", "cpu");
		assertEquals(0, ok.exitCode(), ok.err());
	}

	@Test
	void fineTuneNumbersAreCheckedBeforeAnythingIsLoaded() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		image(dir.resolve("data/a.tif"), 16);
		Object[][] bad = { { "--steps", 0, "steps must be at least 1" }, {
			"--batch", 0, "the batch size must be at least 1, not 0" }, { "--patch",
				-1, "the patch size must be positive, or 0 for whole images, not -1" },
			{ "--lr", "NaN", "learning rate must be positive, got NaN" }, {
				"--adversarial-weight", "NaN",
				"the adversarial weight must be a number >= 0, not NaN" }, {
					"--checkpoint-every", 0,
					"checkpoints come every 1 or more steps, not 0" }, {
						"--validate-every", -1, "validation comes every 1 or more steps" },
			{ "--validation", 1,
				"the validation fraction must be at least 0 and below 1, not 1.0" }, {
					"--ema", "NaN", "EMA decay must be in [0, 1), got NaN" } };
		for (Object[] b : bad)
			assertRefused(1, (String) b[2], "fine-tune", "-m", model, "--task",
				"denoise", "-o", dir.resolve("t.onnx"), "--data", dir.resolve("data"),
				"--device", "cpu", b[0], b[1]);
	}

	@Test
	void otherNumbersOfTheOtherCommandsAreBounded() throws IOException {
		Path conv = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx"), in =
			image(dir.resolve("a.tif"), 8);
		assertRefused(2,
			"halo '99999999' must be auto or a number of pixels from 0 to 16384",
			"denoise", "-m", conv, "-i", in, "-o", dir.resolve("o.tif"), "--halo",
			99999999);
		assertRefused(2, "'NaN' is not a finite number", "inpaint", "-m", OnnxModels
			.inpaint(1).write(dir, "inp.onnx"), "-i", in, "--mask", in, "-o", dir
				.resolve("o.tif"), "--mask-hole", "NaN");
		// bounds of the flags that state what a model does are usage errors (exit
		// 2), as --halo's and --threads' are: checked as the line is read
		assertRefused(2,
			"--scale 1.25E8 is beyond what a model does: give a scale from 1/64 to 64",
			"run", "-m", conv, "-i", in, "-o", dir.resolve("o.tif"), "--scale",
			125000000, "--device", "cpu");
		assertRefused(2, "--scale 65.0 is beyond what a model does",
			"package-model", "-m", conv, "-o", dir.resolve("pkg"), "--scale", 65);
		assertFalse(Files.exists(dir.resolve("pkg")));
		assertRefused(2, "--mask-hole 1.0E308 is not a mask value: give a mask " +
			"hole value from -65535 to 65535", "inpaint", "-m", OnnxModels.inpaint(1)
				.write(dir, "inp2.onnx"), "-i", in, "--mask", in, "-o", dir.resolve(
					"o.tif"), "--mask-hole", "1e308");
		assertRefused(1,
			"classes must be a number from 0 to 10000, or their names, not -1",
			"create-model", "--arch", "dcgan", "-o", dir.resolve("c.onnx"),
			"--classes", -1);
		assertRefused(1, "not 99999999999", "create-model", "--arch", "dcgan", "-o",
			dir.resolve("c.onnx"), "--classes", "99999999999");
		Path sr = image(dir.resolve("sr.tif"), 16);
		assertRefused(1,
			"the scale must be a whole number of output pixels per input pixel, at least 1",
			"trust", "consistency", "-i", in, "-r", sr, "--scale", -1);
	}

	@Test
	void generateCountsAreCheckedAgainstTheDiskAndTheHeapBeforeDrawing() {
		Path model = OnnxModels.generator(8, 0, 64, 64).write(dir, "gan.onnx");
		assertRefused(1, "drawing 2147483647 images into " + dir.resolve("many") +
			" needs at least ", "generate", "-m", model, "-o", dir.resolve("many"),
			"--count", Integer.MAX_VALUE, "--seed", 1);
		assertFalse(Files.exists(dir.resolve("many")),
			"the folder is not even created");
		// one stack file holds every image in memory: 2e9 images of 64x64 are
		// refused at once,
		// pointing to a folder, not to --tile (which generate does not have)
		Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> MainTest
			.cli("generate", "-m", model, "-o", dir.resolve("one.tif"), "--count",
				2_000_000_000, "--seed", 1));
		assertEquals(1, r.exitCode(), r.err());
		assertTrue(r.err().startsWith(
			"fiji-gan: a stack of 2000000000 generated images needs 7.5 TiB " +
				"of Java memory"), r.err());
		assertTrue(r.err().contains(", with generate, write them one file at a " +
			"time into a folder (--output DIR)"), r.err());
		assertFalse(r.err().contains("--tile"), r.err());
	}

	/**
	 * Seeds past the largest long wrapped round: --seed 2^63-2 --count 3 drew and
	 * recorded seeds ...806, ...807 and -9223372036854775808, rc 0. The last seed
	 * is checked before anything is drawn, for a stack and a folder; the largest
	 * seed that fits is still drawn.
	 */
	@Test
	void seedsPastTheLargestLongAreRefusedBeforeDrawing() {
		Path model = OnnxModels.generator(8, 0, 4, 4).write(dir, "gan.onnx");
		String problem = "seed 9223372036854775806 with 3 images goes past the " +
			"largest seed, 9223372036854775807 (sample i takes seed seed + i): " +
			"give a seed of at most 9223372036854775805";
		for (String out : new String[] { "wrap.tif", "wrap" }) {
			assertRefused(1, problem, "generate", "-m", model, "-o", dir.resolve(out),
				"--count", 3, "--seed", Long.MAX_VALUE - 1);
			assertFalse(Files.exists(dir.resolve(out)), out);
		}
		Result r = MainTest.cli("generate", "-m", model, "-o", dir.resolve(
			"last.tif"), "--count", 3, "--seed", Long.MAX_VALUE - 2);
		assertEquals(0, r.exitCode(), r.err());
	}

	Process start(String tag, Object... args) throws IOException {
		return processes.start(tag, args);
	}

	@Test
	@DisabledOnOs(OS.WINDOWS)
	void generatingIntoAFolderIsAStreamThatSigtermStops() throws Exception {
		Path model = OnnxModels.generator(8, 0, 5, 4).write(dir, "gan.onnx"), out =
			dir.resolve("out");
		// more files than fit on this disk's free space is refused; so ask for as
		// many as fit, at
		// least a million: far more than a 64 MiB heap could plan or hold
		long free = Files.getFileStore(dir).getUsableSpace();
		long count = Math.max(1_000_000, Math.min(Integer.MAX_VALUE, free / (4 *
			8192)));
		Process p = start("gen", "generate", "-m", model, "-o", out, "--count",
			count, "--seed", 7, "--threads", 1, "--device", "cpu");
		Path first = out.resolve("synthetic-" + "0".repeat(Math.max(6, Long
			.toString(count - 1).length())) + ".tif");
		long end = System.currentTimeMillis() + 120_000;
		while (!Files.exists(first)) {
			if (!p.isAlive()) fail("the run ended before its first file: " + Files
				.readString(dir.resolve("gen.err")));
			if (System.currentTimeMillis() > end) fail("no first file within 120 s");
			Thread.sleep(20);
		}
		p.destroy(); // SIGTERM
		assertTrue(p.waitFor(60, TimeUnit.SECONDS),
			"SIGTERM was not honoured within 60 s");
		assertEquals(143, p.exitValue(), Files.readString(dir.resolve("gen.err")));
		List<Map<String, String>> rows = Manifest.read(out.resolve("manifest.csv"))
			.rows();
		assertFalse(rows.isEmpty());
		assertTrue(rows.size() < count);
		for (Map<String, String> row : rows) {
			assertEquals("done", row.get("status"), row.toString());
			assertEquals(Long.parseLong(row.get("bytes")), Files.size(out.resolve(row
				.get("file"))));
		}
	}
}
