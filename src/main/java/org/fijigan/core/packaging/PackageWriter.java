package org.fijigan.core.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.bioimage.RdfYaml;

/**
 * Makes a bioimage.io model package (format 0.5) of an ONNX model, as fiji-gan runs it: the folder
 * holds the weights, {@value #RDF}, test tensors, {@value #COVER} and the model card.
 * <p>
 * What the package states is what {@link ModelLoader} inferred (plus the user's overrides): axes
 * and their sizes, the scale (as the output pixel size relative to the input's), the halo (in output
 * pixels, as bioimage.io counts it), and the normalisation fiji-gan applies, as bioimage.io
 * preprocessing ({@code scale_range} for percentiles, then {@code scale_linear} into the model's
 * value range). There is no postprocessing: the output stays in the model's value range, and
 * fiji-gan maps it back by inverting the preprocessing. What the specification has no field for
 * (task, value range, a residual output, the mask's hole value, class names) goes into
 * {@code config: fiji-gan:}, the keys {@link ModelLoader} reads. Before {@value #RDF} is put in
 * place it is loaded back and must describe the same model, or nothing is claimed.
 * <p>
 * The test tensors are what ONNX Runtime was given and returned, recorded from fiji-gan's own
 * pipeline on a centre crop of the sample image (untiled, on the CPU): the preprocessed image (for
 * inpainting: with the holes zeroed, and the mask as the model takes it), or a generator's seeded
 * latent vectors and class labels, and the raw output ({@code config: fiji-gan: test_tensors:
 * preprocessed} says so). For percentile normalisation, applying the preprocessing again to the test
 * input changes it by about {@code 1e-6} relative (the percentiles of a normalised image are its
 * target range), so bioimage.io's test, which preprocesses first, still reproduces the output; for
 * a fixed range it does not, and the result's notes say so.
 * <p>
 * Every file is written atomically ({@link AtomicFile}); {@value #RDF} is written last, after
 * everything it names. This class writes the files; {@link TestRun} makes the test tensors and the
 * cover, {@link NormalizationSteps} the preprocessing, {@link RdfDocument} the descriptor, and
 * {@link ReadBackCheck} compares what it loads back as.
 */
public final class PackageWriter {
	public static final String RDF = "rdf.yaml";
	public static final String TEST_INPUT = "test_input.npy";
	public static final String TEST_MASK = "test_mask.npy";
	public static final String TEST_CLASS = "test_class.npy";
	public static final String TEST_OUTPUT = "test_output.npy";
	public static final String COVER = "cover.png";
	public static final String README = "README.md";
	/** The bioimage.io model format written. */
	public static final String FORMAT_VERSION = "0.5.4";
	/** {@code eps} of the {@code scale_range} step (the specification wants it above 0). */
	public static final double SCALE_RANGE_EPS = 1e-6;

	private PackageWriter() {}

	/**
	 * Writes the package.
	 *
	 * @param codec writes {@value #COVER}
	 * @throws GanException for a model or sample it cannot package, a folder that holds files without
	 *           {@link PackageOptions#overwrite()}, or a file it cannot write
	 */
	public static PackageResult write(PackageOptions o, ImageCodec codec, CancellationToken cancel) {
		Path onnx = o.model();
		String onnxName = onnx.getFileName().toString();
		if (!onnxName.toLowerCase(Locale.ROOT).endsWith(".onnx")) throw new GanException(
			"package-model packages an .onnx file; " + onnx + " is not one");
		if (!Files.isRegularFile(onnx)) throw new GanException("model " + onnx + " does not exist");
		Path folder = o.folder();
		checkFolder(folder, o.overwrite());
		ModelDescriptor d = ModelLoader.load(onnx.toString(), o.overrides());
		if (d.graph() != null && !d.graph().externalDataLocations().isEmpty()) throw new GanException("model " +
			onnxName + " keeps weights in external data files " + d.graph().externalDataLocations() +
			"; package-model copies one .onnx file: save the model with its weights inside");
		List<String> notes = new ArrayList<>();
		TestRun run = d.task() == TaskKind.GENERATE ? TestRun.ofGenerator(d, o, notes, cancel) : TestRun.ofImageModel(d,
			o, notes, cancel);
		cancel.throwIfCancelled();

		List<Path> files = new ArrayList<>();
		try {
			Files.createDirectories(folder);
		}
		catch (IOException e) {
			throw new GanException("cannot create " + folder + ": " + AtomicFile.describe(e), e);
		}
		Path weights = folder.resolve(onnxName);
		if (!isSameFile(onnx, weights)) AtomicFile.writeStream(weights, o.overwrite(), out -> Files.copy(onnx, out));
		if (!ModelLoader.sha256(weights).equals(d.sha256())) throw new GanException(onnx +
			" changed while it was being packaged; package it again");
		files.add(weights);
		Map<String, String> sha = new LinkedHashMap<>();
		for (TestRun.TestTensor t : run.tensors()) {
			Path p = folder.resolve(t.file());
			AtomicFile.writeStream(p, o.overwrite(), out -> Npy.write(out, t.array()));
			sha.put(t.file(), ModelLoader.sha256(p));
			files.add(p);
		}
		RasterImage cover = CoverImage.compose(run.cover());
		cover.setTitle(o.name());
		cover.properties().put("fiji-gan.model", o.name());
		cover.properties().put("fiji-gan.model.sha256", d.sha256());
		cover.properties().put("fiji-gan.cover", run.coverCaption());
		if (d.task() == TaskKind.GENERATE) cover.properties().put("fiji-gan.synthetic",
			"SYNTHETIC: the cover shows images generated by a GAN, not acquired");
		Path coverFile = folder.resolve(COVER);
		AtomicFile.write(coverFile, o.overwrite(), tmp -> codec.write(cover, ".png", tmp));
		files.add(coverFile);
		String documentation = documentation(o, folder, files, notes);

		Map<String, Object> doc = RdfDocument.of(d, o, run, onnxName, sha, documentation, notes);
		String text = "# bioimage.io model package written by fiji-gan package-model\n" + RdfYaml.write(doc);
		Path rdf = folder.resolve(RDF);
		AtomicFile.write(rdf, o.overwrite(), tmp -> {
			Files.writeString(tmp, text, StandardCharsets.UTF_8);
			ReadBackCheck.check(d, run.preprocessing(), ModelLoader.load(tmp.toString(), ModelOverrides.NONE));
		});
		files.add(rdf);
		return new PackageResult(folder, rdf, ModelLoader.load(rdf.toString(), ModelOverrides.NONE), files, notes);
	}

	private static void checkFolder(Path folder, boolean overwrite) {
		if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(folder)) throw new GanException(
			folder + " is a file, not a folder");
		if (!Files.isDirectory(folder) || overwrite) return;
		try (Stream<Path> s = Files.list(folder)) {
			if (s.findAny().isPresent()) throw new GanException(folder +
				" is not empty; pass --overwrite to write the package into it (its package files are replaced, " +
				"other files kept)");
		}
		catch (IOException e) {
			throw new GanException("cannot read " + folder + ": " + AtomicFile.describe(e), e);
		}
	}

	private static boolean isSameFile(Path a, Path b) {
		try {
			return Files.exists(b) && Files.isSameFile(a, b);
		}
		catch (IOException e) {
			return false;
		}
	}

	/** Copies the model card, or finds one already in the folder; returns its name in the package, or null. */
	private static String documentation(PackageOptions o, Path folder, List<Path> files, List<String> notes) {
		Path readme = folder.resolve(README);
		Path given = o.documentation();
		if (given != null) {
			if (!given.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".md")) throw new GanException(
				"the documentation must be a Markdown file (.md): " + given);
			if (!Files.isRegularFile(given)) throw new GanException("documentation " + given + " does not exist");
			if (!isSameFile(given, readme)) {
				AtomicFile.writeStream(readme, o.overwrite(), out -> Files.copy(given, out));
				files.add(readme);
			}
			return README;
		}
		if (Files.isRegularFile(readme)) return README;
		notes.add("no model card: bioimage.io requires one; write " + readme +
			" (intended use, training data, recipe, metrics, known failure modes) and package again");
		return null;
	}
}
