
package org.fijigan.core.train;

import java.util.Arrays;

import org.fijigan.core.GanException;
import org.fijigan.core.train.autodiff.GraphEmitter;

/**
 * The losses a step graph emits: the pixel (content) loss, optionally under a
 * mask, and the adversarial losses of the generator and the discriminator for
 * each {@link AdversarialKind}.
 */
final class StepLosses {

	private StepLosses() {}

	/**
	 * Mean of |d|, d^2 or sqrt(d^2 + eps^2) over every element, d = output -
	 * target.
	 */
	static String pixelLoss(GraphEmitter e, String output, String target,
		LossKind kind)
	{
		return pixelLoss(e, output, target, kind, null);
	}

	/**
	 * The pixel loss: with {@code mask} null, the mean of |d|, d^2 or sqrt(d^2 +
	 * eps^2) over every element, d = output - target; else
	 * {@code sum(mask * l) / sum(mask)} of that per-element loss l, the mean over
	 * the elements the mask counts (its sum must not be 0).
	 */
	static String pixelLoss(GraphEmitter e, String output, String target,
		LossKind kind, String mask)
	{
		String d = e.sub(output, target);
		String per = switch (kind) {
			case L1 -> e.unary("Abs", d);
			case L2 -> e.mul(d, d);
			case CHARBONNIER -> e.unary("Sqrt", e.add(e.mul(d, d), e.scalar(
				LossKind.CHARBONNIER_EPS * LossKind.CHARBONNIER_EPS)));
		};
		return mask == null ? meanAll(e, per) : e.div(sumAll(e, e.mul(per, mask)),
			sumAll(e, mask));
	}

	/**
	 * Refuses a model output of another size than its target, before the pixel
	 * loss would broadcast one against the other: a model that crops its border
	 * (convolutions without padding) gives fewer pixels than the patch it is
	 * compared with, and no pixel of the one lines up with a pixel of the other.
	 * Shapes with the same number of elements (a dropped axis of 1) pass.
	 */
	static void requireTargetSize(GraphEmitter e, String output, String target) {
		long[] o = e.shape(output), t = e.shape(target);
		long no = Arrays.stream(o).reduce(1, (a, b) -> a * b), nt = Arrays.stream(t)
			.reduce(1, (a, b) -> a * b);
		if (no == nt) return;
		throw new GanException("the model's output " + Arrays.toString(o) + " is " +
			(no < nt ? "smaller" : "larger") + " than its target " + Arrays.toString(
				t) + ": fine-tune compares the output with a patch of the input's " +
			"size (times the model's scale); train a model whose output has that " +
			"size, e.g. one whose convolutions pad their input ('same' padding)");
	}

	static String sumAll(GraphEmitter e, String x) {
		long[] axes = new long[e.rank(x)];
		for (int i = 0; i < axes.length; i++)
			axes[i] = i;
		return e.reduceSum(x, axes, false);
	}

	static String meanAll(GraphEmitter e, String x) {
		long[] axes = new long[e.rank(x)];
		for (int i = 0; i < axes.length; i++)
			axes[i] = i;
		return e.reduceMean(x, axes, false);
	}

	static String generatorAdversarial(GraphEmitter e, String fakeLogits,
		AdversarialKind k)
	{
		return switch (k) {
			case NONSATURATING -> meanAll(e, e.unary("Softplus", e.neg(fakeLogits)));
			case HINGE, WASSERSTEIN -> e.neg(meanAll(e, fakeLogits));
			case LSGAN -> {
				String d = e.sub(fakeLogits, e.scalar(1f));
				yield meanAll(e, e.mul(d, d));
			}
		};
	}

	static String discriminatorLoss(GraphEmitter e, String real, String fake,
		AdversarialKind k)
	{
		return switch (k) {
			case NONSATURATING -> e.add(meanAll(e, e.unary("Softplus", e.neg(real))),
				meanAll(e, e.unary("Softplus", fake)));
			case HINGE -> e.add(meanAll(e, e.unary("Relu", e.sub(e.scalar(1f),
				real))), meanAll(e, e.unary("Relu", e.add(e.scalar(1f), fake))));
			case LSGAN -> {
				String r = e.sub(real, e.scalar(1f));
				yield e.add(meanAll(e, e.mul(r, r)), meanAll(e, e.mul(fake, fake)));
			}
			case WASSERSTEIN -> e.sub(meanAll(e, fake), meanAll(e, real));
		};
	}
}
