
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.train.data.Augmentation;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.Degradation;
import org.fijigan.core.train.data.ImageSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --degradation makes inputs from clean images; input/target pairs bring their
 * inputs, so the two together are refused before anything is loaded, whether
 * the degradation is the task's own or another.
 */
class PairsRefuseDegradationTest {

	@TempDir
	Path dir;

	@Test
	void aDegradationWithInputTargetPairsIsRefused() {
		RasterImage a = RasterImage.allocate(16, 16, 1, 1, 1, PixelType.FLOAT32)
			.setTitle("a");
		DataSource pairs = new DataSource.Pairs(ImageSource.of(List.of(a)),
			ImageSource.of(List.of(a)));
		FineTuneConfig config = new FineTuneConfig(1, OptimizerConfig.sgd(0.1),
			LossKind.L1, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, null,
			100, false, List.of(), 0, 0);
		for (String spec : List.of("gaussian:0.5", "holes:0.3", "downscale")) {
			GanException e = assertThrows(GanException.class,
				() -> new FineTune.Request(dir.resolve("m.onnx").toString(),
					TaskKind.DENOISE, pairs, 1, 0, Augmentation.parse("none"),
					Normalization.parse("none"), 0.0, 0f, config, Degradation.chosen(null,
						List.of(spec))), spec);
			assertEquals("--degradation makes inputs from clean images; with " +
				"--input-dir and --target-dir the inputs are given: give one or the " +
				"other", e.getMessage());
		}
		// the pairs alone are a request
		new FineTune.Request(dir.resolve("m.onnx").toString(), TaskKind.DENOISE,
			pairs, 1, 0, Augmentation.parse("none"), Normalization.parse("none"), 0.0,
			0f, config, null);
		assertEquals(List.of(), List.of(dir.toFile().list()));
	}
}
