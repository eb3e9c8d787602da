
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.eval.EvaluationReport.MethodKind;
import org.fijigan.core.eval.EvaluationReport.Score;
import org.fijigan.core.model.TaskKind;

/**
 * Per-image PSNR and SSIM of each method under one condition, averaged into
 * rows; and, for images with point sources, their fidelity tallies, summed.
 * <p>
 * An image some method reproduces exactly has an infinite PSNR, which would
 * make that method's mean infinite and hide every other image. Such images
 * ({@link #exact()}) are left out of every method's mean PSNR, so that the
 * means stay over the same images; SSIM is averaged over all of them.
 */
final class RestorationScores {

	private final String dataset;
	private final TaskKind task;
	private final String condition;

	/**
	 * The model's row is told apart by its kind, should it be named like a
	 * baseline.
	 */
	private record Method(String name, MethodKind kind) {
	}

	/** One image's measures by one method. */
	private record Measured(String image, double psnr, double ssim) {
	}

	private final Map<Method, List<Measured>> measured = new LinkedHashMap<>();
	private final Map<Method, PointSourceFidelity.Tally> points =
		new LinkedHashMap<>();

	RestorationScores(String dataset, TaskKind task, String condition) {
		this.dataset = dataset;
		this.task = task;
		this.condition = condition;
	}

	/** Adds one image's quality by one method. */
	void add(String image, String method, MethodKind kind,
		TaskProtocol.Quality quality)
	{
		add(image, method, kind, quality, null);
	}

	/** Adds one image's quality and, when not null, its point-source tally. */
	void add(String image, String method, MethodKind kind,
		TaskProtocol.Quality quality, PointSourceFidelity.Tally tally)
	{
		measured.computeIfAbsent(new Method(method, kind), m -> new ArrayList<>())
			.add(new Measured(image, quality.psnr(), quality.ssim()));
		if (tally != null) points.merge(new Method(method, kind), tally,
			PointSourceFidelity.Tally::plus);
	}

	/**
	 * The images that some method reproduced exactly (an infinite PSNR), in the
	 * order they were added.
	 */
	Set<String> exact() {
		Set<String> out = new LinkedHashSet<>();
		for (List<Measured> list : measured.values())
			for (Measured m : list)
				if (Double.isInfinite(m.psnr())) out.add(m.image());
		return out;
	}

	/** The images measured, in the order they were added. */
	Set<String> images() {
		Set<String> out = new LinkedHashSet<>();
		for (List<Measured> list : measured.values())
			for (Measured m : list)
				out.add(m.image());
		return out;
	}

	/**
	 * The mean PSNR of one method over its images but {@code leftOut}; NaN where
	 * none is left.
	 */
	double meanPsnr(String method, MethodKind kind, Set<String> leftOut) {
		return means(measured.get(new Method(method, kind)), leftOut)[0];
	}

	/** The rows, each PSNR over the images but {@link #exact()}. */
	List<Score> rows() {
		return rows(exact());
	}

	/**
	 * The rows, each PSNR over the images but {@code leftOut}, each SSIM over
	 * all.
	 */
	List<Score> rows(Set<String> leftOut) {
		List<Score> out = new ArrayList<>();
		for (Map.Entry<Method, List<Measured>> e : measured.entrySet()) {
			double[] mean = means(e.getValue(), leftOut);
			PointSourceFidelity.Tally t = points.get(e.getKey());
			out.add(new Score(dataset, task, condition, e.getKey().name(), e.getKey()
				.kind(), mean[0], mean[1], e.getValue().size(), (int) mean[2], t == null
					? null : new EvaluationReport.PointScores(t.peakRatio(), t
						.fluxRatio(), t.faintRecall(), t.sources(), t.faint())));
		}
		return out;
	}

	/**
	 * Mean PSNR (but {@code leftOut}) and SSIM, each over its known values, and
	 * how many PSNRs the mean is over.
	 */
	private static double[] means(List<Measured> list, Set<String> leftOut) {
		double psnr = 0, ssim = 0;
		int np = 0, ns = 0;
		for (Measured m : list) {
			if (!Double.isNaN(m.psnr()) && !leftOut.contains(m.image())) {
				psnr += m.psnr();
				np++;
			}
			if (!Double.isNaN(m.ssim())) {
				ssim += m.ssim();
				ns++;
			}
		}
		return new double[] { np == 0 ? Double.NaN : psnr / np, ns == 0 ? Double.NaN
			: ssim / ns, np };
	}

	/** This condition's note on the images left out of PSNR, or null if none. */
	String exactNote(Set<String> leftOut, int images) {
		return exactNote(dataset, condition, leftOut, images);
	}

	/**
	 * The note that says which images were left out of every method's mean PSNR
	 * as reproduced exactly by some method, or null when none was.
	 *
	 * @param images the images measured under the condition
	 */
	static String exactNote(String dataset, String condition,
		Collection<String> leftOut, int images)
	{
		if (leftOut.isEmpty()) return null;
		int k = leftOut.size();
		return dataset + " / " + condition + ": " + k + " of " + images + " image" +
			(images == 1 ? "" : "s") + " left out of every method's " +
			"mean PSNR, as some method reproduced " + (k == 1 ? "it" : "them") +
			" exactly (infinite PSNR): " + String.join(", ", leftOut) + (k == images
				? "; no PSNR is left to compare" : "; PSNR is over the other " +
					(images - k)) + ", SSIM over all " + images;
	}
}
