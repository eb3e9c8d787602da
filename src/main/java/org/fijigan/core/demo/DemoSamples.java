
package org.fijigan.core.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.fijigan.core.GanException;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;

/**
 * The images the demo runs on: 8-bit grey, one plane each. The adapters read
 * them from the jar's {@code org/fijigan/demo/} resources (see its README for
 * sources and licenses); tests may give others.
 *
 * @param photo a natural photograph, the ground truth of the super-resolution
 *          rows
 * @param photoName a few words naming it on the sheet, e.g. "brick wall photo"
 * @param cells the ground truth of the denoising and inpainting rows
 * @param cellsName a few words naming it
 * @param holeMask the holes to inpaint in {@code cells}: non-zero marks a hole;
 *          the size of {@code cells}
 * @param realSlices real held-out images shown beside the generated ones, by
 *          class name in display order; the generator is asked for one image of
 *          each class
 */
public record DemoSamples(RasterImage photo, String photoName,
		RasterImage cells, String cellsName, RasterImage holeMask,
		Map<String, RasterImage> realSlices) {

	public DemoSamples {
		Objects.requireNonNull(photoName);
		Objects.requireNonNull(cellsName);
		requireGrey8(photo, "the photo");
		requireGrey8(cells, "the cells image");
		requireGrey8(holeMask, "the hole mask");
		if (holeMask.width() != cells.width() || holeMask.height() != cells
			.height()) throw new GanException("the hole mask is " + holeMask.width() +
				"x" + holeMask.height() + " but the cells image is " + cells.width() +
				"x" + cells.height());
		realSlices = new LinkedHashMap<>(realSlices);
		realSlices.forEach((name, image) -> requireGrey8(image, "real slice " +
			name));
		realSlices = java.util.Collections.unmodifiableMap(realSlices);
	}

	private static void requireGrey8(RasterImage image, String what) {
		Objects.requireNonNull(image, what);
		if (image.type() != PixelType.UINT8 || image.channels() != 1 || image
			.planeCount() != 1) throw new GanException(what +
				" must be one 8-bit grey plane, not " + image.describe());
	}
}
