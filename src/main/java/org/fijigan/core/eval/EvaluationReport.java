
package org.fijigan.core.eval;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.text.Csv;
import org.fijigan.core.text.Numbers;

/**
 * What {@link Evaluation} measured: for restoration tasks one {@link Score} per
 * method and condition, for generation one {@link Measure} per metric and
 * class; plus the notes a reader needs to judge the numbers (how baselines were
 * tuned, what the features are). Immutable.
 *
 * @param model the model's name
 * @param modelSha256 the model's SHA-256 (of its ONNX file and its external
 *          data files)
 * @param task the task evaluated
 * @param scores restoration rows, in evaluation order
 * @param measures generation rows, in evaluation order
 * @param nearCopies generated images flagged as near-copies of a training image
 * @param features the PCA features the generation metrics used (to save them),
 *          or null
 * @param notes lines for the reader
 */
public record EvaluationReport(String model, String modelSha256, TaskKind task,
		List<Score> scores, List<Measure> measures, List<NearCopy> nearCopies,
		PcaFeatures features, List<String> notes) {

	/** What a row's method is. */
	public enum MethodKind {

			/** The model under evaluation. */
			MODEL,
			/** A classical method the model should beat. */
			BASELINE,
			/** A reference that is no method, e.g. the noisy input itself. */
			REFERENCE;

		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/**
	 * Mean quality of one method under one condition.
	 *
	 * @param dataset the evaluated image set
	 * @param condition the degradation, e.g. {@code gaussian sigma=25/255}
	 * @param psnr mean PSNR over the images, dB (data range 1 in normalised
	 *          units), less those some method under the condition reproduced
	 *          exactly (infinite PSNR; a note names them); NaN for a reference
	 *          that is no result (the clean image), or where every image was left
	 *          out
	 * @param ssim mean SSIM over the images
	 * @param n images measured (SSIM's average is over all of them)
	 * @param psnrN images the mean PSNR is over: {@code n} less those left out as
	 *          reproduced exactly and those without a PSNR
	 * @param points what the method did to the images' point sources, or null
	 *          when they have none
	 */
	public record Score(String dataset, TaskKind task, String condition,
			String method, MethodKind kind, double psnr, double ssim, int n,
			int psnrN, PointScores points) {

		/** A score without point sources, its PSNR over all its images. */
		public Score(String dataset, TaskKind task, String condition, String method,
			MethodKind kind, double psnr, double ssim, int n)
		{
			this(dataset, task, condition, method, kind, psnr, ssim, n, n, null);
		}
	}

	/**
	 * Point-source fidelity of one method under one condition, over all the
	 * images' counted sources (see {@code PointSourceFidelity}).
	 *
	 * @param peakRatio sum of the sources' peaks in the result over the sum in
	 *          the clean image
	 * @param fluxRatio the same for their fluxes
	 * @param faintRecall share of the faint sources the detector finds at the
	 *          fixed false-positive rate
	 * @param sources sources counted
	 * @param faintSources faint ones among them
	 */
	public record PointScores(double peakRatio, double fluxRatio,
			double faintRecall, int sources, int faintSources) {
	}

	/**
	 * One generation metric comparing two image sets, A and B (which ones the
	 * metric's name says).
	 *
	 * @param std standard deviation where the metric has one (KID over subsets),
	 *          else NaN
	 * @param countA images in set A
	 * @param countB images in set B
	 */
	public record Measure(String dataset, String condition, String metric,
			double value, double std, int countA, int countB) {
	}

	/**
	 * A generated image closer to a training image than held-out real images are.
	 *
	 * @param generated index of the generated image (seed = the run's seed +
	 *          index)
	 * @param distance RMS difference of normalised pixels
	 */
	public record NearCopy(String dataset, String condition, int generated,
			long seed, String trainingImage, double distance) {
	}

	/**
	 * The model's score and the best baseline's under one condition: the highest
	 * mean PSNR; among equal PSNRs (or where no PSNR is known) the highest mean
	 * SSIM; then the first listed.
	 */
	public record Comparison(String dataset, String condition, Score model,
			Score bestBaseline) {

		public double psnrGain() {
			return model.psnr() - bestBaseline.psnr();
		}

		public double ssimGain() {
			return model.ssim() - bestBaseline.ssim();
		}
	}

	public EvaluationReport {
		scores = List.copyOf(scores);
		measures = List.copyOf(measures);
		nearCopies = List.copyOf(nearCopies);
		notes = List.copyOf(notes);
		Objects.requireNonNull(task);
	}

	/**
	 * This report and {@code other} (of the same model, e.g. on another data set)
	 * as one.
	 */
	public EvaluationReport merge(EvaluationReport other) {
		List<Score> s = new ArrayList<>(scores);
		s.addAll(other.scores);
		List<Measure> m = new ArrayList<>(measures);
		m.addAll(other.measures);
		List<NearCopy> c = new ArrayList<>(nearCopies);
		c.addAll(other.nearCopies);
		List<String> n = new ArrayList<>(notes);
		for (String note : other.notes)
			if (!n.contains(note)) n.add(note);
		return new EvaluationReport(model, modelSha256, task, s, m, c,
			features != null ? features : other.features, n);
	}

	/**
	 * Per data set and condition, the model against the best baseline; conditions
	 * without both are left out.
	 */
	public List<Comparison> comparisons() {
		Map<String, Score> model = new LinkedHashMap<>(), best =
			new LinkedHashMap<>();
		for (Score s : scores) {
			String key = s.dataset() + "\u0000" + s.condition();
			if (s.kind() == MethodKind.MODEL) model.putIfAbsent(key, s);
			else if (s.kind() == MethodKind.BASELINE) best.merge(key, s, (a,
				b) -> better(b, a) ? b : a);
		}
		List<Comparison> out = new ArrayList<>();
		for (Map.Entry<String, Score> e : model.entrySet()) {
			Score b = best.get(e.getKey());
			if (b != null) out.add(new Comparison(e.getValue().dataset(), e.getValue()
				.condition(), e.getValue(), b));
		}
		return out;
	}

	/**
	 * Whether baseline {@code b} beats {@code a}: a known PSNR beats an unknown
	 * one, a higher PSNR a lower; at equal (or unknown) PSNR, a higher SSIM.
	 */
	private static boolean better(Score b, Score a) {
		boolean knownA = !Double.isNaN(a.psnr()), knownB = !Double.isNaN(b.psnr());
		if (knownA != knownB) return knownB;
		if (knownA && b.psnr() != a.psnr()) return b.psnr() > a.psnr();
		return b.ssim() > a.ssim();
	}

	/**
	 * Under one condition, what the model, its input and the clean image keep of
	 * the point sources (rows with {@link PointScores}).
	 *
	 * @param input the degraded input's reference row, or null where there is
	 *          none
	 */
	public record PointComparison(String dataset, String condition, Score model,
			Score input, Score clean) {

		/**
		 * One line: the faint sources found in each, the model's distance from the
		 * clean image and from its input in points, and the share of the sources'
		 * peaks and flux the model keeps.
		 */
		public String describe() {
			PointScores m = model.points(), c = clean.points();
			if (c.sources() == 0) return dataset + " / " + condition +
				": no point source could be measured";
			String kept = String.format(Locale.ROOT,
				"it keeps %.3f of the sources' peaks and %.3f of their flux", m
					.peakRatio(), m.fluxRatio());
			if (c.faintSources() == 0) return dataset + " / " + condition +
				": no faint sources; " + kept;
			StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
				"%s / %s: faint sources found: %s %s", dataset, condition, model
					.method(), percent(m.faintRecall())));
			if (input != null) sb.append(", ").append(input.method()).append(' ')
				.append(percent(input.points().faintRecall()));
			sb.append(", ").append(clean.method()).append(' ').append(percent(c
				.faintRecall())).append(" (the model ").append(points(m.faintRecall() -
					c.faintRecall())).append(" the clean image's");
			if (input != null) sb.append(", ").append(points(m.faintRecall() - input
				.points().faintRecall())).append(" its input's");
			return sb.append("); ").append(kept).toString();
		}

		private static String percent(double v) {
			return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 *
				v);
		}

		private static String points(double d) {
			double p = Math.round(1000 * d) / 10.0;
			return p == 0 ? "level with" : String.format(Locale.ROOT,
				"%.1f points %s", Math.abs(p), p > 0 ? "above" : "below");
		}
	}

	/**
	 * Per data set and condition with point sources, the model against its input
	 * and the clean image; conditions without a model row and a clean-image row
	 * are left out.
	 */
	public List<PointComparison> pointComparisons() {
		Map<String, Score> model = new LinkedHashMap<>(), input =
			new LinkedHashMap<>(), clean = new LinkedHashMap<>();
		for (Score s : scores) {
			if (s.points() == null) continue;
			String key = s.dataset() + "\u0000" + s.condition();
			if (s.kind() == MethodKind.MODEL) model.putIfAbsent(key, s);
			else if (s.kind() == MethodKind.REFERENCE) (s.method().equals(CLEAN_IMAGE)
				? clean : input).putIfAbsent(key, s);
		}
		List<PointComparison> out = new ArrayList<>();
		for (Map.Entry<String, Score> e : model.entrySet())
			if (clean.containsKey(e.getKey())) out.add(new PointComparison(e
				.getValue().dataset(), e.getValue().condition(), e.getValue(), input
					.get(e.getKey()), clean.get(e.getKey())));
		return out;
	}

	/** The method name of the clean image's reference row. */
	public static final String CLEAN_IMAGE = "clean image";

	/** Whether any row measured point sources. */
	public boolean hasPointSources() {
		return scores.stream().anyMatch(s -> s.points() != null);
	}

	/**
	 * The rows as CSV with a header line. Restoration:
	 * {@code dataset,task,condition,method,kind,psnr_db,ssim,n,n_psnr} ({@code n}
	 * the images measured, {@code n_psnr} those the mean PSNR is over), followed
	 * by {@code peak_ratio,flux_ratio,faint_recall,sources,faint_sources} when
	 * some images had point sources; generation:
	 * {@code dataset,task,condition,metric,value,std,n_a,n_b}. Numbers in plain
	 * notation with a dot; an unknown value is empty, an infinite PSNR is
	 * {@code inf}.
	 */
	public String toCsv() {
		StringBuilder sb = new StringBuilder();
		if (task == TaskKind.GENERATE) {
			sb.append("dataset,task,condition,metric,value,std,n_a,n_b\n");
			for (Measure m : measures)
				sb.append(Csv.line(m.dataset(), task.id(), m.condition(), m.metric(),
					Numbers.compact(m.value()), Numbers.compact(m.std()), Integer
						.toString(m.countA()), Integer.toString(m.countB())));
		}
		else {
			boolean points = hasPointSources();
			sb.append("dataset,task,condition,method,kind,psnr_db,ssim,n,n_psnr")
				.append(points
					? ",peak_ratio,flux_ratio,faint_recall,sources,faint_sources\n"
					: "\n");
			for (Score s : scores) {
				List<String> fields = new ArrayList<>(List.of(s.dataset(), s.task()
					.id(), s.condition(), s.method(), s.kind().id(), Numbers.compact(s
						.psnr()), Numbers.compact(s.ssim()), Integer.toString(s.n()),
					Integer.toString(s.psnrN())));
				PointScores p = s.points();
				if (points) fields.addAll(p == null ? List.of("", "", "", "", "") : List
					.of(Numbers.compact(p.peakRatio()), Numbers.compact(p.fluxRatio()),
						Numbers.compact(p.faintRecall()), Integer.toString(p.sources()),
						Integer.toString(p.faintSources())));
				sb.append(Csv.line(fields));
			}
		}
		return sb.toString();
	}

	/**
	 * Writes {@link #toCsv()} to {@code file} atomically: the file holds all of
	 * it or is untouched.
	 *
	 * @param replace whether an existing file may be replaced
	 */
	public void writeCsv(Path file, boolean replace) {
		byte[] bytes = toCsv().getBytes(StandardCharsets.UTF_8);
		AtomicFile.writeStream(file, replace, out -> out.write(bytes));
	}
}
