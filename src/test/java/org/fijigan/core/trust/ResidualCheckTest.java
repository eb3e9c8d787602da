
package org.fijigan.core.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.core.text.Numbers;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The note on a denoised image whose residual is not only noise. */
class ResidualCheckTest {

	@TempDir
	Path dir;

	static final int SIZE = 128;
	static final double[][] SPOTS = { { 20, 30 }, { 64, 64 }, { 100, 25 }, { 40,
		100 }, { 90, 90 }, { 110, 60 } };

	/**
	 * A smooth background, and spots of peak {@code amplitude} and sigma 1.5 when
	 * it is above 0.
	 */
	static float[] scene(double amplitude) {
		float[] v = new float[SIZE * SIZE];
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++) {
				double s = 0.2 + 0.1 * Math.sin(x / 17.0) * Math.cos(y / 23.0);
				for (double[] p : SPOTS)
					s += amplitude * Math.exp(-((x - p[0]) * (x - p[0]) + (y - p[1]) *
						(y - p[1])) / 4.5);
				v[y * SIZE + x] = (float) s;
			}
		return v;
	}

	static float[] plus(float[] v, float[] noise) {
		float[] out = v.clone();
		for (int i = 0; i < out.length; i++)
			out[i] += noise[i];
		return out;
	}

	static float[] gaussian(double sigma, long seed) {
		Random r = new Random(seed);
		float[] v = new float[SIZE * SIZE];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (sigma * r.nextGaussian());
		return v;
	}

	static float[] minus(float[] a, float[] b) {
		float[] out = new float[a.length];
		for (int i = 0; i < a.length; i++)
			out[i] = a[i] - b[i];
		return out;
	}

	@Test
	void theNormalTailAndItsQuantileMatchTables() {
		// P(N > x) from tables: 1.96 -> 0.0249979, 3 -> 0.0013499, 5 -> 2.8665e-7,
		// 7 -> 1.2798e-12
		assertEquals(0.0249979, ResidualCheck.normalTail(1.96), 1e-7);
		assertEquals(0.0013499, ResidualCheck.normalTail(3), 1e-7);
		assertEquals(2.8665e-7, ResidualCheck.normalTail(5), 1e-10);
		assertEquals(1.2798e-12, ResidualCheck.normalTail(7), 1e-15);
		assertEquals(3.0, ResidualCheck.normalQuantileOfTail(0.0013499), 1e-4);
		// the threshold grows with the plane: more windows, larger chance maxima
		assertTrue(ResidualCheck.threshold(256 * 256) < ResidualCheck.threshold(
			1024 * 1024));
	}

	@Test
	void silentWhenTheModelRemovedNoiseAlone() {
		float[] clean = scene(0.6);
		for (long seed = 0; seed < 10; seed++) {
			float[] noisy = plus(clean, gaussian(0.05, seed));
			ResidualCheck.Finding f = ResidualCheck.check(minus(noisy, clean), clean,
				SIZE, SIZE);
			assertFalse(f.isStructured(), "seed " + seed + ": " + f);
			assertEquals(0, f.flagged());
		}
		// Poisson noise: its level grows with the signal, which the check follows
		Random r = new Random(4);
		float[] shot = clean.clone();
		for (int i = 0; i < shot.length; i++)
			shot[i] = (float) (poisson(r, clean[i] * 30) / 30.0);
		ResidualCheck.Finding f = ResidualCheck.check(minus(shot, clean), clean,
			SIZE, SIZE);
		assertFalse(f.isStructured(), f.toString());
		// nothing removed: no structure
		assertFalse(ResidualCheck.check(new float[SIZE * SIZE], clean, SIZE, SIZE)
			.isStructured());
	}

	/**
	 * Noise correlated between neighbours, as an image shifted by half a pixel
	 * (registration, drift correction) or demosaiced has it: each pixel the mean
	 * of its 2x2 block of white noise. Its fine detail holds a quarter of its
	 * variance, and taken alone as the noise level it made ordinary denoised
	 * images so shifted structure (6-10 noise standard deviations); the noise
	 * level is its variance. Spots the model halved under the same noise are
	 * still structure.
	 */
	@Test
	void theNoiseLevelOfNoiseCorrelatedBetweenNeighboursIsItsVariance() {
		float[] clean = scene(0.6);
		for (long seed = 0; seed < 4; seed++) {
			float[] white = gaussian(0.1, 50 + seed), shifted = new float[SIZE *
				SIZE];
			for (int y = 0; y < SIZE; y++)
				for (int x = 0; x < SIZE; x++) {
					int x1 = Math.min(x + 1, SIZE - 1), y1 = Math.min(y + 1, SIZE - 1);
					shifted[y * SIZE + x] = (white[y * SIZE + x] + white[y * SIZE + x1] +
						white[y1 * SIZE + x] + white[y1 * SIZE + x1]) / 4;
				}
			boolean[] all = new boolean[SIZE * SIZE];
			Arrays.fill(all, true);
			double[] variance = ResidualCheck.noiseModel(shifted, ResidualCheck
				.fineDetail(shifted, all, SIZE, SIZE), clean)[0];
			double mean = Arrays.stream(variance).average().orElseThrow();
			assertEquals(0.1 * 0.1 / 4, mean, 0.1 * 0.1 / 4 * 0.15, "seed " + seed);

			float[] dimmed = scene(0.3), noisy = plus(clean, shifted);
			assertTrue(ResidualCheck.check(minus(noisy, dimmed), dimmed, SIZE, SIZE)
				.isStructured(), "seed " + seed);
		}
	}

	static int poisson(Random r, double lambda) {
		double limit = Math.exp(-lambda), p = r.nextDouble();
		int k = 0;
		while (p > limit) {
			k++;
			p *= r.nextDouble();
		}
		return k;
	}

	@Test
	void firesWhenTheModelErasedOrDimmedThePointSources() {
		float[] noisy = plus(scene(0.6), gaussian(0.05, 7));
		ResidualCheck.Finding erased = ResidualCheck.check(minus(noisy, scene(0)),
			scene(0), SIZE, SIZE);
		assertTrue(erased.isStructured(), erased.toString());
		assertTrue(erased.maxZ() > 2 * erased.threshold(), erased.toString());
		assertEquals(5, erased.window(), "spot-sized");
		// spots dimmed to a third of their height, and spots only 3 noise sigmas
		// high, erased
		assertTrue(ResidualCheck.check(minus(noisy, scene(0.2)), scene(0.2), SIZE,
			SIZE).isStructured());
		float[] faint = plus(scene(0.15), gaussian(0.05, 8));
		assertTrue(ResidualCheck.check(minus(faint, scene(0)), scene(0), SIZE, SIZE)
			.isStructured());
	}

	/** Three planes of the scene with noise (seeded per plane). */
	private static RasterImage noisyStack() {
		RasterImage input = RasterImage.allocate(SIZE, SIZE, 1, 3, 1,
			PixelType.FLOAT32);
		for (int z = 0; z < 3; z++)
			System.arraycopy(plus(scene(0.6), gaussian(0.05, z)), 0, (float[]) input
				.plane(0, z, 0), 0, SIZE * SIZE);
		return input;
	}

	/** The clean scene in planes 1 and 3; plane 2 has lost its sources. */
	private static RasterImage stackMissingPlane2Sources() {
		RasterImage output = RasterImage.allocate(SIZE, SIZE, 1, 3, 1,
			PixelType.FLOAT32);
		for (int z = 0; z < 3; z++)
			System.arraycopy(scene(z == 1 ? 0 : 0.6), 0, (float[]) output.plane(0, z,
				0), 0, SIZE * SIZE);
		return output;
	}

	@Test
	void theNoteNamesThePlanesWhoseResidualHasStructure() {
		RasterImage input = noisyStack(), output = stackMissingPlane2Sources();
		String note = ResidualCheck.note(input, output);
		assertTrue(note != null && note.startsWith(
			"what the model removed is not only noise in slice 2 (1 of 3 planes):"),
			note);
		assertTrue(note.contains("5x5 window") && note.contains(
			"once in 1000 planes"), note);
		for (int z = 0; z < 3; z++)
			System.arraycopy(scene(0.6), 0, (float[]) output.plane(0, z, 0), 0, SIZE *
				SIZE);
		assertNull(ResidualCheck.note(input, output));
	}

	/**
	 * Where one plane's check does not fit in the Java heap left after a run (a
	 * 12000x12000 image under -Xmx1g), the check is skipped, and the note and the
	 * property say so with the numbers and the fix, rather than the run failing
	 * after its inference on an out-of-memory line.
	 */
	@Test
	void aCheckThatDoesNotFitInTheHeapIsSkippedWithANote() {
		RasterImage input = noisyStack(), output = stackMissingPlane2Sources();
		long need = ResidualCheck.bytesPerPlane(SIZE, SIZE);
		assertEquals(110L * SIZE * SIZE, need);
		assertTrue(ResidualCheck.bytesPerPlane(12000, 12000) > 1L << 30);
		ResidualCheck.Verdict v = ResidualCheck.verdict(input, output, need, need -
			1);
		assertTrue(v.note().startsWith("the residual check (whether what the " +
			"model removed is only noise) was skipped: one " + SIZE + "x" + SIZE +
			" plane needs about " + Numbers.bytes(need) + " of Java memory for " +
			"it, but only "), v.note());
		assertTrue(v.note().contains("give Java more (JAVA_OPTS=-Xmx"), v.note());
		assertEquals("not checked (one " + SIZE + "x" + SIZE + " plane needs " +
			"about " + Numbers.bytes(need) + " of Java memory for it)", v.property());
		// with room for one plane (not the whole stack) it checks them all
		v = ResidualCheck.verdict(input, output, need, need);
		assertTrue(v.note().startsWith("what the model removed is not only noise " +
			"in slice 2 (1 of 3 planes):"), v.note());
	}

	/**
	 * A model that changed nothing leaves only the rounding of 32-bit arithmetic,
	 * which follows the values (here: each value's last bits) and is no finding;
	 * a real change of the same pattern is.
	 */
	@Test
	void theRoundingOfAModelThatChangedNothingIsNoFinding() {
		RasterImage input = RasterImage.allocate(SIZE, SIZE, 1, 1, 1,
			PixelType.FLOAT32);
		RasterImage output = RasterImage.allocate(SIZE, SIZE, 1, 1, 1,
			PixelType.FLOAT32);
		float[] in = (float[]) input.plane(0), out = (float[]) output.plane(0);
		float[] spots = scene(0.6);
		java.util.Random random = new java.util.Random(1);
		for (int i = 0; i < in.length; i++) {
			in[i] = 3000 * random.nextFloat() - 1024;
			// the value taken to [0, 1] and back in 32-bit floats, as the pipeline
			// does: its last bits change with the value
			out[i] = (in[i] + 1024f) / 2999.0852f * 2999.0852f - 1024f;
		}
		assertTrue(ResidualCheck.negligible((float[]) Residual.of(input, output)
			.plane(0), in));
		assertNull(ResidualCheck.note(input, output));
		for (int i = 0; i < in.length; i++)
			out[i] = in[i] - 0.1f * 3000 * spots[i]; // dims the spots by 10%
		assertTrue(ResidualCheck.note(input, output) != null);
	}

	/**
	 * A 32-bit image far from zero (10000 or 1e7 plus spots of 50 and noise of
	 * 3), taken to [0, 1] and back: the rounding grows with the values'
	 * magnitude, not their range, and is still no finding.
	 */
	@Test
	void roundingFarFromZeroIsNoFinding() {
		float[] spots = scene(0.6), noise = gaussian(3, 21);
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "identity.onnx").toString(), new ModelOverrides(TaskKind.DENOISE,
				null, null, null, null, null));
		// and at 1e7, where one float step is 1
		for (double offset : new double[] { 10000, 1e7 }) {
			float[] in = new float[SIZE * SIZE];
			for (int i = 0; i < in.length; i++)
				in[i] = (float) (offset + 80 * spots[i] + noise[i]);
			RunResult same = ImageToImage.run(identity, new RasterImage(SIZE, SIZE, 1,
				1, 1, PixelType.FLOAT32, new Object[] { in }), InferenceOptions
					.defaults().withDevice(DeviceSpec.CPU, 1), ProgressListener.NONE,
				CancellationToken.none());
			assertTrue(same.report().notes().stream().noneMatch(n -> n.contains(
				"not only noise")), same.report().notes().toString());
			assertTrue(same.image().properties().get("fiji-gan.residual-check")
				.startsWith("like noise"));
		}
	}

	/**
	 * A range normalisation far wider than the data, or far from it (data near
	 * 200 taken to [0, 1] from -1e7..1e9): the trip there and back rounds on the
	 * range's scale, not the data's, and an identity model's result is still no
	 * finding.
	 */
	@Test
	void roundingOnTheScaleOfAWideNormalisationIsNoFinding() {
		float[] noise = gaussian(5, 23);
		float[] in = new float[SIZE * SIZE];
		for (int i = 0; i < in.length; i++)
			in[i] = 200 + noise[i];
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "identity.onnx").toString(), new ModelOverrides(TaskKind.DENOISE,
				null, null, null, null, null));
		for (double[] range : new double[][] { { -1000, 70000 }, { -1e7, 1e9 } }) {
			RunResult same = ImageToImage.run(identity, new RasterImage(SIZE, SIZE, 1,
				1, 1, PixelType.FLOAT32, new Object[] { in }), InferenceOptions
					.defaults().withNormalization(new Normalization.FixedRange(range[0],
						range[1])).withDevice(DeviceSpec.CPU, 1), ProgressListener.NONE,
				CancellationToken.none());
			assertTrue(same.image().properties().get("fiji-gan.residual-check")
				.startsWith("like noise"), same.report().notes().toString());
		}
	}

	/**
	 * A 32-bit image at 1e7 (one float step is 1 there) with three spots of 60
	 * and noise of 1, and a result that is flat: the spots were erased, and that
	 * is structure, as it is for the same scene at 1000. A residual of a float
	 * step or two at 1e7, all that rounding leaves there, is still negligible.
	 */
	@Test
	void spotsErasedFromDataFarFromZeroAreStructure() {
		float[] noise = gaussian(1, 41);
		for (double offset : new double[] { 1e7, 1000 }) {
			float[] in = new float[SIZE * SIZE], flat = new float[SIZE * SIZE];
			for (int y = 0; y < SIZE; y++)
				for (int x = 0; x < SIZE; x++) {
					double v = offset + noise[y * SIZE + x];
					for (int[] p : new int[][] { { 30, 30 }, { 90, 80 }, { 20, 100 } })
						v += 60 * Math.exp(-((x - p[0]) * (x - p[0]) + (y - p[1]) * (y -
							p[1])) / 8.0);
					in[y * SIZE + x] = (float) v;
				}
			Arrays.fill(flat, (float) offset);
			RasterImage input = new RasterImage(SIZE, SIZE, 1, 1, 1,
				PixelType.FLOAT32, new Object[] { in }), output = new RasterImage(SIZE,
					SIZE, 1, 1, 1, PixelType.FLOAT32, new Object[] { flat });
			assertFalse(ResidualCheck.negligible(minus(in, flat), in), "at " +
				offset);
			ResidualCheck.Verdict v = ResidualCheck.verdict(input, output);
			assertTrue(v.note() != null && v.note().startsWith(
				"what the model removed is not only noise"), "at " + offset + ": " + v
					.note());
		}
		// rounding at 1e7: each value moved by up to two float steps
		float[] in = new float[SIZE * SIZE], removed = new float[SIZE * SIZE];
		Random r = new Random(3);
		for (int i = 0; i < in.length; i++) {
			in[i] = (float) (1e7 + 100 * r.nextDouble());
			removed[i] = (r.nextInt(5) - 2) * Math.ulp(in[i]);
		}
		assertTrue(ResidualCheck.negligible(removed, in));
		removed[7] = 8 * Math.ulp(in[7]);
		assertFalse(ResidualCheck.negligible(removed, in));
	}

	/**
	 * Pure shot noise of 0.1 photons a pixel, the result its exact flat mean (the
	 * ideal denoiser): every pixel has one level, and the skew correction still
	 * holds; no plane of 20 is flagged, while an erased spot still is.
	 */
	@Test
	void lowCountShotNoiseOnAFlatResultIsNoFinding() {
		Random r = new Random(31);
		float[] flat = new float[SIZE * SIZE];
		Arrays.fill(flat, 0.1f);
		int flagged = 0;
		for (int plane = 0; plane < 20; plane++) {
			float[] counts = new float[SIZE * SIZE];
			for (int i = 0; i < counts.length; i++)
				counts[i] = poisson(r, 0.1);
			if (ResidualCheck.check(minus(counts, flat), flat, SIZE, SIZE)
				.isStructured()) flagged++;
		}
		assertEquals(0, flagged);
		float[] spot = new float[SIZE * SIZE];
		for (int i = 0; i < spot.length; i++)
			spot[i] = poisson(r, 0.1 + 20 * Math.exp(-(Math.pow(i % SIZE - 64, 2) +
				Math.pow(i / SIZE - 64, 2)) / 4.5));
		assertTrue(ResidualCheck.check(minus(spot, flat), flat, SIZE, SIZE)
			.isStructured());
	}

	/**
	 * A NaN pixel in the input (its residual NaN) is left out: the erased spots
	 * are still found, and a plane with no finite residual is not checked.
	 */
	@Test
	void aNanPixelDoesNotHideTheErasedSpots() {
		float[] noisy = plus(scene(0.6), gaussian(0.05, 7));
		noisy[40 * SIZE + 40] = Float.NaN;
		ResidualCheck.Finding f = ResidualCheck.check(minus(noisy, scene(0)), scene(
			0), SIZE, SIZE);
		assertTrue(f.isStructured(), f.toString());
		float[] nan = new float[SIZE * SIZE];
		Arrays.fill(nan, Float.NaN);
		assertEquals(0, ResidualCheck.check(nan, scene(0), SIZE, SIZE).windows());
	}

	/** A denoiser that returns 0.2 everywhere, whatever its input. */
	private ModelDescriptor levelModel() {
		return ModelLoader.load(OnnxModels.builder().input("x", "N,1,H,W")
			.initializer("zero", new float[] { 0 }).initializer("level", new float[] {
				0.2f }).node("Mul", "x,zero", "xz").node("Add", "xz,level", "y").output(
					"y", "N,1,H,W").write(dir, "level.onnx").toString(),
			new ModelOverrides(TaskKind.DENOISE, null, null, null, null, null));
	}

	/**
	 * Through the denoise pipeline: a 4x4 image has no 5x5 window, so its
	 * property says it was not checked rather than "like noise".
	 */
	@Test
	void aPlaneSmallerThanAWindowIsNotChecked() {
		ModelDescriptor level = levelModel();
		float[] tiny = new float[16];
		tiny[5] = 100;
		RunResult r = ImageToImage.run(level, new RasterImage(4, 4, 1, 1, 1,
			PixelType.FLOAT32, new Object[] { tiny }), InferenceOptions.defaults()
				.withNormalization(new Normalization.None()).withDevice(DeviceSpec.CPU,
					1), ProgressListener.NONE, CancellationToken.none());
		assertEquals(
			"not checked (too small: the check looks at windows of 5x5 pixels and more, the image is 4x4)",
			r.image().properties().get("fiji-gan.residual-check"));
	}

	/**
	 * Through the denoise pipeline: a model that blurs (5x5 mean) flattens the
	 * spots, and the result says so in its notes and properties; a model that
	 * returns the noise-free level of a flat noisy image gets no note.
	 */
	@Test
	void aDenoisedImageCarriesTheNoteWhenItsResidualHasStructure() {
		float[] box = new float[25];
		Arrays.fill(box, 1 / 25f);
		ModelDescriptor blur = ModelLoader.load(OnnxModels.builder().input("x",
			"N,1,H,W").initializer("w", box, 1, 1, 5, 5).node("Conv", "x,w", "y",
				OnnxModels.attrInts("pads", 2, 2, 2, 2)).output("y", "N,1,H,W").write(
					dir, "blur.onnx").toString(), new ModelOverrides(TaskKind.DENOISE,
						null, 2, null, null, null));
		ModelDescriptor level = levelModel();
		InferenceOptions raw = InferenceOptions.defaults().withNormalization(
			new Normalization.None()).withDevice(DeviceSpec.CPU, 1);

		RasterImage spots = new RasterImage(SIZE, SIZE, 1, 1, 1, PixelType.FLOAT32,
			new Object[] { plus(scene(0.6), gaussian(0.05, 11)) });
		RunResult blurred = ImageToImage.run(blur, spots, raw,
			ProgressListener.NONE, CancellationToken.none());
		assertTrue(blurred.report().notes().stream().anyMatch(n -> n.startsWith(
			"what the model removed is not only noise:")), blurred.report().notes()
				.toString());
		assertTrue(blurred.report().notes().contains(blurred.report()
			.residualNote()), "the report carries the note apart from the others");
		assertEquals("structure: see the note", blurred.image().properties().get(
			"fiji-gan.residual-check"));
		assertTrue(blurred.image().properties().values().stream().anyMatch(v -> v
			.startsWith("what the model removed")), "the note is a property too");

		float[] flat = new float[SIZE * SIZE];
		Arrays.fill(flat, 0.2f);
		RasterImage noise = new RasterImage(SIZE, SIZE, 1, 1, 1, PixelType.FLOAT32,
			new Object[] { plus(flat, gaussian(0.05, 12)) });
		RunResult clean = ImageToImage.run(level, noise, raw, ProgressListener.NONE,
			CancellationToken.none());
		assertTrue(clean.report().notes().stream().noneMatch(n -> n.contains(
			"not only noise")), clean.report().notes().toString());
		assertNull(clean.report().residualNote());
		assertTrue(clean.image().properties().get("fiji-gan.residual-check")
			.startsWith("like noise"));

		// an identity model on a float image of large values: the normalisation's
		// rounding, there and back, is all it removes, and no finding
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "identity.onnx").toString(), new ModelOverrides(TaskKind.DENOISE,
				null, null, null, null, null));
		java.util.Random random = new java.util.Random(1);
		float[] ct = new float[48 * 40];
		for (int i = 0; i < ct.length; i++)
			ct[i] = 3000 * random.nextFloat() - 1024;
		RunResult same = ImageToImage.run(identity, new RasterImage(48, 40, 1, 1, 1,
			PixelType.FLOAT32, new Object[] { ct }), InferenceOptions.defaults()
				.withDevice(DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
					.none());
		assertTrue(same.report().notes().stream().noneMatch(n -> n.contains(
			"not only noise")), same.report().notes().toString());
	}

	/**
	 * A perfect denoiser that also halves three spots of 200 (noise 5, so 20
	 * noise sigmas removed at each peak) on a background of 0, 10 or 100: the
	 * spots fill the brightest intensity bin, and their removed half must not
	 * count as that bin's noise; the verdict is structure whatever the
	 * background.
	 */
	@Test
	void spotsHalvedOnADarkBackgroundAreStructure() {
		int side = 64;
		Random r = new Random(7);
		float[] noise = new float[side * side], spots = new float[side * side];
		for (int i = 0; i < noise.length; i++)
			noise[i] = (float) (5 * r.nextGaussian());
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++)
				for (int[] p : new int[][] { { 12, 12 }, { 20, 40 }, { 50, 30 } })
					spots[y * side + x] += (float) (200 * Math.exp(-((x - p[0]) * (x -
						p[0]) + (y - p[1]) * (y - p[1])) / 4.5));
		for (double bg : new double[] { 0, 10, 100 }) {
			float[] in = new float[side * side], out = new float[side * side];
			for (int i = 0; i < in.length; i++) {
				in[i] = (float) (bg + spots[i] + noise[i]);
				out[i] = (float) (bg + 0.5 * spots[i]);
			}
			ResidualCheck.Verdict v = ResidualCheck.verdict(new RasterImage(side,
				side, 1, 1, 1, PixelType.FLOAT32, new Object[] { in }), new RasterImage(
					side, side, 1, 1, 1, PixelType.FLOAT32, new Object[] { out }));
			assertEquals("structure: see the note", v.property(), "background " + bg);
			ResidualCheck.Finding f = ResidualCheck.check(minus(in, out), out, side,
				side);
			assertTrue(f.maxZ() > 3 * f.threshold(), "background " + bg + ": " + f);
		}
	}

	/**
	 * One extreme value in a plane (a nodata value of -3.4e38, a hot pixel of
	 * 1e9) that the model kept, while it halved the spots everywhere else: the
	 * spots' loss is structure, not rounding measured against the extreme. A
	 * residual that is each pixel's rounding alone stays negligible beside the
	 * extreme.
	 */
	@Test
	void oneExtremeValueDoesNotHideTheRestOfThePlane() {
		float[] noisy = plus(scene(0.6), gaussian(0.05, 17)), bare = scene(0);
		for (float extreme : new float[] { -3.4e38f, 1e9f }) {
			float[] in = noisy.clone(), out = new float[in.length];
			in[5 * SIZE + 5] = extreme;
			for (int i = 0; i < in.length; i++)
				out[i] = i == 5 * SIZE + 5 ? extreme : in[i] - 0.5f * (noisy[i] -
					bare[i]);
			assertFalse(ResidualCheck.negligible(minus(in, out), in), "" + extreme);
			ResidualCheck.Verdict v = ResidualCheck.verdict(new RasterImage(SIZE,
				SIZE, 1, 1, 1, PixelType.FLOAT32, new Object[] { in }), new RasterImage(
					SIZE, SIZE, 1, 1, 1, PixelType.FLOAT32, new Object[] { out }));
			assertEquals("structure: see the note", v.property(), "" + extreme);
			float[] rounding = new float[in.length];
			for (int i = 0; i < in.length; i++)
				rounding[i] = 2 * Math.ulp(in[i]);
			assertTrue(ResidualCheck.negligible(rounding, in), "" + extreme);
		}
	}

	/**
	 * A result that is NaN everywhere leaves no finite residual: the plane is not
	 * checked, and the property says so rather than "like noise"; in a stack, the
	 * other planes are still checked and the property counts the one left.
	 */
	@Test
	void aResultOfNanAloneIsNotChecked() {
		RasterImage input = noisyStack(), output = RasterImage.allocate(SIZE, SIZE,
			1, 3, 1, PixelType.FLOAT32);
		for (int z = 0; z < 3; z++)
			Arrays.fill((float[]) output.plane(0, z, 0), Float.NaN);
		ResidualCheck.Verdict v = ResidualCheck.verdict(input, output);
		assertNull(v.note());
		assertEquals("not checked (no finite value in the residual)", v.property());
		for (int z : new int[] { 0, 2 })
			System.arraycopy(scene(0.6), 0, (float[]) output.plane(0, z, 0), 0, SIZE *
				SIZE);
		v = ResidualCheck.verdict(input, output);
		assertTrue(v.property().startsWith("like noise") && v.property().endsWith(
			"(1 of 3 planes not checked: no finite value in the residual)"), v
				.property());
	}

	/**
	 * {@code --channels 2,1,0} makes result channel k of image channel 2 - k: an
	 * identity model's result is then the input's channels reversed, and the
	 * check compared result channel k with input channel k, taking the difference
	 * of two channels for removed signal. Each result channel is now compared
	 * with the channel it was made from, and the result records them.
	 */
	@Test
	void aReorderedResultIsComparedWithTheChannelsItWasMadeFrom() {
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(3).write(
			dir, "identity3.onnx").toString(), new ModelOverrides(TaskKind.DENOISE,
				null, null, null, null, null));
		RasterImage input = RasterImage.allocate(SIZE, SIZE, 3, 1, 1,
			PixelType.FLOAT32);
		for (int c = 0; c < 3; c++)
			System.arraycopy(plus(scene(0.3 * c), gaussian(0.05, 40 + c)), 0,
				(float[]) input.plane(c, 0, 0), 0, SIZE * SIZE);
		RunResult r = ImageToImage.run(identity, input, InferenceOptions.defaults()
			.withDevice(DeviceSpec.CPU, 1).withChannelMap(new int[] { 2, 1, 0 }),
			ProgressListener.NONE, CancellationToken.none());
		assertTrue(r.report().notes().stream().noneMatch(n -> n.contains(
			ResidualCheck.NOT_ONLY_NOISE)), r.report().notes().toString());
		assertEquals("2,1,0", r.image().properties().get(
			ResidualCheck.CHANNELS_PROPERTY));
		// the reversed channels, each compared with its source, are unchanged
		ResidualCheck.Verdict v = ResidualCheck.verdict(input, r.image(),
			new int[] { 2, 1, 0 }, 0);
		assertNull(v.note());
		// a result that lost channel 0's spots is still found
		RasterImage lost = RasterImage.allocate(SIZE, SIZE, 3, 1, 1,
			PixelType.FLOAT32);
		for (int c = 0; c < 3; c++)
			System.arraycopy((float[]) input.plane(2 - c, 0, 0), 0, (float[]) lost
				.plane(c, 0, 0), 0, SIZE * SIZE);
		System.arraycopy(scene(0), 0, (float[]) lost.plane(0, 0, 0), 0, SIZE *
			SIZE);
		v = ResidualCheck.verdict(input, lost, new int[] { 2, 1, 0 }, 0);
		assertEquals("structure: see the note", v.property());
	}

	/**
	 * In a hyperstack the note names the place, as ImageJ numbers it (channel 2,
	 * slice 3), not the plane's index in the stack (plane 6 of 6).
	 */
	@Test
	void theNoteNamesTheChannelAndSliceOfAHyperstack() {
		RasterImage input = RasterImage.allocate(SIZE, SIZE, 2, 3, 1,
			PixelType.FLOAT32), output = RasterImage.allocate(SIZE, SIZE, 2, 3, 1,
				PixelType.FLOAT32);
		for (int z = 0; z < 3; z++)
			for (int c = 0; c < 2; c++) {
				System.arraycopy(plus(scene(0.6), gaussian(0.05, 10 * z + c)), 0,
					(float[]) input.plane(c, z, 0), 0, SIZE * SIZE);
				System.arraycopy(scene(c == 1 && z == 2 ? 0 : 0.6), 0, (float[]) output
					.plane(c, z, 0), 0, SIZE * SIZE);
			}
		String note = ResidualCheck.note(input, output);
		assertTrue(note != null && note.startsWith(
			"what the model removed is not only noise in channel 2, slice 3 (1 of 6 " +
				"planes):"), note);
	}

	/**
	 * A denoiser that gives 3 channels for 1 leaves no input - result: its result
	 * had no residual check and no fiji-gan.residual-check, without a word; the
	 * property and a note now say it was not checked and why.
	 */
	@Test
	void aDenoiserOfAnotherChannelCountSaysItsResultWasNotChecked() {
		ModelDescriptor oneToThree = ModelLoader.load(OnnxModels.conv3x3(1, 3, 7, 1)
			.write(dir, "one-to-three.onnx").toString(), new ModelOverrides(
				TaskKind.DENOISE, null, null, null, null, null));
		RunResult r = ImageToImage.run(oneToThree, new RasterImage(SIZE, SIZE, 1, 1,
			1, PixelType.FLOAT32, new Object[] { plus(scene(0.6), gaussian(0.05,
				3)) }), InferenceOptions.defaults().withDevice(DeviceSpec.CPU, 1),
			ProgressListener.NONE, CancellationToken.none());
		assertEquals(3, r.image().logicalChannels());
		assertEquals(
			"not checked (the model gives 3 channels for the 1 it takes: " +
				"input - result is not defined)", r.image().properties().get(
					"fiji-gan.residual-check"));
		assertTrue(r.report().notes().stream().anyMatch(n -> n.startsWith(
			"the residual check (whether what the model removed is only noise) " +
				"was not made: the model gives 3 channels for the 1 it takes")), r
					.report().notes().toString());
	}
}
