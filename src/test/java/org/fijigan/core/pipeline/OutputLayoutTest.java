
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models whose output is laid out otherwise than their input: channels-first in
 * and channels-last out, as tf2onnx's {@code --inputs-as-nchw} exports a Keras
 * model, and the reverse.
 */
class OutputLayoutTest {

	@TempDir
	Path dir;

	/** The seeded weights of a 3x3 convolution of 3 channels to 3. */
	static float[] weights() {
		return OnnxModels.randomFloats(new Random(5), 3 * 3 * 9, 0.3f);
	}

	/**
	 * A 3x3 convolution (padding 1) from input "x" of {@code in} to output "y" of
	 * {@code out}, "NCHW" or "NHWC", with transposes where a layout is
	 * channels-last.
	 */
	static OnnxModels.Builder conv(String in, String out) {
		boolean inLast = in.equals("NHWC"), outLast = out.equals("NHWC");
		OnnxModels.Builder b = OnnxModels.builder().input("x", inLast ? "N,H,W,3"
			: "N,3,H,W").initializer("w", weights(), 3, 3, 3, 3);
		if (inLast) b.node("Transpose", "x", "xt", OnnxModels.attrInts("perm", 0, 3,
			1, 2));
		b.node("Conv", (inLast ? "xt" : "x") + ",w", outLast ? "c" : "y", OnnxModels
			.attrInts("pads", 1, 1, 1, 1));
		if (outLast) b.node("Transpose", "c", "y", OnnxModels.attrInts("perm", 0, 2,
			3, 1));
		return b.output("y", outLast ? "N,H,W,3" : "N,3,H,W");
	}

	ModelDescriptor load(OnnxModels.Builder b, String name) {
		return ModelLoader.load(b.write(dir, name).toString(), ModelOverrides.NONE);
	}

	/**
	 * The output's layout was taken to be the input's: run, a 50x40 image came
	 * back "3x50, not scaled alike" (its width read as its channels), and info
	 * gave a probed scale of 0.09375. The graph says where the output's axes are:
	 * scale 1, tiles exact, and the result is the plain channels-first model's,
	 * untiled and tiled.
	 */
	@Test
	void anOutputLaidOutOtherwiseThanItsInputIsReadInItsOwnLayout() {
		ModelDescriptor plain = load(conv("NCHW", "NCHW"), "plain.onnx");
		RasterImage img = ImageToImageTest.randomFloat(50, 40, 3, 1, 1, 8);
		RasterImage expected = ImageToImageTest.run(plain, img,
			ImageToImageTest.RAW).image();
		for (String[] layouts : new String[][] { { "NCHW", "NHWC" }, { "NHWC",
			"NCHW" } })
		{
			ModelDescriptor m = load(conv(layouts[0], layouts[1]), layouts[0] + "-" +
				layouts[1] + ".onnx");
			String which = layouts[0] + " in, " + layouts[1] + " out";
			assertEquals(layouts[1].equals("NHWC") ? TensorLayout.BYXC
				: TensorLayout.BCYX, m.outputLayout(), which);
			assertEquals(1.0, m.scale(), which);
			assertEquals("graph", m.origins().get("scale"), which);
			assertEquals(List.of(), m.wholeImageOps(), which);
			assertEquals(1, m.haloPixels(), which);
			for (int tile : new int[] { InferenceOptions.NO_TILING, 16 }) {
				RunResult r = ImageToImageTest.run(m, img, ImageToImageTest.RAW
					.withTileSize(tile));
				assertTrue(tile < 0 || r.report().tilesPerPlane() > 4);
				assertEquals(0f, ImageToImageTest.maxAbsDiff(expected, r.image()),
					1e-5f, which + ", --tile " + tile);
			}
		}
	}
}
