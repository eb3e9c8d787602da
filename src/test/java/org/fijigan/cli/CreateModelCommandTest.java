
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.fijigan.cli.MainTest.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateModelCommandTest {

	@TempDir
	Path dir;

	@Test
	void writesASeededModelThatTheOtherCommandsRun() throws Exception {
		String model = dir.resolve("sr.onnx").toString();
		Result r = MainTest.cli("create-model", "--arch", "rrdb-sr", "--scale", "4",
			"--width", "8", "--blocks", "1", "--seed", "3", "--output", model);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("rrdb-sr") && r.out().contains(
			"task super-resolution"), r.out());
		byte[] first = Files.readAllBytes(Path.of(model));
		Result info = MainTest.cli("info", "--model", model);
		assertTrue(info.out().contains("scale:         4"), info.out());

		// the same seed again gives the same bytes; an existing file needs
		// --overwrite
		Result again = MainTest.cli("create-model", "--arch", "rrdb-sr", "--scale",
			"4", "--width", "8", "--blocks", "1", "--seed", "3", "--output", model);
		assertEquals(1, again.exitCode());
		assertTrue(again.err().contains("already exists"), again.err());
		assertEquals(0, MainTest.cli("create-model", "--arch", "rrdb-sr", "--scale",
			"4", "--width", "8", "--blocks", "1", "--seed", "3", "--output", model,
			"--overwrite").exitCode());
		assertArrayEquals(first, Files.readAllBytes(Path.of(model)));
	}

	@Test
	void classNamesReachTheGeneratorsMetadata() {
		String model = dir.resolve("gen.onnx").toString();
		assertEquals(0, MainTest.cli("create-model", "--arch", "dcgan", "--classes",
			"axial,coronal,sagittal", "--width", "8", "--size", "16", "--latent", "8",
			"--output", model).exitCode());
		Result info = MainTest.cli("info", "--model", model);
		assertTrue(info.out().contains("3 classes [axial, coronal, sagittal]"), info
			.out());
	}

	@Test
	void badRequestsAreOneLineAndWriteNothing() {
		Path out = dir.resolve("x.onnx");
		Result r = MainTest.cli("create-model", "--arch", "unet", "--output", out
			.toString());
		assertEquals(1, r.exitCode());
		assertTrue(r.err().startsWith("fiji-gan: unknown architecture 'unet'"), r
			.err());
		Result classes = MainTest.cli("create-model", "--arch", "residual-denoiser",
			"--classes", "3", "--output", out.toString());
		assertEquals("fiji-gan: classes apply to dcgan only, not to " +
			"residual-denoiser", classes.err().strip());
		Result scale = MainTest.cli("create-model", "--arch", "rrdb-sr", "--scale",
			"8", "--output", out.toString());
		assertTrue(scale.err().contains("scale 2, 3 or 4"), scale.err());
		Result init = MainTest.cli("create-model", "--arch", "residual-denoiser",
			"--init", "xavier", "--output", out.toString());
		assertEquals(1, init.exitCode());
		assertEquals("fiji-gan: unknown initialisation 'xavier': use kaiming or " +
			"pytorch", init.err().strip());
		Result initElsewhere = MainTest.cli("create-model", "--arch", "dcgan",
			"--init", "pytorch", "--output", out.toString());
		assertEquals(1, initElsewhere.exitCode());
		assertEquals("fiji-gan: --init applies to residual-denoiser only",
			initElsewhere.err().strip());
		// refused, not ignored: an option of another architecture
		for (String[] bad : new String[][] { { "residual-denoiser", "--scale", "4",
			"--scale does not apply to residual-denoiser (of these it takes --blocks)" },
			{ "rrdb-sr", "--latent", "5",
				"--latent does not apply to rrdb-sr (of these it takes --scale and --blocks)" },
			{ "gated-inpaint", "--size", "3",
				"--size does not apply to gated-inpaint" }, { "dcgan", "--blocks", "2",
					"--blocks does not apply to dcgan (of these it takes --latent and --size)" } })
		{
			Result r2 = MainTest.cli("create-model", "--arch", bad[0], bad[1], bad[2],
				"--output", out.toString());
			assertEquals(1, r2.exitCode(), bad[0]);
			assertEquals("fiji-gan: " + bad[3], r2.err().strip());
		}
		assertFalse(java.nio.file.Files.exists(out));
		for (String[] bad : new String[][] { { "a,,b", "got '' in a,,b" }, {
			"cells,nuclei,", "got '' in cells,nuclei," }, { "a,../b",
				"got '../b' in a,../b" }, { "a, b ,a",
					"class name 'a' is given twice" }, { "Cells,cells",
						"class names 'Cells' and 'cells' differ only in case in Cells,cells" },
			// a generated image's label could not be read back
			{ "x model=y,b", "fiji-gan: class name 'x model=y' in x model=y,b " +
				"holds ' model=', which a generated image's label puts after the " +
				"class name (SYNTHETIC ... class=C model=M sha256=H): the label " +
				"could not be read back; rename the class" } })
		{
			Result names = MainTest.cli("create-model", "--arch", "dcgan",
				"--classes", bad[0], "--output", out.toString());
			assertEquals(1, names.exitCode(), bad[0]);
			assertTrue(names.err().contains(bad[1]), names.err());
		}
		Path nowhere = dir.resolve("missing").resolve("x.onnx");
		Result folder = MainTest.cli("create-model", "--arch", "rrdb-sr",
			"--output", nowhere.toString());
		assertEquals("fiji-gan: cannot write " + nowhere + ": the folder " + nowhere
			.getParent() + " does not exist", folder.err().strip());
		assertFalse(Files.exists(out));
		assertEquals(0, dir.toFile().list().length, "no temporary left behind");
	}

	@Test
	void aDepthBelowTheArchitecturesOwnOrZeroIsRefusedAndNothingIsWritten() {
		Path out = dir.resolve("m.onnx");
		for (String[] bad : new String[][] { { "residual-denoiser", "1",
			"--blocks of residual-denoiser counts its convolution layers, 3 to 64 (default 8), not 1" },
			{ "residual-denoiser", "2",
				"--blocks of residual-denoiser counts its convolution layers, 3 to 64 (default 8), not 2" },
			{ "residual-denoiser", "0",
				"--blocks of residual-denoiser counts its convolution layers, 3 to 64 (default 8), not 0" },
			{ "rrdb-sr", "0",
				"--blocks of rrdb-sr counts its RRDB blocks, 1 to 64 (default 2), not 0" } })
		{
			Result r = MainTest.cli("create-model", "--arch", bad[0], "--blocks",
				bad[1], "--width", "4", "--output", out.toString());
			assertEquals(1, r.exitCode(), bad[0] + " " + bad[1]);
			assertEquals("fiji-gan: " + bad[2], r.err().strip());
			assertFalse(Files.exists(out));
		}
		for (String[] bad : new String[][] { { "--width", "0",
			"width must be 4..512, got 0" }, { "--width", "3",
				"width must be 4..512, got 3" } })
		{
			Result r = MainTest.cli("create-model", "--arch", "residual-denoiser",
				bad[0], bad[1], "--output", out.toString());
			assertEquals("fiji-gan: " + bad[2], r.err().strip());
		}
		Result latent = MainTest.cli("create-model", "--arch", "dcgan", "--latent",
			"0", "--output", out.toString());
		assertEquals("fiji-gan: latent length must be 1..4096, got 0", latent.err()
			.strip());
		Result size = MainTest.cli("create-model", "--arch", "dcgan", "--size", "0",
			"--output", out.toString());
		assertEquals(
			"fiji-gan: dcgan needs a power-of-two size from 8 to 1024, got 0", size
				.err().strip());
		assertFalse(Files.exists(out));
		Result fine = MainTest.cli("create-model", "--arch", "residual-denoiser",
			"--blocks", "3", "--width", "4", "--output", out.toString());
		assertEquals(0, fine.exitCode(), fine.err());
	}
}
