
package org.fijigan.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.eval.EvaluationReport.Measure;
import org.fijigan.core.eval.EvaluationReport.MethodKind;
import org.fijigan.core.eval.EvaluationReport.Score;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.pipeline.GenerateOptions;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.text.Numbers;
import org.fijigan.core.train.data.FreeFormMask;
import org.fijigan.core.train.data.ImageSource;
import org.fijigan.core.train.data.Planes;
import org.fijigan.core.train.data.TrainingDegradations;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation protocols end to end, through tiny ONNX models whose scores
 * are known.
 */
class EvaluationTest {

	private static final long SEED = 5;

	@TempDir
	Path dir;

	private static EvaluationOptions options() {
		return EvaluationOptions.defaults().withSeed(SEED).withInference(
			InferenceOptions.defaults().withDevice(DeviceSpec.CPU, 1));
	}

	/** An 8-bit image of a smooth pattern, different for each {@code k}. */
	private static RasterImage smooth(int w, int h, int k) {
		RasterImage image = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		byte[] p = (byte[]) image.plane(0);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = (byte) Math.round(128 + 60 * Math.sin(x / (4.0 + k)) *
					Math.cos(y / 6.0) + 20 * Math.sin((x + y) / 9.0));
		return image.setTitle("smooth" + k);
	}

	/**
	 * Values in [0, 1] of an 8-bit image, as the default normalisation makes
	 * them.
	 */
	private static float[] unit(RasterImage image) {
		byte[] p = (byte[]) image.plane(0);
		float[] v = new float[p.length];
		for (int i = 0; i < p.length; i++)
			v[i] = (float) ((p[i] & 0xff) / 255.0);
		return v;
	}

	private static Map<String, Score> byMethod(List<Score> rows,
		String condition)
	{
		return rows.stream().filter(s -> s.condition().equals(condition)).collect(
			Collectors.toMap(Score::method, Function.identity()));
	}

	@Test
	void
		anIdentityDenoiserScoresExactlyTheNoisyInputAndTheBlurIsTheBestOfItsGrid()
	{
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "id.onnx").toString(), ModelOverrides.NONE.withTask(
				TaskKind.DENOISE));
		List<RasterImage> images = List.of(smooth(40, 36, 0), smooth(40, 36, 1),
			smooth(33, 30, 2));

		EvaluationReport r = Evaluation.evaluate(identity, "smooth", ImageSource.of(
			images), null, null, options(), ProgressListener.NONE, CancellationToken
				.none());

		assertEquals(TaskKind.DENOISE, r.task());
		assertEquals(4 * 8, r.scores().size());
		List<String> conditions = r.scores().stream().map(Score::condition)
			.distinct().toList();
		assertEquals(List.of("gaussian sigma=15/255", "gaussian sigma=25/255",
			"gaussian sigma=50/255", "poisson-gaussian peak=30 read=0.01"),
			conditions);
		for (String c : conditions) {
			Map<String, Score> m = byMethod(r.scores(), c);
			Score model = m.get(identity.name()), noisy = m.get("noisy input");
			assertEquals(MethodKind.MODEL, model.kind());
			assertEquals(MethodKind.REFERENCE, noisy.kind());
			assertEquals(noisy.psnr(), model.psnr(), 1e-12, c);
			assertEquals(noisy.ssim(), model.ssim(), 1e-12, c);
			assertEquals(3, model.n());
			assertTrue(m.get("median 3x3").psnr() > noisy.psnr(), c);
		}
		// sigma 15/255 on values well inside the range: PSNR = 20 log10(255 / 15) =
		// 24.6 dB
		assertEquals(24.61, byMethod(r.scores(), conditions.get(0)).get(
			"noisy input").psnr(), 0.3);
		assertEquals(14.15, byMethod(r.scores(), conditions.get(2)).get(
			"noisy input").psnr(), 0.4);

		// the blur row, recomputed here from the seeded noise: the best sigma of
		// the grid by mean PSNR
		double bestPsnr = Double.NEGATIVE_INFINITY, bestSsim = 0, bestSigma = 0;
		for (double sigma : DenoisingProtocol.BLUR_SIGMAS) {
			double psnr = 0, ssim = 0;
			for (int i = 0; i < images.size(); i++) {
				RasterImage im = images.get(i);
				float[] clean = unit(im);
				Planes noisy = new Planes(1, im.height(), im.width(), clean.clone());
				TrainingDegradations.addGaussianNoise(noisy, 15 / 255.0,
					new SplittableRandom(TaskProtocol.streamSeed(SEED, 1, i)));
				float[] blurred = TaskProtocol.clip(Baselines.gaussianBlur(noisy
					.values(), im.height(), im.width(), sigma));
				psnr += Metrics.psnr(clean, blurred, 1) / images.size();
				ssim += Metrics.ssim(clean, blurred, 1, im.height(), im.width(), 1) /
					images.size();
			}
			if (psnr > bestPsnr) {
				bestPsnr = psnr;
				bestSsim = ssim;
				bestSigma = sigma;
			}
		}
		Score blur = r.scores().get(2);
		assertEquals("gaussian blur sigma=" + Numbers.compact(bestSigma) +
			" (tuned here)", blur.method());
		assertEquals(bestPsnr, blur.psnr(), 1e-9);
		assertEquals(bestSsim, blur.ssim(), 1e-9);
		EvaluationReport.Comparison first = r.comparisons().get(0);
		assertEquals(first.model().psnr() - first.bestBaseline().psnr(), first
			.psnrGain(), 0);
		assertTrue(first.psnrGain() < 0,
			"doing nothing loses to the best baseline");
		assertTrue(r.notes().stream().anyMatch(n -> n.contains(
			"favours the baseline")), r.notes().toString());

		EvaluationReport again = Evaluation.evaluate(identity, "smooth", ImageSource
			.of(images), null, null, options(), ProgressListener.NONE,
			CancellationToken.none());
		assertEquals(r.toCsv(), again.toCsv(), "seeded");
		assertTrue(r.toCsv().startsWith(
			"dataset,task,condition,method,kind,psnr_db,ssim,n,n_psnr\n" +
				"smooth,denoise,gaussian sigma=15/255," + identity.name() + ",model,"),
			r.toCsv());
	}

	/**
	 * Tuning images choose each baseline's parameter by its mean PSNR there,
	 * never on the evaluated images: the rows say so, and the blur is the best of
	 * its grid on the tuning image.
	 */
	@Test
	void aFineTunedModelIsMeasuredInTheUnitsItRecords() {
		List<RasterImage> images = List.of(smooth(40, 36, 0), smooth(33, 30, 2));
		ModelOverrides denoise = ModelOverrides.NONE.withTask(TaskKind.DENOISE);
		ModelDescriptor plain = ModelLoader.load(OnnxModels.identity(1).write(dir,
			"id.onnx").toString(), denoise);
		ModelDescriptor tuned = ModelLoader.load(OnnxModels.identity(1).metadata(
			ModelLoader.META_NORMALIZATION, "range:0,1000").write(dir, "tuned.onnx")
			.toString(), denoise);
		Normalization recorded = new Normalization.FixedRange(0, 1000);

		EvaluationReport byRecord = Evaluation.evaluate(tuned, "smooth", ImageSource
			.of(images), null, null, options(), ProgressListener.NONE,
			CancellationToken.none());
		EvaluationReport given = Evaluation.evaluate(plain, "smooth", ImageSource
			.of(images), null, null, options().withNormalization(recorded),
			ProgressListener.NONE, CancellationToken.none());
		EvaluationReport byDefault = Evaluation.evaluate(plain, "smooth",
			ImageSource.of(images), null, null, options(), ProgressListener.NONE,
			CancellationToken.none());

		String c = "gaussian sigma=50/255";
		double recordedPsnr = byMethod(byRecord.scores(), c).get("noisy input")
			.psnr();
		// values of at most 255 in 0-1000 are near 0, where clipping cuts the noise
		assertEquals(byMethod(given.scores(), c).get("noisy input").psnr(),
			recordedPsnr, 1e-12);
		assertTrue(recordedPsnr > byMethod(byDefault.scores(), c).get("noisy input")
			.psnr() + 0.5, recordedPsnr + " dB");
		assertTrue(byRecord.notes().contains("tuned records " +
			"fiji-gan.normalization range:0,1000 (what it was fine-tuned with): " +
			"values normalised by it"), byRecord.notes().toString());
		assertTrue(byDefault.notes().stream().noneMatch(n -> n.contains("records")),
			byDefault.notes().toString());

		// one trained on raw values is refused: evaluate feeds values in [0, 1]
		ModelDescriptor raw = ModelLoader.load(OnnxModels.identity(1).metadata(
			ModelLoader.META_NORMALIZATION, "none").write(dir, "raw.onnx").toString(),
			denoise);
		GanException e = assertThrows(GanException.class, () -> Evaluation.evaluate(
			raw, "smooth", ImageSource.of(images), null, null, options(),
			ProgressListener.NONE, CancellationToken.none()));
		assertEquals("raw was fine-tuned on raw values (it records " +
			"fiji-gan.normalization none), but evaluate feeds a model values " +
			"mapped to [0,1]: give --normalize to measure it in those units anyway", e
				.getMessage());
	}

	@Test
	void baselinesAreTunedOnTheTuningImagesAlone() {
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "id.onnx").toString(), new ModelOverrides(TaskKind.DENOISE, null,
				null, null, null, null));
		RasterImage tune = smooth(40, 36, 7);
		EvaluationReport r = Evaluation.evaluate(identity, "smooth", ImageSource.of(
			List.of(smooth(40, 36, 0))), null, null, options().withTuning(
				new EvaluationOptions.Tuning("tune", ImageSource.of(List.of(tune)))),
			ProgressListener.NONE, CancellationToken.none());
		List<String> methods = r.scores().stream().filter(s -> s.condition().equals(
			"gaussian sigma=25/255")).map(Score::method).toList();
		assertEquals(8, methods.size(), methods.toString());
		assertTrue(methods.subList(2, 3).get(0).startsWith(
			"gaussian blur sigma=") && methods.get(2).endsWith(" (tuned on tune)"),
			methods.toString());
		for (String m : methods.subList(5, 8))
			assertTrue(m.endsWith(" (tuned on tune)"), m);
		// the blur's sigma, chosen here on the tuning image with its own noise
		// stream
		float[] clean = unit(tune);
		double bestPsnr = Double.NEGATIVE_INFINITY, bestSigma = 0;
		for (double sigma : DenoisingProtocol.BLUR_SIGMAS) {
			Planes noisy = new Planes(1, 36, 40, clean.clone());
			TrainingDegradations.addGaussianNoise(noisy, 25 / 255.0,
				new SplittableRandom(TaskProtocol.streamSeed(SEED, 1001, 0)));
			double psnr = Metrics.psnr(clean, TaskProtocol.clip(Baselines
				.gaussianBlur(noisy.values(), 36, 40, sigma)), 1);
			if (psnr > bestPsnr) {
				bestPsnr = psnr;
				bestSigma = sigma;
			}
		}
		assertEquals("gaussian blur sigma=" + Numbers.compact(bestSigma) +
			" (tuned on tune)", methods.get(2));
		assertTrue(r.notes().stream().anyMatch(n -> n.contains(
			"never the evaluated ones")), r.notes().toString());
	}

	/**
	 * A constant 16-bit image has no range of its own: it is left out with a note
	 * naming it, and every mean is that of the other image alone (measured as a
	 * black image, it raised every mean PSNR); a constant 8-bit image keeps its
	 * 0-255 scale and is measured.
	 */
	@Test
	void aFlatImageUnderItsOwnRangeIsLeftOutWithANote() {
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "id.onnx").toString(), new ModelOverrides(TaskKind.DENOISE, null,
				null, null, null, null));
		RasterImage flat = RasterImage.allocate(32, 32, 1, 1, 1, PixelType.UINT16);
		java.util.Arrays.fill((short[]) flat.plane(0), (short) 1000);
		flat.setTitle("flat16");
		RasterImage grey = RasterImage.allocate(32, 32, 1, 1, 1, PixelType.UINT8);
		java.util.Arrays.fill((byte[]) grey.plane(0), (byte) 90);
		grey.setTitle("flat8");
		RasterImage image = smooth(40, 36, 0);

		EvaluationReport both = Evaluation.evaluate(identity, "d", ImageSource.of(
			List.of(image, flat)), null, null, options(), ProgressListener.NONE,
			CancellationToken.none());
		EvaluationReport alone = Evaluation.evaluate(identity, "d", ImageSource.of(
			List.of(image)), null, null, options(), ProgressListener.NONE,
			CancellationToken.none());
		assertTrue(both.notes().contains("skipped flat16: flat where it is " +
			"measured (its minimum and maximum are both 1000), so its values have " +
			"no [0,1] scale"), both.notes().toString());
		assertEquals(alone.scores().size(), both.scores().size());
		for (int i = 0; i < both.scores().size(); i++) {
			assertEquals(1, both.scores().get(i).n());
			assertEquals(alone.scores().get(i).psnr(), both.scores().get(i).psnr(), 0,
				both.scores().get(i).toString());
		}
		// under percentiles too
		GanException none = assertThrows(GanException.class, () -> Evaluation
			.evaluate(identity, "d", ImageSource.of(List.of(flat)), null, null,
				options().withNormalization(new Normalization.Percentile(1, 99)),
				ProgressListener.NONE, CancellationToken.none()));
		assertEquals("no image in 1 open image can be evaluated: each is flat " +
			"where it is measured (no range to map to [0,1]) or too small (at " +
			"least 11 pixels a side)", none.getMessage());

		EvaluationReport eight = Evaluation.evaluate(identity, "d", ImageSource.of(
			List.of(image, grey)), null, null, options(), ProgressListener.NONE,
			CancellationToken.none());
		assertEquals(2, eight.scores().get(0).n());
	}

	/**
	 * An evaluated image saved again with the same pixels (here 8-bit values held
	 * as 16-bit) is refused as tuning or training images, as a copy of its bytes
	 * is; one pixel changed, it is another image.
	 */
	@Test
	void
		anEvaluatedImageWithItsPixelsInAnotherTypeIsRefusedForTuningAndTraining()
	{
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "id.onnx").toString(), new ModelOverrides(TaskKind.DENOISE, null,
				null, null, null, null));
		RasterImage evaluated = smooth(40, 36, 0);
		RasterImage wide = RasterImage.allocate(40, 36, 1, 1, 1, PixelType.UINT16);
		byte[] p = (byte[]) evaluated.plane(0);
		short[] q = (short[]) wide.plane(0);
		for (int i = 0; i < p.length; i++)
			q[i] = (short) (p[i] & 0xff);
		wide.setTitle("wide");
		ImageSource data = ImageSource.of(List.of(evaluated));
		GanException e = assertThrows(GanException.class, () -> Evaluation.evaluate(
			identity, "smooth", data, null, null, options().withTuning(
				new EvaluationOptions.Tuning("tune", ImageSource.of(List.of(smooth(40,
					36, 7), wide)))), ProgressListener.NONE, CancellationToken.none()));
		assertEquals("--tune-data holds a copy of an evaluated image (wide has " +
			"the pixels of smooth0): tune the baselines on other images", e
				.getMessage());
		// one pixel off: tuned on it
		q[5]++;
		EvaluationReport r = Evaluation.evaluate(identity, "smooth", data, null,
			null, options().withTuning(new EvaluationOptions.Tuning("tune",
				ImageSource.of(List.of(wide)))), ProgressListener.NONE,
			CancellationToken.none());
		assertTrue(r.scores().get(2).method().endsWith(" (tuned on tune)"), r
			.scores().toString());
		// a blank image in each set (an empty field of view) is no shared image
		RasterImage blank = RasterImage.allocate(40, 36, 1, 1, 1, PixelType.UINT8)
			.setTitle("blank"), empty = RasterImage.allocate(40, 36, 1, 1, 1,
				PixelType.UINT16).setTitle("empty");
		r = Evaluation.evaluate(identity, "smooth", ImageSource.of(List.of(
			evaluated, blank)), null, null, options().withTuning(
				new EvaluationOptions.Tuning("tune", ImageSource.of(List.of(wide,
					empty)))), ProgressListener.NONE, CancellationToken.none());
		assertTrue(r.scores().get(2).method().endsWith(" (tuned on tune)"), r
			.scores().toString());

		// a generator's training images holding a real image's pixels in another
		// image (images in memory: no file to compare)
		ModelDescriptor gan = ModelLoader.load(OnnxModels.generator(8, 0, 16, 16)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		List<RasterImage> real = draws(gan, 1000, 4, null, "real");
		List<RasterImage> training = new ArrayList<>(draws(gan, 2000, 4, null,
			"train"));
		training.add(new RasterImage(16, 16, 1, 1, 1, PixelType.FLOAT32,
			new Object[] { ((float[]) real.get(2).plane(0)).clone() }).setTitle(
				"again"));
		GanException t = assertThrows(GanException.class, () -> Evaluation.evaluate(
			gan, "draws", ImageSource.of(real), ImageSource.of(training), null,
			options().withNormalization(new Normalization.FixedRange(-1, 1)),
			ProgressListener.NONE, CancellationToken.none()));
		assertEquals("--train-data holds a copy of an evaluated image (again has " +
			"the pixels of real2): the real images to compare with must be held " +
			"out from training", t.getMessage());
	}

	/**
	 * An image that carries its point sources gets peak, flux and faint-recall
	 * scores: the clean image keeps them all, an identity model scores exactly
	 * the noisy input, and the CSV has the extra columns.
	 */
	@Test
	void imagesWithPointSourcesAreScoredOnThem() {
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "id.onnx").toString(), new ModelOverrides(TaskKind.DENOISE, null,
				null, null, null, null));
		List<org.fijigan.core.dataset.PointSource> sources = PointSourceFidelityTest
			.sources();
		float[] v = PointSourceFidelityTest.render(sources, 1);
		RasterImage image = new RasterImage(PointSourceFidelityTest.W,
			PointSourceFidelityTest.H, 1, 1, 1, PixelType.FLOAT32, new Object[] { v })
			.setTitle("spots");
		// the evaluation maps the image's own min-max to [0, 1]; sources keep their
		// positions
		image.properties().put(org.fijigan.core.dataset.PointSource.PROPERTY,
			org.fijigan.core.dataset.PointSource.format(sources));
		EvaluationReport r = Evaluation.evaluate(identity, "spots", ImageSource.of(
			List.of(image)), null, null, options(), ProgressListener.NONE,
			CancellationToken.none());
		assertTrue(r.hasPointSources());
		for (String c : r.scores().stream().map(Score::condition).distinct()
			.toList())
		{
			Map<String, Score> m = byMethod(r.scores(), c);
			assertEquals(9, m.size(), "the clean image is a reference row: " + m
				.keySet());
			EvaluationReport.PointScores clean = m.get("clean image").points();
			assertEquals(1, clean.peakRatio(), 1e-9);
			assertEquals(1, clean.fluxRatio(), 1e-9);
			assertEquals(1, clean.faintRecall(), 0);
			assertEquals(sources.size() - 1, clean.sources());
			assertTrue(Double.isNaN(m.get("clean image").psnr()));
			assertEquals(m.get("noisy input").points(), m.get(identity.name())
				.points(), c);
		}
		List<EvaluationReport.PointComparison> pc = r.pointComparisons();
		assertEquals(r.scores().stream().map(Score::condition).distinct().count(),
			pc.size());
		for (EvaluationReport.PointComparison c : pc) {
			assertEquals("noisy input", c.input().method());
			String d = c.describe();
			assertTrue(d.contains("clean image 100.0% (the model ") && d.contains(
				", level with its input's); it keeps "), d);
		}
		String csv = r.toCsv();
		assertTrue(csv.startsWith(
			"dataset,task,condition,method,kind,psnr_db,ssim,n,n_psnr,peak_ratio," +
				"flux_ratio,faint_recall,sources,faint_sources\n"), csv);
		assertTrue(csv.contains(",clean image,reference,,,1,0,1,1,"), csv);
	}

	@Test
	void aPointComparisonSaysHowFarTheModelIsFromTheCleanImageAndItsInput() {
		EvaluationReport.PointComparison c = new EvaluationReport.PointComparison(
			"fluo", "gaussian sigma=15/255", point("denoise", MethodKind.MODEL, 0.842,
				0.927, 0.214), point("noisy input", MethodKind.REFERENCE, 0.98, 1.01,
					0.244), point("clean image", MethodKind.REFERENCE, 1, 1, 0.351));
		assertEquals("fluo / gaussian sigma=15/255: faint sources found: denoise " +
			"21.4%, noisy input 24.4%, clean image 35.1% (the model 13.7 points " +
			"below the clean image's, 3.0 points below its input's); it keeps 0.842 " +
			"of the sources' peaks and 0.927 of their flux", c.describe());
		EvaluationReport.PointComparison alone =
			new EvaluationReport.PointComparison("fluo", "c", point("m",
				MethodKind.MODEL, 1, 1, 0.4), null, point("clean image",
					MethodKind.REFERENCE, 1, 1, 0.4));
		assertEquals("fluo / c: faint sources found: m 40.0%, clean image 40.0% " +
			"(the model level with the clean image's); it keeps 1.000 of the " +
			"sources' peaks and 1.000 of their flux", alone.describe());
		EvaluationReport r = new EvaluationReport("m", "0".repeat(64),
			TaskKind.DENOISE, List.of(c.model(), c.input(), c.clean(), new Score(
				"other", TaskKind.DENOISE, "c", "m", MethodKind.MODEL, 30, 0.9, 1)),
			List.of(), List.of(), null, List.of());
		assertEquals(List.of(c), r.pointComparisons()); // no clean row: left out
		EvaluationReport.PointComparison none =
			new EvaluationReport.PointComparison("fluo", "c", point("m",
				MethodKind.MODEL, 0.9, 0.95, Double.NaN), null, new Score("fluo",
					TaskKind.DENOISE, "c", "clean image", MethodKind.REFERENCE,
					Double.NaN, Double.NaN, 1, 0, new EvaluationReport.PointScores(1, 1,
						Double.NaN, 3, 0)));
		assertEquals("fluo / c: no faint sources; it keeps 0.900 of the sources' " +
			"peaks and 0.950 of their flux", none.describe());
	}

	private static Score point(String method, MethodKind kind, double peak,
		double flux, double recall)
	{
		return new Score("fluo", TaskKind.DENOISE, "gaussian sigma=15/255", method,
			kind, 30, 0.9, 12, 12, new EvaluationReport.PointScores(peak, flux,
				recall, 100, 50));
	}

	/** A x2 super-resolution model that repeats each pixel as a 2x2 block. */
	ModelDescriptor nearestX2() {
		Path file = OnnxModels.builder().input("x", "N,1,H,W").initializer("scales",
			new float[] { 1, 1, 2, 2 }, 4).node("Resize", "x,,scales", "y", OnnxModels
				.attrString("mode", "nearest"), OnnxModels.attrString(
					"coordinate_transformation_mode", "asymmetric"), OnnxModels
						.attrString("nearest_mode", "floor")).output("y", "N,1,?,?")
			.metadata("fiji-gan.task", "super-resolution").metadata("fiji-gan.scale",
				"2").metadata("fiji-gan.halo", "2").write(dir, "nearest.onnx");
		return ModelLoader.load(file.toString(), ModelOverrides.NONE);
	}

	@Test
	void
		aNearestNeighbourSuperResolutionModelScoresWhatNearestEnlargementGives()
	{
		ModelDescriptor sr = nearestX2();
		RasterImage image = smooth(41, 37, 3); // odd: cropped to 40x36

		EvaluationReport r = Evaluation.evaluate(sr, "one", ImageSource.of(List.of(
			image)), null, null, options(), ProgressListener.NONE, CancellationToken
				.none());

		// the model is called "nearest" like the baseline: its row stays apart,
		// told by its kind
		assertEquals(List.of("nearest", "bicubic", "nearest"), r.scores().stream()
			.map(Score::method).toList());
		assertEquals(List.of(MethodKind.MODEL, MethodKind.BASELINE,
			MethodKind.BASELINE), r.scores().stream().map(Score::kind).toList());
		assertTrue(r.scores().stream().allMatch(s -> s.condition().equals(
			"area-averaged x2")));
		// directly: crop to 36x40, average 2x2 blocks, repeat each as a block,
		// shave 2 pixels
		float[] all = unit(image);
		int h = 36, w = 40;
		float[] hr = new float[h * w];
		for (int y = 0; y < h; y++)
			System.arraycopy(all, y * 41, hr, y * w, w);
		float[] lr = TrainingDegradations.areaDownscale(new Planes(1, h, w, hr), 2)
			.values();
		float[] up = Baselines.nearestUpscale(lr, h / 2, w / 2, 2);
		float[] bic = TaskProtocol.clip(Baselines.bicubicUpscale(lr, h / 2, w / 2,
			2));
		float[] ref = shave(hr, h, w, 2), near = shave(up, h, w, 2), cubic = shave(
			bic, h, w, 2);
		double psnr = Metrics.psnr(ref, near, 1), ssim = Metrics.ssim(ref, near, 1,
			h - 4, w - 4, 1);
		Score model = r.scores().get(0), bicubic = r.scores().get(1), nearest = r
			.scores().get(2);
		assertEquals(psnr, model.psnr(), 1e-9);
		assertEquals(ssim, model.ssim(), 1e-9);
		assertEquals(psnr, nearest.psnr(), 1e-9);
		assertEquals(ssim, nearest.ssim(), 1e-9);
		assertEquals(Metrics.psnr(ref, cubic, 1), bicubic.psnr(), 1e-9);
		assertTrue(bicubic.psnr() > psnr + 1,
			"bicubic beats nearest on a smooth image");
		assertEquals("bicubic", r.comparisons().get(0).bestBaseline().method());
	}

	@Test
	void anImageABaselineRebuildsExactlyIsLeftOutOfEveryMeanPsnrWithANote() {
		ModelDescriptor sr = nearestX2();
		RasterImage flat = RasterImage.allocate(40, 36, 1, 1, 1, PixelType.UINT8);
		java.util.Arrays.fill((byte[]) flat.plane(0), (byte) 7);
		RasterImage smooth = smooth(40, 36, 3);
		EvaluationReport alone = Evaluation.evaluate(sr, "set", ImageSource.of(List
			.of(smooth)), null, null, options(), ProgressListener.NONE,
			CancellationToken.none());

		EvaluationReport r = Evaluation.evaluate(sr, "set", ImageSource.of(List.of(
			smooth, flat.setTitle("flat"))), null, null, options(),
			ProgressListener.NONE, CancellationToken.none());

		// every method enlarges the flat tile exactly (infinite PSNR): each mean
		// PSNR is that of the other image alone, so the rows stay comparable;
		// SSIM is over both (the flat tile's is 1)
		for (int k = 0; k < 3; k++) {
			Score with = r.scores().get(k), without = alone.scores().get(k);
			assertEquals(without.psnr(), with.psnr(), 1e-9, with.method());
			assertTrue(Double.isFinite(with.psnr()), with.method());
			assertEquals((without.ssim() + 1) / 2, with.ssim(), 1e-9, with.method());
			assertEquals(2, with.n());
			assertEquals(1, with.psnrN(), with.method());
		}
		assertTrue(r.toCsv().contains(",2,1\n"), r.toCsv()); // n, n_psnr
		EvaluationReport.Comparison c = r.comparisons().get(0);
		assertEquals("bicubic", c.bestBaseline().method());
		assertTrue(Double.isFinite(c.psnrGain()) && c.psnrGain() < 0, "" + c
			.psnrGain());
		assertTrue(r.notes().contains(
			"set / area-averaged x2: 1 of 2 images left out of every method's " +
				"mean PSNR, as some method reproduced it exactly (infinite PSNR): " +
				"flat; PSNR is over the other 1, SSIM over all 2"), String.join("\n", r
					.notes()));
	}

	@Test
	void amongBaselinesOfEqualOrUnknownPsnrTheHigherSsimIsTheBest() {
		Score model = new Score("d", TaskKind.INPAINT, "c", "m", MethodKind.MODEL,
			Double.NaN, 0.5, 1);
		Function<List<Score>, String> best = baselines -> {
			List<Score> rows = new ArrayList<>(List.of(model));
			rows.addAll(baselines);
			return new EvaluationReport("m", "0".repeat(64), TaskKind.INPAINT, rows,
				List.of(), List.of(), null, List.of()).comparisons().get(0)
				.bestBaseline().method();
		};
		Function<double[], Score> fill = v -> new Score("d", TaskKind.INPAINT, "c",
			"fill" + (int) v[2], MethodKind.BASELINE, v[0], v[1], 1);
		// no PSNR left to compare (every image was exact for some method)
		assertEquals("fill2", best.apply(List.of(fill.apply(new double[] {
			Double.NaN, 0.3, 1 }), fill.apply(new double[] { Double.NaN, 0.9, 2 }),
			fill.apply(new double[] { Double.NaN, 0.6, 3 }))));
		// equal PSNR
		assertEquals("fill2", best.apply(List.of(fill.apply(new double[] { 30, 0.3,
			1 }), fill.apply(new double[] { 30, 0.9, 2 }))));
		// a known PSNR beats an unknown one, a higher PSNR a higher SSIM
		assertEquals("fill1", best.apply(List.of(fill.apply(new double[] { 20, 0.1,
			1 }), fill.apply(new double[] { Double.NaN, 0.9, 2 }))));
		assertEquals("fill2", best.apply(List.of(fill.apply(new double[] { 20, 0.9,
			1 }), fill.apply(new double[] { 21, 0.1, 2 }))));
	}

	private static float[] shave(float[] v, int h, int w, int b) {
		float[] out = new float[(h - 2 * b) * (w - 2 * b)];
		for (int y = b; y < h - b; y++)
			System.arraycopy(v, y * w + b, out, (y - b) * (w - 2 * b), w - 2 * b);
		return out;
	}

	@Test
	void harmonicFillingBeatsAModelThatFillsHolesWithGreyOnARamp() {
		ModelDescriptor inpaint = ModelLoader.load(OnnxModels.inpaint(1).write(dir,
			"inpaint.onnx").toString(), ModelOverrides.NONE);
		int w = 64, h = 48;
		RasterImage ramp = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		byte[] p = (byte[]) ramp.plane(0);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = (byte) (3 * x + y + 10);
		List<RasterImage> images = List.of(ramp.setTitle("ramp"), smooth(w, h, 4));

		EvaluationReport r = Evaluation.evaluate(inpaint, "ramps", ImageSource.of(
			images), null, null, options(), ProgressListener.NONE, CancellationToken
				.none());

		assertEquals(List.of("inpaint", "harmonic fill", "biharmonic fill",
			"mean fill"), r.scores().stream().map(Score::method).toList());
		Score model = r.scores().get(0), harmonic = r.scores().get(1), biharmonic =
			r.scores().get(2);
		// the model puts 0.5 in every hole, the biharmonic fill solves its
		// equation: both scores,
		// computed here from the same seeded holes
		double psnr = 0, ssim = 0, biharmonicPsnr = 0;
		for (int i = 0; i < images.size(); i++) {
			float[] clean = unit(images.get(i)), filled = clean.clone(), known = clean
				.clone();
			boolean[] holes = FreeFormMask.generate(w, h, 0.1, 0.3,
				new SplittableRandom(TaskProtocol.streamSeed(SEED, 100, i)));
			double coverage = FreeFormMask.coverage(holes);
			assertTrue(coverage >= 0.1 && coverage <= 0.3, "coverage " + coverage);
			for (int j = 0; j < holes.length; j++)
				if (holes[j]) {
					filled[j] = 0.5f;
					known[j] = 0;
				}
			psnr += Metrics.maskedPsnr(clean, filled, holes, 1, h, w, 1) / 2;
			ssim += Metrics.maskedSsim(clean, filled, holes, 1, h, w, 1) / 2;
			float[] smooth = Baselines.biharmonicFill(known, holes, h, w);
			for (int j = 0; j < smooth.length; j++)
				smooth[j] = Math.max(0, Math.min(1, smooth[j]));
			biharmonicPsnr += Metrics.maskedPsnr(clean, smooth, holes, 1, h, w, 1) /
				2;
		}
		assertEquals(psnr, model.psnr(), 1e-9);
		assertEquals(ssim, model.ssim(), 1e-9);
		assertEquals(biharmonicPsnr, biharmonic.psnr(), 1e-9);
		for (Score fill : List.of(harmonic, biharmonic)) {
			assertTrue(fill.psnr() > model.psnr() + 10, fill + " vs " + model);
			assertTrue(fill.ssim() > model.ssim(), fill + " vs " + model);
		}
		String best = harmonic.psnr() >= biharmonic.psnr() ? "harmonic fill"
			: "biharmonic fill";
		assertEquals(best, r.comparisons().get(0).bestBaseline().method());
	}

	@Test
	void aGeneratorWhoseTrainingSetHoldsItsOwnImagesIsCaughtCopying() {
		ModelDescriptor gan = ModelLoader.load(OnnxModels.generator(8, 0, 16, 16)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		// training images: exactly what the evaluation will draw (seeds
		// SEED..SEED+11); real images:
		// other draws of the same generator, so generated and real come from one
		// distribution
		List<RasterImage> training = draws(gan, SEED, 12, null, "train");
		List<RasterImage> real = draws(gan, 1000, 12, null, "real");
		EvaluationOptions o = options().withNormalization(
			new Normalization.FixedRange(-1, 1));

		EvaluationReport r = Evaluation.evaluate(gan, "draws", ImageSource.of(real),
			ImageSource.of(training), null, o, ProgressListener.NONE,
			CancellationToken.none());

		assertEquals(TaskKind.GENERATE, r.task());
		Map<String, Measure> m = r.measures().stream().collect(Collectors.toMap(
			Measure::metric, Function.identity()));
		Measure fid = m.get("FID generated vs real");
		assertEquals(12, fid.countA());
		assertEquals(12, fid.countB());
		assertTrue(fid.value() > 0 && Double.isFinite(fid.value()), fid.toString());
		Measure kid = m.get("KID generated vs real (subsets of 12)");
		assertEquals(0, kid.std(), 0, "both sets whole: one subset pair");
		// the same numbers straight from the features: the generated images are the
		// training ones
		double[][] fg = r.features().features(units(training), 1, 16, 16);
		double[][] fr = r.features().features(units(real), 1, 16, 16);
		assertEquals(GenerativeMetrics.frechetDistance(fg, fr), fid.value(), 1e-9);
		assertEquals(GenerativeMetrics.kernelDistance(fg, fr, TaskProtocol
			.streamSeed(SEED, 200, 0)).mean(), kid.value(), 1e-12);
		double precision = m.get("precision (k=3)").value(), recall = m.get(
			"recall (k=3)").value();
		assertTrue(precision > 0 && precision <= 1 && recall > 0 && recall <= 1,
			precision + " " + recall);
		// the floor of a generator that draws training images: here it does, so the
		// same numbers
		assertEquals(precision, m.get("floor: precision (k=3), training vs real")
			.value(), 0);
		assertEquals(recall, m.get("floor: recall (k=3), training vs real").value(),
			0);
		assertEquals(6, m.get("floor: FID real half vs half").countA());
		assertTrue(m.containsKey("floor: FID real vs training"));
		assertEquals(12, m.get("near-copies of training images").value(), 0);
		assertTrue(m.get(
			"near-copy threshold: 1st percentile of real-to-training RMS distance")
			.value() > 0.01);
		assertEquals(0, m.get("nearest-training RMS distance, generated: min")
			.value(), 0);
		assertTrue(m.get("nearest-training RMS distance, real: min")
			.value() > 0.01);
		assertEquals(12, r.nearCopies().size());
		for (int i = 0; i < 12; i++) {
			assertEquals("train" + i, r.nearCopies().get(i).trainingImage());
			assertEquals(SEED + i, r.nearCopies().get(i).seed());
		}
		assertTrue(r.features().description().contains(
			"fitted on 12 training images, not Inception"), r.features()
				.description());
		assertTrue(r.toCsv().startsWith(
			"dataset,task,condition,metric,value,std,n_a,n_b\ndraws," +
				"generate,all,FID generated vs real,"), r.toCsv());

		// the same features, given: the same numbers
		EvaluationReport again = Evaluation.evaluate(gan, "draws", ImageSource.of(
			real), ImageSource.of(training), r.features(), o, ProgressListener.NONE,
			CancellationToken.none());
		assertEquals(r.toCsv(), again.toCsv());
	}

	@Test
	void aConditionalGeneratorIsMeasuredPerClassFolder() {
		ModelDescriptor gan = twoClassGenerator("c.onnx");
		List<RasterImage> real = realOfTwoClasses(gan, 6, 6);
		// the evaluation draws class "0" from seeds SEED..SEED+5 and class "1" from
		// SEED+6..SEED+11
		List<RasterImage> training = new ArrayList<>(draws(gan, SEED, 6, 0L,
			"0/train"));
		training.addAll(draws(gan, SEED + 6, 6, 1L, "1/train"));
		EvaluationOptions o = options().withNormalization(
			new Normalization.FixedRange(-1, 1));

		EvaluationReport r = GenerationEvaluation.evaluate(gan, "classes",
			ImageSource.of(real), ImageSource.of(training), null, o,
			ProgressListener.NONE, CancellationToken.none());

		assertEquals(List.of("0", "1", "all classes"), r.measures().stream().map(
			Measure::condition).distinct().toList());
		assertEquals(12, r.nearCopies().size());
		for (EvaluationReport.NearCopy c : r.nearCopies()) {
			assertEquals(0, c.distance(), 0);
			assertTrue(c.trainingImage().startsWith(c.condition() + "/train"), c
				.toString());
		}
		assertThrows(GanException.class, () -> GenerationEvaluation.evaluate(gan,
			"flat", ImageSource.of(draws(gan, 1, 4, 0L, "noclass")), null, null, o,
			ProgressListener.NONE, CancellationToken.none()));
		// two folders of one class would be measured as two classes
		List<RasterImage> twice = new ArrayList<>(real);
		twice.addAll(draws(gan, 700, 3, 0L, "00/real"));
		GanException e = assertThrows(GanException.class, () -> GenerationEvaluation
			.evaluate(gan, "twice", ImageSource.of(twice), null, null, o,
				ProgressListener.NONE, CancellationToken.none()));
		assertEquals("sub-folders '0' and '00' both name class 0: put each " +
			"class's images in one sub-folder", e.getMessage());
	}

	@Test
	void severalDrawsAreTheMeanOfSingleDrawsWithDisjointSeeds() {
		ModelDescriptor gan = twoClassGenerator("d.onnx");
		List<RasterImage> real = realOfTwoClasses(gan, 7, 5);
		// one draw is 12 samples: class "0" seeds S..S+6, class "1" S+7..S+11; the
		// training images are draw 1's
		List<RasterImage> training = new ArrayList<>(draws(gan, SEED + 12, 7, 0L,
			"0/train"));
		training.addAll(draws(gan, SEED + 19, 5, 1L, "1/train"));
		EvaluationOptions o = options().withNormalization(
			new Normalization.FixedRange(-1, 1));
		PcaFeatures features = PcaFeatures.fit(units(training), 1, 16, 16, 4, 3,
			"test");
		List<Map<String, Measure>> single = new ArrayList<>();
		for (int d = 0; d < 3; d++)
			single.add(byMetric(GenerationEvaluation.evaluate(gan, "s", ImageSource
				.of(real), ImageSource.of(training), features, o.withSeed(SEED + 12 *
					d), ProgressListener.NONE, CancellationToken.none()), "all classes"));

		EvaluationReport r = GenerationEvaluation.evaluate(gan, "s", ImageSource.of(
			real), ImageSource.of(training), features, o.withDraws(3),
			ProgressListener.NONE, CancellationToken.none());

		Map<String, Measure> m = byMetric(r, "all classes");
		for (String metric : List.of("FID generated vs real", "precision (k=3)",
			"recall (k=3)", "mean intensity, generated",
			"diversity: generated / real pairwise RMS distance"))
		{
			double[] v = single.stream().mapToDouble(s -> s.get(metric).value())
				.toArray();
			double mean = (v[0] + v[1] + v[2]) / 3;
			double var = ((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] -
				mean) + (v[2] - mean) * (v[2] - mean)) / 2;
			if (v[0] == v[1] && v[1] == v[2]) { // as the floors are: kept as it is
				assertEquals(single.get(0).get(metric), m.get(metric), metric);
				continue;
			}
			assertEquals(mean, m.get(metric).value(), 1e-12, metric);
			assertEquals(Math.sqrt(var), m.get(metric).std(), 1e-12, metric);
			assertEquals(12, m.get(metric).countA(), metric);
		}
		assertTrue(m.get("FID generated vs real").std() > 0);
		// what does not depend on the draw is the single draw's, spread included
		for (String metric : List.of("floor: FID real half vs half",
			"floor: KID real vs training", "mean intensity, real"))
			assertEquals(single.get(0).get(metric), m.get(metric), metric);
		// the memorisation check sees all 36: draw 1 (seeds S+12..S+23) is the
		// training set, copied exactly
		assertEquals(36, m.get("near-copies of training images").countA());
		List<Long> exact = r.nearCopies().stream().filter(c -> c.distance() == 0)
			.map(EvaluationReport.NearCopy::seed).sorted().toList();
		assertEquals(LongStream.range(SEED + 12, SEED + 24).boxed().toList(),
			exact);
		assertTrue(r.notes().stream().anyMatch(n -> n.contains("in 3 draws of 12")),
			r.notes().toString());
		assertThrows(GanException.class, () -> o.withDraws(0));
		assertThrows(GanException.class, () -> o.withDraws(
			EvaluationOptions.MAX_DRAWS + 1));
	}

	/** A generator of two classes, 16x16, latent 8. */
	private ModelDescriptor twoClassGenerator(String file) {
		return ModelLoader.load(OnnxModels.generator(8, 2, 16, 16).write(dir, file)
			.toString(), ModelOverrides.NONE);
	}

	/**
	 * "Real" images of classes 0 and 1 (folders 0/ and 1/), drawn from seeds 500
	 * and 600 on.
	 */
	private static List<RasterImage> realOfTwoClasses(ModelDescriptor gan,
		int first, int second)
	{
		List<RasterImage> real = new ArrayList<>(draws(gan, 500, first, 0L,
			"0/real"));
		real.addAll(draws(gan, 600, second, 1L, "1/real"));
		return real;
	}

	private static Map<String, Measure> byMetric(EvaluationReport r,
		String condition)
	{
		return r.measures().stream().filter(m -> m.condition().equals(condition))
			.collect(Collectors.toMap(Measure::metric, Function.identity()));
	}

	@Test
	void
		utilityTrainsOnRealSyntheticAndBothAndCatchesAGeneratorThatDrawsTheWrongClass()
	{
		// a generator that ignores its latent: one image per class (tanh of the
		// bias plus the class's
		// embedding), and real images drawn from it, 10 training and 6 held-out per
		// class
		ModelDescriptor gan = ModelLoader.load(OnnxModels.generator(8, 2, 16, 16, 0)
			.write(dir, "u.onnx").toString(), ModelOverrides.NONE);
		EvaluationOptions o = options().withNormalization(
			new Normalization.FixedRange(-1, 1)).withUtilityRepeats(3);
		List<RasterImage> training = new ArrayList<>(draws(gan, 1000, 10, 0L,
			"0/t"));
		training.addAll(draws(gan, 2000, 10, 1L, "1/t"));
		List<RasterImage> real = new ArrayList<>(draws(gan, 3000, 6, 0L, "0/r"));
		real.addAll(draws(gan, 4000, 6, 1L, "1/r"));
		EvaluationReport r = GenerationEvaluation.evaluate(gan, "u", ImageSource.of(
			real), ImageSource.of(training), null, o, ProgressListener.NONE,
			CancellationToken.none());
		Map<String, Measure> m = utilityRows(r);
		assertEquals(1, m.get("all classes: utility: accuracy, trained on real")
			.value());
		assertEquals(1, m.get(
			"all classes: utility: accuracy, trained on synthetic (TSTR)").value());
		assertEquals(1, m.get(
			"all classes: utility: accuracy, trained on real + synthetic").value());
		assertEquals(0, m.get("all classes: utility: accuracy, trained on real")
			.std());
		assertEquals(0, m.get(
			"all classes: utility: accuracy gain of real + synthetic over real")
			.value());
		assertEquals(0.5, m.get(
			"all classes: utility: chance accuracy (always the largest class)")
			.value());
		Measure tstr = m.get(
			"all classes: utility: accuracy, trained on synthetic (TSTR)");
		assertEquals(20, tstr.countA()); // as many synthetic images as training
																			// images
		assertEquals(12, tstr.countB());
		assertEquals(1, m.get("1: utility: recall, trained on synthetic (TSTR)")
			.value());
		assertEquals(10, m.get("1: utility: recall, trained on synthetic (TSTR)")
			.countA());
		assertTrue(r.notes().stream().anyMatch(n -> n.startsWith(
			"utility: multinomial logistic")));

		// the real images' folders swapped: the generator draws the other class of
		// every folder.
		// Trained on real, the classifier learns the swap; trained on synthetic it
		// is always wrong;
		// with both, every image appears with both labels and the bootstrap's
		// larger class wins: half
		List<RasterImage> swappedTraining = new ArrayList<>(draws(gan, 1000, 10, 0L,
			"1/t"));
		swappedTraining.addAll(draws(gan, 2000, 10, 1L, "0/t"));
		List<RasterImage> swappedReal = new ArrayList<>(draws(gan, 3000, 6, 0L,
			"1/r"));
		swappedReal.addAll(draws(gan, 4000, 6, 1L, "0/r"));
		Map<String, Measure> w = utilityRows(GenerationEvaluation.evaluate(gan, "w",
			ImageSource.of(swappedReal), ImageSource.of(swappedTraining), null, o,
			ProgressListener.NONE, CancellationToken.none()));
		assertEquals(1, w.get("all classes: utility: accuracy, trained on real")
			.value());
		assertEquals(0, w.get(
			"all classes: utility: accuracy, trained on synthetic (TSTR)").value());
		assertEquals(0.5, w.get(
			"all classes: utility: accuracy, trained on real + synthetic").value());
		assertEquals(-0.5, w.get(
			"all classes: utility: accuracy gain of real + synthetic over real")
			.value());

		GanException unconditional = assertThrows(GanException.class,
			() -> GenerationEvaluation.evaluate(ModelLoader.load(OnnxModels.generator(
				8, 0, 16, 16).write(dir, "n.onnx").toString(), ModelOverrides.NONE),
				"n", ImageSource.of(real), ImageSource.of(training), null, o,
				ProgressListener.NONE, CancellationToken.none()));
		assertTrue(unconditional.getMessage().endsWith(" is not class-conditional"),
			unconditional.getMessage());
		assertEquals(
			"the utility measure needs the training images (the real-only classifier trains " +
				"on them)", assertThrows(GanException.class, () -> GenerationEvaluation
					.evaluate(gan, "u", ImageSource.of(real), null, null, o,
						ProgressListener.NONE, CancellationToken.none())).getMessage());
	}

	/**
	 * One training image per class: the bootstrap of a repeat often draws one
	 * class twice, and the real-only classifier then never sees the other; a note
	 * names those repeats and classes, which the draw stream (unchanged) gives
	 * here.
	 */
	@Test
	void aNoteNamesTheRepeatsWhoseBootstrapLacksAClass() {
		ModelDescriptor gan = ModelLoader.load(OnnxModels.generator(8, 2, 16, 16, 0)
			.write(dir, "u.onnx").toString(), ModelOverrides.NONE);
		int repeats = 6;
		EvaluationOptions o = options().withNormalization(
			new Normalization.FixedRange(-1, 1)).withUtilityRepeats(repeats);
		List<RasterImage> training = new ArrayList<>(draws(gan, 1000, 1, 0L,
			"0/t"));
		training.addAll(draws(gan, 2000, 1, 1L, "1/t"));
		List<RasterImage> real = new ArrayList<>(draws(gan, 3000, 2, 0L, "0/r"));
		real.addAll(draws(gan, 4000, 2, 1L, "1/r"));
		EvaluationReport r = GenerationEvaluation.evaluate(gan, "u", ImageSource.of(
			real), ImageSource.of(training), null, o, ProgressListener.NONE,
			CancellationToken.none());
		// the bootstrap of repeat k: two draws of the two training images (class
		// 0's, class 1's)
		List<String> lacking = new ArrayList<>();
		for (int k = 0; k < repeats; k++) {
			SplittableRandom random = new SplittableRandom(TaskProtocol.streamSeed(
				SEED, 400, k));
			int a = random.nextInt(2), b = random.nextInt(2);
			if (a == b) lacking.add("repeat " + k + " no image of class " + (1 - a));
		}
		assertTrue(!lacking.isEmpty() && lacking.size() < repeats, lacking
			.toString());
		String note =
			"utility: the bootstrap sample of the training images drew, " + "in " +
				String.join("; in ", lacking) + " (" + lacking.size() + " of " +
				repeats +
				" repeats, numbered from 0): the classifier trained on real " +
				"images alone never saw those classes there and cannot predict them, " +
				"which lowers its accuracy and raises the gain of real + synthetic over " +
				"it; give more training images per class";
		assertTrue(r.notes().contains(note), r.notes().toString());
		// a repeat that lacks a class gets half the held-out images right
		assertEquals(1 - 0.5 * lacking.size() / repeats, utilityRows(r).get(
			"all classes: utility: accuracy, trained on real").value(), 1e-12);
	}

	/** The utility rows of a report by "condition: metric". */
	private static Map<String, Measure> utilityRows(EvaluationReport r) {
		return r.measures().stream().filter(x -> x.metric().startsWith("utility"))
			.collect(Collectors.toMap(x -> x.condition() + ": " + x.metric(), Function
				.identity()));
	}

	@Test
	void brightnessAndVarietyInPixelSpace() {
		List<float[]> generated = List.of(new float[] { 0, 0 }, new float[] { 1,
			1 }, new float[] { 1, 1 });
		List<float[]> real = List.of(new float[] { 0, 1 }, new float[] { 1, 0 });
		Map<String, Measure> m = GenerationProtocol.appearance("d", "c", generated,
			real).stream().collect(Collectors.toMap(Measure::metric, Function
				.identity()));
		assertEquals(2 / 3.0, m.get("mean intensity, generated").value(), 1e-12);
		assertEquals(Math.sqrt(1 / 3.0), m.get("mean intensity, generated").std(),
			1e-12);
		assertEquals(0.5, m.get("mean intensity, real").value(), 1e-12);
		assertEquals(4 / 3.0, m.get("mean intensity: generated / real").value(),
			1e-12);
		// pairs (0,1) 1, (0,2) 1, (1,2) 0; real: one pair at sqrt((1 + 1) / 2) = 1
		assertEquals(2 / 3.0, m.get("pairwise RMS distance, generated").value(),
			1e-12);
		assertEquals(1, m.get("pairwise RMS distance, real").value(), 1e-12);
		assertEquals(2 / 3.0, m.get(
			"diversity: generated / real pairwise RMS distance").value(), 1e-12);
		assertEquals(3, m.get("pairwise RMS distance, real").countA());
		assertEquals(2, m.get("pairwise RMS distance, real").countB());
	}

	/**
	 * Model-range ([-1, 1]) float images as the evaluation normalises them: (v +
	 * 1) / 2.
	 */
	private static List<float[]> units(List<RasterImage> images) {
		List<float[]> out = new ArrayList<>();
		for (RasterImage image : images) {
			float[] v = ((float[]) image.plane(0)).clone();
			for (int i = 0; i < v.length; i++)
				v[i] = (float) ((v[i] + 1.0) / 2.0);
			out.add(TaskProtocol.clip(v));
		}
		return out;
	}

	/**
	 * {@code n} float images drawn from {@code gan} with seeds {@code seed..},
	 * titled prefix + i.
	 */
	private static List<RasterImage> draws(ModelDescriptor gan, long seed, int n,
		Long label, String prefix)
	{
		RasterImage stack = Generator.run(gan, new GenerateOptions(n, seed,
			label == null ? null : label.intValue(), null, null, true, DeviceSpec.CPU,
			1), ProgressListener.NONE, CancellationToken.none()).image();
		List<RasterImage> out = new ArrayList<>();
		for (int i = 0; i < n; i++)
			out.add(new RasterImage(stack.width(), stack.height(), 1, 1, 1,
				PixelType.FLOAT32, new Object[] { ((float[]) stack.plane(0, i, 0))
					.clone() }).setTitle(prefix + i));
		return out;
	}

	@Test
	void aGenericImageToImageModelHasNoProtocol() {
		ModelDescriptor identity = ModelLoader.load(OnnxModels.identity(1).write(
			dir, "id.onnx").toString(), ModelOverrides.NONE.withTask(
				TaskKind.IMAGE_TO_IMAGE));
		GanException e = assertThrows(GanException.class, () -> Evaluation.evaluate(
			identity, "x", ImageSource.of(List.of(smooth(20, 20, 0))), null, null,
			options(), ProgressListener.NONE, CancellationToken.none()));
		assertTrue(e.getMessage().contains("--task"), e.getMessage());
	}

	/**
	 * 16 8-bit 16x16 images, 0 but for a 4x4 square (each image's own place) of
	 * 40 (even {@code k}) or 200 (odd): over the whole set the 1st and 99.8th
	 * percentiles are 0 and 200, while each image alone has its square as its
	 * 99.8th percentile.
	 */
	private static List<RasterImage> dimAndBright(int offset, String prefix) {
		List<RasterImage> out = new ArrayList<>();
		for (int k = 0; k < 16; k++) {
			RasterImage image = RasterImage.allocate(16, 16, 1, 1, 1,
				PixelType.UINT8);
			byte[] p = (byte[]) image.plane(0);
			int x0 = (k + offset) % 12, y0 = (3 * k + offset) % 12;
			for (int y = y0; y < y0 + 4; y++)
				for (int x = x0; x < x0 + 4; x++)
					p[y * 16 + x] = (byte) (k % 2 == 0 ? 40 : 200);
			out.add(image.setTitle(prefix + k));
		}
		return out;
	}

	/**
	 * A generator that draws training image {@code argmax(z)} of {@code training}
	 * exactly, as fine-tune would have taught it: the set's one range (raw
	 * 0..{@code high}) to its output range -1..1.
	 */
	private ModelDescriptor copier(List<RasterImage> training, double high,
		String recorded)
	{
		float[] table = new float[16 * 256];
		for (int k = 0; k < 16; k++) {
			byte[] p = (byte[]) training.get(k).plane(0);
			for (int i = 0; i < 256; i++)
				table[k * 256 + i] = (float) (Math.min(1, (p[i] & 0xff) / high) * 2 -
					1);
		}
		OnnxModels.Builder b = OnnxModels.builder().input("z", "N,16").initializer(
			"table", table, 16, 1, 16, 16).node("ArgMax", "z", "index", OnnxModels
				.attrInt("axis", 1), OnnxModels.attrInt("keepdims", 0)).node("Gather",
					"table,index", "image", OnnxModels.attrInt("axis", 0)).output("image",
						"N,1,16,16").metadata("fiji-gan.task", "generate").metadata(
							"fiji-gan.value_range", "-1,1");
		if (recorded != null) b.metadata("fiji-gan.normalization", recorded);
		return ModelLoader.load(b.write(dir, "copier.onnx").toString(),
			ModelOverrides.NONE);
	}

	@Test
	void realAndTrainingImagesTakeOneRangeForTheSetAsFineTuneTrains() {
		List<RasterImage> training = dimAndBright(0, "t");
		ModelDescriptor gan = copier(training, 200, null);

		EvaluationReport r = GenerationEvaluation.evaluate(gan, "dim", ImageSource
			.of(dimAndBright(5, "r")), ImageSource.of(training), null, options(),
			ProgressListener.NONE, CancellationToken.none());

		Map<String, Measure> m = byMetric(r, "all");
		// raw 0..200 to 0..1 for every image: a dim image's mean is 16 * 40 / 200 /
		// 256, a bright one's 16 * 200 / 200 / 256 (each stretched to its own
		// range, both would be 16 / 256)
		assertEquals((0.0125 + 0.0625) / 2, m.get("mean intensity, real").value(),
			1e-6);
		// every generated image is a training image exactly, dim ones too
		assertEquals(16, r.nearCopies().size());
		for (EvaluationReport.NearCopy c : r.nearCopies())
			assertEquals(0, c.distance(), 1e-6, c.toString());
		assertTrue(r.notes().stream().anyMatch(n -> n.contains(
			"one range for each whole set")), r.notes().toString());
	}

	@Test
	void theNormalisationAGeneratorRecordsIsTheOneItIsMeasuredWith() {
		List<RasterImage> training = dimAndBright(0, "t");
		ModelDescriptor gan = copier(training, 255, "range");

		EvaluationReport r = GenerationEvaluation.evaluate(gan, "dim", ImageSource
			.of(dimAndBright(5, "r")), ImageSource.of(training), null, options(),
			ProgressListener.NONE, CancellationToken.none());

		assertEquals(16 * (40 + 200) / 255.0 / 256 / 2, byMetric(r, "all").get(
			"mean intensity, real").value(), 1e-6);
		assertEquals(16, r.nearCopies().size());
		assertTrue(r.notes().stream().anyMatch(n -> n.contains(
			"records fiji-gan.normalization range")), r.notes().toString());
	}

	@Test
	void theUtilityReadsTheHeldOutAndTrainingFoldersEachOnItsOwn() {
		// held-out A/ and B/, training a/ and b/: each set names classes a and b
		// its own way, one folder a class; as do held-out 0/ and 1/ (label numbers)
		ModelDescriptor gan = ModelLoader.load(OnnxModels.generator(8, 2, 16, 16, 0)
			.metadata(ModelLoader.META_CLASS_NAMES, "a,b").write(dir, "ab.onnx")
			.toString(), ModelOverrides.NONE);
		EvaluationOptions o = options().withNormalization(
			new Normalization.FixedRange(-1, 1)).withUtilityRepeats(2);
		List<RasterImage> training = new ArrayList<>(draws(gan, 1000, 6, 0L,
			"a/t"));
		training.addAll(draws(gan, 2000, 6, 1L, "b/t"));
		for (List<String> folders : List.of(List.of("A", "B"), List.of("0", "1"))) {
			List<RasterImage> real = new ArrayList<>(draws(gan, 3000, 4, 0L, folders
				.get(0) + "/r"));
			real.addAll(draws(gan, 4000, 4, 1L, folders.get(1) + "/r"));

			Map<String, Measure> m = utilityRows(GenerationEvaluation.evaluate(gan,
				"u", ImageSource.of(real), ImageSource.of(training), null, o,
				ProgressListener.NONE, CancellationToken.none()));

			Measure tstr = m.get(
				"all classes: utility: accuracy, trained on synthetic (TSTR)");
			assertEquals(1, tstr.value(), folders.toString());
			assertEquals(12, tstr.countA(), folders.toString());
			assertEquals(1, m.get("all classes: utility: accuracy, trained on real")
				.value(), folders.toString());
			assertEquals(6, m.get(folders.get(1) +
				": utility: recall, trained on synthetic (TSTR)").countA(), folders
					.toString());
		}
	}

	@Test
	void asManyImagesAreGeneratedAsTheRealImagesMeasured() {
		ModelDescriptor gan = ModelLoader.load(OnnxModels.generator(8, 0, 16, 16)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		// three real images of the generated 16x16, three of 12x12 (skipped)
		List<RasterImage> real = new ArrayList<>();
		for (int k = 0; k < 6; k++)
			real.add(smooth(k < 3 ? 16 : 12, k < 3 ? 16 : 12, k).setTitle("r" + k));

		EvaluationReport r = GenerationEvaluation.evaluate(gan, "sizes", ImageSource
			.of(real), null, null, options(), ProgressListener.NONE, CancellationToken
				.none());

		Measure fid = byMetric(r, "all").get("FID generated vs real");
		assertEquals(3, fid.countA());
		assertEquals(3, fid.countB());
		assertEquals(3, r.notes().stream().filter(n -> n.startsWith("skipped r"))
			.count(), r.notes().toString());
	}

	/**
	 * Real images of two pixel types each take one range per type, with a note (a
	 * set of one type is what a generator trains on): one range for the set
	 * refused such folders, which evaluated before; real images all smaller than
	 * the generated size are refused before anything is drawn, naming it.
	 */
	@Test
	void realImagesOfTwoTypesTakeARangeEachAndTooSmallOnesAreNamed() {
		ModelDescriptor gan = ModelLoader.load(OnnxModels.generator(8, 0, 16, 16)
			.write(dir, "g.onnx").toString(), ModelOverrides.NONE);
		List<RasterImage> real = new ArrayList<>();
		for (int k = 0; k < 6; k++) {
			RasterImage eight = smooth(16, 16, k);
			if (k < 3) real.add(eight.setTitle("b" + k));
			else {
				RasterImage wide = RasterImage.allocate(16, 16, 1, 1, 1,
					PixelType.UINT16);
				byte[] p = (byte[]) eight.plane(0);
				short[] q = (short[]) wide.plane(0);
				for (int i = 0; i < p.length; i++)
					q[i] = (short) (257 * (p[i] & 0xff));
				real.add(wide.setTitle("s" + k));
			}
		}
		EvaluationReport r = GenerationEvaluation.evaluate(gan, "mixed", ImageSource
			.of(real), null, null, options(), ProgressListener.NONE, CancellationToken
				.none());
		assertEquals(6, byMetric(r, "all").get("FID generated vs real").countB());
		assertTrue(r.notes().stream().anyMatch(n -> n.startsWith(
			"the real images mix pixel types [UINT8, UINT16]: the images of each " +
				"type share one range")), r.notes().toString());

		List<RasterImage> small = new ArrayList<>();
		for (int k = 0; k < 3; k++)
			small.add(smooth(12, 12, k).setTitle("t" + k));
		GanException e = assertThrows(GanException.class, () -> GenerationEvaluation
			.evaluate(gan, "tiny", ImageSource.of(small), null, null, options(),
				ProgressListener.NONE, CancellationToken.none()));
		assertEquals("generation metrics need at least two real images of the " +
			"generated size 16x16; tiny has 0", e.getMessage());
	}
}
