
package org.fijigan.core.image;

/**
 * Keys of the {@link RasterImage#properties() properties} in which an adapter
 * keeps how a viewer shows an image, so that a result can be shown as its input
 * was: the display mode, each channel's lookup table and display range, the
 * overlay and selection, and the unit of the pixel values. The engine reads
 * none of the values; it decides which of them still hold for a result
 * ({@code org.fijigan.core.pipeline.InheritedMetadata}). They are not
 * provenance: writers leave them out of a file's {@code fiji-gan.*} text.
 */
public final class ViewerProperties {

	/** The prefix of every key here. */
	public static final String PREFIX = "viewer.";
	/** {@code composite}, {@code color} or {@code grayscale}. */
	public static final String MODE = PREFIX + "mode";
	/** Followed by the 1-based channel: the channel's lookup table. */
	public static final String LUT = PREFIX + "lut.";
	/**
	 * Followed by the 1-based channel: {@code MIN,MAX}, the channel's display
	 * range in the image's values.
	 */
	public static final String RANGE = PREFIX + "range.";
	/** The overlay, as the adapter encodes it. */
	public static final String OVERLAY = PREFIX + "overlay";
	/** The selection, as the adapter encodes it. */
	public static final String ROI = PREFIX + "roi";
	/**
	 * How much the overlay and selection are to be magnified (a whole number),
	 * for a result larger than its input.
	 */
	public static final String SHAPES_SCALE = PREFIX + "shapes.scale";
	/** The unit of the pixel values (Hounsfield units, ...). */
	public static final String VALUE_UNIT = PREFIX + "value.unit";

	private ViewerProperties() {}
}
