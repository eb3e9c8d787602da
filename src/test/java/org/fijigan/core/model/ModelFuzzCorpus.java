
package org.fijigan.core.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.fijigan.testing.OnnxModels;

import com.google.protobuf.ByteString;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Seeds and seeded mutations for {@link ModelFuzzTest} and its forked half
 * {@link ModelFuzzMain}: valid tiny models, descriptors and packages, and what
 * an attacker could turn them into. Every mutation is a pure function of the
 * {@link Random} it is given, so a case number and a seed reproduce a failure
 * exactly.
 */
final class ModelFuzzCorpus {

	private ModelFuzzCorpus() {}

	/**
	 * Valid tiny models covering every loader path: image-to-image, SR, inpaint,
	 * generator, probe.
	 */
	static List<byte[]> onnxSeeds() {
		List<byte[]> seeds = new ArrayList<>();
		seeds.add(OnnxModels.identity(1).toBytes());
		seeds.add(OnnxModels.addConstant(3, 0.5f).metadata(ModelLoader.META_TASK,
			"denoise").metadata(ModelLoader.META_RANGE, "-1,1").metadata(
				ModelLoader.META_HALO, "4").toBytes());
		seeds.add(OnnxModels.conv3x3(1, 1, 1, 2).toBytes());
		seeds.add(OnnxModels.pixelShuffle(1, 2).metadata(ModelLoader.META_SCALE,
			"2").toBytes());
		seeds.add(OnnxModels.instanceNorm(1).toBytes());
		seeds.add(OnnxModels.fixedShape(1, 8, 8).toBytes());
		seeds.add(OnnxModels.inpaint(1).metadata(ModelLoader.META_MASK_HOLE, "1")
			.toBytes());
		seeds.add(OnnxModels.generator(4, 3, 4, 4).metadata(
			ModelLoader.META_CLASS_NAMES, "a,b,c").toBytes());
		// A transpose the receptive-field walker does not understand: the loader
		// probes it in ONNX Runtime.
		seeds.add(OnnxModels.builder().input("x", "N,1,H,W").node("Transpose", "x",
			"y", OnnxModels.attrInts("perm", 0, 1, 3, 2)).output("y", "N,1,W,H")
			.toBytes());
		return seeds;
	}

	static final String RDF_05 =
		"""
				format_version: 0.5.3
				type: model
				name: fuzz
				authors: [{name: Ada}]
				inputs:
				  - id: raw
				    axes:
				      - type: batch
				      - {type: channel, channel_names: [g]}
				      - {type: space, id: y, size: {min: 8, step: 4}}
				      - {type: space, id: x, size: {min: 8, step: 4}}
				    test_tensor: {source: in.npy}
				    preprocessing:
				      - {id: scale_range, kwargs: {axes: [x, y], min_percentile: 1, max_percentile: 99}}
				outputs:
				  - id: out
				    axes:
				      - type: batch
				      - {type: channel, channel_names: [g]}
				      - {type: space, id: y, halo: 2, size: {tensor_id: raw, axis_id: y}}
				      - {type: space, id: x, halo: 2, size: {tensor_id: raw, axis_id: x}}
				    postprocessing:
				      - {id: clip, kwargs: {min: 0, max: 1}}
				weights:
				  onnx: {source: model.onnx, sha256: %s}
				config:
				  fiji-gan: {task: denoise, value_range: "0,1"}
				""";

	static final String RDF_04 =
		"""
				format_version: 0.4.10
				type: model
				name: fuzz04
				authors: [{name: Bob}]
				test_inputs: [in.npy]
				test_outputs: [out.npy]
				inputs:
				  - name: input0
				    axes: bcyx
				    data_type: float32
				    shape: {min: [1, 1, 8, 8], step: [0, 0, 4, 4]}
				outputs:
				  - name: output0
				    axes: bcyx
				    shape: {reference_tensor: input0, scale: [1, 1, 1, 1], offset: [0, 0, 0, 0]}
				    halo: [0, 0, 2, 2]
				weights:
				  onnx: {source: model.onnx, sha256: %s}
				""";

	/** The weights every descriptor seed names (model.onnx next to it). */
	static byte[] rdfWeights() {
		return OnnxModels.conv3x3(1, 1, 3, 2).toBytes();
	}

	static List<String> rdfSeeds(String weightsSha256) {
		return List.of(RDF_05.formatted(weightsSha256), RDF_04.formatted(
			weightsSha256));
	}

	/** A package: descriptor and weights, at the top level or in one folder. */
	static byte[] zipSeed(String rdf, byte[] weights, boolean inFolder) {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		String prefix = inFolder ? "pkg/" : "";
		entries.put(prefix + "rdf.yaml", rdf.getBytes(StandardCharsets.UTF_8));
		entries.put(prefix + "model.onnx", weights);
		return zip(entries, true);
	}

	static byte[] zip(Map<String, byte[]> entries, boolean deflate) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream out = new ZipOutputStream(bytes)) {
			out.setMethod(deflate ? ZipOutputStream.DEFLATED
				: ZipOutputStream.STORED);
			for (Map.Entry<String, byte[]> e : entries.entrySet()) {
				ZipEntry entry = new ZipEntry(e.getKey());
				if (!deflate) {
					java.util.zip.CRC32 crc = new java.util.zip.CRC32();
					crc.update(e.getValue());
					entry.setSize(e.getValue().length);
					entry.setCrc(crc.getValue());
				}
				out.putNextEntry(entry);
				out.write(e.getValue());
				out.closeEntry();
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return bytes.toByteArray();
	}

	// ---------------------------------------------------------------- byte level

	private static final byte[] INTERESTING = { 0, -1, 0x7f, (byte) 0x80, 1, 0x0a,
		0x12, 0x1a, 0x22, 0x3a };

	/**
	 * Bit flips, truncation, insertion, deletion, duplication or overwrite with
	 * boundary bytes.
	 */
	static byte[] mutateBytes(byte[] seed, Random r) {
		byte[] b = seed.clone();
		int rounds = 1 + r.nextInt(4);
		for (int k = 0; k < rounds && b.length > 0; k++) {
			int at = r.nextInt(b.length);
			switch (r.nextInt(7)) {
				case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
				case 1 -> b = Arrays.copyOf(b, at);
				case 2 -> {
					byte[] ins = new byte[1 + r.nextInt(16)];
					r.nextBytes(ins);
					b = splice(b, at, 0, ins);
				}
				case 3 -> b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(32)),
					new byte[0]);
				case 4 -> {
					int len = Math.min(b.length - at, 1 + r.nextInt(64));
					b = splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
				}
				case 5 -> b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
				default -> { // a varint that claims a huge length
					byte[] huge = { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
						0x0f };
					b = splice(b, at, Math.min(b.length - at, 5), huge);
				}
			}
		}
		return b;
	}

	private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
		byte[] out = new byte[b.length - remove + insert.length];
		System.arraycopy(b, 0, out, 0, at);
		System.arraycopy(insert, 0, out, at, insert.length);
		System.arraycopy(b, at + remove, out, at + insert.length, b.length - at -
			remove);
		return out;
	}

	// ---------------------------------------------------------------- ONNX field
	// level

	private static final long[] DIMS = { 0, -1, -7, 1, 3, 1L << 20, (1L << 20) +
		1, 1_000_000_000L, Long.MAX_VALUE, Integer.MAX_VALUE,
		(long) Integer.MAX_VALUE + 1 };
	private static final String[] OPS = { "Conv", "ConvTranspose", "Resize",
		"Reshape", "Transpose", "Gemm", "Gather", "DepthToSpace", "SpaceToDepth",
		"Pad", "Slice", "If", "Loop", "Scan", "ReduceMean", "Softmax", "Unknown",
		"MaxPool", "Tile", "Expand", "" };
	private static final String[] DOMAINS = { "", "ai.onnx", "com.microsoft",
		"evil.ops", "ai.onnx.ml" };
	private static final String[] LOCATIONS = { "w.bin", "../w.bin",
		"/etc/passwd", "a/../../w.bin", "C:\\w.bin", "\\\\server\\share", "",
		"sub/w.bin", "w\u0000.bin", "./w.bin" };
	private static final String[] META_VALUES = { "", "abc", "-1", "0", "2",
		"1e308", "NaN", "Infinity", "-1,1", "1,", ",", "super-resolution",
		"generate", "inpaint", "subtract", "0.5", "9999999999" };
	private static final String[] META_KEYS = { ModelLoader.META_TASK,
		ModelLoader.META_SCALE, ModelLoader.META_HALO, ModelLoader.META_RANGE,
		ModelLoader.META_RESIDUAL, ModelLoader.META_MASK_HOLE,
		ModelLoader.META_CLASS_NAMES };

	/**
	 * One to three structural edits of a parsed model: shapes, types, operators,
	 * attributes, metadata, external data.
	 */
	static byte[] mutateModel(byte[] seed, Random r) {
		ModelProto.Builder m;
		try {
			m = ModelProto.parseFrom(seed).toBuilder();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		GraphProto.Builder g = m.getGraphBuilder();
		int rounds = 1 + r.nextInt(3);
		for (int k = 0; k < rounds; k++) {
			switch (r.nextInt(12)) {
				case 0, 1 -> { // a dimension of an input or output
					List<ValueInfoProto.Builder> vs = new ArrayList<>(g
						.getInputBuilderList());
					vs.addAll(g.getOutputBuilderList());
					if (vs.isEmpty()) break;
					var t = vs.get(r.nextInt(vs.size())).getTypeBuilder()
						.getTensorTypeBuilder();
					TensorShapeProto.Builder s = t.getShapeBuilder();
					if (s.getDimCount() == 0 || r.nextInt(5) == 0) s.addDimBuilder()
						.setDimValue(DIMS[r.nextInt(DIMS.length)]);
					else s.getDimBuilder(r.nextInt(s.getDimCount())).setDimValue(DIMS[r
						.nextInt(DIMS.length)]);
				}
				case 2 -> { // element type
					List<ValueInfoProto.Builder> vs = new ArrayList<>(g
						.getInputBuilderList());
					if (vs.isEmpty()) break;
					vs.get(r.nextInt(vs.size())).getTypeBuilder().getTensorTypeBuilder()
						.setElemType(r.nextInt(20) - 1);
				}
				case 3 -> { // operator and domain
					if (g.getNodeCount() == 0) break;
					NodeProto.Builder n = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
					if (r.nextBoolean()) n.setOpType(OPS[r.nextInt(OPS.length)]);
					else n.setDomain(DOMAINS[r.nextInt(DOMAINS.length)]);
				}
				case 4 -> { // attribute values
					if (g.getNodeCount() == 0) break;
					NodeProto.Builder n = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
					String[] names = { "kernel_shape", "pads", "strides", "dilations",
						"blocksize", "perm", "axis", "axes", "group", "mode" };
					String name = names[r.nextInt(names.length)];
					AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
					if (name.equals("mode")) a.setType(
						AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(r
							.nextBoolean() ? "cubic" : "xyz"));
					else if (r.nextBoolean()) a.setType(AttributeProto.AttributeType.INT)
						.setI(DIMS[r.nextInt(DIMS.length)]);
					else {
						a.setType(AttributeProto.AttributeType.INTS);
						for (int i = r.nextInt(7); i > 0; i--)
							a.addInts(DIMS[r.nextInt(DIMS.length)]);
					}
					n.addAttribute(a);
				}
				case 5 -> { // external data, on an initializer or a Constant
					TensorProto.Builder t = TensorProto.newBuilder().setName("ext" + k)
						.setDataType(1).addDims(2).setDataLocation(
							TensorProto.DataLocation.EXTERNAL).addExternalData(
								StringStringEntryProto.newBuilder().setKey("location").setValue(
									LOCATIONS[r.nextInt(LOCATIONS.length)]));
					if (r.nextBoolean()) g.addInitializer(t);
					else g.addNode(NodeProto.newBuilder().setOpType("Constant").addOutput(
						"const" + k).addAttribute(AttributeProto.newBuilder().setName(
							"value").setType(AttributeProto.AttributeType.TENSOR).setT(t)));
				}
				case 6 -> { // metadata
					String key = META_KEYS[r.nextInt(META_KEYS.length)];
					String value = r.nextInt(10) == 0 ? "x".repeat(100_000)
						: META_VALUES[r.nextInt(META_VALUES.length)];
					m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key)
						.setValue(value));
				}
				case 7 -> { // remove something
					int what = r.nextInt(4);
					if (what == 0 && g.getInputCount() > 0) g.removeInput(r.nextInt(g
						.getInputCount()));
					else if (what == 1 && g.getOutputCount() > 0) g.removeOutput(r
						.nextInt(g.getOutputCount()));
					else if (what == 2 && g.getNodeCount() > 0) g.removeNode(r.nextInt(g
						.getNodeCount()));
					else if (g.getInitializerCount() > 0) g.removeInitializer(r.nextInt(g
						.getInitializerCount()));
				}
				case 8 -> { // opset and IR version
					if (r.nextBoolean()) m.setIrVersion(DIMS[r.nextInt(DIMS.length)]);
					else if (m.getOpsetImportCount() > 0) m.getOpsetImportBuilder(0)
						.setVersion(r.nextInt(30) - 2);
				}
				case 9 -> { // initializer dims and data disagree
					if (g.getInitializerCount() == 0) break;
					TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g
						.getInitializerCount()));
					if (r.nextBoolean()) t.addDims(DIMS[r.nextInt(DIMS.length)]);
					else t.setRawData(ByteString.copyFrom(new byte[r.nextInt(9)]))
						.clearFloatData();
				}
				case 10 -> { // rename: dangling or duplicated names
					if (g.getNodeCount() == 0 || g.getInputCount() == 0) break;
					NodeProto.Builder n = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
					if (n.getInputCount() > 0) n.setInput(r.nextInt(n.getInputCount()), r
						.nextBoolean() ? "nowhere" : n.getOutputCount() > 0 ? n.getOutput(0)
							: "");
				}
				default -> { // a subgraph, sometimes deep
					GraphProto inner = g.build();
					int depth = 1 + r.nextInt(r.nextInt(8) == 0 ? 120 : 3);
					for (int d = 0; d < depth; d++)
						inner = GraphProto.newBuilder().setName("g" + d).addNode(NodeProto
							.newBuilder().setOpType("If").addInput("x").addOutput("y")
							.addAttribute(AttributeProto.newBuilder().setName("then_branch")
								.setType(AttributeProto.AttributeType.GRAPH).setG(inner)))
							.build();
					g.addNode(inner.getNode(0));
				}
			}
		}
		return m.build().toByteArray();
	}

	// ----------------------------------------------------------------
	// descriptors

	private static final String[] YAML_TOKENS = { "..", "../model.onnx",
		"/etc/passwd", "-1", "0", "1e999", "~", "[]", "{}", "*a", "&a [x, y]",
		"!!java.io.File x", "!!javax.script.ScriptEngineManager []", "{", "[", "'",
		"\"\\u0000\"", "http://example.org/m.onnx", "model.onnx", "0.5.3", "0.4.10",
		"space", "channel", "batch", "index", "time", "x", "y", "raw", "out", "yes",
		"2147483648", "3.5", "\t", "- - -" };

	/** Line-level and token-level edits of a descriptor. */
	static String mutateYaml(String seed, Random r) {
		List<String> lines = new ArrayList<>(Arrays.asList(seed.split("\n", -1)));
		int rounds = 1 + r.nextInt(3);
		for (int k = 0; k < rounds && !lines.isEmpty(); k++) {
			int at = r.nextInt(lines.size());
			String line = lines.get(at);
			switch (r.nextInt(8)) {
				case 0 -> lines.remove(at);
				case 1 -> lines.add(at, line);
				case 2 -> { // replace a value after a colon
					int colon = line.lastIndexOf(':');
					if (colon > 0) lines.set(at, line.substring(0, colon + 1) + " " +
						YAML_TOKENS[r.nextInt(YAML_TOKENS.length)]);
				}
				case 3 -> { // replace a word
					String[] words = line.split("(?<=[ ,\\[{:])|(?=[ ,\\]}:])");
					if (words.length == 0) break;
					words[r.nextInt(words.length)] = YAML_TOKENS[r.nextInt(
						YAML_TOKENS.length)];
					lines.set(at, String.join("", words));
				}
				case 4 -> lines.set(at, (r.nextBoolean() ? "  " : "") + line
					.stripLeading());
				case 5 -> { // a character
					if (line.isEmpty()) break;
					char[] c = line.toCharArray();
					String special = "{}[]:,-&*!|>'\"#%@`\t ";
					c[r.nextInt(c.length)] = special.charAt(r.nextInt(special.length()));
					lines.set(at, new String(c));
				}
				case 6 -> lines.add(at, r.nextBoolean() ? "bomb: &b [" + "*b, ".repeat(
					3) + "1]" : "big: " + "x".repeat(r.nextInt(100_000)));
				default -> lines.set(at, line + (r.nextBoolean() ? " # c" : " " +
					YAML_TOKENS[r.nextInt(YAML_TOKENS.length)]));
			}
		}
		return String.join("\n", lines);
	}

	// ---------------------------------------------------------------- packages

	private static final String[] ENTRY_NAMES = { "../evil", "/abs", "a/../../b",
		"C:/x", "\\evil", "pkg/../../x", "rdf.yaml", "model.onnx", "pkg/",
		"pkg/rdf.yaml", "x.rdf.yaml", "y.rdf.yaml", "__MACOSX/", "", ".",
		"a\\..\\..\\b" };

	/**
	 * Entry-level edits (names, duplicates, many entries, a mutated descriptor or
	 * weights) or byte edits.
	 */
	static byte[] mutateZip(String rdf, byte[] weights, Random r) {
		if (r.nextInt(3) == 0) return mutateBytes(zipSeed(rdf, weights, r
			.nextBoolean()), r);
		Map<String, byte[]> entries = new LinkedHashMap<>();
		String prefix = r.nextInt(4) == 0 ? "pkg/" : "";
		entries.put(prefix + "rdf.yaml", (r.nextBoolean() ? mutateYaml(rdf, r)
			: rdf).getBytes(StandardCharsets.UTF_8));
		entries.put(prefix + "model.onnx", r.nextInt(4) == 0 ? mutateBytes(weights,
			r) : weights);
		for (int i = r.nextInt(4); i > 0; i--)
			entries.put(ENTRY_NAMES[r.nextInt(ENTRY_NAMES.length)] + (r.nextBoolean()
				? "" : "/f" + i), new byte[r.nextInt(64)]);
		if (r.nextInt(10) == 0) for (int i = 0; i < 200; i++)
			entries.put("many/" + i, new byte[0]);
		try {
			return zip(entries, r.nextBoolean());
		}
		catch (RuntimeException e) { // ZipOutputStream refuses some names (e.g.
																	// duplicates): keep the seed
			return zipSeed(rdf, weights, false);
		}
	}
}
