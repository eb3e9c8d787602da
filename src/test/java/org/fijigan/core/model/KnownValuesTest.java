
package org.fijigan.core.model;

import static org.fijigan.testing.OnnxModels.attrInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Folding of constant tensors: Slice in the forms of every opset, Transpose and
 * ConstantOfShape, with values against ones worked out by hand.
 */
class KnownValuesTest {

	/** 0..11 as a 3x4 tensor "m". */
	private static KnownValues known() {
		KnownValues k = new KnownValues();
		k.addConstant(OnnxModels.tensor("m", new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8,
			9, 10, 11 }, 3, 4));
		return k;
	}

	private static void add(KnownValues k, String name, long... values) {
		k.addConstant(OnnxModels.tensor(name, values, values.length));
	}

	private static NodeProto node(String op, String inputs, String output,
		AttributeProto... attributes)
	{
		return NodeProto.newBuilder().setOpType(op).addAllInput(Arrays.asList(inputs
			.split(","))).addOutput(output).addAllAttribute(Arrays.asList(attributes))
			.build();
	}

	@Test
	void slicesInEveryForm() {
		KnownValues k = known();
		// before opset 10: attributes, an end past the axis
		k.visit(node("Slice", "m", "a", attrInts("starts", 1, 1), attrInts("ends",
			100, 3), attrInts("axes", 0, 1)), false);
		assertArrayEquals(new double[] { 5, 6, 9, 10 }, k.numbers("a"));
		assertArrayEquals(new long[] { 2, 2 }, k.shape("a"));
		// since opset 10: inputs; backwards from the last row past the first
		add(k, "s", -1);
		add(k, "e", -Long.MAX_VALUE);
		add(k, "ax", 0);
		add(k, "st", -1);
		k.visit(node("Slice", "m,s,e,ax,st", "b"), false);
		assertArrayEquals(new double[] { 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3 }, k
			.numbers("b"));
		// every other column from the end, axes left out (the first axes)
		add(k, "s2", 0, 3);
		add(k, "e2", 3, -100);
		add(k, "st2", 1, -2);
		k.visit(node("Slice", "m,s2,e2,,st2", "c"), false);
		assertArrayEquals(new double[] { 3, 1, 7, 5, 11, 9 }, k.numbers("c"));
		assertArrayEquals(new long[] { 3, 2 }, k.shape("c"));
		// a negative axis, no steps
		add(k, "s3", 2);
		add(k, "e3", Long.MAX_VALUE);
		add(k, "ax3", -1);
		k.visit(node("Slice", "m,s3,e3,ax3", "d"), false);
		assertArrayEquals(new double[] { 2, 3, 6, 7, 10, 11 }, k.numbers("d"));
		// a zero step is no slice
		add(k, "zero", 0);
		k.visit(node("Slice", "m,s3,e3,ax3,zero", "z"), false);
		assertNull(k.numbers("z"));
	}

	@Test
	void transposesAndMakesConstantsOfShape() {
		KnownValues k = known();
		k.visit(node("Transpose", "m", "t", attrInts("perm", 1, 0)), false);
		assertArrayEquals(new double[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, k
			.numbers("t"));
		assertArrayEquals(new long[] { 4, 3 }, k.shape("t"));
		k.visit(node("Transpose", "m", "r"), false); // no perm: reversed
		assertArrayEquals(k.numbers("t"), k.numbers("r"));
		add(k, "shape", 2, 3);
		k.visit(node("ConstantOfShape", "shape", "sevens", AttributeProto
			.newBuilder().setName("value").setType(
				AttributeProto.AttributeType.TENSOR).setT(OnnxModels.tensor("v",
					new long[] { 7 }, 1)).build()), false);
		assertArrayEquals(new double[] { 7, 7, 7, 7, 7, 7 }, k.numbers("sevens"));
		assertArrayEquals(new long[] { 2, 3 }, k.shape("sevens"));
		k.visit(node("ConstantOfShape", "shape", "zeros"), false);
		assertArrayEquals(new double[6], k.numbers("zeros"));
		// too big to fold
		add(k, "huge", 1000, 1000);
		k.visit(node("ConstantOfShape", "huge", "big"), false);
		assertNull(k.numbers("big"));
	}
}
