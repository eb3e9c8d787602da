package org.fijigan.core.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.ProgressListener.ProgressEvent;
import org.fijigan.core.demo.DemoReport.Group;
import org.fijigan.core.demo.DemoReport.Metric;
import org.fijigan.core.demo.DemoReport.OutputImage;
import org.fijigan.core.demo.DemoReport.Panel;
import org.fijigan.core.demo.DemoReport.Row;
import org.fijigan.core.eval.Baselines;
import org.fijigan.core.eval.Metrics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;

/**
 * The demo: every bundled default model on the bundled samples, beside a classical baseline, with
 * PSNR and SSIM against the ground truth. One row per task, each skipped with a note when its
 * model is absent:
 * <ul>
 * <li><b>super-resolution</b> ({@link #SUPER_RESOLUTION_MODELS}, scale {@code s} from the model):
 * the photo (cropped at the right and bottom to a multiple of {@code s}) area-averaged down by
 * {@code s} is the input; bicubic ({@link Baselines#bicubicUpscale}) is the baseline; both against
 * the photo.</li>
 * <li><b>denoising</b> ({@value #DENOISE_MODEL}): the cells image plus Gaussian noise of sigma
 * {@value #NOISE_SIGMA_8BIT}/255, drawn by {@link TrainingDegradations#addGaussianNoise} from
 * {@code new SplittableRandom(seed)}, clipped to [0,1], is the input; the baseline shown is the
 * better by PSNR of a Gaussian blur (sigma {@value #BLUR_SIGMA}) and a {@value #MEDIAN_SIZE}x
 * {@value #MEDIAN_SIZE} median; input, both baselines and the model are measured.</li>
 * <li><b>inpainting</b> ({@value #INPAINT_MODEL}): the cells image with the hole mask's pixels set
 * to 0; harmonic fill is the baseline; PSNR and SSIM inside the holes only
 * ({@link Metrics#maskedPsnr}, {@link Metrics#maskedSsim}).</li>
 * <li><b>generation</b> ({@value #GENERATOR_MODEL}): one image per real slice's class, image
 * {@code i} from seed {@code seed + i}, tagged SYNTHETIC as {@code generate} tags them, beside the
 * real held-out slices; no metric (no ground truth), a note points to the model card.</li>
 * </ul>
 * Values are 8-bit / 255 in [0,1]; metrics use data range 1 (so the PSNR is the usual 8-bit PSNR)
 * and are computed on the float results, clipped to [0,1], before they are rounded to 8 bits for
 * the files. Models are run through the same pipeline as the commands ({@link ImageToImage},
 * {@link Inpainter}, {@link Generator}), seeing the degraded image as values 0-1
 * ({@code range:0,1}), as {@code fiji-gan evaluate} feeds them, so the numbers are measured as the
 * model cards' are.
 */
public final class Demo {
	/** The bundled super-resolution models, one row each. */
	public static final List<String> SUPER_RESOLUTION_MODELS = List.of("sr-x2", "sr-x4");
	public static final String DENOISE_MODEL = "denoise";
	public static final String INPAINT_MODEL = "inpaint";
	public static final String GENERATOR_MODEL = "mri-generator";
	/** Noise of the denoising row, in 8-bit units. */
	public static final double NOISE_SIGMA_8BIT = 25;
	/** Sigma (pixels) of the Gaussian-blur baseline. */
	public static final double BLUR_SIGMA = 1;
	/** Side of the median-filter baseline. */
	public static final int MEDIAN_SIZE = 3;
	/** Generated and real slices are enlarged on the sheet by a whole factor to about this side. */
	static final int SMALL_IMAGE_SIDE = 128;
	/** Rows of a full run, for the progress bar. */
	private static final int STEPS = SUPER_RESOLUTION_MODELS.size() + 3;

	/** Where the demo finds its models. */
	public interface Models {
		/** The model called {@code name}, or null when there is none. */
		ModelDescriptor find(String name);

		/** The place searched, for a note when a model is absent. */
		String where();
	}

	/** The bundled models: {@link ModelLoader#bundledNames()} in {@link ModelLoader#modelsDir()}. */
	public static final Models BUNDLED = new Models() {
		@Override
		public ModelDescriptor find(String name) {
			return ModelLoader.bundledNames().contains(name) ? ModelLoader.load(name, ModelOverrides.NONE)
				: null;
		}

		@Override
		public String where() {
			return ModelLoader.modelsDir().toAbsolutePath().normalize().toString();
		}
	};

	private Demo() {}

	/**
	 * Runs every row whose model {@code models} has.
	 *
	 * @throws GanException when no model of the demo is there, or a model fails (the message names
	 *           the row)
	 */
	public static DemoReport run(DemoSamples samples, Models models, DemoOptions options,
		ProgressListener progress, CancellationToken cancel)
	{
		long start = System.nanoTime();
		Run run = new Run(samples, models, options, cancel);
		ProgressListener listener = ProgressListener.safe(progress);
		int step = 0;
		for (String name : SUPER_RESOLUTION_MODELS) {
			listener.onProgress(new ProgressEvent("row", step++, STEPS, "fiji-gan: demo: " + name));
			run.superResolution(name);
		}
		listener.onProgress(new ProgressEvent("row", step++, STEPS, "fiji-gan: demo: " + DENOISE_MODEL));
		run.denoising();
		listener.onProgress(new ProgressEvent("row", step++, STEPS, "fiji-gan: demo: " + INPAINT_MODEL));
		run.inpainting();
		listener.onProgress(new ProgressEvent("row", step++, STEPS, "fiji-gan: demo: " +
			GENERATOR_MODEL));
		run.generation();
		listener.onProgress(new ProgressEvent("row", step, STEPS, "fiji-gan: demo done"));
		if (run.rows.isEmpty()) throw new GanException("none of the demo's models (" + String.join(", ",
			allModels()) + ") is in " + models.where() + "; the demo has nothing to show");
		return run.report(options.seed(), (System.nanoTime() - start) / 1e9);
	}

	/** Every model name the demo looks for, in row order. */
	public static List<String> allModels() {
		List<String> all = new ArrayList<>(SUPER_RESOLUTION_MODELS);
		all.addAll(List.of(DENOISE_MODEL, INPAINT_MODEL, GENERATOR_MODEL));
		return all;
	}

	/** One run's state: what the rows produced so far. */
	private static final class Run {
		final DemoSamples samples;
		final Models models;
		final DemoOptions options;
		final CancellationToken cancel;
		final InferenceOptions inference;
		final List<Row> rows = new ArrayList<>();
		final List<Metric> metrics = new ArrayList<>();
		final List<OutputImage> files = new ArrayList<>();
		final List<String> notes = new ArrayList<>(), skipped = new ArrayList<>();
		String syntheticNote;

		Run(DemoSamples samples, Models models, DemoOptions options, CancellationToken cancel) {
			this.samples = samples;
			this.models = models;
			this.options = options;
			this.cancel = cancel;
			inference = InferenceOptions.defaults().withNormalization(new Normalization.FixedRange(0, 1))
				.withFloatOutput(true).withDevice(options.device(), options.threads());
		}

		/** The model, or null after a note saying why its row is skipped. */
		private ModelDescriptor model(String name, String task, Predicate<ModelDescriptor> fits,
			String needs)
		{
			cancel.throwIfCancelled();
			ModelDescriptor m = models.find(name);
			if (m == null) return skip(task, name, "no model named " + name + " in " + models.where(),
				"no model " + name);
			if (!fits.test(m)) return skip(task, name, name + " is a " + m.task().id() + " model (scale " +
				number(m.scale()) + "); this row needs " + needs, name + " is not " + needs);
			return m;
		}

		private ModelDescriptor skip(String task, String name, String why, String shortWhy) {
			notes.add(task + " skipped: " + why);
			skipped.add(name + " (" + shortWhy + ")");
			metrics.add(new Metric(task, "-", Double.NaN, Double.NaN, "skipped: " + why));
			return null;
		}

		void superResolution(String name) {
			ModelDescriptor m = model(name, "super-resolution (" + name + ")", d -> d
				.task() == TaskKind.SUPER_RESOLUTION && wholeScale(d) >= 2,
				"a super-resolution model with a whole scale of at least 2");
			if (m == null) return;
			int s = wholeScale(m);
			String task = "super-resolution x" + s;
			RasterImage photo = samples.photo();
			int h = photo.height() - photo.height() % s, w = photo.width() - photo.width() % s;
			if (h < s * Metrics.SSIM_WINDOW || w < s * Metrics.SSIM_WINDOW) throw new GanException(
				"the demo photo is too small for x" + s);
			float[] truth = crop(unit(photo), photo.width(), w, h);
			Planes low = TrainingDegradations.areaDownscale(new Planes(1, h, w, truth.clone()), s);
			int lh = low.height(), lw = low.width();
			float[] bicubic = clip(Baselines.bicubicUpscale(low.values(), lh, lw, s));
			RunResult r = runRow(task, m, () -> ImageToImage.run(m, floatImage(low.values(), lw, lh,
				"demo-photo-x" + s), inference, ProgressListener.NONE, cancel));
			float[] gan = result(r, w, h, m);
			Metric base = metric(task, "bicubic", truth, bicubic, h, w, "Keys a=-0.5; against the " + w +
				"x" + h + " photo");
			Metric model = metric(task, "GAN (" + name + ")", truth, gan, h, w, "");
			metrics.add(base);
			metrics.add(model);
			RasterImage input = grey8(low.values(), lw, lh);
			files.add(new OutputImage(name + "-truth.png", grey8(truth, w, h)));
			files.add(new OutputImage(name + "-input.png", input));
			RasterImage b = grey8(bicubic, w, h), g = withProvenance(grey8(gan, w, h), r);
			files.add(new OutputImage(name + "-bicubic.png", b));
			files.add(new OutputImage(name + "-gan.png", g));
			rows.add(new Row(task, List.of(task, "model " + name, samples.photoName(), "area-averaged /" +
				s), List.of(new Group("", List.of(new Panel("input " + lw + "x" + lh, input, s, List.of(
					"shown x" + s + ", nearest"), false))), new Group("", List.of(new Panel("bicubic", b, 1,
						captions(base), false))), new Group("", List.of(new Panel("GAN: " + name, g, 1,
							captions(model), false))))));
		}

		void denoising() {
			String task = "denoising";
			ModelDescriptor m = model(DENOISE_MODEL, task, d -> d.task() == TaskKind.DENOISE || d
				.task() == TaskKind.IMAGE_TO_IMAGE && d.scale() == 1, "a denoising model");
			if (m == null) return;
			RasterImage cells = samples.cells();
			int h = cells.height(), w = cells.width();
			float[] clean = unit(cells);
			Planes noise = new Planes(1, h, w, clean.clone());
			TrainingDegradations.addGaussianNoise(noise, NOISE_SIGMA_8BIT / 255, new SplittableRandom(
				options.seed()));
			float[] noisy = clip(noise.values());
			float[] blur = clip(Baselines.gaussianBlur(noisy, h, w, BLUR_SIGMA));
			float[] median = clip(Baselines.medianFilter(noisy, h, w, MEDIAN_SIZE));
			RunResult r = runRow(task, m, () -> ImageToImage.run(m, floatImage(noisy, w, h, "demo-noisy"),
				inference, ProgressListener.NONE, cancel));
			float[] gan = result(r, w, h, m);
			String blurName = "gaussian blur sigma=" + number(BLUR_SIGMA), medianName = "median " +
				MEDIAN_SIZE + "x" + MEDIAN_SIZE;
			Metric in = metric(task, "input (noisy)", clean, noisy, h, w, "Gaussian noise sigma " + number(
				NOISE_SIGMA_8BIT) + "/255, seed " + options.seed() + ", clipped to 0-255");
			Metric mb = metric(task, blurName, clean, blur, h, w, ""), mm = metric(task, medianName, clean,
				median, h, w, "");
			boolean blurBetter = mb.psnr() >= mm.psnr();
			String shown = "shown: the better baseline by PSNR";
			if (blurBetter) mb = new Metric(task, blurName, mb.psnr(), mb.ssim(), shown);
			else mm = new Metric(task, medianName, mm.psnr(), mm.ssim(), shown);
			Metric model = metric(task, "GAN (" + m.name() + ")", clean, gan, h, w, "");
			metrics.addAll(List.of(in, mb, mm, model));
			Metric best = blurBetter ? mb : mm;
			String bestFile = blurBetter ? "gaussian-blur" : "median";
			RasterImage input = grey8(noisy, w, h), b = grey8(blurBetter ? blur : median, w, h);
			RasterImage g = withProvenance(grey8(gan, w, h), r);
			files.add(new OutputImage(DENOISE_MODEL + "-truth.png", grey8(clean, w, h)));
			files.add(new OutputImage(DENOISE_MODEL + "-input.png", input));
			files.add(new OutputImage(DENOISE_MODEL + "-" + bestFile + ".png", b));
			files.add(new OutputImage(DENOISE_MODEL + "-gan.png", g));
			rows.add(new Row(task, List.of(task, "model " + m.name(), samples.cellsName(),
				"Gaussian noise " + number(NOISE_SIGMA_8BIT) + "/255"), List.of(new Group("", List.of(
					new Panel("input (noisy)", input, 1, captions(in), false))), new Group("", List.of(
						new Panel(best.method(), b, 1, captions(best), false))), new Group("", List.of(
							new Panel("GAN: " + m.name(), g, 1, captions(model), false))))));
		}

		void inpainting() {
			String task = "inpainting";
			ModelDescriptor m = model(INPAINT_MODEL, task, d -> d.task() == TaskKind.INPAINT && d
				.kind() instanceof ModelKind.Inpainting, "an inpainting model");
			if (m == null) return;
			RasterImage cells = samples.cells();
			int h = cells.height(), w = cells.width(), n = h * w;
			float[] clean = unit(cells), maskValues = unit(samples.holeMask());
			boolean[] holes = new boolean[n];
			int count = 0;
			for (int i = 0; i < n; i++)
				if (maskValues[i] != 0) {
					holes[i] = true;
					count++;
				}
			if (count == 0 || count == n) throw new GanException("the demo's hole mask must mark some " +
				"pixels, not none or all");
			float[] known = clean.clone();
			for (int i = 0; i < n; i++)
				if (holes[i]) known[i] = 0;
			float[] harmonic = clip(Baselines.harmonicFill(known, holes, h, w));
			RunResult r = runRow(task, m, () -> Inpainter.run(m, floatImage(known, w, h, "demo-holes"),
				samples.holeMask(), inference.withCompositeInpaint(true), ProgressListener.NONE, cancel));
			float[] gan = result(r, w, h, m);
			String where = String.format(Locale.ROOT, "inside the holes (%,d pixels)", count);
			Metric base = masked(task, "harmonic fill", clean, harmonic, holes, h, w, where);
			Metric model = masked(task, "GAN (" + m.name() + ")", clean, gan, holes, h, w, where);
			metrics.add(base);
			metrics.add(model);
			float[] hatched = known.clone();
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					if (holes[y * w + x]) hatched[y * w + x] = ((x / 4 + y / 4) & 1) == 0 ? 0.3f : 0.7f;
			RasterImage b = grey8(harmonic, w, h), g = withProvenance(grey8(gan, w, h), r);
			files.add(new OutputImage(INPAINT_MODEL + "-truth.png", grey8(clean, w, h)));
			files.add(new OutputImage(INPAINT_MODEL + "-input.png", grey8(known, w, h)));
			files.add(new OutputImage(INPAINT_MODEL + "-mask.png", samples.holeMask()));
			files.add(new OutputImage(INPAINT_MODEL + "-harmonic-fill.png", b));
			files.add(new OutputImage(INPAINT_MODEL + "-gan.png", g));
			rows.add(new Row(task, List.of(task, "model " + m.name(), samples.cellsName(), String.format(
				Locale.ROOT, "holes: %,d pixels", count)), List.of(new Group("", List.of(new Panel(
					"input (holes hatched)", grey8(hatched, w, h), 1, List.of("metrics inside the holes"),
					false))), new Group("", List.of(new Panel("harmonic fill", b, 1, captions(base),
						false))), new Group("", List.of(new Panel("GAN: " + m.name(), g, 1, captions(model),
							false))))));
		}

		void generation() {
			String task = "generation";
			ModelDescriptor m = model(GENERATOR_MODEL, task, d -> d.task() == TaskKind.GENERATE && d
				.kind() instanceof ModelKind.Generator, "a generator");
			if (m == null) return;
			GeneratorSpec g = m.generator();
			List<String> classes = new ArrayList<>(samples.realSlices().keySet());
			int n = Math.max(1, classes.size());
			long[] labels = null;
			if (g.isConditional()) {
				labels = new long[n];
				boolean named = !classes.isEmpty() && g.classNames().containsAll(classes);
				for (int i = 0; i < n; i++)
					labels[i] = named ? g.classNames().indexOf(classes.get(i)) : i % Math.max(1, g
						.classCount());
				if (!named) notes.add("generation: the generator's classes " + (g.classNames().isEmpty()
					? "have no names" : g.classNames()) + ", not " + classes + ": drew classes " + java.util
						.Arrays.toString(labels));
			}
			GenerateOptions go = new GenerateOptions(n, options.seed(), null, labels, null, false, options
				.device(), options.threads());
			RunResult r = runRow(task, m, () -> Generator.run(m, go, ProgressListener.NONE, cancel));
			List<Panel> real = new ArrayList<>(), generated = new ArrayList<>();
			for (Map.Entry<String, RasterImage> e : samples.realSlices().entrySet()) {
				RasterImage s = e.getValue();
				real.add(new Panel(e.getKey(), s, zoom(s), List.of("held-out slice"), false));
			}
			for (int i = 0; i < n; i++) {
				RasterImage one = slice(r, i, options.seed() + i);
				String cls = labels == null ? "sample " + (i + 1) : g.className((int) labels[i]);
				RasterImage shown = greyView(one);
				generated.add(new Panel(cls, shown, zoom(shown), List.of("SYNTHETIC", "seed " + (options
					.seed() + i)), true));
				files.add(new OutputImage(m.name() + "-" + cls.replaceAll("[^A-Za-z0-9_-]", "_") +
					"-SYNTHETIC.png", one));
			}
			Path card = m.onnxFile().toAbsolutePath().getParent().resolve("README.md");
			String where = Files.isRegularFile(card) ? card.toString() : "the model card of " + m.name();
			metrics.add(new Metric(task, "GAN (" + m.name() + ")", Double.NaN, Double.NaN,
				"no PSNR/SSIM: a generated image has no ground truth; FID/KID against held-out slices: see " +
					where));
			syntheticNote = "generated images are SYNTHETIC (made by " + m.name() + ", seeds " + options
				.seed() + "-" + (options.seed() + n - 1) + "), not acquired; for FID/KID see its model card";
			notes.add("generation: " + syntheticNote.substring(0, syntheticNote.indexOf(';')) +
				"; FID/KID against held-out slices: " + where);
			List<Group> groups = new ArrayList<>();
			if (!real.isEmpty()) groups.add(new Group("real (held-out)", real));
			groups.add(new Group("generated", generated));
			RasterImage first = generated.get(0).image();
			rows.add(new Row(task, List.of(task, "model " + m.name(), first.width() + "x" + first.height() +
				" " + (classes.isEmpty() ? "images" : "slices"), "one per class"), groups));
		}

		/** Runs a model for a row; a failure names the row and the model. */
		private RunResult runRow(String task, ModelDescriptor m, Supplier<RunResult> job) {
			RunResult r;
			try {
				r = job.get();
			}
			catch (CancellationToken.CancelledException e) {
				throw e;
			}
			catch (GanException e) {
				throw new GanException("demo " + task + " (model " + m.name() + "): " + e.getMessage(), e);
			}
			notes.add(String.format(Locale.ROOT, "%s: %s ran on %s in %.2f s", task, m.name(), r.report()
				.provider(), r.report().seconds()));
			for (String note : r.report().notes())
				notes.add(task + ": " + note);
			return r;
		}

		DemoReport report(long seed, double seconds) {
			List<String> sheet = new ArrayList<>();
			sheet.add("Values are 8-bit/255; PSNR (dB, data range 1) and SSIM against the original " +
				"(inpainting: inside the holes); seed " + seed + ".");
			if (syntheticNote != null) sheet.add(Character.toUpperCase(syntheticNote.charAt(0)) +
				syntheticNote.substring(1) + ".");
			if (!skipped.isEmpty()) sheet.add("Skipped: " + String.join(", ", skipped) + ".");
			List<String> all = new ArrayList<>();
			all.add("values are 8-bit/255 in [0,1]; PSNR (data range 1) and SSIM on the float results " +
				"clipped to [0,1], before rounding to 8 bits; models see the degraded image as range:0,1, " +
				"as fiji-gan evaluate feeds them");
			all.addAll(notes);
			return new DemoReport(seed, rows, metrics, files, all, sheet, seconds);
		}
	}

	private static int wholeScale(ModelDescriptor d) {
		long s = Math.round(d.scale());
		return Math.abs(d.scale() - s) > 1e-9 ? -1 : (int) s;
	}

	private static Metric metric(String task, String method, float[] truth, float[] result, int h,
		int w, String note)
	{
		return new Metric(task, method, Metrics.psnr(truth, result, 1), Metrics.ssim(truth, result, 1, h,
			w, 1), note);
	}

	private static Metric masked(String task, String method, float[] truth, float[] result,
		boolean[] holes, int h, int w, String note)
	{
		return new Metric(task, method, Metrics.maskedPsnr(truth, result, holes, 1, h, w, 1), Metrics
			.maskedSsim(truth, result, holes, 1, h, w, 1), note);
	}

	/** The lines under a panel: its PSNR and SSIM. */
	static List<String> captions(Metric m) {
		return List.of("PSNR " + DemoReport.fixed(m.psnr(), 2) + " dB", "SSIM " + DemoReport.fixed(m
			.ssim(), 4));
	}

	private static int zoom(RasterImage image) {
		return Math.max(1, SMALL_IMAGE_SIDE / Math.max(image.width(), image.height()));
	}

	/** An 8-bit grey plane's values / 255. */
	static float[] unit(RasterImage image) {
		int w = image.width(), h = image.height();
		float[] v = new float[w * h];
		image.readRegion(0, 0, 0, 0, 0, w, h, v, 0);
		for (int i = 0; i < v.length; i++)
			v[i] /= 255f;
		return v;
	}

	private static float[] crop(float[] plane, int width, int w, int h) {
		float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			System.arraycopy(plane, y * width, out, y * w, w);
		return out;
	}

	/** {@code v} clipped to [0,1] in place (NaN to 0); returns it. */
	static float[] clip(float[] v) {
		for (int i = 0; i < v.length; i++)
			v[i] = !(v[i] > 0) ? 0 : v[i] >= 1 ? 1 : v[i];
		return v;
	}

	private static RasterImage floatImage(float[] values, int w, int h, String title) {
		RasterImage image = RasterImage.allocate(w, h, 1, 1, 1, PixelType.FLOAT32);
		System.arraycopy(values, 0, (float[]) image.plane(0), 0, values.length);
		return image.setTitle(title);
	}

	/** [0,1] values as an 8-bit image (rounded). */
	static RasterImage grey8(float[] unit, int w, int h) {
		RasterImage image = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		float[] scaled = new float[unit.length];
		for (int i = 0; i < unit.length; i++)
			scaled[i] = unit[i] * 255;
		image.writeRegion(0, 0, 0, 0, 0, w, h, scaled, 0);
		return image;
	}

	/** A model's result as one clipped plane, the mean of its channels. */
	private static float[] result(RunResult r, int w, int h, ModelDescriptor m) {
		RasterImage out = r.image();
		if (out.width() != w || out.height() != h) throw new GanException(m.name() + " returned " + out
			.width() + "x" + out.height() + "; the demo expected " + w + "x" + h);
		return clip(channelMean(out, 0));
	}

	private static float[] channelMean(RasterImage image, int z) {
		int n = image.width() * image.height(), c = image.logicalChannels();
		float[] sum = new float[n], plane = new float[n];
		for (int ch = 0; ch < c; ch++) {
			image.readRegion(ch, z, 0, 0, 0, image.width(), image.height(), plane, 0);
			for (int i = 0; i < n; i++)
				sum[i] += plane[i] / c;
		}
		return sum;
	}

	/** The run's provenance on an output image (the PNG keeps it in text chunks). */
	private static RasterImage withProvenance(RasterImage image, RunResult r) {
		r.image().properties().forEach((k, v) -> {
			if (k.startsWith("fiji-gan.")) image.properties().put(k, v);
		});
		return image.setTitle(r.image().title());
	}

	/** Generated slice {@code i} as an image of its own, with its SYNTHETIC label and seed. */
	private static RasterImage slice(RunResult stack, int i, long seed) {
		RasterImage s = stack.image();
		Object[] planes = new Object[s.channels()];
		for (int c = 0; c < planes.length; c++)
			planes[c] = s.plane(c, i, 0);
		RasterImage one = new RasterImage(s.width(), s.height(), s.channels(), 1, 1, s.type(), planes);
		s.properties().forEach((k, v) -> {
			if (!k.startsWith("fiji-gan.slice.") && !k.equals("fiji-gan.count") && !k.equals(
				"fiji-gan.seed")) one.properties().put(k, v);
		});
		one.properties().put("fiji-gan.seed", Long.toString(seed));
		String label = s.properties().get("fiji-gan.slice." + (i + 1) + ".label");
		if (label != null) one.properties().put("fiji-gan.slice.1.label", label);
		return one.setTitle(s.title() + "-" + (i + 1));
	}

	/** An 8-bit grey view of a one-plane image (RGB and multi-channel averaged). */
	private static RasterImage greyView(RasterImage image) {
		if (image.type() == PixelType.UINT8 && image.channels() == 1) return image;
		int w = image.width(), h = image.height();
		float[] mean = channelMean(image, 0);
		RasterImage out = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		out.writeRegion(0, 0, 0, 0, 0, w, h, mean, 0);
		return out;
	}

	private static String number(double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
	}
}
