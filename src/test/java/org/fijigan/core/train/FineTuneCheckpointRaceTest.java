
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.train.data.Augmentation;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that does not resume and may not start afresh over an earlier run's
 * checkpoint is refused when one is there, also when that run finished while
 * this one loaded its model and data, after the checks made before loading.
 */
class FineTuneCheckpointRaceTest {

	@TempDir
	Path dir;

	/**
	 * Another run into the same checkpoint folder finishes (its checkpoint
	 * written, its lock released) as this run's first training image is read:
	 * this run is refused as it would be had it started after it, and the
	 * checkpoint stays that run's.
	 */
	@Test
	void aCheckpointWrittenWhileTheDataLoadIsNotStartedOver() throws IOException {
		Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer("w",
			new float[] { 0.5f }, 1, 1, 1, 1).node("Mul", "x,w", "y").output("y",
				"N,1,H,W").write(dir, "m.onnx");
		Path ck = dir.resolve("ck");
		byte[] earlier = "the earlier run's checkpoint".getBytes();
		Random random = new Random(5);
		RasterImage input = FineTuneModelChangedTest.image(random, "a"), target =
			FineTuneModelChangedTest.image(random, "a");
		ImageSource inputs = ImageSource.of(List.of(input));
		// the other run finishes as the first input image is read
		ImageSource finishing = new ImageSource() {

			@Override
			public List<String> names() {
				return inputs.names();
			}

			@Override
			public RasterImage open(String name) {
				try {
					if (!Files.exists(ck.resolve(Checkpoint.FILE))) Files.write(Files
						.createDirectories(ck).resolve(Checkpoint.FILE), earlier);
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
				return inputs.open(name);
			}
		};
		FineTuneConfig config = new FineTuneConfig(2, OptimizerConfig.adam(1e-2),
			LossKind.L2, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, ck,
			1, false, List.of(), 0, 0);
		FineTune.Request request = new FineTune.Request(model.toString(), null,
			new DataSource.Pairs(finishing, ImageSource.of(List.of(target))), 1, 0,
			Augmentation.parse("none"), Normalization.parse("none"), 0.0, 0f, config);
		FineTuneOutput output = new FineTuneOutput(dir.resolve("tuned.onnx"), List
			.of(), false, false, false, FineTuneOutputTest.HINTS);

		GanException e = assertThrows(GanException.class, () -> FineTune.run(
			request, output, ProgressListener.NONE, new CancellationToken()));
		assertEquals(ck + " holds the checkpoint of an earlier run: resume, or " +
			"restart", e.getMessage());
		assertEquals(new String(earlier), Files.readString(ck.resolve(
			Checkpoint.FILE)));
	}
}
