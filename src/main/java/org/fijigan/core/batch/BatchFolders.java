
package org.fijigan.core.batch;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.fijigan.core.GanException;
import org.fijigan.core.io.AtomicFile;
import org.fijigan.core.io.FileIdentity;
import org.fijigan.core.io.FileNameEncoding;
import org.fijigan.core.io.InputFile;

/**
 * The folders of a batch: which images an input folder holds, relative names
 * with {@code /} separators on every platform, and the output folder's upkeep
 * (creating it, removing the temporary files a killed run left). Shared by
 * {@link FolderBatch} and {@link GenerationBatch}.
 */
public final class BatchFolders {

	private BatchFolders() {}

	/**
	 * The images under {@code dir}, sub-folders included, as sorted relative
	 * paths with {@code /} separators. Hidden files and folders, and
	 * {@code exclude} (an output or mask folder, or a mask file, inside the input
	 * folder, under any name: a link to it is left out too), and a sub-folder
	 * that holds an earlier run's results (a fiji-gan manifest,
	 * {@link Listing#runOutputs()}), are left out; links are followed. Entries
	 * named as images that cannot be read ({@link Listing#unusable()}) are left
	 * out too.
	 */
	public static List<String> listImages(Path dir, ImageCodec codec,
		String include, Path exclude)
	{
		return list(dir, codec, include, exclude).images();
	}

	/**
	 * What {@link #list} finds: the images, and the entries named as images that
	 * cannot be read as one, each with why.
	 *
	 * @param images sorted relative paths, {@code /} separators
	 * @param unusable by relative path (as near as its name can be read as text),
	 *          sorted: why the entry cannot be read, for a message
	 * @param runOutputs the sub-folders left out as an earlier fiji-gan run's
	 *          output folders (they hold its manifest): their results are no new
	 *          inputs; sorted relative paths, {@code /} separators
	 */
	public record Listing(List<String> images,
			java.util.SortedMap<String, String> unusable, List<String> runOutputs) {
	}

	/**
	 * As {@link #listImages}, but also says which entries named as images (by
	 * their extension, or by {@code include}) cannot be read as one, without
	 * opening them: a named pipe, a socket or a device, a symbolic link to
	 * nothing, a name that the file-name encoding cannot read
	 * ({@link FileNameEncoding}).
	 */
	public static Listing list(Path dir, ImageCodec codec, String include,
		Path... exclude)
	{
		PathMatcher glob = include == null ? null : FolderJob.glob(include);
		boolean byName = include != null && !include.contains("/");
		List<String> names = new ArrayList<>();
		java.util.SortedMap<String, String> unusable = new java.util.TreeMap<>();
		// an output (or mask) folder that holds the input folder holds all its
		// images too: only one inside the input folder is left out
		List<Path> outside = new ArrayList<>();
		Set<Object> excluded = new java.util.HashSet<>();
		for (Path x : exclude)
			if (x != null && !dir.toAbsolutePath().normalize().startsWith(x
				.toAbsolutePath().normalize()))
			{
				outside.add(x);
				Object key = FileIdentity.of(x);
				if (key != null) excluded.add(key);
			}
		List<String> runOutputs = new ArrayList<>();
		walk(dir, true, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path d,
				BasicFileAttributes attrs)
			{
				boolean skip = !d.equals(dir) && (d.getFileName().toString().startsWith(
					".") || isExcluded(d, attrs));
				// an earlier run's output folder: its results are no new inputs
				if (!skip && !d.equals(dir) && Manifest.isRunOutput(d)) {
					runOutputs.add(slashes(dir.relativize(d)));
					skip = true;
				}
				return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
			}

			private boolean isExcluded(Path p, BasicFileAttributes attrs) {
				if (outside.isEmpty()) return false;
				for (Path x : outside)
					if (p.startsWith(x)) return true;
				return excluded.contains(attrs.fileKey() != null ? attrs.fileKey()
					: FileIdentity.of(p));
			}

			@Override
			public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
				Path rel = dir.relativize(p);
				boolean take = !p.getFileName().toString().startsWith(".") &&
					(glob == null ? codec.isImage(p) : glob.matches(byName ? p
						.getFileName() : rel)) && !isExcluded(p, attrs);
				if (!take) return FileVisitResult.CONTINUE;
				String name = slashes(rel);
				// never opened: a named pipe would block, a device never end
				String why = !FileNameEncoding.survives(dir, name, p) ? "cannot read " +
					"input " + p + ": " + FileNameEncoding.why() : attrs.isRegularFile()
						? null : notAFile(p, attrs);
				if (why == null) names.add(name);
				else unusable.put(name, why);
				return FileVisitResult.CONTINUE;
			}
		});
		names.sort(null);
		runOutputs.sort(null);
		return new Listing(names, unusable, runOutputs);
	}

	/**
	 * Why {@code p}, met in a folder with {@code attrs} (its link's own, for a
	 * link that cannot be followed), is not read as an image.
	 */
	private static String notAFile(Path p, BasicFileAttributes attrs) {
		// a link met as a link is one that cannot be followed (to nothing, a loop)
		if (attrs.isSymbolicLink()) return "input " + p + " is a symbolic link" +
			FileIdentity.linkTarget(p) + ", which leads to no file: not read";
		String kind = InputFile.kindOf(p);
		return "input " + p + " is " + (kind == null || kind.equals("missing")
			? "not a regular file" : kind + ", not a regular file") +
			": never opened";
	}

	/**
	 * Walks a folder tree, skipping what vanishes meanwhile (another shard's
	 * temporary files).
	 *
	 * @throws GanException when the tree cannot be read
	 */
	private static void walk(Path dir, boolean followLinks,
		SimpleFileVisitor<Path> visitor)
	{
		FileVisitor<Path> tolerant = new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path d,
				BasicFileAttributes attrs) throws IOException
			{
				return visitor.preVisitDirectory(d, attrs);
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
				throws IOException
			{
				return visitor.visitFile(file, attrs);
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException e)
				throws IOException
			{
				if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
				throw e;
			}
		};
		try {
			Files.walkFileTree(dir, followLinks ? EnumSet.of(
				FileVisitOption.FOLLOW_LINKS) : EnumSet.noneOf(FileVisitOption.class),
				Integer.MAX_VALUE, tolerant);
		}
		catch (IOException e) {
			throw new GanException("cannot list " + dir + ": " + AtomicFile.describe(
				e), e);
		}
	}

	/** {@code relative} with {@code /} separators, whatever the platform's. */
	static String slashes(Path relative) {
		StringBuilder sb = new StringBuilder();
		for (Path part : relative)
			sb.append(sb.length() == 0 ? "" : "/").append(part);
		return sb.toString();
	}

	/**
	 * The file that {@code relative} ({@code /} separators) names under
	 * {@code dir}.
	 */
	static Path resolve(Path dir, String relative) {
		Path p = dir;
		for (String part : relative.split("/"))
			p = p.resolve(part);
		return p;
	}

	/**
	 * Deletes temporary files that a killed run left for one of {@code targets}.
	 */
	static void removeStaleTemporaries(Path outputDir, Set<String> targets) {
		// a temporary file names a long target by its shortened stem
		Set<String> stems = new java.util.HashSet<>();
		for (String target : targets) {
			int slash = target.lastIndexOf('/');
			stems.add(target.substring(0, slash + 1) + AtomicFile.temporaryStem(target
				.substring(slash + 1)));
		}
		removeStaleTemporaries(outputDir,
			(java.util.function.Predicate<String>) stems::contains);
	}

	/**
	 * Deletes temporary files that a killed run left for a file that
	 * {@code isTarget} accepts, by its relative name ({@code /} separators; a
	 * long name's last part as {@link AtomicFile#temporaryStem} gives it): those
	 * unchanged for {@link AtomicFile#STALE_AFTER}, since another process may be
	 * writing the same target now.
	 */
	static void removeStaleTemporaries(Path outputDir,
		java.util.function.Predicate<String> isTarget)
	{
		walk(outputDir, false, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path p, BasicFileAttributes attrs)
				throws IOException
			{
				String target = AtomicFile.targetOfTemporary(p.getFileName()
					.toString());
				if (target != null && isTarget.test(slashes(outputDir.relativize(p
					.resolveSibling(target)))) && AtomicFile.isStale(p)) Files
						.deleteIfExists(p);
				return FileVisitResult.CONTINUE;
			}
		});
	}

	/**
	 * The relative name ({@code /} separators) of the first regular file under
	 * {@code dir} that {@code accept} takes, or null; links are not followed.
	 */
	static String firstFile(Path dir,
		java.util.function.Predicate<String> accept)
	{
		String[] found = { null };
		walk(dir, false, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
				String rel = slashes(dir.relativize(p));
				if (attrs.isRegularFile() && accept.test(rel)) {
					found[0] = rel;
					return FileVisitResult.TERMINATE;
				}
				return FileVisitResult.CONTINUE;
			}
		});
		return found[0];
	}

	/**
	 * Refuses, before anything is written, a sub-folder of {@code outputDir} that
	 * results go into ({@code /} separators; "" or null: the folder itself) when
	 * it is reached through a symbolic link inside {@code outputDir}: the results
	 * would be written, and with --overwrite files replaced, wherever the link
	 * leads. The output folder itself may be a link.
	 */
	static void refuseLinksInside(Path outputDir,
		java.util.Collection<String> folders)
	{
		for (String f : new java.util.TreeSet<>(folders.stream().filter(
			x -> x != null && !x.isEmpty()).toList()))
		{
			Path link = FileIdentity.linkBelow(outputDir, resolve(outputDir, f));
			if (link == null) continue;
			String to = FileIdentity.linkTarget(link);
			throw new GanException(link + " is a symbolic link" + to +
				": results are not written through a link inside the output folder " +
				"(they would land outside " + outputDir +
				"); remove the link or choose another output folder");
		}
	}
}
