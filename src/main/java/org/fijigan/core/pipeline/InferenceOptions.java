
package org.fijigan.core.pipeline;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ThreadCount;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.tiling.TilingRequest;

/**
 * How to run an image-to-image or inpainting model on one image.
 *
 * @param normalization raw-to-model value mapping; null to use the model's
 *          descriptor, or the default percentile normalisation when it has none
 * @param tileSize {@link #AUTO_TILE} for a window sized from
 *          {@code memoryBudgetBytes}, {@link #NO_TILING} for one window over
 *          the whole plane, or the model input window in pixels (halo included)
 * @param memoryBudgetBytes working memory a tile batch may use inside ONNX
 *          Runtime (estimate)
 * @param floatOutput write 32-bit float output instead of the input's bit depth
 * @param device execution provider to ask for
 * @param threads intra-op threads: 0 for one per core, else at most
 *          {@link ThreadCount#max()}
 * @param channelMap image channel fed to each model channel (e.g. {0,0,0} feeds
 *          a grey image to an RGB model), or null to decide automatically
 * @param compositeInpaint for inpainting: keep the original pixels outside the
 *          holes, so only the holes are invented
 * @param nonFinite what NaN and infinite model outputs become in an integer
 *          result (a float result keeps them), and NaN mask pixels
 */
public record InferenceOptions(Normalization normalization, int tileSize,
		long memoryBudgetBytes, boolean floatOutput, DeviceSpec device, int threads,
		int[] channelMap, boolean compositeInpaint, NonFinite nonFinite) {

	public static final int AUTO_TILE = TilingRequest.AUTO_WINDOW;
	public static final int NO_TILING = TilingRequest.WHOLE_PLANE;
	public static final long DEFAULT_MEMORY_BUDGET = 1L << 30;

	public InferenceOptions {
		if (tileSize < NO_TILING) throw new GanException(
			"tile size must be positive, 'auto' or 'none'");
		if (memoryBudgetBytes < (1 << 20)) throw new GanException(
			"memory budget must be at least 1 MiB");
		if (device == null) device = DeviceSpec.AUTO;
		ThreadCount.check(threads);
		channelMap = channelMap == null ? null : channelMap.clone();
		if (nonFinite == null) nonFinite = NonFinite.FAIL;
	}

	/** Options that refuse NaN and infinite outputs in an integer result. */
	public InferenceOptions(Normalization normalization, int tileSize,
		long memoryBudgetBytes, boolean floatOutput, DeviceSpec device, int threads,
		int[] channelMap, boolean compositeInpaint)
	{
		this(normalization, tileSize, memoryBudgetBytes, floatOutput, device,
			threads, channelMap, compositeInpaint, NonFinite.FAIL);
	}

	public static InferenceOptions defaults() {
		return new InferenceOptions(null, AUTO_TILE, DEFAULT_MEMORY_BUDGET, false,
			DeviceSpec.AUTO, 0, null, true);
	}

	public InferenceOptions withNormalization(Normalization n) {
		return new InferenceOptions(n, tileSize, memoryBudgetBytes, floatOutput,
			device, threads, channelMap, compositeInpaint, nonFinite);
	}

	public InferenceOptions withTileSize(int t) {
		return new InferenceOptions(normalization, t, memoryBudgetBytes,
			floatOutput, device, threads, channelMap, compositeInpaint, nonFinite);
	}

	public InferenceOptions withMemoryBudget(long bytes) {
		return new InferenceOptions(normalization, tileSize, bytes, floatOutput,
			device, threads, channelMap, compositeInpaint, nonFinite);
	}

	public InferenceOptions withFloatOutput(boolean f) {
		return new InferenceOptions(normalization, tileSize, memoryBudgetBytes, f,
			device, threads, channelMap, compositeInpaint, nonFinite);
	}

	public InferenceOptions withDevice(DeviceSpec d, int nThreads) {
		return new InferenceOptions(normalization, tileSize, memoryBudgetBytes,
			floatOutput, d, nThreads, channelMap, compositeInpaint, nonFinite);
	}

	public InferenceOptions withChannelMap(int[] map) {
		return new InferenceOptions(normalization, tileSize, memoryBudgetBytes,
			floatOutput, device, threads, map, compositeInpaint, nonFinite);
	}

	public InferenceOptions withCompositeInpaint(boolean c) {
		return new InferenceOptions(normalization, tileSize, memoryBudgetBytes,
			floatOutput, device, threads, channelMap, c, nonFinite);
	}

	public InferenceOptions withNonFinite(NonFinite n) {
		return new InferenceOptions(normalization, tileSize, memoryBudgetBytes,
			floatOutput, device, threads, channelMap, compositeInpaint, n);
	}

	/** Parses {@code auto}, {@code none} or a positive number of pixels. */
	public static int parseTileSize(String text) {
		String s = text.trim().toLowerCase(java.util.Locale.ROOT);
		if (s.equals("auto")) return AUTO_TILE;
		if (s.equals("none") || s.equals("off")) return NO_TILING;
		try {
			int n = Integer.parseInt(s);
			if (n > 0) return n;
		}
		catch (NumberFormatException e) {
			// below
		}
		throw new GanException("tile size '" + text +
			"' must be auto, none or a positive number of pixels");
	}
}
