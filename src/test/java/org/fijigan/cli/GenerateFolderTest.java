
package org.fijigan.cli;

import static org.fijigan.cli.FolderModeTest.assertSameFiles;
import static org.fijigan.cli.FolderModeTest.cli;
import static org.fijigan.cli.FolderModeTest.files;
import static org.fijigan.cli.FolderModeTest.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ij.IJ;
import ij.ImagePlus;
import ij.io.TiffDecoder;
import ij.process.ByteProcessor;

import org.fijigan.cli.FolderModeTest.Result;
import org.fijigan.core.image.Nifti;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --output DIR}: one tagged file per sample, classes,
 * balancing, shards, formats.
 */
class GenerateFolderTest {

	@TempDir
	Path dir;

	/**
	 * A 6x5 conditional generator with latent size 4 and classes axial, coronal,
	 * sagittal.
	 */
	Path conditional() {
		return OnnxModels.generator(4, 3, 5, 6).metadata("fiji-gan.class_names",
			"axial,coronal,sagittal").write(dir, "gen.onnx");
	}

	Result generate(Path model, Path out, Object... more) {
		List<Object> args = new ArrayList<>(List.of("generate", "--model", model,
			"--output", out, "--device", "cpu", "--threads", "1"));
		args.addAll(List.of(more));
		return cli(args.toArray());
	}

	/**
	 * The slice label stored in a one-image TIFF (ImageJ's opener keeps it from
	 * the ImagePlus).
	 */
	static String sliceLabel(Path tiff) throws IOException {
		String[] labels = new TiffDecoder(tiff.getParent().toString() + "/", tiff
			.getFileName().toString()).getTiffInfo()[0].sliceLabels;
		return labels == null ? null : labels[0];
	}

	/** The files under {@code out} per sub-folder. */
	static Map<String, Integer> perFolder(Map<String, byte[]> files) {
		Map<String, Integer> n = new TreeMap<>();
		for (String f : files.keySet())
			n.merge(f.contains("/") ? f.substring(0, f.indexOf('/')) : "", 1,
				Integer::sum);
		return n;
	}

	@Test
	void
		perClassWritesNOfEveryClassEachTaggedAndListedAndTheSeedsGiveTheStacksImages()
			throws IOException
	{
		Path model = conditional(), out = dir.resolve("out");
		Result r = generate(model, out, "--per-class", 5, "--seed", 100);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("15 of 15 images written to " + out), r
			.out());

		Map<String, byte[]> written = files(out, false);
		assertEquals(Map.of("axial", 5, "coronal", 5, "sagittal", 5), perFolder(
			written));
		assertTrue(written.containsKey("coronal/synthetic-000005.tif"), written
			.keySet().toString());
		List<Map<String, String>> manifest = rows(out.resolve("manifest.csv"));
		assertEquals(15, manifest.size());
		for (int i = 0; i < 15; i++) {
			Map<String, String> row = manifest.get(i);
			String cls = List.of("axial", "coronal", "sagittal").get(i / 5);
			assertEquals(cls + String.format("/synthetic-%06d.tif", i), row.get(
				"file"));
			assertEquals(cls, row.get("class"));
			assertEquals(Long.toString(100 + i), row.get("seed"));
			assertEquals("normal-4-mixed", row.get("latent"));
			assertEquals("done", row.get("status"));
			ImagePlus imp = IJ.openImage(out.resolve(row.get("file")).toString());
			String label = sliceLabel(out.resolve(row.get("file")));
			assertTrue(label.startsWith("SYNTHETIC seed=" + (100 + i) + " class=" +
				cls + " model=gen"), label);
			assertTrue(imp.getInfoProperty().contains(
				"fiji-gan.synthetic = SYNTHETIC"), imp.getInfoProperty());
			assertEquals(cls, imp.getProp("fiji-gan.class"));
		}

		// the same seeds and classes drawn into one stack give the same pixels,
		// slice for slice
		long[] labels = new long[15];
		for (int i = 0; i < 15; i++)
			labels[i] = i / 5;
		Path classes = dir.resolve("classes.npy");
		Npy.write(classes, new NpyArray(NpyArray.DType.INT64, new long[] { 15 },
			labels));
		Path stack = dir.resolve("stack.tif");
		assertEquals(0, generate(model, stack, "--count", 15, "--seed", 100,
			"--classes", classes).exitCode());
		ImagePlus s = IJ.openImage(stack.toString());
		for (int i = 0; i < 15; i++) {
			ImagePlus one = IJ.openImage(out.resolve(manifest.get(i).get("file"))
				.toString());
			assertArrayEquals((byte[]) s.getStack().getPixels(i + 1), (byte[]) one
				.getProcessor().getPixels(), "sample " + i);
		}
		// and drawn again, byte for byte the same files
		Path again = dir.resolve("again");
		assertEquals(0, generate(model, again, "--per-class", 5, "--seed", 100)
			.exitCode());
		assertSameFiles(written, files(again, false));
	}

	@Test
	void balanceAgainstBringsEveryClassFolderUpToTheLargest() throws IOException {
		Path labelled = dir.resolve("labelled");
		for (int i = 0; i < 5; i++)
			FolderModeTest.save(new ImagePlus("a", new ByteProcessor(6, 5)), labelled
				.resolve("axial/a" + i + ".tif"));
		for (int i = 0; i < 2; i++)
			FolderModeTest.save(new ImagePlus("c", new ByteProcessor(6, 5)), labelled
				.resolve("coronal/deep/c" + i + ".png"));
		Files.createDirectories(labelled.resolve("Sagittal")); // a class with no
																														// images yet
		Files.writeString(labelled.resolve("coronal/notes.txt"), "not an image");
		Path model = conditional(), out = dir.resolve("out");

		Result r = generate(model, out, "--balance-against", labelled, "--seed", 7);

		assertEquals(0, r.exitCode(), r.err());
		Map<String, byte[]> written = files(out, false);
		assertEquals(Map.of("coronal", 3, "Sagittal", 5), perFolder(written));
		List<Map<String, String>> manifest = rows(out.resolve("manifest.csv"));
		assertEquals(8, manifest.size());
		assertEquals(List.of("coronal", "coronal", "coronal", "sagittal",
			"sagittal", "sagittal", "sagittal", "sagittal"), manifest.stream().map(
				m -> m.get("class")).toList());
		assertEquals("Sagittal/synthetic-000003.tif", manifest.get(3).get("file"));
		for (Map<String, String> row : manifest)
			assertTrue(sliceLabel(out.resolve(row.get("file"))).startsWith(
				"SYNTHETIC seed=" + row.get("seed") + " class=" + row.get("class")));

		Files.createDirectories(labelled.resolve("lateral"));
		r = generate(model, dir.resolve("bad"), "--balance-against", labelled,
			"--seed", 7);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: the folders [lateral] in " + labelled +
			" match none of the model's " +
			"classes [axial, coronal, sagittal]; name class folders after them or by label number\n",
			r.err());
	}

	/**
	 * A class goes into the folder of it the output folder holds, however spelt:
	 * after --balance-against wrote Sagittal/ (the labelled folder's spelling),
	 * --class sagittal wrote sagittal/ beside it, and evaluate refused the set
	 * ("both name class sagittal"). Classes in turn go into a folder named by
	 * label number too. Two folders there of one class the run draws are refused
	 * before anything is drawn.
	 */
	@Test
	void aClassGoesIntoTheFolderOfItThereIsAlreadyHoweverSpelt()
		throws IOException
	{
		Path labelled = dir.resolve("labelled");
		for (int i = 0; i < 3; i++)
			FolderModeTest.save(new ImagePlus("a", new ByteProcessor(6, 5)), labelled
				.resolve("axial/a" + i + ".tif"));
		FolderModeTest.save(new ImagePlus("s", new ByteProcessor(6, 5)), labelled
			.resolve("Sagittal/s.tif"));
		Path model = conditional(), out = dir.resolve("out");
		Result r = generate(model, out, "--balance-against", labelled, "--seed", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Map.of("Sagittal", 2), perFolder(files(out, false)));
		Files.createDirectories(out.resolve("1")); // class 1, coronal, by number

		// sample 0 of another seed goes where sample 0 of class sagittal is: into
		// Sagittal/, so refused as another sample under that name, before drawing
		r = generate(model, out, "--class", "sagittal", "--count", 4, "--seed",
			500);
		assertEquals(1, r.exitCode(), r.err());
		assertTrue(r.err().startsWith("fiji-gan: " + out.resolve(
			"Sagittal/synthetic-000000.tif") + " is another sample of an earlier " +
			"run (seed 1; this run draws seed 500"), r.err());
		assertFalse(Files.exists(out.resolve("sagittal")));
		r = generate(model, out, "--count", 2, "--seed", 900);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Map.of("Sagittal", 2, "axial", 1, "1", 1), perFolder(files(out,
			false)));
		assertEquals("1/synthetic-000001.tif", rows(out.resolve("manifest.csv"))
			.stream().filter(m -> m.get("seed").equals("901")).findFirst().get().get(
				"file"));

		Path two = dir.resolve("two");
		Files.createDirectories(two.resolve("axial"));
		Files.createDirectories(two.resolve("AXIAL"));
		r = generate(model, two, "--class", "axial", "--count", 1, "--seed", 1);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: " + two + " has sub-folders 'AXIAL' and 'axial' " +
			"that both name class axial: put each class's images in one sub-folder", r
				.err().strip());
		assertEquals(List.of(), files(two, false).keySet().stream().toList());
	}

	/**
	 * Two generators' samples were mixed in one folder, rc 0, the manifest
	 * listing two model SHA-256s: a run with another model into a folder that
	 * holds the first one's images is refused before anything is drawn, naming an
	 * image and the other model; with --overwrite it writes, and the earlier
	 * images stay listed under their own model.
	 */
	@Test
	void anotherGeneratorsImagesAreNotMixedInWithoutOverwrite()
		throws IOException
	{
		Path a = conditional();
		Path b = OnnxModels.generator(4, 3, 5, 6).metadata("fiji-gan.class_names",
			"axial,coronal,sagittal").metadata("note", "other weights").write(dir,
				"gen_b.onnx");
		Path out = dir.resolve("mix");
		Result r = generate(a, out, "--class", "axial", "--count", 2, "--seed", 1);
		assertEquals(0, r.exitCode(), r.err());
		Map<String, byte[]> before = files(out, true);
		String shaA = rows(out.resolve("manifest.csv")).get(0).get("model_sha256");

		r = generate(b, out, "--class", "coronal", "--count", 2, "--seed", 100);
		assertEquals(1, r.exitCode(), r.err());
		assertTrue(r.err().startsWith("fiji-gan: " + out + " holds images " +
			"another model made (axial/synthetic-000000.tif, model sha256 " + shaA
				.substring(0, 12) +
			"..., as its manifest records; this model, gen_b, " + "is "), r.err());
		assertTrue(r.err().contains("--overwrite to write into it anyway"), r
			.err());
		assertSameFiles(before, files(out, true));

		r = generate(b, out, "--class", "coronal", "--count", 2, "--seed", 100,
			"--overwrite");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Map.of("axial", 2, "coronal", 2), perFolder(files(out,
			false)));
		assertEquals(2, rows(out.resolve("manifest.csv")).stream().filter(m -> m
			.get("model_sha256").equals(shaA)).count());
	}

	/**
	 * A shard's summary counts the images that shard drew, and their classes, not
	 * the whole run's: classes in turn (--count) and in blocks (--per-class).
	 */
	@Test
	void aShardsSummaryCountsTheImagesAndClassesOfThatShard() throws IOException {
		Path model = conditional(), turns = dir.resolve("turns");
		Result r = generate(model, turns, "--count", 40, "--seed", 1000, "--shard",
			"1/3");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("16 of 16 images written"), r.out());
		assertTrue(r.out().contains("drew samples 16..31 of 40 (16 images: axial " +
			"5, coronal 6, sagittal 5), seeds 1016..1031\n"), r.out());
		assertEquals(Map.of("axial", 5, "coronal", 6, "sagittal", 5), perFolder(
			files(turns, false)));

		Path blocks = dir.resolve("blocks");
		r = generate(model, blocks, "--per-class", 10, "--seed", 1000, "--shard",
			"1/3");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("drew samples 16..29 of 30 (14 images: " +
			"coronal 4, sagittal 10), seeds 1016..1029\n"), r.out());
		assertEquals(Map.of("coronal", 4, "sagittal", 10), perFolder(files(blocks,
			false)));

		// unsharded: the whole run, as before
		r = generate(model, dir.resolve("whole"), "--per-class", 2, "--seed", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("drew samples 0..5 of 6 (6 images: axial 2, " +
			"coronal 2, sagittal 2), seeds 1..6\n"), r.out());
	}

	@Test
	void shardsDrawDisjointSeedRangesWhoseUnionIsOneUnshardedRun()
		throws IOException
	{
		Path model = OnnxModels.generator(4, 0, 5, 6).write(dir, "plain.onnx");
		Path whole = dir.resolve("whole"), sharded = dir.resolve("sharded");
		assertEquals(0, generate(model, whole, "--count", 40, "--seed", 1000)
			.exitCode());
		List<Long> firstSeeds = new ArrayList<>();
		for (int s = 0; s < 3; s++) {
			Result r = generate(model, sharded, "--count", 40, "--seed", 1000,
				"--shard", s + "/3");
			assertEquals(0, r.exitCode(), r.err());
			List<Map<String, String>> all = rows(sharded.resolve("manifest.part-" +
				s + "-of-3.csv"));
			// the part's plan, then each sample's result in the same order
			List<Map<String, String>> part = all.subList(all.size() / 2, all.size());
			assertEquals(part.stream().map(m -> m.get("file")).toList(), all.subList(
				0, all.size() / 2).stream().map(m -> m.get("file")).toList());
			assertTrue(all.subList(0, all.size() / 2).stream().allMatch(m -> m.get(
				"status").equals("planned")) && part.stream().allMatch(m -> m.get(
					"status").equals("done")));
			long first = Long.parseLong(part.get(0).get("seed"));
			for (int i = 0; i < part.size(); i++)
				assertEquals(first + i, Long.parseLong(part.get(i).get("seed")),
					"a contiguous range");
			firstSeeds.add(first);
		}
		assertEquals(List.of(1000L, 1016L, 1032L), firstSeeds); // blocks of 16: 16
																														// + 16 + 8
		assertEquals(0, cli("merge-manifests", sharded).exitCode());
		Map<String, byte[]> expected = files(whole, false);
		assertEquals(40, expected.size());
		assertTrue(expected.containsKey("synthetic-000039.tif"));
		assertSameFiles(expected, files(sharded, false));
		assertEquals(40, rows(sharded.resolve("manifest.csv")).size());

		// a smaller count keeps the other 24 rows; another seed is refused by
		// name, and replaces the images with --overwrite
		Result fewer = generate(model, whole, "--count", 16, "--seed", 1000);
		assertEquals(0, fewer.exitCode(), fewer.err());
		assertEquals(40, rows(whole.resolve("manifest.csv")).size());
		Result other = generate(model, whole, "--count", 40, "--seed", 2000);
		assertEquals(1, other.exitCode());
		// (the first the manifest lists: the kept rows come before the skipped)
		assertEquals("fiji-gan: " + whole.resolve("synthetic-000016.tif") +
			" is another sample of an earlier run (seed 1016; this run draws seed " +
			"2016 under that name): pass --overwrite to replace the earlier run's " +
			"images, or choose another output folder", other.err().strip());
		assertSameFiles(expected, files(whole, false));

		// more shards than blocks: the fourth of four draws none, writes an empty
		// part and succeeds, and the four parts merge into the same 40 rows
		Path four = dir.resolve("four");
		for (int s = 0; s < 4; s++) {
			Result r = generate(model, four, "--count", 40, "--seed", 1000, "--shard",
				s + "/4");
			assertEquals(0, r.exitCode(), r.err());
			if (s == 3) {
				assertTrue(r.out().startsWith("0 of 0 images written"), r.out());
				assertTrue(r.out().contains("this shard draws no samples: shards " +
					"take blocks of 16, and the 40 samples fill the earlier shards"), r
						.out());
				assertEquals(List.of(), rows(four.resolve("manifest.part-3-of-4.csv")));
			}
		}
		assertEquals(0, cli("merge-manifests", four).exitCode());
		assertSameFiles(expected, files(four, false));

		// resumed: a lost file, a truncated one and one whose row says its latent
		// was drawn as before latents were mixed are drawn again, and only they
		Path manifest = whole.resolve("manifest.csv");
		String before = Files.readString(manifest);
		String row10 = before.lines().filter(l -> l.startsWith(
			"synthetic-000010.tif,")).findFirst().orElseThrow();
		assertTrue(row10.contains(",normal-4-mixed,"), row10);
		Files.writeString(manifest, before.replace(row10, row10.replace(
			",normal-4-mixed,", ",normal-4,")));
		Files.delete(whole.resolve("synthetic-000020.tif"));
		byte[] b30 = expected.get("synthetic-000030.tif");
		Files.write(whole.resolve("synthetic-000030.tif"), java.util.Arrays.copyOf(
			b30, b30.length - 9));
		Result resumed = generate(model, whole, "--count", 40, "--seed", 1000);
		assertEquals(0, resumed.exitCode(), resumed.err());
		assertTrue(resumed.out().startsWith("3 of 40 images written") && resumed
			.out().contains("37 complete from an earlier run"), resumed.out());
		assertSameFiles(expected, files(whole, false));

		Result noSeed = generate(model, dir.resolve("x"), "--count", 4, "--shard",
			"0/2");
		assertEquals(1, noSeed.exitCode());
		assertTrue(noSeed.err().contains("give --seed with --shard"), noSeed.err());
	}

	/**
	 * Shards of a smaller count after shards of a larger one, into one folder:
	 * each part keeps the rows of the samples beyond the smaller count, as an
	 * unsharded run's manifest does, so the merge lists them all.
	 */
	@Test
	void shardsOfASmallerCountKeepTheRowsOfTheSamplesBeyondIt()
		throws IOException
	{
		Path model = OnnxModels.generator(4, 0, 5, 6).write(dir, "plain.onnx");
		Path out = dir.resolve("out");
		for (int count : new int[] { 40, 20 })
			for (String shard : List.of("0/2", "1/2")) {
				Result r = generate(model, out, "--count", count, "--seed", 7,
					"--shard", shard);
				assertEquals(0, r.exitCode(), r.err());
			}

		Result merged = cli("merge-manifests", out);

		assertEquals(0, merged.exitCode(), merged.err());
		List<Map<String, String>> rows = rows(out.resolve("manifest.csv"));
		assertEquals(40, rows.size());
		assertEquals("synthetic-000039.tif", rows.get(39).get("file"));
		Result whole = generate(model, out, "--count", 40, "--seed", 7);
		assertEquals(0, whole.exitCode(), whole.err());
		assertTrue(whole.out().startsWith("0 of 40 images written"), whole.out());
	}

	@Test
	void niftiAndPngFilesCarryTheSyntheticTagAndTheSamePixels()
		throws IOException
	{
		Path model = conditional();
		Path tif = dir.resolve("tif"), nii = dir.resolve("nii"), png = dir.resolve(
			"png");
		assertEquals(0, generate(model, tif, "--count", 3, "--class", "coronal",
			"--seed", 5).exitCode());
		Result r = generate(model, nii, "--count", 3, "--class", "coronal",
			"--seed", 5, "--format", "nii.gz");
		assertEquals(0, r.exitCode(), r.err());
		Result tagged = generate(model, png, "--count", 3, "--class", "coronal",
			"--seed", 5, "--format", "png");
		assertEquals(0, tagged.exitCode());
		assertFalse(tagged.out().contains("no SYNTHETIC tag"), tagged.out());
		// formats that hold no tag say so, in a folder and as one file
		Result jpg = generate(model, dir.resolve("jpg"), "--count", 1, "--seed", 5,
			"--format", "jpg");
		assertTrue(jpg.out().contains("note: jpg files carry no SYNTHETIC tag " +
			"(fiji-gan writes none into them): only manifest.csv says they are " +
			"generated"), jpg.out());
		Result npy = generate(model, dir.resolve("one.npy"), "--seed", 5);
		assertTrue(npy.out().contains("note: one.npy carries no SYNTHETIC tag"), npy
			.out());

		for (int i = 0; i < 3; i++) {
			String name = String.format("coronal/synthetic-%06d", i);
			byte[] pixels = (byte[]) IJ.openImage(tif.resolve(name + ".tif")
				.toString()).getProcessor().getPixels();
			Nifti.Volume v = Nifti.read(nii.resolve(name + ".nii.gz"));
			assertTrue(v.header().description().startsWith("SYNTHETIC seed=" + (5 +
				i) + " class=coronal model=gen"), v.header().description());
			assertEquals(Nifti.DT_UINT8, v.header().datatype());
			assertTrue(v.comment().contains("fiji-gan.seed = " + (5 + i) + "\n"), v
				.comment());
			assertArrayEquals(pixels, (byte[]) v.image().plane(0));
			Path p = png.resolve(name + ".png");
			assertArrayEquals(pixels, (byte[]) IJ.openImage(p.toString())
				.getProcessor().getPixels());
			String bytes = new String(Files.readAllBytes(p),
				StandardCharsets.ISO_8859_1);
			assertTrue(bytes.contains("tEXtWarning\0SYNTHETIC seed=" + (5 + i) +
				" class=coronal"), p.toString());
		}
		assertEquals("coronal/synthetic-000000.nii.gz", rows(nii.resolve(
			"manifest.csv")).get(0).get("file"));
	}

	@Test
	void aStackFileStillWorksAndFolderOptionsNeedAFolder() {
		Path model = conditional();
		Result r = generate(model, dir.resolve("stack.tif"), "--count", 4, "--seed",
			1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(4, IJ.openImage(dir.resolve("stack.tif").toString())
			.getStackSize());
		r = generate(model, dir.resolve("s2.tif"), "--per-class", 2);
		assertEquals(2, r.exitCode());
		assertTrue(r.err().startsWith(
			"fiji-gan: --per-class writes one file per image: give a folder " +
				"as --output"), r.err());
		r = generate(model, dir.resolve("s3.tif"), "--count", 2, "--format", "png");
		assertEquals(2, r.exitCode());
	}

	/**
	 * An output named as an image file fiji-gan cannot write ({@code scan.dcm},
	 * {@code .bmp}, {@code .gif}) became a folder of TIFFs and a manifest under
	 * that name; it is refused as inpaint refuses it, with nothing written. An
	 * existing folder of such a name is still written into, and a name of no
	 * image file ({@code run.v2}) is still a folder.
	 */
	@Test
	void anImageFileNameFijiGanCannotWriteIsRefusedNotMadeAFolder()
		throws IOException
	{
		Path model = conditional();
		for (String name : new String[] { "scan.dcm", "pic.bmp", "anim.GIF" }) {
			Result r = generate(model, dir.resolve(name), "--count", 1, "--seed", 1);
			assertEquals(1, r.exitCode(), r.err());
			assertEquals("fiji-gan: cannot write " + name +
				": the output must end in .tif, .tiff, .png, .jpg, .jpeg, .npy, .nii " +
				"or .nii.gz", r.err().strip());
			assertFalse(Files.exists(dir.resolve(name)), name);
		}
		Files.createDirectory(dir.resolve("old.dcm"));
		Result r = generate(model, dir.resolve("old.dcm"), "--count", 1, "--seed",
			1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Map.of("axial", 1), perFolder(files(dir.resolve("old.dcm"),
			false)));
		r = generate(model, dir.resolve("run.v2"), "--count", 1, "--seed", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(Files.isDirectory(dir.resolve("run.v2")));
	}

	/**
	 * Class names that do not fit an integer-label generator are refused when it
	 * loads, in one line, before anything is written: more names than rows of its
	 * embedding table (ONNX Runtime's Gather failed on the labels past it), fewer
	 * (classes silently lost), a name given twice or two differing only in case
	 * (their samples went into one folder); the same for a one-hot input.
	 */
	@Test
	void classNamesThatDoNotFitTheModelAreRefusedAtLoad() throws IOException {
		for (String[] bad : new String[][] { { "N,1", "four", "a,b,c,d",
			"generator four names 4 classes, but its class input " +
				"'label' indexes a table of 3" }, { "N", "two", "a,b",
					"generator two names 2 classes, but its class input 'label' " +
						"indexes a table of 3" }, { "N", "dup", "alpha,alpha,gamma",
							"class name 'alpha' is given twice in the fiji-gan.class_names " +
								"of generator dup (alpha,alpha,gamma)" }, { "N,1", "case",
									"Alpha,beta,alpha", "class names 'Alpha' and 'alpha' " +
										"differ only in case in the fiji-gan.class_names of " +
										"generator case (Alpha,beta,alpha): their folders " +
										"would be one on a case-insensitive file system" }, {
											"one-hot", "hotdup", "a,b,a",
											"class name 'a' is given twice in the " +
												"fiji-gan.class_names of generator hotdup (a,b,a)" }, {
													"N", "hidden", "a,.b,c", "class name '.b' in the " +
														"fiji-gan.class_names of generator hidden (a,.b,c) " +
														"starts with '.': its folder would be hidden, and " +
														"hidden folders are not read as classes; rename the " +
														"class" }, { "N", "label", "a,x model=y,c",
															"class name 'x model=y' in the fiji-gan.class_names " +
																"of generator label (a,x model=y,c) holds ' model=', " +
																"which a generated image's label puts after the class " +
																"name (SYNTHETIC ... class=C model=M sha256=H): the " +
																"label could not be read back; rename the class" } })
		{
			Path model = OnnxModels.generator(4, 3, 5, 6, bad[0]).metadata(
				"fiji-gan.class_names", bad[2]).write(dir, bad[1] + ".onnx");
			Path out = dir.resolve("out-" + bad[1]);
			Result r = generate(model, out, "--per-class", 2, "--seed", 1);
			assertEquals(1, r.exitCode(), bad[1]);
			assertEquals("fiji-gan: " + bad[3], r.err().strip());
			assertFalse(Files.exists(out), bad[1]);
			Result info = cli("info", "--model", model);
			assertEquals(1, info.exitCode(), bad[1]);
			assertEquals("fiji-gan: " + bad[3], info.err().strip());
		}
		// as many distinct names as rows load
		Path model = OnnxModels.generator(4, 3, 5, 6, "N,1").metadata(
			"fiji-gan.class_names", "Alpha,beta,gamma").write(dir, "fits.onnx");
		Path out = dir.resolve("out-fits");
		Result r = generate(model, out, "--per-class", 1, "--seed", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Map.of("Alpha", 1, "beta", 1, "gamma", 1), perFolder(files(out,
			false)));
	}

	/**
	 * --class reads a class as class folders do: a class name first (ignoring
	 * case), then a label number, so that with names that are numbers --class 1
	 * is the class written to and read from folder 1/.
	 */
	@Test
	void classTakesANameFirstAndIgnoringCaseAsFoldersDo() throws IOException {
		Path model = OnnxModels.generator(4, 4, 5, 6, 0f).metadata(
			"fiji-gan.class_names", "1,0,3,2").write(dir, "numnames.onnx");
		Path all = dir.resolve("all");
		assertEquals(0, generate(model, all, "--per-class", 1, "--seed", 1,
			"--float").exitCode());
		Path one = dir.resolve("one");
		Result r = generate(model, one, "--class", 1, "--count", 1, "--seed", 1,
			"--float");
		assertEquals(0, r.exitCode(), r.err());
		Map<String, byte[]> written = files(one, false);
		assertEquals(Map.of("1", 1), perFolder(written));
		Path file = one.resolve(written.keySet().iterator().next());
		assertTrue(sliceLabel(file).contains(" class=1 "), sliceLabel(file));
		Path same;
		try (var s = Files.list(all.resolve("1"))) {
			same = s.filter(f -> f.toString().endsWith(".tif")).findFirst()
				.orElseThrow();
		}
		assertArrayEquals((float[]) IJ.openImage(same.toString()).getProcessor()
			.getPixels(), (float[]) IJ.openImage(file.toString()).getProcessor()
				.getPixels());

		Path named = OnnxModels.generator(4, 3, 5, 6, 0f).metadata(
			"fiji-gan.class_names", "Alpha,beta,gamma").write(dir, "named.onnx");
		Path beta = dir.resolve("beta");
		r = generate(named, beta, "--class", "BETA", "--count", 1, "--seed", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Map.of("beta", 1), perFolder(files(beta, false)));
		r = generate(named, dir.resolve("delta"), "--class", "delta", "--count", 1);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: class 'delta' is neither a number nor one of the " +
			"model's classes [Alpha, beta, gamma]", r.err().strip());
		assertFalse(Files.exists(dir.resolve("delta")));
	}

	/**
	 * A conditional generator whose class count the graph hides (its label goes
	 * through an Add before the table) cannot take its classes in turn: --count
	 * without --class or --classes is refused in one line, to a stack and to a
	 * folder alike, before anything is written, as --per-class is; one named
	 * class still draws.
	 */
	@Test
	void classesInTurnNeedAKnownClassCount() throws IOException {
		Path model = OnnxModels.builder().input("z", "N,4").input("label",
			OnnxModels.INT64, "N").initializer("W", new float[4 * 30], 4, 30)
			.initializer("E", new float[3 * 30], 3, 30).initializer("zero",
				new long[] { 0 }, 1).node("MatMul", "z,W", "dense").node("Add",
					"label,zero", "index").node("Gather", "E,index", "embedded").node(
						"Add", "dense,embedded", "conditioned").constant("shape",
							new long[] { -1, 1, 5, 6 }, 4).node("Reshape",
								"conditioned,shape", "image").output("image", "N,1,5,6").write(
									dir, "hidden.onnx");
		String refusal =
			"fiji-gan: the model does not say how many classes it has; generate each with --class K --count N";
		for (Object[] run : new Object[][] { { "stack.tif", "--count", 3 }, {
			"folder", "--count", 3 }, { "one.tif" }, { "classes", "--per-class",
				2 } })
		{
			Path out = dir.resolve((String) run[0]);
			Result r = generate(model, out, java.util.Arrays.copyOfRange(run, 1,
				run.length));
			assertEquals(1, r.exitCode(), r.err());
			assertEquals(refusal, r.err().strip());
			assertFalse(Files.exists(out), out.toString());
		}
		Path out = dir.resolve("named");
		Result r = generate(model, out, "--count", 2, "--class", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Map.of("1", 2), perFolder(files(out, false)));
	}

	/**
	 * A rerun into a folder that would draw a sample it holds already under
	 * another name (another --format, another class, or the same seed as another
	 * sample number) is refused in one line naming the earlier file and what
	 * differs, with nothing written: the folder held both, and the manifest
	 * listed the sample twice. A plain resume still skips what is done; with
	 * --overwrite the earlier file stays, no longer listed: one row per sample.
	 */
	@Test
	void aSampleTheFolderHoldsUnderAnotherNameIsNotDrawnAgain()
		throws IOException
	{
		Path model = conditional(), out = dir.resolve("out");
		assertEquals(0, generate(model, out, "--count", 6, "--seed", 1).exitCode());
		Map<String, byte[]> before = files(out, true);
		assertEquals(6, rows(out.resolve("manifest.csv")).size());

		Result png = generate(model, out, "--count", 3, "--seed", 1, "--format",
			"png");
		assertEquals(1, png.exitCode(), png.err());
		assertEquals("fiji-gan: " + out + " already holds sample 0 as " +
			"axial/synthetic-000000.tif, made with another --format (tif; this " +
			"run writes png); this run would write it again as " +
			"axial/synthetic-000000.png: pass --overwrite to write it anyway, or " +
			"choose another output folder", png.err().strip());
		assertSameFiles(before, files(out, true));

		Result npy = generate(model, out, "--count", 3, "--seed", 1, "--format",
			"npy", "--float");
		assertEquals(1, npy.exitCode(), npy.err());
		assertEquals("fiji-gan: " + out + " already holds sample 0 as " +
			"axial/synthetic-000000.tif, made with another --format (tif; this " +
			"run writes npy) and other " +
			"settings (bit depth, --nonfinite, --latent or how the model's output " +
			"is read); this run would write it again as axial/synthetic-000000.npy" +
			": pass --overwrite to write it anyway, or choose another output folder",
			npy.err().strip());
		assertSameFiles(before, files(out, true));

		Result sagittal = generate(model, out, "--count", 6, "--seed", 1, "--class",
			"sagittal");
		assertEquals(1, sagittal.exitCode(), sagittal.err());
		assertEquals("fiji-gan: " + out + " already holds sample 0 as " +
			"axial/synthetic-000000.tif, made with another class (axial; this run " +
			"draws sagittal); this run would write it again as " +
			"sagittal/synthetic-000000.tif: pass --overwrite to write it anyway, " +
			"or choose another output folder", sagittal.err().strip());
		assertSameFiles(before, files(out, true));

		// the same seeds as other sample numbers (a shard of a shifted run)
		Result shifted = generate(model, out, "--count", 32, "--seed", -15,
			"--shard", "1/2");
		assertEquals(1, shifted.exitCode(), shifted.err());
		assertEquals("fiji-gan: " + out + " already holds seed 1's latent as " +
			"axial/synthetic-000000.tif, made with another class (axial; this run " +
			"draws coronal) and another sample number (0; this run draws it as " +
			"sample 16); this run would write it again as " +
			"coronal/synthetic-000016.tif: pass --overwrite to write it anyway, " +
			"or choose another output folder", shifted.err().strip());
		assertSameFiles(before, files(out, true));

		// a plain resume with a larger count draws only the new samples
		Result more = generate(model, out, "--count", 9, "--seed", 1);
		assertEquals(0, more.exitCode(), more.err());
		assertTrue(more.out().startsWith("3 of 9 images written") && more.out()
			.contains("6 complete from an earlier run"), more.out());

		// another class from other seeds: other samples, written beside
		Result others = generate(model, out, "--count", 2, "--seed", 1000,
			"--class", "sagittal");
		assertEquals(0, others.exitCode(), others.err());
		assertEquals(11, rows(out.resolve("manifest.csv")).size());

		// --overwrite writes the png files; the tif files of seeds 1..3 stay, no
		// longer listed, and the manifest lists each sample once: the other
		// seeds' samples numbered 0 and 1 stay listed (they were dropped)
		Result overwrite = generate(model, out, "--count", 3, "--seed", 1,
			"--format", "png", "--overwrite");
		assertEquals(0, overwrite.exitCode(), overwrite.err());
		List<String> listed = rows(out.resolve("manifest.csv")).stream().map(m -> m
			.get("file")).sorted().toList();
		assertEquals(List.of("axial/synthetic-000000.png",
			"axial/synthetic-000003.tif", "axial/synthetic-000006.tif",
			"coronal/synthetic-000001.png", "coronal/synthetic-000004.tif",
			"coronal/synthetic-000007.tif", "sagittal/synthetic-000000.tif",
			"sagittal/synthetic-000001.tif", "sagittal/synthetic-000002.png",
			"sagittal/synthetic-000005.tif", "sagittal/synthetic-000008.tif"),
			listed);
		assertTrue(Files.exists(out.resolve("axial/synthetic-000000.tif")));
		assertEquals(14, files(out, false).size());
	}

	/**
	 * 32-bit samples into a format of 8- and 16-bit planes are refused before any
	 * is drawn, in one line, with nothing written (they were drawn, each failed,
	 * and the folder kept a manifest of failures); --float into .npy writes.
	 */
	@Test
	void floatSamplesIntoPngOrJpegAreRefusedUpFront() throws IOException {
		Path model = conditional();
		for (Object[] run : new Object[][] { { "png", "--float" }, { "jpg",
			"--normalize", "none" } })
		{
			Path out = dir.resolve("out-" + run[0]);
			List<Object> more = new ArrayList<>(List.of("--count", 2, "--format",
				run[0]));
			more.addAll(List.of(run).subList(1, run.length));
			Result r = generate(model, out, more.toArray());
			assertEquals(1, r.exitCode(), r.err());
			assertEquals("fiji-gan: 32-bit images (--float, or --normalize none) " +
				"cannot be written as ." + run[0] +
				" files: give --format tif, npy or nii.gz", r.err().strip());
			assertFalse(Files.exists(out), out.toString());
		}
		Path out = dir.resolve("out-npy");
		Result r = generate(model, out, "--count", 2, "--format", "npy", "--float");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Map.of("axial", 1, "coronal", 1), perFolder(files(out,
			false)));
	}

	/**
	 * A two-channel generator into png or jpg drew every sample, then failed to
	 * write each ("0 of 2 images written", rc 1, a manifest of failed rows). It
	 * is refused before the folder is made: before anything is drawn where its
	 * graph gives the channels, else after drawing its first sample. Into tif it
	 * writes.
	 */
	@Test
	void samplesOfMoreChannelsThanPngOrJpegHoldAreRefusedUpFront()
		throws IOException
	{
		for (String declared : new String[] { "N,2,4,4", "N,C,H,W" }) {
			String name = declared.contains("C") ? "open" : "two";
			Path model = OnnxModels.builder().input("z", "N,32").constant("shape",
				new long[] { -1, 2, 4, 4 }, 4).node("Reshape", "z,shape", "image")
				.output("image", declared).write(dir, name + ".onnx");
			for (String format : new String[] { "png", "jpg" }) {
				Path out = dir.resolve(name + "-" + format);
				Result r = generate(model, out, "--count", 2, "--seed", 1, "--format",
					format, "--range", "-1,1");
				assertEquals(1, r.exitCode(), r.err());
				assertEquals("fiji-gan: " + name + " draws images of 2 channels, " +
					"which cannot be written as ." + format + " files: give --format " +
					"tif, npy or nii.gz", r.err().strip());
				assertFalse(Files.exists(out), out.toString());
			}
			Path out = dir.resolve(name + "-tif");
			Result r = generate(model, out, "--count", 2, "--seed", 1, "--range",
				"-1,1");
			assertEquals(0, r.exitCode(), r.err());
			assertEquals(2, files(out, false).size());
		}
	}

	/**
	 * A latent file is [N, d], or [N] and the latent input's own axes: a [2, 2,
	 * 2] file for a latent of 4 was read as two vectors of 4; it is refused in
	 * one line naming the file and its shape, to a stack and to a folder, with
	 * nothing written. [2, 4, 1, 1] and [2, 4] feed a [N, 4, 1, 1] latent.
	 */
	@Test
	void aLatentFileHasTheShapeOfTheLatentInput() throws IOException {
		Path cube = dir.resolve("cube.npy");
		Npy.writeFloat(cube, new float[8], 2, 2, 2);
		Path plain = OnnxModels.generator(4, 0, 5, 6).write(dir, "plain.onnx");
		Path spatial = OnnxModels.builder().input("z", "N,4,1,1").node("Flatten",
			"z", "flat").initializer("W", new float[4 * 30], 4, 30).node("MatMul",
				"flat,W", "dense").constant("shape", new long[] { -1, 1, 5, 6 }, 4)
			.node("Reshape", "dense,shape", "image").output("image", "N,1,5,6").write(
				dir, "spatial.onnx");
		for (Object[] run : new Object[][] { { plain, "plain.tif", "[N, 4]" }, {
			plain, "plain-folder", "[N, 4]" }, { spatial, "spatial.tif",
				"[N, 4] or [N, 4, 1, 1]" } })
		{
			Path out = dir.resolve((String) run[1]);
			Result r = generate((Path) run[0], out, "--latent", cube);
			assertEquals(1, r.exitCode(), r.err());
			assertEquals("fiji-gan: " + cube +
				" has shape [2, 2, 2]; a latent file is " + run[2] +
				", one latent vector per image", r.err().strip());
			assertFalse(Files.exists(out), out.toString());
		}
		Path four = dir.resolve("four.npy");
		Npy.writeFloat(four, new float[8], 2, 4, 1, 1);
		Path flat = dir.resolve("flat.npy");
		Npy.writeFloat(flat, new float[8], 2, 4);
		for (Path latent : List.of(four, flat)) {
			Path out = dir.resolve("out-" + latent.getFileName() + ".tif");
			Result r = generate(spatial, out, "--latent", latent);
			assertEquals(0, r.exitCode(), r.err());
			assertEquals(2, IJ.openImage(out.toString()).getStackSize());
		}
	}
}
