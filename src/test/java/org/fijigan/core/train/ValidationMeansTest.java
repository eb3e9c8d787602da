
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.eval.Metrics;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The validation loss, PSNR and SSIM are means over the held-out images: a last
 * batch smaller than the others weighs as many images as it holds, a
 * channels-last output is read as such, and an image too small for SSIM's
 * window is left out of its mean with a note (SSIM is blank where all are).
 */
class ValidationMeansTest {

	/** y = x w + b, w = 0.5 and b = 0 scalars, in the given layout. */
	static ModelProto affine(String shape) {
		return OnnxModels.builder().opset(13).input("x", shape).initializer("w",
			new float[] { 0.5f }, 1).initializer("b", new float[] { 0f }, 1).node(
				"Mul", "x,w", "xw").node("Add", "xw,b", "y").output("y", shape).build();
	}

	/** Trains one step of SGD at a negligible rate, validating on {@code v}. */
	static Trainer.Result train(ModelProto m, TensorLayout layout,
		List<Batch> v)
	{
		BatchSource data = new BatchSource() {

			@Override
			public Batch batch(long step) {
				return v.get(0);
			}

			@Override
			public List<Batch> validation() {
				return v;
			}

			@Override
			public String describe() {
				return "held-out batches";
			}
		};
		FineTuneConfig c = new FineTuneConfig(1, OptimizerConfig.sgd(1e-12),
			LossKind.L1, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, null,
			100, false, List.of(), 0, 0);
		return Trainer.train(m, new TrainingTarget("y", null, null, 0, false, 1,
			"sha", layout), data, c, ProgressListener.NONE, CancellationToken.none());
	}

	/** n images of x = 0 (so y = 0) and target {@code t}: L1 loss t each. */
	static Batch constant(int n, float t) {
		long[] s = { n, 1, 4, 4 };
		float[] target = new float[n * 16];
		java.util.Arrays.fill(target, t);
		return new Batch(Map.of("x", Tensor.of(new float[n * 16], s)), Tensor.of(
			target, s));
	}

	@Test
	void theValidationLossIsTheMeanOverImagesNotBatches() {
		// four images of loss 0.1 and one of loss 1: 0.28 per image, 0.55 per
		// batch
		Trainer.Result r = train(affine("N,1,H,W"), TensorLayout.BCYX, List.of(
			constant(4, 0.1f), constant(1, 1f)));
		assertEquals(0.28, r.history().get(0)[4], 1e-6);
	}

	@Test
	void aChannelsLastOutputGetsTheSsimOfItsChannelsFirstTwin() {
		int c = 2, h = 12, w = 13;
		Random random = new Random(5);
		float[] x = OnnxModels.randomFloats(random, c * h * w, 1f), t = OnnxModels
			.randomFloats(random, c * h * w, 1f), y = new float[x.length];
		for (int i = 0; i < x.length; i++)
			y[i] = 0.5f * x[i];
		double expected = Metrics.ssim(t, y, c, h, w, 1);
		// the same images, channels last
		float[] xl = new float[x.length], tl = new float[x.length];
		for (int ch = 0; ch < c; ch++)
			for (int i = 0; i < h * w; i++) {
				xl[i * c + ch] = x[ch * h * w + i];
				tl[i * c + ch] = t[ch * h * w + i];
			}
		long[] first = { 1, c, h, w }, last = { 1, h, w, c };
		Trainer.Result nchw = train(affine("N," + c + ",H,W"), TensorLayout.BCYX,
			List.of(new Batch(Map.of("x", Tensor.of(x, first)), Tensor.of(t,
				first))));
		Trainer.Result nhwc = train(affine("N,H,W," + c), TensorLayout.BYXC, List
			.of(new Batch(Map.of("x", Tensor.of(xl, last)), Tensor.of(tl, last))));
		assertEquals(expected, nchw.history().get(0)[6], 1e-5);
		assertEquals(expected, nhwc.history().get(0)[6], 1e-5);
		assertEquals(nchw.history().get(0)[5], nhwc.history().get(0)[5], 1e-4);
	}

	@Test
	void anImageTooSmallForSsimIsLeftOutOfItsMeanWithANote() {
		Random random = new Random(9);
		long[] big = { 1, 1, 12, 12 }, small = { 1, 1, 8, 8 };
		float[] x = OnnxModels.randomFloats(random, 144, 1f), t = OnnxModels
			.randomFloats(random, 144, 1f), y = new float[144];
		for (int i = 0; i < 144; i++)
			y[i] = 0.5f * x[i];
		Batch b = new Batch(Map.of("x", Tensor.of(x, big)), Tensor.of(t, big));
		Batch s = new Batch(Map.of("x", Tensor.of(OnnxModels.randomFloats(random,
			64, 1f), small)), Tensor.of(OnnxModels.randomFloats(random, 64, 1f),
				small));
		Trainer.Result r = train(affine("N,1,H,W"), TensorLayout.BCYX, List.of(b,
			s));
		assertEquals(Metrics.ssim(t, y, 1, 12, 12, 1), r.history().get(0)[6], 1e-5);
		assertTrue(r.notes().contains("validation SSIM leaves out 1 of the 2 " +
			"held-out images, under 11 pixels on a side (SSIM's window)"), r.notes()
				.toString());
		Trainer.Result none = train(affine("N,1,H,W"), TensorLayout.BCYX, List.of(
			s));
		assertTrue(Float.isNaN(none.history().get(0)[6]));
		assertTrue(none.notes().stream().noneMatch(n -> n.contains("SSIM")), none
			.notes().toString()); // blank: not computed
	}
}
