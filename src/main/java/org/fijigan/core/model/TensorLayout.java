
package org.fijigan.core.model;

import java.util.Locale;

import org.fijigan.core.GanException;

/**
 * The meaning of each axis of an image tensor, as a bioimage.io-style axes
 * string: {@code b} batch, {@code c} channel, {@code y}, {@code x} space. The
 * engine handles 2D layouts with y and x and optional b and c, in any order
 * ({@code bcyx}, {@code byxc}, {@code cyx}, {@code yx}, ...).
 */
public record TensorLayout(String axes) {

	public static final TensorLayout BCYX = new TensorLayout("bcyx");
	public static final TensorLayout BYXC = new TensorLayout("byxc");

	public TensorLayout {
		axes = axes.toLowerCase(Locale.ROOT);
		if (axes.indexOf('x') < 0 || axes.indexOf('y') < 0) throw new GanException(
			"tensor axes '" + axes +
				"' have no x and y: fiji-gan runs 2D image models");
		for (char ch : axes.toCharArray())
			if ("bcyx".indexOf(ch) < 0) throw new GanException("tensor axes '" +
				axes + "' have axis '" + ch +
				"': fiji-gan runs 2D models with axes from b, c, y, x");
		for (char ch : "bcyx".toCharArray())
			if (axes.indexOf(ch) != axes.lastIndexOf(ch)) throw new GanException(
				"tensor axes '" + axes + "' repeat '" + ch + "'");
	}

	public int rank() {
		return axes.length();
	}

	/** Index of the batch axis, or -1. */
	public int batchAxis() {
		return axes.indexOf('b');
	}

	/** Index of the channel axis, or -1. */
	public int channelAxis() {
		return axes.indexOf('c');
	}

	public int yAxis() {
		return axes.indexOf('y');
	}

	public int xAxis() {
		return axes.indexOf('x');
	}

	/**
	 * The tensor shape for {@code batch x channels x height x width} in this
	 * layout.
	 */
	public long[] shape(int batch, int channels, int height, int width) {
		long[] s = new long[rank()];
		for (int i = 0; i < s.length; i++)
			s[i] = switch (axes.charAt(i)) {
				case 'b' -> batch;
				case 'c' -> channels;
				case 'y' -> height;
				default -> width;
			};
		return s;
	}

	/**
	 * Whether elements are stored as b, c, y, x in that order (after dropping
	 * absent axes).
	 */
	public boolean isChannelsFirst() {
		int c = channelAxis();
		return c < 0 || c < yAxis();
	}

	@Override
	public String toString() {
		return axes;
	}
}
