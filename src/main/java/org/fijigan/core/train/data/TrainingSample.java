
package org.fijigan.core.train.data;

import org.fijigan.core.image.ChannelMap;

/**
 * One training example, in the model's value space, ready to be stacked into a
 * {@link TrainingBatch}.
 *
 * @param name the image (and plane) it was cut from, for messages
 * @param input the model's image input (for an inpainting model whose mask is
 *          an extra channel, the mask is its last channel); null for a
 *          generator, which takes {@code latent}
 * @param mask for inpainting, one plane in the model's mask convention
 *          ({@code MaskSpec}'s hole and keep values); null otherwise
 * @param target what the model should produce: the clean (or the target
 *          folder's) image, in the model's output range; for a generator, a
 *          real image
 * @param label the class label for a conditional generator, else -1
 * @param latent for a generator, its latent vector (standard normal values),
 *          else null
 * @param inputMap the per-channel map from raw image values to the model's
 *          input range that was used for this sample (identity for
 *          normalisation {@code none}); null for a generator
 * @param targetMap the same for the target, into the model's output range;
 *          applying its inverse to a model output gives raw values
 * @param lossMask where the loss counts, planes of the target's shape (1
 *          counts, 0 does not); null when it counts everywhere. Noise2Void's
 *          blind spots ({@link Degradation.BlindSpot}).
 */
public record TrainingSample(String name, Planes input, Planes mask,
		Planes target, int label, float[] latent, ChannelMap inputMap,
		ChannelMap targetMap, Planes lossMask) {
}
