
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run that measures a model's scale when nothing states it. */
class ScaleProbeTest {

	@TempDir
	Path dir;

	@Test
	void aModelThatNeverEndsIsStoppedAndNamedInsteadOfHangingTheLoad() {
		Path model = OnnxModels.loopForever().write(dir, "loop.onnx");
		long before = ScaleProbe.maxProbeMillis;
		ScaleProbe.maxProbeMillis = 1500;
		long start = System.nanoTime();
		try {
			GanException e = assertThrows(GanException.class, () -> ModelLoader.load(
				model.toString(), ModelOverrides.NONE));
			assertTrue(e.getMessage().startsWith(
				"could not find the model's scale: a probe run on a "), e.getMessage());
			assertTrue(e.getMessage().endsWith(
				" zero image did not end within 1.5 s (does the model loop?); state " +
					"the model's scale with --scale"), e.getMessage());
		}
		finally {
			ScaleProbe.maxProbeMillis = before;
		}
		// a generous bound: the point is that it returns, not how fast
		assertTrue((System.nanoTime() - start) / 1e9 < 60);
		// the scale stated, nothing is probed and the model loads
		assertEquals(1.0, ModelLoader.load(model.toString(), ModelOverrides.NONE
			.withScale(1.0)).scale());
	}

	/**
	 * A pixel shuffle x2 behind an operator the graph analysis does not follow
	 * (Einsum), so its scale is probed: with a batch fixed at 4, the probe feeds
	 * 4 images (it fed 1, which ONNX Runtime refused).
	 */
	@Test
	void aModelWithAFixedBatchIsProbedWithThatBatch() {
		for (String batch : new String[] { "N", "4" }) {
			Path model = OnnxModels.builder().input("x", batch + ",4,H,W").node(
				"Einsum", "x", "e", OnnxModels.attrString("equation", "nchw->nchw"))
				.node("DepthToSpace", "e", "y", OnnxModels.attrInt("blocksize", 2))
				.output("y", batch + ",1,H2,W2").write(dir, "shuffle" + batch +
					".onnx");
			ModelDescriptor d = ModelLoader.load(model.toString(),
				ModelOverrides.NONE);
			assertEquals(2.0, d.scale(), batch);
			assertEquals("probed", d.origins().get("scale"), batch);
		}
	}

	/**
	 * A Resize whose scale is computed from the image's values, after a node that
	 * already breaks exact tiling (the same ReduceMax): its scale (2) is probed.
	 * It was taken from the graph as 1, since an operator not understood after a
	 * breaker left the estimate marked exact.
	 */
	@Test
	void aScaleComputedFromTheImageAfterABreakerIsProbed() {
		Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer("zero",
			new float[] { 0 }).initializer("two", new float[] { 2 }).initializer(
				"ones", new float[] { 1, 1 }, 2).initializer("one", new long[] { 1 }, 1)
			.node("ReduceMax", "x", "max", OnnxModels.attrInt("keepdims", 0)).node(
				"Mul", "max,zero", "none").node("Add", "none,two", "two_again").node(
					"Reshape", "two_again,one", "factor").node("Concat",
						"ones,factor,factor", "scales", OnnxModels.attrInt("axis", 0)).node(
							"Resize", "x,,scales", "y", OnnxModels.attrString("mode",
								"nearest")).output("y", "N,1,H2,W2").write(dir,
									"dynamic-scale.onnx");
		ModelDescriptor d = ModelLoader.load(model.toString(), ModelOverrides.NONE);
		assertEquals(2.0, d.scale());
		assertEquals("probed", d.origins().get("scale"));
	}

	/**
	 * A pixel shuffle behind Einsum with a fixed input smaller than the probe
	 * would choose (5x8): probed at that size. It was refused ("no valid probe
	 * size") with advice fine-tune has no option for.
	 */
	@Test
	void aFixedInputSmallerThanTheProbeWantsIsProbedAtItsSize() {
		Path model = OnnxModels.builder().input("x", "1,4,5,8").node("Einsum", "x",
			"e", OnnxModels.attrString("equation", "nchw->nchw")).node("DepthToSpace",
				"e", "y", OnnxModels.attrInt("blocksize", 2)).output("y", "1,1,H2,W2")
			.write(dir, "small-fixed.onnx");
		ModelDescriptor d = ModelLoader.load(model.toString(), ModelOverrides.NONE);
		assertEquals(2.0, d.scale());
		assertEquals("probed", d.origins().get("scale"));
	}

	@Test
	void anOrdinaryModelIsMeasured() {
		Path model = OnnxModels.pixelShuffle(1, 3).write(dir, "x3.onnx");
		assertEquals(3.0, ModelLoader.load(model.toString(), ModelOverrides.NONE)
			.scale());
	}
}
