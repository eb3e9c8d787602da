
package org.fijigan.core.image;

import java.lang.reflect.Array;
import java.util.Arrays;

import org.fijigan.core.GanException;

/**
 * An n-dimensional array as NumPy stores it in a .npy file: C order (last index
 * fastest), data in a Java primitive array of the dtype's width. Unsigned
 * dtypes keep their raw bits in the signed Java type (UINT8 in {@code byte[]},
 * UINT16 in {@code short[]}); the {@code to...Array} methods read them as
 * unsigned. The record keeps the arrays it is given, without copying, so
 * equality is identity.
 *
 * @param data {@code float[]}, {@code double[]}, {@code long[]}, {@code int[]},
 *          {@code short[]}, {@code byte[]} or {@code boolean[]}, as
 *          {@link DType#arrayType()} says
 */
public record NpyArray(DType dtype, long[] shape, Object data) {

	/**
	 * The element types read and written; {@link #code()} is NumPy's, without
	 * byte order.
	 */
	public enum DType {

			FLOAT32("f4", 4, float[].class), FLOAT64("f8", 8, double[].class), INT64(
				"i8", 8, long[].class), INT32("i4", 4, int[].class), INT16("i2", 2,
					short[].class), UINT16("u2", 2, short[].class), INT8("i1", 1,
						byte[].class), UINT8("u1", 1, byte[].class), BOOL("b1", 1,
							boolean[].class);

		private final String code;
		private final int bytes;
		private final Class<?> arrayType;

		DType(String code, int bytes, Class<?> arrayType) {
			this.code = code;
			this.bytes = bytes;
			this.arrayType = arrayType;
		}

		public String code() {
			return code;
		}

		public int bytesPerElement() {
			return bytes;
		}

		public Class<?> arrayType() {
			return arrayType;
		}
	}

	public NpyArray {
		if (dtype == null || shape == null || data == null) throw new GanException(
			"an array needs a dtype, a shape and data");
		if (data.getClass() != dtype.arrayType()) throw new GanException(dtype +
			" data must be a " + dtype.arrayType().getSimpleName() + ", is a " + data
				.getClass().getSimpleName());
		long count = elementCount(shape);
		if (count != Array.getLength(data)) throw new GanException("shape " + Arrays
			.toString(shape) + " holds " + count + " elements but the data has " +
			Array.getLength(data));
	}

	/** A float32 array; keeps {@code data} without copying. */
	public static NpyArray ofFloats(float[] data, long... shape) {
		return new NpyArray(DType.FLOAT32, shape, data);
	}

	/**
	 * The product of the dimensions; 1 for a 0-d array. Throws on negative or
	 * overflowing dimensions.
	 */
	public static long elementCount(long[] shape) {
		long count = 1;
		for (long d : shape) {
			if (d < 0) throw new GanException("shape " + Arrays.toString(shape) +
				" has a negative dimension");
			try {
				count = Math.multiplyExact(count, d);
			}
			catch (ArithmeticException e) {
				throw new GanException("shape " + Arrays.toString(shape) +
					" has too many elements");
			}
		}
		return count;
	}

	public int length() {
		return Array.getLength(data);
	}

	/**
	 * The values as float (a copy); unsigned types read as unsigned, booleans as
	 * 0 and 1.
	 */
	public float[] toFloatArray() {
		float[] out = new float[length()];
		if (dtype == DType.INT64) for (int i = 0; i < out.length; i++)
			out[i] = ((long[]) data)[i];
		else for (int i = 0; i < out.length; i++)
			out[i] = (float) doubleAt(i);
		return out;
	}

	/**
	 * The largest change {@link #toFloatArray} makes to an integer value: 0
	 * unless the array holds integers beyond 2^24 in magnitude (float arrays: 0).
	 */
	public long largestFloatRounding() {
		long largest = 0;
		if (dtype == DType.INT64) for (long v : (long[]) data)
			largest = Math.max(largest, Math.abs(v - (long) (float) v));
		else if (dtype == DType.INT32) for (int v : (int[]) data)
			largest = Math.max(largest, Math.abs(v - (long) (float) v));
		return largest;
	}

	/** The values as double (a copy); int64 beyond 2^53 loses precision. */
	public double[] toDoubleArray() {
		double[] out = new double[length()];
		for (int i = 0; i < out.length; i++)
			out[i] = doubleAt(i);
		return out;
	}

	/**
	 * The values as long (a copy); floating-point values are truncated toward
	 * zero, as NumPy's astype does.
	 */
	public long[] toLongArray() {
		long[] out = new long[length()];
		for (int i = 0; i < out.length; i++)
			out[i] = dtype == DType.INT64 ? ((long[]) data)[i] : (long) doubleAt(i);
		return out;
	}

	private double doubleAt(int i) {
		return switch (dtype) {
			case FLOAT32 -> ((float[]) data)[i];
			case FLOAT64 -> ((double[]) data)[i];
			case INT64 -> ((long[]) data)[i];
			case INT32 -> ((int[]) data)[i];
			case INT16 -> ((short[]) data)[i];
			case UINT16 -> ((short[]) data)[i] & 0xffff;
			case INT8 -> ((byte[]) data)[i];
			case UINT8 -> ((byte[]) data)[i] & 0xff;
			case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
		};
	}
}
