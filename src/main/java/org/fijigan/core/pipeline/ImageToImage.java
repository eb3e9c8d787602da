
package org.fijigan.core.pipeline;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.io.DiskSpace;
import org.fijigan.core.io.JavaHeap;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.StageTimings;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.image.FinitePixels;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ImageInput;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.PlaneRunner.ChannelGroup;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.tiling.TilePlan;
import org.fijigan.core.tiling.TilePlanner;
import org.fijigan.core.tiling.TilingPolicy;
import org.fijigan.core.tiling.TilingRequest;
import org.fijigan.core.trust.ResidualCheck;

/**
 * Runs an image-to-image model (super-resolution, denoising, generic) over a
 * whole image: plane by plane for stacks and hyperstacks, per channel for
 * one-channel models, tile by tile within a memory budget. The source image is
 * only read.
 */
public final class ImageToImage {

	/**
	 * The result property that counts the model's NaN and infinite output values.
	 */
	public static final String NONFINITE_PROPERTY = "fiji-gan.nonfinite.outputs";

	/**
	 * Feature channels assumed when the graph has no convolution weights to
	 * count.
	 */
	static final int DEFAULT_FEATURES = 64;

	private ImageToImage() {}

	/**
	 * Runs {@code model} on every plane of {@code image}.
	 *
	 * @return a new image: larger by the model's scale, same bit depth unless
	 *         float output was asked (or normalisation is {@code none}),
	 *         calibration scaled, provenance in its properties
	 */
	public static RunResult run(ModelDescriptor model, RasterImage image,
		InferenceOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		if (!model.task().isImageToImage()) throw new GanException("model '" + model
			.name() + "' is " + article(model.task()) + " model: use " + (model
				.task() == TaskKind.GENERATE ? "generate" : "inpaint") + " instead");
		return execute(model, image, null, options, progress, cancel);
	}

	private static String article(TaskKind t) {
		return (t == TaskKind.INPAINT ? "an " : "a ") + t.id();
	}

	/**
	 * Shared by image-to-image and inpainting; {@code mask} is null for the
	 * former.
	 */
	static RunResult execute(ModelDescriptor model, RasterImage image,
		RasterImage mask, InferenceOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		return execute(model, image, mask, options, progress, cancel,
			PlaneRunner.ORT);
	}

	/**
	 * As above, with the tile runs going through {@code tileRun} (tests inject
	 * failures there).
	 * <p>
	 * When ONNX Runtime (or Java) runs out of memory on a plane, the plane is run
	 * again with the {@linkplain TilingPolicy#smaller smaller plan} of the tiling
	 * policy; the sizes tried are in the notes, and in the error when even the
	 * smallest fails.
	 */
	static RunResult execute(ModelDescriptor model, RasterImage image,
		RasterImage mask, InferenceOptions options, ProgressListener progress,
		CancellationToken cancel, PlaneRunner.TileRun tileRun)
	{
		long start = System.nanoTime();
		ProgressListener listener = ProgressListener.safe(progress);
		List<String> notes = new ArrayList<>();
		if (model.namedNoiseNote() != null) notes.add(model.namedNoiseNote());
		List<ChannelGroup> groups = new ArrayList<>();
		int outChannelsPerGroup = model.outputChannels() > 0 ? model
			.outputChannels() : 0;
		int modelChannels = channelGroups(model, image, options.channelMap(),
			groups, notes);
		if (outChannelsPerGroup == 0) outChannelsPerGroup = modelChannels;
		int[] map = options.channelMap();
		if (map != null && !isIdentity(map)) notes.add(
			"the result's channels are " +
				"the model's, in its order: model channel k was fed image channel " +
				Arrays.toString(map) + "[k], and result channel k is the model's " +
				"output k (a BGR model fed --channels 2,1,0 gives a BGR result)");
		boolean average = groups.get(0).average();
		int resultChannels = average ? image.logicalChannels() : groups.size() *
			outChannelsPerGroup;
		if (!average) for (int g = 0; g < groups.size(); g++)
			groups.set(g, new ChannelGroup(groups.get(g).source(), g *
				outChannelsPerGroup, false));

		cancel.throwIfCancelled();
		StageTimings timings = new StageTimings();
		FinitePixels finite = timings.time(StageTimings.Stage.STATISTICS,
			() -> FinitePixels.of(image));
		if (finite.total() == (long) image.width() * image.height() * image
			.planeCount()) throw new GanException("image " + image.title() +
				" has no finite pixel (all " + finite.total() +
				" are NaN or infinite): there is nothing to process");
		// a channel or plane of nothing else would be fed to the model as 0 and
		// come back made up
		int[] fed = groups.stream().flatMapToInt(g -> Arrays.stream(g.source()))
			.distinct().sorted().toArray();
		finite.refuseEmpty(fed, "image " + image.title(),
			"there is nothing to process there; remove it first");
		ValueMapping values = timings.time(StageTimings.Stage.STATISTICS,
			() -> ValueMapping.resolve(model, image, mask, groups, options
				.normalization(), finite.inChannels(fed)));
		notes.addAll(values.notes());
		if (values.nonFiniteInputs() > 0) notes.add(values.nonFiniteInputs() +
			" NaN/infinite input pixels were ignored by the normalisation and fed to the model as 0");
		boolean floatOut = options.floatOutput() || values.rawOutput();
		assert values.rawOutput() == ValueMapping.givesRawOutput(model, options
			.normalization());
		if (values.defersPostprocessing() && average) throw new GanException(
			"the model's postprocessing takes " +
				"statistics of its output, which cannot be averaged over channels: give an image with " +
				modelChannels + " channels");

		long outWide = PlaneRunner.outputLength(image.width(), model.scale());
		long outHigh = PlaneRunner.outputLength(image.height(), model.scale());
		if (outWide < 1 || outHigh < 1) throw new GanException("a " + image
			.width() + "x" + image.height() + " image has no whole pixel at the " +
			"model's scale of " + Numbers.significant(model.scale(), 4) + ": give " +
			"an image of at least " + (long) Math.ceil(1 / model.scale() - 1e-9) +
			" px a side");
		if (outWide * (double) outHigh > Integer.MAX_VALUE) throw new GanException(
			"the result would be " + outWide + "x" + outHigh +
				" px, beyond the 2^31 pixels a plane can hold: use a smaller image " +
				"or a smaller scale");
		int outW = (int) outWide, outH = (int) outHigh;
		PixelType outType = floatOut ? PixelType.FLOAT32 : image
			.type() == PixelType.RGB && resultChannels != 3 ? PixelType.UINT8 : image
				.type();
		int storedChannels = outType == PixelType.RGB ? 1 : resultChannels;
		if (outType == PixelType.RGB && resultChannels != 3)
			throw new IllegalStateException();
		if (image.type() != PixelType.RGB && !floatOut && resultChannels == 3 &&
			image.logicalChannels() != 3) outType = image.type(); // keep as 3
																														// channels of the
																														// input type

		TilingRequest tiling = tilingRequest(model, image, options);
		TilingPolicy.Decision tiles = TilingPolicy.plan(tiling);
		notes.addAll(tiles.notes());
		int reach = model.reachBeyondHalo();
		if (reach > 0 && tiles.plan().tileCount() > 1) notes.add("tiled with a " +
			tiles.plan().haloPixels() + " px halo, less than the " + reach +
			" px the model's output pixels see: the result may differ from an " +
			"untiled run near the tiles' edges; " + (model.image().isFixedSize()
				? "a --halo of " + reach +
					" px or more (the model takes tiles of one " + "size only)"
				: "--tile none, or a --halo of " + reach + " px or more,") +
			" gives the exact result");

		int modelInChannels = modelChannels + (mask != null && model.mask()
			.isExtraChannel() ? 1 : 0);
		refuseFixedShapeBeyondMemory(model, tiles.plan(), tiles.batch(),
			modelInChannels, outChannelsPerGroup);
		refuseBeyondMemory(image, outW, outH, storedChannels, outType, tiles.plan(),
			tiles.batch(), modelInChannels, outChannelsPerGroup, model.scale());
		RasterImage result;
		try {
			result = RasterImage.allocate(outW, outH, storedChannels, image.slices(),
				image.frames(), outType);
		}
		catch (OutOfMemoryError e) {
			throw new GanException("not enough Java memory for a " + outW + "x" +
				outH + "x" + storedChannels * image.slices() * image.frames() +
				" result; raise -Xmx");
		}
		long planes = (long) image.slices() * image.frames() * groups.size();
		long[] total = { planes * tiles.plan().tileCount() };
		long[] done = { 0 };
		String provider;
		long nonFinite = 0, clipped = 0;
		List<String> windowsTried = new ArrayList<>();
		try (SessionCache.Lease lease = timings.time(StageTimings.Stage.SESSION,
			() -> SessionCache.shared().acquire(model.onnxFile(), model.sha256Files(),
				model.sha256(), options.device(), options.threads())))
		{
			ModelSession session = lease.session();
			provider = session.provider();
			notes.addAll(0, session.notes());
			Runnable tileDone = () -> listener.onProgress(new ProgressEvent(
				Stage.TILE, ++done[0], total[0], "fiji-gan: tile " + done[0] + "/" +
					total[0]));
			PlaneRunner runner = new PlaneRunner(model, session, values, tiles.plan(),
				tiles.batch(), image, mask, result, options.compositeInpaint(),
				outChannelsPerGroup, cancel, tileDone, tileRun, options.nonFinite());
			long planesDone = 0;
			for (int t = 0; t < image.frames(); t++)
				for (int z = 0; z < image.slices(); z++)
					for (ChannelGroup g : groups) {
						while (true) {
							long doneBefore = done[0];
							long badBefore = runner.nonFinite(), clippedBefore = runner
								.clipped();
							try {
								runner.run(z, t, g);
								nonFinite += runner.nonFinite() - badBefore;
								clipped += runner.clipped() - clippedBefore;
								break;
							}
							catch (GanException | OutOfMemoryError e) {
								if (e instanceof CancellationToken.CancelledException ||
									!isOutOfMemory(e)) throw e;
								if (windowsTried.isEmpty()) windowsTried.add(tiles
									.windowSize());
								int batch = tiles.batch();
								tiles = TilingPolicy.smaller(tiling, tiles).orElseThrow(
									() -> new GanException(
										"out of memory in ONNX Runtime with tiles of " + String
											.join(", then ", windowsTried) + " px (" + batch +
											" per run); the model cannot take " +
											"smaller ones here: free memory (close other programs), run on the CPU " +
											"(--device cpu) or use a smaller image", e));
								windowsTried.add(tiles.windowSize());
								timings.addAll(runner.timings());
								done[0] = doneBefore;
								total[0] = doneBefore + (planes - planesDone) * tiles.plan()
									.tileCount();
								runner = new PlaneRunner(model, session, values, tiles.plan(),
									tiles.batch(), image, mask, result, options
										.compositeInpaint(), outChannelsPerGroup, cancel, tileDone,
									tileRun, options.nonFinite());
							}
						}
						planesDone++;
					}
			timings.addAll(runner.timings());
		}
		long postStart = System.nanoTime();
		if (values.defersPostprocessing()) for (int t = 0; t < image.frames(); t++)
			for (int z = 0; z < image.slices(); z++)
				for (ChannelGroup g : groups) {
					cancel.throwIfCancelled();
					values.postprocess(result, z, t, g.source(), g.firstTarget(),
						outChannelsPerGroup);
				}
		if (values.defersPostprocessing()) timings.add(
			StageTimings.Stage.STATISTICS, System.nanoTime() - postStart);
		if (!windowsTried.isEmpty()) notes.add(
			"out of memory in ONNX Runtime: tiles " + String.join(", then ",
				windowsTried) + " px were tried; the result used " + tiles
					.windowSize());
		if (clipped > 0) notes.add(ClippedValues.note(clipped, outType,
			(double) result.width() * result.height() * result.logicalChannels() *
				result.slices() * result.frames()));
		if (nonFinite > 0) notes.add(outType.isInteger() ? options.nonFinite()
			.describeMapping(nonFinite, "values in the model's output") : nonFinite +
				" NaN/infinite values in the " +
				"model's output, kept as they are in the 32-bit result");
		// the input channel each result channel was made from, null where they do
		// not come one from each
		int[] sources = sourceChannels(groups, outChannelsPerGroup, resultChannels);
		ResidualCheck.Verdict residualCheck = null;
		if (model.task() == TaskKind.DENOISE && mask == null && sources != null &&
			sameSize(image, result))
		{
			residualCheck = ResidualCheck.verdict(image, result, sources, values
				.roundingScale());
			if (residualCheck.note() != null) notes.add(residualCheck.note());
		}
		else if (model.task() == TaskKind.DENOISE && mask == null &&
			sources == null)
		{
			// a model giving another number of channels than it takes: no result
			// channel is one input channel less what was removed
			residualCheck = new ResidualCheck.Verdict(
				"the residual check (whether what the model removed is only noise) " +
					"was not made: the model gives " + outChannelsPerGroup + " channel" +
					(outChannelsPerGroup == 1 ? "" : "s") + " for the " + groups.get(0)
						.source().length + " it takes, so no result channel " +
					"is one input channel less what was removed",
				"not checked (the model gives " + outChannelsPerGroup + " channel" +
					(outChannelsPerGroup == 1 ? "" : "s") + " for the " + groups.get(0)
						.source().length + " it takes: input - result is not defined)");
			notes.add(residualCheck.note());
		}
		InheritedMetadata.carry(image, result, model.scale(), !values.rawOutput(),
			map == null || isIdentity(map), notes);
		TilePlan plan = tiles.plan();
		double seconds = (System.nanoTime() - start) / 1e9;
		RunReport report = new RunReport(provider, plan.tileCount(), plan
			.haloPixels(), plan.windowWidth(), plan.windowHeight(), notes, seconds,
			nonFinite, timings, residualCheck == null ? null : residualCheck.note());
		result.setCalibration(image.calibration().magnified(model.scale()));
		result.setTitle(resultTitle(image.title(), model));
		describe(result, model, report, values.description(), generatedStatement(
			model.task(), mask == null || options.compositeInpaint(), mask == null ||
				Inpainter.marksHole(mask)));
		if (residualCheck != null) result.properties().put(
			"fiji-gan.residual-check", residualCheck.property());
		if (map != null && !isIdentity(map)) result.properties().put(
			ResidualCheck.CHANNELS_PROPERTY, sources == null ? "mixed" : Arrays
				.stream(sources).mapToObj(Integer::toString).collect(
					java.util.stream.Collectors.joining(",")));
		return result == null ? null : new RunResult(result, report);
	}

	/**
	 * Whether a result has its input's size, slices and frames, so that input -
	 * result is defined where each result channel comes from one input channel.
	 */
	private static boolean sameSize(RasterImage image, RasterImage result) {
		return image.width() == result.width() && image.height() == result
			.height() && image.slices() == result.slices() && image.frames() == result
				.frames();
	}

	/**
	 * The image channel each result channel was made from: model channel k's
	 * source for output k where a model gives as many channels as it takes (the
	 * result's channels are the model's, in its order: {@code --channels 2,1,0}
	 * makes result channel 0 of image channel 2), channel k for channel k where a
	 * grey image's outputs were averaged back to grey; null where a model gives
	 * another number of channels than it takes, whose outputs come from no one
	 * input channel.
	 */
	static int[] sourceChannels(List<ChannelGroup> groups,
		int outChannelsPerGroup, int resultChannels)
	{
		int[] sources = new int[resultChannels];
		if (groups.get(0).average()) return range(resultChannels);
		for (ChannelGroup g : groups) {
			if (g.source().length != outChannelsPerGroup) return null;
			for (int j = 0; j < outChannelsPerGroup; j++)
				sources[g.firstTarget() + j] = g.source()[j];
		}
		return sources;
	}

	private static String resultTitle(String title, ModelDescriptor model) {
		String base = title.replaceFirst("\\.(tiff?|png|jpe?g|npy)$", "");
		return switch (model.task()) {
			case SUPER_RESOLUTION -> base + "-SRx" + Numbers.significant(model
				.scale(), 4);
			case DENOISE -> base + "-denoised";
			case INPAINT -> base + "-inpainted";
			default -> base + "-" + model.name();
		};
	}

	/**
	 * Whether results are 32-bit float whatever the input's type: with
	 * {@code --float}, no normalisation, or a model whose output processing does
	 * not give input units. A folder run checks this before any model runs.
	 */
	public static boolean givesFloat(ModelDescriptor model,
		InferenceOptions options)
	{
		return options.floatOutput() || ValueMapping.givesRawOutput(model, options
			.normalization());
	}

	/**
	 * Writes provenance and the report into the result's properties.
	 *
	 * @param generated the {@code fiji-gan.generated} statement
	 *          ({@link #generatedStatement}), or null to write none
	 */
	static void describe(RasterImage result, ModelDescriptor model,
		RunReport report, String normalization, String generated)
	{
		var p = result.properties();
		p.put("fiji-gan.task", model.task().id());
		p.put("fiji-gan.model", model.name());
		p.put("fiji-gan.model.sha256", model.sha256());
		p.put("fiji-gan.provider", report.provider());
		if (normalization != null) p.put("fiji-gan.normalization", normalization);
		if (model.scale() != 1) p.put("fiji-gan.scale", Numbers.significant(model
			.scale(), 4));
		p.put("fiji-gan.tiles", report.tilesPerPlane() + " per plane, " + report
			.windowWidth() + "x" + report.windowHeight() + " px, halo " + report
				.haloPixels() + " px");
		p.put(NONFINITE_PROPERTY, Long.toString(report.nonFiniteOutputs()));
		for (int i = 0; i < report.notes().size(); i++)
			p.put("fiji-gan.note." + (i + 1), report.notes().get(i));
		if (generated != null) p.put("fiji-gan.generated", generated);
	}

	/**
	 * What a result of {@code task} holds that was not measured, for
	 * {@code fiji-gan.generated}; null for a task that invents no pixels of its
	 * own (denoising, image-to-image), and for an inpainting result composited
	 * from a mask with no hole (the input's pixels as they are).
	 *
	 * @param composited for inpainting: whether only the holes took the model's
	 *          output (else every pixel did)
	 * @param holes for inpainting: whether the mask marks a hole
	 */
	static String generatedStatement(TaskKind task, boolean composited,
		boolean holes)
	{
		return switch (task) {
			case DENOISE, IMAGE_TO_IMAGE -> null;
			// the holes were not measured at all: detail is not the question there
			case INPAINT -> !composited ? "pixels made by a GAN (inpaint, not " +
				"composited): every pixel is the model's output, none of it the " +
				"observed image" + (holes ? ", and every pixel inside the holes is " +
					"invented, none of it measured" : "") +
				": do not measure any of it as if observed" : holes
					? "pixels invented by a GAN (inpaint): every pixel inside the " +
						"holes is invented, none of it measured: do not measure inside " +
						"the holes as if observed" : null;
			default -> "pixels invented by a GAN (" + task.id() +
				"): do not measure detail finer than the input resolution as if observed";
		};
	}

	/**
	 * Decides which image channels feed the model's channels. Returns the model's
	 * channel count.
	 */
	private static int channelGroups(ModelDescriptor model, RasterImage image,
		int[] channelMap, List<ChannelGroup> groups, List<String> notes)
	{
		int ci = image.logicalChannels();
		int cm = model.image().channels();
		if (channelMap != null) {
			for (int c : channelMap)
				if (c < 0 || c >= ci) throw new GanException(
					"channel map names channel " + c + " but the image has channels 0.." +
						(ci - 1));
			if (cm != 0 && channelMap.length != cm) throw new GanException(
				"the model takes " + cm + " channels but the channel map lists " +
					channelMap.length);
			boolean average = ci == 1 && channelMap.length > 1;
			groups.add(new ChannelGroup(channelMap, 0, average));
			return channelMap.length;
		}
		if (cm == 0 || cm == ci) {
			groups.add(new ChannelGroup(range(ci), 0, false));
			return ci;
		}
		if (cm == 1) {
			for (int c = 0; c < ci; c++)
				groups.add(new ChannelGroup(new int[] { c }, c, false));
			if (ci > 1) notes.add("one-channel model applied to each of the " + ci +
				" channels");
			return 1;
		}
		if (ci == 1) {
			groups.add(new ChannelGroup(new int[cm], 0, true));
			notes.add("grey image fed to all " + cm +
				" model channels; the output channels are averaged back to grey");
			return cm;
		}
		// an example the image has: its first channels, the last repeated
		StringBuilder example = new StringBuilder();
		for (int c = 0; c < cm; c++)
			example.append(c == 0 ? "" : ",").append(Math.min(c, ci - 1));
		throw new GanException("the model takes " + cm +
			" channels but the image has " + ci +
			": choose channels with a channel map (e.g. --channels " + example + ")");
	}

	private static int[] range(int n) {
		int[] r = new int[n];
		for (int i = 0; i < n; i++)
			r[i] = i;
		return r;
	}

	/**
	 * {@link TilingPolicy#bytesPerInputPixel} for {@code model}: its widest
	 * convolution, or {@value #DEFAULT_FEATURES} feature channels when the graph
	 * has none to count.
	 */
	static long bytesPerPixel(ModelDescriptor model) {
		int features = model.graph() != null && model.graph()
			.maxFeatureChannels() > 0 ? model.graph().maxFeatureChannels()
				: DEFAULT_FEATURES;
		return TilingPolicy.bytesPerInputPixel(features, model.scale());
	}

	/**
	 * What the tiling policy needs to know about {@code image} under
	 * {@code model}.
	 */
	private static TilingRequest tilingRequest(ModelDescriptor model,
		RasterImage image, InferenceOptions options)
	{
		ImageInput in = model.image();
		return new TilingRequest(image.width(), image.height(), in.x(), in.y(),
			model.haloPixels(), options.tileSize(), options.memoryBudgetBytes(),
			bytesPerPixel(model), in.maxBatch(), model.wholeImageOps(), TilePlanner
				.gridStep(model.graph() == null ? 1 : model.graph().stride(), model
					.scale()));
	}

	/**
	 * Whether {@code e} says that memory ran out: in Java, or in ONNX Runtime on
	 * any provider.
	 */
	static boolean isOutOfMemory(Throwable e) {
		for (Throwable c = e; c != null; c = c.getCause() == c ? null : c
			.getCause())
		{
			if (c instanceof OutOfMemoryError) return true;
			String m = c.getMessage();
			if (m == null) continue;
			String lower = m.toLowerCase(Locale.ROOT);
			if (lower.contains("failed to allocate memory") || lower.contains(
				"bad_alloc") || lower.contains("out of memory") || lower.contains(
					"cudaerrormemoryallocation") || lower.contains("alloc_failed") || m
						.matches("(?s).*\\bOOM\\b.*")) return true;
		}
		return false;
	}

	/**
	 * Refuses, before any run, a model whose own fixed shape makes one run too
	 * large: a fixed batch of more tiles than the plan needs (each run is filled
	 * up to it), or a fixed input shape (a huge channel count) that no tile size
	 * changes. Too large is a tensor beyond the 2^31 values a Java array holds,
	 * more Java heap than is free for its input, output and output copy, or more
	 * than the machine's memory for those and ONNX Runtime's own input and
	 * output. The refusal names the model's shape as the cause, since
	 * {@code --tile} cannot help; other sizes are left to
	 * {@link #refuseBeyondMemory}.
	 */
	static void refuseFixedShapeBeyondMemory(ModelDescriptor model, TilePlan plan,
		int batch, int inChannels, int outChannels)
	{
		ImageInput in = model.image();
		boolean fixedBatch = in.exactBatch() > batch;
		if (!fixedBatch && !in.isFixedSize()) return;
		long runBatch = Math.max(batch, in.exactBatch());
		// each axis may be 2^20, so the products saturate rather than wrap: four
		// such axes (2^80 values) wrapped to 0 and passed
		long window = (long) plan.windowWidth() * plan.windowHeight();
		long inValues = times(times(runBatch, inChannels), window);
		long outValues = times(times(times(runBatch, Math.max(1, outChannels)),
			window), (long) Math.ceil(model.scale() * model.scale()));
		long javaBytes = times(4, plus(inValues, times(2, outValues)));
		long nativeBytes = times(4, plus(inValues, outValues));
		String beyond;
		if (Math.max(inValues, outValues) > Integer.MAX_VALUE) beyond =
			"beyond the 2^31 values one tensor can hold";
		else if (javaBytes > JavaHeap.free(javaBytes)) beyond = "but " + JavaHeap
			.shortOf(javaBytes, JavaHeap.free(javaBytes));
		else if (javaBytes + nativeBytes > physicalMemory()) beyond =
			"more than this machine's " + bytes(physicalMemory()) + " of memory";
		else return;
		String shape = model.graph() == null ? "" : model.graph().inputs().stream()
			.filter(v -> v.name().equals(in.name())).findFirst().map(v -> " ('" + v
				.name() + "' " + v.shapeString() + ")").orElse("");
		String tile = inChannels + " channel" + (inChannels == 1 ? "" : "s") +
			" x " + plan.windowWidth() + "x" + plan.windowHeight() + " px";
		String needs = bytes(times(4, inValues)) + " in and " + bytes(times(4,
			outValues)) + " out, " + beyond;
		if (fixedBatch) throw new GanException("model " + model.name() +
			" takes a fixed batch of " + runBatch + " tiles" + shape +
			": one batch of " + runBatch + " x " + tile + " needs " + needs +
			"; the batch is the model's, so --tile cannot make it fit: export the " +
			"model again with a dynamic batch axis");
		throw new GanException("model " + model.name() + " takes a fixed input" +
			shape + ": one run of " + tile + " needs " + needs + "; --tile cannot " +
			"change a fixed input: export the model again with fewer channels or " +
			"dynamic sizes");
	}

	/**
	 * The machine's physical memory, or {@link Long#MAX_VALUE} where Java does
	 * not say.
	 */
	private static long physicalMemory() {
		return ManagementFactory
			.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
				? os.getTotalMemorySize() : Long.MAX_VALUE;
	}

	/**
	 * Refuses, before anything is allocated, an image whose result and tile
	 * buffers cannot fit in the Java heap ({@code Runtime.maxMemory()} less what
	 * is in use), with the numbers and the fix. ONNX Runtime's own working memory
	 * is native and not counted here.
	 */
	static void refuseBeyondMemory(RasterImage image, int outW, int outH,
		int storedChannels, PixelType outType, TilePlan plan, int batch,
		int inChannels, int outChannels, double scale)
	{
		if ((long) outW * outH > Integer.MAX_VALUE) throw new GanException(
			"the result would be " + outW + "x" + outH +
				" px, beyond the 2^31 pixels a plane can hold: use a smaller image or " +
				"a smaller scale");
		long planes = (long) storedChannels * image.slices() * image.frames();
		long resultBytes = times((long) outW * outH, planes * bytesPerSample(
			outType));
		long window = (long) plan.windowWidth() * plan.windowHeight();
		// per tile: the float input, the output as ONNX Runtime returns it and as a
		// float[] copy
		long tileBytes = times(times(batch, window), times(4, plus(inChannels,
			times(2L * Math.max(1, outChannels), (long) Math.ceil(scale * scale)))));
		long need = plus(resultBytes, tileBytes), free = JavaHeap.free(need);
		if (need <= free) return;
		throw new GanException("not enough Java memory: the result (" + outW + "x" +
			outH + " px x " + planes + " plane" + (planes == 1 ? "" : "s") + ", " +
			outType.name().toLowerCase(Locale.ROOT) + ") needs " + bytes(
				resultBytes) + " and the tiles (" + batch + " x " + plan.windowWidth() +
			"x" + plan.windowHeight() + " px) " + bytes(tileBytes) + ", but " +
			JavaHeap.shortOf(need, free) + ", use smaller tiles (--tile), or " +
			"process fewer planes at a time");
	}

	private static int bytesPerSample(PixelType t) {
		return switch (t) {
			case UINT8 -> 1;
			case UINT16 -> 2;
			case FLOAT32, RGB -> 4;
		};
	}

	/**
	 * {@code bytes} in B, KiB, MiB or GiB, one decimal; "more than" the largest
	 * where a product saturated at {@link Long#MAX_VALUE} ({@link #times}).
	 */
	static String bytes(long bytes) {
		return (bytes == Long.MAX_VALUE ? "more than " : "") + Numbers.bytes(bytes);
	}

	/**
	 * {@code a * b} of sizes (non-negative), {@link Long#MAX_VALUE} where that
	 * overflows: a model's declared axes multiply beyond a long.
	 */
	private static long times(long a, long b) {
		return DiskSpace.times(a, b);
	}

	/** {@code a + b} of sizes, {@link Long#MAX_VALUE} where that overflows. */
	private static long plus(long a, long b) {
		long s = a + b;
		return s < 0 ? Long.MAX_VALUE : s;
	}

	/**
	 * Whether {@code map} feeds image channel k to model channel k, for all k.
	 */
	private static boolean isIdentity(int[] map) {
		for (int k = 0; k < map.length; k++)
			if (map[k] != k) return false;
		return true;
	}
}
