package org.fijigan.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;

/**
 * The file a command writes. Checked before the run, so a wrong name fails in a second rather than
 * after the model ran; written to a hidden temporary file in the same folder and moved into place
 * atomically, so {@code path} either holds the whole result or is untouched, and no temporary file
 * outlives the command.
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
			": the output must end in .tif, .tiff, .png, .jpg, .jpeg or .npy");
		Path absolute = path.toAbsolutePath();
		if (!Files.isDirectory(absolute.getParent())) throw new GanException("output folder " + absolute
			.getParent() + " does not exist");
		if (Files.isDirectory(absolute)) throw new GanException("output " + path + " is a folder");
		if (!overwrite) refuseExisting(absolute);
		return new OutputFile(absolute, format, overwrite);
	}

	private static void refuseExisting(Path p) {
		if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) throw new GanException(p +
			" already exists; pass --overwrite to replace it");
	}

	Path path() {
		return path;
	}

	void write(RasterImage image) {
		String problem = ImageFiles.unsupported(format, image);
		if (problem != null) throw new GanException(problem);
		String name = path.getFileName().toString();
		Path tmp = path.resolveSibling("." + name + "." + Long.toHexString(ThreadLocalRandom.current()
			.nextLong() >>> 1) + ".tmp" + format.extension);
		try {
			tmp.toFile().deleteOnExit(); // on Ctrl-C while writing
			ImageFiles.write(image, format, tmp);
			if (!overwrite) refuseExisting(path); // appeared while the model ran
			Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException e) {
			throw new GanException("cannot write " + path + ": " + Main.message(e), e);
		}
		finally {
			try {
				Files.deleteIfExists(tmp);
			}
			catch (IOException e) {
				// the error that brought us here matters more
			}
		}
	}
}
