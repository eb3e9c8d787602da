
package org.fijigan.core.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.core.model.bioimage.DescriptorFile;

/**
 * Finds the files behind what a user names as a model: an {@code .onnx} file, a
 * bioimage.io {@code rdf.yaml}, a folder holding one (or a
 * {@value ModelStore#ONNX_FILE}), a bioimage.io {@code .zip} (unpacked through
 * {@link PackageCache}), or the name of a bundled or installed model in
 * {@link #modelsDir()}. A descriptor is checked against the SHA-256 sums it
 * states before it is returned. Stateless; safe to call from any thread.
 */
final class ModelReference {

	/**
	 * The model's ONNX weights and, when it came with one, its bioimage.io
	 * descriptor.
	 *
	 * @param rdf null for a bare {@code .onnx} file
	 * @param files every file the model is read from (see
	 *          {@link ModelDescriptor#files()})
	 */
	record Resolved(Path onnx, BioImageModel rdf, List<Path> files) {
	}

	private ModelReference() {}

	/**
	 * @throws GanException for a blank reference or one that names nothing that
	 *           holds a model
	 */
	static Resolved resolve(String reference) {
		if (reference == null || reference.isBlank()) throw new GanException(
			"no model given");
		Path path = Path.of(reference);
		Optional<Path> bundled = findBundled(reference);
		if (!Files.exists(path)) {
			if (bundled.isEmpty()) throw new GanException("model '" + reference +
				"' not found: it is neither a file nor a model in " + modelsFolder());
			path = bundled.get();
		}
		else if (bundled.isPresent() && !sameFile(path, modelsDir().resolve(
			reference)))
		{
			// a bare name that is also a file or folder here: a folder that holds no
			// model (such as a folder run's output, named after the model) does not
			// hide the bundled model; one that holds a model, or a file, is
			// ambiguous, and which one runs is not guessed
			if (Files.isDirectory(path) && ModelStore.modelFile(path) == null) path =
				bundled.get();
			else throw new GanException("model '" + reference + "' is both a " +
				(Files.isDirectory(path) ? "folder" : "file") +
				" here and a bundled or installed model in " + modelsDir() +
				": give ." + path.getFileSystem().getSeparator() + reference +
				" for the " + (Files.isDirectory(path) ? "folder" : "file") + ", or " +
				modelsDir().resolve(reference) + " for the bundled one");
		}
		if (Files.isDirectory(path)) path = rdfIn(path);
		String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
		if (file.endsWith(".zip")) {
			BioImageModel rdf = PackageCache.open(path);
			List<Path> files = new ArrayList<>(List.of(path, rdf.onnxWeights()));
			DescriptorFile.in(rdf.folder()).ifPresent(d -> files.addAll(packageFiles(
				d)));
			return new Resolved(rdf.onnxWeights(), rdf, files);
		}
		if (file.endsWith(".yaml") || file.endsWith(".yml")) {
			BioImageModel rdf = BioImageRdf.read(path);
			rdf.verifySha256();
			List<Path> files = new ArrayList<>(List.of(rdf.onnxWeights()));
			files.addAll(packageFiles(path));
			return new Resolved(rdf.onnxWeights(), rdf, files);
		}
		return new Resolved(path, null, List.of(path));
	}

	/**
	 * A descriptor and the package files it names (weights, test and sample
	 * tensors, covers, documentation).
	 */
	private static List<Path> packageFiles(Path descriptor) {
		List<Path> files = new ArrayList<>(List.of(descriptor));
		files.addAll(BioImageRdf.namedFiles(descriptor));
		return files;
	}

	/**
	 * The folders under the bundled-models folder that hold a bioimage.io
	 * descriptor or a model.onnx, by name.
	 */
	static List<String> bundledNames() {
		List<String> names = new ArrayList<>();
		Path dir = modelsDir();
		if (dir == null || !Files.isDirectory(dir)) return names;
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
			for (Path p : ds)
				if (ModelStore.modelFile(p) != null) names.add(p.getFileName()
					.toString());
		}
		catch (IOException e) {
			return names;
		}
		names.sort(null);
		return names;
	}

	/**
	 * The bundled-models folder: system property, then {@code FIJI_GAN_MODELS},
	 * then {@code ./models}.
	 */
	static Path modelsDir() {
		String p = System.getProperty(ModelLoader.MODELS_DIR_PROPERTY);
		if (p == null || p.isBlank()) p = System.getenv("FIJI_GAN_MODELS");
		if (p == null || p.isBlank()) p = "models";
		return Path.of(p);
	}

	private static Optional<Path> findBundled(String name) {
		Path dir = modelsDir();
		if (dir == null || name.contains("/") || name.contains("\\") || name
			.contains("..")) return Optional.empty();
		Path folder = dir.resolve(name);
		if (!Files.isDirectory(folder)) return Optional.empty();
		Optional<Path> rdf = DescriptorFile.in(folder);
		if (rdf.isPresent()) return rdf;
		Path onnx = folder.resolve(ModelStore.ONNX_FILE); // installed by ModelStore
		return Files.isRegularFile(onnx) ? Optional.of(onnx) : Optional.empty();
	}

	private static boolean sameFile(Path a, Path b) {
		try {
			return Files.isSameFile(a, b);
		}
		catch (IOException e) {
			return false;
		}
	}

	/**
	 * The models folder for a message: where it is, what chose it (the
	 * {@code FIJI_GAN_MODELS} variable, when set) and the models it holds, or why
	 * it cannot hold any (a file, a folder that cannot be read).
	 */
	private static String modelsFolder() {
		Path dir = modelsDir().toAbsolutePath().normalize();
		String env = System.getenv("FIJI_GAN_MODELS");
		String problem = ModelStore.folderProblem(dir);
		List<String> names = problem != null ? List.of() : bundledNames();
		return "the models folder " + dir + (env == null || env.isBlank() ? ""
			: ", which FIJI_GAN_MODELS chooses") + " (" + (problem != null ? "it " +
				problem : names.isEmpty() ? "it holds no model" : "models: " + String
					.join(", ", names)) + ")";
	}

	/**
	 * The descriptor in {@code dir}, by {@link DescriptorFile}'s rule, else its
	 * {@value ModelStore#ONNX_FILE}.
	 */
	static Path rdfIn(Path dir) {
		Optional<Path> descriptor = DescriptorFile.in(dir);
		if (descriptor.isPresent()) return descriptor.get();
		if (Files.isRegularFile(dir.resolve(ModelStore.ONNX_FILE))) return dir
			.resolve(ModelStore.ONNX_FILE);
		throw new GanException("folder " + dir +
			" holds no model: no bioimage.io descriptor (looked for " +
			DescriptorFile.LOOKED_FOR + ") and no " + ModelStore.ONNX_FILE);
	}
}
