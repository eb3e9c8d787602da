
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.fijigan.core.GanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcaFeaturesTest {

	@TempDir
	Path dir;

	/**
	 * {@code n} images that are random mixtures of three fixed patterns plus a
	 * constant.
	 */
	private static List<float[]> mixtures(int n, int h, int w, long seed) {
		Random r = new Random(seed);
		float[][] patterns = new float[3][h * w];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				patterns[0][y * w + x] = (float) x / w;
				patterns[1][y * w + x] = (float) Math.sin(y * 0.7);
				patterns[2][y * w + x] = (x + y) % 3 == 0 ? 1 : 0;
			}
		List<float[]> out = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			double a = r.nextGaussian(), b = r.nextGaussian(), c = r.nextGaussian();
			float[] v = new float[h * w];
			for (int j = 0; j < v.length; j++)
				v[j] = (float) (0.5 + a * patterns[0][j] + 0.5 * b * patterns[1][j] +
					0.2 * c * patterns[2][j]);
			out.add(v);
		}
		return out;
	}

	@Test
	void threePatternsGiveThreeOrthonormalComponentsThatSpanTheImages() {
		List<float[]> images = mixtures(30, 12, 10, 1); // 30 images of 120 pixels:
																										// the Gram path
		PcaFeatures f = PcaFeatures.fit(images, 1, 12, 10, 64, 0, "test images");
		assertEquals(3, f.components());
		assertArrayEquals(new int[] { 1, 12, 10 }, f.grid());
		for (int k = 0; k < 3; k++)
			for (int l = 0; l < 3; l++) {
				double dot = 0;
				for (int j = 0; j < 120; j++)
					dot += (double) f.component(k)[j] * f.component(l)[j];
				assertEquals(k == l ? 1 : 0, dot, 1e-5);
			}
		// every image is the mean plus its features times the components, over the
		// scale
		double[][] features = f.features(images, 1, 12, 10);
		double[] mean = new double[120];
		for (float[] v : images)
			for (int j = 0; j < 120; j++)
				mean[j] += v[j] / 30.0;
		for (int i = 0; i < 30; i++)
			for (int j = 0; j < 120; j++) {
				double v = mean[j];
				for (int k = 0; k < 3; k++)
					v += features[i][k] * f.component(k)[j] / f.scale();
				assertEquals(images.get(i)[j], v, 1e-4, "image " + i + " pixel " + j);
			}
		// the scale gives the fitted images' features a variance of 1 per component
		// on average
		double squares = 0;
		for (double[] row : features)
			for (double v : row)
				squares += v * v;
		assertEquals(1, squares / (3 * 29), 1e-5);
		assertTrue(f.description().contains("not Inception") && f.description()
			.contains("30 test images"), f.description());
	}

	@Test
	void componentsAreEigenvectorsOfTheCovarianceOnBothPaths() {
		// 40 images of 16 pixels take the covariance path, 10 images the Gram path
		for (int n : new int[] { 40, 10 }) {
			Random r = new Random(n);
			List<float[]> images = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				float[] v = new float[16];
				for (int j = 0; j < 16; j++)
					v[j] = (float) (r.nextGaussian() * (1 + j % 4));
				images.add(v);
			}
			PcaFeatures f = PcaFeatures.fit(images, 1, 4, 4, 5, 0, "images");
			assertEquals(5, f.components());
			double[][] x = new double[n][16];
			for (int i = 0; i < n; i++)
				for (int j = 0; j < 16; j++)
					x[i][j] = images.get(i)[j];
			double[][] cov = GenerativeMetrics.covariance(x);
			double previous = Double.POSITIVE_INFINITY;
			for (int k = 0; k < 5; k++) {
				double[] c = f.component(k);
				double[] cc = new double[16];
				double lambda = 0;
				for (int i = 0; i < 16; i++) {
					for (int j = 0; j < 16; j++)
						cc[i] += cov[i][j] * c[j];
					lambda += cc[i] * c[i];
				}
				for (int i = 0; i < 16; i++)
					assertEquals(lambda * c[i], cc[i], 1e-4 * lambda, "n " + n +
						" component " + k);
				assertTrue(lambda <= previous * (1 + 1e-6), "largest variance first");
				previous = lambda;
			}
		}
	}

	@Test
	void savedFeaturesLoadToTheSameNumbersAndTheFitIsDeterministic() {
		List<float[]> images = mixtures(20, 128, 128, 2); // averaged 2x2 to 64x64
		PcaFeatures f = PcaFeatures.fit(images, 1, 128, 128, 64, 5,
			"training images");
		assertArrayEquals(new int[] { 1, 64, 64 }, f.grid());
		Path file = dir.resolve("features.npy");
		f.save(file, false);
		PcaFeatures loaded = PcaFeatures.load(file);
		assertEquals(f.components(), loaded.components());
		for (float[] image : images.subList(0, 3))
			assertArrayEquals(f.features(image, 1, 128, 128), loaded.features(image,
				1, 128, 128), 0);
		PcaFeatures again = PcaFeatures.fit(images, 1, 128, 128, 64, 5,
			"training images");
		for (int k = 0; k < f.components(); k++)
			assertArrayEquals(f.component(k), again.component(k), 0);
		assertThrows(GanException.class, () -> f.save(file, false),
			"an existing file is kept");
		assertThrows(GanException.class, () -> f.features(new float[100 * 100], 1,
			100, 100));
		assertThrows(GanException.class, () -> f.features(new float[3 * 128 * 128],
			3, 128, 128));
	}
}
