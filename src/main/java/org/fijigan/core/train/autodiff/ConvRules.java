
package org.fijigan.core.train.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Gradients of {@code Conv} and {@code ConvTranspose} (any spatial rank,
 * strides, dilations, explicit or automatic pads, groups, optional bias; the
 * weight may be a computed tensor), written as the same two operators:
 * <ul>
 * <li>Conv: {@code dX = ConvTranspose(dY, W)} with the forward strides,
 * dilations and head pads, cropped or extended to the input's size; {@code dW}
 * = a Conv with the batch as the channel axis (forward stride and dilation
 * swapped), sliced to the kernel size; {@code dB = ReduceSum(dY)}.</li>
 * <li>ConvTranspose: {@code dX = Conv(dY, W)} with the forward strides,
 * dilations and head pads; {@code dW} the same batch-as-channel Conv with the
 * roles of X and dY swapped.</li>
 * </ul>
 * Groups go into the {@code group} attribute of the backward Conv/ConvTranspose
 * (no per-group loop): for {@code dW} the batch and group axes are merged into
 * one grouped channel axis. Both recipes were first checked against PyTorch's
 * gradients, then generalised to groups, auto_pad, 1-D and 3-D.
 * <p>
 * Two faster forms of the same sums, chosen where they apply (ONNX Runtime's
 * CPU kernels run the recipes above several times slower than a forward Conv of
 * the same size; bench/README.md): without groups, {@code dW} is one MatMul per
 * kernel offset over shifted slices of the padded input
 * ({@link #weightGradient}); and a stride-1 Conv without groups whose output
 * has no more channels than its input gets {@code dX} as a Conv of {@code dY}
 * with the flipped, transposed kernel ({@link #flippedConv}) instead of a
 * ConvTranspose.
 */
final class ConvRules {

	private ConvRules() {}

	static void register(Map<String, GradientRule> m) {
		m.put("Conv", ConvRules::conv);
		m.put("ConvTranspose", ConvRules::convTranspose);
	}

	private static String[] conv(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0), w = n.getInput(1), dy = g[0];
		long[] xs = e.shape(x), ws = e.shape(w);
		int r = xs.length - 2;
		long group = Nodes.attrInt(n, "group", 1);
		long[] k = Arrays.copyOfRange(ws, 2, ws.length), s = perAxis(n, "strides",
			r), d = perAxis(n, "dilations", r);
		long[] head = convPadHead(n, spatial(xs), k, s, d);
		String[] out = new String[n.getInputCount()];
		if (need[0]) {
			out[0] = group == 1 && ws[0] <= ws[1] ? flippedConv(e, dy, w, k, s, d,
				head, xs) : null;
			if (out[0] == null) out[0] = scatter(e, dy, w, group, k, s, d, head,
				spatial(xs));
		}
		if (need.length > 1 && need[1]) out[1] = weightGradient(e, x, dy, group, d,
			s, head, k);
		if (need.length > 2 && need[2]) out[2] = e.reduceSum(dy,
			batchAndSpatialAxes(r + 2), false);
		return out;
	}

	private static String[] convTranspose(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String x = n.getInput(0), w = n.getInput(1), dy = g[0];
		long[] xs = e.shape(x), ws = e.shape(w), ys = e.shape(dy);
		int r = xs.length - 2;
		long group = Nodes.attrInt(n, "group", 1);
		long[] k = Arrays.copyOfRange(ws, 2, ws.length), s = perAxis(n, "strides",
			r), d = perAxis(n, "dilations", r);
		long[] head = convTransposePadHead(n, spatial(xs), spatial(ys), k, s, d);
		String[] out = new String[n.getInputCount()];
		if (need[0]) {
			// dX[i] = sum_j dY[i*s + j*d - head] W[j]: a Conv over dY whose tail pad
			// (or crop) makes the
			// output exactly the input's size; output_padding rows never reach X.
			long[] tail = new long[r], keep = new long[r];
			boolean crop = false;
			for (int i = 0; i < r; i++) {
				long t = (xs[i + 2] - 1) * s[i] + (k[i] - 1) * d[i] + 1 - ys[i + 2] -
					head[i];
				tail[i] = Math.max(0, t);
				keep[i] = ys[i + 2] + Math.min(0, t);
				crop |= t < 0;
			}
			String src = crop ? e.slice(dy, new long[r], keep, range(2, r + 2)) : dy;
			out[0] = e.op("Conv", xs, List.of(src, w), GraphEmitter.attrs(
				"kernel_shape", k), GraphEmitter.attrs("strides", s), GraphEmitter
					.attrs("dilations", d), GraphEmitter.attrs("pads", concat(head,
						tail)), GraphEmitter.attr("group", group));
		}
		if (need.length > 1 && need[1]) out[1] = weightGradient(e, dy, x, group, d,
			s, head, k);
		if (need.length > 2 && need[2]) out[2] = e.reduceSum(dy,
			batchAndSpatialAxes(r + 2), false);
		return out;
	}

	/**
	 * The adjoint of a windowed operator whose output position {@code o} reads
	 * input positions {@code o*s + j*d - head} ({@code j} over the kernel):
	 * {@code ConvTranspose(z, w)} with those strides, dilations and head pads,
	 * its tail cropped (or zero-extended) so that the spatial size is exactly
	 * {@code target}. Used for Conv's dX and the pooling gradients. A float64
	 * {@code z} is scattered in float32 and cast back, as ONNX Runtime's CPU
	 * provider has no float64 ConvTranspose (a float64 pooling part of a model
	 * runs, its gradient would not); each output sums a few products, where
	 * float32 loses little.
	 *
	 * @param z [N, Cin, out spatial...]
	 * @param w ConvTranspose weight [Cin, Cout / group, k...]
	 */
	static String scatter(GraphEmitter e, String z, String w, long group,
		long[] k, long[] s, long[] d, long[] head, long[] target)
	{
		if (e.type(z) == TensorProto.DataType.DOUBLE_VALUE) {
			String narrow = e.type(w) == TensorProto.DataType.DOUBLE_VALUE ? e.cast(w,
				TensorProto.DataType.FLOAT_VALUE) : w;
			return e.cast(scatter(e, e.cast(z, TensorProto.DataType.FLOAT_VALUE),
				narrow, group, k, s, d, head, target),
				TensorProto.DataType.DOUBLE_VALUE);
		}
		long[] zs = e.shape(z), ws = e.shape(w);
		int r = k.length;
		long[] tail = new long[r], outputPadding = new long[r], extend =
			new long[r];
		boolean anyOutputPadding = false, anyExtend = false;
		long[] shape = new long[r + 2];
		shape[0] = zs[0];
		shape[1] = ws[1] * group;
		for (int i = 0; i < r; i++) {
			long natural = (zs[i + 2] - 1) * s[i] + (k[i] - 1) * d[i] + 1 - head[i];
			if (natural >= target[i]) tail[i] = natural - target[i];
			else if (target[i] - natural < s[i]) {
				outputPadding[i] = target[i] - natural;
				anyOutputPadding = true;
			}
			else {
				extend[i] = target[i] - natural;
				anyExtend = true;
			}
			shape[i + 2] = target[i] - extend[i];
		}
		List<AttributeProto> a = new ArrayList<>(List.of(GraphEmitter.attrs(
			"kernel_shape", k), GraphEmitter.attrs("strides", s), GraphEmitter.attrs(
				"dilations", d), GraphEmitter.attrs("pads", concat(head, tail)),
			GraphEmitter.attr("group", group)));
		if (anyOutputPadding) a.add(GraphEmitter.attrs("output_padding",
			outputPadding));
		String y = e.op("ConvTranspose", shape, List.of(z, w), a.toArray(
			AttributeProto[]::new));
		if (anyExtend) y = e.pad(y, concat(new long[2], new long[r], new long[2],
			extend));
		return y;
	}

	/**
	 * Conv's {@code dX} for stride 1 without groups: {@code Conv(dY, W')} with
	 * {@code W'} the kernel flipped along every spatial axis and with its two
	 * channel axes swapped, dilated as the forward Conv, padded
	 * {@code (k-1)*d - head} in front and so that the result has the input's
	 * size. Null where that does not apply (a stride above 1, a pad larger than
	 * the dilated kernel, opset below 10).
	 */
	static String flippedConv(GraphEmitter e, String dy, String w, long[] k,
		long[] s, long[] d, long[] head, long[] xs)
	{
		int r = k.length;
		long[] ys = e.shape(dy), ws = e.shape(w);
		long[] pads = new long[2 * r];
		for (int i = 0; i < r; i++) {
			pads[i] = (k[i] - 1) * d[i] - head[i];
			pads[r + i] = xs[i + 2] - ys[i + 2] + head[i];
			if (s[i] != 1 || pads[i] < 0 || pads[r + i] < 0) return null;
		}
		if (e.opset() < 10) return null; // Slice takes steps from opset 10
		long[] minusOne = new long[r], first = new long[r];
		Arrays.fill(minusOne, -1);
		Arrays.fill(first, Long.MIN_VALUE);
		String flipped = e.op("Slice", ws, List.of(w, e.longs(minusOne), e.longs(
			first), e.longs(range(2, r + 2)), e.longs(minusOne)));
		return e.op("Conv", xs, List.of(dy, e.transpose(flipped, swapFirstTwo(r +
			2))), GraphEmitter.attrs("kernel_shape", k), GraphEmitter.attrs(
				"dilations", d), GraphEmitter.attrs("pads", pads));
	}

	/**
	 * The kernel-shaped correlation {@code out[q, p, j] = sum_{n,o} a[n, p,
	 * j*strideA + o*dilationA - head] * b[n, q, o]} within each of {@code group}
	 * channel groups, shape [group*Q, P, k...] for {@code a} [N, group*P, ...]
	 * and {@code b} [N, group*Q, ...]. Without groups and with dilationA 1 (a
	 * Conv of stride 1): for each kernel offset {@code j}, the slice of the
	 * zero-padded {@code a} that offset reads ([N, P, spatial of b]) times
	 * {@code b} as a batched MatMul, summed over the batch. Otherwise (groups, or
	 * a stride): one Conv with the batch as the channel axis, which ONNX
	 * Runtime's CPU kernels run faster than the strided slices for a stride of 2
	 * and slower for a stride of 1 (docs/gan-benchmark.md). Conv's dW is
	 * {@code (a, b) =
	 * (X, dY)} with strideA = dilation, dilationA = stride; ConvTranspose's is
	 * {@code (dY, X)}.
	 */
	static String weightGradient(GraphEmitter e, String a, String b, long group,
		long[] strideA, long[] dilationA, long[] head, long[] k)
	{
		boolean steps = Arrays.stream(dilationA).anyMatch(v -> v != 1);
		if (group == 1 && !steps) return weightGradientBySlices(e, a, b, strideA,
			dilationA, head, k);
		return weightGradientAsConv(e, a, b, group, strideA, dilationA, head, k);
	}

	/**
	 * The group-free case of {@link #weightGradient}: one MatMul per kernel
	 * offset.
	 */
	private static String weightGradientBySlices(GraphEmitter e, String a,
		String b, long[] strideA, long[] dilationA, long[] head, long[] k)
	{
		long[] as = e.shape(a), bs = e.shape(b);
		int r = k.length;
		long n = as[0], p = as[1], q = bs[1];
		long[] lb = spatial(bs), tail = new long[r];
		long positions = 1, offsets = 1;
		boolean padded = false;
		for (int i = 0; i < r; i++) {
			tail[i] = Math.max(0, (k[i] - 1) * strideA[i] + (lb[i] - 1) *
				dilationA[i] + 1 - as[i + 2] - head[i]);
			padded |= head[i] != 0 || tail[i] != 0;
			positions *= lb[i];
			offsets *= k[i];
		}
		String ap = padded ? e.pad(a, concat(new long[2], head, new long[2], tail))
			: a;
		// b as [N, positions, Q], once
		String bt = e.transpose(e.reshape(b, new long[] { n, q, positions }),
			new long[] { 0, 2, 1 });
		long[] axes = range(2, r + 2), sliceShape = concat(new long[] { n, p }, lb);
		List<String> parts = new ArrayList<>();
		long[] j = new long[r];
		for (long o = 0; o < offsets; o++) {
			long[] starts = new long[r], ends = new long[r];
			for (int i = 0; i < r; i++) {
				starts[i] = j[i] * strideA[i];
				ends[i] = starts[i] + (lb[i] - 1) * dilationA[i] + 1;
			}
			String window = Arrays.stream(dilationA).allMatch(v -> v == 1) ? e.slice(
				ap, starts, ends, axes) : e.op("Slice", sliceShape, List.of(ap, e.longs(
					starts), e.longs(ends), e.longs(axes), e.longs(dilationA)));
			String m = e.matMul(e.reshape(window, new long[] { n, p, positions }),
				bt); // [N, P, Q]
			parts.add(n == 1 ? m : e.reduceSum(m, new long[] { 0 }, true));
			for (int i = r - 1; i >= 0 && ++j[i] == k[i]; i--)
				j[i] = 0;
		}
		String all = parts.size() == 1 ? parts.get(0) : e.op("Concat", new long[] {
			offsets, p, q }, parts, GraphEmitter.attr("axis", 0L));
		// [k..., P, Q] -> [Q, P, k...]
		long[] perm = new long[r + 2];
		perm[0] = r + 1;
		perm[1] = r;
		for (int i = 0; i < r; i++)
			perm[i + 2] = i;
		return e.transpose(e.reshape(all, concat(k, new long[] { p, q })), perm);
	}

	/**
	 * {@link #weightGradient} as one Conv with the batch as the channel axis (any
	 * groups).
	 */
	private static String weightGradientAsConv(GraphEmitter e, String a, String b,
		long group, long[] strideA, long[] dilationA, long[] head, long[] k)
	{
		long[] as = e.shape(a), bs = e.shape(b);
		int r = k.length;
		long n = as[0], p = as[1] / group, q = bs[1] / group;
		String at, bt;
		if (group == 1) {
			at = e.transpose(a, swapFirstTwo(r + 2));
			bt = e.transpose(b, swapFirstTwo(r + 2));
		}
		else {
			// a [N, g, P, ...] -> [P, g, N, ...] -> [P, g*N, ...]; b [N, g, Q, ...]
			// -> [g, Q, N, ...] ->
			// [g*Q, N, ...]: channel (gi, n) of the Conv input pairs with weight rows
			// of group gi
			at = e.reshape(e.transpose(e.reshape(a, concat(new long[] { n, group, p },
				spatial(as))), concat(new long[] { 2, 1, 0 }, range(3, r + 3))), concat(
					new long[] { p, group * n }, spatial(as)));
			bt = e.reshape(e.transpose(e.reshape(b, concat(new long[] { n, group, q },
				spatial(bs))), concat(new long[] { 1, 2, 0 }, range(3, r + 3))), concat(
					new long[] { group * q, n }, spatial(bs)));
		}
		long[] tail = new long[r], size = new long[r];
		boolean slice = false;
		for (int i = 0; i < r; i++) {
			long la = as[i + 2], lb = bs[i + 2];
			tail[i] = Math.max(0, dilationA[i] * (lb - 1) + strideA[i] * (k[i] - 1) +
				1 - la - head[i]);
			size[i] = (la + head[i] + tail[i] - dilationA[i] * (lb - 1) - 1) /
				strideA[i] + 1;
			slice |= size[i] != k[i];
		}
		String c = e.op("Conv", concat(new long[] { p, group * q }, size), List.of(
			at, bt), GraphEmitter.attrs("kernel_shape", spatial(bs)), GraphEmitter
				.attrs("strides", strideA), GraphEmitter.attrs("dilations", dilationA),
			GraphEmitter.attrs("pads", concat(head, tail)), GraphEmitter.attr("group",
				group));
		if (slice) c = e.slice(c, new long[r], k, range(2, r + 2));
		return e.transpose(c, swapFirstTwo(r + 2));
	}

	/**
	 * Head pads of a Conv, as ONNX Runtime resolves auto_pad (SAME_LOWER puts the
	 * odd pad first).
	 */
	static long[] convPadHead(NodeProto n, long[] in, long[] k, long[] s,
		long[] d)
	{
		int r = k.length;
		long[] head = new long[r];
		switch (Nodes.attrString(n, "auto_pad", "NOTSET")) {
			case "NOTSET", "" -> {
				long[] pads = Nodes.attrInts(n, "pads", null);
				if (pads != null) System.arraycopy(pads, 0, head, 0, r);
			}
			case "VALID" -> {}
			case "SAME_UPPER", "SAME_LOWER" -> {
				boolean lower = Nodes.attrString(n, "auto_pad", "").equals(
					"SAME_LOWER");
				for (int i = 0; i < r; i++) {
					long target = (in[i] + s[i] - 1) / s[i];
					long needed = (target - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i];
					head[i] = Math.max(0, lower ? (needed + 1) / 2 : needed / 2);
				}
			}
			default -> throw new GanException("fine-tuning cannot differentiate " +
				Nodes.describe(n) + ": unknown auto_pad '" + Nodes.attrString(n,
					"auto_pad", "") + "'");
		}
		return head;
	}

	/**
	 * Head pads of a ConvTranspose, as ONNX Runtime (1.29, checked) resolves
	 * them: from output_shape or auto_pad SAME_* (SAME_UPPER puts the odd pad
	 * last, SAME_LOWER and a bare output_shape put it first), else the pads
	 * attribute.
	 */
	static long[] convTransposePadHead(NodeProto n, long[] in, long[] out,
		long[] k, long[] s, long[] d)
	{
		int r = k.length;
		long[] head = new long[r];
		long[] outputPadding = Nodes.attrInts(n, "output_padding", new long[r]);
		long[] outputShape = Nodes.attrInts(n, "output_shape", null);
		String auto = Nodes.attrString(n, "auto_pad", "NOTSET");
		boolean same = auto.equals("SAME_UPPER") || auto.equals("SAME_LOWER");
		if (outputShape != null && outputShape.length > 0 || same) {
			for (int i = 0; i < r; i++) {
				long target = outputShape != null && outputShape.length > 0
					? outputShape[outputShape.length - r + i] : in[i] * s[i];
				long total = Math.max(0, (in[i] - 1) * s[i] + outputPadding[i] + (k[i] -
					1) * d[i] + 1 - target);
				head[i] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
			}
		}
		else if (!auto.equals("VALID")) {
			long[] pads = Nodes.attrInts(n, "pads", null);
			if (pads != null) System.arraycopy(pads, 0, head, 0, r);
		}
		return head;
	}

	/** An INTS attribute with one value per spatial axis (1 when absent). */
	static long[] perAxis(NodeProto n, String name, int r) {
		long[] v = Nodes.attrInts(n, name, null);
		if (v == null || v.length == 0) {
			v = new long[r];
			Arrays.fill(v, 1);
		}
		return v;
	}

	static long[] spatial(long[] shape) {
		return Arrays.copyOfRange(shape, 2, shape.length);
	}

	/** 0, 2, 3, ..., rank-1: the axes a per-channel bias is broadcast over. */
	static long[] batchAndSpatialAxes(int rank) {
		long[] a = new long[rank - 1];
		for (int i = 1; i < a.length; i++)
			a[i] = i + 1;
		return a;
	}

	static long[] range(int from, int to) {
		long[] a = new long[to - from];
		for (int i = 0; i < a.length; i++)
			a[i] = from + i;
		return a;
	}

	static long[] swapFirstTwo(int rank) {
		long[] p = range(0, rank);
		p[0] = 1;
		p[1] = 0;
		return p;
	}

	static long[] concat(long[]... parts) {
		int n = 0;
		for (long[] p : parts)
			n += p.length;
		long[] r = new long[n];
		int at = 0;
		for (long[] p : parts) {
			System.arraycopy(p, 0, r, at, p.length);
			at += p.length;
		}
		return r;
	}
}
