
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.fijigan.cli.Main;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.io.CacheFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line in fresh JVMs on the bundled denoiser, each JVM with a temp
 * folder and a native library cache of the test's own (other test runs on the
 * machine use the shared temp folder at the same time): a run leaves the temp
 * folder as it found it, and two runs started at the same moment on an empty
 * cache both succeed, one unpacking while the other waits. A run killed with
 * kill -9 is checked by {@code InferenceKillTest}. POSIX only.
 */
@DisabledOnOs(OS.WINDOWS)
class NativeLibrariesForkTest {

	static final long WAIT_SECONDS = 120;

	@TempDir
	Path dir;

	Path tmp, cache;
	final List<Process> started = new ArrayList<>();

	@BeforeEach
	void folders() throws IOException {
		tmp = Files.createDirectories(dir.resolve("tmp"));
		Files.writeString(tmp.resolve("was-here-before.txt"), "kept");
		cache = dir.resolve("cache");
	}

	@AfterEach
	void stopEverything() throws InterruptedException {
		for (Process p : started)
			if (p.isAlive()) p.destroyForcibly().waitFor();
	}

	ProcessBuilder java(Class<?> main, Object... args) {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty(
			"java.home"), "bin", "java").toString(), "-Xmx512m",
			"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
			"-Djava.io.tmpdir=" + tmp, "-D" + OnnxRuntimeSetup.CACHE_PROPERTY + "=" +
				cache, "-D" + ModelLoader.MODELS_DIR_PROPERTY + "=" + Path.of("models")
					.toAbsolutePath(), "-cp", System.getProperty("java.class.path"), main
						.getName()));
		for (Object a : args)
			cmd.add(String.valueOf(a));
		return new ProcessBuilder(cmd);
	}

	Object[] denoise(String output) {
		return new Object[] { "denoise", "-m", "denoise", "-i", Path.of(
			"samples/cells-noisy.png").toAbsolutePath(), "-o", dir.resolve(output),
			"--device", "auto", "--threads", 1 };
	}

	static Set<String> listing(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors
				.toCollection(TreeSet::new));
		}
	}

	/**
	 * The cache holds the jar's libraries byte for byte (CRC-32) and nothing
	 * half-made.
	 */
	void assertCacheIsComplete() throws IOException {
		OnnxRuntimeBundle bundle = OnnxRuntimeBundle.onClassPath();
		Path folder = cache.resolve(bundle.folderName());
		Set<String> expected = new TreeSet<>(Set.of(
			NativeLibraryCache.VERIFIED_FILE));
		for (OnnxRuntimeBundle.Library lib : bundle.libraries()) {
			expected.add(lib.fileName());
			assertEquals(lib.crc32(), CacheFolder.crc32(folder.resolve(lib
				.fileName())), lib.fileName());
		}
		assertEquals(expected, listing(folder));
		assertEquals(Set.of(bundle.folderName(), "." + bundle.folderName() +
			".lock"), listing(cache));
	}

	@Test
	void aRunLeavesTheTempFolderAsItFoundIt() throws Exception {
		Set<String> before = listing(tmp);
		Process p = java(Main.class, denoise("out.tif")).redirectErrorStream(true)
			.start();
		started.add(p);
		String output = new String(p.getInputStream().readAllBytes(),
			StandardCharsets.UTF_8);
		assertTrue(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
		assertEquals(0, p.exitValue(), output);
		assertTrue(output.startsWith("wrote " + dir.resolve("out.tif")), output);
		assertFalse(output.contains("\u001b"),
			"no coloured log line of ONNX Runtime's: " + output);
		assertEquals(before, listing(tmp));
		assertCacheIsComplete();
	}

	@Test
	void twoRunsStartingTogetherOnAnEmptyCacheBothSucceed() throws Exception {
		Set<String> before = listing(tmp);
		Process[] p = new Process[2];
		BufferedReader[] out = new BufferedReader[2];
		for (int i = 0; i < 2; i++) {
			p[i] = java(StartTogether.class, denoise("out" + i + ".tif"))
				.redirectError(dir.resolve("err" + i + ".txt").toFile()).start();
			started.add(p[i]);
			out[i] = new BufferedReader(new InputStreamReader(p[i].getInputStream(),
				StandardCharsets.UTF_8));
		}
		StartTogether.release(p, out, WAIT_SECONDS); // both JVMs are up, neither
																									// has touched the cache
		List<String> sources = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			BufferedReader r = out[i];
			String rest = CompletableFuture.supplyAsync(() -> readAll(r)).get(
				WAIT_SECONDS, TimeUnit.SECONDS);
			assertTrue(p[i].waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
			String err = Files.readString(dir.resolve("err" + i + ".txt"));
			assertEquals(0, p[i].exitValue(), rest + err);
			assertTrue(rest.startsWith("native "), rest);
			sources.add(rest.lines().findFirst().orElseThrow().substring("native "
				.length()));
			assertTrue(rest.contains("wrote " + dir.resolve("out" + i + ".tif")),
				rest);
		}
		sources.sort(null);
		assertEquals(List.of("CACHE", "UNPACKED"), sources,
			"one unpacked, the other found it after waiting");
		assertArrayEquals(Files.readAllBytes(dir.resolve("out0.tif")), Files
			.readAllBytes(dir.resolve("out1.tif")));
		assertEquals(before, listing(tmp));
		assertCacheIsComplete();
	}

	static String readAll(BufferedReader r) {
		return r.lines().collect(Collectors.joining("\n", "", "\n"));
	}
}
