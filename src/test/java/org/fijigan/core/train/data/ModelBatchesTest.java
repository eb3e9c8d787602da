
package org.fijigan.core.train.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.TensorLayout;
import org.junit.jupiter.api.Test;

class ModelBatchesTest {

	@Test
	void nchwIsReorderedIntoTheModelsLayout() {
		// N=1, C=2, H=1, W=3: channel 0 = 1,2,3, channel 1 = 4,5,6
		float[] nchw = { 1, 2, 3, 4, 5, 6 };
		long[] shape = { 1, 2, 1, 3 };
		Tensor byxc = ModelBatches.inLayout(nchw, shape, TensorLayout.BYXC);
		assertArrayEquals(new long[] { 1, 1, 3, 2 }, byxc.shape());
		assertArrayEquals(new float[] { 1, 4, 2, 5, 3, 6 }, byxc.floats());
		Tensor bcyx = ModelBatches.inLayout(nchw, shape, TensorLayout.BCYX);
		assertSame(nchw, bcyx.floats());
		Tensor cyx = ModelBatches.inLayout(nchw, shape, new TensorLayout("cyx"));
		assertArrayEquals(new long[] { 2, 1, 3 }, cyx.shape());
		assertThrows(GanException.class, () -> ModelBatches.inLayout(new float[12],
			new long[] { 2, 2, 1, 3 }, new TensorLayout("cyx")));
	}

	@Test
	void batchesAreNamedAfterTheModelsInputs() {
		TrainingData data = TrainingData.create(TestModels.inpaintModel(1,
			new MaskSpec("mask", 1, 0, true)), TrainingDataTest.source(List.of(
				TestModels.constant("a", 16, 16, 1), TestModels.constant("b", 16, 16,
					2))), new DataOptions(8, Augmentation.FLIPS, new Normalization.None(),
						0.5, 1, null));
		ModelBatches batches = new ModelBatches(TestModels.inpaintModel(1,
			new MaskSpec("mask", 1, 0, true)), data, 3);
		Batch b = batches.batch(4);
		assertEquals(java.util.Set.of("input", "mask"), b.inputs().keySet());
		assertArrayEquals(new long[] { 3, 1, 8, 8 }, b.inputs().get("mask")
			.shape());
		assertArrayEquals(new long[] { 3, 1, 8, 8 }, b.target().shape());
		assertArrayEquals(batches.batch(4).target().floats(), b.target().floats());
		assertEquals(1, batches.validation().size());
		assertArrayEquals(new long[] { 1, 1, 8, 8 }, batches.validation().get(0)
			.target().shape());
	}

	@Test
	void generatorBatchesCarryLatentsAndLabels() {
		TrainingData data = TrainingData.create(TestModels.generator(5, 2, 1),
			TrainingDataTest.source(List.of(TestModels.constant("0/a", 4, 4, 0),
				TestModels.constant("1/b", 4, 4, 1))), new DataOptions(0,
					Augmentation.NONE, new Normalization.None(), 0, 1, null));
		assertEquals(List.of("0", "1"), data.classNames());
		Batch b = new ModelBatches(TestModels.generator(5, 2, 1), data, 6).batch(0);
		assertArrayEquals(new long[] { 6, 5 }, b.inputs().get("z").shape());
		Tensor labels = b.inputs().get("label");
		assertFalse(labels.isFloat());
		for (int i = 0; i < 6; i++)
			assertEquals(labels.longs()[i], (long) b.target().floats()[i * 16]);
	}

	@Test
	void aBatchLargerThanTheModelTakesIsRefused() {
		GanException e = assertThrows(GanException.class, () -> batchesOf(1, 4));
		assertEquals(
			"model 'test-denoise' takes at most 1 image per run: use --batch 1", e
				.getMessage());
	}

	/**
	 * A model whose batch axis is fixed above 1 cannot run the validation's and
	 * the shape probe's other batch sizes: refused before any graph is built.
	 */
	@Test
	void aModelWithAFixedBatchAboveOneIsRefused() {
		var m = TestModels.imageModel(TaskKind.DENOISE, 1, 1);
		var fixed = m.toBuilder().kind(
			new org.fijigan.core.model.ModelKind.ImageToImage(
				new org.fijigan.core.model.ImageInput("input", TensorLayout.BCYX, 1, m
					.image().x(), m.image().y(), 4))).outputChannels(1).build();
		TrainingData data = TrainingData.create(fixed, TrainingDataTest.source(List
			.of(TestModels.constant("a", 8, 8, 0))), DataOptions.defaults(1)
				.withValidationFraction(0).withPatchSize(8));
		GanException e = assertThrows(GanException.class, () -> new ModelBatches(
			fixed, data, 4));
		assertTrue(e.getMessage().startsWith("model 'test-denoise' takes exactly " +
			"4 images per run (its batch axis is fixed at 4), and fine-tuning runs " +
			"it on other batch sizes too: export it again with a dynamic batch axis"),
			e.getMessage());
	}

	/**
	 * Batches of {@code batch} from a denoiser whose batch axis is fixed at
	 * {@code fixedBatch}.
	 */
	private static ModelBatches batchesOf(int fixedBatch, int batch) {
		var m = TestModels.imageModel(TaskKind.DENOISE, 1, 1);
		var fixed = m.toBuilder().kind(
			new org.fijigan.core.model.ModelKind.ImageToImage(
				new org.fijigan.core.model.ImageInput("input", TensorLayout.BCYX, 1, m
					.image().x(), m.image().y(), fixedBatch))).outputChannels(1).build();
		TrainingData data = TrainingData.create(fixed, TrainingDataTest.source(List
			.of(TestModels.constant("a", 8, 8, 0))), DataOptions.defaults(1)
				.withValidationFraction(0).withPatchSize(8));
		return new ModelBatches(fixed, data, batch);
	}
}
