
package org.fijigan.core.model;

import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.Axis;

/**
 * What the user states about a model, replacing what was read or inferred.
 * Every field is optional (null = keep). Start from {@link #NONE} and add what
 * was stated: {@code ModelOverrides.NONE.withTask(task).withHaloPixels(halo)}.
 *
 * @param range sets both the input and output value range; a package's own
 *          preprocessing and postprocessing, which map values into the range it
 *          states, are dropped, so that fiji-gan maps the image into the stated
 *          range and the output back itself
 * @param maskHoleValue the mask value that marks a hole (inpainting models
 *          only)
 */
public record ModelOverrides(TaskKind task, Double scale, Integer haloPixels,
		ValueRange range, OutputTransform outputTransform, Double maskHoleValue) {

	public static final ModelOverrides NONE = new ModelOverrides(null, null, null,
		null, null, null);
	/** The largest scale stated: beyond any super-resolution model's. */
	public static final double MAX_SCALE = 64;
	/**
	 * The largest halo stated: a tile is at least twice as wide, and a model that
	 * sees further runs untiled (--tile none). A descriptor's halo has the same
	 * bound.
	 */
	public static final int MAX_HALO = Axis.MAX_HALO;

	public ModelOverrides {
		if (scale != null && !(scale >= 1 / MAX_SCALE && scale <= MAX_SCALE))
			throw new GanException("--scale " + scale + " is beyond what a model " +
				"does: give a scale from 1/" + (int) MAX_SCALE + " to " +
				(int) MAX_SCALE);
		if (haloPixels != null && (haloPixels < 0 || haloPixels > MAX_HALO))
			throw new GanException("--halo " + haloPixels + " is beyond " + MAX_HALO +
				" px, wider than any tile: for a model that sees that far, run " +
				"untiled (--tile none)");
		if (maskHoleValue != null && !(Math.abs(maskHoleValue) <= Float.MAX_VALUE))
			throw new GanException("--mask-hole " + maskHoleValue +
				" is not a number a model's float input holds");
	}

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
		if (range != null) b.ranges(range, range).processing(List.of(), List.of())
			.outputInInputUnits(true).origin("range", "override");
		if (outputTransform != null) b.outputTransform(outputTransform).origin(
			"output", "override");
		if (maskHoleValue != null && d.kind() instanceof ModelKind.Inpainting k) {
			MaskSpec m = k.mask();
			b.kind(new ModelKind.Inpainting(k.image(), m.withHoleValue(
				maskHoleValue))).origin("mask", "override");
		}
		return b.build();
	}
}
