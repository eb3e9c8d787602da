
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run refused while its graphs are built (an operator without a gradient rule
 * on every path to the loss) writes nothing: its checkpoint folder is not made,
 * since the folder's lock, which makes it, is taken only after those checks; a
 * run that passes them makes and uses it.
 */
class RefusedRunLeavesNoCheckpointFolderTest {

	@TempDir
	Path dir;

	static FineTuneConfig config(Path checkpoints) {
		return new FineTuneConfig(1, OptimizerConfig.sgd(0.1), LossKind.L2, 0,
			AdversarialKind.NONSATURATING, 1, DeviceSpec.CPU, 1, checkpoints, 100,
			false, List.of(), 0, 0);
	}

	@Test
	void aRunRefusedForAnOperatorWithoutAGradientMakesNoCheckpointFolder() {
		Path ck = dir.resolve("ck");
		GanException e = assertThrows(GanException.class, () -> Trainer.train(
			TrainerTest.convThen(true), new TrainingTarget("y", null, null, 0, false,
				1, "sha"), TrainerTest.ramp(), config(ck), null, () -> {},
			ProgressListener.NONE, CancellationToken.none()));
		assertTrue(e.getMessage().startsWith("Round (node 'Round_1') has no " +
			"gradient"), e.getMessage());
		assertFalse(Files.exists(ck), "the refused run made " + ck);

		Trainer.Result r = Trainer.train(TrainerTest.scaleModel(),
			new TrainingTarget("y", null, null, 0, false, 1, "sha"), TrainerTest
				.ramp(), config(ck), null, () -> {}, ProgressListener.NONE,
			CancellationToken.none());
		assertEquals(1, r.history().size());
		assertTrue(Files.isDirectory(ck));
	}
}
