
package org.fijigan.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.fijigan.core.image.Nifti;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

/**
 * Seeded mutations of small valid files of every format fiji-gan reads (TIFF of
 * four compressions, tiled too, and float; PNG of 16 bits, alpha, palette and 1
 * bit; JPEG, progressive too; BMP plain and run-length coded; GIF, still and
 * animated; PGM, FITS, DICOM, NIfTI, .npy, a ZIP archive), each read through
 * {@link ImageFileCodec#read} in a forked JVM with a small heap, so that a
 * mutated size is refused by the memory checks rather than allocated: every
 * case must be read or refused with one line, print nothing, and none may hang.
 * A failure names the file and case; {@link ImageFileFuzzMain} says how to
 * replay it.
 */
class ImageFileFuzzTest {

	static final long SEED = 20261206L;
	static final int CASES = 50;

	@TempDir
	Path dir;

	@Test
	void everyMutationIsReadOrRefusedInOneLine() throws Exception {
		Path corpus = Files.createDirectories(dir.resolve("corpus")), work = Files
			.createDirectories(dir.resolve("work"));
		int files = writeCorpus(corpus);
		Path out = dir.resolve("fuzz.out"), err = dir.resolve("fuzz.err");
		Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"),
			"bin", "java").toString(), "-Xmx96m", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-cp", System
				.getProperty("java.class.path"), ImageFileFuzzMain.class.getName(), Long
					.toString(SEED), Integer.toString(CASES), corpus.toString(), work
						.toString()).redirectOutput(out.toFile()).redirectError(err
							.toFile()).start();
		if (!p.waitFor(300, TimeUnit.SECONDS)) {
			p.destroyForcibly().waitFor();
			throw new AssertionError("no end after 300 s, at " + Files.readString(work
				.resolve("current")));
		}
		List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
		String all = String.join("\n", lines) + "\n" + Files.readString(err);
		assertEquals(0, p.exitValue(), all);
		assertEquals(1, lines.size(), all); // the summary alone
		String summary = lines.get(0);
		assertTrue(summary.startsWith("cases " + files * CASES + ", read ") &&
			summary.endsWith(", problems 0"), all);
		// the mutations reach both ends: some still read, most are refused
		int read = Integer.parseInt(summary.replaceAll(".*, read (\\d+),.*", "$1"));
		assertTrue(read > files * CASES / 20 && read < files * CASES / 2, summary);
	}

	/** Small valid files, one of each kind; returns how many. */
	static int writeCorpus(Path dir) throws IOException {
		Random random = new Random(SEED);
		ImageStack stack = new ImageStack(24, 16);
		for (int s = 0; s < 3; s++) {
			byte[] b = new byte[24 * 16];
			random.nextBytes(b);
			stack.addSlice(new ByteProcessor(24, 16, b));
		}
		ImagePlus grey = new ImagePlus("grey", stack);
		saved(new FileSaver(grey).saveAsTiffStack(dir.resolve("stack.tif")
			.toString()));
		saved(new FileSaver(grey).saveAsZip(dir.resolve("stack.zip").toString()));
		ImagePlus one = new ImagePlus("one", stack.getProcessor(1));
		saved(new FileSaver(one).saveAsPgm(dir.resolve("grey.pgm").toString()));
		short[] s16 = new short[24 * 16];
		for (int i = 0; i < s16.length; i++)
			s16[i] = (short) random.nextInt(65536);
		saved(new FileSaver(new ImagePlus("s", new ShortProcessor(24, 16, s16,
			null))).saveAsFits(dir.resolve("image.fits").toString()));
		float[] f32 = new float[24 * 16];
		for (int i = 0; i < f32.length; i++)
			f32[i] = (float) random.nextGaussian();
		saved(new FileSaver(new ImagePlus("f", new ij.process.FloatProcessor(24, 16,
			f32))).saveAsTiff(dir.resolve("float.tif").toString()));

		BufferedImage gray16 = image(BufferedImage.TYPE_USHORT_GRAY, 24, 16,
			random), gray8 = image(BufferedImage.TYPE_BYTE_GRAY, 40, 24, random),
				rgb = image(BufferedImage.TYPE_INT_RGB, 32, 16, random), argb = image(
					BufferedImage.TYPE_INT_ARGB, 20, 12, random), indexed = image(
						BufferedImage.TYPE_BYTE_INDEXED, 24, 16, random);
		write(gray16, "tiff", "LZW", false, dir.resolve("lzw16.tif"));
		write(gray8, "tiff", "Deflate", true, dir.resolve("deflate-tiled.tif"));
		write(rgb, "tiff", "JPEG", false, dir.resolve("jpeg.tif"));
		write(gray16, "png", null, false, dir.resolve("grey16.png"));
		write(argb, "png", null, false, dir.resolve("rgba.png"));
		write(gray8, "jpeg", null, false, dir.resolve("grey.jpg"));
		write(rgb, "jpeg", null, false, dir.resolve("rgb.jpg"));
		write(indexed, "bmp", null, false, dir.resolve("palette.bmp"));
		write(indexed, "bmp", "BI_RLE8", false, dir.resolve("rle8.bmp"));
		write(indexed, "gif", null, false, dir.resolve("image.gif"));
		write(indexed, "png", null, false, dir.resolve("palette.png"));
		write(image(BufferedImage.TYPE_BYTE_BINARY, 24, 16, random), "png", null,
			false, dir.resolve("bits.png"));
		write(rgb, "jpeg", "progressive", false, dir.resolve("progressive.jpg"));
		writeAnimated(List.of(indexed, image(BufferedImage.TYPE_BYTE_INDEXED, 24,
			16, random)), dir.resolve("animated.gif"));

		Files.write(dir.resolve("image.dcm"), UnusualImageTypesTest.dicom(6, 5,
			60));
		RasterImage volume = RasterImage.allocate(8, 6, 1, 3, 1, PixelType.UINT16);
		for (int z = 0; z < 3; z++) {
			short[] plane = (short[]) volume.plane(z);
			for (int i = 0; i < plane.length; i++)
				plane[i] = (short) random.nextInt(4096);
		}
		Nifti.write(dir.resolve("volume.nii"), false, volume, "fuzz", null);
		Nifti.write(dir.resolve("volume.nii.gz"), true, volume, "fuzz", null);
		float[] array = new float[6 * 8];
		for (int i = 0; i < array.length; i++)
			array[i] = random.nextFloat();
		Npy.writeFloat(dir.resolve("array.npy"), array, 1, 1, 6, 8);
		try (var s = Files.list(dir)) {
			return (int) s.count();
		}
	}

	private static BufferedImage image(int type, int w, int h, Random random) {
		BufferedImage image = new BufferedImage(w, h, type);
		int bands = image.getRaster().getNumBands();
		int max = type == BufferedImage.TYPE_USHORT_GRAY ? 65536 : 256;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				for (int b = 0; b < bands; b++) // smooth, then noise: compressible
					image.getRaster().setSample(x, y, b, Math.min(max - 1, (x * 7 + y *
						5 + b * 40) * max / 512 + random.nextInt(max / 16)));
		return image;
	}

	/**
	 * {@code image} as ImageIO's {@code format} writer writes it, with
	 * {@code compression} (or "progressive" for a progressive JPEG), in 16x16
	 * tiles when {@code tiled}.
	 */
	private static void write(BufferedImage image, String format,
		String compression, boolean tiled, Path file) throws IOException
	{
		ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
		ImageWriteParam param = writer.getDefaultWriteParam();
		if ("progressive".equals(compression)) param.setProgressiveMode(
			ImageWriteParam.MODE_DEFAULT);
		else if (compression != null) {
			param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
			param.setCompressionType(compression);
		}
		if (tiled) {
			param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
			param.setTiling(16, 16, 0, 0);
		}
		try (ImageOutputStream out = ImageIO.createImageOutputStream(file
			.toFile()))
		{
			writer.setOutput(out);
			writer.write(null, new IIOImage(image, null, null), param);
		}
		finally {
			writer.dispose();
		}
	}

	private static void writeAnimated(List<BufferedImage> frames, Path file)
		throws IOException
	{
		ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
		try (ImageOutputStream out = ImageIO.createImageOutputStream(file
			.toFile()))
		{
			writer.setOutput(out);
			writer.prepareWriteSequence(null);
			for (BufferedImage frame : frames)
				writer.writeToSequence(new IIOImage(frame, null, null), null);
			writer.endWriteSequence();
		}
		finally {
			writer.dispose();
		}
	}

	private static void saved(boolean ok) {
		assertTrue(ok, "ImageJ could not write a corpus file");
	}
}
