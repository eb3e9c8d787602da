
package org.fijigan.core.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.tiling.AxisConstraint;
import org.fijigan.core.train.data.Degradation.BlindSpot;
import org.junit.jupiter.api.Test;

/**
 * Noise2Void's blind spots against their definition ({@link BlindSpotMask}):
 * which pixels are hidden, which values replace them, and where the loss
 * counts, for seeded draws.
 */
class BlindSpotMaskTest {

	/**
	 * A patch whose pixel {@code i} of channel {@code c} holds
	 * {@code 1000 c + i}: a value names its pixel.
	 */
	static Planes numbered(int channels, int h, int w) {
		float[] v = new float[channels * h * w];
		for (int c = 0; c < channels; c++)
			for (int i = 0; i < h * w; i++)
				v[c * h * w + i] = 1000 * c + i;
		return new Planes(channels, h, w, v);
	}

	static Planes hide(Planes original, BlindSpot spec, long seed) {
		Planes input = new Planes(original.channels(), original.height(), original
			.width(), original.values().clone());
		Planes mask = BlindSpotMask.hide(original, input, spec, new RandomValues(
			new SplittableRandom(seed)));
		return new Planes(2 * original.channels(), original.height(), original
			.width(), concat(input.values(), mask.values()));
	}

	static float[] concat(float[] a, float[] b) {
		float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	/**
	 * The definition replayed step by step with the same seeded stream on a 3x4
	 * patch, cells of 2x2 (fraction 0.25), 3x3 neighbourhood: the result must be
	 * exactly what the replay gives. The last row of cells reaches beyond the
	 * patch: a draw there is dropped (two full cells always hide a pixel, so the
	 * cells are drawn once).
	 */
	@Test
	void aTinyPatchIsMaskedExactlyAsTheDefinitionReplaysIt() {
		int h = 3, w = 4;
		BlindSpot spec = new BlindSpot(0.25, 3, null);
		assertEquals(2, spec.cell());
		Planes original = numbered(1, h, w);
		for (long seed = 0; seed < 20; seed++) {
			Planes got = hide(original, spec, seed);
			RandomValues replay = new RandomValues(new SplittableRandom(seed));
			float[] expected = original.values().clone(), mask = new float[h * w];
			// row-major; the last row has one row of pixels in the patch
			int[][] cells = { { 0, 0 }, { 0, 2 }, { 2, 0 }, { 2, 2 } };
			for (int[] cell : cells) {
				int y = cell[0] + replay.nextInt(2);
				int x = cell[1] + replay.nextInt(2);
				if (y >= h) continue;
				List<int[]> valid = new ArrayList<>();
				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++)
						if ((dy != 0 || dx != 0) && y + dy >= 0 && y + dy < h && x +
							dx >= 0 && x + dx < w) valid.add(new int[] { dy, dx });
				int[] d = valid.get(replay.nextInt(valid.size()));
				expected[y * w + x] = original.values()[(y + d[0]) * w + x + d[1]];
				mask[y * w + x] = 1;
			}
			assertArrayEquals(concat(expected, mask), got.values(), "seed " + seed);
		}
	}

	/**
	 * Every pixel is hidden with the same chance, 1/g^2, also in the cells the
	 * patch's edge cuts: a draw in only the part of such a cell inside the patch
	 * hid its pixels up to g times as often (here the last column 8 times, the
	 * corner in every patch), and more than the fraction in all.
	 */
	@Test
	void everyPixelIsHiddenWithTheSameChanceUpToThePatchEdges() {
		int side = 33, patches = 4000;
		BlindSpot spec = new BlindSpot(1.0 / 64, 3, null);
		assertEquals(8, spec.cell());
		Planes original = numbered(1, side, side);
		int n = side * side;
		int[] counts = new int[n];
		for (long seed = 0; seed < patches; seed++) {
			float[] v = hide(original, spec, seed).values();
			for (int i = 0; i < n; i++)
				if (v[n + i] == 1) counts[i]++;
		}
		double mean = patches / 64.0;
		long total = 0;
		int min = Integer.MAX_VALUE, max = 0;
		for (int c : counts) {
			total += c;
			min = Math.min(min, c);
			max = Math.max(max, c);
		}
		assertTrue(min > 0.5 * mean && max < 1.5 * mean, "hidden " + min + ".." +
			max + " times, expected " + mean);
		double fraction = total / ((double) patches * n);
		assertEquals(1.0 / 64, fraction, 0.02 / 64, "the share hidden");
		// a 3x30 patch lies wholly in none of its cells: where every draw falls
		// outside it, the cells are drawn again, as the loss needs a pixel
		Planes strip = numbered(1, 3, 30);
		for (long seed = 0; seed < 200; seed++) {
			float[] v = hide(strip, spec, seed).values();
			int hidden = 0;
			for (int i = 90; i < 180; i++)
				hidden += (int) v[i];
			assertTrue(hidden >= 1 && hidden <= 4, "seed " + seed + ": " + hidden);
		}
	}

	@Test
	void
		onePixelPerCellIsHiddenAndTakesAnotherPixelOfItsNeighbourhoodInEveryChannel()
	{
		int h = 17, w = 13, channels = 2;
		BlindSpot spec = new BlindSpot(1.0 / 16, 5, null); // cells of 4x4: 5 x 4 =
																												// 20 cells
		assertEquals(4, spec.cell());
		Planes original = numbered(channels, h, w);
		int[] sourceCounts = new int[25];
		for (long seed = 0; seed < 200; seed++) {
			float[] v = hide(original, spec, seed).values();
			int n = h * w, hiddenCount = 0;
			int[] perCell = new int[20];
			for (int i = 0; i < n; i++) {
				int y = i / w, x = i % w;
				boolean hidden = v[channels * n + i] == 1;
				assertEquals(hidden ? 1 : 0, v[(channels + 1) * n + i],
					"every channel's mask agrees");
				if (!hidden) {
					for (int c = 0; c < channels; c++)
						assertEquals(original.values()[c * n + i], v[c * n + i],
							"a visible pixel is unchanged");
					continue;
				}
				hiddenCount++;
				perCell[(y / 4) * 4 + x / 4]++;
				int source = (int) v[i];
				int sy = source / w, sx = source % w;
				assertTrue(source != i && Math.abs(sy - y) <= 2 && Math.abs(sx -
					x) <= 2, "pixel " + y + "," + x + " took " + sy + "," + sx);
				assertEquals(1000 + source, v[n + i],
					"channel 1 takes the same neighbour");
				if (y >= 2 && y < h - 2 && x >= 2 && x < w - 2) sourceCounts[(sy - y +
					2) * 5 + sx - x + 2]++;
			}
			// 12 cells lie wholly in the patch and hide one pixel each; the 8 the
			// patch cuts hide at most one
			assertTrue(hiddenCount >= 12 && hiddenCount <= 20, "hidden " +
				hiddenCount);
			for (int k = 0; k < 20; k++)
				if (k / 4 < 4 && k % 4 < 3) assertEquals(1, perCell[k],
					"one hidden pixel per whole cell");
				else assertTrue(perCell[k] <= 1, "at most one in a cut cell");
		}
		// interior pixels draw their replacement uniformly among the 24 neighbours
		assertEquals(0, sourceCounts[12], "never itself");
		int total = 0, min = Integer.MAX_VALUE, max = 0;
		for (int k = 0; k < 25; k++)
			if (k != 12) {
				total += sourceCounts[k];
				min = Math.min(min, sourceCounts[k]);
				max = Math.max(max, sourceCounts[k]);
			}
		double mean = total / 24.0;
		assertTrue(total > 1000 && min > 0.6 * mean && max < 1.4 * mean, "counts " +
			min + ".." + max + ", mean " + mean);
	}

	@Test
	void
		theStructLineHidesItsPixelsWithValuesFromAnywhereAndTheCentreFromOffTheLine()
	{
		int h = 12, w = 12;
		BlindSpot spec = new BlindSpot(1.0 / 36, 5, new BlindSpot.Line(true, 5)); // cells
																																							// of
																																							// 6x6
		Planes original = numbered(1, h, w);
		boolean farSource = false;
		for (long seed = 0; seed < 100; seed++) {
			float[] v = hide(original, spec, seed).values();
			int n = h * w;
			List<Integer> centres = new ArrayList<>();
			for (int i = 0; i < n; i++)
				if (v[n + i] == 1) centres.add(i);
			assertEquals(4, centres.size());
			for (int i : centres) {
				int y = i / w, x = i % w, source = (int) v[i];
				int sy = source / w, sx = source % w;
				boolean onAnotherLine = centres.stream().anyMatch(j -> j != i && j /
					w == y && Math.abs(j % w - x) <= 2);
				if (!onAnotherLine) assertTrue(Math.abs(sy - y) <= 2 && Math.abs(sx -
					x) <= 2 && sy != y, "the centre " + y + "," + x +
						" takes a neighbour off its row (the line): " + sy + "," + sx);
				for (int k = -2; k <= 2; k++) {
					int lx = x + k;
					if (k == 0 || lx < 0 || lx >= w || centres.contains(y * w + lx))
						continue;
					assertEquals(0, v[n + y * w + lx],
						"line pixels are hidden but do not count");
					int s = (int) v[y * w + lx];
					farSource |= Math.abs(s / w - y) > 2 || Math.abs(s % w - lx) > 2;
				}
			}
		}
		assertTrue(farSource, "line pixels take values from the whole patch");
		// a vertical line of 5 and a 3x3 neighbourhood leave the centre 6
		// neighbours off the column
		BlindSpot vertical = new BlindSpot(0.25, 3, new BlindSpot.Line(false, 5));
		int checked = 0;
		for (long seed = 0; seed < 20; seed++) {
			float[] v = hide(numbered(1, 6, 6), vertical, seed).values();
			for (int i = 0; i < 36; i++) {
				int at = i;
				boolean covered = false;
				for (int j = 0; j < 36; j++)
					covered |= j != at && v[36 + j] == 1 && j % 6 == at % 6 && Math.abs(
						j / 6 - at / 6) <= 2;
				if (v[36 + i] == 1 && !covered) {
					checked++;
					assertTrue((int) v[i] % 6 != i % 6 && Math.abs((int) v[i] / 6 - i /
						6) <= 1 && Math.abs((int) v[i] % 6 - i % 6) <= 1,
						"the centre's source is off its column, within 3x3");
				}
			}
		}
		assertTrue(checked > 20, "checked " + checked);
	}

	/**
	 * A line pixel's value comes from off the line: never the hidden pixel's own
	 * noisy value. A 3x3 patch with a vertical line of 3 is the worst case: the
	 * line is a third of the patch.
	 */
	@Test
	void linePixelsNeverTakeTheHiddenPixelsOrTheLinesOwnValues() {
		BlindSpot spec = new BlindSpot(0.016, 3, new BlindSpot.Line(false, 3));
		int lines = 0;
		for (long seed = 0; seed < 200; seed++) {
			float[] v = hide(numbered(1, 3, 3), spec, seed).values();
			int centre = -1;
			for (int i = 0; i < 9; i++)
				if (v[9 + i] == 1) centre = i;
			for (int row = 0; row < 3; row++) {
				int p = row * 3 + centre % 3;
				if (p == centre || Math.abs(row - centre / 3) > 1) continue;
				lines++;
				int q = (int) v[p];
				assertTrue(q % 3 != centre % 3 || Math.abs(q / 3 - centre / 3) > 1,
					"seed " + seed + ": line pixel " + p + " took " + q +
						", on the line of centre " + centre);
			}
		}
		assertTrue(lines > 200, "checked " + lines);
	}

	/**
	 * Through the training data, with flips and rotations: a pixel's value names
	 * its place in the image, so each line pixel (changed, not counted) must lie
	 * in the image's column of a hidden pixel, within 2 rows, for a vertical line
	 * of 5, whatever turn its patch got.
	 */
	@Test
	void theStructLineFollowsTheImagesAxesThroughRotations() {
		int size = 32;
		RasterImage img = RasterImage.allocate(size, size, 1, 1, 1,
			PixelType.FLOAT32);
		float[] v = new float[size * size];
		for (int i = 0; i < v.length; i++)
			v[i] = i;
		img.writeRegion(0, 0, 0, 0, 0, size, size, v, 0);
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), TrainingDataTest.source(List.of(img)),
			new DataOptions(12, Augmentation.FLIPS, new Normalization.None(), 0, 3,
				new BlindSpot(0.25, 3, new BlindSpot.Line(false, 5))));
		int checked = 0;
		for (int step = 0; step < 20; step++) {
			TrainingBatch b = data.batch(step, 4);
			float[] in = b.input(), target = b.target(), mask = b.lossMask();
			int n = 12 * 12;
			for (int s = 0; s < 4; s++) {
				List<Integer> centres = new ArrayList<>();
				for (int i = s * n; i < (s + 1) * n; i++)
					if (mask[i] == 1) centres.add((int) target[i]);
				for (int i = s * n; i < (s + 1) * n; i++) {
					if (mask[i] == 1 || in[i] == target[i]) continue;
					int at = (int) target[i];
					checked++;
					assertTrue(centres.stream().anyMatch(c -> c % size == at % size &&
						Math.abs(c / size - at / size) <= 2), "step " + step + ": pixel " +
							at / size + "," + at % size +
							" was hidden by no vertical line of the image");
				}
			}
		}
		assertTrue(checked > 500, "checked " + checked);
	}

	@Test
	void aPatchWithoutAnyValidNeighbourIsOneClearError() {
		BlindSpot spec = new BlindSpot(0.25, 3, new BlindSpot.Line(true, 3));
		GanException e = assertThrows(GanException.class, () -> hide(numbered(1, 1,
			4), spec, 1));
		assertTrue(e.getMessage().contains("too small"), e.getMessage());
		assertThrows(GanException.class, () -> new BlindSpot(0.3, 5, null));
		assertThrows(GanException.class, () -> new BlindSpot(0.01, 4, null));
		assertThrows(GanException.class, () -> BlindSpot.Line.parse("diagonal:5"));
		assertThrows(GanException.class, () -> BlindSpot.Line.parse(
			"horizontal:4"));
		assertEquals(new BlindSpot.Line(false, 7), BlindSpot.Line.parse(
			" Vertical:7 "));
		assertEquals(null, BlindSpot.Line.parse("none"));
	}

	/**
	 * Through the training data: a 16-bit hyperstack's every plane is sampled,
	 * the target is the noisy plane itself and the input differs from it exactly
	 * where the loss mask is 1; the same seed and step give the same batch.
	 */
	@Test
	void hyperstackPlanesOfEveryBitDepthTrainWithBlindSpots() {
		int w = 24, h = 20, slices = 2, frames = 3;
		for (PixelType type : new PixelType[] { PixelType.UINT8, PixelType.UINT16,
			PixelType.FLOAT32 })
		{
			RasterImage stack = RasterImage.allocate(w, h, 1, slices, frames, type);
			SplittableRandom r = new SplittableRandom(5);
			float[] plane = new float[w * h];
			for (int p = 0; p < slices * frames; p++) {
				for (int i = 0; i < plane.length; i++)
					plane[i] = r.nextInt(200) + 10 * p;
				stack.writeRegion(0, p % slices, p / slices, 0, 0, w, h, plane, 0);
			}
			stack.setTitle("stack-" + type);
			TrainingData data = TrainingData.create(TestModels.imageModel(
				TaskKind.DENOISE, 1, 1), TrainingDataTest.source(List.of(stack)),
				new DataOptions(16, Augmentation.FLIPS, new Normalization.None(), 0, 11,
					BlindSpot.defaults()));
			assertEquals(slices * frames, data.trainingItems().size(), type +
				": every plane is an item");
			TrainingBatch b = data.batch(3, 4);
			float[] in = b.input(), target = b.target(), mask = b.lossMask();
			assertEquals(4 * 16 * 16, mask.length);
			int hidden = 0;
			for (int i = 0; i < in.length; i++) {
				if (mask[i] == 1) hidden++;
				else assertEquals(target[i], in[i], type +
					": only hidden pixels differ");
			}
			assertEquals(4 * 4, hidden, type +
				": one in every 8x8 cell of each 16x16 patch");
			assertArrayEquals(in, data.batch(3, 4).input(),
				"the same step gives the same batch");
			assertArrayEquals(mask, data.batch(3, 4).lossMask());
			assertTrue(data.describe().contains("Noise2Void"), data.describe());
		}
	}

	@Test
	void thePatchOrTheWholeImageMustHoldTheNeighbourhoodAndTheLine() {
		RasterImage img = TestModels.constant("a", 16, 12, 1);
		java.util.function.BiFunction<Integer, BlindSpot, String> refusal = (patch,
			spec) -> assertThrows(GanException.class, () -> TrainingData.create(
				TestModels.imageModel(TaskKind.DENOISE, 1, 1), TrainingDataTest.source(
					List.of(img)), new DataOptions(patch, Augmentation.NONE,
						new Normalization.None(), 0, 1, spec))).getMessage();
		assertEquals(
			"the 2x2 patch cannot hold the 255x255 neighbourhood a hidden pixel's replacement comes from: the smallest image, 'a', is 16x12, so no patch is larger than 12x12: use --n2v-neighbourhood 11 or less",
			refusal.apply(2, new BlindSpot(0.25, 255, null)));
		assertEquals(
			"the image a (16x12) cannot hold the 13x13 neighbourhood a hidden pixel's replacement comes from: use --n2v-neighbourhood 11, or leave the image out",
			refusal.apply(0, new BlindSpot(0.25, 13, null)));
		// a patch cut to a small image: the image is what is too small
		RasterImage tiny = TestModels.constant("t", 3, 3, 1);
		assertEquals(
			"the image t (3x3) cannot hold the 5x5 neighbourhood a hidden pixel's replacement comes from: use --n2v-neighbourhood 3, or leave the image out",
			assertThrows(GanException.class, () -> TrainingData.create(TestModels
				.imageModel(TaskKind.DENOISE, 1, 1), TrainingDataTest.source(List.of(
					img, tiny)), new DataOptions(5, Augmentation.NONE,
						new Normalization.None(), 0, 1, BlindSpot.defaults())))
				.getMessage());
		assertEquals(
			"the 8x8 patch cannot hold the structN2V line of 9 pixels: use --patch 9 or more, or a shorter --n2v-struct line",
			refusal.apply(8, new BlindSpot(0.25, 3, new BlindSpot.Line(false, 9))));
		// as large as the neighbourhood and the line: accepted
		TrainingData.create(TestModels.imageModel(TaskKind.DENOISE, 1, 1),
			TrainingDataTest.source(List.of(img)), new DataOptions(9,
				Augmentation.NONE, new Normalization.None(), 0, 1, new BlindSpot(0.25,
					9, new BlindSpot.Line(true, 9)))).batch(0, 1);
	}

	/**
	 * A patch too small for the neighbourhood or the line is advised a patch the
	 * model takes (the next size of a model of sizes in steps), and where no
	 * patch the model takes and the images hold is large enough, the largest
	 * neighbourhood or line there is: never a patch that the model or the images
	 * cannot take, which would be cut and refused again.
	 */
	@Test
	void theAdviceForATooSmallPatchIsAPatchTheModelTakes() {
		RasterImage big = TestModels.constant("big", 64, 64, 1);
		java.util.function.BiFunction<ModelDescriptor, DataOptions, String> refusal =
			(model, options) -> assertThrows(GanException.class, () -> TrainingData
				.create(model, TrainingDataTest.source(List.of(big)), options))
				.getMessage();
		java.util.function.BiFunction<Integer, BlindSpot, DataOptions> options = (
			patch, spec) -> new DataOptions(patch, Augmentation.NONE,
				new Normalization.None(), 0, 1, spec);
		ModelDescriptor fixed32 = TestModels.imageModel(TaskKind.DENOISE,
			AxisConstraint.fixed(32));
		assertEquals(
			"the 32x32 patch cannot hold the 45x45 neighbourhood a hidden pixel's replacement comes from: the model takes inputs of sizes fixed 32, so no patch is larger than 32x32: use --n2v-neighbourhood 31 or less",
			refusal.apply(fixed32, options.apply(64, new BlindSpot(0.25, 45, null))));
		assertEquals(
			"the 32x32 patch cannot hold the structN2V line of 45 pixels: the model takes inputs of sizes fixed 32, so no patch is larger than 32x32: use a line of at most 31 pixels",
			refusal.apply(fixed32, options.apply(45, new BlindSpot(0.25, 3,
				new BlindSpot.Line(true, 45)))));
		// a model of sizes in steps of 8: the next size it takes
		assertEquals(
			"the 40x40 patch cannot hold the 45x45 neighbourhood a hidden pixel's replacement comes from: use --patch 48 or more, or a smaller --n2v-neighbourhood",
			refusal.apply(TestModels.imageModel(TaskKind.DENOISE, AxisConstraint
				.minStep(8, 8)), options.apply(40, new BlindSpot(0.25, 45, null))));
		// a model of any size: the smallest image bounds the patch
		RasterImage img = TestModels.constant("a", 16, 12, 1);
		assertEquals(
			"the 8x8 patch cannot hold the 13x13 neighbourhood a hidden pixel's replacement comes from: the smallest image, 'a', is 16x12, so no patch is larger than 12x12: use --n2v-neighbourhood 11 or less",
			assertThrows(GanException.class, () -> TrainingData.create(TestModels
				.imageModel(TaskKind.DENOISE, 1, 1), TrainingDataTest.source(List.of(
					img)), options.apply(8, new BlindSpot(0.25, 13, null))))
				.getMessage());
	}

	/**
	 * A structN2V line needs the extent along its own axis (a wide, short whole
	 * image only flips, and a line follows the image's rows anyway); the largest
	 * line suggested is odd; a share of hidden pixels too small for one pixel of
	 * the patch is refused, its cell side never wrapping past the largest int.
	 */
	@Test
	void aLineNeedsItsOwnAxisAndTheShareAtLeastOnePixel() {
		RasterImage wide = TestModels.constant("w", 96, 8, 1);
		java.util.function.BiFunction<Integer, BlindSpot, DataOptions> options = (
			patch, spec) -> new DataOptions(patch, Augmentation.FLIPS,
				new Normalization.None(), 0, 1, spec);
		TrainingData.create(TestModels.imageModel(TaskKind.DENOISE, 1, 1),
			TrainingDataTest.source(List.of(wide)), options.apply(0, new BlindSpot(
				0.25, 3, new BlindSpot.Line(true, 9)))).batch(0, 1);
		assertEquals(
			"the image w (96x8) cannot hold the structN2V line of 9 pixels: use a line of at most 7 pixels, or leave the image out",
			assertThrows(GanException.class, () -> TrainingData.create(TestModels
				.imageModel(TaskKind.DENOISE, 1, 1), TrainingDataTest.source(List.of(
					wide)), options.apply(0, new BlindSpot(0.25, 3, new BlindSpot.Line(
						false, 9))))).getMessage());
		RasterImage img = TestModels.constant("a", 16, 12, 1);
		assertEquals(
			"the image a (16x12) cannot hold the structN2V line of 17 pixels: use a line of at most 15 pixels, or leave the image out",
			assertThrows(GanException.class, () -> TrainingData.create(TestModels
				.imageModel(TaskKind.DENOISE, 1, 1), TrainingDataTest.source(List.of(
					img)), options.apply(0, new BlindSpot(0.25, 3, new BlindSpot.Line(
						true, 17))))).getMessage());

		assertEquals(Integer.MAX_VALUE, new BlindSpot(1e-300, 3, null).cell());
		assertEquals(
			"--n2v-fraction 1.0E-300 hides less than one pixel of a 8x8 patch: use at least 0.0157 (one pixel in 64)",
			assertThrows(GanException.class, () -> TrainingData.create(TestModels
				.imageModel(TaskKind.DENOISE, 1, 1), TrainingDataTest.source(List.of(
					img)), options.apply(8, new BlindSpot(1e-300, 3, null))))
				.getMessage());
		TrainingData.create(TestModels.imageModel(TaskKind.DENOISE, 1, 1),
			TrainingDataTest.source(List.of(img)), options.apply(8, new BlindSpot(
				0.0157, 3, null))).batch(0, 1);
	}

	@Test
	void blindSpotsRefuseWhatTheyCannotTrain() {
		RasterImage img = TestModels.constant("a", 16, 16, 1);
		DataOptions n2v = new DataOptions(16, Augmentation.NONE,
			new Normalization.None(), 0, 1, BlindSpot.defaults());
		GanException sr = assertThrows(GanException.class, () -> TrainingData
			.create(TestModels.imageModel(TaskKind.SUPER_RESOLUTION, 1, 2),
				TrainingDataTest.source(List.of(img)), n2v));
		assertTrue(sr.getMessage().contains("denoisers"), sr.getMessage());
		GanException pairs = assertThrows(GanException.class, () -> TrainingData
			.create(TestModels.imageModel(TaskKind.DENOISE, 1, 1),
				new DataSource.Pairs(ImageSource.of(List.of(img)), ImageSource.of(List
					.of(img))), n2v));
		assertTrue(pairs.getMessage().contains("noisy images alone"), pairs
			.getMessage());
		GanException scaled = assertThrows(GanException.class, () -> TrainingData
			.create(TestModels.imageModel(TaskKind.IMAGE_TO_IMAGE, 1, 2),
				TrainingDataTest.source(List.of(img)), n2v));
		assertTrue(scaled.getMessage().contains("input's size"), scaled
			.getMessage());
		assertEquals(
			"Noise2Void needs as many output channels as input channels, as it learns to predict each pixel of its input: model 'test-denoise' turns 1 into 2",
			assertThrows(GanException.class, () -> TrainingData.create(TestModels
				.imageModel(TaskKind.DENOISE, 1, 1).toBuilder().outputChannels(2)
				.build(), TrainingDataTest.source(List.of(img)), n2v)).getMessage());
	}

	@Test
	void neighbourhoodsAndLinesBeyondTheirBoundAreRefused() {
		assertEquals(
			"the neighbourhood a hidden pixel's replacement comes from is an odd number of pixels, at least 3 and at most 255, not 2147483647",
			assertThrows(GanException.class, () -> new BlindSpot(0.01,
				Integer.MAX_VALUE, null)).getMessage());
		assertEquals(
			"the structN2V line is an odd number of pixels, at least 3 and at most 255, not 1000001",
			assertThrows(GanException.class, () -> BlindSpot.Line.parse(
				"horizontal:1000001")).getMessage());
	}
}
