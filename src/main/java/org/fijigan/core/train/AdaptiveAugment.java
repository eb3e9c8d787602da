
package org.fijigan.core.train;

/**
 * The adaptive augmentation probability of ADA (Karras et al. 2020, "Training
 * Generative Adversarial Networks with Limited Data", section 3): the
 * overfitting heuristic {@code r_t = E[sign(D(real))]} is averaged over
 * {@link #INTERVAL} discriminator steps; then {@code p} moves by
 * {@code sign(r_t - target) · N · INTERVAL / RAMP_IMAGES} (N images per step),
 * clamped to [0, 1], so that it could go from 0 to 1 in {@link #RAMP_IMAGES}
 * real images, the paper's 500k. {@code p} starts at 0. Its state ({@code p},
 * the running sum and count) is three numbers that the checkpoint keeps, so a
 * resumed run continues exactly.
 */
final class AdaptiveAugment {

	/** Discriminator steps between adjustments (ADA: 4). */
	static final int INTERVAL = 4;
	/** Real images over which p could go from 0 to 1 (ADA: 500k). */
	static final double RAMP_IMAGES = 500_000;
	/**
	 * Name of the state tensor in the run's tensors (and checkpoint): {p, sum,
	 * count}.
	 */
	static final String STATE = "train/ada";

	private AdaptiveAugment() {}

	/** A fresh state: p = 0, nothing accumulated. */
	static float[] initial() {
		return new float[3];
	}

	/** The probability in a state. */
	static double probability(float[] state) {
		return state[0];
	}

	/**
	 * Adds one discriminator step's {@code mean(sign(D(real)))} over
	 * {@code batch} images to the state, and adjusts p after every
	 * {@link #INTERVAL}-th.
	 */
	static void observe(float[] state, double realSign, int batch,
		double target)
	{
		state[1] += (float) realSign;
		state[2] += 1;
		if (state[2] < INTERVAL) return;
		double rt = state[1] / state[2];
		double p = state[0] + Math.signum(rt - target) * batch * state[2] /
			RAMP_IMAGES;
		state[0] = (float) Math.max(0, Math.min(1, p));
		state[1] = 0;
		state[2] = 0;
	}
}
