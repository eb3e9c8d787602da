
package org.fijigan.core.model;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;

/**
 * The last way {@link DescriptorInference} finds a model's scale: run it once
 * on the CPU on a small zero image (other inputs zero too, their dynamic axes 1
 * or the image's height and width) and compare the output's width with the
 * input's. The probe is bounded by {@link #MAX_PROBE_ELEMENTS} in size and by
 * {@link #maxProbeMillis} in time.
 */
final class ScaleProbe {

	/** Most float elements the probe run may feed the model: 64 MiB. */
	static final long MAX_PROBE_ELEMENTS = 1 << 24;
	/**
	 * Longest the probe run may take, in milliseconds, so that a model that loops
	 * (a {@code Loop} with a huge trip count) cannot hang loading: generous,
	 * since the probe image grows with the model's reach (up to 4096 pixels a
	 * side) and a large model on a slow machine takes seconds. Variable for
	 * tests.
	 */
	static volatile long maxProbeMillis = 60_000;

	private ScaleProbe() {}

	/**
	 * Runs the model once on a small zero image and compares sizes.
	 *
	 * @param outLayout the layout of the model's output, which need not be the
	 *          input's
	 */
	static double scale(Path onnx, OnnxGraphInfo g, ImageInput in,
		TensorLayout outLayout)
	{
		String stateIt = "; state the model's scale with --scale";
		int wanted = (int) Math.min(4096, Math.max(32, 2L * g.receptiveField()
			.haloPixels() + 8));
		// a fixed size below the wanted one is the only size there is
		int w = Math.max(in.x().validSizeAtLeast(wanted), in.x().validSizeAtMost(
			wanted));
		int h = Math.max(in.y().validSizeAtLeast(wanted), in.y().validSizeAtMost(
			wanted));
		if (w <= 0 || h <= 0) throw new GanException(
			"could not find the model's scale: no valid probe size" + stateIt);
		int c = Math.max(1, in.channels());
		long[] shape = in.layout().shape(Math.max(1, in.exactBatch()), c, h, w);
		Map<String, long[]> shapes = new HashMap<>();
		shapes.put(in.name(), shape);
		for (ValueInfo v : g.inputs())
			if (!v.name().equals(in.name())) {
				long[] s = v.dims().clone();
				for (int i = 0; i < s.length; i++)
					if (s[i] < 0) s[i] = i == in.layout().yAxis() ? h : i == in.layout()
						.xAxis() ? w : 1;
				shapes.put(v.name(), s);
			}
		long total = 0;
		for (long[] s : shapes.values()) {
			long n = 1;
			for (long d : s)
				n = d <= 0 ? 0 : n > MAX_PROBE_ELEMENTS / d ? MAX_PROBE_ELEMENTS + 1
					: n * d;
			total += n;
		}
		if (total > MAX_PROBE_ELEMENTS) throw new GanException(
			"could not find the model's scale: a probe run " +
				"would need more than " + MAX_PROBE_ELEMENTS + " input values" +
				stateIt);
		Map<String, Tensor> feeds = new HashMap<>();
		shapes.forEach((name, s) -> feeds.put(name, Tensor.of(new float[(int) Tensor
			.elementCount(s)], s)));
		String outName = g.outputs().get(0).name();
		CancellationToken late = new CancellationToken();
		long limit = maxProbeMillis;
		try (ModelSession s = ModelSession.open(onnx, DeviceSpec.CPU, 0)) {
			CompletableFuture.delayedExecutor(limit, TimeUnit.MILLISECONDS).execute(
				late::cancel);
			Tensor t = s.run(feeds, List.of(outName), late).get(outName);
			TensorLayout ol = t.shape().length == outLayout.rank() ? outLayout
				: DescriptorInference.guessLayout(g.outputs().get(0));
			return (double) t.shape()[ol.xAxis()] / w;
		}
		catch (CancellationToken.CancelledException e) {
			throw new GanException("could not find the model's scale: a probe run " +
				"on a " + w + "x" + h + " zero image did not end within " + limit /
					1000.0 + " s (does the model loop?)" + stateIt, e);
		}
		catch (ModelSession.LoadFailure e) {
			throw e; // no scale would help
		}
		catch (GanException e) {
			throw new GanException(
				"could not find the model's scale by a probe run (" + e.getMessage() +
					"); state it with --scale", e);
		}
		finally {
			late.cancel(); // nothing left to stop
		}
	}
}
