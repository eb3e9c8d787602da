
package org.fijigan.core.demo;

import static org.fijigan.core.demo.Demo.DENOISE_MODEL;
import static org.fijigan.core.demo.Demo.GENERATOR_MODEL;
import static org.fijigan.core.demo.Demo.INPAINT_MODEL;
import static org.fijigan.core.demo.DemoImages.captions;
import static org.fijigan.core.demo.DemoImages.crop;
import static org.fijigan.core.demo.DemoImages.floatImage;
import static org.fijigan.core.demo.DemoImages.grey8;
import static org.fijigan.core.demo.DemoImages.greyView;
import static org.fijigan.core.demo.DemoImages.result;
import static org.fijigan.core.demo.DemoImages.slice;
import static org.fijigan.core.demo.DemoImages.unit;
import static org.fijigan.core.demo.DemoImages.withProvenance;
import static org.fijigan.core.demo.DemoImages.zoom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.demo.DemoReport.Group;
import org.fijigan.core.demo.DemoReport.Metric;
import org.fijigan.core.demo.DemoReport.OutputImage;
import org.fijigan.core.demo.DemoReport.Panel;
import org.fijigan.core.demo.DemoReport.Row;
import org.fijigan.core.eval.DenoisingProtocol;
import org.fijigan.core.eval.GenerationProtocol;
import org.fijigan.core.eval.InpaintingProtocol;
import org.fijigan.core.eval.SuperResolutionProtocol;
import org.fijigan.core.eval.TaskProtocol;
import org.fijigan.core.eval.Metrics;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.pipeline.RunResult;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.Planes;

/**
 * One demo run: the rows {@link Demo} asks for, one method per task, each
 * degrading and measuring by the demo's configuration of its task's protocol,
 * and what they produced so far (rows, metrics, files, notes). Not thread-safe:
 * one run, one thread.
 */
final class DemoRun {

	final DemoSamples samples;
	final Demo.Models models;
	final DemoOptions options;
	final CancellationToken cancel;
	final InferenceOptions inference;
	final List<Row> rows = new ArrayList<>();
	final List<Metric> metrics = new ArrayList<>();
	final List<OutputImage> files = new ArrayList<>();
	final List<String> notes = new ArrayList<>(), skipped = new ArrayList<>();
	String syntheticNote;

	DemoRun(DemoSamples samples, Demo.Models models, DemoOptions options,
		CancellationToken cancel)
	{
		this.samples = samples;
		this.models = models;
		this.options = options;
		this.cancel = cancel;
		inference = InferenceOptions.defaults().withNormalization(
			new Normalization.FixedRange(0, 1)).withFloatOutput(true).withDevice(
				options.device(), options.threads());
	}

	/** The model, or null after a note saying why its row is skipped. */
	private ModelDescriptor model(String name, String task,
		Predicate<ModelDescriptor> fits, String needs)
	{
		cancel.throwIfCancelled();
		ModelDescriptor m = models.find(name);
		if (m == null) return skip(task, name, "no model named " + name + " in " +
			models.where(), "no model " + name);
		if (!fits.test(m)) return skip(task, name, name + " is a " + m.task().id() +
			" model (scale " + Numbers.exact(m.scale()) + "); this row needs " +
			needs, name + " is not " + needs);
		return m;
	}

	private ModelDescriptor skip(String task, String name, String why,
		String shortWhy)
	{
		notes.add(task + " skipped: " + why);
		skipped.add(name + " (" + shortWhy + ")");
		metrics.add(new Metric(task, "-", Double.NaN, Double.NaN, "skipped: " +
			why));
		return null;
	}

	void superResolution(String name) {
		ModelDescriptor m = model(name, "super-resolution (" + name + ")", d -> d
			.task() == TaskKind.SUPER_RESOLUTION && SuperResolutionProtocol
				.wholeScale(d.scale()) >= 2,
			"a super-resolution model with a whole scale of at least 2");
		if (m == null) return;
		int s = SuperResolutionProtocol.wholeScale(m.scale());
		SuperResolutionProtocol protocol = SuperResolutionProtocol.demo(s);
		String task = "super-resolution x" + s;
		RasterImage photo = samples.photo();
		int h = protocol.cropped(photo.height()), w = protocol.cropped(photo
			.width());
		if (h < s * Metrics.SSIM_WINDOW || w < s * Metrics.SSIM_WINDOW)
			throw new GanException("the demo photo is too small for x" + s);
		Planes truth = new Planes(1, h, w, crop(unit(photo), photo.width(), w, h));
		Planes low = protocol.degrade(truth);
		int lh = low.height(), lw = low.width();
		SuperResolutionProtocol.Upscaling baseline = protocol.baselines().get(0);
		Planes bicubic = protocol.enlarge(baseline, low);
		RunResult r = runRow(task, m, () -> ImageToImage.run(m, floatImage(low
			.values(), lw, lh, "demo-photo-x" + s), inference, ProgressListener.NONE,
			cancel));
		Planes gan = result(r, w, h, m);
		Metric base = metric(task, baseline.method(), protocol.measure(truth,
			bicubic), "Keys a=-0.5; " + "against the " + w + "x" + h + " photo");
		Metric model = metric(task, "GAN (" + name + ")", protocol.measure(truth,
			gan), "");
		metrics.add(base);
		metrics.add(model);
		RasterImage input = grey8(low);
		files.add(new OutputImage(name + "-truth.png", grey8(truth)));
		files.add(new OutputImage(name + "-input.png", input));
		RasterImage b = grey8(bicubic), g = withProvenance(grey8(gan), r);
		files.add(new OutputImage(name + "-" + baseline.method() + ".png", b));
		files.add(new OutputImage(name + "-gan.png", g));
		rows.add(new Row(task, List.of(task, "model " + name, samples.photoName(),
			"area-averaged /" + s), List.of(new Group("", List.of(new Panel("input " +
				lw + "x" + lh, input, s, List.of("shown x" + s + ", nearest"), false))),
				new Group("", List.of(new Panel(baseline.method(), b, 1, captions(base),
					false))), new Group("", List.of(new Panel("GAN: " + name, g, 1,
						captions(model), false))))));
	}

	void denoising() {
		String task = "denoising";
		ModelDescriptor m = model(DENOISE_MODEL, task, d -> d
			.task() == TaskKind.DENOISE || d.task() == TaskKind.IMAGE_TO_IMAGE && d
				.scale() == 1, "a denoising model");
		if (m == null) return;
		DenoisingProtocol protocol = DenoisingProtocol.demo();
		RasterImage cells = samples.cells();
		int h = cells.height(), w = cells.width();
		Planes clean = new Planes(1, h, w, unit(cells));
		Planes noisy = protocol.degrade(clean, protocol.conditions().get(0),
			new SplittableRandom(options.seed()));
		double sigma = protocol.blurSigmas().get(0);
		int size = protocol.medianSizes().get(0);
		Planes blur = DenoisingProtocol.blur(noisy, sigma), median =
			DenoisingProtocol.median(noisy, size);
		RunResult r = runRow(task, m, () -> ImageToImage.run(m, floatImage(noisy
			.values(), w, h, "demo-noisy"), inference, ProgressListener.NONE,
			cancel));
		Planes gan = result(r, w, h, m);
		String blurName = DenoisingProtocol.blurName(sigma), medianName =
			DenoisingProtocol.medianName(size);
		Metric in = metric(task, "input (noisy)", protocol.measure(clean, noisy),
			"Gaussian noise " + "sigma " + Numbers.exact(
				DenoisingProtocol.DEMO_NOISE_SIGMA_8BIT) + "/255, seed " + options
					.seed() + ", clipped to 0-255");
		Metric mb = metric(task, blurName, protocol.measure(clean, blur), ""), mm =
			metric(task, medianName, protocol.measure(clean, median), "");
		boolean blurBetter = mb.psnr() >= mm.psnr();
		String shown = "shown: the better baseline by PSNR";
		if (blurBetter) mb = new Metric(task, blurName, mb.psnr(), mb.ssim(),
			shown);
		else mm = new Metric(task, medianName, mm.psnr(), mm.ssim(), shown);
		Metric model = metric(task, "GAN (" + m.name() + ")", protocol.measure(
			clean, gan), "");
		metrics.addAll(List.of(in, mb, mm, model));
		Metric best = blurBetter ? mb : mm;
		String bestFile = blurBetter ? "gaussian-blur" : "median";
		RasterImage input = grey8(noisy), b = grey8(blurBetter ? blur : median);
		RasterImage g = withProvenance(grey8(gan), r);
		files.add(new OutputImage(DENOISE_MODEL + "-truth.png", grey8(clean)));
		files.add(new OutputImage(DENOISE_MODEL + "-input.png", input));
		files.add(new OutputImage(DENOISE_MODEL + "-" + bestFile + ".png", b));
		files.add(new OutputImage(DENOISE_MODEL + "-gan.png", g));
		rows.add(new Row(task, List.of(task, "model " + m.name(), samples
			.cellsName(), "Gaussian noise " + Numbers.exact(
				DenoisingProtocol.DEMO_NOISE_SIGMA_8BIT) + "/255"), List.of(new Group(
					"", List.of(new Panel("input (noisy)", input, 1, captions(in),
						false))), new Group("", List.of(new Panel(best.method(), b, 1,
							captions(best), false))), new Group("", List.of(new Panel(
								"GAN: " + m.name(), g, 1, captions(model), false))))));
	}

	/** The demo's hole mask, as written beside its inpainted result. */
	static final String MASK_FILE = INPAINT_MODEL + "-mask.png";

	void inpainting() {
		String task = "inpainting";
		ModelDescriptor m = model(INPAINT_MODEL, task, d -> d
			.task() == TaskKind.INPAINT && d.kind() instanceof ModelKind.Inpainting,
			"an inpainting model");
		if (m == null) return;
		InpaintingProtocol protocol = InpaintingProtocol.demo();
		RasterImage cells = samples.cells();
		int h = cells.height(), w = cells.width(), n = h * w;
		Planes clean = new Planes(1, h, w, unit(cells));
		float[] maskValues = unit(samples.holeMask());
		boolean[] holes = new boolean[n];
		int count = 0;
		for (int i = 0; i < n; i++)
			if (maskValues[i] != 0) {
				holes[i] = true;
				count++;
			}
		if (count == 0 || count == n) throw new GanException(
			"the demo's hole mask must mark some " + "pixels, not none or all");
		Planes known = protocol.degrade(clean, holes);
		RunResult r = runRow(task, m, () -> Inpainter.run(m, floatImage(known
			.values(), w, h, "demo-holes"), samples.holeMask(), inference
				.withCompositeInpaint(true), ProgressListener.NONE, cancel));
		r.image().properties().put(Inpainter.MASK_PROPERTY, MASK_FILE);
		Planes gan = result(r, w, h, m);
		String where = String.format(Locale.ROOT, "inside the holes (%,d pixels)",
			count);
		// every fill is measured; the better by PSNR (the first on a tie) is shown
		List<Metric> measured = new ArrayList<>();
		List<Planes> fills = new ArrayList<>();
		for (InpaintingProtocol.Fill fill : protocol.baselines()) {
			fills.add(InpaintingProtocol.fill(fill, known, holes));
			measured.add(metric(task, fill.method(), protocol.measure(clean, fills
				.get(fills.size() - 1), holes), where));
		}
		int shown = 0;
		for (int i = 1; i < measured.size(); i++)
			if (measured.get(i).psnr() > measured.get(shown).psnr()) shown = i;
		InpaintingProtocol.Fill baseline = protocol.baselines().get(shown);
		Planes filled = fills.get(shown);
		Metric base = measured.get(shown);
		if (measured.size() > 1) measured.set(shown, base = new Metric(task, base
			.method(), base.psnr(), base.ssim(), where +
				"; shown: the better baseline by PSNR"));
		Metric model = metric(task, "GAN (" + m.name() + ")", protocol.measure(
			clean, gan, holes), where);
		metrics.addAll(measured);
		metrics.add(model);
		float[] hatched = known.values().clone();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				if (holes[y * w + x]) hatched[y * w + x] = ((x / 4 + y / 4) & 1) == 0
					? 0.3f : 0.7f;
		RasterImage b = grey8(filled), g = withProvenance(grey8(gan), r);
		files.add(new OutputImage(INPAINT_MODEL + "-truth.png", grey8(clean)));
		files.add(new OutputImage(INPAINT_MODEL + "-input.png", grey8(known)));
		files.add(new OutputImage(MASK_FILE, samples.holeMask()));
		files.add(new OutputImage(INPAINT_MODEL + "-" + baseline.method().replace(
			' ', '-') + ".png", b));
		files.add(new OutputImage(INPAINT_MODEL + "-gan.png", g));
		rows.add(new Row(task, List.of(task, "model " + m.name(), samples
			.cellsName(), String.format(Locale.ROOT, "holes: %,d pixels", count)),
			List.of(new Group("", List.of(new Panel("input (holes hatched)", grey8(
				new Planes(1, h, w, hatched)), 1, List.of("metrics inside the holes"),
				false))), new Group("", List.of(new Panel(baseline.method(), b, 1,
					captions(base), false))), new Group("", List.of(new Panel("GAN: " + m
						.name(), g, 1, captions(model), false))))));
	}

	void generation() {
		String task = "generation";
		ModelDescriptor m = model(GENERATOR_MODEL, task, d -> d
			.task() == TaskKind.GENERATE && d.kind() instanceof ModelKind.Generator,
			"a generator");
		if (m == null) return;
		GeneratorSpec g = m.generator();
		List<String> classes = new ArrayList<>(samples.realSlices().keySet());
		int n = Math.max(1, classes.size());
		long[] labels = null;
		if (g.isConditional()) {
			labels = new long[n];
			boolean named = !classes.isEmpty() && g.classNames().containsAll(classes);
			for (int i = 0; i < n; i++)
				labels[i] = named ? g.classNames().indexOf(classes.get(i)) : i % Math
					.max(1, g.classCount());
			if (!named) notes.add("generation: the generator's classes " + (g
				.classNames().isEmpty() ? "have no names" : g.classNames()) + ", not " +
				classes + ": drew classes " + Arrays.toString(labels));
		}
		long[] drawn = labels;
		GenerationProtocol protocol = new GenerationProtocol(options.seed());
		RunResult r = runRow(task, m, () -> protocol.draw(m, n, drawn, false,
			options.device(), options.threads(), cancel));
		List<Panel> real = new ArrayList<>(), generated = new ArrayList<>();
		for (Map.Entry<String, RasterImage> e : samples.realSlices().entrySet()) {
			RasterImage s = e.getValue();
			real.add(new Panel(e.getKey(), s, zoom(s), List.of("held-out slice"),
				false));
		}
		for (int i = 0; i < n; i++) {
			RasterImage one = slice(r, i, options.seed() + i);
			String cls = labels == null ? "sample " + (i + 1) : g.className(
				(int) labels[i]);
			// the stack names all its classes; this slice is of one
			if (labels != null) one.properties().put("fiji-gan.class", cls);
			RasterImage shown = greyView(one);
			generated.add(new Panel(cls, shown, zoom(shown), List.of("SYNTHETIC",
				"seed " + (options.seed() + i)), true));
			files.add(new OutputImage(m.name() + "-" + cls.replaceAll(
				"[^A-Za-z0-9_-]", "_") + "-SYNTHETIC.png", one));
		}
		Path card = m.onnxFile().toAbsolutePath().getParent().resolve("README.md");
		String where = Files.isRegularFile(card) ? card.toString()
			: "the model card of " + m.name();
		metrics.add(new Metric(task, "GAN (" + m.name() + ")", Double.NaN,
			Double.NaN,
			"no PSNR/SSIM: a generated image has no ground truth; FID/KID against held-out slices: see " +
				where));
		syntheticNote = "generated images are SYNTHETIC (made by " + m.name() +
			", seeds " + options.seed() + "-" + (options.seed() + n - 1) +
			"), not acquired; for FID/KID see its model card";
		notes.add("generation: " + syntheticNote.substring(0, syntheticNote.indexOf(
			';')) + "; FID/KID against held-out slices: " + where);
		List<Group> groups = new ArrayList<>();
		if (!real.isEmpty()) groups.add(new Group("real (held-out)", real));
		groups.add(new Group("generated", generated));
		RasterImage first = generated.get(0).image();
		rows.add(new Row(task, List.of(task, "model " + m.name(), first.width() +
			"x" + first.height() + " " + (classes.isEmpty() ? "images" : "slices"),
			"one per class"), groups));
	}

	/** Runs a model for a row; a failure names the row and the model. */
	private RunResult runRow(String task, ModelDescriptor m,
		Supplier<RunResult> job)
	{
		RunResult r;
		try {
			r = job.get();
		}
		catch (CancellationToken.CancelledException e) {
			throw e;
		}
		catch (GanException e) {
			throw new GanException("demo " + task + " (model " + m.name() + "): " + e
				.getMessage(), e);
		}
		notes.add(String.format(Locale.ROOT, "%s: %s ran on %s in %.2f s", task, m
			.name(), r.report().provider(), r.report().seconds()));
		for (String note : r.report().notes())
			notes.add(task + ": " + note);
		return r;
	}

	DemoReport report(long seed, double seconds) {
		List<String> sheet = new ArrayList<>();
		sheet.add(
			"Values are 8-bit/255; PSNR (dB, data range 1) and SSIM against the original " +
				"(inpainting: inside the holes); seed " + seed + ".");
		if (syntheticNote != null) sheet.add(Character.toUpperCase(syntheticNote
			.charAt(0)) + syntheticNote.substring(1) + ".");
		if (!skipped.isEmpty()) sheet.add("Skipped: " + String.join(", ", skipped) +
			".");
		List<String> all = new ArrayList<>();
		all.add(
			"values are 8-bit/255 in [0,1]; PSNR (data range 1) and SSIM on the float results " +
				"clipped to [0,1], before rounding to 8 bits; models see the degraded image as range:0,1, " +
				"as fiji-gan evaluate feeds them");
		all.addAll(notes);
		return new DemoReport(seed, rows, metrics, files, all, sheet, seconds);
	}

	private static Metric metric(String task, String method,
		TaskProtocol.Quality q, String note)
	{
		return new Metric(task, method, q.psnr(), q.ssim(), note);
	}
}
