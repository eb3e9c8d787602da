
package org.fijigan.core.batch;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.CancellationToken.CancelledException;
import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.DiskSpace;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.core.text.Numbers;

/**
 * Draws a training set from a generator: one file per sample,
 * {@code synthetic-NNNNNN.EXT} (the sample's global index), in a class
 * sub-folder for a conditional model, each tagged SYNTHETIC with its seed and
 * class, and listed in a manifest.
 * <p>
 * Samples are drawn in blocks of {@value #BLOCK} consecutive indices, and shard
 * {@code I/N} takes a contiguous range of blocks: shards draw disjoint seed
 * ranges, every block is the same model run whether sharded or not, and the
 * union of the shards' files is byte for byte one unsharded run. Resumable as
 * {@link FolderBatch} is: a rerun skips the files a manifest records as
 * complete (same seed, class and model, recorded size) and redraws the blocks
 * of the others. A sample the folder holds already under another name (in
 * another format, or its latent drawn for another class or as another sample
 * number) is not drawn again without {@code --overwrite}.
 * <p>
 * A stream: memory does not grow with the count, the first block is written at
 * once, and the disk is checked for room before anything is drawn.
 */
public final class GenerationBatch {

	/** Samples per model run; the generator's own largest batch. */
	static final int BLOCK = 16;

	private GenerationBatch() {}

	/**
	 * @throws CancelledException when cancelled; the manifest holds what was
	 *           finished
	 * @throws GanException when the run cannot start; a failing block is
	 *           recorded, not thrown
	 */
	public static BatchSummary run(GenerationJob job, ModelDescriptor model,
		ImageCodec codec, ProgressListener progress, CancellationToken cancel)
	{
		long start = System.nanoTime();
		ProgressListener listener = ProgressListener.safe(progress);
		if (model.task() != TaskKind.GENERATE || !(model
			.kind() instanceof ModelKind.Generator)) throw new GanException(model
				.name() + " is not a generator (it is " + model.task().id() + ")");
		if (!codec.canWrite(job.format())) throw new GanException("cannot write " +
			job.format() + " files: use tif, png, jpg, npy or nii.gz");
		// each sample would be drawn, then fail to be written
		if (job.floatOutput() && codec.cannotWrite(job.format(), RasterImage
			.allocate(1, 1, 1, 1, 1, PixelType.FLOAT32)) != null)
			throw new GanException("32-bit images (--float, or --normalize none) " +
				"cannot be written as " + job.format() +
				" files: give --format tif, npy or nii.gz");
		if (job.plan().isConditional() != model.generator().isConditional())
			throw new GanException(model.name() + (model.generator().isConditional()
				? " takes a class for each image" : " takes no class"));
		// a class goes into the folder of it there is already, however spelt
		SamplePlan plan = job.plan().inFoldersOf(job.outputDir(), model
			.generator());
		if (plan != job.plan()) job = job.withPlan(plan);
		long n = plan.count();
		long[] blocks = job.shard().blockRange((n + BLOCK - 1) / BLOCK);
		// a shard past the last block (more shards than blocks) draws none
		long from = Math.min(n, blocks[0] * BLOCK), to = Math.min(n, blocks[1] *
			BLOCK);
		if (to - from > Integer.MAX_VALUE) throw new GanException(
			"one run draws at most " + Integer.MAX_VALUE + " images, this one " +
				(to - from) + ": split it with --shard I/N");
		refuseChannelsTheFormatCannotHold(job, model, codec, plan, from, to,
			cancel);
		refuseBeyondDisk(job, model, to - from);
		String settings = BatchSettings.generation(model, job.floatOutput(), job
			.nonFinite(), job.format(), job.latents());
		String batch = BatchSettings.batch(settings, "count " + n + ", seed " + job
			.seed() + ", " + plan.describe());
		BatchFolders.refuseLinksInside(job.outputDir(), plan.folders());
		Manifest.refuseAnotherKind(job.outputDir(), job.shard().manifestName(),
			Manifest.GENERATE_COLUMNS, job.overwrite());
		// created here, and removed again when the claim is refused
		try (OutputFolderLock claim = OutputFolderLock.acquireCreating(job
			.outputDir(), FolderBatch.owner(job.properties(), model, job.shard(),
				batch)))
		{
			return runClaimed(job, model, codec, listener, cancel, from, to, start,
				settings, batch, claim.endedBatches());
		}
	}

	/**
	 * The run, once the output folder is this run's. Memory does not grow with
	 * the number of samples: blocks are drawn, written and recorded one at a
	 * time, and only what earlier manifests record is held.
	 */
	private static BatchSummary runClaimed(GenerationJob job,
		ModelDescriptor model, ImageCodec codec, ProgressListener listener,
		CancellationToken cancel, long from, long to, long start, String settings,
		String batch, Set<String> killed)
	{
		SamplePlan plan = job.plan();
		long n = plan.count();
		int digits = Math.max(6, Long.toString(n - 1).length());
		Path manifestFile = job.outputDir().resolve(job.shard().manifestName());
		// a killed run of this batch may have left a sample it had not recorded
		Manifest.Earlier recorded = Manifest.earlier(job.outputDir(),
			Manifest.GENERATE_COLUMNS).withBatches(killed);
		Manifest.Earlier earlier = job.overwrite() ? Manifest.Earlier.NONE
			: recorded;
		if (!job.overwrite()) refuseAnotherModelsImages(recorded, job, model);
		Predicate<String> mine = rel -> indexOf(rel, plan, digits, job.format(),
			from, to) >= 0;
		String manifestName = manifestFile.getFileName().toString();
		BatchFolders.removeStaleTemporaries(job.outputDir(), rel -> rel.equals(
			manifestName) || mine.test(rel));
		// the files there now that are fiji-gan's, with their sizes: this run may
		// replace them, and one whose sample fails stays in place, its size in
		// its failed row; any other file (also one that appears meanwhile) is
		// replaced only with --overwrite
		Map<String, String> ours = new HashMap<>();
		String existing = BatchFolders.firstFile(job.outputDir(), rel -> {
			if (!mine.test(rel)) return false;
			Path file = BatchFolders.resolve(job.outputDir(), rel);
			if (!recorded.claims(rel, batch, file)) return !job.overwrite();
			ours.put(rel, Manifest.sizeOf(file));
			return false;
		});
		if (existing != null) throw FolderBatch.notClaimed(BatchFolders.resolve(job
			.outputDir(), existing), recorded.refuses(existing), job.outputDir(),
			"files");

		List<Map<String, String>> skipped = new ArrayList<>();
		Set<Long> complete = new HashSet<>();
		for (Map<String, String> row : earlier.complete().values()) {
			long i = indexOf(row.get("file"), plan, digits, job.format(), from, to);
			if (i < 0) continue;
			Path out = BatchFolders.resolve(job.outputDir(), row.get("file"));
			if (sameSample(row, row(job, model, plan, i, digits, settings, batch)) &&
				settings.equals(row.get("settings")) && FolderBatch.isComplete(row, out,
					model.sha256()))
			{
				Map<String, String> s = new LinkedHashMap<>(row);
				s.put("status", Manifest.SKIPPED);
				s.put("message", "complete from an earlier run");
				s.put("batch", batch);
				skipped.add(s);
				complete.add(i);
			}
			else {
				refuseAnotherSample(job.overwrite(), row, row(job, model, plan, i,
					digits, settings, batch), out);
				FolderBatch.refuseAnotherModelsOutput(job.overwrite(), row, out, model,
					job.outputDir());
				FolderBatch.refuseOtherSettings(job.overwrite(), row, out, settings, job
					.outputDir());
			}
		}
		// a sample this run draws that the folder holds already under another name
		// (another --format or class, other settings): refused; with --overwrite,
		// its earlier row is no longer listed, one row per sample
		Map<String, Long> twice = heldElsewhere(recorded, job, model, plan, digits,
			settings, from, to, complete);
		if (!job.overwrite() && !twice.isEmpty()) {
			var e = twice.entrySet().iterator().next();
			throw heldAlready(job, model, plan, digits, settings, batch, recorded
				.complete().get(e.getKey()), e.getValue());
		}
		skipped.sort(Comparator.comparingLong(r -> indexOf(r.get("file"), plan,
			digits, job.format(), from, to)));
		List<Map<String, String>> first = new ArrayList<>();
		if (job.shard().isAll()) first.addAll(Manifest.untouched(recorded, job
			.outputDir(), rel -> rel.equals(manifestName) || mine.test(rel) || twice
				.containsKey(rel)));
		// a shard keeps the rows its part held of samples the whole run leaves
		// alone (an earlier run of a larger --count)
		else first.addAll(Manifest.keptInPart(manifestFile, job.outputDir(),
			Manifest.GENERATE_COLUMNS, row -> indexOf(row.get("file"), plan, digits,
				job.format(), 0, n) >= 0 || twice.containsKey(row.get("file")), batch));
		first.addAll(skipped);
		if (!job.shard().isAll()) for (long i = from; i < to; i++) // a part's plan
			if (!complete.contains(i)) first.add(Manifest.planned(row(job, model,
				plan, i, digits, settings, batch)));

		int total = (int) (to - from), finished = skipped.size();
		BatchTally tally = new BatchTally();
		boolean stopped = false;
		String provider;
		List<String> notes = new ArrayList<>();
		try (SessionCache.Lease lease = SessionCache.shared().acquire(model
			.onnxFile(), model.sha256Files(), model.sha256(), job.device(), job
				.threads());
				Manifest.Writer manifest = Manifest.Writer.create(manifestFile,
					Manifest.GENERATE_COLUMNS, first))
		{
			provider = lease.session().provider();
			notes.addAll(lease.session().notes());
			if (!carriesSyntheticTag(job.format())) notes.add(job.format().substring(
				1) + " files carry no SYNTHETIC tag (fiji-gan writes none " +
				"into them): only " + manifestFile.getFileName() +
				" says they are generated; keep it with them, or use tif, png or nii.gz");
			listener.onProgress(new ProgressEvent(Stage.IMAGE, finished, total,
				"fiji-gan: generated " + finished + "/" + total));
			for (long a = from; a < to && !stopped; a += BLOCK) {
				long b = Math.min(to, a + BLOCK);
				if (allComplete(complete, a, b)) continue;
				cancel.throwIfCancelled();
				long blockStart = System.nanoTime();
				RunResult stack = null;
				String error = null;
				// one sample's NaN values fail the block's run: the block's samples
				// are then drawn one by one, each failing or written on its own
				boolean alone = false;
				try {
					stack = Generator.run(model, options(job, plan, a, b), a,
						ProgressListener.NONE, cancel);
				}
				catch (CancelledException e) {
					throw e;
				}
				catch (Generator.NonFiniteSample e) {
					error = FolderBatch.message(e);
					alone = b - a > 1;
				}
				catch (RuntimeException | OutOfMemoryError e) {
					CancellationToken.throwIfShuttingDown(); // not this block's failure
					error = FolderBatch.message(e);
				}
				for (long i = a; i < b; i++) {
					if (complete.contains(i)) continue;
					Map<String, String> row = row(job, model, plan, i, digits, settings,
						batch);
					RunResult drawn = stack;
					long drawnFrom = a;
					String why = error;
					if (alone) {
						drawnFrom = i;
						try {
							drawn = Generator.run(model, options(job, plan, i, i + 1), i,
								ProgressListener.NONE, cancel);
							why = null;
						}
						catch (CancelledException e) {
							throw e;
						}
						catch (RuntimeException | OutOfMemoryError e) {
							CancellationToken.throwIfShuttingDown();
							why = FolderBatch.message(e);
						}
					}
					if (why != null) fail(row, why, ours);
					else {
						RasterImage image = sample(drawn, (int) (i - drawnFrom), i, job);
						if (plan.isConditional()) image.properties().put("fiji-gan.class",
							row.get("class"));
						write(job, codec, image, row, job.overwrite(), ours, cancel);
					}
					row.put("seconds", String.format(Locale.ROOT, "%.3f", (System
						.nanoTime() - blockStart) / 1e9 / (b - a)));
					manifest.append(row);
					finished++;
					FolderBatch.refuseToGoOnWhenFull(row, job.outputDir(), finished,
						total);
					if (tally.count(row, row.get("file")) && job.failFast()) {
						stopped = true;
						break;
					}
				}
				int failed = tally.failed();
				listener.onProgress(new ProgressEvent(Stage.IMAGE, finished, total,
					"fiji-gan: generated " + finished + "/" + total + (failed == 0 ? ""
						: ", " + failed + " failed")));
			}
		}
		if (from == to) notes.add(
			"this shard draws no samples: shards take blocks " + "of " + BLOCK +
				", and the " + n + " samples fill the earlier shards");
		else notes.add("drew samples " + from + ".." + (to - 1) + " of " + n +
			" (" + plan.describe(from, to) + ")" + (job.latents() != null ? ""
				: ", seeds " + (job.seed() + from) + ".." + (job.seed() + to - 1)));
		return tally.summary(total, skipped.size(), manifestFile, provider, notes,
			(System.nanoTime() - start) / 1e9, stopped, null);
	}

	/**
	 * Refuses, before anything is written, samples of more channels than the
	 * format holds (png and jpg hold one, or three as RGB): each would be drawn,
	 * then fail to be written. The channels are those the model's graph gives,
	 * or, where it leaves them open, those of this run's first sample, drawn here
	 * ({@code from} to {@code to}: the samples this run draws).
	 */
	private static void refuseChannelsTheFormatCannotHold(GenerationJob job,
		ModelDescriptor model, ImageCodec codec, SamplePlan plan, long from,
		long to, CancellationToken cancel)
	{
		if (from >= to || codec.cannotWrite(job.format(), RasterImage.allocate(1, 1,
			2, 1, 1, PixelType.UINT8)) == null) return; // it holds any channels
		int channels = model.outputChannels();
		if (channels <= 0) {
			try {
				channels = Generator.run(model, options(job, plan, from, from + 1),
					from, ProgressListener.NONE, cancel).image().logicalChannels();
			}
			catch (CancelledException e) {
				throw e;
			}
			catch (RuntimeException e) {
				return; // the run itself records why the sample fails
			}
		}
		if (channels == 1 || channels == 3) return;
		throw new GanException(model.name() + " draws images of " + channels +
			" channels, which cannot be written as " + job.format() +
			" files: give --format tif, npy or nii.gz");
	}

	/**
	 * Refuses to draw into a folder that holds images another generator (another
	 * SHA-256) made, as its manifests record them and they are there: the set
	 * would mix two models' samples under one manifest, which no later run or
	 * {@code evaluate} tells apart.
	 */
	private static void refuseAnotherModelsImages(Manifest.Earlier recorded,
		GenerationJob job, ModelDescriptor model)
	{
		for (Map<String, String> row : recorded.complete().values()) {
			String other = row.getOrDefault("model_sha256", "");
			if (other.isEmpty() || other.equals(model.sha256()) || !Manifest.exists(
				job.outputDir(), row.get("file"))) continue;
			throw new GanException(job.outputDir() + " holds images another model " +
				"made (" + row.get("file") + ", model sha256 " + other.substring(0, Math
					.min(12, other.length())) + "..., as its manifest records; this " +
				"model, " + model.name() + ", is " + model.sha256().substring(0, Math
					.min(12, model.sha256().length())) + "...): one folder does not " +
				"mix two models' samples; choose another output folder, or pass " +
				"--overwrite to write into it anyway");
		}
	}

	/**
	 * The global index of the sample whose file is {@code relative} ({@code /}
	 * separators), when it is one of samples {@code [from, to)} of this plan; -1
	 * otherwise.
	 */
	static long indexOf(String relative, SamplePlan plan, int digits,
		String format, long from, long to)
	{
		if (relative == null) return -1;
		String name = relative.substring(relative.lastIndexOf('/') + 1);
		if (!name.startsWith("synthetic-") || !name.endsWith(format)) return -1;
		String number = name.substring("synthetic-".length(), name.length() - format
			.length());
		if (number.length() != digits) return -1;
		long i;
		try {
			i = Long.parseLong(number);
		}
		catch (NumberFormatException e) {
			return -1;
		}
		if (i < from || i >= to) return -1;
		return fileName(plan, i, digits, format).equals(relative) ? i : -1;
	}

	/**
	 * The sample number in the name of a generated file ({@code /} separators),
	 * whatever its folder, format and number of digits; -1 when it is no
	 * generated file's name.
	 */
	static long sampleNumber(String relative) {
		if (relative == null) return -1;
		String name = relative.substring(relative.lastIndexOf('/') + 1);
		if (!name.startsWith("synthetic-")) return -1;
		int start = "synthetic-".length(), end = name.indexOf('.', start);
		if (end - start < 6 || end - start > 19) return -1;
		for (int k = start; k < end; k++)
			if (name.charAt(k) < '0' || name.charAt(k) > '9') return -1;
		try {
			return Long.parseLong(name.substring(start, end));
		}
		catch (NumberFormatException e) {
			return -1;
		}
	}

	/**
	 * The complete results of earlier runs, there in the folder, that hold a
	 * sample this run draws (one of {@code [from, to)} not {@code complete})
	 * under another name than this run gives it: the same sample number made with
	 * other settings (another {@code --format}) from the same seed or latent, or
	 * the same latent vector (the same seed drawn for another class, or as
	 * another sample number). A sample of the same number from another seed is
	 * another sample. Writing it would put the sample in the folder twice. By
	 * earlier file, in the manifests' order, with the number of this run's
	 * sample.
	 */
	private static Map<String, Long> heldElsewhere(Manifest.Earlier recorded,
		GenerationJob job, ModelDescriptor model, SamplePlan plan, int digits,
		String settings, long from, long to, Set<Long> complete)
	{
		Map<String, Long> held = new LinkedHashMap<>();
		String drawn = "normal-" + model.generator().latentDim() + "-mixed";
		for (Map<String, String> row : recorded.complete().values()) {
			String file = row.get("file");
			List<Long> samples = new ArrayList<>(2);
			// the same number, made with other settings, from the latent this run
			// gives that number (another seed's sample of that number, in another
			// class's folder or not, is another sample)
			long number = sampleNumber(file);
			String theirs = row.get("settings");
			String latent = row.getOrDefault("latent", ""), seed = row.getOrDefault(
				"seed", "");
			if (number >= 0 && theirs != null && !theirs.isEmpty() && !theirs.equals(
				settings) && (job.latents() == null ? seed.equals(Long.toString(job
					.seed() + number)) : latent.equals(job.latentSource() + "#" +
						number))) samples.add(number);
			// the same latent vector
			if (job.latents() == null && !seed.isEmpty() && latent.equals(drawn)) {
				try {
					samples.add(Math.subtractExact(Long.parseLong(seed), job.seed()));
				}
				catch (NumberFormatException | ArithmeticException e) {
					// a damaged row, or a seed no sample of this run's draws
				}
			}
			else if (job.latents() != null && settings.equals(theirs) && latent
				.startsWith(job.latentSource() + "#"))
			{
				try {
					samples.add(Long.parseLong(latent.substring(job.latentSource()
						.length() + 1)));
				}
				catch (NumberFormatException e) {
					// not one of this file's rows
				}
			}
			for (long i : samples)
				if (i >= from && i < to && !complete.contains(i) && !fileName(plan, i,
					digits, job.format()).equals(file) && Manifest.exists(job.outputDir(),
						file))
				{
					held.putIfAbsent(file, i);
					break;
				}
		}
		return held;
	}

	/**
	 * The refusal of a run that would write sample {@code i} again beside the
	 * earlier run's {@code row}, naming what differs.
	 */
	private static GanException heldAlready(GenerationJob job,
		ModelDescriptor model, SamplePlan plan, int digits, String settings,
		String batch, Map<String, String> row, long i)
	{
		Map<String, String> planned = row(job, model, plan, i, digits, settings,
			batch);
		String file = row.get("file"), ext = extension(file);
		long number = sampleNumber(file);
		List<String> differs = new ArrayList<>();
		if (!ext.equalsIgnoreCase(job.format())) differs.add("another --format (" +
			ext.substring(1) + "; this run writes " + job.format().substring(1) +
			")");
		if (!planned.get("class").equals(row.get("class"))) differs.add(
			"another class (" + row.get("class") + "; this run draws " + planned.get(
				"class") + ")");
		if (!planned.get("seed").equals(row.get("seed"))) differs.add(
			"another seed (" + row.get("seed") + "; this run draws " + planned.get(
				"seed") + ")");
		else if (!planned.get("latent").equals(row.get("latent"))) differs.add(
			"another latent (" + row.get("latent") + "; this run draws " + planned
				.get("latent") + ")");
		if (number != i) differs.add("another sample number (" + number +
			"; this run draws it as sample " + i + ")");
		String asFormat = BatchSettings.generation(model, job.floatOutput(), job
			.nonFinite(), ext, job.latents());
		if (!asFormat.equals(row.get("settings"))) differs.add(
			"other settings (bit depth, --nonfinite, --latent or how the model's " +
				"output is read)");
		if (differs.isEmpty()) differs.add("another number of digits in its " +
			"name (another --count)");
		String what = number == i ? "sample " + i : planned.get("seed").isEmpty()
			? "latent " + planned.get("latent") : "seed " + planned.get("seed") +
				"'s latent";
		return new GanException(job.outputDir() + " already holds " + what +
			" as " + file + ", made with " + String.join(" and ", differs) +
			"; this run would write it again as " + planned.get("file") +
			": pass --overwrite to write it anyway, or choose another output folder");
	}

	/** The extension of a generated file's name, from its first dot. */
	private static String extension(String relative) {
		String name = relative.substring(relative.lastIndexOf('/') + 1);
		int dot = name.indexOf('.');
		return dot < 0 ? "" : name.substring(dot);
	}

	/**
	 * Refuses, before anything is drawn, a run whose files cannot fit on the
	 * disk: each file takes at least one block of the file system, and an
	 * uncompressed one (TIFF, {@code .npy}) its pixels, counted from the model's
	 * declared output size where it declares one.
	 */
	static void refuseBeyondDisk(GenerationJob job, ModelDescriptor model,
		long count)
	{
		FileStore store = DiskSpace.storeOf(job.outputDir());
		if (store == null) return; // unknown: the writes will tell
		long free, block;
		try {
			free = store.getUsableSpace();
			block = blockSize(store);
		}
		catch (IOException e) {
			return; // unknown: the writes will tell
		}
		long pixels = Math.max(1, Generator.declaredOutputPixels(model));
		long perFile = switch (job.format()) {
			case ".tif", ".tiff" -> pixels * (job.floatOutput() ? 4 : 1) + 512;
			case ".npy" -> pixels * 4 + 128;
			default -> 0; // compressed: no lower bound but the block
		};
		long per = Math.max(1, Math.max(perFile, block));
		long need = DiskSpace.times(per, count);
		if (need > free) throw new GanException("drawing " + count +
			" images into " + job.outputDir() + " needs at least " + Numbers.bytes(
				need) + " (" + Numbers.bytes(per) + " per file), " +
			"but the disk has " + Numbers.bytes(free) +
			" free: draw fewer (--count), or write to " + "a disk with more room");
	}

	private static long blockSize(FileStore store) {
		try {
			return store.getBlockSize();
		}
		catch (IOException | UnsupportedOperationException e) {
			return 4096;
		}
	}

	private static boolean allComplete(Set<Long> complete, long from, long to) {
		if (complete.size() < to - from) return false;
		for (long i = from; i < to; i++)
			if (!complete.contains(i)) return false;
		return true;
	}

	private static GenerateOptions options(GenerationJob job, SamplePlan plan,
		long a, long b)
	{
		int count = (int) (b - a);
		long[] labels = null;
		if (plan.isConditional()) {
			labels = new long[count];
			for (int j = 0; j < count; j++)
				labels[j] = plan.label(a + j);
		}
		float[][] latents = job.latents() == null ? null : Arrays.copyOfRange(job
			.latents(), (int) a, (int) b);
		return new GenerateOptions(count, job.seed() + a, null, labels, latents, job
			.floatOutput(), job.device(), job.threads(), job.nonFinite());
	}

	/** The relative file of sample {@code i}. */
	/**
	 * Whether files of {@code extension} ({@code .tif}, {@code .nii.gz}, any
	 * case) carry the SYNTHETIC tag in their own metadata: TIFF, PNG and NIfTI
	 * do, JPEG and {@code .npy} do not.
	 */
	public static boolean carriesSyntheticTag(String extension) {
		return java.util.Set.of(".tif", ".tiff", ".png", ".nii", ".nii.gz")
			.contains(extension.toLowerCase(java.util.Locale.ROOT));
	}

	static String fileName(SamplePlan plan, long i, int digits, String format) {
		String name = String.format(Locale.ROOT, "synthetic-%0" + digits + "d", i) +
			format;
		String folder = plan.folder(i);
		return folder == null ? name : folder + "/" + name;
	}

	/** The manifest row of sample {@code i}, before it is written. */
	private static Map<String, String> row(GenerationJob job,
		ModelDescriptor model, SamplePlan plan, long i, int digits, String settings,
		String batch)
	{
		Map<String, String> row = new LinkedHashMap<>();
		row.put("file", fileName(plan, i, digits, job.format()));
		row.put("class", plan.isConditional() ? model.generator().className(plan
			.label(i)) : "");
		row.put("seed", job.latents() == null ? Long.toString(job.seed() + i) : "");
		// "-mixed": drawn as Generator.latent draws; rows without it were drawn
		// from java.util.Random(seed) itself, and are drawn again
		row.put("latent", job.latents() == null ? "normal-" + model.generator()
			.latentDim() + "-mixed" : job.latentSource() + "#" + i);
		row.put("bytes", "");
		row.put("model_sha256", model.sha256());
		row.put("provider", "");
		row.put("seconds", "");
		row.put("status", "");
		row.put("message", "");
		row.put("nonfinite", "");
		row.put("settings", settings);
		row.put("batch", batch);
		return row;
	}

	private static boolean sameSample(Map<String, String> earlier,
		Map<String, String> planned)
	{
		for (String column : List.of("class", "seed", "latent"))
			if (!planned.get(column).equals(earlier.get(column))) return false;
		return true;
	}

	/**
	 * Refuses to replace, without {@code overwrite}, an earlier run's image that
	 * is another sample (another seed or class) than this run draws under its
	 * name. One drawn by an older way of drawing latents (the seed and class the
	 * same) is drawn again.
	 */
	private static void refuseAnotherSample(boolean overwrite,
		Map<String, String> earlier, Map<String, String> planned, Path out)
	{
		if (overwrite || !Files.exists(out, LinkOption.NOFOLLOW_LINKS)) return;
		for (String column : List.of("seed", "class"))
			if (!planned.get(column).equals(earlier.get(column)))
				throw new GanException(out + " is another sample of an earlier run (" +
					column + " " + earlier.get(column) + "; this run draws " + column +
					" " + planned.get(column) + " under that name): pass --overwrite " +
					"to replace the earlier run's images, or choose another output folder");
	}

	/**
	 * Records {@code row}'s sample as failed; an earlier result of fiji-gan's
	 * left in place under its name keeps its size in the row, so that a rerun
	 * still knows it as fiji-gan's.
	 */
	private static void fail(Map<String, String> row, String message,
		Map<String, String> ours)
	{
		row.put("status", Manifest.FAILED);
		row.put("message", message);
		String kept = ours.get(row.get("file"));
		if (kept != null) row.put("bytes", kept);
	}

	/**
	 * Slice {@code j} of a generated stack as an image of its own, tagged as
	 * sample {@code i}.
	 */
	static RasterImage sample(RunResult stack, int j, long i, GenerationJob job) {
		RasterImage s = stack.image();
		Object[] planes = new Object[s.channels()];
		for (int c = 0; c < planes.length; c++)
			planes[c] = s.plane(c, j, 0);
		RasterImage one = new RasterImage(s.width(), s.height(), s.channels(), 1, 1,
			s.type(), planes);
		one.setCalibration(s.calibration());
		Map<String, String> p = one.properties();
		s.properties().forEach((k, v) -> {
			if (!k.startsWith("fiji-gan.slice.") && !k.equals("fiji-gan.count") && !k
				.equals("fiji-gan.seed")) p.put(k, v);
		});
		p.put(ImageToImage.NONFINITE_PROPERTY, s.properties().getOrDefault(
			"fiji-gan.slice." + (j + 1) + ".nonfinite", "0"));
		p.put("fiji-gan.sample", Long.toString(i));
		p.put("fiji-gan.seed", job.latents() == null ? Long.toString(job.seed() + i)
			: job.latentSource() + "#" + i);
		String label = s.properties().get("fiji-gan.slice." + (j + 1) + ".label");
		if (label != null) p.put("fiji-gan.slice.1.label", label);
		p.putAll(job.properties());
		one.setTitle(s.title() + "-" + i);
		return one;
	}

	/**
	 * @param overwrite whether the file may replace any that is there
	 * @param ours the files of fiji-gan's that were there at the start: the only
	 *          ones it may replace without {@code overwrite}
	 */
	private static void write(GenerationJob job, ImageCodec codec,
		RasterImage image, Map<String, String> row, boolean overwrite,
		Map<String, String> ours, CancellationToken cancel)
	{
		Path out = BatchFolders.resolve(job.outputDir(), row.get("file"));
		boolean replace = overwrite || ours.containsKey(row.get("file"));
		try {
			String problem = codec.cannotWrite(job.format(), image);
			if (problem != null) throw new GanException(problem);
			AtomicFile.createFolder(out.getParent());
			AtomicFile.write(out, replace, tmp -> codec.write(image, job.format(),
				tmp));
			row.put("bytes", Long.toString(Files.size(out)));
			row.put("provider", image.properties().getOrDefault("fiji-gan.provider",
				""));
			row.put("status", Manifest.DONE);
			row.put("nonfinite", image.properties().getOrDefault(
				ImageToImage.NONFINITE_PROPERTY, "0"));
		}
		catch (CancelledException e) {
			throw e; // not a failure of this sample: the run stops
		}
		catch (RuntimeException | IOException e) {
			// on Ctrl-C or SIGTERM, the exit removes the temporary file being
			// written: that is the
			// run stopping, not a failure of this sample to record
			cancel.throwIfCancelled();
			fail(row, FolderBatch.message(e), ours);
			// a file that appeared under its name is someone else's: every rerun
			// refuses it
			if (e instanceof AtomicFile.Taken) row.put("bytes", Manifest.FOREIGN);
		}
	}
}
