
package org.fijigan.imagej;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.pipeline.RunResult;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Fills holes with an inpainting model; the holes come from a selection, the
 * ROI Manager or a mask image.
 */
@Plugin(type = Command.class, headless = true, label = "Inpaint")
public class InpaintCommand extends ImageCommand {

	@Parameter(label = "Mask",
		description = "selection, roi manager, or the title of an open mask image (non-zero = hole)")
	String mask = InpaintMasks.SELECTION;

	@Parameter(label = "Keep pixels outside the holes",
		description = "copy the original pixels outside the holes into the result")
	boolean keep = true;

	@Override
	protected RunResult run(ModelDescriptor descriptor, RasterImage input,
		InferenceOptions options)
	{
		// a preview's mask is the real run's, cut as its pixels were: ROIs and a
		// mask image are placed on the whole image, not on the crop
		RasterImage holes = previewCrop == null ? InpaintMasks.of(image, mask)
			: InpaintMasks.cut(InpaintMasks.of(previewCrop.source(), mask),
				previewCrop);
		RunResult r = Inpainter.run(descriptor, input, holes, options
			.withCompositeInpaint(keep), progress(), cancellation());
		r.image().properties().put(Inpainter.MASK_PROPERTY, InpaintMasks.name(
			mask));
		return r;
	}

	@Override
	protected void checkTask(TaskKind task) {
		if (task != TaskKind.INPAINT) throw new GanException(model + " is a " + task
			.id() +
			" model, not an inpainting one: use it from its own Plugins>GAN entry");
	}
}
