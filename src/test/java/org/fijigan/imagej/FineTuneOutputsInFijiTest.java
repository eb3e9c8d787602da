
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * The Fine-Tune Model dialog guards its outputs as the command line does (the
 * checks live in the engine): an earlier run's checkpoint is not replaced by a
 * run that does not resume, nothing is written into the data folder, and the
 * model being trained is replaced only with 'Replace input model', an existing
 * output model only with 'Overwrite'; each refusal names the dialog's own
 * controls and writes nothing.
 */
class FineTuneOutputsInFijiTest {

	@TempDir
	Path dir;

	private String run(CommandService commands, Map<String, Object> settings)
		throws Exception
	{
		Map<String, Object> inputs = new HashMap<>(Map.of("steps", 2, "batch", 1,
			"patch", 16, "threads", 1, "seed", 5L));
		inputs.putAll(settings);
		FineTuneCommand command = (FineTuneCommand) commands.run(
			FineTuneCommand.class, false, inputs).get().getDelegateObject();
		return command.errorMessage();
	}

	/** A folder "data" of one 32x32 float image. */
	Path oneImage() throws IOException {
		Path data = Files.createDirectories(dir.resolve("data"));
		float[] pixels = new float[32 * 32];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (i * 37 % 101) / 101f;
		assertTrue(new FileSaver(new ImagePlus("img", new FloatProcessor(32, 32,
			pixels))).saveAsTiff(data.resolve("img.tif").toString()));
		return data;
	}

	@Test
	void aModelNamedByItsInstalledNameIsReplacedOnlyWithReplaceInputModel()
		throws Exception
	{
		Path models = Files.createDirectories(dir.resolve("models"));
		Path installed = OnnxModels.conv3x3(1, 1, 3, 2).write(Files
			.createDirectories(models.resolve("mine")), "model.onnx");
		byte[] before = Files.readAllBytes(installed);
		Path data = oneImage();
		org.fijigan.testing.DemoModels.withModelsDir(models, () -> {
			try (Context context = new Context(CommandService.class)) {
				CommandService commands = context.service(CommandService.class);
				Map<String, Object> settings = new HashMap<>(Map.of("model", "mine",
					"data", data.toFile(), "output", installed.toFile(), "task",
					"denoise", "validation", 0.0));
				settings.put("overwrite", true);
				assertEquals("the output " + installed + " is the model being " +
					"fine-tuned (mine): write the fine-tuned model to another file, or " +
					"tick 'Replace input model' to replace it once training has " +
					"finished", run(commands, settings));
				assertArrayEquals(before, Files.readAllBytes(installed));
				settings.put("overwrite", false);
				settings.put("replaceInputModel", true);
				assertNull(run(commands, settings));
				assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(
					installed)), "replaced by the fine-tuned model");
				// another existing file still needs Overwrite
				Path other = Files.writeString(dir.resolve("other.onnx"), "kept");
				settings.put("output", other.toFile());
				assertEquals(other + " already exists; tick Overwrite to replace it",
					run(commands, settings));
				assertEquals("kept", Files.readString(other));
			}
			return null;
		});
	}

	@Test
	void theDialogRefusesWhatTheCommandLineRefuses() throws Exception {
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path data = oneImage();
		Path ck = dir.resolve("ck");
		try (Context context = new Context(CommandService.class)) {
			CommandService commands = context.service(CommandService.class);
			Map<String, Object> common = Map.of("model", model.toString(), "data",
				data.toFile(), "checkpoints", ck.toFile());
			Map<String, Object> first = new HashMap<>(common);
			first.put("output", dir.resolve("a.onnx").toFile());
			assertNull(run(commands, first));
			assertTrue(Files.size(dir.resolve("a.onnx")) > 0);
			byte[] checkpoint = Files.readAllBytes(ck.resolve("checkpoint.fgk"));

			// an existing output model was replaced without asking: no dialog asks
			// before a file field or a macro names one
			byte[] earlier = Files.readAllBytes(dir.resolve("a.onnx"));
			Map<String, Object> again = new HashMap<>(common);
			again.put("output", dir.resolve("a.onnx").toFile());
			again.put("checkpoints", new File(""));
			assertEquals(dir.resolve("a.onnx") + " already exists; tick Overwrite " +
				"to replace it", run(commands, again));
			assertArrayEquals(earlier, Files.readAllBytes(dir.resolve("a.onnx")));
			again.put("overwrite", true);
			again.put("seed", 6L);
			assertNull(run(commands, again));
			assertFalse(java.util.Arrays.equals(earlier, Files.readAllBytes(dir
				.resolve("a.onnx"))), "replaced with Overwrite");

			Map<String, Object> afresh = new HashMap<>(common);
			afresh.put("output", dir.resolve("b.onnx").toFile());
			assertEquals(ck + " holds the checkpoint of an earlier run: tick " +
				"'Resume' to go on from it, or choose an empty checkpoint folder to " +
				"start afresh", run(commands, afresh));

			Map<String, Object> intoData = new HashMap<>(common);
			intoData.put("output", data.resolve("b.onnx").toFile());
			intoData.put("checkpoints", new File(""));
			assertEquals(data.resolve("b.onnx") + " is inside " + data +
				", whose images fine-tune trains on: a later run would train on what " +
				"this one writes there; write it outside the data", run(commands,
					intoData));

			Map<String, Object> overModel = new HashMap<>(common);
			overModel.put("output", model.toFile());
			overModel.put("checkpoints", new File(""));
			assertEquals("the output " + model + " is the model being fine-tuned (" +
				model + "): write the fine-tuned model to another file, or tick " +
				"'Replace input model' to replace it once training has finished", run(
					commands, overModel));

			// Noise2Void's settings without "no clean images", as --n2v-* without
			// --self-supervised n2v
			Map<String, Object> blindSpots = new HashMap<>(common);
			blindSpots.put("output", dir.resolve("b.onnx").toFile());
			blindSpots.put("checkpoints", new File(""));
			blindSpots.put("structLine", "horizontal:5");
			assertEquals("'Masked fraction', 'Neighbourhood' and 'Line mask " +
				"(structN2V)' are for Training data 'no clean images (Noise2Void)': " +
				"choose it, or set them back to 0.016, 5 and none", run(commands,
					blindSpots));

			// Noise2Void with a Targets folder, or for another task than denoising:
			// the message named --data and --self-supervised n2v, flags the dialog
			// does not have
			Map<String, Object> n2vPairs = new HashMap<>(common);
			n2vPairs.put("model", OnnxModels.conv3x3(1, 1, 3, 2).write(dir,
				"den.onnx").toString());
			n2vPairs.put("output", dir.resolve("b.onnx").toFile());
			n2vPairs.put("checkpoints", new File(""));
			n2vPairs.put("targets", data.toFile());
			n2vPairs.put("trainingData", FineTuneCommand.NO_CLEAN_IMAGES);
			assertEquals("self-supervised Noise2Void training learns from noisy " +
				"images alone: give one folder of them ('Data folder'), not " +
				"input/target pairs", run(commands, n2vPairs));
			Map<String, Object> n2vSr = new HashMap<>(common);
			n2vSr.put("output", dir.resolve("b.onnx").toFile());
			n2vSr.put("checkpoints", new File(""));
			n2vSr.put("task", "super-resolution");
			n2vSr.put("trainingData", FineTuneCommand.NO_CLEAN_IMAGES);
			assertEquals("Training data 'no clean images (Noise2Void)' trains " +
				"denoisers: it cannot train with 'Task' super-resolution", run(commands,
					n2vSr));

			// a negative weight or discriminator learning rate was taken as the
			// default; the command line refuses them
			Map<String, Object> negative = new HashMap<>(common);
			negative.put("output", dir.resolve("b.onnx").toFile());
			negative.put("checkpoints", new File(""));
			negative.put("adversarialWeight", -1.0);
			assertEquals("the adversarial weight must be a number >= 0, not -1.0",
				run(commands, negative));
			negative.put("adversarialWeight", 1.0);
			negative.put("discriminatorLr", -0.001);
			assertEquals("'TTUR learning rate' must be a positive number, got -0.001",
				run(commands, negative));

			// a Targets folder without a Data folder trained unpaired on the open
			// images
			Map<String, Object> targetsAlone = new HashMap<>(common);
			targetsAlone.put("data", new File(""));
			targetsAlone.put("targets", data.toFile());
			targetsAlone.put("output", dir.resolve("b.onnx").toFile());
			targetsAlone.put("checkpoints", new File(""));
			assertEquals("a Targets folder holds what the model should output for " +
				"each image of the Data folder: choose the Data folder of inputs too " +
				"(paired training needs it), or leave Targets folder empty", run(
					commands, targetsAlone));

			// a folder named as the output: every step trained, then the rename
			// failed
			Path folder = Files.createDirectories(dir.resolve("v3.onnx"));
			Map<String, Object> intoFolder = new HashMap<>(common);
			intoFolder.put("output", folder.toFile());
			intoFolder.put("checkpoints", new File(""));
			intoFolder.put("overwrite", true);
			intoFolder.put("steps", 200);
			assertEquals(folder + " is a folder: the fine-tuned model and its loss " +
				"curve are written to files; choose another name", run(commands,
					intoFolder));
			try (var s = Files.list(folder)) {
				assertEquals(0, s.count());
			}

			// the flags the engine's messages name have the dialog's labels: a
			// model that has no self-supervised task named --input-dir and
			// --target-dir
			assertEquals(FieldNames.inFiji("x --input-dir and --target-dir " +
				"--no-ema-warmup --degradation --freeze"), "x 'Data folder' and " +
					"'Targets folder' 'Constant EMA decay' 'Degradation' 'Freeze'");

			assertArrayEquals(checkpoint, Files.readAllBytes(ck.resolve(
				"checkpoint.fgk")));
			assertFalse(Files.exists(dir.resolve("b.onnx")) || Files.exists(data
				.resolve("b.onnx")));
		}
	}
}
