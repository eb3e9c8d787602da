
package org.fijigan.core.train.autodiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Reads values out of ONNX {@code TensorProto}s (raw or typed fields,
 * little-endian raw data).
 */
public final class Tensors {

	private Tensors() {}

	public static long elementCount(TensorProto t) {
		long n = 1;
		for (long d : t.getDimsList())
			n *= d;
		return n;
	}

	/** Values of an int64/int32/int16/int8/uint8 tensor, as longs. */
	public static long[] longs(TensorProto t) {
		int n = (int) elementCount(t);
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

	/** Values of a float32/float64 tensor, as floats. */
	public static float[] floats(TensorProto t) {
		int n = (int) elementCount(t);
		float[] v = new float[n];
		ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData()
			.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
		if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
			for (int i = 0; i < n; i++)
				v[i] = raw != null ? raw.getFloat(i * 4) : t.getFloatData(i);
		}
		else if (t.getDataType() == TensorProto.DataType.DOUBLE_VALUE) {
			for (int i = 0; i < n; i++)
				v[i] = (float) (raw != null ? raw.getDouble(i * 8) : t.getDoubleData(
					i));
		}
		else throw new IllegalArgumentException("tensor '" + t.getName() +
			"' is not float");
		return v;
	}

	/** A float32 tensor with raw data. */
	public static TensorProto floatTensor(String name, float[] values,
		long... dims)
	{
		ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(
			ByteOrder.LITTLE_ENDIAN);
		for (float f : values)
			b.putFloat(f);
		b.flip();
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(
			TensorProto.DataType.FLOAT_VALUE).setRawData(
				com.google.protobuf.ByteString.copyFrom(b));
		for (long d : dims)
			t.addDims(d);
		return t.build();
	}
}
