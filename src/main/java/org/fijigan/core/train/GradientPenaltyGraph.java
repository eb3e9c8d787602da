
package org.fijigan.core.train;

import java.util.List;
import java.util.function.UnaryOperator;

import org.fijigan.core.train.autodiff.GradientBuilder;
import org.fijigan.core.train.autodiff.GraphEmitter;

/**
 * Emits the gradient penalties of a discriminator step (WGAN-GP, R1): a
 * backward pass of the discriminator with respect to its input, inside the step
 * graph, so that the step's own backward pass differentiates it a second time.
 */
final class GradientPenaltyGraph {

	private GradientPenaltyGraph() {}

	/**
	 * The sum of the gradient penalties (see {@link GradientPenalties} for the
	 * definitions), each computed from the gradient of the discriminator's score
	 * with respect to its input, which is emitted here as a backward pass;
	 * differentiating the result again (with respect to the parameters) gives the
	 * gradient of a gradient.
	 *
	 * @param critic the discriminator: image value to logits value (emitting it)
	 * @param realLogits the discriminator's output on {@code real} if the graph
	 *          has it already (R1 then differentiates that forward pass), or null
	 * @param epsilon the per-sample interpolation weights {@code [N, 1, 1, 1]}
	 *          (WGAN-GP only)
	 */
	static String penalty(GraphEmitter e, UnaryOperator<String> critic,
		String real, String realLogits, String fake, String epsilon,
		GradientPenalties p)
	{
		String sum = null;
		if (p.wganGp() > 0) {
			String mixed = e.add(e.mul(epsilon, real), e.mul(e.sub(e.scalar(1f),
				epsilon), fake));
			String norm = e.unary("Sqrt", squaredNorms(e, inputGradient(e, critic,
				mixed, null)));
			String off = e.sub(norm, e.scalar(1f));
			sum = e.mul(StepLosses.meanAll(e, e.mul(off, off)), e.scalar(p.wganGp()));
		}
		if (p.r1Gamma() > 0) {
			String r1 = e.mul(StepLosses.meanAll(e, squaredNorms(e, inputGradient(e,
				critic, real, realLogits))), e.scalar(p.r1Gamma() / 2));
			sum = sum == null ? r1 : e.add(sum, r1);
		}
		return sum;
	}

	/**
	 * The gradient of the discriminator's scores, summed over the batch, with
	 * respect to {@code image}: per sample, the gradient of its own score. A
	 * score is the logit of a DCGAN-style discriminator or the mean of a
	 * PatchGAN's map. Emits the backward pass, and a forward pass of the
	 * discriminator on {@code image} unless {@code logits} is that already.
	 */
	static String inputGradient(GraphEmitter e, UnaryOperator<String> critic,
		String image, String logits)
	{
		if (logits == null) logits = critic.apply(image);
		int rank = e.rank(logits);
		String scores = rank == 1 ? logits : e.reduceMean(logits, range(1, rank),
			false);
		String total = e.reduceSum(scores, new long[] { 0 }, false);
		return GradientBuilder.differentiate(e, total, List.of(image)).get(image);
	}

	/**
	 * {@code [N]}: the squared L2 norm of each sample of {@code x} (over all axes
	 * but the first).
	 */
	private static String squaredNorms(GraphEmitter e, String x) {
		return e.reduceSum(e.mul(x, x), range(1, e.rank(x)), false);
	}

	private static long[] range(int from, int to) {
		long[] a = new long[to - from];
		for (int i = 0; i < a.length; i++)
			a[i] = from + i;
		return a;
	}
}
