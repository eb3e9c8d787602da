
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX Runtime's Java binding releases its environment in a shutdown hook of
 * its own, which runs beside a command still finishing its image after Ctrl-C
 * or SIGTERM: a model that fails to load then failed for the shutdown, and is a
 * cancellation (nothing recorded), not a failed image in a manifest.
 */
class ShutdownRaceTest {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "loaded", "fresh" })
	void aModelThatFailsToLoadOnceTheJvmIsShuttingDownWasCancelled(String when)
		throws Exception
	{
		Path model = OnnxModels.fixedShape(1, 2, 2).write(dir, "m.onnx");
		Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"),
			"bin", "java").toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
			"-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
			ShutdownRaceMain.class.getName(), model.toString(), when)
			.redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
			.start();
		assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the child did not end");
		List<String> out = Files.readAllLines(dir.resolve("out.txt"));
		assertEquals(List.of("cancelled"), out, String.join("\n", out));
	}
}
