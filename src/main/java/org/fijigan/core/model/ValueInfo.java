
package org.fijigan.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.fijigan.core.onnx.ElementTypes;

/**
 * One graph input or output as the ONNX file declares it.
 *
 * @param elementType the ONNX {@code TensorProto.DataType} number (1 = float, 7
 *          = int64; see {@link ElementTypes}); 0 for a value that is not a
 *          tensor
 * @param dims one entry per axis: the fixed size, or -1 where the size is
 *          symbolic or unknown. A graph input or output whose file declares no
 *          shape at all has the rank the graph shows (-1 for each length; see
 *          {@link OnnxGraphInfo#declaresShape}), else reads as rank 0.
 * @param dimNames the symbolic name of each axis ("N", "height"); "" where the
 *          size is fixed or the axis has no name
 */
public record ValueInfo(String name, int elementType, long[] dims,
		List<String> dimNames) {

	public ValueInfo {
		Objects.requireNonNull(name, "name");
		dims = dims.clone();
		dimNames = List.copyOf(dimNames);
		if (dims.length != dimNames.size()) throw new IllegalArgumentException(
			name + ": " + dims.length + " dims but " + dimNames.size() +
				" dim names");
	}

	/** A copy: changing it does not change this value. */
	@Override
	public long[] dims() {
		return dims.clone();
	}

	/** Lower-case ONNX type name, e.g. "float", "int64", "float16". */
	public String elementTypeName() {
		return ElementTypes.name(elementType);
	}

	public boolean isFixed(int axis) {
		return dims[axis] >= 0;
	}

	public int rank() {
		return dims.length;
	}

	/**
	 * Fixed sizes as numbers, symbolic ones by name, unnamed unknown ones as "?":
	 * "[N,3,H,W]".
	 */
	public String shapeString() {
		StringBuilder sb = new StringBuilder("[");
		for (int i = 0; i < dims.length; i++) {
			if (i > 0) sb.append(',');
			sb.append(isFixed(i) ? Long.toString(dims[i]) : dimNames.get(i).isEmpty()
				? "?" : dimNames.get(i));
		}
		return sb.append(']').toString();
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof ValueInfo v && name.equals(v.name) &&
			elementType == v.elementType && Arrays.equals(dims, v.dims) && dimNames
				.equals(v.dimNames);
	}

	@Override
	public int hashCode() {
		return Objects.hash(name, elementType, Arrays.hashCode(dims), dimNames);
	}

	@Override
	public String toString() {
		return name + " " + elementTypeName() + shapeString();
	}
}
