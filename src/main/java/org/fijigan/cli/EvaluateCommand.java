
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.eval.Evaluation;
import org.fijigan.core.eval.EvaluationOptions;
import org.fijigan.core.eval.EvaluationReport;
import org.fijigan.core.eval.EvaluationReport.Comparison;
import org.fijigan.core.eval.EvaluationReport.Measure;
import org.fijigan.core.eval.EvaluationReport.NearCopy;
import org.fijigan.core.eval.EvaluationReport.PointScores;
import org.fijigan.core.eval.EvaluationReport.Score;
import org.fijigan.core.eval.PcaFeatures;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.text.Printable;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.ij1.ImageFolder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
	description = "Measure a model against classical baselines on a folder of clean images " +
		"(PSNR/SSIM per degradation); a generator against real images (FID, KID, precision, " +
		"recall on PCA features, brightness and variety, a memorisation check, and with --utility " +
		"its use for training a classifier). Prints a table; --output writes CSV.")
final class EvaluateCommand implements Callable<Integer>,
	ResultOnStandardOutput
{

	@Override
	public boolean resultOnStandardOutput() {
		return output == null;
	}

	@Spec
	CommandSpec spec;

	@Mixin
	ModelOptions model;

	@Option(names = "--data", required = true, paramLabel = "DIR",
		description = "Clean images the model never saw (sub-folders included); for a conditional " +
			"generator, one sub-folder per class.")
	Path data;

	@Option(names = "--other-data", paramLabel = "DIR",
		description = "Another image set, measured the same way and reported by its folder name " +
			"(e.g. another microscope), with as many parent folders as tell it from the other sets' " +
			"(y/a/test, x/a/test); may be repeated, each folder once.")
	List<Path> otherData = new ArrayList<>();

	@Option(names = "--tune-data", paramLabel = "DIR", description = {
		"Denoising: images the classical baselines' parameters are tuned on, per noise " +
			"condition, instead of on the evaluated images (Gaussian blur) or not at all (non-local " +
			"means, total variation, wavelet shrinkage). Use images the model was not evaluated on.",
		"Once for every set, or once per set in order (--data, then each --other-data)." })
	List<Path> tuneData = new ArrayList<>();

	@Option(names = "--train-data", paramLabel = "DIR",
		description = "Generation: the training images, to fit the PCA features on and to check " +
			"generated images for near-copies of them.")
	Path trainData;

	@Option(names = "--features", paramLabel = "FILE.npy",
		description = "Generation: PCA features to use; written there after the fit when the file " +
			"does not exist yet, so later runs use the same ones.")
	Path featuresFile;

	@Option(names = "--count", paramLabel = "N",
		description = "Generation: images drawn per class (default: as many as the real images of the class).")
	Integer count;

	@Option(names = "--utility", arity = "0..1", paramLabel = "REPEATS",
		fallbackValue = "5", description = {
			"Class-conditional generation: how useful the images are for training. A " +
				"classifier of the classes (logistic regression on the PCA features) is trained on the " +
				"--train-data images, on as many generated ones (train on synthetic, test on real) and on " +
				"both, and tested on the --data images; REPEATS times (default 5), each with a bootstrap " +
				"sample of the training images and a new draw." })
	Integer utility;

	@Option(names = "--draws", paramLabel = "D", defaultValue = "1",
		description = "Generation: independent draws of the generated images; each measure of " +
			"generated vs real images is their mean, with their standard deviation (default: 1).")
	int draws;

	@Option(names = "--seed", paramLabel = "S", defaultValue = "1",
		description = "Seed of the image choice, noise, holes and latent vectors (default: 1).")
	long seed;

	@Option(names = "--max-images", paramLabel = "K", defaultValue = "100",
		description = "At most K images from each folder, a seeded choice (default: 100).")
	int maxImages;

	@Option(names = "--max-size", paramLabel = "PX", defaultValue = "512",
		description = "Restoration: images larger than PX along an axis are centre-cropped to PX (default: 512).")
	int maxSize;

	@Option(names = "--normalize", paramLabel = "MODE",
		description = "How pixel values map to [0,1] for the metrics: range, range:MIN,MAX or " +
			"percentile[:LOW,HIGH], taken over the pixels measured (the centre crop of each image's " +
			"middle slice). Default: restoration the one a fine-tuned model records, else 0-255 for " +
			"8-bit (else their min-max), " +
			"generation percentile:1,99.8 (fine-tune's default).")
	Normalization normalization;

	@Option(names = { "-o", "--output" }, paramLabel = "FILE.csv",
		description = "Write the rows as CSV (written whole or not at all).")
	Path output;

	@Option(names = "--overwrite", description = "Replace FILE.csv if it exists.")
	boolean overwrite;

	@Option(names = "--tile", paramLabel = "N|auto|none", defaultValue = "auto",
		converter = InferenceFlags.TileSize.class,
		description = "Model input window in pixels, halo included (default: auto).")
	int tileSize;

	@Mixin
	DeviceFlags run;

	/**
	 * Refuses files and folders that overlap where they must not: an output onto
	 * something read, features inside a folder of images, tuning or training
	 * images that are the evaluated ones.
	 */
	private void refuseOverlaps(ModelDescriptor d) {
		if (output != null) {
			List<FileIdentity.Input> files = new ArrayList<>(JobCommand.modelFiles(
				d));
			files.add(model.asInput());
			if (featuresFile != null) files.add(new FileIdentity.Input(
				"features file", featuresFile));
			List<FileIdentity.Input> folders = new ArrayList<>();
			folders.add(new FileIdentity.Input("data folder", data));
			for (Path p : otherData)
				folders.add(new FileIdentity.Input("data folder", p));
			for (Path p : tuneData)
				folders.add(new FileIdentity.Input("tuning folder", p));
			if (trainData != null) folders.add(new FileIdentity.Input(
				"training folder", trainData));
			FileIdentity.refuseOverwriting(output.toAbsolutePath(), files, folders);
			// after that, which says more: a CSV under another name replaced any file
			AtomicFile.requireCsvName(output, "the evaluation CSV");
			if (featuresFile != null && FileIdentity.isInside(output, featuresFile))
				throw new GanException("--output and --features name one file, " +
					output + ": give them two");
		}
		List<Path> evaluated = new ArrayList<>(List.of(data));
		evaluated.addAll(otherData);
		List<Path> read = new ArrayList<>(evaluated);
		read.addAll(tuneData);
		if (trainData != null) read.add(trainData);
		if (featuresFile != null) for (Path folder : read)
			if (FileIdentity.isInside(featuresFile, folder)) throw new GanException(
				"--features " + featuresFile + " is inside " + folder +
					", whose images evaluate reads: keep it outside");
		for (Path t : tuneData)
			for (Path p : evaluated)
				if (FileIdentity.isInside(t, p) || FileIdentity.isInside(p, t))
					throw new GanException("--tune-data " + t +
						" holds evaluated images (" + p +
						"): tune the baselines on other images");
		// an evaluated image under another name (a link to it, or to its folder)
		// or a copy of its bytes (a generator's training images, and copies of
		// an image's pixels in another file: Evaluation checks them)
		Path[] copy = tuneData.isEmpty() ? null : FileHashes.firstCopy(tuneData,
			evaluated);
		if (copy != null) throw new GanException("--tune-data holds " + (FileHashes
			.oneFile(copy) ? "an evaluated image ("
				: "a copy of an evaluated image (") + FileHashes.describe(copy) +
			"): tune the baselines on other images");
	}

	@Override
	public Integer call() {
		if (output != null) {
			Path absolute = output.toAbsolutePath();
			AtomicFile.requireNameFits(absolute);
			AtomicFile.requireOutputFolder(absolute.getParent());
			if (!overwrite) AtomicFile.refuseExisting(absolute);
			AtomicFile.requireWritableFolder(absolute.getParent());
		}
		if (featuresFile != null && !Files.exists(featuresFile)) {
			Path folder = featuresFile.toAbsolutePath().getParent();
			if (!Files.isDirectory(folder)) throw new GanException("the folder of " +
				featuresFile + " does not exist");
			AtomicFile.requireWritableFolder(folder);
		}
		List<Path> givenSets = new ArrayList<>(List.of(data));
		givenSets.addAll(otherData);
		refuseRepeatedSets(givenSets);
		ModelDescriptor d = ModelLoader.load(model.reference, model.overrides(
			null));
		refuseOverlaps(d);
		boolean generation = d.task() == TaskKind.GENERATE;
		if (!generation && (trainData != null || featuresFile != null ||
			count != null || utility != null || draws != 1)) throw new GanException(
				"--train-data, --features, --count, --utility and --draws are for generators; " +
					d.name() + " is a " + d.task().id() + " model");
		if (count != null && count < 1) throw new GanException(
			"--count is the images drawn per class, at least 1, not " + count);
		if (utility != null && (utility < 1 || utility > 1000))
			throw new GanException("--utility REPEATS must be 1 to 1000, not " +
				utility);
		if (utility != null && trainData == null) throw new GanException(
			"--utility needs --train-data: " +
				"the real-only classifier trains on it");
		if (!tuneData.isEmpty() && d.task() != TaskKind.DENOISE)
			throw new GanException("--tune-data " +
				"tunes the denoising baselines; " + d.name() + " is a " + d.task()
					.id() + " model");
		List<Path> sets = new ArrayList<>(List.of(data));
		sets.addAll(otherData);
		if (tuneData.size() > 1 && tuneData.size() != sets.size())
			throw new GanException("give " +
				"--tune-data once for every set, or once per set (" + sets.size() +
				"), not " + tuneData.size() + " times");
		EvaluationOptions options = EvaluationOptions.defaults().withSeed(seed)
			.withMaxImages(maxImages).withMaxSide(maxSize).withGeneratedPerClass(
				count == null ? 0 : count).withNormalization(normalization)
			.withInference(InferenceOptions.defaults().withTileSize(tileSize)
				.withDevice(run.device, run.threads)).withUtilityRepeats(utility == null
					? 0 : utility).withDraws(draws);
		PcaFeatures features = featuresFile != null && Files.exists(featuresFile)
			? PcaFeatures.load(featuresFile) : null;
		boolean fitted = features == null;
		ImageSource training = trainData == null ? null : ImageFolder.of(trainData,
			"training");
		EvaluationReport report;
		try (CancelOnInterrupt interrupt = new CancelOnInterrupt();
				ConsoleProgress progress = ConsoleProgress.toTerminal(spec.commandLine()
					.getErr()))
		{
			ProgressListener listener = ProgressListener.safe(progress);
			CancellationToken cancel = interrupt.token();
			report = null;
			for (int i = 0; i < sets.size(); i++) {
				Path tune = tuneData.isEmpty() ? null : tuneData.get(tuneData
					.size() == 1 ? 0 : i);
				EvaluationOptions o = tune == null ? options : options.withTuning(
					new EvaluationOptions.Tuning(name(tune, tuneData), ImageFolder.of(
						tune, "tuning")));
				EvaluationReport r = Evaluation.evaluate(d, name(sets.get(i), sets),
					ImageFolder.of(sets.get(i), i == 0 ? "data" : "other data"), training,
					report == null ? features : report.features(), o, listener, cancel);
				report = report == null ? r : report.merge(r);
			}
		}
		// a run that finds the features file written meanwhile (by another run
		// fitting its own) shows and writes nothing, since its numbers would not
		// compare with that run's
		boolean writeFeatures = fitted && featuresFile != null && report
			.features() != null;
		if (writeFeatures && Files.exists(featuresFile)) throw new GanException(
			featuresFile + " was written by another run while this one fitted its " +
				"own features; nothing was written: run again to use that file's " +
				"features");
		// the table before the files: a write that fails (a full disk) still
		// leaves the results on the screen
		PrintWriter out = spec.commandLine().getOut();
		// each entry one line, whatever a model's or a folder's name holds
		for (String line : table(report))
			out.println(Printable.of(line));
		out.flush();
		if (writeFeatures) report.features().save(featuresFile.toAbsolutePath(),
			false);
		if (output != null) report.writeCsv(output.toAbsolutePath(), overwrite);
		if (output != null) out.println("wrote " + output);
		if (writeFeatures) out.println("wrote features " + featuresFile);
		out.flush();
		return 0;
	}

	/**
	 * The name a folder's rows carry: its own name, or with its parent's
	 * (photos/test) when the other set's folder has the same name, so that the
	 * two sets' rows never merge.
	 */
	static String name(Path folder, Path other) {
		return name(folder, other == null ? List.of() : List.of(other));
	}

	/**
	 * As above, against every folder of {@code all} (which may hold
	 * {@code folder} itself): as many of the folder's last names as tell it from
	 * every other folder's (y/a/test and x/a/test), or its whole path when it is
	 * the end of another's.
	 */
	static String name(Path folder, List<Path> all) {
		if (folder == null) return null;
		Path f = folder.toAbsolutePath().normalize();
		int n = f.getNameCount();
		if (n == 0) return folder.toString();
		for (int k = 1; k <= n; k++) {
			Path mine = f.subpath(n - k, n);
			boolean clash = false;
			for (Path other : all) {
				Path o = other.toAbsolutePath().normalize();
				int m = o.getNameCount();
				clash |= !o.equals(f) && m >= k && o.subpath(m - k, m).equals(mine);
			}
			if (!clash) return mine.toString();
		}
		return f.toString();
	}

	/**
	 * Refuses a folder given as two sets (--data and an --other-data, or an
	 * --other-data twice), by any name: each row would be there twice.
	 */
	static void refuseRepeatedSets(List<Path> sets) {
		for (int i = 0; i < sets.size(); i++)
			for (int j = 0; j < i; j++)
				if (sets.get(i).toAbsolutePath().normalize().equals(sets.get(j)
					.toAbsolutePath().normalize()) || FileIdentity.same(sets.get(i), sets
						.get(j))) throw new GanException((j == 0 ? "--data "
							: "--other-data ") + sets.get(j) + " and --other-data " + sets
								.get(i) + " are one folder: give each set once");
	}

	/**
	 * The report as aligned text: rows, the model against the best baseline,
	 * near-copies, notes.
	 */
	static List<String> table(EvaluationReport r) {
		List<String> lines = new ArrayList<>();
		lines.add("model " + r.model() + " (" + r.task().id() + ", sha256 " + r
			.modelSha256().substring(0, 12) + ")");
		List<String[]> rows = new ArrayList<>();
		if (r.task() == TaskKind.GENERATE) {
			rows.add(new String[] { "data", "condition", "metric", "value", "std",
				"n_a", "n_b" });
			for (Measure m : r.measures())
				rows.add(new String[] { m.dataset(), m.condition(), m.metric(), Numbers
					.compact(m.value()), Numbers.compact(m.std()), Integer.toString(m
						.countA()), Integer.toString(m.countB()) });
		}
		else {
			boolean points = r.hasPointSources();
			rows.add(points ? new String[] { "data", "condition", "method", "",
				"PSNR dB", "SSIM", "n", "peak", "flux", "faint found" } : new String[] {
					"data", "condition", "method", "", "PSNR dB", "SSIM", "n" });
			for (Score s : r.scores()) {
				String[] row = { s.dataset(), s.condition(), s.method(), s.kind().id(),
					fixed(s.psnr(), 2), fixed(s.ssim(), 4), Integer.toString(s.n()) };
				if (points) {
					PointScores p = s.points();
					row = java.util.Arrays.copyOf(row, 10);
					row[7] = p == null ? "-" : fixed(p.peakRatio(), 3);
					row[8] = p == null ? "-" : fixed(p.fluxRatio(), 3);
					row[9] = p == null || Double.isNaN(p.faintRecall()) ? "-" : fixed(
						100 * p.faintRecall(), 1) + "%";
				}
				rows.add(row);
			}
		}
		lines.addAll(align(rows, r.task() == TaskKind.GENERATE ? 3 : 4));
		for (Comparison c : r.comparisons())
			lines.add(String.format(Locale.ROOT,
				"%s / %s: model vs best baseline (%s): %s dB PSNR, " + "%s SSIM", c
					.dataset(), c.condition(), c.bestBaseline().method(), signed(c
						.psnrGain(), 2), signed(c.ssimGain(), 4)));
		for (EvaluationReport.PointComparison c : r.pointComparisons())
			lines.add(c.describe());
		int shown = 0;
		for (NearCopy c : r.nearCopies())
			if (shown++ < 10) lines.add(String.format(Locale.ROOT,
				"near-copy: %s %s generated #%d " +
					"(seed %d) is %s RMS from training image %s", c.dataset(), c
						.condition(), c.generated(), c.seed(), Numbers.compact(c
							.distance()), c.trainingImage()));
		if (r.nearCopies().size() > 10) lines.add("... and " + (r.nearCopies()
			.size() - 10) + " more near-copies");
		for (String note : r.notes())
			lines.add("note: " + note);
		return lines;
	}

	/**
	 * Left-aligned text columns, right-aligned numeric ones from
	 * {@code firstNumber} on.
	 */
	private static List<String> align(List<String[]> rows, int firstNumber) {
		int[] width = new int[rows.get(0).length];
		for (String[] row : rows)
			for (int i = 0; i < row.length; i++)
				width[i] = Math.max(width[i], row[i].length());
		List<String> out = new ArrayList<>();
		for (String[] row : rows) {
			StringBuilder sb = new StringBuilder();
			for (int i = 0; i < row.length; i++) {
				if (width[i] == 0) continue;
				if (sb.length() > 0) sb.append("  ");
				boolean right = i >= firstNumber;
				String pad = " ".repeat(width[i] - row[i].length());
				sb.append(right ? pad + row[i] : row[i] + pad);
			}
			out.add(sb.toString().stripTrailing());
		}
		return out;
	}

	/**
	 * {@link Numbers#fixed}, with "-" for a value the table has none of (NaN).
	 */
	private static String fixed(double v, int decimals) {
		return Double.isNaN(v) ? "-" : Numbers.fixed(v, decimals);
	}

	private static String signed(double v, int decimals) {
		return (v >= 0 ? "+" : "") + fixed(v, decimals);
	}
}
