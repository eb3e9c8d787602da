
package org.fijigan.core.model.bioimage;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.fijigan.core.GanException;
import org.fijigan.core.model.bioimage.Axis.SizeReference;
import org.fijigan.core.model.bioimage.ProcessingStep.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BioImageRdfTest {

	/**
	 * sha256("abc"), the FIPS 180-2 test vector; the dummy weights hold "abc".
	 */
	private static final String SHA_ABC =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	private static final String RDF_04 =
		"""
				format_version: 0.4.10
				type: model
				name: SR x2
				description: doubles the pixels
				authors: [{name: Ada}, {name: Bob}]
				license: MIT
				documentation: README.md
				covers: [cover.png]
				test_inputs: [test_in.npy]
				test_outputs: [test_out.npy]
				inputs:
				  - name: input0
				    data_type: float32
				    axes: bcyx
				    shape: {min: [1, 1, 64, 64], step: [0, 0, 16, 16]}
				    preprocessing:
				      - name: scale_range
				        kwargs: {mode: per_sample, axes: xy, min_percentile: 1, max_percentile: 99.8, eps: 1e-6}
				outputs:
				  - name: output0
				    data_type: float32
				    axes: bcyx
				    shape: {reference_tensor: input0, scale: [1, 1, 2, 2], offset: [0, 0, -1.5, 0]}
				    halo: [0, 0, 8, 8]
				    postprocessing:
				      - name: scale_linear
				        kwargs: {gain: [2, 3], offset: 0.5, axes: xy}
				      - name: clip
				        kwargs: {min: 0, max: 1}
				weights:
				  onnx: {source: weights.onnx, sha256: %s, opset_version: 17}
				  pytorch_state_dict: {source: weights.pt}
				config:
				  fiji-gan: {task: super-resolution, value_range: [0, 1]}
				""";

	private static final String RDF_05 =
		"""
				format_version: 0.5.3
				type: model
				name: denoise
				inputs:
				  - id: raw
				    axes:
				      - type: batch
				      - type: channel
				        channel_names: [r, g, b]
				      - {type: space, id: y, size: {min: 32, step: 16}}
				      - {type: space, id: x, size: {min: 32, step: 16}}
				    test_tensor: {source: in.npy, sha256: %s}
				    preprocessing:
				      - {id: ensure_dtype, kwargs: {dtype: float32}}
				      - {id: zero_mean_unit_variance, kwargs: {axes: [x, y], eps: 1.0e-5}}
				      - {id: fixed_zero_mean_unit_variance, kwargs: {mean: [1, 2, 3], std: [4, 5, 6], axis: channel}}
				outputs:
				  - id: out
				    data: {type: uint8}
				    axes:
				      - type: batch
				      - {type: channel, channel_names: [gray]}
				      - {type: space, id: y, scale: 0.5, halo: 4, size: {tensor_id: raw, axis_id: y}}
				      - {type: space, id: x, scale: 0.5, halo: 4, size: {tensor_id: raw, axis_id: x, offset: -2}}
				    test_tensor: {source: sub/out.npy}
				    postprocessing:
				      - {id: sigmoid}
				      - {id: binarize, kwargs: {threshold: 0.5}}
				      - {id: magic_denoise, kwargs: {strength: 3}}
				weights:
				  onnx: {source: model.onnx}
				""";

	@TempDir
	Path dir;

	@Test
	void readsFormat04() throws IOException {
		BioImageModel model = BioImageRdf.read(write(dir, "weights.onnx", String
			.format(RDF_04, SHA_ABC)));
		assertEquals("SR x2", model.name());
		assertEquals("0.4.10", model.formatVersion());
		assertEquals(dir.resolve("weights.onnx"), model.onnxWeights());
		assertEquals(17, model.opsetVersion());
		assertEquals(List.of("Ada", "Bob"), model.authors());
		assertEquals("MIT", model.license());
		assertEquals(dir.resolve("README.md"), model.documentation());
		assertEquals(List.of("cover.png"), model.covers());
		assertEquals(List.of(dir.resolve("test_in.npy")), model.testInputs());
		assertEquals(List.of(dir.resolve("test_out.npy")), model.testOutputs());
		assertEquals(Map.of("task", "super-resolution", "value_range", List.of(0,
			1)), model.config().get("fiji-gan"));
		assertThrows(UnsupportedOperationException.class, () -> model.config().put(
			"x", 1));

		TensorDescription in = model.inputs().get(0);
		assertEquals("input0", in.id());
		assertEquals(List.of("b", "c", "y", "x"), in.axisIds());
		assertEquals(new Axis(Axis.Type.BATCH, "b", 1, null, null, null, 1, 0, List
			.of()), in.axes().get(0));
		assertEquals(new Axis(Axis.Type.SPACE, "y", null, 64, 16, null, 1, 0, List
			.of()), in.axes().get(2));
		assertTrue(in.axes().get(3).isSpatial() && in.axes().get(3)
			.isParameterized());
		assertEquals(List.of(new ScaleRange("per_sample", List.of("x", "y"), 1,
			99.8, 1e-6, null)), in.processing());

		TensorDescription out = model.outputs().get(0);
		assertArrayEquals(new int[] { 0, 0, 8, 8 }, out.haloPerAxis());
		assertEquals(new SizeReference("input0", "x", 2, 0), out.axes().get(3)
			.reference());
		assertEquals(new SizeReference("input0", "y", 2, -3), out.axes().get(2)
			.reference());
		assertEquals(125, out.axes().get(2).reference().sizeFor(64));
		ScaleLinear linear = (ScaleLinear) out.processing().get(0);
		assertArrayEquals(new double[] { 2, 3 }, linear.gain());
		assertArrayEquals(new double[] { 0.5 }, linear.offset());
		assertEquals(List.of("x", "y"), linear.axes());
		assertEquals(new Clip(0, 1), out.processing().get(1));
		model.verifySha256();
	}

	@Test
	void format04ScaleZeroGivesTwiceTheOffset() throws IOException {
		// as the specification's unet2d_nuclei_broad example writes its one output
		// channel
		Path rdf = write(dir, "weights.onnx", RDF_04.formatted(SHA_ABC).replace(
			"scale: [1, 1, 2, 2], offset: [0, 0, -1.5, 0]",
			"scale: [1.0, 0.0, 2.0, 2.0], offset: [0.0, 0.5, 0.0, 0.0]"));
		Axis channel = BioImageRdf.read(rdf).outputs().get(0).axes().get(1);
		assertEquals(1, channel.size());
		assertNull(channel.reference());
	}

	@Test
	void readsFormat05() throws IOException {
		BioImageModel model = BioImageRdf.read(write(dir, "model.onnx", String
			.format(RDF_05, SHA_ABC)));
		TensorDescription in = model.inputs().get(0);
		assertEquals(List.of("batch", "channel", "y", "x"), in.axisIds());
		assertEquals("float32", in.dataType());
		assertEquals(new Axis(Axis.Type.BATCH, "batch", null, null, null, null, 1,
			0, List.of()), in.axes().get(0));
		assertEquals(new Axis(Axis.Type.CHANNEL, "channel", 3, null, null, null, 1,
			0, List.of("r", "g", "b")), in.axes().get(1));
		assertEquals(new Axis(Axis.Type.SPACE, "x", null, 32, 16, null, 1, 0, List
			.of()), in.axes().get(3));
		assertEquals(new EnsureDtype("float32"), in.processing().get(0));
		ZeroMeanUnitVariance perSample = (ZeroMeanUnitVariance) in.processing().get(
			1);
		assertEquals(List.of("per_sample", List.of("x", "y"), 1e-5), List.of(
			perSample.mode(), perSample.axes(), perSample.eps()));
		assertNull(perSample.mean());
		ZeroMeanUnitVariance fixed = (ZeroMeanUnitVariance) in.processing().get(2);
		// bioimageio.core divides by std + 1e-6 for fixed values too
		assertEquals(List.of("fixed", List.of("y", "x"), 1e-6), List.of(fixed
			.mode(), fixed.axes(), fixed.eps()));
		assertArrayEquals(new double[] { 1, 2, 3 }, fixed.mean());
		assertArrayEquals(new double[] { 4, 5, 6 }, fixed.std());

		TensorDescription out = model.outputs().get(0);
		assertEquals("uint8", out.dataType());
		assertEquals(new Axis(Axis.Type.SPACE, "x", null, null, null,
			new SizeReference("raw", "x", 2, -2), 0.5, 4, List.of()), out.axes().get(
				3));
		assertArrayEquals(new int[] { 0, 0, 4, 4 }, out.haloPerAxis());
		assertEquals(List.of(new Sigmoid(), new Binarize(0.5), new Unsupported(
			"magic_denoise")), out.processing());
		assertEquals(List.of(dir.resolve("in.npy")), model.testInputs());
		assertEquals(List.of(dir.resolve("sub/out.npy")), model.testOutputs());
		assertNull(model.onnxSha256());
		assertEquals(Map.of(), model.config());
	}

	/**
	 * A halo of 99999999999 was refused as "should be a whole number", which it
	 * is; its size is the problem, in either format.
	 */
	@Test
	void refusesAHaloBeyondTheLimitNamingTheLimit() throws IOException {
		Path rdf = write(dir, "model.onnx", RDF_05.formatted(SHA_ABC).replace(
			"halo: 4, size: {tensor_id: raw, axis_id: y}",
			"halo: 99999999999, size: {tensor_id: raw, axis_id: y}"));
		assertEquals(rdf + ": outputs[0].axes[2].halo is 99999999999; fiji-gan " +
			"takes halos of at most 16384 px", assertThrows(GanException.class,
				() -> BioImageRdf.read(rdf)).getMessage());
		write(dir, "weights.onnx", RDF_04.formatted(SHA_ABC).replace(
			"halo: [0, 0, 8, 8]", "halo: [0, 0, 16385, 8]"));
		assertEquals(rdf + ": outputs[0].halo[2] is 16385; fiji-gan takes halos " +
			"of at most 16384 px", assertThrows(GanException.class, () -> BioImageRdf
				.read(rdf)).getMessage());
		Files.writeString(rdf, RDF_04.formatted(SHA_ABC).replace(
			"halo: [0, 0, 8, 8]", "halo: [0, 0, 8.5, 8]"));
		assertEquals(rdf + ": outputs[0].halo[2] should be a whole number, is 8.5",
			assertThrows(GanException.class, () -> BioImageRdf.read(rdf))
				.getMessage());
	}

	/**
	 * NaN or infinite kwargs, and a zero preprocessing gain, were accepted: the
	 * run then turned every pixel into NaN (or one value) and blamed the model.
	 * Each is refused naming the field; a zero gain in postprocessing is allowed.
	 */
	@Test
	void refusesNonFiniteProcessingNumbersAndAZeroPreprocessingGain()
		throws IOException
	{
		String pre = "{id: ensure_dtype, kwargs: {dtype: float32}}";
		String post = "{id: sigmoid}";
		Map<String, String> refusals = new java.util.LinkedHashMap<>();
		refusals.put(pre + "=" + "{id: scale_linear, kwargs: {gain: 0, offset: 1}}",
			"inputs[0].preprocessing[0].kwargs.gain is 0: a preprocessing gain of " +
				"0 erases the image (every pixel becomes the offset) before the " +
				"model sees it");
		refusals.put(pre + "=" + "{id: scale_linear, kwargs: {gain: [1, 0, 2]}}",
			"inputs[0].preprocessing[0].kwargs.gain is [1, 0, 2]: a preprocessing " +
				"gain of 0 erases the image (every pixel becomes the offset) before " +
				"the model sees it");
		refusals.put(pre + "=" + "{id: scale_linear, kwargs: {gain: .nan}}",
			"inputs[0].preprocessing[0].kwargs.gain should be a finite number, is NaN");
		refusals.put(pre + "=" + "{id: scale_linear, kwargs: {gain: [1, .inf, 1]}}",
			"inputs[0].preprocessing[0].kwargs.gain[1] should be a finite number, " +
				"is Infinity");
		refusals.put(pre + "=" + "{id: scale_linear, kwargs: {offset: -.inf}}",
			"inputs[0].preprocessing[0].kwargs.offset should be a finite number, " +
				"is -Infinity");
		refusals.put(post + "=" + "{id: scale_linear, kwargs: {gain: .nan}}",
			"outputs[0].postprocessing[0].kwargs.gain should be a finite number, " +
				"is NaN");
		refusals.put("eps: 1.0e-5=eps: .nan",
			"inputs[0].preprocessing[1].kwargs.eps should be a finite number, is NaN");
		refusals.put("mean: [1, 2, 3]=mean: [1, .nan, 3]",
			"inputs[0].preprocessing[2].kwargs.mean[1] should be a finite number, " +
				"is NaN");
		refusals.put(pre + "=" +
			"{id: scale_range, kwargs: {min_percentile: 1, max_percentile: .nan}}",
			"inputs[0].preprocessing[0].kwargs.max_percentile should be a finite " +
				"number, is NaN");
		refusals.put(post + "=" + "{id: clip, kwargs: {min: .nan, max: 1}}",
			"outputs[0].postprocessing[0].kwargs.min should be a finite number, " +
				"is NaN");
		refusals.put(post + "=" + "{id: clip, kwargs: {min_percentile: .nan}}",
			"outputs[0].postprocessing[0].kwargs.min_percentile should be a finite " +
				"number, is NaN");
		refusals.put("threshold: 0.5=threshold: .inf",
			"outputs[0].postprocessing[1].kwargs.threshold should be a finite " +
				"number, is Infinity");
		for (var refusal : refusals.entrySet()) {
			String[] edit = refusal.getKey().split("=", 2);
			String yaml = RDF_05.formatted(SHA_ABC);
			assertTrue(yaml.contains(edit[0]), edit[0]);
			Path rdf = write(dir, "model.onnx", yaml.replace(edit[0], edit[1]));
			assertEquals(rdf + ": " + refusal.getValue(), assertThrows(
				GanException.class, () -> BioImageRdf.read(rdf)).getMessage());
		}
		Path zeroPostGain = write(dir, "model.onnx", RDF_05.formatted(SHA_ABC)
			.replace(post, "{id: scale_linear, kwargs: {gain: 0, offset: 1}}"));
		assertArrayEquals(new double[] { 0 }, ((ScaleLinear) BioImageRdf.read(
			zeroPostGain).outputs().get(0).processing().get(0)).gain());
	}

	/**
	 * {@code size: {min: 2000000, step: 1}} was accepted, and the run failed
	 * later asking for terabytes of Java memory; sizes have the bound an ONNX
	 * shape has.
	 */
	@Test
	void refusesAxisSizesBeyondTheBoundOfOnnxShapes() throws IOException {
		String yaml = RDF_05.formatted(SHA_ABC);
		Map<String, String> refusals = Map.of(
			"{type: space, id: y, size: {min: 2000000, step: 1}}",
			"inputs[0].axes[2].size.min is 2000000; fiji-gan refuses axes over 1048576",
			"{type: space, id: y, size: {min: 32, step: 99999999999}}",
			"inputs[0].axes[2].size.step is 99999999999; fiji-gan refuses axes over " +
				"1048576", "{type: space, id: y, size: 1048577}",
			"inputs[0].axes[2].size is 1048577; fiji-gan refuses axes over 1048576");
		for (var refusal : refusals.entrySet()) {
			Path rdf = write(dir, "model.onnx", yaml.replace(
				"{type: space, id: y, size: {min: 32, step: 16}}", refusal.getKey()));
			assertEquals(rdf + ": " + refusal.getValue(), assertThrows(
				GanException.class, () -> BioImageRdf.read(rdf)).getMessage());
		}
		Path rdf04 = write(dir, "weights.onnx", RDF_04.formatted(SHA_ABC).replace(
			"min: [1, 1, 64, 64]", "min: [1, 1, 64, 2000000]"));
		assertEquals(rdf04 + ": inputs[0].shape.min[3] is 2000000; fiji-gan " +
			"refuses axes over 1048576", assertThrows(GanException.class,
				() -> BioImageRdf.read(rdf04)).getMessage());
		assertEquals(1 << 20, Axis.MAX_SIZE);
		assertEquals(org.fijigan.core.model.ModelLoader.MAX_DECLARED_DIMENSION,
			Axis.MAX_SIZE);
		Path largest = write(dir, "model.onnx", yaml.replace(
			"{type: space, id: y, size: {min: 32, step: 16}}",
			"{type: space, id: y, size: {min: 1048576, step: 1}}"));
		assertEquals(1048576, BioImageRdf.read(largest).inputs().get(0).axes().get(
			2).min());
	}

	@Test
	void rejectsModelsWithoutOnnxWeights() throws IOException {
		Path rdf = write(dir, "weights.onnx", RDF_05.formatted(SHA_ABC).replace(
			"onnx: {source: model.onnx}",
			"pytorch_state_dict: {source: w.pt}\n  torchscript: {source: w.ts}"));
		assertEquals(
			"model denoise has no ONNX weights (has: pytorch_state_dict, torchscript); convert its weights to ONNX first",
			assertThrows(GanException.class, () -> BioImageRdf.read(rdf))
				.getMessage());
	}

	@Test
	void rejectsWeightsOutsideTheFolderAndMissingWeights() throws IOException {
		Path inner = Files.createDirectories(dir.resolve("m"));
		Files.writeString(dir.resolve("outside.onnx"), "abc");
		for (String source : List.of("../outside.onnx", dir.resolve("outside.onnx")
			.toString(), "a/../../outside.onnx", "https://example.org/w.onnx",
			"absent.onnx"))
		{
			Path rdf = write(inner, "model.onnx", RDF_05.formatted(SHA_ABC).replace(
				"source: model.onnx", "source: '" + source + "'"));
			GanException e = assertThrows(GanException.class, () -> BioImageRdf.read(
				rdf), source);
			assertTrue(e.getMessage().contains("weights.onnx.source"), e
				.getMessage());
		}
	}

	@Test
	void namesFileAndLineOfBadYaml() throws IOException {
		Path rdf = write(dir, "model.onnx",
			"format_version: 0.5.3\nname: x\ninputs: [a, b\n");
		GanException e = assertThrows(GanException.class, () -> BioImageRdf.read(
			rdf));
		assertTrue(e.getMessage().startsWith(rdf + " line 4: not valid YAML"), e
			.getMessage());
		String bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [" + "*a, ".repeat(
			30) + "*a]\nc: [" + "*b, ".repeat(30) + "*b]\n";
		Files.writeString(rdf, bomb);
		assertTrue(assertThrows(GanException.class, () -> BioImageRdf.read(rdf))
			.getMessage().contains("aliases"));
		// a section reused through aliases, as descriptors do, is read
		Path reused = write(dir, "model.onnx", RDF_05.formatted(SHA_ABC) +
			"config:\n  a: &s {k: [1, 2, 3]}\n  b: *s\n  c: *s\n");
		assertEquals(List.of(1, 2, 3), ((Map<?, ?>) BioImageRdf.read(reused)
			.config().get("c")).get("k"));
	}

	@Test
	void rejectsChangedWeights() throws IOException {
		BioImageModel model = BioImageRdf.read(write(dir, "weights.onnx", RDF_04
			.formatted(SHA_ABC)));
		Files.writeString(model.onnxWeights(), "abd");
		GanException e = assertThrows(GanException.class, model::verifySha256);
		assertTrue(e.getMessage().contains(
			"sha256 is a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9"),
			e.getMessage());
	}

	/**
	 * bioimage.io 0.5 wants a step of at least 1; a 0.5 descriptor with step 0
	 * was run at the fixed size min, as if a 0.4 shape, where 0.4's step 0 is a
	 * fixed size indeed.
	 */
	@Test
	void aStepOfZeroIsRefusedIn05AndAFixedSizeIn04() throws IOException {
		Path rdf = write(dir, "model.onnx", RDF_05.formatted(SHA_ABC).replace(
			"{type: space, id: y, size: {min: 32, step: 16}}",
			"{type: space, id: y, size: {min: 37, step: 0}}"));
		GanException e = assertThrows(GanException.class, () -> BioImageRdf.read(
			rdf));
		assertEquals(rdf + ": inputs[0].axes[2].size.step is 0, but bioimage.io " +
			"0.5 wants a step of at least 1 (sizes min + n*step); for a fixed size " +
			"give size: 37", e.getMessage());
		Path rdf04 = write(dir, "weights.onnx", RDF_04.formatted(SHA_ABC));
		Axis batch = BioImageRdf.read(rdf04).inputs().get(0).axes().get(0);
		assertEquals(1, batch.size(), "0.4's step 0: the fixed size min");
	}

	@Test
	void readsPackageWithOneTopFolder() throws IOException {
		Path zip = zip(Map.of("pkg/rdf.yaml", RDF_05.formatted(SHA_ABC),
			"pkg/model.onnx", "abc"));
		BioImageModel model = BioImageRdf.readPackage(zip, dir.resolve("out"));
		assertEquals(dir.resolve("out/pkg/model.onnx"), model.onnxWeights());
		assertEquals("abc", Files.readString(model.onnxWeights()));
	}

	@Test
	void rejectsZipSlip() throws IOException {
		Path zip = zip(Map.of("rdf.yaml", RDF_05.formatted(SHA_ABC), "../evil",
			"x"));
		GanException e = assertThrows(GanException.class, () -> BioImageRdf
			.readPackage(zip, dir.resolve("out")));
		assertTrue(e.getMessage().contains("'../evil' that would land outside"), e
			.getMessage());
		assertFalse(Files.exists(dir.resolve("evil")));
	}

	@Test
	void rejectsPackageWithoutWeightsOrOverLimits() throws IOException {
		Path noWeights = zip(Map.of("bioimageio.yaml", RDF_05.formatted(SHA_ABC)));
		GanException e = assertThrows(GanException.class, () -> BioImageRdf
			.readPackage(noWeights, dir.resolve("a")));
		assertTrue(e.getMessage().contains("names ONNX weights") && e.getMessage()
			.contains("do not exist"), e.getMessage());
		Path good = zip(Map.of("rdf.yaml", RDF_05.formatted(SHA_ABC), "model.onnx",
			"abc"));
		assertTrue(assertThrows(GanException.class, () -> BioImageRdf.readPackage(
			good, dir.resolve("b"), 1 << 20, 1)).getMessage().contains(
				"more than 1 entries"));
		assertTrue(assertThrows(GanException.class, () -> BioImageRdf.readPackage(
			good, dir.resolve("c"), 100, 10)).getMessage().contains(
				"more than 100 bytes"));
	}

	/**
	 * Writes a descriptor and 3-byte dummy weights ("abc") into {@code folder}.
	 */
	private static Path write(Path folder, String weightsName, String yaml)
		throws IOException
	{
		Files.writeString(folder.resolve(weightsName), "abc");
		return Files.writeString(folder.resolve("rdf.yaml"), yaml);
	}

	private Path zip(Map<String, String> entries) throws IOException {
		Path zip = Files.createTempFile(dir, "pkg", ".zip");
		try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(
			zip)))
		{
			for (var entry : new java.util.TreeMap<>(entries).entrySet()) {
				out.putNextEntry(new ZipEntry(entry.getKey()));
				out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
				out.closeEntry();
			}
		}
		return zip;
	}
}
