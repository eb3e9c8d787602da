package org.fijigan.core.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.fijigan.core.model.bioimage.ProcessingStep;

/**
 * Everything the engine needs to run one model, whether it was read from a bioimage.io descriptor,
 * from the ONNX graph and its {@code metadata_props}, or inferred by probing. Immutable; build a
 * changed copy with {@link ModelOverrides#applyTo}.
 *
 * @param name short display name
 * @param onnxFile the ONNX weights
 * @param sha256 SHA-256 of the ONNX file, lower-case hex
 * @param task what the model does
 * @param image image input (null for a generator)
 * @param mask how an inpainting model takes its mask (null otherwise)
 * @param generator latent and class inputs of a generator (null otherwise)
 * @param outputName the output that holds the image
 * @param outputLayout axis meaning of that output
 * @param outputChannels channels of the output (-1 when dynamic, e.g. equal to the input's)
 * @param scale output pixels per input pixel along x and y (1 unless super-resolution)
 * @param haloPixels context each tile needs on each side, in input pixels
 * @param inputRange the range a normalised image is mapped to before the run
 * @param outputRange the range the model's output is read from
 * @param outputTransform how the output becomes the result
 * @param preprocessing bioimage.io preprocessing of the image input (empty: use the user's
 *          normalisation)
 * @param postprocessing bioimage.io postprocessing of the output
 * @param wholeImageOps operations that see the whole image (tiling would change the result)
 * @param origins where each choice came from, e.g. {@code scale -> "probed"} or
 *          {@code task -> "rdf.yaml"}; shown by {@code info}
 * @param graph the graph analysis, for {@code info}
 */
public record ModelDescriptor(String name, Path onnxFile, String sha256, TaskKind task,
	ImageInput image, MaskSpec mask, GeneratorSpec generator, String outputName,
	TensorLayout outputLayout, int outputChannels, double scale, int haloPixels,
	ValueRange inputRange, ValueRange outputRange, OutputTransform outputTransform,
	List<ProcessingStep> preprocessing, List<ProcessingStep> postprocessing,
	List<String> wholeImageOps, Map<String, String> origins, OnnxGraphInfo graph)
{
	public ModelDescriptor {
		preprocessing = List.copyOf(preprocessing);
		postprocessing = List.copyOf(postprocessing);
		wholeImageOps = List.copyOf(wholeImageOps);
		origins = Map.copyOf(origins);
		if (!(scale > 0)) throw new IllegalArgumentException("scale must be positive");
		if (haloPixels < 0) throw new IllegalArgumentException("halo must be >= 0");
	}

	/** Whether tiles give the same result as one run on the whole image. */
	public boolean isTileable() {
		return wholeImageOps.isEmpty();
	}
}
