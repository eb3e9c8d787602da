
package org.fijigan.core.model;

import java.util.List;

/**
 * The inputs of a generator model.
 *
 * @param latentInput name of the latent input
 * @param latentDim length of one latent vector
 * @param latentShape the latent input's shape with -1 for the batch, e.g. [-1,
 *          128] or [-1, 100, 1, 1]
 * @param classInput name of the integer class-label input, or null for an
 *          unconditional model
 * @param classCount number of classes (0 when unconditional or unknown)
 * @param classNames optional class names, index = label
 */
public record GeneratorSpec(String latentInput, int latentDim,
		long[] latentShape, String classInput, int classCount,
		List<String> classNames) {

	public GeneratorSpec {
		classNames = classNames == null ? List.of() : List.copyOf(classNames);
		latentShape = latentShape.clone();
	}

	public boolean isConditional() {
		return classInput != null;
	}

	/** The class name of {@code label}, or the number when unnamed. */
	public String className(int label) {
		return label >= 0 && label < classNames.size() ? classNames.get(label)
			: Integer.toString(label);
	}
}
