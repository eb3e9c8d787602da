
package org.fijigan.core.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;

import org.fijigan.core.GanException;

/**
 * The copies between fiji-gan's {@link Tensor} and ONNX Runtime's tensors that
 * {@link ModelSession#run} makes on the way in (to the input's declared element
 * type) and out (to float32), and that the training step graphs make for their
 * integer inputs. The caller owns and closes the {@link OnnxTensor} it gets.
 */
public final class OrtTensors {

	private OrtTensors() {}

	/**
	 * An integer tensor as the input {@code name} of {@code session} declares it:
	 * int64 or int32 (class labels fed to a model whose label input is int32);
	 * int64 for a name the session does not take.
	 */
	public static OnnxTensor integers(OrtEnvironment env, OrtSession session,
		String name, Tensor t) throws OrtException
	{
		NodeInfo info = session.getInputInfo().get(name);
		if (info != null && info.getInfo() instanceof TensorInfo ti) return toOrt(
			env, name, t, ti);
		return OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), t.shape());
	}

	static OnnxTensor toOrt(OrtEnvironment env, String name, Tensor t,
		TensorInfo info) throws OrtException
	{
		OnnxJavaType type = info.type;
		if (!t.isFloat()) {
			long[] v = t.longs();
			if (type == OnnxJavaType.INT64) return OnnxTensor.createTensor(env,
				LongBuffer.wrap(v), t.shape());
			if (type == OnnxJavaType.INT32) {
				int[] iv = new int[v.length];
				for (int i = 0; i < v.length; i++)
					iv[i] = Math.toIntExact(v[i]);
				return OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(iv), t
					.shape());
			}
			throw new GanException("input '" + name + "' has element type " + type +
				"; an integer input must be int64 or int32");
		}
		float[] f = t.floats();
		switch (type) {
			case FLOAT: {
				FloatBuffer fb = ByteBuffer.allocateDirect(f.length * 4).order(ByteOrder
					.nativeOrder()).asFloatBuffer();
				fb.put(f).rewind();
				return OnnxTensor.createTensor(env, fb, t.shape());
			}
			case DOUBLE: {
				double[] d = new double[f.length];
				for (int i = 0; i < f.length; i++)
					d[i] = f[i];
				return OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), t.shape());
			}
			case FLOAT16: {
				java.nio.ShortBuffer sb = ByteBuffer.allocateDirect(f.length * 2).order(
					ByteOrder.nativeOrder()).asShortBuffer();
				for (float v : f) {
					// a finite value float16 cannot hold would become infinite here,
					// and be taken for the model's doing
					if (Float.isFinite(v) && Math.abs(v) > FP16_MAX)
						throw new GanException("input '" + name +
							"' is float16, which holds values up to " +
							"65504, but the image gives it " + v + ": normalise the image " +
							"into the model's range (e.g. --normalize percentile, or range)");
					sb.put(Fp16Conversions.floatToFp16(v));
				}
				sb.rewind();
				return OnnxTensor.createTensor(env, sb, t.shape(),
					OnnxJavaType.FLOAT16);
			}
			case UINT8: {
				// rounded and saturated, as any conversion to 8 bits: a normalised
				// image may stand a little outside its range (--normalize percentile)
				ByteBuffer b = ByteBuffer.allocateDirect(f.length);
				for (float v : f) {
					if (Float.isNaN(v)) throw new GanException("input '" + name +
						"' is uint8, but the image gives it NaN");
					b.put((byte) Math.round(Math.max(0f, Math.min(255f, v))));
				}
				b.rewind();
				return OnnxTensor.createTensor(env, b, t.shape(), OnnxJavaType.UINT8);
			}
			default:
				throw new GanException("input '" + name + "' has element type " + type +
					"; image inputs must be float32, float64, float16 or uint8");
		}
	}

	/** The largest finite float16. */
	static final float FP16_MAX = 65504f;

	static Tensor fromOrt(String name, OnnxValue value) throws OrtException {
		if (!(value instanceof OnnxTensor t)) throw new GanException("output '" +
			name + "' is not a tensor");
		long[] shape = t.getInfo().getShape();
		switch (t.getInfo().type) {
			case FLOAT: {
				FloatBuffer b = t.getFloatBuffer();
				float[] f = new float[b.remaining()];
				b.get(f);
				return Tensor.of(f, shape);
			}
			case DOUBLE: {
				DoubleBuffer b = t.getDoubleBuffer();
				float[] f = new float[b.remaining()];
				for (int i = 0; i < f.length; i++)
					f[i] = (float) b.get(i);
				return Tensor.of(f, shape);
			}
			case FLOAT16: {
				java.nio.ShortBuffer b = t.getShortBuffer();
				float[] f = new float[b.remaining()];
				for (int i = 0; i < f.length; i++)
					f[i] = Fp16Conversions.fp16ToFloat(b.get(i));
				return Tensor.of(f, shape);
			}
			case UINT8, INT8, BOOL: {
				ByteBuffer b = t.getByteBuffer();
				boolean signed = t.getInfo().type == OnnxJavaType.INT8;
				float[] f = new float[b.remaining()];
				for (int i = 0; i < f.length; i++)
					f[i] = signed ? b.get(i) : b.get(i) & 0xff;
				return Tensor.of(f, shape);
			}
			case INT16: { // int16, or uint16, which Java reads as int16
				java.nio.ShortBuffer b = t.getShortBuffer();
				boolean unsigned = t
					.getInfo().onnxType == TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16;
				float[] f = new float[b.remaining()];
				for (int i = 0; i < f.length; i++)
					f[i] = unsigned ? b.get(i) & 0xffff : b.get(i);
				return Tensor.of(f, shape);
			}
			case INT32: {
				java.nio.IntBuffer b = t.getIntBuffer();
				boolean unsigned = t
					.getInfo().onnxType == TensorInfo.OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32;
				float[] f = new float[b.remaining()];
				for (int i = 0; i < f.length; i++)
					f[i] = unsigned ? b.get(i) & 0xffffffffL : b.get(i);
				return Tensor.of(f, shape);
			}
			case INT64: {
				LongBuffer b = t.getLongBuffer();
				float[] f = new float[b.remaining()];
				for (int i = 0; i < f.length; i++)
					f[i] = b.get(i);
				return Tensor.of(f, shape);
			}
			default:
				throw new GanException("output '" + name + "' has element type " + t
					.getInfo().onnxType + "; fiji-gan reads floating-point, integer " +
					"and boolean outputs");
		}
	}

}
