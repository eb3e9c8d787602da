
package org.fijigan.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.fijigan.core.CancellationToken;
import org.fijigan.core.GanException;
import org.fijigan.core.ProgressListener;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.model.ModelDescriptor;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.core.model.ModelOverrides;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inpainting models whose image and mask inputs are named, ordered and shaped
 * otherwise than {@link OnnxModels#inpaint}'s: each gets the image as its image
 * and the mask as its mask, pixel for pixel.
 */
class InpaintingInputsTest {

	@TempDir
	Path dir;

	static final InferenceOptions RAW = ImageToImageTest.RAW.withCompositeInpaint(
		false);

	/** A 13x9 image of {@code channels} channels, values in [-0.5, 1.5). */
	static RasterImage image(int channels) {
		return ImageToImageTest.randomFloat(13, 9, channels, 1, 1, 3);
	}

	/** Holes where {@link #isHole} says, in {@code planes} slices. */
	static RasterImage mask(int planes) {
		RasterImage m = RasterImage.allocate(13, 9, 1, planes, 1, PixelType.UINT8);
		for (int z = 0; z < planes; z++) {
			byte[] p = (byte[]) m.plane(0, z, 0);
			for (int i = 0; i < p.length; i++)
				if (isHole(i, z)) p[i] = (byte) 255;
		}
		return m;
	}

	/** A band of holes that moves with the slice {@code z}. */
	static boolean isHole(int i, int z) {
		int x = i % 13, y = i / 13;
		return x >= 3 + z && x < 8 + z && y >= 2 && y < 5 || y == 7 && x < 2;
	}

	ModelDescriptor load(OnnxModels.Builder b, String name) {
		return ModelLoader.load(b.write(dir, name).toString(), ModelOverrides.NONE);
	}

	/**
	 * Adds {@code y = image + 2 * mask} to {@code b}, where {@code mask} is the
	 * mask in the image's shape, and output {@code y} of shape {@code out}.
	 */
	static OnnxModels.Builder plusTwiceMask(OnnxModels.Builder b, String image,
		String mask, String out)
	{
		return b.initializer("two", new float[] { 2 }).node("Mul", mask + ",two",
			"m2").node("Add", image + ",m2", "y").output("y", out);
	}

	/**
	 * The model's output where it adds twice the mask to the image: the holes are
	 * zeroed in the image it is fed, so a hole is 2 and any other pixel the
	 * image's.
	 */
	static void assertInpainted(RasterImage img, RasterImage mask,
		RasterImage r)
	{
		assertEquals(img.width(), r.width());
		assertEquals(img.logicalChannels(), r.logicalChannels());
		for (int z = 0; z < img.slices(); z++)
			for (int t = 0; t < img.frames(); t++)
				for (int c = 0; c < img.channels(); c++) {
					float[] in = (float[]) img.plane(c, z, t), out = (float[]) r.plane(c,
						z, t);
					// the image's plane (z, t) in ImageJ's order
					int m = mask.planeCount() == 1 ? 0 : z + img.slices() * t;
					byte[] holes = (byte[]) mask.plane(m);
					for (int i = 0; i < in.length; i++)
						assertEquals(holes[i] != 0 ? 2 : in[i], out[i], 1e-6f, "channel " +
							c + ", slice " + z + ", frame " + t + ", pixel " + i);
				}
	}

	static RunResult inpaint(ModelDescriptor m, RasterImage img,
		RasterImage mask)
	{
		return Inpainter.run(m, img, mask, RAW, ProgressListener.NONE,
			CancellationToken.none());
	}

	/**
	 * Inputs declared [mask, masked_image] had the image fed as the mask and the
	 * mask as the image: of the inputs whose names contain "mask", the last was
	 * taken. The input named "mask" takes the mask, in either order.
	 */
	@Test
	void theInputNamedMaskTakesTheMaskInEitherOrder() {
		for (boolean maskFirst : new boolean[] { true, false }) {
			OnnxModels.Builder b = OnnxModels.builder();
			if (maskFirst) b.input("mask", "N,1,H,W").input("masked_image",
				"N,1,H,W");
			else b.input("masked_image", "N,1,H,W").input("mask", "N,1,H,W");
			ModelDescriptor m = load(plusTwiceMask(b, "masked_image", "mask",
				"N,1,H,W"), "masked" + maskFirst + ".onnx");
			assertEquals("mask", m.mask().inputName());
			assertEquals("masked_image", m.image().name());
			RasterImage img = image(1);
			assertInpainted(img, mask(1), inpaint(m, img, mask(1)).image());
		}
		// without an input named "mask", one that names the image is not the mask
		ModelDescriptor m = load(plusTwiceMask(OnnxModels.builder().input(
			"hole_mask", "N,1,H,W").input("masked_img", "N,1,H,W"), "masked_img",
			"hole_mask", "N,1,H,W"), "hole.onnx");
		assertEquals("hole_mask", m.mask().inputName());
		RasterImage img = image(1);
		assertInpainted(img, mask(1), inpaint(m, img, mask(1)).image());
	}

	/**
	 * Beside an input named "masked_image" and one named neither "mask" nor for
	 * the image ([masked_image, hole], [holes, masked_image]), the masked image
	 * was taken for the mask, since its name contains "mask": the other input
	 * takes the mask, in either order.
	 */
	@Test
	void aMaskedImageInputIsTheImageBesideAnotherName() {
		for (String other : new String[] { "hole", "holes" })
			for (boolean imageFirst : new boolean[] { true, false }) {
				OnnxModels.Builder b = OnnxModels.builder();
				if (imageFirst) b.input("masked_image", "N,1,H,W").input(other,
					"N,1,H,W");
				else b.input(other, "N,1,H,W").input("masked_image", "N,1,H,W");
				ModelDescriptor m = load(plusTwiceMask(b, "masked_image", other,
					"N,1,H,W"), other + imageFirst + ".onnx");
				assertEquals(other, m.mask().inputName());
				assertEquals("masked_image", m.image().name());
				RasterImage img = image(1);
				assertInpainted(img, mask(1), inpaint(m, img, mask(1)).image());
			}
		// a mask named for the image it belongs to is the mask, in either order
		// (a rule that took any "mask" with "image" or "input" in its name for the
		// image swapped these)
		for (String[] pair : new String[][] { { "input", "input_mask" }, { "image",
			"image_mask" }, { "img", "img_mask" }, { "image", "mask_image" } })
			for (boolean imageFirst : new boolean[] { true, false }) {
				OnnxModels.Builder b = OnnxModels.builder();
				if (imageFirst) b.input(pair[0], "N,1,H,W").input(pair[1], "N,1,H,W");
				else b.input(pair[1], "N,1,H,W").input(pair[0], "N,1,H,W");
				ModelDescriptor m = load(plusTwiceMask(b, pair[0], pair[1], "N,1,H,W"),
					pair[1] + imageFirst + ".onnx");
				assertEquals(pair[1], m.mask().inputName());
				assertEquals(pair[0], m.image().name());
			}
	}

	/**
	 * A mask input shaped otherwise than the image input was fed in the image's
	 * layout, and ONNX Runtime refused it: a [N,1,H,W] mask beside a
	 * channels-last image, a [1,H,W] mask, a [N,H,W,1] mask beside a
	 * channels-first RGB image. Each is fed in its own shape, in tiles too.
	 */
	@Test
	void aMaskInputIsFedInItsOwnLayoutAndRank() {
		ModelDescriptor nhwc = load(plusTwiceMask(OnnxModels.builder().input(
			"image", "N,H,W,1").input("mask", "N,1,H,W").node("Transpose", "mask",
				"m", OnnxModels.attrInts("perm", 0, 2, 3, 1)), "image", "m", "N,H,W,1"),
			"nhwc-image.onnx");
		assertEquals("bcyx", nhwc.mask().layout().axes());
		RasterImage grey = image(1);
		assertInpainted(grey, mask(1), inpaint(nhwc, grey, mask(1)).image());
		RunResult tiled = Inpainter.run(nhwc, grey, mask(1), RAW.withTileSize(8),
			ProgressListener.NONE, CancellationToken.none());
		assertEquals(4, tiled.report().tilesPerPlane());
		assertInpainted(grey, mask(1), tiled.image());

		ModelDescriptor rank3 = load(plusTwiceMask(OnnxModels.builder().input(
			"image", "1,1,H,W").input("mask", "1,H,W").initializer("axis",
				new long[] { 1 }, 1).node("Unsqueeze", "mask,axis", "m"), "image", "m",
			"1,1,H,W"), "rank3-mask.onnx");
		assertEquals("cyx", rank3.mask().layout().axes());
		assertInpainted(grey, mask(1), inpaint(rank3, grey, mask(1)).image());

		ModelDescriptor rgb = load(plusTwiceMask(OnnxModels.builder().input("image",
			"N,3,H,W").input("mask", "N,H,W,1").node("Transpose", "mask", "m",
				OnnxModels.attrInts("perm", 0, 3, 1, 2)), "image", "m", "N,3,H,W"),
			"nhwc-mask.onnx");
		assertEquals("byxc", rgb.mask().layout().axes());
		RasterImage colour = image(3);
		assertInpainted(colour, mask(1), inpaint(rgb, colour, mask(1)).image());
	}

	/**
	 * A plain 6-slice mask for an image of 3 slices and 2 frames was refused as
	 * "the mask has 6 planes; give one plane for all, or one per slice and frame
	 * (6)". Its planes, as slices or as frames, are taken in ImageJ's order; a
	 * mask whose slices and frames are neither the image's nor a plain stack is
	 * refused naming both.
	 */
	@Test
	void aPlainStackMaskGivesEachSliceAndFrameItsPlaneInImageJsOrder() {
		ModelDescriptor m = load(plusTwiceMask(OnnxModels.builder().input("image",
			"N,1,H,W").input("mask", "N,1,H,W"), "image", "mask", "N,1,H,W"),
			"inpaint.onnx");
		RasterImage img = ImageToImageTest.randomFloat(13, 9, 1, 3, 2, 4);
		RasterImage slices = mask(6);
		RunResult r = inpaint(m, img, slices);
		assertInpainted(img, slices, r.image());
		assertEquals("the mask's 6 slices were taken as the image's 3 slices x 2 " +
			"frames, in ImageJ's order (slice by slice within each frame)", r.report()
				.notes().get(r.report().notes().size() - 1));
		RasterImage frames = new RasterImage(13, 9, 1, 1, 6, PixelType.UINT8,
			new Object[] { slices.plane(0), slices.plane(1), slices.plane(2), slices
				.plane(3), slices.plane(4), slices.plane(5) });
		assertInpainted(img, slices, inpaint(m, img, frames).image());
		RasterImage crossed = new RasterImage(13, 9, 1, 2, 3, PixelType.UINT8,
			new Object[] { slices.plane(0), slices.plane(1), slices.plane(2), slices
				.plane(3), slices.plane(4), slices.plane(5) });
		GanException e = assertThrows(GanException.class, () -> inpaint(m, img,
			crossed));
		assertEquals("the mask has 2 slices and 3 frames, the image 3 slices and " +
			"2 frames: give a mask of one plane for all, or one of 3 slices and 2 " +
			"frames (a stack of 6 planes will do)", e.getMessage());
	}

	/**
	 * A colour mask of 16 bits per colour is read as three channels, and was
	 * refused without saying why a mask painted in colour has channels.
	 */
	@Test
	void aSixteenBitColourMaskIsRefusedSayingHowToSaveIt() {
		ModelDescriptor m = load(plusTwiceMask(OnnxModels.builder().input("image",
			"N,1,H,W").input("mask", "N,1,H,W"), "image", "mask", "N,1,H,W"),
			"inpaint.onnx");
		RasterImage colour = RasterImage.allocate(13, 9, 3, 1, 1, PixelType.UINT16);
		GanException e = assertThrows(GanException.class, () -> inpaint(m, image(1),
			colour));
		assertEquals("the mask must have one channel, it has 3 (a colour mask of " +
			"more than 8 bits per colour is read as channels; save it as 8-bit RGB, " +
			"or as greyscale)", e.getMessage());
		// 8-bit channels are no colour mask: an 8-bit colour mask is read as one
		RasterImage channels = RasterImage.allocate(13, 9, 3, 1, 1,
			PixelType.UINT8);
		assertEquals("the mask must have one channel, it has 3", assertThrows(
			GanException.class, () -> inpaint(m, image(1), channels)).getMessage());
	}
}
