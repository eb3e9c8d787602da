
package org.fijigan.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.train.AdversarialKind;
import org.fijigan.core.train.DiffAugment;
import org.fijigan.core.train.FineTune;
import org.fijigan.core.train.FineTuneConfig;
import org.fijigan.core.train.FineTuneOutput;
import org.fijigan.core.train.GradientPenalties;
import org.fijigan.core.train.LossKind;
import org.fijigan.core.train.OptimizerConfig;
import org.fijigan.core.train.Stabilisers;
import org.fijigan.core.train.Trainer;
import org.fijigan.core.train.data.Augmentation;
import org.fijigan.core.train.data.DataSource;
import org.fijigan.core.train.data.Degradation;
import org.fijigan.ij1.ImageFolder;
import org.fijigan.ij1.LossCurve;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fiji-gan fine-tune}: adapts a model to the user's images. Writes the
 * trained model (same inputs and outputs as the original, provenance in its
 * metadata) and its loss curve as {@code OUT-loss.csv} and
 * {@code OUT-loss.png}, each atomically.
 */
@Command(name = "fine-tune", mixinStandardHelpOptions = true,
	description = "Fine-tune a model on your images, on any execution provider. One step with " +
		"--optimizer sgd --loss l1 --adversarial-weight 0 --normalize none --patch 0 --augment none " +
		"--batch 1 is exactly w <- w - lr * dL/dw with L = mean(|G(x) - y|).")
public final class FineTuneCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Option(names = { "-m", "--model" }, required = true, paramLabel = "MODEL",
		description = "An .onnx file, a bioimage.io rdf.yaml or .zip, or a bundled model's name.")
	String model;

	@Option(names = { "-o", "--output" }, required = true,
		paramLabel = "OUT.onnx", description = "The fine-tuned model.")
	Path output;

	@ArgGroup(exclusive = true, multiplicity = "1")
	Data data;

	static final class Data {

		@Option(names = "--data", paramLabel = "DIR",
			description = "Clean images (degraded on the fly for the task), noisy images with " +
				"--self-supervised n2v, or real images in class sub-folders for a generator.")
		Path folder;

		@ArgGroup(exclusive = false)
		Pairs pairs;
	}

	static final class Pairs {

		@Option(names = "--input-dir", required = true, paramLabel = "A",
			description = "Model inputs, matched to --target-dir by relative path.")
		Path inputs;

		@Option(names = "--target-dir", required = true, paramLabel = "B",
			description = "What the model should output for each input.")
		Path targets;
	}

	@Option(names = "--task", paramLabel = "TASK",
		description = "super-resolution, denoise, inpaint or generate (default: the model's).")
	TaskKind task;

	@Option(names = "--steps", paramLabel = "N", defaultValue = "1000",
		description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
	int steps;

	@Option(names = "--batch", paramLabel = "B", defaultValue = "4",
		description = "Samples per step (default: ${DEFAULT-VALUE}).")
	int batch;

	@Option(names = "--patch", defaultValue = "64", paramLabel = "P|0",
		description = "Patch size on the output side; 0 for whole images (default: ${DEFAULT-VALUE}; raised to the smallest input the model takes, reduced to the smallest image, with a note; for a generator, the size it generates).")
	int patch;

	@Option(names = "--augment", paramLabel = "flips|none",
		description = "Random flips and 90-degree rotations (default: flips for image-to-image models; none for a generator, which would learn them as part of the images it makes).")
	String augment;

	@Option(names = "--optimizer", defaultValue = "adam",
		paramLabel = "adam|adamw|sgd",
		description = "Default: ${DEFAULT-VALUE} (betas 0.5, 0.999).")
	String optimizer;

	@Option(names = "--lr", defaultValue = "1e-4", paramLabel = "X",
		description = "Learning rate (default: ${DEFAULT-VALUE}).")
	double lr;

	@Option(names = "--lr-schedule", defaultValue = "constant",
		paramLabel = "constant|cosine",
		description = "Learning rate over the run: constant, or cosine decay to 0 at --steps (default: ${DEFAULT-VALUE}).")
	String lrSchedule;

	@Option(names = "--loss", paramLabel = "l1|l2|charbonnier",
		description = "Pixel loss (default: l1; l2 with --self-supervised n2v); not for generators, which their discriminator alone trains.")
	String loss;

	@Option(names = "--adversarial-weight", paramLabel = "W",
		description = "Weight of the GAN loss; 0 trains without a discriminator (default: 0, or 1 for a generator).")
	Float adversarialWeight;

	@Option(names = "--adversarial", defaultValue = "nonsaturating",
		paramLabel = "nonsaturating|hinge|lsgan|wasserstein",
		description = "GAN loss; wasserstein needs --gradient-penalty (default: ${DEFAULT-VALUE}).")
	String adversarial;

	@Option(names = "--gradient-penalty", defaultValue = "none",
		paramLabel = "wgan-gp:LAMBDA",
		description = "WGAN-GP (Gulrajani et al. 2017): LAMBDA (||grad D|| - 1)^2 on random mixes of " +
			"real and generated images, for --adversarial wasserstein; the paper uses 10 (default: ${DEFAULT-VALUE}).")
	String gradientPenalty;

	@Option(names = "--r1", defaultValue = "0", paramLabel = "GAMMA",
		description = "R1 (Mescheder et al. 2018): GAMMA/2 times the squared gradient norm of the " +
			"discriminator on real images, added to its loss (default: 0, off).")
	float r1;

	@Option(names = "--r1-every", defaultValue = "1", paramLabel = "K",
		description = "Lazy R1 (Karras et al. 2020): at every K-th discriminator step only, with " +
			"GAMMA times K (default: ${DEFAULT-VALUE}).")
	int r1Every;

	@Option(names = "--discriminator", defaultValue = "auto",
		paramLabel = "auto|patchgan|dcgan|sngan",
		description = "The discriminator: patchgan (image-to-image default), dcgan (generator default) or " +
			"sngan (Miyato et al. 2018's CNN down to 4x4, global sum pooling, class projection) (default: ${DEFAULT-VALUE}).")
	String discriminator;

	@Option(names = "--discriminator-width", defaultValue = "32",
		paramLabel = "W",
		description = "Channels of the discriminator's first layer (default: ${DEFAULT-VALUE}).")
	int discriminatorWidth;

	@Option(names = "--spectral-norm",
		description = "Spectral normalisation of every discriminator weight (Miyato et al. 2018), one power iteration per step.")
	boolean spectralNorm;

	@Option(names = "--diff-augment", defaultValue = "none",
		paramLabel = "translation,cutout,color",
		description = "Differentiable augmentation of real and generated images before the " +
			"discriminator (Zhao et al. 2020) (default: ${DEFAULT-VALUE}).")
	String diffAugment;

	@Option(names = "--ada-target", defaultValue = "0", paramLabel = "P",
		description = "Apply --diff-augment with ADA's adaptive probability (Karras et al. 2020), " +
			"steering E[sign D(real)] to P; the paper uses 0.6 (default: 0, always apply).")
	double adaTarget;

	@Option(names = "--minibatch-std",
		description = "Append the minibatch standard deviation as a feature of the discriminator (Karras et al. 2018).")
	boolean minibatchStd;

	@Option(names = "--d-lr", paramLabel = "X",
		description = "The discriminator's learning rate (TTUR, Heusel et al. 2017; default: --lr).")
	Double dLr;

	@Option(names = "--d-steps", defaultValue = "1", paramLabel = "K",
		description = "Discriminator steps per generator step, at most 100 (default: ${DEFAULT-VALUE}).")
	int dSteps;

	@Option(names = "--adam-betas", paramLabel = "B1,B2",
		description = "Adam's betas; WGAN-GP uses 0,0.9 or 0.5,0.9 (default: 0.5,0.999).")
	String adamBetas;

	@Option(names = "--normalize", defaultValue = "percentile",
		paramLabel = "MODE",
		description = "percentile[:L,H], range[:MIN,MAX] or none; for a generator, one range for the " +
			"whole set (default: ${DEFAULT-VALUE}).")
	Normalization normalize;

	@Option(names = "--degradation", paramLabel = "SPEC", description = {
		"How inputs are made from clean images (default: the task's own). One of " +
			"downscale[:blur=A..B,noise=A..B], gaussian:A..B, poisson-gaussian:photons=A..B[,read=A..B], " +
			"holes:A..B (coverage; strokes and boxes in proportion to the patch), varied-holes:A..B " +
			"(strokes, blobs and boxes from 3 pixels to half the patch). Repeat with noise models to train on a mix, one drawn per sample.",
		"Amounts are in normalised units (0..1 spans the 1st-99.8th percentiles by default)." })
	List<String> degradation;

	@Option(names = "--seed", paramLabel = "S", defaultValue = "0",
		description = "Seeds sampling, degradations and the discriminator (default: ${DEFAULT-VALUE}).")
	long seed;

	@Mixin
	SelfSupervisedOptions selfSupervised;

	@Mixin
	DeviceFlags run;

	@Option(names = "--checkpoint-dir", paramLabel = "D",
		description = "Where atomic checkpoints go (every --checkpoint-every steps and at the end).")
	Path checkpointDir;

	@Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "100",
		description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
	int checkpointEvery;

	@Option(names = "--resume",
		description = "Continue from the checkpoint in --checkpoint-dir.")
	boolean resume;

	@Option(names = "--validation", paramLabel = "F",
		description = "Fraction of the images held out for validation (default: 0.1; generators " +
			"are not validated, and hold out none).")
	Double validation;

	@Option(names = "--validate-every", defaultValue = "0", paramLabel = "N",
		description = "Steps between validation passes (default: only at the end).")
	int validateEvery;

	@Option(names = "--freeze", split = ",", paramLabel = "REGEX",
		description = "Keep the parameters whose names REGEX matches (anywhere in the name) fixed; " +
			"a pattern that matches no parameter is refused.")
	List<String> freeze = new ArrayList<>();

	@Option(names = "--ema", defaultValue = "0", paramLabel = "DECAY",
		description = "Export an exponential moving average of the weights (e.g. 0.999; default: off).")
	double ema;

	@Option(names = "--ema-warmup", negatable = true, defaultValue = "true",
		fallbackValue = "true",
		description = "Ramp the EMA decay up as min(DECAY, (1 + t) / (10 + t)) at step t, so a short " +
			"run exports trained weights (default: on; --no-ema-warmup: DECAY from the first step).")
	boolean emaWarmup;

	@Option(names = "--overwrite", description = "Replace OUT if it exists.")
	boolean overwrite;

	@Option(names = "--replace-input-model",
		description = "Allow OUT to be the model being fine-tuned: it is replaced (atomically) once " +
			"training has finished. Without this, writing over the input model is refused.")
	boolean replaceInputModel;

	/** How the command line grants what {@link FineTuneOutput} refuses. */
	static final FineTuneOutput.Hints HINTS = new FineTuneOutput.Hints(
		"pass --overwrite to replace it", "pass --resume to go on from it",
		"--overwrite to start afresh over it",
		"pass --replace-input-model to replace it once training has finished");

	@Override
	public Integer call() throws IOException {
		FineTuneOutput destination = FineTuneOutput.withLossCurve(output, overwrite,
			overwrite, replaceInputModel, HINTS);
		DataSource source = data.folder != null ? new DataSource.Images(ImageFolder
			.of(data.folder, "data")) : new DataSource.Pairs(ImageFolder.of(
				data.pairs.inputs, "input"), ImageFolder.of(data.pairs.targets,
					"target"));
		Degradation.BlindSpot blindSpots = selfSupervised.blindSpot();
		Degradation inputs = Degradation.chosen(blindSpots, degradation);
		OptimizerConfig opt = OptimizerConfig.parse(optimizer, lr).withSchedule(
			OptimizerConfig.Schedule.parse(lrSchedule)).withBetas(adamBetas);
		Stabilisers stabilisers = new Stabilisers(Stabilisers.parseDiscriminator(
			discriminator), discriminatorWidth, spectralNorm, minibatchStd,
			DiffAugment.parse(diffAugment), adaTarget, dLr, dSteps, emaWarmup);
		FineTuneConfig config = new FineTuneConfig(steps, opt, loss == null ? null
			: LossKind.parse(loss), 0, AdversarialKind.parse(adversarial), seed,
			run.device, run.threads, checkpointDir, checkpointEvery, resume, freeze,
			ema, validateEvery, new GradientPenalties(GradientPenalties.parseWganGp(
				gradientPenalty), r1, r1Every), stabilisers);
		FineTune.Request request = new FineTune.Request(model, task, source, batch,
			patch, augment == null ? null : Augmentation.parse(augment), normalize,
			validation, adversarialWeight, config, inputs);

		FineTune.Outcome outcome;
		try (CancelOnInterrupt interrupt = new CancelOnInterrupt();
				ConsoleProgress progress = ConsoleProgress.toTerminal(spec.commandLine()
					.getErr()))
		{
			outcome = FineTune.run(request, destination, ProgressListener.safe(
				progress), interrupt.token());
		}
		Trainer.Result result = outcome.result();
		// the model and its loss curve appear together or not at all
		Path csv = destination.companions().get(0), png = destination.companions()
			.get(1);
		destination.write(result, outcome.model().onnxFile(), outcome.model()
			.sha256(), resume, LossCurve.contents(result.history()));

		PrintWriter w = spec.commandLine().getOut();
		float[] last = result.history().get(result.history().size() - 1);
		w.printf(Locale.ROOT, "wrote %s (%d steps on %s, final loss %.5f%s)%n",
			output, result.steps(), result.provider(), last[1], Float.isNaN(last[4])
				? "" : String.format(Locale.ROOT, ", validation loss %.5f", last[4]) +
					(Float.isNaN(last[5]) ? "" : String.format(Locale.ROOT,
						", PSNR %.2f dB", last[5])));
		w.println("loss curve: " + csv.getFileName() + ", " + png.getFileName());
		w.println("data: " + outcome.data().describe());
		for (String n : outcome.notes())
			w.println("note: " + n);
		for (String n : result.notes())
			w.println("note: " + n);
		w.flush();
		return 0;
	}
}
