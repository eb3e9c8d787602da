
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.testing.OnnxModels;
import org.fijigan.testing.PackageTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./fiji-gan package-model}: flags in, a package that {@code info} and
 * {@code super-resolution} load.
 */
class PackageModelCommandTest {

	@TempDir
	Path dir;

	private Path samplePng() {
		byte[] p = new byte[64 * 48];
		for (int i = 0; i < p.length; i++)
			p[i] = (byte) ((i % 64) * 3 + (i / 64) * 2 + (i * 7919 % 13));
		Path file = dir.resolve("sample.png");
		assertTrue(new FileSaver(new ImagePlus("sample", new ByteProcessor(64, 48,
			p))).saveAsPng(file.toString()));
		return file;
	}

	@Test
	void packagesAModelThatTheOtherCommandsLoad() throws IOException {
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		Path card = Files.writeString(dir.resolve("card.md"), "# Intended use\n");
		Path pkg = dir.resolve("pkg");
		Result r = MainTest.cli("package-model", "--model", onnx, "--output", pkg,
			"--name", "SR x2", "--description", "Doubles the resolution.", "--sample",
			samplePng(), "--license", "MIT", "--author", "A. Author", "--author",
			"B. Author", "--cite", "Shi et al. 2016=https://arxiv.org/abs/1609.05158",
			"--tags", "sr,x2", "--documentation", card);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("wrote " + pkg +
			": sr2.onnx, test_input.npy, test_output.npy, sample_input.png, " +
			"sample_output.tif, cover.png, README.md, rdf.yaml"), r.out());
		assertTrue(r.out().contains("task super-resolution, scale 2"), r.out());
		String rdf = Files.readString(pkg.resolve("rdf.yaml"));
		assertTrue(rdf.contains(
			"  - name: \"A. Author\"\n  - name: \"B. Author\"\n"), rdf);
		assertTrue(rdf.contains("tags: [sr, x2, super-resolution, fiji-gan]"), rdf);
		assertTrue(PackageTensors.run(pkg.resolve("rdf.yaml"))
			.relativeError() <= 1e-6);

		Result info = MainTest.cli("info", "--model", pkg);
		assertEquals(0, info.exitCode(), info.err());
		assertTrue(info.out().contains("super-resolution (rdf.yaml)"), info.out());
		Path out = dir.resolve("out.tif");
		Result sr = MainTest.cli("super-resolution", "--model", pkg, "--input",
			samplePng(), "--output", out);
		assertEquals(0, sr.exitCode(), sr.err());
		assertTrue(Files.isRegularFile(out));
	}

	/**
	 * An empty folder named with a trailing "." (or as "."): the package was made
	 * inside the folder it was to replace, and the run then said someone else had
	 * filled the folder.
	 */
	@Test
	void anEmptyFolderNamedWithADotTakesThePackage() throws IOException {
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		Path empty = Files.createDirectories(dir.resolve("pk/empty"));
		Result r = MainTest.cli("package-model", "--model", onnx, "--output", empty
			.resolve("."), "--name", "SR x2", "--description", "Doubles it.",
			"--sample", samplePng());
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("wrote " + empty + ": sr2.onnx, "), r.out());
		assertTrue(Files.isRegularFile(empty.resolve("rdf.yaml")));
		try (var s = Files.list(dir.resolve("pk"))) {
			assertEquals(List.of(empty), s.toList(), "no staging folder left");
		}
	}

	/**
	 * An output that is a symbolic link to an empty folder: the package goes into
	 * the folder the link names, as prepare-data's output does; the link was
	 * replaced by a folder of its own and the folder it named left empty.
	 */
	@Test
	void anOutputThatIsALinkToAFolderFillsThatFolderAndStays()
		throws IOException
	{
		Path onnx = OnnxModels.pixelShuffle(1, 2).write(dir, "sr2.onnx");
		Path real = Files.createDirectories(dir.resolve("real"));
		Path link = Files.createSymbolicLink(dir.resolve("link"), real);
		Result r = MainTest.cli("package-model", "--model", onnx, "--output", link,
			"--name", "SR x2", "--description", "Doubles it.", "--sample",
			samplePng());
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("wrote " + link + ": sr2.onnx, "), r.out());
		assertTrue(Files.isSymbolicLink(link), "the link stays a link");
		assertEquals(real.toRealPath(), link.toRealPath());
		assertTrue(Files.isRegularFile(real.resolve("rdf.yaml")), "the package " +
			"is in the folder the link names");
		try (var s = Files.list(dir)) {
			assertEquals(List.of("link", "real", "sample.png", "sr2.onnx"), s.map(
				p -> p.getFileName().toString()).sorted().toList(),
				"no staging folder left");
		}
	}

	/**
	 * With --overwrite, the files an earlier package's descriptor names are
	 * removed only where they lie in the package folder itself: a name that
	 * passes through a symbolic link inside it (sub/victim.onnx, sub a link to
	 * another folder) had the file where the link leads deleted.
	 */
	@Test
	void overwritingRemovesNoFileThroughALinkInsideThePackageFolder()
		throws IOException
	{
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		Path victim = Files.createDirectories(dir.resolve("victim"));
		for (String f : List.of("victim.onnx", "test_in.npy", "card.md"))
			Files.writeString(victim.resolve(f), "precious " + f);
		Path pkg = Files.createDirectories(dir.resolve("pkg"));
		Path link = Files.createSymbolicLink(pkg.resolve("sub"), victim);
		Files.writeString(pkg.resolve("old_output.npy"),
			"the earlier package's own");
		Files.writeString(pkg.resolve("rdf.yaml"),
			"# bioimage.io model package written by fiji-gan package-model\n" +
				"type: model\nformat_version: 0.5.7\ndocumentation: sub/card.md\n" +
				"inputs:\n- id: x\n  test_tensor: {source: sub/test_in.npy}\n" +
				"outputs:\n- id: y\n  test_tensor: {source: old_output.npy}\n" +
				"weights:\n  onnx: {source: sub/victim.onnx}\n");
		Result r = MainTest.cli("package-model", "--model", onnx, "--output", pkg,
			"--name", "model", "--description", "d", "--sample", samplePng(),
			"--overwrite");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("wrote " + pkg + ": id.onnx, "), r.out());
		try (var s = Files.list(victim)) {
			assertEquals(List.of("card.md", "test_in.npy", "victim.onnx"), s.map(
				p -> p.getFileName().toString()).sorted().toList());
		}
		for (String f : List.of("victim.onnx", "test_in.npy", "card.md"))
			assertEquals("precious " + f, Files.readString(victim.resolve(f)), f);
		assertTrue(Files.isSymbolicLink(link), "the link stays");
		assertFalse(Files.exists(pkg.resolve("old_output.npy")),
			"the earlier package's own file in the folder goes");
		assertFalse(Files.readString(pkg.resolve("rdf.yaml")).contains("sub/"),
			"the new package names nothing through the link");
	}

	@Test
	void refusalsAreOneLineWithExitCodeOne() throws IOException {
		Path onnx = OnnxModels.identity(1).write(dir, "id.onnx");
		Path pkg = Files.createDirectories(dir.resolve("pkg"));
		Files.writeString(pkg.resolve("notes.txt"), "mine");
		List<Object[]> cases = List.of(new Object[] { new Object[] { "--sample",
			samplePng() }, "not empty" }, new Object[] { new Object[] { "--sample",
				samplePng(), "--overwrite", "--cite", "no url" }, "TEXT=URL" },
			new Object[] { new Object[] { "--overwrite" }, "--sample" });
		for (Object[] c : cases) {
			List<Object> args = new java.util.ArrayList<>(List.of("package-model",
				"--model", onnx, "--output", pkg, "--name", "model", "--description",
				"d"));
			args.addAll(List.of((Object[]) c[0]));
			Result r = MainTest.cli(args.toArray());
			assertEquals(1, r.exitCode(), r.out() + r.err());
			assertEquals(1, r.errLines().size(), r.err());
			assertTrue(r.err().startsWith("fiji-gan: ") && r.err().contains(
				(String) c[1]), r.err());
		}
		assertEquals(List.of(pkg.resolve("notes.txt")), Files.list(pkg).toList());
		Result usage = MainTest.cli("package-model", "--model", onnx, "--output",
			pkg);
		assertEquals(2, usage.exitCode(), usage.err());
	}
}
