
package org.fijigan.core.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.ij1.ImageFileCodec;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generation run stopped after its second block resumes where it stopped: the
 * rerun draws only the missing blocks, and the folder ends byte for byte as one
 * uninterrupted run writes it.
 */
class GenerationResumeTest {

	@TempDir
	Path dir;

	GenerationJob job(Path out, long count) {
		return job(out, count, "tif");
	}

	GenerationJob job(Path out, long count, String format) {
		return new GenerationJob(out, format, SamplePlan.unconditional(count), 5,
			null, null, false, DeviceSpec.CPU, 1, Shard.ALL, false, false, Map.of(),
			null);
	}

	static Map<String, byte[]> files(Path root) throws IOException {
		Map<String, byte[]> m = new TreeMap<>();
		try (Stream<Path> s = Files.walk(root)) {
			for (Path p : s.filter(Files::isRegularFile).toList()) {
				String rel = root.relativize(p).toString();
				if (!rel.startsWith("manifest")) m.put(rel, Files.readAllBytes(p));
			}
		}
		return m;
	}

	/** The refusal of a format lists every one generate writes. */
	@Test
	void aFormatItCannotWriteIsRefusedListingThoseItCan() {
		ModelDescriptor model = ModelLoader.load(OnnxModels.generator(8, 0, 5, 4)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		assertEquals("cannot write .bmp files: use tif, png, jpg, npy or nii.gz",
			assertThrows(GanException.class, () -> GenerationBatch.run(job(dir
				.resolve("out"), 2, "bmp"), model, ImageFileCodec.INSTANCE,
				ProgressListener.NONE, CancellationToken.none())).getMessage());
		for (String format : List.of("tif", "png", "jpg", "npy", "nii.gz"))
			assertTrue(ImageFileCodec.INSTANCE.canWrite("." + format), format);
	}

	@Test
	void aCancelledRunResumesToTheSameFilesAsAnUninterruptedOne()
		throws IOException
	{
		ModelDescriptor model = ModelLoader.load(OnnxModels.generator(8, 0, 5, 4)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		int count = 3 * GenerationBatch.BLOCK + 3;
		BatchSummary whole = GenerationBatch.run(job(dir.resolve("whole"), count),
			model, ImageFileCodec.INSTANCE, ProgressListener.NONE, CancellationToken
				.none());
		assertEquals(count, whole.done());

		CancellationToken cancel = new CancellationToken();
		ProgressListener stopAfterTwoBlocks = e -> {
			if (e.done() >= 2L * GenerationBatch.BLOCK) cancel.cancel();
		};
		Path out = dir.resolve("resumed");
		assertThrows(CancellationToken.CancelledException.class,
			() -> GenerationBatch.run(job(out, count), model, ImageFileCodec.INSTANCE,
				stopAfterTwoBlocks, cancel));
		assertEquals(2 * GenerationBatch.BLOCK, files(out).size());

		BatchSummary rest = GenerationBatch.run(job(out, count), model,
			ImageFileCodec.INSTANCE, ProgressListener.NONE, CancellationToken.none());
		assertEquals(2 * GenerationBatch.BLOCK, rest.skipped());
		assertEquals(count - 2 * GenerationBatch.BLOCK, rest.done());
		Map<String, byte[]> expected = files(dir.resolve("whole")), actual = files(
			out);
		assertEquals(expected.keySet(), actual.keySet());
		for (String name : expected.keySet())
			assertArrayEquals(expected.get(name), actual.get(name), name);
	}

	/**
	 * A listener that, once the first block is recorded, puts a file of someone
	 * else's under sample 20's name, in the second block.
	 */
	static ProgressListener intruding(Path file) {
		return e -> {
			if (e.done() == GenerationBatch.BLOCK && !Files.exists(file)) try {
				Files.writeString(file, "someone else's");
			}
			catch (IOException io) {
				throw new java.io.UncheckedIOException(io);
			}
		};
	}

	/**
	 * A file that appeared under a sample's name while a run went on is kept and
	 * its sample recorded as failed; every plain rerun refuses it before drawing
	 * anything, and only --overwrite replaces it.
	 */
	@Test
	void aFileThatAppearedIsRefusedByEveryRerunUntilOverwrite()
		throws IOException
	{
		ModelDescriptor model = ModelLoader.load(OnnxModels.generator(8, 0, 5, 4)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		int count = 2 * GenerationBatch.BLOCK + 3;
		Path out = dir.resolve("out"), foreign = out.resolve(
			"synthetic-000020.tif");
		BatchSummary first = GenerationBatch.run(job(out, count), model,
			ImageFileCodec.INSTANCE, intruding(foreign), CancellationToken.none());
		assertEquals(1, first.failed());
		Map<String, byte[]> before = files(out);
		String manifest = Files.readString(out.resolve("manifest.csv"));

		for (int attempt = 0; attempt < 2; attempt++) {
			GanException e = assertThrows(GanException.class, () -> GenerationBatch
				.run(job(out, count), model, ImageFileCodec.INSTANCE,
					ProgressListener.NONE, CancellationToken.none()));
			assertEquals(foreign + " already exists, and is no result of " +
				"fiji-gan's: the manifest in " + out + " records that output as " +
				"failed, not written; pass --overwrite to replace existing files", e
					.getMessage());
			assertEquals("someone else's", Files.readString(foreign));
			assertEquals(before.keySet(), files(out).keySet());
			assertEquals(manifest, Files.readString(out.resolve("manifest.csv")));
		}

		GenerationJob overwrite = new GenerationJob(out, "tif", SamplePlan
			.unconditional(count), 5, null, null, false, DeviceSpec.CPU, 1, Shard.ALL,
			true, false, Map.of(), null);
		assertEquals(count, GenerationBatch.run(overwrite, model,
			ImageFileCodec.INSTANCE, ProgressListener.NONE, CancellationToken.none())
			.done());
		assertTrue(!Files.readString(foreign,
			java.nio.charset.StandardCharsets.ISO_8859_1).equals("someone else's"));
	}

	/**
	 * In a rerun of the same batch, a file that appears under the name of a
	 * sample still to draw is kept too: the batch's earlier rows make no file
	 * that was not there at the start the run's own.
	 */
	@Test
	void aFileThatAppearsDuringARerunOfTheSameBatchIsKept() throws IOException {
		ModelDescriptor model = ModelLoader.load(OnnxModels.generator(8, 0, 5, 4)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		int count = 2 * GenerationBatch.BLOCK + 3;
		Path out = dir.resolve("out"), foreign = out.resolve(
			"synthetic-000020.tif");
		CancellationToken cancel = new CancellationToken();
		ProgressListener stopAfterOneBlock = e -> {
			if (e.done() >= GenerationBatch.BLOCK) cancel.cancel();
		};
		assertThrows(CancellationToken.CancelledException.class,
			() -> GenerationBatch.run(job(out, count), model, ImageFileCodec.INSTANCE,
				stopAfterOneBlock, cancel));
		assertEquals(GenerationBatch.BLOCK, files(out).size());

		// the rerun skips the first block, then draws the second, into which the
		// file appears
		ProgressListener intrude = e -> {
			if (e.done() == GenerationBatch.BLOCK) try {
				Files.writeString(foreign, "someone else's");
			}
			catch (IOException io) {
				throw new java.io.UncheckedIOException(io);
			}
		};
		BatchSummary rest = GenerationBatch.run(job(out, count), model,
			ImageFileCodec.INSTANCE, intrude, CancellationToken.none());
		assertEquals(GenerationBatch.BLOCK, rest.skipped());
		assertEquals(1, rest.failed());
		assertEquals("someone else's", Files.readString(foreign));
		Map<String, String> row = Manifest.read(out.resolve("manifest.csv")).rows()
			.stream().filter(r -> r.get("file").equals("synthetic-000020.tif"))
			.findFirst().orElseThrow();
		assertEquals("failed", row.get("status"));
		assertEquals(Manifest.FOREIGN, row.get("bytes"));
		assertTrue(row.get("message").contains("already exists"), row.get(
			"message"));
	}

	/**
	 * A failed row without a size (a sample that could not be drawn, or a row of
	 * an earlier version) says nothing of whose the file under its name is: a
	 * rerun replaces it, without --overwrite, and the folder ends as a run that
	 * never failed writes it.
	 */
	@Test
	void aFailedRowWithoutASizeLeavesTheFileThereTheRunsOwn() throws IOException {
		ModelDescriptor model = ModelLoader.load(OnnxModels.generator(8, 0, 5, 4)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		Path out = dir.resolve("out"), manifest = out.resolve("manifest.csv");
		assertEquals(3, GenerationBatch.run(job(out, 3), model,
			ImageFileCodec.INSTANCE, ProgressListener.NONE, CancellationToken.none())
			.done());
		Map<String, byte[]> expected = files(out);
		Manifest.Table table = Manifest.read(manifest);
		StringBuilder text = new StringBuilder(String.join(",", table.header()) +
			"\n");
		for (Map<String, String> row : table.rows()) {
			Map<String, String> r = new java.util.LinkedHashMap<>(row);
			if (r.get("file").equals("synthetic-000001.tif")) {
				r.put("bytes", "");
				r.put("status", "failed");
				r.put("message", "out of memory");
			}
			text.append(Manifest.line(table.header(), r));
		}
		Files.writeString(manifest, text);
		Map<String, String> failed = Manifest.read(manifest).rows().get(1);
		assertEquals("failed", failed.get("status"));
		assertEquals("", failed.get("bytes"));
		Files.writeString(out.resolve("synthetic-000001.tif"), "an older sample");

		BatchSummary rerun = GenerationBatch.run(job(out, 3), model,
			ImageFileCodec.INSTANCE, ProgressListener.NONE, CancellationToken.none());
		assertEquals(1, rerun.done());
		assertEquals(2, rerun.skipped());
		Map<String, byte[]> actual = files(out);
		assertEquals(expected.keySet(), actual.keySet());
		for (String name : expected.keySet())
			assertArrayEquals(expected.get(name), actual.get(name), name);
	}
}
