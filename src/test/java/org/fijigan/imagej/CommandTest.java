
package org.fijigan.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.pipeline.InferenceOptions;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.OvalRoi;
import ij.gui.Overlay;
import ij.gui.PolygonRoi;
import ij.gui.Roi;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

/**
 * The commands end to end on tiny ONNX models, in a headless JVM without the
 * ImageJ patcher.
 */
class CommandTest {

	@TempDir
	Path dir;

	/**
	 * A 4x3 32-bit image with values 0, 1.5, 3, ... and a selection, a property
	 * and a title.
	 */
	static ImagePlus source() {
		float[] v = new float[12];
		for (int i = 0; i < v.length; i++)
			v[i] = 1.5f * i;
		ImagePlus imp = new ImagePlus("cells.tif", new FloatProcessor(4, 3, v));
		imp.setRoi(new Roi(1, 1, 2, 1));
		imp.setProp("sample", "A1");
		return imp;
	}

	/**
	 * What {@code run} writes to the Log (headless, IJ.log writes to standard
	 * output).
	 */
	static String logOf(Runnable run) {
		java.io.PrintStream stdout = System.out;
		java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
		System.setOut(new java.io.PrintStream(log, true,
			java.nio.charset.StandardCharsets.UTF_8));
		try {
			run.run();
		}
		finally {
			System.setOut(stdout);
		}
		return log.toString(java.nio.charset.StandardCharsets.UTF_8);
	}

	DenoiseCommand denoise(ImagePlus image) {
		DenoiseCommand c = new DenoiseCommand();
		c.image = image;
		c.model = OnnxModels.addConstant(1, 0.25f).write(dir, "add.onnx")
			.toString();
		c.normalize = "none";
		c.floatOutput = true;
		c.threads = 1;
		return c;
	}

	/**
	 * A model that states no task runs from Denoise as a denoiser, as on the
	 * command line: its output named as the noise is subtracted from the input,
	 * and the result is labelled denoise and checked; it ran as a generic model,
	 * and the noise came back as the denoised image without a word.
	 */
	@Test
	void denoiseRunsAModelOfNoTaskAsADenoiserAndSubtractsAnOutputNamedTheNoise() {
		DenoiseCommand c = denoise(source());
		c.model = OnnxModels.builder().input("x", "N,1,H,W").initializer("h",
			new float[] { 0.25f }).node("Mul", "x,h", "residual").output("residual",
				"N,1,H,W").write(dir, "residual.onnx").toString();
		c.run();
		assertNull(c.errorMessage());
		float[] out = (float[]) c.output.getProcessor().getPixels();
		for (int i = 0; i < out.length; i++)
			assertEquals(0.75f * 1.5f * i, out[i], 1e-5f, "pixel " + i);
		assertEquals("denoise", c.output.getProp("fiji-gan.task"));
		assertNotNull(c.output.getProp("fiji-gan.residual-check"));
	}

	@Test
	void anRgbImageKeepsItsColoursThroughAModelThatSwapsThemByDefault() {
		// a dim red channel; the dialog's default normalisation (percentile:1,99.8)
		// takes the three colour channels' percentiles together, as the command
		// line does; per channel (three ramps, each stretched to 0..1 and mapped
		// back by its position's map) the swap was undone: pixel 0, [0 100 90],
		// came back [0 100 90] rather than [90 100 0]
		int[] rgb = new int[12];
		for (int i = 0; i < rgb.length; i++)
			rgb[i] = (5 * i) << 16 | (100 + 10 * i) << 8 | 90 + 10 * i;
		DenoiseCommand c = new DenoiseCommand();
		c.image = new ImagePlus("photo.png", new ColorProcessor(4, 3, rgb.clone()));
		c.model = OnnxModels.builder().input("x", "N,3,H,W").initializer("i",
			new long[] { 2, 1, 0 }, 3).node("Gather", "x,i", "y", OnnxModels.attrInt(
				"axis", 1)).output("y", "N,3,H,W").write(dir, "swap.onnx").toString();
		c.threads = 1;
		c.run();
		assertNull(c.errorMessage());
		assertEquals(ImagePlus.COLOR_RGB, c.output.getType());
		int[] out = (int[]) c.output.getProcessor().getPixels();
		for (int i = 0; i < rgb.length; i++)
			assertEquals(Integer.toHexString((90 + 10 * i) << 16 | (100 + 10 *
				i) << 8 | 5 * i), Integer.toHexString(out[i] & 0xffffff), "pixel " + i);
	}

	/**
	 * The engine's notes name command-line flags; the Log in Fiji names the
	 * dialog field instead, as error messages do: "--float keeps the model's
	 * values" sent a Fiji user looking for a flag Fiji has not got.
	 */
	@Test
	void aNoteInTheLogNamesTheDialogFieldNotTheFlag() {
		byte[] v = new byte[12];
		for (int i = 0; i < v.length; i++)
			v[i] = (byte) (20 * i);
		DenoiseCommand c = denoise(new ImagePlus("bright", new ByteProcessor(4, 3,
			v)));
		c.model = OnnxModels.addConstant(1, 0.5f).write(dir, "add half.onnx")
			.toString();
		c.floatOutput = false;
		c.normalize = new DenoiseCommand().normalize; // none gives the raw values
		String text = logOf(c::run);
		assertNull(c.errorMessage());
		assertTrue(text.contains("\n  4 result values lay more than 1% beyond " +
			"the 8-bit range and were clipped to it (33.3% of the result); " +
			"'Float output' keeps the model's values\n"), text);
		assertFalse(text.contains("--"), text);
	}

	@Test
	void theTimingsOptionWritesTheStagesToTheLog() {
		DenoiseCommand c = denoise(source());
		c.timings = true;
		String text = logOf(c::run);
		assertNull(c.errorMessage());
		int at = text.indexOf("fiji-gan: timings\n");
		assertTrue(at >= 0, text);
		String after = text.substring(at);
		int read = after.indexOf("\n  model read and checks "), session = after
			.indexOf("\n  session creation "), runs = after.indexOf(
				"\n  model runs ");
		assertTrue(read > 0 && session > read && runs > session, after);
		// one run: its time alone, no count
		assertTrue(after.substring(runs).matches(
			"(?s)\\n  model runs +\\d+\\.\\d{3} s\\n  total of the stages +\\d+\\.\\d{3} s\\n.*"),
			after);
	}

	@Test
	void denoiseGivesTheModelOutputAndLeavesTheSourceAlone() {
		ImagePlus src = source();
		float[] pixels = (float[]) src.getProcessor().getPixels();
		DenoiseCommand c = denoise(src);
		c.run();
		assertNull(c.errorMessage());
		float[] out = (float[]) c.output.getProcessor().getPixels();
		for (int i = 0; i < 12; i++)
			assertEquals(1.5f * i + 0.25f, out[i], "pixel " + i);
		assertEquals(ImagePlus.GRAY32, c.output.getType());
		assertEquals("add", c.output.getProp("fiji-gan.model"));
		assertTrue(c.output.getInfoProperty().contains("fiji-gan.model = add\n"));

		assertSame(pixels, src.getProcessor().getPixels());
		for (int i = 0; i < 12; i++)
			assertEquals(1.5f * i, pixels[i]);
		assertEquals("cells.tif", src.getTitle());
		assertEquals(new java.awt.Rectangle(1, 1, 2, 1), src.getRoi().getBounds());
		assertEquals("A1", src.getProp("sample"));
		assertNull(src.getProp("fiji-gan.model"));
		assertNull(src.getInfoProperty());
	}

	@Test
	void theBridgeRunsACommandFromMacroOptionsWithoutADisplay() {
		ImagePlus src = source();
		Path model = OnnxModels.addConstant(1, 0.25f).write(dir, "add more.onnx");
		WindowManager.setTempCurrentImage(src);
		// as IJ.run does: macro options are only seen on threads named "Run$_..."
		Thread thread = Thread.currentThread();
		String name = thread.getName();
		thread.setName("Run$_" + name);
		Macro.setOptions("model=[" + model +
			"] tile=auto normalize=none threads=1 float");
		try {
			new GanPlugIn().run("denoise");
		}
		finally {
			Macro.setOptions(null);
			thread.setName(name);
		}
		ImagePlus out = WindowManager.getCurrentImage();
		WindowManager.setTempCurrentImage(null);
		assertTrue(out != src, "the result is a new image");
		assertArrayEquals(new float[] { 0.25f, 1.75f, 3.25f }, java.util.Arrays
			.copyOf((float[]) out.getProcessor().getPixels(), 3));
	}

	@Test
	void aGanExceptionBecomesAnErrorMessageAndNoOutput() {
		DenoiseCommand c = denoise(source());
		c.model = dir.resolve("missing.onnx").toString();
		c.run();
		assertNotNull(c.errorMessage());
		assertTrue(c.errorMessage().contains("missing.onnx"), c.errorMessage());
		assertNull(c.output);

		c.model = "";
		c.run();
		assertTrue(c.errorMessage().startsWith("no model given"), c.errorMessage());
		DenoiseCommand bad = denoise(source());
		bad.tile = "huge";
		bad.run();
		assertEquals(
			"tile size 'huge' must be auto, none or a positive number of pixels", bad
				.errorMessage());
	}

	/**
	 * A dialog's defaults are the command line's: the model's own normalisation
	 * (a package's preprocessing), not percentiles in its place.
	 */
	@Test
	void theDialogsNormaliseAsTheCommandLineDoesByDefault() {
		assertEquals(InferenceOptions.defaults(), new DenoiseCommand().options());
		assertEquals(null, new SuperResolutionCommand().options().normalization());
	}

	/**
	 * The engine names what the user set by its command-line flag; in Fiji the
	 * message names the dialog field instead.
	 */
	@Test
	void anErrorNamesTheDialogFieldsNotTheCommandLineFlags() {
		DenoiseCommand c = denoise(new ImagePlus("bytes", new ByteProcessor(4, 4)));
		c.model = OnnxModels.builder().input("x", "N,1,H,W").node("Neg", "x", "n")
			.node("Log", "n", "y").output("y", "N,1,H,W").write(dir, "nan.onnx")
			.toString(); // the log of 0 or less
		c.floatOutput = false;
		c.normalize = "percentile";
		for (int i = 0; i < 16; i++)
			c.image.getProcessor().set(i, 10 * i);
		c.run();
		assertEquals(
			"the model gave 15 NaN or infinite values in one tile, which " +
				"an 8-bit result cannot hold: write 32-bit float output ('Float output') " +
				"to keep them, or choose 'Nonfinite outputs' zero or clip to map them",
			c.errorMessage());
		assertEquals("'Gamma (R1)' 2 with 'Lazy R1 interval' 4; --author stays",
			FieldNames.inFiji("--r1 2 with --r1-every 4; --author stays"));
		// a file name holding a flag's words is a name, kept as it is; a flag
		// ending a sentence or quoted is a flag
		assertEquals("2 of 2 images written (cells--float.tif, /a/--tile.tif, " +
			"run--tile): 'Float output' keeps them. ('Tile size')", FieldNames.inFiji(
				"2 of 2 images written (cells--float.tif, " +
					"/a/--tile.tif, run--tile): --float keeps them. (--tile)"));
		assertEquals("remove 'Class'/'Class', {'Tile size'} `'Seed'` /a/--tile/b",
			FieldNames.inFiji("remove --class/--classes, {--tile} `--seed` " +
				"/a/--tile/b"));
	}

	/**
	 * Super-Resolution by a x2 pixel shuffle of {@code src}, which must succeed.
	 */
	SuperResolutionCommand enlargeTwice(ImagePlus src) {
		SuperResolutionCommand c = new SuperResolutionCommand();
		c.image = src;
		c.model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx").toString();
		c.threads = 1;
		c.run();
		assertNull(c.errorMessage());
		return c;
	}

	@Test
	void superResolutionEnlargesAndShrinksTheCalibration() {
		ImagePlus src = source();
		src.getCalibration().pixelWidth = 0.4;
		src.getCalibration().setUnit("micron");
		SuperResolutionCommand c = enlargeTwice(src);
		assertEquals(8, c.output.getWidth());
		assertEquals(6, c.output.getHeight());
		assertEquals(0.2, c.output.getCalibration().pixelWidth, 1e-12);
		assertEquals(0.4, src.getCalibration().pixelWidth);
		assertEquals(4, src.getWidth());
	}

	/**
	 * Super-resolution by 2 magnifies a rectangle or oval as it does the pixels:
	 * an oval at 10,10 of 20x20 was a polygon at 19,19 of 42x42.
	 */
	@Test
	void superResolutionMagnifiesOvalsAndRectanglesExactly() {
		ImagePlus src = new ImagePlus("cells", new ByteProcessor(40, 40));
		src.setRoi(new OvalRoi(10, 10, 20, 20));
		Roi ring = new OvalRoi(3, 5, 7, 9);
		ring.setName("ring");
		ring.setPosition(1);
		Overlay overlay = new Overlay(ring);
		overlay.add(new Roi(1, 2, 3, 4));
		overlay.add(new PolygonRoi(new int[] { 2, 8, 4 }, new int[] { 2, 3, 9 }, 3,
			Roi.POLYGON));
		src.setOverlay(overlay);
		SuperResolutionCommand c = enlargeTwice(src);
		Roi roi = c.output.getRoi();
		assertEquals(OvalRoi.class, roi.getClass());
		assertEquals(new java.awt.Rectangle(20, 20, 40, 40), roi.getBounds());
		Overlay o = c.output.getOverlay();
		assertEquals(3, o.size());
		assertEquals(OvalRoi.class, o.get(0).getClass());
		assertEquals(new java.awt.Rectangle(6, 10, 14, 18), o.get(0).getBounds());
		assertEquals("ring", o.get(0).getName());
		assertEquals(1, o.get(0).getPosition());
		assertEquals(Roi.class, o.get(1).getClass());
		assertEquals(new java.awt.Rectangle(2, 4, 6, 8), o.get(1).getBounds());
		assertEquals(Roi.POLYGON, o.get(2).getType()); // as RoiScaler makes it
	}

	/**
	 * The shapes RoiScaler magnifies (polygons, freehand, lines, points) lost the
	 * plane they were drawn on: all came back on every plane, where a rectangle
	 * or oval kept its place.
	 */
	@Test
	void superResolutionKeepsThePlaneOfEveryOverlayShape() {
		ImagePlus src = ij.IJ.createHyperStack("hs", 20, 16, 2, 3, 2, 8);
		Roi polygon = new PolygonRoi(new int[] { 2, 8, 4 }, new int[] { 2, 3, 9 },
			3, Roi.POLYGON);
		polygon.setPosition(2, 3, 2);
		Roi freehand = new PolygonRoi(new int[] { 5, 15, 12 }, new int[] { 5, 4,
			12 }, 3, Roi.FREEROI);
		freehand.setPosition(2, 1, 2);
		Roi line = new ij.gui.Line(1, 1, 15, 12);
		line.setPosition(5);
		Roi point = new ij.gui.PointRoi(7, 9);
		point.setPosition(1, 2, 1);
		Roi box = new Roi(4, 5, 6, 3);
		box.setPosition(1, 2, 1);
		src.setOverlay(new Overlay(polygon));
		for (Roi r : new Roi[] { freehand, line, point, box })
			src.getOverlay().add(r);
		List<String> before = places(src.getOverlay());
		Overlay o = enlargeTwice(src).output.getOverlay();
		assertEquals(5, o.size());
		// ImageJ reads a stack position as the slice of a shape without C/Z/T
		assertEquals(List.of("Polygon 2/3/2 0", "Freehand 2/1/2 0",
			"Straight Line 0/5/0 5", "Point 1/2/1 0", "Rectangle 1/2/1 0"), places(
				o));
		assertEquals(before, places(o));
		assertEquals(new java.awt.Rectangle(4, 4, 12, 14), o.get(0).getBounds());
	}

	private static List<String> places(Overlay overlay) {
		List<String> places = new ArrayList<>();
		for (Roi r : overlay)
			places.add(r.getTypeAsString() + " " + r.getCPosition() + "/" + r
				.getZPosition() + "/" + r.getTPosition() + " " + r.getPosition());
		return places;
	}

	/**
	 * Super-Resolution ran a denoiser (a denoised image of the same size), and
	 * Denoise a super-resolution model (an enlarged one), without a word; a
	 * generic image-to-image model runs from either.
	 */
	@Test
	void aModelOfTheOtherImageTaskIsRefusedNamingItsMenuEntry() {
		SuperResolutionCommand sr = new SuperResolutionCommand();
		sr.image = source();
		sr.model = OnnxModels.addConstant(1, 0.25f).metadata("fiji-gan.task",
			"denoise").write(dir, "dn.onnx").toString();
		sr.threads = 1;
		sr.run();
		assertEquals(sr.model +
			" is a denoise model: use Plugins>GAN>Denoise..., " +
			"or Run ONNX Model... with Task super-resolution if it should run as a " +
			"super-resolution model", sr.errorMessage());
		assertNull(sr.output);

		DenoiseCommand dn = denoise(source());
		dn.model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx").toString();
		dn.run();
		assertEquals(dn.model + " is a super-resolution model: use " +
			"Plugins>GAN>Super-Resolution...", dn.errorMessage());
		assertNull(dn.output);

		SuperResolutionCommand generic = new SuperResolutionCommand();
		generic.image = source();
		generic.model = OnnxModels.addConstant(1, 0.25f).write(dir, "add.onnx")
			.toString();
		generic.threads = 1;
		generic.run();
		assertNull(generic.errorMessage());
		assertEquals(4, generic.output.getWidth());
	}

	@Test
	void superResolutionKeepsOriginFrameIntervalAndUnits() {
		ImagePlus src = source();
		ij.measure.Calibration cal = src.getCalibration();
		cal.pixelWidth = 0.4;
		cal.setUnit("micron");
		cal.setYUnit("nm");
		cal.xOrigin = 1.5;
		cal.yOrigin = 2;
		cal.frameInterval = 3;
		cal.setTimeUnit("min");
		SuperResolutionCommand c = enlargeTwice(src);
		ij.measure.Calibration out = c.output.getCalibration();
		assertEquals(3, out.xOrigin, 1e-12);
		assertEquals(4, out.yOrigin, 1e-12);
		assertEquals(3, out.frameInterval, 1e-12);
		assertEquals("min", out.getTimeUnit());
		assertEquals("nm", out.getYUnit());
		assertEquals(1.5, src.getCalibration().xOrigin);
	}

	@Test
	void aVirtualStackPlaneWhoseFileIsGoneIsRefusedNamingIt() throws Exception {
		// ImageJ puts a white stand-in plane in place of a file it cannot open;
		// it was processed as data (255.25 out of an add-0.25 model)
		Path folder = java.nio.file.Files.createDirectories(dir.resolve("vs"));
		for (int i = 0; i < 3; i++) {
			float[] v = new float[16 * 16];
			java.util.Arrays.fill(v, 10 + i);
			assertTrue(new ij.io.FileSaver(new ImagePlus("s" + i, new FloatProcessor(
				16, 16, v))).saveAsTiff(folder.resolve("s" + i + ".tif").toString()));
		}
		ImagePlus stack = ij.plugin.FolderOpener.open(folder.toString(), "virtual");
		assertTrue(stack.getStack().isVirtual());
		DenoiseCommand c = denoise(stack);
		c.run();
		assertNull(c.errorMessage());
		assertEquals(11.25f, ((float[]) c.output.getStack().getPixels(2))[0]);

		java.nio.file.Files.delete(folder.resolve("s1.tif"));
		c.output = null;
		c.run();
		assertEquals("plane 2 of the virtual stack vs cannot be read: " + folder
			.resolve("s1.tif") + " is missing (ImageJ shows a blank stand-in plane " +
			"for it); put the file back, or open the folder again without it", c
				.errorMessage());
		assertNull(c.output);

		// a file that is there but no longer opens
		java.nio.file.Files.write(folder.resolve("s1.tif"), new byte[] { 'I', 'I',
			42, 0, 8, 0, 0, 0, 0, 0 });
		c.run();
		assertEquals("plane 2 of the virtual stack vs cannot be read: ImageJ " +
			"cannot open " + folder.resolve("s1.tif") + " (it shows a blank " +
			"stand-in plane for it); replace the file, or open the folder again " +
			"without it", c.errorMessage());
		assertNull(c.output);
	}

	@Test
	void inpaintFillsTheSelectionOnly() {
		ImagePlus src = new ImagePlus("gap", new ByteProcessor(6, 4));
		byte[] p = (byte[]) src.getProcessor().getPixels();
		for (int i = 0; i < p.length; i++)
			p[i] = (byte) (10 * i);
		src.setRoi(new Roi(2, 1, 2, 2));
		InpaintCommand c = new InpaintCommand();
		c.image = src;
		c.model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx").toString();
		c.normalize = "range";
		c.threads = 1;
		c.run();
		assertNull(c.errorMessage());
		byte[] out = (byte[]) c.output.getProcessor().getPixels();
		for (int i = 0; i < out.length; i++) {
			int x = i % 6, y = i / 6;
			boolean hole = x >= 2 && x < 4 && y >= 1 && y < 3;
			assertEquals(hole ? 128 : 10 * i, out[i] & 0xff, "pixel " + i); // the
																																			// model
																																			// fills
																																			// 0.5
		}
		assertEquals("4 per plane, 1 plane (4 in all)", c.output.getProp(
			"fiji-gan.inpainted.pixels"));
		assertEquals("selection", c.output.getProp("fiji-gan.mask"));
	}

	@Test
	void aMaskTitleTwoOpenImagesShareIsRefusedNotTakenForTheFirst() {
		// the first 'm' is empty, the second has the hole: Inpaint filled nothing
		ImagePlus image = new ImagePlus("img", new ByteProcessor(6, 4));
		ImagePlus empty = new ImagePlus("m", new ByteProcessor(6, 4));
		ByteProcessor holed = new ByteProcessor(6, 4);
		holed.set(2, 1, 255);
		ImagePlus hole = new ImagePlus("m", holed);
		ij.macro.Interpreter.batchMode = true;
		ij.macro.Interpreter.addBatchModeImage(empty);
		ij.macro.Interpreter.addBatchModeImage(hole);
		try {
			GanException e = assertThrows(GanException.class, () -> InpaintMasks.of(
				image, "m"));
			assertEquals("2 open images are called 'm', so mask=[m] does not say " +
				"which: rename the one meant (Image > Rename...)", e.getMessage());
			hole.setTitle("m2");
			assertEquals(255, ((byte[]) InpaintMasks.of(image, "m2").plane(0))[8] &
				0xff);
		}
		finally {
			ij.macro.Interpreter.removeBatchModeImage(empty);
			ij.macro.Interpreter.removeBatchModeImage(hole);
			ij.macro.Interpreter.batchMode = false;
		}
	}

	/**
	 * Inpaint's preview runs on a crop of the image: a mask image of the image's
	 * size was refused as the wrong size, and ROIs were filled at whole-image
	 * coordinates on the crop. The mask is now the real run's, cut as the pixels
	 * are.
	 */
	@Test
	void inpaintsPreviewCutsTheMaskAsItCutsThePixels() {
		byte[] ramp = new byte[40 * 30];
		for (int i = 0; i < ramp.length; i++)
			ramp[i] = (byte) (i % 200);
		ImagePlus src = new ImagePlus("big", new ByteProcessor(40, 30, ramp));
		ByteProcessor holes = new ByteProcessor(40, 30);
		holes.setRoi(25, 20, 3, 2);
		holes.setValue(255);
		holes.fill();
		ImagePlus mask = new ImagePlus("big mask", holes);
		ij.macro.Interpreter.batchMode = true;
		ij.macro.Interpreter.addBatchModeImage(mask);
		try {
			Preview.Crop crop = Preview.crop(src, new java.awt.Rectangle(20, 15, 16,
				12));
			assertEquals(new java.awt.Rectangle(20, 15, 16, 12), crop.region());
			InpaintCommand c = new InpaintCommand();
			c.image = crop.image();
			c.previewCrop = crop;
			c.mask = "big mask";
			c.model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx").toString();
			c.normalize = "range";
			c.threads = 1;
			c.run();
			assertNull(c.errorMessage());
			byte[] out = (byte[]) c.output.getProcessor().getPixels();
			assertEquals(16 * 12, out.length);
			for (int y = 0; y < 12; y++)
				for (int x = 0; x < 16; x++) {
					boolean hole = x >= 5 && x < 8 && y >= 5 && y < 7;
					assertEquals(hole ? 128 : ramp[(y + 15) * 40 + x + 20] & 0xff, out[y *
						16 + x] & 0xff, x + "," + y); // the model fills 0.5
				}
		}
		finally {
			ij.macro.Interpreter.removeBatchModeImage(mask);
			ij.macro.Interpreter.batchMode = false;
		}

		// ROIs (the ROI Manager's) at whole-image coordinates, one on slice 3
		ImagePlus stack = ij.IJ.createImage("stack", "8-bit black", 40, 30, 3);
		stack.getStack().getProcessor(3).set(30, 20, 7);
		stack.setSlice(3);
		Roi onSlice3 = new Roi(30, 20, 4, 4);
		onSlice3.setPosition(3);
		Roi everywhere = new Roi(0, 0, 2, 2); // outside the crop
		Preview.Crop crop = Preview.crop(stack, new java.awt.Rectangle(24, 16, 16,
			12));
		assertEquals(3, crop.slice());
		assertEquals(7, crop.image().getProcessor().get(6, 4)); // slice 3's pixel
		RasterImage cut = InpaintMasks.cut(InpaintMasks.fromRois(stack, new Roi[] {
			everywhere, onSlice3 }, true), crop);
		assertEquals(16, cut.width());
		byte[] m = (byte[]) cut.plane(0);
		assertEquals(16 * 255, sum(m));
		for (int y = 4; y < 8; y++)
			for (int x = 6; x < 10; x++)
				assertEquals(-1, m[y * 16 + x], x + "," + y);
	}

	/**
	 * A ROI placed beyond the stack (position 5 of 3 planes) threw ImageJ's own
	 * exception, which stopped neither the macro nor its saving of the untouched
	 * input; one placed on slice 7 of 3 was left out without a word. Each is
	 * refused, naming it.
	 */
	@Test
	void aRoiPlacedBeyondTheImageIsRefusedNamingIt() {
		ImagePlus image = ij.IJ.createImage("stack", "8-bit black", 5, 4, 3);
		Roi inside = new Roi(0, 0, 2, 1);
		inside.setPosition(2);
		Roi beyond = new Roi(1, 1, 2, 1);
		beyond.setPosition(5);
		beyond.setName("far");
		GanException e = assertThrows(GanException.class, () -> InpaintMasks
			.fromRois(image, new Roi[] { inside, beyond }, true));
		assertEquals("ROI 'far' is placed on position 5, but 'stack' has 3 " +
			"planes: remove it from the ROI Manager or set its position " +
			"(Properties...) to one the image has", e.getMessage());

		Roi slice7 = new Roi(1, 1, 2, 1);
		slice7.setPosition(0, 7, 0);
		e = assertThrows(GanException.class, () -> InpaintMasks.fromRois(image,
			new Roi[] { inside, slice7 }, true));
		assertEquals("ROI 2 of the ROI Manager is placed on slice 7, but 'stack' " +
			"has 3 slices: remove it from the ROI Manager or set its position " +
			"(Properties...) to one the image has", e.getMessage());
		// a selection's position is not read: it marks every plane
		RasterImage selection = InpaintMasks.fromRois(image, new Roi[] { beyond },
			false);
		assertEquals(1, selection.planeCount());
		assertEquals(2 * 255, sum((byte[]) selection.plane(0)));
		// a channel is no place of the mask's (one channel for all), and a single
		// plane takes every ROI whatever its position (drawn on slice 3 of a stack
		// and the slice duplicated): filled, as before
		Roi channel2 = new Roi(1, 1, 2, 1);
		channel2.setPosition(2, 2, 1);
		RasterImage onChannel = InpaintMasks.fromRois(image, new Roi[] { channel2 },
			true);
		assertEquals(2 * 255, sum((byte[]) onChannel.plane(0, 1, 0)));
		ImagePlus flat = ij.IJ.createImage("flat", "8-bit black", 5, 4, 1);
		RasterImage onFlat = InpaintMasks.fromRois(flat, new Roi[] { inside, beyond,
			slice7, channel2 }, true);
		assertEquals(1, onFlat.planeCount());
		assertEquals(4 * 255, sum((byte[]) onFlat.plane(0)));
	}

	/**
	 * A mask image of 3 slices and 2 frames was laid on an image of 2 slices and
	 * 3 frames (its planes on other slices and frames), where the command line
	 * refuses it: Fiji refuses it in the same words; a plain stack of 6 planes is
	 * still taken in ImageJ's order.
	 */
	@Test
	void aMaskImageOfOtherSlicesAndFramesIsRefusedAsOnTheCommandLine() {
		ImagePlus image = ij.IJ.createImage("z2t3", "8-bit black", 5, 4, 6);
		image.setDimensions(1, 2, 3);
		ImagePlus mask = ij.IJ.createImage("m", "8-bit black", 5, 4, 6);
		for (int i = 1; i <= 6; i++)
			mask.getStack().getProcessor(i).set(i - 1, 0, 255);
		mask.setDimensions(1, 3, 2);
		GanException e = assertThrows(GanException.class, () -> InpaintMasks
			.fromImage(image, mask));
		assertEquals("the mask has 3 slices and 2 frames, the image 2 slices and " +
			"3 frames: give a mask of one plane for all, or one of 2 slices and 3 " +
			"frames (a stack of 6 planes will do)", e.getMessage());

		mask.setDimensions(1, 6, 1);
		RasterImage laid = InpaintMasks.fromImage(image, mask);
		assertEquals(2, laid.slices());
		assertEquals(3, laid.frames());
		// the 4th plane: slice 2 of frame 2
		assertEquals(-1, ((byte[]) laid.plane(0, 1, 1))[3]);
		assertEquals("m", laid.title());
	}

	/**
	 * A ROI drawn on channel 2 of a hyperstack filled its holes in every channel
	 * without a word (the mask has one channel): the Log now says so, naming the
	 * ROI. A ROI without a channel says nothing.
	 */
	@Test
	void aRoiOnOneChannelIsSaidToFillEveryChannel() {
		ImagePlus hyper = ij.IJ.createImage("hyper", "8-bit black", 5, 4, 12);
		hyper.setDimensions(2, 3, 2);
		Roi onC2 = new Roi(0, 0, 2, 1);
		onC2.setPosition(2, 2, 1);
		assertEquals("ROI 1 of the ROI Manager is placed on channel 2, but the " +
			"mask has one channel for all: its holes are filled in all 2 channels " +
			"of 'hyper'", InpaintMasks.channelNote(hyper, new Roi[] { onC2 }));
		Roi noChannel = new Roi(0, 0, 2, 1);
		noChannel.setPosition(0, 2, 1);
		assertNull(InpaintMasks.channelNote(hyper, new Roi[] { noChannel }));

		// a stack position on a 3-channel image of one plane names a channel
		ImagePlus three = ij.IJ.createImage("rgbish", "8-bit black", 5, 4, 3);
		three.setDimensions(3, 1, 1);
		Roi second = new Roi(0, 0, 2, 1);
		second.setPosition(2);
		second.setName("spot");
		assertEquals("ROI 'spot' is placed on channel 2, but the mask has one " +
			"channel for all: its holes are filled in all 3 channels of 'rgbish'",
			InpaintMasks.channelNote(three, new Roi[] { second }));
	}

	@Test
	void masksComeFromSelectionsPositionedRoisOrAnImageOfTheRightSize() {
		ImagePlus image = ij.IJ.createImage("stack", "8-bit black", 5, 4, 3);
		GanException none = assertThrows(GanException.class, () -> InpaintMasks.of(
			image, "selection"));
		assertTrue(none.getMessage().startsWith("no selection on stack"), none
			.getMessage());

		Roi everywhere = new Roi(0, 0, 2, 1);
		Roi onSlice3 = new Roi(4, 3, 1, 1);
		onSlice3.setPosition(3);
		RasterImage m = InpaintMasks.fromRois(image, new Roi[] { everywhere,
			onSlice3 }, true);
		assertEquals(3, m.slices());
		byte[] s1 = (byte[]) m.plane(0, 0, 0), s3 = (byte[]) m.plane(0, 2, 0);
		assertEquals(2 * 255, sum(s1));
		assertEquals(3 * 255, sum(s3));
		assertEquals(-1, s3[3 * 5 + 4]);

		ImagePlus small = new ImagePlus("small mask", new ByteProcessor(4, 4));
		GanException size = assertThrows(GanException.class, () -> InpaintMasks
			.fromImage(image, small));
		assertEquals(
			"mask image 'small mask' is 4x4 but 'stack' is 5x4: the mask needs the same " +
				"width and height", size.getMessage());
		GanException unknown = assertThrows(GanException.class, () -> InpaintMasks
			.of(image, "nothing"));
		assertTrue(unknown.getMessage().startsWith(
			"no open image is called 'nothing'"));

		FloatProcessor fp = new FloatProcessor(5, 4);
		fp.setf(7, -0.5f);
		RasterImage fromImage = InpaintMasks.fromImage(image, new ImagePlus("mask",
			fp));
		assertArrayEquals((float[]) fp.getPixels(), (float[]) fromImage.plane(0),
			"the mask's values, as the engine reads a mask file");
	}

	@Test
	void
		aNanMaskPixelIsRefusedAsOnTheCommandLineOrReadAsNoHoleWithNonfiniteZero()
	{
		// a NaN in a mask image was taken as a hole (NaN != 0): 17 pixels filled
		// where the command line refuses the mask, or reads the NaN as no hole
		byte[] ramp = new byte[8 * 6];
		for (int i = 0; i < ramp.length; i++)
			ramp[i] = (byte) (5 * i);
		ImagePlus src = new ImagePlus("ramp8.tif", new ByteProcessor(8, 6, ramp));
		FloatProcessor fp = new FloatProcessor(8, 6);
		for (int y = 2; y < 6; y++)
			for (int x = 4; x < 8; x++)
				fp.setf(x, y, 1);
		fp.setf(2, 2, Float.NaN);
		ImagePlus mask = new ImagePlus("nanmask.tif", fp);
		ij.macro.Interpreter.batchMode = true;
		ij.macro.Interpreter.addBatchModeImage(mask);
		try {
			InpaintCommand c = new InpaintCommand();
			c.image = src;
			c.mask = "nanmask.tif";
			c.model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx").toString();
			c.normalize = "range";
			c.threads = 1;
			c.run();
			assertEquals("the mask has 1 NaN pixel, which mark neither a hole " +
				"(non-zero) nor none (0): fix the mask, or choose 'Nonfinite outputs' " +
				"zero or clip to read them as 0", c.errorMessage());
			assertNull(c.output);

			c.nonfinite = "zero";
			c.run();
			assertNull(c.errorMessage());
			assertEquals("16 per plane, 1 plane (16 in all)", c.output.getProp(
				"fiji-gan.inpainted.pixels"));
			byte[] out = (byte[]) c.output.getProcessor().getPixels();
			assertEquals(5 * (2 * 8 + 2), out[2 * 8 + 2] & 0xff,
				"the NaN pixel is no hole: kept");
			assertEquals(128, out[3 * 8 + 5] & 0xff, "a hole is filled");
		}
		finally {
			ij.macro.Interpreter.removeBatchModeImage(mask);
			ij.macro.Interpreter.batchMode = false;
		}
	}

	private static int sum(byte[] a) {
		int s = 0;
		for (byte b : a)
			s += b & 0xff;
		return s;
	}

	@Test
	void generateMakesALabelledSyntheticStackFromSeedsOrALatentFile() {
		String model = OnnxModels.generator(4, 3, 2, 3).write(dir, "gan.onnx")
			.toString();
		GenerateCommand c = new GenerateCommand();
		c.model = model;
		c.count = 3;
		c.seed = 5;
		c.classes = "1";
		c.threads = 1;
		c.floatOutput = true;
		c.run();
		assertNull(c.errorMessage());
		ImagePlus a = c.output;
		assertEquals(3, a.getStackSize());
		assertEquals(3, a.getWidth());
		assertTrue(a.getStack().getSliceLabel(2).startsWith(
			"SYNTHETIC seed=6 class=1 model=gan"), a.getStack().getSliceLabel(2));
		assertTrue(a.getInfoProperty().contains("fiji-gan.synthetic = SYNTHETIC"));

		float[][] latents = new float[3][];
		for (int i = 0; i < 3; i++)
			latents[i] = org.fijigan.core.pipeline.Generator.latent(5 + i, 4);
		float[] flat = new float[12];
		for (int i = 0; i < 3; i++)
			System.arraycopy(latents[i], 0, flat, 4 * i, 4);
		Path file = dir.resolve("z.npy");
		Npy.writeFloat(file, flat, 3, 4);
		c.latent = file.toFile();
		c.run();
		assertNull(c.errorMessage());
		for (int i = 1; i <= 3; i++)
			assertArrayEquals((float[]) a.getStack().getPixels(i), (float[]) c.output
				.getStack().getPixels(i),
				"the latent file holds the seeded vectors, slice " + i);

		c.classes = "7";
		c.run();
		assertTrue(c.errorMessage().contains("out of range"), c.errorMessage());
	}

	/**
	 * Fiji reads a class file by the command line's rules: a fractional label is
	 * refused (it was cut to the class below), and labels saved [N, 1], as
	 * PyTorch often saves them, are one label per image (they were refused).
	 */
	@Test
	void aClassFileIsReadAsTheCommandLineReadsIt() {
		GenerateCommand c = new GenerateCommand();
		c.model = OnnxModels.generator(4, 3, 2, 3).write(dir, "cgan.onnx")
			.toString();
		c.count = 2;
		c.seed = 5;
		c.threads = 1;
		Path fractions = dir.resolve("fractions.npy");
		Npy.writeFloat(fractions, new float[] { 2.7f, 0.2f }, 2);
		c.classes = fractions.toString();
		c.run();
		assertEquals(fractions + " holds 2.700000047683716 at 0: class labels " +
			"are whole numbers (save them as integers)", c.errorMessage());
		assertNull(c.output);

		Path column = dir.resolve("column.npy");
		Npy.write(column, new org.fijigan.core.image.NpyArray(
			org.fijigan.core.image.NpyArray.DType.INT64, new long[] { 2, 1 },
			new long[] { 2, 0 }));
		c.classes = column.toString();
		c.run();
		assertNull(c.errorMessage());
		assertTrue(c.output.getStack().getSliceLabel(1).startsWith(
			"SYNTHETIC seed=5 class=2 "), c.output.getStack().getSliceLabel(1));
		assertTrue(c.output.getStack().getSliceLabel(2).startsWith(
			"SYNTHETIC seed=6 class=0 "), c.output.getStack().getSliceLabel(2));

		Path grid = dir.resolve("grid.npy");
		Npy.writeFloat(grid, new float[] { 0, 1, 2, 0 }, 2, 2);
		c.classes = grid.toString();
		c.run();
		assertEquals(grid + " has shape [2, 2]; a class file holds one integer " +
			"label per image, shape [N] or [N, 1]", c.errorMessage());
	}

	@Test
	void modelInfoDescribesTheModelHeadless() {
		ModelInfoCommand c = new ModelInfoCommand();
		c.model = OnnxModels.addConstant(1, 0.25f).write(dir, "add.onnx")
			.toString();
		c.run();
		assertNull(c.errorMessage());
		assertTrue(c.info().contains("add"), c.info());
	}

	/** Fiji's class field reads a class as class folders do: names first. */
	@Test
	void theClassFieldTakesANameFirstIgnoringCase() {
		var numbers = new org.fijigan.core.model.GeneratorSpec("z", 4, new long[] {
			-1, 4 }, "label", 4, java.util.List.of("1", "0", "3", "2"));
		assertEquals(0, GenerateCommand.classLabel(numbers, "1"));
		var named = new org.fijigan.core.model.GeneratorSpec("z", 4, new long[] {
			-1, 4 }, "label", 3, java.util.List.of("Alpha", "beta", "gamma"));
		assertEquals(1, GenerateCommand.classLabel(named, "BETA"));
		assertEquals(2, GenerateCommand.classLabel(named, "2"));
	}
}
