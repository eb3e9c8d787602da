
package org.fijigan.core.train;

import java.util.Arrays;

/**
 * One trainable tensor: its graph name, shape and current values. The values
 * array is owned by the training run and updated in place.
 */
public record Parameter(String name, long[] shape, float[] values) {

	public Parameter {
		shape = shape.clone();
		long n = 1;
		for (long d : shape)
			n *= d;
		if (n != values.length) throw new IllegalArgumentException("parameter " +
			name + " of shape " + Arrays.toString(shape) + " has " + values.length +
			" values");
	}

	public int size() {
		return values.length;
	}
}
