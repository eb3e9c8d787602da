
package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.fijigan.core.GanException;
import org.fijigan.core.Seeds;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.autodiff.GraphEmitter;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Differentiable augmentation (Zhao et al. 2020, "Differentiable Augmentation
 * for Data-Efficient GAN Training"): the discriminator sees real and generated
 * images through the same kind of random transform T, in its own step and in
 * the generator's, and the generator's gradient flows back through T. The
 * transforms, in this order, on the values the discriminator judges (the
 * paper's are for images in [-1, 1]):
 * <ul>
 * <li>{@code color}: brightness {@code x + (r - 0.5)}; saturation
 * {@code (x - mean_c)·2r + mean_c} with {@code mean_c} the mean over channels
 * at each pixel (an identity on one channel, so left out there); contrast
 * {@code (x - mean)·(r + 0.5) + mean} with {@code mean} over the whole image;
 * each {@code r ~ U(0, 1)} per sample.</li>
 * <li>{@code translation}: a shift by whole pixels, each axis uniform in
 * {@code [-s, s]} with {@code s = round(side / 8)}, filling with zeros.</li>
 * <li>{@code cutout}: a square of {@code round(side / 2)} pixels set to zero,
 * its centre uniform over the image, clipped at the borders.</li>
 * </ul>
 * The random parameters are drawn in Java ({@link #draw}) and fed to the step
 * graph as inputs, so the graph is ordinary arithmetic: an added and two
 * multiplied per-sample scalars, a shift as two MatMuls by 0/1 matrices, the
 * cutout as a product with a 0/1 mask. Each transform applies to a sample with
 * probability {@code p} (1 for DiffAugment; ADA's adaptive {@code p}, Karras et
 * al. 2020, see {@link AdaptiveAugment}); a transform left out gets identity
 * parameters.
 *
 * @param color brightness, saturation and contrast
 * @param translation random shifts
 * @param cutout a random square set to zero
 */
public record DiffAugment(boolean color, boolean translation, boolean cutout) {

	/** No augmentation. */
	public static final DiffAugment NONE = new DiffAugment(false, false, false);

	/**
	 * Parses {@code translation,cutout,color} (any subset, any order) or
	 * {@code none}.
	 */
	public static DiffAugment parse(String text) {
		String t = text.trim().toLowerCase(Locale.ROOT);
		if (t.isEmpty() || t.equals("none")) return NONE;
		boolean c = false, tr = false, cu = false;
		for (String part : t.split("\\s*,\\s*"))
			switch (part) {
				case "color", "colour" -> c = true;
				case "translation" -> tr = true;
				case "cutout" -> cu = true;
				default -> throw new GanException(
					"unknown differentiable augmentation '" + part +
						"': use translation, cutout and color separated by commas, or none");
			}
		return new DiffAugment(c, tr, cu);
	}

	public boolean any() {
		return color || translation || cutout;
	}

	/**
	 * The text {@link #parse} reads back, e.g. {@code color,translation,cutout}.
	 */
	public String describe() {
		List<String> parts = new ArrayList<>();
		if (color) parts.add("color");
		if (translation) parts.add("translation");
		if (cutout) parts.add("cutout");
		return parts.isEmpty() ? "none" : String.join(",", parts);
	}

	/** Name of input {@code part} of the augmentation named {@code prefix}. */
	static String input(String prefix, String part) {
		return prefix + "/" + part;
	}

	/**
	 * Emits T on {@code image} ({@code [N, C, H, W]}) with its random parameters
	 * as graph inputs named {@code prefix/...} (added once; a second call with
	 * the same prefix applies the same draw to another batch of the same shape).
	 * Returns the augmented value.
	 */
	String apply(GraphEmitter e, String image, String prefix) {
		long[] s = e.shape(image);
		long n = s[0], c = s[1], h = s[2], w = s[3];
		long[] perSample = { n, 1, 1, 1 };
		String x = image;
		if (color) {
			x = e.add(x, input(e, prefix, "brightness", perSample));
			if (c > 1) {
				String mean = e.reduceMean(x, new long[] { 1 }, true);
				x = e.add(e.mul(e.sub(x, mean), input(e, prefix, "saturation",
					perSample)), mean);
			}
			String mean = e.reduceMean(x, new long[] { 1, 2, 3 }, true);
			x = e.add(e.mul(e.sub(x, mean), input(e, prefix, "contrast", perSample)),
				mean);
		}
		if (translation) {
			x = e.matMul(input(e, prefix, "rows", new long[] { n, 1, h, h }), x);
			x = e.matMul(x, input(e, prefix, "columns", new long[] { n, 1, w, w }));
		}
		if (cutout) x = e.mul(x, input(e, prefix, "cutout", new long[] { n, 1, h,
			w }));
		return x;
	}

	private static String input(GraphEmitter e, String prefix, String part,
		long[] shape)
	{
		String name = input(prefix, part);
		StepGraph.addInput(e.graph(), name, TensorProto.DataType.FLOAT_VALUE,
			shape);
		e.setShape(name, shape);
		return name;
	}

	/**
	 * The random parameters of one augmented batch, per sample: the three color
	 * factors (identity: 0, 1, 1), the shift in rows and columns, and the
	 * cutout's centre (row -1: none).
	 */
	record Draw(float[] brightness, float[] saturation, float[] contrast,
			int[] shiftRows, int[] shiftColumns, int[] cutoutRow,
			int[] cutoutColumn) {
	}

	/**
	 * One draw for a batch of {@code n} images of {@code h x w} pixels. Per
	 * sample, in this order: whether color applies (probability {@code p}) and
	 * its three {@code r}; whether translation applies and its row and column
	 * shifts; whether cutout applies and its centre row and column.
	 */
	Draw draw(int n, int h, int w, SplittableRandom r, double p) {
		float[] brightness = new float[n], saturation = new float[n], contrast =
			new float[n];
		int[] dy = new int[n], dx = new int[n], cy = new int[n], cx = new int[n];
		int sh = (int) Math.round(h / 8.0), sw = (int) Math.round(w / 8.0);
		java.util.Arrays.fill(saturation, 1);
		java.util.Arrays.fill(contrast, 1);
		java.util.Arrays.fill(cy, -1);
		for (int i = 0; i < n; i++) {
			if (color && r.nextDouble() < p) {
				brightness[i] = (float) (r.nextDouble() - 0.5);
				saturation[i] = (float) (2 * r.nextDouble());
				contrast[i] = (float) (r.nextDouble() + 0.5);
			}
			if (translation && r.nextDouble() < p) {
				dy[i] = r.nextInt(-sh, sh + 1);
				dx[i] = r.nextInt(-sw, sw + 1);
			}
			if (cutout && r.nextDouble() < p) {
				cy[i] = r.nextInt(h);
				cx[i] = r.nextInt(w);
			}
		}
		return new Draw(brightness, saturation, contrast, dy, dx, cy, cx);
	}

	/**
	 * A draw for a batch of shape {@code [N, C, H, W]} as the inputs
	 * {@link #apply} declared.
	 */
	Map<String, Tensor> draw(String prefix, long[] shape, SplittableRandom r,
		double p)
	{
		return tensors(prefix, shape, draw((int) shape[0], (int) shape[2],
			(int) shape[3], r, p));
	}

	/** {@code d} as the inputs {@link #apply} declared for {@code prefix}. */
	Map<String, Tensor> tensors(String prefix, long[] shape, Draw d) {
		int n = (int) shape[0], c = (int) shape[1], h = (int) shape[2], w =
			(int) shape[3];
		int ch = (int) Math.round(h / 2.0), cw = (int) Math.round(w / 2.0);
		float[] rows = new float[n * h * h], columns = new float[n * w * w], mask =
			new float[n * h * w];
		java.util.Arrays.fill(mask, 1f);
		for (int i = 0; i < n; i++) {
			int dy = d.shiftRows()[i], dx = d.shiftColumns()[i];
			// out[y][x] = in[y + dy][x + dx], zero outside: rows[y][y + dy] = 1,
			// columns[x + dx][x] = 1
			for (int y = 0; y < h; y++)
				if (y + dy >= 0 && y + dy < h) rows[(i * h + y) * h + y + dy] = 1;
			for (int x = 0; x < w; x++)
				if (x + dx >= 0 && x + dx < w) columns[(i * w + x + dx) * w + x] = 1;
			if (d.cutoutRow()[i] >= 0) {
				int y0 = d.cutoutRow()[i] - ch / 2, x0 = d.cutoutColumn()[i] - cw / 2;
				for (int y = Math.max(0, y0); y < Math.min(h, y0 + ch); y++)
					for (int x = Math.max(0, x0); x < Math.min(w, x0 + cw); x++)
						mask[(i * h + y) * w + x] = 0;
			}
		}
		Map<String, Tensor> m = new LinkedHashMap<>();
		if (color) {
			m.put(input(prefix, "brightness"), Tensor.of(d.brightness().clone(), n, 1,
				1, 1));
			if (c > 1) m.put(input(prefix, "saturation"), Tensor.of(d.saturation()
				.clone(), n, 1, 1, 1));
			m.put(input(prefix, "contrast"), Tensor.of(d.contrast().clone(), n, 1, 1,
				1));
		}
		if (translation) {
			m.put(input(prefix, "rows"), Tensor.of(rows, n, 1, h, h));
			m.put(input(prefix, "columns"), Tensor.of(columns, n, 1, w, w));
		}
		if (cutout) m.put(input(prefix, "cutout"), Tensor.of(mask, n, 1, h, w));
		return m;
	}

	/**
	 * The random stream of one augmented batch: a function of the run's seed, the
	 * step and which batch of the step it is ({@code role}), so a resumed run
	 * draws what an uninterrupted one did.
	 */
	static SplittableRandom stream(long seed, long step, int role) {
		return new SplittableRandom(Seeds.murmur(Seeds.murmur(seed ^ 0x5DEECE66DL) +
			step * Seeds.GOLDEN + role));
	}
}
