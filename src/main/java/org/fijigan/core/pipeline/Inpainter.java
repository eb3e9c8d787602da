
package org.fijigan.core.pipeline;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.FinitePixels;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.image.Units;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelKind;
import org.fijigan.core.model.TaskKind;
import org.fijigan.core.text.Numbers;

/**
 * Runs an inpainting model: fills the holes that a mask marks. By default only
 * the holes change: every pixel outside them keeps its original value, so the
 * result shows exactly what was invented.
 */
public final class Inpainter {

	private Inpainter() {}

	/**
	 * The property that names an inpainted result's mask: a mask file's name (its
	 * path under the mask folder in a folder run), or in Fiji the selection, the
	 * ROI Manager or the mask image's title.
	 */
	public static final String MASK_PROPERTY = "fiji-gan.mask";

	/**
	 * @param mask one channel, same width and height as {@code image}; one plane
	 *          for all planes of the image or one per slice and frame (as the
	 *          image's slices and frames, or as a plain stack in ImageJ's order:
	 *          {@link #withImagePlanes}); a non-zero pixel marks a hole to fill.
	 *          A NaN pixel is neither: refused unless
	 *          {@link InferenceOptions#nonFinite()} maps it to 0 (no hole)
	 */
	public static RunResult run(ModelDescriptor model, RasterImage image,
		RasterImage mask, InferenceOptions options, ProgressListener progress,
		CancellationToken cancel)
	{
		if (model.task() != TaskKind.INPAINT || !(model
			.kind() instanceof ModelKind.Inpainting)) throw new GanException(
				"model '" + model.name() + "' is not an inpainting model (it is " +
					model.task().id() +
					"); an inpainting model takes an image and a mask");
		if (mask.width() != image.width() || mask.height() != image.height())
			throw new GanException("the mask is " + mask.width() + "x" + mask
				.height() + " but the image is " + image.width() + "x" + image
					.height() + ": they must match");
		String calibrationNote = calibrationNote(mask.calibration(), image
			.calibration());
		mask = greyMask(mask);
		// an 8-bit colour mask is read as colour (above): channels of more bits
		// may be one
		if (mask.logicalChannels() != 1) throw new GanException(
			"the mask must have one channel, it has " + mask.logicalChannels() +
				((mask.logicalChannels() == 3 || mask.logicalChannels() == 4) && mask
					.type() != PixelType.UINT8
						? " (a colour mask of more than 8 bits per colour is read as " +
							"channels; save it as 8-bit RGB, or as greyscale)" : ""));
		RasterImage given = mask;
		mask = withImagePlanes(mask, image);
		String stackNote = mask == given ? null : "the mask's " + given
			.planeCount() + " " + (given.frames() == 1 ? "slices" : "frames") +
			" were taken as the image's " + image.slices() + " slices x " + image
				.frames() + " frames, in ImageJ's order (slice by slice within each " +
			"frame)";
		if (model.scale() != 1) throw new GanException(
			"inpainting models must keep the image size");
		long[] counts = countHoles(mask);
		long nan = counts[counts.length - 1], holes = 0;
		for (int p = 0; p < counts.length - 1; p++)
			holes += counts[p];
		if (nan > 0 && options.nonFinite() == NonFinite.FAIL)
			throw new GanException("the mask has " + nan + " NaN pixel" + (nan == 1
				? "" : "s") + ", which mark neither a hole (non-zero) nor " +
				"none (0): fix the mask, or choose --nonfinite zero or clip to read them as 0");
		refuseAllHole(counts, mask);
		refuseNoFiniteKnown(image, mask);
		RunResult r = ImageToImage.execute(model, image, mask, options, progress,
			cancel);
		if (stackNote != null) r = withNote(r, stackNote);
		if (calibrationNote != null) r = withNote(r, calibrationNote);
		if (holes == 0) r = withNote(r, options.compositeInpaint()
			? "the mask marks no hole: nothing was filled, and the result is the " +
				"input's pixels as they are"
			: "the mask marks no hole: nothing was filled, but every pixel is the " +
				"model's output (not composited), none the input's own");
		if (nan > 0) r = withNote(r, nan + " NaN mask pixel" + (nan == 1 ? " was"
			: "s were") + " read as 0 (no " + "hole; nonfinite: " + options
				.nonFinite().id() + ")");
		r.image().properties().put("fiji-gan.inpainted.pixels", filled(holes, mask
			.planeCount(), image.planeCount()));
		r.image().properties().put("fiji-gan.inpainted.composite", options
			.compositeInpaint() ? "only hole pixels were changed"
				: "every pixel is model output");
		return r;
	}

	/**
	 * A note where the mask has a pixel size (a unit, or a size other than 1 x 1)
	 * that is not the image's, as a mask drawn on another image or at another
	 * scale has: the mask is laid on the image pixel for pixel all the same. A
	 * mask without one (a PNG painted by hand) says nothing; null then, and where
	 * the sizes agree (in the image's unit, to 1 in 10,000).
	 */
	static String calibrationNote(Calibration mask, Calibration image) {
		if (!calibrated(mask)) return null;
		boolean imageCalibrated = calibrated(image);
		if (imageCalibrated && sameLength(mask.pixelWidth(), mask.unit(), image
			.pixelWidth(), image.unit()) && sameLength(mask.pixelHeight(), mask
				.yUnit(), image.pixelHeight(), image.yUnit())) return null;
		return "the mask's pixels are " + size(mask) + ", the image's " +
			(imageCalibrated ? size(image) : "not calibrated") +
			": the mask is laid on the image pixel for pixel; check that it was " +
			"made for this image";
	}

	/** Whether {@code c} gives a pixel a size: a unit, or a size other than 1. */
	private static boolean calibrated(Calibration c) {
		return !Units.isPixel(c.unit()) || c.pixelWidth() != 1 || c
			.pixelHeight() != 1;
	}

	private static boolean sameLength(double a, String aUnit, double b,
		String bUnit)
	{
		double inB = Units.isPixel(aUnit) && Units.isPixel(bUnit) ? a : Units
			.length(a, aUnit, bUnit);
		return Math.abs(inB - b) <= 1e-4 * Math.max(Math.abs(inB), Math.abs(b));
	}

	private static String size(Calibration c) {
		String w = Numbers.compact(c.pixelWidth()), h = Numbers.compact(c
			.pixelHeight());
		return c.unit().equals(c.yUnit()) ? w + " x " + h + " " + c.unit() : w +
			" " + c.unit() + " x " + h + " " + c.yUnit();
	}

	/** {@code r} with {@code note} added to its report and its image's notes. */
	private static RunResult withNote(RunResult r, String note) {
		RunReport rep = r.report().withNote(note);
		r.image().properties().put("fiji-gan.note." + rep.notes().size(), note);
		return new RunResult(r.image(), rep);
	}

	/**
	 * {@code mask} (one channel) with a plane for each slice and frame of
	 * {@code image}, or one plane for all: a mask of one plane, or of the image's
	 * slices and frames, as it is; a plain stack (slices only, or frames only) of
	 * as many planes as the image has slices times frames seen, without a copy,
	 * as the image's slices and frames, its planes taken in ImageJ's order (slice
	 * by slice within each frame). A 6-slice mask for a 3-slice, 2-frame image
	 * was refused as "the mask has 6 planes; give ... one per slice and frame
	 * (6)". Any other mask is refused, naming its slices and frames and the
	 * image's.
	 */
	static RasterImage withImagePlanes(RasterImage mask, RasterImage image) {
		return withImagePlanes(mask, image.slices(), image.frames());
	}

	/**
	 * As {@link #withImagePlanes(RasterImage, RasterImage)}, for an image of
	 * {@code slices} slices and {@code frames} frames: Fiji's mask image is laid
	 * on the image by this rule too, before a preview cuts it.
	 */
	public static RasterImage withImagePlanes(RasterImage mask, int slices,
		int frames)
	{
		int planes = slices * frames;
		if (mask.planeCount() == 1 || mask.slices() == slices && mask
			.frames() == frames) return mask;
		if ((mask.slices() == 1 || mask.frames() == 1) && mask
			.planeCount() == planes)
		{
			Object[] stack = new Object[planes];
			for (int i = 0; i < planes; i++)
				stack[i] = mask.plane(i);
			return new RasterImage(mask.width(), mask.height(), 1, slices, frames,
				mask.type(), stack);
		}
		throw new GanException("the mask has " + count(mask.slices(), "slice") +
			" and " + count(mask.frames(), "frame") + ", the image " + count(slices,
				"slice") + " and " + count(frames, "frame") + ": give a mask of one " +
			"plane for all, or one of " + count(slices, "slice") + " and " + count(
				frames, "frame") + " (a stack of " + planes + " planes will do)");
	}

	private static String count(int n, String what) {
		return n + " " + what + (n == 1 ? "" : "s");
	}

	/**
	 * How many pixels were filled, in one wording whatever the image: a mask of
	 * one plane fills its {@code holes} in each of the image's planes (each
	 * channel, slice and frame; an RGB plane counts once), a mask of one plane
	 * per slice and frame fills each plane's holes in each channel.
	 */
	static String filled(long holes, int maskPlanes, int imagePlanes) {
		long perMaskPlane = imagePlanes / maskPlanes; // the channels, when per
																									// plane
		String planes = imagePlanes + (imagePlanes == 1 ? " plane" : " planes");
		return maskPlanes == 1 ? holes + " per plane, " + planes + " (" + holes *
			imagePlanes + " in all)" : holes * perMaskPlane + " in all, over " +
				planes + " (each slice and frame its own mask)";
	}

	/**
	 * A mask as one channel: an RGB mask (painted and saved in colour) becomes
	 * 8-bit grey of its brightest component, so that a pixel is a hole where it
	 * is not black; any other mask is returned as it is.
	 */
	public static RasterImage greyMask(RasterImage mask) {
		if (mask.type() != PixelType.RGB) return mask;
		RasterImage grey = RasterImage.allocate(mask.width(), mask.height(), 1, mask
			.slices(), mask.frames(), PixelType.UINT8);
		for (int i = 0; i < mask.planeCount(); i++) {
			int[] rgb = (int[]) mask.plane(i);
			byte[] out = (byte[]) grey.plane(i);
			for (int k = 0; k < rgb.length; k++)
				out[k] = (byte) Math.max(rgb[k] >> 16 & 0xff, Math.max(rgb[k] >> 8 &
					0xff, rgb[k] & 0xff));
		}
		return grey;
	}

	/**
	 * Refuses a mask that marks every pixel of a plane as a hole: the model would
	 * fill it from nothing (the normalisation leaves the holes out, so it would
	 * not even know the image's values). Names the slice and frame where the mask
	 * has one plane per slice and frame.
	 *
	 * @param counts {@link #countHoles}'s
	 */
	private static void refuseAllHole(long[] counts, RasterImage mask) {
		long perPlane = (long) mask.width() * mask.height();
		for (int p = 0; p < counts.length - 1; p++) {
			if (counts[p] != perPlane) continue;
			throw new GanException(FinitePixels.placeOf(mask, -1, p) +
				"the mask marks every pixel (" + perPlane +
				") as a hole: there is no known pixel " +
				"to fill from; leave some of the image unmasked");
		}
	}

	/**
	 * Refuses a 32-bit image one of whose channels has, in some plane, no finite
	 * pixel outside the holes: the model would fill them from NaN or infinite
	 * values fed as 0, from nothing. The mask has the image's planes or one for
	 * all; a NaN mask pixel marks no hole.
	 */
	static void refuseNoFiniteKnown(RasterImage image, RasterImage mask) {
		if (image.type() != PixelType.FLOAT32) return;
		int w = image.width(), h = image.height();
		float[] row = new float[w], holes = new float[w];
		for (int t = 0; t < image.frames(); t++)
			for (int z = 0; z < image.slices(); z++)
				channels:
				for (int c = 0; c < image.logicalChannels(); c++) {
					long known = 0;
					for (int y = 0; y < h; y++) {
						image.readRegion(c, z, t, 0, y, w, 1, row, 0);
						if (mask.planeCount() == 1) mask.readRegion(0, 0, 0, 0, y, w, 1,
							holes, 0);
						else mask.readRegion(0, z, t, 0, y, w, 1, holes, 0);
						for (int x = 0; x < w; x++) {
							if (holes[x] != 0 && !Float.isNaN(holes[x])) continue;
							if (Float.isFinite(row[x])) continue channels;
							known++;
						}
					}
					throw new GanException(FinitePixels.placeOf(image, c, z + t * image
						.slices()) + "image " + image.title() +
						" has no finite pixel outside the mask's holes (all " + known +
						" are NaN or infinite): there is nothing to fill the holes from");
				}
	}

	/**
	 * Whether {@code mask} marks at least one hole (a non-zero pixel, NaN aside).
	 */
	static boolean marksHole(RasterImage mask) {
		long[] counts = countHoles(mask);
		for (int p = 0; p < counts.length - 1; p++)
			if (counts[p] > 0) return true;
		return false;
	}

	/**
	 * The mask's holes (non-zero pixels, NaN aside) in each of its planes
	 * ({@code z + t * slices}), then its NaN pixels.
	 */
	private static long[] countHoles(RasterImage mask) {
		long[] counts = new long[mask.planeCount() + 1];
		long nan = 0;
		float[] row = new float[mask.width()];
		for (int t = 0; t < mask.frames(); t++)
			for (int z = 0; z < mask.slices(); z++)
				for (int y = 0; y < mask.height(); y++) {
					mask.readRegion(0, z, t, 0, y, mask.width(), 1, row, 0);
					for (float v : row)
						if (Float.isNaN(v)) nan++;
						else if (v != 0) counts[z + t * mask.slices()]++;
				}
		counts[counts.length - 1] = nan;
		return counts;
	}
}
