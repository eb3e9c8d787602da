
package org.fijigan.core.train;

import org.fijigan.core.model.TensorLayout;

/**
 * What is trained, as the loop needs to know it.
 *
 * @param output the generator output the losses apply to
 * @param subtractFrom the input the output is subtracted from (a
 *          noise-predicting model), or null
 * @param labelInput the model's class-label input (fed to a conditional
 *          discriminator), or null
 * @param classCount classes of a conditional generator (0 otherwise)
 * @param generator whether the model is a generator: trained by the adversarial
 *          loss alone, its batches' targets being real images rather than pixel
 *          targets
 * @param outputRange width of the output's value range, for PSNR
 * @param baseSha256 SHA-256 of the model file, for provenance and resume checks
 * @param imageLayout the layout of the output and of the batches' targets (the
 *          discriminator turns them into its own {@code bcyx})
 */
public record TrainingTarget(String output, String subtractFrom,
		String labelInput, int classCount, boolean generator, double outputRange,
		String baseSha256, TensorLayout imageLayout) {

	/** A target whose output is laid out {@code bcyx}. */
	public TrainingTarget(String output, String subtractFrom, String labelInput,
		int classCount, boolean generator, double outputRange, String baseSha256)
	{
		this(output, subtractFrom, labelInput, classCount, generator, outputRange,
			baseSha256, TensorLayout.BCYX);
	}
}
