
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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
	 * A channels-last output exported with every axis open ([N,?,?,?], as
	 * PyTorch's dynamic axes declare a reshape's output) was read as bcyx from
	 * its declared shape: a 16x12 grey sample came out 1 pixel wide with 16
	 * channels. Its layout is read from the shape of the samples, so it is the
	 * image the same model with fixed axes gives, pixel for pixel; info says the
	 * layout is decided at run time.
	 */
	@Test
	void aChannelsLastOutputWithOpenAxesIsReadFromTheShapeOfItsSamples() {
		int h = 16, w = 12, dim = h * w;
		ModelDescriptor m = load(reshaping(dim, "N,H,W,C", -1, h, w, 1),
			"nhwc_open.onnx");
		float[][] z = latents(2, dim);
		RunResult r = generate(m, z);
		RasterImage img = r.image();
		assertEquals(w, img.width());
		assertEquals(h, img.height());
		assertEquals(1, img.logicalChannels());
		assertEquals(2, img.slices());
		assertTrue(m.outputLayoutAtRunTime());
		assertEquals(-1, m.outputChannels());
		for (int i = 0; i < 2; i++) {
			float[] p = (float[]) img.plane(0, i, 0);
			for (int k = 0; k < dim; k++)
				assertEquals(z[i][k], p[k], 0f, "sample " + i + ", pixel " + k);
		}
		assertTrue(r.report().notes().contains("the generator's output " +
			"[N,H,W,C] leaves its layout open: read as byxc from the shape of its " +
			"samples [2,16,12,1]"), r.report().notes().toString());
		assertTrue(ModelLoader.report(m, null).text().contains(
			"axes decided at run " + "time from the shape of the samples"),
			ModelLoader.report(m, null).text());
		// channels first with open axes: still bcyx, 3 channels of 4x5
		ModelDescriptor rgb = load(reshaping(60, "N,C,H,W", -1, 3, 4, 5),
			"nchw_open.onnx");
		RasterImage three = generate(rgb, latents(1, 60)).image();
		assertEquals(5, three.width());
		assertEquals(4, three.height());
		assertEquals(3, three.logicalChannels());
		// a fixed channel axis of 1 first tells the layout: its channels stay known
		ModelDescriptor grey = load(reshaping(20, "N,1,H,W", -1, 1, 4, 5),
			"grey_open.onnx");
		assertFalse(grey.outputLayoutAtRunTime());
		assertEquals(1, grey.outputChannels());
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

	/** Row {@code c} of a 3-class table of 8 values: {@code c + 0.1 * k}. */
	static float[] table() {
		float[] t = new float[3 * 8];
		for (int c = 0; c < 3; c++)
			for (int k = 0; k < 8; k++)
				t[c * 8 + k] = c + 0.1f * k;
		return t;
	}

	static RunResult generate(ModelDescriptor m, float[][] latents,
		long[] labels)
	{
		return Generator.run(m, new GenerateOptions(latents.length, 0, null, labels,
			latents, true, DeviceSpec.CPU, 1), ProgressListener.NONE,
			CancellationToken.none());
	}

	/**
	 * Sample {@code i} of a conditional generator whose image is its latent plus
	 * the table row of its class ({@link #table()}), as [N, 1, 2, 4].
	 */
	static void assertConditioned(RasterImage img, float[][] z, long[] labels) {
		float[] t = table();
		for (int i = 0; i < z.length; i++) {
			float[] p = (float[]) img.plane(0, i, 0);
			for (int k = 0; k < 8; k++)
				assertEquals(z[i][k] + t[(int) labels[i] * 8 + k], p[k], 1e-6f,
					"sample " + i + ", pixel " + k);
		}
	}

	/**
	 * A class label declared [N, 1] (Keras's {@code Input(shape=(1,))}) was fed
	 * as [N], and ONNX Runtime refused it ("Invalid rank for input: label Got: 1
	 * Expected: 2"); it is fed in the rank the model declares.
	 */
	@Test
	void aClassLabelDeclaredNBy1IsFedInThatRank() {
		ModelDescriptor m = load(OnnxModels.labelColumnGenerator(table()),
			"label-n1.onnx");
		assertEquals(3, m.generator().classCount());
		assertEquals(List.of(-1L, 1L), Arrays.stream(m.generator().classShape())
			.boxed().toList());
		float[][] z = latents(4, 8);
		long[] labels = { 2, 0, 1, 2 };
		assertConditioned(generate(m, z, labels).image(), z, labels);
	}

	/**
	 * A generator conditioned by a one-hot float vector {@code [N, 3]} beside its
	 * latent {@code [N, 8]}: "unconditional" with the one-hot never fed ("Missing
	 * Input: onehot"), or, declared first, fed as the latent. Named for a class,
	 * it is the class input, in either order, and each sample gets its class's
	 * row; two float inputs that do not say which is the class are refused.
	 */
	@Test
	void aOneHotClassInputIsFedAsOneHotWhicheverOrder() {
		for (String name : new String[] { "onehot", "y_class" }) {
			for (boolean first : new boolean[] { false, true }) {
				OnnxModels.Builder b = OnnxModels.builder();
				if (first) b.input(name, "N,3").input("z", "N,8");
				else b.input("z", "N,8").input(name, "N,3");
				ModelDescriptor m = load(b.initializer("table", table(), 3, 8).node(
					"MatMul", name + ",table", "embedded").node("Add", "z,embedded",
						"sum").constant("shape", new long[] { -1, 1, 2, 4 }, 4).node(
							"Reshape", "sum,shape", "image").output("image", "N,1,2,4"),
					name + first + ".onnx");
				assertEquals("z", m.generator().latentInput());
				assertEquals(name, m.generator().classInput());
				assertTrue(m.generator().oneHotClass());
				assertEquals(3, m.generator().classCount());
				float[][] z = latents(5, 8);
				long[] labels = { 1, 2, 0, 0, 2 };
				assertConditioned(generate(m, z, labels).image(), z, labels);
				// without labels, sample i draws class i mod 3
				assertConditioned(generate(m, z, null).image(), z, new long[] { 0, 1, 2,
					0, 1 });
			}
		}
		GanException e = assertThrows(GanException.class, () -> load(OnnxModels
			.builder().input("a", "N,8").input("b", "N,3").initializer("table",
				table(), 3, 8).node("MatMul", "b,table", "embedded").node("Add",
					"a,embedded", "sum").constant("shape", new long[] { -1, 1, 2, 4 }, 4)
			.node("Reshape", "sum,shape", "image").output("image", "N,1,2,4"),
			"ab.onnx"));
		assertEquals("generator ab has 2 float inputs that could each be its " +
			"latent vector (inputs: a float[N,8], b float[N,3]): fiji-gan feeds one " +
			"latent vector and at most one class input, an integer label or a " +
			"one-hot float vector [N, K] whose name says class, label or onehot", e
				.getMessage());
	}

	/**
	 * A generator that makes its integer label one-hot itself, as PyTorch exports
	 * {@code F.one_hot(label, 3)}, had an unknown number of classes:
	 * {@code --class 7} drew images of no class (an all-zero one-hot) labelled
	 * class=7. The OneHot's constant depth, reached through a Squeeze, gives its
	 * 3 classes: they are taken in turn, each image the one the same weights give
	 * a label looked up in a table, and class 3 is refused.
	 */
	@Test
	void aOneHotOfConstantDepthInTheGraphGivesTheClassCount() {
		ModelDescriptor m = load(OnnxModels.generator(8, 3, 2, 4, "one-hot op"),
			"onehot-op.onnx");
		ModelDescriptor table = load(OnnxModels.generator(8, 3, 2, 4, "N"),
			"table.onnx");
		assertEquals(3, m.generator().classCount());
		assertFalse(m.generator().oneHotClass());
		float[][] z = latents(4, 8);
		RasterImage drawn = generate(m, z, null).image();
		RasterImage expected = generate(table, z, new long[] { 0, 1, 2, 0 })
			.image();
		for (int i = 0; i < 4; i++)
			assertArrayEquals((float[]) expected.plane(0, i, 0), (float[]) drawn
				.plane(0, i, 0), 1e-6f, "sample " + i);
		GanException e = assertThrows(GanException.class, () -> generate(m, latents(
			1, 8), new long[] { 3 }));
		assertEquals("class 3 is out of range: the model has classes 0..2", e
			.getMessage());
		// names fewer than the depth (a slot of no class beyond them) name the
		// classes, as before the depth was read; more are refused
		ModelDescriptor named = load(OnnxModels.generator(8, 3, 2, 4, "one-hot op")
			.metadata("fiji-gan.class_names", "a,b"), "named.onnx");
		assertEquals(2, named.generator().classCount());
		assertEquals(List.of("a", "b"), named.generator().classNames());
		e = assertThrows(GanException.class, () -> load(OnnxModels.generator(8, 3,
			2, 4, "one-hot op").metadata("fiji-gan.class_names", "a,b,c,d"),
			"four.onnx"));
		assertEquals("generator four names 4 classes, but its class input " +
			"'label' indexes a table of 3", e.getMessage());
	}

	/**
	 * A generator whose graph hides its class count (here image = latent + label)
	 * takes any class from 0, and a negative one was refused as "the model has
	 * classes 0..-1".
	 */
	@Test
	void aNegativeClassOfAModelOfUnknownClassCountIsRefusedWithoutARange() {
		ModelDescriptor m = load(OnnxModels.builder().input("z", "N,8").input(
			"label", OnnxModels.INT64, "N").node("Cast", "label", "labelFloat",
				OnnxModels.attrInt("to", OnnxModels.FLOAT)).constant("axes",
					new long[] { 1 }, 1).node("Unsqueeze", "labelFloat,axes", "column")
			.node("Add", "z,column", "sum").constant("shape", new long[] { -1, 1, 2,
				4 }, 4).node("Reshape", "sum,shape", "image").output("image",
					"N,1,2,4"), "hidden.onnx");
		assertEquals(0, m.generator().classCount());
		float[][] z = latents(1, 8);
		float[] p = (float[]) generate(m, z, new long[] { 5 }).image().plane(0, 0,
			0);
		for (int k = 0; k < 8; k++)
			assertEquals(z[0][k] + 5, p[k], 1e-6f);
		GanException e = assertThrows(GanException.class, () -> generate(m, z,
			new long[] { -1 }));
		assertEquals("class -1 is out of range: class numbers start at 0 " +
			"(the model does not say how many classes it has)", e.getMessage());
	}

	/**
	 * A fixed batch of 2^20 latent vectors of 2^20 values: each axis is within
	 * the bound on one, but the batch's 2^40 values wrapped an int to 0 and the
	 * run failed with an index out of bounds. It is refused before it runs.
	 */
	@Test
	void aFixedLatentBatchBeyondOneTensorIsRefused() {
		ModelDescriptor m = load(OnnxModels.builder().input("z", "1048576,1048576")
			.constant("shape", new long[] { 1048576, 1, 1024, 1024 }, 4).node(
				"Reshape", "z,shape", "image").output("image", "1048576,1,1024,1024"),
			"hugez.onnx");
		GanException e = assertThrows(GanException.class, () -> Generator.run(m,
			new GenerateOptions(1, 7, null, null, null, true, DeviceSpec.CPU, 1),
			ProgressListener.NONE, CancellationToken.none()));
		assertEquals("generator hugez takes a fixed batch of 1048576 latent " +
			"vectors of 1048576 values: one batch of latent vectors is " +
			"1099511627776 values, beyond the 2^31 values one tensor can hold; the " +
			"batch is the model's: export it again with a dynamic batch axis", e
				.getMessage());
	}
}
