
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

	/**
	 * A model that pools 2x2 with stride 2 computes on a grid of 2 px cells from
	 * the image origin; the last window of 61 px in 16 px windows started at 45,
	 * off the grid, so it pooled other pixel pairs than the untiled run. Windows
	 * now start, and kept parts begin and end, on even pixels, and the last one
	 * reads the image to its end and is mirrored one pixel further (to 62, as the
	 * untiled run is).
	 */
	@Test
	void aStridedModelsWindowsAndKeptPartsLieOnItsGrid() {
		List<AxisTile> tiles = TilePlanner.planAxis(61, AxisConstraint.minStep(2,
			2), 1, 16, "x", 2);
		assertEquals(List.of(new AxisTile(0, 16, 0, 0, 12), new AxisTile(10, 16, 0,
			12, 24), new AxisTile(22, 16, 0, 24, 36), new AxisTile(34, 16, 0, 36, 48),
			new AxisTile(46, 15, 1, 48, 61)), tiles);
		// the grid of a descriptor's {min: 16, step: 16}, and a halo rounded up to
		// it: 600 px in 128 px windows with a 5 px halo
		for (int length : new int[] { 600, 601, 700, 44, 60 })
			for (int window : new int[] { 16, 20, 48, 128 }) {
				AxisConstraint c = AxisConstraint.minStep(16, 16);
				int halo = window < 48 ? 0 : 5;
				List<AxisTile> plan = TilePlanner.planAxis(length, c, halo, window, "x",
					TilePlanner.grid(c, 1));
				int next = 0;
				for (AxisTile t : plan) {
					assertEquals(0, t.readStart() % 16, plan.toString());
					assertEquals(next, t.keepStart());
					assertEquals(0, t.keepStart() % 16, plan.toString());
					assertTrue(t.keepEnd() % 16 == 0 || t.keepEnd() == length);
					assertTrue(t.readStart() + t.readLength() <= length);
					assertTrue(t.padAfter() == 0 || t.readStart() + t
						.readLength() == length);
					if (plan.size() > 1 && halo > 0) {
						assertTrue(t.keepStart() == 0 || t.keepOffset() >= 16);
						assertTrue(t.keepEnd() == length || t.readStart() + t.windowSize() -
							t.keepEnd() >= 16);
					}
					next = t.keepEnd();
				}
				assertEquals(length, next);
			}
		assertEquals(8, TilePlanner.grid(AxisConstraint.fixed(64), 8));
		assertEquals(16, TilePlanner.grid(AxisConstraint.minStep(16, 16), 8));
		assertEquals(1, TilePlanner.grid(AxisConstraint.ANY, 1));
	}

	/**
	 * A window that is not whole cells of the grid (17 px on a x1.5 model's 2 px
	 * grid) is rounded down to them: it was planned as 8 cells but read 17 px, so
	 * the last window of a 54 px axis read 16 px and a mirrored one past the
	 * image end, where the untiled run reads none.
	 */
	@Test
	void aWindowIsWholeCellsOfTheGrid() {
		List<AxisTile> tiles = TilePlanner.planAxis(54, AxisConstraint.ANY, 2, 17,
			"x", 2);
		for (AxisTile t : tiles) {
			assertEquals(16, t.windowSize(), tiles.toString());
			assertEquals(0, t.padAfter(), tiles.toString());
		}
		assertEquals(54, tiles.get(tiles.size() - 1).readStart() + 16);
		// sizes the model takes only as min + k * step, on the lcm of grid and step
		assertEquals(24, TilePlanner.planAxis(100, AxisConstraint.minStep(8, 4), 0,
			30, "x", 12).get(0).windowSize());
	}

	@Test
	void fixedInputReducesAnOversizedHaloAndSaysSo() {
		TilePlan plan = TilePlanner.plan(200, 200, AxisConstraint.fixed(44),
			AxisConstraint.fixed(44), 18, 0, 0);
		assertEquals(11, plan.haloPixels());
		assertEquals(44, plan.windowWidth());
		assertTrue(plan.notes().get(0).contains("halo reduced from 18 to 11"));
		// one tile per plane (an image smaller than the model's input) has no seams
		for (int[] size : new int[][] { { 30, 37 }, { 1, 1 }, { 1, 9 } }) {
			TilePlan one = TilePlanner.plan(size[0], size[1], AxisConstraint.fixed(
				44), AxisConstraint.fixed(44), 18, 0, 0);
			assertTrue(one.isSingleTile());
			assertEquals(List.of(), one.notes());
		}
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
