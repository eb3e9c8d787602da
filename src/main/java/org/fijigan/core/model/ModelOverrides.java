package org.fijigan.core.model;

import java.util.HashMap;
import java.util.Map;

/**
 * What the user states about a model, replacing what was read or inferred. Every field is optional
 * (null = keep).
 *
 * @param range sets both the input and output value range
 */
public record ModelOverrides(TaskKind task, Double scale, Integer haloPixels, ValueRange range,
	OutputTransform outputTransform, Double maskHoleValue)
{
	public static final ModelOverrides NONE = new ModelOverrides(null, null, null, null, null, null);

	public boolean isEmpty() {
		return equals(NONE);
	}

	/** A copy of {@code d} with these overrides applied. */
	public ModelDescriptor applyTo(ModelDescriptor d) {
		if (isEmpty()) return d;
		Map<String, String> origins = new HashMap<>(d.origins());
		TaskKind t = d.task();
		if (task != null) {
			t = task;
			origins.put("task", "override");
		}
		double s = d.scale();
		if (scale != null) {
			s = scale;
			origins.put("scale", "override");
		}
		int h = d.haloPixels();
		if (haloPixels != null) {
			h = haloPixels;
			origins.put("halo", "override");
		}
		ValueRange in = d.inputRange(), out = d.outputRange();
		if (range != null) {
			in = out = range;
			origins.put("range", "override");
		}
		OutputTransform ot = d.outputTransform();
		if (outputTransform != null) {
			ot = outputTransform;
			origins.put("output", "override");
		}
		MaskSpec m = d.mask();
		if (maskHoleValue != null && m != null) {
			m = new MaskSpec(m.inputName(), maskHoleValue, maskHoleValue == 0 ? 1 : 0, m.zeroHoles());
			origins.put("mask", "override");
		}
		return new ModelDescriptor(d.name(), d.onnxFile(), d.sha256(), t, d.image(), m, d.generator(), d
			.outputName(), d.outputLayout(), d.outputChannels(), s, h, in, out, ot, d.preprocessing(), d
				.postprocessing(), d.wholeImageOps(), origins, d.graph());
	}
}
