
package org.fijigan.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** bioimage.io packages for tests. */
public final class TestPackages {

	private TestPackages() {}

	/**
	 * A bioimage.io descriptor (format 0.5) of a one-channel model whose output
	 * has its input's size, with weights {@code weights.onnx} and a README.md
	 * card; format in the weights' SHA-256.
	 */
	public static final String ONE_CHANNEL_RDF = """
			format_version: 0.5.3
			type: model
			name: add-half
			description: Adds one half to every pixel.
			documentation: README.md
			inputs:
			  - id: x
			    axes:
			      - type: batch
			      - type: channel
			        channel_names: [c0]
			      - {type: space, id: y, size: {min: 8, step: 4}}
			      - {type: space, id: x, size: {min: 8, step: 4}}
			outputs:
			  - id: y
			    axes:
			      - type: batch
			      - type: channel
			        channel_names: [c0]
			      - {type: space, id: y, size: {tensor_id: x, axis_id: y}}
			      - {type: space, id: x, size: {tensor_id: x, axis_id: x}}
			weights:
			  onnx:
			    source: weights.onnx
			    sha256: %s
			""";

	/**
	 * A bioimage.io package in folder {@code m} of a model that adds 0.5, with a
	 * fixed preprocessing (x 0.5 + 1) and postprocessing (x 10) and a halo of 2.
	 */
	public static Path addHalf(Path m) throws IOException {
		Files.createDirectories(m);
		OnnxModels.addConstant(1, 0.5f).write(m, "weights.onnx");
		Files.writeString(m.resolve("rdf.yaml"), """
				format_version: 0.5.3
				type: model
				name: add-half
				inputs:
				  - id: x
				    axes:
				      - type: batch
				      - type: channel
				        channel_names: [c0]
				      - {type: space, id: y, size: {min: 8, step: 4}}
				      - {type: space, id: x, size: {min: 8, step: 4}}
				    preprocessing:
				      - id: scale_linear
				        kwargs: {gain: 0.5, offset: 1.0}
				outputs:
				  - id: y
				    axes:
				      - type: batch
				      - type: channel
				        channel_names: [c0]
				      - {type: space, id: y, size: {tensor_id: x, axis_id: y}, halo: 2}
				      - {type: space, id: x, size: {tensor_id: x, axis_id: x}, halo: 2}
				    postprocessing:
				      - id: scale_linear
				        kwargs: {gain: 10.0, offset: 0.0}
				weights:
				  onnx:
				    source: weights.onnx
				    opset_version: 17
				""");
		return m;
	}
}
