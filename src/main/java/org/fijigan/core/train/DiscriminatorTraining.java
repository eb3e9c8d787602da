
package org.fijigan.core.train;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.engine.Tensor;

/**
 * The discriminator's side of a training run: its step graphs and their
 * runners, and what each step needs fed besides the batch (WGAN-GP's ε, the
 * augmentation's random parameters, its own learning rate and Adam step count),
 * plus ADA's probability. Also readies the generator's step (the frozen
 * discriminator's weights and vectors, the augmentation of the generated
 * batch).
 * <p>
 * One graph, or two under a lazy R1 schedule (one with R1 for every k-th step,
 * one without), which share the weights, optimizer state and spectral-norm
 * vectors: the runner that ran last holds the current values and hands them to
 * the other before it runs. Discriminator steps are numbered from 0 over the
 * run ({@code dStep}); every random draw is a function of the seed and that
 * number.
 */
final class DiscriminatorTraining implements AutoCloseable {

	/** Random-stream roles of the augmented batches. */
	private static final int REAL = 0, FAKE = 1, GENERATOR = 2;

	private final Discriminator d;
	private final StepRunner regularised;
	private final StepRunner withoutR1;
	private final Map<String, float[]> tensors;
	private final GradientPenalties penalties;
	private final Stabilisers stabilisers;
	private final OptimizerConfig optimizer;
	private final String label;
	private final long seed;
	private StepRunner current;

	/**
	 * @param withoutR1 the graph for the steps without R1 under a lazy schedule;
	 *          null for one graph at every step
	 * @param tensors the run's tensors by name: initial values, and where values
	 *          go on a hand-over; holds {@link AdaptiveAugment#STATE} when ADA is
	 *          on
	 * @param optimizer the discriminator's optimizer (its learning rate is the
	 *          base of {@link #step}'s)
	 */
	DiscriminatorTraining(StepGraph.Built regularised, StepGraph.Built withoutR1,
		Discriminator d, Map<String, float[]> tensors, FineTuneConfig c,
		OptimizerConfig optimizer, String label)
	{
		this.d = d;
		this.tensors = tensors;
		this.penalties = c.penalties();
		this.stabilisers = c.stabilisers();
		this.optimizer = optimizer;
		this.label = label;
		this.seed = c.seed();
		this.regularised = new StepRunner(regularised, d.parameters(), tensors, c
			.device(), c.threads());
		StepRunner other = null;
		try {
			if (withoutR1 != null) other = new StepRunner(withoutR1, d.parameters(),
				tensors, c.device(), c.threads());
		}
		catch (RuntimeException e) {
			this.regularised.close();
			throw e;
		}
		this.withoutR1 = other;
		this.current = this.regularised;
	}

	/** The augmentation probability now: ADA's, or 1. */
	private double probability() {
		return stabilisers.adaTarget() > 0 ? AdaptiveAugment.probability(tensors
			.get(AdaptiveAugment.STATE)) : 1;
	}

	/**
	 * Runs discriminator step {@code dStep} on a real and a generated batch.
	 *
	 * @param labels the class labels of both batches (conditional
	 *          discriminators), or null
	 * @param lr the discriminator's learning rate at this step
	 * @return the step's loss
	 */
	float step(long dStep, Tensor real, Tensor fake, Tensor labels, double lr,
		CancellationToken cancel)
	{
		StepRunner next = withoutR1 == null || penalties.r1At(dStep) ? regularised
			: withoutR1;
		if (next != current) {
			current.read(tensors);
			next.write(tensors);
			current = next;
		}
		Map<String, Tensor> batch = new HashMap<>();
		batch.put("real", real);
		batch.put("fake", fake);
		if (label != null) batch.put(label, labels);
		long[] shape = d.ownShape(real.shape()); // what the network sees
		if (penalties.wganGp() > 0) batch.put(StepGraph.EPSILON, Trainer.epsilon(
			seed, dStep, shape[0]));
		DiffAugment augment = stabilisers.augment();
		if (augment.any()) {
			double p = probability();
			batch.putAll(augment.draw(StepGraph.AUGMENT_REAL, shape, DiffAugment
				.stream(seed, dStep, REAL), p));
			batch.putAll(augment.draw(StepGraph.AUGMENT_FAKE, shape, DiffAugment
				.stream(seed, dStep, FAKE), p));
		}
		Map<String, Tensor> out = next.step(batch, Trainer.scalars(optimizer, lr,
			dStep + 1), cancel);
		if (stabilisers.adaTarget() > 0) AdaptiveAugment.observe(tensors.get(
			AdaptiveAugment.STATE), out.get(StepGraph.REAL_SIGN).floats()[0],
			(int) shape[0], stabilisers.adaTarget());
		return out.get(StepGraph.LOSS).floats()[0];
	}

	/**
	 * Adds what the generator's step {@code step} feeds its frozen discriminator:
	 * the current weights and spectral-norm vectors, and the augmentation of the
	 * generated batch of shape {@code shape} (in the generator output's layout).
	 */
	void feedGeneratorStep(Map<String, Tensor> in, long step, long[] shape) {
		current.read(tensors);
		for (Parameter p : d.parameters())
			in.put(p.name(), Tensor.of(tensors.get(p.name()), p.shape()));
		for (String u : d.spectralVectors().keySet()) {
			float[] v = tensors.get(u);
			in.put(u, Tensor.of(v, v.length));
		}
		DiffAugment augment = stabilisers.augment();
		if (augment.any()) in.putAll(augment.draw(StepGraph.AUGMENT_FAKE, d
			.ownShape(shape), DiffAugment.stream(seed, step, GENERATOR),
			probability()));
	}

	/** A note on ADA's probability at the end of the run, or null without ADA. */
	String adaNote() {
		if (stabilisers.adaTarget() <= 0) return null;
		return "ADA: augmentation probability " + org.fijigan.core.text.Numbers
			.significant(probability(), 3) + " at the end";
	}

	void read(Map<String, float[]> into) {
		current.read(into);
	}

	void write(Map<String, float[]> from) {
		current.write(from);
	}

	/**
	 * Names of the run's tensors that only this side holds on the heap (ADA's
	 * state).
	 */
	List<String> heapState() {
		return stabilisers.adaTarget() > 0 ? List.of(AdaptiveAugment.STATE) : List
			.of();
	}

	@Override
	public void close() {
		regularised.close();
		if (withoutR1 != null) withoutR1.close();
	}
}
