
package org.fijigan.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.fijigan.core.eval.Metrics;
import org.fijigan.core.image.RasterImage;
import org.fijigan.ij1.ImageFileCodec;

/**
 * PSNR of result folders against a folder of clean images, image by image, for
 * {@code bench/self-supervised.sh}: the data range of each image is its clean
 * version's minimum to maximum (as {@code evaluate} normalises a 16-bit image),
 * over the first plane. A plain main on the test class path:
 *
 * <pre>
 * java -cp ... org.fijigan.bench.PsnrTable CLEAN LABEL=DIR [LABEL=DIR ...]
 * </pre>
 *
 * Every DIR holds a file of the same name for each TIFF of CLEAN.
 */
public final class PsnrTable {

	private PsnrTable() {}

	public static void main(String[] args) {
		Path clean = Path.of(args[0]);
		List<String> labels = new ArrayList<>();
		List<Path> dirs = new ArrayList<>();
		for (int i = 1; i < args.length; i++) {
			String[] kv = args[i].split("=", 2);
			labels.add(kv[0]);
			dirs.add(Path.of(kv[1]));
		}
		List<Path> files;
		try (Stream<Path> s = Files.list(clean)) {
			files = s.filter(p -> p.toString().endsWith(".tif")).sorted().toList();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-14s",
			"image"));
		for (String l : labels)
			head.append(String.format(Locale.ROOT, " %14s", l));
		System.out.println(head);
		double[] sums = new double[labels.size()];
		for (Path f : files) {
			float[] truth = plane(f);
			double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
			for (float v : truth) {
				lo = Math.min(lo, v);
				hi = Math.max(hi, v);
			}
			StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-14s",
				f.getFileName()));
			for (int k = 0; k < dirs.size(); k++) {
				double psnr = Metrics.psnr(truth, plane(dirs.get(k).resolve(f
					.getFileName())), hi - lo);
				sums[k] += psnr;
				row.append(String.format(Locale.ROOT, " %11.2f dB", psnr));
			}
			System.out.println(row);
		}
		StringBuilder mean = new StringBuilder(String.format(Locale.ROOT, "%-14s",
			"mean"));
		for (double s : sums)
			mean.append(String.format(Locale.ROOT, " %11.2f dB", s / files.size()));
		System.out.println(mean);
	}

	private static float[] plane(Path file) {
		RasterImage image = ImageFileCodec.INSTANCE.read(file, "image");
		float[] v = new float[image.width() * image.height()];
		image.readRegion(0, 0, 0, 0, 0, image.width(), image.height(), v, 0);
		return v;
	}
}
