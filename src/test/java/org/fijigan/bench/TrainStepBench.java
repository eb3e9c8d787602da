
package org.fijigan.bench;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.train.AdversarialKind;
import org.fijigan.core.train.LossKind;
import org.fijigan.core.train.OptimizerConfig;
import org.fijigan.core.train.Parameter;
import org.fijigan.core.train.Parameters;
import org.fijigan.core.train.StepGraph;
import org.fijigan.core.train.StepRunner;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

/**
 * Java side of {@code bench/train-step.sh}; a benchmark main, not a test. On
 * the ONNX file and batch that {@code bench/train_step_torch.py setup} wrote,
 * it times
 * <ul>
 * <li>building the step graph ({@link StepGraph#generatorStep}: Adam, L1, no
 * discriminator), once;</li>
 * <li>the training step, {@link StepRunner#step} as the Trainer calls it;</li>
 * <li>inference: one {@code OrtSession.run} of the exported model (weights as
 * initializers);</li>
 * <li>forward + loss with the weights as graph inputs
 * ({@link StepGraph#evaluation}), i.e. the forward half of the step graph.</li>
 * </ul>
 *
 * <pre>
 * java -cp ... org.fijigan.bench.TrainStepBench WORK_DIR ROUND REPS WARMUP THREADS [profile]
 * </pre>
 *
 * Writes {@code WORK_DIR/java-ROUND.txt}: key=value lines, times in seconds,
 * each time key with the raw per-repetition samples. With {@code profile} it
 * also runs the step graph a few times in a session of its own with ONNX
 * Runtime's profiler on (same session options as ModelSession) and writes
 * {@code profile-trace.txt} (the trace's path) and {@code profile-nodes.tsv}
 * (node name, operator, phase: forward, loss+backward or update) for
 * {@code bench/train_step_report.py}.
 */
public final class TrainStepBench {

	private static final String TARGET = "train/target";

	private TrainStepBench() {}

	public static void main(String[] args) throws Exception {
		Path work = Path.of(args[0]);
		String round = args[1];
		int reps = Integer.parseInt(args[2]), warmup = Integer.parseInt(args[3]),
				threads = Integer.parseInt(args[4]);
		boolean profile = args.length > 5 && args[5].equals("profile");
		Path onnx = work.resolve("model.onnx");
		ModelProto model = ModelProto.parseFrom(Files.readAllBytes(onnx));
		String input = model.getGraph().getInput(0).getName();
		String output = model.getGraph().getOutput(0).getName();
		Tensor x = read(work.resolve("x.npy")), y = read(work.resolve("y.npy"));
		Map<String, Tensor> batch = new LinkedHashMap<>();
		batch.put(input, x);
		batch.put(TARGET, y);
		OptimizerConfig adam = OptimizerConfig.adam(1e-4); // betas 0.5, 0.999, eps
																												// 1e-8, as the torch
																												// side
		Map<String, String> out = new LinkedHashMap<>();
		out.put("ort_version", OrtEnvironment.getEnvironment().getVersion());
		out.put("threads", Integer.toString(threads));

		long t0 = System.nanoTime();
		List<Parameter> params = Parameters.trainable(model, List.of());
		StepGraph.Built built = StepGraph.generatorStep(model, output, params,
			batch, TARGET, LossKind.L1, 0f, AdversarialKind.NONSATURATING, null, null,
			adam);
		out.put("build", seconds(t0));
		out.put("parameters", Long.toString(params.stream().mapToLong(
			Parameter::size).sum()));
		out.put("forward_nodes", Integer.toString(model.getGraph().getNodeCount()));
		out.put("step_nodes", Integer.toString(built.model().getGraph()
			.getNodeCount()));

		long t1 = System.nanoTime();
		try (StepRunner runner = new StepRunner(built, params, Map.of(),
			DeviceSpec.CPU, threads))
		{
			out.put("session", seconds(t1));
			CancellationToken none = CancellationToken.none();
			float[] loss0 = { Float.NaN };
			int[] t = { 0 };
			out.put("step", timed(warmup, reps, () -> {
				Map<String, Tensor> r = runner.step(batch, scalars(adam, ++t[0]), none);
				if (t[0] == 1) loss0[0] = r.get(StepGraph.LOSS).floats()[0];
			}));
			out.put("loss0", Float.toString(loss0[0]));
		}

		StepGraph.Built eval = StepGraph.evaluation(model, output, null, params,
			batch, TARGET, LossKind.L1);
		try (StepRunner r = new StepRunner(eval, List.of(), Map.of(),
			DeviceSpec.CPU, threads))
		{
			Map<String, Tensor> feeds = new LinkedHashMap<>(batch);
			for (Parameter p : params)
				feeds.put(p.name(), Tensor.of(p.values(), p.shape()));
			out.put("forward_as_inputs", timed(warmup, reps, () -> r.step(feeds, Map
				.of(), CancellationToken.none())));
		}

		try (ModelSession s = ModelSession.open(onnx, DeviceSpec.CPU, threads);
				OnnxTensor in = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(),
					FloatBuffer.wrap(x.floats()), x.shape()))
		{
			OrtSession session = s.ortSession();
			out.put("infer", timed(warmup, reps, () -> session.run(Map.of(input, in))
				.close()));
		}

		StringBuilder sb = new StringBuilder();
		out.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
		Files.writeString(work.resolve("java-" + round + ".txt"), sb.toString());
		if (profile) profile(work, model, built, params, batch, adam, threads);
	}

	private interface Body {

		void run() throws Exception;
	}

	/**
	 * Runs {@code body} warmup + reps times; the raw times of the last reps, in
	 * seconds.
	 */
	private static String timed(int warmup, int reps, Body body)
		throws Exception
	{
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < warmup + reps; i++) {
			long s = System.nanoTime();
			body.run();
			double dt = (System.nanoTime() - s) / 1e9;
			if (i >= warmup) sb.append(sb.length() == 0 ? "" : " ").append(dt);
		}
		return sb.toString();
	}

	private static String seconds(long startNanos) {
		return Double.toString((System.nanoTime() - startNanos) / 1e9);
	}

	private static Tensor read(Path npy) {
		NpyArray a = Npy.read(npy);
		return Tensor.of(a.toFloatArray(), a.shape());
	}

	/** As the Trainer feeds them at step t (1-based). */
	private static Map<String, Float> scalars(OptimizerConfig o, long t) {
		Map<String, Float> s = new LinkedHashMap<>();
		s.put(StepGraph.LR, (float) o.learningRate());
		s.put(StepGraph.BIAS1, (float) (1 / (1 - Math.pow(o.beta1(), t))));
		s.put(StepGraph.BIAS2, (float) (1 / (1 - Math.pow(o.beta2(), t))));
		return s;
	}

	/**
	 * One warm-up run and three profiled runs of the step graph. The phase of a
	 * node comes from its place in the step graph: the forward model's nodes,
	 * then the loss and the gradient (GradientBuilder), then the optimizer
	 * update, which starts at the first node that reads Adam's state.
	 */
	private static void profile(Path work, ModelProto forward,
		StepGraph.Built built, List<Parameter> params, Map<String, Tensor> batch,
		OptimizerConfig opt, int threads) throws Exception
	{
		List<NodeProto> nodes = built.model().getGraph().getNodeList();
		Set<String> forwardNames = new HashSet<>();
		for (NodeProto n : forward.getGraph().getNodeList())
			forwardNames.add(n.getName());
		StringBuilder tsv = new StringBuilder();
		boolean update = false;
		for (NodeProto n : nodes) {
			update |= n.getInputList().stream().anyMatch(i -> i.startsWith(
				"train/m/"));
			String phase = forwardNames.contains(n.getName()) ? "forward" : update
				? "update" : "loss+backward";
			tsv.append(n.getName()).append('\t').append(n.getOpType()).append('\t')
				.append(phase).append('\n');
		}
		Files.writeString(work.resolve("profile-nodes.tsv"), tsv.toString());

		OrtEnvironment env = OrtEnvironment.getEnvironment();
		Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
		List<OnnxTensor> owned = new ArrayList<>();
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			for (Map.Entry<String, Tensor> e : batch.entrySet())
				feeds.put(e.getKey(), own(owned, env, e.getValue().floats(), e
					.getValue().shape()));
			for (Parameter p : params) {
				feeds.put(p.name(), own(owned, env, p.values(), p.shape()));
				for (int k = 0; k < 2; k++)
					feeds.put(StepGraph.state(p.name(), k), own(owned, env, new float[p
						.size()], p.shape()));
			}
			for (Map.Entry<String, Float> e : scalars(opt, 1).entrySet())
				feeds.put(e.getKey(), own(owned, env, new float[] { e.getValue() },
					new long[0]));
			// the options ModelSession uses, plus the profiler
			o.setIntraOpNumThreads(threads);
			o.setInterOpNumThreads(1);
			o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
			o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
			o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
			o.enableProfiling(work.resolve("ort-profile").toString());
			try (OrtSession s = env.createSession(built.model().toByteArray(), o)) {
				for (int i = 0; i < 4; i++)
					s.run(feeds).close();
				Files.writeString(work.resolve("profile-trace.txt"), s.endProfiling() +
					"\n");
			}
		}
		finally {
			owned.forEach(OnnxTensor::close);
		}
	}

	private static OnnxTensor own(List<OnnxTensor> owned, OrtEnvironment env,
		float[] v, long[] shape) throws Exception
	{
		OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
		owned.add(t);
		return t;
	}
}
