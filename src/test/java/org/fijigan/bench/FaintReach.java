
package org.fijigan.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.fijigan.core.dataset.FluorescenceScene;
import org.fijigan.core.dataset.PointSource;
import org.fijigan.core.image.RasterImage;
import org.fijigan.ij1.ImageFileCodec;

/**
 * How many of the faint point sources of rendered fluorescence scenes any
 * method could find under Gaussian noise, for {@code bench/faint-reach.sh}: an
 * upper bound on the faint-source recall that {@code evaluate} reports. For
 * each faint source (peak 0.02-0.15 of the image's range, as evaluate counts
 * them, here from the rendered amplitude; aperture and background ring inside
 * the image) the ideal observer knows its position, its shape and everything
 * beneath it, and compares the matched filter of the noisy image with a
 * threshold. Its detection probability is {@code Q(z - snr)}, where
 * {@code snr = sqrt(sum of the spot's squared values) / sigma} (the spot in
 * units of the image's range, drawn as the scenes draw it) and {@code z} is the
 * threshold for the false-alarm level: no detector that makes fewer false
 * detections can find the source more often (Neyman-Pearson). evaluate allows
 * one false detection per 1024 pixels; the level per tested location depends on
 * how many locations a detector tests, so the table gives two: every pixel
 * ({@code alpha = 1/1024}, z = 3.10) and every resolution cell of the spot
 * ({@code alpha = 4 pi sigma^2 / 1024}, a smaller z, so a larger and safer
 * bound). A plain main on the test class path:
 *
 * <pre>
 * java -cp ... org.fijigan.bench.FaintReach SCENES SIGMA/255...
 * </pre>
 *
 * SCENES is a folder of {@code prepare-data fluorescence} (TIFFs and
 * sources.csv).
 */
public final class FaintReach {

	private FaintReach() {}

	public static void main(String[] args) throws IOException {
		Path folder = Path.of(args[0]);
		Map<String, List<PointSource>> sources = readSources(folder.resolve(
			"sources.csv"));
		// per faint source: the SNR numerator (noise sigma 1) and its sigma
		List<double[]> faint = new ArrayList<>();
		for (Map.Entry<String, List<PointSource>> e : sources.entrySet()) {
			Scene scene = readScene(folder.resolve(e.getKey() + ".tif"));
			int w = scene.width(), h = scene.height();
			double lo = scene.low(), hi = scene.high();
			for (PointSource s : e.getValue()) {
				int r = Math.max(2, (int) Math.ceil(2.5 * s.sigma())), outer = r + 4;
				int cx = (int) Math.round(s.x()), cy = (int) Math.round(s.y());
				if (cx - outer < 0 || cy - outer < 0 || cx + outer >= w || cy +
					outer >= h) continue;
				double[] spot = FluorescenceScene.spotAlone(s, w, h);
				double peak = 0, energy = 0;
				for (double x : spot) {
					peak = Math.max(peak, x / (hi - lo));
					energy += (x / (hi - lo)) * (x / (hi - lo));
				}
				if (peak >= 0.02 && peak <= 0.15) faint.add(new double[] { Math.sqrt(
					energy), s.sigma() });
			}
		}
		System.out.printf(Locale.ROOT, "%d faint sources in %d scenes%n", faint
			.size(), sources.size());
		System.out.printf(Locale.ROOT, "%-22s %24s %30s%n", "gaussian noise",
			"ideal recall, every pixel", "ideal recall, every spot cell");
		double zPixel = inverseQ(1.0 / 1024);
		for (int i = 1; i < args.length; i++) {
			double sigma = Double.parseDouble(args[i]) / 255;
			double perPixel = 0, perCell = 0;
			for (double[] f : faint) {
				double snr = f[0] / sigma;
				perPixel += q(zPixel - snr);
				double cell = Math.min(0.5, 4 * Math.PI * f[1] * f[1] / 1024);
				perCell += q(inverseQ(cell) - snr);
			}
			System.out.printf(Locale.ROOT, "%-22s %23.1f%% %29.1f%%%n", "sigma=" +
				args[i] + "/255", 100 * perPixel / faint.size(), 100 * perCell / faint
					.size());
		}
	}

	/** A scene's first plane, with its smallest and largest value. */
	public record Scene(float[] values, int width, int height, float low,
			float high) {
	}

	/** Reads a rendered scene's first plane. */
	public static Scene readScene(Path tif) throws IOException {
		RasterImage image = ImageFileCodec.INSTANCE.read(tif, "scene");
		int w = image.width(), h = image.height();
		float[] v = new float[w * h];
		image.readRegion(0, 0, 0, 0, 0, w, h, v, 0);
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (float x : v) {
			lo = Math.min(lo, x);
			hi = Math.max(hi, x);
		}
		return new Scene(v, w, h, lo, hi);
	}

	/** image name -> its sources, from prepare-data's sources.csv. */
	public static Map<String, List<PointSource>> readSources(Path csv) {
		Map<String, List<PointSource>> out = new LinkedHashMap<>();
		try {
			for (String line : Files.readAllLines(csv)) {
				String[] f = line.split(",");
				if (f[0].equals("image")) continue;
				out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new PointSource(
					Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double
						.parseDouble(f[3]), Double.parseDouble(f[4]), f[5].equals("airy")));
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return out;
	}

	/**
	 * The standard normal's upper tail, P(X > z): Simpson's rule over the density
	 * from z to z + 12 (4000 intervals; the tail beyond is below 1e-30).
	 */
	static double q(double z) {
		int n = 4000;
		double step = 12.0 / n, sum = 0;
		for (int i = 0; i <= n; i++) {
			double x = z + i * step, f = Math.exp(-x * x / 2);
			sum += f * (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2);
		}
		return sum * step / 3 / Math.sqrt(2 * Math.PI);
	}

	/** z with q(z) = p, by bisection. */
	static double inverseQ(double p) {
		double lo = -10, hi = 10;
		for (int i = 0; i < 100; i++) {
			double mid = (lo + hi) / 2;
			if (q(mid) > p) lo = mid;
			else hi = mid;
		}
		return (lo + hi) / 2;
	}
}
