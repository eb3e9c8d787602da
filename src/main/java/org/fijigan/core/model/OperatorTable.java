
package org.fijigan.core.model;

import static org.fijigan.core.model.ImageAxes.from;
import static org.fijigan.core.model.NodeAttributes.attrInt;
import static org.fijigan.core.model.NodeAttributes.attrInts;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fijigan.core.model.ImageAxes.Pixels;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Which rule of {@link LocalityWalker} each standard operator follows, and the
 * operators simple enough to need no rule of their own (pointwise ones keep
 * their input's axes and halo; nodes that depend on where values lie break
 * exactness).
 */
final class OperatorTable extends OperatorRules {

	private static final Set<String> UNARY = Set.of("Relu", "LeakyRelu",
		"Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Identity", "Cast", "Elu",
		"Selu", "Celu", "Gelu", "Mish", "Softplus", "Softsign", "ThresholdedRelu",
		"Exp", "Log", "Abs", "Neg", "Sqrt", "Reciprocal", "Dropout", "Not", "Floor",
		"Ceil", "Round", "Sign", "Erf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan",
		"Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "IsNaN", "IsInf", "Shrink",
		"BitwiseNot", "Swish");
	private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul",
		"Div", "Pow", "Max", "Min", "Mean", "Sum", "Where", "Equal", "Greater",
		"GreaterOrEqual", "Less", "LessOrEqual", "And", "Or", "Xor", "PRelu", "Mod",
		"BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Clip", "CastLike");
	private static final Set<String> WINDOWED = Set.of("Conv", "ConvInteger",
		"QLinearConv", "MaxPool", "AveragePool", "LpPool", "ConvTranspose");

	private final PointwiseRules pointwise;
	private final ReductionRules reductions;
	private final WindowRules windows;
	private final ReshapeRules reshapes;
	private final IndexingRules indexing;

	OperatorTable(LocalityWalker walk, Map<String, Pixels> pixels,
		KnownValues known)
	{
		super(walk, pixels, known);
		pointwise = new PointwiseRules(walk, pixels, known);
		reductions = new ReductionRules(walk, pixels, known);
		windows = new WindowRules(walk, pixels, known);
		reshapes = new ReshapeRules(walk, pixels, known);
		indexing = new IndexingRules(walk, pixels, known);
	}

	/**
	 * The outputs of a node that reads image data (null entries: unknown), naming
	 * it a breaker where it is one.
	 */
	List<Pixels> pixelNode(NodeProto n) {
		if (!OnnxGraphInfo.isStandardDomain(n.getDomain())) {
			notUnderstood(n,
				"a custom operator fiji-gan does not know, so it may mix distant pixels");
			return null;
		}
		String op = n.getOpType();
		Pixels in = firstPixels(n);
		if (UNARY.contains(op)) return one(in);
		if (BROADCAST.contains(op)) return one(pointwise.broadcast(n, op.equals(
			"CastLike") ? 1 : n.getInputCount()));
		if (WINDOWED.contains(op)) return windows.windowed(n);
		switch (op) {
			case "BatchNormalization", "QuantizeLinear", "DequantizeLinear", "LRN":
				return one(pointwise.perChannel(n, op));
			case "Resize", "Upsample":
				return one(windows.resize(n, in));
			case "DepthToSpace", "SpaceToDepth":
				return one(windows.depthToSpace(n, in, op.equals("DepthToSpace")));
			case "Pad":
				return one(windows.pad(n, in));
			case "Reshape":
				return one(reshapes.reshape(n, in, reshapes.targetShape(n)));
			case "Flatten":
				return one(reshapes.flatten(n, in));
			case "Transpose":
				return one(reshapes.transpose(n, in));
			case "Squeeze", "Unsqueeze":
				return one(reshapes.squeeze(n, in, op.equals("Unsqueeze")));
			case "Concat":
				return one(indexing.concat(n));
			case "Split":
				return indexing.split(n, in);
			case "Slice":
				return one(indexing.slice(n, in));
			case "Expand":
				return one(indexing.expand(n, in));
			case "Tile":
				return one(indexing.tile(n, in));
			case "Gather":
				return one(indexing.gather(n, in));
			case "Shape", "Size":
				indexing.shape(n, in, op.equals("Size"));
				return List.of();
			case "MatMul", "MatMulInteger", "Gemm", "QLinearMatMul":
				return one(reductions.matMul(n, op));
			case "Softmax", "LogSoftmax", "Hardmax":
				return one(reductions.softmax(n, in));
			case "ArgMax", "ArgMin":
				return one(reductions.reduceAxes(n, in, new double[] { attrInt(n,
					"axis", 0) }, attrInt(n, "keepdims", 1) != 0, "finds its " + (op
						.equals("ArgMax") ? "largest" : "smallest") + " value across"));
			case "TopK":
				return one(reductions.reduceAxes(n, in, new double[] { attrInt(n,
					"axis", -1) }, true, "ranks values across"));
			case "CumSum": {
				double[] axis = n.getInputCount() > 1 ? known.numbers(n.getInput(1))
					: null;
				return one(reductions.reduceAxes(n, in, axis, true,
					"sums cumulatively along"));
			}
			case "LpNormalization":
				return one(reductions.reduceAxes(n, in, new double[] { attrInt(n,
					"axis", -1) }, true, "normalises across"));
			case "LayerNormalization":
				return one(reductions.reduceAxes(n, in, from(attrInt(n, "axis", -1), in
					.rank()), true, "normalises across"));
			case "InstanceNormalization", "GroupNormalization":
				return one(reductions.reduceAxes(n, in, from(op.equals(
					"GroupNormalization") ? 1 : 2, in.rank()), true,
					"normalises with statistics over"));
			case "MeanVarianceNormalization": {
				double[] axes = attrInts(n, "axes");
				return one(reductions.reduceAxes(n, in, axes == null ? new double[] { 0,
					2, 3 } : axes, true, "normalises with statistics over"));
			}
			case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool":
				return one(reductions.reduceAxes(n, in, from(2, in.rank()), true,
					"pools over"));
			case "DynamicQuantizeLinear": {
				breaks(n,
					"computes its scale and zero point from the whole tensor, so each tile is quantised " +
						"differently");
				Pixels scalar = new Pixels(List.of(), in.halo(), in.jump(), true);
				return Arrays.asList(in, scalar, scalar);
			}
			case "NonZero", "Unique", "Compress", "NonMaxSuppression":
				breaks(n, "its output depends on where in the image values lie");
				return null;
			default:
				if (op.startsWith("Reduce")) return one(reductions.reduce(n, in));
				notUnderstood(n,
					"not understood on image data, so it may mix distant pixels");
				return null;
		}
	}

	private static List<Pixels> one(Pixels p) {
		return p == null ? null : List.of(p);
	}
}
