
package org.fijigan.core.model.arch;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.fijigan.core.GanException;

/** The generator architectures {@code create-model} writes. */
public enum Architecture {

		/**
		 * ESRGAN-style super-resolution: residual-in-residual dense blocks,
		 * pixel-shuffle upsampling, added to a bicubic upscale of the input (so a
		 * fresh model starts as bicubic).
		 */
		RRDB_SR("rrdb-sr",
			"super-resolution: RRDB trunk + pixel shuffle, residual over bicubic"),
		/**
		 * DnCNN-style residual denoiser: a plain conv/ReLU stack predicts the
		 * noise; output = input - noise.
		 */
		DENOISER("residual-denoiser",
			"denoising: conv/ReLU stack predicting the noise (DnCNN-style)"),
		/**
		 * Inpainting: a fixed multigrid harmonic fill of the hole (a smooth
		 * interpolation from the known pixels) refined by gated, dilated
		 * convolutions; inputs image and mask (1 = hole).
		 */
		GATED_INPAINT("gated-inpaint",
			"inpainting: multigrid harmonic fill refined by gated dilated convolutions"),
		/**
		 * Inpainting, faster: a fixed multigrid fill with few sweeps per level (a
		 * rough harmonic interpolation at every scale) refined by a U-Net of gated
		 * convolutions working at 1/2 to 1/8 resolution; inputs image and mask (1 =
		 * hole).
		 */
		GATED_INPAINT_UNET("gated-inpaint-unet",
			"inpainting: multigrid fill refined by a U-Net of gated convolutions"),
		/**
		 * A class-conditional DCGAN-style generator: latent (+ class embedding) to
		 * a 4x4 map, then nearest upsampling + conv + pixel norm stages to the
		 * output size, tanh output.
		 */
		DCGAN("dcgan",
			"generation: class-conditional DCGAN-style generator with pixel norm");

	private final String id;
	private final String summary;

	Architecture(String id, String summary) {
		this.id = id;
		this.summary = summary;
	}

	public String id() {
		return id;
	}

	public String summary() {
		return summary;
	}

	/** The most blocks any architecture takes. */
	public static final int MAX_BLOCKS = 64;

	/**
	 * The fewest blocks this architecture is built with: one RRDB block; three
	 * convolution layers for the denoiser (one in, one predicting the noise, one
	 * between them); 0 for an architecture without blocks.
	 */
	public int minBlocks() {
		return switch (this) {
			case RRDB_SR -> 1;
			case DENOISER -> 3;
			default -> 0;
		};
	}

	/** The blocks it has unless told: 0 for an architecture without blocks. */
	public int defaultBlocks() {
		return switch (this) {
			case RRDB_SR -> 2;
			case DENOISER -> 8;
			default -> 0;
		};
	}

	/**
	 * Refuses a number of blocks this architecture cannot be built with (0
	 * included: it is no depth); for an architecture that takes blocks.
	 */
	public int checkBlocks(int blocks) {
		if (blocks < minBlocks() || blocks > MAX_BLOCKS) throw new GanException(
			"--blocks of " + id + " counts its " + (this == RRDB_SR ? "RRDB blocks"
				: "convolution layers") + ", " + minBlocks() + " to " + MAX_BLOCKS +
				" (default " + defaultBlocks() + "), not " + blocks);
		return blocks;
	}

	/**
	 * The blocks to build with: {@code requested}, checked, or the default for 0
	 * (what {@link ArchitectureOptions#blocks()} 0 means).
	 */
	int blocks(int requested) {
		return requested == 0 ? defaultBlocks() : checkBlocks(requested);
	}

	public static Architecture parse(String text) {
		String t = text.trim().toLowerCase(Locale.ROOT);
		for (Architecture a : values())
			if (a.id.equals(t)) return a;
		throw new GanException("unknown architecture '" + text + "'; known: " +
			Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(
				", ")));
	}
}
