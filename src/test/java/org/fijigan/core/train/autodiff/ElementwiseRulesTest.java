package org.fijigan.core.train.autodiff;

import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

class ElementwiseRulesTest {
	@Test
	void addWithBroadcasting() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("a", "2,3,4").input("b", "3,1").node("Add", "a,b", "y")
			.output("y", "2,3,4")).input("a", 1, 2, 3, 4).input("b", 2, 3, 1).check("a", "b");
	}

	@Test
	void subAndMulWithBroadcasting() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("a", "2,3").input("b", "3").node("Sub", "a,b", "d")
			.node("Mul", "d,b", "y").output("y", "2,3")).input("a", 3, 2, 3).input("b", 4, 3).check("a",
				"b");
	}

	@Test
	void reluAwayFromTheKink() throws Exception {
		// values kept away from 0 so that +-eps does not cross the kink
		float[] x = { -0.9f, -0.5f, 0.4f, 0.8f, -0.3f, 0.6f };
		GradientCheck.of(OnnxModels.builder().input("x", "2,3").node("Relu", "x", "y").output("y", "2,3"))
			.input("x", x, 2, 3).check("x");
	}

	@Test
	void aValueUsedTwiceSumsItsGradients() throws Exception {
		GradientCheck.of(OnnxModels.builder().input("x", "4").node("Mul", "x,x", "s").node("Add", "s,x",
			"y").output("y", "4")).input("x", 5, 4).check("x");
	}
}
