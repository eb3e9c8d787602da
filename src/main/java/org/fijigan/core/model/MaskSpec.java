
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
 * @param layout the layout of the mask input, with one channel where it has a
 *          channel axis ({@code bcyx} for {@code [N,1,H,W]}, {@code byxc} for
 *          {@code [N,H,W,1]}, {@code byx} for {@code [N,H,W]}); null for the
 *          image input's layout
 */
public record MaskSpec(String inputName, double holeValue, double keepValue,
		boolean zeroHoles, TensorLayout layout) {

	/** A mask given in the image input's layout. */
	public MaskSpec(String inputName, double holeValue, double keepValue,
		boolean zeroHoles)
	{
		this(inputName, holeValue, keepValue, zeroHoles, null);
	}

	public boolean isExtraChannel() {
		return inputName == null;
	}

	/**
	 * This mask with {@code hole} marking a hole, and the other of 0 and 1 a
	 * known pixel.
	 */
	public MaskSpec withHoleValue(double hole) {
		return new MaskSpec(inputName, hole, hole == 0 ? 1 : 0, zeroHoles, layout);
	}
}
