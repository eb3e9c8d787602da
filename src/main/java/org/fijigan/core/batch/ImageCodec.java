
package org.fijigan.core.batch;

import java.nio.file.Path;
import java.util.Locale;

import org.fijigan.core.image.RasterImage;

/**
 * Reads and writes the image files of a batch. The engine knows no image file
 * format of its own (ImageJ does); an adapter plugs one in: the command line
 * and the Fiji commands use {@code org.fijigan.ij1.ImageFileCodec}.
 * Implementations must be safe to call from several threads (shards may run in
 * one JVM).
 */
public interface ImageCodec {

	/**
	 * Whether a folder run takes {@code file} as an input image by default,
	 * judged by its name.
	 */
	boolean isImage(Path file);

	/**
	 * Whether {@link #write} knows the format of {@code extension}, e.g.
	 * {@code .tif}.
	 */
	boolean canWrite(String extension);

	/**
	 * Reads a whole image. The caller owns the result.
	 *
	 * @param role what the file is for the user ("input", "mask"), for the error
	 *          message
	 * @throws org.fijigan.core.GanException when the file is missing or not an
	 *           image it reads
	 */
	RasterImage read(Path file, String role);

	/**
	 * {@link #read(Path, String)}, saying how the file's pixels were taken where
	 * that is not plain (a signed or calibrated image read as float, a palette as
	 * its colours) through {@code notes}.
	 */
	default RasterImage read(Path file, String role,
		java.util.function.Consumer<String> notes)
	{
		return read(file, role);
	}

	/**
	 * Why the format of {@code extension} cannot hold {@code image} (e.g. 16-bit
	 * as JPEG), or null.
	 */
	String cannotWrite(String extension, RasterImage image);

	/**
	 * Writes {@code image} to {@code file} in the format of {@code extension};
	 * {@code file} is a new (temporary) file whose own name need not end in
	 * {@code extension}. Provenance properties go where the format can hold them.
	 *
	 * @throws org.fijigan.core.GanException when the file cannot be written
	 */
	void write(RasterImage image, String extension, Path file);

	/**
	 * What the format of {@code extension} will not hold of {@code image}'s
	 * calibration, one line each for the run's notes (none by default).
	 */
	default java.util.List<String> writeNotes(String extension,
		RasterImage image)
	{
		return java.util.List.of();
	}

	/**
	 * The lower-case extension of a file name, with its dot: {@code .tif},
	 * {@code .nii.gz}; empty when it has none.
	 */
	static String extensionOf(String fileName) {
		return org.fijigan.core.io.AtomicFile.extensionOf(fileName).toLowerCase(
			Locale.ROOT);
	}

	/** The file name without its extension (as {@link #extensionOf} sees it). */
	static String stemOf(String fileName) {
		return fileName.substring(0, fileName.length() - extensionOf(fileName)
			.length());
	}
}
