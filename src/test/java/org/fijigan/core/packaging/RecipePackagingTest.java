
package org.fijigan.core.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code models/recipes/package.sh NAME} runs a recipe's packaging stage alone,
 * as docs/bundled-models.md says: without data, training or evaluation. Run
 * here with a stand-in launcher that records its arguments, an empty data cache
 * and a package folder holding only the weights and the card.
 */
class RecipePackagingTest {

	private static final Path RECIPES = Path.of("models", "recipes");

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "sr-x2", "sr-x4", "denoise", "inpaint",
		"inpaint-fast", "mri-generator" })
	void packagingAloneNeedsNoDataNorWorkFolder(String name) throws Exception {
		Assumptions.assumeTrue(Files.isRegularFile(RECIPES.resolve("package.sh")),
			"no recipes");
		Assumptions.assumeFalse(System.getProperty("os.name").toLowerCase()
			.startsWith("win"), "needs sh");
		Path data = Files.createDirectories(dir.resolve("data"));
		Path work = Files.createDirectories(dir.resolve("work"));
		Path out = Files.createDirectories(dir.resolve("out").resolve(name));
		Files.writeString(out.resolve(name + ".onnx"), "weights");
		Files.writeString(out.resolve("README.md"), "card");
		Path log = dir.resolve("calls.txt");
		Path launcher = dir.resolve("fiji-gan");
		Files.writeString(launcher, "#!/bin/sh\necho \"$@\" >> '" + log + "'\n");
		assertTrue(launcher.toFile().setExecutable(true));
		ProcessBuilder pb = new ProcessBuilder("sh", RECIPES.resolve("package.sh")
			.toString(), name).redirectErrorStream(true);
		pb.environment().put("FIJI_GAN", launcher.toString());
		pb.environment().put("FIJI_GAN_DATA", data.toString());
		pb.environment().put("FIJI_GAN_WORK", work.toString());
		pb.environment().put("FIJI_GAN_OUT", dir.resolve("out").toString());
		pb.environment().put("HOME", dir.toString());
		Process p = pb.start();
		String said = new String(p.getInputStream().readAllBytes(),
			StandardCharsets.UTF_8);
		assertTrue(p.waitFor(60, TimeUnit.SECONDS), said);
		assertEquals(0, p.exitValue(), said);
		List<String> calls = Files.readAllLines(log);
		assertEquals(1, calls.size(), calls.toString());
		assertTrue(calls.get(0).startsWith("package-model -m " + out.resolve(name +
			".onnx")), calls.get(0));
		assertEquals(List.of(), listed(data), "the data cache was written");
		assertEquals(List.of(), listed(work), "the work folder was written");
	}

	private static List<Path> listed(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.toList();
		}
	}
}
