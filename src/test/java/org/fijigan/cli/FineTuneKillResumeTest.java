
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.train.Checkpoint;
import org.fijigan.core.train.autodiff.Tensors;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * {@code fiji-gan fine-tune} killed with SIGKILL in a separate JVM: the
 * checkpoint it leaves is whole, nothing else is written, and {@code --resume}
 * ends with the very weights and loss history of a run that was never
 * interrupted.
 * <p>
 * POSIX only: it relies on SIGKILL (exit status 137) and on renaming over a
 * file another process may hold open.
 */
@DisabledOnOs(OS.WINDOWS)
class FineTuneKillResumeTest {

	/**
	 * Long enough that the run is still training when the test sees its second
	 * checkpoint.
	 */
	static final int STEPS = 60;
	static final long WAIT_MILLIS = 60_000;

	@TempDir
	Path dir;

	final List<Process> started = new ArrayList<>();
	CompletableFuture<?> background = CompletableFuture.completedFuture(null);

	/**
	 * After a failure, too: no process or in-process run outlives the test and
	 * its folder.
	 */
	@AfterEach
	void stopEverything() throws InterruptedException {
		for (Process p : started)
			if (p.isAlive()) p.destroyForcibly().waitFor();
		try {
			background.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (Exception ignored) {
			// the test reports it
		}
	}

	/** A 2-layer 3x3 conv denoiser and three seeded 32x32 float TIFFs. */
	Path model() throws IOException {
		Random r = new Random(21);
		Path data = Files.createDirectories(dir.resolve("data"));
		for (int k = 0; k < 3; k++) {
			float[] v = new float[32 * 32];
			for (int i = 0; i < v.length; i++)
				v[i] = (float) (0.5 + 0.4 * Math.sin((i % 32) / (2.0 + k)) * Math.cos(
					(i / 32) / 3.0)) + 0.05f * r.nextFloat();
			assertTrue(new FileSaver(new ImagePlus("img" + k, new FloatProcessor(32,
				32, v))).saveAsTiff(data.resolve("img" + k + ".tif").toString()));
		}
		return OnnxModels.conv3x3(1, 1, 5, 2).write(dir, "denoiser.onnx");
	}

	/**
	 * The fine-tune arguments shared by every run: Adam with a PatchGAN
	 * discriminator and an EMA, so the checkpoint carries generator,
	 * discriminator, optimizer and EMA state.
	 */
	List<String> fineTune(Path model, Path output, Path checkpoints,
		String... more)
	{
		List<String> a = new ArrayList<>(List.of("fine-tune", "--model", model
			.toString(), "--output", output.toString(), "--data", dir.resolve("data")
				.toString(), "--task", "denoise", "--steps", "" + STEPS, "--batch", "2",
			"--patch", "16", "--lr", "1e-3", "--adversarial-weight", "0.1", "--ema",
			"0.9", "--validate-every", "7", "--seed", "11", "--device", "cpu",
			"--threads", "1"));
		if (checkpoints != null) a.addAll(List.of("--checkpoint-dir", checkpoints
			.toString(), "--checkpoint-every", "5"));
		a.addAll(List.of(more));
		return a;
	}

	/**
	 * {@code fiji-gan ARGS} in a fresh JVM, its stdout and stderr going to files
	 * in {@code dir}. C1 only and the serial GC halve its start-up; the numbers
	 * cannot depend on that, as they come from ONNX Runtime and from Java's
	 * strict float arithmetic.
	 */
	Process start(String tag, List<String> args) throws IOException {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty(
			"java.home"), "bin", "java").toString(), "-Xmx512m",
			"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
			"-Dfijigan.progress=true", "-cp", System.getProperty("java.class.path"),
			"org.fijigan.cli.Main"));
		cmd.addAll(args);
		Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve(tag + ".out")
			.toFile()).redirectError(dir.resolve(tag + ".err").toFile()).start();
		started.add(p);
		return p;
	}

	String log(String tag) throws IOException {
		return Files.readString(dir.resolve(tag + ".out")) + Files.readString(dir
			.resolve(tag + ".err"));
	}

	int finish(Process p, String tag) throws Exception {
		if (!p.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
			p.destroyForcibly().waitFor();
			fail(tag + " did not finish in time: " + log(tag));
		}
		return p.exitValue();
	}

	/**
	 * Kills {@code p} with SIGKILL; fails if it had already ended (the kill must
	 * hit a live run).
	 */
	void kill(Process p, String tag) throws Exception {
		assertTrue(p.isAlive(), tag + " ended before the kill: " + log(tag));
		p.destroyForcibly();
		assertTrue(p.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS));
		assertEquals(137, p.exitValue(), "SIGKILL");
	}

	/**
	 * The step of the checkpoint in {@code checkpoints}, or -1 while there is
	 * none.
	 */
	static long checkpointStep(Path checkpoints) {
		if (!Files.isRegularFile(checkpoints.resolve(Checkpoint.FILE))) return -1;
		return Checkpoint.read(checkpoints).step();
	}

	static List<String> names(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors
				.toList());
		}
	}

	static Map<String, float[]> floatInitializers(Path onnx) throws IOException {
		Map<String, float[]> m = new LinkedHashMap<>();
		for (TensorProto t : ModelProto.parseFrom(Files.readAllBytes(onnx))
			.getGraph().getInitializerList())
			if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) m.put(t
				.getName(), Tensors.floats(t));
		return m;
	}

	static void assertBitIdentical(Map<String, float[]> expected,
		Map<String, float[]> actual)
	{
		assertEquals(expected.keySet(), actual.keySet());
		for (String name : expected.keySet()) {
			float[] e = expected.get(name), a = actual.get(name);
			assertEquals(e.length, a.length, name);
			for (int i = 0; i < e.length; i++)
				if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i]))
					fail(name + "[" + i + "]: " + a[i] + " after kill and resume, " +
						e[i] + " uninterrupted");
		}
	}

	@Test
	void
		killedDuringTrainingThenResumedEndsWithTheWeightsAndLossesOfAnUninterruptedRun()
			throws Exception
	{
		Path model = model();
		Path checkpoints = dir.resolve("checkpoints"), out = Files
			.createDirectories(dir.resolve("out"));
		Path tuned = out.resolve("tuned.onnx");
		List<String> args = fineTune(model, tuned, checkpoints);

		Process p = start("killed", args);
		// the uninterrupted run, in this JVM, alongside
		Path straight = Files.createDirectories(dir.resolve("straight")).resolve(
			"straight.onnx");
		CompletableFuture<MainTest.Result> uninterrupted = CompletableFuture
			.supplyAsync(() -> MainTest.cli(fineTune(model, straight, dir.resolve(
				"other-checkpoints")).toArray()));
		background = uninterrupted;
		long deadline = System.currentTimeMillis() + WAIT_MILLIS;
		while (checkpointStep(checkpoints) < 10) { // the second write: one
																								// checkpoint replaced another
			assertTrue(p.isAlive(), "the run ended before its second checkpoint: " +
				log("killed"));
			assertTrue(System.currentTimeMillis() < deadline,
				"no second checkpoint: " + log("killed"));
			Thread.sleep(2);
		}
		kill(p, "killed");

		Checkpoint ck = Checkpoint.read(checkpoints);
		long k = ck.step();
		assertTrue(k >= 10 && k < STEPS && k % 5 == 0, "checkpoint at step " + k);
		assertEquals(k, ck.history().size());
		assertEquals(1e-3, ck.learningRate(), 1e-12);
		assertTrue(ck.tensors().keySet().containsAll(List.of("w0", "b0", "w1",
			"b1")), ck.tensors().keySet().toString());
		assertTrue(ck.tensors().keySet().stream().anyMatch(n -> n.startsWith("D/")),
			"discriminator");
		assertTrue(ck.tensors().keySet().stream().anyMatch(n -> n.startsWith(
			"ema/")), "EMA");
		assertEquals(List.of(), names(out),
			"no model, loss curve or temporary file before the end");
		for (String f : names(checkpoints))
			assertTrue(f.equals(Checkpoint.FILE) || f.equals(
				".fiji-gan.training.lock") || Checkpoint.FILE.equals(AtomicFile
					.targetOfTemporary(f)),
				"only the checkpoint (and at most the temporary file of an interrupted write): " +
					f);

		Process resumed = start("resumed", fineTune(model, tuned, checkpoints,
			"--resume"));
		assertEquals(0, finish(resumed, "resumed"), log("resumed"));
		assertTrue(log("resumed").contains("note: resumed from step " + k), log(
			"resumed"));

		MainTest.Result r = uninterrupted.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
		assertEquals(0, r.exitCode(), r.err());

		assertBitIdentical(floatInitializers(straight), floatInitializers(tuned));
		assertFalse(floatInitializers(model).get("w0")[0] == floatInitializers(
			tuned).get("w0")[0], "training moved the weights");
		List<String> straightCsv = Files.readAllLines(straight.resolveSibling(
			"straight-loss.csv"));
		List<String> resumedCsv = Files.readAllLines(out.resolve("tuned-loss.csv"));
		assertEquals(STEPS + 1, straightCsv.size());
		for (int row = (int) k + 1; row <= STEPS; row++) // row i is step i, after
																											// the header
			assertEquals(straightCsv.get(row), resumedCsv.get(row), "step " + row);
		assertEquals(straightCsv, resumedCsv,
			"and the steps before the checkpoint, from its history");
		assertEquals(STEPS, Checkpoint.read(checkpoints).step(),
			"the final checkpoint");
	}

	@Test
	void killedWithoutCheckpointsLeavesNoFileBehind() throws Exception {
		Path model = model();
		Path out = Files.createDirectories(dir.resolve("out"));
		Process p = start("plain", fineTune(model, out.resolve("tuned.onnx"),
			null));
		long deadline = System.currentTimeMillis() + WAIT_MILLIS;
		// the progress line (shown with -Dfijigan.progress=true) says the first
		// step is done
		while (!Files.readString(dir.resolve("plain.err"), StandardCharsets.UTF_8)
			.contains("step "))
		{
			assertTrue(p.isAlive(), "the run ended before its first step: " + log(
				"plain"));
			assertTrue(System.currentTimeMillis() < deadline, "no training step: " +
				log("plain"));
			Thread.sleep(2);
		}
		kill(p, "plain");
		assertEquals(List.of(), names(out));
		assertEquals(List.of("data", "denoiser.onnx", "out", "plain.err",
			"plain.out"), names(dir), "and nothing anywhere else in the folder");
	}
}
