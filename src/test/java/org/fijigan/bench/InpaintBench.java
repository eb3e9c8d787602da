
package org.fijigan.bench;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.train.data.FreeFormMask;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * The fiji-gan side of {@code bench/inpaint-speed.sh}: a plain main on the test
 * class path, not a test. For each inpainting model given, on one seeded
 * {@code SIZE x SIZE} 8-bit image with seeded free-form holes (10-30%, as
 * {@code evaluate} draws them): the ONNX Runtime session creation, one raw
 * {@code OrtSession.run} on the prepared tensors (wall clock and the process's
 * CPU time), and the whole {@link Inpainter#run} as the commands call it
 * (normalisation, tiling, composite), its first call (which creates the
 * session) and later ones (cached session). The models take turns repetition by
 * repetition, so load from elsewhere hits all of them alike. Prints a Markdown
 * table of medians and min-max.
 *
 * <pre>
 * InpaintBench SIZE REPS THREADS MODEL.onnx...
 * </pre>
 */
public final class InpaintBench {

	private static final int WARMUP = 2;

	private InpaintBench() {}

	public static void main(String[] args) throws Exception {
		int size = Integer.parseInt(args[0]), reps = Integer.parseInt(args[1]),
				threads = Integer.parseInt(args[2]);
		List<Path> models = Arrays.stream(args).skip(3).map(Path::of).toList();
		RasterImage image = image(size, 7), mask = mask(size, 7);
		Map<Path, List<Double>> created = new HashMap<>(), wall = new HashMap<>(),
				cpu = new HashMap<>(), first = new HashMap<>(), cached =
					new HashMap<>();
		Map<Path, OrtSession> sessions = new HashMap<>();
		Map<Path, Map<String, OnnxTensor>> feeds = new HashMap<>();
		for (Path m : models) {
			long t0 = System.nanoTime();
			OrtSession s = PipelineBench.rawSession(m, threads);
			created.put(m, List.of((System.nanoTime() - t0) / 1e9));
			sessions.put(m, s);
			feeds.put(m, feeds(s, image, mask));
			for (Map<Path, List<Double>> k : List.of(wall, cpu, first, cached))
				k.put(m, new ArrayList<>());
		}
		for (int r = -WARMUP; r < reps; r++)
			for (Path m : models) {
				long c0 = cpuNanos(), t0 = System.nanoTime();
				try (OrtSession.Result out = sessions.get(m).run(feeds.get(m))) {
					if (out.size() != 1) throw new IllegalStateException(
						"one output expected");
				}
				if (r >= 0) {
					wall.get(m).add((System.nanoTime() - t0) / 1e9);
					cpu.get(m).add((cpuNanos() - c0) / 1e9);
				}
			}
		for (OrtSession s : sessions.values())
			s.close();
		// the pipeline: the first call of each model creates its session in the
		// shared cache
		for (int r = 0; r <= reps; r++)
			for (Path m : models) {
				ModelDescriptor d = PipelineBench.model(m);
				long t0 = System.nanoTime();
				Inpainter.run(d, image, mask, PipelineBench.options(threads)
					.withCompositeInpaint(true), ProgressListener.NONE, CancellationToken
						.none());
				(r == 0 ? first : cached).get(m).add((System.nanoTime() - t0) / 1e9);
			}
		System.out.printf(Locale.ROOT,
			"%dx%d, %d threads, %d repetitions after %d warm-ups; %s%n%n", size, size,
			threads, reps, WARMUP, Runtime.version());
		System.out.println(
			"| model | session creation | run: wall | run: CPU (all threads) | " +
				"pipeline, first call | pipeline, cached session |");
		System.out.println("|---|---|---|---|---|---|");
		for (Path m : models)
			System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", m,
				seconds(created.get(m)), seconds(wall.get(m)), seconds(cpu.get(m)),
				seconds(first.get(m)), seconds(cached.get(m)));
		System.exit(0); // ORT's thread pools
	}

	/** A seeded grey image: smooth structure, edges and noise, 8-bit. */
	static RasterImage image(int size, long seed) {
		byte[] p = new byte[size * size];
		SplittableRandom r = new SplittableRandom(seed);
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++) {
				double v = 128 + 60 * Math.sin(x * 0.037) * Math.cos(y * 0.029) + (((x /
					48) + (y / 48)) % 2 == 0 ? 30 : -30) + 10 * r.nextGaussian();
				p[y * size + x] = (byte) Math.max(0, Math.min(255, Math.round(v)));
			}
		return new RasterImage(size, size, 1, 1, 1, PixelType.UINT8, new Object[] {
			p });
	}

	/** Seeded free-form holes covering 10-30%, 255 on the holes. */
	static RasterImage mask(int size, long seed) {
		boolean[] holes = FreeFormMask.generate(size, size, 0.1, 0.3,
			new SplittableRandom(seed));
		byte[] p = new byte[size * size];
		for (int i = 0; i < p.length; i++)
			if (holes[i]) p[i] = (byte) 255;
		return new RasterImage(size, size, 1, 1, 1, PixelType.UINT8, new Object[] {
			p });
	}

	/**
	 * The model's two inputs: the image in [0, 1] with its holes at 0, and the
	 * mask (1 = hole).
	 */
	private static Map<String, OnnxTensor> feeds(OrtSession s, RasterImage image,
		RasterImage mask) throws Exception
	{
		int n = image.width() * image.height();
		float[] x = new float[n], m = new float[n];
		image.readRegion(0, 0, 0, 0, 0, image.width(), image.height(), x, 0);
		mask.readRegion(0, 0, 0, 0, 0, mask.width(), mask.height(), m, 0);
		for (int i = 0; i < n; i++) {
			m[i] = m[i] != 0 ? 1 : 0;
			x[i] = m[i] != 0 ? 0 : x[i] / 255;
		}
		long[] shape = { 1, 1, image.height(), image.width() };
		List<String> names = new ArrayList<>(s.getInputNames());
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		Map<String, OnnxTensor> feeds = new HashMap<>();
		for (String name : names)
			feeds.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(name.equals(
				"mask") ? m : x), shape));
		return feeds;
	}

	private static long cpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	/** Median and min-max, in seconds. */
	private static String seconds(List<Double> v) {
		double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		if (s.length == 1) return String.format(Locale.ROOT, "%.3f s", s[0]);
		double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] +
			s[s.length / 2]) / 2;
		return String.format(Locale.ROOT, "%.3f s (%.3f-%.3f)", median, s[0],
			s[s.length - 1]);
	}
}
