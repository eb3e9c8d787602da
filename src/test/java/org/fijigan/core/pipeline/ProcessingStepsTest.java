
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bioimage.io processing step (format 0.5 and 0.4), run by {@code run}'s
 * pipeline through an identity model, against values worked out by hand. The
 * image has two channels of 4x2 pixels: channel 0 holds 1..8, channel 1 holds
 * 10..80. For 1..8 the mean is 4.5 and the population variance (n^2 - 1) / 12 =
 * 5.25; NumPy's linear percentiles sit at position p/100 * 7 of the sorted
 * values (10th: 1.7, 90th: 7.3), its inverted_cdf ones at rank ceil(p/100 * 8)
 * - 1 (25th: 2, 75th: 6).
 */
class ProcessingStepsTest {

	private static final double EPS = 1e-6;
	private static final float TOL = 1e-5f;

	@TempDir
	Path dir;

	@Test
	void scaleRangePerChannelAndAcrossChannels() throws IOException {
		float[][] out = run05(
			"- {id: scale_range, kwargs: {axes: [y, x], min_percentile: 10, max_percentile: 90}}",
			"");
		for (int i = 0; i < 8; i++) {
			assertEquals((i + 1 - 1.7) / (5.6 + EPS), out[0][i], TOL);
			assertEquals((10 * (i + 1) - 17) / (56 + EPS), out[1][i], TOL);
		}
		// both channels together: 16 values from 1 to 80, percentiles 0 and 100 are
		// 1 and 80
		out = run05("- {id: scale_range, kwargs: {axes: [channel, y, x]}}", "");
		assertEquals((1 - 1) / (79 + EPS), out[0][0], TOL);
		assertEquals((8 - 1) / (79 + EPS), out[0][7], TOL);
		assertEquals((80 - 1) / (79 + EPS), out[1][7], TOL);
	}

	@Test
	void zeroMeanUnitVarianceFromTheImageAndFixed() throws IOException {
		float[][] out = run05(
			"- {id: zero_mean_unit_variance, kwargs: {axes: [y, x]}}", "");
		for (int i = 0; i < 8; i++) {
			assertEquals((i + 1 - 4.5) / (Math.sqrt(5.25) + EPS), out[0][i], TOL);
			assertEquals((10 * (i + 1) - 45) / (10 * Math.sqrt(5.25) + EPS),
				out[1][i], TOL);
		}
		out = run05(
			"- {id: fixed_zero_mean_unit_variance, kwargs: {axis: channel, mean: [1, 2], std: [2, 4]}}",
			"");
		assertEquals((5 - 1) / (2 + EPS), out[0][4], TOL);
		assertEquals((50 - 2) / (4 + EPS), out[1][4], TOL);
		out = run05(
			"- {id: fixed_zero_mean_unit_variance, kwargs: {mean: 3, std: 0.5}}", "");
		assertEquals((7 - 3) / (0.5 + EPS), out[0][6], TOL);
		assertEquals((70 - 3) / (0.5 + EPS), out[1][6], 1e-3f);
	}

	@Test
	void scaleLinearClipSigmoidBinarizeAndSoftmax() throws IOException {
		float[][] out = run05(
			"- {id: scale_linear, kwargs: {axis: channel, gain: [2, 3], offset: [1, -1]}}",
			"");
		assertEquals(2 * 3 + 1, out[0][2], TOL);
		assertEquals(3 * 30 - 1, out[1][2], TOL);
		out = run05("- {id: clip, kwargs: {min: 2, max: 6}}", "");
		assertEquals(2, out[0][0], 0);
		assertEquals(4, out[0][3], 0);
		assertEquals(6, out[0][7], 0);
		assertEquals(6, out[1][0], 0);
		out = run05(
			"- {id: clip, kwargs: {axes: [y, x], min_percentile: 25, max_percentile: 75}}",
			"");
		assertEquals(2, out[0][0], 0);
		assertEquals(6, out[0][7], 0);
		assertEquals(20, out[1][0], 0);
		assertEquals(50, out[1][4], 0);
		assertEquals(60, out[1][7], 0);
		out = run05("", "- {id: sigmoid}");
		assertEquals(0.7310586, out[0][0], TOL); // 1 / (1 + e^-1)
		assertEquals(0.9996646, out[0][7], TOL); // 1 / (1 + e^-8)
		out = run05("", "- {id: binarize, kwargs: {threshold: 4.5}}");
		assertEquals("0 0 0 0 1 1 1 1", join(out[0]));
		assertEquals("1 1 1 1 1 1 1 1", join(out[1]));
		out = run05("",
			"- {id: binarize, kwargs: {axis: channel, threshold: [6, 30]}}");
		assertEquals("0 0 0 0 0 0 1 1", join(out[0]));
		assertEquals("0 0 0 1 1 1 1 1", join(out[1]));
		out = run05("", "- {id: softmax, kwargs: {axis: channel}}");
		// pixel 0: e^1 / (e^1 + e^10) and e^10 / (e^1 + e^10)
		assertEquals(Math.exp(1) / (Math.exp(1) + Math.exp(10)), out[0][0], TOL);
		assertEquals(Math.exp(10) / (Math.exp(1) + Math.exp(10)), out[1][0], TOL);
	}

	@Test
	void ensureDtypeTruncatesAndHoldsTheRange() throws IOException {
		float[][] out = run05(
			"- {id: scale_linear, kwargs: {gain: 0.5, offset: -1}}\n- {id: ensure_dtype, kwargs: {dtype: uint8}}\n" +
				"- {id: ensure_dtype, kwargs: {dtype: float32}}",
			"- {id: scale_linear, kwargs: {gain: 100}}\n- {id: ensure_dtype, kwargs: {dtype: int8}}");
		// channel 0: x/2 - 1 = -0.5, 0, 0.5, ..., 3 -> uint8 0 0 0 1 1 2 2 3 ->
		// float32 (the type the graph takes) -> x100 -> int8 0 0 0 100 100 127
		// 127 127
		assertEquals("0 0 0 100 100 127 127 127", join(out[0]));
		out = run05("",
			"- {id: scale_linear, kwargs: {gain: -1}}\n- {id: ensure_dtype, kwargs: {dtype: bool}}");
		assertEquals("1 1 1 1 1 1 1 1", join(out[0]));
	}

	@Test
	void stepsApplyInOrderWithStatisticsOfTheTensorAsItEntersTheChain()
		throws IOException
	{
		// *2, clip at 10, +1: 3 5 7 9 11 11 11 11
		float[][] out = run05(
			"- {id: scale_linear, kwargs: {gain: 2}}\n- {id: clip, kwargs: {max: 10}}\n" +
				"- {id: scale_linear, kwargs: {offset: 1}}", "");
		assertEquals("3 5 7 9 11 11 11 11", join(out[0]));
		// bioimageio.core takes a chain's statistics before its first step: the
		// mean subtracted after a
		// gain of 2 is still the raw image's 4.5
		out = run05(
			"- {id: scale_linear, kwargs: {gain: 2}}\n- {id: zero_mean_unit_variance, kwargs: {axes: [y, x]}}",
			"");
		assertEquals((2 * 8 - 4.5) / (Math.sqrt(5.25) + EPS), out[0][7], TOL);
	}

	@Test
	void postprocessingMatchesTheOutputToTheInputWithScaleMeanVariance()
		throws IOException
	{
		// normalised in, then mean and std of the raw input restored from the
		// output's own statistics
		float[][] out = run05(
			"- {id: zero_mean_unit_variance, kwargs: {axes: [y, x]}}",
			"- {id: scale_mean_variance, kwargs: {reference_tensor: raw, axes: [y, x]}}");
		for (int i = 0; i < 8; i++) {
			assertEquals(i + 1, out[0][i], 1e-4f);
			assertEquals(10 * (i + 1), out[1][i], 1e-3f);
		}
		// output percentiles of its own values: the identity gives the input back,
		// so 0..1 per channel
		out = run05("", "- {id: scale_range, kwargs: {axes: [y, x]}}");
		assertEquals(0, out[1][0], TOL);
		assertEquals(1, out[1][7], TOL);
		// postprocessing with the input's percentiles
		out = run05("- {id: scale_linear, kwargs: {gain: 3}}",
			"- {id: scale_range, kwargs: {axes: [y, x], reference_tensor: raw}}");
		assertEquals((3 * 8 - 1) / (7 + EPS), out[0][7], TOL);
	}

	@Test
	void perSampleIsOnePlanePerDatasetIsTheWholeStack() throws IOException {
		// two planes of one channel: 1..8 and 11..18. Per plane both become (x -
		// mean) / std of 1..8;
		// over the stack, the mean is 9.5 and the variance 5.25 (within) + 25
		// (between) = 30.25
		RasterImage stack = RasterImage.allocate(4, 2, 1, 2, 1, PixelType.FLOAT32);
		float[] p0 = (float[]) stack.plane(0, 0, 0), p1 = (float[]) stack.plane(0,
			1, 0);
		for (int i = 0; i < 8; i++) {
			p0[i] = i + 1;
			p1[i] = i + 11;
		}
		RasterImage perSample = run(package05(1,
			"- {id: zero_mean_unit_variance, kwargs: {axes: [y, x]}}", ""), stack);
		RasterImage perDataset = run(package05(1,
			"- {id: zero_mean_unit_variance, kwargs: {axes: [batch, y, x]}}", ""),
			stack);
		for (int i = 0; i < 8; i++) {
			assertEquals((i + 1 - 4.5) / (Math.sqrt(5.25) + EPS), ((float[]) perSample
				.plane(0, 1, 0))[i], TOL);
			assertEquals((i + 11 - 9.5) / (5.5 + EPS), ((float[]) perDataset.plane(0,
				1, 0))[i], TOL);
		}
	}

	@Test
	void generateAppliesTheGeneratorsPostprocessingPerSample()
		throws IOException
	{
		Path m = Files.createDirectories(dir.resolve("gen"));
		OnnxModels.generator(4, 0, 3, 2).write(m, "weights.onnx");
		Files.writeString(m.resolve("rdf.yaml"), """
				format_version: 0.5.7
				type: model
				name: generator
				inputs:
				  - id: z
				    axes: [{type: batch}, {type: index, id: latent, size: 4}]
				outputs:
				  - id: image
				    axes:
				      - {type: batch}
				      - {type: channel, channel_names: [c0]}
				      - {type: space, id: y, size: 3}
				      - {type: space, id: x, size: 2}
				    postprocessing:
				      - {id: scale_range, kwargs: {axes: [y, x]}}
				weights:
				  onnx: {source: weights.onnx}
				""");
		ModelDescriptor d = ModelLoader.load(m.resolve("rdf.yaml").toString(),
			ModelOverrides.NONE);
		RasterImage out = Generator.run(d, new GenerateOptions(3, 7, null, null,
			null, false, DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
				.none()).image();
		assertEquals(PixelType.FLOAT32, out.type());
		for (int z = 0; z < 3; z++) {
			// each sample's own minimum and maximum go to 0 and 1 (less eps / (max -
			// min + eps))
			float[] v = (float[]) out.plane(0, z, 0);
			float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
			for (float x : v) {
				min = Math.min(min, x);
				max = Math.max(max, x);
			}
			assertEquals(0, min, TOL);
			assertEquals(1, max, TOL);
		}
	}

	@Test
	void format04StepsAndModes() throws IOException {
		Path m = Files.createDirectories(dir.resolve("v04"));
		OnnxModels.identity(2).write(m, "weights.onnx");
		Files.writeString(m.resolve("rdf.yaml"),
			"""
					format_version: 0.4.10
					type: model
					name: identity 04
					inputs:
					  - name: x
					    data_type: float32
					    axes: bcyx
					    shape: {min: [1, 2, 1, 1], step: [0, 0, 1, 1]}
					    preprocessing:
					      - name: scale_linear
					        kwargs: {axes: xy, gain: [2, 3], offset: 1}
					      - name: zero_mean_unit_variance
					        kwargs: {mode: fixed, axes: xy, mean: [1, 2], std: [2, 4]}
					outputs:
					  - name: y
					    data_type: float32
					    axes: bcyx
					    shape: {reference_tensor: x, scale: [1, 1, 1, 1], offset: [0, 0, 0, 0]}
					    postprocessing:
					      - name: scale_range
					        kwargs: {mode: per_dataset, axes: xy, min_percentile: 0, max_percentile: 100}
					weights:
					  onnx: {source: weights.onnx}
					""");
		// the fixed mean/std of 0.4 take no statistics: (2x + 1 - 1) / 2 and (3x +
		// 1 - 2) / 4; then the
		// output's own minimum and maximum over the whole (one-plane) data set map
		// to 0..1
		float[][] out = channels(run(ModelLoader.load(m.resolve("rdf.yaml")
			.toString(), ModelOverrides.NONE), image()));
		assertEquals(0, out[0][0], TOL);
		assertEquals(3 / 7.0, out[0][3], TOL); // x = 4: (4 - 1) / (8 - 1)
		assertEquals(1, out[1][7], TOL);
	}

	@Test
	void unknownAndUnsupportedStepsAreNamed() throws IOException {
		GanException e = assertThrows(GanException.class, () -> run05(
			"- {id: magic, kwargs: {strength: 3}}", ""));
		assertTrue(e.getMessage().contains(
			"preprocessing step 'magic' is not a bioimage.io processing step"), e
				.getMessage());
		e = assertThrows(GanException.class, () -> run05(
			"- {id: zero_mean_unit_variance, kwargs: {axes: [x]}}", ""));
		assertTrue(e.getMessage().contains("takes statistics over axes [x]"), e
			.getMessage());
	}

	private float[][] run05(String pre, String post) throws IOException {
		return channels(run(package05(2, pre, post), image()));
	}

	/**
	 * A 0.5 package of the identity with {@code channels} channels and these
	 * steps (YAML list items).
	 */
	private ModelDescriptor package05(int channels, String pre, String post)
		throws IOException
	{
		Path m = Files.createTempDirectory(dir, "pkg");
		OnnxModels.identity(channels).write(m, "weights.onnx");
		String names = channels == 1 ? "[c0]" : "[c0, c1]";
		Files.writeString(m.resolve("rdf.yaml"), """
				format_version: 0.5.7
				type: model
				name: identity
				inputs:
				  - id: raw
				    axes:
				      - {type: batch}
				      - {type: channel, channel_names: %s}
				      - {type: space, id: y, size: {min: 1, step: 1}}
				      - {type: space, id: x, size: {min: 1, step: 1}}
				    preprocessing:
				%s
				outputs:
				  - id: out
				    axes:
				      - {type: batch}
				      - {type: channel, channel_names: %s}
				      - {type: space, id: y, size: {tensor_id: raw, axis_id: y}}
				      - {type: space, id: x, size: {tensor_id: raw, axis_id: x}}
				    postprocessing:
				%s
				weights:
				  onnx: {source: weights.onnx}
				""".formatted(names, indent(pre), names, indent(post)));
		return ModelLoader.load(m.resolve("rdf.yaml").toString(),
			ModelOverrides.NONE);
	}

	private static String indent(String items) {
		return items.isEmpty() ? "      []" : "      " + items.replace("\n",
			"\n      ");
	}

	/** Channel 0: 1..8, channel 1: 10..80, row by row. */
	private static RasterImage image() {
		RasterImage img = RasterImage.allocate(4, 2, 2, 1, 1, PixelType.FLOAT32);
		float[] c0 = (float[]) img.plane(0, 0, 0), c1 = (float[]) img.plane(1, 0,
			0);
		for (int i = 0; i < 8; i++) {
			c0[i] = i + 1;
			c1[i] = 10 * (i + 1);
		}
		return img;
	}

	private static RasterImage run(ModelDescriptor d, RasterImage img) {
		RasterImage out = ImageToImage.run(d, img, InferenceOptions.defaults()
			.withDevice(DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
				.none()).image();
		assertEquals(PixelType.FLOAT32, out.type(),
			"a bioimage.io package's result is its postprocessed output, in float");
		return out;
	}

	private static float[][] channels(RasterImage out) {
		float[][] c = new float[out.channels()][];
		for (int i = 0; i < c.length; i++)
			c[i] = (float[]) out.plane(i, 0, 0);
		return c;
	}

	private static String join(float[] v) {
		StringBuilder sb = new StringBuilder();
		for (float x : v)
			sb.append(sb.length() == 0 ? "" : " ").append((int) x);
		return sb.toString();
	}

	/**
	 * The inverse of fiji-gan's rounding uint8 preprocessing (scale, +0.5, clip,
	 * truncating cast) maps an identity model's output back to the input: it
	 * counted the +0.5 as an offset, which the cast had already taken away, so
	 * every pixel came back 0.5 / gain low (-0.496 on average at gain 1).
	 */
	@Test
	void theInverseOfAChainEndingInAnIntegerCastUndoesItsTruncation() {
		ProcessingChain toModel = ProcessingChain.resolve(List.of(
			new ProcessingStep.ScaleLinear(new double[] { 2 }, new double[] { 0.5 },
				List.of("batch", "channel", "y", "x")), new ProcessingStep.Clip(0,
					255.5), new ProcessingStep.EnsureDtype("uint8")), 1, null,
			"preprocessing");
		int n = 1000;
		float[] x = new float[n];
		for (int i = 0; i < n; i++)
			x[i] = i / 8.3f + 0.013f;
		float[][] v = { x.clone() };
		toModel.apply(v, n);
		toModel.inverse(new int[] { 0 }).apply(v, n);
		double bias = 0;
		for (int i = 0; i < n; i++) {
			assertEquals(x[i], v[0][i], 0.25 + 1e-5, "value " + x[i]);
			bias += (v[0][i] - x[i]) / n;
		}
		assertEquals(0, bias, 0.01);
		// a float cast is no truncation: the affine part inverted as it is
		ProcessingChain floats = ProcessingChain.resolve(List.of(
			new ProcessingStep.ScaleLinear(new double[] { 2 }, new double[] { 0.5 },
				List.of("batch", "channel", "y", "x")), new ProcessingStep.EnsureDtype(
					"float32")), 1, null, "preprocessing");
		float[][] f = { { 3f } };
		floats.apply(f, 1);
		floats.inverse(new int[] { 0 }).apply(f, 1);
		assertEquals(3f, f[0][0], 1e-6f);
	}
}
