
package org.fijigan.core.image;

/**
 * One full page of a TIFF as its directory states it: what a reader needs to
 * decode its strips (which a check has found sound).
 *
 * @param bits bits per sample
 * @param sampleFormat 1 unsigned, 2 signed, 3 float
 * @param compression the TIFF compression code
 * @param predictor 1 none, 2 horizontal differencing
 * @param planar whether the samples are stored as separate planes
 * @param photometric the TIFF photometric interpretation (0 white is zero)
 * @param littleEndian the file's byte order
 * @param stripOffsets where each strip starts, planes one after the other
 * @param stripBytes each strip's stored length
 * @param xResolution pixels per resolution unit across (XResolution), 0 when
 *          absent
 * @param yResolution pixels per resolution unit down (YResolution), 0 when
 *          absent
 * @param resolutionUnit 1 none, 2 inch, 3 cm; 0 when absent
 * @param tileWidth the width of its tiles, whose offsets and lengths are then
 *          {@code stripOffsets} and {@code stripBytes} (row by row, plane after
 *          plane); 0 for a page of strips
 * @param tileLength the length (rows) of its tiles, also its
 *          {@code rowsPerStrip}; 0 for a page of strips
 * @param jpegTables the JPEG tables its strips or tiles share (compression 7),
 *          null when none
 */
public record TiffPage(int width, int height, int bits, int samples,
		int sampleFormat, int compression, int predictor, boolean planar,
		int photometric, boolean littleEndian, int rowsPerStrip,
		long[] stripOffsets, long[] stripBytes, double xResolution,
		double yResolution, int resolutionUnit, int tileWidth, int tileLength,
		byte[] jpegTables) {
}
