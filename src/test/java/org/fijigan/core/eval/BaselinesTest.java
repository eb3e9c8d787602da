package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

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
		assertEquals(0.5625, Baselines.keys(0.5), 1e-15); // (a+2)/8 - (a+3)/4 + 1 with a = -0.5
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
				double py = (y + 0.5) / s - 0.5, px = (x + 0.5) / s - 0.5; // half-pixel centres
				boolean inside = Math.floor(py) >= 1 && Math.floor(py) <= h - 3 && Math.floor(px) >= 1 &&
					Math.floor(px) <= w - 3;
				if (!inside) continue;
				interior++;
				assertEquals(ramp.at(py, px), up[y * w * s + x], 1e-6, "pixel " + y + "," + x);
			}
		assertEquals(21 * 27, interior); // rows 4..24, columns 4..30
		// the first output pixel samples at -1/3: the edge pixel repeated, not the ramp extended
		assertTrue(Math.abs(up[0] - ramp.at(-1.0 / 3, -1.0 / 3)) > 1e-3, "edges are clamped");
	}

	@Test
	void bicubicReproducesAQuadraticAndKeepsAConstant() {
		int h = 4, w = 16, s = 2;
		float[] up = Baselines.bicubicUpscale(plane(h, w, (y, x) -> x * x / 100.0), h, w, s);
		for (int x = 4; x < 2 * w - 4; x++) {
			double px = (x + 0.5) / s - 0.5;
			assertEquals(px * px / 100, up[3 * 2 * w + x], 1e-6, "x " + x);
		}
		float[] flat = Baselines.bicubicUpscale(plane(5, 7, (y, x) -> 0.37), 5, 7, 4);
		for (float v : flat)
			assertEquals(0.37f, v, 1e-6f);
	}

	@Test
	void nearestRepeatsEveryPixelAsABlock() {
		float[] up = Baselines.nearestUpscale(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3, 2);
		assertArrayEquals(new float[] { 1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5,
			6, 6 }, up);
	}

	@Test
	void gaussianBlurPreservesAConstantAndTheMassOfAnImpulse() {
		float[] flat = Baselines.gaussianBlur(plane(9, 11, (y, x) -> 0.37), 9, 11, 1.5);
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
		// the centre weight of the separable kernel squared: (1 / sum_i exp(-i^2 / 8), |i| <= 8)^2
		double k = 0;
		for (int i = -8; i <= 8; i++)
			k += Math.exp(-i * i / 8.0);
		assertEquals(1 / (k * k), blurred[15 * 31 + 15], 1e-7);
	}

	@Test
	void medianRemovesAnIsolatedSpikeAndKeepsAStepEdge() {
		float[] v = plane(7, 8, (y, x) -> 0.2);
		v[3 * 8 + 4] = 1;
		v[0] = -1; // a corner spike: the mirrored border shows it 4 times in its own window, still a minority
		float[] m = Baselines.medianFilter(v, 7, 8, 3);
		for (float x : m)
			assertEquals(0.2f, x, 0f);
		float[] step = plane(6, 6, (y, x) -> x < 3 ? 0 : 1);
		assertArrayEquals(step, Baselines.medianFilter(step, 6, 6, 5));
		// a known 3x3 median: the window of the centre of 1..9 is all of them
		float[] nine = { 9, 1, 5, 3, 7, 2, 8, 4, 6 };
		assertEquals(5, Baselines.medianFilter(nine, 3, 3, 3)[4], 0);
		assertThrows(IllegalArgumentException.class, () -> Baselines.medianFilter(nine, 3, 3, 4));
	}

	@Test
	void harmonicFillReproducesARampAndDiscreteHarmonicFunctions() {
		int h = 64, w = 64;
		Field ramp = (y, x) -> 0.01 * x + 0.005 * y;
		// x^2 - y^2 and x y have a zero discrete Laplacian too, so they must come back exactly
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
				if (!holes[i]) assertEquals(given[i], filled[i], 0, "known pixels stay");
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
		// a hole along the whole left edge of a constant image: the mirror border keeps it constant
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
		assertThrows(IllegalArgumentException.class, () -> Baselines.harmonicFill(new float[4], all, 2, 2));
	}

	@Test
	void meanFillUsesOnlyTheKnownPixels() {
		float[] v = { 1, 2, 100, 3 };
		boolean[] holes = { false, false, true, false };
		assertArrayEquals(new float[] { 1, 2, 2, 3 }, Baselines.meanFill(v, holes, 2, 2));
	}
}
