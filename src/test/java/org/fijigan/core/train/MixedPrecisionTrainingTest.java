
package org.fijigan.core.train;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.onnx.ElementTypes;
import org.fijigan.core.train.autodiff.Tensors;
import org.fijigan.core.train.data.Batch;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Training steps of models with a float64 or float16 part, or with weights
 * stored in another float type than float32, checked against the gradient in
 * closed form, computed here in double on {@link TrainerTest}'s data.
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

	/**
	 * A model of IR version 3 (every initializer a graph input, as older
	 * exporters write) with a float64 part: the float32 constants written again
	 * in float64 are not left behind unused, which ONNX Runtime refuses there.
	 */
	@Test
	void anIrVersion3ModelWithAFloat64PartTrains() {
		ModelProto m = sigmoidIn(TensorProto.DataType.DOUBLE_VALUE);
		ModelProto.Builder b = m.toBuilder().setIrVersion(3);
		b.getOpsetImportBuilder(0).setVersion(9);
		for (TensorProto t : m.getGraph().getInitializerList())
			b.getGraphBuilder().addInput(OnnxModels.valueInfo(t.getName(), t
				.getDataType(), "1," + C + ",1,1"));
		Trainer.Result r = Trainer.train(b.build(), "y", null, "sha",
			new TrainerTest.Toy(2), TrainerTest.config(1, OptimizerConfig.sgd(1),
				LossKind.L2), ProgressListener.NONE, CancellationToken.none());
		assertTrue(TrainerTest.weight(r.model(), "w")[0] != 0.5f);
	}

	/**
	 * {@link TrainerTest#affine} with w and b stored as {@code type}, each cast
	 * to float32 where the model takes it; or, with {@code whole}, all of it
	 * computed in {@code type} between a Cast of x and a Cast of y.
	 */
	private static ModelProto affineStoredAs(int type, boolean whole) {
		String shape = "N," + C + "," + H + "," + W;
		int compute = whole ? type : TensorProto.DataType.FLOAT_VALUE;
		return OnnxModels.builder().input("x", shape).initializer(Tensors
			.floatTensor("w", new float[] { 0.5f, 0.5f }, type, 1, C, 1, 1))
			.initializer(Tensors.floatTensor("b", new float[] { 0.1f, 0.1f }, type, 1,
				C, 1, 1)).node("Cast", "x", "xc", attrInt("to", compute)).node("Cast",
					"w", "wc", attrInt("to", compute)).node("Cast", "b", "bc", attrInt(
						"to", compute)).node("Mul", "xc,wc", "xw").node("Add", "xw,bc",
							"yc").node("Cast", "yc", "y", attrInt("to",
								TensorProto.DataType.FLOAT_VALUE)).output("y", shape).build();
	}

	/**
	 * Weights stored as float16, float64 or bfloat16 train (in float32, from
	 * their stored values) and are written back in their own type, rounded to it;
	 * the run says so.
	 */
	@ParameterizedTest
	@ValueSource(ints = { TensorProto.DataType.FLOAT16_VALUE,
		TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.BFLOAT16_VALUE })
	void weightsStoredInAnotherFloatTypeTrainAndKeepIt(int type) {
		ModelProto m = affineStoredAs(type, false);
		float[] w0 = TrainerTest.weight(m, "w"), b0 = TrainerTest.weight(m, "b");
		TrainerTest.Toy data = new TrainerTest.Toy(2);
		Trainer.Result r = Trainer.train(m, "y", null, "sha", data, TrainerTest
			.config(1, OptimizerConfig.sgd(0.1), LossKind.L2), ProgressListener.NONE,
			CancellationToken.none());
		double[][] g = TrainerTest.l2Gradient(data.batch(0), new double[] { w0[0],
			w0[1] }, new double[] { b0[0], b0[1] });
		for (String name : List.of("w", "b")) {
			TensorProto t = tensor(r.model(), name);
			assertEquals(type, t.getDataType(), name);
			float[] v = Tensors.floats(t), before = name.equals("w") ? w0 : b0;
			double[] grad = g[name.equals("w") ? 0 : 1];
			for (int c = 0; c < C; c++) {
				float expected = (float) (before[c] - 0.1 * grad[c]);
				// the value written is the float32 result rounded to the stored type
				assertEquals(Tensors.floats(Tensors.floatTensor("e", new float[] {
					expected }, type, 1))[0], v[c], Math.ulp(expected) * 4, name);
			}
		}
		assertEquals(List.of("2 weights are stored as " + ElementTypes.widthName(
			type) + " (w, b): trained in float32 and written back as " + ElementTypes
				.widthName(type) + (type == TensorProto.DataType.DOUBLE_VALUE
					? " (with float32's precision)" : ", rounded to it")), r.notes());
	}

	/**
	 * A model all in float16 (its weights too, with float32 input and output)
	 * trains rather than being refused for want of float32 parameters.
	 */
	@Test
	void aModelAllInFloat16Trains() {
		int f16 = TensorProto.DataType.FLOAT16_VALUE;
		TrainerTest.Toy data = new TrainerTest.Toy(2);
		Trainer.Result r = Trainer.train(affineStoredAs(f16, true), "y", null,
			"sha", data, TrainerTest.config(1, OptimizerConfig.sgd(0.1), LossKind.L2),
			ProgressListener.NONE, CancellationToken.none());
		double b0 = Tensors.floats(Tensors.floatTensor("b", new float[] { 0.1f },
			f16, 1))[0];
		double[][] g = TrainerTest.l2Gradient(data.batch(0), new double[] { 0.5,
			0.5 }, new double[] { b0, b0 });
		float[] w = TrainerTest.weight(r.model(), "w");
		assertEquals(f16, tensor(r.model(), "w").getDataType());
		// float16 computation and storage: within a few float16 steps of 0.5
		for (int c = 0; c < C; c++)
			assertEquals(0.5 - 0.1 * g[0][c], w[c], 2e-3);
		assertTrue(w[0] != 0.5f);
	}

	/**
	 * A model converted to float16 whole, its input and output too (as
	 * onnxconverter-common writes without keep_io_types): the float32 data is
	 * cast where the model takes it, and the model written keeps its float16
	 * input and output.
	 */
	@Test
	void aModelWithFloat16InputAndOutputTrains() {
		int f16 = TensorProto.DataType.FLOAT16_VALUE;
		String shape = "N," + C + "," + H + "," + W;
		ModelProto m = OnnxModels.builder().input("x", f16, shape).initializer(
			Tensors.floatTensor("w", new float[] { 0.5f, 0.5f }, f16, 1, C, 1, 1))
			.initializer(Tensors.floatTensor("b", new float[] { 0f, 0f }, f16, 1, C,
				1, 1)).node("Mul", "x,w", "xw").node("Add", "xw,b", "y").output("y",
					f16, shape).build();
		TrainerTest.Toy data = new TrainerTest.Toy(2);
		Trainer.Result r = Trainer.train(m, "y", null, "sha", data, TrainerTest
			.config(1, OptimizerConfig.sgd(0.1), LossKind.L2), ProgressListener.NONE,
			CancellationToken.none());
		double[][] g = TrainerTest.l2Gradient(data.batch(0), new double[] { 0.5,
			0.5 }, new double[] { 0, 0 });
		float[] w = TrainerTest.weight(r.model(), "w");
		for (int c = 0; c < C; c++)
			assertEquals(0.5 - 0.1 * g[0][c], w[c], 2e-3);
		assertEquals(m.getGraph().getInputList(), r.model().getGraph()
			.getInputList());
		assertEquals(m.getGraph().getOutputList(), r.model().getGraph()
			.getOutputList());
	}

	@Test
	void nonFiniteWeightsOfAnyFloatTypeAreRefused() {
		ModelProto bad = OnnxModels.builder().input("x", "N,1,H,W").initializer(
			Tensors.floatTensor("h", new float[] { 1, Float.NaN },
				TensorProto.DataType.FLOAT16_VALUE, 2)).initializer(Tensors.floatTensor(
					"d", new float[] { Float.POSITIVE_INFINITY },
					TensorProto.DataType.DOUBLE_VALUE, 1)).node("Identity", "x", "y")
			.output("y", "N,1,H,W").build();
		assertEquals(
			"model m holds 2 NaN or infinite weights (in tensors h, d): it cannot be trained; start from its original weights or a fresh model",
			assertThrows(GanException.class, () -> Parameters.refuseNonFinite(bad,
				"m")).getMessage());
	}

	private static TensorProto tensor(ModelProto m, String name) {
		return m.getGraph().getInitializerList().stream().filter(t -> t.getName()
			.equals(name)).findFirst().orElseThrow();
	}
}
