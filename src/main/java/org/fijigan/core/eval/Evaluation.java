package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.eval.EvaluationImages.Sample;
import org.fijigan.core.eval.EvaluationReport.Measure;
import org.fijigan.core.eval.EvaluationReport.MethodKind;
import org.fijigan.core.eval.EvaluationReport.NearCopy;
import org.fijigan.core.eval.EvaluationReport.Score;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.train.data.FreeFormMask;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;

/**
 * Measures a model against classical baselines on a set of clean images, per task:
 * <ul>
 * <li><b>super-resolution</b>: each image is cropped at the right and bottom to a multiple of the
 * model's (whole) scale {@code s}, area-averaged down by {@code s} (the training degradation), and
 * enlarged again by the model, bicubic and nearest-neighbour interpolation; PSNR and SSIM against
 * the original with {@code s} pixels shaved off each border.</li>
 * <li><b>denoising</b>: Gaussian noise of sigma 15, 25 and 50 (in 8-bit units: sigma/255 of the
 * range) and Poisson-Gaussian noise ({@value #POISSON_PEAK_PHOTONS} photons at the top of the
 * range, Gaussian read noise {@value #POISSON_READ_NOISE} of the range); against the noisy input,
 * a Gaussian blur whose sigma is the best of {@link #BLUR_SIGMAS} by mean PSNR <em>on the same
 * images</em> (which favours the baseline), and 3x3 and 5x5 median filters.</li>
 * <li><b>inpainting</b>: seeded free-form holes (training's brush strokes and boxes) covering
 * 10-30% of each image; PSNR and SSIM inside the holes only (the SSIM map averaged over hole pixels
 * at least 5 pixels from the border), against harmonic (Laplace) filling and filling with the mean
 * of the known pixels. The model sees the image with its holes set to 0.</li>
 * <li><b>generation</b>: see {@link #generation}.</li>
 * </ul>
 * Values: each image is normalised by {@link EvaluationOptions#normalization()} to [0, 1] (data
 * range 1 for PSNR and SSIM; with the default, PSNR is the usual 8-bit PSNR for 8-bit images), and
 * every result is clipped to [0, 1] before it is measured. The model is given the degraded image
 * in exactly these units, mapped to its input range ({@code range:0,1} normalisation) with float
 * output, through the same pipeline the commands use. The degraded input itself is not clipped.
 * Each image contributes its middle slice (first frame); images larger than
 * {@link EvaluationOptions#maxSide()} are centre-cropped to it. Scores are means of per-image
 * values. Everything random comes from {@link EvaluationOptions#seed()}.
 */
public final class Evaluation {
	/** Gaussian noise levels of the denoising protocol, in 8-bit units. */
	public static final double[] NOISE_SIGMAS_8BIT = { 15, 25, 50 };
	/** Photons at the top of the range in the Poisson-Gaussian condition. */
	public static final double POISSON_PEAK_PHOTONS = 30;
	/** Gaussian read noise of the Poisson-Gaussian condition, as a fraction of the range. */
	public static final double POISSON_READ_NOISE = 0.01;
	/** Blur sigmas (pixels) the Gaussian-blur baseline chooses from. */
	public static final double[] BLUR_SIGMAS = { 0.5, 0.75, 1, 1.5, 2, 3 };
	/** Median filter sizes of the denoising baselines. */
	public static final int[] MEDIAN_SIZES = { 3, 5 };
	/** Hole coverage of the inpainting protocol. */
	public static final double MIN_HOLE_COVERAGE = 0.10, MAX_HOLE_COVERAGE = 0.30;

	private Evaluation() {}

	/**
	 * Runs the protocol of {@code model}'s task.
	 *
	 * @param dataset a name for {@code images} in the rows, e.g. the folder's name
	 * @param training generation only: the training images (PCA fit, memorisation), or null
	 * @param features generation only: features to use instead of fitting them, or null
	 * @throws GanException for a generic image-to-image model (no protocol: give its task), or when
	 *           no image is usable
	 */
	public static EvaluationReport evaluate(ModelDescriptor model, String dataset,
		ImageSource images, ImageSource training, PcaFeatures features, EvaluationOptions options,
		ProgressListener progress, CancellationToken cancel)
	{
		return switch (model.task()) {
			case SUPER_RESOLUTION -> superResolution(model, dataset, images, options, progress, cancel);
			case DENOISE -> denoising(model, dataset, images, options, progress, cancel);
			case INPAINT -> inpainting(model, dataset, images, options, progress, cancel);
			case GENERATE -> generation(model, dataset, images, training, features, options, progress,
				cancel);
			case IMAGE_TO_IMAGE -> throw new GanException("there is no evaluation protocol for a " +
				"generic image-to-image model: say what it does with --task super-resolution or denoise");
		};
	}

	/** The super-resolution protocol; see the class description. */
	public static EvaluationReport superResolution(ModelDescriptor model, String dataset,
		ImageSource images, EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		requireTask(model, TaskKind.SUPER_RESOLUTION);
		int s = (int) Math.round(model.scale());
		if (s < 2 || Math.abs(model.scale() - s) > 1e-9) throw new GanException("super-resolution " +
			"evaluation needs a whole-number scale of at least 2; " + model.name() + " scales by " +
			model.scale() + " (set it with --scale)");
		List<String> notes = new ArrayList<>();
		List<Sample> samples = restorationSamples(images, options, 2 * s + Metrics.SSIM_WINDOW, s, notes,
			progress, cancel);
		String condition = "area-averaged x" + s;
		Scores scores = new Scores(dataset, TaskKind.SUPER_RESOLUTION, condition);
		ProgressListener listener = ProgressListener.safe(progress);
		for (int i = 0; i < samples.size(); i++) {
			cancel.throwIfCancelled();
			Sample hr = samples.get(i);
			Planes lr = TrainingDegradations.areaDownscale(new Planes(hr.channels(), hr.height(), hr
				.width(), hr.values().clone()), s);
			Sample low = new Sample(hr.name(), hr.channels(), lr.height(), lr.width(), lr.values());
			float[] byModel = runModel(model, low, hr.height(), hr.width(), options, cancel);
			float[] bicubic = new float[hr.values().length], nearest = new float[bicubic.length];
			int n = hr.height() * hr.width();
			for (int c = 0; c < hr.channels(); c++) {
				float[] p = low.plane(c);
				System.arraycopy(Baselines.bicubicUpscale(p, low.height(), low.width(), s), 0, bicubic, c *
					n, n);
				System.arraycopy(Baselines.nearestUpscale(p, low.height(), low.width(), s), 0, nearest, c *
					n, n);
			}
			Sample ref = shave(hr, s);
			scores.add(model.name(), MethodKind.MODEL, ref, shave(hr, byModel, s));
			scores.add("bicubic", MethodKind.BASELINE, ref, shave(hr, EvaluationImages.clip(bicubic), s));
			scores.add("nearest", MethodKind.BASELINE, ref, shave(hr, EvaluationImages.clip(nearest), s));
			listener.onProgress(new ProgressEvent("image", i + 1, samples.size(), "fiji-gan: evaluated " +
				(i + 1) + "/" + samples.size()));
		}
		notes.add("super-resolution: each image cropped at the right and bottom to a multiple of " + s +
			", area-averaged down by " + s + " (the training degradation) and enlarged again; " + s +
			" pixels shaved off each border before PSNR/SSIM; bicubic is Keys' a=-0.5 with half-pixel " +
			"centres and clamped edges");
		return report(model, TaskKind.SUPER_RESOLUTION, scores.rows(), notes, options);
	}

	/** The denoising protocol; see the class description. */
	public static EvaluationReport denoising(ModelDescriptor model, String dataset,
		ImageSource images, EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		requireTask(model, TaskKind.DENOISE);
		List<String> notes = new ArrayList<>();
		List<Sample> samples = restorationSamples(images, options, Metrics.SSIM_WINDOW, 1, notes,
			progress, cancel);
		List<String> conditions = new ArrayList<>();
		for (double sigma : NOISE_SIGMAS_8BIT)
			conditions.add("gaussian sigma=" + EvaluationReport.number(sigma) + "/255");
		conditions.add("poisson-gaussian peak=" + EvaluationReport.number(POISSON_PEAK_PHOTONS) +
			" read=" + EvaluationReport.number(POISSON_READ_NOISE));
		ProgressListener listener = ProgressListener.safe(progress);
		List<Score> rows = new ArrayList<>();
		long total = (long) conditions.size() * samples.size(), done = 0;
		for (int ci = 0; ci < conditions.size(); ci++) {
			Scores scores = new Scores(dataset, TaskKind.DENOISE, conditions.get(ci));
			Scores[] blurred = new Scores[BLUR_SIGMAS.length];
			for (int b = 0; b < blurred.length; b++)
				blurred[b] = new Scores(dataset, TaskKind.DENOISE, conditions.get(ci));
			for (int i = 0; i < samples.size(); i++) {
				cancel.throwIfCancelled();
				Sample clean = samples.get(i);
				Planes noisy = new Planes(clean.channels(), clean.height(), clean.width(), clean.values()
					.clone());
				SplittableRandom random = new SplittableRandom(mix(options.seed(), 1 + ci, i));
				if (ci < NOISE_SIGMAS_8BIT.length) TrainingDegradations.addGaussianNoise(noisy,
					NOISE_SIGMAS_8BIT[ci] / 255, random);
				else TrainingDegradations.addPoissonGaussianNoise(noisy, POISSON_PEAK_PHOTONS,
					POISSON_READ_NOISE, random);
				Sample input = new Sample(clean.name(), clean.channels(), clean.height(), clean.width(),
					noisy.values());
				scores.add(model.name(), MethodKind.MODEL, clean, runModel(model, input, clean.height(),
					clean.width(), options, cancel));
				scores.add("noisy input", MethodKind.REFERENCE, clean, EvaluationImages.clip(noisy.values()
					.clone()));
				for (int b = 0; b < BLUR_SIGMAS.length; b++) {
					double sigma = BLUR_SIGMAS[b];
					blurred[b].add("blur", MethodKind.BASELINE, clean, perChannel(input, p -> Baselines
						.gaussianBlur(p, clean.height(), clean.width(), sigma)));
				}
				for (int size : MEDIAN_SIZES)
					scores.add("median " + size + "x" + size, MethodKind.BASELINE, clean, perChannel(input,
						p -> Baselines.medianFilter(p, clean.height(), clean.width(), size)));
				listener.onProgress(new ProgressEvent("image", ++done, total, "fiji-gan: evaluated " + done +
					"/" + total));
			}
			int best = 0;
			for (int b = 1; b < BLUR_SIGMAS.length; b++)
				if (blurred[b].meanPsnr("blur", MethodKind.BASELINE) > blurred[best].meanPsnr("blur",
					MethodKind.BASELINE)) best = b;
			List<Score> condition = scores.rows();
			Score blur = blurred[best].rows().get(0);
			condition.add(2, new Score(blur.dataset(), blur.task(), blur.condition(), "gaussian blur sigma=" +
				EvaluationReport.number(BLUR_SIGMAS[best]) + " (tuned here)", blur.kind(),
				blur.psnr(), blur.ssim(), blur.n()));
			rows.addAll(condition);
		}
		notes.add("denoising: Gaussian noise sigma in 8-bit units (sigma/255 of the range); " +
			"Poisson-Gaussian: Poisson(" + EvaluationReport.number(POISSON_PEAK_PHOTONS) + " x value) / " +
			EvaluationReport.number(POISSON_PEAK_PHOTONS) + " plus Gaussian read noise " + EvaluationReport
				.number(POISSON_READ_NOISE) + "; noise seeded per condition and image");
		notes.add("denoising: the Gaussian blur's sigma is the best of " + java.util.Arrays.toString(
			BLUR_SIGMAS) + " by mean PSNR on these same images, which favours the baseline");
		return report(model, TaskKind.DENOISE, rows, notes, options);
	}

	/** The inpainting protocol; see the class description. */
	public static EvaluationReport inpainting(ModelDescriptor model, String dataset,
		ImageSource images, EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		requireTask(model, TaskKind.INPAINT);
		List<String> notes = new ArrayList<>();
		List<Sample> samples = restorationSamples(images, options, Metrics.SSIM_WINDOW + 2, 1, notes,
			progress, cancel);
		String condition = "free-form holes " + Math.round(MIN_HOLE_COVERAGE * 100) + "-" + Math.round(
			MAX_HOLE_COVERAGE * 100) + "%";
		Scores scores = new Scores(dataset, TaskKind.INPAINT, condition);
		ProgressListener listener = ProgressListener.safe(progress);
		InferenceOptions run = modelOptions(options).withCompositeInpaint(true);
		for (int i = 0; i < samples.size(); i++) {
			cancel.throwIfCancelled();
			Sample clean = samples.get(i);
			int h = clean.height(), w = clean.width(), n = h * w;
			boolean[] holes = FreeFormMask.generate(w, h, MIN_HOLE_COVERAGE, MAX_HOLE_COVERAGE,
				new SplittableRandom(mix(options.seed(), 100, i)));
			float[] known = clean.values().clone();
			for (int c = 0; c < clean.channels(); c++)
				for (int j = 0; j < n; j++)
					if (holes[j]) known[c * n + j] = 0;
			Sample input = new Sample(clean.name(), clean.channels(), h, w, known);
			RasterImage mask = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
			byte[] m = (byte[]) mask.plane(0);
			for (int j = 0; j < n; j++)
				if (holes[j]) m[j] = (byte) 255;
			RasterImage out = Inpainter.run(model, EvaluationImages.toImage(input), mask, run,
				ProgressListener.NONE, cancel).image();
			scores.addMasked(model.name(), MethodKind.MODEL, clean, result(out, clean.channels()), holes);
			scores.addMasked("harmonic fill", MethodKind.BASELINE, clean, perChannel(input, p -> Baselines
				.harmonicFill(p, holes, h, w)), holes);
			scores.addMasked("mean fill", MethodKind.BASELINE, clean, perChannel(input, p -> Baselines
				.meanFill(p, holes, h, w)), holes);
			listener.onProgress(new ProgressEvent("image", i + 1, samples.size(), "fiji-gan: evaluated " +
				(i + 1) + "/" + samples.size()));
		}
		notes.add("inpainting: seeded free-form holes (brush strokes and boxes, as in training) " +
			"covering " + condition.substring(condition.lastIndexOf(' ') + 1) + " of each image; PSNR " +
			"and SSIM inside the holes only (SSIM map averaged over hole pixels at least 5 pixels " +
			"from the border)");
		return report(model, TaskKind.INPAINT, scores.rows(), notes, options);
	}

	/**
	 * The generation protocol. {@code count} images per class are drawn (sample {@code i} from seed
	 * {@code seed + i}, classes one after the other; count 0: as many as the real images of the
	 * class) and compared with the real images of the class (the first folder of an image's name;
	 * one class "all" for an unconditional generator), and all classes together when there are
	 * several. Real and training images are centre-cropped to the generated size and normalised as
	 * {@link EvaluationOptions#normalization()} says; generated images are read in the model's
	 * output range; both are clipped to [0, 1].
	 * <p>
	 * Metrics on {@link PcaFeatures} (given, else fitted on the training images, else on the real
	 * images): FID, KID (mean and standard deviation over subsets), precision and recall (k = 3).
	 * The real-vs-real floor: FID and KID between two seeded halves of the real images, and between
	 * the real and the training images. With training images, the memorisation check
	 * ({@link Memorisation}) in pixel space: near-copies and the nearest-training distances of
	 * generated and real images. Every training image is read ({@link PcaFeatures} fits on at most
	 * 1000 of them); {@link EvaluationOptions#maxImages()} limits only the real images.
	 *
	 * @param training training images, or null (no memorisation check; features fitted on
	 *          {@code real})
	 */
	public static EvaluationReport generation(ModelDescriptor model, String dataset,
		ImageSource real, ImageSource training, PcaFeatures features, EvaluationOptions options,
		ProgressListener progress, CancellationToken cancel)
	{
		requireTask(model, TaskKind.GENERATE);
		GeneratorSpec g = model.generator();
		Normalization rule = options.normalization() == null ? Normalization.DEFAULT : options
			.normalization();
		ProgressListener listener = ProgressListener.safe(progress);
		List<String> notes = new ArrayList<>();
		if (real.names().isEmpty()) throw new GanException("no real images in " + real.describe());
		List<String> names = EvaluationImages.choose(real.names(), options.maxImages(), options.seed());
		Map<String, Integer> labels = classLabels(g, names);
		Map<String, List<String>> byClass = new LinkedHashMap<>();
		for (String name : names)
			byClass.computeIfAbsent(classOf(g, name), k -> new ArrayList<>()).add(name);

		// draw every class in one run: sample i from seed + i
		List<String> classes = new ArrayList<>(byClass.keySet());
		List<long[]> ranges = new ArrayList<>();
		int total = 0;
		for (String c : classes) {
			int count = options.generatedPerClass() > 0 ? options.generatedPerClass() : byClass.get(c)
				.size();
			ranges.add(new long[] { total, count });
			total += count;
		}
		long[] classLabels = null;
		if (g.isConditional()) {
			classLabels = new long[total];
			for (int k = 0; k < classes.size(); k++)
				java.util.Arrays.fill(classLabels, (int) ranges.get(k)[0], (int) (ranges.get(k)[0] + ranges
					.get(k)[1]), labels.get(classes.get(k)));
		}
		listener.onProgress(new ProgressEvent("generate", 0, total, "fiji-gan: generating " + total +
			" images"));
		InferenceOptions inf = options.inference();
		RasterImage drawn = Generator.run(model, new GenerateOptions(total, options.seed(), null,
			classLabels, null, true, inf.device(), inf.threads()), ProgressListener.NONE, cancel).image();
		int gc = drawn.logicalChannels(), gh = drawn.height(), gw = drawn.width();
		ValueRange out = model.outputRange();
		List<float[]> generated = new ArrayList<>();
		for (int i = 0; i < total; i++) {
			float[] v = EvaluationImages.read(drawn, i);
			for (int j = 0; j < v.length; j++)
				v[j] = (float) ((v[j] - out.min()) / out.width());
			generated.add(EvaluationImages.clip(v));
		}

		Map<String, List<float[]>> realByClass = new LinkedHashMap<>();
		int loaded = 0;
		for (String c : classes) {
			List<float[]> list = new ArrayList<>();
			for (String name : byClass.get(c)) {
				cancel.throwIfCancelled();
				float[] v = generationSample(real, name, rule, gc, gh, gw, notes);
				if (v != null) list.add(v);
				listener.onProgress(new ProgressEvent("image", ++loaded, names.size(),
					"fiji-gan: reading real image " + loaded + "/" + names.size()));
			}
			realByClass.put(c, list);
		}
		List<float[]> trainImages = new ArrayList<>();
		List<String> trainNames = new ArrayList<>();
		if (training != null) for (String name : training.names()) {
			cancel.throwIfCancelled();
			float[] v = generationSample(training, name, rule, gc, gh, gw, notes);
			if (v == null) continue;
			trainImages.add(v);
			trainNames.add(name);
		}
		List<float[]> allReal = new ArrayList<>();
		realByClass.values().forEach(allReal::addAll);
		if (allReal.size() < 2) throw new GanException("generation metrics need at least two real " +
			"images of the generated size " + gw + "x" + gh + "; " + dataset + " has " + allReal.size());

		if (features == null) {
			boolean onTraining = trainImages.size() >= 2;
			features = PcaFeatures.fit(onTraining ? trainImages : allReal, gc, gh, gw,
				PcaFeatures.DEFAULT_COMPONENTS, options.seed(), onTraining ? "training images"
					: "evaluated real images (no training images given)");
		}
		notes.add("features: " + features.description() + "; FID and KID on them are comparable only " +
			"between runs with the same features, not with published Inception values");
		notes.add("FID is biased upwards for small sets: compare values of equal set sizes only");

		List<Measure> measures = new ArrayList<>();
		List<NearCopy> nearCopies = new ArrayList<>();
		List<String> groups = new ArrayList<>(classes);
		if (classes.size() > 1) groups.add("all classes");
		for (String group : groups) {
			cancel.throwIfCancelled();
			List<float[]> gen = new ArrayList<>(), ref = new ArrayList<>();
			List<Integer> genIndex = new ArrayList<>();
			for (int k = 0; k < classes.size(); k++) {
				if (!group.equals("all classes") && !group.equals(classes.get(k))) continue;
				long[] r = ranges.get(k);
				for (int i = (int) r[0]; i < r[0] + r[1]; i++) {
					gen.add(generated.get(i));
					genIndex.add(i);
				}
				ref.addAll(realByClass.get(classes.get(k)));
			}
			List<float[]> train = new ArrayList<>();
			for (int t = 0; t < trainImages.size(); t++)
				if (group.equals("all classes") || !g.isConditional() || group.equals(classOf(g, trainNames
					.get(t)))) train.add(trainImages.get(t));
			String condition = g.isConditional() ? group : "all";
			if (ref.size() < 2) {
				notes.add("class " + group + ": fewer than two real images, no metrics");
				continue;
			}
			double[][] fg = features.features(gen, gc, gh, gw), fr = features.features(ref, gc, gh, gw);
			int ng = gen.size(), nr = ref.size();
			measures.add(new Measure(dataset, condition, "FID generated vs real", gen.size() < 2
				? Double.NaN : GenerativeMetrics.frechetDistance(fg, fr), Double.NaN, ng, nr));
			GenerativeMetrics.Kid kid = GenerativeMetrics.kernelDistance(fg, fr, mix(options.seed(), 200,
				0));
			measures.add(new Measure(dataset, condition, "KID generated vs real (subsets of " + kid
				.subsetSize() + ")", kid.mean(), kid.std(), ng, nr));
			GenerativeMetrics.PrecisionRecall pr = GenerativeMetrics.precisionRecall(fr, fg,
				GenerativeMetrics.DEFAULT_NEIGHBOURS);
			measures.add(new Measure(dataset, condition, "precision (k=" + pr.neighbours() + ")", pr
				.precision(), Double.NaN, ng, nr));
			measures.add(new Measure(dataset, condition, "recall (k=" + pr.neighbours() + ")", pr.recall(),
				Double.NaN, ng, nr));
			if (nr >= 4) {
				int[] order = GenerativeMetrics.sample(nr, nr, new SplittableRandom(mix(options.seed(), 300,
					0)));
				double[][] a = new double[nr / 2][], b = new double[nr - nr / 2][];
				for (int i = 0; i < nr; i++)
					if (i < a.length) a[i] = fr[order[i]];
					else b[i - a.length] = fr[order[i]];
				measures.add(new Measure(dataset, condition, "floor: FID real half vs half", GenerativeMetrics
					.frechetDistance(a, b), Double.NaN, a.length, b.length));
				GenerativeMetrics.Kid half = GenerativeMetrics.kernelDistance(a, b, mix(options.seed(), 200,
					1));
				measures.add(new Measure(dataset, condition, "floor: KID real half vs half", half.mean(), half
					.std(), a.length, b.length));
			}
			if (train.size() >= 2) {
				double[][] ft = features.features(train, gc, gh, gw);
				measures.add(new Measure(dataset, condition, "floor: FID real vs training", GenerativeMetrics
					.frechetDistance(fr, ft), Double.NaN, nr, train.size()));
				GenerativeMetrics.Kid rt = GenerativeMetrics.kernelDistance(fr, ft, mix(options.seed(), 200,
					2));
				measures.add(new Measure(dataset, condition, "floor: KID real vs training", rt.mean(), rt
					.std(), nr, train.size()));
			}
			if (!trainImages.isEmpty()) {
				Memorisation.Report m = Memorisation.check(gen, trainImages, trainNames, ref);
				int nt = trainImages.size();
				measures.add(new Measure(dataset, condition, "near-copies of training images", m.nearCopies()
					.size(), Double.NaN, ng, nt));
				measures.add(new Measure(dataset, condition, "near-copy threshold: 1st percentile of " +
					"real-to-training RMS distance", m.threshold(), Double.NaN, nr, nt));
				measures.add(new Measure(dataset, condition, "nearest-training RMS distance, generated: min",
					m.minGenerated(), Double.NaN, ng, nt));
				measures.add(new Measure(dataset, condition,
					"nearest-training RMS distance, generated: median", m.medianGenerated(), Double.NaN, ng,
					nt));
				measures.add(new Measure(dataset, condition, "nearest-training RMS distance, real: min", m
					.minHeldOut(), Double.NaN, nr, nt));
				measures.add(new Measure(dataset, condition, "nearest-training RMS distance, real: median", m
					.medianHeldOut(), Double.NaN, nr, nt));
				if (!group.equals("all classes")) for (Memorisation.Nearest c : m.nearCopies())
					nearCopies.add(new NearCopy(dataset, condition, genIndex.get(c.generated()), options
						.seed() + genIndex.get(c.generated()), c.trainingName(), c.distance()));
			}
		}
		if (training == null) notes.add("no training images: no memorisation check, no real-vs-" +
			"training floor");
		notes.add("generation: real images normalised with " + rule.describe() + ", centre-cropped to " +
			gw + "x" + gh + "; generated sample i drawn from seed " + options.seed() + " + i");
		return new EvaluationReport(model.name(), model.sha256(), TaskKind.GENERATE, List.of(), measures,
			nearCopies, features, notes);
	}

	/** A real or training image for the generation metrics, or null (with a note) when too small. */
	private static float[] generationSample(ImageSource source, String name, Normalization rule,
		int channels, int height, int width, List<String> notes)
	{
		Sample s = EvaluationImages.load(source, name, rule, height, width).sample();
		if (s.height() < height || s.width() < width) {
			notes.add("skipped " + name + ": " + s.width() + "x" + s.height() +
				" is smaller than the generated " + width + "x" + height);
			return null;
		}
		if (s.channels() != channels) {
			if (channels == 1) s = s.grey();
			else throw new GanException(name + " has " + s.channels() + " channels but the generator " +
				"makes " + channels);
		}
		return s.values();
	}

	/** The class of an image: its first folder for a conditional generator, else "all". */
	private static String classOf(GeneratorSpec g, String name) {
		if (!g.isConditional()) return "all";
		int slash = name.indexOf('/');
		if (slash <= 0) throw new GanException("the generator takes a class label, so the real images " +
			"must sit in sub-folders named by class, but '" + name + "' is not in a sub-folder");
		return name.substring(0, slash);
	}

	/**
	 * Labels of the class folders, by fine-tuning's rule: the model's class names if it has them,
	 * else numbered folders by their number, else the folders in sorted order.
	 */
	private static Map<String, Integer> classLabels(GeneratorSpec g, List<String> names) {
		Map<String, Integer> labels = new LinkedHashMap<>();
		if (!g.isConditional()) return labels;
		TreeSet<String> folders = new TreeSet<>();
		for (String n : names)
			folders.add(classOf(g, n));
		boolean numbered = folders.stream().allMatch(f -> f.matches("\\d{1,4}"));
		List<String> sorted = new ArrayList<>(folders);
		for (String f : folders) {
			int label;
			if (!g.classNames().isEmpty()) {
				label = g.classNames().indexOf(f);
				if (label < 0) throw new GanException("sub-folder '" + f + "' is not one of the model's " +
					"classes " + g.classNames() + ": name the sub-folders after them");
			}
			else label = numbered ? Integer.parseInt(f) : sorted.indexOf(f);
			if (g.classCount() > 0 && label >= g.classCount()) throw new GanException("sub-folder '" + f +
				"' would be class " + label + " but the model has " + g.classCount() + " classes");
			labels.put(f, label);
		}
		return labels;
	}

	/** The chosen images of a restoration protocol, at least {@code minSide} pixels a side. */
	private static List<Sample> restorationSamples(ImageSource images, EvaluationOptions options,
		int minSide, int multiple, List<String> notes, ProgressListener progress,
		CancellationToken cancel)
	{
		List<String> names = EvaluationImages.choose(images.names(), options.maxImages(), options
			.seed());
		List<Sample> out = new ArrayList<>();
		int cropped = 0;
		for (String name : names) {
			cancel.throwIfCancelled();
			EvaluationImages.Loaded loaded = EvaluationImages.load(images, name, options.normalization(),
				options.maxSide(), options.maxSide());
			Sample s = loaded.sample();
			int h = s.height() - s.height() % multiple, w = s.width() - s.width() % multiple;
			if (h < minSide || w < minSide) {
				notes.add("skipped " + name + ": " + s.width() + "x" + s.height() + " is too small " +
					"(at least " + minSide + " pixels a side)");
				continue;
			}
			if (loaded.cropped()) cropped++;
			out.add(h == s.height() && w == s.width() ? s : s.cropTopLeft(h, w));
		}
		if (out.isEmpty()) throw new GanException("no image in " + images.describe() + " is large " +
			"enough to evaluate (at least " + minSide + " pixels a side)");
		if (names.size() < images.names().size()) notes.add(names.size() + " of " + images.names()
			.size() + " images, a seeded choice");
		if (cropped > 0) notes.add("images larger than " + options.maxSide() + " pixels a side were " +
			"centre-cropped to " + options.maxSide());
		String rule = options.normalization() == null ? "0-255 for 8-bit and RGB images, each image's " +
			"own min-max per channel otherwise" : options.normalization().describe();
		notes.add("values normalised to [0,1] (" + rule + "); PSNR with data range 1; every result " +
			"clipped to [0,1]; the model sees the degraded image in these units (range:0,1)");
		return out;
	}

	private static void requireTask(ModelDescriptor model, TaskKind task) {
		if (model.task() != task) throw new GanException(model.name() + " is a " + model.task().id() +
			" model, not " + task.id());
	}

	private static InferenceOptions modelOptions(EvaluationOptions options) {
		return options.inference().withNormalization(new Normalization.FixedRange(0, 1))
			.withFloatOutput(true);
	}

	/** Runs an image-to-image model on {@code input} and returns its clipped output, CHW. */
	private static float[] runModel(ModelDescriptor model, Sample input, int height, int width,
		EvaluationOptions options, CancellationToken cancel)
	{
		RasterImage out = ImageToImage.run(model, EvaluationImages.toImage(input), modelOptions(options),
			ProgressListener.NONE, cancel).image();
		if (out.height() != height || out.width() != width) throw new GanException(model.name() +
			" returned " + out.width() + "x" + out.height() + " for a " + input.width() + "x" + input
				.height() + " input; expected " + width + "x" + height);
		return result(out, input.channels());
	}

	/** The model's output, clipped; it must have {@code channels} channels. */
	private static float[] result(RasterImage out, int channels) {
		if (out.logicalChannels() != channels) throw new GanException("the model returned " + out
			.logicalChannels() + " channels for a " + channels + "-channel image");
		return EvaluationImages.clip(EvaluationImages.read(out, 0));
	}

	/** {@code f} applied to each channel plane of {@code input}, clipped. */
	private static float[] perChannel(Sample input, java.util.function.UnaryOperator<float[]> f) {
		int n = input.height() * input.width();
		float[] out = new float[input.values().length];
		for (int c = 0; c < input.channels(); c++)
			System.arraycopy(f.apply(input.plane(c)), 0, out, c * n, n);
		return EvaluationImages.clip(out);
	}

	private static Sample shave(Sample s, int border) {
		return s.crop(border, border, s.height() - 2 * border, s.width() - 2 * border);
	}

	private static Sample shave(Sample like, float[] values, int border) {
		return shave(new Sample(like.name(), like.channels(), like.height(), like.width(), values),
			border);
	}

	/** A seed for stream {@code (a, b)} of {@code seed}. */
	static long mix(long seed, long a, long b) {
		long z = seed * 0x9E3779B97F4A7C15L + a * 0xC2B2AE3D27D4EB4FL + b * 0x165667B19E3779F9L;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	private static EvaluationReport report(ModelDescriptor model, TaskKind task, List<Score> rows,
		List<String> notes, EvaluationOptions options)
	{
		notes.add("seed " + options.seed());
		return new EvaluationReport(model.name(), model.sha256(), task, rows, List.of(), List.of(), null,
			notes);
	}

	/** Per-image PSNR and SSIM of each method under one condition, averaged into rows. */
	private static final class Scores {
		private final String dataset;
		private final TaskKind task;
		private final String condition;
		/** The model's row is told apart by its kind, should it be named like a baseline. */
		private record Method(String name, MethodKind kind) {}

		private final Map<Method, double[]> sums = new LinkedHashMap<>(); // psnr, ssim, counts

		Scores(String dataset, TaskKind task, String condition) {
			this.dataset = dataset;
			this.task = task;
			this.condition = condition;
		}

		void add(String method, MethodKind kind, Sample reference, float[] result) {
			add(method, kind, reference, new Sample(reference.name(), reference.channels(), reference
				.height(), reference.width(), result));
		}

		void add(String method, MethodKind kind, Sample reference, Sample result) {
			record(method, kind, Metrics.psnr(reference.values(), result.values(), 1), Metrics.ssim(
				reference.values(), result.values(), reference.channels(), reference.height(), reference
					.width(), 1));
		}

		void addMasked(String method, MethodKind kind, Sample reference, float[] result,
			boolean[] holes)
		{
			int c = reference.channels(), h = reference.height(), w = reference.width();
			record(method, kind, Metrics.maskedPsnr(reference.values(), result, holes, c, h, w, 1), Metrics
				.maskedSsim(reference.values(), result, holes, c, h, w, 1));
		}

		private void record(String method, MethodKind kind, double psnr, double ssim) {
			double[] s = sums.computeIfAbsent(new Method(method, kind), m -> new double[4]);
			if (!Double.isNaN(psnr)) {
				s[0] += psnr;
				s[2]++;
			}
			if (!Double.isNaN(ssim)) {
				s[1] += ssim;
				s[3]++;
			}
		}

		double meanPsnr(String method, MethodKind kind) {
			double[] s = sums.get(new Method(method, kind));
			return s[0] / s[2];
		}

		List<Score> rows() {
			List<Score> out = new ArrayList<>();
			for (Map.Entry<Method, double[]> e : sums.entrySet()) {
				double[] s = e.getValue();
				out.add(new Score(dataset, task, condition, e.getKey().name(), e.getKey().kind(), s[2] == 0
					? Double.NaN : s[0] / s[2], s[3] == 0 ? Double.NaN : s[1] / s[3], (int) s[2]));
			}
			return out;
		}
	}
}
