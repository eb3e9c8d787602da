
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.eval.EvaluationReport.MethodKind;
import org.fijigan.core.eval.EvaluationReport.Score;
import org.fijigan.core.model.TaskKind;

/**
 * Per-image PSNR and SSIM of each method under one condition, averaged into
 * rows; and, for images with point sources, their fidelity tallies, summed.
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

	private final Map<Method, double[]> sums = new LinkedHashMap<>(); // psnr,
																																		// ssim,
																																		// counts,
																																		// images
	private final Map<Method, PointSourceFidelity.Tally> points =
		new LinkedHashMap<>();

	RestorationScores(String dataset, TaskKind task, String condition) {
		this.dataset = dataset;
		this.task = task;
		this.condition = condition;
	}

	void add(String method, MethodKind kind, TaskProtocol.Quality quality) {
		record(method, kind, quality.psnr(), quality.ssim());
	}

	/** Adds one image's quality and, when not null, its point-source tally. */
	void add(String method, MethodKind kind, TaskProtocol.Quality quality,
		PointSourceFidelity.Tally tally)
	{
		record(method, kind, quality.psnr(), quality.ssim());
		if (tally != null) points.merge(new Method(method, kind), tally,
			PointSourceFidelity.Tally::plus);
	}

	private void record(String method, MethodKind kind, double psnr,
		double ssim)
	{
		double[] s = sums.computeIfAbsent(new Method(method, kind),
			m -> new double[5]);
		s[4]++;
		if (!Double.isNaN(psnr)) {
			s[0] += psnr;
			s[2]++;
		}
		if (!Double.isNaN(ssim)) {
			s[1] += ssim;
			s[3]++;
		}
	}

	double meanPsnr(String method, MethodKind kind) {
		double[] s = sums.get(new Method(method, kind));
		return s[0] / s[2];
	}

	List<Score> rows() {
		List<Score> out = new ArrayList<>();
		for (Map.Entry<Method, double[]> e : sums.entrySet()) {
			double[] s = e.getValue();
			PointSourceFidelity.Tally t = points.get(e.getKey());
			out.add(new Score(dataset, task, condition, e.getKey().name(), e.getKey()
				.kind(), s[2] == 0 ? Double.NaN : s[0] / s[2], s[3] == 0 ? Double.NaN
					: s[1] / s[3], (int) s[4], t == null ? null
						: new EvaluationReport.PointScores(t.peakRatio(), t.fluxRatio(), t
							.faintRecall(), t.sources(), t.faint())));
		}
		return out;
	}
}
