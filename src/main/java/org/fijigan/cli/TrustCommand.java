
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.trust.Consistency;
import org.fijigan.core.trust.GenerationProvenance;
import org.fijigan.core.trust.Residual;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trust consistency|residual|provenance}: what a model changed, as
 * images and numbers a reader of a paper can check. Each subcommand reads the
 * files, calls one function of {@code org.fijigan.core.trust}, and writes or
 * prints its result.
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
	description = "Show what a GAN changed: consistency map, residual, generation provenance.",
	subcommands = { TrustCommand.ConsistencyCommand.class,
		TrustCommand.ResidualCommand.class, TrustCommand.ProvenanceCommand.class })
final class TrustCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		spec.commandLine().usage(spec.commandLine().getErr());
		return picocli.CommandLine.ExitCode.USAGE;
	}

	@Command(name = "consistency", mixinStandardHelpOptions = true,
		description = {
			"Area-downscales a super-resolution result back to its input's size and subtracts the input.",
			"Writes the difference (32-bit) and prints the PSNR and the mean absolute difference." })
	static final class ConsistencyCommand implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = { "-i", "--input" }, required = true, paramLabel = "IN",
			description = "The image the model was given.")
		Path input;

		@Option(names = { "-r", "--result" }, required = true, paramLabel = "SR",
			description = "The super-resolution result.")
		Path result;

		@Option(names = { "-o", "--output" }, paramLabel = "MAP.tif",
			description = "Where to write the consistency map (.tif or .npy); none: print the score only.")
		Path output;

		@Option(names = "--scale", paramLabel = "S",
			description = "Output pixels per input pixel (default: from the sizes).")
		int scale;

		@Option(names = "--overwrite", description = "Replace MAP if it exists.")
		boolean overwrite;

		@Override
		public Integer call() {
			boolean none = output == null || output.toString().equals("none");
			if (!none) FileIdentity.refuseOverwriting(output.toAbsolutePath(), List
				.of(new FileIdentity.Input("input image", input),
					new FileIdentity.Input("result", result)));
			OutputFile out = none ? null : OutputFile.prepare(output, overwrite);
			Consistency c = Consistency.of(ImageFiles.read(input, "input"), ImageFiles
				.read(result, "result"), scale);
			if (out != null) out.write(c.map());
			PrintWriter w = spec.commandLine().getOut();
			for (String line : c.lines())
				w.println(line);
			if (out != null) w.println("wrote " + out.path());
			w.flush();
			return 0;
		}
	}

	@Command(name = "residual", mixinStandardHelpOptions = true,
		description = "Writes input - result (32-bit): the structure a denoising model removed.")
	static final class ResidualCommand implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = { "-i", "--input" }, required = true, paramLabel = "IN",
			description = "The image the model was given.")
		Path input;

		@Option(names = { "-r", "--result" }, required = true, paramLabel = "OUT",
			description = "The model's result.")
		Path result;

		@Option(names = { "-o", "--output" }, required = true,
			paramLabel = "RES.tif",
			description = "Where to write the residual (.tif or .npy).")
		Path output;

		@Option(names = "--overwrite", description = "Replace RES if it exists.")
		boolean overwrite;

		@Override
		public Integer call() {
			FileIdentity.refuseOverwriting(output.toAbsolutePath(), List.of(
				new FileIdentity.Input("input image", input), new FileIdentity.Input(
					"result", result)));
			OutputFile out = OutputFile.prepare(output, overwrite);
			RasterImage residual = Residual.of(ImageFiles.read(input, "input"),
				ImageFiles.read(result, "result"));
			out.write(residual);
			PrintWriter w = spec.commandLine().getOut();
			w.println("wrote " + out.path());
			w.flush();
			return 0;
		}
	}

	@Command(name = "provenance", mixinStandardHelpOptions = true,
		description = "Prints (or writes) one CSV row per slice of a generated image: slice, model, sha256, seed, class.")
	static final class ProvenanceCommand implements Callable<Integer>,
		ResultOnStandardOutput
	{

		@Override
		public boolean resultOnStandardOutput() {
			return output == null;
		}

		@Spec
		CommandSpec spec;

		@Option(names = { "-i", "--input" }, required = true,
			paramLabel = "GENERATED.tif",
			description = "An image written by generate (TIFF keeps the provenance).")
		Path input;

		@Option(names = { "-o", "--output" }, paramLabel = "FILE.csv",
			description = "Write the CSV here instead of printing it.")
		Path output;

		@Option(names = "--overwrite", description = "Replace FILE if it exists.")
		boolean overwrite;

		@Override
		public Integer call() {
			if (output != null) {
				if (Files.isDirectory(output)) throw new GanException("output " +
					output + " is a folder");
				FileIdentity.refuseOverwriting(output.toAbsolutePath(), List.of(
					new FileIdentity.Input("input image", input)));
				// after that, which says more: a CSV under another name replaced any
				// file
				AtomicFile.requireCsvName(output, "the provenance CSV");
				if (!overwrite) AtomicFile.refuseExisting(output);
			}
			RasterImage image = ImageFiles.read(input, "input");
			List<GenerationProvenance.Row> rows = GenerationProvenance.rows(image
				.properties(), image.slices() * image.frames());
			String csv = GenerationProvenance.toCsv(rows);
			PrintWriter w = spec.commandLine().getOut();
			if (output == null) w.print(csv);
			else {
				AtomicFile.write(output.toAbsolutePath(), overwrite, tmp -> Files
					.writeString(tmp, csv, StandardCharsets.UTF_8));
				w.println("wrote " + rows.size() + " row" + (rows.size() == 1 ? ""
					: "s") + " to " + output);
			}
			w.flush();
			return 0;
		}
	}
}
