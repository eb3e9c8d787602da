
package org.fijigan.core.train;

import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ThreadCount;

/**
 * Settings of one fine-tuning run.
 *
 * @param steps optimizer steps in all (a resumed run continues up to this
 *          number)
 * @param optimizer optimizer and learning rate
 * @param loss pixel loss between output and target; null for none: a
 *          generator's (which its discriminator alone trains), or, in a
 *          {@link FineTune.Request}, the task's default (L1, or L2 with
 *          Noise2Void's blind spots)
 * @param adversarialWeight weight of the GAN loss; 0 trains without a
 *          discriminator
 * @param adversarial GAN loss
 * @param seed seeds the data sampling and the discriminator's initial weights
 * @param device execution provider for the training graph
 * @param threads intra-op threads: 0 for one per core, else at most
 *          {@link ThreadCount#max()}
 * @param checkpointDir where checkpoints go, or null for none
 * @param checkpointEvery steps between checkpoints
 * @param resume continue from the checkpoint in {@code checkpointDir}
 * @param freeze regular expressions of parameter names to keep fixed
 * @param emaDecay decay of an exponential moving average of the generator
 *          weights (0: off); the average is what gets exported
 * @param validateEvery steps between validation passes (0: only at the end)
 * @param penalties gradient penalties of the discriminator (WGAN-GP, R1);
 *          {@code null}: none
 * @param stabilisers the discriminator's architecture and stabilisers, the EMA
 *          warm-up; {@code null}: {@link Stabilisers#DEFAULTS}
 */
public record FineTuneConfig(int steps, OptimizerConfig optimizer,
		LossKind loss, float adversarialWeight, AdversarialKind adversarial,
		long seed, DeviceSpec device, int threads, Path checkpointDir,
		int checkpointEvery, boolean resume, List<String> freeze, double emaDecay,
		int validateEvery, GradientPenalties penalties, Stabilisers stabilisers) {

	/** Settings with the default stabilisers. */
	public FineTuneConfig(int steps, OptimizerConfig optimizer, LossKind loss,
		float adversarialWeight, AdversarialKind adversarial, long seed,
		DeviceSpec device, int threads, Path checkpointDir, int checkpointEvery,
		boolean resume, List<String> freeze, double emaDecay, int validateEvery,
		GradientPenalties penalties)
	{
		this(steps, optimizer, loss, adversarialWeight, adversarial, seed, device,
			threads, checkpointDir, checkpointEvery, resume, freeze, emaDecay,
			validateEvery, penalties, Stabilisers.DEFAULTS);
	}

	/** Settings without gradient penalties. */
	public FineTuneConfig(int steps, OptimizerConfig optimizer, LossKind loss,
		float adversarialWeight, AdversarialKind adversarial, long seed,
		DeviceSpec device, int threads, Path checkpointDir, int checkpointEvery,
		boolean resume, List<String> freeze, double emaDecay, int validateEvery)
	{
		this(steps, optimizer, loss, adversarialWeight, adversarial, seed, device,
			threads, checkpointDir, checkpointEvery, resume, freeze, emaDecay,
			validateEvery, GradientPenalties.NONE);
	}

	public FineTuneConfig {
		if (steps < 1) throw new GanException("steps must be at least 1, got " +
			steps);
		if (!(adversarialWeight >= 0 && Float.isFinite(adversarialWeight)))
			throw new GanException("adversarial weight must be a number >= 0, got " +
				adversarialWeight);
		if (checkpointEvery < 1) throw new GanException(
			"checkpoints come every 1 or more steps, not " + checkpointEvery);
		if (validateEvery < 0) throw new GanException(
			"validation comes every 1 or more steps (0: only " + "at the end), not " +
				validateEvery);
		if (resume && checkpointDir == null) throw new GanException(
			"--resume needs --checkpoint-dir (where the checkpoint is)");
		if (!(emaDecay >= 0 && emaDecay < 1)) throw new GanException(
			"EMA decay must be in [0, 1), got " + emaDecay);
		freeze = freeze == null ? List.of() : List.copyOf(freeze);
		for (String regex : freeze)
			try {
				if (regex.isEmpty()) throw new GanException(
					"--freeze '' matches every parameter: give a regular expression " +
						"of the names to keep fixed");
				java.util.regex.Pattern.compile(regex);
			}
			catch (java.util.regex.PatternSyntaxException e) {
				throw new GanException("--freeze '" + regex +
					"' is not a regular expression: " + e.getDescription() +
					" at position " + e.getIndex());
			}
		if (device == null) device = DeviceSpec.AUTO;
		if (penalties == null) penalties = GradientPenalties.NONE;
		if (stabilisers == null) stabilisers = Stabilisers.DEFAULTS;
		if (emaDecay == 0 && !stabilisers.emaWarmup()) throw new GanException(
			"--no-ema-warmup sets how the moving average of the weights starts, " +
				"and there is none: give --ema DECAY (e.g. 0.999) with it, or leave it out");
		if (penalties.wganGp() > 0 && adversarial != AdversarialKind.WASSERSTEIN)
			throw new GanException(
				"--gradient-penalty wgan-gp belongs to the Wasserstein critic: add --adversarial wasserstein " +
					"(or regularise a " + adversarial.name().toLowerCase(
						java.util.Locale.ROOT) + " discriminator with --r1 GAMMA)");
		if (adversarial == AdversarialKind.WASSERSTEIN && penalties.wganGp() == 0)
			throw new GanException(
				"--adversarial wasserstein needs a Lipschitz critic: add --gradient-penalty wgan-gp:10");
		ThreadCount.check(threads);
	}

	/** The same settings with another pixel loss (null: none). */
	public FineTuneConfig withLoss(LossKind l) {
		return new FineTuneConfig(steps, optimizer, l, adversarialWeight,
			adversarial, seed, device, threads, checkpointDir, checkpointEvery,
			resume, freeze, emaDecay, validateEvery, penalties, stabilisers);
	}

	/** The same settings with another adversarial weight. */
	public FineTuneConfig withAdversarialWeight(float weight) {
		return new FineTuneConfig(steps, optimizer, loss, weight, adversarial, seed,
			device, threads, checkpointDir, checkpointEvery, resume, freeze, emaDecay,
			validateEvery, penalties, stabilisers);
	}

	/**
	 * Plain defaults: Adam 1e-4, L1, no discriminator, checkpoints every 100
	 * steps.
	 */
	public static FineTuneConfig defaults(int steps) {
		return new FineTuneConfig(steps, OptimizerConfig.adam(1e-4), LossKind.L1, 0,
			AdversarialKind.NONSATURATING, 0, DeviceSpec.AUTO, 0, null, 100, false,
			List.of(), 0, 0);
	}
}
