
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.train.data.Augmentation;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tune reads the model twice, to describe it and, once its data are
 * loaded, to train it: the weights trained are those whose SHA-256 the result
 * records as its base, or the run is refused.
 */
class FineTuneModelChangedTest {

	private static final FineTuneOutput.Hints HINTS = new FineTuneOutput.Hints(
		"replace", "resume", "restart", "replace the model");

	@TempDir
	Path dir;

	/** y = w x + b, its two weights in the file. */
	private Path affine(String name, float w, float b) {
		return OnnxModels.builder().input("x", "N,1,H,W").initializer("w",
			new float[] { w }, 1, 1, 1, 1).initializer("b", new float[] { b }, 1, 1,
				1, 1).node("Mul", "x,w", "xw").node("Add", "xw,b", "y").output("y",
					"N,1,H,W").write(dir, name);
	}

	/** A 6x5 image of values drawn from {@code random}, in [-1, 3). */
	static RasterImage image(Random random, String title) {
		RasterImage image = RasterImage.allocate(6, 5, 1, 1, 1, PixelType.FLOAT32)
			.setTitle(title);
		float[] p = (float[]) image.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = random.nextFloat() * 4 - 1;
		return image;
	}

	/**
	 * The model file replaced (as another run's --replace-input-model does) while
	 * the training data load: the run stops with one line naming the file, before
	 * anything is trained.
	 */
	@Test
	void aModelReplacedWhileTheDataLoadIsRefused() {
		Path model = affine("m.onnx", 0.5f, 0.25f);
		Path other = affine("other.onnx", 2f, -1f);
		String sha = ModelLoader.sha256(model), otherSha = ModelLoader.sha256(
			other);
		Random random = new Random(3);
		RasterImage input = image(random, "a"), target = image(random, "a");
		ImageSource inputs = ImageSource.of(List.of(input));
		// replaces the model as the first input image is read
		ImageSource swapping = new ImageSource() {

			private boolean swapped;

			@Override
			public List<String> names() {
				return inputs.names();
			}

			@Override
			public RasterImage open(String name) {
				if (!swapped) try {
					Files.move(other, model, StandardCopyOption.REPLACE_EXISTING);
					swapped = true;
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
				return inputs.open(name);
			}
		};
		FineTune.Request request = new FineTune.Request(model.toString(), null,
			new DataSource.Pairs(swapping, ImageSource.of(List.of(target))), 1, 0,
			Augmentation.parse("none"), Normalization.parse("none"), 0.0, 0f,
			FineTuneConfig.defaults(1));
		Path out = dir.resolve("tuned.onnx");
		FineTuneOutput output = new FineTuneOutput(out, List.of(), false, false,
			false, HINTS);

		GanException e = assertThrows(GanException.class, () -> FineTune.run(
			request, output, ProgressListener.NONE, new CancellationToken()));
		assertEquals("the model file " + model +
			" changed during the run (its SHA-256 was " + sha.substring(0, 12) +
			"... when the run loaded it, and is " + otherSha.substring(0, 12) +
			"... now); run again to use the new file", e.getMessage());
	}
}
