
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.fijigan.core.dataset.PointSource;

/**
 * What a restoration does to point sources whose positions are known (an image
 * rendered with its sources, {@link PointSource#PROPERTY}): their peaks, their
 * fluxes, and whether the faint ones can still be found. On one plane of
 * normalised values ([0, 1]), the clean one and a result of the same size:
 * <ul>
 * <li><b>aperture</b>: the pixels within {@code r = max(2, ceil(2.5 sigma))} of
 * the source's centre; its <b>background</b> the median of the pixels between
 * {@code r + 1} and {@code r + 4} (distances from the centre, end excluded), in
 * the image measured. Sources whose background ring leaves the image are left
 * out.</li>
 * <li><b>peak</b>: the pixel nearest the centre less the background;
 * <b>flux</b>: the aperture's sum less the background times its pixel count. A
 * source counts when its peak in the clean image is at least {@link #MIN_PEAK},
 * and is <b>faint</b> when that peak is at most {@link #FAINT_PEAK}. The scores
 * are ratios of sums over the counted sources:
 * {@code sum(peak in result) / sum(peak in
 * clean)}, and the same for the flux; 1 keeps them, 0.6 dims them by 40%.</li>
 * <li><b>detection</b>: a difference of Gaussians ({@value #DETECTOR_SIGMA}
 * minus {@value #DETECTOR_SURROUND} pixels) of the image, its local maxima
 * (3x3, positive, at least 3 pixels from the border) taken strongest first; a
 * maximum within {@code max(2, sigma)} pixels of a source not yet found finds
 * it (the nearest; any source, faint or not, counted or not), otherwise it is a
 * false positive. The maxima are taken until the next false positive would
 * exceed {@link #FALSE_POSITIVES_PER_PIXEL} times the pixel count: the
 * detection threshold that gives the same false-positive rate on every image
 * and method. <b>Faint recall</b> is the share of the faint counted sources
 * found.</li>
 * </ul>
 */
final class PointSourceFidelity {

	/**
	 * Peak (normalised units) below which a source is not counted: about 5 grey
	 * levels of 255.
	 */
	static final double MIN_PEAK = 0.02;
	/** Peak (normalised units) up to which a counted source is faint. */
	static final double FAINT_PEAK = 0.15;
	/** False detections allowed per pixel: one per 32x32 pixels. */
	static final double FALSE_POSITIVES_PER_PIXEL = 1.0 / 1024;
	/** Sigma (pixels) of the detector's centre Gaussian. */
	static final double DETECTOR_SIGMA = 1.5;
	/** Sigma (pixels) of the detector's surround Gaussian, subtracted. */
	static final double DETECTOR_SURROUND = 4;

	private PointSourceFidelity() {}

	/**
	 * Sums over the sources of one or more images: peaks and fluxes in the result
	 * and in the clean image, and faint sources found of those there are.
	 */
	record Tally(double peakResult, double peakClean, double fluxResult,
			double fluxClean, int sources, int faintFound, int faint) {

		static final Tally NONE = new Tally(0, 0, 0, 0, 0, 0, 0);

		Tally plus(Tally o) {
			return new Tally(peakResult + o.peakResult, peakClean + o.peakClean,
				fluxResult + o.fluxResult, fluxClean + o.fluxClean, sources + o.sources,
				faintFound + o.faintFound, faint + o.faint);
		}

		double peakRatio() {
			return sources == 0 ? Double.NaN : peakResult / peakClean;
		}

		double fluxRatio() {
			return sources == 0 ? Double.NaN : fluxResult / fluxClean;
		}

		double faintRecall() {
			return faint == 0 ? Double.NaN : faintFound / (double) faint;
		}
	}

	/**
	 * The counted sources of a clean plane, with their clean peaks and fluxes.
	 *
	 * @param index each counted source's index in {@code all}
	 * @param outside sources of {@code all} left out because their centre lies
	 *          outside the plane (a crop left them out)
	 * @param nearEdge those left out because their background ring leaves the
	 *          plane: too near its edge, or too wide for it
	 * @param tooFaint those left out because their clean peak is below
	 *          {@link #MIN_PEAK}
	 */
	record Reference(int height, int width, List<PointSource> all,
			List<PointSource> counted, int[] index, double[] peaks, double[] fluxes,
			int outside, int nearEdge, int tooFaint) {

		boolean isFaint(int k) {
			return peaks[k] <= FAINT_PEAK;
		}
	}

	/**
	 * Measures the sources on the clean plane; {@code sources} in its pixel
	 * coordinates.
	 */
	static Reference reference(float[] clean, int height, int width,
		List<PointSource> sources)
	{
		List<PointSource> counted = new ArrayList<>();
		List<double[]> values = new ArrayList<>();
		List<Integer> index = new ArrayList<>();
		int outside = 0, nearEdge = 0, tooFaint = 0;
		for (int k = 0; k < sources.size(); k++) {
			PointSource p = sources.get(k);
			double[] pf = peakAndFlux(clean, height, width, p);
			long cx = Math.round(p.x()), cy = Math.round(p.y());
			if (pf == null && (cx < 0 || cy < 0 || cx >= width || cy >= height))
				outside++;
			else if (pf == null) nearEdge++;
			else if (!(pf[0] >= MIN_PEAK)) tooFaint++;
			else {
				counted.add(p);
				values.add(pf);
				index.add(k);
			}
		}
		double[] peaks = new double[counted.size()], fluxes = new double[counted
			.size()];
		for (int k = 0; k < peaks.length; k++) {
			peaks[k] = values.get(k)[0];
			fluxes[k] = values.get(k)[1];
		}
		return new Reference(height, width, List.copyOf(sources), List.copyOf(
			counted), index.stream().mapToInt(Integer::intValue).toArray(), peaks,
			fluxes, outside, nearEdge, tooFaint);
	}

	/**
	 * The tally of {@code result} (a plane of the clean one's size) against the
	 * reference.
	 */
	static Tally measure(Reference ref, float[] result) {
		double peak = 0, flux = 0, cleanPeak = 0, cleanFlux = 0;
		int faint = 0;
		for (int k = 0; k < ref.counted().size(); k++) {
			double[] pf = peakAndFlux(result, ref.height(), ref.width(), ref.counted()
				.get(k));
			peak += pf[0];
			flux += pf[1];
			cleanPeak += ref.peaks()[k];
			cleanFlux += ref.fluxes()[k];
			if (ref.isFaint(k)) faint++;
		}
		boolean[] found = detect(result, ref.height(), ref.width(), ref.all());
		int faintFound = 0;
		for (int k = 0; k < ref.counted().size(); k++)
			if (ref.isFaint(k) && found[ref.index()[k]]) faintFound++;
		return new Tally(peak, cleanPeak, flux, cleanFlux, ref.counted().size(),
			faintFound, faint);
	}

	/** Aperture radius of a source, pixels. */
	static int apertureRadius(PointSource s) {
		return Math.max(2, (int) Math.ceil(2.5 * s.sigma()));
	}

	/**
	 * {peak, flux} of {@code s} in {@code plane}, or null when its background
	 * ring leaves the plane.
	 */
	static double[] peakAndFlux(float[] plane, int h, int w, PointSource s) {
		// in long: a source far outside, or one wider than any plane, must not
		// wrap around into it
		long r = apertureRadius(s), reach = r + 4, lx = Math.round(s.x()), ly = Math
			.round(s.y());
		if (lx - reach < 0 || ly - reach < 0 || lx + reach >= w || ly + reach >= h)
			return null;
		int cx = (int) lx, cy = (int) ly, outer = (int) reach;
		List<Double> ring = new ArrayList<>();
		double sum = 0;
		int n = 0;
		for (int y = cy - outer; y <= cy + outer; y++)
			for (int x = cx - outer; x <= cx + outer; x++) {
				double d = Math.hypot(x - s.x(), y - s.y());
				float v = plane[y * w + x];
				if (d <= r) {
					sum += v;
					n++;
				}
				else if (d >= r + 1 && d < outer) ring.add((double) v);
			}
		double[] sorted = ring.stream().mapToDouble(Double::doubleValue).sorted()
			.toArray();
		int m = sorted.length / 2;
		double background = sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] +
			sorted[m]) / 2;
		return new double[] { plane[cy * w + cx] - background, sum - background *
			n };
	}

	/**
	 * Which of {@code sources} the detector finds in {@code plane} at the fixed
	 * false-positive rate (see the class description), by index.
	 */
	static boolean[] detect(float[] plane, int h, int w,
		List<PointSource> sources)
	{
		float[] centre = Baselines.gaussianBlur(plane, h, w, DETECTOR_SIGMA);
		float[] surround = Baselines.gaussianBlur(plane, h, w, DETECTOR_SURROUND);
		float[] response = new float[plane.length];
		for (int i = 0; i < response.length; i++)
			response[i] = centre[i] - surround[i];
		return detectInResponse(response, h, w, sources);
	}

	/**
	 * Which of {@code sources} the maxima of a detector's {@code response} find,
	 * taken strongest first up to the fixed false-positive rate, as
	 * {@link #detect} takes those of its difference of Gaussians.
	 */
	static boolean[] detectInResponse(float[] response, int h, int w,
		List<PointSource> sources)
	{
		List<Integer> maxima = new ArrayList<>();
		for (int y = 3; y < h - 3; y++)
			for (int x = 3; x < w - 3; x++) {
				int i = y * w + x;
				float v = response[i];
				if (!(v > 0)) continue;
				boolean max = true;
				for (int dy = -1; dy <= 1 && max; dy++)
					for (int dx = -1; dx <= 1 && max; dx++) {
						int j = i + dy * w + dx;
						if (j == i) continue;
						// ties go to the first in row-major order, so a plateau gives one
						// maximum
						max = response[j] < v || response[j] == v && j > i;
					}
				if (max) maxima.add(i);
			}
		Integer[] order = maxima.toArray(Integer[]::new);
		Arrays.sort(order, (a, b) -> Float.compare(response[b], response[a]));
		boolean[] found = new boolean[sources.size()];
		int budget = (int) Math.floor(FALSE_POSITIVES_PER_PIXEL * h * w),
				falsePositives = 0;
		for (int i : order) {
			int y = i / w, x = i % w, best = -1;
			double bestDistance = Double.POSITIVE_INFINITY;
			for (int k = 0; k < found.length; k++) {
				if (found[k]) continue;
				PointSource s = sources.get(k);
				double d = Math.hypot(x - s.x(), y - s.y());
				if (d <= Math.max(2, s.sigma()) && d < bestDistance) {
					best = k;
					bestDistance = d;
				}
			}
			if (best >= 0) found[best] = true;
			else if (++falsePositives > budget) break;
		}
		return found;
	}
}
