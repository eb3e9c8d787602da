package org.fijigan.core.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ImageInput;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.PlaneRunner.ChannelGroup;
import org.fijigan.core.tiling.AxisConstraint;
import org.fijigan.core.tiling.TilePlan;
import org.fijigan.core.tiling.TilePlanner;

/**
 * Runs an image-to-image model (super-resolution, denoising, generic) over a whole image: plane by
 * plane for stacks and hyperstacks, per channel for one-channel models, tile by tile within a
 * memory budget. The source image is only read.
 */
public final class ImageToImage {
	/** Feature channels assumed when the graph has no convolution weights to count. */
	static final int DEFAULT_FEATURES = 64;

	private ImageToImage() {}

	/**
	 * Runs {@code model} on every plane of {@code image}.
	 *
	 * @return a new image: larger by the model's scale, same bit depth unless float output was asked
	 *         (or normalisation is {@code none}), calibration scaled, provenance in its properties
	 */
	public static RunResult run(ModelDescriptor model, RasterImage image, InferenceOptions options,
		ProgressListener progress, CancellationToken cancel)
	{
		if (!model.task().isImageToImage()) throw new GanException("model '" + model.name() + "' is " +
			article(model.task()) + " model: use " + (model.task() == TaskKind.GENERATE ? "generate"
				: "inpaint") + " instead");
		return execute(model, image, null, options, progress, cancel);
	}

	private static String article(TaskKind t) {
		return (t == TaskKind.INPAINT ? "an " : "a ") + t.id();
	}

	/** Shared by image-to-image and inpainting; {@code mask} is null for the former. */
	static RunResult execute(ModelDescriptor model, RasterImage image, RasterImage mask,
		InferenceOptions options, ProgressListener progress, CancellationToken cancel)
	{
		long start = System.nanoTime();
		ProgressListener listener = ProgressListener.safe(progress);
		List<String> notes = new ArrayList<>();
		ImageInput in = model.image();
		List<ChannelGroup> groups = new ArrayList<>();
		int outChannelsPerGroup = model.outputChannels() > 0 ? model.outputChannels() : 0;
		int modelChannels = channelGroups(model, image, options.channelMap(), groups, notes);
		if (outChannelsPerGroup == 0) outChannelsPerGroup = modelChannels;
		boolean average = groups.get(0).average();
		int resultChannels = average ? image.logicalChannels() : groups.size() * outChannelsPerGroup;
		if (!average) for (int g = 0; g < groups.size(); g++)
			groups.set(g, new ChannelGroup(groups.get(g).source(), g * outChannelsPerGroup, false));

		cancel.throwIfCancelled();
		ValueMapping values = ValueMapping.resolve(model, image, options.normalization());
		if (values.nonFiniteInputs() > 0) notes.add(values.nonFiniteInputs() +
			" NaN/infinite input pixels were ignored by the normalisation and fed to the model as 0");
		boolean floatOut = options.floatOutput() || values.rawOutput();

		int outW = (int) Math.round(image.width() * model.scale());
		int outH = (int) Math.round(image.height() * model.scale());
		PixelType outType = floatOut ? PixelType.FLOAT32 : image.type() == PixelType.RGB &&
			resultChannels != 3 ? PixelType.UINT8 : image.type();
		int storedChannels = outType == PixelType.RGB ? 1 : resultChannels;
		if (outType == PixelType.RGB && resultChannels != 3) throw new IllegalStateException();
		if (image.type() != PixelType.RGB && !floatOut && resultChannels == 3 && image
			.logicalChannels() != 3) outType = image.type(); // keep as 3 channels of the input type

		long bytesPerPixel = bytesPerPixel(model);
		TilePlan plan = planTiles(model, image, options, bytesPerPixel, notes);
		int batch = batchSize(in, plan, options.memoryBudgetBytes(), bytesPerPixel);

		RasterImage result;
		try {
			result = RasterImage.allocate(outW, outH, storedChannels, image.slices(), image.frames(),
				outType);
		}
		catch (OutOfMemoryError e) {
			throw new GanException("not enough Java memory for a " + outW + "x" + outH + "x" +
				storedChannels * image.slices() * image.frames() + " result; raise -Xmx");
		}
		long total = (long) image.slices() * image.frames() * groups.size() * plan.tileCount();
		long[] done = { 0 };
		String provider;
		try (SessionCache.Lease lease = SessionCache.shared().acquire(model.onnxFile(), options.device(),
			options.threads()))
		{
			ModelSession session = lease.session();
			provider = session.provider();
			notes.addAll(0, session.notes());
			PlaneRunner runner = new PlaneRunner(model, session, values, plan, batch, image, mask, result,
				options.compositeInpaint(), outChannelsPerGroup, cancel, () -> listener.onProgress(
					new ProgressEvent("tile", ++done[0], total, "fiji-gan: tile " + done[0] + "/" + total)));
			for (int t = 0; t < image.frames(); t++)
				for (int z = 0; z < image.slices(); z++)
					for (ChannelGroup g : groups)
						runner.run(z, t, g);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		RunReport report = new RunReport(provider, plan.tileCount(), plan.haloPixels(), plan
			.windowWidth(), plan.windowHeight(), notes, seconds);
		result.setCalibration(image.calibration().magnified(model.scale()));
		result.setTitle(resultTitle(image.title(), model));
		describe(result, model, report, values.description());
		return result == null ? null : new RunResult(result, report);
	}

	private static String resultTitle(String title, ModelDescriptor model) {
		String base = title.replaceFirst("\\.(tiff?|png|jpe?g|npy)$", "");
		return switch (model.task()) {
			case SUPER_RESOLUTION -> base + "-SRx" + fmt(model.scale());
			case DENOISE -> base + "-denoised";
			case INPAINT -> base + "-inpainted";
			default -> base + "-" + model.name();
		};
	}

	/** Writes provenance and the report into the result's properties. */
	static void describe(RasterImage result, ModelDescriptor model, RunReport report,
		String normalization)
	{
		var p = result.properties();
		p.put("fiji-gan.task", model.task().id());
		p.put("fiji-gan.model", model.name());
		p.put("fiji-gan.model.sha256", model.sha256());
		p.put("fiji-gan.provider", report.provider());
		if (normalization != null) p.put("fiji-gan.normalization", normalization);
		if (model.scale() != 1) p.put("fiji-gan.scale", fmt(model.scale()));
		p.put("fiji-gan.tiles", report.tilesPerPlane() + " per plane, " + report.windowWidth() + "x" +
			report.windowHeight() + " px, halo " + report.haloPixels() + " px");
		for (int i = 0; i < report.notes().size(); i++)
			p.put("fiji-gan.note." + (i + 1), report.notes().get(i));
		if (model.task() != TaskKind.DENOISE && model.task() != TaskKind.IMAGE_TO_IMAGE) p.put(
			"fiji-gan.generated", "pixels invented by a GAN (" + model.task().id() +
				"): do not measure detail finer than the input resolution as if observed");
	}

	/**
	 * Decides which image channels feed the model's channels. Returns the model's channel count.
	 */
	private static int channelGroups(ModelDescriptor model, RasterImage image, int[] channelMap,
		List<ChannelGroup> groups, List<String> notes)
	{
		int ci = image.logicalChannels();
		int cm = model.image().channels();
		if (channelMap != null) {
			for (int c : channelMap)
				if (c < 0 || c >= ci) throw new GanException("channel map names channel " + c +
					" but the image has channels 0.." + (ci - 1));
			if (cm != 0 && channelMap.length != cm) throw new GanException("the model takes " + cm +
				" channels but the channel map lists " + channelMap.length);
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
			if (ci > 1) notes.add("one-channel model applied to each of the " + ci + " channels");
			return 1;
		}
		if (ci == 1) {
			groups.add(new ChannelGroup(new int[cm], 0, true));
			notes.add("grey image fed to all " + cm +
				" model channels; the output channels are averaged back to grey");
			return cm;
		}
		throw new GanException("the model takes " + cm + " channels but the image has " + ci +
			": choose channels with a channel map (e.g. --channels 0,1,2)");
	}

	private static int[] range(int n) {
		int[] r = new int[n];
		for (int i = 0; i < n; i++)
			r[i] = i;
		return r;
	}

	/**
	 * Estimated ONNX Runtime working memory per model-input pixel: three float32 feature maps of the
	 * widest convolution alive at once, at the output resolution for super-resolution (an upper
	 * bound: most SR networks work at the input resolution until the last layers).
	 */
	static long bytesPerPixel(ModelDescriptor model) {
		int features = model.graph() != null && model.graph().maxFeatureChannels() > 0 ? model.graph()
			.maxFeatureChannels() : DEFAULT_FEATURES;
		double s2 = Math.max(1, model.scale() * model.scale());
		return (long) (4.0 * 3 * features * s2);
	}

	private static TilePlan planTiles(ModelDescriptor model, RasterImage image,
		InferenceOptions options, long bytesPerPixel, List<String> notes)
	{
		ImageInput in = model.image();
		AxisConstraint xc = in.x(), yc = in.y();
		int w = image.width(), h = image.height();
		int halo = model.haloPixels();
		int window = options.tileSize();
		if (window == InferenceOptions.AUTO_TILE) {
			long budgetPixels = options.memoryBudgetBytes() / bytesPerPixel;
			long planePixels = (long) w * h;
			if (!model.isTileable()) {
				if (planePixels <= 4 * budgetPixels) {
					window = InferenceOptions.NO_TILING;
					notes.add("ran untiled: the model has operations that see the whole image (" + String.join(
						", ", model.wholeImageOps()) + ")");
				}
				else notes.add("image too large to run untiled; tiles may change the result of " + String
					.join(", ", model.wholeImageOps()));
			}
			if (window == InferenceOptions.AUTO_TILE) {
				if (planePixels <= budgetPixels) window = InferenceOptions.NO_TILING;
				else window = Math.max(2 * halo + 32, (int) Math.sqrt(budgetPixels));
			}
		}
		else if (window > 0 && !model.isTileable()) notes.add("tiling changes the result of " + String
			.join(", ", model.wholeImageOps()) + "; use --tile none for an exact result");
		int ww = window == InferenceOptions.NO_TILING ? 0 : window;
		TilePlan plan = TilePlanner.plan(w, h, xc, yc, halo, ww, ww);
		notes.addAll(plan.notes());
		if (plan.windowWidth() > w || plan.windowHeight() > h) notes.add("image padded by mirroring to " +
			plan.windowWidth() + "x" + plan.windowHeight() + " px, the model's smallest input");
		return plan;
	}

	private static int batchSize(ImageInput in, TilePlan plan, long budget, long bytesPerPixel) {
		long tileBytes = (long) plan.windowWidth() * plan.windowHeight() * bytesPerPixel;
		long fit = Math.max(1, budget / Math.max(1, tileBytes));
		return (int) Math.min(Math.min(in.maxBatch(), plan.tileCount()), Math.min(fit, 16));
	}

	static String fmt(double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
	}
}
