
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.dataset.PointSource;
import org.fijigan.core.eval.PcaFeatures;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fiji-gan evaluate} in-process: the table, the CSV, and the refusal to
 * overwrite.
 */
class EvaluateCommandTest {

	@TempDir
	Path dir;

	private Path smoothImages(String folder, int n) throws IOException {
		Path d = Files.createDirectories(dir.resolve(folder));
		for (int k = 0; k < n; k++) {
			byte[] p = new byte[40 * 36];
			for (int y = 0; y < 36; y++)
				for (int x = 0; x < 40; x++)
					p[y * 40 + x] = (byte) Math.round(128 + 60 * Math.sin(x / (4.0 + k) +
						folder.hashCode() % 13 * 0.1) * Math.cos(y / 6.0));
			assertTrue(new FileSaver(new ImagePlus("s", new ByteProcessor(40, 36, p)))
				.saveAsTiff(d.resolve("img" + k + ".tif").toString()));
		}
		return d;
	}

	@Test
	void evaluatesADenoiserAndWritesTheCsvOnce() throws IOException {
		Path data = smoothImages("cells", 2);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path csv = dir.resolve("results.csv");

		Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
			"--data", data, "--output", csv, "--device", "cpu", "--seed", 3);

		assertEquals(0, r.exitCode(), r.err());
		List<String> lines = Files.readAllLines(csv);
		assertEquals("dataset,task,condition,method,kind,psnr_db,ssim,n,n_psnr",
			lines.get(0));
		assertEquals(1 + 4 * 8, lines.size());
		assertTrue(lines.get(1).startsWith(
			"cells,denoise,gaussian sigma=15/255,id,model,"), lines.get(1));
		assertTrue(lines.get(2).startsWith(
			"cells,denoise,gaussian sigma=15/255,noisy input,reference,"), lines.get(
				2));
		// an identity "denoiser" scores the noisy input exactly
		assertEquals(lines.get(1).split(",", 6)[5], lines.get(2).split(",", 6)[5]);
		assertTrue(r.out().contains("gaussian blur sigma="), r.out());
		assertTrue(r.out().contains("non-local means h=0.45 sigma (untuned)") && r
			.out().contains("total variation lambda=1 sigma (untuned)") && r.out()
				.contains("wavelet BayesShrink db4 x1 (untuned)"), r.out());
		assertTrue(r.out().contains("best baseline"), r.out());
		assertTrue(r.out().contains("wrote " + csv), r.out());
		assertEquals("", r.err());

		byte[] before = Files.readAllBytes(csv);
		Result again = MainTest.cli("evaluate", "--model", model, "--task",
			"denoise", "--data", data, "--output", csv, "--device", "cpu");
		assertEquals(1, again.exitCode());
		assertTrue(again.err().contains("already exists; pass --overwrite"), again
			.err());
		assertEquals("", again.out(), "refused before any work");
		assertEquals(new String(before), Files.readString(csv));

		Result replaced = MainTest.cli("evaluate", "--model", model, "--task",
			"denoise", "--data", data, "--output", csv, "--device", "cpu", "--seed",
			3, "--overwrite", "--other-data", smoothImages("other", 1));
		assertEquals(0, replaced.exitCode(), replaced.err());
		List<String> both = Files.readAllLines(csv);
		assertEquals(1 + 2 * 4 * 8, both.size());
		assertEquals(lines.subList(0, 33), both.subList(0, 33),
			"the same seed, the same numbers");
		assertTrue(both.get(33).startsWith("other,denoise,"), both.get(33));
	}

	/**
	 * photos/test and micro/test: each set keeps its own rows and its own
	 * comparison.
	 */
	@Test
	void anImageWithNaNPixelsIsRefusedNotScored() throws IOException {
		Path data = Files.createDirectories(dir.resolve("nan"));
		float[] v = new float[16 * 16];
		for (int i = 0; i < v.length; i++)
			v[i] = i % 16;
		v[40] = Float.NaN;
		v[41] = Float.POSITIVE_INFINITY;
		assertTrue(new FileSaver(new ImagePlus("n", new FloatProcessor(16, 16, v)))
			.saveAsTiff(data.resolve("n.tif").toString()));
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
			"--data", data, "--device", "cpu");
		assertEquals(1, r.exitCode(), r.out());
		assertTrue(r.err().contains("image n.tif holds 2 NaN/infinite pixels " +
			"where it is measured"), r.err());
	}

	/** A 16-bit plane of smooth values {@code 10 + gain * (0..90)}. */
	private static short[] smooth16(int w, int h, double gain) {
		short[] p = new short[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = (short) Math.round(gain * (10 + 45 * (1 + Math.sin(x /
					5.0) * Math.cos(y / 7.0))));
		return p;
	}

	private static void save(Path folder, String name, ImagePlus imp)
		throws IOException
	{
		Files.createDirectories(folder);
		assertTrue(imp.getStackSize() > 1 ? new FileSaver(imp).saveAsTiffStack(
			folder.resolve(name).toString()) : new FileSaver(imp).saveAsTiff(folder
				.resolve(name).toString()));
	}

	/** The CSV's lines with the data set's name (the first field) taken off. */
	private static List<String> withoutDataset(Path csv) throws IOException {
		return Files.readAllLines(csv).stream().map(l -> l.substring(l.indexOf(
			',') + 1)).toList();
	}

	/**
	 * An image is normalised by the pixels measured, the centre crop of its
	 * middle slice: a bright pixel outside the crop, or other slices of another
	 * brightness, change nothing; it scores as that crop saved alone.
	 */
	@Test
	void aValueOutsideTheMeasuredCropOrSliceChangesNoScore() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		short[] hot = smooth16(60, 60, 1);
		short[] crop = new short[32 * 32];
		for (int y = 0; y < 32; y++)
			System.arraycopy(hot, (14 + y) * 60 + 14, crop, y * 32, 32);
		hot[0] = (short) 60000; // outside the centre 32x32 crop
		save(dir.resolve("hot"), "a.tif", new ImagePlus("a", new ShortProcessor(60,
			60, hot, null)));
		save(dir.resolve("crop"), "a.tif", new ImagePlus("a", new ShortProcessor(32,
			32, crop, null)));
		ImageStack st = new ImageStack(40, 36);
		for (double gain : new double[] { 1, 5, 20 })
			st.addSlice(new ShortProcessor(40, 36, smooth16(40, 36, gain), null));
		save(dir.resolve("stack"), "a.tif", new ImagePlus("a", st));
		save(dir.resolve("slice"), "a.tif", new ImagePlus("a", new ShortProcessor(
			40, 36, smooth16(40, 36, 5), null)));

		for (String[] pair : new String[][] { { "hot", "crop" }, { "stack",
			"slice" } })
		{
			Path[] csv = new Path[2];
			Result[] r = new Result[2];
			for (int k = 0; k < 2; k++) {
				csv[k] = dir.resolve(pair[k] + ".csv");
				r[k] = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
					"--data", dir.resolve(pair[k]), "--max-size", 32, "--output", csv[k],
					"--device", "cpu", "--threads", 1, "--seed", 3);
				assertEquals(0, r[k].exitCode(), r[k].err());
			}
			assertEquals(1 + 4 * 8, Files.readAllLines(csv[0]).size());
			assertEquals(withoutDataset(csv[1]), withoutDataset(csv[0]), pair[0] +
				" scores as " + pair[1]);
			assertTrue(r[0].out().contains("each image's own min-max per channel " +
				"otherwise, taken over the pixels measured"), r[0].out());
		}
	}

	/**
	 * 96x80 float spots image listing {@code listed} as its point sources: in its
	 * properties, its Info text, or both.
	 */
	private Path spots(String folder, List<PointSource> rendered, String property,
		String info) throws IOException
	{
		float[] v = new float[96 * 80];
		java.util.Arrays.fill(v, 0.1f);
		for (PointSource s : rendered)
			for (int y = 0; y < 80; y++)
				for (int x = 0; x < 96; x++)
					v[y * 96 + x] += (float) (s.amplitude() * Math.exp(-((x - s.x()) *
						(x - s.x()) + (y - s.y()) * (y - s.y())) / (2 * s.sigma() * s
							.sigma())));
		ImagePlus imp = new ImagePlus("spots", new FloatProcessor(96, 80, v));
		if (property != null) imp.setProp(PointSource.PROPERTY, property);
		if (info != null) imp.setProperty("Info", "Acquired on a Tuesday\n" +
			PointSource.PROPERTY + " = " + info + "\n");
		Path d = dir.resolve(folder);
		save(d, "spots.tif", imp);
		return d;
	}

	/** Bright (0.6) and faint (0.08) Gaussian spots in turn, well apart. */
	private static List<PointSource> grid() {
		List<PointSource> list = new java.util.ArrayList<>();
		int k = 0;
		for (int y = 14; y < 70; y += 16)
			for (int x = 14; x < 86; x += 16)
				list.add(new PointSource(x + 0.3, y - 0.2, 1.2, k++ % 2 == 0 ? 0.6
					: 0.08, false));
		return list;
	}

	/**
	 * A list that repeats a source, does not read, or says one thing in the
	 * properties and another in the Info text is refused in one line that names
	 * the image, and nothing is written.
	 */
	@Test
	void aPointSourceListThatCannotBeTrustedIsRefusedNamingTheImage()
		throws IOException
	{
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		List<PointSource> g = grid();
		String all = PointSource.format(g), first3 = PointSource.format(g.subList(0,
			3));
		List<PointSource> twice = new java.util.ArrayList<>(g);
		twice.addAll(g);
		String[][] cases = { { "dup", PointSource.format(twice), null,
			"image spots.tif lists two point sources at one position, " +
				"fiji-gan.point-sources entries 1 '" + PointSource.format(g.subList(0,
					1)) + "' and " + (g.size() + 1) + " '" + PointSource.format(g.subList(
						0, 1)) + "': a detection finds only one of them; remove the " +
				"repeated one" }, { "bad", first3 + ";1 2 3", null,
					"image spots.tif, fiji-gan.point-sources in its properties: point " +
						"source 4 '1 2 3' is not 'x y sigma amplitude g|a' (finite numbers, " +
						"sigma > 0, amplitude >= 0)" }, { "negamp", null, first3 +
							";5 5 1 -3 g", "image spots.tif, fiji-gan.point-sources in its " +
								"Info text: point source 4 '5 5 1 -3 g' is not " +
								"'x y sigma amplitude g|a' (finite numbers, sigma > 0, " +
								"amplitude >= 0)" }, { "nanx", first3 + ";NaN 5 1 3 g", null,
									"point source 4 'NaN 5 1 3 g' is not" }, { "disagree", all,
										first3, "image spots.tif lists different point sources " +
											"in its Info text (3) and in its properties (" + g
												.size() +
											") under fiji-gan.point-sources: keep one list, or make " +
											"the two the same" } };
		// every case checked, each failure reported
		assertAll(java.util.Arrays.stream(cases).map(c -> () -> {
			Path data = spots(c[0], g, c[1], c[2]);
			Path csv = dir.resolve(c[0] + ".csv");
			Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
				"--data", data, "--output", csv, "--device", "cpu", "--threads", 1);
			assertEquals(1, r.exitCode(), c[0] + ": " + r.out());
			assertEquals(1, r.errLines().size(), r.err());
			assertTrue(r.err().startsWith("fiji-gan: ") && r.err().contains(c[3]),
				c[0] + ": " + r.err());
			assertTrue(r.err().contains("spots.tif"), r.err());
			assertFalse(Files.exists(csv), c[0]);
		}));
	}

	/**
	 * Point sources written only in the Info text (ImageJ's Image > Show Info)
	 * are read as those in the properties are, and both agreeing is the same.
	 */
	@Test
	void pointSourcesInTheInfoTextAreRead() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		String all = PointSource.format(grid());
		List<List<String>> csvs = new java.util.ArrayList<>();
		for (String[] c : new String[][] { { "props", all, null }, { "info", null,
			all }, { "both", all, all } })
		{
			Path csv = dir.resolve(c[0] + ".csv");
			Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
				"--data", spots(c[0], grid(), c[1], c[2]), "--output", csv, "--device",
				"cpu", "--threads", 1, "--seed", 3);
			assertEquals(0, r.exitCode(), r.err());
			assertTrue(r.out().contains("faint found"), r.out());
			List<String> lines = Files.readAllLines(csv);
			assertTrue(lines.get(0).endsWith(",peak_ratio,flux_ratio,faint_recall," +
				"sources,faint_sources"), lines.get(0));
			assertTrue(lines.get(3).contains(",clean image,reference,,,1,0,1,1,1," +
				grid().size() + "," + grid().size() / 2), lines.get(3));
			csvs.add(withoutDataset(csv));
		}
		assertEquals(csvs.get(0), csvs.get(1));
		assertEquals(csvs.get(0), csvs.get(2));
	}

	/**
	 * Listed sources the point measures cannot take (outside the crop, too wide
	 * for the image, too faint) are counted in a note; where none is left a point
	 * column shows "-", never "-%".
	 */
	@Test
	void sourcesLeftOutOfThePointMeasuresAreNotedAndNoValueIsADash()
		throws IOException
	{
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		List<PointSource> listed = List.of(new PointSource(5, 5, 1.2, 0.6, false),
			new PointSource(48, 40, 500, 0.6, false), new PointSource(55.5, 45.5, 1.2,
				0.001, false));
		List<PointSource> rendered = List.of(new PointSource(5, 5, 1.2, 0.6, false),
			new PointSource(48, 40, 1.2, 0.6, false), new PointSource(55.5, 45.5, 1.2,
				0.001, false));
		Path data = spots("left", rendered, PointSource.format(listed), null);
		Path csv = dir.resolve("left.csv");
		Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
			"--data", data, "--max-size", 48, "--output", csv, "--device", "cpu",
			"--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertFalse(r.out().contains("-%"), r.out());
		assertTrue(r.out().lines().anyMatch(l -> l.replaceAll(" +", " ").equals(
			"left gaussian sigma=15/255 clean image reference - - 1 - - -")), r
				.out());
		assertTrue(r.out().contains(
			"note: point sources: 3 of the 3 listed in left were left out of the " +
				"point measures: 1 outside the measured area (off the image or its " +
				"centre crop), 1 too near its edge or too wide (the ring their " +
				"background is measured on leaves it), 1 with a clean peak below " +
				"0.02\n"), r.out());
		assertTrue(r.out().contains("left / gaussian sigma=15/255: no point " +
			"source could be measured\n"), r.out());
		assertTrue(Files.readAllLines(csv).get(3).endsWith(
			",clean image,reference,,,1,0,,,,0,0"), Files.readAllLines(csv).get(3));
	}

	@Test
	void setsInFoldersOfTheSameNameStayApart() {
		assertEquals("photos/test", EvaluateCommand.name(Path.of("/d/photos/test"),
			Path.of("/d/micro/test")));
		assertEquals("micro/test", EvaluateCommand.name(Path.of("/d/micro/test"),
			Path.of("/d/photos/test")));
		assertEquals("test", EvaluateCommand.name(Path.of("/d/photos/test"), Path
			.of("/d/micro/other")));
		assertEquals("test", EvaluateCommand.name(Path.of("/d/photos/test"),
			(Path) null));
		List<Path> three = List.of(Path.of("/d/photos/test"), Path.of(
			"/d/micro/test"), Path.of("/d/fluorescence/held-out"));
		assertEquals("micro/test", EvaluateCommand.name(three.get(1), three));
		assertEquals("held-out", EvaluateCommand.name(three.get(2), three));
		// the same folder and parent names: as many names as tell them apart
		List<Path> deep = List.of(Path.of("/d/y/a/test"), Path.of("/d/x/a/test"),
			Path.of("/a/test"));
		assertEquals("y/a/test", EvaluateCommand.name(deep.get(0), deep));
		assertEquals("x/a/test", EvaluateCommand.name(deep.get(1), deep));
		assertEquals(Path.of("/a/test").toString(), EvaluateCommand.name(deep.get(
			2), deep));
	}

	/**
	 * Two sets in y/a/test and x/a/test: each keeps its own rows and its own
	 * model-vs-baseline line (the second set's had been dropped and the first
	 * set's model compared with the second set's baselines); one folder given
	 * twice is refused.
	 */
	@Test
	void setsWhoseFolderAndParentShareNamesStayApart() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path y = smoothImages("y/a/test", 1), x = smoothImages("x/a/test", 1);
		Files.move(x.resolve("img0.tif"), x.resolve("other.tif"));
		Path csv = dir.resolve("two.csv");
		Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
			"--data", y, "--other-data", x, "--output", csv, "--device", "cpu",
			"--threads", 1, "--max-size", 32);
		assertEquals(0, r.exitCode(), r.err());
		List<String> rows = Files.readAllLines(csv);
		assertEquals(32, rows.stream().filter(l -> l.startsWith("y/a/test,"))
			.count(), String.join("\n", rows));
		assertEquals(32, rows.stream().filter(l -> l.startsWith("x/a/test,"))
			.count(), String.join("\n", rows));
		for (String set : List.of("y/a/test", "x/a/test"))
			assertEquals(4, r.out().lines().filter(l -> l.startsWith(set + " / ") && l
				.contains("model vs best baseline")).count(), r.out());

		for (Object[] twice : new Object[][] { { y, y }, { y, dir.resolve(
			"y/a/../a/test") } })
		{
			Result same = MainTest.cli("evaluate", "--model", model, "--task",
				"denoise", "--data", twice[0], "--other-data", twice[1], "--output", dir
					.resolve("same.csv"), "--device", "cpu");
			assertEquals(1, same.exitCode(), same.out());
			assertEquals("fiji-gan: --data " + twice[0] + " and --other-data " +
				twice[1] + " are one folder: give each set once", same.err().strip());
			assertFalse(Files.exists(dir.resolve("same.csv")));
		}
	}

	@Test
	void tuningFoldersAreOneForAllSetsOrOnePerSet() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path a = smoothImages("a", 1), b = smoothImages("b", 1), t = smoothImages(
			"t", 1);
		Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
			"--data", a, "--other-data", b, "--tune-data", t, "--tune-data", t,
			"--tune-data", t, "--device", "cpu");
		assertEquals(1, r.exitCode());
		assertTrue(r.err().contains("once per set (2), not 3 times"), r.err());
		Result sr = MainTest.cli("evaluate", "--model", model, "--task",
			"super-resolution", "--scale", 2, "--data", a, "--tune-data", t);
		assertTrue(sr.err().contains("tunes the denoising baselines"), sr.err());
		Result self = MainTest.cli("evaluate", "--model", model, "--task",
			"denoise", "--data", a, "--tune-data", a, "--device", "cpu");
		assertEquals(1, self.exitCode());
		assertTrue(self.err().contains("--tune-data " + a +
			" holds evaluated images"), self.err());
		// a copy of an evaluated image, under another name
		Files.copy(a.resolve("img0.tif"), t.resolve("copy.tif"));
		Result copy = MainTest.cli("evaluate", "--model", model, "--task",
			"denoise", "--data", a, "--tune-data", t, "--device", "cpu");
		assertEquals(1, copy.exitCode());
		assertEquals("fiji-gan: --tune-data holds a copy of an evaluated image (" +
			t.resolve("copy.tif") + " is " + a.resolve("img0.tif") + ", byte for " +
			"byte): tune the baselines on other images", copy.err().strip());
		// the same image saved again as PNG: other bytes, the same pixels
		Path png = Files.createDirectories(dir.resolve("png"));
		assertTrue(new FileSaver(new ImagePlus(a.resolve("img0.tif").toString()))
			.saveAsPng(png.resolve("again.png").toString()));
		Path csv = dir.resolve("again.csv");
		Result again = MainTest.cli("evaluate", "--model", model, "--task",
			"denoise", "--data", a, "--tune-data", png, "--output", csv, "--device",
			"cpu", "--threads", 1);
		assertEquals(1, again.exitCode(), again.out());
		assertEquals("fiji-gan: --tune-data holds a copy of an evaluated image (" +
			png.resolve("again.png") + " has the pixels of " + a.resolve("img0.tif") +
			"): tune the baselines on other images", again.err().strip());
		assertFalse(Files.exists(csv));
	}

	/**
	 * An evaluated image reached through a link (to the file, or to its folder)
	 * or a hard link is the evaluated image: refused as tuning or training
	 * images, as a copy is, before anything is written.
	 */
	@Test
	void evaluatedImagesReachedThroughLinksAreRefused() throws IOException {
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path a = smoothImages("a", 2), csv = dir.resolve("out.csv");
		Path fileLink = Files.createDirectories(dir.resolve("tl"));
		Files.createSymbolicLink(fileLink.resolve("l.tif"), a.resolve("img1.tif"));
		Path hard = Files.createDirectories(dir.resolve("th"));
		Files.createLink(hard.resolve("h.tif"), a.resolve("img1.tif"));
		Path folderLink = Files.createDirectories(dir.resolve("td"));
		Files.createSymbolicLink(folderLink.resolve("sub"), a);
		Object[][] cases = { { fileLink, fileLink.resolve("l.tif") + " is " + a
			.resolve("img1.tif") + ", the same file through a symbolic link" }, {
				hard, hard.resolve("h.tif") + " is " + a.resolve("img1.tif") +
					", the same file through a hard link" }, { folderLink, folderLink
						.resolve("sub/img0.tif") + " is " + a.resolve("img0.tif") +
						", the same file through a symbolic link" } };
		for (Object[] c : cases) {
			Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
				"--data", a, "--tune-data", c[0], "--output", csv, "--device", "cpu",
				"--threads", 1);
			assertEquals(1, r.exitCode(), r.out());
			assertEquals("fiji-gan: --tune-data holds an evaluated image (" + c[1] +
				"): tune the baselines on other images", r.err().strip());
			assertEquals("", r.out());
			assertFalse(Files.exists(csv));
		}

		// a generator's training folder whose class folder is a link to one of
		// the evaluated class folders
		Path g = OnnxModels.generator(8, 0, 16, 16).write(dir, "g.onnx");
		Path real = Files.createDirectories(dir.resolve("real"));
		java.util.Random random = new java.util.Random(7);
		for (String c : List.of("x", "y"))
			for (int k = 0; k < 3; k++) {
				float[] v = new float[16 * 16];
				for (int i = 0; i < v.length; i++)
					v[i] = (float) Math.tanh(random.nextGaussian());
				Files.createDirectories(real.resolve(c));
				assertTrue(new FileSaver(new ImagePlus("r", new FloatProcessor(16, 16,
					v))).saveAsTiff(real.resolve(c + "/r" + k + ".tif").toString()));
			}
		Path train = Files.createDirectories(dir.resolve("train"));
		Files.createSymbolicLink(train.resolve("x"), real.resolve("x"));
		Result r = MainTest.cli("evaluate", "--model", g, "--data", real,
			"--train-data", train, "--normalize", "range:-1,1", "--output", csv,
			"--device", "cpu", "--threads", 1);
		assertEquals(1, r.exitCode(), r.out());
		assertEquals("fiji-gan: --train-data holds an evaluated image (" + train
			.resolve("x/r0.tif") + " is " + real.resolve("x/r0.tif") +
			", the same file through a symbolic link): the real images to compare " +
			"with must be held out from training", r.err().strip());
		assertFalse(Files.exists(csv));
	}

	@Test
	void evaluatesAGeneratorAndKeepsItsFeatures() throws IOException {
		Path real = Files.createDirectories(dir.resolve("real")), train = Files
			.createDirectories(dir.resolve("train"));
		java.util.Random random = new java.util.Random(4);
		for (Path folder : List.of(real, train))
			for (int k = 0; k < 8; k++) {
				float[] v = new float[16 * 16];
				for (int i = 0; i < v.length; i++)
					v[i] = (float) Math.tanh(random.nextGaussian());
				assertTrue(new FileSaver(new ImagePlus("r", new FloatProcessor(16, 16,
					v))).saveAsTiff(folder.resolve("r" + k + ".tif").toString()));
			}
		Path model = OnnxModels.generator(8, 0, 16, 16).write(dir, "g.onnx");
		Path features = dir.resolve("pca.npy"), csv = dir.resolve("gen.csv");

		Result r = MainTest.cli("evaluate", "--model", model, "--data", real,
			"--train-data", train, "--features", features, "--count", 10,
			"--normalize", "range:-1,1", "--output", csv, "--device", "cpu");

		assertEquals(0, r.exitCode(), r.err());
		assertTrue(Files.exists(features));
		assertEquals(7, PcaFeatures.load(features).components()); // 8 training
																															// images: rank 7
		List<String> lines = Files.readAllLines(csv);
		assertEquals("dataset,task,condition,metric,value,std,n_a,n_b", lines.get(
			0));
		assertTrue(lines.get(1).startsWith(
			"real,generate,all,FID generated vs real,"), lines.get(1));
		assertTrue(lines.get(1).endsWith(",10,8"), lines.get(1));
		assertTrue(r.out().contains("wrote features " + features), r.out());
		assertTrue(r.out().contains("not Inception"), r.out());
		assertTrue(r.out().contains("note: generation: generated images mapped " +
			"linearly from the model's output range -1..1 to 0..1; real images " +
			"normalised with range:-1,1 (mapped linearly from -1..1), centre-cropped"),
			r.out());
		// by default the real images take one range for the whole set, as
		// fine-tune trains a generator; the note says so beside the linear mapping
		// of the generated
		Result byDefault = MainTest.cli("evaluate", "--model", model, "--data",
			real, "--features", features, "--count", 10, "--device", "cpu");
		assertEquals(0, byDefault.exitCode(), byDefault.err());
		assertTrue(byDefault.out().contains("note: generation: generated images " +
			"mapped linearly from the model's output range -1..1 to 0..1; real " +
			"images normalised with percentile:1,99.8 (one range for each whole " +
			"set, the 1 and 99.8 percentiles of all its images' values together " +
			"to 0 and 1, as fine-tune trains a generator by default; a generator " +
			"trained on linearly scaled images is measured against them with " +
			"--normalize range or range:MIN,MAX), centre-cropped"), byDefault.out());

		Result again = MainTest.cli("evaluate", "--model", model, "--data", real,
			"--train-data", train, "--features", features, "--count", 10,
			"--normalize", "range:-1,1", "--output", csv, "--overwrite", "--device",
			"cpu");
		assertEquals(0, again.exitCode(), again.err());
		assertFalse(again.out().contains("wrote features"), again.out());
		assertEquals(lines, Files.readAllLines(csv),
			"the saved features give the same numbers");

		// what cannot give sound numbers is refused before any is computed
		Object[][] refused = { { "--count", 0, "--count is the images drawn per " +
			"class, at least 1, not 0" }, { "--features", real.resolve("f.npy"),
				"--features " + real.resolve("f.npy") + " is inside " + real }, {
					"--output", features, "--features", features, "--overwrite",
					"is the features file " + features } };
		for (Object[] c : refused) {
			List<Object> args = new java.util.ArrayList<>(List.of("evaluate",
				"--model", model, "--data", real, "--train-data", train, "--normalize",
				"range:-1,1", "--device", "cpu"));
			args.addAll(List.of(c).subList(0, c.length - 1));
			Result bad = MainTest.cli(args.toArray());
			assertEquals(1, bad.exitCode(), bad.err());
			assertTrue(bad.err().contains((String) c[c.length - 1]), bad.err());
		}
		Result same = MainTest.cli("evaluate", "--model", model, "--data", real,
			"--train-data", real, "--device", "cpu");
		assertTrue(same.err().contains("--train-data " + real +
			" holds the evaluated images"), same.err());
		assertEquals(7, PcaFeatures.load(features).components(), "kept as it was");
		// a features file with a NaN, or with no components, is refused when read
		float[] nan = new float[8 * 16 * 16];
		nan[5] = Float.NaN;
		org.fijigan.core.image.Npy.writeFloat(dir.resolve("nan.npy"), nan, 8, 1, 16,
			16);
		assertTrue(assertThrows(org.fijigan.core.GanException.class,
			() -> PcaFeatures.load(dir.resolve("nan.npy"))).getMessage().contains(
				"holds NaN at value 5"));
		org.fijigan.core.image.Npy.writeFloat(dir.resolve("zero.npy"), new float[8 *
			16 * 16], 8, 1, 16, 16);
		assertTrue(assertThrows(org.fijigan.core.GanException.class,
			() -> PcaFeatures.load(dir.resolve("zero.npy"))).getMessage().contains(
				"has no components"));
	}

	@Test
	void restorationOptionsForAGeneratorAreAUsageMistake() throws IOException {
		Path data = smoothImages("x", 1);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Result r = MainTest.cli("evaluate", "--model", model, "--task", "denoise",
			"--data", data, "--count", 3);
		assertEquals(1, r.exitCode());
		assertTrue(r.err().startsWith(
			"fiji-gan: --train-data, --features, --count, --utility and --draws are for " +
				"generators"), r.err());
	}

	/**
	 * Class folders 0/ and 1/ of {@code perClass} float TIFFs drawn by the CLI
	 * from {@code model} (a generator that ignores its latent, so every image of
	 * a class is the same).
	 */
	static Path classFolders(Path model, Path dir, int perClass) {
		for (int c = 0; c < 2; c++) {
			Path folder = dir.resolve(Integer.toString(c));
			Result r = MainTest.cli("generate", "--model", model, "--class", c,
				"--count", perClass, "--float", "--format", "tif", "--output", folder,
				"--device", "cpu");
			assertEquals(0, r.exitCode(), r.err());
		}
		return dir;
	}

	@Test
	void utilityTrainsAClassifierOnRealSyntheticAndBoth() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16, 0).write(dir, "c.onnx");
		Path train = classFolders(model, dir.resolve("train"), 4), test =
			classFolders(model, dir.resolve("test"), 3);
		// every image of a class is one image: the held-out ones raised by 1e-6,
		// so that they are not the training ones (which evaluate refuses)
		try (var files = Files.walk(test)) {
			for (Path f : files.filter(p -> p.toString().endsWith(".tif")).toList()) {
				ImagePlus imp = new ImagePlus(f.toString());
				imp.getProcessor().add(1e-6);
				assertTrue(new FileSaver(imp).saveAsTiff(f.toString()));
			}
		}
		Result r = MainTest.cli("evaluate", "--model", model, "--data", test,
			"--train-data", train, "--utility", 2, "--normalize", "range:-1,1",
			"--device", "cpu");
		assertEquals(0, r.exitCode(), r.err());
		String row = r.out().lines().filter(l -> l.contains(
			"utility: accuracy, trained on synthetic")).findFirst().orElseThrow();
		assertTrue(row.matches(
			"test +all classes +utility: accuracy, trained on synthetic \\(TSTR\\) +1 +0 +8 +6"),
			row);
		assertTrue(r.out().contains(
			"note: utility: multinomial logistic regression"), r.out());
		Result noTraining = MainTest.cli("evaluate", "--model", model, "--data",
			test, "--utility");
		assertEquals(
			"fiji-gan: --utility needs --train-data: the real-only classifier trains on it",
			noTraining.err().strip());
	}

	@Test
	void namedClassFoldersOfAGeneratorWithoutClassNamesAreRefused()
		throws IOException
	{
		Path model = OnnxModels.generator(8, 2, 16, 16, 0).write(dir, "c.onnx");
		Path test = classFolders(model, dir.resolve("test"), 2);
		// class 1's images in beta/: which label beta stands for is a guess (by
		// rank among the folders present, a set without 0/ would shift it)
		Files.move(test.resolve("1"), test.resolve("beta"));
		Path csv = dir.resolve("gen.csv");
		Result r = MainTest.cli("evaluate", "--model", model, "--data", test,
			"--normalize", "range:-1,1", "--output", csv, "--device", "cpu");
		assertEquals(1, r.exitCode(), r.out());
		assertEquals("fiji-gan: sub-folder 'beta' is not a label number, and the " +
			"model names no classes, so which class it holds is unknown: name the " +
			"class sub-folders by label number (0..1), or fine-tune the model on " +
			"named folders, which records their names", r.err().strip());
		assertFalse(Files.exists(csv));
		Files.move(test.resolve("beta"), test.resolve("1"));
		Result numbered = MainTest.cli("evaluate", "--model", model, "--data", test,
			"--normalize", "range:-1,1", "--output", csv, "--device", "cpu");
		assertEquals(0, numbered.exitCode(), numbered.err());
		assertTrue(Files.readString(csv).contains("test,generate,1,FID"), Files
			.readString(csv));
	}

	@Test
	void aCountBeyondWhatFitsIsRefusedBeforeAnythingIsAllocated() {
		Path model = OnnxModels.generator(8, 2, 16, 16, 0).write(dir, "c.onnx");
		Path test = classFolders(model, dir.resolve("test"), 1);
		Result r = MainTest.cli("evaluate", "--model", model, "--data", test,
			"--count", 2_000_000_000, "--normalize", "range:-1,1", "--device", "cpu");
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: 2000000000 generated images for each of 2 " +
			"classes are 4000000000 images, more than one evaluation draws " +
			"(2147483647): ask for fewer with --count", r.err().strip());
		r = MainTest.cli("evaluate", "--model", model, "--data", test, "--count",
			300_000_000, "--normalize", "range:-1,1", "--device", "cpu");
		assertEquals(1, r.exitCode());
		assertTrue(r.err().startsWith(
			"fiji-gan: a stack of 600000000 generated images needs "), r.err());
		assertTrue(r.err().strip().endsWith(
			" is free: draw fewer (--count), give " +
				"Java more (JAVA_OPTS=-Xmx...), or, with generate, write them one file " +
				"at a time into a folder (--output DIR), which takes constant memory"),
			r.err());
	}
}
