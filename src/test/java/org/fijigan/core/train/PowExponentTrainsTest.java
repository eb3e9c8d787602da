
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * A learnable exponent (PyTorch's {@code h ** self.g}, g an nn.Parameter,
 * exported as Pow with g an initializer) trains as PyTorch trains it: one SGD
 * step moves it by the learning rate times dL/dg = mean(2 (y - t) y ln x),
 * worked out here in double.
 */
class PowExponentTrainsTest {

	@Test
	void aPowExponentInitializerTrains() {
		ModelProto m = OnnxModels.builder().opset(13).input("x", "N,1,H,W")
			.initializer("g", new float[] { 1.5f }).initializer("w", new float[] {
				0.5f }, 1).node("Pow", "x,g", "p").node("Mul", "p,w", "y").output("y",
					"N,1,H,W").build();
		float[] x = new float[16], t = new float[16];
		for (int i = 0; i < 16; i++) {
			x[i] = 0.5f + i / 8f;
			t[i] = 1 + i / 16f;
		}
		long[] shape = { 1, 1, 4, 4 };
		Batch b = new Batch(Map.of("x", Tensor.of(x, shape)), Tensor.of(t, shape));
		BatchSource data = new BatchSource() {

			@Override
			public Batch batch(long step) {
				return b;
			}

			@Override
			public List<Batch> validation() {
				return List.of();
			}

			@Override
			public String describe() {
				return "ramp";
			}
		};
		Trainer.Result r = Trainer.train(m, "y", null, "sha", data, TrainerTest
			.config(1, OptimizerConfig.sgd(0.1), LossKind.L2), ProgressListener.NONE,
			CancellationToken.none());
		double dg = 0, dw = 0;
		for (int i = 0; i < 16; i++) {
			double p = Math.pow(x[i], 1.5), y = 0.5 * p, d = 2 * (y - t[i]) / 16;
			dg += d * y * Math.log(x[i]);
			dw += d * p;
		}
		assertEquals(1.5 - 0.1 * dg, TrainerTest.weight(r.model(), "g")[0], 1e-6);
		assertEquals(0.5 - 0.1 * dw, TrainerTest.weight(r.model(), "w")[0], 1e-6);
		assertEquals(List.of(), r.notes());
	}
}
