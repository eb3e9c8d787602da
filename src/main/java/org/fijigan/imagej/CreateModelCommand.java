
package org.fijigan.imagej;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;

import org.fijigan.core.GanException;
import org.fijigan.core.model.arch.Architecture;
import org.fijigan.core.model.arch.ArchitectureOptions;
import org.fijigan.core.model.arch.ModelCreation;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;

/**
 * Writes a freshly initialised, seeded model, the starting point for training
 * from scratch with Fine-Tune Model (the core {@link ModelCreation}, as
 * {@code fiji-gan create-model} does). In a macro:
 * {@code run("Create Model...", "architecture=dcgan output=[/path/gen.onnx] classes=a,b width=16 size=32");}
 */
@Plugin(type = Command.class, headless = true, label = "Create Model")
public class CreateModelCommand extends CancellableCommand {

	@Parameter(label = "Architecture", choices = { "residual-denoiser", "rrdb-sr",
		"gated-inpaint", "gated-inpaint-unet", "dcgan" },
		description = "residual-denoiser (DnCNN-style), rrdb-sr (super-resolution, ESRGAN-style), gated-inpaint and gated-inpaint-unet (image + mask), dcgan (class-conditional generator)")
	String architecture = "residual-denoiser";

	@Parameter(label = "Output model", style = FileWidget.SAVE_STYLE,
		description = "the new .onnx file")
	File output;

	@Parameter(label = "Scale", choices = { "2", "3", "4" },
		description = "rrdb-sr: the super-resolution factor")
	String scale = "2";

	@Parameter(label = "Channels", min = "1", max = "64",
		description = "image channels")
	int channels = 1;

	@Parameter(label = "Classes", required = false,
		description = "dcgan: the number of classes, or their names separated by commas (each given once, usable as the name of its training-data folder); empty for an unconditional generator")
	String classes = "";

	@Parameter(label = "Latent length", min = "1", max = "4096",
		description = "dcgan: the latent vector's length")
	int latent = 64;

	@Parameter(label = "Width", min = "4", max = "512",
		description = "feature channels (dcgan: channels of the last stage, x8 at 4x4)")
	int width = 32;

	@Parameter(label = "Blocks", min = "0", max = "64",
		description = "rrdb-sr: RRDB blocks, 1 to 64; residual-denoiser: convolution layers, 3 to 64; 0 for the architecture's default (2 and 8)")
	int blocks;

	@Parameter(label = "Size", min = "8",
		description = "dcgan: the output side, a power of two")
	int size = 64;

	@Parameter(label = "Initialisation", choices = { "kaiming", "pytorch" },
		description = "residual-denoiser: He et al.'s initial weights (kaiming), which train at any depth, or PyTorch's default (pytorch)")
	String initialisation = "kaiming";

	@Parameter(label = "Seed", description = "seeds every initial weight")
	long seed;

	@Parameter(label = "Overwrite",
		description = "replace the output model if it exists")
	boolean overwrite;

	private ModelCreation.Created created;

	@Override
	protected void execute() {
		created = null;
		if (output == null || output.getPath().isBlank()) throw new GanException(
			"no output model given: choose a new .onnx file");
		if (!overwrite && Files.exists(output.toPath(), LinkOption.NOFOLLOW_LINKS))
			throw new GanException(output +
				" already exists; tick Overwrite to replace it");
		Architecture a = Architecture.parse(architecture);
		ModelCreation.Classes k = ModelCreation.Classes.parse(classes);
		int s;
		try {
			s = Integer.parseInt(scale.trim());
		}
		catch (NumberFormatException e) {
			throw new GanException("scale '" + scale + "' must be 2, 3 or 4");
		}
		ArchitectureOptions o = new ArchitectureOptions(s, channels, k.count(), k
			.names(), latent, width, blocks, size, seed,
			ArchitectureOptions.WeightInit.parse(initialisation));
		created = ModelCreation.write(a, o, output.toPath(), overwrite);
		IJ.log("fiji-gan: " + created.summary());
		IJ.showStatus("fiji-gan: " + created.summary());
	}

	/** What the last run wrote, or null. */
	public ModelCreation.Created created() {
		return created;
	}
}
