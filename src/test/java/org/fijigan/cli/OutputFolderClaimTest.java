
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.testing.CliProcesses;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs into one output folder, as separate processes: while one runs,
 * another fails at once with one line naming it (process, host, start,
 * command); the shards of one run share the folder; a run killed with kill -9
 * leaves a claim the next run sees is dead; and a rerun with another model
 * refuses to replace the first model's results without {@code --overwrite}. The
 * barrier is the running process's claim file, not a sleep.
 */
@DisabledOnOs(OS.WINDOWS)
class OutputFolderClaimTest {

	static final long WAIT_MILLIS = 120_000;

	@TempDir
	Path dir;

	CliProcesses processes;

	@BeforeEach
	void launcher() {
		processes = new CliProcesses(dir, "256m");
	}

	@AfterEach
	void stopEverything() throws InterruptedException {
		processes.close();
	}

	Process start(String tag, Object... args) throws IOException {
		return processes.start(tag, args);
	}

	Path slowModel() {
		return OnnxModels.wideConvolutions().write(dir, "slow.onnx");
	}

	Path images(String folder, int n, int side) throws IOException {
		Path d = Files.createDirectories(dir.resolve(folder));
		byte[] px = new byte[side * side];
		new Random(2).nextBytes(px);
		assertTrue(new FileSaver(new ImagePlus("x", new ByteProcessor(side, side,
			px))).saveAsTiff(d.resolve("img000.tif").toString()));
		for (int i = 1; i < n; i++)
			Files.copy(d.resolve("img000.tif"), d.resolve(String.format("img%03d.tif",
				i)));
		return d;
	}

	List<Path> claims(Path out) throws IOException {
		if (!Files.isDirectory(out)) return List.of();
		try (Stream<Path> s = Files.list(out)) {
			return s.filter(p -> p.getFileName().toString().startsWith(
				".fiji-gan.run.")).toList();
		}
	}

	/**
	 * Waits until the run has claimed the output folder (its claim file appears).
	 */
	void awaitClaim(Process p, String tag, Path out) throws Exception {
		long end = System.currentTimeMillis() + WAIT_MILLIS;
		while (System.currentTimeMillis() < end) {
			if (!claims(out).isEmpty()) return;
			if (!p.isAlive()) fail("the run ended before it claimed the folder: " +
				Files.readString(dir.resolve(tag + ".err")));
			Thread.sleep(20);
		}
		fail("no claim within " + WAIT_MILLIS + " ms");
	}

	String err(String tag) throws IOException {
		return Files.readString(dir.resolve(tag + ".err"));
	}

	@Test
	void
		aSecondRunFailsAtOnceNamingTheRunningOneAndARerunRespectsTheOtherModelsResults()
			throws Exception
	{
		Path slow = slowModel(), other = OnnxModels.conv3x3(1, 1, 7, 1).write(dir,
			"other.onnx");
		Path in = images("in", 32, 384), out = dir.resolve("out");
		Process a = start("a", "denoise", "-m", slow, "-i", in, "-o", out,
			"--device", "cpu", "--threads", 1, "--normalize", "range");
		awaitClaim(a, "a", out);

		awaitFile(a, "a", out.resolve("img000.tif"));

		Process b = start("b", "denoise", "-m", other, "-i", in, "-o", out,
			"--device", "cpu", "--normalize", "range");
		assertTrue(b.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS),
			"the second run did not stop");
		assertEquals(1, b.exitValue(), err("b"));
		assertEquals(1, err("b").lines().count(), err("b"));
		assertTrue(err("b").startsWith("fiji-gan: output folder " + out +
			" is in use by another run " + "(pid " + a.pid() + " on "), err("b"));
		assertTrue(err("b").contains(": fiji-gan denoise --model " + slow), err(
			"b"));
		assertEquals("", Files.readString(dir.resolve("b.out")));
		assertTrue(a.isAlive(), "the first run goes on");

		a.destroy(); // SIGTERM: it stops between tiles; the manifest holds what it
									// wrote
		assertTrue(a.waitFor(60, TimeUnit.SECONDS),
			"SIGTERM was not honoured within 60 s");
		assertEquals(143, a.exitValue());
		// its claim file may be left (the JVM halts after its shutdown hooks), but
		// unlocked: dead

		// the first model's results are recorded; another model replaces them only
		// when told to
		Result again = MainTest.cli("denoise", "-m", other, "-i", in, "-o", out,
			"--device", "cpu", "--normalize", "range");
		assertEquals(1, again.exitCode(), again.err());
		assertTrue(again.err().startsWith("fiji-gan: " + out.resolve("img000.tif") +
			" was made by " + "another model (sha256 "), again.err());
		assertTrue(again.err().contains(
			"pass --overwrite to replace those results"), again.err());
		Result replaced = MainTest.cli("denoise", "-m", other, "-i", in, "-o", out,
			"--device", "cpu", "--normalize", "range", "--overwrite");
		assertEquals(0, replaced.exitCode(), replaced.err());
		assertTrue(replaced.out().startsWith("32 of 32 images written"), replaced
			.out());
		assertEquals(List.of(), claims(out),
			"dead claims are deleted, and a run gives its own up");
	}

	/** Waits until the run has written {@code file}. */
	void awaitFile(Process p, String tag, Path file) throws Exception {
		long end = System.currentTimeMillis() + WAIT_MILLIS;
		while (System.currentTimeMillis() < end) {
			if (Files.exists(file)) return;
			if (!p.isAlive()) fail("the run ended before it wrote " + file + ": " +
				err(tag));
			Thread.sleep(20);
		}
		fail(file + " not written within " + WAIT_MILLIS + " ms");
	}

	@Test
	void aClaimLeftByAKilledRunIsDeadAndShardsOfOneRunShareTheFolder()
		throws Exception
	{
		Path slow = slowModel();
		Path in = images("in", 32, 384), out = dir.resolve("out");
		Process a = start("a", "denoise", "-m", slow, "-i", in, "-o", out,
			"--device", "cpu", "--threads", 1, "--normalize", "range");
		awaitClaim(a, "a", out);
		a.destroyForcibly(); // kill -9: no chance to clean up
		assertTrue(a.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS));
		assertEquals(1, claims(out).size(), "kill -9 leaves the claim file");

		// two shards of one run, as two processes at once, over the killed run's
		// claim
		Path small = images("small", 6, 24), shared = dir.resolve("shared");
		Files.createDirectories(shared);
		Files.copy(claims(out).get(0), shared.resolve(claims(out).get(0)
			.getFileName()));
		Process s0 = start("s0", "denoise", "-m", slow, "-i", small, "-o", shared,
			"--device", "cpu", "--threads", 1, "--shard", "0/2", "--normalize",
			"range");
		Process s1 = start("s1", "denoise", "-m", slow, "-i", small, "-o", shared,
			"--device", "cpu", "--threads", 1, "--shard", "1/2", "--normalize",
			"range");
		assertTrue(s0.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS) && s1.waitFor(
			WAIT_MILLIS, TimeUnit.MILLISECONDS));
		assertEquals(0, s0.exitValue(), err("s0"));
		assertEquals(0, s1.exitValue(), err("s1"));
		assertEquals(List.of(), claims(shared),
			"the dead claim is gone, and so are the shards'");
		for (int i = 0; i < 6; i++)
			assertTrue(Files.exists(shared.resolve(String.format("img%03d.tif", i))));

		// the next run into the killed run's folder goes ahead
		Result r = MainTest.cli("denoise", "-m", OnnxModels.conv3x3(1, 1, 7, 1)
			.write(dir, "other.onnx"), "-i", small, "-o", out, "--device", "cpu",
			"--normalize", "range", "--overwrite");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(List.of(), claims(out));
	}

	/**
	 * A folder run refused because another run holds a folder above its output
	 * folder creates nothing there: neither its output folder nor the folders
	 * between (denoise's folder batch and generate's alike).
	 */
	@Test
	void aRefusedNestedRunCreatesNoFolder() throws Exception {
		Path small = images("small", 2, 24);
		Path model = OnnxModels.conv3x3(1, 1, 7, 1).write(dir, "m.onnx");
		Path gen = OnnxModels.generator(8, 0, 5, 4).write(dir, "gan.onnx");
		Path held = Files.createDirectories(dir.resolve("held"));
		try (org.fijigan.core.batch.OutputFolderLock first =
			org.fijigan.core.batch.OutputFolderLock.acquire(held,
				org.fijigan.core.batch.OutputFolderLock.Owner.of("fiji-gan demo", "",
					"", org.fijigan.core.batch.Shard.ALL, "")))
		{
			Path out = held.resolve("fresh").resolve("deeper");
			for (Object[] args : List.of(new Object[] { "denoise", "-m", model, "-i",
				small, "-o", out, "--device", "cpu", "--normalize", "range" },
				new Object[] { "generate", "-m", gen, "-o", out, "--count", 2, "--seed",
					1, "--device", "cpu" }))
			{
				Result r = MainTest.cli(args);
				assertEquals(1, r.exitCode(), r.err());
				assertTrue(r.err().contains(" is inside " + held.toRealPath() +
					", the output folder of another run"), r.err());
				assertFalse(Files.exists(held.resolve("fresh")), args[0] +
					" left the folder it was refused");
			}
		}
	}

	/**
	 * While a run writes into a folder, a run into a folder around it or inside
	 * it fails at once with one line naming it, writing nothing: the two would
	 * write the same files. Once it has been killed, its dead claim no longer
	 * stands in the way, and is left for a run into its own folder.
	 */
	@Test
	void aRunIntoAFolderInsideOrAroundARunningOnesIsRefused() throws Exception {
		Path slow = slowModel(), other = OnnxModels.conv3x3(1, 1, 7, 1).write(dir,
			"other.onnx");
		Path in = images("in", 32, 384), small = images("small", 2, 24);
		Path outer = dir.resolve("o"), inner = outer.resolve("g0");
		Process a = start("a", "denoise", "-m", slow, "-i", in, "-o", inner,
			"--device", "cpu", "--threads", 1, "--normalize", "range");
		awaitClaim(a, "a", inner);

		for (Path out : List.of(outer, inner.resolve("deeper"))) {
			Result r = MainTest.cli("denoise", "-m", other, "-i", small, "-o", out,
				"--device", "cpu", "--threads", 1, "--normalize", "range");
			assertEquals(1, r.exitCode(), r.err());
			assertEquals(1, r.err().lines().count(), r.err());
			assertTrue(r.err().startsWith("fiji-gan: output folder " + out + (out
				.equals(outer) ? " holds " : " is inside ") + inner.toRealPath() +
				", the output folder of another run (pid " + a.pid() + " on "), r
					.err());
			assertTrue(r.err().contains(": fiji-gan denoise --model " + slow), r
				.err());
			assertFalse(Files.exists(out.resolve("img000.tif")));
			assertFalse(Files.exists(out.resolve("manifest.csv")));
		}
		assertTrue(a.isAlive(), "the first run goes on");

		a.destroyForcibly();
		assertTrue(a.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS));
		List<Path> dead = claims(inner);
		assertEquals(1, dead.size(), "kill -9 leaves the claim file");
		Result r = MainTest.cli("denoise", "-m", other, "-i", small, "-o", outer,
			"--device", "cpu", "--threads", 1, "--normalize", "range");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(Files.exists(outer.resolve("img001.tif")));
		assertEquals(dead, claims(inner), "a claim of another folder is left");
	}
}
