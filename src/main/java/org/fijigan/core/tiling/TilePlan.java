
package org.fijigan.core.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * How one plane is cut into tiles. All tiles of a plan share one window size
 * (so they can be batched), except that an image smaller than the window is
 * padded up to it.
 *
 * @param haloPixels the context kept on each side of a tile's kept part, in
 *          input pixels
 * @param notes decisions a user should know about (halo reduced to fit a fixed
 *          input, ...)
 */
public record TilePlan(List<AxisTile> xTiles, List<AxisTile> yTiles,
		int haloPixels, List<String> notes) {

	public TilePlan {
		xTiles = List.copyOf(xTiles);
		yTiles = List.copyOf(yTiles);
		notes = List.copyOf(notes);
	}

	/** Tiles in row-major order (y outer, x inner). */
	public List<Tile> tiles() {
		List<Tile> tiles = new ArrayList<>(xTiles.size() * yTiles.size());
		for (AxisTile y : yTiles)
			for (AxisTile x : xTiles)
				tiles.add(new Tile(x, y));
		return tiles;
	}

	public int tileCount() {
		return xTiles.size() * yTiles.size();
	}

	public int windowWidth() {
		return xTiles.get(0).windowSize();
	}

	public int windowHeight() {
		return yTiles.get(0).windowSize();
	}

	public boolean isSingleTile() {
		return tileCount() == 1;
	}
}
