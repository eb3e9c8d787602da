
package org.fijigan.core.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.fijigan.core.GanException;
import org.fijigan.core.onnx.ElementTypes;
import org.fijigan.core.train.autodiff.GradientBuilder;
import org.fijigan.core.train.autodiff.Nodes;
import org.fijigan.core.train.autodiff.Tensors;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Finds a model's trainable parameters and writes trained values back into it.
 * <p>
 * Trainable: float initializers (float32, and float16, float64 or bfloat16 ones
 * too) that some node takes at a differentiable input position. Inputs that
 * only configure an operator (BatchNormalization's running mean and variance,
 * Resize's scales, Clip's bounds, Pad's value, Reshape's shape, ...) are not
 * parameters, nor are the constants of the computation that
 * {@link ConstantTensors} finds (an epsilon, GroupNorm's fixed scale and bias),
 * nor an initializer that one node takes as data and another as configuration
 * (PyTorch's export stores equal tensors once, so an InstanceNorm scale of ones
 * can be an Identity of BatchNorm's running variance), nor an initializer whose
 * name matches a freeze pattern. A weight stored in another float type than
 * float32 is trained in float32 (the step graph casts it to its type where the
 * model takes it) and written back in its own type, rounded to it.
 */
public final class Parameters {

	/** Input positions that are configuration, not data, by operator. */
	private static final Map<String, Set<Integer>> NOT_TRAINABLE =
		new HashMap<>();

	static {
		NOT_TRAINABLE.put("BatchNormalization", Set.of(3, 4));
		NOT_TRAINABLE.put("Resize", Set.of(1, 2, 3));
		NOT_TRAINABLE.put("Upsample", Set.of(1));
		NOT_TRAINABLE.put("Clip", Set.of(1, 2));
		NOT_TRAINABLE.put("Pad", Set.of(1, 2, 3));
		NOT_TRAINABLE.put("Reshape", Set.of(1));
		NOT_TRAINABLE.put("Slice", Set.of(1, 2, 3, 4));
		NOT_TRAINABLE.put("Expand", Set.of(1));
		NOT_TRAINABLE.put("Tile", Set.of(1));
		NOT_TRAINABLE.put("Pow", Set.of(1));
		NOT_TRAINABLE.put("Dropout", Set.of(1, 2));
		NOT_TRAINABLE.put("ConstantOfShape", Set.of(0));
	}

	/**
	 * Why an initializer that one node takes as data and another as its
	 * configuration is held fixed.
	 */
	static final String SHARED_WITH_CONFIGURATION =
		"also a BatchNormalization running statistic or another operator's " +
			"setting, which training would change: an exporter stored equal " +
			"tensors once";

	private Parameters() {}

	/**
	 * The parameters a run trains, and notes for the user: which tensors are held
	 * fixed, which weights are stored in another float type, which Constant nodes
	 * hold what look like weights.
	 */
	public record Selection(List<Parameter> parameters, List<String> notes) {
	}

	/**
	 * The trainable parameters of {@code model}, with their initial values, in
	 * initializer order.
	 *
	 * @param freeze regular expressions; an initializer whose name matches one
	 *          (anywhere) is frozen
	 * @throws GanException for a pattern that matches no parameter
	 */
	public static List<Parameter> trainable(ModelProto model,
		List<String> freeze)
	{
		return select(model, null, freeze).parameters();
	}

	/**
	 * As {@link #trainable}, with the notes a run shows: which tensors are held
	 * fixed as constants of the computation, which weights are stored in another
	 * float type than float32, and which Constant nodes hold tensors that reach
	 * {@code output} as weights would (fine-tuning trains initializers only).
	 *
	 * @param output the model output the loss applies to; null for all of them
	 */
	public static Selection select(ModelProto model, String output,
		List<String> freeze)
	{
		// Training graphs run from memory, where ONNX Runtime would resolve
		// external data against the
		// working folder rather than the model's: refuse any, trainable or not.
		List<String> external = org.fijigan.core.model.OnnxGraphInfo
			.externalDataLocations(model);
		if (!external.isEmpty()) throw new GanException(
			"the model keeps tensors in external data " + external +
				"; fine-tuning needs every weight inside the .onnx file");
		List<Pattern> patterns = new ArrayList<>();
		for (String f : freeze)
			patterns.add(Pattern.compile(f));
		Set<String> dataUse = new HashSet<>(), configUse = new HashSet<>();
		for (NodeProto n : model.getGraph().getNodeList())
			for (int i = 0; i < n.getInputCount(); i++) {
				Set<Integer> config = NOT_TRAINABLE.getOrDefault(n.getOpType(), Set
					.of());
				(config.contains(i) ? configUse : dataUse).add(n.getInput(i));
			}
		// a weight an If, Loop or Scan body reads from the graph is data too
		for (NodeProto n : model.getGraph().getNodeList())
			dataUse.addAll(Nodes.outerScopeInputs(n));
		List<Parameter> list = new ArrayList<>();
		List<String> names = new ArrayList<>();
		Set<Pattern> used = new HashSet<>();
		Map<Integer, List<String>> otherTypes = new TreeMap<>();
		Map<String, String> constants = ConstantTensors.find(model.getGraph());
		Map<String, List<String>> held = new LinkedHashMap<>();
		for (TensorProto t : model.getGraph().getInitializerList()) {
			if (!ElementTypes.isFloatingPoint(t.getDataType())) continue;
			if (!dataUse.contains(t.getName()) || Tensors.elementCount(t) == 0)
				continue;
			List<Pattern> matching = patterns.stream().filter(p -> p.matcher(t
				.getName()).find()).toList();
			used.addAll(matching);
			String constant = configUse.contains(t.getName())
				? SHARED_WITH_CONFIGURATION : constants.get(t.getName());
			if (constant != null) {
				// held fixed whatever --freeze says; a pattern naming it is not a typo
				held.computeIfAbsent(constant, k -> new ArrayList<>()).add(t.getName());
				continue;
			}
			names.add(t.getName());
			if (!matching.isEmpty()) continue;
			list.add(new Parameter(t.getName(), t.getDimsList().stream().mapToLong(
				Long::longValue).toArray(), Tensors.floats(t)));
			if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) otherTypes
				.computeIfAbsent(t.getDataType(), k -> new ArrayList<>()).add(t
					.getName());
		}
		// a pattern that matches nothing is a typo: training every weight instead
		// would go unnoticed
		for (int i = 0; i < patterns.size(); i++)
			if (!used.contains(patterns.get(i))) throw new GanException("--freeze '" +
				freeze.get(i) + "' matches no parameter of the model; " + hint(names));
		long trainedValues = 0;
		for (Parameter p : list)
			trainedValues += p.size();
		String constantNodes = constantNodesNote(model.getGraph(), output,
			constants, trainedValues);
		if (list.isEmpty()) throw new GanException(
			"the model has no trainable float parameters" + (freeze.isEmpty() ? ""
				: " (after freezing " + freeze + ")") + (held.isEmpty() ? "" : "; " +
					heldNote(held)) + (constantNodes == null ? "" : "; " +
						constantNodes));
		List<String> notes = new ArrayList<>();
		if (!held.isEmpty()) notes.add(heldNote(held));
		otherTypes.forEach((type, which) -> notes.add(storedNote(type, which)));
		if (constantNodes != null) notes.add(constantNodes);
		return new Selection(list, notes);
	}

	/**
	 * The note on Constant nodes whose float tensors (of more than one element)
	 * reach {@code output} through data inputs of operators that pass a gradient,
	 * as weights do: some exporters and converters keep weights there, and they
	 * are not trained. Null when there are none, or when they hold fewer values
	 * than a tenth of the {@code trainedValues} in trainable initializers: a
	 * model that keeps its weights in initializers keeps a small fixed filter in
	 * a Constant node on purpose (the bundled inpainting models' four-neighbour
	 * mean). Constants {@link ConstantTensors} knows are left out.
	 */
	private static String constantNodesNote(GraphProto g, String output,
		Map<String, String> constants, long trainedValues)
	{
		Set<String> reaching = new HashSet<>();
		if (output != null) reaching.add(output);
		else g.getOutputList().forEach(v -> reaching.add(v.getName()));
		List<NodeProto> nodes = g.getNodeList();
		for (int i = nodes.size() - 1; i >= 0; i--) {
			NodeProto n = nodes.get(i);
			if (!GradientBuilder.passesGradient(n) || n.getOutputList().stream()
				.noneMatch(reaching::contains)) continue;
			Set<Integer> config = NOT_TRAINABLE.getOrDefault(n.getOpType(), Set.of());
			for (int k = 0; k < n.getInputCount(); k++)
				if (!config.contains(k)) reaching.add(n.getInput(k));
		}
		List<String> found = new ArrayList<>();
		long values = 0;
		for (NodeProto n : nodes)
			if (n.getOpType().equals("Constant") && n.getOutputCount() == 1 &&
				reaching.contains(n.getOutput(0)) && !constants.containsKey(n.getOutput(
					0))) for (AttributeProto a : n.getAttributeList())
				if (a.getName().equals("value") && ElementTypes.isFloatingPoint(a.getT()
					.getDataType()) && Tensors.elementCount(a.getT()) > 1)
				{
					found.add(n.getOutput(0) + " " + a.getT().getDimsList());
					values += Tensors.elementCount(a.getT());
				}
		if (found.isEmpty() || values * 10 < trainedValues) return null;
		return "Constant nodes are not trained, and these hold float tensors that " +
			"reach the loss as weights do: " + names(found) +
			" (fine-tuning trains " +
			"initializers only; to train them, move them into initializers, as " +
			"onnx-simplifier does)";
	}

	/**
	 * The note on initializers held fixed as constants of the computation, by
	 * reason.
	 */
	private static String heldNote(Map<String, List<String>> held) {
		List<String> parts = new ArrayList<>();
		int count = 0;
		for (Map.Entry<String, List<String>> e : held.entrySet()) {
			parts.add(names(e.getValue()) + " (" + e.getKey() + ")");
			count += e.getValue().size();
		}
		return count + (count == 1 ? " tensor is held fixed as a constant"
			: " tensors are held fixed as constants") + " of the computation, not " +
			"trained as weights: " + String.join("; ", parts) +
			". --freeze REGEX holds other tensors fixed";
	}

	/**
	 * The note on weights stored in a float type other than float32: how they
	 * train and how they are written back.
	 */
	private static String storedNote(int type, List<String> which) {
		String t = ElementTypes.widthName(type);
		return which.size() + " weight" + (which.size() == 1 ? " is" : "s are") +
			" stored as " + t + " (" + names(which) + "): trained in float32 and " +
			"written back as " + t + (type == TensorProto.DataType.DOUBLE_VALUE
				? " (with float32's precision)" : ", rounded to it");
	}

	/** Up to five names, and how many more. */
	private static String names(List<String> names) {
		int shown = Math.min(5, names.size());
		return String.join(", ", names.subList(0, shown)) + (names.size() > shown
			? " and " + (names.size() - shown) + " more" : "");
	}

	/**
	 * Refuses a model whose float weights (of any float type) hold NaN or
	 * infinite values: its loss is not a number from the first step, and no
	 * learning rate helps. Initializers kept in external data, or whose data does
	 * not hold their shape, are left to the checks that refuse them.
	 *
	 * @param modelName how the refusal names the model
	 */
	public static void refuseNonFinite(ModelProto model, String modelName) {
		long bad = 0;
		List<String> tensors = new ArrayList<>();
		for (TensorProto t : model.getGraph().getInitializerList()) {
			int type = t.getDataType();
			if (!ElementTypes.isFloatingPoint(type) || t
				.getDataLocation() == TensorProto.DataLocation.EXTERNAL) continue;
			long n = Tensors.elementCount(t);
			long held = !t.getRawData().isEmpty() ? t.getRawData().size() / Tensors
				.floatBytes(type) : type == TensorProto.DataType.FLOAT_VALUE ? t
					.getFloatDataCount() : type == TensorProto.DataType.DOUBLE_VALUE ? t
						.getDoubleDataCount() : t.getInt32DataCount();
			if (n != held) continue;
			long here = 0;
			for (float v : Tensors.floats(t))
				if (!Float.isFinite(v)) here++;
			if (here == 0) continue;
			bad += here;
			tensors.add(t.getName());
		}
		if (bad == 0) return;
		int shown = Math.min(3, tensors.size());
		throw new GanException("model " + modelName + " holds " + bad +
			" NaN or infinite weight" + (bad == 1 ? "" : "s") + " (in tensor" +
			(tensors.size() == 1 ? " " : "s ") + String.join(", ", tensors.subList(0,
				shown)) + (tensors.size() > shown ? " and " + (tensors.size() - shown) +
					" more" : "") + "): it cannot be trained; start from its " +
			"original weights or a fresh model");
	}

	/** A few parameter names, for a pattern that matched none. */
	private static String hint(List<String> names) {
		if (names.isEmpty()) return "it has none";
		int shown = Math.min(5, names.size());
		return "its parameters are " + String.join(", ", names.subList(0, shown)) +
			(names.size() > shown ? " and " + (names.size() - shown) + " more" : "");
	}

	/**
	 * A copy of {@code model} with the given initializers replaced by new values,
	 * each in the initializer's own float type (rounded to it).
	 */
	public static ModelProto withValues(ModelProto model,
		Map<String, float[]> values)
	{
		ModelProto.Builder b = model.toBuilder();
		var g = b.getGraphBuilder();
		for (int i = 0; i < g.getInitializerCount(); i++) {
			TensorProto t = g.getInitializer(i);
			float[] v = values.get(t.getName());
			if (v != null) g.setInitializer(i, Tensors.floatTensor(t.getName(), v, t
				.getDataType(), t.getDimsList().stream().mapToLong(Long::longValue)
					.toArray()));
		}
		return b.build();
	}
}
