
package org.fijigan.core.model.arch;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.model.ModelLoader;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Writes freshly initialised generators as ONNX models, the starting point for
 * training from scratch with the fine-tune engine. Every weight comes from the
 * options' seed: two calls with the same options give byte-identical models.
 * The models carry the {@code fiji-gan.*} metadata that tells the loader their
 * task, so they run in every command as soon as they are written.
 */
public final class Architectures {

	private Architectures() {}

	public static ModelProto create(Architecture arch, ArchitectureOptions o) {
		return switch (arch) {
			case RRDB_SR -> rrdbSuperResolution(o);
			case DENOISER -> residualDenoiser(o);
			case GATED_INPAINT -> gatedInpaint(o);
			case GATED_INPAINT_UNET -> gatedInpaintUnet(o);
			case DCGAN -> dcgan(o);
		};
	}

	/**
	 * ESRGAN-style x2/x3/x4 generator (Wang et al. 2018, arXiv:1809.00219): conv,
	 * {@code blocks} residual-in-residual dense blocks (3 dense blocks of 5
	 * convolutions, growth width/2, residual scaling 0.2), trunk conv,
	 * pixel-shuffle stages, two output convs. Unlike ESRGAN the result is added
	 * to a bicubic upscale of the input (Keys a = -0.5, half-pixel centres), and
	 * the last conv starts at a tenth of its usual scale, so a fresh model is
	 * close to bicubic and training learns the detail bicubic misses.
	 */
	static ModelProto rrdbSuperResolution(ArchitectureOptions o) {
		int s = o.scale();
		if (s != 2 && s != 3 && s != 4) throw new GanException(
			"rrdb-sr supports scale 2, 3 or 4, got " + s);
		int c = o.channels(), w = o.width(), g = Math.max(4, w / 2), blocks =
			Architecture.RRDB_SR.blocks(o.blocks());
		NetBuilder b = new NetBuilder("rrdb_sr_x" + s, o.seed());
		b.input("input", "N", c, "H", "W");
		String first = b.conv("conv_first", "input", c, w, 3);
		String trunk = first;
		for (int r = 0; r < blocks; r++) {
			String in = trunk, x = trunk;
			for (int d = 0; d < 3; d++)
				x = denseBlock(b, "rrdb" + r + ".rdb" + d, x, w, g);
			trunk = b.add(in, b.scale(x, 0.2f));
		}
		String body = b.conv("conv_body", trunk, w, w, 3);
		String fea = b.add(first, body);
		int[] stages = s == 4 ? new int[] { 2, 2 } : new int[] { s };
		for (int i = 0; i < stages.length; i++) {
			int f = stages[i];
			fea = b.conv("up" + i, fea, w, w * f * f, 3);
			fea = b.leakyRelu(b.pixelShuffle(fea, f), 0.2f);
		}
		String hr = b.leakyRelu(b.conv("conv_hr", fea, w, w, 3), 0.2f);
		String detail = b.conv("conv_last", hr, w, c, 3, 1, 1, 0.1);
		String base = b.node("Resize", List.of("input", "", b.constant("scales",
			new float[] { 1, 1, s, s }, 4)), "bicubic", NetBuilder.string("mode",
				"cubic"), NetBuilder.floats("cubic_coeff_a", -0.5f), NetBuilder.string(
					"coordinate_transformation_mode", "half_pixel"));
		b.output(b.add(base, detail), "output", "N", c, "H*" + s, "W*" + s);
		b.metadata(ModelLoader.META_TASK, "super-resolution").metadata(
			ModelLoader.META_SCALE, Integer.toString(s)).metadata(
				ModelLoader.META_RANGE, "0,1");
		return described(b, Architecture.RRDB_SR, o).build();
	}

	private static String denseBlock(NetBuilder b, String name, String x, int w,
		int g)
	{
		List<String> features = new ArrayList<>(List.of(x));
		for (int i = 0; i < 4; i++) {
			String in = features.size() == 1 ? x : b.concat(features, 1);
			features.add(b.leakyRelu(b.conv(name + ".conv" + i, in, w + i * g, g, 3,
				1, 1, 0.1), 0.2f));
		}
		String last = b.conv(name + ".conv4", b.concat(features, 1), w + 4 * g, w,
			3, 1, 1, 0.1);
		return b.add(x, b.scale(last, 0.2f));
	}

	/**
	 * DnCNN-style residual denoiser (Zhang et al. 2017, arXiv:1608.03981) without
	 * batch norm: conv + ReLU, {@code blocks - 2} conv + ReLU layers, a conv
	 * predicting the noise; output = input - noise. Depth 3 to 64, default 8. The
	 * ReLU convolutions are initialised as {@link ArchitectureOptions#init()}
	 * says; the last one at a tenth of PyTorch's default, so a fresh model
	 * removes little.
	 */
	static ModelProto residualDenoiser(ArchitectureOptions o) {
		int c = o.channels(), w = o.width(), depth = Architecture.DENOISER.blocks(o
			.blocks());
		NetBuilder b = new NetBuilder("residual_denoiser", o.seed());
		b.input("input", "N", c, "H", "W");
		double gain = o.init().gain();
		String x = b.relu(b.conv("conv0", "input", c, w, 3, 1, 1, gain));
		for (int i = 1; i < depth - 1; i++)
			x = b.relu(b.conv("conv" + i, x, w, w, 3, 1, 1, gain));
		String noise = b.conv("conv" + (depth - 1), x, w, c, 3, 1, 1, 0.1);
		b.output(b.sub("input", noise), "output", "N", c, "H", "W");
		b.metadata(ModelLoader.META_TASK, "denoise").metadata(
			ModelLoader.META_RANGE, "0,1").metadata(ModelLoader.META_HALO, Integer
				.toString(depth + 8));
		return described(b, Architecture.DENOISER, o).build();
	}

	/**
	 * Pyramid levels of the fill: holes up to about 2^7 = 128 pixels across
	 * converge.
	 */
	static final int FILL_LEVELS = 7;
	/** Relaxation sweeps per pyramid level of {@code gated-inpaint}. */
	static final int FILL_SWEEPS = 80;
	/**
	 * {@code gated-inpaint-unet}: sweeps of the fill at the two finest levels.
	 */
	static final int FINE_SWEEPS = 8;
	/**
	 * {@code gated-inpaint-unet}: sweeps at the coarser levels, where they cost
	 * little.
	 */
	static final int COARSE_SWEEPS = 16;
	/**
	 * {@code gated-inpaint-unet}: the hole width, in pixels of each level, that
	 * the Chebyshev acceleration of its sweeps is tuned for. Wider holes still
	 * converge, more slowly; a plain Jacobi sweep damps a smooth error across a
	 * hole of width n by only about {@code cos(pi / n)}.
	 */
	static final int CHEBYSHEV_WIDTH = 64;
	/**
	 * {@code gated-inpaint-unet}: dilations of the gated convolutions at 1/8
	 * resolution.
	 */
	private static final int[] MIDDLE_DILATIONS = { 1, 2, 4, 8 };

	/**
	 * Inpainting. A fixed multigrid harmonic fill: the known pixels (mask 0) are
	 * averaged down a pyramid of 2x2 means with their coverage (push-pull,
	 * Gortler et al. 1996), and on the way back up each level starts from the
	 * bilinear upscale of the coarser one and relaxes {@link #FILL_SWEEPS} times
	 * towards the solution of Laplace's equation with the known pixels as the
	 * boundary (Jacobi sweeps: each unknown pixel becomes the mean of its four
	 * neighbours). This approaches the harmonic fill, the classical baseline,
	 * without learned weights. A stack of gated convolutions (Yu et al. 2019,
	 * arXiv:1806.03589: features times a learned sigmoid gate) with dilations 1,
	 * 2, 4, 8, 2, 1 sees the fill and the mask and adds the texture and edges the
	 * fill lacks. Known pixels are kept exactly. Inputs {@code image} [N,C,H,W]
	 * and {@code mask} [N,1,H,W], 1 = hole.
	 */
	static ModelProto gatedInpaint(ArchitectureOptions o) {
		int c = o.channels(), w = o.width();
		NetBuilder b = new NetBuilder("gated_inpaint", o.seed());
		b.input("image", "N", c, "H", "W").input("mask", "N", 1, "H", "W");
		String one = b.constant("one", new float[] { 1 });
		String known = b.sub(one, "mask");
		String fill = harmonicFill(b, b.mul("image", known), known, c);
		String x = b.concat(List.of(fill, "mask"), 1);
		int[] dilations = { 1, 2, 4, 8, 2, 1 };
		int in = c + 1;
		for (int i = 0; i < dilations.length; i++) {
			int k = i == 0 ? 5 : 3;
			String f = b.leakyRelu(b.conv("gate" + i + ".feature", x, in, w, k,
				dilations[i], 1, 1), 0.2f);
			String gate = b.node("Sigmoid", List.of(b.conv("gate" + i + ".gate", x,
				in, w, k, dilations[i], 1, 1)), "sigmoid");
			x = b.mul(f, gate);
			in = w;
		}
		String refined = b.add(fill, b.conv("conv_out", x, w, c, 3, 1, 1, 0.1));
		String result = b.add(b.mul("image", known), b.mul(refined, "mask"));
		b.output(result, "output", "N", c, "H", "W");
		inpaintingMetadata(b);
		return described(b, Architecture.GATED_INPAINT, o).build();
	}

	private static void inpaintingMetadata(NetBuilder b) {
		b.metadata(ModelLoader.META_TASK, "inpaint").metadata(
			ModelLoader.META_SCALE, "1").metadata(ModelLoader.META_RANGE, "0,1")
			.metadata(ModelLoader.META_MASK_HOLE, "1").metadata(ModelLoader.META_HALO,
				"64");
	}

	/**
	 * {@code values} = image x coverage, {@code weights} = coverage in [0, 1]
	 * ([N,1,H,W]); returns the fill, {@link #FILL_SWEEPS} sweeps at every level.
	 */
	private static String harmonicFill(NetBuilder b, String values,
		String weights, int channels)
	{
		List<String> v = new ArrayList<>(List.of(values)), wt = new ArrayList<>(List
			.of(weights));
		pyramid(b, v, wt);
		return multigridFill(b, v, wt, channels, level -> FILL_SWEEPS, 0).get(0);
	}

	/**
	 * Appends {@link #FILL_LEVELS} 2x2 means of the values and their coverage to
	 * both lists.
	 */
	private static void pyramid(NetBuilder b, List<String> v, List<String> wt) {
		for (int l = 1; l <= FILL_LEVELS; l++) {
			v.add(avgPool2(b, v.get(l - 1)));
			wt.add(avgPool2(b, wt.get(l - 1)));
		}
	}

	/**
	 * The fill at every level, finest first, from the pyramid of {@code v} =
	 * image x coverage and {@code wt} = coverage in [0, 1] ([N,1,H,W]), with
	 * {@code sweeps.applyAsInt(level)} Jacobi sweeps at each level (0: the
	 * finest). At every level the known share keeps its average and the unknown
	 * share {@code 1 - coverage} takes the relaxed estimate:
	 * {@code x = v + (1 - w) * mean4(x)}. With {@code rho > 0} the sweeps are
	 * accelerated by Chebyshev semi-iteration (Golub and Varga 1961; Varga,
	 * Matrix Iterative Analysis, ch. 5): {@code x[k+1] = x[k-1] + omega[k+1] *
	 * (jacobi(x[k]) - x[k-1])} with {@code omega[2] = 1 / (1 - rho^2 / 2)} and
	 * {@code omega[k+1] = 1 / (1 - rho^2 omega[k] / 4)}, where {@code rho} bounds
	 * the Jacobi sweep's spectral radius on the errors to damp. The sweep is a
	 * contraction on every hole, so the iteration converges for any {@code rho}
	 * in (0, 1): a hole wider than the one {@code rho} is chosen for converges
	 * more slowly, not away. Known pixels keep their values exactly either way.
	 */
	private static List<String> multigridFill(NetBuilder b, List<String> v,
		List<String> wt, int channels, java.util.function.IntUnaryOperator sweeps,
		double rho)
	{
		String eps = b.constant("eps", new float[] { 1e-6f });
		String one = b.constant("one", new float[] { 1 });
		float[] kernel = new float[channels * 9];
		for (int ch = 0; ch < channels; ch++)
			for (int k : new int[] { 1, 3, 5, 7 })
				kernel[ch * 9 + k] = 0.25f;
		String fourNeighbours = b.constant("mean4", kernel, channels, 1, 3, 3);
		String pads = b.constantLongs("pads", 0, 0, 1, 1, 0, 0, 1, 1);
		String[] fill = new String[FILL_LEVELS + 1];
		String estimate = b.node("Div", List.of(v.get(FILL_LEVELS), b.add(wt.get(
			FILL_LEVELS), eps)), "coarsest");
		fill[FILL_LEVELS] = estimate;
		for (int l = FILL_LEVELS - 1; l >= 0; l--) {
			String unknown = b.sub(one, wt.get(l));
			estimate = b.add(v.get(l), b.mul(unknown, b.resizeLinearTo(estimate, b
				.sizesOf(v.get(l)))));
			String previous = null;
			double omega = 1;
			for (int sweep = 0; sweep < sweeps.applyAsInt(l); sweep++) {
				String padded = b.node("Pad", List.of(estimate, pads), "pad", NetBuilder
					.string("mode", "edge"));
				String mean = b.node("Conv", List.of(padded, fourNeighbours), "mean4",
					NetBuilder.ints("kernel_shape", 3, 3), NetBuilder.integer("group",
						channels));
				String jacobi = b.add(v.get(l), b.mul(unknown, mean));
				if (rho > 0 && previous != null) {
					omega = sweep == 1 ? 1 / (1 - rho * rho / 2) : 1 / (1 - rho * rho *
						omega / 4);
					jacobi = b.add(previous, b.scale(b.sub(jacobi, previous),
						(float) omega));
				}
				previous = estimate;
				estimate = jacobi;
			}
			fill[l] = estimate;
		}
		return List.of(fill);
	}

	/**
	 * Inpainting, faster ({@code gated-inpaint-unet}): the fill of
	 * {@link #gatedInpaint} with few sweeps ({@value #COARSE_SWEEPS} where the
	 * grid is 1/4 of the image or coarser, {@value #FINE_SWEEPS} at the two
	 * finest levels), Chebyshev-accelerated for holes {@value #CHEBYSHEV_WIDTH}
	 * pixels wide at each level, a harmonic fill at every scale (on 512x512
	 * images with free-form holes within 0.03 dB PSNR of the converged one inside
	 * the holes, where unaccelerated sweeps at 2 and 6 stayed 0.15-0.73 dB
	 * short), refined by a small U-Net (Ronneberger et al. 2015). The U-Net reads
	 * that fill and the coverage at 1/2, 1/4 and 1/8 of the resolution (no
	 * strided convolutions: the pyramid is already there), with gated
	 * convolutions of {@code width / 4}, {@code width / 2} and {@code width}
	 * channels (at least 4), dilations 1, 2, 4, 8 at 1/8 resolution (a receptive
	 * field of about 250 pixels), bilinear upsampling with skip connections, and
	 * one full-resolution convolution that adds a correction to the fill. The
	 * correction starts at a tenth of the usual scale, so a fresh model is close
	 * to the fill. Nearly all the work is at 1/2 resolution and below. Known
	 * pixels are kept exactly. Inputs {@code image} [N,C,H,W] and {@code mask}
	 * [N,1,H,W], 1 = hole.
	 */
	static ModelProto gatedInpaintUnet(ArchitectureOptions o) {
		int c = o.channels(), w3 = o.width(), w2 = Math.max(4, w3 / 2), w1 = Math
			.max(4, w3 / 4);
		NetBuilder b = new NetBuilder("gated_inpaint_unet", o.seed());
		b.input("image", "N", c, "H", "W").input("mask", "N", 1, "H", "W");
		String one = b.constant("one", new float[] { 1 });
		String known = b.sub(one, "mask");
		List<String> v = new ArrayList<>(List.of(b.mul("image", known))), wt =
			new ArrayList<>(List.of(known));
		pyramid(b, v, wt);
		List<String> fill = multigridFill(b, v, wt, c, level -> level < 2
			? FINE_SWEEPS : COARSE_SWEEPS, Math.cos(Math.PI / CHEBYSHEV_WIDTH));
		String e1 = gated(b, "enc1", b.concat(List.of(fill.get(1), wt.get(1)), 1),
			c + 1, w1, 1);
		String e2 = gated(b, "enc2", b.concat(List.of(avgPool2(b, e1), fill.get(2),
			wt.get(2)), 1), w1 + c + 1, w2, 1);
		String x = gated(b, "enc3", b.concat(List.of(avgPool2(b, e2), fill.get(3),
			wt.get(3)), 1), w2 + c + 1, w3, 1);
		for (int i = 0; i < MIDDLE_DILATIONS.length; i++)
			x = gated(b, "middle" + i, x, w3, w3, MIDDLE_DILATIONS[i]);
		x = gated(b, "dec2", b.concat(List.of(b.resizeLinearTo(x, b
			.sizesWithChannels(e2, w3)), e2), 1), w3 + w2, w2, 1);
		x = gated(b, "dec1", b.concat(List.of(b.resizeLinearTo(x, b
			.sizesWithChannels(e1, w2)), e1), 1), w2 + w1, w1, 1);
		x = b.concat(List.of(b.resizeLinearTo(x, b.sizesWithChannels("mask", w1)),
			fill.get(0), "mask"), 1);
		x = b.leakyRelu(b.conv("full", x, w1 + c + 1, w1, 3), 0.2f);
		String refined = b.add(fill.get(0), b.conv("conv_out", x, w1, c, 3, 1, 1,
			0.1));
		String result = b.add(v.get(0), b.mul(refined, "mask"));
		b.output(result, "output", "N", c, "H", "W");
		inpaintingMetadata(b);
		return described(b, Architecture.GATED_INPAINT_UNET, o).build();
	}

	/**
	 * A gated convolution: LeakyReLU(features) times sigmoid(gate), both 3x3 with
	 * the given dilation, {@code cin} to {@code cout} channels.
	 */
	private static String gated(NetBuilder b, String name, String x, int cin,
		int cout, int dilation)
	{
		String f = b.leakyRelu(b.conv(name + ".feature", x, cin, cout, 3, dilation,
			1, 1), 0.2f);
		String gate = b.conv(name + ".gate", x, cin, cout, 3, dilation, 1, 1);
		return b.mul(f, b.node("Sigmoid", List.of(gate), "sigmoid"));
	}

	private static String avgPool2(NetBuilder b, String x) {
		return b.node("AveragePool", List.of(x), "pool", NetBuilder.ints(
			"kernel_shape", 2, 2), NetBuilder.ints("strides", 2, 2), NetBuilder
				.integer("ceil_mode", 1), NetBuilder.integer("count_include_pad", 0));
	}

	/**
	 * A class-conditional DCGAN-style generator (Radford et al. 2016) with the
	 * pixel norm of progressive GANs (Karras et al. 2018) instead of batch norm
	 * (which trains and runs differently): latent {@code z} [N, latent] through a
	 * dense layer to 4x4 maps of 8 x width channels, plus a learned per-class
	 * embedding of the same size; then stages of nearest x2 upsampling, 3x3 conv,
	 * pixel norm and LeakyReLU, halving the channels (not below width), to
	 * {@code size} x {@code size}; a 3x3 conv and tanh give the image in [-1, 1].
	 */
	static ModelProto dcgan(ArchitectureOptions o) {
		int size = o.size(), c = o.channels(), w = o.width(), z = o.latent(), k = o
			.classes();
		if (size < 8 || Integer.bitCount(size) != 1 || size > 1024)
			throw new GanException(
				"dcgan needs a power-of-two size from 8 to 1024, got " + size);
		NetBuilder b = new NetBuilder("dcgan", o.seed());
		b.input("z", "N", z);
		int f0 = w * 8, n0 = f0 * 16;
		b.weight("dense.weight", b.normal(z * n0, 1 / Math.sqrt(z)), z, n0);
		b.weight("dense.bias", new float[n0], n0);
		String h = b.node("Gemm", List.of("z", "dense.weight", "dense.bias"),
			"dense");
		if (k > 0) {
			b.intInput("label", "N");
			b.weight("embed", b.normal(k * n0, 1), k, n0);
			h = b.add(h, b.node("Gather", List.of("embed", "label"), "embedded",
				NetBuilder.integer("axis", 0)));
		}
		String x = b.node("Reshape", List.of(h, b.constantLongs("shape", -1, f0, 4,
			4)), "reshape");
		x = b.leakyRelu(pixelNorm(b, x), 0.2f);
		int ch = f0;
		for (int side = 4, i = 0; side < size; side *= 2, i++) {
			int next = Math.max(w, ch / 2);
			x = b.conv("stage" + i, b.upsampleNearest(x, 2), ch, next, 3);
			x = b.leakyRelu(pixelNorm(b, x), 0.2f);
			ch = next;
		}
		String image = b.node("Tanh", List.of(b.conv("to_image", x, ch, c, 3)),
			"tanh");
		b.output(image, "image", "N", c, size, size);
		b.metadata(ModelLoader.META_TASK, "generate").metadata(
			ModelLoader.META_RANGE, "-1,1");
		if (!o.classNames().isEmpty()) b.metadata(ModelLoader.META_CLASS_NAMES,
			String.join(",", o.classNames()));
		return described(b, Architecture.DCGAN, o).build();
	}

	/** x / sqrt(mean over channels of x^2 + 1e-8). */
	private static String pixelNorm(NetBuilder b, String x) {
		String mean = b.node("ReduceMean", List.of(b.mul(x, x)), "sq_mean",
			NetBuilder.ints("axes", 1), NetBuilder.integer("keepdims", 1));
		String norm = b.node("Sqrt", List.of(b.add(mean, b.constant("eps",
			new float[] { 1e-8f }))), "norm");
		return b.node("Div", List.of(x, norm), "pixel_norm");
	}

	private static NetBuilder described(NetBuilder b, Architecture a,
		ArchitectureOptions o)
	{
		// the PyTorch initialisation is not named, so a model made with it has the
		// description (and the bytes) it had before the choice existed
		return b.metadata("fiji-gan.architecture", a.id() + " width=" + o.width() +
			" blocks=" + o.blocks() + " seed=" + o.seed() +
			(a == Architecture.DENOISER && o
				.init() == ArchitectureOptions.WeightInit.KAIMING ? " init=kaiming"
					: ""));
	}
}
