package org.fijigan.imagej;

import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.RunResult;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

import ij.IJ;
import ij.ImagePlus;

/**
 * A command that turns one image into a new one (super-resolution, denoising, inpainting, any
 * image-to-image model). The input image is only read; the result is a new ImagePlus in
 * {@link #output}, shown by Fiji or by {@link GanPlugIn}.
 */
public abstract class ImageCommand extends GanCommand {
	@Parameter(label = "Image")
	ImagePlus image;

	@Parameter(label = "Tile size", description = "auto, none, or the model input window in pixels")
	String tile = "auto";

	@Parameter(label = "Halo", description = "auto, or the context each tile gets on each side, in pixels")
	String halo = "auto";

	@Parameter(label = "Normalize",
		description = "percentile, percentile:LOW,HIGH, range, range:MIN,MAX, none, or auto (the model's own)")
	String normalize = "percentile";

	@Parameter(label = "Device", description = "auto, cpu, cuda, cuda:1, ...")
	String device = "auto";

	@Parameter(label = "Threads", min = "0", description = "CPU threads; 0 uses all cores")
	int threads;

	@Parameter(label = "Float output", description = "32-bit result instead of the input's bit depth")
	boolean floatOutput;

	@Parameter(type = ItemIO.OUTPUT)
	ImagePlus output;

	/** Calls the one core entry point of this task: {@link ImageToImage} unless overridden. */
	protected RunResult run(ModelDescriptor descriptor, RasterImage input, InferenceOptions options) {
		return ImageToImage.run(descriptor, input, options, progress(), cancellation());
	}

	/** What the user overrides about the model; the halo here, subclasses add more. */
	protected ModelOverrides overrides(Integer haloPixels) {
		return ModelOverrides.NONE.withHaloPixels(haloPixels);
	}

	/** Refuses a model made for another command, naming the menu entry to use instead. */
	protected void checkTask(TaskKind task) {
		if (!task.isImageToImage()) throw new GanException(model + " is " + (task == TaskKind.INPAINT
			? "an inpainting model: use Plugins>GAN>Inpaint..."
			: "a generator: use Plugins>GAN>Generate Synthetic Images..."));
	}

	@Override
	protected void execute() {
		output = null;
		if (image == null) throw new GanException("no image: open one first");
		InferenceOptions options = options();
		Double haloPixels = autoOrNumber("halo", halo);
		if (haloPixels != null && (haloPixels < 0 || haloPixels != Math.rint(haloPixels)))
			throw new GanException("halo '" + halo + "' must be auto or a whole number of pixels >= 0");
		ModelDescriptor descriptor = loadModel(overrides(haloPixels == null ? null : haloPixels
			.intValue()));
		checkTask(descriptor.task());
		RasterImage input = ImagePlusConverter.toRaster(image, IJ::log);
		RunResult result = run(descriptor, input, options);
		output = ImagePlusConverter.toImagePlus(result.image());
		logReport(descriptor.name() + " (" + descriptor.task().id() + ")", result.report());
	}

	/** The parameters as one immutable configuration. */
	InferenceOptions options() {
		return options(normalize, tile, floatOutput, device, threads);
	}

	/** Inference options from the dialog's text fields; shared with the batch command. */
	static InferenceOptions options(String normalize, String tile, boolean floatOutput, String device,
		int threads)
	{
		String n = normalize.trim().toLowerCase(Locale.ROOT);
		return InferenceOptions.defaults().withNormalization(n.equals("auto") ? null : Normalization
			.parse(n)).withTileSize(InferenceOptions.parseTileSize(tile)).withFloatOutput(floatOutput)
			.withDevice(DeviceSpec.parse(device), threads);
	}
}
