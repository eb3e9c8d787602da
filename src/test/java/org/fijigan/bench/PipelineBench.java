
package org.fijigan.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.RunResult;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

/**
 * The fiji-gan side of {@code bench/run-all.sh} (figures 1, 2, 4 and 6 of
 * bench/README.md): a plain main on the test class path, not a test. Every mode
 * writes {@code key=value} lines into the work folder, each time key followed
 * by the raw per-repetition times in seconds; {@code bench/pipeline_report.py}
 * turns them into the tables. Variants compared with each other take turns
 * repetition by repetition, in one JVM, so that load from elsewhere hits all of
 * them alike.
 *
 * <pre>
 * overhead WORK ROUNDS REPS THREADS   figure 1: sr.onnx on a 1024x1024 16-bit image
 * torch    WORK ROUND REPS WARMUP THREADS   figure 2: sr.onnx on x512.npy (raw) and a 512x512 image
 * scaling  WORK MEGAPIXELS REPS THREADS     figure 4: denoise.onnx, one size per JVM
 * write-tif WORK NAME MEGAPIXELS     a 16-bit TIFF of image16, for the command-line run of figure 4
 * threads  WORK ROUNDS REPS           figure 6: denoise.onnx, threads 1/2 x one tile / a batch per run
 * </pre>
 */
public final class PipelineBench {

	private PipelineBench() {}

	public static void main(String[] args) throws Exception {
		Path work = Path.of(args[1]);
		switch (args[0]) {
			case "overhead" -> overhead(work, Integer.parseInt(args[2]), Integer
				.parseInt(args[3]), Integer.parseInt(args[4]));
			case "torch" -> torch(work, args[2], Integer.parseInt(args[3]), Integer
				.parseInt(args[4]), Integer.parseInt(args[5]));
			case "scaling" -> scaling(work, Integer.parseInt(args[2]), Integer
				.parseInt(args[3]), Integer.parseInt(args[4]));
			case "threads" -> threads(work, Integer.parseInt(args[2]), Integer
				.parseInt(args[3]));
			case "write-tif" -> writeTif(work.resolve(args[2]), Integer.parseInt(
				args[3]));
			default -> throw new IllegalArgumentException("mode " + args[0]);
		}
		System.exit(0); // ORT's thread pools
	}

	/**
	 * A seeded 16-bit image: a smooth pattern plus noise, covering most of the
	 * 16-bit range.
	 */
	static RasterImage image16(int w, int h, long seed) {
		short[] p = new short[w * h];
		SplittableRandom r = new SplittableRandom(seed);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double v = 20000 + 15000 * Math.sin(x * 0.031) * Math.cos(y * 0.023) + r
					.nextGaussian() * 2000;
				p[y * w + x] = (short) Math.max(0, Math.min(65535, Math.round(v)));
			}
		return new RasterImage(w, h, 1, 1, 1, PixelType.UINT16, new Object[] { p });
	}

	static ModelDescriptor model(Path file) {
		return ModelLoader.load(file.toString(), ModelOverrides.NONE);
	}

	static InferenceOptions options(int threads) {
		return InferenceOptions.defaults().withDevice(DeviceSpec.CPU, threads);
	}

	static RunResult pipeline(ModelDescriptor m, RasterImage image,
		InferenceOptions o)
	{
		return ImageToImage.run(m, image, o, ProgressListener.NONE,
			CancellationToken.none());
	}

	static OrtSession rawSession(Path file, int threads) throws Exception {
		OrtSession.SessionOptions o = new OrtSession.SessionOptions();
		o.setIntraOpNumThreads(threads);
		o.setInterOpNumThreads(1);
		o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
		o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
		o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
		return OrtEnvironment.getEnvironment().createSession(file.toString(), o);
	}

	/**
	 * The image normalised as the default pipeline does (percentile 1-99.8 to [0,
	 * 1]).
	 */
	static OnnxTensor normalised(RasterImage image) throws Exception {
		ChannelStatistics s = ChannelStatistics.of(image, 0);
		double lo = s.percentile(1), hi = s.percentile(99.8);
		int n = image.width() * image.height();
		float[] f = new float[n];
		image.readRegion(0, 0, 0, 0, 0, image.width(), image.height(), f, 0);
		FloatBuffer b = ByteBuffer.allocateDirect(n * 4).order(ByteOrder
			.nativeOrder()).asFloatBuffer();
		for (float v : f)
			b.put((float) ((v - lo) / (hi - lo)));
		b.rewind();
		return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), b,
			new long[] { 1, 1, image.height(), image.width() });
	}

	/**
	 * One raw run: session.run on a prepared tensor, the result closed (not
	 * copied out).
	 */
	static double rawRun(OrtSession s, OnnxTensor x) throws Exception {
		long t0 = System.nanoTime();
		try (OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(),
			x)))
		{
			if (r.size() != 1) throw new IllegalStateException();
		}
		return (System.nanoTime() - t0) / 1e9;
	}

	/**
	 * One {@link ModelSession#run} through the shared session cache, as the
	 * pipeline makes it.
	 */
	static double sessionRun(Path work, int threads, String in, String out,
		Tensor x)
	{
		long t0 = System.nanoTime();
		try (SessionCache.Lease lease = SessionCache.shared().acquire(work.resolve(
			"sr.onnx"), DeviceSpec.CPU, threads))
		{
			if (lease.session().run(Map.of(in, x), List.of(out), CancellationToken
				.none()).get(out).floats().length == 0)
				throw new IllegalStateException();
		}
		return (System.nanoTime() - t0) / 1e9;
	}

	static double timed(Runnable r) {
		long t0 = System.nanoTime();
		r.run();
		return (System.nanoTime() - t0) / 1e9;
	}

	/**
	 * Figure 1: whole pipeline against one raw OrtSession.run, 1024x1024 16-bit,
	 * x4.
	 */
	static void overhead(Path work, int rounds, int reps, int threads)
		throws Exception
	{
		ModelDescriptor m = model(work.resolve("sr.onnx"));
		RasterImage image = image16(1024, 1024, 1);
		Map<String, List<Double>> t = new LinkedHashMap<>();
		for (String k : List.of("raw", "session", "untiled", "tiled"))
			t.put(k, new ArrayList<>());
		String tiledPlan;
		try (OrtSession s = rawSession(work.resolve("sr.onnx"), threads);
				OnnxTensor x = normalised(image))
		{
			InferenceOptions untiled = options(threads).withTileSize(
				InferenceOptions.NO_TILING);
			// ModelSession.run on the same values from a heap float[]: the engine
			// wrapper's copies in
			// and out, without the pipeline's statistics, tiling and conversion
			float[] xf = new float[image.width() * image.height()];
			x.getFloatBuffer().get(xf);
			Tensor xt = Tensor.of(xf, 1, 1, image.height(), image.width());
			String in = s.getInputNames().iterator().next(), out = s.getOutputNames()
				.iterator().next();
			InferenceOptions tiled = options(threads);
			// warm-up: one of each (session creation in the cache, JIT)
			rawRun(s, x);
			sessionRun(work, threads, in, out, xt);
			pipeline(m, image, untiled);
			tiledPlan = pipeline(m, image, tiled).image().properties().get(
				"fiji-gan.tiles");
			for (int round = 0; round < rounds; round++)
				for (int i = 0; i < reps; i++) {
					t.get("raw").add(rawRun(s, x));
					t.get("session").add(sessionRun(work, threads, in, out, xt));
					t.get("untiled").add(timed(() -> pipeline(m, image, untiled)));
					t.get("tiled").add(timed(() -> pipeline(m, image, tiled)));
				}
		}
		StringBuilder out = new StringBuilder();
		out.append("model=").append(m.name()).append(" halo ").append(m
			.haloPixels()).append("\n");
		out.append("tiled_plan=").append(tiledPlan).append("\n");
		for (var e : t.entrySet())
			out.append(e.getKey()).append('=').append(join(e.getValue())).append(
				'\n');
		write(work.resolve("overhead.txt"), out.toString());
	}

	/**
	 * Figure 2, fiji-gan side: the SR model on the same 512x512 input as PyTorch.
	 */
	static void torch(Path work, String round, int reps, int warmup, int threads)
		throws Exception
	{
		NpyArray a = Npy.read(work.resolve("x512.npy"));
		float[] data = (float[]) a.data();
		ModelDescriptor m = model(work.resolve("sr.onnx"));
		// the same values as a 16-bit image, through the whole pipeline (default
		// options)
		short[] p = new short[512 * 512];
		for (int i = 0; i < p.length; i++)
			p[i] = (short) Math.round(data[i] * 65535);
		RasterImage image = new RasterImage(512, 512, 1, 1, 1, PixelType.UINT16,
			new Object[] { p });
		List<Double> raw = new ArrayList<>(), plugin = new ArrayList<>();
		try (OrtSession s = rawSession(work.resolve("sr.onnx"), threads)) {
			FloatBuffer b = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder
				.nativeOrder()).asFloatBuffer().put(data);
			b.rewind();
			try (OnnxTensor x = OnnxTensor.createTensor(OrtEnvironment
				.getEnvironment(), b, new long[] { 1, 1, 512, 512 }))
			{
				InferenceOptions o = options(threads);
				for (int i = 0; i < warmup + reps; i++) {
					double r = rawRun(s, x);
					double q = timed(() -> pipeline(m, image, o));
					if (i >= warmup) {
						raw.add(r);
						plugin.add(q);
					}
				}
			}
		}
		write(work.resolve("java-" + round + ".txt"), "threads=" + threads +
			"\nraw512=" + join(raw) + "\nplugin512=" + join(plugin) + "\n");
	}

	/** Figure 4: one size per JVM; time, peak RSS, peak Java heap in use. */
	static void scaling(Path work, int megapixels, int reps, int threads)
		throws Exception
	{
		ModelDescriptor m = model(work.resolve("denoise.onnx"));
		pipeline(m, image16(256, 256, 2), options(threads)); // session and JIT
																													// warm-up, not
																													// counted
		int side = (int) Math.round(Math.sqrt(megapixels) * 1024);
		HeapSampler heap = new HeapSampler();
		heap.start();
		LiveHeap live = new LiveHeap();
		RasterImage image = image16(side, side, 3);
		System.gc();
		long heapWithInput = used();
		List<Double> times = new ArrayList<>();
		String plan = null;
		for (int i = 0; i < reps; i++) {
			RunResult r = null;
			long t0 = System.nanoTime();
			r = pipeline(m, image, options(threads));
			times.add((System.nanoTime() - t0) / 1e9);
			plan = r.image().properties().get("fiji-gan.tiles");
			r = null;
			System.gc();
		}
		heap.stop = true;
		heap.join();
		write(work.resolve("scaling-" + megapixels + ".txt"), "megapixels=" +
			megapixels + "\nside=" + side + "\nplan=" + plan + "\ntime=" + join(
				times) + "\nheap_with_input_mb=" + mb(heapWithInput) +
			"\nheap_peak_mb=" + mb(heap.peak) + "\nheap_live_peak_mb=" + mb(
				live.peak) + "\nheap_max_mb=" + mb(Runtime.getRuntime().maxMemory()) +
			"\nrss_peak_mb=" + procStatusKb("VmHWM") / 1024 + "\n");
	}

	/**
	 * Figure 6: threads 1 and 2, a batch of tiles per run against one tile per
	 * run.
	 */
	static void threads(Path work, int rounds, int reps) throws Exception {
		ModelDescriptor m = model(work.resolve("denoise.onnx"));
		RasterImage image = image16(2048, 2048, 4);
		Map<String, InferenceOptions> variants = new LinkedHashMap<>();
		for (int th : new int[] { 1, 2 }) {
			InferenceOptions tiles = options(th).withTileSize(256);
			variants.put("t" + th + "_batch", tiles); // batch of up to 16 tiles (1
																								// GiB budget)
			variants.put("t" + th + "_single", tiles.withMemoryBudget(1 << 20)); // budget
																																						// fits
																																						// 1
																																						// tile
			variants.put("t" + th + "_auto", options(th)); // default: auto window
		}
		Map<String, List<Double>> t = new LinkedHashMap<>();
		StringBuilder out = new StringBuilder();
		for (var e : variants.entrySet()) {
			t.put(e.getKey(), new ArrayList<>());
			out.append(e.getKey()).append("_plan=").append(pipeline(m, image, e
				.getValue()).image().properties().get("fiji-gan.tiles")).append('\n');
		}
		for (int round = 0; round < rounds; round++)
			for (int i = 0; i < reps; i++)
				for (var e : variants.entrySet())
					t.get(e.getKey()).add(timed(() -> pipeline(m, image, e.getValue())));
		for (var e : t.entrySet())
			out.append(e.getKey()).append('=').append(join(e.getValue())).append(
				'\n');
		write(work.resolve("threads.txt"), out.toString());
	}

	/**
	 * Writes {@link #image16} of {@code megapixels} (side sqrt(MP) * 1024) as a
	 * 16-bit TIFF.
	 */
	static void writeTif(Path file, int megapixels) {
		int side = (int) Math.round(Math.sqrt(megapixels) * 1024);
		RasterImage r = image16(side, side, 3);
		ij.ImagePlus imp = new ij.ImagePlus("bench", new ij.process.ShortProcessor(
			side, side, (short[]) r.plane(0), null));
		if (!ij.IJ.saveAsTiff(imp, file.toString()))
			throw new IllegalStateException("cannot write " + file);
	}

	/**
	 * The largest heap in use right after a collection (live data), over the
	 * whole run.
	 */
	static final class LiveHeap {

		volatile long peak;

		LiveHeap() {
			java.util.Set<String> heapPools = new java.util.HashSet<>();
			for (var p : java.lang.management.ManagementFactory
				.getMemoryPoolMXBeans())
				if (p.getType() == java.lang.management.MemoryType.HEAP) heapPools.add(p
					.getName());
			for (var gc : java.lang.management.ManagementFactory
				.getGarbageCollectorMXBeans())
				((javax.management.NotificationEmitter) gc).addNotificationListener((n,
					h) -> {
					if (!n.getType().equals(
						com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION))
						return;
					var info = com.sun.management.GarbageCollectionNotificationInfo.from(
						(javax.management.openmbean.CompositeData) n.getUserData());
					long used = 0;
					for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet())
						if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
					peak = Math.max(peak, used);
				}, null, null);
		}
	}

	/** Samples the heap in use every 5 ms. */
	static final class HeapSampler extends Thread {

		volatile boolean stop;
		volatile long peak;

		HeapSampler() {
			setDaemon(true);
		}

		@Override
		public void run() {
			while (!stop) {
				peak = Math.max(peak, used());
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException e) {
					return;
				}
			}
		}
	}

	static long used() {
		Runtime rt = Runtime.getRuntime();
		return rt.totalMemory() - rt.freeMemory();
	}

	static long procStatusKb(String key) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status")))
			if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll(
				"[^0-9]", ""));
		return -1;
	}

	static long mb(long bytes) {
		return bytes >> 20;
	}

	static String join(List<Double> v) {
		StringBuilder b = new StringBuilder();
		for (double d : v)
			b.append(b.length() == 0 ? "" : ",").append(String.format(
				java.util.Locale.ROOT, "%.6f", d));
		return b.toString();
	}

	static void write(Path p, String s) {
		try {
			Files.writeString(p, s);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		System.err.print(s.replaceAll("(=[0-9.]+(,[0-9.]+){3})[0-9.,]*", "$1,..."));
	}
}
