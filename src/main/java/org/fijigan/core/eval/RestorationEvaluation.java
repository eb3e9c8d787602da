
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.eval.EvaluationImages.Sample;
import org.fijigan.core.eval.EvaluationReport.MethodKind;
import org.fijigan.core.eval.EvaluationReport.Score;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.core.train.data.Planes;

/**
 * The restoration evaluations (super-resolution, denoising, inpainting; see
 * {@link Evaluation}): each image chosen, degraded by its task's protocol,
 * restored by the model through the pipeline the commands use and by the
 * protocol's baselines, and measured.
 */
final class RestorationEvaluation {

	private RestorationEvaluation() {}

	/** The super-resolution protocol; see {@link Evaluation}. */
	static EvaluationReport superResolution(ModelDescriptor model, String dataset,
		ImageSource images, EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		Evaluation.requireTask(model, TaskKind.SUPER_RESOLUTION);
		int s = SuperResolutionProtocol.wholeScale(model.scale());
		if (s < 2) throw new GanException(
			"super-resolution evaluation needs a whole-number scale of " +
				"at least 2; " + model.name() + " scales by " + model.scale() +
				" (set it with --scale)");
		SuperResolutionProtocol protocol = SuperResolutionProtocol.evaluation(s);
		List<String> notes = new ArrayList<>();
		options = withRecordedNormalization(model, options, notes);
		List<Sample> samples = restorationSamples(images, options, 2 * s +
			Metrics.SSIM_WINDOW, s, notes, progress, cancel);
		RestorationScores scores = new RestorationScores(dataset,
			TaskKind.SUPER_RESOLUTION, protocol.condition());
		ProgressListener listener = ProgressListener.safe(progress);
		for (int i = 0; i < samples.size(); i++) {
			cancel.throwIfCancelled();
			Sample hr = samples.get(i);
			Planes low = protocol.degrade(hr.planes());
			float[] byModel = runModel(model, hr.named(low), hr.height(), hr.width(),
				options, cancel);
			scores.add(hr.name(), model.name(), MethodKind.MODEL, protocol.measure(hr
				.planes(), hr.planesOf(byModel)));
			for (SuperResolutionProtocol.Upscaling b : protocol.baselines())
				scores.add(hr.name(), b.method(), MethodKind.BASELINE, protocol.measure(
					hr.planes(), protocol.enlarge(b, low)));
			listener.onProgress(new ProgressEvent(Stage.IMAGE, i + 1, samples.size(),
				"fiji-gan: evaluated " + (i + 1) + "/" + samples.size()));
		}
		notes.add(
			"super-resolution: each image cropped at the right and bottom to a multiple of " +
				s + ", area-averaged down by " + s +
				" (the training degradation) and enlarged again; " + s +
				" pixels shaved off each border before PSNR/SSIM; bicubic is Keys' a=-0.5 with half-pixel " +
				"centres and clamped edges");
		addExactNote(notes, scores.exactNote(scores.exact(), samples.size()));
		return Evaluation.report(model, TaskKind.SUPER_RESOLUTION, scores.rows(),
			notes, options);
	}

	/** The denoising protocol; see {@link Evaluation}. */
	static EvaluationReport denoising(ModelDescriptor model, String dataset,
		ImageSource images, EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		Evaluation.requireTask(model, TaskKind.DENOISE);
		DenoisingProtocol protocol = DenoisingProtocol.evaluation();
		List<String> notes = new ArrayList<>();
		options = withRecordedNormalization(model, options, notes);
		List<Sample> samples = restorationSamples(images, options,
			Metrics.SSIM_WINDOW, 1, notes, progress, cancel);
		EvaluationOptions.Tuning tuningSet = options.tuning();
		List<Sample> tuning = tuningSet == null ? List.of() : restorationSamples(
			tuningSet.images(), options, Metrics.SSIM_WINDOW, 1, new ArrayList<>(),
			ProgressListener.NONE, cancel);
		String tuned = tuningSet == null ? " (tuned here)" : " (tuned on " +
			tuningSet.name() + ")";
		ProgressListener listener = ProgressListener.safe(progress);
		List<Score> rows = new ArrayList<>();
		List<DenoisingProtocol.Noise> conditions = protocol.conditions();
		List<Double> sigmas = protocol.blurSigmas();
		List<String> chosen = new ArrayList<>();
		boolean anySources = false;
		int[] leftOut = new int[4]; // listed, outside, near an edge, too faint
		long total = (long) conditions.size() * samples.size(), done = 0;
		for (int ci = 0; ci < conditions.size(); ci++) {
			DenoisingProtocol.Noise noise = conditions.get(ci);
			Map<DenoisingProtocol.Classical, Double> classical =
				new LinkedHashMap<>();
			int bestBlur = -1;
			if (!tuning.isEmpty()) {
				List<Planes[]> pairs = new ArrayList<>();
				for (int i = 0; i < tuning.size(); i++)
					pairs.add(new Planes[] { tuning.get(i).planes(), protocol.degrade(
						tuning.get(i).planes(), noise, new SplittableRandom(TaskProtocol
							.streamSeed(options.seed(), 1000 + ci, i))) });
				bestBlur = best(sigmas, v -> meanPsnr(protocol, pairs,
					p -> DenoisingProtocol.blur(p, v)), cancel);
				for (DenoisingProtocol.Classical c : protocol.classical()) {
					List<Double> grid = c.grid();
					classical.put(c, grid.get(best(grid, v -> meanPsnr(protocol, pairs,
						p -> c.apply(p, v)), cancel)));
				}
				chosen.add(noise.condition() + ": blur sigma " + Numbers.compact(sigmas
					.get(bestBlur)) + ", " + classical.entrySet().stream().map(e -> e
						.getKey().method(e.getValue())).collect(Collectors.joining(", ")));
			}
			else for (DenoisingProtocol.Classical c : protocol.classical())
				classical.put(c, c.untuned());
			RestorationScores scores = new RestorationScores(dataset,
				TaskKind.DENOISE, noise.condition());
			RestorationScores[] blurred = new RestorationScores[sigmas.size()];
			for (int b = 0; b < blurred.length; b++)
				blurred[b] = new RestorationScores(dataset, TaskKind.DENOISE, noise
					.condition());
			RestorationScores tail = new RestorationScores(dataset, TaskKind.DENOISE,
				noise.condition());
			for (int i = 0; i < samples.size(); i++) {
				cancel.throwIfCancelled();
				Sample clean = samples.get(i);
				Planes input = protocol.degrade(clean.planes(), noise,
					new SplittableRandom(TaskProtocol.streamSeed(options.seed(), 1 + ci,
						i)));
				PointSourceFidelity.Reference ref = clean.sources().isEmpty() ? null
					: PointSourceFidelity.reference(onePlane(clean.planes()), clean
						.height(), clean.width(), clean.sources());
				anySources |= ref != null;
				if (ci == 0 && ref != null) {
					leftOut[0] += ref.all().size();
					leftOut[1] += ref.outside();
					leftOut[2] += ref.nearEdge();
					leftOut[3] += ref.tooFaint();
				}
				Planes byModel = clean.planesOf(runModel(model, clean.named(input),
					clean.height(), clean.width(), options, cancel));
				scores.add(clean.name(), model.name(), MethodKind.MODEL, protocol
					.measure(clean.planes(), byModel), tally(ref, byModel));
				Planes noisy = DenoisingProtocol.clipped(input);
				scores.add(clean.name(), "noisy input", MethodKind.REFERENCE, protocol
					.measure(clean.planes(), noisy), tally(ref, noisy));
				if (ref != null) scores.add(clean.name(), EvaluationReport.CLEAN_IMAGE,
					MethodKind.REFERENCE, new TaskProtocol.Quality(Double.NaN,
						Double.NaN), tally(ref, clean.planes()));
				for (int b = 0; b < sigmas.size(); b++)
					if (bestBlur < 0 || b == bestBlur) {
						Planes blur = DenoisingProtocol.blur(input, sigmas.get(b));
						blurred[b].add(clean.name(), "blur", MethodKind.BASELINE, protocol
							.measure(clean.planes(), blur), tally(ref, blur));
					}
				for (int size : protocol.medianSizes()) {
					Planes median = DenoisingProtocol.median(input, size);
					tail.add(clean.name(), DenoisingProtocol.medianName(size),
						MethodKind.BASELINE, protocol.measure(clean.planes(), median),
						tally(ref, median));
				}
				for (Map.Entry<DenoisingProtocol.Classical, Double> c : classical
					.entrySet())
				{
					cancel.throwIfCancelled();
					Planes out = c.getKey().apply(input, c.getValue());
					tail.add(clean.name(), c.getKey().method(c.getValue()) + (tuning
						.isEmpty() ? " (untuned)" : tuned), MethodKind.BASELINE, protocol
							.measure(clean.planes(), out), tally(ref, out));
				}
				listener.onProgress(new ProgressEvent(Stage.IMAGE, ++done, total,
					"fiji-gan: evaluated " + done + "/" + total));
			}
			// an image any method (any blur tried included) reproduces exactly is
			// left out of every mean PSNR of the condition, the blur's choice too
			Set<String> exact = new LinkedHashSet<>(scores.exact());
			for (RestorationScores b : blurred)
				exact.addAll(b.exact());
			exact.addAll(tail.exact());
			int best = bestBlur;
			if (best < 0) {
				best = 0;
				for (int b = 1; b < sigmas.size(); b++)
					if (blurred[b].meanPsnr("blur", MethodKind.BASELINE,
						exact) > blurred[best].meanPsnr("blur", MethodKind.BASELINE, exact))
						best = b;
			}
			addExactNote(notes, scores.exactNote(exact, samples.size()));
			List<Score> condition = scores.rows(exact);
			Score blur = blurred[best].rows(exact).get(0);
			condition.add(new Score(blur.dataset(), blur.task(), blur.condition(),
				DenoisingProtocol.blurName(sigmas.get(best)) + tuned, blur.kind(), blur
					.psnr(), blur.ssim(), blur.n(), blur.psnrN(), blur.points()));
			condition.addAll(tail.rows(exact));
			rows.addAll(condition);
		}
		double peak = DenoisingProtocol.POISSON_PEAK_PHOTONS;
		notes.add(
			"denoising: Gaussian noise sigma in 8-bit units (sigma/255 of the range); " +
				"Poisson-Gaussian: Poisson(" + Numbers.compact(peak) + " x value) / " +
				Numbers.compact(peak) + " plus Gaussian read noise " + Numbers.compact(
					DenoisingProtocol.POISSON_READ_NOISE) +
				"; noise seeded per condition and image");
		if (tuning.isEmpty()) {
			notes.add("denoising: the Gaussian blur's sigma is the best of " + Arrays
				.toString(DenoisingProtocol.BLUR_SIGMAS) +
				" by mean PSNR on these same images, which favours the " + "baseline");
			notes.add(
				"denoising: non-local means (7x7 patches, 15x15 search), total variation " +
					"(Chambolle, 100 steps) and wavelet shrinkage (db4, BayesShrink) are untuned; give " +
					"tuning images to tune them");
		}
		else notes.add(
			"denoising: each baseline's parameter is the best of its grid by mean PSNR on " +
				"the " + tuning.size() + " tuning image" + (tuning.size() == 1 ? ""
					: "s") + " of " + tuningSet.name() +
				" (never the evaluated ones), under the same noise drawn apart; chosen: " +
				String.join("; ", chosen));
		if (anySources) notes.add(
			"point sources (images rendered with their sources): peak and flux " +
				"= sum over the sources of the result's peak (centre pixel) and flux (aperture of radius " +
				"max(2, ceil(2.5 sigma))), each less the median of a ring around it, over the same sums in the " +
				"clean image; sources whose clean peak is at least " + Numbers.compact(
					PointSourceFidelity.MIN_PEAK) + " count, faint ones up to " + Numbers
						.compact(PointSourceFidelity.FAINT_PEAK) +
				"; faint recall: share of the faint sources a " +
				"difference-of-Gaussians detector (sigma " + Numbers.compact(
					PointSourceFidelity.DETECTOR_SIGMA) + " minus " + Numbers.compact(
						PointSourceFidelity.DETECTOR_SURROUND) +
				" px) finds within max(2, sigma) px at 1 false " + "positive per " +
				Math.round(1 / PointSourceFidelity.FALSE_POSITIVES_PER_PIXEL) +
				" pixels");
		String leftOutNote = leftOutNote(dataset, leftOut);
		if (leftOutNote != null) notes.add(leftOutNote);
		return Evaluation.report(model, TaskKind.DENOISE, rows, notes, options);
	}

	/**
	 * The note that says how many of the listed point sources the point measures
	 * left out, and why, or null when they left out none.
	 *
	 * @param counts sources listed, then left out as outside the plane, near its
	 *          edge and too faint ({@link PointSourceFidelity.Reference})
	 */
	static String leftOutNote(String dataset, int[] counts) {
		int left = counts[1] + counts[2] + counts[3];
		if (left == 0) return null;
		List<String> why = new ArrayList<>();
		if (counts[1] > 0) why.add(counts[1] + " outside the measured area (off " +
			"the image or its centre crop)");
		if (counts[2] > 0) why.add(counts[2] + " too near its edge or too wide " +
			"(the ring their background is measured on leaves it)");
		if (counts[3] > 0) why.add(counts[3] + " with a clean peak below " + Numbers
			.compact(PointSourceFidelity.MIN_PEAK));
		return "point sources: " + left + " of the " + counts[0] + " listed in " +
			dataset + " were left out of the point measures: " + String.join(", ",
				why);
	}

	/**
	 * The index of the value of {@code grid} with the highest score (the first
	 * among equals).
	 */
	private static int best(List<Double> grid,
		java.util.function.DoubleUnaryOperator score, CancellationToken cancel)
	{
		int best = 0;
		double bestScore = Double.NEGATIVE_INFINITY;
		for (int k = 0; k < grid.size(); k++) {
			cancel.throwIfCancelled();
			double v = score.applyAsDouble(grid.get(k));
			if (v > bestScore) {
				best = k;
				bestScore = v;
			}
		}
		return best;
	}

	/** Mean PSNR of {@code method} on the (clean, noisy) pairs. */
	private static double meanPsnr(DenoisingProtocol protocol,
		List<Planes[]> pairs, java.util.function.UnaryOperator<Planes> method)
	{
		double sum = 0;
		for (Planes[] p : pairs)
			sum += protocol.measure(p[0], method.apply(p[1])).psnr();
		return sum / pairs.size();
	}

	/** The point-source tally of {@code result}, or null without a reference. */
	private static PointSourceFidelity.Tally tally(
		PointSourceFidelity.Reference ref, Planes result)
	{
		return ref == null ? null : PointSourceFidelity.measure(ref, onePlane(
			result));
	}

	/**
	 * One channel as it is, several as their mean: the plane point sources are
	 * measured on.
	 */
	private static float[] onePlane(Planes p) {
		if (p.channels() == 1) return p.values();
		int n = p.planeSize();
		float[] out = new float[n];
		for (int c = 0; c < p.channels(); c++)
			for (int i = 0; i < n; i++)
				out[i] += p.values()[c * n + i] / p.channels();
		return out;
	}

	/** The inpainting protocol; see {@link Evaluation}. */
	static EvaluationReport inpainting(ModelDescriptor model, String dataset,
		ImageSource images, EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		Evaluation.requireTask(model, TaskKind.INPAINT);
		InpaintingProtocol protocol = InpaintingProtocol.evaluation();
		List<String> notes = new ArrayList<>();
		options = withRecordedNormalization(model, options, notes);
		List<Sample> samples = restorationSamples(images, options,
			Metrics.SSIM_WINDOW + 2, 1, notes, progress, cancel);
		String condition = InpaintingProtocol.condition();
		RestorationScores scores = new RestorationScores(dataset, TaskKind.INPAINT,
			condition);
		ProgressListener listener = ProgressListener.safe(progress);
		InferenceOptions run = modelOptions(options).withCompositeInpaint(true);
		for (int i = 0; i < samples.size(); i++) {
			cancel.throwIfCancelled();
			Sample clean = samples.get(i);
			int h = clean.height(), w = clean.width();
			boolean[] holes = InpaintingProtocol.drawHoles(w, h, new SplittableRandom(
				TaskProtocol.streamSeed(options.seed(), 100, i)));
			Planes known = protocol.degrade(clean.planes(), holes);
			RasterImage out = Inpainter.run(model, EvaluationImages.toImage(clean
				.named(known)), maskImage(holes, w, h), run, ProgressListener.NONE,
				cancel).image();
			scores.add(clean.name(), model.name(), MethodKind.MODEL, protocol.measure(
				clean.planes(), clean.planesOf(result(out, clean.channels())), holes));
			for (InpaintingProtocol.Fill fill : protocol.baselines())
				scores.add(clean.name(), fill.method(), MethodKind.BASELINE, protocol
					.measure(clean.planes(), InpaintingProtocol.fill(fill, known, holes),
						holes));
			listener.onProgress(new ProgressEvent(Stage.IMAGE, i + 1, samples.size(),
				"fiji-gan: evaluated " + (i + 1) + "/" + samples.size()));
		}
		notes.add(
			"inpainting: seeded free-form holes (brush strokes and boxes, as in training) " +
				"covering " + condition.substring(condition.lastIndexOf(' ') + 1) +
				" of each image; PSNR " +
				"and SSIM inside the holes only (SSIM map averaged over hole pixels at least 5 pixels " +
				"from the border)");
		addExactNote(notes, scores.exactNote(scores.exact(), samples.size()));
		return Evaluation.report(model, TaskKind.INPAINT, scores.rows(), notes,
			options);
	}

	private static void addExactNote(List<String> notes, String note) {
		if (note != null) notes.add(note);
	}

	/** An 8-bit mask image: 255 on the holes, 0 elsewhere. */
	private static RasterImage maskImage(boolean[] holes, int w, int h) {
		RasterImage mask = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		byte[] m = (byte[]) mask.plane(0);
		for (int j = 0; j < holes.length; j++)
			if (holes[j]) m[j] = (byte) 255;
		return mask;
	}

	/**
	 * The options with, where none was given, the normalisation a model records
	 * ({@link Normalization#orRecorded}: what fine-tune trained it with), so that
	 * the model sees the degraded images in the units it learned in. A model
	 * trained on raw values is refused without {@code --normalize}: evaluate
	 * feeds every model values mapped to [0,1].
	 */
	static EvaluationOptions withRecordedNormalization(ModelDescriptor model,
		EvaluationOptions options, List<String> notes)
	{
		Normalization recorded = Normalization.orRecorded(model, options
			.normalization());
		if (recorded == options.normalization()) return options;
		if (recorded instanceof Normalization.None) throw new GanException(model
			.name() + " was fine-tuned on raw values (it records " +
			ModelLoader.META_NORMALIZATION +
			" none), but evaluate feeds a model values mapped to [0,1]: give " +
			"--normalize to measure it in those units anyway");
		notes.add(model.name() + " records " + ModelLoader.META_NORMALIZATION +
			" " + recorded.describe() +
			" (what it was fine-tuned with): values normalised by it");
		return options.withNormalization(recorded);
	}

	/**
	 * The chosen images of a restoration protocol, at least {@code minSide}
	 * pixels a side.
	 */
	private static List<Sample> restorationSamples(ImageSource images,
		EvaluationOptions options, int minSide, int multiple, List<String> notes,
		ProgressListener progress, CancellationToken cancel)
	{
		List<String> names = EvaluationImages.choose(images.names(), options
			.maxImages(), options.seed());
		List<Sample> out = new ArrayList<>();
		int cropped = 0, flat = 0;
		for (String name : names) {
			cancel.throwIfCancelled();
			EvaluationImages.Loaded loaded = EvaluationImages.load(images, name,
				options.normalization(), options.maxSide(), options.maxSide(),
				multiple);
			Sample s = loaded.sample();
			if (s.height() < minSide || s.width() < minSide) {
				notes.add("skipped " + name + ": " + loaded.width() + "x" + loaded
					.height() + " is too small " + "(at least " + minSide +
					" pixels a side)");
				continue;
			}
			// mapped to 0 it would score as a black image, whose noise clipping
			// or Poisson noise makes every method look good
			if (loaded.flat() != null) {
				notes.add("skipped " + name + ": " + loaded.flat());
				flat++;
				continue;
			}
			if (loaded.cropped()) cropped++;
			out.add(s);
		}
		if (out.isEmpty()) throw new GanException("no image in " + images
			.describe() + (flat == 0 ? " is large enough to evaluate"
				: " can be evaluated: each is flat where it is measured (no range " +
					"to map to [0,1]) or too small") + " (at least " + minSide +
			" pixels a side)");
		if (names.size() < images.names().size()) notes.add(names.size() + " of " +
			images.names().size() + " images, a seeded choice");
		if (cropped > 0) notes.add("images larger than " + options.maxSide() +
			" pixels a side were " + "centre-cropped to " + options.maxSide());
		String rule = options.normalization() == null
			? "0-255 for 8-bit and RGB images, each image's " +
				"own min-max per channel otherwise" : options.normalization()
					.describe();
		if (!(options.normalization() instanceof Normalization.FixedRange)) rule +=
			", taken over the pixels measured";
		notes.add("values normalised to [0,1] (" + rule +
			"); PSNR with data range 1; every result " +
			"clipped to [0,1]; the model sees the degraded image in these units (range:0,1)");
		return out;
	}

	private static InferenceOptions modelOptions(EvaluationOptions options) {
		return options.inference().withNormalization(new Normalization.FixedRange(0,
			1)).withFloatOutput(true);
	}

	/**
	 * Runs an image-to-image model on {@code input} and returns its clipped
	 * output, CHW.
	 */
	private static float[] runModel(ModelDescriptor model, Sample input,
		int height, int width, EvaluationOptions options, CancellationToken cancel)
	{
		RasterImage out = ImageToImage.run(model, EvaluationImages.toImage(input),
			modelOptions(options), ProgressListener.NONE, cancel).image();
		if (out.height() != height || out.width() != width) throw new GanException(
			model.name() + " returned " + out.width() + "x" + out.height() +
				" for a " + input.width() + "x" + input.height() + " input; expected " +
				width + "x" + height);
		return result(out, input.channels());
	}

	/** The model's output, clipped; it must have {@code channels} channels. */
	private static float[] result(RasterImage out, int channels) {
		if (out.logicalChannels() != channels) throw new GanException(
			"the model returned " + out.logicalChannels() + " channels for a " +
				channels + "-channel image");
		return TaskProtocol.clip(EvaluationImages.read(out, 0));
	}
}
