
package org.fijigan.core.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.fijigan.bench.FaintReach;
import org.fijigan.core.dataset.PointSource;
import org.fijigan.core.trust.ResidualCheck;

/**
 * How many faint point sources simple detectors find in the noisy image itself,
 * for {@code bench/faint-reach.sh}: a measured reference beside
 * {@link FaintReach}'s ideal observer. Any restoration followed by evaluate's
 * detector is a detector that looks at the noisy image alone, as these are, so
 * their recall says what the noisy data give to a detector that does not know
 * where the sources are. Each detector is a response map of the noisy plane
 * (normalised as evaluate normalises it, clipped to [0, 1]) whose 3x3 maxima
 * are taken strongest first up to evaluate's false-positive rate and matched to
 * the sources exactly as evaluate matches the maxima of its difference of
 * Gaussians ({@link PointSourceFidelity#detectInResponse}). The family:
 * differences of Gaussians of several widths (evaluate's among them), a median
 * background taken off before a Gaussian, and a difference of Gaussians divided
 * by its local root mean square (a contrast that textures do not inflate). The
 * best of them is chosen on the same scenes, so it flatters the family. A plain
 * main on the test class path:
 *
 * <pre>
 * java -cp ... org.fijigan.core.eval.BlindDetectors SCENES DRAWS NOISE...
 * </pre>
 *
 * SCENES is a folder of {@code prepare-data fluorescence} (TIFFs and
 * sources.csv); DRAWS noise draws per scene (seeded); each NOISE is a Gaussian
 * sigma in 8-bit units or {@code pg} (evaluate's Poisson-Gaussian noise: 30
 * photons per unit, read noise 0.01).
 * <p>
 * With {@code -Dfijigan.detector=MODEL.onnx} ({@code bench/faint-learned.sh}),
 * a learned detector joins the family: a model of a plane {@code [1,1,H,W]}
 * whose output is its response map. With {@code -Dfijigan.denoiser=D.onnx} as
 * well, a denoiser of the same plane followed by evaluate's detector, and its
 * result with the noisy input put back where the learned detector sees a
 * source: {@code result + min(1, k map) (noisy - result)}, k = 1, 2, 4. Their
 * recall is printed by name under each noise.
 */
public final class BlindDetectors {

	private BlindDetectors() {}

	/** A scene's clean plane in evaluate's units, and its sources measured. */
	private record Scene(float[] clean, int h, int w,
			PointSourceFidelity.Reference ref) {
	}

	public static void main(String[] args) throws IOException {
		Path folder = Path.of(args[0]);
		int draws = Integer.parseInt(args[1]);
		List<Scene> scenes = new ArrayList<>();
		for (Map.Entry<String, List<PointSource>> e : FaintReach.readSources(folder
			.resolve("sources.csv")).entrySet())
		{
			FaintReach.Scene read = FaintReach.readScene(folder.resolve(e.getKey() +
				".tif"));
			int w = read.width(), h = read.height();
			float lo = read.low(), hi = read.high();
			float[] v = read.values();
			for (int i = 0; i < v.length; i++)
				v[i] = (v[i] - lo) / (hi - lo);
			scenes.add(new Scene(v, h, w, PointSourceFidelity.reference(v, h, w, e
				.getValue())));
		}
		int faint = 0, cleanFound = 0;
		for (Scene s : scenes) {
			faint += faintCount(s);
			cleanFound += faintFound(s, PointSourceFidelity.detect(s.clean(), s.h(), s
				.w(), s.ref().all()));
		}
		System.out.printf(Locale.ROOT,
			"%d faint sources in %d scenes; evaluate's detector finds %.1f%% of them in the clean images%n",
			faint, scenes.size(), 100.0 * cleanFound / faint);
		Map<String, Detector> family = family();
		String model = System.getProperty("fijigan.detector"), denoiser = System
			.getProperty("fijigan.denoiser");
		if (model != null) family.put("learned detector", onnx(Path.of(model)));
		if (model != null && denoiser != null) {
			Detector d = onnx(Path.of(denoiser)), m = onnx(Path.of(model));
			family.put("denoiser, evaluate's detector", (p, h, w) -> dog(d.response(p,
				h, w), h, w, PointSourceFidelity.DETECTOR_SIGMA,
				PointSourceFidelity.DETECTOR_SURROUND));
			for (int k : new int[] { 1, 2, 4 })
				family.put("denoiser, noisy input put back at k=" + k, (p, h, w) -> {
					float[] out = d.response(p, h, w), map = m.response(p, h, w);
					for (int i = 0; i < out.length; i++)
						out[i] += (float) Math.max(0, Math.min(1, k * map[i])) * (p[i] -
							out[i]);
					return dog(out, h, w, PointSourceFidelity.DETECTOR_SIGMA,
						PointSourceFidelity.DETECTOR_SURROUND);
				});
		}
		System.out.printf(Locale.ROOT, "%-26s %34s %27s %22s  %s%n", "noise",
			"noisy input, evaluate's detector", "best of " + family.size() +
				" detectors", "the best, clean image", "the best");
		for (int a = 2; a < args.length; a++) {
			Map<String, Integer> found = new LinkedHashMap<>();
			for (int k = 0; k < scenes.size(); k++) {
				Scene s = scenes.get(k);
				for (int d = 0; d < draws; d++) {
					float[] noisy = noisy(s.clean(), args[a], new Random(1_000_003L * k +
						7919L * d + a));
					for (Map.Entry<String, Detector> e : family.entrySet())
						found.merge(e.getKey(), faintFound(s, PointSourceFidelity
							.detectInResponse(e.getValue().response(noisy, s.h(), s.w()), s
								.h(), s.w(), s.ref().all())), Integer::sum);
				}
			}
			String best = found.entrySet().stream().max(Map.Entry.comparingByValue())
				.orElseThrow().getKey();
			int bestClean = 0;
			for (Scene s : scenes)
				bestClean += faintFound(s, PointSourceFidelity.detectInResponse(family
					.get(best).response(s.clean(), s.h(), s.w()), s.h(), s.w(), s.ref()
						.all()));
			double total = (double) faint * draws;
			System.out.printf(Locale.ROOT, "%-26s %33.1f%% %26.1f%% %21.1f%%  %s%n",
				args[a].equals("pg") ? "poisson-gaussian 30/0.01" : "sigma=" + args[a] +
					"/255", 100 * found.get(EVALUATE) / total, 100 * found.get(best) /
						total, 100.0 * bestClean / faint, best);
			for (String name : found.keySet())
				if (name.startsWith("learned") || name.startsWith("denoiser"))
					System.out.printf(Locale.ROOT, "  %s: %.1f%% of the faint sources%n",
						name, 100 * found.get(name) / total);
		}
	}

	/** A response map of a noisy plane. */
	interface Detector {

		float[] response(float[] plane, int h, int w);
	}

	/** A one-input, one-output ONNX model of a plane [1,1,H,W] as a detector. */
	static Detector onnx(Path model) {
		try {
			ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment
				.getEnvironment();
			ai.onnxruntime.OrtSession session = env.createSession(model.toString(),
				new ai.onnxruntime.OrtSession.SessionOptions());
			String input = session.getInputNames().iterator().next();
			return (p, h, w) -> {
				try (ai.onnxruntime.OnnxTensor t = ai.onnxruntime.OnnxTensor
					.createTensor(env, java.nio.FloatBuffer.wrap(p), new long[] { 1, 1, h,
						w });
						ai.onnxruntime.OrtSession.Result r = session.run(java.util.Map.of(
							input, t)))
				{
					java.nio.FloatBuffer b = ((ai.onnxruntime.OnnxTensor) r.get(0))
						.getFloatBuffer();
					float[] out = new float[b.remaining()];
					b.get(out);
					return out;
				}
				catch (ai.onnxruntime.OrtException e) {
					throw new IllegalStateException(e);
				}
			};
		}
		catch (ai.onnxruntime.OrtException e) {
			throw new IllegalStateException(e);
		}
	}

	static final String EVALUATE = "difference of Gaussians " +
		PointSourceFidelity.DETECTOR_SIGMA + " - " +
		PointSourceFidelity.DETECTOR_SURROUND;

	/** The detectors tried, by name; evaluate's under {@link #EVALUATE}. */
	static Map<String, Detector> family() {
		Map<String, Detector> out = new LinkedHashMap<>();
		out.put(EVALUATE, (p, h, w) -> dog(p, h, w,
			PointSourceFidelity.DETECTOR_SIGMA,
			PointSourceFidelity.DETECTOR_SURROUND));
		for (double c : new double[] { 1, 1.2, 1.5, 2 })
			for (double s : new double[] { 2.5, 3, 4, 6 })
				out.putIfAbsent("difference of Gaussians " + c + " - " + s, (p, h,
					w) -> dog(p, h, w, c, s));
		for (int m : new int[] { 7, 11, 15 })
			for (double c : new double[] { 1, 1.5, 2 })
				out.put("median " + m + " off, Gaussian " + c, (p, h, w) -> {
					float[] bg = Baselines.medianFilter(p, h, w, m), d =
						new float[p.length];
					for (int i = 0; i < d.length; i++)
						d[i] = p[i] - bg[i];
					return Baselines.gaussianBlur(d, h, w, c);
				});
		for (double c : new double[] { 1.2, 1.5, 2 })
			for (int r : new int[] { 9, 15, 21, 31 })
				out.put("difference of Gaussians " + c + " - 4 over its RMS in " + r +
					" px", (p, h, w) -> {
						float[] d = dog(p, h, w, c, 4);
						float[] sq = new float[d.length];
						for (int i = 0; i < d.length; i++)
							sq[i] = d[i] * d[i];
						float[] rms = boxMean(sq, h, w, r / 2);
						for (int i = 0; i < d.length; i++)
							d[i] /= (float) Math.sqrt(rms[i] + 1e-12);
						return d;
					});
		return out;
	}

	static float[] dog(float[] p, int h, int w, double centre, double surround) {
		float[] c = Baselines.gaussianBlur(p, h, w, centre), s = Baselines
			.gaussianBlur(p, h, w, surround);
		for (int i = 0; i < c.length; i++)
			c[i] -= s[i];
		return c;
	}

	/** Mean over the (2r+1)^2 window, borders mirrored as the blur's. */
	static float[] boxMean(float[] p, int h, int w, int r) {
		double[] v = new double[p.length];
		for (int i = 0; i < v.length; i++)
			v[i] = p[i];
		double[] mean = ResidualCheck.boxMean(v, w, h, 2 * r + 1);
		float[] out = new float[mean.length];
		for (int i = 0; i < out.length; i++)
			out[i] = (float) mean[i];
		return out;
	}

	/** The clean plane with evaluate's kinds of noise, clipped to [0, 1]. */
	static float[] noisy(float[] clean, String noise, Random random) {
		float[] out = new float[clean.length];
		boolean pg = noise.equals("pg");
		double sigma = pg ? 0.01 : Double.parseDouble(noise) / 255;
		for (int i = 0; i < out.length; i++) {
			double v = pg ? poisson(30 * clean[i], random) / 30.0 : clean[i];
			out[i] = (float) Math.max(0, Math.min(1, v + sigma * random
				.nextGaussian()));
		}
		return out;
	}

	/** A Poisson draw by multiplying uniforms (mean at most about 30 here). */
	static int poisson(double mean, Random random) {
		double limit = Math.exp(-mean), p = 1;
		int k = -1;
		do {
			k++;
			p *= random.nextDouble();
		}
		while (p > limit);
		return k;
	}

	private static int faintCount(Scene s) {
		int n = 0;
		for (int k = 0; k < s.ref().counted().size(); k++)
			if (s.ref().isFaint(k)) n++;
		return n;
	}

	private static int faintFound(Scene s, boolean[] found) {
		int n = 0;
		for (int k = 0; k < s.ref().counted().size(); k++)
			if (s.ref().isFaint(k) && found[s.ref().index()[k]]) n++;
		return n;
	}
}
