
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.train.data.Augmentation;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.Degradation;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With --normalize none, validation PSNR and SSIM take the validation targets'
 * range as their peak, and a note says so; a Noise2Void run reports neither
 * (its targets are the noisy images), and says nothing of their peak.
 */
class FineTuneRawValuesNoteTest {

	private static final FineTuneOutput.Hints HINTS = new FineTuneOutput.Hints(
		"replace", "resume", "restart", "replace the model");

	@TempDir
	Path dir;

	/** 16x16 images of values 100..1100, drawn with {@code seed}. */
	private static List<RasterImage> images(long seed) {
		Random random = new Random(seed);
		RasterImage a = RasterImage.allocate(16, 16, 1, 1, 1, PixelType.FLOAT32)
			.setTitle("a"), b = RasterImage.allocate(16, 16, 1, 1, 1,
				PixelType.FLOAT32).setTitle("b");
		for (RasterImage image : List.of(a, b)) {
			float[] p = (float[]) image.plane(0);
			for (int i = 0; i < p.length; i++)
				p[i] = 100 + 1000 * random.nextFloat();
		}
		return List.of(a, b);
	}

	private List<String> notes(DataSource data, Degradation degradation) {
		Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer("w",
			new float[] { 0.5f }, 1, 1, 1, 1).node("Mul", "x,w", "y").output("y",
				"N,1,H,W").write(dir, "m.onnx");
		FineTuneConfig config = new FineTuneConfig(1, OptimizerConfig.adam(1e-3),
			null, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, null, 100,
			false, List.of(), 0, 1);
		FineTune.Request request = new FineTune.Request(model.toString(),
			TaskKind.DENOISE, data, 1, 0, Augmentation.parse("none"), Normalization
				.parse("none"), 0.5, 0f, config, degradation);
		return FineTune.run(request, new FineTuneOutput(dir.resolve("out.onnx"),
			List.of(), false, false, false, HINTS), ProgressListener.NONE,
			new CancellationToken()).notes().stream().filter(n -> n.contains("PSNR"))
			.toList();
	}

	@Test
	void aNoise2VoidRunSaysNothingOfAPeakItDoesNotUse() {
		assertEquals(List.of(), notes(new DataSource.Images(ImageSource.of(images(
			3))), Degradation.BlindSpot.defaults()));
	}

	@Test
	void aRunOnTargetsSaysWhichPeakItsPsnrTakes() {
		List<RasterImage> inputs = images(3), targets = images(4);
		List<String> said = notes(new DataSource.Pairs(ImageSource.of(inputs),
			ImageSource.of(targets)), null);
		assertEquals(1, said.size(), said.toString());
		assertEquals(true, said.get(0).startsWith("--normalize none: validation " +
			"PSNR and SSIM take the validation targets' range of values ("), said.get(
				0));
	}
}
