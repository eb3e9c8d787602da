
package org.fijigan.bench;

import java.util.Locale;
import java.util.SplittableRandom;

import org.fijigan.core.dataset.FluorescenceScene;
import org.fijigan.core.trust.ResidualCheck;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;

/**
 * The false-alarm rate of {@link ResidualCheck} on pure noise, for
 * docs/trust-tools.md: a perfect denoiser (its result is the noise-free image)
 * run on white Gaussian or Poisson noise over flat and structured images
 * (synthetic fluorescence scenes), at several sizes; how often does the check
 * say the residual holds structure? A plain main on the test class path:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:target/lib/'*' org.fijigan.bench.ResidualCheckBench [TRIALS]
 * </pre>
 *
 * TRIALS (default 400) planes per case at 128 and 256 pixels, a quarter of that
 * at 512 and a sixteenth at 1024. Seeded: the same run gives the same counts.
 */
public final class ResidualCheckBench {

	private ResidualCheckBench() {}

	public static void main(String[] args) {
		int trials = args.length > 0 ? Integer.parseInt(args[0]) : 400;
		String[] cases = { "gaussian 0.05, flat", "gaussian 0.05, scene",
			"poisson 30 photons, scene", "poisson 5 photons + read 0.01, scene",
			"poisson 0.1 photons, flat" };
		System.out.printf(Locale.ROOT, "%-38s %6s %7s %7s %8s %9s %7s %7s %7s%n",
			"noise, image", "side", "planes", "alarms", "rate", "threshold", "median",
			"p99", "max");
		long totalPlanes = 0, totalAlarms = 0;
		for (int c = 0; c < cases.length; c++)
			for (int side : new int[] { 128, 256, 512, 1024 }) {
				int n = side <= 256 ? trials : side == 512 ? Math.max(1, trials / 4)
					: Math.max(1, trials / 16);
				int alarms = 0;
				double[] maxZ = new double[n];
				for (int k = 0; k < n; k++) {
					SplittableRandom random = new SplittableRandom(1_000_003L * c +
						7919L * side + k);
					float[] clean = clean(c == 0 || c == 4, side, random.nextLong());
					float[] noisy = clean.clone();
					Planes p = new Planes(1, side, side, noisy);
					switch (c) {
						case 0, 1 -> TrainingDegradations.addGaussianNoise(p, 0.05, random);
						case 2 -> TrainingDegradations.addPoissonGaussianNoise(p, 30, 0,
							random);
						case 3 -> TrainingDegradations.addPoissonGaussianNoise(p, 5, 0.01,
							random);
						default -> TrainingDegradations.addPoissonGaussianNoise(p, 0.1 /
							0.3, 0, random); // 0.1 photons a pixel on the flat 0.3
					}
					float[] residual = new float[noisy.length];
					for (int i = 0; i < residual.length; i++)
						residual[i] = noisy[i] - clean[i];
					ResidualCheck.Finding f = ResidualCheck.check(residual, clean, side,
						side);
					if (f.isStructured()) alarms++;
					maxZ[k] = f.maxZ();
				}
				java.util.Arrays.sort(maxZ);
				totalPlanes += n;
				totalAlarms += alarms;
				System.out.printf(Locale.ROOT,
					"%-38s %6d %7d %7d %8.4f %9.2f %7.2f %7.2f %7.2f%n", cases[c], side,
					n, alarms, alarms / (double) n, ResidualCheck.threshold(side * side),
					maxZ[n / 2], maxZ[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)],
					maxZ[n - 1]);
			}
		System.out.printf(Locale.ROOT,
			"all: %d alarms in %d planes of pure noise (%.4f)%n", totalAlarms,
			totalPlanes, totalAlarms / (double) totalPlanes);
	}

	/** A flat plane of 0.3, or a rendered scene scaled to about [0, 1]. */
	static float[] clean(boolean flat, int side, long seed) {
		float[] v = new float[side * side];
		if (flat) {
			java.util.Arrays.fill(v, 0.3f);
			return v;
		}
		short[] counts = (short[]) FluorescenceScene.render(side, side, seed)
			.image().plane(0);
		int max = 1;
		for (short s : counts)
			max = Math.max(max, s & 0xffff);
		for (int i = 0; i < v.length; i++)
			v[i] = (counts[i] & 0xffff) / (float) max;
		return v;
	}
}
