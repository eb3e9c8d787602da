
package org.fijigan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import org.fijigan.cli.MainTest.Result;
import org.fijigan.core.image.ImageFileCheckTest;
import org.fijigan.testing.OnnxModels;
import org.fijigan.testing.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and damaged input files through the command line: images that lie
 * about their size or are cut short, and special files (a named pipe, a socket,
 * a device) given as input. Each ends with exit code 1 and one line naming the
 * file and what is wrong with it; nothing at all is printed on the process's
 * standard output (where ImageJ and ImageIO print their own errors), and no
 * output file appears.
 */
class HostileFilesCliTest {

	@TempDir
	Path dir;

	/**
	 * The run, with what anything printed directly to {@code System.out}
	 * meanwhile.
	 */
	record Run(Result result, String systemOut) {
	}

	static Run cliCapturingSystemOut(Object... args) {
		PrintStream old = System.out;
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
		try {
			return new Run(MainTest.cli(args), buf.toString(StandardCharsets.UTF_8));
		}
		finally {
			System.setOut(old);
		}
	}

	/**
	 * Exit 1, one line on stderr that contains {@code problem}, nothing on any
	 * stdout, no output.
	 */
	void assertRefused(String problem, Object... args) {
		Run run = cliCapturingSystemOut(args);
		Result r = run.result();
		assertEquals(1, r.exitCode(), r.err());
		assertEquals(1, r.errLines().size(), r.err());
		assertTrue(r.err().startsWith("fiji-gan: ") && r.err().contains(problem), r
			.err());
		assertEquals("", r.out());
		assertEquals("", run.systemOut());
		assertTrue(!Files.exists(dir.resolve("out.tif")), "an output was written");
	}

	Path model() {
		return OnnxModels.identity(1).write(dir, "id.onnx");
	}

	/**
	 * A 64x64 8-bit image saved by ImageJ in {@code format}, cut to half its
	 * length.
	 */
	Path cutInHalf(String name, String format) throws IOException {
		byte[] px = new byte[64 * 64];
		new Random(4).nextBytes(px);
		FileSaver saver = new FileSaver(new ImagePlus("x", new ByteProcessor(64, 64,
			px)));
		Path whole = dir.resolve("whole-" + name);
		assertTrue(switch (format) {
			case "png" -> saver.saveAsPng(whole.toString());
			case "jpg" -> saver.saveAsJpeg(whole.toString());
			default -> saver.saveAsTiff(whole.toString());
		});
		byte[] b = Files.readAllBytes(whole);
		return Files.write(dir.resolve(name), Arrays.copyOf(b, b.length / 2));
	}

	/**
	 * A stack that does not fit in the heap once read is refused before ImageJ
	 * reads it: a 16-page 2048x2048 Deflate TIFF of zeros (64 MiB read) under a
	 * 48 MiB heap. Before, ImageJ's reader printed its "Out of memory" box on
	 * standard output and kept the pages it had read (24 of a 40-page stack at 64
	 * MiB), and fiji-gan went on with those.
	 */
	@Test
	void aStackLargerThanTheHeapIsRefusedBeforeItIsRead() throws Exception {
		Path tif = dir.resolve("zeros.tif");
		javax.imageio.ImageWriter writer = javax.imageio.ImageIO
			.getImageWritersByFormatName("tiff").next();
		javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
		param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
		param.setCompressionType("Deflate");
		java.awt.image.BufferedImage zeros = new java.awt.image.BufferedImage(2048,
			2048, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO
			.createImageOutputStream(tif.toFile()))
		{
			writer.setOutput(out);
			writer.prepareWriteSequence(null);
			for (int i = 0; i < 16; i++)
				writer.writeToSequence(new javax.imageio.IIOImage(zeros, null, null),
					param);
			writer.endWriteSequence();
		}
		writer.dispose();
		Path out = dir.resolve("out.tif");
		try (org.fijigan.testing.CliProcesses cli =
			new org.fijigan.testing.CliProcesses(dir, "48m"))
		{
			String err = refused(cli, "big", tif, out);
			assertTrue(err.startsWith("fiji-gan: input " + tif + " takes 64.0 MiB " +
				"of memory once read, more than fits: only "), err);

			// a .npy whose shape takes 122 MiB: refused from its header alone
			Path npy = dir.resolve("big.npy");
			String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " +
				"(1, 1, 4000, 4000), }";
			header += " ".repeat(118 - header.length()) + "\n";
			java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
			b.writeBytes(new byte[] { (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
				(byte) header.length(), 0 });
			b.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
			Files.write(npy, b.toByteArray());
			String npyErr = refused(cli, "npy", npy, out);
			assertTrue(npyErr.startsWith("fiji-gan: " + npy + ": its shape [1, 1, " +
				"4000, 4000] takes 122.1 MiB of memory to read, more than fits: only "),
				npyErr);

			// a ZIP archive whose entry declares 200 MB: refused before unzipping
			Path zip = dir.resolve("big.zip");
			Files.write(zip, org.fijigan.testing.ZipBytes.declaringUnzippedSize(
				org.fijigan.testing.ZipBytes.zip(java.util.Map.of("inside.tif", Files
					.readAllBytes(tif))), 200_000_000));
			String zipErr = refused(cli, "zip", zip, out);
			assertTrue(zipErr.startsWith("fiji-gan: input " + zip + ": its entry " +
				"inside.tif unzips to 190.7 MiB, more than Java's whole heap ("),
				zipErr);
		}
	}

	/**
	 * Runs the identity model on {@code input} as process {@code tag}; asserts it
	 * failed in one line, printed nothing on standard output and wrote nothing.
	 *
	 * @return its standard error
	 */
	private String refused(org.fijigan.testing.CliProcesses cli, String tag,
		Path input, Path out) throws Exception
	{
		Process p = cli.start(tag, "run", "-m", model(), "-i", input, "-o", out,
			"--device", "cpu");
		assertTrue(p.waitFor(120, TimeUnit.SECONDS));
		String err = Files.readString(dir.resolve(tag + ".err"));
		assertEquals(1, p.exitValue(), err);
		assertEquals(1, err.lines().count(), err);
		assertEquals("", Files.readString(dir.resolve(tag + ".out")));
		assertTrue(!Files.exists(out));
		return err;
	}

	@Test
	void truncatedTiffPngAndJpegAreRefusedWithTheReasonAndNothingPrintedOnStdout()
		throws IOException
	{
		Path model = model();
		Path tif = cutInHalf("cut.tif", "tif");
		assertRefused("input " + tif +
			" is truncated or damaged: image 1 (64x64, 8 bits per pixel) " +
			"needs 4,096 bytes of pixels in strip 1", "run", "-m", model, "-i", tif,
			"-o", dir.resolve("out.tif"), "--device", "cpu");
		Path png = cutInHalf("cut.png", "png");
		assertRefused("input " + png +
			" is truncated: chunk 'IDAT' at byte 33 needs", "run", "-m", model, "-i",
			png, "-o", dir.resolve("out.tif"), "--device", "cpu");
		Path jpg = cutInHalf("cut.jpg", "jpg");
		assertRefused("input " + jpg + " is truncated: it ends at byte ", "run",
			"-m", model, "-i", jpg, "-o", dir.resolve("out.tif"), "--device", "cpu");
	}

	/**
	 * A 32x32 float NIfTI file, values 1 to 1024 after the header and its 4
	 * extension bytes, whose {@code vox_offset} is -100: it was read from byte
	 * 348, giving 0 to 1023, and the run succeeded.
	 */
	@Test
	void aNiftiFileWhoseVoxOffsetIsNegativeIsRefused() throws IOException {
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(352 + 4096).order(
			java.nio.ByteOrder.LITTLE_ENDIAN);
		b.putInt(0, 348);
		short[] dim = { 2, 32, 32, 1, 1, 1, 1, 1 };
		for (int i = 0; i < 8; i++)
			b.putShort(40 + 2 * i, dim[i]);
		b.putShort(70, (short) 16).putShort(72, (short) 32).putFloat(108, -100)
			.putFloat(112, 1);
		b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
		for (int i = 0; i < 1024; i++)
			b.putFloat(352 + 4 * i, i + 1);
		Path in = Files.write(dir.resolve("v.nii"), b.array());
		Path out = dir.resolve("o.npy");
		Result r = MainTest.cli("denoise", "--model", model(), "--input", in,
			"--output", out, "--normalize", "none", "--device", "cpu");
		assertEquals(1, r.exitCode(), r.err());
		assertEquals("fiji-gan: v.nii is a damaged NIfTI file: its vox_offset is " +
			"-100, where a single file's voxels start at byte 352 or later (after " +
			"its 348-byte header and 4 extension bytes)", r.err().strip());
		assertTrue(!Files.exists(out), "an output was written");
	}

	/**
	 * A sound TIFF of 64-bit integers, which ImageJ's reader refused as
	 * "Unsupported format or file not found", is named for what it is.
	 */
	@Test
	void aTiffOfSixtyFourBitIntegersIsNamedForWhatItIs() throws IOException {
		Path in = Files.write(dir.resolve("i64.tif"), ImageFileCheckTest.samples(1,
			64, 2).bytes());
		assertRefused("fiji-gan: input " + in + " is a TIFF of signed 64-bit " +
			"integers, which ImageJ's TIFF reader does not read: convert it to " +
			"32-bit float\n", "run", "-m", model(), "-i", in, "-o", dir.resolve(
				"out.tif"), "--device", "cpu");
	}

	/**
	 * A palette PNG without its palette: the user read ImageJ's
	 * "javax.imageio.IIOException: Error reading PNG metadata".
	 */
	@Test
	void aPalettePngWithoutItsPaletteIsRefusedInWords() throws IOException {
		Path in = Files.write(dir.resolve("x.png"), org.fijigan.testing.PngBytes
			.png(8, 8, 3, 8, new byte[0], org.fijigan.testing.PngBytes.deflate(
				new byte[8 * (1 + 8)])));
		assertRefused("fiji-gan: input " + in + " is damaged or not a valid PNG: " +
			"it is a palette image without its palette (a PLTE chunk before its " +
			"pixel data)\n", "denoise", "-m", model(), "-i", in, "-o", dir.resolve(
				"out.tif"), "--device", "cpu");
	}

	@Test
	void aTinyTiffClaimingHugeDimensionsIsRefusedAtOnce() throws IOException {
		byte[] lie = ImageFileCheckTest.grey(false,
			java.nio.ByteOrder.LITTLE_ENDIAN, 4000, 4000, 16_000_000, new byte[40])
			.bytes();
		Path in = Files.write(dir.resolve("lie.tif"), lie);
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertRefused(
			"input " + in +
				" is truncated or damaged: image 1 (4000x4000, 8 bits per pixel) needs 16,000,000 bytes",
			"run", "-m", model(), "-i", in, "-o", dir.resolve("out.tif"), "--device",
			"cpu"));
	}

	@Test
	void aMaskThatLiesIsRefusedAsTheMask() throws IOException {
		Path model = OnnxModels.inpaint(1).write(dir, "inpaint.onnx");
		byte[] px = new byte[64 * 64];
		Path in = dir.resolve("in.tif");
		assertTrue(new FileSaver(new ImagePlus("x", new ByteProcessor(64, 64, px)))
			.saveAsTiff(in.toString()));
		Path mask = cutInHalf("mask.tif", "tif");
		assertRefused("mask " + mask + " is truncated or damaged", "inpaint", "-m",
			model, "-i", in, "--mask", mask, "-o", dir.resolve("out.tif"), "--device",
			"cpu");
	}

	@Test
	@EnabledOnOs({ OS.LINUX, OS.MAC })
	void aNamedPipeASocketAndADeviceAreNamedForWhatTheyAre() throws Exception {
		Path model = model();
		Path fifo = dir.resolve("pipe.tif");
		Process mk = new ProcessBuilder("mkfifo", fifo.toString())
			.redirectErrorStream(true).start();
		boolean made = mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0;
		if (made) {
			assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertRefused(
				"input " + fifo + " is a named pipe (FIFO), not a regular file", "run",
				"-m", model, "-i", fifo, "-o", dir.resolve("out.tif"), "--device",
				"cpu"));
			Path gen = OnnxModels.generator(8, 0, 5, 4).write(dir, "gan.onnx");
			Path latent = dir.resolve("z.npy");
			new ProcessBuilder("mkfifo", latent.toString()).start().waitFor(10,
				TimeUnit.SECONDS);
			assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertRefused(
				"latent file " + latent + " is a named pipe (FIFO), not a regular file",
				"generate", "-m", gen, "--latent", latent, "-o", dir.resolve(
					"out.tif")));
		}
		Path socket = dir.resolve("s.tif");
		try (ServerSocketChannel server = ServerSocketChannel.open(
			java.net.StandardProtocolFamily.UNIX))
		{
			server.bind(UnixDomainSocketAddress.of(socket));
			assertRefused("input " + socket + " is a socket, not a regular file",
				"run", "-m", model, "-i", socket, "-o", dir.resolve("out.tif"),
				"--device", "cpu");
		}
		assumeTrue(Files.exists(Path.of("/dev/null")));
		assertRefused("input /dev/null is a character device, not a regular file",
			"run", "-m", model, "-i", "/dev/null", "-o", dir.resolve("out.tif"),
			"--device", "cpu");
		assumeTrue(made, "mkfifo is not available here");
	}

	/**
	 * A named pipe where a model file is read is refused by name, and nothing is
	 * written: given as the model to every command that takes one, as the weights
	 * a bioimage.io descriptor names, or as any file of a folder to install.
	 * Before, only denoise, run and generate checked: info, evaluate, fine-tune
	 * and models install hung on the pipe, package-model said it did not exist,
	 * and every command hung on a descriptor's piped weights.
	 */
	@Test
	@EnabledOnOs({ OS.LINUX, OS.MAC })
	void aNamedPipeAsAModelFileIsRefusedByEveryCommandWithoutOpeningIt()
		throws Exception
	{
		Path pipe = dir.resolve("pipe.onnx");
		Process mk = new ProcessBuilder("mkfifo", pipe.toString())
			.redirectErrorStream(true).start();
		assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0,
			"mkfifo is not available here");
		String isPipe = " is a named pipe (FIFO), not a regular file";
		Path data = Files.createDirectories(dir.resolve("data"));
		byte[] px = new byte[64 * 64];
		new Random(5).nextBytes(px);
		assertTrue(new FileSaver(new ImagePlus("x", new ByteProcessor(64, 64, px)))
			.saveAsTiff(data.resolve("a.tif").toString()));
		Path store = dir.resolve("store");
		assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
			assertRefused("model " + pipe + isPipe, "info", "-m", pipe);
			assertRefused("model " + pipe + isPipe, "evaluate", "-m", pipe, "--data",
				data);
			assertRefused("model " + pipe + isPipe, "fine-tune", "-m", pipe, "--data",
				data, "-o", dir.resolve("tuned.onnx"), "--threads", "1");
			assertRefused("model " + pipe + isPipe, "package-model", "-m", pipe, "-o",
				dir.resolve("pk"), "--name", "pipe model", "--description", "x");
			assertRefused("model " + pipe + isPipe, "models", "install", pipe,
				"--dir", store);
		});
		assertTrue(!Files.exists(dir.resolve("tuned.onnx")));
		assertTrue(!Files.exists(dir.resolve("pk")));

		// a descriptor whose weights are a pipe
		Path pkg = Files.createDirectories(dir.resolve("pkg"));
		Files.writeString(pkg.resolve("rdf.yaml"), TestPackages.ONE_CHANNEL_RDF
			.formatted("a".repeat(64)));
		Path weights = pkg.resolve("weights.onnx");
		new ProcessBuilder("mkfifo", weights.toString()).start().waitFor(10,
			TimeUnit.SECONDS);
		assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
			assertRefused(weights + isPipe, "run", "-m", pkg, "-i", data.resolve(
				"a.tif"), "-o", dir.resolve("out.tif"), "--device", "cpu", "--threads",
				"1");
			assertRefused(weights + isPipe, "info", "-m", pkg.resolve("rdf.yaml"));
			assertRefused(weights + isPipe + "; only files and folders can be " +
				"installed", "models", "install", pkg, "--dir", store);
		});
		try (var s = Files.list(store)) {
			assertEquals(List.of(), s.toList(), "nothing is left in the store");
		}
	}
}
