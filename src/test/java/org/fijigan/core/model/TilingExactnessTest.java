
package org.fijigan.core.model;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrInts;
import static org.fijigan.testing.OnnxModels.attrString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.testing.OnnxModels;
import org.fijigan.testing.TilingModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Whether tiles give exactly the whole-image result, decided node by node: one
 * tiny model per class of operation that makes a pixel depend on pixels outside
 * its window, each beside one that looks alike and is exact (the same operation
 * over channels, a layout that moves channels last, a reshape that keeps pixels
 * local). A breaker is named with its node and the reason; what follows it is
 * not named again. The pipeline runs of such models are in
 * {@code ExactTilingTest}.
 */
class TilingExactnessTest {

	@TempDir
	Path dir;

	static OnnxGraphInfo info(OnnxModels.Builder b) {
		return OnnxGraphInfo.parse(b.toBytes(), "test.onnx");
	}

	static List<String> breakers(OnnxModels.Builder b) {
		return info(b).wholeImageOps();
	}

	static void assertExact(OnnxModels.Builder b) {
		assertEquals(List.of(), breakers(b));
	}

	static OnnxModels.Builder nchw(int channels) {
		return OnnxModels.builder().input("x", "N," + channels + ",H,W");
	}

	@Test
	void reductionsOverYOrXBreakAndOverChannelsDoNot() {
		assertExact(nchw(3).opset(18).initializer("c", new long[] { 1 }, 1).node(
			"ReduceMean", "x,c", "m").node("Sub", "x,m", "y").output("y", "N,3,H,W"));
		assertEquals(List.of(
			"ReduceMax (node 'ReduceMax_1'): reduces over the image's y and x axes, which a tile " +
				"sees only part of"), breakers(nchw(3).opset(18).initializer("s",
					new long[] { -1, -2 }, 2).node("Identity", "x", "i").node("ReduceMax",
						"i,s", "m").node("Sub", "x,m", "y").output("y", "N,3,H,W")));
		// no axes: all of them; what follows the breaker is not named again
		assertEquals(List.of(
			"ReduceSum (node 'ReduceSum_0'): reduces over the image's y and x axes, which a tile " +
				"sees only part of"), breakers(nchw(1).node("ReduceSum", "x", "s").node(
					"Div", "x,s", "d").node("GlobalAveragePool", "d", "y").output("y",
						"N,1,1,1")));
		assertExact(nchw(3).node("ArgMax", "x", "y", attrInt("axis", 1)).output("y",
			OnnxModels.INT64, "N,1,H,W"));
		assertEquals(List.of(
			"ArgMin (node 'ArgMin_0'): finds its smallest value across the image's x axis, which a " +
				"tile sees only part of"), breakers(nchw(3).node("ArgMin", "x", "y",
					attrInt("axis", 3)).output("y", OnnxModels.INT64, "N,3,H,1")));
		assertEquals(List.of(
			"TopK (node 'TopK_0'): ranks values across the image's x axis, which a tile sees only " +
				"part of"), breakers(nchw(1).initializer("k", new long[] { 2 }, 1).node(
					"TopK", "x,k", "y,i").output("y", "N,1,H,2")));
	}

	@Test
	void normalisationsOverYOrXBreak() {
		float[] one = { 1 }, zero = { 0 };
		assertEquals(List.of(
			"InstanceNormalization (node 'InstanceNormalization_0'): normalises with statistics " +
				"over the image's y and x axes, which a tile sees only part of"),
			breakers(OnnxModels.instanceNorm(1)));
		assertEquals(List.of(
			"GroupNormalization (node 'GroupNormalization_0'): normalises with statistics over the " +
				"image's y and x axes, which a tile sees only part of"), breakers(nchw(
					1).opset(18).initializer("s", one, 1).initializer("b", zero, 1).node(
						"GroupNormalization", "x,s,b", "y", attrInt("num_groups", 1))
					.output("y", "N,1,H,W")));
		assertEquals(1, breakers(nchw(1).node("MeanVarianceNormalization", "x", "y")
			.output("y", "N,1,H,W")).size());
		assertEquals(1, breakers(nchw(1).node("GlobalMaxPool", "x", "y").output("y",
			"N,1,1,1")).size());
		assertExact(nchw(3).node("LpNormalization", "x", "y", attrInt("axis", 1))
			.output("y", "N,3,H,W"));
		assertEquals(List.of(
			"LpNormalization (node 'LpNormalization_0'): normalises across the image's x axis, " +
				"which a tile sees only part of"), breakers(nchw(3).node(
					"LpNormalization", "x", "y").output("y", "N,3,H,W")));
		// LayerNormalization over the last axis: x in NCHW, the channels once they
		// are moved last
		float[] ones = { 1, 1, 1 }, zeros = new float[3];
		assertEquals(List.of(
			"LayerNormalization (node 'LayerNormalization_0'): normalises across the image's x " +
				"axis, which a tile sees only part of"), breakers(nchw(3).initializer(
					"s", ones, 3).initializer("b", zeros, 3).node("LayerNormalization",
						"x,s,b", "y").output("y", "N,3,H,W")));
		assertExact(nchw(3).initializer("s", ones, 3).initializer("b", zeros, 3)
			.node("Transpose", "x", "t", attrInts("perm", 0, 2, 3, 1)).node(
				"LayerNormalization", "t,s,b", "l").node("Transpose", "l", "y",
					attrInts("perm", 0, 3, 1, 2)).output("y", "N,3,H,W"));
		assertEquals(List.of(
			"BatchNormalization (node 'BatchNormalization_0'): computes batch statistics over the " +
				"whole tensor (training mode)"), breakers(nchw(1).opset(15).initializer(
					"s", one, 1).initializer("b", zero, 1).initializer("m", zero, 1)
					.initializer("v", one, 1).node("BatchNormalization", "x,s,b,m,v", "y",
						attrInt("training_mode", 1)).output("y", "N,1,H,W")));
	}

	@Test
	void softmaxBreaksAlongYOrXOnly() {
		assertExact(nchw(3).node("Softmax", "x", "y", attrInt("axis", 1)).output(
			"y", "N,3,H,W"));
		assertEquals(List.of(
			"LogSoftmax (node 'LogSoftmax_0'): normalises across the image's x axis, which a tile " +
				"sees only part of"), breakers(nchw(3).node("LogSoftmax", "x", "y")
					.output("y", "N,3,H,W")));
		// before opset 13 the axis and all after it are one: channels, y and x
		assertEquals(List.of(
			"Softmax (node 'Softmax_0'): normalises across the image's y and x axes, which a tile " +
				"sees only part of"), breakers(nchw(3).opset(11).node("Softmax", "x",
					"y").output("y", "N,3,H,W")));
	}

	@Test
	void dynamicQuantisationBreaksAndWhatFollowsIsNotNamedAgain() {
		OnnxGraphInfo g = info(TilingModels.dynamicallyQuantisedConv(3));
		assertEquals(List.of(
			"DynamicQuantizeLinear (node 'DynamicQuantizeLinear_0'): computes its scale and zero " +
				"point from the whole tensor, so each tile is quantised differently"), g
					.wholeImageOps());
		assertEquals(new ReceptiveField(1, 1.0, true, List.of()), g
			.receptiveField());
	}

	@Test
	void theImageSizeUsedAsAValueBreaksAndAsAShapeDoesNot() {
		assertEquals(List.of(
			"Div (node 'Div_2'): uses the image size as a value (computed by Shape or Size), so " +
				"tiles of other sizes compute other values"), breakers(nchw(1).node(
					"Size", "x", "n").node("Cast", "n", "nf", attrInt("to",
						OnnxModels.FLOAT)).node("Div", "x,nf", "y").output("y",
							"N,1,H,W")));
		// a pixel shuffle whose shapes PyTorch computes from Shape at run time
		OnnxGraphInfo g = info(TilingModels.dynamicPixelShuffle());
		assertEquals(List.of(), g.wholeImageOps());
		assertEquals(new ReceptiveField(1, 2.0, true, List.of()), g
			.receptiveField());
		assertFalse(g.hasFixedSpatialReshape());
		assertArrayEquals(new long[] { 2, 1, 10, 14 }, run(TilingModels
			.dynamicPixelShuffle(), new long[] { 2, 1, 5, 7 }));
	}

	@Test
	void reshapesThatMixImagePositionsBreakAndPixelShufflesDoNot() {
		assertEquals(List.of(
			"Reshape (node 'Reshape_1'): merges the image's y and x axes into one"),
			breakers(nchw(3).initializer("s", new long[] { 0, 0, -1 }, 3).node(
				"Identity", "x", "i").node("Reshape", "i,s", "y").output("y",
					"N,3,?")));
		// channels stacked along y: [1, 2, 8, 8] to [1, 16, 8]
		assertEquals(List.of(
			"Reshape (node 'Reshape_0'): moves image positions into other axes (a spatial axis is " +
				"not the outer one of those it merges or splits)"), breakers(OnnxModels
					.builder().input("x", "1,2,8,8").initializer("s", new long[] { 1, 16,
						8 }, 3).node("Reshape", "x,s", "y").output("y", "1,16,8")));
		// [2, 3, 4, 5] transposed to [2, 4, 3, 5], then rows into the batch: [8, 3,
		// 5]
		assertEquals(List.of(
			"Reshape (node 'Reshape_1'): merges image positions into the batch axis"),
			breakers(OnnxModels.builder().input("x", "2,3,4,5").initializer("s",
				new long[] { 8, 3, 5 }, 3).node("Transpose", "x", "t", attrInts("perm",
					0, 2, 1, 3)).node("Reshape", "t,s", "y").output("y", "8,3,5")));
		assertEquals(List.of(
			"Flatten (node 'Flatten_0'): merges the image's y and x axes into one"),
			breakers(OnnxModels.builder().input("x", "1,1,4,4").initializer("w",
				new float[256], 16, 16).initializer("s", new long[] { 1, 1, 4, 4 }, 4)
				.node("Flatten", "x", "f").node("Gemm", "f,w", "g").node("Reshape",
					"g,s", "y").output("y", "1,1,4,4")));
		// space-to-depth as Reshape [N, 1, H/2, 2, W/2, 2] and Transpose, with
		// shapes from Shape; then
		// DepthToSpace back: every pixel stays local
		OnnxGraphInfo g = info(nchw(1).initializer("i2", new long[] { 2 }, 1)
			.initializer("i3", new long[] { 3 }, 1).initializer("i4", new long[] {
				4 }, 1).initializer("two", new long[] { 2 }, 1).initializer("head6",
					new long[] { 0, 1 }, 2).initializer("head4", new long[] { 0, 4 }, 2)
			.node("Shape", "x", "s").node("Slice", "s,i2,i3", "h").node("Slice",
				"s,i3,i4", "w").node("Div", "h,two", "h2").node("Div", "w,two", "w2")
			.node("Concat", "head6,h2,two,w2,two", "s6", attrInt("axis", 0)).node(
				"Reshape", "x,s6", "r").node("Transpose", "r", "t", attrInts("perm", 0,
					1, 3, 5, 2, 4)).node("Concat", "head4,h2,w2", "s4", attrInt("axis",
						0)).node("Reshape", "t,s4", "d").node("DepthToSpace", "d", "y",
							attrInt("blocksize", 2)).output("y", "N,1,H,W"));
		assertEquals(List.of(), g.wholeImageOps());
		assertEquals(new ReceptiveField(1, 1.0, true, List.of()), g
			.receptiveField());
		assertFalse(g.hasFixedSpatialReshape());
		// the same with the shapes written as numbers, for a fixed input: exact,
		// and flagged as fixed
		OnnxModels.Builder fixed = OnnxModels.builder().input("x", "N,1,24,32")
			.initializer("s6", new long[] { 0, 1, 12, 2, 16, 2 }, 6).initializer("s4",
				new long[] { 0, 4, 12, 16 }, 4).node("Reshape", "x,s6", "r").node(
					"Transpose", "r", "t", attrInts("perm", 0, 1, 3, 5, 2, 4)).node(
						"Reshape", "t,s4", "d").node("DepthToSpace", "d", "y", attrInt(
							"blocksize", 2)).output("y", "N,1,24,32");
		g = info(fixed);
		assertEquals(List.of(), g.wholeImageOps());
		assertEquals(new ReceptiveField(1, 1.0, true, List.of()), g
			.receptiveField());
		assertTrue(g.hasFixedSpatialReshape());
		assertArrayEquals(new long[] { 1, 1, 24, 32 }, run(fixed, new long[] { 1, 1,
			24, 32 }));
	}

	@Test
	void productsOverImagePositionsBreakAndOverChannelsDoNot() {
		assertEquals(List.of(
			"MatMul (node 'MatMul_0'): sums over the image's x axis (a product over flattened image " +
				"positions)"), breakers(OnnxModels.builder().input("x", "1,1,8,8")
					.initializer("w", new float[64], 8, 8).node("MatMul", "x,w", "y")
					.output("y", "1,1,8,8")));
		// a 1x1 convolution written as MatMul over channels moved last
		assertExact(nchw(3).initializer("w", new float[15], 3, 5).node("Transpose",
			"x", "t", attrInts("perm", 0, 2, 3, 1)).node("MatMul", "t,w", "m").node(
				"Transpose", "m", "y", attrInts("perm", 0, 3, 1, 2)).output("y",
					"N,5,H,W"));
		assertEquals(List.of(
			"MatMul (node 'MatMul_1'): multiplies two tensors of image data, relating every " +
				"position to every other"), breakers(nchw(3).node("Transpose", "x", "t",
					attrInts("perm", 0, 1, 3, 2)).node("MatMul", "x,t", "y").output("y",
						"N,3,H,H")));
	}

	@Test
	void positionDependentOperationsBreak() {
		OnnxModels.Builder fixed = OnnxModels.builder().input("x", "1,1,8,8");
		assertEquals(List.of(
			"Add (node 'Add_0'): applies a constant that varies along the image's y axis, so the " +
				"result depends on where a pixel lies"), breakers(fixed.initializer(
					"pos", new float[64], 1, 1, 8, 8).node("Add", "x,pos", "y").output(
						"y", "1,1,8,8")));
		assertExact(nchw(3).initializer("b", new float[3], 3, 1, 1).node("Add",
			"x,b", "y").output("y", "N,3,H,W"));
		assertEquals(List.of(
			"Concat (node 'Concat_0'): joins tensors along the image's x axis, so where each lies " +
				"depends on the tile's size"), breakers(nchw(1).node("Concat", "x,x",
					"y", attrInt("axis", 3)).output("y", "N,1,H,?")));
		assertExact(nchw(1).node("Concat", "x,x", "y", attrInt("axis", 1)).output(
			"y", "N,2,H,W"));
		assertEquals(List.of(
			"Slice (node 'Slice_0'): crops or flips the image's y axis, which a tile's borders " +
				"change"), breakers(nchw(1).initializer("st", new long[] { 1 }, 1)
					.initializer("en", new long[] { -1 }, 1).initializer("ax",
						new long[] { 2 }, 1).node("Slice", "x,st,en,ax", "y").output("y",
							"N,1,?,W")));
		assertEquals(List.of(
			"Pad (node 'Pad_0'): wraps the image around, putting one border next to the other"),
			breakers(nchw(1).opset(19).initializer("p", new long[] { 0, 0, 1, 1, 0, 0,
				1, 1 }, 8).node("Pad", "x,p", "y", attrString("mode", "wrap")).output(
					"y", "N,1,?,?")));
		OnnxGraphInfo reflect = info(nchw(1).initializer("p", new long[] { 0, 0, 2,
			2, 0, 0, 2, 2 }, 8).initializer("w", new float[25], 1, 1, 5, 5).node(
				"Pad", "x,p", "p2", attrString("mode", "reflect")).node("Conv", "p2,w",
					"y").output("y", "N,1,H,W"));
		// 2 for the padding, 4 for the 5x5 window without padding: an overestimate
		// on the safe side
		assertEquals(new ReceptiveField(6, 1.0, true, List.of()), reflect
			.receptiveField());
		assertEquals(List.of(), reflect.wholeImageOps());
		assertEquals(List.of(
			"Resize (node 'Resize_0'): aligns corners, which maps each output pixel by the whole " +
				"image's size"), breakers(nchw(1).initializer("sc", new float[] { 1, 1,
					2, 2 }, 4).node("Resize", "x,,sc", "y", attrString("mode", "linear"),
						attrString("coordinate_transformation_mode", "align_corners"))
					.output("y", "N,1,?,?")));
		assertEquals(List.of(
			"NonZero (node 'NonZero_0'): its output depends on where in the image values lie"),
			breakers(nchw(1).node("NonZero", "x", "nz").node("Cast", "nz", "f",
				attrInt("to", OnnxModels.FLOAT)).node("ReduceSum", "f", "s", attrInt(
					"keepdims", 0)).node("Add", "x,s", "y").output("y", "N,1,H,W")));
		assertEquals(List.of(
			"output 'y': its y and x axes are not where the image input has them (the image is " +
				"transposed or its axes moved), so tiles would be put together wrongly"),
			breakers(nchw(1).node("Transpose", "x", "y", attrInts("perm", 0, 1, 3, 2))
				.output("y", "N,1,W,H")));
	}

	@Test
	void positionsPickedRepeatedOrCutByTheImageSizeBreak() {
		assertEquals(List.of(
			"CumSum (node 'CumSum_0'): sums cumulatively along the image's x axis, which a tile " +
				"sees only part of"), breakers(nchw(1).initializer("a", new long[] {
					3 }).node("CumSum", "x,a", "y").output("y", "N,1,H,W")));
		assertEquals(List.of(
			"Tile (node 'Tile_0'): repeats the image along its x axis"), breakers(
				nchw(1).initializer("r", new long[] { 1, 1, 1, 2 }, 4).node("Tile",
					"x,r", "y").output("y", "N,1,H,?")));
		assertEquals(List.of(
			"Gather (node 'Gather_0'): picks fixed positions of the image, which a tile's borders " +
				"change"), breakers(nchw(1).initializer("i", new long[] { 0 }, 1).node(
					"Gather", "x,i", "y", attrInt("axis", 2)).output("y", "N,1,1,W")));
		assertExact(nchw(3).initializer("i", new long[] { 0, 2 }, 2).node("Gather",
			"x,i", "y", attrInt("axis", 1)).output("y", "N,2,H,W"));
		// the top half of the image, its size taken from Shape
		assertEquals(List.of(
			"Slice (node 'Slice_3'): crops by amounts computed from the image size"),
			breakers(nchw(1).initializer("i2", new long[] { 2 }, 1).initializer("i3",
				new long[] { 3 }, 1).initializer("zero", new long[] { 0 }, 1)
				.initializer("two", new long[] { 2 }, 1).node("Shape", "x", "s").node(
					"Slice", "s,i2,i3", "h").node("Div", "h,two", "half").node("Slice",
						"x,zero,half,i2", "y").output("y", "N,1,?,W")));
		// padded up to twice its size
		assertEquals(List.of(
			"Pad (node 'Pad_2'): pads by amounts computed from the image size"),
			breakers(nchw(1).initializer("z", new long[] { 0, 0, 0, 0, 0, 0 }, 6)
				.node("Shape", "x", "s").node("Concat", "z,s", "p", attrInt("axis", 0))
				.node("Pad", "x,p", "y").output("y", "N,1,?,?")));
	}

	@Test
	void unknownOperatorsAreNotExactAndSaySo() {
		OnnxGraphInfo g = info(nchw(1).node("Einsum", "x", "e", attrString(
			"equation", "nchw->nchw")).node("Relu", "e", "y").output("y", "N,1,H,W"));
		assertEquals(List.of(
			"Einsum (node 'Einsum_0'): not understood on image data, so it may mix distant pixels"),
			g.wholeImageOps());
		assertFalse(g.receptiveField().exact());
		assertEquals(List.of(
			"com.microsoft::Gelu (node 'com.microsoft_Gelu_0'): a custom operator fiji-gan does " +
				"not know, so it may mix distant pixels"), breakers(nchw(1).opset(
					"com.microsoft", 1).node("com.microsoft::Gelu", "x", "y").output("y",
						"N,1,H,W")));
	}

	@Test
	void channelsLastInputsTrackTheirOwnAxes() {
		OnnxModels.Builder nhwc = OnnxModels.builder().input("x", "N,H,W,3").opset(
			18).initializer("c", new long[] { 3 }, 1).node("ReduceMean", "x,c", "m")
			.node("Sub", "x,m", "y").output("y", "N,H,W,3");
		assertExact(nhwc);
		assertEquals(List.of(
			"ReduceMean (node 'ReduceMean_0'): reduces over the image's x axis, which a tile sees " +
				"only part of"), breakers(OnnxModels.builder().input("x", "N,H,W,3")
					.opset(18).initializer("c", new long[] { 2 }, 1).node("ReduceMean",
						"x,c", "m").node("Sub", "x,m", "y").output("y", "N,H,W,3")));
		// axis 1 is y as guessed (byxc), the channels where a descriptor says the
		// layout is bcyx
		OnnxGraphInfo g = info(OnnxModels.builder().input("x", "N,H,W,3").opset(18)
			.initializer("c", new long[] { 1 }, 1).node("ReduceMean", "x,c", "m")
			.node("Sub", "x,m", "y").output("y", "N,H,W,3"));
		assertEquals(List.of(
			"ReduceMean (node 'ReduceMean_0'): reduces over the image's y axis, which a tile sees " +
				"only part of"), g.wholeImageOps());
		assertEquals(List.of(), g.tiling("x", TensorLayout.BCYX).wholeImageOps());
	}

	// ---- model-local functions ----

	@Test
	void modelLocalFunctionsAreAnalysedInPlace() {
		OnnxGraphInfo g = info(TilingModels.withFunctions());
		assertEquals(List.of(), g.nonStandardDomains());
		assertEquals(List.of(), g.wholeImageOps());
		assertEquals(new ReceptiveField(3, 1.0, true, List.of()), g
			.receptiveField(), "1 for the 3x3 conv, 2 for k=5");
		assertArrayEquals(new long[] { 1, 2, 9, 11 }, run(TilingModels
			.withFunctions(), new long[] { 1, 1, 9, 11 }));

		OnnxModels.Builder centred = nchw(1).opset("local", 1).function(TilingModels
			.centre()).namedNode("call", "local::Centre", "x", "y").output("y",
				"N,1,H,W");
		assertEquals(List.of(
			"ReduceMean (node 'mean' in function 'local::Centre' called by node 'call'): reduces " +
				"over the image's y and x axes, which a tile sees only part of"),
			breakers(centred));
		run(centred, new long[] { 1, 1, 4, 5 });
	}

	@Test
	void aModelWithLocalFunctionsLoadsAndOtherCustomDomainsAreStillRefused() {
		ModelDescriptor d = ModelLoader.load(TilingModels.withFunctions().write(dir,
			"functions.onnx").toString(), ModelOverrides.NONE);
		assertTrue(d.isTileable());
		assertEquals(3, d.haloPixels());
		assertEquals(1.0, d.scale());
		// a function that calls an operator of a domain fiji-gan does not load is
		// refused for it
		FunctionProto evil = FunctionProto.newBuilder().setDomain("local").setName(
			"F").addInput("X").addOutput("Y").addOpsetImport(OperatorSetIdProto
				.newBuilder().setDomain("evil.ops").setVersion(1)).addNode(NodeProto
					.newBuilder().setOpType("Blur").setDomain("evil.ops").addInput("X")
					.addOutput("Y")).build();
		Path refused = nchw(1).opset("local", 1).opset("evil.ops", 1).function(evil)
			.node("local::F", "x", "y").output("y", "N,1,H,W").write(dir,
				"evil.onnx");
		org.fijigan.core.GanException e = org.junit.jupiter.api.Assertions
			.assertThrows(org.fijigan.core.GanException.class, () -> ModelLoader.load(
				refused.toString(), ModelOverrides.NONE));
		assertEquals(
			"model evil.onnx uses custom operators of domain 'evil.ops', which fiji-gan does not load",
			e.getMessage());
	}

	@Test
	void infoSaysWhetherTilingIsExactAndWhy() {
		ModelDescriptor dq = ModelLoader.load(TilingModels.dynamicallyQuantisedConv(
			3).write(dir, "dq.onnx").toString(), ModelOverrides.NONE);
		assertTrue(ModelLoader.report(dq, null).text().contains(
			"\ntiling:        not exact, runs untiled when memory allows: " +
				"DynamicQuantizeLinear (node 'DynamicQuantizeLinear_0'): computes its scale and zero point from the " +
				"whole tensor, so each tile is quantised differently\n"), ModelLoader
					.report(dq, null).text());
		ModelDescriptor conv = ModelLoader.load(OnnxModels.conv3x3(1, 1, 2, 3)
			.write(dir, "conv.onnx").toString(), ModelOverrides.NONE);
		assertTrue(ModelLoader.report(conv, null).text().contains(
			"\ntiling:        exact (every operation sees only its " + "window)\n"));
		ModelDescriptor small = ModelLoader.load(dir.resolve("conv.onnx")
			.toString(), ModelOverrides.NONE.withHaloPixels(1));
		assertTrue(ModelLoader.report(small, null).text().contains(
			"\ntiling:        every operation sees only its window, but " +
				"the halo (1 px) is smaller than the receptive field (3 px): tiles may differ from a whole-image run " +
				"near their edges\n"));
	}

	/**
	 * Runs a model in ONNX Runtime on seeded values and returns its first
	 * output's shape.
	 */
	static long[] run(OnnxModels.Builder model, long[] shape) {
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		int n = (int) java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact);
		try (OrtSession s = env.createSession(model.toBytes());
				OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(OnnxModels
					.randomFloats(new Random(1), n, 1f)), shape);
				OrtSession.Result r = s.run(Map.of("x", x)))
		{
			return ((OnnxTensor) r.get(0)).getInfo().getShape();
		}
		catch (Exception e) {
			throw new AssertionError(e);
		}
	}

}
