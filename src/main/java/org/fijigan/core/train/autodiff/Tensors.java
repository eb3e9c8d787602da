
package org.fijigan.core.train.autodiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.fijigan.core.GanException;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.platform.Fp16Conversions;

/**
 * Reads values out of ONNX {@code TensorProto}s (raw or typed fields,
 * little-endian raw data).
 */
public final class Tensors {

	private Tensors() {}

	/**
	 * The number of values {@code t}'s shape declares.
	 *
	 * @throws GanException for a negative dimension, or a count beyond a long
	 */
	public static long elementCount(TensorProto t) {
		long n = 1;
		try {
			for (long d : t.getDimsList()) {
				if (d < 0) throw new GanException("tensor " + t.getName() +
					" declares shape " + t.getDimsList() +
					", with a negative dimension: the model file is damaged");
				n = Math.multiplyExact(n, d);
			}
		}
		catch (ArithmeticException e) {
			throw new GanException("tensor " + t.getName() + " declares shape " + t
				.getDimsList() + ", more values than any tensor can hold: the model " +
				"file is damaged");
		}
		return n;
	}

	/**
	 * The number of values {@code t}'s shape declares, which its data must hold
	 * ({@code elementBytes} bytes each when raw): a damaged file's initializer
	 * declares one shape and holds fewer, or more, values.
	 *
	 * @param typed how many values the typed field holds
	 * @throws GanException naming the tensor, its shape and what its data holds
	 */
	private static int checkedCount(TensorProto t, int elementBytes, int typed) {
		long n = elementCount(t);
		long held = t.getRawData().isEmpty() ? typed : t.getRawData().size() /
			elementBytes;
		if (n != held || !t.getRawData().isEmpty() && t.getRawData().size() %
			elementBytes != 0) throw new GanException("tensor " + t.getName() +
				" declares shape " + t.getDimsList() + " (" + n +
				" values), but its data holds " + (t.getRawData().isEmpty() ? held +
					(held == 1 ? " value" : " values") : t.getRawData().size() +
						" bytes (" + held + (held == 1 ? " value)" : " values)")) +
				": the model file is damaged");
		return (int) n;
	}

	/** Values of an int64/int32/int16/int8/uint8 tensor, as longs. */
	public static long[] longs(TensorProto t) {
		int type = t.getDataType();
		if (type != TensorProto.DataType.INT64_VALUE &&
			type != TensorProto.DataType.INT32_VALUE &&
			type != TensorProto.DataType.INT16_VALUE &&
			type != TensorProto.DataType.INT8_VALUE &&
			type != TensorProto.DataType.UINT8_VALUE)
			throw new IllegalArgumentException("tensor '" + t.getName() +
				"' is not integer");
		int n = type == TensorProto.DataType.INT64_VALUE ? checkedCount(t, 8, t
			.getInt64DataCount()) : checkedCount(t,
				type == TensorProto.DataType.INT32_VALUE ? 4
					: type == TensorProto.DataType.INT16_VALUE ? 2 : 1, t
						.getInt32DataCount());
		long[] v = new long[n];
		ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData()
			.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
		switch (t.getDataType()) {
			case TensorProto.DataType.INT64_VALUE -> {
				for (int i = 0; i < n; i++)
					v[i] = raw != null ? raw.getLong(i * 8) : t.getInt64Data(i);
			}
			case TensorProto.DataType.INT32_VALUE, TensorProto.DataType.INT16_VALUE,
					TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE -> {
				for (int i = 0; i < n; i++)
					v[i] = raw != null ? switch (t.getDataType()) {
						case TensorProto.DataType.INT32_VALUE -> raw.getInt(i * 4);
						case TensorProto.DataType.INT16_VALUE -> raw.getShort(i * 2);
						case TensorProto.DataType.INT8_VALUE -> raw.get(i);
						default -> raw.get(i) & 0xff;
					} : t.getInt32Data(i);
			}
			default -> throw new IllegalArgumentException("tensor '" + t.getName() +
				"' is not integer");
		}
		return v;
	}

	/**
	 * Values of a float32, float64, float16 or bfloat16 tensor, as floats
	 * (float64 rounded to the nearest float32).
	 */
	public static float[] floats(TensorProto t) {
		int type = t.getDataType();
		if (!org.fijigan.core.onnx.ElementTypes.isFloatingPoint(type))
			throw new IllegalArgumentException("tensor '" + t.getName() +
				"' is not float");
		int n = checkedCount(t, floatBytes(type),
			type == TensorProto.DataType.FLOAT_VALUE ? t.getFloatDataCount()
				: type == TensorProto.DataType.DOUBLE_VALUE ? t.getDoubleDataCount() : t
					.getInt32DataCount());
		float[] v = new float[n];
		ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData()
			.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
		switch (t.getDataType()) {
			case TensorProto.DataType.FLOAT_VALUE -> {
				for (int i = 0; i < n; i++)
					v[i] = raw != null ? raw.getFloat(i * 4) : t.getFloatData(i);
			}
			case TensorProto.DataType.DOUBLE_VALUE -> {
				for (int i = 0; i < n; i++)
					v[i] = (float) (raw != null ? raw.getDouble(i * 8) : t.getDoubleData(
						i));
			}
			// 16-bit floats keep their bits in int32_data when not raw
			case TensorProto.DataType.FLOAT16_VALUE -> {
				for (int i = 0; i < n; i++)
					v[i] = Fp16Conversions.fp16ToFloat(raw != null ? raw.getShort(i * 2)
						: (short) t.getInt32Data(i));
			}
			case TensorProto.DataType.BFLOAT16_VALUE -> {
				for (int i = 0; i < n; i++)
					v[i] = Fp16Conversions.bf16ToFloat(raw != null ? raw.getShort(i * 2)
						: (short) t.getInt32Data(i));
			}
			default -> throw new IllegalArgumentException("tensor '" + t.getName() +
				"' is not float");
		}
		return v;
	}

	/** Bytes an element of a float tensor of {@code type} takes. */
	public static int floatBytes(int type) {
		return switch (type) {
			case TensorProto.DataType.DOUBLE_VALUE -> 8;
			case TensorProto.DataType.FLOAT16_VALUE,
					TensorProto.DataType.BFLOAT16_VALUE -> 2;
			default -> 4;
		};
	}

	/** A float32 tensor with raw data. */
	public static TensorProto floatTensor(String name, float[] values,
		long... dims)
	{
		return floatTensor(name, values, TensorProto.DataType.FLOAT_VALUE, dims);
	}

	/**
	 * A tensor of float element type {@code type} (float32, float64, float16 or
	 * bfloat16) with raw data: {@code values} rounded to the nearest value the
	 * type holds (ties to even), as a cast in ONNX Runtime does.
	 */
	public static TensorProto floatTensor(String name, float[] values, int type,
		long... dims)
	{
		ByteBuffer b = ByteBuffer.allocate(values.length * floatBytes(type)).order(
			ByteOrder.LITTLE_ENDIAN);
		for (float f : values)
			switch (type) {
				case TensorProto.DataType.FLOAT_VALUE -> b.putFloat(f);
				case TensorProto.DataType.DOUBLE_VALUE -> b.putDouble(f);
				case TensorProto.DataType.FLOAT16_VALUE -> b.putShort(Fp16Conversions
					.floatToFp16(f));
				case TensorProto.DataType.BFLOAT16_VALUE -> b.putShort(Fp16Conversions
					.floatToBf16(f));
				default -> throw new IllegalArgumentException("element type " + type +
					" is not float");
			}
		b.flip();
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(
			type).setRawData(com.google.protobuf.ByteString.copyFrom(b));
		for (long d : dims)
			t.addDims(d);
		return t.build();
	}
}
