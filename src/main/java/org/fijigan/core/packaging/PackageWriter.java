
package org.fijigan.core.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.StagingFolder;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.io.FolderLock;
import org.fijigan.core.io.InputFile;
import org.fijigan.core.io.MoveInJournal;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.bioimage.RdfYaml;

/**
 * Makes a bioimage.io model package (format {@value #FORMAT_VERSION}) of an
 * ONNX model, as fiji-gan runs it: the folder holds the weights, {@value #RDF},
 * test and sample tensors, {@value #COVER} and the model card. The package
 * passes bioimage.io's JSON schema and the rules its Python library adds, and
 * loads in deepImageJ's parser (JDLL); docs/bundled-models.md says what was
 * checked.
 * <p>
 * What the package states is what {@link ModelLoader} inferred (plus the user's
 * overrides): axes and their sizes, the scale, the halo (in output pixels, as
 * bioimage.io counts it), and the normalisation fiji-gan applies, as
 * bioimage.io preprocessing ({@code scale_range} for percentiles, then
 * {@code scale_linear} into the model's value range). The smallest input is
 * raised where the halo needs it (an output's smallest size less twice its halo
 * must be at least 1). A scale f other than 1 is written as input pixels of
 * size f^2 and output pixels of size f, so that the specification (size factor
 * = input scale / output scale) and JDLL (which reads the output scale as the
 * size factor) agree. There is no postprocessing: the output stays in the
 * model's value range, and fiji-gan maps it back by inverting the
 * preprocessing. What the specification has no field for (task, value range, a
 * residual output, the mask's hole value, class names) goes into
 * {@code config: fiji-gan:}, the keys {@link ModelLoader} reads; their presence
 * tells fiji-gan to invert. Before {@value #RDF} is put in place it is loaded
 * back and must describe the same model, or nothing is claimed.
 * <p>
 * The test tensors are one run of fiji-gan's own pipeline on a centre crop of
 * the sample image (untiled, on the CPU), read as the specification says: the
 * test input is the crop's raw values (and the mask as the model takes it),
 * which bioimage.io's test preprocesses itself; the test output is the model's
 * output. A generator's are its seeded latent vectors and class labels, and its
 * output. Each tensor also gets a sample tensor: the same values as an image at
 * their own bit depth (the crop as the sample holds it, the output as the model
 * gives it; PNG for one 8-bit or RGB plane, else TIFF), so that the package's
 * steps apply to it as to the test tensor; {@value #COVER} is what a person
 * looks at.
 * <p>
 * Every file is written atomically ({@link AtomicFile}); {@value #RDF} is
 * written last, after everything it names. Written twice from the same inputs,
 * a package is the same bytes. This class writes the files; {@link TestRun}
 * makes the test tensors and the cover, {@link NormalizationSteps} the
 * preprocessing, {@link RdfDocument} the descriptor, and {@link ReadBackCheck}
 * compares what it loads back as.
 */
public final class PackageWriter {

	public static final String RDF = "rdf.yaml";
	/**
	 * The first line of every descriptor package-model writes: what tells its
	 * packages from others'.
	 */
	static final String HEADER =
		"# bioimage.io model package written by fiji-gan package-model";
	public static final String TEST_INPUT = "test_input.npy";
	public static final String TEST_MASK = "test_mask.npy";
	public static final String TEST_CLASS = "test_class.npy";
	public static final String TEST_OUTPUT = "test_output.npy";
	public static final String COVER = "cover.png";
	/** The most bytes bioimage.io takes in a cover. */
	static final long MAX_COVER_BYTES = 500_000;
	public static final String README = "README.md";
	/** The bioimage.io model format written. */
	public static final String FORMAT_VERSION = "0.5.7";
	/**
	 * What bioimage.io's library looks for in the model card
	 * ({@code #.*[vV]alidation}).
	 */
	private static final Pattern VALIDATION_HEADING = Pattern.compile(
		"#.*[vV]alidation");
	/**
	 * {@code eps} of the {@code scale_range} step (the specification wants it
	 * above 0).
	 */
	public static final double SCALE_RANGE_EPS = 1e-6;

	/**
	 * The {@link FolderLock} of a run moving its files into an existing folder;
	 * left there, and a folder holding it alone counts as empty.
	 */
	static final String LOCK = ".fiji-gan.package.lock";

	/** What package-model moves in, for messages. */
	private static final MoveInJournal.Kind KIND = new MoveInJournal.Kind(
		"package-model", "the package's files", "its package",
		"the earlier package");

	private PackageWriter() {}

	private static boolean isLock(Path file) {
		return file.getFileName().toString().equals(LOCK);
	}

	/**
	 * Writes the package.
	 *
	 * @param codec writes {@value #COVER}
	 * @throws GanException for a model or sample it cannot package, a folder that
	 *           holds files without {@link PackageOptions#overwrite()}, or a file
	 *           it cannot write
	 */
	public static PackageResult write(PackageOptions o, ImageCodec codec,
		CancellationToken cancel)
	{
		return write(o, codec, cancel, List.of());
	}

	/**
	 * As above, refusing to replace any of {@code inputs} (the files the sample
	 * and mask were read from) with a package file: into an existing folder, a
	 * package file of the same name would take its place. The model and its
	 * documentation may be the folder's own (they are copied as they are).
	 */
	public static PackageResult write(PackageOptions o, ImageCodec codec,
		CancellationToken cancel, List<FileIdentity.Input> inputs)
	{
		Path onnx = o.model();
		String onnxName = onnx.getFileName().toString();
		if (!onnxName.toLowerCase(Locale.ROOT).endsWith(".onnx"))
			throw new GanException("package-model packages an .onnx file; " + onnx +
				" is not one");
		InputFile.refuseSpecial(onnx, "model");
		if (Files.isDirectory(onnx)) throw new GanException("model " + onnx +
			" is a folder, not an .onnx file");
		if (!Files.isRegularFile(onnx)) throw new GanException("model " + onnx +
			" does not exist");
		// normalized: the hidden folder the package is made in goes beside the
		// folder, which for "pk/." would be inside it
		Path folder = o.folder().toAbsolutePath().normalize();
		// a move-in a killed run left half-done is undone before the folder is
		// looked at
		List<String> putBack = putBackKilled(folder);
		try {
			checkFolder(folder, o.overwrite());
		}
		catch (GanException e) {
			if (putBack.isEmpty()) throw e;
			throw new GanException(e.getMessage() + " (" + String.join("; ",
				putBack) + ")", e);
		}
		refuseNonUtf8Documentation(o.documentation());
		ModelDescriptor loaded = ModelLoader.load(onnx.toString(), o.overrides());
		if (loaded.graph() != null && !loaded.graph().externalDataLocations()
			.isEmpty()) throw new GanException("model " + onnxName +
				" keeps weights in external data files " + loaded.graph()
					.externalDataLocations() +
				"; package-model copies one .onnx file: save the model with its weights inside");
		refuseSeveralOutputs(loaded, onnxName);
		refuseFixedBatch(loaded, onnxName);
		List<String> notes = new ArrayList<>(putBack);
		o = withRecordedNormalization(o, loaded, notes);
		ModelDescriptor d = loaded.task() == TaskKind.GENERATE ? loaded
			: RdfDocument.fitMinimumToHalo(loaded, notes);
		TestRun run = d.task() == TaskKind.GENERATE ? TestRun.ofGenerator(d, o,
			notes, cancel) : TestRun.ofImageModel(d, o, notes, cancel);
		cancel.throwIfCancelled();

		// the package is made in a hidden folder beside its own. A new one is
		// renamed into place whole: a kill leaves no half package, and of two runs
		// making one folder at once exactly one wins. Into an existing folder
		// (--overwrite, a model's own folder) its files are moved once all are
		// made, the earlier package's moved aside first and deleted last, with a
		// journal, so that a failure or a kill meanwhile leaves the earlier
		// package to put back rather than a folder that mixes two; and under a
		// lock, so that two runs do not mix theirs. Which of the
		// two is decided once the files are made, as the folder is then: another
		// run may have filled it since it was checked, and without --overwrite
		// this run then writes nothing
		Path target = folder;
		// an output that is a symbolic link to a folder: the package goes into the
		// folder it names, made beside that one (on its disk), and the link stays
		Path place = realFolder(target);
		StagingFolder.removeStale(place);
		folder = AtomicFile.temporaryFor(place);
		try {
			PackageResult r = writeFiles(o, codec, d, run, onnx, onnxName, folder,
				notes);
			List<Path> kept = List.of();
			if (!o.overwrite() || isAbsentOrEmpty(place)) moveIntoPlace(folder,
				place);
			else try (FolderLock lock = FolderLock.acquire(place, LOCK, "the folder",
				target + " is being written by another package-model run; nothing " +
					"of this run was written: run it again once that one ends"))
			{
				Map<Object, FileIdentity.Input> index = FileIdentity.index(inputs);
				for (Path f : r.files())
					FileIdentity.refuseOverwriting(place.resolve(folder.relativize(f)),
						index);
				kept = moveFilesInto(folder, place, target, r.files(), index, cancel);
			}
			List<Path> files = new ArrayList<>();
			for (Path f : r.files())
				files.add(target.resolve(folder.relativize(f)));
			List<String> allNotes = new ArrayList<>(r.notes());
			if (!kept.isEmpty()) allNotes.add("the earlier " + RDF + " in " + target +
				" was not written by package-model, so the files it names " +
				"stay as they were: " + String.join(", ", kept.stream().map(f -> place
					.relativize(f).toString()).toList()) +
				"; the new package does not name them (remove them if they should " +
				"not ship with it)");
			Path rdf = target.resolve(RDF);
			return new PackageResult(target, rdf, ModelLoader.load(rdf.toString(),
				ModelOverrides.NONE), files, allNotes);
		}
		finally {
			StagingFolder.delete(folder);
		}
	}

	/**
	 * Moves the package's {@code files} from {@code staging} into the existing
	 * folder {@code target}, replacing files of the same names, with a journal
	 * ({@link MoveInJournal}): the earlier files it replaces or removes are moved
	 * aside first (its descriptor the first of them, the new one put last), and
	 * deleted only once every new file is in; a rename that fails, or a
	 * cancellation, puts the earlier package back at once, and a kill leaves it
	 * for the next run to put back ({@link #putBackKilled}). The files
	 * package-model wrote for the earlier package ({@link EarlierPackage}:
	 * weights, test tensors, its cover and sample tensors) that this one does not
	 * replace are removed, unless they are among {@code inputs}; the earlier
	 * package's other files (a card, covers or samples the user gave) stay, and
	 * so does every file of a package package-model did not write.
	 *
	 * @return the files a package package-model did not write names that this one
	 *         neither replaces nor names: kept, for a note
	 */
	private static List<Path> moveFilesInto(Path staging, Path target, Path shown,
		List<Path> files, Map<Object, FileIdentity.Input> inputs,
		CancellationToken cancel)
	{
		Path rdf = staging.resolve(RDF);
		EarlierPackage before = EarlierPackage.in(target);
		List<Path> named = new ArrayList<>(); // by the new descriptor (a card kept)
		for (Path f : BioImageRdf.namedFiles(rdf))
			named.add(target.toAbsolutePath().resolve(staging.toAbsolutePath()
				.normalize().relativize(f)).normalize());
		List<String> fresh = new ArrayList<>();
		List<Path> placed = new ArrayList<>();
		for (Path f : files) {
			String rel = MoveInJournal.relative(staging, f);
			fresh.add(rel);
			placed.add(target.toAbsolutePath().resolve(rel).normalize());
		}
		// the descriptor goes aside first; then the earlier package's own files
		// this one does not replace (another model's weights, a mask tensor),
		// which would ship with it
		List<String> earlier = new ArrayList<>(List.of(RDF));
		for (Path old : before.ownFiles())
			if (!placed.contains(old) && !named.contains(old) && !inputs.containsKey(
				FileIdentity.of(old))) earlier.add(MoveInJournal.relative(target
					.toAbsolutePath(), old));
		MoveInJournal.moveIn(target, staging, earlier, fresh, KIND, shown, cancel);
		List<Path> kept = new ArrayList<>();
		for (Path f : before.othersFiles())
			if (!placed.contains(f) && !named.contains(f)) kept.add(f);
		return kept;
	}

	/**
	 * Puts back the earlier package of {@code folder} that package-model runs
	 * killed while moving their package in left half-moved (a hidden folder
	 * beside it with a journal), under the package lock; while a live run holds
	 * the lock, left to it.
	 *
	 * @return a note for each package put back
	 */
	private static List<String> putBackKilled(Path folder) {
		if (!Files.isDirectory(folder)) return List.of();
		Path place = realFolder(folder);
		if (MoveInJournal.killed(place).isEmpty()) return List.of();
		FolderLock lock;
		try {
			lock = FolderLock.acquire(place, LOCK, "the folder", "busy");
		}
		catch (GanException heldByALiveRun) {
			return List.of();
		}
		try (lock) {
			return MoveInJournal.putBackKilled(place, folder, KIND);
		}
	}

	/** The package's files, into {@code folder}. */
	private static PackageResult writeFiles(PackageOptions o, ImageCodec codec,
		ModelDescriptor d, TestRun run, Path onnx, String onnxName, Path folder,
		List<String> notes)
	{
		List<Path> files = new ArrayList<>();
		AtomicFile.createFolder(folder);
		Path weights = folder.resolve(onnxName);
		if (!isSameFile(onnx, weights)) AtomicFile.writeStream(weights, o
			.overwrite(), out -> Files.copy(onnx, out));
		if (!ModelLoader.sha256(weights).equals(d.sha256())) throw new GanException(
			onnx + " changed while it was being packaged; package it again");
		files.add(weights);
		Map<String, String> sha = new LinkedHashMap<>();
		for (TestRun.TestTensor t : run.tensors()) {
			Path p = folder.resolve(t.file());
			AtomicFile.writeStream(p, o.overwrite(), out -> Npy.write(out, t
				.array()));
			sha.put(t.file(), ModelLoader.sha256(p));
			files.add(p);
		}
		for (TestRun.TestTensor t : run.tensors()) {
			String name = sampleFile(t);
			Path p = folder.resolve(name);
			t.sample().setTitle(name);
			AtomicFile.write(p, o.overwrite(), tmp -> codec.write(t.sample(), name
				.substring(name.lastIndexOf('.')), tmp));
			sha.put(name, ModelLoader.sha256(p));
			files.add(p);
		}
		RasterImage cover = CoverImage.compose(run.cover());
		cover.setTitle(o.name());
		cover.properties().put("fiji-gan.model", o.name());
		cover.properties().put("fiji-gan.model.sha256", d.sha256());
		cover.properties().put("fiji-gan.cover", run.coverCaption());
		if (d.task() == TaskKind.GENERATE) cover.properties().put(
			"fiji-gan.synthetic",
			"SYNTHETIC: the cover shows images generated by a GAN, not acquired");
		Path coverFile = folder.resolve(COVER);
		AtomicFile.write(coverFile, o.overwrite(), tmp -> codec.write(cover, ".png",
			tmp));
		// bioimage.io takes covers under 500 KB: a noisy one is made smaller until
		// it fits
		long coverBytes = size(coverFile);
		if (coverBytes > MAX_COVER_BYTES) {
			RasterImage small = cover;
			long bytes = coverBytes;
			while (bytes > MAX_COVER_BYTES && small.height() > 16) {
				RasterImage next = CoverImage.shrunk(small, Math.max(0.5, Math.min(0.9,
					Math.sqrt((double) MAX_COVER_BYTES / bytes) * 0.95)));
				AtomicFile.write(coverFile, true, tmp -> codec.write(next, ".png",
					tmp));
				small = next;
				bytes = size(coverFile);
			}
			notes.add("the cover, " + cover.width() + "x" + cover.height() +
				" px, took " + coverBytes + " bytes as PNG, over the 500 KB " +
				"bioimage.io takes; it is shown at " + small.width() + "x" + small
					.height() + " px (" + bytes + " bytes)");
		}
		files.add(coverFile);
		String documentation = documentation(o, folder, files, notes);

		Map<String, Object> doc = RdfDocument.of(d, o, run, onnxName, sha,
			documentation, notes);
		String text = HEADER + "\n" + RdfYaml.write(doc);
		Path rdf = folder.resolve(RDF);
		AtomicFile.write(rdf, o.overwrite(), tmp -> {
			Files.writeString(tmp, text, StandardCharsets.UTF_8);
			ReadBackCheck.check(d, run.preprocessing(), ModelLoader.load(tmp
				.toString(), ModelOverrides.NONE));
		});
		files.add(rdf);
		return new PackageResult(folder, rdf, ModelLoader.load(rdf.toString(),
			ModelOverrides.NONE), files, notes);
	}

	/**
	 * {@code folder} itself, or where it leads when it is a symbolic link to a
	 * folder (absolute, links resolved), as prepare-data takes its output folder.
	 */
	private static Path realFolder(Path folder) {
		if (!Files.isDirectory(folder)) return folder;
		try {
			return folder.toRealPath();
		}
		catch (IOException e) {
			throw new GanException("cannot read " + folder + ": " + AtomicFile
				.describe(e), e);
		}
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException e) {
			throw new GanException("cannot read " + file + ": " + AtomicFile.describe(
				e), e);
		}
	}

	private static boolean isAbsentOrEmpty(Path folder) {
		if (!Files.isDirectory(folder)) return true;
		try (Stream<Path> s = Files.list(folder)) {
			return s.allMatch(PackageWriter::isLock);
		}
		catch (IOException e) {
			return false;
		}
	}

	/**
	 * Renames the finished package into place; it fails, writing nothing, when
	 * the folder has meanwhile become one with files (another run's package).
	 */
	private static void moveIntoPlace(Path staging, Path target) {
		if (Files.isDirectory(target) && !isAbsentOrEmpty(target)) throw notEmpty(
			target);
		try {
			if (Files.isDirectory(target) && isAbsentOrEmpty(target)) {
				// an empty folder given, or one that held a package: the package takes
				// its place
				Files.deleteIfExists(target.resolve(LOCK));
				Files.delete(target);
			}
			Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException e) {
			if (AtomicFile.isTaken(e, target)) throw new GanException(target +
				" was filled by someone else while the package was made (another " +
				"package-model into the same folder?); nothing of this run was " +
				"written: choose another folder, or pass --overwrite", e);
			throw new GanException("cannot move the package into " + target + ": " +
				AtomicFile.describe(e), e);
		}
	}

	private static void checkFolder(Path folder, boolean overwrite) {
		String dangling = AtomicFile.danglingLink(folder);
		if (dangling != null) throw new GanException(dangling);
		if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(
			folder)) throw new GanException(folder + " is a file, not a folder");
		if (Files.isDirectory(folder) && !overwrite) try (Stream<Path> s = Files
			.list(folder))
		{
			if (!s.allMatch(PackageWriter::isLock)) throw notEmpty(folder);
		}
		catch (IOException e) {
			throw new GanException("cannot read " + folder + ": " + AtomicFile
				.describe(e), e);
		}
		// the package is made beside its folder, and moved into it when the folder
		// holds files
		Path parent = folder.toAbsolutePath().getParent();
		if (parent != null) AtomicFile.requireWritableOrCreatable(parent);
		if (!isAbsentOrEmpty(folder)) AtomicFile.requireWritableFolder(folder);
	}

	private static GanException notEmpty(Path folder) {
		return new GanException(folder +
			" is not empty; pass --overwrite to write the package into it (its package files are replaced, " +
			"the other files package-model wrote for an earlier package removed, other files kept)");
	}

	private static boolean isSameFile(Path a, Path b) {
		try {
			return Files.exists(b) && Files.isSameFile(a, b);
		}
		catch (IOException e) {
			return false;
		}
	}

	/**
	 * Refuses a model whose batch axis is fixed at more than 1: format 0.5 fixes
	 * a batch axis at 1 or leaves it free, so bioimage.io tools would feed the
	 * model batches it refuses (one image), and its test input would have to hold
	 * that many images.
	 */
	static void refuseFixedBatch(ModelDescriptor d, String onnxName) {
		String input = d.task() == TaskKind.GENERATE ? d.generator().latentInput()
			: d.image().name();
		long batch = d.task() == TaskKind.GENERATE ? d.generator().latentShape()[0]
			: d.image().exactBatch();
		if (batch <= 1) return;
		String shape = d.graph() == null ? "" : d.graph().inputs().stream().filter(
			v -> v.name().equals(input)).findFirst().map(v -> " " + v.shapeString())
			.orElse("");
		throw new GanException(onnxName + " takes a fixed batch of " + batch +
			" (input '" + input + "'" + shape + "), which a bioimage.io package " +
			"cannot state: its batch axis is fixed at 1 or of any size; export the " +
			"model with a dynamic batch axis, or a batch of 1, to package it");
	}

	/**
	 * Refuses a model with more than one output: a package describes the output
	 * fiji-gan reads only, and bioimage.io tools, which pair a model's outputs
	 * with the described ones by position, fail on the others or take one for
	 * another (a score output for the image).
	 */
	static void refuseSeveralOutputs(ModelDescriptor d, String onnxName) {
		if (d.graph() == null || d.graph().outputs().size() <= 1) return;
		throw new GanException("package-model packages models with one output; " +
			onnxName + " has outputs " + String.join(", ", d.graph().outputs()
				.stream().map(v -> v.name()).toList()));
	}

	/**
	 * The options with the normalisation the package states: the one given, else
	 * the one the model records ({@link Normalization#orRecorded}: what fine-tune
	 * trained it with), else the default a plain run of the model takes on the
	 * sample: the type's range for an integer sample through a model with a uint8
	 * input or an integer output ({@link ModelDescriptor#integerSamples()}), else
	 * {@link Normalization#DEFAULT}.
	 */
	static PackageOptions withRecordedNormalization(PackageOptions o,
		ModelDescriptor model, List<String> notes)
	{
		if (o.normalization() != null) return o;
		Normalization recorded = Normalization.orRecorded(model, null);
		if (recorded != null) notes.add("the model records " +
			ModelLoader.META_NORMALIZATION + " " + recorded.describe() +
			" (what it was fine-tuned with): the package states it as its preprocessing");
		if (recorded != null) return o.withNormalization(recorded);
		// as a plain run maps an 8-bit (or 16-bit) sample through a model with a
		// uint8 input or an integer output: the type's range, where percentiles
		// would stretch the sample between its levels
		boolean typeRange = model.integerSamples() && o.sample() != null && o
			.sample().type().isInteger();
		if (typeRange) notes.add("the model " + (model.uint8Image()
			? "takes uint8 input" : "gives integer output") +
			": the package states the sample type's range as its preprocessing, as " +
			"a plain run maps it (--normalize chooses another)");
		return o.withNormalization(typeRange ? new Normalization.BitDepthRange()
			: Normalization.DEFAULT);
	}

	/**
	 * The file of a test tensor's sample: PNG for one 8-bit or RGB plane, else
	 * TIFF (both read by the imageio library that bioimage.io names).
	 */
	static String sampleFile(TestRun.TestTensor t) {
		RasterImage s = t.sample();
		boolean png = s.channels() == 1 && s.planeCount() == 1 && (s
			.type() == PixelType.UINT8 || s.type() == PixelType.RGB);
		return t.sampleFile() + (png ? ".png" : ".tif");
	}

	/**
	 * Refuses a {@code --documentation} file that is not UTF-8 text, naming it,
	 * before anything is made: it failed as the package's copy of it was read,
	 * naming that hidden copy and Java's decoder ("Input length = 1").
	 */
	static void refuseNonUtf8Documentation(Path card) {
		if (card == null || !Files.isRegularFile(card)) return;
		try {
			StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files
				.readAllBytes(card)));
		}
		catch (java.nio.charset.CharacterCodingException e) {
			throw new GanException("--documentation " + card + " is not UTF-8 text",
				e);
		}
		catch (IOException e) {
			throw new GanException("cannot read " + card + ": " + AtomicFile.describe(
				e), e);
		}
	}

	/**
	 * Notes a model card without the "# Validation" section bioimage.io asks for
	 * (its library's test).
	 */
	private static void validationSection(Path readme, List<String> notes) {
		try {
			if (!VALIDATION_HEADING.matcher(Files.readString(readme,
				StandardCharsets.UTF_8)).find()) notes.add(readme.getFileName() +
					" has no '# Validation' section, which bioimage.io asks for: say how the model " +
					"was validated on data it did not see");
		}
		catch (IOException e) {
			throw new GanException("cannot read " + readme + ": " + AtomicFile
				.describe(e), e);
		}
	}

	/**
	 * Copies the model card, or finds one already in the folder (a
	 * {@value #README}, or the card an earlier package there names); returns its
	 * name in the package, or null.
	 */
	private static String documentation(PackageOptions o, Path folder,
		List<Path> files, List<String> notes)
	{
		// the card already in the folder the package replaces (a model's own, or
		// the earlier package's, under its own name)
		Path present = o.folder().resolve(README);
		String name = README;
		Path given = o.documentation();
		if (given == null && !present.equals(folder.resolve(README))) {
			Path earlier = Files.isRegularFile(present) ? null : EarlierPackage.in(o
				.folder()).documentation();
			if (earlier != null) {
				name = o.folder().toAbsolutePath().normalize().relativize(earlier)
					.toString().replace('\\', '/');
				given = earlier;
			}
			else if (Files.isRegularFile(present)) given = present;
		}
		Path card = folder.resolve(name);
		if (given != null) {
			if (!given.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(
				".md")) throw new GanException(
					"the documentation must be a Markdown file (.md): " + given);
			if (!Files.isRegularFile(given)) throw new GanException("documentation " +
				given + " does not exist");
			if (!isSameFile(given, card)) {
				Path from = given;
				if (card.getParent() != null) AtomicFile.createFolder(card.getParent());
				AtomicFile.writeStream(card, o.overwrite(), out -> Files.copy(from,
					out));
				files.add(card);
			}
			validationSection(card, notes);
			return name;
		}
		if (Files.isRegularFile(card)) {
			validationSection(card, notes);
			return name;
		}
		notes.add("no model card: bioimage.io requires one; write " + present +
			" (intended use, training data, recipe, metrics, known failure modes) and package again");
		return null;
	}
}
