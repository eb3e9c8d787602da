
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;

/**
 * {@code --device PROVIDER[:INDEX]:strict}: parsing, and a strict device that
 * never runs on the CPU.
 */
class StrictDeviceTest {

	@Test
	void strictIsTheLastPartAndReadsBack() {
		assertEquals(new DeviceSpec(ExecutionProvider.CUDA, 0, true), DeviceSpec
			.parse("cuda:strict"));
		assertEquals(new DeviceSpec(ExecutionProvider.CUDA, 1, true), DeviceSpec
			.parse("CUDA:1:Strict"));
		assertEquals(new DeviceSpec(ExecutionProvider.TENSORRT, 0, true), DeviceSpec
			.parse("tensorrt:strict"));
		assertEquals(new DeviceSpec(ExecutionProvider.DIRECTML, 2, true), DeviceSpec
			.parse("directml:2:strict"));
		assertEquals(new DeviceSpec(ExecutionProvider.CUDA, 1, false), DeviceSpec
			.parse("cuda:1"));
		assertFalse(DeviceSpec.parse("cuda").strict());
		for (String s : new String[] { "cuda:strict", "cuda:3:strict",
			"coreml:strict", "cuda:2", "cpu", "auto" })
			assertEquals(DeviceSpec.parse(s), DeviceSpec.parse(DeviceSpec.parse(s)
				.toString()), s);
		assertEquals("cuda:3:strict", DeviceSpec.parse("cuda:3:strict").toString());
		assertEquals("coreml:strict", DeviceSpec.parse("coreml:strict").toString());
	}

	@Test
	void strictNeedsANamedGpuProviderInTheRightPlace() {
		assertTrue(assertThrows(GanException.class, () -> DeviceSpec.parse(
			"auto:strict")).getMessage().contains(
				"strict mode needs a named GPU provider"));
		assertTrue(assertThrows(GanException.class, () -> DeviceSpec.parse(
			"cpu:strict")).getMessage().contains("needs a GPU provider"));
		assertTrue(assertThrows(GanException.class, () -> DeviceSpec.parse(
			"cuda:strict:1")).getMessage().contains(
				"':strict' goes last, after the device index (cuda:1:strict)"));
		assertTrue(assertThrows(GanException.class, () -> DeviceSpec.parse(
			"cuda:1:2")).getMessage().contains("unknown device"));
	}

	@Test
	void aStrictDeviceMissingFromThisBuildFailsInsteadOfRunningOnTheCpu() {
		ExecutionProvider missing = null;
		for (ExecutionProvider p : new ExecutionProvider[] { ExecutionProvider.CUDA,
			ExecutionProvider.DIRECTML, ExecutionProvider.ROCM })
			if (!ModelSession.availableProviders().contains(p)) {
				missing = p;
				break;
			}
		if (missing == null) return; // every GPU provider is in this build: nothing
																	// to refuse here
		byte[] model = ProviderCoverageTest.handmade(14).toByteArray();
		DeviceSpec strict = new DeviceSpec(missing, 0, true);
		GanException e = assertThrows(GanException.class, () -> ModelSession.open(
			model, "handmade.onnx", strict, 1));
		assertTrue(e.getMessage().startsWith(missing.id() +
			":0:strict: strict mode does not fall back to the " + "CPU, and " +
			missing.id() + " is not in this ONNX Runtime build"), e.getMessage());
		// the same device without :strict runs on the CPU and says so
		try (ModelSession s = ModelSession.open(model, "handmade.onnx",
			new DeviceSpec(missing, 0), 1))
		{
			assertEquals("cpu", s.provider());
			assertTrue(s.notes().get(s.notes().size() - 1).contains("running on cpu"),
				s.notes().toString());
		}
	}

	@Test
	void aRefusedModelIsExplainedNodeByNode() {
		byte[] model = ProviderCoverageTest.handmade(14).toByteArray();
		String cuda = ProviderCoverage.strictRefusal("handmade.onnx", model,
			DeviceSpec.parse("cuda:strict"),
			"fallback to CPU EP has been explicitly disabled");
		assertEquals(
			"ONNX Runtime cannot run handmade.onnx wholly on cuda:0:strict (strict mode does not fall " +
				"back to the CPU). 2 node(s) have no cuda kernel: Celu \"celu\" (ai.onnx opset 14, float): no kernel for " +
				"this operator; Relu \"relu_int\" (ai.onnx opset 14, int32): no kernel for element type int32 (has: " +
				"bfloat16, double, float, float16); ONNX Runtime said: fallback to CPU EP has been explicitly disabled",
			cuda);
		// DirectML has both kernels: the table cannot name a node, ONNX Runtime's
		// reason is passed on
		String dml = ProviderCoverage.strictRefusal("handmade.onnx", model,
			DeviceSpec.parse("directml:strict"), "x");
		assertTrue(dml.contains(
			"lists a directml kernel for every node, so the refusal has another cause; " +
				"ONNX Runtime said: x"), dml);
		// a provider the table does not cover: ONNX Runtime's reason alone
		assertTrue(ProviderCoverage.strictRefusal("m", model, DeviceSpec.parse(
			"rocm:strict"), "y").endsWith(
				"(strict mode does not fall back to the CPU); ONNX Runtime said: y"));
	}
}
