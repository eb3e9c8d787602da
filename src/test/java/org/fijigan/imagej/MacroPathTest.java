
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.fijigan.core.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run("Denoise...", "model=... normalize=none float")} under the ImageJ
 * patcher, headless, as Fiji --headless runs macros. The patcher must rewrite
 * ImageJ's classes before any of them loads, which a test JVM shared with other
 * ImageJ tests cannot promise, and (on Java 17) needs
 * {@code --add-opens java.base/java.lang}: so the scenario runs in a JVM of its
 * own.
 */
class MacroPathTest {

	@Test
	void denoiseRunsFromMacrosHeadlessUnderTheImageJPatcher(@TempDir Path dir)
		throws Exception
	{
		String java = Path.of(System.getProperty("java.home"), "bin", "java")
			.toString();
		String classPath = System.getProperty("surefire.test.class.path", System
			.getProperty("java.class.path"));
		Process p = new ProcessBuilder(java,
			"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djava.awt.headless=true",
			"-D" + ModelLoader.MODELS_DIR_PROPERTY + "=" + Path.of("models")
				.toAbsolutePath(), "-cp", classPath, HeadlessMacroMain.class.getName(),
			dir.toString()).redirectErrorStream(true).start();
		String output = new String(p.getInputStream().readAllBytes(),
			StandardCharsets.UTF_8);
		assertTrue(p.waitFor(5, TimeUnit.MINUTES),
			"the scenario JVM did not finish");
		assertEquals(0, p.exitValue(), output);
		assertTrue(output.contains("MACRO SCENARIO PASSED"), output);
		assertTrue(output.contains(
			"fiji-gan error: tile size 'huge' must be auto, none or a positive " +
				"number of pixels"), output);
		assertTrue(output.contains("fiji-gan error: no model given"), output);
		assertTrue(output.contains(
			"fiji-gan error: threads must be a number, not '4x'"), output);
		assertTrue(output.contains("fiji-gan error: Denoise has no field with " +
			"the macro key 'normalise': did you mean 'normalize'?"), output);
		assertTrue(output.contains(
			"fiji-gan error: count must be a number, not 'abc'"), output);
		assertTrue(output.contains(
			"fiji-gan error: count must be a whole number, not '2.6'"), output);
		assertFalse(output.contains("NumberFormatException"), output);
		assertTrue(output.contains("task:          image-to-image"),
			"Model Info logs headless:\n" + output);
		assertTrue(output.contains(": denoise vs best baseline ("),
			"Evaluate Model logs its comparison:\n" + output);
	}
}
