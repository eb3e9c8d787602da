package org.fijigan.core.model;

/**
 * Turns what a user names as a model into a {@link ModelDescriptor}: an {@code .onnx} file, a
 * bioimage.io {@code rdf.yaml} (format 0.4 or 0.5), a bioimage.io {@code .zip} package, or the
 * name of a bundled model.
 */
public final class ModelLoader {
	private ModelLoader() {}

	/** Loads and describes a model, then applies {@code overrides}. */
	public static ModelDescriptor load(String reference, ModelOverrides overrides) {
		throw new UnsupportedOperationException("in progress");
	}

	/** Multi-line human-readable description for {@code info}. */
	public static String describe(ModelDescriptor d) {
		throw new UnsupportedOperationException("in progress");
	}
}
