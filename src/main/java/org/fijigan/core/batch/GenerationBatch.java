package org.fijigan.core.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.CancellationToken.CancelledException;
import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.RunResult;

/**
 * Draws a training set from a generator: one file per sample, {@code synthetic-NNNNNN.EXT} (the
 * sample's global index), in a class sub-folder for a conditional model, each tagged SYNTHETIC
 * with its seed and class, and listed in a manifest.
 * <p>
 * Samples are drawn in blocks of {@value #BLOCK} consecutive indices, and shard {@code I/N} takes a
 * contiguous range of blocks: shards draw disjoint seed ranges, every block is the same model run
 * whether sharded or not, and the union of the shards' files is byte for byte one unsharded run.
 * Resumable as {@link FolderBatch} is: a rerun skips the files a manifest records as complete
 * (same seed, class and model, recorded size) and redraws the blocks of the others.
 */
public final class GenerationBatch {
	/** Samples per model run; the generator's own largest batch. */
	static final int BLOCK = 16;

	private GenerationBatch() {}

	/**
	 * @throws CancelledException when cancelled; the manifest holds what was finished
	 * @throws GanException when the run cannot start; a failing block is recorded, not thrown
	 */
	public static BatchSummary run(GenerationJob job, ModelDescriptor model, ImageCodec codec,
		ProgressListener progress, CancellationToken cancel)
	{
		long start = System.nanoTime();
		ProgressListener listener = ProgressListener.safe(progress);
		if (model.task() != TaskKind.GENERATE || model.generator() == null) throw new GanException(model
			.name() + " is not a generator (it is " + model.task().id() + ")");
		if (!codec.canWrite(job.format())) throw new GanException("cannot write " + job.format() +
			" files: use tif, png or nii.gz");
		if (job.plan().isConditional() != model.generator().isConditional()) throw new GanException(
			model.name() + (model.generator().isConditional() ? " takes a class for each image"
				: " takes no class"));
		SamplePlan plan = job.plan();
		long n = plan.count();
		long[] blocks = job.shard().blockRange((n + BLOCK - 1) / BLOCK);
		long from = blocks[0] * BLOCK, to = Math.min(n, blocks[1] * BLOCK);
		int digits = Math.max(6, Long.toString(n - 1).length());

		BatchFolders.createFolder(job.outputDir());
		Path manifestFile = job.outputDir().resolve(job.shard().manifestName());
		boolean hasManifests = !Manifest.manifestsIn(job.outputDir()).isEmpty();
		Map<String, Map<String, String>> earlier = job.overwrite() ? Map.of() : Manifest.completeRows(
			job.outputDir(), Manifest.GENERATE_COLUMNS);
		Set<String> targets = new HashSet<>();
		for (long i = from; i < to; i++)
			targets.add(fileName(plan, i, digits, job.format()));
		targets.add(manifestFile.getFileName().toString());
		BatchFolders.removeStaleTemporaries(job.outputDir(), targets);

		List<Map<String, String>> skipped = new ArrayList<>();
		List<Map<String, String>> toWrite = new ArrayList<>(); // a part's plan
		boolean[] complete = new boolean[(int) (to - from)];
		for (long i = from; i < to; i++) {
			Map<String, String> planned = row(job, model, plan, i, digits);
			String file = planned.get("file");
			Path out = BatchFolders.resolve(job.outputDir(), file);
			Map<String, String> row = earlier.get(file);
			if (row != null && sameSample(row, planned) && FolderBatch.isComplete(row, out, model
				.sha256()))
			{
				Map<String, String> s = new LinkedHashMap<>(row);
				s.put("status", Manifest.SKIPPED);
				s.put("message", "complete from an earlier run");
				skipped.add(s);
				complete[(int) (i - from)] = true;
			}
			else if (!job.overwrite() && !hasManifests && Files.exists(out)) throw new GanException(out +
				" already exists and no manifest in " + job.outputDir() +
				" records it; pass --overwrite to replace existing files");
			else if (!job.shard().isAll()) toWrite.add(Manifest.planned(planned));
		}
		List<Map<String, String>> first = new ArrayList<>(skipped);
		first.addAll(toWrite);

		int total = (int) (to - from), done = 0, failed = 0, finished = skipped.size();
		List<BatchSummary.Failure> failures = new ArrayList<>();
		boolean stopped = false;
		String provider;
		List<String> notes = new ArrayList<>();
		try (SessionCache.Lease lease = SessionCache.shared().acquire(model.onnxFile(), job.device(), job
			.threads());
			Manifest.Writer manifest = Manifest.Writer.create(manifestFile, Manifest.GENERATE_COLUMNS,
				first))
		{
			provider = lease.session().provider();
			notes.addAll(lease.session().notes());
			listener.onProgress(new ProgressEvent(Stage.IMAGE, finished, total, "fiji-gan: generated " +
				finished + "/" + total));
			for (long a = from; a < to && !stopped; a += BLOCK) {
				long b = Math.min(to, a + BLOCK);
				if (allComplete(complete, a - from, b - from)) continue;
				cancel.throwIfCancelled();
				long blockStart = System.nanoTime();
				RunResult stack = null;
				String error = null;
				try {
					stack = Generator.run(model, options(job, plan, a, b), ProgressListener.NONE, cancel);
				}
				catch (CancelledException e) {
					throw e;
				}
				catch (RuntimeException | OutOfMemoryError e) {
					error = FolderBatch.message(e);
				}
				for (long i = a; i < b; i++) {
					if (complete[(int) (i - from)]) continue;
					Map<String, String> row = row(job, model, plan, i, digits);
					if (error != null) fail(row, error);
					else {
						RasterImage image = sample(stack, (int) (i - a), i, job);
						if (plan.isConditional()) image.properties().put("fiji-gan.class", row.get("class"));
						write(job, codec, image, row);
					}
					row.put("seconds", String.format(Locale.ROOT, "%.3f", (System.nanoTime() - blockStart) /
						1e9 / (b - a)));
					manifest.append(row);
					finished++;
					if (Manifest.DONE.equals(row.get("status"))) done++;
					else {
						failed++;
						failures.add(new BatchSummary.Failure(row.get("file"), row.get("message")));
						if (job.failFast()) {
							stopped = true;
							break;
						}
					}
				}
				listener.onProgress(new ProgressEvent(Stage.IMAGE, finished, total, "fiji-gan: generated " +
					finished + "/" + total + (failed == 0 ? "" : ", " + failed + " failed")));
			}
		}
		notes.add("drew samples " + from + ".." + (to - 1) + " of " + n + " (" + plan.describe() + ")" +
			(job.latents() != null ? "" : ", seeds " + (job.seed() + from) + ".." + (job.seed() + to - 1)));
		return new BatchSummary(total, done, skipped.size(), failed, failures, manifestFile, provider,
			notes, (System.nanoTime() - start) / 1e9, stopped);
	}

	private static boolean allComplete(boolean[] complete, long from, long to) {
		for (long i = from; i < to; i++)
			if (!complete[(int) i]) return false;
		return true;
	}

	private static GenerateOptions options(GenerationJob job, SamplePlan plan, long a, long b) {
		int count = (int) (b - a);
		long[] labels = null;
		if (plan.isConditional()) {
			labels = new long[count];
			for (int j = 0; j < count; j++)
				labels[j] = plan.label(a + j);
		}
		float[][] latents = job.latents() == null ? null : Arrays.copyOfRange(job.latents(), (int) a,
			(int) b);
		return new GenerateOptions(count, job.seed() + a, null, labels, latents, job.floatOutput(), job
			.device(), job.threads());
	}

	/** The relative file of sample {@code i}. */
	static String fileName(SamplePlan plan, long i, int digits, String format) {
		String name = String.format(Locale.ROOT, "synthetic-%0" + digits + "d", i) + format;
		String folder = plan.folder(i);
		return folder == null ? name : folder + "/" + name;
	}

	/** The manifest row of sample {@code i}, before it is written. */
	private static Map<String, String> row(GenerationJob job, ModelDescriptor model, SamplePlan plan,
		long i, int digits)
	{
		Map<String, String> row = new LinkedHashMap<>();
		row.put("file", fileName(plan, i, digits, job.format()));
		row.put("class", plan.isConditional() ? model.generator().className(plan.label(i)) : "");
		row.put("seed", job.latents() == null ? Long.toString(job.seed() + i) : "");
		row.put("latent", job.latents() == null ? "normal-" + model.generator().latentDim() : job
			.latentSource() + "#" + i);
		row.put("bytes", "");
		row.put("model_sha256", model.sha256());
		row.put("provider", "");
		row.put("seconds", "");
		row.put("status", "");
		row.put("message", "");
		return row;
	}

	private static boolean sameSample(Map<String, String> earlier, Map<String, String> planned) {
		for (String column : List.of("class", "seed", "latent"))
			if (!planned.get(column).equals(earlier.get(column))) return false;
		return true;
	}

	private static void fail(Map<String, String> row, String message) {
		row.put("status", Manifest.FAILED);
		row.put("message", message);
	}

	/** Slice {@code j} of a generated stack as an image of its own, tagged as sample {@code i}. */
	static RasterImage sample(RunResult stack, int j, long i, GenerationJob job) {
		RasterImage s = stack.image();
		Object[] planes = new Object[s.channels()];
		for (int c = 0; c < planes.length; c++)
			planes[c] = s.plane(c, j, 0);
		RasterImage one = new RasterImage(s.width(), s.height(), s.channels(), 1, 1, s.type(), planes);
		one.setCalibration(s.calibration());
		Map<String, String> p = one.properties();
		s.properties().forEach((k, v) -> {
			if (!k.startsWith("fiji-gan.slice.") && !k.equals("fiji-gan.count") && !k.equals(
				"fiji-gan.seed")) p.put(k, v);
		});
		p.put("fiji-gan.sample", Long.toString(i));
		p.put("fiji-gan.seed", job.latents() == null ? Long.toString(job.seed() + i) : job
			.latentSource() + "#" + i);
		String label = s.properties().get("fiji-gan.slice." + (j + 1) + ".label");
		if (label != null) p.put("fiji-gan.slice.1.label", label);
		p.putAll(job.properties());
		one.setTitle(s.title() + "-" + i);
		return one;
	}

	private static void write(GenerationJob job, ImageCodec codec, RasterImage image,
		Map<String, String> row)
	{
		Path out = BatchFolders.resolve(job.outputDir(), row.get("file"));
		try {
			String problem = codec.cannotWrite(job.format(), image);
			if (problem != null) throw new GanException(problem);
			BatchFolders.createFolder(out.getParent());
			AtomicFile.write(out, true, tmp -> codec.write(image, job.format(), tmp));
			row.put("bytes", Long.toString(Files.size(out)));
			row.put("provider", image.properties().getOrDefault("fiji-gan.provider", ""));
			row.put("status", Manifest.DONE);
		}
		catch (RuntimeException | IOException e) {
			fail(row, FolderBatch.message(e));
		}
	}
}
