
package org.fijigan.core.train.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.TensorLayout;

/**
 * {@link TrainingData} as the training loop consumes it: each batch as tensors
 * named after the model's inputs (image, separate mask input, latent, class
 * label) in the model's own layouts, and the target in the output's layout.
 * Immutable and thread-safe.
 */
public final class ModelBatches implements BatchSource {

	private final ModelDescriptor model;
	private final TrainingData data;
	private final int batchSize;

	/**
	 * @throws GanException when the model takes fewer images per run than
	 *           {@code batchSize}
	 */
	public ModelBatches(ModelDescriptor model, TrainingData data, int batchSize) {
		if (batchSize < 1) throw new GanException(
			"the batch size must be at least 1");
		if (model.uint8Image()) throw new GanException("model '" + model.name() +
			"' takes its image input '" + model.image().name() + "' as uint8, and " +
			"fine-tuning feeds float32 images (a gradient needs values between " +
			"the levels): fine-tune a float32 export of the model, then run either");
		long fixed = model.kind() instanceof ModelKind.Generator g ? g.spec()
			.latentShape()[0] : model.image().exactBatch();
		if (fixed > 1) throw new GanException("model '" + model.name() +
			"' takes exactly " + fixed + " images per run (its batch axis is fixed " +
			"at " + fixed + "), and fine-tuning runs it on other batch sizes too: " +
			"export it again with a dynamic batch axis (in PyTorch, " +
			"torch.onnx.export(..., dynamic_axes={INPUT: {0: 'batch'}}))");
		int max = model.kind() instanceof ModelKind.Generator ? Integer.MAX_VALUE
			: model.image().maxBatch();
		if (batchSize > max) throw new GanException("model '" + model.name() +
			"' takes at most " + max + " image" + (max == 1 ? "" : "s") +
			" per run: use --batch " + max);
		this.model = model;
		this.data = data;
		this.batchSize = batchSize;
	}

	@Override
	public Batch batch(long step) {
		return toBatch(data.batch(step, batchSize));
	}

	/** The validation samples in batches of at most the training batch size. */
	@Override
	public List<Batch> validation() {
		List<TrainingSample> samples = data.validationSamples();
		List<Batch> batches = new ArrayList<>();
		long[] latentShape = model.kind() instanceof ModelKind.Generator k ? k
			.spec().latentShape() : null;
		for (int from = 0; from < samples.size(); from += batchSize)
			batches.add(toBatch(TrainingBatch.of(samples.subList(from, Math.min(
				samples.size(), from + batchSize)), latentShape)));
		return List.copyOf(batches);
	}

	@Override
	public String describe() {
		return data.describe();
	}

	public TrainingData data() {
		return data;
	}

	public int batchSize() {
		return batchSize;
	}

	/** The batch's arrays as tensors named after the model's inputs. */
	public Batch toBatch(TrainingBatch b) {
		Map<String, Tensor> inputs = new LinkedHashMap<>();
		if (model.kind() instanceof ModelKind.Generator k) {
			GeneratorSpec g = k.spec();
			inputs.put(g.latentInput(), Tensor.of(b.input(), b.inputShape()));
			if (g.isConditional()) {
				if (b.labels() == null) throw new GanException(
					"the generator takes a class label but " +
						"the training images have none");
				inputs.put(g.classInput(), g.classFeed(b.labels(), 0, b.size(), b
					.size()));
			}
		}
		else {
			TensorLayout layout = model.image().layout();
			inputs.put(model.image().name(), inLayout(b.input(), b.inputShape(),
				layout));
			if (b.mask() != null && model.kind() instanceof ModelKind.Inpainting k &&
				!k.mask().isExtraChannel()) inputs.put(k.mask().inputName(), inLayout(b
					.mask(), b.maskShape(), k.mask().layout() != null ? k.mask().layout()
						: layout)); // the mask input's own layout and rank
		}
		return new Batch(inputs, inLayout(b.target(), b.targetShape(),
			targetLayout()), b.lossMask() == null ? null : inLayout(b.lossMask(), b
				.targetShape(), targetLayout()));
	}

	/**
	 * The layout of the batches' targets (and loss masks): the model output's.
	 */
	public TensorLayout targetLayout() {
		return model.outputLayout();
	}

	/**
	 * NCHW values as a tensor of {@code layout} (axes reordered; absent axes must
	 * have size 1).
	 */
	static Tensor inLayout(float[] nchw, long[] shape, TensorLayout layout) {
		int n = (int) shape[0], c = (int) shape[1], h = (int) shape[2], w =
			(int) shape[3];
		if (layout.batchAxis() < 0 && n != 1) throw new GanException(
			"the model has no batch axis " + "(layout " + layout +
				"): use --batch 1");
		if (layout.channelAxis() < 0 && c != 1) throw new GanException(
			"the model has no channel " + "axis (layout " + layout +
				") but the data has " + c + " channels");
		long[] out = layout.shape(n, c, h, w);
		if (layout.axes().equals("bcyx") || layout.axes().equals("cyx") && n == 1 ||
			layout.axes().equals("yx") && n == 1 && c == 1 || layout.axes().equals(
				"byx") && c == 1) return Tensor.of(nchw, out);
		int[] at = offsets(layout, out, n, c, h, w);
		float[] v = new float[nchw.length];
		for (int i = 0; i < at.length; i++)
			v[at[i]] = nchw[i];
		return Tensor.of(v, out);
	}

	/**
	 * Where each value of an {@code n x c x h x w} array in NCHW order lies in a
	 * row-major tensor of {@code shape} in {@code layout}.
	 */
	private static int[] offsets(TensorLayout layout, long[] shape, int n, int c,
		int h, int w)
	{
		long[] strides = new long[shape.length];
		long s = 1;
		for (int i = shape.length - 1; i >= 0; i--) {
			strides[i] = s;
			s *= shape[i];
		}
		int sb = stride(layout, strides, 'b'), sc = stride(layout, strides, 'c');
		int sy = stride(layout, strides, 'y'), sx = stride(layout, strides, 'x');
		int[] at = new int[n * c * h * w];
		int i = 0;
		for (int bi = 0; bi < n; bi++)
			for (int ci = 0; ci < c; ci++)
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++)
						at[i++] = bi * sb + ci * sc + y * sy + x * sx;
		return at;
	}

	/**
	 * The values of {@code t}, a tensor of {@code layout}, in NCHW order (the
	 * inverse of {@link #inLayout}; an absent axis counts as size 1).
	 */
	public static float[] toNchw(Tensor t, TensorLayout layout) {
		long[] shape = t.shape();
		if (shape.length != layout.rank()) throw new IllegalArgumentException(
			"a shape of rank " + shape.length + " in layout " + layout);
		float[] v = t.floats();
		if ("bcyx".replaceAll("[^" + layout.axes() + "]", "").equals(layout.axes()))
			return v;
		int[] at = offsets(layout, shape, size(layout, shape, 'b'), size(layout,
			shape, 'c'), size(layout, shape, 'y'), size(layout, shape, 'x'));
		float[] nchw = new float[v.length];
		for (int i = 0; i < at.length; i++)
			nchw[i] = v[at[i]];
		return nchw;
	}

	private static int size(TensorLayout layout, long[] shape, char axis) {
		int a = layout.axes().indexOf(axis);
		return a < 0 ? 1 : (int) shape[a];
	}

	private static int stride(TensorLayout layout, long[] strides, char axis) {
		int a = layout.axes().indexOf(axis);
		return a < 0 ? 0 : (int) strides[a];
	}
}
