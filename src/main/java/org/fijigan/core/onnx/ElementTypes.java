
package org.fijigan.core.onnx;

import java.util.Locale;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * ONNX tensor element types: the {@code TensorProto.DataType} numbers an ONNX
 * file stores (1 float, 6 int32, 7 int64, 10 float16, 11 double, 16 bfloat16,
 * ...), named by the protobuf enum, and the groups fiji-gan treats alike. Every
 * question about an element type number is answered here.
 */
public final class ElementTypes {

	private ElementTypes() {}

	/** float32, float64, float16 and bfloat16. */
	public static boolean isFloatingPoint(long type) {
		return type == DataType.FLOAT_VALUE || type == DataType.DOUBLE_VALUE ||
			type == DataType.FLOAT16_VALUE || type == DataType.BFLOAT16_VALUE;
	}

	/**
	 * The floating-point types an image or latent input can have: those the
	 * engine converts its float32 values to before a run (float32, float64,
	 * float16). Not bfloat16, which it cannot write, so a model with a bfloat16
	 * input is refused when it is loaded rather than when it runs.
	 */
	public static boolean isFeedableFloat(long type) {
		return type == DataType.FLOAT_VALUE || type == DataType.DOUBLE_VALUE ||
			type == DataType.FLOAT16_VALUE;
	}

	/**
	 * uint8, an image input's type in some exports (a photograph's 0-255 samples,
	 * cast to float inside the graph).
	 */
	public static boolean isUint8(long type) {
		return type == DataType.UINT8_VALUE;
	}

	/** uint16, a 16-bit image's samples. */
	public static boolean isUint16(long type) {
		return type == DataType.UINT16_VALUE;
	}

	/** The integer types a class-label input can have: int32 and int64. */
	public static boolean isFeedableInteger(long type) {
		return type == DataType.INT32_VALUE || type == DataType.INT64_VALUE;
	}

	/**
	 * The name with the width of a float type, as users know them: "float32",
	 * "float64", "float16"; {@link #name} for any other type.
	 */
	public static String widthName(int type) {
		return type == DataType.FLOAT_VALUE ? "float32"
			: type == DataType.DOUBLE_VALUE ? "float64" : name(type);
	}

	/**
	 * Lower-case ONNX name, e.g. "float", "int64", "bfloat16"; "type N" for a
	 * number ONNX does not define.
	 */
	public static String name(int type) {
		DataType t = DataType.forNumber(type);
		return t == null || t == DataType.UNDEFINED ? "type " + type : t.name()
			.toLowerCase(Locale.ROOT);
	}
}
