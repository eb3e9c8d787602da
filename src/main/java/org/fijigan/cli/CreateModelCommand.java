
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.fijigan.core.GanException;
import org.fijigan.core.model.arch.Architecture;
import org.fijigan.core.model.arch.ArchitectureOptions;
import org.fijigan.core.model.arch.ModelCreation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes a freshly initialised generator, the starting point for training from
 * scratch.
 */
@Command(name = "create-model", mixinStandardHelpOptions = true, description = {
	"Write a freshly initialised generator as ONNX (seeded), to train with fine-tune.",
	"Architectures: rrdb-sr (super-resolution, ESRGAN-style), residual-denoiser (DnCNN-style), " +
		"gated-inpaint (image + mask; the bundled inpaint's), gated-inpaint-unet (image + mask, a " +
		"U-Net at 1/2 to 1/8 resolution, faster), dcgan (class-conditional generator)." })
final class CreateModelCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = "--arch", required = true, paramLabel = "ARCH",
		description = "rrdb-sr, residual-denoiser, gated-inpaint, gated-inpaint-unet or dcgan.")
	String arch;

	@Option(names = { "-o", "--output" }, required = true,
		paramLabel = "NEW.onnx", description = "The new model file.")
	Path output;

	@Option(names = "--scale", paramLabel = "S", defaultValue = "2",
		description = "rrdb-sr: 2, 3 or 4 (default: ${DEFAULT-VALUE}).")
	int scale;

	@Option(names = "--channels", paramLabel = "C", defaultValue = "1",
		description = "Image channels (default: ${DEFAULT-VALUE}).")
	int channels;

	@Option(names = "--classes", paramLabel = "K|a,b,c",
		description = "dcgan: the number of classes, or their names separated by commas, each given once and usable as the name of its training-data folder (default: unconditional).")
	String classes;

	@Option(names = "--latent", paramLabel = "D", defaultValue = "64",
		description = "dcgan: latent length (default: ${DEFAULT-VALUE}).")
	int latent;

	@Option(names = "--width", paramLabel = "W", defaultValue = "32",
		description = "Feature channels (default: ${DEFAULT-VALUE}; dcgan: channels of the last stage, x8 at 4x4).")
	int width;

	@Option(names = "--blocks", paramLabel = "B",
		description = "rrdb-sr: RRDB blocks, 1 to 64 (default 2); residual-denoiser: conv layers, 3 to 64 (default 8).")
	Integer blocks;

	@Option(names = "--size", paramLabel = "PX", defaultValue = "64",
		description = "dcgan: output side, a power of two (default: ${DEFAULT-VALUE}).")
	int size;

	@Option(names = "--init", paramLabel = "kaiming|pytorch",
		description = "residual-denoiser: initial weights of its ReLU convolutions, He et al.'s (kaiming), which train at any depth, or PyTorch's default (pytorch), which leaves a deep stack (15 layers and more) with almost no gradient (default: kaiming).")
	String init;

	@Option(names = "--seed", paramLabel = "S", defaultValue = "0",
		description = "Seeds the initial weights (default: ${DEFAULT-VALUE}).")
	long seed;

	@Option(names = "--overwrite", description = "Replace NEW.onnx if it exists.")
	boolean overwrite;

	@Override
	public Integer call() {
		Architecture a = Architecture.parse(arch);
		ModelCreation.Classes k = ModelCreation.Classes.parse(classes);
		// refused rather than ignored: the other architectures have no
		// initialisation to choose
		if (a != Architecture.DENOISER && init != null) throw new GanException(
			"--init applies to residual-denoiser only");
		List<String> own = switch (a) {
			case RRDB_SR -> List.of("--scale", "--blocks");
			case DENOISER -> List.of("--blocks");
			case DCGAN -> List.of("--latent", "--size");
			default -> List.of();
		};
		for (String option : List.of("--scale", "--blocks", "--latent", "--size"))
			if (!own.contains(option) && spec.commandLine().getParseResult()
				.hasMatchedOption(option)) throw new GanException(option +
					" does not apply to " + a.id() + (own.isEmpty() ? ""
						: " (of these it takes " + String.join(" and ", own) + ")"));
		// given, the number is the depth, 0 included: only leaving --blocks out
		// means the default
		if (blocks != null) a.checkBlocks(blocks);
		ArchitectureOptions o = new ArchitectureOptions(scale, channels, k.count(),
			k.names(), latent, width, blocks == null ? 0 : blocks, size, seed,
			init == null ? ArchitectureOptions.WeightInit.KAIMING
				: ArchitectureOptions.WeightInit.parse(init));
		ModelCreation.Created created = ModelCreation.write(a, o, output,
			overwrite);
		PrintWriter out = spec.commandLine().getOut();
		out.println(created.summary());
		out.flush();
		return 0;
	}
}
