
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
	 */
	record Resolved(Path onnx, BioImageModel rdf) {
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
		if (!Files.exists(path)) {
			Optional<Path> bundled = findBundled(reference);
			if (bundled.isEmpty()) throw new GanException("model '" + reference +
				"' not found: it is neither a file nor a bundled model" +
				bundledHint());
			path = bundled.get();
		}
		if (Files.isDirectory(path)) path = rdfIn(path);
		String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
		if (file.endsWith(".zip")) {
			BioImageModel rdf = PackageCache.open(path);
			return new Resolved(rdf.onnxWeights(), rdf);
		}
		if (file.endsWith(".yaml") || file.endsWith(".yml")) {
			BioImageModel rdf = BioImageRdf.read(path);
			rdf.verifySha256();
			return new Resolved(rdf.onnxWeights(), rdf);
		}
		return new Resolved(path, null);
	}

	/**
	 * The folders under the bundled-models folder that hold an rdf.yaml or a
	 * model.onnx, by name.
	 */
	static List<String> bundledNames() {
		List<String> names = new ArrayList<>();
		Path dir = modelsDir();
		if (dir == null || !Files.isDirectory(dir)) return names;
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
			for (Path p : ds)
				if (Files.isRegularFile(p.resolve("rdf.yaml")) || Files.isRegularFile(p
					.resolve(ModelStore.ONNX_FILE))) names.add(p.getFileName()
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
		Path rdf = dir.resolve(name).resolve("rdf.yaml"), onnx = dir.resolve(name)
			.resolve(ModelStore.ONNX_FILE);
		if (Files.isRegularFile(rdf)) return Optional.of(rdf);
		return Files.isRegularFile(onnx) ? Optional.of(onnx) : Optional.empty(); // installed
																																							// by
																																							// ModelStore
	}

	private static String bundledHint() {
		List<String> names = bundledNames();
		return names.isEmpty() ? "" : " (bundled: " + String.join(", ", names) +
			")";
	}

	/** The descriptor in {@code dir}, else its {@value ModelStore#ONNX_FILE}. */
	static Path rdfIn(Path dir) {
		for (String n : new String[] { "rdf.yaml", "bioimageio.yaml" })
			if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir,
			"*.rdf.yaml"))
		{
			for (Path p : ds)
				return p;
		}
		catch (IOException e) {
			// below
		}
		if (Files.isRegularFile(dir.resolve(ModelStore.ONNX_FILE))) return dir
			.resolve(ModelStore.ONNX_FILE);
		throw new GanException("folder " + dir +
			" holds no rdf.yaml model descriptor");
	}
}
