
package org.fijigan.core.train.autodiff;

import static org.fijigan.core.train.autodiff.ConvRules.concat;
import static org.fijigan.core.train.autodiff.ConvRules.range;
import static org.fijigan.core.train.autodiff.ConvRules.spatial;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Gradients of operators that resample or rearrange pixels: Resize and Upsample
 * (see {@link ResizeGradient}), Pad, DepthToSpace, SpaceToDepth, and the
 * pooling operators MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool.
 */
final class SpatialRules {

	private SpatialRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("Resize", ResizeGradient::backward);
		m.put("Upsample", ResizeGradient::backward);
		m.put("Pad", SpatialRules::pad);
		m.put("DepthToSpace", SpatialRules::depthToSpace);
		m.put("SpaceToDepth", SpatialRules::spaceToDepth);
		m.put("MaxPool", SpatialRules::maxPool);
		m.put("AveragePool", SpatialRules::averagePool);
		m.put("GlobalAveragePool", SpatialRules::globalAveragePool);
		m.put("GlobalMaxPool", SpatialRules::globalMaxPool);
	}

	// ---- Pad ----

	/**
	 * Pad is separable: along each axis, output position o reads input index m(o)
	 * or the constant. The gradient, axis by axis: the interior block sliced back
	 * into place (zero-extended where negative pads cropped), plus, for
	 * edge/reflect/wrap, the border positions gathered and summed onto the input
	 * indices they copied (a small selection-matrix MatMul).
	 */
	private static String[] pad(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String[] out = new String[n.getInputCount()];
		if (!need[0]) return out;
		long[] xs = e.shape(n.getInput(0));
		int rank = xs.length;
		long[] pads;
		if (e.opset() < 11) {
			pads = Nodes.attrInts(n, "pads", Nodes.attrInts(n, "paddings", null));
			if (pads == null) throw new GanException(
				"fine-tuning cannot differentiate " + Nodes.describe(n) +
					": it has no pads attribute");
		}
		else {
			pads = e.constantLongs(Nodes.input(n, 1));
			if (pads == null) throw new GanException(
				"fine-tuning cannot differentiate " + Nodes.describe(n) +
					": its pads are not constant");
		}
		long[] full = new long[2 * rank];
		long[] axes = e.opset() >= 18 && Nodes.input(n, 3) != null ? e
			.constantLongs(Nodes.input(n, 3)) : null;
		if (e.opset() >= 18 && Nodes.input(n, 3) != null && axes == null)
			throw new GanException("fine-tuning cannot differentiate " + Nodes
				.describe(n) + ": its axes are not constant");
		if (axes != null) for (int i = 0; i < axes.length; i++) {
			int a = Nodes.axis(axes[i], rank);
			full[a] = pads[i];
			full[rank + a] = pads[axes.length + i];
		}
		else System.arraycopy(pads, 0, full, 0, 2 * rank);
		String mode = Nodes.attrString(n, "mode", "constant");
		if (!List.of("constant", "reflect", "edge", "wrap").contains(mode))
			throw new GanException("fine-tuning cannot differentiate " + Nodes
				.describe(n) + ": unknown mode '" + mode + "'");
		String grad = g[0];
		for (int a = 0; a < rank; a++)
			if (full[a] != 0 || full[rank + a] != 0) grad = padAdjoint(e, grad, a,
				xs[a], full[a], full[rank + a], mode);
		out[0] = grad;
		return out;
	}

	/** The adjoint of padding one axis by (head, tail) (negative: cropping). */
	private static String padAdjoint(GraphEmitter e, String g, int axis, long in,
		long head, long tail, String mode)
	{
		long[] gs = e.shape(g);
		int rank = gs.length;
		long cropHead = Math.max(0, -head), cropTail = Math.max(0, -tail);
		long kept = in - cropHead - cropTail, padHead = Math.max(0, head), padTail =
			Math.max(0, tail);
		String interior = padHead == 0 && padTail == 0 ? g : e.slice(g, new long[] {
			padHead }, new long[] { padHead + kept }, new long[] { axis });
		if (cropHead > 0 || cropTail > 0) {
			long[] p = new long[2 * rank];
			p[axis] = cropHead;
			p[rank + axis] = cropTail;
			interior = e.pad(interior, p);
		}
		if (mode.equals("constant") || padHead + padTail == 0) return interior;
		// the border: output positions outside the kept block, each a copy of one
		// input index
		int borders = (int) (padHead + padTail);
		long[] positions = new long[borders];
		float[] select = new float[(int) (borders * in)];
		for (int b = 0; b < borders; b++) {
			long o = b < padHead ? b : padHead + kept + (b - padHead);
			positions[b] = o;
			long j = o - padHead, m;
			switch (mode) {
				case "edge" -> m = Math.max(0, Math.min(kept - 1, j));
				case "wrap" -> m = Math.floorMod(j, kept);
				default -> {
					long period = 2 * (kept - 1);
					m = period == 0 ? 0 : Math.floorMod(j, period);
					if (m >= kept) m = period - m;
				}
			}
			select[(int) (b * in + cropHead + m)] = 1;
		}
		long[] bs = gs.clone();
		bs[axis] = borders;
		String border = e.op("Gather", bs, List.of(g, e.longs(positions)),
			GraphEmitter.attr("axis", (long) axis));
		return e.add(interior, AxisMaps.applyTransposed(e, border, axis, select,
			borders, in));
	}

	// ---- DepthToSpace / SpaceToDepth: the inverse Reshape/Transpose ----

	private static String[] depthToSpace(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		long[] xs = e.shape(n.getInput(0));
		long b = Nodes.attrInt(n, "blocksize", 1), c = xs[1] / (b * b), h = xs[2],
				w = xs[3];
		boolean crd = Nodes.attrString(n, "mode", "DCR").equals("CRD");
		// forward: reshape to `split`, transpose by `perm` to [N, c, H, b, W, b],
		// reshape
		long[] perm = crd ? new long[] { 0, 1, 4, 2, 5, 3 } : new long[] { 0, 3, 4,
			1, 5, 2 };
		String t = e.reshape(g[0], new long[] { xs[0], c, h, b, w, b });
		return new String[] { e.reshape(e.transpose(t, inverse(perm)), xs) };
	}

	private static String[] spaceToDepth(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		long[] xs = e.shape(n.getInput(0));
		long b = Nodes.attrInt(n, "blocksize", 1), c = xs[1], h = xs[2] / b, w =
			xs[3] / b;
		// forward: reshape to [N, C, h, b, w, b], transpose by [0, 3, 5, 1, 2, 4],
		// reshape
		String t = e.reshape(g[0], new long[] { xs[0], b, b, c, h, w });
		return new String[] { e.reshape(e.transpose(t, inverse(new long[] { 0, 3, 5,
			1, 2, 4 })), xs) };
	}

	static long[] inverse(long[] perm) {
		long[] inv = new long[perm.length];
		for (int i = 0; i < perm.length; i++)
			inv[(int) perm[i]] = i;
		return inv;
	}

	// ---- pooling ----

	/**
	 * Kernel, strides, dilations and pads of a pooling node, as ONNX Runtime
	 * resolves auto_pad.
	 */
	record Pooling(long[] kernel, long[] strides, long[] dilations, long[] head,
			long[] tail) {

		static Pooling of(NodeProto n, long[] in) {
			long[] k = Nodes.attrInts(n, "kernel_shape", null);
			if (k == null) throw new GanException(
				"fine-tuning cannot differentiate " + Nodes.describe(n) +
					": it has no kernel_shape");
			int r = k.length;
			long[] s = ConvRules.perAxis(n, "strides", r), d = ConvRules.perAxis(n,
				"dilations", r);
			long[] head = new long[r], tail = new long[r];
			String auto = Nodes.attrString(n, "auto_pad", "NOTSET");
			switch (auto) {
				case "NOTSET", "" -> {
					long[] p = Nodes.attrInts(n, "pads", null);
					if (p != null && p.length == 2 * r) {
						System.arraycopy(p, 0, head, 0, r);
						System.arraycopy(p, r, tail, 0, r);
					}
				}
				case "VALID" -> {}
				case "SAME_UPPER", "SAME_LOWER" -> {
					for (int i = 0; i < r; i++) {
						long target = (in[i] + s[i] - 1) / s[i];
						long needed = (target - 1) * s[i] + k[i] - in[i];
						head[i] = auto.equals("SAME_LOWER") ? (needed + 1) / 2 : needed / 2;
						tail[i] = needed - head[i];
					}
				}
				default -> throw new GanException("fine-tuning cannot differentiate " +
					Nodes.describe(n) + ": unknown auto_pad '" + auto + "'");
			}
			return new Pooling(k, s, d, head, tail);
		}

		/**
		 * Input index of kernel tap {@code j} of window {@code o} along axis
		 * {@code i}.
		 */
		long source(int i, long o, long j) {
			return o * strides[i] + j * dilations[i] - head[i];
		}
	}

	/**
	 * MaxPool: the gradient goes to the element each window selected. The
	 * selection comes from the operator's own Indices output (emitted here when
	 * the forward node has none), compared with the flat index of each kernel
	 * tap; the masked gradient, one channel per tap, is scattered back by a
	 * grouped ConvTranspose with one-hot kernels.
	 */
	private static String[] maxPool(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0), dy = g[0];
		String[] result = new String[n.getInputCount()];
		if (dy == null) return result; // only the (integer) Indices output is used
		long[] xs = e.shape(x), ys = e.shape(n.getOutput(0)), in = spatial(xs),
				out = spatial(ys);
		Pooling p = Pooling.of(n, in);
		int r = in.length;
		long batch = xs[0], channels = xs[1], plane = AxisMaps.product(in, 0, r),
				outPlane = AxisMaps.product(out, 0, r), taps = AxisMaps.product(p
					.kernel(), 0, r);
		boolean columnMajor = Nodes.attrInt(n, "storage_order", 0) == 1;
		String indices;
		if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) indices = n
			.getOutput(1);
		else indices = e.ops("MaxPool", List.of(ys, ys), List.of(x), n
			.getAttributeList().toArray(AttributeProto[]::new)).get(1);
		// Indices count over the whole tensor: subtract each (n, c) plane's offset
		long[] offsets = new long[(int) (batch * channels)];
		for (int i = 0; i < offsets.length; i++)
			offsets[i] = i * plane;
		long[] planeShape = concat(new long[] { batch, channels }, ones(r));
		String local = e.op("Sub", ys, List.of(indices, e.longs(offsets,
			planeShape)));
		// the flat input index of every tap of every window (-1 outside the input)
		long[] expected = new long[(int) (taps * outPlane)];
		long[] tap = new long[r], pos = new long[r];
		for (int t = 0; t < taps; t++) {
			unravel(t, p.kernel(), tap);
			for (int o = 0; o < outPlane; o++) {
				unravel(o, out, pos);
				long flat = 0, stride = 1;
				boolean inside = true;
				for (int i = columnMajor ? 0 : r - 1; columnMajor ? i < r : i >= 0; i +=
					columnMajor ? 1 : -1)
				{
					long v = p.source(i, pos[i], tap[i]);
					inside &= v >= 0 && v < in[i];
					flat += v * stride;
					stride *= in[i];
				}
				expected[(int) (t * outPlane + o)] = inside ? flat : -1;
			}
		}
		long[] tapShape = concat(new long[] { batch, channels, taps }, out);
		String hit = e.op("Equal", tapShape, List.of(e.reshape(local, concat(
			new long[] { batch, channels, 1 }, out)), e.longs(expected, concat(
				new long[] { taps }, out))));
		String mask = e.op("Cast", tapShape, List.of(hit), GraphEmitter.attr("to",
			(long) e.type(x)));
		String z = e.mul(mask, e.reshape(dy, concat(new long[] { batch, channels,
			1 }, out)));
		z = e.reshape(z, concat(new long[] { batch, channels * taps }, out));
		float[] oneHot = new float[(int) (channels * taps * taps)];
		for (int c = 0; c < channels; c++)
			for (int t = 0; t < taps; t++)
				oneHot[(int) ((c * taps + t) * taps + t)] = 1;
		String w = e.constant(oneHot, concat(new long[] { channels * taps, 1 }, p
			.kernel()));
		result[0] = ConvRules.scatter(e, z, w, channels, p.kernel(), p.strides(), p
			.dilations(), p.head(), in);
		return result;
	}

	/**
	 * AveragePool: dY divided by each window's divisor (as ONNX Runtime counts
	 * it, with or without the pads), spread back over the window by a depthwise
	 * ConvTranspose with a kernel of ones.
	 */
	private static String[] averagePool(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		long[] xs = e.shape(n.getInput(0)), in = spatial(xs), out = spatial(e.shape(
			n.getOutput(0)));
		Pooling p = Pooling.of(n, in);
		int r = in.length;
		boolean includePad = Nodes.attrInt(n, "count_include_pad", 0) != 0;
		long[][] counts = new long[r][];
		for (int i = 0; i < r; i++) {
			counts[i] = new long[(int) out[i]];
			for (int o = 0; o < out[i]; o++) {
				long start = p.source(i, o, 0), end = Math.min(start + p.kernel()[i] * p
					.dilations()[i], in[i] + p.tail()[i]);
				if (includePad) counts[i][o] = 1 + (end - start - 1) / p.dilations()[i];
				else for (long j = 0; j < p.kernel()[i]; j++) {
					long v = p.source(i, o, j);
					if (v >= 0 && v < in[i] && v < end) counts[i][o]++;
				}
			}
		}
		int outPlane = (int) AxisMaps.product(out, 0, r);
		float[] scale = new float[outPlane];
		long[] pos = new long[r];
		for (int o = 0; o < outPlane; o++) {
			unravel(o, out, pos);
			long count = 1;
			for (int i = 0; i < r; i++)
				count *= counts[i][(int) pos[i]];
			scale[o] = count == 0 ? 0 : 1f / count;
		}
		long channels = xs[1];
		String z = e.mul(g[0], e.constant(scale, out));
		float[] ones = new float[(int) (channels * AxisMaps.product(p.kernel(), 0,
			r))];
		Arrays.fill(ones, 1f);
		String w = e.constant(ones, concat(new long[] { channels, 1 }, p.kernel()));
		String[] result = new String[n.getInputCount()];
		result[0] = ConvRules.scatter(e, z, w, channels, p.kernel(), p.strides(), p
			.dilations(), p.head(), in);
		return result;
	}

	private static String[] globalAveragePool(NodeProto n, String[] g,
		boolean[] need, GraphEmitter e)
	{
		long[] xs = e.shape(n.getInput(0));
		long plane = AxisMaps.product(xs, 2, xs.length);
		String scaled = e.mul(g[0], e.scalar(1f / plane));
		return new String[] { e.op("Expand", xs, List.of(scaled, e.longs(xs))) };
	}

	/**
	 * GlobalMaxPool: the gradient shared equally by the elements equal to the
	 * maximum.
	 */
	private static String[] globalMaxPool(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0), y = n.getOutput(0);
		long[] xs = e.shape(x);
		// x < max everywhere except at the maximum (Less takes floats at every
		// opset, Equal not before 11)
		String below = e.op("Cast", xs, List.of(e.op("Less", xs, List.of(x, y))),
			GraphEmitter.attr("to", (long) e.type(x)));
		String mask = e.sub(e.scalar(1f), below);
		String count = e.reduceSum(mask, range(2, xs.length), true);
		return new String[] { e.mul(mask, e.div(g[0], count)) };
	}

	private static long[] ones(int n) {
		long[] a = new long[n];
		Arrays.fill(a, 1);
		return a;
	}

	/** Row-major multi-index of {@code flat} in {@code shape}. */
	private static void unravel(long flat, long[] shape, long[] into) {
		for (int i = shape.length - 1; i >= 0; i--) {
			into[i] = flat % shape[i];
			flat /= shape[i];
		}
	}
}
