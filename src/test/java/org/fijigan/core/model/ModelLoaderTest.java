
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.testing.OnnxModels;
import org.fijigan.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {

	@TempDir
	Path dir;

	@Test
	void plainOnnxIsDescribedFromItsGraph() {
		ModelDescriptor d = ModelLoader.load(OnnxModels.pixelShuffle(3, 3).write(
			dir, "sr3.onnx").toString(), ModelOverrides.NONE);
		assertEquals("sr3", d.name());
		assertEquals(TaskKind.SUPER_RESOLUTION, d.task());
		assertEquals(3.0, d.scale());
		assertEquals(1, d.haloPixels());
		assertEquals(3, d.image().channels());
		assertEquals("bcyx", d.image().layout().axes());
		assertEquals(Integer.MAX_VALUE, d.image().maxBatch());
		assertEquals(ValueRange.ZERO_ONE, d.inputRange());
		assertEquals("graph", d.origins().get("scale"));
		assertEquals(64, d.sha256().length());
	}

	/**
	 * A rank-2 input is a generator's latent [N, d] when d is fixed or the output
	 * is an image of rank 3 or more; [H, W] with both free and a 2D output is an
	 * image (it was taken for a latent, and refused as one of dynamic length).
	 */
	@Test
	void aTwoDimensionalInputIsAnImageOrALatentByItsShapes() {
		ModelDescriptor plane = ModelLoader.load(OnnxModels.builder().input("x",
			"H,W").node("Identity", "x", "y").output("y", "H,W").write(dir,
				"plane.onnx").toString(), ModelOverrides.NONE);
		assertEquals(TaskKind.IMAGE_TO_IMAGE, plane.task());
		assertEquals("yx", plane.image().layout().axes());
		ModelDescriptor generator = ModelLoader.load(OnnxModels.generator(8, 0, 6,
			5).write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		assertEquals(TaskKind.GENERATE, generator.task());
		assertEquals(8, generator.generator().latentDim());
	}

	/**
	 * A Tanh output keeps its [-1,1] through operators that only move values: the
	 * MLP generator's Linear, Tanh, then view(N,1,H,W) (a Reshape), and an image
	 * model's Tanh then Transpose; an operator that changes values (Mul) leaves
	 * the default [0,1].
	 */
	@Test
	void aTanhOutputImpliesMinusOneToOneThroughShapeOnlyOperators() {
		ModelDescriptor mlp = ModelLoader.load(OnnxModels.builder().input("z",
			"N,8").initializer("W", new float[8 * 16], 8, 16).node("MatMul", "z,W",
				"dense").node("Tanh", "dense", "t").constant("shape", new long[] { -1,
					1, 4, 4 }, 4).node("Reshape", "t,shape", "image").output("image",
						"N,1,4,4").write(dir, "mlp.onnx").toString(), ModelOverrides.NONE);
		assertEquals(TaskKind.GENERATE, mlp.task());
		assertEquals(ValueRange.MINUS_ONE_ONE, mlp.outputRange());
		assertEquals("inferred (output is Tanh)", mlp.origins().get("range"));
		ModelDescriptor image = ModelLoader.load(OnnxModels.builder().input("x",
			"N,1,H,W").node("Tanh", "x", "t").node("Transpose", "t", "tt", OnnxModels
				.attrInts("perm", 0, 1, 3, 2)).node("Identity", "tt", "y").output("y",
					"N,1,W,H").write(dir, "tt.onnx").toString(), ModelOverrides.NONE);
		assertEquals(ValueRange.MINUS_ONE_ONE, image.outputRange());
		assertEquals(ValueRange.MINUS_ONE_ONE, image.inputRange());
		ModelDescriptor scaled = ModelLoader.load(OnnxModels.builder().input("x",
			"N,1,H,W").node("Tanh", "x", "t").initializer("half", new float[] {
				0.5f }, 1).node("Mul", "t,half", "y").output("y", "N,1,H,W").write(dir,
					"half.onnx").toString(), ModelOverrides.NONE);
		assertEquals(ValueRange.ZERO_ONE, scaled.outputRange());
		assertEquals("default", scaled.origins().get("range"));
	}

	/**
	 * The class count is the rows of the table the label looks up, also where the
	 * label reaches it through a Cast (int32 labels, as PyTorch exports them) or
	 * as column 0 of [N, 1] labels (label[:, 0]).
	 */
	@Test
	void theClassCountIsReadThroughACastOrAColumnPick() {
		ModelDescriptor cast = ModelLoader.load(OnnxModels.builder().input("z",
			"N,4").input("label", OnnxModels.INT32, "N").initializer("E",
				new float[5 * 4], 5, 4).node("Cast", "label", "index", OnnxModels
					.attrInt("to", OnnxModels.INT64)).node("Gather", "E,index",
						"embedded").node("Add", "z,embedded", "sum").constant("shape",
							new long[] { -1, 1, 2, 2 }, 4).node("Reshape", "sum,shape",
								"image").output("image", "N,1,2,2").write(dir, "cast.onnx")
			.toString(), ModelOverrides.NONE);
		assertEquals("label", cast.generator().classInput());
		assertEquals(5, cast.generator().classCount());
		ModelDescriptor column = ModelLoader.load(OnnxModels.builder().input("z",
			"N,4").input("label", OnnxModels.INT64, "N,1").initializer("E",
				new float[6 * 4], 6, 4).constant("zero", new long[] { 0 }).node(
					"Gather", "label,zero", "picked", OnnxModels.attrInt("axis", 1)).node(
						"Gather", "E,picked", "embedded").node("Add", "z,embedded", "sum")
			.constant("shape", new long[] { -1, 1, 2, 2 }, 4).node("Reshape",
				"sum,shape", "image").output("image", "N,1,2,2").write(dir,
					"column.onnx").toString(), ModelOverrides.NONE);
		assertEquals(6, column.generator().classCount());
	}

	@Test
	void metadataPropsStateTaskRangeHaloAndResidual() {
		Path p = OnnxModels.identity(1).metadata(ModelLoader.META_TASK, "denoise")
			.metadata(ModelLoader.META_RANGE, "-1,1").metadata(ModelLoader.META_HALO,
				"7").metadata(ModelLoader.META_RESIDUAL, "subtract").write(dir,
					"m.onnx");
		ModelDescriptor d = ModelLoader.load(p.toString(), ModelOverrides.NONE);
		assertEquals(TaskKind.DENOISE, d.task());
		assertEquals(ValueRange.MINUS_ONE_ONE, d.inputRange());
		assertEquals(7, d.haloPixels());
		assertEquals(OutputTransform.SUBTRACT_FROM_INPUT, d.outputTransform());
		assertEquals("metadata", d.origins().get("task"));
		// every inferred choice can be overridden
		ModelDescriptor o = ModelLoader.load(p.toString(), ModelOverrides.NONE
			.withTask(TaskKind.IMAGE_TO_IMAGE).withScale(1.0).withHaloPixels(2)
			.withRange(ValueRange.ZERO_ONE).withOutputTransform(
				OutputTransform.DIRECT));
		assertEquals(TaskKind.IMAGE_TO_IMAGE, o.task());
		assertEquals(2, o.haloPixels());
		assertEquals(ValueRange.ZERO_ONE, o.outputRange());
		assertEquals(OutputTransform.DIRECT, o.outputTransform());
		assertEquals("override", o.origins().get("halo"));
	}

	/**
	 * A denoiser's output is read as the noise when its name says the output is
	 * the noise, word by word: "denoised" and the other names of the clean image
	 * that contain "noise" or "residual" were read as the noise, so denoise wrote
	 * the noise as its result.
	 */
	@Test
	void onlyAnOutputNamedAsTheNoiseIsSubtracted() {
		String shape = "N,1,H,W";
		String[] noise = { "noise", "Noise", "residual", "noise_pred",
			"predicted_noise", "residual_out", "predictedNoise", "NOISEMap",
			"noise:0", "output-residual2", "noisemap", "noisepred", "NoiseEstimation",
			"learned_noise", "net_output_noise", "res_noise", "dncnn_noise" };
		String[] image = { "denoised", "Denoised", "noise_free",
			"denoised_noiseless", "residual_added", "clean_denoised_image",
			"noiseless", "noise_removed", "denoise", "output", "input_minus_noise",
			"NoiseFree", "noise_reduced_image", "noisy" };
		for (String[] names : new String[][] { noise, image })
			for (String name : names) {
				Path p = OnnxModels.builder().input("x", shape).node("Identity", "x",
					name).output(name, shape).metadata(ModelLoader.META_TASK, "denoise")
					.write(dir, "n.onnx");
				ModelDescriptor d = ModelLoader.load(p.toString(), ModelOverrides.NONE);
				assertEquals(names == noise ? OutputTransform.SUBTRACT_FROM_INPUT
					: OutputTransform.DIRECT, d.outputTransform(), name);
				assertEquals(names == noise ? "inferred from the output name '" + name +
					"': if it is the denoised image, set fiji-gan.residual to none in the " +
					"model's metadata" : "default", d.origins().get("output"), name);
			}
	}

	/**
	 * A generic model loaded for the denoise command is a denoiser as it is
	 * inferred, output name included: loaded plain and relabelled after, its
	 * output named "residual" was taken as the image, and the noise came back as
	 * the result. One that does not keep the size is refused for the command.
	 */
	@Test
	void aModelOfNoTaskLoadedForDenoiseSubtractsAnOutputNamedTheNoise() {
		Path p = OnnxModels.builder().input("x", "N,1,H,W").node("Identity", "x",
			"residual").output("residual", "N,1,H,W").write(dir, "r.onnx");
		ModelDescriptor plain = ModelLoader.load(p.toString(), ModelOverrides.NONE);
		assertEquals(TaskKind.IMAGE_TO_IMAGE, plain.task());
		assertEquals(OutputTransform.DIRECT, plain.outputTransform());
		ModelDescriptor d = ModelLoader.load(p.toString(), ModelOverrides.NONE
			.withCommandTask(TaskKind.DENOISE));
		assertEquals(TaskKind.DENOISE, d.task());
		assertEquals(OutputTransform.SUBTRACT_FROM_INPUT, d.outputTransform());
		assertEquals("the command's: the model is a generic image-to-image one " +
			"(inferred from the inputs)", d.origins().get("task"));
		// one stated generic runs as the command's task too; a stated task wins
		for (String task : List.of("image-to-image", "super-resolution")) {
			ModelDescriptor stated = ModelLoader.load(OnnxModels.builder().input("x",
				"N,1,H,W").node("Identity", "x", "residual").output("residual",
					"N,1,H,W").metadata(ModelLoader.META_TASK, task).write(dir, "s.onnx")
				.toString(), ModelOverrides.NONE.withCommandTask(TaskKind.DENOISE));
			assertEquals(task.equals("image-to-image") ? TaskKind.DENOISE
				: TaskKind.SUPER_RESOLUTION, stated.task());
		}
		GanException e = assertThrows(GanException.class, () -> ModelLoader.load(
			OnnxGraphInfoTest.poolThenUpsample().write(dir, "p.onnx").toString(),
			ModelOverrides.NONE.withScale(0.5).withCommandTask(TaskKind.DENOISE)));
		assertEquals("model p has a scale of 0.5000 (override), but a denoise " +
			"model's result is its input's size (scale 1): run it as " +
			"super-resolution, or state a scale of 1", e.getMessage());
	}

	Path addHalfPackage(String name) throws IOException {
		return TestPackages.addHalf(dir.resolve(name));
	}

	@Test
	void bioimageRdfWithFixedPreprocessingRunsExactly() throws IOException {
		Path m = addHalfPackage("pkg");
		ModelDescriptor d = ModelLoader.load(m.toString(), ModelOverrides.NONE);
		assertEquals("add-half", d.name());
		assertEquals(8, d.image().x().min());
		assertEquals(4, d.image().x().step());
		assertEquals(2, d.haloPixels());
		RasterImage img = RasterImage.allocate(10, 9, 1, 1, 1, PixelType.FLOAT32);
		float[] p = (float[]) img.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = i;
		RasterImage out = ImageToImage.run(d, img, InferenceOptions.defaults()
			.withDevice(DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
				.none()).image();
		assertEquals(10, out.width());
		float[] o = (float[]) out.plane(0);
		// ((x * 0.5 + 1) + 0.5) * 10; the 10x9 image is padded to 12x12 for the
		// model and cropped back
		for (int i = 0; i < o.length; i++)
			assertEquals((i * 0.5f + 1.5f) * 10, o[i], 1e-4f);
	}

	/**
	 * A model that pools 2x2 with stride 2 and upsamples x2 returns 46x40 for a
	 * 47x41 image, which was refused after the run; its graph now says it takes
	 * multiples of 2, so the image is mirrored up to 48x42 and cropped back.
	 */
	@Test
	void aStridedModelTakesMultiplesOfItsStrideAndAnOddImageIsPaddedToOne() {
		ModelDescriptor d = ModelLoader.load(OnnxGraphInfoTest.poolThenUpsample()
			.write(dir, "pool2.onnx").toString(), ModelOverrides.NONE);
		assertEquals(org.fijigan.core.tiling.AxisConstraint.minStep(2, 2), d.image()
			.x());
		assertEquals(org.fijigan.core.tiling.AxisConstraint.minStep(2, 2), d.image()
			.y());
		assertEquals("graph: strided layers, a total stride of 2", d.origins().get(
			"size"));
		int w = 47, h = 41;
		RasterImage img = RasterImage.allocate(w, h, 1, 1, 1, PixelType.FLOAT32);
		float[] p = (float[]) img.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = (i * 37 % 101) / 100f;
		var result = ImageToImage.run(d, img, InferenceOptions.defaults()
			.withDevice(DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
				.none());
		assertEquals(w, result.image().width());
		assertEquals(h, result.image().height());
		assertTrue(result.report().notes().contains("image padded by mirroring " +
			"to 48x42 px, the smallest size the model takes that holds it (a " +
			"multiple of 2 px)"), result.report().notes().toString());
		float[] o = (float[]) result.image().plane(0);
		// the mean of each 2x2 block of the image mirrored at its end (column 47
		// is column 45, row 41 row 39)
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				float sum = 0;
				for (int dy = 0; dy < 2; dy++)
					for (int dx = 0; dx < 2; dx++) {
						int sx = (x & ~1) + dx, sy = (y & ~1) + dy;
						sx = sx < w ? sx : 2 * (w - 1) - sx;
						sy = sy < h ? sy : 2 * (h - 1) - sy;
						sum += p[sy * w + sx];
					}
				assertEquals(sum / 4, o[y * w + x], 1e-6f, "pixel " + x + "," + y);
			}
	}

	/**
	 * A model that pools 2x2 with stride 2 and resizes back to the Shape of its
	 * input, which it adds: the Resize restores any size, so a 47x41 image runs
	 * as it is, unpadded (it was mirrored up to 48x42, which changed every
	 * pixel's pooled neighbour).
	 */
	/** A 32-bit image of w x h pixels of a fixed pattern in [0, 1]. */
	private static RasterImage ramp(int w, int h) {
		RasterImage img = RasterImage.allocate(w, h, 1, 1, 1, PixelType.FLOAT32);
		float[] p = (float[]) img.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = (i * 37 % 101) / 100f;
		return img;
	}

	/**
	 * {@code img} through {@code d} on the CPU, its raw values fed as they are.
	 */
	private static org.fijigan.core.pipeline.RunResult runRaw(ModelDescriptor d,
		RasterImage img)
	{
		return ImageToImage.run(d, img, InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 1).withNormalization(
				new org.fijigan.core.image.Normalization.None()), ProgressListener.NONE,
			CancellationToken.none());
	}

	@Test
	void aModelThatUpsamplesToTheShapeItJoinsRunsOnAnOddImageUnpadded() {
		ModelDescriptor d = ModelLoader.load(OnnxGraphInfoTest
			.poolThenResizeToShape().write(dir, "pool2shape.onnx").toString(),
			ModelOverrides.NONE);
		assertEquals(org.fijigan.core.tiling.AxisConstraint.minStep(2, 1), d.image()
			.x());
		assertEquals(org.fijigan.core.tiling.AxisConstraint.minStep(2, 1), d.image()
			.y());
		int w = 47, h = 41;
		RasterImage img = ramp(w, h);
		float[] p = (float[]) img.plane(0);
		var result = runRaw(d, img);
		assertFalse(result.report().notes().stream().anyMatch(n -> n.contains(
			"padded")), result.report().notes().toString());
		float[] o = (float[]) result.image().plane(0);
		// the 23x20 pooled means, each output pixel taking the one at
		// floor(position * 23 / 47) (floor(y * 20 / 41)), plus the pixel itself
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int py = (int) Math.floor(y * 20.0 / h), px = (int) Math.floor(x *
					23.0 / w);
				float sum = 0;
				for (int dy = 0; dy < 2; dy++)
					for (int dx = 0; dx < 2; dx++)
						sum += p[(2 * py + dy) * w + 2 * px + dx];
				assertEquals(sum / 4 + p[y * w + x], o[y * w + x], 1e-6f, "pixel " + x +
					"," + y);
			}
	}

	@Test
	void aDownscalerByItsStrideTakesAnySizeItsOutputRoundedDown() {
		// out[y][x] = in[2y][2x]: a 3x3 convolution of stride 2, padding 1, that
		// keeps its centre
		ModelDescriptor d = ModelLoader.load(OnnxModels.builder().opset(13).input(
			"x", "N,1,H,W").initializer("w", new float[] { 0, 0, 0, 0, 1, 0, 0, 0,
				0 }, 1, 1, 3, 3).node("Conv", "x,w", "y", OnnxModels.attrInts("strides",
					2, 2), OnnxModels.attrInts("pads", 1, 1, 1, 1)).output("y", "N,1,H,W")
			.write(dir, "down2.onnx").toString(), ModelOverrides.NONE);
		assertEquals(0.5, d.scale());
		assertEquals(org.fijigan.core.tiling.AxisConstraint.ANY, d.image().x());
		assertEquals(org.fijigan.core.tiling.AxisConstraint.ANY, d.image().y());
		int w = 61, h = 45;
		RasterImage img = ramp(w, h);
		float[] p = (float[]) img.plane(0);
		var result = runRaw(d, img);
		// floor(n / 2): the last column and row the padded convolution gives, half
		// over its padding, are left out (31x23 before, which a Resize or a
		// pooling by 2 never gives)
		assertEquals(30, result.image().width());
		assertEquals(22, result.image().height());
		assertFalse(result.report().notes().stream().anyMatch(n -> n.contains(
			"padded")), result.report().notes().toString());
		float[] o = (float[]) result.image().plane(0);
		for (int y = 0; y < 22; y++)
			for (int x = 0; x < 30; x++)
				assertEquals(p[2 * y * w + 2 * x], o[y * 30 + x], 0f, x + "," + y);
		// tiled, the last tile is mirrored up to the grid: said, though no pixel
		// kept sees a mirrored one here
		var tiled = ImageToImage.run(d, img, InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 1).withNormalization(
				new org.fijigan.core.image.Normalization.None()).withTileSize(16),
			ProgressListener.NONE, CancellationToken.none());
		assertTrue(tiled.report().notes().contains("the last column of tiles is " +
			"mirrored up to the model's 2 px stride grid, so its pixels can differ " +
			"from an untiled run's (61 px is not a multiple of 2): use --tile none, " +
			"or a larger --tile, for the model's own border"), tiled.report().notes()
				.toString());
		float[] t = (float[]) tiled.image().plane(0);
		assertEquals(o.length, t.length);
		for (int i = 0; i < o.length; i++)
			assertEquals(o[i], t[i], 0f, "pixel " + i);
	}

	/** The add-half package run on a 10x9 image of {@code i + 0.3}. */
	private float[] runAddHalf(Path m) {
		ModelDescriptor d = ModelLoader.load(m.toString(), ModelOverrides.NONE);
		RasterImage img = RasterImage.allocate(10, 9, 1, 1, 1, PixelType.FLOAT32);
		float[] p = (float[]) img.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = i + 0.3f;
		return (float[]) ImageToImage.run(d, img, InferenceOptions.defaults()
			.withDevice(DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
				.none()).image().plane(0);
	}

	/**
	 * Format 0.5 casts an output to its {@code data.type} after its
	 * postprocessing: a uint8 output gave 64.196-like values where the
	 * specification gives the value truncated (NumPy's astype) and held to
	 * 0..255.
	 */
	@Test
	void anIntegerOutputIsCastAfterPostprocessingAsFormat05Implies()
		throws IOException
	{
		Path m = addHalfPackage("pkg-uint8-out");
		Path rdf = m.resolve("rdf.yaml");
		String yaml = Files.readString(rdf);
		Files.writeString(rdf, yaml.replace("  - id: y\n",
			"  - id: y\n    data: {type: uint8}\n"));
		assertEquals(List.of("scale_linear", "ensure_dtype"), ModelLoader.load(m
			.toString(), ModelOverrides.NONE).postprocessing().stream().map(
				ProcessingStep::id).toList());
		float[] o = runAddHalf(m);
		// ((x * 0.5 + 1) + 0.5) * 10 = 5i + 16.5: 16, 21, ..., 251, then 255
		for (int i = 0; i < o.length; i++)
			assertEquals(Math.min(255, 5 * i + 16), o[i], 0, "pixel " + i);
	}

	/**
	 * Format 0.5 casts an integer input to its {@code data.type} before its
	 * preprocessing (here ended by an explicit cast to the float32 the graph
	 * takes); a float32 one is left as it is.
	 */
	@Test
	void anIntegerInputIsCastBeforePreprocessingAsFormat05Implies()
		throws IOException
	{
		Path m = addHalfPackage("pkg-uint8-in");
		Path rdf = m.resolve("rdf.yaml");
		String yaml = Files.readString(rdf);
		Files.writeString(rdf, yaml.replace("  - id: x\n",
			"  - id: x\n    data: {type: uint8}\n").replace(
				"kwargs: {gain: 0.5, offset: 1.0}\n",
				"kwargs: {gain: 0.5, offset: 1.0}\n      - id: ensure_dtype\n" +
					"        kwargs: {dtype: float32}\n"));
		assertEquals(List.of("ensure_dtype", "scale_linear", "ensure_dtype"),
			ModelLoader.load(m.toString(), ModelOverrides.NONE).preprocessing()
				.stream().map(ProcessingStep::id).toList());
		float[] o = runAddHalf(m);
		// i + 0.3 -> i -> i * 0.5 + 1 -> + 0.5 -> * 10
		for (int i = 0; i < o.length; i++)
			assertEquals((i * 0.5f + 1.5f) * 10, o[i], 1e-4f, "pixel " + i);
		// float32 (the default) implies no step
		ModelDescriptor plain = ModelLoader.load(addHalfPackage("pkg-float")
			.toString(), ModelOverrides.NONE);
		assertEquals(List.of("scale_linear"), plain.preprocessing().stream().map(
			ProcessingStep::id).toList());
		assertEquals(List.of("scale_linear"), plain.postprocessing().stream().map(
			ProcessingStep::id).toList());
	}

	/**
	 * An input whose {@code data.type} is uint8 or uint16 is, after its
	 * preprocessing, cast to that type (format 0.5): for a graph that takes
	 * float32 the normalised values were cut to integers before the model and the
	 * run gave wrong pixels with no note. It is refused, naming both types, as an
	 * explicit last cast to an integer type is.
	 */
	@Test
	void anIntegerInputTypeTheGraphContradictsIsRefused() throws IOException {
		for (String type : List.of("uint8", "uint16")) {
			Path m = addHalfPackage("pkg-lie-" + type);
			Path rdf = m.resolve("rdf.yaml");
			String yaml = Files.readString(rdf);
			Files.writeString(rdf, yaml.replace("  - id: x\n", "  - id: x\n    " +
				"data: {type: " + type + "}\n"));
			assertEquals("model add-half: its rdf.yaml feeds input 'x' to the " +
				"model as " + type + " (its data.type, which format 0.5 casts to " +
				"after preprocessing), but its ONNX graph declares float32 (input " +
				"'x'): the values would be cut to " + type + " before the model. " +
				"State the type the graph takes, or end the preprocessing with " +
				"ensure_dtype to it", assertThrows(GanException.class, () -> ModelLoader
					.load(m.toString(), ModelOverrides.NONE)).getMessage());
		}
		Path m = addHalfPackage("pkg-lie-cast");
		Path rdf = m.resolve("rdf.yaml");
		Files.writeString(rdf, Files.readString(rdf).replace(
			"kwargs: {gain: 0.5, offset: 1.0}\n",
			"kwargs: {gain: 0.5, offset: 1.0}\n      - id: ensure_dtype\n" +
				"        kwargs: {dtype: int16}\n"));
		assertTrue(assertThrows(GanException.class, () -> ModelLoader.load(m
			.toString(), ModelOverrides.NONE)).getMessage().startsWith(
				"model add-half: its rdf.yaml feeds input 'x' to the model as int16 " +
					"(its last preprocessing step), but its ONNX graph declares float32"));
	}

	/**
	 * A descriptor naming 3 channels for a graph that declares 1 ran silently on
	 * one channel (fiji-gan feeds what the graph declares and ignored the
	 * descriptor's count); it is refused, naming both.
	 */
	@Test
	void aDescriptorChannelCountTheGraphContradictsIsRefused()
		throws IOException
	{
		Path m = addHalfPackage("pkg-channels");
		Path rdf = m.resolve("rdf.yaml");
		String yaml = Files.readString(rdf);
		Files.writeString(rdf, yaml.replaceFirst("channel_names: \\[c0\\]",
			"channel_names: [a, b, c]"));
		assertEquals("model add-half: its rdf.yaml gives input 'x' 3 channels " +
			"(channel_names [a, b, c]), but its ONNX graph declares 1 (shape " +
			"[N,1,H,W])", assertThrows(GanException.class, () -> ModelLoader.load(m
				.toString(), ModelOverrides.NONE)).getMessage());
		String outputChannel =
			"channel_names: [c0]\n      - {type: space, id: y, " + "size: {tensor_id";
		assertTrue(yaml.contains(outputChannel));
		Files.writeString(rdf, yaml.replace(outputChannel, "size: 2\n      - " +
			"{type: space, id: y, size: {tensor_id"));
		assertEquals("model add-half: its rdf.yaml gives output 'y' 2 channels, " +
			"but its ONNX graph declares 1 (shape [N,1,H,W])", assertThrows(
				GanException.class, () -> ModelLoader.load(m.toString(),
					ModelOverrides.NONE)).getMessage());
	}

	/**
	 * A range stated with {@code --range} is the one the model is fed in: a
	 * package's preprocessing, which maps into the range the package states, is
	 * dropped, so the package runs as its bare ONNX file does under the same
	 * range (before, the package's preprocessing still ran and the stated range
	 * was ignored, while {@code info} reported it).
	 */
	@Test
	void aStatedRangeReplacesThePackagesProcessing() throws IOException {
		Path m = addHalfPackage("pkg-range");
		Path onnx = m.resolve("weights.onnx");
		ModelOverrides zeroTwo = ModelOverrides.NONE.withRange(new ValueRange(0,
			2));
		ModelDescriptor d = ModelLoader.load(m.toString(), zeroTwo);
		assertEquals(List.of(), d.preprocessing());
		assertEquals(List.of(), d.postprocessing());
		assertTrue(d.outputInInputUnits());
		RasterImage img = RasterImage.allocate(12, 12, 1, 1, 1, PixelType.FLOAT32);
		float[] p = (float[]) img.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = i;
		InferenceOptions opts = InferenceOptions.defaults().withNormalization(
			new Normalization.FixedRange(0, 143)).withFloatOutput(true).withDevice(
				DeviceSpec.CPU, 1);
		float[] fromPackage = (float[]) ImageToImage.run(d, img, opts,
			ProgressListener.NONE, CancellationToken.none()).image().plane(0);
		// 0..143 onto 0..2, plus 0.5, mapped back: + 0.5 * 143 / 2
		for (int i = 0; i < p.length; i++)
			assertEquals(i + 35.75f, fromPackage[i], 1e-3f);
		float[] bare = (float[]) ImageToImage.run(ModelLoader.load(onnx.toString(),
			zeroTwo), img, opts, ProgressListener.NONE, CancellationToken.none())
			.image().plane(0);
		assertArrayEquals(bare, fromPackage, 1e-4f);
	}

	@Test
	void clearErrorsForMissingCorruptAndCustomOpModels() throws IOException {
		GanException missing = assertThrows(GanException.class, () -> ModelLoader
			.load(dir.resolve("nope.onnx").toString(), ModelOverrides.NONE));
		assertTrue(missing.getMessage().startsWith("model '"), missing
			.getMessage());
		assertTrue(missing.getMessage().contains("not found"), missing
			.getMessage());
		Path corrupt = Files.write(dir.resolve("corrupt.onnx"), new byte[] { 1, 2,
			3, 4, 5, 6, 7, 8, 9 });
		GanException bad = assertThrows(GanException.class, () -> ModelLoader.load(
			corrupt.toString(), ModelOverrides.NONE));
		assertTrue(bad.getMessage().contains("is not a valid ONNX model"), bad
			.getMessage());
		Path custom = OnnxModels.builder().opset("evil.ops", 1).input("x",
			"N,1,H,W").node("evil.ops::Boom", "x", "y").output("y", "N,1,H,W").write(
				dir, "custom.onnx");
		GanException c = assertThrows(GanException.class, () -> ModelLoader.load(
			custom.toString(), ModelOverrides.NONE));
		assertTrue(c.getMessage().contains("custom operators of domain 'evil.ops'"),
			c.getMessage());
	}

	@Test
	void unsupportedInputTypeIsNamed() {
		Path p = OnnxModels.builder().input("x", 3 /* int8 */, "N,1,H,W").node(
			"Identity", "x", "y").output("y", 3, "N,1,H,W").write(dir, "i8.onnx");
		GanException e = assertThrows(GanException.class, () -> ModelLoader.load(p
			.toString(), ModelOverrides.NONE));
		assertEquals("input 'x' of i8 has element type int8 and shape [N,1,H,W], " +
			"which fiji-gan cannot feed", e.getMessage());
	}

	/**
	 * A uint8 image input (a photograph's samples, cast inside the graph) takes
	 * 0-255: an 8-bit image reaches it through its type's range, exactly; values
	 * beyond are saturated, as any conversion to 8 bits. Fine-tuning, which needs
	 * values between the levels, refuses it by name.
	 */
	@Test
	void aUint8ImageInputIsFedItsSamples() {
		Path p = OnnxModels.builder().input("x", 2 /* uint8 */, "N,1,H,W").node(
			"Cast", "x", "f", OnnxModels.attrInt("to", 1)).node("Identity", "f", "y")
			.output("y", "N,1,H,W").write(dir, "u8.onnx");
		ModelDescriptor d = ModelLoader.load(p.toString(), ModelOverrides.NONE);
		assertEquals(ValueRange.ZERO_255, d.inputRange());
		assertEquals("inferred (input is uint8)", d.origins().get("range"));
		assertTrue(d.uint8Image());

		RasterImage grey = RasterImage.allocate(4, 4, 1, 1, 1, PixelType.UINT8);
		byte[] b = (byte[]) grey.plane(0);
		for (int i = 0; i < b.length; i++)
			b[i] = (byte) (i * 17); // 0..255, no two levels alike
		assertArrayEquals(b, (byte[]) ImageToImage.run(d, grey, InferenceOptions
			.defaults().withDevice(DeviceSpec.CPU, 1), ProgressListener.NONE,
			CancellationToken.none()).image().plane(0));

		RasterImage raw = RasterImage.allocate(4, 1, 1, 1, 1, PixelType.FLOAT32);
		System.arraycopy(new float[] { -3, 2.4f, 2.6f, 300 }, 0, raw.plane(0), 0,
			4);
		assertArrayEquals(new float[] { 0, 2, 3, 255 }, (float[]) ImageToImage.run(
			d, raw, InferenceOptions.defaults().withNormalization(
				new Normalization.None()).withFloatOutput(true).withDevice(
					DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken.none())
			.image().plane(0));

		GanException e = assertThrows(GanException.class,
			() -> new org.fijigan.core.train.data.ModelBatches(d, null, 1));
		assertEquals("model 'u8' takes its image input 'x' as uint8, and " +
			"fine-tuning feeds float32 images (a gradient needs values between the " +
			"levels): fine-tune a float32 export of the model, then run either", e
				.getMessage());
	}

	/**
	 * Integer and boolean outputs are read as their values: uint16 above 32767
	 * too (Java reads it as int16), int16 with its sign. A uint16 output implies
	 * the range [0,65535], reached through the image type's range, so a 16-bit
	 * image comes back exact (percentiles put outliers outside the range, which
	 * the model's cast wraps around: 0 came back as 65431).
	 */
	@Test
	void integerAndBooleanOutputsAreReadAsTheirValues() {
		InferenceOptions raw = InferenceOptions.defaults().withNormalization(
			new Normalization.None()).withFloatOutput(true).withDevice(DeviceSpec.CPU,
				1);
		RasterImage signedValues = RasterImage.allocate(3, 1, 1, 1, 1,
			PixelType.FLOAT32);
		System.arraycopy(new float[] { -5, 7, 0 }, 0, signedValues.plane(0), 0, 3);
		assertArrayEquals(new float[] { -5, 7, 0 }, (float[]) ImageToImage.run(cast(
			"i16", 5), signedValues, raw, ProgressListener.NONE, CancellationToken
				.none()).image().plane(0));
		assertArrayEquals(new float[] { 1, 1, 0 }, (float[]) ImageToImage.run(cast(
			"bool", 9), signedValues, raw, ProgressListener.NONE, CancellationToken
				.none()).image().plane(0));

		ModelDescriptor u16 = cast("u16", 4);
		assertEquals(new ValueRange(0, 65535), u16.outputRange());
		RasterImage sixteen = RasterImage.allocate(6, 1, 1, 1, 1, PixelType.UINT16);
		short[] values = { 0, 1000, 32767, (short) 32768, (short) 60000,
			(short) 65535 };
		System.arraycopy(values, 0, sixteen.plane(0), 0, 6);
		assertArrayEquals(values, (short[]) ImageToImage.run(u16, sixteen,
			InferenceOptions.defaults().withDevice(DeviceSpec.CPU, 1),
			ProgressListener.NONE, CancellationToken.none()).image().plane(0));
	}

	/** A model that casts its float input to ONNX element type {@code to}. */
	private ModelDescriptor cast(String name, int to) {
		Path p = OnnxModels.builder().input("x", "N,1,H,W").node("Cast", "x", "y",
			OnnxModels.attrInt("to", to)).output("y", to, "N,1,H,W").write(dir, name +
				".onnx");
		return ModelLoader.load(p.toString(), ModelOverrides.NONE);
	}

	/**
	 * bfloat16 is floating point, but the engine cannot write it: refused at
	 * load, not at the first run.
	 */
	@Test
	void aBfloat16ImageInputIsRefusedWhenLoaded() {
		Path p = OnnxModels.builder().input("x", 16 /* bfloat16 */, "N,1,H,W").node(
			"Identity", "x", "y").output("y", 16, "N,1,H,W").write(dir, "bf16.onnx");
		GanException e = assertThrows(GanException.class, () -> ModelLoader.load(p
			.toString(), ModelOverrides.NONE));
		assertEquals(
			"input 'x' of bf16 has element type bfloat16 and shape [N,1,H,W], which fiji-gan cannot feed",
			e.getMessage());
	}

	@Test
	void aValueBeyondFloat16IsRefusedNotFedAsInfinity() {
		Path p = OnnxModels.builder().input("x", 10 /* float16 */, "N,1,H,W").node(
			"Identity", "x", "y").output("y", 10, "N,1,H,W").write(dir, "f16.onnx");
		ModelDescriptor d = ModelLoader.load(p.toString(), ModelOverrides.NONE);
		RasterImage img = RasterImage.allocate(4, 4, 1, 1, 1, PixelType.FLOAT32);
		float[] v = (float[]) img.plane(0);
		v[0] = 65504; // the largest float16 passes
		InferenceOptions raw = InferenceOptions.defaults().withNormalization(
			new Normalization.None()).withFloatOutput(true).withDevice(DeviceSpec.CPU,
				1);
		assertEquals(65504f, ((float[]) ImageToImage.run(d, img, raw,
			ProgressListener.NONE, CancellationToken.none()).image().plane(0))[0]);
		v[5] = 70000;
		GanException e = assertThrows(GanException.class, () -> ImageToImage.run(d,
			img, raw, ProgressListener.NONE, CancellationToken.none()));
		assertTrue(e.getMessage().contains("input 'x' is float16, which holds " +
			"values up to 65504, but the image gives it 70000.0"), e.getMessage());
	}

	@Test
	void anInputARunWouldNotFeedIsRefusedWhenLoaded() {
		Path p = OnnxModels.builder().input("a", "N,1,H,W").input("b", "N,1,H,W")
			.node("Add", "a,b", "y").output("y", "N,1,H,W").write(dir, "two.onnx");
		// two images in: taken as an image and its mask
		assertEquals(TaskKind.INPAINT, ModelLoader.load(p.toString(),
			ModelOverrides.NONE).task());
		GanException e = assertThrows(GanException.class, () -> ModelLoader.load(p
			.toString(), ModelOverrides.NONE.withTask(TaskKind.IMAGE_TO_IMAGE)));
		assertEquals(
			"model two has an input 'b' that fiji-gan does not feed when " +
				"it runs the model as image-to-image (it feeds a; if 'b' is a mask, run " +
				"it with --task inpaint and --input b=MASK)", e.getMessage());
	}

	@Test
	void describeListsEveryChoiceAndItsOrigin() {
		ModelDescriptor d = ModelLoader.load(OnnxModels.conv3x3(1, 1, 1, 2).write(
			dir, "c.onnx").toString(), ModelOverrides.NONE);
		String text = ModelLoader.report(d, null).text();
		assertTrue(text.contains(
			"task:          image-to-image (inferred from the inputs)"), text);
		assertTrue(text.contains("halo:          2 px (receptive field)"), text);
		assertTrue(text.contains("operators:     {Conv=2, Relu=1}"), text);
		assertTrue(text.contains("providers:"), text);
		assertTrue(text.contains("cpu fallback:  cuda: none"), text);
		assertTrue(text.contains("cpu fallback:  directml: none"), text);
		assertFalse(d.kind() instanceof ModelKind.Inpainting); // no mask
	}

	@Test
	void describeNamesTheNodesAGpuProviderWouldLeaveToTheCpu() {
		// Celu has a DirectML kernel and no CUDA one in ONNX Runtime's table
		ModelDescriptor d = ModelLoader.load(OnnxModels.builder().input("x",
			"N,1,H,W").node("Celu", "x", "y").output("y", "N,1,H,W").write(dir,
				"celu.onnx").toString(), ModelOverrides.NONE);
		String text = ModelLoader.report(d, null).text();
		assertTrue(text.contains(
			"cpu fallback:  cuda: Celu \"Celu_0\" (ai.onnx opset 17, float): no kernel for this " +
				"operator\n"), text);
		assertTrue(text.contains("cpu fallback:  directml: none\n"), text);
	}

	/**
	 * An {@code [H,5,1]} input run through a one-dimensional convolution over its
	 * last axis: whatever layout it is read in, a convolution sums over what is
	 * taken for image positions, and the reading gives an image axis of length 1.
	 * It used to run on 1-pixel-wide tiles with a tiling note; it is refused
	 * before it runs.
	 */
	@Test
	void anInputLayoutTheGraphContradictsIsRefused() {
		String path = OnnxModels.builder().input("x", "H,5,1").initializer("w",
			new float[25], 5, 5, 1).node("Conv", "x,w", "y").output("y", "H,5,1")
			.write(dir, "contradicted.onnx").toString();
		GanException e = assertThrows(GanException.class, () -> ModelLoader.load(
			path, ModelOverrides.NONE));
		assertEquals("model contradicted: input 'x' of shape [H,5,1] read as " +
			"axes byx gives an image axis of length 1, and the graph contradicts " +
			"that reading (Conv (node 'Conv_0'): its channel axis holds what was " +
			"taken for the image's y); fiji-gan cannot tell this input's axes: " +
			"state them in a bioimage.io descriptor", e.getMessage());
	}

	/**
	 * An input and output declared without any shape were read as scalars, and
	 * the model refused as taking "shape []". The graph shows the rank where the
	 * input feeds a convolution (its weights are 4-D); elsewhere the refusal says
	 * the rank is not declared.
	 */
	@Test
	void anInputWithoutShapeTakesTheRankTheGraphShows() {
		ModelDescriptor d = ModelLoader.load(OnnxModels.builder().input("x", null)
			.initializer("w", new float[9], 1, 1, 3, 3).node("Conv", "x,w", "y",
				OnnxModels.attrInts("pads", 1, 1, 1, 1)).output("y", null).write(dir,
					"nodims.onnx").toString(), ModelOverrides.NONE);
		assertEquals("[?,?,?,?]", d.graph().inputs().get(0).shapeString());
		assertEquals("[?,?,?,?]", d.graph().imageOutput().shapeString());
		assertEquals("bcyx", d.image().layout().axes());
		assertEquals(1, d.haloPixels());
		String path = OnnxModels.builder().input("x", null).node("Relu", "x", "y")
			.output("y", null).write(dir, "norank.onnx").toString();
		assertEquals("input 'x' of norank declares no shape, and the graph does " +
			"not show its rank (it feeds no convolution or pool); fiji-gan cannot " +
			"tell its axes", assertThrows(GanException.class, () -> ModelLoader.load(
				path, ModelOverrides.NONE)).getMessage());
	}
}
