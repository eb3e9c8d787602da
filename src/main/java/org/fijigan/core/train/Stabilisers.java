
package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.text.Numbers;

/**
 * The GAN stabilisers of a fine-tuning run, beyond the gradient penalties: the
 * discriminator's architecture and width, spectral normalisation, the minibatch
 * standard deviation, differentiable augmentation (with ADA's adaptive
 * probability), the discriminator's own learning rate and number of steps
 * (TTUR, Heusel et al. 2017), and the warm-up of the generator's moving
 * average. {@link #DEFAULTS} leaves the run as it was before these options
 * existed, except for the EMA warm-up, which is on by default.
 *
 * @param discriminator the discriminator's architecture; null for the task's
 *          default (PatchGAN for image-to-image models, DCGAN-style for
 *          generators)
 * @param discriminatorWidth channels of its first layer
 * @param spectralNorm spectral normalisation of every discriminator weight
 *          ({@link SpectralNorm})
 * @param minibatchStd the minibatch standard-deviation feature in the
 *          discriminator
 * @param augment differentiable augmentation before the discriminator
 *          ({@link DiffAugment})
 * @param adaTarget 0: the augmentation always applies (DiffAugment); above 0:
 *          it applies with ADA's adaptive probability, steered towards this
 *          {@code E[sign(D(real))]} (the paper uses 0.6; see
 *          {@link AdaptiveAugment})
 * @param discriminatorLr the discriminator's learning rate; null for the
 *          generator's
 * @param discriminatorSteps discriminator steps per generator step
 * @param emaWarmup ramp the EMA decay up as
 *          {@code β_t = min(β, (1 + t) / (10 + t))} at step {@code t}
 *          (0-based), so that a short run exports trained weights
 */
public record Stabilisers(Discriminator.Architecture discriminator,
		int discriminatorWidth, boolean spectralNorm, boolean minibatchStd,
		DiffAugment augment, double adaTarget, Double discriminatorLr,
		int discriminatorSteps, boolean emaWarmup) {

	/** The discriminator width before it could be set. */
	public static final int DEFAULT_WIDTH = 32;

	/**
	 * The most discriminator steps per generator step: WGAN-GP takes 5; each is a
	 * training step of its own, so more than this mostly trains the discriminator
	 * alone, and 2^31 of them would run for ever.
	 */
	public static final int MAX_DISCRIMINATOR_STEPS = 100;

	/** No stabiliser; the EMA warm-up on. */
	public static final Stabilisers DEFAULTS = new Stabilisers(null,
		DEFAULT_WIDTH, false, false, DiffAugment.NONE, 0, null, 1, true);

	public Stabilisers {
		if (augment == null) augment = DiffAugment.NONE;
		if (discriminatorWidth < 1) throw new GanException(
			"--discriminator-width must be at least 1, got " + discriminatorWidth);
		if (discriminatorSteps < 1 || discriminatorSteps > MAX_DISCRIMINATOR_STEPS)
			throw new GanException("--d-steps must be at least 1 and at most " +
				MAX_DISCRIMINATOR_STEPS + " (WGAN-GP uses 5), got " +
				discriminatorSteps);
		if (discriminatorLr != null && (!(discriminatorLr > 0) || discriminatorLr
			.isInfinite())) throw new GanException(
				"--d-lr must be a positive number, got " + discriminatorLr);
		String problem = discriminatorLr == null ? null : OptimizerConfig
			.floatProblem("--d-lr", discriminatorLr);
		if (problem != null) throw new GanException(problem);
		if (!(adaTarget >= 0 && adaTarget < 1)) throw new GanException(
			"--ada-target must be at least 0 and below 1 (ADA uses 0.6), got " +
				adaTarget);
		if (adaTarget > 0 && !augment.any()) throw new GanException(
			"--ada-target adapts the " +
				"probability of the differentiable augmentation: add --diff-augment (e.g. translation,cutout,color)");
	}

	/**
	 * Parses the discriminator architecture as the command line and the dialog
	 * give it: {@code patchgan}, {@code dcgan}, {@code sngan}, or {@code auto}
	 * for the task's default (null).
	 */
	public static Discriminator.Architecture parseDiscriminator(String text) {
		String t = text.trim();
		return t.isEmpty() || t.equalsIgnoreCase("auto") ? null
			: Discriminator.Architecture.parse(t);
	}

	/** Whether any option needs a discriminator (the EMA warm-up does not). */
	public boolean touchDiscriminator() {
		return discriminator != null || discriminatorWidth != DEFAULT_WIDTH ||
			spectralNorm || minibatchStd || augment.any() ||
			discriminatorLr != null || discriminatorSteps != 1;
	}

	/** The same settings with the EMA warm-up on or off. */
	public Stabilisers withEmaWarmup(boolean on) {
		return new Stabilisers(discriminator, discriminatorWidth, spectralNorm,
			minibatchStd, augment, adaTarget, discriminatorLr, discriminatorSteps,
			on);
	}

	/**
	 * The EMA decay at step {@code t} (0-based) for the configured decay
	 * {@code beta}.
	 */
	public double emaDecay(double beta, long t) {
		return emaWarmup ? Math.min(beta, (1.0 + t) / (10.0 + t)) : beta;
	}

	/**
	 * The discriminator a run trains against, for the metadata and the notes: its
	 * architecture and width, always, then the options set, e.g.
	 * {@code patchgan width 32} or
	 * {@code sngan width 64, spectral norm, diff-augment color,translation,cutout (ADA target 0.6)}.
	 *
	 * @param architecture the architecture the run uses: the one chosen, or the
	 *          task's default ({@link Trainer#architecture})
	 */
	public String describe(Discriminator.Architecture architecture) {
		List<String> parts = new ArrayList<>();
		parts.add(architecture.id() + " width " + discriminatorWidth);
		if (spectralNorm) parts.add("spectral norm");
		if (minibatchStd) parts.add("minibatch std");
		if (augment.any()) parts.add("diff-augment " + augment.describe() +
			(adaTarget > 0 ? " (ADA target " + Numbers.exact(adaTarget) + ")" : ""));
		if (discriminatorLr != null) parts.add("d-lr " + Numbers.exact(
			discriminatorLr));
		if (discriminatorSteps != 1) parts.add("d-steps " + discriminatorSteps);
		return String.join(", ", parts);
	}
}
