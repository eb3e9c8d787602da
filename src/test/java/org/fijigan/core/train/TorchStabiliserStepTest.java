
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.NpyArray;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The discriminator's stabilisers equal PyTorch's, one step each: the SNGAN
 * discriminator with class projection, the minibatch standard deviation and
 * spectral normalisation, seeing real and generated images through DiffAugment
 * with fixed parameters.
 * <ul>
 * <li>The discriminator's step: non-saturating loss plus R1 through the
 * augmentation (double backward), one power iteration: the updated weights and
 * vectors {@code u} match PyTorch's to 1e-4 (the largest step is ~0.13).</li>
 * <li>The generator's step: the hinge loss through the frozen discriminator (σ
 * from the stored {@code u}, no iteration) and the augmentation, for a
 * "generator" whose one parameter is the image batch: the updated images match
 * to 1e-4 (the largest step is ~0.26).</li>
 * </ul>
 * The fixtures under {@code src/test/resources/torch-stabiliser/} come from
 * {@code src/test/fixtures/make_torch_stabiliser_fixtures.py}, which writes
 * each stabiliser from its definition in PyTorch (the augmentation by padding
 * and slicing, not fiji-gan's 0/1 matrices; its spectral norm checked against
 * {@code torch.nn.utils.spectral_norm}).
 */
class TorchStabiliserStepTest {

	private static final String DIR = "/torch-stabiliser/sngan/";
	private static final double TOL = 1e-4;
	private static final DiffAugment ALL = new DiffAugment(true, true, true);

	private Map<String, String> meta;
	private Discriminator d;
	private List<String> index;
	private final Map<String, float[]> vectors = new LinkedHashMap<>();
	private long[] shape;
	private Tensor labels;

	@BeforeEach
	void load() throws IOException {
		meta = new HashMap<>();
		for (String line : TorchPenaltyStepTest.lines(DIR + "step.txt"))
			meta.put(line.substring(0, line.indexOf('=')), line.substring(line
				.indexOf('=') + 1));
		d = Discriminator.create(Discriminator.Architecture.SNGAN, integer(
			"channels"), integer("size"), integer("width"), integer("classes"),
			new Discriminator.Options(true, true), 0);
		index = TorchPenaltyStepTest.lines(DIR + "index.txt");
		assertEquals(d.parameters().size(), index.size(),
			"parameters in index.txt");
		for (int i = 0; i < index.size(); i++) {
			String[] f = index.get(i).split("\t");
			Parameter p = d.parameters().get(i);
			assertEquals(p.name(), f[1], "parameter " + i);
			NpyArray init = TorchPenaltyStepTest.npy(DIR + "init/" + f[0] + ".npy");
			System.arraycopy(init.toFloatArray(), 0, p.values(), 0, p.size());
			if (p.shape().length >= 2) vectors.put(SpectralNorm.vectorName(p.name()),
				TorchPenaltyStepTest.npy(DIR + "u/" + f[0] + ".npy").toFloatArray());
		}
		assertEquals(d.spectralVectors().keySet(), vectors.keySet());
		shape = TorchPenaltyStepTest.npy(DIR + "real.npy").shape();
		labels = Tensor.ofLongs(TorchPenaltyStepTest.npy(DIR + "labels.npy")
			.toLongArray(), shape[0]);
	}

	private int integer(String key) {
		return Integer.parseInt(meta.get(key));
	}

	private Tensor image(String name) throws IOException {
		return Tensor.of(TorchPenaltyStepTest.npy(DIR + name + ".npy")
			.toFloatArray(), shape);
	}

	/**
	 * The stored per-sample parameters {@code b s c dy dx cy cx}, one line per
	 * sample.
	 */
	private Map<String, Tensor> augment(String name, String prefix) {
		List<String> lines = TorchPenaltyStepTest.lines(DIR + "augment-" + name +
			".txt");
		int n = lines.size();
		float[] b = new float[n], s = new float[n], c = new float[n];
		int[] dy = new int[n], dx = new int[n], cy = new int[n], cx = new int[n];
		for (int i = 0; i < n; i++) {
			String[] f = lines.get(i).trim().split(" ");
			b[i] = Float.parseFloat(f[0]);
			s[i] = Float.parseFloat(f[1]);
			c[i] = Float.parseFloat(f[2]);
			dy[i] = Integer.parseInt(f[3]);
			dx[i] = Integer.parseInt(f[4]);
			cy[i] = Integer.parseInt(f[5]);
			cx[i] = Integer.parseInt(f[6]);
		}
		return ALL.tensors(prefix, shape, new DiffAugment.Draw(b, s, c, dy, dx, cy,
			cx));
	}

	@Test
	void oneDiscriminatorStepMatchesPyTorch() throws IOException {
		double lr = Double.parseDouble(meta.get("lr_d"));
		float gamma = Float.parseFloat(meta.get("gamma"));
		StepGraph.Built step = StepGraph.discriminatorStep(d, shape, "label",
			AdversarialKind.NONSATURATING, new GradientPenalties(0, gamma, 1), ALL,
			false, OptimizerConfig.sgd(lr));
		Map<String, Tensor> batch = new HashMap<>();
		batch.put("real", image("real"));
		batch.put("fake", image("fake"));
		batch.put("label", labels);
		batch.putAll(augment("real", StepGraph.AUGMENT_REAL));
		batch.putAll(augment("fake", StepGraph.AUGMENT_FAKE));
		Map<String, float[]> tensors = new LinkedHashMap<>(vectors);
		for (Parameter p : d.parameters())
			tensors.put(p.name(), p.values().clone());
		Map<String, Tensor> out;
		try (StepRunner run = new StepRunner(step, d.parameters(), vectors,
			DeviceSpec.CPU, 1))
		{
			out = run.step(batch, Trainer.scalars(OptimizerConfig.sgd(lr), lr, 1),
				CancellationToken.none());
			run.read(tensors);
		}
		double loss = Double.parseDouble(meta.get("loss_value")), penalty = Double
			.parseDouble(meta.get("penalty_value"));
		assertEquals(loss, out.get(StepGraph.LOSS).floats()[0], 1e-5 * Math.abs(
			loss), "loss");
		assertEquals(penalty, out.get(StepGraph.PENALTY).floats()[0], 1e-5 * Math
			.abs(penalty), "R1");
		double worst = 0;
		String worstAt = "";
		for (int i = 0; i < index.size(); i++) {
			String[] f = index.get(i).split("\t");
			String name = f[1];
			double[] ref = TorchPenaltyStepTest.npy(DIR + "after/" + f[0] + ".npy")
				.toDoubleArray();
			float[] mine = tensors.get(name);
			for (int k = 0; k < ref.length; k++)
				if (!(Math.abs(mine[k] - ref[k]) <= worst)) {
					worst = Math.abs(mine[k] - ref[k]);
					worstAt = name + "[" + k + "]";
				}
			String u = SpectralNorm.vectorName(name);
			if (vectors.containsKey(u)) {
				double[] refU = TorchPenaltyStepTest.npy(DIR + "u-after/" + f[0] +
					".npy").toDoubleArray();
				for (int k = 0; k < refU.length; k++)
					assertEquals(refU[k], tensors.get(u)[k], 1e-5, u + "[" + k + "]");
			}
		}
		System.out.printf(
			"TorchStabiliserStepTest D: loss %.7f (PyTorch %.7f), worst weight error " +
				"%.2e at %s%n", out.get(StepGraph.LOSS).floats()[0], loss, worst,
			worstAt);
		assertTrue(Double.parseDouble(meta.get("largest_penalty_step")) > 100 * TOL,
			"R1 must move the weights by far more than the tolerance");
		assertTrue(worst <= TOL, "updated weight " + worstAt +
			" differs from PyTorch's by " + worst);
	}

	@Test
	void oneGeneratorStepThroughTheAugmentationMatchesPyTorch()
		throws IOException
	{
		double lr = Double.parseDouble(meta.get("lr_g"));
		int n = (int) shape[0], c = (int) shape[1], h = (int) shape[2], w =
			(int) shape[3];
		String dims = n + "," + c + "," + h + "," + w;
		ModelProto model = OnnxModels.builder().input("x", dims).input("label",
			OnnxModels.INT64, "" + n).initializer("img", image("img").floats(), shape)
			.node("Add", "x,img", "y").output("y", dims).build();
		List<Parameter> params = Parameters.trainable(model, List.of());
		Map<String, Tensor> data = new LinkedHashMap<>();
		data.put("x", Tensor.of(new float[n * c * h * w], shape));
		data.put("label", labels);
		data.put(Trainer.TARGET, image("real"));
		StepGraph.Built step = StepGraph.generatorStep(model, "y", null, params,
			data, Trainer.TARGET, null, 1f, AdversarialKind.HINGE, d, ALL, "label",
			OptimizerConfig.sgd(lr));
		Map<String, Tensor> in = new HashMap<>(data);
		for (Parameter p : d.parameters())
			in.put(p.name(), Tensor.of(p.values(), p.shape()));
		vectors.forEach((k, v) -> in.put(k, Tensor.of(v, v.length)));
		in.putAll(augment("gen", StepGraph.AUGMENT_FAKE));
		Map<String, float[]> tensors = new LinkedHashMap<>();
		tensors.put("img", params.get(0).values().clone());
		Map<String, Tensor> out;
		try (StepRunner run = new StepRunner(step, params, Map.of(), DeviceSpec.CPU,
			1))
		{
			out = run.step(in, Trainer.scalars(OptimizerConfig.sgd(lr), lr, 1),
				CancellationToken.none());
			run.read(tensors);
		}
		double loss = Double.parseDouble(meta.get("g_loss_value"));
		assertEquals(loss, out.get(StepGraph.LOSS).floats()[0], 1e-5 * Math.abs(
			loss), "loss");
		double[] ref = TorchPenaltyStepTest.npy(DIR + "after/img.npy")
			.toDoubleArray();
		float[] before = image("img").floats(), mine = tensors.get("img");
		double worst = 0, moved = 0;
		for (int k = 0; k < ref.length; k++) {
			worst = Math.max(worst, Math.abs(mine[k] - ref[k]));
			moved = Math.max(moved, Math.abs(ref[k] - before[k]));
		}
		System.out.printf(
			"TorchStabiliserStepTest G: loss %.7f (PyTorch %.7f), worst image error %.2e, " +
				"largest step %.2e%n", out.get(StepGraph.LOSS).floats()[0], loss, worst,
			moved);
		assertTrue(moved > 100 * TOL,
			"the step must move the image by far more than the tolerance");
		assertTrue(worst <= TOL, "updated image differs from PyTorch's by " +
			worst);
	}
}
