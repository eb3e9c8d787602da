package org.fijigan.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.image.RasterImage;

/**
 * The file a command writes. Checked before the run, so a wrong name fails in a second rather than
 * after the model ran; written through {@link AtomicFile}, so {@code path} either holds the whole
 * result or is untouched, and no temporary file outlives the command.
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
		ImageFiles.Format format = ImageFiles.Format.of(path);
		if (format == null) throw new GanException("cannot write " + path.getFileName() +
			": the output must end in .tif, .tiff, .png, .jpg, .jpeg, .npy or .nii.gz");
		Path absolute = path.toAbsolutePath();
		if (!Files.isDirectory(absolute.getParent())) throw new GanException("output folder " + absolute
			.getParent() + " does not exist");
		if (Files.isDirectory(absolute)) throw new GanException("output " + path + " is a folder");
		if (!overwrite) AtomicFile.refuseExisting(absolute);
		return new OutputFile(absolute, format, overwrite);
	}

	Path path() {
		return path;
	}

	void write(RasterImage image) {
		String problem = ImageFiles.unsupported(format, image);
		if (problem != null) throw new GanException(problem);
		AtomicFile.write(path, overwrite, tmp -> ImageFiles.write(image, format, tmp));
	}
}
