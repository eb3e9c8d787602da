
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.fijigan.core.image.Calibration;
import org.fijigan.core.image.NiftiOrientation;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;

/** What a result's file format cannot hold of its calibration, as notes. */
class ImageFileCodecNotesTest {

	private static final ImageFileCodec CODEC = ImageFileCodec.INSTANCE;

	/**
	 * A NIfTI volume's qform and sform (its rotation and place in the world) are
	 * named when the result is written as a format that holds neither; they were
	 * dropped without a word.
	 */
	@Test
	void aNiftiVolumesPlaceInTheWorldIsNamedWhereTheFormatDropsIt() {
		NiftiOrientation o = new NiftiOrientation((short) 1, new float[] { 0, 0,
			0.7071068f }, new float[] { 5, 6, 7 }, 1, (short) 2, new float[][] { { 0,
				-1, 0, 5 }, { 1, 0, 0, 6 }, { 0, 0, 2, 7 } });
		RasterImage image = RasterImage.allocate(4, 3, 1, 2, 1, PixelType.UINT16)
			.setCalibration(new Calibration(1, 1, 2, "mm", o));
		for (String ext : List.of(".tif", ".png", ".npy", ".jpg"))
			assertEquals(1, CODEC.writeNotes(ext, image).stream().filter(n -> n
				.contains("qform and sform")).count(), ext);
		assertEquals("TIF holds no place in the world like NIfTI's: the input " +
			"volume's qform and sform (its rotation and world origin) are not " +
			"written; write .nii.gz to keep them", CODEC.writeNotes(".tif", image)
				.get(0));
		// NIfTI holds them, and an image without them has none to name
		assertEquals(List.of(), CODEC.writeNotes(".nii.gz", image));
		assertEquals(List.of(), CODEC.writeNotes(".tif", image.setCalibration(
			new Calibration(1, 1, 2, "mm"))));
	}

	/**
	 * A hyperstack's slice spacing and frame interval are named, besides its
	 * pixel size, when written as .npy, which holds none of them; the note named
	 * the pixel size alone.
	 */
	@Test
	void theSliceSpacingAndFrameIntervalAreNamedWhereTheFormatDropsThem() {
		RasterImage image = RasterImage.allocate(4, 3, 1, 3, 2, PixelType.FLOAT32)
			.setCalibration(new Calibration(0.5, 0.5, 2, "micron").withFrameInterval(
				5, "sec"));
		assertEquals(List.of(".npy holds no pixel size: the pixel size (0.5 x " +
			"0.5 micron) is not written; write .tif to keep it",
			".npy holds no slice spacing or frame interval: the slice spacing (2 " +
				"micron) and the frame interval (5 sec) are not written; write .tif " +
				"to keep them"), CODEC.writeNotes(".npy", image));
		// one slice has no spacing to lose; frames without an interval none
		assertEquals(List.of(".npy holds no frame interval: the frame interval " +
			"(5 sec) is not written; write .tif to keep it"), CODEC.writeNotes(".npy",
				RasterImage.allocate(4, 3, 1, 1, 2, PixelType.FLOAT32).setCalibration(
					new Calibration(1, 1, 2, "pixel").withFrameInterval(5, "sec"))));
		assertEquals(List.of(), CODEC.writeNotes(".npy", RasterImage.allocate(4, 3,
			1, 3, 2, PixelType.FLOAT32)));
		assertEquals(List.of(), CODEC.writeNotes(".tif", image));
	}
}
