
package org.fijigan.cli;

import org.fijigan.core.GanException;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.StageTimings;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.text.Numbers;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The model a command runs, and what the user states about it where inference
 * may be wrong.
 */
final class ModelOptions {

	@Option(names = { "-m", "--model" }, required = true, paramLabel = "MODEL",
		description = "An .onnx file, a bioimage.io rdf.yaml or .zip, or a bundled model's name.")
	String reference;

	@Option(names = "--task", paramLabel = "TASK",
		description = "What the model does, if inferred wrongly: super-resolution, denoise, " +
			"image-to-image, inpaint or generate.")
	TaskKind task;

	@Option(names = "--scale", paramLabel = "S", converter = Scale.class,
		description = "Output pixels per input pixel along x and y (default: from the model).")
	Double scale;

	@Option(names = "--halo", paramLabel = "N|auto", converter = Halo.class,
		description = "Context each tile needs on each side, in input pixels (default: auto).")
	Integer haloPixels;

	@Option(names = "--range", paramLabel = "MIN,MAX",
		description = "Value range the model takes and gives, e.g. -1,1 (default: from the model). " +
			"Replaces a package's own pre- and postprocessing: the image is normalised into this range and the output mapped back.")
	ValueRange range;

	@Option(names = "--residual", negatable = true,
		description = "The model outputs the noise: result = input - output; --no-residual: " +
			"the output is the result, whatever the model's metadata or output name say (default: from the model).")
	Boolean residual;

	/**
	 * The model's file or folder as an input that no output may be, when it names
	 * one.
	 */
	FileIdentity.Input asInput() {
		return new FileIdentity.Input("model", java.nio.file.Path.of(reference));
	}

	ModelOverrides overrides(Double maskHoleValue) {
		return ModelOverrides.NONE.withTask(task).withScale(scale).withHaloPixels(
			haloPixels).withRange(range).withOutputTransform(residual == null ? null
				: residual ? OutputTransform.SUBTRACT_FROM_INPUT
					: OutputTransform.DIRECT).withMaskHoleValue(maskHoleValue)
			.withResidualOption("--residual or --no-residual");
	}

	/**
	 * Loads the model for a command that runs {@code expected}. A generic
	 * image-to-image model runs as the command says; a model of the other
	 * image-to-image task (unless --task says how to run it), or of another kind,
	 * gets an error naming the command that runs it.
	 *
	 * @param expected the command's task, or null to take any image-to-image or
	 *          inpainting model
	 */
	ModelDescriptor load(TaskKind expected, Double maskHoleValue,
		StageTimings timings)
	{
		InputFile.refuseSpecial(java.nio.file.Path.of(reference), "model");
		ModelDescriptor d = ModelLoader.load(reference, overrides(maskHoleValue)
			.withCommandTask(expected), timings);
		return checkTask(d, expected, task != null);
	}

	static ModelDescriptor checkTask(ModelDescriptor d, TaskKind expected,
		boolean taskWasGiven)
	{
		TaskKind actual = d.task();
		if (expected == null && actual != TaskKind.GENERATE) return d;
		if (actual == expected) return d;
		if (expected != null && expected.isImageToImage() && actual
			.isImageToImage())
		{
			// a generic model was described as the command's task (load passes it)
			if (taskWasGiven || actual == TaskKind.IMAGE_TO_IMAGE) return d;
			// a denoiser in super-resolution gives a denoised image, not an enlarged
			// one: refused as Fiji's menu entries refuse it. --task is no way out for
			// a model that changes the size into a task that keeps it (refused then)
			throw new GanException(d.name() + " is a " + actual.id() +
				" model (scale " + Numbers.significant(d.scale(), 4) +
				"): run it with 'fiji-gan " + commandFor(actual) + "'" + (expected
					.keepsSize() && d.scale() != 1 ? "" : ", or pass --task " + expected
						.id() + " if it should run as a " + expected.id() + " model"));
		}
		throw new GanException(d.name() + " is a" + (actual == TaskKind.INPAINT
			? "n " : " ") + actual.id() + " model: run it with 'fiji-gan " +
			commandFor(actual) + "', or pass --task if that is wrong");
	}

	static String commandFor(TaskKind task) {
		return task == TaskKind.IMAGE_TO_IMAGE ? "run" : task.id();
	}

	/**
	 * {@code auto} (null: the model's or the probed halo) or a number of pixels
	 * {@code >= 0}.
	 */
	static final class Halo implements ITypeConverter<Integer> {

		@Override
		public Integer convert(String text) {
			if (text.trim().equalsIgnoreCase("auto")) return null;
			try {
				int n = Integer.parseInt(text.trim());
				if (n >= 0 && n <= ModelOverrides.MAX_HALO) return n;
			}
			catch (NumberFormatException e) {
				// below
			}
			throw new TypeConversionException("halo '" + text +
				"' must be auto or a number of pixels " + "from 0 to " +
				ModelOverrides.MAX_HALO);
		}
	}

	/**
	 * A scale within the bounds a model's own scale has
	 * ({@link ModelOverrides#checkScale}): checked as the command line is read,
	 * so that a scale beyond them is a usage error (exit 2) like the other
	 * bounded numbers (--halo, --threads, --range).
	 */
	static final class Scale implements ITypeConverter<Double> {

		@Override
		public Double convert(String text) throws Exception {
			double v = new PositiveNumber().convert(text);
			return Main.converter(t -> {
				ModelOverrides.checkScale(v, "--scale " + v, "");
				return v;
			}).convert(text);
		}
	}

	/**
	 * A mask hole value within the bounds a model's own has
	 * ({@link ModelOverrides#checkMaskHole}), checked as the command line is read
	 * as {@link Scale} is.
	 */
	static final class MaskHole implements ITypeConverter<Double> {

		@Override
		public Double convert(String text) throws Exception {
			double v = new FiniteNumber().convert(text);
			return Main.converter(t -> {
				ModelOverrides.checkMaskHole(v, "--mask-hole " + v, "");
				return v;
			}).convert(text);
		}
	}

	static final class FiniteNumber implements ITypeConverter<Double> {

		@Override
		public Double convert(String text) {
			try {
				double v = Double.parseDouble(text.trim());
				if (Double.isFinite(v)) return v;
			}
			catch (NumberFormatException e) {
				// below
			}
			throw new TypeConversionException("'" + text +
				"' is not a finite number");
		}
	}

	static final class PositiveNumber implements ITypeConverter<Double> {

		@Override
		public Double convert(String text) {
			try {
				double v = Double.parseDouble(text.trim());
				if (v > 0 && Double.isFinite(v)) return v;
			}
			catch (NumberFormatException e) {
				// below
			}
			throw new TypeConversionException("'" + text +
				"' is not a positive number");
		}
	}
}
