
package org.fijigan.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.packaging.PackageOptions;
import org.fijigan.core.packaging.PackageResult;
import org.fijigan.core.packaging.PackageWriter;
import org.fijigan.core.text.Numbers;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Makes a bioimage.io model package of an ONNX model; {@link PackageWriter}
 * does the work.
 */
@Command(name = "package-model", mixinStandardHelpOptions = true,
	description = {
		"Make a bioimage.io model package (rdf.yaml 0.5) of an ONNX model, as fiji-gan runs it: " +
			"the weights, test tensors recorded from a run on a centre crop of the sample, a cover (input | output) " +
			"and the model card. What is inferred about the model (or stated with --task, --scale, --halo, --range, " +
			"--residual) is written into the package." })
final class PackageModelCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = { "-m", "--model" }, required = true, paramLabel = "M.onnx",
		description = "The ONNX model.")
	Path model;

	@Option(names = "--task", paramLabel = "TASK",
		description = "What the model does, if inferred wrongly: " +
			"super-resolution, denoise, image-to-image, inpaint or generate.")
	TaskKind task;

	@Option(names = "--scale", paramLabel = "S",
		converter = ModelOptions.Scale.class,
		description = "Output pixels per input pixel, if inferred wrongly.")
	Double scale;

	@Option(names = "--halo", paramLabel = "N|auto",
		converter = ModelOptions.Halo.class,
		description = "Context each tile needs on each side, in input pixels (default: auto).")
	Integer haloPixels;

	@Option(names = "--range", paramLabel = "MIN,MAX",
		description = "The model's value range, e.g. -1,1 " +
			"(default: from the model); replaces a package's own pre- and postprocessing.")
	ValueRange range;

	@Option(names = "--residual", negatable = true,
		description = "The model outputs the noise: result = input - output; --no-residual: " +
			"the output is the result, whatever the model's metadata or output name say (default: from the model).")
	Boolean residual;

	@Option(names = "--mask-hole", converter = ModelOptions.MaskHole.class,
		paramLabel = "0|1", description = "Inpainting: the mask value the model " +
			"takes for a hole (default: from the model, else 1).")
	Double maskHoleValue;

	@Option(names = { "-o", "--output" }, required = true, paramLabel = "DIR",
		description = "The package folder (created; must be empty unless --overwrite).")
	Path output;

	@Option(names = "--name", required = true, paramLabel = "NAME",
		description = "The model's name in rdf.yaml: " +
			"5 to 128 letters, digits, spaces and _+-().")
	String name;

	@Option(names = "--id", paramLabel = "ID",
		description = "The model's id in rdf.yaml: lower-case letters, " +
			"digits and _-/. (default: made of the name).")
	String id;

	@Option(names = "--description", required = true, paramLabel = "TEXT",
		description = "One or two sentences: what the model does, on what images.")
	String description;

	@Option(names = "--sample", paramLabel = "IMAGE",
		description = "An image like the ones the model is for (its first plane is used); not used for a generator.")
	Path sample;

	@Option(names = "--mask", paramLabel = "MASK",
		description = "Inpainting: the sample's holes (non-zero pixels); default a square hole in the middle.")
	Path mask;

	@Option(names = "--license", paramLabel = "SPDX",
		description = "The weights' license, e.g. MIT or CC-BY-4.0.")
	String license;

	@Option(names = "--author", paramLabel = "NAME[=GITHUB_USER]",
		description = "An author, with a GitHub user " +
			"name if any (repeat for several).")
	List<String> authors = new ArrayList<>();

	@Option(names = "--maintainer", paramLabel = "[NAME=]GITHUB_USER",
		description = "A maintainer, by GitHub user " +
			"name (repeat for several); bioimage.io wants one, or an author with a GitHub user.")
	List<String> maintainers = new ArrayList<>();

	@Option(names = "--cite", paramLabel = "TEXT=URL",
		description = "A reference, TEXT=URL or TEXT=DOI (repeat for several).")
	List<String> cites = new ArrayList<>();

	@Option(names = "--tags", split = ",", paramLabel = "a,b",
		description = "Tags; the task and fiji-gan are added.")
	List<String> tags = new ArrayList<>();

	@Option(names = "--documentation", paramLabel = "README.md",
		description = "The model card, copied to DIR/README.md (default: a README.md already in DIR, " +
			"else the card an earlier package in DIR names).")
	Path documentation;

	@Option(names = "--normalize", paramLabel = "MODE",
		description = "The normalisation the package states: percentile, percentile:LOW,HIGH, " +
			"range:MIN,MAX, range (the sample's bit depth) or none (default: the one a fine-tuned " +
			"model records, else percentile).")
	Normalization normalization;

	@Option(names = "--test-size", paramLabel = "PX", defaultValue = "0",
		description = "Side of the sample crop for the test tensors (default: up to 128, less for large outputs).")
	int testSize;

	@Option(names = "--seed", defaultValue = "0",
		description = "Generators: seed of the first test latent " +
			"(default: ${DEFAULT-VALUE}).")
	long seed;

	@Option(names = "--overwrite",
		description = "Write into a folder that holds files: the package's files are " +
			"replaced, the other files package-model wrote for an earlier package (weights, " +
			"test tensors, cover, samples) removed, other files (its card, your covers) kept; " +
			"of a package package-model did not write, no file is removed.")
	boolean overwrite;

	@Override
	public Integer call() {
		RasterImage sampleImage = sample == null ? null : ImageFiles.read(sample,
			"sample");
		RasterImage maskImage = mask == null ? null : ImageFiles.read(mask, "mask");
		List<PackageOptions.Citation> citations = cites.stream().map(
			PackageOptions.Citation::parse).toList();
		ModelOverrides overrides = ModelOverrides.NONE.withTask(task).withScale(
			scale).withHaloPixels(haloPixels).withRange(range).withOutputTransform(
				residual == null ? null : residual ? OutputTransform.SUBTRACT_FROM_INPUT
					: OutputTransform.DIRECT).withMaskHoleValue(maskHoleValue)
			.withResidualOption("--residual or --no-residual");
		PackageOptions options = new PackageOptions(model, overrides, output, name,
			id, description, sampleImage, maskImage, license, authors.stream().map(
				PackageOptions.Person::author).toList(), maintainers.stream().map(
					PackageOptions.Person::maintainer).toList(), citations, tags,
			documentation, normalization, testSize, seed, overwrite);
		PackageResult r;
		try (CancelOnInterrupt interrupt = new CancelOnInterrupt()) {
			List<FileIdentity.Input> read = new ArrayList<>();
			if (sample != null) read.add(new FileIdentity.Input("sample", sample));
			if (mask != null) read.add(new FileIdentity.Input("mask", mask));
			r = PackageWriter.write(options, ImageFiles.CODEC, interrupt.token(),
				read);
		}
		ModelDescriptor d = r.model();
		PrintWriter out = spec.commandLine().getOut();
		out.printf("wrote %s: %s%n", r.folder(), String.join(", ", r.files()
			.stream().map(p -> p.getFileName().toString()).toList()));
		out.printf("the package loads as: task %s, %s, value range %s%n", d.task()
			.id(), d.kind() instanceof ModelKind.Generator g ? "latent " + g.spec()
				.latentDim() : "scale " + Numbers.exact(d.scale()) + ", halo " + d
					.haloPixels() + " px, " + (d.image().channels() == 0 ? "any number of"
						: d.image().channels()) + " channel(s)", d.inputRange());
		for (String note : r.notes())
			out.println("note: " + note);
		out.flush();
		return 0;
	}
}
