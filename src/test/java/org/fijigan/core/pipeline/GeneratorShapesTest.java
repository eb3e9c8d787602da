
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generators whose inputs and outputs are shaped as exporters other than
 * PyTorch's shape them: the images they draw, pixel for pixel, or one refusal
 * that names what fiji-gan cannot feed or read.
 */
class GeneratorShapesTest {

	@TempDir
	Path dir;

	ModelDescriptor load(OnnxModels.Builder b, String name) {
		return ModelLoader.load(b.write(dir, name).toString(), ModelOverrides.NONE);
	}

	/** Latent vector {@code i} of {@code count}: {@code 0.01 * (i * dim + k)}. */
	static float[][] latents(int count, int dim) {
		float[][] z = new float[count][dim];
		for (int i = 0; i < count; i++)
			for (int k = 0; k < dim; k++)
				z[i][k] = 0.01f * (i * dim + k);
		return z;
	}

	static RunResult generate(ModelDescriptor m, float[][] latents) {
		return Generator.run(m, new GenerateOptions(latents.length, 0, null, null,
			latents, true, DeviceSpec.CPU, 1), ProgressListener.NONE,
			CancellationToken.none());
	}

	/** Input "z" [N, dim] reshaped to output "image" of {@code shape}. */
	static OnnxModels.Builder reshaping(int dim, String shape, long... to) {
		return OnnxModels.builder().input("z", "N," + dim).constant("shape", to,
			to.length).node("Reshape", "z,shape", "image").output("image", shape);
	}

	/**
	 * A Keras generator's [N, H, W, C] output was read as [N, C, H, W]: a 28x28
	 * grey image came out 1x28 with 28 channels. Read channels-last, each pixel
	 * is the latent value the reshape puts there.
	 */
	@Test
	void aChannelsLastOutputGivesImagesOfItsHeightWidthAndChannels() {
		for (int c : new int[] { 1, 3 }) {
			int h = 5, w = 6, dim = h * w * c;
			ModelDescriptor m = load(reshaping(dim, "N," + h + "," + w + "," + c, -1,
				h, w, c), "nhwc" + c + ".onnx");
			assertEquals(TensorLayout.BYXC, m.outputLayout());
			assertEquals(c, m.outputChannels());
			float[][] z = latents(2, dim);
			RasterImage img = generate(m, z).image();
			assertEquals(w, img.width());
			assertEquals(h, img.height());
			assertEquals(c, img.logicalChannels());
			assertEquals(2, img.slices());
			for (int i = 0; i < 2; i++)
				for (int ch = 0; ch < c; ch++) {
					float[] p = (float[]) img.plane(ch, i, 0);
					for (int y = 0; y < h; y++)
						for (int x = 0; x < w; x++)
							assertEquals(z[i][(y * w + x) * c + ch], p[y * w + x], 0f,
								"sample " + i + ", channel " + ch + ", " + x + "," + y);
				}
		}
	}

	/**
	 * An MLP generator's flat [N, D] output wrote every sample as a row of every
	 * slice (6 samples of 64 values gave 64x6 images, 6 slices); it is refused
	 * with what fiji-gan takes instead.
	 */
	@Test
	void aFlatOutputIsRefusedAsNoImage() {
		GanException e = assertThrows(GanException.class, () -> load(OnnxModels
			.builder().input("z", "N,64").node("Identity", "z", "flat").output("flat",
				"N,64"), "flat.onnx"));
		assertEquals(
			"generator flat: its output 'flat' [N,64] is one flat vector " +
				"per sample, not an image: fiji-gan takes a generator's images as " +
				"[N,C,H,W] or [N,H,W,C]; export the model with its output reshaped to " +
				"one of these", e.getMessage());
	}
}
