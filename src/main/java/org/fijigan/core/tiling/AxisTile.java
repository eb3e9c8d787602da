
package org.fijigan.core.tiling;

/**
 * One tile along one axis, all in input pixels. The model sees
 * {@code windowSize} pixels: image pixels
 * {@code [readStart, readStart + readLength)} followed by {@code padAfter}
 * mirrored pixels. Of its output, the part that corresponds to input pixels
 * {@code [keepStart, keepEnd)} is kept.
 */
public record AxisTile(int readStart, int readLength, int padAfter,
		int keepStart, int keepEnd) {

	public int windowSize() {
		return readLength + padAfter;
	}

	/** Offset of the kept part inside the window, in input pixels. */
	public int keepOffset() {
		return keepStart - readStart;
	}

	public int keepLength() {
		return keepEnd - keepStart;
	}
}
