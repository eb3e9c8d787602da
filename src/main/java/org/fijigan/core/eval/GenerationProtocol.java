
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.eval.EvaluationReport.Measure;
import org.fijigan.core.eval.EvaluationReport.NearCopy;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.RunResult;

/**
 * Generation: nothing is degraded; sample {@code i} is drawn from seed
 * {@code seed + i}. A generated image has no ground truth, so the model is
 * compared with distributions, not with baselines: FID, KID (mean and standard
 * deviation over subsets), precision and recall (k = 3) on {@link PcaFeatures};
 * the real-vs-real floor (two seeded halves of the real images, and real vs
 * training images), and with training images the memorisation check
 * ({@link Memorisation}) in pixel space. The demo draws with it and shows no
 * metric (its note points to the model card). Images are CHW planes in [0, 1].
 *
 * @param seed seed of the draws, and of the KID subsets and the real halves
 */
public record GenerationProtocol(long seed) implements TaskProtocol {

	/**
	 * The generated and real images one block of measures compares: one class, or
	 * all together.
	 */
	public sealed interface ClassGroup {

		/** Whether images of class {@code className} belong to this group. */
		boolean includes(String className);

		/** The condition its measures carry: the class, or {@code all classes}. */
		String condition();
	}

	/**
	 * The images of one class (for an unconditional generator, its one class
	 * {@code all}).
	 */
	public record OneClass(String name) implements ClassGroup {

		@Override
		public boolean includes(String className) {
			return name.equals(className);
		}

		@Override
		public String condition() {
			return name;
		}
	}

	/**
	 * The images of every class, measured together after the classes one by one.
	 */
	public record AllClasses() implements ClassGroup {

		@Override
		public boolean includes(String className) {
			return true;
		}

		@Override
		public String condition() {
			return "all classes";
		}
	}

	/**
	 * The images of one group, as the measures see them.
	 *
	 * @param generatedIndex each generated image's sample number (its seed is
	 *          {@code seed + index})
	 * @param training the training images of the group (the real-vs-training
	 *          floor)
	 */
	public record GroupImages(List<float[]> generated,
			List<Integer> generatedIndex, List<float[]> real,
			List<float[]> training) {
	}

	/**
	 * The training images the memorisation check compares every generated image
	 * with.
	 *
	 * @param names their names, to report near-copies by
	 */
	public record TrainingSet(List<float[]> images, List<String> names) {
	}

	@Override
	public TaskKind task() {
		return TaskKind.GENERATE;
	}

	/**
	 * Draws {@code count} images from {@code model}, sample {@code i} from seed
	 * {@code seed + i} with class {@code labels[i]} (null: unconditional, or the
	 * model's default).
	 *
	 * @param floatOutput images in the model's output range instead of 8 bits
	 */
	public RunResult draw(ModelDescriptor model, int count, long[] labels,
		boolean floatOutput, DeviceSpec device, int threads,
		CancellationToken cancel)
	{
		return Generator.run(model, new GenerateOptions(count, seed, null, labels,
			null, floatOutput, device, threads), ProgressListener.NONE, cancel);
	}

	/**
	 * The distribution measures of one group: FID, KID, precision and recall of
	 * generated vs real; the floors of real half vs half (four real images or
	 * more) and real vs training (two training images or more; precision and
	 * recall of a seeded sample of as many training images as there are generated
	 * ones, what a generator that drew training images would score). Each measure
	 * names its data set and condition.
	 *
	 * @param withFloors whether to measure the floors, which do not depend on the
	 *          generated images (a second draw of the same group leaves them out)
	 */
	public List<Measure> distributions(String dataset, String condition,
		GroupImages g, PcaFeatures features, int channels, int height, int width,
		boolean withFloors)
	{
		List<Measure> measures = new ArrayList<>();
		double[][] fg = features.features(g.generated(), channels, height, width);
		double[][] fr = features.features(g.real(), channels, height, width);
		int ng = g.generated().size(), nr = g.real().size();
		measures.add(new Measure(dataset, condition, "FID generated vs real", ng < 2
			? Double.NaN : GenerativeMetrics.frechetDistance(fg, fr), Double.NaN, ng,
			nr));
		GenerativeMetrics.Kid kid = GenerativeMetrics.kernelDistance(fg, fr,
			TaskProtocol.streamSeed(seed, 200, 0));
		measures.add(new Measure(dataset, condition,
			"KID generated vs real (subsets of " + kid.subsetSize() + ")", kid.mean(),
			kid.std(), ng, nr));
		GenerativeMetrics.PrecisionRecall pr = GenerativeMetrics.precisionRecall(fr,
			fg, GenerativeMetrics.DEFAULT_NEIGHBOURS);
		measures.add(new Measure(dataset, condition, "precision (k=" + pr
			.neighbours() + ")", pr.precision(), Double.NaN, ng, nr));
		measures.add(new Measure(dataset, condition, "recall (k=" + pr
			.neighbours() + ")", pr.recall(), Double.NaN, ng, nr));
		measures.addAll(appearance(dataset, condition, g.generated(), g.real()));
		if (withFloors && nr >= 4) {
			int[] order = GenerativeMetrics.sample(nr, nr, new SplittableRandom(
				TaskProtocol.streamSeed(seed, 300, 0)));
			double[][] a = new double[nr / 2][], b = new double[nr - nr / 2][];
			for (int i = 0; i < nr; i++)
				if (i < a.length) a[i] = fr[order[i]];
				else b[i - a.length] = fr[order[i]];
			measures.add(new Measure(dataset, condition,
				"floor: FID real half vs half", GenerativeMetrics.frechetDistance(a, b),
				Double.NaN, a.length, b.length));
			GenerativeMetrics.Kid half = GenerativeMetrics.kernelDistance(a, b,
				TaskProtocol.streamSeed(seed, 200, 1));
			measures.add(new Measure(dataset, condition,
				"floor: KID real half vs half", half.mean(), half.std(), a.length,
				b.length));
		}
		int nt = g.training().size();
		if (withFloors && nt >= 2) {
			double[][] ft = features.features(g.training(), channels, height, width);
			measures.add(new Measure(dataset, condition,
				"floor: FID real vs training", GenerativeMetrics.frechetDistance(fr,
					ft), Double.NaN, nr, nt));
			GenerativeMetrics.Kid rt = GenerativeMetrics.kernelDistance(fr, ft,
				TaskProtocol.streamSeed(seed, 200, 2));
			measures.add(new Measure(dataset, condition,
				"floor: KID real vs training", rt.mean(), rt.std(), nr, nt));
			// what a generator that drew training images would score: as many of them
			// as generated ones
			int k = Math.min(ng, nt);
			int[] pick = GenerativeMetrics.sample(nt, k, new SplittableRandom(
				TaskProtocol.streamSeed(seed, 300, 1)));
			double[][] subset = new double[k][];
			for (int i = 0; i < k; i++)
				subset[i] = ft[pick[i]];
			GenerativeMetrics.PrecisionRecall tr = GenerativeMetrics.precisionRecall(
				fr, subset, GenerativeMetrics.DEFAULT_NEIGHBOURS);
			measures.add(new Measure(dataset, condition, "floor: precision (k=" + tr
				.neighbours() + "), training vs real", tr.precision(), Double.NaN, k,
				nr));
			measures.add(new Measure(dataset, condition, "floor: recall (k=" + tr
				.neighbours() + "), training vs real", tr.recall(), Double.NaN, k, nr));
		}
		return measures;
	}

	/**
	 * Brightness and variety in pixel space: the mean intensity of the generated
	 * and of the real images (mean of the per-image means; std: of the per-image
	 * means), and their mean pairwise RMS distance (over all pairs; std: over the
	 * pairs), each with the generated-to-real ratio. A collapsed generator draws
	 * nearly one image: its pairwise distance falls far below the real images'.
	 */
	static List<Measure> appearance(String dataset, String condition,
		List<float[]> generated, List<float[]> real)
	{
		int ng = generated.size(), nr = real.size();
		double[] mg = imageMeans(generated), mr = imageMeans(real);
		double[] dg = pairwiseRms(generated), dr = pairwiseRms(real);
		List<Measure> out = new ArrayList<>();
		out.add(new Measure(dataset, condition, "mean intensity, generated",
			UtilityEvaluation.mean(mg), UtilityEvaluation.std(mg), ng, nr));
		out.add(new Measure(dataset, condition, "mean intensity, real",
			UtilityEvaluation.mean(mr), UtilityEvaluation.std(mr), ng, nr));
		out.add(new Measure(dataset, condition, "mean intensity: generated / real",
			UtilityEvaluation.mean(mg) / UtilityEvaluation.mean(mr), Double.NaN, ng,
			nr));
		out.add(new Measure(dataset, condition, "pairwise RMS distance, generated",
			UtilityEvaluation.mean(dg), UtilityEvaluation.std(dg), ng, nr));
		out.add(new Measure(dataset, condition, "pairwise RMS distance, real",
			UtilityEvaluation.mean(dr), UtilityEvaluation.std(dr), ng, nr));
		out.add(new Measure(dataset, condition,
			"diversity: generated / real pairwise RMS distance", UtilityEvaluation
				.mean(dg) / UtilityEvaluation.mean(dr), Double.NaN, ng, nr));
		return out;
	}

	private static double[] imageMeans(List<float[]> images) {
		double[] out = new double[images.size()];
		for (int i = 0; i < out.length; i++) {
			double s = 0;
			for (float v : images.get(i))
				s += v;
			out[i] = s / images.get(i).length;
		}
		return out;
	}

	/**
	 * The RMS distance of every pair of images, pairs (0,1), (0,2) .. (1,2) ..;
	 * empty for one image.
	 */
	static double[] pairwiseRms(List<float[]> images) {
		int n = images.size();
		double[] out = new double[Math.max(0, n * (n - 1) / 2)];
		for (int i = 0, k = 0; i < n; i++)
			for (int j = i + 1; j < n; j++) {
				float[] a = images.get(i), b = images.get(j);
				double s = 0;
				for (int p = 0; p < a.length; p++)
					s += ((double) a[p] - b[p]) * ((double) a[p] - b[p]);
				out[k++] = Math.sqrt(s / a.length);
			}
		return out;
	}

	/**
	 * The memorisation measures of one group against every training image, in
	 * pixel space, and (when {@code listNearCopies}) the near-copies themselves.
	 */
	public void memorisation(String dataset, String condition, GroupImages g,
		TrainingSet training, boolean listNearCopies, List<Measure> measures,
		List<NearCopy> nearCopies)
	{
		Memorisation.Report m = Memorisation.check(g.generated(), training.images(),
			training.names(), g.real());
		int ng = g.generated().size(), nr = g.real().size(), nt = training.images()
			.size();
		measures.add(new Measure(dataset, condition,
			"near-copies of training images", m.nearCopies().size(), Double.NaN, ng,
			nt));
		measures.add(new Measure(dataset, condition,
			"near-copy threshold: 1st percentile of " +
				"real-to-training RMS distance", m.threshold(), Double.NaN, nr, nt));
		measures.add(new Measure(dataset, condition,
			"nearest-training RMS distance, generated: min", m.minGenerated(),
			Double.NaN, ng, nt));
		measures.add(new Measure(dataset, condition,
			"nearest-training RMS distance, generated: median", m.medianGenerated(),
			Double.NaN, ng, nt));
		measures.add(new Measure(dataset, condition,
			"nearest-training RMS distance, real: min", m.minHeldOut(), Double.NaN,
			nr, nt));
		measures.add(new Measure(dataset, condition,
			"nearest-training RMS distance, real: median", m.medianHeldOut(),
			Double.NaN, nr, nt));
		if (listNearCopies) for (Memorisation.Nearest c : m.nearCopies()) {
			int index = g.generatedIndex().get(c.generated());
			nearCopies.add(new NearCopy(dataset, condition, index, seed + index, c
				.trainingName(), c.distance()));
		}
	}
}
