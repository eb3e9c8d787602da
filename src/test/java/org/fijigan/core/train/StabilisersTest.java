
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.autodiff.GradientBuilder;
import org.fijigan.core.train.autodiff.GraphEmitter;
import org.junit.jupiter.api.Test;

import Jama.Matrix;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Each stabiliser against its definition, computed here in plain Java: spectral
 * normalisation (one power iteration, division by σ, the gradient through σ
 * alone; repeated, σ tends to the largest singular value), the differentiable
 * augmentation's transforms and draws, the minibatch standard deviation, ADA's
 * probability and the EMA warm-up.
 */
class StabilisersTest {

	/**
	 * A graph built by {@code body} over float inputs; its outputs are what
	 * {@code body} returns.
	 */
	private static Map<String, float[]> run(Map<String, Tensor> inputs,
		Function<GraphEmitter, Map<String, String>> body) throws Exception
	{
		ModelProto.Builder mb = ModelProto.newBuilder().setIrVersion(8)
			.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(
				17));
		GraphProto.Builder g = mb.getGraphBuilder().setName("test");
		Map<String, long[]> shapes = new HashMap<>();
		for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
			StepGraph.addInput(g, in.getKey(), TensorProto.DataType.FLOAT_VALUE, in
				.getValue().shape());
			shapes.put(in.getKey(), in.getValue().shape());
		}
		GraphEmitter e = new GraphEmitter(g, shapes, 17);
		Map<String, String> outputs = body.apply(e);
		for (Map.Entry<String, String> o : outputs.entrySet()) {
			g.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(o
				.getValue()).addOutput(o.getKey()));
			g.addOutput(ValueInfoProto.newBuilder().setName(o.getKey()));
		}
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		Map<String, float[]> result = new LinkedHashMap<>();
		try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
			so.setIntraOpNumThreads(1);
			try (OrtSession s = env.createSession(mb.build().toByteArray(), so)) {
				Map<String, OnnxTensor> feeds = new HashMap<>();
				for (Map.Entry<String, Tensor> in : inputs.entrySet())
					feeds.put(in.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(
						in.getValue().floats()), in.getValue().shape()));
				try (OrtSession.Result r = s.run(feeds)) {
					for (Map.Entry<String, OnnxValue> o : r) {
						FloatBuffer fb = ((OnnxTensor) o.getValue()).getFloatBuffer();
						float[] v = new float[fb.remaining()];
						fb.get(v);
						result.put(o.getKey(), v);
					}
				}
				finally {
					feeds.values().forEach(OnnxTensor::close);
				}
			}
		}
		return result;
	}

	private static float[] random(Random r, int n) {
		float[] v = new float[n];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) r.nextGaussian();
		return v;
	}

	private static double[] normalize(double[] x) {
		double n = 0;
		for (double v : x)
			n += v * v;
		n = Math.max(Math.sqrt(n), 1e-12);
		double[] y = new double[x.length];
		for (int i = 0; i < x.length; i++)
			y[i] = x[i] / n;
		return y;
	}

	@Test
	void spectralNormIsOnePowerIterationWithTheGradientThroughSigmaAlone()
		throws Exception
	{
		// W [3, 2, 2, 2] is the matrix [3, 8]; loss = sum(W_SN * C)
		Random r = new Random(4);
		float[] w = random(r, 24), u = random(r, 3), c = random(r, 24);
		Map<String, Tensor> in = new LinkedHashMap<>();
		in.put("W", Tensor.of(w, 3, 2, 2, 2));
		in.put("u", Tensor.of(u, 3));
		in.put("C", Tensor.of(c, 3, 2, 2, 2));
		Map<String, float[]> out = run(in, e -> {
			SpectralNorm.Normalised n = SpectralNorm.emit(e, "W", "u", true);
			String loss = e.reduceSum(e.mul(n.weight(), "C"), new long[] { 0, 1, 2,
				3 }, false);
			return Map.of("w_sn", n.weight(), "u2", n.vector(), "grad",
				GradientBuilder.differentiate(e, loss, List.of("W")).get("W"));
		});
		// the definition, in double
		double[] v = new double[8], wv = new double[3];
		for (int j = 0; j < 8; j++)
			for (int i = 0; i < 3; i++)
				v[j] += w[i * 8 + j] * u[i];
		v = normalize(v);
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 8; j++)
				wv[i] += w[i * 8 + j] * v[j];
		double[] u2 = normalize(wv);
		double sigma = 0, dot = 0;
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 8; j++)
				sigma += u2[i] * w[i * 8 + j] * v[j];
		for (int k = 0; k < 24; k++)
			dot += w[k] * c[k];
		for (int i = 0; i < 3; i++)
			assertEquals(u2[i], out.get("u2")[i], 1e-6, "u'[" + i + "]");
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 8; j++) {
				int k = i * 8 + j;
				assertEquals(w[k] / sigma, out.get("w_sn")[k], 1e-5, "W_SN[" + k + "]");
				// d/dW sum(W C) / sigma with dsigma/dW = u' v^T (u', v constant)
				double grad = c[k] / sigma - dot / (sigma * sigma) * u2[i] * v[j];
				assertEquals(grad, out.get("grad")[k], 1e-5, "gradient[" + k + "]");
			}
		// without the iteration, u' = u
		Map<String, float[]> frozen = run(in, e -> Map.of("u2", SpectralNorm.emit(e,
			"W", "u", false).vector()));
		assertArrayEquals(u, frozen.get("u2"));
	}

	@Test
	void repeatedPowerIterationsFindTheLargestSingularValue() throws Exception {
		Random r = new Random(7);
		float[] w = random(r, 4 * 6);
		float[] u = random(r, 4);
		double sigma = 0;
		for (int it = 0; it < 60; it++) {
			Map<String, Tensor> in = Map.of("W", Tensor.of(w, 4, 6), "u", Tensor.of(u,
				4));
			Map<String, float[]> out = run(in, e -> {
				SpectralNorm.Normalised n = SpectralNorm.emit(e, "W", "u", true);
				return Map.of("u2", n.vector(), "w_sn", n.weight());
			});
			u = out.get("u2");
			sigma = w[0] / out.get("w_sn")[0];
		}
		double[][] m = new double[4][6];
		for (int i = 0; i < 4; i++)
			for (int j = 0; j < 6; j++)
				m[i][j] = w[i * 6 + j];
		double largest = new Matrix(m).transpose().svd().getSingularValues()[0];
		assertEquals(largest, sigma, 1e-4 * largest);
	}

	@Test
	void aStoppedGradientIsAConstant() throws Exception {
		// d/dx sum(x * stop(x)) = x, where sum(x * x) would give 2x
		float[] x = { 1.5f, -2f, 0.25f };
		Map<String, float[]> out = run(Map.of("x", Tensor.of(x, 3)), e -> {
			String loss = e.reduceSum(e.mul("x", e.stopGradient("x")), new long[] {
				0 }, false);
			return Map.of("g", GradientBuilder.differentiate(e, loss, List.of("x"))
				.get("x"));
		});
		assertArrayEquals(x, out.get("g"));
	}

	@Test
	void theAugmentationGraphIsTheDefinition() throws Exception {
		// two RGB 8x8 images, hand-picked parameters: sample 0 every transform,
		// sample 1 identity
		int n = 2, c = 3, h = 8, w = 8;
		long[] shape = { n, c, h, w };
		Random r = new Random(3);
		float[] x = new float[n * c * h * w];
		for (int i = 0; i < x.length; i++)
			x[i] = r.nextFloat() * 2 - 1;
		DiffAugment all = new DiffAugment(true, true, true);
		DiffAugment.Draw d = new DiffAugment.Draw(new float[] { 0.2f, 0 },
			new float[] { 1.6f, 1 }, new float[] { 0.7f, 1 }, new int[] { 1, 0 },
			new int[] { -1, 0 }, new int[] { 7, -1 }, new int[] { 0, -1 });
		Map<String, Tensor> in = new LinkedHashMap<>();
		in.put("x", Tensor.of(x, shape));
		in.putAll(all.tensors("aug", shape, d));
		float[] y = run(in, e -> Map.of("y", all.apply(e, "x", "aug"))).get("y");
		for (int s = 0; s < n; s++) {
			// color: brightness, saturation (against the mean over channels),
			// contrast (over the image)
			double[] col = new double[c * h * w];
			for (int k = 0; k < col.length; k++)
				col[k] = x[s * c * h * w + k] + d.brightness()[s];
			for (int p = 0; p < h * w; p++) {
				double mean = 0;
				for (int ch = 0; ch < c; ch++)
					mean += col[ch * h * w + p] / c;
				for (int ch = 0; ch < c; ch++)
					col[ch * h * w + p] = (col[ch * h * w + p] - mean) * d
						.saturation()[s] + mean;
			}
			double mean = 0;
			for (double v : col)
				mean += v / col.length;
			for (int k = 0; k < col.length; k++)
				col[k] = (col[k] - mean) * d.contrast()[s] + mean;
			for (int ch = 0; ch < c; ch++)
				for (int yy = 0; yy < h; yy++)
					for (int xx = 0; xx < w; xx++) {
						int sy = yy + d.shiftRows()[s], sx = xx + d.shiftColumns()[s];
						double expected = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0
							: col[(ch * h + sy) * w + sx];
						// cutout: a 4x4 square centred at (7, 0), clipped: rows 5..7,
						// columns 0..1
						if (d.cutoutRow()[s] >= 0 && yy >= 5 && xx <= 1) expected = 0;
						assertEquals(expected, y[((s * c + ch) * h + yy) * w + xx], 1e-5,
							"sample " + s + " (" + ch + ", " + yy + ", " + xx + ")");
					}
		}
	}

	@Test
	void augmentationDrawsFollowTheirRangesAndAreAFunctionOfSeedStepAndRole() {
		DiffAugment all = DiffAugment.parse("translation, cutout, color");
		assertEquals("color,translation,cutout", all.describe());
		Set<Integer> shifts = new HashSet<>();
		for (int step = 0; step < 20; step++) {
			DiffAugment.Draw d = all.draw(16, 16, 16, DiffAugment.stream(1, step, 0),
				1);
			for (int i = 0; i < 16; i++) {
				assertTrue(d.brightness()[i] >= -0.5 && d.brightness()[i] < 0.5);
				assertTrue(d.saturation()[i] >= 0 && d.saturation()[i] < 2);
				assertTrue(d.contrast()[i] >= 0.5 && d.contrast()[i] < 1.5);
				assertTrue(Math.abs(d.shiftRows()[i]) <= 2 && Math.abs(d
					.shiftColumns()[i]) <= 2); // 16 / 8
				assertTrue(d.cutoutRow()[i] >= 0 && d.cutoutRow()[i] < 16);
				shifts.add(d.shiftRows()[i]);
			}
		}
		assertEquals(Set.of(-2, -1, 0, 1, 2), shifts);
		// a cutout away from the borders zeroes an 8x8 square (half of 16)
		DiffAugment cut = new DiffAugment(false, false, true);
		Tensor mask = cut.tensors("a", new long[] { 1, 1, 16, 16 },
			new DiffAugment.Draw(new float[1], new float[1], new float[1], new int[1],
				new int[1], new int[] { 8 }, new int[] { 9 })).get("a/cutout");
		int zeros = 0;
		for (int y = 0; y < 16; y++)
			for (int x = 0; x < 16; x++)
				if (mask.floats()[y * 16 + x] == 0) {
					zeros++;
					assertTrue(y >= 4 && y < 12 && x >= 5 && x < 13, "zero at " + y +
						", " + x);
				}
		assertEquals(64, zeros);
		// p = 0: identity parameters
		DiffAugment.Draw none = all.draw(4, 16, 16, DiffAugment.stream(1, 0, 0), 0);
		assertArrayEquals(new float[4], none.brightness());
		assertArrayEquals(new float[] { 1, 1, 1, 1 }, none.contrast());
		assertArrayEquals(new int[4], none.shiftRows());
		assertArrayEquals(new int[] { -1, -1, -1, -1 }, none.cutoutRow());
		// the same seed, step and role draw the same; another step or role, another
		// draw
		assertArrayEquals(all.draw(4, 16, 16, DiffAugment.stream(1, 5, 1), 1)
			.brightness(), all.draw(4, 16, 16, DiffAugment.stream(1, 5, 1), 1)
				.brightness());
		assertNotEquals(all.draw(4, 16, 16, DiffAugment.stream(1, 5, 1), 1)
			.brightness()[0], all.draw(4, 16, 16, DiffAugment.stream(1, 6, 1), 1)
				.brightness()[0]);
		assertNotEquals(all.draw(4, 16, 16, DiffAugment.stream(1, 5, 1), 1)
			.brightness()[0], all.draw(4, 16, 16, DiffAugment.stream(1, 5, 0), 1)
				.brightness()[0]);
		assertEquals(DiffAugment.NONE, DiffAugment.parse("none"));
		assertThrows(GanException.class, () -> DiffAugment.parse(
			"translation,zoom"));
	}

	@Test
	void theMinibatchStandardDeviationIsOneFeatureMapPerGroupOfFour()
		throws Exception
	{
		int n = 8, c = 2, h = 3, w = 3;
		float[] x = random(new Random(5), n * c * h * w);
		float[] y = run(Map.of("x", Tensor.of(x, n, c, h, w)), e -> Map.of("y",
			Discriminator.minibatchStd(e, "x"))).get("y");
		assertEquals(n * (c + 1) * h * w, y.length);
		// groups of 4; sample s is in group s mod 2 (the batch reshaped to [4, 2,
		// ...])
		for (int group = 0; group < 2; group++) {
			double std = 0;
			for (int k = 0; k < c * h * w; k++) {
				double mean = 0, var = 0;
				for (int g = 0; g < 4; g++)
					mean += x[(g * 2 + group) * c * h * w + k] / 4;
				for (int g = 0; g < 4; g++) {
					double d = x[(g * 2 + group) * c * h * w + k] - mean;
					var += d * d / 4;
				}
				std += Math.sqrt(var + 1e-8) / (c * h * w);
			}
			for (int g = 0; g < 4; g++) {
				int s = g * 2 + group;
				for (int k = 0; k < c * h * w; k++)
					assertEquals(x[s * c * h * w + k], y[s * (c + 1) * h * w + k],
						"sample " + s);
				for (int p = 0; p < h * w; p++)
					assertEquals(std, y[(s * (c + 1) + c) * h * w + p], 1e-5, "sample " +
						s + " position " + p);
			}
		}
		assertEquals(4, Discriminator.groupSize(8));
		assertEquals(3, Discriminator.groupSize(6));
		assertEquals(2, Discriminator.groupSize(2));
		assertEquals(1, Discriminator.groupSize(7));
	}

	@Test
	void adaMovesTheProbabilityByTheSignOfTheHeuristicEveryFourSteps() {
		float[] s = AdaptiveAugment.initial();
		for (int i = 0; i < 3; i++)
			AdaptiveAugment.observe(s, 1, 64, 0.6);
		assertEquals(0, AdaptiveAugment.probability(s)); // not yet: every 4 steps
		AdaptiveAugment.observe(s, 0.2, 64, 0.6); // mean 0.8 > 0.6: up by 64 * 4 /
																							// 500k
		assertEquals(64 * 4 / 500_000.0, AdaptiveAugment.probability(s), 1e-9);
		for (int i = 0; i < 8; i++)
			AdaptiveAugment.observe(s, -1, 64, 0.6); // below the target: down, never
																								// below 0
		assertEquals(0, AdaptiveAugment.probability(s));
		float[] high = { 0.9999f, 0, 0 };
		for (int i = 0; i < 4; i++)
			AdaptiveAugment.observe(high, 1, 64, 0.6);
		assertEquals(1, AdaptiveAugment.probability(high));
	}

	@Test
	void theEmaWarmUpRampsTheDecayUp() {
		Stabilisers on = Stabilisers.DEFAULTS, off = on.withEmaWarmup(false);
		assertEquals(0.1, on.emaDecay(0.999, 0), 1e-12);
		assertEquals(201.0 / 210, on.emaDecay(0.999, 200), 1e-12);
		assertEquals(0.999, on.emaDecay(0.999, 100_000));
		assertEquals(0.999, off.emaDecay(0.999, 0));
		// the share of the initial weights in the average after 200 steps: 82%
		// without the warm-up
		double share = 1, shareOff = 1;
		for (int t = 0; t < 200; t++) {
			share *= on.emaDecay(0.999, t);
			shareOff *= off.emaDecay(0.999, t);
		}
		assertEquals(0.8186, shareOff, 1e-4);
		assertTrue(share < 1e-10, "share " + share);
	}

	@Test
	void badStabiliserValuesGetOneMessageEach() {
		assertEquals(Discriminator.Architecture.SNGAN, Stabilisers
			.parseDiscriminator("SNGAN"));
		assertEquals(null, Stabilisers.parseDiscriminator("auto"));
		Map<Runnable, String> cases = new LinkedHashMap<>();
		cases.put(() -> new Stabilisers(null, 32, false, false, DiffAugment.NONE,
			0.6, null, 1, true),
			"--ada-target adapts the probability of the differentiable augmentation");
		cases.put(() -> new Stabilisers(null, 32, false, false, DiffAugment.NONE, 1,
			null, 1, true), "--ada-target must be at least 0 and below 1");
		cases.put(() -> new Stabilisers(null, 32, false, false, DiffAugment.NONE, 0,
			0.0, 1, true), "--d-lr must be a positive number");
		cases.put(() -> new Stabilisers(null, 32, false, false, DiffAugment.NONE, 0,
			null, Integer.MAX_VALUE, true),
			"--d-steps must be at least 1 and at most 100 (WGAN-GP uses 5), got 2147483647");
		cases.put(() -> Stabilisers.parseDiscriminator("resnet"),
			"unknown discriminator 'resnet'");
		cases.put(() -> OptimizerConfig.parseBetas("0.5,1"),
			"--adam-betas needs two numbers in [0, 1)");
		cases.put(() -> OptimizerConfig.sgd(0.1).withBetas("0,0.9"),
			"--adam-betas applies to adam");
		cases.put(() -> Discriminator.create(Discriminator.Architecture.SNGAN, 1, 4,
			8, 0, Discriminator.Options.NONE, 1),
			"the sngan discriminator needs images of at least 8x8");
		for (Map.Entry<Runnable, String> c : cases.entrySet()) {
			GanException e = assertThrows(GanException.class, c.getKey()::run);
			assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
		}
		assertEquals(100, new Stabilisers(null, 32, false, false, DiffAugment.NONE,
			0, null, 100, true).discriminatorSteps());
		assertEquals(OptimizerConfig.adam(1e-3).withBetas(0, 0.9), OptimizerConfig
			.adam(1e-3).withBetas("0, 0.9"));
		assertEquals(OptimizerConfig.sgd(0.1), OptimizerConfig.sgd(0.1).withBetas(
			"0.5,0.999"));
		List<String> names = new ArrayList<>();
		for (Parameter p : Discriminator.create(Discriminator.Architecture.SNGAN, 1,
			32, 8, 3, new Discriminator.Options(true, true), 1).parameters())
			names.add(p.name() + java.util.Arrays.toString(p.shape()));
		// 32 -> 16 -> 8 -> 4: three stages, then the 3x3 convolution (with the std
		// channel), the
		// linear logit and the class embedding
		assertEquals(List.of("D/stage0a.w[8, 1, 3, 3]", "D/stage0a.b[8]",
			"D/stage0b.w[8, 8, 4, 4]", "D/stage0b.b[8]", "D/stage1a.w[16, 8, 3, 3]",
			"D/stage1a.b[16]", "D/stage1b.w[16, 16, 4, 4]", "D/stage1b.b[16]",
			"D/stage2a.w[32, 16, 3, 3]", "D/stage2a.b[32]",
			"D/stage2b.w[32, 32, 4, 4]", "D/stage2b.b[32]", "D/final.w[64, 33, 3, 3]",
			"D/final.b[64]", "D/linear.w[1, 64]", "D/linear.b[1]", "D/embed[3, 64]"),
			names);
		assertEquals(9, Discriminator.create(Discriminator.Architecture.SNGAN, 1,
			32, 8, 3, new Discriminator.Options(true, true), 1).spectralVectors()
			.size());
	}

	@Test
	void theDiscriminatorsWeightsAreCountedBeforeAndRefusedBeyondTheHeap() {
		for (Discriminator.Architecture a : Discriminator.Architecture.values())
			for (int classes : a == Discriminator.Architecture.PATCHGAN ? new int[] {
				0 } : new int[] { 0, 3 })
			{
				Discriminator d = Discriminator.create(a, 2, 32, 8, classes,
					new Discriminator.Options(true, true), 1);
				long n = 0;
				for (Parameter p : d.parameters())
					n += p.values().length;
				// three layers: SNGAN's stages for 32 -> 16 -> 8 -> 4, the others' own
				assertEquals(n, Discriminator.parameterCount(a, 2, 8, 3, classes, 1),
					a + " with " + classes + " classes");
			}
		GanException e = assertThrows(GanException.class, () -> Discriminator
			.create(Discriminator.Architecture.SNGAN, 1, 64, 100_000, 0,
				Discriminator.Options.NONE, 1));
		assertTrue(e.getMessage().startsWith(
			"a discriminator of width 100000 has 23140005500001 weights and needs about "),
			e.getMessage());
		assertTrue(e.getMessage().contains(
			"is free: use a smaller --discriminator-width (at most about "), e
				.getMessage());
	}
}
