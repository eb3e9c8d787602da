
package org.fijigan.core.model;

import java.nio.file.Path;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.model.bioimage.Axis;
import org.fijigan.core.StageTimings;

/**
 * Turns what a user names as a model into a {@link ModelDescriptor}: an
 * {@code .onnx} file, a bioimage.io {@code rdf.yaml} (format 0.4 or 0.5), a
 * bioimage.io {@code .zip} package, a folder holding an {@code rdf.yaml}, or
 * the name of a bundled model.
 * <p>
 * Loading takes four steps, each its own class: {@link ModelReference} finds
 * the files (unpacking a package through {@link PackageCache}),
 * {@link OnnxGraphInfo} reads the graph, {@link ModelFileChecks} refuses what
 * an untrusted file must not do, and {@link DescriptorInference} takes each
 * choice from the first source that states it: the user's overrides, the
 * bioimage.io descriptor (and its {@code config.fiji-gan} section), the ONNX
 * {@code metadata_props} (keys {@link #META_TASK} etc.), the graph itself, and
 * finally a probe run. {@link ModelDescriptor#origins()} records which.
 * {@link #describe} is the {@code info} report.
 */
public final class ModelLoader {

	public static final String META_TASK = "fiji-gan.task";
	public static final String META_SCALE = "fiji-gan.scale";
	public static final String META_HALO = "fiji-gan.halo";
	/** Value range of input and output, e.g. {@code -1,1}. */
	public static final String META_RANGE = "fiji-gan.value_range";
	/**
	 * {@code subtract}: the output is what to remove from the input (a noise
	 * prediction).
	 */
	public static final String META_RESIDUAL = "fiji-gan.residual";
	/** Mask value that marks a hole: {@code 1} (default) or {@code 0}. */
	public static final String META_MASK_HOLE = "fiji-gan.mask_hole_value";
	/** Comma-separated class names of a conditional generator. */
	public static final String META_CLASS_NAMES = "fiji-gan.class_names";
	/**
	 * How raw image values are mapped to the model by default, as
	 * {@code --normalize} takes it (e.g. {@code none}, {@code range:0,4000}):
	 * fine-tune records what it trained with when that is not the default.
	 */
	public static final String META_NORMALIZATION = "fiji-gan.normalization";

	/**
	 * System property naming the bundled-models folder (the launcher sets it).
	 */
	public static final String MODELS_DIR_PROPERTY = "fijigan.models.dir";

	/**
	 * Largest size a model may declare for one axis of an input or output. Real
	 * image models stay far below; a hostile one declaring {@code [1e9, 1e9]} is
	 * refused before anything is allocated. A bioimage.io descriptor's axis sizes
	 * have the same bound ({@link Axis#MAX_SIZE}).
	 */
	public static final long MAX_DECLARED_DIMENSION = Axis.MAX_SIZE;

	private ModelLoader() {}

	/** Loads and describes a model, then applies {@code overrides}. */
	public static ModelDescriptor load(String reference,
		ModelOverrides overrides)
	{
		return load(reference, overrides, new StageTimings());
	}

	/**
	 * As {@link #load(String, ModelOverrides)}, adding the time of reading and
	 * checking the model (package, rdf.yaml, ONNX file) and of analysing its
	 * graph (tiling, scale) to {@code timings}.
	 */
	public static ModelDescriptor load(String reference, ModelOverrides overrides,
		StageTimings timings)
	{
		ModelOverrides o = overrides == null ? ModelOverrides.NONE : overrides;
		long start = System.nanoTime();
		ModelReference.Resolved model = ModelReference.resolve(reference);
		OnnxGraphInfo g = OnnxGraphInfo.read(model.onnx());
		ModelFileChecks.check(model.onnx(), g);
		timings.add(StageTimings.Stage.MODEL_READ, System.nanoTime() - start);
		ModelDescriptor d = timings.time(StageTimings.Stage.GRAPH_ANALYSIS,
			() -> DescriptorInference.describe(model.onnx(), g, model.rdf(), o))
			.toBuilder().files(model.files()).build();
		refuseUnfedInputs(d, g);
		return d;
	}

	/**
	 * Refuses a model with an input that its runs would not feed (a second image
	 * of a model taken as image-to-image, a third input of a generator): ONNX
	 * Runtime would fail at the first run with "Missing Input".
	 */
	static void refuseUnfedInputs(ModelDescriptor d, OnnxGraphInfo g) {
		java.util.Set<String> fed = new java.util.HashSet<>();
		if (d.kind() instanceof ModelKind.ImageToImage k) fed.add(k.image().name());
		else if (d.kind() instanceof ModelKind.Inpainting k) {
			fed.add(k.image().name());
			if (k.mask().inputName() != null) fed.add(k.mask().inputName());
		}
		else if (d.kind() instanceof ModelKind.Generator k) {
			fed.add(k.spec().latentInput());
			if (k.spec().isConditional()) fed.add(k.spec().classInput());
		}
		else return;
		for (ValueInfo v : g.inputs())
			if (!fed.contains(v.name())) throw new GanException("model " + d.name() +
				" has an input '" + v.name() +
				"' that fiji-gan does not feed when it " + "runs the model as " + d
					.task().id() + " (it feeds " + String.join(" and ", fed) + (d
						.kind() instanceof ModelKind.ImageToImage && g.inputs().size() == 2
							? "; if '" + v.name() +
								"' is a mask, run it with --task inpaint and " + "--input " + v
									.name() + "=MASK" : "") + ")");
	}

	/**
	 * The folders under the bundled-models folder that hold an rdf.yaml or a
	 * model.onnx, by name.
	 */
	public static List<String> bundledNames() {
		return ModelReference.bundledNames();
	}

	/**
	 * The bundled-models folder: system property, then {@code FIJI_GAN_MODELS},
	 * then {@code ./models}.
	 */
	public static Path modelsDir() {
		return ModelReference.modelsDir();
	}

	/** SHA-256 of a file, lower-case hex, streamed. */
	public static String sha256(Path file) {
		return FileHashes.sha256(file, "");
	}

	/**
	 * The model's SHA-256, as results ({@code fiji-gan.model.sha256}), folder
	 * manifests ({@code model_sha256}) and {@code info} give it: that of its ONNX
	 * file; for a model that keeps weights in external data files, that of the
	 * ONNX file's bytes followed by the bytes of each external data file, in the
	 * order the model first names them, each file once. Two models with the same
	 * ONNX file and other weights so tell apart, and a model without external
	 * data keeps the SHA-256 of its file.
	 *
	 * @param g the graph read from {@code onnx}, its external data checked
	 */
	static String modelSha256(Path onnx, OnnxGraphInfo g) {
		return FileHashes.sha256(modelFiles(onnx, g), "");
	}

	/**
	 * The files {@link #modelSha256} is over: the ONNX file, then each external
	 * data file once, in the order the model first names them.
	 */
	static List<Path> modelFiles(Path onnx, OnnxGraphInfo g) {
		List<String> locations = g.externalDataLocations();
		if (locations.isEmpty()) return List.of(onnx);
		Path folder = onnx.toAbsolutePath().normalize().getParent();
		java.util.Set<Path> files = new java.util.LinkedHashSet<>();
		files.add(onnx);
		for (String location : locations)
			files.add(folder.resolve(location).normalize());
		return List.copyOf(files);
	}

	/**
	 * What {@code info} says of a model.
	 *
	 * @param text the multi-line description, a line on whether ONNX Runtime
	 *          loads the model among them
	 * @param loadFailure why ONNX Runtime cannot load it, or null when it can
	 * @param unusable why every run refuses the model as it stands (a recorded
	 *          {@link #META_NORMALIZATION} that is no normalisation), or null
	 */
	public record Report(String text, String loadFailure, String unusable) {

		/** Why the model cannot be used as it stands, or null when it can. */
		public String problem() {
			return unusable != null ? unusable : loadFailure;
		}
	}

	/**
	 * The description, and whether ONNX Runtime loads the model on the CPU.
	 *
	 * @param normalizationProblem why the normalisation the model records
	 *          ({@link #META_NORMALIZATION}) is none, or null: that grammar is
	 *          the image layer's, which asks it
	 *          ({@code Normalization.recordedProblem})
	 */
	public static Report report(ModelDescriptor d, String normalizationProblem) {
		String why = whyNotLoadable(d.onnxFile());
		return new Report(ModelReport.describe(d, why, normalizationProblem), why,
			normalizationProblem);
	}

	/**
	 * Why ONNX Runtime cannot make a session of {@code onnx} on the CPU (a cyclic
	 * graph, an unknown operator, external data that lies about its length), or
	 * null when it can.
	 */
	public static String whyNotLoadable(Path onnx) {
		try (ModelSession session = ModelSession.open(onnx, DeviceSpec.CPU, 1)) {
			return null;
		}
		catch (ModelSession.LoadFailure e) {
			return e.getMessage();
		}
	}
}
