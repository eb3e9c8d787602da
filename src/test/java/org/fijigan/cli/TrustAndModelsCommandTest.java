
package org.fijigan.cli;

import static org.fijigan.cli.MainTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.testing.DemoModels;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

/**
 * {@code trust ...} and {@code models install|list|remove} from the command
 * line.
 */
class TrustAndModelsCommandTest {

	@TempDir
	Path dir;

	Path save(ImagePlus imp, String name) {
		Path file = dir.resolve(name);
		assertTrue(new FileSaver(imp).saveAsTiff(file.toString()));
		return file;
	}

	/**
	 * 3x2 8-bit input, and its 2x pixel replication with block (1,0) +2 and block
	 * (2,1) -1 on average.
	 */
	Path[] srPair() {
		byte[] in = { 10, 20, 30, 40, 50, (byte) 250 };
		float[] sr = new float[24];
		for (int y = 0; y < 4; y++)
			for (int x = 0; x < 6; x++)
				sr[y * 6 + x] = in[(y / 2) * 3 + x / 2] & 0xff;
		sr[2] += 8;
		sr[3 * 6 + 5] -= 4;
		return new Path[] { save(new ImagePlus("in", new ByteProcessor(3, 2, in)),
			"in.tif"), save(new ImagePlus("sr", new FloatProcessor(6, 4, sr)),
				"sr.tif") };
	}

	@Test
	void consistencyWritesTheMapAndPrintsTheScore() {
		Path[] p = srPair();
		Result r = cli("trust", "consistency", "--input", p[0], "--result", p[1],
			"--output", dir.resolve("map.tif"));
		assertEquals(0, r.exitCode(), r.err());
		double psnr = 10 * Math.log10(240 * 240 / (5 / 6.0));
		assertEquals(String.format(java.util.Locale.ROOT,
			"scale 2: PSNR %.2f dB, mean |difference| 0.5 (0.208333%% of the input's range 240)%nwrote %s%n",
			psnr, dir.resolve("map.tif").toAbsolutePath()), r.out());
		ImagePlus map = IJ.openImage(dir.resolve("map.tif").toString());
		assertArrayEquals(new float[] { 0, 2, 0, 0, 0, -1 }, (float[]) map
			.getProcessor().getPixels());

		Result again = cli("trust", "consistency", "-i", p[0], "-r", p[1], "-o", dir
			.resolve("map.tif"));
		assertEquals(1, again.exitCode());
		assertTrue(again.err().contains("already exists; pass --overwrite"), again
			.err());
	}

	@Test
	void consistencyScoresEachChannelAgainstItsOwnRange() {
		// 16-bit, two channels: channel 1 spans 0-60000 and is kept, channel 2
		// spans 0-100 and the result's is 10 higher everywhere
		short[][] in = { { 0, (short) 60000, 30000, 10000, 20000, (short) 40000 }, {
			0, 100, 50, 20, 40, 60 } };
		ImageStack inStack = new ImageStack(3, 2), srStack = new ImageStack(6, 4);
		for (int c = 0; c < 2; c++) {
			inStack.addSlice(new ShortProcessor(3, 2, in[c], null));
			short[] out = new short[24];
			for (int y = 0; y < 4; y++)
				for (int x = 0; x < 6; x++)
					out[y * 6 + x] = (short) ((in[c][(y / 2) * 3 + x / 2] & 0xffff) +
						(c == 1 ? 10 : 0));
			srStack.addSlice(new ShortProcessor(6, 4, out, null));
		}
		ImagePlus inImp = new ImagePlus("mc", inStack), srImp = new ImagePlus(
			"mc-x2", srStack);
		inImp.setDimensions(2, 1, 1);
		srImp.setDimensions(2, 1, 1);
		Path inFile = save(inImp, "mc.tif"), srFile = save(srImp, "mc-x2.tif");
		Result r = cli("trust", "consistency", "-i", inFile, "-r", srFile);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(String.format(
			"scale 2, channel 1 of 2: PSNR inf dB, mean |difference| 0 (0%% of the input's range 60000)%n" +
				"scale 2, channel 2 of 2: PSNR 20.00 dB, mean |difference| 10 (10%% of the input's range 100)%n"),
			r.out());
		try (var files = Files.list(dir)) {
			assertEquals(List.of("mc-x2.tif", "mc.tif"), files.map(f -> f
				.getFileName().toString()).sorted().toList());
		}
		catch (IOException e) {
			throw new AssertionError(e);
		}
	}

	@Test
	void residualIsInputMinusResult() {
		Path in = save(new ImagePlus("in", new ByteProcessor(3, 1, new byte[] { 10,
			20, 30 })), "in.tif");
		Path out = save(new ImagePlus("out", new FloatProcessor(3, 1, new float[] {
			9, 20, 31.5f })), "out.tif");
		Result r = cli("trust", "residual", "--input", in, "--result", out,
			"--output", dir.resolve("res.tif"));
		assertEquals(0, r.exitCode(), r.err());
		ImagePlus res = IJ.openImage(dir.resolve("res.tif").toString());
		assertArrayEquals(new float[] { 1, 0, -1.5f }, (float[]) res.getProcessor()
			.getPixels());
	}

	@Test
	void provenanceOfAGeneratedStack() throws IOException {
		Path model = OnnxModels.generator(4, 2, 4, 4).write(dir, "cgan.onnx");
		Path stack = dir.resolve("synth.tif");
		Result g = cli("generate", "--model", model, "--output", stack, "--count",
			3, "--seed", 5);
		assertEquals(0, g.exitCode(), g.err());
		String sha = ModelLoader.sha256(model);
		Result r = cli("trust", "provenance", "--input", stack);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals("slice,model,sha256,seed,class\n1,cgan," + sha +
			",5,0\n2,cgan," + sha + ",6,1\n3,cgan," + sha + ",7,0\n", r.out());

		Result csv = cli("trust", "provenance", "--input", stack, "--output", dir
			.resolve("p.csv"));
		assertEquals(0, csv.exitCode(), csv.err());
		assertEquals(r.out(), Files.readString(dir.resolve("p.csv")));

		Path plain = save(new ImagePlus("x", new ByteProcessor(2, 2)), "plain.tif");
		Result not = cli("trust", "provenance", "--input", plain);
		assertEquals(1, not.exitCode());
		assertTrue(not.err().startsWith(
			"fiji-gan: this image carries no generation provenance"), not.err());
	}

	@Test
	void modelsInstallListRemove() throws IOException {
		Path onnx = OnnxModels.identity(1).write(dir, "ident.onnx");
		Path store = dir.resolve("store");
		Result bad = cli("models", "install", onnx, "--dir", store, "--sha256", "0"
			.repeat(64));
		assertEquals(1, bad.exitCode());
		assertTrue(bad.err().startsWith("fiji-gan: ident.onnx has SHA-256 "), bad
			.err());
		assertTrue(bad.err().contains("nothing was installed"), bad.err());

		Result ok = cli("models", "install", onnx, "--dir", store, "--name", "id1",
			"--sha256", ModelLoader.sha256(onnx));
		assertEquals(0, ok.exitCode(), ok.err());
		assertEquals("installed id1 (onnx) in " + store.resolve("id1")
			.toAbsolutePath() + "\nuse it with --model " + store.resolve("id1")
				.toAbsolutePath() + "\n", ok.out().replace(System.lineSeparator(),
					"\n"));

		Result list = cli("models", "list", "--dir", store);
		assertEquals(0, list.exitCode(), list.err());
		assertEquals(List.of("id1                          onnx", "    " + store
			.resolve("id1").toAbsolutePath()), list.out().lines().toList());

		Result rm = cli("models", "remove", "id1", "--dir", store);
		assertEquals(0, rm.exitCode(), rm.err());
		assertFalse(Files.exists(store.resolve("id1")));
		Result escape = cli("models", "remove", "../ident.onnx", "--dir", store);
		assertEquals(1, escape.exitCode());
		assertTrue(Files.exists(onnx));
	}

	/**
	 * A models folder that is a file: list, info and run say so, naming it,
	 * rather than "no models in" it (exit 0) or that it "holds no model".
	 */
	@Test
	void aModelsFolderThatIsAFileIsSaidToBeOne() throws Exception {
		Path file = dir.resolve("afile");
		Files.writeString(file, "hi");
		String isAFile = "fiji-gan: the models folder " + file.toAbsolutePath() +
			" is a file, not a folder\n";
		Result list = cli("models", "list", "--dir", file);
		assertEquals(1, list.exitCode(), list.out());
		assertEquals(isAFile, list.err());
		assertEquals("", list.out());
		Path in = save(new ImagePlus("in", new ByteProcessor(8, 8)), "in.tif");
		Path out = dir.resolve("out.tif");
		Result[] r = DemoModels.withModelsDir(file, () -> new Result[] { cli(
			"models"), cli("info", "--model", "denoise"), cli("run", "--model",
				"denoise", "--input", in, "--output", out, "--threads", 1) });
		assertEquals(1, r[0].exitCode(), r[0].out());
		assertEquals(isAFile, r[0].err());
		for (Result refused : List.of(r[1], r[2])) {
			assertEquals(1, refused.exitCode(), refused.out());
			assertTrue(refused.err().startsWith(
				"fiji-gan: model 'denoise' not found: it is neither a file nor a model in the models folder " +
					file.toAbsolutePath()), refused.err());
			assertTrue(refused.err().endsWith(" (it is a file, not a folder)\n"),
				refused.err());
		}
		assertFalse(Files.exists(out));
		assertEquals("hi", Files.readString(file));
	}

	/**
	 * A model folder that cannot be read is listed with its problem, and a models
	 * folder that cannot be read is named with it; root reads any folder, so this
	 * runs only for other users.
	 */
	@Test
	void anUnreadableModelsFolderOrModelIsSaidToBeOne() throws Exception {
		Path store = dir.resolve("store");
		Path m1 = Files.createDirectories(store.resolve("m1")), m2 = Files
			.createDirectories(store.resolve("m2"));
		OnnxModels.identity(1).write(m1, "model.onnx");
		OnnxModels.identity(1).write(m2, "model.onnx");
		Set<PosixFilePermission> open = Files.getPosixFilePermissions(store);
		Files.setPosixFilePermissions(m2, Set.of());
		try {
			assumeFalse(Files.isReadable(m2),
				"this user reads a folder of mode 000 (root)");
			Result list = cli("models", "list", "--dir", store);
			assertEquals(0, list.exitCode(), list.err());
			assertEquals(List.of("m1                           onnx", "    " + m1
				.toAbsolutePath(),
				"m2                           ?           (cannot be read: permission denied)",
				"    " + m2.toAbsolutePath()), list.out().lines().toList());

			Files.setPosixFilePermissions(store, Set.of());
			Result info = DemoModels.withModelsDir(store, () -> cli("info", "--model",
				"m1"));
			assertEquals(1, info.exitCode(), info.out());
			assertEquals(
				"fiji-gan: model 'm1' not found: it is neither a file nor a model in the models folder " +
					store.toAbsolutePath() + " (it cannot be read: permission denied)\n",
				info.err().replace(", which FIJI_GAN_MODELS chooses", ""));
			Result unlisted = cli("models", "list", "--dir", store);
			assertEquals(1, unlisted.exitCode(), unlisted.out());
			assertEquals("fiji-gan: the models folder " + store.toAbsolutePath() +
				" cannot be read: permission denied\n", unlisted.err());
		}
		finally {
			Files.setPosixFilePermissions(store, open);
			Files.setPosixFilePermissions(m2, open);
		}
	}

	/**
	 * {@code models remove} deletes only what {@code models install} put in the
	 * models folder: a bundled model there (here a copy of the bundled sr-x2, the
	 * folder the default models folder searches) is refused, and keeps every
	 * file.
	 */
	@Test
	void aBundledModelIsNotRemoved() throws Exception {
		Path store = dir.resolve("models"), bundled = Files.createDirectories(store
			.resolve("sr-x2"));
		try (var files = Files.list(Path.of("models/sr-x2"))) {
			for (Path p : files.toList())
				Files.copy(p, bundled.resolve(p.getFileName()));
		}
		Path onnx = OnnxModels.identity(1).write(dir, "ident.onnx");
		assertEquals(0, cli("models", "install", onnx, "--dir", store, "--name",
			"mine").exitCode());
		Map<String, byte[]> before = FolderModeTest.files(bundled, true);

		Result[] r = DemoModels.withModelsDir(store, () -> new Result[] { cli(
			"models", "remove", "sr-x2"), cli("models", "remove", "mine") });
		assertEquals(1, r[0].exitCode(), r[0].out());
		assertEquals("fiji-gan: model 'sr-x2' in " + store.toAbsolutePath() +
			" was not installed by this version's 'models install' (it is bundled " +
			"with fiji-gan, was installed by an earlier version, or was put there by " +
			"hand), so it is not removed; delete " + bundled.toAbsolutePath() +
			" by hand if you mean to\n", r[0].err());
		assertEquals("", r[0].out());
		FolderModeTest.assertSameFiles(before, FolderModeTest.files(bundled, true));

		assertEquals(0, r[1].exitCode(), r[1].err());
		assertEquals("removed mine from " + store.toAbsolutePath() + "\n", r[1]
			.out().replace(System.lineSeparator(), "\n"));
		assertFalse(Files.exists(store.resolve("mine")));
		try (var left = Files.list(store)) {
			assertEquals(List.of(bundled), left.toList());
		}
	}
}
