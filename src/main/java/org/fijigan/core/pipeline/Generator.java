
package org.fijigan.core.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.Seeds;
import org.fijigan.core.StageTimings;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.io.DiskSpace;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.model.ValueRange;

/**
 * Draws synthetic images from a generator model. Every image is tagged
 * SYNTHETIC, with the model, its SHA-256, the seed and the class, in the
 * result's properties and slice labels.
 * <p>
 * Sample {@code i} draws its latent vector from seed {@code seed + i}
 * ({@link #latent(long, int)}: standard normal), so a sample can be reproduced
 * alone and seed ranges that do not overlap give different samples.
 */
public final class Generator {

	/** Samples per model run when the model takes a batch. */
	static final int MAX_BATCH = 16;

	private Generator() {}

	/**
	 * @return a stack of {@code options.count()} slices (8-bit, or 32-bit in the
	 *         model's output range when float output is asked); RGB when the
	 *         model makes three channels
	 */
	public static RunResult run(ModelDescriptor model, GenerateOptions options,
		ProgressListener progress, CancellationToken cancel)
	{
		return run(model, options, 0, progress, cancel);
	}

	/**
	 * As
	 * {@link #run(ModelDescriptor, GenerateOptions, ProgressListener, CancellationToken)},
	 * numbering the samples from {@code firstSample} in what it says of them (a
	 * folder run draws samples {@code a..b} of a longer sequence in one call).
	 *
	 * @throws NonFiniteSample when a sample's values are NaN or infinite and an
	 *           8-bit image is to hold them
	 */
	public static RunResult run(ModelDescriptor model, GenerateOptions options,
		long firstSample, ProgressListener progress, CancellationToken cancel)
	{
		if (model.task() != TaskKind.GENERATE || !(model
			.kind() instanceof ModelKind.Generator)) throw new GanException(
				"model '" + model.name() + "' is not a generator (it is " + model.task()
					.id() + ")");
		long start = System.nanoTime();
		ProgressListener listener = ProgressListener.safe(progress);
		GeneratorSpec g = model.generator();
		int n = options.count();
		refuseStackBeyondMemory(model, n, options.floatOutput());
		long[] labels = labels(g, options);
		float[][] latents = options.latents();
		if (latents != null) for (float[] z : latents)
			if (z.length != g.latentDim()) throw new GanException(
				"the latent file has vectors of length " + z.length +
					"; the model takes " + g.latentDim());
		// a fixed batch axis takes exactly its size: a last, smaller batch is
		// padded with zero latents, whose images are dropped
		long fixedBatch = g.latentShape()[0];
		int batch = (int) Math.min(fixedBatch > 0 ? Integer.MAX_VALUE : MAX_BATCH,
			fixedBatch > 0 ? fixedBatch : n);
		refuseFixedBatchBeyondTensor(model, fixedBatch);

		List<String> notes = new ArrayList<>();
		long[] clipped = { 0 };
		Map<Integer, Long> nonFinite = new java.util.TreeMap<>(); // by slice, where
																															// any
		// a bioimage.io package fiji-gan did not write gives its postprocessed
		// output, in float
		boolean postprocess = !model.outputInInputUnits() && !model.postprocessing()
			.isEmpty();
		boolean floatOut = options.floatOutput() || postprocess;
		RasterImage result = null;
		String provider;
		TensorLayout layout = model.outputLayout();
		StageTimings timings = new StageTimings();
		try (SessionCache.Lease lease = timings.time(StageTimings.Stage.SESSION,
			() -> SessionCache.shared().acquire(model.onnxFile(), model.sha256Files(),
				model.sha256(), options.device(), options.threads())))
		{
			ModelSession session = lease.session();
			provider = session.provider();
			notes.addAll(session.notes());
			for (int from = 0; from < n; from += batch) {
				long convertStart = System.nanoTime();
				cancel.throwIfCancelled();
				int b = Math.min(batch, n - from), fed = fixedBatch > 0 ? batch : b;
				float[] z = new float[fed * g.latentDim()];
				for (int i = 0; i < b; i++) {
					float[] v = latents != null ? latents[from + i] : latent(options
						.seed() + from + i, g.latentDim());
					System.arraycopy(v, 0, z, i * g.latentDim(), g.latentDim());
				}
				long[] zShape = g.latentShape().clone();
				zShape[0] = fed;
				Map<String, Tensor> feeds = new LinkedHashMap<>();
				feeds.put(g.latentInput(), Tensor.of(z, zShape));
				if (g.isConditional()) feeds.put(g.classInput(), g.classFeed(labels,
					from, b, fed));
				long runStart = System.nanoTime();
				Tensor out = session.run(feeds, List.of(model.outputName()), cancel)
					.get(model.outputName());
				long runEnd = System.nanoTime();
				timings.add(StageTimings.Stage.RUN, runEnd - runStart);
				long[] s = out.shape();
				if (result == null && model.outputLayoutAtRunTime()) {
					layout = model.outputLayout(s);
					notes.add("the generator's output " + model.declaredOutput()
						.shapeString() + " leaves its layout open: " + "read as " + layout +
						" from the shape of its samples " + Arrays.toString(s).replace(" ",
							""));
				}
				int c = layout.channelAxis() < 0 ? 1 : (int) s[layout.channelAxis()];
				int h = (int) s[layout.yAxis()], w = (int) s[layout.xAxis()];
				if (result == null) result = allocate(w, h, c, n, floatOut);
				write(out, layout, b, from, c, h, w, result, model.outputRange(),
					floatOut, options, firstSample, nonFinite, clipped);
				timings.add(StageTimings.Stage.CONVERSION, runStart - convertStart +
					System.nanoTime() - runEnd);
				listener.onProgress(new ProgressEvent(Stage.IMAGE, from + b, n,
					"fiji-gan: generated " + (from + b) + "/" + n));
			}
		}
		long bad = nonFinite.values().stream().mapToLong(Long::longValue).sum();
		if (bad > 0) notes.add(floatOut ? bad +
			" NaN/infinite values in the model's " +
			"output, kept as they are in the 32-bit images" : options.nonFinite()
				.describeMapping(bad, "values in the model's output"));
		if (clipped[0] > 0) notes.add(ClippedValues.note(clipped[0], result.type(),
			(double) result.width() * result.height() * result.logicalChannels() *
				n));
		if (postprocess) postprocess(model, result);
		double seconds = (System.nanoTime() - start) / 1e9;
		RunReport report = new RunReport(provider, 1, 0, result.width(), result
			.height(), notes, seconds, bad, timings);
		result.setTitle("SYNTHETIC-" + model.name());
		tag(result, model, options, labels, report);
		result.properties().put(ImageToImage.NONFINITE_PROPERTY, Long.toString(
			bad));
		for (Map.Entry<Integer, Long> e : nonFinite.entrySet())
			result.properties().put("fiji-gan.slice." + (e.getKey() + 1) +
				".nonfinite", Long.toString(e.getValue()));
		return new RunResult(result, report);
	}

	/**
	 * Refuses, before anything is allocated, a stack of {@code n} images that
	 * cannot fit in the Java heap, as far as the model declares its output's size
	 * (a model that leaves it open is checked once its first block is drawn).
	 */
	public static void refuseStackBeyondMemory(ModelDescriptor model, long n,
		boolean floatOutput)
	{
		long declared = declaredOutputPixels(model);
		if (declared > 0) refuseBeyondMemory(n, declared, 1, floatOutput);
	}

	/**
	 * Refuses a generator whose fixed batch of latent vectors, or of the images
	 * it declares, is beyond the 2^31 values one tensor can hold: a batch and a
	 * length of 2^20 each (within the bound on one axis) made the latent batch an
	 * int that wrapped to 0, and the run failed with an index out of bounds.
	 */
	private static void refuseFixedBatchBeyondTensor(ModelDescriptor model,
		long fixedBatch)
	{
		if (fixedBatch <= 0) return;
		GeneratorSpec g = model.generator();
		long latentValues = DiskSpace.times(fixedBatch, g.latentDim());
		long imageValues = DiskSpace.times(fixedBatch, Math.max(0,
			declaredOutputPixels(model)));
		long values = Math.max(latentValues, imageValues);
		if (values <= Integer.MAX_VALUE) return;
		throw new GanException("generator " + model.name() +
			" takes a fixed batch of " + fixedBatch + " latent vectors of " + g
				.latentDim() + " values: one batch of " + (values == latentValues
					? "latent vectors" : "images") + " is " + values +
			" values, beyond the 2^31 values one tensor can hold; the batch is the " +
			"model's: export it again with a dynamic batch axis");
	}

	/**
	 * Refuses a stack of {@code n} images that cannot fit the Java heap, before
	 * it is allocated. The way out it names fits both commands that hold such a
	 * stack, generate and evaluate.
	 *
	 * @param pixels pixels of one image (times channels when {@code channels} is
	 *          1 and the channels are counted in, as
	 *          {@link #declaredOutputPixels} does)
	 */
	private static void refuseBeyondMemory(long n, long pixels, int channels,
		boolean floatOut)
	{
		long perImage = pixels * (channels == 3 && !floatOut ? 4 : (long) channels *
			(floatOut ? 4 : 1));
		long need = Math.multiplyHigh(perImage, n) != 0 ? Long.MAX_VALUE
			: perImage * n;
		Runtime rt = Runtime.getRuntime();
		long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		if (need > free) {
			System.gc(); // what looked used may be garbage
			free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		}
		if (need > free) throw new GanException("a stack of " + n +
			" generated images needs " + ImageToImage.bytes(need) +
			" of Java memory, but only " + ImageToImage.bytes(free) + " is " +
			"free: draw fewer (--count), give Java more (JAVA_OPTS=-Xmx...), or, " +
			"with generate, write them one file at a time into a folder (--output " +
			"DIR), which takes constant memory");
	}

	/**
	 * The values of one generated image (width x height x channels) as far as the
	 * model declares its output's size; -1 when it leaves one of them open.
	 */
	public static long declaredOutputPixels(ModelDescriptor model) {
		if (model.graph() == null) return -1;
		for (var v : model.graph().outputs()) {
			if (!v.name().equals(model.outputName())) continue;
			long[] d = v.dims();
			TensorLayout layout = model.outputLayout();
			long p = 1;
			for (int axis : new int[] { layout.xAxis(), layout.yAxis(), layout
				.channelAxis() })
			{
				if (axis < 0) continue;
				if (axis >= d.length || d[axis] <= 0) return -1;
				p *= d[axis];
			}
			return p;
		}
		return -1;
	}

	/**
	 * Applies the model's bioimage.io postprocessing to every generated sample (a
	 * slice of {@code result}, float), with statistics of the sample or, per
	 * dataset, of all samples.
	 */
	private static void postprocess(ModelDescriptor model, RasterImage result) {
		int c = result.channels(), w = result.width();
		int[] all = new int[c];
		for (int i = 0; i < c; i++)
			all[i] = i;
		float[][] rows = new float[c][w];
		for (int z = 0; z < result.slices(); z++) {
			int sample = z;
			ProcessingChain chain = ProcessingChain.resolve(model.postprocessing(), c,
				(ofInput, perDataset, channel) -> {
					if (ofInput) throw new GanException(
						"the postprocessing takes statistics of an input; a generator's " +
							"inputs are latent vectors and labels");
					return ChannelStatistics.of(result, channel < 0 ? all : new int[] {
						channel }, perDataset ? -1 : sample);
				}, "postprocessing");
			for (int y = 0; y < result.height(); y++) {
				for (int ch = 0; ch < c; ch++)
					result.readRegion(ch, z, 0, 0, y, w, 1, rows[ch], 0);
				chain.apply(rows, w);
				for (int ch = 0; ch < c; ch++)
					result.writeRegion(ch, z, 0, 0, y, w, 1, rows[ch], 0);
			}
		}
	}

	/**
	 * The latent vector of one seed: {@code dim} standard normal values, from
	 * {@code new Random(mix(seed))} where {@code mix} is SplitMix64's output
	 * function (Steele et al. 2014) of {@code seed + 0x9E3779B97F4A7C15}.
	 * {@code java.util.Random} seeded with consecutive numbers starts almost
	 * alike: seeds 1 to 135 draw first values of mean 0.9 and standard deviation
	 * 0.66, not 0 and 1, so a run of samples would share most of their first
	 * latent component.
	 */
	public static float[] latent(long seed, int dim) {
		Random r = new Random(mix(seed));
		float[] z = new float[dim];
		for (int i = 0; i < dim; i++)
			z[i] = (float) r.nextGaussian();
		return z;
	}

	private static long mix(long seed) {
		return Seeds.splitMix(seed + Seeds.GOLDEN);
	}

	private static long[] labels(GeneratorSpec g, GenerateOptions o) {
		if (!g.isConditional()) {
			if (o.classLabel() != null || o.classLabels() != null)
				throw new GanException(
					"this generator takes no class; remove --class/--classes");
			return null;
		}
		long[] labels = new long[o.count()];
		if (o.classLabels() != null) System.arraycopy(o.classLabels(), 0, labels, 0,
			labels.length);
		else if (o.classLabel() != null) java.util.Arrays.fill(labels, o
			.classLabel());
		else {
			g.requireClassCount();
			for (int i = 0; i < labels.length; i++)
				labels[i] = i % g.classCount();
		}
		for (long l : labels)
			g.requireLabel(l);
		return labels;
	}

	/**
	 * The stack of all {@code n} images, after checking that it fits the Java
	 * heap: a stack is held whole, unlike a folder of files, which is written one
	 * image at a time.
	 */
	private static RasterImage allocate(int w, int h, int c, int n,
		boolean floatOut)
	{
		refuseBeyondMemory(n, (long) w * h, c, floatOut);
		if (c == 3 && !floatOut) return RasterImage.allocate(w, h, 1, n, 1,
			PixelType.RGB);
		return RasterImage.allocate(w, h, c, n, 1, floatOut ? PixelType.FLOAT32
			: PixelType.UINT8);
	}

	/**
	 * Writes {@code b} generated images into slices {@code first...} of
	 * {@code result}, counting each one's NaN and infinite values into
	 * {@code nonFinite[slice]}, and the values an 8-bit image cannot hold
	 * ({@link ClippedValues}) into {@code clipped[0]}.
	 */
	private static void write(Tensor out, TensorLayout layout, int b, int first,
		int c, int h, int w, RasterImage result, ValueRange range, boolean floatOut,
		GenerateOptions options, long firstSample, Map<Integer, Long> nonFinite,
		long[] clipped)
	{
		NonFinite policy = options.nonFinite();
		if (result.width() != w || result.height() != h || result
			.logicalChannels() != c) throw new GanException(
				"the generator changed its output shape between batches");
		int[] st = PlaneRunner.strides(out.shape());
		float[] plane = new float[w * h];
		float scale = (float) (255 / range.width()), offset = (float) (-range
			.min() * scale);
		for (int i = 0; i < b; i++)
			for (int ch = 0; ch < c; ch++) {
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++) {
						float v = out.floats()[PlaneRunner.offset(layout, st, i, ch, y, x)];
						if (!Float.isFinite(v)) {
							nonFinite.merge(first + i, 1L, Long::sum);
							if (!floatOut && policy == NonFinite.FAIL)
								throw new NonFiniteSample(firstSample + first + i, options
									.latents() != null ? null : options.seed() + first + i);
							if (!floatOut && policy == NonFinite.ZERO) v = Float.NaN; // written
																																				// as 0
																																				// below
						}
						plane[y * w + x] = floatOut ? v : v * scale + offset;
					}
				clipped[0] += ClippedValues.count(plane, w * h, result.type());
				result.writeRegion(ch, first + i, 0, 0, 0, w, h, plane, 0);
			}
	}

	/**
	 * A sample's NaN or infinite values, which an 8-bit image cannot hold; the
	 * other samples drawn with it may be fine.
	 */
	public static final class NonFiniteSample extends GanException {

		private static final long serialVersionUID = 1L;

		/**
		 * @param sample the sample's number
		 * @param seed the seed of its latent vector, or null for one from a file
		 */
		NonFiniteSample(long sample, Long seed) {
			super("the generator gave NaN or infinite values for sample " + sample +
				(seed == null ? "" : " (seed " + seed + ")") +
				", which an 8-bit image cannot hold: write 32-bit float output " +
				"(--float) to keep them, or choose --nonfinite zero or clip to map them");
		}
	}

	/**
	 * The {@code fiji-gan.class} of a conditional stack: its class's name, or the
	 * names of its classes in the order they first come, joined by a comma, when
	 * its slices differ (each slice's label names its own).
	 */
	static String className(GeneratorSpec g, long[] labels) {
		java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
		for (long label : labels)
			names.add(g.className((int) label));
		return String.join(",", names);
	}

	private static void tag(RasterImage result, ModelDescriptor model,
		GenerateOptions o, long[] labels, RunReport report)
	{
		var p = result.properties();
		GeneratorSpec g = model.generator();
		p.put("fiji-gan.synthetic",
			"SYNTHETIC: every slice was generated by a GAN, not acquired");
		p.put("fiji-gan.task", TaskKind.GENERATE.id());
		p.put("fiji-gan.model", model.name());
		p.put("fiji-gan.model.sha256", model.sha256());
		p.put("fiji-gan.provider", report.provider());
		p.put("fiji-gan.seed", o.latents() != null ? "latent file" : Long.toString(o
			.seed()));
		p.put("fiji-gan.count", Integer.toString(o.count()));
		if (labels != null) p.put("fiji-gan.class", className(g, labels));
		for (int i = 0; i < o.count(); i++) {
			StringBuilder label = new StringBuilder("SYNTHETIC");
			if (o.latents() == null) label.append(" seed=").append(o.seed() + i);
			else label.append(" latent=").append(i);
			if (labels != null) label.append(" class=").append(g.className(
				(int) labels[i]));
			label.append(" model=").append(model.name()).append(" sha256=").append(
				model.sha256(), 0, 12);
			p.put("fiji-gan.slice." + (i + 1) + ".label", label.toString());
		}
		for (int i = 0; i < report.notes().size(); i++)
			p.put("fiji-gan.note." + (i + 1), report.notes().get(i));
	}
}
