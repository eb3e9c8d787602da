
package org.fijigan.core.packaging;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.ProcessingStep.EnsureDtype;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleLinear;
import org.fijigan.core.model.bioimage.ProcessingStep.ScaleRange;
import org.fijigan.core.model.bioimage.RdfYaml;

/**
 * fiji-gan's normalisation written as the bioimage.io preprocessing of a
 * package's image input.
 */
final class NormalizationSteps {

	private NormalizationSteps() {}

	/**
	 * fiji-gan's normalisation as bioimage.io preprocessing, per channel:
	 * percentiles by {@code scale_range} (then {@code scale_linear} into a value
	 * range other than [0, 1]), a fixed range by one {@code scale_linear}, none
	 * as a lone {@code ensure_dtype} (an empty list would mean fiji-gan's
	 * default).
	 */
	static List<ProcessingStep> of(Normalization n, ValueRange range,
		PixelType sampleType, TensorLayout layout, List<String> notes)
	{
		List<String> all = new ArrayList<>();
		for (char c : layout.axes().toCharArray())
			all.add(axisId(c));
		if (n instanceof Normalization.Percentile p) {
			List<ProcessingStep> steps = new ArrayList<>();
			steps.add(new ScaleRange("per_sample", List.of("y", "x"), p.lowPercent(),
				p.highPercent(), PackageWriter.SCALE_RANGE_EPS, null));
			if (!range.equals(ValueRange.ZERO_ONE)) steps.add(new ScaleLinear(
				new double[] { range.width() }, new double[] { range.min() }, all));
			return steps;
		}
		if (n instanceof Normalization.BitDepthRange) {
			if (!sampleType.isInteger()) throw new GanException(
				"--normalize range takes the pixel type's range, " +
					"which a 32-bit sample does not have: give range:MIN,MAX");
			notes.add("--normalize range: the package states the sample's range, " +
				RdfYaml.number(sampleType.min()) + "-" + RdfYaml.number(sampleType
					.max()) + " (range:" + RdfYaml.number(sampleType.min()) + "," +
				RdfYaml.number(sampleType.max()) + ")");
			n = new Normalization.FixedRange(sampleType.min(), sampleType.max());
		}
		if (n instanceof Normalization.FixedRange f) {
			double gain = range.width() / (f.max() - f.min()), offset = range.min() -
				f.min() * gain;
			if (gain != 1 || offset != 0) return List.of(new ScaleLinear(
				new double[] { gain }, new double[] { offset }, all));
		}
		return List.of(new EnsureDtype("float32"));
	}

	private static String axisId(char c) {
		return switch (c) {
			case 'b' -> "batch";
			case 'c' -> "channel";
			default -> String.valueOf(c);
		};
	}
}
