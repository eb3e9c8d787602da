
package org.fijigan.core.eval;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.train.data.ImageSource;

/**
 * Images of one source whose decoded pixels are those of an image of another:
 * the same image saved again in another file format or pixel type (a PNG saved
 * as TIFF, 8-bit values saved as 16-bit or float), which a comparison of the
 * files' bytes misses. Two images are the same when they have the same width,
 * height, logical channels (an RGB image's three components are three), slices
 * and frames and every pixel the same value. A flat image (one value
 * throughout, a blank field or slice) is no copy of anything: two sets may each
 * hold one without sharing an image.
 */
final class PixelCopies {

	private PixelCopies() {}

	/**
	 * The first of {@code theseNames} (images of {@code these}) whose pixels are
	 * those of one of {@code thoseNames} (images of {@code those}): the two
	 * names, or null when there is none. Each image is opened once.
	 */
	static String[] first(ImageSource these, List<String> theseNames,
		ImageSource those, List<String> thoseNames, CancellationToken cancel)
	{
		Map<String, String> byDigest = new HashMap<>();
		for (String name : thoseNames) {
			cancel.throwIfCancelled();
			String d = digest(those.open(name));
			if (d != null) byDigest.putIfAbsent(d, name);
		}
		for (String name : theseNames) {
			cancel.throwIfCancelled();
			String d = digest(these.open(name));
			String same = d == null ? null : byDigest.get(d);
			if (same != null) return new String[] { name, same };
		}
		return null;
	}

	/**
	 * "A has the pixels of B" for the two images {@link #first} found, each by
	 * its file's path when its source is a folder.
	 */
	static String describe(String[] copy, ImageSource these, ImageSource those) {
		return where(these, copy[0]) + " has the pixels of " + where(those,
			copy[1]);
	}

	private static String where(ImageSource source, String name) {
		return source.folder() == null ? name : source.folder().resolve(name)
			.toString();
	}

	/**
	 * SHA-256 of an image's shape and decoded pixel values (as floats, whatever
	 * its pixel type; -0 taken as 0, every NaN as one), or null for a flat image.
	 */
	static String digest(RasterImage image) {
		MessageDigest digest = FileHashes.newSha256();
		boolean flat = true, any = false;
		int first = 0;
		int w = image.width(), h = image.height(), channels = image
			.logicalChannels();
		ByteBuffer shape = ByteBuffer.allocate(5 * Integer.BYTES);
		shape.putInt(w).putInt(h).putInt(channels).putInt(image.slices()).putInt(
			image.frames());
		digest.update(shape.array());
		float[] plane = new float[w * h];
		ByteBuffer bytes = ByteBuffer.allocate(plane.length * Float.BYTES);
		for (int t = 0; t < image.frames(); t++)
			for (int z = 0; z < image.slices(); z++)
				for (int c = 0; c < channels; c++) {
					image.readRegion(c, z, t, 0, 0, w, h, plane, 0);
					bytes.clear();
					for (float v : plane) {
						int bits = Float.floatToIntBits(v + 0f); // -0 + 0 is +0
						if (!any) first = bits;
						any = true;
						flat &= bits == first;
						bytes.putInt(bits);
					}
					digest.update(bytes.array());
				}
		return flat ? null : FileHashes.hex(digest);
	}
}
