
package org.fijigan.imagej;

import java.io.File;
import java.util.Arrays;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.StageTimings;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ClassFile;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.NonFinite;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.ij1.ImagePlusConverter;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.ImagePlus;

/**
 * Draws a stack of synthetic images from a generator model. Every image carries
 * its provenance (model, seed, class, the word SYNTHETIC) in its properties and
 * slice label.
 */
@Plugin(type = Command.class, headless = true,
	label = "Generate Synthetic Images")
public class GenerateCommand extends GanCommand {

	@Parameter(label = "Count", min = "1", description = "number of images")
	int count = 16;

	@Parameter(label = "Seed",
		description = "image i uses seed + i, so every image can be redrawn alone (equal up to rounding)")
	long seed;

	@Parameter(label = "Class", required = false,
		description = "none, a class number or name (conditional models), or an .npy file of one label per image")
	String classes = "none";

	@Parameter(label = "Latent vectors", required = false,
		style = FileWidget.OPEN_STYLE,
		description = "optional .npy file of [count, latent size] float32 vectors instead of random ones")
	File latent;

	@Parameter(label = "Device",
		description = "auto, cpu, cuda, cuda:1, cuda:strict (never the CPU), ...")
	String device = "auto";

	@Parameter(label = "Threads", min = "0",
		description = "CPU threads; 0 uses all cores")
	int threads;

	@Parameter(label = "Float output",
		description = "32-bit images in the model's range instead of 8-bit")
	boolean floatOutput;

	@Parameter(label = "Nonfinite outputs", choices = { "fail", "zero", "clip" },
		description = "what NaN and infinite generator outputs become in 8-bit images (float output keeps them)")
	String nonfinite = "fail";

	@Parameter(label = "Timings",
		description = "write where the time went, stage by stage, to the Log")
	boolean timings;

	@Parameter(type = ItemIO.OUTPUT)
	ImagePlus output;

	@Override
	protected void execute() {
		output = null;
		DeviceSpec deviceSpec = DeviceSpec.parse(device);
		ModelDescriptor descriptor = loadModel(ModelOverrides.NONE);
		if (descriptor.task() != TaskKind.GENERATE || !(descriptor
			.kind() instanceof ModelKind.Generator)) throw new GanException(model +
				" is a " + descriptor.task().id() +
				" model, not a generator: use it from its own Plugins>GAN entry");
		String c = classes == null ? "" : classes.trim();
		Integer classLabel = null;
		long[] classLabels = null;
		if (c.toLowerCase(Locale.ROOT).endsWith(".npy")) classLabels = ClassFile
			.read(new File(c).toPath());
		else if (!c.isEmpty() && !c.equalsIgnoreCase("none")) classLabel =
			classLabel(descriptor.generator(), c);
		GenerateOptions options = new GenerateOptions(count, seed, classLabel,
			classLabels, latent == null ? null : readLatents(latent), floatOutput,
			deviceSpec, threads, NonFinite.parse(nonfinite));
		RunResult result = Generator.run(descriptor, options, progress(),
			cancellation());
		output = stages.time(StageTimings.Stage.CONVERSION, () -> ImagePlusConverter
			.toImagePlus(result.image()));
		logReport(descriptor.name() + " (" + count + " synthetic images)", result
			.report());
		logTimings(timings, result.report().timings());
	}

	/**
	 * A class given by name (ignoring case, looked up first, as class folders
	 * are) or number.
	 */
	static int classLabel(GeneratorSpec generator, String text) {
		if (!generator.isConditional()) throw new GanException(
			"this generator takes no class; set class to none");
		int label = generator.labelOfName(text);
		if (label < 0) try {
			label = Integer.parseInt(text);
		}
		catch (NumberFormatException e) {
			throw new GanException("class '" + text +
				"' is neither a number nor one of " + generator.classNames());
		}
		return label; // the range is checked by the generator
	}

	/** Rows of an [N, d] (or [N, d, 1, 1]) array. */
	static float[][] readLatents(File file) {
		InputFile.requireRegular(file.toPath(), "latent file");
		NpyArray a = Npy.read(file.toPath());
		long[] shape = a.shape();
		if (shape.length < 2 || shape[0] < 1) throw new GanException(file +
			" has shape " + Arrays.toString(shape) +
			"; latent vectors are [N, latent size]");
		float[] flat = a.toFloatArray();
		int n = (int) shape[0], d = flat.length / n;
		float[][] rows = new float[n][];
		for (int i = 0; i < n; i++)
			rows[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
		return rows;
	}
}
