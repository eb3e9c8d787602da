
package org.fijigan.core.image;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;

/**
 * The NaN and infinite pixels of an image, counted per channel and plane in one
 * pass, and the refusal of a channel, or of one plane of it, that holds nothing
 * else: such pixels are fed to a model as 0, so whatever it gives for a channel
 * or a plane of nothing but them is made up, as for an image of nothing else.
 * Integer and RGB images hold none.
 */
public final class FinitePixels {

	private final RasterImage image;
	/** Per logical channel, per plane {@code z + t * slices}. */
	private final long[][] nonFinite;
	private final long total;

	private FinitePixels(RasterImage image, long[][] nonFinite, long total) {
		this.image = image;
		this.nonFinite = nonFinite;
		this.total = total;
	}

	/** Counts the NaN and infinite pixels of {@code image}. */
	public static FinitePixels of(RasterImage image) {
		int planes = image.slices() * image.frames();
		long[][] counts = new long[image.logicalChannels()][planes];
		long total = 0;
		if (image.type() == PixelType.FLOAT32) for (int c = 0; c < image
			.channels(); c++)
			for (int p = 0; p < planes; p++) {
				long n = 0;
				for (float v : (float[]) image.plane(c, p % image.slices(), p / image
					.slices()))
					if (!Float.isFinite(v)) n++;
				counts[c][p] = n;
				total += n;
			}
		return new FinitePixels(image, counts, total);
	}

	/** NaN and infinite pixels in the whole image. */
	public long total() {
		return total;
	}

	/**
	 * NaN and infinite pixels in {@code channels} (logical, from 0, distinct).
	 */
	public long inChannels(int[] channels) {
		long n = 0;
		for (int c : channels)
			for (long k : nonFinite[c])
				n += k;
		return n;
	}

	/**
	 * Refuses the image when one of {@code channels} (logical, from 0), or one
	 * plane (slice and frame) of one, has no finite pixel. The message names it
	 * as ImageJ numbers them, from 1 (the channel only where the image has
	 * several, and so on), then {@code what} ("image a.tif"), and ends with
	 * {@code consequence}.
	 *
	 * @throws GanException naming the first such channel, else the first such
	 *           plane
	 */
	public void refuseEmpty(int[] channels, String what, String consequence) {
		long perPlane = (long) image.width() * image.height();
		int planes = image.slices() * image.frames();
		for (int c : channels) {
			long n = inChannels(new int[] { c });
			if (n == perPlane * planes) throw refusal(c, -1, n, what, consequence);
		}
		if (planes > 1) for (int p = 0; p < planes; p++)
			for (int c : channels)
				if (nonFinite[c][p] == perPlane) throw refusal(c, p, perPlane, what,
					consequence);
	}

	private GanException refusal(int c, int plane, long pixels, String what,
		String consequence)
	{
		return new GanException(placeOf(image, c, plane) + what +
			" has no finite pixel (all " + pixels + " are NaN or infinite): " +
			consequence);
	}

	/**
	 * Where in {@code image} a message points, as ImageJ numbers from 1, then "
	 * of ": "channel 2, slice 3 of " (a channel only where the image has several,
	 * and so on); "" where there is nothing to name.
	 *
	 * @param c the logical channel from 0, or -1 for none
	 * @param plane the plane {@code z + t * slices}, or -1 for none
	 */
	public static String placeOf(RasterImage image, int c, int plane) {
		List<String> where = new ArrayList<>();
		if (c >= 0 && image.logicalChannels() > 1) where.add("channel " + (c + 1));
		if (plane >= 0 && image.slices() > 1) where.add("slice " + (plane % image
			.slices() + 1));
		if (plane >= 0 && image.frames() > 1) where.add("frame " + (plane / image
			.slices() + 1));
		return where.isEmpty() ? "" : String.join(", ", where) + " of ";
	}
}
