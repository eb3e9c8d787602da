
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/**
 * Plugins > GAN > Fine-Tune Model... from macro options, headless, through the
 * ImageJ 1 bridge: a denoiser, and a conditional generator with the
 * discriminator's stabilisers.
 */
class FineTuneFromMacroTest {

	@TempDir
	Path dir;

	/**
	 * A folder "data" of {@code count} 24x24 float images: cosine rows with a
	 * little seeded noise.
	 */
	Path cosines(int count) throws IOException {
		Path data = Files.createDirectories(dir.resolve("data"));
		Random r = new Random(8);
		for (int k = 0; k < count; k++) {
			float[] v = new float[24 * 24];
			for (int i = 0; i < v.length; i++)
				v[i] = (float) Math.cos(i / 24 / 4.0 + k) + r.nextFloat() * 0.05f;
			assertTrue(new FileSaver(new ImagePlus("i" + k, new FloatProcessor(24, 24,
				v))).saveAsTiff(data.resolve("i" + k + ".tif").toString()));
		}
		return data;
	}

	@Test
	void fineTuneRunsFromMacroOptionsAndWritesALoadableModel()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "den.onnx");
		Path data = cosines(3);
		Path out = dir.resolve("tuned.onnx");
		MacroRun.plugIn("fine-tune", "model=[" + model + "] data=[" + data +
			"] output=[" + out +
			"] task=denoise steps=3 batch=2 patch=16 learning=0.01 seed=5 device=cpu threads=1");
		assertTrue(Files.isRegularFile(out), "the fine-tuned model was written");
		assertLoadableAndTrained(model, out);

		// an existing file named as the output was replaced: kept now, and
		// replaced with the overwrite key
		Path precious = Files.writeString(dir.resolve("precious.onnx"),
			"PRECIOUS RESULT OF LAST WEEK");
		String options = "model=[" + model + "] data=[" + data + "] output=[" +
			precious +
			"] task=denoise steps=2 batch=2 patch=16 learning=0.01 seed=5 device=cpu threads=1";
		MacroRun.plugIn("fine-tune", options);
		assertEquals("PRECIOUS RESULT OF LAST WEEK", Files.readString(precious));
		MacroRun.plugIn("fine-tune", options + " overwrite");
		assertLoadableAndTrained(model, precious);
	}

	@Test
	void fineTuneWritesTheLossCurveBesideTheModelAsTheCommandLineDoes()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "den.onnx");
		Path data = cosines(2);
		Path out = dir.resolve("tuned.onnx");
		// an earlier run's curve of 5 steps, replaced with the model
		Files.writeString(dir.resolve("tuned-loss.csv"), "step,loss\n1,1\n2,1\n" +
			"3,1\n4,1\n5,1\n");
		Files.writeString(out, "an earlier model");
		MacroRun.plugIn("fine-tune", "model=[" + model + "] data=[" + data +
			"] output=[" + out + "] task=denoise steps=2 batch=1 patch=16 " +
			"validation=0 seed=9 device=cpu threads=1 overwrite");
		assertLoadableAndTrained(model, out);
		var csv = Files.readAllLines(dir.resolve("tuned-loss.csv"));
		assertEquals(String.join(",",
			org.fijigan.core.train.Trainer.HISTORY_COLUMNS), csv.get(0));
		assertEquals(3, csv.size(), "a header and one row per step: " + csv);
		assertTrue(csv.get(2).startsWith("2,"), csv.get(2));
		byte[] png = Files.readAllBytes(dir.resolve("tuned-loss.png"));
		assertEquals("PNG", new String(png, 1, 3,
			java.nio.charset.StandardCharsets.US_ASCII));
	}

	/** Three 24x24 images in the folder {@code data}, seeded. */
	private Path denoiserData() throws IOException {
		Path data = cosines(3);
		return data;
	}

	@Test
	void normalizeTakesTheParameterisedFormsTheCommandLineTakes()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "den.onnx");
		Path data = denoiserData();
		Path out = dir.resolve("ranged.onnx");
		MacroRun.plugIn("fine-tune", "model=[" + model + "] data=[" + data +
			"] output=[" + out + "] task=denoise normalize=[range:0,2] steps=1 " +
			"batch=1 patch=16 validation=0 seed=9 device=cpu threads=1");
		var d = assertLoadableAndTrained(model, out);
		assertEquals(org.fijigan.core.image.Normalization.parse("range:0,2")
			.describe(), d.graph().metadata().get(ModelLoader.META_NORMALIZATION));
	}

	@Test
	void theCommandLinesTrainingOptionsAreFieldsOfTheDialog() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "den.onnx");
		Path data = denoiserData();
		Path out = dir.resolve("options.onnx");
		MacroRun.plugIn("fine-tune", "model=[" + model + "] data=[" + data +
			"] output=[" + out + "] task=denoise degradation=[gaussian:0.05..0.1] " +
			"schedule=cosine freeze=[^w0$,^b0$] checkpoint=[" + dir.resolve("ck") +
			"] interval=1 steps=2 batch=1 patch=16 validation=0.34 learning=0.01 " +
			"seed=9 device=cpu threads=1");
		var d = assertLoadableAndTrained(model, out);
		assertTrue(d.graph().metadata().get("fiji-gan.fine_tune.optimizer")
			.endsWith(" cosine"), d.graph().metadata().toString());
		String trainedOn = d.graph().metadata().get("fiji-gan.fine_tune.data");
		assertTrue(trainedOn.endsWith("Gaussian noise sigma 0.05..0.1"), trainedOn);
		var before = initializers(model);
		var after = initializers(out);
		assertEquals(before.get("w0"), after.get("w0"), "frozen");
		assertEquals(before.get("b0"), after.get("b0"), "frozen");
		assertNotEquals(before.get("w1"), after.get("w1"), "trained");
		// validated at the end only, as the command line does by default
		var csv = Files.readAllLines(dir.resolve("options-loss.csv"));
		assertEquals(3, csv.size(), csv.toString());
		assertTrue(csv.get(1).split(",", -1)[4].isEmpty(), csv.get(1));
		assertFalse(csv.get(2).split(",", -1)[4].isEmpty(), csv.get(2));
	}

	private static java.util.Map<String, com.google.protobuf.ByteString>
		initializers(Path onnx) throws IOException
	{
		java.util.Map<String, com.google.protobuf.ByteString> m =
			new java.util.HashMap<>();
		for (var t : ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(
			onnx)).getGraph().getInitializerList())
			m.put(t.getName(), t.toByteString());
		return m;
	}

	@Test
	void theOpenPlotsAreNoTrainingImages() {
		ImagePlus cells = new ImagePlus("cells", new FloatProcessor(16, 16));
		ImagePlus plot = new ij.gui.Plot("fiji-gan loss", "step", "loss",
			new double[] { 1, 2, 3 }, new double[] { 0.3, 0.2, 0.1 }).getImagePlus();
		assertEquals(List.of("cells"), FineTuneCommand.trainingImages(List.of(cells,
			plot)).names());
		assertEquals("no data: choose a data folder or open the images to train " +
			"on (the open plots are not training images)", assertThrows(
				org.fijigan.core.GanException.class, () -> FineTuneCommand
					.trainingImages(List.of(plot))).getMessage());
	}

	@Test
	void aGeneratorFineTunesWithStabilisersFromMacroOptions() throws IOException {
		Path model = OnnxModels.generator(8, 2, 16, 16).metadata(
			"fiji-gan.class_names", "cells,nuclei").write(dir, "gen.onnx");
		Random r = new Random(9);
		for (String c : new String[] { "cells", "nuclei" }) {
			Path folder = Files.createDirectories(dir.resolve("data").resolve(c));
			for (int k = 0; k < 2; k++) {
				float[] v = new float[16 * 16];
				for (int i = 0; i < v.length; i++)
					v[i] = (float) Math.sin(i / 16 / 3.0 + k) + r.nextFloat() * 0.1f;
				assertTrue(new FileSaver(new ImagePlus(c + k, new FloatProcessor(16, 16,
					v))).saveAsTiff(folder.resolve(c + k + ".tif").toString()));
			}
		}
		Path out = dir.resolve("gen-tuned.onnx");
		MacroRun.plugIn("fine-tune", "model=[" + model + "] data=[" + dir.resolve(
			"data") + "] output=[" + out +
			"] task=generate steps=2 batch=4 patch=0 augment=none learning=0.001 adversarial=1 gan=hinge " +
			"discriminator=sngan width=8 spectral diffaugment=[translation,cutout] minibatch " +
			"ttur=0.004 updates=2 adam=[0,0.9] ema=0.9 seed=5 validation=0 device=cpu threads=1");
		assertTrue(Files.isRegularFile(out),
			"the fine-tuned generator was written");
		var d = assertLoadableAndTrained(model, out);
		assertEquals(
			"sngan width 8, spectral norm, minibatch std, diff-augment translation,cutout, " +
				"d-lr 0.004, d-steps 2", d.graph().metadata().get(
					"fiji-gan.fine_tune.discriminator"));
		assertEquals("0.0,0.9", d.graph().metadata().get(
			"fiji-gan.fine_tune.adam_betas"));
		assertEquals("0.9 with warm-up min(decay, (1 + t) / (10 + t))", d.graph()
			.metadata().get("fiji-gan.fine_tune.ema"));
	}

	private org.fijigan.core.model.ModelDescriptor assertLoadableAndTrained(
		Path model, Path out) throws IOException
	{
		var d = ModelLoader.load(out.toString(), ModelOverrides.NONE);
		assertEquals("fiji-gan.fine_tune.base_sha256", d.graph().metadata().keySet()
			.stream().filter(k -> k.endsWith("base_sha256")).findFirst()
			.orElseThrow());
		assertNotEquals(ModelLoader.sha256(model), d.sha256(), "weights changed");
		try (var s = Files.list(dir)) {
			assertFalse(s.anyMatch(p -> AtomicFile.targetOfTemporary(p.getFileName()
				.toString()) != null), "no temp files left");
		}
		return d;
	}

	@Test
	void noCleanImagesTrainsADenoiserOnNoisyImagesAloneFromAMacro()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "den.onnx");
		Path data = Files.createDirectories(dir.resolve("noisy"));
		Random r = new Random(9);
		// 16-bit, as a camera writes them: a grey image and a 2-channel one, whose
		// channels the 1-channel model trains on apart
		ij.ImageStack stack = new ij.ImageStack(32, 32);
		for (int k = 0; k < 3; k++) {
			short[] v = new short[32 * 32];
			for (int i = 0; i < v.length; i++)
				v[i] = (short) (1000 + 400 * Math.sin(i % 32 / 5.0 + k) + 60 * r
					.nextGaussian());
			stack.addSlice(new ij.process.ShortProcessor(32, 32, v, null));
		}
		assertTrue(new FileSaver(new ImagePlus("n0", stack.getProcessor(1)))
			.saveAsTiff(data.resolve("n0.tif").toString()));
		ij.ImageStack two = new ij.ImageStack(32, 32);
		two.addSlice(stack.getProcessor(2));
		two.addSlice(stack.getProcessor(3));
		ImagePlus hyper = new ImagePlus("n1", two);
		hyper.setDimensions(2, 1, 1);
		assertTrue(new FileSaver(hyper).saveAsTiffStack(data.resolve("n1.tif")
			.toString()));
		Path out = dir.resolve("n2v.onnx");
		MacroRun.plugIn("fine-tune", "model=[" + model + "] data=[" + data +
			"] output=[" + out +
			"] task=denoise training=[no clean images (Noise2Void)] masked=0.04 neighbourhood=5 " +
			"line=horizontal:3 steps=3 batch=2 patch=16 learning=0.01 seed=5 device=cpu threads=1");
		assertTrue(Files.isRegularFile(out), "the fine-tuned model was written");
		var d = ModelLoader.load(out.toString(), ModelOverrides.NONE);
		String trainedOn = d.graph().metadata().get("fiji-gan.fine_tune.data");
		assertTrue(trainedOn.contains(
			"Noise2Void blind spots: one pixel in every 5x5") && trainedOn.contains(
				"structN2V line horizontal:3"), trainedOn);
		assertTrue(trainedOn.startsWith("2 images: 1 for training, 1 for " +
			"validation (1 and 2 planes)"), trainedOn);
		assertEquals("l2", d.graph().metadata().get("fiji-gan.fine_tune.loss"),
			"auto is l2 for Noise2Void");
		assertNotEquals(ModelLoader.sha256(model), d.sha256(), "weights changed");
	}
}
