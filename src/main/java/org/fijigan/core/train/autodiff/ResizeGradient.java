
package org.fijigan.core.train.autodiff;

import java.util.Arrays;

import org.fijigan.core.GanException;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Gradient of {@code Resize} (opset 10-21) and {@code Upsample} (opset 7-9). On
 * a fixed shape the operator is separable and linear: along each resized axis,
 * {@code y = A x} with a constant interpolation matrix {@code A} [out x in].
 * The gradient applies {@code A^T} along each axis (one MatMul per axis; a
 * reshape and ReduceSum when nearest upsampling repeats each element a whole
 * number of times). The matrices are built here from the node's attributes with
 * the arithmetic of ONNX Runtime's CPU kernel (float32 source coordinates, the
 * same rounding and clamping), so that they are the exact adjoint of the
 * forward pass that ran.
 * <p>
 * Supported: modes nearest (every nearest_mode; opset &lt; 11 uses the legacy
 * floor/ceil rule), linear and cubic (cubic_coeff_a, exclude_outside);
 * coordinate modes half_pixel, half_pixel_symmetric, pytorch_half_pixel,
 * align_corners, asymmetric, tf_half_pixel_for_nn; scales or sizes, axes and
 * keep_aspect_ratio_policy (opset 18+). Not supported (one clear error):
 * tf_crop_and_resize, antialias, scales or sizes that are not constant.
 */
final class ResizeGradient {

	/** Interpolation, read from a node. */
	record Spec(String mode, String coordinates, String nearest, float cubicA,
			boolean excludeOutside) {
	}

	private ResizeGradient() {}

	static String[] backward(NodeProto n, String[] g, boolean[] need,
		GraphEmitter e)
	{
		String[] out = new String[n.getInputCount()];
		if (!need[0]) return out;
		long[] xs = e.shape(n.getInput(0)), ys = e.shape(n.getOutput(0));
		Spec spec = spec(n, e.opset());
		float[] scales = scales(n, e, xs, ys);
		if (Arrays.equals(xs, ys)) {
			out[0] = g[0]; // ONNX Runtime copies the input when no size changes
			return out;
		}
		String grad = g[0];
		// the axes are separable, so whole-number repeats are summed first, all in
		// one ReduceSum, and the other axes take their matrices after
		long[] repeats = new long[xs.length];
		int[][] maps = new int[xs.length][];
		boolean anyRepeat = false;
		for (int axis = 0; axis < xs.length; axis++)
			if (spec.mode().equals("nearest") && scales[axis] != 1f) {
				int in = (int) xs[axis];
				maps[axis] = nearestMap(spec, in, (int) ys[axis], scales[axis]);
				repeats[axis] = AxisMaps.repeatFactor(maps[axis], in);
				anyRepeat |= repeats[axis] > 1;
			}
		if (anyRepeat) grad = AxisMaps.sumRepeats(e, grad, xs, repeats);
		for (int axis = 0; axis < xs.length; axis++) {
			if (scales[axis] == 1f) continue; // ONNX Runtime maps such an axis one to
																				// one
			int in = (int) xs[axis], len = (int) ys[axis];
			if (spec.mode().equals("nearest")) {
				if (repeats[axis] >= 1) continue; // one to one, or summed above
				grad = AxisMaps.applyTransposed(e, grad, axis, AxisMaps.selection(
					maps[axis], in), len, in);
			}
			else {
				float[] a = spec.mode().equals("linear") ? linearMatrix(spec, in, len,
					scales[axis]) : cubicMatrix(spec, in, len, scales[axis]);
				if (AxisMaps.isIdentity(a, len, in)) continue;
				grad = AxisMaps.applyTransposed(e, grad, axis, a, len, in);
			}
		}
		out[0] = grad;
		return out;
	}

	static Spec spec(NodeProto n, long opset) {
		boolean resize = n.getOpType().equals("Resize");
		String mode = Nodes.attrString(n, "mode", "nearest");
		if (mode.equals("bilinear")) mode = "linear";
		if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals(
			"cubic")) throw unsupported(n, "mode '" + mode + "'");
		String coordinates = resize && opset >= 11 ? Nodes.attrString(n,
			"coordinate_transformation_mode", "half_pixel") : "asymmetric";
		if (!Arrays.asList("half_pixel", "half_pixel_symmetric",
			"pytorch_half_pixel", "align_corners", "asymmetric",
			"tf_half_pixel_for_nn").contains(coordinates)) throw unsupported(n,
				"coordinate_transformation_mode '" + coordinates + "'");
		String nearest = resize && opset >= 11 && mode.equals("nearest") ? Nodes
			.attrString(n, "nearest_mode", "round_prefer_floor") : "";
		if (!Arrays.asList("", "round_prefer_floor", "round_prefer_ceil", "floor",
			"ceil").contains(nearest)) throw unsupported(n, "nearest_mode '" +
				nearest + "'");
		if (Nodes.attrInt(n, "antialias", 0) != 0) throw unsupported(n,
			"antialias=1");
		return new Spec(mode, coordinates, nearest, Nodes.attrFloat(n,
			"cubic_coeff_a", -0.75f), Nodes.attrInt(n, "exclude_outside", 0) != 0);
	}

	/**
	 * The scale of every axis as ONNX Runtime uses it in the coordinate
	 * transform: the scales given, or output/input size when sizes are given
	 * (adjusted by keep_aspect_ratio_policy); checked against the output shape
	 * that ran.
	 */
	static float[] scales(NodeProto n, GraphEmitter e, long[] xs, long[] ys) {
		int rank = xs.length;
		long opset = e.opset();
		float[] given = null;
		long[] sizes = null;
		if (n.getOpType().equals("Upsample") && Nodes.attribute(n,
			"scales") != null)
		{
			var a = Nodes.attribute(n, "scales");
			given = new float[a.getFloatsCount()];
			for (int i = 0; i < given.length; i++)
				given[i] = a.getFloats(i);
		}
		else if (n.getOpType().equals("Upsample") || opset < 11) given =
			constantScales(n, e, Nodes.input(n, 1));
		else {
			given = constantScales(n, e, Nodes.input(n, 2));
			if (given == null) {
				sizes = e.constantLongs(Nodes.input(n, 3));
				if (sizes == null) throw unsupported(n,
					"scales or sizes that are not constant");
			}
		}
		long[] axes = null;
		if (opset >= 18 && Nodes.attribute(n, "axes") != null) {
			axes = Nodes.attrInts(n, "axes", null);
			for (int i = 0; i < axes.length; i++)
				axes[i] = Nodes.axis(axes[i], rank);
		}
		float[] scales = new float[rank];
		Arrays.fill(scales, 1f);
		long[] expected = new long[rank];
		if (given != null) {
			if (axes != null && axes.length > 0) for (int i = 0; i < axes.length; i++)
				scales[(int) axes[i]] = given[i];
			else if (given.length == rank) scales = given.clone();
			else throw unsupported(n, given.length + " scales for a rank-" + rank +
				" input");
			for (int i = 0; i < rank; i++)
				expected[i] = (long) (scales[i] * (float) xs[i]);
		}
		else {
			long[] outDims = xs.clone();
			if (axes != null && axes.length > 0) for (int i = 0; i < axes.length; i++)
				outDims[(int) axes[i]] = sizes[i];
			else if (sizes.length == rank) outDims = sizes.clone();
			else throw unsupported(n, sizes.length + " sizes for a rank-" + rank +
				" input");
			for (int i = 0; i < rank; i++)
				scales[i] = xs[i] == 0 ? 1f : (float) outDims[i] / (float) xs[i];
			String policy = opset >= 18 ? Nodes.attrString(n,
				"keep_aspect_ratio_policy", "stretch") : "stretch";
			if (!policy.equals("stretch")) {
				java.util.Set<Long> set = new java.util.HashSet<>();
				if (axes != null) for (long a : axes)
					set.add(a);
				float chosen = policy.equals("not_larger") ? Float.MAX_VALUE
					: Float.MIN_VALUE;
				for (int i = 0; i < rank; i++)
					if (set.isEmpty() || set.contains((long) i)) chosen = policy.equals(
						"not_larger") ? Math.min(chosen, scales[i]) : Math.max(chosen,
							scales[i]);
				for (int i = 0; i < rank; i++)
					if (set.isEmpty() || set.contains((long) i)) {
						scales[i] = chosen;
						outDims[i] = Math.round((double) (chosen * xs[i]));
					}
					else scales[i] = 1f;
			}
			expected = outDims;
		}
		if (!Arrays.equals(expected, ys)) throw new GanException(
			"fine-tuning cannot differentiate " + Nodes.describe(n) +
				": its output shape " + Arrays.toString(ys) + " differs from the " +
				Arrays.toString(expected) + " its scales give");
		return scales;
	}

	private static float[] constantScales(NodeProto n, GraphEmitter e,
		String value)
	{
		if (value == null) return null;
		float[] f = fold(e, value, 0);
		if (f == null) {
			if (e.hasShape(value) && AxisMaps.product(e.shape(value), 0, e.shape(
				value).length) == 0) return null;
			throw unsupported(n, "scales that are not constant");
		}
		return f.length == 0 ? null : f;
	}

	/**
	 * The value of a small float tensor computed from constants, as PyTorch
	 * exports scales ({@code
	 * Concat(Constant [1, 1], Constant [2, 2])}, or
	 * {@code Div(Cast(sizes), Cast(Shape))} whose integer inputs the shape probe
	 * recorded): folds Concat, Cast, Identity, Unsqueeze, Squeeze, Reshape,
	 * Flatten and element-wise Add, Sub, Mul, Div; null when the value is not
	 * constant.
	 */
	static float[] fold(GraphEmitter e, String value, int depth) {
		if (value == null || value.isEmpty() || depth > 16) return null;
		float[] f;
		try {
			f = e.constantFloats(value);
		}
		catch (IllegalArgumentException notFloat) {
			return null;
		}
		if (f != null) return f;
		NodeProto p = null;
		for (NodeProto q : e.graph().getNodeList())
			if (q.getOutputList().contains(value)) p = q;
		if (p == null) return null;
		switch (p.getOpType()) {
			case "Identity", "Unsqueeze", "Squeeze", "Reshape", "Flatten" -> {
				return fold(e, p.getInput(0), depth + 1);
			}
			case "Concat" -> {
				float[] all = new float[0];
				for (String in : p.getInputList()) {
					float[] part = fold(e, in, depth + 1);
					if (part == null) return null;
					all = Arrays.copyOf(all, all.length + part.length);
					System.arraycopy(part, 0, all, all.length - part.length, part.length);
				}
				return all;
			}
			case "Cast" -> {
				long to = Nodes.attrInt(p, "to", 0);
				if (to != 1 && to != 11) return null; // FLOAT, DOUBLE
				float[] in = fold(e, p.getInput(0), depth + 1);
				if (in != null) return in;
				long[] l = longsOrNull(e, p.getInput(0));
				if (l == null) return null;
				float[] r = new float[l.length];
				for (int i = 0; i < l.length; i++)
					r[i] = l[i];
				return r;
			}
			case "Add", "Sub", "Mul", "Div" -> {
				float[] a = fold(e, p.getInput(0), depth + 1), b = fold(e, p.getInput(
					1), depth + 1);
				if (a == null || b == null || a.length != b.length && a.length != 1 &&
					b.length != 1) return null;
				float[] r = new float[Math.max(a.length, b.length)];
				for (int i = 0; i < r.length; i++) {
					float x = a[a.length == 1 ? 0 : i], y = b[b.length == 1 ? 0 : i];
					r[i] = switch (p.getOpType()) {
						case "Add" -> x + y;
						case "Sub" -> x - y;
						case "Mul" -> x * y;
						default -> x / y;
					};
				}
				return r;
			}
			default -> {
				return null;
			}
		}
	}

	private static long[] longsOrNull(GraphEmitter e, String value) {
		try {
			return e.constantLongs(value);
		}
		catch (IllegalArgumentException notInteger) {
			return null;
		}
	}

	// ---- the per-axis maps, with ONNX Runtime's float arithmetic ----

	/** Source coordinate of output position {@code x} (upsamplebase.h). */
	static float original(String coordinates, float x, float scale,
		float lengthResized, float lengthOriginal)
	{
		return switch (coordinates) {
			case "asymmetric" -> x / scale;
			case "pytorch_half_pixel" -> lengthResized > 1 ? (x + 0.5f) / scale - 0.5f
				: 0f;
			case "tf_half_pixel_for_nn" -> (x + 0.5f) / scale;
			case "align_corners" -> lengthResized == 1 ? 0f : x * (lengthOriginal -
				1) / (lengthResized - 1);
			case "half_pixel_symmetric" -> {
				float outputWidth = scale * lengthOriginal;
				float adjustment = lengthResized / outputWidth;
				float center = lengthOriginal / 2;
				float offset = center * (1 - adjustment);
				yield (float) (offset + (x + 0.5) / scale - 0.5);
			}
			default -> ((x + 0.5f) / scale) - 0.5f;
		};
	}

	/**
	 * Nearest input index for a source coordinate; {@code ""} is the rule before
	 * opset 11.
	 */
	static long nearestPixel(String mode, float x, boolean downsampling) {
		return switch (mode) {
			case "" -> downsampling ? (long) Math.ceil(x) : (long) x;
			case "round_prefer_ceil" -> roundHalfAway(x);
			case "floor" -> (long) Math.floor(x);
			case "ceil" -> (long) Math.ceil(x);
			default -> x == (float) (long) x + 0.5f ? (long) Math.floor(x)
				: roundHalfAway(x);
		};
	}

	private static long roundHalfAway(float x) {
		double r = Math.floor(Math.abs((double) x) + 0.5);
		return (long) (x < 0 ? -r : r);
	}

	static int[] nearestMap(Spec spec, int in, int out, float scale) {
		int[] map = new int[out];
		for (int o = 0; o < out; o++) {
			float src = original(spec.coordinates(), o, scale, out, in);
			long i = nearestPixel(spec.nearest(), src, scale < 1);
			map[o] = (int) Math.max(0, Math.min(in - 1, i));
		}
		return map;
	}

	/**
	 * Linear interpolation matrix [out x in] (the source coordinate clamped to
	 * [0, in-1]).
	 */
	static float[] linearMatrix(Spec spec, int in, int out, float scale) {
		float[] a = new float[out * in];
		for (int o = 0; o < out; o++) {
			float v = scale == 1 ? o : original(spec.coordinates(), o, scale, out,
				in);
			v = Math.max(0f, Math.min(v, (float) (in - 1)));
			int i1 = Math.min((int) v, in - 1), i2 = Math.min(i1 + 1, in - 1);
			float d1 = Math.abs(v - i1), d2 = Math.abs(v - i2);
			if (i1 == i2) d1 = d2 = 0.5f;
			a[o * in + i1] += d2;
			a[o * in + i2] += d1;
		}
		return a;
	}

	/**
	 * Cubic convolution matrix [out x in]: 4 taps, indices clamped to the edge.
	 */
	static float[] cubicMatrix(Spec spec, int in, int out, float scale) {
		float[] a = new float[out * in];
		for (int o = 0; o < out; o++) {
			float v = scale == 1 ? o : original(spec.coordinates(), o, scale, out,
				in);
			long base = (long) Math.floor(v);
			float[] c = cubicCoefficients(v - (float) Math.floor(v), spec.cubicA());
			float sum = 1;
			if (spec.excludeOutside()) {
				sum = 0;
				for (int t = 0; t < 4; t++) {
					long idx = base - 1 + t;
					if (idx < 0 || idx >= in) c[t] = 0;
					sum += c[t];
				}
			}
			for (int t = 0; t < 4; t++) {
				long idx = Math.max(0, Math.min(in - 1, base - 1 + t));
				a[(int) (o * in + idx)] += c[t] / sum;
			}
		}
		return a;
	}

	/**
	 * Keys' cubic coefficients for the fractional offset {@code s} (ONNX
	 * Runtime's GetCubicCoeffs).
	 */
	static float[] cubicCoefficients(float s, float a) {
		float t = Math.abs(s);
		return new float[] { ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) -
			4 * a, ((a + 2) * t - (a + 3)) * t * t + 1, ((a + 2) * (1 - t) - (a +
				3)) * (1 - t) * (1 - t) + 1, ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) *
					(2 - t) - 4 * a };
	}

	private static GanException unsupported(NodeProto n, String what) {
		return new GanException("fine-tuning cannot differentiate " + Nodes
			.describe(n) + ": " + what +
			" is not supported; use nearest, linear or cubic interpolation with constant scales or sizes");
	}
}
