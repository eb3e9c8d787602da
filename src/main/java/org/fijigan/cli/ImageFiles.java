
package org.fijigan.cli;

import java.nio.file.Path;

import org.fijigan.core.batch.ImageCodec;
import org.fijigan.core.image.RasterImage;
import org.fijigan.ij1.ImageFileCodec;

/**
 * Image files as the command line reads and writes them: anything ImageJ 1
 * opens, NumPy {@code .npy} tensors and NIfTI-1; see {@link ImageFileCodec},
 * which does the work.
 */
final class ImageFiles {

	enum Format {

			TIFF(".tif"), PNG(".png"), JPEG(".jpg"), NPY(".npy"), NIFTI(".nii.gz"),
			NIFTI_UNCOMPRESSED(".nii");

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
				case ".nii" -> NIFTI_UNCOMPRESSED;
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

	/**
	 * The size of {@code image} written as TIFF (pixels only) or {@code .npy}
	 * (float32), or -1 for the compressed formats, whose size is not known before
	 * writing.
	 */
	static long uncompressedBytes(Format format, RasterImage image) {
		long pixels = (long) image.width() * image.height() * image.slices() * image
			.frames();
		return switch (format) {
			case TIFF -> pixels * image.channels() * switch (image.type()) {
				case UINT8 -> 1;
				case UINT16 -> 2;
				case FLOAT32 -> 4;
				case RGB -> 3;
			};
			case NPY -> pixels * image.logicalChannels() * 4;
			default -> -1;
		};
	}

	static String describeBytes(long bytes) {
		if (bytes < 1024) return bytes + " bytes";
		double kib = bytes / 1024.0;
		if (kib < 1024) return String.format(java.util.Locale.ROOT, "%.1f KiB",
			kib);
		double mib = kib / 1024;
		if (mib < 1024) return String.format(java.util.Locale.ROOT, "%.1f MiB",
			mib);
		return String.format(java.util.Locale.ROOT, "%.1f GiB", mib / 1024);
	}

	/**
	 * Writes {@code image} to {@code file}, a new file; its properties go into
	 * the TIFF info.
	 */
	static void write(RasterImage image, Format format, Path file) {
		CODEC.write(image, format.extension, file);
	}
}
