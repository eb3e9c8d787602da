
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OrtException;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images at the edges of what the engine takes (no pixels, one pixel, smaller
 * than a fixed model input, too large for the heap, NaN pixels), and the
 * out-of-memory fallback: a plane that runs out of memory inside ONNX Runtime
 * is run again with windows half as wide, CSBDeep-style, the failure injected
 * through {@link PlaneRunner.TileRun} for windows above a size.
 */
class BadImagesAndOutOfMemoryTest {

	@TempDir
	Path dir;

	static final InferenceOptions RAW = InferenceOptions.defaults()
		.withNormalization(new Normalization.None()).withDevice(DeviceSpec.CPU, 1);

	ModelDescriptor load(OnnxModels.Builder b, String name) {
		return ModelLoader.load(b.write(dir, name).toString(), ModelOverrides.NONE);
	}

	/** What ONNX Runtime's CPU allocator says when an allocation fails. */
	static GanException ortOutOfMemory(long bytes) {
		OrtException ort = new OrtException(
			"Error code - ORT_RUNTIME_EXCEPTION - message: " +
				"Failed to allocate memory for requested buffer of size " + bytes);
		return new GanException("the model failed to run: " + ort.getMessage(),
			ort);
	}

	/**
	 * Records the window of every tile batch; throws {@link #ortOutOfMemory}
	 * above {@code maxSide}.
	 */
	static final class FailAbove implements PlaneRunner.TileRun {

		final int maxSide;
		final List<String> windows = new ArrayList<>();

		FailAbove(int maxSide) {
			this.maxSide = maxSide;
		}

		@Override
		public Tensor run(ModelSession session, Map<String, Tensor> feeds,
			String output, CancellationToken cancel)
		{
			long[] shape = feeds.values().iterator().next().shape();
			int h = (int) shape[2], w = (int) shape[3];
			windows.add(w + "x" + h);
			if (Math.max(w, h) > maxSide) throw ortOutOfMemory(4L * shape[0] *
				shape[1] * w * h * 64);
			return PlaneRunner.ORT.run(session, feeds, output, cancel);
		}
	}

	static RunResult execute(ModelDescriptor m, RasterImage img,
		InferenceOptions o, PlaneRunner.TileRun tileRun)
	{
		return ImageToImage.execute(m, img, null, o, ProgressListener.NONE,
			CancellationToken.none(), tileRun);
	}

	static RasterImage floatImage(int w, int h, float... values) {
		return new RasterImage(w, h, 1, 1, 1, PixelType.FLOAT32, new Object[] {
			values });
	}

	/**
	 * The model run directly on one {@code [1,1,h,w]} tensor, no tiling, no
	 * normalisation.
	 */
	static float[] direct(ModelDescriptor m, float[] input, int w, int h) {
		try (ModelSession s = ModelSession.open(m.onnxFile(), DeviceSpec.CPU, 1)) {
			return PlaneRunner.ORT.run(s, Map.of(m.image().name(), Tensor.of(input, 1,
				1, h, w)), m.outputName(), CancellationToken.none()).floats();
		}
	}

	@Test
	void anImageWithoutPixelsIsRefused() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> RasterImage.allocate(0, 0, 1, 1, 1, PixelType.UINT8));
		assertEquals("image is 0x0 pixels: it needs at least one pixel", e
			.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> new RasterImage(5, 0,
			1, 1, 1, PixelType.FLOAT32, new Object[] { new float[0] }));
		assertEquals("image is 5x0 pixels: it needs at least one pixel", e
			.getMessage());
	}

	@Test
	void valuesSpanningMoreThanAFloatHoldsAreRefusedNotMappedToInfinity() {
		ModelDescriptor m = load(OnnxModels.identity(1), "id.onnx");
		RasterImage wide = floatImage(3, 1, -3e38f, 0, 3e38f);
		GanException e = assertThrows(GanException.class, () -> ImageToImageTest
			.run(m, wide, InferenceOptions.defaults().withNormalization(
				new Normalization.BitDepthRange()).withDevice(DeviceSpec.CPU, 1)));
		assertEquals("the image's values span -3.000e+38..3.000e+38 (range), " +
			"wider than 32-bit floats hold (3.403e+38): give a narrower one with " +
			"--normalize range:MIN,MAX", e.getMessage());
		// half as wide maps back exactly where it can
		RunResult r = ImageToImageTest.run(m, floatImage(3, 1, -1.5e38f, 0,
			1.5e38f), InferenceOptions.defaults().withNormalization(
				new Normalization.BitDepthRange()).withDevice(DeviceSpec.CPU, 1));
		float[] out = (float[]) r.image().plane(0);
		assertEquals(1.5e38f, out[2], 1e32f);
		assertEquals(-1.5e38f, out[0], 1e32f);
	}

	/**
	 * Values too small for a 32-bit scale to stretch to the model's range (of the
	 * order of 1e-40, below the smallest normal float) are refused; every pixel
	 * came back one value, without a word.
	 */
	@Test
	void valuesSpanningLessThanAFloatScaleReachesAreRefusedNotFlattened() {
		ModelDescriptor m = load(OnnxModels.identity(1), "id.onnx");
		InferenceOptions range = InferenceOptions.defaults().withNormalization(
			new Normalization.BitDepthRange()).withDevice(DeviceSpec.CPU, 1);
		GanException e = assertThrows(GanException.class, () -> ImageToImageTest
			.run(m, floatImage(3, 1, 0, 5e-41f, 1e-40f), range));
		assertEquals("the image's values span 0..1.000e-40 (range), narrower " +
			"than 32-bit floats map to the model's input range (a scale of " +
			"1.000e+40, beyond 3.403e+38): multiply the image by a power of ten " +
			"first, or give a wider span with --normalize range:MIN,MAX", e
				.getMessage());
		// values up to 1e-38 map back to float precision
		float[] out = (float[]) ImageToImageTest.run(m, floatImage(3, 1, 0, 5e-39f,
			1e-38f), range).image().plane(0);
		assertEquals(5e-39f, out[1], 1e-44f);
		assertEquals(1e-38f, out[2], 1e-44f);
		// a flat image whose widened span is lost to rounding (1e16 + 1 == 1e16)
		// is no narrow span: it comes back as the constant
		float[] flat = (float[]) ImageToImageTest.run(m, floatImage(3, 1, 1e16f,
			1e16f, 1e16f), range).image().plane(0);
		assertArrayEquals(new float[] { 1e16f, 1e16f, 1e16f }, flat);
	}

	@Test
	void onePixelThroughAConvolutionGivesWhatTheModelGivesOnOnePixel() {
		ModelDescriptor m = load(OnnxModels.conv3x3(1, 1, 5, 2), "conv.onnx");
		RunResult r = ImageToImageTest.run(m, floatImage(1, 1, 0.7f), RAW);
		float[] out = (float[]) r.image().plane(0);
		assertEquals(1, r.image().width());
		assertEquals(1, r.image().height());
		assertTrue(Float.isFinite(out[0]));
		assertEquals(direct(m, new float[] { 0.7f }, 1, 1)[0], out[0], 1e-6f);
	}

	@Test
	void onePixelThroughAPixelShuffleModelGivesTwoByTwo() {
		ModelDescriptor m = load(OnnxModels.pixelShuffle(1, 2), "sr.onnx");
		RasterImage in = new RasterImage(1, 1, 1, 1, 1, PixelType.UINT8,
			new Object[] { new byte[] { (byte) 200 } });
		RunResult r = ImageToImageTest.run(m, in, InferenceOptions.defaults()
			.withNormalization(new Normalization.BitDepthRange()).withDevice(
				DeviceSpec.CPU, 1));
		assertEquals(2, r.image().width());
		assertEquals(2, r.image().height());
		assertEquals(PixelType.UINT8, r.image().type());
		float[] expected = direct(m, new float[] { 200 / 255f }, 1, 1);
		byte[] out = (byte[]) r.image().plane(0);
		for (int i = 0; i < 4; i++) // back from [0,1] to 0..255, rounded and
																// clipped
			assertEquals(Math.max(0, Math.min(255, Math.round(expected[i] * 255))),
				out[i] & 0xff, 1, "pixel " + i);
	}

	@Test
	void anImageSmallerThanAFixedInputIsMirroredUpToItAndCroppedBack() {
		ModelDescriptor m = load(OnnxModels.fixedShape(1, 8, 8), "fixed.onnx");
		float[] pixels = new float[5 * 3];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = i + 1;
		FailAbove record = new FailAbove(Integer.MAX_VALUE);
		float[][] seen = new float[1][];
		PlaneRunner.TileRun spy = (s, feeds, output, cancel) -> {
			seen[0] = feeds.get("x").floats();
			return record.run(s, feeds, output, cancel);
		};
		RunResult r = execute(m, floatImage(5, 3, pixels), RAW, spy);

		assertEquals(List.of("8x8"), record.windows);
		assertArrayEquals(pixels, (float[]) r.image().plane(0)); // identity model:
																															// cropped back
																															// exactly
		assertEquals(5, r.image().width());
		// mirrored without repeating the edge: columns 0 1 2 3 4 3 2 1, rows 0 1 2
		// 1 0 1 2 1
		int[] col = { 0, 1, 2, 3, 4, 3, 2, 1 }, row = { 0, 1, 2, 1, 0, 1, 2, 1 };
		for (int y = 0; y < 8; y++)
			for (int x = 0; x < 8; x++)
				assertEquals(pixels[row[y] * 5 + col[x]], seen[0][y * 8 + x],
					"window " + x + "," + y);
		assertTrue(r.report().notes().contains(
			"image padded by mirroring to 8x8 px, the model's fixed input size"), r
				.report().notes().toString());
	}

	@Test
	void anImageTooLargeForTheHeapIsRefusedBeforeAnythingIsAllocated() {
		ModelDescriptor m = load(OnnxModels.identity(1), "id.onnx");
		byte[] shared = new byte[4096 * 4096]; // every slice is this one array: 16
																						// MiB in all
		long heap = Runtime.getRuntime().maxMemory();
		int slices = (int) (heap / shared.length) + 2;
		Object[] planes = new Object[slices];
		Arrays.fill(planes, shared);
		RasterImage huge = new RasterImage(4096, 4096, 1, slices, 1,
			PixelType.UINT8, planes);

		long start = System.nanoTime();
		GanException e = assertThrows(GanException.class, () -> ImageToImageTest
			.run(m, huge, InferenceOptions.defaults().withNormalization(
				new Normalization.BitDepthRange()).withDevice(DeviceSpec.CPU, 1)));
		double seconds = (System.nanoTime() - start) / 1e9;

		String msg = e.getMessage();
		assertTrue(msg.startsWith(
			"not enough Java memory: the result (4096x4096 px x " + slices +
				" planes, uint8) needs " + ImageToImage.bytes((long) slices << 24) +
				" and the tiles ("), msg);
		assertTrue(msg.contains(
			"maximum is free: give Java more (JAVA_OPTS=-Xmx") && msg.contains(
				"use smaller tiles (--tile)"), msg);
		assertTrue(seconds < 10, "refused after " + seconds + " s");
	}

	@Test
	void nanAndInfinitePixelsAreCountedInTheResultsNotes() {
		ModelDescriptor m = load(OnnxModels.identity(1), "id.onnx");
		float[] p = new float[6 * 4];
		for (int i = 0; i < p.length; i++)
			p[i] = i;
		p[3] = Float.NaN;
		p[7] = Float.POSITIVE_INFINITY;
		p[20] = Float.NEGATIVE_INFINITY;
		RunResult r = ImageToImageTest.run(m, floatImage(6, 4, p), InferenceOptions
			.defaults().withDevice(DeviceSpec.CPU, 1));
		String note =
			"3 NaN/infinite input pixels were ignored by the normalisation and fed to the " +
				"model as 0";
		assertTrue(r.report().notes().contains(note), r.report().notes()
			.toString());
		float[] none = new float[6 * 4];
		Arrays.fill(none, Float.NaN);
		none[5] = Float.NEGATIVE_INFINITY;
		RasterImage holes = floatImage(6, 4, none).setTitle("holes");
		GanException e = assertThrows(GanException.class, () -> ImageToImageTest
			.run(m, holes, InferenceOptions.defaults().withDevice(DeviceSpec.CPU,
				1)));
		assertEquals("image holes has no finite pixel (all 24 are NaN or " +
			"infinite): there is nothing to process", e.getMessage());
		assertTrue(r.image().properties().containsValue(note), r.image()
			.properties().toString());
		for (float v : (float[]) r.image().plane(0))
			assertTrue(Float.isFinite(v));
	}

	@Test
	void
		outOfMemoryInOnnxRuntimeRetriesThePlaneWithHalfTheWindowAndGivesTheSameResult()
	{
		ModelDescriptor m = load(OnnxModels.conv3x3(1, 1, 3, 2), "conv2.onnx");
		assertEquals(2, m.haloPixels());
		RasterImage img = ImageToImageTest.randomFloat(100, 90, 1, 2, 1, 4);
		RunResult normal = ImageToImageTest.run(m, img, RAW.withTileSize(
			InferenceOptions.NO_TILING));

		FailAbove failAbove32 = new FailAbove(32);
		RunResult r = execute(m, img, RAW.withTileSize(64), failAbove32);

		// slice 0: 64x64 fails, 32x32 runs; slice 1 keeps the smaller window
		assertEquals("64x64", failAbove32.windows.get(0));
		assertEquals(List.of("64x64", "32x32"), failAbove32.windows.stream()
			.distinct().toList());
		assertEquals(1, failAbove32.windows.stream().filter("64x64"::equals)
			.count());
		assertEquals(0f, ImageToImageTest.maxAbsDiff(normal.image(), r.image()),
			1e-5f);
		assertEquals(32, r.report().windowWidth());
		assertTrue(r.report().notes().contains(
			"out of memory in ONNX Runtime: tiles 64x64, then " +
				"32x32 px were tried; the result used 32x32"), r.report().notes()
					.toString());
	}

	@Test
	void outOfMemoryAtTheSmallestWindowEndsInOneErrorNamingTheSizesTried() {
		ModelDescriptor m = load(OnnxModels.conv3x3(1, 1, 3, 2), "conv2.onnx");
		RasterImage img = ImageToImageTest.randomFloat(100, 90, 1, 1, 1, 4);
		FailAbove failAlways = new FailAbove(0);

		GanException e = assertThrows(GanException.class, () -> execute(m, img, RAW
			.withTileSize(80), failAlways));

		// halo 2: the smallest window is 20 px, so 80 -> 40 -> 20, and 10 is not
		// tried
		assertEquals(List.of("80x80", "40x40", "20x20"), failAlways.windows.stream()
			.distinct().toList());
		assertTrue(e.getMessage().startsWith(
			"out of memory in ONNX Runtime with tiles of 80x80, then " +
				"40x40, then 20x20 px"), e.getMessage());
		assertTrue(e.getMessage().contains("--device cpu"), e.getMessage());
	}

	@Test
	void aFixedInputModelCannotShrinkItsTilesAndSaysSo() {
		ModelDescriptor m = load(OnnxModels.fixedShape(1, 16, 16), "fixed16.onnx");
		FailAbove failAlways = new FailAbove(0);
		GanException e = assertThrows(GanException.class, () -> execute(m,
			ImageToImageTest.randomFloat(40, 40, 1, 1, 1, 1), RAW, failAlways));
		assertTrue(e.getMessage().startsWith(
			"out of memory in ONNX Runtime with tiles of 16x16 px"), e.getMessage());
	}

	/** A tile run that fails the test: the model must not run at all. */
	static final PlaneRunner.TileRun NEVER = (session, feeds, output,
		cancel) -> fail("the model ran");

	/**
	 * A model exported with a fixed batch of a million tiles ran for a minute on
	 * a 40x40 image (ONNX Runtime ran out of memory and smaller tiles were
	 * tried), and on 128x128 was told to use a smaller --tile; a fixed input of a
	 * million channels too. The model's own shape is named as the cause before
	 * anything runs.
	 */
	@Test
	void aFixedBatchOrShapeTooLargeToRunIsNamedBeforeRunning() {
		ModelDescriptor batch = load(OnnxModels.builder().input("x",
			"1000000,1,H,W").node("Identity", "x", "y").output("y", "1000000,1,H,W"),
			"bigbatch.onnx");
		GanException e = assertThrows(GanException.class, () -> execute(batch,
			ImageToImageTest.randomFloat(128, 128, 1, 1, 1, 1), RAW, NEVER));
		assertEquals("model bigbatch takes a fixed batch of 1000000 tiles ('x' " +
			"[1000000,1,H,W]): one batch of 1000000 x 1 channel x 128x128 px needs " +
			"61.0 GiB in and 61.0 GiB out, beyond the 2^31 values one tensor can " +
			"hold; the batch is the model's, so --tile cannot make it fit: export " +
			"the model again with a dynamic batch axis", e.getMessage());
		// 1.6e9 values fit an array, but not the tests' 4 GiB heap
		e = assertThrows(GanException.class, () -> execute(batch, ImageToImageTest
			.randomFloat(40, 40, 1, 1, 1, 1), RAW, NEVER));
		assertTrue(e.getMessage().startsWith("model bigbatch takes a fixed batch " +
			"of 1000000 tiles ('x' [1000000,1,H,W]): one batch of 1000000 x 1 " +
			"channel x 40x40 px needs 6.0 GiB in and 6.0 GiB out, but only "), e
				.getMessage());
		assertTrue(e.getMessage().endsWith("--tile cannot make it fit: export " +
			"the model again with a dynamic batch axis"), e.getMessage());

		ModelDescriptor channels = load(OnnxModels.builder().input("x",
			"1,1048576,64,64").node("Identity", "x", "y").output("y",
				"1,1048576,64,64"), "bigchan.onnx");
		e = assertThrows(GanException.class, () -> execute(channels,
			ImageToImageTest.randomFloat(64, 64, 1, 1, 1, 1), RAW, NEVER));
		assertEquals("model bigchan takes a fixed input ('x' [1,1048576,64,64]): " +
			"one run of 1048576 channels x 64x64 px needs 16.0 GiB in and 16.0 GiB " +
			"out, beyond the 2^31 values one tensor can hold; --tile cannot change " +
			"a fixed input: export the model again with fewer channels or dynamic " +
			"sizes", e.getMessage());
	}

	/**
	 * Four axes of 2^20 each are within the bound on one axis, but their 2^80
	 * values wrapped a long to 0: the check passed and the run failed with an
	 * index out of bounds. The sizes saturate instead.
	 */
	@Test
	void aFixedShapeWhoseSizeOverflowsALongIsRefused() {
		String huge = "1048576,1048576,1048576,1048576";
		ModelDescriptor m = load(OnnxModels.builder().input("x", huge).node(
			"Identity", "x", "y").output("y", huge), "huge4.onnx");
		GanException e = assertThrows(GanException.class, () -> execute(m,
			ImageToImageTest.randomFloat(16, 16, 1, 1, 1, 1), RAW, NEVER));
		assertEquals("model huge4 takes a fixed batch of 1048576 tiles ('x' [" +
			huge + "]): one batch of 1048576 x 1048576 channels x 1048576x1048576 " +
			"px needs more than 8388608.0 TiB in and more than 8388608.0 TiB out, " +
			"beyond the 2^31 values one tensor can hold; the batch is the model's, " +
			"so --tile cannot make it fit: export the model again with a dynamic " +
			"batch axis", e.getMessage());
	}

	@Test
	void otherFailuresAreNotRetried() {
		ModelDescriptor m = load(OnnxModels.conv3x3(1, 1, 3, 2), "conv2.onnx");
		GanException other = new GanException(
			"the model failed to run: Non-zero status code");
		int[] calls = { 0 };
		GanException e = assertThrows(GanException.class, () -> execute(m,
			ImageToImageTest.randomFloat(50, 50, 1, 1, 1, 2), RAW.withTileSize(32), (
				s, f, o, c) -> {
				calls[0]++;
				throw other;
			}));
		assertSame(other, e);
		assertEquals(1, calls[0]);
	}

	@Test
	void outOfMemoryIsRecognisedFromEachProvidersWords() {
		assertTrue(ImageToImage.isOutOfMemory(ortOutOfMemory(1 << 30)));
		assertTrue(ImageToImage.isOutOfMemory(new GanException("x",
			new RuntimeException("std::bad_alloc"))));
		assertTrue(ImageToImage.isOutOfMemory(new GanException(
			"CUDA failure 2: out of memory")));
		assertTrue(ImageToImage.isOutOfMemory(new GanException(
			"CUDNN_STATUS_ALLOC_FAILED")));
		assertTrue(ImageToImage.isOutOfMemory(new OutOfMemoryError(
			"Direct buffer memory")));
		assertFalse(ImageToImage.isOutOfMemory(new GanException(
			"a tile width of 8 px leaves no room " + "inside a halo of 4 px")));
		assertFalse(ImageToImage.isOutOfMemory(new GanException(
			"the model failed to run: shape " + "mismatch")));
	}
}
