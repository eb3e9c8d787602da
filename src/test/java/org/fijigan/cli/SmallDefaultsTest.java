
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defaults that used to stop a small but reasonable run now adapt and say so in
 * a note: one image pair to fine-tune on (no image left after the 10%
 * validation split), images smaller than the default 64 px patch, a patch that
 * is no multiple of the model's scale, a batch larger than the data set, and a
 * tile too small for the halo.
 */
class SmallDefaultsTest {

	@TempDir
	Path dir;

	Path floatTiff(Path file, int w, int h, long seed) throws IOException {
		Files.createDirectories(file.getParent());
		float[] v = new float[w * h];
		Random r = new Random(seed);
		for (int i = 0; i < v.length; i++)
			v[i] = r.nextFloat();
		assertTrue(new FileSaver(new ImagePlus("x", new FloatProcessor(w, h, v)))
			.saveAsTiff(file.toString()));
		return file;
	}

	@Test
	void oneImagePairFineTunesWithTheDefaultsAndSaysWhatItChanged()
		throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 5, 1).write(dir, "conv.onnx");
		floatTiff(dir.resolve("in/a.tif"), 6, 5, 1);
		floatTiff(dir.resolve("target/a.tif"), 6, 5, 2);
		Result r = MainTest.cli("fine-tune", "-m", model, "-o", dir.resolve(
			"t.onnx"), "--input-dir", dir.resolve("in"), "--target-dir", dir.resolve(
				"target"), "--steps", 2, "--device", "cpu");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"note: patch reduced from 64 to 5 px: the smallest image, 'a.tif', " +
				"is 6x5\n"), r.out());
		assertTrue(r.out().contains(
			"note: no validation: holding out 1 of 1 image for a " +
				"validation fraction of 0.1 would leave none to train on, so all are trained on; add images " +
				"for a validation score\n"), r.out());
		assertTrue(r.out().contains(
			"note: the batch of 4 is larger than the 1 training image (or " +
				"planes): each batch draws patches of them again\n"), r.out());
		assertTrue(Files.size(dir.resolve("t.onnx")) > 0);
	}

	@Test
	void aDefaultPatchThatIsNoMultipleOfTheScaleIsRoundedDown()
		throws IOException
	{
		Path model = OnnxModels.pixelShuffle(1, 3).write(dir, "sr3.onnx");
		floatTiff(dir.resolve("data/a.tif"), 70, 70, 3);
		floatTiff(dir.resolve("data/b.tif"), 70, 70, 4);
		Result r = MainTest.cli("fine-tune", "-m", model, "-o", dir.resolve(
			"t.onnx"), "--data", dir.resolve("data"), "--steps", 1, "--validation", 0,
			"--device", "cpu", "--batch", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"note: patch reduced from 64 to 63 px: a patch is a multiple of the " +
				"model's scale 3\n"), r.out());
	}

	@Test
	void
		aTileTooSmallForTheHaloUsesTheNearestWindowThatWorksAndGivesTheExactResult()
			throws IOException
	{
		Path model = OnnxModels.conv3x3(1, 1, 5, 3).write(dir, "conv.onnx");
		Path in = floatTiff(dir.resolve("a.tif"), 96, 80, 5);
		Result tiled = MainTest.cli("denoise", "-m", model, "-i", in, "-o", dir
			.resolve("tiled.tif"), "--tile", 16, "--halo", 20, "--normalize", "none",
			"--device", "cpu");
		assertEquals(0, tiled.exitCode(), tiled.err());
		assertTrue(tiled.out().contains(
			"note: a tile of 16 px leaves no room inside a halo of 20 px on " +
				"each side: used 56x56 px windows, the smallest that keep 16 px inside it\n"),
			tiled.out());
		Result whole = MainTest.cli("denoise", "-m", model, "-i", in, "-o", dir
			.resolve("whole.tif"), "--tile", "none", "--normalize", "none",
			"--device", "cpu");
		assertEquals(0, whole.exitCode(), whole.err());
		assertArrayEquals((float[]) IJ.openImage(dir.resolve("whole.tif")
			.toString()).getProcessor().getPixels(), (float[]) IJ.openImage(dir
				.resolve("tiled.tif").toString()).getProcessor().getPixels(), 1e-5f);
	}
}
