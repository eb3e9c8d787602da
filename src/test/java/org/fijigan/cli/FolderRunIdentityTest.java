
package org.fijigan.cli;

import static org.fijigan.cli.FolderModeTest.assertSameFiles;
import static org.fijigan.cli.FolderModeTest.cli;
import static org.fijigan.cli.FolderModeTest.files;
import static org.fijigan.cli.FolderModeTest.rows;
import static org.fijigan.cli.FolderModeTest.save;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;

import org.fijigan.cli.FolderModeTest.Result;
import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.batch.BatchSummary;
import org.fijigan.core.batch.FolderBatch;
import org.fijigan.core.batch.FolderJob;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.batch.OutputFolderLock;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.io.DiskSpace;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which results a folder run may reuse or replace: a result is tied to the
 * input it was made from, to its settings and to its batch, and a file of
 * someone else's is never replaced without {@code --overwrite}.
 */
class FolderRunIdentityTest {

	@TempDir
	Path dir;

	private final Random random = new Random(7);

	/** An 8-bit image of random pixels from this test's seeded source. */
	private void image(Path file) {
		byte[] p = new byte[9 * 6];
		random.nextBytes(p);
		save(new ImagePlus(file.getFileName().toString(), new ByteProcessor(9, 6,
			p)), file);
	}

	private Path folder(String name, String... images) {
		Path in = dir.resolve(name);
		for (String i : images)
			image(in.resolve(i));
		return in;
	}

	private Path model() {
		return OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "conv.onnx");
	}

	private static Result run(Path model, Path in, Path out, Object... more) {
		List<Object> args = new ArrayList<>(List.of("run", "--model", model,
			"--input", in, "--output", out, "--normalize", "range", "--device", "cpu",
			"--threads", "1"));
		args.addAll(List.of(more));
		return cli(args.toArray());
	}

	/**
	 * A 3x3 convolution whose kernel lives in {@code folder/w.bin} (nine floats,
	 * little-endian), its ONNX file {@code folder/m.onnx}.
	 */
	static Path convWithExternalKernel(Path folder, float[] kernel)
		throws IOException
	{
		TensorProto w = TensorProto.newBuilder().setName("w").setDataType(
			OnnxModels.FLOAT).addAllDims(List.of(1L, 1L, 3L, 3L)).setDataLocation(
				TensorProto.DataLocation.EXTERNAL).addExternalData(
					StringStringEntryProto.newBuilder().setKey("location").setValue(
						"w.bin")).build();
		Path onnx = OnnxModels.builder().input("x", "N,1,H,W").initializer(w).node(
			"Conv", "x,w", "y", OnnxModels.attrInts("kernel_shape", 3, 3), OnnxModels
				.attrInts("pads", 1, 1, 1, 1)).output("y", "N,1,H,W").write(folder,
					"m.onnx");
		writeKernel(folder, kernel);
		return onnx;
	}

	static void writeKernel(Path folder, float[] kernel) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(4 * kernel.length).order(
			ByteOrder.LITTLE_ENDIAN);
		for (float k : kernel)
			b.putFloat(k);
		Files.write(folder.resolve("w.bin"), b.array());
	}

	private static String sha256(byte[]... parts) throws Exception {
		MessageDigest md = MessageDigest.getInstance("SHA-256");
		for (byte[] p : parts)
			md.update(p);
		return HexFormat.of().formatHex(md.digest());
	}

	/**
	 * The model's SHA-256 covers its external data: the same ONNX file with other
	 * weights is another model, in results, in the manifest and in {@code info},
	 * and a folder of its results is not taken as done by the model with the new
	 * weights.
	 */
	@Test
	void aModelsSha256CoversItsExternalData() throws Exception {
		float[] blur = new float[9], identity = new float[9];
		Arrays.fill(blur, 1 / 9f);
		identity[4] = 1;
		Path folder = Files.createDirectories(dir.resolve("model"));
		Path model = convWithExternalKernel(folder, blur);
		byte[] onnxBytes = Files.readAllBytes(model);
		String blurSha = sha256(onnxBytes, Files.readAllBytes(folder.resolve(
			"w.bin")));
		assertFalse(blurSha.equals(ModelLoader.sha256(model)));

		Result info = cli("info", "--model", model);
		assertEquals(0, info.exitCode(), info.err());
		assertTrue(info.out().contains("\nsha256:        " + blurSha +
			" (of m.onnx followed by its external data w.bin)\n"), info.out());

		Path in = folder("in", "a.tif"), out = dir.resolve("out");
		Result r = run(model, in, out);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(blurSha, rows(out.resolve("manifest.csv")).get(0).get(
			"model_sha256"));
		ImagePlus result = IJ.openImage(out.resolve("a.tif").toString());
		assertTrue(result.getInfoProperty().contains("fiji-gan.model.sha256 = " +
			blurSha + "\n"), result.getInfoProperty());
		Map<String, byte[]> blurred = files(out, true);
		byte[] blurredPixels = pixels(out.resolve("a.tif"));

		// the same ONNX file, another kernel: another model
		writeKernel(folder, identity);
		String identitySha = sha256(onnxBytes, Files.readAllBytes(folder.resolve(
			"w.bin")));
		Result again = run(model, in, out);
		assertEquals(1, again.exitCode(), again.out());
		assertTrue(again.err().startsWith("fiji-gan: " + out.resolve("a.tif") +
			" was made by another model (sha256 " + blurSha.substring(0, 12)), again
				.err());
		assertSameFiles(blurred, files(out, true));

		Result replaced = run(model, in, out, "--overwrite");
		assertEquals(0, replaced.exitCode(), replaced.err());
		assertEquals(identitySha, rows(out.resolve("manifest.csv")).get(0).get(
			"model_sha256"));
		// made with the new kernel, not by a session opened for the old one
		byte[] identityPixels = pixels(out.resolve("a.tif"));
		assertFalse(Arrays.equals(blurredPixels, identityPixels));
	}

	@Test
	void anOutputFolderThatHoldsTheInputFolderStillTakesItsSubFolders()
		throws IOException
	{
		Path in = folder("proj/raw", "a.tif", "plate1/b.tif");
		Path out = dir.resolve("proj");
		Result r = run(model(), in, out);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("2 of 2 images written"), r.out());
		assertTrue(Files.isRegularFile(out.resolve("plate1/b.tif")));
		assertTrue(Files.isRegularFile(out.resolve("a.tif")));
	}

	@Test
	void aFileNoManifestRecordsIsKeptInAFolderOfEarlierResults()
		throws IOException
	{
		Path model = model(), out = dir.resolve("out");
		assertEquals(0, run(model, folder("a", "x.tif", "y.tif"), out).exitCode());
		String manifest = Files.readString(out.resolve("manifest.csv"));
		Files.writeString(out.resolve("zzz.tif"), "precious");

		Result r = run(model, folder("b", "zzz.tif"), out);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: " + out.resolve("zzz.tif") +
			" already exists and no manifest in " + out +
			" records it; pass --overwrite to replace existing results\n", r.err());
		assertEquals("precious", Files.readString(out.resolve("zzz.tif")));
		assertEquals(manifest, Files.readString(out.resolve("manifest.csv")));
	}

	@Test
	void aFileThatAppearsWhileTheRunGoesOnIsKept() throws IOException {
		Path in = folder("in", "a.tif", "b.tif", "c.tif"), out = dir.resolve("out");
		// someone writes b.tif into the output folder as the run reads b.tif
		BatchSummary s = runWhileAFileAppears(model(), in, out);

		assertEquals(2, s.done());
		assertEquals(1, s.failed());
		assertEquals("someone else's", Files.readString(out.resolve("b.tif")));
		Map<String, String> b = rows(out.resolve("manifest.csv")).stream().filter(
			row -> row.get("output").equals("b.tif")).findFirst().orElseThrow();
		assertEquals("failed", b.get("status"));
		assertTrue(b.get("message").contains("already exists"), b.get("message"));
	}

	/**
	 * A file that appeared under a result's name while a run went on, recorded as
	 * failed, is no result of fiji-gan's: a plain rerun refuses it, every time,
	 * and only --overwrite replaces it.
	 */
	@Test
	void aFileThatAppearedIsRefusedByEveryRerunUntilOverwrite()
		throws IOException
	{
		Path model = model(), in = folder("in", "a.tif", "b.tif", "c.tif");
		Path out = dir.resolve("out");
		assertEquals(1, runWhileAFileAppears(model, in, out).failed());
		Map<String, byte[]> before = files(out, true);

		for (int attempt = 0; attempt < 2; attempt++) {
			Result r = run(model, in, out);
			assertEquals(1, r.exitCode(), r.out());
			assertEquals("fiji-gan: " + out.resolve("b.tif") +
				" already exists, and is no result of fiji-gan's: the manifest in " +
				out + " records that output as failed, not written; pass " +
				"--overwrite to replace existing results\n", r.err());
			assertEquals("", r.out());
			assertSameFiles(before, files(out, true));
		}

		Result r = run(model, in, out, "--overwrite");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(ij.IJ.openImage(out.resolve("b.tif").toString()) != null,
			"b.tif is a result now");
		assertEquals(Set.of("done"), rows(out.resolve("manifest.csv")).stream().map(
			row -> row.get("status")).collect(java.util.stream.Collectors.toSet()));
	}

	/**
	 * A folder run of {@code in} into {@code out} during which someone else's
	 * file appears at {@code out/b.tif}, just as {@code b.tif} is read.
	 */
	private static org.fijigan.core.batch.BatchSummary runWhileAFileAppears(
		Path model, Path in, Path out)
	{
		ImageCodec intruding = new FolderModeTest.DelegatingCodec(
			ImageFiles.CODEC)
		{

			@Override
			public RasterImage read(Path file, String role) {
				if (file.getFileName().toString().equals("b.tif")) try {
					Files.writeString(out.resolve("b.tif"), "someone else's");
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
				return super.read(file, role);
			}
		};
		FolderJob job = new FolderJob(in, out, null, null, null, Shard.ALL, false,
			false, Map.of());
		InferenceOptions options = InferenceOptions.defaults().withNormalization(
			Normalization.parse("range")).withDevice(DeviceSpec.CPU, 1);
		return FolderBatch.run(job, ModelLoader.load(model.toString(),
			ModelOverrides.NONE), options, intruding, ProgressListener.NONE,
			new CancellationToken());
	}

	/**
	 * A plain rerun of {@code in} into {@code out} that exits 0 without a word on
	 * stderr, writes b.tif alone of the two images, and records it done.
	 */
	private static void rerunRedoesB(Path model, Path in, Path out) {
		Result r = run(model, in, out);
		assertEquals(0, r.exitCode(), r.out() + r.err());
		assertEquals("", r.err());
		assertTrue(r.out().startsWith("1 of 2 images written to " + out), r.out());
		assertEquals("done", row(out, "b.tif").get("status"));
	}

	/** The manifest row of {@code output} in {@code out}'s manifest. */
	private static Map<String, String> row(Path out, String output) {
		return rows(out.resolve("manifest.csv")).stream().filter(r -> r.get(
			"output").equals(output)).findFirst().orElseThrow();
	}

	/**
	 * A file that appeared under a result's name stays someone else's when its
	 * input cannot be read for a rerun: the failed row of that rerun records it
	 * as foreign too, and the next rerun still refuses it.
	 */
	@Test
	void aFileThatAppearedStaysRefusedAfterARerunThatCouldNotReadItsInput()
		throws IOException
	{
		Path model = model(), in = folder("in", "a.tif"), store = folder("store",
			"b.tif");
		Files.createSymbolicLink(in.resolve("b.tif"), store.resolve("b.tif"));
		Path out = dir.resolve("out");
		assertEquals(1, runWhileAFileAppears(model, in, out).failed());
		assertEquals("foreign", row(out, "b.tif").get("bytes"));

		Path away = dir.resolve("store.off");
		Files.move(store, away);
		Result unreadable = run(model, in, out);
		assertEquals(1, unreadable.exitCode(), unreadable.out() + unreadable.err());
		assertTrue(unreadable.out().contains("failed: b.tif: input " + in.resolve(
			"b.tif") + " is a symbolic link to "), unreadable.out());
		assertEquals("failed", row(out, "b.tif").get("status"));
		assertEquals("foreign", row(out, "b.tif").get("bytes"));
		assertEquals("someone else's", Files.readString(out.resolve("b.tif")));

		Files.move(away, store);
		Map<String, byte[]> before = files(out, true);
		Result r = run(model, in, out);
		assertEquals(1, r.exitCode(), r.out());
		assertEquals("fiji-gan: " + out.resolve("b.tif") +
			" already exists, and is no result of fiji-gan's: the manifest in " +
			out + " records that output as failed, not written; pass " +
			"--overwrite to replace existing results\n", r.err());
		assertEquals("", r.out());
		assertSameFiles(before, files(out, true));
	}

	/**
	 * An input that cannot be read for one rerun (a link whose target is gone: a
	 * share unmounted) fails alone, and its earlier result stays the run's own:
	 * its failed row records that result's size, and once the input is back the
	 * next rerun goes on without --overwrite, leaving the same result.
	 */
	@Test
	void aResultWhoseInputWasUnreadableForOneRerunStaysTheRunsOwn()
		throws IOException
	{
		Path model = model(), in = folder("in", "a.tif"), store = folder("store",
			"b.tif");
		Files.createSymbolicLink(in.resolve("b.tif"), store.resolve("b.tif"));
		Path out = dir.resolve("out");
		Result first = run(model, in, out);
		assertEquals(0, first.exitCode(), first.err());
		Map<String, byte[]> results = files(out, false);
		assertEquals(Set.of("a.tif", "b.tif"), results.keySet());

		Path away = dir.resolve("store.off");
		Files.move(store, away);
		Result unreadable = run(model, in, out);
		assertEquals(1, unreadable.exitCode(), unreadable.out() + unreadable.err());
		assertEquals("fiji-gan: 1 of 2 images failed; see " + out.resolve(
			"manifest.csv") + "\n", unreadable.err());
		assertEquals("failed", row(out, "b.tif").get("status"));
		assertEquals(Integer.toString(results.get("b.tif").length), row(out,
			"b.tif").get("bytes"));
		assertSameFiles(results, files(out, false));

		Files.move(away, store);
		rerunRedoesB(model, in, out);
		assertEquals("skipped", row(out, "a.tif").get("status"));
		assertSameFiles(results, files(out, false));
	}

	/**
	 * A failed row that records no size (an image that could not be read, or a
	 * row written by an earlier version, whose failed rows never had one) says
	 * nothing of whose the file under its name is: the result left there is
	 * replaced by the rerun, as any file a row names, without --overwrite.
	 */
	@Test
	void aFailedRowWithoutASizeLeavesTheResultThereTheRunsOwn()
		throws IOException
	{
		Path model = model(), in = folder("in", "a.tif", "b.tif");
		Path out = dir.resolve("out");
		assertEquals(0, run(model, in, out).exitCode());
		Map<String, byte[]> results = files(out, false);
		// as an earlier version left it after b.tif's input was damaged for a
		// rerun: the result of the run before stays, its row says failed
		Path manifest = out.resolve("manifest.csv");
		String size = Integer.toString(results.get("b.tif").length);
		List<String> lines = new ArrayList<>();
		for (String line : Files.readAllLines(manifest))
			lines.add(!line.startsWith("b.tif,") ? line : line.replace(
				"b.tif,b.tif," + size + ",", "b.tif,b.tif,,").replace(",done,,",
					",failed,cannot open " + "input: not an image format ImageJ reads,"));
		Files.write(manifest, lines);
		assertEquals("failed", row(out, "b.tif").get("status"));
		assertEquals("", row(out, "b.tif").get("bytes"));
		Files.writeString(out.resolve("b.tif"), "an older result");

		rerunRedoesB(model, in, out);
		assertEquals(size, row(out, "b.tif").get("bytes"));
		assertSameFiles(results, files(out, false));
	}

	/**
	 * A result of fiji-gan's that a rerun failed to make again stays fiji-gan's:
	 * its failed row records the size of the result left in place, and a later
	 * run of another batch replaces it without --overwrite.
	 */
	@Test
	void anEarlierResultLeftInPlaceByAFailedRedoStaysReplaceable()
		throws IOException
	{
		Path model = model(), in = folder("in", "a.tif", "b.tif");
		Path out = dir.resolve("out");
		assertEquals(0, run(model, in, out).exitCode());
		byte[] first = Files.readAllBytes(out.resolve("a.tif"));
		Files.writeString(in.resolve("a.tif"), "no image");

		Result failed = run(model, in, out);
		assertEquals(1, failed.exitCode(), failed.err());
		Map<String, String> a = rows(out.resolve("manifest.csv")).stream().filter(
			row -> row.get("output").equals("a.tif")).findFirst().orElseThrow();
		assertEquals("failed", a.get("status"));
		assertEquals(Integer.toString(first.length), a.get("bytes"));
		assertArrayEquals(first, Files.readAllBytes(out.resolve("a.tif")));

		byte[] p = new byte[12 * 7];
		random.nextBytes(p);
		save(new ImagePlus("a", new ByteProcessor(12, 7, p)), in.resolve("a.tif"));
		Result again = run(model, in, out);
		assertEquals(0, again.exitCode(), again.err());
		assertTrue(again.out().startsWith("1 of 2 images written"), again.out());
		assertEquals(12, ij.IJ.openImage(out.resolve("a.tif").toString())
			.getWidth());
	}

	@Test
	void aChangedInputIsDoneAgainAndTheOthersAreSkipped() throws IOException {
		Path model = model(), in = folder("in", "a.tif", "b.tif");
		Path out = dir.resolve("out");
		assertEquals(0, run(model, in, out).exitCode());
		byte[] before = pixels(out.resolve("a.tif"));
		image(in.resolve("a.tif")); // new pixels under the same name

		Result r = run(model, in, out);
		assertEquals(0, r.exitCode(), r.err());
		Map<String, String> status = new java.util.TreeMap<>();
		for (Map<String, String> row : rows(out.resolve("manifest.csv")))
			status.put(row.get("output"), row.get("status"));
		assertEquals(Map.of("a.tif", "done", "b.tif", "skipped"), status);
		// the result is the new input's: as a fresh run of it gives
		Path fresh = dir.resolve("fresh");
		assertEquals(0, run(model, in, fresh).exitCode());
		byte[] after = pixels(out.resolve("a.tif"));
		assertFalse(Arrays.equals(before, after));
		assertArrayEquals(pixels(fresh.resolve("a.tif")), after);
	}

	static byte[] pixels(Path file) {
		return (byte[]) ij.IJ.openImage(file.toString()).getProcessor().getPixels();
	}

	@Test
	void resultsOfOtherSettingsAreNotReplacedWithoutOverwrite()
		throws IOException
	{
		Path model = model(), in = folder("in", "a.tif"), out = dir.resolve("out");
		assertEquals(0, run(model, in, out).exitCode());
		byte[] eightBit = Files.readAllBytes(out.resolve("a.tif"));

		Result r = run(model, in, out, "--float");
		assertEquals(1, r.exitCode());
		assertTrue(r.err().startsWith("fiji-gan: " + out.resolve("a.tif") +
			" was made with other settings"), r.err());
		assertArrayEquals(eightBit, Files.readAllBytes(out.resolve("a.tif")));

		r = run(model, in, out, "--float", "--overwrite");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(ImagePlus.GRAY32, ij.IJ.openImage(out.resolve("a.tif")
			.toString()).getType());
		// the same settings again: nothing to do
		r = run(model, in, out, "--float");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals("skipped", rows(out.resolve("manifest.csv")).get(0).get(
			"status"));

		// a halo short of the model's reach, in small tiles, gives other pixels:
		// other settings too, also for the tile size where tiles are then inexact
		Path short_ = dir.resolve("short");
		assertEquals(0, run(model, in, short_, "--halo", 0, "--tile", 8)
			.exitCode());
		for (Object[] other : new Object[][] { {}, { "--halo", 0, "--tile",
			16 } })
		{
			Result again = run(model, in, short_, other);
			assertEquals(1, again.exitCode(), java.util.Arrays.toString(other));
			assertTrue(again.err().startsWith("fiji-gan: " + short_.resolve("a.tif") +
				" was made with other settings"), again.err());
		}
		assertEquals(0, run(model, in, short_, "--halo", 0, "--tile", 8).exitCode(),
			"the same halo and tiles: skipped");
	}

	@Test
	void anotherFormatIntoTheSameFolderIsRefusedWithoutOverwrite()
		throws IOException
	{
		Path model = model(), in = folder("in", "a.tif"), out = dir.resolve("out");
		assertEquals(0, run(model, in, out).exitCode());
		Result r = run(model, in, out, "--format", "png");
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: a.tif has a result in " + out +
			" already, a.tif, " +
			"made with other settings (another --format?); this run would write " +
			"a.png beside it: pass --overwrite to write it anyway, or choose " +
			"another output folder", r.err().strip());
		assertFalse(Files.exists(out.resolve("a.png")));
		// with --overwrite: one row for the input, the new one
		assertEquals(0, run(model, in, out, "--format", "png", "--overwrite")
			.exitCode());
		List<Map<String, String>> rows = rows(out.resolve("manifest.csv"));
		assertEquals(1, rows.size());
		assertEquals("a.png", rows.get(0).get("output"));
	}

	@Test
	void aFullDiskStopsTheRunAtItsFirstFailedWrite() throws IOException {
		Path in = folder("in", "a.tif", "b.tif", "c.tif"), out = dir.resolve("out");
		AtomicInteger writes = new AtomicInteger();
		ImageCodec filling = new FolderModeTest.DelegatingCodec(ImageFiles.CODEC) {

			@Override
			public void write(RasterImage image, String extension, Path file) {
				if (writes.incrementAndGet() == 2) throw new GanException(
					DiskSpace.FULL, new FileSystemException(null, null, DiskSpace.FULL));
				super.write(image, extension, file);
			}
		};
		FolderJob job = new FolderJob(in, out, null, null, null, Shard.ALL, false,
			false, Map.of());
		InferenceOptions options = InferenceOptions.defaults().withNormalization(
			Normalization.parse("range")).withDevice(DeviceSpec.CPU, 1);
		GanException e = assertThrows(GanException.class, () -> FolderBatch.run(job,
			ModelLoader.load(model().toString(), ModelOverrides.NONE), options,
			filling, ProgressListener.NONE, new CancellationToken()));

		assertEquals("stopped: the disk of " + out + " is full (cannot write " + out
			.resolve("b.tif") + ": No space left on device); 2 of 3 handled, the " +
			"manifest says which. Make room and run the same command again: it goes on " +
			"where it stopped", e.getMessage());
		assertEquals(2, writes.get()); // c.tif was never run
		assertEquals(List.of("done", "failed"), rows(out.resolve("manifest.csv"))
			.stream().map(r -> r.get("status")).toList());
		assertEquals(Set.of("a.tif"), files(out, false).keySet());
	}

	@Test
	void aShardOfAnotherBatchIsRefusedAtOnce() throws IOException {
		Path model = model(), in = folder("in", "a.tif", "b.tif");
		Path out = dir.resolve("out");
		Files.createDirectories(out);
		String sha = ModelLoader.sha256(model);
		// shard 0/2 of another batch (other inputs) with the same model holds the
		// folder
		try (OutputFolderLock other = OutputFolderLock.acquire(out,
			OutputFolderLock.Owner.of("run --input elsewhere", "conv", sha, new Shard(
				0, 2), "0123456789abcdef")))
		{
			Result r = run(model, in, out, "--shard", "1/2");
			assertEquals(1, r.exitCode());
			assertTrue(r.err().contains("is in use by another run"), r.err());
			assertTrue(r.err().contains("run --input elsewhere"), r.err());
		}
		assertEquals(Set.of(), files(out, true).keySet());
	}

	private Result generate(Path out, Object... more) {
		List<Object> args = new ArrayList<>(List.of("generate", "--model",
			OnnxModels.generator(4, 0, 5, 6).write(dir, "gen.onnx"), "--output", out,
			"--count", 20, "--seed", 5, "--device", "cpu", "--threads", "1"));
		args.addAll(List.of(more));
		return cli(args.toArray());
	}

	@Test
	void aFolderRunIntoAGenerateRunsFolderKeepsItsManifest() throws IOException {
		Path out = dir.resolve("mix");
		assertEquals(0, generate(out).exitCode());
		Map<String, byte[]> before = files(out, true);

		Result r = run(model(), folder("in", "a.tif"), out);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: " + out.resolve("manifest.csv") +
			" records a generate run; write these results into another folder, " +
			"or pass --overwrite to replace it (its rows are then lost)\n", r.err());
		assertSameFiles(before, files(out, true));
		// nor does a shard write its part beside it (merging would replace it)
		r = run(model(), dir.resolve("in"), out, "--shard", "0/2");
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: " + out.resolve("manifest.csv") +
			" records a generate run; write these results into another folder, " +
			"or pass --overwrite to replace it (its rows are then lost)\n", r.err());
		assertSameFiles(before, files(out, true));
		// the generate run still resumes: every sample is found complete
		r = generate(out);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(20, rows(out.resolve("manifest.csv")).stream().filter(
			row -> row.get("status").equals("skipped")).count());

		// --overwrite replaces the manifest, as the message says: the generate
		// run's rows are gone
		assertEquals(0, run(model(), dir.resolve("in"), out, "--overwrite")
			.exitCode());
		assertEquals(List.of("a.tif"), rows(out.resolve("manifest.csv")).stream()
			.map(row -> row.get("output")).toList());
	}

	@Test
	void aGenerateRunIntoAFolderRunsFolderKeepsItsManifest() throws IOException {
		Path in = folder("in", "a.tif", "b.tif"), out = dir.resolve("mix");
		assertEquals(0, run(model(), in, out).exitCode());
		Map<String, byte[]> before = files(out, true);

		Result r = generate(out);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: " + out.resolve("manifest.csv") +
			" records a folder run (denoise, super-resolution, inpaint or run); " +
			"write the generated images into another folder, or pass --overwrite " +
			"to replace it (its rows are then lost)\n", r.err());
		assertSameFiles(before, files(out, true));
		r = run(model(), in, out);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(List.of("skipped", "skipped"), rows(out.resolve(
			"manifest.csv")).stream().map(row -> row.get("status")).toList());

		// a CSV of someone else's under the manifest's name is not replaced either
		Path other = dir.resolve("other");
		Files.createDirectories(other);
		Files.writeString(other.resolve("manifest.csv"), "name,weight\nx,1\n");
		r = generate(other);
		assertEquals(1, r.exitCode());
		assertEquals("fiji-gan: " + other.resolve("manifest.csv") +
			" is no manifest of a fiji-gan run; write the generated images into " +
			"another folder, or pass --overwrite to replace it (its rows are then " +
			"lost)\n", r.err());
		assertEquals(Set.of("manifest.csv"), files(other, true).keySet());
		assertEquals("name,weight\nx,1\n", Files.readString(other.resolve(
			"manifest.csv")));
	}
}
