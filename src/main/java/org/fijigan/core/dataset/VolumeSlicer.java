
package org.fijigan.core.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

/**
 * 2D training images from a 3D scan: every slice, in each of the three
 * orientations, that shows enough of the subject, as a small square 8-bit
 * image.
 * <p>
 * For each slice: its foreground (voxels above {@code foregroundLevel} times
 * the volume's {@code highPercentile}) must cover at least
 * {@code minForeground} of the slice. Intensities map linearly from the
 * volume's {@code lowPercentile .. highPercentile} to 0..255 and are clipped,
 * the same map for every slice, so that slices stay comparable. The slice is
 * padded with zeros to a square (centred; an odd remainder goes to the right or
 * bottom) and shrunk to {@code size x size} by area averaging
 * ({@link AreaResize}), then rounded once.
 * <p>
 * Display orientation (radiological: the subject's right on the image's left;
 * the same for every slice, whatever the voxel order of the file, see
 * {@link AnatomicalAxes}):
 * <ul>
 * <li>axial: anterior up, subject's right on the left (as if seen from the
 * feet);</li>
 * <li>coronal: superior up, subject's right on the left (as if seen from the
 * front);</li>
 * <li>sagittal: superior up, anterior on the left (the face looks left).</li>
 * </ul>
 * A slice's index counts along its axis from the subject's left, posterior or
 * inferior end (index 0), whatever the voxel order. Split: indices in blocks of
 * {@code testBlock}; block {@code b} goes to test when
 * {@code b % testEvery == testEvery - 1} (every {@code testEvery}-th block).
 * Neighbouring slices are nearly the same image, so test slices drawn one by
 * one at random would each sit between two training slices one voxel away; with
 * whole blocks only the slices at a block's two ends have a training neighbour.
 */
public final class VolumeSlicer {

	/**
	 * The three orientations; {@link #folder} is the name of the output folder of
	 * each.
	 */
	public enum View {

			/** Slices across the superior axis. */
			AXIAL(2, 1, 0),
			/** Slices across the anterior axis. */
			CORONAL(1, 2, 0),
			/** Slices across the left-right axis. */
			SAGITTAL(0, 2, 1);

		/**
		 * The world axis (0 R, 1 A, 2 S) the slices are taken along, the one down
		 * the rows, across.
		 */
		final int sliceAxis, rowAxis, columnAxis;

		View(int sliceAxis, int rowAxis, int columnAxis) {
			this.sliceAxis = sliceAxis;
			this.rowAxis = rowAxis;
			this.columnAxis = columnAxis;
		}

		public String folder() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/**
	 * Checks the settings of the intensity map both slicers share: the foreground
	 * level and the low and high percentiles that bound the output range.
	 */
	static void checkIntensityMap(double foregroundLevel, double lowPercentile,
		double highPercentile)
	{
		if (!(foregroundLevel >= 0 && foregroundLevel <= 1)) throw new GanException(
			"the foreground level is a fraction of the high percentile between 0 and 1, not " +
				foregroundLevel);
		if (!(lowPercentile >= 0 && lowPercentile < highPercentile &&
			highPercentile <= 100)) throw new GanException(
				"the percentiles must satisfy 0 <= low < high <= 100, not " +
					lowPercentile + " and " + highPercentile);
	}

	/**
	 * What to keep and how to scale it; see the class comment.
	 *
	 * @param size the side of the output images, pixels
	 * @param minForeground the fraction of a slice the foreground must cover
	 *          (0..1)
	 * @param foregroundLevel the foreground threshold as a fraction of the high
	 *          percentile (0..1)
	 * @param lowPercentile the intensity that becomes 0 (percent, 0..100)
	 * @param highPercentile the intensity that becomes 255 (percent, 0..100)
	 * @param testBlock slices per block of the split
	 * @param testEvery every this many blocks, one goes to test (0: none)
	 */
	public record Options(int size, double minForeground, double foregroundLevel,
			double lowPercentile, double highPercentile, int testBlock,
			int testEvery) {

		/**
		 * 64x64, 15% foreground above 10% of the 99.5th percentile, 0.5..99.5%,
		 * block 10, every 5th.
		 */
		public static final Options DEFAULT = new Options(64, 0.15, 0.1, 0.5, 99.5,
			10, 5);

		public Options {
			if (size < 1) throw new GanException(
				"the slice size must be at least 1 pixel, not " + size);
			if (!(minForeground >= 0 && minForeground <= 1)) throw new GanException(
				"the minimum foreground is a fraction between 0 and 1, not " +
					minForeground);
			checkIntensityMap(foregroundLevel, lowPercentile, highPercentile);
			if (testBlock < 1) throw new GanException(
				"a test block must hold at least 1 slice, not " + testBlock);
			if (testEvery < 0) throw new GanException(
				"test every N blocks: N must be 0 (none) or more, not " + testEvery);
		}
	}

	/**
	 * One kept slice.
	 *
	 * @param index its position along the view's axis, from the left, posterior
	 *          or inferior end
	 * @param test whether it belongs to the test split
	 * @param foreground the fraction of the slice (before padding) that is
	 *          foreground
	 * @param image a new 8-bit {@code size x size} image
	 */
	public record Slice(View view, int index, boolean test, double foreground,
			RasterImage image) {
	}

	/**
	 * The slices kept, by view then index, and the numbers they were made with.
	 *
	 * @param extent the volume's size along R, A and S, voxels
	 * @param low the intensity mapped to 0
	 * @param high the intensity mapped to 255
	 * @param foregroundThreshold voxels above this are foreground
	 */
	public record Result(List<Slice> slices, int[] extent, double low,
			double high, double foregroundThreshold) {

		/**
		 * How many slices the volume has along the axis of {@code view}, kept or
		 * not.
		 */
		public int slicesAlong(View view) {
			return extent[view.sliceAxis];
		}

		/** How many slices of {@code view} went to test ({@code test}) or train. */
		public int count(View view, boolean test) {
			return (int) slices.stream().filter(s -> s.view() == view && s
				.test() == test).count();
		}
	}

	private VolumeSlicer() {}

	/**
	 * Why slicing {@code name} put training slices but no test slice, in words
	 * that name the flags giving one; null when it put one in test, or none in
	 * train, or was asked for none ({@code testEvery} 0). Either no axis reaches
	 * its first test block (the defaults, blocks of 10 and every 5th, need 50
	 * slices), or the slices of its test blocks have too little foreground to be
	 * kept.
	 */
	public static String noTestSlice(Result r, Options options, String name) {
		if (options.testEvery() == 0 || r.slices().stream().anyMatch(Slice::test) ||
			r.slices().isEmpty()) return null;
		int longest = 0;
		for (View v : View.values())
			longest = Math.max(longest, r.slicesAlong(v));
		long first = (long) options.testBlock() * (options.testEvery() - 1);
		String flags = "--test-block " + options.testBlock() + ", --test-every " +
			options.testEvery();
		if (first >= longest) {
			int block = longest / options.testEvery();
			return "no slice of " + name + " is in test: the first test block (" +
				flags + ") starts at slice " + first + ", and " + name + " has " +
				longest + " slices along its longest axis; " + (block >= 1
					? "--test-block " + block + " or less, or a smaller --test-every, "
					: "a smaller --test-every and --test-block ") +
				"puts slices in test/";
		}
		return "no slice of " + name + " is in test: the slices of its test " +
			"blocks (" + flags + ") have too little foreground to be kept " +
			"(--min-foreground); a smaller --test-block or --test-every puts " +
			"slices in test/";
	}

	/**
	 * Slices {@code volume}, a single-channel 3D image whose voxel axes point as
	 * {@code axes} says (image x, y and slice are voxel axes 0, 1, 2). NaN voxels
	 * count as background and become 0.
	 *
	 * @param name the volume for error messages
	 * @throws GanException for an image that is not one 3D scalar volume, or a
	 *           constant one
	 */
	public static Result slice(RasterImage volume, AnatomicalAxes axes,
		Options options, String name)
	{
		int[] n = { volume.width(), volume.height(), volume.slices() };
		int plane = n[0] * n[1];
		float[] voxels = voxels(volume, name);

		double[] p = percentiles(voxels, options.lowPercentile(), options
			.highPercentile(), name);
		double low = p[0], high = p[1];
		if (!(high > low)) throw new GanException(name +
			" is constant between its " + options.lowPercentile() + "th and " +
			options.highPercentile() + "th percentile (" + low +
			"); nothing to normalise");
		double threshold = options.foregroundLevel() * high;

		// offset of a voxel = sum over world axes w of base[w] + c[w] * step[w],
		// c[w] counted from L/P/I
		int[] stride = { 1, n[0], plane };
		int[] extent = new int[3], base = new int[3], step = new int[3];
		for (int w = 0; w < 3; w++) {
			int v = axes.voxelAxisOf(w);
			extent[w] = n[v];
			boolean positive = axes.positive()[v];
			base[w] = positive ? 0 : (n[v] - 1) * stride[v];
			step[w] = positive ? stride[v] : -stride[v];
		}

		List<Slice> kept = new ArrayList<>();
		for (View view : View.values()) {
			int rows = extent[view.rowAxis], cols = extent[view.columnAxis];
			float[] slice = new float[rows * cols];
			for (int s = 0; s < extent[view.sliceAxis]; s++) {
				int origin = base[view.sliceAxis] + s * step[view.sliceAxis] +
					base[view.rowAxis] + base[view.columnAxis];
				int foreground = 0;
				for (int r = 0; r < rows; r++) {
					// rows from the superior (or anterior) end down, columns from the
					// right (or anterior) end
					int rowOrigin = origin + (rows - 1 - r) * step[view.rowAxis];
					for (int c = 0; c < cols; c++) {
						float v = voxels[rowOrigin + (cols - 1 - c) *
							step[view.columnAxis]];
						if (v > threshold) foreground++;
						slice[r * cols + c] = v;
					}
				}
				double fraction = (double) foreground / (rows * cols);
				if (fraction < options.minForeground()) continue;
				boolean test = options.testEvery() > 0 && s / options.testBlock() %
					options.testEvery() == options.testEvery() - 1;
				kept.add(new Slice(view, s, test, fraction, toImage(slice, cols, rows,
					low, high, options.size())));
			}
		}
		return new Result(List.copyOf(kept), extent, low, high, threshold);
	}

	/**
	 * The voxels of {@code volume}, x fastest, then y, then slice.
	 *
	 * @param name the volume for error messages
	 * @throws GanException for an image that is not one 3D scalar volume (time
	 *           points, several components, RGB, a single slice), or one of more
	 *           than 2^31 voxels
	 */
	static float[] voxels(RasterImage volume, String name) {
		int[] n = { volume.width(), volume.height(), volume.slices() };
		if (volume.frames() > 1 || volume.logicalChannels() > 1)
			throw new GanException(name + " has " + (volume.frames() > 1 ? volume
				.frames() + " time points" : volume.logicalChannels() +
					" components per voxel") + "; slicing takes one 3D scalar volume");
		if (volume.type() == PixelType.RGB) throw new GanException(name +
			" is an RGB volume; slicing takes one 3D scalar volume");
		if (n[0] < 2 || n[1] < 2 || n[2] < 2) throw new GanException(name + " is " +
			n[0] + "x" + n[1] + "x" + n[2] + " voxels: a 2D image, not a volume");
		long total = (long) n[0] * n[1] * n[2];
		if (total > Integer.MAX_VALUE - 8) throw new GanException(name + " has " +
			total + " voxels; slicing takes up to 2^31");
		int plane = n[0] * n[1];
		float[] voxels = new float[(int) total];
		for (int z = 0; z < n[2]; z++)
			volume.readRegion(0, z, 0, 0, 0, n[0], n[1], voxels, z * plane);
		return voxels;
	}

	/**
	 * The {@code low} and {@code high} percentiles (percent) of the voxels that
	 * hold a number ({@link Percentiles#of}).
	 *
	 * @throws GanException when none does
	 */
	static double[] percentiles(float[] voxels, double low, double high,
		String name)
	{
		try {
			return Percentiles.of(voxels, low, high);
		}
		catch (IllegalArgumentException e) {
			throw new GanException(name + " holds no voxel values (all NaN)");
		}
	}

	/**
	 * Normalised, padded to a centred square with zeros, area-resized to
	 * {@code size}, 8-bit.
	 */
	static RasterImage toImage(float[] slice, int width, int height, double low,
		double high, int size)
	{
		int side = Math.max(width, height), x0 = (side - width) / 2, y0 = (side -
			height) / 2;
		float[] square = new float[side * side];
		double scale = 255 / (high - low);
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				double v = (slice[y * width + x] - low) * scale;
				square[(y + y0) * side + x + x0] = (float) (v > 0 ? Math.min(255, v)
					: 0); // NaN too
			}
		return AreaResize.resize(new GrayImage(side, side, square), size, size)
			.toUint8();
	}
}
