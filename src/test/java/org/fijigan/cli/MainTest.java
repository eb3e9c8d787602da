
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.testing.OnnxModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link Main} in-process on tiny models built in code, and checks the
 * files it writes.
 */
class MainTest {

	@TempDir
	Path dir;

	record Result(int exitCode, String out, String err) {

		List<String> errLines() {
			return err.lines().toList();
		}
	}

	static Result cli(Object... args) {
		StringWriter out = new StringWriter(), err = new StringWriter();
		var cl = Main.commandLine();
		cl.setOut(new PrintWriter(out, true));
		cl.setErr(new PrintWriter(err, true));
		String[] a = Arrays.stream(args).map(String::valueOf).toArray(
			String[]::new);
		return new Result(cl.execute(a), out.toString(), err.toString());
	}

	/**
	 * A command run in-process prints to the writers given to it even when
	 * System.out and System.err are other streams than when its command line was
	 * made, as while another thread reads a file through ImageJ (which keeps that
	 * thread's prints apart by swapping them).
	 */
	@Test
	void outputGoesToTheGivenWritersWhileTheSystemStreamsAreSwapped() {
		StringWriter out = new StringWriter(), err = new StringWriter();
		var cl = Main.commandLine();
		cl.setOut(new PrintWriter(out, true));
		cl.setErr(new PrintWriter(err, true));
		java.io.PrintStream stdout = System.out, stderr = System.err;
		java.io.ByteArrayOutputStream elsewhere =
			new java.io.ByteArrayOutputStream();
		int code;
		try {
			System.setOut(new java.io.PrintStream(elsewhere, true));
			System.setErr(new java.io.PrintStream(elsewhere, true));
			code = cl.execute("--version");
			assertEquals(2, cl.execute("no-such-command"));
		}
		finally {
			System.setOut(stdout);
			System.setErr(stderr);
		}
		assertEquals(0, code);
		assertTrue(out.toString().startsWith("fiji-gan "), out.toString());
		assertTrue(err.toString().contains("no-such-command"), err.toString());
		assertEquals("", elsewhere.toString());
	}

	Path tiff16(String name, int w, int h, short[] pixels) {
		Path file = dir.resolve(name);
		ImagePlus imp = new ImagePlus("in", new ShortProcessor(w, h, pixels, null));
		imp.getCalibration().pixelWidth = 0.5;
		imp.getCalibration().pixelHeight = 0.5;
		imp.getCalibration().setUnit("micron");
		assertTrue(new FileSaver(imp).saveAsTiff(file.toString()));
		return file;
	}

	Path tiff8(String name, int w, int h, long seed) {
		byte[] pixels = new byte[w * h];
		new Random(seed).nextBytes(pixels);
		ImagePlus imp = new ImagePlus("in", new ByteProcessor(w, h, pixels));
		imp.getCalibration().pixelWidth = 0.5;
		imp.getCalibration().pixelHeight = 0.25;
		imp.getCalibration().setUnit("micron");
		Path file = dir.resolve(name);
		assertTrue(new FileSaver(imp).saveAsTiff(file.toString()));
		return file;
	}

	Set<String> files() throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	/**
	 * Exit 1, one stderr line that contains {@code problem}, and no new file in
	 * the folder.
	 */
	void assertFailsCleanly(String problem, Object... args) throws IOException {
		Set<String> before = files();
		Result r = cli(args);
		assertEquals(1, r.exitCode(), r.err());
		assertEquals(1, r.errLines().size(), r.err());
		assertTrue(r.err().startsWith("fiji-gan: ") && r.err().contains(problem), r
			.err());
		assertEquals(before, files(), "files left behind");
		assertEquals("", r.out());
	}

	/**
	 * Every subcommand's help lists {@code -V, --version}: it prints the version
	 * there too, and runs nothing, as on the root (it printed nothing and the job
	 * silently did not run).
	 */
	@Test
	void versionOnASubcommandPrintsTheVersion() throws IOException {
		Path in = tiff8("in.tif", 4, 4, 1);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		String version = cli("--version").out();
		assertTrue(version.startsWith("fiji-gan "), version);
		for (Object[] args : List.of(new Object[] { "denoise", "-m", model, "-i",
			in, "-o", dir.resolve("v.tif"), "-V" }, new Object[] { "models", "list",
				"--version" }, new Object[] { "trust", "consistency", "-V" }))
		{
			Result r = cli(args);
			assertEquals(0, r.exitCode(), r.err());
			assertEquals(version, r.out(), Arrays.toString(args));
			assertEquals("", r.err());
		}
		assertFalse(Files.exists(dir.resolve("v.tif")));
	}

	static final String STDOUT_LOST =
		"fiji-gan: could not write to standard output (a full disk, or a " +
			"closed pipe): the command's output is lost";

	/**
	 * Standard output that fails (a full disk) fails a command whose result is
	 * what it prints: exit 1 and one line, as for a file that could not be
	 * written, not exit 0 with the output gone. Version text, and the progress of
	 * a command whose results are files, are no result: a script's
	 * {@code | head -1} or a closed stdout left those runs failed, their files
	 * written.
	 */
	@Test
	void aCommandWhoseStandardOutputIsLostFails() throws IOException {
		Path model = OnnxModels.pixelShuffle(1, 3).write(dir, "sr3.onnx");
		Path in = dir.resolve("in.tif");
		assertTrue(new FileSaver(new ImagePlus("in", new ByteProcessor(4, 4)))
			.saveAsTiff(in.toString()));
		for (String[] args : List.of(new String[] { "--version" }, new String[] {
			"info", "-m", model.toString() }, new String[] { "run", "-m", model
				.toString(), "-i", in.toString(), "-o", dir.resolve("out.tif")
					.toString() }))
		{
			boolean result = args[0].equals("info");
			var cl = Main.commandLine(args[0]);
			cl.setOut(new PrintWriter(new java.io.OutputStream() {

				@Override
				public void write(int b) throws IOException {
					throw new IOException("No space left on device");
				}
			}, true));
			java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
			cl.setErr(new PrintWriter(err, true));
			int code = Main.execute(cl, args, new java.io.PrintStream(err, true));
			assertEquals(result ? 1 : 0, code, args[0] + ": " + err);
			assertEquals(result ? STDOUT_LOST + System.lineSeparator() : "", err
				.toString(), args[0]);
		}
		assertTrue(Files.isRegularFile(dir.resolve("out.tif")));
		// the same writers that work: exit 0, nothing on stderr
		Result ok = cli("info", "-m", model);
		assertEquals(0, ok.exitCode(), ok.err());
		assertEquals("", ok.err());
	}

	/**
	 * As {@link #aCommandWhoseStandardOutputIsLostFails}, in a process of its own
	 * whose standard output is a full device: the error is seen through
	 * System.out, which keeps it to itself.
	 */
	@Test
	void aProcessWhoseStandardOutputIsFullExitsOne() throws Exception {
		java.io.File full = new java.io.File("/dev/full");
		org.junit.jupiter.api.Assumptions.assumeTrue(full.exists(),
			"a system with /dev/full");
		Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"),
			"bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
			"-cp", System.getProperty("java.class.path"), Main.class.getName(),
			"info", "-m", OnnxModels.pixelShuffle(1, 3).write(dir, "sr3.onnx")
				.toString()).redirectOutput(full).redirectError(dir.resolve("err.txt")
					.toFile()).start();
		assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
		assertEquals(1, p.exitValue());
		assertEquals(STDOUT_LOST + "\n", Files.readString(dir.resolve("err.txt")));
	}

	@Test
	void runningOutOfJavaMemoryIsOneLineNotAStackTrace() {
		@picocli.CommandLine.Command(name = "hungry")
		class Hungry implements java.util.concurrent.Callable<Integer> {

			@Override
			public Integer call() {
				throw new OutOfMemoryError("Java heap space");
			}
		}
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		int code = Main.execute(new picocli.CommandLine(new Hungry()),
			new String[0], new java.io.PrintStream(bytes, true));
		assertEquals(1, code);
		String err = bytes.toString();
		assertTrue(err.startsWith("fiji-gan: out of Java memory ("), err);
		assertTrue(err.endsWith(
			" MiB at most): give Java more (JAVA_OPTS=-Xmx16g), " +
				"or use smaller images, tiles (--tile) or batches" + System
					.lineSeparator()), err);
	}

	@Test
	void rawSixteenBitValuesThroughAddConstantComeBackAsExactFloats() {
		short[] pixels = new short[6 * 4];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (short) (i * 2731); // up to 62813: beyond the signed range
		Path in = tiff16("in.tif", 6, 4, pixels);
		Path model = OnnxModels.addConstant(1, 0.5f).write(dir, "add.onnx");
		Path out = dir.resolve("out.tif");

		Result r = cli("run", "--model", model, "--input", in, "--output", out,
			"--normalize", "none", "--device", "cpu");

		assertEquals(0, r.exitCode(), r.err());
		ImagePlus result = IJ.openImage(out.toString());
		assertEquals(32, result.getBitDepth());
		float[] values = (float[]) result.getProcessor().getPixels();
		for (int i = 0; i < pixels.length; i++)
			assertEquals((pixels[i] & 0xffff) + 0.5f, values[i], 0f, "pixel " + i);
		assertTrue(r.out().contains("wrote " + out) && r.out().contains(" on cpu"),
			r.out());
		assertTrue(result.getInfoProperty().contains(
			"fiji-gan.command = fiji-gan run --model " + model), result
				.getInfoProperty());
		assertEquals("", r.err());
		// a negatable flag is recorded as it was given: --no-residual was
		// recorded as --residual, the opposite
		for (String flag : List.of("--no-residual", "--residual")) {
			r = cli("run", "--model", model, "--input", in, "--output", out,
				"--overwrite", "--normalize", "none", "--task", "denoise", flag);
			assertEquals(0, r.exitCode(), r.err());
			assertTrue(IJ.openImage(out.toString()).getInfoProperty().contains(
				" --task denoise " + flag + "\n"), flag + ": " + IJ.openImage(out
					.toString()).getInfoProperty());
		}
	}

	@Test
	void superResolutionDoublesTheSizeAndHalvesThePixelSize() {
		Path in = tiff8("in.tif", 7, 5, 1);
		Path model = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path out = dir.resolve("sr.tif");

		Result r = cli("super-resolution", "-m", model, "-i", in, "-o", out,
			"--normalize", "range");

		assertEquals(0, r.exitCode(), r.err());
		ImagePlus result = IJ.openImage(out.toString());
		assertEquals(14, result.getWidth());
		assertEquals(10, result.getHeight());
		assertEquals(8, result.getBitDepth());
		assertEquals(0.25, result.getCalibration().pixelWidth, 1e-12);
		assertEquals(0.125, result.getCalibration().pixelHeight, 1e-12);
		assertEquals("micron", result.getCalibration().getUnit());
	}

	/**
	 * A PNG result carries the pixel size as its pHYs chunk (pixels per metre),
	 * which is read back; a JPEG, which has no place for it, is written with a
	 * note saying so. Before, both lost it without a word. A NIfTI result gets y
	 * and z converted to x's unit.
	 */
	@Test
	void aPngKeepsThePixelSizeAndAJpegOrNiftiSaysWhatItCannotHold()
		throws IOException
	{
		Path in = tiff8("cal.tif", 24, 20, 3);
		Path id = OnnxModels.identity(1).write(dir, "id.onnx");
		Path png = dir.resolve("out.png");
		Result r = cli("run", "-m", id, "-i", in, "-o", png, "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertFalse(r.out().contains("note: PNG"), r.out());
		org.fijigan.core.image.Calibration c =
			org.fijigan.ij1.ImageFileCodec.INSTANCE.read(png, "input").calibration();
		assertEquals(0.5, c.pixelWidth(), 1e-12);
		assertEquals(0.25, c.pixelHeight(), 1e-12);
		assertEquals("µm", c.unit());
		// a CT's 0.7 mm pixels are 1428.57 per metre: written as 1429, with a note
		ImagePlus ct = IJ.openImage(in.toString());
		ct.getCalibration().pixelWidth = 0.7;
		ct.getCalibration().pixelHeight = 0.7;
		ct.getCalibration().setUnit("mm");
		Path mm = dir.resolve("mm.tif");
		assertTrue(new FileSaver(ct).saveAsTiff(mm.toString()));
		r = cli("run", "-m", id, "-i", mm, "-o", dir.resolve("mm.png"), "--threads",
			"1");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: PNG holds whole pixels per metre: the " +
			"pixel size (0.7 x 0.7 mm) is written as 0.69979 x 0.69979 mm; write " +
			".tif to keep it exactly\n"), r.out());
		c = org.fijigan.ij1.ImageFileCodec.INSTANCE.read(dir.resolve("mm.png"),
			"input").calibration();
		assertEquals(1e6 / 1429, c.pixelWidth(), 1e-9);
		assertEquals("µm", c.unit());

		Path jpg = dir.resolve("out.jpg");
		r = cli("run", "-m", id, "-i", in, "-o", jpg, "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: JPEG holds no pixel size: the pixel " +
			"size (0.5 x 0.25 micron) is not written; write .tif to keep it\n"), r
				.out());
		assertTrue(Files.exists(jpg));
		Path npy = dir.resolve("out.npy");
		r = cli("run", "-m", id, "-i", in, "-o", npy, "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: .npy holds no pixel size: the pixel " +
			"size (0.5 x 0.25 micron) is not written; write .tif to keep it\n"), r
				.out());

		// PNG, JPEG and .npy hold no origin either: named, as NIfTI's is
		Path frames = calibratedFrames(dir.resolve("t.tif"));
		r = cli("run", "-m", id, "-i", frames, "-o", dir.resolve("o.npy"),
			"--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: .npy holds no origin: the origin (at " +
			"pixel 10, 4, 1) is not written; write .tif to keep it\n"), r.out());
		ct.getCalibration().xOrigin = 3;
		ct.getCalibration().yOrigin = 2.5;
		Path placed = dir.resolve("placed.tif");
		assertTrue(new FileSaver(ct).saveAsTiff(placed.toString()));
		r = cli("run", "-m", id, "-i", placed, "-o", dir.resolve("placed.png"),
			"--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: PNG holds no origin: the origin (at " +
			"pixel 3, 2.5, 0) is not written; write .tif to keep it\n"), r.out());

		// x in micron, y in nm: NIfTI's one unit for both
		Path nii = dir.resolve("out.nii.gz");
		r = cli("run", "-m", id, "-i", frames, "-o", nii, "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		// the units and sizes are held; ImageJ's origin is not, and is named
		assertEquals(List.of("note: NIfTI holds no origin like ImageJ's: the " +
			"origin (at pixel 10, 4, 1) is not written; the result claims no place " +
			"in the world"), r.out().lines().filter(l -> l.startsWith("note: NIfTI"))
				.toList());
		java.nio.ByteBuffer b;
		try (var gz = new java.util.zip.GZIPInputStream(Files.newInputStream(
			nii)))
		{
			b = java.nio.ByteBuffer.wrap(gz.readAllBytes()).order(
				java.nio.ByteOrder.LITTLE_ENDIAN);
		}
		assertEquals(0.5f, b.getFloat(80));
		assertEquals(0.0005f, b.getFloat(84));
		assertEquals(3 | 8, b.get(123)); // micron, sec
	}

	/** A 3-frame TIFF calibrated in every way ImageJ saves. */
	Path calibratedFrames(Path file) {
		ImageStack stack = new ImageStack(6, 4);
		for (int t = 0; t < 3; t++) {
			short[] v = new short[24];
			for (int i = 0; i < v.length; i++)
				v[i] = (short) (100 * t + 7 * i);
			stack.addSlice(new ShortProcessor(6, 4, v, null));
		}
		ImagePlus imp = new ImagePlus("in", stack);
		imp.setDimensions(1, 1, 3);
		ij.measure.Calibration cal = imp.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.5;
		cal.setUnit("micron");
		cal.setYUnit("nm");
		cal.xOrigin = 10;
		cal.yOrigin = 4;
		cal.zOrigin = 1;
		cal.frameInterval = 2.5;
		cal.setTimeUnit("sec");
		assertTrue(new FileSaver(imp).saveAsTiffStack(file.toString()));
		return file;
	}

	@Test
	void resultsKeepOriginFrameIntervalAndUnitsPerAxis() throws IOException {
		Path in = calibratedFrames(dir.resolve("in.tif"));
		Path sr = OnnxModels.pixelShuffle(1, 2).write(dir, "sr.onnx");
		Path out = dir.resolve("sr.tif");
		Result r = cli("super-resolution", "-m", sr, "-i", in, "-o", out);
		assertEquals(0, r.exitCode(), r.err());
		ij.measure.Calibration cal = IJ.openImage(out.toString()).getCalibration();
		// ImageJ's origin is in pixels: it doubles with them, as Image>Scale does
		assertEquals(20, cal.xOrigin, 1e-12);
		assertEquals(8, cal.yOrigin, 1e-12);
		assertEquals(1, cal.zOrigin, 1e-12);
		assertEquals(0.25, cal.pixelWidth, 1e-12);
		assertEquals(2.5, cal.frameInterval, 1e-12);
		assertEquals("sec", cal.getTimeUnit());
		assertEquals("micron", cal.getUnit());
		assertEquals("nm", cal.getYUnit());

		// a folder run, through an identity model
		Path folder = Files.createDirectories(dir.resolve("inputs"));
		calibratedFrames(folder.resolve("a.tif"));
		Path id = OnnxModels.identity(1).write(dir, "id.onnx");
		Path results = dir.resolve("results");
		r = cli("run", "-m", id, "-i", folder, "-o", results);
		assertEquals(0, r.exitCode(), r.err());
		cal = IJ.openImage(results.resolve("a.tif").toString()).getCalibration();
		assertEquals(10, cal.xOrigin, 1e-12);
		assertEquals(4, cal.yOrigin, 1e-12);
		assertEquals(1, cal.zOrigin, 1e-12);
		assertEquals(2.5, cal.frameInterval, 1e-12);
		assertEquals("nm", cal.getYUnit());
	}

	@Test
	void npyTensorInGivesTheSameTensorOutThroughIdentity() {
		float[] data = new float[2 * 3 * 4];
		for (int i = 0; i < data.length; i++)
			data[i] = i * 0.75f - 3;
		Path in = dir.resolve("in.npy");
		Npy.writeFloat(in, data, 2, 3, 4);
		Path model = OnnxModels.identity(2).write(dir, "id.onnx");
		Path out = dir.resolve("out.npy");

		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--normalize",
			"none");

		assertEquals(0, r.exitCode(), r.err());
		NpyArray a = Npy.read(out);
		assertArrayEquals(new long[] { 2, 3, 4 }, a.shape());
		assertArrayEquals(data, a.toFloatArray());
	}

	/** A hyperstack's slices and frames stay apart in a tensor, both ways. */
	@Test
	void aHyperstackIsATensorOfFramesSlicesAndChannels() throws IOException {
		int w = 4, h = 3, c = 2, z = 2, t = 3;
		ij.ImageStack stack = new ij.ImageStack(w, h);
		for (int i = 0; i < c * z * t; i++) {
			float[] px = new float[w * h];
			java.util.Arrays.fill(px, i); // ImageJ's order: channel fastest, then
																		// slice
			stack.addSlice(new ij.process.FloatProcessor(w, h, px));
		}
		ImagePlus hyper = new ImagePlus("hyper", stack);
		hyper.setDimensions(c, z, t);
		hyper.setOpenAsHyperStack(true);
		Path in = dir.resolve("hyper.tif");
		assertTrue(new FileSaver(hyper).saveAsTiff(in.toString()));
		Path model = OnnxModels.identity(2).write(dir, "id.onnx");
		Path out = dir.resolve("hyper.npy");

		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--normalize",
			"none");

		assertEquals(0, r.exitCode(), r.err());
		NpyArray a = Npy.read(out);
		assertArrayEquals(new long[] { t, z, c, h, w }, a.shape());
		float[] v = a.toFloatArray();
		// frame 2, slice 1, channel 0 is ImageJ's plane (2 * z + 1) * c + 0
		assertEquals((2 * z + 1) * c, v[((2 * z + 1) * c) * w * h], 0);
		Path back = dir.resolve("back.tif");
		Result r2 = cli("run", "-m", model, "-i", out, "-o", back, "--normalize",
			"none");
		assertEquals(0, r2.exitCode(), r2.err());
		ImagePlus read = IJ.openImage(back.toString());
		assertArrayEquals(new int[] { w, h, c, z, t }, read.getDimensions());
		read.setPosition(2, 1, 3);
		assertEquals((2 * z + 0) * c + 1, read.getProcessor().getf(0), 0);
	}

	/**
	 * How an input's pixels were taken, where that is not plain, is said on the
	 * command line as in Fiji: a calibrated CT reaches the model in Hounsfield
	 * units, and the run says so.
	 */
	@Test
	void aCalibratedInputIsReadInItsCalibratedValuesAndTheRunSaysSo()
		throws IOException
	{
		ImagePlus ct = new ImagePlus("ct", new ShortProcessor(2, 1, new short[] { 0,
			1500 }, null));
		ct.getCalibration().setFunction(ij.measure.Calibration.STRAIGHT_LINE,
			new double[] { -1024, 1 }, "HU");
		Path in = dir.resolve("ct.tif");
		assertTrue(new FileSaver(ct).saveAsTiff(in.toString()));
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("out.tif");

		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--normalize",
			"none");

		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().lines().anyMatch(l -> l.equals("note: ct.tif has a " +
			"linear calibration (HU = -1024.0 + 1.0 x pixel): read as 32-bit " +
			"float in calibrated values")), r.out());
		ImagePlus result = IJ.openImage(out.toString());
		assertEquals(32, result.getBitDepth());
		assertArrayEquals(new float[] { -1024, 476 }, (float[]) result
			.getProcessor().getPixels());
	}

	@Test
	void timingsListTheStagesOfTheRunAndStayOutOfTheResult() {
		Path in = tiff8("in.tif", 40, 30, 4);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("out.tif");

		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--timings");

		assertEquals(0, r.exitCode(), r.err());
		List<String> lines = r.out().lines().toList();
		int at = lines.indexOf("timings:");
		assertTrue(at > 0, r.out());
		List<String> stages = lines.subList(at + 1, lines.size()).stream().map(
			l -> l.substring(2, 34).strip()).toList();
		// in-process: no launcher or JVM start of its own
		assertEquals(List.of("model read and checks", "graph analysis",
			"session creation", "input read", "statistics and normalisation",
			"conversions, planes and tensors", "model runs", "output write",
			"total of the stages"), stages);
		for (String line : lines.subList(at + 1, lines.size()))
			assertTrue(line.matches(
				"  .{32} +\\d+\\.\\d{3} s(  \\(\\d+, first \\d+\\.\\d{3} s\\))?"),
				line);
		String info = (String) IJ.openImage(out.toString()).getProperty("Info");
		assertTrue(info.contains("fiji-gan run") && !info.contains("--timings"),
			info);
	}

	/**
	 * {@code help} follows a path of commands: picocli's help command read the
	 * first name alone and showed {@code trust}'s help for
	 * {@code help trust consistency}; a name that is no command is refused,
	 * naming the commands there.
	 */
	@Test
	void helpShowsTheHelpOfASubcommand() {
		Result r = cli("help", "trust", "consistency");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("Usage: fiji-gan trust consistency "), r
			.out());
		assertTrue(cli("help", "models", "install").out().startsWith(
			"Usage: fiji-gan models install "));
		assertTrue(cli("help", "run").out().startsWith("Usage: fiji-gan run "));
		// words past a command without subcommands are its own, as before
		assertTrue(cli("help", "run", "extra").out().startsWith(
			"Usage: fiji-gan run "));
		assertTrue(cli("help").out().startsWith("Usage: fiji-gan "));
		Result wrong = cli("help", "trust", "consistancy");
		assertEquals(2, wrong.exitCode());
		assertEquals("", wrong.out());
		assertTrue(wrong.err().startsWith("fiji-gan: no command 'fiji-gan trust " +
			"consistancy'; fiji-gan trust has consistency, residual, provenance"),
			wrong.err());
	}

	@Test
	void oneSubcommandOnTheCommandLineBuildsOnlyThatCommand() {
		assertEquals(List.of("run"), List.copyOf(Main.commandLine("run")
			.getSubcommands().keySet()));
		assertEquals(Main.SUBCOMMANDS.size(), Main.commandLine("help")
			.getSubcommands().size());
		assertEquals(Main.SUBCOMMANDS.size(), Main.commandLine("rnu")
			.getSubcommands().size());
		assertEquals(Main.SUBCOMMANDS.size(), Main.commandLine(null)
			.getSubcommands().size());
		assertEquals(Main.commandLine(null).getSubcommands().get("run")
			.getCommandSpec().options().stream().map(o -> o.longestName()).sorted()
			.toList(), Main.commandLine("run").getSubcommands().get("run")
				.getCommandSpec().options().stream().map(o -> o.longestName()).sorted()
				.toList());
	}

	@Test
	void anExistingOutputIsKeptUnlessOverwriteIsGiven() throws IOException {
		Path in = tiff8("in.tif", 6, 6, 2);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("out.tif");
		byte[] old = "an earlier result".getBytes();
		Files.write(out, old);

		assertFailsCleanly("--overwrite", "run", "-m", model, "-i", in, "-o", out);
		assertArrayEquals(old, Files.readAllBytes(out));

		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--overwrite");
		assertEquals(0, r.exitCode(), r.err());
		assertEquals(6, IJ.openImage(out.toString()).getWidth());
		assertEquals(Set.of("in.tif", "id.onnx", "out.tif"), files());
	}

	/**
	 * A path with a line break is escaped in the error, which stays one line: the
	 * second run into o\nx.png said it "already exists" on two lines.
	 */
	@Test
	void aLineBreakInAPathIsEscapedAndTheErrorStaysOneLine() throws IOException {
		Path in = tiff8("in.tif", 6, 6, 2);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("o\nx.png");
		assertEquals(0, cli("denoise", "-m", model, "-i", in, "-o", out)
			.exitCode());
		Result again = cli("denoise", "-m", model, "-i", in, "-o", out);
		assertEquals(1, again.exitCode());
		assertEquals(List.of("fiji-gan: " + dir.resolve("o\\x0ax.png") +
			" already exists; " + "pass --overwrite to replace it"), again
				.errLines());
		Result usage = cli("denoise", "-m", model, "-i", in, "-o", out, "--tile",
			"a\rb");
		assertEquals(2, usage.exitCode());
		assertEquals(1, usage.errLines().size(), usage.err());
		assertTrue(usage.err().contains("tile size 'a\\x0db'"), usage.err());
	}

	/**
	 * An error's details (the outputs a merge did not write, by shard) are lines
	 * of their own, each escaped as the first is.
	 */
	@Test
	void onlyTheDetailsOfAnErrorStartLinesOfTheirOwn() {
		assertEquals("2 of 3 outputs: a\\x0ab. Not written:\n  shard 0/2 (1): " +
			"c\\x0a  d.tif\n  shard 1/2 (1): e\\x09f.tif", Main.message(
				new org.fijigan.core.GanException("2 of 3 outputs: a\nb. Not written:",
					List.of("shard 0/2 (1): c\n  d.tif", "shard 1/2 (1): e\tf.tif"))));
		assertEquals("cannot write o\\x0a  x.png: No space left on device", Main
			.message(new org.fijigan.core.GanException(
				"cannot write o\n  x.png: No space left on device")));
	}

	@Test
	void aMissingModelFailsInOneLine() throws IOException {
		Path in = tiff8("in.tif", 4, 4, 3);
		assertFailsCleanly("nothere.onnx", "denoise", "-m", dir.resolve(
			"nothere.onnx"), "-i", in, "-o", dir.resolve("out.tif"));
	}

	@Test
	void aCorruptModelFailsInOneLine() throws IOException {
		Path in = tiff8("in.tif", 4, 4, 3);
		byte[] junk = new byte[4096];
		new Random(5).nextBytes(junk);
		Path model = Files.write(dir.resolve("corrupt.onnx"), junk);
		assertFailsCleanly("corrupt.onnx", "denoise", "-m", model, "-i", in, "-o",
			dir.resolve("out.tif"));
	}

	@Test
	void aMaskOfTheWrongSizeFailsInOneLine() throws IOException {
		Path in = tiff8("in.tif", 8, 8, 4);
		Path mask = tiff8("mask.tif", 4, 8, 5);
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		assertFailsCleanly("mask mask.tif is 4x8 but the image is 8x8", "inpaint",
			"-m", model, "-i", in, "--mask", mask, "-o", dir.resolve("out.tif"));
	}

	@Test
	void anUnsupportedOutputExtensionFailsBeforeTheRun() throws IOException {
		Path in = tiff8("in.tif", 4, 4, 6);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		assertFailsCleanly("out.bmp", "run", "-m", model, "-i", in, "-o", dir
			.resolve("out.bmp"));
	}

	/**
	 * A single run writes an uncompressed NIfTI file for {@code -o x.nii}, as a
	 * folder run writes .nii results of .nii inputs; it was refused, the output
	 * told to end in .nii.gz.
	 */
	@Test
	void anUncompressedNiftiOutputIsWritten() throws IOException {
		Path in = tiff8("in.tif", 4, 3, 8);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("out.nii");
		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		byte[] bytes = Files.readAllBytes(out);
		// not gzipped: the header's size, 348, comes first
		assertEquals(348, java.nio.ByteBuffer.wrap(bytes).order(
			java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
		var back = org.fijigan.ij1.ImageFileCodec.INSTANCE.read(out, "input");
		assertArrayEquals((byte[]) IJ.openImage(in.toString()).getProcessor()
			.getPixels(), (byte[]) back.plane(0));
		assertEquals(0.5, back.calibration().pixelWidth(), 1e-6);
	}

	@Test
	void aFloatResultIsNotWrittenAsPng() throws IOException {
		Path in = tiff8("in.tif", 4, 4, 7);
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		assertFailsCleanly("write .tif", "run", "-m", model, "-i", in, "-o", dir
			.resolve("out.png"), "--float");
	}

	@Test
	void inpaintingFillsOnlyTheHoles() {
		byte[] pixels = new byte[6 * 6], holes = new byte[6 * 6];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (byte) (i * 7);
		holes[14] = holes[15] = 1;
		Path in = dir.resolve("in.tif"), mask = dir.resolve("mask.tif");
		new FileSaver(new ImagePlus("in", new ByteProcessor(6, 6, pixels)))
			.saveAsTiff(in.toString());
		new FileSaver(new ImagePlus("m", new ByteProcessor(6, 6, holes)))
			.saveAsTiff(mask.toString());
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path out = dir.resolve("out.tif");

		Result r = cli("inpaint", "-m", model, "-i", in, "--mask", mask, "-o", out,
			"--normalize", "range");

		assertEquals(0, r.exitCode(), r.err());
		byte[] result = (byte[]) IJ.openImage(out.toString()).getProcessor()
			.getPixels();
		for (int i = 0; i < pixels.length; i++)
			if (holes[i] == 0) assertEquals(pixels[i], result[i], "pixel " + i);
		assertEquals(128, result[14] & 0xff, 1); // the model fills with 0.5 of the
																							// 8-bit range
		assertEquals("mask.tif", IJ.openImage(out.toString()).getProp(
			"fiji-gan.mask"), "the result names its mask");
	}

	/**
	 * A palette PNG of w x h pixels whose palette holds the given greys (entry i
	 * grey {@code greys[i]}) and whose pixels are the given indices.
	 */
	Path greyPalettePng(String name, int w, int h, int[] greys, int[] indices)
		throws IOException
	{
		byte[] plte = new byte[3 * greys.length];
		for (int i = 0; i < plte.length; i++)
			plte[i] = (byte) greys[i / 3];
		byte[] raw = new byte[h * (w + 1)];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				raw[y * (w + 1) + 1 + x] = (byte) indices[y * w + x];
		return Files.write(dir.resolve(name), org.fijigan.testing.PngBytes.png(w, h,
			3, 8, org.fijigan.testing.PngBytes.chunk("PLTE", plte),
			org.fijigan.testing.PngBytes.deflate(raw)));
	}

	/**
	 * A palette PNG whose entries are greys out of order is read as the greys it
	 * shows, not as its indices: 200, 50, 120, not 0, 1, 2.
	 */
	@Test
	void aGreyPaletteImageIsReadAsItsGreys() throws IOException {
		Path in = greyPalettePng("pal.png", 3, 1, new int[] { 200, 50, 120 },
			new int[] { 0, 1, 2 });
		Path model = OnnxModels.identity(1).write(dir, "id.onnx");
		Path out = dir.resolve("out.tif");

		Result r = cli("run", "-m", model, "-i", in, "-o", out, "--normalize",
			"none", "--threads", 1);

		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"note: pal.png is an 8-bit palette of greys: read as its grey values, " +
				"not its indices"), r.out());
		ImagePlus result = IJ.openImage(out.toString());
		assertEquals(200, result.getProcessor().getf(0), 0);
		assertEquals(50, result.getProcessor().getf(1), 0);
		assertEquals(120, result.getProcessor().getf(2), 0);
	}

	/**
	 * A palette mask whose entry 0 is white and entry 1 black has its holes where
	 * it shows white (a hole wherever it is not black), not where its index is
	 * non-zero.
	 */
	@Test
	void aGreyPaletteMaskHasItsHolesWhereItIsWhite() throws IOException {
		byte[] pixels = new byte[6 * 6];
		int[] indices = new int[6 * 6];
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = (byte) (i * 7);
			indices[i] = 1; // black
		}
		indices[14] = indices[15] = 0; // white: the holes
		Path in = dir.resolve("in.tif");
		new FileSaver(new ImagePlus("in", new ByteProcessor(6, 6, pixels)))
			.saveAsTiff(in.toString());
		Path mask = greyPalettePng("mask.png", 6, 6, new int[] { 255, 0 }, indices);
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path out = dir.resolve("out.tif");

		Result r = cli("inpaint", "-m", model, "-i", in, "--mask", mask, "-o", out,
			"--normalize", "range", "--threads", 1);

		assertEquals(0, r.exitCode(), r.err());
		byte[] result = (byte[]) IJ.openImage(out.toString()).getProcessor()
			.getPixels();
		for (int i = 0; i < pixels.length; i++)
			if (indices[i] == 1) assertEquals(pixels[i], result[i], "pixel " + i);
		assertEquals(128, result[14] & 0xff, 1);
		assertEquals(128, result[15] & 0xff, 1);
	}

	/**
	 * A mask whose pixel size is not the image's was drawn for another image or
	 * scale: the run says so in a note (printed and kept in the result), and
	 * still fills its holes. A mask without a pixel size, or with the image's in
	 * another unit, gets no note.
	 */
	@Test
	void aMaskOfAnotherPixelSizeGetsANote() throws IOException {
		Path in = tiff8("in.tif", 6, 6, 11); // 0.5 x 0.25 micron
		byte[] holes = new byte[6 * 6];
		holes[14] = 1;
		ImagePlus coarse = new ImagePlus("m", new ByteProcessor(6, 6, holes
			.clone()));
		coarse.getCalibration().pixelWidth = 2;
		coarse.getCalibration().pixelHeight = 2;
		coarse.getCalibration().setUnit("mm");
		Path mask = dir.resolve("coarse.tif");
		assertTrue(new FileSaver(coarse).saveAsTiff(mask.toString()));
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path out = dir.resolve("out.tif");

		Result r = cli("inpaint", "-m", model, "-i", in, "--mask", mask, "-o", out,
			"--normalize", "range", "--threads", 1);

		String note = "the mask's pixels are 2 x 2 mm, the image's 0.5 x 0.25 " +
			"micron: the mask is laid on the image pixel for pixel; check that it " +
			"was made for this image";
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: " + note + "\n"), r.out());
		ImagePlus result = IJ.openImage(out.toString());
		assertTrue(result.getInfoProperty().contains(note), result
			.getInfoProperty());
		assertEquals(128, ((byte[]) result.getProcessor().getPixels())[14] & 0xff,
			1);

		// the image's pixel size in nm, and no pixel size: no note
		ImagePlus same = new ImagePlus("m", new ByteProcessor(6, 6, holes.clone()));
		same.getCalibration().pixelWidth = 500;
		same.getCalibration().pixelHeight = 250;
		same.getCalibration().setUnit("nm");
		Path sameMask = dir.resolve("same.tif"), plain = dir.resolve("plain.tif");
		assertTrue(new FileSaver(same).saveAsTiff(sameMask.toString()));
		assertTrue(new FileSaver(new ImagePlus("m", new ByteProcessor(6, 6, holes
			.clone()))).saveAsTiff(plain.toString()));
		for (Path m : List.of(sameMask, plain)) {
			Path o = dir.resolve("out-" + m.getFileName());
			r = cli("inpaint", "-m", model, "-i", in, "--mask", m, "-o", o,
				"--normalize", "range", "--threads", 1);
			assertEquals(0, r.exitCode(), r.err());
			assertFalse(r.out().contains("the mask's pixels"), r.out());
			assertTrue(Files.isRegularFile(o));
		}
	}

	/**
	 * A 16-bit 12x12 image of values 100..1100 with {@code under} in its 4x4 hole
	 * at (4, 4), saved with one display range whatever is under the hole.
	 */
	Path sixteenBit(String name, int under) {
		short[] pixels = new short[12 * 12];
		Random random = new Random(21);
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = (short) (100 + random.nextInt(1001));
		for (int y = 4; y < 8; y++)
			for (int x = 4; x < 8; x++)
				pixels[y * 12 + x] = (short) under;
		ImagePlus imp = new ImagePlus("in", new ShortProcessor(12, 12, pixels,
			null));
		imp.setDisplayRange(0, 1200);
		Path file = dir.resolve(name);
		assertTrue(new FileSaver(imp).saveAsTiff(file.toString()));
		return file;
	}

	/** A 12x12 mask with a hole over x0..x1-1, y0..y1-1. */
	Path holeMask(String name, int x0, int x1, int y0, int y1) {
		byte[] holes = new byte[12 * 12];
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++)
				holes[y * 12 + x] = (byte) 255;
		Path file = dir.resolve(name);
		assertTrue(new FileSaver(new ImagePlus("m", new ByteProcessor(12, 12,
			holes))).saveAsTiff(file.toString()));
		return file;
	}

	/**
	 * A saturated artefact under the hole (65535, the usual reason to inpaint)
	 * fills as a black one does: the percentiles leave out the pixels under the
	 * holes, which the model never sees. The saturated one filled at about half
	 * of 65535, far above every known pixel.
	 */
	@Test
	void whatLiesUnderTheHolesDoesNotChangeTheFill() throws IOException {
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path mask = holeMask("mask.tif", 4, 8, 4, 8);
		List<short[]> results = new ArrayList<>();
		List<String> infos = new ArrayList<>();
		for (int under : new int[] { 65535, 0 }) {
			Path out = dir.resolve("out" + under + ".tif");
			Result r = cli("inpaint", "-m", model, "-i", sixteenBit("in" + under +
				".tif", under), "--mask", mask, "-o", out, "--threads", "1");
			assertEquals(0, r.exitCode(), r.err());
			ImagePlus imp = IJ.openImage(out.toString());
			results.add((short[]) imp.getProcessor().getPixels());
			infos.add(imp.getInfoProperty().lines().filter(l -> !l.startsWith(
				"fiji-gan.command")).collect(Collectors.joining("\n")));
		}
		assertArrayEquals(results.get(0), results.get(1));
		assertEquals(infos.get(0), infos.get(1));
		int fill = results.get(0)[5 * 12 + 5] & 0xffff;
		assertTrue(fill > 100 && fill < 1100, "filled with " + fill);
	}

	/**
	 * A mask that marks every pixel as a hole leaves nothing to fill from: one
	 * line, naming the slice of a mask per slice, and nothing written (it gave a
	 * made-up image and exit 0).
	 */
	@Test
	void aMaskOfHolesOnlyIsRefused() throws IOException {
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path in = sixteenBit("in.tif", 0);
		assertFailsCleanly("the mask marks every pixel (144) as a hole: there is " +
			"no known pixel to fill from", "inpaint", "-m", model, "-i", in, "--mask",
			holeMask("all.tif", 0, 12, 0, 12), "-o", dir.resolve("out.tif"));
		byte[] all = new byte[144];
		Arrays.fill(all, (byte) 1);
		ImageStack masks = new ImageStack(12, 12);
		masks.addSlice(new ByteProcessor(12, 12, new byte[144]));
		masks.addSlice(new ByteProcessor(12, 12, all));
		Path stackMask = dir.resolve("masks.tif");
		assertTrue(new FileSaver(new ImagePlus("m", masks)).saveAsTiffStack(
			stackMask.toString()));
		ImageStack slices = new ImageStack(12, 12);
		for (int z = 0; z < 2; z++)
			slices.addSlice(new ByteProcessor(12, 12, new byte[144]));
		Path stack = dir.resolve("stack.tif");
		assertTrue(new FileSaver(new ImagePlus("s", slices)).saveAsTiffStack(stack
			.toString()));
		assertFailsCleanly("slice 2 of the mask marks every pixel (144) as a hole",
			"inpaint", "-m", model, "-i", stack, "--mask", stackMask, "-o", dir
				.resolve("out.tif"));
	}

	/**
	 * A mask with no hole gives the input with a note, and the result claims no
	 * invented pixels; not composited, the result says that every pixel is the
	 * model's output (it spoke of the holes only).
	 */
	@Test
	void whatAnInpaintedResultSaysFollowsItsHolesAndCompositing()
		throws IOException
	{
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path in = sixteenBit("in.tif", 500), out = dir.resolve("out.tif");
		Result r = cli("inpaint", "-m", model, "-i", in, "--mask", holeMask(
			"none.tif", 0, 0, 0, 0), "-o", out, "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains("note: the mask marks no hole: nothing was " +
			"filled, and the result is the input's pixels as they are\n"), r.out());
		ImagePlus imp = IJ.openImage(out.toString());
		assertArrayEquals((short[]) IJ.openImage(in.toString()).getProcessor()
			.getPixels(), (short[]) imp.getProcessor().getPixels());
		assertFalse(imp.getInfoProperty().contains("fiji-gan.generated"), imp
			.getInfoProperty());

		Path whole = dir.resolve("whole.tif");
		r = cli("inpaint", "-m", model, "-i", in, "--mask", holeMask("mask.tif", 4,
			8, 4, 8), "-o", whole, "--no-composite", "--threads", "1");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(IJ.openImage(whole.toString()).getInfoProperty().contains(
			"fiji-gan.generated = pixels made by a GAN (inpaint, not composited): " +
				"every pixel is the model's output, none of it the observed image, " +
				"and every pixel inside the holes is invented"));
	}

	@Test
	void runTakesTheMaskByTheModelsInputName() throws IOException {
		Path in = tiff8("in.tif", 12, 12, 9);
		Path mask = holeMask("mask.tif", 2, 6, 2, 6);
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path out = dir.resolve("out.tif");

		assertFailsCleanly("no image input 'holes'; it takes image and mask", "run",
			"-m", model, "-i", in, "-i", "holes=" + mask, "-o", out);
		assertFailsCleanly("--input mask=FILE", "run", "-m", model, "-i", in, "-o",
			out);
		Result r = cli("run", "-m", model, "-i", "image=" + in, "-i", "mask=" +
			mask, "-o", out);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().startsWith("wrote " + out), r.out());
	}

	/**
	 * The command a result records has each option as often as it was given, in
	 * the order given: a second --input recorded both inputs twice.
	 */
	@Test
	void theRecordedCommandHasRepeatedOptionsOnce() throws IOException {
		Path in = tiff8("in.tif", 12, 12, 9);
		Path mask = holeMask("mask.tif", 2, 6, 2, 6);
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		Path out = dir.resolve("out.tif");
		Result r = cli("run", "-m", model, "-i", "image=" + in, "--normalize",
			"none", "--input", "mask=" + mask, "-o", out, "--threads", 1);
		assertEquals(0, r.exitCode(), r.err());
		assertEquals("fiji-gan run --model " + model + " --input image=" + in +
			" --normalize none --input mask=" + mask, FolderModeTest.commandOf(out));

		int[] rgb = new int[8 * 6];
		Arrays.fill(rgb, (200 << 16) | (100 << 8) | 10);
		Path png = dir.resolve("rgb.png");
		assertTrue(new ij.io.FileSaver(new ij.ImagePlus("rgb",
			new ij.process.ColorProcessor(8, 6, rgb))).saveAsPng(png.toString()));
		Path id3 = OnnxModels.identity(3).write(dir, "id3.onnx");
		Path swapped = dir.resolve("swapped.tif");
		Result c = cli("run", "-m", id3, "-i", png, "--channels", "2,1", "-o",
			swapped, "--channels", "0", "--device", "cpu", "--threads", 1);
		assertEquals(0, c.exitCode(), c.err());
		assertTrue(c.out().contains("fed image channel [2, 1, 0][k]"), c.out());
		assertEquals("fiji-gan run --model " + id3 + " --input " + png +
			" --channels 2,1 --channels 0 --device cpu", FolderModeTest.commandOf(
				swapped));
	}

	@Test
	void generatingWithTheSameSeedTwiceGivesIdenticalFiles() throws IOException {
		Path model = OnnxModels.generator(8, 0, 5, 4).write(dir, "gen.onnx");
		Path a = dir.resolve("a.tif"), b = dir.resolve("b.tif"), c = dir.resolve(
			"c.tif");

		for (Path out : List.of(a, b))
			assertEquals(0, cli("generate", "-m", model, "-o", out, "--count", 3,
				"--seed", 42).exitCode());
		assertEquals(0, cli("generate", "-m", model, "-o", c, "--count", 3,
			"--seed", 43).exitCode());

		assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
		ImagePlus stack = IJ.openImage(a.toString());
		assertEquals(3, stack.getStackSize());
		assertEquals(4, stack.getWidth());
		assertEquals(5, stack.getHeight());
		assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
	}

	@Test
	void generatedTensorsFollowTheLatentFile() {
		Path model = OnnxModels.generator(8, 0, 5, 4).write(dir, "gen.onnx");
		float[] z = new float[2 * 8];
		z[3] = 1;
		Path latent = dir.resolve("z.npy");
		Npy.writeFloat(latent, z, 2, 8);
		Path out = dir.resolve("g.npy");

		Result r = cli("generate", "-m", model, "-o", out, "--latent", latent,
			"--normalize", "none");

		assertEquals(0, r.exitCode(), r.err());
		NpyArray a = Npy.read(out);
		assertArrayEquals(new long[] { 2, 1, 5, 4 }, a.shape());
		float[] v = a.toFloatArray();
		assertFalse(Arrays.equals(Arrays.copyOf(v, 20), Arrays.copyOfRange(v, 20,
			40)));
		for (float x : v)
			assertTrue(x >= -1 && x <= 1, "tanh output " + x);
	}

	@Test
	void aWrongOptionIsAUsageErrorInOneLine() {
		Result r = cli("denoise", "--model", "m.onnx", "--input", "in.tif",
			"--output", "o.tif", "--tile", "huge");
		assertEquals(2, r.exitCode());
		assertEquals(List.of(
			"fiji-gan: Invalid value for option '--tile': tile size 'huge' must be " +
				"auto, none or a positive number of pixels (see 'fiji-gan denoise --help')"),
			r.errLines());
	}

	@Test
	void aGeneratorGivenToDenoiseNamesTheRightCommand() throws IOException {
		Path in = tiff8("in.tif", 4, 4, 8);
		Path model = OnnxModels.generator(8, 0, 4, 4).write(dir, "gen.onnx");
		assertFailsCleanly("fiji-gan generate", "denoise", "-m", model, "-i", in,
			"-o", dir.resolve("out.tif"));
	}

	/**
	 * A channel map other than the identity leaves the result in the model's
	 * channel order, and says so: an identity model fed 2,1,0 swaps red and blue.
	 */
	@Test
	void aPermutedChannelMapSaysTheResultIsInTheModelsOrder() throws IOException {
		int[] rgb = new int[8 * 6];
		for (int i = 0; i < rgb.length; i++)
			rgb[i] = (200 << 16) | (100 << 8) | 10;
		Path in = dir.resolve("rgb.png");
		assertTrue(new ij.io.FileSaver(new ij.ImagePlus("rgb",
			new ij.process.ColorProcessor(8, 6, rgb))).saveAsPng(in.toString()));
		Path model = OnnxModels.identity(3).write(dir, "id3.onnx");
		Result r = cli("run", "-m", model, "-i", in, "-o", dir.resolve("out.png"),
			"--channels", "2,1,0", "--normalize", "range", "--device", "cpu");
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().contains(
			"note: the result's channels are the model's, " +
				"in its order: model channel k was fed image channel [2, 1, 0][k]"), r
					.out());
		int out = ((int[]) ij.IJ.openImage(dir.resolve("out.png").toString())
			.getProcessor().getPixels())[0];
		assertEquals((10 << 16) | (100 << 8) | 200, out & 0xffffff);
	}

	@Test
	void infoDescribesTheModelAndTheProviders() {
		Path model = OnnxModels.pixelShuffle(1, 3).write(dir, "sr3.onnx");
		Result r = cli("info", "-m", model);
		assertEquals(0, r.exitCode(), r.err());
		assertTrue(r.out().lines().anyMatch(l -> l.startsWith("providers:") && l
			.contains("cpu")), r.out());
		assertTrue(r.out().contains("super-resolution"), r.out());
		// DepthToSpace and the rest have CUDA and DirectML kernels
		assertTrue(r.out().lines().anyMatch(l -> l.equals(
			"cpu fallback:  cuda: none")), r.out());
		assertTrue(r.out().lines().anyMatch(l -> l.equals(
			"cpu fallback:  directml: none")), r.out());
		assertTrue(r.out().lines().anyMatch(l -> l.equals(
			"loads:         yes, in ONNX Runtime on the CPU")), r.out());

		// a model ONNX Runtime cannot load is described, and said unusable
		Path cycle = OnnxModels.builder().input("x", "N,1,H,W").node("Add", "x,b",
			"a").node("Identity", "a", "b").output("a", "N,1,H,W").write(dir,
				"cycle.onnx");
		Result c = cli("info", "-m", cycle);
		assertEquals(1, c.exitCode());
		assertTrue(c.out().lines().anyMatch(l -> l.startsWith(
			"loads:         NO: ONNX Runtime cannot load cycle.onnx: ")), c.out());
		assertEquals(1, c.err().lines().count(), c.err());
		assertTrue(c.err().startsWith("fiji-gan: ONNX Runtime cannot load " +
			"cycle.onnx: "), c.err());
	}

	@Test
	void modelsListsTheBundledFolders() throws IOException {
		Files.createDirectories(dir.resolve("models/noise2x"));
		Files.writeString(dir.resolve("models/noise2x/rdf.yaml"), "name: x\n");
		String old = System.getProperty("fijigan.models.dir");
		List<Result> results = new ArrayList<>();
		try {
			System.setProperty("fijigan.models.dir", dir.resolve("models")
				.toString());
			results.add(cli("models"));
			System.setProperty("fijigan.models.dir", dir.resolve("empty").toString());
			results.add(cli("models"));
		}
		finally {
			if (old == null) System.clearProperty("fijigan.models.dir");
			else System.setProperty("fijigan.models.dir", old);
		}
		assertNotNull(results.get(0));
		assertTrue(results.get(0).out().startsWith("noise2x "), results.get(0)
			.out());
		assertTrue(results.get(1).out().startsWith("no models in "), results.get(1)
			.out());
	}
}
