
package org.fijigan.core.engine;

import java.util.Arrays;

/**
 * A dense tensor on the Java heap: {@code float} or {@code long} values in C
 * order. The engine's currency between its own code and {@link ModelSession};
 * never holds native memory.
 */
public record Tensor(float[] floats, long[] longs, long[] shape) {

	public Tensor {
		shape = shape.clone();
		long n = elementCount(shape);
		int len = floats != null ? floats.length : longs.length;
		if ((floats == null) == (longs == null)) throw new IllegalArgumentException(
			"exactly one of floats and longs");
		if (len != n) throw new IllegalArgumentException("tensor of shape " + Arrays
			.toString(shape) + " needs " + n + " values, got " + len);
	}

	public static Tensor of(float[] data, long... shape) {
		return new Tensor(data, null, shape);
	}

	public static Tensor ofLongs(long[] data, long... shape) {
		return new Tensor(null, data, shape);
	}

	public boolean isFloat() {
		return floats != null;
	}

	public static long elementCount(long[] shape) {
		long n = 1;
		for (long d : shape)
			n *= d;
		return n;
	}

	@Override
	public String toString() {
		return (isFloat() ? "float" : "int64") + Arrays.toString(shape);
	}
}
