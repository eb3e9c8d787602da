
package org.fijigan.core.model;

import static org.fijigan.testing.OnnxModels.attrInts;
import static org.fijigan.testing.OnnxModels.attrString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.GanException;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

class OnnxGraphInfoTest {

	@TempDir
	Path dir;

	private static OnnxGraphInfo info(OnnxModels.Builder model) {
		return OnnxGraphInfo.parse(model.toBytes(), "test.onnx");
	}

	@Test
	void identityDeclaresOpsetInputsAndOutputs() {
		OnnxGraphInfo info = info(OnnxModels.identity(3));
		assertEquals(8, info.irVersion());
		assertEquals("fiji-gan-tests 1", info.producer());
		assertEquals(Map.of("", 17L), info.opsetImports());
		assertEquals(17, info.defaultOpset());
		assertEquals(List.of(new ValueInfo("x", 1, new long[] { -1, 3, -1, -1 },
			List.of("N", "", "H", "W"))), info.inputs());
		ValueInfo y = info.outputs().get(0);
		assertEquals("y", y.name());
		assertEquals("float", y.elementTypeName());
		assertEquals("[N,3,H,W]", y.shapeString());
		assertFalse(y.isFixed(0));
		assertTrue(y.isFixed(1));
		assertEquals(Map.of("Identity", 1), info.opCounts());
		assertEquals(new ReceptiveField(0, 1.0, true, List.of()), info
			.receptiveField());
		assertEquals(List.of(), info.wholeImageOps());
		assertFalse(info.hasFixedSpatialReshape());
	}

	@Test
	void metadataParametersExternalDataAndCustomDomains() {
		TensorProto external = TensorProto.newBuilder().setName("big").setDataType(
			1).addDims(10).addDims(10).setDataLocation(
				TensorProto.DataLocation.EXTERNAL).addExternalData(
					StringStringEntryProto.newBuilder().setKey("location").setValue(
						"weights.bin")).build();
		OnnxGraphInfo info = info(OnnxModels.builder().opset("com.example", 1)
			.metadata("task", "denoise").metadata("author", "me").input("x",
				"1,1,8,8").initializer("w", new float[6], 2, 3).initializer("shape",
					new long[] { 1, 2, 3 }, 3).initializer(external).node(
						"com.example::Blur", "x", "b").node("Relu", "b", "y").output("y",
							"1,1,8,8"));
		assertEquals(List.of("task", "author"), List.copyOf(info.metadata()
			.keySet()));
		assertEquals("denoise", info.metadata().get("task"));
		assertEquals(106, info.parameterCount());
		assertEquals(List.of("weights.bin"), info.externalDataLocations());
		assertEquals(List.of("com.example"), info.nonStandardDomains());
		assertEquals(Map.of("com.example::Blur", 1, "Relu", 1), info.opCounts());
		assertEquals(Map.of("", 17L, "com.example", 1L), info.opsetImports());
		assertFalse(info.receptiveField().exact());
		assertEquals("[1,1,8,8]", info.inputs().get(0).shapeString());
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 5 })
	void stackedConvolutionsNeedOnePixelOfHaloEach(int layers) {
		OnnxGraphInfo info = info(OnnxModels.conv3x3(3, 8, 42, layers));
		assertEquals(new ReceptiveField(layers, 1.0, true, List.of()), info
			.receptiveField());
		assertEquals(layers, info.opCounts().get("Conv"));
		assertEquals(layers - 1, info.opCounts().getOrDefault("Relu", 0));
		assertEquals(8 * 3 * 9 + 8 + (layers - 1) * (8 * 8 * 9 + 8), info
			.parameterCount());
	}

	@ParameterizedTest
	@CsvSource({ "2,CRD", "3,CRD", "2,DCR", "3,DCR" })
	void pixelShuffleScalesByItsBlockSize(int scale, String mode) {
		ReceptiveField field = info(OnnxModels.pixelShuffle(3, scale, mode))
			.receptiveField();
		assertEquals(new ReceptiveField(1, scale, true, List.of()), field);
		assertEquals(scale, field.haloOutputPixels());
	}

	@Test
	void strideTwoConvolutionThenTransposedConvolutionBack() {
		Random random = new Random(3);
		OnnxModels.Builder model = OnnxModels.builder().input("x", "N,3,H,W")
			.initializer("down", OnnxModels.randomFloats(random, 4 * 3 * 9, 0.3f), 4,
				3, 3, 3).initializer("up", OnnxModels.randomFloats(random, 4 * 3 * 16,
					0.3f), 4, 3, 4, 4).node("Conv", "x,down", "d", attrInts("strides", 2,
						2), attrInts("pads", 1, 1, 1, 1)).node("Relu", "d", "r").node(
							"ConvTranspose", "r,up", "y", attrInts("strides", 2, 2), attrInts(
								"pads", 1, 1, 1, 1)).output("y", "N,3,H,W");
		// Conv: 1 input pixel each side; ConvTranspose k4 s2: up to 1 pixel of the
		// half-size map = 2.
		assertEquals(new ReceptiveField(3, 1.0, true, List.of()), info(model)
			.receptiveField());
		assertArrayEquals(new long[] { 1, 3, 8, 8 }, run(model, Map.of("x",
			new long[] { 1, 3, 8, 8 })));
	}

	/** AveragePool 2x2 stride 2, then nearest Resize x2: the same size out. */
	static OnnxModels.Builder poolThenUpsample() {
		return OnnxModels.builder().input("x", "N,1,H,W").initializer("scales",
			new float[] { 1, 1, 2, 2 }, 4).node("AveragePool", "x", "p", attrInts(
				"kernel_shape", 2, 2), attrInts("strides", 2, 2)).node("Resize",
					"p,,scales", "y", attrString("mode", "nearest")).output("y",
						"N,1,?,?");
	}

	/**
	 * The input size a graph's strided layers need: their total stride, the least
	 * common multiple along the paths to the output (2^depth for a U-Net); 1
	 * where nothing downsamples, so that such models keep taking any size.
	 */
	@Test
	void stridedLayersNeedInputSizesThatAreAMultipleOfTheirTotalStride() {
		assertEquals(2, info(poolThenUpsample()).sizeStep());
		// a 3-level U-Net's encoder: strides 2, 2, 2 on the way down, a skip
		// added back at each level
		float[] w = new float[9];
		OnnxModels.Builder unet = OnnxModels.builder().input("x", "N,1,H,W")
			.initializer("w", w, 1, 1, 3, 3).initializer("scales", new float[] { 1, 1,
				2, 2 }, 4);
		String in = "x";
		for (int l = 1; l <= 3; l++) {
			unet.node("Conv", in + ",w", "d" + l, attrInts("pads", 1, 1, 1, 1),
				attrInts("strides", 2, 2));
			in = "d" + l;
		}
		for (int l = 3; l >= 1; l--) {
			String skip = l == 1 ? "x" : "d" + (l - 1);
			unet.node("Resize", in + ",,scales", "u" + l, attrString("mode",
				"nearest")).node("Add", "u" + l + "," + skip, "s" + l);
			in = "s" + l;
		}
		unet.node("Identity", in, "y").output("y", "N,1,?,?");
		assertEquals(8, info(unet).sizeStep());
		// SpaceToDepth 2 and back
		assertEquals(2, info(OnnxModels.builder().input("x", "N,1,H,W").node(
			"SpaceToDepth", "x", "s", OnnxModels.attrInt("blocksize", 2)).node(
				"DepthToSpace", "s", "y", OnnxModels.attrInt("blocksize", 2)).output(
					"y", "N,1,?,?")).sizeStep());
		// strides 2 and 3 on two paths: 6
		assertEquals(6, info(OnnxModels.builder().input("x", "N,1,H,W").initializer(
			"s2", new float[] { 1, 1, 2, 2 }, 4).initializer("s3", new float[] { 1, 1,
				3, 3 }, 4).node("MaxPool", "x", "p2", attrInts("kernel_shape", 2, 2),
					attrInts("strides", 2, 2)).node("MaxPool", "x", "p3", attrInts(
						"kernel_shape", 3, 3), attrInts("strides", 3, 3)).node("Resize",
							"p2,,s2", "u2", attrString("mode", "nearest")).node("Resize",
								"p3,,s3", "u3", attrString("mode", "nearest")).node("Add",
									"u2,u3", "y").output("y", "N,1,?,?")).sizeStep());
		// nothing strided: any size, also for super-resolution
		assertEquals(1, info(OnnxModels.conv3x3(1, 1, 1, 3)).sizeStep());
		assertEquals(1, info(OnnxModels.pixelShuffle(1, 3)).sizeStep());
	}

	/**
	 * AveragePool 2x2 stride 2, then a nearest Resize (asymmetric, floor) to the
	 * sizes of the input's Shape, added to the input: it runs on any size.
	 */
	static OnnxModels.Builder poolThenResizeToShape() {
		return OnnxModels.builder().opset(13).input("x", "N,1,H,W").node(
			"AveragePool", "x", "p", attrInts("kernel_shape", 2, 2), attrInts(
				"strides", 2, 2)).node("Shape", "x", "s").node("Resize", "p,,,s", "u",
					attrString("mode", "nearest"), attrString(
						"coordinate_transformation_mode", "asymmetric"), attrString(
							"nearest_mode", "floor")).node("Add", "u,x", "y").output("y",
								"N,1,?,?");
	}

	/**
	 * An upsampling Resize whose sizes are read off the Shape of the tensor it is
	 * joined with gives that tensor's size at any input size, so the graph needs
	 * no size step, only an input that keeps a pixel at every level; tiles still
	 * start on its stride's grid.
	 */
	@Test
	void upsamplingToTheShapeOfTheJoinedTensorNeedsNoSizeStep() {
		OnnxGraphInfo direct = info(poolThenResizeToShape());
		assertEquals(1, direct.sizeStep());
		assertEquals(2, direct.stride());
		// two levels, the sizes sliced from each skip's Shape and put after the
		// batch and channel lengths, as exported U-Nets do
		OnnxModels.Builder unet = OnnxModels.builder().opset(13).input("x",
			"N,1,H,W").initializer("nc", new long[] { 1, 1 }, 2).initializer("b",
				new long[] { 2 }, 1).initializer("e", new long[] { 4 }, 1);
		unet.node("AveragePool", "x", "d1", attrInts("kernel_shape", 2, 2),
			attrInts("strides", 2, 2)).node("AveragePool", "d1", "d2", attrInts(
				"kernel_shape", 2, 2), attrInts("strides", 2, 2));
		for (int l = 2; l >= 1; l--) {
			String skip = l == 1 ? "x" : "d1", in = l == 2 ? "d2" : "s2";
			unet.node("Shape", skip, "sh" + l).node("Slice", "sh" + l + ",b,e", "hw" +
				l).node("Concat", "nc,hw" + l, "size" + l, OnnxModels.attrInt("axis",
					0)).node("Resize", in + ",,,size" + l, "u" + l, attrString("mode",
						"nearest")).node("Concat", "u" + l + "," + skip, "s" + l, OnnxModels
							.attrInt("axis", 1));
		}
		unet.node("Identity", "s1", "y").output("y", "N,?,?,?");
		OnnxGraphInfo two = info(unet);
		assertEquals(1, two.sizeStep());
		assertEquals(4, two.stride());
		// the same levels upsampled by a factor of 2: a multiple of 4 again
		OnnxModels.Builder scaled = OnnxModels.builder().opset(13).input("x",
			"N,1,H,W").initializer("scales", new float[] { 1, 1, 2, 2 }, 4);
		scaled.node("AveragePool", "x", "d1", attrInts("kernel_shape", 2, 2),
			attrInts("strides", 2, 2)).node("AveragePool", "d1", "d2", attrInts(
				"kernel_shape", 2, 2), attrInts("strides", 2, 2)).node("Resize",
					"d2,,scales", "u2", attrString("mode", "nearest")).node("Add",
						"u2,d1", "s2").node("Shape", "x", "sh").node("Resize", "s2,,,sh",
							"u1", attrString("mode", "nearest")).node("Add", "u1,x", "y")
			.output("y", "N,1,?,?");
		assertEquals(4, info(scaled).sizeStep());
	}

	/**
	 * Two stride-2 branches that round an odd length differently (a 3x3
	 * convolution padded by 1 rounds up, a 2x2 pooling down) are joined: the
	 * graph runs only on even sizes, though each branch's debt is 2 and the
	 * upsampling after the join takes the input's shape.
	 */
	@Test
	void branchesStridedAlikeButRoundedDifferentlyNeedTheirStride() {
		OnnxModels.Builder model = OnnxModels.builder().opset(13).input("x",
			"N,1,H,W").initializer("w", new float[9], 1, 1, 3, 3).node("Conv", "x,w",
				"a", attrInts("pads", 1, 1, 1, 1), attrInts("strides", 2, 2)).node(
					"MaxPool", "x", "b", attrInts("kernel_shape", 2, 2), attrInts(
						"strides", 2, 2)).node("Add", "a,b", "s").node("Shape", "x", "sh")
			.node("Resize", "s,,,sh", "y", attrString("mode", "nearest")).output("y",
				"N,1,?,?");
		assertEquals(2, info(model).sizeStep());
		assertArrayEquals(new long[] { 1, 1, 6, 8 }, run(model, Map.of("x",
			new long[] { 1, 1, 6, 8 })));
		// two pyramids pooled alike (an image's and its mask's) round alike: any
		// size
		OnnxModels.Builder pyramids = OnnxModels.builder().opset(13).input("x",
			"N,1,H,W").initializer("one", new float[] { 1 }, 1).node("Sub", "one,x",
				"m").node("AveragePool", "x", "a", attrInts("kernel_shape", 2, 2),
					attrInts("strides", 2, 2)).node("AveragePool", "m", "b", attrInts(
						"kernel_shape", 2, 2), attrInts("strides", 2, 2)).node("Add", "a,b",
							"s").node("Shape", "x", "sh").node("Resize", "s,,,sh", "y",
								attrString("mode", "nearest")).output("y", "N,1,?,?");
		assertEquals(1, info(pyramids).sizeStep());
		assertArrayEquals(new long[] { 1, 1, 7, 9 }, run(pyramids, Map.of("x",
			new long[] { 1, 1, 7, 9 })));
	}

	@Test
	void resizeThenConvolutionCountsHaloInInputPixels() {
		OnnxModels.Builder model = OnnxModels.builder().input("x", "N,1,H,W")
			.initializer("scales", new float[] { 1, 1, 2, 2 }, 4).initializer("w",
				new float[9], 1, 1, 3, 3).node("Resize", "x,,scales", "up", attrString(
					"mode", "linear")).node("Conv", "up,w", "y", attrInts("pads", 1, 1, 1,
						1)).output("y", "N,1,?,?");
		// Linear resize: 1 input pixel; 3x3 conv on the x2 grid: half an input
		// pixel; 1.5 rounds up.
		assertEquals(new ReceptiveField(2, 2.0, true, List.of()), info(model)
			.receptiveField());
		assertArrayEquals(new long[] { 1, 1, 10, 12 }, run(model, Map.of("x",
			new long[] { 1, 1, 5, 6 })));
	}

	@Test
	void reshapeTransposePixelShuffleIsRecognisedAndFlaggedAsFixedSize() {
		OnnxModels.Builder model = OnnxModels.builder().input("x", "1,8,6,6")
			.constant("s6", new long[] { -1, 2, 2, 2, 6, 6 }, 6).constant("s4",
				new long[] { -1, 2, 12, 12 }, 4).node("Reshape", "x,s6", "r6").node(
					"Transpose", "r6", "t", attrInts("perm", 0, 1, 4, 2, 5, 3)).node(
						"Reshape", "t,s4", "y").output("y", "1,2,12,12");
		OnnxGraphInfo info = info(model);
		assertEquals(new ReceptiveField(0, 2.0, true, List.of()), info
			.receptiveField());
		assertTrue(info.hasFixedSpatialReshape());
		assertArrayEquals(new long[] { 1, 2, 12, 12 }, run(model, Map.of("x",
			new long[] { 1, 8, 6, 6 })));
	}

	@Test
	void instanceNormalizationAndSpatialReductionsAreWholeImage() {
		assertEquals(List.of(
			"InstanceNormalization (node 'InstanceNormalization_0'): normalises with statistics " +
				"over the image's y and x axes, which a tile sees only part of"), info(
					OnnxModels.instanceNorm(3)).wholeImageOps());
		OnnxModels.Builder reductions = OnnxModels.builder().opset(18).input("x",
			"N,3,H,W").initializer("channels", new long[] { 1 }, 1).initializer(
				"spatial", new long[] { -1, -2 }, 2).node("ReduceMean", "x,channels",
					"c").node("ReduceMax", "x,spatial", "s").node("ReduceSum", "x", "all")
			.node("Add", "c,s", "cs").node("Add", "cs,all", "y").output("y",
				"N,1,1,1");
		assertEquals(List.of(
			"ReduceMax (node 'ReduceMax_1'): reduces over the image's y and x axes, which a tile " +
				"sees only part of",
			"ReduceSum (node 'ReduceSum_2'): reduces over the image's y and x axes, which a tile " +
				"sees only part of"), info(reductions).wholeImageOps());
	}

	@Test
	void fixedShapeAndGeneratorDescribeTheirInputs() {
		OnnxGraphInfo fixed = info(OnnxModels.fixedShape(3, 44, 44));
		assertEquals("[1,3,44,44]", fixed.inputs().get(0).shapeString());
		assertTrue(fixed.inputs().get(0).isFixed(3));
		OnnxGraphInfo generator = info(OnnxModels.generator(16, 10, 8, 8));
		assertEquals(List.of("[N,16]", "[N]"), generator.inputs().stream().map(
			ValueInfo::shapeString).toList());
		assertEquals("int64", generator.inputs().get(1).elementTypeName());
		assertEquals(List.of(), generator.wholeImageOps());
		assertFalse(generator.receptiveField().exact());
	}

	@Test
	void brokenFilesGiveOneLineMessagesNamingTheFile() throws Exception {
		byte[] noise = new byte[4096];
		new Random(5).nextBytes(noise);
		byte[] model = OnnxModels.conv3x3(3, 8, 1, 2).toBytes();
		for (byte[] bytes : List.of(noise, Arrays.copyOf(model, model.length / 2),
			new byte[0]))
		{
			Path file = Files.write(dir.resolve("broken.onnx"), bytes);
			GanException e = assertThrows(GanException.class, () -> OnnxGraphInfo
				.read(file));
			assertTrue(e.getMessage().startsWith(file +
				" is not a valid ONNX model: "), e.getMessage());
			assertFalse(e.getMessage().contains("\n"));
		}
		GanException missing = assertThrows(GanException.class, () -> OnnxGraphInfo
			.read(dir.resolve("nope.onnx")));
		assertEquals("Model file not found: " + dir.resolve("nope.onnx"), missing
			.getMessage());
		assertEquals("[N,3,H,W]", OnnxGraphInfo.read(OnnxModels.identity(3).write(
			dir, "ok.onnx")).inputs().get(0).shapeString());
	}

	@Test
	void everyFactoryModelRunsInOnnxRuntime() throws Exception {
		long[] image = { 2, 3, 5, 7 };
		assertArrayEquals(image, run(OnnxModels.identity(3), Map.of("x", image)));
		assertArrayEquals(image, run(OnnxModels.addConstant(3, 1.5f), Map.of("x",
			image)));
		assertArrayEquals(new long[] { 2, 8, 5, 7 }, run(OnnxModels.conv3x3(3, 8, 1,
			3), Map.of("x", image)));
		assertArrayEquals(new long[] { 2, 3, 15, 21 }, run(OnnxModels.pixelShuffle(
			3, 3), Map.of("x", image)));
		assertArrayEquals(image, run(OnnxModels.instanceNorm(3), Map.of("x",
			image)));
		assertArrayEquals(new long[] { 1, 3, 44, 44 }, run(OnnxModels.fixedShape(3,
			44, 44), Map.of("x", new long[] { 1, 3, 44, 44 })));
		assertArrayEquals(image, run(OnnxModels.inpaint(3), Map.of("image", image,
			"mask", new long[] { 2, 1, 5, 7 })));
		assertArrayEquals(new long[] { 2, 1, 8, 6 }, run(OnnxModels.generator(16,
			10, 8, 6), Map.of("z", new long[] { 2, 16 }, "label", new long[] { 2 })));
		assertArrayEquals(new long[] { 2, 1, 8, 6 }, run(OnnxModels.generator(16, 0,
			8, 6), Map.of("z", new long[] { 2, 16 })));

		OrtEnvironment env = OrtEnvironment.getEnvironment();
		try (OrtSession inpaint = env.createSession(OnnxModels.inpaint(1)
			.toBytes());
				OnnxTensor img = OnnxTensor.createTensor(env, FloatBuffer.wrap(
					new float[] { 0.2f, 0.9f }), new long[] { 1, 1, 1, 2 });
				OnnxTensor mask = OnnxTensor.createTensor(env, FloatBuffer.wrap(
					new float[] { 0, 1 }), new long[] { 1, 1, 1, 2 });
				OrtSession.Result out = inpaint.run(Map.of("image", img, "mask", mask)))
		{
			assertArrayEquals(new float[][] { { 0.2f, 0.5f } }, ((float[][][][]) out
				.get(0).getValue())[0][0]);
		}
		try (OrtSession add = env.createSession(OnnxModels.addConstant(1, 1.5f)
			.toBytes());
				OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(
					new float[] { 1, -2 }), new long[] { 1, 1, 1, 2 });
				OrtSession.Result out = add.run(Map.of("x", x)))
		{
			assertArrayEquals(new float[][] { { 2.5f, -0.5f } }, ((float[][][][]) out
				.get(0).getValue())[0][0]);
		}
	}

	/**
	 * Runs a model on inputs filled with 0.25 (labels: 1) and returns the first
	 * output's shape.
	 */
	private static long[] run(OnnxModels.Builder model,
		Map<String, long[]> shapes)
	{
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		Map<String, OnnxTensor> inputs = new HashMap<>();
		try (OrtSession session = env.createSession(model.toBytes())) {
			for (Map.Entry<String, long[]> e : shapes.entrySet()) {
				int n = (int) Arrays.stream(e.getValue()).reduce(1,
					Math::multiplyExact);
				long[] labels = new long[n];
				Arrays.fill(labels, 1);
				float[] values = new float[n];
				Arrays.fill(values, 0.25f);
				inputs.put(e.getKey(), e.getKey().equals("label") ? OnnxTensor
					.createTensor(env, LongBuffer.wrap(labels), e.getValue()) : OnnxTensor
						.createTensor(env, FloatBuffer.wrap(values), e.getValue()));
			}
			try (OrtSession.Result result = session.run(inputs)) {
				return ((OnnxTensor) result.get(0)).getInfo().getShape();
			}
		}
		catch (Exception e) {
			throw new AssertionError(e);
		}
		finally {
			inputs.values().forEach(OnnxTensor::close);
		}
	}

	private static Path realModels() {
		return org.fijigan.testing.RealModels.dir();
	}

	@ParameterizedTest
	@CsvSource({
		"realesr-animevideov3.onnx, 4, 18, false, '[batch,3,height,width]'",
		"srgan_netG_x2.onnx, 2, 18, true, '[1,3,44,44]'",
		"espcn_x3_luma.onnx, 3, 5, true, '[batch_size,1,224,224]'",
		"dncnn_s25_noise.onnx, 1, 17, false, '[N,1,H,W]'" })
	void realModels(String file, double scale, int halo, boolean fixedReshape,
		String inputShape)
	{
		Path path = realModels().resolve(file);
		Assumptions.assumeTrue(Files.isRegularFile(path), "missing " + path);
		OnnxGraphInfo info = OnnxGraphInfo.read(path);
		assertEquals(new ReceptiveField(halo, scale, true, List.of()), info
			.receptiveField(), file);
		assertEquals(fixedReshape, info.hasFixedSpatialReshape(), file);
		assertEquals(inputShape, info.inputs().get(0).shapeString(), file);
		assertEquals(List.of(), info.wholeImageOps(), file);
		assertEquals(List.of(), info.nonStandardDomains(), file);
	}

	/**
	 * The newest IR version is the one ONNX Runtime opens and the next is the one
	 * it refuses; fiji-gan refuses that one itself, in one line.
	 */
	@Test
	void anIrVersionNewerThanOnnxRuntimeReadsIsRefusedOnParsing()
		throws Exception
	{
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		byte[] newest = OnnxModels.identity(1).irVersion(
			OnnxGraphInfo.MAX_IR_VERSION).toBytes(), next = OnnxModels.identity(1)
				.irVersion(OnnxGraphInfo.MAX_IR_VERSION + 1).toBytes();
		try (OrtSession s = env.createSession(newest,
			new OrtSession.SessionOptions()))
		{
			assertEquals(OnnxGraphInfo.MAX_IR_VERSION, OnnxGraphInfo.parse(newest,
				"m.onnx").irVersion());
		}
		assertThrows(ai.onnxruntime.OrtException.class, () -> env.createSession(
			next, new OrtSession.SessionOptions()).close());
		GanException e = assertThrows(GanException.class, () -> OnnxGraphInfo.parse(
			OnnxModels.identity(1).irVersion(99).toBytes(), "m.onnx"));
		assertEquals("m.onnx is an ONNX model of IR version 99, newer than ONNX " +
			"Runtime here reads (at most 13): export it for an older IR version", e
				.getMessage());
	}
}
