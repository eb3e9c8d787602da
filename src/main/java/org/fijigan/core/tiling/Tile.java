
package org.fijigan.core.tiling;

/** A 2D tile: the product of one x and one y {@link AxisTile}. */
public record Tile(AxisTile x, AxisTile y) {

	public int windowWidth() {
		return x.windowSize();
	}

	public int windowHeight() {
		return y.windowSize();
	}
}
