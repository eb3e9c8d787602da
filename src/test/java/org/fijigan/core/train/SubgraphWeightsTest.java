
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Weights an If body reads from the enclosing graph by name (ONNX lists no such
 * input on the If node): on the way to the loss, the If is refused, as any
 * operator without a gradient rule, rather than trained as though the weights
 * it reads had no effect; off every path to the loss it is no obstacle.
 */
class SubgraphWeightsTest {

	/** A branch computing {@code out = x * w}, reading x and w from outside. */
	static GraphProto branch(String name, String w) {
		return GraphProto.newBuilder().setName(name).addNode(NodeProto.newBuilder()
			.setOpType("Mul").setName(name + "_mul").addInput("x").addInput(w)
			.addOutput(name + "_out")).addOutput(OnnxModels.valueInfo(name + "_out",
				OnnxModels.FLOAT, "N,1,H,W")).build();
	}

	/**
	 * y = x * w1 + If(true){x * w2}{x * w1}, the If's result going to
	 * {@code ifTo}: "y" (through the sum) or a second output "z".
	 */
	static ModelProto model(boolean onPath) {
		TensorProto yes = TensorProto.newBuilder().setName("yes").setDataType(
			TensorProto.DataType.BOOL_VALUE).addInt32Data(1).build();
		AttributeProto value = AttributeProto.newBuilder().setName("value").setType(
			AttributeProto.AttributeType.TENSOR).setT(yes).build();
		AttributeProto then = AttributeProto.newBuilder().setName("then_branch")
			.setType(AttributeProto.AttributeType.GRAPH).setG(branch("then", "w2"))
			.build(), otherwise = AttributeProto.newBuilder().setName("else_branch")
				.setType(AttributeProto.AttributeType.GRAPH).setG(branch("else", "w1"))
				.build();
		OnnxModels.Builder b = OnnxModels.builder().opset(13).input("x", "N,1,H,W")
			.initializer("w1", new float[] { 0.5f }, 1).initializer("w2",
				new float[] { 2f }, 1).node("Constant", "", "cond", value).node("Mul",
					"x,w1", "xw").namedNode("branches", "If", "cond", "picked", then,
						otherwise);
		if (onPath) return b.node("Add", "xw,picked", "y").output("y", "N,1,H,W")
			.build();
		return b.node("Identity", "xw", "y").node("Identity", "picked", "z").output(
			"y", "N,1,H,W").output("z", "N,1,H,W").build();
	}

	@Test
	void anIfOnThePathToTheLossIsRefusedNamingIt() {
		GanException e = assertThrows(GanException.class, () -> Trainer.train(model(
			true), "y", null, "sha", TrainerTest.ramp(), TrainerTest.config(1,
				OptimizerConfig.sgd(0.1), LossKind.L2), ProgressListener.NONE,
			CancellationToken.none()));
		assertEquals("fine-tuning cannot differentiate If (node 'branches'): no " +
			"gradient rule for this operator", e.getMessage());
	}

	@Test
	void anIfOffThePathToTheLossTrainsTheRest() {
		Trainer.Result r = Trainer.train(model(false), "y", null, "sha", TrainerTest
			.ramp(), TrainerTest.config(1, OptimizerConfig.sgd(0.1), LossKind.L2),
			ProgressListener.NONE, CancellationToken.none());
		assertNotEquals(0.5f, TrainerTest.weight(r.model(), "w1")[0]);
		assertEquals(2f, TrainerTest.weight(r.model(), "w2")[0]);
		// w2 is a weight of the model (the If reads it), off the loss's path
		assertEquals(List.of("1 of the 2 trainable parameters get no gradient " +
			"(no path from them to the loss carries one), so the loss does not " +
			"train them: w2"), r.notes());
	}
}
