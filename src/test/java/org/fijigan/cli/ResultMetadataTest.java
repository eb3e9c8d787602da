
package org.fijigan.cli;

import static org.fijigan.cli.MainTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.model.ModelLoader;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.process.LUT;
import ij.process.ShortProcessor;

/**
 * What a result keeps of its input's metadata: a synthetic input's provenance,
 * the Info text, slice labels, LUTs, display ranges and mode, the overlay and
 * the unit of the values; and what a generated stack says of its class.
 */
class ResultMetadataTest {

	@TempDir
	Path dir;

	private static String info(ImagePlus imp) {
		return imp.getInfoProperty() == null ? "" : imp.getInfoProperty();
	}

	@Test
	void aGeneratedStackNamesItsClass() {
		Path model = OnnxModels.generator(4, 2, 4, 4).write(dir, "cgan.onnx");
		Path stack = dir.resolve("synth.tif");
		Result g = cli("generate", "--model", model, "--output", stack, "--count",
			3, "--seed", 5, "--class", 1);
		assertEquals(0, g.exitCode(), g.err());
		assertTrue(info(IJ.openImage(stack.toString())).contains(
			"fiji-gan.class = 1\n"), info(IJ.openImage(stack.toString())));
	}

	@Test
	void aResultOfASyntheticImageStaysSynthetic() throws Exception {
		Path gan = OnnxModels.generator(4, 2, 4, 4).write(dir, "cgan.onnx");
		Path sr = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Files.createDirectories(dir.resolve("in"));
		Path stack = dir.resolve("in/synth.tif");
		assertEquals(0, cli("generate", "--model", gan, "--output", stack,
			"--count", 3, "--seed", 5).exitCode());
		String sha = ModelLoader.sha256(gan);
		String rows = "slice,model,sha256,seed,class\n1,cgan," + sha +
			",5,0\n2,cgan," + sha + ",6,1\n3,cgan," + sha + ",7,0\n";

		Path x2 = dir.resolve("synth-x2.tif");
		Result r = cli("super-resolution", "--model", sr, "--input", stack,
			"--output", x2, "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: the input is SYNTHETIC"), r.out());
		ImagePlus result = IJ.openImage(x2.toString());
		assertEquals(8, result.getWidth());
		assertTrue(info(result).contains("fiji-gan.synthetic = SYNTHETIC"), info(
			result));
		assertTrue(info(result).contains("fiji-gan.model = sr\n"), info(result));
		assertTrue(result.getStack().getSliceLabel(2).startsWith(
			"SYNTHETIC seed=6 class=1 model=cgan"), result.getStack().getSliceLabel(
				2));
		Result p = cli("trust", "provenance", "--input", x2);
		assertEquals(0, p.exitCode(), p.err());
		assertEquals(rows, p.out());

		// and of that result again, and in a folder run
		Path x4 = dir.resolve("synth-x4.tif");
		assertEquals(0, cli("super-resolution", "--model", sr, "--input", x2,
			"--output", x4, "--threads", 1).exitCode());
		assertEquals(rows, cli("trust", "provenance", "--input", x4).out());
		// the x4 result names the run that made its input; its input named none
		String srSha = ModelLoader.sha256(sr);
		assertTrue(info(IJ.openImage(x4.toString())).contains(
			"fiji-gan.earlier.1 = super-resolution model=sr sha256=" + srSha + "\n"),
			info(IJ.openImage(x4.toString())));
		assertTrue(!info(result).contains("fiji-gan.earlier."), info(result));
		Path x8 = dir.resolve("synth-x8.tif");
		assertEquals(0, cli("super-resolution", "--model", sr, "--input", x4,
			"--output", x8, "--threads", 1).exitCode());
		String x8Info = info(IJ.openImage(x8.toString()));
		assertTrue(x8Info.contains(
			"fiji-gan.earlier.1 = super-resolution model=sr" + " sha256=" + srSha +
				"\nfiji-gan.earlier.2 = super-resolution model=sr" + " sha256=" +
				srSha + "\n") && !x8Info.contains("fiji-gan.earlier.3"), x8Info);
		Path out = dir.resolve("out");
		Result folder = cli("super-resolution", "--model", sr, "--input", dir
			.resolve("in"), "--output", out, "--threads", 1);
		assertEquals(0, folder.exitCode(), folder.err());
		assertEquals(rows, cli("trust", "provenance", "--input", out.resolve(
			"synth.tif")).out());
	}

	/**
	 * A PNG and a NIfTI file carry the provenance fiji-gan wrote into them (a
	 * tEXt chunk, a comment extension) back to trust provenance and later runs.
	 */
	@Test
	void aGeneratedPngOrNiftiReadsBackItsProvenance() throws Exception {
		Path gan = OnnxModels.generator(4, 2, 4, 4).write(dir, "cgan.onnx");
		String sha = ModelLoader.sha256(gan);
		Path png = dir.resolve("one.png"), nii = dir.resolve("two.nii.gz");
		assertEquals(0, cli("generate", "--model", gan, "--output", png, "--count",
			1, "--seed", 5).exitCode());
		assertEquals(0, cli("generate", "--model", gan, "--output", nii, "--count",
			2, "--seed", 5).exitCode());
		assertEquals("slice,model,sha256,seed,class\n1,cgan," + sha + ",5,0\n", cli(
			"trust", "provenance", "--input", png).out());
		assertEquals("slice,model,sha256,seed,class\n1,cgan," + sha +
			",5,0\n2,cgan," + sha + ",6,1\n", cli("trust", "provenance", "--input",
				nii).out());
		Path x2 = dir.resolve("one-x2.png");
		Result r = cli("super-resolution", "--model", OnnxModels.pixelShuffle(1, 2)
			.write(dir, "sr.onnx"), "--input", png, "--output", x2, "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: the input is SYNTHETIC"), r.out());
		assertEquals("slice,model,sha256,seed,class\n1,cgan," + sha + ",5,0\n", cli(
			"trust", "provenance", "--input", x2).out());
	}

	/**
	 * A two-channel, two-slice 16-bit image in colour mode with green and magenta
	 * LUTs, display ranges, slice labels, Info text and an overlay.
	 */
	private Path dressed() {
		ImageStack stack = new ImageStack(6, 4);
		for (int i = 0; i < 4; i++) {
			short[] p = new short[24];
			for (int k = 0; k < 24; k++)
				p[k] = (short) (100 * i + 37 * k % 500);
			stack.addSlice("L" + i, new ShortProcessor(6, 4, p, null));
		}
		ImagePlus imp = new ImagePlus("dressed", stack);
		imp.setDimensions(2, 2, 1);
		CompositeImage c = new CompositeImage(imp, CompositeImage.COLOR);
		LUT green = LUT.createLutFromColor(java.awt.Color.GREEN);
		green.min = 50;
		green.max = 400;
		LUT magenta = LUT.createLutFromColor(java.awt.Color.MAGENTA);
		magenta.min = 120;
		magenta.max = 700;
		c.setChannelLut(green, 1);
		c.setChannelLut(magenta, 2);
		c.setProperty("Info", "MyInfo=hello\nLine2=x\n");
		c.setOverlay(new Overlay(new Roi(1, 2, 3, 1)));
		Path file = dir.resolve("dressed.tif");
		assertTrue(new FileSaver(c).saveAsTiffStack(file.toString()));
		return file;
	}

	/**
	 * An 8-bit input shown through a display range and an inverted LUT: its
	 * result keeps them in a TIFF, while a PNG or JPEG result holds the values
	 * themselves (ImageJ's writers write what is shown).
	 */
	@Test
	void aPngOrJpegResultHoldsTheValuesNotHowTheInputWasShown() {
		byte[] px = new byte[48 * 48];
		for (int i = 0; i < px.length; i++)
			px[i] = (byte) (40 + i % 48 * 3);
		Path id = OnnxModels.identity(1).write(dir, "id.onnx");
		for (boolean inverted : new boolean[] { false, true }) {
			ij.process.ByteProcessor ip = new ij.process.ByteProcessor(48, 48, px
				.clone());
			if (inverted) ip.invertLut();
			ImagePlus shown = new ImagePlus("shown", ip);
			shown.setDisplayRange(10, 200);
			Path in = dir.resolve("shown.tif");
			assertTrue(new FileSaver(shown).saveAsTiff(in.toString()));
			for (String ext : List.of("tif", "png", "jpg")) {
				Path out = dir.resolve(inverted + "." + ext);
				Result r = cli("run", "--model", id, "--input", in, "--output", out,
					"--normalize", "range:0,255", "--threads", 1);
				assertEquals(0, r.exitCode(), r.err());
				ImagePlus back = IJ.openImage(out.toString());
				byte[] values = (byte[]) back.getProcessor().getPixels();
				String what = ext + (inverted ? ", inverted LUT" : "");
				if (ext.equals("jpg")) { // lossy: near the values, far from as shown
					for (int i = 0; i < px.length; i++)
						assertEquals(px[i] & 0xff, values[i] & 0xff, 4, what + " pixel " +
							i);
				}
				else assertArrayEquals(px, values, what);
				if (ext.equals("tif")) {
					assertEquals(inverted, back.isInvertedLut(), what);
					assertEquals(10, back.getDisplayRangeMin(), 0, what);
					assertEquals(200, back.getDisplayRangeMax(), 0, what);
				}
			}
		}
	}

	@Test
	void aResultKeepsWhatStillHoldsOfItsInput() {
		Path in = dressed();
		Path id = OnnxModels.identity(1).write(dir, "id.onnx");
		Path sr = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		for (String model : new String[] { "id", "sr" }) {
			Path out = dir.resolve(model + ".tif");
			Result r = cli("run", "--model", model.equals("id") ? id : sr, "--input",
				in, "--output", out, "--threads", 1);
			assertEquals(0, r.exitCode(), r.err());
			int scale = model.equals("id") ? 1 : 2;
			ImagePlus imp = IJ.openImage(out.toString());
			assertTrue(info(imp).startsWith("MyInfo=hello\nLine2=x\nfiji-gan."), info(
				imp));
			assertEquals("L3", imp.getStack().getSliceLabel(4));
			CompositeImage c = (CompositeImage) imp;
			assertEquals(CompositeImage.COLOR, c.getMode());
			assertEquals(0xff00ff00, c.getChannelLut(1).getRGB(255));
			assertEquals(0xffff00ff, c.getChannelLut(2).getRGB(255));
			assertArrayEquals(new double[] { 50, 400, 120, 700 }, new double[] { c
				.getChannelLut(1).min, c.getChannelLut(1).max, c.getChannelLut(2).min, c
					.getChannelLut(2).max });
			assertEquals(new Rectangle(scale, 2 * scale, 3 * scale, scale), imp
				.getOverlay().get(0).getBounds());
		}
	}

	@Test
	void valuesInHounsfieldUnitsKeepTheirUnit() {
		ImagePlus ct = new ImagePlus("ct", new ShortProcessor(5, 5, new short[25],
			null));
		for (int i = 0; i < 25; i++)
			ct.getProcessor().set(i, 1000 + 10 * i);
		ct.getCalibration().setFunction(ij.measure.Calibration.STRAIGHT_LINE,
			new double[] { -1024, 1 }, "HU");
		ct.setDisplayRange(1000, 1200);
		Path in = dir.resolve("ct.tif");
		assertTrue(new FileSaver(ct).saveAsTiff(in.toString()));
		Path out = dir.resolve("ct-out.tif");
		Result r = cli("run", "--model", OnnxModels.identity(1).write(dir,
			"id.onnx"), "--input", in, "--output", out, "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		ImagePlus imp = IJ.openImage(out.toString());
		assertEquals(32, imp.getBitDepth());
		assertEquals("HU", imp.getCalibration().getValueUnit());
		assertEquals(-24, imp.getDisplayRangeMin(), 1e-3);
		assertEquals(176, imp.getDisplayRangeMax(), 1e-3);
	}
}
