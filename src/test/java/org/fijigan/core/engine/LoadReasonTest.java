
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's reasons for not loading a model, as a user reads them: without
 * its error codes and the C++ source places they come from (texts as ONNX
 * Runtime 1.29 gives them).
 */
class LoadReasonTest {

	@Test
	void sourcePlacesAndErrorCodesAreLeftOut() {
		assertEquals("TensorProto: w external data size mismatch. Computed size: " +
			"4, external_data.length: 99999999999", ModelSession.loadReason(
				"Error code - ORT_FAIL - message: Exception during initialization: " +
					"/onnxruntime_src/onnxruntime/core/optimizer/initializer.cc:79 " +
					"onnxruntime::Initializer::Initializer(const onnxruntime::Graph&, " +
					"const onnx::TensorProto&, const std::filesystem::__cxx11::path&, " +
					"bool) [ONNXRuntimeError] : 1 : FAIL : tensorprotoutils.cc:584 " +
					"GetExternalDataInfo TensorProto: w external data size mismatch. " +
					"Computed size: 4, external_data.length: 99999999999"));
		assertEquals("This is an invalid model. Error: the graph is not acyclic.",
			ModelSession.loadReason("Error code - ORT_INVALID_GRAPH - message: " +
				"Load model from /tmp/m/cycle.onnx failed:This is an invalid model. " +
				"Error: the graph is not acyclic."));
		assertEquals("Invalid rank for input: x Got: 3 Expected: 4", ModelSession
			.loadReason("graph.cc:12 Invalid rank for input: x Got: 3 " +
				"Expected: 4"));
	}
}
