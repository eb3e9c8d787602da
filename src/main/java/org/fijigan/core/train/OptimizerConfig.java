package org.fijigan.core.train;

import java.util.Locale;

import org.fijigan.core.GanException;

/**
 * The optimizer of a training run. {@code ADAM} with {@code weightDecay > 0} is AdamW (decoupled
 * decay). Defaults are the GAN-friendly ones: betas 0.5 and 0.999.
 */
public record OptimizerConfig(Kind kind, double learningRate, double beta1, double beta2,
	double epsilon, double weightDecay)
{
	public enum Kind {
		SGD, ADAM
	}

	public OptimizerConfig {
		if (!(learningRate > 0) || Double.isInfinite(learningRate)) throw new GanException(
			"learning rate must be positive, got " + learningRate);
		if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new GanException(
			"Adam betas must be in [0, 1)");
	}

	public static OptimizerConfig sgd(double lr) {
		return new OptimizerConfig(Kind.SGD, lr, 0, 0, 0, 0);
	}

	public static OptimizerConfig adam(double lr) {
		return new OptimizerConfig(Kind.ADAM, lr, 0.5, 0.999, 1e-8, 0);
	}

	public static OptimizerConfig parse(String kind, double lr) {
		return switch (kind.trim().toLowerCase(Locale.ROOT)) {
			case "sgd" -> sgd(lr);
			case "adam" -> adam(lr);
			case "adamw" -> new OptimizerConfig(Kind.ADAM, lr, 0.5, 0.999, 1e-8, 0.01);
			default -> throw new GanException("unknown optimizer '" + kind + "': use adam, adamw or sgd");
		};
	}

	public OptimizerConfig withLearningRate(double lr) {
		return new OptimizerConfig(kind, lr, beta1, beta2, epsilon, weightDecay);
	}

	/** Optimizer state tensors per parameter: 0 for SGD, 2 (m, v) for Adam. */
	public int stateSlots() {
		return kind == Kind.ADAM ? 2 : 0;
	}
}
