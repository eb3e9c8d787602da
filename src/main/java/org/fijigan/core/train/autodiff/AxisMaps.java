
package org.fijigan.core.train.autodiff;

import java.util.List;

/**
 * Emits the adjoint of a linear map that acts along one axis of a tensor,
 * {@code y = A x} with a constant matrix {@code A} [out x in] applied to every
 * line along that axis (the per-axis form of Resize and of the border part of
 * Pad): the gradient is {@code A^T} along the same axis, one MatMul. Matrices
 * are row-major float arrays.
 */
final class AxisMaps {

	private AxisMaps() {}

	/**
	 * {@code A^T} applied along {@code axis} of {@code g}: [..., out, ...] to
	 * [..., in, ...].
	 */
	static String applyTransposed(GraphEmitter e, String g, int axis, float[] a,
		long out, long in)
	{
		long[] gs = e.shape(g);
		long[] result = gs.clone();
		result[axis] = in;
		if (axis == gs.length - 1) return e.op("MatMul", result, List.of(g, e
			.constant(a, out, in)));
		long before = product(gs, 0, axis), after = product(gs, axis + 1,
			gs.length);
		float[] t = new float[a.length];
		for (int o = 0; o < out; o++)
			for (int i = 0; i < in; i++)
				t[(int) (i * out + o)] = a[(int) (o * in + i)];
		String lines = e.reshape(g, new long[] { before, out, after });
		String m = e.op("MatMul", new long[] { before, in, after }, List.of(e
			.constant(t, in, out), lines));
		return e.reshape(m, result);
	}

	/**
	 * The adjoint of repeating every element a whole number of times along one or
	 * more axes (nearest upsampling by integer factors): sums each block. For
	 * every axis with {@code repeats[axis] > 1} the gradient's
	 * {@code in[axis] * repeats[axis]} elements become {@code in[axis]}; one
	 * Reshape splits each such axis into (in, repeats) and one ReduceSum sums
	 * over all the repeat axes at once (a ReduceSum per axis over an inner axis
	 * of a 5-D tensor cost ONNX Runtime three times as much).
	 */
	static String sumRepeats(GraphEmitter e, String g, long[] in,
		long[] repeats)
	{
		long[] gs = e.shape(g);
		long[] split = new long[gs.length + count(repeats)];
		long[] reduce = new long[count(repeats)];
		for (int i = 0, j = 0, k = 0; i < gs.length; i++)
			if (repeats[i] > 1) {
				split[j++] = in[i];
				reduce[k++] = j;
				split[j++] = repeats[i];
			}
			else split[j++] = gs[i];
		return e.reduceSum(e.reshape(g, split), reduce, false);
	}

	private static int count(long[] repeats) {
		int n = 0;
		for (long r : repeats)
			if (r > 1) n++;
		return n;
	}

	/**
	 * The 0/1 matrix [out x in] of an index map ({@code map[o]} = input index, or
	 * -1 for none).
	 */
	static float[] selection(int[] map, int in) {
		float[] a = new float[map.length * in];
		for (int o = 0; o < map.length; o++)
			if (map[o] >= 0) a[o * in + map[o]] = 1;
		return a;
	}

	/**
	 * The factor r when {@code map[o] == o / r} for every o (and out = in * r); 0
	 * otherwise.
	 */
	static int repeatFactor(int[] map, int in) {
		if (map.length % in != 0) return 0;
		int r = map.length / in;
		for (int o = 0; o < map.length; o++)
			if (map[o] != o / r) return 0;
		return r;
	}

	static boolean isIdentity(float[] a, long out, long in) {
		if (out != in) return false;
		for (int o = 0; o < out; o++)
			for (int i = 0; i < in; i++)
				if (a[(int) (o * in + i)] != (o == i ? 1f : 0f)) return false;
		return true;
	}

	static long product(long[] s, int from, int to) {
		long p = 1;
		for (int i = from; i < to; i++)
			p *= s[i];
		return p;
	}
}
