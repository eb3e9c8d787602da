
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a model states about itself (its ONNX metadata, or its rdf.yaml's
 * {@code config.fiji-gan} section) is bounded as the flags that override it
 * are: a scale, halo, mask hole value or value range beyond them is refused in
 * one line that names the key, where it was stated and what is allowed, by
 * {@code info} as by the commands that run the model, and nothing is written.
 */
class ModelStatedValuesTest {

	@TempDir
	Path dir;

	Path image() throws IOException {
		Path file = dir.resolve("in.tif");
		byte[] px = new byte[16 * 16];
		new Random(3).nextBytes(px);
		assertTrue(new FileSaver(new ImagePlus("x", new ByteProcessor(16, 16, px)))
			.saveAsTiff(file.toString()));
		return file;
	}

	/** {@code args} end with exit code 1 and exactly {@code message}. */
	static void assertRefused(String message, Object... args) {
		Result r = MainTest.cli(args);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: " + message + "\n", r.err());
	}

	/** Denoise and info refuse {@code model} with {@code message}. */
	void assertModelRefused(Path model, String message) throws IOException {
		Path out = dir.resolve("out.tif");
		assertRefused(message, "denoise", "-m", model, "-i", image(), "-o", out,
			"--device", "cpu", "--threads", 1);
		assertFalse(Files.exists(out));
		assertRefused(message, "info", "-m", model);
	}

	Path withMetadata(String file, String key, String value) {
		return OnnxModels.conv3x3(1, 1, 5, 1).metadata("fiji-gan.task", "denoise")
			.metadata(key, value).write(dir, file);
	}

	@Test
	void metadataNumbersAreBoundedAndNamed() throws IOException {
		assertModelRefused(withMetadata("h.onnx", "fiji-gan.halo", "1.5"),
			"model h.onnx: ONNX metadata fiji-gan.halo 1.5 is not a whole number " +
				"of pixels: give a halo from 0 to 16384 px, or state it with --halo");
		assertModelRefused(withMetadata("hb.onnx", "fiji-gan.halo", "99999999999"),
			"model hb.onnx: ONNX metadata fiji-gan.halo 99999999999 is beyond " +
				"16384 px, wider than any tile: for a model that sees that far, run " +
				"untiled (--tile none), or state it with --halo");
		assertModelRefused(withMetadata("s.onnx", "fiji-gan.scale", "1e-30"),
			"model s.onnx: ONNX metadata fiji-gan.scale 1e-30 is beyond what a " +
				"model does: give a scale from 1/64 to 64, or state it with --scale");
		assertModelRefused(withMetadata("r.onnx", "fiji-gan.value_range",
			"0,1e-40"), "model r.onnx: ONNX metadata fiji-gan.value_range 0,1e-40: " +
				"value range [0.0, 1.0E-40] is too narrow to map in 32-bit floats " +
				"(its width 1.0E-40 has no finite 32-bit inverse); state the model's " +
				"range with --range");
		// the flag that overrides a bad value is the way out
		Result r = MainTest.cli("denoise", "-m", dir.resolve("s.onnx"), "-i",
			image(), "-o", dir.resolve("ok.tif"), "--scale", 1, "--device", "cpu",
			"--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
	}

	/**
	 * {@code info} showed a recorded normalisation that is none ({@code banana},
	 * {@code percentile:99,1}) as the model's default and exited 0, while every
	 * run refused the model. It says so now, and exits 1 with the runs' reason;
	 * {@code --normalize} is still the way out for a run.
	 */
	@Test
	void aRecordedNormalisationThatIsNoneIsFlaggedByInfo() throws IOException {
		for (String v : new String[] { "banana", "percentile:99,1", "range:5,5" }) {
			Path model = withMetadata("nb.onnx", "fiji-gan.normalization", v);
			String refused = "model nb records fiji-gan.normalization '" + v +
				"', which is not a normalisation (percentile, percentile:LOW,HIGH, " +
				"range, range:MIN,MAX or none): give --normalize";
			assertModelRefused(model, refused);
			Result info = MainTest.cli("info", "-m", model);
			assertTrue(info.out().contains("normalization: NOT USABLE: " + refused),
				info.out());
			assertFalse(info.out().contains("by default"), info.out());
			Result r = MainTest.cli("denoise", "-m", model, "-i", image(), "-o", dir
				.resolve("ok.tif"), "--normalize", "range", "--device", "cpu",
				"--threads", 1);
			assertEquals(0, r.exitCode(), r.err());
			Files.delete(dir.resolve("ok.tif"));
		}
		Result good = MainTest.cli("info", "-m", withMetadata("ok.onnx",
			"fiji-gan.normalization", "range:0,4000"));
		assertEquals(0, good.exitCode(), good.err());
		assertTrue(good.out().contains("range:0,4000 by default, as it was " +
			"fine-tuned (metadata)"), good.out());
	}

	/**
	 * {@code denoise --task denoise} ran a x2 model and wrote a 2x larger result
	 * labelled denoise, without the residual check or the generated mark. The
	 * override is refused, naming the scale (as is inpaint, in the core).
	 */
	@Test
	void aDenoiseOrInpaintTaskIsRefusedForAScaleOtherThanOne()
		throws IOException
	{
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "x2.onnx");
		Path out = dir.resolve("d.tif");
		assertRefused("model x2 has a scale of 2 (graph), but a denoise model's " +
			"result is its input's size (scale 1): run it as super-resolution, or " +
			"state a scale of 1", "denoise", "-m", model, "-i", image(), "-o", out,
			"--task", "denoise", "--device", "cpu", "--threads", 1);
		assertFalse(Files.exists(out));
		Result sr = MainTest.cli("super-resolution", "-m", model, "-i", image(),
			"-o", out, "--device", "cpu", "--threads", 1);
		assertEquals(0, sr.exitCode(), sr.err());
	}

	/**
	 * A residual key other than subtract or none was taken for none, and it also
	 * stopped the output's name ('noise') from saying the output is the noise:
	 * the noise came out as the result. The message names the flag that states it
	 * only for the commands that have one: fine-tune has none.
	 */
	@Test
	void residualValuesAreCheckedAndNamed() throws IOException {
		Path model = withMetadata("rt.onnx", "fiji-gan.residual", "true");
		String refused = "model rt.onnx: ONNX metadata fiji-gan.residual true is " +
			"not one of its values: give subtract (the output is the noise: result " +
			"= input - output) or none (also false, no or direct: the output is the " +
			"result)";
		assertModelRefused(model, refused +
			", or state which with --residual or --no-residual");
		Path data = Files.createDirectories(dir.resolve("data"));
		Files.copy(image(), data.resolve("a.tif"));
		assertRefused(refused, "fine-tune", "--model", model, "--data", data,
			"--output", dir.resolve("tuned.onnx"), "--steps", 1);
		assertFalse(Files.exists(dir.resolve("tuned.onnx")));
		Result r = MainTest.cli("denoise", "-m", model, "-i", image(), "-o", dir
			.resolve("ok.tif"), "--residual", "--device", "cpu", "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		Result subtract = MainTest.cli("info", "-m", withMetadata("s.onnx",
			"fiji-gan.residual", " Subtract "));
		assertEquals(0, subtract.exitCode(), subtract.err());
		assertTrue(subtract.out().contains("noise/residual: result = input - " +
			"output (metadata)"), subtract.out());
		// what package-model writes for a model whose output is the result
		Result none = MainTest.cli("info", "-m", withMetadata("n.onnx",
			"fiji-gan.residual", "none"));
		assertEquals(0, none.exitCode(), none.err());
		assertFalse(none.out().contains("noise/residual"), none.out());
		// the plain ways of saying no, which earlier versions read as none
		Result no = MainTest.cli("info", "-m", withMetadata("f.onnx",
			"fiji-gan.residual", "False"));
		assertEquals(0, no.exitCode(), no.err());
		assertFalse(no.out().contains("noise/residual"), no.out());
	}

	/**
	 * An output named as the noise is subtracted from the input, and the run says
	 * that this is a guess from the name and how to undo it;
	 * {@code --no-residual} takes the output as the result, without the note.
	 */
	@Test
	void aNoiseGuessedFromTheNameIsSaidAndNoResidualUndoesIt()
		throws IOException
	{
		Path model = OnnxModels.builder().input("x", "N,1,H,W").node("Identity",
			"x", "noise_pred").output("noise_pred", "N,1,H,W").metadata(
				"fiji-gan.task", "denoise").write(dir, "np.onnx");
		Path in = image();
		String note = "the model's output is taken for the noise and subtracted " +
			"from the input (result = input - output), inferred from the output " +
			"name 'noise_pred': if it is the denoised image, say which with " +
			"--residual or --no-residual, or set fiji-gan.residual to none in the " +
			"model's metadata";
		Result guessed = MainTest.cli("denoise", "-m", model, "-i", in, "-o", dir
			.resolve("g.tif"), "--normalize", "range", "--device", "cpu", "--threads",
			1);
		assertEquals(0, guessed.exitCode(), guessed.err());
		assertTrue((guessed.out() + guessed.err()).contains(note), guessed.out() +
			guessed.err());
		// the identity's output subtracted from its input: nothing is left
		assertEquals(0, IJ.openImage(dir.resolve("g.tif").toString())
			.getStatistics().max, 1e-6);

		Result direct = MainTest.cli("denoise", "-m", model, "-i", in, "-o", dir
			.resolve("d.tif"), "--no-residual", "--normalize", "range", "--device",
			"cpu", "--threads", 1);
		assertEquals(0, direct.exitCode(), direct.err());
		assertFalse((direct.out() + direct.err()).contains("taken for the noise"),
			direct.out() + direct.err());
		assertArrayEquals((byte[]) IJ.openImage(in.toString()).getProcessor()
			.getPixels(), (byte[]) IJ.openImage(dir.resolve("d.tif").toString())
				.getProcessor().getPixels());
		Result info = MainTest.cli("info", "-m", model, "--no-residual");
		assertEquals(0, info.exitCode(), info.err());
		assertFalse(info.out().contains("noise/residual"), info.out());
	}

	/**
	 * A key given twice in the ONNX metadata: the last one won without a word, so
	 * a model that said scale 1 and then 2 ran at scale 2.
	 */
	@Test
	void metadataKeysGivenTwiceWithDifferentValuesAreRefused()
		throws IOException
	{
		Path scale = OnnxModels.conv3x3(1, 1, 5, 1).metadata("fiji-gan.task",
			"denoise").metadata("fiji-gan.scale", "1").metadata("fiji-gan.scale", "2")
			.write(dir, "twice.onnx");
		assertModelRefused(scale, scale + " is not a valid ONNX model: its " +
			"metadata gives fiji-gan.scale twice, as '1' and as '2'");
		Path twice = OnnxModels.conv3x3(1, 1, 5, 1).metadata("fiji-gan.task",
			"denoise").metadata("fiji-gan.value_range", "-1,1").metadata(
				"fiji-gan.value_range", "0,1").write(dir, "range2.onnx");
		assertModelRefused(twice, twice + " is not a valid ONNX model: its " +
			"metadata gives fiji-gan.value_range twice, as '-1,1' and as '0,1'");
		// the same value twice says one thing: the model runs
		Path same = OnnxModels.conv3x3(1, 1, 5, 1).metadata("fiji-gan.task",
			"denoise").metadata("fiji-gan.value_range", "-1,1").metadata(
				"fiji-gan.value_range", "-1,1").write(dir, "same.onnx");
		Result info = MainTest.cli("info", "-m", same);
		assertEquals(0, info.exitCode(), info.err());
		assertTrue(info.out().contains("in [-1, 1], out [-1, 1] (metadata)"), info
			.out());
	}

	/** The bundled denoise package, its rdf.yaml's halo line replaced. */
	Path packageWith(String name, String configLine) throws IOException {
		Path pkg = Files.createDirectories(dir.resolve(name));
		try (Stream<Path> s = Files.list(Path.of("models", "denoise"))) {
			for (Path f : s.toList())
				Files.copy(f, pkg.resolve(f.getFileName()));
		}
		Path rdf = pkg.resolve("rdf.yaml");
		String yaml = Files.readString(rdf);
		assertTrue(yaml.contains("\n    halo: 18\n"), yaml);
		Files.writeString(rdf, yaml.replace("\n    halo: 18\n", "\n    " +
			configLine + "\n"));
		return pkg;
	}

	@Test
	void rdfYamlNumbersAreBoundedAndNamed() throws IOException {
		assertModelRefused(packageWith("big", "halo: 99999999999"),
			"model denoise.onnx: rdf.yaml config.fiji-gan.halo 99999999999 is " +
				"beyond 16384 px, wider than any tile: for a model that sees that " +
				"far, run untiled (--tile none), or state it with --halo");
		assertModelRefused(packageWith("nan", "halo: .nan"),
			"model denoise.onnx: rdf.yaml config.fiji-gan.halo NaN is not a whole " +
				"number of pixels: give a halo from 0 to 16384 px, or state it with " +
				"--halo");
		assertModelRefused(packageWith("tiny", "scale: 1e-300"),
			"model denoise.onnx: rdf.yaml config.fiji-gan.scale 1.0E-300 is beyond " +
				"what a model does: give a scale from 1/64 to 64, or state it with " +
				"--scale");
		Path narrow = packageWith("narrow", "halo: 18");
		Path rdf = narrow.resolve("rdf.yaml");
		Files.writeString(rdf, Files.readString(rdf).replace("value_range: \"0,1\"",
			"value_range: \"1e30,1.0000001e30\""));
		assertModelRefused(narrow, "model denoise.onnx: rdf.yaml " +
			"config.fiji-gan.value_range 1e30,1.0000001e30: value range [1.0E30, " +
			"1.0000001E30] is too narrow for its size to map in 32-bit floats (its " +
			"width 1.000000000337629E23 spans 1 step of a 32-bit float there, " +
			"fewer than 4096); state the model's range with --range");
	}

	@Test
	void rangesTooNarrowForFloatsAreRefusedOnTheCommandLine() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		for (String range : new String[] { "0,1e-40", "0,1e-320",
			"1e30,1.0000001e30" })
		{
			Result r = MainTest.cli("denoise", "-m", model, "-i", image(), "-o", dir
				.resolve("o.tif"), "--range", range, "--device", "cpu");
			assertEquals(2, r.exitCode(), r.err());
			assertEquals(1, r.errLines().size(), r.err());
			assertTrue(r.err().startsWith("fiji-gan: Invalid value for option " +
				"'--range': value range ["), r.err());
			assertTrue(r.err().contains(" is too narrow "), r.err());
			assertFalse(Files.exists(dir.resolve("o.tif")));
			Path gen = OnnxModels.generator(8, 0, 5, 4).write(dir, "g.onnx");
			Result g = MainTest.cli("generate", "-m", gen, "-o", dir.resolve("g.tif"),
				"--range", range, "--count", 2, "--seed", 1);
			assertEquals(2, g.exitCode(), g.err());
			assertTrue(g.err().contains(" is too narrow "), g.err());
			assertFalse(Files.exists(dir.resolve("g.tif")));
		}
	}

	/**
	 * A generator's values beyond what an 8-bit image holds are noted as an
	 * image-to-image run notes them: with --range 5,6 a tanh generator's images
	 * came out black without a word.
	 */
	@Test
	void generateNotesClippedValues() {
		Path gen = OnnxModels.generator(8, 0, 5, 4).write(dir, "g.onnx");
		Path out = dir.resolve("g.tif");
		Result r = MainTest.cli("generate", "-m", gen, "-o", out, "--range", "5,6",
			"--count", 2, "--seed", 1, "--device", "cpu");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: 40 result values lay more than 1% " +
			"beyond the 8-bit range and were clipped to it (100% of the result); " +
			"--float keeps the model's values\n"), r.out());
		ImagePlus stack = IJ.openImage(out.toString());
		assertEquals(2, stack.getStackSize());
		assertEquals(0, stack.getStatistics().max, "all black");
		Result inRange = MainTest.cli("generate", "-m", gen, "-o", dir.resolve(
			"h.tif"), "--range", "-1,1", "--count", 2, "--seed", 1, "--device",
			"cpu");
		assertEquals(0, inRange.exitCode(), inRange.err());
		assertFalse(inRange.out().contains("clipped"), inRange.out());
	}

	@Test
	void maskHoleValuesFromMetadataAreCheckedAsTheFlagIs() throws IOException {
		Path in = image();
		String allowed = " is not a mask value: give a mask hole value from " +
			"-65535 to 65535 (1 or 0 for most models)";
		for (String v : new String[] { "NaN", "Infinity", "1e30", "-70000" }) {
			Path model = OnnxModels.inpaint(1).metadata("fiji-gan.mask_hole_value", v)
				.write(dir, "inp.onnx");
			Path out = dir.resolve("o.tif");
			String message = "model inp.onnx: ONNX metadata " +
				"fiji-gan.mask_hole_value " + v + allowed + ", or state it with " +
				"--mask-hole";
			assertRefused(message, "inpaint", "-m", model, "-i", in, "--mask", in,
				"-o", out, "--device", "cpu");
			assertFalse(Files.exists(out));
			assertRefused(message, "info", "-m", model);
		}
		Path plain = OnnxModels.inpaint(1).write(dir, "plain.onnx");
		// a usage error (exit 2): the bound is checked as the line is read
		Result over = MainTest.cli("inpaint", "-m", plain, "-i", in, "--mask", in,
			"-o", dir.resolve("o.tif"), "--device", "cpu", "--mask-hole", "1e30");
		assertEquals(2, over.exitCode(), over.err());
		assertTrue(over.err().contains("--mask-hole 1.0E30" + allowed), over.err());
		assertFalse(Files.exists(dir.resolve("o.tif")));
		Path byte255 = OnnxModels.inpaint(1).metadata("fiji-gan.mask_hole_value",
			"255").write(dir, "b.onnx");
		Result info = MainTest.cli("info", "-m", byte255);
		assertEquals(0, info.exitCode(), info.err());
		assertTrue(info.out().contains("hole = 255 (metadata)"), info.out());
	}
}
