package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.engine.Tensor;
import org.fijigan.core.train.autodiff.GradientBuilder;
import org.fijigan.core.train.autodiff.GraphEmitter;
import org.fijigan.core.train.autodiff.ShapeProbe;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Writes one training step as a single ONNX graph: forward pass, loss, backward pass and optimizer
 * update, in standard operators only. The trainable parameters and the optimizer state are graph
 * inputs; their updated values are graph outputs, named by {@link #updated}. Scalars the update
 * needs each step (the learning rate, Adam's bias corrections) are inputs too, so one graph serves
 * the whole run.
 */
public final class StepGraph {
	/** Scalar input: the learning rate. */
	public static final String LR = "train/lr";
	/** Scalar input: Adam's {@code 1 / (1 - beta1^t)}. */
	public static final String BIAS1 = "train/bias1";
	/** Scalar input: Adam's {@code 1 / (1 - beta2^t)}. */
	public static final String BIAS2 = "train/bias2";
	/** Output: the loss of the step (before the update). */
	public static final String LOSS = "train/loss";
	/** Output of a generator step with a discriminator: the generated batch (for the D step). */
	public static final String FAKE = "train/fake";
	/** Output of an evaluation graph: the model's output. */
	public static final String OUTPUT = "train/output";
	/** Output of a generator step: the pixel (content) loss alone. */
	public static final String CONTENT_LOSS = "train/content_loss";
	/**
	 * Batch input, optional: where the pixel loss counts, of the target's shape (1 counts, 0 does
	 * not). When the data holds it, the pixel loss is {@code sum(mask * loss) / sum(mask)} (see
	 * {@link #pixelLoss(GraphEmitter, String, String, LossKind, String)}).
	 */
	public static final String LOSS_MASK = "train/loss_mask";

	/** A built step graph, with the names of its parameters and state. */
	public record Built(ModelProto model, List<String> parameters, List<String> stateInputs,
		List<String> outputs) {}

	private StepGraph() {}

	/** Name of optimizer state slot {@code k} (0 = m, 1 = v) of a parameter. */
	public static String state(String parameter, int k) {
		return (k == 0 ? "train/m/" : "train/v/") + parameter;
	}

	/** Name of the updated value of a parameter or state input. */
	public static String updated(String input) {
		return "train/new/" + input;
	}

	/**
	 * The generator step.
	 *
	 * @param forward the generator; the parameters are among its initializers
	 * @param output the generator output the loss applies to
	 * @param parameters trainable initializers, with current values (used for shape probing)
	 * @param data the batch inputs by name (model inputs, {@code target}, and {@link #LOSS_MASK}
	 *          when the loss counts at some pixels only), with example values
	 * @param target name of the target input (same shape as the output)
	 * @param loss the pixel loss, or null for none (a generator trained by its discriminator alone)
	 * @param discriminator null, or the discriminator (with its parameters fed as frozen inputs)
	 * @param label the model's class-label input, fed to a conditional discriminator, or null
	 */
	public static Built generatorStep(ModelProto forward, String output, List<Parameter> parameters,
		Map<String, Tensor> data, String target, LossKind loss, float adversarialWeight,
		AdversarialKind adversarial, Discriminator discriminator, String label, OptimizerConfig opt)
	{
		return generatorStep(forward, output, null, parameters, data, target, loss, adversarialWeight,
			adversarial, discriminator, label, opt);
	}

	/**
	 * As above; {@code subtractFrom} names the input the output is subtracted from when the model
	 * predicts what to remove (a noise-predicting denoiser): the losses then apply to
	 * {@code input - output}. Null for a model whose output is the result.
	 */
	public static Built generatorStep(ModelProto forward, String output, String subtractFrom,
		List<Parameter> parameters, Map<String, Tensor> data, String target, LossKind loss,
		float adversarialWeight, AdversarialKind adversarial, Discriminator discriminator, String label,
		OptimizerConfig opt)
	{
		ModelProto.Builder mb = forward.toBuilder();
		GraphProto.Builder g = mb.getGraphBuilder();
		Set<String> trainable = new HashSet<>();
		for (Parameter p : parameters)
			trainable.add(p.name());
		List<TensorProto> keep = new ArrayList<>();
		for (TensorProto t : g.getInitializerList())
			if (!trainable.contains(t.getName())) keep.add(t);
		g.clearInitializer().addAllInitializer(keep);
		g.clearOutput();
		Map<String, Tensor> feeds = new LinkedHashMap<>(data);
		for (Parameter p : parameters)
			addInput(g, feeds, p);
		addInput(g, target, TensorProto.DataType.FLOAT_VALUE, data.get(target).shape());
		String lossMask = lossMaskInput(g, data);
		boolean gan = discriminator != null && adversarialWeight > 0;
		if (gan) for (Parameter p : discriminator.parameters())
			addInput(g, feeds, p);
		long opset = opset(forward);

		// Probe the forward graph with every intermediate value as an output.
		ModelProto probeModel = mb.clone().setGraph(g.clone().addOutput(ValueInfoProto.newBuilder()
			.setName(output))).build();
		ShapeProbe.Result probe = ShapeProbe.probe(probeModel, feeds);
		Map<String, long[]> shapes = new HashMap<>(probe.shapes());
		GraphEmitter e = new GraphEmitter(g, shapes, opset);
		probe.recordIn(e);

		String result = subtractFrom == null ? output : e.sub(subtractFrom, output);
		String content = loss == null ? e.scalar(0f) : pixelLoss(e, result, target, loss, lossMask);
		String total = content;
		if (gan) {
			String logits = discriminator.apply(e, result, label);
			String adv = generatorAdversarial(e, logits, adversarial);
			total = e.add(content, e.mul(adv, e.scalar(adversarialWeight)));
		}
		List<String> names = new ArrayList<>();
		for (Parameter p : parameters)
			names.add(p.name());
		Map<String, String> grads = GradientBuilder.differentiate(e, total, names);
		List<String> state = new ArrayList<>();
		List<String> outputs = new ArrayList<>();
		outputs.add(rename(e, total, LOSS));
		outputs.add(rename(e, content, CONTENT_LOSS));
		if (gan) outputs.add(rename(e, result, FAKE));
		emitUpdates(e, parameters, grads, opt, state, outputs);
		for (String o : outputs)
			g.addOutput(ValueInfoProto.newBuilder().setName(o));
		return new Built(mb.build(), names, state, outputs);
	}

	/**
	 * Forward pass and pixel loss only, parameters as inputs: for validation. No slots are updated.
	 */
	public static Built evaluation(ModelProto forward, String output, String subtractFrom,
		List<Parameter> parameters, Map<String, Tensor> data, String target, LossKind loss)
	{
		ModelProto.Builder mb = forward.toBuilder();
		GraphProto.Builder g = mb.getGraphBuilder();
		Set<String> trainable = new HashSet<>();
		for (Parameter p : parameters)
			trainable.add(p.name());
		List<TensorProto> keep = new ArrayList<>();
		for (TensorProto t : g.getInitializerList())
			if (!trainable.contains(t.getName())) keep.add(t);
		g.clearInitializer().addAllInitializer(keep).clearOutput();
		Map<String, Tensor> feeds = new LinkedHashMap<>(data);
		for (Parameter p : parameters)
			addInput(g, feeds, p);
		addInput(g, target, TensorProto.DataType.FLOAT_VALUE, data.get(target).shape());
		String lossMask = lossMaskInput(g, data);
		ModelProto probeModel = mb.clone().setGraph(g.clone().addOutput(ValueInfoProto.newBuilder()
			.setName(output))).build();
		ShapeProbe.Result probe = ShapeProbe.probe(probeModel, feeds);
		GraphEmitter e = new GraphEmitter(g, new HashMap<>(probe.shapes()), opset(forward));
		probe.recordIn(e);
		String result = subtractFrom == null ? output : e.sub(subtractFrom, output);
		String l = rename(e, pixelLoss(e, result, target, loss, lossMask), LOSS);
		g.addOutput(ValueInfoProto.newBuilder().setName(l));
		g.addOutput(ValueInfoProto.newBuilder().setName(rename(e, result, OUTPUT)));
		List<String> names = new ArrayList<>();
		for (Parameter p : parameters)
			names.add(p.name());
		return new Built(mb.build(), names, List.of(), List.of(l, OUTPUT));
	}

	/**
	 * The discriminator step: loss on a real batch and a generated one (both inputs), gradient with
	 * respect to the discriminator's parameters only.
	 */
	public static Built discriminatorStep(Discriminator d, long[] imageShape, String labelInput,
		AdversarialKind adversarial, OptimizerConfig opt)
	{
		ModelProto.Builder mb = ModelProto.newBuilder().setIrVersion(8).setProducerName("fiji-gan")
			.addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(
				17));
		GraphProto.Builder g = mb.getGraphBuilder().setName("discriminator-step");
		Map<String, long[]> shapes = new HashMap<>();
		addInput(g, "real", TensorProto.DataType.FLOAT_VALUE, imageShape);
		addInput(g, "fake", TensorProto.DataType.FLOAT_VALUE, imageShape);
		shapes.put("real", imageShape);
		shapes.put("fake", imageShape);
		if (labelInput != null) {
			addInput(g, labelInput, TensorProto.DataType.INT64_VALUE, new long[] { imageShape[0] });
			shapes.put(labelInput, new long[] { imageShape[0] });
		}
		for (Parameter p : d.parameters()) {
			addInput(g, p.name(), TensorProto.DataType.FLOAT_VALUE, p.shape());
			shapes.put(p.name(), p.shape());
		}
		GraphEmitter e = new GraphEmitter(g, shapes, 17);
		String real = d.apply(e, "real", labelInput);
		String fake = d.apply(e, "fake", labelInput);
		String loss = discriminatorLoss(e, real, fake, adversarial);
		List<String> names = new ArrayList<>();
		for (Parameter p : d.parameters())
			names.add(p.name());
		Map<String, String> grads = GradientBuilder.differentiate(e, loss, names);
		List<String> state = new ArrayList<>();
		List<String> outputs = new ArrayList<>();
		outputs.add(rename(e, loss, LOSS));
		emitUpdates(e, d.parameters(), grads, opt, state, outputs);
		for (String o : outputs)
			g.addOutput(ValueInfoProto.newBuilder().setName(o));
		return new Built(mb.build(), names, state, outputs);
	}

	/** Mean of |d|, d^2 or sqrt(d^2 + eps^2) over every element, d = output - target. */
	static String pixelLoss(GraphEmitter e, String output, String target, LossKind kind) {
		return pixelLoss(e, output, target, kind, null);
	}

	/**
	 * The pixel loss: with {@code mask} null, the mean of |d|, d^2 or sqrt(d^2 + eps^2) over every
	 * element, d = output - target; else {@code sum(mask * l) / sum(mask)} of that per-element loss
	 * l, the mean over the elements the mask counts (its sum must not be 0).
	 */
	static String pixelLoss(GraphEmitter e, String output, String target, LossKind kind,
		String mask)
	{
		String d = e.sub(output, target);
		String per = switch (kind) {
			case L1 -> e.unary("Abs", d);
			case L2 -> e.mul(d, d);
			case CHARBONNIER -> e.unary("Sqrt", e.add(e.mul(d, d), e.scalar(LossKind.CHARBONNIER_EPS *
				LossKind.CHARBONNIER_EPS)));
		};
		return mask == null ? meanAll(e, per) : e.div(sumAll(e, e.mul(per, mask)), sumAll(e, mask));
	}

	private static String sumAll(GraphEmitter e, String x) {
		long[] axes = new long[e.rank(x)];
		for (int i = 0; i < axes.length; i++)
			axes[i] = i;
		return e.reduceSum(x, axes, false);
	}

	/** Adds the {@link #LOSS_MASK} input when {@code data} holds it; its name, or null. */
	private static String lossMaskInput(GraphProto.Builder g, Map<String, Tensor> data) {
		Tensor mask = data.get(LOSS_MASK);
		if (mask == null) return null;
		addInput(g, LOSS_MASK, TensorProto.DataType.FLOAT_VALUE, mask.shape());
		return LOSS_MASK;
	}

	static String meanAll(GraphEmitter e, String x) {
		long[] axes = new long[e.rank(x)];
		for (int i = 0; i < axes.length; i++)
			axes[i] = i;
		return e.reduceMean(x, axes, false);
	}

	static String generatorAdversarial(GraphEmitter e, String fakeLogits, AdversarialKind k) {
		return switch (k) {
			case NONSATURATING -> meanAll(e, e.unary("Softplus", e.neg(fakeLogits)));
			case HINGE -> e.neg(meanAll(e, fakeLogits));
			case LSGAN -> {
				String d = e.sub(fakeLogits, e.scalar(1f));
				yield meanAll(e, e.mul(d, d));
			}
		};
	}

	static String discriminatorLoss(GraphEmitter e, String real, String fake, AdversarialKind k) {
		return switch (k) {
			case NONSATURATING -> e.add(meanAll(e, e.unary("Softplus", e.neg(real))), meanAll(e, e.unary(
				"Softplus", fake)));
			case HINGE -> e.add(meanAll(e, e.unary("Relu", e.sub(e.scalar(1f), real))), meanAll(e, e.unary(
				"Relu", e.add(e.scalar(1f), fake))));
			case LSGAN -> {
				String r = e.sub(real, e.scalar(1f));
				yield e.add(meanAll(e, e.mul(r, r)), meanAll(e, e.mul(fake, fake)));
			}
		};
	}

	/**
	 * SGD: {@code w' = w - lr g}. Adam(W), as PyTorch: {@code m' = b1 m + (1-b1) g},
	 * {@code v' = b2 v + (1-b2) g^2}, {@code w' = w (1 - lr wd) - lr (m' c1) / (sqrt(v' c2) + eps)}
	 * with {@code c1 = 1/(1-b1^t)}, {@code c2 = 1/(1-b2^t)} fed each step.
	 */
	private static void emitUpdates(GraphEmitter e, List<Parameter> parameters,
		Map<String, String> grads, OptimizerConfig opt, List<String> state, List<String> outputs)
	{
		GraphProto.Builder g = e.graph();
		addInput(g, LR, TensorProto.DataType.FLOAT_VALUE, new long[0]);
		e.setShape(LR, new long[0]);
		if (opt.kind() == OptimizerConfig.Kind.ADAM) {
			addInput(g, BIAS1, TensorProto.DataType.FLOAT_VALUE, new long[0]);
			addInput(g, BIAS2, TensorProto.DataType.FLOAT_VALUE, new long[0]);
			e.setShape(BIAS1, new long[0]);
			e.setShape(BIAS2, new long[0]);
		}
		for (Parameter p : parameters) {
			String w = p.name(), grad = grads.get(w);
			String next;
			if (opt.kind() == OptimizerConfig.Kind.SGD) next = e.sub(w, e.mul(grad, LR));
			else {
				String m = state(w, 0), v = state(w, 1);
				addInput(g, m, TensorProto.DataType.FLOAT_VALUE, p.shape());
				addInput(g, v, TensorProto.DataType.FLOAT_VALUE, p.shape());
				e.setShape(m, p.shape());
				e.setShape(v, p.shape());
				state.add(m);
				state.add(v);
				String m2 = e.add(e.mul(m, e.scalar((float) opt.beta1())), e.mul(grad, e.scalar((float) (1 - opt
					.beta1()))));
				String v2 = e.add(e.mul(v, e.scalar((float) opt.beta2())), e.mul(e.mul(grad, grad), e.scalar(
					(float) (1 - opt.beta2()))));
				String denom = e.add(e.unary("Sqrt", e.mul(v2, BIAS2)), e.scalar((float) opt.epsilon()));
				String step = e.mul(e.div(e.mul(m2, BIAS1), denom), LR);
				String base = w;
				if (opt.weightDecay() > 0) base = e.sub(w, e.mul(e.mul(w, LR), e.scalar((float) opt
					.weightDecay())));
				next = e.sub(base, step);
				outputs.add(rename(e, m2, updated(m)));
				outputs.add(rename(e, v2, updated(v)));
			}
			outputs.add(rename(e, next, updated(w)));
		}
	}

	/** Gives value {@code v} a fixed name through an Identity node. */
	private static String rename(GraphEmitter e, String v, String name) {
		e.graph().addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName(
			"id/" + name).addInput(v).addOutput(name));
		e.setShape(name, e.shape(v));
		return name;
	}

	private static void addInput(GraphProto.Builder g, Map<String, Tensor> feeds, Parameter p) {
		addInput(g, p.name(), TensorProto.DataType.FLOAT_VALUE, p.shape());
		feeds.put(p.name(), Tensor.of(p.values(), p.shape()));
	}

	static void addInput(GraphProto.Builder g, String name, int type, long[] shape) {
		for (ValueInfoProto v : g.getInputList())
			if (v.getName().equals(name)) return;
		TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
		for (long d : shape)
			s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
		g.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
			.setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))));
	}

	static long opset(ModelProto m) {
		return m.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain()
			.equals("ai.onnx")).mapToLong(o -> o.getVersion()).findFirst().orElse(17);
	}
}
