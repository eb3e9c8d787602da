
package org.fijigan.core.pipeline;

import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.StageTimings;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.tiling.AxisTile;
import org.fijigan.core.tiling.Tile;
import org.fijigan.core.tiling.TilePlan;
import org.fijigan.core.tiling.TilePlanner;

/**
 * Runs the tiles of one plane and channel group through the model and writes
 * the kept part of each output tile into the result. Works on one window-sized
 * buffer per tile: no float copy of the whole image is ever made. Not
 * thread-safe; one instance per run.
 */
final class PlaneRunner {

	/**
	 * Image channels fed to the model's channels, and where the output goes.
	 *
	 * @param source image channel for each model input channel
	 * @param firstTarget result channel of output channel 0
	 * @param average whether the output channels are averaged into one result
	 *          channel (a grey image through an RGB model)
	 */
	record ChannelGroup(int[] source, int firstTarget, boolean average) {
	}

	/**
	 * Runs one tile batch through the session and returns the named output. The
	 * default is {@link #ORT}; a test puts a wrapper here to inject failures (an
	 * out-of-memory error for large windows) or to record the windows it sees.
	 */
	@FunctionalInterface
	interface TileRun {

		Tensor run(ModelSession session, Map<String, Tensor> feeds, String output,
			CancellationToken cancel);
	}

	/** The plain run: {@link ModelSession#run}. */
	static final TileRun ORT = (session, feeds, output, cancel) -> session.run(
		feeds, List.of(output), cancel).get(output);

	private final ModelDescriptor model;
	private final ModelSession session;
	private final ValueMapping values;
	private final TilePlan plan;
	private final int batch;
	private final CancellationToken cancel;
	private final Runnable tileDone;
	private final RasterImage source;
	private final RasterImage mask;
	private final RasterImage target;
	private final boolean composite;
	private final int outChannels;
	private final TileRun tileRun;
	private final NonFinite nonFinitePolicy;
	private final StageTimings timings = new StageTimings();
	private long nonFinite;
	private long clipped;

	PlaneRunner(ModelDescriptor model, ModelSession session, ValueMapping values,
		TilePlan plan, int batch, RasterImage source, RasterImage mask,
		RasterImage target, boolean composite, int outChannels,
		CancellationToken cancel, Runnable tileDone, TileRun tileRun,
		NonFinite nonFinitePolicy)
	{
		this.tileRun = tileRun;
		this.nonFinitePolicy = nonFinitePolicy;
		this.model = model;
		this.session = session;
		this.values = values;
		this.plan = plan;
		this.batch = batch;
		this.source = source;
		this.mask = mask;
		this.target = target;
		this.composite = composite;
		this.outChannels = outChannels;
		this.cancel = cancel;
		this.tileDone = tileDone;
	}

	/**
	 * NaN and infinite values the model gave in the kept parts of its tiles so
	 * far.
	 */
	long nonFinite() {
		return nonFinite;
	}

	/**
	 * Finite result values so far that lay beyond an integer result's range and
	 * were clipped to it when written.
	 */
	long clipped() {
		return clipped;
	}

	/**
	 * Where this runner's time went: statistics of each sample, conversions,
	 * model runs.
	 */
	StageTimings timings() {
		return timings;
	}

	void run(int z, int t, ChannelGroup group) {
		List<Tile> tiles = plan.tiles();
		ValueMapping.SampleMaps maps = timings.time(StageTimings.Stage.STATISTICS,
			() -> values.forSample(z, t, group.source(), outChannels));
		for (int from = 0; from < tiles.size(); from += batch) {
			cancel.throwIfCancelled();
			List<Tile> chunk = tiles.subList(from, Math.min(tiles.size(), from +
				batch));
			runBatch(z, t, group, chunk, maps);
			for (int i = 0; i < chunk.size(); i++)
				tileDone.run();
		}
	}

	private void runBatch(int z, int t, ChannelGroup group, List<Tile> chunk,
		ValueMapping.SampleMaps maps)
	{
		long start = System.nanoTime();
		// a model with a fixed batch axis takes exactly that many windows: the
		// last tile fills the places no tile has, and their outputs are dropped
		int ww = plan.windowWidth(), wh = plan.windowHeight(), n = ww * wh, b = Math
			.max(chunk.size(), model.image().exactBatch());
		int cm = group.source().length;
		MaskSpec maskSpec = mask == null ? null : model.mask(); // a mask comes with
																														// inpainting models
																														// only
		boolean extraMaskChannel = mask != null && maskSpec.isExtraChannel();
		int cin = cm + (extraMaskChannel ? 1 : 0);
		TensorLayout layout = model.image().layout();
		long[] shape = layout.shape(b, cin, wh, ww);
		int[] st = strides(shape);
		float[] input = new float[b * cin * n];
		float[] maskTensor = mask != null && !extraMaskChannel ? new float[b * n]
			: null;
		boolean[][] holes = mask == null ? null : new boolean[b][];
		float[] window = new float[n];
		float[][] windows = new float[cm][n];
		for (int bi = 0; bi < b; bi++) {
			Tile tile = chunk.get(Math.min(bi, chunk.size() - 1));
			if (mask != null) {
				readWindow(mask, 0, mask.planeCount() == 1 ? 0 : z, mask
					.planeCount() == 1 ? 0 : t, tile, window);
				boolean[] h = holes[bi] = new boolean[n];
				for (int i = 0; i < n; i++)
					h[i] = window[i] != 0 && !Float.isNaN(window[i]); // NaN: see
																														// Inpainter
				for (int i = 0; i < n; i++)
					window[i] = (float) (h[i] ? maskSpec.holeValue() : maskSpec
						.keepValue());
				if (extraMaskChannel) scatter(window, input, layout, st, bi, cm, ww,
					wh);
				else System.arraycopy(window, 0, maskTensor, bi * n, n);
			}
			for (int ci = 0; ci < cm; ci++)
				readWindow(source, group.source()[ci], z, t, tile, windows[ci]);
			maps.toModel().apply(windows, n);
			for (int ci = 0; ci < cm; ci++) {
				float[] w = windows[ci];
				for (int i = 0; i < n; i++)
					if (!Float.isFinite(w[i])) w[i] = 0;
				if (holes != null && maskSpec.zeroHoles()) for (int i = 0; i < n; i++)
					if (holes[bi][i]) w[i] = 0;
				scatter(w, input, layout, st, bi, ci, ww, wh);
			}
		}
		Map<String, Tensor> feeds = new java.util.LinkedHashMap<>();
		feeds.put(model.image().name(), Tensor.of(input, shape));
		// one channel, so its values lie in (batch, y, x) order whatever its layout
		if (maskTensor != null) feeds.put(maskSpec.inputName(), Tensor.of(
			maskTensor, (maskSpec.layout() != null ? maskSpec.layout() : layout)
				.shape(b, 1, wh, ww)));
		long runStart = System.nanoTime();
		Tensor out = tileRun.run(session, feeds, model.outputName(), cancel);
		long runEnd = System.nanoTime();
		timings.add(StageTimings.Stage.RUN, runEnd - runStart);
		writeOutputs(z, t, group, chunk, out, input, layout, st, holes, maps
			.fromModel());
		timings.add(StageTimings.Stage.CONVERSION, runStart - start + System
			.nanoTime() - runEnd);
	}

	/**
	 * The output length a model of {@code scale} gives for {@code n} input
	 * pixels, and the result's: {@code n * scale} where that is whole, else below
	 * it ({@code floor(n * scale)}), as Resize gives for any scale and a pooling
	 * (or a strided convolution) without padding for a downscaling. A x1.5 model
	 * returns 79 columns for 53. A downscaler by a strided layer with padding
	 * gives one more ({@code ceil(n / stride)}), a last row or column that lies
	 * half over its padding: {@link #takes} accepts it and the result leaves it
	 * out, so that every downscaler's result, tiled or not, is
	 * {@code floor(n * scale)} (the half was rounded up before, which a Resize or
	 * an unpadded pooling never gives: refused untiled, and tiled made up from
	 * mirrored pixels).
	 */
	static int outputLength(long n, double scale) {
		double exact = n * simple(scale);
		long whole = Math.round(exact);
		if (Math.abs(exact - whole) < 1e-9 * Math.max(1, exact)) return (int) Math
			.min(Integer.MAX_VALUE, whole);
		return (int) Math.min(Integer.MAX_VALUE, (long) Math.floor(exact));
	}

	/**
	 * Whether {@code out} is an output length a model of {@code scale} may give
	 * for {@code n} input pixels: {@link #outputLength}, or for a downscaling one
	 * more where {@code n * scale} is not whole (a strided layer with padding
	 * rounds up), which the result leaves out.
	 */
	static boolean takes(long out, long n, double scale) {
		int floor = outputLength(n, scale);
		return out == floor || scale < 1 && out == floor + 1 && (long) Math.ceil(n *
			simple(scale)) == out;
	}

	/**
	 * {@code scale}, or the fraction of a denominator up to 16 within 2 in 1,000
	 * of it: a scale written in decimals (0.3333 or 0.333 for 1/3, in metadata, a
	 * descriptor or --scale) would otherwise put 99 x 0.3333 = 32.997 below the
	 * model's 33 columns, and the last one was left out as a padded layer's.
	 */
	static double simple(double scale) {
		if (!(scale > 0) || Double.isInfinite(scale)) return scale;
		for (int q = 1; q <= 16; q++) {
			double p = Math.rint(scale * q);
			if (p > 0 && Math.abs(p / q - scale) <= 2e-3 * scale) return p / q;
		}
		return scale;
	}

	/**
	 * Why a model's output has not the size its scale says, in the words that
	 * lead to the fix: a border cropped off (which fiji-gan cannot place), a
	 * window size the model does not map at its scale, or a scale stated wrong.
	 *
	 * @param scaleOrigin where {@code scale} came from, as the model's origins
	 *          name it: "override" where the user stated it, so that leaving
	 *          --scale out may help; "graph", "metadata" and so on where it was
	 *          read from the model, so that only --scale can
	 * @param untiled whether the window was the whole image (one tile), so that
	 *          another --tile, or none, cannot help
	 */
	static String sizeMismatch(int ow, int oh, int ww, int wh, double scale,
		String scaleOrigin, boolean untiled)
	{
		String got = "the model returned " + ow + "x" + oh + " for a " + ww + "x" +
			wh + " input, not " + outputLength(ww, scale) + "x" + outputLength(wh,
				scale) + " (scale " + Numbers.significant(scale, 4) + ")";
		long s0 = Math.max(1, Math.round(scale));
		long cx = ww * s0 - ow, cy = wh * s0 - oh;
		// a border cropped off is counted in whole output pixels per input pixel
		String cropped = scale == s0 && cx == cy && cx > 0 && cx % 2 == 0 ? got +
			": it crops " + cx / 2 +
			" px off each side of its output (an unpadded network), which " +
			"fiji-gan cannot place back; re-export the model with padding that " +
			"keeps the size" : null;
		// a square window can be explained by both: a x2 model that crops 1 px
		// returns 2x2 for 2x2, as a x1 model would; a scale read from the graph
		// is the model's, so the border is the cause, and --scale 1 would write a
		// result that lies off its source
		if (cropped != null && "graph".equals(scaleOrigin)) return cropped;
		if (ow % ww == 0 && oh % wh == 0 && ow / ww == oh / wh && ow / ww != scale)
			return got + ": the model's scale is " + ow / ww + ", not " + Numbers
				.significant(scale, 4) + (scaleOrigin == null || scaleOrigin.equals(
					"override") ? "; pass --scale " + ow / ww + " or leave --scale out"
						: " (the scale " + (scaleOrigin.equals("probed")
							? "found by a trial run" : "read from the " + scaleOrigin) +
							"); pass --scale " + ow / ww);
		if (cropped != null) return cropped;
		int stride = droppedStride(ow, oh, ww, wh, scale);
		if (stride > 1) return got + ": the model takes only sizes that are a " +
			"multiple of " + stride +
			" px (its strided layers drop the rest); give " +
			"it such sizes (an image, and a --tile, that are multiples of " + stride +
			"), or a bioimage.io descriptor that states size {min: " + stride +
			", step: " + stride + "}";
		double sx = (double) ow / ww, sy = (double) oh / wh;
		if (Math.abs(sx - scale) <= 0.05 * scale && Math.abs(sy - scale) <= 0.05 *
			scale) return got + (untiled ? ": the model does not map an image of " +
				"this size at its scale; crop or pad the image to a size it maps" +
				(TilePlanner.scaleGrid(scale) > 1 ? " (a multiple of " + TilePlanner
					.scaleGrid(scale) + " px, whole pixels at its scale)" : "")
				: ": the model does not map a window of this size at its scale; try " +
					"another --tile, or --tile none");
		return got + (Math.abs(sx - sy) < 1e-3 ? ": if its scale is " + Numbers
			.significant(sx, 4) + ", pass --scale " + Numbers.significant(sx, 4)
			: ": its output is not the input scaled alike along x and y, which " +
				"fiji-gan does not support");
	}

	/**
	 * The smallest stride (2 to 32) whose multiples below the window give the
	 * output at the model's scale, as strided layers that drop the last pixels of
	 * a window of another size do; 0 when none does.
	 */
	private static int droppedStride(int ow, int oh, int ww, int wh,
		double scale)
	{
		for (int n = 2; n <= 32; n++)
			if ((ww % n != 0 || wh % n != 0) && ow == Math.round(ww / n * n *
				scale) && oh == Math.round(wh / n * n * scale)) return n;
		return 0;
	}

	/**
	 * Writes the kept part of each output tile: the residual subtracted, mapped
	 * by {@code fromModel} (all channels together; null leaves the model's values
	 * for a postprocessing of the whole output), averaged to grey if asked, and
	 * composited over the source for inpainting.
	 */
	private void writeOutputs(int z, int t, ChannelGroup group, List<Tile> chunk,
		Tensor out, float[] input, TensorLayout inLayout, int[] inStrides,
		boolean[][] holes, ProcessingChain fromModel)
	{
		TensorLayout layout = model.outputLayout();
		long[] shape = out.shape();
		if (shape.length != layout.rank()) throw new GanException("output '" + model
			.outputName() + "' has " + shape.length + " dimensions, expected " +
			layout.rank() + " (" + layout + ")");
		int ww = plan.windowWidth(), wh = plan.windowHeight();
		int ow = (int) shape[layout.xAxis()], oh = (int) shape[layout.yAxis()];
		int co = layout.channelAxis() < 0 ? 1 : (int) shape[layout.channelAxis()];
		double scale = model.scale();
		if (!takes(ow, ww, scale) || !takes(oh, wh, scale)) throw new GanException(
			sizeMismatch(ow, oh, ww, wh, scale, model.origins().get("scale"), plan
				.isSingleTile()));
		if (co != outChannels) throw new GanException("the model returned " + co +
			" output channels, expected " + outChannels);
		boolean subtract = model
			.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT;
		if (subtract && (scale != 1 || co != group.source().length))
			throw new GanException(
				"a residual (noise-predicting) output needs the same size and channels as the input");
		int[] st = strides(shape);
		float[] data = out.floats();
		for (int bi = 0; bi < chunk.size(); bi++) {
			Tile tile = chunk.get(bi);
			AxisTile tx = tile.x(), ty = tile.y();
			// windows and kept parts lie on the scale's grid, so all but the image's
			// own end map to whole output pixels; that end maps as the model maps it
			int x0 = (int) Math.round(tx.keepOffset() * scale), y0 = (int) Math.round(
				ty.keepOffset() * scale);
			int dx = (int) Math.round(tx.keepStart() * scale), dy = (int) Math.round(
				ty.keepStart() * scale);
			int kw = outputLength(tx.keepEnd(), scale) - dx, kh = outputLength(ty
				.keepEnd(), scale) - dy;
			float[][] bufs = new float[co][kw * kh];
			// offsets are linear in x and y: one offset() per channel, then strides
			// (an offset() per
			// pixel was most of the Java time of an untiled SR x4 run:
			// bench/README.md, figure 1)
			int sx = st[layout.xAxis()], sy = st[layout.yAxis()];
			int isx = subtract ? inStrides[inLayout.xAxis()] : 0;
			int isy = subtract ? inStrides[inLayout.yAxis()] : 0;
			for (int c = 0; c < co; c++) {
				float[] buf = bufs[c];
				int i = 0;
				int origin = offset(layout, st, bi, c, y0, x0);
				int inOrigin = subtract ? offset(inLayout, inStrides, bi, c, y0, x0)
					: 0;
				for (int y = 0; y < kh; y++) {
					int o = origin + y * sy, io = inOrigin + y * isy;
					if (subtract) for (int x = 0; x < kw; x++)
						buf[i++] = input[io + x * isx] - data[o + x * sx];
					else if (sx == 1) {
						System.arraycopy(data, o, buf, i, kw);
						i += kw;
					}
					else for (int x = 0; x < kw; x++)
						buf[i++] = data[o + x * sx];
				}
			}
			if (fromModel != null) fromModel.apply(bufs, kw * kh);
			if (group.average()) {
				float[] sum = new float[kw * kh];
				for (float[] buf : bufs)
					for (int k = 0; k < sum.length; k++)
						sum[k] += buf[k] / co;
				bufs = new float[][] { sum };
			}
			for (int c = 0; c < bufs.length; c++) {
				int srcChannel = group.source()[co == group.source().length && !group
					.average() ? c : 0];
				int targetChannel = group.firstTarget() + c;
				countNonFinite(bufs[c], holes == null || !composite ? null : holes[bi],
					tile, kw, ww);
				if (holes != null && composite) keepOriginal(bufs[c], srcChannel, z, t,
					tile, kw, kh, holes[bi], ww);
				// values a later postprocessing maps (fromModel null) are counted
				// nowhere: they are not yet the result's
				if (fromModel != null) clipped += ClippedValues.count(bufs[c], kw * kh,
					target.type());
				target.writeRegion(targetChannel, z, t, dx, dy, kw, kh, bufs[c], 0);
			}
		}
	}

	/**
	 * Counts the NaN and infinite values of a kept region that become result
	 * pixels (only the holes when the result is composited), and applies
	 * {@link NonFinite} where the result has integer pixels; a float result keeps
	 * them.
	 */
	private void countNonFinite(float[] buf, boolean[] holes, Tile tile, int kw,
		int ww)
	{
		int bad = 0;
		int ox = tile.x().keepOffset(), oy = tile.y().keepOffset();
		for (int k = 0; k < buf.length; k++)
			if (!Float.isFinite(buf[k]) && (holes == null || holes[(oy + k / kw) *
				ww + ox + k % kw])) bad++;
		if (bad == 0) return;
		nonFinite += bad;
		if (!target.type().isInteger()) return;
		switch (nonFinitePolicy) {
			case FAIL -> throw new GanException("the model gave " + bad +
				" NaN or infinite value" + (bad == 1 ? "" : "s") +
				" in one tile, which " + bits(target) +
				" result cannot hold: write 32-bit " +
				"float output (--float) to keep them, or choose --nonfinite zero or clip to map them");
			case ZERO -> {
				for (int k = 0; k < buf.length; k++)
					if (!Float.isFinite(buf[k])) buf[k] = 0;
			}
			case CLIP -> {
				// writeRegion clips: +inf to the maximum, -inf to the minimum, NaN to 0
			}
		}
	}

	private static String bits(RasterImage image) {
		return switch (image.type()) {
			case UINT8 -> "an 8-bit";
			case UINT16 -> "a 16-bit";
			case RGB -> "an RGB";
			case FLOAT32 -> "a 32-bit";
		};
	}

	/** Outside the holes, puts the source's own values back (scale 1 only). */
	private void keepOriginal(float[] buf, int channel, int z, int t, Tile tile,
		int kw, int kh, boolean[] holes, int ww)
	{
		float[] original = new float[kw * kh];
		source.readRegion(channel, z, t, tile.x().keepStart(), tile.y().keepStart(),
			kw, kh, original, 0);
		int ox = tile.x().keepOffset(), oy = tile.y().keepOffset();
		for (int y = 0; y < kh; y++)
			for (int x = 0; x < kw; x++)
				if (!holes[(oy + y) * ww + ox + x]) buf[y * kw + x] = original[y * kw +
					x];
	}

	/**
	 * Reads the tile's window of one channel, mirroring at the end where the
	 * window needs padding.
	 */
	static void readWindow(RasterImage image, int channel, int z, int t,
		Tile tile, float[] out)
	{
		AxisTile ax = tile.x(), ay = tile.y();
		int rw = ax.readLength(), rh = ay.readLength(), ww = ax.windowSize(), wh =
			ay.windowSize();
		if (rw == ww && rh == wh) {
			image.readRegion(channel, z, t, ax.readStart(), ay.readStart(), rw, rh,
				out, 0);
			return;
		}
		float[] region = new float[rw * rh];
		image.readRegion(channel, z, t, ax.readStart(), ay.readStart(), rw, rh,
			region, 0);
		for (int y = 0; y < wh; y++) {
			int sy = reflect(y, rh);
			for (int x = 0; x < ww; x++)
				out[y * ww + x] = region[sy * rw + reflect(x, rw)];
		}
	}

	/**
	 * Index {@code i >= 0} mirrored into {@code [0, n)} without repeating the
	 * edge pixel.
	 */
	static int reflect(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * (n - 1);
		int m = i % period;
		return m < n ? m : period - m;
	}

	private static void scatter(float[] plane, float[] tensor,
		TensorLayout layout, int[] st, int b, int c, int w, int h)
	{
		if (layout.isChannelsFirst() && st[layout.xAxis()] == 1 && st[layout
			.yAxis()] == w)
		{
			System.arraycopy(plane, 0, tensor, offset(layout, st, b, c, 0, 0), w * h);
			return;
		}
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				tensor[offset(layout, st, b, c, y, x)] = plane[y * w + x];
	}

	static int offset(TensorLayout layout, int[] st, int b, int c, int y, int x) {
		int o = y * st[layout.yAxis()] + x * st[layout.xAxis()];
		if (layout.batchAxis() >= 0) o += b * st[layout.batchAxis()];
		if (layout.channelAxis() >= 0) o += c * st[layout.channelAxis()];
		return o;
	}

	static int[] strides(long[] shape) {
		int[] st = new int[shape.length];
		long s = 1;
		for (int i = shape.length - 1; i >= 0; i--) {
			st[i] = (int) s;
			s *= shape[i];
		}
		if (s > Integer.MAX_VALUE) throw new GanException("a tile batch of " + s +
			" values is too large; use a smaller --tile");
		return st;
	}

}
