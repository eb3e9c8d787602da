
package org.fijigan.core.model;

/**
 * What the user states about a model, replacing what was read or inferred.
 * Every field is optional (null = keep). Start from {@link #NONE} and add what
 * was stated: {@code ModelOverrides.NONE.withTask(task).withHaloPixels(halo)}.
 *
 * @param range sets both the input and output value range
 * @param maskHoleValue the mask value that marks a hole (inpainting models
 *          only)
 */
public record ModelOverrides(TaskKind task, Double scale, Integer haloPixels,
		ValueRange range, OutputTransform outputTransform, Double maskHoleValue) {

	public static final ModelOverrides NONE = new ModelOverrides(null, null, null,
		null, null, null);

	public boolean isEmpty() {
		return equals(NONE);
	}

	public ModelOverrides withTask(TaskKind task) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue);
	}

	public ModelOverrides withScale(Double scale) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue);
	}

	public ModelOverrides withHaloPixels(Integer haloPixels) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue);
	}

	public ModelOverrides withRange(ValueRange range) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue);
	}

	public ModelOverrides withOutputTransform(OutputTransform outputTransform) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue);
	}

	public ModelOverrides withMaskHoleValue(Double maskHoleValue) {
		return new ModelOverrides(task, scale, haloPixels, range, outputTransform,
			maskHoleValue);
	}

	/**
	 * A copy of {@code d} with these overrides applied; a mask hole value applies
	 * to inpainting models only.
	 */
	public ModelDescriptor applyTo(ModelDescriptor d) {
		if (isEmpty()) return d;
		ModelDescriptor.Builder b = d.toBuilder();
		if (task != null) b.task(task).origin("task", "override");
		if (scale != null) b.scale(scale).origin("scale", "override");
		if (haloPixels != null) b.haloPixels(haloPixels).origin("halo", "override");
		if (range != null) b.ranges(range, range).origin("range", "override");
		if (outputTransform != null) b.outputTransform(outputTransform).origin(
			"output", "override");
		if (maskHoleValue != null && d.kind() instanceof ModelKind.Inpainting k) {
			MaskSpec m = k.mask();
			b.kind(new ModelKind.Inpainting(k.image(), new MaskSpec(m.inputName(),
				maskHoleValue, maskHoleValue == 0 ? 1 : 0, m.zeroHoles()))).origin(
					"mask", "override");
		}
		return b.build();
	}
}
