
package org.fijigan.imagej;

import java.util.Locale;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

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
	 *          an open mask image whose non-zero pixels are holes
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
				ImagePlus mask = WindowManager.getImage(s);
				if (mask == null) throw new GanException("no open image is called '" +
					s +
					"': mask must be 'selection', 'roi manager' or the title of an open mask image");
				return fromImage(image, mask);
			}
		}
	}

	/**
	 * Fills each ROI into the plane(s) its position names (all planes when it has
	 * none).
	 */
	static RasterImage fromRois(ImagePlus image, Roi[] rois,
		boolean usePositions)
	{
		int z = image.getNSlices(), t = image.getNFrames();
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
	 * Non-zero pixels of {@code mask} are holes; it needs one plane, or one per
	 * slice and frame.
	 */
	static RasterImage fromImage(ImagePlus image, ImagePlus mask) {
		if (mask.getWidth() != image.getWidth() || mask.getHeight() != image
			.getHeight()) throw new GanException("mask image '" + mask.getTitle() +
				"' is " + mask.getWidth() + "x" + mask.getHeight() + " but '" + image
					.getTitle() + "' is " + image.getWidth() + "x" + image.getHeight() +
				": the mask needs the same width and height");
		int z = image.getNSlices(), t = image.getNFrames(), n = mask.getStackSize();
		if (mask.getNChannels() > 1 || (n != 1 && n != z * t))
			throw new GanException("mask image '" + mask.getTitle() + "' has " + n +
				" planes: give one plane, or one per slice and frame (" + z * t +
				") of '" + image.getTitle() + "', with one channel");
		RasterImage out = RasterImage.allocate(image.getWidth(), image.getHeight(),
			1, n == 1 ? 1 : z, n == 1 ? 1 : t, PixelType.UINT8);
		for (int i = 0; i < n; i++) {
			ImageProcessor ip = n == 1 ? mask.getProcessor() : mask.getStack()
				.getProcessor(i + 1);
			byte[] holes = (byte[]) out.plane(i);
			for (int p = 0; p < holes.length; p++) {
				boolean hole = ip instanceof ColorProcessor ? (ip.get(p) &
					0xffffff) != 0 : ip.getf(p) != 0;
				holes[p] = (byte) (hole ? 255 : 0);
			}
		}
		return out.setTitle(mask.getTitle());
	}
}
