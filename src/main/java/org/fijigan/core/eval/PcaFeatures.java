
package org.fijigan.core.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;

/**
 * Feature vectors for FID and KID when no Inception network is at hand: the
 * leading principal components of the training images' pixels. An image
 * ({@code C x H x W} normalised values) is area-averaged by the smallest whole
 * factor that brings its longer side to at most {@value #MAX_SIDE} pixels,
 * flattened, centred on the training mean, projected on the unit components,
 * and multiplied by one factor ({@link #scale()}) that gives the fitted images'
 * features a mean square of 1 per component (sample variance), so that KID's
 * cubic kernel works on values of order one, as it does on Inception features;
 * FID is then in units of the mean component variance. These are <em>PCA
 * features fitted on the training images, not Inception</em>: the distances
 * they give are comparable only between runs with the same feature file.
 * <p>
 * The fit uses at most {@value #MAX_FIT_IMAGES} images (a seeded sample when
 * there are more) and keeps at most the requested number of components with a
 * positive eigenvalue. Means and components are held as float32, as they are
 * saved, so a loaded file gives the same features as the fit that wrote it.
 * Immutable and thread-safe.
 */
public final class PcaFeatures {

	/** Longest side, in pixels, of the averaged image the components act on. */
	public static final int MAX_SIDE = 64;
	/** Largest number of images a fit uses. */
	public static final int MAX_FIT_IMAGES = 1000;
	/** Components kept by default. */
	public static final int DEFAULT_COMPONENTS = 64;

	private final int channels;
	private final int height;
	private final int width;
	private final float[] mean;
	/**
	 * Unit components times {@link #scale}: a feature is one row's dot product
	 * with the centred image.
	 */
	private final float[][] rows;
	private final double scale;
	private final String description;

	private PcaFeatures(int channels, int height, int width, float[] mean,
		float[][] rows, String description)
	{
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.mean = mean;
		this.rows = rows;
		double norm = 0;
		for (float v : rows[0])
			norm += (double) v * v;
		this.scale = Math.sqrt(norm);
		this.description = description;
	}

	/**
	 * Fits the features on {@code images}, each {@code channels x height x width}
	 * values (CHW).
	 *
	 * @param source what the images are, for {@link #description()}, e.g. "the
	 *          training images"
	 * @throws GanException when fewer than two images are given, or they are all
	 *           alike
	 */
	public static PcaFeatures fit(List<float[]> images, int channels, int height,
		int width, int maxComponents, long seed, String source)
	{
		if (images.size() < 2) throw new GanException(
			"PCA features need at least two images to fit, got " + images.size());
		if (maxComponents < 1) throw new IllegalArgumentException(
			"at least one component");
		int factor = factor(height, width);
		int fh = height / factor, fw = width / factor, d = channels * fh * fw;
		List<float[]> chosen = images;
		if (images.size() > MAX_FIT_IMAGES) {
			int[] pick = GenerativeMetrics.sample(images.size(), MAX_FIT_IMAGES,
				new SplittableRandom(seed));
			Arrays.sort(pick);
			chosen = new ArrayList<>();
			for (int i : pick)
				chosen.add(images.get(i));
		}
		int n = chosen.size();
		double[][] x = new double[n][];
		for (int i = 0; i < n; i++)
			x[i] = toDouble(downscale(chosen.get(i), channels, height, width,
				factor));
		double[] mu = GenerativeMetrics.mean(x);
		for (double[] row : x)
			for (int j = 0; j < d; j++)
				row[j] -= mu[j];
		SymmetricEigen eig;
		boolean gram = n <= d;
		if (gram) { // eigenvectors of the n x n Gram matrix, mapped back to pixel
								// space below
			double[][] g = new double[n][n];
			for (int i = 0; i < n; i++)
				for (int j = 0; j <= i; j++)
					g[i][j] = g[j][i] = dot(x[i], x[j]);
			eig = SymmetricEigen.of(g);
		}
		else {
			double[][] cov = new double[d][d];
			for (double[] row : x)
				for (int i = 0; i < d; i++)
					for (int j = 0; j <= i; j++)
						cov[i][j] += row[i] * row[j];
			for (int i = 0; i < d; i++)
				for (int j = 0; j < i; j++)
					cov[j][i] = cov[i][j];
			eig = SymmetricEigen.of(cov);
		}
		double floor = 1e-10 * Math.max(eig.value(0), 0);
		List<double[]> kept = new ArrayList<>();
		double variance = 0;
		for (int k = 0; k < eig.size() && kept.size() < maxComponents; k++) {
			if (!(eig.value(k) > floor)) break;
			double[] v = eig.vector(k);
			if (gram) {
				double[] u = v;
				v = new double[d];
				for (int i = 0; i < n; i++)
					for (int j = 0; j < d; j++)
						v[j] += u[i] * x[i][j];
			}
			double norm = Math.sqrt(dot(v, v));
			int big = 0;
			for (int j = 1; j < d; j++)
				if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
			double sign = v[big] < 0 ? -1 : 1;
			for (int j = 0; j < d; j++)
				v[j] *= sign / norm;
			kept.add(v);
			variance += eig.value(k) / (n - 1);
		}
		if (kept.isEmpty()) throw new GanException("the " + n +
			" images used to fit the PCA features " +
			"are all alike: no component to keep");
		float[] m = new float[d];
		for (int j = 0; j < d; j++)
			m[j] = (float) mu[j];
		double scale = 1 / Math.sqrt(variance / kept.size());
		float[][] rows = new float[kept.size()][d];
		for (int k = 0; k < rows.length; k++)
			for (int j = 0; j < d; j++)
				rows[k][j] = (float) (scale * kept.get(k)[j]);
		return new PcaFeatures(channels, fh, fw, m, rows, "PCA features (" + kept
			.size() + " components of " + channels + "x" + fh + "x" + fw +
			" area-averaged pixels) " + "fitted on " + n + " " + source +
			", not Inception");
	}

	/**
	 * Reads features saved by {@link #save}: a float32 {@code .npy} of shape
	 * {@code [k + 1, C, H, W]} whose first entry is the mean image and the others
	 * the components times {@link #scale()}.
	 */
	public static PcaFeatures load(Path file) {
		NpyArray a = Npy.read(file);
		long[] s = a.shape();
		if (s.length != 4 || s[0] < 2) throw new GanException(file +
			" is not a PCA feature file: " +
			"expected a [components + 1, C, H, W] array, got shape " + Arrays
				.toString(s));
		int c = (int) s[1], h = (int) s[2], w = (int) s[3], d = c * h * w, k =
			(int) s[0] - 1;
		float[] data = a.toFloatArray();
		for (int i = 0; i < data.length; i++)
			if (!Float.isFinite(data[i])) throw new GanException(file + " holds " +
				data[i] + " at value " + i +
				": PCA features are finite numbers; fit them again (delete the file)");
		boolean any = false;
		for (int i = d; i < data.length && !any; i++)
			any = data[i] != 0;
		if (!any) throw new GanException(file +
			" has no components (all zero): fit the features again (delete the file)");
		float[] mean = Arrays.copyOfRange(data, 0, d);
		float[][] rows = new float[k][];
		for (int i = 0; i < k; i++)
			rows[i] = Arrays.copyOfRange(data, (i + 1) * d, (i + 2) * d);
		return new PcaFeatures(c, h, w, mean, rows, "PCA features (" + k +
			" components of " + c + "x" + h + "x" + w +
			" area-averaged pixels) from " + file.getFileName() + ", not Inception");
	}

	/**
	 * Writes the mean and components as one float32 {@code .npy}, atomically; see
	 * {@link #load}.
	 */
	public void save(Path file, boolean replace) {
		int d = mean.length;
		float[] data = new float[(rows.length + 1) * d];
		System.arraycopy(mean, 0, data, 0, d);
		for (int i = 0; i < rows.length; i++)
			System.arraycopy(rows[i], 0, data, (i + 1) * d, d);
		NpyArray array = NpyArray.ofFloats(data, rows.length + 1, channels, height,
			width);
		AtomicFile.writeStream(file, replace, out -> Npy.write(out, array));
	}

	/**
	 * The feature vector of one image of
	 * {@code channels x imageHeight x imageWidth} values: its size must be a
	 * whole multiple of the features' grid (the same multiple along both axes, as
	 * the images the features were fitted on), or the grid itself.
	 */
	public double[] features(float[] image, int imageChannels, int imageHeight,
		int imageWidth)
	{
		if (imageChannels != channels) throw new GanException(
			"the PCA features take " + channels + "-channel images, not " +
				imageChannels);
		int factor = factor(imageHeight, imageWidth);
		if (imageHeight / factor != height || imageWidth / factor != width)
			throw new GanException(
				"the PCA features were fitted on images averaged to " + width + "x" +
					height + "; a " + imageWidth + "x" + imageHeight +
					" image averages to " + imageWidth / factor + "x" + imageHeight /
						factor);
		float[] v = downscale(image, channels, imageHeight, imageWidth, factor);
		double[] centred = new double[v.length];
		for (int j = 0; j < v.length; j++)
			centred[j] = (double) v[j] - mean[j];
		double[] f = new double[rows.length];
		for (int k = 0; k < rows.length; k++) {
			float[] c = rows[k];
			double s = 0;
			for (int j = 0; j < c.length; j++)
				s += c[j] * centred[j];
			f[k] = s;
		}
		return f;
	}

	/** Feature vectors of several images of one size, one row each. */
	public double[][] features(List<float[]> images, int imageChannels,
		int imageHeight, int imageWidth)
	{
		double[][] out = new double[images.size()][];
		for (int i = 0; i < out.length; i++)
			out[i] = features(images.get(i), imageChannels, imageHeight, imageWidth);
		return out;
	}

	/** Number of components: the length of a feature vector. */
	public int components() {
		return rows.length;
	}

	/**
	 * Unit-length component {@code k}, over the averaged grid's values in CHW
	 * order; feature {@code k} is its dot product with the centred image times
	 * {@link #scale()}.
	 */
	public double[] component(int k) {
		double[] c = new double[rows[k].length];
		for (int j = 0; j < c.length; j++)
			c[j] = rows[k][j] / scale;
		return c;
	}

	/**
	 * The factor applied to every projection: the inverse square root of the
	 * fitted images' mean variance per kept component.
	 */
	public double scale() {
		return scale;
	}

	/** The averaged grid the components act on: channels, height, width. */
	public int[] grid() {
		return new int[] { channels, height, width };
	}

	/**
	 * What these features are and what they were fitted on, e.g. for a report.
	 */
	public String description() {
		return description;
	}

	/**
	 * Averaging factor for an image of this size: the smallest bringing the
	 * longer side to 64.
	 */
	static int factor(int height, int width) {
		return Math.max(1, (Math.max(height, width) + MAX_SIDE - 1) / MAX_SIDE);
	}

	private static float[] downscale(float[] image, int c, int h, int w,
		int factor)
	{
		if (image.length != c * h * w) throw new IllegalArgumentException(
			image.length + " values are not " + c + "x" + h + "x" + w);
		if (factor == 1) return image;
		return TrainingDegradations.areaDownscale(new Planes(c, h, w, image),
			factor).values();
	}

	private static double[] toDouble(float[] v) {
		double[] d = new double[v.length];
		for (int i = 0; i < v.length; i++)
			d[i] = v[i];
		return d;
	}

	private static double dot(double[] a, double[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++)
			s += a[i] * b[i];
		return s;
	}
}
