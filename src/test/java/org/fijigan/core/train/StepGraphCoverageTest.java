
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.engine.ExecutionProvider;
import org.fijigan.core.engine.ProviderCoverage;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.model.arch.Architecture;
import org.fijigan.core.model.arch.ArchitectureOptions;
import org.fijigan.core.model.arch.Architectures;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * The fine-tune step graphs of every {@code create-model} architecture have a
 * kernel for every node in the CUDA and DirectML providers: plain, with the GAN
 * discriminator, and with every stabiliser that changes the graph (spectral
 * norm, minibatch standard deviation, differentiable augmentation, R1 and
 * WGAN-GP).
 */
class StepGraphCoverageTest {

	private static final int SIDE = 16, BATCH = 2, CLASSES = 3;

	private record Setup(String name, boolean gan, Stabilisers stabilisers,
			GradientPenalties penalties, AdversarialKind adversarial) {
	}

	private static final List<Setup> SETUPS = List.of(new Setup("plain", false,
		Stabilisers.DEFAULTS, GradientPenalties.NONE, AdversarialKind.HINGE),
		new Setup("gan", true, Stabilisers.DEFAULTS, GradientPenalties.NONE,
			AdversarialKind.NONSATURATING), new Setup("gan+stabilisers+r1", true,
				new Stabilisers(null, 8, true, true, DiffAugment.parse(
					"color,translation,cutout"), 0.6, null, 1, true),
				new GradientPenalties(0, 1, 1), AdversarialKind.HINGE), new Setup(
					"wgan-gp+stabilisers", true, new Stabilisers(
						Discriminator.Architecture.SNGAN, 8, true, false, DiffAugment.parse(
							"color,translation,cutout"), 0, null, 1, true),
					new GradientPenalties(10, 0, 1), AdversarialKind.WASSERSTEIN));

	@Test
	void everyArchitecturesStepGraphsRunWhollyOnCudaAndDirectMl() {
		List<String> problems = new ArrayList<>();
		int graphs = 0;
		for (Architecture a : Architecture.values()) {
			boolean generator = a == Architecture.DCGAN;
			ModelProto model = Architectures.create(a, new ArchitectureOptions(2, 1,
				generator ? CLASSES : 0, List.of(), 8, 8, a.minBlocks(), SIDE, 1));
			String output = model.getGraph().getOutput(0).getName();
			Map<String, Tensor> data = new LinkedHashMap<>();
			String label = null;
			for (ValueInfoProto v : model.getGraph().getInputList()) {
				List<Long> dims = new ArrayList<>();
				for (var d : v.getType().getTensorType().getShape().getDimList())
					dims.add(d.hasDimValue() ? d.getDimValue() : -1);
				long[] shape = new long[dims.size()];
				for (int i = 0; i < shape.length; i++)
					shape[i] = dims.get(i) > 0 ? dims.get(i) : i == 0 ? BATCH : SIDE;
				if (v.getType().getTensorType()
					.getElemType() == TensorProto.DataType.INT64_VALUE)
				{
					label = v.getName();
					data.put(v.getName(), Tensor.ofLongs(new long[(int) Tensor
						.elementCount(shape)], shape));
				}
				else data.put(v.getName(), Tensor.of(ramp(Tensor.elementCount(shape)),
					shape));
			}
			long[] outShape = { BATCH, 1, a == Architecture.RRDB_SR ? 2 * SIDE : SIDE,
				a == Architecture.RRDB_SR ? 2 * SIDE : SIDE };
			data.put(Trainer.TARGET, Tensor.of(ramp(Tensor.elementCount(outShape)),
				outShape));
			List<Parameter> params = Parameters.trainable(model, List.of());
			for (Setup s : SETUPS) {
				if (generator && !s.gan()) continue; // a generator is trained by its
																							// discriminator alone
				TrainingTarget what = new TrainingTarget(output, null, label,
					label == null ? 0 : CLASSES, generator, 1, "sha");
				Discriminator d = s.gan() ? Trainer.discriminator(what, s.stabilisers(),
					outShape, 1) : null;
				List<StepGraph.Built> built = new ArrayList<>();
				built.add(StepGraph.generatorStep(model, output, null, params, data,
					Trainer.TARGET, generator ? null : LossKind.L1, s.gan() ? 0.1f : 0, s
						.adversarial(), d, s.stabilisers().augment(), label, OptimizerConfig
							.adam(1e-3)));
				if (s.gan()) built.add(StepGraph.discriminatorStep(d, outShape, label, s
					.adversarial(), s.penalties(), s.stabilisers().augment(), s
						.stabilisers().adaTarget() > 0, OptimizerConfig.adam(1e-3)));
				for (StepGraph.Built b : built) {
					graphs++;
					for (ExecutionProvider p : ProviderCoverage.reported())
						for (ProviderCoverage.Missing m : ProviderCoverage.missing(b
							.model(), p))
							problems.add(a.id() + " " + s.name() + " on " + p.id() + ": " +
								m);
				}
			}
		}
		// image models: 7 graphs over the setups (1 plain, 2 per GAN setup); the
		// generator: 2 per GAN setup
		int images = Architecture.values().length - 1;
		assertEquals(images * 7 + 3 * 2, graphs);
		assertTrue(problems.isEmpty(), problems.size() +
			" nodes without a kernel:\n" + String.join("\n", problems.stream()
				.distinct().toList()));
	}

	private static float[] ramp(long n) {
		float[] v = new float[(int) n];
		for (int i = 0; i < v.length; i++)
			v[i] = (i % 7) / 7f;
		return v;
	}
}
