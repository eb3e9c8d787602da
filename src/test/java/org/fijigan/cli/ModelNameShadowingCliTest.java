
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import org.fijigan.core.model.ModelLoader;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model NAME} where the working folder also holds a file or folder
 * called NAME: a folder that holds no model (a folder run's output, named after
 * the model) does not hide the bundled model; one that holds a model is refused
 * as ambiguous, and {@code ./NAME} picks it. Before, the folder was always
 * taken, and the run failed ("holds no model") or ran the other model without a
 * word.
 */
class ModelNameShadowingCliTest {

	@TempDir
	Path dir;

	record Run(int exitCode, String out, String err) {
	}

	/**
	 * {@code fiji-gan ARGS} as a process whose working folder is {@code work}.
	 */
	Run cliIn(Path work, Path models, Object... args) throws Exception {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty(
			"java.home"), "bin", "java").toString(), "-Xmx256m",
			"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
			"-D" + ModelLoader.MODELS_DIR_PROPERTY + "=" + models, "-cp", System
				.getProperty("java.class.path"), "org.fijigan.cli.Main"));
		for (Object a : args)
			cmd.add(String.valueOf(a));
		Path out = dir.resolve("run.out"), err = dir.resolve("run.err");
		try {
			Process p = new ProcessBuilder(cmd).directory(work.toFile())
				.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
			assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run did not end");
			return new Run(p.exitValue(), Files.readString(out,
				StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(out);
			Files.deleteIfExists(err);
		}
	}

	@Test
	void aBareNameThatIsAlsoAFolderHereIsResolvedOrRefused() throws Exception {
		Path models = dir.resolve("models"), work = Files.createDirectories(dir
			.resolve("work"));
		OnnxModels.identity(1).write(Files.createDirectories(models.resolve(
			"ident")), "model.onnx");
		assertTrue(new FileSaver(new ImagePlus("x", new ByteProcessor(8, 8)))
			.saveAsTiff(work.resolve("in.tif").toString()));
		// a folder of that name that holds no model: the bundled one runs
		Files.createDirectories(work.resolve("ident"));
		Run r = cliIn(work, models, "denoise", "--model", "ident", "-i", "in.tif",
			"-o", "a.tif", "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("model ident on cpu"), r.out());
		assertTrue(Files.isRegularFile(work.resolve("a.tif")));

		// a folder of that name that holds a model: refused, nothing written
		OnnxModels.addConstant(1, 1).write(work.resolve("ident"), "model.onnx");
		r = cliIn(work, models, "denoise", "--model", "ident", "-i", "in.tif", "-o",
			"b.tif", "--threads", 1);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: model 'ident' is both a folder here and a " +
			"bundled or installed model in " + models + ": give ./ident for the " +
			"folder, or " + models.resolve("ident") + " for the bundled one", r.err()
				.strip());
		assertEquals("", r.out());
		assertFalse(Files.exists(work.resolve("b.tif")));

		// ./NAME names the folder
		r = cliIn(work, models, "denoise", "--model", "./ident", "-i", "in.tif",
			"-o", "c.tif", "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(Files.isRegularFile(work.resolve("c.tif")));

		// a name in no folder: the message says where it looked and what is there
		r = cliIn(work, models, "denoise", "--model", "denoise", "-i", "in.tif",
			"-o", "d.tif", "--threads", 1);
		assertEquals(1, r.exitCode(), r.err());
		assertTrue(r.err().strip().startsWith("fiji-gan: model 'denoise' not " +
			"found: it is neither a file nor a model in the models folder " + models
				.toAbsolutePath().normalize()), r.err());
		assertTrue(r.err().strip().endsWith(" (models: ident)"), r.err());
		assertFalse(Files.exists(work.resolve("d.tif")));
	}
}
