
package org.fijigan.core.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * The element type numbers as the ONNX specification (onnx.proto,
 * TensorProto.DataType) fixes them, written out here as numbers so that a wrong
 * enum constant would show.
 */
class ElementTypesTest {

	@Test
	void floatingPointTypesAreFloatDoubleFloat16AndBfloat16() {
		List<Integer> floating = IntStream.rangeClosed(0, 23).filter(
			ElementTypes::isFloatingPoint).boxed().toList();
		assertEquals(List.of(1, 10, 11, 16), floating);
	}

	@Test
	void imagesAndLatentsAreFedAsFloatFloat16OrDoubleAndLabelsAsInt32OrInt64() {
		assertEquals(List.of(1, 10, 11), IntStream.rangeClosed(0, 23).filter(
			ElementTypes::isFeedableFloat).boxed().toList());
		assertFalse(ElementTypes.isFeedableFloat(16),
			"bfloat16 is floating point but not fed");
		assertEquals(List.of(6, 7), IntStream.rangeClosed(0, 23).filter(
			ElementTypes::isFeedableInteger).boxed().toList());
	}

	@Test
	void namesAreTheLowerCaseOnnxNames() {
		assertEquals("float", ElementTypes.name(1));
		assertEquals("uint8", ElementTypes.name(2));
		assertEquals("int32", ElementTypes.name(6));
		assertEquals("int64", ElementTypes.name(7));
		assertEquals("float16", ElementTypes.name(10));
		assertEquals("double", ElementTypes.name(11));
		assertEquals("bfloat16", ElementTypes.name(16));
		assertEquals("type 0", ElementTypes.name(0));
		assertEquals("type 999", ElementTypes.name(999));
		assertTrue(ElementTypes.isFloatingPoint(16L));
	}
}
