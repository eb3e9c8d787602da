
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.arch.Architecture;
import org.fijigan.core.model.arch.ArchitectureOptions;
import org.fijigan.core.model.arch.ArchitectureOptions.WeightInit;
import org.fijigan.core.model.arch.Architectures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins > GAN > Create Model... from macro options, headless, through the
 * ImageJ 1 bridge: the file holds exactly the model the engine creates for the
 * same options, and a refused request writes nothing.
 */
class CreateModelFromMacroTest {

	@TempDir
	Path dir;

	@Test
	void aConditionalGeneratorFromAMacroIsTheEnginesModelForThoseOptions()
		throws IOException
	{
		Path out = dir.resolve("gen.onnx");
		MacroRun.plugIn("create-model", "architecture=dcgan output=[" + out +
			"] channels=1 classes=[axial, coronal,sagittal] latent=8 width=8 size=16 seed=4");
		ModelDescriptor d = ModelLoader.load(out.toString(), ModelOverrides.NONE);
		assertEquals(List.of("axial", "coronal", "sagittal"), d.generator()
			.classNames());
		assertEquals(8, d.generator().latentDim());
		assertArrayEquals(Architectures.create(Architecture.DCGAN,
			new ArchitectureOptions(2, 1, 3, List.of("axial", "coronal", "sagittal"),
				8, 8, 0, 16, 4)).toByteArray(), Files.readAllBytes(out));
	}

	@Test
	void theDenoisersInitialisationIsAField() throws IOException {
		Path out = dir.resolve("den.onnx");
		MacroRun.plugIn("create-model", "architecture=residual-denoiser output=[" +
			out + "] channels=1 width=8 blocks=3 initialisation=pytorch seed=2");
		assertArrayEquals(Architectures.create(Architecture.DENOISER,
			new ArchitectureOptions(2, 1, 0, List.of(), 64, 8, 3, 64, 2,
				WeightInit.PYTORCH)).toByteArray(), Files.readAllBytes(out));
	}

	/**
	 * The seed is the macro's, not a {@code seed=} inside the output's path,
	 * which ImageJ's own reading takes.
	 */
	@Test
	void aKeyInsideTheOutputsPathIsPartOfThePath() throws IOException {
		Path out = Files.createDirectories(dir.resolve("runs seed=5 x")).resolve(
			"den.onnx");
		MacroRun.plugIn("create-model", "architecture=residual-denoiser output=[" +
			out + "] channels=1 width=4 seed=1 blocks=3");
		assertArrayEquals(Architectures.create(Architecture.DENOISER,
			new ArchitectureOptions(2, 1, 0, List.of(), 64, 4, 3, 64, 1))
			.toByteArray(), Files.readAllBytes(out));
	}

	@Test
	void classesOutsideDcganAndAnExistingFileAreRefusedAndWriteNothing()
		throws IOException
	{
		CreateModelCommand c = new CreateModelCommand();
		c.architecture = "rrdb-sr";
		c.classes = "2";
		c.output = dir.resolve("sr.onnx").toFile();
		c.run();
		assertEquals("classes apply to dcgan only, not to rrdb-sr", c
			.errorMessage());
		assertNull(c.created());
		assertEquals(0, dir.toFile().list().length);

		File existing = dir.resolve("old.onnx").toFile();
		Files.writeString(existing.toPath(), "not a model");
		c.classes = "";
		c.output = existing;
		c.run();
		assertEquals(existing + " already exists; tick Overwrite to replace it", c
			.errorMessage());
		assertEquals("not a model", Files.readString(existing.toPath()));
		assertEquals(1, dir.toFile().list().length, "no temporary left behind");

		c.overwrite = true;
		c.run();
		assertNull(c.errorMessage());
		assertEquals("super-resolution", c.created().task());
		assertEquals(Files.size(existing.toPath()), c.created().bytes());
	}

	@Test
	void aFolderNamedAsTheOutputIsRefusedBeforeAnythingIsWritten()
		throws IOException
	{
		Path folder = Files.createDirectories(dir.resolve("v3.onnx"));
		CreateModelCommand c = new CreateModelCommand();
		c.architecture = "rrdb-sr";
		c.output = folder.toFile();
		c.overwrite = true;
		c.run();
		assertEquals(folder + " is a folder: the model is written to a file; " +
			"choose another name", c.errorMessage());
		assertTrue(Files.isDirectory(folder));
		assertEquals(1, dir.toFile().list().length, "no temporary left behind");
	}
}
