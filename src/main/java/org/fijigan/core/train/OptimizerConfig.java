
package org.fijigan.core.train;

import java.util.Locale;

import org.fijigan.core.GanException;

/**
 * The optimizer of a training run. {@code ADAM} with {@code weightDecay > 0} is
 * AdamW (decoupled decay). Defaults are the GAN-friendly ones: betas 0.5 and
 * 0.999.
 */
public record OptimizerConfig(Kind kind, double learningRate, double beta1,
		double beta2, double epsilon, double weightDecay, Schedule schedule) {

	public enum Kind {
			SGD, ADAM
	}

	/** How the learning rate changes over a run of {@code steps} steps. */
	public enum Schedule {

			/** The same rate at every step. */
			CONSTANT,
			/**
			 * Cosine decay from the rate at step 0 towards 0 at the end (Loshchilov
			 * and Hutter 2017).
			 */
			COSINE;

		/**
		 * The factor on the learning rate at step {@code step} (0-based) of
		 * {@code steps}.
		 */
		public double factor(long step, long steps) {
			return this == CONSTANT || steps <= 1 ? 1 : 0.5 * (1 + Math.cos(Math.PI *
				step / steps));
		}

		public static Schedule parse(String text) {
			return switch (text.trim().toLowerCase(Locale.ROOT)) {
				case "constant" -> CONSTANT;
				case "cosine" -> COSINE;
				default -> throw new GanException("unknown learning-rate schedule '" +
					text + "': use constant or cosine");
			};
		}
	}

	/** A constant learning rate. */
	public OptimizerConfig(Kind kind, double learningRate, double beta1,
		double beta2, double epsilon, double weightDecay)
	{
		this(kind, learningRate, beta1, beta2, epsilon, weightDecay,
			Schedule.CONSTANT);
	}

	public OptimizerConfig withSchedule(Schedule s) {
		return new OptimizerConfig(kind, learningRate, beta1, beta2, epsilon,
			weightDecay, s);
	}

	public OptimizerConfig {
		if (schedule == null) schedule = Schedule.CONSTANT;
		if (!(learningRate > 0) || Double.isInfinite(learningRate))
			throw new GanException("learning rate must be positive, got " +
				learningRate);
		String problem = floatProblem("learning rate", learningRate);
		if (problem != null) throw new GanException(problem);
		if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
			throw new GanException("Adam betas must be in [0, 1)");
	}

	/**
	 * Why a positive learning rate named {@code name} cannot be the float the
	 * training step takes it as, or null when it can: 1e39 becomes infinite and
	 * 1e-50 becomes 0, which would train nothing.
	 */
	public static String floatProblem(String name, double lr) {
		float f = (float) lr;
		if (Float.isInfinite(f)) return name + " must be at most " +
			Float.MAX_VALUE + " (the step takes it as a float), got " + lr;
		if (f == 0) return name + " must be at least " + Float.MIN_VALUE +
			" (the step takes it as a float, and a smaller one is 0: nothing " +
			"would train), got " + lr;
		return null;
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
			case "adamw" -> new OptimizerConfig(Kind.ADAM, lr, 0.5, 0.999, 1e-8,
				0.01);
			default -> throw new GanException("unknown optimizer '" + kind +
				"': use adam, adamw or sgd");
		};
	}

	public OptimizerConfig withLearningRate(double lr) {
		return new OptimizerConfig(kind, lr, beta1, beta2, epsilon, weightDecay,
			schedule);
	}

	/**
	 * The same optimizer with Adam's betas {@code (b1, b2)}; WGAN-GP uses (0,
	 * 0.9) or (0.5, 0.9).
	 */
	public OptimizerConfig withBetas(double b1, double b2) {
		if (kind == Kind.SGD) throw new GanException(
			"--adam-betas applies to adam and adamw, not sgd");
		return new OptimizerConfig(kind, learningRate, b1, b2, epsilon, weightDecay,
			schedule);
	}

	/**
	 * The same optimizer with the betas of {@code --adam-betas B1,B2}; null,
	 * blank or the betas it has already (SGD's included, so a dialog's default
	 * passes) change nothing.
	 */
	public OptimizerConfig withBetas(String text) {
		if (text == null || text.isBlank()) return this;
		double[] b = parseBetas(text);
		if (kind == Kind.SGD && b[0] == 0.5 && b[1] == 0.999) return this;
		return b[0] == beta1 && b[1] == beta2 ? this : withBetas(b[0], b[1]);
	}

	/**
	 * Parses {@code --adam-betas B1,B2}.
	 *
	 * @return {b1, b2}, each in [0, 1)
	 */
	public static double[] parseBetas(String text) {
		String[] parts = text.trim().split("\\s*,\\s*");
		try {
			if (parts.length == 2) {
				double b1 = Double.parseDouble(parts[0]), b2 = Double.parseDouble(
					parts[1]);
				if (b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1) return new double[] { b1,
					b2 };
			}
		}
		catch (NumberFormatException e) {
			// the message below
		}
		throw new GanException(
			"--adam-betas needs two numbers in [0, 1) separated by a comma (e.g. " +
				"0.5,0.9), got '" + text + "'");
	}

	/**
	 * The optimizer as {@code --optimizer} names it: {@code sgd}, {@code adam},
	 * or {@code adamw} for Adam with decoupled weight decay.
	 */
	public String id() {
		return kind == Kind.SGD ? "sgd" : weightDecay > 0 ? "adamw" : "adam";
	}

	/**
	 * The optimizer for the model's metadata: its name, the learning rate asked
	 * for, AdamW's weight decay and a schedule other than constant, e.g.
	 * {@code adamw lr=1.0E-4 weight_decay=0.01 cosine}.
	 */
	public String describe() {
		return id() + " lr=" + learningRate + (weightDecay > 0 ? " weight_decay=" +
			weightDecay : "") + (schedule == Schedule.CONSTANT ? "" : " " + schedule
				.name().toLowerCase(Locale.ROOT));
	}

	/** Optimizer state tensors per parameter: 0 for SGD, 2 (m, v) for Adam. */
	public int stateSlots() {
		return kind == Kind.ADAM ? 2 : 0;
	}
}
