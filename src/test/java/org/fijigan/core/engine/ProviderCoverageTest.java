
package org.fijigan.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * The static provider-coverage check against ONNX Runtime's operator-kernel
 * table.
 */
class ProviderCoverageTest {

	static ValueInfoProto tensor(String name, int type) {
		return ValueInfoProto.newBuilder().setName(name).setType(TypeProto
			.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(
				type).setShape(TensorShapeProto.newBuilder().addDim(
					TensorShapeProto.Dimension.newBuilder().setDimValue(4))))).build();
	}

	/** x float -> Celu -> a; i int32 -> Relu -> b; x -> Relu -> c (opset 14). */
	static ModelProto handmade(long opset) {
		ModelProto.Builder mb = ModelProto.newBuilder().setIrVersion(8)
			.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(
				opset));
		mb.getGraphBuilder().setName("handmade").addInput(tensor("x",
			TensorProto.DataType.FLOAT_VALUE)).addInput(tensor("i",
				TensorProto.DataType.INT32_VALUE)).addNode(NodeProto.newBuilder()
					.setOpType("Celu").setName("celu").addInput("x").addOutput("a"))
			.addNode(NodeProto.newBuilder().setOpType("Cast").setName("toint")
				.addInput("a").addOutput("ai").addAttribute(
					ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("to")
						.setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
						.setI(TensorProto.DataType.INT32_VALUE))).addNode(NodeProto
							.newBuilder().setOpType("Relu").setName("relu_int").addInput("ai")
							.addOutput("b")).addNode(NodeProto.newBuilder().setOpType("Relu")
								.setName("relu_float").addInput("x").addOutput("c")).addOutput(
									tensor("b", TensorProto.DataType.INT32_VALUE)).addOutput(
										tensor("c", TensorProto.DataType.FLOAT_VALUE));
		return mb.build();
	}

	@Test
	void reportsAnOperatorAndAnElementTypeWithoutACudaKernel() {
		List<ProviderCoverage.Missing> cuda = ProviderCoverage.missing(handmade(14),
			ExecutionProvider.CUDA);
		assertEquals(2, cuda.size(), cuda.toString());
		assertEquals(new ProviderCoverage.Missing("celu", "Celu", "ai.onnx", 14,
			"float", "no kernel for this operator"), cuda.get(0));
		// the Cast output's type comes from its 'to' attribute: int32, which CUDA's
		// Relu 14+ lacks
		ProviderCoverage.Missing relu = cuda.get(1);
		assertEquals("relu_int", relu.nodeName());
		assertEquals("int32", relu.elementType());
		assertTrue(relu.reason().startsWith("no kernel for element type int32"),
			relu.reason());
		// DirectML has Celu 12+ and Relu 14+ for int32
		assertEquals(List.of(), ProviderCoverage.missing(handmade(14),
			ExecutionProvider.DIRECTML));
		// TensorRT hands what it cannot run to CUDA: the same table
		assertEquals(cuda, ProviderCoverage.missing(handmade(14),
			ExecutionProvider.TENSORRT));
	}

	@Test
	void theOpsetInEffectChoosesTheRow() {
		// opset 13: CUDA's Relu 13 row has no int32 either; opset 5 is before
		// CUDA's Relu 6-12 row
		List<ProviderCoverage.Missing> five = ProviderCoverage.missing(handmade(5),
			ExecutionProvider.CUDA);
		assertEquals(List.of("celu", "toint", "relu_int", "relu_float"), five
			.stream().map(ProviderCoverage.Missing::nodeName).toList());
		assertEquals("no kernel at opset 5", five.get(3).reason());
		// DirectML's Relu 14+ takes int32, its 13 row does not
		List<ProviderCoverage.Missing> dml = ProviderCoverage.missing(handmade(13),
			ExecutionProvider.DIRECTML);
		assertEquals(List.of("relu_int"), dml.stream().map(
			ProviderCoverage.Missing::nodeName).toList());
		assertEquals(
			"Relu \"relu_int\" (ai.onnx opset 13, int32): no kernel for element type int32 (has: " +
				"float, float16)", dml.get(0).toString());
	}

	@Test
	void everyBundledModelHasAKernelForEveryNodeInCudaAndDirectMl()
		throws IOException
	{
		List<Path> models;
		try (Stream<Path> s = Files.walk(Path.of("models"), 2)) {
			models = s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
		}
		assertEquals(6, models.size(), models.toString());
		List<String> problems = new ArrayList<>();
		for (Path p : models) {
			ModelProto m = ModelProto.parseFrom(Files.readAllBytes(p));
			assertFalse(m.getGraph().getNodeList().isEmpty(), p.toString());
			for (ExecutionProvider e : ProviderCoverage.reported())
				for (ProviderCoverage.Missing x : ProviderCoverage.missing(m, e))
					problems.add(p.getFileName() + " on " + e.id() + ": " + x);
		}
		assertEquals(List.of(), problems);
	}

	@Test
	void coversCudaTensorRtAndDirectMlOnly() {
		for (ExecutionProvider p : ExecutionProvider.values())
			assertEquals(p == ExecutionProvider.CUDA ||
				p == ExecutionProvider.TENSORRT || p == ExecutionProvider.DIRECTML,
				ProviderCoverage.covers(p), p.id());
	}
}
