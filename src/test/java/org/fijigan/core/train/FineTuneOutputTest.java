
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output checks fine-tune makes for every caller, on what only the engine
 * sees: a package's weights file behind its descriptor, and images that lie in
 * no folder (Fiji's open images).
 */
class FineTuneOutputTest {

	static final FineTuneOutput.Hints HINTS = new FineTuneOutput.Hints("replace",
		"resume", "restart", "replace the model");

	@TempDir
	Path dir;

	@Test
	void aPackagesWeightsAreNotReplacedEvenWhenTheModelMayBe()
		throws IOException
	{
		Path pkg = TestPackages.addHalf(dir.resolve("pkg"));
		Path weights = pkg.resolve("weights.onnx");
		byte[] before = Files.readAllBytes(weights);
		String named = pkg.resolve("rdf.yaml").toString();
		FineTuneOutput out = new FineTuneOutput(weights, List.of(), true, true,
			true, HINTS);
		DataSource inMemory = new DataSource.Images(ImageSource.of(List.of(
			RasterImage.allocate(16, 16, 1, 1, 1, PixelType.FLOAT32).setTitle(
				"open"))));
		GanException early = assertThrows(GanException.class, () -> out
			.checkBeforeLoading(named, inMemory, null, false, 1));
		assertEquals("the output " + weights + " is the weights of the " +
			"bioimage.io package in " + pkg + ", which its descriptor rdf.yaml " +
			"names: a package's weights are never replaced; write the fine-tuned " +
			"model to another file (package-model packages it)", early.getMessage());
		GanException e = assertThrows(GanException.class, () -> out.checkModel(
			ModelLoader.load(named, ModelOverrides.NONE), named));
		assertEquals("the output " + weights + " is the weights of the " +
			"bioimage.io package " + named + ", whose descriptor records their " +
			"SHA-256: write the fine-tuned model to another file (package-model " +
			"packages it)", e.getMessage());
		assertArrayEquals(before, Files.readAllBytes(weights));
	}

	/**
	 * Named as its own file, the package's weights are refused before the model
	 * loads, even where the model may be replaced.
	 */
	@Test
	void aPackagesWeightsNamedAsAFileAreNotReplaced() throws IOException {
		Path pkg = TestPackages.addHalf(dir.resolve("pkg"));
		Path weights = pkg.resolve("weights.onnx");
		DataSource inMemory = new DataSource.Images(ImageSource.of(List.of(
			RasterImage.allocate(16, 16, 1, 1, 1, PixelType.FLOAT32))));
		GanException e = assertThrows(GanException.class, () -> new FineTuneOutput(
			weights, List.of(), true, true, true, HINTS).checkBeforeLoading(weights
				.toString(), inMemory, null, false, 1));
		assertEquals("the output " + weights + " is the weights of the " +
			"bioimage.io package in " + pkg + ", which its descriptor rdf.yaml " +
			"names: a package's weights are never replaced; write the fine-tuned " +
			"model to another file (package-model packages it)", e.getMessage());
	}

	@Test
	void theModelFileItselfNeedsItsHint() throws IOException {
		Path weights = org.fijigan.testing.OnnxModels.addConstant(1, 0.5f).write(
			dir, "weights.onnx"); // in no package
		DataSource inMemory = new DataSource.Images(ImageSource.of(List.of(
			RasterImage.allocate(16, 16, 1, 1, 1, PixelType.FLOAT32))));
		GanException e = assertThrows(GanException.class, () -> new FineTuneOutput(
			weights, List.of(), true, true, false, HINTS).checkBeforeLoading(weights
				.toString(), inMemory, null, false, 1));
		assertEquals("the output " + weights + " is the model being fine-tuned (" +
			weights + "): write the fine-tuned model to another file, or replace " +
			"the model", e.getMessage());
		new FineTuneOutput(weights, List.of(), true, true, true, HINTS)
			.checkBeforeLoading(weights.toString(), inMemory, null, false, 1);
	}

	@Test
	void aCheckpointFolderInUseIsSaidToBeInUse() throws IOException {
		Path ck = Files.createDirectories(dir.resolve("ck"));
		Files.write(ck.resolve(Checkpoint.FILE), new byte[] { 1 });
		DataSource inMemory = new DataSource.Images(ImageSource.of(List.of(
			RasterImage.allocate(16, 16, 1, 1, 1, PixelType.FLOAT32))));
		FineTuneOutput out = new FineTuneOutput(dir.resolve("out.onnx"), List.of(),
			false, false, false, HINTS);
		GanException idle = assertThrows(GanException.class, () -> out
			.checkBeforeLoading("m.onnx", inMemory, ck, false, 1));
		assertEquals(ck + " holds the checkpoint of an earlier run: resume, or " +
			"restart", idle.getMessage());
		try (var running = CheckpointFolderLock.acquire(ck)) {
			GanException busy = assertThrows(GanException.class, () -> out
				.checkBeforeLoading("m.onnx", inMemory, ck, false, 1));
			assertEquals("the checkpoint folder " + ck + " is in use by another " +
				"fine-tune run: wait for it to end, or give this one another " +
				"--checkpoint-dir", busy.getMessage());
		}
	}

	/**
	 * A model that cannot be put in place (one appeared while training) takes the
	 * loss curve this run put beside it away again: a rerun finds nothing of this
	 * run in its way.
	 */
	@Test
	void aModelThatCannotBePlacedTakesItsNewCompanionsWithIt()
		throws IOException
	{
		Path model = dir.resolve("out.onnx"), csv = dir.resolve("out-loss.csv"),
				png = dir.resolve("out-loss.png");
		FineTuneOutput out = new FineTuneOutput(model, List.of(csv, png), false,
			false, false, HINTS);
		Files.writeString(model, "appeared while training");
		Trainer.Result result = new Trainer.Result(ai.onnx.proto.OnnxMl.ModelProto
			.getDefaultInstance(), List.of(), "cpu", List.of(), 1);
		GanException e = assertThrows(GanException.class, () -> out.write(result,
			Path.of("m.onnx"), "", false, List.of(o -> o.write('c'), o -> o.write(
				'p'))));
		assertEquals(model + " already exists; pass --overwrite to replace it", e
			.getMessage());
		assertEquals("appeared while training", Files.readString(model));
		try (var files = Files.list(dir)) {
			assertEquals(List.of(model), files.toList());
		}
	}

	/**
	 * Two runs that replace one input model: the one that comes to write after
	 * the other replaced the file trained the bytes it loaded, which the file no
	 * longer holds. It is refused, even where outputs may be replaced, and the
	 * other run's model stays, with nothing of this run beside it; a run whose
	 * model file still holds what it loaded replaces it.
	 */
	@Test
	void aModelReplacedByAnotherRunIsNotReplacedWithOneTrainedFromTheOldBytes()
		throws IOException
	{
		Path model = dir.resolve("m.onnx"), csv = dir.resolve("m-loss.csv");
		byte[] loaded = "the model as both runs loaded it".getBytes();
		byte[] other = "the other run's trained model".getBytes();
		String loadedSha = org.fijigan.core.io.FileHashes.sha256(loaded), otherSha =
			org.fijigan.core.io.FileHashes.sha256(other);
		Files.write(model, other); // the other run has replaced it
		FineTuneOutput out = new FineTuneOutput(model, List.of(csv), true, true,
			true, HINTS);
		Trainer.Result mine = new Trainer.Result(ai.onnx.proto.OnnxMl.ModelProto
			.newBuilder().setProducerName("this run").build(), List.of(), "cpu", List
				.of(), 1);
		GanException e = assertThrows(GanException.class, () -> out.write(mine,
			model, loadedSha, false, List.of(o -> o.write('c'))));
		assertEquals("the model file " + model + " changed during the run (its " +
			"SHA-256 was " + loadedSha.substring(0, 12) + "... when the run loaded " +
			"it, and is " + otherSha.substring(0, 12) +
			"... now); run again to use " + "the new file", e.getMessage());
		assertArrayEquals(other, Files.readAllBytes(model));
		try (var files = Files.list(dir)) {
			assertEquals(List.of(model), files.toList());
		}
		// loaded as it is now: replaced
		out.write(mine, model, otherSha, false, List.of(o -> o.write('c')));
		assertEquals("this run", ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files
			.readAllBytes(model)).getProducerName());
		assertEquals("c", Files.readString(csv));
	}

	@Test
	void onlyOnnxFiles() {
		GanException e = assertThrows(GanException.class, () -> new FineTuneOutput(
			dir.resolve("model.tif"), List.of(), true, true, true, HINTS));
		assertEquals("the fine-tuned model must be written to a .onnx file, not " +
			"model.tif", e.getMessage());
	}

	/**
	 * A run that comes to write while another writes the same output (its loss
	 * curve placed, its model staged under a temporary name and not yet placed)
	 * waits for it, and does not take the other's temporary file for a killed
	 * run's: it is then refused, and the other run's curve, model and files stay
	 * as that run left them.
	 */
	@Test
	void aRunWritingTheSameOutputAsALiveOneReplacesNothingOfIt()
		throws Exception
	{
		Path model = dir.resolve("out.onnx"), csv = dir.resolve("out-loss.csv");
		FineTuneOutput out = new FineTuneOutput(model, List.of(csv), false, false,
			false, HINTS);
		Trainer.Result mine = new Trainer.Result(ai.onnx.proto.OnnxMl.ModelProto
			.newBuilder().setProducerName("second").build(), List.of(), "cpu", List
				.of(), 1);
		GanException[] refused = { null };
		Thread second;
		try (org.fijigan.core.io.NameClaim live = org.fijigan.core.io.NameClaim
			.claim(model))
		{
			// the first run, in its write step: curve placed, model staged
			Files.writeString(csv, "first run's curve");
			Path staged = dir.resolve(".out.onnx.0123abcd.tmp.onnx");
			Files.writeString(staged, "first run's model");
			second = new Thread(() -> {
				try {
					out.write(mine, Path.of("in.onnx"), "", false, List.of(o -> o.write(
						"second run's curve".getBytes())));
				}
				catch (GanException e) {
					refused[0] = e;
				}
			});
			second.start();
			for (int i = 0; i < 500 && second.getState() != Thread.State.WAITING &&
				second.isAlive(); i++)
				Thread.sleep(10);
			assertTrue(Files.exists(staged), "the live run's staged model is kept");
			Files.move(staged, model); // the first run places its model
		}
		second.join(10_000);
		assertTrue(refused[0] != null && refused[0].getMessage().contains(
			"already exists"), "refused: " + refused[0]);
		assertEquals("first run's curve", Files.readString(csv));
		assertEquals("first run's model", Files.readString(model));
		try (var left = Files.list(dir)) {
			assertEquals(List.of("out-loss.csv", "out.onnx"), left.map(p -> p
				.getFileName().toString()).sorted().toList(), "no temporary or claim " +
					"file is left");
		}
	}
}
