
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
}
