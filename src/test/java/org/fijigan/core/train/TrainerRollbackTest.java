
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.autodiff.Tensors;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * A rollback after a non-finite loss restores the whole state of the last good
 * step, the exported EMA included: the run then goes on exactly as one resumed
 * from that step with half the learning rate.
 */
class TrainerRollbackTest {

	@TempDir
	Path dir;

	static final long[] SHAPE = { 2, 1, 3, 4 };

	/** y = x * w + b, w = 0.5 and b = 0 of shape [1, 1, 1, 1]. */
	static ModelProto affine() {
		return OnnxModels.builder().input("x", "N,1,3,4").initializer("w",
			new float[] { 0.5f }, 1, 1, 1, 1).initializer("b", new float[] { 0f }, 1,
				1, 1, 1).node("Mul", "x,w", "xw").node("Add", "xw,b", "y").output("y",
					"N,1,3,4").build();
	}

	/** x uniform in [0, 1), target 2x + 0.5, seeded by step. */
	static Batch clean(long step) {
		Random r = new Random(500 + step);
		float[] x = new float[(int) Tensor.elementCount(SHAPE)], t =
			new float[x.length];
		for (int i = 0; i < x.length; i++) {
			x[i] = r.nextFloat();
			t[i] = 2 * x[i] + 0.5f;
		}
		return new Batch(Map.of("x", Tensor.of(x, SHAPE)), Tensor.of(t, SHAPE));
	}

	/**
	 * The clean batches, except that the first time step {@code poisoned} is
	 * asked for, x is 1e11 and the target 0: that step's loss (~1e21) is still
	 * finite, but its update throws w to ~-1e22, so the next step's loss
	 * overflows.
	 */
	static BatchSource source(long poisoned) {
		int[] calls = { 0 };
		return new BatchSource() {

			@Override
			public Batch batch(long step) {
				if (step != poisoned || calls[0]++ > 0) return clean(step);
				float[] x = new float[(int) Tensor.elementCount(SHAPE)];
				java.util.Arrays.fill(x, 1e11f);
				return new Batch(Map.of("x", Tensor.of(x, SHAPE)), Tensor.of(
					new float[x.length], SHAPE));
			}

			@Override
			public List<Batch> validation() {
				return List.of();
			}

			@Override
			public String describe() {
				return "affine";
			}
		};
	}

	static FineTuneConfig config(int steps, double lr, Path checkpoints,
		boolean resume)
	{
		return new FineTuneConfig(steps, OptimizerConfig.sgd(lr), LossKind.L2, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, checkpoints, 2,
			resume, List.of(), 0.5, 0);
	}

	static float[] weight(ModelProto m, String name) {
		for (TensorProto t : m.getGraph().getInitializerList())
			if (t.getName().equals(name)) return Tensors.floats(t);
		throw new AssertionError(name);
	}

	static Trainer.Result train(BatchSource data, FineTuneConfig c) {
		return Trainer.train(affine(), "y", null, "sha", data, c,
			ProgressListener.NONE, CancellationToken.none());
	}

	@Test
	void aRollbackRestoresTheEmaAndContinuesAsAResumeWithHalfTheLearningRate() {
		// step 5 (0-based 4) is poisoned, step 6's loss is infinite: back to step
		// 4, lr 0.3 -> 0.15
		Trainer.Result rolledBack = train(source(4), config(8, 0.3, null, false));
		assertTrue(rolledBack.notes().stream().anyMatch(n -> n.startsWith(
			"step 6: loss was") && n.contains("rolled back to step 4") && n.contains(
				"0.15")), rolledBack.notes().toString());

		// the same from a checkpoint of step 4 whose learning rate is halved by
		// hand
		Path ck = dir.resolve("ck");
		train(source(-1), config(4, 0.3, ck, false));
		Checkpoint four = Checkpoint.read(ck);
		assertEquals(4, four.step());
		new Checkpoint(4, 0.15, four.baseSha256(), four.settings(), four.tensors(),
			four.history()).write(ck);
		Trainer.Result resumed = train(source(-1), config(8, 0.3, ck, true));

		for (String p : List.of("w", "b")) {
			float[] w = weight(rolledBack.model(), p);
			assertTrue(Float.isFinite(w[0]) && Math.abs(w[0]) < 10, p + " = " + w[0]);
			assertArrayEquals(weight(resumed.model(), p), w, p +
				" (the exported EMA)");
		}
		assertEquals(8, rolledBack.history().size());
		for (int i = 0; i < 8; i++)
			assertArrayEquals(resumed.history().get(i), rolledBack.history().get(i),
				"step " + (i + 1));
	}

	/**
	 * As {@link #config} with Adam: the poisoned step's gradient (~1e22)
	 * overflows its squared-gradient average to infinity; the weights stay
	 * finite, but every later update is 0.
	 */
	static FineTuneConfig adam(int steps, Path checkpoints) {
		return new FineTuneConfig(steps, OptimizerConfig.adam(0.3), LossKind.L2, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, checkpoints, 2,
			false, List.of(), 0.5, 0);
	}

	/**
	 * The last step's update is judged too, though no step after it would notice:
	 * with SGD it throws w to ~-1e22, whose loss overflows; with Adam it makes an
	 * optimizer slot infinite.
	 */
	@Test
	void aLastStepThatBlowsUpTheStateIsRolledBack() {
		for (boolean sgd : new boolean[] { true, false }) {
			// the last good state is kept every 2 steps: back to step 6
			Trainer.Result r = train(source(7), sgd ? config(8, 0.3, null, false)
				: adam(8, null));
			assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("step 8: " + (sgd
				? "the updated weights' loss was Infinity" : "tensor ")) && n.contains(
					sgd ? "; rolled back to step 6" : " became non-finite; " +
						"rolled back to step 6") && n.contains("0.15")), r.notes()
							.toString());
			for (String p : List.of("w", "b")) {
				float[] w = weight(r.model(), p);
				assertTrue(Float.isFinite(w[0]) && Math.abs(w[0]) < 10, sgd + ": " + p +
					" = " + w[0]);
			}
			assertEquals(8, r.history().size());
		}
	}

	/**
	 * A checkpoint never holds a non-finite tensor: a step that makes one on a
	 * checkpoint's step is rolled back to the checkpoint before.
	 */
	@Test
	void aCheckpointNeverHoldsNonFiniteState() {
		Path ck = dir.resolve("ck");
		Trainer.Result r = train(source(3), adam(8, ck));
		assertTrue(r.notes().stream().anyMatch(n -> n.startsWith(
			"step 4: tensor ") && n.contains(
				" became non-finite; rolled back to step 2")), r.notes().toString());
		Checkpoint kept = Checkpoint.read(ck);
		assertEquals(8, kept.step());
		kept.tensors().forEach((name, v) -> {
			for (float f : v)
				assertTrue(Float.isFinite(f), name + " = " + f);
		});
	}

	/**
	 * A learning rate that blows up every try fails the run once halving it 10
	 * times has not helped, also when the last step is the one that blows up.
	 */
	@Test
	void aRunThatStaysBlownUpFails() {
		GanException e = assertThrows(GanException.class, () -> train(source(-1),
			config(1, 1e30, null, false)));
		assertEquals(
			"training diverged: the loss or the weights stay non-finite after halving the learning rate 10 times",
			e.getMessage());
	}
}
