
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.train.autodiff.Tensors;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * The training loop on a model whose gradient is known in closed form: y = x *
 * w + b per channel, target 2x + 0.5, so every step can be checked against
 * arithmetic done here in double.
 */
class TrainerTest {

	@TempDir
	Path dir;

	static final int C = 2, H = 4, W = 5;

	/** y = x * w + b with w, b of shape [1, C, 1, 1], initial w = 0.5, b = 0. */
	static ModelProto affine() {
		return OnnxModels.builder().input("x", "N," + C + "," + H + "," + W)
			.initializer("w", new float[] { 0.5f, 0.5f }, 1, C, 1, 1).initializer("b",
				new float[] { 0f, 0f }, 1, C, 1, 1).node("Mul", "x,w", "xw").node("Add",
					"xw,b", "y").output("y", "N," + C + "," + H + "," + W).build();
	}

	/**
	 * Seeded batches: x uniform in [0, 1), target 2x + 0.5; validation from a
	 * separate seed.
	 */
	static final class Toy implements BatchSource {

		final int batch;

		Toy(int batch) {
			this.batch = batch;
		}

		static Batch make(long seed, int n) {
			Random r = new Random(seed);
			float[] x = new float[n * C * H * W], t = new float[x.length];
			for (int i = 0; i < x.length; i++) {
				x[i] = r.nextFloat();
				t[i] = 2 * x[i] + 0.5f;
			}
			long[] s = { n, C, H, W };
			return new Batch(Map.of("x", Tensor.of(x, s)), Tensor.of(t, s));
		}

		@Override
		public Batch batch(long step) {
			return make(1000 + step, batch);
		}

		@Override
		public List<Batch> validation() {
			return List.of(make(7, 2));
		}

		@Override
		public String describe() {
			return "toy affine data";
		}
	}

	static FineTuneConfig config(int steps, OptimizerConfig opt, LossKind loss) {
		return new FineTuneConfig(steps, opt, loss, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, null, 100, false,
			List.of(), 0, 0);
	}

	static float[] weight(ModelProto m, String name) {
		for (TensorProto t : m.getGraph().getInitializerList())
			if (t.getName().equals(name)) return Tensors.floats(t);
		throw new AssertionError(name);
	}

	/** dL/dw and dL/db of L = mean((x w + b - t)^2) for one batch, in double. */
	static double[][] l2Gradient(Batch b, double[] w, double[] bias) {
		float[] x = b.inputs().get("x").floats(), t = b.target().floats();
		double[] gw = new double[C], gb = new double[C];
		int n = x.length, plane = H * W;
		for (int i = 0; i < n; i++) {
			int c = i / plane % C;
			double d = x[i] * w[c] + bias[c] - t[i];
			gw[c] += 2 * d * x[i] / n;
			gb[c] += 2 * d / n;
		}
		return new double[][] { gw, gb };
	}

	@Test
	void oneSgdStepIsExactlyWeightMinusLearningRateTimesGradient() {
		Toy data = new Toy(3);
		Trainer.Result r = Trainer.train(affine(), "y", null, "sha", data, config(1,
			OptimizerConfig.sgd(0.1), LossKind.L2), ProgressListener.NONE,
			CancellationToken.none());
		double[][] g = l2Gradient(data.batch(0), new double[] { 0.5, 0.5 },
			new double[] { 0, 0 });
		float[] w = weight(r.model(), "w"), b = weight(r.model(), "b");
		for (int c = 0; c < C; c++) {
			assertEquals(0.5 - 0.1 * g[0][c], w[c], 1e-6);
			assertEquals(-0.1 * g[1][c], b[c], 1e-6);
		}
		assertEquals("cpu", r.provider());
		// the trained model keeps the original's inputs, outputs and graph
		assertEquals(affine().getGraph().getNodeList(), r.model().getGraph()
			.getNodeList());
		assertEquals("sha", r.model().getMetadataPropsList().stream().filter(e -> e
			.getKey().equals("fiji-gan.fine_tune.base_sha256")).findFirst()
			.orElseThrow().getValue());
	}

	@Test
	void adamMatchesItsDefinitionOverThreeSteps() {
		Toy data = new Toy(2);
		OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 0.05,
			0.9, 0.99, 1e-8, 0);
		Trainer.Result r = Trainer.train(affine(), "y", null, "sha", data, config(3,
			adam, LossKind.L2), ProgressListener.NONE, CancellationToken.none());
		double[] w = { 0.5, 0.5 }, b = { 0, 0 };
		double[][] m = new double[2][C], v = new double[2][C];
		for (int t = 1; t <= 3; t++) {
			double[][] g = l2Gradient(data.batch(t - 1), w, b);
			double[][] p = { w, b };
			for (int k = 0; k < 2; k++)
				for (int c = 0; c < C; c++) {
					m[k][c] = 0.9 * m[k][c] + 0.1 * g[k][c];
					v[k][c] = 0.99 * v[k][c] + 0.01 * g[k][c] * g[k][c];
					double mh = m[k][c] / (1 - Math.pow(0.9, t)), vh = v[k][c] / (1 - Math
						.pow(0.99, t));
					p[k][c] -= 0.05 * mh / (Math.sqrt(vh) + 1e-8);
				}
		}
		float[] tw = weight(r.model(), "w"), tb = weight(r.model(), "b");
		for (int c = 0; c < C; c++) {
			assertEquals(w[c], tw[c], 1e-5);
			assertEquals(b[c], tb[c], 1e-5);
		}
	}

	/**
	 * SGD under the cosine schedule: step t uses lr * (1 + cos(pi t / T)) / 2.
	 */
	@Test
	void theCosineScheduleScalesEachStepsLearningRate() {
		Toy data = new Toy(2);
		OptimizerConfig sgd = OptimizerConfig.sgd(0.2).withSchedule(
			OptimizerConfig.Schedule.COSINE);
		Trainer.Result r = Trainer.train(affine(), "y", null, "sha", data, config(3,
			sgd, LossKind.L2), ProgressListener.NONE, CancellationToken.none());
		double[] w = { 0.5, 0.5 }, b = { 0, 0 };
		double[] factors = { 1, 0.75, 0.25 }; // (1 + cos(0)) / 2, (1 + cos(pi/3)) /
																					// 2, (1 + cos(2pi/3)) / 2
		for (int t = 0; t < 3; t++) {
			assertEquals(factors[t], OptimizerConfig.Schedule.COSINE.factor(t, 3),
				1e-12);
			double[][] g = l2Gradient(data.batch(t), w, b);
			for (int c = 0; c < C; c++) {
				w[c] -= 0.2 * factors[t] * g[0][c];
				b[c] -= 0.2 * factors[t] * g[1][c];
			}
		}
		float[] tw = weight(r.model(), "w"), tb = weight(r.model(), "b");
		for (int c = 0; c < C; c++) {
			assertEquals(w[c], tw[c], 1e-6);
			assertEquals(b[c], tb[c], 1e-6);
		}
		assertEquals(1.0, OptimizerConfig.Schedule.CONSTANT.factor(2, 3));
	}

	@Test
	void shortFineTuneLowersTheValidationLoss() {
		Toy data = new Toy(4);
		Trainer.Result before = Trainer.train(affine(), "y", null, "sha", data,
			config(1, OptimizerConfig.adam(1e-9), LossKind.L2), ProgressListener.NONE,
			CancellationToken.none());
		Trainer.Result after = Trainer.train(affine(), "y", null, "sha", data,
			config(60, OptimizerConfig.adam(0.05), LossKind.L2),
			ProgressListener.NONE, CancellationToken.none());
		float v0 = before.history().get(0)[4], v1 = after.history().get(59)[4];
		assertTrue(v1 < v0 / 10, "validation loss " + v0 + " -> " + v1);
	}

	@Test
	void resumeGivesTheSameWeightsAsAnUninterruptedRun() {
		Toy data = new Toy(2);
		OptimizerConfig adam = OptimizerConfig.adam(0.02);
		Trainer.Result whole = Trainer.train(affine(), "y", null, "sha", data,
			config(6, adam, LossKind.L2), ProgressListener.NONE, CancellationToken
				.none());
		Path ck = dir.resolve("ck");
		FineTuneConfig part = new FineTuneConfig(3, adam, LossKind.L2, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, ck, 3, false, List
				.of(), 0, 0);
		Trainer.train(affine(), "y", null, "sha", data, part, ProgressListener.NONE,
			CancellationToken.none());
		FineTuneConfig rest = new FineTuneConfig(6, adam, LossKind.L2, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, ck, 3, true, List
				.of(), 0, 0);
		Trainer.Result resumed = Trainer.train(affine(), "y", null, "sha", data,
			rest, ProgressListener.NONE, CancellationToken.none());
		assertArrayEquals(weight(whole.model(), "w"), weight(resumed.model(), "w"));
		assertArrayEquals(weight(whole.model(), "b"), weight(resumed.model(), "b"));
		assertEquals(6, resumed.history().size());
		GanException other = assertThrows(GanException.class, () -> Trainer.train(
			affine(), "y", null, "other", data, rest, ProgressListener.NONE,
			CancellationToken.none()));
		assertTrue(other.getMessage().contains("belongs to another model"));
	}

	@Test
	void theModelARunWroteGoesOnWithItsCheckpoint() {
		// as after --replace-input-model: the input is now the run's own result
		Toy data = new Toy(2);
		OptimizerConfig adam = OptimizerConfig.adam(0.02);
		Trainer.Result whole = Trainer.train(affine(), "y", null, "sha", data,
			config(6, adam, LossKind.L2), ProgressListener.NONE, CancellationToken
				.none());
		Path ck = dir.resolve("ck-replaced");
		Trainer.Result firstPart = Trainer.train(affine(), "y", null, "sha", data,
			new FineTuneConfig(3, adam, LossKind.L2, 0, AdversarialKind.NONSATURATING,
				1, DeviceSpec.CPU, 1, ck, 3, false, List.of(), 0, 0),
			ProgressListener.NONE, CancellationToken.none());
		FineTuneConfig rest = new FineTuneConfig(6, adam, LossKind.L2, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, ck, 3, true, List
				.of(), 0, 0);
		// a model that another run from the same base wrote (6 steps, not 3)
		GanException other = assertThrows(GanException.class, () -> Trainer.train(
			whole.model(), "y", null, "sha of the whole", data, rest,
			ProgressListener.NONE, CancellationToken.none()));
		assertTrue(other.getMessage().contains("belongs to another model"), other
			.getMessage());
		Path first = write(firstPart, "first.onnx");
		String firstSha = FileHashes.sha256(first, "");
		Trainer.Result resumed = Trainer.train(firstPart.model(), "y", null,
			firstSha, data, rest, ProgressListener.NONE, CancellationToken.none());
		assertArrayEquals(weight(whole.model(), "w"), weight(resumed.model(), "w"));
		assertArrayEquals(weight(whole.model(), "b"), weight(resumed.model(), "b"));
		assertEquals(List.of("sha"), resumed.model().getMetadataPropsList().stream()
			.filter(e -> e.getKey().equals("fiji-gan.fine_tune.base_sha256")).map(
				e -> e.getValue()).toList());
		assertTrue(resumed.notes().stream().anyMatch(n -> n.contains(
			"wrote at step 3: going on with that run")), resumed.notes().toString());
	}

	/**
	 * A model whose metadata names a checkpoint's base model and step is not that
	 * run's own result unless it is byte for byte the model that run wrote: the
	 * result of another run from the same model with as many steps (another seed)
	 * is refused, naming why. A folder that records no model at all (written by a
	 * version that recorded none) is judged by the metadata, as that version
	 * judged it: the model goes on.
	 */
	@Test
	void aModelOfAnotherRunWithTheSameBaseAndStepsDoesNotGoOnWithACheckpoint()
		throws java.io.IOException
	{
		Toy data = new Toy(2);
		OptimizerConfig adam = OptimizerConfig.adam(0.02);
		Path ck = dir.resolve("ck-x"), ckY = dir.resolve("ck-y");
		Trainer.Result x = Trainer.train(affine(), "y", null, "sha", data,
			new FineTuneConfig(3, adam, LossKind.L2, 0, AdversarialKind.NONSATURATING,
				1, DeviceSpec.CPU, 1, ck, 3, false, List.of(), 0, 0),
			ProgressListener.NONE, CancellationToken.none());
		Trainer.Result y = Trainer.train(affine(), "y", null, "sha", data,
			new FineTuneConfig(3, adam, LossKind.L2, 0, AdversarialKind.NONSATURATING,
				2, DeviceSpec.CPU, 1, ckY, 3, false, List.of(), 0, 0),
			ProgressListener.NONE, CancellationToken.none());
		FineTuneConfig rest = new FineTuneConfig(6, adam, LossKind.L2, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, ck, 3, true, List
				.of(), 0, 0);
		String ySha = FileHashes.sha256(write(y, "y.onnx"), "");
		Path old = java.nio.file.Files.createDirectories(dir.resolve("ck-old"));
		java.nio.file.Files.copy(ck.resolve(Checkpoint.FILE), old.resolve(
			Checkpoint.FILE));
		Trainer.Result goes = Trainer.train(y.model(), "y", null, ySha, data,
			new FineTuneConfig(6, adam, LossKind.L2, 0, AdversarialKind.NONSATURATING,
				1, DeviceSpec.CPU, 1, old, 3, true, List.of(), 0, 0),
			ProgressListener.NONE, CancellationToken.none());
		assertTrue(goes.notes().contains("this model is what the run " +
			"checkpointed in " + old + " wrote at step 3: going on with that run"),
			goes.notes().toString());
		write(x, "x.onnx");
		GanException another = assertThrows(GanException.class, () -> Trainer.train(
			y.model(), "y", null, ySha, data, rest, ProgressListener.NONE,
			CancellationToken.none()));
		assertTrue(another.getMessage().startsWith("the checkpoint in " + ck +
			" belongs to another model (SHA-256 sha...): this model's metadata " +
			"names that model and step 3, but it is not the model the run " +
			"checkpointed there wrote (its SHA-256 is not the one " + ck +
			" records)"), another.getMessage());
	}

	/** Writes {@code r}'s model as fine-tune does, recording it by its run. */
	private Path write(Trainer.Result r, String name) {
		Path to = dir.resolve(name);
		new FineTuneOutput(to, List.of(), false, false, false,
			new FineTuneOutput.Hints("", "", "", "")).write(r, dir.resolve(
				"base.onnx"), "", false, List.of());
		return to;
	}

	@Test
	void nonFiniteLossRollsBackAndHalvesTheLearningRate() {
		// a batch with a NaN target at step 2 (0-based): that step is rolled back
		// and retried, and
		// the run still finishes with finite weights
		Toy good = new Toy(2);
		int[] calls = { 0 };
		BatchSource flaky = new BatchSource() {

			@Override
			public Batch batch(long step) {
				Batch b = good.batch(step);
				if (step == 2 && calls[0]++ == 0) {
					float[] t = b.target().floats().clone();
					t[0] = Float.NaN;
					return new Batch(b.inputs(), Tensor.of(t, b.target().shape()));
				}
				return b;
			}

			@Override
			public List<Batch> validation() {
				return List.of();
			}

			@Override
			public String describe() {
				return "flaky";
			}
		};
		FineTuneConfig c = new FineTuneConfig(4, OptimizerConfig.sgd(0.1),
			LossKind.L2, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, null,
			1, false, List.of(), 0, 0);
		Trainer.Result r = Trainer.train(affine(), "y", null, "sha", flaky, c,
			ProgressListener.NONE, CancellationToken.none());
		assertTrue(r.notes().stream().anyMatch(n -> n.contains(
			"rolled back to step 2") && n.contains("0.05")), r.notes().toString());
		for (float f : weight(r.model(), "w"))
			assertTrue(Float.isFinite(f));
		assertEquals(4, r.history().size());
	}

	@Test
	void frozenParametersDoNotMove() {
		FineTuneConfig c = new FineTuneConfig(2, OptimizerConfig.sgd(0.1),
			LossKind.L2, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, null,
			100, false, List.of("^b$"), 0, 0);
		Trainer.Result r = Trainer.train(affine(), "y", null, "sha", new Toy(2), c,
			ProgressListener.NONE, CancellationToken.none());
		assertArrayEquals(new float[] { 0, 0 }, weight(r.model(), "b"));
		assertTrue(weight(r.model(), "w")[0] != 0.5f);
		List<String> names = new ArrayList<>();
		Parameters.trainable(affine(), List.of()).forEach(p -> names.add(p.name()));
		assertEquals(List.of("w", "b"), names);
	}

	@Test
	void aFreezePatternThatMatchesNoParameterOrEveryOneIsRefused() {
		assertEquals(
			"--freeze 'nonexistent' matches no parameter of the model; its parameters are w, b",
			assertThrows(GanException.class, () -> Parameters.trainable(affine(), List
				.of("^b$", "nonexistent"))).getMessage());
		ModelProto deep = OnnxModels.conv3x3(1, 1, 3, 4).build();
		assertEquals(
			"--freeze 'bias' matches no parameter of the model; its parameters are w0, b0, w1, b1, w2 and 3 more",
			assertThrows(GanException.class, () -> Parameters.trainable(deep, List.of(
				"bias"))).getMessage());
		assertEquals(
			"--freeze '' matches every parameter: give a regular expression of the names to keep fixed",
			assertThrows(GanException.class, () -> new FineTuneConfig(2,
				OptimizerConfig.sgd(0.1), LossKind.L2, 0, AdversarialKind.NONSATURATING,
				1, DeviceSpec.CPU, 1, null, 100, false, List.of("w", ""), 0, 0))
				.getMessage());
	}

	@Test
	void nonFiniteWeightsAreCountedAndTheirTensorsNamed() {
		Parameters.refuseNonFinite(affine(), "affine"); // finite: nothing to say
		ModelProto bad = OnnxModels.builder().input("x", "N,1,H,W").initializer("a",
			new float[] { Float.NaN }, 1).initializer("b", new float[] { 1,
				Float.NEGATIVE_INFINITY }, 2).initializer("c", new float[] {
					Float.NaN }, 1).initializer("d", new float[] { Float.NaN }, 1).node(
						"Identity", "x", "y").output("y", "N,1,H,W").build();
		assertEquals(
			"model m holds 4 NaN or infinite weights (in tensors a, b, c and 1 more): it cannot be trained; start from its original weights or a fresh model",
			assertThrows(GanException.class, () -> Parameters.refuseNonFinite(bad,
				"m")).getMessage());
	}

	/**
	 * With {@code --ema} the model written holds the moving average, so the
	 * validation loss and PSNR of each step are those of the averaged weights
	 * (SGD and the warm-up's decays 0.1 and 2/11 replayed here in double), not
	 * those of the raw weights.
	 */
	@Test
	void validationJudgesTheMovingAverageThatIsWritten() {
		Toy data = new Toy(2);
		FineTuneConfig c = new FineTuneConfig(2, OptimizerConfig.sgd(0.1),
			LossKind.L2, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, null,
			100, false, List.of(), 0.9, 1);
		Trainer.Result r = Trainer.train(affine(), "y", null, "sha", data, c,
			ProgressListener.NONE, CancellationToken.none());
		double[] w = { 0.5, 0.5 }, b = { 0, 0 }, ew = w.clone(), eb = b.clone();
		Batch v = data.validation().get(0);
		for (int t = 0; t < 2; t++) {
			double[][] g = l2Gradient(data.batch(t), w, b);
			double decay = Math.min(0.9, (1.0 + t) / (10.0 + t));
			for (int ch = 0; ch < C; ch++) {
				w[ch] -= 0.1 * g[0][ch];
				b[ch] -= 0.1 * g[1][ch];
				ew[ch] = decay * ew[ch] + (1 - decay) * w[ch];
				eb[ch] = decay * eb[ch] + (1 - decay) * b[ch];
			}
			float[] row = r.history().get(t);
			double[] averaged = lossAndPsnr(v, ew, eb), raw = lossAndPsnr(v, w, b);
			assertEquals(averaged[0], row[4], 1e-6 * averaged[0], "loss, step " + (t +
				1));
			assertEquals(averaged[1], row[5], 1e-4, "PSNR, step " + (t + 1));
			assertTrue(Math.abs(raw[0] - averaged[0]) > 0.02, "the raw weights " +
				"validate at " + raw[0] + ", the average at " + averaged[0]);
		}
		assertArrayEquals(new float[] { (float) ew[0], (float) ew[1] }, weight(r
			.model(), "w"), 1e-6f);
	}

	/**
	 * A 3x3 convolution whose output passes through {@code cut} before the
	 * output: Round, or a cast to int32 and back, leave no gradient for the
	 * weights, so training would return them unchanged.
	 */
	static ModelProto convThen(boolean round) {
		OnnxModels.Builder b = OnnxModels.builder().opset(13).input("x", "N,1,H,W")
			.initializer("cw", new float[] { 0, 0, 0, 0, 2, 0, 0, 0, 0 }, 1, 1, 3, 3)
			.initializer("cb", new float[] { 0.5f }, 1).node("Conv", "x,cw,cb", "c",
				OnnxModels.attrInts("pads", 1, 1, 1, 1));
		if (round) b.node("Round", "c", "y");
		else b.node("Cast", "c", "ci", OnnxModels.attrInt("to",
			TensorProto.DataType.INT32_VALUE)).node("Cast", "ci", "y", OnnxModels
				.attrInt("to", TensorProto.DataType.FLOAT_VALUE));
		return b.output("y", "N,1,H,W").build();
	}

	@Test
	void aModelWhoseParametersGetNoGradientIsRefusedBeforeTraining() {
		BatchSource data = ramp();
		String rest = ", and every path from the model's trainable parameters " +
			"to the loss goes through it (or another such operator): fine-tuning " +
			"would leave them as they are";
		GanException round = assertThrows(GanException.class, () -> Trainer.train(
			convThen(true), "y", null, "sha", data, config(1, OptimizerConfig.sgd(
				0.1), LossKind.L2), ProgressListener.NONE, CancellationToken.none()));
		assertEquals("Round (node 'Round_1') has no gradient" + rest, round
			.getMessage());
		GanException cast = assertThrows(GanException.class, () -> Trainer.train(
			convThen(false), "y", null, "sha", data, config(1, OptimizerConfig.sgd(
				0.1), LossKind.L2), ProgressListener.NONE, CancellationToken.none()));
		assertEquals("Cast (node 'Cast_1') casts to a type that is not floating " +
			"point, which has no gradient" + rest, cast.getMessage());
	}

	/** One 4x4 ramp as input and target. */
	static BatchSource ramp() {
		return new BatchSource() {

			@Override
			public Batch batch(long step) {
				float[] x = new float[16];
				for (int i = 0; i < x.length; i++)
					x[i] = i / 4f;
				long[] s = { 1, 1, 4, 4 };
				return new Batch(Map.of("x", Tensor.of(x, s)), Tensor.of(x.clone(), s));
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
	}

	/** y = x s, s trainable. */
	static ModelProto scaleModel() {
		return OnnxModels.builder().opset(13).input("x", "N,1,H,W").initializer("s",
			new float[] { 0.25f }, 1).node("Mul", "x,s", "y").output("y", "N,1,H,W")
			.build();
	}

	@Test
	void aCancelledRunSaysWhichCheckpointItKept(@TempDir Path dir) {
		BatchSource data = ramp();
		FineTuneConfig kept = new FineTuneConfig(10, OptimizerConfig.sgd(0.01),
			LossKind.L2, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, dir
				.resolve("ck"), 2, false, List.of(), 0, 0);
		CancellationToken cancel = new CancellationToken();
		ProgressListener atFive = e -> {
			if (e.stage() == ProgressListener.Stage.STEP && e.done() == 5) cancel
				.cancel();
		};
		GanException e = assertThrows(CancellationToken.CancelledException.class,
			() -> Trainer.train(scaleModel(), "y", null, "sha", data, kept, atFive,
				cancel));
		assertEquals("cancelled at step 5 of 10; the checkpoint of step 4 in " + dir
			.resolve("ck") + " is kept: the same command with --resume goes on " +
			"from it", e.getMessage());
		CancellationToken again = new CancellationToken();
		e = assertThrows(CancellationToken.CancelledException.class, () -> Trainer
			.train(scaleModel(), "y", null, "sha", data, config(10, OptimizerConfig
				.sgd(0.01), LossKind.L2), ev -> {
					if (ev.stage() == ProgressListener.Stage.STEP && ev.done() == 3) again
						.cancel();
				}, again));
		assertEquals("cancelled at step 3 of 10; nothing was written (give " +
			"--checkpoint-dir to keep checkpoints a later --resume goes on from)", e
				.getMessage());
		// a checkpoint folder given, but cancelled before the first was due
		CancellationToken early = new CancellationToken();
		FineTuneConfig rare = new FineTuneConfig(10, OptimizerConfig.sgd(0.01),
			LossKind.L2, 0, AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, dir
				.resolve("rare"), 8, false, List.of(), 0, 0);
		e = assertThrows(CancellationToken.CancelledException.class, () -> Trainer
			.train(scaleModel(), "y", null, "sha", data, rare, ev -> {
				if (ev.stage() == ProgressListener.Stage.STEP && ev.done() == 3) early
					.cancel();
			}, early));
		assertEquals("cancelled at step 3 of 10; nothing was written: no " +
			"checkpoint was due yet in " + dir.resolve("rare") + " (one every 8 " +
			"steps)", e.getMessage());
	}

	@Test
	void parametersThatGetNoGradientAreNamedAndTheOthersTrain() {
		ModelProto m = OnnxModels.builder().opset(13).input("x", "N,1,H,W")
			.initializer("cw", new float[] { 0, 0, 0, 0, 2, 0, 0, 0, 0 }, 1, 1, 3, 3)
			.initializer("cb", new float[] { 0.5f }, 1).initializer("s", new float[] {
				0.25f }, 1).node("Conv", "x,cw,cb", "c", OnnxModels.attrInts("pads", 1,
					1, 1, 1)).node("Round", "c", "r").node("Mul", "x,s", "xs").node("Add",
						"r,xs", "y").output("y", "N,1,H,W").build();
		BatchSource data = ramp();
		Trainer.Result r = Trainer.train(m, "y", null, "sha", data, config(3,
			OptimizerConfig.sgd(0.01), LossKind.L2), ProgressListener.NONE,
			CancellationToken.none());
		assertTrue(r.notes().contains("2 of the 3 trainable parameters get no " +
			"gradient (no path from them to the loss carries one), so the loss " +
			"does not train them: cw, cb"), r.notes().toString());
		assertArrayEquals(new float[] { 0, 0, 0, 0, 2, 0, 0, 0, 0 }, weight(r
			.model(), "cw"), 0f);
		assertArrayEquals(new float[] { 0.5f }, weight(r.model(), "cb"), 0f);
		assertNotEquals(0.25f, weight(r.model(), "s")[0]);
		assertEquals("7 of the 9 trainable parameters get no gradient (no path " +
			"from them to the loss carries one), so the loss does not train them: " +
			"a, b, c, d, e and 2 more", Trainer.untrained(List.of("a", "b", "c", "d",
				"e", "f", "g"), 9));
	}

	/** L2 loss and mean per-image PSNR (range 1) of y = x w + b on a batch. */
	private static double[] lossAndPsnr(Batch v, double[] w, double[] bias) {
		float[] x = v.inputs().get("x").floats(), t = v.target().floats();
		int plane = H * W, image = C * plane, n = x.length / image;
		double all = 0, psnr = 0;
		for (int i = 0; i < n; i++) {
			double se = 0;
			for (int j = i * image; j < (i + 1) * image; j++) {
				double d = x[j] * w[j / plane % C] + bias[j / plane % C] - t[j];
				se += d * d;
			}
			all += se;
			psnr += 10 * Math.log10(1 / (se / image));
		}
		return new double[] { all / x.length, psnr / n };
	}
}
