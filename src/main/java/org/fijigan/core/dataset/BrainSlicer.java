
package org.fijigan.core.dataset;

import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.dataset.VolumeSlicer.View;
import org.fijigan.core.image.RasterImage;

/**
 * 2D training images from 3D head scans: slices in each of the three
 * orientations, resampled to one physical pixel size, as small square 8-bit
 * images, so that slices of scans with different voxel sizes and fields of view
 * show anatomy at the same scale. Each scan is {@link #prepare prepared} on its
 * own; the pixel size may then be chosen to fit all of them
 * ({@link #fittingPixelMm}) before each is {@link #slice sliced}.
 * {@link VolumeSlicer} is the simpler slicer of one volume, voxel by voxel; the
 * two share the orientations ({@link View}) and their display conventions.
 * <p>
 * <b>Region.</b> Each scan has a region: its brain mask when it has one (the
 * slices then show the region only, 0 elsewhere), else its foreground, the
 * voxels above {@code foregroundLevel} times the volume's high percentile (the
 * slices then show everything).
 * <p>
 * <b>Intensities</b> map linearly from the scan's
 * {@code lowPercentile .. highPercentile} to 0..255 and are clipped, one map
 * per scan (never per slice). The percentiles are taken over the region's
 * voxels when there is a mask, over all voxels otherwise.
 * <p>
 * <b>Geometry.</b> World coordinates come from the scan's {@link VoxelGrid}
 * (sform or qform). Every slice is a {@code size x size} frame of
 * {@code pixelMm} pixels centred on the centre of the region's bounding box
 * (the same centre for every slice of a scan); slices lie {@code spacingMm}
 * apart along their axis, centred on the same point and covering the region's
 * extent. Before sampling, the volume is blurred with a Gaussian whose width
 * (FWHM) is {@code pixelMm}, less what the voxel size already blurs (per voxel
 * axis, {@code sqrt(pixelMm^2 - voxel^2)}): scans of different resolution end
 * up about equally sharp, and downsampling does not alias. The blur is a
 * normalised convolution over the region of a masked scan (outside values do
 * not leak in), then every pixel is interpolated trilinearly. A pixel is in the
 * region when the trilinearly interpolated mask is at least 0.5.
 * <p>
 * <b>Kept</b>: the slices whose region covers at least {@code minArea} of the
 * largest region area of a slice of the same orientation. Each kept slice has a
 * <b>position</b>, 0..1 from the first to the last kept slice of its
 * orientation (inferior to superior, posterior to anterior, left to right), and
 * a <b>position bin</b> 0..{@code positionBins - 1}: the position in equal
 * parts, except for sagittal slices, whose bin counts the distance from the
 * middle (bin 0 medial, the last lateral), since the two hemispheres look
 * alike.
 * <p>
 * Display orientation (radiological: the subject's right on the image's left;
 * the same for every slice, whatever the voxel order of the file):
 * <ul>
 * <li>axial: anterior up, subject's right on the left (as if seen from the
 * feet);</li>
 * <li>coronal: superior up, subject's right on the left (as if seen from the
 * front);</li>
 * <li>sagittal: superior up, anterior on the left (the face looks left).</li>
 * </ul>
 */
public final class BrainSlicer {

	/**
	 * What to keep and how to scale it; see the class comment.
	 *
	 * @param size the side of the output images, pixels
	 * @param pixelMm the pixel size, mm; 0 for the smallest at which every scan's
	 *          region fits ({@link #fittingPixelMm})
	 * @param spacingMm the distance between slices, mm; 0 for the pixel size
	 * @param minArea the fraction of the largest region area of its orientation a
	 *          slice's region must cover (0..1)
	 * @param foregroundLevel without a mask: the foreground threshold as a
	 *          fraction of the high percentile
	 * @param lowPercentile the intensity that becomes 0 (percent, 0..100)
	 * @param highPercentile the intensity that becomes 255 (percent, 0..100)
	 * @param positionBins position bins per orientation (1: none)
	 */
	public record Options(int size, double pixelMm, double spacingMm,
			double minArea, double foregroundLevel, double lowPercentile,
			double highPercentile, int positionBins) {

		/**
		 * 64x64, pixel size to fit, slices one pixel apart, 25% of the largest
		 * area, foreground above 10% of the 99.5th percentile, 0.5..99.5%, no
		 * position bins.
		 */
		public static final Options DEFAULT = new Options(64, 0, 0, 0.25, 0.1, 0.5,
			99.5, 1);

		public Options {
			if (size < 2) throw new GanException(
				"the slice size must be at least 2 pixels, not " + size);
			if (!(pixelMm >= 0 && pixelMm < 1000)) throw new GanException(
				"the pixel size is a number of mm from 0 (to fit) to 1000, not " +
					pixelMm);
			if (!(spacingMm >= 0 && spacingMm < 1000)) throw new GanException(
				"the slice spacing is a " +
					"number of mm from 0 (the pixel size) to 1000, not " + spacingMm);
			if (!(minArea >= 0 && minArea <= 1)) throw new GanException(
				"the minimum area is a fraction between 0 and 1, not " + minArea);
			VolumeSlicer.checkIntensityMap(foregroundLevel, lowPercentile,
				highPercentile);
			if (positionBins < 1 || positionBins > 100) throw new GanException(
				"position bins: 1 (none) to 100, not " + positionBins);
		}

		public Options withPixelMm(double mm) {
			return new Options(size, mm, spacingMm, minArea, foregroundLevel,
				lowPercentile, highPercentile, positionBins);
		}
	}

	/**
	 * A volume to slice.
	 *
	 * @param name the scan, for file names and messages
	 * @param volume a single-channel 3D image (image x, y and slice are voxel
	 *          axes 0, 1, 2)
	 * @param grid where its voxels lie
	 * @param mask its region, one value per voxel (x fastest), or null for the
	 *          foreground
	 */
	public record Scan(String name, RasterImage volume, VoxelGrid grid,
			boolean[] mask) {
	}

	/**
	 * A scan read and measured, before the pixel size is chosen.
	 *
	 * @param size the volume's size along voxel axes 0, 1, 2
	 * @param voxels its values, x fastest (NaN: none)
	 * @param region the region, one value per voxel
	 * @param masked whether the region is a mask (else the foreground)
	 * @param low the intensity mapped to 0
	 * @param high the intensity mapped to 255
	 * @param threshold without a mask, the foreground threshold; else NaN
	 * @param min the region's smallest world coordinates (voxel centres) along R,
	 *          A, S, mm
	 * @param max its largest, mm
	 * @param regionVoxels how many voxels the region has
	 */
	public record Prepared(Scan scan, int[] size, float[] voxels,
			boolean[] region, boolean masked, double low, double high,
			double threshold, double[] min, double[] max, int regionVoxels) {

		/** The region's extent along world axis {@code w} (0 R, 1 A, 2 S), mm. */
		public double extentMm(int w) {
			return max[w] - min[w];
		}

		/** The region's extent across {@code view}'s slices, mm. */
		public double extentMm(View view) {
			return extentMm(view.sliceAxis);
		}

		/** The region's volume, mL. */
		public double regionMl() {
			double[][] a = scan.grid().affine();
			double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] *
				(a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] -
					a[1][1] * a[2][0]);
			return regionVoxels * Math.abs(det) / 1000;
		}
	}

	/**
	 * One kept slice.
	 *
	 * @param index its number along the view's axis, from the left, posterior or
	 *          inferior end
	 * @param position 0..1 from the first kept slice of the view to the last
	 * @param bin its position bin
	 * @param area the fraction of the frame its region covers
	 * @param image a new 8-bit {@code size x size} image
	 */
	public record Slice(View view, int index, double position, int bin,
			double area, RasterImage image) {

		/**
		 * Its class folder: the view, followed by {@code -} and the bin (from 1)
		 * with several bins.
		 */
		public String className(int bins) {
			return bins <= 1 ? view.folder() : view.folder() + "-" + (bin + 1);
		}
	}

	/**
	 * The slices kept, by view then index.
	 *
	 * @param size the side of the slices, pixels
	 * @param pixelMm the pixel size they were made with, mm
	 * @param spacingMm their spacing, mm
	 * @param slicesAlong slices taken along each view's axis, kept or not, by
	 *          view
	 */
	public record Result(Prepared scan, List<Slice> slices, int size,
			double pixelMm, double spacingMm, int[] slicesAlong) {

		/** How many slices of {@code view} were kept. */
		public int count(View view) {
			return (int) slices.stream().filter(s -> s.view() == view).count();
		}

		/**
		 * How many slices the region spans along the axis of {@code view}, kept or
		 * not.
		 */
		public int slicesAlong(View view) {
			return slicesAlong[view.ordinal()];
		}

		/** The side of the frame, mm. */
		public double frameMm() {
			return size * pixelMm;
		}

		/**
		 * Whether the region is wider than the frame along some axis (its edges are
		 * cut off).
		 */
		public boolean regionCut() {
			for (int w = 0; w < 3; w++)
				if (scan.extentMm(w) > frameMm()) return true;
			return false;
		}
	}

	private BrainSlicer() {}

	/**
	 * Reads {@code scan} and measures its region and intensities.
	 *
	 * @throws GanException for an image that is not one 3D scalar volume, a mask
	 *           of another size, an empty region, or a region of constant
	 *           intensity
	 */
	public static Prepared prepare(Scan scan, Options options) {
		RasterImage volume = scan.volume();
		String name = scan.name();
		int[] n = { volume.width(), volume.height(), volume.slices() };
		float[] voxels = VolumeSlicer.voxels(volume, name);
		if (scan.mask() != null && scan.mask().length != voxels.length)
			throw new GanException("the mask of " + name + " has " + scan
				.mask().length + " voxels, the volume " + voxels.length);

		boolean masked = scan.mask() != null;
		boolean[] region;
		double low, high, threshold = Double.NaN;
		if (masked) {
			region = scan.mask().clone();
			int count = 0;
			for (int i = 0; i < voxels.length; i++) {
				region[i] &= !Float.isNaN(voxels[i]);
				if (region[i]) count++;
			}
			if (count == 0) throw new GanException("the brain mask of " + name +
				" covers no voxel of it that holds a value");
			float[] inside = new float[count];
			for (int i = 0, k = 0; i < voxels.length; i++)
				if (region[i]) inside[k++] = voxels[i];
			double[] p = Percentiles.of(inside, options.lowPercentile(), options
				.highPercentile());
			low = p[0];
			high = p[1];
		}
		else {
			double[] p = VolumeSlicer.percentiles(voxels, options.lowPercentile(),
				options.highPercentile(), name);
			low = p[0];
			high = p[1];
			threshold = options.foregroundLevel() * high;
			region = new boolean[voxels.length];
			for (int i = 0; i < voxels.length; i++)
				region[i] = voxels[i] > threshold;
		}
		if (!(high > low)) throw new GanException(name +
			" is constant between its " + options.lowPercentile() + "th and " +
			options.highPercentile() + "th percentile" + (masked ? " inside its mask"
				: "") + " (" + low + "); nothing to normalise");

		double[] min = { Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
			Double.POSITIVE_INFINITY };
		double[] max = { Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
			Double.NEGATIVE_INFINITY };
		int count = 0;
		for (int z = 0; z < n[2]; z++)
			for (int y = 0; y < n[1]; y++)
				for (int x = 0; x < n[0]; x++) {
					if (!region[x + n[0] * (y + n[1] * z)]) continue;
					count++;
					double[] w = scan.grid().world(x, y, z);
					for (int a = 0; a < 3; a++) {
						min[a] = Math.min(min[a], w[a]);
						max[a] = Math.max(max[a], w[a]);
					}
				}
		if (count == 0) throw new GanException(name +
			" has no foreground: no voxel above " + threshold);
		return new Prepared(scan, n, voxels, region, masked, low, high, threshold,
			min, max, count);
	}

	/**
	 * The smallest pixel size (mm, rounded up to 0.1 mm) at which the region of
	 * every scan fits in a frame of {@code size} pixels along every axis.
	 */
	public static double fittingPixelMm(List<Prepared> scans, int size) {
		double extent = 0;
		for (Prepared p : scans)
			for (int w = 0; w < 3; w++)
				extent = Math.max(extent, p.extentMm(w));
		return Math.max(0.1, Math.ceil(extent / size * 10 - 1e-9) / 10);
	}

	/** The most slices one orientation of one scan gives. */
	public static final int MAX_SLICES = 10_000;

	/**
	 * The slices {@code spacing} mm apart across a prepared scan's region in one
	 * orientation (at most {@link Long#MAX_VALUE}).
	 */
	public static long slicesAcross(Prepared p, View view, double spacing) {
		double n = Math.floor(p.extentMm(view.sliceAxis) / spacing + 1e-9) + 1;
		return n >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) n;
	}

	private static String mm(double mm) {
		return String.format(java.util.Locale.ROOT, "%.1f", mm);
	}

	/**
	 * Slices a prepared scan at {@code options.pixelMm()} (which must be above 0
	 * here).
	 */
	public static Result slice(Prepared p, Options options) {
		double pixel = options.pixelMm();
		if (!(pixel > 0)) throw new IllegalArgumentException(
			"choose the pixel size first");
		double spacing = options.spacingMm() > 0 ? options.spacingMm() : pixel;
		int size = options.size();
		int[] n = p.size();
		VoxelGrid grid = p.scan().grid();
		double[] sigma = new double[3];
		for (int a = 0; a < 3; a++) {
			double voxel = grid.voxelSize(a);
			sigma[a] = Math.sqrt(Math.max(0, pixel * pixel - voxel * voxel)) /
				FWHM_PER_SIGMA / voxel;
		}
		// normalised convolution: blur(values * weight) / blur(weight), weight =
		// region or "has a value"
		float[] weight = new float[p.voxels().length], values =
			new float[weight.length];
		for (int i = 0; i < weight.length; i++) {
			boolean counts = p.masked() ? p.region()[i] : !Float.isNaN(p.voxels()[i]);
			weight[i] = counts ? 1 : 0;
			values[i] = counts ? p.voxels()[i] : 0;
		}
		float[] regionValues = new float[weight.length];
		for (int i = 0; i < weight.length; i++)
			regionValues[i] = p.region()[i] ? 1 : 0;
		for (int a = 0; a < 3; a++) {
			values = blur(values, n, a, sigma[a]);
			weight = blur(weight, n, a, sigma[a]);
		}

		double[] centre = new double[3];
		for (int w = 0; w < 3; w++)
			centre[w] = (p.min()[w] + p.max()[w]) / 2;
		double[][] toVoxel = grid.inverse();
		double scale = 255 / (p.high() - p.low());
		List<Slice> kept = new ArrayList<>();
		int[] along = new int[3];
		for (View view : View.values()) {
			long slices = slicesAcross(p, view, spacing);
			if (slices > MAX_SLICES) throw new GanException("a slice spacing of " +
				spacing + " mm gives " + String.format(java.util.Locale.ROOT, "%,d",
					slices) + " slices across " + p.scan().name() + "'s " + mm(p.extentMm(
						view.sliceAxis)) + " mm, more than the " + String.format(
							java.util.Locale.ROOT, "%,d", MAX_SLICES) +
				" per orientation a run makes");
			int count = (int) slices;
			along[view.ordinal()] = count;
			double first = centre[view.sliceAxis] - (count - 1) / 2.0 * spacing;
			float[][] images = new float[count][];
			int[] area = new int[count];
			int largest = 0;
			double[] world = new double[3];
			for (int s = 0; s < count; s++) {
				float[] image = new float[size * size];
				world[view.sliceAxis] = first + s * spacing;
				for (int r = 0; r < size; r++) {
					world[view.rowAxis] = centre[view.rowAxis] + ((size - 1) / 2.0 - r) *
						pixel;
					for (int c = 0; c < size; c++) {
						world[view.columnAxis] = centre[view.columnAxis] + ((size - 1) /
							2.0 - c) * pixel;
						double[] v = apply(toVoxel, world);
						boolean inRegion = trilinear(regionValues, n, v) >= 0.5;
						if (inRegion) area[s]++;
						if (p.masked() && !inRegion) continue;
						double w = trilinear(weight, n, v);
						if (!(w > 1e-6)) continue;
						double value = (trilinear(values, n, v) / w - p.low()) * scale;
						image[r * size + c] = (float) (value > 0 ? Math.min(255, value)
							: 0);
					}
				}
				images[s] = image;
				largest = Math.max(largest, area[s]);
			}
			int firstKept = -1, lastKept = -1;
			for (int s = 0; s < count; s++)
				if (area[s] > 0 && area[s] >= options.minArea() * largest) {
					if (firstKept < 0) firstKept = s;
					lastKept = s;
				}
			for (int s = firstKept; s >= 0 && s <= lastKept; s++) {
				if (!(area[s] > 0 && area[s] >= options.minArea() * largest)) continue;
				double position = lastKept == firstKept ? 0.5 : (double) (s -
					firstKept) / (lastKept - firstKept);
				kept.add(new Slice(view, s, position, bin(view, position, options
					.positionBins()), (double) area[s] / (size * size), new GrayImage(
						size, size, images[s]).toUint8()));
			}
		}
		return new Result(p, List.copyOf(kept), size, pixel, spacing, along);
	}

	/**
	 * Full width at half maximum of a Gaussian, in standard deviations: 2 sqrt(2
	 * ln 2).
	 */
	static final double FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.log(2));

	/**
	 * The position bin of a slice; sagittal bins count the distance from the
	 * middle.
	 */
	static int bin(View view, double position, int bins) {
		double x = view == View.SAGITTAL ? Math.abs(2 * position - 1) : position;
		return Math.min(bins - 1, (int) Math.floor(x * bins + 1e-9)); // a boundary
																																	// belongs to
																																	// the upper
																																	// bin
	}

	private static double[] apply(double[][] m, double[] x) {
		double[] v = new double[3];
		for (int r = 0; r < 3; r++)
			v[r] = m[r][0] * x[0] + m[r][1] * x[1] + m[r][2] * x[2] + m[r][3];
		return v;
	}

	/**
	 * The trilinear interpolation of {@code f} at voxel coordinates {@code v}; 0
	 * outside.
	 */
	static double trilinear(float[] f, int[] n, double[] v) {
		int x0 = (int) Math.floor(v[0]), y0 = (int) Math.floor(v[1]), z0 =
			(int) Math.floor(v[2]);
		double fx = v[0] - x0, fy = v[1] - y0, fz = v[2] - z0;
		double sum = 0;
		for (int dz = 0; dz <= 1; dz++) {
			int z = z0 + dz;
			if (z < 0 || z >= n[2]) continue;
			double wz = dz == 0 ? 1 - fz : fz;
			for (int dy = 0; dy <= 1; dy++) {
				int y = y0 + dy;
				if (y < 0 || y >= n[1]) continue;
				double wy = dy == 0 ? 1 - fy : fy;
				for (int dx = 0; dx <= 1; dx++) {
					int x = x0 + dx;
					if (x < 0 || x >= n[0]) continue;
					double wx = dx == 0 ? 1 - fx : fx;
					sum += wx * wy * wz * f[x + n[0] * (y + n[1] * z)];
				}
			}
		}
		return sum;
	}

	/**
	 * {@code f} convolved along voxel axis {@code axis} with a Gaussian of
	 * {@code sigma} voxels (truncated at 3 sigma, weights summing to 1; beyond
	 * the volume's ends counts as 0). Returns {@code f} itself for a sigma below
	 * 0.01 voxel.
	 */
	static float[] blur(float[] f, int[] n, int axis, double sigma) {
		if (!(sigma >= 0.01)) return f;
		int radius = (int) Math.ceil(3 * sigma);
		double[] kernel = new double[2 * radius + 1];
		double total = 0;
		for (int k = -radius; k <= radius; k++)
			total += kernel[k + radius] = Math.exp(-0.5 * k * k / (sigma * sigma));
		for (int k = 0; k < kernel.length; k++)
			kernel[k] /= total;
		int[] stride = { 1, n[0], n[0] * n[1] };
		int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3, len = n[axis];
		float[] out = new float[f.length];
		double[] line = new double[len];
		for (int u = 0; u < n[a1]; u++)
			for (int v = 0; v < n[a2]; v++) {
				int origin = u * stride[a1] + v * stride[a2];
				for (int q = 0; q < len; q++)
					line[q] = f[origin + q * stride[axis]];
				for (int q = 0; q < len; q++) {
					double sum = 0;
					for (int k = Math.max(-radius, -q); k <= radius && q + k < len; k++)
						sum += kernel[k + radius] * line[q + k];
					out[origin + q * stride[axis]] = (float) sum;
				}
			}
		return out;
	}
}
