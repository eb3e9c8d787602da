
package org.fijigan.core.train;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.train.data.Batch;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Training steps of models with a float64 or float16 part, checked against the
 * gradient in closed form, computed here in double on {@link TrainerTest}'s
 * data.
 */
class MixedPrecisionTrainingTest {

	private static final int C = TrainerTest.C, H = TrainerTest.H, W =
		TrainerTest.W;

	/**
	 * y = sigmoid(x w + b), the sigmoid computed in {@code type} between two
	 * Casts; w = 0.5 and b = 0.1 per channel, float32.
	 */
	private static ModelProto sigmoidIn(int type) {
		String shape = "N," + C + "," + H + "," + W;
		return OnnxModels.builder().input("x", shape).initializer("w", new float[] {
			0.5f, 0.5f }, 1, C, 1, 1).initializer("b", new float[] { 0.1f, 0.1f }, 1,
				C, 1, 1).node("Mul", "x,w", "xw").node("Add", "xw,b", "z").node("Cast",
					"z", "zt", attrInt("to", type)).node("Sigmoid", "zt", "st").node(
						"Cast", "st", "y", attrInt("to", TensorProto.DataType.FLOAT_VALUE))
			.output("y", shape).build();
	}

	@ParameterizedTest
	@ValueSource(ints = { TensorProto.DataType.DOUBLE_VALUE,
		TensorProto.DataType.FLOAT16_VALUE })
	void aSigmoidInAnotherFloatTypeTrainsItsWeights(int type) {
		TrainerTest.Toy data = new TrainerTest.Toy(2);
		Trainer.Result r = Trainer.train(sigmoidIn(type), "y", null, "sha", data,
			TrainerTest.config(1, OptimizerConfig.sgd(1), LossKind.L2),
			ProgressListener.NONE, CancellationToken.none());
		// L = mean((s - t)^2), s = sigmoid(x w + b): dL/dw = mean(2 (s - t) s (1 -
		// s) x) per channel
		Batch b = data.batch(0);
		float[] x = b.inputs().get("x").floats(), t = b.target().floats();
		double[] gw = new double[C], gb = new double[C];
		for (int i = 0; i < x.length; i++) {
			int c = i / (H * W) % C;
			double s = 1 / (1 + Math.exp(-(x[i] * 0.5 + 0.1)));
			double d = 2 * (s - t[i]) * s * (1 - s) / x.length;
			gw[c] += d * x[i];
			gb[c] += d;
		}
		// float16 keeps 11 bits of s and of each gradient element
		double tolerance = type == TensorProto.DataType.DOUBLE_VALUE ? 1e-6 : 2e-4;
		float[] w = TrainerTest.weight(r.model(), "w"), bias = TrainerTest.weight(r
			.model(), "b");
		for (int c = 0; c < C; c++) {
			assertEquals(0.5 - gw[c], w[c], tolerance);
			assertEquals(0.1 - gb[c], bias[c], tolerance);
		}
	}
}
