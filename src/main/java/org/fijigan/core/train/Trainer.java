
package org.fijigan.core.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.Seeds;
import org.fijigan.core.io.FolderLock;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

/**
 * Fine-tunes a generator: builds the training step as an ONNX graph
 * ({@link StepGraph}), runs it on the chosen execution provider
 * ({@link StepRunner}), alternates with a discriminator step when the
 * adversarial weight is above zero, checkpoints atomically, and rolls back a
 * step whose loss is not finite (halving the learning rate). The result is the
 * same model with trained weights and provenance in its metadata.
 */
public final class Trainer {

	/** Columns of {@link Result#history()}. */
	public static final String[] HISTORY_COLUMNS = { "step", "loss",
		"content_loss", "discriminator_loss", "validation_loss", "validation_psnr",
		"validation_ssim" };

	/**
	 * @param model the trained model (same inputs and outputs as the original)
	 * @param history one row per step: see {@link #HISTORY_COLUMNS}
	 * @param provider the execution provider that ran the training graph
	 * @param notes fallbacks, rollbacks and other events for the user
	 */
	public record Result(ModelProto model, List<float[]> history, String provider,
			List<String> notes, long steps, Checkpoints checkpoints) {

		/** A result of a run without a checkpoint folder. */
		public Result(ModelProto model, List<float[]> history, String provider,
			List<String> notes, long steps)
		{
			this(model, history, provider, notes, steps, null);
		}

		/** This result with {@code other} as its model. */
		public Result withModel(ModelProto other) {
			return new Result(other, history, provider, notes, steps, checkpoints);
		}
	}

	/**
	 * The checkpoints of a run that kept them: what the model it writes is
	 * recorded against ({@link WrittenModel}), and what tells the model an
	 * earlier run wrote, which it may replace.
	 *
	 * @param dir the checkpoint folder
	 * @param resumedStep the step of the checkpoint the run went on from; -1 when
	 *          it started afresh
	 * @param resumedFrom the SHA-256 of that checkpoint; null when it started
	 *          afresh
	 * @param last the SHA-256 of the checkpoint of its last step
	 */
	public record Checkpoints(Path dir, long resumedStep, String resumedFrom,
			String last) {
	}

	private Trainer() {}

	/**
	 * Fine-tunes an image-to-image model on pixel targets (tests and simple
	 * callers).
	 */
	public static Result train(ModelProto model, String output, String label,
		String baseSha256, BatchSource data, FineTuneConfig c,
		ProgressListener progress, CancellationToken cancel)
	{
		return train(model, new TrainingTarget(output, null, label, 0, false, 1,
			baseSha256), data, c, progress, cancel);
	}

	/**
	 * @param model the model to fine-tune
	 * @param what what is trained and how to judge it
	 */
	public static Result train(ModelProto model, TrainingTarget what,
		BatchSource data, FineTuneConfig c, ProgressListener progress,
		CancellationToken cancel)
	{
		return train(model, what, data, c, null, () -> {}, progress, cancel);
	}

	/**
	 * As
	 * {@link #train(ModelProto, TrainingTarget, BatchSource, FineTuneConfig, ProgressListener, CancellationToken)},
	 * recording {@code settings} in each checkpoint and refusing to resume from
	 * one a run of other settings wrote. The checkpoint folder is this run's
	 * alone while it runs.
	 *
	 * @param settings the run's {@link RunSettings#text()}, or null for none
	 * @param whenLocked the checks of the checkpoint folder made once this run
	 *          holds it, before anything is read or written there: what another
	 *          run left there until then counts (one that finished meanwhile);
	 *          not run without a checkpoint folder
	 */
	public static Result train(ModelProto model, TrainingTarget what,
		BatchSource data, FineTuneConfig c, String settings, Runnable whenLocked,
		ProgressListener progress, CancellationToken cancel)
	{
		if (c.checkpointDir() == null) return run(model, what, data, c, settings,
			() -> {}, progress, cancel);
		// before the lock, which would create the folder a refused run leaves alone
		if (c.resume()) Checkpoint.requirePresent(c.checkpointDir());
		return run(model, what, data, c, settings, whenLocked, progress, cancel);
	}

	/**
	 * Whether the model file of SHA-256 {@code modelSha256} is the result of the
	 * run that wrote the checkpoint of SHA-256 {@code checkpointSha256} in
	 * {@code dir}, at its end: byte for byte the model that run wrote, as the
	 * folder records it ({@link WrittenModel}). Metadata naming the checkpoint's
	 * base model and step does not make a model that run's: another run from that
	 * model with as many steps has the same.
	 */
	static boolean writtenAtTheEndOf(String modelSha256, Path dir,
		String checkpointSha256)
	{
		return WrittenModel.wrote(dir, checkpointSha256, modelSha256);
	}

	/**
	 * Why a model whose metadata names {@code ck}'s base model and step is not
	 * the model its run wrote, after ": "; "" for a model whose metadata names
	 * another run.
	 */
	private static String notItsResult(ModelProto model, Checkpoint ck, Path dir,
		String checkpointSha256)
	{
		if (!namesTheEndOf(model, ck)) return "";
		return ": this model's metadata names that model and step " + ck.step() +
			", but it is not the model the run checkpointed there wrote (" +
			(WrittenModel.of(dir, checkpointSha256) == null ? dir +
				" records none: that run was stopped before it wrote its model, " +
				"or ran a version that did not record it"
				: "its SHA-256 is not the one " + dir + " records") +
			"); resume with the model that run started from, or start afresh";
	}

	/**
	 * Whether {@code model}'s metadata names {@code ck}'s base model and step:
	 * the result of that run, or of another from the same model with as many
	 * steps.
	 */
	static boolean namesTheEndOf(ModelProto model, Checkpoint ck) {
		String base = null, steps = null;
		for (StringStringEntryProto e : model.getMetadataPropsList()) {
			if (e.getKey().equals("fiji-gan.fine_tune.base_sha256")) base = e
				.getValue();
			if (e.getKey().equals("fiji-gan.fine_tune.steps")) steps = e.getValue();
		}
		return ck.baseSha256().equals(base) && Long.toString(ck.step()).equals(
			steps);
	}

	/**
	 * Checks the run and builds its graphs, and only then makes and locks the
	 * checkpoint folder (if any; then runs {@code whenLocked}) and trains: a run
	 * refused by those checks leaves no folder behind.
	 */
	private static Result run(ModelProto model, TrainingTarget what,
		BatchSource data, FineTuneConfig c, String settings, Runnable whenLocked,
		ProgressListener progress, CancellationToken cancel)
	{
		String output = what.output(), label = what.labelInput(), baseSha256 = what
			.baseSha256();
		ProgressListener listener = ProgressListener.safe(progress);
		List<String> notes = new ArrayList<>();
		Parameters.Selection chosen = Parameters.select(model, output, c.freeze());
		List<Parameter> params = chosen.parameters();
		notes.addAll(chosen.notes());
		Batch first = data.batch(0);
		Map<String, Tensor> example = feeds(first);
		boolean gan = c.adversarialWeight() > 0;
		Stabilisers st = c.stabilisers();
		if (what.generator() && !gan) throw new GanException(
			"a generator is trained by its discriminator: give --adversarial-weight above 0");
		if (!what.generator() && c.loss() == null) throw new GanException(
			"an image-to-image model needs a pixel loss (--loss)");
		if (!gan && c.adversarial() != AdversarialKind.NONSATURATING)
			throw new GanException("--adversarial " + c.adversarial().name()
				.toLowerCase(java.util.Locale.ROOT) +
				" is the loss of a discriminator, and without one nothing uses it: " +
				"give --adversarial-weight above 0, or leave --adversarial out");
		if (!gan && c.penalties().any()) throw new GanException(
			"--gradient-penalty and --r1 regularise " +
				"the discriminator: give --adversarial-weight above 0");
		if (!gan && st.touchDiscriminator()) throw new GanException(
			"the discriminator's options " +
				"(--discriminator, --spectral-norm, --diff-augment, --minibatch-std, --d-lr, --d-steps) " +
				"need a discriminator: give --adversarial-weight above 0");
		long[] outShape = first.target().shape();
		Discriminator d = gan ? discriminator(what, st, outShape, c.seed()) : null;
		StepGraph.Built gStep = StepGraph.generatorStep(model, output, what
			.subtractFrom(), params, example, TARGET, what.generator() ? null : c
				.loss(), c.adversarialWeight(), c.adversarial(), d, st.augment(), label,
			c.optimizer());
		if (!gStep.withoutGradient().isEmpty()) notes.add(untrained(gStep
			.withoutGradient(), params.size()));
		GradientPenalties penalties = c.penalties();
		boolean lazyR1 = penalties.r1Gamma() > 0 && penalties.r1Every() > 1;
		boolean ada = st.adaTarget() > 0;
		OptimizerConfig dOpt = st.discriminatorLr() == null ? c.optimizer() : c
			.optimizer().withLearningRate(st.discriminatorLr());
		StepGraph.Built dStep = gan ? StepGraph.discriminatorStep(d, outShape,
			label, c.adversarial(), penalties.forStep(true), st.augment(), ada, dOpt)
			: null;
		StepGraph.Built dStepWithoutR1 = gan && lazyR1 ? StepGraph
			.discriminatorStep(d, outShape, label, c.adversarial(), penalties.forStep(
				false), st.augment(), ada, dOpt) : null;
		List<Batch> validationBatches = what.generator() ? List.of() : data
			.validation();
		int dSteps = gan ? st.discriminatorSteps() : 1;
		if (gan && st.touchDiscriminator()) notes.add("discriminator: " + st
			.describe(d.architecture()));

		// the checkpoint folder is made (by its lock) only now: a run refused above
		// leaves none behind
		try (FolderLock lock = c.checkpointDir() == null ? null
			: CheckpointFolderLock.acquire(c.checkpointDir()))
		{
			if (lock != null) whenLocked.run();

			// state: parameters, optimizer slots, discriminator (with its
			// spectral-norm
			// vectors), ADA, EMA
			Map<String, float[]> tensors = new LinkedHashMap<>();
			Map<String, float[]> weights = new LinkedHashMap<>(); // the generator's
																														// parameters alone
			for (Parameter p : params) {
				tensors.put(p.name(), p.values());
				weights.put(p.name(), p.values());
			}
			for (String s : gStep.stateInputs())
				tensors.put(s, new float[size(gStep.inputShape(s))]);
			if (gan) {
				for (Parameter p : d.parameters())
					tensors.put(p.name(), p.values());
				Map<String, float[]> vectors = d.spectralVectors();
				for (String s : dStep.stateInputs())
					tensors.put(s, vectors.containsKey(s) ? vectors.get(s)
						: new float[size(dStep.inputShape(s))]);
				if (ada) tensors.put(AdaptiveAugment.STATE, AdaptiveAugment.initial());
			}
			Map<String, float[]> ema = new LinkedHashMap<>();
			if (c.emaDecay() > 0) for (Parameter p : params)
				ema.put("ema/" + p.name(), p.values().clone());
			tensors.putAll(ema);

			long start = 0;
			String resumed = null; // the step a checkpoint took the run on from
			String resumedFrom = null; // that checkpoint's SHA-256
			double lr = c.optimizer().learningRate();
			List<float[]> history = new ArrayList<>();
			if (c.resume()) {
				Checkpoint ck = Checkpoint.read(c.checkpointDir());
				resumedFrom = Checkpoint.sha256(c.checkpointDir());
				if (ck.step() > c.steps()) throw new GanException("the checkpoint in " +
					c.checkpointDir() + " is at step " + ck.step() + ", past --steps " + c
						.steps() + ": give --steps " + ck.step() +
					" or more to go on from it");
				if (!ck.baseSha256().equals(baseSha256)) {
					if (writtenAtTheEndOf(baseSha256, c.checkpointDir(), resumedFrom) ||
						!WrittenModel.anyRecord(c.checkpointDir()) && namesTheEndOf(model,
							ck))
					{
						// the model that run wrote (say, over its input): it goes on, and
						// its checkpoints and result keep naming the model it started from
						baseSha256 = ck.baseSha256();
						settings = RunSettings.withModel(settings, baseSha256);
						notes.add("this model is what the run checkpointed in " + c
							.checkpointDir() + " wrote at step " + ck.step() +
							": going on with that run");
					}
					else throw new GanException("the checkpoint in " + c.checkpointDir() +
						" belongs to another model (SHA-256 " + ck.baseSha256().substring(0,
							Math.min(12, ck.baseSha256().length())) + "...)" + notItsResult(
								model, ck, c.checkpointDir(), resumedFrom));
				}
				boolean checked = RunSettings.refuseOther(c.checkpointDir(), ck
					.settings(), settings);
				if (!checked && settings != null) notes.add("the checkpoint in " + c
					.checkpointDir() +
					" was written by an earlier version, which recorded no settings: " +
					"that this run's match its run's was not checked");
				resumed = ck.step() + (checked ? ""
					: " (its run's settings were not recorded, so not checked)");
				for (Map.Entry<String, float[]> e : tensors.entrySet()) {
					float[] saved = ck.tensors().get(e.getKey());
					if (saved == null || saved.length != e.getValue().length)
						throw new GanException(
							"the checkpoint does not match this run's settings (tensor " + e
								.getKey() + ")");
					System.arraycopy(saved, 0, e.getValue(), 0, saved.length);
				}
				start = ck.step();
				lr = ck.learningRate();
				history.addAll(ck.history());
				notes.add("resumed from step " + start);
			}

			try (StepRunner g = new StepRunner(gStep, params, tensors, c.device(), c
				.threads());
					DiscriminatorTraining dr = gan ? new DiscriminatorTraining(dStep,
						dStepWithoutR1, d, tensors, c, dOpt, label) : null;
					Validator ev = new Validator(model, output, what.subtractFrom(),
						params, c, what.outputRange(), what.imageLayout()))
			{
				notes.addAll(g.notes());
				List<String> heapState = new ArrayList<>(ema.keySet());
				if (dr != null) heapState.addAll(dr.heapState());
				Map<String, float[]> lastGood = copy(tensors);
				long lastGoodStep = start;
				double lastGoodLr = lr;
				int lastGoodHistory = history.size();
				// the step and SHA-256 of the checkpoint on disk
				long keptStep = c.resume() ? start : -1;
				String kept = resumedFrom;
				long at = start; // the step under way
				try {
					for (long step = start; step < c.steps(); step++) {
						at = step;
						cancel.throwIfCancelled();
						double factor = c.optimizer().schedule().factor(step, c.steps());
						// the discriminator's learning rate follows the generator's
						// halvings
						// after a rollback
						double dLr = (st.discriminatorLr() == null ? lr : st
							.discriminatorLr() * (lr / c.optimizer().learningRate())) *
							factor;
						// with --d-steps k, steps 1..k-1 of this round judge fresh batches
						// generated by the
						// current weights, before the generator's step; the last one judges
						// its
						// batch
						for (int j = 1; j < dSteps; j++) {
							Batch extra = data.batch(step * dSteps + j);
							g.read(weights);
							Tensor fake = ev.generate(weights, extra, cancel);
							dr.step(step * dSteps + j - 1, extra.target(), fake, label == null
								? null : GeneratorSpec.plainLabels(extra.inputs().get(label)),
								dLr, cancel);
						}
						Batch b = data.batch(step * dSteps);
						Map<String, Tensor> in = feeds(b);
						if (gan) dr.feedGeneratorStep(in, step, outShape);
						Map<String, Float> scalars = scalars(c.optimizer(), lr * factor,
							step + 1);
						Map<String, Tensor> out = g.step(in, scalars, cancel);
						float loss = out.get(StepGraph.LOSS).floats()[0];
						float content = out.get(StepGraph.CONTENT_LOSS).floats()[0];
						float dLoss = Float.NaN;
						float[] validation = { Float.NaN, Float.NaN, Float.NaN };
						boolean last = step == c.steps() - 1;
						boolean checkpoint = c.checkpointDir() != null && ((step + 1) % c
							.checkpointEvery() == 0 || last);
						// the state is read back (and kept as the last good one) at every
						// checkpoint interval and at the end
						boolean snapshot = checkpoint || last || (step + 1) % c
							.checkpointEvery() == 0;
						String trouble = Float.isFinite(loss) ? null : "loss was " + loss;
						if (trouble == null) {
							if (gan) dLoss = dr.step(step * dSteps + dSteps - 1, b.target(),
								out.get(StepGraph.FAKE), label == null ? null : GeneratorSpec
									.plainLabels(b.inputs().get(label)), dLr, cancel);
							if (c.emaDecay() > 0) updateEma(g, params, tensors, ema,
								(float) st.emaDecay(c.emaDecay(), step));
							boolean validated = (last || c.validateEvery() > 0 && (step + 1) %
								c.validateEvery() == 0) && !validationBatches.isEmpty();
							if (validated) {
								g.read(tensors);
								validation = ev.run(exported(params, tensors, ema),
									validationBatches, cancel);
								if (!Float.isFinite(validation[0])) trouble =
									"the validation loss was " + validation[0];
							}
							// the loss was that of the weights before this step's update: the
							// updated ones, which a checkpoint or the model would hold, are
							// checked here (between snapshots, the next step's loss does it)
							if (trouble == null && snapshot) trouble = unhealthy(g, dr, ev,
								params, tensors, ema, validated ? null : b, cancel);
						}
						if (trouble != null) {
							g.write(lastGood);
							if (dr != null) dr.write(lastGood);
							for (String k : heapState) // the runners do not hold these
								System.arraycopy(lastGood.get(k), 0, tensors.get(k), 0, tensors
									.get(k).length);
							lr /= 2;
							notes.add("step " + (step + 1) + ": " + trouble +
								"; rolled back to step " + lastGoodStep + " and halved the " +
								learningRates(c, dr != null, lr, " to "));
							if (lr < c.optimizer().learningRate() / 1024)
								throw new GanException(
									"training diverged: the loss or the weights stay non-finite after halving the learning rate 10 times");
							step = lastGoodStep - 1;
							while (history.size() > lastGoodHistory)
								history.remove(history.size() - 1);
							continue;
						}
						history.add(new float[] { step + 1, loss, content, dLoss,
							validation[0], validation[1], validation[2] });
						listener.onProgress(new ProgressEvent(Stage.STEP, step + 1, c
							.steps(), String.format(java.util.Locale.ROOT,
								"step %d/%d loss %.5f", step + 1, c.steps(), loss), loss));
						if (snapshot) { // read back and found finite by unhealthy()
							lastGood = copy(tensors);
							lastGoodStep = step + 1;
							lastGoodLr = lr;
							lastGoodHistory = history.size();
							if (checkpoint) {
								kept = new Checkpoint(step + 1, lr, baseSha256, settings == null
									? "" : settings, tensors, history).write(c.checkpointDir());
								keptStep = step + 1;
							}
						}
					}
				}
				catch (CancellationToken.CancelledException e) { // here, or in a step
					throw cancelledAt(at, c, keptStep);
				}
				g.read(tensors);
				ModelProto trained = Parameters.withValues(model, exported(params,
					tensors, ema));
				trained = provenance(trained, baseSha256, data, c, gan ? d
					.architecture() : null, g.provider(), history, resumed, lr);
				if (lastGoodLr != c.optimizer().learningRate()) notes.add("final " +
					learningRates(c, dr != null, lr, " "));
				if (dr != null && dr.adaNote() != null) notes.add(dr.adaNote());
				if (ev.ssimNote() != null) notes.add(ev.ssimNote());
				return new Result(trained, history, g.provider(), notes, c.steps(), c
					.checkpointDir() == null ? null : new Checkpoints(c.checkpointDir(),
						resumedFrom == null ? -1 : start, resumedFrom, kept));
			}
		}
	}

	/**
	 * The learning rates after halvings have brought the generator's to
	 * {@code lr}, for the notes, each after {@code to}: "learning rate X" without
	 * a discriminator, "learning rate of the generator and the discriminator X"
	 * when they share it, and "learning rates X (generator) and Y (discriminator,
	 * --d-lr)" when the discriminator has its own, which follows the generator's
	 * halvings.
	 */
	static String learningRates(FineTuneConfig c, boolean discriminator,
		double lr, String to)
	{
		Double own = c.stabilisers().discriminatorLr();
		if (!discriminator) return "learning rate" + to + (float) lr;
		if (own == null) return "learning rate of the generator and the " +
			"discriminator" + to + (float) lr;
		return "learning rates" + to + (float) lr + " (generator) and " +
			(float) (own * (lr / c.optimizer().learningRate())) +
			" (discriminator, --d-lr)";
	}

	/**
	 * The run's discriminator: the architecture chosen, or the task's default
	 * (PatchGAN for image-to-image models, DCGAN-style for generators), with its
	 * options, seeded by the run's seed.
	 */
	/**
	 * A note on trainable parameters the loss does not reach by a differentiable
	 * path (a branch that ends outside the output, a Round or an integer cast on
	 * the way): the rest train, these are not trained by the loss.
	 */
	static String untrained(List<String> names, int of) {
		int shown = Math.min(5, names.size());
		return names.size() + " of the " + of + " trainable parameters get no " +
			"gradient (no path from them to the loss carries one), so the loss " +
			"does not train them: " + String.join(", ", names.subList(0, shown)) +
			(names.size() > shown ? " and " + (names.size() - shown) + " more" : "");
	}

	/**
	 * What a run cancelled before {@code step} leaves: the checkpoint it can
	 * resume from, if any.
	 */
	static CancellationToken.CancelledException cancelledAt(long step,
		FineTuneConfig c, long kept)
	{
		String at = "cancelled at step " + step + " of " + c.steps() + "; ";
		if (kept >= 0) return new CancellationToken.CancelledException(at +
			"the checkpoint of step " + kept + " in " + c.checkpointDir() +
			" is kept: the same command with --resume goes on from it");
		return new CancellationToken.CancelledException(at + "nothing was written" +
			(c.checkpointDir() == null
				? " (give --checkpoint-dir to keep checkpoints a later --resume goes on from)"
				: ": no checkpoint was due yet in " + c.checkpointDir() +
					" (one every " + c.checkpointEvery() + " steps)"));
	}

	static Discriminator discriminator(TrainingTarget what, Stabilisers st,
		long[] imageShape, long seed)
	{
		Discriminator.Architecture a = architecture(st, what.generator());
		int classes = what.labelInput() != null ? what.classCount() : 0;
		long[] own = Discriminator.ownShape(imageShape, what.imageLayout()); // NCHW
		return Discriminator.create(a, (int) own[1], (int) Math.min(own[2], own[3]),
			st.discriminatorWidth(), classes, new Discriminator.Options(st
				.spectralNorm(), st.minibatchStd()), what.imageLayout(), seed);
	}

	/**
	 * The discriminator's architecture: the one chosen, or PatchGAN for an
	 * image-to-image model and DCGAN for a generator.
	 */
	static Discriminator.Architecture architecture(Stabilisers st,
		boolean generator)
	{
		return st.discriminator() != null ? st.discriminator() : generator
			? Discriminator.Architecture.DCGAN : Discriminator.Architecture.PATCHGAN;
	}

	/**
	 * WGAN-GP's interpolation weights for discriminator step {@code step}: one ε
	 * ~ U(0, 1) per sample, {@code [n, 1, 1, 1]}, a function of the seed and the
	 * step alone (so a resumed run draws the same ones).
	 */
	static Tensor epsilon(long seed, long step, long n) {
		java.util.SplittableRandom r = new java.util.SplittableRandom(seed *
			Seeds.GOLDEN + step);
		float[] v = new float[(int) n];
		for (int i = 0; i < v.length; i++)
			v[i] = r.nextFloat();
		return Tensor.of(v, n, 1, 1, 1);
	}

	/**
	 * Reads the whole state back into {@code tensors} and says what in it is not
	 * finite, or null when all is: a weight or optimizer slot anywhere (the
	 * generator's, the discriminator's, the moving average), or, given a batch,
	 * the loss of the weights to be written on it (finite weights so large that
	 * the model overflows). Done where the state is kept (a checkpoint, the last
	 * good state) and at the end, so that what is written is finite; not after
	 * every step, whose next step's loss is the same check.
	 *
	 * @param b a batch to judge the weights to be written on, or null when
	 *          validation has just judged them
	 */
	static String unhealthy(StepRunner g, DiscriminatorTraining dr, Validator ev,
		List<Parameter> params, Map<String, float[]> tensors,
		Map<String, float[]> ema, Batch b, CancellationToken cancel)
	{
		g.read(tensors);
		if (dr != null) dr.read(tensors);
		for (Map.Entry<String, float[]> e : tensors.entrySet())
			if (!finite(e.getValue())) return "tensor " + e.getKey() +
				" became non-finite";
		if (b == null) return null;
		float loss = ev.loss(exported(params, tensors, ema), b, cancel);
		return Float.isFinite(loss) ? null : "the updated weights' loss was " +
			loss;
	}

	private static boolean finite(float[] v) {
		for (float x : v)
			if (!Float.isFinite(x)) return false;
		return true;
	}

	/** Name of the target input of the generator step graph. */
	public static final String TARGET = "train/target";

	static Map<String, Tensor> feeds(Batch b) {
		Map<String, Tensor> m = new LinkedHashMap<>(b.inputs());
		m.put(TARGET, b.target());
		if (b.lossMask() != null) m.put(StepGraph.LOSS_MASK, b.lossMask());
		return m;
	}

	private static int size(long[] shape) {
		return (int) Tensor.elementCount(shape);
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

	/**
	 * The weights the run writes, by parameter name: the moving average where
	 * there is one ({@code --ema}), else the trained weights. Validation judges
	 * these, so the numbers reported are the written model's. The arrays are
	 * {@code tensors}' and {@code ema}'s own, not copies.
	 */
	private static Map<String, float[]> exported(List<Parameter> params,
		Map<String, float[]> tensors, Map<String, float[]> ema)
	{
		Map<String, float[]> w = new HashMap<>();
		for (Parameter p : params)
			w.put(p.name(), ema.isEmpty() ? tensors.get(p.name()) : ema.get("ema/" + p
				.name()));
		return w;
	}

	private static void updateEma(StepRunner g, List<Parameter> params,
		Map<String, float[]> tensors, Map<String, float[]> ema, float decay)
	{
		g.read(tensors);
		for (Parameter p : params) {
			float[] w = tensors.get(p.name()), a = ema.get("ema/" + p.name());
			for (int i = 0; i < w.length; i++)
				a[i] = decay * a[i] + (1 - decay) * w[i];
		}
	}

	/**
	 * How rollbacks changed a learning rate, for the metadata: empty when the
	 * generator's ended at {@code asked}, else
	 * {@code ", halved 6 times to X after non-finite steps"}, X being
	 * {@code now}, the rate in question at the end.
	 */
	static String halvings(double asked, double lr, String now) {
		if (lr == asked) return "";
		long times = Math.round(Math.log(asked / lr) / Math.log(2));
		return ", halved " + times + (times == 1 ? " time" : " times") + " to " +
			now + " after non-finite steps";
	}

	/** The prefix of the metadata keys that record a fine-tune run. */
	static final String FINE_TUNE_KEYS = "fiji-gan.fine_tune.";

	/**
	 * The base model's metadata with its fine-tune record replaced by this run's:
	 * the keys that describe the model (task, scale, range, normalisation,
	 * classes) are kept, the {@value #FINE_TUNE_KEYS}* keys are this run's only.
	 *
	 * @param resumed the step the run went on from a checkpoint, and whether its
	 *          settings were checked; null when it started afresh
	 * @param against the discriminator's architecture; null without one
	 * @param lr the generator's learning rate at the end: the one asked for
	 *          unless rollbacks halved it
	 */
	private static ModelProto provenance(ModelProto m, String sha,
		BatchSource data, FineTuneConfig c, Discriminator.Architecture against,
		String provider, List<float[]> history, String resumed, double lr)
	{
		ModelProto.Builder b = m.toBuilder();
		Map<String, String> meta = new LinkedHashMap<>();
		for (StringStringEntryProto e : b.getMetadataPropsList())
			meta.put(e.getKey(), e.getValue());
		// the record describes this run alone: a base model's own (a recipe's
		// discriminator, EMA, betas, penalties) would read as this run's settings;
		// base_sha256 names the base model, whose metadata keeps them
		meta.keySet().removeIf(k -> k.startsWith(FINE_TUNE_KEYS));
		float[] last = history.isEmpty() ? null : history.get(history.size() - 1);
		meta.put("fiji-gan.fine_tune.base_sha256", sha);
		meta.put("fiji-gan.fine_tune.data", data.describe());
		meta.put("fiji-gan.fine_tune.steps", Long.toString(c.steps()));
		meta.put("fiji-gan.fine_tune.seed", Long.toString(c.seed()));
		double asked = c.optimizer().learningRate();
		meta.put("fiji-gan.fine_tune.optimizer", c.optimizer().describe() +
			halvings(asked, lr, Double.toString(lr)));
		// a generator has no pixel loss: its discriminator's alone
		String gan = c.adversarialWeight() + " x " + c.adversarial().name()
			.toLowerCase();
		meta.put("fiji-gan.fine_tune.loss", c.loss() == null ? gan : c.loss().name()
			.toLowerCase() + (c.adversarialWeight() > 0 ? " + " + gan : ""));
		if (c.penalties().any()) meta.put("fiji-gan.fine_tune.gradient_penalties", c
			.penalties().describe());
		Stabilisers st = c.stabilisers();
		if (against != null) meta.put("fiji-gan.fine_tune.discriminator", st
			.describe(against) + (st.discriminatorLr() == null ? "" : halvings(asked,
				lr, Numbers.exact(st.discriminatorLr() * (lr / asked)))));
		OptimizerConfig o = c.optimizer();
		if (o.kind() == OptimizerConfig.Kind.ADAM && (o.beta1() != 0.5 || o
			.beta2() != 0.999)) meta.put("fiji-gan.fine_tune.adam_betas", o.beta1() +
				"," + o.beta2());
		if (c.emaDecay() > 0) meta.put("fiji-gan.fine_tune.ema", c.emaDecay() + (st
			.emaWarmup() ? " with warm-up min(decay, (1 + t) / (10 + t))" : ""));
		meta.put("fiji-gan.fine_tune.provider", provider);
		if (resumed != null) meta.put("fiji-gan.fine_tune.resumed_from_step",
			resumed);
		if (last != null) meta.put("fiji-gan.fine_tune.final_loss", Float.toString(
			last[1]));
		b.clearMetadataProps();
		meta.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto
			.newBuilder().setKey(k).setValue(v)));
		return b.build();
	}
}
