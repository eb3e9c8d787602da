
package org.fijigan.core.model;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * What a hostile model file, descriptor or package can try, one check each
 * (SECURITY.md lists them): every attempt ends in a {@link GanException} naming
 * the problem, before ONNX Runtime sees the file.
 */
class UntrustedModelTest {

	@TempDir
	Path dir;

	private static TensorProto external(String name, String location) {
		return TensorProto.newBuilder().setName(name).setDataType(1).addDims(1)
			.addDims(1).addDims(1).addDims(1).setDataLocation(
				TensorProto.DataLocation.EXTERNAL).addExternalData(
					StringStringEntryProto.newBuilder().setKey("location").setValue(
						location)).addExternalData(StringStringEntryProto.newBuilder()
							.setKey("length").setValue("4")).build();
	}

	/** A 1x1 Conv whose weight lives in external data at {@code location}. */
	private Path convWithExternalWeight(String file, String location) {
		return OnnxModels.builder().input("x", "N,1,H,W").initializer(external("w",
			location)).node("Conv", "x,w", "y", OnnxModels.attrInts("kernel_shape", 1,
				1)).output("y", "N,1,H,W").write(dir, file);
	}

	private GanException refused(Path model) {
		return assertThrows(GanException.class, () -> ModelLoader.load(model
			.toString(), ModelOverrides.NONE));
	}

	@Test
	void externalDataMustStayInsideTheModelFolder() throws IOException {
		Files.write(dir.resolve("w.bin"), new byte[4]);
		assertEquals("inside", ModelLoader.load(convWithExternalWeight(
			"inside.onnx", "w.bin").toString(), ModelOverrides.NONE).name());
		Path outside = Files.createDirectories(dir.resolveSibling(dir
			.getFileName() + "-outside"));
		try {
			Files.write(outside.resolve("secret.bin"), new byte[4]);
			Files.createSymbolicLink(dir.resolve("link.bin"), outside.resolve(
				"secret.bin"));
			Files.createSymbolicLink(dir.resolve("sub"), outside);
			for (String location : List.of("/etc/passwd", "../secret.bin",
				"a/../../secret.bin", "..\\secret.bin", "C:\\Windows\\win.ini",
				"link.bin", "sub/secret.bin", "w\u0000.bin"))
			{
				GanException e = refused(convWithExternalWeight("m.onnx", location));
				assertTrue(e.getMessage().contains(
					"refers to external data outside its folder"), location + ": " + e
						.getMessage());
			}
			assertTrue(refused(convWithExternalWeight("m.onnx", "missing.bin"))
				.getMessage().contains("missing"));
			assertTrue(refused(convWithExternalWeight("m.onnx", "")).getMessage()
				.contains("without a location"));
		}
		finally {
			Files.deleteIfExists(outside.resolve("secret.bin"));
			Files.deleteIfExists(outside);
		}
	}

	@Test
	void externalDataIsFoundInConstantsAndSubgraphsToo() {
		AttributeProto value = AttributeProto.newBuilder().setName("value").setType(
			AttributeProto.AttributeType.TENSOR).setT(external("c", "../c.bin"))
			.build();
		Path constant = OnnxModels.builder().input("x", "N,1,H,W").node("Constant",
			"", "c", value).node("Add", "x,c", "y").output("y", "N,1,H,W").write(dir,
				"constant.onnx");
		assertTrue(refused(constant).getMessage().contains("'../c.bin'"));

		GraphProto branch = GraphProto.newBuilder().setName("then").addInitializer(
			external("b", "/etc/passwd")).addNode(NodeProto.newBuilder().setOpType(
				"Identity").addInput("b").addOutput("out")).build();
		Path sub = OnnxModels.builder().input("x", "N,1,H,W").input("cond", 9, "")
			.node("If", "cond", "y", AttributeProto.newBuilder().setName(
				"then_branch").setType(AttributeProto.AttributeType.GRAPH).setG(branch)
				.build(), AttributeProto.newBuilder().setName("else_branch").setType(
					AttributeProto.AttributeType.GRAPH).setG(branch).build()).output("y",
						"N,1,H,W").write(dir, "subgraph.onnx");
		assertEquals(List.of("/etc/passwd"), OnnxGraphInfo.read(sub)
			.externalDataLocations());
		assertTrue(refused(sub).getMessage().contains("'/etc/passwd'"));
	}

	/**
	 * A model-local function's Constant, and a subgraph inside a function, are
	 * checked as the main graph's are: a function's {@code ../secret.bin} was
	 * passed on to ONNX Runtime.
	 */
	@Test
	void externalDataInModelFunctionsIsCheckedToo() throws IOException {
		Files.write(dir.resolve("ok.bin"), new byte[4]);
		for (String location : List.of("../secret.bin", "/etc/passwd", "ok.bin")) {
			AttributeProto value = AttributeProto.newBuilder().setName("value")
				.setType(AttributeProto.AttributeType.TENSOR).setT(external("c",
					location)).build();
			NodeProto constant = NodeProto.newBuilder().setOpType("Constant")
				.addOutput("c").addAttribute(value).build();
			GraphProto branch = GraphProto.newBuilder().setName("then").addNode(
				constant).addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder()
					.setName("c")).build();
			NodeProto nested = NodeProto.newBuilder().setOpType("If").addInput("k")
				.addOutput("c").addAttribute(AttributeProto.newBuilder().setName(
					"then_branch").setType(AttributeProto.AttributeType.GRAPH).setG(
						branch)).addAttribute(AttributeProto.newBuilder().setName(
							"else_branch").setType(AttributeProto.AttributeType.GRAPH).setG(
								branch)).build();
			for (boolean inSubgraph : new boolean[] { false, true }) {
				var f = ai.onnx.proto.OnnxMl.FunctionProto.newBuilder().setDomain(
					"local").setName("AddC").addInput("X").addOutput("Y").addOpsetImport(
						ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(
							17));
				if (inSubgraph) f.addNode(NodeProto.newBuilder().setOpType("Constant")
					.addOutput("k").addAttribute(AttributeProto.newBuilder().setName(
						"value").setType(AttributeProto.AttributeType.TENSOR).setT(
							TensorProto.newBuilder().setDataType(9).addInt32Data(1))))
					.addNode(nested);
				else f.addNode(constant);
				f.addNode(NodeProto.newBuilder().setOpType("Add").addInput("X")
					.addInput("c").addOutput("Y"));
				String file = "fn" + (inSubgraph ? "-if" : "") + ".onnx";
				Path model = OnnxModels.builder().opset("local", 1).function(f.build())
					.metadata("fiji-gan.task", "denoise").metadata("fiji-gan.halo", "0")
					.input("x", "N,1,H,W").node("local::AddC", "x", "y").output("y",
						"N,1,H,W").write(dir, file);
				assertEquals(List.of(location), OnnxGraphInfo.read(model)
					.externalDataLocations(), file);
				if (location.equals("ok.bin")) continue;
				assertEquals("model " + file + " refers to external data outside " +
					"its folder: '" + location + "'", refused(model).getMessage());
			}
		}
	}

	/**
	 * Fine-tuning runs graphs from memory, where external data would resolve
	 * elsewhere: any is refused.
	 */
	@Test
	void fineTuningRefusesExternalData() throws IOException {
		AttributeProto value = AttributeProto.newBuilder().setName("value").setType(
			AttributeProto.AttributeType.TENSOR).setT(external("c", "c.bin")).build();
		ModelProto model = ModelProto.parseFrom(OnnxModels.conv3x3(1, 1, 1, 1).node(
			"Constant", "", "c", value).toBytes());
		GanException e = assertThrows(GanException.class,
			() -> org.fijigan.core.train.Parameters.trainable(model, List.of()));
		assertTrue(e.getMessage().contains("external data [c.bin]"), e
			.getMessage());
		assertEquals(2, org.fijigan.core.train.Parameters.trainable(ModelProto
			.parseFrom(OnnxModels.conv3x3(1, 1, 1, 1).toBytes()), List.of()).size());
	}

	/**
	 * The check runs before the probe run, the only place the loader hands a file
	 * to ONNX Runtime: a model the loader would probe is refused for its external
	 * data, not by ONNX Runtime.
	 */
	@Test
	void escapingExternalDataIsRefusedBeforeAnyProbeRun() {
		Path probed = OnnxModels.builder().input("x", "N,1,H,W").initializer(
			external("bias", "../x.bin")).node("Transpose", "x", "t", OnnxModels
				.attrInts("perm", 0, 1, 3, 2)).node("Add", "t,bias", "y").output("y",
					"N,1,W,H").write(dir, "probed.onnx");
		GanException e = refused(probed);
		assertTrue(e.getMessage().startsWith(
			"model probed.onnx refers to external data outside its folder"), e
				.getMessage());
	}

	@Test
	void customOperatorLibrariesAreNeverLoaded() throws IOException {
		// ONNX Runtime loads native code only through these calls; no main source
		// may make them.
		List<String> offenders = new ArrayList<>();
		try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
			for (Path f : files.filter(p -> p.toString().endsWith(".java"))
				.toList())
			{
				String text = Files.readString(f);
				for (String call : List.of("registerCustomOpLibrary",
					"registerCustomOpsUsingFunction", "System.load(",
					"System.loadLibrary(", "Runtime.getRuntime().load"))
					if (text.contains(call)) offenders.add(f + ": " + call);
			}
		}
		assertEquals(List.of(), offenders);
		// And a model that needs custom operators is refused by name.
		Path custom = OnnxModels.builder().opset("evil.ops", 1).input("x",
			"N,1,H,W").node("evil.ops::Boom", "x", "y").output("y", "N,1,H,W").write(
				dir, "custom.onnx");
		assertTrue(refused(custom).getMessage().contains(
			"custom operators of domain 'evil.ops'"));
	}

	@Test
	void hugeDeclaredShapesAreRefusedBeforeAllocating() {
		Path huge = OnnxModels.builder().input("x", "1,1,1000000000,1000000000")
			.node("Identity", "x", "y").output("y", "1,1,1000000000,1000000000")
			.write(dir, "huge.onnx");
		assertTrue(refused(huge).getMessage().contains(
			"refuses axes over 1048576"));
		Path longAxis = OnnxModels.builder().input("x", "N,1,H,W").node("Identity",
			"x", "y").output("y", "N,1,H,9223372036854775807").write(dir,
				"long.onnx");
		assertTrue(refused(longAxis).getMessage().contains("refuses axes over"));
	}

	/**
	 * An axis declared of size 0 was read as "any size" ("width any" in info); it
	 * holds no pixels, so the model is refused when read.
	 */
	@Test
	void anAxisOfSizeZeroIsRefused() {
		Path zero = OnnxModels.builder().input("x", "1,1,0,0").node("Identity", "x",
			"y").output("y", "1,1,0,0").write(dir, "zero.onnx");
		assertEquals("model zero.onnx declares 'x' with shape [1,1,0,0]: an axis " +
			"of size 0 holds no values, so no image fits it", refused(zero)
				.getMessage());
		Path zeroOut = OnnxModels.builder().input("x", "N,1,H,W").node("Identity",
			"x", "y").output("y", "N,0,H,W").write(dir, "zero-out.onnx");
		assertTrue(refused(zeroOut).getMessage().contains(
			"'y' with shape [N,0,H,W]: an axis of size 0"), refused(zeroOut)
				.getMessage());
	}

	/**
	 * A million channels pass the per-axis bound, but a probe run would need 4
	 * GB: refused with the fix.
	 */
	@Test
	void probeRunIsBounded() {
		Path wide = OnnxModels.builder().input("x", "N,1000000,H,W").node(
			"Transpose", "x", "y", OnnxModels.attrInts("perm", 0, 1, 3, 2)).output(
				"y", "N,1000000,W,H").write(dir, "wide.onnx");
		GanException e = refused(wide);
		assertTrue(e.getMessage().contains(
			"a probe run would need more than 16777216 input values"), e
				.getMessage());
		assertTrue(e.getMessage().contains("--scale"), e.getMessage());
		// With the scale stated there is no probe and the model loads.
		assertEquals(1.0, ModelLoader.load(wide.toString(), ModelOverrides.NONE
			.withScale(1.0)).scale());
	}

	@Test
	void corruptTruncatedAndDeeplyNestedModelsGiveOneClearError()
		throws IOException
	{
		byte[] good = OnnxModels.conv3x3(1, 1, 1, 2).toBytes();
		for (int cut = 1; cut < good.length; cut += 7) {
			Path p = Files.write(dir.resolve("cut.onnx"), java.util.Arrays.copyOf(
				good, cut));
			GanException e = refused(p);
			assertTrue(e.getMessage().contains("is not a valid ONNX model"), cut +
				": " + e.getMessage());
			assertFalse(e.getMessage().contains("Exception") || e.getMessage()
				.contains("null"), "in words: " + e.getMessage());
		}
		// 500 nested subgraphs: protobuf's recursion limit (100) stops the parser,
		// not a StackOverflowError.
		GraphProto inner = GraphProto.newBuilder().setName("leaf").build();
		for (int d = 0; d < 500; d++)
			inner = GraphProto.newBuilder().setName("g").addNode(NodeProto
				.newBuilder().setOpType("If").addAttribute(AttributeProto.newBuilder()
					.setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
					.setG(inner))).build();
		ModelProto deep = ModelProto.parseFrom(OnnxModels.identity(1).toBytes())
			.toBuilder().setGraph(inner.toBuilder().addOutput(ModelProto.parseFrom(
				OnnxModels.identity(1).toBytes()).getGraph().getOutput(0))).build();
		Path nested = Files.write(dir.resolve("nested.onnx"), deep.toByteArray());
		assertTrue(refused(nested).getMessage().contains(
			"is not a valid ONNX model"));
	}

	@Test
	void giganticMetadataIsRefusedOnlyWhereItIsRead() {
		Path ours = OnnxModels.identity(1).metadata(ModelLoader.META_CLASS_NAMES,
			"a,".repeat(100_000)).write(dir, "ours.onnx");
		assertTrue(refused(ours).getMessage().contains(
			"fiji-gan.class_names is 200000 characters long"));
		Path theirs = OnnxModels.identity(1).metadata("labels", "x".repeat(
			5_000_000)).write(dir, "theirs.onnx");
		assertEquals("theirs", ModelLoader.load(theirs.toString(),
			ModelOverrides.NONE).name());
		Path nonsense = OnnxModels.identity(1).metadata(ModelLoader.META_SCALE,
			"two").write(dir, "nonsense.onnx");
		assertEquals("model nonsense.onnx: ONNX metadata fiji-gan.scale two is " +
			"not a number: give a scale from 1/64 to 64, or state it with --scale",
			refused(nonsense).getMessage());
	}

	/**
	 * Java's own number forms were read from the metadata ({@code 2d} as a scale
	 * of 2, a super-resolution model; {@code 0x1p0,0x1p4} as [1, 16]), where
	 * Python and bioimage.io refuse them. Only plain decimals are numbers; a
	 * plain one with an exponent still is.
	 */
	@Test
	void metadataNumbersAreDecimalsOnly() {
		for (String v : new String[] { "2d", "1f", "0x1p1" }) {
			Path m = OnnxModels.identity(1).metadata(ModelLoader.META_SCALE, v).write(
				dir, "java" + v + ".onnx");
			assertEquals("model java" + v + ".onnx: ONNX metadata fiji-gan.scale " +
				v + " is not a number: give a scale from 1/64 to 64, or state it " +
				"with --scale", refused(m).getMessage());
		}
		Path hex = OnnxModels.identity(1).metadata(ModelLoader.META_RANGE,
			"0x1p0,0x1p4").write(dir, "hex.onnx");
		assertEquals("model hex.onnx: ONNX metadata fiji-gan.value_range " +
			"0x1p0,0x1p4: value range '0x1p0,0x1p4' is not of the form MIN,MAX " +
			"(e.g. -1,1); state the model's range with --range", refused(hex)
				.getMessage());
		Path plain = OnnxModels.identity(1).metadata(ModelLoader.META_RANGE,
			"-1.5e0,+.5E1").write(dir, "plain.onnx");
		ModelDescriptor d = ModelLoader.load(plain.toString(), ModelOverrides.NONE);
		assertEquals(-1.5, d.inputRange().min());
		assertEquals(5, d.inputRange().max());
	}

	// ------------------------------------------------------------------
	// descriptors and packages

	static final String RDF =
		"""
				format_version: 0.5.3
				type: model
				name: m
				inputs:
				  - id: raw
				    axes: [{type: batch}, {type: channel, channel_names: [g]}, {type: space, id: y}, {type: space, id: x}]
				outputs:
				  - id: out
				    axes: [{type: batch}, {type: channel, channel_names: [g]}, {type: space, id: y}, {type: space, id: x}]
				weights:
				  onnx: {source: %s%s}
				""";

	private Path descriptor(Path folder, String source, String sha)
		throws IOException
	{
		Files.createDirectories(folder);
		return Files.writeString(folder.resolve("rdf.yaml"), RDF.formatted(source,
			sha == null ? "" : ", sha256: " + sha), StandardCharsets.UTF_8);
	}

	@Test
	void descriptorWeightsCannotLeaveTheFolder() throws IOException {
		Path outside = OnnxModels.conv3x3(1, 1, 1, 1).write(dir, "outside.onnx");
		Path folder = dir.resolve("model");
		for (String source : List.of("../outside.onnx", "/etc/passwd", outside
			.toString(), "sub/../../outside.onnx", "https://example.org/m.onnx"))
		{
			GanException e = refused(descriptor(folder, source, null));
			assertTrue(e.getMessage().contains("weights.onnx.source"), source + ": " +
				e.getMessage());
		}
		Files.createSymbolicLink(folder.resolve("link.onnx"), outside);
		GanException e = refused(descriptor(folder, "link.onnx", null));
		assertTrue(e.getMessage().contains("links outside the model folder"), e
			.getMessage());
	}

	@Test
	void descriptorSha256IsVerifiedOnEveryLoadIncludingUnpackedPackages()
		throws IOException
	{
		Path folder = dir.resolve("model");
		Path weights = OnnxModels.conv3x3(1, 1, 1, 1).write(Files.createDirectories(
			folder), "model.onnx");
		String sha = ModelLoader.sha256(weights);
		assertEquals("m", ModelLoader.load(descriptor(folder, "model.onnx", sha)
			.toString(), ModelOverrides.NONE).name());
		String wrong = sha.substring(0, 63) + (sha.charAt(63) == '0' ? '1' : '0');
		assertTrue(refused(descriptor(folder, "model.onnx", wrong)).getMessage()
			.contains("are damaged or not the published ones"));

		// A package is unpacked once into the shared temp folder and reused; the
		// copy is checked again,
		// and one that differs is unpacked again from the package (PackageCacheTest
		// has every kind of damage).
		Path zip = Files.write(dir.resolve("m.zip"), ModelFuzzCorpus.zipSeed(RDF
			.formatted("model.onnx", ", sha256: " + sha), Files.readAllBytes(weights),
			false));
		Path unpacked = Path.of(System.getProperty("java.io.tmpdir"),
			"fiji-gan-models", ModelLoader.sha256(zip).substring(0, 16));
		try {
			ModelLoader.load(zip.toString(), ModelOverrides.NONE);
			Path copy = unpacked.resolve(PackageCache.PACKAGE).resolve("model.onnx");
			Files.write(copy, OnnxModels.identity(1).toBytes()); // tampered with
			assertEquals(sha, ModelLoader.load(zip.toString(), ModelOverrides.NONE)
				.sha256());
			assertArrayEquals(Files.readAllBytes(weights), Files.readAllBytes(copy));
		}
		finally {
			try (Stream<Path> s = Files.walk(unpacked)) {
				for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList())
					Files.deleteIfExists(p);
			}
		}
	}

	/**
	 * A package is unpacked once and reused; the reused copy loads like the first
	 * (top folder or not).
	 */
	@Test
	void reusedPackagesLoadAgain() throws IOException {
		Path weights = OnnxModels.conv3x3(1, 1, 1, 1).write(dir, "w.onnx");
		String saved = System.getProperty("java.io.tmpdir");
		try {
			System.setProperty("java.io.tmpdir", Files.createDirectories(dir.resolve(
				"tmp")).toString());
			for (boolean inFolder : new boolean[] { false, true }) {
				Path zip = Files.write(dir.resolve("p" + inFolder + ".zip"),
					ModelFuzzCorpus.zipSeed(RDF.formatted("model.onnx", ", sha256: " +
						ModelLoader.sha256(weights)), Files.readAllBytes(weights),
						inFolder));
				ModelDescriptor first = ModelLoader.load(zip.toString(),
					ModelOverrides.NONE);
				ModelDescriptor again = ModelLoader.load(zip.toString(),
					ModelOverrides.NONE);
				assertEquals(first.onnxFile(), again.onnxFile());
				assertEquals(first.sha256(), again.sha256());
			}
		}
		finally {
			System.setProperty("java.io.tmpdir", saved);
		}
	}

	/**
	 * Another user must not be able to plant a model under a package's hash in
	 * the shared temp folder.
	 */
	@Test
	void packagesUnpackOnlyIntoAPrivateFolder() throws IOException {
		Path weights = OnnxModels.conv3x3(1, 1, 1, 1).write(dir, "w.onnx");
		Path zip = Files.write(dir.resolve("p.zip"), ModelFuzzCorpus.zipSeed(RDF
			.formatted("model.onnx", ""), Files.readAllBytes(weights), false));
		String saved = System.getProperty("java.io.tmpdir");
		try {
			Path fresh = Files.createDirectories(dir.resolve("tmp-fresh"));
			System.setProperty("java.io.tmpdir", fresh.toString());
			assertEquals("m", ModelLoader.load(zip.toString(), ModelOverrides.NONE)
				.name());
			assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions
				.toString(Files.getPosixFilePermissions(fresh.resolve(
					"fiji-gan-models"))));

			Path shared = Files.createDirectories(dir.resolve("tmp-shared").resolve(
				"fiji-gan-models"));
			Files.setPosixFilePermissions(shared,
				java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
			System.setProperty("java.io.tmpdir", shared.getParent().toString());
			GanException e = refused(zip);
			assertTrue(e.getMessage().contains(
				"is not a private folder of this user"), e.getMessage());
		}
		finally {
			System.setProperty("java.io.tmpdir", saved);
		}
	}

	@Test
	void yamlCannotBuildObjectsOrExplode() throws IOException {
		Path folder = Files.createDirectories(dir.resolve("yaml"));
		OnnxModels.conv3x3(1, 1, 1, 1).write(folder, "model.onnx");
		String base = RDF.formatted("model.onnx", "");
		Map<String, String> attacks = Map.of("arbitrary type", base +
			"config: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://example.org/\"]]]]\n",
			"file type", base + "config: {x: !!java.io.File /etc/passwd}\n",
			"billion laughs", base + billionLaughs(), "laughs under the alias limit",
			base + laughsUnderTheAliasLimit(), "an alias holding itself", base +
				"config: &a {x: [*a]}\n", "deep nesting", base + "config: " + "["
					.repeat(200) + "]".repeat(200) + "\n", "huge document", base +
						"description: \"" + "x".repeat(9 * 1024 * 1024) + "\"\n",
			"unquoted huge document", base + "description: " + "x ".repeat(600_000) +
				"\n");
		for (Map.Entry<String, String> a : attacks.entrySet()) {
			Path rdf = Files.writeString(folder.resolve("rdf.yaml"), a.getValue(),
				StandardCharsets.UTF_8);
			long start = System.nanoTime();
			// a document that hangs fails here rather than stopping the build
			GanException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(
				30), () -> assertThrows(GanException.class, () -> BioImageRdf.read(rdf),
					a.getKey()), a.getKey());
			assertTrue(e.getMessage().contains("not valid YAML"), a.getKey() + ": " +
				e.getMessage());
			assertTrue(System.nanoTime() - start < 5e9, a.getKey() +
				" took too long");
		}
	}

	/**
	 * 16 levels of {@code [*l, *l, *l]}: 48 aliases, under the 50 SnakeYAML
	 * allows, that expand to 3^16 leaves; reading it hung (the deep copy of its
	 * config walked every one).
	 */
	private static String laughsUnderTheAliasLimit() {
		StringBuilder sb = new StringBuilder("config:\n  l0: &l0 lol\n");
		for (int i = 1; i <= 16; i++)
			sb.append("  l").append(i).append(": &l").append(i).append(" [*l").append(
				i - 1).append(", *l").append(i - 1).append(", *l").append(i - 1).append(
					"]\n");
		return sb.toString();
	}

	private static String billionLaughs() {
		StringBuilder sb = new StringBuilder(
			"config:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
		for (int i = 1; i < 10; i++)
			sb.append("  a").append(i).append(": &a").append(i).append(" [").append(
				("*a" + (i - 1) + ", ").repeat(8)).append("*a").append(i - 1).append(
					"]\n");
		return sb.toString();
	}

	@Test
	void packagesCannotEscape() throws IOException {
		byte[] weights = OnnxModels.conv3x3(1, 1, 1, 1).toBytes();
		String rdf = RDF.formatted("model.onnx", "");
		for (String evil : List.of("../evil.txt", "/tmp/evil.txt",
			"a/../../evil.txt", "..\\evil.txt", "C:/evil.txt"))
		{
			Path zip = Files.write(dir.resolve("slip.zip"), ModelFuzzCorpus.zip(Map
				.of("rdf.yaml", rdf.getBytes(StandardCharsets.UTF_8), "model.onnx",
					weights, evil, new byte[1]), true));
			Path out = dir.resolve("out");
			GanException e = assertThrows(GanException.class, () -> BioImageRdf
				.readPackage(zip, out), evil);
			assertTrue(e.getMessage().contains("would land outside the folder"),
				evil + ": " + e.getMessage());
			assertFalse(Files.exists(dir.resolve("evil.txt")));
			try (Stream<Path> s = Files.walk(out)) {
				for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList())
					Files.deleteIfExists(p);
			}
		}
	}
}
