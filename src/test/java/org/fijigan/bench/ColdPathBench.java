
package org.fijigan.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.AdversarialKind;
import org.fijigan.core.train.LossKind;
import org.fijigan.core.train.OptimizerConfig;
import org.fijigan.core.train.Parameter;
import org.fijigan.core.train.Parameters;
import org.fijigan.core.train.StepGraph;
import org.fijigan.core.train.StepRunner;
import org.fijigan.core.train.autodiff.ShapeProbe;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

/**
 * The Java side of {@code bench/cold-path.sh}: a plain main on the test class
 * path, not a test.
 *
 * <pre>
 * input  OUT.npy C H W SEED           a seeded random float32 tensor [1,C,H,W] in [0,1)
 * bare   MODEL IN.npy OUT.npy THREADS  the bare single-run process: reads IN, one ORT session with
 *                                      fiji-gan's CPU options, one run, writes OUT; prints its stages
 * gflops MODEL C H W S THREADS REPS   conv/matmul FLOPs of inference (1xCxHxW) and of one fine-tune
 *                                      step (1xCxSxS), and their warm times, as key=value lines
 * report WORK                          medians of the rounds in WORK, as markdown tables
 * same A.npy B.npy                     whether two float32 .npy files hold the same values (leading
 *                                      axes of length 1 aside), bit for bit
 * options MODEL C H W THREADS ROUNDS  ONNX Runtime CPU session options, taking turns: session
 *                                      creation, first run and warm runs of each variant
 * </pre>
 *
 * The bare program uses ONNX Runtime's Java API and nothing of fiji-gan, as a
 * user who writes the shortest correct program would: it is the anchor the
 * command line's cold path is measured against.
 */
public final class ColdPathBench {

	private ColdPathBench() {}

	public static void main(String[] args) throws Exception {
		switch (args[0]) {
			case "input" -> input(Path.of(args[1]), Integer.parseInt(args[2]), Integer
				.parseInt(args[3]), Integer.parseInt(args[4]), Long.parseLong(args[5]));
			case "bare" -> bare(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
				Integer.parseInt(args[4]));
			case "gflops" -> gflops(Path.of(args[1]), Integer.parseInt(args[2]),
				Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(
					args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7]));
			case "report" -> report(Path.of(args[1]));
			case "same" -> System.out.println(same(Path.of(args[1]), Path.of(
				args[2])));
			case "options" -> options(Path.of(args[1]), Integer.parseInt(args[2]),
				Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(
					args[5]), Integer.parseInt(args[6]));
			default -> throw new IllegalArgumentException("unknown mode " + args[0]);
		}
	}

	// ---- the bare single-run process
	// --------------------------------------------------------

	/**
	 * Reads a float32 .npy, creates a session with the options fiji-gan's
	 * ModelSession uses on the CPU (intra-op threads, one inter-op thread,
	 * sequential, all optimisations, no spinning), runs once, writes the first
	 * output as float32 .npy, and prints each stage in seconds.
	 */
	static void bare(Path model, Path in, Path out, int threads)
		throws Exception
	{
		long main = System.currentTimeMillis();
		long t0 = System.nanoTime();
		long[][] shape = new long[1][];
		FloatBuffer x = readNpy(in, shape);
		long t1 = System.nanoTime();
		OrtEnvironment env = OrtEnvironment.getEnvironment(
			OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "bare");
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			o.setIntraOpNumThreads(threads);
			o.setInterOpNumThreads(1);
			o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
			o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
			o.addConfigEntry("session.intra_op.allow_spinning", "0");
			try (OrtSession s = env.createSession(model.toString(), o);
					OnnxTensor t = OnnxTensor.createTensor(env, x, shape[0]))
			{
				long t2 = System.nanoTime();
				String name = s.getInputNames().iterator().next();
				try (OrtSession.Result r = s.run(Map.of(name, t))) {
					long t3 = System.nanoTime();
					OnnxTensor y = (OnnxTensor) r.get(0);
					writeNpy(out, y.getFloatBuffer(), y.getInfo().getShape());
					long t4 = System.nanoTime();
					long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
					System.out.printf(Locale.ROOT,
						"jvm=%.4f%nread=%.4f%nsession=%.4f%nrun=%.4f%nwrite=%.4f%n", (main -
							jvmStart) / 1e3, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) /
								1e9, (t4 - t3) / 1e9);
				}
			}
		}
	}

	/** A little-endian float32 C-order .npy, as numpy writes it. */
	static FloatBuffer readNpy(Path file, long[][] shapeOut) throws IOException {
		try (InputStream raw = Files.newInputStream(file);
				DataInputStream in = new DataInputStream(raw))
		{
			byte[] magic = in.readNBytes(8);
			int headerLength = magic[6] == 1 ? Short.toUnsignedInt(Short.reverseBytes(
				in.readShort())) : Integer.reverseBytes(in.readInt());
			String header = new String(in.readNBytes(headerLength),
				StandardCharsets.ISO_8859_1);
			if (!header.contains("'<f4'") || header.contains("'fortran_order': True"))
				throw new IOException(file +
					": not a little-endian C-order float32 .npy");
			Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
			if (!m.find()) throw new IOException(file + ": no shape");
			List<Long> dims = new ArrayList<>();
			for (String d : m.group(1).split(","))
				if (!d.isBlank()) dims.add(Long.parseLong(d.strip()));
			long n = 1;
			long[] shape = new long[dims.size()];
			for (int i = 0; i < shape.length; i++)
				n *= shape[i] = dims.get(i);
			ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(n * 4)).order(
				ByteOrder.nativeOrder());
			byte[] data = in.readNBytes(Math.toIntExact(n * 4));
			b.asFloatBuffer().put(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)
				.asFloatBuffer());
			shapeOut[0] = shape;
			return b.asFloatBuffer();
		}
	}

	static void writeNpy(Path file, FloatBuffer data, long[] shape)
		throws IOException
	{
		StringBuilder dims = new StringBuilder();
		for (long d : shape)
			dims.append(d).append(", ");
		String s = shape.length == 1 ? dims.toString().strip() : dims.substring(0,
			Math.max(0, dims.length() - 2));
		StringBuilder header = new StringBuilder(
			"{'descr': '<f4', 'fortran_order': False, 'shape': (" + s + "), }");
		while ((10 + header.length() + 1) % 64 != 0)
			header.append(' ');
		header.append('\n');
		ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.remaining() *
			4).order(ByteOrder.LITTLE_ENDIAN);
		b.put(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 });
		b.putShort((short) header.length());
		b.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
		b.asFloatBuffer().put(data.duplicate());
		Files.write(file, b.array());
	}

	/** "identical", or how the two tensors differ. */
	static String same(Path a, Path b) throws IOException {
		long[][] sa = new long[1][], sb = new long[1][];
		FloatBuffer fa = readNpy(a, sa), fb = readNpy(b, sb);
		if (!java.util.Arrays.equals(squeeze(sa[0]), squeeze(sb[0])))
			return "different shapes " + java.util.Arrays.toString(sa[0]) + " and " +
				java.util.Arrays.toString(sb[0]);
		long differ = 0;
		for (int i = 0; i < fa.remaining(); i++)
			if (Float.floatToRawIntBits(fa.get(i)) != Float.floatToRawIntBits(fb.get(
				i))) differ++;
		return differ == 0 ? "identical (" + fa.remaining() +
			" values, bit for bit)" : differ + " of " + fa.remaining() +
				" values differ";
	}

	private static long[] squeeze(long[] shape) {
		int i = 0;
		while (i < shape.length - 1 && shape[i] == 1)
			i++;
		return java.util.Arrays.copyOfRange(shape, i, shape.length);
	}

	static void input(Path out, int c, int h, int w, long seed)
		throws IOException
	{
		SplittableRandom r = new SplittableRandom(seed);
		float[] v = new float[c * h * w];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) r.nextDouble();
		writeNpy(out, FloatBuffer.wrap(v), new long[] { 1, c, h, w });
	}

	// ---- FLOPs and GFLOP/s
	// ----------------------------------------------------------------------

	/**
	 * Multiply-add work of the graph's Conv, ConvTranspose, MatMul and Gemm
	 * nodes, as 2 FLOPs per multiply-add, from the shape of every value for these
	 * feeds ({@link ShapeProbe}). Bias additions and element-wise operators are
	 * not counted.
	 */
	static long flops(ModelProto model, Map<String, Tensor> feeds) {
		ShapeProbe.Result probe = ShapeProbe.probe(model, feeds);
		Map<String, long[]> shapes = new HashMap<>(probe.shapes());
		feeds.forEach((k, v) -> shapes.put(k, v.shape()));
		long total = 0;
		for (NodeProto n : model.getGraph().getNodeList()) {
			String op = n.getOpType();
			if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx"))
				continue;
			switch (op) {
				case "Conv" -> total += 2 * count(shapes.get(n.getOutput(0))) * tail(
					shapes.get(n.getInput(1)));
				case "ConvTranspose" -> total += 2 * count(shapes.get(n.getInput(0))) *
					tail(shapes.get(n.getInput(1)));
				case "MatMul", "Gemm" -> {
					long[] a = shapes.get(n.getInput(0));
					boolean transA = op.equals("Gemm") && n.getAttributeList().stream()
						.anyMatch(x -> x.getName().equals("transA") && x.getI() == 1);
					long k = transA ? a[a.length - 2] : a[a.length - 1];
					total += 2 * count(shapes.get(n.getOutput(0))) * k;
				}
				default -> {}
			}
		}
		return total;
	}

	private static long count(long[] shape) {
		long n = 1;
		for (long d : shape)
			n *= d;
		return n;
	}

	/**
	 * The product of all axes after the first: a convolution kernel's inputs per
	 * output value.
	 */
	private static long tail(long[] shape) {
		long n = 1;
		for (int i = 1; i < shape.length; i++)
			n *= shape[i];
		return n;
	}

	/**
	 * Inference ({@code 1xCxHxW}) and one fine-tune step ({@code 1xCxSxS}, L1,
	 * Adam, no discriminator, the step the trainer runs) on {@code model}: FLOPs
	 * and REPS warm times after 2 warm-ups, each with THREADS intra-op threads.
	 * The FLOPs are counted at 16x16 and 32x32 and extrapolated linearly in the
	 * pixel count, which is exact for a fully convolutional graph (counting at
	 * full size would hold every intermediate value in memory at once).
	 */
	static void gflops(Path modelFile, int c, int h, int w, int stepSize,
		int threads, int reps) throws Exception
	{
		ModelProto model = ModelProto.parseFrom(Files.readAllBytes(modelFile));
		String input = model.getGraph().getInput(0).getName();
		String output = model.getGraph().getOutput(0).getName();
		SplittableRandom r = new SplittableRandom(1);
		Tensor x = random(r, 1, c, h, w);
		Map<String, Tensor> feeds = Map.of(input, x);
		long inferFlops = extrapolated(n -> flops(model, Map.of(input, random(r, 1,
			c, n, n))), (long) h * w);
		List<Double> infer = new ArrayList<>();
		try (ModelSession s = ModelSession.open(modelFile, DeviceSpec.CPU,
			threads))
		{
			for (int i = 0; i < reps + 2; i++) {
				long t = System.nanoTime();
				s.run(feeds, List.of(output), CancellationToken.none());
				if (i >= 2) infer.add((System.nanoTime() - t) / 1e9);
			}
		}
		List<Parameter> params = Parameters.trainable(model, List.of());
		OptimizerConfig adam = OptimizerConfig.adam(1e-4);
		Map<String, Float> scalars = new LinkedHashMap<>();
		scalars.put(StepGraph.LR, 1e-4f);
		scalars.put(StepGraph.BIAS1, 2f);
		scalars.put(StepGraph.BIAS2, 1000f);
		long stepFlops = extrapolated(n -> {
			Map<String, Tensor> b = stepBatch(model, r, c, n);
			StepGraph.Built g = StepGraph.generatorStep(model, output, params, b,
				"target", LossKind.L1, 0f, AdversarialKind.NONSATURATING, null, null,
				adam);
			Map<String, Tensor> stepFeeds = new LinkedHashMap<>(b);
			for (Parameter p : params) {
				stepFeeds.put(p.name(), Tensor.of(p.values(), p.shape()));
				for (int k = 0; k < 2; k++)
					stepFeeds.put(StepGraph.state(p.name(), k), Tensor.of(new float[p
						.size()], p.shape()));
			}
			scalars.forEach((k, v) -> stepFeeds.put(k, Tensor.of(new float[] { v },
				new long[0])));
			return flops(g.model(), stepFeeds);
		}, (long) stepSize * stepSize);
		Map<String, Tensor> batch = stepBatch(model, r, c, stepSize);
		StepGraph.Built step = StepGraph.generatorStep(model, output, params, batch,
			"target", LossKind.L1, 0f, AdversarialKind.NONSATURATING, null, null,
			adam);
		List<Double> steps = new ArrayList<>();
		try (StepRunner runner = new StepRunner(step, params, Map.of(),
			DeviceSpec.CPU, threads))
		{
			for (int i = 0; i < reps + 2; i++) {
				long t = System.nanoTime();
				runner.step(batch, scalars, CancellationToken.none());
				if (i >= 2) steps.add((System.nanoTime() - t) / 1e9);
			}
		}
		System.out.printf(Locale.ROOT,
			"infer_flops=%d%ninfer_s=%s%nstep_flops=%d%nstep_s=%s%n", inferFlops,
			join(infer), stepFlops, join(steps));
	}

	/**
	 * The FLOPs {@code count} gives at 16x16 and 32x32, extrapolated linearly to
	 * {@code pixels}.
	 */
	private static long extrapolated(java.util.function.IntToLongFunction count,
		long pixels)
	{
		long f16 = count.applyAsLong(16), f32 = count.applyAsLong(32);
		return Math.round(f16 + (f32 - f16) * (pixels - 256.0) / (1024 - 256));
	}

	/**
	 * An input of {@code n x n} pixels and a random target of the model's output
	 * size for it.
	 */
	private static Map<String, Tensor> stepBatch(ModelProto model,
		SplittableRandom r, int c, int n)
	{
		String input = model.getGraph().getInput(0).getName();
		Tensor x = random(r, 1, c, n, n);
		long[] outShape = ShapeProbe.probe(model, Map.of(input, x)).shapes().get(
			model.getGraph().getOutput(0).getName());
		Map<String, Tensor> batch = new LinkedHashMap<>();
		batch.put(input, x);
		batch.put("target", random(r, outShape));
		return batch;
	}

	private static Tensor random(SplittableRandom r, long... shape) {
		float[] v = new float[(int) Tensor.elementCount(shape)];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) r.nextDouble();
		return Tensor.of(v, shape);
	}

	private static String join(List<Double> v) {
		StringBuilder sb = new StringBuilder();
		for (double d : v)
			sb.append(sb.length() == 0 ? "" : " ").append(d);
		return sb.toString();
	}

	// ---- ONNX Runtime's CPU options
	// ----------------------------------------------------------

	/** A variant of fiji-gan's CPU session options. */
	private interface Variant {

		void apply(OrtSession.SessionOptions o) throws Exception;
	}

	/**
	 * Each variant in turn, ROUNDS times: a new session with the CPU options
	 * fiji-gan had before it turned thread spinning off (threads, sequential, all
	 * optimisations) plus the variant's change, its first run and 3 warm runs;
	 * prints medians per variant.
	 */
	static void options(Path model, int c, int h, int w, int threads, int rounds)
		throws Exception
	{
		Map<String, Variant> variants = new LinkedHashMap<>();
		variants.put("ONNX Runtime's defaults (threads spin)", o -> {});
		variants.put("no thread spinning (fiji-gan's choice)", o -> o
			.addConfigEntry("session.intra_op.allow_spinning", "0"));
		variants.put("no CPU arena", o -> o.setCPUArenaAllocator(false));
		variants.put("no memory pattern", o -> o.setMemoryPatternOptimization(
			false));
		variants.put("extended optimisation (no NCHWc layout)", o -> o
			.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT));
		OrtEnvironment env = OrtEnvironment.getEnvironment(
			OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "options");
		float[] x = new float[c * h * w];
		SplittableRandom r = new SplittableRandom(3);
		for (int i = 0; i < x.length; i++)
			x[i] = (float) r.nextDouble();
		Map<String, List<Double>> session = new LinkedHashMap<>(), first =
			new LinkedHashMap<>(), warm = new LinkedHashMap<>();
		for (int round = 0; round < rounds; round++)
			for (Map.Entry<String, Variant> v : variants.entrySet()) {
				try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
					o.setIntraOpNumThreads(threads);
					o.setInterOpNumThreads(1);
					o.setExecutionMode(
						OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
					o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
					v.getValue().apply(o);
					long t0 = System.nanoTime();
					try (OrtSession s = env.createSession(model.toString(), o);
							OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x),
								new long[] { 1, c, h, w }))
					{
						session.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(
							(System.nanoTime() - t0) / 1e9);
						String name = s.getInputNames().iterator().next();
						for (int i = 0; i < 4; i++) {
							long t1 = System.nanoTime();
							s.run(Map.of(name, t)).close();
							(i == 0 ? first : warm).computeIfAbsent(v.getKey(),
								k -> new ArrayList<>()).add((System.nanoTime() - t1) / 1e9);
						}
					}
				}
			}
		System.out.println("| variant | session creation | first run | warm run |");
		System.out.println("|---|---|---|---|");
		for (String v : variants.keySet())
			System.out.println("| " + v + " | " + cell(session.get(v)) + " | " + cell(
				first.get(v)) + " | " + cell(warm.get(v)) + " |");
	}

	// ---- the report
	// -------------------------------------------------------------------------

	/**
	 * The tables of {@code bench/cold-path.sh}, from
	 * WORK/MODEL/{cli,bare}-ROUND.txt (the command line's {@code --timings}
	 * output, the bare program's lines, each with a {@code wall=} line from the
	 * script) and WORK/MODEL/gflops.txt.
	 */
	static void report(Path work) throws IOException {
		double peak = Peak.estimate();
		System.out.println(Peak.describe());
		System.out.println();
		List<Path> models = new ArrayList<>();
		try (var s = Files.list(work)) {
			s.filter(Files::isDirectory).sorted().forEach(models::add);
		}
		for (Path m : models) {
			Map<String, List<Double>> cli = new LinkedHashMap<>(), bare =
				new LinkedHashMap<>();
			int rounds = 0;
			for (int i = 1; Files.exists(m.resolve("cli-" + i +
				".txt")); i++, rounds++)
			{
				readCli(m.resolve("cli-" + i + ".txt"), cli);
				readKeys(m.resolve("bare-" + i + ".txt"), bare);
			}
			if (rounds == 0) continue;
			System.out.println("## " + m.getFileName() + " (" + rounds +
				" rounds, taking turns; medians, " + "min-max)");
			System.out.println();
			System.out.println("| stage | fiji-gan CLI | bare ORT Java process |");
			System.out.println("|---|---|---|");
			row("launcher script, before java", cli.get(
				"launcher script, before java"), null);
			row("JVM start, to main", cli.get("JVM start, to main"), bare.get("jvm"));
			row("options and native libraries", cli.get(
				"options and native libraries"), null);
			row("model read and checks", cli.get("model read and checks"), null);
			row("graph analysis", cli.get("graph analysis"), null);
			row("input read", cli.get("input read"), bare.get("read"));
			row("session creation", cli.get("session creation"), bare.get("session"));
			row("statistics and normalisation", cli.get(
				"statistics and normalisation"), null);
			row("conversions", cli.get("conversions, planes and tensors"), null);
			row("**model run (first)**", cli.get("model runs"), bare.get("run"));
			row("output write", cli.get("output write"), bare.get("write"));
			row("**whole process (wall)**", cli.get("wall"), bare.get("wall"));
			System.out.println();
			double runRatio = median(cli.get("model runs")) / median(bare.get("run"));
			double wallRatio = median(cli.get("wall")) / median(bare.get("wall"));
			System.out.printf(Locale.ROOT,
				"model run / bare first run: %.3f (target <= 1.05); per round: %s%n",
				runRatio, ratios(cli.get("model runs"), bare.get("run")));
			System.out.printf(Locale.ROOT,
				"whole process / bare process: %.3f (target <= 1.2); per round: %s%n",
				wallRatio, ratios(cli.get("wall"), bare.get("wall")));
			Path g = m.resolve("gflops.txt");
			if (Files.exists(g)) {
				Map<String, List<Double>> f = new LinkedHashMap<>();
				readKeys(g, f);
				System.out.println();
				System.out.println(
					"| path | GFLOP (conv + matmul) | median time | GFLOP/s | share of the estimated peak |");
				System.out.println("|---|---|---|---|---|");
				gflopsRow("inference, warm", f.get("infer_flops"), f.get("infer_s"),
					peak);
				gflopsRow("inference, cold first run (CLI)", f.get("infer_flops"), cli
					.get("model runs"), peak);
				gflopsRow("fine-tune step (L1, Adam), warm", f.get("step_flops"), f.get(
					"step_s"), peak);
			}
			System.out.println();
		}
	}

	private static void gflopsRow(String name, List<Double> flops,
		List<Double> seconds, double peak)
	{
		if (flops == null || seconds == null) return;
		double gf = flops.get(0) / 1e9, t = median(seconds);
		System.out.printf(Locale.ROOT, "| %s | %.2f | %.3f s | %.1f | %.0f%% |%n",
			name, gf, t, gf / t, 100 * gf / t / peak);
	}

	private static String ratios(List<Double> a, List<Double> b) {
		List<String> s = new ArrayList<>();
		for (int i = 0; i < Math.min(a.size(), b.size()); i++)
			s.add(String.format(Locale.ROOT, "%.2f", a.get(i) / b.get(i)));
		return String.join(", ", s);
	}

	private static void row(String stage, List<Double> cli, List<Double> bare) {
		System.out.println("| " + stage + " | " + cell(cli) + " | " + cell(bare) +
			" |");
	}

	private static String cell(List<Double> v) {
		if (v == null || v.isEmpty()) return "-";
		return String.format(Locale.ROOT, "%.3f s (%.3f-%.3f)", median(v),
			Collections.min(v), Collections.max(v));
	}

	static double median(List<Double> v) {
		if (v == null || v.isEmpty()) return Double.NaN;
		List<Double> s = new ArrayList<>(v);
		Collections.sort(s);
		int n = s.size();
		return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
	}

	private static final Pattern TIMING = Pattern.compile(
		"^\\s+(.+?)\\s+([0-9.]+) s(?:\\s+\\((\\d+), first ([0-9.]+) s\\))?$");

	/**
	 * The {@code --timings} lines; for a stage with several entries, its first
	 * (the cold one) for runs.
	 */
	private static void readCli(Path file, Map<String, List<Double>> into)
		throws IOException
	{
		for (String line : Files.readAllLines(file)) {
			if (line.startsWith("wall=")) {
				into.computeIfAbsent("wall", k -> new ArrayList<>()).add(Double
					.parseDouble(line.substring(5)));
				continue;
			}
			Matcher m = TIMING.matcher(line);
			if (!m.matches()) continue;
			String stage = m.group(1);
			double v = Double.parseDouble(stage.equals("model runs") && m.group(
				4) != null ? m.group(4) : m.group(2));
			into.computeIfAbsent(stage, k -> new ArrayList<>()).add(v);
		}
	}

	private static void readKeys(Path file, Map<String, List<Double>> into)
		throws IOException
	{
		for (String line : Files.readAllLines(file)) {
			int eq = line.indexOf('=');
			if (eq <= 0) continue;
			List<Double> list = into.computeIfAbsent(line.substring(0, eq),
				k -> new ArrayList<>());
			for (String v : line.substring(eq + 1).trim().split(" "))
				if (!v.isEmpty()) list.add(Double.parseDouble(v));
		}
	}
}
