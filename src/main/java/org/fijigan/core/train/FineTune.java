
package org.fijigan.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.io.FileHashes;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.train.data.Augmentation;
import org.fijigan.core.train.data.DataOptions;
import org.fijigan.core.train.data.Degradation;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.ModelBatches;
import org.fijigan.core.train.data.TrainingBatch;
import org.fijigan.core.train.data.TrainingData;
import org.fijigan.core.train.data.TrainingSample;
import org.fijigan.core.text.Canonical;
import org.fijigan.core.text.Numbers;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

/**
 * The fine-tune job that the CLI and the Fiji command share: checks where the
 * results go, loads the model, opens and checks the data, and trains.
 */
public final class FineTune {

	/**
	 * @param model what the user names as the model (file, descriptor, package,
	 *          bundled name)
	 * @param task the task, or null for the model's own
	 * @param data images (clean, or real images for a generator) or input/target
	 *          pairs
	 * @param batch samples per step
	 * @param patch patch size on the output side; 0 for whole images
	 * @param augmentation flips and rotations or none, or null for the default:
	 *          flips for image models, none for generators, which would learn the
	 *          flipped and rotated images as part of what they make
	 * @param validationFraction share of the images held out, or null for the
	 *          default: {@link #DEFAULT_VALIDATION} for image models, none for
	 *          generators, which fine-tune does not validate
	 * @param adversarialWeight null for the default: 0 for image-to-image models,
	 *          1 for generators
	 * @param config the rest; its adversarial weight is replaced by the resolved
	 *          one
	 * @param degradation how inputs are made from clean images, or null for the
	 *          task's default
	 */
	public record Request(String model, TaskKind task, DataSource data, int batch,
			int patch, Augmentation augmentation, Normalization normalization,
			Double validationFraction, Float adversarialWeight, FineTuneConfig config,
			Degradation degradation) {

		/** Checks the numbers before anything is loaded. */
		public Request {
			if (batch < 1) throw new GanException(
				"the batch size must be at least 1, not " + batch);
			if (config.stabilisers().minibatchStd() && Discriminator.groupSize(
				batch) == 1) throw new GanException("--minibatch-std takes the " +
					"standard deviation over groups of the largest of 4, 3 or 2 " +
					"samples that divides the batch, and none divides --batch " + batch +
					" (groups of one sample have none): use --batch " + (batch == 1
						? "2 or more" : (batch - 1) + " or " + (batch + 1)));
			if (patch < 0) throw new GanException(
				"the patch size must be positive, or 0 for whole " + "images, not " +
					patch);
			if (validationFraction != null && !(validationFraction >= 0 &&
				validationFraction < 1)) throw new GanException(
					"the validation fraction must be at least 0 and below 1, not " +
						validationFraction);
			if (adversarialWeight != null && !(adversarialWeight >= 0 && Float
				.isFinite(adversarialWeight))) throw new GanException(
					"the adversarial weight must be a number >= 0, not " +
						adversarialWeight);
			if (degradation instanceof Degradation.BlindSpot && task != null &&
				task != TaskKind.DENOISE && task != TaskKind.IMAGE_TO_IMAGE)
				throw new GanException("--self-supervised n2v trains denoisers: it " +
					"cannot train with --task " + task.id());
			if (degradation instanceof Degradation.BlindSpot &&
				adversarialWeight != null && adversarialWeight > 0)
				throw new GanException(
					"--adversarial-weight trains a discriminator with the noisy images as real ones, " +
						"which undoes Noise2Void's blind spots: leave it out with --self-supervised n2v");
			if (data instanceof DataSource.Pairs && degradation != null &&
				!(degradation instanceof Degradation.BlindSpot)) throw new GanException(
					"--degradation makes inputs from clean " +
						"images; with --input-dir and --target-dir the inputs are given: " +
						"give one or the other");
		}

		/** A request with the task's default degradation. */
		public Request(String model, TaskKind task, DataSource data, int batch,
			int patch, Augmentation augmentation, Normalization normalization,
			Double validationFraction, Float adversarialWeight, FineTuneConfig config)
		{
			this(model, task, data, batch, patch, augmentation, normalization,
				validationFraction, adversarialWeight, config, null);
		}
	}

	/**
	 * The trained model, with the descriptor of the original and the data it saw.
	 *
	 * @param notes decisions about the data and the batches the user should see
	 */
	public record Outcome(Trainer.Result result, ModelDescriptor model,
			TrainingData data, List<String> notes) {

		public Outcome {
			notes = List.copyOf(notes);
		}
	}

	/**
	 * The oldest opset whose graphs fine-tune trains: the gradient graphs use
	 * operators from opset 9 (e.g. {@code Sign}, {@code Where}).
	 */
	public static final long MIN_OPSET = 9;

	/** The share of an image model's images held out when none is given. */
	public static final double DEFAULT_VALIDATION = 0.1;

	private FineTune() {}

	/**
	 * Refuses, before training, a batch whose arrays cannot fit the Java heap:
	 * the batch of samples, its tensors and their copies in the model's layout
	 * (three times one batch).
	 */
	static void refuseBeyondMemory(TrainingData data, int batch) {
		TrainingBatch one = data.batch(0, 1);
		long perSample = 4L * (one.input().length + one.target().length + (one
			.mask() == null ? 0 : one.mask().length));
		long need = 3 * perSample * batch;
		Runtime rt = Runtime.getRuntime();
		long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		if (need <= free) return;
		throw new GanException("a batch of " + batch + " samples needs about " +
			Numbers.bytes(need) + " of Java memory (" + Numbers.bytes(perSample) +
			" per sample, three copies), but only " + Numbers.bytes(free) +
			" is free: use a smaller --batch (at most " + Math.max(1, free / (3 *
				perSample)) + " here) or a smaller --patch");
	}

	/**
	 * Refuses, before training, samples smaller than the discriminator judges
	 * ({@link Discriminator#minimumSize}), saying where their size comes from:
	 * the generator's output, the user's patch, a patch reduced to fit small
	 * images, or whole images.
	 *
	 * @param askedPatch the patch the user gave (0 for whole images)
	 */
	static void refuseTooSmallForDiscriminator(ModelDescriptor d,
		TrainingData data, int askedPatch, Discriminator.Architecture a)
	{
		long[] shape = data.batch(0, 1).targetShape(); // N, C, H, W
		long h = shape[2], w = shape[3];
		int least = Discriminator.minimumSize(a);
		if (Math.min(h, w) >= least) return;
		int patch = data.options().patchSize();
		int scale = Math.max(1, (int) Math.round(d.scale()));
		int suggested = (least + scale - 1) / scale * scale;
		String larger = "train on images of at least " + least + "x" + least +
			", or without a discriminator (--adversarial-weight 0)";
		String why;
		if (d.task() == TaskKind.GENERATE) why = "model '" + d.name() +
			"' generates " + w + "x" + h + " images: it cannot be trained against it";
		else if (patch == 0) why = "--patch 0 gives it whole images of " + w + "x" +
			h + ": " + larger;
		else if (askedPatch == 0 || patch < askedPatch) why = "the patches are " +
			patch + "x" + patch + " (" + (askedPatch == 0 ? "whole images"
				: "--patch " + askedPatch) + " reduced to fit the images): " + larger;
		else why = "--patch " + askedPatch + " gives it " + patch + "x" + patch +
			" patches: use --patch " + suggested + " or more";
		throw new GanException("the " + a.id() +
			" discriminator needs images of at least " + least + "x" + least +
			", but " + why);
	}

	/**
	 * Checks where the results go, loads the model, opens the data and trains.
	 * Writing the results is the caller's ({@link FineTuneOutput#write} for the
	 * model).
	 *
	 * @param output where the trained model goes; checked before the model is
	 *          loaded, and against the loaded model's weights file
	 */
	public static Outcome run(Request r, FineTuneOutput output,
		ProgressListener progress, CancellationToken cancel)
	{
		output.checkBeforeLoading(r.model(), r.data(), r.config().checkpointDir(), r
			.config().resume(), r.config().steps());
		ModelDescriptor d = ModelLoader.load(r.model(), ModelOverrides.NONE
			.withTask(r.task()));
		output.checkModel(d, r.model(), r.config().checkpointDir(), r.config()
			.resume(), r.config().steps());
		long opset = d.graph() == null ? 0 : d.graph().defaultOpset();
		if (opset > 0 && opset < MIN_OPSET) throw new GanException("fine-tune " +
			"needs opset " + MIN_OPSET + " or later (model " + d.name() + ": opset " +
			opset + "): its gradients use operators older opsets lack; re-export " +
			"the model with a newer opset");
		if (d.task() == TaskKind.GENERATE && !(d
			.kind() instanceof ModelKind.Generator)) throw new GanException("model " +
				d.name() +
				" is a generator without a latent input fiji-gan understands");
		boolean generator = d.task() == TaskKind.GENERATE;
		Double asked = r.validationFraction();
		if (generator && asked != null && asked > 0) throw new GanException(
			"model " + d.name() + " is a generator, and fine-tune does not " +
				"validate generators: leave out --validation (or give 0), and measure " +
				"the result with evaluate on real images kept out of --data");
		if (generator) refuseImageToImageOptions(d.name(), r);
		double validation = asked != null ? asked : generator ? 0
			: DEFAULT_VALIDATION;
		// the task's default, given or not, is one setting: a run that named it
		// resumes one that did not, and the other way round
		Degradation degradation = Degradation.defaultFor(d.task()) != null &&
			Degradation.defaultFor(d.task()).equals(r.degradation()) ? null : r
				.degradation();
		// a generator learns its augmentations as part of the distribution (Karras
		// et al. 2020's leaking augmentations): turned orientations, mirrored
		// anatomy
		Augmentation augmentation = r.augmentation() != null ? r.augmentation()
			: generator ? Augmentation.NONE : Augmentation.FLIPS;
		DataOptions options = DataOptions.defaults(r.config().seed()).withPatchSize(
			r.patch()).withAugmentation(augmentation).withNormalization(r
				.normalization()).withValidationFraction(validation).withDegradation(
					degradation);
		TrainingData data = TrainingData.create(d, r.data(), options, generator
			? generatedSide(d, r.config()) : -1);
		ModelBatches batches = new ModelBatches(d, data, r.batch());
		List<String> notes = new ArrayList<>(data.notes());
		if (d.namedNoiseNote() != null) notes.add(0, d.namedNoiseNote());
		int items = data.trainingItems().size();
		if (r.batch() > items) notes.add("the batch of " + r.batch() +
			" is larger than the " + items + " training image" + (items == 1 ? ""
				: "s") + " (or planes): each batch draws patches of them " + "again");
		refuseBeyondMemory(data, r.batch());
		float adversarial = r.adversarialWeight() != null ? r.adversarialWeight()
			: generator ? 1f : 0f;
		// a generator has no pixel loss; an image model's default is L1, or L2 for
		// Noise2Void's blind spots
		FineTuneConfig config = r.config().withAdversarialWeight(adversarial)
			.withLoss(generator ? null : r.config().loss() != null ? r.config().loss()
				: r.degradation() instanceof Degradation.BlindSpot ? LossKind.L2
					: LossKind.L1);
		if (adversarial > 0) refuseTooSmallForDiscriminator(d, data, r.patch(),
			Trainer.architecture(config.stabilisers(), generator));
		// the weights trained are those whose SHA-256 the result records as its
		// base (and a resumed run checks): read again, the file must not have
		// changed since it was loaded. A model with external data is refused when
		// its parameters are chosen; its SHA-256 also covers those files
		List<Path> hashed = d.sha256Files();
		ModelProto proto;
		try {
			proto = ModelProto.parseFrom(hashed.size() == 1 ? FileHashes
				.readUnchanged(d.onnxFile(), d.sha256(), "model file") : Files
					.readAllBytes(d.onnxFile()));
		}
		catch (IOException e) {
			throw new GanException("cannot read " + d.onnxFile() + ": " + e
				.getMessage(), e);
		}
		Parameters.refuseNonFinite(proto, d.name());
		String subtractFrom = d
			.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT ? d.image()
				.name() : null;
		String label = generator && d.generator().isConditional() ? d.generator()
			.classInput() : null;
		double peak = d.outputRange().width();
		// Noise2Void's targets are the noisy images: no PSNR or SSIM (Validator)
		if (r.normalization() instanceof Normalization.None && !generator && !(r
			.degradation() instanceof Degradation.BlindSpot))
		{
			// raw values: PSNR and SSIM in the units trained on
			double[] span = validationSpan(data);
			if (span != null) {
				peak = span[1] - span[0];
				notes.add("--normalize none: validation PSNR and SSIM take the " +
					"validation targets' range of values (" + Numbers.significant(span[0],
						4) + ".." + Numbers.significant(span[1], 4) +
					") as their peak, not the model's range " + d.outputRange());
			}
		}
		TrainingTarget what = new TrainingTarget(d.outputName(), subtractFrom,
			label, generator ? d.generator().classCount() : 0, generator, peak, d
				.sha256(), batches.targetLayout());
		RunSettings settings = new RunSettings().put("model", d.sha256()).put(
			"data", data.describe()).putDigest("training items", data.trainingItems())
			.put("batch", r.batch()).put("data options", options).putAll(config);
		if (Degradation.defaultFor(d.task()) != null) settings.recordedAlso(
			"data options", "degradation=" + Canonical.text(Degradation.defaultFor(d
				.task())), "degradation=null"); // versions before this one named it
		// a run into the same checkpoint folder may have finished since the checks
		// before loading: made again once this run holds the folder
		Trainer.Result result = Trainer.train(proto, what, batches, config, settings
			.text(), () -> output.refuseStartingOverAnEarlierRun(config
				.checkpointDir(), config.resume()), progress, cancel);
		result = withNormalization(result, d, r.normalization());
		return new Outcome(withFolderNames(result, d, data, notes), d, data, notes);
	}

	/**
	 * Refuses, for generator {@code name}, the options of image-to-image training
	 * that a generator's run would ignore: a pixel loss (its discriminator alone
	 * trains it), a degradation or Noise2Void (it learns the real images as they
	 * are), and a validation interval (generators are not validated).
	 */
	static void refuseImageToImageOptions(String name, Request r) {
		String generator = "model " + name + " is a generator, ";
		if (r.config().loss() != null) throw new GanException(generator +
			"trained by its discriminator alone: --loss sets the pixel loss of " +
			"image-to-image models; leave it out");
		if (r.degradation() instanceof Degradation.BlindSpot)
			throw new GanException("--self-supervised n2v trains denoisers: " +
				generator + "which learns the real images as they are; leave it out");
		if (r.degradation() != null) throw new GanException(generator +
			"which learns the real images as they are: --degradation makes the " +
			"inputs of image-to-image models from clean images; leave it out");
		if (r.config().validateEvery() > 0) throw new GanException(generator +
			"and fine-tune does not validate generators: leave out " +
			"--validate-every");
	}

	/**
	 * The side of the square images generator {@code d} makes when its ONNX file
	 * leaves their height or width open (a PyTorch export with Upsample, say):
	 * found by running it once on a zero latent (class 0), as generate would; -1
	 * when the file fixes them. A generator that cannot be run, or makes images
	 * that are not square, is refused.
	 */
	static int generatedSide(ModelDescriptor d, FineTuneConfig c) {
		String declared = TrainingData.generatedOutput(d);
		if (declared == null) return -1;
		GeneratorSpec g = d.generator();
		RasterImage image;
		try {
			image = Generator.run(d, new GenerateOptions(1, 0, g.isConditional() ? 0
				: null, null, new float[][] { new float[g.latentDim()] }, true, c
					.device(), c.threads()), null, CancellationToken.none()).image();
		}
		catch (CancellationToken.CancelledException e) {
			throw e;
		}
		catch (GanException e) {
			throw new GanException("model " + d.name() + " does not fix the size " +
				"of the images it generates (its output is " + declared +
				"), and running it once on a zero latent to find it failed: " + e
					.getMessage(), e);
		}
		if (image.width() != image.height()) throw new GanException("model " + d
			.name() + " generates " + image.width() + "x" + image.height() +
			" images (its output is " + declared +
			"; found by running it once): fine-tune trains generators of square " +
			"images only");
		return image.width();
	}

	/**
	 * The lowest and highest finite values of the validation targets, or null
	 * when there are none or they are all one value.
	 */
	static double[] validationSpan(TrainingData data) {
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		for (TrainingSample s : data.validationSamples())
			for (float v : s.target().values())
				if (Float.isFinite(v)) {
					lo = Math.min(lo, v);
					hi = Math.max(hi, v);
				}
		return hi > lo ? new double[] { lo, hi } : null;
	}

	/**
	 * The trained image model with the normalisation it was trained with as its
	 * {@link ModelLoader#META_NORMALIZATION}, which inference then uses by
	 * default; without one for the default normalisation, which inference uses
	 * anyway.
	 */
	static Trainer.Result withNormalization(Trainer.Result result,
		ModelDescriptor d, Normalization trained)
	{
		// a generator's records how its real images were mapped, which evaluate
		// maps real images by
		ModelProto model = withMetadata(result.model(),
			ModelLoader.META_NORMALIZATION, trained.equals(Normalization.DEFAULT)
				? null : trained.describe());
		if (model.equals(result.model())) return result;
		return result.withModel(model);
	}

	/**
	 * The trained generator with the names of the class folders it learned from
	 * as its {@link ModelLoader#META_CLASS_NAMES}, in label order, when the model
	 * named no classes and the folders are named (not label numbers): so that
	 * {@code generate} writes into folders of those names and balances against
	 * the same data. A note says so, or why the names could not be kept (not one
	 * folder per class, or names the metadata cannot hold).
	 */
	static Trainer.Result withFolderNames(Trainer.Result result,
		ModelDescriptor d, TrainingData data, List<String> notes)
	{
		if (d.task() != TaskKind.GENERATE || !d.generator().isConditional() || !d
			.generator().classNames().isEmpty()) return result;
		List<String> names = data.classNames();
		if (names.isEmpty() || names.stream().allMatch(n -> n.matches("\\d+")))
			return result;
		int classes = d.generator().classCount();
		String why = null;
		if (names.size() != classes) why = "the " + names.size() +
			" class folders do not name the model's " + (classes > 0 ? classes + " "
				: "") + "classes one by one";
		else if (names.stream().anyMatch(n -> n.contains(",") || !n.equals(n
			.strip()))) why = "a folder name has a comma or surrounding spaces, " +
				"which " + ModelLoader.META_CLASS_NAMES + " cannot hold";
		else {
			try {
				GeneratorSpec.requireDistinctClassNames(names, "the class folders");
				GeneratorSpec.requireLabelClassNames(names, "the class folders");
			}
			catch (GanException e) {
				why = e.getMessage();
			}
		}
		if (why != null) {
			notes.add("the model names no classes, and the result names none: " +
				why);
			return result;
		}
		String joined = String.join(",", names);
		notes.add("the model named no classes: the result names them after the " +
			"class folders, in label order (" + ModelLoader.META_CLASS_NAMES + " " +
			joined + ")");
		return result.withModel(withMetadata(result.model(),
			ModelLoader.META_CLASS_NAMES, joined));
	}

	/**
	 * {@code model} with metadata {@code key} set to {@code value} (after the
	 * others), or without it where {@code value} is null.
	 */
	static ModelProto withMetadata(ModelProto model, String key, String value) {
		ModelProto.Builder b = model.toBuilder();
		b.clearMetadataProps();
		for (StringStringEntryProto e : model.getMetadataPropsList())
			if (!e.getKey().equals(key)) b.addMetadataProps(e);
		if (value != null) b.addMetadataProps(StringStringEntryProto.newBuilder()
			.setKey(key).setValue(value));
		return b.build();
	}
}
