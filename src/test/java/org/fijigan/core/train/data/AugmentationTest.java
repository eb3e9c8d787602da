
package org.fijigan.core.train.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.TaskKind;
import org.junit.jupiter.api.Test;

class AugmentationTest {

	/**
	 * np.rot90(np.fliplr(a) if k >= 4 else a, k % 4) for a = [[1,2],[3,4]], k =
	 * 0..7.
	 */
	static final float[][] EXPECTED = { { 1, 2, 3, 4 }, { 2, 4, 1, 3 }, { 4, 3, 2,
		1 }, { 3, 1, 4, 2 }, { 2, 1, 4, 3 }, { 1, 3, 2, 4 }, { 3, 4, 1, 2 }, { 4, 2,
			3, 1 } };

	@Test
	void theEightTransformsOfA2x2ImageAreExact() {
		Planes a = new Planes(1, 2, 2, new float[] { 1, 2, 3, 4 });
		for (int k = 0; k < 8; k++)
			assertArrayEquals(EXPECTED[k], Augmentation.transform(a, k).values(),
				"transform " + k);
	}

	@Test
	void everyChannelGetsTheSameTransformAndOddRotationsSwapTheSides() {
		// 2 channels of 2x3: [[1,2,3],[4,5,6]] and the same + 10
		Planes a = new Planes(2, 2, 3, new float[] { 1, 2, 3, 4, 5, 6, 11, 12, 13,
			14, 15, 16 });
		Planes r = Augmentation.transform(a, 1); // np.rot90 -> [[3,6],[2,5],[1,4]]
		assertEquals(3, r.height());
		assertEquals(2, r.width());
		assertArrayEquals(new float[] { 3, 6, 2, 5, 1, 4, 13, 16, 12, 15, 11, 14 },
			r.values());
		Planes m = Augmentation.transform(a, 6); // flipud -> [[4,5,6],[1,2,3]]
		assertArrayEquals(new float[] { 4, 5, 6, 1, 2, 3, 14, 15, 16, 11, 12, 13 },
			m.values());
	}

	@Test
	void trainingOnA2x2ImageWithFlipsShowsExactlyTheEightTransforms() {
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), new DataSource.Images(ImageSource.of(List.of(
				TestModels.image("a", new float[][] { { 1, 2 }, { 3, 4 } })))),
			new DataOptions(0, Augmentation.FLIPS, new Normalization.None(), 0, 7,
				new Degradation.GaussianNoise(Degradation.Range.of(0))));
		Set<List<Float>> seen = new HashSet<>();
		for (long step = 0; step < 200; step++) {
			TrainingBatch b = data.batch(step, 1);
			assertArrayEquals(b.input(), b.target(), "no noise: input equals target");
			seen.add(asList(b.target()));
		}
		Set<List<Float>> expected = new HashSet<>();
		for (float[] e : EXPECTED)
			expected.add(asList(e));
		assertEquals(expected, seen);
	}

	@Test
	void noAugmentationKeepsTheImageAndNonSquareWholeImagesKeepTheirShape() {
		RasterImage2 img = new RasterImage2();
		TrainingData none = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), img.source(), new DataOptions(0,
				Augmentation.NONE, new Normalization.None(), 0, 7,
				new Degradation.GaussianNoise(Degradation.Range.of(0))));
		for (long step = 0; step < 20; step++)
			assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6 }, none.batch(step, 1)
				.target());
		TrainingData flips = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), img.source(), new DataOptions(0,
				Augmentation.FLIPS, new Normalization.None(), 0, 7,
				new Degradation.GaussianNoise(Degradation.Range.of(0))));
		Set<List<Float>> seen = new HashSet<>();
		for (long step = 0; step < 100; step++) {
			TrainingBatch b = flips.batch(step, 2);
			assertArrayEquals(new long[] { 2, 1, 2, 3 }, b.targetShape());
			float[] t = b.target();
			seen.add(asList(java.util.Arrays.copyOf(t, 6)));
		}
		// identity, fliplr, rot180, flipud of [[1,2,3],[4,5,6]]
		assertEquals(Set.of(List.of(1f, 2f, 3f, 4f, 5f, 6f), List.of(3f, 2f, 1f, 6f,
			5f, 4f), List.of(6f, 5f, 4f, 3f, 2f, 1f), List.of(4f, 5f, 6f, 1f, 2f,
				3f)), seen);
	}

	/** A 3x2 image [[1,2,3],[4,5,6]]. */
	private static final class RasterImage2 {

		DataSource source() {
			return new DataSource.Images(ImageSource.of(List.of(TestModels.image(
				"wide", new float[][] { { 1, 2, 3 }, { 4, 5, 6 } }))));
		}
	}

	@Test
	void parsesTheCommandLineNames() {
		assertEquals(Augmentation.FLIPS, Augmentation.parse("Flips"));
		assertEquals(Augmentation.NONE, Augmentation.parse("none"));
		assertThrows(org.fijigan.core.GanException.class, () -> Augmentation.parse(
			"rotate"));
	}

	static List<Float> asList(float[] v) {
		List<Float> l = new ArrayList<>();
		for (float f : v)
			l.add(f);
		return l;
	}
}
