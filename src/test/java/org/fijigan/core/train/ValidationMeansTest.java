
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.Tensor;
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
 * window is left out of its mean with a note.
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
}
