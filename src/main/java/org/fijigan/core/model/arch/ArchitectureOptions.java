
package org.fijigan.core.model.arch;

import java.util.List;
import java.util.Objects;

import org.fijigan.core.GanException;

/**
 * Hyper-parameters of a fresh generator; each architecture reads the ones it
 * needs.
 *
 * @param scale super-resolution factor (2, 3 or 4)
 * @param channels image channels
 * @param classes classes of a conditional generator (0: unconditional)
 * @param classNames names of the classes (empty, or {@code classes} names)
 * @param latent latent vector length of a generator
 * @param width feature channels of the first layers
 * @param blocks residual blocks (RRDB, at least 1) or convolution layers
 *          (denoiser, at least 3); 0 for the architecture's default
 *          ({@link Architecture#defaultBlocks()}), which a user-facing option
 *          should not offer as a number
 * @param size output side of a generator (a power of two, at least 8)
 * @param seed seeds every initial weight
 * @param init how the residual denoiser's ReLU convolutions are initialised
 *          (the other architectures ignore it)
 */
public record ArchitectureOptions(int scale, int channels, int classes,
		List<String> classNames, int latent, int width, int blocks, int size,
		long seed, WeightInit init) {

	/**
	 * Initial weights of a convolution followed by a ReLU, uniform in
	 * {@code +-bound}; its biases are drawn in the same range (as PyTorch's
	 * default draws them, scaled alike).
	 */
	public enum WeightInit {

			/**
			 * PyTorch's default for a Conv2d: {@code bound = 1 / sqrt(fan_in)}, a
			 * variance of {@code 1 / (3 fan_in)}. Each ReLU layer then shrinks the
			 * signal's second moment about sixfold, so a deep plain stack starts with
			 * almost no signal or gradient at its far end.
			 */
			PYTORCH,
			/**
			 * He et al. 2015 (Kaiming uniform): {@code bound = sqrt(6 / fan_in)}, a
			 * variance of {@code 2 / fan_in}, which keeps the second moment through
			 * ReLU layers at any depth.
			 */
			KAIMING;

		/** The weights' bound over PyTorch's default one. */
		public double gain() {
			return this == KAIMING ? Math.sqrt(6) : 1;
		}

		/** {@code pytorch} or {@code kaiming}, any case. */
		public static WeightInit parse(String s) {
			for (WeightInit w : values())
				if (w.name().equalsIgnoreCase(s)) return w;
			throw new GanException("unknown initialisation '" + s +
				"': use kaiming or pytorch");
		}
	}

	/** As the canonical constructor, with {@link WeightInit#KAIMING}. */
	public ArchitectureOptions(int scale, int channels, int classes,
		List<String> classNames, int latent, int width, int blocks, int size,
		long seed)
	{
		this(scale, channels, classes, classNames, latent, width, blocks, size,
			seed, WeightInit.KAIMING);
	}

	public ArchitectureOptions {
		classNames = classNames == null ? List.of() : List.copyOf(classNames);
		if (channels < 1 || channels > 64) throw new GanException(
			"channels must be 1..64, got " + channels);
		if (width < 4 || width > 512) throw new GanException(
			"width must be 4..512, got " + width);
		if (blocks < 0 || blocks > 64) throw new GanException(
			"blocks must be 0..64, got " + blocks);
		if (classes < 0 || classes > 10_000) throw new GanException(
			"classes must be 0..10000, got " + classes);
		if (!classNames.isEmpty() && classNames.size() != classes)
			throw new GanException(classNames.size() + " class names given for " +
				classes + " classes");
		if (latent < 1 || latent > 4096) throw new GanException(
			"latent length must be 1..4096, got " + latent);
		Objects.requireNonNull(init);
	}

	public ArchitectureOptions withInit(WeightInit w) {
		return new ArchitectureOptions(scale, channels, classes, classNames, latent,
			width, blocks, size, seed, w);
	}

	/**
	 * Defaults: x2, 1 channel, unconditional, latent 64, width 32, default depth,
	 * 64 px, seed 0.
	 */
	public static ArchitectureOptions defaults() {
		return new ArchitectureOptions(2, 1, 0, List.of(), 64, 32, 0, 64, 0);
	}
}
