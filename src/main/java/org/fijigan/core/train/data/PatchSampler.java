
package org.fijigan.core.train.data;

import java.util.Arrays;
import java.util.List;

import org.fijigan.core.image.ChannelMap;
import org.fijigan.core.image.Normalization;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.GeneratorSpec;
import org.fijigan.core.model.MaskSpec;
import org.fijigan.core.model.ValueRange;

/**
 * Cuts one {@link TrainingSample} from an item of {@link TrainingData}: the
 * patch position, the flip or rotation, the degradation (noise, downscaling,
 * holes) or the latent vector, all drawn in that order from the random stream
 * it is given; then the values in the model's ranges. Immutable and
 * thread-safe: the images are only read.
 *
 * @param targets the (target) images, opened
 * @param inputs the input images of pairs, index as {@code targets}; empty
 *          unless paired
 * @param degradation what makes an input from a clean image, or null (pairs,
 *          generator)
 * @param inputRange the model's input range
 * @param targetRange the range the target is given in (the input range for a
 *          noise-predicting model, whose target is still the clean image)
 * @param maskSpec the model's mask convention when it is trained on holes, else
 *          null
 * @param generatorSpec the generator's latent input, else null
 */
record PatchSampler(TrainingMode mode, DataOptions options,
		Degradation degradation, int scale, ValueRange inputRange,
		ValueRange targetRange, MaskSpec maskSpec, GeneratorSpec generatorSpec,
		List<OpenedImage> targets, List<OpenedImage> inputs) {

	PatchSampler {
		targets = List.copyOf(targets);
		inputs = List.copyOf(inputs);
	}

	/**
	 * The sample of {@code item}: a random patch, augmented, for training; the
	 * centre patch (or the whole image), not augmented, for validation.
	 */
	TrainingSample sample(TrainingItem item, RandomValues random,
		boolean training)
	{
		OpenedImage target = targets.get(item.target());
		RasterImage img = target.image();
		int patch = options.patchSize();
		int pw = patch > 0 ? patch : img.width() / scale * scale;
		int ph = patch > 0 ? patch : img.height() / scale * scale;
		int grid = mode == TrainingMode.PAIRED ? scale : 1; // a pair's target patch
																												// starts on the input
																												// grid
		int nx = (img.width() - pw) / grid + 1, ny = (img.height() - ph) / grid + 1;
		int x0 = 0, y0 = 0; // whole images: cropped at the right and bottom to a
												// multiple of the scale
		if (patch > 0) {
			x0 = grid * (training ? random.nextInt(nx) : (nx - 1) / 2);
			y0 = grid * (training ? random.nextInt(ny) : (ny - 1) / 2);
		}
		int channel = item.channel();
		Planes clean = read(target, channel, item.z(), item.t(), x0, y0, pw, ph);
		Planes input = null;
		if (mode == TrainingMode.PAIRED) input = read(inputs.get(item.input()),
			channel, item.z(), item.t(), x0 / scale, y0 / scale, pw / scale, ph /
				scale);
		int k = 0;
		if (training && options.augmentation() == Augmentation.FLIPS) k = pw == ph
			? random.nextInt(Augmentation.TRANSFORMS) : 2 * random.nextInt(
				Augmentation.TRANSFORMS / 2);
		clean = Augmentation.transform(clean, k);
		if (input != null) input = Augmentation.transform(input, k);

		ChannelMap targetMap = toModel(target, channel, targetRange);
		ChannelMap inputMap = mode == TrainingMode.GENERATION ? null : toModel(
			mode == TrainingMode.PAIRED ? inputs.get(item.input()) : target, channel,
			inputRange);
		boolean[] holes = null;
		Planes lossMask = null;
		if (mode == TrainingMode.SELF_SUPERVISED) {
			input = new Planes(clean.channels(), clean.height(), clean.width(), clean
				.values().clone());
			if (degradation instanceof Degradation.Downscale d) {
				Degradations.gaussianBlur(input, random.uniform(d.blurSigma()));
				input = Degradations.areaDownscale(input, scale);
				Degradations.addGaussianNoise(input, random.uniform(d.noiseSigma()),
					random);
			}
			else if (degradation instanceof Degradation.FreeFormHoles f) holes =
				FreeFormMask.generate(input.width(), input.height(), f, random);
			else if (degradation instanceof Degradation.BlindSpot b) lossMask =
				BlindSpotMask.hide(clean, input, alongImageAxes(b, k), random);
			else addNoise(input, degradation, random);
		}
		float[] latent = null;
		if (mode == TrainingMode.GENERATION) {
			latent = new float[generatorSpec.latentDim()];
			for (int i = 0; i < latent.length; i++)
				latent[i] = (float) random.gaussian();
		}
		if (input != null) toModelRange(input, inputRange);
		toModelRange(clean, targetRange);
		Planes mask = null;
		if (holes != null) {
			mask = Planes.zeros(1, input.height(), input.width());
			float hole = (float) maskSpec.holeValue(), keep = (float) maskSpec
				.keepValue();
			float[] m = mask.values(), v = input.values();
			int n = holes.length;
			for (int i = 0; i < n; i++) {
				m[i] = holes[i] ? hole : keep;
				if (holes[i]) for (int c = 0; c < input.channels(); c++)
					v[c * n + i] = 0; // the model must never see what it has to invent
			}
			if (maskSpec.isExtraChannel()) {
				float[] joined = Arrays.copyOf(v, v.length + n);
				System.arraycopy(m, 0, joined, v.length, n);
				input = new Planes(input.channels() + 1, input.height(), input.width(),
					joined);
			}
		}
		return new TrainingSample(item.name(), input, mask, clean, item.label(),
			latent, inputMap, targetMap, lossMask);
	}

	/**
	 * The blind spots for a patch turned by transform {@code k}: a structN2V line
	 * follows the image's rows or columns, as the noise it is for does, so a
	 * rotation by 90 or 270 degrees turns it across the patch.
	 */
	static Degradation.BlindSpot alongImageAxes(Degradation.BlindSpot b, int k) {
		if (b.line() == null || Augmentation.keepsShape(k)) return b;
		return new Degradation.BlindSpot(b.fraction(), b.neighbourhood(),
			new Degradation.BlindSpot.Line(!b.line().horizontal(), b.line()
				.length()));
	}

	/**
	 * Adds the noise of a noise degradation (for a mix, of one of its models
	 * drawn here).
	 */
	private static void addNoise(Planes input, Degradation d,
		RandomValues random)
	{
		if (d instanceof Degradation.NoiseMix m) d = m.models().get(random.nextInt(m
			.models().size()));
		if (d instanceof Degradation.GaussianNoise g) Degradations.addGaussianNoise(
			input, random.uniform(g.sigma()), random);
		else if (d instanceof Degradation.PoissonGaussianNoise p) {
			double photons = random.logUniform(p.photons());
			Degradations.addPoissonGaussianNoise(input, photons, random.uniform(p
				.readSigma()), random);
		}
	}

	/**
	 * Reads a region of one plane, of every channel or of {@code channel} alone
	 * (when it is not -1), in normalised units (non-finite -> 0).
	 */
	private Planes read(OpenedImage o, int channel, int z, int t, int x, int y,
		int w, int h)
	{
		RasterImage img = o.image();
		int first = Math.max(0, channel), c = channelCount(channel, img
			.logicalChannels()), n = w * h;
		float[] v = new float[c * n];
		boolean raw = options.normalization() instanceof Normalization.None;
		for (int k = 0; k < c; k++) {
			int ch = first + k;
			img.readRegion(ch, z, t, x, y, w, h, v, k * n);
			double lo = o.low()[ch], inv = 1 / o.span()[ch];
			for (int i = k * n; i < (k + 1) * n; i++) {
				float u = raw ? v[i] : (float) ((v[i] - lo) * inv);
				v[i] = Float.isFinite(u) ? u : 0;
			}
		}
		return new Planes(c, h, w, v);
	}

	/**
	 * The raw-to-model map of one image, of every channel or of {@code channel}
	 * alone (when it is not -1): identity for normalisation {@code none}.
	 */
	private ChannelMap toModel(OpenedImage o, int channel, ValueRange range) {
		int first = Math.max(0, channel), c = channelCount(channel, o.low().length);
		if (options.normalization() instanceof Normalization.None) return ChannelMap
			.identity(c);
		double[] s = new double[c], off = new double[c];
		for (int k = 0; k < c; k++) {
			s[k] = range.width() / o.span()[first + k];
			off[k] = range.min() - o.low()[first + k] * s[k];
		}
		return new ChannelMap(s, off, Double.NEGATIVE_INFINITY,
			Double.POSITIVE_INFINITY);
	}

	/**
	 * How many channels an item reads: all of the image's, or the one it names.
	 */
	private static int channelCount(int channel, int all) {
		return channel < 0 ? all : 1;
	}

	/**
	 * Normalised units to the model's range, in place (nothing for normalisation
	 * none).
	 */
	private void toModelRange(Planes p, ValueRange range) {
		if (options.normalization() instanceof Normalization.None) return;
		double width = range.width(), min = range.min();
		if (width == 1 && min == 0) return;
		float[] v = p.values();
		for (int i = 0; i < v.length; i++)
			v[i] = (float) (v[i] * width + min);
	}
}
