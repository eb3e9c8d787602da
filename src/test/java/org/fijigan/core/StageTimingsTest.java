
package org.fijigan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.fijigan.core.StageTimings.Stage;
import org.junit.jupiter.api.Test;

class StageTimingsTest {

	@Test
	void entriesAddUpAndTheFirstStaysVisible() {
		StageTimings t = new StageTimings();
		t.add(Stage.RUN, 500_000_000L);
		t.add(Stage.RUN, 250_000_000L);
		t.add(Stage.RUN, 250_000_000L);
		t.add(Stage.MODEL_READ, 125_000_000L);
		t.add(Stage.SESSION, -5); // a clock that went backwards counts as nothing

		assertEquals(1.0, t.seconds(Stage.RUN), 1e-12);
		assertEquals(0.5, t.firstSeconds(Stage.RUN), 1e-12);
		assertEquals(3, t.count(Stage.RUN));
		assertEquals(0, t.seconds(Stage.SESSION));
		assertEquals(1, t.count(Stage.SESSION));
		assertEquals(0, t.count(Stage.OUTPUT_WRITE));
		assertEquals(1.125, t.totalSeconds(), 1e-12);
		assertEquals(List.of( //
			"model read and checks               0.125 s", //
			"session creation                    0.000 s", //
			"model runs                          1.000 s  (3, first 0.500 s)", //
			"total of the stages                 1.125 s"), t.lines());
	}

	@Test
	void addAllMergesAnotherBreakdownAndKeepsThisOnesFirstEntry() {
		StageTimings engine = new StageTimings();
		engine.add(Stage.RUN, 300);
		engine.add(Stage.RUN, 100);
		engine.add(Stage.CONVERSION, 7);
		StageTimings command = new StageTimings();
		command.add(Stage.RUN, 1000);
		command.addAll(engine);
		command.addAll(command); // itself: nothing changes

		assertEquals(1400e-9, command.seconds(Stage.RUN), 1e-18);
		assertEquals(1000e-9, command.firstSeconds(Stage.RUN), 1e-18);
		assertEquals(3, command.count(Stage.RUN));
		assertEquals(7e-9, command.seconds(Stage.CONVERSION), 1e-18);

		StageTimings fresh = new StageTimings();
		fresh.addAll(engine);
		assertEquals(300e-9, fresh.firstSeconds(Stage.RUN), 1e-18);
		StageTimings copy = engine.copy();
		engine.add(Stage.RUN, 1);
		assertEquals(2, copy.count(Stage.RUN));
	}

	@Test
	void timeRecordsWorkThatThrows() {
		StageTimings t = new StageTimings();
		assertEquals("x", t.time(Stage.INPUT_READ, () -> "x"));
		assertThrows(IllegalStateException.class, () -> t.time(Stage.INPUT_READ,
			() -> {
				throw new IllegalStateException("bad file");
			}));
		assertEquals(2, t.count(Stage.INPUT_READ));
	}
}
