
package org.fijigan.core.model.arch;

import java.util.List;

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
 * @param blocks residual blocks (RRDB) or convolution layers (denoiser); 0 for
 *          the default
 * @param size output side of a generator (a power of two, at least 8)
 * @param seed seeds every initial weight
 */
public record ArchitectureOptions(int scale, int channels, int classes,
		List<String> classNames, int latent, int width, int blocks, int size,
		long seed) {

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
	}

	/**
	 * Defaults: x2, 1 channel, unconditional, latent 64, width 32, default depth,
	 * 64 px, seed 0.
	 */
	public static ArchitectureOptions defaults() {
		return new ArchitectureOptions(2, 1, 0, List.of(), 64, 32, 0, 64, 0);
	}
}
