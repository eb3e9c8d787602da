
package org.fijigan.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.image.RasterImage;

/**
 * The file a command writes. Checked before the run, so a wrong name fails in a
 * second rather than after the model ran; written through {@link AtomicFile},
 * so {@code path} either holds the whole result or is untouched, and no
 * temporary file outlives the command.
 */
final class OutputFile {

	private final Path path;
	private final ImageFiles.Format format;
	private final boolean overwrite;

	private OutputFile(Path path, ImageFiles.Format format, boolean overwrite) {
		this.path = path;
		this.format = format;
		this.overwrite = overwrite;
	}

	static OutputFile prepare(Path path, boolean overwrite) {
		ImageFiles.Format format = requireFormat(path);
		Path absolute = path.toAbsolutePath();
		AtomicFile.requireNameFits(absolute);
		AtomicFile.requireOutputFolder(absolute.getParent());
		if (Files.isDirectory(absolute)) throw new GanException("output " + path +
			" is a folder");
		if (!overwrite) AtomicFile.refuseExisting(absolute);
		AtomicFile.requireWritableFolder(absolute.getParent());
		return new OutputFile(absolute, format, overwrite);
	}

	/**
	 * The format {@code path}'s extension names; refused, with the extensions
	 * fiji-gan writes, when it names none.
	 */
	static ImageFiles.Format requireFormat(Path path) {
		ImageFiles.Format format = ImageFiles.Format.of(path);
		if (format == null) throw new GanException("cannot write " + path
			.getFileName() +
			": the output must end in .tif, .tiff, .png, .jpg, .jpeg, .npy, .nii or .nii.gz");
		return format;
	}

	Path path() {
		return path;
	}

	/**
	 * Refuses a TIFF or {@code .npy} result (uncompressed, so its size is known)
	 * that the disk cannot hold, before anything is written: ImageJ's TIFF writer
	 * reports a full disk only as a failure.
	 */
	private void refuseBeyondFreeSpace(RasterImage image) {
		long need = ImageFiles.uncompressedBytes(format, image);
		if (need <= 0) return;
		long free;
		try {
			free = Files.getFileStore(path.getParent()).getUsableSpace();
		}
		catch (java.io.IOException e) {
			return; // unknown: the write itself will tell
		}
		if (free < need) throw new GanException("cannot write " + path +
			": No space left on device " + "(the result needs about " + ImageFiles
				.describeBytes(need) + ", the disk has " + ImageFiles.describeBytes(
					free) + " free)");
	}

	void write(RasterImage image) {
		String problem = ImageFiles.unsupported(format, image);
		if (problem != null) throw new GanException(problem);
		AtomicFile.removeStaleTemporaries(path); // left by a run that was killed
																							// while writing
		refuseBeyondFreeSpace(image);
		AtomicFile.write(path, overwrite, tmp -> ImageFiles.write(image, format,
			tmp));
	}
}
