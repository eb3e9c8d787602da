
package org.fijigan.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.train.autodiff.Tensors;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.BatchSource;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;

/**
 * A generator whose output is channels-last ({@code [N, H, W, C]}, as a Keras
 * or TensorFlow export gives it) is trained against a discriminator that takes
 * its images transposed to its own {@code [N, C, H, W]}: the same generator
 * with the same weights giving {@code [N, C, H, W]}, on the same real images in
 * that layout, trains to the same weights, with the same generator and
 * discriminator losses at every step, through every part of the discriminator
 * the layout touches (the augmentation of both batches, R1 on the real one,
 * minibatch std, spectral norm, the class projection, an extra discriminator
 * step on a freshly generated batch).
 */
class ChannelsLastDiscriminatorTest {

	private static final int N = 4, SIDE = 16, LATENT = 8, CLASSES = 2;

	/**
	 * {@link OnnxModels#generator(int, int, int, int)}, its output transposed to
	 * {@code [N, 16, 16, 1]} when {@code channelsLast}.
	 */
	static ModelProto generator(boolean channelsLast) {
		ModelProto m = OnnxModels.generator(LATENT, CLASSES, SIDE, SIDE).build();
		if (!channelsLast) return m;
		ModelProto.Builder b = m.toBuilder();
		var g = b.getGraphBuilder();
		for (NodeProto.Builder n : g.getNodeBuilderList())
			for (int i = 0; i < n.getOutputCount(); i++)
				if (n.getOutput(i).equals("image")) n.setOutput(i, "image_nchw");
		g.addNode(NodeProto.newBuilder().setOpType("Transpose").setName("to_nhwc")
			.addInput("image_nchw").addOutput("image").addAttribute(OnnxModels
				.attrInts("perm", 0, 2, 3, 1)));
		TensorShapeProto.Builder shape = g.getOutputBuilder(0).getTypeBuilder()
			.getTensorTypeBuilder().getShapeBuilder();
		shape.clearDim().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(
			"N"));
		for (long d : new long[] { SIDE, SIDE, 1 })
			shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
		return b.build();
	}

	/** Seeded latents, labels and real images, in either layout. */
	record Reals(boolean channelsLast) implements BatchSource {

		@Override
		public Batch batch(long step) {
			Random r = new Random(7 + step);
			float[] z = new float[N * LATENT], real = new float[N * SIDE * SIDE];
			long[] labels = new long[N];
			for (int i = 0; i < z.length; i++)
				z[i] = (float) r.nextGaussian();
			for (int i = 0; i < N; i++)
				labels[i] = r.nextInt(CLASSES);
			// smooth blobs in [-1, 1], one bright corner per class
			for (int n = 0; n < N; n++)
				for (int y = 0; y < SIDE; y++)
					for (int x = 0; x < SIDE; x++)
						real[(n * SIDE + y) * SIDE + x] = (float) Math.tanh((labels[n] == 0
							? x + y : x - y) / 8.0 + 0.3 * r.nextGaussian());
			// one channel: [N, 1, H, W] and [N, H, W, 1] hold the same values
			long[] shape = channelsLast ? new long[] { N, SIDE, SIDE, 1 }
				: new long[] { N, 1, SIDE, SIDE };
			return new Batch(Map.of("z", Tensor.of(z, N, LATENT), "label", Tensor
				.ofLongs(labels, N)), Tensor.of(real, shape));
		}

		@Override
		public List<Batch> validation() {
			return List.of();
		}

		@Override
		public String describe() {
			return "blobs";
		}
	}

	static Trainer.Result train(boolean channelsLast) {
		Stabilisers s = new Stabilisers(Discriminator.Architecture.DCGAN, 4, true,
			true, DiffAugment.parse("color,translation,cutout"), 0, null, 2, true);
		FineTuneConfig c = new FineTuneConfig(3, OptimizerConfig.adam(0.01), null,
			1f, AdversarialKind.NONSATURATING, 5, DeviceSpec.CPU, 1, null, 100, false,
			List.of(), 0, 0, new GradientPenalties(0, 2, 1), s);
		TrainingTarget what = new TrainingTarget("image", null, "label", CLASSES,
			true, 2, "sha", channelsLast ? TensorLayout.BYXC : TensorLayout.BCYX);
		return Trainer.train(generator(channelsLast), what, new Reals(channelsLast),
			c, ProgressListener.NONE, CancellationToken.none());
	}

	@Test
	void aChannelsLastGeneratorTrainsAsItsChannelsFirstTwin() {
		Trainer.Result first = train(false), last = train(true);
		assertEquals(3, last.history().size());
		for (int i = 0; i < 3; i++) {
			float[] a = first.history().get(i), b = last.history().get(i);
			// step, loss, content loss, discriminator loss
			for (int k = 0; k < 4; k++)
				assertEquals(a[k], b[k], 1e-5 * Math.max(1, Math.abs(a[k])), "step " +
					(i + 1) + ", column " + Trainer.HISTORY_COLUMNS[k]);
		}
		for (String w : List.of("W", "B", "E")) {
			float[] before = weight(generator(false), w), a = weight(first.model(),
				w), b = weight(last.model(), w);
			assertFalse(Arrays.equals(before, b), w + " was not trained");
			assertArrayEquals(a, b, 1e-5f, w);
		}
	}

	@Test
	void theDiscriminatorSeesTheChannelsOfAChannelsLastOutput() {
		// [N, H, W, C] = [2, 16, 12, 3]: three channels, 12 pixels on its shorter
		// side
		assertArrayEquals(new long[] { 2, 3, 16, 12 }, Discriminator.ownShape(
			new long[] { 2, 16, 12, 3 }, TensorLayout.BYXC));
		assertArrayEquals(new long[] { 1, 1, 16, 12 }, Discriminator.ownShape(
			new long[] { 16, 12 }, new TensorLayout("yx")));
		Discriminator d = Trainer.discriminator(new TrainingTarget("image", null,
			null, 0, true, 2, "sha", TensorLayout.BYXC), Stabilisers.DEFAULTS,
			new long[] { 2, 16, 12, 3 }, 1);
		assertEquals(3, d.channels());
		assertEquals(3 * 32 * 16, d.parameters().get(0).values().length,
			"the first convolution's weights [32, 3, 4, 4]");
	}

	private static float[] weight(ModelProto m, String name) {
		for (TensorProto t : m.getGraph().getInitializerList())
			if (t.getName().equals(name)) return Tensors.floats(t);
		throw new AssertionError(name);
	}
}
