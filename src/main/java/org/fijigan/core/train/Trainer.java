package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

/**
 * Fine-tunes a generator: builds the training step as an ONNX graph ({@link StepGraph}), runs it on
 * the chosen execution provider ({@link StepRunner}), alternates with a discriminator step when the
 * adversarial weight is above zero, checkpoints atomically, and rolls back a step whose loss is not
 * finite (halving the learning rate). The result is the same model with trained weights and
 * provenance in its metadata.
 */
public final class Trainer {
	/** Columns of {@link Result#history()}. */
	public static final String[] HISTORY_COLUMNS = { "step", "loss", "content_loss",
		"discriminator_loss", "validation_loss", "validation_psnr", "validation_ssim" };

	/**
	 * @param model the trained model (same inputs and outputs as the original)
	 * @param history one row per step: see {@link #HISTORY_COLUMNS}
	 * @param provider the execution provider that ran the training graph
	 * @param notes fallbacks, rollbacks and other events for the user
	 */
	public record Result(ModelProto model, List<float[]> history, String provider,
		List<String> notes, long steps) {}

	private Trainer() {}

	/** Fine-tunes an image-to-image model on pixel targets (tests and simple callers). */
	public static Result train(ModelProto model, String output, String label, String baseSha256,
		BatchSource data, FineTuneConfig c, ProgressListener progress, CancellationToken cancel)
	{
		return train(model, new TrainingTarget(output, null, label, 0, false, 1, baseSha256), data, c,
			progress, cancel);
	}

	/**
	 * @param model the model to fine-tune
	 * @param what what is trained and how to judge it
	 */
	public static Result train(ModelProto model, TrainingTarget what, BatchSource data,
		FineTuneConfig c, ProgressListener progress, CancellationToken cancel)
	{
		String output = what.output(), label = what.labelInput(), baseSha256 = what.baseSha256();
		ProgressListener listener = ProgressListener.safe(progress);
		List<String> notes = new ArrayList<>();
		List<Parameter> params = Parameters.trainable(model, c.freeze());
		Batch first = data.batch(0);
		Map<String, Tensor> example = feeds(first);
		boolean gan = c.adversarialWeight() > 0;
		if (what.generator() && !gan) throw new GanException(
			"a generator is trained by its discriminator: give --adversarial-weight above 0");
		long[] outShape = first.target().shape();
		Discriminator d = !gan ? null : what.generator() ? Discriminator.dcgan((int) outShape[1], 32, 3,
			label != null ? what.classCount() : 0, c.seed()) : Discriminator.patchGan((int) outShape[1], 32,
				3, c.seed());
		StepGraph.Built gStep = StepGraph.generatorStep(model, output, what.subtractFrom(), params,
			example, TARGET,
			what.generator() ? null : c.loss(),
			c.adversarialWeight(), c.adversarial(), d, label, c.optimizer());
		StepGraph.Built dStep = gan ? StepGraph.discriminatorStep(d, outShape, label, c.adversarial(), c
			.optimizer()) : null;
		List<Batch> validationBatches = what.generator() ? List.of() : data.validation();

		// state: parameters, optimizer slots, discriminator, EMA
		Map<String, float[]> tensors = new LinkedHashMap<>();
		for (Parameter p : params)
			tensors.put(p.name(), p.values());
		for (String s : gStep.stateInputs())
			tensors.put(s, new float[sizeOf(params, s)]);
		if (gan) {
			for (Parameter p : d.parameters())
				tensors.put(p.name(), p.values());
			for (String s : dStep.stateInputs())
				tensors.put(s, new float[sizeOf(d.parameters(), s)]);
		}
		Map<String, float[]> ema = new LinkedHashMap<>();
		if (c.emaDecay() > 0) for (Parameter p : params)
			ema.put("ema/" + p.name(), p.values().clone());
		tensors.putAll(ema);

		long start = 0;
		double lr = c.optimizer().learningRate();
		List<float[]> history = new ArrayList<>();
		if (c.resume()) {
			Checkpoint ck = Checkpoint.read(c.checkpointDir());
			if (!ck.baseSha256().equals(baseSha256)) throw new GanException(
				"the checkpoint in " + c.checkpointDir() + " belongs to another model (SHA-256 " + ck
					.baseSha256().substring(0, Math.min(12, ck.baseSha256().length())) + "...)");
			for (Map.Entry<String, float[]> e : tensors.entrySet()) {
				float[] saved = ck.tensors().get(e.getKey());
				if (saved == null || saved.length != e.getValue().length) throw new GanException(
					"the checkpoint does not match this run's settings (tensor " + e.getKey() + ")");
				System.arraycopy(saved, 0, e.getValue(), 0, saved.length);
			}
			start = ck.step();
			lr = ck.learningRate();
			history.addAll(ck.history());
			notes.add("resumed from step " + start);
		}

		try (StepRunner g = new StepRunner(gStep, params, tensors, c.device(), c.threads());
			StepRunner dr = gan ? new StepRunner(dStep, d.parameters(), tensors, c.device(), c.threads())
				: null;
			Validator ev = new Validator(model, output, what.subtractFrom(), params, c, what
				.outputRange()))
		{
			notes.addAll(g.notes());
			Map<String, float[]> lastGood = copy(tensors);
			long lastGoodStep = start;
			double lastGoodLr = lr;
			int lastGoodHistory = history.size();
			for (long step = start; step < c.steps(); step++) {
				cancel.throwIfCancelled();
				Batch b = data.batch(step);
				Map<String, Tensor> in = feeds(b);
				if (gan) {
					dr.read(tensors);
					for (Parameter p : d.parameters())
						in.put(p.name(), Tensor.of(tensors.get(p.name()), p.shape()));
				}
				Map<String, Float> scalars = scalars(c.optimizer(), lr * c.optimizer().schedule().factor(step, c
					.steps()), step + 1);
				Map<String, Tensor> out = g.step(in, scalars, cancel);
				float loss = out.get(StepGraph.LOSS).floats()[0];
				float content = out.get(StepGraph.CONTENT_LOSS).floats()[0];
				float dLoss = Float.NaN;
				if (!Float.isFinite(loss)) {
					g.write(lastGood);
					if (dr != null) dr.write(lastGood);
					for (Map.Entry<String, float[]> e : ema.entrySet()) // the runners do not hold the EMA
						System.arraycopy(lastGood.get(e.getKey()), 0, e.getValue(), 0, e.getValue().length);
					lr /= 2;
					notes.add("step " + (step + 1) + ": loss was " + loss + "; rolled back to step " +
						lastGoodStep + " and halved the learning rate to " + (float) lr);
					if (lr < c.optimizer().learningRate() / 1024) throw new GanException(
						"training diverged: the loss stays non-finite after halving the learning rate 10 times");
					step = lastGoodStep - 1;
					while (history.size() > lastGoodHistory)
						history.remove(history.size() - 1);
					continue;
				}
				if (gan) {
					Map<String, Tensor> din = new HashMap<>();
					din.put("real", b.target());
					din.put("fake", out.get(StepGraph.FAKE));
					if (label != null) din.put(label, b.inputs().get(label));
					dLoss = dr.step(din, scalars, cancel).get(StepGraph.LOSS).floats()[0];
				}
				if (c.emaDecay() > 0) updateEma(g, params, tensors, ema, (float) c.emaDecay());
				float[] validation = { Float.NaN, Float.NaN, Float.NaN };
				boolean last = step == c.steps() - 1;
				if ((last || c.validateEvery() > 0 && (step + 1) % c.validateEvery() == 0) &&
					!validationBatches.isEmpty())
				{
					g.read(tensors);
					validation = ev.run(tensors, validationBatches, cancel);
				}
				history.add(new float[] { step + 1, loss, content, dLoss, validation[0], validation[1],
					validation[2] });
				listener.onProgress(new ProgressEvent(Stage.STEP, step + 1, c.steps(), String.format(
					java.util.Locale.ROOT, "step %d/%d loss %.5f", step + 1, c.steps(), loss), loss));
				boolean checkpoint = c.checkpointDir() != null && ((step + 1) % c.checkpointEvery() == 0 ||
					last);
				if (checkpoint || (step + 1) % c.checkpointEvery() == 0) {
					g.read(tensors);
					if (dr != null) dr.read(tensors);
					lastGood = copy(tensors);
					lastGoodStep = step + 1;
					lastGoodLr = lr;
					lastGoodHistory = history.size();
					if (checkpoint) new Checkpoint(step + 1, lr, baseSha256, tensors, history).write(c
						.checkpointDir());
				}
			}
			g.read(tensors);
			Map<String, float[]> finalWeights = new HashMap<>();
			for (Parameter p : params)
				finalWeights.put(p.name(), c.emaDecay() > 0 ? ema.get("ema/" + p.name()) : tensors.get(p
					.name()));
			ModelProto trained = Parameters.withValues(model, finalWeights);
			trained = provenance(trained, baseSha256, data, c, g.provider(), history);
			if (lastGoodLr != c.optimizer().learningRate()) notes.add("final learning rate " + (float) lr);
			return new Result(trained, history, g.provider(), notes, c.steps());
		}
	}

	/**
	 * Validation: forward pass and pixel loss with the current weights as plain inputs, plus PSNR and
	 * SSIM of the output against the target (in the output's value range), except where the loss is
	 * masked (Noise2Void: the target is noisy). One graph per batch shape.
	 */
	private static final class Validator implements AutoCloseable {
		private final ModelProto model;
		private final String output;
		private final String subtractFrom;
		private final List<Parameter> params;
		private final FineTuneConfig c;
		private final double range;
		private final Map<String, StepRunner> runners = new HashMap<>();

		Validator(ModelProto model, String output, String subtractFrom, List<Parameter> params,
			FineTuneConfig c, double range)
		{
			this.model = model;
			this.output = output;
			this.subtractFrom = subtractFrom;
			this.params = params;
			this.c = c;
			this.range = range;
		}

		/** Mean loss, PSNR and SSIM over the batches. */
		float[] run(Map<String, float[]> tensors, List<Batch> batches, CancellationToken cancel) {
			double loss = 0, psnr = 0, ssim = 0;
			int images = 0;
			for (Batch b : batches) {
				Map<String, Tensor> in = feeds(b);
				String key = java.util.Arrays.toString(b.target().shape()) + in.keySet();
				for (Map.Entry<String, Tensor> e : b.inputs().entrySet())
					key += java.util.Arrays.toString(e.getValue().shape());
				StepRunner r = runners.get(key);
				if (r == null) {
					StepGraph.Built eval = StepGraph.evaluation(model, output, subtractFrom, params, in, TARGET,
						c.loss());
					r = new StepRunner(eval, List.of(), Map.of(), c.device(), c.threads());
					runners.put(key, r);
				}
				for (Parameter p : params)
					in.put(p.name(), Tensor.of(tensors.get(p.name()), p.shape()));
				Map<String, Tensor> out = r.step(in, Map.of(), cancel);
				loss += out.get(StepGraph.LOSS).floats()[0];
				if (b.lossMask() != null) continue; // the target is noisy: PSNR against it says nothing
				Tensor y = out.get(StepGraph.OUTPUT);
				long[] s = y.shape();
				int n = (int) s[0], ch = (int) s[1], h = (int) s[2], w = (int) s[3], size = ch * h * w;
				float[] t = b.target().floats();
				for (int i = 0; i < n; i++) {
					float[] a = java.util.Arrays.copyOfRange(t, i * size, (i + 1) * size);
					float[] o = java.util.Arrays.copyOfRange(y.floats(), i * size, (i + 1) * size);
					psnr += org.fijigan.core.eval.Metrics.psnr(a, o, range);
					ssim += h >= 11 && w >= 11 ? org.fijigan.core.eval.Metrics.ssim(a, o, ch, h, w, range)
						: Double.NaN;
					images++;
				}
			}
			return new float[] { (float) (loss / batches.size()), images == 0 ? Float.NaN : (float) (psnr /
				images), images == 0 ? Float.NaN : (float) (ssim / images) };
		}

		@Override
		public void close() {
			runners.values().forEach(StepRunner::close);
		}
	}

	/** Name of the target input of the generator step graph. */
	public static final String TARGET = "train/target";

	private static Map<String, Tensor> feeds(Batch b) {
		Map<String, Tensor> m = new LinkedHashMap<>(b.inputs());
		m.put(TARGET, b.target());
		if (b.lossMask() != null) m.put(StepGraph.LOSS_MASK, b.lossMask());
		return m;
	}

	private static int sizeOf(List<Parameter> params, String stateName) {
		for (Parameter p : params)
			if (stateName.endsWith("/" + p.name())) return p.size();
		throw new IllegalStateException(stateName);
	}

	private static Map<String, float[]> copy(Map<String, float[]> m) {
		Map<String, float[]> c = new LinkedHashMap<>();
		m.forEach((k, v) -> c.put(k, v.clone()));
		return c;
	}

	static Map<String, Float> scalars(OptimizerConfig o, double lr, long t) {
		Map<String, Float> s = new LinkedHashMap<>();
		s.put(StepGraph.LR, (float) lr);
		if (o.kind() == OptimizerConfig.Kind.ADAM) {
			s.put(StepGraph.BIAS1, (float) (1 / (1 - Math.pow(o.beta1(), t))));
			s.put(StepGraph.BIAS2, (float) (1 / (1 - Math.pow(o.beta2(), t))));
		}
		return s;
	}

	private static void updateEma(StepRunner g, List<Parameter> params, Map<String, float[]> tensors,
		Map<String, float[]> ema, float decay)
	{
		g.read(tensors);
		for (Parameter p : params) {
			float[] w = tensors.get(p.name()), a = ema.get("ema/" + p.name());
			for (int i = 0; i < w.length; i++)
				a[i] = decay * a[i] + (1 - decay) * w[i];
		}
	}


	private static ModelProto provenance(ModelProto m, String sha, BatchSource data,
		FineTuneConfig c, String provider, List<float[]> history)
	{
		ModelProto.Builder b = m.toBuilder();
		Map<String, String> meta = new LinkedHashMap<>();
		for (StringStringEntryProto e : b.getMetadataPropsList())
			meta.put(e.getKey(), e.getValue());
		float[] last = history.isEmpty() ? null : history.get(history.size() - 1);
		meta.put("fiji-gan.fine_tune.base_sha256", sha);
		meta.put("fiji-gan.fine_tune.data", data.describe());
		meta.put("fiji-gan.fine_tune.steps", Long.toString(c.steps()));
		meta.put("fiji-gan.fine_tune.seed", Long.toString(c.seed()));
		meta.put("fiji-gan.fine_tune.optimizer", c.optimizer().kind().name().toLowerCase() + " lr=" + c
			.optimizer().learningRate() + (c.optimizer().schedule() == OptimizerConfig.Schedule.CONSTANT ? ""
				: " " + c.optimizer().schedule().name().toLowerCase()));
		meta.put("fiji-gan.fine_tune.loss", c.loss().name().toLowerCase() + (c.adversarialWeight() > 0
			? " + " + c.adversarialWeight() + " x " + c.adversarial().name().toLowerCase() : ""));
		meta.put("fiji-gan.fine_tune.provider", provider);
		if (last != null) meta.put("fiji-gan.fine_tune.final_loss", Float.toString(last[1]));
		b.clearMetadataProps();
		meta.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(
			v)));
		return b.build();
	}
}
