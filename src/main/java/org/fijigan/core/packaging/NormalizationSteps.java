
package org.fijigan.core.packaging;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.model.bioimage.ProcessingStep.Clip;
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
	 * fiji-gan's normalisation as bioimage.io preprocessing, per channel, or over
	 * all channels together where {@code jointChannels} (the colour channels of
	 * an RGB sample fed together to the model, which fiji-gan maps with one map
	 * from their values together): percentiles by {@code scale_range} (its
	 * {@code axes}, those the statistics reduce over, then take in the channel
	 * axis) (then {@code scale_linear} into a value range other than [0, 1]), a
	 * fixed range by one {@code scale_linear}, none as a lone
	 * {@code ensure_dtype} (an empty list would mean fiji-gan's default).
	 * <p>
	 * The steps end in {@code inputType}, the model input's bioimage.io data type
	 * (bioimage.io appends {@code ensure_dtype} to it otherwise): for a type
	 * other than float32 they begin with {@code ensure_dtype float32}, so that
	 * they compute in float32 as fiji-gan does, and end with
	 * {@code ensure_dtype inputType}. For uint8, which that step truncates while
	 * fiji-gan rounds to the nearest level, the last {@code scale_linear} adds
	 * 0.5 and a {@code clip} to [0, 255.5] comes first: truncating then rounds
	 * half up, as fiji-gan does, so that a package test computes the test output
	 * fiji-gan recorded.
	 *
	 * @param inputType float32, float64 or uint8
	 */
	static List<ProcessingStep> of(Normalization n, ValueRange range,
		PixelType sampleType, TensorLayout layout, boolean jointChannels,
		String inputType, List<String> notes)
	{
		List<ProcessingStep> steps = floatSteps(n, range, sampleType, layout,
			jointChannels, notes);
		if (inputType.equals(FLOAT32)) return steps;
		boolean identity = steps.size() == 1 && steps.get(0) instanceof EnsureDtype;
		// a uint8 input keeps its rounding steps even so: fiji-gan reads a lone
		// cast to an integer type as truncating, and would map its output back
		// half a level off
		if (identity && !inputType.equals(UINT8)) return List.of(new EnsureDtype(
			inputType));
		List<ProcessingStep> typed = new ArrayList<>();
		typed.add(new EnsureDtype(FLOAT32));
		if (!identity) typed.addAll(steps);
		if (inputType.equals(UINT8)) {
			int last = typed.size() - 1;
			if (typed.get(last) instanceof ScaleLinear l) typed.set(last,
				new ScaleLinear(l.gain(), new double[] { l.offset()[0] + 0.5 }, l
					.axes()));
			else typed.add(new ScaleLinear(new double[] { 1 }, new double[] { 0.5 },
				allAxes(layout)));
			typed.add(new Clip(0, UINT8_MAX + 0.5));
		}
		else if (!inputType.equals(FLOAT64)) throw new IllegalArgumentException(
			"no preprocessing into " + inputType);
		typed.add(new EnsureDtype(inputType));
		return typed;
	}

	static final String FLOAT32 = "float32", FLOAT64 = "float64", UINT8 = "uint8";
	private static final double UINT8_MAX = 255;

	private static List<ProcessingStep> floatSteps(Normalization n,
		ValueRange range, PixelType sampleType, TensorLayout layout,
		boolean jointChannels, List<String> notes)
	{
		List<String> all = allAxes(layout);
		if (n instanceof Normalization.Percentile p) {
			List<String> over = new ArrayList<>(all);
			over.remove("batch");
			if (!jointChannels || layout.channelAxis() < 0) over.remove(
				ProcessingStep.CHANNEL);
			List<ProcessingStep> steps = new ArrayList<>();
			steps.add(new ScaleRange("per_sample", over, p.lowPercent(), p
				.highPercent(), PackageWriter.SCALE_RANGE_EPS, null));
			if (!range.equals(ValueRange.ZERO_ONE)) steps.add(new ScaleLinear(
				new double[] { range.width() }, new double[] { range.min() }, all));
			return steps;
		}
		if (n instanceof Normalization.BitDepthRange) {
			if (!sampleType.isInteger()) throw new GanException(
				"--normalize range takes the pixel type's range, " +
					"which a 32-bit sample does not have: give range:MIN,MAX");
			notes.add(
				"normalisation range (the pixel type's): the package states the sample's range, " +
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
		return List.of(new EnsureDtype(FLOAT32));
	}

	private static List<String> allAxes(TensorLayout layout) {
		List<String> all = new ArrayList<>();
		for (char c : layout.axes().toCharArray())
			all.add(axisId(c));
		return all;
	}

	private static String axisId(char c) {
		return switch (c) {
			case 'b' -> "batch";
			case 'c' -> "channel";
			default -> String.valueOf(c);
		};
	}
}
