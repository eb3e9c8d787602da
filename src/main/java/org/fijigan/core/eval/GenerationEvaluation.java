
package org.fijigan.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.ProgressListener.Stage;
import org.fijigan.core.eval.EvaluationImages.Sample;
import org.fijigan.core.eval.EvaluationReport.Measure;
import org.fijigan.core.eval.EvaluationReport.NearCopy;
import org.fijigan.core.eval.GenerationProtocol.AllClasses;
import org.fijigan.core.eval.GenerationProtocol.ClassGroup;
import org.fijigan.core.eval.GenerationProtocol.GroupImages;
import org.fijigan.core.eval.GenerationProtocol.OneClass;
import org.fijigan.core.eval.GenerationProtocol.TrainingSet;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.image.RawRange;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.ClassFolders;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.core.train.data.SetRange;

/**
 * The generation evaluation ({@link GenerationProtocol}). {@code count} images
 * per class are drawn (sample {@code i} from seed {@code seed + i}, classes one
 * after the other; count 0: as many as the real images of the class) and
 * compared with the real images of the class (the first folder of an image's
 * name, numbered as fine-tuning numbers them: {@link ClassFolders}; one class
 * "all" for an unconditional generator), and all classes together when there
 * are several. Real and training images are centre-cropped to the generated
 * size and normalised as {@link EvaluationOptions#normalization()} says (else
 * as the model records it was fine-tuned, else by fine-tune's default), with
 * one range for each whole set, as fine-tune maps a generator's training images
 * ({@link SetRange}): the real images measured, and the training images;
 * generated images are mapped linearly from the model's output range; both are
 * clipped to [0, 1], and a note says how each set was mapped.
 * <p>
 * Metrics on {@link PcaFeatures} (given, else fitted on the training images,
 * else on the real images): FID, KID (mean and standard deviation over
 * subsets), precision and recall (k = 3). The real-vs-real floor: FID and KID
 * between two seeded halves of the real images, and between the real and the
 * training images. With training images, the memorisation check
 * ({@link Memorisation}) in pixel space: near-copies and the nearest-training
 * distances of generated and real images. Every training image is read
 * ({@link PcaFeatures} fits on at most 1000 of them);
 * {@link EvaluationOptions#maxImages()} limits only the real images.
 * <p>
 * With {@link EvaluationOptions#draws()} above 1, that many sets are drawn,
 * draw {@code d} taking samples {@code d T} to {@code d T + T - 1} ({@code T}
 * images a draw): each measure of generated against real images is the mean
 * over the draws with their standard deviation ({@link #meanOverDraws(List)}),
 * and the memorisation check takes the images of every draw.
 */
public final class GenerationEvaluation {

	private GenerationEvaluation() {}

	/**
	 * The real images, by class, and where each class's samples lie in the one
	 * draw.
	 *
	 * @param names the real images measured, in order
	 * @param byClass the names of each class, classes in order of first
	 *          appearance
	 * @param first each class's first sample number
	 * @param counts each class's number of samples
	 */
	private record Plan(List<String> names, Map<String, List<String>> byClass,
			List<Integer> first, List<Integer> counts, int total) {

		List<String> classes() {
			return new ArrayList<>(byClass.keySet());
		}
	}

	/** Images of the generated size in [0, 1], CHW. */
	private record Loaded(Plan plan, List<float[]> generated,
			Map<String, List<float[]>> realByClass, TrainingSet training,
			int channels, int height, int width) {
	}

	/**
	 * Runs the generation evaluation; see the class description.
	 *
	 * @param training training images, or null (no memorisation check; features
	 *          fitted on {@code real})
	 * @param features features to use instead of fitting them, or null
	 */
	public static EvaluationReport evaluate(ModelDescriptor model, String dataset,
		ImageSource real, ImageSource training, PcaFeatures features,
		EvaluationOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		Evaluation.requireTask(model, TaskKind.GENERATE);
		GeneratorSpec g = model.generator();
		ProgressListener listener = ProgressListener.safe(progress);
		List<String> notes = new ArrayList<>();
		Normalization rule = rule(model, options.normalization(), notes);
		if (real.names().isEmpty()) throw new GanException("no real images in " +
			real.describe());
		if (options.utilityRepeats() > 0 && !g.isConditional())
			throw new GanException("the utility " +
				"measure trains a classifier of the generator's classes, but " + model
					.name() + " is not class-conditional");
		if (options.utilityRepeats() > 0 && training == null)
			throw new GanException("the utility " +
				"measure needs the training images (the real-only classifier trains on them)");
		GenerationProtocol protocol = new GenerationProtocol(options.seed());
		Loaded images = load(model, dataset, EvaluationImages.choose(real.names(),
			options.maxImages(), options.seed()), options.generatedPerClass(), real,
			training, rule, protocol, options, notes, listener, cancel);
		Plan plan = images.plan();
		List<float[]> allReal = new ArrayList<>();
		images.realByClass().values().forEach(allReal::addAll);
		int gc = images.channels(), gh = images.height(), gw = images.width();

		List<float[]> trainImages = images.training().images();
		if (features == null) {
			boolean onTraining = trainImages.size() >= 2;
			features = PcaFeatures.fit(onTraining ? trainImages : allReal, gc, gh, gw,
				PcaFeatures.DEFAULT_COMPONENTS, options.seed(), onTraining
					? "training images"
					: "evaluated real images (no training images given)");
		}
		notes.add("features: " + features.description() +
			"; FID and KID on them are comparable only " +
			"between runs with the same features, not with published Inception values");
		notes.add(
			"FID is biased upwards for small sets: compare values of equal set sizes only");

		List<Measure> measures = new ArrayList<>();
		List<NearCopy> nearCopies = new ArrayList<>();
		List<String> classes = plan.classes();
		List<ClassGroup> groups = new ArrayList<>();
		for (String c : classes)
			groups.add(new OneClass(c));
		if (classes.size() > 1) groups.add(new AllClasses());
		int draws = options.draws();
		for (ClassGroup group : groups) {
			cancel.throwIfCancelled();
			String condition = group.condition();
			GroupImages firstDraw = groupImages(g, plan, images, group, 0, 1);
			if (firstDraw.real().size() < 2) {
				notes.add("class " + condition +
					": fewer than two real images, no metrics");
				continue;
			}
			List<List<Measure>> perDraw = new ArrayList<>();
			for (int d = 0; d < draws; d++)
				perDraw.add(protocol.distributions(dataset, condition, d == 0
					? firstDraw : groupImages(g, plan, images, group, d, 1), features, gc,
					gh, gw, d == 0));
			measures.addAll(meanOverDraws(perDraw));
			if (!trainImages.isEmpty()) protocol.memorisation(dataset, condition,
				groupImages(g, plan, images, group, 0, draws), images.training(),
				group instanceof OneClass, measures, nearCopies);
		}
		if (options.utilityRepeats() > 0) {
			// each set's folders name the classes on their own (A/ held out and a/
			// for training are one class): both keyed by one name per label, the
			// real images' folder where they have one
			TrainingSet t = images.training();
			List<String> trainingFolders = new ArrayList<>();
			for (String name : t.names())
				if (!trainingFolders.contains(classOf(g, name))) trainingFolders.add(
					classOf(g, name));
			Map<String, Integer> trainingLabels = ClassFolders.of(g, trainingFolders)
				.requireOneFolderEach().labels(), realLabels = ClassFolders.of(g,
					classes).requireOneFolderEach().labels();
			Map<Integer, String> nameOf = new java.util.TreeMap<>();
			for (String c : classes)
				nameOf.put(realLabels.get(c), c);
			for (String f : new java.util.TreeSet<>(trainingFolders))
				nameOf.putIfAbsent(trainingLabels.get(f), f);
			Map<String, List<float[]>> trainingByClass = new LinkedHashMap<>();
			for (int i = 0; i < t.images().size(); i++)
				trainingByClass.computeIfAbsent(nameOf.get(trainingLabels.get(classOf(g,
					t.names().get(i)))), k -> new ArrayList<>()).add(t.images().get(i));
			List<String> all = new ArrayList<>(nameOf.values());
			Map<String, Integer> labels = new LinkedHashMap<>();
			nameOf.forEach((label, name) -> labels.put(name, label));
			notes.add(UtilityEvaluation.note(options.utilityRepeats(), options
				.seed()));
			measures.addAll(UtilityEvaluation.measure(model, dataset, all, labels,
				trainingByClass, images.realByClass(), features, gc, gh, gw, options
					.seed(), options.utilityRepeats(), options.inference(), notes,
				cancel));
		}
		if (training == null) notes.add(
			"no training images: no memorisation check, no real-vs-" +
				"training floor");
		notes.add("generation: generated images mapped linearly from the model's " +
			"output range " + Numbers.exact(model.outputRange().min()) + ".." +
			Numbers.exact(model.outputRange().max()) + " to 0..1; real images " +
			"normalised with " + realMapping(rule) + ", centre-cropped to " + gw +
			"x" + gh + "; generated sample i drawn from seed " + options.seed() +
			" + i" + (draws == 1 ? "" : ", in " + draws + " draws of " + plan
				.total() + " (draw d: samples " + plan.total() + "d to " + plan
					.total() + "d + " + (plan.total() - 1) +
				"); each measure of generated vs " +
				"real images is the mean over the draws, its std their standard " +
				"deviation (for KID too, in place of the spread over subsets); the " +
				"memorisation check takes the images of every draw"));
		return new EvaluationReport(model.name(), model.sha256(), TaskKind.GENERATE,
			List.of(), measures, nearCopies, features, notes);
	}

	/**
	 * The rule the real and training images are normalised by: the user's, else
	 * the one the model records ({@link ModelLoader#META_NORMALIZATION}: what it
	 * was fine-tuned with; a note says so), else fine-tune's default.
	 */
	static Normalization rule(ModelDescriptor model, Normalization user,
		List<String> notes)
	{
		Normalization rule = user;
		String recorded = user != null || model.graph() == null ? null : model
			.graph().metadata().get(ModelLoader.META_NORMALIZATION);
		if (recorded != null) {
			try {
				rule = Normalization.parse(recorded);
			}
			catch (GanException e) {
				throw new GanException("model " + model.name() + " records " +
					ModelLoader.META_NORMALIZATION + " '" + recorded + "', which is " +
					"not a normalisation (percentile, percentile:LOW,HIGH, range, " +
					"range:MIN,MAX or none): give --normalize", e);
			}
			if (rule instanceof Normalization.None) throw new GanException(model
				.name() + " was fine-tuned on raw values (it records " +
				ModelLoader.META_NORMALIZATION + " none), but evaluate compares " +
				"images mapped to [0,1]: give --normalize to measure it in those " +
				"units anyway");
			notes.add(model.name() + " records " + ModelLoader.META_NORMALIZATION +
				" " + rule.describe() + " (what it was fine-tuned with): real and " +
				"training images normalised by it");
		}
		if (rule == null) rule = Normalization.DEFAULT;
		EvaluationImages.requireRange(rule);
		return rule;
	}

	/**
	 * How {@code rule} maps the real images, for the note: as fine-tune maps a
	 * generator's training images, one range for each whole set; a percentile
	 * stretch is not the linear mapping of the generated images, which a
	 * generator trained on linearly scaled images needs on both sides.
	 */
	static String realMapping(Normalization rule) {
		String how;
		if (rule instanceof Normalization.Percentile p) how = "one range for " +
			"each whole set, the " + Numbers.exact(p.lowPercent()) + " and " + Numbers
				.exact(p.highPercent()) + " percentiles of all its images' " +
			"values together to 0 and 1, as fine-tune trains a generator by " +
			"default; a generator trained on linearly scaled images is measured " +
			"against them with --normalize range or range:MIN,MAX";
		else if (rule instanceof Normalization.FixedRange r) how =
			"mapped linearly from " + Numbers.exact(r.min()) + ".." + Numbers.exact(r
				.max());
		else if (rule instanceof Normalization.BitDepthRange) how =
			"mapped linearly from their type's range (0..255, 0..65535; 32-bit " +
				"images from their set's minimum to its maximum)";
		else how = "their values as they are";
		return rule.describe() + " (" + how + ")";
	}

	/**
	 * One draw's measures as they are; of several draws, each measure of the
	 * first draw with its mean over the draws that measured it and their standard
	 * deviation, except where they all give the same value (the real images' own
	 * measures) or only the first measured it (the floors): that one is kept with
	 * its own spread.
	 */
	static List<Measure> meanOverDraws(List<List<Measure>> perDraw) {
		List<Measure> first = perDraw.get(0);
		if (perDraw.size() == 1) return first;
		List<Map<String, Measure>> later = new ArrayList<>();
		for (List<Measure> draw : perDraw.subList(1, perDraw.size())) {
			Map<String, Measure> byMetric = new LinkedHashMap<>();
			for (Measure m : draw)
				byMetric.put(m.metric(), m);
			later.add(byMetric);
		}
		List<Measure> out = new ArrayList<>();
		for (Measure m : first) {
			double[] v = new double[perDraw.size()];
			v[0] = m.value();
			boolean same = true, everyDraw = true;
			for (int d = 1; d < v.length; d++) {
				Measure other = later.get(d - 1).get(m.metric());
				if (other == null) {
					everyDraw = false;
					break;
				}
				v[d] = other.value();
				same &= Double.compare(v[d], v[0]) == 0;
			}
			out.add(same || !everyDraw ? m : new Measure(m.dataset(), m.condition(), m
				.metric(), UtilityEvaluation.mean(v), UtilityEvaluation.std(v), m
					.countA(), m.countB()));
		}
		return out;
	}

	/**
	 * The real images measured, by class, and how many samples each class gets
	 * (0: as many as its images measured).
	 */
	private static Plan plan(Map<String, List<String>> byClass, int perClass) {
		List<String> names = new ArrayList<>();
		byClass.values().forEach(names::addAll);
		List<Integer> first = new ArrayList<>(), counts = new ArrayList<>();
		long total = 0;
		for (List<String> members : byClass.values()) {
			int count = perClass > 0 ? perClass : members.size();
			first.add((int) Math.min(total, Integer.MAX_VALUE));
			counts.add(count);
			total += count;
		}
		if (total > Integer.MAX_VALUE) throw new GanException(perClass +
			" generated images for each of " + byClass.size() + " classes are " +
			total + " images, more than one evaluation draws (" + Integer.MAX_VALUE +
			"): ask for fewer with --count");
		return new Plan(names, byClass, first, counts, (int) total);
	}

	/**
	 * The raw ranges of each of {@code images} ({@code what}): one for all the
	 * images of one pixel type ({@link SetRange}), as fine-tune takes one for its
	 * training set, which holds one type. A set that mixes types (8-bit and
	 * 16-bit, grey and RGB), which fine-tune refuses, gets one range per type,
	 * with a note.
	 */
	private static RawRange[][] setRanges(List<RasterImage> images,
		Normalization rule, String what, List<String> notes)
	{
		Map<PixelType, List<RasterImage>> byType = new LinkedHashMap<>();
		for (RasterImage image : images)
			byType.computeIfAbsent(image.type(), k -> new ArrayList<>()).add(image);
		Map<PixelType, RawRange[]> ranges = new LinkedHashMap<>();
		byType.forEach((type, list) -> ranges.put(type, SetRange.of(list, rule,
			what)));
		if (byType.size() > 1) notes.add(what + " mix pixel types " + byType
			.keySet() + ": the images of each type share one range (" + rule
				.describe() + "), as a set of one type would; a generator is trained " +
			"on one type");
		RawRange[][] each = new RawRange[images.size()][];
		for (int i = 0; i < each.length; i++)
			each[i] = ranges.get(images.get(i).type());
		return each;
	}

	/**
	 * Reads the real images {@code names} that are at least the generated size
	 * (one sample drawn first says it), draws every class in one run (sample i
	 * from seed + i; {@code perClass} a class, 0: as many as its real images
	 * measured), then reads the training images.
	 */
	private static Loaded load(ModelDescriptor model, String dataset,
		List<String> names, int perClass, ImageSource real, ImageSource training,
		Normalization rule, GenerationProtocol protocol, EvaluationOptions options,
		List<String> notes, ProgressListener listener, CancellationToken cancel)
	{
		GeneratorSpec g = model.generator();
		Map<String, List<String>> chosen = new LinkedHashMap<>();
		for (String name : names)
			chosen.computeIfAbsent(classOf(g, name), k -> new ArrayList<>()).add(
				name);
		List<String> classes = new ArrayList<>(chosen.keySet());
		Map<String, Integer> classLabels = g.isConditional() ? ClassFolders.of(g,
			classes).requireOneFolderEach().labels() : Map.of();
		InferenceOptions inf = options.inference();
		// the generated size, from sample 0 (drawn again below): the real images
		// measured are those of that size or larger, and the draw as many as them
		RasterImage shape = protocol.draw(model, 1, g.isConditional() ? new long[] {
			classLabels.get(classes.get(0)) } : null, true, inf.device(), inf
				.threads(), cancel).image();
		int gc = shape.logicalChannels(), gh = shape.height(), gw = shape.width();

		// the real images measured (those of the generated size or larger), then
		// one range for all of them, as fine-tune takes one for its training set
		Map<String, List<String>> realNames = new LinkedHashMap<>();
		List<RasterImage> opened = new ArrayList<>();
		int loaded = 0, all = names.size();
		for (String c : classes) {
			List<String> list = new ArrayList<>();
			for (String name : chosen.get(c)) {
				cancel.throwIfCancelled();
				RasterImage image = real.open(name);
				if (largeEnough(name, image, gh, gw, notes)) {
					list.add(name);
					opened.add(image);
				}
				listener.onProgress(new ProgressEvent(Stage.IMAGE, ++loaded, all,
					"fiji-gan: reading real image " + loaded + "/" + all));
			}
			realNames.put(c, list);
		}
		// before anything is drawn for them
		if (opened.size() < 2) throw new GanException(
			"generation metrics need at least two real " +
				"images of the generated size " + gw + "x" + gh + "; " + dataset +
				" has " + opened.size());
		RawRange[][] realRange = setRanges(opened, rule, "the real images", notes);
		Map<String, List<float[]>> realByClass = new LinkedHashMap<>();
		int next = 0;
		for (String c : classes) {
			List<float[]> list = new ArrayList<>();
			for (String name : realNames.get(c))
				list.add(sample(opened.get(next), name, rule, realRange[next++], gc, gh,
					gw));
			realByClass.put(c, list);
		}
		opened.clear();

		Plan plan = plan(realNames, perClass);
		int draws = options.draws();
		if ((long) plan.total() * draws > Integer.MAX_VALUE) throw new GanException(
			draws + " draws of " + plan.total() + " images are more than one " +
				"evaluation draws (" + Integer.MAX_VALUE + "): ask for fewer");
		int total = plan.total() * draws;
		Generator.refuseStackBeyondMemory(model, total, true);
		long[] labels = null;
		if (g.isConditional()) {
			labels = new long[total];
			for (int d = 0; d < draws; d++)
				for (int k = 0; k < classes.size(); k++) {
					int from = d * plan.total() + plan.first().get(k);
					Arrays.fill(labels, from, from + plan.counts().get(k), classLabels
						.get(classes.get(k)));
				}
		}
		listener.onProgress(new ProgressEvent(Stage.GENERATE, 0, total,
			"fiji-gan: generating " + total + " images"));
		RasterImage drawn = protocol.draw(model, total, labels, true, inf.device(),
			inf.threads(), cancel).image();
		ValueRange out = model.outputRange();
		List<float[]> generated = new ArrayList<>();
		for (int i = 0; i < total; i++) {
			float[] v = EvaluationImages.read(drawn, i);
			for (int j = 0; j < v.length; j++)
				v[j] = (float) ((v[j] - out.min()) / out.width());
			generated.add(TaskProtocol.clip(v));
		}

		// every training image, under the one range fine-tune trained with
		List<float[]> trainImages = new ArrayList<>();
		List<String> trainNames = new ArrayList<>();
		List<String> trainingNames = training == null ? List.of() : training
			.names();
		if (!trainingNames.isEmpty()) {
			for (String name : trainingNames) {
				cancel.throwIfCancelled();
				opened.add(training.open(name));
			}
			RawRange[][] trainRange = setRanges(opened, rule, "the training images",
				notes);
			for (int i = 0; i < opened.size(); i++) {
				String name = trainingNames.get(i);
				if (!largeEnough(name, opened.get(i), gh, gw, notes)) continue;
				trainImages.add(sample(opened.get(i), name, rule, trainRange[i], gc, gh,
					gw));
				trainNames.add(name);
			}
		}
		return new Loaded(plan, generated, realByClass, new TrainingSet(trainImages,
			trainNames), gc, gh, gw);
	}

	/**
	 * The generated images of {@code group} in {@code draws} draws from draw
	 * {@code firstDraw} on, and its real and training images.
	 */
	private static GroupImages groupImages(GeneratorSpec g, Plan plan,
		Loaded images, ClassGroup group, int firstDraw, int draws)
	{
		List<String> classes = plan.classes();
		List<float[]> gen = new ArrayList<>(), ref = new ArrayList<>();
		List<Integer> genIndex = new ArrayList<>();
		for (int k = 0; k < classes.size(); k++) {
			if (!group.includes(classes.get(k))) continue;
			for (int d = firstDraw; d < firstDraw + draws; d++) {
				int from = d * plan.total() + plan.first().get(k);
				for (int i = from; i < from + plan.counts().get(k); i++) {
					gen.add(images.generated().get(i));
					genIndex.add(i);
				}
			}
			ref.addAll(images.realByClass().get(classes.get(k)));
		}
		List<float[]> train = new ArrayList<>();
		TrainingSet t = images.training();
		for (int i = 0; i < t.images().size(); i++)
			if (!g.isConditional() || group.includes(classOf(g, t.names().get(i))))
				train.add(t.images().get(i));
		return new GroupImages(gen, genIndex, ref, train);
	}

	/**
	 * Whether {@code image} is at least the generated size; if not, a note says
	 * it is skipped.
	 */
	private static boolean largeEnough(String name, RasterImage image, int height,
		int width, List<String> notes)
	{
		if (image.height() >= height && image.width() >= width) return true;
		notes.add("skipped " + name + ": " + image.width() + "x" + image.height() +
			" is smaller than the generated " + width + "x" + height);
		return false;
	}

	/**
	 * A real or training image of the generated size or larger, for the
	 * generation metrics: centre-cropped and mapped by {@code range}, its set's.
	 */
	private static float[] sample(RasterImage image, String name,
		Normalization rule, RawRange[] range, int channels, int height, int width)
	{
		Sample s = EvaluationImages.load(image, name, rule, range, height, width, 1)
			.sample();
		if (s.channels() != channels) {
			if (channels == 1) s = s.grey();
			else throw new GanException(name + " has " + s.channels() +
				" channels but the generator " + "makes " + channels);
		}
		return s.values();
	}

	/**
	 * The class of an image: its first folder for a conditional generator, else
	 * "all".
	 */
	private static String classOf(GeneratorSpec g, String name) {
		return g.isConditional() ? ClassFolders.classOf(name, "real images")
			: "all";
	}
}
