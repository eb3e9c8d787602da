
package org.fijigan.core.model.bioimage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.io.FileHashes;

/**
 * The parts of a bioimage.io model descriptor (rdf.yaml, format 0.4 or 0.5)
 * needed to run its ONNX weights. Every path is absolute and lies inside
 * {@code folder}; {@link BioImageRdf} checks that {@code onnxWeights} exists,
 * but not test tensors, covers or documentation.
 *
 * @param onnxSha256 lower- or upper-case hex, null when the descriptor gives
 *          none
 * @param opsetVersion null when the descriptor gives none
 * @param config the descriptor's {@code config} section as read-only maps,
 *          lists and scalars; our own keys live under {@code config.fiji-gan}
 * @param documentation null when absent or given as a URL
 */
public record BioImageModel(String name, String description,
		String formatVersion, Path folder, Path onnxWeights, String onnxSha256,
		Integer opsetVersion, List<TensorDescription> inputs,
		List<TensorDescription> outputs, List<String> covers, List<Path> testInputs,
		List<Path> testOutputs, Map<String, Object> config, String license,
		List<String> authors, Path documentation) {

	public BioImageModel {
		if (name == null || name.isBlank()) throw new GanException(
			"a model needs a name");
		if (folder == null || onnxWeights == null) throw new GanException("model " +
			name + " needs a folder and ONNX weights");
		if (inputs == null || inputs.isEmpty() || outputs == null || outputs
			.isEmpty()) throw new GanException("model " + name +
				" needs at least one input and one output");
		if (onnxSha256 != null && !onnxSha256.matches("[0-9a-fA-F]{64}"))
			throw new GanException("model " + name + ": sha256 '" + onnxSha256 +
				"' is not 64 hex digits");
		description = description == null ? "" : description;
		inputs = List.copyOf(inputs);
		outputs = List.copyOf(outputs);
		covers = covers == null ? List.of() : List.copyOf(covers);
		testInputs = testInputs == null ? List.of() : List.copyOf(testInputs);
		testOutputs = testOutputs == null ? List.of() : List.copyOf(testOutputs);
		config = config == null ? Map.of() : config;
		authors = authors == null ? List.of() : List.copyOf(authors);
	}

	/**
	 * Hashes the ONNX weights (streaming, any size) and throws when they differ
	 * from {@link #onnxSha256()}; does nothing when the descriptor gives no hash.
	 * Reads the whole file, so call it once, on load, not per run.
	 */
	public void verifySha256() {
		if (onnxSha256 == null) return;
		String actual = FileHashes.sha256(onnxWeights, "ONNX weights ");
		if (!actual.equalsIgnoreCase(onnxSha256)) throw new GanException(
			"ONNX weights " + onnxWeights +
				" are damaged or not the published ones: sha256 is " + actual +
				" but the descriptor says " + onnxSha256 +
				"; download the model again");
	}
}
