
package org.fijigan.testing;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.ModelSession;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.model.ValueInfo;
import org.fijigan.core.model.bioimage.BioImageModel;
import org.fijigan.core.model.bioimage.BioImageRdf;
import org.fijigan.core.pipeline.ImageToImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.core.pipeline.TensorRecorder;

/**
 * Re-runs a bioimage.io package's test tensors as bioimage.io's own test does:
 * the test input preprocessed by the package's steps (an inpainting model's
 * image not zeroed under the holes), the model, the postprocessing, compared
 * with the test output. Image models go through fiji-gan's pipeline (untiled,
 * on the CPU) read as the specification says (the result is the postprocessed
 * output); a generator's latent and label inputs go to the model as they are.
 */
public final class PackageTensors {

	/**
	 * @param maxAbsDiff largest absolute difference between the run and the test
	 *          output
	 * @param outputRange max - min of the test output (1 when flat)
	 * @param shape the test output's shape
	 * @param preprocessingChange largest change the preprocessing made to the
	 *          test image input, relative to its range (NaN for a generator):
	 *          about 0 means the test input was stored already preprocessed,
	 *          where the specification wants it raw
	 */
	public record Check(double maxAbsDiff, double outputRange, long[] shape,
			double preprocessingChange) {

		public double relativeError() {
			return maxAbsDiff / outputRange;
		}
	}

	private PackageTensors() {}

	/**
	 * Loads the package (SHA-256 checked), runs its test inputs and compares with
	 * its test output.
	 */
	public static Check run(Path rdfYaml) {
		ModelDescriptor d = ModelLoader.load(rdfYaml.toString(),
			ModelOverrides.NONE);
		BioImageModel rdf = BioImageRdf.read(rdfYaml);
		if (rdf.testInputs().size() != rdf.inputs().size() || rdf.testOutputs()
			.isEmpty()) throw new AssertionError(rdfYaml +
				": every input and the output need a test tensor");
		NpyArray expected = Npy.read(rdf.testOutputs().get(0));
		float[] actual;
		long[] actualShape;
		double change = Double.NaN;
		if (d.kind() instanceof ModelKind.Generator g) {
			// by position, as bioimage.io tools feed them
			List<String> graphInputs = d.graph().inputs().stream().map(
				ValueInfo::name).toList();
			Map<String, Tensor> feeds = new LinkedHashMap<>();
			for (int i = 0; i < rdf.inputs().size(); i++) {
				NpyArray a = Npy.read(rdf.testInputs().get(i));
				boolean integer = a.dtype() == NpyArray.DType.INT64 || a
					.dtype() == NpyArray.DType.INT32;
				feeds.put(graphInputs.get(i), integer ? Tensor.ofLongs(a.toLongArray(),
					a.shape()) : Tensor.of(a.toFloatArray(), a.shape()));
			}
			try (ModelSession s = ModelSession.open(d.onnxFile(), DeviceSpec.CPU,
				1))
			{
				Tensor out = s.run(feeds, List.of(d.outputName()), CancellationToken
					.none()).get(d.outputName());
				actual = out.floats();
				actualShape = out.shape();
			}
		}
		else {
			// the image fed as it is under an inpainting model's holes: no
			// bioimage.io step zeroes it there, as fiji-gan's runs do
			ModelDescriptor asSpecified = d.toBuilder().outputInInputUnits(false)
				.outputTransform(OutputTransform.DIRECT).kind(d
					.kind() instanceof ModelKind.Inpainting k ? new ModelKind.Inpainting(k
						.image(), new MaskSpec(k.mask().inputName(), k.mask().holeValue(), k
							.mask().keepValue(), false, k.mask().layout())) : d.kind())
				.build();
			// the test inputs at the positions of the inputs they feed, as
			// bioimage.io tools pair them
			List<String> graphInputs = d.graph().inputs().stream().map(
				ValueInfo::name).toList();
			NpyArray in = Npy.read(rdf.testInputs().get(graphInputs.indexOf(d.image()
				.name())));
			RasterImage image = image(in, d.image().layout());
			RasterImage mask = null;
			if (d.kind() instanceof ModelKind.Inpainting k) {
				if (k.mask().isExtraChannel()) throw new AssertionError(rdfYaml +
					": a mask in the image's last channel is not handled here");
				RasterImage m = image(Npy.read(rdf.testInputs().get(graphInputs.indexOf(
					k.mask().inputName()))), d.image().layout());
				mask = RasterImage.allocate(m.width(), m.height(), 1, 1, 1,
					PixelType.UINT8);
				float[] v = (float[]) m.plane(0);
				float[] holes = new float[v.length];
				for (int i = 0; i < v.length; i++)
					holes[i] = v[i] == k.mask().holeValue() ? 1 : 0;
				mask.writeRegion(0, 0, 0, 0, 0, m.width(), m.height(), holes, 0);
			}
			InferenceOptions options = InferenceOptions.defaults().withTileSize(
				InferenceOptions.NO_TILING).withDevice(DeviceSpec.CPU, 1)
				.withFloatOutput(true).withCompositeInpaint(false);
			RasterImage result = mask == null ? ImageToImage.run(asSpecified, image,
				options, ProgressListener.NONE, CancellationToken.none()).image()
				: Inpainter.run(asSpecified, image, mask, options,
					ProgressListener.NONE, CancellationToken.none()).image();
			actual = tensor(result, d.outputLayout());
			actualShape = d.outputLayout().shape(1, result.channels(), result
				.height(), result.width());
			float[] fed = TensorRecorder.record(asSpecified, image, mask, options,
				CancellationToken.none()).inputs().get(d.image().name()).floats();
			float[] raw = in.toFloatArray();
			double diff = 0, min = Double.POSITIVE_INFINITY, max =
				Double.NEGATIVE_INFINITY;
			for (int i = 0; i < raw.length; i++) {
				diff = Math.max(diff, Math.abs((double) fed[i] - raw[i]));
				min = Math.min(min, raw[i]);
				max = Math.max(max, raw[i]);
			}
			change = diff / (max > min ? max - min : 1);
		}
		if (!Arrays.equals(expected.shape(), actualShape)) throw new AssertionError(
			rdfYaml + ": the model gives " + Arrays.toString(actualShape) +
				", the test output is " + Arrays.toString(expected.shape()));
		float[] e = expected.toFloatArray();
		double diff = 0, min = Double.POSITIVE_INFINITY, max =
			Double.NEGATIVE_INFINITY;
		for (int i = 0; i < e.length; i++) {
			diff = Math.max(diff, Math.abs((double) e[i] - actual[i]));
			min = Math.min(min, e[i]);
			max = Math.max(max, e[i]);
		}
		return new Check(diff, max > min ? max - min : 1, expected.shape(), change);
	}

	/** A one-sample tensor laid out as {@code layout}, as a float image. */
	static RasterImage image(NpyArray a, TensorLayout layout) {
		long[] s = a.shape();
		int w = (int) s[layout.xAxis()], h = (int) s[layout.yAxis()];
		int c = layout.channelAxis() < 0 ? 1 : (int) s[layout.channelAxis()];
		int[] st = strides(s);
		float[] v = a.toFloatArray();
		RasterImage img = RasterImage.allocate(w, h, c, 1, 1, PixelType.FLOAT32);
		for (int ch = 0; ch < c; ch++) {
			float[] plane = (float[]) img.plane(ch, 0, 0);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					plane[y * w + x] = v[y * st[layout.yAxis()] + x * st[layout.xAxis()] +
						(layout.channelAxis() < 0 ? 0 : ch * st[layout.channelAxis()])];
		}
		return img;
	}

	/**
	 * An image (a package's sample tensor) as a one-sample tensor laid out as
	 * {@code layout}.
	 */
	public static float[] tensorOf(RasterImage img, TensorLayout layout) {
		return tensor(img, layout);
	}

	/** A float image as a one-sample tensor laid out as {@code layout}. */
	static float[] tensor(RasterImage img, TensorLayout layout) {
		long[] s = layout.shape(1, img.channels(), img.height(), img.width());
		int[] st = strides(s);
		float[] v = new float[img.width() * img.height() * img.channels()];
		float[] row = new float[img.width()];
		for (int ch = 0; ch < img.channels(); ch++)
			for (int y = 0; y < img.height(); y++) {
				img.readRegion(ch, 0, 0, 0, y, img.width(), 1, row, 0);
				for (int x = 0; x < img.width(); x++)
					v[y * st[layout.yAxis()] + x * st[layout.xAxis()] + (layout
						.channelAxis() < 0 ? 0 : ch * st[layout.channelAxis()])] = row[x];
			}
		return v;
	}

	private static int[] strides(long[] shape) {
		int[] st = new int[shape.length];
		int s = 1;
		for (int i = shape.length - 1; i >= 0; i--) {
			st[i] = s;
			s *= (int) shape[i];
		}
		return st;
	}
}
