
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MemorisationTest {

	private static List<float[]> images(int n, int length, long seed) {
		Random r = new Random(seed);
		List<float[]> out = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			float[] v = new float[length];
			for (int j = 0; j < length; j++)
				v[j] = r.nextFloat();
			out.add(v);
		}
		return out;
	}

	@Test
	void aCopiedTrainingImageIsFlaggedAndANewOneIsNot() {
		List<float[]> training = images(6, 64, 1), heldOut = images(5, 64, 2);
		List<String> names = List.of("t0", "t1", "t2", "t3", "t4", "t5");
		float[] nearCopy = training.get(1).clone();
		for (int j = 0; j < nearCopy.length; j++)
			nearCopy[j] += (j % 2 == 0 ? 0.001f : -0.001f);
		List<float[]> generated = List.of(training.get(3).clone(), images(1, 64, 3)
			.get(0), nearCopy);

		Memorisation.Report r = Memorisation.check(generated, training, names,
			heldOut);

		Memorisation.Nearest copy = r.nearest().get(0);
		assertEquals(3, copy.training());
		assertEquals("t3", copy.trainingName());
		assertEquals(0, copy.distance(), 0);
		assertTrue(copy.nearCopy());
		assertEquals(1, r.nearest().get(2).training());
		assertEquals(0.001, r.nearest().get(2).distance(), 1e-6); // RMS of +-0.001
		assertTrue(r.nearest().get(2).nearCopy());
		assertFalse(r.nearest().get(1).nearCopy());
		assertEquals(2, r.nearCopies().size());
		// the reference: each held-out image's nearest training distance, by brute
		// force
		for (int i = 0; i < heldOut.size(); i++) {
			double best = Double.POSITIVE_INFINITY;
			for (float[] t : training) {
				double s = 0;
				for (int j = 0; j < 64; j++)
					s += (heldOut.get(i)[j] - t[j]) * (double) (heldOut.get(i)[j] - t[j]);
				best = Math.min(best, Math.sqrt(s / 64));
			}
			assertEquals(best, r.heldOutDistances()[i], 1e-12);
		}
		assertEquals(Memorisation.percentile(r.heldOutDistances(), 1), r
			.threshold(), 0);
		assertTrue(r.threshold() > 0.2, "random images are far apart: " + r
			.threshold());
		assertEquals(0, r.minGenerated(), 0);
		assertEquals(0.001, r.medianGenerated(), 1e-6);
	}

	@Test
	void percentileInterpolatesAsNumPy() {
		assertEquals(2.5, Memorisation.percentile(new double[] { 4, 1, 3, 2 }, 50),
			0);
		assertEquals(0.1, Memorisation.percentile(new double[] { 10, 0 }, 1),
			1e-15);
		assertEquals(7, Memorisation.percentile(new double[] { 7 }, 1), 0);
		assertTrue(Double.isNaN(Memorisation.percentile(new double[0], 1)));
	}

	@Test
	void withoutHeldOutImagesNothingIsFlagged() {
		List<float[]> training = images(3, 16, 5);
		Memorisation.Report r = Memorisation.check(List.of(training.get(0)),
			training, List.of("a", "b", "c"), List.of());
		assertTrue(Double.isNaN(r.threshold()));
		assertFalse(r.nearest().get(0).nearCopy());
		assertEquals("a", r.nearest().get(0).trainingName());
	}
}
