
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
}
