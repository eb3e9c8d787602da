
package org.fijigan.core.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.engine.Tensor;
import org.fijigan.testing.OnnxModels;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Checks gradient rules against central finite differences. The graph under
 * test has float inputs (fed with seeded random values) and one output
 * {@code y}; the loss is {@code sum(y * R)} with a seeded random {@code R}, so
 * every element of the upstream gradient differs. The analytic gradient of each
 * input named in {@code wrt} comes from {@link GradientBuilder}, run by ONNX
 * Runtime; the numeric one perturbs up to {@code maxElements} elements of each
 * input by +-eps and evaluates the loss twice (in float32, accumulated in
 * double).
 * <p>
 * {@link #secondOrder} checks the gradient of a gradient: the graph under test
 * becomes the backward pass of the original one,
 * {@code y' = d sum(y * R1) / d x} with another seeded random {@code R1},
 * emitted by {@link GradientBuilder}; the check then differentiates that graph
 * again and compares with finite differences of {@code y'}. This is how the
 * rules for the operators a backward pass emits are tested for second
 * derivatives (gradient penalties).
 */
public final class GradientCheck {

	private final ModelProto forward;
	private String firstOrderWrt;
	private final Map<String, Tensor> feeds = new LinkedHashMap<>();
	private final long opset;
	private double eps = 1e-2;
	private double atol = 2e-3;
	private double rtol = 2e-2;
	private int maxElements = 24;
	private int maxNearKinks = -1;

	private GradientCheck(ModelProto forward, long opset) {
		this.forward = forward;
		this.opset = opset;
	}

	/**
	 * A check of the graph {@code b} builds (its output must be named {@code y}).
	 */
	public static GradientCheck of(OnnxModels.Builder b) {
		ModelProto m = b.build();
		long opset = m.getOpsetImportList().stream().filter(o -> o.getDomain()
			.isEmpty()).mapToLong(o -> o.getVersion()).findFirst().orElse(17);
		return new GradientCheck(m, opset);
	}

	/** A check of any model whose output is named {@code y}. */
	public static GradientCheck of(ModelProto m) {
		long opset = m.getOpsetImportList().stream().filter(o -> o.getDomain()
			.isEmpty()).mapToLong(o -> o.getVersion()).findFirst().orElse(17);
		return new GradientCheck(m, opset);
	}

	/**
	 * A check of the second derivatives of the graph {@code b} builds: the graph
	 * checked is the gradient of {@code sum(y * R1)} with respect to input
	 * {@code x}, differentiated again.
	 */
	public static GradientCheck secondOrder(OnnxModels.Builder b, String x) {
		GradientCheck c = of(b);
		c.firstOrderWrt = x;
		return c;
	}

	/**
	 * As {@link #secondOrder(OnnxModels.Builder, String)} for any model with
	 * output {@code y}.
	 */
	public static GradientCheck secondOrder(ModelProto m, String x) {
		GradientCheck c = of(m);
		c.firstOrderWrt = x;
		return c;
	}

	/**
	 * Feeds input {@code name} with seeded uniform values in [-1, 1) (or [lo,
	 * hi)).
	 */
	public GradientCheck input(String name, long seed, long... shape) {
		return input(name, seed, -1, 1, shape);
	}

	public GradientCheck input(String name, long seed, float lo, float hi,
		long... shape)
	{
		Random r = new Random(seed);
		float[] v = new float[(int) Tensor.elementCount(shape)];
		for (int i = 0; i < v.length; i++)
			v[i] = lo + (hi - lo) * r.nextFloat();
		feeds.put(name, Tensor.of(v, shape));
		return this;
	}

	/**
	 * Feeds input {@code name} with seeded uniform values in [lo, hi) that keep
	 * 0.05 (five times the default step) away from each of {@code kinks}, so that
	 * +-eps never crosses a kink.
	 */
	public GradientCheck inputAvoiding(String name, long seed, float lo, float hi,
		float[] kinks, long... shape)
	{
		Random r = new Random(seed);
		float[] v = new float[(int) Tensor.elementCount(shape)];
		for (int i = 0; i < v.length; i++) {
			boolean near;
			do {
				v[i] = lo + (hi - lo) * r.nextFloat();
				near = false;
				for (float k : kinks)
					near |= Math.abs(v[i] - k) < 0.05f;
			}
			while (near);
		}
		feeds.put(name, Tensor.of(v, shape));
		return this;
	}

	/** Feeds input {@code name} with the given values. */
	public GradientCheck input(String name, float[] values, long... shape) {
		feeds.put(name, Tensor.of(values, shape));
		return this;
	}

	/** Feeds an int64 input. */
	public GradientCheck longInput(String name, long[] values, long... shape) {
		feeds.put(name, Tensor.ofLongs(values, shape));
		return this;
	}

	public GradientCheck tolerance(double absolute, double relative) {
		this.atol = absolute;
		this.rtol = relative;
		return this;
	}

	public GradientCheck step(double epsilon) {
		this.eps = epsilon;
		return this;
	}

	public GradientCheck elements(int max) {
		this.maxElements = max;
		return this;
	}

	/**
	 * For graphs with kinks (Relu, LeakyRelu) inside, where no input can be kept
	 * away from them: each element's central difference is also taken with half
	 * the step, and an element whose two differences disagree (a kink lies within
	 * the step, so the loss is not differentiable there) is left out. At most
	 * {@code max} elements of each input may be left out. A wrong gradient is
	 * still found: on smooth elements both differences agree with each other, not
	 * with it.
	 */
	public GradientCheck skippingKinks(int max) {
		this.maxNearKinks = max;
		return this;
	}

	/**
	 * The analytic gradients of the named inputs (for {@code sum(y * R)}, R as
	 * {@link #lossWeights} gives it), for checks against a closed form: where
	 * finite differences cannot tell (ties of a maximum), or to a tolerance that
	 * float32 differences cannot reach.
	 */
	public Map<String, float[]> gradients(String... wrt) throws Exception {
		Graphs graphs = graphs(wrt);
		Map<String, float[]> analytic = new LinkedHashMap<>();
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			o.setIntraOpNumThreads(1);
			try (OrtSession gs = env.createSession(graphs.gradModel().toByteArray(),
				o))
			{
				Map<String, OnnxTensor> in = tensors(env, feeds);
				try (OrtSession.Result res = gs.run(in)) {
					for (String w : wrt) {
						FloatBuffer fb = ((OnnxTensor) res.get(graphs.grads().get(w))
							.orElseThrow()).getFloatBuffer();
						float[] a = new float[fb.remaining()];
						fb.get(a);
						analytic.put(w, a);
					}
				}
				finally {
					in.values().forEach(OnnxTensor::close);
				}
			}
		}
		return analytic;
	}

	/**
	 * The weights R of the loss {@code sum(y * R)} of a first-order check, for an
	 * output {@code y} of the given shape.
	 */
	public static float[] lossWeights(long... shape) {
		return weights(99, shape);
	}

	/**
	 * The model of the loss, and that of the loss with the gradients of
	 * {@code wrt} (named in {@code grads}) as further outputs.
	 */
	private record Graphs(ModelProto lossModel, ModelProto gradModel,
			Map<String, String> grads) {
	}

	private Graphs graphs(String... wrt) {
		ModelProto forward = this.forward;
		String y = "y";
		if (firstOrderWrt != null) {
			ShapeProbe.Result probe = ShapeProbe.probe(forward, feeds);
			GraphProto.Builder g = forward.getGraph().toBuilder();
			GraphEmitter e = new GraphEmitter(g, new HashMap<>(probe.shapes()),
				opset);
			probe.recordIn(e);
			String loss = weightedSum(e, y, 98);
			y = GradientBuilder.differentiate(e, loss, List.of(firstOrderWrt)).get(
				firstOrderWrt);
			g.clearOutput().addOutput(ValueInfoProto.newBuilder().setName(y));
			forward = forward.toBuilder().setGraph(g).build();
		}
		ShapeProbe.Result probe = ShapeProbe.probe(forward, feeds);
		GraphProto.Builder g = forward.getGraph().toBuilder();
		Map<String, long[]> shapes = new HashMap<>(probe.shapes());
		GraphEmitter e = new GraphEmitter(g, shapes, opset);
		probe.recordIn(e);
		String loss = weightedSum(e, y, 99);
		g.clearOutput();
		g.addOutput(ValueInfoProto.newBuilder().setName(loss));
		ModelProto lossModel = forward.toBuilder().setGraph(g.clone()).build();
		Map<String, String> grads = GradientBuilder.differentiate(e, loss, List.of(
			wrt));
		for (String w : wrt)
			g.addOutput(ValueInfoProto.newBuilder().setName(grads.get(w)));
		ModelProto gradModel = forward.toBuilder().setGraph(g).build();
		return new Graphs(lossModel, gradModel, grads);
	}

	/**
	 * Runs the check for the gradients of the named inputs; returns the largest
	 * error seen.
	 */
	public double check(String... wrt) throws Exception {
		Graphs graphs = graphs(wrt);
		ModelProto lossModel = graphs.lossModel(), gradModel = graphs.gradModel();
		Map<String, String> grads = graphs.grads();
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		double worst = 0;
		try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
			o.setIntraOpNumThreads(1);
			try (OrtSession gs = env.createSession(gradModel.toByteArray(), o);
					OrtSession ls = env.createSession(lossModel.toByteArray(), o))
			{
				Map<String, float[]> analytic = new HashMap<>();
				Map<String, OnnxTensor> in = tensors(env, feeds);
				try (OrtSession.Result res = gs.run(in)) {
					for (String w : wrt) {
						OnnxTensor t = (OnnxTensor) res.get(grads.get(w)).orElseThrow();
						FloatBuffer fb = t.getFloatBuffer();
						float[] a = new float[fb.remaining()];
						fb.get(a);
						analytic.put(w, a);
					}
				}
				finally {
					in.values().forEach(OnnxTensor::close);
				}
				Random pick = new Random(5);
				for (String w : wrt) {
					Tensor base = feeds.get(w);
					float[] a = analytic.get(w);
					assertTrue(a.length == base.floats().length, "gradient of " + w +
						" has " + a.length + " elements, input has " + base
							.floats().length);
					List<Integer> idx = new ArrayList<>();
					for (int i = 0; i < a.length; i++)
						idx.add(i);
					java.util.Collections.shuffle(idx, pick);
					int nearKinks = 0;
					for (int i : idx.subList(0, Math.min(maxElements, idx.size()))) {
						double plus = lossAt(env, ls, w, base, i, +eps), minus = lossAt(env,
							ls, w, base, i, -eps);
						double numeric = (plus - minus) / (2 * eps);
						if (maxNearKinks >= 0) {
							double half = (lossAt(env, ls, w, base, i, eps / 2) - lossAt(env,
								ls, w, base, i, -eps / 2)) / eps;
							if (Math.abs(half - numeric) > atol + rtol * Math.abs(half)) {
								assertTrue(++nearKinks <= maxNearKinks, "more than " +
									maxNearKinks + " elements of " + w +
									" lie near a kink; the last, [" + i + "]: difference " +
									numeric + " with the step, " + half +
									" with half of it; analytic " + a[i]);
								continue;
							}
						}
						double err = Math.abs(a[i] - numeric);
						worst = Math.max(worst, err / (atol + rtol * Math.abs(numeric)));
						assertTrue(err <= atol + rtol * Math.abs(numeric), "d loss / d " +
							w + "[" + i + "]: analytic " + a[i] + ", numeric " + numeric);
					}
				}
			}
		}
		return worst;
	}

	/** {@code sum(y * R)} with R seeded Gaussian of y's shape. */
	private static String weightedSum(GraphEmitter e, String y, long seed) {
		long[] yShape = e.shape(y);
		String product = e.mul(y, e.constant(weights(seed, yShape), yShape));
		long[] all = new long[yShape.length];
		for (int i = 0; i < all.length; i++)
			all[i] = i;
		return e.reduceSum(product, all, false);
	}

	private static float[] weights(long seed, long[] shape) {
		Random r = new Random(seed);
		float[] weights = new float[(int) Tensor.elementCount(shape)];
		for (int i = 0; i < weights.length; i++)
			weights[i] = (float) r.nextGaussian();
		return weights;
	}

	private double lossAt(OrtEnvironment env, OrtSession s, String w, Tensor base,
		int i, double d) throws Exception
	{
		float[] v = base.floats().clone();
		v[i] += (float) d;
		Map<String, Tensor> f = new LinkedHashMap<>(feeds);
		f.put(w, Tensor.of(v, base.shape()));
		Map<String, OnnxTensor> in = tensors(env, f);
		try (OrtSession.Result res = s.run(in)) {
			return ((OnnxTensor) res.get(0)).getFloatBuffer().get(0);
		}
		finally {
			in.values().forEach(OnnxTensor::close);
		}
	}

	private static Map<String, OnnxTensor> tensors(OrtEnvironment env,
		Map<String, Tensor> feeds) throws Exception
	{
		Map<String, OnnxTensor> m = new LinkedHashMap<>();
		for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
			Tensor t = e.getValue();
			m.put(e.getKey(), t.isFloat() ? OnnxTensor.createTensor(env, FloatBuffer
				.wrap(t.floats()), t.shape()) : OnnxTensor.createTensor(env,
					java.nio.LongBuffer.wrap(t.longs()), t.shape()));
		}
		return m;
	}
}
