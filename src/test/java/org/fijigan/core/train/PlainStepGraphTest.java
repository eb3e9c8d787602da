
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.engine.Tensor;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * A run that uses none of the discriminator regularisers (no gradient penalty,
 * no R1, one of the three original GAN losses) builds exactly the step graphs
 * it built before they existed: the SHA-256 of each serialised graph is pinned.
 * A change to the graph of a plain run - a node more, another name, another
 * order - changes its results, so it must be deliberate: update the digest and
 * say why in the commit.
 */
class PlainStepGraphTest {

	private static final long[] IMAGE = { 2, 1, 16, 16 };

	@Test
	void discriminatorStepsAreUnchanged() throws Exception {
		Discriminator conditional = Discriminator.dcgan(1, 4, 2, 3, 5);
		Discriminator patch = Discriminator.patchGan(1, 4, 2, 5);
		assertEquals(
			"498b3a5fe83a1a0519a60f72a65e30ee30988a069d3b7c3480eadceee1e7dca8",
			sha256(StepGraph.discriminatorStep(conditional, IMAGE, "label",
				AdversarialKind.NONSATURATING, OptimizerConfig.adam(1e-3)).model()),
			"conditional DCGAN, non-saturating, Adam");
		assertEquals(
			"7d5b00082e6adb6e5be6d0fd698042e08e5578e13fe9c02d8b1396dda04052c4",
			sha256(StepGraph.discriminatorStep(patch, IMAGE, null,
				AdversarialKind.HINGE, OptimizerConfig.sgd(0.1)).model()),
			"PatchGAN, hinge, SGD");
		assertEquals(
			"7296dc171629b95dd3f33c226d4e82c84b937e83a6da013b10181935791eb792",
			sha256(StepGraph.discriminatorStep(patch, IMAGE, null,
				AdversarialKind.LSGAN, OptimizerConfig.adam(1e-3)).model()),
			"PatchGAN, least squares, Adam");
	}

	@Test
	void generatorStepsAreUnchanged() throws Exception {
		ModelProto model = OnnxModels.conv3x3(1, 1, 3, 2).build();
		Random r = new Random(1);
		float[] x = new float[(int) Tensor.elementCount(IMAGE)], t =
			new float[x.length];
		for (int i = 0; i < x.length; i++) {
			x[i] = r.nextFloat();
			t[i] = r.nextFloat();
		}
		Map<String, Tensor> data = Map.of("x", Tensor.of(x, IMAGE), Trainer.TARGET,
			Tensor.of(t, IMAGE));
		List<Parameter> params = Parameters.trainable(model, List.of());
		Discriminator patch = Discriminator.patchGan(1, 4, 2, 5);
		assertEquals(
			"9ef253d085d30177937d5a3fbc445c13467b6c68a0add4c6418b91b9bce28c65",
			sha256(StepGraph.generatorStep(model, "y", params, data, Trainer.TARGET,
				LossKind.L1, 0.1f, AdversarialKind.NONSATURATING, patch, null,
				OptimizerConfig.adam(1e-3)).model()), "image-to-image with a PatchGAN");

		ModelProto generator = OnnxModels.generator(4, 3, 16, 16).build();
		Random z = new Random(2);
		float[] latent = new float[2 * 4];
		for (int i = 0; i < latent.length; i++)
			latent[i] = (float) z.nextGaussian();
		Map<String, Tensor> gdata = Map.of("z", Tensor.of(latent, 2, 4), "label",
			Tensor.ofLongs(new long[] { 0, 2 }, 2), Trainer.TARGET, Tensor.of(t,
				IMAGE));
		Discriminator conditional = Discriminator.dcgan(1, 4, 2, 3, 5);
		assertEquals(
			"84a0c5069cbc354a28863db32d5de21d718a5173c7b94f0b89211d19725fe5d5",
			sha256(StepGraph.generatorStep(generator, "image", Parameters.trainable(
				generator, List.of()), gdata, Trainer.TARGET, null, 1f,
				AdversarialKind.HINGE, conditional, "label", OptimizerConfig.adam(1e-3))
				.model()), "conditional generator with a DCGAN");
	}

	static String sha256(ModelProto m) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
			m.toByteArray()));
	}
}
