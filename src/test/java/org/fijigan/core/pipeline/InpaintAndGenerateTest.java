
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InpaintAndGenerateTest {

	@TempDir
	Path dir;

	static final InferenceOptions RANGE = InferenceOptions.defaults()
		.withNormalization(new Normalization.BitDepthRange()).withDevice(
			DeviceSpec.CPU, 1);

	/**
	 * A 12x10 8-bit image with values 0..119, and a mask with a 4x3 hole at (5,
	 * 4).
	 */
	static RasterImage image() {
		RasterImage img = RasterImage.allocate(12, 10, 1, 1, 1, PixelType.UINT8);
		byte[] p = (byte[]) img.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = (byte) i;
		return img;
	}

	static RasterImage mask() {
		RasterImage m = RasterImage.allocate(12, 10, 1, 1, 1, PixelType.UINT8);
		byte[] p = (byte[]) m.plane(0);
		for (int y = 4; y < 7; y++)
			for (int x = 5; x < 9; x++)
				p[y * 12 + x] = (byte) 255;
		return m;
	}

	static boolean isHole(int i) {
		int x = i % 12, y = i / 12;
		return x >= 5 && x < 9 && y >= 4 && y < 7;
	}

	ModelDescriptor inpaintModel(ModelOverrides o) {
		return ModelLoader.load(OnnxModels.inpaint(1).write(dir, "inpaint.onnx")
			.toString(), o);
	}

	@Test
	void holesAreFilledAndEverythingElseKeptExactly() {
		ModelDescriptor m = inpaintModel(ModelOverrides.NONE);
		assertEquals(TaskKind.INPAINT, m.task());
		assertEquals("mask", m.mask().inputName());
		RunResult r = Inpainter.run(m, image(), mask(), RANGE,
			ProgressListener.NONE, CancellationToken.none());
		byte[] out = (byte[]) r.image().plane(0);
		for (int i = 0; i < out.length; i++)
			assertEquals(isHole(i) ? 128 : i, out[i] & 0xff, "pixel " + i); // model
																																			// fills
																																			// 0.5 ->
																																			// 127.5
		assertEquals("12 per plane, 1 plane (12 in all)", r.image().properties()
			.get("fiji-gan.inpainted.pixels"));
		// the holes are invented outright, not detail finer than the input's
		assertEquals("pixels invented by a GAN (inpaint): every pixel inside " +
			"the holes is invented, none of it measured: do not measure inside " +
			"the holes as if observed", r.image().properties().get(
				"fiji-gan.generated"));
	}

	/**
	 * One mask for a 2-channel image fills its 12 holes in each channel, and so
	 * in each slice of a 3-slice stack: the count says so the same way (it said
	 * "12 in all" for the channels, "12 per plane" for the slices).
	 */
	@Test
	void theFilledCountNamesThePlanesAndTheTotal() {
		ModelDescriptor m = inpaintModel(ModelOverrides.NONE);
		RasterImage channels = RasterImage.allocate(12, 10, 2, 1, 1,
			PixelType.UINT8);
		RunResult r = Inpainter.run(m, channels, mask(), RANGE,
			ProgressListener.NONE, CancellationToken.none());
		assertEquals("12 per plane, 2 planes (24 in all)", r.image().properties()
			.get("fiji-gan.inpainted.pixels"));
		for (int c = 0; c < 2; c++)
			assertEquals(128, ((byte[]) r.image().plane(c, 0, 0))[4 * 12 + 5] & 0xff);

		RasterImage slices = RasterImage.allocate(12, 10, 1, 3, 1, PixelType.UINT8);
		r = Inpainter.run(m, slices, mask(), RANGE, ProgressListener.NONE,
			CancellationToken.none());
		assertEquals("12 per plane, 3 planes (36 in all)", r.image().properties()
			.get("fiji-gan.inpainted.pixels"));

		// a mask per slice: each slice its own holes, in each of 2 channels
		RasterImage perSlice = RasterImage.allocate(12, 10, 1, 3, 1,
			PixelType.UINT8);
		((byte[]) perSlice.plane(0, 1, 0))[0] = 1;
		((byte[]) perSlice.plane(0, 2, 0))[1] = 1;
		r = Inpainter.run(m, RasterImage.allocate(12, 10, 2, 3, 1, PixelType.UINT8),
			perSlice, RANGE, ProgressListener.NONE, CancellationToken.none());
		assertEquals("4 in all, over 6 planes (each slice and frame its own mask)",
			r.image().properties().get("fiji-gan.inpainted.pixels"));
	}

	/**
	 * A mask painted and saved in colour: a hole wherever it is not black, here
	 * dark red on black (it was refused as a mask of 3 channels).
	 */
	@Test
	void anRgbMaskHasItsHolesWhereItIsNotBlack() {
		RasterImage rgb = RasterImage.allocate(12, 10, 1, 1, 1, PixelType.RGB);
		int[] p = (int[]) rgb.plane(0);
		for (int i = 0; i < p.length; i++)
			if (isHole(i)) p[i] = 40 << 16;
		RunResult r = Inpainter.run(inpaintModel(ModelOverrides.NONE), image(), rgb,
			RANGE, ProgressListener.NONE, CancellationToken.none());
		byte[] out = (byte[]) r.image().plane(0);
		for (int i = 0; i < out.length; i++)
			assertEquals(isHole(i) ? 128 : i, out[i] & 0xff, "pixel " + i);
	}

	@Test
	void holeValueZeroConventionInvertsTheMaskTheModelSees() {
		ModelDescriptor m = inpaintModel(ModelOverrides.NONE.withMaskHoleValue(
			0.0));
		assertEquals(0.0, m.mask().holeValue());
		RunResult r = Inpainter.run(m, image(), mask(), RANGE.withCompositeInpaint(
			false), ProgressListener.NONE, CancellationToken.none());
		byte[] out = (byte[]) r.image().plane(0);
		// holes reach the model as 0 with the image zeroed there: output = 0 * (1 -
		// 0) = 0;
		// known pixels reach it as mask 1: output = 0.5
		for (int i = 0; i < out.length; i++)
			assertEquals(isHole(i) ? 0 : 128, out[i] & 0xff, "pixel " + i);
	}

	/**
	 * {@link #image()}'s values 0..119 as {@code type}, in {@code slices} slices,
	 * with {@code under} in every pixel that {@code holes} marks (its one plane
	 * in every slice, or each slice its own).
	 */
	static RasterImage withUnderHole(PixelType type, int slices, float under,
		RasterImage holes)
	{
		RasterImage img = RasterImage.allocate(12, 10, 1, slices, 1, type);
		float[] row = new float[12 * 10], m = new float[12 * 10];
		for (int z = 0; z < slices; z++) {
			holes.readRegion(0, holes.slices() == 1 ? 0 : z, 0, 0, 0, 12, 10, m, 0);
			for (int i = 0; i < row.length; i++)
				row[i] = m[i] != 0 ? under : i;
			img.writeRegion(0, z, 0, 0, 0, 12, 10, row, 0);
		}
		return img;
	}

	static void assertSameResult(RunResult a, RunResult b, String what) {
		for (int i = 0; i < a.image().planeCount(); i++)
			assertTrue(java.util.Objects.deepEquals(a.image().plane(i), b.image()
				.plane(i)), what + ": plane " + i + " differs");
		assertEquals(a.image().properties(), b.image().properties(), what);
		assertEquals(a.report().notes(), b.report().notes(), what);
	}

	/**
	 * The values under the holes, which the model never sees, change nothing: the
	 * normalisation's statistics leave them out, so a saturated artefact under a
	 * hole (the usual reason to inpaint) fills as a black one does: the
	 * percentiles of an 8-bit image (the default of a bare model) and a 32-bit
	 * image's minimum and maximum ({@code range}) are those of the known pixels.
	 * A bright value under the holes pulled the fill up, a dark one down.
	 */
	@Test
	void theFillDependsOnTheKnownPixelsOnly() {
		ModelDescriptor bare = inpaintModel(ModelOverrides.NONE);
		InferenceOptions cpu = InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 1);
		// 8-bit, percentiles 1-99.8 of the known pixels
		RunResult hi = Inpainter.run(bare, withUnderHole(PixelType.UINT8, 1, 255,
			mask()), mask(), cpu, ProgressListener.NONE, CancellationToken.none());
		RunResult lo = Inpainter.run(bare, withUnderHole(PixelType.UINT8, 1, 0,
			mask()), mask(), cpu, ProgressListener.NONE, CancellationToken.none());
		assertSameResult(hi, lo, "8-bit, percentiles");
		assertEquals(60, ((byte[]) hi.image().plane(0))[4 * 12 + 5] & 0xff);

		// 32-bit, --normalize range: the known pixels' 0..119, so 0.5 is 59.5
		InferenceOptions range = cpu.withNormalization(
			new Normalization.BitDepthRange());
		hi = Inpainter.run(bare, withUnderHole(PixelType.FLOAT32, 1, 1e6f, mask()),
			mask(), range, ProgressListener.NONE, CancellationToken.none());
		lo = Inpainter.run(bare, withUnderHole(PixelType.FLOAT32, 1, -1e6f, mask()),
			mask(), range, ProgressListener.NONE, CancellationToken.none());
		assertSameResult(hi, lo, "32-bit, range");
		assertEquals(59.5f, ((float[]) hi.image().plane(0))[4 * 12 + 5]);
	}

	/**
	 * Per plane as per image: a fiji-gan package's per-sample preprocessing
	 * (percentiles of each slice, inverted for the output) leaves out the holes
	 * of each slice, and a mask per slice has each slice's own holes left out (a
	 * pixel under slice 1's hole is a known pixel of slice 2).
	 */
	@Test
	void eachPlaneLeavesOutItsOwnHoles() {
		ModelDescriptor bare = inpaintModel(ModelOverrides.NONE);
		InferenceOptions cpu = InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 1);
		ModelDescriptor pkg = bare.toBuilder().processing(List.of(
			new ProcessingStep.ScaleRange("per_sample", List.of("y", "x"), 0, 100,
				1e-6, null)), List.of()).outputInInputUnits(true).build();
		RunResult hi = Inpainter.run(pkg, withUnderHole(PixelType.FLOAT32, 2, 1e6f,
			mask()), mask(), cpu, ProgressListener.NONE, CancellationToken.none());
		RunResult lo = Inpainter.run(pkg, withUnderHole(PixelType.FLOAT32, 2, -1e6f,
			mask()), mask(), cpu, ProgressListener.NONE, CancellationToken.none());
		assertSameResult(hi, lo, "a package's per-sample preprocessing");
		assertEquals(59.5f, ((float[]) hi.image().plane(1))[4 * 12 + 5], 1e-3f);

		RasterImage perSlice = RasterImage.allocate(12, 10, 1, 2, 1,
			PixelType.UINT8);
		System.arraycopy((byte[]) mask().plane(0), 0, (byte[]) perSlice.plane(0), 0,
			120);
		((byte[]) perSlice.plane(1))[119] = 1; // the value 119, slice 2's maximum
		InferenceOptions range = cpu.withNormalization(
			new Normalization.BitDepthRange());
		hi = Inpainter.run(bare, withUnderHole(PixelType.FLOAT32, 2, 1e6f,
			perSlice), perSlice, range, ProgressListener.NONE, CancellationToken
				.none());
		lo = Inpainter.run(bare, withUnderHole(PixelType.FLOAT32, 2, -1e6f,
			perSlice), perSlice, range, ProgressListener.NONE, CancellationToken
				.none());
		assertSameResult(hi, lo, "a mask per slice");
		// over both slices' known pixels: 0..119 (slice 1 has 119, slice 2 118)
		assertEquals(59.5f, ((float[]) hi.image().plane(1))[119]);
	}

	/**
	 * A bioimage.io package read as its specification says keeps the
	 * specification's statistics, of the whole tensor as bioimage.io tools take
	 * them, holes and all: its test tensors were made so.
	 */
	@Test
	void aPackageReadAsSpecifiedTakesItsStatisticsOverTheWholeTensor() {
		ModelDescriptor spec = inpaintModel(ModelOverrides.NONE).toBuilder()
			.processing(List.of(new ProcessingStep.ScaleRange("per_sample", List.of(
				"y", "x"), 0, 100, 1e-6, null)), List.of()).outputInInputUnits(false)
			.build();
		InferenceOptions cpu = InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 1).withCompositeInpaint(false);
		RunResult r = Inpainter.run(spec, withUnderHole(PixelType.FLOAT32, 1, 239,
			mask()), mask(), cpu, ProgressListener.NONE, CancellationToken.none());
		// a known pixel of 119 is (119 - 0) / 239 of the range 0..239
		assertEquals(119 / 239f, ((float[]) r.image().plane(0))[119], 1e-6f);
	}

	/**
	 * A mask that marks every pixel of a plane leaves nothing to fill from: it is
	 * refused, naming the slice of a mask per slice, before any run (it gave a
	 * made-up image).
	 */
	@Test
	void aPlaneOfHolesOnlyIsRefused() {
		ModelDescriptor m = inpaintModel(ModelOverrides.NONE);
		RasterImage all = RasterImage.allocate(12, 10, 1, 1, 1, PixelType.UINT8);
		Arrays.fill((byte[]) all.plane(0), (byte) 255);
		GanException e = assertThrows(GanException.class, () -> Inpainter.run(m,
			image(), all, RANGE, ProgressListener.NONE, CancellationToken.none()));
		assertEquals("the mask marks every pixel (120) as a hole: there is no " +
			"known pixel to fill from; leave some of the image unmasked", e
				.getMessage());

		RasterImage perSlice = RasterImage.allocate(12, 10, 1, 3, 1,
			PixelType.UINT8);
		((byte[]) perSlice.plane(0))[0] = 1;
		Arrays.fill((byte[]) perSlice.plane(1), (byte) 1);
		e = assertThrows(GanException.class, () -> Inpainter.run(m, RasterImage
			.allocate(12, 10, 1, 3, 1, PixelType.UINT8), perSlice, RANGE,
			ProgressListener.NONE, CancellationToken.none()));
		assertEquals("slice 2 of the mask marks every pixel (120) as a hole: " +
			"there is no known pixel to fill from; leave some of the image unmasked",
			e.getMessage());
	}

	/**
	 * A 32-bit plane whose pixels outside the holes are all NaN leaves nothing to
	 * fill from either: refused, naming the slice (the holes were filled from NaN
	 * fed as 0, with only a note on the NaN pixels). One finite known pixel is
	 * enough to run.
	 */
	@Test
	void aPlaneWithNoFiniteKnownPixelIsRefused() {
		ModelDescriptor m = inpaintModel(ModelOverrides.NONE);
		RasterImage mask = RasterImage.allocate(12, 10, 1, 1, 1, PixelType.UINT8);
		for (int i = 0; i < 30; i++)
			((byte[]) mask.plane(0))[i] = (byte) 255; // three rows of holes
		RasterImage image = RasterImage.allocate(12, 10, 1, 2, 1, PixelType.FLOAT32)
			.setTitle("nan.tif");
		for (int z = 0; z < 2; z++)
			Arrays.fill((float[]) image.plane(0, z, 0), 3f);
		Arrays.fill((float[]) image.plane(0, 1, 0), 30, 120, Float.NaN);
		GanException e = assertThrows(GanException.class, () -> Inpainter.run(m,
			image, mask, RANGE, ProgressListener.NONE, CancellationToken.none()));
		assertEquals("slice 2 of image nan.tif has no finite pixel outside the " +
			"mask's holes (all 90 are NaN or infinite): there is nothing to fill " +
			"the holes from", e.getMessage());

		((float[]) image.plane(0, 1, 0))[119] = 2f;
		RunResult r = Inpainter.run(m, image, mask, RANGE, ProgressListener.NONE,
			CancellationToken.none());
		assertEquals(2f, ((float[]) r.image().plane(0, 1, 0))[119]);
	}

	/**
	 * A mask with no hole gives the input as it is: a note says so, and the
	 * result claims no invented pixels (it said "pixels invented by a GAN" beside
	 * "0 per plane" filled).
	 */
	@Test
	void aMaskWithNoHoleGivesTheInputAndClaimsNothingInvented() {
		RasterImage none = RasterImage.allocate(12, 10, 1, 1, 1, PixelType.UINT8);
		RunResult r = Inpainter.run(inpaintModel(ModelOverrides.NONE), image(),
			none, RANGE, ProgressListener.NONE, CancellationToken.none());
		assertArrayEquals((byte[]) image().plane(0), (byte[]) r.image().plane(0));
		String note =
			"the mask marks no hole: nothing was filled, and the result " +
				"is the input's pixels as they are";
		assertEquals(List.of(note), r.report().notes());
		assertEquals(note, r.image().properties().get("fiji-gan.note.1"));
		assertFalse(r.image().properties().containsKey("fiji-gan.generated"), r
			.image().properties().toString());
		assertEquals("0 per plane, 1 plane (0 in all)", r.image().properties().get(
			"fiji-gan.inpainted.pixels"));
	}

	/**
	 * Not composited, every pixel is the model's output, and the result's
	 * statement says so (it spoke of the pixels inside the holes only, as if the
	 * others were observed), with holes or without.
	 */
	@Test
	void notCompositedEveryPixelIsSaidToBeTheModelsOutput() {
		ModelDescriptor m = inpaintModel(ModelOverrides.NONE);
		String modelOutput = "pixels made by a GAN (inpaint, not composited): " +
			"every pixel is the model's output, none of it the observed image";
		RunResult r = Inpainter.run(m, image(), mask(), RANGE.withCompositeInpaint(
			false), ProgressListener.NONE, CancellationToken.none());
		assertEquals(modelOutput + ", and every pixel inside the holes is " +
			"invented, none of it measured: do not measure any of it as if observed",
			r.image().properties().get("fiji-gan.generated"));

		RasterImage none = RasterImage.allocate(12, 10, 1, 1, 1, PixelType.UINT8);
		r = Inpainter.run(m, image(), none, RANGE.withCompositeInpaint(false),
			ProgressListener.NONE, CancellationToken.none());
		assertEquals(modelOutput + ": do not measure any of it as if observed", r
			.image().properties().get("fiji-gan.generated"));
		assertEquals(List.of("the mask marks no hole: nothing was filled, but " +
			"every pixel is the model's output (not composited), none the input's " +
			"own"), r.report().notes());
	}

	@Test
	void wrongSizedMaskIsRefusedBeforeAnyRun() {
		ModelDescriptor m = inpaintModel(ModelOverrides.NONE);
		RasterImage small = RasterImage.allocate(11, 10, 1, 1, 1, PixelType.UINT8);
		GanException e = assertThrows(GanException.class, () -> Inpainter.run(m,
			image(), small, RANGE, ProgressListener.NONE, CancellationToken.none()));
		assertEquals("the mask is 11x10 but the image is 12x10: they must match", e
			.getMessage());
	}

	ModelDescriptor generator(int classes) {
		return ModelLoader.load(OnnxModels.generator(8, classes, 6, 5).metadata(
			ModelLoader.META_CLASS_NAMES, classes == 3 ? "axial,coronal,sagittal"
				: "").write(dir, "g" + classes + ".onnx").toString(),
			ModelOverrides.NONE);
	}

	static RunResult generate(ModelDescriptor m, int count, long seed,
		Integer label)
	{
		return Generator.run(m, new GenerateOptions(count, seed, label, null, null,
			true, DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
				.none());
	}

	@Test
	void generatorIsDetectedAndSeedingIsReproduciblePerSample() {
		ModelDescriptor m = generator(3);
		assertEquals(TaskKind.GENERATE, m.task());
		assertEquals(8, m.generator().latentDim());
		assertEquals(3, m.generator().classCount());
		assertEquals("label", m.generator().classInput());
		RasterImage a = generate(m, 5, 42, 1).image();
		RasterImage b = generate(m, 5, 42, 1).image();
		assertEquals(5, a.slices());
		assertEquals(5, a.width());
		assertEquals(6, a.height());
		for (int i = 0; i < 5; i++)
			assertArrayEquals((float[]) a.plane(i), (float[]) b.plane(i));
		// sample 3 of the run seeded 42 is the run seeded 44 alone
		RasterImage alone = generate(m, 1, 44, 1).image();
		assertArrayEquals((float[]) a.plane(2), (float[]) alone.plane(0));
		assertFalse(Arrays.equals((float[]) a.plane(0), (float[]) a.plane(1)));
		// tanh output in [-1, 1]
		for (float v : (float[]) a.plane(0))
			assertTrue(v >= -1 && v <= 1);
		String label = a.properties().get("fiji-gan.slice.3.label");
		assertNotNull(label);
		assertTrue(label.startsWith(
			"SYNTHETIC seed=44 class=coronal model=g3 sha256="), label);
		assertTrue(a.properties().get("fiji-gan.synthetic").startsWith(
			"SYNTHETIC"));
		assertEquals(m.sha256(), a.properties().get("fiji-gan.model.sha256"));
	}

	/**
	 * The latent vectors of consecutive seeds are independent standard normal
	 * values, their first component too: {@code new Random(seed)} alone gives
	 * seeds 1-1000 first values of mean 0.9 and standard deviation 0.7.
	 */
	@Test
	void latentsOfConsecutiveSeedsAreStandardNormalInEveryComponent() {
		int n = 1000, dim = 4;
		double[][] z = new double[dim][n];
		for (int i = 0; i < n; i++) {
			float[] v = Generator.latent(1 + i, dim);
			for (int k = 0; k < dim; k++)
				z[k][i] = v[k];
		}
		for (int k = 0; k < dim; k++) {
			double mean = Arrays.stream(z[k]).average().orElseThrow();
			double var = Arrays.stream(z[k]).map(x -> (x - mean) * (x - mean)).sum() /
				n;
			double lag = 0;
			for (int i = 0; i + 1 < n; i++)
				lag += (z[k][i] - mean) * (z[k][i + 1] - mean);
			lag /= (n - 1) * var;
			// 1000 samples: standard errors 0.032 (mean, lag), 0.022 (sd)
			assertEquals(0, mean, 0.12, "component " + k);
			assertEquals(1, Math.sqrt(var), 0.09, "component " + k);
			assertEquals(0, lag, 0.12, "component " + k);
		}
	}

	/**
	 * A generator exported with a fixed batch of 4 takes 4 latents in every run:
	 * a short last batch is padded, and each sample is the dynamic model's.
	 */
	@Test
	void aGeneratorWithAFixedBatchDrawsAnyCount() {
		ModelDescriptor dynamic = generator(3);
		ModelDescriptor fixed = ModelLoader.load(OnnxModels.generator(8, 3, 6, 5)
			.fixBatch(4).write(dir, "fixed4.onnx").toString(), ModelOverrides.NONE);
		RasterImage reference = generate(dynamic, 6, 42, 2).image();
		for (int count : new int[] { 1, 3, 6 }) {
			RasterImage drawn = generate(fixed, count, 42, 2).image();
			assertEquals(count, drawn.slices());
			for (int i = 0; i < count; i++)
				assertArrayEquals((float[]) reference.plane(i), (float[]) drawn.plane(
					i), count + " images, sample " + i);
		}
	}

	@Test
	void classChangesTheImageAndOutOfRangeClassIsRefused() {
		ModelDescriptor m = generator(3);
		RasterImage c0 = generate(m, 1, 7, 0).image();
		RasterImage c2 = generate(m, 1, 7, 2).image();
		assertFalse(Arrays.equals((float[]) c0.plane(0), (float[]) c2.plane(0)));
		GanException e = assertThrows(GanException.class, () -> generate(m, 1, 7,
			3));
		assertTrue(e.getMessage().startsWith(
			"class 3 is out of range: the model has classes 0..2"), e.getMessage());
	}

	@Test
	void eightBitOutputMapsTheTanhRange() {
		ModelDescriptor m = generator(0);
		RunResult f = generate(m, 2, 1, null);
		RunResult u8 = Generator.run(m, new GenerateOptions(2, 1, null, null, null,
			false, DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
				.none());
		float[] v = (float[]) f.image().plane(1);
		byte[] b = (byte[]) u8.image().plane(1);
		for (int i = 0; i < v.length; i++)
			assertEquals(Math.round((v[i] + 1) * 127.5f), b[i] & 0xff, 1);
	}

	@Test
	void latentFileOfTheWrongLengthIsRefused() {
		ModelDescriptor m = generator(0);
		GanException e = assertThrows(GanException.class, () -> Generator.run(m,
			new GenerateOptions(1, 0, null, null, new float[][] { new float[7] },
				true, DeviceSpec.CPU, 1), ProgressListener.NONE, CancellationToken
					.none()));
		assertEquals("the latent file has vectors of length 7; the model takes 8", e
			.getMessage());
	}

	/**
	 * Without a class count (the label goes through an Add before its table), the
	 * classes cannot be taken in turn: a run without a class is refused rather
	 * than drawing class 0 throughout; a named class runs.
	 */
	@Test
	void classesInTurnNeedAKnownClassCount() {
		ModelDescriptor m = ModelLoader.load(OnnxModels.builder().input("z", "N,4")
			.input("label", OnnxModels.INT64, "N").initializer("E", new float[3 * 4],
				3, 4).initializer("zero", new long[] { 0 }, 1).node("Add", "label,zero",
					"index").node("Gather", "E,index", "embedded").node("Add",
						"z,embedded", "sum").constant("shape", new long[] { -1, 1, 2, 2 },
							4).node("Reshape", "sum,shape", "image").output("image",
								"N,1,2,2").write(dir, "hidden.onnx").toString(),
			ModelOverrides.NONE);
		assertEquals(0, m.generator().classCount());
		GanException e = assertThrows(GanException.class, () -> generate(m, 3, 0,
			null));
		assertEquals(
			"the model does not say how many classes it has; generate each with --class K --count N",
			e.getMessage());
		assertEquals(3, generate(m, 3, 0, 2).image().planeCount());
	}
}
