
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
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The training loop with discriminator penalties: the lazy R1 schedule runs the
 * R1 graph (γ times k) at steps 0, k, 2k, ... and the plain graph in between,
 * handing the discriminator's weights from one to the other; WGAN-GP runs with
 * its interpolation weights fed each step.
 */
class TrainerPenaltyTest {

	@TempDir
	Path dir;

	private static final long[] SHAPE = { 2, 1, 16, 16 };

	/** Seeded 16x16 pairs: target = input shifted by 0.25. */
	static final class Pairs implements BatchSource {

		@Override
		public Batch batch(long step) {
			Random r = new Random(100 + step);
			float[] x = new float[(int) Tensor.elementCount(SHAPE)], t =
				new float[x.length];
			for (int i = 0; i < x.length; i++) {
				x[i] = r.nextFloat();
				t[i] = x[i] + 0.25f;
			}
			return new Batch(Map.of("x", Tensor.of(x, SHAPE)), Tensor.of(t, SHAPE));
		}

		@Override
		public List<Batch> validation() {
			return List.of();
		}

		@Override
		public String describe() {
			return "shifted noise";
		}
	}

	static ModelProto model() {
		return OnnxModels.conv3x3(1, 1, 3, 1).build();
	}

	static Trainer.Result train(int steps, AdversarialKind loss,
		GradientPenalties p, Path checkpoints, boolean resume)
	{
		FineTuneConfig c = new FineTuneConfig(steps, OptimizerConfig.sgd(0.05),
			LossKind.L1, 0.5f, loss, 4, DeviceSpec.CPU, 1, checkpoints, 100, resume,
			List.of(), 0, 0, p);
		return Trainer.train(model(), "y", null, "sha", new Pairs(), c,
			ProgressListener.NONE, CancellationToken.none());
	}

	@Test
	void lazyR1RunsTheR1GraphWithGammaTimesKAtEveryKthStepOnly() {
		// k = 2 over two steps: step 0 is an R1 step with gamma 2 x 3, step 1 a
		// plain step. The same
		// run split at step 1 - one step with gamma 6 at every step, then a resumed
		// step without R1 -
		// must leave the same discriminator (in the final checkpoint) and
		// generator, bit for bit.
		Path lazyCk = dir.resolve("lazy"), splitCk = dir.resolve("split"), everyCk =
			dir.resolve("every");
		Trainer.Result lazy = train(2, AdversarialKind.LSGAN, new GradientPenalties(
			0, 3, 2), lazyCk, false);
		train(1, AdversarialKind.LSGAN, new GradientPenalties(0, 6, 1), splitCk,
			false);
		Trainer.Result split = train(2, AdversarialKind.LSGAN,
			GradientPenalties.NONE, splitCk, true);
		Map<String, float[]> a = Checkpoint.read(lazyCk).tensors(), b = Checkpoint
			.read(splitCk).tensors();
		assertEquals(a.keySet(), b.keySet());
		assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("D/")), a.keySet()
			.toString());
		for (String k : a.keySet())
			assertArrayEquals(a.get(k), b.get(k), k);
		for (int i = 0; i < 2; i++)
			assertArrayEquals(split.history().get(i), lazy.history().get(i),
				"history row " + i);
		// R1 at both steps (k = 1) leaves another discriminator: the schedule is
		// what made them equal
		train(2, AdversarialKind.LSGAN, new GradientPenalties(0, 3, 1), everyCk,
			false);
		Map<String, float[]> c = Checkpoint.read(everyCk).tensors();
		assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("D/") &&
			!java.util.Arrays.equals(a.get(k), c.get(k))),
			"R1 at step 1 changed no discriminator weight");
		assertEquals("r1 gamma=3.0 every 2", lazy.model().getMetadataPropsList()
			.stream().filter(e -> e.getKey().equals(
				"fiji-gan.fine_tune.gradient_penalties")).findFirst().orElseThrow()
			.getValue());
	}

	@Test
	void wganGpTrainsWithTheWassersteinLoss() {
		Trainer.Result r = train(2, AdversarialKind.WASSERSTEIN,
			new GradientPenalties(10, 0, 1), null, false);
		for (float[] row : r.history())
			assertTrue(Float.isFinite(row[3]), "discriminator loss " + row[3]);
	}

	@Test
	void aPenaltyWithoutADiscriminatorIsRefused() {
		FineTuneConfig c = new FineTuneConfig(1, OptimizerConfig.sgd(0.05),
			LossKind.L1, 0, AdversarialKind.NONSATURATING, 4, DeviceSpec.CPU, 1, null,
			100, false, List.of(), 0, 0, new GradientPenalties(0, 1, 1));
		GanException e = assertThrows(GanException.class, () -> Trainer.train(
			model(), "y", null, "sha", new Pairs(), c, ProgressListener.NONE,
			CancellationToken.none()));
		assertTrue(e.getMessage().contains("give --adversarial-weight above 0"), e
			.getMessage());
	}
}
