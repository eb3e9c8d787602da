
package org.fijigan.core.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.eval.Metrics;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.train.data.Batch;
import org.fijigan.core.train.data.ModelBatches;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Validation: forward pass and pixel loss with the current weights as plain
 * inputs, plus PSNR and SSIM of the output against the target (in the output's
 * value range), except where the loss is masked (Noise2Void: the target is
 * noisy). Each is a mean over the held-out images, whatever the batches they
 * come in; SSIM leaves out images under {@value #SSIM_SIDE} pixels on a side
 * ({@link #ssimNote()} says how many; where it leaves out all, SSIM is blank).
 * Output and target are in the output's layout ({@code byxc} for a
 * channels-last model), read here as {@code [N, C, H, W]}. One graph per batch
 * shape, each on its own {@link StepRunner}; {@link #close()} closes them. Used
 * by {@link Trainer} on its thread.
 */
final class Validator implements AutoCloseable {

	private final ModelProto model;
	private final String output;
	private final String subtractFrom;
	private final List<Parameter> params;
	private final FineTuneConfig c;
	private final double range;
	private final TensorLayout layout;
	private int ssimLeftOut, ssimOf;
	private final Map<String, StepRunner> runners = new HashMap<>();

	Validator(ModelProto model, String output, String subtractFrom,
		List<Parameter> params, FineTuneConfig c, double range, TensorLayout layout)
	{
		this.model = model;
		this.output = output;
		this.subtractFrom = subtractFrom;
		this.params = params;
		this.c = c;
		this.range = range;
		this.layout = layout;
	}

	/** The smallest side SSIM's 11-pixel window is computed on. */
	static final int SSIM_SIDE = 11;

	/**
	 * Mean loss, PSNR and SSIM over the images of the batches (each batch's loss,
	 * a mean over its images, weighs as many images as it holds).
	 */
	float[] run(Map<String, float[]> tensors, List<Batch> batches,
		CancellationToken cancel)
	{
		double loss = 0, psnr = 0, ssim = 0;
		int all = 0, images = 0, ssimImages = 0, small = 0;
		for (Batch b : batches) {
			Map<String, Tensor> out = forward(tensors, b, cancel);
			long[] s = Discriminator.ownShape(b.target().shape(), layout);
			int n = (int) s[0], ch = (int) s[1], h = (int) s[2], w = (int) s[3],
					size = ch * h * w;
			loss += (double) out.get(StepGraph.LOSS).floats()[0] * n;
			all += n;
			if (b.lossMask() != null) continue; // the target is noisy: PSNR against
																					// it says nothing
			float[] t = ModelBatches.toNchw(b.target(), layout), y = ModelBatches
				.toNchw(out.get(StepGraph.OUTPUT), layout);
			for (int i = 0; i < n; i++) {
				float[] a = Arrays.copyOfRange(t, i * size, (i + 1) * size);
				float[] o = Arrays.copyOfRange(y, i * size, (i + 1) * size);
				psnr += Metrics.psnr(a, o, range);
				images++;
				if (h >= SSIM_SIDE && w >= SSIM_SIDE) {
					ssim += Metrics.ssim(a, o, ch, h, w, range);
					ssimImages++;
				}
				else small++;
			}
		}
		ssimLeftOut = small;
		ssimOf = images;
		return new float[] { all == 0 ? Float.NaN : (float) (loss / all),
			images == 0 ? Float.NaN : (float) (psnr / images), ssimImages == 0
				? Float.NaN : (float) (ssim / ssimImages) };
	}

	/**
	 * Says how many held-out images the last {@link #run}'s SSIM left out as
	 * smaller than its window, or null where it left out none, or all (SSIM is
	 * then blank: not computed).
	 */
	String ssimNote() {
		if (ssimLeftOut == 0 || ssimLeftOut == ssimOf) return null;
		return "validation SSIM leaves out " + ssimLeftOut + " of the " + ssimOf +
			" held-out images, under " + SSIM_SIDE +
			" pixels on a side (SSIM's window)";
	}

	/** The loss on batch {@code b} with the weights in {@code tensors}. */
	float loss(Map<String, float[]> tensors, Batch b, CancellationToken cancel) {
		return forward(tensors, b, cancel).get(StepGraph.LOSS).floats()[0];
	}

	/**
	 * The model's output on batch {@code b} with the weights in {@code tensors}.
	 */
	Tensor generate(Map<String, float[]> tensors, Batch b,
		CancellationToken cancel)
	{
		return forward(tensors, b, cancel).get(StepGraph.OUTPUT);
	}

	/**
	 * Runs the forward-and-loss graph for the batch's shapes (built on first
	 * use).
	 */
	private Map<String, Tensor> forward(Map<String, float[]> tensors, Batch b,
		CancellationToken cancel)
	{
		Map<String, Tensor> in = Trainer.feeds(b);
		String key = Arrays.toString(b.target().shape()) + in.keySet();
		for (Map.Entry<String, Tensor> e : b.inputs().entrySet())
			key += Arrays.toString(e.getValue().shape());
		StepRunner r = runners.get(key);
		if (r == null) {
			StepGraph.Built eval = StepGraph.evaluation(model, output, subtractFrom,
				params, in, Trainer.TARGET, c.loss() == null ? LossKind.L1 : c.loss()); // a
																																								// generator
																																								// has
																																								// none:
																																								// any
																																								// loss
																																								// shows
																																								// its
																																								// output
																																								// finite
			r = new StepRunner(eval, List.of(), Map.of(), c.device(), c.threads());
			runners.put(key, r);
		}
		for (Parameter p : params)
			in.put(p.name(), Tensor.of(tensors.get(p.name()), p.shape()));
		return r.step(in, Map.of(), cancel);
	}

	@Override
	public void close() {
		runners.values().forEach(StepRunner::close);
	}
}
