
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.StageTimings;
import org.fijigan.core.batch.BatchSummary;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.RunReport;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.core.text.Printable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that runs a model and writes one image: checks the output first,
 * runs the job with a progress line and Ctrl-C wired to the cancellation token,
 * writes the result atomically, then prints a summary on stdout. The result's
 * {@code fiji-gan.*} properties, and the command that made it, go into the TIFF
 * info.
 * <p>
 * In folder mode ({@link #writesFolder()}) it writes a folder of results and a
 * manifest instead, through the core batch engine; the summary counts the
 * images, and a run in which any image failed ends with exit code 1.
 */
abstract class JobCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = { "-o", "--output" }, required = true, paramLabel = "OUT",
		description = "Result file: .tif/.tiff, .png (8- or 16-bit grey, or RGB), .jpg (8-bit or RGB), " +
			".npy (float32 tensor) " +
			"or .nii.gz; a folder when the input is a folder (or, for generate, when OUT has no " +
			"image extension).")
	Path output;

	@Option(names = "--overwrite",
		description = "Replace OUT if it exists; in folder mode, redo every image.")
	boolean overwrite;

	@Mixin
	BatchOptions batch;

	@Option(names = "--timings",
		description = "Print where the time went, stage by stage: launcher and JVM start, model read " +
			"and checks, graph analysis, session creation, input read, statistics, conversions, model " +
			"runs, output write.")
	boolean timings;

	/**
	 * Where this command's time goes; the engine's stages are added from its
	 * report.
	 */
	final StageTimings stages = new StageTimings();

	/** How the files read were taken, where that was not plain. */
	final List<String> readNotes = new ArrayList<>();

	/**
	 * Reads an image file, timed as input reading; how its pixels were taken goes
	 * to the summary's notes.
	 */
	RasterImage read(Path file, String what) {
		return stages.time(StageTimings.Stage.INPUT_READ, () -> ImageFiles.CODEC
			.read(file, what, readNotes::add));
	}

	/**
	 * What a job produced: the result, the model that made it, and lines for the
	 * summary.
	 */
	record Job(ModelDescriptor model, RunResult result, List<String> extraNotes) {

		Job(ModelDescriptor model, RunResult result) {
			this(model, result, List.of());
		}
	}

	/** Loads the model, reads the inputs and runs; writes nothing. */
	abstract Job run(ProgressListener progress, CancellationToken cancel);

	/**
	 * Whether this run writes a folder of results (folder mode) rather than one
	 * file.
	 */
	boolean writesFolder() {
		return false;
	}

	/**
	 * Folder mode: loads the model and runs the core batch engine on the whole
	 * folder.
	 */
	BatchSummary runFolder(ProgressListener progress, CancellationToken cancel) {
		throw new IllegalStateException(spec.name() + " has no folder mode");
	}

	/**
	 * The files this command reads (image, mask, model, latent and class files),
	 * which its output may never be, under any name; those that do not exist are
	 * ignored.
	 */
	List<FileIdentity.Input> inputFiles() {
		return List.of();
	}

	/**
	 * How to run a command in folder mode, for refusing its options in file mode.
	 */
	static final String FILE_MODE_ADVICE =
		"--input DIR --output DIR, or generate --output DIR";

	/** Refuses the folder-mode options given to a run that writes one file. */
	void refuseFolderOptions() {
		batch.refuseInFileMode(spec, FILE_MODE_ADVICE);
	}

	/** What else helps when Java runs out of memory in this command. */
	String outOfMemoryAdvice() {
		return "use smaller tiles with --tile";
	}

	/**
	 * Properties every result of a folder run carries: the command that made it.
	 */
	Map<String, String> provenance() {
		return Map.of("fiji-gan.command", commandLine());
	}

	/**
	 * The files {@code d} was read from (its ONNX file, or its package's
	 * descriptor, weights, test tensors and the rest), as inputs no output may
	 * be.
	 */
	static List<FileIdentity.Input> modelFiles(ModelDescriptor d) {
		List<FileIdentity.Input> files = new ArrayList<>();
		files.add(new FileIdentity.Input("model", d.onnxFile()));
		for (Path p : d.files())
			files.add(new FileIdentity.Input("model's file", p));
		return files;
	}

	@Override
	public final Integer call() {
		if (timings) StartTimes.addTo(stages);
		if (writesFolder()) return callFolder();
		refuseFolderOptions();
		FileIdentity.refuseOverwriting(output.toAbsolutePath(), inputFiles());
		OutputFile out = OutputFile.prepare(output, overwrite);
		Job job;
		try (CancelOnInterrupt interrupt = new CancelOnInterrupt();
				ConsoleProgress progress = ConsoleProgress.toTerminal(spec.commandLine()
					.getErr()))
		{
			job = run(ProgressListener.safe(progress), interrupt.token());
			progress.close(); // the line goes before anything else is printed
			FileIdentity.refuseOverwriting(out.path(), modelFiles(job.model()));
			RasterImage image = job.result().image();
			image.properties().put("fiji-gan.command", commandLine()); // TIFF info,
																																	// with the
																																	// core's
			stages.addAll(job.result().report().timings());
			stages.time(StageTimings.Stage.OUTPUT_WRITE, () -> {
				out.write(image);
				return null;
			});
		}
		catch (OutOfMemoryError e) {
			throw new GanException(
				"out of memory: give Java more with JAVA_OPTS=-Xmx16g, or " +
					outOfMemoryAdvice(), e);
		}
		printSummary(out.path(), job);
		printTimings();
		return 0;
	}

	private int callFolder() {
		BatchSummary summary;
		try (CancelOnInterrupt interrupt = new CancelOnInterrupt();
				ConsoleProgress progress = ConsoleProgress.toTerminal(spec.commandLine()
					.getErr()))
		{
			summary = runFolder(ProgressListener.safe(progress), interrupt.token());
		}
		printSummary(summary);
		stages.addAll(summary.timings());
		printTimings();
		if (summary.stoppedEarly()) {
			BatchSummary.Failure f = summary.failures().get(0);
			throw new GanException("stopped at the first failure (--fail-fast): " +
				Printable.of(f.item() + ": " + f.message()));
		}
		if (summary.failed() > 0) throw new GanException(summary.failed() + " of " +
			summary.items() + " images failed; see " + summary.manifest());
		return 0;
	}

	/**
	 * With {@code --timings}: the breakdown of {@link #stages}, on stdout after
	 * the summary.
	 */
	private void printTimings() {
		if (!timings) return;
		PrintWriter out = spec.commandLine().getOut();
		out.println("timings:");
		for (String line : stages.lines())
			out.println("  " + line);
		out.flush();
	}

	private void printSummary(BatchSummary s) {
		PrintWriter out = spec.commandLine().getOut();
		int ran = s.done() + s.failed();
		out.printf(Locale.ROOT, "%d of %d image%s written to %s in %.2f s%s%n", s
			.done(), s.items(), s.items() == 1 ? "" : "s", output, s.seconds(),
			// no rate when nothing was written: it would read as work done
			s.done() == 0 || s.seconds() <= 0 ? "" : String.format(Locale.ROOT,
				" (%.1f images/s)", ran / s.seconds()));
		if (s.skipped() > 0) out.println(s.skipped() +
			" complete from an earlier run, skipped");
		if (s.failed() > 0) out.println(s.failed() + " failed");
		out.println("provider " + s.provider() + (batch.shard == null ? ""
			: ", shard " + batch.shard));
		out.println("manifest " + s.manifest());
		int shown = 0;
		for (BatchSummary.Failure f : s.failures())
			// a file name may hold a line break: one line per failure, never a
			// forged one
			if (shown++ < 10) out.println("failed: " + Printable.of(f.item() + ": " +
				f.message()));
		if (s.failures().size() > 10) out.println("... and " + (s.failures()
			.size() - 10) + " more in the manifest");
		for (String note : s.notes())
			out.println("note: " + Printable.of(note));
		out.flush();
	}

	/**
	 * The command as typed, without the options that say nothing about the
	 * content: where it went, how the work was split and how many threads did it.
	 * So equal results are equal files, whether one process or many shards made
	 * them.
	 */
	private String commandLine() {
		StringBuilder sb = new StringBuilder("fiji-gan ").append(spec.name());
		// matchedOptions() has an option once per time it was given, and each
		// time all the values it was given: each time takes its own values
		Map<OptionSpec, Integer> taken = new IdentityHashMap<>();
		for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
			if (List.of("--output", "--overwrite", "--debug", "--shard",
				"--fail-fast", "--threads", "--timings").contains(o.longestName()))
				continue;
			if (o.arity().max() == 0) {
				// a negatable flag given in its negative form (--no-residual) holds
				// false: recorded as typed, not as its positive name
				boolean negated = o.negatable() && Boolean.FALSE.equals(o.getValue());
				sb.append(' ').append(negated ? "--no-" + o.longestName().substring(2)
					: o.longestName());
				continue;
			}
			List<String> values = o.originalStringValues();
			int from = taken.getOrDefault(o, 0);
			// a variable arity does not say which values came when: all at once
			int to = o.arity().min() == o.arity().max() ? Math.min(values.size(),
				from + o.arity().max()) : values.size();
			for (String v : values.subList(from, to))
				sb.append(' ').append(o.longestName()).append(' ').append(quoted(v));
			taken.put(o, to);
		}
		return sb.toString();
	}

	private static String quoted(String v) {
		return v.matches("[\\w./:,=+@%-]+") ? v : "'" + v.replace("'", "'\\''") +
			"'";
	}

	private void printSummary(Path file, Job job) {
		PrintWriter out = spec.commandLine().getOut();
		RasterImage image = job.result().image();
		RunReport r = job.result().report();
		String what = image.describe();
		// a .npy file holds float32 whatever the image was (an RGB image as its 3
		// channels)
		if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(
			".npy") && image.type() != PixelType.FLOAT32) what = what.replaceFirst(
				", (8|16)-bit$", "") + (image.type() == PixelType.RGB ? ", 3 channels"
					: "") + ", 32-bit float (.npy)";
		out.println("wrote " + Printable.of(file.toString()) + " (" + what + ")");
		boolean tiled = r.windowWidth() > 0 && job.model()
			.task() != TaskKind.GENERATE;
		String tiles = !tiled ? "" : String.format(Locale.ROOT,
			", %d tile%s per plane (window %dx%d, " + "halo %d)", r.tilesPerPlane(), r
				.tilesPerPlane() == 1 ? "" : "s", r.windowWidth(), r.windowHeight(), r
					.haloPixels());
		out.printf(Locale.ROOT, "model %s on %s%s, %.2f s%n", Printable.of(job
			.model().name()), r.provider(), tiles, r.seconds());
		List<String> notes = new ArrayList<>(readNotes);
		notes.addAll(job.extraNotes());
		notes.addAll(r.notes());
		// what the output's format does not hold of the calibration
		notes.addAll(ImageFiles.CODEC.writeNotes(ImageCodec.extensionOf(file
			.getFileName().toString()), image));
		for (String note : notes)
			out.println("note: " + Printable.of(note));
		out.flush();
	}
}
