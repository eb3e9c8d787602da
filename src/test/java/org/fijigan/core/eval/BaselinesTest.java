
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.fijigan.core.train.data.FreeFormMask;
import org.junit.jupiter.api.Test;

class BaselinesTest {

	private interface Field {

		double at(double y, double x);
	}

	private static float[] plane(int h, int w, Field f) {
		float[] v = new float[h * w];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				v[y * w + x] = (float) f.at(y, x);
		return v;
	}

	@Test
	void keysKernelHasItsTextbookWeights() {
		assertEquals(1, Baselines.keys(0), 0);
		assertEquals(0, Baselines.keys(1), 0);
		assertEquals(0, Baselines.keys(2), 0);
		assertEquals(0.5625, Baselines.keys(0.5), 1e-15); // (a+2)/8 - (a+3)/4 + 1
																											// with a = -0.5
		assertEquals(-0.0625, Baselines.keys(1.5), 1e-15); // a/8 with a = -0.5
	}

	@Test
	void bicubicOfALinearRampIsExactInTheInteriorAndClampedAtTheEdges() {
		int h = 10, w = 12, s = 3;
		Field ramp = (y, x) -> 0.03 * x + 0.07 * y + 0.2;
		float[] up = Baselines.bicubicUpscale(plane(h, w, ramp), h, w, s);
		assertEquals(h * s * w * s, up.length);
		int interior = 0;
		for (int y = 0; y < h * s; y++)
			for (int x = 0; x < w * s; x++) {
				double py = (y + 0.5) / s - 0.5, px = (x + 0.5) / s - 0.5; // half-pixel
																																		// centres
				boolean inside = Math.floor(py) >= 1 && Math.floor(py) <= h - 3 && Math
					.floor(px) >= 1 && Math.floor(px) <= w - 3;
				if (!inside) continue;
				interior++;
				assertEquals(ramp.at(py, px), up[y * w * s + x], 1e-6, "pixel " + y +
					"," + x);
			}
		assertEquals(21 * 27, interior); // rows 4..24, columns 4..30
		// the first output pixel samples at -1/3: the edge pixel repeated, not the
		// ramp extended
		assertTrue(Math.abs(up[0] - ramp.at(-1.0 / 3, -1.0 / 3)) > 1e-3,
			"edges are clamped");
	}

	@Test
	void bicubicReproducesAQuadraticAndKeepsAConstant() {
		int h = 4, w = 16, s = 2;
		float[] up = Baselines.bicubicUpscale(plane(h, w, (y, x) -> x * x / 100.0),
			h, w, s);
		for (int x = 4; x < 2 * w - 4; x++) {
			double px = (x + 0.5) / s - 0.5;
			assertEquals(px * px / 100, up[3 * 2 * w + x], 1e-6, "x " + x);
		}
		float[] flat = Baselines.bicubicUpscale(plane(5, 7, (y, x) -> 0.37), 5, 7,
			4);
		for (float v : flat)
			assertEquals(0.37f, v, 1e-6f);
	}

	@Test
	void nearestRepeatsEveryPixelAsABlock() {
		float[] up = Baselines.nearestUpscale(new float[] { 1, 2, 3, 4, 5, 6 }, 2,
			3, 2);
		assertArrayEquals(new float[] { 1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5,
			5, 6, 6, 4, 4, 5, 5, 6, 6 }, up);
	}

	@Test
	void gaussianBlurPreservesAConstantAndTheMassOfAnImpulse() {
		float[] flat = Baselines.gaussianBlur(plane(9, 11, (y, x) -> 0.37), 9, 11,
			1.5);
		for (float v : flat)
			assertEquals(0.37f, v, 1e-6f);
		float[] impulse = new float[31 * 31];
		impulse[15 * 31 + 15] = 1;
		float[] blurred = Baselines.gaussianBlur(impulse, 31, 31, 2);
		double sum = 0;
		for (float v : blurred)
			sum += v;
		assertEquals(1, sum, 1e-6);
		assertEquals(1, impulse[15 * 31 + 15], 0, "the input is left alone");
		// the centre weight of the separable kernel squared: (1 / sum_i exp(-i^2 /
		// 8), |i| <= 8)^2
		double k = 0;
		for (int i = -8; i <= 8; i++)
			k += Math.exp(-i * i / 8.0);
		assertEquals(1 / (k * k), blurred[15 * 31 + 15], 1e-7);
	}

	@Test
	void medianRemovesAnIsolatedSpikeAndKeepsAStepEdge() {
		float[] v = plane(7, 8, (y, x) -> 0.2);
		v[3 * 8 + 4] = 1;
		v[0] = -1; // a corner spike: the mirrored border shows it 4 times in its
								// own window, still a minority
		float[] m = Baselines.medianFilter(v, 7, 8, 3);
		for (float x : m)
			assertEquals(0.2f, x, 0f);
		float[] step = plane(6, 6, (y, x) -> x < 3 ? 0 : 1);
		assertArrayEquals(step, Baselines.medianFilter(step, 6, 6, 5));
		// a known 3x3 median: the window of the centre of 1..9 is all of them
		float[] nine = { 9, 1, 5, 3, 7, 2, 8, 4, 6 };
		assertEquals(5, Baselines.medianFilter(nine, 3, 3, 3)[4], 0);
		assertThrows(IllegalArgumentException.class, () -> Baselines.medianFilter(
			nine, 3, 3, 4));
	}

	@Test
	void harmonicFillReproducesARampAndDiscreteHarmonicFunctions() {
		int h = 64, w = 64;
		Field ramp = (y, x) -> 0.01 * x + 0.005 * y;
		// x^2 - y^2 and x y have a zero discrete Laplacian too, so they must come
		// back exactly
		Field saddle = (y, x) -> (x * x - y * y + 3 * x * y) / 4000.0;
		boolean[] holes = new boolean[h * w];
		for (int y = 10; y < 50; y++)
			for (int x = 15; x < 45; x++)
				holes[y * w + x] = true;
		for (Field f : new Field[] { ramp, saddle }) {
			float[] truth = plane(h, w, f), given = truth.clone();
			for (int i = 0; i < given.length; i++)
				if (holes[i]) given[i] = 0;
			float[] filled = Baselines.harmonicFill(given, holes, h, w);
			for (int i = 0; i < filled.length; i++)
				assertEquals(truth[i], filled[i], 1e-5, "pixel " + i);
			for (int i = 0; i < filled.length; i++)
				if (!holes[i]) assertEquals(given[i], filled[i], 0,
					"known pixels stay");
		}
	}

	@Test
	void harmonicFillConvergesOnAHoleThatIsAlmostTheWholeImage() {
		int h = 96, w = 80;
		Field ramp = (y, x) -> 0.5 + 0.004 * x - 0.003 * y;
		boolean[] holes = new boolean[h * w];
		for (int y = 1; y < h - 1; y++)
			for (int x = 1; x < w - 1; x++)
				holes[y * w + x] = true; // only a one-pixel frame is known
		float[] truth = plane(h, w, ramp), given = truth.clone();
		for (int i = 0; i < given.length; i++)
			if (holes[i]) given[i] = 0;
		float[] filled = Baselines.harmonicFill(given, holes, h, w);
		for (int i = 0; i < filled.length; i++)
			assertEquals(truth[i], filled[i], 1e-5, "pixel " + i);
	}

	@Test
	void harmonicFillMirrorsAtTheBorderAndNeedsAKnownPixel() {
		// a hole along the whole left edge of a constant image: the mirror border
		// keeps it constant
		int h = 20, w = 20;
		float[] v = plane(h, w, (y, x) -> 0.25);
		boolean[] holes = new boolean[h * w];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < 6; x++) {
				holes[y * w + x] = true;
				v[y * w + x] = 0.9f;
			}
		for (float x : Baselines.harmonicFill(v, holes, h, w))
			assertEquals(0.25f, x, 1e-6f);
		boolean[] all = new boolean[4];
		Arrays.fill(all, true);
		assertThrows(IllegalArgumentException.class, () -> Baselines.harmonicFill(
			new float[4], all, 2, 2));
	}

	/**
	 * A cubic: the 13-point biharmonic operator vanishes on it, the 5-point
	 * Laplacian does not.
	 */
	private static final Field CUBIC = (y, x) -> 0.3 + 0.004 * x - 0.003 * y +
		2e-4 * x * y - 1e-4 * x * x + 6e-5 * y * y + 1.5e-6 * x * x * x - 1e-6 * x *
			x * y + 2e-6 * x * y * y - 1.2e-6 * y * y * y;

	private static float[] holed(float[] truth, boolean[] holes) {
		float[] given = truth.clone();
		for (int i = 0; i < given.length; i++)
			if (holes[i]) given[i] = 0;
		return given;
	}

	@Test
	void biharmonicFillReproducesACubicThatTheHarmonicFillBends() {
		int h = 64, w = 60;
		boolean[] holes = new boolean[h * w];
		for (int y = 8; y < 40; y++)
			for (int x = 10; x < 44; x++)
				holes[y * w + x] = true; // a box
		for (int y = 2; y < h - 2; y++)
			for (int x = 48; x < 52; x++)
				holes[y * w + x] = true; // a stroke two pixels from the border
		float[] truth = plane(h, w, CUBIC), given = holed(truth, holes);
		float[] filled = Baselines.biharmonicFill(given, holes, h, w);
		float[] harmonic = Baselines.harmonicFill(given, holes, h, w);
		double worstHarmonic = 0;
		for (int i = 0; i < filled.length; i++) {
			if (holes[i]) assertEquals(truth[i], filled[i], 2e-5, "pixel " + i);
			else assertEquals(given[i], filled[i], 0, "known pixels stay");
			worstHarmonic = Math.max(worstHarmonic, Math.abs(harmonic[i] - truth[i]));
		}
		assertTrue(worstHarmonic > 0.005, "the harmonic fill is not exact here: " +
			worstHarmonic);
	}

	@Test
	void biharmonicFillReproducesACubicAlongAThinStrokeTooLongToFactor() {
		// one pixel wide and 696 long: its grid does not coarsen, so it is
		// smoothed, not factored
		int h = 12, w = 700;
		boolean[] holes = new boolean[h * w];
		for (int x = 2; x < w - 2; x++)
			holes[5 * w + x] = true;
		Field cubic = (y, x) -> CUBIC.at(y, x / 10.0);
		float[] truth = plane(h, w, cubic);
		float[] filled = Baselines.biharmonicFill(holed(truth, holes), holes, h, w);
		for (int i = 0; i < filled.length; i++)
			assertEquals(truth[i], filled[i], 2e-5, "pixel " + i);
	}

	/**
	 * {@code (L v)_i} with the mirror border: the in-image 4-neighbours minus as
	 * many times {@code v_i}.
	 */
	private static double laplacian(double[] v, int i, int h, int w) {
		int y = i / w, x = i % w, n = 0;
		double s = 0;
		for (int[] d : new int[][] { { 0, -1 }, { 0, 1 }, { -1, 0 }, { 1, 0 } })
			if (y + d[0] >= 0 && y + d[0] < h && x + d[1] >= 0 && x + d[1] < w) {
				s += v[(y + d[0]) * w + x + d[1]];
				n++;
			}
		return s - n * v[i];
	}

	@Test
	void biharmonicFillSolvesItsNormalEquationsOnFreeFormHoles() {
		// seeded strokes and boxes on a 64 x 48 texture, one-pixel gaps between
		// holes and holes at
		// the border included: at every hole pixel (L L u) = 0, which defines the
		// fill
		int h = 48, w = 64;
		boolean[] holes = FreeFormMask.generate(w, h, 0.2, 0.3,
			new SplittableRandom(1));
		float[] truth = plane(h, w, (y, x) -> 0.5 + 0.3 * Math.sin(x * 0.4) * Math
			.cos(y * 0.3));
		float[] filled = Baselines.biharmonicFill(holed(truth, holes), holes, h, w);
		double[] u = new double[filled.length], lap = new double[filled.length];
		for (int i = 0; i < u.length; i++)
			u[i] = filled[i];
		for (int i = 0; i < u.length; i++)
			lap[i] = laplacian(u, i, h, w);
		int count = 0;
		for (int i = 0; i < u.length; i++)
			if (holes[i]) {
				count++;
				assertEquals(0, laplacian(lap, i, h, w), 2e-5, "pixel " + i);
			}
		assertTrue(count > 600, "more holes than the coarsest grid factors: " +
			count);
	}

	@Test
	void sparseProductsAndTransposeMatchTheirDenseForms() {
		// [[1 0 2], [0 3 0]] times [[4 0], [0 5], [6 0]] = [[16 0], [0 15]]
		SparseMatrix a = new SparseMatrix(3, new int[] { 0, 2, 3 }, new int[] { 0,
			2, 1 }, new double[] { 1, 2, 3 });
		SparseMatrix b = new SparseMatrix(2, new int[] { 0, 1, 2, 3 }, new int[] {
			0, 1, 0 }, new double[] { 4, 5, 6 });
		assertArrayEquals(new double[] { 16, 0, 0, 15 }, a.times(b).dense(), 0);
		assertArrayEquals(new double[] { 1, 0, 0, 3, 2, 0 }, a.transpose().dense(),
			0);
		double[] y = new double[2];
		a.multiply(new double[] { 1, 1, 1 }, y);
		assertArrayEquals(new double[] { 3, 3 }, y, 0);
	}

	@Test
	void biharmonicFillConvergesOnAHoleThatIsAlmostTheWholeImage() {
		int h = 96, w = 80;
		boolean[] holes = new boolean[h * w];
		for (int y = 2; y < h - 2; y++)
			for (int x = 2; x < w - 2; x++)
				holes[y * w + x] = true; // only a two-pixel frame is known
		float[] truth = plane(h, w, CUBIC);
		float[] filled = Baselines.biharmonicFill(holed(truth, holes), holes, h, w);
		for (int i = 0; i < filled.length; i++)
			assertEquals(truth[i], filled[i], 1e-4, "pixel " + i);
	}

	@Test
	void biharmonicFillOfOnePixelIsTheTextbookStencil() {
		// 1 x 5, hole in the middle: minimising (a + x - 2b)^2 + (b + d - 2x)^2 +
		// (x + e - 2d)^2
		// gives x = (4b + 4d - a - e) / 6, the cubic through the four known values
		float a = 0.1f, b = 0.7f, d = 0.4f, e = 0.9f;
		boolean[] middle = { false, false, true, false, false };
		assertEquals((4 * b + 4 * d - a - e) / 6, Baselines.biharmonicFill(
			new float[] { a, b, 0, d, e }, middle, 1, 5)[2], 1e-7);
		// next to the border (mirror: the end pixel has one neighbour), a hole at
		// index 1:
		// (x - a)^2 + (a + c - 2x)^2 + (x + d - 2c)^2 is least at x = (3a + 4c - d)
		// / 6
		float c = 0.3f;
		boolean[] second = { false, true, false, false, false };
		assertEquals((3 * a + 4 * c - d) / 6, Baselines.biharmonicFill(new float[] {
			a, 0, c, d, e }, second, 1, 5)[1], 1e-7);
		// 5 x 5, hole in the centre: 20 u - 8 (4-neighbours) + 2 (diagonals) + (two
		// steps away) = 0
		float[] v = plane(5, 5, (y, x) -> ((7 * y + 3 * x * x) % 11) / 10.0);
		boolean[] centre = new boolean[25];
		centre[12] = true;
		double expected = (8 * (v[7] + v[11] + v[13] + v[17]) - 2 * (v[6] + v[8] +
			v[16] + v[18]) - (v[2] + v[10] + v[14] + v[22])) / 20;
		assertEquals(expected, Baselines.biharmonicFill(v, centre, 5, 5)[12], 1e-6);
	}

	@Test
	void biharmonicFillKeepsAConstantAndNeedsAKnownPixel() {
		int h = 20, w = 20;
		float[] v = plane(h, w, (y, x) -> 0.25);
		boolean[] holes = new boolean[h * w];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < 6; x++) {
				holes[y * w + x] = true; // along the whole left edge
				v[y * w + x] = 0.9f;
			}
		for (float x : Baselines.biharmonicFill(v, holes, h, w))
			assertEquals(0.25f, x, 1e-6f);
		boolean[] all = new boolean[4];
		Arrays.fill(all, true);
		assertThrows(IllegalArgumentException.class, () -> Baselines.biharmonicFill(
			new float[4], all, 2, 2));
	}

	@Test
	void meanFillUsesOnlyTheKnownPixels() {
		float[] v = { 1, 2, 100, 3 };
		boolean[] holes = { false, false, true, false };
		assertArrayEquals(new float[] { 1, 2, 2, 3 }, Baselines.meanFill(v, holes,
			2, 2));
	}
}
