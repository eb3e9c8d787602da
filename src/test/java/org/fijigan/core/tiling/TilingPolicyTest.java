
package org.fijigan.core.tiling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The auto-tiling policy on its own: windows, batch sizes and out-of-memory
 * retries, exactly.
 */
class TilingPolicyTest {

	private static final long MIB = 1 << 20;
	private static final AxisConstraint ANY = AxisConstraint.ANY;

	private static TilingRequest request(int w, int h, AxisConstraint c, int halo,
		int window, long budget, long bytesPerPixel, int maxBatch,
		String... wholeImageOps)
	{
		return new TilingRequest(w, h, c, c, halo, window, budget, bytesPerPixel,
			maxBatch, List.of(wholeImageOps));
	}

	@Test
	void bytesPerInputPixelCountsTwoMapsAtTheInputAndOneAtTheOutputResolution() {
		assertEquals(4 * 64 * 3, TilingPolicy.bytesPerInputPixel(64, 1));
		assertEquals(4 * 48 * (2 + 16), TilingPolicy.bytesPerInputPixel(48, 4));
		assertEquals(4 * 64 * 3, TilingPolicy.bytesPerInputPixel(64, 0.5),
			"never fewer than at scale 1");
	}

	@Test
	void aPlaneWithinTheBudgetRunsUntiled() {
		// 1 MiB at 100 bytes a pixel holds 10485 pixels; the plane has 600
		TilingPolicy.Decision d = TilingPolicy.plan(request(30, 20, ANY, 2,
			TilingRequest.AUTO_WINDOW, MIB, 100, 16));
		assertEquals(1, d.plan().tileCount());
		assertEquals("30x20", d.windowSize());
		assertEquals(1, d.batch());
		assertEquals(List.of(), d.notes());
	}

	@Test
	void aThinPlaneIsJudgedByTheWindowItsPaddingMakes() {
		// a 1 x 100000 line through a model that takes at least 39 px a side is a
		// 39 x 100000 window untiled: 3.9 million pixels, 3.6 GiB at 1000 bytes a
		// pixel, not the line's 100000 pixels (95 MiB) that the 1 GiB budget holds
		AxisConstraint atLeast39 = AxisConstraint.minStep(39, 1);
		TilingPolicy.Decision d = TilingPolicy.plan(request(1, 100_000, atLeast39,
			19, TilingRequest.AUTO_WINDOW, 1024 * MIB, 1000, 16));
		assertTrue(d.plan().tileCount() > 1, d.windowSize());
		long window = (long) d.plan().windowWidth() * d.plan().windowHeight();
		assertTrue(window * 1000 <= 1024 * MIB, d.windowSize());
		// its transpose alike
		d = TilingPolicy.plan(request(100_000, 1, atLeast39, 19,
			TilingRequest.AUTO_WINDOW, 1024 * MIB, 1000, 16));
		assertTrue(d.plan().tileCount() > 1, d.windowSize());
		assertTrue((long) d.plan().windowWidth() * d.plan().windowHeight() *
			1000 <= 1024 * MIB, d.windowSize());
	}

	@Test
	void autoWindowsComeFromTheBudgetAndAreBalancedPerAxis() {
		// 10485 pixels fit: sqrt gives 102 px windows. 200 px along x takes two of
		// them, and no
		// window below 102 holds two halves of 100 px with their 2 px halo. 150 px
		// along y takes two
		// as well; the search starts at 75 + 2 x 2 = 79 px, which holds 75 + 2 px:
		// 79.
		TilingPolicy.Decision d = TilingPolicy.plan(request(200, 150, ANY, 2,
			TilingRequest.AUTO_WINDOW, MIB, 100, 16));
		assertEquals("102x79", d.windowSize());
		assertEquals(4, d.plan().tileCount());
		// a 102 x 79 x 100 byte tile leaves room for one in 1 MiB
		assertEquals(1, d.batch());
	}

	/**
	 * Auto windows of a model with a total stride of 8 on a 2000x2000 plane: a
	 * window off the grid (669 px) made ONNX Runtime fail to broadcast a skip
	 * connection (668 by 669). Windows are multiples of 8 and start on multiples
	 * of 8, kept parts too.
	 */
	@Test
	void autoWindowsOfAStridedModelAreMultiplesOfItsStrideAndOnItsGrid() {
		AxisConstraint by8 = AxisConstraint.minStep(8, 8);
		TilingRequest r = new TilingRequest(2000, 2000, by8, by8, 13,
			TilingRequest.AUTO_WINDOW, 64 * MIB, 144, 16, List.of(), 8);
		TilingPolicy.Decision d = TilingPolicy.plan(r);
		assertTrue(d.plan().tileCount() > 4, d.windowSize());
		assertEquals(0, d.plan().windowWidth() % 8, d.windowSize());
		assertEquals(0, d.plan().windowHeight() % 8, d.windowSize());
		for (AxisTile t : d.plan().xTiles()) {
			assertEquals(0, t.readStart() % 8, d.plan().xTiles().toString());
			assertEquals(0, t.keepStart() % 8, d.plan().xTiles().toString());
		}
		// the same request for a model without a stride keeps pixel windows
		TilingRequest plain = new TilingRequest(2000, 2000, AxisConstraint.ANY,
			AxisConstraint.ANY, 13, TilingRequest.AUTO_WINDOW, 64 * MIB, 144, 16, List
				.of());
		assertTrue(TilingPolicy.plan(plain).plan().xTiles().stream().anyMatch(t -> t
			.readStart() % 8 != 0));
	}

	/**
	 * Under a halo of 8, --tile 10 was enlarged to 32 px windows (8 tiles on a
	 * 61x45 plane) but --tile 17 kept 1 px inside each window (2,640 tiles). Both
	 * now give the smallest windows the planner would choose, and say so.
	 */
	@Test
	void aRequestedWindowWithLessInsideThanTheSmallestIsEnlargedAlike() {
		for (int tile : new int[] { 10, 17, 31 }) {
			TilingPolicy.Decision d = TilingPolicy.plan(request(61, 45, ANY, 8, tile,
				64 * MIB, 100, 16));
			assertEquals("32x32", d.windowSize(), "--tile " + tile);
			assertEquals(8, d.plan().tileCount(), "--tile " + tile);
			assertEquals("a tile of " + tile + " px leaves " + (tile < 17 ? "no room"
				: "only " + (tile - 16) + " px") + " inside a halo of 8 px on each " +
				"side: used 32x32 px windows, the smallest that keep 16 px inside it", d
					.notes().get(0));
		}
		// a model of fixed 16x16 input under a halo of 12: its own windows, which
		// keep no 16 px inside (the note said they did)
		TilingPolicy.Decision fixed = TilingPolicy.plan(request(41, 53,
			AxisConstraint.fixed(16), 12, 24, 64 * MIB, 100, 16));
		assertEquals("16x16", fixed.windowSize());
		assertEquals("a tile of 24 px leaves no room inside a halo of 12 px on " +
			"each side: used the model's fixed 16x16 px windows", fixed.notes().get(
				0));
		// the smallest windows do not fit the image: its whole plane is one window,
		// and the note says so (it said 201x149 were the smallest)
		TilingPolicy.Decision whole = TilingPolicy.plan(request(201, 149, ANY, 100,
			64, 64 * MIB, 100, 16));
		assertEquals("201x149", whole.windowSize());
		assertEquals(1, whole.plan().tileCount());
		assertEquals("a tile of 64 px leaves no room inside a halo of 100 px on " +
			"each side: used one 201x149 px window, the whole image (no tiles: the " +
			"smallest windows that keep 16 px inside them are larger)", whole.notes()
				.get(0));
		TilingPolicy.Decision wide = TilingPolicy.plan(request(401, 149, ANY, 100,
			64, 64 * MIB, 100, 16));
		assertEquals("216x149", wide.windowSize());
		assertEquals("a tile of 64 px leaves no room inside a halo of 100 px on " +
			"each side: used 216x149 px windows (height: the whole image; width: " +
			"the smallest that keep 16 px inside it)", wide.notes().get(0));
		// an image exactly the smallest window: that window, not a capped one
		TilingPolicy.Decision exact = TilingPolicy.plan(request(52, 52, ANY, 18, 20,
			64 * MIB, 100, 16));
		assertEquals("52x52", exact.windowSize());
		assertEquals("a tile of 20 px leaves no room inside a halo of 18 px on " +
			"each side: used 52x52 px windows, the smallest that keep 16 px inside " +
			"it", exact.notes().get(0));
		TilingPolicy.Decision d32 = TilingPolicy.plan(request(61, 45, ANY, 8, 32,
			64 * MIB, 100, 16));
		assertEquals(8, d32.plan().tileCount());
		assertEquals(List.of(), d32.notes());
		// half or more of the window inside the halo: the tile asked for
		TilingPolicy.Decision d16 = TilingPolicy.plan(request(96, 64, ANY, 1, 16,
			64 * MIB, 100, 16));
		assertEquals("16x16", d16.windowSize());
		assertEquals(List.of(), d16.notes());
	}

	@Test
	void theBatchIsWhatTheBudgetHoldsCappedBySixteenTheModelAndTheTiles() {
		// 32 px windows over 100 x 90 px with a 2 px halo: 4 x 4 tiles (three would
		// need 37 px
		// windows for a 33 px middle part); one tile is 32 x 32 x 100 bytes, ten
		// fit in 1 MiB
		TilingPolicy.Decision d = TilingPolicy.plan(request(100, 90, ANY, 2, 32,
			MIB, 100, 16));
		assertEquals(16, d.plan().tileCount());
		assertEquals(10, d.batch());
		assertEquals(4, TilingPolicy.plan(request(100, 90, ANY, 2, 32, MIB, 100, 4))
			.batch(), "the model takes at most 4");
		assertEquals(TilingPolicy.MAX_BATCH, TilingPolicy.plan(request(100, 90, ANY,
			2, 32, 64 * MIB, 100, 64)).batch(), "655 fit, 16 tiles");
		assertEquals(2, TilingPolicy.plan(request(60, 20, ANY, 2, 32, 64 * MIB, 100,
			64)).batch(), "two tiles in all");
	}

	@Test
	void aModelThatSeesTheWholeImageRunsUntiledUpToFourBudgetsAndSaysSo() {
		// 10485 pixels fit; 200 x 150 = 30000 is within four budgets (41943)
		TilingPolicy.Decision untiled = TilingPolicy.plan(request(200, 150, ANY, 2,
			TilingRequest.AUTO_WINDOW, MIB, 100, 16, "GlobalAveragePool"));
		assertEquals(1, untiled.plan().tileCount());
		assertEquals(List.of("ran untiled: tiles would change the result " +
			"(GlobalAveragePool)"), untiled.notes());
		TilingPolicy.Decision tiled = TilingPolicy.plan(request(300, 200, ANY, 2,
			TilingRequest.AUTO_WINDOW, MIB, 100, 16, "GlobalAveragePool", "TopK"));
		assertTrue(tiled.plan().tileCount() > 1);
		assertEquals(List.of(
			"image too large to run untiled; tiles may change the result of " +
				"GlobalAveragePool, TopK"), tiled.notes());
		TilingPolicy.Decision asked = TilingPolicy.plan(request(100, 90, ANY, 2, 32,
			MIB, 100, 16, "TopK"));
		assertEquals(List.of(
			"tiling changes the result of TopK; use --tile none for an exact result"),
			asked.notes());
	}

	@Test
	void
		aModelThatSeesTheWholeImageButTakesOnlySmallInputsRunsInTilesAndSaysSo()
	{
		// a 16 px fixed input over 64 x 48 px, halo 4: the plane fits the budget,
		// but no single run can take it
		TilingPolicy.Decision auto = TilingPolicy.plan(request(64, 48,
			AxisConstraint.fixed(16), 4, TilingRequest.AUTO_WINDOW, MIB, 100, 16,
			"InstanceNormalization"));
		assertEquals("16x16", auto.windowSize());
		assertEquals(8 * 6, auto.plan().tileCount());
		String forced = "tiles change the result (InstanceNormalization), but " +
			"the model takes only 16x16 px inputs, so the image ran in tiles";
		assertEquals(List.of(forced), auto.notes().subList(0, 1));
		assertTrue(auto.notes().stream().noneMatch(n -> n.contains("ran untiled") ||
			n.contains("--tile none")), auto.notes().toString());
		TilingPolicy.Decision asked = TilingPolicy.plan(request(64, 48,
			AxisConstraint.fixed(16), 4, 16, MIB, 100, 16, "InstanceNormalization"));
		assertEquals(forced, asked.notes().get(0));
		assertTrue(asked.notes().stream().noneMatch(n -> n.contains("--tile none")),
			asked.notes().toString());
	}

	@Test
	void aPlaneSmallerThanTheModelsInputIsPaddedAndSaysSo() {
		TilingPolicy.Decision d = TilingPolicy.plan(request(5, 3, AxisConstraint
			.fixed(8), 0, TilingRequest.AUTO_WINDOW, MIB, 100, 1));
		assertEquals("8x8", d.windowSize());
		assertEquals(List.of(
			"image padded by mirroring to 8x8 px, the model's fixed input size"), d
				.notes());
	}

	/**
	 * 48 px is the smallest size of 16 + 16k that holds 41 and 47 px, not the
	 * model's smallest input (16), as the note said; sizes from 24 in steps of 8
	 * are said as such.
	 */
	@Test
	void thePaddingNoteNamesTheSmallestSizeThatHoldsTheImage() {
		TilingPolicy.Decision d = TilingPolicy.plan(request(41, 47, AxisConstraint
			.minStep(16, 16), 0, TilingRequest.AUTO_WINDOW, MIB, 100, 1));
		assertEquals("48x48", d.windowSize());
		assertEquals(List.of(
			"image padded by mirroring to 48x48 px, the smallest " +
				"size the model takes that holds it (a multiple of 16 px)"), d.notes());
		TilingPolicy.Decision wide = TilingPolicy.plan(new TilingRequest(41, 5,
			AxisConstraint.minStep(16, 16), AxisConstraint.minStep(8, 1), 0,
			TilingRequest.AUTO_WINDOW, MIB, 100, 1, List.of()));
		assertEquals(List.of("image padded by mirroring to 48x8 px, the smallest " +
			"size the model takes that holds it (width a multiple of 16 px, " +
			"height at least 8 px)"), wide.notes());
		assertEquals(List.of(
			"image padded by mirroring to 48x48 px, the smallest " +
				"size the model takes that holds it (24 px plus a multiple of 8)"),
			TilingPolicy.plan(request(41, 47, AxisConstraint.minStep(24, 8), 0,
				TilingRequest.AUTO_WINDOW, MIB, 100, 1)).notes());
	}

	/**
	 * The plan for {@code r}, then every smaller plan the out-of-memory fallback
	 * tries.
	 */
	private static List<TilingPolicy.Decision> retries(TilingRequest r) {
		List<TilingPolicy.Decision> tried = new ArrayList<>();
		Optional<TilingPolicy.Decision> next = Optional.of(TilingPolicy.plan(r));
		while (next.isPresent()) {
			tried.add(next.get());
			next = TilingPolicy.smaller(r, next.get());
		}
		return tried;
	}

	@Test
	void outOfMemoryRetriesHalveTheWindowDownToTwiceTheHaloPlusSixteen() {
		// halo 2: the smallest window is 20 px, so 80 -> 40 -> 20 and 10 is not
		// tried
		List<TilingPolicy.Decision> tried = retries(request(100, 90, ANY, 2, 80,
			MIB, 100, 16));
		assertEquals(List.of("80x80", "40x40", "20x20"), tried.stream().map(
			TilingPolicy.Decision::windowSize).toList());
		// 20 px windows keep at most 16 px: 7 tiles across 100 px, 6 down 90 px
		assertEquals(List.of(4, 9, 42), tried.stream().map(d -> d.plan()
			.tileCount()).toList());
		// one 80 px tile fits the budget; 40 px tiles would take 6 at a time, but a
		// retry never
		// runs more tiles at once than the run that failed
		assertEquals(List.of(1, 1, 1), tried.stream().map(
			TilingPolicy.Decision::batch).toList());
		assertEquals(16, TilingPolicy.smallestWindow(0));
		assertEquals(36, TilingPolicy.smallestWindow(10));
	}

	@Test
	void aModelThatTakesNoSmallerInputHasNoSmallerPlan() {
		assertEquals(List.of("16x16"), retries(request(40, 40, AxisConstraint.fixed(
			16), 0, TilingRequest.AUTO_WINDOW, 1024, 100, 1)).stream().map(
				TilingPolicy.Decision::windowSize).toList());
		// multiples of 64 px: 128 -> 64, and half of 64 still gives 64
		assertEquals(List.of("128x128", "64x64"), retries(request(300, 300,
			AxisConstraint.minStep(64, 64), 0, 128, MIB, 100, 1)).stream().map(
				TilingPolicy.Decision::windowSize).toList());
	}
}
