
package org.fijigan.core.image;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An image as the engine sees it: {@code channels x slices x frames} planes of
 * one {@link PixelType}, each plane a plain array ({@code byte[]},
 * {@code short[]}, {@code float[]} or packed-RGB {@code int[]}) of
 * {@code width * height} pixels in row-major order. Planes are ordered as in an
 * ImageJ hyperstack: channel fastest, then slice, then frame.
 * <p>
 * The plane arrays are shared, not copied: an adapter can wrap an ImagePlus's
 * own arrays. The engine only reads an input image and only writes images it
 * created itself. Not thread-safe for writes to the same plane.
 */
public final class RasterImage {

	private final int width;
	private final int height;
	private final int channels;
	private final int slices;
	private final int frames;
	private final PixelType type;
	private final Object[] planes;
	private Calibration calibration = Calibration.NONE;
	private String title = "image";
	private final Map<String, String> properties = new LinkedHashMap<>();

	/**
	 * Wraps existing plane arrays (not copied).
	 *
	 * @param planes {@code channels * slices * frames} arrays of
	 *          {@code width * height} pixels
	 */
	public RasterImage(int width, int height, int channels, int slices,
		int frames, PixelType type, Object[] planes)
	{
		if (width < 1 || height < 1) throw new IllegalArgumentException(
			"image is " + width + "x" + height +
				" pixels: it needs at least one pixel");
		if (channels < 1 || slices < 1 || frames < 1)
			throw new IllegalArgumentException(
				"channels, slices and frames must be at least 1");
		if (type == PixelType.RGB && channels != 1)
			throw new IllegalArgumentException(
				"an RGB image stores its three components in one packed channel");
		this.width = width;
		this.height = height;
		this.channels = channels;
		this.slices = slices;
		this.frames = frames;
		this.type = Objects.requireNonNull(type);
		long n = (long) channels * slices * frames;
		if (planes.length != n) throw new IllegalArgumentException("expected " + n +
			" planes, got " + planes.length);
		for (Object p : planes) {
			if (PixelType.ofPlane(p) != type) throw new IllegalArgumentException(
				"plane of " + PixelType.ofPlane(p) + " in a " + type + " image");
			if (java.lang.reflect.Array.getLength(p) != (long) width * height)
				throw new IllegalArgumentException("plane length does not match " +
					width + "x" + height);
		}
		this.planes = planes;
	}

	/** A new zero-filled image. */
	public static RasterImage allocate(int width, int height, int channels,
		int slices, int frames, PixelType type)
	{
		long pixels = (long) width * height;
		if (pixels > Integer.MAX_VALUE) throw new IllegalArgumentException(
			"a plane of " + width + "x" + height + " exceeds 2^31 pixels");
		Object[] planes = new Object[channels * slices * frames];
		for (int i = 0; i < planes.length; i++)
			planes[i] = type.newPlane((int) pixels);
		return new RasterImage(width, height, channels, slices, frames, type,
			planes);
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** Stored channels (1 for RGB). */
	public int channels() {
		return channels;
	}

	/** Channels as a model sees them: 3 for RGB, else {@link #channels()}. */
	public int logicalChannels() {
		return type == PixelType.RGB ? 3 : channels;
	}

	public int slices() {
		return slices;
	}

	public int frames() {
		return frames;
	}

	public PixelType type() {
		return type;
	}

	public int planeCount() {
		return planes.length;
	}

	/** The shared array of stored plane {@code (c, z, t)}. */
	public Object plane(int c, int z, int t) {
		return planes[index(c, z, t)];
	}

	/** The shared array of stored plane {@code i} in hyperstack order. */
	public Object plane(int i) {
		return planes[i];
	}

	public int index(int c, int z, int t) {
		Objects.checkIndex(c, channels);
		Objects.checkIndex(z, slices);
		Objects.checkIndex(t, frames);
		return c + channels * (z + slices * t);
	}

	public Calibration calibration() {
		return calibration;
	}

	public RasterImage setCalibration(Calibration calibration) {
		this.calibration = Objects.requireNonNull(calibration);
		return this;
	}

	public String title() {
		return title;
	}

	public RasterImage setTitle(String title) {
		this.title = Objects.requireNonNull(title);
		return this;
	}

	/**
	 * Free-form key/value properties (provenance, the provider that ran,
	 * warnings); mutable and ordered. Adapters copy them into ImagePlus
	 * properties and TIFF info.
	 */
	public Map<String, String> properties() {
		return properties;
	}

	/**
	 * Reads a rectangle of one logical channel as floats.
	 *
	 * @param channel logical channel (0..2 selects the component of an RGB image)
	 * @param dst receives {@code w * h} values row by row starting at
	 *          {@code offset}
	 */
	public void readRegion(int channel, int z, int t, int x, int y, int w, int h,
		float[] dst, int offset)
	{
		checkRegion(x, y, w, h);
		int stored = type == PixelType.RGB ? 0 : channel;
		if (type == PixelType.RGB) Objects.checkIndex(channel, 3);
		Object p = plane(stored, z, t);
		int o = offset;
		for (int row = y; row < y + h; row++) {
			int base = row * width;
			switch (type) {
				case UINT8 -> {
					byte[] a = (byte[]) p;
					for (int i = base + x; i < base + x + w; i++)
						dst[o++] = a[i] & 0xff;
				}
				case UINT16 -> {
					short[] a = (short[]) p;
					for (int i = base + x; i < base + x + w; i++)
						dst[o++] = a[i] & 0xffff;
				}
				case FLOAT32 -> {
					System.arraycopy(p, base + x, dst, o, w);
					o += w;
				}
				case RGB -> {
					int[] a = (int[]) p;
					int shift = 16 - 8 * channel;
					for (int i = base + x; i < base + x + w; i++)
						dst[o++] = (a[i] >> shift) & 0xff;
				}
			}
		}
	}

	/**
	 * Writes a rectangle of one logical channel. Integer types are rounded to
	 * nearest and clipped to the type's range; NaN becomes 0.
	 */
	public void writeRegion(int channel, int z, int t, int x, int y, int w, int h,
		float[] src, int offset)
	{
		checkRegion(x, y, w, h);
		int stored = type == PixelType.RGB ? 0 : channel;
		if (type == PixelType.RGB) Objects.checkIndex(channel, 3);
		Object p = plane(stored, z, t);
		int o = offset;
		for (int row = y; row < y + h; row++) {
			int base = row * width;
			switch (type) {
				case UINT8 -> {
					byte[] a = (byte[]) p;
					for (int i = base + x; i < base + x + w; i++)
						a[i] = (byte) clampRound(src[o++], 255);
				}
				case UINT16 -> {
					short[] a = (short[]) p;
					for (int i = base + x; i < base + x + w; i++)
						a[i] = (short) clampRound(src[o++], 65535);
				}
				case FLOAT32 -> {
					System.arraycopy(src, o, p, base + x, w);
					o += w;
				}
				case RGB -> {
					int[] a = (int[]) p;
					int shift = 16 - 8 * channel;
					int mask = ~(0xff << shift);
					for (int i = base + x; i < base + x + w; i++)
						a[i] = (a[i] & mask) | 0xff000000 | (clampRound(src[o++],
							255) << shift);
				}
			}
		}
	}

	private static int clampRound(float v, int max) {
		if (!(v > 0)) return 0; // also NaN
		if (v >= max) return max;
		return (int) (v + 0.5f);
	}

	private void checkRegion(int x, int y, int w, int h) {
		if (x < 0 || y < 0 || w < 0 || h < 0 || x + w > width || y + h > height)
			throw new IndexOutOfBoundsException("region " + x + "," + y + " " + w +
				"x" + h + " outside " + width + "x" + height);
	}

	/** One-line description, e.g. {@code 512x512, 3 channels, 16-bit}. */
	public String describe() {
		StringBuilder sb = new StringBuilder().append(width).append('x').append(
			height);
		if (type == PixelType.RGB) sb.append(", RGB");
		else if (channels > 1) sb.append(", ").append(channels).append(" channels");
		if (slices > 1) sb.append(", ").append(slices).append(" slices");
		if (frames > 1) sb.append(", ").append(frames).append(" frames");
		sb.append(switch (type) {
			case UINT8 -> ", 8-bit";
			case UINT16 -> ", 16-bit";
			case FLOAT32 -> ", 32-bit";
			case RGB -> "";
		});
		return sb.toString();
	}
}
