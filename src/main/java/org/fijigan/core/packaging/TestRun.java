
package org.fijigan.core.packaging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.engine.DeviceSpec;
import org.fijigan.core.engine.SessionCache;
import org.fijigan.core.engine.Tensor;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.OutputTransform;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.model.TensorLayout;
import org.fijigan.core.model.ValueInfo;
import org.fijigan.core.model.bioimage.ProcessingStep;
import org.fijigan.core.packaging.CoverImage.Panel;
import org.fijigan.core.pipeline.Generator;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.core.pipeline.TensorRecorder;
import org.fijigan.core.tiling.AxisConstraint;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * What a package's test tensors, sample tensors and cover are made of: one run
 * of the model through fiji-gan's own pipeline, untiled on the CPU with one
 * thread (so that the numbers do not depend on the machine's core count), read
 * as the bioimage.io specification says (the package's preprocessing in, its
 * output as the model gives it, there being no postprocessing). An image model
 * runs on a centre crop of the sample (one plane, at most
 * {@link #MAX_TEST_SIDE} pixels a side and {@link #MAX_TEST_OUTPUT_VALUES}
 * output values, at least the package's smallest input); its test input is the
 * crop's raw values, as bioimage.io wants them, its test output what the model
 * returned (an inpainting model fed the image as it is under the holes, as
 * bioimage.io tools feed it, where fiji-gan's own runs zero it). A generator
 * runs on seeded latent vectors.
 *
 * @param tensors inputs in descriptor order, then the output
 * @param preprocessing of the image input (empty for a generator)
 * @param dataTypes each tensor's bioimage.io data type ({@code data.type}), by
 *          test tensor file: the type of the ONNX tensor, which bioimage.io
 *          tools feed and read as it is
 */
record TestRun(List<TestTensor> tensors, Tensor output,
		List<ProcessingStep> preprocessing, List<Panel> cover, String coverCaption,
		int inputChannels, int outputChannels, Map<String, String> dataTypes) {

	/** Most output values a chosen test crop may give (2 MiB of float32). */
	static final int MAX_TEST_OUTPUT_VALUES = 1 << 19;
	static final int MAX_TEST_SIDE = 128;
	/** Latent vectors in a generator's test input (unless its batch is fixed). */
	static final int GENERATOR_SAMPLES = 4;

	private static final Pattern TENSOR_ID = Pattern.compile(
		"[a-z][a-z0-9_]{0,31}");

	/**
	 * One test tensor: its file, its role, the ONNX input it feeds (null for the
	 * output), and its sample tensor (an image to show a person:
	 * {@code sampleFile} holds {@code sample}).
	 */
	record TestTensor(String file, String onnxName, String tensorId,
			NpyArray array, String sampleFile, RasterImage sample) {
	}

	static TestRun ofImageModel(ModelDescriptor d, PackageOptions o,
		List<String> notes, CancellationToken cancel)
	{
		RasterImage sample = o.sample();
		if (sample == null) throw new GanException("a " + d.task().id() +
			" model needs a sample image (--sample): the test tensors and the cover are made from it");
		if (sample.slices() * sample.frames() > 1) notes.add("the sample has " +
			sample.slices() * sample.frames() + " planes; the first one is used");
		int[] channels = sampleChannels(d, sample, notes);
		refuseNonFiniteSample(sample, channels);
		int outChannels = d.outputChannels() > 0 ? d.outputChannels() : Math.max(1,
			channels.length);
		int side = o.testSize() > 0 ? o.testSize() : (int) Math.max(16, Math.min(
			MAX_TEST_SIDE, Math.floor(Math.sqrt(MAX_TEST_OUTPUT_VALUES /
				(outChannels * d.scale() * d.scale())))));
		int w = cropLength(d.image().x(), sample.width(), side, "wide");
		int h = cropLength(d.image().y(), sample.height(), side, "high");
		int x0 = (sample.width() - w) / 2, y0 = (sample.height() - h) / 2;
		RasterImage crop = crop(sample, channels, x0, y0, w, h);
		RasterImage mask = null;
		if (d.task() == TaskKind.INPAINT) mask = maskCrop(o.mask(), sample, x0, y0,
			w, h, notes);
		else if (o.mask() != null) notes.add(
			"--mask is used for inpainting models only; ignored");

		String inType = imageInputType(d, d.image().name(), crop);
		// an RGB sample's colour channels are fed together, and fiji-gan maps
		// them with one map from their values together
		boolean joint = crop.type() == PixelType.RGB && !maskIsLastChannel(d);
		List<ProcessingStep> pre = NormalizationSteps.of(o.normalization(), d
			.inputRange(), sample.type(), d.image().layout(), joint, inType, notes);
		if (maskIsLastChannel(d)) notes.add("the mask is the last channel of the " +
			"image input: fiji-gan normalises the image channels only, but bioimage.io tools would apply the " +
			"preprocessing to the mask channel too");
		// the package as bioimage.io reads it: its preprocessing in, the model's
		// output out; an inpainting model fed the image as it is under the holes,
		// as bioimage.io tools feed it (fiji-gan's runs zero it there, which no
		// bioimage.io step can state)
		ModelDescriptor asSpecified = d.toBuilder().processing(pre, List.of())
			.outputInInputUnits(false).kind(holesAsGiven(d.kind())).build();
		InferenceOptions options = new InferenceOptions(null,
			InferenceOptions.NO_TILING, InferenceOptions.DEFAULT_MEMORY_BUDGET, true,
			DeviceSpec.CPU, 1, null, true);
		TensorRecorder.Recording r = TensorRecorder.record(asSpecified, crop, mask,
			options, cancel);
		if (asSpecified.kind() != d.kind() && !Arrays.equals(r.output().floats(),
			TensorRecorder.record(d.toBuilder().processing(pre, List.of())
				.outputInInputUnits(false).build(), crop, mask, options, cancel)
				.output().floats())) notes.add("the model reads the image under its " +
					"holes: the test output is its output fed the sample's own pixels " +
					"there, as bioimage.io tools feed them; fiji-gan zeroes them before " +
					"the model sees them, so its results differ inside the holes");

		List<TestTensor> tensors = new ArrayList<>();
		Set<String> ids = new LinkedHashSet<>();
		Tensor image = r.inputs().get(d.image().name());
		TensorLayout inLayout = d.image().layout(), outLayout = d.outputLayout();
		float[] raw = rawInput(crop, image, inLayout, maskIsLastChannel(d));
		Map<String, String> types = new LinkedHashMap<>();
		types.put(PackageWriter.TEST_INPUT, inType);
		// the sample is the crop itself, at its own bit depth: the test input's
		// values, to which the package's steps apply; a grey crop fed to each of
		// several channels, once for each
		int fedChannels = inLayout.channelAxis() < 0 ? 1 : (int) image
			.shape()[inLayout.channelAxis()];
		tensors.add(new TestTensor(PackageWriter.TEST_INPUT, d.image().name(),
			tensorId(d.image().name(), "input", ids), array(raw, image.shape(),
				inType), "sample_input", maskIsLastChannel(d) ? values(Tensor.of(raw,
					image.shape()), inLayout) : asFed(crop, fedChannels)));
		if (d.kind() instanceof ModelKind.Inpainting k && !k.mask()
			.isExtraChannel())
		{
			String maskInput = k.mask().inputName();
			Tensor m = r.inputs().get(maskInput);
			String maskType = elementType(d, maskInput) == DataType.UINT8_VALUE
				? NormalizationSteps.UINT8 : NormalizationSteps.FLOAT32;
			types.put(PackageWriter.TEST_MASK, maskType);
			tensors.add(new TestTensor(PackageWriter.TEST_MASK, maskInput, tensorId(
				maskInput, "mask", ids), array(m.floats(), m.shape(), maskType),
				"sample_mask", values(m, inLayout)));
		}
		Tensor out = r.output();
		refuseNonFinite(out);
		String outType = outputType(d);
		types.put(PackageWriter.TEST_OUTPUT, outType);
		tensors.add(new TestTensor(PackageWriter.TEST_OUTPUT, null, tensorId(d
			.outputName(), "output", ids), array(out.floats(), out.shape(), outType),
			"sample_output", values(out, outLayout)));

		int inC = inLayout.channelAxis() < 0 ? 1 : (int) image.shape()[inLayout
			.channelAxis()];
		int imageC = maskIsLastChannel(d) ? inC - 1 : inC;
		int outC = outLayout.channelAxis() < 0 ? 1 : (int) out.shape()[outLayout
			.channelAxis()];
		int shown = imageC >= 3 && outC >= 3 ? 3 : 1;
		Panel in = panel(image, inLayout, 0, shown);
		Panel result = panel(out, outLayout, 0, shown);
		String caption = "left: the model input (" + w + "x" + h +
			" px from the middle of the sample, " + "preprocessed); right: ";
		if (d.outputTransform() == OutputTransform.SUBTRACT_FROM_INPUT) {
			for (int c = 0; c < shown; c++)
				for (int i = 0; i < result.channels()[c].length; i++)
					result.channels()[c][i] = in.channels()[c][i] - result
						.channels()[c][i];
			caption += "input - output (the model predicts the noise)";
		}
		else caption += "the model output";
		return new TestRun(tensors, out, pre, List.of(in, result), caption +
			"; each scaled by its own percentiles", inC, outC, types);
	}

	static TestRun ofGenerator(ModelDescriptor d, PackageOptions o,
		List<String> notes, CancellationToken cancel)
	{
		if (o.sample() != null) notes.add(
			"--sample is not used for a generator: its test input is seeded latent " +
				"vectors");
		if (o.mask() != null) notes.add(
			"--mask is used for inpainting models only; ignored");
		GeneratorSpec g = d.generator();
		long[] zShape = g.latentShape().clone();
		int n = zShape[0] > 0 ? (int) zShape[0] : GENERATOR_SAMPLES;
		zShape[0] = n;
		float[] z = new float[n * g.latentDim()];
		for (int i = 0; i < n; i++)
			System.arraycopy(Generator.latent(o.seed() + i, g.latentDim()), 0, z, i *
				g.latentDim(), g.latentDim());
		Map<String, Tensor> feeds = new LinkedHashMap<>();
		feeds.put(g.latentInput(), Tensor.of(z, zShape));
		long[] labels = null;
		if (g.isConditional()) {
			labels = new long[n];
			for (int i = 0; i < n; i++)
				labels[i] = i % Math.max(1, g.classCount());
			feeds.put(g.classInput(), g.classFeed(labels, 0, n, n));
		}
		Tensor out;
		try (SessionCache.Lease lease = SessionCache.shared().acquire(d.onnxFile(),
			d.sha256Files(), d.sha256(), DeviceSpec.CPU, 1))
		{
			out = lease.session().run(feeds, List.of(d.outputName()), cancel).get(d
				.outputName());
		}
		List<TestTensor> tensors = new ArrayList<>();
		Set<String> ids = new LinkedHashSet<>();
		RasterImage latents = RasterImage.allocate(g.latentDim(), n, 1, 1, 1,
			PixelType.FLOAT32);
		latents.writeRegion(0, 0, 0, 0, 0, g.latentDim(), n, z, 0);
		tensors.add(new TestTensor(PackageWriter.TEST_INPUT, g.latentInput(),
			tensorId(g.latentInput(), "latent", ids), NpyArray.ofFloats(z, zShape),
			"sample_input", latents));
		if (labels != null) {
			// in the class input's own form: [N] or [N,1] labels, or one-hot vectors
			Tensor fed = feeds.get(g.classInput());
			boolean int32 = elementType(d, g.classInput()) == DataType.INT32_VALUE;
			NpyArray a = g.oneHotClass() ? NpyArray.ofFloats(fed.floats(), fed
				.shape()) : int32 ? new NpyArray(NpyArray.DType.INT32, fed.shape(),
					Arrays.stream(labels).mapToInt(l -> (int) l).toArray())
					: new NpyArray(NpyArray.DType.INT64, fed.shape(), labels);
			// the sample holds the test tensor's values: one-hot vectors a row
			// each (as the latents' sample), else the labels in a row
			RasterImage sampleLabels;
			if (g.oneHotClass()) {
				int k = (int) fed.shape()[1];
				sampleLabels = RasterImage.allocate(k, n, 1, 1, 1, PixelType.UINT8);
				sampleLabels.writeRegion(0, 0, 0, 0, 0, k, n, fed.floats(), 0);
			}
			else {
				boolean bytes = Arrays.stream(labels).allMatch(l -> l >= 0 && l < 256);
				sampleLabels = RasterImage.allocate(n, 1, 1, 1, 1, bytes
					? PixelType.UINT8 : PixelType.FLOAT32);
				float[] lv = new float[n];
				for (int i = 0; i < n; i++)
					lv[i] = labels[i];
				sampleLabels.writeRegion(0, 0, 0, 0, 0, n, 1, lv, 0);
			}
			tensors.add(new TestTensor(PackageWriter.TEST_CLASS, g.classInput(),
				tensorId(g.classInput(), "class", ids), a, "sample_class",
				sampleLabels));
		}
		refuseNonFinite(out);
		TensorLayout layout = d.outputLayout();
		String outType = outputType(d);
		tensors.add(new TestTensor(PackageWriter.TEST_OUTPUT, null, tensorId(d
			.outputName(), "output", ids), array(out.floats(), out.shape(), outType),
			"sample_output", values(out, layout)));
		Map<String, String> types = new LinkedHashMap<>();
		types.put(PackageWriter.TEST_INPUT, NormalizationSteps.FLOAT32);
		if (labels != null) types.put(PackageWriter.TEST_CLASS, g.oneHotClass()
			? NormalizationSteps.FLOAT32 : tensors.get(1).array()
				.dtype() == NpyArray.DType.INT32 ? "int32" : "int64");
		types.put(PackageWriter.TEST_OUTPUT, outType);
		int outC = layout.channelAxis() < 0 ? 1 : (int) out.shape()[layout
			.channelAxis()];
		List<Panel> panels = new ArrayList<>();
		for (int i = 0; i < n; i++)
			panels.add(panel(out, layout, i, outC >= 3 ? 3 : 1));
		return new TestRun(tensors, out, List.of(), panels, "SYNTHETIC: " + n +
			" generated samples, seeds " + o.seed() + ".." + (o.seed() + n - 1) +
			(labels == null ? "" : ", classes " + Arrays.toString(labels)) +
			"; each scaled by its own percentiles", 0, outC, types);
	}

	/**
	 * Refuses a test output with NaN or infinite values: it would be shown as 0
	 * in the package's sample image, and a package test compares against it.
	 */
	static void refuseNonFinite(Tensor out) {
		long bad = 0;
		for (float v : out.floats())
			if (!Float.isFinite(v)) bad++;
		if (bad > 0) throw new GanException("the model's output on the sample " +
			"holds " + bad + " NaN or infinite value" + (bad == 1 ? "" : "s") +
			" (of " + out.floats().length + "): a package's test output must be " +
			"finite; give another --sample, or fix the model");
	}

	/**
	 * Refuses a sample whose first plane has NaN or infinite values in the
	 * channels used: the test input would hold them, and bioimage.io's
	 * percentiles of it would be NaN.
	 */
	static void refuseNonFiniteSample(RasterImage sample, int[] channels) {
		if (sample.type() != PixelType.FLOAT32) return;
		long bad = 0;
		float[] row = new float[sample.width()];
		for (int c : channels)
			for (int y = 0; y < sample.height(); y++) {
				sample.readRegion(c, 0, 0, 0, y, sample.width(), 1, row, 0);
				for (float v : row)
					if (!Float.isFinite(v)) bad++;
			}
		String title = sample.title() == null || sample.title().isBlank() ? ""
			: " " + sample.title();
		if (bad > 0) throw new GanException("the sample" + title + " holds " + bad +
			" NaN or infinite pixel" + (bad == 1 ? "" : "s") + ", which a " +
			"package's test input cannot hold (bioimage.io's percentiles of it " +
			"would be NaN): give a sample without them");
	}

	/** The logical channels of the sample that feed the model. */
	private static int[] sampleChannels(ModelDescriptor d, RasterImage sample,
		List<String> notes)
	{
		int cm = d.image().channels(), ci = sample.logicalChannels();
		int use;
		if (ci == 1 && cm > 1 && !maskIsLastChannel(d)) notes.add(
			"grey sample fed to all " + cm + " model channels (the test input and " +
				"sample_input hold it " + cm + " times)");
		if (cm == 0 || cm == ci || ci == 1) use = ci;
		else if (cm < ci) {
			use = cm;
			notes.add("the model takes " + cm + " channel" + (cm == 1 ? "" : "s") +
				"; the sample's first " + (cm == 1 ? "channel is" : cm + " are") +
				" used");
		}
		else throw new GanException("the model takes " + cm +
			" channels but the sample has " + ci + ": give a sample with " + cm +
			" channels");
		int[] c = new int[use];
		for (int i = 0; i < use; i++)
			c[i] = i;
		return c;
	}

	/**
	 * The crop's length along one axis: a size the model takes, at most
	 * {@code side} unless the model's smallest input is more, and at most the
	 * image's length.
	 *
	 * @throws GanException when the sample is shorter than the smallest input
	 */
	static int cropLength(AxisConstraint c, int length, int side, String wide) {
		int n = c.isFixed() ? c.fixed() : c.validSizeAtMost(Math.min(side, length));
		if (n <= 0) n = c.validSizeAtLeast(Math.min(side, length));
		if (n > length) throw new GanException("the sample is " + length + " px " +
			wide + ", but the package's " + "smallest input is " + n + " px (" + (c
				.isFixed() ? "the model's fixed size" : "room for the halo") +
			"): give a larger --sample");
		return n;
	}

	/**
	 * The crop's raw values laid out like the tensor fed to the model (an extra
	 * mask channel taken from the fed tensor): the test input bioimage.io
	 * preprocesses itself.
	 */
	private static float[] rawInput(RasterImage crop, Tensor fed,
		TensorLayout layout, boolean maskChannel)
	{
		long[] s = fed.shape();
		int[] st = new int[s.length];
		int stride = 1;
		for (int i = s.length - 1; i >= 0; i--) {
			st[i] = stride;
			stride *= (int) s[i];
		}
		float[] raw = fed.floats().clone();
		int w = crop.width(), h = crop.height();
		float[] row = new float[w];
		int channels = crop.logicalChannels();
		long tensorChannels = layout.channelAxis() < 0 ? 1 : s[layout
			.channelAxis()];
		// a grey sample through a model of several channels is fed to each of
		// them, as a run feeds it
		int copies = channels == 1 && !maskChannel ? (int) tensorChannels : 1;
		for (int c = 0; c < channels; c++)
			for (int y = 0; y < h; y++) {
				crop.readRegion(c, 0, 0, 0, y, w, 1, row, 0);
				for (int k = 0; k < copies; k++)
					for (int x = 0; x < w; x++)
						raw[(layout.channelAxis() < 0 ? 0 : (c + k) * st[layout
							.channelAxis()]) + y * st[layout.yAxis()] + x * st[layout
								.xAxis()]] = row[x];
			}
		if (!maskChannel && channels * copies != tensorChannels)
			throw new IllegalStateException("crop and tensor channels differ");
		return raw;
	}

	/**
	 * A tensor's values as an image, for a sample tensor: its samples and
	 * channels as a stack of planes, 8-bit where every value is a whole number in
	 * 0..255 (a PNG for one plane), else 32-bit float (a TIFF). Never rescaled:
	 * the package's steps apply to a sample as to the test tensor.
	 */
	static RasterImage values(Tensor t, TensorLayout layout) {
		long[] s = t.shape();
		int n = layout.batchAxis() < 0 ? 1 : (int) s[layout.batchAxis()];
		int c = layout.channelAxis() < 0 ? 1 : (int) s[layout.channelAxis()];
		int w = (int) s[layout.xAxis()], h = (int) s[layout.yAxis()];
		boolean bytes = true;
		for (float v : t.floats())
			bytes &= v >= 0 && v <= 255 && v == Math.rint(v);
		RasterImage img = RasterImage.allocate(w, h, c, n, 1, bytes
			? PixelType.UINT8 : PixelType.FLOAT32);
		for (int b = 0; b < n; b++)
			for (int ch = 0; ch < c; ch++)
				img.writeRegion(ch, b, 0, 0, 0, w, h, plane(t, layout, b, ch), 0);
		return img;
	}

	/**
	 * The first plane's {@code channels} in the rectangle, in the sample's pixel
	 * type (one RGB channel stays RGB).
	 */
	private static RasterImage crop(RasterImage sample, int[] channels, int x0,
		int y0, int w, int h)
	{
		boolean rgb = sample.type() == PixelType.RGB;
		boolean keepRgb = rgb && channels.length == 3;
		PixelType type = rgb && !keepRgb ? PixelType.UINT8 : sample.type();
		RasterImage crop = RasterImage.allocate(w, h, keepRgb ? 1 : channels.length,
			1, 1, type);
		float[] buf = new float[w * h];
		for (int i = 0; i < channels.length; i++) {
			sample.readRegion(channels[i], 0, 0, x0, y0, w, h, buf, 0);
			crop.writeRegion(i, 0, 0, 0, 0, w, h, buf, 0);
		}
		crop.setTitle(sample.title());
		return crop;
	}

	/**
	 * {@code crop} as the model is fed it: a grey crop fed to each of
	 * {@code channels} channels holds it that many times (an 8-bit one as RGB for
	 * three), at its own bit depth; any other crop as it is.
	 */
	private static RasterImage asFed(RasterImage crop, int channels) {
		if (crop.logicalChannels() != 1 || channels <= 1) return crop;
		boolean rgb = crop.type() == PixelType.UINT8 && channels == 3;
		int w = crop.width(), h = crop.height();
		RasterImage fed = RasterImage.allocate(w, h, rgb ? 1 : channels, 1, 1, rgb
			? PixelType.RGB : crop.type());
		float[] buf = new float[w * h];
		crop.readRegion(0, 0, 0, 0, 0, w, h, buf, 0);
		for (int c = 0; c < channels; c++)
			fed.writeRegion(c, 0, 0, 0, 0, w, h, buf, 0);
		fed.setTitle(crop.title());
		return fed;
	}

	private static RasterImage maskCrop(RasterImage given, RasterImage sample,
		int x0, int y0, int w, int h, List<String> notes)
	{
		RasterImage mask = RasterImage.allocate(w, h, 1, 1, 1, PixelType.UINT8);
		float[] buf = new float[w * h];
		if (given != null) {
			given = org.fijigan.core.pipeline.Inpainter.greyMask(given);
			if (given.width() != sample.width() || given.height() != sample.height())
				throw new GanException("the mask is " + given.width() + "x" + given
					.height() + " but the sample is " + sample.width() + "x" + sample
						.height() + ": they must match");
			if (given.logicalChannels() != 1) throw new GanException(
				"the mask must have one channel, it has " + given.logicalChannels());
			given.readRegion(0, 0, 0, x0, y0, w, h, buf, 0);
			for (int i = 0; i < buf.length; i++)
				buf[i] = buf[i] != 0 ? 255 : 0;
		}
		else {
			int s = Math.max(1, Math.min(w, h) / 4), hx = (w - s) / 2, hy = (h - s) /
				2;
			for (int y = hy; y < hy + s; y++)
				Arrays.fill(buf, y * w + hx, y * w + hx + s, 255);
			notes.add("no --mask: the test input has a square hole of " + s + "x" +
				s + " px in the middle");
		}
		mask.writeRegion(0, 0, 0, 0, 0, w, h, buf, 0);
		return mask;
	}

	/**
	 * Channels {@code 0 .. channels-1} of sample {@code b} as a panel (grey for
	 * one, RGB for three).
	 */
	private static Panel panel(Tensor t, TensorLayout layout, int b,
		int channels)
	{
		float[][] planes = new float[channels][];
		for (int c = 0; c < channels; c++)
			planes[c] = plane(t, layout, b, c);
		return new Panel((int) t.shape()[layout.xAxis()], (int) t.shape()[layout
			.yAxis()], planes);
	}

	/**
	 * Channel {@code c} of sample {@code b}, {@code width * height} values row by
	 * row.
	 */
	private static float[] plane(Tensor t, TensorLayout layout, int b, int c) {
		long[] s = t.shape();
		int w = (int) s[layout.xAxis()], h = (int) s[layout.yAxis()];
		int[] st = new int[s.length];
		long stride = 1;
		for (int i = s.length - 1; i >= 0; i--) {
			st[i] = (int) stride;
			stride *= s[i];
		}
		int base = (layout.batchAxis() >= 0 ? b * st[layout.batchAxis()] : 0) +
			(layout.channelAxis() >= 0 ? c * st[layout.channelAxis()] : 0);
		float[] plane = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				plane[y * w + x] = t.floats()[base + y * st[layout.yAxis()] + x *
					st[layout.xAxis()]];
		return plane;
	}

	/**
	 * {@code kind} with its image fed as it is under the holes, as bioimage.io
	 * tools feed it (the same kind for a model that is not inpainting).
	 */
	private static ModelKind holesAsGiven(ModelKind kind) {
		if (!(kind instanceof ModelKind.Inpainting k) || !k.mask().zeroHoles())
			return kind;
		MaskSpec m = k.mask();
		return new ModelKind.Inpainting(k.image(), new MaskSpec(m.inputName(), m
			.holeValue(), m.keepValue(), false, m.layout()));
	}

	static boolean maskIsLastChannel(ModelDescriptor d) {
		return d.kind() instanceof ModelKind.Inpainting k && k.mask()
			.isExtraChannel();
	}

	/**
	 * The bioimage.io data type of the image input: its ONNX type, which
	 * bioimage.io tools feed as the preprocessing leaves it.
	 *
	 * @throws GanException for a float16 input (bioimage.io has no such type),
	 *           and for a uint8 input with a sample that is not 8-bit (the test
	 *           input, the sample's raw values, must have the input's type)
	 */
	private static String imageInputType(ModelDescriptor d, String input,
		RasterImage crop)
	{
		int type = elementType(d, input);
		if (type == DataType.FLOAT16_VALUE) throw new GanException(
			"the model's input '" + input +
				"' is float16, which a bioimage.io package cannot declare " +
				"(it names float32, float64 and integer types): export the model with " +
				"a float32 input to package it");
		if (type == DataType.DOUBLE_VALUE) return NormalizationSteps.FLOAT64;
		if (type != DataType.UINT8_VALUE) return NormalizationSteps.FLOAT32;
		if (crop.type() != PixelType.UINT8 && crop.type() != PixelType.RGB)
			throw new GanException("the model's input '" + input +
				"' is uint8, and a " +
				"bioimage.io package's test input has the input's type: give an " +
				"8-bit --sample (this one is " + (crop.type() == PixelType.UINT16 ? 16
					: 32) + "-bit)");
		return NormalizationSteps.UINT8;
	}

	/**
	 * The bioimage.io data type of the output: its ONNX type (float16, which
	 * bioimage.io does not name, as float32: bioimage.io's last step casts to
	 * it).
	 */
	static String outputType(ModelDescriptor d) {
		int type = 0;
		if (d.graph() != null) for (ValueInfo v : d.graph().outputs())
			if (v.name().equals(d.outputName())) type = v.elementType();
		return switch (type) {
			case DataType.DOUBLE_VALUE -> NormalizationSteps.FLOAT64;
			case DataType.UINT8_VALUE -> NormalizationSteps.UINT8;
			case DataType.INT8_VALUE -> "int8";
			case DataType.UINT16_VALUE -> "uint16";
			case DataType.INT16_VALUE -> "int16";
			case DataType.INT32_VALUE -> "int32";
			case DataType.INT64_VALUE -> "int64";
			case DataType.BOOL_VALUE -> "bool";
			case DataType.UINT32_VALUE, DataType.UINT64_VALUE ->
				throw new GanException("the model's output '" + d.outputName() +
					"' is " + (type == DataType.UINT32_VALUE ? "uint32" : "uint64") +
					", which package-model cannot write as a " +
					"test tensor: export the model with a float32 output to package it");
			default -> NormalizationSteps.FLOAT32;
		};
	}

	/**
	 * {@code values} as an array of the bioimage.io data type {@code type}
	 * (float32 for float64: bioimage.io takes a float32 test tensor for it);
	 * integer values are whole already.
	 */
	static NpyArray array(float[] values, long[] shape, String type) {
		int n = values.length;
		switch (type) {
			case "uint8", "int8" -> {
				byte[] b = new byte[n];
				for (int i = 0; i < n; i++)
					b[i] = (byte) (int) values[i];
				return new NpyArray(type.equals("uint8") ? NpyArray.DType.UINT8
					: NpyArray.DType.INT8, shape, b);
			}
			case "uint16", "int16" -> {
				short[] v = new short[n];
				for (int i = 0; i < n; i++)
					v[i] = (short) (int) values[i];
				return new NpyArray(type.equals("uint16") ? NpyArray.DType.UINT16
					: NpyArray.DType.INT16, shape, v);
			}
			case "int32" -> {
				int[] v = new int[n];
				for (int i = 0; i < n; i++)
					v[i] = (int) values[i];
				return new NpyArray(NpyArray.DType.INT32, shape, v);
			}
			case "int64" -> {
				long[] v = new long[n];
				for (int i = 0; i < n; i++)
					v[i] = (long) values[i];
				return new NpyArray(NpyArray.DType.INT64, shape, v);
			}
			case "bool" -> {
				boolean[] v = new boolean[n];
				for (int i = 0; i < n; i++)
					v[i] = values[i] != 0;
				return new NpyArray(NpyArray.DType.BOOL, shape, v);
			}
			default -> {
				return NpyArray.ofFloats(values, shape);
			}
		}
	}

	private static int elementType(ModelDescriptor d, String input) {
		if (d.graph() == null) return 0;
		for (ValueInfo v : d.graph().inputs())
			if (v.name().equals(input)) return v.elementType();
		return 0;
	}

	/**
	 * The ONNX name when it is a valid bioimage.io tensor id, else the role;
	 * unique within the package.
	 */
	static String tensorId(String onnxName, String role, Set<String> used) {
		String id = onnxName != null && TENSOR_ID.matcher(onnxName).matches()
			? onnxName : role;
		String unique = id;
		for (int i = 2; used.contains(unique); i++)
			unique = id + i;
		used.add(unique);
		return unique;
	}
}
