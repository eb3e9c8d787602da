
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.fijigan.core.dataset.PointSource;
import org.junit.jupiter.api.Test;

/** Peak, flux and faint-source recall of point sources with known positions. */
class PointSourceFidelityTest {

	static final int W = 96, H = 80;

	/** Gaussian spots on a flat background of 0.1, scaled by {@code gain}. */
	static float[] render(List<PointSource> sources, double gain) {
		float[] v = new float[W * H];
		java.util.Arrays.fill(v, 0.1f);
		for (PointSource s : sources)
			for (int y = 0; y < H; y++)
				for (int x = 0; x < W; x++) {
					double d2 = (x - s.x()) * (x - s.x()) + (y - s.y()) * (y - s.y());
					v[y * W + x] += (float) (gain * s.amplitude() * Math.exp(-d2 / (2 * s
						.sigma() * s.sigma())));
				}
		return v;
	}

	/**
	 * A grid of well separated sources: bright (0.6) and faint (0.08) in turn,
	 * one near the border.
	 */
	static List<PointSource> sources() {
		List<PointSource> list = new ArrayList<>();
		int k = 0;
		for (int y = 14; y < H - 10; y += 16)
			for (int x = 14; x < W - 10; x += 16)
				list.add(new PointSource(x + 0.3, y - 0.2, 1.2, k++ % 2 == 0 ? 0.6
					: 0.08, false));
		list.add(new PointSource(2, 40, 1.2, 0.6, false)); // its ring leaves the
																												// image: not counted
		return list;
	}

	@Test
	void theCleanImageKeepsEverythingAndDimmedSpotsShowTheirDimming() {
		List<PointSource> sources = sources();
		float[] clean = render(sources, 1);
		PointSourceFidelity.Reference ref = PointSourceFidelity.reference(clean, H,
			W, sources);
		assertEquals(sources.size() - 1, ref.counted().size(),
			"the one at the border is left out");
		assertNull(PointSourceFidelity.peakAndFlux(clean, H, W, sources.get(sources
			.size() - 1)));
		int faint = 0;
		for (int k = 0; k < ref.counted().size(); k++)
			faint += ref.isFaint(k) ? 1 : 0;
		assertEquals(ref.counted().size() / 2, faint);

		PointSourceFidelity.Tally same = PointSourceFidelity.measure(ref, clean);
		assertEquals(1, same.peakRatio(), 1e-12);
		assertEquals(1, same.fluxRatio(), 1e-12);
		assertEquals(1, same.faintRecall(), 0,
			"on a flat background every faint spot is found");
		// the flux of a Gaussian spot inside 2.5 sigma: amp 2 pi sigma^2 (1 -
		// exp(-2.5^2 / 2)), less a
		// little for the pixels' discreteness
		double[] pf = PointSourceFidelity.peakAndFlux(clean, H, W, sources.get(0));
		assertEquals(0.6 * 2 * Math.PI * 1.44 * (1 - Math.exp(-3.125)), pf[1],
			0.06 * pf[1]);

		PointSourceFidelity.Tally dimmed = PointSourceFidelity.measure(ref, render(
			sources, 0.6));
		assertEquals(0.6, dimmed.peakRatio(), 1e-5,
			"the background is flat: exactly the gain");
		assertEquals(0.6, dimmed.fluxRatio(), 1e-5);
		PointSourceFidelity.Tally erased = PointSourceFidelity.measure(ref, render(
			List.of(), 1));
		assertEquals(0, erased.peakRatio(), 1e-6);
		assertEquals(0, erased.faintRecall(), 0, "nothing to find");

		// a blur keeps the flux in a wide enough aperture but lowers the peaks
		float[] blurred = Baselines.gaussianBlur(clean, H, W, 1.5);
		PointSourceFidelity.Tally b = PointSourceFidelity.measure(ref, blurred);
		assertTrue(b.peakRatio() < 0.5 && b.fluxRatio() > 0.7 && b.fluxRatio() < 1,
			b.toString());
	}

	@Test
	void noiseCostsFaintDetectionsAtTheFixedFalsePositiveRate() {
		List<PointSource> sources = sources();
		float[] clean = render(sources, 1);
		PointSourceFidelity.Reference ref = PointSourceFidelity.reference(clean, H,
			W, sources);
		Random r = new Random(3);
		float[] noisy = clean.clone(), veryNoisy = clean.clone();
		for (int i = 0; i < noisy.length; i++) {
			double g = r.nextGaussian();
			noisy[i] += (float) (0.01 * g);
			veryNoisy[i] += (float) (0.12 * g);
		}
		assertEquals(1, PointSourceFidelity.measure(ref, noisy).faintRecall(), 0,
			"a little noise");
		double lost = PointSourceFidelity.measure(ref, veryNoisy).faintRecall();
		assertTrue(lost < 0.8,
			"at 1.5x the faint peaks' noise most faint spots drown: " + lost);
		// the budget: 7 false positives in 96x80 pixels; pure noise finds no source
		// but the budget
		assertEquals(7, (int) Math.floor(
			PointSourceFidelity.FALSE_POSITIVES_PER_PIXEL * W * H));
	}

	/**
	 * The sources left out are counted by why: outside the plane (even one so far
	 * out that its pixel position overflows an int), too near its edge or too
	 * wide, too faint.
	 */
	@Test
	void sourcesLeftOutAreCountedByWhy() {
		List<PointSource> sources = new ArrayList<>(sources());
		float[] clean = render(sources, 1);
		sources.add(new PointSource(4294967296.0 + 40, 40, 1.2, 0.6, false));
		sources.add(new PointSource(-3, 40, 1.2, 0.6, false));
		sources.add(new PointSource(46.3, 38, 500, 0.6, false));
		sources.add(new PointSource(40, 70, 1.2, 0.6, false)); // not rendered
		PointSourceFidelity.Reference ref = PointSourceFidelity.reference(clean, H,
			W, sources);
		assertNull(PointSourceFidelity.peakAndFlux(clean, H, W, sources.get(sources
			.size() - 4)));
		assertEquals(sources.size() - 5, ref.counted().size());
		assertEquals(2, ref.outside());
		assertEquals(2, ref.nearEdge(),
			"the one at the border, the one of sigma 500");
		assertEquals(1, ref.tooFaint());
	}
}
