
package org.fijigan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelStore;
import org.fijigan.core.model.arch.Architecture;
import org.fijigan.core.model.arch.ArchitectureOptions;
import org.fijigan.core.model.arch.Architectures;

/**
 * Fresh (untrained, seeded) models under the demo's names, as the recipes in
 * {@code models/recipes/} create them before training, in a models folder laid
 * out as {@code NAME/model.onnx} (what {@link ModelLoader#bundledNames()}
 * accepts besides an rdf.yaml).
 */
public final class DemoModels {

	/** Every name the demo looks for. */
	public static final List<String> ALL = List.of("sr-x2", "sr-x4", "denoise",
		"inpaint", "mri-generator");

	private DemoModels() {}

	/** Writes the named models into {@code folder} (created); returns it. */
	public static Path write(Path folder, String... names) {
		try {
			for (String name : names) {
				Path dir = Files.createDirectories(folder.resolve(name));
				Files.write(dir.resolve(ModelStore.ONNX_FILE), Architectures.create(
					architecture(name), options(name)).toByteArray());
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return folder;
	}

	/** The recipes' architecture of each demo model. */
	static Architecture architecture(String name) {
		return switch (name) {
			case "sr-x2", "sr-x4" -> Architecture.RRDB_SR;
			case "denoise" -> Architecture.DENOISER;
			case "inpaint" -> Architecture.GATED_INPAINT;
			case "mri-generator" -> Architecture.DCGAN;
			default -> throw new IllegalArgumentException("no demo model " + name);
		};
	}

	/**
	 * The recipes' create-model options (scale, width, blocks, classes, seed).
	 */
	static ArchitectureOptions options(String name) {
		return switch (name) {
			case "sr-x2" -> new ArchitectureOptions(2, 1, 0, List.of(), 64, 32, 1, 64,
				1);
			case "sr-x4" -> new ArchitectureOptions(4, 1, 0, List.of(), 64, 32, 1, 64,
				2);
			case "denoise" -> new ArchitectureOptions(2, 1, 0, List.of(), 64, 32, 10,
				64, 3, ArchitectureOptions.WeightInit.PYTORCH);
			case "inpaint" -> new ArchitectureOptions(2, 1, 0, List.of(), 64, 32, 0,
				64, 4);
			case "mri-generator" -> new ArchitectureOptions(2, 1, 9, List.of(
				"axial-1", "axial-2", "axial-3", "coronal-1", "coronal-2", "coronal-3",
				"sagittal-1", "sagittal-2", "sagittal-3"), 64, 32, 0, 64, 5);
			default -> throw new IllegalArgumentException("no demo model " + name);
		};
	}

	/**
	 * Runs {@code body} with {@link ModelLoader#MODELS_DIR_PROPERTY} set to
	 * {@code folder}.
	 */
	public static <T> T withModelsDir(Path folder, Callable<T> body)
		throws Exception
	{
		String old = System.getProperty(ModelLoader.MODELS_DIR_PROPERTY);
		System.setProperty(ModelLoader.MODELS_DIR_PROPERTY, folder.toString());
		try {
			return body.call();
		}
		finally {
			if (old == null) System.clearProperty(ModelLoader.MODELS_DIR_PROPERTY);
			else System.setProperty(ModelLoader.MODELS_DIR_PROPERTY, old);
		}
	}
}
