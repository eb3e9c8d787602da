
package org.fijigan.core.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.fijigan.core.GanException;
import org.fijigan.core.Seeds;
import org.fijigan.core.image.FinitePixels;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.trust.GenerationProvenance;

/**
 * The training and validation samples of one fine-tuning run: every image
 * opened, checked against the model and normalised once, then cut into patches
 * on demand.
 * <p>
 * The unit of sampling is an <em>item</em>: one plane (slice and frame) of an
 * image, or of an input/target pair, and for a 1-channel model one channel of
 * it. Items are sorted by image name, then plane. The validation split is by
 * image: the held-out images are spread evenly over the sorted names
 * ({@code round(fraction * images)} of them, at least one when the fraction is
 * positive, none when that would leave no image to train on), and all the items
 * of an image fall on the same side, so the split depends only on the names,
 * not on the seed, and no plane or channel of a validation image is ever
 * trained on.
 * <p>
 * Batch {@code step} is a pure function of the seed and the step: all its
 * random choices (item, patch position, flip/rotation, degradation amounts,
 * noise, masks, latents) come, in that order per sample, from one
 * {@link SplittableRandom} seeded from {@code (seed, step)}. A resumed run
 * therefore sees exactly the batches an uninterrupted one would, and batches
 * can be prepared on any thread. Instances are immutable and thread-safe; they
 * hold every image in memory.
 * <p>
 * Values: each image's channels are mapped by the user's {@link Normalization}
 * (statistics over the whole image, never per patch; for a generator, over the
 * whole set, one map for every image; for a pair, the input's, which maps its
 * target too, as inference maps the model's output back by the input's) to
 * normalised units, where degradations act; then inputs go to the model's input
 * range and targets to its output range (the input range for a noise-predicting
 * model, whose target is still the clean image). NaN and infinite pixels become
 * normalised 0; an image with a channel or plane of nothing else is refused.
 * <p>
 * The checks are {@link TrainingChecks}'s, the patches {@link PatchSampler}'s,
 * the class numbering {@link ClassFolders}'.
 */
public final class TrainingData {

	private final TaskKind task;
	private final PatchSampler sampler;
	private final List<TrainingItem> training;
	private final List<TrainingItem> validation;
	private final List<String> classNames;
	private final int imageCount;
	private final List<String> notes;

	private TrainingData(TaskKind task, PatchSampler sampler,
		List<TrainingItem> training, List<TrainingItem> validation,
		List<String> classNames, int imageCount, List<String> notes)
	{
		this.notes = List.copyOf(notes);
		this.task = task;
		this.sampler = sampler;
		this.training = training;
		this.validation = validation;
		this.classNames = classNames;
		this.imageCount = imageCount;
	}

	/**
	 * Opens and checks the images for fine-tuning {@code model}: pairs for an
	 * image-to-image model trained on targets; clean images plus the task's (or
	 * the given) degradation for super-resolution, denoising, inpainting and
	 * other image-to-image models; real images for a generator (with class labels
	 * from sub-folders when it is conditional).
	 *
	 * @throws GanException with a message naming the image and the fix, when an
	 *           image does not fit the model or the options (channels, size,
	 *           patch, pairing, classes, split)
	 */
	public static TrainingData create(ModelDescriptor model, DataSource source,
		DataOptions options)
	{
		return create(model, source, options, -1);
	}

	/**
	 * As {@link #create(ModelDescriptor, DataSource, DataOptions)}, for a
	 * generator whose ONNX file leaves its output's height or width open
	 * ({@link #generatedOutput}) but that was run once to find it: it makes
	 * square images of side {@code generatedSide} (-1: unknown, or fixed in the
	 * file).
	 */
	public static TrainingData create(ModelDescriptor model, DataSource source,
		DataOptions options, int generatedSide)
	{
		TaskKind task = model.task();
		TrainingMode mode;
		Degradation degradation = null;
		if (options.degradation() instanceof Degradation.BlindSpot) {
			if (!(task == TaskKind.DENOISE || task == TaskKind.IMAGE_TO_IMAGE))
				throw new GanException(
					"self-supervised Noise2Void training is for denoisers (image-to-image models); '" +
						model.name() + "' is " + (task == TaskKind.INPAINT ? "an " : "a ") +
						task.id() + " model");
			int in = model.kind() instanceof ModelKind.Generator ? 0 : model.image()
				.channels(), out = model.outputChannels();
			if (in > 0 && out > 0 && in != out) throw new GanException(
				"Noise2Void needs as many output channels as input channels, as it " +
					"learns to predict each pixel of its input: model '" + model.name() +
					"' turns " + in + " into " + out);
			if (source instanceof DataSource.Pairs) throw new GanException(
				"self-supervised Noise2Void " +
					"training learns from noisy images alone: give one folder of them (--data), not " +
					"input/target pairs");
		}
		if (task == TaskKind.GENERATE) {
			if (source instanceof DataSource.Pairs) throw new GanException(
				"a generator trains on one folder of real images, not on input/target pairs");
			if (!(model.kind() instanceof ModelKind.Generator))
				throw new GanException("model '" + model.name() +
					"' is a generator without a latent input description");
			mode = TrainingMode.GENERATION;
		}
		else if (source instanceof DataSource.Pairs) {
			if (task == TaskKind.INPAINT) throw new GanException(
				"an inpainting model trains on one " +
					"folder of clean images (holes are drawn at random), not on input/target pairs");
			mode = TrainingMode.PAIRED;
		}
		else {
			mode = TrainingMode.SELF_SUPERVISED;
			degradation = options.degradation() != null ? options.degradation()
				: Degradation.defaultFor(task);
			if (degradation == null) throw new GanException("model '" + model.name() +
				"' (" + task.id() +
				") has no self-supervised task: give input and target images " +
				"(--input-dir and --target-dir)");
		}
		if (mode != TrainingMode.GENERATION && model
			.kind() instanceof ModelKind.Generator) throw new GanException("model '" +
				model.name() + "' has no image input");
		int scale = TrainingChecks.integerScale(model, mode, degradation);
		MaskSpec maskSpec = null;
		if (mode == TrainingMode.SELF_SUPERVISED &&
			degradation instanceof Degradation.FreeFormHoles)
		{
			if (!(model.kind() instanceof ModelKind.Inpainting k))
				throw new GanException("model '" + model.name() +
					"' takes no mask, so it cannot be trained on holes: choose another degradation");
			maskSpec = k.mask();
		}
		ValueRange inputRange = model.inputRange();
		ValueRange targetRange = model
			.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT ? inputRange
				: model.outputRange();

		List<OpenedImage> targets = new ArrayList<>(), inputs = new ArrayList<>();
		Normalization norm = options.normalization();
		if (mode == TrainingMode.PAIRED) {
			DataSource.Pairs p = (DataSource.Pairs) source;
			for (PairedImages.Pair pair : PairedImages.match(p.inputs(), p
				.targets()))
			{
				inputs.add(OpenedImage.open(p.inputs(), pair.input(), norm));
				targets.add(OpenedImage.open(p.targets(), pair.target(), norm));
			}
		}
		else {
			ImageSource images = ((DataSource.Images) source).images();
			List<String> names = new ArrayList<>(images.names());
			Collections.sort(names);
			if (names.isEmpty()) throw new GanException("no images in " + images
				.describe());
			if (mode == TrainingMode.GENERATION) targets.addAll(OpenedImage
				.openWithOneRange(images, names, norm));
			else for (String name : names)
				targets.add(OpenedImage.open(images, name, norm));
		}

		boolean channelsApart = TrainingChecks.checkChannels(model, mode, targets,
			inputs);
		if (!channelsApart && mode != TrainingMode.GENERATION) {
			targets.replaceAll(t -> t.withJointColour(norm));
			inputs.replaceAll(t -> t.withJointColour(norm));
		}
		// a pair's target in its input's range, as inference maps the output back;
		// one of another pixel type (an 8-bit input, a 16-bit or float target) is
		// in other units, and keeps its own
		for (int i = 0; mode == TrainingMode.PAIRED && i < targets.size(); i++)
			if (targets.get(i).image().type() == inputs.get(i).image().type()) targets
				.set(i, targets.get(i).inRangeOf(inputs.get(i)));
		int[] labels = new int[targets.size()];
		List<String> classNames = List.of();
		Arrays.fill(labels, -1);
		if (mode == TrainingMode.GENERATION && model.generator().isConditional()) {
			List<String> folders = new ArrayList<>();
			for (OpenedImage t : targets)
				folders.add(ClassFolders.classOf(t.name(), "images"));
			ClassFolders classes = ClassFolders.forTraining(model.generator(),
				folders).requireOneFolderEach();
			classNames = classes.names();
			for (int i = 0; i < labels.length; i++)
				labels[i] = classes.labels().get(folders.get(i));
		}

		List<TrainingItem> items = new ArrayList<>();
		for (int i = 0; i < targets.size(); i++) {
			RasterImage img = targets.get(i).image();
			if (mode == TrainingMode.PAIRED) TrainingChecks.checkPair(inputs.get(i),
				targets.get(i), scale);
			int planes = img.slices() * img.frames();
			int channels = channelsApart ? img.logicalChannels() : 1;
			boolean named = channels > 1;
			for (int t = 0; t < img.frames(); t++)
				for (int z = 0; z < img.slices(); z++)
					for (int c = 0; c < channels; c++) {
						int plane = z + img.slices() * t + 1;
						List<String> where = new ArrayList<>();
						if (named) where.add("channel " + (c + 1) + " of " + channels);
						if (planes > 1) where.add("plane " + plane + " of " + planes);
						String name = targets.get(i).name() + (where.isEmpty() ? "" : " (" +
							String.join(", ", where) + ")");
						items.add(new TrainingItem(name, i, mode == TrainingMode.PAIRED ? i
							: -1, z, t, labels[i], named ? c : -1));
					}
		}
		List<String> notes = new ArrayList<>();
		if (channelsApart) notes.add("model '" + model.name() +
			"' takes 1 channel: each channel of an image of several trains as a " +
			"plane of its own, as the model is applied to such images channel by " +
			"channel");
		nonFiniteNote(targets, inputs).ifPresent(notes::add);
		syntheticNote(targets, inputs).ifPresent(notes::add);
		int patch = TrainingChecks.fitPatch(model, mode, options.patchSize(), scale,
			targets, notes, generatedSide);
		options = options.withPatchSize(patch);
		TrainingChecks.checkSizes(model, mode, patch, scale, targets);
		if (degradation instanceof Degradation.BlindSpot b) TrainingChecks
			.checkBlindSpots(b, patch, targets, model.image(), scale);

		int[] val = validationIndices(targets.size(), options.validationFraction(),
			notes);
		boolean[] heldOut = new boolean[targets.size()];
		for (int i : val)
			heldOut[i] = true;
		List<TrainingItem> training = new ArrayList<>(), validation =
			new ArrayList<>();
		for (TrainingItem item : items)
			(heldOut[item.target()] ? validation : training).add(item);
		if (mode == TrainingMode.GENERATION && model.generator().isConditional())
			TrainingChecks.requireEveryClass(model.generator().classCount(),
				classNames, training);
		PatchSampler sampler = new PatchSampler(mode, options, degradation, scale,
			inputRange, targetRange, maskSpec, mode == TrainingMode.GENERATION ? model
				.generator() : null, targets, inputs);
		return new TrainingData(task, sampler, List.copyOf(training), List.copyOf(
			validation), classNames, targets.size(), notes);
	}

	/**
	 * The declared shape of the images generator {@code model} makes, e.g.
	 * "[N,1,H,W]", when its ONNX file leaves their height or width open; null
	 * when it fixes both.
	 */
	public static String generatedOutput(ModelDescriptor model) {
		return TrainingChecks.openGeneratedShape(model);
	}

	/**
	 * The indices (0-based, increasing) of the {@code n} sorted images held out
	 * for validation: {@code k = round(fraction * n)} images, at least one for a
	 * positive fraction, at {@code floor((j + 0.5) * n / k)} for
	 * {@code j = 0..k-1}. When that would leave no image to train on (one image,
	 * or a large fraction of a few), none is held out, and {@code notes} says
	 * that validation is skipped.
	 */
	static int[] validationIndices(int n, double fraction, List<String> notes) {
		if (fraction == 0) return new int[0];
		int k = Math.max(1, (int) Math.round(fraction * n));
		if (k >= n) {
			notes.add("no validation: holding out " + k + " of " + n + (n == 1
				? " image" : " images") + " for a validation fraction of " + fraction +
				" would leave " +
				"none to train on, so all are trained on; add images for a validation score");
			return new int[0];
		}
		int[] idx = new int[k];
		for (int j = 0; j < k; j++)
			idx[j] = (int) ((j + 0.5) * n / k);
		return idx;
	}

	/**
	 * Training batch number {@code step}: {@code batchSize} samples drawn with
	 * replacement from the training items. The same seed, step and size always
	 * give the same batch.
	 */
	public TrainingBatch batch(long step, int batchSize) {
		if (step < 0) throw new IllegalArgumentException("step must be >= 0");
		if (batchSize < 1) throw new GanException(
			"the batch size must be at least 1");
		RandomValues random = new RandomValues(new SplittableRandom(streamSeed(
			sampler.options().seed(), step)));
		List<TrainingSample> samples = new ArrayList<>(batchSize);
		for (int i = 0; i < batchSize; i++) {
			TrainingItem item = training.get(random.nextInt(training.size()));
			samples.add(sampler.sample(item, random, true));
		}
		return TrainingBatch.of(samples, latentShape());
	}

	/**
	 * One sample per validation item, always the same for a seed: the centre
	 * patch (or the whole image), no augmentation, degraded with a random stream
	 * of its own (independent of training).
	 */
	public List<TrainingSample> validationSamples() {
		List<TrainingSample> list = new ArrayList<>(validation.size());
		for (int j = 0; j < validation.size(); j++) {
			RandomValues random = new RandomValues(new SplittableRandom(streamSeed(
				sampler.options().seed(), -1 - j)));
			list.add(sampler.sample(validation.get(j), random, false));
		}
		return List.copyOf(list);
	}

	private long[] latentShape() {
		return sampler.generatorSpec() == null ? null : sampler.generatorSpec()
			.latentShape();
	}

	/**
	 * A well-mixed seed for stream {@code step} of run {@code seed} (murmur3's
	 * finaliser).
	 */
	static long streamSeed(long seed, long step) {
		return Seeds.murmur(Seeds.murmur(seed) ^ (step * Seeds.GOLDEN +
			0x632BE59BD9B4E019L));
	}

	/** Training items (image, or image and plane), in sorted order. */
	public List<String> trainingItems() {
		return training.stream().map(TrainingItem::name).toList();
	}

	/** Validation items, in sorted order; never trained on. */
	public List<String> validationItems() {
		return validation.stream().map(TrainingItem::name).toList();
	}

	/**
	 * What was decided about the data that the user should know (a smaller patch,
	 * no validation).
	 */
	public List<String> notes() {
		return notes;
	}

	/** Class names of a conditional generator, index = label; empty otherwise. */
	public List<String> classNames() {
		return classNames;
	}

	/**
	 * The degradation that makes inputs from clean images, or null (pairs,
	 * generator).
	 */
	public Degradation degradation() {
		return sampler.degradation();
	}

	public DataOptions options() {
		return sampler.options();
	}

	/** Whether samples are pairs from an input and a target folder. */
	public boolean isPaired() {
		return sampler.mode() == TrainingMode.PAIRED;
	}

	/**
	 * The note for images with NaN or infinite pixels, which train as normalised
	 * 0 (a model never sees them, but it learns to output 0 there).
	 *
	 * @throws GanException naming the image and the channel or plane (slice,
	 *           frame) when one has no finite pixel: it would train on nothing
	 *           but those zeros
	 */
	static Optional<String> nonFiniteNote(List<OpenedImage> targets,
		List<OpenedImage> inputs)
	{
		long pixels = 0;
		int images = 0;
		String first = null;
		for (List<OpenedImage> list : List.of(targets, inputs))
			for (OpenedImage o : list) {
				FinitePixels finite = FinitePixels.of(o.image());
				long n = finite.total();
				if (n == 0) continue;
				finite.refuseEmpty(IntStream.range(0, o.image().logicalChannels())
					.toArray(), (inputs.isEmpty() ? "the training image '"
						: list == targets ? "the target '" : "the input '") + o.name() +
						"'",
					"there is nothing to train on there; remove it or leave the image out");
				pixels += n;
				images++;
				if (first == null) first = o.name();
			}
		if (images == 0) return Optional.empty();
		return Optional.of(pixels + " NaN or infinite pixel" + (pixels == 1 ? ""
			: "s") + " in " + (images == 1 ? first : images + " images (the first: " +
				first + ")") +
			" train as 0 in normalised units, as if measured there; replace them " +
			"(e.g. by the local median) or leave such images out");
	}

	/**
	 * The note for training images marked SYNTHETIC, as {@code generate} marks
	 * its images and an image made from one ({@link GenerationProvenance}): a
	 * model fine-tuned on them learns a GAN's images as if acquired. They train
	 * as any other image.
	 */
	static Optional<String> syntheticNote(List<OpenedImage> targets,
		List<OpenedImage> inputs)
	{
		int images = 0;
		String first = null;
		for (List<OpenedImage> list : List.of(targets, inputs))
			for (OpenedImage o : list)
				if (GenerationProvenance.isSynthetic(GenerationProvenance.withInfo(o
					.image().properties())))
				{
					images++;
					if (first == null) first = o.name();
				}
		if (images == 0) return Optional.empty();
		int all = targets.size() + inputs.size();
		// every image read, a pair's input and target each, held-out ones too
		String given = " images given to fine-tune";
		return Optional.of((images == all ? all == 1 ? "the image " + first +
			" given to fine-tune is" : "all " + all + given + " are" : images == 1
				? "1 of the " + all + given + " (" + first + ") is" : images +
					" of the " + all + given + " (the first: " + first + ") are") +
			" marked SYNTHETIC, generated by a GAN (fiji-gan generate) or made " +
			"from a generated image, not acquired: the model learns " + (images == 1
				? "it as if it were" : "them as if they were") + " measured");
	}

	/** One line for logs and provenance. */
	public String describe() {
		TrainingMode mode = sampler.mode();
		DataOptions options = sampler.options();
		Degradation degradation = sampler.degradation();
		StringBuilder sb = new StringBuilder();
		sb.append(imageCount).append(imageCount == 1 ? (mode == TrainingMode.PAIRED
			? " pair" : " image") : (mode == TrainingMode.PAIRED ? " pairs"
				: " images"));
		long heldOut = validation.stream().mapToInt(TrainingItem::target).distinct()
			.count();
		sb.append(": ").append(imageCount - heldOut).append(" for training, ")
			.append(heldOut).append(" for validation");
		if (training.size() + validation.size() != imageCount) sb.append(" (")
			.append(training.size()).append(" and ").append(validation.size()).append(
				" planes)");
		int p = options.patchSize();
		sb.append("; ").append(p > 0 ? p + "x" + p + " patches" : "whole images");
		sb.append(", ").append(options.augmentation() == Augmentation.FLIPS
			? "flips and rotations" : "no augmentation");
		sb.append("; ").append(options.normalization().describe());
		if (mode == TrainingMode.GENERATION && !(options
			.normalization() instanceof Normalization.None)) sb.append(
				" over the whole set");
		if (!(options.normalization() instanceof Normalization.None)) sb.append(
			" -> ").append(mode == TrainingMode.GENERATION ? sampler.targetRange()
				: sampler.inputRange());
		if (degradation != null) sb.append("; ").append(task.id()).append(": ")
			.append(degradation.describe());
		if (!classNames.isEmpty()) sb.append("; ").append(classNames.size()).append(
			" classes");
		return sb.toString();
	}
}
