
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.fijigan.core.engine.OnnxRuntimeSetup;
import org.fijigan.core.engine.StartTogether;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Command lines in fresh JVMs run one never-unpacked package at the same
 * moment, as a job array does: released together through a barrier (each JVM
 * prints {@code ready} and waits for a byte on standard input), every one must
 * succeed with the same output image, and the cache must then hold the package
 * whole and nothing else. A small package, and a large one (a 24 MiB
 * external-data file and 1,500 more files) whose unpacking takes long enough
 * for the others to find it half-done. Here 4 processes, one round each, every
 * round on a fresh temp folder; the acceptance run is
 * {@code -Dfijigan.race.processes=8 -Dfijigan.race.rounds=20} (160 runs per
 * package). POSIX only.
 */
@DisabledOnOs(OS.WINDOWS)
class PackageCacheRaceTest {

	static final int PROCESSES = Integer.getInteger("fijigan.race.processes", 4);
	static final int ROUNDS = Integer.getInteger("fijigan.race.rounds", 1);
	static final long WAIT_SECONDS = 300;

	@TempDir
	Path dir;
	final List<Process> started = new ArrayList<>();

	@AfterEach
	void stopEverything() throws InterruptedException {
		for (Process p : started)
			if (p.isAlive()) p.destroyForcibly().waitFor();
	}

	@Test
	void processesOnAFreshSmallPackageAllSucceedAlike() throws Exception {
		race(PackageCacheTest.entries(null));
	}

	@Test
	void processesOnAFreshLargePackageAllSucceedAlike() throws Exception {
		race(largePackage());
	}

	/**
	 * A 3x3 convolution whose weights lie at the end of a 24 MiB external-data
	 * file, and 1,500 files of 1 to 3 KiB in a sub-folder; every byte seeded.
	 */
	static Map<String, byte[]> largePackage() {
		Random random = new Random(21);
		float[] w = OnnxModels.randomFloats(random, 9, 0.3f);
		byte[] data = new byte[24 << 20];
		random.nextBytes(data);
		int offset = data.length - 36;
		java.nio.ByteBuffer.wrap(data, offset, 36).order(
			java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(w);
		TensorProto weights = TensorProto.newBuilder().setName("w").setDataType(
			OnnxModels.FLOAT).addDims(1).addDims(1).addDims(3).addDims(3)
			.setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(entry(
				"location", "weights.bin")).addExternalData(entry("offset", String
					.valueOf(offset))).addExternalData(entry("length", "36")).build();
		byte[] model = OnnxModels.builder().input("x", "N,1,H,W").initializer(
			weights).node("Conv", "x,w", "y", OnnxModels.attrInts("kernel_shape", 3,
				3), OnnxModels.attrInts("pads", 1, 1, 1, 1)).output("y", "N,1,H,W")
			.toBytes();
		Map<String, byte[]> e = new LinkedHashMap<>();
		e.put("rdf.yaml", PackageCacheTest.rdf(PackageCacheTest.sha256(model))
			.getBytes(StandardCharsets.UTF_8));
		e.put("model.onnx", model);
		e.put("weights.bin", data);
		for (int i = 0; i < 1500; i++) {
			byte[] b = new byte[1024 + random.nextInt(2048)];
			random.nextBytes(b);
			e.put("extra/" + (i % 10) + "/file" + i + ".bin", b);
		}
		return e;
	}

	private static StringStringEntryProto entry(String key, String value) {
		return StringStringEntryProto.newBuilder().setKey(key).setValue(value)
			.build();
	}

	void race(Map<String, byte[]> entries) throws Exception {
		Path zip = Files.write(dir.resolve("m.zip"), ModelFuzzCorpus.zip(entries,
			false));
		String hash = ModelLoader.sha256(zip).substring(0, 16);
		byte[] expected = null;
		for (int round = 0; round < ROUNDS; round++) {
			Path tmp = Files.createDirectories(dir.resolve("round" + round).resolve(
				"tmp"));
			Process[] p = new Process[PROCESSES];
			BufferedReader[] out = new BufferedReader[PROCESSES];
			for (int i = 0; i < PROCESSES; i++) {
				p[i] = java(tmp, "run", "-m", zip, "-i", Path.of(
					"samples/cells-noisy.png").toAbsolutePath(), "-o", output(round, i),
					"--device", "cpu", "--threads", 1).redirectError(dir.resolve("err" +
						i + ".txt").toFile()).start();
				started.add(p[i]);
				out[i] = new BufferedReader(new InputStreamReader(p[i].getInputStream(),
					StandardCharsets.UTF_8));
			}
			StartTogether.release(p, out, WAIT_SECONDS); // every JVM is up, none has
																										// touched the package
			for (int i = 0; i < PROCESSES; i++) {
				BufferedReader r = out[i];
				String rest = CompletableFuture.supplyAsync(() -> r.lines().collect(
					Collectors.joining("\n"))).get(WAIT_SECONDS, TimeUnit.SECONDS);
				assertTrue(p[i].waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
				String err = Files.readString(dir.resolve("err" + i + ".txt"));
				assertEquals(0, p[i].exitValue(), "round " + round + ", process " + i +
					": " + rest + err);
				assertTrue(rest.contains("wrote " + output(round, i)), rest);
				byte[] image = Files.readAllBytes(output(round, i));
				if (expected == null) expected = image;
				assertArrayEquals(expected, image, "round " + round + ", process " + i);
			}
			PackageCacheTest.assertWhole(tmp.resolve("fiji-gan-models"), hash,
				entries);
			assertEquals(Set.of("fiji-gan-models"), PackageCacheTest.listing(tmp),
				"nothing else in the temp folder");
			started.clear();
		}
	}

	Path output(int round, int process) {
		return dir.resolve("out-" + round + "-" + process + ".tif");
	}

	ProcessBuilder java(Path tmp, Object... args) {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty(
			"java.home"), "bin", "java").toString(), "-Xmx256m",
			"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
			"-Djava.io.tmpdir=" + tmp, "-D" + OnnxRuntimeSetup.CACHE_PROPERTY + "=" +
				dir.resolve("native"), "-cp", System.getProperty("java.class.path"),
			StartTogether.class.getName()));
		for (Object a : args)
			cmd.add(String.valueOf(a));
		return new ProcessBuilder(cmd);
	}
}
