
package org.fijigan.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.text.Numbers;
import org.fijigan.core.text.Printable;
import org.fijigan.core.engine.ExecutionProvider;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.ProviderCoverage;
import org.fijigan.core.model.bioimage.ProcessingStep;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The text {@code info} prints about a model: what it is, what it takes, and
 * where each choice came from.
 */
final class ModelReport {

	private ModelReport() {}

	/**
	 * Multi-line human-readable description for {@code info}.
	 *
	 * @param loadFailure why ONNX Runtime cannot load the model, or null
	 * @param normalizationProblem why the normalisation the model records is
	 *          none, or null
	 */
	static String describe(ModelDescriptor d, String loadFailure,
		String normalizationProblem)
	{
		StringBuilder sb = new StringBuilder();
		OnnxGraphInfo g = d.graph();
		line(sb, "model", d.name());
		line(sb, "file", d.onnxFile().toString());
		line(sb, "sha256", d.sha256() + (g == null || g.externalDataLocations()
			.isEmpty() ? "" : " (of " + d.onnxFile().getFileName() +
				" followed by its external data " + String.join(", ", g
					.externalDataLocations()) + ")"));
		line(sb, "task", d.task().id() + origin(d, "task"));
		if (g != null) {
			line(sb, "opset", g.opsetImports().entrySet().stream().map(e -> (e
				.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
				.reduce((a, b) -> a + ", " + b).orElse("?"));
			line(sb, "producer", g.producer().isEmpty() ? "?" : g.producer());
			line(sb, "parameters", String.format(Locale.ROOT, "%,d", g
				.parameterCount()));
			for (ValueInfo v : g.inputs())
				line(sb, "input", v.name() + " " + v.elementTypeName() + " " + v
					.shapeString());
			for (ValueInfo v : g.outputs())
				line(sb, "output", v.name() + " " + v.elementTypeName() + " " + v
					.shapeString());
		}
		if (!(d.kind() instanceof ModelKind.Generator)) {
			ImageInput in = d.image();
			line(sb, "image input", in.name() + ", axes " + in.layout() + ", " + (in
				.channels() == 0 ? "any" : in.channels()) + " channel(s), width " + in
					.x() + ", height " + in.y() + origin(d, "size") + ", batch " + (in
						.maxBatch() == Integer.MAX_VALUE ? "dynamic" : in.maxBatch()));
			line(sb, "scale", Numbers.significant(d.scale(), 4) + origin(d, "scale"));
			line(sb, "halo", d.haloPixels() + " px" + origin(d, "halo"));
			line(sb, "tiling", tiling(d));
		}
		if (d.kind() instanceof ModelKind.Inpainting k) line(sb, "mask", (k.mask()
			.isExtraChannel() ? "last channel of the image" : "input '" + k.mask()
				.inputName() + "'") + ", hole = " + Numbers.significant(k.mask()
					.holeValue(), 4) + origin(d, "mask"));
		if (d.kind() instanceof ModelKind.Generator k) {
			GeneratorSpec gs = k.spec();
			line(sb, "latent", gs.latentInput() + ", " + gs.latentDim() +
				" values, standard normal");
			line(sb, "classes", !gs.isConditional() ? "none (unconditional)" : gs
				.classInput() + ", " + (gs.classCount() > 0 ? gs.classCount()
					: "unknown number of") + " classes" + (gs.oneHotClass() ? ", one-hot"
						: "") + (gs.classNames().isEmpty() ? "" : " " + gs.classNames()));
			line(sb, "image output", d.outputName() + ", axes " + (d
				.outputLayoutAtRunTime() ? "decided at run time from the shape of " +
					"the samples (its declared shape leaves them open): byxc when the " +
					"last axis is 1, 3 or 4 and the second is larger, else bcyx" : d
						.outputLayout() + ", " + (d.outputChannels() > 0 ? d
							.outputChannels() : "any") + " channel(s)"));
		}
		line(sb, "value range", "in " + d.inputRange() + ", out " + d
			.outputRange() + origin(d, "range"));
		String normalization = g == null ? null : g.metadata().get(
			ModelLoader.META_NORMALIZATION);
		if (normalizationProblem != null) line(sb, "normalization", "NOT USABLE: " +
			normalizationProblem);
		else if (normalization != null && d.outputInInputUnits() && d
			.preprocessing().isEmpty()) line(sb, "normalization", normalization +
				" by default, as it was fine-tuned (metadata)");
		if (d.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT) line(sb,
			"output", "noise/residual: result = input - output" + origin(d,
				"output"));
		if (!d.preprocessing().isEmpty()) line(sb, "preprocessing", steps(d
			.preprocessing()));
		if (!d.postprocessing().isEmpty()) line(sb, "postprocessing", steps(d
			.postprocessing()));
		if (!d.outputInInputUnits()) line(sb, "result",
			"the postprocessed model output, in float (bioimage.io)");
		if (g != null) {
			line(sb, "operators", g.opCounts().toString());
			ReceptiveField rf = d.kind() instanceof ModelKind.Generator ? g
				.receptiveField() : g.tiling(d.image().name(), d.image().layout())
					.receptiveField();
			if (!rf.notes().isEmpty()) line(sb, "graph notes", String.join("; ", rf
				.notes()));
		}
		line(sb, "loads", loadFailure == null ? "yes, in ONNX Runtime on the CPU"
			: "NO: " + loadFailure);
		line(sb, "providers", "this build can run: " + ModelSession
			.availableProviders().stream().map(p -> p.id()).reduce((a, b) -> a +
				", " + b).orElse("cpu"));
		ModelProto model = readModel(d);
		for (ExecutionProvider p : ProviderCoverage.reported())
			line(sb, "cpu fallback", p.id() + ": " + (model == null
				? "unknown (the model file could not be read again)" : ProviderCoverage
					.describe(ProviderCoverage.missing(model, p))));
		return sb.toString();
	}

	/**
	 * The model file again, for the provider-coverage lines:
	 * {@link OnnxGraphInfo} keeps no initializers, whose element types the check
	 * reads. Null when it cannot be read.
	 */
	private static ModelProto readModel(ModelDescriptor d) {
		try {
			return ModelProto.parseFrom(Files.readAllBytes(d.onnxFile()));
		}
		catch (IOException | RuntimeException e) {
			return null;
		}
	}

	/** Whether tiles give the whole-image result, and if not, why. */
	private static String tiling(ModelDescriptor d) {
		if (!d.isTileable()) return "not exact, runs untiled when memory allows: " +
			String.join("; ", d.wholeImageOps());
		int reach = d.reachBeyondHalo();
		if (reach > 0) return "every operation sees only its " +
			"window, but the halo (" + d.haloPixels() +
			" px) is smaller than the receptive field (" + reach +
			" px): tiles may differ from a whole-image run near their edges";
		return "exact (every operation sees only its window)";
	}

	private static String origin(ModelDescriptor d, String key) {
		String o = d.origins().get(key);
		return o == null ? "" : " (" + o + ")";
	}

	/**
	 * One line: {@code value}, which holds text from the model (names, metadata),
	 * with its control characters escaped, so that it can neither break the line
	 * nor reach the terminal as an escape sequence.
	 */
	private static void line(StringBuilder sb, String key, String value) {
		sb.append(String.format(Locale.ROOT, "%-14s %s%n", key + ":", Printable.of(
			value)));
	}

	private static String steps(List<ProcessingStep> steps) {
		return String.join(", ", steps.stream().map(ProcessingStep::describe)
			.toList());
	}
}
