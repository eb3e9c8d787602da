
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text from files (a model's producer and input name, a model's file name, a
 * model folder's name and card) reaches standard output with its control
 * characters escaped: no escape sequence, bell or carriage return reaches the
 * terminal, and a line break in a name cannot print a line of its own.
 */
class ControlCharactersOutputTest {

	static final String ESC = "\u001b";

	@TempDir
	Path dir;

	/** No control character but the line breaks. */
	static void assertPrintable(String out) {
		assertTrue(out.chars().allMatch(c -> c == '\n' || c >= 0x20 && c != 0x7f &&
			!(c >= 0x80 && c < 0xa0)), out);
	}

	@Test
	void infoEscapesTheModelsMetadataAndNames() {
		Path model = OnnxModels.builder().producer(ESC + "]0;TITLE\u0007" + ESC +
			"[31mRED\rOVER\nfiji-gan.fake = 1", "1").input("in" + ESC + "[2Jx",
				"N,1,H,W").node("Identity", "in" + ESC + "[2Jx", "y").output("y",
					"N,1,H,W").write(dir, "esc.onnx");
		Result r = MainTest.cli("info", "--model", model);
		assertEquals(0, r.exitCode(), r.err());
		assertPrintable(r.out());
		List<String> lines = r.out().lines().toList();
		assertTrue(lines.stream().anyMatch(l -> l.startsWith("producer:") && l
			.contains("]0;TITLE\\x07\\x1b[31mRED\\x0dOVER\\x0afiji-gan.fake = 1")), r
				.out());
		assertTrue(lines.stream().anyMatch(l -> l.startsWith("input:") && l
			.contains("in\\x1b[2Jx float")), r.out());
		assertTrue(lines.stream().noneMatch(l -> l.startsWith("fiji-gan.fake")), r
			.out());
	}

	/**
	 * As the launcher runs it: no writer given to the command line, so picocli
	 * makes one for System.out when first asked. The escaping must survive that
	 * (it was lost: the writer made for the root replaced the subcommand's).
	 */
	@Test
	void aCommandLineWithoutAWriterOfItsOwnEscapesToo() throws IOException {
		Path out = dir.resolve("a" + ESC + "[2Jb.onnx");
		java.io.PrintStream old = System.out;
		java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
		System.setOut(new java.io.PrintStream(buf, true,
			java.nio.charset.StandardCharsets.UTF_8));
		int code;
		try {
			code = Main.execute(Main.commandLine("create-model"), new String[] {
				"create-model", "--arch", "residual-denoiser", "--blocks", "3",
				"--width", "8", "--seed", "1", "--output", out.toString() },
				System.err);
		}
		finally {
			System.setOut(old);
		}
		String printed = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
		assertEquals(0, code, printed);
		assertTrue(Files.isRegularFile(out));
		assertPrintable(printed);
		assertTrue(printed.contains("a\\x1b[2Jb.onnx"), printed);
	}

	@Test
	void aRunsSummaryEscapesTheModelsName() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "m" + ESC +
			"[2J\nfiji-gan.model.sha256 = FAKE.onnx");
		Path in = dir.resolve("in.tif");
		assertTrue(new FileSaver(new ImagePlus("x", new ByteProcessor(8, 8)))
			.saveAsTiff(in.toString()));
		Path out = dir.resolve("out.tif");
		Result r = MainTest.cli("denoise", "--model", model, "-i", in, "-o", out,
			"--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(Files.isRegularFile(out));
		assertPrintable(r.out());
		assertTrue(r.out().contains(
			"model m\\x1b[2J\\x0afiji-gan.model.sha256 = FAKE on cpu"), r.out());
		assertTrue(r.out().lines().noneMatch(l -> l.startsWith("fiji-gan.")), r
			.out());
	}

	@Test
	void modelsListEscapesFolderNamesAndCards() throws IOException {
		Path store = dir.resolve("store");
		Path folder = Files.createDirectories(store.resolve("a\nb" + ESC + "[2J"));
		OnnxModels.identity(1).write(folder, "model.onnx");
		Files.writeString(folder.resolve("README.md"), "# Card " + ESC + "[41mBG" +
			ESC + "[0m\u0007\nsecond line " + ESC + "]0;T\u0007 two\n");
		Result r = MainTest.cli("models", "list", "--dir", store);
		assertEquals(0, r.exitCode(), r.err());
		assertPrintable(r.out());
		assertEquals(List.of(
			"a\\x0ab\\x1b[2J                onnx        Card \\x1b[41mBG\\x1b[0m\\x07",
			"    second line \\x1b]0;T\\x07 two", "    " + store.toAbsolutePath()
				.resolve("a\\x0ab\\x1b[2J")), r.out().lines().toList());
	}
}
