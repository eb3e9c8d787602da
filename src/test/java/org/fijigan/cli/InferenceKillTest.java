
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.testing.CliProcesses;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large inference in a separate JVM, stopped mid-run by SIGKILL (kill -9) and
 * by SIGTERM (what Ctrl-C and a cluster's time limit send; it cancels the run):
 * the existing output it was told to overwrite is untouched and nothing else
 * appears. A temporary file that a kill during the write itself leaves is
 * removed by the next run. Neither leaves anything in its temp folder (one of
 * its own, as other test runs share the machine's). POSIX only.
 */
@DisabledOnOs(OS.WINDOWS)
class InferenceKillTest {

	static final long WAIT_MILLIS = 60_000;

	@TempDir
	Path dir;

	@TempDir
	Path tmp;

	CliProcesses processes;

	@BeforeEach
	void launcher() {
		processes = new CliProcesses(dir, "512m");
	}

	@AfterEach
	void stopEverything() throws InterruptedException {
		processes.close();
	}

	Path wideModel() {
		return OnnxModels.wideConvolutions().write(dir, "wide.onnx");
	}

	Path floatImage(String name, int w, int h) {
		float[] p = new float[w * h];
		Random r = new Random(w);
		for (int i = 0; i < p.length; i++)
			p[i] = r.nextFloat();
		Path file = dir.resolve(name);
		assertTrue(new FileSaver(new ImagePlus(name, new FloatProcessor(w, h, p)))
			.saveAsTiff(file.toString()));
		return file;
	}

	Process start(String tag, Object... args) throws IOException {
		return processes.start(tag, List.of("-Dfijigan.progress=true",
			"-Djava.io.tmpdir=" + tmp), args);
	}

	/**
	 * Waits until the run has done its first tile (the progress line says so).
	 */
	void awaitFirstTile(String tag, Process p) throws Exception {
		long end = System.currentTimeMillis() + WAIT_MILLIS;
		Path err = dir.resolve(tag + ".err");
		while (System.currentTimeMillis() < end) {
			if (!p.isAlive()) fail("the run ended before it was stopped: " + Files
				.readString(err));
			if (Files.readString(err).contains("fiji-gan: tile ")) return;
			Thread.sleep(20);
		}
		fail("no tile done within " + WAIT_MILLIS + " ms");
	}

	Set<String> outputs() throws IOException {
		try (Stream<Path> s = Files.list(dir.resolve("out"))) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	@Test
	void killedOrTerminatedMidRunLeavesTheEarlierOutputAndNothingElse()
		throws Exception
	{
		Path model = wideModel();
		Path big = floatImage("big.tif", 1024, 1024);
		Path out = Files.createDirectories(dir.resolve("out")).resolve(
			"result.tif");
		byte[] earlier = "an earlier result, to be kept".getBytes();
		Files.write(out, earlier);
		Files.write(out.resolveSibling("other.tif"), earlier);
		Files.writeString(tmp.resolve("was-here-before.txt"), "kept");

		for (boolean kill : new boolean[] { true, false }) {
			String tag = kill ? "kill" : "term";
			Process p = start(tag, "denoise", "-m", model, "-i", big, "-o", out,
				"--overwrite", "--normalize", "none", "--tile", 192, "--device", "cpu",
				"--threads", 1);
			awaitFirstTile(tag, p);
			if (kill) p.destroyForcibly();
			else p.destroy();
			assertTrue(p.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS));
			assertEquals(kill ? 137 : 143, p.exitValue(), Files.readString(dir
				.resolve(tag + ".err")));
			// a signal waits for the command's last line (the JVM halted before it
			// at times)
			if (!kill) assertTrue(Files.readString(dir.resolve(tag + ".err")).strip()
				.endsWith("fiji-gan: cancelled"), Files.readString(dir.resolve(tag +
					".err")));
			assertArrayEquals(earlier, Files.readAllBytes(out), tag);
			assertEquals(Set.of("result.tif", "other.tif"), outputs(), tag);
			try (Stream<Path> s = Files.list(tmp)) {
				assertEquals(List.of("was-here-before.txt"), s.map(f -> f.getFileName()
					.toString()).toList(), tag +
						": ONNX Runtime's libraries come from the cache, and its empty temporary folder is gone");
			}
		}

		// what a kill during the write itself leaves: a later run of that output
		// removes it once it is stale (and keeps a fresh one, which another
		// process may be writing)
		Path stale = out.resolveSibling(".result.tif.5e1f0a3b.tmp.tif");
		Path fresh = out.resolveSibling(".result.tif.0f1e2d3c.tmp.tif");
		Files.write(stale, new byte[1000]);
		Files.write(fresh, new byte[1000]);
		Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
			java.time.Instant.now().minus(AtomicFile.STALE_AFTER).minusSeconds(60)));
		Result r = MainTest.cli("denoise", "-m", model, "-i", floatImage(
			"small.tif", 20, 10), "-o", out, "--overwrite", "--normalize", "none",
			"--device", "cpu");
		assertEquals(0, r.exitCode(), r.err());
		assertFalse(Files.exists(stale));
		assertTrue(Files.exists(fresh));
		Files.delete(fresh);
		assertEquals(Set.of("result.tif", "other.tif"), outputs());
		assertEquals(20, IJ.openImage(out.toString()).getWidth());
		assertArrayEquals(earlier, Files.readAllBytes(out.resolveSibling(
			"other.tif")));
	}
}
