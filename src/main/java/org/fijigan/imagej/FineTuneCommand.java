
package org.fijigan.imagej;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
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
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.ij1.ImageFolder;
import org.fijigan.ij1.ImagePlusConverter;
import org.fijigan.ij1.LossCurve;
import org.fijigan.ij1.LossPlot;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Plot;
import ij.gui.PlotWindow;

/**
 * Plugins > GAN > Fine-Tune Model...: adapts a model to the user's images (a
 * folder, input/target folders, or the open images) with the engine the CLI
 * uses, showing the loss live in a Plot. Esc or the command's cancel stops the
 * run; with a checkpoint folder the last checkpoint is kept, and "resume"
 * continues from it. With "no clean images" a denoiser learns from the noisy
 * images alone (Noise2Void's blind spots, as the CLI's
 * {@code --self-supervised n2v}).
 */
@Plugin(type = Command.class, headless = true, label = "Fine-Tune Model")
public class FineTuneCommand extends GanCommand {

	/** The training-data choice that trains on noisy images alone. */
	static final String NO_CLEAN_IMAGES = "no clean images (Noise2Void)";

	@Parameter(label = "Data folder", required = false,
		style = FileWidget.DIRECTORY_STYLE,
		description = "clean images (degraded on the fly), noisy images with 'no clean images', or class sub-folders of real images for a generator; empty: the open images")
	File data;

	@Parameter(label = "Targets folder", required = false,
		style = FileWidget.DIRECTORY_STYLE,
		description = "optional: what the model should output for each image of the data folder (paired training)")
	File targets;

	@Parameter(label = "Output model", style = FileWidget.SAVE_STYLE,
		description = "the fine-tuned .onnx file; its loss curve is written beside it as NAME-loss.csv and NAME-loss.png")
	File output;

	@Parameter(label = "Task", choices = { "auto", "super-resolution", "denoise",
		"inpaint", "generate" })
	String task = "auto";

	@Parameter(label = "Training data", choices = { "clean images",
		NO_CLEAN_IMAGES },
		description = "clean images are degraded on the fly; with no clean images a denoiser learns from the noisy images alone: a few pixels of each patch are hidden and predicted from their neighbours (Noise2Void)")
	String trainingData = "clean images";

	@Parameter(label = "Masked fraction", min = "0",
		description = "no clean images: share of each patch's pixels hidden (0.016: one in every 8x8)")
	double maskedFraction = Degradation.BlindSpot.DEFAULT_FRACTION;

	@Parameter(label = "Neighbourhood", min = "3",
		description = "no clean images: a hidden pixel takes the value of another pixel of this odd-sided square, at most the patch")
	int neighbourhood = Degradation.BlindSpot.DEFAULT_NEIGHBOURHOOD;

	@Parameter(label = "Line mask (structN2V)",
		description = "no clean images, noise correlated along rows or columns: none, horizontal:LEN or vertical:LEN (odd LEN)")
	String structLine = "none";

	@Parameter(label = "Steps", min = "1")
	int steps = 1000;

	@Parameter(label = "Batch", min = "1")
	int batch = 4;

	@Parameter(label = "Patch", min = "0",
		description = "patch size on the output side; 0 for whole images")
	int patch = 64;

	@Parameter(label = "Augment", choices = { "auto", "flips", "none" },
		description = "random flips and 90-degree rotations; auto: flips for image-to-image models, none for a generator, which would learn them as part of the images it makes")
	String augment = "auto";

	@Parameter(label = "Optimizer", choices = { "adam", "adamw", "sgd" })
	String optimizer = "adam";

	@Parameter(label = "Learning rate")
	double learningRate = 1e-4;

	@Parameter(label = "Schedule of the learning rate", choices = { "constant",
		"cosine" }, description = "constant, or cosine decay to 0 at the last step")
	String lrSchedule = "constant";

	@Parameter(label = "Loss", choices = { "auto", "l1", "l2", "charbonnier" },
		description = "auto: l1, or l2 with no clean images; a generator takes auto (its discriminator alone trains it)")
	String loss = "auto";

	@Parameter(label = "Adversarial weight", min = "0",
		description = "weight of the GAN loss; 0 trains without a discriminator (generators need > 0)")
	double adversarialWeight;

	@Parameter(label = "GAN loss", choices = { "nonsaturating", "hinge", "lsgan",
		"wasserstein" },
		description = "wasserstein needs the gradient penalty wgan-gp:10")
	String ganLoss = "nonsaturating";

	@Parameter(label = "Gradient penalty",
		description = "none, or wgan-gp:LAMBDA (Gulrajani et al. 2017; the paper uses 10) with the wasserstein GAN loss")
	String gradientPenalty = "none";

	@Parameter(label = "Gamma (R1)", min = "0",
		description = "R1 (Mescheder et al. 2018): gamma/2 times the squared gradient norm of the discriminator on real images; 0: off")
	double r1Gamma;

	@Parameter(label = "Lazy R1 interval", min = "1",
		description = "apply R1 at every k-th discriminator step only, with gamma times k (Karras et al. 2020)")
	int r1Every = 1;

	@Parameter(label = "Discriminator", choices = { "auto", "patchgan", "dcgan",
		"sngan" },
		description = "auto: patchgan for image-to-image models, dcgan for generators; sngan: Miyato et al. 2018's CNN with class projection")
	String discriminator = "auto";

	@Parameter(label = "Width of the discriminator", min = "1",
		description = "channels of the discriminator's first layer")
	int discriminatorWidth = Stabilisers.DEFAULT_WIDTH;

	@Parameter(label = "Spectral normalisation",
		description = "of every discriminator weight (Miyato et al. 2018), one power iteration per step")
	boolean spectralNorm;

	@Parameter(label = "DiffAugment",
		description = "differentiable augmentation before the discriminator (Zhao et al. 2020): translation, cutout, color separated by commas, or none")
	String diffAugment = "none";

	@Parameter(label = "ADA target", min = "0", max = "0.99",
		description = "apply DiffAugment with ADA's adaptive probability (Karras et al. 2020) steered to this E[sign D(real)], e.g. 0.6; 0: always apply")
	double adaTarget;

	@Parameter(label = "Minibatch std",
		description = "the minibatch standard deviation as a discriminator feature (Karras et al. 2018)")
	boolean minibatchStd;

	@Parameter(label = "TTUR learning rate", min = "0",
		description = "the discriminator's own learning rate (two time-scale update rule, Heusel et al. 2017); 0: the learning rate above")
	double discriminatorLr;

	@Parameter(label = "Updates of D per step", min = "1", max = "100",
		description = "discriminator steps per generator step")
	int discriminatorSteps = 1;

	@Parameter(label = "Adam betas",
		description = "B1,B2; WGAN-GP uses 0,0.9 or 0.5,0.9")
	String adamBetas = "0.5,0.999";

	@Parameter(label = "EMA decay", min = "0", max = "0.9999",
		description = "export an exponential moving average of the weights, e.g. 0.999; 0: off")
	double emaDecay;

	@Parameter(label = "Constant EMA decay",
		description = "no warm-up: the decay from the first step (off: min(decay, (1 + t) / (10 + t)) at step t)")
	boolean constantEma;

	@Parameter(label = "Normalize",
		description = "percentile, percentile:LOW,HIGH, range, range:MIN,MAX or none; for a generator, one range for the whole set")
	String normalize = "percentile";

	@Parameter(label = "Degradation", required = false,
		description = "how inputs are made from clean images, as the command line's --degradation: empty for the task's own, or e.g. gaussian:0.01..0.25; several noise models separated by ';' train on a mix")
	String degradation = "";

	@Parameter(label = "Freeze", required = false,
		description = "keep the parameters whose names these regular expressions (separated by commas) match fixed; empty: none")
	String freeze = "";

	@Parameter(label = "Seed")
	long seed;

	@Parameter(label = "Validation fraction", min = "0",
		description = "share of the images held out for validation, at least 0 and below 1; generators are not validated and hold out none")
	double validation = FineTune.DEFAULT_VALIDATION;

	@Parameter(label = "Validate every", min = "0",
		description = "steps between validation passes; 0: only at the end")
	int validateEvery;

	@Parameter(label = "Device",
		description = "auto, cpu, cuda, cuda:1, cuda:strict (never the CPU), ...")
	String device = "auto";

	@Parameter(label = "Threads", min = "0")
	int threads;

	@Parameter(label = "Checkpoint folder", required = false,
		style = FileWidget.DIRECTORY_STYLE,
		description = "where checkpoints go (every 'Interval of checkpoints' steps and at the end)")
	File checkpoints;

	@Parameter(label = "Interval of checkpoints", min = "1",
		description = "steps between checkpoints")
	int checkpointEvery = 100;

	@Parameter(label = "Resume",
		description = "continue from the checkpoint in the checkpoint folder")
	boolean resume;

	@Parameter(label = "Replace input model",
		description = "allow the output to be the model being fine-tuned (replaced once training has finished)")
	boolean replaceInputModel;

	@Parameter(label = "Overwrite",
		description = "replace the output model and its loss curve if they exist")
	boolean overwrite;

	/** How this dialog grants what {@link FineTuneOutput} refuses. */
	static final FineTuneOutput.Hints HINTS = new FineTuneOutput.Hints(
		"tick Overwrite to replace it", "tick 'Resume' to go on from it",
		"choose an empty checkpoint folder to start afresh",
		"tick 'Replace input model' to replace it once training has finished");

	@Override
	protected void execute() {
		if (output == null) throw new GanException(
			"choose where to write the fine-tuned model (.onnx)");
		// neither a macro nor the dialog's file field asks before an existing
		// file is named: it is replaced only with Overwrite, as in Create Model
		FineTuneOutput destination = FineTuneOutput.withLossCurve(output.toPath(),
			overwrite, false, replaceInputModel, HINTS);
		boolean noData = data == null || data.getPath().isBlank();
		if (noData && targets != null && !targets.getPath().isBlank())
			throw new GanException("a Targets folder holds what the model should " +
				"output for each image of the Data folder: choose the Data folder of " +
				"inputs too (paired training needs it), or leave Targets folder " +
				"empty");
		DataSource source;
		if (noData) source = new DataSource.Images(openImages());
		else if (targets == null || targets.getPath().isBlank()) source =
			new DataSource.Images(ImageFolder.of(data.toPath(), "data"));
		else source = new DataSource.Pairs(ImageFolder.of(data.toPath(), "input"),
			ImageFolder.of(targets.toPath(), "target"));
		Degradation.BlindSpot blindSpots = trainingData.equals(NO_CLEAN_IMAGES)
			? new Degradation.BlindSpot(maskedFraction, neighbourhood,
				Degradation.BlindSpot.Line.parse(structLine)) : null;
		// as the command line refuses --n2v-* without --self-supervised n2v
		if (blindSpots == null &&
			(maskedFraction != Degradation.BlindSpot.DEFAULT_FRACTION ||
				neighbourhood != Degradation.BlindSpot.DEFAULT_NEIGHBOURHOOD ||
				Degradation.BlindSpot.Line.parse(structLine) != null))
			throw new GanException("'Masked fraction', 'Neighbourhood' and 'Line " +
				"mask (structN2V)' are for Training data '" + NO_CLEAN_IMAGES +
				"': choose it, or set them back to " +
				Degradation.BlindSpot.DEFAULT_FRACTION + ", " +
				Degradation.BlindSpot.DEFAULT_NEIGHBOURHOOD + " and none");
		Stabilisers stabilisers = new Stabilisers(Stabilisers.parseDiscriminator(
			discriminator), discriminatorWidth, spectralNorm, minibatchStd,
			DiffAugment.parse(diffAugment), adaTarget,
			// 0 is the field's "the learning rate above"; a negative rate is refused
			discriminatorLr == 0 ? null : discriminatorLr, discriminatorSteps,
			!constantEma);
		List<String> degradations = Arrays.stream(degradation == null
			? new String[0] : degradation.split(";")).map(String::trim).filter(d -> !d
				.isEmpty()).toList();
		Degradation inputs = Degradation.chosen(blindSpots, degradations);
		List<String> frozen = Arrays.stream(freeze == null ? new String[0] : freeze
			.split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList();
		FineTuneConfig config = new FineTuneConfig(steps, OptimizerConfig.parse(
			optimizer, learningRate).withSchedule(OptimizerConfig.Schedule.parse(
				lrSchedule)).withBetas(adamBetas), loss == null || loss.equals("auto")
					? null : LossKind.parse(loss), 0, AdversarialKind.parse(ganLoss),
			seed, DeviceSpec.parse(device), threads, checkpoints == null ||
				checkpoints.getPath().isBlank() ? null : checkpoints.toPath(),
			checkpointEvery, resume, frozen, emaDecay, validateEvery,
			new GradientPenalties(GradientPenalties.parseWganGp(gradientPenalty),
				(float) r1Gamma, r1Every), stabilisers);
		FineTune.Request request = new FineTune.Request(model.trim(), task.equals(
			"auto") ? null : TaskKind.parse(task), source, batch, patch,
			augment == null || augment.equals("auto") ? null : Augmentation.parse(
				augment), Normalization.parse(normalize),
			// the dialog's default is the model's: none held out for a generator
			validation == FineTune.DEFAULT_VALIDATION ? null : validation,
			// 0 is the model's default; a negative weight is refused, as on the
			// command line
			adversarialWeight == 0 ? null : (float) adversarialWeight, config,
			inputs);
		LiveLoss plot = new LiveLoss(steps);
		ProgressListener progress = ProgressListener.safe(e -> {
			progress().onProgress(e);
			if (!Double.isNaN(e.value())) plot.add(e.done(), e.value());
		});
		FineTune.Outcome outcome = FineTune.run(request, destination, progress,
			cancellation());
		Trainer.Result result = outcome.result();
		destination.write(result, outcome.model().onnxFile(), outcome.model()
			.sha256(), resume, LossCurve.contents(result.history()));
		plot.finish(result.history());
		float[] last = result.history().get(result.history().size() - 1);
		IJ.log(String.format(Locale.ROOT,
			"fiji-gan: fine-tuned %s for %d steps on %s; final loss %.5f%s; wrote %s",
			outcome.model().name(), result.steps(), result.provider(), last[1], Float
				.isNaN(last[4]) ? "" : String.format(Locale.ROOT,
					", validation loss %.5f", last[4]) + (Float.isNaN(last[5]) ? ""
						: String.format(Locale.ROOT, ", PSNR %.2f dB", last[5])),
			destination.model()));
		IJ.log("  loss curve: " + destination.companions().get(0).getFileName() +
			", " + destination.companions().get(1).getFileName());
		IJ.log("  data: " + outcome.data().describe());
		logNotes(outcome.notes());
		logNotes(result.notes());
	}

	/** Every open image but plots, as training data. */
	private static ImageSource openImages() {
		int[] ids = WindowManager.getIDList();
		List<ImagePlus> open = new ArrayList<>();
		if (ids != null) for (int id : ids) {
			ImagePlus imp = WindowManager.getImage(id);
			if (imp != null) open.add(imp);
		}
		return trainingImages(open);
	}

	/**
	 * The images of {@code open} that are not plots (a Plot shown by a macro, or
	 * this command's own loss plot): a plot is no training image.
	 */
	static ImageSource trainingImages(List<ImagePlus> open) {
		List<RasterImage> images = new ArrayList<>();
		for (ImagePlus imp : open)
			if (!isPlot(imp)) images.add(ImagePlusConverter.toRaster(imp));
		if (images.isEmpty()) throw new GanException(
			"no data: choose a data folder or open the images to train on" + (open
				.isEmpty() ? "" : " (the open plots are not training images)"));
		return ImageSource.of(images);
	}

	private static boolean isPlot(ImagePlus imp) {
		return imp.getProperty(Plot.PROPERTY_KEY) != null || imp
			.getWindow() instanceof PlotWindow;
	}

	/**
	 * The live loss plot (only with a display); log lines every 10% otherwise.
	 */
	private static final class LiveLoss {

		private final int steps;
		private final boolean visible = !GraphicsEnvironment.isHeadless();
		private final List<float[]> rows = new ArrayList<>();
		private final long start = System.nanoTime();
		private PlotWindow window;

		LiveLoss(int steps) {
			this.steps = steps;
		}

		void add(long step, double loss) {
			rows.add(new float[] { step, (float) loss });
			double seconds = (System.nanoTime() - start) / 1e9;
			String eta = String.format(Locale.ROOT,
				"step %d/%d, loss %.5f, ETA %.0f s", step, steps, loss, seconds / step *
					(steps - step));
			IJ.showStatus("fiji-gan fine-tune: " + eta);
			if (!visible) {
				if (step == steps || step % Math.max(1, steps / 10) == 0) IJ.log(
					"fiji-gan fine-tune: " + eta);
				return;
			}
			if (step % Math.max(1, steps / 200) != 0 && step != steps) return;
			show(LossPlot.of(rows));
		}

		/**
		 * Replaces the live curve with the whole history, validation losses
		 * included.
		 */
		void finish(List<float[]> history) {
			if (!visible || history.isEmpty()) return;
			show(LossPlot.of(history));
		}

		private void show(Plot p) {
			if (window == null || window.isClosed()) window = p.show();
			else window.drawPlot(p);
		}
	}
}
