
package org.fijigan.imagej;

import java.awt.Rectangle;
import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.pipeline.Inpainter;
import org.fijigan.ij1.ImagePlusConverter;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import ij.process.ByteProcessor;

/**
 * Builds the hole mask of an inpainting run (one channel, 255 = hole) from what
 * ImageJ users mark holes with: the image's selection, the ROI Manager, or a
 * mask image. Reads its sources only.
 */
final class InpaintMasks {

	static final String SELECTION = "selection";
	static final String ROI_MANAGER = "roi manager";

	private InpaintMasks() {}

	/**
	 * @param source {@value #SELECTION}, {@value #ROI_MANAGER}, or the title of
	 *          an open mask image whose non-zero pixels are holes (its NaN pixels
	 *          are refused by {@link Inpainter} unless nonfinite reads them as 0)
	 * @return one plane for the whole image, or one per slice and frame when the
	 *         ROIs or the mask image have positions
	 */
	static RasterImage of(ImagePlus image, String source) {
		String s = source == null ? "" : source.trim();
		switch (s.toLowerCase(Locale.ROOT)) {
			case "", SELECTION -> {
				Roi roi = image.getRoi();
				if (roi == null) throw new GanException("no selection on " + image
					.getTitle() +
					": select the holes to fill, or set mask to 'roi manager' or to the title of a mask image");
				return fromRois(image, new Roi[] { roi }, false);
			}
			case ROI_MANAGER, "roi-manager", "roimanager" -> {
				RoiManager manager = RoiManager.getInstance2();
				if (manager == null) manager = RoiManager.getRawInstance();
				Roi[] rois = manager == null ? new Roi[0] : manager.getRoisAsArray();
				if (rois.length == 0) throw new GanException(
					"the ROI Manager is empty: add the holes to fill to it (press t), or use a selection");
				return fromRois(image, rois, true);
			}
			default -> {
				ImagePlus mask = DialogChoices.openImage(s, "mask");
				if (mask == null) throw new GanException("no open image is called '" +
					s +
					"': mask must be 'selection', 'roi manager' or the title of an open mask image");
				return fromImage(image, mask);
			}
		}
	}

	/**
	 * The part of {@code mask} (as {@link #of} builds it for the crop's source)
	 * that a preview crop covers: the plane of the crop's slice and frame (the
	 * mask's only plane when it has one), cut to the crop's region, the values as
	 * they are.
	 */
	static RasterImage cut(RasterImage mask, Preview.Crop crop) {
		Rectangle r = crop.region();
		int z = mask.slices() == 1 ? 0 : crop.slice() - 1, t = mask.frames() == 1
			? 0 : crop.frame() - 1;
		Object from = mask.plane(0, z, t), to = mask.type().newPlane(r.width *
			r.height);
		for (int y = 0; y < r.height; y++)
			System.arraycopy(from, (r.y + y) * mask.width() + r.x, to, y * r.width,
				r.width);
		return new RasterImage(r.width, r.height, 1, 1, 1, mask.type(),
			new Object[] { to }).setTitle(mask.title()).setCalibration(mask
				.calibration());
	}

	/**
	 * How {@code source} (as {@link #of} takes it) names the mask in a result's
	 * properties: {@code selection}, {@code ROI Manager}, or the mask image's
	 * title.
	 */
	static String name(String source) {
		String s = source == null ? "" : source.trim();
		return switch (s.toLowerCase(Locale.ROOT)) {
			case "", SELECTION -> SELECTION;
			case ROI_MANAGER, "roi-manager", "roimanager" -> "ROI Manager";
			default -> s;
		};
	}

	/**
	 * Fills each ROI into the plane(s) its position names (all planes when it has
	 * none). A ROI placed beyond the image (a stack position past its planes, a
	 * slice or frame past its slices or frames) is refused, naming it: ImageJ's
	 * conversion threw its own exception, which stopped neither the run's macro
	 * nor its saving of the untouched input, and a slice past the stack was left
	 * out without a word.
	 */
	static RasterImage fromRois(ImagePlus image, Roi[] rois,
		boolean usePositions)
	{
		int z = image.getNSlices(), t = image.getNFrames();
		// positions place ROIs on slices and frames only where there are several
		// (a ROI drawn on slice 3 of a stack fills a single plane, as before); a
		// channel is never one: the mask has one channel for all
		if (usePositions && z * t > 1) for (int i = 0; i < rois.length; i++)
			refuseBeyond(image, rois[i], i);
		String channels = usePositions ? channelNote(image, rois) : null;
		if (channels != null) IJ.log("fiji-gan: " + channels);
		boolean perPlane = usePositions && z * t > 1 && java.util.Arrays.stream(
			rois).anyMatch(r -> r.getPosition() > 0 || r.hasHyperStackPosition());
		RasterImage mask = RasterImage.allocate(image.getWidth(), image.getHeight(),
			1, perPlane ? z : 1, perPlane ? t : 1, PixelType.UINT8);
		for (Roi roi : rois) {
			int rz = 0, rt = 0;
			if (perPlane && roi.hasHyperStackPosition()) {
				rz = roi.getZPosition();
				rt = roi.getTPosition();
			}
			else if (perPlane && roi.getPosition() > 0) {
				int[] czt = image.convertIndexToPosition(roi.getPosition());
				rz = czt[1];
				rt = czt[2];
			}
			for (int zi = 0; zi < mask.slices(); zi++)
				for (int ti = 0; ti < mask.frames(); ti++)
					if ((rz == 0 || rz == zi + 1) && (rt == 0 || rt == ti + 1)) {
						ByteProcessor plane = new ByteProcessor(mask.width(), mask.height(),
							(byte[]) mask.plane(0, zi, ti));
						plane.setValue(255);
						plane.fill(roi);
					}
		}
		return mask.setTitle("mask");
	}

	/**
	 * Refuses {@code roi} (the {@code index}th, from 0) where its position names
	 * a plane, slice or frame {@code image} does not have.
	 */
	private static void refuseBeyond(ImagePlus image, Roi roi, int index) {
		String beyond = null;
		if (roi.hasHyperStackPosition()) {
			if (roi.getZPosition() > image.getNSlices()) beyond = "slice " + roi
				.getZPosition() + ", but '" + image.getTitle() + "' has " + count(image
					.getNSlices(), "slice");
			else if (roi.getTPosition() > image.getNFrames()) beyond = "frame " + roi
				.getTPosition() + ", but '" + image.getTitle() + "' has " + count(image
					.getNFrames(), "frame");
		}
		else if (roi.getPosition() > image.getStackSize()) beyond = "position " +
			roi.getPosition() + ", but '" + image.getTitle() + "' has " + count(image
				.getStackSize(), "plane");
		if (beyond == null) return;
		String name = roi.getName() == null || roi.getName().isBlank() ? "ROI " +
			(index + 1) + " of the ROI Manager" : "ROI '" + roi.getName() + "'";
		throw new GanException(name + " is placed on " + beyond +
			": remove it from the ROI Manager or set its position (Properties...) " +
			"to one the image has");
	}

	/**
	 * A note where a ROI is placed on one channel of an image of several: the
	 * mask has one channel, so its holes are filled in every channel (a ROI on
	 * channel 2 changed channel 1 too, without a word); null where none is.
	 */
	static String channelNote(ImagePlus image, Roi[] rois) {
		int channels = image.getNChannels();
		if (channels < 2) return null;
		for (int i = 0; i < rois.length; i++) {
			Roi roi = rois[i];
			int c = roi.hasHyperStackPosition() ? roi.getCPosition() : roi
				.getPosition() > 0 && roi.getPosition() <= image.getStackSize() ? image
					.convertIndexToPosition(roi.getPosition())[0] : 0;
			if (c <= 0) continue;
			String name = roi.getName() == null || roi.getName().isBlank() ? "ROI " +
				(i + 1) + " of the ROI Manager" : "ROI '" + roi.getName() + "'";
			return name + " is placed on channel " + c + ", but the mask has one " +
				"channel for all: its holes are filled in all " + channels +
				" channels of '" + image.getTitle() + "'" + (rois.length > 1
					? ", as are any other ROI's" : "");
		}
		return null;
	}

	private static String count(int n, String what) {
		return n + " " + what + (n == 1 ? "" : "s");
	}

	/**
	 * {@code mask} as the engine reads a mask file: its pixels as they are (read
	 * by {@link ImagePlusConverter#toRaster}, as the command line reads
	 * {@code --mask}), so that {@link Inpainter} applies one rule for both: a
	 * non-zero pixel is a hole, a NaN pixel is neither (refused unless nonfinite
	 * reads it as 0), an RGB pixel is a hole where it is not black. It needs one
	 * plane, or one per slice and frame: as the image's slices and frames, or a
	 * plain stack of as many planes taken in ImageJ's order, by the command
	 * line's rule ({@link Inpainter#withImagePlanes(RasterImage, int, int)}). A
	 * mask of 3 slices and 2 frames was laid on an image of 2 slices and 3
	 * frames, its planes on other slices and frames, where the command line
	 * refuses it.
	 */
	static RasterImage fromImage(ImagePlus image, ImagePlus mask) {
		if (mask.getWidth() != image.getWidth() || mask.getHeight() != image
			.getHeight()) throw new GanException("mask image '" + mask.getTitle() +
				"' is " + mask.getWidth() + "x" + mask.getHeight() + " but '" + image
					.getTitle() + "' is " + image.getWidth() + "x" + image.getHeight() +
				": the mask needs the same width and height");
		int z = image.getNSlices(), t = image.getNFrames();
		if (mask.getNChannels() > 1) throw new GanException("mask image '" + mask
			.getTitle() + "' has " + mask.getNChannels() + " channels: give one " +
			"plane, or one per slice and frame (" + z * t + ") of '" + image
				.getTitle() + "', with one channel");
		RasterImage read = ImagePlusConverter.toRaster(mask, IJ::log);
		RasterImage laid = Inpainter.withImagePlanes(read, z, t);
		return laid == read ? read : laid.setTitle(read.title()).setCalibration(read
			.calibration());
	}
}
