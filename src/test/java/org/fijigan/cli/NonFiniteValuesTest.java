
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.batch.Manifest;
import org.fijigan.core.image.Npy;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaN and infinite values: counted per image where a model gives them, stated
 * in the summary, the result's properties and the manifest; kept in a float
 * result; refused for an integer result unless mapped with
 * {@code --nonfinite zero|clip}. NaN latent vectors and NaN mask pixels are
 * refused the same way.
 */
class NonFiniteValuesTest {

	@TempDir
	Path dir;

	/** y = log(x): NaN below 0, -inf at 0. */
	Path logModel() {
		return OnnxModels.builder().input("x", "N,1,H,W").node("Log", "x", "y")
			.output("y", "N,1,H,W").write(dir, "log.onnx");
	}

	/**
	 * 4x3 float: -2 and -1 (NaN after log), 0 twice (-inf), the rest 1..8
	 * (finite).
	 */
	Path floatImage() {
		float[] v = { -2, -1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
		Path f = dir.resolve("f.tif");
		assertTrue(new FileSaver(new ImagePlus("f", new FloatProcessor(4, 3, v)))
			.saveAsTiff(f.toString()));
		return f;
	}

	/**
	 * 4x3 8-bit: 0 at three pixels (-inf after log under range normalisation),
	 * the rest finite.
	 */
	Path byteImage(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		byte[] v = { 0, 0, 0, 50, 60, 70, 80, 90, 100, 110, 120, (byte) 255 };
		assertTrue(new FileSaver(new ImagePlus("b", new ByteProcessor(4, 3, v)))
			.saveAsTiff(file.toString()));
		return file;
	}

	static String info(Path tif) {
		return IJ.openImage(tif.toString()).getInfoProperty();
	}

	@Test
	void aFloatResultKeepsNanAndInfinityAndCountsThem() {
		Path out = dir.resolve("out.tif");
		Result r = MainTest.cli("run", "-m", logModel(), "-i", floatImage(), "-o",
			out, "--normalize", "none", "--device", "cpu");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"note: 4 NaN/infinite values in the model's output, kept as they are " +
				"in the 32-bit result\n"), r.out());
		float[] p = (float[]) IJ.openImage(out.toString()).getProcessor()
			.getPixels();
		assertTrue(Float.isNaN(p[0]) && Float.isNaN(p[1]));
		assertEquals(Float.NEGATIVE_INFINITY, p[2]);
		assertEquals(0f, p[4]);
		assertTrue(info(out).contains("fiji-gan.nonfinite.outputs = 4\n"), info(
			out));
	}

	@Test
	void anIntegerResultRefusesThemUnlessMappedAsTheUserChooses()
		throws IOException
	{
		Path in = byteImage(dir.resolve("b.tif")), model = logModel(), out = dir
			.resolve("out.tif");
		Result refused = MainTest.cli("run", "-m", model, "-i", in, "-o", out,
			"--normalize", "range", "--device", "cpu");
		assertEquals(1, refused.exitCode(), refused.err());
		assertEquals(
			"fiji-gan: the model gave 3 NaN or infinite values in one tile, which an 8-bit " +
				"result cannot hold: write 32-bit float output (--float) to keep them, or choose --nonfinite " +
				"zero or clip to map them\n", refused.err());
		assertFalse(Files.exists(out));

		Result zero = MainTest.cli("run", "-m", model, "-i", in, "-o", out,
			"--normalize", "range", "--device", "cpu", "--nonfinite", "zero");
		assertEquals(0, zero.exitCode(), zero.err());
		assertTrue(zero.out().contains(
			"note: 3 NaN/infinite values in the model's output were written " +
				"as 0 (nonfinite: zero)\n"), zero.out());
		byte[] z = (byte[]) IJ.openImage(out.toString()).getProcessor().getPixels();
		assertEquals(0, z[0]);
		assertTrue(info(out).contains("fiji-gan.nonfinite.outputs = 3\n"), info(
			out));

		Result bad = MainTest.cli("run", "-m", model, "-i", in, "-o", out,
			"--nonfinite", "maybe");
		assertEquals(2, bad.exitCode(), bad.err());
		assertTrue(bad.err().contains(
			"'maybe' is not a way to treat NaN and infinite values: use fail, " +
				"zero or clip"), bad.err());
	}

	@Test
	void aFolderRunCountsThemPerImageInTheManifestWhichOlderManifestsStillResume()
		throws IOException
	{
		Path in = dir.resolve("in");
		byteImage(in.resolve("a.tif"));
		float[] ones = new float[12];
		java.util.Arrays.fill(ones, 1);
		assertTrue(new FileSaver(new ImagePlus("c", new FloatProcessor(4, 3, ones)))
			.saveAsTiff(in.resolve("c.tif").toString()));
		Path out = dir.resolve("out");
		Result r = MainTest.cli("run", "-m", logModel(), "-i", in, "-o", out,
			"--float", "--normalize", "none", "--device", "cpu");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"note: 1 image has NaN or infinite values in the model's output " +
				"(see the manifest's nonfinite column)\n"), r.out());
		Manifest.Table t = Manifest.read(out.resolve("manifest.csv"));
		assertEquals(Manifest.FOLDER_COLUMNS, t.header());
		Map<String, String> a = t.rows().stream().filter(m -> m.get("input").equals(
			"a.tif")).findFirst().orElseThrow();
		Map<String, String> c = t.rows().stream().filter(m -> m.get("input").equals(
			"c.tif")).findFirst().orElseThrow();
		assertEquals("3", a.get("nonfinite"));
		assertEquals("0", c.get("nonfinite"));

		// a manifest an earlier version wrote, without the column, is still taken
		// as a record
		List<String> lines = Files.readAllLines(out.resolve("manifest.csv"));
		StringBuilder old = new StringBuilder();
		for (String line : lines)
			old.append(line, 0, line.lastIndexOf(',')).append('\n');
		Files.writeString(out.resolve("manifest.csv"), old);
		Result again = MainTest.cli("run", "-m", logModel(), "-i", in, "-o", out,
			"--float", "--normalize", "none", "--device", "cpu");
		assertEquals(0, again.exitCode(), again.err());
		assertTrue(again.out().contains("2 complete from an earlier run, skipped"),
			again.out());
	}

	/**
	 * z [N,4] reshaped to one 2x2 image per vector, then log: a generator of NaN
	 * where z < 0.
	 */
	Path logGenerator() {
		return OnnxModels.builder().input("z", "N,4").constant("shape", new long[] {
			-1, 1, 2, 2 }, 4).node("Reshape", "z,shape", "r").node("Log", "r",
				"image").output("image", "N,1,2,2").write(dir, "loggan.onnx");
	}

	@Test
	void generatorOutputsAreCountedAndNanLatentsAreRefused() throws IOException {
		Path model = logGenerator(), latents = dir.resolve("z.npy");
		Npy.writeFloat(latents, new float[] { 1, -1, 0, 2, 1, 1, 1, 1 }, 2, 4); // image
																																						// 0:
																																						// NaN,
																																						// -inf
		Result refused = MainTest.cli("generate", "-m", model, "-o", dir.resolve(
			"g.tif"), "--latent", latents, "--range", "-1,1");
		assertEquals(1, refused.exitCode(), refused.err());
		assertTrue(refused.err().startsWith(
			"fiji-gan: the generator gave NaN or infinite values for " +
				"sample 0, which an 8-bit image cannot hold"), refused.err());

		Path folder = dir.resolve("gen");
		Result kept = MainTest.cli("generate", "-m", model, "-o", folder,
			"--latent", latents, "--float");
		assertEquals(0, kept.exitCode(), kept.err());
		Map<String, String> row0 = Manifest.read(folder.resolve("manifest.csv"))
			.rows().get(0);
		Map<String, String> row1 = Manifest.read(folder.resolve("manifest.csv"))
			.rows().get(1);
		assertEquals("2", row0.get("nonfinite"));
		assertEquals("0", row1.get("nonfinite"));
		assertTrue(info(folder.resolve(row0.get("file"))).contains(
			"fiji-gan.nonfinite.outputs = 2\n"));

		Path nan = dir.resolve("nan.npy");
		Npy.writeFloat(nan, new float[] { 1, 1, 1, 1, 1, Float.NaN, 1, 1 }, 2, 4);
		Result bad = MainTest.cli("generate", "-m", model, "-o", dir.resolve(
			"n.tif"), "--latent", nan);
		assertEquals(1, bad.exitCode(), bad.err());
		assertEquals(
			"fiji-gan: the latent vectors hold 1 NaN or infinite value (the first in vector 1): " +
				"a generator draws images from finite numbers only\n", bad.err());
	}

	/**
	 * In a folder, a sample of NaN values fails its own file only, named by its
	 * number and seed: the samples drawn with it were failed too, each with
	 * "image 0", the first bad one's index within the block.
	 */
	@Test
	void aFolderFailsOnlyTheSamplesWithNanAndNamesEach() throws IOException {
		Path model = logGenerator(), latents = dir.resolve("z3.npy");
		Npy.writeFloat(latents, new float[] { 1, 1, 1, 1, -1, 1, 1, 1, 2, 2, 2, 2,
			1, 0, 1, 1 }, 4, 4); // samples 1 and 3: NaN, -inf
		Path folder = dir.resolve("g");
		Result r = MainTest.cli("generate", "-m", model, "-o", folder, "--latent",
			latents, "--range", "-1,1");
		assertEquals(1, r.exitCode(), r.err());
		String why = ", which an 8-bit image cannot hold: write 32-bit float " +
			"output (--float) to keep them, or choose --nonfinite zero or clip to map them";
		assertTrue(r.out().contains(
			"failed: synthetic-000001.tif: the generator gave " +
				"NaN or infinite values for sample 1" + why + "\n"), r.out());
		assertTrue(r.out().contains(
			"failed: synthetic-000003.tif: the generator gave " +
				"NaN or infinite values for sample 3" + why + "\n"), r.out());
		List<Map<String, String>> rows = Manifest.read(folder.resolve(
			"manifest.csv")).rows();
		assertEquals(List.of("done", "failed", "done", "failed"), rows.stream().map(
			row -> row.get("status")).toList());
		assertTrue(Files.isRegularFile(folder.resolve("synthetic-000000.tif")));
		assertTrue(Files.isRegularFile(folder.resolve("synthetic-000002.tif")));
		assertFalse(Files.exists(folder.resolve("synthetic-000001.tif")));
		assertFalse(Files.exists(folder.resolve("synthetic-000003.tif")));

		Result seeded = MainTest.cli("generate", "-m", model, "-o", dir.resolve(
			"s.tif"), "--seed", "7", "--count", "1", "--range", "-1,1");
		assertEquals(1, seeded.exitCode(), seeded.err());
		assertEquals("fiji-gan: the generator gave NaN or infinite values for " +
			"sample 0 (seed 7)" + why + "\n", seeded.err());
		assertFalse(Files.exists(dir.resolve("s.tif")));
	}

	@Test
	void nanMaskPixelsAreRefusedUnlessReadAsZero() throws IOException {
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path in = byteImage(dir.resolve("i.tif"));
		float[] m = new float[12];
		m[5] = 1;
		m[7] = Float.NaN;
		m[8] = Float.NaN;
		Path mask = dir.resolve("m.tif");
		assertTrue(new FileSaver(new ImagePlus("m", new FloatProcessor(4, 3, m)))
			.saveAsTiff(mask.toString()));
		Result refused = MainTest.cli("inpaint", "-m", model, "-i", in, "--mask",
			mask, "-o", dir.resolve("o.tif"), "--device", "cpu");
		assertEquals(1, refused.exitCode(), refused.err());
		assertEquals(
			"fiji-gan: the mask has 2 NaN pixels, which mark neither a hole (non-zero) nor none " +
				"(0): fix the mask, or choose --nonfinite zero or clip to read them as 0\n",
			refused.err());
		Result zero = MainTest.cli("inpaint", "-m", model, "-i", in, "--mask", mask,
			"-o", dir.resolve("o.tif"), "--device", "cpu", "--nonfinite", "zero",
			"--normalize", "range");
		assertEquals(0, zero.exitCode(), zero.err());
		assertTrue(zero.out().contains(
			"note: 2 NaN mask pixels were read as 0 (no hole; nonfinite: " +
				"zero)\n"), zero.out());
		byte[] o = (byte[]) IJ.openImage(dir.resolve("o.tif").toString())
			.getProcessor().getPixels();
		byte[] i = (byte[]) IJ.openImage(in.toString()).getProcessor().getPixels();
		assertEquals(i[7], o[7], "a NaN mask pixel is no hole: the original stays");
		assertEquals(i[8], o[8]);
	}

	/**
	 * A float hyperstack of 4x3 planes, written as an ImageJ TIFF; plane
	 * {@code (c, z, t)} holds {@code value.at(c, z, t, i)} at pixel {@code i}.
	 */
	Path hyperstack(String name, int channels, int slices, int frames,
		PlaneValues value)
	{
		ImageStack stack = new ImageStack(4, 3);
		for (int t = 0; t < frames; t++)
			for (int z = 0; z < slices; z++)
				for (int c = 0; c < channels; c++) {
					float[] v = new float[12];
					for (int i = 0; i < v.length; i++)
						v[i] = value.at(c, z, t, i);
					stack.addSlice(new FloatProcessor(4, 3, v));
				}
		ImagePlus imp = new ImagePlus(name, stack);
		imp.setDimensions(channels, slices, frames);
		if (channels * slices * frames > 1) imp.setOpenAsHyperStack(true);
		Path f = dir.resolve(name);
		assertTrue(new FileSaver(imp).saveAsTiff(f.toString()));
		return f;
	}

	interface PlaneValues {

		float at(int c, int z, int t, int i);
	}

	/**
	 * A channel, slice or frame of nothing but NaN is refused as a whole image of
	 * them is, naming it as ImageJ numbers it (from 1): the model would be fed
	 * zeros there and give made-up values. An all-zero channel, and a channel
	 * with some NaN pixels, still run; a channel the model is not fed is not
	 * counted.
	 */
	@Test
	void aChannelOrPlaneOfNothingButNanIsRefusedNamingIt() {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("out.tif");
		// channel 1 all NaN, channel 2 all zero, channel 3 one NaN pixel
		Path channel = hyperstack("c.tif", 3, 1, 1, (c, z, t, i) -> c == 0
			? Float.NaN : c == 1 ? 0 : i == 5 ? Float.NaN : i);
		for (String command : List.of("run", "denoise", "super-resolution")) {
			Result r = MainTest.cli(command, "-m", model, "-i", channel, "-o", out,
				"--device", "cpu", "--threads", 1);
			assertEquals(1, r.exitCode(), command + ": " + r.err());
			assertEquals("fiji-gan: channel 1 of image c.tif has no finite pixel " +
				"(all 12 are NaN or infinite): there is nothing to process there; " +
				"remove it first\n", r.err(), command);
			assertFalse(Files.exists(out), command);
		}
		// only channel 3 (from 0: 2) fed: its one NaN pixel is the one counted
		Result fed = MainTest.cli("run", "-m", model, "-i", channel, "-o", out,
			"--channels", 2, "--device", "cpu", "--threads", 1);
		assertEquals(0, fed.exitCode(), fed.err());
		assertTrue(fed.out().contains("note: 1 NaN/infinite input pixels were " +
			"ignored by the normalisation and fed to the model as 0\n"), fed.out());
		assertTrue(Files.exists(out));

		Path ok = hyperstack("ok.tif", 3, 1, 1, (c, z, t, i) -> c == 0 ? i : c == 1
			? 0 : i == 5 ? Float.NaN : i);
		Path okOut = dir.resolve("ok-out.tif");
		Result legit = MainTest.cli("run", "-m", model, "-i", ok, "-o", okOut,
			"--device", "cpu", "--threads", 1);
		assertEquals(0, legit.exitCode(), legit.err());
		assertTrue(legit.out().contains("note: 1 NaN/infinite input pixels were " +
			"ignored by the normalisation and fed to the model as 0\n"), legit.out());
		ImagePlus result = IJ.openImage(okOut.toString());
		assertEquals(3, result.getNChannels());
		result.setPosition(2, 1, 1);
		for (float v : (float[]) result.getProcessor().getPixels())
			assertEquals(0f, v);

		Path slice = hyperstack("s.tif", 1, 3, 1, (c, z, t, i) -> z == 1 ? Float.NaN
			: i), sliceOut = dir.resolve("s-out.tif");
		Result s = MainTest.cli("run", "-m", model, "-i", slice, "-o", sliceOut,
			"--device", "cpu", "--threads", 1);
		assertEquals(1, s.exitCode(), s.err());
		assertEquals("fiji-gan: slice 2 of image s.tif has no finite pixel " +
			"(all 12 are NaN or infinite): there is nothing to process there; " +
			"remove it first\n", s.err());
		assertFalse(Files.exists(sliceOut));

		Path hyper = hyperstack("h.tif", 2, 2, 2, (c, z, t, i) -> c == 1 &&
			z == 0 && t == 1 ? (i % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY)
				: i), hyperOut = dir.resolve("h-out.tif");
		Result h = MainTest.cli("run", "-m", model, "-i", hyper, "-o", hyperOut,
			"--device", "cpu", "--threads", 1);
		assertEquals(1, h.exitCode(), h.err());
		assertEquals(
			"fiji-gan: channel 2, slice 1, frame 2 of image h.tif has no " +
				"finite pixel (all 12 are NaN or infinite): there is nothing to process " +
				"there; remove it first\n", h.err());
		assertFalse(Files.exists(hyperOut));
	}

	/**
	 * A 2-channel float image of 32x32 pixels in {@code folder}: channel 1 a
	 * seeded pattern, channel 2 {@code second.at(0, 0, 0, i)}.
	 */
	static Path twoChannels(Path folder, String name, PlaneValues second)
		throws IOException
	{
		Files.createDirectories(folder);
		java.util.Random r = new java.util.Random(7);
		ImageStack stack = new ImageStack(32, 32);
		float[] a = new float[32 * 32], b = new float[32 * 32];
		for (int i = 0; i < a.length; i++) {
			a[i] = (float) Math.sin(i % 32 / 3.0) + r.nextFloat() * 0.1f;
			b[i] = second.at(0, 0, 0, i);
		}
		stack.addSlice(new FloatProcessor(32, 32, a));
		stack.addSlice(new FloatProcessor(32, 32, b));
		ImagePlus imp = new ImagePlus(name, stack);
		imp.setDimensions(2, 1, 1);
		imp.setOpenAsHyperStack(true);
		Path f = folder.resolve(name);
		assertTrue(new FileSaver(imp).saveAsTiff(f.toString()));
		return f;
	}

	/**
	 * Fine-tuning refuses a training image with a channel of nothing but NaN,
	 * naming both, before anything is written: it would train on zeros alone. A
	 * channel with some NaN pixels still trains, with the note.
	 */
	@Test
	void fineTuneRefusesATrainingImageWithAChannelOfNothingButNan()
		throws IOException
	{
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path data = dir.resolve("data"), out = dir.resolve("tuned.onnx");
		twoChannels(data, "a.tif", (c, z, t, i) -> i % 7);
		Path bad = twoChannels(data, "b.tif", (c, z, t, i) -> Float.NaN);
		Result r = MainTest.cli("fine-tune", "--model", model, "--output", out,
			"--data", data, "--steps", 1, "--batch", 1, "--patch", 16, "--seed", 1,
			"--device", "cpu", "--threads", 1);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: channel 2 of the training image 'b.tif' has no " +
			"finite pixel (all 1024 are NaN or infinite): there is nothing to " +
			"train on there; remove it or leave the image out\n", r.err());
		assertFalse(Files.exists(out));
		assertFalse(Files.exists(dir.resolve("tuned-loss.csv")));

		Files.delete(bad);
		twoChannels(data, "b.tif", (c, z, t, i) -> i < 3 ? Float.NaN : 0);
		Result ok = MainTest.cli("fine-tune", "--model", model, "--output", out,
			"--data", data, "--steps", 1, "--batch", 1, "--patch", 16, "--seed", 1,
			"--device", "cpu", "--threads", 1);
		assertEquals(0, ok.exitCode(), ok.err());
		assertTrue(ok.out().contains("3 NaN or infinite pixels in b.tif train " +
			"as 0 in normalised units"), ok.out());
		assertTrue(Files.exists(out));
	}
}
