
package org.fijigan.core.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.onnx.ElementTypes;

import com.google.protobuf.InvalidProtocolBufferException;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Which nodes of an ONNX graph have no kernel in a GPU execution provider, so
 * that ONNX Runtime would place them on the CPU (or, in strict mode, refuse the
 * model). Read statically from ONNX Runtime's generated operator-kernel table
 * ({@code operator-kernels.txt} beside this class: its header says which
 * version and what was extracted), without loading any provider.
 * <p>
 * A node is covered when its provider's table has a row for its operator and
 * domain whose opset range holds the opset the model imports for that domain
 * and whose element types hold the element type of the node's data input (the
 * first input; Where's second). Element types come from the graph's declared
 * inputs, initializers and value infos, carried through the nodes in file
 * order; a node whose data type cannot be told is judged by operator and opset
 * alone. What this does not see: nodes inside subgraphs (If, Loop) and inside
 * model-local functions, which ONNX Runtime inlines; ONNX function operators
 * that ONNX Runtime expands into their body when it has no kernel for them
 * (such a node is reported, although its body may run on the GPU); and ONNX
 * Runtime's own graph rewrites, which may fuse nodes into operators of other
 * domains. The table is read once, on first use, and shared; every method is
 * safe to call from several threads.
 */
public final class ProviderCoverage {

	/** One node without a kernel: what it is, where, and why. */
	public record Missing(String nodeName, String opType, String domain,
			long opset, String elementType, String reason) {

		/**
		 * E.g.
		 * {@code Mish "act1" (ai.onnx opset 18, float): no kernel for this operator}.
		 */
		@Override
		public String toString() {
			return opType + " \"" + nodeName + "\" (" + domain + " opset " + opset +
				(elementType == null ? "" : ", " + elementType) + "): " + reason;
		}
	}

	private record Row(int from, int to, int input, Set<String> types) {

		boolean holds(long opset) {
			return opset >= from && opset <= to;
		}
	}

	private static final String RESOURCE = "operator-kernels.txt";
	private static final String ONNX_DOMAIN = "ai.onnx";
	private static volatile Map<ExecutionProvider, Map<String, List<Row>>> table;

	private ProviderCoverage() {}

	/**
	 * The providers the table covers: CUDA (and TensorRT, whose unsupported nodes
	 * go to CUDA) and DirectML.
	 */
	public static boolean covers(ExecutionProvider p) {
		return tableFor(p) != null;
	}

	/** The providers {@code info} reports on, in order. */
	public static List<ExecutionProvider> reported() {
		return List.of(ExecutionProvider.CUDA, ExecutionProvider.DIRECTML);
	}

	/**
	 * The nodes of {@code model}'s main graph that have no kernel in
	 * {@code provider}, in graph order.
	 *
	 * @throws IllegalArgumentException for a provider the table does not cover
	 *           ({@link #covers})
	 */
	public static List<Missing> missing(ModelProto model,
		ExecutionProvider provider)
	{
		Map<String, List<Row>> rows = tableFor(provider);
		if (rows == null) throw new IllegalArgumentException(
			"no kernel table for " + provider.id());
		Map<String, Long> opsets = new HashMap<>();
		for (OperatorSetIdProto o : model.getOpsetImportList())
			opsets.put(domain(o.getDomain()), o.getVersion());
		Set<String> local = new HashSet<>();
		for (FunctionProto f : model.getFunctionsList())
			local.add(domain(f.getDomain()) + "::" + f.getName());
		GraphProto g = model.getGraph();
		Map<String, Integer> types = declaredTypes(g);
		List<Missing> out = new ArrayList<>();
		for (NodeProto n : g.getNodeList()) {
			String domain = domain(n.getDomain());
			inferOutputTypes(n, types);
			if (local.contains(domain + "::" + n.getOpType())) continue; // inlined by
																																		// ONNX
																																		// Runtime
			if (n.getOpType().equals("Constant") && domain.equals(ONNX_DOMAIN))
				continue; // folded into an initializer
			long opset = opsets.getOrDefault(domain, 0L);
			List<Row> candidates = rows.get(domain + "::" + n.getOpType());
			String name = n.getName().isEmpty() ? n.getOutputCount() > 0 ? n
				.getOutput(0) : "" : n.getName();
			Row row = null;
			if (candidates != null) for (Row r : candidates)
				if (r.holds(opset)) row = r;
			int at = row != null ? row.input() : n.getInputCount() > 0 ? 0 : -1;
			Integer type = at < 0 ? n.getOutputCount() > 0 ? types.get(n.getOutput(0))
				: null : at < n.getInputCount() ? types.get(n.getInput(at)) : null;
			String typeName = type == null ? null : ElementTypes.name(type);
			if (candidates == null) out.add(new Missing(name, n.getOpType(), domain,
				opset, typeName, "no kernel for this operator"));
			else if (row == null) out.add(new Missing(name, n.getOpType(), domain,
				opset, typeName, "no kernel at opset " + opset));
			else if (typeName != null && !row.types().contains(typeName)) out.add(
				new Missing(name, n.getOpType(), domain, opset, typeName,
					"no kernel for element type " + typeName + " (has: " + String.join(
						", ", row.types()) + ")"));
		}
		return out;
	}

	/** One line per missing node, or "none". */
	public static String describe(List<Missing> missing) {
		if (missing.isEmpty()) return "none";
		List<String> s = new ArrayList<>();
		for (Missing m : missing)
			s.add(m.toString());
		return String.join("; ", s);
	}

	/**
	 * The message for a model that a strict device refused: the nodes without a
	 * kernel in the provider, as the table lists them, and ONNX Runtime's own
	 * reason.
	 *
	 * @param model the model's bytes, or null when they cannot be read
	 */
	static String strictRefusal(String name, byte[] model, DeviceSpec device,
		String ortReason)
	{
		String head = "ONNX Runtime cannot run " + name + " wholly on " + device +
			" (strict mode does not fall " + "back to the CPU)";
		String said = "; ONNX Runtime said: " + ortReason;
		if (model == null || !covers(device.provider())) return head + said;
		List<Missing> missing;
		try {
			missing = missing(ModelProto.parseFrom(model), device.provider());
		}
		catch (InvalidProtocolBufferException e) {
			return head + said;
		}
		if (missing.isEmpty()) return head +
			". ONNX Runtime's operator table lists a " + device.provider().id() +
			" kernel for every node, so the refusal has another cause" + said;
		int shown = Math.min(missing.size(), 20);
		return head + ". " + missing.size() + " node(s) have no " + device
			.provider().id() + " kernel: " + describe(missing.subList(0, shown)) +
			(shown < missing.size() ? "; and " + (missing.size() - shown) + " more"
				: "") + said;
	}

	private static String domain(String d) {
		return d.isEmpty() || d.equals("ai.onnx") ? ONNX_DOMAIN : d;
	}

	private static Map<String, List<Row>> tableFor(ExecutionProvider p) {
		return switch (p) {
			case CUDA, TENSORRT -> table().get(ExecutionProvider.CUDA);
			case DIRECTML -> table().get(ExecutionProvider.DIRECTML);
			default -> null;
		};
	}

	// ---- element types
	// -------------------------------------------------------------------------

	private static Map<String, Integer> declaredTypes(GraphProto g) {
		Map<String, Integer> types = new HashMap<>();
		for (TensorProto t : g.getInitializerList())
			types.put(t.getName(), t.getDataType());
		for (List<ValueInfoProto> list : List.of(g.getInputList(), g
			.getValueInfoList(), g.getOutputList()))
			for (ValueInfoProto v : list) {
				TypeProto t = v.getType();
				if (t.hasTensorType() && t.getTensorType().getElemType() != 0) types
					.putIfAbsent(v.getName(), t.getTensorType().getElemType());
			}
		return types;
	}

	/**
	 * Records the element types of {@code n}'s outputs that the graph does not
	 * declare.
	 */
	private static void inferOutputTypes(NodeProto n,
		Map<String, Integer> types)
	{
		if (n.getOutputCount() == 0) return;
		Integer first = null;
		for (String in : n.getInputList())
			if (!in.isEmpty() && types.containsKey(in)) {
				first = types.get(in);
				break;
			}
		Integer in0 = n.getInputCount() > 0 ? types.get(n.getInput(0)) : null;
		Integer out = switch (n.getOpType()) {
			case "Cast" -> attributeType(n, "to", null);
			case "CastLike" -> n.getInputCount() > 1 ? types.get(n.getInput(1))
				: null;
			case "Shape", "Size", "ArgMax", "ArgMin", "NonZero" ->
				TensorProto.DataType.INT64_VALUE;
			case "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Not",
					"And", "Or", "Xor", "IsNaN", "IsInf" ->
				TensorProto.DataType.BOOL_VALUE;
			case "Constant" -> constantType(n);
			case "ConstantOfShape" -> constantType(n) == null
				? TensorProto.DataType.FLOAT_VALUE : constantType(n);
			case "RandomNormal", "RandomUniform" -> attributeType(n, "dtype",
				TensorProto.DataType.FLOAT_VALUE);
			case "RandomNormalLike", "RandomUniformLike", "EyeLike" -> attributeType(
				n, "dtype", in0);
			case "Where" -> n.getInputCount() > 1 ? types.get(n.getInput(1)) : null;
			case "OneHot" -> n.getInputCount() > 2 ? types.get(n.getInput(2)) : null;
			case "DequantizeLinear" -> n.getInputCount() > 1 ? types.get(n.getInput(
				1)) : null;
			case "QuantizeLinear" -> n.getInputCount() > 2 ? types.get(n.getInput(2))
				: TensorProto.DataType.UINT8_VALUE;
			default -> in0 != null ? in0 : first;
		};
		if (out != null) types.putIfAbsent(n.getOutput(0), out);
		if (n.getOutputCount() > 1 && (n.getOpType().equals("TopK") || n.getOpType()
			.equals("MaxPool"))) types.putIfAbsent(n.getOutput(1),
				TensorProto.DataType.INT64_VALUE);
		else if (out != null) for (int i = 1; i < n.getOutputCount(); i++)
			types.putIfAbsent(n.getOutput(i), out);
	}

	private static Integer attributeType(NodeProto n, String name,
		Integer otherwise)
	{
		for (AttributeProto a : n.getAttributeList())
			if (a.getName().equals(name)) return (int) a.getI();
		return otherwise;
	}

	private static Integer constantType(NodeProto n) {
		for (AttributeProto a : n.getAttributeList())
			switch (a.getName()) {
				case "value":
					return a.getT().getDataType();
				case "value_float", "value_floats":
					return TensorProto.DataType.FLOAT_VALUE;
				case "value_int", "value_ints":
					return TensorProto.DataType.INT64_VALUE;
				default:
			}
		return null;
	}

	// ---- the table
	// ------------------------------------------------------------------------------

	private static Map<ExecutionProvider, Map<String, List<Row>>> table() {
		Map<ExecutionProvider, Map<String, List<Row>>> t = table;
		if (t == null) {
			try (InputStream in = ProviderCoverage.class.getResourceAsStream(
				RESOURCE))
			{
				if (in == null) throw new GanException("the operator-kernel table " +
					RESOURCE + " is missing from this build");
				t = parse(new BufferedReader(new InputStreamReader(in,
					StandardCharsets.UTF_8)).lines().toList());
			}
			catch (IOException e) {
				throw new GanException("cannot read the operator-kernel table " +
					RESOURCE + ": " + e.getMessage(), e);
			}
			table = t;
		}
		return t;
	}

	/** Parses the table's text (format in its header). */
	private static Map<ExecutionProvider, Map<String, List<Row>>> parse(
		List<String> lines)
	{
		Map<ExecutionProvider, Map<String, List<Row>>> t = new EnumMap<>(
			ExecutionProvider.class);
		Map<String, List<String>> sets = new HashMap<>();
		Map<String, List<Row>> section = null;
		String domain = null;
		int number = 0;
		for (String raw : lines) {
			number++;
			String line = raw.strip();
			if (line.isEmpty() || line.startsWith("#")) continue;
			try {
				if (line.startsWith("[")) {
					String[] p = line.substring(1, line.length() - 1).trim().split(
						"\\s+");
					ExecutionProvider provider = ExecutionProvider.byId(p[0]);
					if (provider == null || p.length != 2)
						throw new IllegalArgumentException("bad section");
					section = t.computeIfAbsent(provider, k -> new HashMap<>());
					domain = p[1];
					continue;
				}
				String[] p = line.split("\\s+");
				if (p[0].startsWith("$")) {
					if (p.length < 3 || !p[1].equals("="))
						throw new IllegalArgumentException("bad set");
					sets.put(p[0], expand(List.of(p).subList(2, p.length), sets));
					continue;
				}
				if (section == null) throw new IllegalArgumentException(
					"row before any section");
				int[] range = range(p[1]);
				int at = 2, input = 0;
				if (p[at].matches("in\\d+")) input = Integer.parseInt(p[at++].substring(
					2));
				else if (p[at].equals("out0")) {
					input = -1;
					at++;
				}
				Set<String> types = new LinkedHashSet<>(expand(List.of(p).subList(at,
					p.length), sets));
				if (types.isEmpty()) throw new IllegalArgumentException("no types");
				List<Row> rows = section.computeIfAbsent(domain + "::" + p[0],
					k -> new ArrayList<>());
				Row row = new Row(range[0], range[1], input, Collections
					.unmodifiableSet(types));
				for (Row r : rows)
					if (r.from() <= row.to() && row.from() <= r.to())
						throw new IllegalArgumentException(
							"opsets overlap an earlier row of " + p[0]);
				rows.add(row);
			}
			catch (RuntimeException e) {
				throw new GanException(RESOURCE + " line " + number + " (" + line +
					"): " + e.getMessage(), e);
			}
		}
		return t;
	}

	private static List<String> expand(List<String> words,
		Map<String, List<String>> sets)
	{
		List<String> out = new ArrayList<>();
		for (String w : words)
			if (w.startsWith("$")) {
				List<String> s = sets.get(w);
				if (s == null) throw new IllegalArgumentException("unknown set " + w);
				out.addAll(s);
			}
			else out.add(w.toLowerCase(Locale.ROOT));
		return out;
	}

	private static int[] range(String s) {
		if (s.endsWith("+")) return new int[] { Integer.parseInt(s.substring(0, s
			.length() - 1)), Integer.MAX_VALUE };
		int dash = s.indexOf('-');
		if (dash > 0) return new int[] { Integer.parseInt(s.substring(0, dash)),
			Integer.parseInt(s.substring(dash + 1)) };
		int v = Integer.parseInt(s);
		return new int[] { v, v };
	}
}
