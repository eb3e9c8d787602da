
package org.fijigan.bench;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.train.Discriminator;
import org.fijigan.core.train.Parameter;
import org.fijigan.core.train.autodiff.GraphEmitter;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Java side of {@code bench/gan-fashion.sh}; a benchmark main, not a test.
 * <ul>
 * <li>{@code export-d DIR SIZE CHANNELS WIDTH CLASSES SEED MINIBATCH_STD}: the
 * initial weights of the SNGAN discriminator (with spectral norm) that
 * {@code fine-tune --discriminator sngan
 * --spectral-norm --seed SEED [--minibatch-std]} builds, and its vectors
 * {@code u}, as {@code DIR/NNN.npy}, {@code DIR/u-NNN.npy} and
 * {@code DIR/index.txt}; plus, for the PyTorch side to check that its copy
 * computes the same function, the logits of the spectrally normalised
 * discriminator on a seeded batch ({@code check-x.npy},
 * {@code check-labels.npy}, {@code check-logits.npy}).</li>
 * <li>{@code sample MODEL.onnx Z.npy LABELS.npy OUT.npy [THREADS]}: the
 * generator's images for the given latents and labels, run by ONNX
 * Runtime.</li>
 * </ul>
 */
public final class GanFashionBench {

	private GanFashionBench() {}

	public static void main(String[] args) throws Exception {
		switch (args[0]) {
			case "export-d" -> exportDiscriminator(Path.of(args[1]), Integer.parseInt(
				args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer
					.parseInt(args[5]), Long.parseLong(args[6]), Boolean.parseBoolean(
						args[7]));
			case "sample" -> sample(Path.of(args[1]), Path.of(args[2]), Path.of(
				args[3]), Path.of(args[4]), args.length > 5 ? Integer.parseInt(args[5])
					: 2);
			default -> throw new IllegalArgumentException("unknown mode " + args[0]);
		}
	}

	static void exportDiscriminator(Path dir, int size, int channels, int width,
		int classes, long seed, boolean minibatchStd) throws Exception
	{
		Files.createDirectories(dir);
		Discriminator d = Discriminator.create(Discriminator.Architecture.SNGAN,
			channels, size, width, classes, new Discriminator.Options(true,
				minibatchStd), seed);
		Map<String, float[]> vectors = d.spectralVectors();
		List<String> index = new ArrayList<>();
		for (int i = 0; i < d.parameters().size(); i++) {
			Parameter p = d.parameters().get(i);
			String n = String.format("%03d", i);
			Npy.writeFloat(dir.resolve(n + ".npy"), p.values(), p.shape());
			float[] u = vectors.get("train/u/" + p.name());
			if (u != null) Npy.writeFloat(dir.resolve("u-" + n + ".npy"), u,
				u.length);
			index.add(n + "\t" + p.name());
		}
		Files.write(dir.resolve("index.txt"), index);

		// logits of W/sigma(u) on a seeded batch
		int n = 8;
		long[] shape = { n, channels, size, size };
		Random r = new Random(seed + 1);
		float[] x = new float[n * channels * size * size];
		for (int i = 0; i < x.length; i++)
			x[i] = r.nextFloat() * 2 - 1;
		long[] labels = new long[n];
		for (int i = 0; i < n; i++)
			labels[i] = i % classes;
		ModelProto.Builder mb = ModelProto.newBuilder().setIrVersion(8)
			.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(
				17));
		GraphProto.Builder g = mb.getGraphBuilder().setName("check");
		Map<String, long[]> shapes = new HashMap<>();
		input(g, shapes, "x", TensorProto.DataType.FLOAT_VALUE, shape);
		input(g, shapes, "label", TensorProto.DataType.INT64_VALUE, new long[] {
			n });
		for (Parameter p : d.parameters())
			input(g, shapes, p.name(), TensorProto.DataType.FLOAT_VALUE, p.shape());
		GraphEmitter e = new GraphEmitter(g, shapes, 17);
		String logits = d.bind(e, false).apply("x", "label");
		g.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(logits)
			.addOutput("logits"));
		g.addOutput(ValueInfoProto.newBuilder().setName("logits"));
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		Map<String, OnnxTensor> feeds = new HashMap<>();
		try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
				OrtSession s = env.createSession(mb.build().toByteArray(), so))
		{
			feeds.put("x", OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape));
			feeds.put("label", OnnxTensor.createTensor(env, LongBuffer.wrap(labels),
				new long[] { n }));
			for (Parameter p : d.parameters())
				feeds.put(p.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(p
					.values()), p.shape()));
			for (Map.Entry<String, float[]> u : vectors.entrySet())
				feeds.put(u.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(u
					.getValue()), new long[] { u.getValue().length }));
			try (OrtSession.Result res = s.run(feeds)) {
				FloatBuffer fb = ((OnnxTensor) res.get("logits").orElseThrow())
					.getFloatBuffer();
				float[] v = new float[fb.remaining()];
				fb.get(v);
				Npy.writeFloat(dir.resolve("check-logits.npy"), v, n);
			}
		}
		finally {
			feeds.values().forEach(OnnxTensor::close);
		}
		Npy.writeFloat(dir.resolve("check-x.npy"), x, shape);
		Npy.write(dir.resolve("check-labels.npy"), new NpyArray(
			NpyArray.DType.INT64, new long[] { n }, labels));
		System.out.println("exported the discriminator (" + d.parameters().size() +
			" parameters, " + vectors.size() + " vectors u) to " + dir);
	}

	private static void input(GraphProto.Builder g, Map<String, long[]> shapes,
		String name, int type, long[] shape)
	{
		TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
		for (long v : shape)
			s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(v));
		g.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto
			.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(
				type).setShape(s))));
		shapes.put(name, shape);
	}

	static void sample(Path model, Path latents, Path labels, Path out,
		int threads) throws IOException, ai.onnxruntime.OrtException
	{
		NpyArray z = Npy.read(latents), y = Npy.read(labels);
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		try (ModelSession s = ModelSession.open(model, DeviceSpec.CPU, threads);
				OnnxTensor zt = OnnxTensor.createTensor(env, FloatBuffer.wrap(z
					.toFloatArray()), z.shape());
				OnnxTensor yt = OnnxTensor.createTensor(env, LongBuffer.wrap(y
					.toLongArray()), y.shape());
				OrtSession.Result r = s.ortSession().run(Map.of("z", zt, "label", yt)))
		{
			OnnxTensor img = (OnnxTensor) r.get(0);
			FloatBuffer fb = img.getFloatBuffer();
			float[] v = new float[fb.remaining()];
			fb.get(v);
			Npy.writeFloat(out, v, img.getInfo().getShape());
		}
	}
}
