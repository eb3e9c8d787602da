
package org.fijigan.core.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;

/**
 * Runs an image-to-image or inpainting model through the ordinary pipeline,
 * untiled, and keeps the tensors of its first model run: exactly what ONNX
 * Runtime was fed (after fiji-gan's value mapping, hole zeroing and any
 * padding) and what it gave back. A model package's test tensors come from
 * here, so that re-running them reproduces what fiji-gan itself does.
 */
public final class TensorRecorder {

	/**
	 * One model run.
	 *
	 * @param inputs the tensors fed, by input name, in feeding order (image
	 *          first, then the mask)
	 * @param outputName the output read
	 * @param output what the model returned for it
	 */
	public record Recording(Map<String, Tensor> inputs, String outputName,
			Tensor output) {

		public Recording {
			inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
				inputs));
		}
	}

	private TensorRecorder() {}

	/**
	 * Runs {@code model} on {@code image} (and {@code mask} for inpainting) with
	 * {@code options}, as one window per plane, and returns the first run. Give
	 * an image of one plane and the channels one run takes, or the recording
	 * holds the first plane and channel group only.
	 *
	 * @param options tiling is ignored (always untiled); the rest is used as
	 *          given
	 */
	public static Recording record(ModelDescriptor model, RasterImage image,
		RasterImage mask, InferenceOptions options, CancellationToken cancel)
	{
		if (!model.task().isImageToImage() && model.task() != TaskKind.INPAINT)
			throw new GanException("model '" + model.name() + "' is a " + model.task()
				.id() + " model, not an image model");
		if (model.task() == TaskKind.INPAINT && mask == null)
			throw new GanException(
				"an inpainting model needs a mask to record a run");
		Recording[] first = { null };
		PlaneRunner.TileRun recording = (session, feeds, output, c) -> {
			Tensor out = PlaneRunner.ORT.run(session, feeds, output, c);
			if (first[0] == null) first[0] = new Recording(feeds, output, out);
			return out;
		};
		ImageToImage.execute(model, image, model.task() == TaskKind.INPAINT ? mask
			: null, options.withTileSize(InferenceOptions.NO_TILING), null, cancel,
			recording);
		if (first[0] == null) throw new IllegalStateException(
			"the pipeline ran no model");
		return first[0];
	}
}
