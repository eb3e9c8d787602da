
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.eval.EvaluationReport.Measure;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.pipeline.InferenceOptions;

/**
 * Whether a class-conditional generator's images are worth training on,
 * measured the way medical-imaging papers measure synthetic data: a classifier
 * of the generator's classes is trained on real images only, on synthetic
 * images only (train on synthetic, test on real: TSTR), and on both, and each
 * is tested on held-out real images. A generator whose classes look like the
 * real ones gives a TSTR accuracy close to the real-only one; adding its images
 * to the real ones helps when the real+synthetic accuracy beats the real-only
 * one.
 * <p>
 * The classifier is {@link SoftmaxRegression} (multinomial logistic regression)
 * on the same {@link PcaFeatures} as FID and KID: a fixed feature map, fast and
 * deterministic, so that the spread over repeats is the spread of the data, not
 * of an optimiser; it measures whether the synthetic images carry the linear,
 * global structure that tells the classes apart (position and shape of the
 * anatomy, for slices), not fine texture.
 * <p>
 * The measurement is repeated {@code repeats} times. Repeat {@code r} trains on
 * a bootstrap sample of the training images (as many, drawn with replacement;
 * seeded) and on a new draw of synthetic images, as many per class as the class
 * has training images (sample {@code i} of repeat {@code r} from seed
 * {@code seed + 1000000 (r + 1) + i}). Reported: the mean and standard
 * deviation over repeats of the accuracy on the held-out real images, of each
 * class's recall, and of the paired difference between real+synthetic and real
 * alone; and the accuracy of always guessing the largest class of the held-out
 * images. The bootstrap is not stratified: with few training images per class a
 * repeat's sample may hold no image of a class, so that the real-only
 * classifier cannot predict it there; a note names those repeats and classes.
 */
public final class UtilityEvaluation {

	/** Repeats when none are given. */
	public static final int DEFAULT_REPEATS = 5;
	/** Seed offset between the draws of two repeats. */
	static final long DRAW_SEED_STRIDE = 1_000_000;

	/** The three training sets, in the order of the rows. */
	enum Source {

			REAL("real"), SYNTHETIC("synthetic (TSTR)"), BOTH("real + synthetic");

		final String words;

		Source(String words) {
			this.words = words;
		}
	}

	private UtilityEvaluation() {}

	/**
	 * The utility measures.
	 *
	 * @param classes the class names, in label order of the generator
	 * @param labels each class's label for the generator
	 * @param training the training images by class name (normalised, of the
	 *          generated size)
	 * @param heldOut the held-out real images by class name
	 * @param features the feature map
	 * @param notes receives a note naming the repeats whose bootstrap sample of
	 *          the training images lacks a class, and the classes
	 * @throws GanException when a class of the held-out images has no training
	 *           images
	 */
	static List<Measure> measure(ModelDescriptor model, String dataset,
		List<String> classes, Map<String, Integer> labels,
		Map<String, List<float[]>> training, Map<String, List<float[]>> heldOut,
		PcaFeatures features, int channels, int height, int width, long seed,
		int repeats, InferenceOptions inference, List<String> notes,
		CancellationToken cancel)
	{
		List<String> used = new ArrayList<>();
		for (String c : classes)
			if (!training.getOrDefault(c, List.of()).isEmpty()) used.add(c);
		for (String c : heldOut.keySet())
			if (!used.contains(c)) throw new GanException("utility: class " + c +
				" of the real " +
				"images has no training images to train a classifier on");
		if (used.size() < 2) throw new GanException(
			"utility: a classifier needs at least two classes " +
				"with training images, not " + used.size());
		// training features and labels (classifier index = position in used)
		List<double[]> trainX = new ArrayList<>();
		List<Integer> trainY = new ArrayList<>();
		int[] perClass = new int[used.size()];
		for (int k = 0; k < used.size(); k++) {
			List<float[]> images = training.get(used.get(k));
			perClass[k] = images.size();
			for (double[] f : features.features(images, channels, height, width)) {
				trainX.add(f);
				trainY.add(k);
			}
		}
		List<double[]> testX = new ArrayList<>();
		List<Integer> testY = new ArrayList<>();
		for (int k = 0; k < used.size(); k++)
			for (double[] f : features.features(heldOut.getOrDefault(used.get(k), List
				.of()), channels, height, width))
			{
				testX.add(f);
				testY.add(k);
			}
		if (testX.isEmpty()) throw new GanException(
			"utility: no held-out real images to test on");
		double[][] tx = testX.toArray(double[][]::new);
		int[] ty = testY.stream().mapToInt(Integer::intValue).toArray();

		int n = trainX.size(), synthetic = n;
		long[] drawLabels = new long[synthetic];
		for (int k = 0, i = 0; k < used.size(); k++)
			for (int j = 0; j < perClass[k]; j++)
				drawLabels[i++] = labels.get(used.get(k));
		ValueRange range = model.outputRange();
		// accuracy[source][repeat], recall[source][class][repeat]
		double[][] accuracy = new double[3][repeats];
		double[][][] recall = new double[3][used.size()][repeats];
		// per repeat, the classes its bootstrap sample drew no image of
		List<String> lacking = new ArrayList<>();
		for (int r = 0; r < repeats; r++) {
			cancel.throwIfCancelled();
			SplittableRandom random = new SplittableRandom(TaskProtocol.streamSeed(
				seed, 400, r));
			double[][] realX = new double[n][];
			int[] realY = new int[n];
			for (int i = 0; i < n; i++) {
				int pick = random.nextInt(n);
				realX[i] = trainX.get(pick);
				realY[i] = trainY.get(pick);
			}
			boolean[] drawn = new boolean[used.size()];
			for (int y : realY)
				drawn[y] = true;
			List<String> missing = new ArrayList<>();
			for (int k = 0; k < used.size(); k++)
				if (!drawn[k]) missing.add(used.get(k));
			if (!missing.isEmpty()) lacking.add("repeat " + r + " no image of class" +
				(missing.size() == 1 ? " " : "es ") + String.join(", ", missing));
			GenerationProtocol draw = new GenerationProtocol(seed + DRAW_SEED_STRIDE *
				(r + 1));
			var generated = draw.draw(model, synthetic, drawLabels, true, inference
				.device(), inference.threads(), cancel).image();
			List<float[]> images = new ArrayList<>();
			for (int i = 0; i < synthetic; i++) {
				float[] v = EvaluationImages.read(generated, i);
				for (int j = 0; j < v.length; j++)
					v[j] = (float) ((v[j] - range.min()) / range.width());
				images.add(TaskProtocol.clip(v));
			}
			double[][] synthX = features.features(images, channels, height, width);
			int[] synthY = new int[synthetic];
			for (int k = 0, i = 0; k < used.size(); k++)
				for (int j = 0; j < perClass[k]; j++)
					synthY[i++] = k;
			double[][] bothX = concat(realX, synthX);
			int[] bothY = concat(realY, synthY);
			double[][][] xs = { realX, synthX, bothX };
			int[][] ys = { realY, synthY, bothY };
			for (Source s : Source.values()) {
				int[] predicted = SoftmaxRegression.fit(xs[s.ordinal()], ys[s
					.ordinal()], used.size()).predict(tx);
				int[] hits = new int[used.size()], counts = new int[used.size()];
				int correct = 0;
				for (int i = 0; i < ty.length; i++) {
					counts[ty[i]]++;
					if (predicted[i] == ty[i]) {
						hits[ty[i]]++;
						correct++;
					}
				}
				accuracy[s.ordinal()][r] = (double) correct / ty.length;
				for (int k = 0; k < used.size(); k++)
					recall[s.ordinal()][k][r] = counts[k] == 0 ? Double.NaN
						: (double) hits[k] / counts[k];
			}
		}

		if (!lacking.isEmpty()) notes.add("utility: the bootstrap sample of the " +
			"training images drew, in " + String.join("; in ", lacking) + " (" +
			lacking.size() + " of " + repeats + " repeats, numbered from 0): the " +
			"classifier trained on real images alone never saw those classes there " +
			"and cannot predict them, which lowers its accuracy and raises the gain " +
			"of real + synthetic over it; give more training images per class");
		List<Measure> out = new ArrayList<>();
		int[] sizes = { n, synthetic, n + synthetic };
		String all = new GenerationProtocol.AllClasses().condition();
		for (Source s : Source.values())
			out.add(new Measure(dataset, all, "utility: accuracy, trained on " +
				s.words, mean(accuracy[s.ordinal()]), std(accuracy[s.ordinal()]),
				sizes[s.ordinal()], ty.length));
		double[] gain = new double[repeats];
		for (int r = 0; r < repeats; r++)
			gain[r] = accuracy[Source.BOTH.ordinal()][r] - accuracy[Source.REAL
				.ordinal()][r];
		out.add(new Measure(dataset, all,
			"utility: accuracy gain of real + synthetic over real", mean(gain), std(
				gain), n + synthetic, ty.length));
		int[] testCounts = new int[used.size()];
		for (int y : ty)
			testCounts[y]++;
		out.add(new Measure(dataset, all,
			"utility: chance accuracy (always the largest class)", (double) Arrays
				.stream(testCounts).max().orElse(0) / ty.length, Double.NaN, 0,
			ty.length));
		for (int k = 0; k < used.size(); k++) {
			if (testCounts[k] == 0) continue;
			for (Source s : Source.values())
				out.add(new Measure(dataset, used.get(k),
					"utility: recall, trained on " + s.words, mean(recall[s
						.ordinal()][k]), std(recall[s.ordinal()][k]), s == Source.BOTH ? 2 *
							perClass[k] : perClass[k], testCounts[k]));
		}
		return out;
	}

	/** A note that says how the utility rows were measured. */
	static String note(int repeats, long seed) {
		return "utility: multinomial logistic regression on the PCA features, trained on real, " +
			"synthetic (TSTR) and both, tested on the real images; " + repeats +
			" repeats, each on a " +
			"bootstrap sample of the training images and a new draw of as many synthetic images per " +
			"class (repeat r draws sample i from seed " + seed + " + " +
			DRAW_SEED_STRIDE +
			" (r + 1) + i); mean and standard deviation over repeats";
	}

	private static double[][] concat(double[][] a, double[][] b) {
		double[][] out = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	private static int[] concat(int[] a, int[] b) {
		int[] out = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	static double mean(double[] v) {
		double s = 0;
		for (double x : v)
			s += x;
		return s / v.length;
	}

	/** Sample standard deviation (n - 1); NaN for fewer than two values. */
	static double std(double[] v) {
		if (v.length < 2) return Double.NaN;
		double m = mean(v), s = 0;
		for (double x : v)
			s += (x - m) * (x - m);
		return Math.sqrt(s / (v.length - 1));
	}
}
