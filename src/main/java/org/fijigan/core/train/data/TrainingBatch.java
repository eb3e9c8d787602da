
package org.fijigan.core.train.data;

import java.util.List;

import org.fijigan.core.GanException;

/**
 * Samples stacked along a leading batch axis, as flat arrays for tensors:
 * images in NCHW order, labels as {@code long} for an integer class input. The
 * arrays are created for this batch and belong to the caller (they may be
 * modified or handed to a tensor without copying).
 */
public final class TrainingBatch {

	private final List<TrainingSample> samples;
	private final float[] input;
	private final long[] inputShape;
	private final float[] mask;
	private final long[] maskShape;
	private final float[] target;
	private final long[] targetShape;
	private final long[] labels;
	private final float[] lossMask;

	private TrainingBatch(List<TrainingSample> samples, float[] input,
		long[] inputShape, float[] mask, long[] maskShape, float[] target,
		long[] targetShape, long[] labels, float[] lossMask)
	{
		this.samples = samples;
		this.input = input;
		this.inputShape = inputShape;
		this.mask = mask;
		this.maskShape = maskShape;
		this.target = target;
		this.targetShape = targetShape;
		this.labels = labels;
		this.lossMask = lossMask;
	}

	/**
	 * Stacks samples that share their shapes.
	 *
	 * @param latentShape for generator samples, the latent input's shape with -1
	 *          (or any value) for the batch axis, e.g. {@code [-1, 128]} or
	 *          {@code [-1, 100, 1, 1]}; ignored otherwise
	 * @throws GanException when the samples differ in shape
	 */
	public static TrainingBatch of(List<TrainingSample> samples,
		long[] latentShape)
	{
		if (samples.isEmpty()) throw new IllegalArgumentException(
			"a batch needs at least one sample");
		List<TrainingSample> list = List.copyOf(samples);
		int n = list.size();
		TrainingSample first = list.get(0);
		float[] input = null, mask = null, target, latent = null;
		long[] inputShape = null, maskShape = null, labels = null;
		if (first.input() != null) {
			input = stack(list, TrainingSample::input, "input");
			inputShape = nchw(n, first.input());
		}
		else if (first.latent() != null) {
			int dim = first.latent().length;
			latent = new float[n * dim];
			for (int i = 0; i < n; i++) {
				float[] z = list.get(i).latent();
				if (z == null || z.length != dim) throw new GanException(
					"latent vectors of one batch differ in length");
				System.arraycopy(z, 0, latent, i * dim, dim);
			}
			input = latent;
			inputShape = latentShape == null ? new long[] { n, dim } : latentShape
				.clone();
			inputShape[0] = n;
		}
		if (first.mask() != null) {
			mask = stack(list, TrainingSample::mask, "mask");
			maskShape = nchw(n, first.mask());
		}
		target = stack(list, TrainingSample::target, "target");
		long[] targetShape = nchw(n, first.target());
		if (first.label() >= 0) {
			labels = new long[n];
			for (int i = 0; i < n; i++)
				labels[i] = list.get(i).label();
		}
		float[] lossMask = first.lossMask() == null ? null : stack(list,
			TrainingSample::lossMask, "loss mask");
		return new TrainingBatch(list, input, inputShape, mask, maskShape, target,
			targetShape, labels, lossMask);
	}

	/** Stacks samples that are not from a generator. */
	public static TrainingBatch of(List<TrainingSample> samples) {
		return of(samples, null);
	}

	private static float[] stack(List<TrainingSample> list,
		java.util.function.Function<TrainingSample, Planes> part, String what)
	{
		Planes first = part.apply(list.get(0));
		int size = first.values().length;
		float[] out = new float[list.size() * size];
		for (int i = 0; i < list.size(); i++) {
			Planes p = part.apply(list.get(i));
			if (p == null || !p.hasShapeOf(first)) throw new GanException("the " +
				what + " of '" + list.get(i).name() + "' is " + (p == null ? "missing"
					: p.shape()) + " but the " + what + " of '" + list.get(0).name() +
				"' is " + first.shape() +
				": samples of one batch must share their size");
			System.arraycopy(p.values(), 0, out, i * size, size);
		}
		return out;
	}

	private static long[] nchw(int n, Planes p) {
		return new long[] { n, p.channels(), p.height(), p.width() };
	}

	/** Number of samples. */
	public int size() {
		return samples.size();
	}

	/** The samples, in batch order. */
	public List<TrainingSample> samples() {
		return samples;
	}

	/**
	 * The model's image input in NCHW order, or the latent vectors of a
	 * generator.
	 */
	public float[] input() {
		return input;
	}

	/**
	 * NCHW for images; the latent input's shape with the batch size for a
	 * generator.
	 */
	public long[] inputShape() {
		return inputShape.clone();
	}

	/**
	 * Inpainting masks, {@code N x 1 x H x W} in the model's mask convention;
	 * null otherwise.
	 */
	public float[] mask() {
		return mask;
	}

	/** Null when there is no mask. */
	public long[] maskShape() {
		return maskShape == null ? null : maskShape.clone();
	}

	/** Targets (or real images for a generator) in NCHW order. */
	public float[] target() {
		return target;
	}

	public long[] targetShape() {
		return targetShape.clone();
	}

	/**
	 * Where the loss counts, in the target's NCHW shape (1 counts, 0 does not);
	 * null when it counts everywhere.
	 */
	public float[] lossMask() {
		return lossMask;
	}

	/** Class labels of a conditional generator's samples, or null. */
	public long[] labels() {
		return labels;
	}
}
