
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.train.autodiff.Tensors;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * {@code fiji-gan fine-tune} end to end on CPU for each self-supervised task
 * (denoise, inpaint, generate; super-resolution is in
 * {@link FineTuneCommandTest}), each result then run by the task's inference
 * command; and a short run that measurably lowers the validation loss.
 */
class FineTuneTasksTest {

	@TempDir
	Path dir;

	/** A seeded, smooth w x h float image in [0.1, 0.9] with a little noise. */
	static float[] texture(Random r, int w, int h) {
		double fx = 2 + 3 * r.nextDouble(), fy = 2 + 3 * r.nextDouble(), phase = 6 *
			r.nextDouble();
		float[] v = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				v[y * w + x] = (float) (0.5 + 0.35 * Math.sin(x / fx + phase) * Math
					.cos(y / fy)) + 0.05f * r.nextFloat();
		return v;
	}

	/**
	 * Writes {@code count} seeded textures as 32-bit TIFFs
	 * {@code folder/img<k>.tif}.
	 */
	static Path images(Path folder, int count, int w, int h, long seed)
		throws IOException
	{
		Files.createDirectories(folder);
		Random r = new Random(seed);
		for (int k = 0; k < count; k++)
			assertTrue(new FileSaver(new ImagePlus("img" + k, new FloatProcessor(w, h,
				texture(r, w, h)))).saveAsTiff(folder.resolve("img" + k + ".tif")
					.toString()));
		return folder;
	}

	static MainTest.Result fineTune(Path model, Path output, Path data,
		Object... more)
	{
		List<Object> args = new ArrayList<>(List.of("fine-tune", "--model", model,
			"--output", output, "--data", data, "--device", "cpu", "--threads", 1));
		args.addAll(List.of(more));
		return MainTest.cli(args.toArray());
	}

	static ModelProto read(Path onnx) throws IOException {
		return ModelProto.parseFrom(Files.readAllBytes(onnx));
	}

	static Map<String, float[]> floatInitializers(Path onnx) throws IOException {
		Map<String, float[]> m = new LinkedHashMap<>();
		for (TensorProto t : read(onnx).getGraph().getInitializerList())
			if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) m.put(t
				.getName(), Tensors.floats(t));
		return m;
	}

	static Map<String, String> metadata(Path onnx) throws IOException {
		Map<String, String> m = new LinkedHashMap<>();
		for (StringStringEntryProto e : read(onnx).getMetadataPropsList())
			m.put(e.getKey(), e.getValue());
		return m;
	}

	/**
	 * Every named initializer differs from the base model's somewhere; the graph
	 * is unchanged.
	 */
	static void assertTrained(Path base, Path tuned, String... names)
		throws IOException
	{
		Map<String, float[]> before = floatInitializers(base), after =
			floatInitializers(tuned);
		assertEquals(before.keySet(), after.keySet());
		for (String n : names)
			assertFalse(Arrays.equals(before.get(n), after.get(n)), n +
				" is unchanged");
		assertEquals(read(base).getGraph().getNodeList(), read(tuned).getGraph()
			.getNodeList());
		assertEquals(read(base).getGraph().getInputList(), read(tuned).getGraph()
			.getInputList());
		assertEquals(read(base).getGraph().getOutputList(), read(tuned).getGraph()
			.getOutputList());
	}

	/** The loss CSV: a header, then one row per step, numbered 1..steps. */
	static List<String[]> lossRows(Path csv, int steps) throws IOException {
		List<String> lines = Files.readAllLines(csv);
		assertEquals(
			"step,loss,content_loss,discriminator_loss,validation_loss,validation_psnr,validation_ssim",
			lines.get(0));
		assertEquals(steps + 1, lines.size(), String.join("\n", lines));
		List<String[]> rows = new ArrayList<>();
		for (int i = 1; i <= steps; i++) {
			String[] row = lines.get(i).split(",", -1);
			assertEquals(Integer.toString(i), row[0]);
			assertTrue(Float.isFinite(Float.parseFloat(row[1])), lines.get(i));
			rows.add(row);
		}
		return rows;
	}

	@Test
	void aDenoiserFineTunedOnAFolderRunsInDenoise() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "denoiser.onnx");
		Path data = images(dir.resolve("data"), 3, 32, 32, 1);
		Path out = dir.resolve("denoiser-tuned.onnx");

		MainTest.Result r = fineTune(model, out, data, "--steps", 4, "--batch", 2,
			"--patch", 16, "--lr", 1e-3, "--seed", 2);

		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("wrote " + out + " (4 steps on cpu"), r
			.out());
		assertTrue(r.out().contains("denoise: Gaussian noise"), r.out());
		assertTrue(r.out().contains("16x16 patches, flips and rotations;"), r
			.out());
		List<String[]> rows = lossRows(dir.resolve("denoiser-tuned-loss.csv"), 4);
		assertFalse(rows.get(3)[4].isEmpty(), "validation at the end");
		assertTrained(model, out, "w0", "b0", "w1", "b1");
		assertEquals("4", metadata(out).get("fiji-gan.fine_tune.steps"));

		Path denoised = dir.resolve("denoised.tif");
		MainTest.Result run = MainTest.cli("denoise", "--model", out, "--input",
			data.resolve("img0.tif"), "--output", denoised, "--device", "cpu",
			"--threads", 1);
		assertEquals(0, run.exitCode(), run.err());
		ImagePlus imp = IJ.openImage(denoised.toString());
		assertEquals(32, imp.getWidth());
		assertEquals(32, imp.getHeight());
	}

	/**
	 * An inpainting model, output = Conv3x3(Concat(image, mask)) with weights
	 * drawn from {@code seed}, so that every weight reaches the loss; a mask of
	 * shape "N,H,W" is unsqueezed to the image's rank first.
	 */
	private Path concatInpainter(String name, String maskShape, long seed) {
		Random random = new Random(seed);
		OnnxModels.Builder b = OnnxModels.builder().input("image", "N,1,H,W").input(
			"mask", maskShape);
		String mask = "mask";
		if (maskShape.equals("N,H,W")) b.initializer("axis", new long[] { 1 }, 1)
			.node("Unsqueeze", "mask,axis", mask = "mask4");
		return b.initializer("w", OnnxModels.randomFloats(random, 2 * 9, 0.3f), 1,
			2, 3, 3).initializer("b", new float[] { 0.1f }, 1).node("Concat",
				"image," + mask, "both", OnnxModels.attrInt("axis", 1)).node("Conv",
					"both,w,b", "output", OnnxModels.attrInts("kernel_shape", 3, 3),
					OnnxModels.attrInts("pads", 1, 1, 1, 1)).output("output", "N,1,H,W")
			.write(dir, name);
	}

	@Test
	void anInpaintingModelFineTunedOnHolesRunsInInpaint() throws IOException {
		Path model = concatInpainter("fill.onnx", "N,1,H,W", 8);
		Path data = images(dir.resolve("data"), 3, 32, 32, 4);
		Path out = dir.resolve("fill-tuned.onnx");

		MainTest.Result r = fineTune(model, out, data, "--steps", 3, "--batch", 2,
			"--patch", 24, "--lr", 1e-3, "--seed", 5);

		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("inpaint: free-form holes"), r.out());
		lossRows(dir.resolve("fill-tuned-loss.csv"), 3);
		assertTrained(model, out, "w", "b");

		byte[] holes = new byte[32 * 32];
		for (int y = 10; y < 18; y++)
			for (int x = 12; x < 20; x++)
				holes[y * 32 + x] = 1;
		Path mask = dir.resolve("mask.tif");
		assertTrue(new FileSaver(new ImagePlus("mask", new ByteProcessor(32, 32,
			holes))).saveAsTiff(mask.toString()));
		Path filled = dir.resolve("filled.tif");
		MainTest.Result run = MainTest.cli("inpaint", "--model", out, "--input",
			data.resolve("img1.tif"), "--mask", mask, "--output", filled, "--device",
			"cpu", "--threads", 1);
		assertEquals(0, run.exitCode(), run.err());
		float[] in = (float[]) IJ.openImage(data.resolve("img1.tif").toString())
			.getProcessor().getPixels();
		ImagePlus result = IJ.openImage(filled.toString());
		assertEquals(32, result.getWidth());
		float[] o = (float[]) result.getProcessor().convertToFloatProcessor()
			.getPixels();
		for (int i = 0; i < in.length; i++)
			if (holes[i] == 0) assertEquals(in[i], o[i], 1e-5, "pixel " + i +
				" outside the hole");
	}

	/**
	 * A mask input of its own rank, [N,H,W] beside the image's [N,1,H,W], is fed
	 * in that rank in training as in inference (it was fed in the image's layout,
	 * which ONNX Runtime refused).
	 */
	@Test
	void anInpaintingModelWithAMaskOfItsOwnRankFineTunes() throws IOException {
		Path model = concatInpainter("fill3.onnx", "N,H,W", 9);
		Path data = images(dir.resolve("data3"), 3, 32, 32, 4);
		Path out = dir.resolve("fill3-tuned.onnx");

		MainTest.Result r = fineTune(model, out, data, "--steps", 2, "--batch", 2,
			"--patch", 24, "--lr", 1e-3, "--seed", 5);

		assertEquals(0, r.exitCode(), r.err());
		lossRows(dir.resolve("fill3-tuned-loss.csv"), 2);
		assertTrained(model, out, "w", "b");
	}

	/**
	 * A class input of [N,1] labels, one-hot vectors or int32 labels ([N] or
	 * [N,1]) is fed in its own form and type, and the discriminator's class
	 * projection gets the same labels: each trains exactly as the same generator
	 * with [N] int64 labels does (a projection given other labels would judge,
	 * and so train, differently).
	 */
	@Test
	void aGeneratorTrainsAsWithPlainLabelsWhateverTheFormOfItsClassInput()
		throws IOException
	{
		Path data = dir.resolve("classes");
		images(data.resolve("a"), 2, 16, 16, 6);
		images(data.resolve("b"), 2, 16, 16, 7);
		List<String> forms = List.of("N", "N,1", "one-hot", "N int32", "N,1 int32");
		Map<String, Map<String, float[]>> trained = new LinkedHashMap<>();
		for (String form : forms) {
			String name = form.replace(",", "-").replace(" ", "-");
			Path model = OnnxModels.generator(8, 2, 16, 16, form).write(dir, name +
				".onnx");
			Path out = dir.resolve(name + "-tuned.onnx");
			MainTest.Result r = fineTune(model, out, data, "--steps", 3, "--batch", 2,
				"--patch", 0, "--adversarial-weight", 1, "--lr", 1e-3, "--seed", 3);
			assertEquals(0, r.exitCode(), form + ": " + r.err());
			assertTrained(model, out, "W", "B", "E");
			trained.put(form, floatInitializers(out));
		}
		for (String form : forms.subList(1, forms.size()))
			for (String w : List.of("W", "B", "E"))
				assertArrayEquals(trained.get("N").get(w), trained.get(form).get(w),
					1e-5f, form + " " + w);
	}

	/**
	 * A class named with a leading '.' would be a hidden folder, which is not
	 * read: create-model refuses such a name, and a model whose metadata gives
	 * one is refused when fine-tune loads it, before the hidden class's images
	 * are left out without a word.
	 */
	@Test
	void aClassNameStartingWithADotIsRefused() throws IOException {
		Path data = dir.resolve("data");
		images(data.resolve(".hidden"), 3, 16, 16, 6);
		images(data.resolve("b"), 3, 16, 16, 7);
		Path created = dir.resolve("g.onnx");
		MainTest.Result c = MainTest.cli("create-model", "--arch", "dcgan",
			"--size", 16, "--latent", 8, "--width", 4, "--classes", ".hidden,b",
			"--output", created);
		assertEquals(1, c.exitCode(), c.err());
		assertEquals("fiji-gan: class names must be folder names, without /, \\ " +
			"or control characters, not empty and not starting with '.' (a hidden " +
			"folder, which is not read): got '.hidden' in .hidden,b", c.err()
				.strip());
		assertFalse(Files.exists(created));
		Path model = OnnxModels.generator(8, 2, 16, 16).metadata(
			"fiji-gan.class_names", ".hidden,b").write(dir, "hid.onnx");
		Path out = dir.resolve("t.onnx");
		MainTest.Result r = fineTune(model, out, data, "--steps", 1, "--batch", 2,
			"--patch", 0, "--seed", 3);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: class name '.hidden' in the fiji-gan.class_names " +
			"of generator hid (.hidden,b) starts with '.': its folder would be " +
			"hidden, and hidden folders are not read as classes; rename the class", r
				.err().strip());
		try (var left = Files.list(dir)) {
			assertEquals(List.of("data", "hid.onnx"), left.map(p -> p.getFileName()
				.toString()).sorted().toList());
		}
	}

	/**
	 * Class folders name a model's classes ignoring case, or by label number, as
	 * generate --balance-against reads them: the same images train to the same
	 * weights; two folders of one class are refused.
	 */
	@Test
	void classFoldersNameClassesIgnoringCaseOrByNumber() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16).metadata(
			"fiji-gan.class_names", "cells,nuclei").write(dir, "named.onnx");
		Map<String, Map<String, float[]>> trained = new java.util.LinkedHashMap<>();
		for (List<String> folders : List.of(List.of("cells", "nuclei"), List.of(
			"CELLS", "Nuclei"), List.of("0", "nuclei")))
		{
			Path data = dir.resolve("data-" + String.join("-", folders));
			images(data.resolve(folders.get(0)), 3, 16, 16, 6);
			images(data.resolve(folders.get(1)), 3, 16, 16, 7);
			Path out = dir.resolve("tuned-" + String.join("-", folders) + ".onnx");
			MainTest.Result r = fineTune(model, out, data, "--steps", 2, "--batch", 2,
				"--patch", 0, "--adversarial-weight", 1, "--lr", 1e-3, "--seed", 3);
			assertEquals(0, r.exitCode(), folders + ": " + r.err());
			trained.put(String.join(",", folders), floatInitializers(out));
		}
		assertTrained(model, dir.resolve("tuned-cells-nuclei.onnx"), "W", "B", "E");
		for (String w : List.of("W", "B", "E"))
			for (String folders : List.of("CELLS,Nuclei", "0,nuclei"))
				assertArrayEquals(trained.get("cells,nuclei").get(w), trained.get(
					folders).get(w), folders + " " + w);
		Path twice = dir.resolve("twice");
		images(twice.resolve("cells"), 2, 16, 16, 6);
		images(twice.resolve("Cells"), 2, 16, 16, 8);
		MainTest.Result r = fineTune(model, dir.resolve("twice.onnx"), twice,
			"--steps", 2, "--batch", 2, "--patch", 0, "--adversarial-weight", 1);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: sub-folders 'Cells' and 'cells' both name class " +
			"cells: put each class's images in one sub-folder", r.err().strip());
		assertFalse(Files.exists(dir.resolve("twice.onnx")));
	}

	/**
	 * A generator learns its augmentations as part of what it makes (turned
	 * orientations, mirrored anatomy): it is not flipped or rotated unless
	 * --augment asks (an image-to-image model still is by default:
	 * {@link #aDenoiserFineTunedOnAFolderRunsInDenoise}).
	 */
	@Test
	void aGeneratorIsFlippedAndRotatedOnlyWhenAsked() throws IOException {
		Path model = OnnxModels.generator(8, 0, 16, 16).write(dir, "gen.onnx");
		Path data = images(dir.resolve("data"), 2, 16, 16, 6);
		MainTest.Result plain = fineTune(model, dir.resolve("plain.onnx"), data,
			"--steps", 1, "--batch", 2, "--patch", 0, "--seed", 3);
		assertEquals(0, plain.exitCode(), plain.err());
		assertTrue(plain.out().contains("whole images, no augmentation;"), plain
			.out());
		MainTest.Result asked = fineTune(model, dir.resolve("asked.onnx"), data,
			"--steps", 1, "--batch", 2, "--patch", 0, "--seed", 3, "--augment",
			"flips");
		assertEquals(0, asked.exitCode(), asked.err());
		assertTrue(asked.out().contains("whole images, flips and rotations;"), asked
			.out());
	}

	@Test
	void aConditionalGeneratorFineTunedOnClassFoldersRunsInGenerate()
		throws IOException
	{
		Path model = OnnxModels.generator(8, 2, 16, 16).metadata(
			"fiji-gan.class_names", "cells,nuclei").write(dir, "gen.onnx");
		Path data = dir.resolve("data");
		images(data.resolve("cells"), 3, 16, 16, 6);
		images(data.resolve("nuclei"), 3, 16, 16, 7);
		Path out = dir.resolve("gen-tuned.onnx");

		MainTest.Result r = fineTune(model, out, data, "--steps", 3, "--batch", 2,
			"--patch", 0, "--adversarial-weight", 1, "--lr", 1e-3, "--seed", 3);

		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("2 classes"), r.out());
		List<String[]> rows = lossRows(dir.resolve("gen-tuned-loss.csv"), 3);
		for (String[] row : rows)
			assertTrue(Float.isFinite(Float.parseFloat(row[3])),
				"discriminator loss " + row[3]);
		assertTrained(model, out, "W", "B", "E");
		assertEquals("cells,nuclei", metadata(out).get("fiji-gan.class_names"));

		Path generated = dir.resolve("generated.tif");
		MainTest.Result run = MainTest.cli("generate", "--model", out, "--output",
			generated, "--count", 3, "--class", "nuclei", "--seed", 9, "--device",
			"cpu", "--threads", 1);
		assertEquals(0, run.exitCode(), run.err());
		ImagePlus stack = IJ.openImage(generated.toString());
		assertEquals(3, stack.getStackSize());
		assertEquals(16, stack.getWidth());
		assertEquals(16, stack.getHeight());
	}

	/**
	 * A generator that names no classes, fine-tuned on named class folders, comes
	 * out naming its classes after them in label order (before, it kept no names:
	 * generate wrote into 0/ 1/ 2/ and could not balance against the same
	 * folders); one folder per class only, else a note says why not.
	 */
	@Test
	void anUnnamedGeneratorTunedOnNamedFoldersNamesItsClassesAfterThem()
		throws IOException
	{
		Path model = OnnxModels.generator(8, 3, 16, 16, "N,1").write(dir,
			"gen.onnx");
		assertFalse(metadata(model).containsKey("fiji-gan.class_names"));
		Path data = dir.resolve("data");
		images(data.resolve("gamma"), 2, 16, 16, 5);
		images(data.resolve("alpha"), 2, 16, 16, 6);
		images(data.resolve("beta"), 2, 16, 16, 7);
		Path out = dir.resolve("gen-tuned.onnx");
		MainTest.Result r = fineTune(model, out, data, "--steps", 2, "--batch", 2,
			"--patch", 0, "--seed", 3);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: the model named no classes: the " +
			"result names them after the class folders, in label order " +
			"(fiji-gan.class_names alpha,beta,gamma)"), r.out());
		assertEquals("alpha,beta,gamma", metadata(out).get("fiji-gan.class_names"));
		assertFalse(metadata(model).containsKey("fiji-gan.class_names"));

		Path generated = dir.resolve("generated");
		MainTest.Result run = MainTest.cli("generate", "--model", out, "--output",
			generated, "--per-class", 1, "--seed", 9, "--device", "cpu", "--threads",
			1);
		assertEquals(0, run.exitCode(), run.err());
		List<String> written = new ArrayList<>();
		try (var files = Files.walk(generated)) {
			files.filter(f -> f.toString().endsWith(".tif")).forEach(f -> written.add(
				generated.relativize(f).getParent().toString()));
		}
		written.sort(null);
		assertEquals(List.of("alpha", "beta", "gamma"), written);

		// two folders for three classes: the third would not be trained, and is
		// refused by name before anything is written
		Path two = dir.resolve("two");
		images(two.resolve("alpha"), 2, 16, 16, 6);
		images(two.resolve("beta"), 2, 16, 16, 7);
		Path out2 = dir.resolve("gen-two.onnx");
		MainTest.Result r2 = fineTune(model, out2, two, "--steps", 1, "--batch", 2,
			"--patch", 0, "--seed", 3);
		assertEquals(1, r2.exitCode(), r2.out());
		assertTrue(r2.err().contains("class 2 has no training images, of the " +
			"generator's 3 classes"), r2.err());
		assertFalse(Files.exists(out2));
	}

	@Test
	void aShortDenoiseFineTuneLowersTheValidationLoss() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 13, 2).write(dir, "denoiser.onnx");
		Path data = images(dir.resolve("data"), 4, 32, 32, 17);
		Path out = dir.resolve("tuned.onnx");
		int steps = 40;

		MainTest.Result r = fineTune(model, out, data, "--steps", steps, "--batch",
			2, "--patch", 16, "--lr", 1e-2, "--seed", 19, "--validation", 0.25,
			"--validate-every", 1);

		assertEquals(0, r.exitCode(), r.err());
		List<String[]> rows = lossRows(dir.resolve("tuned-loss.csv"), steps);
		float first = Float.parseFloat(rows.get(0)[4]), last = Float.parseFloat(rows
			.get(steps - 1)[4]);
		float firstPsnr = Float.parseFloat(rows.get(0)[5]), lastPsnr = Float
			.parseFloat(rows.get(steps - 1)[5]);
		assertTrue(last < 0.5f * first, "validation loss " + first + " -> " + last);
		assertTrue(lastPsnr > firstPsnr + 3, "validation PSNR " + firstPsnr +
			" -> " + lastPsnr);
	}
}
