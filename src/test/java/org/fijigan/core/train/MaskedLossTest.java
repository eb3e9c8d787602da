
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;
import org.junit.jupiter.api.Test;

/**
 * The masked pixel loss of the step graph (Noise2Void's:
 * {@code sum(m * l) / sum(m)}), on the affine model of {@link TrainerTest},
 * against arithmetic done here in double: the loss the step reports, the SGD
 * update it makes, and the validation loss.
 */
class MaskedLossTest {

	static final int C = TrainerTest.C, H = TrainerTest.H, W = TrainerTest.W;

	/**
	 * Seeded batches whose loss mask keeps about a quarter of the elements (never
	 * none).
	 */
	static final class Masked implements BatchSource {

		static Batch make(long seed, int n) {
			Random r = new Random(seed);
			float[] x = new float[n * C * H * W], t = new float[x.length], m =
				new float[x.length];
			for (int i = 0; i < x.length; i++) {
				x[i] = r.nextFloat();
				t[i] = r.nextFloat() * 3 - 1; // no affine map fits: the mask decides
																			// the gradient
				m[i] = r.nextInt(4) == 0 || i == 0 ? 1 : 0;
			}
			long[] s = { n, C, H, W };
			return new Batch(Map.of("x", Tensor.of(x, s)), Tensor.of(t, s), Tensor.of(
				m, s));
		}

		@Override
		public Batch batch(long step) {
			return make(500 + step, 3);
		}

		@Override
		public List<Batch> validation() {
			return List.of(make(9, 2));
		}

		@Override
		public String describe() {
			return "masked toy data";
		}
	}

	/**
	 * The loss, dL/dw and dL/db of L = sum(m l(x w + b - t)) / sum(m), in double.
	 */
	static double[] lossAndGradient(Batch b, double[] w, double[] bias,
		LossKind kind)
	{
		float[] x = b.inputs().get("x").floats(), t = b.target().floats(), m = b
			.lossMask().floats();
		double count = 0, loss = 0;
		double[] g = new double[2 * C + 1];
		for (float v : m)
			count += v;
		int plane = H * W;
		for (int i = 0; i < x.length; i++) {
			if (m[i] == 0) continue;
			int c = i / plane % C;
			double d = x[i] * w[c] + bias[c] - t[i];
			loss += (kind == LossKind.L2 ? d * d : Math.abs(d)) / count;
			double dl = (kind == LossKind.L2 ? 2 * d : Math.signum(d)) / count;
			g[c] += dl * x[i];
			g[C + c] += dl;
		}
		g[2 * C] = loss;
		return g;
	}

	@Test
	void theMaskedLossAndItsSgdStepMatchTheirDefinition() {
		for (LossKind kind : new LossKind[] { LossKind.L2, LossKind.L1 }) {
			Masked data = new Masked();
			Trainer.Result r = Trainer.train(TrainerTest.affine(), "y", null, "sha",
				data, TrainerTest.config(1, OptimizerConfig.sgd(0.1), kind),
				ProgressListener.NONE, CancellationToken.none());
			double[] g = lossAndGradient(data.batch(0), new double[] { 0.5, 0.5 },
				new double[] { 0, 0 }, kind);
			float[] row = r.history().get(0);
			assertEquals(g[2 * C], row[1], 1e-6, kind +
				": the step's loss is the masked mean");
			assertEquals(row[1], row[2], kind + ": the content loss is that loss");
			float[] w = TrainerTest.weight(r.model(), "w"), b = TrainerTest.weight(r
				.model(), "b");
			double[] w1 = new double[C], b1 = new double[C];
			for (int c = 0; c < C; c++) {
				w1[c] = 0.5 - 0.1 * g[c];
				b1[c] = -0.1 * g[C + c];
				assertEquals(w1[c], w[c], 1e-6, kind + " w[" + c + "]");
				assertEquals(b1[c], b[c], 1e-6, kind + " b[" + c + "]");
			}
			double validation = lossAndGradient(data.validation().get(0), w1, b1,
				kind)[2 * C];
			assertEquals(validation, row[4], 1e-5, kind +
				": validation uses the mask too");
			assertTrue(Float.isNaN(row[5]) && Float.isNaN(row[6]),
				"no PSNR or SSIM against a noisy target");
		}
	}

	@Test
	void anUnmaskedElementDoesNotMoveTheWeights() {
		// a mask of one element: the gradient is that element's alone
		float[] x = { 0.5f, 2f }, t = { 0f, 100f }, m = { 1f, 0f };
		long[] s = { 1, 1, 1, 2 };
		Batch b = new Batch(Map.of("x", Tensor.of(x, s)), Tensor.of(t, s), Tensor
			.of(m, s));
		var model = org.fijigan.testing.OnnxModels.builder().input("x", "N,1,1,2")
			.initializer("w", new float[] { 1f }, 1, 1, 1, 1).node("Mul", "x,w", "y")
			.output("y", "N,1,1,2").build();
		BatchSource one = new BatchSource() {

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
				return "one element";
			}
		};
		Trainer.Result r = Trainer.train(model, "y", null, "sha", one, TrainerTest
			.config(1, OptimizerConfig.sgd(1), LossKind.L2), ProgressListener.NONE,
			CancellationToken.none());
		// L = (0.5 w - 0)^2, dL/dw = 2 * 0.5 * 0.5 = 0.5 at w = 1; the masked
		// element (2w - 100)^2
		// would have pulled w up by 2 * 2 * 98 = 392
		assertEquals(0.5f, TrainerTest.weight(r.model(), "w")[0], 1e-6);
		assertEquals(0.25f, r.history().get(0)[1], 1e-6);
	}
}
