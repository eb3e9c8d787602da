
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input (image, mask, model, training image) is never written over, also not
 * with {@code --overwrite}, whatever the output's spelling: the same path,
 * {@code sub/../a.tif}, a symbolic link, a hard link, an output folder that is
 * the input folder by another name. Each is refused with one line before the
 * run, and the input keeps its bytes. Nor is a file outside an output folder
 * written through a symbolic link inside it. Fine-tune replaces its input model
 * only with {@code --replace-input-model}.
 */
class SourceNeverOverwrittenTest {

	@TempDir
	Path dir;

	Path image(Path file, long seed) throws IOException {
		Files.createDirectories(file.getParent());
		byte[] px = new byte[24 * 16];
		new Random(seed).nextBytes(px);
		assertTrue(new FileSaver(new ImagePlus("x", new ByteProcessor(24, 16, px)))
			.saveAsTiff(file.toString()));
		return file;
	}

	/**
	 * Exit 1, one line containing {@code problem}, no stdout, and {@code kept}
	 * byte for byte.
	 */
	void assertRefusedKeeping(Path kept, String problem, Object... args)
		throws IOException
	{
		byte[] before = Files.readAllBytes(kept);
		Result r = MainTest.cli(args);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals(1, r.errLines().size(), r.err());
		assertTrue(r.err().contains(problem), r.err());
		assertEquals("", r.out());
		assertArrayEquals(before, Files.readAllBytes(kept));
	}

	@Test
	void theInputImageUnderAnyNameIsNeverTheOutput() throws IOException {
		Path model = OnnxModels.addConstant(1, 3).write(dir, "add.onnx");
		Path in = image(dir.resolve("a.tif"), 1);
		Files.createDirectories(dir.resolve("sub"));
		Path link = Files.createSymbolicLink(dir.resolve("link.tif"), in);
		Path hard = Files.createLink(dir.resolve("hard.tif"), in);
		String never =
			"fiji-gan never writes over its inputs, also not with --overwrite";
		for (Path out : new Path[] { in, dir.resolve("sub/../a.tif"), dir.resolve(
			"./sub/.././a.tif"), link, hard })
			assertRefusedKeeping(in, "the output " + out.toAbsolutePath() +
				" is the input image " + in, "denoise", "-m", model, "-i", in, "-o",
				out, "--overwrite", "--device", "cpu");
		assertRefusedKeeping(in, "(the same file, through a hard link): " + never,
			"denoise", "-m", model, "-i", in, "-o", hard, "--overwrite", "--device",
			"cpu");
		assertRefusedKeeping(in,
			"(the same file, by another path or through a symbolic link)", "denoise",
			"-m", model, "-i", in, "-o", link, "--overwrite", "--device", "cpu");

		// the input given by another spelling, the output plain
		assertRefusedKeeping(in, "is the input " + dir.resolve("sub/../a.tif"),
			"run", "-m", model, "-i", dir.resolve("sub/../a.tif"), "-o", in,
			"--overwrite", "--device", "cpu");
	}

	@Test
	void theMaskAndTheModelAreNeverTheOutput() throws IOException {
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path in = image(dir.resolve("a.tif"), 2);
		Path mask = image(dir.resolve("mask.tif"), 3);
		assertRefusedKeeping(mask, "is the mask " + mask, "inpaint", "-m", model,
			"-i", in, "--mask", mask, "-o", mask, "--overwrite", "--device", "cpu");
		Path modelAsTif = Files.createLink(dir.resolve("model.tif"), model);
		assertRefusedKeeping(model, "is the model " + model, "inpaint", "-m", model,
			"-i", in, "--mask", mask, "-o", modelAsTif, "--overwrite", "--device",
			"cpu");
	}

	@Test
	void theCommandsThatReadResultsNeverWriteOverWhatTheyRead()
		throws IOException
	{
		Path model = OnnxModels.addConstant(1, 3).write(dir, "add.onnx");
		Path in = image(dir.resolve("a.tif"), 8);
		Path result = image(dir.resolve("b.tif"), 9);
		for (String what : new String[] { "consistency", "residual" }) {
			assertRefusedKeeping(result, "the output " + result + " is the result " +
				result, "trust", what, "-i", in, "-r", result, "-o", result,
				"--overwrite");
			assertRefusedKeeping(in, "the output " + in + " is the input image " + in,
				"trust", what, "-i", in, "-r", result, "-o", in, "--overwrite");
		}
		assertRefusedKeeping(in, "the output " + in + " is the input image " + in,
			"trust", "provenance", "-i", in, "-o", in, "--overwrite");

		// evaluate: a file in a data folder, or the model, is no CSV's place
		Path data = dir.resolve("data");
		Path c = image(data.resolve("sub/c.tif"), 10);
		image(data.resolve("d.tif"), 11);
		assertRefusedKeeping(c, "the output " + c.toAbsolutePath() +
			" is a file in the data folder " + data, "evaluate", "-m", model,
			"--data", data, "-o", c, "--overwrite", "--device", "cpu");
		assertRefusedKeeping(model, "is the model", "evaluate", "-m", model,
			"--data", data, "-o", model, "--overwrite", "--device", "cpu");
	}

	/**
	 * A model given as a package folder or a bundled name: its descriptor, test
	 * tensors and samples are inputs too, not only its weights. evaluate had
	 * replaced the descriptor with its CSV, and denoise a sample with its result,
	 * also in a folder run.
	 */
	@Test
	void theFilesOfAModelPackageAreNeverTheOutput() throws IOException {
		Path models = Files.createDirectories(dir.resolve("models"));
		Path pkg = models.resolve("add");
		Result made = MainTest.cli("package-model", "--model", OnnxModels
			.addConstant(1, 3).write(dir, "add.onnx"), "--output", pkg, "--task",
			"denoise", "--name", "add model", "--description", "d", "--sample", image(
				dir.resolve("s.tif"), 13));
		assertEquals(0, made.exitCode(), made.err());
		Path rdf = pkg.resolve("rdf.yaml"), sample = pkg.resolve(
			"sample_output.tif"), test = pkg.resolve("test_input.npy");
		Path data = dir.resolve("data");
		image(data.resolve("d.tif"), 14);
		String old = System.getProperty("fijigan.models.dir");
		try {
			System.setProperty("fijigan.models.dir", models.toString());
			assertRefusedKeeping(rdf, "the output " + rdf + " is the model's file " +
				rdf + ": fiji-gan never writes over its inputs", "evaluate", "-m",
				"add", "--data", data, "-o", rdf, "--overwrite", "--device", "cpu");
		}
		finally {
			if (old == null) System.clearProperty("fijigan.models.dir");
			else System.setProperty("fijigan.models.dir", old);
		}
		assertRefusedKeeping(test, "is the model's file " + test, "evaluate", "-m",
			pkg, "--data", data, "-o", test, "--overwrite", "--device", "cpu");
		assertRefusedKeeping(sample, "is the model's file " + sample, "denoise",
			"-m", pkg, "-i", data.resolve("d.tif"), "-o", sample, "--overwrite",
			"--device", "cpu");
		// a folder run whose input has a file of that name
		Path in = dir.resolve("in");
		image(in.resolve("sample_output.tif"), 15);
		assertRefusedKeeping(sample, "the output " + sample +
			" is the model's file " + sample, "denoise", "-m", pkg, "-i", in, "-o",
			pkg, "--overwrite", "--device", "cpu");
	}

	@Test
	void generateKeepsItsLatentFileOutOfTheFolderItFills() throws IOException {
		Path model = OnnxModels.generator(4, 0, 5, 6).write(dir, "g.onnx");
		Path out = Files.createDirectories(dir.resolve("out"));
		Path latents = out.resolve("synthetic-000000.npy");
		org.fijigan.core.image.Npy.writeFloat(latents, new float[2 * 4], 2, 4);
		assertRefusedKeeping(latents, "the latent file " + latents +
			" is inside the output folder " + out +
			", whose files a run may replace: keep it outside", "generate", "-m",
			model, "--latent", latents, "-o", out, "--format", "npy", "--overwrite",
			"--device", "cpu");
	}

	@Test
	void aPackageNeverReplacesTheSampleItWasMadeFrom() throws IOException {
		Path model = OnnxModels.addConstant(1, 3).write(dir, "add.onnx");
		Path pkg = dir.resolve("pkg");
		Path sample = image(dir.resolve("s.tif"), 12);
		Result first = MainTest.cli("package-model", "--model", model, "--output",
			pkg, "--name", "add model", "--description", "d", "--sample", sample);
		assertEquals(0, first.exitCode(), first.err());
		Path packaged;
		try (java.util.stream.Stream<Path> s = Files.list(pkg)) {
			packaged = s.filter(p -> p.getFileName().toString().matches(
				".*input.*\\.(png|tif)")).findFirst().orElseThrow();
		}
		Files.copy(sample, packaged,
			java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		assertRefusedKeeping(packaged, "is the sample " + packaged, "package-model",
			"--model", model, "--output", pkg, "--name", "add model", "--description",
			"d", "--sample", packaged, "--overwrite");
	}

	@Test
	void aFolderRunNeverWritesOverItsInputs() throws IOException {
		Path model = OnnxModels.addConstant(1, 3).write(dir, "add.onnx");
		Path in = dir.resolve("in");
		Path a = image(in.resolve("a.tif"), 4);
		image(in.resolve("b.tif"), 5);

		// the output folder is the input folder, through a link
		Path alias = Files.createSymbolicLink(dir.resolve("alias"), in);
		assertRefusedKeeping(a,
			"write the results to another folder than the inputs (" + in + ", " +
				"which " + alias + " also names)", "denoise", "-m", model, "-i", in,
			"-o", alias, "--overwrite", "--device", "cpu");

		// an earlier output that is a hard link to an input
		Path out = Files.createDirectories(dir.resolve("out"));
		Files.createLink(out.resolve("a.tif"), a);
		assertRefusedKeeping(a, "the output " + out.resolve("a.tif") +
			" is the input image " + a + " (the same file, through a hard link)",
			"denoise", "-m", model, "-i", in, "-o", out, "--overwrite", "--device",
			"cpu");
		assertFalse(Files.exists(out.resolve("b.tif")),
			"nothing is written before the refusal");

		// the output folder is the mask folder
		Path inpaint = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path masks = dir.resolve("masks");
		Path maskA = image(masks.resolve("a.tif"), 6);
		image(masks.resolve("b.tif"), 7);
		assertRefusedKeeping(maskA,
			"write the results to another folder than the masks (" + masks + ")",
			"inpaint", "-m", inpaint, "-i", in, "--mask", masks, "-o", masks,
			"--overwrite", "--device", "cpu");
	}

	/**
	 * A folder run whose input has a sub-folder, and generate --per-class, into
	 * an output folder where that sub-folder is a symbolic link to another
	 * folder: the results had been written where the link led, and with
	 * --overwrite a file of the same name there replaced. Refused before anything
	 * is written; the output folder itself may be a link.
	 */
	@Test
	void aFolderRunWritesNothingThroughALinkInsideItsOutputFolder()
		throws IOException
	{
		Path model = OnnxModels.addConstant(1, 3).write(dir, "add.onnx");
		Path in = dir.resolve("in");
		image(in.resolve("sub/a.tif"), 4);
		Path victim = Files.createDirectories(dir.resolve("victim"));
		Path kept = image(victim.resolve("a.tif"), 9);
		Path out = Files.createDirectories(dir.resolve("out"));
		Path link = Files.createSymbolicLink(out.resolve("sub"), victim);
		assertRefusedKeeping(kept, link + " is a symbolic link to " + victim +
			": results are not written through a link inside the output folder " +
			"(they would land outside " + out +
			"); remove the link or choose another output folder", "denoise", "-m",
			model, "-i", in, "-o", out, "--overwrite", "--device", "cpu");
		assertEquals(java.util.List.of(link), Files.list(out).toList(),
			"no manifest, nothing written");
		assertEquals(java.util.List.of(kept), Files.list(victim).toList());

		Path gen = OnnxModels.generator(4, 2, 5, 6).metadata("fiji-gan.class_names",
			"axial,coronal").write(dir, "gen.onnx");
		Path samples = Files.createDirectories(dir.resolve("samples"));
		Path classLink = Files.createSymbolicLink(samples.resolve("coronal"),
			victim);
		assertRefusedKeeping(kept, classLink + " is a symbolic link to " + victim +
			": results are not written", "generate", "-m", gen, "-o", samples,
			"--per-class", 2, "--overwrite", "--device", "cpu");
		assertEquals(java.util.List.of(classLink), Files.list(samples).toList());
		assertEquals(java.util.List.of(kept), Files.list(victim).toList());

		// the output folder itself a link: written where it leads
		Path real = Files.createDirectories(dir.resolve("real"));
		Path alias = Files.createSymbolicLink(dir.resolve("alias"), real);
		Result r = MainTest.cli("denoise", "-m", model, "-i", in, "-o", alias,
			"--device", "cpu");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(Files.isRegularFile(real.resolve("sub/a.tif")));
	}

	@Test
	void fineTuneReplacesItsInputModelOnlyWhenToldTo() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		image(dir.resolve("data/a.tif"), 8);
		Object[] common = { "--task", "denoise", "--data", dir.resolve("data"),
			"--steps", 1, "--patch", 8, "--batch", 1, "--validation", 0, "--device",
			"cpu" };
		assertRefusedKeeping(model, "the output " + model +
			" is the model being fine-tuned (" + model +
			"): write the fine-tuned model to another file, or pass --replace-input-model",
			concat(new Object[] { "fine-tune", "-m", model, "-o", model,
				"--overwrite" }, common));
		assertRefusedKeeping(model, "is the model being fine-tuned", concat(
			new Object[] { "fine-tune", "-m", model, "-o", dir.resolve(
				"data/../den.onnx") }, common));

		byte[] before = Files.readAllBytes(model);
		Result r = MainTest.cli(concat(new Object[] { "fine-tune", "-m", model,
			"-o", model, "--replace-input-model" }, common));
		assertEquals(0, r.exitCode(), r.err());
		assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(model)),
			"the model was replaced");

		// the loss plot may not replace a training image either
		Path plot = image(dir.resolve("data/tuned-loss.png").resolveSibling(
			"x.tif"), 9);
		Files.move(plot, dir.resolve("data/tuned-loss.png"));
		assertRefusedKeeping(dir.resolve("data/tuned-loss.png"), "the output " + dir
			.resolve("data/tuned-loss.png") + " is the training image", concat(
				new Object[] { "fine-tune", "-m", model, "-o", dir.resolve(
					"data/tuned.onnx"), "--overwrite" }, common));
	}

	static Object[] concat(Object[] a, Object[] b) {
		Object[] c = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, c, a.length, b.length);
		return c;
	}
}
