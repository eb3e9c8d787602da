
package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.GanException;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.autodiff.GraphEmitter;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * A discriminator built in Java as ONNX nodes, with seeded initial weights. Its
 * parameters are graph inputs named {@code D/...}. Three architectures
 * ({@link Architecture}):
 * <ul>
 * <li>{@code patchgan}, for image-to-image tasks: stride-2 4x4 convolutions
 * with LeakyReLU 0.2, then a 3x3 convolution to a map of logits, one per
 * overlapping patch (Isola et al. 2017).</li>
 * <li>{@code dcgan}, for generators: the PatchGAN trunk (three layers) averaged
 * to one logit per image, plus, for a conditional generator, the projection of
 * a class embedding on the mean features. Normal(0, 0.02) initial weights, as
 * DCGAN (Radford et al. 2016).</li>
 * <li>{@code sngan}, for generators: the "standard CNN" discriminator of Miyato
 * et al. 2018 (their table 3): per stage a 3x3 stride-1 and a 4x4 stride-2
 * convolution with LeakyReLU 0.1, stages until the map is 4x4 (so the last
 * features see the whole image), channels doubling from the width up to 8 times
 * it, a 3x3 convolution, global sum pooling to features φ and a linear logit; a
 * conditional generator adds the projection {@code embed[y] · φ} (Miyato and
 * Koyama 2018). Uniform initial weights in ±1/sqrt(fan-in), PyTorch's default
 * scale, and zero biases.</li>
 * </ul>
 * Two options change the network ({@link Options}): spectral normalisation of
 * every weight matrix ({@link SpectralNorm}, Miyato et al. 2018), whose
 * power-iteration vectors are state that {@link #bind} adds to a step graph;
 * and the minibatch standard deviation (Karras et al. 2018), one feature map
 * appended before the last convolution (see {@link #minibatchStd}).
 * <p>
 * The network works on {@code [N, C, H, W]} images. The step graphs hand it the
 * images in the layout of the generator's output ({@link #imageLayout()}, e.g.
 * {@code byxc} for a channels-last model), which {@link #toOwnLayout} turns
 * into its own: a Transpose (and a Reshape for an absent batch or channel
 * axis), which the generator's gradient flows back through.
 */
public final class Discriminator {

	/** The network's layout; see the class comment. */
	public enum Architecture {

			PATCHGAN, DCGAN, SNGAN;

		/** The name the command line and the dialog use. */
		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}

		public static Architecture parse(String text) {
			for (Architecture a : values())
				if (a.id().equals(text.trim().toLowerCase(Locale.ROOT))) return a;
			throw new GanException("unknown discriminator '" + text +
				"': use auto, patchgan, dcgan or sngan");
		}
	}

	/**
	 * @param spectralNorm divide every weight matrix (convolutions, the linear
	 *          logit, the class embedding) by its largest singular value,
	 *          estimated by power iteration
	 * @param minibatchStd append the minibatch standard deviation as one feature
	 *          map before the last convolution
	 */
	public record Options(boolean spectralNorm, boolean minibatchStd) {

		/** The plain network. */
		public static final Options NONE = new Options(false, false);
	}

	/**
	 * The slope of LeakyReLU for negative inputs: 0.2 (DCGAN, PatchGAN), 0.1
	 * (SNGAN).
	 */
	private final float slope;
	private final List<Parameter> parameters = new ArrayList<>();
	private final Map<String, float[]> spectralVectors = new LinkedHashMap<>();
	private final Architecture architecture;
	private final int channels;
	private final int width;
	private final int layers;
	private final int classes;
	private final Options options;
	private final TensorLayout imageLayout;

	private Discriminator(Architecture architecture, int channels, int width,
		int layers, int classes, Options options, TensorLayout imageLayout,
		long seed)
	{
		this.imageLayout = imageLayout;
		this.architecture = architecture;
		this.channels = channels;
		this.width = width;
		this.layers = layers;
		this.classes = classes;
		this.options = options;
		Random r = new Random(seed);
		int extra = options.minibatchStd() ? 1 : 0;
		if (architecture == Architecture.SNGAN) {
			slope = 0.1f;
			int in = channels;
			for (int l = 0; l < layers; l++) {
				int out = width << Math.min(l, 3);
				parameters.add(uniform("D/stage" + l + "a.w", r, out, in, 3, 3));
				parameters.add(zeros("D/stage" + l + "a.b", out));
				parameters.add(uniform("D/stage" + l + "b.w", r, out, out, 4, 4));
				parameters.add(zeros("D/stage" + l + "b.b", out));
				in = out;
			}
			int features = Math.min(2 * in, width << 3);
			parameters.add(uniform("D/final.w", r, features, in + extra, 3, 3));
			parameters.add(zeros("D/final.b", features));
			parameters.add(uniform("D/linear.w", r, 1, features));
			parameters.add(zeros("D/linear.b", 1));
			if (classes > 0) parameters.add(uniform("D/embed", r, classes, features));
		}
		else {
			slope = 0.2f;
			int in = channels;
			for (int l = 0; l < layers; l++) {
				int out = width << Math.min(l, 3);
				parameters.add(normal("D/conv" + l + ".w", r, out, in, 4, 4));
				parameters.add(new Parameter("D/conv" + l + ".b", new long[] { out },
					new float[out]));
				in = out;
			}
			parameters.add(normal("D/out.w", r, 1, in + extra, 3, 3));
			parameters.add(new Parameter("D/out.b", new long[] { 1 }, new float[1]));
			if (classes > 0) parameters.add(normal("D/embed", r, classes, in));
		}
		if (options.spectralNorm()) for (Parameter p : parameters)
			if (p.shape().length >= 2) {
				float[] u = new float[(int) p.shape()[0]];
				double norm = 0;
				for (int i = 0; i < u.length; i++) {
					u[i] = (float) r.nextGaussian();
					norm += (double) u[i] * u[i];
				}
				for (int i = 0; i < u.length; i++)
					u[i] /= (float) Math.max(Math.sqrt(norm), 1e-12);
				spectralVectors.put(SpectralNorm.vectorName(p.name()), u);
			}
	}

	private static Parameter normal(String name, Random r, long... shape) {
		float[] v = new float[size(shape)];
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (0.02 * r.nextGaussian());
		return new Parameter(name, shape, v);
	}

	/**
	 * U(-1/sqrt(fan-in), 1/sqrt(fan-in)), fan-in = all axes but the first (the
	 * last for an embedding).
	 */
	private static Parameter uniform(String name, Random r, long... shape) {
		float[] v = new float[size(shape)];
		double bound = 1 / Math.sqrt(v.length / (double) shape[0]);
		for (int i = 0; i < v.length; i++)
			v[i] = (float) ((2 * r.nextDouble() - 1) * bound);
		return new Parameter(name, shape, v);
	}

	private static Parameter zeros(String name, int n) {
		return new Parameter(name, new long[] { n }, new float[n]);
	}

	private static int size(long[] shape) {
		long n = 1;
		for (long d : shape)
			n *= d;
		return (int) n;
	}

	/**
	 * A PatchGAN: {@code layers} 4x4 stride-2 convolutions with LeakyReLU, then a
	 * 3x3 logit map.
	 */
	public static Discriminator patchGan(int channels, int width, int layers,
		long seed)
	{
		return new Discriminator(Architecture.PATCHGAN, channels, width, layers, 0,
			Options.NONE, TensorLayout.BCYX, seed);
	}

	/**
	 * A DCGAN-style discriminator: the PatchGAN trunk averaged to one logit per
	 * image; with {@code classes > 0} the logit adds the projection of the class
	 * embedding on the features.
	 */
	public static Discriminator dcgan(int channels, int width, int layers,
		int classes, long seed)
	{
		return new Discriminator(Architecture.DCGAN, channels, width, layers, Math
			.max(0, classes), Options.NONE, TensorLayout.BCYX, seed);
	}

	/** The stride-2 layers of the PatchGAN and DCGAN trunk. */
	private static final int TRUNK_LAYERS = 3;

	/**
	 * The smallest side of the images {@code a} can judge: 8 for all three.
	 * PatchGAN and DCGAN halve the side in each of their three stride-2 layers
	 * (rounding down), and the last 3x3 convolution needs a map of at least 1x1;
	 * SNGAN needs one stage down to its 4x4 map.
	 */
	public static int minimumSize(Architecture a) {
		return a == Architecture.SNGAN ? 8 : 1 << TRUNK_LAYERS;
	}

	/**
	 * The discriminator of a training run.
	 *
	 * @param size the smaller side of the images it judges, at least
	 *          {@link #minimumSize} (SNGAN's stage count follows from it;
	 *          PatchGAN and DCGAN have three layers at any size)
	 * @param width channels of the first layer
	 * @param classes classes of a conditional generator (projection), or 0
	 */
	public static Discriminator create(Architecture a, int channels, int size,
		int width, int classes, Options options, long seed)
	{
		return create(a, channels, size, width, classes, options, TensorLayout.BCYX,
			seed);
	}

	/**
	 * As above, for images handed to it in {@code imageLayout} (the generator
	 * output's), which it turns into its own {@code bcyx} ({@link #toOwnLayout}).
	 */
	public static Discriminator create(Architecture a, int channels, int size,
		int width, int classes, Options options, TensorLayout imageLayout,
		long seed)
	{
		if (width < 1) throw new GanException(
			"the discriminator width must be at least 1, got " + width);
		if (a == Architecture.PATCHGAN && classes > 0) throw new GanException(
			"the PatchGAN discriminator takes no class label: use dcgan or sngan for a conditional generator");
		if (size < minimumSize(a)) throw new GanException("the " + a.id() +
			" discriminator needs images of at least " + minimumSize(a) + "x" +
			minimumSize(a) + ", got " + size);
		int layers = TRUNK_LAYERS;
		if (a == Architecture.SNGAN) {
			layers = 0;
			for (int side = size; side > 4; side = side / 2)
				layers++;
		}
		refuseBeyondMemory(a, channels, width, layers, Math.max(0, classes), options
			.minibatchStd() ? 1 : 0);
		return new Discriminator(a, channels, width, layers, Math.max(0, classes),
			options, imageLayout, seed);
	}

	/**
	 * The shape {@code [N, C, H, W]} the network sees of images of shape
	 * {@code shape} in {@code layout}: an absent batch or channel axis is 1.
	 */
	public static long[] ownShape(long[] shape, TensorLayout layout) {
		if (shape.length != layout.rank()) throw new IllegalArgumentException(
			"a shape of rank " + shape.length + " in layout " + layout);
		long[] own = new long[4];
		for (int i = 0; i < 4; i++) {
			int at = layout.axes().indexOf("bcyx".charAt(i));
			own[i] = at < 0 ? 1 : shape[at];
		}
		return own;
	}

	/** {@link #ownShape(long[], TensorLayout)} in {@link #imageLayout()}. */
	public long[] ownShape(long[] imageShape) {
		return ownShape(imageShape, imageLayout);
	}

	/**
	 * The layout of the images the step graphs hand it: the generator output's.
	 */
	public TensorLayout imageLayout() {
		return imageLayout;
	}

	/**
	 * Emits {@code image}, in {@link #imageLayout()}, as the {@code [N, C, H, W]}
	 * the network takes: itself when it is so already, else a Transpose to the
	 * order b, c, y, x, then a Reshape adding an absent batch or channel axis.
	 */
	public String toOwnLayout(GraphEmitter e, String image) {
		String axes = imageLayout.axes();
		if (axes.equals("bcyx")) return image;
		long[] perm = new long[axes.length()];
		int k = 0;
		for (char ch : "bcyx".toCharArray())
			if (axes.indexOf(ch) >= 0) perm[k++] = axes.indexOf(ch);
		boolean identity = true;
		for (int i = 0; i < perm.length; i++)
			identity &= perm[i] == i;
		String x = identity ? image : e.transpose(image, perm);
		return e.reshape(x, ownShape(e.shape(image)));
	}

	/**
	 * The weights of a discriminator, counted as the constructor makes them, in
	 * long arithmetic so that an absurd width cannot overflow.
	 */
	static long parameterCount(Architecture a, int channels, int width,
		int layers, int classes, int extra)
	{
		long n = 0, in = channels;
		if (a == Architecture.SNGAN) {
			for (int l = 0; l < layers; l++) {
				long out = (long) width << Math.min(l, 3);
				n += out * in * 9 + out + out * out * 16 + out;
				in = out;
			}
			long features = Math.min(2 * in, (long) width << 3);
			return n + features * (in + extra) * 9 + features + features + 1 +
				classes * features;
		}
		for (int l = 0; l < layers; l++) {
			long out = (long) width << Math.min(l, 3);
			n += out * in * 16 + out;
			in = out;
		}
		return n + (in + extra) * 9 + 1 + classes * in;
	}

	/**
	 * Refuses, before anything is allocated, a discriminator whose weights, their
	 * gradients and Adam's two moments cannot fit in the Java heap, or whose
	 * largest weight would not fit in one Java array.
	 */
	private static void refuseBeyondMemory(Architecture a, int channels,
		int width, int layers, int classes, int extra)
	{
		long count = parameterCount(a, channels, width, layers, classes, extra);
		// four floats a weight: itself, its gradient, Adam's two moments
		long need = count > Long.MAX_VALUE / 16 ? Long.MAX_VALUE : count * 16;
		Runtime rt = Runtime.getRuntime();
		long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		long widest = 16L * ((long) width << 3) * ((long) width << 3);
		if (need <= free && widest <= Integer.MAX_VALUE - 8) return;
		long fits = (long) Math.max(1, Math.floor(width * Math.sqrt((double) free /
			need)));
		throw new GanException("a discriminator of width " + width + " has " +
			count + " weights and needs about " + Numbers.bytes(need) +
			" of Java memory with their gradients and Adam's state, but only " +
			Numbers.bytes(free) + " is free: use a smaller --discriminator-width " +
			"(at most about " + Math.min(fits, width - 1) + " here)");
	}

	public List<Parameter> parameters() {
		return parameters;
	}

	private Parameter parameter(String name) {
		for (Parameter p : parameters)
			if (p.name().equals(name)) return p;
		throw new IllegalStateException(name);
	}

	public int channels() {
		return channels;
	}

	/** Channel width of the first layer. */
	public int width() {
		return width;
	}

	public Architecture architecture() {
		return architecture;
	}

	public Options options() {
		return options;
	}

	/**
	 * The initial power-iteration vector {@code u} of each spectrally normalised
	 * weight, by state name ({@link SpectralNorm#vectorName}): seeded normal,
	 * unit length. Empty without spectral normalisation. The map is a copy.
	 */
	public Map<String, float[]> spectralVectors() {
		Map<String, float[]> m = new LinkedHashMap<>();
		spectralVectors.forEach((k, v) -> m.put(k, v.clone()));
		return m;
	}

	/**
	 * Emits the discriminator on {@code image} ({@code [N, C, H, W]}) with its
	 * parameters as they are (no spectral normalisation).
	 *
	 * @param label int64 class labels {@code [N]} for a conditional
	 *          discriminator, or null
	 * @return the logits: {@code [N, 1, h, w]} for PatchGAN, {@code [N]} for
	 *         DCGAN and SNGAN
	 */
	public String apply(GraphEmitter e, String image, String label) {
		return new Bound(e, Map.of(), List.of(), Map.of()).apply(image, label);
	}

	/**
	 * Readies the discriminator in a step graph: with spectral normalisation,
	 * adds the vectors {@code u} as graph inputs and emits the normalised weights
	 * once, for every batch the graph judges; without it, emits nothing.
	 *
	 * @param powerIteration run one power iteration (the discriminator's own
	 *          step: the updated vectors are {@link Bound#updatedVectors()});
	 *          false uses {@code u} as it is (the generator's step)
	 */
	public Bound bind(GraphEmitter e, boolean powerIteration) {
		if (!options.spectralNorm()) return new Bound(e, Map.of(), List.of(), Map
			.of());
		Map<String, String> weights = new LinkedHashMap<>();
		Map<String, String> updated = new LinkedHashMap<>();
		List<String> inputs = new ArrayList<>();
		for (Parameter p : parameters) {
			String u = SpectralNorm.vectorName(p.name());
			if (!spectralVectors.containsKey(u)) continue;
			long[] shape = { p.shape()[0] };
			StepGraph.addInput(e.graph(), u, TensorProto.DataType.FLOAT_VALUE, shape);
			e.setShape(u, shape);
			inputs.add(u);
			SpectralNorm.Normalised n = SpectralNorm.emit(e, p.name(), u,
				powerIteration);
			weights.put(p.name(), n.weight());
			if (powerIteration) updated.put(u, n.vector());
		}
		return new Bound(e, weights, inputs, updated);
	}

	/**
	 * The discriminator as one step graph holds it: the weights it uses
	 * (normalised or not) and the spectral-norm state.
	 */
	public final class Bound {

		private final GraphEmitter e;
		private final Map<String, String> weights;
		private final List<String> vectorInputs;
		private final Map<String, String> updatedVectors;

		private Bound(GraphEmitter e, Map<String, String> weights,
			List<String> vectorInputs, Map<String, String> updatedVectors)
		{
			this.e = e;
			this.weights = weights;
			this.vectorInputs = List.copyOf(vectorInputs);
			this.updatedVectors = updatedVectors;
		}

		/**
		 * The graph inputs holding the power-iteration vectors {@code u} (empty
		 * without them).
		 */
		public List<String> vectorInputs() {
			return vectorInputs;
		}

		/**
		 * After a power iteration: the updated value of each vector input, by input
		 * name.
		 */
		public Map<String, String> updatedVectors() {
			return updatedVectors;
		}

		private String w(String name) {
			return weights.getOrDefault(name, name);
		}

		/** As {@link Discriminator#apply}, with this graph's weights. */
		public String apply(String image, String label) {
			return architecture == Architecture.SNGAN ? sngan(image, label) : dcgan(
				image, label);
		}

		private String conv(String x, String weight, String bias, int kernel,
			int stride)
		{
			long[] s = e.shape(x);
			long out = parameter(weight).shape()[0];
			int pad = kernel == 4 ? 1 : kernel / 2;
			long h = (s[2] + 2 * pad - kernel) / stride + 1, wd = (s[3] + 2 * pad -
				kernel) / stride + 1;
			long[] shape = { s[0], out, h, wd };
			List<String> in = List.of(x, w(weight), bias);
			if (stride == 1) return e.op("Conv", shape, in, GraphEmitter.attrs(
				"kernel_shape", kernel, kernel), GraphEmitter.attrs("pads", pad, pad,
					pad, pad));
			return e.op("Conv", shape, in, GraphEmitter.attrs("kernel_shape", kernel,
				kernel), GraphEmitter.attrs("strides", stride, stride), GraphEmitter
					.attrs("pads", pad, pad, pad, pad));
		}

		private String leaky(String x) {
			return e.op("LeakyRelu", e.shape(x), List.of(x), GraphEmitter.attr(
				"alpha", slope));
		}

		private String dcgan(String image, String label) {
			String x = image;
			for (int l = 0; l < layers; l++)
				x = leaky(conv(x, "D/conv" + l + ".w", "D/conv" + l + ".b", 4, 2));
			String trunk = x;
			if (options.minibatchStd()) x = minibatchStd(e, x);
			String logits = conv(x, "D/out.w", "D/out.b", 3, 1);
			if (architecture == Architecture.PATCHGAN) return logits;
			String mean = e.reduceMean(logits, new long[] { 1, 2, 3 }, false); // [N]
			if (classes == 0 || label == null) return mean;
			// projection: <embed[label], mean feature>
			String features = e.reduceMean(trunk, new long[] { 2, 3 }, false); // [N,
																																					// F]
			return e.add(mean, projection(features, label));
		}

		private String sngan(String image, String label) {
			String x = image;
			for (int l = 0; l < layers; l++) {
				x = leaky(conv(x, "D/stage" + l + "a.w", "D/stage" + l + "a.b", 3, 1));
				x = leaky(conv(x, "D/stage" + l + "b.w", "D/stage" + l + "b.b", 4, 2));
			}
			if (options.minibatchStd()) x = minibatchStd(e, x);
			x = leaky(conv(x, "D/final.w", "D/final.b", 3, 1));
			String features = e.reduceSum(x, new long[] { 2, 3 }, false); // [N, F],
																																		// global
																																		// sum
																																		// pooling
			long n = e.shape(x)[0];
			String linear = e.op("Gemm", new long[] { n, 1 }, List.of(features, w(
				"D/linear.w"), "D/linear.b"), GraphEmitter.attr("transB", 1L));
			String logit = e.reshape(linear, new long[] { n });
			if (classes == 0 || label == null) return logit;
			return e.add(logit, projection(features, label));
		}

		/** {@code <embed[label], features>} per sample: {@code [N]}. */
		private String projection(String features, String label) {
			long[] f = e.shape(features);
			String embedded = e.op("Gather", f, List.of(w("D/embed"), label),
				GraphEmitter.attr("axis", 0L));
			return e.reduceSum(e.mul(embedded, features), new long[] { 1 }, false);
		}
	}

	/**
	 * The minibatch standard deviation (Karras et al. 2018, "Progressive Growing
	 * of GANs", section 3) appended to {@code x} ({@code [N, C, H, W]}) as one
	 * more channel: the batch is split into groups of {@link #groupSize} samples
	 * (sample {@code n} is in group {@code n mod (N / G)}, as in their code); in
	 * each group, the standard deviation {@code sqrt(mean((x - mean)^2) + 1e-8)}
	 * of every feature at every position, averaged over features and positions,
	 * is one value, repeated over the positions of the group's samples.
	 */
	static String minibatchStd(GraphEmitter e, String x) {
		long[] s = e.shape(x);
		long g = groupSize(s[0]), m = s[0] / g;
		String y = e.reshape(x, new long[] { g, m, s[1], s[2], s[3] });
		String d = e.sub(y, e.reduceMean(y, new long[] { 0 }, true));
		String variance = e.reduceMean(e.mul(d, d), new long[] { 0 }, true); // [1,
																																					// M,
																																					// C,
																																					// H,
																																					// W]
		String std = e.unary("Sqrt", e.add(variance, e.scalar(1e-8f)));
		String perGroup = e.reduceMean(std, new long[] { 2, 3, 4 }, true); // [1, M,
																																				// 1, 1,
																																				// 1]
		long[] spread = { g, m, 1, s[2], s[3] };
		String map = e.reshape(e.op("Expand", spread, List.of(perGroup, e.longs(
			spread))), new long[] { s[0], 1, s[2], s[3] });
		return e.op("Concat", new long[] { s[0], s[1] + 1, s[2], s[3] }, List.of(x,
			map), GraphEmitter.attr("axis", 1L));
	}

	/**
	 * The group size of the minibatch standard deviation: the largest of 4, 3, 2,
	 * 1 dividing {@code n}.
	 */
	static long groupSize(long n) {
		for (long g = 4; g > 1; g--)
			if (n % g == 0) return g;
		return 1;
	}
}
