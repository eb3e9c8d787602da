
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

/**
 * What a fine-tuned model records of the run in its
 * {@code fiji-gan.fine_tune.*} metadata: the settings that trained it, as they
 * were used.
 */
class TrainerProvenanceTest {

	static Map<String, String> metadata(ModelProto m) {
		return m.getMetadataPropsList().stream().collect(Collectors.toMap(
			StringStringEntryProto::getKey, StringStringEntryProto::getValue));
	}

	static FineTuneConfig config(int steps, OptimizerConfig o) {
		return new FineTuneConfig(steps, o, LossKind.L2, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, null, 2, false, List
				.of(), 0, 0);
	}

	@Test
	void adamwIsRecordedAsAdamwWithItsWeightDecay() {
		Trainer.Result r = TrainerRollbackTest.train(TrainerRollbackTest.source(-1),
			config(1, OptimizerConfig.parse("adamw", 1e-4)));
		assertEquals("adamw lr=1.0E-4 weight_decay=0.01", metadata(r.model()).get(
			"fiji-gan.fine_tune.optimizer"));
		r = TrainerRollbackTest.train(TrainerRollbackTest.source(-1), config(1,
			OptimizerConfig.parse("adam", 1e-4)));
		assertEquals("adam lr=1.0E-4", metadata(r.model()).get(
			"fiji-gan.fine_tune.optimizer"));
	}

	/**
	 * A rollback halves the learning rate: the model records the rate asked for
	 * and the one it ended with.
	 */
	@Test
	void aHalvedLearningRateIsRecordedWithTheOneAskedFor() {
		// step 5 (0-based 4) is poisoned: back to step 4, lr 0.3 -> 0.15
		Trainer.Result r = TrainerRollbackTest.train(TrainerRollbackTest.source(4),
			config(8, OptimizerConfig.sgd(0.3)));
		assertEquals("sgd lr=0.3, halved 1 time to 0.15 after non-finite steps",
			metadata(r.model()).get("fiji-gan.fine_tune.optimizer"));
		// the discriminator's own rate follows the generator's halvings
		assertEquals(", halved 6 times to 1.5625E18 after non-finite steps", Trainer
			.halvings(1e8, 1e8 / 64, org.fijigan.core.text.Numbers.exact(1e20 / 64)));
		assertEquals("", Trainer.halvings(0.3, 0.3, "0.3"));
	}

	/**
	 * A GAN run records the discriminator it trained against, the task's default
	 * included, by kind and width.
	 */
	@Test
	void theDiscriminatorIsRecordedByKindAndWidthAlsoByDefault() {
		Trainer.Result r = TrainerStabilisersTest.train(1, Stabilisers.DEFAULTS, 0,
			null, false);
		assertEquals("patchgan width 32", metadata(r.model()).get(
			"fiji-gan.fine_tune.discriminator"));
		Stabilisers twoSteps = new Stabilisers(null, Stabilisers.DEFAULT_WIDTH,
			false, false, null, 0, null, 2, true);
		r = TrainerStabilisersTest.train(1, twoSteps, 0, null, false);
		assertEquals("patchgan width 32, d-steps 2", metadata(r.model()).get(
			"fiji-gan.fine_tune.discriminator"));
		// a generator's default is DCGAN's
		Stabilisers narrow = new Stabilisers(null, 4, false, false, null, 0, null,
			1, true);
		assertEquals("dcgan width 4", narrow.describe(Trainer.architecture(narrow,
			true)));
	}

	/**
	 * A GAN loss other than the default, without a discriminator to use it, is
	 * refused as the discriminator's other options are.
	 */
	@Test
	void aGanLossWithoutADiscriminatorIsRefused() {
		for (AdversarialKind k : List.of(AdversarialKind.HINGE,
			AdversarialKind.LSGAN))
		{
			FineTuneConfig c = new FineTuneConfig(1, OptimizerConfig.adam(1e-4),
				LossKind.L1, 0, k, 1, DeviceSpec.CPU, 1, null, 2, false, List.of(), 0,
				0);
			GanException e = assertThrows(GanException.class,
				() -> TrainerRollbackTest.train(TrainerRollbackTest.source(-1), c));
			assertEquals("--adversarial " + k.name().toLowerCase() +
				" is the loss of a discriminator, and without one nothing uses it: " +
				"give --adversarial-weight above 0, or leave --adversarial out", e
					.getMessage());
		}
	}
}
