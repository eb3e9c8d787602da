
package org.fijigan.core.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * Reading ONNX nodes' attributes and constant tensors as numbers, for
 * {@link LocalityWalker}.
 */
final class NodeAttributes {

	private NodeAttributes() {}

	/**
	 * float, int32, int64 and double tensors, from raw_data or the typed fields;
	 * null for others.
	 */
	static double[] decode(TensorProto t) {
		int type = t.getDataType();
		int size = type == DataType.FLOAT_VALUE || type == DataType.INT32_VALUE ? 4
			: type == DataType.INT64_VALUE || type == DataType.DOUBLE_VALUE ? 8 : 0;
		if (size == 0) return null;
		if (!t.hasRawData()) return switch (type) {
			case DataType.FLOAT_VALUE -> t.getFloatDataList().stream().mapToDouble(
				Float::doubleValue).toArray();
			case DataType.INT32_VALUE -> t.getInt32DataList().stream().mapToDouble(
				Integer::doubleValue).toArray();
			case DataType.INT64_VALUE -> t.getInt64DataList().stream().mapToDouble(
				Long::doubleValue).toArray();
			default -> t.getDoubleDataList().stream().mapToDouble(Double::doubleValue)
				.toArray();
		};
		ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(
			ByteOrder.LITTLE_ENDIAN);
		double[] v = new double[raw.remaining() / size];
		for (int i = 0; i < v.length; i++)
			v[i] = switch (type) {
				case DataType.FLOAT_VALUE -> raw.getFloat(4 * i);
				case DataType.INT32_VALUE -> raw.getInt(4 * i);
				case DataType.INT64_VALUE -> raw.getLong(8 * i);
				default -> raw.getDouble(8 * i);
			};
		return v;
	}

	static double[] orDefault(double[] values, int n, double fallback) {
		if (values != null && values.length == n) return values;
		double[] v = new double[n];
		Arrays.fill(v, fallback);
		return v;
	}

	static AttributeProto attr(NodeProto n, String name) {
		for (AttributeProto a : n.getAttributeList())
			if (a.getName().equals(name)) return a;
		return null;
	}

	static double[] attrInts(NodeProto n, String name) {
		AttributeProto a = attr(n, name);
		if (a == null) return null;
		if (a.getType() == AttributeProto.AttributeType.INT) return new double[] { a
			.getI() };
		return a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray();
	}

	static double[] attrFloats(NodeProto n, String name) {
		AttributeProto a = attr(n, name);
		return a == null ? null : a.getFloatsList().stream().mapToDouble(
			Float::doubleValue).toArray();
	}

	static long attrInt(NodeProto n, String name, long fallback) {
		AttributeProto a = attr(n, name);
		return a == null ? fallback : a.getI();
	}

	static String attrString(NodeProto n, String name, String fallback) {
		AttributeProto a = attr(n, name);
		return a == null ? fallback : a.getS().toStringUtf8();
	}
}
