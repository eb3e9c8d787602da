package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.fijigan.core.train.autodiff.GraphEmitter;

/**
 * A discriminator built in Java as ONNX nodes, with seeded initial weights (normal, std 0.02, as
 * DCGAN): a PatchGAN for image-to-image tasks (a map of logits, one per overlapping patch), or a
 * DCGAN-style one for generators (one logit per image, with a class projection when the
 * generator is conditional). Its parameters are graph inputs named {@code D/...}.
 */
public final class Discriminator {
	private final List<Parameter> parameters = new ArrayList<>();
	private final int channels;
	private final int width;
	private final int layers;
	private final int classes;

	private Discriminator(int channels, int width, int layers, int classes, long seed) {
		this.channels = channels;
		this.width = width;
		this.layers = layers;
		this.classes = classes;
		Random r = new Random(seed);
		int in = channels;
		for (int l = 0; l < layers; l++) {
			int out = width << Math.min(l, 3);
			parameters.add(normal("D/conv" + l + ".w", r, out, in, 4, 4));
			parameters.add(new Parameter("D/conv" + l + ".b", new long[] { out }, new float[out]));
			in = out;
		}
		parameters.add(normal("D/out.w", r, 1, in, 3, 3));
		parameters.add(new Parameter("D/out.b", new long[] { 1 }, new float[1]));
		if (classes > 0) parameters.add(normal("D/embed", r, classes, in));
	}

	private static Parameter normal(String name, Random r, long... shape) {
		long n = 1;
		for (long d : shape)
			n *= d;
		float[] v = new float[(int) n];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (0.02 * r.nextGaussian());
		return new Parameter(name, shape, v);
	}

	/** A PatchGAN: {@code layers} 4x4 stride-2 convolutions with LeakyReLU, then a 3x3 logit map. */
	public static Discriminator patchGan(int channels, int width, int layers, long seed) {
		return new Discriminator(channels, width, layers, 0, seed);
	}

	/**
	 * A DCGAN-style discriminator: the PatchGAN trunk averaged to one logit per image; with
	 * {@code classes > 0} the logit adds the projection of the class embedding on the features.
	 */
	public static Discriminator dcgan(int channels, int width, int layers, int classes, long seed) {
		return new Discriminator(channels, width, layers, Math.max(0, classes), seed).global();
	}

	private boolean global;

	private Discriminator global() {
		this.global = true;
		return this;
	}

	public List<Parameter> parameters() {
		return parameters;
	}

	public int channels() {
		return channels;
	}

	/**
	 * Emits the discriminator on {@code image} ({@code [N, C, H, W]}).
	 *
	 * @param label int64 class labels {@code [N]} for a conditional DCGAN, or null
	 * @return the logits: {@code [N, 1, h, w]} for PatchGAN, {@code [N]} for DCGAN
	 */
	public String apply(GraphEmitter e, String image, String label) {
		String x = image;
		for (int l = 0; l < layers; l++) {
			long[] s = e.shape(x);
			long out = parameters.get(2 * l).shape()[0];
			long h = (s[2] + 2 - 4) / 2 + 1, w = (s[3] + 2 - 4) / 2 + 1;
			x = e.op("Conv", new long[] { s[0], out, h, w }, List.of(x, "D/conv" + l + ".w", "D/conv" + l +
				".b"), GraphEmitter.attrs("kernel_shape", 4, 4), GraphEmitter.attrs("strides", 2, 2),
				GraphEmitter.attrs("pads", 1, 1, 1, 1));
			x = e.op("LeakyRelu", e.shape(x), List.of(x), GraphEmitter.attr("alpha", 0.2f));
		}
		long[] s = e.shape(x);
		String logits = e.op("Conv", new long[] { s[0], 1, s[2], s[3] }, List.of(x, "D/out.w", "D/out.b"),
			GraphEmitter.attrs("kernel_shape", 3, 3), GraphEmitter.attrs("pads", 1, 1, 1, 1));
		if (!global) return logits;
		String mean = e.reduceMean(logits, new long[] { 1, 2, 3 }, false); // [N]
		if (classes == 0 || label == null) return mean;
		// projection: <embed[label], mean feature>
		String features = e.reduceMean(x, new long[] { 2, 3 }, false); // [N, F]
		long f = s[1];
		String embedded = e.op("Gather", new long[] { s[0], f }, List.of("D/embed", label),
			GraphEmitter.attr("axis", 0L));
		String dot = e.reduceSum(e.mul(embedded, features), new long[] { 1 }, false);
		return e.add(mean, dot);
	}

	/** Channel width of the first layer. */
	public int width() {
		return width;
	}
}
