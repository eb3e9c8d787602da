
package org.fijigan.testing;

import static org.fijigan.testing.OnnxModels.attrInt;
import static org.fijigan.testing.OnnxModels.attrInts;

import java.util.List;
import java.util.Random;

import com.google.protobuf.ByteString;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Tiny models for the tiling analysis that are also run through the pipeline: a
 * dynamically quantised convolution, a pixel shuffle with shapes computed at
 * run time, and models calling model-local functions. Every weight seeded; each
 * loads and runs in ONNX Runtime.
 */
public final class TilingModels {

	private TilingModels() {}

	static OnnxModels.Builder nchw(int channels) {
		return OnnxModels.builder().input("x", "N," + channels + ",H,W");
	}

	/**
	 * An image of shape {@code [H,W,1]} (no batch axis, channels last; the
	 * channel axis named {@code c} where not fixed): Unsqueeze to
	 * {@code [1,H,W,1]}, Transpose to {@code [1,1,H,W]}, the 3x3 convolution
	 * {@code w} with padding 1 and bias 0.1, Transpose and Squeeze back.
	 */
	public static OnnxModels.Builder channelsLastWithoutBatch(float[] w,
		boolean fixedChannels)
	{
		String shape = fixedChannels ? "H,W,1" : "H,W,c";
		return OnnxModels.builder().opset(13).input("x", shape).initializer("w", w,
			1, 1, 3, 3).initializer("b", new float[] { 0.1f }, 1).initializer("a0",
				new long[] { 0 }, 1).node("Unsqueeze", "x,a0", "batched").node(
					"Transpose", "batched", "nchw", attrInts("perm", 0, 3, 1, 2)).node(
						"Conv", "nchw,w,b", "conv", attrInts("kernel_shape", 3, 3),
						attrInts("pads", 1, 1, 1, 1)).node("Transpose", "conv", "nhwc",
							attrInts("perm", 0, 2, 3, 1)).node("Squeeze", "nhwc,a0", "y")
			.output("y", shape);
	}

	/**
	 * PyTorch's {@code nn.ReflectionPad2d(pad)} (or {@code ReplicationPad2d},
	 * {@code mode} "edge") then a {@code k}x{@code k} convolution without
	 * padding, exported at opset 13: the pad amounts built as PyTorch builds them
	 * (Constant, ConstantOfShape, Concat, Reshape [-1, 2], Slice backwards,
	 * Transpose, Reshape [-1], Cast), so they are constants only once folded.
	 * Weights: {@code w} [1, 1, k, k], bias 0.1.
	 */
	public static OnnxModels.Builder torchPadThenConv(String mode, int pad, int k,
		float[] w)
	{
		return nchw(1).initializer("w", w, 1, 1, k, k).initializer("b",
			new float[] { 0.1f }, 1).opset(13).constant("four", new long[] { 4 }, 1)
			.constant("given", new long[] { pad, pad, pad, pad }, 4).node(
				"ConstantOfShape", "four", "zeros", AttributeProto.newBuilder().setName(
					"value").setType(AttributeProto.AttributeType.TENSOR).setT(OnnxModels
						.tensor("zero", new long[] { 0 }, 1)).build()).node("Concat",
							"given,zeros", "all", attrInt("axis", 0)).constant("pairs",
								new long[] { -1, 2 }, 2).node("Reshape", "all,pairs", "paired")
			.constant("s0", new long[] { -1 }, 1).constant("e0", new long[] {
				-Long.MAX_VALUE }, 1).constant("a0", new long[] { 0 }, 1).constant("st",
					new long[] { -1 }, 1).node("Slice", "paired,s0,e0,a0,st", "reversed")
			.node("Transpose", "reversed", "byEnd", attrInts("perm", 1, 0)).constant(
				"flat", new long[] { -1 }, 1).node("Reshape", "byEnd,flat", "flatPads")
			.node("Cast", "flatPads", "pads", attrInt("to", OnnxModels.INT64)).node(
				"Pad", "x,pads", "padded", OnnxModels.attrString("mode", mode)).node(
					"Conv", "padded,w,b", "y", attrInts("kernel_shape", k, k)).output("y",
						"N,1,H,W");
	}

	/**
	 * As onnxruntime's quantize_dynamic writes a convolution: the input quantised
	 * with its own range.
	 */
	public static OnnxModels.Builder dynamicallyQuantisedConv(long seed) {
		Random random = new Random(seed);
		byte[] w = new byte[9];
		random.nextBytes(w);
		return nchw(1).initializer(uint8("wq", w, 1, 1, 3, 3)).initializer(uint8(
			"wzp", new byte[] { (byte) 128 })).initializer("ws", new float[] {
				0.004f }).initializer("bias", new float[] { 0.1f }, 1, 1, 1).node(
					"DynamicQuantizeLinear", "x", "xq,xs,xzp").node("ConvInteger",
						"xq,wq,xzp,wzp", "ci", attrInts("pads", 1, 1, 1, 1)).node("Cast",
							"ci", "cf", attrInt("to", OnnxModels.FLOAT)).node("Mul", "xs,ws",
								"s").node("Mul", "cf,s", "scaled").node("Add", "scaled,bias",
									"y").output("y", "N,1,H,W");
	}

	/**
	 * x2 super-resolution: a 3x3 convolution to 4 channels, then Reshape [N, 1,
	 * 2, 2, H, W], Transpose, Reshape [N, 1, 2H, 2W], every shape built from
	 * {@code Shape} as a dynamic PyTorch export does.
	 */
	public static OnnxModels.Builder dynamicPixelShuffle() {
		Random random = new Random(4);
		OnnxModels.Builder b = nchw(1).initializer("w", OnnxModels.randomFloats(
			random, 36, 0.3f), 4, 1, 3, 3).initializer("i0", new long[] { 0 })
			.initializer("i2", new long[] { 2 }).initializer("i3", new long[] { 3 })
			.initializer("zero", new long[] { 0 }, 1).initializer("one", new long[] {
				1 }, 1).initializer("two", new long[] { 2 }, 1).node("Conv", "x,w", "f",
					attrInts("pads", 1, 1, 1, 1)).node("Shape", "f", "s");
		for (String d : new String[] { "0", "2", "3" })
			b.node("Gather", "s,i" + d, "g" + d).node("Unsqueeze", "g" + d + ",zero",
				"u" + d);
		return b.node("Concat", "u0,one,two,two,u2,u3", "s6", attrInt("axis", 0))
			.node("Reshape", "f,s6", "r6").node("Transpose", "r6", "t", attrInts(
				"perm", 0, 1, 4, 2, 5, 3)).node("Mul", "u2,two", "h2").node("Mul",
					"u3,two", "w2").node("Concat", "u0,one,h2,w2", "s4", attrInt("axis",
						0)).node("Reshape", "t,s4", "y").output("y", "N,1,?,?");
	}

	public static NodeProto node(String name, String op, List<String> in,
		List<String> out, AttributeProto... attrs)
	{
		return NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(in)
			.addAllOutput(out).addAllAttribute(List.of(attrs)).build();
	}

	public static AttributeProto ref(String name, String refName,
		AttributeProto.AttributeType type)
	{
		return AttributeProto.newBuilder().setName(name).setRefAttrName(refName)
			.setType(type).build();
	}

	/**
	 * {@code local::ConvRelu(X, W) = Relu(Conv(X, W))} with 3x3 "same" padding.
	 */
	public static FunctionProto convRelu() {
		return FunctionProto.newBuilder().setDomain("local").setName("ConvRelu")
			.addInput("X").addInput("W").addOutput("Y").addOpsetImport(
				OperatorSetIdProto.newBuilder().setVersion(17)).addNode(node("conv",
					"Conv", List.of("X", "W"), List.of("c"), attrInts("pads", 1, 1, 1,
						1))).addNode(node("relu", "Relu", List.of("c"), List.of("Y")))
			.build();
	}

	/**
	 * {@code local::Pool(X)}: MaxPool whose kernel and pads the caller gives as
	 * attributes k and p.
	 */
	public static FunctionProto pool() {
		return FunctionProto.newBuilder().setDomain("local").setName("Pool")
			.addInput("X").addOutput("Y").addAttribute("k").addAttribute("p")
			.addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).addNode(
				node("pool", "MaxPool", List.of("X"), List.of("Y"), ref("kernel_shape",
					"k", AttributeProto.AttributeType.INTS), ref("pads", "p",
						AttributeProto.AttributeType.INTS))).build();
	}

	/** {@code local::Centre(X) = X - ReduceMean(X)} over y and x. */
	public static FunctionProto centre() {
		return FunctionProto.newBuilder().setDomain("local").setName("Centre")
			.addInput("X").addOutput("Y").addOpsetImport(OperatorSetIdProto
				.newBuilder().setVersion(17)).addNode(node("mean", "ReduceMean", List
					.of("X"), List.of("m"), attrInts("axes", 2, 3))).addNode(node("sub",
						"Sub", List.of("X", "m"), List.of("Y"))).build();
	}

	public static OnnxModels.Builder withFunctions() {
		Random random = new Random(8);
		return nchw(1).opset("local", 1).function(convRelu()).function(pool())
			.initializer("w", OnnxModels.randomFloats(random, 18, 0.4f), 2, 1, 3, 3)
			.namedNode("block", "local::ConvRelu", "x,w", "f").namedNode("down",
				"local::Pool", "f", "y", attrInts("k", 5, 5), attrInts("p", 2, 2, 2, 2))
			.output("y", "N,2,H,W");
	}

	static TensorProto uint8(String name, byte[] values, long... dims) {
		TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(
			TensorProto.DataType.UINT8_VALUE).setRawData(ByteString.copyFrom(values));
		for (long d : dims)
			t.addDims(d);
		return t.build();
	}
}
