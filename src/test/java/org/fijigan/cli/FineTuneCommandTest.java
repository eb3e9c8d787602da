
package org.fijigan.cli;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.fijigan.core.train.autodiff.Tensors;
import org.fijigan.testing.OnnxModels;
import org.fijigan.testing.SpecialFunctions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

/** {@code fiji-gan fine-tune} end to end on tiny models. */
class FineTuneCommandTest {

	@TempDir
	Path dir;

	static MainTest.Result cli(Object... args) {
		return MainTest.cli(args);
	}

	Path floatTiff(Path folder, String name, float[] v, int w, int h)
		throws IOException
	{
		Files.createDirectories(folder);
		Path f = folder.resolve(name);
		assertTrue(new FileSaver(new ImagePlus(name, new FloatProcessor(w, h, v)))
			.saveAsTiff(f.toString()));
		return f;
	}

	static float[] initializer(Path onnx, String name) throws IOException {
		for (TensorProto t : ModelProto.parseFrom(Files.readAllBytes(onnx))
			.getGraph().getInitializerList())
			if (t.getName().equals(name)) return Tensors.floats(t);
		throw new AssertionError(name);
	}

	@Test
	void theContractStepIsExactlyWeightMinusLearningRateTimesTheL1Gradient()
		throws IOException
	{
		// y = x * w + b on a 6x5 float image pair; L = mean(|x w + b - t|)
		Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer("w",
			new float[] { 0.5f }, 1, 1, 1, 1).initializer("b", new float[] { 0.25f },
				1, 1, 1, 1).node("Mul", "x,w", "xw").node("Add", "xw,b", "y").output(
					"y", "N,1,H,W").write(dir, "affine.onnx");
		int w = 6, h = 5;
		float[] x = new float[w * h], t = new float[w * h];
		Random r = new Random(3);
		for (int i = 0; i < x.length; i++) {
			x[i] = r.nextFloat() * 4 - 1;
			t[i] = r.nextFloat() * 4 - 1;
		}
		floatTiff(dir.resolve("in"), "a.tif", x, w, h);
		floatTiff(dir.resolve("target"), "a.tif", t, w, h);
		Path out = dir.resolve("tuned.onnx");
		MainTest.Result res = cli("fine-tune", "--model", model, "--output", out,
			"--input-dir", dir.resolve("in"), "--target-dir", dir.resolve("target"),
			"--steps", 1, "--batch", 1, "--patch", 0, "--augment", "none",
			"--optimizer", "sgd", "--lr", 0.1, "--loss", "l1", "--adversarial-weight",
			0, "--normalize", "none", "--validation", 0, "--device", "cpu");
		assertEquals(0, res.exitCode(), res.err());
		double gw = 0, gb = 0;
		for (int i = 0; i < x.length; i++) {
			double s = Math.signum(x[i] * 0.5 + 0.25 - t[i]);
			gw += s * x[i] / x.length;
			gb += s / x.length;
		}
		assertEquals(0.5 - 0.1 * gw, initializer(out, "w")[0], 1e-6);
		assertEquals(0.25 - 0.1 * gb, initializer(out, "b")[0], 1e-6);
		List<String> csv = Files.readAllLines(dir.resolve("tuned-loss.csv"));
		assertEquals(
			"step,loss,content_loss,discriminator_loss,validation_loss,validation_psnr,validation_ssim",
			csv.get(0));
		assertEquals(2, csv.size());
		assertTrue(Files.size(dir.resolve("tuned-loss.png")) > 1000);
	}

	/**
	 * The contract step through what a transformer-style PyTorch export holds at
	 * opset 17: LayerNormalization over the image rows (nn.LayerNorm) and GELU
	 * exported as Erf ({@code 0.5 n (1 + erf(n / sqrt 2))}), between per-column
	 * and scalar affine maps. Every weight after one step must equal
	 * {@code w - lr dL/dw} with the gradient computed here by hand, in double.
	 */
	@Test
	void theContractStepThroughGeluAsErfAndLayerNormalization()
		throws IOException
	{
		int w = 6, h = 5;
		Random r = new Random(5);
		float[] w1 = uniform(r, w, 0.5f, 1.5f), b1 = uniform(r, w, -0.5f, 0.5f), s =
			uniform(r, w, 0.5f, 1.5f), beta = uniform(r, w, -0.5f, 0.5f);
		float w2 = 0.8f, b2 = -0.1f;
		Path model = OnnxModels.builder().opset(17).input("x", "N,1,H,6")
			.initializer("w1", w1, 1, 1, 1, w).initializer("b1", b1, 1, 1, 1, w)
			.initializer("s", s, w).initializer("beta", beta, w).initializer("w2",
				new float[] { w2 }, 1, 1, 1, 1).initializer("b2", new float[] { b2 }, 1,
					1, 1, 1).node("Mul", "x,w1", "xw").node("Add", "xw,b1", "h").node(
						"LayerNormalization", "h,s,beta", "n", attrInt("axis", -1)).node(
							"Constant", "", "sqrt2", floatValue(1.4142135f)).node("Div",
								"n,sqrt2", "scaled").node("Erf", "scaled", "erf").node(
									"Constant", "", "one", floatValue(1f)).node("Add", "erf,one",
										"shifted").node("Mul", "n,shifted", "doubled").node(
											"Constant", "", "half", floatValue(0.5f)).node("Mul",
												"doubled,half", "gelu").node("Mul", "gelu,w2", "gw")
			.node("Add", "gw,b2", "y").output("y", "N,1,H,6").write(dir,
				"gelu-layernorm.onnx");
		float[] x = uniform(r, w * h, -1, 1), t = uniform(r, w * h, -1, 1);
		floatTiff(dir.resolve("in"), "a.tif", x, w, h);
		floatTiff(dir.resolve("target"), "a.tif", t, w, h);
		Path out = dir.resolve("tuned.onnx");
		double lr = 0.1;
		MainTest.Result res = cli("fine-tune", "--model", model, "--output", out,
			"--input-dir", dir.resolve("in"), "--target-dir", dir.resolve("target"),
			"--steps", 1, "--batch", 1, "--patch", 0, "--augment", "none",
			"--optimizer", "sgd", "--lr", lr, "--loss", "l1", "--adversarial-weight",
			0, "--normalize", "none", "--validation", 0, "--device", "cpu");
		assertEquals(0, res.exitCode(), res.err());

		// L = mean |y - t|, row by row (LayerNormalization's axis is the last)
		double[] gw1 = new double[w], gb1 = new double[w], gs = new double[w],
				gbeta = new double[w];
		double gw2 = 0, gb2 = 0, count = w * h;
		for (int row = 0; row < h; row++) {
			double[] hv = new double[w], xhat = new double[w], dn = new double[w];
			double mean = 0, variance = 0;
			for (int j = 0; j < w; j++) {
				hv[j] = x[row * w + j] * (double) w1[j] + b1[j];
				mean += hv[j] / w;
			}
			for (int j = 0; j < w; j++)
				variance += (hv[j] - mean) * (hv[j] - mean) / w;
			double inv = 1 / Math.sqrt(variance + 1e-5);
			for (int j = 0; j < w; j++) {
				xhat[j] = (hv[j] - mean) * inv;
				double n = xhat[j] * s[j] + beta[j];
				double cdf = 0.5 * (1 + SpecialFunctions.erf(n / Math.sqrt(2)));
				double gelu = n * cdf;
				double dy = Math.signum(gelu * w2 + b2 - t[row * w + j]) / count;
				gw2 += dy * gelu;
				gb2 += dy;
				dn[j] = dy * w2 * (cdf + n * Math.exp(-n * n / 2) / Math.sqrt(2 *
					Math.PI));
				gs[j] += dn[j] * xhat[j];
				gbeta[j] += dn[j];
			}
			double m1 = 0, m2 = 0;
			for (int j = 0; j < w; j++) {
				m1 += dn[j] * s[j] / w;
				m2 += dn[j] * s[j] * xhat[j] / w;
			}
			for (int j = 0; j < w; j++) {
				double dh = inv * (dn[j] * s[j] - m1 - xhat[j] * m2);
				gw1[j] += dh * x[row * w + j];
				gb1[j] += dh;
			}
		}
		assertStep(w1, gw1, lr, initializer(out, "w1"));
		assertStep(b1, gb1, lr, initializer(out, "b1"));
		assertStep(s, gs, lr, initializer(out, "s"));
		assertStep(beta, gbeta, lr, initializer(out, "beta"));
		assertStep(new float[] { w2 }, new double[] { gw2 }, lr, initializer(out,
			"w2"));
		assertStep(new float[] { b2 }, new double[] { gb2 }, lr, initializer(out,
			"b2"));
	}

	private static float[] uniform(Random r, int count, float lo, float hi) {
		float[] v = new float[count];
		for (int i = 0; i < count; i++)
			v[i] = lo + (hi - lo) * r.nextFloat();
		return v;
	}

	private static AttributeProto floatValue(float v) {
		return AttributeProto.newBuilder().setName("value").setType(
			AttributeProto.AttributeType.TENSOR).setT(OnnxModels.tensor("value",
				new float[] { v })).build();
	}

	/**
	 * {@code after == before - lr * gradient}, to float32 rounding; the steps
	 * here are 1e-3 to 1e-2, so a wrong gradient cannot pass.
	 */
	private static void assertStep(float[] before, double[] gradient, double lr,
		float[] after)
	{
		for (int i = 0; i < before.length; i++)
			assertEquals(before[i] - lr * gradient[i], after[i], 2e-6, "element " +
				i + " (gradient " + gradient[i] + ")");
	}

	@Test
	void superResolutionFineTuneRunsAndTheResultRunsInRun() throws IOException {
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Random r = new Random(4);
		for (int k = 0; k < 3; k++) {
			float[] v = new float[32 * 32];
			for (int i = 0; i < v.length; i++)
				v[i] = (float) Math.sin((i % 32) / 3.0 + k) + r.nextFloat() * 0.1f;
			floatTiff(dir.resolve("data"), "img" + k + ".tif", v, 32, 32);
		}
		Path out = dir.resolve("sr-tuned.onnx");
		MainTest.Result res = cli("fine-tune", "--model", model, "--output", out,
			"--data", dir.resolve("data"), "--steps", 3, "--batch", 2, "--patch", 16,
			"--seed", 1, "--device", "cpu", "--adversarial-weight", 0.01);
		assertEquals(0, res.exitCode(), res.err());
		assertTrue(res.out().startsWith("wrote "), res.out());
		MainTest.Result run = cli("super-resolution", "--model", out, "--input", dir
			.resolve("data").resolve("img0.tif"), "--output", dir.resolve("sr.tif"));
		assertEquals(0, run.exitCode(), run.err());
		assertEquals(64, new ImagePlus(dir.resolve("sr.tif").toString())
			.getWidth());
	}

	@Test
	void badInputIsOneLineAndNothingIsWritten() throws IOException {
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Files.createDirectories(dir.resolve("empty"));
		MainTest.Result res = cli("fine-tune", "--model", model, "--output", dir
			.resolve("x.onnx"), "--data", dir.resolve("empty"), "--steps", 1);
		assertEquals(1, res.exitCode());
		assertEquals(1, res.err().lines().count(), res.err());
		assertTrue(!Files.exists(dir.resolve("x.onnx")));
		MainTest.Result notOnnx = cli("fine-tune", "--model", model, "--output", dir
			.resolve("x.tif"), "--data", dir.resolve("empty"));
		assertTrue(notOnnx.err().contains("must be written to a .onnx file"),
			notOnnx.err());
	}

	@Test
	void anEarlierRunsCheckpointIsNeitherReplacedNorOvershot()
		throws IOException
	{
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path data = dir.resolve("data"), ck = dir.resolve("ck");
		floatTiff(data, "img.tif", new float[32 * 32], 32, 32);
		MainTest.Result first = cli("fine-tune", "--model", model, "--data", data,
			"--output", dir.resolve("a.onnx"), "--steps", 4, "--batch", 1, "--patch",
			16, "--checkpoint-dir", ck);
		assertEquals(0, first.exitCode(), first.err());
		byte[] checkpoint = Files.readAllBytes(ck.resolve("checkpoint.fgk"));
		MainTest.Result afresh = cli("fine-tune", "--model", model, "--data", data,
			"--output", dir.resolve("b.onnx"), "--steps", 2, "--batch", 1, "--patch",
			16, "--checkpoint-dir", ck);
		assertEquals(1, afresh.exitCode());
		assertEquals("fiji-gan: " + ck + " holds the checkpoint of an earlier " +
			"run: pass --resume to go on from it, or --overwrite to start afresh " +
			"over it", afresh.err().strip());
		MainTest.Result back = cli("fine-tune", "--model", model, "--data", data,
			"--output", dir.resolve("c.onnx"), "--steps", 3, "--batch", 1, "--patch",
			16, "--checkpoint-dir", ck, "--resume");
		assertEquals(1, back.exitCode());
		assertEquals("fiji-gan: the checkpoint in " + ck + " is at step 4, past " +
			"--steps 3: give --steps 4 or more to go on from it", back.err().strip());
		org.junit.jupiter.api.Assertions.assertArrayEquals(checkpoint, Files
			.readAllBytes(ck.resolve("checkpoint.fgk")));
		assertFalse(Files.exists(dir.resolve("b.onnx")) || Files.exists(dir.resolve(
			"c.onnx")));
		assertEquals(0, cli("fine-tune", "--model", model, "--data", data,
			"--output", dir.resolve("b.onnx"), "--steps", 2, "--batch", 1, "--patch",
			16, "--checkpoint-dir", ck, "--overwrite").exitCode());
	}

	/**
	 * A run stopped after its loss curve and before its model (placed last) is
	 * finished by --resume, which replaces the curve; the model itself is only
	 * replaced with --overwrite.
	 */
	@Test
	void resumeFinishesARunStoppedBeforeItsModelWasWritten() throws IOException {
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path data = dir.resolve("data"), ck = dir.resolve("ck"), out = dir.resolve(
			"tuned.onnx");
		floatTiff(data, "img.tif", new float[32 * 32], 32, 32);
		Object[] run = { "fine-tune", "--model", model, "--data", data, "--output",
			out, "--steps", 3, "--batch", 1, "--patch", 16, "--checkpoint-dir", ck,
			"--seed", 2 };
		assertEquals(0, cli(run).exitCode());
		Files.delete(out); // stopped between the curve and the model
		Object[] resume = java.util.stream.Stream.concat(java.util.Arrays.stream(
			run), java.util.stream.Stream.of("--resume")).toArray();
		MainTest.Result finished = cli(resume);
		assertEquals(0, finished.exitCode(), finished.err());
		assertTrue(Files.size(dir.resolve("tuned-loss.csv")) > 0);
		assertTrue(new String(Files.readAllBytes(out),
			java.nio.charset.StandardCharsets.ISO_8859_1).contains(
				"fiji-gan.fine_tune.resumed_from_step"), "the model says it resumed");
		MainTest.Result again = cli(resume);
		assertEquals(1, again.exitCode());
		assertEquals("fiji-gan: " + out + " already exists; pass --overwrite to " +
			"replace it", again.err().strip());
	}

	/**
	 * A run that replaced its input model goes on from its checkpoint when the
	 * steps are raised, replacing its own result and loss curve without
	 * --overwrite: the input is now that run's own result, and the weights come
	 * out as one run of all the steps gives them.
	 */
	@Test
	void aRunThatReplacedItsInputModelGoesOnFromItsCheckpoint()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		Path copy = Files.copy(model, dir.resolve("copy.onnx"));
		float[] px = new float[24 * 16];
		Random random = new Random(3);
		for (int i = 0; i < px.length; i++)
			px[i] = random.nextFloat();
		Path data = floatTiff(dir.resolve("data"), "a.tif", px, 24, 16).getParent();
		Object[] common = { "--task", "denoise", "--data", data, "--patch", 8,
			"--batch", 1, "--validation", 0, "--device", "cpu", "--seed", 4, "--lr",
			0.01 };
		Path ck = dir.resolve("ck");
		assertEquals(0, cli(SourceNeverOverwrittenTest.concat(new Object[] {
			"fine-tune", "-m", model, "-o", model, "--replace-input-model", "--steps",
			2, "--checkpoint-dir", ck }, common)).exitCode());
		MainTest.Result more = cli(SourceNeverOverwrittenTest.concat(new Object[] {
			"fine-tune", "-m", model, "-o", model, "--replace-input-model", "--steps",
			4, "--checkpoint-dir", ck, "--resume" }, common));
		assertEquals(0, more.exitCode(), more.err());
		assertTrue((more.out() + more.err()).contains(
			"this model is what the run checkpointed " + "in " + ck +
				" wrote at step 2: going on with that run"), more.err());
		assertEquals(0, cli(SourceNeverOverwrittenTest.concat(new Object[] {
			"fine-tune", "-m", copy, "-o", dir.resolve("straight.onnx"), "--steps",
			4 }, common)).exitCode());
		for (String w : List.of("w0", "b0"))
			org.junit.jupiter.api.Assertions.assertArrayEquals(initializer(dir
				.resolve("straight.onnx"), w), initializer(model, w), w);
	}

	/**
	 * A model trained on raw values (--normalize none) says so in its metadata,
	 * and inference then feeds it raw values by default; its validation PSNR
	 * takes the data's range as its peak, not the model's [0,1].
	 */
	@Test
	void aModelTrainedOnRawValuesRecordsItAndInferenceFeedsItRawValues()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		Random random = new Random(5);
		Path data = dir.resolve("data");
		for (int k = 0; k < 4; k++) {
			float[] px = new float[24 * 24];
			for (int i = 0; i < px.length; i++)
				px[i] = 4000 * random.nextFloat();
			floatTiff(data, "a" + k + ".tif", px, 24, 24);
		}
		Path out = dir.resolve("raw.onnx");
		MainTest.Result res = cli("fine-tune", "-m", model, "--task", "denoise",
			"--data", data, "--patch", 16, "--batch", 2, "--steps", 2, "--seed", 1,
			"--device", "cpu", "--normalize", "none", "--validation", 0.5, "-o", out);
		assertEquals(0, res.exitCode(), res.err());
		assertTrue((res.out() + res.err()).contains("--normalize none: " +
			"validation PSNR and SSIM take the validation targets' range of values"),
			res.out() + res.err());
		List<String> csv = Files.readAllLines(dir.resolve("raw-loss.csv"));
		int column = List.of(csv.get(0).split(",")).indexOf("validation_psnr");
		double psnr = Double.parseDouble(csv.get(csv.size() - 1).split(
			",")[column]);
		assertTrue(psnr > 0, "a peak of 1 on values up to 4000 gives " + psnr);
		String meta = null;
		for (var e : ModelProto.parseFrom(Files.readAllBytes(out))
			.getMetadataPropsList())
			if (e.getKey().equals("fiji-gan.normalization")) meta = e.getValue();
		assertEquals("none", meta);
		MainTest.Result info = cli("info", "--model", out);
		assertTrue(info.out().contains("none by default, as it was fine-tuned"),
			info.out());
		Path den = dir.resolve("den.tif");
		MainTest.Result run = cli("denoise", "--model", out, "--input", data
			.resolve("a0.tif"), "--output", den);
		assertEquals(0, run.exitCode(), run.err());
		assertTrue(new ImagePlus(den.toString()).getInfoProperty().contains(
			"none (raw values in and out)"), new ImagePlus(den.toString())
				.getInfoProperty());
	}

	/**
	 * The common arguments of a short fine-tune of a fresh 3x3 denoiser on one
	 * seeded 24x16 image, into {@code out} (no seed: the caller's).
	 */
	private Object[] denoiserRun(Path out) throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		float[] px = new float[24 * 16];
		Random random = new Random(3);
		for (int i = 0; i < px.length; i++)
			px[i] = random.nextFloat();
		Path data = floatTiff(dir.resolve("data"), "a.tif", px, 24, 16).getParent();
		return new Object[] { "fine-tune", "-m", model, "-o", out, "--task",
			"denoise", "--data", data, "--patch", 8, "--batch", 1, "--validation", 0,
			"--device", "cpu", "--lr", 0.01 };
	}

	/**
	 * A finished run goes on with raised steps into the output it wrote,
	 * replacing its model and loss curve without --overwrite; the output of
	 * another run (another checkpoint folder) still needs --overwrite, and is
	 * left as it was.
	 */
	@Test
	void aFinishedRunGoesOnIntoItsOwnOutputButNotAnotherRunsOne()
		throws IOException
	{
		Path out = dir.resolve("out.onnx"), csv = dir.resolve("out-loss.csv");
		Object[] common = SourceNeverOverwrittenTest.concat(denoiserRun(out),
			new Object[] { "--seed", 4 });
		assertEquals(0, cli(SourceNeverOverwrittenTest.concat(common, new Object[] {
			"--steps", 2, "--checkpoint-dir", dir.resolve("ck") })).exitCode());
		MainTest.Result more = cli(SourceNeverOverwrittenTest.concat(common,
			new Object[] { "--steps", 4, "--checkpoint-dir", dir.resolve("ck"),
				"--resume" }));
		assertEquals(0, more.exitCode(), more.err());
		assertEquals(5, Files.readAllLines(csv).size(), "a header and 4 steps");
		Object[] elsewhere = common.clone();
		elsewhere[4] = dir.resolve("other.onnx");
		assertEquals(0, cli(SourceNeverOverwrittenTest.concat(elsewhere,
			new Object[] { "--steps", 2, "--checkpoint-dir", dir.resolve("other") }))
			.exitCode());
		byte[] before = Files.readAllBytes(out);
		MainTest.Result another = cli(SourceNeverOverwrittenTest.concat(common,
			new Object[] { "--steps", 4, "--checkpoint-dir", dir.resolve("other"),
				"--resume" }));
		assertEquals(1, another.exitCode());
		assertEquals("fiji-gan: " + out + " already exists; pass --overwrite to " +
			"replace it", another.err().strip());
		org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files
			.readAllBytes(out));
		assertEquals(5, Files.readAllLines(csv).size());
	}

	/**
	 * A finished run goes on into its output only while that is the model it
	 * wrote: the model of another run from the same model with as many steps
	 * (another seed), written over it since with --overwrite, has the metadata
	 * that run's would have, and is still not replaced without --overwrite; the
	 * refusal says why.
	 */
	@Test
	void aFinishedRunDoesNotGoOnOverAnotherRunsModelOfTheSameBaseAndSteps()
		throws IOException
	{
		Path out = dir.resolve("p.onnx"), ck = dir.resolve("ck-p");
		Object[] common = denoiserRun(out);
		assertEquals(0, cli(SourceNeverOverwrittenTest.concat(common, new Object[] {
			"--seed", 1, "--steps", 2, "--checkpoint-dir", ck })).exitCode());
		assertEquals(0, cli(SourceNeverOverwrittenTest.concat(common, new Object[] {
			"--seed", 2, "--steps", 2, "--checkpoint-dir", dir.resolve("ck-q"),
			"--overwrite" })).exitCode());
		byte[] before = Files.readAllBytes(out);
		MainTest.Result resumed = cli(SourceNeverOverwrittenTest.concat(common,
			new Object[] { "--seed", 1, "--steps", 4, "--checkpoint-dir", ck,
				"--resume" }));
		assertEquals(1, resumed.exitCode());
		assertEquals("fiji-gan: " + out + " already exists and is not the model " +
			"the run checkpointed in " + ck + " wrote at step 2 (its metadata " +
			"names that run's base model and step, but its SHA-256 is not the one " +
			ck + " records); pass --overwrite to replace it", resumed.err().strip());
		org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files
			.readAllBytes(out));
	}

	@Test
	void aResumeWithNoCheckpointCreatesNoFolder() throws IOException {
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path data = dir.resolve("data"), ck = dir.resolve("new/deep/ck");
		floatTiff(data, "img.tif", new float[32 * 32], 32, 32);
		MainTest.Result res = cli("fine-tune", "--model", model, "--data", data,
			"--output", dir.resolve("e9.onnx"), "--steps", 5, "--batch", 1, "--patch",
			16, "--checkpoint-dir", ck, "--resume");
		assertEquals(1, res.exitCode());
		assertEquals("fiji-gan: no checkpoint to resume from in " + ck, res.err()
			.strip());
		assertFalse(Files.exists(dir.resolve("new")), "nothing created");
		assertFalse(Files.exists(dir.resolve("e9.onnx")));
	}

	/**
	 * A run killed after placing its loss curve and before its model (placed
	 * last) leaves the curve and its model's hidden temporary file: the same
	 * command, run again, replaces the curve. A curve beside no model and no such
	 * temporary is not this output's leftover, and is kept.
	 */
	@Test
	void aRerunReplacesTheCurveOfARunKilledBeforeItsModelWasPlaced()
		throws IOException
	{
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path data = dir.resolve("data"), out = dir.resolve("tuned.onnx");
		floatTiff(data, "img.tif", new float[32 * 32], 32, 32);
		Object[] run = { "fine-tune", "--model", model, "--data", data, "--output",
			out, "--steps", 3, "--batch", 1, "--patch", 16, "--seed", 2 };
		Path csv = dir.resolve("tuned-loss.csv"), png = dir.resolve(
			"tuned-loss.png");
		Files.writeString(csv, "someone else's\n");
		MainTest.Result kept = cli(run);
		assertEquals(1, kept.exitCode());
		assertEquals("fiji-gan: " + csv + " already exists; pass --overwrite to " +
			"replace it", kept.err().strip());
		assertEquals("someone else's\n", Files.readString(csv));
		// what kill -9 between the renames leaves: the curves, and the model under
		// its hidden temporary name
		Files.writeString(png, "left");
		Path staged = dir.resolve(".tuned.onnx.0123abcd.tmp.onnx");
		Files.writeString(staged, "half");
		MainTest.Result rerun = cli(run);
		assertEquals(0, rerun.exitCode(), rerun.err());
		assertTrue(Files.readString(csv).startsWith("step"), Files.readString(csv));
		assertTrue(Files.size(png) > 100);
		assertTrue(Files.size(out) > 100);
		assertFalse(Files.exists(staged), "the leftover is removed");
		MainTest.Result again = cli(run);
		assertEquals(1, again.exitCode());
		assertEquals("fiji-gan: " + out + " already exists; pass --overwrite to " +
			"replace it", again.err().strip());
	}

	/**
	 * The same for a run that replaces its input model, which is always there: a
	 * run killed between its renames left the curves and the model's temporary
	 * file, and the same command refused the curves (with or without --resume).
	 * Temporary files of the curves an hour old are removed too; a fresh one (a
	 * write that may be live) is kept.
	 */
	@Test
	void aRerunOfAKilledRunThatReplacesItsInputReplacesItsCurves()
		throws IOException
	{
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path data = dir.resolve("data");
		floatTiff(data, "img.tif", new float[32 * 32], 32, 32);
		Object[] run = { "fine-tune", "--model", model, "--data", data, "--output",
			model, "--replace-input-model", "--steps", 3, "--batch", 1, "--patch", 16,
			"--seed", 2 };
		Path csv = dir.resolve("sr-loss.csv"), png = dir.resolve("sr-loss.png");
		Files.writeString(csv, "left\n");
		Files.writeString(png, "left");
		MainTest.Result kept = cli(run);
		assertEquals(1, kept.exitCode(), "no temporary file: not a killed run's");
		assertEquals("left\n", Files.readString(csv));
		Path staged = dir.resolve(".sr.onnx.0123abcd.tmp.onnx"), oldCurve = dir
			.resolve(".sr-loss.csv.0123abcd.tmp.csv"), freshCurve = dir.resolve(
				".sr-loss.png.4567cdef.tmp.png");
		Files.writeString(staged, "half");
		Files.writeString(oldCurve, "half");
		Files.setLastModifiedTime(oldCurve, java.nio.file.attribute.FileTime
			.fromMillis(System.currentTimeMillis() - 2 * 3600_000L));
		Files.writeString(freshCurve, "half");
		MainTest.Result rerun = cli(run);
		assertEquals(0, rerun.exitCode(), rerun.err());
		assertTrue(Files.readString(csv).startsWith("step"), Files.readString(csv));
		assertTrue(Files.size(png) > 100);
		assertFalse(Files.exists(staged), "the model's leftover is removed");
		assertFalse(Files.exists(oldCurve), "an hour-old leftover is removed");
		assertTrue(Files.exists(freshCurve), "a fresh one may be a live write");
	}

	@Test
	void nothingIsWrittenIntoTheDataItTrainsOn() throws IOException {
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path data = dir.resolve("data");
		floatTiff(data, "img.tif", new float[32 * 32], 32, 32);
		Path alias = Files.createSymbolicLink(dir.resolve("alias"), data);
		for (Object[] where : new Object[][] { { "--output", data.resolve(
			"tuned.onnx") }, { "--output", alias.resolve("tuned.onnx") }, {
				"--output", dir.resolve("tuned.onnx"), "--checkpoint-dir", data.resolve(
					"ckpt") } })
		{
			List<Object> args = new java.util.ArrayList<>(List.of("fine-tune",
				"--model", model, "--data", data, "--steps", 1));
			args.addAll(List.of(where));
			MainTest.Result res = cli(args.toArray());
			assertEquals(1, res.exitCode(), res.err());
			assertTrue(res.err().contains(" is inside " + data +
				", whose images fine-tune trains on"), res.err());
		}
		try (java.util.stream.Stream<Path> s = Files.list(data)) {
			assertEquals(List.of(data.resolve("img.tif")), s.toList());
		}
		assertFalse(Files.exists(dir.resolve("tuned.onnx")));
	}

	@Test
	void aModelOlderThanOpset9IsRefusedBeforeTraining() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 3, 1).opset(7).write(dir, "op7.onnx");
		floatTiff(dir.resolve("data7"), "img.tif", new float[24 * 24], 24, 24);
		MainTest.Result res = cli("fine-tune", "--model", model, "--output", dir
			.resolve("x.onnx"), "--data", dir.resolve("data7"), "--steps", 1,
			"--task", "denoise");
		assertEquals(1, res.exitCode());
		assertEquals("fiji-gan: fine-tune needs opset 9 or later (model op7: " +
			"opset 7): its gradients use operators older opsets lack; re-export " +
			"the model with a newer opset", res.err().strip());
		assertTrue(!Files.exists(dir.resolve("x.onnx")));
	}

	@Test
	void aFreezePatternThatMatchesNoParameterIsRefusedAndNothingIsWritten()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 3, 2).write(dir, "conv.onnx");
		floatTiff(dir.resolve("data"), "img.tif", new float[24 * 24], 24, 24);
		Path out = dir.resolve("x.onnx");
		String[][] cases = { { "nonexistent",
			"fiji-gan: --freeze 'nonexistent' matches no parameter of the model; its parameters are w0, b0, w1, b1" },
			{ "", "fiji-gan: --freeze '' matches every parameter: give a regular " +
				"expression of the names to keep fixed" } };
		for (String[] c : cases) {
			MainTest.Result res = cli("fine-tune", "--model", model, "--output", out,
				"--data", dir.resolve("data"), "--steps", 1, "--task", "denoise",
				"--patch", 16, "--device", "cpu", "--freeze", c[0]);
			assertEquals(1, res.exitCode());
			assertEquals(c[1], res.err().strip());
			assertFalse(Files.exists(out));
			assertFalse(Files.exists(dir.resolve("x-loss.csv")));
		}
	}

	@Test
	void aModelWhoseOutputIsSmallerThanItsTargetIsRefusedBeforeTraining()
		throws IOException
	{
		// one 3x3 convolution without padding: 16x16 in, 14x14 out
		float[] w = new float[9];
		w[4] = 1;
		Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer("w", w,
			1, 1, 3, 3).node("Conv", "x,w", "y", OnnxModels.attrInts("kernel_shape",
				3, 3)).output("y", "N,1,OH,OW").write(dir, "valid.onnx");
		floatTiff(dir.resolve("data"), "img.tif", new float[16 * 16], 16, 16);
		Path out = dir.resolve("x.onnx");
		MainTest.Result res = cli("fine-tune", "--model", model, "--output", out,
			"--data", dir.resolve("data"), "--steps", 1, "--task", "denoise",
			"--patch", 16, "--batch", 1, "--validation", 0, "--device", "cpu");
		assertEquals(1, res.exitCode());
		assertEquals(
			"fiji-gan: the model's output [1, 1, 14, 14] is smaller than " +
				"its target [1, 1, 16, 16]: fine-tune compares the output with a patch " +
				"of the input's size (times the model's scale); train a model whose " +
				"output has that size, e.g. one whose convolutions pad their input " +
				"('same' padding)", res.err().strip());
		assertFalse(Files.exists(out));
		assertFalse(Files.exists(dir.resolve("x-loss.csv")));
	}

	@Test
	void aModelWithNonFiniteWeightsIsRefusedBeforeTraining() throws IOException {
		float[] w = new float[9];
		w[4] = Float.NaN;
		w[5] = Float.POSITIVE_INFINITY;
		Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer("w", w,
			1, 1, 3, 3).initializer("b", new float[] { 0 }, 1).node("Conv", "x,w,b",
				"y", OnnxModels.attrInts("kernel_shape", 3, 3), OnnxModels.attrInts(
					"pads", 1, 1, 1, 1)).output("y", "N,1,H,W").write(dir, "nan.onnx");
		floatTiff(dir.resolve("data"), "img.tif", new float[16 * 16], 16, 16);
		Path out = dir.resolve("x.onnx");
		MainTest.Result res = cli("fine-tune", "--model", model, "--output", out,
			"--data", dir.resolve("data"), "--steps", 1, "--task", "denoise",
			"--patch", 16, "--validation", 0, "--device", "cpu");
		assertEquals(1, res.exitCode());
		assertEquals("fiji-gan: model nan holds 2 NaN or infinite weights (in " +
			"tensor w): it cannot be trained; start from its original weights or a " +
			"fresh model", res.err().strip());
		assertFalse(Files.exists(out));
		assertFalse(Files.exists(dir.resolve("x-loss.csv")));
	}

	/**
	 * Weights whose declared shape their data does not hold are refused before
	 * training with one line naming the tensor, its shape and what its data
	 * holds: 4 bytes for a 3x3 kernel (before, an IndexOutOfBoundsException), and
	 * 36 bytes for a 65536x65536x3x3 one, whose count wrapped when cast to an int
	 * (before, "has 0 values").
	 */
	@Test
	void weightsWhoseDataDoesNotHoldTheirShapeAreRefusedBeforeTraining()
		throws IOException
	{
		floatTiff(dir.resolve("data"), "img.tif", new float[16 * 16], 16, 16);
		Path out = dir.resolve("x.onnx");
		for (long[] dims : new long[][] { { 1, 1, 3, 3 }, { 65536, 65536, 3,
			3 } })
		{
			int bytes = dims[0] == 1 ? 4 : 36;
			TensorProto w = TensorProto.newBuilder().setName("w").setDataType(
				TensorProto.DataType.FLOAT_VALUE).addAllDims(java.util.Arrays.stream(
					dims).boxed().toList()).setRawData(com.google.protobuf.ByteString
						.copyFrom(new byte[bytes])).build();
			Path model = OnnxModels.builder().input("x", "N,1,H,W").initializer(w)
				.node("Conv", "x,w", "y", OnnxModels.attrInts("pads", 1, 1, 1, 1))
				.output("y", "N,1,H,W").write(dir, "short.onnx");
			MainTest.Result res = cli("fine-tune", "--model", model, "--output", out,
				"--data", dir.resolve("data"), "--steps", 1, "--task", "denoise",
				"--patch", 16, "--validation", 0, "--device", "cpu");
			assertEquals(1, res.exitCode(), res.err());
			assertEquals("fiji-gan: tensor w declares shape " + java.util.Arrays
				.toString(dims) + " (" + dims[0] * dims[1] * 9 +
				" values), but its data holds " + bytes + " bytes (" + bytes / 4 +
				(bytes == 4 ? " value)" : " values)") + ": the model file is damaged",
				res.err().strip());
			assertFalse(Files.exists(out));
			assertFalse(Files.exists(dir.resolve("x-loss.csv")));
		}
	}

	/**
	 * A learning rate that blows the weights up on the only step: the loss of
	 * that step (of the weights before it) is finite, those after it are not
	 * (SGD: ~1e29, whose validation loss overflows; Adam at 1e308: infinite).
	 * Halving the learning rate 10 times does not help, so the run fails and
	 * nothing is written.
	 */
	@Test
	void aRunWhoseLastUpdateBlowsUpTheWeightsFailsAndWritesNothing()
		throws IOException
	{
		Path model = dir.resolve("base.onnx");
		MainTest.Result made = cli("create-model", "--arch", "residual-denoiser",
			"--blocks", 3, "--width", 4, "--output", model);
		assertEquals(0, made.exitCode(), made.err());
		Path data = FineTuneTasksTest.images(dir.resolve("data"), 3, 48, 48, 9);
		Path out = dir.resolve("s1.onnx");
		for (List<Object> opt : List.of(List.<Object> of("--optimizer", "sgd",
			"--lr", "1e30"), List.<Object> of("--lr", "3e38")))
		{
			List<Object> more = new java.util.ArrayList<>(List.of("--steps", 1,
				"--seed", 1));
			more.addAll(opt);
			MainTest.Result res = FineTuneTasksTest.fineTune(model, out, data, more
				.toArray());
			assertEquals(1, res.exitCode(), opt + ": " + res.out());
			assertEquals("fiji-gan: training diverged: the loss or the weights " +
				"stay non-finite after halving the learning rate 10 times", res.err()
					.strip(), opt.toString());
			assertFalse(Files.exists(out), opt + " wrote " + out);
			assertFalse(Files.exists(dir.resolve("s1-loss.csv")));
			assertFalse(Files.exists(dir.resolve("s1-loss.png")));
		}
	}

	/** Two seeded random 24x24 images in big/, two 6x6 ones in tiny/. */
	private void bigAndTinyImages(long seed) throws IOException {
		Random r = new Random(seed);
		for (int i = 0; i < 2; i++) {
			float[] big = new float[24 * 24], tiny = new float[6 * 6];
			for (int j = 0; j < big.length; j++)
				big[j] = r.nextFloat();
			for (int j = 0; j < tiny.length; j++)
				tiny[j] = r.nextFloat();
			floatTiff(dir.resolve("big"), "img" + i + ".tif", big, 24, 24);
			floatTiff(dir.resolve("tiny"), "img" + i + ".tif", tiny, 6, 6);
		}
	}

	/**
	 * PatchGAN and DCGAN halve the side three times, so patches under 8 px leave
	 * their last convolution nothing to read: refused before training with the
	 * patch that works, or, when the patch shrank to fit small images, with what
	 * would; 8 px trains.
	 */
	@Test
	void patchesSmallerThanTheDiscriminatorTakesAreRefusedBeforeTraining()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 3, 1).write(dir, "conv.onnx");
		bigAndTinyImages(5);
		for (String d : new String[] { "patchgan", "dcgan" }) {
			MainTest.Result small = gan(model, "big", "--patch", 4, "--discriminator",
				d);
			assertEquals(1, small.exitCode(), small.err());
			assertEquals("fiji-gan: the " + d +
				" discriminator needs images of at least 8x8, but --patch 4 gives it " +
				"4x4 patches: use --patch 8 or more\n", small.err());
		}
		MainTest.Result shrunk = gan(model, "tiny");
		assertEquals(1, shrunk.exitCode(), shrunk.err());
		assertEquals("fiji-gan: the patchgan discriminator needs images of at " +
			"least 8x8, but the patches are 6x6 (--patch 64 reduced to fit the " +
			"images): train on images of at least 8x8, or without a discriminator " +
			"(--adversarial-weight 0)\n", shrunk.err());
		assertFalse(Files.exists(dir.resolve("gan.onnx")));
		MainTest.Result eight = gan(model, "big", "--patch", 8);
		assertEquals(0, eight.exitCode(), eight.err());
	}

	/**
	 * A generator's real images are cut to the size it generates, whatever
	 * --patch says (64 by default, 16, or 0 for the whole 24x24 images), with a
	 * note; real images smaller than its output are refused naming its size.
	 */
	@Test
	void aGeneratorTrainsOnPatchesOfTheSizeItGenerates() throws IOException {
		Path model = OnnxModels.generator(4, 0, 8, 8).write(dir, "gen.onnx");
		bigAndTinyImages(9);
		for (Object patch : new Object[] { null, 16, 0, 8 }) {
			MainTest.Result res = patch == null ? generator(model, "big") : generator(
				model, "big", "--patch", patch);
			assertEquals(0, res.exitCode(), patch + ": " + res.err());
			assertTrue(res.out().contains(" 8x8 patches"), res.out());
			String note = "note: patch " + (patch == null ? "64 px" : patch.equals(0)
				? "0 (whole images)" : patch + " px") +
				" set to 8 px, the size of the images model 'gen' generates: the " +
				"discriminator compares them with 8x8 patches of the real images\n";
			assertEquals(!Integer.valueOf(8).equals(patch), res.out().contains(note),
				res.out());
		}
		MainTest.Result tiny = generator(model, "tiny");
		assertEquals(1, tiny.exitCode(), tiny.err());
		assertEquals("fiji-gan: 'img0.tif' (6x6) is smaller than the 8x8 images " +
			"model 'gen' generates: train it on real images of at least 8x8\n", tiny
				.err());
	}

	private MainTest.Result generator(Path model, String data, Object... more) {
		List<Object> args = new java.util.ArrayList<>(List.of("fine-tune",
			"--model", model, "--data", dir.resolve(data), "--output", dir.resolve(
				"gen-tuned.onnx"), "--steps", 1, "--batch", 1, "--threads", 1,
			"--device", "cpu", "--overwrite"));
		args.addAll(List.of(more));
		return cli(args.toArray());
	}

	private MainTest.Result gan(Path model, String data, Object... more) {
		List<Object> args = new java.util.ArrayList<>(List.of("fine-tune",
			"--model", model, "--data", dir.resolve(data), "--output", dir.resolve(
				"gan.onnx"), "--steps", 1, "--batch", 1, "--threads", 1,
			"--adversarial-weight", 0.1, "--device", "cpu", "--task", "denoise"));
		args.addAll(List.of(more));
		return cli(args.toArray());
	}

	/**
	 * The weights of a bioimage.io package are never replaced, even with
	 * --replace-input-model and however the model and the output are named (the
	 * weights file, a link to it): the package would no longer load, its
	 * descriptor recording their SHA-256. Nothing is written into it.
	 */
	@Test
	void aPackagesWeightsAreNotReplacedHoweverTheyAreNamed() throws IOException {
		Path pkg = Files.createDirectories(dir.resolve("pkg"));
		Path weights = OnnxModels.conv3x3(1, 1, 5, 1).write(pkg, "weights.onnx");
		Files.writeString(pkg.resolve("rdf.yaml"), String.format(
			org.fijigan.testing.TestPackages.ONE_CHANNEL_RDF,
			org.fijigan.core.model.ModelLoader.sha256(weights)));
		Files.writeString(pkg.resolve("README.md"), "card");
		byte[] before = Files.readAllBytes(weights);
		Path link = Files.createSymbolicLink(dir.resolve("link.onnx"), weights);
		float[] px = new float[16 * 16];
		Random random = new Random(3);
		for (int i = 0; i < px.length; i++)
			px[i] = random.nextFloat();
		Path data = floatTiff(dir.resolve("data"), "a.tif", px, 16, 16).getParent();
		for (Path[] modelAndOutput : new Path[][] { { weights, weights }, { link,
			weights }, { weights, link }, { pkg, weights } })
		{
			MainTest.Result r = cli("fine-tune", "-m", modelAndOutput[0], "-o",
				modelAndOutput[1], "--replace-input-model", "--overwrite", "--task",
				"denoise", "--data", data, "--patch", 8, "--batch", 1, "--steps", 1,
				"--validation", 0, "--device", "cpu", "--threads", 1, "--seed", 1);
			assertEquals(1, r.exitCode(), r.err());
			assertEquals("fiji-gan: the output " + modelAndOutput[1] + " is the " +
				"weights of the bioimage.io package in " + pkg + ", which its " +
				"descriptor rdf.yaml names: a package's weights are never replaced; " +
				"write the fine-tuned model to another file (package-model " +
				"packages it)", r.err().strip(), List.of(modelAndOutput).toString());
			org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files
				.readAllBytes(weights));
			try (var left = Files.list(pkg)) {
				assertEquals(List.of("README.md", "rdf.yaml", "weights.onnx"), left.map(
					p -> p.getFileName().toString()).sorted().toList());
			}
			try (var left = Files.list(dir)) {
				assertEquals(List.of("data", "link.onnx", "pkg"), left.map(p -> p
					.getFileName().toString()).sorted().toList());
			}
		}
	}

	/**
	 * Images smaller than the smallest input the model takes are refused as such,
	 * with or without a patch: no --patch can help, so none is suggested.
	 */
	@Test
	void imagesBelowTheModelsSmallestInputAskForLargerImages()
		throws IOException
	{
		Path pkg = Files.createDirectories(dir.resolve("pkg"));
		Path weights = OnnxModels.conv3x3(1, 1, 5, 1).write(pkg, "weights.onnx");
		Files.writeString(pkg.resolve("rdf.yaml"), String.format(
			org.fijigan.testing.TestPackages.ONE_CHANNEL_RDF.replace(
				"min: 8, step: 4", "min: 37, step: 1"),
			org.fijigan.core.model.ModelLoader.sha256(weights)));
		Files.writeString(pkg.resolve("README.md"), "card");
		Random random = new Random(7);
		float[] small = new float[32 * 32], large = new float[48 * 48];
		for (int i = 0; i < large.length; i++) {
			if (i < small.length) small[i] = random.nextFloat();
			large[i] = random.nextFloat();
		}
		Path data = floatTiff(dir.resolve("data"), "a.tif", small, 32, 32)
			.getParent();
		floatTiff(data, "b.tif", large, 48, 48);
		Path out = dir.resolve("out.onnx");
		for (Object patch : new Object[] { 32, 16, 64 }) {
			MainTest.Result r = cli("fine-tune", "-m", pkg, "-o", out, "--task",
				"denoise", "--data", data, "--patch", patch, "--batch", 1, "--steps", 1,
				"--validation", 0, "--device", "cpu", "--threads", 1, "--seed", 1);
			assertEquals(1, r.exitCode(), r.err());
			assertEquals("fiji-gan: 'a.tif' (32x32), the smallest image, gives the " +
				"model inputs of 32x32 px, but it takes inputs of at least 37x37 px; " +
				"train it on larger images", r.err().strip(), "--patch " + patch);
			try (var left = Files.list(dir)) {
				assertEquals(List.of("data", "pkg"), left.map(p -> p.getFileName()
					.toString()).sorted().toList());
			}
		}
	}

	/**
	 * A 1-channel model's pairs may mix grey and multi-channel images, but a
	 * pair's two images need the same channels: the pair that differs is named,
	 * not another image.
	 */
	@Test
	void aPairWhoseImagesDifferInChannelsIsNamed() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		Random random = new Random(11);
		float[] px = new float[16 * 16];
		for (int i = 0; i < px.length; i++)
			px[i] = random.nextFloat();
		Path in = dir.resolve("in"), tg = dir.resolve("tg");
		floatTiff(in, "a.tif", px, 16, 16);
		floatTiff(tg, "a.tif", px, 16, 16);
		floatTiff(in, "f.tif", px, 16, 16);
		ij.ImageStack three = new ij.ImageStack(16, 16);
		for (int c = 0; c < 3; c++)
			three.addSlice(new FloatProcessor(16, 16, px.clone()));
		ImagePlus rgbLike = new ImagePlus("f", three);
		rgbLike.setDimensions(3, 1, 1);
		assertTrue(new FileSaver(rgbLike).saveAsTiff(tg.resolve("f.tif")
			.toString()));
		Path out = dir.resolve("out.onnx");
		MainTest.Result r = cli("fine-tune", "-m", model, "-o", out, "--task",
			"image-to-image", "--input-dir", in, "--target-dir", tg, "--patch", 8,
			"--batch", 1, "--steps", 1, "--validation", 0, "--device", "cpu",
			"--threads", 1, "--seed", 1);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: the input 'f.tif' has 1 channel but its target " +
			"'f.tif' has 3 channels: a pair's two images need the same channels", r
				.err().strip());
		try (var left = Files.list(dir)) {
			assertEquals(List.of("den.onnx", "in", "tg"), left.map(p -> p
				.getFileName().toString()).sorted().toList());
		}
	}

	/**
	 * A link, or someone's file, where fine-tune claims the output's name
	 * ({@code .OUT.onnx.lock}) is refused in one line naming it, before training,
	 * and kept; nothing is made where the link leads.
	 */
	@Test
	void aLinkAtTheOutputsClaimIsRefusedAndKept() throws IOException {
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "den.onnx");
		float[] px = new float[16 * 16];
		Random random = new Random(13);
		for (int i = 0; i < px.length; i++)
			px[i] = random.nextFloat();
		Path data = floatTiff(dir.resolve("data"), "a.tif", px, 16, 16).getParent();
		Path out = dir.resolve("lk.onnx"), lock = dir.resolve(".lk.onnx.lock"),
				elsewhere = dir.resolve("elsewhere.txt");
		Files.createSymbolicLink(lock, elsewhere);
		Object[] run = { "fine-tune", "-m", model, "-o", out, "--task", "denoise",
			"--data", data, "--patch", 8, "--batch", 1, "--steps", 1, "--validation",
			0, "--device", "cpu", "--threads", 1, "--seed", 1 };
		MainTest.Result r = cli(run);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: " + lock + " is a symbolic link to " + elsewhere +
			": fiji-gan claims the name beside it with a file of that name and " +
			"does not follow a link there; the link is kept: remove or rename it", r
				.err().strip());
		assertFalse(r.out().contains("step 1"), r.out());
		assertTrue(Files.isSymbolicLink(lock));
		try (var left = Files.list(dir)) {
			assertEquals(List.of(".lk.onnx.lock", "data", "den.onnx"), left.map(p -> p
				.getFileName().toString()).sorted().toList());
		}
		Files.delete(lock);
		Files.writeString(lock, "my notes");
		r = cli(run);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: " + lock + " is not fiji-gan's: fiji-gan claims " +
			"the name beside it with a file of that name; move or rename it", r.err()
				.strip());
		assertEquals("my notes", Files.readString(lock));
		assertFalse(Files.exists(out));
	}
}
