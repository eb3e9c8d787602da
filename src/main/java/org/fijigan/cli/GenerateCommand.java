
package org.fijigan.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.batch.BatchSummary;
import org.fijigan.core.batch.GenerationBatch;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.batch.GenerationJob;
import org.fijigan.core.batch.SamplePlan;
import org.fijigan.core.image.Npy;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.pipeline.ClassFile;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.NonFinite;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "generate", mixinStandardHelpOptions = true,
	description = "Draw synthetic images from a generator model: into one stack (OUT an image " +
		"file), or one file per image with a manifest (OUT a folder). Sample i uses seed S+i, so " +
		"any sample can be redrawn alone with --seed S+i --count 1 and, for a class-conditional model, " +
		"--class and the class its label records (equal up to rounding, which depends on the batch).")
final class GenerateCommand extends JobCommand {

	@Option(names = { "-m", "--model" }, required = true, paramLabel = "MODEL",
		description = "An .onnx file, a bioimage.io rdf.yaml or .zip, or a bundled model's name.")
	String reference;

	@Option(names = "--count", paramLabel = "N",
		description = "Number of images (default: the rows of --latent or --classes, else 1).")
	Integer count;

	@Option(names = "--seed", paramLabel = "S",
		description = "Seed of the first image's latent vector (default: random, printed).")
	Long seed;

	@Option(names = "--class", paramLabel = "K",
		description = "Class name (ignoring case) or label number for all images; a name is looked up first.")
	String classLabel;

	@Option(names = "--classes", paramLabel = "FILE.npy",
		description = "One class label per image.")
	Path classFile;

	@Option(names = "--latent", paramLabel = "FILE.npy",
		description = "Latent vectors [N,...] to use instead of random ones.")
	Path latentFile;

	@Option(names = "--normalize", paramLabel = "range|none",
		defaultValue = "range",
		description = "range: 8-bit images from the model's output range (default); none: 32-bit, " +
			"values as the model gives them.")
	String normalization;

	@Option(names = "--float",
		description = "32-bit output, same as --normalize none.")
	boolean floatOutput;

	@Option(names = "--range", paramLabel = "MIN,MAX",
		description = "The model's output range, e.g. -1,1 (default: from the model).")
	ValueRange range;

	@Mixin
	DeviceFlags run;

	@Option(names = "--nonfinite", paramLabel = "fail|zero|clip",
		defaultValue = "fail", converter = InferenceFlags.NonFiniteText.class,
		description = "NaN and infinite values the generator gives, in 8-bit images: fail " +
			"(default), zero or clip; 32-bit images (--float) keep them.")
	NonFinite nonFinite;

	@Option(names = "--per-class", paramLabel = "N",
		description = "Folder mode: N images of every class of the model, each class in a sub-folder.")
	Long perClass;

	@Option(names = "--balance-against", paramLabel = "DIR",
		description = "Folder mode: DIR's sub-folders are classes (named as the model's classes or " +
			"by number); generate enough of each to bring every class up to the largest one.")
	Path balanceAgainst;

	@Override
	List<FileIdentity.Input> inputFiles() {
		List<FileIdentity.Input> files = new ArrayList<>();
		files.add(new FileIdentity.Input("model", Path.of(reference)));
		if (latentFile != null) files.add(new FileIdentity.Input("latent file",
			latentFile));
		if (classFile != null) files.add(new FileIdentity.Input("class file",
			classFile));
		return files;
	}

	/**
	 * A stack holds every image; a folder one at a time (generate has no tiles).
	 */
	@Override
	String outOfMemoryAdvice() {
		return "write the images into a folder (--output DIR), which holds one at a time";
	}

	/**
	 * Folder mode when OUT has no extension of an image file fiji-gan writes. A
	 * name of an image file it cannot write ({@code scan.dcm}, {@code .bmp},
	 * {@code .gif}) is refused as any command's output file is, unless it is a
	 * folder already: it became a folder of TIFFs under that name.
	 */
	@Override
	boolean writesFolder() {
		if (ImageFiles.Format.of(output) != null) return false;
		if (ImageFiles.CODEC.isImage(output) && !Files.isDirectory(output))
			OutputFile.requireFormat(output);
		return true;
	}

	@Override
	BatchSummary runFolder(ProgressListener progress, CancellationToken cancel) {
		for (FileIdentity.Input in : List.of(new FileIdentity.Input("latent file",
			latentFile), new FileIdentity.Input("class file", classFile)))
			if (in.path() != null && FileIdentity.isInside(in.path(), output))
				throw new GanException("the " + in.role() + " " + in.path() +
					" is inside the output folder " + output +
					", whose files a run may replace: keep it outside");
		ModelDescriptor d = load();
		GeneratorSpec g = d.generator();
		float[][] latents = latentFile == null ? null : rows(readNpy(latentFile,
			"latent file"), latentFile, d.generator());
		long[] labels = classFile == null ? null : ClassFile.read(classFile);
		SamplePlan plan = plan(g, latents, labels);
		if (seed == null && latents == null && batch.shard != null)
			throw new GanException(
				"give --seed with --shard, so that every shard draws from the same seed sequence");
		long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(
			1L << 31);
		GenerationJob job = new GenerationJob(output, batch.format == null ? "tif"
			: batch.format, plan, s, latents, latentFile == null ? null : latentFile
				.getFileName().toString(), floatOutput || normalization.equals("none"),
			run.device, run.threads, batch.shardOrAll(), overwrite, batch.failFast,
			provenance(), nonFinite);
		return GenerationBatch.run(job, d, ImageFiles.CODEC, progress, cancel);
	}

	/**
	 * Which samples to draw, from --count, --class(es), --per-class or
	 * --balance-against.
	 */
	private SamplePlan plan(GeneratorSpec g, float[][] latents, long[] labels) {
		int given = (perClass != null ? 1 : 0) + (balanceAgainst != null ? 1 : 0);
		if (given > 1) throw new GanException(
			"give --per-class or --balance-against, not both");
		if (given == 1 && (count != null || classLabel != null ||
			classFile != null || latents != null)) throw new GanException(
				(perClass != null ? "--per-class" : "--balance-against") +
					" decides the counts and classes: leave out --count, --class, --classes and --latent");
		if (perClass != null) {
			if (perClass < 1) throw new GanException(
				"--per-class must be at least 1");
			return SamplePlan.perClass(perClass, g);
		}
		if (balanceAgainst != null) return SamplePlan.balanceAgainst(balanceAgainst,
			g, ImageFiles.CODEC);
		long n = count != null ? count : latents != null ? latents.length
			: labels != null ? labels.length : 1;
		if (labels != null && labels.length != n) throw new GanException(
			"the class file has " + labels.length + " labels for " + n + " images");
		if (!g.isConditional()) {
			if (classLabel != null || labels != null) throw new GanException(
				"this generator takes no class; remove --class/--classes");
			return SamplePlan.unconditional(n);
		}
		if (classLabel != null && labels != null) throw new GanException(
			"give either --class or --classes, not both");
		if (classLabel != null) return SamplePlan.oneClass(n, label(g, classLabel),
			g);
		if (labels != null) return SamplePlan.labels(labels, g);
		return SamplePlan.cycling(n, g);
	}

	private ModelDescriptor load() {
		if (!normalization.equals("range") && !normalization.equals("none"))
			throw new ParameterException(spec.commandLine(),
				"generate takes --normalize range or none, not '" + normalization +
					"'");
		InputFile.refuseSpecial(Path.of(reference), "model");
		ModelDescriptor d = ModelLoader.load(reference, ModelOverrides.NONE
			.withRange(range), stages);
		return ModelOptions.checkTask(d, TaskKind.GENERATE, false);
	}

	@Override
	Job run(ProgressListener progress, CancellationToken cancel) {
		if (perClass != null || balanceAgainst != null)
			throw new ParameterException(spec.commandLine(), (perClass != null
				? "--per-class" : "--balance-against") +
				" writes one file per image: " + "give a folder as --output");
		ModelDescriptor d = load();
		float[][] latents = latentFile == null ? null : rows(readNpy(latentFile,
			"latent file"), latentFile, d.generator());
		long[] labels = classFile == null ? null : ClassFile.read(classFile);
		int n = count != null ? count : latents != null ? latents.length
			: labels != null ? labels.length : 1;
		List<String> notes = new ArrayList<>();
		long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(
			1L << 31);
		if (seed == null && latents == null) notes.add("seed " + s +
			" (pass --seed " + s + " to draw the same images again)");
		if (!GenerationBatch.carriesSyntheticTag(AtomicFile.extensionOf(output
			.getFileName().toString()))) notes.add(output.getFileName() +
				" carries no SYNTHETIC tag " +
				"(fiji-gan writes none into this format): nothing in it says it is " +
				"generated; write .tif, .png or .nii.gz to keep the tag");
		GenerateOptions options = new GenerateOptions(n, s, classLabel == null
			? null : label(d.generator(), classLabel), labels, latents, floatOutput ||
				normalization.equals("none"), run.device, run.threads, nonFinite);
		return new Job(d, Generator.run(d, options, progress, cancel), notes);
	}

	private static NpyArray readNpy(Path file, String role) {
		InputFile.requireRegular(file, role);
		return Npy.read(file);
	}

	/**
	 * The latent vectors of a file of shape [N, d], or [N] followed by the latent
	 * input's own axes ([N, d, 1, 1] for an input of that shape); a single vector
	 * [d] is one.
	 */
	private static float[][] rows(NpyArray a, Path file, GeneratorSpec g) {
		long[] shape = a.shape();
		long[] tail = Arrays.copyOfRange(g.latentShape(), 1, g
			.latentShape().length);
		if (shape.length > 2 && !Arrays.equals(Arrays.copyOfRange(shape, 1,
			shape.length), tail))
		{
			StringBuilder perImage = new StringBuilder("[N");
			for (long t : tail)
				perImage.append(", ").append(t);
			throw new GanException(file + " has shape " + Arrays.toString(shape) +
				"; a latent file is [N, " + g.latentDim() + "]" + (tail.length > 1
					? " or " + perImage + "]" : "") + ", one latent vector per image");
		}
		float[] data = a.toFloatArray();
		int n = shape.length <= 1 ? 1 : (int) shape[0];
		if (n == 0 || data.length == 0) throw new GanException(file +
			" holds no latent vectors");
		int d = data.length / n;
		float[][] rows = new float[n][];
		for (int i = 0; i < n; i++)
			rows[i] = Arrays.copyOfRange(data, i * d, (i + 1) * d);
		return rows;
	}

	/**
	 * A class name the model declares (ignoring case), else a label number: the
	 * rule class folders are read by ({@link GeneratorSpec#labelOfFolder}).
	 */
	private static int label(GeneratorSpec g, String text) {
		int named = g == null ? -1 : g.labelOfName(text.trim());
		if (named >= 0) return named;
		try {
			return Integer.parseInt(text.trim());
		}
		catch (NumberFormatException e) {
			throw new GanException("class '" + text +
				"' is neither a number nor one of the model's " + "classes" +
				(g == null || g.classNames().isEmpty() ? "" : " " + g.classNames()));
		}
	}
}
