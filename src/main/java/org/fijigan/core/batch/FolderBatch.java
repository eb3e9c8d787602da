
package org.fijigan.core.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.CancellationToken.CancelledException;
import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.DiskSpace;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.StageTimings;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.core.trust.ResidualCheck;

/**
 * Runs an image-to-image or inpainting model on every image of a folder, folder
 * to folder.
 * <ul>
 * <li><b>One image at a time</b>: an input, its mask and its result are the
 * only images held, so memory is bounded by the largest image and the tile
 * budget, not by the folder. One model session serves the whole run.
 * <li><b>Resumable</b>: every output is written atomically ({@link AtomicFile})
 * and then recorded in the manifest. A rerun skips an output that a manifest in
 * the output folder records as complete, from the same input and mask (by
 * SHA-256), model and settings, at the recorded size; it redoes the rest,
 * replacing what a killed run left (a truncated file, a stale temporary file).
 * Without {@code --overwrite} it replaces only files that a manifest records as
 * fiji-gan's and that were made with the same model and settings: never a file
 * of someone else's, not even one that appears while the run goes on.
 * <li><b>Sharded</b>: inputs are sorted by relative path and shard {@code I/N}
 * takes positions {@code I, I+N, ...}; each shard writes its own manifest part,
 * which starts with the shard's plan (a {@code planned} row per output still to
 * write).
 * <li>A failing image is recorded as {@code failed} and the run goes on, unless
 * {@link FolderJob#failFast()}.
 * </ul>
 * Runs on the caller's thread; several runs (shards) may share one JVM.
 */
public final class FolderBatch {

	private FolderBatch() {}

	/**
	 * One image of the run: relative paths with {@code /} separators.
	 *
	 * @param unusable why the input cannot be read as an image (a named pipe, a
	 *          name the file-name encoding cannot read), found when the folder
	 *          was listed: its row fails with this and nothing opens it; null for
	 *          an image
	 */
	record Item(String input, String output, String unusable) {

		Item(String input, String output) {
			this(input, output, null);
		}
	}

	/**
	 * @param options how to run the model on each image (device and threads
	 *          included)
	 * @param codec reads the inputs and writes the results
	 * @throws CancelledException when cancelled; the manifest holds what was
	 *           finished
	 * @throws GanException when the run cannot start (no inputs, the wrong kind
	 *           of model, an output the folder's manifests know nothing of); a
	 *           failing image is not an exception
	 */
	public static BatchSummary run(FolderJob job, ModelDescriptor model,
		InferenceOptions options, ImageCodec codec, ProgressListener progress,
		CancellationToken cancel)
	{
		long start = System.nanoTime();
		ProgressListener listener = ProgressListener.safe(progress);
		checkModel(job, model);
		if (!Files.isDirectory(job.inputDir())) throw new GanException(
			"input folder not found: " + job.inputDir());
		if (job.outputDir().equals(job.inputDir()) || FileIdentity.same(job
			.outputDir(), job.inputDir())) throw new GanException(
				"write the results to another folder than the inputs (" + job
					.inputDir() + (job.outputDir().equals(job.inputDir()) ? ""
						: ", which " + job.outputDir() + " also names") + ")");
		if (job.mask() != null && Files.isDirectory(job.mask()) && (job.outputDir()
			.equals(job.mask()) || FileIdentity.same(job.outputDir(), job.mask())))
			throw new GanException(
				"write the results to another folder than the masks (" + job.mask() +
					")");
		if (job.format() != null && !codec.canWrite(job.format()))
			throw new GanException("cannot write " + job.format() +
				" files: use tif, png, jpg, npy or nii.gz");
		if (job.mask() != null && !Files.exists(job.mask())) throw new GanException(
			"mask not found: " + job.mask());

		// the masks (a folder of them or one for all) are not inputs, also where
		// they lie inside the input folder
		BatchFolders.Listing listed = BatchFolders.list(job.inputDir(), codec, job
			.include(), job.outputDir(), job.mask());
		// an entry named as an image that cannot be read has a place in the run,
		// and a failed row that says why
		List<String> names = new ArrayList<>(listed.images());
		names.addAll(listed.unusable().keySet());
		names.sort(null);
		String runOutputs = runOutputsNote(listed.runOutputs());
		if (names.isEmpty()) throw new GanException("no images in " + job
			.inputDir() + (job.include() == null ? "" : " match " + job.include()) +
			(runOutputs == null ? "" : "; " + runOutputs));
		// only the images have outputs that may not collide or must hold floats:
		// an entry that cannot be read writes nothing
		Map<String, String> outputOf = new HashMap<>();
		for (Item item : outputs(listed.images(), job.format(), codec))
			outputOf.put(item.input(), item.output());
		List<Item> all = new ArrayList<>();
		for (String name : names) {
			String unusable = listed.unusable().get(name);
			all.add(new Item(name, unusable == null ? outputOf.get(name) : outputName(
				name, job.format(), codec), unusable));
		}
		List<String> inputs = listed.images();
		if (ImageToImage.givesFloat(model, options)) for (Item item : all) {
			if (item.unusable() != null) continue;
			String ext = ImageCodec.extensionOf(item.output());
			if (ext.equals(".png") || ext.equals(".jpg") || ext.equals(".jpeg"))
				throw new GanException("the results will be 32-bit float (" + (options
					.floatOutput() ? "--float" : options.normalization() != null
						? "--normalize none" : "the model's output processing") +
					"), which " + (ext.equals(".png") ? "PNG" : "JPEG") +
					" cannot hold, and " + item.output() + " would be one: write them " +
					"with --format tif (or npy)");
		}
		List<Item> mine = new ArrayList<>();
		for (int i = 0; i < all.size(); i++)
			if (job.shard().takes(i)) mine.add(all.get(i));
		refuseOverwritingInputs(job, model, inputs, mine);
		List<String> folders = new ArrayList<>();
		for (Item item : mine)
			if (item.unusable() == null) folders.add(item.output().substring(0, Math
				.max(0, item.output().lastIndexOf('/'))));
		BatchFolders.refuseLinksInside(job.outputDir(), folders);
		String settings = BatchSettings.folder(model, options, job.format());
		String batch = BatchSettings.batch(settings, plan(job, all));

		Manifest.refuseAnotherKind(job.outputDir(), job.shard().manifestName(),
			Manifest.FOLDER_COLUMNS, job.overwrite());
		// created here, and removed again when the claim is refused
		try (OutputFolderLock claim = OutputFolderLock.acquireCreating(job
			.outputDir(), owner(job.properties(), model, job.shard(), batch)))
		{
			BatchSummary summary = runClaimed(job, model, options, codec, listener,
				cancel, all, mine, start, settings, batch, claim.endedBatches());
			if (runOutputs == null) return summary;
			List<String> notes = new ArrayList<>(summary.notes());
			notes.add(0, runOutputs);
			return new BatchSummary(summary.items(), summary.done(), summary
				.skipped(), summary.failed(), summary.failures(), summary.manifest(),
				summary.provider(), notes, summary.seconds(), summary.stoppedEarly(),
				summary.timings());
		}
	}

	/**
	 * The run's word on the sub-folders of its input folder left out as earlier
	 * runs' output folders; null when none was.
	 */
	static String runOutputsNote(List<String> folders) {
		if (folders.isEmpty()) return null;
		int n = folders.size();
		return n == 1 ? "sub-folder " + folders.get(0) + " holds an earlier " +
			"fiji-gan run's results (its manifest): not read as inputs" : n +
				" sub-folders hold earlier fiji-gan runs' results (their manifests): " +
				String.join(", ", folders.subList(0, Math.min(10, n))) + (n > 10
					? " and " + (n - 10) + " more" : "") + "; not read as inputs";
	}

	/** Who a run is, for the output folder's claim. */
	static OutputFolderLock.Owner owner(Map<String, String> properties,
		ModelDescriptor model, Shard shard, String batch)
	{
		return OutputFolderLock.Owner.of(properties.getOrDefault("fiji-gan.command",
			"a fiji-gan batch run"), model.name(), model.sha256(), shard, batch);
	}

	/**
	 * The whole run's plan, for its {@code batch} fingerprint: every input with
	 * its size and output, and a single mask file's size.
	 */
	private static String plan(FolderJob job, List<Item> all) {
		StringBuilder sb = new StringBuilder();
		for (Item item : all)
			sb.append(item.input()).append(' ').append(item.unusable() != null ? -1
				: size(BatchFolders.resolve(job.inputDir(), item.input()))).append(' ')
				.append(item.output()).append('\n');
		if (job.mask() != null && !Files.isDirectory(job.mask())) sb.append("mask ")
			.append(size(job.mask())).append('\n');
		return sb.toString();
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException e) {
			return -1; // it will fail, and say why, when it is read
		}
	}

	/** The run, once the output folder is this run's. */
	private static BatchSummary runClaimed(FolderJob job, ModelDescriptor model,
		InferenceOptions options, ImageCodec codec, ProgressListener listener,
		CancellationToken cancel, List<Item> all, List<Item> mine, long start,
		String settings, String batch, Set<String> killed)
	{
		Path manifestFile = job.outputDir().resolve(job.shard().manifestName());
		// a killed run of this batch may have left a result it had not recorded
		Manifest.Earlier recorded = Manifest.earlier(job.outputDir(),
			Manifest.FOLDER_COLUMNS).withBatches(killed);
		Manifest.Earlier earlier = job.overwrite() ? Manifest.Earlier.NONE
			: recorded;
		Set<String> targets = new HashSet<>();
		for (Item item : mine)
			targets.add(item.output());
		targets.add(manifestFile.getFileName().toString());
		BatchFolders.removeStaleTemporaries(job.outputDir(), targets);

		MaskFinder masks = job.mask() != null && Files.isDirectory(job.mask())
			? new MaskFinder(job.mask(), codec) : null;
		Sources sources = new Sources(job, masks);
		List<Map<String, String>> skipped = new ArrayList<>();
		List<Item> todo = new ArrayList<>();
		Set<String> replaceable = new HashSet<>();
		Map<String, String> ours = new HashMap<>();
		Map<String, Map<String, String>> byInput = new HashMap<>();
		for (Map<String, String> row : earlier.complete().values())
			byInput.putIfAbsent(row.get("input"), row);
		for (Item item : mine) {
			if (item.unusable() != null) { // fails again, saying why
				String inPlace = inPlace(recorded, job.outputDir(), item.output(),
					batch);
				if (inPlace != null) ours.put(item.output(), inPlace);
				todo.add(item);
				continue;
			}
			Path out = BatchFolders.resolve(job.outputDir(), item.output());
			refuseResultUnderAnotherName(byInput.get(item.input()), item, settings,
				job.outputDir());
			Map<String, String> row = earlier.complete().get(item.output());
			if (row != null && item.input().equals(row.get("input")) && settings
				.equals(row.get("settings")) && isComplete(row, out, model.sha256()) &&
				sources.match(item, row))
			{
				Map<String, String> s = new LinkedHashMap<>(row);
				s.put("status", Manifest.SKIPPED);
				// the residual check's note on it stays in its row
				String said = row.getOrDefault("message", "");
				int note = said.indexOf(ResidualCheck.NOT_ONLY_NOISE);
				s.put("message", "complete from an earlier run" + (note < 0 ? ""
					: "; " + said.substring(note)));
				s.put("batch", batch);
				skipped.add(s);
			}
			else {
				boolean exists = Files.exists(out, LinkOption.NOFOLLOW_LINKS);
				boolean claimed = exists && recorded.claims(item.output(), batch, out);
				if (exists && !job.overwrite() && !claimed) throw notClaimed(out,
					recorded.refuses(item.output()), job.outputDir(), "results");
				refuseAnotherModelsOutput(job.overwrite(), row, out, model, job
					.outputDir());
				refuseOtherSettings(job.overwrite(), row, out, settings, job
					.outputDir());
				if (exists) replaceable.add(item.output());
				if (claimed) ours.put(item.output(), Manifest.sizeOf(out));
				todo.add(item);
			}
		}

		RasterImage sharedMask = job.mask() != null && masks == null ? codec.read(
			job.mask(), "mask") : null;
		int finished = skipped.size();
		BatchTally tally = new BatchTally();
		boolean stopped = false;
		String provider;
		List<String> notes = new ArrayList<>();
		// the inputs whose residual (input - result) holds structure
		List<String> notNoise = new ArrayList<>();
		// the lease pins one session for the whole folder; each image's run leases
		// the same one
		List<Map<String, String>> first = new ArrayList<>();
		// an earlier result of one of this run's inputs under another name
		// (another --format, replaced with --overwrite) is no longer listed: one
		// row
		// per input
		Set<String> myInputs = new HashSet<>();
		for (Item item : mine)
			myInputs.add(item.input());
		if (job.shard().isAll()) first.addAll(Manifest.untouched(recorded, job
			.outputDir(), out -> targets.contains(out) || myInputs.contains(recorded
				.complete().get(out).get("input"))));
		else {
			// the rows its part held of results the whole run leaves alone (an
			// earlier run over another part of the folder)
			Set<String> runs = new HashSet<>();
			for (Item item : all) {
				runs.add(item.input());
				runs.add(item.output());
			}
			first.addAll(Manifest.keptInPart(manifestFile, job.outputDir(),
				Manifest.FOLDER_COLUMNS, row -> runs.contains(row.get("output")) || runs
					.contains(row.get("input")), batch));
		}
		first.addAll(skipped);
		if (!job.shard().isAll()) for (Item item : todo)
			first.add(Manifest.planned(plannedRow(item, model, settings, batch)));
		StageTimings timings = new StageTimings();
		// what output formats could not hold (a pixel size): each image's notes,
		// by format and kind
		Map<String, List<String>> lost = new java.util.LinkedHashMap<>();
		try (SessionCache.Lease lease = timings.time(StageTimings.Stage.SESSION,
			() -> SessionCache.shared().acquire(model.onnxFile(), model.sha256Files(),
				model.sha256(), options.device(), options.threads()));
				Manifest.Writer manifest = Manifest.Writer.create(manifestFile,
					Manifest.FOLDER_COLUMNS, first))
		{
			provider = lease.session().provider();
			notes.addAll(lease.session().notes());
			int total = mine.size();
			Recipe recipe = new Recipe(model, settings, batch, sources, job
				.overwrite(), replaceable, ours);
			listener.onProgress(new ProgressEvent(Stage.IMAGE, finished, total,
				"fiji-gan: " + finished + "/" + total + " images" + (skipped.isEmpty()
					? "" : " (" + skipped.size() + " done before)")));
			for (Item item : todo) {
				if (cancel.isCancelled()) throw cancelledAfter(finished, total,
					manifestFile);
				int position = finished;
				ProgressListener tiles = e -> listener.onProgress(new ProgressEvent(
					Stage.IMAGE, position, total, "fiji-gan: image " + (position + 1) +
						"/" + total + " " + item.input() + (e.total() > 1 ? ", tile " + e
							.done() + "/" + e.total() : "")));
				Map<String, String> row;
				try {
					row = process(item, job, recipe, options, codec, sharedMask, masks,
						tiles, cancel, timings, lost);
				}
				catch (CancelledException e) {
					throw cancelledAfter(finished, total, manifestFile);
				}
				manifest.append(row);
				if (Manifest.DONE.equals(row.get("status")) && row.get("message")
					.startsWith(ResidualCheck.NOT_ONLY_NOISE)) notNoise.add(item.input());
				finished++;
				refuseToGoOnWhenFull(row, job.outputDir(), finished, total);
				tally.count(row, item.input());
				int failed = tally.failed();
				listener.onProgress(new ProgressEvent(Stage.IMAGE, finished, total,
					"fiji-gan: " + finished + "/" + total + " images" + (failed == 0 ? ""
						: ", " + failed + " failed")));
				if (failed > 0 && job.failFast()) {
					stopped = true;
					break;
				}
			}
		}
		if (!notNoise.isEmpty()) notes.add(notNoiseNote(notNoise, tally.done()));
		lost.forEach((kind, said) -> notes.add(said.size() == 1 ? "1 result: " +
			said.get(0) : said.size() + " results: " + said.get(0) +
				" (the first of them)"));
		double seconds = (System.nanoTime() - start) / 1e9;
		return tally.summary(mine.size(), skipped.size(), manifestFile, provider,
			notes, seconds, stopped, timings);
	}

	/**
	 * The run's word on the images whose residual check found structure: how
	 * many, which (the first ten), and where each one's note is.
	 */
	static String notNoiseNote(List<String> inputs, int written) {
		String names = inputs.size() <= 10 ? String.join(", ", inputs) : String
			.join(", ", inputs.subList(0, 10)) + " and " + (inputs.size() - 10) +
			" more";
		return ResidualCheck.NOT_ONLY_NOISE + " in " + inputs.size() + " of " +
			written + " image" + (written == 1 ? "" : "s") + " written (" + names +
			"): the " +
			"result may have lost signal there; each one's note is in the " +
			"manifest's message column and in its result's properties: look at " +
			"the residual (trust residual / Show What The GAN Changed)";
	}

	/**
	 * What a failed row of {@code output}, whose input cannot be read, records of
	 * the file under its name, so that a rerun still knows whose it is: the size
	 * of a result of fiji-gan's, {@link Manifest#FOREIGN} for a file of someone
	 * else's; null when there is none (or its name cannot be written here).
	 */
	private static String inPlace(Manifest.Earlier recorded, Path outputDir,
		String output, String batch)
	{
		Path out;
		try {
			out = BatchFolders.resolve(outputDir, output);
		}
		catch (java.nio.file.InvalidPathException e) {
			return null;
		}
		if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) return null;
		return recorded.claims(output, batch, out) ? Manifest.sizeOf(out)
			: Manifest.FOREIGN;
	}

	/**
	 * The refusal of an existing file under an output's name that is not
	 * fiji-gan's to replace.
	 *
	 * @param failed whether a manifest records that output as failed: no run
	 *          wrote the file
	 * @param what what {@code --overwrite} replaces: "results", "files"
	 */
	static GanException notClaimed(Path out, boolean failed, Path outputDir,
		String what)
	{
		return new GanException(out + (failed
			? " already exists, and is no result of fiji-gan's: the manifest in " +
				outputDir + " records that output as failed, not written"
			: " already exists and no manifest in " + outputDir + " records it") +
			"; pass --overwrite to replace existing " + what);
	}

	/** A stop by Ctrl-C or SIGTERM, saying what was done and how to go on. */
	private static CancelledException cancelledAfter(int finished, int total,
		Path manifestFile)
	{
		return new CancelledException("cancelled after " + finished + " of " +
			total + " images, each recorded in " + manifestFile.getFileName() +
			": the same command goes on from there");
	}

	/**
	 * Refuses a run in which an output would replace an input image, a mask or
	 * the model under any name (a symbolic or hard link, an output folder that is
	 * the input folder by another path), before anything is written;
	 * {@code --overwrite} does not change this.
	 */
	private static void refuseOverwritingInputs(FolderJob job,
		ModelDescriptor model, List<String> inputs, List<Item> mine)
	{
		if (!Files.isDirectory(job.outputDir())) return; // nothing in it can be an
																											// input yet
		List<FileIdentity.Input> files = new ArrayList<>();
		for (String in : inputs)
			files.add(new FileIdentity.Input("input image", BatchFolders.resolve(job
				.inputDir(), in)));
		if (job.mask() != null) {
			if (Files.isDirectory(job.mask())) try (Stream<Path> s = Files.walk(job
				.mask()))
			{
				s.filter(Files::isRegularFile).forEach(p -> files.add(
					new FileIdentity.Input("mask", p)));
			}
			catch (IOException | java.io.UncheckedIOException e) {
				throw new GanException("cannot list the mask folder " + job.mask() +
					": " + e.getMessage(), e);
			}
			else files.add(new FileIdentity.Input("mask", job.mask()));
		}
		files.add(new FileIdentity.Input("model", model.onnxFile()));
		for (Path p : model.files())
			files.add(new FileIdentity.Input("model's file", p));
		Map<Object, FileIdentity.Input> index = FileIdentity.index(files);
		for (Item item : mine)
			if (item.unusable() == null) FileIdentity.refuseOverwriting(BatchFolders
				.resolve(job.outputDir(), item.output()), index);
	}

	private static void checkModel(FolderJob job, ModelDescriptor model) {
		if (model.task() == TaskKind.GENERATE) throw new GanException(model.name() +
			" is a generator: it makes images from nothing; use generate --output DIR");
		if (model.task() == TaskKind.INPAINT && job.mask() == null)
			throw new GanException(model.name() +
				" is an inpainting model: give a mask folder (the images' relative names) or one mask file");
		if (model.task() != TaskKind.INPAINT && job.mask() != null)
			throw new GanException(model.name() + " is a " + model.task().id() +
				" model, not an inpainting one: it takes no mask");
	}

	/**
	 * The row of {@code item} before it is run: no size, provider, time, status
	 * or input hashes yet.
	 */
	private static Map<String, String> plannedRow(Item item,
		ModelDescriptor model, String settings, String batch)
	{
		Map<String, String> row = new LinkedHashMap<>();
		row.put("input", item.input());
		row.put("output", item.output());
		row.put("bytes", "");
		row.put("model_sha256", model.sha256());
		row.put("provider", "");
		row.put("nonfinite", "");
		row.put("input_sha256", "");
		row.put("mask_sha256", "");
		row.put("settings", settings);
		row.put("batch", batch);
		return row;
	}

	/**
	 * What every image of a run shares: the model, the fingerprints, where the
	 * inputs come from, and which existing outputs the run may replace.
	 *
	 * @param ours the existing outputs that are fiji-gan's results, with their
	 *          sizes at the start: one whose image fails stays in place, and its
	 *          failed row records its size, so that a rerun still knows it; for
	 *          an input that cannot be read, {@link Manifest#FOREIGN} where the
	 *          file under its output's name is someone else's
	 */
	private record Recipe(ModelDescriptor model, String settings, String batch,
			Sources sources, boolean overwrite, Set<String> replaceable,
			Map<String, String> ours) {

		/**
		 * Whether {@code output} may replace a file: with --overwrite, or when it
		 * existed at the start as a result that a manifest records. A file that
		 * appears meanwhile is someone else's.
		 */
		boolean mayReplace(String output) {
			return overwrite || replaceable.contains(output);
		}
	}

	/**
	 * The SHA-256 of the files an image's result is made from: the input, and its
	 * mask when there is one.
	 */
	private static final class Sources {

		private final FolderJob job;
		private final MaskFinder masks;
		private String sharedMaskSha256;

		Sources(FolderJob job, MaskFinder masks) {
			this.job = job;
			this.masks = masks;
		}

		String input(Item item) {
			return ModelLoader.sha256(BatchFolders.resolve(job.inputDir(), item
				.input()));
		}

		String mask(Item item) {
			if (job.mask() == null) return "";
			if (masks != null) return ModelLoader.sha256(masks.find(item.input()));
			if (sharedMaskSha256 == null) sharedMaskSha256 = ModelLoader.sha256(job
				.mask());
			return sharedMaskSha256;
		}

		/**
		 * Whether {@code row} was made from the files {@code item} has now; false
		 * when one cannot be read (the run then says why).
		 */
		boolean match(Item item, Map<String, String> row) {
			try {
				return input(item).equals(row.get("input_sha256")) && mask(item).equals(
					row.get("mask_sha256"));
			}
			catch (GanException e) {
				return false;
			}
		}
	}

	/**
	 * Reads, runs and writes one image; a failure becomes a {@code failed} row.
	 */
	private static Map<String, String> process(Item item, FolderJob job,
		Recipe recipe, InferenceOptions options, ImageCodec codec,
		RasterImage sharedMask, MaskFinder masks, ProgressListener progress,
		CancellationToken cancel, StageTimings timings,
		Map<String, List<String>> lost)
	{
		long start = System.nanoTime();
		ModelDescriptor model = recipe.model();
		Map<String, String> row = plannedRow(item, model, recipe.settings(), recipe
			.batch());
		if (item.unusable() != null) {
			row.put("status", Manifest.FAILED);
			row.put("message", item.unusable());
			String kept = recipe.ours().get(item.output());
			if (kept != null) row.put("bytes", kept);
			row.put("seconds", seconds(start));
			return row;
		}
		Path out = BatchFolders.resolve(job.outputDir(), item.output());
		try {
			row.put("input_sha256", recipe.sources().input(item));
			row.put("mask_sha256", recipe.sources().mask(item));
			long readStart = System.nanoTime();
			RasterImage image = codec.read(BatchFolders.resolve(job.inputDir(), item
				.input()), "input");
			RunResult result;
			// the mask used, named relative to the mask folder as the source is to
			// the input folder (a single mask for all by its file name)
			String maskName = null;
			if (model.task() == TaskKind.INPAINT) {
				Path maskFile = sharedMask != null ? job.mask() : masks.find(item
					.input());
				maskName = sharedMask != null ? maskFile.getFileName().toString()
					: relativeName(job.mask(), maskFile);
				RasterImage mask = sharedMask != null ? sharedMask : codec.read(
					maskFile, "mask");
				timings.add(StageTimings.Stage.INPUT_READ, System.nanoTime() -
					readStart);
				result = Inpainter.run(model, image, mask, options, progress, cancel);
			}
			else {
				timings.add(StageTimings.Stage.INPUT_READ, System.nanoTime() -
					readStart);
				result = ImageToImage.run(model, image, options, progress, cancel);
			}
			timings.addAll(result.report().timings());
			image = null; // one image at a time: the input may go before the result
										// is written
			RasterImage r = result.image();
			r.properties().putAll(job.properties());
			r.properties().put("fiji-gan.source", item.input());
			if (maskName != null) r.properties().put(Inpainter.MASK_PROPERTY,
				maskName);
			String ext = ImageCodec.extensionOf(item.output());
			String problem = codec.cannotWrite(ext, r);
			if (problem != null) throw new GanException(problem);
			AtomicFile.createFolder(out.getParent());
			long writeStart = System.nanoTime();
			AtomicFile.write(out, recipe.mayReplace(item.output()), tmp -> codec
				.write(r, ext, tmp));
			timings.add(StageTimings.Stage.OUTPUT_WRITE, System.nanoTime() -
				writeStart);
			// one kind of loss: the words before the sizes
			for (String note : codec.writeNotes(ext, r))
				lost.computeIfAbsent(ext + " " + note.replaceAll("\\(.*", ""),
					k -> new ArrayList<>()).add(note);
			row.put("bytes", Long.toString(Files.size(out)));
			row.put("provider", result.report().provider());
			row.put("status", Manifest.DONE);
			// a done row's message is the residual check's note, where it has one:
			// a folder run's only word on each image
			row.put("message", Objects.requireNonNullElse(result.report()
				.residualNote(), ""));
			row.put("nonfinite", r.properties().getOrDefault(
				ImageToImage.NONFINITE_PROPERTY, "0"));
		}
		catch (CancelledException e) {
			throw e;
		}
		catch (RuntimeException | IOException | OutOfMemoryError e) {
			// stopping (Ctrl-C, SIGTERM) is not this image's failure
			cancel.throwIfCancelled();
			CancellationToken.throwIfShuttingDown();
			row.put("status", Manifest.FAILED);
			row.put("message", message(e));
			// a file that appeared under its name is someone else's: every rerun
			// refuses it
			String kept = e instanceof AtomicFile.Taken ? Manifest.FOREIGN : recipe
				.ours().get(item.output());
			if (kept != null) row.put("bytes", kept);
		}
		row.put("seconds", seconds(start));
		return row;
	}

	/**
	 * Stops the run when an output failed because its disk is full: every later
	 * one would fail too, after its model run.
	 *
	 * @throws GanException saying so, when {@code row} failed for a full disk
	 */
	static void refuseToGoOnWhenFull(Map<String, String> row, Path outputDir,
		long finished, long total)
	{
		if (!Manifest.FAILED.equals(row.get("status")) || !DiskSpace.saysFull(row
			.get("message"))) return;
		throw new GanException("stopped: the disk of " + outputDir + " is full (" +
			row.get("message") + "); " + finished + " of " + total +
			" handled, the manifest says which. Make room and run the same " +
			"command again: it goes on where it stopped");
	}

	static String seconds(long startNanos) {
		return String.format(Locale.ROOT, "%.3f", (System.nanoTime() - startNanos) /
			1e9);
	}

	/**
	 * The reason for the manifest: ours are written for the user and kept whole
	 * (a file name in them may hold a line break, which the manifest's quoting
	 * keeps and whoever prints it escapes), others get their type named and their
	 * first line.
	 */
	static String message(Throwable e) {
		if (e instanceof GanException && e.getMessage() != null) return e
			.getMessage();
		if (e instanceof OutOfMemoryError)
			return "out of memory: give Java more (JAVA_OPTS=-Xmx16g) or " +
				"use smaller tiles";
		if (e instanceof IOException io) return AtomicFile.describe(io);
		String m = e.getMessage() == null ? "" : ": " + e.getMessage().lines()
			.findFirst().orElse("");
		return "unexpected " + e.getClass().getSimpleName() + m;
	}

	/**
	 * Refuses to replace, without {@code --overwrite}, an output that a manifest
	 * records as made by another model: resuming into a folder of someone else's
	 * results would mix two models.
	 */
	static void refuseAnotherModelsOutput(boolean overwrite,
		Map<String, String> row, Path out, ModelDescriptor model, Path outputDir)
	{
		if (overwrite || row == null || model.sha256().equals(row.get(
			"model_sha256")) || !Files.exists(out)) return;
		String other = row.getOrDefault("model_sha256", "");
		throw new GanException(out + " was made by another model (sha256 " + other
			.substring(0, Math.min(12, other.length())) + "..., as the manifest in " +
			outputDir + " records; this model " + "is " + model.sha256().substring(0,
				Math.min(12, model.sha256().length())) + "...): pass " +
			"--overwrite to replace those results, or choose another output folder");
	}

	/**
	 * Refuses to replace, without {@code --overwrite}, an output that a manifest
	 * records as made with other settings ({@link BatchSettings}): one folder
	 * would hold results made two ways. Rows of an earlier version, without
	 * settings, are not refused.
	 */
	static void refuseOtherSettings(boolean overwrite, Map<String, String> row,
		Path out, String settings, Path outputDir)
	{
		String theirs = row == null ? null : row.get("settings");
		if (overwrite || theirs == null || theirs.isEmpty() || theirs.equals(
			settings) || !Files.exists(out)) return;
		throw new GanException(out + " was made with other settings (" +
			"normalisation, bit depth, format or the model's overrides; the manifest in " +
			outputDir + " records settings " + theirs + ", this run's are " +
			settings + "): pass --overwrite to replace those results, or choose " +
			"another output folder");
	}

	/**
	 * Refuses (without {@code --overwrite}, which reads no earlier rows) to write
	 * {@code item}'s result when an earlier run made one of the same input under
	 * another name with other settings (another {@code --format}): the folder
	 * would hold both, and the manifest list the input twice.
	 */
	static void refuseResultUnderAnotherName(Map<String, String> row, Item item,
		String settings, Path outputDir)
	{
		if (row == null || item.output().equals(row.get("output"))) return;
		String theirs = row.get("settings");
		if (theirs == null || theirs.isEmpty() || theirs.equals(settings) || !Files
			.exists(BatchFolders.resolve(outputDir, row.get("output")))) return;
		throw new GanException(item.input() + " has a result in " + outputDir +
			" already, " + row.get("output") +
			", made with other settings (another " +
			"--format?); this run would write " + item.output() + " beside it: " +
			"pass --overwrite to write it anyway, or choose another output folder");
	}

	/**
	 * Whether {@code out} is the complete output that {@code row} records, made
	 * by this model.
	 */
	static boolean isComplete(Map<String, String> row, Path out,
		String modelSha256)
	{
		if (!modelSha256.equals(row.get("model_sha256"))) return false;
		try {
			return Files.isRegularFile(out) && Long.parseLong(row.get(
				"bytes")) == Files.size(out);
		}
		catch (NumberFormatException | IOException e) {
			return false;
		}
	}

	/**
	 * The output name of each input; two inputs may not write the same output.
	 */
	static List<Item> outputs(List<String> inputs, String format,
		ImageCodec codec)
	{
		Map<String, String> seen = new HashMap<>();
		List<Item> items = new ArrayList<>();
		for (String in : inputs) {
			String out = outputName(in, format, codec);
			String other = seen.putIfAbsent(out, in);
			if (other != null) throw new GanException("inputs " + other + " and " +
				in + " would both be written to " + out + "; rename one" +
				(format == null ? ""
					: ", or leave out the output format to keep each input's own"));
			items.add(new Item(in, out));
		}
		// a result's name may not be a folder another result goes into
		for (Item item : items) {
			String out = item.output();
			for (int slash = out.indexOf('/'); slash >= 0; slash = out.indexOf('/',
				slash + 1))
			{
				String other = seen.get(out.substring(0, slash));
				if (other != null) throw new GanException("inputs " + other + " and " +
					item.input() + " cannot both be written: " + other +
					" would be written to " + out.substring(0, slash) +
					", a file where " + out + " needs a folder; rename one" +
					(format == null ? ""
						: ", or leave out the output format to keep each input's own"));
			}
		}
		return items;
	}

	/**
	 * The output name of {@code in}: its own extension where the codec writes it
	 * and no {@code format} is given, else {@code format} or {@code .tif}.
	 */
	static String outputName(String in, String format, ImageCodec codec) {
		int slash = in.lastIndexOf('/');
		String name = in.substring(slash + 1), ext = ImageCodec.extensionOf(name);
		String outExt = format != null ? format : codec.canWrite(ext) ? ext
			: ".tif";
		return in.substring(0, slash + 1) + ImageCodec.stemOf(name) + outExt;
	}

	/** {@code file}'s path under {@code dir}, its names joined by '/'. */
	private static String relativeName(Path dir, Path file) {
		StringBuilder sb = new StringBuilder();
		for (Path name : dir.relativize(file)) {
			if (sb.length() > 0) sb.append('/');
			sb.append(name);
		}
		return sb.toString();
	}

	/**
	 * Finds the mask of each image in a mask folder: the same relative name, else
	 * the same name with another image extension (a {@code .png} image with a
	 * {@code .tif} mask).
	 */
	static final class MaskFinder {

		private final Path dir;
		private final ImageCodec codec;
		private final Map<Path, Map<String, List<String>>> stemsByFolder =
			new HashMap<>();

		MaskFinder(Path dir, ImageCodec codec) {
			this.dir = dir;
			this.codec = codec;
		}

		Path find(String relative) {
			Path same = BatchFolders.resolve(dir, relative);
			if (Files.isRegularFile(same)) return same;
			Path folder = same.getParent();
			Map<String, List<String>> stems = stemsByFolder.computeIfAbsent(folder,
				this::stems);
			List<String> names = stems.getOrDefault(ImageCodec.stemOf(same
				.getFileName().toString()), List.of());
			if (names.size() == 1) return folder.resolve(names.get(0));
			if (names.isEmpty()) throw new GanException("no mask for " + relative +
				" in " + dir);
			throw new GanException("several masks for " + relative + " in " + dir +
				": " + names);
		}

		private Map<String, List<String>> stems(Path folder) {
			Map<String, List<String>> stems = new HashMap<>();
			if (!Files.isDirectory(folder)) return stems;
			try (Stream<Path> s = Files.list(folder)) {
				s.filter(p -> Files.isRegularFile(p) && codec.isImage(p)).map(p -> p
					.getFileName().toString()).sorted().forEach(n -> stems
						.computeIfAbsent(ImageCodec.stemOf(n), k -> new ArrayList<>()).add(
							n));
			}
			catch (IOException e) {
				throw new GanException("cannot list " + folder + ": " + AtomicFile
					.describe(e), e);
			}
			return stems;
		}
	}
}
