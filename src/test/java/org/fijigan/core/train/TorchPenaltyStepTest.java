
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.NpyArray;
import org.fijigan.testing.FixtureFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One discriminator step with a gradient penalty equals PyTorch's double
 * backward ({@code torch.autograd.grad(score.sum(), x, create_graph=True)},
 * then {@code backward()} on the loss with the penalty): R1 on the DCGAN-style
 * discriminator with class projection and the non-saturating loss, WGAN-GP on
 * the PatchGAN with the Wasserstein loss.
 * <p>
 * The fixtures under {@code src/test/resources/torch-penalty/} come from
 * {@code src/test/fixtures/make_torch_penalty_fixtures.py} (PyTorch, float64
 * SGD step from float32 weights and batch) and are committed, so this test
 * needs no Python. Here the step graph fine-tuning runs
 * ({@link StepGraph#discriminatorStep}, run by {@link StepRunner} on the CPU in
 * float32) takes the same step: every updated weight must match PyTorch's to
 * 1e-4 (the largest step is ~0.05, and the penalty alone moves some weight by
 * 80 times that tolerance or more), the loss and the penalty to 1e-5 relative.
 */
class TorchPenaltyStepTest {

	private static final String SCRIPT = "make_torch_penalty_fixtures.py";

	private static final String ROOT = "/torch-penalty/";
	private static final double WEIGHT_TOL = 1e-4;
	private static final double VALUE_RTOL = 1e-5;

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "r1", "wgan-gp" })
	void oneDiscriminatorStepWithThePenaltyMatchesPyTorch(String name)
		throws IOException
	{
		String dir = ROOT + name + "/";
		Map<String, String> meta = new HashMap<>();
		for (String line : lines(dir + "step.txt")) {
			int eq = line.indexOf('=');
			meta.put(line.substring(0, eq), line.substring(eq + 1));
		}
		int channels = Integer.parseInt(meta.get("channels")), width = Integer
			.parseInt(meta.get("width")), layers = Integer.parseInt(meta.get(
				"layers")), classes = Integer.parseInt(meta.get("classes"));
		double lr = Double.parseDouble(meta.get("lr"));
		float weight = Float.parseFloat(meta.get("weight"));
		boolean r1 = meta.get("penalty").equals("r1");
		assertTrue(Double.parseDouble(meta.get("largest_penalty_step")) > 50 *
			WEIGHT_TOL,
			"the penalty must move the weights by far more than the tolerance");

		Discriminator d = meta.get("architecture").equals("dcgan") ? Discriminator
			.dcgan(channels, width, layers, classes, 0) : Discriminator.patchGan(
				channels, width, layers, 0);
		List<String> index = lines(dir + "index.txt");
		assertEquals(d.parameters().size(), index.size(),
			"parameters in index.txt");
		Map<String, double[]> after = new LinkedHashMap<>();
		for (int i = 0; i < index.size(); i++) {
			String[] f = index.get(i).split("\t");
			Parameter p = d.parameters().get(i);
			assertEquals(p.name(), f[1], "parameter " + i);
			NpyArray init = npy(dir + "init/" + f[0] + ".npy");
			assertArrayEquals(p.shape(), init.shape(), p.name());
			System.arraycopy(init.toFloatArray(), 0, p.values(), 0, p.size());
			after.put(p.name(), npy(dir + "after/" + f[0] + ".npy").toDoubleArray());
		}

		NpyArray real = npy(dir + "real.npy"), fake = npy(dir + "fake.npy");
		long[] shape = real.shape();
		String label = classes > 0 ? "label" : null;
		GradientPenalties penalties = r1 ? new GradientPenalties(0, weight, 1)
			: new GradientPenalties(weight, 0, 1);
		StepGraph.Built step = StepGraph.discriminatorStep(d, shape, label,
			AdversarialKind.parse(meta.get("adversarial")), penalties, OptimizerConfig
				.sgd(lr));
		Map<String, Tensor> batch = new HashMap<>();
		batch.put("real", Tensor.of(real.toFloatArray(), shape));
		batch.put("fake", Tensor.of(fake.toFloatArray(), shape));
		if (label != null) batch.put(label, Tensor.ofLongs(npy(dir + "labels.npy")
			.toLongArray(), shape[0]));
		if (!r1) {
			NpyArray eps = npy(dir + "epsilon.npy");
			batch.put(StepGraph.EPSILON, Tensor.of(eps.toFloatArray(), eps.shape()));
		}
		Map<String, float[]> tensors = new LinkedHashMap<>();
		for (Parameter p : d.parameters())
			tensors.put(p.name(), p.values().clone());
		Map<String, Tensor> out;
		try (StepRunner run = new StepRunner(step, d.parameters(), Map.of(),
			DeviceSpec.CPU, 1))
		{
			out = run.step(batch, Trainer.scalars(OptimizerConfig.sgd(lr), lr, 1),
				CancellationToken.none());
			run.read(tensors);
		}
		double loss = Double.parseDouble(meta.get("loss_value")), penalty = Double
			.parseDouble(meta.get("penalty_value"));
		assertEquals(loss, out.get(StepGraph.LOSS).floats()[0], VALUE_RTOL * Math
			.abs(loss), "loss");
		assertEquals(penalty, out.get(StepGraph.PENALTY).floats()[0], VALUE_RTOL *
			Math.abs(penalty), "penalty");
		double worst = 0;
		String worstAt = "";
		for (Map.Entry<String, double[]> e : after.entrySet()) {
			float[] mine = tensors.get(e.getKey());
			double[] ref = e.getValue();
			for (int i = 0; i < ref.length; i++) {
				double err = Math.abs(mine[i] - ref[i]);
				if (!(err <= worst)) {
					worst = err;
					worstAt = e.getKey() + "[" + i + "]";
				}
			}
		}
		System.out.printf(
			"TorchPenaltyStepTest %s: loss %.7f (PyTorch %.7f), penalty %.7f (PyTorch " +
				"%.7f), worst weight error %.2e at %s%n", name, out.get(StepGraph.LOSS)
					.floats()[0], loss, out.get(StepGraph.PENALTY).floats()[0], penalty,
			worst, worstAt);
		assertTrue(worst <= WEIGHT_TOL, name + ": updated weight " + worstAt +
			" differs from PyTorch's by " + worst);
	}

	/** A test resource written by the fixture script. */
	private static InputStream resource(String path) {
		return FixtureFiles.open(path, SCRIPT);
	}

	static NpyArray npy(String path) throws IOException {
		return FixtureFiles.npy(path, SCRIPT);
	}

	static List<String> lines(String path) {
		return FixtureFiles.lines(path, SCRIPT);
	}
}
