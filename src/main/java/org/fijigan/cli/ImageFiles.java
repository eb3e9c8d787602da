package org.fijigan.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

import org.fijigan.core.GanException;
import org.fijigan.core.image.Npy;
import org.fijigan.core.image.NpyArray;
import org.fijigan.core.image.PixelType;
import org.fijigan.core.image.RasterImage;
import org.fijigan.imagej.ImagePlusConverter;

/**
 * Image files as the command line reads and writes them: anything ImageJ 1 opens, plus NumPy
 * {@code .npy} tensors. A tensor is {@code [H,W]}, {@code [C,H,W]} or {@code [N,C,H,W]} (N slices),
 * leading axes of size 1 aside, and becomes a 32-bit image; an image is written back in the same
 * layout, {@code [C,H,W]} when it has one slice and frame.
 */
final class ImageFiles {
	enum Format {
		TIFF(".tif"), PNG(".png"), JPEG(".jpg"), NPY(".npy");

		final String extension;

		Format(String extension) {
			this.extension = extension;
		}

		/** The format named by {@code file}'s extension, or null. */
		static Format of(Path file) {
			String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
			if (name.endsWith(".tif") || name.endsWith(".tiff")) return TIFF;
			if (name.endsWith(".png")) return PNG;
			if (name.endsWith(".jpg") || name.endsWith(".jpeg")) return JPEG;
			if (name.endsWith(".npy")) return NPY;
			return null;
		}
	}

	private ImageFiles() {}

	/** @param role what the file is for the user, e.g. "input" or "mask" */
	static RasterImage read(Path file, String role) {
		if (!Files.isRegularFile(file)) throw new GanException(role + " file not found: " + file);
		if (Format.of(file) == Format.NPY) return fromNpy(Npy.read(file), file);
		ImagePlus imp = openQuietly(file);
		if (imp == null) throw new GanException("cannot open " + role + " " + file +
			": not an image format ImageJ reads (TIFF, PNG, JPEG, DICOM, ...) nor .npy");
		return ImagePlusConverter.toRaster(imp);
	}

	/** ImageJ prints "Unsupported format" to stdout, which belongs to the summary: keep it off. */
	private static synchronized ImagePlus openQuietly(Path file) {
		PrintStream stdout = System.out;
		System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
		try {
			return IJ.openImage(file.toAbsolutePath().toString());
		}
		finally {
			System.setOut(stdout);
		}
	}

	static RasterImage fromNpy(NpyArray array, Path file) {
		long[] shape = array.shape();
		int first = 0;
		while (shape.length - first > 2 && shape[first] == 1)
			first++;
		long[] s = Arrays.copyOfRange(shape, first, shape.length);
		if (s.length < 2 || s.length > 4) throw new GanException(file + " has shape " + Arrays.toString(
			shape) + "; an image tensor is [H,W], [C,H,W] or [N,C,H,W]");
		int w = (int) s[s.length - 1], h = (int) s[s.length - 2];
		int c = s.length >= 3 ? (int) s[s.length - 3] : 1, n = s.length == 4 ? (int) s[0] : 1;
		if (w < 1 || h < 1 || c < 1 || n < 1) throw new GanException(file + " has an empty shape " +
			Arrays.toString(shape));
		float[] data = array.toFloatArray();
		int plane = w * h;
		Object[] planes = new Object[c * n];
		for (int i = 0; i < planes.length; i++)
			planes[i] = Arrays.copyOfRange(data, i * plane, (i + 1) * plane);
		String title = file.getFileName().toString();
		return new RasterImage(w, h, c, n, 1, PixelType.FLOAT32, planes).setTitle(title);
	}

	static NpyArray toNpy(RasterImage image) {
		int w = image.width(), h = image.height(), c = image.logicalChannels();
		int n = image.slices() * image.frames();
		float[] data = new float[n * c * w * h];
		int offset = 0;
		for (int t = 0; t < image.frames(); t++)
			for (int z = 0; z < image.slices(); z++)
				for (int ch = 0; ch < c; ch++, offset += w * h)
					image.readRegion(ch, z, t, 0, 0, w, h, data, offset);
		return n == 1 ? NpyArray.ofFloats(data, c, h, w) : NpyArray.ofFloats(data, n, c, h, w);
	}

	/** Why {@code format} cannot hold {@code image}, or null when it can. */
	static String unsupported(Format format, RasterImage image) {
		if (format != Format.PNG && format != Format.JPEG) return null;
		boolean onePlane = image.channels() == 1 && image.slices() * image.frames() == 1;
		boolean eightBit = image.type() == PixelType.UINT8 || image.type() == PixelType.RGB;
		if (onePlane && eightBit) return null;
		return (format == Format.PNG ? "PNG" : "JPEG") + " holds one 8-bit or RGB plane, but the " +
			"result is " + image.describe() + ": write .tif (or .npy) instead";
	}

	/** Writes {@code image} to {@code file}, a new file; its properties go into the TIFF info. */
	static void write(RasterImage image, Format format, Path file) {
		if (format == Format.NPY) {
			Npy.write(file, toNpy(image));
			return;
		}
		ImagePlus imp = ImagePlusConverter.toImagePlus(image);
		FileSaver saver = new FileSaver(imp);
		String path = file.toString();
		boolean saved = switch (format) {
			case TIFF -> imp.getStackSize() > 1 ? saver.saveAsTiffStack(path) : saver.saveAsTiff(path);
			case PNG -> saver.saveAsPng(path);
			case JPEG -> saver.saveAsJpeg(path);
			case NPY -> throw new AssertionError();
		};
		if (!saved) throw new GanException("ImageJ could not write " + file);
	}
}
