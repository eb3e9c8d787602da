
package org.fijigan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.junit.jupiter.api.Test;

/** Typed progress stages, and the words adapters show for them. */
class ProgressListenerTest {

	@Test
	void everyStageHasTheWordAStatusLineShows() {
		assertEquals(List.of("download", "tile", "image", "generate", "step",
			"row"), Arrays.stream(Stage.values()).map(Stage::id).toList());
		for (Stage s : Stage.values())
			assertEquals(s, Stage.of(s.id()));
		assertThrows(IllegalArgumentException.class, () -> Stage.of("tiles"));
	}

	@Test
	void aFailingListenerDoesNotStopTheRun() {
		ProgressListener broken = e -> {
			throw new IllegalStateException("display gone");
		};
		ProgressEvent e = new ProgressEvent(Stage.TILE, 3, 4, null);
		ProgressListener.safe(broken).onProgress(e);
		assertEquals(0.75, e.fraction());
		assertEquals(Double.NaN, e.value());
		assertThrows(NullPointerException.class, () -> new ProgressEvent(
			(Stage) null, 0, 0, null));
	}
}
