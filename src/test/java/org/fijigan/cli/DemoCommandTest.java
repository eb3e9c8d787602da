
package org.fijigan.cli;

import static org.fijigan.cli.MainTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.batch.OutputFolderLock;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.demo.ContactSheet;
import org.fijigan.core.demo.DemoReport;
import org.fijigan.core.demo.DemoSamples;
import org.fijigan.core.eval.Baselines;
import org.fijigan.core.eval.Metrics;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;
import org.fijigan.ij1.DemoResources;
import org.fijigan.testing.DemoModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.IJ;
import ij.ImagePlus;

/**
 * {@code fiji-gan demo} with fresh (untrained) models: the files, the sheet's
 * size, the baseline metrics recomputed directly, a missing model, an occupied
 * output folder. Nothing is asserted about the models' quality.
 */
class DemoCommandTest {

	@TempDir
	Path dir;

	static final long SEED = 3;

	@Test
	void writesEveryFileWithBaselineMetricsAsComputedDirectly() throws Exception {
		Path models = DemoModels.write(dir.resolve("models"), DemoModels.ALL
			.toArray(String[]::new));
		Path out = dir.resolve("out");
		long start = System.nanoTime();
		Result r = DemoModels.withModelsDir(models, () -> cli("demo", "--output",
			out, "--seed", SEED));
		double seconds = (System.nanoTime() - start) / 1e9;
		assertEquals(0, r.exitCode(), r.err());
		System.out.printf("demo with fresh models: %.1f s%n", seconds);

		List<String> expected = new ArrayList<>(List.of("contact-sheet.png",
			"metrics.csv"));
		for (String sr : List.of("sr-x2", "sr-x4"))
			for (String part : List.of("truth", "input", "bicubic", "gan"))
				expected.add(sr + "-" + part + ".png");
		for (String part : List.of("truth", "input", "gan"))
			expected.add("denoise-" + part + ".png");
		for (String part : List.of("truth", "input", "mask", "gan"))
			expected.add("inpaint-" + part + ".png");
		for (String c : List.of("axial-2", "coronal-2", "sagittal-1"))
			expected.add("mri-generator-" + c + "-SYNTHETIC.png");
		List<String> names = names(out);
		// the denoising baseline file is named after the better of the two
		assertEquals(1, names.stream().filter(n -> n.equals(
			"denoise-gaussian-blur.png") || n.equals("denoise-median.png")).count(),
			names.toString());
		names.removeIf(n -> n.startsWith("denoise-gaussian-blur") || n.startsWith(
			"denoise-median"));
		// so is the inpainting baseline's
		assertEquals(1, names.stream().filter(n -> n.equals(
			"inpaint-harmonic-fill.png") || n.equals("inpaint-biharmonic-fill.png"))
			.count(), names.toString());
		names.removeIf(n -> n.equals("inpaint-harmonic-fill.png") || n.equals(
			"inpaint-biharmonic-fill.png"));
		assertEquals(expected.stream().sorted().toList(), names);

		// sizes: the SR input is the area-averaged photo, the outputs the photo's
		// size
		assertEquals(List.of(128, 128), size(out.resolve("sr-x2-input.png")));
		assertEquals(List.of(64, 64), size(out.resolve("sr-x4-input.png")));
		assertEquals(List.of(256, 256), size(out.resolve("sr-x4-gan.png")));
		assertEquals(List.of(64, 64), size(out.resolve(
			"mri-generator-axial-2-SYNTHETIC.png")));

		// generated images carry the SYNTHETIC label in the PNG, as generate writes
		// it
		String png = Files.readString(out.resolve(
			"mri-generator-coronal-2-SYNTHETIC.png"), StandardCharsets.ISO_8859_1);
		assertTrue(png.contains("Warning\0SYNTHETIC seed=" + (SEED + 1) +
			" class=coronal-2 model=mri-generator"), "no SYNTHETIC tEXt chunk");
		assertTrue(png.contains("fiji-gan.class = coronal-2\n"), "its own class");
		assertTrue(Files.readString(out.resolve("inpaint-gan.png"),
			StandardCharsets.ISO_8859_1).contains(
				"fiji-gan.mask = inpaint-mask.png\n"),
			"the inpainted result names its mask");
		assertTrue(Files.readString(out.resolve("contact-sheet.png"),
			StandardCharsets.ISO_8859_1).contains(
				"fiji-gan.demo.synthetic = the panels marked SYNTHETIC were generated"),
			"sheet provenance");

		// the sheet: title, column headers, four restoration rows (256 px panels,
		// two caption lines),
		// the generation row (group headers, 64 px slices at x2, two caption
		// lines), two notes
		int restorationRow = ContactSheet.LINE + 256 + ContactSheet.CAPTION_GAP +
			2 * ContactSheet.LINE;
		int generationRow = 2 * ContactSheet.LINE + 128 + ContactSheet.CAPTION_GAP +
			2 * ContactSheet.LINE;
		int height = ContactSheet.MARGIN + ContactSheet.TITLE_LINE +
			ContactSheet.LINE + ContactSheet.ROW_GAP + 4 * (restorationRow +
				ContactSheet.ROW_GAP) + generationRow + ContactSheet.ROW_GAP + 2 *
					ContactSheet.LINE + ContactSheet.MARGIN;
		int content = Math.max(3 * 256 + 2 * ContactSheet.GROUP_GAP, 2 * (3 * 128 +
			2 * ContactSheet.TILE_GAP) + ContactSheet.GROUP_GAP);
		int width = 2 * ContactSheet.MARGIN + ContactSheet.LABEL_WIDTH + content;
		assertEquals(List.of(width, height), size(out.resolve(
			"contact-sheet.png")));
		assertTrue(r.out().contains("contact-sheet.png (" + width + "x" + height +
			")"), r.out());

		// metrics: the CSV, and the printed table, hold the baselines exactly as
		// computed here
		Map<String, String[]> csv = csv(out.resolve("metrics.csv"));
		assertEquals(DemoReport.CSV_HEADER, Files.readAllLines(out.resolve(
			"metrics.csv")).get(0));
		DemoSamples samples = DemoResources.samples();
		float[] photo = unit(samples.photo());
		for (int s : new int[] { 2, 4 }) {
			Planes low = TrainingDegradations.areaDownscale(new Planes(1, 256, 256,
				photo.clone()), s);
			float[] bicubic = clip(Baselines.bicubicUpscale(low.values(), low
				.height(), low.width(), s));
			assertMetric(csv, "super-resolution x" + s + "|bicubic", Metrics.psnr(
				photo, bicubic, 1), Metrics.ssim(photo, bicubic, 1, 256, 256, 1));
			assertTrue(csv.containsKey("super-resolution x" + s + "|GAN (sr-x" + s +
				")"), csv.keySet().toString());
		}
		float[] cells = unit(samples.cells());
		Planes noise = new Planes(1, 256, 256, cells.clone());
		TrainingDegradations.addGaussianNoise(noise, 25.0 / 255,
			new SplittableRandom(SEED));
		float[] noisy = clip(noise.values());
		float[] blur = clip(Baselines.gaussianBlur(noisy, 256, 256, 1));
		float[] median = clip(Baselines.medianFilter(noisy, 256, 256, 3));
		assertMetric(csv, "denoising|input (noisy)", Metrics.psnr(cells, noisy, 1),
			Metrics.ssim(cells, noisy, 1, 256, 256, 1));
		assertMetric(csv, "denoising|gaussian blur sigma=1", Metrics.psnr(cells,
			blur, 1), Metrics.ssim(cells, blur, 1, 256, 256, 1));
		assertMetric(csv, "denoising|median 3x3", Metrics.psnr(cells, median, 1),
			Metrics.ssim(cells, median, 1, 256, 256, 1));
		boolean blurShown = Metrics.psnr(cells, blur, 1) >= Metrics.psnr(cells,
			median, 1);
		assertEquals("shown: the better baseline by PSNR", csv.get(blurShown
			? "denoising|gaussian blur sigma=1" : "denoising|median 3x3")[4]);
		assertTrue(Files.exists(out.resolve(blurShown ? "denoise-gaussian-blur.png"
			: "denoise-median.png")));
		float[] mask = unit(samples.holeMask());
		boolean[] holes = new boolean[mask.length];
		float[] known = cells.clone();
		int count = 0;
		for (int i = 0; i < mask.length; i++)
			if (mask[i] != 0) {
				holes[i] = true;
				known[i] = 0;
				count++;
			}
		assertEquals(1505, count);
		float[] harmonic = clip(Baselines.harmonicFill(known, holes, 256, 256));
		float[] biharmonic = clip(Baselines.biharmonicFill(known, holes, 256, 256));
		assertMetric(csv, "inpainting|harmonic fill", Metrics.maskedPsnr(cells,
			harmonic, holes, 1, 256, 256, 1), Metrics.maskedSsim(cells, harmonic,
				holes, 1, 256, 256, 1));
		assertMetric(csv, "inpainting|biharmonic fill", Metrics.maskedPsnr(cells,
			biharmonic, holes, 1, 256, 256, 1), Metrics.maskedSsim(cells, biharmonic,
				holes, 1, 256, 256, 1));
		boolean biharmonicShown = Metrics.maskedPsnr(cells, biharmonic, holes, 1,
			256, 256, 1) > Metrics.maskedPsnr(cells, harmonic, holes, 1, 256, 256, 1);
		String shownFill = biharmonicShown ? "biharmonic fill" : "harmonic fill";
		assertEquals(
			"inside the holes (1,505 pixels); shown: the better baseline by PSNR", csv
				.get("inpainting|" + shownFill)[4]);
		String[] generation = csv.get("generation|GAN (mri-generator)");
		assertEquals("", generation[2]);
		assertTrue(generation[4].contains("FID/KID"), generation[4]);
		// the written baseline is the measured one, rounded to 8 bits
		assertEquals(bytes(biharmonicShown ? biharmonic : harmonic), pixels(out
			.resolve("inpaint-" + shownFill.replace(' ', '-') + ".png")));

		assertTrue(r.out().startsWith("task "), r.out());
		assertTrue(r.out().contains("\nsuper-resolution x2  bicubic "), r.out());
		assertTrue(r.out().contains(
			"note: generation: generated images are SYNTHETIC"), r.out());
	}

	@Test
	void twoDemosIntoOneFolderAtOnceLeaveOneDemosFiles() throws Exception {
		Path models = DemoModels.write(dir.resolve("models"), "denoise");
		Path out = dir.resolve("both");
		Path alone = dir.resolve("alone");
		List<Result> results = DemoModels.withModelsDir(models, () -> {
			assertEquals(0, cli("demo", "-o", alone, "--seed", SEED).exitCode());
			var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
			try {
				var a = pool.submit(() -> cli("demo", "-o", out, "--seed", SEED));
				var b = pool.submit(() -> cli("demo", "-o", out, "--seed", SEED));
				return List.of(a.get(), b.get());
			}
			finally {
				pool.shutdown();
			}
		});
		// one writes the demo; the other finds the folder taken, at its start or at
		// its first file, and writes nothing over it
		assertEquals(List.of(0, 1), results.stream().map(Result::exitCode).sorted()
			.toList(), results.toString());
		String err = results.stream().filter(r -> r.exitCode() == 1).findFirst()
			.orElseThrow().err();
		assertTrue(err.contains("is in use by another run (pid ") || err.contains(
			"exists and is not empty"), err);
		assertEquals(names(alone), names(out));
		for (String f : names(out))
			if (f.endsWith(".png")) assertArrayEquals(Files.readAllBytes(alone
				.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
	}

	@Test
	void aDemoIntoAFolderAnotherRunHoldsFailsAtOnceNamingIt() throws Exception {
		Path models = DemoModels.write(dir.resolve("models"), "denoise");
		Path out = Files.createDirectories(dir.resolve("taken"));
		try (OutputFolderLock first = OutputFolderLock.acquire(out,
			OutputFolderLock.Owner.of("fiji-gan demo --seed 1", "", "", Shard.ALL,
				"")))
		{
			for (List<Object> extra : List.of(List.<Object> of(), List.<Object> of(
				"--overwrite")))
			{
				List<Object> args = new ArrayList<>(List.of("demo", "-o", out));
				args.addAll(extra);
				Result r = DemoModels.withModelsDir(models, () -> cli(args.toArray()));
				assertEquals(1, r.exitCode(), r.out());
				assertTrue(r.err().contains("output folder " + out.toAbsolutePath()
					.normalize() + " is in use by another run (pid " + ProcessHandle
						.current().pid()) && r.err().contains(": fiji-gan demo --seed 1)"),
					r.err());
				assertEquals("", r.out(), "no work done");
				assertEquals(1, names(out).size(), "only the first run's claim: " +
					names(out));
			}
		}
		// a failed demo into a folder it created leaves no folder
		Path fresh = dir.resolve("fresh");
		try (OutputFolderLock above = OutputFolderLock.acquire(dir,
			OutputFolderLock.Owner.of("fiji-gan demo", "", "", Shard.ALL, "")))
		{
			Result r = DemoModels.withModelsDir(models, () -> cli("demo", "-o",
				fresh));
			assertEquals(1, r.exitCode());
			assertTrue(r.err().contains("is inside " + dir.toRealPath()), r.err());
		}
		assertFalse(Files.exists(fresh));
	}

	@Test
	void aMissingModelSkipsItsRowAndAnOccupiedFolderIsRefused() throws Exception {
		Path models = DemoModels.write(dir.resolve("models"), "denoise");
		Files.copy(models.resolve("denoise/model.onnx"), Files.createDirectories(
			models.resolve("sr-x2")).resolve("model.onnx")); // a model of the wrong
																												// task under a demo
																												// name
		Path out = Files.createDirectories(dir.resolve("out"));
		Files.writeString(out.resolve("mine.txt"), "keep me");

		Result refused = DemoModels.withModelsDir(models, () -> cli("demo", "-o",
			out));
		assertEquals(1, refused.exitCode());
		assertEquals("fiji-gan: " + out.toAbsolutePath().normalize() +
			" exists and is not empty; pass " +
			"--overwrite to write the demo into it anyway", refused.err().strip());
		assertEquals(List.of("mine.txt"), names(out));

		Result r = DemoModels.withModelsDir(models, () -> cli("demo", "-o", out,
			"--overwrite"));
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"note: super-resolution (sr-x2) skipped: sr-x2 is a denoise model (scale " +
				"1); this row needs a super-resolution model with a whole scale of at least 2"),
			r.out());
		for (String missing : List.of("sr-x4", "inpaint", "mri-generator"))
			assertTrue(r.out().contains("skipped: no model named " + missing +
				" in " + models), r.out());
		assertEquals(List.of("contact-sheet.png", "denoise-gan.png",
			"denoise-input.png", "denoise-truth.png", "metrics.csv", "mine.txt"),
			names(out).stream().filter(n -> !n.startsWith("denoise-gaussian") && !n
				.startsWith("denoise-median")).toList());
		assertEquals("keep me", Files.readString(out.resolve("mine.txt")));
		Map<String, String[]> csv = csv(out.resolve("metrics.csv"));
		assertTrue(csv.get("super-resolution (sr-x4)|-")[4].startsWith(
			"skipped: no model named sr-x4"));
		assertTrue(csv.get("inpainting|-")[4].startsWith("skipped"));
		assertTrue(csv.containsKey("denoising|GAN (denoise)"), csv.keySet()
			.toString());
		// one restoration row; the notes say what was skipped
		int height = size(out.resolve("contact-sheet.png")).get(1);
		assertTrue(height < 600, "one row: " + height);

		Path empty = Files.createDirectories(dir.resolve("no-models"));
		Result none = DemoModels.withModelsDir(empty, () -> cli("demo", "-o", dir
			.resolve("out2")));
		assertEquals(1, none.exitCode());
		assertTrue(none.err().startsWith(
			"fiji-gan: none of the demo's models (sr-x2, sr-x4, denoise, " +
				"inpaint, mri-generator) is in " + empty), none.err());
		assertFalse(Files.exists(dir.resolve("out2")),
			"a failed demo leaves no folder");
	}

	private static void assertMetric(Map<String, String[]> csv, String key,
		double psnr, double ssim)
	{
		String[] row = csv.get(key);
		assertTrue(row != null, key + " not in " + csv.keySet());
		assertEquals(Numbers.fixed(psnr, 2), row[2], key + " PSNR");
		assertEquals(Numbers.fixed(ssim, 4), row[3], key + " SSIM");
	}

	/**
	 * The CSV rows by "task|method": task, method, psnr, ssim, note (quoted
	 * fields unquoted).
	 */
	static Map<String, String[]> csv(Path file) throws IOException {
		Map<String, String[]> rows = new LinkedHashMap<>();
		List<String> lines = Files.readAllLines(file);
		for (String line : lines.subList(1, lines.size())) {
			List<String> f = new ArrayList<>();
			StringBuilder cell = new StringBuilder();
			boolean quoted = false;
			for (int i = 0; i < line.length(); i++) {
				char c = line.charAt(i);
				if (c == '"') quoted = !quoted;
				else if (c == ',' && !quoted) {
					f.add(cell.toString());
					cell.setLength(0);
				}
				else cell.append(c);
			}
			f.add(cell.toString());
			assertEquals(5, f.size(), line);
			rows.put(f.get(0) + "|" + f.get(1), f.toArray(String[]::new));
		}
		return rows;
	}

	private static List<String> names(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted()
				.toList());
		}
	}

	private static List<Integer> size(Path png) {
		ImagePlus imp = IJ.openImage(png.toString());
		assertEquals(ImagePlus.GRAY8, imp.getType(), png + " is 8-bit grey");
		return List.of(imp.getWidth(), imp.getHeight());
	}

	private static List<Integer> pixels(Path png) {
		byte[] b = (byte[]) IJ.openImage(png.toString()).getProcessor().getPixels();
		List<Integer> out = new ArrayList<>();
		for (byte v : b)
			out.add(v & 0xff);
		return out;
	}

	private static List<Integer> bytes(float[] unit) {
		List<Integer> out = new ArrayList<>();
		for (float v : unit)
			out.add((int) (v * 255 + 0.5f));
		return out;
	}

	private static float[] unit(RasterImage image) {
		byte[] b = (byte[]) image.plane(0);
		float[] v = new float[b.length];
		for (int i = 0; i < b.length; i++)
			v[i] = (b[i] & 0xff) / 255f;
		return v;
	}

	private static float[] clip(float[] v) {
		for (int i = 0; i < v.length; i++)
			v[i] = Math.max(0, Math.min(1, v[i]));
		return v;
	}
}
