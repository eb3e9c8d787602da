
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.CancellationToken.CancelledException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.batch.FolderBatch;
import org.fijigan.core.batch.FolderJob;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.batch.Manifest;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.testing.OnnxModels;
import org.fijigan.core.image.PixelType;
import org.fijigan.ij1.ImageFileCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --input DIR --output DIR}: sharding, resuming, failures, masks; the
 * CLI in-process.
 */
class FolderModeTest {

	@TempDir
	Path dir;

	record Result(int exitCode, String out, String err) {
	}

	static Result cli(Object... args) {
		StringWriter out = new StringWriter(), err = new StringWriter();
		var cl = Main.commandLine();
		cl.setOut(new PrintWriter(out, true));
		cl.setErr(new PrintWriter(err, true));
		String[] a = Arrays.stream(args).map(String::valueOf).toArray(
			String[]::new);
		return new Result(cl.execute(a), out.toString(), err.toString());
	}

	/**
	 * Twelve small 8- and 16-bit TIFFs and PNGs, in sub-folders, from a fixed
	 * seed.
	 */
	Path folderOfImages() {
		Path in = dir.resolve("in");
		Random random = new Random(42);
		String[] names = { "a.tif", "b.png", "plate1/w01.tif", "plate1/w02.tif",
			"plate1/w03.png", "plate1/w04.tif", "plate2/w01.tif", "plate2/w02.tif",
			"plate2/deep/x1.tif", "plate2/deep/x2.png", "plate2/deep/x3.tif",
			"z.tif" };
		for (int i = 0; i < names.length; i++) {
			int w = 7 + i % 3, h = 5 + i % 2;
			ImagePlus imp;
			if (i % 3 == 2 && names[i].endsWith(".tif")) {
				short[] p = new short[w * h];
				for (int j = 0; j < p.length; j++)
					p[j] = (short) random.nextInt(65536);
				imp = new ImagePlus(names[i], new ShortProcessor(w, h, p, null));
			}
			else {
				byte[] p = new byte[w * h];
				random.nextBytes(p);
				imp = new ImagePlus(names[i], new ByteProcessor(w, h, p));
			}
			save(imp, in.resolve(names[i]));
		}
		return in;
	}

	static void save(ImagePlus imp, Path file) {
		try {
			Files.createDirectories(file.getParent());
		}
		catch (IOException e) {
			throw new AssertionError(e);
		}
		FileSaver saver = new FileSaver(imp);
		assertTrue(file.toString().endsWith(".png") ? saver.saveAsPng(file
			.toString()) : saver.saveAsTiff(file.toString()));
	}

	/**
	 * Every file under {@code root} (hidden ones included) by relative path, with
	 * its bytes.
	 */
	static Map<String, byte[]> files(Path root, boolean withManifests)
		throws IOException
	{
		Map<String, byte[]> files = new TreeMap<>();
		try (Stream<Path> s = Files.walk(root)) {
			for (Path p : s.filter(Files::isRegularFile).toList()) {
				String rel = root.relativize(p).toString().replace('\\', '/');
				if (!withManifests && rel.startsWith("manifest")) continue;
				files.put(rel, Files.readAllBytes(p));
			}
		}
		return files;
	}

	static void assertSameFiles(Map<String, byte[]> expected,
		Map<String, byte[]> actual)
	{
		assertEquals(expected.keySet(), actual.keySet());
		for (String name : expected.keySet())
			assertArrayEquals(expected.get(name), actual.get(name), name);
	}

	Path convModel() {
		return OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "conv.onnx");
	}

	Result runFolder(Path model, Path in, Path out, Object... more) {
		List<Object> args = new ArrayList<>(List.of("run", "--model", model,
			"--input", in, "--output", out, "--normalize", "range", "--device", "cpu",
			"--threads", "1"));
		args.addAll(List.of(more));
		return cli(args.toArray());
	}

	static List<Map<String, String>> rows(Path manifest) {
		return Manifest.read(manifest).rows();
	}

	@Test
	void fourConcurrentShardsWriteExactlyTheFilesOfOneUnshardedRun()
		throws Exception
	{
		Path in = folderOfImages(), model = convModel();
		Path whole = dir.resolve("whole"), sharded = dir.resolve("sharded");
		Result r = runFolder(model, in, whole);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("12 of 12 images written to " + whole), r
			.out());

		ExecutorService pool = Executors.newFixedThreadPool(4);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Result>> shards = new ArrayList<>();
		for (int s = 0; s < 4; s++) {
			String shard = s + "/4";
			shards.add(pool.submit(() -> {
				start.await(); // another thread count than the whole run's: the files
												// do not record it
				return cli("run", "--model", model, "--input", in, "--output", sharded,
					"--normalize", "range", "--device", "cpu", "--threads", "2",
					"--shard", shard);
			}));
		}
		start.countDown();
		for (Future<Result> f : shards) {
			Result sr = f.get();
			assertEquals(0, sr.exitCode(), sr.err());
			assertTrue(sr.out().startsWith("3 of 3 images written"), sr.out());
		}
		pool.shutdown();
		Result merged = cli("merge-manifests", sharded);
		assertEquals(0, merged.exitCode(), merged.err());
		assertTrue(merged.out().startsWith("merged 4 parts into " + sharded.resolve(
			"manifest.csv") + ": 12 rows {done=12}"), merged.out());
		// --output: a .csv, and an existing one only with --overwrite
		Path result = sharded.resolve(files(sharded, false).keySet().iterator()
			.next());
		byte[] image = Files.readAllBytes(result);
		Result onImage = cli("merge-manifests", sharded, "-o", result);
		assertEquals(1, onImage.exitCode());
		assertEquals("fiji-gan: the merged manifest " + result +
			" must end in .csv", onImage.err().strip());
		assertArrayEquals(image, Files.readAllBytes(result));
		Path csv = Files.writeString(dir.resolve("mine.csv"), "kept");
		Result onCsv = cli("merge-manifests", sharded, "-o", csv);
		assertEquals(1, onCsv.exitCode());
		assertEquals("fiji-gan: " + csv.toAbsolutePath() +
			" already exists; pass --overwrite to replace it", onCsv.err().strip());
		assertEquals("kept", Files.readString(csv));
		assertEquals(0, cli("merge-manifests", sharded, "-o", csv, "--overwrite")
			.exitCode());
		assertEquals(13, Files.readAllLines(csv).size());

		Map<String, byte[]> expected = files(whole, false);
		assertEquals(12, expected.size());
		assertSameFiles(expected, files(sharded, false)); // byte for byte, nothing
																											// more, no temporaries
		Set<String> seen = new HashSet<>();
		for (int s = 0; s < 4; s++) {
			// the part's plan (three planned rows), then the three results in the
			// same order
			List<Map<String, String>> part = rows(sharded.resolve("manifest.part-" +
				s + "-of-4.csv"));
			assertEquals(List.of("planned", "planned", "planned", "done", "done",
				"done"), part.stream().map(m -> m.get("status")).toList());
			assertEquals(part.subList(0, 3).stream().map(m -> m.get("output"))
				.toList(), part.subList(3, 6).stream().map(m -> m.get("output"))
					.toList());
			for (Map<String, String> row : part.subList(0, 3))
				assertTrue(seen.add(row.get("output")), "listed twice: " + row.get(
					"output"));
		}
		List<Map<String, String>> all = rows(sharded.resolve("manifest.csv"));
		assertEquals(expected.keySet(), all.stream().map(m -> m.get("output"))
			.collect(Collectors.toSet()));
		assertEquals(files(in, true).keySet(), all.stream().map(m -> m.get("input"))
			.collect(Collectors.toSet()));
		String sha = ModelLoader.load(model.toString(), ModelOverrides.NONE)
			.sha256();
		for (Map<String, String> row : all) {
			assertEquals("done", row.get("status"));
			assertEquals(sha, row.get("model_sha256"));
			assertEquals("cpu", row.get("provider"));
			assertEquals(expected.get(row.get("output")).length, Long.parseLong(row
				.get("bytes")));
			assertTrue(Double.parseDouble(row.get("seconds")) >= 0);
		}
		// sub-folders, names and bit depths are kept; the result carries its source
		// and command
		ImagePlus w03 = IJ.openImage(whole.resolve("plate1/w03.png").toString());
		assertEquals(8, w03.getBitDepth());
		ImagePlus x3 = IJ.openImage(whole.resolve("plate2/deep/x1.tif").toString());
		assertEquals(16, x3.getBitDepth());
		assertTrue(x3.getInfoProperty().contains(
			"fiji-gan.source = plate2/deep/x1.tif\n"), x3.getInfoProperty());
		assertTrue(x3.getInfoProperty().contains(
			"fiji-gan.command = fiji-gan run --model " + model + " --input " + in +
				" --normalize range --device cpu\n"), x3.getInfoProperty());
	}

	/**
	 * What a cluster does when one task of a job array is cancelled: its part
	 * says which images it planned, merge-manifests names each one it did not
	 * write and writes nothing, and the shard rerun alone does only those; then
	 * the merge succeeds.
	 */
	@Test
	void
		mergeNamesTheImagesOfAShardCutOffMidwayAndTheShardRerunAloneCompletesThem()
			throws IOException
	{
		Path in = folderOfImages(), model = convModel();
		Path whole = dir.resolve("whole"), out = dir.resolve("out");
		assertEquals(0, runFolder(model, in, whole).exitCode());
		assertEquals(0, runFolder(model, in, out, "--shard", "0/2").exitCode());
		// shard 1/2 (b.png, plate1/w02.tif, plate1/w04.tif, ...): cancelled as it
		// reads its third
		CancellationToken cancel = new CancellationToken();
		ImageCodec cutting = cancellingAtRead(3, cancel);
		String command = commandOf(whole.resolve("a.tif"));
		FolderJob job = new FolderJob(in, out, null, null, null, new Shard(1, 2),
			false, false, Map.of("fiji-gan.command", command));
		InferenceOptions options = InferenceOptions.defaults().withNormalization(
			Normalization.parse("range")).withDevice(DeviceSpec.CPU, 1);
		assertThrows(CancelledException.class, () -> FolderBatch.run(job,
			ModelLoader.load(model.toString(), ModelOverrides.NONE), options, cutting,
			ProgressListener.NONE, cancel));

		Result merged = cli("merge-manifests", out);

		assertEquals(1, merged.exitCode());
		assertEquals(
			"fiji-gan: 4 of 12 outputs have no result: a shard stopped before finishing. Rerun " +
				"it (a shard resumes where it stopped), then merge again. Not written:\n  shard 1/2 (4): " +
				"plate1/w04.tif, plate2/deep/x2.png, plate2/w01.tif, z.tif\n", merged
					.err());
		assertFalse(Files.exists(out.resolve("manifest.csv")));

		Result rerun = runFolder(model, in, out, "--shard", "1/2");
		assertEquals(0, rerun.exitCode(), rerun.err());
		assertTrue(rerun.out().startsWith("4 of 6 images written") && rerun.out()
			.contains("\n2 complete from an earlier run, skipped\n"), rerun.out());
		merged = cli("merge-manifests", out);
		assertEquals(0, merged.exitCode(), merged.err());
		assertTrue(merged.out().startsWith("merged 2 parts into " + out.resolve(
			"manifest.csv") + ": 12 rows {done=10, skipped=2}\n"), merged.out());
		assertSameFiles(files(whole, false), files(out, false));
	}

	/**
	 * A merge job run again (resubmitted) after a later unsharded run of other
	 * images into the same folder keeps that run's rows, so that it still
	 * resumes; and after a plain run redid an image whose input was replaced, the
	 * merge keeps the new row, not the shard's older one.
	 */
	@Test
	void mergingAgainKeepsTheRowsOfALaterRunIntoTheFolder() throws IOException {
		Path in = folderOfImages(), model = convModel(), out = dir.resolve("out");
		Path other = dir.resolve("other");
		Files.createDirectories(other);
		Files.copy(in.resolve("a.tif"), other.resolve("q1.tif"));
		Files.copy(in.resolve("z.tif"), other.resolve("q2.tif"));
		for (String shard : List.of("0/2", "1/2"))
			assertEquals(0, runFolder(model, in, out, "--shard", shard).exitCode());
		assertEquals(0, cli("merge-manifests", out).exitCode());
		Result plain = runFolder(model, other, out);
		assertEquals(0, plain.exitCode(), plain.err());
		assertEquals(14, rows(out.resolve("manifest.csv")).size());

		Result merged = cli("merge-manifests", out);

		assertEquals(0, merged.exitCode(), merged.err());
		assertEquals("merged 2 parts into " + out.resolve("manifest.csv") +
			": 14 rows {done=14}, 2 of them kept from the manifest there (outputs " +
			"the parts list no row of, or an older one)\n", merged.out());
		byte[] manifest = Files.readAllBytes(out.resolve("manifest.csv"));
		assertEquals(0, cli("merge-manifests", out).exitCode()); // once more
		assertArrayEquals(manifest, Files.readAllBytes(out.resolve(
			"manifest.csv")));
		Result rerun = runFolder(model, other, out);
		assertEquals(0, rerun.exitCode(), rerun.err());
		assertTrue(rerun.out().startsWith("0 of 2 images written") && rerun.out()
			.contains("\n2 complete from an earlier run, skipped\n"), rerun.out());

		// a.tif replaced (same size, other pixels) and redone by a plain run
		byte[] old = Files.readAllBytes(out.resolve("a.tif"));
		Random random = new Random(7);
		byte[] p = new byte[7 * 5];
		random.nextBytes(p);
		save(new ImagePlus("a.tif", new ByteProcessor(7, 5, p)), in.resolve(
			"a.tif"));
		Result redo = runFolder(model, in, out);
		assertEquals(0, redo.exitCode(), redo.err());
		assertTrue(redo.out().startsWith("1 of 12 images written"), redo.out());
		assertFalse(Arrays.equals(old, Files.readAllBytes(out.resolve("a.tif"))));
		Map<String, String> redone = rows(out.resolve("manifest.csv")).stream()
			.filter(r -> r.get("output").equals("a.tif")).findFirst().orElseThrow();
		assertEquals(0, cli("merge-manifests", out).exitCode());
		List<Map<String, String>> after = rows(out.resolve("manifest.csv"));
		assertEquals(14, after.size());
		assertEquals(redone, after.stream().filter(r -> r.get("output").equals(
			"a.tif")).findFirst().orElseThrow());
	}

	/**
	 * A folder run into a format that cannot hold the inputs' pixel size says so
	 * once, counting the images.
	 */
	@Test
	void aFolderRunSaysWhatItsOutputFormatCannotHold() throws IOException {
		Path in = Files.createDirectories(dir.resolve("calibrated"));
		for (int i = 0; i < 2; i++) {
			ImagePlus imp = new ImagePlus("c", new ByteProcessor(16, 12));
			imp.getCalibration().pixelWidth = 0.5;
			imp.getCalibration().pixelHeight = 0.5;
			imp.getCalibration().setUnit("um");
			assertTrue(new FileSaver(imp).saveAsTiff(in.resolve("c" + i + ".tif")
				.toString()));
		}
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Result jpg = cli("run", "-m", model, "-i", in, "-o", dir.resolve("jpg"),
			"--format", "jpg", "--threads", 1);
		assertEquals(0, jpg.exitCode(), jpg.err());
		assertTrue(jpg.out().contains(
			"note: 2 results: JPEG holds no pixel size: " +
				"the pixel size (0.5 x 0.5 µm) is not written; write .tif to keep it " +
				"(the first of them)\n"), jpg.out());
		Result tif = cli("run", "-m", model, "-i", in, "-o", dir.resolve("tif"),
			"--threads", 1);
		assertEquals(0, tif.exitCode(), tif.err());
		assertFalse(tif.out().contains("pixel size"), tif.out());
	}

	@Test
	void mergeWritesFailedImagesToTheManifestNamesEachAndExitsWithOne()
		throws IOException
	{
		Path in = folderOfImages(), model = convModel();
		Files.write(in.resolve("plate1/broken.tif"), "II*\0 this is not a TIFF"
			.getBytes());
		Path out = dir.resolve("out");
		assertEquals(1, runFolder(model, in, out, "--shard", "0/2").exitCode()); // the
																																							// third
																																							// input
																																							// fails
		assertEquals(0, runFolder(model, in, out, "--shard", "1/2").exitCode());

		Result merged = cli("merge-manifests", out);

		assertEquals(1, merged.exitCode());
		assertTrue(merged.out().startsWith("merged 2 parts into " + out.resolve(
			"manifest.csv") +
			": 13 rows {done=12, failed=1}\nfailed: plate1/broken.tif: input " + in
				.resolve("plate1/broken.tif") + " is truncated or damaged: "), merged
					.out());
		assertEquals("fiji-gan: 1 of 13 outputs failed (listed above, and in " + out
			.resolve("manifest.csv") + ")\n", merged.err());
		assertEquals(13, rows(out.resolve("manifest.csv")).size());
	}

	/**
	 * A shard that --fail-fast stopped at an unreadable image: the merge names
	 * that image and says what gets the shard past it, as a rerun of the same
	 * command stops there again.
	 */
	@Test
	void mergeNamesTheFailureAFailFastShardStoppedAt() throws IOException {
		Path in = folderOfImages(), model = convModel(), out = dir.resolve("out");
		Files.write(in.resolve("plate1/broken.tif"), "II*\0 this is not a TIFF"
			.getBytes());
		assertEquals(1, runFolder(model, in, out, "--shard", "0/2", "--fail-fast")
			.exitCode()); // its third input fails
		assertEquals(0, runFolder(model, in, out, "--shard", "1/2").exitCode());

		Result merged = cli("merge-manifests", out);

		assertEquals(1, merged.exitCode());
		assertTrue(merged.err().startsWith("fiji-gan: 5 of 13 outputs have no " +
			"result: a shard stopped before finishing. Each stopped at a failure " +
			"(below): get past it, then merge again. Not written:\n  shard 0/2 (5): " +
			"plate1/w02.tif, plate1/w04.tif, plate2/deep/x2.png, plate2/w01.tif, " +
			"z.tif; it stopped " + "after the failure of plate1/broken.tif (input " +
			in.resolve("plate1/broken.tif") + " is truncated or damaged: "), merged
				.err());
		assertTrue(merged.err().strip().endsWith(
			"(--fail-fast): fix that image, or rerun the shard without --fail-fast"),
			merged.err());
	}

	/**
	 * An input written as a.tif (a.bmp: fiji-gan writes no BMP) beside a
	 * sub-folder a.tif/ of inputs: refused before anything runs, in one line,
	 * whatever the shard.
	 */
	@Test
	void aResultNamedAsAnotherResultsFolderIsRefusedBeforeTheRun()
		throws IOException
	{
		Path full = folderOfImages(), in = dir.resolve("clash"), model =
			convModel();
		Files.createDirectories(in.resolve("a.tif"));
		assertTrue(new FileSaver(IJ.openImage(full.resolve("a.tif").toString()))
			.saveAsBmp(in.resolve("a.bmp").toString()));
		Files.copy(full.resolve("z.tif"), in.resolve("a.tif/b.tif"));
		for (String shard : List.of("1/2", "0/1")) {
			Path out = dir.resolve("out" + shard.charAt(0));
			Result r = runFolder(model, in, out, "--shard", shard);
			assertEquals(1, r.exitCode());
			assertEquals("fiji-gan: inputs a.bmp and a.tif/b.tif cannot both be " +
				"written: a.bmp would be written to a.tif, a file where a.tif/b.tif " +
				"needs a folder; rename one\n", r.err());
			assertFalse(Files.exists(out));
		}
	}

	/**
	 * A result gone and one cut short after the shards wrote them: the merge does
	 * not list them as done, but names both and writes nothing.
	 */
	/**
	 * A folder or part given twice is refused, naming it: it was read twice, its
	 * rows counted twice (merged 4 parts of 2) and said to overlap, as if two
	 * shards had written the same outputs.
	 */
	@Test
	void mergeRefusesAFolderOrPartGivenTwice() throws IOException {
		Path in = folderOfImages(), model = convModel(), out = dir.resolve("out");
		for (String shard : List.of("0/2", "1/2"))
			assertEquals(0, runFolder(model, in, out, "--shard", shard).exitCode());
		List<Path> parts = Manifest.partsIn(out);
		assertEquals(2, parts.size());

		Result twice = cli("merge-manifests", out, out);
		assertEquals(1, twice.exitCode());
		assertEquals("fiji-gan: the folder " + out + " is given twice: give each " +
			"once\n", twice.err());
		Result linked = cli("merge-manifests", out, Files.createSymbolicLink(dir
			.resolve("link"), out));
		assertEquals("fiji-gan: the folder " + dir.resolve("link") +
			" is given twice (also as " + out + "): give each once\n", linked.err());
		Result part = cli("merge-manifests", out, parts.get(1));
		assertEquals("fiji-gan: the manifest part " + parts.get(1) +
			" is given twice, as a file and in its folder: give each once\n", part
				.err());
		assertFalse(Files.exists(out.resolve("manifest.csv")));

		Result once = cli("merge-manifests", out);
		assertEquals(0, once.exitCode(), once.err());
		assertTrue(once.out().startsWith("merged 2 parts into "), once.out());
	}

	@Test
	void mergeRefusesResultsThatAreGoneOrCutShort() throws IOException {
		Path in = folderOfImages(), model = convModel(), out = dir.resolve("out");
		for (String shard : List.of("0/2", "1/2"))
			assertEquals(0, runFolder(model, in, out, "--shard", shard).exitCode());
		long size = Files.size(out.resolve("z.tif"));
		Files.delete(out.resolve("a.tif"));
		Files.write(out.resolve("z.tif"), new byte[100]);

		Result merged = cli("merge-manifests", out);

		assertEquals(1, merged.exitCode());
		assertEquals("fiji-gan: 2 of 12 outputs the parts record as complete are " +
			"not there as recorded: a.tif (gone), z.tif (100 bytes, " + size +
			" recorded). Rerun their shards (a rerun redoes a result gone or cut " +
			"short), then merge again\n", merged.err());
		assertFalse(Files.exists(out.resolve("manifest.csv")));
	}

	@Test
	void aRunCutOffMidwayIsCompletedWithoutRedoingFinishedFiles()
		throws IOException
	{
		Path in = folderOfImages(), model = convModel();
		Path reference = dir.resolve("reference"), out = dir.resolve("out");
		assertEquals(0, runFolder(model, in, reference).exitCode());
		Map<String, byte[]> expected = files(reference, false);
		List<String> outputs = new ArrayList<>(expected.keySet());
		// sorted by input path, and the names are the inputs' own, so this is the
		// order of the run
		assertEquals("a.tif", outputs.get(0));

		// a first run, cancelled as it reads the sixth image: five results are out
		// and recorded
		CancellationToken cancel = new CancellationToken();
		ImageCodec cutting = cancellingAtRead(6, cancel);
		String command = commandOf(reference.resolve("a.tif"));
		FolderJob job = new FolderJob(in, out, null, null, null, Shard.ALL, false,
			false, Map.of("fiji-gan.command", command));
		ModelDescriptor d = ModelLoader.load(model.toString(), ModelOverrides.NONE);
		InferenceOptions options = InferenceOptions.defaults().withNormalization(
			Normalization.parse("range")).withDevice(DeviceSpec.CPU, 1);
		CancelledException stop = assertThrows(CancelledException.class,
			() -> FolderBatch.run(job, d, options, cutting, ProgressListener.NONE,
				cancel));
		assertEquals("cancelled after 5 of " + outputs.size() + " images, each " +
			"recorded in manifest.csv: the same command goes on from there", stop
				.getMessage());
		assertEquals(outputs.subList(0, 5), rows(out.resolve("manifest.csv"))
			.stream().map(r -> r.get("output")).toList());
		// what a killed process leaves: the temporary file of the sixth, a
		// truncated seventh
		Path sixth = out.resolve(outputs.get(5));
		Path stale = sixth.resolveSibling("." + sixth.getFileName() +
			".5eed.tmp.tif");
		Files.write(stale, new byte[100]);
		byte[] seventh = expected.get(outputs.get(6));
		Files.createDirectories(out.resolve(outputs.get(6)).getParent());
		Files.write(out.resolve(outputs.get(6)), Arrays.copyOf(seventh,
			seventh.length / 2));
		FileTime longAgo = FileTime.fromMillis(978_307_200_000L);
		Files.setLastModifiedTime(stale, longAgo); // the kill was long ago
		for (String finished : outputs.subList(0, 5))
			Files.setLastModifiedTime(out.resolve(finished), longAgo);

		Result r = runFolder(model, in, out);

		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("7 of 12 images written"), r.out());
		assertTrue(r.out().contains("\n5 complete from an earlier run, skipped\n"),
			r.out());
		for (String finished : outputs.subList(0, 5))
			assertEquals(longAgo, Files.getLastModifiedTime(out.resolve(finished)),
				finished + " was written again");
		assertFalse(Files.exists(stale));
		assertSameFiles(expected, files(out, false));
		List<Map<String, String>> manifest = rows(out.resolve("manifest.csv"));
		assertEquals(12, manifest.size());
		for (Map<String, String> row : manifest)
			assertEquals(outputs.indexOf(row.get("output")) < 5 ? "skipped" : "done",
				row.get("status"), row.get("output"));

		Result again = runFolder(model, in, out);
		assertEquals(0, again.exitCode(), again.err());
		assertTrue(again.out().startsWith("0 of 12 images written") && again.out()
			.contains("12 complete from an earlier run"), again.out());
		assertSameFiles(expected, files(out, false));
	}

	/**
	 * A folder of 16-bit PNGs keeps its format: each result is a 16-bit PNG with
	 * the model's values. Every image failed before ("PNG holds one 8-bit or RGB
	 * plane"), though the user had chosen no format.
	 */
	@Test
	void sixteenBitPngsGreyAndRgbGiveSixteenBitPngs() throws IOException {
		Path in = dir.resolve("in16");
		short[] p = new short[12];
		for (int i = 0; i < p.length; i++)
			p[i] = (short) (5000 * i + 7);
		save(new ImagePlus("a", new ShortProcessor(4, 3, p, null)), in.resolve(
			"a.png"));
		// and a 16-bit RGB PNG: sample c of pixel i is p[i] + c
		java.awt.image.ColorModel rgb48 = new java.awt.image.ComponentColorModel(
			java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB),
			false, false, java.awt.Transparency.OPAQUE,
			java.awt.image.DataBuffer.TYPE_USHORT);
		java.awt.image.WritableRaster raster = rgb48.createCompatibleWritableRaster(
			4, 3);
		for (int c = 0; c < 3; c++)
			for (int i = 0; i < p.length; i++)
				raster.setSample(i % 4, i / 4, c, (p[i] & 0xffff) + c);
		assertTrue(javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(
			rgb48, raster, false, null), "png", in.resolve("b.png").toFile()));
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("out16");

		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--normalize",
			"range:0,65535");

		assertEquals(0, r.exitCode(), r.err() + r.out());
		RasterImage result = ImageFileCodec.INSTANCE.read(out.resolve("a.png"),
			"result");
		assertEquals(PixelType.UINT16, result.type());
		short[] values = (short[]) result.plane(0);
		for (int i = 0; i < p.length; i++) // float rounding of the normalisation
			assertEquals(p[i] & 0xffff, values[i] & 0xffff, 1, "pixel " + i);
		RasterImage colour = ImageFileCodec.INSTANCE.read(out.resolve("b.png"),
			"result");
		assertEquals(PixelType.UINT16, colour.type());
		assertEquals(3, colour.channels());
		for (int c = 0; c < 3; c++)
			for (int i = 0; i < p.length; i++)
				assertEquals((p[i] & 0xffff) + c, ((short[]) colour.plane(c, 0, 0))[i] &
					0xffff, 1, "channel " + c + ", pixel " + i);
	}

	/**
	 * Float results cannot be PNGs: a folder of PNGs run with --float failed
	 * image by image, each after its model run; it is refused before any runs,
	 * and nothing is written.
	 */
	@Test
	void floatResultsThatWouldBePngsAreRefusedBeforeAnyRun() throws IOException {
		Path in = folderOfImages(), model = convModel();
		Path out = dir.resolve("out-float");

		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--float");

		assertEquals(1, r.exitCode(), r.out());
		assertEquals(
			"fiji-gan: the results will be 32-bit float (--float), which " +
				"PNG cannot hold, and b.png would be one: write them with --format tif " +
				"(or npy)", r.err().strip());
		assertFalse(Files.exists(out));
		assertEquals(0, cli("run", "-m", model, "-i", in, "-o", out, "--float",
			"--format", "tif").exitCode());
	}

	@Test
	void aCorruptInputIsRecordedAndTheOthersAreDone() throws IOException {
		Path in = folderOfImages(), model = convModel();
		Files.write(in.resolve("plate1/broken.tif"), "II*\0 this is not a TIFF"
			.getBytes());
		Path out = dir.resolve("out");

		Result r = runFolder(model, in, out);

		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: 1 of 13 images failed; see " + out.resolve(
			"manifest.csv") + "\n", r.err());
		assertTrue(r.out().startsWith("12 of 13 images written"), r.out());
		assertTrue(r.out().contains("failed: plate1/broken.tif: input " + in
			.resolve("plate1/broken.tif") +
			" is truncated or damaged: image directory 1 is said to start at byte "),
			r.out());
		List<Map<String, String>> manifest = rows(out.resolve("manifest.csv"));
		assertEquals(13, manifest.size());
		Map<String, String> broken = manifest.stream().filter(m -> m.get("input")
			.equals("plate1/broken.tif")).findFirst().orElseThrow();
		assertEquals("failed", broken.get("status"));
		assertTrue(broken.get("message").startsWith("input "), broken.get(
			"message"));
		assertEquals(12, manifest.stream().filter(m -> m.get("status").equals(
			"done")).count());
		assertEquals(12, files(out, false).size());
		assertFalse(Files.exists(out.resolve("plate1/broken.tif")));
	}

	/**
	 * An input whose name has 244 bytes (the file system allows 255) is written
	 * under that name, although its temporary file once needed 270.
	 */
	@Test
	void anInputWithALongNameIsWritten() throws IOException {
		Path in = dir.resolve("in"), model = convModel();
		String name = "M".repeat(240) + ".tif";
		save(new ImagePlus("m", new ByteProcessor(7, 5, new byte[35])), in.resolve(
			name));
		Path out = dir.resolve("out");

		Result r = runFolder(model, in, out);

		assertEquals(0, r.exitCode(), r.out() + r.err());
		assertEquals(Set.of(name), files(out, false).keySet());
		assertEquals("done", rows(out.resolve("manifest.csv")).get(0).get(
			"status"));
	}

	/**
	 * A failed input whose name holds a line break is printed on one line, the
	 * break escaped, so that the rest of its name cannot pass for a line of
	 * fiji-gan's; the manifest keeps the whole name and the whole reason.
	 */
	@Test
	void aFailedNameWithALineBreakIsPrintedOnOneLineAndKeptWhole()
		throws IOException
	{
		Path in = dir.resolve("in"), model = convModel();
		save(new ImagePlus("a", new ByteProcessor(7, 5, new byte[35])), in.resolve(
			"a.tif"));
		String name = "bad\nfiji-gan: all good.tif";
		Files.write(in.resolve(name), new byte[] { 1, 2, 3 });
		Path out = dir.resolve("out");

		Result r = runFolder(model, in, out);

		assertEquals(1, r.exitCode());
		assertTrue(r.out().contains(
			"\nfailed: bad\\x0afiji-gan: all good.tif: input " + in.resolve("bad") +
				"\\x0afiji-gan: all good.tif is 3 bytes long"), r.out());
		assertFalse(r.out().contains("\nfiji-gan: all good"), r.out());
		Map<String, String> row = rows(out.resolve("manifest.csv")).stream().filter(
			m -> m.get("status").equals("failed")).findFirst().orElseThrow();
		assertEquals(name, row.get("input"));
		assertEquals("input " + in.resolve(name) +
			" is 3 bytes long, too short for any image format", row.get("message"));

		Result fast = runFolder(model, in, dir.resolve("fast"), "--fail-fast");
		assertEquals(1, fast.exitCode());
		assertEquals(1, fast.err().lines().count(), fast.err());
	}

	/**
	 * A run that writes nothing (every input fails) prints no rate: "0 of 2
	 * images written ... (4.4 images/s)" read as work done.
	 */
	@Test
	void aRunThatWritesNothingPrintsNoRate() throws IOException {
		Path in = Files.createDirectories(dir.resolve("in")), model = convModel();
		for (String name : List.of("a.tif", "b.tif"))
			Files.write(in.resolve(name), new byte[] { 1, 2, 3 });
		Path out = dir.resolve("out");

		Result r = runFolder(model, in, out);

		assertEquals(1, r.exitCode());
		String first = r.out().lines().findFirst().orElseThrow();
		assertTrue(first.matches("0 of 2 images written to .* in \\d+\\.\\d\\d s"),
			first);
		assertTrue(r.out().contains("\n2 failed\n"), r.out());
	}

	@Test
	void failFastStopsAtTheFirstFailure() throws IOException {
		Path in = folderOfImages(), model = convModel();
		Files.write(in.resolve("a0-broken.tif"), new byte[] { 1, 2, 3 }); // sorts
																																			// after
																																			// a.tif
		Path out = dir.resolve("out");

		Result r = runFolder(model, in, out, "--fail-fast");

		assertEquals(1, r.exitCode());
		assertTrue(r.err().startsWith(
			"fiji-gan: stopped at the first failure (--fail-fast): " +
				"a0-broken.tif: input "), r.err());
		assertTrue(r.err().strip().endsWith(
			"a0-broken.tif is 3 bytes long, too short for any image format"), r
				.err());
		assertEquals(List.of("a.tif"), new ArrayList<>(files(out, false).keySet()));
		assertEquals(List.of("done", "failed"), rows(out.resolve("manifest.csv"))
			.stream().map(m -> m.get("status")).toList());
	}

	/**
	 * Float images a.tif and sub/b.tif of values 1..6 (3x2, returned) under
	 * {@code in}, and their masks under {@code masks}: a.tif with a hole at its
	 * first pixel, sub/b.png (another extension: found by its name) at its last.
	 */
	float[] twoImagesAndTheirMasks(Path in, Path masks) throws IOException {
		float[] v = { 1, 2, 3, 4, 5, 6 };
		save(new ImagePlus("a", new FloatProcessor(3, 2, v.clone())), in.resolve(
			"a.tif"));
		save(new ImagePlus("b", new FloatProcessor(3, 2, v.clone())), in.resolve(
			"sub/b.tif"));
		save(new ImagePlus("ma", new ByteProcessor(3, 2, new byte[] { 1, 0, 0, 0, 0,
			0 })), masks.resolve("a.tif"));
		save(new ImagePlus("mb", new ByteProcessor(3, 2, new byte[] { 0, 0, 0, 0, 0,
			1 })), masks.resolve("sub/b.png"));
		return v;
	}

	@Test
	void inpaintTakesEachImagesMaskByRelativeNameOrOneMaskForAll()
		throws IOException
	{
		Path in = dir.resolve("in"), masks = dir.resolve("masks");
		float[] v = twoImagesAndTheirMasks(in, masks);
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path out = dir.resolve("out");

		Result r = cli("inpaint", "--model", model, "--input", in, "--mask", masks,
			"--output", out, "--normalize", "none", "--device", "cpu", "--threads",
			"1");

		assertEquals(0, r.exitCode(), r.err());
		assertArrayEquals(new float[] { 0.5f, 2, 3, 4, 5, 6 }, (float[]) IJ
			.openImage(out.resolve("a.tif").toString()).getProcessor().getPixels());
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 0.5f }, (float[]) IJ
			.openImage(out.resolve("sub/b.tif").toString()).getProcessor()
			.getPixels());

		Path one = dir.resolve("one");
		r = cli("inpaint", "--model", model, "--input", in, "--mask", masks.resolve(
			"a.tif"), "--output", one, "--normalize", "none", "--device", "cpu",
			"--threads", "1", "--format", "npy");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Set.of("a.npy", "sub/b.npy"), files(one, false).keySet());
		RasterImage b = ImageFiles.read(one.resolve("sub/b.npy"), "result");
		float[] bv = new float[6];
		b.readRegion(0, 0, 0, 0, 0, 3, 2, bv, 0);
		assertArrayEquals(new float[] { 0.5f, 2, 3, 4, 5, 6 }, bv);

		Files.delete(masks.resolve("sub/b.png"));
		r = cli("inpaint", "--model", model, "--input", in, "--mask", masks,
			"--output", dir.resolve("missing"), "--normalize", "none", "--device",
			"cpu");
		assertEquals(1, r.exitCode());
		assertTrue(r.out().contains("failed: sub/b.tif: no mask for sub/b.tif in " +
			masks), r.out());
	}

	/**
	 * An inpainted result of a folder run names the mask it used, under the mask
	 * folder as its source is named under the input folder, or by its file name
	 * where one mask serves all.
	 */
	@Test
	void aFolderRunsInpaintedResultNamesItsMask() throws IOException {
		Path in = dir.resolve("scans"), masks = dir.resolve("masks");
		float[] v = twoImagesAndTheirMasks(in, masks);
		save(new ImagePlus("one", new ByteProcessor(3, 2, new byte[] { 0, 1, 0, 0,
			0, 0 })), dir.resolve("shared.png"));
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");

		Path out = dir.resolve("out");
		Result r = cli("inpaint", "--model", model, "--input", in, "--mask", masks,
			"--output", out, "--normalize", "none", "--device", "cpu", "--threads",
			"1");
		assertEquals(0, r.exitCode(), r.err());
		String a = IJ.openImage(out.resolve("a.tif").toString()).getInfoProperty();
		assertTrue(a.contains("fiji-gan.source = a.tif\n") && a.contains(
			"fiji-gan.mask = a.tif\n"), a);
		String b = IJ.openImage(out.resolve("sub/b.tif").toString())
			.getInfoProperty();
		assertTrue(b.contains("fiji-gan.source = sub/b.tif\n") && b.contains(
			"fiji-gan.mask = sub/b.png\n"), b);

		Path shared = dir.resolve("shared");
		r = cli("inpaint", "--model", model, "--input", in, "--mask", dir.resolve(
			"shared.png"), "--output", shared, "--normalize", "none", "--device",
			"cpu", "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(Set.of("a.tif", "sub/b.tif"), files(shared, false).keySet());
		for (String name : List.of("a.tif", "sub/b.tif")) {
			ImagePlus result = IJ.openImage(shared.resolve(name).toString());
			assertArrayEquals(new float[] { 1, 0.5f, 3, 4, 5, 6 }, (float[]) result
				.getProcessor().getPixels(), name);
			assertTrue(result.getInfoProperty().contains(
				"fiji-gan.mask = shared.png\n"), result.getInfoProperty());
		}
	}

	/**
	 * A mask folder, or a mask for all, inside the input folder holds masks, not
	 * images to inpaint: they are left out of the inputs as an output folder
	 * there is, instead of each failing for want of a mask of its own.
	 */
	@Test
	void masksInsideTheInputFolderAreNotInputs() throws IOException {
		Path in = dir.resolve("scans"), masks = in.resolve("masks");
		Path in2 = dir.resolve("scans2"), mask = in2.resolve("mask.png");
		float[] v = { 1, 2, 3, 4, 5, 6 };
		for (Path folder : List.of(in, in2))
			save(new ImagePlus("a", new FloatProcessor(3, 2, v.clone())), folder
				.resolve("a.tif"));
		save(new ImagePlus("ma", new ByteProcessor(3, 2, new byte[] { 1, 0, 0, 0, 0,
			0 })), masks.resolve("a.png"));
		save(new ImagePlus("one", new ByteProcessor(3, 2, new byte[] { 0, 0, 0, 0,
			0, 1 })), mask);
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");

		Path out = dir.resolve("out");
		Result r = cli("inpaint", "--model", model, "--input", in, "--mask", masks,
			"--output", out, "--normalize", "none", "--device", "cpu", "--threads",
			"1");
		assertEquals(0, r.exitCode(), r.out() + r.err());
		assertEquals(Set.of("a.tif"), files(out, false).keySet());
		assertEquals(List.of("a.tif"), rows(out.resolve("manifest.csv")).stream()
			.map(m -> m.get("input")).toList());
		assertArrayEquals(new float[] { 0.5f, 2, 3, 4, 5, 6 }, (float[]) IJ
			.openImage(out.resolve("a.tif").toString()).getProcessor().getPixels());

		Path shared = dir.resolve("shared");
		r = cli("inpaint", "--model", model, "--input", in2, "--mask", mask,
			"--output", shared, "--normalize", "none", "--device", "cpu", "--threads",
			"1");
		assertEquals(0, r.exitCode(), r.out() + r.err());
		assertEquals(Set.of("a.tif"), files(shared, false).keySet());
		assertEquals(List.of("a.tif"), rows(shared.resolve("manifest.csv")).stream()
			.map(m -> m.get("input")).toList());
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 0.5f }, (float[]) IJ
			.openImage(shared.resolve("a.tif").toString()).getProcessor()
			.getPixels());
		// the masks are as they were
		assertArrayEquals(new byte[] { 0, 0, 0, 0, 0, 1 }, (byte[]) IJ.openImage(
			mask.toString()).getProcessor().getPixels());
	}

	@Test
	void existingFilesNoManifestKnowsAreKeptUnlessOverwrite() throws IOException {
		Path in = folderOfImages(), model = convModel();
		Path out = dir.resolve("out");
		Files.createDirectories(out);
		Files.writeString(out.resolve("z.tif"), "someone else's file");

		Result r = runFolder(model, in, out);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: " + out.resolve("z.tif") +
			" already exists and no manifest in " + out +
			" records it; pass --overwrite to replace existing results\n", r.err());
		assertEquals("someone else's file", Files.readString(out.resolve("z.tif")));

		r = runFolder(model, in, out, "--overwrite");
		assertEquals(0, r.exitCode(), r.err() + r.out());
		assertEquals(12, files(out, false).size());
		assertEquals(ImagePlus.GRAY16, IJ.openImage(out.resolve("z.tif").toString())
			.getType());
	}

	@Test
	void includeTakesTheInputsItsGlobMatchesAndFormatRenamesTheOutputs()
		throws IOException
	{
		Path in = folderOfImages(), model = convModel();
		Files.writeString(in.resolve("plate1/readme.txt"),
			"not an image: left out by default");
		Path byPath = dir.resolve("by-path"), byName = dir.resolve("by-name");

		assertEquals(0, runFolder(model, in, byPath, "--include", "plate1/*.tif",
			"--format", "npy").exitCode());
		assertEquals(Set.of("plate1/w01.npy", "plate1/w02.npy", "plate1/w04.npy"),
			files(byPath, false).keySet());
		assertEquals(0, runFolder(model, in, byName, "--include", "*.png")
			.exitCode());
		assertEquals(Set.of("b.png", "plate1/w03.png", "plate2/deep/x2.png"), files(
			byName, false).keySet());
	}

	@Test
	void aRunOverPartOfTheFolderKeepsTheManifestRowsOfTheRest()
		throws IOException
	{
		Path in = folderOfImages(), model = convModel(), out = dir.resolve("out");
		assertEquals(0, runFolder(model, in, out).exitCode());
		List<Map<String, String>> all = rows(out.resolve("manifest.csv"));
		Result part = runFolder(model, in, out, "--include", "plate1/w01.tif");
		assertEquals(0, part.exitCode(), part.err());
		List<Map<String, String>> after = rows(out.resolve("manifest.csv"));
		assertEquals(all.stream().map(r -> r.get("output")).sorted().toList(), after
			.stream().map(r -> r.get("output")).sorted().toList());
		// the whole folder again: every result is the tool's own, none redone
		Result again = runFolder(model, in, out);
		assertEquals(0, again.exitCode(), again.err());
		assertTrue(again.out().startsWith("0 of " + all.size() + " images written"),
			again.out());
	}

	/**
	 * Shards over one part of the folder, then shards over another into the same
	 * folder: each shard's part keeps the rows of the first part's results, so
	 * the merge lists both and a run over the whole folder knows them as its own.
	 */
	@Test
	void shardsOverPartsOfTheFolderKeepTheRowsOfTheEarlierParts()
		throws IOException
	{
		Path in = folderOfImages(), model = convModel(), out = dir.resolve("out");
		for (String include : List.of("plate1/**", "plate2/**"))
			for (String shard : List.of("0/2", "1/2")) {
				Result r = runFolder(model, in, out, "--include", include, "--shard",
					shard);
				assertEquals(0, r.exitCode(), r.err());
			}

		Result merged = cli("merge-manifests", out);

		assertEquals(0, merged.exitCode(), merged.err());
		assertEquals(List.of("plate1/w01.tif", "plate1/w02.tif", "plate1/w03.png",
			"plate1/w04.tif", "plate2/deep/x1.tif", "plate2/deep/x2.png",
			"plate2/deep/x3.tif", "plate2/w01.tif", "plate2/w02.tif"), rows(out
				.resolve("manifest.csv")).stream().map(r -> r.get("output")).toList());
		Result whole = runFolder(model, in, out);
		assertEquals(0, whole.exitCode(), whole.err());
		assertTrue(whole.out().startsWith("3 of 12 images written") && whole.out()
			.contains("\n9 complete from an earlier run, skipped\n"), whole.out());
	}

	/**
	 * A run killed after renaming a result into place and before recording it:
	 * its claim file, left unlocked, names its batch, so the same run resumes and
	 * replaces that result rather than refusing it as someone else's.
	 */
	@Test
	void aRunKilledBeforeRecordingAResultResumes() throws IOException {
		Path in = folderOfImages(), model = convModel(), out = dir.resolve("out");
		AtomicInteger writes = new AtomicInteger();
		// as it writes its first result (a.tif), the run's claim is copied:
		// what a kill leaves is a claim file that no process holds
		ImageCodec copying = new DelegatingCodec(ImageFiles.CODEC) {

			@Override
			public void write(RasterImage image, String extension, Path file) {
				super.write(image, extension, file);
				if (writes.incrementAndGet() != 1) return;
				try (Stream<Path> s = Files.list(out)) {
					Path claim = s.filter(p -> p.getFileName().toString().endsWith(
						".lock")).findFirst().orElseThrow();
					Files.copy(claim, out.resolve(".fiji-gan.run.1-0.lock"));
				}
				catch (IOException e) {
					throw new AssertionError(e);
				}
			}
		};
		FolderJob job = new FolderJob(in, out, null, null, null, Shard.ALL, false,
			false, Map.of());
		InferenceOptions options = InferenceOptions.defaults().withNormalization(
			Normalization.parse("range")).withDevice(DeviceSpec.CPU, 1);
		ModelDescriptor loaded = ModelLoader.load(model.toString(),
			ModelOverrides.NONE);
		FolderBatch.run(job, loaded, options, copying, ProgressListener.NONE,
			new CancellationToken());
		// killed once a.tif was in place: no row recorded, no later result
		Path manifest = out.resolve("manifest.csv");
		List<String> lines = Files.readAllLines(manifest);
		assertTrue(lines.get(1).startsWith("a.tif,"), lines.get(1));
		Files.writeString(manifest, lines.get(0) + "\n");
		for (String name : files(out, false).keySet())
			if (!name.equals("a.tif") && !name.startsWith(".")) Files.delete(out
				.resolve(name));

		var resumed = FolderBatch.run(job, loaded, options, ImageFiles.CODEC,
			ProgressListener.NONE, new CancellationToken());

		assertEquals(12, resumed.done());
		assertEquals(12, rows(manifest).size());
	}

	/**
	 * Shards redone with --overwrite and other settings after a merge: a shard
	 * rerun with those settings resumes, taking the part's newer row (the size of
	 * the file there), not the older merged manifest's.
	 */
	@Test
	void aShardRerunTakesItsPartsNewerRowOverAnOlderMergedOne()
		throws IOException
	{
		Path full = folderOfImages(), in = dir.resolve("two"), model = convModel(),
				out = dir.resolve("out");
		Files.createDirectories(in);
		Files.copy(full.resolve("a.tif"), in.resolve("a.tif"));
		Files.copy(full.resolve("z.tif"), in.resolve("z.tif"));
		for (String shard : List.of("0/2", "1/2"))
			assertEquals(0, runFolder(model, in, out, "--shard", shard).exitCode());
		assertEquals(0, cli("merge-manifests", out).exitCode());
		List<Object> floats = List.of("run", "--model", model, "--input", in,
			"--output", out, "--normalize", "none", "--threads", "1", "--shard");
		for (String shard : List.of("0/2", "1/2")) {
			List<Object> args = new ArrayList<>(floats);
			args.addAll(List.of(shard, "--overwrite"));
			Result r = cli(args.toArray());
			assertEquals(0, r.exitCode(), r.err());
		}

		List<Object> args = new ArrayList<>(floats);
		args.add("1/2");
		Result resumed = cli(args.toArray());

		assertEquals(0, resumed.exitCode(), resumed.err());
		assertTrue(resumed.out().startsWith("0 of 1 image written") && resumed.out()
			.contains("\n1 complete from an earlier run, skipped\n"), resumed.out());
	}

	@Test
	void anEarlierRunsOutputFolderInsideTheInputFolderIsNoInput()
		throws IOException
	{
		Path in = folderOfImages(), model = convModel();
		// the output folder inside the input folder: its own results are left out
		Result first = runFolder(model, in, in.resolve("res"));
		assertEquals(0, first.exitCode(), first.err());
		assertEquals(12, files(in.resolve("res"), false).size());
		// a later run over the same folder, into another: the earlier results are
		// no new inputs, and it says which folder it left out
		Path out = dir.resolve("out");
		Result later = runFolder(model, in, out);
		assertEquals(0, later.exitCode(), later.err());
		assertTrue(later.out().startsWith("12 of 12 images written"), later.out());
		assertTrue(later.out().contains("sub-folder res holds an earlier " +
			"fiji-gan run's results (its manifest): not read as inputs"), later
				.out());
		assertEquals(files(in.resolve("res"), false).keySet(), files(out, false)
			.keySet());
		// a folder of nothing but an earlier run's results has no inputs
		Path only = dir.resolve("only");
		Files.createDirectories(only);
		Files.move(in.resolve("res"), only.resolve("res"));
		Result none = runFolder(model, only, dir.resolve("none"));
		assertEquals(1, none.exitCode());
		assertEquals("fiji-gan: no images in " + only + "; sub-folder res holds " +
			"an earlier fiji-gan run's results (its manifest): not read as inputs\n",
			none.err());
	}

	@Test
	void aBrokenGlobOrRegexIsNamedWithItsFlag() {
		Path in = folderOfImages(), model = convModel();
		Result r = runFolder(model, in, dir.resolve("o"), "--include", "[");
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: --include '[' is not a glob: Missing '] " + // the
																																				// JDK's
																																				// words
			"(e.g. '*.tif' or 'plate1/**')\n", r.err());
		assertFalse(Files.exists(dir.resolve("o")));
		r = cli("fine-tune", "--model", model, "--data", in, "--output", dir
			.resolve("ft.onnx"), "--steps", 1, "--freeze", "conv.*,(");
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: --freeze '(' is not a regular expression: " +
			"Unclosed group at position 1\n", r.err());
		assertFalse(Files.exists(dir.resolve("ft.onnx")));
	}

	@Test
	void folderOptionsWithOneFileAreAUsageError() {
		Path in = folderOfImages(), model = convModel();
		Result r = cli("run", "--model", model, "--input", in.resolve("a.tif"),
			"--output", dir.resolve("x.tif"), "--shard", "0/2");
		assertEquals(2, r.exitCode());
		assertTrue(r.err().startsWith(
			"fiji-gan: --shard is for folder mode: --input DIR --output DIR, " +
				"or generate --output DIR"), r.err());
		r = cli("run", "--model", model, "--input", in.resolve("a.tif"), "--output",
			dir.resolve("x.tif"), "--include", "*.tif");
		assertEquals(2, r.exitCode());
		assertTrue(r.err().startsWith(
			"fiji-gan: --include is for folder mode: --input DIR --output DIR"), r
				.err());
		assertFalse(Files.exists(dir.resolve("x.tif")));
		r = runFolder(model, in, dir.resolve("o"), "--shard", "2/2");
		assertEquals(2, r.exitCode());
		assertTrue(r.err().contains("shard 2/2 does not exist"), r.err());
	}

	/**
	 * A folder run of a "denoiser" that halves the image: the residual check's
	 * note on the image with spots is printed (which image, how many) and is that
	 * image's message in the manifest; an image it left alone has none. A rerun
	 * that skips it keeps the note in its row.
	 */
	@Test
	void aFolderRunSaysWhichResultsLostMoreThanNoise() throws IOException {
		Path in = dir.resolve("in"), out = dir.resolve("out");
		float[] spots = new float[64 * 64];
		for (int y = 0; y < 64; y++)
			for (int x = 0; x < 64; x++)
				spots[y * 64 + x] = (float) (100 + 500 * Math.exp(-((x - 20) * (x -
					20) + (y - 30) * (y - 30)) / 8.0) + 500 * Math.exp(-((x - 45) * (x -
						45) + (y - 40) * (y - 40)) / 8.0));
		save(new ImagePlus("spots", new FloatProcessor(64, 64, spots)), in.resolve(
			"a.tif"));
		save(new ImagePlus("zeros", new FloatProcessor(64, 64, new float[64 * 64])),
			in.resolve("b.tif"));
		Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer("h",
			new float[] { 0.5f }).node("Mul", "x,h", "y").output("y", "N,1,H,W")
			.write(dir, "half.onnx");
		Result r = cli("denoise", "--model", model, "--input", in, "--output", out,
			"--normalize", "none", "--float", "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"note: what the model removed is not only noise in 1 of 2 images " +
				"written (a.tif): the result may have lost signal there; each " +
				"one's note is in the manifest's message column"), r.out());
		assertEquals(List.of("a.tif", "b.tif", "manifest.csv"), List.copyOf(files(
			out, true).keySet()));
		Map<String, Map<String, String>> byInput = new TreeMap<>();
		for (Map<String, String> row : rows(out.resolve("manifest.csv")))
			byInput.put(row.get("input"), row);
		assertEquals("done", byInput.get("a.tif").get("status"));
		String note = byInput.get("a.tif").get("message");
		assertTrue(note.startsWith("what the model removed is not only noise: " +
			"the residual (input - result) has a local mean of "), note);
		assertEquals("", byInput.get("b.tif").get("message"));

		Result again = cli("denoise", "--model", model, "--input", in, "--output",
			out, "--normalize", "none", "--float", "--threads", "1");
		assertEquals(0, again.exitCode(), again.err());
		assertTrue(again.out().contains("2 complete from an earlier run"), again
			.out());
		byInput.clear();
		for (Map<String, String> row : rows(out.resolve("manifest.csv")))
			byInput.put(row.get("input"), row);
		assertEquals("complete from an earlier run; " + note, byInput.get("a.tif")
			.get("message"));
		assertEquals("complete from an earlier run", byInput.get("b.tif").get(
			"message"));
	}

	@Test
	void generateOffersNoInputFilter() {
		Result help = cli("generate", "--help");
		assertEquals(0, help.exitCode());
		assertTrue(help.out().contains("--shard"), help.out());
		assertFalse(help.out().contains("--include"), help.out());
		assertTrue(cli("denoise", "--help").out().contains("--include"));
		Result r = cli("generate", "--model", convModel(), "--output", dir.resolve(
			"g"), "--include", "*.tif");
		assertEquals(2, r.exitCode());
		assertTrue(r.err().startsWith("fiji-gan: Unknown options: '--include'"), r
			.err());
	}

	/**
	 * The image codec, cancelling {@code cancel} as it starts reading the
	 * {@code n}-th image.
	 */
	static ImageCodec cancellingAtRead(int n, CancellationToken cancel) {
		AtomicInteger reads = new AtomicInteger();
		return new DelegatingCodec(ImageFiles.CODEC) {

			@Override
			public RasterImage read(Path file, String role) {
				if (reads.incrementAndGet() == n) cancel.cancel();
				return super.read(file, role);
			}
		};
	}

	/**
	 * The command a result records: what a run of the same command gives its
	 * results.
	 */
	static String commandOf(Path result) {
		return (String) IJ.openImage(result.toString()).getProp("fiji-gan.command");
	}

	/** A codec that forwards to another, for tests to intercept one call. */
	static class DelegatingCodec implements ImageCodec {

		private final ImageCodec d;

		DelegatingCodec(ImageCodec d) {
			this.d = d;
		}

		@Override
		public boolean isImage(Path file) {
			return d.isImage(file);
		}

		@Override
		public boolean canWrite(String extension) {
			return d.canWrite(extension);
		}

		@Override
		public RasterImage read(Path file, String role) {
			return d.read(file, role);
		}

		@Override
		public String cannotWrite(String extension, RasterImage image) {
			return d.cannotWrite(extension, image);
		}

		@Override
		public void write(RasterImage image, String extension, Path file) {
			d.write(image, extension, file);
		}
	}
}
