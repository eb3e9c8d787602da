
package org.fijigan.core.train.autodiff;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The registry of gradient rules, by operator type. */
public final class GradientRules {

	/** Operators whose outputs carry no gradient (integer or shape results). */
	static final Set<String> NON_DIFFERENTIABLE = Set.of("Shape", "Size",
		"Constant", "ConstantOfShape", "Equal", "Greater", "GreaterOrEqual", "Less",
		"LessOrEqual", "Not", "And", "Or", "Xor", "ArgMax", "ArgMin", "NonZero",
		"Range", "Floor", "Ceil", "Round", "Sign", "IsNaN", "IsInf");

	private static final Map<String, GradientRule> RULES = new HashMap<>();

	static {
		ElementwiseRules.register(RULES);
		ShapeRules.register(RULES);
		ConvRules.register(RULES);
		NormalizationRules.register(RULES);
		SpatialRules.register(RULES);
		ActivationRules.register(RULES);
		ReductionRules.register(RULES);
	}

	private GradientRules() {}

	/** The rule for {@code opType}, or null. */
	public static GradientRule forOp(String opType) {
		return RULES.get(opType);
	}

	/** Every operator with a rule, sorted. */
	public static Set<String> supportedOps() {
		return new TreeSet<>(RULES.keySet());
	}
}
