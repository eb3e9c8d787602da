
package org.fijigan.core.train.autodiff;

import static org.fijigan.testing.OnnxModels.attrFloat;
import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrString;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatrixRulesTest {

	/**
	 * A [3,4] (or [4,3] transposed) times B [4,5] (or [5,4]), alpha 0.7, plus
	 * beta 1.5 C.
	 */
	@ParameterizedTest
	@CsvSource({ "9,0,0,5", "9,1,1,'3,1'", "11,0,1,'1,5'", "11,1,0,''",
		"17,1,1,'3,5'", "17,0,0,none" })
	void gemmWithTransposesAlphaBetaAndABroadcastC(long opset, int transA,
		int transB, String c) throws Exception
	{
		boolean hasC = !c.equals("none");
		OnnxModels.Builder b = OnnxModels.builder().opset(opset).input("a",
			transA == 1 ? "4,3" : "3,4").input("b", transB == 1 ? "5,4" : "4,5");
		if (hasC) b.input("c", c);
		b.node("Gemm", hasC ? "a,b,c" : "a,b", "y", attrFloat("alpha", 0.7f),
			attrFloat("beta", 1.5f), attrInt("transA", transA), attrInt("transB",
				transB)).output("y", "3,5");
		GradientCheck check = GradientCheck.of(b).input("a", 101, transA == 1
			? new long[] { 4, 3 } : new long[] { 3, 4 }).input("b", 2002, transB == 1
				? new long[] { 5, 4 } : new long[] { 4, 5 });
		if (hasC) check.input("c", 30003, c.isEmpty() ? new long[0]
			: java.util.Arrays.stream(c.split(",")).mapToLong(Long::parseLong)
				.toArray()).check("a", "b", "c");
		else check.check("a", "b");
	}

	@Test
	void gemmWithDefaultAttributes() throws Exception {
		GradientCheck.of(OnnxModels.builder().opset(9).input("a", "2,3").input("b",
			"3,4").input("c", "4").node("Gemm", "a,b,c", "y").output("y", "2,4"))
			.input("a", 1, 2, 3).input("b", 222, 3, 4).input("c", 3333, 4).check("a",
				"b", "c");
	}

	@ParameterizedTest
	@CsvSource({ "'3,4','4,5','3,5'", "'2,3,4,5','5,6','2,3,4,6'",
		"'2,1,3,4','3,4,2','2,3,3,2'", "'4','4,5','5'", "'3,4','4','3'",
		"'4','4',''", "'4','2,4,3','2,3'", "'2,3,4','4','2,3'",
		"'1,3,4','2,4,2','2,3,2'" })
	void matMulBatchedBroadcastAndOneDimensional(String a, String b, String y)
		throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(9).input("a", a).input("b", b)
			.node("MatMul", "a,b", "y").output("y", y)).input("a", 11, dims(a)).input(
				"b", 54321, dims(b)).check("a", "b");
	}

	/**
	 * The equations attention blocks and matrix products export as, and sums,
	 * transposes, ellipses, an implicit output and three operands.
	 */
	@ParameterizedTest
	@CsvSource({ "'bhid,bhjd->bhij','2,2,3,4','2,2,5,4','2,2,3,5'",
		"'bhij,bhjd->bhid','2,2,3,5','2,2,5,4','2,2,3,4'",
		"'ij,jk->ik','3,4','4,5','3,5'", "'ij,jk','3,4','4,5','3,5'",
		"'...ij,...jk->...ik','2,3,4','2,4,5','2,3,5'",
		"'...ij,jk->...ik','2,2,3,4','4,5','2,2,3,5'",
		"'bchw,bkhw->bck','2,3,2,2','2,4,2,2','2,3,4'", "'i,i->','4','4',''",
		"'bij,k->bjik','2,3,4','2','2,4,3,2'", "'ij,kl->i','2,3','4,5','2'" })
	void einsumOfTwoOperands(String equation, String a, String b, String y)
		throws Exception
	{
		GradientCheck.of(OnnxModels.builder().opset(12).input("a", a).input("b", b)
			.node("Einsum", "a,b", "y", attrString("equation", equation)).output("y",
				y)).input("a", 41, dims(a)).input("b", 42, dims(b)).check("a", "b");
	}

	@Test
	void einsumOfOneAndOfThreeOperands() throws Exception {
		for (String[] c : new String[][] { { "bij->bji", "2,4,3" }, { "bij->i",
			"3" }, { "...j->...", "2,3" }, { "jbi", "3,4,2" } })
			GradientCheck.of(OnnxModels.builder().opset(12).input("a", "2,3,4").node(
				"Einsum", "a", "y", attrString("equation", c[0])).output("y", c[1]))
				.input("a", 43, 2, 3, 4).check("a");
		GradientCheck.of(OnnxModels.builder().opset(12).input("a", "2,3").input("b",
			"3,4").input("c", "4,2").node("Einsum", "a,b,c", "y", attrString(
				"equation", "ij,jk,kl->il")).output("y", "2,2")).input("a", 44, 2, 3)
			.input("b", 45, 3, 4).input("c", 46, 4, 2).check("a", "b", "c");
	}

	@ParameterizedTest
	@CsvSource({ "'ii->i','3,3','','diagonal'",
		"'...ij,...jk->...ik','1,3,4','2,4,5','broadcasts an axis of size 1 against 2'" })
	void einsumDiagonalsAndBroadcastingAreRefused(String equation, String a,
		String b, String message)
	{
		OnnxModels.Builder m = OnnxModels.builder().opset(12).input("a", a);
		if (!b.isEmpty()) m.input("b", b);
		GradientCheck check = GradientCheck.of(m.node("Einsum", b.isEmpty() ? "a"
			: "a,b", "y", attrString("equation", equation)).output("y", null)).input(
				"a", 47, dims(a));
		if (!b.isEmpty()) check.input("b", 48, dims(b));
		GanException e = assertThrows(GanException.class, () -> check.check("a"));
		assertTrue(e.getMessage().contains("Einsum (node 'Einsum_0')") && e
			.getMessage().contains(message), e.getMessage());
	}

	private static long[] dims(String s) {
		return s.isEmpty() ? new long[0] : java.util.Arrays.stream(s.split(","))
			.mapToLong(Long::parseLong).toArray();
	}
}
