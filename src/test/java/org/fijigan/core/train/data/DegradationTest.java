
package org.fijigan.core.train.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.train.data.Degradation.Range;
import org.junit.jupiter.api.Test;

class DegradationTest {

	private static final Normalization NONE = new Normalization.None();

	private static TrainingData flat(float value, Degradation d) {
		return TrainingData.create(TestModels.imageModel(TaskKind.DENOISE, 1, 1),
			TrainingDataTest.source(List.of(TestModels.constant("flat", 64, 64,
				value))), new DataOptions(64, Augmentation.FLIPS, NONE, 0, 2024, d));
	}

	@Test
	void gaussianNoiseHasTheRequestedMeanAndStandardDeviation() {
		TrainingBatch b = flat(0.5f, new Degradation.GaussianNoise(Range.of(0.1)))
			.batch(0, 8);
		double[] ms = TrainingDataTest.meanStd(b.input(), 0.5f); // 32768 values
		assertEquals(0, ms[0], 0.002); // 3.6 standard errors
		assertEquals(0.1, ms[1], 0.0015);
		for (float t : b.target())
			assertEquals(0.5f, t); // the target stays clean
	}

	@Test
	void theNoiseLevelIsDrawnPerSampleInItsRange() {
		TrainingData data = flat(0.5f, new Degradation.GaussianNoise(new Range(0.05,
			0.2)));
		double lo = 1, hi = 0;
		for (long step = 0; step < 10; step++)
			for (TrainingSample s : data.batch(step, 4).samples()) {
				double sd = TrainingDataTest.meanStd(s.input().values(), 0.5f)[1];
				assertTrue(sd > 0.05 * 0.95 && sd < 0.2 * 1.05, "sigma " + sd);
				lo = Math.min(lo, sd);
				hi = Math.max(hi, sd);
			}
		assertTrue(lo < 0.08 && hi > 0.17, "levels spread over the range: " + lo +
			".." + hi);
	}

	@Test
	void poissonGaussianNoiseHasTheShotAndReadNoiseVariance() {
		// x = 0.5 at 100 photons: Poisson(50) / 100 has mean 0.5, variance 50 /
		// 100^2 = 0.005;
		// read noise 0.02 adds 0.0004
		TrainingBatch b = flat(0.5f, new Degradation.PoissonGaussianNoise(Range.of(
			100), Range.of(0.02))).batch(0, 8);
		double[] ms = TrainingDataTest.meanStd(b.input(), 0.5f);
		assertEquals(0, ms[0], 0.0015);
		assertEquals(Math.sqrt(0.0054), ms[1], 0.0015);
		// counts are whole numbers when there is no read noise
		TrainingBatch shot = flat(0.5f, new Degradation.PoissonGaussianNoise(Range
			.of(100), Range.of(0))).batch(0, 1);
		for (float v : shot.input())
			assertEquals(Math.rint(v * 100), v * 100, 1e-3);
	}

	@Test
	void poissonVariatesHaveTheirMeanAsVarianceBelowAndAboveTheMethodSwitch() {
		for (double lambda : new double[] { 0.3, 3.5, 9.99, 10, 42.5, 1000 }) {
			RandomValues r = new RandomValues(new SplittableRandom(7));
			int n = 200_000;
			double s = 0, ss = 0;
			for (int i = 0; i < n; i++) {
				long k = r.poisson(lambda);
				assertTrue(k >= 0);
				s += k;
				ss += (double) k * k;
			}
			double mean = s / n, var = ss / n - mean * mean;
			assertEquals(lambda, mean, 4 * Math.sqrt(lambda / n), "mean at " +
				lambda);
			assertEquals(lambda, var, 0.02 * lambda + 0.01, "variance at " + lambda);
		}
		assertEquals(0, new RandomValues(new SplittableRandom(1)).poisson(0));
	}

	/**
	 * Means past where the ratio method's doubles hold whole counts are drawn
	 * near their mean (1e30 photons once gave counts that made every image zero);
	 * a mean beyond what a long holds is refused rather than saturated.
	 */
	@Test
	void hugePoissonMeansStayNearTheirMeanOrAreRefused() {
		RandomValues r = new RandomValues(new SplittableRandom(3));
		for (double lambda : new double[] { 1e16, 1e18 })
			for (int i = 0; i < 100; i++)
				assertEquals(lambda, r.poisson(lambda), 6 * Math.sqrt(lambda), "at " +
					lambda);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> r.poisson(1e30));
		assertEquals("a Poisson mean of 1.0E30 is beyond what a count holds (at " +
			"most 1.0E18)", e.getMessage());
	}

	@Test
	void logFactorialIsExactBelowTenAndStirlingAbove() {
		assertEquals(Math.log(362880), RandomValues.logFactorial(9), 1e-12);
		double exact = 0;
		for (int i = 2; i <= 30; i++)
			exact += Math.log(i);
		assertEquals(exact, RandomValues.logFactorial(30), 1e-10);
		assertEquals(Math.log(3628800), RandomValues.logFactorial(10), 1e-12);
	}

	@Test
	void gaussianVariatesAreStandardNormal() {
		RandomValues r = new RandomValues(new SplittableRandom(3));
		int n = 200_000;
		double s = 0, ss = 0, within1 = 0;
		for (int i = 0; i < n; i++) {
			double g = r.gaussian();
			s += g;
			ss += g * g;
			if (Math.abs(g) < 1) within1++;
		}
		assertEquals(0, s / n, 0.01);
		assertEquals(1, ss / n, 0.01);
		assertEquals(0.6827, within1 / n, 0.004);
	}

	@Test
	void areaDownscaleAndBlurOnKnownValues() {
		Planes p = new Planes(1, 2, 4, new float[] { 1, 3, 5, 7, 2, 4, 6, 9 });
		assertArrayEquals(new float[] { 2.5f, 6.75f }, Degradations.areaDownscale(p,
			2).values());
		// reflect: index -1 -> 0, n -> n - 1
		assertEquals(0, Degradations.reflect(-1, 4));
		assertEquals(1, Degradations.reflect(-2, 4));
		assertEquals(3, Degradations.reflect(4, 4));
		assertEquals(2, Degradations.reflect(5, 4));
		assertEquals(0, Degradations.reflect(8, 4));
		// a blur keeps a flat image flat and the mean of a symmetric impulse row
		Planes impulse = Planes.zeros(1, 1, 21);
		impulse.values()[10] = 1;
		Degradations.gaussianBlur(impulse, 1.0);
		double[] k = Degradations.gaussianKernel(1.0, 4);
		for (int i = -4; i <= 4; i++)
			assertEquals(k[i + 4], impulse.values()[10 + i], 1e-7);
		assertEquals(0, impulse.values()[5]);
		assertEquals(Math.exp(-0.5) / sum(k) * 1, k[3], 1e-15);
	}

	private static double sum(double[] k) {
		double s = 0;
		for (int i = 0; i < k.length; i++)
			s += Math.exp(-0.5 * (i - 4) * (i - 4));
		return s;
	}

	@Test
	void classicHolesAreTheBundledInpaintRecipes() {
		// holes:A..B draws the holes the bundled inpaint model was trained and
		// evaluated on, bit for
		// bit: a checksum of the hole positions of seeded masks, recorded before
		// varied-holes existed
		long sum = 0;
		for (int seed = 0; seed < 20; seed++) {
			boolean[] m = FreeFormMask.generate(96, 80, 0.05, 0.40,
				new SplittableRandom(seed));
			for (int i = 0; i < m.length; i++)
				if (m[i]) sum = sum * 31 + i;
		}
		assertEquals(7681439980367673089L, sum);
	}

	@Test
	void freeFormMasksCoverFiveToFortyPercent() {
		double total = 0;
		int n = 400;
		for (int seed = 0; seed < n; seed++) {
			int w = seed % 2 == 0 ? 64 : 37, h = seed % 2 == 0 ? 64 : 23;
			boolean[] m = FreeFormMask.generate(w, h, 0.05, 0.40,
				new SplittableRandom(seed));
			double c = FreeFormMask.coverage(m);
			assertTrue(c >= 0.05 && c <= 0.40, "coverage " + c + " at seed " + seed);
			total += c;
		}
		double mean = total / n;
		assertTrue(mean > 0.18 && mean < 0.30, "mean coverage " + mean);
		assertArrayEquals(FreeFormMask.generate(64, 64, 0.05, 0.4,
			new SplittableRandom(5)), FreeFormMask.generate(64, 64, 0.05, 0.4,
				new SplittableRandom(5)));
	}

	@Test
	void variedHolesMixOnePixelScratchesWithLargeHoles() {
		// per mask: the largest 4-step distance from a hole pixel to a known pixel,
		// and whether some
		// hole pixel is one pixel wide (known on both sides along a row or a
		// column)
		int n = 128, masks = 50;
		int smallest = Integer.MAX_VALUE, largest = 0;
		for (int seed = 0; seed < masks; seed++) {
			boolean[] m = FreeFormMask.generate(n, n, new Degradation.FreeFormHoles(
				0.1, 0.3, true), new RandomValues(new SplittableRandom(seed)));
			int[] d = new int[m.length];
			ArrayDeque<Integer> queue = new ArrayDeque<>();
			for (int i = 0; i < m.length; i++) {
				d[i] = m[i] ? -1 : 0;
				if (!m[i]) queue.add(i);
			}
			int far = 0;
			while (!queue.isEmpty()) {
				int i = queue.poll(), y = i / n, x = i % n;
				for (int j : new int[] { x > 0 ? i - 1 : -1, x < n - 1 ? i + 1 : -1,
					y > 0 ? i - n : -1, y < n - 1 ? i + n : -1 })
					if (j >= 0 && d[j] < 0) {
						d[j] = d[i] + 1;
						far = Math.max(far, d[j]);
						queue.add(j);
					}
			}
			smallest = Math.min(smallest, far);
			largest = Math.max(largest, far);
			boolean thin = false;
			for (int i = 0; i < m.length && !thin; i++) {
				int y = i / n, x = i % n;
				thin = m[i] && (x > 0 && x < n - 1 && !m[i - 1] && !m[i + 1] || y > 0 &&
					y < n - 1 && !m[i - n] && !m[i + n]);
			}
			assertTrue(thin, "a one-pixel-wide hole in mask " + seed);
		}
		// boxes and blobs up to half the side: some holes reach 20 pixels from the
		// nearest known one
		assertTrue(smallest <= 10 && largest >= 20, smallest + ".." + largest);
	}

	@Test
	void variedHoleShapesHaveTheirSizes() {
		// a stroke of size 30 has a brush of radius 0.9-3 and 2-9 segments of 6-18
		// pixels (shorter
		// where the border clamps them): at least 6 pixels, at most 9 segments of
		// 18 x 6 and an end
		int w = 40, h = 40;
		for (int seed = 0; seed < 20; seed++) {
			boolean[] m = new boolean[w * h];
			int added = FreeFormMask.stroke(m, w, h, 30, FreeFormMask.VARIED,
				new RandomValues(new SplittableRandom(seed)));
			assertEquals(FreeFormMask.coverage(m) * w * h, added, 1e-9);
			assertTrue(added >= 6 && added <= 9 * 18 * 6 + 30, "stroke of " + added +
				" pixels");
			// a box of size 20 has sides of 4 to 16 pixels
			boolean[] b = new boolean[w * h];
			int area = FreeFormMask.box(b, w, h, 20, FreeFormMask.VARIED,
				new RandomValues(new SplittableRandom(seed)));
			int rows = 0, columns = 0;
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					if (b[y * w + x]) {
						rows = Math.max(rows, count(b, w, h, x, y, true));
						columns = Math.max(columns, count(b, w, h, x, y, false));
					}
			assertEquals(rows * columns, area);
			assertTrue(rows >= 4 && rows <= 16 && columns >= 4 && columns <= 16,
				rows + "x" + columns);
			// a blob of size 20 stays within the size of its centre (discs of radius
			// <= 6, centres
			// within 20/3): everything within 13 pixels of one point, on the image
			boolean[] blob = new boolean[w * h];
			assertTrue(FreeFormMask.blob(blob, w, h, 20, new RandomValues(
				new SplittableRandom(seed))) > 0);
			int x0 = w, x1 = -1, y0 = h, y1 = -1;
			for (int i = 0; i < blob.length; i++)
				if (blob[i]) {
					x0 = Math.min(x0, i % w);
					x1 = Math.max(x1, i % w);
					y0 = Math.min(y0, i / w);
					y1 = Math.max(y1, i / w);
				}
			assertTrue(x1 - x0 <= 26 && y1 - y0 <= 26, (x1 - x0) + "x" + (y1 - y0));
		}
	}

	/**
	 * Hole pixels in a run through (x, y), along the column ({@code vertical}) or
	 * the row.
	 */
	private static int count(boolean[] m, int w, int h, int x, int y,
		boolean vertical)
	{
		int n = 0;
		for (int k = 0; k < (vertical ? h : w); k++)
			if (m[vertical ? k * w + x : y * w + k]) n++;
		return n;
	}

	@Test
	void inpaintingSamplesFollowTheModelsMaskConvention() {
		for (MaskSpec spec : new MaskSpec[] { new MaskSpec("mask", 1, 0, true),
			new MaskSpec("mask", 0, 1, false), new MaskSpec(null, 1, 0, true) })
		{
			TrainingData data = TrainingData.create(TestModels.inpaintModel(1, spec),
				TrainingDataTest.source(List.of(TestModels.function("img", 32, 32, (x,
					y) -> 1 + x + y))), new DataOptions(16, Augmentation.FLIPS, NONE, 0,
						77, null));
			for (long step = 0; step < 5; step++) {
				TrainingBatch b = data.batch(step, 2);
				assertArrayEquals(new long[] { 2, 1, 16, 16 }, b.maskShape());
				assertArrayEquals(new long[] { 2, spec.isExtraChannel() ? 2 : 1, 16,
					16 }, b.inputShape());
				for (TrainingSample s : b.samples()) {
					float[] m = s.mask().values(), in = s.input().values(), t = s.target()
						.values();
					int holes = 0;
					for (int i = 0; i < 256; i++) {
						boolean hole = m[i] == spec.holeValue();
						assertTrue(hole || m[i] == spec.keepValue());
						if (hole) holes++;
						for (int c = 0; c < 1; c++)
							assertEquals(hole ? 0 : t[c * 256 + i], in[c * 256 + i]); // holes
																																				// are
																																				// zeroed
						if (spec.isExtraChannel()) assertEquals(m[i], in[256 + i]);
					}
					assertTrue(holes >= 0.05 * 256 && holes <= 0.40 * 256, holes +
						" holes");
				}
			}
		}
	}

	@Test
	void aNoiseMixGivesEachSampleOneOfItsModels() {
		// Gaussian sigma 0.01 or Poisson at 20 photons (sigma sqrt(0.5/20) = 0.158
		// at x = 0.5)
		Degradation mix = Degradation.parseAll(List.of("gaussian:0.01",
			"poisson-gaussian:photons=20"));
		TrainingData data = flat(0.5f, mix);
		int low = 0, high = 0;
		for (long step = 0; step < 8; step++)
			for (TrainingSample s : data.batch(step, 4).samples()) {
				double sd = TrainingDataTest.meanStd(s.input().values(), 0.5f)[1];
				if (Math.abs(sd - 0.01) < 0.002) low++;
				else if (Math.abs(sd - 0.158) < 0.01) high++;
				else fail("sigma " + sd + " is neither model's");
			}
		assertTrue(low >= 6 && high >= 6, "both models drawn: " + low + " / " +
			high);
		assertEquals(
			"Gaussian noise sigma 0.01 or Poisson noise at 20 photons, Gaussian read noise sigma 0",
			mix.describe());
	}

	@Test
	void aRecordedDegradationReadsBackAsTheOptionThatGivesIt() {
		for (List<String> option : List.of(List.of("gaussian:0.02..0.2"), List.of(
			"gaussian:0.05"), List.of("poisson-gaussian:photons=5..200,read=0..0.02"),
			List.of("downscale:blur=0..1.5,noise=0.01"), List.of("downscale"), List
				.of("holes:0.1..0.3"), List.of("varied-holes:0.05..0.5"), List.of(
					"gaussian:0.01", "poisson-gaussian:photons=20")))
		{
			Degradation d = Degradation.parseAll(option);
			String written = org.fijigan.core.train.RunSettings.degradationOption(
				org.fijigan.core.text.Canonical.text(d));
			assertEquals(d, Degradation.parseAll(List.of(written.split(
				" --degradation "))), written);
		}
		assertEquals("poisson-gaussian:photons=30,read=0.01 --degradation " +
			"gaussian:0.0001..0.2", org.fijigan.core.train.RunSettings
				.degradationOption(org.fijigan.core.text.Canonical.text(Degradation
					.parseAll(List.of("poisson-gaussian:photons=30.0,read=0.010",
						"gaussian:1e-4..0.2")))));
		assertEquals("the task's default", org.fijigan.core.train.RunSettings
			.degradationOption("null"));
		assertEquals(null, org.fijigan.core.train.RunSettings.degradationOption(
			"G(s=1)"));
	}

	@Test
	void degradationsAreReadFromText() {
		assertEquals(new Degradation.Downscale(new Range(0, 1.5), Range.of(0.01)),
			Degradation.parse("downscale:blur=0..1.5,noise=0.01"));
		assertEquals(new Degradation.GaussianNoise(new Range(0.02, 0.2)),
			Degradation.parse("gaussian:0.02..0.2"));
		assertEquals(new Degradation.PoissonGaussianNoise(new Range(5, 200),
			new Range(0, 0.02)), Degradation.parse(
				"poisson-gaussian:photons=5..200,read=0..0.02"));
		assertEquals(new Degradation.FreeFormHoles(0.1, 0.3, false), Degradation
			.parse("holes:0.1..0.3"));
		assertEquals(new Degradation.FreeFormHoles(0.1, 0.3, true), Degradation
			.parse("varied-holes:0.1..0.3"));
		assertEquals("free-form holes of varied size covering 10-30%", Degradation
			.parse("varied-holes:0.1..0.3").describe());
		assertTrue(assertThrows(org.fijigan.core.GanException.class,
			() -> Degradation.parse("blur:1")).getMessage().contains(
				"unknown degradation 'blur:1'"));
		assertTrue(assertThrows(org.fijigan.core.GanException.class,
			() -> Degradation.parse("gaussian:a..b")).getMessage().contains(
				"not a number"));
		assertTrue(assertThrows(org.fijigan.core.GanException.class,
			() -> Degradation.parseAll(List.of("gaussian:0.1", "holes:0.1..0.2")))
			.getMessage().contains("only noise models mix"));
	}

	@Test
	void unknownAndRepeatedKeysAndTrailingItemsAreRefused() {
		String[][] cases = { {
			"poisson-gaussian:photons=5..200,read=0..0.02,bogus=3",
			"'poisson-gaussian:photons=5..200,read=0..0.02,bogus=3': unknown key 'bogus'; poisson-gaussian takes photons=A..B and read=A..B" },
			{ "gaussian:0.1,extra=5",
				"'gaussian:0.1,extra=5': unknown key 'extra'; gaussian takes only its sigma, as gaussian:A..B" },
			{ "holes:0.1..0.2,foo=1",
				"'holes:0.1..0.2,foo=1': unknown key 'foo'; holes takes only its coverage, as holes:A..B" },
			{ "poisson-gaussian:photons=5..200,photons=1..2,read=0..0.1",
				"'poisson-gaussian:photons=5..200,photons=1..2,read=0..0.1': photons is given twice; poisson-gaussian takes photons=A..B and read=A..B" },
			{ "gaussian:0.1,0.2",
				"'gaussian:0.1,0.2': '0.2' follows the sigma; gaussian takes only its sigma, as gaussian:A..B" },
			{ "gaussian:0.1,",
				"'gaussian:0.1,': an empty item between commas; gaussian takes only its sigma, as gaussian:A..B" },
			{ "downscale:2",
				"'downscale:2': '2' has no key; downscale takes blur=A..B and noise=A..B" },
			{ "varied-holes:0.1,0.3",
				"'varied-holes:0.1,0.3': '0.3' follows the coverage; varied-holes takes only its coverage, as varied-holes:A..B" } };
		for (String[] c : cases)
			assertEquals(c[1], assertThrows(org.fijigan.core.GanException.class,
				() -> Degradation.parse(c[0])).getMessage(), c[0]);
		assertEquals(
			"'poisson-gaussian:photons=5,bogus=1': unknown key 'bogus'; poisson-gaussian takes photons=A..B and read=A..B",
			assertThrows(org.fijigan.core.GanException.class, () -> Degradation
				.parseAll(List.of("gaussian:0.01",
					"poisson-gaussian:photons=5,bogus=1"))).getMessage());
		assertEquals(Degradation.Downscale.PLAIN, Degradation.parse("downscale:"));
	}
}
