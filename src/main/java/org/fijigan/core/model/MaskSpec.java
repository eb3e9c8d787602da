
package org.fijigan.core.model;

/**
 * How an inpainting model receives its mask.
 *
 * @param inputName the model input that takes the mask, or null when the mask
 *          is the last channel of the image input
 * @param holeValue the value that marks a pixel to fill (the other pixels get
 *          {@code keepValue})
 * @param keepValue the value that marks a known pixel
 * @param zeroHoles whether the image is zeroed (in model space) under the holes
 *          before the run, as most inpainting networks were trained
 */
public record MaskSpec(String inputName, double holeValue, double keepValue,
		boolean zeroHoles) {

	public boolean isExtraChannel() {
		return inputName == null;
	}
}
