
package org.fijigan.core.train.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.junit.jupiter.api.Test;

class TrainingDataTest {

	private static final Normalization NONE = new Normalization.None();

	/**
	 * Ten 24x20 images with distinct content; image i has values in [i*1000,
	 * i*1000+479].
	 */
	private static List<RasterImage> tenImages() {
		List<RasterImage> list = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			int base = i * 1000;
			list.add(TestModels.function("img" + i, 24, 20, (x, y) -> base + y * 24 +
				x));
		}
		return list;
	}

	@Test
	void theSameSeedGivesTheSameBatchesForEveryTask() {
		List<RasterImage> images = tenImages();
		List<ModelDescriptor> models = List.of(TestModels.imageModel(
			TaskKind.SUPER_RESOLUTION, 1, 2), TestModels.imageModel(TaskKind.DENOISE,
				1, 1), TestModels.inpaintModel(1, new MaskSpec(null, 1, 0, true)),
			TestModels.generator(8, 0, 1));
		for (ModelDescriptor m : models)
			for (Degradation d : m.task() == TaskKind.DENOISE ? List.<Degradation> of(
				new Degradation.GaussianNoise(new Degradation.Range(0.01, 0.2)),
				new Degradation.PoissonGaussianNoise(new Degradation.Range(5, 500),
					new Degradation.Range(0, 0.05))) : java.util.Collections
						.<Degradation> singletonList(null))
			{
				DataOptions o = DataOptions.defaults(42).withPatchSize(8)
					.withDegradation(d);
				TrainingData a = TrainingData.create(m, source(images), o);
				TrainingData b = TrainingData.create(m, source(images), o);
				TrainingData other = TrainingData.create(m, source(images), o.withSeed(
					43));
				for (long step : new long[] { 0, 1, 1000 }) {
					TrainingBatch x = a.batch(step, 4), y = b.batch(step, 4);
					assertArrayEquals(x.input(), y.input(), m.task() + " step " + step);
					assertArrayEquals(x.target(), y.target());
					assertArrayEquals(x.mask(), y.mask());
					assertFalse(java.util.Arrays.equals(x.target(), a.batch(step + 1, 4)
						.target()));
					assertFalse(java.util.Arrays.equals(x.input(), other.batch(step, 4)
						.input()));
				}
				// batches are a pure function of (seed, step): order of calls does not
				// matter
				TrainingBatch late = a.batch(7, 4);
				a.batch(3, 2);
				assertArrayEquals(late.input(), a.batch(7, 4).input());
				assertEquals(a.validationSamples().size(), 1);
				assertArrayEquals(a.validationSamples().get(0).target().values(), b
					.validationSamples().get(0).target().values());
			}
	}

	@Test
	void superResolutionInputIsTheAreaAverageOfTheTarget() {
		// 4x4 image 0..15, scale 2: blocks {0,1,4,5} -> 2.5, {2,3,6,7} -> 4.5, ...
		RasterImage img = TestModels.function("ramp", 4, 4, (x, y) -> y * 4 + x);
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.SUPER_RESOLUTION, 1, 2), source(List.of(img)), new DataOptions(0,
				Augmentation.NONE, NONE, 0, 1, null));
		TrainingBatch b = data.batch(0, 1);
		assertArrayEquals(new long[] { 1, 1, 2, 2 }, b.inputShape());
		assertArrayEquals(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, b.input());
		assertArrayEquals(new long[] { 1, 1, 4, 4 }, b.targetShape());
		float[] all = new float[16];
		for (int i = 0; i < 16; i++)
			all[i] = i;
		assertArrayEquals(all, b.target());

		// x3 on a 7x6 image: whole images are cropped to 6x6, the input is 2x2
		RasterImage odd = TestModels.function("odd", 7, 6, (x, y) -> y * 7 + x);
		TrainingBatch c = TrainingData.create(TestModels.imageModel(
			TaskKind.SUPER_RESOLUTION, 1, 3), source(List.of(odd)), new DataOptions(0,
				Augmentation.NONE, NONE, 0, 1, null)).batch(0, 1);
		// block (0,0): rows 0-2, cols 0-2 -> mean of {0,1,2,7,8,9,14,15,16} = 8
		assertArrayEquals(new float[] { 8, 11, 29, 32 }, c.input());
		assertArrayEquals(new long[] { 1, 1, 6, 6 }, c.targetShape());
	}

	@Test
	void superResolutionPatchesAreDownscaledAfterAugmentation() {
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.SUPER_RESOLUTION, 1, 2), source(tenImages()), new DataOptions(8,
				Augmentation.FLIPS, NONE, 0.2, 5, null));
		for (long step = 0; step < 20; step++)
			for (TrainingSample s : data.batch(step, 3).samples())
				assertArrayEquals(Degradations.areaDownscale(s.target(), 2).values(), s
					.input().values());
	}

	@Test
	void blurAndNoiseComeBeforeAndAfterTheDownscale() {
		// a flat image stays flat under blur and area averaging; only the noise
		// remains
		RasterImage flat = TestModels.constant("flat", 64, 64, 0.5f);
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.SUPER_RESOLUTION, 1, 4), source(List.of(flat)), new DataOptions(
				64, Augmentation.NONE, NONE, 0, 3, new Degradation.Downscale(
					Degradation.Range.of(1.2), Degradation.Range.of(0.05))));
		double[] ms = meanStd(data.batch(0, 16).input(), 0.5f);
		assertEquals(0, ms[0], 0.005);
		assertEquals(0.05, ms[1], 0.003);
	}

	@Test
	void normalisationMapsEachImageToTheModelRangeAndReportsTheMap() {
		// 8-bit 0..255 ramp, bit-depth range to [-1, 1]: v -> v / 127.5 - 1
		RasterImage u8 = RasterImage.allocate(16, 16, 1, 1, 1, PixelType.UINT8);
		byte[] p = (byte[]) u8.plane(0);
		for (int i = 0; i < 256; i++)
			p[i] = (byte) i;
		ModelDescriptor m = TestModels.imageModel(TaskKind.DENOISE, 1, 1, null,
			ValueRange.MINUS_ONE_ONE, ValueRange.MINUS_ONE_ONE);
		TrainingData data = TrainingData.create(m, source(List.of(u8.setTitle(
			"u8"))), new DataOptions(0, Augmentation.NONE,
				new Normalization.BitDepthRange(), 0, 1, new Degradation.GaussianNoise(
					Degradation.Range.of(0))));
		TrainingSample s = data.batch(0, 1).samples().get(0);
		for (int i = 0; i < 256; i++)
			assertEquals(i / 127.5 - 1, s.target().values()[i], 1e-6);
		assertEquals(2 / 255.0, s.targetMap().scale()[0], 1e-15);
		assertEquals(-1, s.targetMap().offset()[0], 1e-15);

		// percentile 1 / 99.8 of 0..255 (numpy: 2.55 and 254.49) to [0, 1]
		TrainingData pct = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), source(List.of(u8)), new DataOptions(0,
				Augmentation.NONE, Normalization.DEFAULT, 0, 1,
				new Degradation.GaussianNoise(Degradation.Range.of(0))));
		TrainingSample q = pct.batch(0, 1).samples().get(0);
		assertEquals((100 - 2.55) / (254.49 - 2.55), q.target().values()[100],
			1e-6);
		assertEquals(1 / (254.49 - 2.55), q.inputMap().scale()[0], 1e-12);
	}

	@Test
	void anRgbImageFedToAnRgbModelTrainsUnderOneMapForItsColours() {
		RasterImage rgb = RasterImage.allocate(16, 16, 1, 1, 1, PixelType.RGB)
			.setTitle("photo.png");
		int[] px = (int[]) rgb.plane(0);
		for (int i = 0; i < px.length; i++) // red half of green and blue
			px[i] = 0xff000000 | (i / 2) / 2 << 16 | (i / 2) << 8 | i / 2;
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 3, 1), source(List.of(rgb)), new DataOptions(0,
				Augmentation.NONE, Normalization.DEFAULT, 0, 1,
				new Degradation.GaussianNoise(Degradation.Range.of(0))));
		double[] scale = data.batch(0, 1).samples().get(0).inputMap().scale();
		// percentiles 1 and 99.8 of the three channels' values together, as
		// inference takes them for an RGB model: one map, red stays half as bright
		assertEquals(3, scale.length);
		assertEquals(scale[1], scale[0], 0);
		assertEquals(scale[1], scale[2], 0);
		float[] all = new float[3 * px.length];
		for (int i = 0; i < px.length; i++) {
			all[3 * i] = (px[i] >> 16) & 0xff;
			all[3 * i + 1] = (px[i] >> 8) & 0xff;
			all[3 * i + 2] = px[i] & 0xff;
		}
		Arrays.sort(all);
		double lo = percentile(all, 1), hi = percentile(all, 99.8);
		assertEquals(1 / (hi - lo), scale[0], 1e-9);
	}

	/** NumPy's default (linear) percentile of sorted values. */
	private static double percentile(float[] sorted, double percent) {
		double pos = percent / 100 * (sorted.length - 1);
		int i = (int) Math.floor(pos), j = Math.min(i + 1, sorted.length - 1);
		return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
	}

	@Test
	void nanAndInfinitePixelsTrainAsZeroWithANote() {
		RasterImage holes = TestModels.constant("holes.tif", 16, 16, 0.5f);
		float[] p = (float[]) holes.plane(0);
		p[3] = Float.NaN;
		p[40] = Float.POSITIVE_INFINITY;
		p[41] = Float.NaN;
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), source(List.of(holes, TestModels.constant(
				"fine.tif", 16, 16, 0.25f))), new DataOptions(0, Augmentation.NONE,
					NONE, 0, 1, new Degradation.GaussianNoise(Degradation.Range.of(0))));
		assertEquals(List.of("3 NaN or infinite pixels in holes.tif train as 0 " +
			"in normalised units, as if measured there; replace them (e.g. by the " +
			"local median) or leave such images out"), data.notes());
		int withHoles = 0;
		for (TrainingSample s : data.batch(0, 8).samples())
			if (s.target().values()[0] == 0.5f) {
				withHoles++;
				assertEquals(0, s.target().values()[3]);
				assertEquals(0, s.target().values()[40]);
				assertEquals(0.5f, s.target().values()[39]);
			}
		assertTrue(withHoles > 0, "no sample drew holes.tif");
		assertEquals(List.of(), TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), source(List.of(TestModels.constant("fine.tif",
				16, 16, 0.25f))), new DataOptions(0, Augmentation.NONE, NONE, 0, 1,
					new Degradation.GaussianNoise(Degradation.Range.of(0)))).notes());
	}

	@Test
	void pairsWithoutNormalisationAreFedBitForBit() {
		// the exactness contract of one SGD step: --patch 0 --augment none
		// --normalize none
		float[][] in = { { 0.1f, -3.25f, 1e-7f }, { Float.MIN_VALUE, 12345.678f,
			-0f } };
		float[][] out = { { 7.5f, 0.3f, -1e30f }, { 2f, 3f, 4f } };
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.IMAGE_TO_IMAGE, 1, 1), new DataSource.Pairs(ImageSource.of(List
				.of(TestModels.image("x.tif", in))), ImageSource.of(List.of(TestModels
					.image("x.tif", out)))), new DataOptions(0, Augmentation.NONE, NONE,
						0, 1, null));
		TrainingBatch b = data.batch(0, 1);
		assertArrayEquals(new float[] { 0.1f, -3.25f, 1e-7f, Float.MIN_VALUE,
			12345.678f, -0f }, b.input());
		assertArrayEquals(new float[] { 7.5f, 0.3f, -1e30f, 2f, 3f, 4f }, b
			.target());
		assertTrue(b.samples().get(0).inputMap().isIdentity());
		assertTrue(data.isPaired());
	}

	@Test
	void aPairsTargetIsMappedByItsInputsRangeAsInferenceMapsTheOutputBack() {
		// targets at half (pair a) and a quarter (pair b, held out) of their
		// input's brightness: by its own percentiles each target would train as
		// its input, by the input's it trains as half (a quarter) of it
		List<RasterImage> inputs = new ArrayList<>(), targets = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			int div = 2 << i;
			inputs.add(TestModels.function("p" + i + ".tif", 16, 16, (x, y) -> 4 *
				(y * 16 + x)));
			targets.add(TestModels.function("p" + i + ".tif", 16, 16, (x, y) -> 4 *
				(y * 16 + x) / div));
		}
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.IMAGE_TO_IMAGE, 1, 1), new DataSource.Pairs(ImageSource.of(
				inputs), ImageSource.of(targets)), new DataOptions(0, Augmentation.NONE,
					Normalization.DEFAULT, 0.5, 1, null));
		float[] raw = new float[256];
		for (int i = 0; i < 256; i++)
			raw[i] = 4 * i;
		double lo = percentile(raw, 1), hi = percentile(raw, 99.8);
		TrainingSample train = data.batch(0, 1).samples().get(0);
		TrainingSample held = data.validationSamples().get(0);
		assertEquals(List.of("p0.tif"), data.trainingItems());
		for (int i = 0; i < 256; i += 17) {
			assertEquals((4 * i - lo) / (hi - lo), train.input().values()[i], 1e-6);
			assertEquals((4 * i / 2 - lo) / (hi - lo), train.target().values()[i],
				1e-6);
			assertEquals((4 * i / 4 - lo) / (hi - lo), held.target().values()[i],
				1e-6);
		}
		// the validation metrics map back by the same map
		assertEquals(1 / (hi - lo), held.targetMap().scale()[0], 1e-12);
		assertEquals(-lo / (hi - lo), held.targetMap().offset()[0], 1e-12);

		// super-resolution: the input's range applies to the larger target
		RasterImage small = TestModels.function("s.tif", 8, 8, (x, y) -> 10 + y *
			8 + x);
		RasterImage big = TestModels.function("s.tif", 16, 16, (x, y) -> 1000);
		TrainingSample sr = TrainingData.create(TestModels.imageModel(
			TaskKind.SUPER_RESOLUTION, 1, 2), new DataSource.Pairs(ImageSource.of(List
				.of(small)), ImageSource.of(List.of(big))), new DataOptions(0,
					Augmentation.NONE, new Normalization.BitDepthRange(), 0, 1, null))
			.batch(0, 1).samples().get(0);
		assertEquals((1000 - 10) / 63.0, sr.target().values()[0], 1e-5);

		// channels: the target's channel c by its input's channel c, whose
		// brightness differs by orders of magnitude
		float[] c1 = new float[64], c2 = new float[64];
		for (int i = 0; i < 64; i++) {
			c1[i] = i;
			c2[i] = 1000 * i;
		}
		RasterImage in2 = new RasterImage(8, 8, 2, 1, 1, PixelType.FLOAT32,
			new Object[] { c1, c2 }).setTitle("c.tif");
		RasterImage out2 = new RasterImage(8, 8, 2, 1, 1, PixelType.FLOAT32,
			new Object[] { c1.clone(), c1.clone() }).setTitle("c.tif");
		TrainingSample two = TrainingData.create(TestModels.imageModel(
			TaskKind.IMAGE_TO_IMAGE, 2, 1), new DataSource.Pairs(ImageSource.of(List
				.of(in2)), ImageSource.of(List.of(out2))), new DataOptions(0,
					Augmentation.NONE, new Normalization.BitDepthRange(), 0, 1, null))
			.batch(0, 1).samples().get(0);
		assertEquals(1.0, two.target().get(0, 7, 7), 1e-6);
		assertEquals(63 / 63000.0, two.target().get(1, 7, 7), 1e-9);

		// a fixed range maps both images by it, as before
		TrainingSample fixed = TrainingData.create(TestModels.imageModel(
			TaskKind.IMAGE_TO_IMAGE, 1, 1), new DataSource.Pairs(ImageSource.of(
				inputs), ImageSource.of(targets)), new DataOptions(0, Augmentation.NONE,
					new Normalization.FixedRange(0, 2000), 0, 1, null)).batch(0, 1)
			.samples().get(0);
		assertEquals(4 * 255 / 2 / 2000.0, fixed.target().values()[255], 1e-6);

		// a target of another pixel type is in other units: an 8-bit input's
		// 16-bit target (the same scene x 257) by its own type's range, as before
		// (by the input's 0..255 it trained on values up to 257)
		byte[] b8 = new byte[64];
		short[] s16 = new short[64];
		for (int i = 0; i < 64; i++) {
			b8[i] = (byte) (4 * i);
			s16[i] = (short) (4 * i * 257);
		}
		TrainingSample types = TrainingData.create(TestModels.imageModel(
			TaskKind.IMAGE_TO_IMAGE, 1, 1), new DataSource.Pairs(ImageSource.of(List
				.of(new RasterImage(8, 8, 1, 1, 1, PixelType.UINT8, new Object[] { b8 })
					.setTitle("t.tif"))), ImageSource.of(List.of(new RasterImage(8, 8, 1,
						1, 1, PixelType.UINT16, new Object[] { s16 }).setTitle("t.tif")))),
			new DataOptions(0, Augmentation.NONE, new Normalization.BitDepthRange(),
				0, 1, null)).batch(0, 1).samples().get(0);
		assertEquals(252 / 255.0, types.target().values()[63], 1e-6);
		assertEquals(252 / 255.0, types.input().values()[63], 1e-6);
	}

	@Test
	void aPairWhosePlaneHoldsNothingButNanIsRefusedNamingImageAndFrame() {
		// 2 frames of 16x16; the input's frame 2 is all NaN, the target is finite
		float[] a = new float[256], b = new float[256], nan = new float[256];
		for (int i = 0; i < a.length; i++) {
			a[i] = i;
			b[i] = i % 9;
		}
		Arrays.fill(nan, Float.NaN);
		RasterImage in = new RasterImage(16, 16, 1, 1, 2, PixelType.FLOAT32,
			new Object[] { a, nan }).setTitle("p.tif");
		RasterImage target = new RasterImage(16, 16, 1, 1, 2, PixelType.FLOAT32,
			new Object[] { a.clone(), b }).setTitle("p.tif");
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.imageModel(TaskKind.IMAGE_TO_IMAGE, 1, 1),
			new DataSource.Pairs(ImageSource.of(List.of(in)), ImageSource.of(List.of(
				target))), new DataOptions(0, Augmentation.NONE, NONE, 0, 1, null)));
		assertEquals("frame 2 of the input 'p.tif' has no finite pixel (all 256 " +
			"are NaN or infinite): there is nothing to train on there; remove it or " +
			"leave the image out", e.getMessage());
		b[7] = Float.NaN; // one NaN pixel in a plane: trains, with the note
		nan[0] = 1;
		assertEquals(List.of("256 NaN or infinite pixels in 2 images (the first: " +
			"p.tif) train as 0 in normalised units, as if measured there; replace " +
			"them (e.g. by the local median) or leave such images out"), TrainingData
				.create(TestModels.imageModel(TaskKind.IMAGE_TO_IMAGE, 1, 1),
					new DataSource.Pairs(ImageSource.of(List.of(in)), ImageSource.of(List
						.of(target))), new DataOptions(0, Augmentation.NONE, NONE, 0, 1,
							null)).notes());
	}

	@Test
	void pairedSuperResolutionCutsAlignedPatches() {
		// target = nearest x2 upscale of the input, so target(y, x) = input(y / 2,
		// x / 2) in every patch
		List<RasterImage> inputs = new ArrayList<>(), targets = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			int base = 100 * i;
			inputs.add(TestModels.function("p" + i + ".png", 10, 9, (x, y) -> base +
				y * 10 + x));
			targets.add(TestModels.function("p" + i + ".tif", 20, 18, (x, y) -> base +
				y / 2 * 10 + x / 2));
		}
		TrainingData data = TrainingData.create(TestModels.imageModel(
			TaskKind.SUPER_RESOLUTION, 1, 2), new DataSource.Pairs(ImageSource.of(
				inputs), ImageSource.of(targets)), new DataOptions(8,
					Augmentation.FLIPS, NONE, 0, 9, null));
		for (long step = 0; step < 30; step++)
			for (TrainingSample s : data.batch(step, 2).samples()) {
				assertEquals(4, s.input().width());
				for (int y = 0; y < 8; y++)
					for (int x = 0; x < 8; x++)
						assertEquals(s.input().get(0, y / 2, x / 2), s.target().get(0, y,
							x));
			}
	}

	@Test
	void aMissingPartnerIsNamed() {
		ImageSource inputs = ImageSource.of(List.of(TestModels.constant("a.tif", 4,
			4, 0), TestModels.constant("b.tif", 4, 4, 0), TestModels.constant("c.tif",
				4, 4, 0)));
		ImageSource targets = ImageSource.of(List.of(TestModels.constant("a.png", 4,
			4, 0), TestModels.constant("c.png", 4, 4, 0), TestModels.constant("d.png",
				4, 4, 0)));
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.imageModel(TaskKind.DENOISE, 1, 1), new DataSource.Pairs(
				inputs, targets), DataOptions.defaults(1)));
		assertEquals(
			"input and target images must pair up by relative path (extension ignored), " +
				"but 1 input has no target in 3 open images: b.tif; and 1 target has no input in " +
				"3 open images: d.png", e.getMessage());
	}

	@Test
	void pairsOfTheWrongSizeAreNamed() {
		ImageSource inputs = ImageSource.of(List.of(TestModels.constant("a", 8, 8,
			0)));
		ImageSource targets = ImageSource.of(List.of(TestModels.constant("a", 8, 8,
			0)));
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.imageModel(TaskKind.SUPER_RESOLUTION, 1, 2),
			new DataSource.Pairs(inputs, targets), DataOptions.defaults(1)
				.withPatchSize(4)));
		assertEquals(
			"the target 'a' is 8x8 but its input 'a' is 8x8: the target must be 2 times " +
				"larger (the model's scale)", e.getMessage());
	}

	@Test
	void wholeImagesMustShareOneSize() {
		List<RasterImage> images = List.of(TestModels.constant("a", 8, 8, 0),
			TestModels.constant("b", 8, 8, 0), TestModels.constant("c", 10, 8, 0));
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.imageModel(TaskKind.DENOISE, 1, 1), source(images), DataOptions
				.defaults(1).withPatchSize(0).withValidationFraction(0)));
		assertEquals(
			"--patch 0 trains on whole images, which must share one size, but c is 10x8; " +
				"a (and 1 more) are 8x8: give a patch size (--patch P)", e
					.getMessage());
		// a patch larger than the smallest image shrinks to it, and says so
		TrainingData small = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), source(images), DataOptions.defaults(1)
				.withPatchSize(9));
		assertEquals(8, small.options().patchSize());
		assertEquals(List.of(
			"patch reduced from 9 to 8 px: the smallest image, 'a', is 8x8"), small
				.notes());
	}

	/**
	 * A patch below the smallest input the model takes is raised to it, as
	 * bioimage.io packages state one (the bundled sr-x4: min 39 px, so the
	 * default patch of 64 output px, 16 input px, was refused); a patch narrower
	 * than the model's receptive field is noted.
	 */
	@Test
	void aPatchIsRaisedToTheModelsSmallestInputAndANarrowOneIsNoted() {
		var m = TestModels.imageModel(TaskKind.SUPER_RESOLUTION, 1, 2);
		var sized = m.toBuilder().kind(
			new org.fijigan.core.model.ModelKind.ImageToImage(
				new org.fijigan.core.model.ImageInput("input",
					org.fijigan.core.model.TensorLayout.BCYX, 1,
					org.fijigan.core.tiling.AxisConstraint.minStep(13, 1),
					org.fijigan.core.tiling.AxisConstraint.minStep(13, 1),
					Integer.MAX_VALUE))).haloPixels(6).build();
		List<RasterImage> inputs = List.of(TestModels.constant("a", 20, 20, 0));
		List<RasterImage> targets = List.of(TestModels.constant("a", 40, 40, 0));
		TrainingData raised = TrainingData.create(sized, new DataSource.Pairs(
			ImageSource.of(inputs), ImageSource.of(targets)), DataOptions.defaults(1)
				.withPatchSize(8).withValidationFraction(0));
		assertEquals(26, raised.options().patchSize());
		assertEquals(List.of("patch raised from 8 to 26 px: the model takes " +
			"inputs of sizes min 13, step 1"), raised.notes());
		TrainingData narrow = TrainingData.create(sized.toBuilder().haloPixels(9)
			.build(), new DataSource.Pairs(ImageSource.of(inputs), ImageSource.of(
				targets)), DataOptions.defaults(1).withPatchSize(30)
					.withValidationFraction(0));
		assertEquals(30, narrow.options().patchSize());
		assertEquals(List.of("patches of 15 input px are narrower than the " +
			"context the model asks for (twice its halo plus one: 19 px): every pixel it trains on sees the " +
			"model's padding, which it meets at the image's edges alone when it " +
			"runs; a patch of 38 px or more avoids that"), narrow.notes());
		// targets smaller than the smallest input the model takes: no patch helps
		List<RasterImage> small = List.of(TestModels.constant("s", 20, 20, 0));
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			sized, new DataSource.Pairs(ImageSource.of(List.of(TestModels.constant(
				"s", 10, 10, 0))), ImageSource.of(small)), DataOptions.defaults(1)
					.withPatchSize(64).withValidationFraction(0)));
		assertEquals(
			"'s' (20x20), the smallest image, gives the model inputs of 10x10 px, " +
				"but it takes inputs of at least 13x13 px; train it on larger images", e
					.getMessage());
		// no image smaller than the patch, but every patch below that input too
		for (int patch : new int[] { 20, 0 }) {
			GanException none = assertThrows(GanException.class, () -> TrainingData
				.create(sized, new DataSource.Pairs(ImageSource.of(List.of(TestModels
					.constant("s", 10, 10, 0), TestModels.constant("t", 11, 11, 0))),
					ImageSource.of(List.of(TestModels.constant("s", 20, 20, 0), TestModels
						.constant("t", 22, 22, 0)))), DataOptions.defaults(1).withPatchSize(
							patch).withValidationFraction(0)));
			assertEquals("'s' (20x20), the smallest image, gives the model inputs " +
				"of 10x10 px, but it takes inputs of at least 13x13 px; train it on " +
				"larger images", none.getMessage(), "patch " + patch);
		}
	}

	@Test
	void theValidationSplitIsDisjointStableAndNeverTrainedOn() {
		List<String> notes = new ArrayList<>();
		assertArrayEquals(new int[] { 2, 7 }, TrainingData.validationIndices(10,
			0.2, notes));
		assertArrayEquals(new int[] { 1, 4, 7 }, TrainingData.validationIndices(9,
			1 / 3.0, notes));
		assertArrayEquals(new int[] { 1 }, TrainingData.validationIndices(3, 0.01,
			notes));
		assertArrayEquals(new int[0], TrainingData.validationIndices(3, 0, notes));
		assertEquals(List.of(), notes);
		// one image: nothing is held out, and a note says so
		assertArrayEquals(new int[0], TrainingData.validationIndices(1, 0.1,
			notes));
		assertEquals(List.of(
			"no validation: holding out 1 of 1 image for a validation " +
				"fraction of 0.1 would leave none to train on, so all are trained on; add images for a " +
				"validation score"), notes);

		List<RasterImage> images = tenImages();
		java.util.Collections.reverse(images); // the split follows sorted names,
																						// not source order
		DataOptions o = DataOptions.defaults(11).withPatchSize(4)
			.withValidationFraction(0.2).withNormalization(NONE).withDegradation(
				new Degradation.GaussianNoise(Degradation.Range.of(0)));
		ModelDescriptor m = TestModels.imageModel(TaskKind.DENOISE, 1, 1);
		TrainingData a = TrainingData.create(m, source(images), o);
		TrainingData b = TrainingData.create(m, source(tenImages()), o.withSeed(
			99));
		assertEquals(List.of("img2", "img7"), a.validationItems());
		assertEquals(a.validationItems(), b.validationItems());
		assertEquals(List.of("img0", "img1", "img3", "img4", "img5", "img6", "img8",
			"img9"), a.trainingItems());
		// pixel values tell the image: value / 1000
		Set<Integer> trained = new HashSet<>();
		for (long step = 0; step < 300; step++)
			for (float v : a.batch(step, 4).target())
				trained.add((int) (v / 1000));
		assertEquals(Set.of(0, 1, 3, 4, 5, 6, 8, 9), trained);
		List<TrainingSample> val = a.validationSamples();
		assertEquals(List.of("img2", "img7"), val.stream().map(TrainingSample::name)
			.toList());
		// the centre patch: x 10..13, y 8..11 of image 2
		assertEquals(2000 + 8 * 24 + 10, val.get(0).target().get(0, 0, 0));
	}

	@Test
	void theSplitHoldsOutWholeImagesWithAllTheirPlanesAndChannels() {
		RasterImage stack = RasterImage.allocate(8, 8, 1, 5, 1, PixelType.FLOAT32)
			.setTitle("stack");
		TrainingData one = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), source(List.of(stack)), new DataOptions(4,
				Augmentation.FLIPS, NONE, 0.2, 3, null));
		assertEquals(List.of(), one.validationItems(),
			"one image: no plane of it is held out");
		assertEquals(5, one.trainingItems().size());
		assertTrue(one.notes().contains(
			"no validation: holding out 1 of 1 image for a validation fraction of 0.2 would leave none to train on, so all are trained on; add images for a validation score"),
			one.notes().toString());

		// three 3-channel images for a 1-channel model: each channel is an item,
		// but the image in the middle is held out with all its channels
		List<RasterImage> rgb = new ArrayList<>();
		for (int i = 0; i < 3; i++)
			rgb.add(RasterImage.allocate(8, 8, 3, 1, 1, PixelType.FLOAT32).setTitle(
				"r" + i + ".tif"));
		TrainingData three = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), source(rgb), new DataOptions(4,
				Augmentation.FLIPS, NONE, 0.1, 3, null));
		assertEquals(List.of("r1.tif (channel 1 of 3)", "r1.tif (channel 2 of 3)",
			"r1.tif (channel 3 of 3)"), three.validationItems());
		assertEquals(6, three.trainingItems().size());
		assertTrue(three.describe().startsWith(
			"3 images: 2 for training, 1 for validation (6 and 3 planes);"), three
				.describe());
	}

	@Test
	void generatorSamplesCarryClassesFromSubFoldersAndLatents() {
		List<RasterImage> images = new ArrayList<>();
		String[] names = { "cats/a", "cats/b", "dogs/c", "birds/d", "dogs/e" };
		for (String n : names) {
			float v = n.startsWith("birds") ? 0 : n.startsWith("cats") ? 1 : 2; // sorted
																																					// class
																																					// index
			images.add(TestModels.constant(n, 6, 6, v));
		}
		TrainingData data = TrainingData.create(TestModels.generator(8, 3, 1),
			source(images), new DataOptions(4, Augmentation.FLIPS, NONE, 0, 5, null));
		assertEquals(List.of("birds", "cats", "dogs"), data.classNames());
		for (long step = 0; step < 10; step++) {
			TrainingBatch b = data.batch(step, 4);
			assertArrayEquals(new long[] { 4, 8 }, b.inputShape());
			assertArrayEquals(new long[] { 4, 1, 4, 4 }, b.targetShape());
			for (int i = 0; i < 4; i++)
				assertEquals(b.labels()[i], (long) b.target()[i * 16]);
		}
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.generator(8, 2, 1), source(images), DataOptions.defaults(1)
				.withPatchSize(4)));
		assertTrue(e.getMessage().contains(
			"would be class 2 but the model has 2 classes"), e.getMessage());
		GanException top = assertThrows(GanException.class, () -> TrainingData
			.create(TestModels.generator(8, 3, 1), source(List.of(TestModels.constant(
				"x", 6, 6, 0))), DataOptions.defaults(1).withPatchSize(4)
					.withValidationFraction(0)));
		assertTrue(top.getMessage().contains("'x' is not in a sub-folder"), top
			.getMessage());
		// an unconditional generator ignores folders and has no labels
		TrainingBatch plain = TrainingData.create(TestModels.generator(8, 0, 1),
			source(images), DataOptions.defaults(1).withPatchSize(4)).batch(0, 2);
		assertNull(plain.labels());
	}

	@Test
	void aClassWithoutTrainingImagesIsRefused() {
		DataOptions options = new DataOptions(4, Augmentation.FLIPS, NONE, 0, 5,
			null);
		// the model names a and b; the data has images of a alone
		List<RasterImage> onlyA = List.of(TestModels.constant("a/x", 6, 6, 0),
			TestModels.constant("a/y", 6, 6, 1), TestModels.constant("a/z", 6, 6, 2));
		GanException named = assertThrows(GanException.class, () -> TrainingData
			.create(TestModels.generator(8, List.of("a", "b"), 1), source(onlyA),
				options));
		assertEquals("class b (label 1) has no training images, of the " +
			"generator's 2 classes: it learns each class from images of it, and " +
			"would come out generating that class untrained; add images of it in " +
			"a sub-folder named after it (or by its label number)", named
				.getMessage());
		// three unnamed classes, numbered folders 0 and 2: class 1 has none
		List<RasterImage> gap = List.of(TestModels.constant("0/x", 6, 6, 0),
			TestModels.constant("2/y", 6, 6, 1));
		GanException numbered = assertThrows(GanException.class, () -> TrainingData
			.create(TestModels.generator(8, 3, 1), source(gap), options));
		assertTrue(numbered.getMessage().startsWith(
			"class 1 has no training images, of the generator's 3 classes"), numbered
				.getMessage());
		// two classes of four, named after the folders: both missing are named
		GanException two = assertThrows(GanException.class, () -> TrainingData
			.create(TestModels.generator(8, 4, 1), source(onlyA), options));
		assertTrue(two.getMessage().startsWith("classes 1, 2, 3 have no " +
			"training images, of the generator's 4 classes"), two.getMessage());
		// every class with an image trains
		assertEquals(List.of("a", "b"), TrainingData.create(TestModels.generator(8,
			List.of("a", "b"), 1), source(List.of(TestModels.constant("a/x", 6, 6, 0),
				TestModels.constant("b/y", 6, 6, 1))), options).classNames());
	}

	@Test
	void aGeneratorsImagesShareOneRangeForTheWholeSet() {
		// b is a at ten times the contrast: each image stretched to its own
		// percentiles would look
		// the same; one range for the set keeps a at a tenth of b
		List<RasterImage> images = List.of(TestModels.function("a", 6, 6, (x,
			y) -> x + y), TestModels.function("b", 6, 6, (x, y) -> 10 * (x + y)));
		for (Normalization n : List.of(new Normalization.Percentile(0, 100),
			new Normalization.BitDepthRange()))
		{
			TrainingData data = TrainingData.create(TestModels.generator(8, 0, 1),
				source(images), new DataOptions(0, Augmentation.FLIPS, n, 0, 5, null));
			Set<Long> maxima = new HashSet<>(); // in hundredths
			for (long step = 0; step < 4; step++) {
				TrainingBatch b = data.batch(step, 4);
				for (int i = 0; i < 4; i++) {
					float max = -2;
					for (int k = 0; k < 36; k++)
						max = Math.max(max, b.target()[i * 36 + k]);
					maxima.add(Math.round(max * 100.0));
				}
			}
			// raw 0..100 -> model range [-1, 1]: a's maximum 10 is -0.8
			assertEquals(Set.of(-80L, 100L), maxima, n.describe());
			assertTrue(data.describe().contains(n.describe() + " over the whole set"),
				data.describe());
		}
		RasterImage eight = RasterImage.allocate(6, 6, 1, 1, 1, PixelType.UINT8)
			.setTitle("eight");
		RasterImage sixteen = RasterImage.allocate(6, 6, 1, 1, 1, PixelType.UINT16)
			.setTitle("sixteen");
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.generator(8, 0, 1), source(List.of(eight, sixteen)),
			new DataOptions(0, Augmentation.FLIPS, Normalization.DEFAULT, 0, 5,
				null)));
		assertEquals(
			"a generator's training images share one value range, so they must share one " +
				"pixel type, but they mix [UINT8, UINT16]: convert them to one type, or give " +
				"--normalize range:MIN,MAX", e.getMessage());
	}

	@Test
	void theModelsChannelsAreChecked() {
		RasterImage rgb = RasterImage.allocate(8, 8, 1, 1, 1, PixelType.RGB)
			.setTitle("rgb");
		RasterImage grey = RasterImage.allocate(8, 8, 1, 1, 1, PixelType.UINT8)
			.setTitle("grey");
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.imageModel(TaskKind.DENOISE, 3, 1), source(List.of(grey)),
			DataOptions.defaults(1).withPatchSize(4).withValidationFraction(0)));
		assertEquals(
			"model 'test-denoise' takes 3 channels but 'grey' has 1 channel", e
				.getMessage());
		TrainingBatch b = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 3, 1), source(List.of(rgb)), DataOptions.defaults(1)
				.withPatchSize(4).withValidationFraction(0)).batch(0, 2);
		assertArrayEquals(new long[] { 2, 3, 4, 4 }, b.inputShape());
	}

	/**
	 * A 1-channel model is applied to an image of several channels channel by
	 * channel, so it trains on them so: each channel of each plane is an item,
	 * and its samples hold that channel's pixels alone, normalised by that
	 * channel's range.
	 */
	@Test
	void aOneChannelModelTrainsOnEachChannelApart() {
		RasterImage hs = RasterImage.allocate(6, 5, 2, 2, 1, PixelType.UINT16)
			.setTitle("hs");
		for (int z = 0; z < 2; z++)
			for (int c = 0; c < 2; c++) {
				short[] p = (short[]) hs.plane(c, z, 0);
				for (int i = 0; i < p.length; i++)
					p[i] = (short) (1000 * (c + 1) + 100 * z + i);
			}
		for (boolean n2v : new boolean[] { false, true }) {
			Degradation d = n2v ? new Degradation.BlindSpot(0.05, 3, null)
				: new Degradation.GaussianNoise(Degradation.Range.of(0));
			TrainingData data = TrainingData.create(TestModels.imageModel(
				TaskKind.DENOISE, 1, 1), source(List.of(hs)), new DataOptions(0,
					Augmentation.NONE, new Normalization.FixedRange(0, 4000), 0, 1, d));
			assertEquals(List.of("hs (channel 1 of 2, plane 1 of 2)",
				"hs (channel 2 of 2, plane 1 of 2)",
				"hs (channel 1 of 2, plane 2 of 2)",
				"hs (channel 2 of 2, plane 2 of 2)"), data.trainingItems());
			assertTrue(data.notes().get(0).contains(
				"each channel of an image of several trains as a plane of its own"),
				data.notes().toString());
			TrainingBatch b = data.batch(0, 8);
			assertArrayEquals(new long[] { 8, 1, 5, 6 }, b.inputShape());
			for (TrainingSample s : b.samples()) {
				int c = s.name().contains("channel 1") ? 0 : 1;
				int z = s.name().contains("plane 1") ? 0 : 1;
				for (int i = 0; i < 30; i++)
					assertEquals((1000 * (c + 1) + 100 * z + i) / 4000.0, s.target()
						.values()[i], 1e-6, s.name());
			}
		}
		// pairs: the input's channel goes with the target's
		RasterImage in = RasterImage.allocate(6, 5, 2, 2, 1, PixelType.UINT16)
			.setTitle("hs");
		for (int z = 0; z < 2; z++)
			for (int c = 0; c < 2; c++) {
				short[] p = (short[]) in.plane(c, z, 0), q = (short[]) hs.plane(c, z,
					0);
				for (int i = 0; i < p.length; i++)
					p[i] = (short) (q[i] + 7);
			}
		TrainingData pairs = TrainingData.create(TestModels.imageModel(
			TaskKind.IMAGE_TO_IMAGE, 1, 1), new DataSource.Pairs(ImageSource.of(List
				.of(in)), ImageSource.of(List.of(hs))), new DataOptions(0,
					Augmentation.NONE, new Normalization.FixedRange(0, 4000), 0, 1,
					null));
		assertEquals(4, pairs.trainingItems().size());
		for (TrainingSample s : pairs.batch(0, 8).samples())
			for (int i = 0; i < 30; i++)
				assertEquals(s.target().values()[i] + 7 / 4000.0, s.input().values()[i],
					1e-6, s.name());
		// a grey image beside the hyperstack: its planes, then every channel of the
		// other's
		RasterImage grey = TestModels.function("grey", 6, 5, (x, y) -> 50 + y * 6 +
			x);
		TrainingData mixed = TrainingData.create(TestModels.imageModel(
			TaskKind.DENOISE, 1, 1), source(List.of(grey, hs)), new DataOptions(0,
				Augmentation.NONE, new Normalization.FixedRange(0, 4000), 0, 1,
				new Degradation.GaussianNoise(Degradation.Range.of(0))));
		assertEquals(List.of("grey", "hs (channel 1 of 2, plane 1 of 2)",
			"hs (channel 2 of 2, plane 1 of 2)", "hs (channel 1 of 2, plane 2 of 2)",
			"hs (channel 2 of 2, plane 2 of 2)"), mixed.trainingItems());
		for (TrainingSample s : mixed.batch(0, 16).samples())
			if (s.name().equals("grey")) assertEquals(50 / 4000.0, s.target()
				.values()[0], 1e-7);
		// a pair whose two images differ in channels is refused, naming the input
		RasterImage grey2 = TestModels.function("hs", 6, 5, (x, y) -> x);
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.imageModel(TaskKind.IMAGE_TO_IMAGE, 1, 1),
			new DataSource.Pairs(ImageSource.of(List.of(in)), ImageSource.of(List.of(
				grey2))), new DataOptions(0, Augmentation.NONE, NONE, 0, 1, null)));
		assertEquals("the input 'hs' has 2 channels but its target 'hs' has 1 " +
			"channel: a pair's two images need the same channels", e.getMessage());
		// and is named, not another image, when the other pairs are grey
		RasterImage a = TestModels.function("a", 6, 5, (x, y) -> x), f = TestModels
			.function("f", 6, 5, (x, y) -> y);
		RasterImage f3 = RasterImage.allocate(6, 5, 3, 1, 1, PixelType.UINT16)
			.setTitle("f");
		var unknownOut = TestModels.imageModel(TaskKind.IMAGE_TO_IMAGE, 1, 1)
			.toBuilder().outputChannels(0).build();
		for (var model : List.of(TestModels.imageModel(TaskKind.IMAGE_TO_IMAGE, 1,
			1), unknownOut))
		{
			GanException pair = assertThrows(GanException.class, () -> TrainingData
				.create(model, new DataSource.Pairs(ImageSource.of(List.of(a, f)),
					ImageSource.of(List.of(a, f3))), new DataOptions(0, Augmentation.NONE,
						NONE, 0, 1, null)));
			assertEquals("the input 'f' has 1 channel but its target 'f' has 3 " +
				"channels: a pair's two images need the same channels", pair
					.getMessage());
		}
		// a model of unknown output may turn 1 channel into 3, pair for pair
		assertEquals(1, TrainingData.create(unknownOut, new DataSource.Pairs(
			ImageSource.of(List.of(f)), ImageSource.of(List.of(f3))), new DataOptions(
				0, Augmentation.NONE, NONE, 0, 1, null)).trainingItems().size());
	}

	@Test
	void tasksWithoutASelfSupervisedDegradationAskForPairs() {
		GanException e = assertThrows(GanException.class, () -> TrainingData.create(
			TestModels.imageModel(TaskKind.IMAGE_TO_IMAGE, 1, 1), source(tenImages()),
			DataOptions.defaults(1)));
		assertTrue(e.getMessage().contains("--input-dir and --target-dir"), e
			.getMessage());
	}

	/**
	 * Training images that fiji-gan generate marked SYNTHETIC (by a slice's
	 * label, or by the image-wide statement as a TIFF's Info text gives it back)
	 * were trained on without a word. A note counts them; they still train.
	 */
	@Test
	void trainingImagesMarkedSyntheticAreCountedInANote() {
		List<RasterImage> images = new ArrayList<>();
		for (String n : List.of("a", "b", "c", "d"))
			images.add(TestModels.constant(n, 6, 6, 0.5f));
		images.get(1).properties().put("fiji-gan.slice.1.label",
			"SYNTHETIC seed=5 class=cats model=g sha256=0123abcd");
		images.get(2).properties().put("Info", "fiji-gan.synthetic = SYNTHETIC: " +
			"every slice was generated by a GAN, not acquired\n");
		DataOptions o = DataOptions.defaults(1).withPatchSize(4)
			.withValidationFraction(0);
		TrainingData data = TrainingData.create(TestModels.generator(8, 0, 1),
			source(images), o);
		assertEquals(4, data.trainingItems().size());
		assertTrue(data.notes().contains("2 of the 4 images given to fine-tune " +
			"(the first: b) are marked SYNTHETIC, generated by a GAN (fiji-gan generate) or made " +
			"from a generated image, not acquired: the model learns them as if " +
			"they were measured"), data.notes().toString());
		assertTrue(TrainingData.create(TestModels.generator(8, 0, 1), source(images
			.subList(1, 2)), o).notes().contains(
				"the image b given to fine-tune is " + "marked " +
					"SYNTHETIC, generated by a GAN (fiji-gan generate) or made from a " +
					"generated image, not acquired: the model learns it as if it were " +
					"measured"));
		assertTrue(TrainingData.create(TestModels.generator(8, 0, 1), source(images
			.subList(0, 2)), o).notes().contains("1 of the 2 images given to " +
				"fine-tune (b) is marked SYNTHETIC, generated by a GAN (fiji-gan " +
				"generate) or made from a generated image, not acquired: the model " +
				"learns it as if it were measured"));
		assertFalse(TrainingData.create(TestModels.generator(8, 0, 1), source(images
			.subList(3, 4)), o).notes().toString().contains("SYNTHETIC"));
	}

	static DataSource source(List<RasterImage> images) {
		return new DataSource.Images(ImageSource.of(images));
	}

	/** Mean and population standard deviation of {@code v - reference}. */
	static double[] meanStd(float[] v, float reference) {
		double s = 0, ss = 0;
		for (float f : v) {
			double d = f - reference;
			s += d;
			ss += d * d;
		}
		double mean = s / v.length;
		return new double[] { mean, Math.sqrt(ss / v.length - mean * mean) };
	}
}
