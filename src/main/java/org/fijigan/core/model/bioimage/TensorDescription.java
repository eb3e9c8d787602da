
package org.fijigan.core.model.bioimage;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import org.fijigan.core.GanException;

/**
 * One input or output tensor of a bioimage.io model.
 *
 * @param id the tensor id (0.5) or name (0.4); the name the ONNX graph uses
 * @param dataType numpy spelling: "float32", "uint8", ...
 * @param axes in tensor order, outermost first
 * @param processing preprocessing for an input, postprocessing for an output,
 *          in order
 */
public record TensorDescription(String id, String dataType, List<Axis> axes,
		List<ProcessingStep> processing) {

	public TensorDescription {
		if (id == null || id.isBlank()) throw new GanException(
			"a tensor needs an id");
		if (dataType == null || dataType.isBlank()) throw new GanException(
			"tensor " + id + " needs a data type");
		if (axes == null || axes.isEmpty()) throw new GanException("tensor " + id +
			" has no axes");
		axes = List.copyOf(axes);
		processing = processing == null ? List.of() : List.copyOf(processing);
		var seen = new HashSet<String>();
		for (Axis a : axes)
			if (!seen.add(a.id())) throw new GanException("tensor " + id +
				" has two axes named " + a.id());
	}

	public List<String> axisIds() {
		return axes.stream().map(Axis::id).toList();
	}

	public Optional<Axis> axis(String axisId) {
		return axes.stream().filter(a -> a.id().equals(axisId)).findFirst();
	}

	/**
	 * Output pixels to crop from each side, one entry per axis in tensor order (0
	 * where none).
	 */
	public int[] haloPerAxis() {
		return axes.stream().mapToInt(Axis::halo).toArray();
	}
}
