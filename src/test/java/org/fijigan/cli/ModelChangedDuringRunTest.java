
package org.fijigan.cli;

import static org.fijigan.cli.FolderModeTest.cli;
import static org.fijigan.cli.FolderModeTest.rows;
import static org.fijigan.cli.FolderModeTest.save;
import static org.fijigan.cli.FolderRunIdentityTest.convWithExternalKernel;
import static org.fijigan.cli.FolderRunIdentityTest.pixels;
import static org.fijigan.cli.FolderRunIdentityTest.writeKernel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ij.ImagePlus;
import ij.process.ByteProcessor;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.batch.BatchSummary;
import org.fijigan.core.batch.FolderBatch;
import org.fijigan.core.batch.FolderJob;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.batch.Shard;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run uses the model bytes whose SHA-256 it records, whatever becomes of the
 * model file while it goes on: replaced or removed after the run loaded it, the
 * run goes on with the session it opened; a session that must be opened anew
 * from a file that no longer has that SHA-256 is refused.
 */
class ModelChangedDuringRunTest {

	@TempDir
	Path dir;

	private final Random random = new Random(11);

	private Path folder(String name, String... images) {
		Path in = dir.resolve(name);
		for (String i : images) {
			byte[] p = new byte[9 * 6];
			random.nextBytes(p);
			save(new ImagePlus(i, new ByteProcessor(9, 6, p)), in.resolve(i));
		}
		return in;
	}

	private static InferenceOptions options() {
		return InferenceOptions.defaults().withNormalization(Normalization.parse(
			"range")).withDevice(DeviceSpec.CPU, 1);
	}

	/**
	 * A folder run of {@code model} over {@code in} into {@code out} during which
	 * {@code meddle} runs as {@code b.tif} is read.
	 */
	private static BatchSummary runMeddling(Path model, Path in, Path out,
		Runnable meddle)
	{
		ImageCodec codec = new FolderModeTest.DelegatingCodec(ImageFiles.CODEC) {

			@Override
			public RasterImage read(Path file, String role) {
				if (file.getFileName().toString().equals("b.tif")) meddle.run();
				return super.read(file, role);
			}
		};
		FolderJob job = new FolderJob(in, out, null, null, null, Shard.ALL, false,
			false, Map.of());
		return FolderBatch.run(job, ModelLoader.load(model.toString(),
			ModelOverrides.NONE), options(), codec, ProgressListener.NONE,
			new CancellationToken());
	}

	/**
	 * Every result in {@code out} is the one in {@code expected}, pixel for
	 * pixel.
	 */
	private static void assertSameResults(Path expected, Path out,
		String... names)
	{
		for (String name : names)
			assertArrayEquals(pixels(expected.resolve(name)), pixels(out.resolve(
				name)), name);
	}

	/**
	 * The model file replaced (as another run's --replace-input-model replaces
	 * it) while a folder run goes on: every image is made by the model the run
	 * loaded, whose SHA-256 the manifest and each result record.
	 */
	@Test
	void aFolderRunKeepsTheModelItLoadedWhenItsFileIsReplaced()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "m.onnx");
		Path other = OnnxModels.conv3x3(1, 1, 4, 2).write(dir, "other.onnx");
		String sha = ModelLoader.sha256(model);
		// written later, as a real replacement is (both are written within the
		// file system's clock tick here)
		Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime
			.fromMillis(Files.getLastModifiedTime(model).toMillis() + 60_000));
		Path in = folder("in", "a.tif", "b.tif", "c.tif");
		Path expected = untouchedRun(model, in), out = dir.resolve("out");

		BatchSummary s = runMeddling(model, in, out, () -> {
			try {
				Files.move(other, model, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		});

		assertEquals(3, s.done());
		assertSameResults(expected, out, "a.tif", "b.tif", "c.tif");
		for (Map<String, String> row : rows(out.resolve("manifest.csv")))
			assertEquals(sha, row.get("model_sha256"), row.toString());
		assertTrue(ij.IJ.openImage(out.resolve("c.tif").toString())
			.getInfoProperty().contains("fiji-gan.model.sha256 = " + sha + "\n"));
	}

	/** The results of {@code model} on {@code in} with the file left alone. */
	private Path untouchedRun(Path model, Path in) {
		Path expected = dir.resolve("expected");
		assertEquals(0, cli("run", "--model", model, "--input", in, "--output",
			expected, "--normalize", "range", "--device", "cpu", "--threads", "1")
			.exitCode());
		return expected;
	}

	/**
	 * The model file removed (as {@code models remove} removes an installed one)
	 * while a folder run goes on: the run finishes with the model it started
	 * with.
	 */
	@Test
	void aFolderRunFinishesWhenItsModelFileIsRemoved() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 5, 2).write(dir, "m.onnx");
		Path in = folder("in", "a.tif", "b.tif", "c.tif");
		Path expected = untouchedRun(model, in), out = dir.resolve("out");

		BatchSummary s = runMeddling(model, in, out, () -> {
			try {
				Files.delete(model);
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		});

		assertEquals(3, s.done());
		assertEquals(0, s.failed());
		assertSameResults(expected, out, "a.tif", "b.tif", "c.tif");
	}

	private static RasterImage image() {
		RasterImage img = RasterImage.allocate(10, 9, 1, 1, 1, PixelType.FLOAT32);
		float[] p = (float[]) img.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = (i * 37 % 101) / 100f;
		return img;
	}

	/**
	 * A model file replaced between loading the model and opening its session:
	 * the run is refused in one line rather than made by other weights than the
	 * SHA-256 it would record.
	 */
	@Test
	void aSessionIsNotOpenedFromAFileThatChangedSinceItWasLoaded()
		throws IOException
	{
		// seeds no other test uses: no session of this model is open yet
		Path model = OnnxModels.conv3x3(1, 1, 20240611, 2).write(dir, "m.onnx");
		ModelDescriptor d = ModelLoader.load(model.toString(), ModelOverrides.NONE);
		OnnxModels.conv3x3(1, 1, 20240612, 2).write(dir, "m.onnx");
		String now = ModelLoader.sha256(model);

		GanException e = assertThrows(GanException.class, () -> ImageToImage.run(d,
			image(), options(), ProgressListener.NONE, CancellationToken.none()));
		assertEquals("the model file " + model +
			" changed during the run (its SHA-256 was " + d.sha256().substring(0,
				12) + "... when the run loaded it, and is " + now.substring(0, 12) +
			"... now); run again to use the new file", e.getMessage());
	}

	/** The same for a model whose weights are an external data file. */
	@Test
	void aSessionIsNotOpenedFromExternalDataThatChangedSinceItWasLoaded()
		throws IOException
	{
		float[] kernel = new float[9], other = new float[9];
		Arrays.fill(kernel, 0.123f);
		other[4] = 0.987f;
		Path folder = Files.createDirectories(dir.resolve("model"));
		Path model = convWithExternalKernel(folder, kernel);
		ModelDescriptor d = ModelLoader.load(model.toString(), ModelOverrides.NONE);
		assertEquals(List.of(model, folder.resolve("w.bin")), d.sha256Files());
		writeKernel(folder, other);

		GanException e = assertThrows(GanException.class, () -> ImageToImage.run(d,
			image(), options(), ProgressListener.NONE, CancellationToken.none()));
		assertTrue(e.getMessage().startsWith("the model file " + model +
			" changed during the run (its SHA-256 was " + d.sha256().substring(0,
				12)), e.getMessage());
	}
}
