
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.train.autodiff.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * The training loop with the discriminator's stabilisers: a run with all of
 * them (spectral norm, minibatch std, DiffAugment under ADA, two discriminator
 * steps per generator step at their own learning rate, EMA) resumed from a
 * checkpoint in the middle of ADA's interval ends bit for bit where an
 * uninterrupted run does; the EMA warm-up exports
 * {@code β_0 w_0 + (1 - β_0) w_1} after one step with {@code β_0 = 0.1}.
 */
class TrainerStabilisersTest {

	@TempDir
	Path dir;

	private static final Stabilisers ALL = new Stabilisers(
		Discriminator.Architecture.PATCHGAN, 4, true, true, DiffAugment.parse(
			"color,translation,cutout"), 0.6, 0.02, 2, true);

	static Trainer.Result train(int steps, Stabilisers s, double ema,
		Path checkpoints, boolean resume)
	{
		FineTuneConfig c = new FineTuneConfig(steps, OptimizerConfig.adam(0.01)
			.withBetas(0, 0.9), LossKind.L1, 0.5f, AdversarialKind.HINGE, 4,
			DeviceSpec.CPU, 1, checkpoints, 100, resume, List.of(), ema, 0,
			GradientPenalties.NONE, s);
		return Trainer.train(TrainerPenaltyTest.model(), "y", null, "sha",
			new TrainerPenaltyTest.Pairs(), c, ProgressListener.NONE,
			CancellationToken.none());
	}

	private static FineTuneConfig config(Stabilisers s) {
		return new FineTuneConfig(5, OptimizerConfig.adam(1e-3), LossKind.L1, 1f,
			AdversarialKind.HINGE, 4, DeviceSpec.CPU, 1, null, 100, false, List.of(),
			0, 0, GradientPenalties.NONE, s);
	}

	@Test
	void aRollbackNoteNamesEveryLearningRateItHalved() {
		FineTuneConfig own = config(ALL), shared = config(Stabilisers.DEFAULTS);
		// after one halving: 5e-4 for the generator, 0.02 / 2 for the
		// discriminator
		assertEquals("learning rates to 5.0E-4 (generator) and 0.01 " +
			"(discriminator, --d-lr)", Trainer.learningRates(own, true, 5e-4,
				" to "));
		assertEquals("learning rate of the generator and the discriminator " +
			"5.0E-4", Trainer.learningRates(shared, true, 5e-4, " "));
		assertEquals("learning rate to 5.0E-4", Trainer.learningRates(shared, false,
			5e-4, " to "));
	}

	@Test
	void aRunWithEveryStabiliserResumesBitForBit() {
		Path whole = dir.resolve("whole"), split = dir.resolve("split");
		Trainer.Result a = train(5, ALL, 0.9, whole, false);
		train(3, ALL, 0.9, split, false); // 6 discriminator steps: ADA's interval
																			// of 4 half done
		Trainer.Result b = train(5, ALL, 0.9, split, true);
		Map<String, float[]> x = Checkpoint.read(whole).tensors(), y = Checkpoint
			.read(split).tensors();
		assertEquals(x.keySet(), y.keySet());
		for (String k : x.keySet())
			assertArrayEquals(x.get(k), y.get(k), k);
		// the same model, but that the resumed one says where it went on from
		// (its run had no settings to record, so they were not checked)
		var resumedMeta = b.model().getMetadataPropsList().stream().filter(e -> e
			.getKey().equals("fiji-gan.fine_tune.resumed_from_step")).toList();
		assertEquals(1, resumedMeta.size());
		assertEquals("3 (its run's settings were not recorded, so not checked)",
			resumedMeta.get(0).getValue());
		assertEquals(a.model(), b.model().toBuilder().clearMetadataProps()
			.addAllMetadataProps(b.model().getMetadataPropsList().stream().filter(
				e -> !e.getKey().equals("fiji-gan.fine_tune.resumed_from_step"))
				.toList()).build());
		for (int i = 0; i < 5; i++)
			assertArrayEquals(a.history().get(i), b.history().get(i), "history row " +
				i);
		// the state the stabilisers carry: the power-iteration vectors moved, ADA
		// counted 10 steps
		assertTrue(x.containsKey(AdaptiveAugment.STATE));
		assertEquals(2, x.get(AdaptiveAugment.STATE)[2],
			"steps since ADA's last adjustment");
		// after two adjustments of +-2 images x 4 steps / 500k, clamped at 0
		double p = x.get(AdaptiveAugment.STATE)[0] * 500_000 / 8;
		assertTrue(Math.abs(p - Math.round(p)) < 1e-3 && p >= 0 && p <= 2,
			"ADA's probability " + p);
		Discriminator d = Trainer.discriminator(new TrainingTarget("y", null, null,
			0, false, 1, "sha"), ALL, new long[] { 2, 1, 16, 16 }, 4);
		Map<String, float[]> initial = d.spectralVectors();
		assertEquals(4, initial.size()); // three convolutions and the logit map
		for (Map.Entry<String, float[]> u : initial.entrySet())
			if (u.getValue().length > 1) // a [1] vector is its sign, which W v keeps
				assertFalse(Arrays.equals(u.getValue(), x.get(u.getKey())), u.getKey() +
					" did not move");
		assertTrue(a.notes().stream().anyMatch(n -> n.startsWith(
			"ADA: augmentation probability")), a.notes().toString());
	}

	@Test
	void theEmaWarmUpExportsTrainedWeightsAfterOneStep() {
		ModelProto base = TrainerPenaltyTest.model();
		float[] w0 = weight(base), w1 = weight(train(1, Stabilisers.DEFAULTS, 0,
			null, false).model());
		float[] warm = weight(train(1, Stabilisers.DEFAULTS, 0.999, null, false)
			.model());
		float[] constant = weight(train(1, Stabilisers.DEFAULTS.withEmaWarmup(
			false), 0.999, null, false).model());
		for (int i = 0; i < w0.length; i++) {
			assertEquals(0.1f * w0[i] + (1 - 0.1f) * w1[i], warm[i],
				"warm-up, weight " + i);
			assertEquals(0.999f * w0[i] + (1 - 0.999f) * w1[i], constant[i],
				"constant, weight " + i);
		}
		assertFalse(Arrays.equals(w0, w1));
	}

	/** The convolution's weights. */
	private static float[] weight(ModelProto m) {
		for (TensorProto t : m.getGraph().getInitializerList())
			if (t.getDims(0) > 0 && t.getDimsCount() == 4) return Tensors.floats(t);
		throw new AssertionError("no convolution weight");
	}
}
