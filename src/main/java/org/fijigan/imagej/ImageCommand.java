
package org.fijigan.imagej;

import org.fijigan.core.GanException;
import org.fijigan.core.StageTimings;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.ij1.ImagePlusConverter;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

import ij.IJ;
import ij.ImagePlus;

/**
 * A command that turns one image into a new one (super-resolution, denoising,
 * inpainting, any image-to-image model). The input image is only read; the
 * result is a new ImagePlus in {@link #output}, shown by Fiji or by
 * {@link GanPlugIn}.
 */
public abstract class ImageCommand extends InferenceCommand {

	@Parameter(label = "Image")
	ImagePlus image;

	@Parameter(type = ItemIO.OUTPUT)
	ImagePlus output;

	/**
	 * Set by the dialog's preview: {@link #image} is this crop of a larger image.
	 * Null in a real run.
	 */
	Preview.Crop previewCrop;

	/**
	 * Calls the one core entry point of this task: {@link ImageToImage} unless
	 * overridden.
	 */
	protected RunResult run(ModelDescriptor descriptor, RasterImage input,
		InferenceOptions options)
	{
		return ImageToImage.run(descriptor, input, options, progress(),
			cancellation());
	}

	/**
	 * What the user overrides about the model; the halo here, subclasses add
	 * more.
	 */
	protected ModelOverrides overrides(Integer haloPixels) {
		return ModelOverrides.NONE.withHaloPixels(haloPixels);
	}

	/**
	 * The task of this menu entry, or null where any image-to-image model runs.
	 */
	protected TaskKind menuTask() {
		return null;
	}

	/**
	 * Refuses a model made for another command, naming the menu entry to use
	 * instead: an inpainting model or a generator, and a model of the other
	 * image-to-image task than {@link #menuTask()} (a denoiser in
	 * Super-Resolution gave a denoised image, not an enlarged one). A generic
	 * image-to-image model runs from any of them.
	 */
	protected void checkTask(TaskKind task) {
		if (!task.isImageToImage()) throw new GanException(model + " is " +
			(task == TaskKind.INPAINT
				? "an inpainting model: use Plugins>GAN>Inpaint..."
				: "a generator: use Plugins>GAN>Generate Synthetic Images..."));
		TaskKind menu = menuTask();
		// a super-resolution model cannot run as a denoiser, which keeps the size
		if (menu != null && task != menu && task != TaskKind.IMAGE_TO_IMAGE)
			throw new GanException(model + " is a " + task.id() +
				" model: use Plugins>GAN>" + menuEntry(task) + (menu.keepsSize() &&
					task == TaskKind.SUPER_RESOLUTION ? ""
						: ", or Run ONNX Model... with Task " + menu.id() +
							" if it should run as a " + menu.id() + " model"));
	}

	private static String menuEntry(TaskKind task) {
		return task == TaskKind.SUPER_RESOLUTION ? "Super-Resolution..."
			: "Denoise...";
	}

	@Override
	protected void execute() {
		output = null;
		if (image == null) throw new GanException("no image: open one first");
		InferenceOptions options = options();
		ModelDescriptor descriptor = loadModel(overrides(haloPixels())
			.withCommandTask(menuTask()));
		checkTask(descriptor.task());
		RasterImage input = stages.time(StageTimings.Stage.CONVERSION,
			() -> ImagePlusConverter.toRaster(image, IJ::log));
		RunResult result = run(descriptor, input, options);
		output = stages.time(StageTimings.Stage.CONVERSION, () -> ImagePlusConverter
			.toImagePlus(result.image()));
		logReport(descriptor.name() + " (" + descriptor.task().id() + ")", result
			.report());
		logTimings(timings, result.report().timings());
	}
}
