package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.fijigan.core.eval.GenerationProtocol.AllClasses;
import org.fijigan.core.eval.GenerationProtocol.ClassGroup;
import org.fijigan.core.eval.GenerationProtocol.OneClass;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.core.train.data.Planes;

/**
 * Measures a model against classical baselines on a set of clean images, by the protocol of its
 * task ({@link TaskProtocol}: how the clean image is degraded, which baselines, which metrics):
 * <ul>
 * <li><b>super-resolution</b> ({@link SuperResolutionProtocol#evaluation}): each image is cropped at
 * the right and bottom to a multiple of the model's (whole) scale {@code s}, area-averaged down by
 * {@code s} (the training degradation), and enlarged again by the model, bicubic and
 * nearest-neighbour interpolation; PSNR and SSIM against the original with {@code s} pixels shaved
 * off each border.</li>
 * <li><b>denoising</b> ({@link DenoisingProtocol#evaluation}): Gaussian noise of sigma 15, 25 and 50
 * (in 8-bit units: sigma/255 of the range) and Poisson-Gaussian noise (30 photons at the top of the
 * range, Gaussian read noise 0.01 of the range); against the noisy input, a Gaussian blur whose
 * sigma is the best of {@link DenoisingProtocol#BLUR_SIGMAS} by mean PSNR <em>on the same
 * images</em> (which favours the baseline), and 3x3 and 5x5 median filters.</li>
 * <li><b>inpainting</b> ({@link InpaintingProtocol#evaluation}): seeded free-form holes (training's
 * brush strokes and boxes) covering 10-30% of each image; PSNR and SSIM inside the holes only (the
 * SSIM map averaged over hole pixels at least 5 pixels from the border), against harmonic (Laplace)
 * filling and filling with the mean of the known pixels. The model sees the image with its holes
 * set to 0.</li>
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
		int s = SuperResolutionProtocol.wholeScale(model.scale());
		if (s < 2) throw new GanException("super-resolution evaluation needs a whole-number scale of " +
			"at least 2; " + model.name() + " scales by " + model.scale() + " (set it with --scale)");
		SuperResolutionProtocol protocol = SuperResolutionProtocol.evaluation(s);
		List<String> notes = new ArrayList<>();
		List<Sample> samples = restorationSamples(images, options, 2 * s + Metrics.SSIM_WINDOW, s, notes,
			progress, cancel);
		Scores scores = new Scores(dataset, TaskKind.SUPER_RESOLUTION, protocol.condition());
		ProgressListener listener = ProgressListener.safe(progress);
		for (int i = 0; i < samples.size(); i++) {
			cancel.throwIfCancelled();
			Sample hr = samples.get(i);
			Planes low = protocol.degrade(hr.planes());
			float[] byModel = runModel(model, hr.named(low), hr.height(), hr.width(), options, cancel);
			scores.add(model.name(), MethodKind.MODEL, protocol.measure(hr.planes(), hr.planesOf(byModel)));
			for (SuperResolutionProtocol.Upscaling b : protocol.baselines())
				scores.add(b.method(), MethodKind.BASELINE, protocol.measure(hr.planes(), protocol.enlarge(b,
					low)));
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
		DenoisingProtocol protocol = DenoisingProtocol.evaluation();
		List<String> notes = new ArrayList<>();
		List<Sample> samples = restorationSamples(images, options, Metrics.SSIM_WINDOW, 1, notes,
			progress, cancel);
		ProgressListener listener = ProgressListener.safe(progress);
		List<Score> rows = new ArrayList<>();
		List<DenoisingProtocol.Noise> conditions = protocol.conditions();
		List<Double> sigmas = protocol.blurSigmas();
		long total = (long) conditions.size() * samples.size(), done = 0;
		for (int ci = 0; ci < conditions.size(); ci++) {
			DenoisingProtocol.Noise noise = conditions.get(ci);
			Scores scores = new Scores(dataset, TaskKind.DENOISE, noise.condition());
			Scores[] blurred = new Scores[sigmas.size()];
			for (int b = 0; b < blurred.length; b++)
				blurred[b] = new Scores(dataset, TaskKind.DENOISE, noise.condition());
			for (int i = 0; i < samples.size(); i++) {
				cancel.throwIfCancelled();
				Sample clean = samples.get(i);
				Planes input = protocol.degrade(clean.planes(), noise, new SplittableRandom(TaskProtocol
					.streamSeed(options.seed(), 1 + ci, i)));
				scores.add(model.name(), MethodKind.MODEL, protocol.measure(clean.planes(), clean.planesOf(runModel(
					model, clean.named(input), clean.height(), clean.width(), options, cancel))));
				scores.add("noisy input", MethodKind.REFERENCE, protocol.measure(clean.planes(),
					DenoisingProtocol.clipped(input)));
				for (int b = 0; b < sigmas.size(); b++)
					blurred[b].add("blur", MethodKind.BASELINE, protocol.measure(clean.planes(), DenoisingProtocol
						.blur(input, sigmas.get(b))));
				for (int size : protocol.medianSizes())
					scores.add(DenoisingProtocol.medianName(size), MethodKind.BASELINE, protocol.measure(clean
						.planes(), DenoisingProtocol.median(input, size)));
				listener.onProgress(new ProgressEvent("image", ++done, total, "fiji-gan: evaluated " + done +
					"/" + total));
			}
			int best = 0;
			for (int b = 1; b < sigmas.size(); b++)
				if (blurred[b].meanPsnr("blur", MethodKind.BASELINE) > blurred[best].meanPsnr("blur",
					MethodKind.BASELINE)) best = b;
			List<Score> condition = scores.rows();
			Score blur = blurred[best].rows().get(0);
			condition.add(2, new Score(blur.dataset(), blur.task(), blur.condition(), DenoisingProtocol
				.blurName(sigmas.get(best)) + " (tuned here)", blur.kind(), blur.psnr(), blur.ssim(), blur
					.n()));
			rows.addAll(condition);
		}
		double peak = DenoisingProtocol.POISSON_PEAK_PHOTONS;
		notes.add("denoising: Gaussian noise sigma in 8-bit units (sigma/255 of the range); " +
			"Poisson-Gaussian: Poisson(" + EvaluationReport.number(peak) + " x value) / " + EvaluationReport
				.number(peak) + " plus Gaussian read noise " + EvaluationReport.number(
					DenoisingProtocol.POISSON_READ_NOISE) + "; noise seeded per condition and image");
		notes.add("denoising: the Gaussian blur's sigma is the best of " + Arrays.toString(
			DenoisingProtocol.BLUR_SIGMAS) + " by mean PSNR on these same images, which favours the " +
			"baseline");
		return report(model, TaskKind.DENOISE, rows, notes, options);
	}

	/** The inpainting protocol; see the class description. */
	public static EvaluationReport inpainting(ModelDescriptor model, String dataset,
		ImageSource images, EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		requireTask(model, TaskKind.INPAINT);
		InpaintingProtocol protocol = InpaintingProtocol.evaluation();
		List<String> notes = new ArrayList<>();
		List<Sample> samples = restorationSamples(images, options, Metrics.SSIM_WINDOW + 2, 1, notes,
			progress, cancel);
		String condition = InpaintingProtocol.condition();
		Scores scores = new Scores(dataset, TaskKind.INPAINT, condition);
		ProgressListener listener = ProgressListener.safe(progress);
		InferenceOptions run = modelOptions(options).withCompositeInpaint(true);
		for (int i = 0; i < samples.size(); i++) {
			cancel.throwIfCancelled();
			Sample clean = samples.get(i);
			int h = clean.height(), w = clean.width();
			boolean[] holes = InpaintingProtocol.drawHoles(w, h, new SplittableRandom(TaskProtocol
				.streamSeed(options.seed(), 100, i)));
			Planes known = protocol.degrade(clean.planes(), holes);
			RasterImage out = Inpainter.run(model, EvaluationImages.toImage(clean.named(known)), maskImage(
				holes, w, h), run, ProgressListener.NONE, cancel).image();
			scores.add(model.name(), MethodKind.MODEL, protocol.measure(clean.planes(), clean.planesOf(result(
				out, clean.channels())), holes));
			for (InpaintingProtocol.Fill fill : protocol.baselines())
				scores.add(fill.method(), MethodKind.BASELINE, protocol.measure(clean.planes(),
					InpaintingProtocol.fill(fill, known, holes), holes));
			listener.onProgress(new ProgressEvent("image", i + 1, samples.size(), "fiji-gan: evaluated " +
				(i + 1) + "/" + samples.size()));
		}
		notes.add("inpainting: seeded free-form holes (brush strokes and boxes, as in training) " +
			"covering " + condition.substring(condition.lastIndexOf(' ') + 1) + " of each image; PSNR " +
			"and SSIM inside the holes only (SSIM map averaged over hole pixels at least 5 pixels " +
			"from the border)");
		return report(model, TaskKind.INPAINT, scores.rows(), notes, options);
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
				Arrays.fill(classLabels, (int) ranges.get(k)[0], (int) (ranges.get(k)[0] + ranges
					.get(k)[1]), labels.get(classes.get(k)));
		}
		listener.onProgress(new ProgressEvent("generate", 0, total, "fiji-gan: generating " + total +
			" images"));
		InferenceOptions inf = options.inference();
		GenerationProtocol protocol = new GenerationProtocol(options.seed());
		RasterImage drawn = protocol.draw(model, total, classLabels, true, inf.device(), inf.threads(),
			cancel).image();
		int gc = drawn.logicalChannels(), gh = drawn.height(), gw = drawn.width();
		ValueRange out = model.outputRange();
		List<float[]> generated = new ArrayList<>();
		for (int i = 0; i < total; i++) {
			float[] v = EvaluationImages.read(drawn, i);
			for (int j = 0; j < v.length; j++)
				v[j] = (float) ((v[j] - out.min()) / out.width());
			generated.add(TaskProtocol.clip(v));
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
		List<ClassGroup> groups = new ArrayList<>();
		for (String c : classes)
			groups.add(new OneClass(c));
		if (classes.size() > 1) groups.add(new AllClasses());
		GenerationProtocol.TrainingSet trainingSet = new GenerationProtocol.TrainingSet(trainImages,
			trainNames);
		for (ClassGroup group : groups) {
			cancel.throwIfCancelled();
			List<float[]> gen = new ArrayList<>(), ref = new ArrayList<>();
			List<Integer> genIndex = new ArrayList<>();
			for (int k = 0; k < classes.size(); k++) {
				if (!group.includes(classes.get(k))) continue;
				long[] r = ranges.get(k);
				for (int i = (int) r[0]; i < r[0] + r[1]; i++) {
					gen.add(generated.get(i));
					genIndex.add(i);
				}
				ref.addAll(realByClass.get(classes.get(k)));
			}
			List<float[]> train = new ArrayList<>();
			for (int t = 0; t < trainImages.size(); t++)
				if (!g.isConditional() || group.includes(classOf(g, trainNames.get(t)))) train.add(trainImages
					.get(t));
			String condition = group.condition();
			if (ref.size() < 2) {
				notes.add("class " + condition + ": fewer than two real images, no metrics");
				continue;
			}
			GenerationProtocol.GroupImages images = new GenerationProtocol.GroupImages(gen, genIndex, ref,
				train);
			measures.addAll(protocol.distributions(dataset, condition, images, features, gc, gh, gw));
			if (!trainImages.isEmpty()) protocol.memorisation(dataset, condition, images, trainingSet,
				group instanceof OneClass, measures, nearCopies);
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
		return TaskProtocol.clip(EvaluationImages.read(out, 0));
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

		void add(String method, MethodKind kind, TaskProtocol.Quality quality) {
			record(method, kind, quality.psnr(), quality.ssim());
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
