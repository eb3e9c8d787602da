
package org.fijigan.core.train.data;

import java.util.List;

import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.ImageInput;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.model.ValueRange;
import org.fijigan.core.tiling.AxisConstraint;

/** Model descriptors and images for the data tests; no ONNX file is needed. */
final class TestModels {

	private TestModels() {}

	static ModelDescriptor imageModel(TaskKind task, int channels, double scale,
		MaskSpec mask, ValueRange in, ValueRange out)
	{
		return imageModel(task, channels, scale, mask, in, out, AxisConstraint.ANY);
	}

	/** A model whose input takes only {@code sizes} along both axes. */
	static ModelDescriptor imageModel(TaskKind task, AxisConstraint sizes) {
		return imageModel(task, 1, 1, null, ValueRange.ZERO_ONE,
			ValueRange.ZERO_ONE, sizes);
	}

	private static ModelDescriptor imageModel(TaskKind task, int channels,
		double scale, MaskSpec mask, ValueRange in, ValueRange out,
		AxisConstraint sizes)
	{
		ImageInput image = new ImageInput("input", TensorLayout.BCYX, channels,
			sizes, sizes, Integer.MAX_VALUE);
		ModelKind kind = mask == null ? new ModelKind.ImageToImage(image)
			: new ModelKind.Inpainting(image, mask);
		return ModelDescriptor.builder("test-" + task.id(), task, kind, "output",
			TensorLayout.BCYX).file(null, "0".repeat(64)).outputChannels(channels)
			.scale(scale).ranges(in, out).build();
	}

	static ModelDescriptor imageModel(TaskKind task, int channels, double scale) {
		return imageModel(task, channels, scale, null, ValueRange.ZERO_ONE,
			ValueRange.ZERO_ONE);
	}

	static ModelDescriptor inpaintModel(int channels, MaskSpec mask) {
		return imageModel(TaskKind.INPAINT, channels, 1, mask, ValueRange.ZERO_ONE,
			ValueRange.ZERO_ONE);
	}

	static ModelDescriptor generator(int latentDim, int classes, int channels) {
		return generator(latentDim, classes, List.of(), channels);
	}

	/** A conditional generator naming its classes {@code classNames}. */
	static ModelDescriptor generator(int latentDim, List<String> classNames,
		int channels)
	{
		return generator(latentDim, classNames.size(), classNames, channels);
	}

	private static ModelDescriptor generator(int latentDim, int classes,
		List<String> classNames, int channels)
	{
		GeneratorSpec g = new GeneratorSpec("z", latentDim, new long[] { -1,
			latentDim }, classes > 0 ? "label" : null, classes, classNames);
		return ModelDescriptor.builder("test-generator", TaskKind.GENERATE,
			new ModelKind.Generator(g), "output", TensorLayout.BCYX).file(null, "0"
				.repeat(64)).outputChannels(channels).ranges(ValueRange.MINUS_ONE_ONE,
					ValueRange.MINUS_ONE_ONE).build();
	}

	/** A one-plane float image with the given rows. */
	static RasterImage image(String title, float[][] rows) {
		int h = rows.length, w = rows[0].length;
		float[] p = new float[w * h];
		for (int y = 0; y < h; y++)
			System.arraycopy(rows[y], 0, p, y * w, w);
		return new RasterImage(w, h, 1, 1, 1, PixelType.FLOAT32, new Object[] { p })
			.setTitle(title);
	}

	/** A float image whose every pixel is {@code value}. */
	static RasterImage constant(String title, int w, int h, float value) {
		float[] p = new float[w * h];
		java.util.Arrays.fill(p, value);
		return new RasterImage(w, h, 1, 1, 1, PixelType.FLOAT32, new Object[] { p })
			.setTitle(title);
	}

	/** A float image with pixel (x, y) = {@code f(x, y)}. */
	static RasterImage function(String title, int w, int h,
		java.util.function.IntBinaryOperator f)
	{
		float[] p = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = f.applyAsInt(x, y);
		return new RasterImage(w, h, 1, 1, 1, PixelType.FLOAT32, new Object[] { p })
			.setTitle(title);
	}
}
