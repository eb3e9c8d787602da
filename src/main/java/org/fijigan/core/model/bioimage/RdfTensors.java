
package org.fijigan.core.model.bioimage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.model.bioimage.Axis.SizeReference;
import org.fijigan.core.model.bioimage.ProcessingStep.*;

/**
 * The tensors of a bioimage.io descriptor, format 0.4 or 0.5: their axes (with
 * fixed, parameterised or referenced sizes, scales and halos) and their pre- or
 * postprocessing steps.
 */
final class RdfTensors {

	private RdfTensors() {}

	static TensorDescription tensor(YamlNode t, boolean v05, boolean output,
		Map<String, TensorDescription> inputs, Map<String, Double> axisScales)
	{
		String id = t.get(v05 ? "id" : "name").requireString();
		List<Axis> axes = v05 ? axes05(t, axisScales) : axes04(t, inputs);
		String dataType;
		if (v05) {
			YamlNode data = t.get("data");
			dataType = (data.value() instanceof List<?> l && !l.isEmpty() ? data
				.list().get(0) : data).get("type").string("float32");
		}
		else dataType = t.get("data_type").string("float32");
		List<ProcessingStep> steps = new ArrayList<>();
		for (YamlNode s : t.get(output ? "postprocessing" : "preprocessing").list())
			steps.add(s.build(() -> step(s, v05, output, axes)));
		return t.build(() -> new TensorDescription(id, dataType, axes, steps));
	}

	private static List<Axis> axes04(YamlNode t,
		Map<String, TensorDescription> inputs)
	{
		YamlNode axesNode = t.get("axes");
		String letters = axesNode.requireString();
		int n = letters.length();
		YamlNode shape = t.get("shape");
		YamlNode haloNode = t.get("halo");
		int[] halo = haloNode.isMissing() ? new int[n] : haloNode.ints(n, letters,
			Axis.MAX_HALO, Axis.HALO_LIMIT);
		String refTensor = shape.value() instanceof Map ? shape.get(
			"reference_tensor").string() : null;
		TensorDescription ref = refTensor == null ? null : inputs.get(refTensor);
		if (refTensor != null && ref == null) throw shape.error("refers to " +
			refTensor + ", which is not an input");
		int[] fixed = shape.value() instanceof List ? shape.ints(n, letters,
			Axis.MAX_SIZE, Axis.SIZE_LIMIT) : null;
		int[] min = fixed == null && ref == null ? shape.get("min").ints(n, letters,
			Axis.MAX_SIZE, Axis.SIZE_LIMIT) : null;
		int[] step = min == null ? null : shape.get("step").ints(n, letters,
			Axis.MAX_SIZE, Axis.SIZE_LIMIT);
		List<YamlNode> scale = ref == null ? null : shape.get("scale").list();
		double[] offset = ref == null ? null : shape.get("offset").isMissing()
			? new double[n] : shape.get("offset").numbers(0);
		if (ref != null && (scale.size() != n || offset.length != n)) throw shape
			.error("should give one scale and one offset per axis of '" + letters +
				"'");
		List<Axis> axes = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			String id = String.valueOf(letters.charAt(i));
			Axis.Type type = switch (letters.charAt(i)) {
				case 'b' -> Axis.Type.BATCH;
				case 'c' -> Axis.Type.CHANNEL;
				case 'x', 'y', 'z' -> Axis.Type.SPACE;
				case 't' -> Axis.Type.TIME;
				case 'i' -> Axis.Type.INDEX;
				default -> throw axesNode.error("has unknown axis '" + id +
					"' (known: b, c, x, y, z, t, i)");
			};
			Integer size = fixed == null ? null : fixed[i], mn = null, st = null;
			SizeReference reference = null;
			if (min != null && step[i] == 0) size = min[i];
			else if (min != null) {
				mn = min[i];
				st = step[i];
			}
			if (ref != null) {
				double doubledOffset = 2 * offset[i];
				if (doubledOffset != Math.rint(doubledOffset)) throw shape.error(
					"offset " + offset[i] + " is not a multiple of 0.5");
				Double factor = scale.get(i).number();
				if (factor == null || factor == 0) size = doubledOffset > 0
					? (int) doubledOffset : null; // 0.4: scale 0 gives 2 * offset
				else reference = new SizeReference(ref.id(), i < ref.axes().size() ? ref
					.axes().get(i).id() : id, factor, (int) doubledOffset);
			}
			Integer fixedSize = size, minSize = mn, stepSize = st;
			SizeReference sizeReference = reference;
			int haloPixels = halo[i];
			axes.add(t.build(() -> new Axis(type, id, fixedSize, minSize, stepSize,
				sizeReference, 1.0, haloPixels, List.of())));
		}
		return axes;
	}

	private static List<Axis> axes05(YamlNode t, Map<String, Double> axisScales) {
		List<Axis> axes = new ArrayList<>();
		for (YamlNode a : t.get("axes").list()) {
			Axis.Type type = type05(a);
			String id = a.get("id").string(defaultId(type));
			List<String> channelNames = a.get("channel_names").strings();
			double scale = type == Axis.Type.SPACE || type == Axis.Type.TIME ? a.get(
				"scale").number(1.0) : 1.0;
			YamlNode s = a.get("size");
			Integer size = null, min = null, step = null;
			SizeReference reference = null;
			if (s.value() instanceof Map && !s.get("tensor_id").isMissing()) {
				String tensorId = s.get("tensor_id").requireString(), axisId = s.get(
					"axis_id").requireString();
				Double refScale = axisScales.get(tensorId + "/" + axisId);
				if (refScale == null) throw s.error("refers to axis " + axisId +
					" of " + tensorId + ", which does not exist");
				reference = new SizeReference(tensorId, axisId, refScale / scale, s.get(
					"offset").integer(0, Axis.MAX_SIZE, Axis.SIZE_LIMIT));
			}
			else if (s.value() instanceof Map && !s.get("step").isMissing()) {
				min = s.get("min").requireInteger(Axis.MAX_SIZE, Axis.SIZE_LIMIT);
				step = s.get("step").requireInteger(Axis.MAX_SIZE, Axis.SIZE_LIMIT);
				// 0.5 takes sizes min + n*step, n = 0, 1, 2, ..., with step > 0; a
				// fixed size is given as size: N (a 0.4 shape's step 0 is a fixed
				// size, read above)
				if (step <= 0) throw s.get("step").error("is " + step +
					", but bioimage.io 0.5 wants a step of at least 1 (sizes min + " +
					"n*step); for a fixed size give size: " + min);
			}
			else if (!(s.value() instanceof Map)) size = s.isMissing() ? null : s
				.integer(0, Axis.MAX_SIZE, Axis.SIZE_LIMIT);
			if (size == null && type == Axis.Type.CHANNEL && !channelNames.isEmpty())
				size = channelNames.size();
			Integer fixedSize = size, minSize = min, stepSize = step;
			SizeReference sizeReference = reference;
			int halo = a.get("halo").integer(0, Axis.MAX_HALO, Axis.HALO_LIMIT);
			axes.add(a.build(() -> new Axis(type, id, fixedSize, minSize, stepSize,
				sizeReference, scale, halo, channelNames)));
		}
		return axes;
	}

	/**
	 * The 0.5 scale of every axis of every tensor, keyed "tensor/axis", so size
	 * references can turn scales into a size factor.
	 */
	static Map<String, Double> axisScales(YamlNode doc) {
		Map<String, Double> scales = new HashMap<>();
		for (String side : List.of("inputs", "outputs"))
			for (YamlNode t : doc.get(side).list())
				for (YamlNode a : t.get("axes").list()) {
					Axis.Type type = type05(a);
					double scale = type == Axis.Type.SPACE || type == Axis.Type.TIME ? a
						.get("scale").number(1.0) : 1.0;
					scales.put(t.get("id").requireString() + "/" + a.get("id").string(
						defaultId(type)), scale);
				}
		return scales;
	}

	private static Axis.Type type05(YamlNode a) {
		String type = a.get("type").requireString();
		try {
			return Axis.Type.valueOf(type.toUpperCase(java.util.Locale.ROOT));
		}
		catch (IllegalArgumentException e) {
			throw a.get("type").error("'" + type +
				"' is not one of batch, channel, space, time, index");
		}
	}

	private static String defaultId(Axis.Type type) {
		return type == Axis.Type.SPACE ? "x" : type.name().toLowerCase(
			java.util.Locale.ROOT);
	}

	/**
	 * One step, its axes named by role ({@link ProcessingStep#BATCH},
	 * {@link ProcessingStep#CHANNEL}, space ids) and its statistics mode made
	 * explicit: the 0.4 {@code mode}, or for 0.5 {@code per_dataset} when
	 * {@code axes} include the batch axis or are left out (all axes), as
	 * bioimageio.core reads them.
	 */
	private static ProcessingStep step(YamlNode s, boolean v05, boolean output,
		List<Axis> tensorAxes)
	{
		String name = s.get(v05 ? "id" : "name").requireString();
		YamlNode kw = s.get("kwargs");
		List<String> roles = tensorAxes.stream().map(RdfTensors::role).toList();
		List<String> nonBatch = roles.stream().filter(r -> !r.equals(
			ProcessingStep.BATCH)).toList();
		String along = kw.get("axis").isMissing() ? null : axisRole(kw.get("axis"),
			kw.get("axis").requireString(), tensorAxes);
		List<String> given = axesArgument(kw, tensorAxes);
		List<String> joint = along != null ? nonBatch.stream().filter(r -> !r
			.equals(along)).toList() : given == null ? nonBatch : given.stream()
				.filter(r -> !r.equals(ProcessingStep.BATCH)).toList();
		String statsMode = v05 ? (given == null || given.contains(
			ProcessingStep.BATCH) ? ProcessingStep.PER_DATASET
				: ProcessingStep.PER_SAMPLE) : kw.get("mode").string(
					ProcessingStep.PER_SAMPLE);
		// every number a step takes must be finite: a NaN or infinite gain, bound
		// or
		// eps would turn the whole image into NaN, and the run would blame the
		// model
		double eps = kw.get("eps").finiteNumber(1e-6);
		return switch (name) {
			case "scale_range" -> new ScaleRange(statsMode, joint, kw.get(
				"min_percentile").finiteNumber(0), kw.get("max_percentile")
					.finiteNumber(100), eps, kw.get("reference_tensor").string());
			case "zero_mean_unit_variance" -> {
				String mode = v05 ? statsMode : kw.get("mode").string(
					ProcessingStep.FIXED);
				boolean fixed = mode.equals(ProcessingStep.FIXED);
				yield new ZeroMeanUnitVariance(mode, joint, fixed ? kw.get("mean")
					.finiteNumbers(0) : null, fixed ? kw.get("std").finiteNumbers(1)
						: null, eps);
			}
			case "fixed_zero_mean_unit_variance" -> new ZeroMeanUnitVariance(
				ProcessingStep.FIXED, joint, kw.get("mean").finiteNumbers(0), kw.get(
					"std").finiteNumbers(1), eps);
			case "scale_linear" -> {
				YamlNode gainNode = kw.get("gain");
				double[] gain = gainNode.finiteNumbers(1);
				if (!output && java.util.Arrays.stream(gain).anyMatch(g -> g == 0))
					throw gainNode.error("is " + gainNode.value() +
						": a preprocessing gain of 0 erases the image (every pixel " +
						"becomes the offset) before the model sees it");
				yield new ScaleLinear(gain, kw.get("offset").finiteNumbers(0), joint);
			}
			case "clip" -> {
				double minP = kw.get("min_percentile").finiteNumber(Double.NaN), maxP =
					kw.get("max_percentile").finiteNumber(Double.NaN);
				double min = kw.get("min").finiteNumber(Double.isNaN(minP)
					? Double.NEGATIVE_INFINITY : Double.NaN);
				double max = kw.get("max").finiteNumber(Double.isNaN(maxP)
					? Double.POSITIVE_INFINITY : Double.NaN);
				yield Double.isNaN(minP) && Double.isNaN(maxP) ? new Clip(min, max)
					: new Clip(min, max, minP, maxP, statsMode, joint);
			}
			case "sigmoid" -> new Sigmoid();
			case "softmax" -> new Softmax(along != null ? along
				: ProcessingStep.CHANNEL);
			case "binarize" -> new Binarize(java.util.Arrays.stream(kw.get(
				"threshold").finiteNumbersRequired()).boxed().toList(), along);
			case "scale_mean_variance" -> new ScaleMeanVariance(statsMode, kw.get(
				"reference_tensor").requireString(), joint, eps);
			case "ensure_dtype" -> new EnsureDtype(kw.get("dtype").requireString());
			default -> new Unsupported(name);
		};
	}

	/**
	 * An axis's role: {@link ProcessingStep#BATCH},
	 * {@link ProcessingStep#CHANNEL}, or its own id.
	 */
	private static String role(Axis a) {
		return switch (a.type()) {
			case BATCH -> ProcessingStep.BATCH;
			case CHANNEL -> ProcessingStep.CHANNEL;
			default -> a.id();
		};
	}

	private static String axisRole(YamlNode node, String id,
		List<Axis> tensorAxes)
	{
		for (Axis a : tensorAxes)
			if (a.id().equals(id)) return role(a);
		throw node.error("names '" + id +
			"', which is not one of this tensor's axes " + tensorAxes.stream().map(
				Axis::id).toList());
	}

	/**
	 * The axes a step processes jointly, by role: a 0.4 letter string ("xy"), a
	 * 0.5 list, or null when not given.
	 */
	private static List<String> axesArgument(YamlNode kw, List<Axis> tensorAxes) {
		YamlNode node = kw.get("axes");
		if (node.isMissing()) return null;
		List<String> ids = node.value() instanceof String letters ? letters.chars()
			.mapToObj(c -> String.valueOf((char) c)).toList() : node.strings();
		return ids.stream().map(id -> axisRole(node, id, tensorAxes)).toList();
	}
}
