
package org.fijigan.imagej;

import java.io.File;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.eval.Evaluation;
import org.fijigan.core.eval.EvaluationOptions;
import org.fijigan.core.eval.EvaluationReport;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.ij1.ImageFolder;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.measure.ResultsTable;

/**
 * Measures a model against classical baselines on a folder of clean images (the
 * core {@link Evaluation}, as {@code fiji-gan evaluate} does) and shows the
 * rows in a results table. In a macro:
 * {@code run("Evaluate Model...", "model=[dn.onnx] data=[clean/] task=denoise");},
 * or for a conditional generator with the utility measure
 * {@code run("Evaluate Model...",
 * "model=[g.onnx] data=[test/] training=[train/] utility=5");}
 */
@Plugin(type = Command.class, headless = true, label = "Evaluate Model")
public class EvaluateCommand extends GanCommand {

	@Parameter(label = "Data folder", style = FileWidget.DIRECTORY_STYLE,
		description = "clean images the model never saw; for a conditional generator, one sub-folder per class")
	File data;

	@Parameter(label = "Training folder", required = false,
		style = FileWidget.DIRECTORY_STYLE,
		description = "generators only: the training images, for the PCA features and the near-copy check")
	File training;

	@Parameter(label = "Task", choices = { "auto", "super-resolution", "denoise",
		"inpaint", "generate" },
		description = "what the model does: auto takes what it says")
	String task = "auto";

	@Parameter(label = "Images", min = "1",
		description = "at most this many images per folder, a seeded choice")
	int images = EvaluationOptions.DEFAULT_MAX_IMAGES;

	@Parameter(label = "Count", min = "0",
		description = "generators: images drawn per class; 0 for as many as the real images of the class")
	int count;

	@Parameter(label = "Utility repeats", min = "0",
		description = "class-conditional generators: train a classifier of the classes on the training folder, " +
			"on as many generated images (train on synthetic, test on real) and on both, and test it on the " +
			"data folder, this many times; 0 for none")
	int utility;

	@Parameter(label = "Draws", min = "1",
		description = "generators: independent draws of the generated images; each measure of " +
			"generated vs real images is their mean, with their standard deviation")
	int draws = 1;

	@Parameter(label = "Seed",
		description = "seed of the image choice, noise, holes and latent vectors")
	long seed = EvaluationOptions.DEFAULT_SEED;

	@Parameter(label = "Normalize",
		description = "auto, range, range:MIN,MAX or percentile[:LOW,HIGH]: how values map to [0,1] for the metrics")
	String normalize = "auto";

	@Parameter(label = "Device",
		description = "auto, cpu, cuda, cuda:1, cuda:strict (never the CPU), ...")
	String device = "auto";

	@Parameter(label = "Threads", min = "0",
		description = "CPU threads; 0 uses all cores")
	int threads;

	private EvaluationReport report;
	private ResultsTable table;

	@Override
	protected void execute() {
		report = null;
		table = null;
		if (data == null) throw new GanException(
			"choose a folder of images to evaluate on");
		String n = normalize == null ? "auto" : normalize.trim();
		EvaluationOptions options = EvaluationOptions.defaults().withMaxImages(
			images).withSeed(seed).withGeneratedPerClass(count).withNormalization(n
				.isEmpty() || n.equalsIgnoreCase("auto") ? null : Normalization.parse(
					n)).withInference(InferenceOptions.defaults().withDevice(DeviceSpec
						.parse(device), threads)).withUtilityRepeats(utility).withDraws(
							draws);
		ModelDescriptor d = loadModel(ModelOverrides.NONE.withTask(task.equals(
			"auto") ? null : TaskKind.parse(task)));
		report = Evaluation.evaluate(d, data.getName(), ImageFolder.of(data
			.toPath(), "data"), training == null ? null : ImageFolder.of(training
				.toPath(), "training"), null, options, progress(), cancellation());
		table = table(report);
		showTable(table, "Evaluation of " + d.name());
		for (EvaluationReport.Comparison c : report.comparisons())
			IJ.log(String.format(java.util.Locale.ROOT,
				"fiji-gan: %s / %s: %s vs best baseline (%s): " +
					"%+.2f dB PSNR, %+.4f SSIM", c.dataset(), c.condition(), d.name(), c
						.bestBaseline().method(), c.psnrGain(), c.ssimGain()));
		for (EvaluationReport.PointComparison c : report.pointComparisons())
			IJ.log("fiji-gan: " + c.describe());
		for (EvaluationReport.NearCopy c : report.nearCopies())
			IJ.log("fiji-gan: near-copy: generated #" + c.generated() + " (seed " + c
				.seed() + ") is close to training image " + c.trainingImage());
		logNotes(report.notes());
	}

	/** One row per score (restoration) or measure (generation). */
	static ResultsTable table(EvaluationReport r) {
		ResultsTable t = new ResultsTable();
		if (r.task() == TaskKind.GENERATE) for (EvaluationReport.Measure m : r
			.measures())
		{
			t.incrementCounter();
			t.addValue("Data", m.dataset());
			t.addValue("Condition", m.condition());
			t.addValue("Metric", m.metric());
			number(t, "Value", m.value());
			number(t, "Std", m.std());
			t.addValue("n A", m.countA());
			t.addValue("n B", m.countB());
		}
		else for (EvaluationReport.Score s : r.scores()) {
			t.incrementCounter();
			t.addValue("Data", s.dataset());
			t.addValue("Condition", s.condition());
			t.addValue("Method", s.method());
			t.addValue("Kind", s.kind().id());
			number(t, "PSNR (dB)", s.psnr());
			number(t, "SSIM", s.ssim());
			t.addValue("n", s.n());
			t.addValue("n PSNR", s.psnrN());
			if (r.hasPointSources()) {
				EvaluationReport.PointScores p = s.points();
				number(t, "Peak ratio", p == null ? Double.NaN : p.peakRatio());
				number(t, "Flux ratio", p == null ? Double.NaN : p.fluxRatio());
				number(t, "Faint recall", p == null ? Double.NaN : p.faintRecall());
			}
		}
		t.setPrecision(4);
		return t;
	}

	/**
	 * A value in column {@code column}, or "-" where there is none (NaN), as the
	 * command line's table shows it; {@code getValue} reads NaN from either.
	 */
	private static void number(ResultsTable t, String column, double v) {
		if (Double.isNaN(v)) t.addValue(column, "-");
		else t.addValue(column, v);
	}

	/** What the last run measured, or null. */
	public EvaluationReport report() {
		return report;
	}

	/** The table of the last run, or null. */
	public ResultsTable table() {
		return table;
	}
}
