package org.fijigan.core.train.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

import org.fijigan.core.GanException;
import org.fijigan.core.image.ChannelMap;
import org.fijigan.core.image.ChannelStatistics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ImageInput;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;

/**
 * The training and validation samples of one fine-tuning run: every image opened, checked against
 * the model and normalised once, then cut into patches on demand.
 * <p>
 * The unit of sampling and of the validation split is an <em>item</em>: one plane (slice and
 * frame) of an image, or of an input/target pair. Items are sorted by image name, then plane.
 * The validation items are spread evenly over that order ({@code round(fraction * items)} of
 * them, at least one when the fraction is positive), so the split depends only on the names, not
 * on the seed, and no validation item is ever trained on.
 * <p>
 * Batch {@code step} is a pure function of the seed and the step: all its random choices (item,
 * patch position, flip/rotation, degradation amounts, noise, masks, latents) come, in that order
 * per sample, from one {@link SplittableRandom} seeded from {@code (seed, step)}. A resumed run
 * therefore sees exactly the batches an uninterrupted one would, and batches can be prepared on
 * any thread. Instances are immutable and thread-safe; they hold every image in memory.
 * <p>
 * Values: each image's channels are mapped by the user's {@link Normalization} (statistics over the
 * whole image, never per patch) to normalised units, where degradations act; then inputs go to the
 * model's input range and targets to its output range (the input range for a noise-predicting
 * model, whose target is still the clean image). NaN and infinite pixels become normalised 0.
 */
public final class TrainingData {
	private enum Mode {
		SELF_SUPERVISED, PAIRED, GENERATION
	}

	/** An opened image with its per-channel normalisation: unit = (raw - low) / span. */
	private record Opened(String name, RasterImage image, double[] low, double[] span) {}

	/** One plane of one image (or pair). */
	private record Item(String name, int target, int input, int z, int t, int label) {}

	private final Mode mode;
	private final TaskKind task;
	private final DataOptions options;
	private final Degradation degradation;
	private final int scale;
	private final ValueRange inputRange;
	private final ValueRange targetRange;
	private final MaskSpec maskSpec;
	private final GeneratorSpec generatorSpec;
	private final List<Opened> targets;
	private final List<Opened> inputs;
	private final List<Item> training;
	private final List<Item> validation;
	private final List<String> classNames;
	private final int imageCount;

	private TrainingData(Mode mode, TaskKind task, DataOptions options, Degradation degradation,
		int scale, ValueRange inputRange, ValueRange targetRange, MaskSpec maskSpec,
		GeneratorSpec generatorSpec, List<Opened> targets, List<Opened> inputs, List<Item> training,
		List<Item> validation, List<String> classNames, int imageCount)
	{
		this.mode = mode;
		this.task = task;
		this.options = options;
		this.degradation = degradation;
		this.scale = scale;
		this.inputRange = inputRange;
		this.targetRange = targetRange;
		this.maskSpec = maskSpec;
		this.generatorSpec = generatorSpec;
		this.targets = targets;
		this.inputs = inputs;
		this.training = training;
		this.validation = validation;
		this.classNames = classNames;
		this.imageCount = imageCount;
	}

	/**
	 * Opens and checks the images for fine-tuning {@code model}: pairs for an image-to-image model
	 * trained on targets; clean images plus the task's (or the given) degradation for
	 * super-resolution, denoising, inpainting and other image-to-image models; real images for a
	 * generator (with class labels from sub-folders when it is conditional).
	 *
	 * @throws GanException with a message naming the image and the fix, when an image does not fit
	 *           the model or the options (channels, size, patch, pairing, classes, split)
	 */
	public static TrainingData create(ModelDescriptor model, DataSource source,
		DataOptions options)
	{
		TaskKind task = model.task();
		Mode mode;
		Degradation degradation = null;
		if (task == TaskKind.GENERATE) {
			if (source instanceof DataSource.Pairs) throw new GanException(
				"a generator trains on one folder of real images, not on input/target pairs");
			if (!(model.kind() instanceof ModelKind.Generator)) throw new GanException("model '" + model.name() +
				"' is a generator without a latent input description");
			mode = Mode.GENERATION;
		}
		else if (source instanceof DataSource.Pairs) {
			if (task == TaskKind.INPAINT) throw new GanException("an inpainting model trains on one " +
				"folder of clean images (holes are drawn at random), not on input/target pairs");
			mode = Mode.PAIRED;
		}
		else {
			mode = Mode.SELF_SUPERVISED;
			degradation = options.degradation() != null ? options.degradation() : Degradation
				.defaultFor(task);
			if (degradation == null) throw new GanException("model '" + model.name() + "' (" + task
				.id() + ") has no self-supervised task: give input and target images " +
				"(--input-dir and --target-dir)");
		}
		if (mode != Mode.GENERATION && model.kind() instanceof ModelKind.Generator) throw new GanException(
			"model '" + model.name() + "' has no image input");
		int scale = integerScale(model, mode, degradation);
		MaskSpec maskSpec = null;
		if (mode == Mode.SELF_SUPERVISED && degradation instanceof Degradation.FreeFormHoles) {
			if (!(model.kind() instanceof ModelKind.Inpainting k)) throw new GanException("model '" + model
				.name() + "' takes no mask, so it cannot be trained on holes: choose another degradation");
			maskSpec = k.mask();
		}
		ValueRange inputRange = model.inputRange();
		ValueRange targetRange = model.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT
			? inputRange : model.outputRange();

		List<Opened> targets = new ArrayList<>(), inputs = new ArrayList<>();
		Normalization norm = options.normalization();
		if (mode == Mode.PAIRED) {
			DataSource.Pairs p = (DataSource.Pairs) source;
			for (PairedImages.Pair pair : PairedImages.match(p.inputs(), p.targets())) {
				inputs.add(open(p.inputs(), pair.input(), norm));
				targets.add(open(p.targets(), pair.target(), norm));
			}
		}
		else {
			ImageSource images = ((DataSource.Images) source).images();
			List<String> names = new ArrayList<>(images.names());
			Collections.sort(names);
			if (names.isEmpty()) throw new GanException("no images in " + images.describe());
			for (String name : names)
				targets.add(open(images, name, norm));
		}

		checkChannels(model, mode, targets, inputs);
		int[] labels = new int[targets.size()];
		List<String> classNames = List.of();
		if (mode == Mode.GENERATION && model.generator().isConditional()) classNames = classLabels(
			model.generator(), targets, labels);
		else java.util.Arrays.fill(labels, -1);

		List<Item> items = new ArrayList<>();
		for (int i = 0; i < targets.size(); i++) {
			RasterImage img = targets.get(i).image();
			if (mode == Mode.PAIRED) checkPair(inputs.get(i), targets.get(i), scale);
			int planes = img.slices() * img.frames();
			for (int t = 0; t < img.frames(); t++)
				for (int z = 0; z < img.slices(); z++) {
					int plane = z + img.slices() * t + 1;
					String name = targets.get(i).name() + (planes > 1 ? " (plane " + plane + " of " + planes +
						")" : "");
					items.add(new Item(name, i, mode == Mode.PAIRED ? i : -1, z, t, labels[i]));
				}
		}
		checkSizes(model, mode, options.patchSize(), scale, targets);

		int[] val = validationIndices(items.size(), options.validationFraction());
		List<Item> training = new ArrayList<>(items), validation = new ArrayList<>();
		for (int j = val.length - 1; j >= 0; j--)
			validation.add(0, training.remove(val[j]));
		return new TrainingData(mode, task, options, degradation, scale, inputRange, targetRange,
			maskSpec, mode == Mode.GENERATION ? model.generator() : null, List.copyOf(targets), List
				.copyOf(inputs), List.copyOf(training), List.copyOf(validation), classNames, targets.size());
	}

	/**
	 * The item indices (0-based, increasing) held out for validation: {@code k = round(fraction *
	 * n)} items, at least one for a positive fraction, at {@code floor((j + 0.5) * n / k)} for
	 * {@code j = 0..k-1}.
	 *
	 * @throws GanException when no item would be left for training
	 */
	static int[] validationIndices(int n, double fraction) {
		if (fraction == 0) return new int[0];
		int k = Math.max(1, (int) Math.round(fraction * n));
		if (k >= n) throw new GanException("a validation fraction of " + fraction + " leaves no image " +
			"to train on (" + n + (n == 1 ? " image or plane" : " images or planes") +
			"): add images, or set the validation fraction to 0");
		int[] idx = new int[k];
		for (int j = 0; j < k; j++)
			idx[j] = (int) ((j + 0.5) * n / k);
		return idx;
	}

	private static int integerScale(ModelDescriptor model, Mode mode, Degradation degradation) {
		if (mode == Mode.GENERATION) return 1;
		double s = model.scale();
		long rounded = Math.round(s);
		if (Math.abs(s - rounded) > 1e-6 || rounded < 1) throw new GanException("model '" + model
			.name() + "' scales by " + s + ": fine-tuning needs a whole-number scale");
		int scale = (int) rounded;
		if (mode == Mode.SELF_SUPERVISED) {
			boolean down = degradation instanceof Degradation.Downscale;
			if (down && scale == 1) throw new GanException("model '" + model.name() + "' does not " +
				"upscale (scale 1), so it cannot learn super-resolution from downscaled images");
			if (!down && scale != 1) throw new GanException("model '" + model.name() + "' upscales by " +
				scale + ": train it on downscaled images (super-resolution) or on pairs");
		}
		return scale;
	}

	private static Opened open(ImageSource source, String name, Normalization norm) {
		RasterImage image = source.open(name);
		int c = image.logicalChannels();
		double[] low = new double[c], span = new double[c];
		for (int ch = 0; ch < c; ch++) {
			double lo, hi;
			if (norm instanceof Normalization.None) {
				lo = 0;
				hi = 1;
			}
			else if (norm instanceof Normalization.Percentile p) {
				ChannelStatistics s = ChannelStatistics.of(image, ch);
				lo = s.percentile(p.lowPercent());
				hi = s.percentile(p.highPercent());
			}
			else if (norm instanceof Normalization.FixedRange r) {
				lo = r.min();
				hi = r.max();
			}
			else if (image.type().isInteger()) {
				lo = image.type().min();
				hi = image.type().max();
			}
			else {
				ChannelStatistics s = ChannelStatistics.of(image, ch);
				lo = s.min();
				hi = s.max();
			}
			if (!(hi > lo)) hi = lo + 1; // flat channel: avoid dividing by zero
			low[ch] = lo;
			span[ch] = hi - lo;
		}
		return new Opened(name, image, low, span);
	}

	private static void checkChannels(ModelDescriptor model, Mode mode, List<Opened> targets,
		List<Opened> inputs)
	{
		int wantIn = model.kind() instanceof ModelKind.Generator ? 0 : model.image().channels();
		int wantOut = model.outputChannels();
		for (int i = 0; i < targets.size(); i++) {
			Opened t = targets.get(i);
			int ct = t.image().logicalChannels();
			Opened first = targets.get(0);
			if (ct != first.image().logicalChannels()) throw new GanException("'" + t.name() + "' has " +
				channels(ct) + " but '" + first.name() + "' has " + channels(first.image()
					.logicalChannels()) + ": all training images need the same channels");
			if (mode == Mode.SELF_SUPERVISED && wantIn > 0 && ct != wantIn) throw new GanException(
				"model '" + model.name() + "' takes " + channels(wantIn) + " but '" + t.name() + "' has " +
					channels(ct));
			if (wantOut > 0 && ct != wantOut && mode != Mode.SELF_SUPERVISED) throw new GanException(
				"model '" + model.name() + "' produces " + channels(wantOut) + " but the " + (mode == Mode.PAIRED
					? "target " : "image ") + "'" + t.name() + "' has " + channels(ct));
			if (mode == Mode.SELF_SUPERVISED && wantOut > 0 && ct != wantOut) throw new GanException(
				"model '" + model.name() + "' turns " + channels(ct) + " into " + channels(wantOut) +
					", so it cannot learn to restore '" + t.name() + "' from a degraded copy: give pairs");
			if (mode == Mode.PAIRED) {
				int ci = inputs.get(i).image().logicalChannels();
				if (wantIn > 0 && ci != wantIn) throw new GanException("model '" + model.name() +
					"' takes " + channels(wantIn) + " but the input '" + inputs.get(i).name() + "' has " +
					channels(ci));
				int c0 = inputs.get(0).image().logicalChannels();
				if (ci != c0) throw new GanException("the input '" + inputs.get(i).name() + "' has " +
					channels(ci) + " but '" + inputs.get(0).name() + "' has " + channels(c0) +
					": all inputs need the same channels");
			}
		}
	}

	private static String channels(int n) {
		return n == 1 ? "1 channel" : n + " channels";
	}

	private static void checkPair(Opened input, Opened target, int scale) {
		RasterImage a = input.image(), b = target.image();
		if ((long) a.width() * scale != b.width() || (long) a.height() * scale != b.height())
			throw new GanException("the target '" + target.name() + "' is " + b.width() + "x" + b
				.height() + " but its input '" + input.name() + "' is " + a.width() + "x" + a.height() +
				(scale == 1 ? ": they must have the same size" : ": the target must be " + scale +
					" times larger (the model's scale)"));
		if (a.slices() != b.slices() || a.frames() != b.frames()) throw new GanException("the target '" +
			target.name() + "' has " + b.slices() * b.frames() + " planes but its input '" + input
				.name() + "' has " + a.slices() * a.frames() + ": they must match");
	}

	/** Checks that every image fits the patch, or, for whole images, that they share one size. */
	private static void checkSizes(ModelDescriptor model, Mode mode, int patch, int scale,
		List<Opened> targets)
	{
		int w, h;
		if (patch > 0) {
			if (patch % scale != 0) throw new GanException("the patch size " + patch + " is not a " +
				"multiple of the model's scale " + scale + ": use --patch " + Math.max(scale, patch /
					scale * scale));
			for (Opened t : targets)
				if (t.image().width() < patch || t.image().height() < patch) throw new GanException(
					"'" + t.name() + "' (" + t.image().width() + "x" + t.image().height() +
						") is smaller than the " + patch + "x" + patch + " patch: use a smaller --patch, or " +
						"--patch 0 for whole images");
			w = h = patch;
		}
		else {
			Map<String, List<String>> bySize = new TreeMap<>();
			for (Opened t : targets) {
				int tw = t.image().width() / scale * scale, th = t.image().height() / scale * scale;
				bySize.computeIfAbsent(tw + "x" + th, k -> new ArrayList<>()).add(t.name());
			}
			if (bySize.size() > 1) {
				StringBuilder sb = new StringBuilder("--patch 0 trains on whole images, which must share " +
					"one size, but");
				int shown = 0;
				for (Map.Entry<String, List<String>> e : bySize.entrySet()) {
					if (shown++ == 4) {
						sb.append(" and ").append(bySize.size() - 4).append(" more sizes");
						break;
					}
					List<String> names = e.getValue();
					sb.append(shown > 1 ? ";" : "").append(' ').append(names.get(0)).append(names.size() > 1
						? " (and " + (names.size() - 1) + " more)" : "").append(names.size() > 1 ? " are "
							: " is ").append(e.getKey());
				}
				throw new GanException(sb.append(": give a patch size (--patch P)").toString());
			}
			RasterImage first = targets.get(0).image();
			w = first.width() / scale * scale;
			h = first.height() / scale * scale;
			if (w == 0 || h == 0) throw new GanException("'" + targets.get(0).name() +
				"' is smaller than the model's scale " + scale);
		}
		if (mode == Mode.GENERATION) return;
		ImageInput in = model.image();
		int iw = w / scale, ih = h / scale;
		if (!in.x().accepts(iw) || !in.y().accepts(ih)) {
			String fix = patch > 0 ? "choose a --patch whose input size it accepts" + suggestion(in,
				scale, patch) : "use --patch with a size it accepts";
			throw new GanException("model input '" + in.name() + "' accepts widths " + in.x() +
				" and heights " + in.y() + ", but the training input would be " + iw + "x" + ih + ": " +
				fix);
		}
	}

	private static String suggestion(ImageInput in, int scale, int patch) {
		int x = in.x().validSizeAtMost(patch / scale), y = in.y().validSizeAtMost(patch / scale);
		if (x < 1 || y < 1 || x != y) return "";
		return " (e.g. " + x * scale + ")";
	}

	/** Labels from each image's first folder; returns the class names, index = label. */
	private static List<String> classLabels(GeneratorSpec g, List<Opened> images, int[] labels) {
		String[] folders = new String[images.size()];
		for (int i = 0; i < images.size(); i++) {
			String name = images.get(i).name();
			int slash = name.indexOf('/');
			if (slash <= 0) throw new GanException("the generator takes a class label, so the images " +
				"must sit in sub-folders named by class (one per class), but '" + name +
				"' is not in a sub-folder");
			folders[i] = name.substring(0, slash);
		}
		TreeSet<String> distinct = new TreeSet<>(List.of(folders));
		List<String> names;
		if (!g.classNames().isEmpty()) {
			names = g.classNames();
			for (String f : distinct)
				if (!names.contains(f)) throw new GanException("sub-folder '" + f + "' is not one of the " +
					"model's classes " + names + ": name the sub-folders after them");
		}
		else if (distinct.stream().allMatch(f -> f.matches("\\d{1,4}"))) {
			int max = distinct.stream().mapToInt(Integer::parseInt).max().orElse(0);
			List<String> numbered = new ArrayList<>();
			for (int i = 0; i <= max; i++)
				numbered.add(Integer.toString(i));
			names = numbered;
		}
		else names = List.copyOf(distinct);
		Map<String, Integer> index = new LinkedHashMap<>();
		for (int i = 0; i < names.size(); i++)
			index.putIfAbsent(names.get(i), i);
		for (String f : distinct)
			if (!index.containsKey(f)) index.put(f, Integer.parseInt(f)); // numbered, e.g. "007"
		for (int i = 0; i < folders.length; i++) {
			int label = index.get(folders[i]);
			if (g.classCount() > 0 && label >= g.classCount()) throw new GanException("sub-folder '" +
				folders[i] + "' would be class " + label + " but the model has " + g.classCount() +
				" classes (0.." + (g.classCount() - 1) + ")" + (g.classNames().isEmpty() && !folders[i]
					.matches("\\d+") ? "; classes are numbered by sorted sub-folder name" : ""));
			labels[i] = label;
		}
		return List.copyOf(names);
	}

	/**
	 * Training batch number {@code step}: {@code batchSize} samples drawn with replacement from the
	 * training items. The same seed, step and size always give the same batch.
	 */
	public TrainingBatch batch(long step, int batchSize) {
		if (step < 0) throw new IllegalArgumentException("step must be >= 0");
		if (batchSize < 1) throw new GanException("the batch size must be at least 1");
		RandomValues random = new RandomValues(new SplittableRandom(streamSeed(options.seed(), step)));
		List<TrainingSample> samples = new ArrayList<>(batchSize);
		for (int i = 0; i < batchSize; i++) {
			Item item = training.get(random.nextInt(training.size()));
			samples.add(sample(item, random, true));
		}
		return TrainingBatch.of(samples, latentShape());
	}

	/**
	 * One sample per validation item, always the same for a seed: the centre patch (or the whole
	 * image), no augmentation, degraded with a random stream of its own (independent of training).
	 */
	public List<TrainingSample> validationSamples() {
		List<TrainingSample> list = new ArrayList<>(validation.size());
		for (int j = 0; j < validation.size(); j++) {
			RandomValues random = new RandomValues(new SplittableRandom(streamSeed(options.seed(), -1 -
				j)));
			list.add(sample(validation.get(j), random, false));
		}
		return List.copyOf(list);
	}

	private long[] latentShape() {
		return generatorSpec == null ? null : generatorSpec.latentShape();
	}

	/** A well-mixed seed for stream {@code step} of run {@code seed} (murmur3's finaliser). */
	static long streamSeed(long seed, long step) {
		return mix(mix(seed) ^ (step * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
	}

	private static long mix(long z) {
		z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
		z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
		return z ^ (z >>> 33);
	}

	private TrainingSample sample(Item item, RandomValues random, boolean training) {
		Opened target = targets.get(item.target());
		RasterImage img = target.image();
		int patch = options.patchSize();
		int pw = patch > 0 ? patch : img.width() / scale * scale;
		int ph = patch > 0 ? patch : img.height() / scale * scale;
		int grid = mode == Mode.PAIRED ? scale : 1; // a pair's target patch starts on the input grid
		int nx = (img.width() - pw) / grid + 1, ny = (img.height() - ph) / grid + 1;
		int x0 = 0, y0 = 0; // whole images: cropped at the right and bottom to a multiple of the scale
		if (patch > 0) {
			x0 = grid * (training ? random.nextInt(nx) : (nx - 1) / 2);
			y0 = grid * (training ? random.nextInt(ny) : (ny - 1) / 2);
		}
		Planes clean = read(target, item.z(), item.t(), x0, y0, pw, ph);
		Planes input = null;
		if (mode == Mode.PAIRED) input = read(inputs.get(item.input()), item.z(), item.t(), x0 / scale,
			y0 / scale, pw / scale, ph / scale);
		int k = 0;
		if (training && options.augmentation() == Augmentation.FLIPS) k = pw == ph ? random.nextInt(
			Augmentation.TRANSFORMS) : 2 * random.nextInt(Augmentation.TRANSFORMS / 2);
		clean = Augmentation.transform(clean, k);
		if (input != null) input = Augmentation.transform(input, k);

		ChannelMap targetMap = toModel(target, targetRange);
		ChannelMap inputMap = mode == Mode.GENERATION ? null : toModel(mode == Mode.PAIRED ? inputs.get(
			item.input()) : target, inputRange);
		boolean[] holes = null;
		if (mode == Mode.SELF_SUPERVISED) {
			input = new Planes(clean.channels(), clean.height(), clean.width(), clean.values().clone());
			if (degradation instanceof Degradation.Downscale d) {
				Degradations.gaussianBlur(input, random.uniform(d.blurSigma()));
				input = Degradations.areaDownscale(input, scale);
				Degradations.addGaussianNoise(input, random.uniform(d.noiseSigma()), random);
			}
			else if (degradation instanceof Degradation.FreeFormHoles f) holes = FreeFormMask.generate(
				input.width(), input.height(), f, random);
			else addNoise(input, degradation, random);
		}
		float[] latent = null;
		if (mode == Mode.GENERATION) {
			latent = new float[generatorSpec.latentDim()];
			for (int i = 0; i < latent.length; i++)
				latent[i] = (float) random.gaussian();
		}
		if (input != null) toModelRange(input, inputRange);
		toModelRange(clean, targetRange);
		Planes mask = null;
		if (holes != null) {
			mask = Planes.zeros(1, input.height(), input.width());
			float hole = (float) maskSpec.holeValue(), keep = (float) maskSpec.keepValue();
			float[] m = mask.values(), v = input.values();
			int n = holes.length;
			for (int i = 0; i < n; i++) {
				m[i] = holes[i] ? hole : keep;
				if (holes[i]) for (int c = 0; c < input.channels(); c++)
					v[c * n + i] = 0; // the model must never see what it has to invent
			}
			if (maskSpec.isExtraChannel()) {
				float[] joined = java.util.Arrays.copyOf(v, v.length + n);
				System.arraycopy(m, 0, joined, v.length, n);
				input = new Planes(input.channels() + 1, input.height(), input.width(), joined);
			}
		}
		return new TrainingSample(item.name(), input, mask, clean, item.label(), latent, inputMap,
			targetMap);
	}

	/** Adds the noise of a noise degradation (for a mix, of one of its models drawn here). */
	private static void addNoise(Planes input, Degradation d, RandomValues random) {
		if (d instanceof Degradation.NoiseMix m) d = m.models().get(random.nextInt(m.models().size()));
		if (d instanceof Degradation.GaussianNoise g) Degradations.addGaussianNoise(input, random.uniform(g
			.sigma()), random);
		else if (d instanceof Degradation.PoissonGaussianNoise p) {
			double photons = random.logUniform(p.photons());
			Degradations.addPoissonGaussianNoise(input, photons, random.uniform(p.readSigma()), random);
		}
	}

	/** Reads a region of every channel of one plane, in normalised units (non-finite -> 0). */
	private Planes read(Opened o, int z, int t, int x, int y, int w, int h) {
		RasterImage img = o.image();
		int c = img.logicalChannels(), n = w * h;
		float[] v = new float[c * n];
		boolean raw = options.normalization() instanceof Normalization.None;
		for (int ch = 0; ch < c; ch++) {
			img.readRegion(ch, z, t, x, y, w, h, v, ch * n);
			double lo = o.low()[ch], inv = 1 / o.span()[ch];
			for (int i = ch * n; i < (ch + 1) * n; i++) {
				float u = raw ? v[i] : (float) ((v[i] - lo) * inv);
				v[i] = Float.isFinite(u) ? u : 0;
			}
		}
		return new Planes(c, h, w, v);
	}

	/** The raw-to-model map of one image: identity for normalisation {@code none}. */
	private ChannelMap toModel(Opened o, ValueRange range) {
		int c = o.low().length;
		if (options.normalization() instanceof Normalization.None) return ChannelMap.identity(c);
		double[] s = new double[c], off = new double[c];
		for (int ch = 0; ch < c; ch++) {
			s[ch] = range.width() / o.span()[ch];
			off[ch] = range.min() - o.low()[ch] * s[ch];
		}
		return new ChannelMap(s, off, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
	}

	/** Normalised units to the model's range, in place (nothing for normalisation none). */
	private void toModelRange(Planes p, ValueRange range) {
		if (options.normalization() instanceof Normalization.None) return;
		double width = range.width(), min = range.min();
		if (width == 1 && min == 0) return;
		float[] v = p.values();
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (v[i] * width + min);
	}

	/** Training items (image, or image and plane), in sorted order. */
	public List<String> trainingItems() {
		return training.stream().map(Item::name).toList();
	}

	/** Validation items, in sorted order; never trained on. */
	public List<String> validationItems() {
		return validation.stream().map(Item::name).toList();
	}

	/** Class names of a conditional generator, index = label; empty otherwise. */
	public List<String> classNames() {
		return classNames;
	}

	/** The degradation that makes inputs from clean images, or null (pairs, generator). */
	public Degradation degradation() {
		return degradation;
	}

	public DataOptions options() {
		return options;
	}

	/** Whether samples are pairs from an input and a target folder. */
	public boolean isPaired() {
		return mode == Mode.PAIRED;
	}

	/** One line for logs and provenance. */
	public String describe() {
		StringBuilder sb = new StringBuilder();
		sb.append(imageCount).append(imageCount == 1 ? (mode == Mode.PAIRED ? " pair" : " image")
			: (mode == Mode.PAIRED ? " pairs" : " images"));
		sb.append(": ").append(training.size()).append(" for training, ").append(validation.size())
			.append(" for validation");
		if (training.size() + validation.size() != imageCount) sb.append(" (planes)");
		int p = options.patchSize();
		sb.append("; ").append(p > 0 ? p + "x" + p + " patches" : "whole images");
		sb.append(", ").append(options.augmentation() == Augmentation.FLIPS ? "flips and rotations"
			: "no augmentation");
		sb.append("; ").append(options.normalization().describe());
		if (!(options.normalization() instanceof Normalization.None)) sb.append(" -> ").append(
			mode == Mode.GENERATION ? targetRange : inputRange);
		if (degradation != null) sb.append("; ").append(task.id()).append(": ").append(degradation
			.describe());
		if (!classNames.isEmpty()) sb.append("; ").append(classNames.size()).append(" classes");
		return sb.toString();
	}
}
