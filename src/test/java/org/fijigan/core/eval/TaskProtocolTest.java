
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.eval.GenerationProtocol.AllClasses;
import org.fijigan.core.eval.GenerationProtocol.OneClass;
import org.fijigan.core.eval.SuperResolutionProtocol.Upscaling;
import org.fijigan.core.train.data.Planes;
import org.junit.jupiter.api.Test;

/**
 * The task protocols on their own: degradations, baselines and metrics on tiny
 * planes, exactly.
 */
class TaskProtocolTest {

	/** A smooth {@code channels x h x w} pattern in (0, 1). */
	private static Planes smooth(int channels, int h, int w) {
		float[] v = new float[channels * h * w];
		for (int c = 0; c < channels; c++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					v[(c * h + y) * w + x] = (float) (0.5 + 0.3 * Math.sin(x / 3.0 + c) *
						Math.cos(y / 4.0));
		return new Planes(channels, h, w, v);
	}

	@Test
	void
		superResolutionAveragesBlocksAndTheDemoMeasuresWhatTheEvaluationShaves()
	{
		SuperResolutionProtocol eval = SuperResolutionProtocol.evaluation(2);
		assertEquals(List.of(Upscaling.BICUBIC, Upscaling.NEAREST), eval
			.baselines());
		assertEquals(2, eval.shavePixels());
		assertEquals(List.of(Upscaling.BICUBIC), SuperResolutionProtocol.demo(2)
			.baselines());
		assertEquals(0, SuperResolutionProtocol.demo(2).shavePixels());
		assertEquals("area-averaged x2", eval.condition());
		assertEquals(40, eval.cropped(41));
		assertEquals(4, SuperResolutionProtocol.wholeScale(4.0));
		assertEquals(-1, SuperResolutionProtocol.wholeScale(2.5));
		assertThrows(IllegalArgumentException.class, () -> SuperResolutionProtocol
			.evaluation(1));

		Planes clean = new Planes(1, 2, 4, new float[] { 0, 0.2f, 0.4f, 0.4f, 0.2f,
			0.2f, 1, 0.6f });
		Planes low = eval.degrade(clean);
		// (0 + 0.2 + 0.2 + 0.2) / 4 and (0.4 + 0.4 + 1 + 0.6) / 4
		assertArrayEquals(new float[] { 0.15f, 0.6f }, low.values(), 1e-7f);
		assertArrayEquals(new float[] { 0.15f, 0.15f, 0.6f, 0.6f, 0.15f, 0.15f,
			0.6f, 0.6f }, eval.enlarge(Upscaling.NEAREST, low).values());

		// a result wrong only in its 2 px border: perfect for the evaluation, not
		// for the demo
		Planes truth = smooth(2, 20, 24);
		float[] v = truth.values().clone();
		for (int c = 0; c < 2; c++)
			v[c * 20 * 24] = 1 - v[c * 20 * 24];
		Planes edged = new Planes(2, 20, 24, v);
		assertEquals(Double.POSITIVE_INFINITY, eval.measure(truth, edged).psnr());
		assertEquals(1, eval.measure(truth, edged).ssim(), 1e-12);
		TaskProtocol.Quality whole = SuperResolutionProtocol.demo(2).measure(truth,
			edged);
		assertEquals(Metrics.psnr(truth.values(), v, 1), whole.psnr(), 0);
		assertTrue(whole.psnr() < 60, whole.toString());
	}

	@Test
	void denoisingDrawsItsNoiseFromTheGivenStreamAndOnlyTheDemoClipsIt() {
		DenoisingProtocol eval = DenoisingProtocol.evaluation(), demo =
			DenoisingProtocol.demo();
		assertEquals(List.of("gaussian sigma=15/255", "gaussian sigma=25/255",
			"gaussian sigma=50/255", "poisson-gaussian peak=30 read=0.01"), eval
				.conditions().stream().map(DenoisingProtocol.Noise::condition)
				.toList());
		assertEquals(List.of("gaussian sigma=25/255"), demo.conditions().stream()
			.map(DenoisingProtocol.Noise::condition).toList());
		assertEquals(List.of(1.0), demo.blurSigmas());
		assertEquals(List.of(3), demo.medianSizes());
		assertEquals("gaussian blur sigma=0.75", DenoisingProtocol.blurName(0.75));
		assertEquals("median 5x5", DenoisingProtocol.medianName(5));

		float[] bright = new float[16 * 16];
		Arrays.fill(bright, 0.98f);
		Planes clean = new Planes(1, 16, 16, bright);
		DenoisingProtocol.Noise heavy = new DenoisingProtocol.GaussianNoise(50);
		Planes raw = eval.degrade(clean, heavy, new SplittableRandom(7));
		Planes clipped = demo.degrade(clean, heavy, new SplittableRandom(7));
		assertArrayEquals(TaskProtocol.clip(raw.values().clone()), clipped.values(),
			"the same noise");
		float max = 0;
		for (float f : raw.values())
			max = Math.max(max, f);
		assertTrue(max > 1, "unclipped: " + max);
		assertArrayEquals(bright, clean.values(),
			"the clean planes are not changed");
		assertArrayEquals(clipped.values(), DenoisingProtocol.clipped(raw)
			.values());
	}

	@Test
	void inpaintingZeroesTheHolesInEveryChannelAndMeasuresOnlyThere() {
		InpaintingProtocol eval = InpaintingProtocol.evaluation();
		assertEquals(List.of(InpaintingProtocol.Fill.HARMONIC,
			InpaintingProtocol.Fill.BIHARMONIC, InpaintingProtocol.Fill.MEAN), eval
				.baselines());
		assertEquals(List.of(InpaintingProtocol.Fill.HARMONIC,
			InpaintingProtocol.Fill.BIHARMONIC), InpaintingProtocol.demo()
				.baselines());
		assertEquals("free-form holes 10-30%", InpaintingProtocol.condition());

		Planes clean = new Planes(2, 1, 3, new float[] { 0.2f, 0.4f, 0.9f, 0.1f,
			0.5f, 0.3f });
		boolean[] holes = { false, true, false };
		Planes known = eval.degrade(clean, holes);
		assertArrayEquals(new float[] { 0.2f, 0, 0.9f, 0.1f, 0, 0.3f }, known
			.values());
		// the mean of the known pixels, per channel: (0.2 + 0.9) / 2 and (0.1 +
		// 0.3) / 2
		assertArrayEquals(new float[] { 0.2f, 0.55f, 0.9f, 0.1f, 0.2f, 0.3f },
			InpaintingProtocol.fill(InpaintingProtocol.Fill.MEAN, known, holes)
				.values(), 1e-7f);
		// biharmonic on 1 x 5, per channel: the textbook (4b + 4d - a - e) / 6,
		// exact for x^2 / 25
		Planes quadratic = new Planes(2, 1, 5, new float[] { 0, 0.04f, 0, 0.36f,
			0.64f, 0.8f, 0.6f, 0, 0.2f, 0 });
		boolean[] second = { false, false, true, false, false };
		assertArrayEquals(new float[] { 0, 0.04f, 0.16f, 0.36f, 0.64f, 0.8f, 0.6f,
			0.4f, 0.2f, 0 }, InpaintingProtocol.fill(
				InpaintingProtocol.Fill.BIHARMONIC, quadratic, second).values(), 1e-6f);

		Planes truth = smooth(1, 16, 16);
		boolean[] centre = new boolean[256];
		for (int y = 6; y < 10; y++)
			for (int x = 6; x < 10; x++)
				centre[y * 16 + x] = true;
		float[] outsideWrong = truth.values().clone();
		for (int i = 0; i < outsideWrong.length; i++)
			if (!centre[i]) outsideWrong[i] = 0;
		assertEquals(Double.POSITIVE_INFINITY, eval.measure(truth, new Planes(1, 16,
			16, outsideWrong), centre).psnr(),
			"pixels outside the holes do not count");
		assertThrows(IllegalArgumentException.class, () -> eval.degrade(clean,
			new boolean[2]));
	}

	@Test
	void generationGroupsAreOneClassOrAllOfThem() {
		GenerationProtocol.ClassGroup axial = new OneClass("axial"), all =
			new AllClasses();
		assertTrue(axial.includes("axial"));
		assertFalse(axial.includes("coronal"));
		assertTrue(all.includes("coronal"));
		assertEquals("axial", axial.condition());
		assertEquals("all classes", all.condition());
	}

	@Test
	void everyStreamHasASeedOfItsOwn() {
		long a = TaskProtocol.streamSeed(1, 1, 0), b = TaskProtocol.streamSeed(1, 1,
			1);
		assertEquals(a, TaskProtocol.streamSeed(1, 1, 0));
		assertTrue(a != b && a != TaskProtocol.streamSeed(1, 2, 0) &&
			a != TaskProtocol.streamSeed(2, 1, 0));
		assertArrayEquals(new float[] { 0, 0, 0.5f, 1, 1 }, TaskProtocol.clip(
			new float[] { Float.NaN, -2, 0.5f, 1, 7 }));
	}
}
