
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.image.Npy;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs and arguments, and faults while writing, through the command line:
 * each ends with exit code 1, one line on stderr naming the problem, nothing on
 * stdout, and the folder exactly as it was (same names, same bytes). A full and
 * a read-only disk are real: a tiny tmpfs, mounted when this process may mount
 * (root in CI), skipped otherwise.
 */
class BadInputsAndFaultsCliTest {

	@TempDir
	Path dir;

	final List<Path> mounts = new ArrayList<>();

	@AfterEach
	void unmount() throws Exception {
		for (Path m : mounts)
			new ProcessBuilder("umount", "-l", m.toString()).inheritIO().start()
				.waitFor(10, TimeUnit.SECONDS);
	}

	/**
	 * Every file under {@code dir} with its bytes, to compare before and after.
	 */
	Map<String, String> snapshot() throws IOException {
		Map<String, String> m = new TreeMap<>();
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : s.filter(Files::isRegularFile).toList())
				m.put(dir.relativize(p).toString(), java.util.HexFormat.of().formatHex(
					java.security.MessageDigest.getInstance("SHA-256").digest(Files
						.readAllBytes(p))));
		}
		catch (java.security.NoSuchAlgorithmException e) {
			throw new AssertionError(e);
		}
		return m;
	}

	/**
	 * Exit 1, one stderr line containing {@code problem}, no stdout, every file
	 * as it was.
	 */
	Result assertFailsCleanly(String problem, Object... args) throws IOException {
		Map<String, String> before = snapshot();
		Result r = MainTest.cli(args);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals(1, r.errLines().size(), r.err());
		assertTrue(r.err().startsWith("fiji-gan: ") && r.err().contains(problem), r
			.err());
		assertEquals("", r.out());
		assertEquals(before, snapshot(), "files changed or left behind");
		return r;
	}

	Path tiff8(String name, int w, int h) {
		byte[] p = new byte[w * h];
		for (int i = 0; i < p.length; i++)
			p[i] = (byte) (i * 37);
		Path file = dir.resolve(name);
		assertTrue(new FileSaver(new ImagePlus(name, new ByteProcessor(w, h, p)))
			.saveAsTiff(file.toString()));
		return file;
	}

	/**
	 * A model package cut short, as a model and to install: the user read "cannot
	 * unpack trunc.zip: java.io.EOFException: Unexpected end of ZLIB input
	 * stream".
	 */
	@Test
	void aTruncatedModelPackageIsSaidToBeTruncatedInWords() throws IOException {
		byte[] weights = new byte[20000]; // random: deflates to about as many bytes
		new java.util.Random(5).nextBytes(weights);
		byte[] zip = org.fijigan.testing.ZipBytes.zip(Map.of("model.onnx", weights,
			"rdf.yaml", "format_version: 0.5.3\n".getBytes()));
		Path trunc = Files.write(dir.resolve("trunc.zip"), java.util.Arrays.copyOf(
			zip, 5000));
		Path out = dir.resolve("out.tif");
		Result run = MainTest.cli("denoise", "--model", trunc, "-i", tiff8("in.tif",
			8, 8), "-o", out);
		assertEquals("fiji-gan: " + trunc +
			" is truncated or damaged (its central " +
			"directory, the list of entries at its end, is missing)", run.err()
				.strip());
		assertEquals(1, run.exitCode());
		assertFalse(Files.exists(out), "an output was written");
		Path store = dir.resolve("store");
		Result install = MainTest.cli("models", "install", trunc, "--dir", store);
		assertEquals("fiji-gan: " + trunc +
			" is truncated or damaged (its central " +
			"directory, the list of entries at its end, is missing)", install.err()
				.strip());
		assertEquals(1, install.exitCode());
		assertEquals(List.of(), files(store));
	}

	/** The files under {@code folder}, none when it does not exist. */
	static List<Path> files(Path folder) throws IOException {
		if (!Files.exists(folder)) return List.of();
		try (Stream<Path> s = Files.walk(folder)) {
			return s.filter(Files::isRegularFile).toList();
		}
	}

	@Test
	void anEmptyTensorIsRefused() throws IOException {
		Path in = dir.resolve("empty.npy");
		Npy.writeFloat(in, new float[0], 1, 0, 4);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		assertFailsCleanly("empty.npy has an empty shape [1, 0, 4]", "run", "-m",
			model, "-i", in, "-o", dir.resolve("out.npy"));
	}

	@Test
	void aModelOnnxRuntimeCannotLoadIsNamedForWhyNotSentToTheScaleProbe()
		throws IOException
	{
		Path in = tiff8("in.tif", 8, 8);
		Path unknown = OnnxModels.builder().input("x", "N,1,H,W").node("FooBar",
			"x", "y").output("y", "N,1,H,W").write(dir, "foo.onnx");
		Result r = assertFailsCleanly("fiji-gan: ONNX Runtime cannot load " +
			"foo.onnx: it uses the operator FooBar, which ONNX Runtime does not " +
			"have at opset", "run", "-m", unknown, "-i", in, "-o", dir.resolve(
				"out.tif"));
		assertFalse(r.err().contains("--scale") || r.err().contains("Error code"), r
			.err());
		Path future = OnnxModels.builder().input("x", "N,1,H,W").node("Relu", "x",
			"y").output("y", "N,1,H,W").opset(99).write(dir, "future.onnx");
		Result f = assertFailsCleanly("fiji-gan: ONNX Runtime cannot load " +
			"future.onnx: ONNX Runtime only *guarantees* support", "run", "-m",
			future, "-i", in, "-o", dir.resolve("out.tif"));
		assertFalse(f.err().contains("onnxruntime::"), f.err());
	}

	@Test
	void aModelOfTheOtherTaskIsRefusedUnlessTaskSaysHowToRunIt()
		throws IOException
	{
		Path in = tiff8("in.tif", 8, 8);
		Path sr = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		// a super-resolution model in denoise would enlarge the image: refused as
		// Fiji's Denoise... refuses it, naming the command that runs it
		// (--task denoise is no way out: a denoise model keeps the size)
		assertFailsCleanly("fiji-gan: sr is a super-resolution model (scale 2): " +
			"run it with 'fiji-gan super-resolution'", "denoise", "-m", sr, "-i", in,
			"-o", dir.resolve("out.tif"));
		Path dn = OnnxModels.builder().metadata("fiji-gan.task", "denoise").input(
			"x", "N,1,H,W").node("Identity", "x", "y").output("y", "N,1,H,W").write(
				dir, "dn.onnx");
		assertFailsCleanly("fiji-gan: dn is a denoise model (scale 1): run it " +
			"with 'fiji-gan denoise', or pass --task super-resolution if it should " +
			"run as a super-resolution model", "super-resolution", "-m", dn, "-i", in,
			"-o", dir.resolve("out.tif"));
		assertFailsCleanly("fiji-gan: model sr has a scale of 2 (graph), but a " +
			"denoise model's result is its input's size (scale 1): run it as " +
			"super-resolution, or state a scale of 1", "denoise", "-m", sr, "-i", in,
			"-o", dir.resolve("out.tif"), "--task", "denoise");
		// asked for: a denoiser runs as super-resolution, and an 8-bit image
		// written as .npy is said to be what the file holds
		Result npy = MainTest.cli("super-resolution", "-m", dn, "-i", in, "-o", dir
			.resolve("out.npy"), "--task", "super-resolution");
		assertEquals(0, npy.exitCode(), npy.err());
		assertTrue(npy.out().startsWith("wrote " + dir.resolve("out.npy") +
			" (8x8, 32-bit float (.npy))"), npy.out());
		// a generic model runs from either
		Path any = OnnxModels.builder().input("x", "N,1,H,W").node("Identity", "x",
			"y").output("y", "N,1,H,W").write(dir, "any.onnx");
		assertEquals(0, MainTest.cli("super-resolution", "-m", any, "-i", in, "-o",
			dir.resolve("any.tif")).exitCode());
	}

	@Test
	void valuesClippedToAnIntegerResultAreCounted() throws IOException {
		// 16 x 16 values i * 37 mod 256; +0.5 of the range pushes those above 130
		// past 255 * 1.01
		Path in = tiff8("in.tif", 16, 16);
		Path add = OnnxModels.addConstant(1, 0.5f).write(dir, "add.onnx");
		int over = 0;
		for (int i = 0; i < 256; i++)
			if ((i * 37 & 0xff) + 127.5 > 255 * 1.01) over++;
		Result r = MainTest.cli("run", "-m", add, "-i", in, "-o", dir.resolve(
			"out.tif"), "--normalize", "range");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: " + over + " result values lay more " +
			"than 1% beyond the 8-bit range and were clipped to it"), r.out());
		Result kept = MainTest.cli("run", "-m", add, "-i", in, "-o", dir.resolve(
			"out32.tif"), "--normalize", "range", "--float");
		assertFalse(kept.out().contains("clipped"), kept.out());
	}

	@Test
	void anOutputUnderAFileSaysTheFileIsNoFolder() throws IOException {
		Path in = tiff8("in.tif", 8, 8);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		assertFailsCleanly("output folder " + in + " is a file, not a folder",
			"run", "-m", model, "-i", in, "-o", in.resolve("out.tif"));
		Path folder = Files.createDirectories(dir.resolve("images"));
		tiff8("images/a.tif", 8, 8);
		assertFailsCleanly("cannot create folder " + in + ": " + in +
			" is a file, not a folder", "run", "-m", model, "-i", folder, "-o", in);
	}

	/**
	 * An output folder given as a symbolic link to nothing is said to be one, by
	 * every command that makes a folder: the user read "is a file, not a folder".
	 * And a file where create-model's folder should be is a file.
	 */
	@Test
	void anOutputFolderThatIsALinkToNothingIsSaidToBeOne() throws IOException {
		Path link = Files.createSymbolicLink(dir.resolve("out"), dir.resolve(
			"gone"));
		String dangling = link + " is a symbolic link to " + dir.resolve("gone") +
			", which does not exist";
		Path conv = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		Path gen = OnnxModels.generator(8, 0, 5, 4).write(dir, "gan.onnx");
		Files.createDirectories(dir.resolve("data"));
		tiff8("data/a.tif", 16, 16);
		Path data = dir.resolve("data");
		List<Object[]> commands = List.of(new Object[] { "denoise", "-m", conv,
			"-i", data, "-o", link }, new Object[] { "generate", "-m", gen, "-o",
				link, "--count", 2 }, new Object[] { "demo", "-o", link },
			new Object[] { "package-model", "-m", conv, "--output", link, "--name",
				"Den model", "--description", "d" }, new Object[] { "prepare-data",
					"photos", "-i", data, "-o", link }, new Object[] { "fine-tune", "-m",
						conv, "-o", dir.resolve("t.onnx"), "--data", data, "--steps", 1,
						"--task", "denoise", "--device", "cpu", "--checkpoint-dir", link },
			new Object[] { "models", "install", conv, "--dir", link });
		for (Object[] command : commands) {
			Result r = assertFailsCleanly(dangling, command);
			assertFalse(r.err().contains("is a file"), r.err());
		}

		Path file = Files.writeString(dir.resolve("afile"), "a file");
		assertFailsCleanly("fiji-gan: cannot write " + file.resolve("x.onnx") +
			": " + file + " is a file, not a folder", "create-model", "--arch",
			"rrdb-sr", "--scale", "2", "--width", "8", "--blocks", "1", "--output",
			file.resolve("x.onnx"));
		assertFailsCleanly("fiji-gan: cannot write " + link.resolve("x.onnx") +
			": " + dangling, "create-model", "--arch", "rrdb-sr", "--scale", "2",
			"--width", "8", "--blocks", "1", "--output", link.resolve("x.onnx"));
	}

	@Test
	void aOnePixelImageRunsThroughConvolutionAndPixelShuffle()
		throws IOException
	{
		Path in = tiff8("one.tif", 1, 1);
		Path conv = OnnxModels.conv3x3(1, 1, 5, 2).write(dir, "conv.onnx");
		Path sr = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");

		Result a = MainTest.cli("denoise", "-m", conv, "-i", in, "-o", dir.resolve(
			"d.tif"), "--normalize", "range", "--float");
		Result b = MainTest.cli("super-resolution", "-m", sr, "-i", in, "-o", dir
			.resolve("sr.tif"), "--normalize", "range");

		assertEquals(0, a.exitCode(), a.err());
		assertEquals(0, b.exitCode(), b.err());
		ImagePlus d = IJ.openImage(dir.resolve("d.tif").toString());
		assertEquals(1, d.getWidth());
		assertTrue(Float.isFinite(d.getProcessor().getf(0)), "" + d.getProcessor()
			.getf(0));
		ImagePlus s = IJ.openImage(dir.resolve("sr.tif").toString());
		assertEquals(2, s.getWidth());
		assertEquals(2, s.getHeight());
	}

	@Test
	void aClassOutOfRangeIsRefused() throws IOException {
		Path model = OnnxModels.generator(8, 3, 5, 4).write(dir, "cgan.onnx");
		assertFailsCleanly("class 7 is out of range: the model has classes 0..2",
			"generate", "-m", model, "-o", dir.resolve("g.tif"), "--count", 2,
			"--seed", 1, "--class", 7);
		Path labels = dir.resolve("labels.npy");
		Npy.writeFloat(labels, new float[] { 0, -1 }, 2);
		assertFailsCleanly("class -1 is out of range", "generate", "-m", model,
			"-o", dir.resolve("g.tif"), "--classes", labels, "--seed", 1);
		// a fraction, NaN or a huge value is no label (it was cut to an integer)
		for (float bad : new float[] { 0.5f, Float.NaN, 1e30f }) {
			Npy.writeFloat(labels, new float[] { 1, bad }, 2);
			assertFailsCleanly(labels + " holds " + (double) bad +
				" at 1: class labels are whole numbers", "generate", "-m", model, "-o",
				dir.resolve("g.tif"), "--classes", labels, "--seed", 1);
		}
	}

	@Test
	void aLatentFileOfTheWrongShapeIsRefused() throws IOException {
		Path model = OnnxModels.generator(8, 0, 5, 4).write(dir, "gan.onnx");
		Path wrong = dir.resolve("z5.npy");
		Npy.writeFloat(wrong, new float[2 * 5], 2, 5);
		assertFailsCleanly(
			"the latent file has vectors of length 5; the model takes 8", "generate",
			"-m", model, "-o", dir.resolve("g.tif"), "--latent", wrong);
		Path none = dir.resolve("z0.npy");
		Npy.writeFloat(none, new float[0], 0, 8);
		assertFailsCleanly("z0.npy holds no latent vectors", "generate", "-m",
			model, "-o", dir.resolve("g.tif"), "--latent", none);
	}

	@Test
	void aMaskWithTheWrongNumberOfPlanesIsRefused() throws IOException {
		ImageStack stack = new ImageStack(8, 8);
		for (int i = 0; i < 3; i++)
			stack.addSlice(new ByteProcessor(8, 8));
		Path mask = dir.resolve("mask3.tif");
		assertTrue(new FileSaver(new ImagePlus("m", stack)).saveAsTiffStack(mask
			.toString()));
		ImageStack two = new ImageStack(8, 8);
		for (int i = 0; i < 2; i++)
			two.addSlice(new ByteProcessor(8, 8));
		Path in = dir.resolve("in2.tif");
		assertTrue(new FileSaver(new ImagePlus("i", two)).saveAsTiffStack(in
			.toString()));
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		assertFailsCleanly(
			"the mask has 3 slices and 1 frame, the image 2 slices and 1 frame: " +
				"give a mask of one plane for all, or one of 2 slices and 1 frame (a " +
				"stack of 2 planes will do)", "inpaint", "-m", model, "-i", in,
			"--mask", mask, "-o", dir.resolve("out.tif"));
	}

	@Test
	void nanPixelsAreCountedInTheOutputAndTheFile() {
		float[] p = new float[8 * 6];
		for (int i = 0; i < p.length; i++)
			p[i] = i;
		p[5] = Float.NaN;
		p[9] = Float.POSITIVE_INFINITY;
		Path in = dir.resolve("nan.tif");
		assertTrue(new FileSaver(new ImagePlus("nan", new FloatProcessor(8, 6, p)))
			.saveAsTiff(in.toString()));
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("out.tif");

		Result r = MainTest.cli("run", "-m", model, "-i", in, "-o", out, "--device",
			"cpu");

		assertEquals(0, r.exitCode(), r.err());
		String note =
			"2 NaN/infinite input pixels were ignored by the normalisation and fed to the " +
				"model as 0";
		assertTrue(r.out().contains("note: " + note + "\n"), r.out());
		String info = IJ.openImage(out.toString()).getInfoProperty();
		assertTrue(info.lines().anyMatch(l -> l.matches(
			"fiji-gan\\.note\\.\\d+ = " + note)), info);
	}

	@Test
	void noWriterReplacesAnExistingFileWithoutOverwrite() throws IOException {
		Path gen = OnnxModels.generator(8, 0, 5, 4).write(dir, "gan.onnx");
		Files.writeString(dir.resolve("g.tif"), "earlier");
		assertFailsCleanly("g.tif already exists; pass --overwrite to replace it",
			"generate", "-m", gen, "-o", dir.resolve("g.tif"), "--seed", 1);

		Path conv = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		Files.createDirectories(dir.resolve("data"));
		tiff8("data/a.tif", 16, 16);
		Files.writeString(dir.resolve("tuned-loss.png"), "an earlier plot");
		assertFailsCleanly(
			"tuned-loss.png already exists; pass --overwrite to replace it",
			"fine-tune", "-m", conv, "-o", dir.resolve("tuned.onnx"), "--data", dir
				.resolve("data"), "--steps", 1, "--device", "cpu");
	}

	/**
	 * The CSV that trust provenance and evaluate write must be named .csv, as
	 * merge-manifests' is: under any name, with --overwrite, CSV text replaced
	 * the file named, a model or an image.
	 */
	@Test
	void aCsvOutputMustEndInCsvAndReplacesNoOtherFile() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path other = Files.copy(model, dir.resolve("other.onnx"));
		Path image = tiff8("in.tif", 8, 8);
		Path data = Files.createDirectories(dir.resolve("data"));
		tiff8("data/a.tif", 8, 8);
		assertFailsCleanly("fiji-gan: the provenance CSV " + other +
			" must end in .csv", "trust", "provenance", "-i", image, "-o", other,
			"--overwrite");
		assertFailsCleanly("fiji-gan: the provenance CSV " + dir.resolve("p.tif") +
			" must end in .csv", "trust", "provenance", "-i", image, "-o", dir
				.resolve("p.tif"));
		assertFailsCleanly("fiji-gan: the evaluation CSV " + other +
			" must end in .csv", "evaluate", "-m", model, "--task", "denoise",
			"--data", data, "-o", other, "--overwrite", "--device", "cpu");
		Path part = Files.writeString(dir.resolve("manifest.part-1-of-2.csv"),
			"input,output,status\n");
		assertFailsCleanly("fiji-gan: the merged manifest " + dir.resolve("m.tif") +
			" must end in .csv", "merge-manifests", part, "-o", dir.resolve("m.tif"));
	}

	/**
	 * An output name given in bytes that are not valid UTF-8 reaches Java with
	 * U+FFFD in their place: it is refused before the run, as an input of such a
	 * name is, not written under the name with U+FFFD (another file than the one
	 * asked for) with exit code 0. An image, a folder run's output folder, and a
	 * file in a folder of such a name.
	 */
	@Test
	void anOutputNameThatIsNotUtf8IsRefusedBeforeTheRun() throws IOException {
		assumeTrue(org.fijigan.core.io.FileNameEncoding.name().equals("UTF-8"),
			"this JVM's file names are not UTF-8");
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path in = tiff8("in.tif", 8, 8);
		String why = ": its name is not valid UTF-8, the file-name encoding of " +
			"this system's locale, so it would be written under another name: " +
			"choose another name";
		Path image = dir.resolve("out\uFFFD.tif");
		Path inFolder = Files.createDirectories(dir.resolve("in"));
		tiff8("in/a.tif", 8, 8);
		Path outFolder = dir.resolve("out\uFFFD");
		try {
			// a command line that held such bytes (this JVM's cannot)
			org.fijigan.core.io.FileNameEncoding.undecodableArguments = true;
			assertFailsCleanly("fiji-gan: cannot write " + image + why, "denoise",
				"-m", model, "-i", in, "-o", image);
			assertFailsCleanly("fiji-gan: cannot write " + outFolder + why, "denoise",
				"-m", model, "-i", inFolder, "-o", outFolder);
			assertFailsCleanly("fiji-gan: cannot write " + outFolder.resolve(
				"x.tif") + why, "denoise", "-m", model, "-i", in, "-o", outFolder
					.resolve("x.tif"));
			// where it held none, U+FFFD is the character itself, a valid name
			org.fijigan.core.io.FileNameEncoding.undecodableArguments = false;
			assertEquals(0, MainTest.cli("denoise", "-m", model, "-i", in, "-o",
				image).exitCode());
			assertTrue(Files.isRegularFile(image));
		}
		finally {
			org.fijigan.core.io.FileNameEncoding.undecodableArguments = null;
		}
	}

	/**
	 * A name the file system cannot take is refused before the run, not once the
	 * result is to be written: an image's own, and the loss curve's, 4 bytes
	 * longer than the fine-tuned model's.
	 */
	@Test
	void aNameTooLongForTheFileSystemIsRefusedBeforeTheRun() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path in = tiff8("in.tif", 8, 8);
		Path image = dir.resolve("a".repeat(252) + ".tif");
		assertFailsCleanly("fiji-gan: cannot write " + image +
			": its name is 256 " +
			"bytes long, over the 255 bytes (UTF-8) a file name may have", "denoise",
			"-m", model, "-i", in, "-o", image, "--normalize", "none");
		// a multi-byte name counts in bytes: 127 two-byte letters and ".tif"
		// (where file names can hold them: not under a POSIX locale)
		Path accented = null;
		try {
			accented = dir.resolve("é".repeat(127) + ".tif");
		}
		catch (java.nio.file.InvalidPathException e) {
			// not here
		}
		if (accented != null) assertFailsCleanly("its name is 258 bytes long",
			"run", "-m", model, "-i", in, "-o", accented);

		Path conv = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		Files.createDirectories(dir.resolve("data"));
		tiff8("data/a.tif", 16, 16);
		Path tuned = dir.resolve("t".repeat(247) + ".onnx"); // 252 bytes
		assertFailsCleanly("fiji-gan: the model's name is too long for the files " +
			"written beside it: " + dir.resolve("t".repeat(247) + "-loss.csv") +
			" would have a name of 256 bytes, over the 255 bytes (UTF-8) a file " +
			"name may have; choose a shorter name for the model", "fine-tune", "-m",
			conv, "-o", tuned, "--data", dir.resolve("data"), "--steps", 1,
			"--device", "cpu");
	}

	/**
	 * Mounts a tmpfs of {@code kib} KiB at {@code dir/name}, or skips the test.
	 */
	Path tmpfs(String name, int kib) throws Exception {
		Path m = Files.createDirectories(dir.resolve(name));
		Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kib +
			"k", "tmpfs", m.toString()).redirectErrorStream(true).start();
		boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
		assumeTrue(ok, "cannot mount a tmpfs here: " + new String(p.getInputStream()
			.readAllBytes()));
		mounts.add(0, m);
		return m;
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void aFullDiskGivesOneErrorAndLeavesTheEarlierFileAndNoTemporaryFile()
		throws Exception
	{
		Path disk = tmpfs("disk", 64);
		byte[] earlier = "an earlier result".getBytes();
		Files.write(disk.resolve("earlier.tif"), earlier);
		Files.write(disk.resolve("out.tif"), earlier);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path in = dir.resolve("big.tif");
		float[] noise = new float[200 * 200];
		java.util.Random random = new java.util.Random(3);
		for (int i = 0; i < noise.length; i++)
			noise[i] = random.nextFloat();
		assertTrue(new FileSaver(new ImagePlus("big", new FloatProcessor(200, 200,
			noise))).saveAsTiff(in.toString())); // 160 KB of float result
																						// (incompressible), on a 64 KiB
																						// disk

		assertFailsCleanly("No space left on device", "run", "-m", model, "-i", in,
			"-o", disk.resolve("new.tif"), "--normalize", "none");
		assertFailsCleanly("No space left on device", "run", "-m", model, "-i", in,
			"-o", disk.resolve("out.tif"), "--normalize", "none", "--overwrite");
		assertFailsCleanly("No space left on device", "run", "-m", model, "-i", in,
			"-o", disk.resolve("out.npy"), "--normalize", "none");
		// compressed: no size check first, so the disk fills while writing
		Result r = assertFailsCleanly("No space left on device", "run", "-m", model,
			"-i", in, "-o", disk.resolve("out.nii.gz"), "--normalize", "none");
		assertEquals("fiji-gan: cannot write " + disk.resolve("out.nii.gz") +
			": No space " + "left on device", r.err().strip());
		// ImageJ's JPEG and PNG writers print their IOException and report success
		Path grey = dir.resolve("grey.tif");
		byte[] bytes = new byte[300 * 300];
		random.nextBytes(bytes);
		assertTrue(new FileSaver(new ImagePlus("grey", new ij.process.ByteProcessor(
			300, 300, bytes))).saveAsTiff(grey.toString()));
		for (String out : new String[] { "out.jpg", "out.png" })
			assertFailsCleanly("No space left on device", "run", "-m", model, "-i",
				grey, "-o", disk.resolve(out));
		assertArrayEquals(earlier, Files.readAllBytes(disk.resolve("out.tif")));
		try (Stream<Path> s = Files.list(disk)) {
			assertEquals(Set.of("earlier.tif", "out.tif"), s.map(p -> p.getFileName()
				.toString()).collect(java.util.stream.Collectors.toSet()));
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void aReadOnlyFolderIsRefusedBeforeTheRunAndKeepsItsFiles() throws Exception {
		Path disk = tmpfs("ro", 256);
		Files.writeString(disk.resolve("earlier.tif"), "an earlier result");
		Process p = new ProcessBuilder("mount", "-o", "remount,ro", disk.toString())
			.inheritIO().start();
		assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0,
			"cannot remount read-only");
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path in = tiff8("in.tif", 8, 8);

		assertFailsCleanly("cannot write to the output folder " + disk +
			": it is read-only", "run", "-m", model, "-i", in, "-o", disk.resolve(
				"out.tif"));
		assertFailsCleanly("cannot write to the output folder " + disk +
			": it is read-only", "run", "-m", model, "-i", in, "-o", disk.resolve(
				"earlier.tif"), "--overwrite");
		Path conv = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		Files.createDirectories(dir.resolve("data"));
		tiff8("data/a.tif", 16, 16);
		assertFailsCleanly("cannot write to the output folder " + disk +
			": it is read-only", "fine-tune", "-m", conv, "-o", disk.resolve(
				"tuned.onnx"), "--data", dir.resolve("data"), "--steps", 1, "--device",
			"cpu");
		// evaluate, demo and package-model too: each would run for minutes first
		Path data = Files.createDirectories(dir.resolve("clean"));
		tiff8("clean/c.tif", 16, 16);
		assertFailsCleanly("cannot write to the output folder " + disk +
			": it is read-only", "evaluate", "-m", model, "--task", "denoise",
			"--data", data, "-o", disk.resolve("e.csv"), "--device", "cpu");
		assertFailsCleanly("cannot write to the output folder " + disk +
			": it is read-only", "demo", "-o", disk.resolve("demo"));
		assertFailsCleanly("cannot write to the output folder " + disk +
			": it is read-only", "package-model", "-m", conv, "--output", disk
				.resolve("pk"), "--name", "Den model", "--description", "d");
		assertEquals("an earlier result", Files.readString(disk.resolve(
			"earlier.tif")));
	}

	/**
	 * A fine-tuned model the disk cannot hold: neither it nor its loss curve is
	 * written, with --overwrite the earlier run's model and curve are kept as
	 * they were, so a rerun is not refused for this run's leftovers.
	 */
	@Test
	@EnabledOnOs(OS.LINUX)
	void aFineTunedModelTheDiskCannotHoldLeavesNoLossCurve() throws Exception {
		Path disk = tmpfs("tune", 128);
		java.util.Random random = new java.util.Random(7);
		Path wide = OnnxModels.builder().input("x", "N,1,H,W").initializer("w0",
			OnnxModels.randomFloats(random, 64 * 9, 0.3f), 64, 1, 3, 3).initializer(
				"w1", OnnxModels.randomFloats(random, 64 * 64 * 9, 0.04f), 64, 64, 3, 3)
			.initializer("w2", OnnxModels.randomFloats(random, 64 * 9, 0.04f), 1, 64,
				3, 3).node("Conv", "x,w0", "h0", OnnxModels.attrInts("pads", 1, 1, 1,
					1)).node("Conv", "h0,w1", "h1", OnnxModels.attrInts("pads", 1, 1, 1,
						1)).node("Conv", "h1,w2", "y", OnnxModels.attrInts("pads", 1, 1, 1,
							1)).output("y", "N,1,H,W").write(dir, "wide.onnx");
		assertTrue(Files.size(wide) > 128 * 1024, "larger than the disk");
		Files.createDirectories(dir.resolve("data"));
		tiff8("data/a.tif", 16, 16);
		List<Object> run = new ArrayList<>(List.of("fine-tune", "-m", wide, "-o",
			disk.resolve("t.onnx"), "--data", dir.resolve("data"), "--steps", 1,
			"--batch", 1, "--patch", 16, "--validation", 0, "--task", "denoise",
			"--device", "cpu"));
		assertFailsCleanly("No space left on device", run.toArray());

		Files.writeString(disk.resolve("t.onnx"), "the earlier model");
		Files.writeString(disk.resolve("t-loss.csv"), "the earlier curve");
		run.add("--overwrite");
		assertFailsCleanly("No space left on device", run.toArray());
	}

	/**
	 * A models folder that cannot be changed, or is full: the message names the
	 * store and the reason, not the hidden staging folder (the user read "cannot
	 * remove .../denoise: .../denoise -> .../.denoise.removing-HEX").
	 */
	@Test
	@EnabledOnOs(OS.LINUX)
	void aModelsFolderThatCannotBeWrittenIsNamedWithTheReason() throws Exception {
		Path store = tmpfs("store", 256);
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		Result installed = MainTest.cli("models", "install", onnx, "--dir", store,
			"--name", "denoise");
		assertEquals(0, installed.exitCode(), installed.err());
		Process p = new ProcessBuilder("mount", "-o", "remount,ro", store
			.toString()).inheritIO().start();
		assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0,
			"cannot remount read-only");
		assertFailsCleanly("fiji-gan: cannot remove " + store.resolve("denoise") +
			" from the models folder " + store + ": Read-only file system", "models",
			"remove", "denoise", "--dir", store);
		assertFailsCleanly("fiji-gan: cannot write to the models folder " + store +
			": Read-only file system", "models", "install", onnx, "--dir", store,
			"--name", "other");

		Path full = tmpfs("full", 64);
		Path source = Files.createDirectories(dir.resolve("src/denoise"));
		Files.write(source.resolve("loss.csv"), new byte[200_000]);
		Files.writeString(source.resolve("rdf.yaml"), "format_version: 0.5.3\n");
		assertFailsCleanly("fiji-gan: cannot copy " + source +
			" into the models folder " + full + ": No space left on device", "models",
			"install", source, "--dir", full);
	}

	/**
	 * Evaluate's results take minutes to get: a CSV that the disk cannot take
	 * fails the command, but the table is on the screen.
	 */
	@Test
	@EnabledOnOs(OS.LINUX)
	void evaluateShowsItsTableWhenTheDiskIsTooFullForItsCsv() throws Exception {
		Path disk = tmpfs("full", 64);
		try (var fill = Files.newOutputStream(disk.resolve("filler"))) {
			byte[] block = new byte[4096];
			for (int i = 0; i < 64; i++)
				fill.write(block);
		}
		catch (IOException full) {
			// as intended
		}
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path data = Files.createDirectories(dir.resolve("clean"));
		tiff8("clean/c.tif", 16, 16);
		Result r = MainTest.cli("evaluate", "-m", model, "--task", "denoise",
			"--data", data, "-o", disk.resolve("e.csv"), "--device", "cpu");
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: cannot write " + disk.resolve("e.csv") +
			": No space left on device", r.err().strip());
		assertTrue(r.out().startsWith("model id (denoise, sha256 ") && r.out()
			.contains("noisy input") && r.out().contains("best baseline"), r.out());
		assertFalse(r.out().contains("wrote"), r.out());
		assertFalse(Files.exists(disk.resolve("e.csv")));
	}

	/**
	 * A model that mirrors its input by 2 pixels inside the graph (a reflect Pad)
	 * cannot mirror a row of 1 or 2 pixels: the user read ONNX Runtime's "Pad
	 * reflect requires axis length >= 2".
	 */
	@Test
	void anImageTooSmallForTheModelsReflectPaddingIsSaidSo() throws IOException {
		Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer("p",
			new long[] { 0, 0, 2, 2, 0, 0, 2, 2 }, 8).initializer("w", new float[25],
				1, 1, 5, 5).node("Pad", "x,p", "p2", OnnxModels.attrString("mode",
					"reflect")).node("Conv", "p2,w", "y").output("y", "N,1,H,W").write(
						dir, "reflect.onnx");
		for (int[] size : new int[][] { { 6, 1 }, { 3, 2 } }) {
			Result r = assertFailsCleanly(
				"is smaller than the model's mirror (reflect) padding allows", "run",
				"-m", model, "-i", tiff8("in.tif", size[0], size[1]), "-o", dir.resolve(
					"out.tif"));
			assertFalse(r.err().contains("requires axis length"), r.err());
		}
	}
}
