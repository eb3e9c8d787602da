
package org.fijigan.imagej;

import java.nio.file.Files;
import java.nio.file.Path;

import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelStore;

import ij.IJ;

/**
 * Fiji's models folder: {@link ModelLoader#MODELS_DIR_PROPERTY} or
 * {@code FIJI_GAN_MODELS} when set, else {@code models/} in the ImageJ/Fiji
 * installation folder. {@link #useForNames()} makes {@code model=NAME} find the
 * models installed there.
 */
final class FijiModels {

	private FijiModels() {}

	/** The models folder of this installation (it need not exist yet). */
	static Path folder() {
		String p = System.getProperty(ModelLoader.MODELS_DIR_PROPERTY);
		if (p == null || p.isBlank()) p = System.getenv("FIJI_GAN_MODELS");
		if (p != null && !p.isBlank()) return Path.of(p);
		String imagej = IJ.getDirectory("imagej");
		if (imagej != null && Files.isDirectory(Path.of(imagej))) return Path.of(
			imagej, "models");
		return ModelLoader.modelsDir();
	}

	/** The store at {@code folder}, or at {@link #folder()} when blank. */
	static ModelStore store(String folder) {
		return new ModelStore(folder == null || folder.isBlank() ? folder() : Path
			.of(folder.trim()));
	}

	/**
	 * Points model-name lookups at {@link #folder()} unless the launcher or the
	 * user chose a folder.
	 */
	static void useForNames() {
		String p = System.getProperty(ModelLoader.MODELS_DIR_PROPERTY);
		if ((p == null || p.isBlank()) && System.getenv("FIJI_GAN_MODELS") == null)
			System.setProperty(ModelLoader.MODELS_DIR_PROPERTY, folder().toString());
	}
}
