package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.RunReport;
import org.fijigan.core.pipeline.RunResult;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that runs a model and writes one image: checks the output first, runs the job with a
 * progress line and Ctrl-C wired to the cancellation token, writes the result atomically, then
 * prints a summary on stdout. The result's {@code fiji-gan.*} properties, and the command that
 * made it, go into the TIFF info.
 */
abstract class JobCommand implements Callable<Integer> {
	@Spec
	CommandSpec spec;

	@Option(names = { "-o", "--output" }, required = true, paramLabel = "OUT",
		description = "Result file: .tif/.tiff, .png or .jpg (8-bit or RGB), or .npy (float32 tensor).")
	Path output;

	@Option(names = "--overwrite", description = "Replace OUT if it exists.")
	boolean overwrite;

	/** What a job produced: the result, the model that made it, and lines for the summary. */
	record Job(ModelDescriptor model, RunResult result, List<String> extraNotes) {
		Job(ModelDescriptor model, RunResult result) {
			this(model, result, List.of());
		}
	}

	/** Loads the model, reads the inputs and runs; writes nothing. */
	abstract Job run(ProgressListener progress, CancellationToken cancel);

	@Override
	public final Integer call() {
		OutputFile out = OutputFile.prepare(output, overwrite);
		CancellationToken cancel = new CancellationToken();
		Thread onInterrupt = new Thread(cancel::cancel, "fiji-gan cancel");
		Runtime.getRuntime().addShutdownHook(onInterrupt);
		Job job;
		try (ConsoleProgress progress = ConsoleProgress.toTerminal(spec.commandLine().getErr())) {
			job = run(ProgressListener.safe(progress), cancel);
			progress.close(); // the line goes before anything else is printed
			RasterImage image = job.result().image();
			image.properties().put("fiji-gan.command", commandLine()); // TIFF info, with the core's
			out.write(image);
		}
		catch (OutOfMemoryError e) {
			throw new GanException("out of memory: give Java more with JAVA_OPTS=-Xmx16g, or use " +
				"smaller tiles with --tile", e);
		}
		finally {
			try {
				Runtime.getRuntime().removeShutdownHook(onInterrupt);
			}
			catch (IllegalStateException shuttingDown) {
				// Ctrl-C: the hook is running
			}
		}
		printSummary(out.path(), job);
		return 0;
	}

	/** The command as typed, without the output options, which say nothing about the content. */
	private String commandLine() {
		StringBuilder sb = new StringBuilder("fiji-gan ").append(spec.name());
		for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
			if (o.longestName().equals("--output") || o.longestName().equals("--overwrite") || o
				.longestName().equals("--debug")) continue;
			if (o.arity().max() == 0) sb.append(' ').append(o.longestName());
			else for (String v : o.originalStringValues())
				sb.append(' ').append(o.longestName()).append(' ').append(quoted(v));
		}
		return sb.toString();
	}

	private static String quoted(String v) {
		return v.matches("[\\w./:,=+@%-]+") ? v : "'" + v.replace("'", "'\\''") + "'";
	}

	private void printSummary(Path file, Job job) {
		PrintWriter out = spec.commandLine().getOut();
		RasterImage image = job.result().image();
		RunReport r = job.result().report();
		out.println("wrote " + file + " (" + image.describe() + ")");
		boolean tiled = r.windowWidth() > 0 && job.model().task() != TaskKind.GENERATE;
		String tiles = !tiled ? "" : String.format(Locale.ROOT, ", %d tile%s per plane (window %dx%d, " +
			"halo %d)", r.tilesPerPlane(), r.tilesPerPlane() == 1 ? "" : "s", r.windowWidth(), r
				.windowHeight(), r.haloPixels());
		out.printf(Locale.ROOT, "model %s on %s%s, %.2f s%n", job.model().name(), r.provider(), tiles, r
			.seconds());
		List<String> notes = new ArrayList<>(job.extraNotes());
		notes.addAll(r.notes());
		for (String note : notes)
			out.println("note: " + note);
		out.flush();
	}
}
