
package org.fijigan.core.train.data;

/**
 * One plane of one training image (or pair): the unit of sampling and of the
 * validation split.
 *
 * @param name the image's name, with the plane when it has several
 * @param target index of its (target) image
 * @param input index of its input image, or -1 when it is not a pair
 * @param label class label for a conditional generator, else -1
 * @param channel the one channel it takes, for a 1-channel model trained on
 *          images of several; -1 for all of them
 */
record TrainingItem(String name, int target, int input, int z, int t, int label,
		int channel) {
}
