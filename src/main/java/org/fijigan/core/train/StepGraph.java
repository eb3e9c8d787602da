
package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.fijigan.core.engine.Tensor;
import org.fijigan.core.onnx.ElementTypes;
import org.fijigan.core.train.autodiff.GradientBuilder;
import org.fijigan.core.train.autodiff.GraphEmitter;
import org.fijigan.core.train.autodiff.ShapeProbe;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Writes one training step as a single ONNX graph: forward pass, loss, backward
 * pass and optimizer update, in standard operators only. The trainable
 * parameters and the optimizer state are graph inputs; their updated values are
 * graph outputs, named by {@link #updated}. Scalars the update needs each step
 * (the learning rate, Adam's bias corrections) are inputs too, so one graph
 * serves the whole run.
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
	/**
	 * Output of a generator step with a discriminator: the generated batch (for
	 * the D step).
	 */
	public static final String FAKE = "train/fake";
	/** Output of an evaluation graph: the model's output. */
	public static final String OUTPUT = "train/output";
	/** Output of a generator step: the pixel (content) loss alone. */
	public static final String CONTENT_LOSS = "train/content_loss";
	/**
	 * Input of a discriminator step with WGAN-GP: the interpolation weights ε
	 * {@code [N, 1, 1, 1]}, one per sample, drawn from U(0, 1) for each step.
	 */
	public static final String EPSILON = "train/epsilon";
	/**
	 * Output of a discriminator step with gradient penalties: their sum (part of
	 * the loss).
	 */
	public static final String PENALTY = "train/penalty";
	/**
	 * Output of a discriminator step for ADA: {@code mean(sign(D(real)))}, the
	 * overfitting heuristic {@code r_t} of Karras et al. 2020.
	 */
	public static final String REAL_SIGN = "train/real_sign";
	/**
	 * Prefix of the inputs of the differentiable augmentation of the real batch
	 * (D's step).
	 */
	public static final String AUGMENT_REAL = "train/augment/real";
	/**
	 * Prefix of the inputs of the differentiable augmentation of the generated
	 * batch.
	 */
	public static final String AUGMENT_FAKE = "train/augment/fake";
	/**
	 * Batch input, optional: where the pixel loss counts, of the target's shape
	 * (1 counts, 0 does not). When the data holds it, the pixel loss is
	 * {@code sum(mask * loss) / sum(mask)} (see
	 * {@link StepLosses#pixelLoss(GraphEmitter, String, String, LossKind, String)}).
	 */
	public static final String LOSS_MASK = "train/loss_mask";

	/** A built step graph, with the names of its parameters and state. */
	public record Built(ModelProto model, List<String> parameters,
			List<String> stateInputs, List<String> outputs,
			List<String> withoutGradient) {

		/**
		 * A step whose every parameter gets a gradient (or whose graph is not
		 * differentiated).
		 */
		public Built(ModelProto model, List<String> parameters,
			List<String> stateInputs, List<String> outputs)
		{
			this(model, parameters, stateInputs, outputs, List.of());
		}

		/** The declared shape of graph input {@code name}. */
		public long[] inputShape(String name) {
			for (ValueInfoProto v : model.getGraph().getInputList())
				if (v.getName().equals(name)) return v.getType().getTensorType()
					.getShape().getDimList().stream().mapToLong(
						TensorShapeProto.Dimension::getDimValue).toArray();
			throw new IllegalArgumentException("the step graph has no input " + name);
		}
	}

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
	 * @param parameters trainable initializers, with current values (used for
	 *          shape probing)
	 * @param data the batch inputs by name (model inputs, {@code target}, and
	 *          {@link #LOSS_MASK} when the loss counts at some pixels only), with
	 *          example values
	 * @param target name of the target input (same shape as the output)
	 * @param loss the pixel loss, or null for none (a generator trained by its
	 *          discriminator alone)
	 * @param discriminator null, or the discriminator (with its parameters fed as
	 *          frozen inputs)
	 * @param label the model's class-label input, fed to a conditional
	 *          discriminator, or null
	 */
	public static Built generatorStep(ModelProto forward, String output,
		List<Parameter> parameters, Map<String, Tensor> data, String target,
		LossKind loss, float adversarialWeight, AdversarialKind adversarial,
		Discriminator discriminator, String label, OptimizerConfig opt)
	{
		return generatorStep(forward, output, null, parameters, data, target, loss,
			adversarialWeight, adversarial, discriminator, label, opt);
	}

	/**
	 * As above; {@code subtractFrom} names the input the output is subtracted
	 * from when the model predicts what to remove (a noise-predicting denoiser):
	 * the losses then apply to {@code input - output}. Null for a model whose
	 * output is the result.
	 */
	public static Built generatorStep(ModelProto forward, String output,
		String subtractFrom, List<Parameter> parameters, Map<String, Tensor> data,
		String target, LossKind loss, float adversarialWeight,
		AdversarialKind adversarial, Discriminator discriminator, String label,
		OptimizerConfig opt)
	{
		return generatorStep(forward, output, subtractFrom, parameters, data,
			target, loss, adversarialWeight, adversarial, discriminator,
			DiffAugment.NONE, label, opt);
	}

	/**
	 * As above, with the discriminator seeing the generated batch through the
	 * differentiable augmentation {@code augment} (inputs
	 * {@link #AUGMENT_FAKE}{@code /...}). A discriminator with spectral
	 * normalisation takes its vectors {@code u} as inputs
	 * ({@link Discriminator.Bound#vectorInputs()}), fed as they are, without a
	 * power iteration.
	 */
	public static Built generatorStep(ModelProto forward, String output,
		String subtractFrom, List<Parameter> parameters, Map<String, Tensor> data,
		String target, LossKind loss, float adversarialWeight,
		AdversarialKind adversarial, Discriminator discriminator,
		DiffAugment augment, String label, OptimizerConfig opt)
	{
		ModelProto.Builder mb = forward.toBuilder();
		GraphProto.Builder g = mb.getGraphBuilder();
		Map<String, Tensor> feeds = parametersAsInputs(g, parameters, data, target);
		String lossMask = lossMaskInput(g, data);
		boolean gan = discriminator != null && adversarialWeight > 0;
		if (gan) for (Parameter p : discriminator.parameters())
			addInput(g, feeds, p);
		long opset = opset(forward);

		// Probe the forward graph with every intermediate value as an output.
		ModelProto probeModel = mb.clone().setGraph(g.clone().addOutput(
			ValueInfoProto.newBuilder().setName(output))).build();
		ShapeProbe.Result probe = ShapeProbe.probe(probeModel, feeds);
		Map<String, long[]> shapes = new HashMap<>(probe.shapes());
		GraphEmitter e = new GraphEmitter(g, shapes, opset);
		probe.recordIn(e);

		if (loss != null) StepLosses.requireTargetSize(e, output, target);
		String result = subtractFrom == null ? float32(e, output) : e.sub(float32(e,
			subtractFrom), float32(e, output));
		String content = loss == null ? e.scalar(0f) : StepLosses.pixelLoss(e,
			result, target, loss, lossMask);
		String total = content;
		if (gan) {
			Discriminator.Bound critic = discriminator.bind(e, false);
			// the generated batch as the discriminator takes it: [N, C, H, W]
			String own = discriminator.toOwnLayout(e, result);
			String seen = augment.any() ? augment.apply(e, own, AUGMENT_FAKE) : own;
			String logits = critic.apply(seen, label == null ? null : plainLabel(e,
				label));
			String adv = StepLosses.generatorAdversarial(e, logits, adversarial);
			total = e.add(content, e.mul(adv, e.scalar(adversarialWeight)));
		}
		List<String> names = new ArrayList<>();
		for (Parameter p : parameters)
			names.add(p.name());
		List<String> withoutGradient = GradientBuilder.requireDifferentiablePath(e,
			total, names, "the model's trainable parameters");
		Map<String, String> grads = GradientBuilder.differentiate(e, total, names);
		List<String> state = new ArrayList<>();
		List<String> outputs = new ArrayList<>();
		outputs.add(rename(e, total, LOSS));
		outputs.add(rename(e, content, CONTENT_LOSS));
		if (gan) outputs.add(rename(e, result, FAKE));
		OptimizerGraph.emitUpdates(e, parameters, grads, opt, state, outputs);
		for (String o : outputs)
			g.addOutput(ValueInfoProto.newBuilder().setName(o));
		e.dropUnusedConstants();
		return new Built(mb.build(), names, state, outputs, withoutGradient);
	}

	/**
	 * A generator's class input as one integer label per sample ({@code [N]}), as
	 * the discriminator's class projection takes it: {@code [N,1]} labels
	 * flattened, a one-hot vector's largest entry ({@code ArgMax}).
	 */
	static String plainLabel(GraphEmitter e, String label) {
		long[] s = e.shape(label);
		if (s.length < 2) return label;
		long[] n = { s[0] };
		return ElementTypes.isFloatingPoint(e.type(label)) ? e.op("ArgMax", n, List
			.of(label), GraphEmitter.attr("axis", 1), GraphEmitter.attr("keepdims",
				0)) : e.reshape(label, n);
	}

	/**
	 * Forward pass and pixel loss only, parameters as inputs: for validation. No
	 * slots are updated.
	 */
	public static Built evaluation(ModelProto forward, String output,
		String subtractFrom, List<Parameter> parameters, Map<String, Tensor> data,
		String target, LossKind loss)
	{
		ModelProto.Builder mb = forward.toBuilder();
		GraphProto.Builder g = mb.getGraphBuilder();
		Map<String, Tensor> feeds = parametersAsInputs(g, parameters, data, target);
		String lossMask = lossMaskInput(g, data);
		ModelProto probeModel = mb.clone().setGraph(g.clone().addOutput(
			ValueInfoProto.newBuilder().setName(output))).build();
		ShapeProbe.Result probe = ShapeProbe.probe(probeModel, feeds);
		GraphEmitter e = new GraphEmitter(g, new HashMap<>(probe.shapes()), opset(
			forward));
		probe.recordIn(e);
		StepLosses.requireTargetSize(e, output, target);
		String result = subtractFrom == null ? float32(e, output) : e.sub(float32(e,
			subtractFrom), float32(e, output));
		String l = rename(e, StepLosses.pixelLoss(e, result, target, loss,
			lossMask), LOSS);
		g.addOutput(ValueInfoProto.newBuilder().setName(l));
		g.addOutput(ValueInfoProto.newBuilder().setName(rename(e, result, OUTPUT)));
		e.dropUnusedConstants();
		List<String> names = new ArrayList<>();
		for (Parameter p : parameters)
			names.add(p.name());
		return new Built(mb.build(), names, List.of(), List.of(l, OUTPUT));
	}

	/**
	 * The discriminator step: loss on a real batch and a generated one (both
	 * inputs, of {@code imageShape} in the discriminator's
	 * {@link Discriminator#imageLayout()}), gradient with respect to the
	 * discriminator's parameters only.
	 */
	public static Built discriminatorStep(Discriminator d, long[] imageShape,
		String labelInput, AdversarialKind adversarial, OptimizerConfig opt)
	{
		return discriminatorStep(d, imageShape, labelInput, adversarial,
			GradientPenalties.NONE, opt);
	}

	/**
	 * The discriminator step with gradient penalties added to its loss (applied
	 * at every step this graph runs: a lazy R1 schedule is two graphs, see
	 * {@link GradientPenalties#forStep}). With WGAN-GP the graph has the input
	 * {@link #EPSILON}; with any penalty, the output {@link #PENALTY}. Without
	 * penalties the graph is the one of the method above, node for node.
	 */
	public static Built discriminatorStep(Discriminator d, long[] imageShape,
		String labelInput, AdversarialKind adversarial, GradientPenalties penalties,
		OptimizerConfig opt)
	{
		return discriminatorStep(d, imageShape, labelInput, adversarial, penalties,
			DiffAugment.NONE, false, opt);
	}

	/**
	 * The discriminator step with its stabilisers. The real and the generated
	 * batch are seen through the differentiable augmentation {@code augment},
	 * each with its own draw (inputs {@link #AUGMENT_REAL}{@code /...} and
	 * {@link #AUGMENT_FAKE}{@code /...}). The gradient penalties differentiate
	 * through it with respect to the images before it, as ADA's R1 does: R1 on
	 * {@code D(T_real(real))}, WGAN-GP on {@code D(T_real(x̂))}. With spectral
	 * normalisation, one power iteration per step: the vectors {@code u} are
	 * state (inputs, and updated outputs named by {@link #updated}). With
	 * {@code realSign}, the output {@link #REAL_SIGN}. Without any of these the
	 * graph is the one of the methods above, node for node.
	 */
	public static Built discriminatorStep(Discriminator d, long[] imageShape,
		String labelInput, AdversarialKind adversarial, GradientPenalties penalties,
		DiffAugment augment, boolean realSign, OptimizerConfig opt)
	{
		if (penalties.r1Every() != 1) throw new IllegalArgumentException(
			"a step graph applies R1 at every step it runs: build one per schedule with forStep");
		ModelProto.Builder mb = ModelProto.newBuilder().setIrVersion(8)
			.setProducerName("fiji-gan").addOpsetImport(
				ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("")
					.setVersion(17));
		GraphProto.Builder g = mb.getGraphBuilder().setName("discriminator-step");
		Map<String, long[]> shapes = new HashMap<>();
		addInput(g, "real", TensorProto.DataType.FLOAT_VALUE, imageShape);
		addInput(g, "fake", TensorProto.DataType.FLOAT_VALUE, imageShape);
		shapes.put("real", imageShape);
		shapes.put("fake", imageShape);
		long n = d.ownShape(imageShape)[0];
		if (labelInput != null) {
			addInput(g, labelInput, TensorProto.DataType.INT64_VALUE, new long[] {
				n });
			shapes.put(labelInput, new long[] { n });
		}
		for (Parameter p : d.parameters()) {
			addInput(g, p.name(), TensorProto.DataType.FLOAT_VALUE, p.shape());
			shapes.put(p.name(), p.shape());
		}
		GraphEmitter e = new GraphEmitter(g, shapes, 17);
		Discriminator.Bound b = d.bind(e, true);
		// both batches as the discriminator takes them, [N, C, H, W]: the
		// penalties differentiate with respect to these
		String realImage = d.toOwnLayout(e, "real"), fakeImage = d.toOwnLayout(e,
			"fake");
		UnaryOperator<String> critic = x -> b.apply(augment.any() ? augment.apply(e,
			x, AUGMENT_REAL) : x, labelInput);
		String real = critic.apply(realImage);
		String fake = b.apply(augment.any() ? augment.apply(e, fakeImage,
			AUGMENT_FAKE) : fakeImage, labelInput);
		String loss = StepLosses.discriminatorLoss(e, real, fake, adversarial);
		String penalty = null;
		if (penalties.any()) {
			if (penalties.wganGp() > 0) {
				long[] perSample = { n, 1, 1, 1 };
				addInput(g, EPSILON, TensorProto.DataType.FLOAT_VALUE, perSample);
				e.setShape(EPSILON, perSample);
			}
			penalty = GradientPenaltyGraph.penalty(e, critic, realImage, real,
				fakeImage, EPSILON, penalties);
			loss = e.add(loss, penalty);
		}
		List<String> names = new ArrayList<>();
		for (Parameter p : d.parameters())
			names.add(p.name());
		Map<String, String> grads = GradientBuilder.differentiate(e, loss, names);
		List<String> state = new ArrayList<>();
		List<String> outputs = new ArrayList<>();
		outputs.add(rename(e, loss, LOSS));
		if (penalty != null) outputs.add(rename(e, penalty, PENALTY));
		if (realSign) outputs.add(rename(e, StepLosses.meanAll(e, e.unary("Sign",
			real)), REAL_SIGN));
		OptimizerGraph.emitUpdates(e, d.parameters(), grads, opt, state, outputs);
		for (Map.Entry<String, String> v : b.updatedVectors().entrySet()) {
			state.add(v.getKey());
			outputs.add(rename(e, v.getValue(), updated(v.getKey())));
		}
		for (String o : outputs)
			g.addOutput(ValueInfoProto.newBuilder().setName(o));
		return new Built(mb.build(), names, state, outputs);
	}

	/**
	 * {@link GradientPenaltyGraph#penalty} of discriminator {@code d}, fed the
	 * class labels {@code label} when it is conditional (else null).
	 */
	static String penalty(GraphEmitter e, Discriminator d, String real,
		String realLogits, String fake, String epsilon, String label,
		GradientPenalties p)
	{
		return GradientPenaltyGraph.penalty(e, x -> d.apply(e, x, label), real,
			realLogits, fake, epsilon, p);
	}

	/**
	 * Makes the trainable initializers of {@code g} graph inputs (the others
	 * stay), adds the target input and clears the outputs. The inputs are
	 * float32; one stored in another float type is cast to it by a node put first
	 * in the graph, whose output the model's nodes take instead, and so is a
	 * float16 or float64 model input (the data is float32).
	 *
	 * @return the feeds of the graph so far: {@code data} and the parameters'
	 *         current values
	 */
	private static Map<String, Tensor> parametersAsInputs(GraphProto.Builder g,
		List<Parameter> parameters, Map<String, Tensor> data, String target)
	{
		Set<String> trainable = new HashSet<>();
		for (Parameter p : parameters)
			trainable.add(p.name());
		List<TensorProto> keep = new ArrayList<>();
		Map<String, String> storedAs = new HashMap<>();
		List<NodeProto> casts = new ArrayList<>();
		for (TensorProto t : g.getInitializerList())
			if (!trainable.contains(t.getName())) keep.add(t);
			else if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) casts.add(
				castFromFloat32(t.getName(), t.getDataType(), storedAs));
		// data is float32 too: a float16 or float64 model input becomes a float32
		// one, cast where the model takes it
		for (int i = 0; i < g.getInputCount(); i++) {
			var type = g.getInputBuilder(i).getTypeBuilder().getTensorTypeBuilder();
			String name = g.getInput(i).getName();
			if (data.containsKey(name) && data.get(name).isFloat() && ElementTypes
				.isFloatingPoint(type.getElemType()) && type
					.getElemType() != TensorProto.DataType.FLOAT_VALUE)
			{
				casts.add(castFromFloat32(name, type.getElemType(), storedAs));
				type.setElemType(TensorProto.DataType.FLOAT_VALUE);
			}
		}
		g.clearInitializer().addAllInitializer(keep).clearOutput();
		if (!casts.isEmpty()) {
			List<NodeProto> nodes = new ArrayList<>(casts);
			for (NodeProto n : g.getNodeList()) {
				NodeProto.Builder b = n.toBuilder();
				for (int i = 0; i < b.getInputCount(); i++)
					b.setInput(i, storedAs.getOrDefault(b.getInput(i), b.getInput(i)));
				nodes.add(b.build());
			}
			g.clearNode().addAllNode(nodes);
		}
		Map<String, Tensor> feeds = new LinkedHashMap<>(data);
		for (Parameter p : parameters)
			addInput(g, feeds, p);
		addInput(g, target, TensorProto.DataType.FLOAT_VALUE, data.get(target)
			.shape());
		return feeds;
	}

	/**
	 * A Cast of float32 value {@code name} to {@code type}, whose output the
	 * model's nodes take instead (recorded in {@code renamed}).
	 */
	private static NodeProto castFromFloat32(String name, int type,
		Map<String, String> renamed)
	{
		String typed = "train/as_" + ElementTypes.widthName(type) + "/" + name;
		renamed.put(name, typed);
		return NodeProto.newBuilder().setOpType("Cast").setName(typed).addInput(
			name).addOutput(typed).addAttribute(GraphEmitter.attr("to", type))
			.build();
	}

	/**
	 * Adds the {@link #LOSS_MASK} input when {@code data} holds it; its name, or
	 * null.
	 */
	private static String lossMaskInput(GraphProto.Builder g,
		Map<String, Tensor> data)
	{
		Tensor mask = data.get(LOSS_MASK);
		if (mask == null) return null;
		addInput(g, LOSS_MASK, TensorProto.DataType.FLOAT_VALUE, mask.shape());
		return LOSS_MASK;
	}

	/** Gives value {@code v} a fixed name through an Identity node. */
	static String rename(GraphEmitter e, String v, String name) {
		e.graph().addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType(
			"Identity").setName("id/" + name).addInput(v).addOutput(name));
		e.setShape(name, e.shape(v));
		e.setType(name, e.type(v));
		return name;
	}

	/**
	 * Value {@code v} in float32, the type of the targets and the losses: cast
	 * when the model gives a float16 or float64 output.
	 */
	private static String float32(GraphEmitter e, String v) {
		return e.type(v) == TensorProto.DataType.FLOAT_VALUE ? v : e.cast(v,
			TensorProto.DataType.FLOAT_VALUE);
	}

	private static void addInput(GraphProto.Builder g, Map<String, Tensor> feeds,
		Parameter p)
	{
		addInput(g, p.name(), TensorProto.DataType.FLOAT_VALUE, p.shape());
		feeds.put(p.name(), Tensor.of(p.values(), p.shape()));
	}

	static void addInput(GraphProto.Builder g, String name, int type,
		long[] shape)
	{
		for (ValueInfoProto v : g.getInputList())
			if (v.getName().equals(name)) return;
		TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
		for (long d : shape)
			s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
		g.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto
			.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(
				type).setShape(s))));
	}

	static long opset(ModelProto m) {
		return m.getOpsetImportList().stream().filter(o -> o.getDomain()
			.isEmpty() || o.getDomain().equals("ai.onnx")).mapToLong(o -> o
				.getVersion()).findFirst().orElse(17);
	}
}
