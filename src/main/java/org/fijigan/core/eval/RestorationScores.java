package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.eval.EvaluationReport.MethodKind;
import org.fijigan.core.eval.EvaluationReport.Score;
import org.fijigan.core.model.TaskKind;

/** Per-image PSNR and SSIM of each method under one condition, averaged into rows. */
final class RestorationScores {
	private final String dataset;
	private final TaskKind task;
	private final String condition;
	/** The model's row is told apart by its kind, should it be named like a baseline. */
	private record Method(String name, MethodKind kind) {}

	private final Map<Method, double[]> sums = new LinkedHashMap<>(); // psnr, ssim, counts

	RestorationScores(String dataset, TaskKind task, String condition) {
		this.dataset = dataset;
		this.task = task;
		this.condition = condition;
	}

	void add(String method, MethodKind kind, TaskProtocol.Quality quality) {
		record(method, kind, quality.psnr(), quality.ssim());
	}

	private void record(String method, MethodKind kind, double psnr, double ssim) {
		double[] s = sums.computeIfAbsent(new Method(method, kind), m -> new double[4]);
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
			out.add(new Score(dataset, task, condition, e.getKey().name(), e.getKey().kind(), s[2] == 0
				? Double.NaN : s[0] / s[2], s[3] == 0 ? Double.NaN : s[1] / s[3], (int) s[2]));
		}
		return out;
	}
}
