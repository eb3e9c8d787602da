package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.Macro;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/** Plugins > GAN > Fine-Tune Model... from macro options, headless, through the ImageJ 1 bridge. */
class FineTuneFromMacroTest {
	@TempDir
	Path dir;

	/** Runs Fine-Tune Model as a macro's run() call does: the options on a thread named Run$_. */
	static void runFromMacro(String options) {
		Thread thread = Thread.currentThread();
		String name = thread.getName();
		thread.setName("Run$_" + name);
		Macro.setOptions(options);
		try {
			new GanPlugIn().run("fine-tune");
		}
		finally {
			Macro.setOptions(null);
			thread.setName(name);
		}
	}

	@Test
	void fineTuneRunsFromMacroOptionsAndWritesALoadableModel() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "den.onnx");
		Path data = Files.createDirectories(dir.resolve("data"));
		Random r = new Random(8);
		for (int k = 0; k < 3; k++) {
			float[] v = new float[24 * 24];
			for (int i = 0; i < v.length; i++)
				v[i] = (float) Math.cos(i / 24 / 4.0 + k) + r.nextFloat() * 0.05f;
			assertTrue(new FileSaver(new ImagePlus("i" + k, new FloatProcessor(24, 24, v))).saveAsTiff(data
				.resolve("i" + k + ".tif").toString()));
		}
		Path out = dir.resolve("tuned.onnx");
		runFromMacro("model=[" + model + "] data=[" + data + "] output=[" + out +
			"] task=denoise steps=3 batch=2 patch=16 learning=0.01 seed=5 device=cpu threads=1");
		assertTrue(Files.isRegularFile(out), "the fine-tuned model was written");
		var d = ModelLoader.load(out.toString(), ModelOverrides.NONE);
		assertEquals("fiji-gan.fine_tune.base_sha256", d.graph().metadata().keySet().stream().filter(k -> k
			.endsWith("base_sha256")).findFirst().orElseThrow());
		assertNotEquals(ModelLoader.sha256(model), d.sha256(), "weights changed");
		try (var s = Files.list(dir)) {
			assertFalse(s.anyMatch(p -> AtomicFile.targetOfTemporary(p.getFileName().toString()) != null),
				"no temp files left");
		}
	}

	@Test
	void noCleanImagesTrainsADenoiserOnNoisyImagesAloneFromAMacro() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "den.onnx");
		Path data = Files.createDirectories(dir.resolve("noisy"));
		Random r = new Random(9);
		for (int k = 0; k < 2; k++) {
			short[] v = new short[32 * 32]; // 16-bit, as a camera writes them
			for (int i = 0; i < v.length; i++)
				v[i] = (short) (1000 + 400 * Math.sin(i % 32 / 5.0 + k) + 60 * r.nextGaussian());
			assertTrue(new FileSaver(new ImagePlus("n" + k, new ij.process.ShortProcessor(32, 32, v, null)))
				.saveAsTiff(data.resolve("n" + k + ".tif").toString()));
		}
		Path out = dir.resolve("n2v.onnx");
		runFromMacro("model=[" + model + "] data=[" + data + "] output=[" + out +
			"] task=denoise training=[no clean images (Noise2Void)] masked=0.04 neighbourhood=5 " +
			"line=horizontal:3 steps=3 batch=2 patch=16 learning=0.01 seed=5 device=cpu threads=1");
		assertTrue(Files.isRegularFile(out), "the fine-tuned model was written");
		var d = ModelLoader.load(out.toString(), ModelOverrides.NONE);
		String trainedOn = d.graph().metadata().get("fiji-gan.fine_tune.data");
		assertTrue(trainedOn.contains("Noise2Void blind spots: one pixel in every 5x5") && trainedOn
			.contains("structN2V line horizontal:3"), trainedOn);
		assertEquals("l2", d.graph().metadata().get("fiji-gan.fine_tune.loss"), "auto is l2 for Noise2Void");
		assertNotEquals(ModelLoader.sha256(model), d.sha256(), "weights changed");
	}
}
