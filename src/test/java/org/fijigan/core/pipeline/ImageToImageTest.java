
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageToImageTest {

	@TempDir
	Path dir;

	static final InferenceOptions RAW = InferenceOptions.defaults()
		.withNormalization(new Normalization.None()).withDevice(DeviceSpec.CPU, 2);

	static RasterImage randomFloat(int w, int h, int c, int z, int t, long seed) {
		RasterImage img = RasterImage.allocate(w, h, c, z, t, PixelType.FLOAT32);
		Random r = new Random(seed);
		for (int i = 0; i < img.planeCount(); i++) {
			float[] p = (float[]) img.plane(i);
			for (int k = 0; k < p.length; k++)
				p[k] = r.nextFloat() * 2 - 0.5f;
		}
		return img;
	}

	static RasterImage random16(int w, int h, int c, int z, int t, long seed) {
		RasterImage img = RasterImage.allocate(w, h, c, z, t, PixelType.UINT16);
		Random r = new Random(seed);
		for (int i = 0; i < img.planeCount(); i++) {
			short[] p = (short[]) img.plane(i);
			for (int k = 0; k < p.length; k++)
				p[k] = (short) r.nextInt(65536);
		}
		return img;
	}

	ModelDescriptor load(OnnxModels.Builder b, String name) {
		return ModelLoader.load(b.write(dir, name).toString(), ModelOverrides.NONE);
	}

	/**
	 * A model whose input names its height and width with one symbol
	 * ({@code [N,1,s,s]}) is not refused a non-square image: many run on any size
	 * so declared (an element-wise one here). One that cannot (0.5 * (x + x^T))
	 * fails with ONNX Runtime's message and a sentence naming the shared size and
	 * what was fed.
	 */
	@Test
	void aModelWithOneSymbolForHeightAndWidthRunsOrSaysItMayTakeSquaresOnly() {
		RasterImage rect = randomFloat(24, 16, 1, 1, 1, 3).setTitle("rect");
		ModelDescriptor any = load(OnnxModels.builder().input("x", "N,1,s,s")
			.initializer("half", new float[] { 0.5f }).node("Mul", "x,half", "y")
			.output("y", "N,1,s,s"), "any.onnx");
		float[] in = (float[]) rect.plane(0);
		float[] out = (float[]) run(any, rect, RAW.withFloatOutput(true)).image()
			.plane(0);
		assertEquals(0.5f * in[37], out[37], 1e-6f);
		ModelDescriptor square = load(OnnxModels.builder().input("x", "N,1,s,s")
			.initializer("half", new float[] { 0.5f }).node("Transpose", "x", "t",
				OnnxModels.attrInts("perm", 0, 1, 3, 2)).node("Add", "x,t", "sum").node(
					"Mul", "sum,half", "y").output("y", "N,1,s,s"), "square.onnx");
		GanException e = assertThrows(GanException.class, () -> run(square, rect,
			RAW.withTileSize(0)));
		assertTrue(e.getMessage().startsWith("the model failed to run: "), e
			.getMessage());
		assertTrue(e.getMessage().endsWith(". Its input 'x' gives axes 2 and 3 " +
			"one size, 's', and was fed 16 and 24: the model may take square " +
			"images only (crop or pad the image to a square, or give a square " +
			"--tile)"), e.getMessage());
	}

	static RunResult run(ModelDescriptor m, RasterImage img, InferenceOptions o) {
		return ImageToImage.run(m, img, o, ProgressListener.NONE, CancellationToken
			.none());
	}

	static float maxAbsDiff(RasterImage a, RasterImage b) {
		assertEquals(a.width(), b.width());
		assertEquals(a.height(), b.height());
		assertEquals(a.planeCount(), b.planeCount());
		float max = 0;
		for (int i = 0; i < a.planeCount(); i++) {
			float[] pa = (float[]) a.plane(i), pb = (float[]) b.plane(i);
			for (int k = 0; k < pa.length; k++)
				max = Math.max(max, Math.abs(pa[k] - pb[k]));
		}
		return max;
	}

	@Test
	void tiledEqualsUntiledPixelForPixelWhenHaloCoversReceptiveField() {
		ModelDescriptor m = load(OnnxModels.conv3x3(2, 2, 5, 4), "conv4.onnx");
		assertEquals(4, m.haloPixels());
		RasterImage img = randomFloat(203, 151, 2, 1, 1, 1);
		RasterImage whole = run(m, img, RAW.withTileSize(
			InferenceOptions.NO_TILING)).image();
		RunResult tiled = run(m, img, RAW.withTileSize(40));
		assertTrue(tiled.report().tilesPerPlane() > 20, "tiles: " + tiled.report()
			.tilesPerPlane());
		assertTrue(maxAbsDiff(whole, tiled.image()) <= 1e-4f);
		// and the untiled result is not trivially equal to the input
		assertTrue(maxAbsDiff(whole, img) > 0.1f);
	}

	@Test
	void tooSmallHaloShowsSeams() {
		ModelDescriptor m = ModelOverrides.NONE.applyTo(load(OnnxModels.conv3x3(1,
			1, 5, 4), "conv4.onnx"));
		ModelDescriptor noHalo = ModelOverrides.NONE.withHaloPixels(0).applyTo(m);
		RasterImage img = randomFloat(64, 64, 1, 1, 1, 2);
		RasterImage whole = run(m, img, RAW.withTileSize(
			InferenceOptions.NO_TILING)).image();
		RasterImage seams = run(noHalo, img, RAW.withTileSize(16)).image();
		assertTrue(maxAbsDiff(whole, seams) > 1e-3f,
			"the tiling test must be able to fail");
	}

	@Test
	void superResolutionScalesSizeAndCalibrationAndTilesExactly() {
		ModelDescriptor m = load(OnnxModels.pixelShuffle(1, 2), "sr2.onnx");
		assertEquals(TaskKind.SUPER_RESOLUTION, m.task());
		assertEquals(2.0, m.scale());
		RasterImage img = randomFloat(57, 43, 1, 1, 1, 3);
		img.setCalibration(new Calibration(0.5, 0.25, 2, "um"));
		RunResult whole = run(m, img, RAW.withTileSize(InferenceOptions.NO_TILING));
		RunResult tiled = run(m, img, RAW.withTileSize(20));
		assertEquals(114, whole.image().width());
		assertEquals(86, whole.image().height());
		assertEquals(0.25, whole.image().calibration().pixelWidth());
		assertEquals(0.125, whole.image().calibration().pixelHeight());
		assertEquals(2, whole.image().calibration().pixelDepth());
		assertEquals("um", whole.image().calibration().unit());
		assertTrue(maxAbsDiff(whole.image(), tiled.image()) <= 1e-4f);
	}

	@Test
	void rawModeAddsConstantExactlyOnEveryPlaneOfAHyperstack() {
		ModelDescriptor m = load(OnnxModels.addConstant(1, 0.25f), "add.onnx");
		RasterImage img = random16(9, 7, 2, 3, 2, 4);
		RasterImage out = run(m, img, RAW).image();
		assertEquals(PixelType.FLOAT32, out.type());
		assertEquals(2, out.channels());
		assertEquals(3, out.slices());
		assertEquals(2, out.frames());
		for (int i = 0; i < img.planeCount(); i++) {
			short[] in = (short[]) img.plane(i);
			float[] o = (float[]) out.plane(i);
			for (int k = 0; k < in.length; k++)
				assertEquals((in[k] & 0xffff) + 0.25f, o[k], 0f);
		}
	}

	@Test
	void bitDepthRangeKeepsEightBitAndClips() {
		ModelDescriptor m = load(OnnxModels.addConstant(1, 0.25f), "add.onnx");
		RasterImage img = RasterImage.allocate(16, 1, 1, 1, 1, PixelType.UINT8);
		byte[] p = (byte[]) img.plane(0);
		for (int i = 0; i < 16; i++)
			p[i] = (byte) (i * 16);
		RasterImage out = run(m, img, RAW.withNormalization(
			new Normalization.BitDepthRange())).image();
		assertEquals(PixelType.UINT8, out.type());
		byte[] o = (byte[]) out.plane(0);
		for (int i = 0; i < 16; i++)
			assertEquals(Math.min(255, Math.round(i * 16 + 63.75f)), o[i] & 0xff,
				"pixel " + i);
	}

	@Test
	void identityRoundTripsEveryPixelTypeWithPercentileNormalization() {
		ModelDescriptor gray = load(OnnxModels.identity(1), "id1.onnx");
		ModelDescriptor rgb = load(OnnxModels.identity(3), "id3.onnx");
		InferenceOptions o = InferenceOptions.defaults().withDevice(DeviceSpec.CPU,
			2);
		RasterImage u16 = random16(31, 17, 1, 2, 1, 5);
		assertPlanesEqual(u16, run(gray, u16, o).image());
		RasterImage u8 = RasterImage.allocate(31, 17, 1, 1, 1, PixelType.UINT8);
		new Random(6).nextBytes((byte[]) u8.plane(0));
		assertPlanesEqual(u8, run(gray, u8, o).image());
		RasterImage color = RasterImage.allocate(31, 17, 1, 1, 1, PixelType.RGB);
		int[] c = (int[]) color.plane(0);
		Random r = new Random(7);
		for (int i = 0; i < c.length; i++)
			c[i] = 0xff000000 | r.nextInt(1 << 24);
		RunResult viaRgbModel = run(rgb, color, o);
		assertPlanesEqual(color, viaRgbModel.image());
		// a one-channel model runs per channel of an RGB image
		assertPlanesEqual(color, run(gray, color, o).image());
		RasterImage f = randomFloat(31, 17, 1, 1, 1, 8);
		RasterImage fo = run(gray, f, o).image();
		assertTrue(maxAbsDiff(f, fo) < 1e-5f);
	}

	/** y = x with its channels reversed: a model that mixes channels. */
	static OnnxModels.Builder swapChannels() {
		return OnnxModels.builder().input("x", "N,3,H,W").initializer("i",
			new long[] { 2, 1, 0 }, 3).node("Gather", "x,i", "y", OnnxModels.attrInt(
				"axis", 1)).output("y", "N,3,H,W");
	}

	/** A 13x17 RGB image of seeded colours whose red channel is halved. */
	static RasterImage redHalved() {
		RasterImage img = RasterImage.allocate(13, 17, 1, 1, 1, PixelType.RGB);
		int[] p = (int[]) img.plane(0);
		Random r = new Random(11);
		for (int i = 0; i < p.length; i++) {
			int c = r.nextInt(1 << 24);
			p[i] = 0xff000000 | (c >> 16 & 0xff) / 2 << 16 | c & 0xffff;
		}
		return img;
	}

	@Test
	void aPackagesPreprocessingIsRecordedWithItsArguments() {
		// the result's normalisation named the steps alone ("preprocessing
		// [scale_range]"), so which percentiles, over which axes, was not recorded
		RasterImage img = RasterImage.allocate(24, 20, 1, 1, 1, PixelType.UINT16);
		short[] p = (short[]) img.plane(0);
		for (int i = 0; i < p.length; i++)
			p[i] = (short) (1000 + 7 * i);
		RasterImage out = run(ModelLoader.load("denoise", ModelOverrides.NONE), img,
			InferenceOptions.defaults().withDevice(DeviceSpec.CPU, 1)).image();
		assertEquals("the model's bioimage.io preprocessing, inverted for the " +
			"output: preprocessing scale_range(per_sample [y, x] 1..99.8 eps 1.0E-6)",
			out.properties().get("fiji-gan.normalization"));
	}

	@Test
	void rgbChannelsShareOneMapThroughAModelThatMixesThem() {
		ModelDescriptor m = load(swapChannels(), "swap.onnx");
		RasterImage img = redHalved();
		// the default normalisation, percentile:1,99.8, over all three channels:
		// each channel stretched by its own percentiles and mapped back by those
		// of its position turned pixel 0, [93 247 155], into [77 247 187] rather
		// than [155 247 93]
		RunResult result = run(m, img, InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 2));
		RasterImage out = result.image();
		assertEquals(PixelType.RGB, out.type());
		int[] in = (int[]) img.plane(0), o = (int[]) out.plane(0);
		for (int i = 0; i < in.length; i++) {
			int swapped = 0xff000000 | (in[i] & 0xff) << 16 | in[i] & 0xff00 |
				in[i] >> 16 & 0xff;
			assertEquals(Integer.toHexString(swapped), Integer.toHexString(o[i]),
				"pixel " + i);
		}
		String normalization = out.properties().get("fiji-gan.normalization");
		assertTrue(normalization.startsWith(
			"percentile:1,99.8 -> [0, 1] (c1,c2,c3 jointly: "), normalization);
		assertFalse(result.report().notes().stream().anyMatch(n -> n.contains(
			"each by its own")), result.report().notes().toString());
	}

	@Test
	void rgbChannelsShareOneMapWhenAChannelMapFeedsThem() {
		ModelDescriptor m = load(OnnxModels.identity(3), "id3.onnx");
		RasterImage img = redHalved();
		// the identity fed blue, green, red gives the swapped colours back
		RasterImage out = run(m, img, InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 2).withChannelMap(new int[] { 2, 1, 0 })).image();
		int[] in = (int[]) img.plane(0), o = (int[]) out.plane(0);
		for (int i = 0; i < in.length; i++)
			assertEquals((in[i] & 0xff) << 16 | in[i] & 0xff00 | in[i] >> 16 & 0xff,
				o[i] & 0xffffff, "pixel " + i);
	}

	@Test
	void separateChannelsKeepTheirOwnMapsAndSaySoWhenFedTogether() {
		ModelDescriptor m = load(swapChannels(), "swap.onnx");
		// fluorescence-like: three 16-bit channels of different brightness
		RasterImage img = RasterImage.allocate(13, 17, 3, 1, 1, PixelType.UINT16);
		for (int c = 0; c < 3; c++) {
			short[] p = (short[]) img.plane(c);
			for (int i = 0; i < p.length; i++)
				p[i] = (short) ((c + 1) * 100 * (i % 11));
		}
		RunResult result = run(m, img, InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 2));
		// channel 1 holds 0..1000, channel 3 0..3000: output channel 1 (the
		// model's copy of input channel 3, normalised to 0..1) is mapped back by
		// channel 1's map, so 3000 comes back as 1000 (percentiles 1 and 99.8
		// of 0..1000 are 0 and 1000)
		short[] c1 = (short[]) result.image().plane(0);
		assertEquals(1000, c1[10] & 0xffff);
		assertEquals(100, c1[1] & 0xffff);
		assertTrue(result.report().notes().stream().anyMatch(n -> n.startsWith(
			"image channels 1, 2 and 3, fed together to the model, were " +
				"normalised each by its own statistics (percentile:1,99.8)")), result
					.report().notes().toString());
		// one map for all channels: the swap comes back exactly
		RasterImage ranged = run(m, img, InferenceOptions.defaults().withDevice(
			DeviceSpec.CPU, 2).withNormalization(new Normalization.BitDepthRange()))
			.image();
		assertArrayEquals((short[]) img.plane(2), (short[]) ranged.plane(0));
	}

	@Test
	void oneChannelModelNormalisesEachRgbChannelByItsOwnPercentiles() {
		ModelDescriptor m = load(OnnxModels.identity(1), "id1.onnx");
		RunResult result = run(m, redHalved(), InferenceOptions.defaults()
			.withDevice(DeviceSpec.CPU, 2));
		String normalization = result.image().properties().get(
			"fiji-gan.normalization");
		assertTrue(normalization.startsWith("percentile:1,99.8 -> [0, 1] (c1: "),
			normalization);
		assertTrue(normalization.contains("; c3: "), normalization);
	}

	static void assertPlanesEqual(RasterImage expected, RasterImage actual) {
		assertEquals(expected.type(), actual.type());
		assertEquals(expected.planeCount(), actual.planeCount());
		for (int i = 0; i < expected.planeCount(); i++) {
			Object e = expected.plane(i), a = actual.plane(i);
			if (e instanceof byte[] b) assertArrayEquals(b, (byte[]) a);
			else if (e instanceof short[] s) assertArrayEquals(s, (short[]) a);
			else if (e instanceof int[] n) assertArrayEquals(n, (int[]) a);
			else assertArrayEquals((float[]) e, (float[]) a);
		}
	}

	@Test
	void sourceImageIsNeverModified() {
		ModelDescriptor m = load(OnnxModels.addConstant(1, 0.25f), "add.onnx");
		RasterImage img = random16(20, 20, 1, 1, 1, 9);
		short[] before = ((short[]) img.plane(0)).clone();
		run(m, img, InferenceOptions.defaults().withDevice(DeviceSpec.CPU, 1));
		assertArrayEquals(before, (short[]) img.plane(0));
	}

	@Test
	void fixedInputShapeModelIsTiledAtItsShapeAndPaddedWhenTheImageIsSmaller() {
		ModelDescriptor m = load(OnnxModels.fixedShape(1, 32, 32), "fixed.onnx");
		assertTrue(m.image().isFixedSize());
		RasterImage big = randomFloat(100, 70, 1, 1, 1, 10);
		RunResult r = run(m, big, RAW);
		assertEquals(32, r.report().windowWidth());
		assertTrue(r.report().tilesPerPlane() >= 12);
		assertTrue(maxAbsDiff(big, r.image()) == 0f);
		RasterImage small = randomFloat(20, 9, 1, 1, 1, 11);
		RunResult s = run(m, small, RAW);
		assertEquals(20, s.image().width());
		assertEquals(9, s.image().height());
		assertTrue(maxAbsDiff(small, s.image()) == 0f);
	}

	/**
	 * An export without a dynamic batch axis takes exactly its batch: the last
	 * tile fills a short batch, and the result is the dynamic model's.
	 */
	@Test
	void aModelWithAFixedBatchGetsFullBatches() {
		ModelDescriptor dynamic = load(OnnxModels.conv3x3(1, 1, 5, 2),
			"dynamic.onnx");
		ModelDescriptor fixed = load(OnnxModels.conv3x3(1, 1, 5, 2).fixBatch(4),
			"fixed4.onnx");
		assertEquals(4, fixed.image().exactBatch());
		assertEquals(0, dynamic.image().exactBatch());
		RasterImage img = randomFloat(50, 37, 1, 2, 1, 12);
		RasterImage whole = run(dynamic, img, RAW.withTileSize(
			InferenceOptions.NO_TILING)).image();
		RunResult oneTile = run(fixed, img, RAW.withTileSize(
			InferenceOptions.NO_TILING));
		assertEquals(1, oneTile.report().tilesPerPlane());
		assertTrue(maxAbsDiff(whole, oneTile.image()) <= 1e-5f);
		RunResult sixTiles = run(fixed, img, RAW.withTileSize(24));
		assertEquals(6, sixTiles.report().tilesPerPlane());
		assertTrue(maxAbsDiff(whole, sixTiles.image()) <= 1e-5f);
		assertTrue(maxAbsDiff(whole, img) > 0.1f);
	}

	@Test
	void wholeImageModelRunsUntiledAndSaysSo() {
		ModelDescriptor m = load(OnnxModels.instanceNorm(1), "in.onnx");
		assertTrue(!m.isTileable());
		RasterImage img = randomFloat(300, 200, 1, 1, 1, 12);
		RunResult auto = run(m, img, RAW.withMemoryBudget(32L << 20));
		assertEquals(1, auto.report().tilesPerPlane());
		assertTrue(auto.report().notes().stream().anyMatch(n -> n.contains(
			"untiled")), auto.report().notes().toString());
		// mean 0, variance 1 over the whole image: the model really saw all of it
		float[] p = (float[]) auto.image().plane(0);
		double sum = 0;
		for (float v : p)
			sum += v;
		assertEquals(0, sum / p.length, 1e-4);
	}

	@Test
	void wrongChannelCountIsAClearError() {
		ModelDescriptor m = load(OnnxModels.identity(3), "id3.onnx");
		RasterImage two = randomFloat(8, 8, 2, 1, 1, 13);
		GanException e = assertThrows(GanException.class, () -> run(m, two, RAW));
		// the example map is one this image has (not 0,1,2), and it runs
		assertEquals("the model takes 3 channels but the image has 2: choose " +
			"channels with a channel map (e.g. --channels 0,1,1)", e.getMessage());
		RunResult mapped = run(m, two, RAW.withChannelMap(new int[] { 0, 1, 1 }));
		assertEquals(3, mapped.image().logicalChannels());
		RasterImage five = randomFloat(8, 8, 5, 1, 1, 13);
		assertEquals("the model takes 3 channels but the image has 5: choose " +
			"channels with a channel map (e.g. --channels 0,1,2)", assertThrows(
				GanException.class, () -> run(m, five, RAW)).getMessage());
	}

	@Test
	void greyImageThroughRgbModelIsAveragedBack() {
		ModelDescriptor m = load(OnnxModels.addConstant(3, 0.5f), "add3.onnx");
		RasterImage img = randomFloat(5, 5, 1, 1, 1, 14);
		RunResult r = run(m, img, RAW);
		assertEquals(1, r.image().logicalChannels());
		float[] in = (float[]) img.plane(0), out = (float[]) r.image().plane(0);
		for (int i = 0; i < in.length; i++)
			assertEquals(in[i] + 0.5f, out[i], 1e-6f);
	}

	@Test
	void providerFallbackIsReported() {
		ModelDescriptor m = load(OnnxModels.identity(1), "id.onnx");
		RunResult r = run(m, randomFloat(4, 4, 1, 1, 1, 15), RAW.withDevice(
			DeviceSpec.parse("cuda:0"), 1));
		// the CPU build of ONNX Runtime has no CUDA: the run falls back and says so
		if (!org.fijigan.core.engine.ModelSession.availableProviders().contains(
			org.fijigan.core.engine.ExecutionProvider.CUDA))
		{
			assertEquals("cpu", r.report().provider());
			assertTrue(r.report().notes().get(0).startsWith(
				"cuda is not in this ONNX Runtime build"), r.report().notes()
					.toString());
			assertEquals("cpu", r.image().properties().get("fiji-gan.provider"));
		}
	}

	@Test
	void cancelStopsBeforeTheNextTile() {
		ModelDescriptor m = load(OnnxModels.fixedShape(1, 16, 16), "fixed16.onnx"); // batch
																																								// 1
		CancellationToken token = new CancellationToken();
		int[] seen = { 0 };
		assertThrows(CancellationToken.CancelledException.class, () -> ImageToImage
			.run(m, randomFloat(64, 64, 1, 1, 1, 16), RAW, e -> {
				if (++seen[0] == 2) token.cancel();
			}, token));
		assertEquals(2, seen[0]);
	}

	@Test
	void tilesWithAHaloShortOfTheModelsReachSaySoAndAFullHaloDoesNot() {
		// two 3x3 convolutions: each output pixel sees 2 px to every side
		java.nio.file.Path file = org.fijigan.testing.OnnxModels.conv3x3(1, 1, 3, 2)
			.write(dir, "conv2.onnx");
		RasterImage img = randomFloat(40, 30, 1, 1, 1, 11);
		String note = "tiled with a 0 px halo, less than the 2 px the model's " +
			"output pixels see: the result may differ from an untiled run near the " +
			"tiles' edges; --tile none, or a --halo of 2 px or more, gives the exact " +
			"result";
		ModelDescriptor short_ = org.fijigan.core.model.ModelLoader.load(file
			.toString(), org.fijigan.core.model.ModelOverrides.NONE.withHaloPixels(
				0));
		RunResult tiled = run(short_, img, RAW.withTileSize(16));
		assertTrue(tiled.report().notes().contains(note), tiled.report().notes()
			.toString());
		// untiled, or with the halo the model needs: nothing to say
		assertFalse(run(short_, img, RAW.withTileSize(InferenceOptions.NO_TILING))
			.report().notes().stream().anyMatch(n -> n.startsWith("tiled with")));
		ModelDescriptor full = org.fijigan.core.model.ModelLoader.load(file
			.toString(), org.fijigan.core.model.ModelOverrides.NONE);
		assertFalse(run(full, img, RAW.withTileSize(16)).report().notes().stream()
			.anyMatch(n -> n.startsWith("tiled with")));
	}
}
