
package org.fijigan.ij1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.fijigan.core.GanException;
import org.fijigan.core.image.RasterImage;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.train.data.ImageSource;

/**
 * The image files under a folder, recursively, as training data: each named by
 * its path relative to the folder with {@code /} separators (so a sub-folder
 * name can be a class), sorted. Files are chosen by extension, as
 * {@link ImageFileCodec#isImage} does (what ImageJ 1 opens, plus {@code .npy}
 * and NIfTI); hidden files and folders (name starting with a dot) are skipped.
 * Symbolic links are followed. Files are read on {@link #open}, by the same
 * codec.
 */
public final class ImageFolder implements ImageSource {

	private final Path folder;
	private final String role;
	private final List<String> names;

	private ImageFolder(Path folder, String role, List<String> names) {
		this.folder = folder;
		this.role = role;
		this.names = names;
	}

	/**
	 * Lists the images under {@code folder}.
	 *
	 * @param role what the folder is for the user, e.g. "training" or "target",
	 *          for messages
	 * @throws GanException when the folder does not exist or holds no image
	 */
	public static ImageFolder of(Path folder, String role) {
		if (Files.isRegularFile(folder)) throw new GanException(role + " folder " +
			folder +
			" is a file, not a folder: give the folder that holds the images");
		if (!Files.isDirectory(folder)) throw new GanException(role +
			" folder not found: " + folder);
		List<String> names = new ArrayList<>();
		try (Stream<Path> files = Files.walk(folder,
			FileVisitOption.FOLLOW_LINKS))
		{
			for (Path p : (Iterable<Path>) files::iterator) {
				Path rel = folder.relativize(p);
				if (!Files.isRegularFile(p) || isHidden(rel) || !isImage(p)) continue;
				List<String> parts = new ArrayList<>();
				for (Path part : rel)
					parts.add(part.toString());
				names.add(String.join("/", parts));
			}
		}
		catch (IOException e) {
			throw new GanException("cannot list the " + role + " folder " + folder +
				": " + AtomicFile.describe(e), e);
		}
		catch (UncheckedIOException e) {
			throw new GanException("cannot list the " + role + " folder " + folder +
				": " + AtomicFile.describe(e.getCause()), e);
		}
		refuseDataSetRoot(folder, role, names);
		if (names.isEmpty()) throw new GanException("the " + role + " folder " +
			folder + " holds no images ImageJ opens");
		names.sort(null);
		return new ImageFolder(folder, role, List.copyOf(names));
	}

	/**
	 * Refuses the root of a data set as {@code prepare-data} writes it: a folder
	 * with a {@code train/} folder beside {@code test/}, {@code tune/} or
	 * {@code noisy/} (its own {@code noisy/} holds such splits too) that holds
	 * images of its {@code names}. Read whole, recursively, it would mix them:
	 * held-out images trained on or evaluated as new, noisy copies taken as clean
	 * images. An empty {@code test/} mixes nothing.
	 */
	private static void refuseDataSetRoot(Path folder, String role,
		List<String> names)
	{
		if (!Files.isDirectory(folder.resolve("train"))) return;
		List<String> beside = new ArrayList<>();
		for (String split : List.of("test", "tune", "noisy"))
			if (names.stream().anyMatch(n -> n.startsWith(split + "/"))) beside.add(
				split + "/");
		if (beside.isEmpty()) return;
		throw new GanException("the " + role + " folder " + folder +
			" holds a data set's train/ beside its " + String.join(" and ", beside) +
			", as prepare-data writes them: read whole, it would mix them (held-out " +
			"images trained on, noisy copies taken as clean images); give the one " +
			"meant instead, e.g. " + folder.resolve("train") + " or " + folder
				.resolve(beside.get(0).replace("/", "")));
	}

	private static boolean isHidden(Path relative) {
		for (Path part : relative)
			if (part.toString().startsWith(".")) return true;
		return false;
	}

	private static boolean isImage(Path file) {
		return ImageFileCodec.INSTANCE.isImage(file);
	}

	@Override
	public List<String> names() {
		return names;
	}

	@Override
	public RasterImage open(String name) {
		if (!names.contains(name)) throw new GanException("no image '" + name +
			"' in " + folder);
		return ImageFileCodec.INSTANCE.read(folder.resolve(name), role + " image")
			.setTitle(name);
	}

	@Override
	public String describe() {
		return folder.toString();
	}

	@Override
	public Path folder() {
		return folder;
	}
}
