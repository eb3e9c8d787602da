
package org.fijigan.core.train.data;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ImageInput;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.ValueInfo;
import org.fijigan.core.tiling.AxisConstraint;

/**
 * The checks {@link TrainingData} makes before any training: every image
 * against the model and the options, each failure one message naming the image
 * and the fix.
 */
final class TrainingChecks {

	private TrainingChecks() {}

	/**
	 * Refuses a conditional generator's training images that leave a class
	 * without any: the loop draws the class of each generated image from its real
	 * batch, so a class no image holds would never be trained, and the model
	 * would come out generating it as it went in, without a word.
	 *
	 * @param classes the model's class count (0 when unknown)
	 * @param names the class names, index = label, as the folders gave them
	 * @param training the training items, with their labels
	 */
	static void requireEveryClass(int classes, List<String> names,
		List<TrainingItem> training)
	{
		int count = Math.max(classes, names.size());
		boolean[] seen = new boolean[count];
		for (TrainingItem item : training)
			if (item.label() >= 0 && item.label() < count) seen[item.label()] = true;
		List<String> missing = new ArrayList<>();
		for (int label = 0; label < count; label++)
			if (!seen[label]) {
				String name = label < names.size() ? names.get(label) : Integer
					.toString(label);
				missing.add(name.equals(Integer.toString(label)) ? name : name +
					" (label " + label + ")");
			}
		if (missing.isEmpty()) return;
		int shown = Math.min(10, missing.size());
		String list = String.join(", ", missing.subList(0, shown)) + (missing
			.size() > shown ? " and " + (missing.size() - shown) + " more" : "");
		boolean one = missing.size() == 1;
		throw new GanException((one ? "class " + list + " has" : "classes " + list +
			" have") + " no training images, of the generator's " + count +
			" classes: it learns each class from images of it, and would come " +
			"out generating " + (one ? "that class" : "those classes") +
			" untrained; add images of " + (one ? "it" : "each") +
			" in a sub-folder named after it (or by its label number)");
	}

	/**
	 * The model's scale as a whole number: 1 for a generator; at least 2 for
	 * learning super-resolution from downscaled images, 1 for any other
	 * degradation.
	 */
	static int integerScale(ModelDescriptor model, TrainingMode mode,
		Degradation degradation)
	{
		if (mode == TrainingMode.GENERATION) return 1;
		double s = model.scale();
		long rounded = Math.round(s);
		if (Math.abs(s - rounded) > 1e-6 || rounded < 1) throw new GanException(
			"model '" + model.name() + "' scales by " + s +
				": fine-tuning needs a whole-number scale");
		int scale = (int) rounded;
		if (mode == TrainingMode.SELF_SUPERVISED) {
			if (degradation instanceof Degradation.BlindSpot && scale != 1)
				throw new GanException("model '" + model.name() + "' scales by " +
					scale + ": Noise2Void trains a model whose " +
					"output has its input's size");
			boolean down = degradation instanceof Degradation.Downscale;
			if (down && scale == 1) throw new GanException("model '" + model.name() +
				"' does not " +
				"upscale (scale 1), so it cannot learn super-resolution from downscaled images");
			if (!down && scale != 1) throw new GanException("model '" + model.name() +
				"' upscales by " + scale +
				": train it on downscaled images (super-resolution) or on pairs");
		}
		return scale;
	}

	/**
	 * Checks that every image has the channels the model takes and gives, and the
	 * same as the others. A 1-channel image model (1 channel in, 1 or unknown
	 * out) trains on images of any channels one channel at a time, as inference
	 * applies it to them (a pair's two images then need the same channels).
	 *
	 * @return whether each channel of the images of several channels is a
	 *         training plane of its own (some image has several)
	 */
	static boolean checkChannels(ModelDescriptor model, TrainingMode mode,
		List<OpenedImage> targets, List<OpenedImage> inputs)
	{
		int wantIn = model.kind() instanceof ModelKind.Generator ? 0 : model.image()
			.channels();
		int wantOut = model.outputChannels();
		boolean oneChannel = mode != TrainingMode.GENERATION && wantIn == 1 &&
			wantOut <= 1;
		int unlike = -1; // the first pair whose two images differ in channels
		for (int i = 0; oneChannel && mode == TrainingMode.PAIRED && i < targets
			.size(); i++)
			if (inputs.get(i).image().logicalChannels() != targets.get(i).image()
				.logicalChannels())
			{
				unlike = i;
				oneChannel = false;
			}
		// the images of a 1-channel model may mix channels, a pair's two may not;
		// only a model whose output is unknown may turn 1 channel into several,
		// where every input has 1 and every target the same several
		if (unlike >= 0 && !(wantOut == 0 && inputs.stream().allMatch(x -> x.image()
			.logicalChannels() == 1) && targets.stream().allMatch(t -> t.image()
				.logicalChannels() == targets.get(0).image().logicalChannels())))
		{
			OpenedImage in = inputs.get(unlike), t = targets.get(unlike);
			throw new GanException("the input '" + in.name() + "' has " + channels(in
				.image().logicalChannels()) + " but its target '" + t.name() +
				"' has " + channels(t.image().logicalChannels()) +
				": a pair's two images need the same channels");
		}
		if (oneChannel && targets.stream().anyMatch(t -> t.image()
			.logicalChannels() > 1)) return true;
		OpenedImage first = targets.get(0);
		int c0 = first.image().logicalChannels();
		for (int i = 0; i < targets.size(); i++) {
			OpenedImage t = targets.get(i);
			int ct = t.image().logicalChannels();
			if (ct != c0) throw new GanException("'" + t.name() + "' has " + channels(
				ct) + " but '" + first.name() + "' has " + channels(c0) +
				": all training images need the same channels");
			if (mode == TrainingMode.SELF_SUPERVISED && wantIn > 0 && ct != wantIn)
				throw new GanException("model '" + model.name() + "' takes " + channels(
					wantIn) + " but '" + t.name() + "' has " + channels(ct));
			if (wantOut > 0 && ct != wantOut && mode != TrainingMode.SELF_SUPERVISED)
				throw new GanException("model '" + model.name() + "' produces " +
					channels(wantOut) + " but the " + (mode == TrainingMode.PAIRED
						? "target " : "image ") + "'" + t.name() + "' has " + channels(ct));
			if (mode == TrainingMode.SELF_SUPERVISED && wantOut > 0 && ct != wantOut)
				throw new GanException("model '" + model.name() + "' turns " + channels(
					ct) + " into " + channels(wantOut) +
					", so it cannot learn to restore '" + t.name() +
					"' from a degraded copy: give pairs");
			if (mode == TrainingMode.PAIRED) {
				int ci = inputs.get(i).image().logicalChannels();
				int firstIn = inputs.get(0).image().logicalChannels();
				if (ci != firstIn) throw new GanException("the input '" + inputs.get(i)
					.name() + "' has " + channels(ci) + " but '" + inputs.get(0).name() +
					"' has " + channels(firstIn) + ": all inputs need the same channels");
				if (wantIn > 0 && ci != wantIn) throw new GanException("model '" + model
					.name() + "' takes " + channels(wantIn) + " but the input '" + inputs
						.get(i).name() + "' has " + channels(ci));
			}
		}
		return false;
	}

	private static String channels(int n) {
		return n == 1 ? "1 channel" : n + " channels";
	}

	/**
	 * Checks that a target is its input enlarged by the scale, plane for plane.
	 */
	static void checkPair(OpenedImage input, OpenedImage target, int scale) {
		RasterImage a = input.image(), b = target.image();
		if ((long) a.width() * scale != b.width() || (long) a.height() * scale != b
			.height()) throw new GanException("the target '" + target.name() +
				"' is " + b.width() + "x" + b.height() + " but its input '" + input
					.name() + "' is " + a.width() + "x" + a.height() + (scale == 1
						? ": they must have the same size" : ": the target must be " +
							scale + " times larger (the model's scale)"));
		if (a.slices() != b.slices() || a.frames() != b.frames())
			throw new GanException("the target '" + target.name() + "' has " + b
				.slices() * b.frames() + " planes but its input '" + input.name() +
				"' has " + a.slices() * a.frames() + ": they must match");
	}

	/**
	 * The patch size that works for these images and this model, as near below
	 * {@code patch} as possible: at most the smallest image's shorter side, a
	 * multiple of the model's scale, and an input size the model accepts; a
	 * change is said in {@code notes}. Whole images (0) keep theirs, for
	 * {@link #checkSizes} to check. A generator's patch is the side of the images
	 * it generates ({@link #generatorPatch}).
	 */
	static int fitPatch(ModelDescriptor model, TrainingMode mode, int patch,
		int scale, List<OpenedImage> targets, List<String> notes)
	{
		return fitPatch(model, mode, patch, scale, targets, notes, -1);
	}

	/**
	 * As {@link #fitPatch(ModelDescriptor, TrainingMode, int, int, List, List)},
	 * with the side of the square images a generator was found to make by running
	 * it, when its ONNX file leaves it open (-1: not run).
	 */
	static int fitPatch(ModelDescriptor model, TrainingMode mode, int patch,
		int scale, List<OpenedImage> targets, List<String> notes, int generatedSide)
	{
		if (mode == TrainingMode.GENERATION) return generatorPatch(model, patch,
			targets, notes, generatedSide);
		if (patch <= 0) return patch;
		OpenedImage smallest = targets.get(0);
		for (OpenedImage t : targets)
			if (side(t) < side(smallest)) smallest = t;
		int p = patch;
		List<String> why = new ArrayList<>();
		if (p > side(smallest)) {
			p = side(smallest);
			why.add("the smallest image, '" + smallest.name() + "', is " + smallest
				.image().width() + "x" + smallest.image().height());
		}
		if (p % scale != 0) {
			p = p / scale * scale;
			why.add("a patch is a multiple of the model's scale " + scale);
		}
		ImageInput in = model.image();
		int s = p / scale;
		int up = raised(in, s);
		if (up > s && up * scale <= side(smallest)) { // too small for the model
			why.add(takes(in));
			notes.add("patch raised from " + patch + " to " + up * scale + " px: " +
				String.join("; ", why));
			return up * scale;
		}
		while (s >= 1 && !(in.x().accepts(s) && in.y().accepts(s)))
			s--;
		if (s < 1) return patch; // no patch fits: checkSizes says why
		if (s * scale != p) why.add(takes(in));
		p = s * scale;
		if (p != patch) notes.add("patch reduced from " + patch + " to " + p +
			" px: " + String.join("; ", why));
		int reach = 2 * model.haloPixels() + 1; // input pixels behind one output
		if (s < reach) notes.add("patches of " + s +
			" input px are narrower than the context the model asks for (twice its " +
			"halo plus one: " + reach +
			" px): every pixel it trains on sees the model's padding, which it meets " +
			"at the image's edges alone when it runs; a patch of " + reach * scale +
			" px or more avoids that");
		return p;
	}

	/**
	 * The patch of a generator's real images: the side of the square images it
	 * generates, which the discriminator compares them with, whatever the patch
	 * asked (a note says so when it differs); real images larger than that train
	 * as random patches of it. Whole images (0) stay whole when every image has
	 * that size. A generator whose output size is not declared keeps the patch
	 * asked unless it was run to find it ({@code measured}, else -1); one whose
	 * declared size is not square keeps the patch asked.
	 */
	static int generatorPatch(ModelDescriptor model, int patch,
		List<OpenedImage> targets, List<String> notes, int measured)
	{
		int declared = generatedSide(model), side = declared > 0 ? declared
			: measured;
		if (side < 1 || patch == side) return patch;
		if (patch == 0 && targets.stream().allMatch(t -> t.image()
			.width() == side && t.image().height() == side)) return 0;
		notes.add("patch " + (patch == 0 ? "0 (whole images)" : patch + " px") +
			" set to " + side + " px, the size of the images model '" + model.name() +
			"' generates" + (declared > 0 ? ""
				: " (its ONNX file does not fix it: found by running it once)") +
			": the discriminator compares them with " + side + "x" + side +
			" patches of the real images");
		return side;
	}

	/**
	 * The side of the square images a generator's output declares, or -1 when its
	 * height or width is not fixed, or they differ.
	 */
	static int generatedSide(ModelDescriptor model) {
		if (model.graph() == null) return -1;
		for (ValueInfo v : model.graph().outputs()) {
			if (!v.name().equals(model.outputName())) continue;
			long[] dims = v.dims();
			int y = model.outputLayout().yAxis(), x = model.outputLayout().xAxis();
			if (dims.length != model.outputLayout().rank() || y < 0 || x < 0)
				return -1;
			long h = dims[y], w = dims[x];
			return h > 0 && h == w && h <= Integer.MAX_VALUE ? (int) h : -1;
		}
		return -1;
	}

	/**
	 * The declared shape of a generator's output when its height or width is not
	 * fixed, e.g. "[N,1,H,W]"; null when both are (or there is no graph).
	 */
	static String openGeneratedShape(ModelDescriptor model) {
		if (model.graph() == null) return null;
		for (ValueInfo v : model.graph().outputs()) {
			if (!v.name().equals(model.outputName())) continue;
			int y = model.outputLayout().yAxis(), x = model.outputLayout().xAxis();
			if (v.rank() != model.outputLayout().rank() || y < 0 || x < 0)
				return null;
			return v.isFixed(y) && v.dims()[y] > 0 && v.isFixed(x) && v.dims()[x] > 0
				? null : v.shapeString();
		}
		return null;
	}

	/**
	 * The smallest side of at least {@code s} that the model takes along x and y,
	 * or -1.
	 */
	/**
	 * "the model takes inputs of sizes ..." (or of widths ... and heights ...).
	 */
	private static String takes(ImageInput in) {
		return "the model takes inputs of " + (in.x().equals(in.y()) ? "sizes " + in
			.x() : "widths " + in.x() + " and heights " + in.y());
	}

	private static int raised(ImageInput in, int s) {
		if (s < 1 || in.x().accepts(s) && in.y().accepts(s)) return s;
		int n = Math.max(in.x().validSizeAtLeast(s), in.y().validSizeAtLeast(s));
		for (int i = 0; i < 64 && n > 0; i++) {
			if (in.x().accepts(n) && in.y().accepts(n)) return n;
			n = Math.max(in.x().validSizeAtLeast(n + 1), in.y().validSizeAtLeast(n +
				1));
		}
		return -1;
	}

	private static int side(OpenedImage t) {
		return Math.min(t.image().width(), t.image().height());
	}

	/**
	 * Checks that the images are not all below the smallest input the model
	 * takes, and that every image fits the patch, or, for whole images, that they
	 * share one size.
	 */
	static void checkSizes(ModelDescriptor model, TrainingMode mode, int patch,
		int scale, List<OpenedImage> targets)
	{
		int w, h;
		if (mode != TrainingMode.GENERATION) refuseImagesBelowTheSmallestInput(model
			.image(), scale, targets);
		if (patch > 0) {
			if (patch % scale != 0) throw new GanException("the patch size " + patch +
				" is not a " + "multiple of the model's scale " + scale +
				": use --patch " + Math.max(scale, patch / scale * scale));
			for (OpenedImage t : targets)
				if (t.image().width() < patch || t.image().height() < patch)
					throw new GanException("'" + t.name() + "' (" + t.image().width() +
						"x" + t.image().height() + ") is smaller than the " + patch + "x" +
						patch + (mode == TrainingMode.GENERATION ? " images model '" + model
							.name() + "' generates: train it on real images of at least " +
							patch + "x" + patch
							: " patch: use a smaller --patch, or --patch 0 for whole images"));
			w = h = patch;
		}
		else {
			Map<String, List<String>> bySize = new TreeMap<>();
			for (OpenedImage t : targets) {
				int tw = t.image().width() / scale * scale, th = t.image().height() /
					scale * scale;
				bySize.computeIfAbsent(tw + "x" + th, k -> new ArrayList<>()).add(t
					.name());
			}
			if (bySize.size() > 1) {
				StringBuilder sb = new StringBuilder(
					"--patch 0 trains on whole images, which must share " +
						"one size, but");
				int shown = 0;
				for (Map.Entry<String, List<String>> e : bySize.entrySet()) {
					if (shown++ == 4) {
						sb.append(" and ").append(bySize.size() - 4).append(" more sizes");
						break;
					}
					List<String> names = e.getValue();
					sb.append(shown > 1 ? ";" : "").append(' ').append(names.get(0))
						.append(names.size() > 1 ? " (and " + (names.size() - 1) + " more)"
							: "").append(names.size() > 1 ? " are " : " is ").append(e
								.getKey());
				}
				throw new GanException(sb.append(": give a patch size (--patch P)")
					.toString());
			}
			RasterImage first = targets.get(0).image();
			w = first.width() / scale * scale;
			h = first.height() / scale * scale;
			if (w == 0 || h == 0) throw new GanException("'" + targets.get(0).name() +
				"' is smaller than the model's scale " + scale);
		}
		if (mode == TrainingMode.GENERATION) return;
		ImageInput in = model.image();
		int iw = w / scale, ih = h / scale;
		if (!in.x().accepts(iw) || !in.y().accepts(ih)) {
			String fix = patch > 0 ? "choose a --patch whose input size it accepts" +
				suggestion(in, scale, patch) : "use --patch with a size it accepts";
			throw new GanException("model input '" + in.name() + "' accepts widths " +
				in.x() + " and heights " + in.y() +
				", but the training input would be " + iw + "x" + ih + ": " + fix);
		}
	}

	/**
	 * Refuses images below the smallest input the model takes (at its scale),
	 * along either axis: no patch, and not the whole image, can train it then.
	 * The smallest such image is named.
	 */
	private static void refuseImagesBelowTheSmallestInput(ImageInput in,
		int scale, List<OpenedImage> targets)
	{
		int leastX = in.x().validSizeAtLeast(1), leastY = in.y().validSizeAtLeast(
			1);
		OpenedImage smallest = targets.get(0), below = null;
		for (OpenedImage t : targets) {
			if (side(t) < side(smallest)) smallest = t;
			RasterImage im = t.image();
			// (below the scale: said as that)
			if (side(t) >= scale && (im.width() / scale < leastX || im.height() /
				scale < leastY) && (below == null || side(t) < side(below))) below = t;
		}
		if (below == null) return;
		RasterImage small = below.image();
		throw new GanException("'" + below.name() + "' (" + small.width() + "x" +
			small.height() + ")" + (side(below) == side(smallest)
				? ", the smallest image," : "") + " gives the model inputs of " + small
					.width() / scale + "x" + small.height() / scale +
			" px, but it takes inputs of at least " + leastX + "x" + leastY +
			" px; train it on larger images");
	}

	/**
	 * Checks that a patch (or, for whole images, the images) holds the
	 * neighbourhood a hidden pixel's replacement comes from and the structN2V
	 * line: a neighbourhood or line the patch cannot hold would be cut to the
	 * patch everywhere, so the number asked for would not be the one used (and a
	 * 1x1 patch has no neighbour at all). A patch too small is advised the
	 * smallest larger patch the model takes and the images hold, or, where there
	 * is none, the largest neighbourhood or line the largest such patch holds.
	 *
	 * @param in the model's image input, whose sizes a patch must fit
	 * @param scale the model's scale (a patch is on the output side)
	 */
	static void checkBlindSpots(Degradation.BlindSpot spec, int patch,
		List<OpenedImage> targets, ImageInput in, int scale)
	{
		OpenedImage smallest = targets.get(0);
		for (OpenedImage t : targets)
			if (side(t) < side(smallest)) smallest = t;
		int side = patch > 0 ? Math.min(patch, side(smallest)) : side(smallest);
		// too small because of an image (the patch is cut to the smallest): name it
		boolean image = patch <= 0 || side(smallest) <= patch;
		RasterImage small = smallest.image();
		String what = image ? "the image " + smallest.name() + " (" + small
			.width() + "x" + small.height() + ")" : "the " + patch + "x" + patch +
				" patch";
		int n = spec.neighbourhood();
		if (side < n) throw new GanException(what + " cannot hold the " + n + "x" +
			n + " neighbourhood a hidden pixel's replacement comes from: " + (image
				? side >= 3 ? "use --n2v-neighbourhood " + (side % 2 == 0 ? side - 1
					: side) + ", or leave the image out" : "leave the image out"
				: largerPatch(in, scale, smallest, n, "a smaller --n2v-neighbourhood",
					"--n2v-neighbourhood ", " or less")));
		Degradation.BlindSpot.Line line = spec.line();
		if (line != null) {
			// a structN2V line follows the image's rows or columns however a patch is
			// flipped or turned (PatchSampler.alongImageAxes): a square patch holds
			// it when its side does; a whole image, which only turns when square,
			// when its extent along the line does
			OpenedImage shortest = targets.get(0);
			for (OpenedImage t : targets)
				if (along(t, line) < along(shortest, line)) shortest = t;
			int room = patch > 0 ? side : along(shortest, line);
			RasterImage s = shortest.image();
			String where = patch > 0 ? what : "the image " + shortest.name() + " (" +
				s.width() + "x" + s.height() + ")";
			int longest = room % 2 == 0 ? room - 1 : room; // a line is odd
			if (room < line.length()) throw new GanException(where +
				" cannot hold the structN2V line of " + line.length() + " pixels: " +
				(image ? (longest >= 3 ? "use a line of at most " + longest +
					" pixels, or leave the image out" : "leave the image out")
					: largerPatch(in, scale, smallest, line.length(),
						"a shorter --n2v-struct line", "a line of at most ", " pixels")));
		}
		long area = Long.MAX_VALUE;
		for (OpenedImage t : targets)
			area = Math.min(area, (long) t.image().width() * t.image().height());
		if (patch > 0) area = Math.min(area, (long) patch * patch);
		if (spec.fraction() * area < 1) throw new GanException("--n2v-fraction " +
			spec.fraction() + " hides less than one pixel of " + (patch > 0 ? "a " +
				side + "x" + side + " patch" : "the smallest image (" + area +
					" pixels)") + ": use at least " + new BigDecimal(1.0 / area).round(
						new MathContext(3, RoundingMode.UP)).stripTrailingZeros()
						.toPlainString() + " (one pixel in " + area + ")");
	}

	/**
	 * The advice for a patch too small to hold {@code need} pixels (an odd
	 * neighbourhood's side or line's length): "use --patch P or more, or
	 * {@code smaller}" with P the smallest patch of at least {@code need} px that
	 * the model takes and the smallest image holds; where there is none, why not,
	 * and the largest odd size the largest such patch holds, as "use {@code most}
	 * N{@code unit}".
	 */
	private static String largerPatch(ImageInput in, int scale,
		OpenedImage smallest, int need, String smaller, String most, String unit)
	{
		int s = raised(in, (need + scale - 1) / scale);
		if (s > 0 && s * scale <= side(smallest)) return "use --patch " + s *
			scale + " or more, or " + smaller;
		int largest = side(smallest) / scale;
		while (largest >= 1 && !(in.x().accepts(largest) && in.y().accepts(
			largest)))
			largest--;
		largest = Math.max(largest, 0) * scale;
		int odd = largest % 2 == 0 ? largest - 1 : largest;
		RasterImage small = smallest.image();
		// what bounds the patch: the model's sizes, the smallest image, or both
		List<String> bounds = new ArrayList<>();
		if (s < 0 || !in.x().equals(AxisConstraint.ANY) || !in.y().equals(
			AxisConstraint.ANY)) bounds.add(takes(in));
		if (s > 0) bounds.add("the smallest image, '" + smallest.name() + "', is " +
			small.width() + "x" + small.height());
		return String.join(" and ", bounds) + ", so no patch is larger than " +
			largest + "x" + largest + ": " + (odd >= 3 ? "use " + most + odd + unit
				: "Noise2Void cannot train this model on these images");
	}

	/** How far an image reaches along a structN2V line: its width or height. */
	private static int along(OpenedImage t, Degradation.BlindSpot.Line line) {
		return line.horizontal() ? t.image().width() : t.image().height();
	}

	private static String suggestion(ImageInput in, int scale, int patch) {
		int x = in.x().validSizeAtMost(patch / scale), y = in.y().validSizeAtMost(
			patch / scale);
		if (x < 1 || y < 1 || x != y) return "";
		return " (e.g. " + x * scale + ")";
	}
}
