package org.fijigan.cli;

import java.nio.file.Path;

import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.image.RasterImage;
import org.fijigan.imagej.ImageFileCodec;

/**
 * Image files as the command line reads and writes them: anything ImageJ 1 opens, NumPy
 * {@code .npy} tensors and NIfTI-1; see {@link ImageFileCodec}, which does the work.
 */
final class ImageFiles {
	enum Format {
		TIFF(".tif"), PNG(".png"), JPEG(".jpg"), NPY(".npy"), NIFTI(".nii.gz");

		final String extension;

		Format(String extension) {
			this.extension = extension;
		}

		/** The format named by {@code file}'s extension, or null. */
		static Format of(Path file) {
			return switch (ImageCodec.extensionOf(file.getFileName().toString())) {
				case ".tif", ".tiff" -> TIFF;
				case ".png" -> PNG;
				case ".jpg", ".jpeg" -> JPEG;
				case ".npy" -> NPY;
				case ".nii.gz" -> NIFTI;
				default -> null;
			};
		}
	}

	static final ImageCodec CODEC = ImageFileCodec.INSTANCE;

	private ImageFiles() {}

	/** @param role what the file is for the user, e.g. "input" or "mask" */
	static RasterImage read(Path file, String role) {
		return CODEC.read(file, role);
	}

	/** Why {@code format} cannot hold {@code image}, or null when it can. */
	static String unsupported(Format format, RasterImage image) {
		return CODEC.cannotWrite(format.extension, image);
	}

	/** Writes {@code image} to {@code file}, a new file; its properties go into the TIFF info. */
	static void write(RasterImage image, Format format, Path file) {
		CODEC.write(image, format.extension, file);
	}
}
