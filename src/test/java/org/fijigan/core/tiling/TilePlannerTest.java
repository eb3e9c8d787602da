
package org.fijigan.core.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;

class TilePlannerTest {

	@Test
	void keptPartsCoverTheAxisExactlyOnceAndEachHasItsHalo() {
		for (int length : new int[] { 1, 7, 100, 257, 1000 })
			for (int halo : new int[] { 0, 3, 8 })
				for (int window : new int[] { 20, 33, 64 }) {
					List<AxisTile> tiles = TilePlanner.planAxis(length,
						AxisConstraint.ANY, halo, window, "x");
					int next = 0;
					for (AxisTile t : tiles) {
						assertEquals(next, t.keepStart());
						next = t.keepEnd();
						assertTrue(t.readStart() >= 0 && t.readStart() + t
							.readLength() <= length);
						// context up to the halo, or up to the image border when that is
						// nearer
						assertTrue(t.keepStart() - t.readStart() >= Math.min(halo, t
							.keepStart()));
						assertTrue(t.readStart() + t.readLength() - t.keepEnd() >= Math.min(
							halo, length - t.keepEnd()));
						assertEquals(tiles.get(0).windowSize(), t.windowSize());
					}
					assertEquals(length, next);
				}
	}

	@Test
	void exactPlanForAHundredPixelsWithWindow40AndHalo5() {
		List<AxisTile> tiles = TilePlanner.planAxis(100, AxisConstraint.ANY, 5, 40,
			"x");
		// three tiles cannot do: a middle one would need 33 + 2 * 5 > 40 pixels
		assertEquals(List.of(new AxisTile(0, 40, 0, 0, 25), new AxisTile(18, 40, 0,
			25, 50), new AxisTile(43, 40, 0, 50, 75), new AxisTile(60, 40, 0, 75,
				100)), tiles);
	}

	@Test
	void shortAxisIsPaddedUpToTheModelsMinimumOrFixedSize() {
		assertEquals(List.of(new AxisTile(0, 20, 24, 0, 20)), TilePlanner.planAxis(
			20, AxisConstraint.fixed(44), 4, 0, "x"));
		assertEquals(List.of(new AxisTile(0, 21, 3, 0, 21)), TilePlanner.planAxis(
			21, AxisConstraint.minStep(8, 8), 0, 0, "x"));
	}

	@Test
	void fixedInputReducesAnOversizedHaloAndSaysSo() {
		TilePlan plan = TilePlanner.plan(200, 200, AxisConstraint.fixed(44),
			AxisConstraint.fixed(44), 18, 0, 0);
		assertEquals(11, plan.haloPixels());
		assertEquals(44, plan.windowWidth());
		assertTrue(plan.notes().get(0).contains("halo reduced from 18 to 11"));
	}

	@Test
	void windowWithoutRoomInsideTheHaloIsAClearError() {
		GanException e = assertThrows(GanException.class, () -> TilePlanner
			.planAxis(100, AxisConstraint.ANY, 10, 20, "width"));
		assertTrue(e.getMessage().contains(
			"a tile width of 20 px leaves no room inside a halo of 10 px"));
	}

	@Test
	void constraintSizes() {
		AxisConstraint c = AxisConstraint.minStep(16, 8);
		assertEquals(16, c.validSizeAtLeast(3));
		assertEquals(24, c.validSizeAtLeast(17));
		assertEquals(24, c.validSizeAtMost(31));
		assertEquals(-1, c.validSizeAtMost(15));
		assertEquals(-1, AxisConstraint.fixed(44).validSizeAtLeast(45));
	}
}
